//! Practice scenarios (F19; L2 1.1–2.3, L3 2.3): a scripted caller and the handling a trainer
//! expects, as data. A scenario names the procedure pack (organisation and version) it is written
//! for and is checked against it: every question, safety question, field, code, priority, advice
//! item, limit, level, organisation and channel it names must be the pack's. Read with the same
//! precision as a pack (a mistake at its JSON path, line and column); the format is published
//! as schema/scenario.schema.json and described in docs/scenario-reference.md.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::call::AnswerValue;
use crate::kernel::json_tree::{JsonTree, Value};
use crate::kernel::{number_text, parse_number, Problem};
use crate::pack::{plain_words, Answer, LogField, Pack};

/// The format identifier every scenario carries.
pub const SCENARIO_FORMAT: &str = "incident-desk-scenario/1";

/// The largest scenario read (a scenario is a few KB; this stops a wrong file early).
pub const MAX_SCENARIO_BYTES: usize = 512 * 1024;

/// A practice scenario as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Always `incident-desk-scenario/1`.
    pub format: String,
    /// A short stable identifier, unique in a library of scenarios, e.g. `council-gas-smell`.
    pub id: String,
    /// What the trainee sees in the list of scenarios.
    pub title: String,
    /// For the trainer: what it practises and what makes it hard.
    pub summary: String,
    /// The procedure pack it is written for.
    pub pack: PackRef,
    /// What kind of call it is, for finding scenarios: `major_incident`, `abusive`,
    /// `vulnerable`, `complaint`, `silent`, `repeat`, `hoax`, or any word the trainer uses.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The caller: who they are, how they speak, and what they say.
    pub caller: Caller,
    /// What happens during the call, at a time from its start.
    #[serde(default)]
    pub events: Vec<ScriptEvent>,
    /// The handling the procedures expect, which the attempt is scored against.
    pub expected: Expected,
}

/// The pack a scenario is written for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackRef {
    /// The pack's `organisation.id`.
    pub organisation: String,
    /// The pack's `version`.
    pub version: String,
}

/// How a caller speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Manner {
    /// Calm and clear.
    Calm,
    /// Upset, frightened, talking fast.
    Distressed,
    /// Angry with the organisation or the handler.
    Angry,
    /// Unsure of what is happening or where they are.
    Confused,
    /// Needs things repeated, slowly and clearly.
    HardOfHearing,
    /// A child.
    Child,
    /// Speaks little English: the handler needs an interpreter (`caller.language`).
    NeedsInterpreter,
}

impl Manner {
    /// As the trainee reads it.
    pub fn label(self) -> &'static str {
        match self {
            Manner::Calm => "calm",
            Manner::Distressed => "distressed",
            Manner::Angry => "angry",
            Manner::Confused => "confused",
            Manner::HardOfHearing => "hard of hearing",
            Manner::Child => "a child",
            Manner::NeedsInterpreter => "needs an interpreter",
        }
    }
}

/// The scripted caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Caller {
    /// Their name, as they give it.
    pub name: String,
    /// Their age, when it matters (a child, an older caller).
    #[serde(default)]
    pub age: Option<u32>,
    /// How they speak.
    pub manner: Manner,
    /// The language they speak, for a caller who needs an interpreter.
    #[serde(default)]
    pub language: Option<String>,
    /// What they say when the call is answered.
    pub opening: String,
    /// What they say when asked something, each with variations.
    #[serde(default)]
    pub lines: Vec<Line>,
    /// What they say when asked something the script does not cover (at least one).
    pub unknown: Vec<String>,
}

/// A caller's answer to one kind of question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// What it answers.
    pub on: Cue,
    /// What the words mean as an answer, for a tree question or a safety question (needed
    /// there): an option's id, `yes` or `no`, or a number, as the question takes it. The
    /// scenario is played through the pack with these, to check it leads where it says.
    #[serde(default)]
    pub means: Option<String>,
    /// What the caller says, one variation each time they are asked (then from the first again).
    pub say: Vec<String>,
}

/// What a caller's line answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cue {
    /// A question of the expected tree (or of a tree it continues into), by its node id
    /// (`q-where`); `tree/node` (`gas-smell/q-where`) names the tree as well.
    Question(String),
    /// One of the pack's safety-net questions, by its id.
    Safety(String),
    /// A log field being asked for: a standard field's name (`location`) or the pack's own
    /// field's id.
    Field(String),
    /// A free-text question containing any of these words (whole words, any case).
    Words(Vec<String>),
}

/// Something that happens during the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptEvent {
    /// Seconds from the start of the call.
    pub after_seconds: u32,
    /// What happens.
    pub kind: ScriptEventKind,
    /// What the caller says, or what the trainee hears (a second line ringing).
    pub say: String,
}

/// What can happen during a scripted call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScriptEventKind {
    /// The caller becomes more distressed: a calming phrase is expected.
    MoreDistressed,
    /// The caller talks over the handler or goes off the point: a redirecting phrase.
    Interruption,
    /// The caller becomes abusive: the phrase for an abusive caller.
    Abuse,
    /// The caller goes silent: the phrase for a silent caller.
    Silence,
    /// A second caller rings about the same incident.
    SecondCaller,
    /// The line drops: the handler calls back on the number they have.
    LineDrops,
    /// The caller says something that the procedure's own advice or questions answer (she offers
    /// to switch a light on where gas is smelt): no control phrase is expected for it.
    Says,
}

impl ScriptEventKind {
    /// The control phrase a handler is expected to use after it, if any.
    pub fn control(self) -> Option<crate::pack::ControlKind> {
        use crate::pack::ControlKind;
        match self {
            ScriptEventKind::MoreDistressed => Some(ControlKind::Calming),
            ScriptEventKind::Interruption => Some(ControlKind::Redirecting),
            ScriptEventKind::Abuse => Some(ControlKind::AbusiveCaller),
            ScriptEventKind::Silence => Some(ControlKind::SilentCaller),
            ScriptEventKind::SecondCaller | ScriptEventKind::LineDrops | ScriptEventKind::Says => {
                None
            }
        }
    }
}

/// The handling a trainer expects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The decision tree the handler should choose (the pack's tree id).
    pub tree: String,
    /// The incident code the procedures lead to.
    pub code: String,
    /// Other codes a trainer accepts as right.
    #[serde(default)]
    pub also_acceptable: Vec<String>,
    /// The priority.
    pub priority: String,
    /// Advice items that must be given (the pack's advice item ids).
    #[serde(default)]
    pub must_say: Vec<String>,
    /// Advice limits the trainee must not break (the pack's limit ids): free-text advice the
    /// limit refused counts against them.
    #[serde(default)]
    pub must_not_say: Vec<String>,
    /// The escalation level the call must be escalated to; none when it must not be escalated.
    #[serde(default)]
    pub escalate_to: Option<String>,
    /// Whether a major incident must be declared.
    #[serde(default)]
    pub major_incident: bool,
    /// External organisations that must be told (the pack's ids).
    #[serde(default)]
    pub notify: Vec<String>,
    /// The handoff expected, if any.
    #[serde(default)]
    pub handoff: Option<ExpectedHandoff>,
    /// What the log must hold.
    #[serde(default)]
    pub fields: Vec<ExpectedField>,
    /// How soon, in seconds from the start of the call.
    #[serde(default)]
    pub targets: TimeTargets,
}

/// A handoff the trainer expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedHandoff {
    /// The channel it should go by (the pack's channel id); any channel when absent.
    #[serde(default)]
    pub channel: Option<String>,
    /// Words the handoff's text must contain (any case), e.g. the street and the hazard.
    #[serde(default)]
    pub includes: Vec<String>,
}

/// A value the log must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedField {
    /// A standard field's name (`location`) or the pack's own field's id.
    pub field: String,
    /// Words its value must contain (any case, spaces as one); any value when empty.
    #[serde(default)]
    pub contains: String,
}

/// How soon things should happen, in seconds from the start of the call; none is no target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeTargets {
    /// The location recorded.
    #[serde(default)]
    pub location_seconds: Option<u32>,
    /// The code decided.
    #[serde(default)]
    pub code_seconds: Option<u32>,
    /// The first must-say advice given.
    #[serde(default)]
    pub advice_seconds: Option<u32>,
}

/// Why a scenario cannot be used with a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioError {
    /// Over [`MAX_SCENARIO_BYTES`].
    TooLarge {
        /// Its size.
        bytes: usize,
    },
    /// Not JSON, at a line and column.
    NotJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Another format than [`SCENARIO_FORMAT`].
    UnsupportedFormat {
        /// The format it names.
        found: String,
    },
    /// JSON, but not a scenario's shape, at a path, line and column.
    WrongShape {
        /// The JSON path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A scenario, but not one this pack can play: every problem, each at its JSON path.
    Invalid {
        /// The problems.
        problems: Vec<Problem>,
    },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::TooLarge { bytes } => write!(
                f,
                "the file is {bytes} bytes; a scenario may be at most {MAX_SCENARIO_BYTES}"
            ),
            ScenarioError::NotJson {
                line,
                column,
                message,
            } => write!(
                f,
                "not valid JSON at line {line}, column {column}: {message}"
            ),
            ScenarioError::UnsupportedFormat { found } => write!(
                f,
                "format \"{found}\" is not supported; this version reads \"{SCENARIO_FORMAT}\""
            ),
            ScenarioError::WrongShape {
                path,
                line,
                column,
                message,
            } => write!(f, "{path} (line {line}, column {column}): {message}"),
            ScenarioError::Invalid { problems } => {
                write!(f, "{} problem", problems.len())?;
                if problems.len() != 1 {
                    write!(f, "s")?;
                }
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
        }
    }
}

/// Reads a scenario from `bytes` and checks it against `pack`.
pub fn parse_scenario(bytes: &[u8], pack: &Pack) -> Result<ScenarioFile, ScenarioError> {
    if bytes.len() > MAX_SCENARIO_BYTES {
        return Err(ScenarioError::TooLarge { bytes: bytes.len() });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let tree = JsonTree::parse(bytes).map_err(|failure| {
        let (_, line, column, message) = failure.into_parts();
        ScenarioError::NotJson {
            line,
            column,
            message,
        }
    })?;
    if !matches!(tree.root().value, Value::Object(_)) {
        return Err(ScenarioError::WrongShape {
            path: ".".to_owned(),
            line: 1,
            column: 1,
            message: format!(
                "a scenario is one JSON object, from {{ to }}, holding its format, id, pack, caller and expected handling; this file holds {}",
                tree.root().kind()
            ),
        });
    }
    if let Some(found) = tree.top_string("format") {
        if found != SCENARIO_FORMAT {
            return Err(ScenarioError::UnsupportedFormat {
                found: found.to_owned(),
            });
        }
    }
    let scenario: ScenarioFile = tree.read().map_err(|failure| {
        let (path, line, column, message) = failure.into_parts();
        ScenarioError::WrongShape {
            path,
            line,
            column,
            message: plain_words(&message),
        }
    })?;
    let problems = check_scenario(&scenario, pack);
    if problems.is_empty() {
        Ok(scenario)
    } else {
        Err(ScenarioError::Invalid { problems })
    }
}

/// Every problem with `scenario` for `pack`, each at its JSON path; none when it can be played.
pub fn check_scenario(scenario: &ScenarioFile, pack: &Pack) -> Vec<Problem> {
    let mut c = Check {
        pack,
        problems: Vec::new(),
    };
    let file = pack.file();
    c.text("id", &scenario.id);
    c.text("title", &scenario.title);
    c.text("summary", &scenario.summary);
    if scenario.pack.organisation != file.organisation.id {
        c.problem(
            "pack.organisation",
            format!(
                "written for \"{}\", but the pack is \"{}\"'s",
                scenario.pack.organisation, file.organisation.id
            ),
        );
    }
    if scenario.pack.version != file.version {
        c.problem(
            "pack.version",
            format!(
                "written for version \"{}\", but the pack is version \"{}\": check the scenario against this version, then change its version",
                scenario.pack.version, file.version
            ),
        );
    }
    let caller = &scenario.caller;
    c.text("caller.name", &caller.name);
    c.text("caller.opening", &caller.opening);
    if caller.manner == Manner::NeedsInterpreter
        && caller
            .language
            .as_deref()
            .is_none_or(|l| l.trim().is_empty())
    {
        c.problem(
            "caller.language",
            "a caller who needs an interpreter needs the language they speak",
        );
    }
    if caller.unknown.is_empty() {
        c.problem(
            "caller.unknown",
            "needs at least one line for a question the script does not cover",
        );
    }
    for (i, line) in caller.unknown.iter().enumerate() {
        c.text(&format!("caller.unknown[{i}]"), line);
    }
    for (i, line) in caller.lines.iter().enumerate() {
        let at = format!("caller.lines[{i}]");
        match &line.on {
            Cue::Question(node) => {
                match question(pack, &scenario.expected.tree, node) {
                    None => c.problem(
                        &format!("{at}.on.question"),
                        format!(
                            "no question \"{node}\" in tree \"{}\" or a tree it continues into (name another tree's as tree/node)",
                            scenario.expected.tree
                        ),
                    ),
                    Some(q) => match &line.means {
                        None => c.problem(
                            &format!("{at}.means"),
                            "a line that answers a question needs what it means: an option's id, yes or no, or a number",
                        ),
                        Some(means) => {
                            if let Err(why) = answer_value(&q.answer, means) {
                                c.problem(&format!("{at}.means"), why);
                            }
                        }
                    },
                }
            }
            Cue::Safety(id) => {
                if pack.safety_question(id).is_none() {
                    c.problem(
                        &format!("{at}.on.safety"),
                        format!("the pack has no safety-net question \"{id}\""),
                    );
                }
                match line.means.as_deref() {
                    Some("yes" | "no") => {}
                    _ => c.problem(
                        &format!("{at}.means"),
                        "a line that answers a safety question means yes or no",
                    ),
                }
            }
            Cue::Field(name) => c.field(&format!("{at}.on.field"), name),
            Cue::Words(words) => {
                if words.iter().all(|w| w.trim().is_empty()) {
                    c.problem(&format!("{at}.on.words"), "needs at least one word");
                }
            }
        }
        if line.say.is_empty() {
            c.problem(&format!("{at}.say"), "needs at least one thing to say");
        }
        for (j, said) in line.say.iter().enumerate() {
            c.text(&format!("{at}.say[{j}]"), said);
        }
    }
    for (i, event) in scenario.events.iter().enumerate() {
        c.text(&format!("events[{i}].say"), &event.say);
        if let Some(kind) = event.kind.control() {
            if !file.wording.control_phrases.iter().any(|p| p.kind == kind) {
                c.problem(
                    &format!("events[{i}].kind"),
                    format!(
                        "expects a control phrase for {}, and the pack has none",
                        crate::kernel::lowercase(kind.label())
                    ),
                );
            }
        }
    }
    let expected = &scenario.expected;
    if pack.tree(&expected.tree).is_none() {
        c.problem(
            "expected.tree",
            format!("the pack has no decision tree \"{}\"", expected.tree),
        );
    }
    for (path, code) in std::iter::once(("expected.code".to_owned(), &expected.code)).chain(
        expected
            .also_acceptable
            .iter()
            .enumerate()
            .map(|(i, code)| (format!("expected.also_acceptable[{i}]"), code)),
    ) {
        if pack.code(code).is_none() {
            c.problem(&path, format!("the pack has no incident code \"{code}\""));
        }
    }
    if pack.priority(&expected.priority).is_none() {
        c.problem(
            "expected.priority",
            format!("the pack has no priority \"{}\"", expected.priority),
        );
    }
    for (i, item) in expected.must_say.iter().enumerate() {
        if pack.advice_item(item).is_none() {
            c.problem(
                &format!("expected.must_say[{i}]"),
                format!("the pack has no advice item \"{item}\""),
            );
        }
    }
    for (i, limit) in expected.must_not_say.iter().enumerate() {
        if pack.advice_limit(limit).is_none() {
            c.problem(
                &format!("expected.must_not_say[{i}]"),
                format!("the pack has no advice limit \"{limit}\""),
            );
        }
    }
    if let Some(level) = &expected.escalate_to {
        if pack.level(level).is_none() {
            c.problem(
                "expected.escalate_to",
                format!("the pack has no escalation level \"{level}\""),
            );
        }
    }
    for (i, org) in expected.notify.iter().enumerate() {
        if pack.external_organisation(org).is_none() {
            c.problem(
                &format!("expected.notify[{i}]"),
                format!("the pack has no external organisation \"{org}\""),
            );
        }
    }
    if let Some(handoff) = &expected.handoff {
        if let Some(channel) = &handoff.channel {
            if pack.channel(channel).is_none() {
                c.problem(
                    "expected.handoff.channel",
                    format!("the pack has no channel \"{channel}\""),
                );
            }
        }
        for (i, word) in handoff.includes.iter().enumerate() {
            c.text(&format!("expected.handoff.includes[{i}]"), word);
        }
    }
    for (i, field) in expected.fields.iter().enumerate() {
        c.field(&format!("expected.fields[{i}].field"), &field.field);
    }
    c.problems
}

struct Check<'a> {
    pack: &'a Pack,
    problems: Vec<Problem>,
}

impl Check<'_> {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn text(&mut self, path: &str, value: &str) {
        if value.trim().is_empty() {
            self.problem(path, "must not be empty");
        }
    }

    fn field(&mut self, path: &str, name: &str) {
        if LogField::from_name(name).is_none() && self.pack.custom_field(name).is_none() {
            self.problem(
                path,
                format!("\"{name}\" is neither a standard log field (caller_name, callback_number, caller_relationship, location, narrative, hazards, people_affected, vehicle_registration, vulnerability, start_time) nor one of the pack's own fields"),
            );
        }
    }
}

/// The answer `means` gives to a question that takes `answer`, or why it cannot be one.
pub fn answer_value(answer: &Answer, means: &str) -> Result<AnswerValue, String> {
    match answer {
        Answer::Choice { options } => match options.iter().find(|o| o.id == means) {
            Some(o) => Ok(AnswerValue::Option(o.id.clone())),
            None => Err(format!(
                "\"{means}\" is not one of the question's options ({})",
                options
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
        Answer::YesNo { .. } => match means {
            "yes" => Ok(AnswerValue::YesNo(true)),
            "no" => Ok(AnswerValue::YesNo(false)),
            _ => Err(format!(
                "the question is answered yes or no, not \"{means}\""
            )),
        },
        Answer::Number { min, max, .. } => match parse_number(means) {
            Some(n) if n >= *min && n <= *max => Ok(AnswerValue::Number(n)),
            Some(_) => Err(format!(
                "{means} is outside the question's range, {} to {}",
                number_text(*min),
                number_text(*max)
            )),
            None => Err(format!("the question takes a number, not \"{means}\"")),
        },
        Answer::Text { .. } => Ok(AnswerValue::Text(means.to_owned())),
    }
}

/// The question a `Cue::Question` names, for a scenario whose expected tree is `tree`: `tree/node`
/// in that tree, else `node` in `tree` or in a tree it continues into (the first found, nearest
/// first).
pub fn question<'p>(pack: &'p Pack, tree: &str, node: &str) -> Option<&'p crate::pack::TreeNode> {
    if let Some((named, id)) = node.split_once('/') {
        return pack.tree(named)?.nodes.iter().find(|n| n.id == id);
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut queue: Vec<&str> = vec![tree];
    while let Some(at) = queue.first().copied() {
        queue.remove(0);
        if seen.contains(&at) {
            continue;
        }
        seen.push(at);
        let Some(t) = pack.tree(at) else {
            continue;
        };
        if let Some(found) = t.nodes.iter().find(|n| n.id == node) {
            return Some(found);
        }
        queue.extend(t.outcomes.iter().filter_map(|o| o.continue_to.as_deref()));
    }
    None
}

impl Cue {
    /// Whether this cue is for question `node` of `tree`, in a scenario whose expected tree is
    /// `expected` (see [`question`]).
    pub fn is_question(&self, pack: &Pack, expected: &str, tree: &str, node: &str) -> bool {
        match self {
            Cue::Question(named) => match named.split_once('/') {
                Some((t, n)) => t == tree && n == node,
                None => {
                    named == node
                        && question(pack, expected, named).is_some_and(|q| {
                            pack.tree(tree)
                                .is_some_and(|t| t.nodes.iter().any(|n| std::ptr::eq(n, q)))
                        })
                }
            },
            _ => false,
        }
    }
}

/// A library's list of scenarios (`packs/scenarios/<organisation id>.json` beside the practice
/// page): a JSON list of file names in the library's folder, each ending in `.json`, with no
/// folder of its own; or what is wrong with it.
pub fn read_scenario_list(bytes: &[u8]) -> Result<Vec<String>, String> {
    let tree = JsonTree::parse(bytes).map_err(|failure| {
        let (_, line, column, message) = failure.into_parts();
        format!("not valid JSON at line {line}, column {column}: {message}")
    })?;
    let names: Vec<String> = tree.read().map_err(|failure| {
        let (path, line, column, message) = failure.into_parts();
        let path = if path.is_empty() {
            ".".to_owned()
        } else {
            path
        };
        format!(
            "{path} (line {line}, column {}): {}; the list is [\"a-scenario.json\", ...]",
            column.max(1),
            plain_words(&message)
        )
    })?;
    for (i, name) in names.iter().enumerate() {
        if !name.ends_with(".json")
            || name.contains('/')
            || name.contains('\\')
            || name.starts_with('.')
        {
            return Err(format!(
                "[{i}]: \"{name}\" is not a scenario file name: a name ending in .json, in the library's own folder"
            ));
        }
    }
    Ok(names)
}
