//! Knowledge checks (F19; the "describe" criteria, L2 3.1–3.8): short questions generated from
//! the organisation's own pack, so a trainee is asked about the procedures they will use, not a
//! textbook's. Each question names its criterion, holds the right answer among others from the
//! same pack, and shows the pack's own words after it is answered. Random choices come from an
//! injected [`Random`], so a seed gives the same check every time.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kernel::Random;
use crate::pack::Pack;

/// One question of a knowledge check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KnowledgeQuestion {
    /// Stable for the same question on the same pack (`legislation:HW-OBS-01`).
    pub id: String,
    /// The criterion it evidences (`L2 3.2`).
    pub criterion: String,
    /// The question.
    pub prompt: String,
    /// The options, in the order shown.
    pub options: Vec<String>,
    /// The right option's index.
    pub answer: usize,
    /// The pack's own words on it, shown once answered.
    pub source: String,
}

impl KnowledgeQuestion {
    /// Whether option `chosen` is the right one.
    pub fn is_right(&self, chosen: usize) -> bool {
        chosen == self.answer
    }
}

/// What a trainee answered to a knowledge question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeAnswer {
    /// The question's id.
    pub question: String,
    /// The criterion it evidences.
    pub criterion: String,
    /// Whether it was right.
    pub right: bool,
}

/// Up to `count` questions from `pack`, spread over the criteria in turn (3.1, 3.2, … 3.8, then
/// 3.1 again), each subject and its wrong options chosen by `random`. Fewer when the pack has
/// too little to ask about (a question needs at least two wrong options from the same pack).
pub fn knowledge_check(
    pack: &Pack,
    random: &mut impl Random,
    count: usize,
) -> Vec<KnowledgeQuestion> {
    let mut pools = candidates(pack);
    let mut out = Vec::new();
    while out.len() < count && pools.iter().any(|p| !p.is_empty()) {
        for pool in pools.iter_mut() {
            if out.len() == count || pool.is_empty() {
                continue;
            }
            let at = pick(random, pool.len());
            let c = pool.swap_remove(at);
            out.push(c.into_question(random));
        }
    }
    out
}

/// A question before its options are chosen and shuffled.
struct Candidate {
    id: String,
    criterion: &'static str,
    prompt: String,
    right: String,
    wrong: Vec<String>,
    source: String,
}

impl Candidate {
    fn into_question(mut self, random: &mut impl Random) -> KnowledgeQuestion {
        let mut options = Vec::with_capacity(4);
        while options.len() < 3 && !self.wrong.is_empty() {
            let at = pick(random, self.wrong.len());
            options.push(self.wrong.swap_remove(at));
        }
        let answer = pick(random, options.len() + 1);
        options.insert(answer, self.right);
        KnowledgeQuestion {
            id: self.id,
            criterion: self.criterion.to_owned(),
            prompt: self.prompt,
            options,
            answer,
            source: self.source,
        }
    }
}

/// A whole number below `n` (n > 0).
fn pick(random: &mut impl Random, n: usize) -> usize {
    (random.next_u64() % n.max(1) as u64) as usize
}

/// `all` without `right` and without repeats: the wrong options.
fn others(all: &[String], right: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in all {
        if !right.contains(&a.as_str()) && !out.contains(a) {
            out.push(a.clone());
        }
    }
    out
}

/// Every question the pack can give, one pool per criterion, in the criteria's order.
fn candidates(pack: &Pack) -> Vec<Vec<Candidate>> {
    let f = pack.file();
    let org = &f.organisation.name;
    let mut pools: Vec<Vec<Candidate>> = (0..9).map(|_| Vec::new()).collect();
    let mut add = |pool: usize, c: Candidate| {
        if c.wrong.len() >= 2 {
            pools[pool].push(c);
        }
    };

    // L2 3.1: the services offered.
    let descriptions: Vec<String> = f
        .organisation
        .services
        .iter()
        .map(|s| s.description.clone())
        .collect();
    for s in &f.organisation.services {
        add(
            0,
            Candidate {
                id: format!("service:{}", s.id),
                criterion: "L2 3.1",
                prompt: format!("What does {org}'s service \"{}\" cover?", s.name),
                right: s.description.clone(),
                wrong: others(&descriptions, &[&s.description]),
                source: format!("{}: {}", s.name, s.description),
            },
        );
    }

    // L2 3.2: legislation and its effect.
    let titles: Vec<String> = f.legislation.iter().map(|l| l.title.clone()).collect();
    for code in &f.codes {
        let applies: Vec<&str> = code
            .legislation
            .iter()
            .filter_map(|id| pack.legislation(id).map(|l| l.title.as_str()))
            .collect();
        if let Some(first) = code.legislation.first().and_then(|id| pack.legislation(id)) {
            add(
                1,
                Candidate {
                    id: format!("legislation:{}", code.code),
                    criterion: "L2 3.2",
                    prompt: format!(
                        "Which legislation applies to a call coded {} ({})?",
                        code.code, code.title
                    ),
                    right: first.title.clone(),
                    wrong: others(&titles, &applies),
                    source: format!("{}: {}", first.title, first.effect),
                },
            );
        }
    }

    // L2 3.3: which decision tree a call starts.
    let trees: Vec<String> = f.trees.iter().map(|t| t.title.clone()).collect();
    for t in &f.trees {
        let Some(keyword) = t.keywords.iter().find(|k| {
            f.trees
                .iter()
                .filter(|o| o.id != t.id)
                .all(|o| !o.keywords.iter().any(|ok| ok.eq_ignore_ascii_case(k)))
        }) else {
            continue;
        };
        add(
            2,
            Candidate {
                id: format!("tree:{}", t.id),
                criterion: "L2 3.3",
                prompt: format!(
                    "A caller reports \"{keyword}\". Which decision tree do you start?"
                ),
                right: t.title.clone(),
                wrong: others(&trees, &[&t.title]),
                source: format!("\"{}\" starts with: {}", t.title, first_question(t)),
            },
        );
    }

    // L2 3.4: allocating resources: what a code's response plan sends.
    let plan_text = |code: &crate::pack::IncidentCode| -> String {
        code.response_plan
            .iter()
            .map(|p| {
                let name = f
                    .resources
                    .types
                    .iter()
                    .find(|t| t.id == p.resource_type)
                    .map_or(p.resource_type.as_str(), |t| t.name.as_str());
                format!("{} × {name}", p.count)
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let plans: Vec<String> = f
        .codes
        .iter()
        .filter(|c| !c.response_plan.is_empty())
        .map(plan_text)
        .collect();
    for code in f.codes.iter().filter(|c| !c.response_plan.is_empty()) {
        let right = plan_text(code);
        add(
            3,
            Candidate {
                id: format!("plan:{}", code.code),
                criterion: "L2 3.4",
                prompt: format!(
                    "What does the response plan for {} ({}) send?",
                    code.code, code.title
                ),
                wrong: others(&plans, &[&right]),
                source: format!("{}: {right}", code.code),
                right,
            },
        );
    }

    // L2 3.5: the boundaries that justify escalating to each level.
    let levels: Vec<String> = f.escalation.levels.iter().map(|l| l.name.clone()).collect();
    for level in &f.escalation.levels {
        add(
            4,
            Candidate {
                id: format!("level:{}", level.id),
                criterion: "L2 3.5",
                prompt: format!("Who takes the call when: \"{}\"?", level.boundary),
                right: level.name.clone(),
                wrong: others(&levels, &[&level.name]),
                source: format!("{} ({}): {}", level.name, level.held_by, level.boundary),
            },
        );
    }

    // L2 3.6: the limits of advice: which of four limits is in force on a kind of call.
    let rules: Vec<String> = f.advice.limits.iter().map(|l| l.rule.clone()).collect();
    for set in &f.advice.sets {
        let in_force: Vec<&str> = set
            .limits
            .iter()
            .filter_map(|id| pack.advice_limit(id).map(|l| l.rule.as_str()))
            .collect();
        for limit_id in &set.limits {
            let Some(limit) = pack.advice_limit(limit_id) else {
                continue;
            };
            add(
                5,
                Candidate {
                    id: format!("limit:{}:{}", set.id, limit.id),
                    criterion: "L2 3.6",
                    prompt: format!(
                        "Which of these limits on your advice is in force on a call for \"{}\"?",
                        set.title
                    ),
                    right: limit.rule.clone(),
                    wrong: others(&rules, &in_force),
                    source: format!("{}: {}", set.title, in_force.join(" ")),
                },
            );
        }
    }

    // L2 3.7: the organisation's codes.
    let code_titles: Vec<String> = f.codes.iter().map(|c| c.title.clone()).collect();
    for code in &f.codes {
        add(
            6,
            Candidate {
                id: format!("code:{}", code.code),
                criterion: "L2 3.7",
                prompt: format!("What is incident code {}?", code.code),
                right: code.title.clone(),
                wrong: others(&code_titles, &[&code.title]),
                source: format!("{}: {}", code.code, code.title),
            },
        );
    }

    // L2 3.8: the resources available.
    let types: Vec<String> = f.resources.types.iter().map(|t| t.name.clone()).collect();
    for unit in &f.resources.units {
        let Some(kind) = f
            .resources
            .types
            .iter()
            .find(|t| t.id == unit.resource_type)
        else {
            continue;
        };
        add(
            7,
            Candidate {
                id: format!("unit:{}", unit.id),
                criterion: "L2 3.8",
                prompt: format!("What kind of resource is {}?", unit.call_sign),
                right: kind.name.clone(),
                wrong: others(&types, &[&kind.name]),
                source: format!("{}: {} ({})", unit.call_sign, kind.name, kind.description),
            },
        );
    }

    // L2 2.1: which external organisations a code's calls are passed to.
    let orgs: Vec<String> = f
        .external_organisations
        .iter()
        .map(|o| o.name.clone())
        .collect();
    for code in &f.codes {
        let told: Vec<&str> = code
            .notify
            .iter()
            .filter_map(|id| pack.external_organisation(id).map(|o| o.name.as_str()))
            .collect();
        if let Some(first) = told.first() {
            add(
                8,
                Candidate {
                    id: format!("notify:{}", code.code),
                    criterion: "L2 2.1",
                    prompt: format!(
                        "Which organisation is told about a call coded {} ({})?",
                        code.code, code.title
                    ),
                    right: (*first).to_owned(),
                    wrong: others(&orgs, &told),
                    source: format!("{} tells: {}", code.code, told.join(", ")),
                },
            );
        }
    }
    pools
}

/// A tree's first question, as asked.
fn first_question(tree: &crate::pack::DecisionTree) -> String {
    tree.node(&tree.start)
        .map_or_else(|| tree.start.clone(), |n| n.question.clone())
}
