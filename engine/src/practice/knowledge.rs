//! Knowledge checks (F19): short questions generated from the organisation's own pack, so a
//! trainee is asked about the procedures they will use, not a textbook's. Each question names its
//! criterion, holds the right answer among others from the same pack, and shows the pack's own
//! words after it is answered. Random choices come from an injected [`Random`], so a seed gives
//! the same check every time.
//!
//! Two levels (../shared/DOMAIN.md), each asking only what the pack itself can answer:
//!
//! - [`Level::L2`], the "describe" criteria L2 3.1–3.8 and 2.1: services, legislation, trees,
//!   response plans, escalation boundaries, advice limits, codes, resources, partners.
//! - [`Level::L3`], the "explain/describe" criteria L3 3.1–3.4 and 3.6 and the NOS knowledge K2
//!   and K9: which service deals with a code and when it runs (L3 3.1, K1); the priorities the
//!   trees, the codes and the safety net give (L3 3.2, K4); which channel to use and how to write
//!   on it (L3 3.3, K6); the times deployed resources are watched against (L3 3.4, K7); the
//!   targets results are reviewed against (L3 3.6, K10); how long personal data is kept (K2); and
//!   who deals with a complaint and how soon (K9). L3 3.5 and K8 (support for colleagues) are
//!   not asked: a pack says nothing about coaching, and a question must be the pack's.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kernel::Random;
use crate::pack::hours::duration;
use crate::pack::wording::{fill_text, PlaceholderValues};
use crate::pack::{Deadline, Pack, Priority};

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

/// Which unit's criteria a knowledge check asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Level {
    /// Level 2, "Deal with incidents through a contact centre": L2 3.1–3.8 and 2.1.
    L2,
    /// Level 3, "Manage incidents referred to a contact centre": L3 3.1–3.4 and 3.6, with the
    /// NOS knowledge K2 and K9.
    L3,
}

impl Level {
    /// The criteria a check at this level asks about, in the order they take turns.
    pub fn criteria(self) -> &'static [&'static str] {
        match self {
            Level::L2 => &[
                "L2 3.1", "L2 3.2", "L2 3.3", "L2 3.4", "L2 3.5", "L2 3.6", "L2 3.7", "L2 3.8",
                "L2 2.1",
            ],
            Level::L3 => &["L3 3.1", "L3 3.2", "L3 3.3", "L3 3.4", "L3 3.6", "K2", "K9"],
        }
    }
}

/// Up to `count` Level 2 questions from `pack`: [`knowledge_check_for`] at [`Level::L2`].
pub fn knowledge_check(
    pack: &Pack,
    random: &mut impl Random,
    count: usize,
) -> Vec<KnowledgeQuestion> {
    knowledge_check_for(pack, random, count, Level::L2)
}

/// Up to `count` questions from `pack` on `level`'s criteria, spread over them in turn (for L2:
/// 3.1, 3.2, … 3.8, 2.1, then 3.1 again), each subject and its wrong options chosen by `random`.
/// Fewer when the pack has too little to ask about (a question needs at least two wrong options
/// from the same pack); a criterion the pack cannot ground is passed over.
pub fn knowledge_check_for(
    pack: &Pack,
    random: &mut impl Random,
    count: usize,
    level: Level,
) -> Vec<KnowledgeQuestion> {
    let mut pools = candidates(pack, level).pools;
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

/// The candidates for each of a level's criteria, in the criteria's order.
struct Pools {
    criteria: &'static [&'static str],
    pools: Vec<Vec<Candidate>>,
}

impl Pools {
    fn new(level: Level) -> Self {
        let criteria = level.criteria();
        Pools {
            criteria,
            pools: criteria.iter().map(|_| Vec::new()).collect(),
        }
    }

    /// Keeps `c` in its criterion's pool when it has at least two wrong options: with one, the
    /// right answer would be a coin toss.
    fn add(&mut self, c: Candidate) {
        if c.wrong.len() < 2 {
            return;
        }
        if let Some(at) = self.criteria.iter().position(|k| *k == c.criterion) {
            self.pools[at].push(c);
        }
    }
}

/// Every question the pack can give at `level`, one pool per criterion.
fn candidates(pack: &Pack, level: Level) -> Pools {
    let mut pools = Pools::new(level);
    match level {
        Level::L2 => describe(pack, &mut pools),
        Level::L3 => {
            services_offered(pack, &mut pools);
            assessing(pack, &mut pools);
            channels(pack, &mut pools);
            monitoring(pack, &mut pools);
            review(pack, &mut pools);
            retention(pack, &mut pools);
            complaints(pack, &mut pools);
        }
    }
    pools
}

/// The Level 2 "describe" criteria, L2 3.1–3.8 and 2.1.
fn describe(pack: &Pack, pools: &mut Pools) {
    let f = pack.file();
    let org = &f.organisation.name;

    // L2 3.1: the services offered.
    let descriptions: Vec<String> = f
        .organisation
        .services
        .iter()
        .map(|s| s.description.clone())
        .collect();
    for s in &f.organisation.services {
        pools.add(Candidate {
            id: format!("service:{}", s.id),
            criterion: "L2 3.1",
            prompt: format!("What does {org}'s service \"{}\" cover?", s.name),
            right: s.description.clone(),
            wrong: others(&descriptions, &[&s.description]),
            source: format!("{}: {}", s.name, s.description),
        });
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
            pools.add(Candidate {
                id: format!("legislation:{}", code.code),
                criterion: "L2 3.2",
                prompt: format!(
                    "Which legislation applies to a call coded {} ({})?",
                    code.code, code.title
                ),
                right: first.title.clone(),
                wrong: others(&titles, &applies),
                source: format!("{}: {}", first.title, first.effect),
            });
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
        pools.add(Candidate {
            id: format!("tree:{}", t.id),
            criterion: "L2 3.3",
            prompt: format!("A caller reports \"{keyword}\". Which decision tree do you start?"),
            right: t.title.clone(),
            wrong: others(&trees, &[&t.title]),
            source: format!("\"{}\" starts with: {}", t.title, first_question(t)),
        });
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
        pools.add(Candidate {
            id: format!("plan:{}", code.code),
            criterion: "L2 3.4",
            prompt: format!(
                "What does the response plan for {} ({}) send?",
                code.code, code.title
            ),
            wrong: others(&plans, &[&right]),
            source: format!("{}: {right}", code.code),
            right,
        });
    }

    // L2 3.5: the boundaries that justify escalating to each level.
    let levels: Vec<String> = f.escalation.levels.iter().map(|l| l.name.clone()).collect();
    for level in &f.escalation.levels {
        pools.add(Candidate {
            id: format!("level:{}", level.id),
            criterion: "L2 3.5",
            prompt: format!("Who takes the call when: \"{}\"?", level.boundary),
            right: level.name.clone(),
            wrong: others(&levels, &[&level.name]),
            source: format!("{} ({}): {}", level.name, level.held_by, level.boundary),
        });
    }

    // L2 3.6: the limits of advice: which of four limits is in force on a kind of call.
    let rules: Vec<String> = f.advice.limits.iter().map(|l| l.rule.clone()).collect();
    // A limit that applies everywhere is in force on this call too, so it is never a wrong
    // option, though the set need not name it.
    let everywhere: Vec<&str> = f
        .advice
        .limits
        .iter()
        .filter(|l| l.everywhere)
        .map(|l| l.rule.as_str())
        .collect();
    for set in &f.advice.sets {
        let in_force: Vec<&str> = set
            .limits
            .iter()
            .filter_map(|id| pack.advice_limit(id).map(|l| l.rule.as_str()))
            .collect();
        let not_wrong: Vec<&str> = in_force.iter().chain(&everywhere).copied().collect();
        for limit_id in &set.limits {
            let Some(limit) = pack.advice_limit(limit_id) else {
                continue;
            };
            pools.add(Candidate {
                id: format!("limit:{}:{}", set.id, limit.id),
                criterion: "L2 3.6",
                prompt: format!(
                    "Which of these limits on your advice is in force on a call for \"{}\"?",
                    set.title
                ),
                right: limit.rule.clone(),
                wrong: others(&rules, &not_wrong),
                source: format!("{}: {}", set.title, in_force.join(" ")),
            });
        }
    }

    // L2 3.7: the organisation's codes.
    let code_titles: Vec<String> = f.codes.iter().map(|c| c.title.clone()).collect();
    for code in &f.codes {
        pools.add(Candidate {
            id: format!("code:{}", code.code),
            criterion: "L2 3.7",
            prompt: format!("What is incident code {}?", code.code),
            right: code.title.clone(),
            wrong: others(&code_titles, &[&code.title]),
            source: format!("{}: {}", code.code, code.title),
        });
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
        pools.add(Candidate {
            id: format!("unit:{}", unit.id),
            criterion: "L2 3.8",
            prompt: format!("What kind of resource is {}?", unit.call_sign),
            right: kind.name.clone(),
            wrong: others(&types, &[&kind.name]),
            source: format!("{}: {} ({})", unit.call_sign, kind.name, kind.description),
        });
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
            pools.add(Candidate {
                id: format!("notify:{}", code.code),
                criterion: "L2 2.1",
                prompt: format!(
                    "Which organisation is told about a call coded {} ({})?",
                    code.code, code.title
                ),
                right: (*first).to_owned(),
                wrong: others(&orgs, &told),
                source: format!("{} tells: {}", code.code, told.join(", ")),
            });
        }
    }
}

/// A tree's first question, as asked.
fn first_question(tree: &crate::pack::DecisionTree) -> String {
    tree.node(&tree.start)
        .map_or_else(|| tree.start.clone(), |n| n.question.clone())
}

/// L3 3.1 (K1): the services the contact centre offers: which one deals with a code. (When each
/// runs is not asked: services often share their hours, or differ only by a note, so another
/// service's hours can be as true as the right one's.)
fn services_offered(pack: &Pack, pools: &mut Pools) {
    let f = pack.file();
    let org = &f.organisation.name;
    let services = &f.organisation.services;
    let names: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    for code in &f.codes {
        let Some(service) = services.iter().find(|s| s.id == code.service) else {
            continue;
        };
        pools.add(Candidate {
            id: format!("service-of:{}", code.code),
            criterion: "L3 3.1",
            prompt: format!(
                "Which of {org}'s services deals with a call coded {} ({})?",
                code.code, code.title
            ),
            right: service.name.clone(),
            wrong: others(&names, &[&service.name]),
            source: format!(
                "{} is dealt with by {}: {}",
                code.code, service.name, service.description
            ),
        });
    }
}

/// L3 3.2 (K4): the methods of assessing a call's priority the pack uses: the code's own
/// priority, where a tree ends, and the safety net asked on every call.
fn assessing(pack: &Pack, pools: &mut Pools) {
    let f = pack.file();
    let labels: Vec<String> = f.priorities.iter().map(priority_label).collect();
    let label = |id: &str| pack.priority(id).map(priority_label);
    for code in &f.codes {
        let Some(right) = label(&code.default_priority) else {
            continue;
        };
        pools.add(Candidate {
            id: format!("default-priority:{}", code.code),
            criterion: "L3 3.2",
            prompt: format!(
                "What priority does a call coded {} ({}) have unless its decision tree gives another?",
                code.code, code.title
            ),
            wrong: others(&labels, &[&right]),
            source: format!("{} ({}): {right} unless a tree says otherwise", code.code, code.title),
            right,
        });
    }
    for tree in &f.trees {
        for outcome in &tree.outcomes {
            // A tree that goes on into another keeps the more urgent priority of the two, so
            // this outcome's alone may not be the call's; and the same reason with another
            // priority elsewhere in the tree would make two options right.
            let ambiguous = outcome.continue_to.is_some()
                || tree.outcomes.iter().any(|o| {
                    o.id != outcome.id
                        && o.reason == outcome.reason
                        && o.priority != outcome.priority
                });
            if ambiguous {
                continue;
            }
            let Some(right) = label(&outcome.priority) else {
                continue;
            };
            pools.add(Candidate {
                id: format!("outcome-priority:{}:{}", tree.id, outcome.id),
                criterion: "L3 3.2",
                prompt: format!(
                    "The \"{}\" tree ends here: \"{}\" What priority does it give the call?",
                    tree.title, outcome.reason
                ),
                wrong: others(&labels, &[&right]),
                source: format!(
                    "{}: {} So: {}, {right}.",
                    tree.title, outcome.reason, outcome.code
                ),
                right,
            });
        }
    }
    let said = |text: &str| {
        fill_text(
            text,
            &PlaceholderValues {
                organisation: Some(f.organisation.name.clone()),
                ..PlaceholderValues::default()
            },
        )
    };
    for q in &f.safety_net {
        let Some(right) = q.if_yes.priority.as_deref().and_then(label) else {
            continue;
        };
        pools.add(Candidate {
            id: format!("safety-priority:{}", q.id),
            criterion: "L3 3.2",
            prompt: format!(
                "The caller answers yes to \"{}\" What priority is the call raised to, at least?",
                said(&q.question)
            ),
            wrong: others(&labels, &[&right]),
            source: format!("Yes: at least {right}. {}", q.if_yes.reason),
            right,
        });
    }
}

/// L3 3.3 (K6): clear communication on the most appropriate channel: what each channel is for,
/// the first choice for a priority, how to reach escalation levels and units, and the
/// abbreviations not to use.
fn channels(pack: &Pack, pools: &mut Pools) {
    let f = pack.file();
    let names: Vec<String> = f.channels.iter().map(|c| c.name.clone()).collect();
    for c in &f.channels {
        pools.add(Candidate {
            id: format!("channel-use:{}", c.id),
            criterion: "L3 3.3",
            prompt: format!("Which channel is the right one for: \"{}\"?", c.use_when),
            right: c.name.clone(),
            wrong: others(&names, &[&c.name]),
            source: format!("{} ({}): {}", c.name, c.medium.label(), c.use_when),
        });
    }
    for p in &f.priorities {
        let first_choice: Vec<&str> = f
            .channels
            .iter()
            .filter(|c| c.preferred_for.contains(&p.id))
            .map(|c| c.name.as_str())
            .collect();
        let Some(right) = first_choice.first() else {
            continue;
        };
        pools.add(Candidate {
            id: format!("channel-first:{}", p.id),
            criterion: "L3 3.3",
            prompt: format!(
                "Which of these channels does the procedure name as a first choice for {} calls?",
                priority_label(p)
            ),
            right: (*right).to_owned(),
            wrong: others(&names, &first_choice),
            source: format!(
                "First choice for {} calls: {}",
                p.id,
                first_choice.join(", ")
            ),
        });
    }
    // Channels are listed preferred first; the others the recipient has are left out of the
    // wrong options, so only the first reaches them among those shown.
    let reach = |ids: &[String]| -> Vec<&str> {
        ids.iter()
            .filter_map(|id| pack.channel(id).map(|c| c.name.as_str()))
            .collect()
    };
    // Escalation levels and units, each as (id, whom to reach, their channels, who they are).
    let recipients = f
        .escalation
        .levels
        .iter()
        .map(|l| {
            (
                format!("reach-level:{}", l.id),
                format!("the {}", l.name),
                &l.channels,
                format!("{} ({})", l.name, l.held_by),
            )
        })
        .chain(f.resources.units.iter().map(|u| {
            (
                format!("reach-unit:{}", u.id),
                u.call_sign.clone(),
                &u.channels,
                u.call_sign.clone(),
            )
        }));
    for (id, whom, channels, who) in recipients {
        let by = reach(channels);
        let Some(right) = by.first() else {
            continue;
        };
        pools.add(Candidate {
            id,
            criterion: "L3 3.3",
            prompt: format!("Which channel do you try first to reach {whom}?"),
            right: (*right).to_owned(),
            wrong: others(&names, &by),
            source: format!("{who}: {}, preferred first", by.join(", ")),
        });
    }
    let banned: Vec<(&str, &str)> = f
        .channels
        .iter()
        .flat_map(|c| {
            c.banned_abbreviations
                .iter()
                .map(|b| (b.abbreviation.as_str(), b.say_instead.as_str()))
        })
        .collect();
    let instead: Vec<String> = banned.iter().map(|(_, i)| (*i).to_owned()).collect();
    let mut asked: Vec<(String, &str)> = Vec::new();
    for c in &f.channels {
        for b in &c.banned_abbreviations {
            // The same abbreviation with the same words on several channels is one question.
            let key = (b.abbreviation.to_lowercase(), b.say_instead.as_str());
            if asked.contains(&key) {
                continue;
            }
            asked.push(key);
            // What another channel says instead of the same abbreviation is not wrong here.
            let same: Vec<&str> = banned
                .iter()
                .filter(|(a, _)| a.eq_ignore_ascii_case(&b.abbreviation))
                .map(|(_, i)| *i)
                .collect();
            pools.add(Candidate {
                id: format!("abbreviation:{}:{}", c.id, b.abbreviation),
                criterion: "L3 3.3",
                prompt: format!(
                    "On {}, what do you say or write instead of \"{}\"?",
                    c.name, b.abbreviation
                ),
                right: b.say_instead.clone(),
                wrong: others(&instead, &same),
                source: format!(
                    "{}: not \"{}\" but \"{}\"",
                    c.name, b.abbreviation, b.say_instead
                ),
            });
        }
    }
}

/// L3 3.4 (K7): what the actions of deployed resources are watched against: each priority's
/// deploy and attend times, the acknowledgement and update targets, and each code's deadlines.
fn monitoring(pack: &Pack, pools: &mut Pools) {
    let f = pack.file();
    // Each priority's two times: (the question's id, the time, what the resource must do by it).
    type Minutes = fn(&Priority) -> u32;
    let times: [(&str, Minutes, &str); 2] = [
        ("attend", |p| p.attend_within_minutes, "be on scene for"),
        ("deploy", |p| p.deploy_within_minutes, "be deployed to"),
    ];
    for (kind, time, what) in times {
        let all: Vec<String> = f.priorities.iter().map(|p| clock(time(p).into())).collect();
        for p in &f.priorities {
            let right = clock(time(p).into());
            pools.add(Candidate {
                id: format!("{kind}:{}", p.id),
                criterion: "L3 3.4",
                prompt: format!(
                    "Within how long should a resource {what} a call of priority {}?",
                    p.id
                ),
                wrong: others(&all, &[&right]),
                right,
                source: format!(
                    "{}: deployed within {}, on scene within {}. {}",
                    priority_label(p),
                    clock(p.deploy_within_minutes.into()),
                    clock(p.attend_within_minutes.into()),
                    p.description
                ),
            });
        }
    }
    targets(pack, pools, "L3 3.4");
    let deadlines: Vec<(&str, String)> = f
        .codes
        .iter()
        .flat_map(|c| c.deadlines.iter().map(|d| (d.name.as_str(), within(d))))
        .collect();
    let all: Vec<String> = deadlines.iter().map(|(_, w)| w.clone()).collect();
    for code in &f.codes {
        for d in &code.deadlines {
            let right = within(d);
            // The same task on another code may have another time: not a wrong answer here.
            let same: Vec<&str> = deadlines
                .iter()
                .filter(|(name, _)| *name == d.name)
                .map(|(_, w)| w.as_str())
                .chain([right.as_str()])
                .collect();
            pools.add(Candidate {
                id: format!("deadline:{}:{}", code.code, d.id),
                criterion: "L3 3.4",
                prompt: format!(
                    "On a call coded {} ({}), within how long of the call must this be done: \"{}\"?",
                    code.code, code.title, d.name
                ),
                wrong: others(&all, &same),
                source: format!(
                    "{}: {}, within {} of the call",
                    code.code,
                    d.name,
                    d.unit.words(d.within)
                ),
                right,
            });
        }
    }
}

/// L3 3.6 (K10): the targets the team's results are reviewed against.
fn review(pack: &Pack, pools: &mut Pools) {
    targets(pack, pools, "L3 3.6");
}

/// The pack's targets, for `criterion`: L3 3.4 asks the ones a deployed resource is watched
/// against, L3 3.6 the ones results are reviewed against. Every target is a wrong option for
/// the others.
fn targets(pack: &Pack, pools: &mut Pools, criterion: &'static str) {
    /// A target: its name in the pack, its figure, the criterion it serves, the question, and
    /// how the source says it.
    struct Target {
        id: &'static str,
        figure: Option<String>,
        criterion: &'static str,
        prompt: &'static str,
        said: fn(&str) -> String,
    }
    let f = pack.file();
    let t = &f.targets;
    let minutes = |m: Option<u32>| m.map(|m| clock(m.into()));
    let all_targets = [
        Target {
            id: "answer_seconds",
            figure: t.answer_seconds.map(seconds),
            criterion: "L3 3.6",
            prompt: "What is the target time to answer a call?",
            said: |v| format!("answer a call within {v}"),
        },
        Target {
            id: "code_seconds",
            figure: t.code_seconds.map(seconds),
            criterion: "L3 3.6",
            prompt: "What is the target time from answering a call to giving it an incident code?",
            said: |v| format!("give it its code within {v} of answering"),
        },
        Target {
            id: "deploy_minutes",
            figure: minutes(t.deploy_minutes),
            criterion: "L3 3.6",
            prompt: "What is the target time from giving a call its code to deploying a resource?",
            said: |v| format!("deploy a resource within {v} of the code"),
        },
        Target {
            id: "acknowledge_minutes",
            figure: minutes(t.acknowledge_minutes),
            criterion: "L3 3.4",
            prompt: "Within how long must a deployed resource acknowledge its task?",
            said: |v| format!("a deployed resource acknowledges within {v}"),
        },
        Target {
            id: "update_interval_minutes",
            figure: minutes(t.update_interval_minutes),
            criterion: "L3 3.4",
            prompt: "How long may a deployed resource go between updates?",
            said: |v| format!("no more than {v} between a deployed resource's updates"),
        },
    ];
    let all: Vec<String> = all_targets
        .iter()
        .filter_map(|t| t.figure.clone())
        .collect();
    let source = format!(
        "{}'s targets: {}.",
        f.organisation.name,
        all_targets
            .iter()
            .filter_map(|t| t.figure.as_deref().map(t.said))
            .collect::<Vec<_>>()
            .join("; ")
    );
    for target in all_targets.iter().filter(|t| t.criterion == criterion) {
        let Some(right) = &target.figure else {
            continue;
        };
        let prompt = if criterion == "L3 3.6" {
            format!(
                "The team's results are reviewed against its targets. {}",
                target.prompt
            )
        } else {
            target.prompt.to_owned()
        };
        pools.add(Candidate {
            id: format!("target:{}", target.id),
            criterion,
            prompt,
            right: right.clone(),
            wrong: others(&all, &[right]),
            source: source.clone(),
        });
    }
}

/// K2 (F21): how long the widget keeps what a call records, as the organisation has set it. A
/// pack that leaves retention out has the defaults, two of them equal, so it is asked nothing.
fn retention(pack: &Pack, pools: &mut Pools) {
    let r = &pack.file().retention;
    let draft = clock(u64::from(r.draft_hours) * 60);
    let delivered = clock(u64::from(r.delivered_days) * 1440);
    let overdue = clock(u64::from(r.undelivered_alert_hours) * 60);
    let all = [draft.clone(), delivered.clone(), overdue.clone()];
    let source = format!(
        "Unfinished calls saved in the browser are kept {draft} after their last change; a closed \
         call's entry not yet delivered is overdue after {overdue} and is kept until the CRM accepts \
         it; a delivered entry's key is remembered {delivered}."
    );
    for (id, right, prompt) in [
        (
            "draft_hours",
            &draft,
            "How long is an unfinished call saved in this browser kept after its last change?",
        ),
        (
            "undelivered_alert_hours",
            &overdue,
            "How long may a closed call's entry wait undelivered before you are alerted that it is overdue?",
        ),
    ] {
        pools.add(Candidate {
            id: format!("retention:{id}"),
            criterion: "K2",
            prompt: prompt.to_owned(),
            right: right.clone(),
            wrong: others(&all, &[right]),
            source: source.clone(),
        });
    }
}

/// K9: complaints about how an incident was handled: who deals with each beyond what the
/// handler may do, and how soon the complainant must have a response.
fn complaints(pack: &Pack, pools: &mut Pools) {
    let f = pack.file();
    let handlers: Vec<String> = f
        .escalation
        .levels
        .iter()
        .map(|l| l.name.clone())
        .chain(f.routes.iter().map(|r| r.name.clone()))
        .collect();
    let days = |n: u32| {
        if n == 1 {
            "1 day".to_owned()
        } else {
            format!("{n} days")
        }
    };
    let all_days: Vec<String> = f
        .complaints
        .iter()
        .filter_map(|c| c.respond_within_days.map(days))
        .collect();
    for c in &f.complaints {
        let may = c.handler_may.join(" ");
        if let Some(to) = pack
            .level(&c.escalate_to)
            .map(|l| l.name.as_str())
            .or_else(|| pack.route(&c.escalate_to).map(|r| r.name.as_str()))
        {
            pools.add(Candidate {
                id: format!("complaint-to:{}", c.id),
                criterion: "K9",
                prompt: format!(
                    "A complaint about \"{}\" needs more than you may do yourself. Who deals with it?",
                    c.name
                ),
                right: to.to_owned(),
                wrong: others(&handlers, &[to]),
                source: format!("{}: you may: {may} Beyond that: {to}.", c.name),
            });
        }
        if let Some(n) = c.respond_within_days {
            let right = days(n);
            pools.add(Candidate {
                id: format!("complaint-days:{}", c.id),
                criterion: "K9",
                prompt: format!(
                    "Within how long must someone who complains about \"{}\" have a response?",
                    c.name
                ),
                wrong: others(&all_days, &[&right]),
                source: format!("{}: a response within {right}", c.name),
                right,
            });
        }
    }
}

/// A priority as the options show it: `P1 (Immediate danger)`.
fn priority_label(p: &Priority) -> String {
    format!("{} ({})", p.id, p.name)
}

/// A length of time on the clock for people: whole days from two days up (`"28 days"`, not
/// `"672 hours"`), otherwise as the call screen says it (`"24 hours"`, `"45 minutes"`). Two
/// lengths read the same only when they are the same, so one cannot be a wrong option beside
/// another that says the same in other words.
fn clock(minutes: u64) -> String {
    if minutes >= 2 * 1440 && minutes.is_multiple_of(1440) {
        return format!("{} days", minutes / 1440);
    }
    u32::try_from(minutes).map_or_else(|_| format!("{minutes} minutes"), duration)
}

/// A target in seconds for people: `"20 seconds"`, or in minutes when it is whole minutes.
fn seconds(s: u32) -> String {
    match s {
        1 => "1 second".to_owned(),
        s if s.is_multiple_of(60) => clock(u64::from(s / 60)),
        s => format!("{s} seconds"),
    }
}

/// A deadline's time: on the clock as [`clock`] says it, in working time as the pack does.
fn within(d: &Deadline) -> String {
    use crate::pack::DeadlineUnit::*;
    let per = match d.unit {
        Minutes => 1,
        Hours => 60,
        Days => 1440,
        WorkingHours | WorkingDays => return d.unit.words(d.within),
    };
    clock(u64::from(d.within) * per)
}
