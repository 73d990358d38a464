//! Escalation (F6; L2 1.7, 2.1; NOS P2): proposals from the pack's triggers, the outcome and the
//! safety net, each decided by the handler; and declaring a major incident, which fires the
//! pack's major-incident triggers and makes M/ETHANE messages available.

use incident_engine::call::{Command, Event};
use leptos::prelude::*;

use super::Desk;
use crate::host::clock::{shown_locale, time_of_day};

/// Escalations the procedures propose (role=alert, never dismissed by itself): each accepted, or
/// declined with a reason; either decision is logged (L2 1.7).
pub(super) fn banner(desk: Desk) -> impl IntoView {
    // A memo, so the one-second tick re-renders nothing unless the proposals change: a handler
    // typing a reason must not lose it.
    let proposals = Memo::new(move |_| {
        let pack = desk.pack.get_value();
        let decided: Vec<String> = desk.call.with(|c| {
            c.log()
                .iter()
                .filter_map(|e| match &e.what {
                    Event::Escalated { level, .. } | Event::EscalationDeclined { level, .. } => {
                        Some(level.clone())
                    }
                    _ => None,
                })
                .collect()
        });
        desk.call
            .with(|c| desk.history.with(|h| c.proposals(&pack, desk.now.get(), h)))
            .into_iter()
            .filter(|p| !decided.contains(&p.level))
            .collect::<Vec<_>>()
    });
    // The host hears of each level proposed, once per call (`escalation.required`).
    let told = StoredValue::new(std::collections::BTreeSet::<String>::new());
    Effect::new(move |_| {
        for p in proposals.get() {
            if told.try_update_value(|t| t.insert(p.level.clone())) == Some(true) {
                desk.instance
                    .send(incident_engine::protocol::HostEvent::escalation_required(
                        &p.level, &p.reason,
                    ));
            }
        }
    });
    let row = move |p: incident_engine::call::Proposal| {
        let pack = desk.pack.get_value();

        let name = pack
            .file()
            .escalation
            .levels
            .iter()
            .find(|l| l.id == p.level)
            .map(|l| l.name.clone())
            .unwrap_or_else(|| p.level.clone());
        let (level, why) = (p.level.clone(), p.reason.clone());
        let declined_level = p.level.clone();
        let reason = RwSignal::new(String::new());
        view! {
            <li>
                {format!("Escalate to {name}: {}", p.reason)}
                " "
                <button
                    type="button"
                    class="idk-button"
                    on:click=move |_| {
                        desk.dispatch(Command::Escalate {
                            level: level.clone(),
                            how: "as proposed by the procedures".to_owned(),
                            why: why.clone(),
                        });
                    }
                >
                    {format!("Escalate to {name}")}
                </button>
                <label class="idk-field">
                    {format!("Reason for not escalating to {name}")}
                    <input type="text" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
                <button
                    type="button"
                    class="idk-button idk-button-secondary"
                    on:click=move |_| {
                        desk.dispatch(Command::DeclineEscalation {
                            level: declined_level.clone(),
                            why: reason.get_untracked(),
                        });
                    }
                >
                    "Do not escalate"
                </button>
            </li>
        }
    };
    view! {
        <Show when=move || !proposals.with(Vec::is_empty)>
            <div class="idk-escalation" role="alert">
                <p class="idk-notice-title">"Escalation proposed"</p>
                <ul>
                    <For each=move || proposals.get() key=|p| p.level.clone() let(p)>
                        {row(p)}
                    </For>
                </ul>
            </div>
        </Show>
    }
}

/// Declaring a major incident: a reason (required), access routes and emergency services for the
/// M/ETHANE message. Once declared it says so, with when and why, for the rest of the call.
pub(super) fn major_incident(desk: Desk) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let access = RwSignal::new(String::new());
    let services = RwSignal::new(String::new());
    let locale = shown_locale();
    let declared = Memo::new(move |_| {
        let locale = locale.get();
        desk.call.with(|c| {
            c.major_incident().map(|m| {
                format!(
                    "Major incident declared at {}: {}",
                    time_of_day(m.at, locale.as_ref()),
                    m.reason
                )
            })
        })
    });
    move || {
        match declared.get() {
        Some(text) => view! { <p class="idk-major" role="status">{text}</p> }.into_any(),
        None => view! {
            <details class="idk-section idk-major-declare">
                <summary>"Declare a major incident"</summary>
                <label class="idk-field idk-field-wide">
                    "Why (required)"
                    <textarea rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </label>
                <label class="idk-field">
                    "Access routes, if known"
                    <input type="text" prop:value=move || access.get() on:input=move |ev| access.set(event_target_value(&ev)) />
                </label>
                <label class="idk-field">
                    "Emergency services present or needed"
                    <input type="text" prop:value=move || services.get() on:input=move |ev| services.set(event_target_value(&ev)) />
                </label>
                <button
                    type="button"
                    class="idk-button idk-button-danger"
                    on:click=move |_| {
                        desk.dispatch(Command::DeclareMajorIncident {
                            reason: reason.get_untracked(),
                            access: access.get_untracked(),
                            services: services.get_untracked(),
                        });
                    }
                >
                    "Declare major incident"
                </button>
            </details>
        }
        .into_any(),
    }
    }
}
