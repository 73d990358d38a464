//! Escalation (F6; L2 1.7, 2.1; NOS P2): proposals from the pack's triggers, the outcome and the
//! safety net, each decided by the handler; and declaring a major incident, which fires the
//! pack's major-incident triggers and makes M/ETHANE messages available.

use incident_engine::call::{Command, Event};
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{keyed, live, memo, show_when, CollectAny};

use super::{feedback, level_name, text_area, text_field, Desk, Place};
use crate::host::clock::{shown_locale, time_of_day};

/// Escalations the procedures propose (role=alert, never dismissed by itself): each escalated,
/// saying who was contacted, how and what they said, or declined with a reason; either decision
/// is logged (L2 1.7). An undecided proposal holds the close; none is shown once the call is
/// closed.
pub(super) fn banner(desk: Desk) -> impl IntoView {
    // A memo, so the one-second tick re-renders nothing unless the proposals change: a handler
    // typing a reason must not lose it.
    let proposals = memo(move || {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            if c.is_closed() {
                return Vec::new();
            }
            desk.history.with(|h| c.undecided(&pack, desk.now.get(), h))
        })
    });
    // The host hears of each level proposed, once per call (the engine's `Proposed`).
    let told = StoredValue::new(incident_engine::call::Proposed::default());
    crate::ui::live::effect(move || {
        let proposed = proposals.with(|p| told.try_update_value(|t| t.newly(p)));
        for effect in proposed.unwrap_or_default() {
            desk.instance.carry_out(&effect);
        }
    });
    let row = move |p: incident_engine::call::Proposal| {
        let pack = desk.pack.get_value();
        let name = level_name(&pack, &p.level);
        let declined_level = p.level.clone();
        let reason = RwSignal::new(String::new());
        let level = Signal::stored(p.level.clone());
        let why = Signal::stored(p.reason.clone());
        view! {
            <li class="idk-proposal">
                <p class="idk-proposal-title">{format!("Escalate to {name}: {}", p.reason)}</p>
                <EscalateForm desk=desk level=level why=why proposed=true />
                <div class="idk-inline-form">
                    {text_field("idk-field", format!("Reason for not escalating to {name}"), false, reason)}
                    <button
                        type="button"
                        class="idk-button idk-button-secondary"
                        on:click=handler(move |_| {
                            if desk.dispatch(Command::DeclineEscalation {
                                level: declined_level.clone(),
                                why: reason.get_untracked(),
                            }) {
                                desk.confirm(Place::Escalation, &format!("Not escalating to {name}: recorded"));
                                after_decision(desk);
                            }
                        })
                    >
                        "Do not escalate"
                    </button>
                </div>
            </li>
        }
    };
    view! {
        {show_when(move || !proposals.with(Vec::is_empty), move || {
            view! {
                <div class="idk-escalation" role="alert">
                    <p id=PROPOSED_ID class="idk-notice-title" tabindex="-1">"Escalation proposed"</p>
                    <ul>
                        {keyed(move || proposals.get(), |p| p.level.clone(), move |p| row(p).into_any())}
                    </ul>
                </div>
            }
            .into_any()
        })}
        // Outside the banner: the decided row, and perhaps the banner, are gone.
        {feedback(desk, Place::Escalation)}
    }
}

/// The major incident's declaration, focused once declared (its form is gone).
const DECLARED_ID: &str = "idk-major-declared";

/// The banner's title, where focus goes when one of several proposals is decided.
pub(super) const PROPOSED_ID: &str = "idk-escalation-title";

/// A proposal was decided and its row is gone: focus goes to the next proposal if there is one,
/// else back to the call's work (the question being asked, or the call's heading), never to the
/// page's body.
fn after_decision(desk: Desk) {
    let pack = desk.pack.get_value();
    let (more, asking) = desk.call.with_untracked(|c| {
        let more = desk
            .history
            .with_untracked(|h| !c.undecided(&pack, desk.now.get_untracked(), h).is_empty());
        (more, c.current_question().is_some())
    });
    desk.instance.focus_soon(match (more, asking) {
        (true, _) => PROPOSED_ID,
        (false, true) => super::QUESTION_ID,
        (false, false) => super::CALL_HEADING_ID,
    });
}

/// Escalating to `level` for `why`: who was contacted (required), the channel (the level's own,
/// preferred first; every channel of the pack if it names none) and what they said (L2 1.7).
#[component]
fn EscalateForm(
    /// The call's desk.
    desk: Desk,
    /// The level to escalate to.
    #[prop(into)]
    level: Signal<String>,
    /// Why (the proposal's reason, or what the handler wrote).
    #[prop(into)]
    why: Signal<String>,
    /// Whether this decides a proposal (its row goes once decided, so focus moves on).
    #[prop(optional)]
    proposed: bool,
) -> impl IntoView {
    let place = if proposed {
        Place::Escalation
    } else {
        Place::OwnEscalation
    };
    let contact = RwSignal::new(String::new());
    let response = RwSignal::new(String::new());
    let channels = memo(move || {
        let pack = desk.pack.get_value();
        let file = pack.file();
        let named = level.with(|level| {
            pack.level(level)
                .map(|l| l.channels.clone())
                .unwrap_or_default()
        });
        let ids: Vec<String> = if named.is_empty() {
            file.channels.iter().map(|c| c.id.clone()).collect()
        } else {
            named
        };
        ids.into_iter()
            .map(|id| {
                let name = pack
                    .channel(&id)
                    .map_or_else(|| id.clone(), |c| c.name.clone());
                (id, name)
            })
            .collect::<Vec<_>>()
    });
    let channel = RwSignal::new(String::new());
    // The level's preferred channel until the handler picks another.
    crate::ui::live::effect(move || {
        let first = channels.with(|c| c.first().map(|c| c.0.clone()).unwrap_or_default());
        if !channels.with(|c| {
            c.iter()
                .any(|(id, _)| channel.with_untracked(|ch| ch == id))
        }) {
            channel.set(first);
        }
    });
    let name = memo(move || {
        let pack = desk.pack.get_value();
        level.with(|l| level_name(&pack, l))
    });
    view! {
        <div class="idk-inline-form">
            {text_field("idk-field", "Who you spoke to (required)".to_owned(), true, contact)}
            <label class="idk-field">
                "Channel"
                <select prop:value=live(move || channel.get()) on:change=handler(move |ev| channel.set(event_target_value(&ev)))>
                    {live(move || {
                        channels
                            .get()
                            .into_iter()
                            .map(|(id, name)| view! { <option value=id>{name}</option> })
                            .collect_any()
                    })}
                </select>
            </label>
            {text_field("idk-field", "What they said".to_owned(), true, response)}
            <button
                type="button"
                class="idk-button"
                on:click=handler(move |_| {
                    if desk.dispatch_at(place, Command::Escalate {
                        level: level.get_untracked(),
                        how: channel.get_untracked(),
                        why: why.get_untracked(),
                        contact: contact.get_untracked(),
                        response: response.get_untracked(),
                    }) {
                        contact.set(String::new());
                        response.set(String::new());
                        desk.confirm(place, &format!("Escalated to {}", name.get_untracked()));
                        if proposed {
                            after_decision(desk);
                        }
                    }
                })
            >
                {live(move || format!("Escalate to {}", name.get()))}
            </button>
        </div>
    }
}

/// Escalating on the handler's own judgement, at any point (L2 1.7): pick the level, say why, who
/// was contacted, how and what they said. The escalations made so far are listed.
pub(super) fn own_judgement(desk: Desk) -> impl IntoView {
    let pack = desk.pack.get_value();
    let levels: Vec<(String, String, String)> = pack
        .file()
        .escalation
        .levels
        .iter()
        .map(|l| (l.id.clone(), l.name.clone(), l.boundary.clone()))
        .collect();
    let level = RwSignal::new(levels.first().map(|l| l.0.clone()).unwrap_or_default());
    let why = RwSignal::new(String::new());
    let boundary = {
        let levels = levels.clone();
        move || {
            level.with(|id| {
                levels
                    .iter()
                    .find(|l| &l.0 == id)
                    .map(|l| format!("When: {}", l.2))
                    .unwrap_or_default()
            })
        }
    };
    let made = memo(move || {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            c.log()
                .iter()
                .filter_map(|e| match &e.what {
                    Event::Escalated {
                        level,
                        contact,
                        response,
                        ..
                    } => Some(format!(
                        "Escalated to {} (spoke to {contact}){}",
                        level_name(&pack, level),
                        if response.is_empty() {
                            String::new()
                        } else {
                            format!(": \u{201c}{response}\u{201d}")
                        }
                    )),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });
    let options = levels
        .into_iter()
        .map(|(id, name, _)| view! { <option value=id>{name}</option> })
        .collect_any();
    view! {
        <details class="idk-section idk-own-escalation">
            <summary>"Escalate on your own judgement"</summary>
            <ul aria-label="Escalations made">
                {live(move || made.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_any())}
            </ul>
            <label class="idk-field">
                "Level"
                <select prop:value=live(move || level.get()) on:change=handler(move |ev| level.set(event_target_value(&ev)))>
                    {options}
                </select>
            </label>
            <p class="idk-muted">{boundary}</p>
            {text_field("idk-field idk-field-wide", "Why you are escalating (required)".to_owned(), true, why)}
            <EscalateForm desk=desk level=level why=why />
            {feedback(desk, Place::OwnEscalation)}
        </details>
    }
}

/// Declaring a major incident: a reason (required), access routes and emergency services for the
/// M/ETHANE message. Once declared it says so, with when and why, for the rest of the call.
pub(super) fn major_incident(desk: Desk) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let access = RwSignal::new(String::new());
    let services = RwSignal::new(String::new());
    let locale = shown_locale();
    let declared = memo(move || {
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
        Some(text) => view! { <p id=DECLARED_ID class="idk-major" role="status" tabindex="-1">{text}</p> }.into_any(),
        None => view! {
            <details class="idk-section idk-major-declare">
                <summary>"Declare a major incident"</summary>
                {text_area("Why (required)", reason)}
                {text_field("idk-field", "Access routes, if known".to_owned(), false, access)}
                {text_field("idk-field", "Emergency services present or needed".to_owned(), false, services)}
                <button
                    type="button"
                    class="idk-button idk-button-danger"
                    on:click=handler(move |_| {
                        if desk.dispatch(Command::DeclareMajorIncident {
                            reason: reason.get_untracked(),
                            access: access.get_untracked(),
                            services: services.get_untracked(),
                        }) {
                            // The form gives way to the declaration: focus goes there, not the body.
                            desk.instance.focus_soon(DECLARED_ID);
                        }
                    })
                >
                    "Declare major incident"
                </button>
                {feedback(desk, Place::Major)}
            </details>
        }
        .into_any(),
    }
    }
}
