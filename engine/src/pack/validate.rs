//! Checking a procedure pack: everything its shape cannot express (F18).
//!
//! `validate` takes the wire form (`PackFile`) and returns either the checked `Pack`, whose every
//! reference resolves and whose every tree ends in an outcome, or every problem found, each with
//! its JSON path and a message a contact-centre manager can act on. It never stops at the first
//! problem: an organisation fixing its pack wants the whole list.
//!
//! The checks: required text present; ids unique; references resolve (codes, trees, nodes,
//! outcomes, advice, limits, resources, levels, channels, organisations, legislation, services,
//! priorities); trees reachable from their start, free of loops, with no dead ends and no unused
//! outcomes; conditions only on questions asked earlier, with answers those questions can have;
//! placeholders that exist; priorities in order; an outcome or code never less urgent than a trigger
//! it fires requires; and size and depth limits.

use crate::kernel::HashMap;
use std::fmt::{self, Display};

use crate::kernel::json_tree::Node;
use crate::kernel::{number_text, Problem};
use crate::pack::advice::set_conflicts;
use crate::pack::calendar::{parse_date, TIME_ZONES};
use crate::pack::hours::parse_time;
use crate::pack::lint::lint_with;
use crate::pack::texts::{for_each_text, for_each_text_in_tree, TextPath};
use crate::pack::wording::check_placeholders;
use crate::pack::*;

/// Most incident codes a pack may hold.
pub const MAX_CODES: usize = 20_000;
/// Most decision trees a pack may hold.
pub const MAX_TREES: usize = 2_000;
/// Most questions one tree may hold.
pub const MAX_NODES_PER_TREE: usize = 1_000;
/// Deepest nesting of `all`, `any` and `not` in a condition.
pub const MAX_CONDITION_DEPTH: usize = 16;
/// Longest text in a pack, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// The longest safety-net `label`, in characters: a few words for the call bar and handoffs.
pub const MAX_SAFETY_LABEL_CHARS: usize = 60;

const IN_TREE: &str = " in this tree";

/// A pack that has passed every check. Every reference in it resolves, so code that uses it can
/// look things up without handling "not found" for data that came from the pack itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    file: PackFile,
    priority_rank: HashMap<String, usize>,
    codes: HashMap<String, usize>,
    trees: HashMap<String, usize>,
    warnings: Vec<Problem>,
}

impl Pack {
    /// The pack as written.
    pub fn file(&self) -> &PackFile {
        &self.file
    }

    /// The priority's place in the list, 0 being the most urgent.
    pub fn priority_rank(&self, id: &str) -> Option<usize> {
        self.priority_rank.get(id).copied()
    }

    /// The incident code with this code.
    pub fn code(&self, code: &str) -> Option<&IncidentCode> {
        self.codes.get(code).map(|&i| &self.file.codes[i])
    }

    /// The decision tree with this id.
    pub fn tree(&self, id: &str) -> Option<&DecisionTree> {
        self.trees.get(id).map(|&i| &self.file.trees[i])
    }

    /// What in the pack is probably a mistake although the pack can be used: a unit type whose
    /// hours leave a gap longer than a priority allows, an outcome that drops what the rest of its
    /// tree notifies or advises, may-say advice a limit forbids (see `lint`). Found when the pack
    /// was checked, in document order.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }
}

/// Checks `file`, returning the checked pack or every problem found, in document order.
pub fn validate(file: PackFile) -> Result<Pack, Vec<Problem>> {
    let texts = |file: &PackFile, visit: &mut dyn FnMut(&TextPath, &str)| {
        for_each_text(file, visit);
    };
    validate_with(file, &texts)
}

/// [`validate`] for a pack read from `tree` (`parse_pack`): its texts walked in the tree rather
/// than through the pack's `Serialize` code (the same texts; see `for_each_text_in_tree`).
pub(crate) fn validate_read(file: PackFile, tree: &Node) -> Result<Pack, Vec<Problem>> {
    let texts = |_: &PackFile, visit: &mut dyn FnMut(&TextPath, &str)| {
        for_each_text_in_tree(tree, |text| text.contains('{'), visit);
    };
    validate_with(file, &texts)
}

/// Every text of the pack with its path, or at least every one with a `{` in it.
type Texts<'t> = &'t dyn Fn(&PackFile, &mut dyn FnMut(&TextPath, &str));

fn validate_with(file: PackFile, texts: Texts) -> Result<Pack, Vec<Problem>> {
    let (problems, may_say_over_limits) = {
        let mut checker = Checker::new(&file, texts);
        checker.run();
        (checker.problems, checker.may_say_over_limits)
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let index = |ids: Vec<&str>| {
        ids.into_iter()
            .enumerate()
            .map(|(i, id)| (id.to_owned(), i))
            .collect()
    };
    let warnings = lint_with(&file, may_say_over_limits);
    Ok(Pack {
        warnings,
        priority_rank: index(file.priorities.iter().map(|p| p.id.as_str()).collect()),
        codes: index(file.codes.iter().map(|c| c.code.as_str()).collect()),
        trees: index(file.trees.iter().map(|t| t.id.as_str()).collect()),
        file,
    })
}

/// The ids of one list in the pack, with where each is defined.
struct Ids<'a> {
    /// What the list holds, in the singular ("priority").
    what: &'static str,
    /// id → index in the list.
    map: HashMap<&'a str, usize>,
    /// In order, for messages that list them.
    order: Vec<&'a str>,
}

impl<'a> Ids<'a> {
    fn contains(&self, id: &str) -> bool {
        self.map.contains_key(id)
    }

    /// `no priority "P5"` with the known ids or the nearest one, so the fix is obvious.
    fn missing(&self, id: &str) -> String {
        self.missing_in(id, "")
    }

    /// As `missing`, with a scope after the id (" in this tree").
    fn missing_in(&self, id: &str, scope: &str) -> String {
        let mut message = format!("no {} \"{id}\"{scope}", self.what);
        if self.order.is_empty() {
            message.push_str(&format!(
                " (the pack defines no {} at all)",
                plural(self.what)
            ));
        } else if self.order.len() <= 8 {
            let known: Vec<String> = self.order.iter().map(|k| format!("\"{k}\"")).collect();
            message.push_str(&format!(
                "; the {} are {}",
                plural(self.what),
                known.join(", ")
            ));
        } else if let Some(near) = nearest(id, &self.order) {
            message.push_str(&format!("; did you mean \"{near}\"?"));
        }
        message
    }
}

fn plural(what: &str) -> String {
    match what {
        "priority" => "priorities".to_owned(),
        "escalation level" => "escalation levels".to_owned(),
        "legislation entry" => "legislation entries".to_owned(),
        w if w.ends_with('s') => w.to_owned(),
        w => format!("{w}s"),
    }
}

/// The id closest to `id` by edit distance, if any is close enough to be a likely typo.
fn nearest<'a>(id: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (id.chars().count() / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| (edit_distance(id, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

struct Checker<'a> {
    pack: &'a PackFile,
    problems: Vec<Problem>,
    services: Ids<'a>,
    priorities: Ids<'a>,
    codes: Ids<'a>,
    advice_items: Ids<'a>,
    advice_sets: Ids<'a>,
    limits: Ids<'a>,
    levels: Ids<'a>,
    resource_types: Ids<'a>,
    organisations: Ids<'a>,
    channels: Ids<'a>,
    legislation: Ids<'a>,
    routes: Ids<'a>,
    /// The trees' ids, once `check_trees` has read them (none over the limit of trees).
    trees: Option<Ids<'a>>,
    /// code → (trigger id, priority it requires), for `codes` triggers that name a priority.
    code_triggers: HashMap<&'a str, Vec<(&'a str, &'a str)>>,
    /// Warnings found on the way: may-say advice that a limit in force with its set forbids.
    may_say_over_limits: Vec<Problem>,
    texts: Texts<'a>,
}

impl<'a> Checker<'a> {
    fn new(pack: &'a PackFile, texts: Texts<'a>) -> Self {
        let mut problems = Vec::new();
        let mut ids = |path: &str, what: &'static str, list: Vec<&'a str>| {
            collect_ids(&mut problems, path, what, "id", list)
        };
        let services = ids(
            "organisation.services",
            "service",
            pack.organisation
                .services
                .iter()
                .map(|s| s.id.as_str())
                .collect(),
        );
        let priorities = ids(
            "priorities",
            "priority",
            pack.priorities.iter().map(|p| p.id.as_str()).collect(),
        );
        let advice_items = ids(
            "advice.items",
            "advice item",
            pack.advice.items.iter().map(|a| a.id.as_str()).collect(),
        );
        let advice_sets = ids(
            "advice.sets",
            "advice set",
            pack.advice.sets.iter().map(|a| a.id.as_str()).collect(),
        );
        let limits = ids(
            "advice.limits",
            "advice limit",
            pack.advice.limits.iter().map(|a| a.id.as_str()).collect(),
        );
        let levels = ids(
            "escalation.levels",
            "escalation level",
            pack.escalation
                .levels
                .iter()
                .map(|l| l.id.as_str())
                .collect(),
        );
        let resource_types = ids(
            "resources.types",
            "resource type",
            pack.resources.types.iter().map(|t| t.id.as_str()).collect(),
        );
        let organisations = ids(
            "external_organisations",
            "external organisation",
            pack.external_organisations
                .iter()
                .map(|o| o.id.as_str())
                .collect(),
        );
        let channels = ids(
            "channels",
            "channel",
            pack.channels.iter().map(|c| c.id.as_str()).collect(),
        );
        let legislation = ids(
            "legislation",
            "legislation entry",
            pack.legislation.iter().map(|l| l.id.as_str()).collect(),
        );
        let routes = ids(
            "routes",
            "route",
            pack.routes.iter().map(|r| r.id.as_str()).collect(),
        );
        let codes = collect_ids(
            &mut problems,
            "codes",
            "incident code",
            "code",
            pack.codes.iter().map(|c| c.code.as_str()).collect(),
        );
        let mut code_triggers: HashMap<&str, Vec<(&str, &str)>> = HashMap::default();
        for trigger in &pack.escalation.triggers {
            if let (TriggerCondition::Codes(codes), Some(priority)) =
                (&trigger.when, &trigger.priority)
            {
                for code in codes {
                    code_triggers
                        .entry(code.as_str())
                        .or_default()
                        .push((trigger.id.as_str(), priority.as_str()));
                }
            }
        }
        Checker {
            pack,
            problems,
            code_triggers,
            services,
            priorities,
            codes,
            advice_items,
            advice_sets,
            limits,
            levels,
            resource_types,
            organisations,
            channels,
            legislation,
            routes,
            trees: None,
            may_say_over_limits: Vec::new(),
            texts,
        }
    }

    // Paths are `impl Display` (usually `format_args!`), so the string is built only when there is
    // a problem: a large pack passes through here hundreds of thousands of times.
    fn problem(&mut self, path: impl Display, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Text that must be present and not absurdly long.
    fn text(&mut self, path: impl Display, value: &str) {
        if value.trim().is_empty() {
            self.problem(path, "must not be empty");
        } else if value.len() > MAX_TEXT_CHARS && value.chars().count() > MAX_TEXT_CHARS {
            self.problem(
                path,
                format!("is longer than the limit of {MAX_TEXT_CHARS} characters"),
            );
        }
    }

    /// Wording said to callers: present, and only known placeholders.
    fn wording(&mut self, path: impl Display, value: &str) {
        self.text(&path, value);
        if let Err(e) = check_placeholders(value) {
            self.problem(path, e.to_string());
        }
    }

    /// Words the handler says that the log records as said (advice, questions): only the
    /// placeholders the pack itself can fill. `{agent}` is filled in the greeting, the closing and
    /// the control phrases on screen, but the log of advice and questions is written from the
    /// pack's own words, so there it would stay a placeholder.
    fn said(&mut self, path: impl Display, value: &str) {
        self.wording(&path, value);
        if value.contains("{agent}") {
            self.problem(
                path,
                "{agent} is filled only in the greeting, the closing and the control phrases; in advice and questions the log would keep it as written: write the words without it (the handler's name is logged with every event anyway)",
            );
        }
    }

    fn reference(&mut self, path: impl Display, ids: fn(&Self) -> &Ids<'a>, id: &str) {
        if !ids(self).contains(id) {
            let message = ids(self).missing(id);
            self.problem(path, message);
        }
    }

    fn run(&mut self) {
        let pack = self.pack;
        self.text("version", &pack.version);
        self.text("organisation.id", &pack.organisation.id);
        self.text("organisation.name", &pack.organisation.name);
        for (i, service) in pack.organisation.services.iter().enumerate() {
            self.text(
                format_args!("organisation.services[{i}].name"),
                &service.name,
            );
            self.text(
                format_args!("organisation.services[{i}].description"),
                &service.description,
            );
        }
        self.wording("wording.greeting", &pack.wording.greeting);
        self.wording("wording.closing", &pack.wording.closing);
        let phrase_ids: Vec<&str> = pack
            .wording
            .control_phrases
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        collect_ids(
            &mut self.problems,
            "wording.control_phrases",
            "control phrase",
            "id",
            phrase_ids,
        );
        for (i, phrase) in pack.wording.control_phrases.iter().enumerate() {
            self.wording(
                format_args!("wording.control_phrases[{i}].text"),
                &phrase.text,
            );
        }
        self.check_priorities();
        self.check_codes();
        self.check_trees();
        self.check_safety_net();
        self.check_advice();
        self.check_escalation();
        self.check_resources();
        self.check_organisations_and_channels();
        self.check_legislation_and_complaints();
        self.check_retention();
        self.check_custom_fields();
        self.check_routes();
        self.check_handovers();
        self.check_calendar();
        self.check_notice_kinds();
        self.check_give_now_and_channel_rules();
        self.check_placeholder_places();
    }

    /// Advice to give at once names real advice items; a channel's rules name real priorities
    /// and only personal fields.
    fn check_give_now_and_channel_rules(&mut self) {
        let pack = self.pack;
        for (t, tree) in pack.trees.iter().enumerate() {
            for (k, item) in tree.give_now.iter().enumerate() {
                self.reference(
                    format_args!("trees[{t}].give_now[{k}]"),
                    |c| &c.advice_items,
                    item,
                );
            }
            for (n, node) in tree.nodes.iter().enumerate() {
                for (k, item) in node.give_now.iter().enumerate() {
                    self.reference(
                        format_args!("trees[{t}].nodes[{n}].give_now[{k}]"),
                        |c| &c.advice_items,
                        item,
                    );
                }
            }
        }
        for (c, channel) in pack.channels.iter().enumerate() {
            for (k, priority) in channel.preferred_for.iter().enumerate() {
                self.reference(
                    format_args!("channels[{c}].preferred_for[{k}]"),
                    |c| &c.priorities,
                    priority,
                );
            }
            for (k, field) in channel.may_carry.iter().flatten().enumerate() {
                let custom = pack.fields.iter().find(|f| f.id == *field);
                let personal = match (LogField::from_name(field), custom) {
                    (Some(standard), _) => standard.is_personal(),
                    (None, Some(custom)) => custom.personal,
                    (None, None) => {
                        let message = format!(
                            "no personal field \"{field}\"; may_carry lists only the personal fields a message may include: {}",
                            personal_fields(pack)
                        );
                        self.problem(format_args!("channels[{c}].may_carry[{k}]"), message);
                        continue;
                    }
                };
                if !personal {
                    let message = format!(
                        "{field} is not personal data, so it always goes; may_carry lists only the personal fields a message may include: {}",
                        personal_fields(pack)
                    );
                    self.problem(format_args!("channels[{c}].may_carry[{k}]"), message);
                }
            }
        }
    }

    /// A placeholder in a text where placeholders are not filled would reach the handler as
    /// written, braces and all. (Where they are filled, `wording` checks them.)
    fn check_placeholder_places(&mut self) {
        let mut found = Vec::new();
        (self.texts)(self.pack, &mut |path, text| {
            if !text.contains('{') || fills_placeholders(path) {
                return;
            }
            if let Some(name) = first_placeholder(text) {
                found.push(Problem {
                    path: path.to_string(),
                    message: format!("{{{name}}} is not filled in here: placeholders are filled only in wording, advice and questions; write the words out here"),
                });
            }
        });
        self.problems.extend(found);
    }

    /// The organisation's own log fields (issue 15).
    fn check_custom_fields(&mut self) {
        let pack = self.pack;
        let ids = pack.fields.iter().map(|f| f.id.as_str()).collect();
        collect_ids(&mut self.problems, "fields", "field", "id", ids);
        for (i, field) in pack.fields.iter().enumerate() {
            let at = format!("fields[{i}]");
            let id = field.id.as_str();
            if LogField::from_name(id).is_some() {
                self.problem(
                    format_args!("{at}.id"),
                    format!("\"{id}\" is one of the ten standard log fields, which every pack has; give this field another id, or require the standard one with a code's required_fields"),
                );
            } else if !id.is_empty() && !is_field_id(id) {
                self.problem(
                    format_args!("{at}.id"),
                    format!("\"{id}\" is not a field id: write lower-case letters, digits and _, starting with a letter (it names the field in log entries and handoffs)"),
                );
            }
            self.text(format_args!("{at}.label"), &field.label);
            if let Some(hint) = &field.hint {
                self.text(format_args!("{at}.hint"), hint);
            }
            let choice = field.kind == FieldKind::Choice;
            if choice && field.options.is_empty() {
                self.problem(
                    format_args!("{at}.options"),
                    "a choice field needs at least one option",
                );
            } else if !choice && !field.options.is_empty() {
                self.problem(
                    format_args!("{at}.options"),
                    "only a choice field has options: make the type \"choice\", or remove the options",
                );
            }
            let option_ids = field.options.iter().map(|o| o.id.as_str()).collect();
            collect_ids(
                &mut self.problems,
                &format!("{at}.options"),
                "option",
                "id",
                option_ids,
            );
            for (k, option) in field.options.iter().enumerate() {
                self.text(format_args!("{at}.options[{k}].label"), &option.label);
            }
            if field.kind != FieldKind::Number {
                for (name, given) in [
                    ("unit", field.unit.is_some()),
                    ("min", field.min.is_some()),
                    ("max", field.max.is_some()),
                ] {
                    if given {
                        self.problem(
                            format_args!("{at}.{name}"),
                            format!("only a number field has {name}: make the type \"number\", or remove {name}"),
                        );
                    }
                }
            } else if let (Some(min), Some(max)) = (field.min, field.max) {
                if min > max {
                    self.problem(
                        format_args!("{at}.min"),
                        format!(
                            "the range {} to {} is empty",
                            number_text(min),
                            number_text(max)
                        ),
                    );
                }
            }
            if field.required && !field.required_for.is_empty() {
                self.problem(
                    format_args!("{at}.required_for"),
                    "required already makes the field required on every call: remove required_for, or set required to false",
                );
            }
            for (k, code) in field.required_for.iter().enumerate() {
                self.reference(format_args!("{at}.required_for[{k}]"), |c| &c.codes, code);
            }
        }
    }

    /// Specialist routes (issue 15): named, with a contact on a channel of the pack, and ids
    /// apart from the escalation levels' (a complaint's `escalate_to` may name either).
    fn check_routes(&mut self) {
        let pack = self.pack;
        for (i, route) in pack.routes.iter().enumerate() {
            let at = format!("routes[{i}]");
            if let Some(&level) = self.levels.map.get(route.id.as_str()) {
                self.problem(
                    format_args!("{at}.id"),
                    format!("\"{}\" is also the id of escalation level escalation.levels[{level}]; a complaint's escalate_to could not tell them apart: rename one", route.id),
                );
            }
            self.text(format_args!("{at}.name"), &route.name);
            self.text(format_args!("{at}.when"), &route.when);
            if route.contacts.is_empty() {
                self.problem(
                    format_args!("{at}.contacts"),
                    "a route needs at least one contact",
                );
            }
            for (k, contact) in route.contacts.iter().enumerate() {
                self.reference(
                    format_args!("{at}.contacts[{k}].channel"),
                    |c| &c.channels,
                    &contact.channel,
                );
                self.text(format_args!("{at}.contacts[{k}].address"), &contact.address);
            }
        }
    }

    /// Outcomes that continue into another tree (issue 15): to a tree of the pack, never its own,
    /// and never round a loop of trees (a call would be assessed for ever).
    fn check_handovers(&mut self) {
        let pack = self.pack;
        // Read by `check_trees`, which runs first.
        let Some(trees) = self.trees.take() else {
            return;
        };
        for (t, tree) in pack.trees.iter().enumerate() {
            for (o, outcome) in tree.outcomes.iter().enumerate() {
                let Some(to) = &outcome.continue_to else {
                    continue;
                };
                let at = format_args!("trees[{t}].outcomes[{o}].continue_to").to_string();
                if !trees.contains(to) {
                    self.problem(&at, trees.missing(to));
                } else if *to == tree.id {
                    self.problem(&at, format!("an outcome cannot continue into its own tree \"{to}\": ask the questions in this tree, or continue into another"));
                } else if let Some(back) = handover_loop(pack, &trees, to, &tree.id) {
                    self.problem(
                        &at,
                        format!("continuing into tree \"{to}\" leads back to tree \"{}\" ({back}), making a loop: a call could be assessed for ever", tree.id),
                    );
                }
            }
        }
        self.trees = Some(trees);
    }

    fn check_retention(&mut self) {
        let retention = self.pack.retention;
        if !(1..=720).contains(&retention.draft_hours) {
            self.problem(
                "retention.draft_hours",
                format!(
                    "{} hours is outside 1 to 720 (30 days): drafts must be kept long enough to finish a call, and not for ever",
                    retention.draft_hours
                ),
            );
        }
        if !(1..=90).contains(&retention.delivered_days) {
            self.problem(
                "retention.delivered_days",
                format!(
                    "{} days is outside 1 to 90: delivered keys must be kept long enough to stop a late repeat, and not for ever",
                    retention.delivered_days
                ),
            );
        }
        if !(1..=365).contains(&retention.closed_days) {
            self.problem(
                "retention.closed_days",
                format!(
                    "{} days is outside 1 to 365: closed incidents must stay long enough to review, and not for ever",
                    retention.closed_days
                ),
            );
        }
        if !(1..=720).contains(&retention.undelivered_alert_hours) {
            self.problem(
                "retention.undelivered_alert_hours",
                format!(
                    "{} hours is outside 1 to 720 (30 days): an entry the CRM has not accepted must be noticed, at the latest after 30 days",
                    retention.undelivered_alert_hours
                ),
            );
        }
    }

    fn check_priorities(&mut self) {
        let priorities = &self.pack.priorities;
        if priorities.is_empty() {
            self.problem("priorities", "a pack needs at least one priority");
        }
        for (i, p) in priorities.iter().enumerate() {
            self.text(format_args!("priorities[{i}].name"), &p.name);
            if p.attend_within_minutes < p.deploy_within_minutes {
                self.problem(
                    format_args!("priorities[{i}].attend_within_minutes"),
                    format!(
                        "{} minutes to attend is sooner than its {} minutes to deploy",
                        p.attend_within_minutes, p.deploy_within_minutes
                    ),
                );
            }
        }
        for (i, pair) in priorities.windows(2).enumerate() {
            let (above, this) = (&pair[0], &pair[1]);
            for (field, a, b) in [
                (
                    "deploy_within_minutes",
                    above.deploy_within_minutes,
                    this.deploy_within_minutes,
                ),
                (
                    "attend_within_minutes",
                    above.attend_within_minutes,
                    this.attend_within_minutes,
                ),
            ] {
                if b < a {
                    self.problem(format_args!("priorities[{}].{field}", i + 1),
                        format!(
                            "priorities are out of order: \"{}\" is listed below \"{}\" but has a shorter {field} ({b} minutes against {a}); list priorities most urgent first",
                            this.id, above.id
                        ),
                    );
                }
            }
        }
    }

    fn check_codes(&mut self) {
        let pack = self.pack;
        if pack.codes.is_empty() {
            self.problem("codes", "a pack needs at least one incident code");
        }
        if pack.codes.len() > MAX_CODES {
            self.problem(
                "codes",
                format!(
                    "{} codes is over the limit of {MAX_CODES}",
                    pack.codes.len()
                ),
            );
            return;
        }
        for (i, code) in pack.codes.iter().enumerate() {
            let at = format!("codes[{i}]");
            self.text(format_args!("{at}.title"), &code.title);
            self.reference(format_args!("{at}.service"), |c| &c.services, &code.service);
            self.reference(
                format_args!("{at}.default_priority"),
                |c| &c.priorities,
                &code.default_priority,
            );
            for (k, keyword) in code.keywords.iter().enumerate() {
                self.text(format_args!("{at}.keywords[{k}]"), keyword);
            }
            for (k, item) in code.response_plan.iter().enumerate() {
                let here = format!("{at}.response_plan[{k}]");
                self.plan_item(&here, &item.resource_type, item.count, item.capacity);
                for (s, skill) in item.skills.iter().enumerate() {
                    let held =
                        pack.resources.units.iter().any(|u| {
                            u.resource_type == item.resource_type && u.skills.contains(skill)
                        });
                    if skill.trim().is_empty() {
                        self.text(format_args!("{here}.skills[{s}]"), skill);
                    } else if !held {
                        self.problem(
                            format_args!("{here}.skills[{s}]"),
                            format!("no unit of type \"{}\" has the skill \"{skill}\": give it to one in resources.units, or leave it out", item.resource_type),
                        );
                    }
                }
                for (a, alternative) in item.alternatives.iter().enumerate() {
                    let there = format!("{here}.alternatives[{a}]");
                    if alternative.resource_type == item.resource_type {
                        self.problem(
                            format_args!("{there}.resource_type"),
                            "an alternative is another resource type than the item's: raise the item's count instead",
                        );
                    }
                    self.plan_item(
                        &there,
                        &alternative.resource_type,
                        alternative.count,
                        alternative.capacity,
                    );
                }
            }
            if let Some(set) = &code.advice_set {
                self.reference(format_args!("{at}.advice_set"), |c| &c.advice_sets, set);
            }
            for (k, law) in code.legislation.iter().enumerate() {
                self.reference(
                    format_args!("{at}.legislation[{k}]"),
                    |c| &c.legislation,
                    law,
                );
            }
            for (k, org) in code.notify.iter().enumerate() {
                self.reference(format_args!("{at}.notify[{k}]"), |c| &c.organisations, org);
            }
            for (k, route) in code.routes.iter().enumerate() {
                self.reference(format_args!("{at}.routes[{k}]"), |c| &c.routes, route);
            }
            self.check_deadlines(&at, &code.deadlines);
            self.priority_against_triggers(
                format_args!("{at}.default_priority"),
                &code.code,
                &code.default_priority,
            );
        }
    }

    /// A response plan's item or alternative: a resource type of the pack, at least one, and a
    /// capacity only for a type counted in one.
    fn plan_item(&mut self, at: &str, resource_type: &str, count: u32, capacity: Option<u32>) {
        self.reference(
            format_args!("{at}.resource_type"),
            |c| &c.resource_types,
            resource_type,
        );
        if count == 0 {
            self.problem(format_args!("{at}.count"), "must be at least 1");
        }
        if let Some(capacity) = capacity {
            self.capacity(format_args!("{at}.capacity"), resource_type, capacity);
        }
    }

    /// A capacity (a plan's or a unit's): at least 1, of a resource type with a `capacity_unit`.
    fn capacity(&mut self, path: impl Display, resource_type: &str, capacity: u32) {
        let counted = self
            .pack
            .resources
            .types
            .iter()
            .find(|t| t.id == resource_type)
            .map(|t| t.capacity_unit.is_some());
        if capacity == 0 {
            self.problem(path, "must be at least 1");
        } else if counted == Some(false) {
            self.problem(
                path,
                format!("resource type \"{resource_type}\" has no capacity_unit, so its capacity cannot be counted: give the type a capacity_unit (\"litres\", \"people\")"),
            );
        }
    }

    /// An outcome or code whose priority is less urgent than a trigger it fires requires.
    fn priority_against_triggers(&mut self, path: impl Display, code: &str, priority: &str) {
        let Some(&rank) = self.priorities.map.get(priority) else {
            return;
        };
        // Copied (a few pairs of borrowed ids) so problems can be recorded while going through them.
        let Some(triggers) = self.code_triggers.get(code).cloned() else {
            return;
        };
        for (trigger, required) in triggers {
            if let Some(&required_rank) = self.priorities.map.get(required) {
                if rank > required_rank {
                    let message = format!(
                        "priority \"{priority}\" is less urgent than \"{required}\", which escalation trigger \"{trigger}\" requires for code \"{code}\""
                    );
                    self.problem(&path, message);
                }
            }
        }
    }

    fn check_trees(&mut self) {
        let pack = self.pack;
        let over = pack.trees.len() > MAX_TREES;
        if over {
            self.problem(
                "trees",
                format!(
                    "{} trees is over the limit of {MAX_TREES}",
                    pack.trees.len()
                ),
            );
        }
        // Over the limit the trees are not checked, but their ids still serve `check_handovers`.
        let mut unreported = Vec::new();
        let problems = if over {
            &mut unreported
        } else {
            &mut self.problems
        };
        let tree_ids: Vec<&str> = pack.trees.iter().map(|t| t.id.as_str()).collect();
        self.trees = Some(collect_ids(problems, "trees", "tree", "id", tree_ids));
        if over {
            return;
        }
        for (i, tree) in pack.trees.iter().enumerate() {
            self.check_tree(&format!("trees[{i}]"), tree);
        }
    }

    fn check_tree(&mut self, at: &str, tree: &'a DecisionTree) {
        self.text(format_args!("{at}.title"), &tree.title);
        if tree.nodes.len() > MAX_NODES_PER_TREE {
            self.problem(
                format_args!("{at}.nodes"),
                format!(
                    "{} questions is over the limit of {MAX_NODES_PER_TREE} for one tree",
                    tree.nodes.len()
                ),
            );
            return;
        }
        let nodes = collect_ids(
            &mut self.problems,
            &format!("{at}.nodes"),
            "question",
            "id",
            tree.nodes.iter().map(|n| n.id.as_str()).collect(),
        );
        let outcomes = collect_ids(
            &mut self.problems,
            &format!("{at}.outcomes"),
            "outcome",
            "id",
            tree.outcomes.iter().map(|o| o.id.as_str()).collect(),
        );
        if tree.nodes.is_empty() {
            self.problem(
                format_args!("{at}.nodes"),
                "a tree needs at least one question",
            );
        }
        if tree.outcomes.is_empty() {
            self.problem(
                format_args!("{at}.outcomes"),
                "a tree needs at least one outcome",
            );
        }
        let check_next = |checker: &mut Self, path: fmt::Arguments<'_>, next: &Next| match next {
            Next::Node(id) if !nodes.contains(id) => {
                checker.problem(path, nodes.missing_in(id, IN_TREE))
            }
            Next::Outcome(id) if !outcomes.contains(id) => {
                checker.problem(path, outcomes.missing_in(id, IN_TREE))
            }
            _ => {}
        };
        if !nodes.contains(&tree.start) && !tree.nodes.is_empty() {
            self.problem(
                format_args!("{at}.start"),
                nodes.missing_in(&tree.start, IN_TREE),
            );
        }
        for (j, node) in tree.nodes.iter().enumerate() {
            let here = format!("{at}.nodes[{j}]");
            self.said(format_args!("{here}.question"), &node.question);
            match (&node.ask_if, &node.skip_to) {
                (Some(_), None) => self.problem(format_args!("{here}.skip_to"),
                    "a question with ask_if needs skip_to: where the tree goes when the question is not asked",
                ),
                (None, Some(_)) => self.problem(format_args!("{here}.skip_to"), "skip_to is only used with ask_if"),
                _ => {}
            }
            for (edge, next) in edges(node) {
                check_next(self, format_args!("{here}.{edge}"), next);
            }
            match &node.answer {
                Answer::Choice { options } => {
                    if options.is_empty() {
                        self.problem(format_args!("{here}.answer.options"),
                            "a choice question needs at least one option; without one the tree stops here without an outcome",
                        );
                    }
                    let option_ids = options.iter().map(|o| o.id.as_str()).collect();
                    collect_ids(
                        &mut self.problems,
                        &format!("{here}.answer.options"),
                        "option",
                        "id",
                        option_ids,
                    );
                    for (k, option) in options.iter().enumerate() {
                        self.text(
                            format_args!("{here}.answer.options[{k}].label"),
                            &option.label,
                        );
                    }
                }
                Answer::Number {
                    min,
                    max,
                    branches,
                    unit,
                    ..
                } => {
                    self.text(format_args!("{here}.answer.unit"), unit);
                    if !(min.is_finite() && max.is_finite()) || min > max {
                        self.problem(
                            format_args!("{here}.answer.max"),
                            format!(
                                "the range {} to {} is empty",
                                number_text(*min),
                                number_text(*max)
                            ),
                        );
                    }
                    let range_ok = min.is_finite() && max.is_finite() && min <= max;
                    for (k, branch) in branches.iter().enumerate() {
                        if branch.at_least.is_none() && branch.below.is_none() {
                            self.problem(
                                format_args!("{here}.answer.branches[{k}]"),
                                "a branch needs at_least, below or both",
                            );
                        } else if range_ok {
                            if let Some(message) = branch_never_holds(branch, *min, *max, unit) {
                                self.problem(format_args!("{here}.answer.branches[{k}]"), message);
                            }
                        }
                    }
                }
                Answer::YesNo { .. } | Answer::Text { .. } => {}
            }
        }
        for (k, outcome) in tree.outcomes.iter().enumerate() {
            let here = format!("{at}.outcomes[{k}]");
            self.reference(format_args!("{here}.code"), |c| &c.codes, &outcome.code);
            self.reference(
                format_args!("{here}.priority"),
                |c| &c.priorities,
                &outcome.priority,
            );
            if let Some(set) = &outcome.advice_set {
                self.reference(format_args!("{here}.advice_set"), |c| &c.advice_sets, set);
            }
            if let Some(level) = &outcome.escalation {
                self.reference(format_args!("{here}.escalation"), |c| &c.levels, level);
            }
            self.text(format_args!("{here}.reason"), &outcome.reason);
            for (n, org) in outcome.notify.iter().enumerate() {
                self.reference(
                    format_args!("{here}.notify[{n}]"),
                    |c| &c.organisations,
                    org,
                );
            }
            for (n, route) in outcome.routes.iter().enumerate() {
                self.reference(format_args!("{here}.routes[{n}]"), |c| &c.routes, route);
            }
            self.priority_against_triggers(
                format_args!("{here}.priority"),
                &outcome.code,
                &outcome.priority,
            );
        }
        if nodes.map.len() == tree.nodes.len() && outcomes.map.len() == tree.outcomes.len() {
            self.check_tree_paths(at, tree, &nodes, &outcomes);
        }
    }

    /// Reachability, loops, unused outcomes and conditions, on a tree whose ids are unique.
    fn check_tree_paths(
        &mut self,
        at: &str,
        tree: &DecisionTree,
        nodes: &Ids<'_>,
        outcomes: &Ids<'_>,
    ) {
        // Node → node edges (with the edge's path) and node → outcome edges.
        let graph: Vec<Vec<(Edge, usize)>> = tree
            .nodes
            .iter()
            .map(|node| {
                edges(node)
                    .into_iter()
                    .filter_map(|(edge, next)| match next {
                        Next::Node(id) => nodes.map.get(id.as_str()).map(|&k| (edge, k)),
                        Next::Outcome(_) => None,
                    })
                    .collect()
            })
            .collect();
        let Some(&start) = nodes.map.get(tree.start.as_str()) else {
            return;
        };

        // Loops: depth-first from the start, an edge back to a node on the current path.
        let mut state = vec![0u8; tree.nodes.len()]; // 0 unseen, 1 on the path, 2 done
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some((node, next_edge)) = stack.last_mut() {
            let node = *node;
            if let Some((edge, target)) = graph[node].get(*next_edge) {
                *next_edge += 1;
                match state[*target] {
                    0 => {
                        state[*target] = 1;
                        stack.push((*target, 0));
                    }
                    1 => {
                        let message = format!(
                            "leads back to question \"{}\", making a loop: a call could go round it for ever",
                            tree.nodes[*target].id
                        );
                        self.problem(format_args!("{at}.nodes[{node}].{edge}"), message);
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
        let reachable: Vec<bool> = state.iter().map(|&s| s != 0).collect();
        for (j, node) in tree.nodes.iter().enumerate() {
            if !reachable[j] {
                self.problem(
                    format_args!("{at}.nodes[{j}]"),
                    format!(
                        "question \"{}\" cannot be reached from the start \"{}\"",
                        node.id, tree.start
                    ),
                );
            }
        }
        let mut used = vec![false; tree.outcomes.len()];
        for (j, node) in tree.nodes.iter().enumerate().filter(|(j, _)| reachable[*j]) {
            for (_, next) in edges(node) {
                if let Next::Outcome(id) = next {
                    if let Some(&k) = outcomes.map.get(id.as_str()) {
                        used[k] = true;
                    }
                }
            }
            if let Some(condition) = &node.ask_if {
                self.check_condition(
                    &format!("{at}.nodes[{j}].ask_if"),
                    condition,
                    j,
                    tree,
                    nodes,
                    &graph,
                    1,
                );
            }
        }
        for (k, outcome) in tree.outcomes.iter().enumerate() {
            if !used[k] {
                self.problem(
                    format_args!("{at}.outcomes[{k}]"),
                    format!("outcome \"{}\" is never reached by any answer", outcome.id),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_condition(
        &mut self,
        path: &str,
        condition: &Condition,
        asked_at: usize,
        tree: &DecisionTree,
        nodes: &Ids<'_>,
        graph: &[Vec<(Edge, usize)>],
        depth: usize,
    ) {
        if depth > MAX_CONDITION_DEPTH {
            self.problem(
                path,
                format!("conditions are nested more than {MAX_CONDITION_DEPTH} deep"),
            );
            return;
        }
        let earlier = |checker: &mut Self, path: String, node_id: &str| -> Option<&Answer> {
            let Some(&k) = nodes.map.get(node_id) else {
                checker.problem(path, nodes.missing_in(node_id, IN_TREE));
                return None;
            };
            if !leads_to(graph, k, asked_at) {
                checker.problem(
                    path,
                    format!(
                        "refers to question \"{node_id}\", which is never asked before question \"{}\"",
                        tree.nodes[asked_at].id
                    ),
                );
                return None;
            }
            Some(&tree.nodes[k].answer)
        };
        match condition {
            Condition::Answered { node, is } => {
                let valid = match earlier(self, format!("{path}.answered.node"), node) {
                    None => return,
                    Some(Answer::YesNo { .. }) => is == "yes" || is == "no",
                    Some(Answer::Choice { options }) => options.iter().any(|o| &o.id == is),
                    Some(_) => {
                        self.problem(format_args!("{path}.answered"),
                            format!("question \"{node}\" takes a number or text, so it cannot be answered \"{is}\""),
                        );
                        return;
                    }
                };
                if !valid {
                    self.problem(
                        format_args!("{path}.answered.is"),
                        format!("question \"{node}\" has no answer \"{is}\""),
                    );
                }
            }
            Condition::AtLeast { node, .. } => {
                if let Some(answer) = earlier(self, format!("{path}.at_least.node"), node) {
                    if !matches!(answer, Answer::Number { .. }) {
                        self.problem(
                            format_args!("{path}.at_least"),
                            format!("question \"{node}\" does not take a number"),
                        );
                    }
                }
            }
            Condition::All(parts) | Condition::Any(parts) => {
                let key = if matches!(condition, Condition::All(_)) {
                    "all"
                } else {
                    "any"
                };
                if parts.is_empty() {
                    self.problem(format_args!("{path}.{key}"), "needs at least one condition");
                }
                for (i, part) in parts.iter().enumerate() {
                    self.check_condition(
                        &format!("{path}.{key}[{i}]"),
                        part,
                        asked_at,
                        tree,
                        nodes,
                        graph,
                        depth + 1,
                    );
                }
            }
            Condition::Not(inner) => self.check_condition(
                &format!("{path}.not"),
                inner,
                asked_at,
                tree,
                nodes,
                graph,
                depth + 1,
            ),
        }
    }

    fn check_safety_net(&mut self) {
        let pack = self.pack;
        let ids = pack.safety_net.iter().map(|q| q.id.as_str()).collect();
        collect_ids(
            &mut self.problems,
            "safety_net",
            "safety-net question",
            "id",
            ids,
        );
        for (i, question) in pack.safety_net.iter().enumerate() {
            let at = format!("safety_net[{i}]");
            self.said(format_args!("{at}.question"), &question.question);
            if let Some(label) = &question.label {
                if label.chars().count() > MAX_SAFETY_LABEL_CHARS {
                    // It must fit the call bar and leave room in a 160-character text message.
                    self.problem(
                        format_args!("{at}.label"),
                        format!(
                            "is longer than {MAX_SAFETY_LABEL_CHARS} characters; a label is a few words (the question says the rest)"
                        ),
                    );
                } else {
                    self.text(format_args!("{at}.label"), label);
                }
            }
            let action = &question.if_yes;
            if let Some(p) = &action.priority {
                self.reference(format_args!("{at}.if_yes.priority"), |c| &c.priorities, p);
            }
            if let Some(level) = &action.escalation {
                self.reference(format_args!("{at}.if_yes.escalation"), |c| &c.levels, level);
            }
            if let Some(item) = &action.advice {
                self.reference(
                    format_args!("{at}.if_yes.advice"),
                    |c| &c.advice_items,
                    item,
                );
            }
            self.text(format_args!("{at}.if_yes.reason"), &action.reason);
        }
    }

    fn check_advice(&mut self) {
        let advice = &self.pack.advice;
        for (i, item) in advice.items.iter().enumerate() {
            self.said(format_args!("advice.items[{i}].text"), &item.text);
            for (k, replaced) in item.replaces.iter().enumerate() {
                let at = format_args!("advice.items[{i}].replaces[{k}]");
                if *replaced == item.id {
                    self.problem(at, "an advice item cannot stand in for itself");
                } else {
                    self.reference(at, |c| &c.advice_items, replaced);
                }
            }
        }
        for (i, set) in advice.sets.iter().enumerate() {
            self.text(format_args!("advice.sets[{i}].title"), &set.title);
            if set.items.is_empty() {
                self.problem(
                    format_args!("advice.sets[{i}].items"),
                    "an advice set needs at least one advice item",
                );
            }
            for (k, item) in set.items.iter().enumerate() {
                self.reference(
                    format_args!("advice.sets[{i}].items[{k}]"),
                    |c| &c.advice_items,
                    item,
                );
            }
            for (k, limit) in set.limits.iter().enumerate() {
                self.reference(
                    format_args!("advice.sets[{i}].limits[{k}]"),
                    |c| &c.limits,
                    limit,
                );
            }
        }
        for (i, limit) in advice.limits.iter().enumerate() {
            let at = format!("advice.limits[{i}]");
            self.text(format_args!("{at}.rule"), &limit.rule);
            if limit.patterns.is_empty() {
                self.problem(
                    format_args!("{at}.patterns"),
                    "an advice limit needs at least one pattern to catch it in free text",
                );
            }
            for (k, pattern) in limit.patterns.iter().enumerate() {
                if let Err(message) = check_pattern(pattern) {
                    self.problem(format_args!("{at}.patterns[{k}]"), message);
                }
            }
            if let Some(item) = &limit.instead {
                self.reference(format_args!("{at}.instead"), |c| &c.advice_items, item);
            }
            if let Some(level) = &limit.may_go_further {
                self.reference(format_args!("{at}.may_go_further"), |c| &c.levels, level);
            }
        }
        // May-say advice a limit forbids is a warning (see `lint`): the handler can leave it out.
        // Kept for the warnings, so the advice is not matched against the limits twice.
        for conflict in set_conflicts(advice, &self.pack.organisation.name) {
            let problem = Problem {
                path: conflict.path(),
                message: conflict.message(),
            };
            match conflict.item.kind {
                AdviceKind::MustSay => self.problems.push(problem),
                AdviceKind::MaySay => self.may_say_over_limits.push(problem),
            }
        }
    }

    fn check_escalation(&mut self) {
        let escalation = &self.pack.escalation;
        for (i, level) in escalation.levels.iter().enumerate() {
            let at = format!("escalation.levels[{i}]");
            self.text(format_args!("{at}.name"), &level.name);
            self.text(format_args!("{at}.held_by"), &level.held_by);
            self.text(format_args!("{at}.boundary"), &level.boundary);
            for (k, channel) in level.channels.iter().enumerate() {
                self.reference(format_args!("{at}.channels[{k}]"), |c| &c.channels, channel);
            }
        }
        let ids = escalation.triggers.iter().map(|t| t.id.as_str()).collect();
        collect_ids(
            &mut self.problems,
            "escalation.triggers",
            "escalation trigger",
            "id",
            ids,
        );
        for (i, trigger) in escalation.triggers.iter().enumerate() {
            let at = format!("escalation.triggers[{i}]");
            self.reference(format_args!("{at}.level"), |c| &c.levels, &trigger.level);
            self.text(format_args!("{at}.reason"), &trigger.reason);
            if let Some(p) = &trigger.priority {
                self.reference(format_args!("{at}.priority"), |c| &c.priorities, p);
            }
            self.check_when(&at, &trigger.when);
        }
    }

    /// The condition (`when`) of the escalation trigger or checklist item at `at`.
    fn check_when(&mut self, at: &str, when: &TriggerCondition) {
        match when {
            TriggerCondition::PriorityAtLeast(p) => self.reference(
                format_args!("{at}.when.priority_at_least"),
                |c| &c.priorities,
                p,
            ),
            TriggerCondition::Keywords(words) => {
                if words.is_empty() {
                    self.problem(
                        format_args!("{at}.when.keywords"),
                        "needs at least one keyword",
                    );
                }
                for (k, word) in words.iter().enumerate() {
                    self.text(format_args!("{at}.when.keywords[{k}]"), word);
                }
            }
            TriggerCondition::ElapsedMinutes(0) => self.problem(
                format_args!("{at}.when.elapsed_minutes"),
                "must be at least 1 minute",
            ),
            TriggerCondition::RepeatCaller {
                calls,
                within_hours,
            } => {
                if *calls < 2 {
                    self.problem(
                        format_args!("{at}.when.repeat_caller.calls"),
                        "a repeat caller has called at least 2 times",
                    );
                }
                if *within_hours == 0 {
                    self.problem(
                        format_args!("{at}.when.repeat_caller.within_hours"),
                        "must be at least 1 hour",
                    );
                }
            }
            TriggerCondition::Codes(codes) => {
                for (k, code) in codes.iter().enumerate() {
                    self.reference(format_args!("{at}.when.codes[{k}]"), |c| &c.codes, code);
                }
            }
            TriggerCondition::ElapsedMinutes(_)
            | TriggerCondition::VulnerableCaller
            | TriggerCondition::MajorIncident => {}
        }
    }

    fn check_resources(&mut self) {
        let resources = &self.pack.resources;
        for (i, kind) in resources.types.iter().enumerate() {
            self.text(format_args!("resources.types[{i}].name"), &kind.name);
        }
        let ids = resources.units.iter().map(|u| u.id.as_str()).collect();
        collect_ids(&mut self.problems, "resources.units", "unit", "id", ids);
        for (i, unit) in resources.units.iter().enumerate() {
            let at = format!("resources.units[{i}]");
            self.text(format_args!("{at}.call_sign"), &unit.call_sign);
            self.reference(
                format_args!("{at}.type"),
                |c| &c.resource_types,
                &unit.resource_type,
            );
            self.text(format_args!("{at}.zone"), &unit.zone);
            if unit.channels.is_empty() {
                self.problem(
                    format_args!("{at}.channels"),
                    "a unit needs at least one channel to reach it by",
                );
            }
            for (k, channel) in unit.channels.iter().enumerate() {
                self.reference(format_args!("{at}.channels[{k}]"), |c| &c.channels, channel);
            }
            if let Some(capacity) = unit.capacity {
                self.capacity(format_args!("{at}.capacity"), &unit.resource_type, capacity);
            }
            if let Some(hours) = &unit.hours {
                self.check_hours(&format!("{at}.hours"), hours);
            }
        }
    }

    /// Days of the week (a unit's window, a calendar's working days): at least one, each once.
    fn check_days(&mut self, at: &str, days: &[Weekday], empty: &str) {
        if days.is_empty() {
            self.problem(
                at,
                format!("{empty}: \"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\" or \"sun\""),
            );
        }
        for (d, day) in days.iter().enumerate() {
            if let Some(first) = days[..d].iter().position(|x| x == day) {
                self.problem(
                    format_args!("{at}[{d}]"),
                    format!(
                        "duplicate day \"{}\"; also listed at {at}[{first}]",
                        day.name()
                    ),
                );
            }
        }
    }

    /// A time of day, `HH:MM`.
    fn check_time(&mut self, path: impl Display, time: &str) {
        if parse_time(time).is_none() {
            self.problem(
                path,
                format!("\"{time}\" is not a time of day: write HH:MM on the 24-hour clock, 00:00 to 23:59 (a window that ends at midnight ends at 00:00)"),
            );
        }
    }

    /// The working calendar (issue 15): a zone the widget knows, working days, a working day that
    /// starts before it ends, and holidays that are dates.
    fn check_calendar(&mut self) {
        let Some(calendar) = &self.pack.calendar else {
            return;
        };
        if !TIME_ZONES.contains(&calendar.time_zone.as_str()) {
            self.problem(
                "calendar.time_zone",
                format!(
                    "\"{}\" is not a time zone the widget knows: write \"Europe/London\" (GMT, and BST in summer) or \"UTC\"",
                    calendar.time_zone
                ),
            );
        }
        self.check_days(
            "calendar.working_days",
            &calendar.working_days,
            "a calendar needs at least one working day",
        );
        self.check_time("calendar.from", &calendar.from);
        self.check_time("calendar.to", &calendar.to);
        if let (Some(from), Some(to)) = (parse_time(&calendar.from), parse_time(&calendar.to)) {
            if to <= from {
                self.problem(
                    "calendar.to",
                    format!(
                        "the working day ends at {} but starts at {}: to must be later than from",
                        calendar.to, calendar.from
                    ),
                );
            }
        }
        for (k, holiday) in calendar.holidays.iter().enumerate() {
            if parse_date(holiday).is_none() {
                self.problem(
                    format_args!("calendar.holidays[{k}]"),
                    format!("\"{holiday}\" is not a date: write YYYY-MM-DD, e.g. \"2026-12-25\""),
                );
            } else if let Some(first) = calendar.holidays[..k].iter().position(|h| h == holiday) {
                self.problem(
                    format_args!("calendar.holidays[{k}]"),
                    format!("duplicate holiday \"{holiday}\"; also listed at calendar.holidays[{first}]"),
                );
            }
        }
    }

    /// The kinds of live notice (issue 15): named, with advice, limits and levels of the pack.
    fn check_notice_kinds(&mut self) {
        let pack = self.pack;
        let ids = pack.notice_kinds.iter().map(|k| k.id.as_str()).collect();
        collect_ids(&mut self.problems, "notice_kinds", "notice kind", "id", ids);
        for (i, kind) in pack.notice_kinds.iter().enumerate() {
            let at = format!("notice_kinds[{i}]");
            self.text(format_args!("{at}.name"), &kind.name);
            for (k, item) in kind.give_now.iter().enumerate() {
                self.reference(
                    format_args!("{at}.give_now[{k}]"),
                    |c| &c.advice_items,
                    item,
                );
            }
            for (k, limit) in kind.limits.iter().enumerate() {
                self.reference(format_args!("{at}.limits[{k}]"), |c| &c.limits, limit);
            }
            if let Some(level) = &kind.escalation {
                self.reference(format_args!("{at}.escalation"), |c| &c.levels, level);
            }
        }
    }

    /// A code's named deadlines (issue 15): ids unique within the code, a name, at least 1, and a
    /// calendar when they count working time.
    fn check_deadlines(&mut self, at: &str, deadlines: &[Deadline]) {
        let ids = deadlines.iter().map(|d| d.id.as_str()).collect();
        collect_ids(
            &mut self.problems,
            &format!("{at}.deadlines"),
            "deadline",
            "id",
            ids,
        );
        for (k, deadline) in deadlines.iter().enumerate() {
            self.text(format_args!("{at}.deadlines[{k}].name"), &deadline.name);
            if deadline.within == 0 {
                self.problem(
                    format_args!("{at}.deadlines[{k}].within"),
                    "must be at least 1",
                );
            }
            if deadline.unit.is_working() && self.pack.calendar.is_none() {
                self.problem(
                    format_args!("{at}.deadlines[{k}].unit"),
                    format!(
                        "{} counts working time, but the pack has no calendar: add one with the working days and hours, or count in hours or days",
                        if deadline.unit == DeadlineUnit::WorkingDays { "\"working_days\"" } else { "\"working_hours\"" }
                    ),
                );
            }
        }
    }

    /// A unit's hours: at least one window, each on at least one day, each day once, and times of
    /// day that read.
    fn check_hours(&mut self, at: &str, hours: &[HoursWindow]) {
        if hours.is_empty() {
            self.problem(at, "an empty list of hours means the unit can never be sent; add a window, or leave hours out if it can be sent at any time");
        }
        for (k, window) in hours.iter().enumerate() {
            self.check_days(
                &format!("{at}[{k}].days"),
                &window.days,
                "a window needs at least one day",
            );
            for (field, time) in [("from", &window.from), ("to", &window.to)] {
                self.check_time(format_args!("{at}[{k}].{field}"), time);
            }
        }
    }

    fn check_organisations_and_channels(&mut self) {
        let pack = self.pack;
        for (i, org) in pack.external_organisations.iter().enumerate() {
            let at = format!("external_organisations[{i}]");
            self.text(format_args!("{at}.name"), &org.name);
            self.text(format_args!("{at}.when"), &org.when);
            if org.contacts.is_empty() {
                self.problem(
                    format_args!("{at}.contacts"),
                    "an external organisation needs at least one contact",
                );
            }
            for (k, contact) in org.contacts.iter().enumerate() {
                self.reference(
                    format_args!("{at}.contacts[{k}].channel"),
                    |c| &c.channels,
                    &contact.channel,
                );
                self.text(format_args!("{at}.contacts[{k}].address"), &contact.address);
            }
        }
        for (i, channel) in pack.channels.iter().enumerate() {
            let at = format!("channels[{i}]");
            self.text(format_args!("{at}.name"), &channel.name);
            if channel.medium == Medium::Sms && channel.max_length.is_none() {
                self.problem(
                    format_args!("{at}.max_length"),
                    "an SMS channel needs max_length",
                );
            }
            if channel.max_length == Some(0) {
                self.problem(
                    format_args!("{at}.max_length"),
                    "must be at least 1 character",
                );
            }
        }
    }

    fn check_legislation_and_complaints(&mut self) {
        let pack = self.pack;
        let mut checklist = Vec::new();
        for (i, law) in pack.legislation.iter().enumerate() {
            self.text(format_args!("legislation[{i}].title"), &law.title);
            self.text(format_args!("legislation[{i}].effect"), &law.effect);
            for (k, item) in law.checklist.iter().enumerate() {
                self.text(
                    format_args!("legislation[{i}].checklist[{k}].text"),
                    &item.text,
                );
                let at = format!("legislation[{i}].checklist[{k}]");
                if let Some(when) = &item.when {
                    if matches!(
                        when,
                        TriggerCondition::ElapsedMinutes(_) | TriggerCondition::RepeatCaller { .. }
                    ) {
                        self.problem(
                            format_args!("{at}.when"),
                            "a checklist item's condition depends on the call alone: use \
                             priority_at_least, keywords, vulnerable_caller, major_incident or \
                             codes, not elapsed_minutes or repeat_caller",
                        );
                    } else {
                        self.check_when(&at, when);
                    }
                }
                checklist.push((at, item.id.as_str()));
            }
        }
        let mut seen: HashMap<&str, &str> = HashMap::default();
        for (path, id) in &checklist {
            match seen.get(id) {
                Some(first) => self.problem(
                    format_args!("{path}.id"),
                    format!("duplicate checklist item id \"{id}\"; also used at {first}"),
                ),
                None => {
                    seen.insert(id, path);
                }
            }
        }
        let ids = pack.complaints.iter().map(|c| c.id.as_str()).collect();
        collect_ids(
            &mut self.problems,
            "complaints",
            "complaint category",
            "id",
            ids,
        );
        for (i, category) in pack.complaints.iter().enumerate() {
            self.text(format_args!("complaints[{i}].name"), &category.name);
            // A level, or a specialist route (issue 15): their ids are kept apart.
            let to = category.escalate_to.as_str();
            if !self.levels.contains(to) && !self.routes.contains(to) {
                let quoted = |ids: &Ids<'_>| {
                    let ids: Vec<String> = ids.order.iter().map(|k| format!("\"{k}\"")).collect();
                    if ids.is_empty() {
                        "none".to_owned()
                    } else {
                        ids.join(", ")
                    }
                };
                let message = format!(
                    "no escalation level or route \"{to}\"; the escalation levels are {}, the routes {}",
                    quoted(&self.levels),
                    quoted(&self.routes)
                );
                self.problem(format_args!("complaints[{i}].escalate_to"), message);
            }
        }
    }
}

/// Why a number question's branch can never be taken, given the answers the question accepts
/// (`min` to `max`, a range that is not empty); `None` if some answer in the range meets it.
/// (Whether an earlier branch takes every such answer first is not checked.)
fn branch_never_holds(branch: &NumberBranch, min: f64, max: f64, unit: &str) -> Option<String> {
    let unit = if unit.trim().is_empty() {
        String::new()
    } else {
        format!(" {}", unit.trim())
    };
    let (min_n, max_n) = (number_text(min), number_text(max));
    let shown = |n: Option<f64>| n.map(number_text).unwrap_or_default();
    let (at_least_n, below_n) = (shown(branch.at_least), shown(branch.below));
    match (branch.at_least, branch.below) {
        (Some(at_least), _) if at_least > max => Some(format!(
            "this branch holds only for answers of at least {at_least_n}{unit}, but the question accepts no answer above {max_n}{unit} (its max), so no call can take it; lower at_least or raise the question's max"
        )),
        (_, Some(below)) if below <= min => Some(format!(
            "this branch holds only for answers below {below_n}{unit}, but the question accepts no answer below {min_n}{unit} (its min), so no call can take it; raise below or lower the question's min"
        )),
        (Some(at_least), Some(below)) if at_least >= below => Some(format!(
            "this branch holds only for answers of at least {at_least_n}{unit} and below {below_n}{unit}, and no number is both, so no call can take it; at_least must be smaller than below"
        )),
        _ => None,
    }
}

/// Whether the text at `path` is words for the handler to say, where `{agent}` and
/// `{organisation}` are filled in: the greeting, the closing, control phrases, advice items, tree
/// questions and safety-net questions.
fn fills_placeholders(path: &TextPath) -> bool {
    const FILLED: [&str; 6] = [
        "wording.greeting",
        "wording.closing",
        "wording.control_phrases[].text",
        "advice.items[].text",
        "trees[].nodes[].question",
        "safety_net[].question",
    ];
    matches!(
        path.last_key(),
        Some("greeting" | "closing" | "text" | "question")
    ) && FILLED.contains(&path.shape().as_str())
}

/// The name of the first placeholder-like `{name}` in `text`: braces around a word of letters,
/// digits, `_` and `-` that starts with a letter or `_`.
fn first_placeholder(text: &str) -> Option<&str> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        let name = &after[..end];
        let starts_well = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if starts_well && after[end..].starts_with('}') {
            return Some(name);
        }
        rest = after;
    }
    None
}

/// Every place a question can lead, with the JSON path of each (under `here`).
fn edges(node: &TreeNode) -> Vec<(Edge, &Next)> {
    let mut out = Vec::new();
    match &node.answer {
        Answer::Choice { options } => {
            out.extend(
                options
                    .iter()
                    .enumerate()
                    .map(|(k, o)| (Edge::Option(k), &o.next)),
            );
        }
        Answer::YesNo { yes, no } => {
            out.push((Edge::Yes, yes));
            out.push((Edge::No, no));
        }
        Answer::Number {
            branches,
            otherwise,
            ..
        } => {
            out.extend(
                branches
                    .iter()
                    .enumerate()
                    .map(|(k, b)| (Edge::Branch(k), &b.next)),
            );
            out.push((Edge::Otherwise, otherwise));
        }
        Answer::Text { next } => out.push((Edge::Next, next)),
    }
    if let Some(skip) = &node.skip_to {
        out.push((Edge::SkipTo, skip));
    }
    out
}

/// Which of a question's fields an edge comes from; displays as the JSON path below the question.
#[derive(Debug, Clone, Copy)]
enum Edge {
    Option(usize),
    Yes,
    No,
    Branch(usize),
    Otherwise,
    Next,
    SkipTo,
}

impl fmt::Display for Edge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Edge::Option(k) => write!(f, "answer.options[{k}].next"),
            Edge::Yes => f.write_str("answer.yes"),
            Edge::No => f.write_str("answer.no"),
            Edge::Branch(k) => write!(f, "answer.branches[{k}].next"),
            Edge::Otherwise => f.write_str("answer.otherwise"),
            Edge::Next => f.write_str("answer.next"),
            Edge::SkipTo => f.write_str("skip_to"),
        }
    }
}

/// Whether some path leads from question `from` to question `to` (so `from` is asked first).
fn leads_to(graph: &[Vec<(Edge, usize)>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; graph.len()];
    let mut stack = vec![from];
    while let Some(node) = stack.pop() {
        for (_, next) in &graph[node] {
            if *next == to {
                return true;
            }
            if !seen[*next] {
                seen[*next] = true;
                stack.push(*next);
            }
        }
    }
    false
}

/// How tree `from` leads back to tree `home` through outcomes that continue into other trees, as
/// `"a" → "b" → …`; `None` if it cannot.
fn handover_loop(pack: &PackFile, trees: &Ids<'_>, from: &str, home: &str) -> Option<String> {
    let mut seen = vec![false; pack.trees.len()];
    let mut stack = vec![(from.to_owned(), format!("\"{from}\""))];
    while let Some((id, trail)) = stack.pop() {
        let Some(&index) = trees.map.get(id.as_str()) else {
            continue;
        };
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        for outcome in &pack.trees[index].outcomes {
            match &outcome.continue_to {
                Some(next) if next == home => return Some(format!("{trail} → \"{home}\"")),
                Some(next) => stack.push((next.clone(), format!("{trail} → \"{next}\""))),
                None => {}
            }
        }
    }
    None
}

/// Lower-case letters, digits and `_`, starting with a letter: a custom field's id.
fn is_field_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The personal fields a channel's `may_carry` may name: the standard ones, then the pack's own.
fn personal_fields(pack: &PackFile) -> String {
    let standard = LogField::PERSONAL.iter().map(|f| f.name());
    let custom = pack
        .fields
        .iter()
        .filter(|f| f.personal)
        .map(|f| f.id.as_str());
    standard.chain(custom).collect::<Vec<_>>().join(", ")
}

/// Records the ids of one list, reporting empty and duplicate ones.
fn collect_ids<'a>(
    problems: &mut Vec<Problem>,
    path: &str,
    what: &'static str,
    field: &str,
    list: Vec<&'a str>,
) -> Ids<'a> {
    let mut map = HashMap::with_capacity_and_hasher(list.len(), Default::default());
    for (i, id) in list.iter().enumerate() {
        if id.trim().is_empty() {
            problems.push(Problem {
                path: format!("{path}[{i}].{field}"),
                message: "must not be empty".to_owned(),
            });
        } else if let Some(first) = map.insert(*id, i) {
            map.insert(*id, first);
            problems.push(Problem {
                path: format!("{path}[{i}].{field}"),
                // "duplicate incident code", not "duplicate incident code code".
                message: if what.ends_with(field) {
                    format!("duplicate {what} \"{id}\"; also used at {path}[{first}]")
                } else {
                    format!("duplicate {what} {field} \"{id}\"; also used at {path}[{first}]")
                },
            });
        }
    }
    Ids {
        what,
        map,
        order: list,
    }
}

/// An advice-limit pattern: words, with `*` allowed only at the end of a word.
fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern.trim().is_empty() {
        return Err("must not be empty".to_owned());
    }
    for word in pattern.split_whitespace() {
        let stem = word.strip_suffix('*').unwrap_or(word);
        if stem.is_empty() || stem.contains('*') {
            return Err(format!(
                "\"{word}\": `*` may only end a word, after at least one letter"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_pattern, edit_distance, nearest};

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("P1", "P1"), 0);
    }

    #[test]
    fn nearest_suggests_only_likely_typos() {
        assert_eq!(
            nearest("HW-FDL-01", &["HW-FLD-01", "GAS-01"]),
            Some("HW-FLD-01")
        );
        assert_eq!(nearest("zzz", &["HW-FLD-01"]), None);
    }

    #[test]
    fn patterns_allow_a_trailing_wildcard_only() {
        assert!(check_pattern("evacuat*").is_ok());
        assert!(check_pattern("it is safe").is_ok());
        assert!(check_pattern("*safe").is_err());
        assert!(check_pattern("sa*fe").is_err());
        assert!(check_pattern(" ").is_err());
    }
}
