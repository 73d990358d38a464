//! Closing the call (F2, F20; L2 1.3, 1.6): the log for review with anything still missing, in a
//! modal dialog (focus trapped by the browser and returned to "Close call"); confirming closes the
//! call and hands its entry to the host.

use incident_engine::call::{AnswerValue, Command, Event};
use incident_engine::entry::iso8601;
use leptos::prelude::*;

use super::{missing_label, Desk};
use crate::host::clock::{shown_locale, time_of_day};

/// The closing dialog: the log for review and what is still needed.
const CLOSE_DIALOG_ID: &str = "idk-close";

fn describe(event: &Event) -> String {
    match event {
        Event::Opened { pack, version } => format!("Call answered (procedures {pack} {version})"),
        Event::Field { field, value } => format!("{}: {value}", field.label()),
        Event::TreeChosen { tree } => format!("Decision tree started: {tree}"),
        Event::Answered {
            question, value, ..
        } => format!("{question} {}", answer_text(value)),
        Event::Coded {
            code,
            priority,
            reason,
            overridden,
        } => {
            format!(
                "{} {code}, priority {priority}: {reason}",
                if *overridden {
                    "Code chosen by handler:"
                } else {
                    "Coded"
                }
            )
        }
        Event::AdviceGiven { text, .. } => format!("Advice given: {text}"),
        Event::AdviceRefused { limit } => format!("Advice refused by limit {limit}"),
        Event::EscalationDeclined { level, why } => {
            format!("Escalation to {level} declined: {why}")
        }
        Event::Escalated { level, how, why } => format!("Escalated to {level} ({how}): {why}"),
        Event::Notified {
            organisation,
            channel,
            address,
        } => format!("Notified {organisation} by {channel} ({address})"),
        Event::HandoffSent {
            channel,
            recipient,
            read_back,
            ..
        } => format!(
            "Handoff on {channel}{}{}",
            recipient
                .as_deref()
                .map(|r| format!(" to {r}"))
                .unwrap_or_default(),
            if *read_back { ", read back" } else { "" }
        ),
        Event::ChecklistTicked { item } => format!("Checklist done: {item}"),
        Event::SafetyNetAnswered { asked, yes, .. } => {
            format!(
                "Safety question: {asked} {}",
                if *yes { "Yes" } else { "No" }
            )
        }
        Event::PriorityRaised { from, to, reason } => {
            format!("Priority raised from {from} to {to}: {reason}")
        }
        Event::MajorIncidentDeclared { reason, .. } => format!("Major incident declared: {reason}"),
        Event::Corrected {
            field,
            value,
            reason,
        } => format!("Corrected {}: {value} ({reason})", field.label()),
        Event::CrmLinked {
            call_id,
            contact_ref,
        } => {
            let ids: Vec<String> = [("call", call_id), ("contact", contact_ref)]
                .into_iter()
                .filter_map(|(what, id)| id.as_ref().map(|id| format!("{what} {id}")))
                .collect();
            format!("Linked to the CRM's records: {}", ids.join(", "))
        }
        Event::Closed => "Call closed".to_owned(),
    }
}

fn answer_text(value: &AnswerValue) -> String {
    match value {
        AnswerValue::Option(id) => id.clone(),
        AnswerValue::YesNo(true) => "Yes".to_owned(),
        AnswerValue::YesNo(false) => "No".to_owned(),
        AnswerValue::Number(n) => n.to_string(),
        AnswerValue::Text(t) => t.clone(),
    }
}

/// The review dialog. Its log and what is missing are built only while it is open (`reviewing`),
/// so the rest of the call does not pay for them on every change.
fn close_dialog_view(desk: Desk, reviewing: RwSignal<bool>) -> impl IntoView {
    let locale = shown_locale();
    let events = move || {
        if !reviewing.get() {
            return None;
        }
        Some(desk.call.with(|c| {
            c.log()
                .iter()
                .map(|e| {
                    let at = e.at;
                    view! {
                        <li>
                            <time datetime=iso8601(at)>
                                {move || locale.with(|l| time_of_day(at, l.as_ref()))}
                            </time>
                            " "
                            {describe(&e.what)}
                        </li>
                    }
                })
                .collect_view()
        }))
    };
    let missing = move || {
        if !reviewing.get() {
            return None;
        }
        let pack = desk.pack.get_value();
        let missing = desk.call.with(|c| c.missing(&pack));
        (!missing.is_empty()).then(|| {
            let items = missing
                .iter()
                .map(|m| missing_label(&pack, m))
                .map(|m| view! { <li>{m}</li> })
                .collect_view();
            view! {
                <div role="alert" class="idk-notice">
                    <p class="idk-notice-title">"Still needed before closing"</p>
                    <ul aria-label="Still needed">{items}</ul>
                </div>
            }
        })
    };
    view! {
        <dialog
            id=CLOSE_DIALOG_ID
            class="idk-dialog idk-dialog-wide"
            aria-labelledby="idk-close-heading"
            on:close=move |_| reviewing.set(false)
        >
            <h2 id="idk-close-heading">"Review and close the call"</h2>
            {missing}
            <h3>"Incident log"</h3>
            <ol aria-label="Incident log" class="idk-log" tabindex="0">{events}</ol>
            <div class="idk-dialog-actions">
                <button
                    type="button"
                    class="idk-button"
                    autofocus=true
                    on:click=move |_| {
                        if desk.dispatch(Command::Close) {
                            desk.instance.close_dialog(CLOSE_DIALOG_ID);
                        }
                    }
                >
                    "Confirm close"
                </button>
                <form method="dialog">
                    <button type="submit" class="idk-button idk-button-secondary">"Keep the call open"</button>
                </form>
            </div>
        </dialog>
    }
}

/// "Close call" opens the review dialog; once closed, says so.
pub(super) fn close_panel(desk: Desk) -> impl IntoView {
    let reviewing = RwSignal::new(false);
    // A memo, so only closing (or a correction after it) rebuilds this, not every change.
    let closed = Memo::new(move |_| desk.call.with(|c| c.is_closed().then(|| c.log().len())));
    let panel = move || {
        if let Some(events) = closed.get() {
            view! { <p class="idk-closed">{format!("Call closed. The log holds {events} events.")}</p> }.into_any()
        } else {
            view! {
                <button type="button" class="idk-button" on:click=move |_| {
                    reviewing.set(true);
                    desk.instance.show_dialog(CLOSE_DIALOG_ID);
                }>
                    "Close call"
                </button>
            }
            .into_any()
        }
    };
    view! {
        {panel}
        {close_dialog_view(desk, reviewing)}
    }
}
