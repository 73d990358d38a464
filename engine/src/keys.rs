//! Keyboard shortcuts as pure functions (F20), so they are tested natively and the widget only
//! maps browser events onto them. Digits pick answers, as a handler's hand rests on the number row
//! while the caller talks; nothing here takes keys that screen readers use (WAI-ARIA APG).

/// The answer option a key picks: "1" to "9" pick the first to ninth of `count` options.
pub fn answer_key(key: &str, count: usize) -> Option<usize> {
    let mut chars = key.chars();
    let digit = chars.next()?.to_digit(10)? as usize;
    if chars.next().is_some() || digit == 0 || digit > count.min(9) {
        return None;
    }
    Some(digit - 1)
}

#[cfg(test)]
mod tests {
    use super::answer_key;

    #[test]
    fn digits_pick_options_within_range() {
        assert_eq!(answer_key("1", 3), Some(0));
        assert_eq!(answer_key("3", 3), Some(2));
        assert_eq!(answer_key("4", 3), None);
        assert_eq!(answer_key("0", 3), None);
        assert_eq!(answer_key("9", 12), Some(8));
        assert_eq!(answer_key("Enter", 3), None);
        assert_eq!(answer_key("", 3), None);
        assert_eq!(answer_key("12", 20), None);
    }
}
