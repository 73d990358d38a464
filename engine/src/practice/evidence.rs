//! The evidence record (F19; L2 1.1–3.8, L3 2.3): each practice attempt with its score and the
//! criteria it evidences, each knowledge check, an assessor's observation and sign-off. Kept as
//! JSON (`incident-desk-evidence/1`), exported and read back with the same precision as a pack (a
//! mistake at its path, line and column), so a trainee's record can move between browsers and
//! be kept by a training provider.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kernel::json_tree::{JsonTree, TreeError, Value};
use crate::kernel::Millis;
use crate::pack::plain_words;
use crate::practice::knowledge::KnowledgeAnswer;
use crate::practice::scenario::{PackRef, ScenarioFile};
use crate::practice::score::{criterion_order, Area, Score};

/// The format identifier every evidence file carries.
pub const EVIDENCE_FORMAT: &str = "incident-desk-evidence/1";

/// A trainee's evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceFile {
    /// Always `incident-desk-evidence/1`.
    pub format: String,
    /// Who the trainee is, as the centre names them.
    pub trainee: String,
    /// Practice calls, oldest first.
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    /// Knowledge checks, oldest first.
    #[serde(default)]
    pub knowledge: Vec<KnowledgeCheck>,
}

/// Feedback after each step, or only at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Feedback after each step: what was good, what the procedure expected, the words to use.
    Coaching,
    /// Feedback only at the end, timed.
    Assessment,
}

impl Mode {
    /// As the trainee reads it, capitalised ("Coaching", "Assessment").
    pub fn label(self) -> &'static str {
        match self {
            Mode::Coaching => "Coaching",
            Mode::Assessment => "Assessment",
        }
    }
}

/// One practice call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    /// Unique in the record.
    pub id: String,
    /// The scenario's id.
    pub scenario: String,
    /// The scenario's title.
    pub title: String,
    /// The pack it was taken on.
    pub pack: PackRef,
    /// Coaching or assessment.
    pub mode: Mode,
    /// When the call was answered (ms since the Unix epoch).
    pub started_at: Millis,
    /// When it was closed.
    pub finished_at: Millis,
    /// Points earned.
    pub earned: u32,
    /// Points possible.
    pub possible: u32,
    /// Each area's points.
    pub areas: Vec<AreaScore>,
    /// The criteria evidenced (at least one point earned), in order.
    pub criteria: Vec<String>,
    /// Every point, as the trainee saw it.
    pub points: Vec<PointRecord>,
    /// Questions the script could not answer, for the trainer.
    #[serde(default)]
    pub unmatched: Vec<String>,
    /// The assessor's observation notes.
    #[serde(default)]
    pub observation: String,
    /// The assessor's sign-off, once given.
    #[serde(default)]
    pub signed_off: Option<SignOff>,
}

/// An area's points in an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaScore {
    /// The area.
    pub area: Area,
    /// Points earned.
    pub earned: u32,
    /// Points possible.
    pub possible: u32,
}

/// A point as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointRecord {
    /// The area.
    pub area: Area,
    /// The criterion.
    pub criterion: String,
    /// 1 or 0.
    pub earned: u32,
    /// What was expected, and what the trainee did.
    pub said: String,
}

/// An assessor's sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    /// Who signed it off.
    pub assessor: String,
    /// When.
    pub at: Millis,
}

/// One knowledge check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeCheck {
    /// Unique in the record.
    pub id: String,
    /// The pack it was generated from.
    pub pack: PackRef,
    /// When it was finished.
    pub at: Millis,
    /// Each answer.
    pub answers: Vec<KnowledgeAnswer>,
}

impl Attempt {
    /// The record of `score`, for `scenario` taken in `mode` between `started_at` and
    /// `finished_at`, with the questions the script could not answer.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        scenario: &ScenarioFile,
        mode: Mode,
        started_at: Millis,
        finished_at: Millis,
        score: &Score,
        unmatched: Vec<String>,
    ) -> Attempt {
        Attempt {
            id,
            scenario: scenario.id.clone(),
            title: scenario.title.clone(),
            pack: scenario.pack.clone(),
            mode,
            started_at,
            finished_at,
            earned: score.earned(),
            possible: score.possible(),
            areas: score
                .by_area()
                .into_iter()
                .map(|(area, earned, possible)| AreaScore {
                    area,
                    earned,
                    possible,
                })
                .collect(),
            criteria: score
                .criteria_evidenced()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            points: score
                .points
                .iter()
                .map(|p| PointRecord {
                    area: p.area,
                    criterion: p.criterion.to_owned(),
                    earned: p.earned,
                    said: p.said.clone(),
                })
                .collect(),
            unmatched,
            observation: String::new(),
            signed_off: None,
        }
    }

    /// Earned as a whole percentage of possible (rounded down).
    pub fn percent(&self) -> u32 {
        (self.earned * 100).checked_div(self.possible).unwrap_or(0)
    }
}

/// Why an assessor's change to the record was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceRefusal {
    /// No attempt has this id.
    NoSuchAttempt(String),
    /// It was signed off already (by whom): sign-off is final.
    AlreadySignedOff(String),
    /// The assessor's name is empty.
    NoAssessor,
}

impl std::fmt::Display for EvidenceRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvidenceRefusal::NoSuchAttempt(id) => write!(f, "no attempt \"{id}\" in this record"),
            EvidenceRefusal::AlreadySignedOff(by) => {
                write!(f, "already signed off by {by}; a sign-off is final")
            }
            EvidenceRefusal::NoAssessor => write!(f, "the assessor's name is needed to sign off"),
        }
    }
}

impl EvidenceFile {
    /// An empty record for `trainee`.
    pub fn new(trainee: &str) -> EvidenceFile {
        EvidenceFile {
            format: EVIDENCE_FORMAT.to_owned(),
            trainee: trainee.to_owned(),
            attempts: Vec::new(),
            knowledge: Vec::new(),
        }
    }

    /// Records the assessor's observation on attempt `id`; refused once it is signed off.
    pub fn observe(&mut self, id: &str, notes: &str) -> Result<(), EvidenceRefusal> {
        let attempt = self.attempt_mut(id)?;
        if let Some(s) = &attempt.signed_off {
            return Err(EvidenceRefusal::AlreadySignedOff(s.assessor.clone()));
        }
        attempt.observation = notes.to_owned();
        Ok(())
    }

    /// Signs attempt `id` off by `assessor` at `at`; once only.
    pub fn sign_off(
        &mut self,
        id: &str,
        assessor: &str,
        at: Millis,
    ) -> Result<(), EvidenceRefusal> {
        if assessor.trim().is_empty() {
            return Err(EvidenceRefusal::NoAssessor);
        }
        let attempt = self.attempt_mut(id)?;
        if let Some(s) = &attempt.signed_off {
            return Err(EvidenceRefusal::AlreadySignedOff(s.assessor.clone()));
        }
        attempt.signed_off = Some(SignOff {
            assessor: assessor.trim().to_owned(),
            at,
        });
        Ok(())
    }

    fn attempt_mut(&mut self, id: &str) -> Result<&mut Attempt, EvidenceRefusal> {
        self.attempts
            .iter_mut()
            .find(|a| a.id == id)
            .ok_or_else(|| EvidenceRefusal::NoSuchAttempt(id.to_owned()))
    }

    /// Each criterion evidenced, in order, with how many attempts and knowledge checks evidence
    /// it (a knowledge answer evidences its criterion when right) and how many of those attempts
    /// an assessor has signed off.
    pub fn by_criterion(&self) -> Vec<CriterionEvidence> {
        let mut out: Vec<CriterionEvidence> = Vec::new();
        fn entry<'a>(
            out: &'a mut Vec<CriterionEvidence>,
            criterion: &str,
        ) -> &'a mut CriterionEvidence {
            let i = match out.iter().position(|c| c.criterion == criterion) {
                Some(i) => i,
                None => {
                    out.push(CriterionEvidence {
                        criterion: criterion.to_owned(),
                        attempts: 0,
                        signed_off: 0,
                        knowledge: 0,
                    });
                    out.len() - 1
                }
            };
            &mut out[i]
        }
        for a in &self.attempts {
            for c in &a.criteria {
                let e = entry(&mut out, c);
                e.attempts += 1;
                e.signed_off += u32::from(a.signed_off.is_some());
            }
        }
        for k in &self.knowledge {
            let mut seen: Vec<&str> = Vec::new();
            for answer in k.answers.iter().filter(|a| a.right) {
                if !seen.contains(&answer.criterion.as_str()) {
                    seen.push(&answer.criterion);
                    entry(&mut out, &answer.criterion).knowledge += 1;
                }
            }
        }
        out.sort_by_key(|c| criterion_order(&c.criterion));
        out
    }

    /// The record as JSON text, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// How much evidence a criterion has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionEvidence {
    /// The criterion (`L2 1.3`).
    pub criterion: String,
    /// Attempts that evidence it.
    pub attempts: u32,
    /// Of those, signed off by an assessor.
    pub signed_off: u32,
    /// Knowledge checks with a right answer for it.
    pub knowledge: u32,
}

/// Why an evidence file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceError {
    /// The JSON path (`.` for the whole file).
    pub path: String,
    /// 1-based line; 0 when there is no place.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for EvidenceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (line {}, column {}): {}",
            self.path, self.line, self.column, self.message
        )
    }
}

/// Reads an exported evidence file, or says what is wrong and where; ids must be unique.
pub fn read_evidence(bytes: &[u8]) -> Result<EvidenceFile, EvidenceError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let at_top = |message: String| EvidenceError {
        path: ".".to_owned(),
        line: 1,
        column: 1,
        message,
    };
    let tree = JsonTree::parse(bytes).map_err(|failure| {
        let (_, line, column, message) = failure.into_parts();
        EvidenceError {
            path: ".".to_owned(),
            line,
            column,
            message: format!("not valid JSON: {message}"),
        }
    })?;
    if !matches!(tree.root().value, Value::Object(_)) {
        return Err(at_top(format!(
            "an evidence file is one JSON object holding its format, trainee, attempts and knowledge checks; this file holds {}",
            tree.root().kind()
        )));
    }
    match tree.top_string("format") {
        Some(EVIDENCE_FORMAT) => {}
        Some(other) => {
            return Err(at_top(format!(
                "format \"{other}\" is not supported; this version reads \"{EVIDENCE_FORMAT}\""
            )))
        }
        None => {
            return Err(at_top(format!(
                "not an evidence file: it has no \"format\": \"{EVIDENCE_FORMAT}\""
            )))
        }
    }
    let file: EvidenceFile = tree.read().map_err(|failure| {
        let (path, line, column, message) = failure.into_parts();
        EvidenceError {
            path,
            line,
            column,
            message: plain_words(&message),
        }
    })?;
    for (i, a) in file.attempts.iter().enumerate() {
        if file.attempts[..i].iter().any(|b| b.id == a.id) {
            // Placed at the repeated id's value.
            let at = tree
                .root()
                .last_member("attempts")
                .and_then(|list| match &list.value {
                    Value::Array(items) => items.get(i),
                    _ => None,
                })
                .and_then(|item| item.last_member("id"))
                .map_or(0, |id| id.start);
            let (path, line, column, message) = tree
                .explain(TreeError::at(
                    &format!("duplicate attempt id \"{}\"", a.id),
                    at,
                ))
                .into_parts();
            return Err(EvidenceError {
                path,
                line,
                column,
                message,
            });
        }
    }
    Ok(file)
}
