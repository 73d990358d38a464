//! Warnings (F18): what in a pack that passes every check is probably a mistake.
//!
//! A problem (`validate`) means the pack contradicts itself and cannot be used. A warning means it
//! can be used, but something in it will probably let a caller or a target down; the organisation
//! decides. `pack-check` lists warnings and still passes the pack, unless run with
//! `--deny-warnings`; the widget lists them in the pack preview. Each warning has the JSON path of
//! what to look at and a message a contact-centre manager can act on. The rules:
//!
//! **A response plan its units' hours cannot meet** (at `codes[i].response_plan[j]`). For each
//! code and each resource type in its response plan, take the units of that type and the longest
//! stretch of the week (to the minute, Sunday night running into Monday) in which none of them is
//! available by its `hours`. The priorities a call with that code can have are the code's
//! `default_priority` and the priority of every tree outcome that ends in that code; if the
//! stretch is longer than the shortest `attend_within_minutes` among them, the warning names that
//! priority (the first of equals, the default first), the stretch and its length. A unit without
//! `hours` is always available, so a type with one is never warned about; a type with no units at
//! all is ("no unit of type …"). The units' live status is not considered: hours are the plan,
//! status is the moment.
//!
//! **An outcome that drops what the rest of its tree carries** (at `trees[i].outcomes[j].code`).
//! What an outcome carries is its code's `notify` organisations and the advice items of its advice
//! set (the outcome's own `advice_set`, else its code's). An outcome is warned about for each
//! organisation, and each advice item, that **every other outcome of the tree carries** and it does
//! not, when those other outcomes use **at least two different codes** (for advice: at least two
//! different codes and at least two different advice sets). Something the pack put in two or more
//! codes (or sets) for every other way the tree can end belongs to the hazard the tree assesses,
//! not to one service; an outcome whose code lacks it has usually been recoded to a generic code
//! (a 999 transfer, say) that forgets it. A tree whose outcomes go to different services carries
//! nothing in common and is not warned about; nor is an outcome that is one of two or more
//! lacking the same thing (it is then not the odd one out). Advice in the advice sets of more than
//! half the pack's codes (a general "quote your reference") is general, not the hazard's, and is
//! not compared. An advice item the outcome's advice stands in for (an item's `replaces`: "I am
//! reporting this to the gas emergency service for you" for "call the gas emergency service")
//! counts as carried.
//!
//! **May-say advice a limit forbids** (at `advice.sets[i].items[k]`): a may-say item of a set
//! whose words break a limit in force with that set (one the set names, or one that applies
//! everywhere). The same for must-say advice is a problem, not a warning: the handler could never
//! comply.

use crate::kernel::HashMap;

use crate::kernel::{lower_char, Problem};
use crate::pack::advice::set_conflicts;
use crate::pack::hours::{duration, longest_gap, week_time, Gap, MINUTES_PER_WEEK};
use crate::pack::{AdviceKind, IncidentCode, PackFile, Priority, ResourceUnit};

/// Every warning about `file`, in document order: codes, then trees, then advice. Meant for a pack
/// that passed `validate` (which calls it); on any other it passes over what does not resolve and
/// never panics.
pub fn lint(file: &PackFile) -> Vec<Problem> {
    lint_with(file, may_say_over_limits(file))
}

/// As `lint`, with the may-say advice over limits already found (by `validate`, which matches
/// every advice set's items against its limits for the must-say ones).
pub(crate) fn lint_with(file: &PackFile, may_say_over_limits: Vec<Problem>) -> Vec<Problem> {
    let mut out = Vec::new();
    unmet_targets(file, &mut out);
    dropped_on_recoding(file, &mut out);
    out.extend(may_say_over_limits);
    out
}

/// Whether units of a type can be sent all week.
#[derive(Debug, Clone, Copy)]
enum Cover {
    /// The pack has no unit of the type.
    NoUnits,
    /// At every minute of the week some unit is available.
    Always,
    /// The longest stretch in which none is.
    Gap(Gap),
}

fn unmet_targets(file: &PackFile, out: &mut Vec<Problem>) {
    let mut priorities: HashMap<&str, &Priority> = HashMap::default();
    for p in &file.priorities {
        priorities.entry(p.id.as_str()).or_insert(p);
    }
    // code → the tree outcomes that end in it, as (tree, outcome) indices.
    let mut outcomes: HashMap<&str, Vec<(usize, usize)>> = HashMap::default();
    for (i, tree) in file.trees.iter().enumerate() {
        for (j, outcome) in tree.outcomes.iter().enumerate() {
            outcomes
                .entry(outcome.code.as_str())
                .or_default()
                .push((i, j));
        }
    }
    let mut units: HashMap<&str, Vec<&ResourceUnit>> = HashMap::default();
    for unit in &file.resources.units {
        units
            .entry(unit.resource_type.as_str())
            .or_default()
            .push(unit);
    }
    let mut covers: HashMap<&str, Cover> = HashMap::default();
    for (i, code) in file.codes.iter().enumerate() {
        if code.response_plan.is_empty() {
            continue;
        }
        // The most urgent target a call with this code can have: the shortest attend time, the
        // default priority first among equals.
        let mut target: Option<(&Priority, Option<(usize, usize)>)> = None;
        let default = priorities
            .get(code.default_priority.as_str())
            .map(|p| (*p, None));
        let from_outcomes = outcomes
            .get(code.code.as_str())
            .into_iter()
            .flatten()
            .filter_map(|&(t, o)| {
                let id = file.trees.get(t)?.outcomes.get(o)?.priority.as_str();
                priorities.get(id).map(|p| (*p, Some((t, o))))
            });
        for candidate in default.into_iter().chain(from_outcomes) {
            if target
                .is_none_or(|(p, _)| candidate.0.attend_within_minutes < p.attend_within_minutes)
            {
                target = Some(candidate);
            }
        }
        for (j, item) in code.response_plan.iter().enumerate() {
            let kind = item.resource_type.as_str();
            let cover = *covers.entry(kind).or_insert_with(|| match units.get(kind) {
                None => Cover::NoUnits,
                Some(list) => match longest_gap(list.iter().map(|u| u.hours.as_deref())) {
                    None => Cover::Always,
                    Some(gap) => Cover::Gap(gap),
                },
            });
            let path = || format!("codes[{i}].response_plan[{j}]");
            match cover {
                Cover::Always => {}
                Cover::NoUnits => out.push(Problem {
                    path: path(),
                    message: format!(
                        "no unit of type \"{kind}\" is in the pack, so this response plan can never be met; add units of this type to resources.units, or change the response plan"
                    ),
                }),
                Cover::Gap(gap) => {
                    let Some((priority, source)) = target else {
                        continue;
                    };
                    if gap.minutes <= priority.attend_within_minutes {
                        continue;
                    }
                    let given = match source {
                        None => String::new(),
                        Some((t, o)) => format!(" (trees[{t}].outcomes[{o}] gives this code {})", priority.id),
                    };
                    let when = if gap.minutes >= MINUTES_PER_WEEK {
                        "at any time in the week".to_owned()
                    } else {
                        format!(
                            "from {} to {} ({})",
                            week_time(gap.start),
                            week_time(gap.end()),
                            duration(gap.minutes)
                        )
                    };
                    out.push(Problem {
                        path: path(),
                        message: format!(
                            "{} must attend within {}{given}, but no {} is available {when}; give units of this type hours that cover that time, or add a unit that is available then",
                            priority.id,
                            duration(priority.attend_within_minutes),
                            type_label(file, kind),
                        ),
                    });
                }
            }
        }
    }
}

/// A resource type's name as it reads mid-sentence ("building control surveyor"), keeping an
/// initial capital that is part of an abbreviation ("EHO"); the id if the type has no name.
fn type_label(file: &PackFile, id: &str) -> String {
    let name = file
        .resources
        .types
        .iter()
        .find(|t| t.id == id)
        .map(|t| t.name.trim())
        .filter(|n| !n.is_empty())
        .unwrap_or(id);
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        // A capital is a letter that lowers to another.
        (Some(first), second) if second.is_none_or(|c| lower_char(c) == c) => {
            std::iter::once(lower_char(first))
                .chain(name[first.len_utf8()..].chars())
                .collect()
        }
        _ => name.to_owned(),
    }
}

/// What one outcome of a tree carries.
struct Carried<'p, 's> {
    code: &'p str,
    set: Option<&'p str>,
    notify: Vec<&'p str>,
    advice: &'s [&'p str],
}

fn dropped_on_recoding(file: &PackFile, out: &mut Vec<Problem>) {
    let mut codes: HashMap<&str, &IncidentCode> = HashMap::default();
    for code in &file.codes {
        codes.entry(code.code.as_str()).or_insert(code);
    }
    // Each advice set's items, each once.
    let mut sets: HashMap<&str, Vec<&str>> = HashMap::default();
    for set in &file.advice.sets {
        sets.entry(set.id.as_str()).or_insert_with(|| {
            let mut items: Vec<&str> = set.items.iter().map(String::as_str).collect();
            dedup_in_order(&mut items);
            items
        });
    }
    let set_items = |id: Option<&str>| -> &[&str] {
        id.and_then(|id| sets.get(id))
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    // General advice: in the advice sets of more than half the pack's codes.
    let mut codes_with: HashMap<&str, usize> = HashMap::default();
    for code in &file.codes {
        for item in set_items(code.advice_set.as_deref()) {
            *codes_with.entry(item).or_default() += 1;
        }
    }
    let general = |item: &str| {
        codes_with
            .get(item)
            .is_some_and(|&n| 2 * n > file.codes.len())
    };

    // Advice items and what each stands in for.
    let replaced: HashMap<&str, Vec<&str>> = file
        .advice
        .items
        .iter()
        .filter(|a| !a.replaces.is_empty())
        .map(|a| {
            (
                a.id.as_str(),
                a.replaces.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    for (i, tree) in file.trees.iter().enumerate() {
        let n = tree.outcomes.len();
        if n < 3 {
            continue;
        }
        let carried: Vec<Carried<'_, '_>> = tree
            .outcomes
            .iter()
            .map(|o| {
                let code = codes.get(o.code.as_str());
                let set = o
                    .advice_set
                    .as_deref()
                    .or_else(|| code.and_then(|c| c.advice_set.as_deref()));
                let mut notify: Vec<&str> = code
                    .map(|c| c.notify.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                dedup_in_order(&mut notify);
                Carried {
                    code: o.code.as_str(),
                    set,
                    notify,
                    advice: set_items(set),
                }
            })
            .collect();
        let mut code_count: HashMap<&str, usize> = HashMap::default();
        let mut set_count: HashMap<Option<&str>, usize> = HashMap::default();
        let mut notify_count: HashMap<&str, usize> = HashMap::default();
        let mut advice_count: HashMap<&str, usize> = HashMap::default();
        for c in &carried {
            *code_count.entry(c.code).or_default() += 1;
            *set_count.entry(c.set).or_default() += 1;
            for org in &c.notify {
                *notify_count.entry(org).or_default() += 1;
            }
            for item in c.advice {
                *advice_count.entry(item).or_default() += 1;
            }
        }
        for (j, this) in carried.iter().enumerate() {
            // What this outcome's advice stands in for counts as carried (`replaces`).
            let covers = |item: &str| {
                this.advice.contains(&item)
                    || this
                        .advice
                        .iter()
                        .any(|own| replaced.get(own).is_some_and(|r| r.contains(&item)))
            };
            let alone = |count: Option<&usize>| usize::from(count == Some(&1));
            let other_codes = code_count.len() - alone(code_count.get(this.code));
            if other_codes < 2 {
                continue;
            }
            let other_sets = set_count.len() - alone(set_count.get(&this.set));
            // Everything every other outcome carries is in the first other outcome's lists.
            let Some(first_other) = carried.iter().enumerate().find(|(k, _)| *k != j) else {
                continue;
            };
            let first_other = first_other.1;
            let notify: Vec<&str> = first_other
                .notify
                .iter()
                .copied()
                .filter(|org| notify_count.get(org) == Some(&(n - 1)) && !this.notify.contains(org))
                .collect();
            let advice: Vec<&str> = if other_sets < 2 {
                Vec::new()
            } else {
                first_other
                    .advice
                    .iter()
                    .copied()
                    .filter(|item| {
                        advice_count.get(item) == Some(&(n - 1)) && !covers(item) && !general(item)
                    })
                    .collect()
            };
            if notify.is_empty() && advice.is_empty() {
                continue;
            }
            out.push(Problem {
                path: format!("trees[{i}].outcomes[{j}].code"),
                message: dropped_message(this.code, &notify, &advice),
            });
        }
    }
}

fn dropped_message(code: &str, notify: &[&str], advice: &[&str]) -> String {
    let mut dropped = Vec::new();
    if !notify.is_empty() {
        dropped.push(format!("notify {}", notify.join(", ")));
    }
    if !advice.is_empty() {
        dropped.push(format!("advice {}", advice.join(", ")));
    }
    let them = if notify.len() + advice.len() == 1 {
        "it"
    } else {
        "them"
    };
    let fix = match (notify.is_empty(), advice.is_empty()) {
        (false, true) => format!("add {them} to the code's notify"),
        (true, false) => format!(
            "add {them} to the code's advice set, or give the outcome an advice_set that has {them}"
        ),
        _ => format!(
            "add the organisation{} to the code's notify and the advice to its advice set, or give the outcome an advice_set with the advice",
            if notify.len() == 1 { "" } else { "s" }
        ),
    };
    format!(
        "code \"{code}\" drops {}, which every other outcome of this tree carries; if callers who reach this outcome need {them} too, {fix}",
        dropped.join(" and ")
    )
}

fn dedup_in_order(list: &mut Vec<&str>) {
    let mut seen = Vec::with_capacity(list.len());
    list.retain(|x| {
        if seen.contains(x) {
            false
        } else {
            seen.push(*x);
            true
        }
    });
}

fn may_say_over_limits(file: &PackFile) -> Vec<Problem> {
    set_conflicts(&file.advice, &file.organisation.name)
        .into_iter()
        .filter(|c| c.item.kind == AdviceKind::MaySay)
        .map(|c| Problem {
            path: c.path(),
            message: c.message(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_labels_read_mid_sentence() {
        let mut file: PackFile = serde_json::from_str(include_str!(
            "../../../tests/fixtures/packs/problems/valid.json"
        ))
        .unwrap();
        for (id, name) in [
            ("bc", "Building control surveyor"),
            ("eho", "EHO"),
            ("x", " "),
        ] {
            file.resources.types.push(crate::pack::ResourceType {
                id: id.to_owned(),
                name: name.to_owned(),
                description: String::new(),
                capacity_unit: None,
            });
        }
        assert_eq!(type_label(&file, "bc"), "building control surveyor");
        assert_eq!(type_label(&file, "eho"), "EHO");
        assert_eq!(type_label(&file, "x"), "x");
        assert_eq!(type_label(&file, "none"), "none");
    }

    #[test]
    fn dropped_messages_say_what_and_how_to_fix() {
        assert_eq!(
            dropped_message("EM-999-01", &["gas-emergency"], &[]),
            "code \"EM-999-01\" drops notify gas-emergency, which every other outcome of this tree carries; if callers who reach this outcome need it too, add it to the code's notify"
        );
        assert_eq!(
            dropped_message("X", &[], &["a", "b"]),
            "code \"X\" drops advice a, b, which every other outcome of this tree carries; if callers who reach this outcome need them too, add them to the code's advice set, or give the outcome an advice_set that has them"
        );
    }
}
