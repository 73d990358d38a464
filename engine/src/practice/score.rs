//! Scoring a practice call (F19; L2 1.1–2.3): a pure function of the pack, the scenario, the call
//! as the trainee handled it, and what the practice screen recorded that a live call's log does
//! not (the greeting said, the control phrases used). Each point is one thing the procedure or
//! the trainer expected, with the criterion it evidences, what the trainee did, and the words to
//! use where the pack has them, in the breakdown a trainer recognises ([`Area`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::call::{Call, Event};
use crate::kernel::{lowercase, Millis};
use crate::pack::{ControlKind, LogField, Pack};
use crate::practice::scenario::{ExpectedField, ScenarioFile};

/// What a practice call adds to the call's own log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeRecord {
    /// Whether the trainee opened with the greeting.
    #[serde(default)]
    pub greeted: bool,
    /// The control phrases the trainee used, in order.
    #[serde(default)]
    pub phrases: Vec<PhraseUsed>,
    /// Questions the trainee typed that the script could not answer, for the trainer.
    #[serde(default)]
    pub unmatched: Vec<String>,
}

/// A control phrase used during a practice call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhraseUsed {
    /// Milliseconds after the call was answered.
    pub after_ms: u64,
    /// The situation it was for.
    pub kind: ControlKind,
}

/// The parts of a call a trainer scores, in the order of a call.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Opening calmly and keeping control (L2 1.1, 1.2).
    CallControl,
    /// Where, and how to call back (L2 1.3).
    LocationAndCallback,
    /// The safety net and the decision tree asked (L2 1.4).
    Questions,
    /// The code and priority (L2 1.4).
    CodeAndPriority,
    /// Advice within limits (L2 1.6).
    Advice,
    /// Escalation (L2 1.7).
    Escalation,
    /// External organisations told (L2 2.1).
    Notification,
    /// The handoff to those who act (L2 1.5, 2.2, 2.3).
    Handoff,
    /// What the log holds (L2 1.3).
    LogCompleteness,
    /// How soon (L2 1.4).
    Timing,
}

impl Area {
    /// Every area, in the order of a call.
    pub const ALL: [Area; 10] = [
        Area::CallControl,
        Area::LocationAndCallback,
        Area::Questions,
        Area::CodeAndPriority,
        Area::Advice,
        Area::Escalation,
        Area::Notification,
        Area::Handoff,
        Area::LogCompleteness,
        Area::Timing,
    ];

    /// The area's name for trainers.
    pub fn label(self) -> &'static str {
        match self {
            Area::CallControl => "Call control and wording",
            Area::LocationAndCallback => "Location and callback",
            Area::Questions => "Questions asked",
            Area::CodeAndPriority => "Code and priority",
            Area::Advice => "Advice within limits",
            Area::Escalation => "Escalation",
            Area::Notification => "Organisations notified",
            Area::Handoff => "Handoff",
            Area::LogCompleteness => "Log completeness",
            Area::Timing => "Time to location, code and advice",
        }
    }
}

/// One thing expected, and whether the trainee did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Point {
    /// The area it belongs to.
    pub area: Area,
    /// The criterion it evidences (`L2 1.3`).
    pub criterion: &'static str,
    /// 1 when done, else 0.
    pub earned: u32,
    /// What was expected, and what the trainee did.
    pub said: String,
    /// The words to use, where the pack has them.
    pub wording: Option<String>,
}

/// A practice call's score: every point, in the order of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Score {
    /// Each point.
    pub points: Vec<Point>,
}

impl Score {
    /// Points earned.
    pub fn earned(&self) -> u32 {
        self.points.iter().map(|p| p.earned).sum()
    }

    /// Points possible.
    pub fn possible(&self) -> u32 {
        self.points.len() as u32
    }

    /// Earned as a whole percentage of possible (rounded down); 0 with nothing possible.
    pub fn percent(&self) -> u32 {
        (self.earned() * 100)
            .checked_div(self.possible())
            .unwrap_or(0)
    }

    /// Earned and possible per area, for the areas with any point.
    pub fn by_area(&self) -> Vec<(Area, u32, u32)> {
        Area::ALL
            .iter()
            .filter_map(|&area| {
                let (earned, possible) = self
                    .points
                    .iter()
                    .filter(|p| p.area == area)
                    .fold((0, 0), |(e, n), p| (e + p.earned, n + 1));
                (possible > 0).then_some((area, earned, possible))
            })
            .collect()
    }

    /// The criteria the attempt evidences (each with at least one point earned), in order.
    pub fn criteria_evidenced(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for p in self.points.iter().filter(|p| p.earned > 0) {
            if !out.contains(&p.criterion) {
                out.push(p.criterion);
            }
        }
        out.sort_by_key(|c| criterion_order(c));
        out
    }
}

/// "L2 1.10" after "L2 1.9": by unit, then by number.
pub(crate) fn criterion_order(c: &str) -> (String, u32, u32) {
    let (unit, number) = c.split_once(' ').unwrap_or((c, ""));
    let (major, minor) = number.split_once('.').unwrap_or((number, "0"));
    (
        unit.to_owned(),
        major.parse().unwrap_or(0),
        minor.parse().unwrap_or(0),
    )
}

/// Scores `call`, handled on `pack` for `scenario`, with what the practice screen `record`ed.
pub fn score(pack: &Pack, scenario: &ScenarioFile, call: &Call, record: &PracticeRecord) -> Score {
    let mut s = Scorer { points: Vec::new() };
    let file = pack.file();
    let expected = &scenario.expected;
    let start = call.opened_at();
    let log = call.log();
    let since = |at: Millis| at.saturating_sub(start);

    // Call control and wording (L2 1.1, 1.2).
    s.point(
        Area::CallControl,
        "L2 1.1",
        record.greeted,
        if record.greeted {
            "Opened with the organisation's greeting.".to_owned()
        } else {
            "Open every call with the organisation's greeting.".to_owned()
        },
        Some(call.say(pack, &file.wording.greeting)),
    );
    // Only what the caller said before the call ended counts: a line timed for later was never
    // heard.
    let ended = log.last().map_or(0, |e| since(e.at));
    for event in &scenario.events {
        let Some(kind) = event.kind.control() else {
            continue;
        };
        let after = u64::from(event.after_seconds) * 1000;
        if after > ended {
            continue;
        }
        let used = record
            .phrases
            .iter()
            .any(|p| p.kind == kind && p.after_ms >= after);
        let phrase = file
            .wording
            .control_phrases
            .iter()
            .find(|p| p.kind == kind)
            .map(|p| call.say(pack, &p.text));
        s.point(
            Area::CallControl,
            "L2 1.2",
            used,
            if used {
                format!(
                    "Kept control when the caller said \"{}\": used a {} phrase.",
                    event.say,
                    lowercase(kind.label())
                )
            } else {
                format!(
                    "When the caller said \"{}\", the procedure expected a {} phrase.",
                    event.say,
                    lowercase(kind.label())
                )
            },
            phrase,
        );
    }

    // Location and callback (L2 1.3).
    for (field, label) in [
        (LogField::Location, "the location"),
        (LogField::CallbackNumber, "a callback number"),
    ] {
        let recorded = call.field(field).is_some_and(|v| !v.trim().is_empty());
        s.point(
            Area::LocationAndCallback,
            "L2 1.3",
            recorded,
            if recorded {
                format!("Recorded {label}.")
            } else {
                format!("Record {label} early: it is what lets anyone act, or call back.")
            },
            None,
        );
    }

    // Questions asked (L2 1.4).
    for q in &file.safety_net {
        let asked = call.safety_answer(&q.id).is_some();
        s.point(
            Area::Questions,
            "L2 1.4",
            asked,
            if asked {
                format!("Asked the safety question \"{}\".", q.question)
            } else {
                format!(
                    "Ask every safety question: \"{}\" was not asked.",
                    q.question
                )
            },
            Some(call.say(pack, &q.question)),
        );
    }
    let decision = call.decision();
    let by_tree = decision.is_some_and(|d| !d.overridden && d.tree.is_some());
    s.point(
        Area::Questions,
        "L2 1.4",
        by_tree,
        if by_tree {
            "Reached the code through the decision tree.".to_owned()
        } else {
            "Reach the code through the decision tree, question by question.".to_owned()
        },
        None,
    );

    // Code and priority (L2 1.4).
    let code = decision.map(|d| d.code.as_str());
    let code_right =
        code.is_some_and(|c| c == expected.code || expected.also_acceptable.iter().any(|a| a == c));
    let code_title = |c: &str| {
        pack.code(c)
            .map_or_else(|| c.to_owned(), |k| format!("{c} {}", k.title))
    };
    s.point(
        Area::CodeAndPriority,
        "L2 1.4",
        code_right,
        match code {
            Some(c) if code_right => format!("Coded {}.", code_title(c)),
            Some(c) => format!(
                "Coded {}; the procedure leads to {}.",
                code_title(c),
                code_title(&expected.code)
            ),
            None => format!(
                "No code was decided; the procedure leads to {}.",
                code_title(&expected.code)
            ),
        },
        None,
    );
    let priority = decision.map(|d| d.priority.as_str());
    let priority_right = priority == Some(expected.priority.as_str());
    s.point(
        Area::CodeAndPriority,
        "L2 1.4",
        priority_right,
        match priority {
            Some(p) if priority_right => format!("Priority {p}."),
            Some(p) => format!("Priority {p}; the procedure gives {}.", expected.priority),
            None => format!("No priority; the procedure gives {}.", expected.priority),
        },
        None,
    );

    // Advice within limits (L2 1.6).
    for id in &expected.must_say {
        let item = pack.advice_item(id);
        let given = call.advice_given(id);
        let text = item.map_or(id.as_str(), |i| i.text.as_str());
        s.point(
            Area::Advice,
            "L2 1.6",
            given,
            if given {
                format!("Gave the advice \"{}\".", short(text))
            } else {
                format!("The procedure expected the advice \"{}\".", short(text))
            },
            Some(call.say(pack, text)),
        );
    }
    for id in &expected.must_not_say {
        let broke = log
            .iter()
            .any(|e| matches!(&e.what, Event::AdviceRefused { limit } if limit == id));
        let rule = pack
            .advice_limit(id)
            .map_or(id.as_str(), |l| l.rule.as_str());
        // Earned by advising within it, not by giving no advice at all.
        let advised = log
            .iter()
            .any(|e| matches!(e.what, Event::AdviceGiven { .. }));
        s.point(
            Area::Advice,
            "L2 1.6",
            advised && !broke,
            if broke {
                format!("Tried to advise beyond the limit \"{}\".", short(rule))
            } else if advised {
                format!("Stayed within the limit \"{}\".", short(rule))
            } else {
                format!(
                    "Give the advice the procedure has, within the limit \"{}\".",
                    short(rule)
                )
            },
            None,
        );
    }

    // Escalation (L2 1.7).
    let escalated: Vec<&str> = log
        .iter()
        .filter_map(|e| match &e.what {
            Event::Escalated { level, .. } => Some(level.as_str()),
            _ => None,
        })
        .collect();
    let level_name = |id: &str| pack.level(id).map_or(id, |l| l.name.as_str()).to_owned();
    match &expected.escalate_to {
        Some(level) => {
            let done = escalated.contains(&level.as_str());
            s.point(
                Area::Escalation,
                "L2 1.7",
                done,
                if done {
                    format!("Escalated to {}.", level_name(level))
                } else {
                    format!(
                        "The procedure expected escalation to {}.",
                        level_name(level)
                    )
                },
                None,
            );
        }
        None => {
            // Earned by handling the call here, not by leaving it undecided.
            let none = escalated.is_empty() && decision.is_some();
            s.point(
                Area::Escalation,
                "L2 1.7",
                none,
                if none {
                    "Handled the call at this level, as the procedure expects.".to_owned()
                } else if escalated.is_empty() {
                    "Decide the call: the procedure handles it at this level.".to_owned()
                } else {
                    format!(
                        "Escalated to {} where the procedure handles the call at this level.",
                        escalated
                            .iter()
                            .map(|l| level_name(l))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
                None,
            );
        }
    }
    if expected.major_incident {
        let declared = call.major_incident().is_some();
        s.point(
            Area::Escalation,
            "L2 1.7",
            declared,
            if declared {
                "Declared a major incident.".to_owned()
            } else {
                "The procedure expected a major incident to be declared.".to_owned()
            },
            None,
        );
    }

    // Organisations notified (L2 2.1).
    for org in &expected.notify {
        let told = log.iter().any(
            |e| matches!(&e.what, Event::Notified { organisation, .. } if organisation == org),
        );
        let name = pack
            .external_organisation(org)
            .map_or(org.as_str(), |o| o.name.as_str());
        s.point(
            Area::Notification,
            "L2 2.1",
            told,
            if told {
                format!("Told {name}.")
            } else {
                format!("The procedure expected {name} to be told.")
            },
            None,
        );
    }

    // Handoff (L2 1.5, 2.2, 2.3).
    if let Some(handoff) = &expected.handoff {
        let sent: Vec<(&str, &str, bool)> = log
            .iter()
            .filter_map(|e| match &e.what {
                Event::HandoffSent {
                    channel,
                    text,
                    read_back,
                    ..
                } => Some((channel.as_str(), text.as_str(), *read_back)),
                _ => None,
            })
            .collect();
        s.point(
            Area::Handoff,
            "L2 1.5",
            !sent.is_empty(),
            if sent.is_empty() {
                "The procedure expected a handoff to those who act.".to_owned()
            } else {
                "Passed the incident on to those who act.".to_owned()
            },
            None,
        );
        if let Some(channel) = &handoff.channel {
            let right = sent.iter().any(|(c, ..)| c == channel);
            let name = pack
                .channel(channel)
                .map_or(channel.as_str(), |c| c.name.as_str());
            s.point(
                Area::Handoff,
                "L2 2.2",
                right,
                if right {
                    format!("Used {name}, the most efficient means for this incident.")
                } else {
                    format!("The most efficient means for this incident is {name}.")
                },
                None,
            );
        }
        if !handoff.includes.is_empty() {
            let missing: Vec<&str> = handoff
                .includes
                .iter()
                .filter(|word| !sent.iter().any(|(_, text, _)| contains(text, word)))
                .map(String::as_str)
                .collect();
            s.point(
                Area::Handoff,
                "L2 2.3",
                missing.is_empty(),
                if missing.is_empty() {
                    "The handoff held everything those who act need.".to_owned()
                } else {
                    format!("The handoff left out: {}.", missing.join(", "))
                },
                None,
            );
        }
    }

    // Log completeness (L2 1.3).
    for ExpectedField {
        field,
        contains: words,
    } in &expected.fields
    {
        let (label, value) = match LogField::from_name(field) {
            Some(f) => (f.label().to_owned(), call.field(f)),
            None => (
                pack.custom_field(field)
                    .map_or_else(|| field.clone(), |f| f.label.clone()),
                call.custom_field(field),
            ),
        };
        let right = value.is_some_and(|v| !v.trim().is_empty() && contains(v, words));
        s.point(
            Area::LogCompleteness,
            "L2 1.3",
            right,
            match value {
                _ if right => format!("Recorded {label}."),
                Some(v) if !v.trim().is_empty() => {
                    format!("Recorded {label} as \"{v}\"; the caller said \"{words}\".")
                }
                _ => format!("Record {label}."),
            },
            None,
        );
    }

    // How soon (L2 1.4).
    let targets = &expected.targets;
    let first =
        |want: &dyn Fn(&Event) -> bool| log.iter().find(|e| want(&e.what)).map(|e| since(e.at));
    let location_at = first(&|e| {
        matches!(
            e,
            Event::Field {
                field: LogField::Location,
                ..
            }
        )
    });
    let code_at = log
        .iter()
        .rev()
        .find(|e| matches!(e.what, Event::Coded { .. }))
        .map(|e| since(e.at));
    let advice_at = first(
        &|e| matches!(e, Event::AdviceGiven { item: Some(i), .. } if expected.must_say.contains(i)),
    );
    for (target, at, what) in [
        (targets.location_seconds, location_at, "the location"),
        (targets.code_seconds, code_at, "the code"),
        (
            targets.advice_seconds,
            advice_at,
            "the first advice that must be given",
        ),
    ] {
        let Some(target) = target else {
            continue;
        };
        let met = at.is_some_and(|ms| ms <= u64::from(target) * 1000);
        s.point(
            Area::Timing,
            "L2 1.4",
            met,
            match at {
                Some(ms) if met => format!("Had {what} in {}, within {target} s.", seconds(ms)),
                Some(ms) => format!("Had {what} in {}; the target is {target} s.", seconds(ms)),
                None => format!("Never had {what}; the target is {target} s."),
            },
            None,
        );
    }
    Score { points: s.points }
}

struct Scorer {
    points: Vec<Point>,
}

impl Scorer {
    fn point(
        &mut self,
        area: Area,
        criterion: &'static str,
        done: bool,
        said: String,
        wording: Option<String>,
    ) {
        self.points.push(Point {
            area,
            criterion,
            earned: u32::from(done),
            said,
            wording,
        });
    }
}

/// Whether `text` contains `words` (any case, runs of spaces as one); empty `words` always.
fn contains(text: &str, words: &str) -> bool {
    let squash = |s: &str| {
        lowercase(s)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    squash(text).contains(&squash(words))
}

/// Advice as quoted in a point: its first 80 characters.
fn short(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Milliseconds as "1 min 5 s" or "42 s".
fn seconds(ms: u64) -> String {
    let s = ms / 1000;
    match (s / 60, s % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}
