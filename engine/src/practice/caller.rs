//! The scripted caller of a practice call (F19): the scenario's lines, given as the trainee asks.
//! Each line's variations come in turn (then from the first again), so asking twice gets the
//! caller's second way of saying it; a question the script does not cover gets the caller's
//! "I don't know" lines in turn, and is noted for the trainer.

use crate::kernel::{is_word_char, lowercase};
use crate::pack::Pack;
use crate::practice::scenario::{Cue, ScenarioFile};

/// What the caller says to a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A scripted line: the words, and what they mean as an answer where the script says.
    Line {
        /// What the caller says.
        text: String,
        /// What it means as an answer (an option's id, yes or no, a number), if the script says.
        means: Option<String>,
    },
    /// Not in the script: the caller's "I don't know".
    Unknown {
        /// What the caller says.
        text: String,
    },
}

impl Reply {
    /// What the caller says.
    pub fn text(&self) -> &str {
        match self {
            Reply::Line { text, .. } | Reply::Unknown { text } => text,
        }
    }
}

/// A scenario's caller during one attempt: how often each line has been given.
#[derive(Debug, Clone)]
pub struct ScriptedCaller {
    given: Vec<usize>,
    unknown: usize,
}

impl ScriptedCaller {
    /// A caller who has said nothing yet but their opening.
    pub fn new(scenario: &ScenarioFile) -> ScriptedCaller {
        ScriptedCaller {
            given: vec![0; scenario.caller.lines.len()],
            unknown: 0,
        }
    }

    /// The caller's answer to question `node` of `tree`, or their "I don't know".
    pub fn reply_to_question(
        &mut self,
        pack: &Pack,
        scenario: &ScenarioFile,
        tree: &str,
        node: &str,
    ) -> Reply {
        let found = scenario.caller.lines.iter().position(|line| {
            line.on
                .is_question(pack, &scenario.expected.tree, tree, node)
        });
        self.give(scenario, found)
    }

    /// The caller's answer to `cue` (a safety question or a log field asked for; a tree
    /// question by [`ScriptedCaller::reply_to_question`]), or their "I don't know".
    pub fn reply(&mut self, scenario: &ScenarioFile, cue: &Cue) -> Reply {
        let found = scenario
            .caller
            .lines
            .iter()
            .position(|line| &line.on == cue);
        self.give(scenario, found)
    }

    /// The caller's answer to a question in the trainee's own words: the first line whose words
    /// the question holds (whole words, any case), else their "I don't know".
    pub fn reply_to_words(&mut self, scenario: &ScenarioFile, question: &str) -> Reply {
        let asked: Vec<String> = lowercase(question)
            .split(|c: char| !is_word_char(c))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let found = scenario
            .caller
            .lines
            .iter()
            .position(|line| match &line.on {
                Cue::Words(words) => words.iter().any(|w| {
                    let w = lowercase(w.trim());
                    !w.is_empty() && asked.contains(&w)
                }),
                _ => false,
            });
        self.give(scenario, found)
    }

    fn give(&mut self, scenario: &ScenarioFile, found: Option<usize>) -> Reply {
        let lines = &scenario.caller.lines;
        match found {
            Some(i) if !lines[i].say.is_empty() => {
                let line = &lines[i];
                let text = line.say[self.given[i] % line.say.len()].clone();
                self.given[i] += 1;
                Reply::Line {
                    text,
                    means: line.means.clone(),
                }
            }
            _ => {
                let unknown = &scenario.caller.unknown;
                let text = if unknown.is_empty() {
                    "I don't know.".to_owned()
                } else {
                    unknown[self.unknown % unknown.len()].clone()
                };
                self.unknown += 1;
                Reply::Unknown { text }
            }
        }
    }
}

/// How a caller's lines are spoken aloud (speech synthesis, where the browser has it): the pace
/// and pitch their manner and age suggest, and which of the browser's English voices, the same
/// for the same caller every time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Voice {
    /// Speaking rate, 1 normal (the Web Speech API's 0.1–10).
    pub rate: f32,
    /// Pitch, 1 normal (0–2).
    pub pitch: f32,
    /// Chooses among the voices the browser has: `choice % count`.
    pub choice: u32,
}

/// The voice for `caller`: distressed callers fast and high, angry ones fast and low, confused
/// and older callers slower, a child high; each caller's name picks the same voice each time.
pub fn voice(caller: &crate::practice::scenario::Caller) -> Voice {
    use crate::practice::scenario::Manner;
    let (mut rate, mut pitch) = match caller.manner {
        Manner::Calm => (1.0, 1.0),
        Manner::Distressed => (1.2, 1.2),
        Manner::Angry => (1.1, 0.85),
        Manner::Confused => (0.85, 1.0),
        Manner::HardOfHearing => (0.95, 1.0),
        Manner::Child => (1.05, 1.5),
        Manner::NeedsInterpreter => (0.9, 1.0),
    };
    if caller.age.is_some_and(|a| a >= 70) {
        rate *= 0.9;
        pitch *= 0.9;
    }
    // FNV-1a over the name: stable across builds and platforms.
    let choice = caller.name.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    Voice {
        rate,
        pitch,
        choice,
    }
}
