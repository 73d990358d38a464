//! The pinned call bar (issue 13; F1–F9): what must never scroll away on a live call. The call
//! time, who is calling from where, the code and priority (in colour and in words: P1 cannot be
//! mistaken for P4), the flags (vulnerable, repeat caller, major incident, escalation pending) and
//! the one next step, with a button that takes focus to it. The rules are the engine's
//! (`incident_engine::call::workspace`); this only draws them.

use incident_engine::call::workspace::{flags, next_step, CallFlags, NextStep};
use incident_engine::call::{fill_pack_placeholders, Call};
use incident_engine::pack::LogField;
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{live, memo, CollectAny};

use super::{level_name, Desk, CALL_HEADING_ID, KEYS_DIALOG_ID};
use crate::host::clock::clock_text;

/// Where the next step's control is, for "Go to it": an element id.
fn target(desk: Desk, step: &NextStep) -> Option<String> {
    Some(match step {
        // The "Given" button of the very item the bar names.
        NextStep::GiveNow { item } => super::advice::given_id(super::advice::GIVE_NOW_ID, item),
        NextStep::AskSafety { question } => super::record::safety_answer_id(question, true),
        NextStep::DecideEscalation { .. } => super::escalation::PROPOSED_ID.to_owned(),
        NextStep::RecordLocation => record_id(LogField::Location),
        NextStep::Assess => super::triage::TREE_CHOICE_ID.to_owned(),
        NextStep::Answer { .. } => super::triage::answer_target(desk).to_owned(),
        NextStep::GiveAdvice { item } => super::advice::given_id(super::advice::ADVICE_ID, item),
        NextStep::Record { field } => record_id(*field),
        NextStep::RecordCustom { field } => custom_id(field),
        NextStep::Check { item } => super::checklist::check_id(item),
        NextStep::Explain { .. } | NextStep::Close => super::closing::CLOSE_BUTTON_ID.to_owned(),
        NextStep::Closed => return None,
    })
}

/// The id of a log field's input.
pub(super) fn record_id(field: LogField) -> String {
    format!("idk-field-{}", field.name())
}

/// The id of the input of one of the organisation's own fields (issue 15).
pub(super) fn custom_id(field: &str) -> String {
    format!("idk-custom-{field}")
}

/// The next step in words.
fn step_text(desk: Desk, step: &NextStep) -> String {
    let pack = desk.pack.get_value();
    let advice = |id: &str| {
        pack.advice_item(id)
            .map_or_else(|| id.to_owned(), |a| fill_pack_placeholders(&pack, &a.text))
    };
    match step {
        NextStep::GiveNow { item } => format!("Say now: {}", advice(item)),
        NextStep::AskSafety { question } => {
            let asked = pack.safety_question(question);
            format!(
                "Ask: {}",
                asked.map_or_else(
                    || question.clone(),
                    |q| fill_pack_placeholders(&pack, &q.question)
                )
            )
        }
        NextStep::DecideEscalation { level } => format!(
            "Decide the escalation to {}: escalate, or record why not",
            level_name(&pack, level)
        ),
        NextStep::RecordLocation => "Get the location of the incident".to_owned(),
        NextStep::Assess => {
            "Assess: start the decision tree that fits, or choose a code".to_owned()
        }
        NextStep::Answer { .. } => "Ask the question on screen".to_owned(),
        NextStep::GiveAdvice { item } => format!("Give the advice: {}", advice(item)),
        NextStep::Record { field } => format!("Record: {}", field.label()),
        NextStep::RecordCustom { field } => format!(
            "Record: {}",
            pack.custom_field(field).map_or(field.as_str(), |f| f.label.as_str())
        ),
        NextStep::Check { item } => format!(
            "Checklist: {} (tick it when done)",
            pack.checklist_item(item)
                .map_or(item.as_str(), |i| i.text.as_str())
        ),
        NextStep::Explain { .. } => {
            "Record why the call departs from the procedure (in Review and close)".to_owned()
        }
        NextStep::Close => "Read the closing words, then review and close the call".to_owned(),
        NextStep::Closed => "Call closed and saved: its log entry goes to the CRM (see \u{201c}Closed calls and the CRM\u{201d}). Answer the next call when it rings.".to_owned(),
    }
}

/// The bar at the top of the call.
pub(super) fn call_bar(desk: Desk) -> impl IntoView {
    let opened = desk.call.with_untracked(Call::opened_at);
    let closed_at = memo(move || {
        desk.call.with(|c| {
            c.is_closed()
                .then(|| c.log().last().map(|e| e.at))
                .flatten()
        })
    });
    let bar_flags = memo(move || {
        let pack = desk.pack.get_value();
        let now = desk.now.get();
        desk.history
            .with(|h| desk.call.with(|c| flags(c, &pack, now, h)))
    });
    let step = memo(move || {
        let pack = desk.pack.get_value();
        let now = desk.now.get();
        desk.history
            .with(|h| desk.call.with(|c| next_step(c, &pack, now, h)))
    });
    let field = move |f: LogField| desk.call.with(|c| c.field(f).map(str::to_owned));
    let decision = memo(move || {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            c.decision().map(|d| {
                let rank = pack.priority_rank(&d.priority).unwrap_or(usize::MAX);
                let name = pack
                    .priority(&d.priority)
                    .map_or_else(String::new, |p| p.name.clone());
                let title = pack
                    .code(&d.code)
                    .map_or_else(String::new, |c| c.title.clone());
                (d.code.clone(), title, d.priority.clone(), name, rank)
            })
        })
    });
    let timer = live(move || {
        let until = closed_at.get().unwrap_or_else(|| desk.now.get());
        clock_text(until.saturating_sub(opened))
    });
    view! {
        <header class="idk-call-bar" aria-labelledby=CALL_HEADING_ID>
            <div class="idk-call-bar-row">
                <h2 id=CALL_HEADING_ID class="idk-card-title idk-call-title" tabindex="-1">
                    "Call"
                </h2>
                {desk.practice.is_some().then(|| view! { <p class="idk-flag idk-flag-practice">"PRACTICE"</p> })}
                {live(move || closed_at.get().is_some().then(|| view! { <p class="idk-flag">"CLOSED"</p> }))}
                <p class="idk-timer">
                    <span class="idk-bar-label">"Time "</span>
                    <span role="timer" aria-label="Call time">{timer}</span>
                </p>
                <p class="idk-bar-caller">
                    <span class="idk-bar-label">"From "</span>
                    {live(move || field(LogField::CallbackNumber).unwrap_or_else(|| "number not yet given".to_owned()))}
                </p>
                <p class="idk-bar-location">
                    <span class="idk-bar-label">"At "</span>
                    {live(move || field(LogField::Location).unwrap_or_else(|| "location not yet given".to_owned()))}
                </p>
                {live(move || match decision.get() {
                    Some((code, title, priority, name, rank)) => {
                        let class = match rank {
                            0 => "idk-priority idk-priority-top",
                            1 => "idk-priority idk-priority-high",
                            _ => "idk-priority",
                        };
                        view! {
                            <p class="idk-bar-code">
                                <span class=class>{priority} " " {name}</span>
                                " " <strong>{code}</strong> " " {title}
                            </p>
                        }
                            .into_any()
                    }
                    None => view! { <p class="idk-bar-code idk-muted">"No code yet"</p> }.into_any(),
                })}
                <button
                    type="button"
                    class="idk-button idk-button-secondary idk-bar-keys"
                    on:click=handler(move |_| desk.instance.show_dialog(KEYS_DIALOG_ID))
                >
                    "Keyboard shortcuts (?)"
                </button>
            </div>
            <div class="idk-call-bar-row">
                {live(move || flag_list(desk, &bar_flags.get()))}
                <p class="idk-next-step">
                    <span class="idk-bar-label">"Next: "</span>
                    {live(move || step_text(desk, &step.get()))}
                </p>
                {live(move || {
                    target(desk, &step.get())
                        .map(|id| {
                            view! {
                                <button
                                    type="button"
                                    class="idk-button idk-bar-go"
                                    on:click=handler(move |_| desk.instance.focus_soon(&id))
                                >
                                    "Go to it (n)"
                                </button>
                            }
                        })
                })}
            </div>
        </header>
    }
}

/// Focuses the next step's control (the `n` key).
pub(super) fn go_to_next_step(desk: Desk) {
    let pack = desk.pack.get_value();
    let now = desk.now.get_untracked();
    let step = desk
        .history
        .with_untracked(|h| desk.call.with_untracked(|c| next_step(c, &pack, now, h)));
    if let Some(id) = target(desk, &step) {
        desk.instance.focus_soon(&id);
    }
}

/// The flags, each in words (never colour alone); nothing when there are none.
fn flag_list(desk: Desk, flags: &CallFlags) -> Option<impl IntoView> {
    let pack = desk.pack.get_value();
    let mut items: Vec<(&'static str, String)> = Vec::new();
    let safety = desk.call.with(|c| c.safety_flags(&pack));
    if flags.vulnerable {
        let detail = if safety.vulnerability.trim().is_empty() {
            "VULNERABLE".to_owned()
        } else {
            format!("VULNERABLE: {}", safety.vulnerability)
        };
        items.push(("idk-flag idk-flag-danger", detail));
    }
    for yes in safety.situation() {
        items.push(("idk-flag idk-flag-danger", format!("SAFETY: {}", yes.label)));
    }
    if flags.repeat_caller() {
        items.push((
            "idk-flag",
            format!("REPEAT CALLER ({} calls)", flags.calls_about_this),
        ));
    }
    if flags.major_incident {
        items.push(("idk-flag idk-flag-danger", "MAJOR INCIDENT".to_owned()));
    }
    for level in &flags.escalation_pending {
        items.push((
            "idk-flag idk-flag-danger",
            format!("ESCALATION PENDING: {}", level_name(&pack, level)),
        ));
    }
    (!items.is_empty()).then(|| {
        view! {
            <ul class="idk-flags" aria-label="Flags">
                {items
                    .into_iter()
                    .map(|(class, text)| view! { <li class=class>{text}</li> })
                    .collect_any()}
            </ul>
        }
    })
}
