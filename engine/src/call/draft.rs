//! A call in progress, saved as a draft and restored exactly (F2: drafts that survive a reload;
//! F17; F21; L2 1.3: keep accurate and complete records). The widget saves the open call on every
//! change (issue 5: IndexedDB, debounced, flushed when the tab is hidden) and restores it after a
//! reload or a crashed tab, field for field: a handler who loses the page mid-call must not lose
//! what the caller already said, nor the record of what was asked and advised.
//!
//! `Call::to_draft` writes the call as JSON text; `Call::from_draft(pack, text)` reads it back,
//! equal to the original, and writing it again gives the same bytes. The text is a wire type of its
//! own (`DraftV1`, format `incident-desk/call-draft@1`), so `Call` can change shape behind a new
//! format version instead of breaking drafts already saved. A draft holds what the call holds and
//! nothing more (F21); deleting it after delivery or retention, and keeping it out of the console,
//! is the widget's part.
//!
//! Storage is not trusted: a tab can die mid-write, and anything on the machine can write to it.
//! Restoring checks, in order: size, emptiness, JSON syntax, the format and its version, the shape
//! (with the JSON path of the first part that does not fit), that the draft was taken under the
//! very pack loaded now (same organisation, same version: a draft is never migrated silently, the
//! handler is told both versions), and then every reference and every piece of state against the
//! pack and the draft's own log, all problems at once, each with its JSON path. It never panics.
//!
//! Numbers: answers are finite, because `Call::apply` refuses a non-finite number (serde_json
//! would write it as `null`, which could not be read back as a number). serde_json's
//! `float_roundtrip` feature is on so that every finite answer reads back to the same bits: its
//! default, faster reading gets the last bit wrong for some numbers with 17 significant digits
//! (about one random fraction in eleven). Inside a logged event, unknown keys are ignored rather
//! than refused: the event types are shared with the published log entry, whose schema would
//! change if they denied unknown fields.

use crate::kernel::SortedMap;

use serde::{Deserialize, Serialize};

use crate::call::event_reader::read_event;
use crate::call::{AnswerValue, Call, Decision, Event, LogEvent, MajorIncident, SafetyYes, Stage};
use crate::kernel::json_tree::{
    by_hand, read_list, read_option, read_serde, JsonTree, Node, TreeError, Value,
};
use crate::kernel::Millis;
use crate::kernel::Role;
use crate::kernel::{human_bytes, list_problems, Problem};
use crate::pack::fields::check_value;
use crate::pack::Pack;
use crate::pack::{DecisionTree, LogField};

/// The draft format's identifier; the version after `@` changes whenever the draft's shape or a
/// field's meaning does.
pub const DRAFT_FORMAT: &str = "incident-desk/call-draft@1";

/// The part of [`DRAFT_FORMAT`] before the version.
const DRAFT_FORMAT_NAME: &str = "incident-desk/call-draft@";

/// The largest draft we read, in bytes. A call's draft is a few kilobytes; one this large is not a
/// call someone was taking, and reading it would stall the handler's browser. The widget can
/// compare `to_draft().len()` with this to warn before a draft too large to restore is saved.
pub const MAX_DRAFT_BYTES: usize = 2 * 1024 * 1024;

/// Why a saved draft could not be restored. Each says what is wrong and, where it is one place,
/// where ([`DraftError::path`]); [`DraftError::Inconsistent`] lists every problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    /// The draft is larger than [`MAX_DRAFT_BYTES`].
    #[error("The saved call is too large to restore: {} is over the limit of {}.", human_bytes(*.bytes), human_bytes(*.limit))]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// Nothing, or only white space, was saved.
    #[error("The saved call is empty.")]
    Empty,
    /// The text is not JSON: usually a save cut short when the tab closed.
    #[error("The saved call is not valid JSON at {} (line {line}, column {column}): {message}. It may have been cut short.", display_path(path))]
    NotJson {
        /// The JSON path of the value being read when the text stopped making sense.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader expected.
        message: String,
    },
    /// The JSON is something other than a call draft.
    #[error(
        "This is not a saved call: its format is \"{found}\", not \"{expected}\" (at format)."
    )]
    NotADraft {
        /// The format it says it is (shortened if long).
        found: String,
        /// The format read here.
        expected: &'static str,
    },
    /// A call draft in a version of the format this widget does not read.
    #[error("The call was saved in version {found} of the draft format; this widget reads version {expected} (at format).")]
    UnsupportedVersion {
        /// The version the draft says (shortened if long).
        found: String,
        /// The version read here.
        expected: &'static str,
    },
    /// A call draft of the right format with the wrong shape.
    #[error(
        "The saved call has the wrong shape at {} (line {line}, column {column}): {message}.",
        display_path(path)
    )]
    WrongShape {
        /// The JSON path of the part that is wrong.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// The draft was taken under another organisation's pack.
    #[error("The call was saved under the procedure pack of \"{draft}\", but the pack loaded is \"{loaded}\" (at pack.id).")]
    OtherPack {
        /// The organisation in the draft.
        draft: String,
        /// The organisation of the pack loaded.
        loaded: String,
    },
    /// The draft was taken under another version of this pack. It is not migrated: questions,
    /// codes and priorities may mean something else in another version.
    #[error("The call was saved under version {draft} of the procedure pack, but version {loaded} is loaded now (at pack.version); it cannot be continued under a different version.")]
    OtherPackVersion {
        /// The pack version in the draft.
        draft: String,
        /// The version of the pack loaded.
        loaded: String,
    },
    /// The draft is well formed but does not fit the pack or its own log; every problem is listed.
    #[error("The saved call has {} problem{}: {}", problems.len(), if problems.len() == 1 { "" } else { "s" }, list_problems(problems))]
    Inconsistent {
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

impl DraftError {
    /// A short title for the problem, for a heading.
    pub fn title(&self) -> &'static str {
        match self {
            DraftError::TooLarge { .. } => "Saved call too large",
            DraftError::Empty => "Saved call is empty",
            DraftError::NotJson { .. } => "Saved call is damaged",
            DraftError::NotADraft { .. } => "Not a saved call",
            DraftError::UnsupportedVersion { .. } => {
                "Saved call from another version of the widget"
            }
            DraftError::WrongShape { .. } => "Saved call is damaged",
            DraftError::OtherPack { .. } => "Saved call from another organisation",
            DraftError::OtherPackVersion { .. } => "Saved call from another pack version",
            DraftError::Inconsistent { .. } => "Saved call does not fit the pack",
        }
    }

    /// The JSON path of the problem when it is in one place (empty for the whole draft); `None`
    /// for size and emptiness, and for [`DraftError::Inconsistent`], whose problems each have one.
    pub fn path(&self) -> Option<&str> {
        match self {
            DraftError::TooLarge { .. } | DraftError::Empty | DraftError::Inconsistent { .. } => {
                None
            }
            DraftError::NotJson { path, .. } | DraftError::WrongShape { path, .. } => Some(path),
            DraftError::NotADraft { .. } | DraftError::UnsupportedVersion { .. } => Some("format"),
            DraftError::OtherPack { .. } => Some("pack.id"),
            DraftError::OtherPackVersion { .. } => Some("pack.version"),
        }
    }

    /// The problems of a draft that does not fit the pack or its own log; empty otherwise.
    pub fn problems(&self) -> &[Problem] {
        match self {
            DraftError::Inconsistent { problems } => problems,
            _ => &[],
        }
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() {
        "the top level"
    } else {
        path
    }
}

/// Text from storage quoted in a message, cut to a length a person reads.
fn excerpt(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Version 1 of the draft: `Call`'s state, field for field, plus the format and the pack.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a saved call (a JSON object)")]
struct DraftV1 {
    format: String,
    pack: DraftPack,
    handler: String,
    /// Added after the first drafts were saved: those read as "not said".
    #[serde(default)]
    handler_role: Option<Role>,
    opened_at: Millis,
    closed: bool,
    fields: SortedMap<LogField, String>,
    tree: Option<String>,
    current: Option<String>,
    answers: Vec<DraftAnswer>,
    decision: Option<DraftDecision>,
    safety: SortedMap<String, bool>,
    safety_yes: Vec<DraftSafetyYes>,
    major_incident: Option<DraftMajorIncident>,
    log: Vec<DraftLogEvent>,
    /// The id the host was given for the call. Added after the first drafts were saved: those
    /// read as "not kept" (and are resumed under their CRM link's id, as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    announced_as: Option<String>,
    /// The organisation's own fields recorded (issue 15), by id. Absent when none are: drafts
    /// saved before read as none.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    custom_fields: SortedMap<String, String>,
    /// The trees a continued assessment came through (issue 15). Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    stages: Vec<DraftStage>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftPack {
    id: String,
    version: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftAnswer {
    node: String,
    value: AnswerValue,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftDecision {
    code: String,
    priority: String,
    reason: String,
    advice_set: Option<String>,
    escalation: Option<String>,
    overridden: bool,
    /// Added in issue 15, with `outcome`: drafts saved before read as none (their decisions came
    /// from no outcome that notifies or routes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tree: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<String>,
}

/// A tree whose outcome continued into another (issue 15).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftStage {
    tree: String,
    answers: Vec<DraftAnswer>,
    outcome: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftSafetyYes {
    priority: Option<String>,
    escalation: Option<String>,
    vulnerable: bool,
    advice: Option<String>,
    reason: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftMajorIncident {
    at: Millis,
    reason: String,
    access: String,
    services: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftLogEvent {
    at: Millis,
    by: String,
    /// Read by hand (`event_reader`); the derive, kept as the oracle, passes over it.
    #[serde(deserialize_with = "skip_event")]
    what: Event,
}

/// Passes over an event in the derive's reading (the oracle, [`draft_readers_agree`], reads each
/// event by hand after).
fn skip_event<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Event, D::Error> {
    serde::de::IgnoredAny::deserialize(deserializer)?;
    Ok(Event::Closed)
}

/// When the call saved in `text` last changed (its latest logged time), without the pack it was
/// taken under: to pick the newest of several drafts. `None` if `text` is not a draft's shape.
pub fn last_change(text: &str) -> Option<Millis> {
    if text.len() > MAX_DRAFT_BYTES {
        return None;
    }
    let draft = JsonTree::parse(text.as_bytes()).ok()?;
    match &draft.root().last_member("log")?.value {
        Value::Array(events) => events
            .iter()
            .filter_map(|event| event.last_member("at")?.as_u64())
            .max(),
        _ => None,
    }
}

impl Call {
    /// The call as a draft: JSON text in the format [`DRAFT_FORMAT`], to be saved as it is and
    /// given back to [`Call::from_draft`]. Records the pack the call was answered under.
    pub fn to_draft(&self) -> String {
        // Destructured in full so that a new field in `Call` does not compile until the draft
        // has a place for it.
        let Call {
            handler,
            role,
            opened_at,
            closed,
            log,
            fields,
            tree,
            current,
            answers,
            decision,
            safety,
            safety_yes,
            major,
            announced_as,
            custom,
            stages,
        } = self;
        // `Call::open` logs the pack first; `from_draft` refuses a log that does not start so.
        let pack = match log.first().map(|e| &e.what) {
            Some(Event::Opened { pack, version }) => DraftPack {
                id: pack.clone(),
                version: version.clone(),
            },
            _ => DraftPack {
                id: String::new(),
                version: String::new(),
            },
        };
        let draft = DraftV1 {
            format: DRAFT_FORMAT.to_owned(),
            pack,
            handler: handler.clone(),
            handler_role: *role,
            opened_at: *opened_at,
            closed: *closed,
            fields: fields.clone(),
            tree: tree.clone(),
            current: current.clone(),
            answers: answers
                .iter()
                .map(|(node, value)| DraftAnswer {
                    node: node.clone(),
                    value: value.clone(),
                })
                .collect(),
            decision: decision.as_ref().map(DraftDecision::from),
            safety: safety.clone(),
            safety_yes: safety_yes.iter().map(DraftSafetyYes::from).collect(),
            major_incident: major.as_ref().map(DraftMajorIncident::from),
            log: log.iter().map(DraftLogEvent::from).collect(),
            announced_as: announced_as.clone(),
            custom_fields: custom.clone(),
            stages: stages
                .iter()
                .map(|s| DraftStage {
                    tree: s.tree.clone(),
                    answers: s
                        .answers
                        .iter()
                        .map(|(node, value)| DraftAnswer {
                            node: node.clone(),
                            value: value.clone(),
                        })
                        .collect(),
                    outcome: s.outcome.clone(),
                })
                .collect(),
        };
        // Cannot fail: every map key is a string and the answers are finite. The engine never
        // panics, so say so in JSON that `from_draft` will refuse, rather than unwrap.
        serde_json::to_string(&draft).unwrap_or_else(|_| {
            format!("{{\"format\":\"{DRAFT_FORMAT}\",\"error\":\"the call could not be written\"}}")
        })
    }

    /// The call saved in `text` by [`Call::to_draft`], to continue under `pack`: equal to the call
    /// saved, or the reason it cannot be restored. `pack` must be the organisation and version the
    /// draft was taken under.
    pub fn from_draft(pack: &Pack, text: &str) -> Result<Call, DraftError> {
        let bytes = text.as_bytes();
        if bytes.len() > MAX_DRAFT_BYTES {
            return Err(DraftError::TooLarge {
                bytes: bytes.len(),
                limit: MAX_DRAFT_BYTES,
            });
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(DraftError::Empty);
        }
        let draft = read_draft(bytes)?;
        check_format(&draft.format)?;
        let file = pack.file();
        if draft.pack.id != file.organisation.id {
            return Err(DraftError::OtherPack {
                draft: excerpt(&draft.pack.id),
                loaded: file.organisation.id.clone(),
            });
        }
        if draft.pack.version != file.version {
            return Err(DraftError::OtherPackVersion {
                draft: excerpt(&draft.pack.version),
                loaded: file.version.clone(),
            });
        }
        let problems = Consistency::new(pack).check(&draft);
        if !problems.is_empty() {
            return Err(DraftError::Inconsistent { problems });
        }
        Ok(draft.into_call())
    }
}

fn check_format(found: &str) -> Result<(), DraftError> {
    if found == DRAFT_FORMAT {
        return Ok(());
    }
    Err(match found.strip_prefix(DRAFT_FORMAT_NAME) {
        Some(version) => DraftError::UnsupportedVersion {
            found: excerpt(version),
            expected: "1",
        },
        None => DraftError::NotADraft {
            found: excerpt(found),
            expected: DRAFT_FORMAT,
        },
    })
}

/// The draft in `bytes`, or why it is not one: not JSON, another format, or the wrong shape at
/// a JSON path.
fn read_draft(bytes: &[u8]) -> Result<DraftV1, DraftError> {
    let tree = JsonTree::parse(bytes).map_err(|failure| {
        let (path, line, column, message) = failure.into_parts();
        DraftError::NotJson {
            path,
            line,
            column,
            message,
        }
    })?;
    read_draft_v1(tree.root()).map_err(|e| {
        let failure = tree.explain(e);
        match tree.top_string("format").map(check_format) {
            Some(Err(e)) => e,
            _ => {
                let (path, line, column, message) = failure.into_parts();
                DraftError::WrongShape {
                    path,
                    line,
                    column,
                    message,
                }
            }
        }
    })
}

/// The draft, read by hand from its JSON tree (issue 14: the call screen's size); its derive is
/// the oracle ([`draft_readers_agree`]).
fn read_draft_v1(node: &Node) -> Result<DraftV1, TreeError> {
    by_hand!(node, DraftV1 as ("a saved call (a JSON object)") {
        format: required(read_serde),
        pack: required(|v| by_hand!(v, DraftPack {
            id: required(read_serde),
            version: required(read_serde),
        })),
        handler: required(read_serde),
        handler_role: default(read_serde),
        opened_at: required(read_serde),
        closed: required(read_serde),
        fields: required(read_serde),
        tree: default(read_serde),
        current: default(read_serde),
        answers: required(|v| read_list(v, |v| by_hand!(v, DraftAnswer {
            node: required(read_serde),
            value: required(read_serde),
        }))),
        decision: default(|v| read_option(v, |v| by_hand!(v, DraftDecision {
            code: required(read_serde),
            priority: required(read_serde),
            reason: required(read_serde),
            advice_set: default(read_serde),
            escalation: default(read_serde),
            overridden: required(read_serde),
            tree: default(read_serde),
            outcome: default(read_serde),
        }))),
        safety: required(read_serde),
        safety_yes: required(|v| read_list(v, |v| by_hand!(v, DraftSafetyYes {
            priority: default(read_serde),
            escalation: default(read_serde),
            vulnerable: required(read_serde),
            advice: default(read_serde),
            reason: required(read_serde),
        }))),
        major_incident: default(|v| read_option(v, |v| by_hand!(v, DraftMajorIncident {
            at: required(read_serde),
            reason: required(read_serde),
            access: required(read_serde),
            services: required(read_serde),
        }))),
        log: required(|v| read_list(v, |v| by_hand!(v, DraftLogEvent {
            at: required(read_serde),
            by: required(read_serde),
            what: required(read_event),
        }))),
        announced_as: default(read_serde),
        custom_fields: default(read_serde),
        stages: default(|v| read_list(v, |v| by_hand!(v, DraftStage {
            tree: required(read_serde),
            answers: required(|v| read_list(v, |v| by_hand!(v, DraftAnswer {
                node: required(read_serde),
                value: required(read_serde),
            }))),
            outcome: required(read_serde),
        }))),
    })
}

/// Whether the hand-written reader of drafts and the derive (the oracle) say the same of
/// `bytes`: the same draft, or the same refusal at the same place. `Err` says how they differ.
/// For tests (`engine/tests/json_tree.rs`); nothing else calls it.
#[doc(hidden)]
pub fn draft_readers_agree(bytes: &[u8]) -> Result<(), String> {
    let tree = JsonTree::parse(bytes).map_err(|e| format!("not JSON: {e:?}"))?;
    let ours = read_draft_v1(tree.root()).map_err(|e| tree.explain(e));
    let theirs = tree.read::<DraftV1>().and_then(|mut draft| {
        // The derive passes over each event; they are read by hand after, as before.
        if let Some(Node {
            value: Value::Array(items),
            ..
        }) = tree.root().member("log")
        {
            for (event, item) in draft.log.iter_mut().zip(items) {
                if let Some(what) = item.member("what") {
                    event.what = read_event(what).map_err(|e| tree.explain(e))?;
                }
            }
        }
        Ok(draft)
    });
    let (ours, theirs) = (format!("{ours:?}"), format!("{theirs:?}"));
    if ours == theirs {
        Ok(())
    } else {
        Err(format!("by hand: {ours}\nderive: {theirs}"))
    }
}

impl DraftV1 {
    fn into_call(self) -> Call {
        let DraftV1 {
            format: _,
            pack: _,
            handler,
            handler_role,
            opened_at,
            closed,
            fields,
            tree,
            current,
            answers,
            decision,
            safety,
            safety_yes,
            major_incident,
            log,
            announced_as,
            custom_fields,
            stages,
        } = self;
        Call {
            custom: custom_fields,
            stages: stages
                .into_iter()
                .map(|s| Stage {
                    tree: s.tree,
                    answers: s.answers.into_iter().map(|a| (a.node, a.value)).collect(),
                    outcome: s.outcome,
                })
                .collect(),
            handler,
            role: handler_role,
            opened_at,
            closed,
            log: log.into_iter().map(LogEvent::from).collect(),
            fields,
            tree,
            current,
            answers: answers.into_iter().map(|a| (a.node, a.value)).collect(),
            decision: decision.map(Decision::from),
            safety,
            safety_yes: safety_yes.into_iter().map(SafetyYes::from).collect(),
            major: major_incident.map(MajorIncident::from),
            announced_as,
        }
    }
}

/// `From` both ways between a call's type and its mirror in the draft, field for field: from the
/// call's (by reference, cloned) and back to it. Both sides are destructured whole, with no `..`,
/// so a field added to either does not compile until it is named here.
macro_rules! mirror {
    ($call:ident, $draft:ident: $($field:ident),+) => {
        impl From<&$call> for $draft {
            fn from(value: &$call) -> Self {
                let $call { $($field),+ } = value.clone();
                $draft { $($field),+ }
            }
        }

        impl From<$draft> for $call {
            fn from(value: $draft) -> Self {
                let $draft { $($field),+ } = value;
                $call { $($field),+ }
            }
        }
    };
}

mirror!(Decision, DraftDecision: code, priority, reason, advice_set, escalation, overridden, tree, outcome);
mirror!(SafetyYes, DraftSafetyYes: priority, escalation, vulnerable, advice, reason);
mirror!(MajorIncident, DraftMajorIncident: at, reason, access, services);
mirror!(LogEvent, DraftLogEvent: at, by, what);

/// A tree continued from, as a draft or its log says: (tree, its answers, the outcome).
type StageSays<'d> = (&'d str, Vec<(&'d str, &'d AnswerValue)>, &'d str);

/// What a draft's log says the call's state is, read event by event as `Call::apply` wrote it.
#[derive(Default)]
struct LogSays<'d> {
    tree: Option<&'d str>,
    answers: Vec<(&'d str, &'d AnswerValue)>,
    /// Trees continued from: (tree, its answers, outcome).
    stages: Vec<StageSays<'d>>,
    fields: SortedMap<LogField, &'d str>,
    custom: SortedMap<&'d str, &'d str>,
    safety: SortedMap<&'d str, bool>,
    /// The last code decided: code, priority (after any raise), reason, overridden.
    decision: Option<(&'d str, &'d str, &'d str, bool)>,
    major: Option<(Millis, &'d str, &'d str, &'d str)>,
    closed: bool,
}

/// The checks of a well-formed draft against the pack and its own log.
struct Consistency<'p> {
    pack: &'p Pack,
    problems: Vec<Problem>,
}

impl<'p> Consistency<'p> {
    fn new(pack: &'p Pack) -> Self {
        Consistency {
            pack,
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }

    /// Reports `id` at `path` unless `known`.
    fn known(&mut self, path: impl Into<String>, what: &str, id: &str, known: bool) {
        if !known {
            self.problem(
                path,
                format!("there is no {what} \"{}\" in this pack", excerpt(id)),
            );
        }
    }

    fn priority(&mut self, path: impl Into<String>, id: &str) {
        let known = self.pack.priority_rank(id).is_some();
        self.known(path, "priority", id, known);
    }

    fn code(&mut self, path: impl Into<String>, id: &str) {
        let known = self.pack.code(id).is_some();
        self.known(path, "incident code", id, known);
    }

    fn level(&mut self, path: impl Into<String>, id: &str) {
        let known = self
            .pack
            .file()
            .escalation
            .levels
            .iter()
            .any(|l| l.id == id);
        self.known(path, "escalation level", id, known);
    }

    fn advice_item(&mut self, path: impl Into<String>, id: &str) {
        let known = self.pack.file().advice.items.iter().any(|a| a.id == id);
        self.known(path, "advice item", id, known);
    }

    fn safety_question(&mut self, path: impl Into<String>, id: &str) {
        let known = self.pack.file().safety_net.iter().any(|q| q.id == id);
        self.known(path, "safety-net question", id, known);
    }

    /// Reports `node` at `path` unless it is a question of `tree`.
    fn node(&mut self, path: impl Into<String>, tree: &DecisionTree, node: &str) {
        if !tree.nodes.iter().any(|n| n.id == node) {
            self.problem(
                path,
                format!(
                    "there is no question \"{}\" in decision tree \"{}\"",
                    excerpt(node),
                    tree.id
                ),
            );
        }
    }

    fn check(mut self, draft: &DraftV1) -> Vec<Problem> {
        let says = self.log(draft);
        self.state(draft, &says);
        // Told to the host again as the call's id: one the host could have been given (the
        // widget's own, or a CRM call id, 1 to 128 characters).
        if draft
            .announced_as
            .as_ref()
            .is_some_and(|id| id.is_empty() || id.chars().count() > 128)
        {
            self.problem(
                "announced_as",
                "the id the call was announced under must be 1 to 128 characters",
            );
        }
        self.problems
    }

    /// Checks every event's references, in order, and gathers what the log says the state is.
    fn log<'d>(&mut self, draft: &'d DraftV1) -> LogSays<'d> {
        let pack = self.pack;
        let file = pack.file();
        match draft.log.first() {
            None => self.problem(
                "log",
                "the log is empty; a call's log starts with the call being answered",
            ),
            Some(first) => {
                match &first.what {
                    Event::Opened { pack: id, version }
                        if *id == draft.pack.id && *version == draft.pack.version => {}
                    Event::Opened { .. } => self.problem(
                        "log[0].what",
                        "the log says the call was answered under another pack than the draft's",
                    ),
                    _ => self.problem(
                        "log[0].what",
                        "the log must start with the call being answered (an \"opened\" event)",
                    ),
                }
                if first.at != draft.opened_at {
                    self.problem(
                        "opened_at",
                        "the call's answering time is not the time of the first event in its log",
                    );
                }
            }
        }
        let mut says = LogSays::default();
        // The tree in force as the log is read: none chosen yet, or chosen (known to the pack or
        // not; an unknown one is reported where it was chosen).
        let mut chosen: Option<Option<&DecisionTree>> = None;
        for (i, event) in draft.log.iter().enumerate() {
            let at = |key: &str| format!("log[{i}].what.{key}");
            match &event.what {
                // A deviation's key names something only the whole call can say; an unknown one
                // is harmless (it explains nothing) and was checked when it was given.
                Event::Opened { .. }
                | Event::CrmLinked { .. }
                | Event::DeviationExplained { .. } => {}
                Event::Field { field, value } | Event::Corrected { field, value, .. } => {
                    says.fields.insert(*field, value);
                }
                Event::CustomField { field, value } => {
                    match self.pack.custom_field(field) {
                        None => self.known(at("field"), "log field", field, false),
                        Some(found) if check_value(found, value).as_deref() != Ok(value) => {
                            self.problem(at("value"), "the value does not fit the field");
                        }
                        Some(_) => {}
                    }
                    if value.is_empty() {
                        says.custom.remove(field.as_str());
                    } else {
                        says.custom.insert(field, value);
                    }
                }
                Event::TreeChosen { tree } => {
                    let found = pack.tree(tree);
                    self.known(at("tree"), "decision tree", tree, found.is_some());
                    chosen = Some(found);
                    says.tree = Some(tree.as_str());
                    says.answers.clear();
                    says.stages.clear();
                }
                Event::TreeContinued { from, outcome, to } => {
                    let found = pack.tree(to);
                    self.known(at("to"), "decision tree", to, found.is_some());
                    if says.tree != Some(from.as_str()) {
                        self.problem(
                            at("from"),
                            "the assessment continued from a tree not in use",
                        );
                    }
                    let answers = std::mem::take(&mut says.answers);
                    says.stages.push((from.as_str(), answers, outcome.as_str()));
                    chosen = Some(found);
                    says.tree = Some(to.as_str());
                }
                Event::Answered { node, value, .. } => {
                    match chosen {
                        None => self.problem(
                            at("node"),
                            "a question was answered before a decision tree was chosen",
                        ),
                        Some(Some(tree)) => self.node(at("node"), tree, node),
                        Some(None) => {}
                    }
                    says.answers.push((node.as_str(), value));
                }
                Event::AnswerRevised {
                    node, withdrawn, ..
                } => {
                    match says.answers.last() {
                        Some((last, _)) if last == node => {
                            says.answers.pop();
                        }
                        _ => self.problem(
                            at("node"),
                            "an answer was revised that is not the last one given",
                        ),
                    }
                    if let Some(withdrawn) = withdrawn {
                        self.code(at("withdrawn.code"), &withdrawn.code);
                        self.priority(at("withdrawn.priority"), &withdrawn.priority);
                        says.decision = None;
                    }
                }
                Event::Coded {
                    code,
                    priority,
                    reason,
                    overridden,
                } => {
                    self.code(at("code"), code);
                    self.priority(at("priority"), priority);
                    says.decision = Some((
                        code.as_str(),
                        priority.as_str(),
                        reason.as_str(),
                        *overridden,
                    ));
                }
                Event::PriorityRaised { from, to, .. } => {
                    self.priority(at("from"), from);
                    self.priority(at("to"), to);
                    match &mut says.decision {
                        Some(decision) => decision.1 = to.as_str(),
                        None => self.problem(at("to"), "a priority was raised before any code"),
                    }
                }
                Event::AdviceGiven { item, .. } => {
                    if let Some(item) = item {
                        self.advice_item(at("item"), item);
                    }
                }
                Event::AdviceRefused { limit } => {
                    let known = file.advice.limits.iter().any(|l| &l.id == limit);
                    self.known(at("limit"), "advice limit", limit, known);
                }
                Event::Escalated { level, .. } | Event::EscalationDeclined { level, .. } => {
                    self.level(at("level"), level);
                }
                Event::Notified { organisation, .. } => {
                    let known = file
                        .external_organisations
                        .iter()
                        .any(|o| &o.id == organisation);
                    self.known(
                        at("organisation"),
                        "external organisation",
                        organisation,
                        known,
                    );
                }
                Event::NoticeApplied { kind, .. } => {
                    let known = self.pack.file().notice_kinds.iter().any(|k| &k.id == kind);
                    self.known(at("kind"), "notice kind", kind, known);
                }
                Event::RouteContacted { route, .. } => {
                    let known = self.pack.route(route).is_some();
                    self.known(at("route"), "route", route, known);
                }
                Event::HandoffSent { channel, .. } => {
                    let known = file.channels.iter().any(|c| &c.id == channel);
                    self.known(at("channel"), "channel", channel, known);
                }
                Event::ChecklistTicked { item } => {
                    let known = file
                        .legislation
                        .iter()
                        .flat_map(|l| &l.checklist)
                        .any(|c| &c.id == item);
                    self.known(at("item"), "checklist item", item, known);
                }
                Event::SafetyNetAnswered { question, yes, .. } => {
                    self.safety_question(at("question"), question);
                    says.safety.insert(question, *yes);
                }
                Event::MajorIncidentDeclared {
                    reason,
                    access,
                    services,
                } => {
                    says.major = Some((
                        event.at,
                        reason.as_str(),
                        access.as_str(),
                        services.as_str(),
                    ))
                }
                Event::Closed => says.closed = true,
            }
        }
        says
    }

    /// Checks the call's state against the pack and against what its log says.
    fn state(&mut self, draft: &DraftV1, says: &LogSays<'_>) {
        let pack = self.pack;
        let tree = match draft.tree.as_deref() {
            None => None,
            Some(id) => {
                let found = pack.tree(id);
                self.known("tree", "decision tree", id, found.is_some());
                Some(found)
            }
        };
        if draft.tree.as_deref() != says.tree {
            self.problem(
                "tree",
                "the call's tree is not the last one chosen in its log",
            );
        }
        if let Some(current) = &draft.current {
            match tree {
                None => self.problem(
                    "current",
                    "a question is being asked without a decision tree",
                ),
                Some(Some(tree)) => self.node("current", tree, current),
                Some(None) => {}
            }
        }
        for (i, answer) in draft.answers.iter().enumerate() {
            let path = format!("answers[{i}].node");
            match tree {
                None => self.problem(path, "an answer is kept without a decision tree"),
                Some(Some(tree)) => self.node(path, tree, &answer.node),
                Some(None) => {}
            }
        }
        let answers: Vec<(&str, &AnswerValue)> = draft
            .answers
            .iter()
            .map(|a| (a.node.as_str(), &a.value))
            .collect();
        if answers != says.answers {
            self.problem(
                "answers",
                "the answers are not those logged since the tree was chosen",
            );
        }
        let stages: Vec<StageSays> = draft
            .stages
            .iter()
            .map(|s| {
                let answers = s
                    .answers
                    .iter()
                    .map(|a| (a.node.as_str(), &a.value))
                    .collect();
                (s.tree.as_str(), answers, s.outcome.as_str())
            })
            .collect();
        if stages != says.stages {
            self.problem(
                "stages",
                "the trees continued from are not those logged since the tree was chosen",
            );
        }
        let custom: Vec<(&str, &str)> = draft
            .custom_fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let logged: Vec<(&str, &str)> = says.custom.iter().map(|(k, v)| (*k, *v)).collect();
        if custom != logged {
            self.problem(
                "custom_fields",
                "the fields are not the values last recorded in the log",
            );
        }
        for field in LogField::ALL {
            if draft.fields.get(&field).map(String::as_str) != says.fields.get(&field).copied() {
                self.problem(
                    format!("fields.{}", field.name()),
                    "the field is not the value last recorded in the log",
                );
            }
        }
        for (question, yes) in &draft.safety {
            let path = format!("safety.{question}");
            self.safety_question(path.clone(), question);
            if says.safety.get(question.as_str()) != Some(yes) {
                self.problem(
                    path,
                    "the answer is not the one last logged for this question",
                );
            }
        }
        for question in says.safety.keys() {
            if !draft.safety.contains_key(*question) {
                self.problem(
                    format!("safety.{question}"),
                    "the log has an answer to this question that the call does not",
                );
            }
        }
        for (i, yes) in draft.safety_yes.iter().enumerate() {
            if let Some(priority) = &yes.priority {
                self.priority(format!("safety_yes[{i}].priority"), priority);
            }
            if let Some(level) = &yes.escalation {
                self.level(format!("safety_yes[{i}].escalation"), level);
            }
            if let Some(item) = &yes.advice {
                self.advice_item(format!("safety_yes[{i}].advice"), item);
            }
        }
        match (&draft.decision, says.decision) {
            (None, None) => {}
            (Some(d), Some((code, priority, reason, overridden))) => {
                self.code("decision.code", &d.code);
                self.priority("decision.priority", &d.priority);
                if let Some(set) = &d.advice_set {
                    let known = pack.file().advice.sets.iter().any(|s| &s.id == set);
                    self.known("decision.advice_set", "advice set", set, known);
                }
                if let Some(level) = &d.escalation {
                    self.level("decision.escalation", level);
                }
                if let Some(tree) = &d.tree {
                    self.known(
                        "decision.tree",
                        "decision tree",
                        tree,
                        pack.tree(tree).is_some(),
                    );
                }
                if let Some(outcome) = &d.outcome {
                    let tree = d.tree.as_deref().and_then(|t| pack.tree(t));
                    let known = tree.is_none_or(|t| t.outcome(outcome).is_some());
                    self.known("decision.outcome", "outcome", outcome, known);
                }
                if (d.code.as_str(), d.reason.as_str(), d.overridden) != (code, reason, overridden)
                {
                    self.problem("decision", "the decision is not the last one logged");
                } else if d.priority != priority {
                    self.problem(
                        "decision.priority",
                        "the priority is not the one last logged for this decision",
                    );
                }
            }
            (Some(_), None) => self.problem("decision", "the log has no code decided"),
            (None, Some(_)) => self.problem("decision", "the log has a code the call does not"),
        }
        let major = draft.major_incident.as_ref().map(|m| {
            (
                m.at,
                m.reason.as_str(),
                m.access.as_str(),
                m.services.as_str(),
            )
        });
        if major != says.major {
            self.problem(
                "major_incident",
                "the major incident is not the one last declared in the log",
            );
        }
        if draft.closed != says.closed {
            self.problem(
                "closed",
                if draft.closed {
                    "the call is marked closed but its log has no closing"
                } else {
                    "the log says the call was closed but it is marked open"
                },
            );
        }
    }
}
