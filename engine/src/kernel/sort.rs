//! One stable sort for the whole engine (issue 14: the call screen's size).
//!
//! Each `sort_by` on a new element type or comparison compiles the standard library's sort again
//! (about 3.5 KB of wasm each; nine of them were 36 KB). [`sort_by`] sorts the positions of the
//! items instead, through the one sort of `usize`s in [`sort_positions`], and then moves the items
//! into that order: a few hundred bytes per type. Stable, like `slice::sort_by`, and a merge sort
//! of its own rather than the standard library's.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping the order of items that compare equal.
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
}

/// Sorts `items` by the key `key` gives each, keeping the order of items with equal keys.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The one sort: a bottom-up merge sort of positions (runs of 1, 2, 4, ... merged into a second
/// buffer and back), stable because a tie takes the left run's item first. Not the standard
/// library's `sort_by`, whose driftsort and small-sort networks are 4 KB of wasm for one
/// instance; this is a few hundred bytes, and O(n log n) all the same.
fn sort_positions(order: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    let n = order.len();
    let mut from = order.to_vec();
    let mut to = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let middle = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut left, mut right, mut out) = (start, middle, start);
            while left < middle && right < end {
                if compare(from[right], from[left]) == Ordering::Less {
                    to[out] = from[right];
                    right += 1;
                } else {
                    to[out] = from[left];
                    left += 1;
                }
                out += 1;
            }
            to[out..out + middle - left].copy_from_slice(&from[left..middle]);
            out += middle - left;
            to[out..out + end - right].copy_from_slice(&from[right..end]);
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    order.copy_from_slice(&from);
}

#[cfg(test)]
mod tests {
    use super::{sort_by, sort_by_key};

    #[test]
    fn sorts_and_keeps_ties_in_order() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by_key(&mut items, |(n, _)| *n);
        assert_eq!(items, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        sort_by(&mut items, |a, b| b.0.cmp(&a.0));
        assert_eq!(items, [(3, 'a'), (3, 'c'), (2, 'd'), (1, 'b'), (1, 'e')]);
    }

    #[test]
    fn agrees_with_the_standard_sort() {
        let mut seed = 7u64;
        for len in (0..200).chain([1_000, 4_097]) {
            let mut items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|(k, _)| *k);
            sort_by_key(&mut items, |(k, _)| *k);
            assert_eq!(items, expected);
        }
    }
}
