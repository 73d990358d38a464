//! Passing information to those who act (F4, F7; L2 1.5, 2.1–2.3): the handoff composer and the
//! external organisations with their procedures and contacts.

use incident_engine::call::handoff::{compose, propose_channel};
use incident_engine::call::{Command, Event};
use incident_engine::pack::{Contact, MessageStructure};
use incident_engine::Pack;
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{live, memo, CollectAny};

use super::{feedback, text_field, Desk, Place};

/// The handoff composer (F4; L2 1.5, 2.2, 2.3, K6; F21): each channel's message generated from
/// the log, its length against the channel's limit, the personal fields the channel may not carry
/// left out (and said), a read-back tick on spoken channels. The channel is proposed from the
/// recipient's channels, the call's priority and the pack's channel rules, with why; the handler
/// may pick another. M/ETHANE channels open once a major incident is declared.
pub(super) fn handoff_panel(desk: Desk) -> impl IntoView {
    let pack = desk.pack.get_value();
    let channels: Vec<(String, String, bool)> = pack
        .file()
        .channels
        .iter()
        .map(|c| {
            let major_only = c.structure == MessageStructure::Methane;
            (c.id.clone(), c.name.clone(), major_only)
        })
        .collect();
    let recipient = RwSignal::new(String::new());
    let read_back = RwSignal::new(false);
    // The handler's own pick, once they make one; until then the proposal stands.
    let picked = RwSignal::new(None::<String>);
    let declared = memo(move || desk.call.with(|c| c.major_incident().is_some()));
    // The units the code's response plan asks for: offered as recipients.
    let units = memo(move || {
        let pack = desk.pack.get_value();
        let code = desk.call.with(|c| c.decision().map(|d| d.code.clone()));
        let types: Vec<String> = code
            .and_then(|code| pack.code(&code).cloned())
            .map(|c| {
                c.response_plan
                    .iter()
                    .flat_map(|p| p.types().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        pack.file()
            .resources
            .units
            .iter()
            .filter(|u| types.contains(&u.resource_type))
            .map(|u| u.call_sign.clone())
            .collect::<Vec<_>>()
    });
    let proposal = memo(move || {
        let pack = desk.pack.get_value();
        let file = pack.file();
        let to = recipient.get();
        let to = to.trim();
        let offered: Vec<String> = file
            .resources
            .units
            .iter()
            .find(|u| !to.is_empty() && u.call_sign.eq_ignore_ascii_case(to))
            .map(|u| u.channels.clone())
            .unwrap_or_else(|| file.channels.iter().map(|c| c.id.clone()).collect());
        desk.call
            .with(|call| propose_channel(&pack, call, &offered))
    });
    let channel = memo(move || {
        picked
            .get()
            .or_else(|| proposal.get().map(|p| p.channel))
            .unwrap_or_default()
    });
    let options = move || {
        channels
            .iter()
            .cloned()
            .map(|(id, name, major_only)| {
                let closed = major_only && !declared.get();
                let label = if closed {
                    format!("{name} (once a major incident is declared)")
                } else {
                    name
                };
                view! { <option value=id disabled=closed>{label}</option> }
            })
            .collect_any()
    };
    let composed = memo(move || {
        let pack = desk.pack.get_value();
        let id = channel.get();
        let to = recipient.get();
        let found = pack.channel(&id)?;
        let to = Some(to.trim()).filter(|t| !t.is_empty());
        Some(desk.call.with(|call| compose(&pack, call, found, to)))
    });
    let why = live(move || {
        let proposal = proposal.get()?;
        let own = picked.get().filter(|p| *p != proposal.channel);
        Some(match own {
            Some(_) => format!("Proposed: {}. You chose another.", proposal.why),
            None => format!("Proposed: {}.", proposal.why),
        })
    });
    let left_out = live(move || {
        let handoff = composed.get()?;
        if handoff.left_out.is_empty() {
            return None;
        }
        let names: Vec<&str> = handoff.left_out.iter().map(|f| f.label()).collect();
        Some(view! {
            <p class="idk-left-out">
                {format!(
                    "Left out, as this channel may not carry them: {}. Give them another way if the recipient needs them.",
                    names.join(", ")
                )}
            </p>
        })
    });
    // Shown once there is a code; a memo, so other changes to the call do not rebuild it.
    let decided = memo(move || desk.call.with(|c| c.decision().is_some()));
    move || {
        decided.get().then(|| {
            view! {
                <section class="idk-handoff" aria-labelledby="idk-handoff-heading">
                    <h3 id="idk-handoff-heading">"Handoff"</h3>
                    <label class="idk-field">
                        "Unit call sign or recipient"
                        <input
                            type="text"
                            list="idk-handoff-units"
                            autocomplete="off"
                            prop:value=live(move || recipient.get())
                            on:change=handler(move |ev| recipient.set(event_target_value(&ev)))
                        />
                    </label>
                    <datalist id="idk-handoff-units">
                        {live(move || units.get().into_iter().map(|u| view! { <option value=u></option> }).collect_any())}
                    </datalist>
                    <div class="idk-field">
                        <label for="idk-handoff-channel">"Channel"</label>
                        <select
                            id="idk-handoff-channel"
                            aria-describedby="idk-handoff-why"
                            prop:value=live(move || channel.get())
                            on:change=handler(move |ev| picked.set(Some(event_target_value(&ev))))
                        >
                            {options.clone()}
                        </select>
                    </div>
                    <p id="idk-handoff-why" class="idk-muted">{why.clone()}</p>
                    <label class="idk-field idk-field-wide">
                        "Message"
                        <textarea class="idk-handoff-text" rows="6" readonly prop:value=live(move || composed.get().map(|h| h.text).unwrap_or_default())></textarea>
                    </label>
                    {left_out.clone()}
                    <p class="idk-muted">
                        {live(move || {
                            composed
                                .get()
                                .map(|h| {
                                    let mut note = match h.limit {
                                        Some(limit) => format!("{} of {limit} characters", h.length),
                                        None => format!("{} characters", h.length),
                                    };
                                    if h.shortened {
                                        note.push_str("; shortened to fit");
                                    }
                                    if !h.replaced.is_empty() {
                                        note.push_str(&format!("; replaced {}", h.replaced.join(", ")));
                                    }
                                    note
                                })
                                .unwrap_or_default()
                        })}
                    </p>
                    <label class="idk-radio">
                        <input type="checkbox" prop:checked=live(move || read_back.get()) on:change=handler(move |ev| read_back.set(event_target_checked(&ev))) />
                        "Read back and confirmed"
                    </label>
                    <button
                        type="button"
                        class="idk-button"
                        on:click=handler(move |_| {
                            let Some(handoff) = composed.get_untracked() else { return };
                            let to = recipient.get_untracked();
                            let sent = desk.dispatch(Command::SendHandoff {
                                channel: handoff.channel,
                                recipient: Some(to.trim().to_owned()).filter(|t| !t.is_empty()),
                                text: handoff.text,
                                read_back: read_back.get_untracked(),
                            });
                            if sent {
                                read_back.set(false);
                                desk.confirm(Place::Handoff, "Handoff recorded");
                            }
                        })
                    >
                        "Record as sent"
                    </button>
                    {feedback(desk, Place::Handoff)}
                </section>
            }
        })
    }
}

/// Specialist routes (issue 15): those the call's code and outcomes name, each with when it
/// applies and its contacts; recording a contact logs who, how and when. Shown only when a route
/// applies.
pub(super) fn routes_panel(desk: Desk) -> impl IntoView {
    let state = memo(move || {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            let contacted: Vec<String> = c
                .log()
                .iter()
                .filter_map(|e| match &e.what {
                    Event::RouteContacted { route, .. } => Some(route.clone()),
                    _ => None,
                })
                .collect();
            (c.routes(&pack), contacted)
        })
    });
    move || {
        let pack = desk.pack.get_value();
        let (routes, contacted) = state.get();
        if routes.is_empty() {
            return None;
        }
        let items = routes
            .iter()
            .filter_map(|id| pack.route(id))
            .map(|route| {
                let done = contacted.contains(&route.id);
                let spoken_to = RwSignal::new(String::new());
                let (id, name) = (route.id.clone(), route.name.clone());
                let contacts = contact_buttons(&pack, &route.contacts, "contacted", move |channel| {
                    if desk.dispatch(Command::ContactRoute {
                        route: id.clone(),
                        channel,
                        spoken_to: spoken_to.get_untracked(),
                    }) {
                        spoken_to.set(String::new());
                        desk.confirm(Place::Routes, &format!("{name} contacted"));
                        desk.instance.focus_soon(ROUTES_ID);
                    }
                });
                let status = if done { " (contacted)" } else { "" };
                view! {
                    <details class="idk-section" open=!done>
                        <summary>{format!("{}{status}", route.name)}</summary>
                        <p>{route.when.clone()}</p>
                        <div class="idk-inline-form">
                            {text_field("idk-field", format!("Name of the person spoken to at {}", route.name), true, spoken_to)}
                        </div>
                        <ul class="idk-contacts">{contacts}</ul>
                    </details>
                }
            })
            .collect_any();
        Some(view! {
            <section class="idk-organisations" aria-labelledby=ROUTES_ID>
                <h3 id=ROUTES_ID tabindex="-1">"Specialist routes for this call"</h3>
                {feedback(desk, Place::Routes)}
                {items}
            </section>
        })
    }
}

/// A button per contact, "Record {done} by {channel}: {address}", each calling `record` with the
/// contact's channel.
fn contact_buttons(
    pack: &Pack,
    contacts: &[Contact],
    done: &'static str,
    record: impl Fn(String) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    contacts
        .iter()
        .map(|contact| {
            let channel_name = pack
                .channel(&contact.channel)
                .map_or_else(|| contact.channel.clone(), |c| c.name.clone());
            let label = format!("Record {done} by {channel_name}: {}", contact.address);
            let (channel, record) = (contact.channel.clone(), record.clone());
            view! {
                <li>
                    <button
                        type="button"
                        class="idk-button idk-button-secondary"
                        on:click=handler(move |_| record(channel.clone()))
                    >
                        {label}
                    </button>
                </li>
            }
        })
        .collect_any()
}

/// The routes panel's heading, where focus returns after recording a contact.
const ROUTES_ID: &str = "idk-routes-heading";

/// External organisations (F7; L2 2.1, K2): those the code says to notify first, each with its
/// procedure and contacts; recording a notification logs who, how and when.
pub(super) fn organisations_panel(desk: Desk) -> impl IntoView {
    // Rendered again only when who to notify, or who has been notified, changes.
    let state = memo(move || {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            // The code's, and what each outcome reached adds (issue 15).
            let notify: Vec<String> = c.to_notify(&pack);
            let notified: Vec<(String, String, String)> = c
                .log()
                .iter()
                .filter_map(|e| match &e.what {
                    Event::Notified {
                        organisation,
                        reference,
                        spoken_to,
                        ..
                    } => Some((organisation.clone(), reference.clone(), spoken_to.clone())),
                    _ => None,
                })
                .collect();
            (notify, notified)
        })
    });
    move || {
        let pack = desk.pack.get_value();
        let file = pack.file();
        let (notify, notified) = state.get();
        // The organisations the code notifies first, each group in the pack's order: a stable
        // partition (a sort would bring a whole sort routine for this one list into the wasm).
        let (mut orgs, others): (Vec<_>, Vec<_>) = file
            .external_organisations
            .iter()
            .partition(|o| notify.contains(&o.id));
        orgs.extend(others);
        let items = orgs
            .into_iter()
            .map(|org| {
                let for_code = notify.contains(&org.id);
                let done = notified.iter().find(|n| n.0 == org.id).cloned();
                // The partner's reference and who was spoken to, recorded with the notification.
                let reference = RwSignal::new(String::new());
                let spoken_to = RwSignal::new(String::new());
                let steps = org
                    .procedure
                    .iter()
                    .map(|step| view! { <li>{step.clone()}</li> })
                    .collect_any();
                let (organisation, org_name) = (org.id.clone(), org.name.clone());
                let contacts = contact_buttons(&pack, &org.contacts, "notified", move |channel| {
                    if desk.dispatch(Command::NotifyOrganisation {
                        organisation: organisation.clone(),
                        channel,
                        reference: reference.get_untracked(),
                        spoken_to: spoken_to.get_untracked(),
                    }) {
                        reference.set(String::new());
                        spoken_to.set(String::new());
                        desk.confirm(Place::Organisations, &format!("{org_name} notified"));
                        // The panel is drawn again: keep the handler there.
                        desk.instance.focus_soon("idk-organisations-heading");
                    }
                });
                let status = match (for_code, &done) {
                    (_, Some((_, reference, _))) if !reference.is_empty() => {
                        format!(" (notified, their reference {reference})")
                    }
                    (_, Some(_)) => " (notified)".to_owned(),
                    (true, None) => " (to notify for this code)".to_owned(),
                    _ => String::new(),
                };
                let name = org.name.clone();
                view! {
                    <details class="idk-section" open=for_code && done.is_none()>
                        <summary>{format!("{}{status}", org.name)}</summary>
                        <p>{org.when.clone()}</p>
                        <ol>{steps}</ol>
                        <div class="idk-inline-form">
                            {text_field("idk-field", format!("{name}'s reference"), true, reference)}
                            {text_field("idk-field", "Name of the person spoken to".to_owned(), true, spoken_to)}
                        </div>
                        <ul class="idk-contacts">{contacts}</ul>
                    </details>
                }
            })
            .collect_any();
        view! {
            <section class="idk-organisations" aria-labelledby="idk-organisations-heading">
                <h3 id="idk-organisations-heading" tabindex="-1">"External organisations"</h3>
                // Where focus lands after "Record notified": the confirmation is beside it.
                {feedback(desk, Place::Organisations)}
                {items}
            </section>
        }
    }
}
