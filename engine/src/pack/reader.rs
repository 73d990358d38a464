//! The pack read by hand from its JSON tree (issue 14: the call screen's size): every struct of
//! the pack and the question's answer; the leaves (text, numbers, lists of text, enums, the
//! retention settings, conditions and triggers) still go through their derives. The derives stay as the oracle: `engine/tests/json_tree.rs`
//! reads the shipped packs and thousands of damaged copies both ways and wants the same pack or
//! the same refusal, at the same path, line and column. Two differences, on purpose: a struct
//! written as a list (which serde also reads, field by field) is refused as not an object; and
//! a mistake inside a question's `answer` is reported where it is (its deepest path, its own line
//! and column), where the derive names only the answer's closing brace.

use crate::kernel::json_tree::{
    by_hand, missing, read_list, read_option, read_serde, read_struct, read_tag, Node, TreeError,
    Value,
};
use crate::pack::{
    Advice, AdviceItem, AdviceLimit, AdviceSet, Answer, AnswerOption, BannedAbbreviation, Calendar,
    Channel, ChecklistItem, ComplaintCategory, Contact, ControlPhrase, CustomField, Deadline,
    DecisionTree, Escalation, EscalationLevel, EscalationTrigger, ExternalOrganisation,
    FieldOption, HoursWindow, IncidentCode, Legislation, Next, NoticeKind, NumberBranch,
    Organisation, Outcome, PackFile, PlanAlternative, Priority, ResourceType, ResourceUnit,
    Resources, ResponsePlanItem, Route, SafetyNetAction, SafetyNetQuestion, Service, Targets,
    TreeNode, Wording,
};

/// The pack `node` holds, or why it is not one.
pub(crate) fn read_pack(node: &Node) -> Result<PackFile, TreeError> {
    by_hand!(
        node,
        PackFile {
            format: required(read_serde),
            version: required(read_serde),
            organisation: required(read_organisation),
            wording: required(read_wording),
            priorities: default(|v| read_list(v, read_priority)),
            codes: default(|v| read_list(v, read_code)),
            trees: default(|v| read_list(v, read_tree)),
            safety_net: default(|v| read_list(v, read_safety_question)),
            advice: default(read_advice),
            escalation: default(read_escalation),
            resources: default(read_resources),
            external_organisations: default(|v| read_list(v, read_external)),
            channels: default(|v| read_list(v, read_channel)),
            legislation: default(|v| read_list(v, read_legislation)),
            complaints: default(|v| read_list(v, read_complaint)),
            targets: default(read_targets),
            retention: default(read_serde),
            fields: default(|v| read_list(v, read_custom_field)),
            routes: default(|v| read_list(v, read_route)),
            calendar: default(|v| read_option(v, read_calendar)),
            notice_kinds: default(|v| read_list(v, read_notice_kind)),
        }
    )
}

fn read_notice_kind(node: &Node) -> Result<NoticeKind, TreeError> {
    by_hand!(
        node,
        NoticeKind {
            id: required(read_serde),
            name: required(read_serde),
            give_now: default(read_serde),
            limits: default(read_serde),
            escalation: default(read_serde),
        }
    )
}

fn read_calendar(node: &Node) -> Result<Calendar, TreeError> {
    let calendar = by_hand!(
        node,
        Calendar {
            time_zone: default(read_serde),
            working_days: required(read_serde),
            from: required(read_serde),
            to: required(read_serde),
            holidays: default(read_serde),
        }
    )?;
    // Left out, the zone is the derive's default, not an empty text.
    Ok(if node.last_member("time_zone").is_none() {
        Calendar {
            time_zone: Calendar::default_time_zone(),
            ..calendar
        }
    } else {
        calendar
    })
}

fn read_deadline(node: &Node) -> Result<Deadline, TreeError> {
    by_hand!(
        node,
        Deadline {
            id: required(read_serde),
            name: required(read_serde),
            within: required(read_serde),
            unit: required(read_serde),
        }
    )
}

fn read_custom_field(node: &Node) -> Result<CustomField, TreeError> {
    by_hand!(node, CustomField {
        id: required(read_serde),
        label: required(read_serde),
        kind = "type": required(read_serde),
        hint: default(read_serde),
        options: default(|v| read_list(v, read_field_option)),
        unit: default(read_serde),
        min: default(read_serde),
        max: default(read_serde),
        personal: default(read_serde),
        required: default(read_serde),
        required_for: default(read_serde),
        in_handoff: default_true(read_serde),
    })
}

fn read_field_option(node: &Node) -> Result<FieldOption, TreeError> {
    by_hand!(
        node,
        FieldOption {
            id: required(read_serde),
            label: required(read_serde),
        }
    )
}

fn read_route(node: &Node) -> Result<Route, TreeError> {
    by_hand!(
        node,
        Route {
            id: required(read_serde),
            name: required(read_serde),
            when: required(read_serde),
            contacts: required(|v| read_list(v, read_contact)),
        }
    )
}

fn read_organisation(node: &Node) -> Result<Organisation, TreeError> {
    by_hand!(
        node,
        Organisation {
            id: required(read_serde),
            name: required(read_serde),
            services: default(|v| read_list(v, read_service)),
        }
    )
}

fn read_service(node: &Node) -> Result<Service, TreeError> {
    by_hand!(
        node,
        Service {
            id: required(read_serde),
            name: required(read_serde),
            description: required(read_serde),
            hours: default(read_serde),
        }
    )
}

fn read_wording(node: &Node) -> Result<Wording, TreeError> {
    by_hand!(
        node,
        Wording {
            greeting: required(read_serde),
            closing: required(read_serde),
            control_phrases: default(|v| read_list(v, read_control_phrase)),
        }
    )
}

fn read_control_phrase(node: &Node) -> Result<ControlPhrase, TreeError> {
    by_hand!(
        node,
        ControlPhrase {
            id: required(read_serde),
            kind: required(read_serde),
            text: required(read_serde),
        }
    )
}

fn read_priority(node: &Node) -> Result<Priority, TreeError> {
    by_hand!(
        node,
        Priority {
            id: required(read_serde),
            name: required(read_serde),
            description: required(read_serde),
            deploy_within_minutes: required(read_serde),
            attend_within_minutes: required(read_serde),
        }
    )
}

fn read_code(node: &Node) -> Result<IncidentCode, TreeError> {
    by_hand!(
        node,
        IncidentCode {
            code: required(read_serde),
            title: required(read_serde),
            service: required(read_serde),
            default_priority: required(read_serde),
            keywords: default(read_serde),
            response_plan: default(|v| read_list(v, read_plan_item)),
            advice_set: default(read_serde),
            required_fields: default(read_serde),
            legislation: default(read_serde),
            notify: default(read_serde),
            routes: default(read_serde),
            deadlines: default(|v| read_list(v, read_deadline)),
        }
    )
}

fn read_plan_item(node: &Node) -> Result<ResponsePlanItem, TreeError> {
    by_hand!(
        node,
        ResponsePlanItem {
            resource_type: required(read_serde),
            count: required(read_serde),
            capacity: default(read_serde),
            alternatives: default(|v| read_list(v, read_alternative)),
            skills: default(read_serde),
        }
    )
}

fn read_alternative(node: &Node) -> Result<PlanAlternative, TreeError> {
    by_hand!(
        node,
        PlanAlternative {
            resource_type: required(read_serde),
            count: required(read_serde),
            capacity: default(read_serde),
        }
    )
}

fn read_tree(node: &Node) -> Result<DecisionTree, TreeError> {
    by_hand!(
        node,
        DecisionTree {
            id: required(read_serde),
            title: required(read_serde),
            keywords: default(read_serde),
            start: required(read_serde),
            give_now: default(read_serde),
            nodes: required(|v| read_list(v, read_question)),
            outcomes: required(|v| read_list(v, read_outcome)),
        }
    )
}

fn read_question(node: &Node) -> Result<TreeNode, TreeError> {
    by_hand!(
        node,
        TreeNode {
            id: required(read_serde),
            question: required(read_serde),
            guidance: default(read_serde),
            ask_if: default(read_serde),
            skip_to: default(read_serde),
            give_now: default(read_serde),
            answer: required(read_answer),
        }
    )
}

fn read_outcome(node: &Node) -> Result<Outcome, TreeError> {
    by_hand!(
        node,
        Outcome {
            id: required(read_serde),
            code: required(read_serde),
            priority: required(read_serde),
            advice_set: default(read_serde),
            escalation: default(read_serde),
            reason: required(read_serde),
            notify: default(read_serde),
            routes: default(read_serde),
            continue_to: default(read_serde),
        }
    )
}

fn read_safety_question(node: &Node) -> Result<SafetyNetQuestion, TreeError> {
    by_hand!(
        node,
        SafetyNetQuestion {
            id: required(read_serde),
            question: required(read_serde),
            label: default(read_serde),
            if_yes: required(read_safety_action),
        }
    )
}

fn read_safety_action(node: &Node) -> Result<SafetyNetAction, TreeError> {
    by_hand!(
        node,
        SafetyNetAction {
            priority: default(read_serde),
            escalation: default(read_serde),
            vulnerable: default(read_serde),
            advice: default(read_serde),
            reason: required(read_serde),
        }
    )
}

fn read_advice(node: &Node) -> Result<Advice, TreeError> {
    by_hand!(
        node,
        Advice {
            items: default(|v| read_list(v, read_advice_item)),
            sets: default(|v| read_list(v, read_advice_set)),
            limits: default(|v| read_list(v, read_advice_limit)),
        }
    )
}

fn read_advice_item(node: &Node) -> Result<AdviceItem, TreeError> {
    by_hand!(
        node,
        AdviceItem {
            id: required(read_serde),
            kind: required(read_serde),
            text: required(read_serde),
            replaces: default(read_serde),
        }
    )
}

fn read_advice_set(node: &Node) -> Result<AdviceSet, TreeError> {
    by_hand!(
        node,
        AdviceSet {
            id: required(read_serde),
            title: required(read_serde),
            items: required(read_serde),
            limits: default(read_serde),
        }
    )
}

fn read_advice_limit(node: &Node) -> Result<AdviceLimit, TreeError> {
    by_hand!(
        node,
        AdviceLimit {
            id: required(read_serde),
            rule: required(read_serde),
            patterns: required(read_serde),
            instead: default(read_serde),
            may_go_further: default(read_serde),
            everywhere: default(read_serde),
        }
    )
}

fn read_escalation(node: &Node) -> Result<Escalation, TreeError> {
    by_hand!(
        node,
        Escalation {
            levels: default(|v| read_list(v, read_level)),
            triggers: default(|v| read_list(v, read_trigger)),
        }
    )
}

fn read_level(node: &Node) -> Result<EscalationLevel, TreeError> {
    by_hand!(
        node,
        EscalationLevel {
            id: required(read_serde),
            name: required(read_serde),
            held_by: required(read_serde),
            boundary: required(read_serde),
            channels: default(read_serde),
        }
    )
}

fn read_trigger(node: &Node) -> Result<EscalationTrigger, TreeError> {
    by_hand!(
        node,
        EscalationTrigger {
            id: required(read_serde),
            level: required(read_serde),
            reason: required(read_serde),
            when: required(read_serde),
            priority: default(read_serde),
        }
    )
}

fn read_resources(node: &Node) -> Result<Resources, TreeError> {
    by_hand!(
        node,
        Resources {
            types: default(|v| read_list(v, read_resource_type)),
            units: default(|v| read_list(v, read_unit)),
            allocation_rules: default(read_serde),
        }
    )
}

fn read_resource_type(node: &Node) -> Result<ResourceType, TreeError> {
    by_hand!(
        node,
        ResourceType {
            id: required(read_serde),
            name: required(read_serde),
            description: required(read_serde),
            capacity_unit: default(read_serde),
        }
    )
}

fn read_unit(node: &Node) -> Result<ResourceUnit, TreeError> {
    by_hand!(node, ResourceUnit {
        id: required(read_serde),
        call_sign: required(read_serde),
        resource_type = "type": required(read_serde),
        skills: default(read_serde),
        zone: required(read_serde),
        status: required(read_serde),
        channels: required(read_serde),
        hours: default(|v| read_option(v, |v| read_list(v, read_hours))),
        capacity: default(read_serde),
    })
}

fn read_hours(node: &Node) -> Result<HoursWindow, TreeError> {
    by_hand!(
        node,
        HoursWindow {
            days: required(read_serde),
            from: required(read_serde),
            to: required(read_serde),
        }
    )
}

fn read_external(node: &Node) -> Result<ExternalOrganisation, TreeError> {
    by_hand!(
        node,
        ExternalOrganisation {
            id: required(read_serde),
            name: required(read_serde),
            when: required(read_serde),
            procedure: required(read_serde),
            contacts: required(|v| read_list(v, read_contact)),
        }
    )
}

fn read_contact(node: &Node) -> Result<Contact, TreeError> {
    by_hand!(
        node,
        Contact {
            channel: required(read_serde),
            address: required(read_serde),
        }
    )
}

fn read_channel(node: &Node) -> Result<Channel, TreeError> {
    by_hand!(
        node,
        Channel {
            id: required(read_serde),
            name: required(read_serde),
            medium: required(read_serde),
            use_when: required(read_serde),
            max_length: default(read_serde),
            structure: default(read_serde),
            phonetic: default(read_serde),
            banned_abbreviations: default(|v| read_list(v, read_banned)),
            may_carry: default(read_serde),
            preferred_for: default(read_serde),
        }
    )
}

fn read_banned(node: &Node) -> Result<BannedAbbreviation, TreeError> {
    by_hand!(
        node,
        BannedAbbreviation {
            abbreviation: required(read_serde),
            say_instead: required(read_serde),
        }
    )
}

fn read_legislation(node: &Node) -> Result<Legislation, TreeError> {
    by_hand!(
        node,
        Legislation {
            id: required(read_serde),
            title: required(read_serde),
            effect: required(read_serde),
            checklist: default(|v| read_list(v, read_checklist_item)),
        }
    )
}

fn read_checklist_item(node: &Node) -> Result<ChecklistItem, TreeError> {
    by_hand!(
        node,
        ChecklistItem {
            id: required(read_serde),
            text: required(read_serde),
            when: default(read_serde),
        }
    )
}

fn read_complaint(node: &Node) -> Result<ComplaintCategory, TreeError> {
    by_hand!(
        node,
        ComplaintCategory {
            id: required(read_serde),
            name: required(read_serde),
            handler_may: required(read_serde),
            escalate_to: required(read_serde),
            respond_within_days: default(read_serde),
        }
    )
}

fn read_targets(node: &Node) -> Result<Targets, TreeError> {
    by_hand!(
        node,
        Targets {
            answer_seconds: default(read_serde),
            code_seconds: default(read_serde),
            deploy_minutes: default(read_serde),
            acknowledge_minutes: default(read_serde),
            update_interval_minutes: default(read_serde),
        }
    )
}

/// The kinds of answer, as `kind` names them.
const ANSWER_KINDS: &[&str] = &["choice", "yes_no", "number", "text"];

/// A question's answer (`{"kind": ..., ...}`), as the derive of an internally tagged enum reads
/// it: the `kind` first, then the variant's fields; its nested values as buffered content reads
/// them (see [`read_next`]). Unlike the derive, which knows no place inside buffered content, a
/// refusal is placed at the mistake itself (issue 15): `answer.options[2].lable`, not `answer`.
fn read_answer(node: &Node) -> Result<Answer, TreeError> {
    let (which, _) = read_tag(node, "kind", "internally tagged enum Answer", ANSWER_KINDS)?;
    answer_fields(node, which)
}

/// The fields of the answer `node`, of the kind at `which` in [`ANSWER_KINDS`].
fn answer_fields(node: &Node, which: usize) -> Result<Answer, TreeError> {
    match which {
        0 => {
            let mut options = None;
            read_struct(
                node,
                "struct variant Answer::Choice",
                &["options"],
                "kind",
                |_, v| {
                    options = Some(read_list(v, read_option_item)?);
                    Ok(())
                },
            )?;
            Ok(Answer::Choice {
                options: missing(options, "options", node)?,
            })
        }
        1 => {
            let (mut yes, mut no) = (None, None);
            read_struct(
                node,
                "struct variant Answer::YesNo",
                &["yes", "no"],
                "kind",
                |i, v| {
                    match i {
                        0 => yes = Some(read_next(v)?),
                        _ => no = Some(read_next(v)?),
                    }
                    Ok(())
                },
            )?;
            Ok(Answer::YesNo {
                yes: missing(yes, "yes", node)?,
                no: missing(no, "no", node)?,
            })
        }
        2 => {
            const FIELDS: &[&str] = &["unit", "min", "max", "branches", "otherwise"];
            let (mut unit, mut min, mut max) = (None, None, None);
            let (mut branches, mut otherwise) = (Vec::new(), None);
            read_struct(
                node,
                "struct variant Answer::Number",
                FIELDS,
                "kind",
                |i, v| {
                    match i {
                        0 => unit = Some(read_serde(v)?),
                        1 => min = Some(read_serde(v)?),
                        2 => max = Some(read_serde(v)?),
                        3 => branches = read_list(v, read_branch)?,
                        _ => otherwise = Some(read_next(v)?),
                    }
                    Ok(())
                },
            )?;
            Ok(Answer::Number {
                unit: missing(unit, "unit", node)?,
                min: missing(min, "min", node)?,
                max: missing(max, "max", node)?,
                branches,
                otherwise: missing(otherwise, "otherwise", node)?,
            })
        }
        _ => {
            let mut next = None;
            read_struct(
                node,
                "struct variant Answer::Text",
                &["next"],
                "kind",
                |_, v| {
                    next = Some(read_next(v)?);
                    Ok(())
                },
            )?;
            Ok(Answer::Text {
                next: missing(next, "next", node)?,
            })
        }
    }
}

fn read_option_item(node: &Node) -> Result<AnswerOption, TreeError> {
    by_hand!(
        node,
        AnswerOption {
            id: required(read_serde),
            label: required(read_serde),
            next: required(read_next),
        }
    )
}

fn read_branch(node: &Node) -> Result<NumberBranch, TreeError> {
    by_hand!(
        node,
        NumberBranch {
            at_least: default(read_serde),
            below: default(read_serde),
            next: required(read_next),
        }
    )
}

/// Where an answer leads (`{"node": id}` or `{"outcome": id}`), as buffered content reads an
/// enum: a string or a one-member object, else refused in its words.
fn read_next(node: &Node) -> Result<Next, TreeError> {
    match &node.value {
        Value::String(_) => read_serde(node),
        Value::Object(members) if members.len() == 1 => read_serde(node),
        Value::Object(_) => Err(TreeError::at(
            "invalid value: map, expected map with a single key",
            node.end,
        )),
        _ => node.refuse(&"string or map"),
    }
}
