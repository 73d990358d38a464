//! Passing information to those who act (F4, F7; L2 1.5, 2.1–2.3): the handoff composer and the
//! external organisations with their procedures and contacts.

use incident_engine::call::{Command, Event};
use incident_engine::handoff::compose;
use incident_engine::pack::MessageStructure;
use leptos::prelude::*;

use super::Desk;

/// The handoff composer (F4; L2 1.5, 2.2, 2.3): each channel's message generated from the log, its
/// length against the channel's limit, and a read-back tick on spoken channels. M/ETHANE
/// channels open once a major incident is declared.
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
    let first = channels.iter().find(|c| !c.2).or(channels.first());
    let channel = RwSignal::new(first.map(|c| c.0.clone()).unwrap_or_default());
    let recipient = RwSignal::new(String::new());
    let read_back = RwSignal::new(false);
    let declared = Memo::new(move |_| desk.call.with(|c| c.major_incident().is_some()));
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
            .collect_view()
    };
    let composed = Memo::new(move |_| {
        let pack = desk.pack.get_value();
        let id = channel.get();
        let to = recipient.get();
        let found = pack.file().channels.iter().find(|c| c.id == id)?;
        let to = Some(to.trim()).filter(|t| !t.is_empty());
        Some(desk.call.with(|call| compose(&pack, call, found, to)))
    });
    // Shown once there is a code; a memo, so other changes to the call do not rebuild it.
    let decided = Memo::new(move |_| desk.call.with(|c| c.decision().is_some()));
    move || {
        decided.get().then(|| {
            view! {
                <section class="idk-handoff" aria-labelledby="idk-handoff-heading">
                    <h3 id="idk-handoff-heading">"Handoff"</h3>
                    <div class="idk-field">
                        <label for="idk-handoff-channel">"Channel"</label>
                        <select
                            id="idk-handoff-channel"
                            prop:value=move || channel.get()
                            on:change=move |ev| channel.set(event_target_value(&ev))
                        >
                            {options.clone()}
                        </select>
                    </div>
                    <label class="idk-field">
                        "Unit call sign or recipient"
                        <input type="text" prop:value=move || recipient.get() on:change=move |ev| recipient.set(event_target_value(&ev)) />
                    </label>
                    <label class="idk-field idk-field-wide">
                        "Message"
                        <textarea class="idk-handoff-text" rows="6" readonly prop:value=move || composed.get().map(|h| h.text).unwrap_or_default()></textarea>
                    </label>
                    <p class="idk-muted">
                        {move || {
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
                        }}
                    </p>
                    <label class="idk-radio">
                        <input type="checkbox" prop:checked=move || read_back.get() on:change=move |ev| read_back.set(event_target_checked(&ev)) />
                        "Read back and confirmed"
                    </label>
                    <button
                        type="button"
                        class="idk-button"
                        on:click=move |_| {
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
                            }
                        }
                    >
                        "Record as sent"
                    </button>
                </section>
            }
        })
    }
}

/// External organisations (F7; L2 2.1, K2): those the code says to notify first, each with its
/// procedure and contacts; recording a notification logs who, how and when.
pub(super) fn organisations_panel(desk: Desk) -> impl IntoView {
    // Rendered again only when who to notify, or who has been notified, changes.
    let state = Memo::new(move |_| {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            let notify: Vec<String> = c
                .decision()
                .and_then(|d| pack.code(&d.code))
                .map(|c| c.notify.clone())
                .unwrap_or_default();
            let notified: Vec<String> = c
                .log()
                .iter()
                .filter_map(|e| match &e.what {
                    Event::Notified { organisation, .. } => Some(organisation.clone()),
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
        let mut orgs: Vec<_> = file.external_organisations.iter().collect();
        orgs.sort_by_key(|o| !notify.contains(&o.id));
        let items = orgs
            .into_iter()
            .map(|org| {
                let for_code = notify.contains(&org.id);
                let done = notified.contains(&org.id);
                let steps = org
                    .procedure
                    .iter()
                    .map(|step| view! { <li>{step.clone()}</li> })
                    .collect_view();
                let contacts = org
                    .contacts
                    .iter()
                    .map(|contact| {
                        let channel_name = file
                            .channels
                            .iter()
                            .find(|c| c.id == contact.channel)
                            .map(|c| c.name.clone())
                            .unwrap_or_else(|| contact.channel.clone());
                        let (organisation, channel) = (org.id.clone(), contact.channel.clone());
                        let label =
                            format!("Record notified by {channel_name}: {}", contact.address);
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="idk-button idk-button-secondary"
                                    on:click=move |_| {
                                        desk.dispatch(Command::NotifyOrganisation {
                                            organisation: organisation.clone(),
                                            channel: channel.clone(),
                                        });
                                    }
                                >
                                    {label}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                let status = match (for_code, done) {
                    (_, true) => " (notified)",
                    (true, false) => " (to notify for this code)",
                    _ => "",
                };
                view! {
                    <details class="idk-section" open=for_code && !done>
                        <summary>{format!("{}{status}", org.name)}</summary>
                        <p>{org.when.clone()}</p>
                        <ol>{steps}</ol>
                        <ul class="idk-contacts">{contacts}</ul>
                    </details>
                }
            })
            .collect_view();
        view! {
            <section class="idk-organisations" aria-labelledby="idk-organisations-heading">
                <h3 id="idk-organisations-heading">"External organisations"</h3>
                {items}
            </section>
        }
    }
}
