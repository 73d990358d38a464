//! The incident chosen on the console: its clocks, the units its response plan asks for, its
//! deployments from tasking to clearing, the organisations told, escalation, notes, the timeline
//! and closing. Drawn once per incident chosen; inside, only what changes is drawn again, and
//! never a control while the supervisor may be on it (the clocks tick every second, the controls
//! are drawn again only when the board changes their incident).

use incident_engine::incident::machine::Stage;
use incident_engine::incident::{
    compose_tasking, countdowns, propose_tasking_channel, Board, BoardCommand, Clock, Command,
    Incident,
};
use leptos::prelude::*;

use super::{countdown_text, text_field, zone_options, After, Console};
use crate::host::clock::{date_and_time, hours_minutes, now_ms};
use crate::ui::live::{handler, keyed, live, memo, CollectAny};

/// The chosen incident, or a line saying none is.
pub(super) fn incident_view(console: Console) -> impl IntoView {
    view! {
        <section class="idk-card idk-incident" aria-labelledby="idk-incident-heading">
            {live(move || match console.selected.get() {
                None => view! {
                    <h2 class="idk-card-title" id="idk-incident-heading" tabindex="-1">"No incident chosen"</h2>
                    <p class="idk-muted">"Choose an open incident to deploy, task and monitor it."</p>
                }.into_any(),
                Some(reference) => panel(console, reference).into_any(),
            })}
        </section>
    }
}

impl Console {
    /// Sends `command` to incident `reference`; what it says is shown at `reference/section`.
    fn to(self, reference: &str, section: &str, command: Command, focus: Option<String>) {
        self.dispatch(
            format!("{reference}/{section}"),
            BoardCommand::To {
                incident: reference.to_owned(),
                command,
            },
            focus,
        );
    }

    /// As [`Console::to`], with what to do after (`After`).
    fn to_with(self, reference: &str, section: &str, command: Command, after: After) {
        self.run(
            format!("{reference}/{section}"),
            BoardCommand::To {
                incident: reference.to_owned(),
                command,
            },
            after,
        );
    }

    /// The incident `reference` as the board holds it now.
    fn incident(self, reference: &str) -> Option<Incident> {
        self.board.with(|b| b.incident(reference).cloned())
    }
}

fn panel(console: Console, reference: String) -> impl IntoView {
    let r = reference.clone();
    let chosen = reference.clone();
    let incident = memo(move || console.incident(&r));
    let pack = console.pack.get_value();
    let heading = {
        let pack = pack.clone();
        move || {
            incident.get().map_or_else(
                || format!("{reference}: not on the board"),
                |i| {
                    let title = pack.code(&i.code).map_or("", |c| c.title.as_str());
                    let state = if i.is_open() { "" } else { " (closed)" };
                    format!(
                        "{} · {} {} · {}{state}",
                        i.reference, i.code, title, i.priority
                    )
                },
            )
        }
    };
    let facts = move || {
        incident.get().map(|i| {
            let calls = i
                .calls
                .iter()
                .map(|c| format!("{} ({})", c.reference, c.handler))
                .collect::<Vec<_>>()
                .join(", ");
            // From the CRM's recent calls (`history.set`): taken by anyone, at the same location.
            let recent = console.history.with(|h| {
                let about = Board::calls_about(&i, h);
                match (about.len(), about.first()) {
                    (0, _) | (_, None) => String::new(),
                    (n, Some(latest)) => format!(
                        "{n} in the CRM's recent calls, the latest answered at {}",
                        hours_minutes(latest.at, None)
                    ),
                }
            });
            let rows = [
                ("Location", i.location.clone()),
                ("Zone", i.zone.clone().unwrap_or_else(|| "not set".into())),
                ("What is happening", i.summary.clone()),
                ("Safety", i.safety.join("; ")),
                (
                    "Vulnerable person",
                    if i.vulnerable {
                        "yes: details in the call's log"
                    } else {
                        "no"
                    }
                    .to_owned(),
                ),
                ("Calls", calls),
                ("Recent calls about this place", recent),
                ("Opened", hours_minutes(i.opened_at, None)),
            ];
            rows.into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
                .collect_any()
        })
    };
    // The reference chosen, not the board's: a new incident is chosen before the board has it.
    let reference = chosen;
    view! {
        <h2 class="idk-card-title" id="idk-incident-heading" tabindex="-1">{live(heading)}</h2>
        <dl class="idk-facts">{live(facts)}</dl>
        {clocks_view(console, incident)}
        {deadlines_view(console, reference.clone(), incident)}
        {plan_view(console, reference.clone(), incident)}
        {deployments_view(console, reference.clone(), incident)}
        {organisations_view(console, reference.clone(), incident)}
        {actions_view(console, reference.clone(), incident)}
        {timeline_view(incident)}
    }
}

/// A time on a clock: the hour and minute within half a day of now, else with its date too (a
/// deadline of 20 working days).
fn moment(at: u64, now: u64) -> String {
    const HALF_DAY: u64 = 12 * 60 * 60 * 1000;
    if at.abs_diff(now) < HALF_DAY {
        hours_minutes(at, None)
    } else {
        date_and_time(at, None)
    }
}

/// How a clock stands at `now`: met (late), not met on a closed incident, or how long to go.
fn clock_state(c: &incident_engine::incident::Countdown, open: bool, now: u64) -> String {
    match c.met_at {
        Some(at) if at > c.due => format!("met late at {}", moment(at, now)),
        Some(at) => format!("met at {}", moment(at, now)),
        None if !open => "not met".to_owned(),
        None => countdown_text("", c.due, now)
            .trim_start_matches(": ")
            .to_owned(),
    }
}

/// The incident's clocks: what each waits for, when it is due, and how it stands now.
fn clocks_view(console: Console, incident: Memo<Option<Incident>>) -> impl IntoView {
    let rows = move || {
        let pack = console.pack.get_value();
        let now = console.now.get();
        incident
            .get()
            .map(|i| {
                countdowns(&pack, &i)
                    .into_iter()
                    .map(|c| {
                        let due = moment(c.due, now);
                        let state = clock_state(&c, i.is_open(), now);
                        let overdue = c.overdue(now) && i.is_open();
                        view! {
                            <tr class:idk-overdue=overdue>
                                <th scope="row">{c.label}</th>
                                <td>{due}</td>
                                <td>{state}</td>
                            </tr>
                        }
                    })
                    .collect_any()
            })
            .unwrap_or_default()
    };
    view! {
        <div class="idk-table-wrap">
            <table class="idk-table">
                <caption>"Clocks, from the procedures' targets"</caption>
                <thead><tr><th scope="col">"Waiting for"</th><th scope="col">"Due"</th><th scope="col">"Now"</th></tr></thead>
                <tbody>{live(rows)}</tbody>
            </table>
        </div>
    }
}

/// The code's named deadlines (the pack's `deadlines`: "Restore supply within 12 hours"), each
/// with when it falls and a button to record it met; keyed by id, so the second's tick never
/// takes the button from under the supervisor's focus.
fn deadlines_view(
    console: Console,
    reference: String,
    incident: Memo<Option<Incident>>,
) -> impl IntoView {
    let pack = console.pack.get_value();
    let ids = memo(move || {
        incident
            .get()
            .and_then(|i| console.pack.get_value().code(&i.code).cloned())
            .map(|c| c.deadlines.iter().map(|d| d.id.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let place = format!("{reference}/deadlines");
    let item = move |id: String| {
        let clock = Clock::Deadline(id.clone());
        let text = {
            let clock = clock.clone();
            let pack = pack.clone();
            move || {
                let now = console.now.get();
                incident
                    .get()
                    .and_then(|i| {
                        countdowns(&pack, &i)
                            .into_iter()
                            .find(|c| c.clock == clock)
                            .map(|c| format!("{}: {}", c.label, clock_state(&c, i.is_open(), now)))
                    })
                    .unwrap_or_default()
            }
        };
        let open_and_unmet = {
            let id = id.clone();
            move || {
                incident
                    .get()
                    .is_some_and(|i| i.is_open() && i.deadlines_met.iter().all(|m| m.id != id))
            }
        };
        let name = console
            .pack
            .get_value()
            .code(&incident.get_untracked().map(|i| i.code).unwrap_or_default())
            .and_then(|c| {
                c.deadlines
                    .iter()
                    .find(|d| d.id == id)
                    .map(|d| d.name.clone())
            })
            .unwrap_or_default();
        let (r, d) = (reference.clone(), id.clone());
        let met = move |_| {
            console.to(
                &r,
                "deadlines",
                Command::DeadlineMet {
                    deadline: d.clone(),
                    name: String::new(),
                },
                Some(format!("idk-deadline-{d}")),
            )
        };
        let label = format!("Record as met: {name}");
        view! {
            <li id=format!("idk-deadline-{id}") tabindex="-1">
                <span>{live(text)}</span>
                {live(move || open_and_unmet().then(|| view! {
                    " "
                    <button type="button" class="idk-button idk-button-secondary" on:click=handler(met.clone())>{label.clone()}</button>
                }))}
            </li>
        }
        .into_any()
    };
    live(move || {
        (!ids.with(Vec::is_empty)).then(|| view! {
            <h3 class="idk-subsection-title" id="idk-deadlines-title">"Deadlines, from the procedures"</h3>
            <ul class="idk-deadline-list" aria-labelledby="idk-deadlines-title">
                {keyed(move || ids.get(), Clone::clone, item.clone())}
            </ul>
            {console.said_at(place.clone())}
        })
    })
}

/// The response plan: each item, how many are out, and the units that could go, best first,
/// with why; each can be deployed, or deployed anyway with a reason.
fn plan_view(
    console: Console,
    reference: String,
    incident: Memo<Option<Incident>>,
) -> impl IntoView {
    let place = format!("{reference}/plan");
    let body = move || {
        let pack = console.pack.get_value();
        let Some(i) = incident.get() else {
            return Vec::new();
        };
        if !i.is_open() {
            return Vec::new();
        }
        let needs = console
            .board
            .with_untracked(|b| b.plan(&pack, &i, now_ms()));
        if needs.is_empty() {
            return vec![
                view! { <p class="idk-muted">"The procedures send no units for this code."</p> }
                    .into_any(),
            ];
        }
        needs
            .into_iter()
            .enumerate()
            .map(|(k, need)| {
                let wanted = match &need.capacity {
                    Some((c, unit)) => format!(
                        "{}: the plan asks for {}, {} out, carrying {} of {c} {unit}",
                        need.name, need.count, need.sent, need.sent_capacity
                    ),
                    None => format!(
                        "{}: the plan asks for {}, {} out",
                        need.name, need.count, need.sent
                    ),
                };
                let status = if need.met() { " (enough)" } else { "" };
                let reference = i.reference.clone();
                let rows = need
                    .candidates
                    .into_iter()
                    .map(|c| candidate_row(console, &reference, k, c))
                    .collect_any();
                view! {
                    <div class="idk-table-wrap">
                        <table class="idk-table">
                            <caption>{wanted}{status}</caption>
                            <thead><tr><th scope="col">"Unit"</th><th scope="col">"Why here"</th><th scope="col">"Deploy"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            })
            .collect()
    };
    view! {
        <section class="idk-section" aria-labelledby="idk-plan-title">
            <h3 class="idk-subsection-title" id="idk-plan-title" tabindex="-1">"Units for the response plan"</h3>
            {console.said_at(place)}
            {live(body)}
        </section>
    }
}

fn candidate_row(
    console: Console,
    reference: &str,
    item: usize,
    c: incident_engine::incident::Candidate,
) -> AnyView {
    let unit = c.unit.id.clone();
    let name = c.unit.call_sign.clone();
    let reference = reference.to_owned();
    let next_number = console
        .incident(&reference)
        .map_or(1, |i| i.deployments.len() as u32 + 1);
    let focus_after = Some(format!("idk-compose-{next_number}"));
    match c.unavailable {
        None => {
            let label = format!("Deploy {}", c.unit.call_sign);
            let go = move |_| {
                console.to(
                    &reference,
                    "plan",
                    Command::Deploy {
                        unit: unit.clone(),
                        call_sign: String::new(),
                        override_reason: None,
                    },
                    focus_after.clone(),
                )
            };
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td>{c.why}</td>
                    <td><button type="button" class="idk-button" on:click=handler(go)>{label}</button></td>
                </tr>
            }
            .into_any()
        }
        Some(_) => {
            let reason = RwSignal::new(String::new());
            let id = format!("idk-override-{item}-{}", c.unit.id);
            let label = format!("Reason to send {} anyway", c.unit.call_sign);
            let button = format!("Deploy {} anyway", c.unit.call_sign);
            let refused = id.clone();
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                console.to_with(
                    &reference,
                    "plan",
                    Command::Deploy {
                        unit: unit.clone(),
                        call_sign: String::new(),
                        override_reason: Some(reason.get_untracked()),
                    },
                    After {
                        focus: focus_after.clone(),
                        refused: Some(refused.clone()),
                        done: None,
                    },
                )
            };
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td>{c.why}</td>
                    <td>
                        <form class="idk-inline-form" on:submit=handler(submit)>
                            <div class="idk-field">
                                <label for=id.clone()>{label}</label>
                                <input id=id type="text" prop:value=move || reason.get() on:input=handler(move |ev| reason.set(event_target_value(&ev))) />
                            </div>
                            <button type="submit" class="idk-button idk-button-secondary">{button}</button>
                        </form>
                    </td>
                </tr>
            }
            .into_any()
        }
    }
}

/// The deployments, each with its stage and what can be recorded next.
fn deployments_view(
    console: Console,
    reference: String,
    incident: Memo<Option<Incident>>,
) -> impl IntoView {
    let place = format!("{reference}/deployments");
    let numbers = move || {
        incident
            .get()
            .map(|i| i.deployments.iter().map(|d| d.number).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let r = reference.clone();
    view! {
        <section class="idk-section" aria-labelledby="idk-deployments-title">
            <h3 class="idk-subsection-title" id="idk-deployments-title">"Deployments"</h3>
            {console.said_at(place)}
            {live(move || numbers().is_empty().then(|| view! { <p class="idk-muted">"No unit deployed yet."</p> }))}
            <ol class="idk-deployments">
                {keyed(numbers, |n| n.to_string(), move |n| deployment_item(console, r.clone(), incident, n))}
            </ol>
        </section>
    }
}

fn deployment_item(
    console: Console,
    reference: String,
    incident: Memo<Option<Incident>>,
    n: u32,
) -> AnyView {
    let deployment = memo(move || incident.get().and_then(|i| i.deployment(n).cloned()));
    let stage = memo(move || deployment.get().map(|d| d.stage()));
    let summary = move || {
        deployment.get().map(|d| {
            let mut parts = Vec::new();
            // "tasked 10:00 by radio" says the stage itself.
            if d.stage() != Stage::Tasked {
                parts.push(d.stage().label().to_owned());
            }
            if let Some(t) = &d.tasked {
                parts.push(format!(
                    "tasked {} by {}",
                    hours_minutes(t.at, None),
                    t.channel
                ));
            }
            if let Some(eta) = d.eta {
                parts.push(format!("ETA {}", hours_minutes(eta, None)));
            }
            if let Some(at) = d.last_heard() {
                parts.push(format!("last heard {}", hours_minutes(at, None)));
            }
            if !d.chased.is_empty() {
                parts.push(format!("chased {} times", d.chased.len()));
            }
            if let Some(reason) = &d.override_reason {
                parts.push(format!("sent anyway: {reason}"));
            }
            if let Some((_, why)) = &d.stood_down {
                parts.push(format!("stood down: {why}"));
            }
            parts.join(" · ")
        })
    };
    let call_sign = deployment
        .get_untracked()
        .map(|d| d.call_sign)
        .unwrap_or_default();
    let heading_id = format!("idk-deployment-{n}");
    let actions = move || {
        let Some(stage) = stage.get() else {
            return Vec::new();
        };
        stage_actions(console, &reference, n, stage)
    };
    let labelled = heading_id.clone();
    view! {
        <li class="idk-deployment" aria-labelledby=labelled>
            <h4 class="idk-subsection-title" id=heading_id tabindex="-1">{call_sign}</h4>
            <p>{live(summary)}</p>
            <div class="idk-deployment-actions">{live(actions)}</div>
        </li>
    }
    .into_any()
}

/// What can be recorded for a deployment at `stage`.
fn stage_actions(console: Console, reference: &str, n: u32, stage: Stage) -> Vec<AnyView> {
    let mut out = Vec::new();
    let button = |label: String, command: Command| {
        let reference = reference.to_owned();
        let go = move |_| {
            console.to(
                &reference,
                "deployments",
                command.clone(),
                Some(format!("idk-deployment-{n}")),
            )
        };
        view! { <button type="button" class="idk-button idk-button-secondary" on:click=handler(go)>{label}</button> }.into_any()
    };
    if stage.finished() {
        return out;
    }
    if stage == Stage::Selected {
        out.push(compose_view(console, reference, n));
    }
    if stage == Stage::Tasked {
        out.push(acknowledge_form(console, reference, n));
    }
    let mut quick = Vec::new();
    if matches!(stage, Stage::Tasked | Stage::Acknowledged) {
        quick.push(button(
            "En route".into(),
            Command::EnRoute { deployment: n },
        ));
    }
    if matches!(stage, Stage::Tasked | Stage::Acknowledged | Stage::EnRoute) {
        quick.push(button(
            "On scene".into(),
            Command::OnScene { deployment: n },
        ));
    }
    if stage == Stage::OnScene {
        quick.push(button("Cleared".into(), Command::Clear { deployment: n }));
    }
    if stage != Stage::Selected {
        quick.push(button("Chase".into(), Command::Chase { deployment: n }));
    }
    if !quick.is_empty() {
        out.push(view! { <div class="idk-actions">{quick}</div> }.into_any());
    }
    if stage >= Stage::Tasked {
        out.push(words_form(
            console,
            reference,
            n,
            "update",
            "What the unit said",
            "Record the update",
            move |note| Command::Update {
                deployment: n,
                note,
            },
        ));
    }
    out.push(words_form(
        console,
        reference,
        n,
        "standdown",
        "Why it is stood down",
        "Stand down",
        move |reason| Command::StandDown {
            deployment: n,
            reason,
        },
    ));
    out
}

/// A one-field form that sends `command` with the words typed.
fn words_form(
    console: Console,
    reference: &str,
    n: u32,
    what: &'static str,
    label: &'static str,
    button: &'static str,
    command: impl Fn(String) -> Command + 'static,
) -> AnyView {
    let words = RwSignal::new(String::new());
    let id = format!("idk-{what}-{n}");
    let reference = reference.to_owned();
    let refused = id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        console.to_with(
            &reference,
            "deployments",
            command(words.get_untracked()),
            After {
                focus: Some(format!("idk-deployment-{n}")),
                refused: Some(refused.clone()),
                done: Some(Box::new(move || words.set(String::new()))),
            },
        );
    };
    view! {
        <form class="idk-inline-form" on:submit=handler(submit)>
            {text_field(words, id, label, "idk-field")}
            <button type="submit" class="idk-button idk-button-secondary">{button}</button>
        </form>
    }
    .into_any()
}

/// The acknowledgement, with the unit's ETA in minutes if it gave one.
fn acknowledge_form(console: Console, reference: &str, n: u32) -> AnyView {
    let eta = RwSignal::new(String::new());
    let id = format!("idk-eta-{n}");
    let reference = reference.to_owned();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let eta_minutes = eta.get_untracked().trim().parse::<u32>().ok();
        console.to(
            &reference,
            "deployments",
            Command::Acknowledge {
                deployment: n,
                eta_minutes,
            },
            Some(format!("idk-deployment-{n}")),
        );
    };
    view! {
        <form class="idk-inline-form" on:submit=handler(submit)>
            <div class="idk-field">
                <label for=id.clone()>"Arriving in (minutes, if the unit said)"</label>
                <input id=id type="number" min="0" inputmode="numeric" prop:value=move || eta.get() on:input=handler(move |ev| eta.set(event_target_value(&ev))) />
            </div>
            <button type="submit" class="idk-button">"Acknowledged"</button>
        </form>
    }
    .into_any()
}

/// The tasking message: the channel proposed (with why, changeable) and the message in its
/// conventions (editable), recorded as sent once the supervisor has sent or read it out.
fn compose_view(console: Console, reference: &str, n: u32) -> AnyView {
    let pack = console.pack.get_value();
    let Some(incident) = console
        .board
        .with_untracked(|b| b.incident(reference).cloned())
    else {
        return ().into_any();
    };
    let Some(unit) = incident
        .deployment(n)
        .and_then(|d| pack.unit(&d.unit))
        .cloned()
    else {
        return ().into_any();
    };
    let proposal = propose_tasking_channel(&pack, &incident, &unit);
    let channel = RwSignal::new(
        proposal
            .as_ref()
            .map(|p| p.channel.clone())
            .or_else(|| unit.channels.first().cloned())
            .unwrap_or_default(),
    );
    let why = proposal.map(|p| format!("Proposed: {}", p.why));
    let composed = {
        let pack = pack.clone();
        let unit = unit.clone();
        let incident = incident.clone();
        move |id: &str| {
            pack.channel(id)
                .map(|c| compose_tasking(&pack, &incident, &unit, c))
        }
    };
    let message = RwSignal::new(
        composed(&channel.get_untracked())
            .map(|m| m.text)
            .unwrap_or_default(),
    );
    let limit = RwSignal::new(composed(&channel.get_untracked()).and_then(|m| m.limit));
    let options = unit
        .channels
        .iter()
        .filter_map(|id| pack.channel(id))
        .map(|c| {
            let selected = c.id == channel.get_untracked();
            view! { <option value=c.id.clone() selected=selected>{c.name.clone()}</option> }
        })
        .collect_any();
    let on_channel = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if let Some(m) = composed(&id) {
            message.set(m.text);
            limit.set(m.limit);
        }
        channel.set(id);
    };
    let reference = reference.to_owned();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        console.to(
            &reference,
            "deployments",
            Command::Task {
                deployment: n,
                channel: channel.get_untracked(),
                message: message.get_untracked(),
            },
            Some(format!("idk-deployment-{n}")),
        );
    };
    let length = move || {
        let count = message.with(|m| m.chars().count());
        match limit.get() {
            Some(l) => format!("{count} of {l} characters"),
            None => format!("{count} characters"),
        }
    };
    let select_id = format!("idk-compose-{n}");
    let text_id = format!("idk-tasking-{n}");
    view! {
        <form class="idk-tasking" on:submit=handler(submit)>
            <div class="idk-field">
                <label for=select_id.clone()>"Tasking channel"</label>
                <select id=select_id on:change=handler(on_channel)>{options}</select>
                <p class="idk-hint">{why}</p>
            </div>
            <div class="idk-field idk-field-wide">
                <label for=text_id.clone()>"Tasking message: its responsibilities and the response expected"</label>
                <textarea id=text_id rows="6" prop:value=move || message.get() on:input=handler(move |ev| message.set(event_target_value(&ev)))></textarea>
                <p class="idk-hint">{live(length)}</p>
            </div>
            <button type="submit" class="idk-button">"Record the tasking as sent"</button>
        </form>
    }
    .into_any()
}

/// The organisations the procedure says to tell, and any told: told by which channel, and their
/// acknowledgement with their reference.
fn organisations_view(
    console: Console,
    reference: String,
    incident: Memo<Option<Incident>>,
) -> impl IntoView {
    let place = format!("{reference}/organisations");
    let ids = move || {
        incident
            .get()
            .map(|i| {
                let mut ids = i.notify.clone();
                for n in &i.notifications {
                    if !ids.contains(&n.organisation) {
                        ids.push(n.organisation.clone());
                    }
                }
                ids
            })
            .unwrap_or_default()
    };
    let r = reference.clone();
    view! {
        <section class="idk-section" aria-labelledby="idk-organisations-title">
            <h3 class="idk-subsection-title" id="idk-organisations-title">"Organisations to tell"</h3>
            {console.said_at(place)}
            {live(move || ids().is_empty().then(|| view! { <p class="idk-muted">"The procedures name no organisation to tell for this incident."</p> }))}
            <ul class="idk-safety-list">
                {keyed(ids, Clone::clone, move |id| organisation_item(console, r.clone(), incident, id))}
            </ul>
        </section>
    }
}

fn organisation_item(
    console: Console,
    reference: String,
    incident: Memo<Option<Incident>>,
    id: String,
) -> AnyView {
    let pack = console.pack.get_value();
    let Some(org) = pack.external_organisation(&id).cloned() else {
        return ().into_any();
    };
    let o = id.clone();
    let told = memo(move || {
        incident.get().and_then(|i| {
            i.notifications
                .iter()
                .find(|n| n.organisation == o)
                .cloned()
        })
    });
    // Each contact by what it is and where: two telephone numbers are two choices.
    let contacts: Vec<(String, String, String)> = org
        .contacts
        .iter()
        .map(|c| {
            let channel_name = pack
                .channel(&c.channel)
                .map_or(c.channel.as_str(), |ch| ch.name.as_str());
            (
                c.channel.clone(),
                c.address.clone(),
                format!("{channel_name}: {}", c.address),
            )
        })
        .collect();
    let contact_text = {
        let contacts = contacts.clone();
        move |channel: &str, address: &str| {
            contacts
                .iter()
                .find(|(c, a, _)| c == channel && a == address)
                .map_or_else(|| channel.to_owned(), |(_, _, text)| text.clone())
        }
    };
    let state = move || match told.get() {
        None => "not told yet".to_owned(),
        Some(n) => {
            let how = contact_text(&n.channel, &n.address);
            match n.acknowledged_at {
                None => format!(
                    "told {} by {how}, waiting to acknowledge",
                    hours_minutes(n.at, None)
                ),
                Some(at) if n.reference.is_empty() => {
                    format!("told by {how}; acknowledged {}", hours_minutes(at, None))
                }
                Some(at) => format!(
                    "told by {how}; acknowledged {}, their reference {}",
                    hours_minutes(at, None),
                    n.reference
                ),
            }
        }
    };
    let chosen = RwSignal::new(0usize);
    let their_reference = RwSignal::new(String::new());
    let options = {
        let contacts = contacts.clone();
        move || {
            contacts
                .iter()
                .enumerate()
                .map(|(k, (_, _, text))| view! { <option value=k.to_string()>{text.clone()}</option> })
                .collect_any()
        }
    };
    let name_id = format!("idk-org-{id}");
    let (r1, r2) = (reference.clone(), reference);
    let (id1, id2) = (id.clone(), id.clone());
    let (back1, back2) = (name_id.clone(), name_id.clone());
    let tell = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((channel, address, _)) = contacts.get(chosen.get_untracked()).cloned() else {
            return;
        };
        console.to(
            &r1,
            "organisations",
            Command::Notify {
                organisation: id1.clone(),
                channel,
                address,
                names: Default::default(),
            },
            Some(back1.clone()),
        );
    };
    let acknowledged = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        console.to(
            &r2,
            "organisations",
            Command::OrganisationAcknowledged {
                organisation: id2.clone(),
                reference: their_reference.get_untracked(),
                name: String::new(),
            },
            Some(back2.clone()),
        );
    };
    let channel_id = format!("idk-tell-{id}");
    let reference_id = format!("idk-their-reference-{id}");
    let name = org.name.clone();
    let forms = move || {
        match told.get() {
        None => view! {
            <form class="idk-inline-form" on:submit=handler(tell.clone())>
                <div class="idk-field">
                    <label for=channel_id.clone()>{format!("Tell {name} by")}</label>
                    <select id=channel_id.clone() on:change=handler(move |ev| chosen.set(event_target_value(&ev).parse().unwrap_or(0)))>{options()}</select>
                </div>
                <button type="submit" class="idk-button idk-button-secondary">"Record as told"</button>
            </form>
        }
        .into_any(),
        Some(n) if n.acknowledged_at.is_none() => view! {
            <form class="idk-inline-form" on:submit=handler(acknowledged.clone())>
                {text_field(their_reference, reference_id.clone(), "Their reference, if given", "idk-field")}
                <button type="submit" class="idk-button idk-button-secondary">"Acknowledged"</button>
            </form>
        }
        .into_any(),
        Some(_) => ().into_any(),
    }
    };
    view! {
        <li>
            <strong id=name_id tabindex="-1">{org.name.clone()}</strong>" · "{live(state)}
            {live(forms)}
        </li>
    }
    .into_any()
}

/// The zone, escalation, a note, and closing with the outcome.
fn actions_view(
    console: Console,
    reference: String,
    incident: Memo<Option<Incident>>,
) -> impl IntoView {
    let pack = console.pack.get_value();
    let place = format!("{reference}/actions");
    let zone = RwSignal::new(
        incident
            .get_untracked()
            .and_then(|i| i.zone)
            .unwrap_or_default(),
    );
    let zone_options = zone_options(&pack);
    let levels = pack.file().escalation.levels.clone();
    let level = RwSignal::new(levels.first().map(|l| l.name.clone()).unwrap_or_default());
    let level_options = levels
        .iter()
        .map(|l| {
            let text = format!("{} ({})", l.name, l.held_by);
            view! { <option value=l.name.clone()>{text}</option> }
        })
        .collect_any();
    let why = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let outcome = RwSignal::new(String::new());
    let (r1, r2, r3, r4) = (
        reference.clone(),
        reference.clone(),
        reference.clone(),
        reference,
    );
    let set_zone = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        console.to(
            &r1,
            "actions",
            Command::SetZone {
                zone: zone.get_untracked(),
            },
            // The units are proposed again for the zone: the supervisor goes to them.
            Some("idk-plan-title".to_owned()),
        );
    };
    let escalate = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        console.to_with(
            &r2,
            "actions",
            Command::Escalate {
                level: level.get_untracked(),
                why: why.get_untracked(),
            },
            After {
                refused: Some("idk-escalate-why".to_owned()),
                done: Some(Box::new(move || why.set(String::new()))),
                ..After::default()
            },
        );
    };
    let add_note = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        console.to(
            &r3,
            "actions",
            Command::Note {
                text: note.get_untracked(),
            },
            None,
        );
        note.set(String::new());
    };
    let close = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        console.to(
            &r4,
            "actions",
            Command::Close {
                outcome: outcome.get_untracked(),
            },
            Some("idk-incident-heading".to_owned()),
        );
    };
    let open = move || incident.get().is_some_and(|i| i.is_open());
    view! {
        <section class="idk-section" aria-labelledby="idk-actions-title">
            <h3 class="idk-subsection-title" id="idk-actions-title">"Zone, escalation, notes and closing"</h3>
            {console.said_at(place)}
            <fieldset class="idk-group" disabled=move || !open()>
                <legend>"This incident"</legend>
                <form class="idk-inline-form" on:submit=handler(set_zone)>
                    <div class="idk-field">
                        <label for="idk-zone">"Zone (units there are proposed first)"</label>
                        <select id="idk-zone" prop:value=move || zone.get() on:change=handler(move |ev| zone.set(event_target_value(&ev)))>
                            <option value="">"Choose a zone"</option>
                            {zone_options}
                        </select>
                    </div>
                    <button type="submit" class="idk-button idk-button-secondary">"Set the zone"</button>
                </form>
                <form class="idk-inline-form" on:submit=handler(escalate)>
                    <div class="idk-field">
                        <label for="idk-escalate-level">"Escalate to"</label>
                        <select id="idk-escalate-level" on:change=handler(move |ev| level.set(event_target_value(&ev)))>{level_options}</select>
                    </div>
                    {text_field(why, "idk-escalate-why", "Why", "idk-field")}
                    <button type="submit" class="idk-button idk-button-secondary">"Record the escalation"</button>
                </form>
                <form class="idk-inline-form" on:submit=handler(add_note)>
                    {text_field(note, "idk-note", "Note for the timeline", "idk-field idk-field-wide")}
                    <button type="submit" class="idk-button idk-button-secondary">"Add the note"</button>
                </form>
                <form class="idk-inline-form" on:submit=handler(close)>
                    {text_field(outcome, "idk-outcome", "Outcome", "idk-field idk-field-wide")}
                    <button type="submit" class="idk-button">"Close the incident"</button>
                </form>
            </fieldset>
        </section>
    }
}

/// Everything that happened, oldest first, with the time and who.
fn timeline_view(incident: Memo<Option<Incident>>) -> impl IntoView {
    let items = move || {
        incident
            .get()
            .map(|i| {
                i.timeline
                    .iter()
                    .map(|t| {
                        let at = hours_minutes(t.at, None);
                        let text = format!(" {} ({})", t.what, t.by);
                        view! { <li><time>{at}</time>{text}</li> }
                    })
                    .collect_any()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="idk-section" aria-labelledby="idk-timeline-title">
            <h3 class="idk-subsection-title" id="idk-timeline-title">"Timeline"</h3>
            <ol class="idk-log">{live(items)}</ol>
        </section>
    }
}
