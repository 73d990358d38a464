//! The supervisor's console (issue 17; F10–F12; L3 1.2–1.5, 3.4; NOS P4–P8; K6, K7): incidents
//! that outlive their calls, deployed, tasked and monitored until they are closed. Its own page
//! (console.html, `?pack=` as the other pages) and wasm, so nothing of it weighs on the call
//! screen.
//!
//! Standalone (no host CRM), the incidents are the board kept in this browser (`host::board`),
//! shared live with the other tabs of it. The page, top to bottom: the alerts (each overdue
//! clock, `role="alert"`, never dismissed by time, with what can be done about it); the open
//! incidents with their next clock; the incident chosen (its clocks, the units its response plan
//! asks for with the best first and why, its deployments from tasking to clearing, the
//! organisations told, escalation, notes, the timeline, closing with its outcome); opening an
//! incident by hand; the units and their status. Every rule is the engine's (`incident`); this
//! shows its board and sends it the supervisor's commands.

mod detail;
mod review;
mod units;

use std::sync::Arc;

use incident_engine::call::PriorCall;
use incident_engine::incident::{
    alerts, countdowns, AlertAction, Board, BoardCommand, Clock, Opening,
};
use incident_engine::kernel::{Page, Role};
use incident_engine::protocol::{HostCommand, HostEvent, Rejection};
use incident_engine::Pack;
use leptos::prelude::*;

/// Who the timeline says made a change the host CRM sent (an incident it opened, a unit's report
/// it relayed).
const HOST: &str = "CRM";

/// A change to the board kept in this browser, and what it says (or the rule it broke).
type BoardChange = Box<dyn FnOnce(&mut Board) -> Result<String, String>>;

use crate::host::board;
use crate::host::clock::{clock_text, every_second, hours_minutes, now_ms};
use crate::host::instance::{Instance, Reply};
use crate::host::pack_source::fetch_pack;
use crate::host::page::{agent_id_or, mark_settled, theme_own_page, typing_in_a_field, Settled};
use crate::ui::live::{handler, keyed, live, memo, CollectAny};
use crate::ui::NotYourPage;

/// What the last command said, and where: shown beside the controls of that part of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Said {
    /// The part of the page: an incident's reference and its section, or a section of the page.
    place: String,
    /// What happened, or why it was refused.
    result: Result<String, String>,
}

/// What to do once a command has been applied or refused.
#[derive(Default)]
struct After {
    /// Where focus goes when it is applied.
    focus: Option<String>,
    /// Where focus goes when it is refused (the field that needs the supervisor's words).
    refused: Option<String>,
    /// What to do when it is applied (clear the form that sent it).
    done: Option<Box<dyn FnOnce()>>,
}

impl After {
    fn focus(focus: Option<String>) -> After {
        After {
            focus,
            ..After::default()
        }
    }
}

/// The console's state, shared by its parts.
#[derive(Clone, Copy)]
struct Console {
    pack: StoredValue<Arc<Pack>>,
    board: RwSignal<Board>,
    /// The board cannot be read from this browser: why (nothing is changed until it can).
    unreadable: RwSignal<Option<String>>,
    /// Calls handed over that could not be opened as incidents: why (they are kept).
    handed: RwSignal<Vec<String>>,
    now: RwSignal<u64>,
    selected: RwSignal<Option<String>>,
    said: RwSignal<Option<Said>>,
    /// The supervisor's id, as the timeline records it (`configure`'s agent id when embedded).
    by: StoredValue<String>,
    /// Whether a host CRM is around the console (an iframe): then every change made here goes
    /// into the board's outbox as an event for it, until it says it stored it.
    embedded: StoredValue<bool>,
    /// The keys of the outbox's events already sent from this page (each is sent once per page
    /// life; those the host has not stored are sent again when the console next opens).
    sent: StoredValue<Vec<String>>,
    /// The centre's recent calls, from the host's `history.set`.
    history: RwSignal<Vec<PriorCall>>,
    /// The page's link to its host, taken while the console is built (context is not there in
    /// the tasks that send).
    instance: Instance,
}

impl Console {
    /// Sends `command` to the board kept in this browser; what it says (or why not) is shown at
    /// `place`; on success, focus goes to `focus` if given.
    fn dispatch(self, place: String, command: BoardCommand, focus: Option<String>) {
        self.run(place, command, After::focus(focus));
    }

    /// As [`Console::dispatch`], with what to do after: focus on success or on a refusal, and
    /// `done` (clearing the form that sent it) on success only.
    fn run(self, place: String, command: BoardCommand, after: After) {
        let pack = self.pack.get_value();
        let by = self.by.get_value();
        let embedded = self.embedded.get_value();
        leptos::task::spawn_local(async move {
            let result = board::update(move |b| {
                if embedded {
                    b.apply_recorded(&pack, now_ms(), &by, command)
                } else {
                    b.apply(&pack, now_ms(), &by, command)
                }
                .map_err(|r| format!("Not done: {r}."))
            })
            .await;
            if let Ok((kept, _)) = &result {
                self.flush(kept);
            }
            let target = match &result {
                Ok(_) => after.focus,
                Err(_) => after.refused,
            };
            let result = match result {
                Ok((kept, said)) => {
                    self.board.try_set(kept);
                    if let Some(done) = after.done {
                        done();
                    }
                    Ok(said)
                }
                Err(why) => Err(why),
            };
            self.said.try_set(Some(Said { place, result }));
            if let Some(id) = target {
                self.instance.focus_soon(id);
            }
        });
    }

    /// Takes in the calls handed over by the call screen in this browser, then reads the board
    /// again (on opening, and whenever another tab changes it); chooses the first open incident
    /// if none is chosen. `opening`: the first read, after which the page is marked settled.
    fn reload(self, opening: bool) {
        let pack = self.pack.get_value();
        let pack_kept = pack.clone();
        let by = self.by.get_value();
        leptos::task::spawn_local(async move {
            let handed = match board::take_handed_over(pack, by).await {
                Ok((_, problems)) => problems,
                Err(why) => vec![why],
            };
            self.handed.try_set(handed);
            match board::load().await {
                Ok(mut kept) => {
                    // What the pack's retention no longer keeps goes when the console opens: a
                    // write under the lock (told to the other tabs) only when something is due.
                    let days = pack_kept.file().retention.closed_days;
                    let now = now_ms();
                    if opening && kept.clone().prune(now, days) > 0 {
                        if let Ok((pruned, gone)) =
                            board::update(move |b| Ok(b.prune(now, days))).await
                        {
                            kept = pruned;
                            self.said.try_set(Some(Said {
                                place: "host".to_owned(),
                                result: Ok(format!(
                                    "{gone} closed incident(s) or decided deviation(s) older than {days} days were removed from this browser (the procedures' retention)."
                                )),
                            }));
                        }
                    }
                    self.flush(&kept);
                    if self.selected.try_get_untracked().flatten().is_none() {
                        self.selected
                            .try_set(kept.open().next().map(|i| i.reference.clone()));
                    }
                    self.board.try_set(kept);
                    self.unreadable.try_set(None);
                }
                Err(why) => {
                    self.unreadable.try_set(Some(why));
                }
            }
            if opening {
                mark_settled(Settled::Ready);
            }
        });
    }

    /// Sends the host each event in `board`'s outbox not yet sent from this page (embedded only).
    fn flush(self, board: &Board) {
        if !self.embedded.try_get_value().unwrap_or(false) {
            return;
        }
        let instance = self.instance;
        for event in &board.outbox {
            let key = event.key.clone();
            let fresh = self
                .sent
                .try_update_value(|sent| {
                    let fresh = !sent.contains(&key);
                    if fresh {
                        sent.push(key);
                    }
                    fresh
                })
                .unwrap_or(false);
            if let (true, Some(event)) = (fresh, HostEvent::incident(event)) {
                instance.send(event);
            }
        }
    }

    /// Carries out a command from the host CRM on the board: an incident it holds, a unit's
    /// report, units' statuses, an event stored. What it changes is shown under "From the CRM";
    /// what the board refuses is answered with an `error` naming the rule, never the values.
    fn take_from_host(self, command: HostCommand, reply: Reply) {
        let pack = self.pack.get_value();
        let kind = command.type_name();
        let now = now_ms();
        let change: BoardChange = match command {
            HostCommand::IncidentAck(ack) => Box::new(move |b: &mut Board| {
                b.stored(&ack.key);
                Ok(String::new())
            }),
            HostCommand::IncidentOpen(_)
            | HostCommand::ReviewAdd(_)
            | HostCommand::IncidentReport(_) => {
                let command = match command {
                    HostCommand::IncidentOpen(open) => BoardCommand::Known(open.opening(now)),
                    HostCommand::ReviewAdd(add) => BoardCommand::Reviews(add.items(&pack)),
                    HostCommand::IncidentReport(report) => report.command(),
                    _ => return,
                };
                Box::new(move |b: &mut Board| {
                    b.apply(&pack, now, HOST, command).map_err(|r| r.rule())
                })
            }
            HostCommand::ResourcesUpdate(update) => Box::new(move |b: &mut Board| {
                // Units these procedures do not have are left out, and counted.
                let (known, unknown): (Vec<_>, Vec<_>) = update
                    .units
                    .into_iter()
                    .partition(|u| pack.unit(&u.id).is_some());
                let said = b
                    .apply(&pack, now, HOST, BoardCommand::Statuses(known))
                    .map_err(|r| r.rule())?;
                Ok(match unknown.len() {
                    0 => said,
                    n => format!("{said} ({n} unit(s) these procedures do not have were ignored)"),
                })
            }),
            _ => return,
        };
        leptos::task::spawn_local(async move {
            match board::update(change).await {
                Ok((kept, said)) => {
                    self.board.try_set(kept);
                    if !said.is_empty() {
                        self.said.try_set(Some(Said {
                            place: "host".to_owned(),
                            result: Ok(format!("From the CRM: {said}.")),
                        }));
                    }
                }
                Err(rule) => reply.refused(Rejection::not_applied(kind, rule)),
            }
        });
    }

    /// What was said at `place`, as a status line or an alert, if anything was.
    fn said_at(self, place: impl Into<String>) -> impl IntoView {
        let place = place.into();
        live(move || {
            self.said
                .get()
                .filter(|s| s.place == place)
                .map(|s| match s.result {
                    Ok(text) => {
                        view! { <p class="idk-confirmation" role="status">{text}</p> }.into_any()
                    }
                    Err(why) => view! { <p class="idk-notice" role="alert">{why}</p> }.into_any(),
                })
        })
    }

    /// Chooses `reference` and moves focus to its heading.
    fn choose(self, reference: String) {
        self.selected.set(Some(reference));
        self.instance.focus_soon("idk-incident-heading");
    }
}

/// Key A (no modifier, not while typing in a field) takes focus to the alerts' heading, from
/// wherever the supervisor is on the page; Tab then reaches the first alert's actions.
fn to_the_alerts(event: leptos::ev::KeyboardEvent) {
    if event.key() != "a" && event.key() != "A" {
        return;
    }
    if event.ctrl_key() || event.alt_key() || event.meta_key() || typing_in_a_field(&event) {
        return;
    }
    event.prevent_default();
    Instance::current().focus_soon("idk-alerts-title");
}

/// The console page: the pack at `pack_url`, then the board.
#[component]
pub fn App(
    /// Where to fetch the procedure pack from, relative to the page.
    pack_url: String,
) -> impl IntoView {
    let loaded = RwSignal::new(None::<Result<Arc<Pack>, String>>);
    let role = RwSignal::new(None::<Role>);
    let by = StoredValue::new(agent_id_or("supervisor"));
    let history = RwSignal::new(Vec::<PriorCall>::new());
    // The console once its pack is loaded; the host's commands before then wait for it.
    let ready = StoredValue::new_local(None::<Console>);
    let waiting = StoredValue::new_local(Vec::<(HostCommand, Reply)>::new());
    let instance = Instance::connect(
        move |command, reply| match command {
            HostCommand::Configure(configure) => {
                theme_own_page(&configure.theme);
                by.set_value(configure.agent_id);
                role.set(Some(configure.role));
            }
            HostCommand::HistorySet(set) => {
                history.set(set.calls.iter().map(|c| c.prior()).collect())
            }
            HostCommand::Teardown(_) => {
                role.set(None);
                by.set_value(agent_id_or("supervisor"));
                history.set(Vec::new());
                leptos::task::spawn_local(async move {
                    match board::sign_out().await {
                        Ok((kept, unsent)) => {
                            if let Some(console) = ready.try_get_value().flatten() {
                                console.board.try_set(kept);
                                console.selected.try_set(None);
                                console.said.try_set(None);
                            }
                            reply.torn_down(unsent);
                        }
                        Err(why) => reply.teardown_failed(&why),
                    }
                });
            }
            HostCommand::IncidentOpen(_)
            | HostCommand::IncidentReport(_)
            | HostCommand::IncidentAck(_)
            | HostCommand::ReviewAdd(_)
            | HostCommand::ResourcesUpdate(_) => match ready.try_get_value().flatten() {
                Some(console) => console.take_from_host(command, reply),
                None => waiting.update_value(|w| w.push((command, reply))),
            },
            HostCommand::Welcome(_) => {}
            // The call screen's.
            _ => reply.refused(Rejection::not_for_this_page(
                command.type_name(),
                Page::CallScreen.name(),
            )),
        },
        // Nothing else waits for the port here: the bridge holds the events made before it opens.
        || {},
    );
    let embedded = !instance.is_standalone();
    // Drawn again only when whether the console is for them changes, not on every configure.
    let allowed = memo(move || role.get().is_none_or(|r| r.may_open(Page::Console)));
    let url = pack_url.clone();
    leptos::task::spawn_local(async move {
        let pack = fetch_pack(&url)
            .await
            .map(|(pack, _)| Arc::new(pack))
            .map_err(|e| e.at(&url));
        if pack.is_err() {
            mark_settled(Settled::PackError);
        }
        loaded.try_set(Some(pack));
    });
    view! {
        <div class="idk idk-console" on:keydown=handler(to_the_alerts)>
            <header class="idk-header">
                <h1 class="idk-title">"Supervisor's console"</h1>
                <p class="idk-subtitle">
                    "Incident Desk · deploy, task and monitor until closed · "
                    <a href="index.html">"call screen"</a>
                </p>
            </header>
            <main class="idk-main">
                {move || match loaded.get() {
                    None => view! { <p class="idk-muted" role="status">"Loading the procedures…"</p> }.into_any(),
                    Some(Err(why)) => view! { <p class="idk-notice" role="alert">{why}</p> }.into_any(),
                    // Signed in by the host as someone the console is not for: none of it is shown.
                    Some(Ok(_)) if !allowed.get() => {
                        view! { <NotYourPage page=Page::Console role=role /> }.into_any()
                    }
                    Some(Ok(pack)) => {
                        let console = console_view(pack, by, embedded, history);
                        ready.set_value(Some(console.0));
                        for (command, reply) in waiting.try_update_value(std::mem::take).unwrap_or_default() {
                            console.0.take_from_host(command, reply);
                        }
                        console.1.into_any()
                    }
                }}
            </main>
        </div>
    }
}

/// The console for `pack`, and its view.
fn console_view(
    pack: Arc<Pack>,
    by: StoredValue<String>,
    embedded: bool,
    history: RwSignal<Vec<PriorCall>>,
) -> (Console, impl IntoView) {
    let console = Console {
        pack: StoredValue::new(pack.clone()),
        board: RwSignal::new(Board::default()),
        unreadable: RwSignal::new(None),
        handed: RwSignal::new(Vec::new()),
        now: RwSignal::new(now_ms()),
        selected: RwSignal::new(None),
        said: RwSignal::new(None),
        by,
        embedded: StoredValue::new(embedded),
        sent: StoredValue::new(Vec::new()),
        history,
        instance: Instance::current(),
    };
    // Read once, then again whenever another tab changes it (a handler closing a call here).
    console.reload(true);
    // Dropped (the channel closed) when the console is; only ever touched on the page's thread.
    let listener = send_wrapper::SendWrapper::new(board::on_change(move || console.reload(false)));
    let ticking = every_second(move || console.now.set(now_ms()));
    on_cleanup(move || {
        drop(listener);
        if let Some(t) = ticking {
            t.clear();
        }
    });
    let organisation = format!(
        "{} · procedures version {}",
        pack.file().organisation.name,
        pack.file().version
    );
    let view = view! {
        <p class="idk-muted">{organisation}</p>
        {console.said_at("host")}
        {live(move || {
            let waiting = console.board.with(|b| b.outbox.len());
            (console.embedded.get_value() && waiting > 0).then(|| view! {
                <p class="idk-muted" role="status">{format!("{waiting} change(s) not yet stored by the CRM: they are sent again until it says it has them.")}</p>
            })
        })}
        {live(move || console.unreadable.get().map(|why| view! {
            <p class="idk-notice" role="alert">{why}</p>
        }))}
        {live(move || console.handed.get().into_iter().map(|why| view! {
            <p class="idk-notice" role="alert">{why}</p>
        }).collect_any())}
        {alerts_view(console)}
        <div class="idk-console-grid">
            {open_incidents_view(console)}
            {detail::incident_view(console)}
        </div>
        {open_form(console)}
        {units::units_view(console)}
        {review::review_view(console)}
    };
    (console, view)
}

/// Every overdue clock of every open incident, most overdue first: each its own `role="alert"`,
/// drawn when it appears (so it is announced once) and gone only when what it waits for happens.
fn alerts_view(console: Console) -> impl IntoView {
    // A memo: the list and its count change only when an alert comes or goes, not every second.
    let all = memo(move || {
        let pack = console.pack.get_value();
        let now = console.now.get();
        console.board.with(|b| {
            b.open()
                .flat_map(|i| {
                    alerts(&pack, i, now)
                        .into_iter()
                        .map(|a| (i.reference.clone(), a))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
    });
    let items = move || all.get();
    let count = move || all.with(Vec::len);
    view! {
        <section class="idk-card idk-alerts" aria-labelledby="idk-alerts-title">
            <h2 class="idk-card-title" id="idk-alerts-title" tabindex="-1">
                {live(move || match count() {
                    0 => "Alerts: none".to_owned(),
                    1 => "Alerts: 1 overdue".to_owned(),
                    n => format!("Alerts: {n} overdue"),
                })}
            </h2>
            {live(move || (count() > 0).then(|| view! {
                <p class="idk-muted">"Press A (anywhere but in a box you type in) to come back here."</p>
            }))}
            {console.said_at("alerts")}
            <ul class="idk-alert-list">
                {keyed(
                    items,
                    |(reference, alert)| format!("{reference}/{:?}", alert.countdown.clock),
                    move |(reference, alert)| {
                        let due = hours_minutes(alert.countdown.due, None);
                        let text = format!("{reference}: {} (due {due})", alert.text);
                        let actions = alert
                            .actions
                            .iter()
                            .map(|action| alert_button(console, &reference, &alert, *action))
                            .collect_any();
                        // Chased already: said under the alert (outside it: not announced again).
                        let chased = {
                            let clock = alert.countdown.clock.clone();
                            let reference = reference.clone();
                            move || match clock {
                                Clock::AcknowledgeBy(n) | Clock::UpdateBy(n) => console.board.with(|b| {
                                    b.incident(&reference)
                                        .and_then(|i| i.deployment(n))
                                        .and_then(|d| d.chased.last().copied())
                                        .filter(|at| *at >= alert.countdown.due)
                                        .map(|at| format!("Chased at {}", hours_minutes(at, None)))
                                }),
                                _ => None,
                            }
                        };
                        view! {
                            <li class="idk-alert">
                                <p role="alert" class="idk-alert-text">{text}</p>
                                <p class="idk-muted">{live(chased)}</p>
                                <div class="idk-actions">{actions}</div>
                            </li>
                        }
                        .into_any()
                    },
                )}
            </ul>
        </section>
    }
}

/// A button that acts on an alert: a chase is recorded at once; the others take the supervisor
/// to the incident's part where it is done.
fn alert_button(
    console: Console,
    reference: &str,
    alert: &incident_engine::incident::Alert,
    action: AlertAction,
) -> AnyView {
    use incident_engine::incident::Command;
    let clock = &alert.countdown.clock;
    let reference = reference.to_owned();
    let deployment = match clock {
        Clock::AcknowledgeBy(n) | Clock::UpdateBy(n) => Some(*n),
        _ => None,
    };
    let organisation = match clock {
        Clock::OrganisationBy(o) => Some(o.clone()),
        _ => None,
    };
    // Named for what it acts on: two units overdue on one incident are two sets of buttons.
    let subject = match (deployment, &organisation) {
        (Some(n), _) => console.board.with_untracked(|b| {
            b.incident(&reference)
                .and_then(|i| i.deployment(n))
                .map(|d| d.call_sign.clone())
        }),
        (None, Some(o)) => console
            .pack
            .get_value()
            .external_organisation(o)
            .map(|x| x.name.clone()),
        _ => None,
    };
    // Named for what it acts on: a unit or organisation in its text; otherwise the alert it
    // answers is said after the visible words (two overdue clocks on one incident both offer
    // Escalate).
    let (label, name) = match (action, subject) {
        (AlertAction::Chase | AlertAction::Redeploy, Some(subject)) => {
            let label = format!("{} {subject} ({reference})", action.label());
            (label.clone(), label)
        }
        _ => {
            let label = format!("{} ({reference})", action.label());
            let name = format!("{label}: {}", alert.text);
            (label, name)
        }
    };
    let go = move |_| {
        let here = reference.clone();
        match (action, deployment) {
            (AlertAction::Chase, Some(n)) => console.dispatch(
                "alerts".to_owned(),
                BoardCommand::To {
                    incident: here,
                    command: Command::Chase { deployment: n },
                },
                None,
            ),
            (AlertAction::Chase, None) => {
                // An organisation is chased by telephone: the note says so.
                let name = organisation.clone().unwrap_or_default();
                console.dispatch(
                    "alerts".to_owned(),
                    BoardCommand::To {
                        incident: here,
                        command: Command::Note {
                            text: format!("Chased {name} for an acknowledgement"),
                        },
                    },
                    None,
                )
            }
            (AlertAction::Redeploy, Some(n)) => {
                console.selected.set(Some(here));
                console.instance.focus_soon(format!("idk-standdown-{n}"));
            }
            (AlertAction::Escalate, _) => {
                console.selected.set(Some(here));
                console.instance.focus_soon("idk-escalate-level");
            }
            _ => {
                console.selected.set(Some(here));
                console.instance.focus_soon("idk-plan-title");
            }
        }
    };
    view! {
        <button type="button" class="idk-button idk-button-secondary" aria-label=name on:click=handler(go)>{label}</button>
    }
    .into_any()
}

/// The open incidents, each with its priority, code and next clock; choosing one shows it.
fn open_incidents_view(console: Console) -> impl IntoView {
    // Keyed by reference: a row is drawn once while its incident is open (a button the
    // supervisor is on keeps its focus), and only its texts follow the board and the clock.
    let references = memo(move || {
        console
            .board
            .with(|b| b.open().map(|i| i.reference.clone()).collect::<Vec<_>>())
    });
    view! {
        <section class="idk-card idk-incidents" aria-labelledby="idk-incidents-title">
            <h2 class="idk-card-title" id="idk-incidents-title">"Open incidents"</h2>
            {live(move || references.with(Vec::is_empty).then(|| view! {
                <p class="idk-muted">"No open incidents. Open one below, or from a handler's call."</p>
            }))}
            <ul class="idk-incident-list">
                {keyed(move || references.get(), Clone::clone, move |reference| incident_choice(console, reference))}
            </ul>
        </section>
    }
}

/// An open incident on the list: its reference, what and where, and its next clock.
fn incident_choice(console: Console, reference: String) -> AnyView {
    let pack = console.pack.get_value();
    let (r1, r2, r3) = (reference.clone(), reference.clone(), reference.clone());
    let what = move || {
        console.board.with(|b| {
            b.incident(&r1).map(|i| {
                let title = pack.code(&i.code).map_or("", |c| c.title.as_str());
                format!("{} · {} {} · {}", i.priority, i.code, title, i.location)
            })
        })
    };
    let pack = console.pack.get_value();
    let state = move || {
        let now = console.now.get();
        console.board.with(|b| {
            b.incident(&r2).map(|i| {
                let next = countdowns(&pack, i)
                    .into_iter()
                    .filter(|c| c.met_at.is_none())
                    .min_by_key(|c| c.due)
                    .map(|c| countdown_text(&c.label, c.due, now))
                    .unwrap_or_else(|| "nothing waited on".to_owned());
                format!("{} deployed · next: {next}", i.active().count())
            })
        })
    };
    let current =
        move || (console.selected.get().as_deref() == Some(r3.as_str())).then_some("true");
    let label = reference.clone();
    let choose = move |_| console.choose(reference.clone());
    view! {
        <li>
            <button type="button" class="idk-incident-choice" aria-current=current on:click=handler(choose)>
                <strong>{label}</strong>
                <span>{live(what)}</span>
                <span class="idk-muted">{live(state)}</span>
            </button>
        </li>
    }
    .into_any()
}

/// Every zone the pack's units work in, once each and in order, as a select's options.
fn zone_options(pack: &Pack) -> Vec<AnyView> {
    let mut zones: Vec<String> = pack
        .file()
        .resources
        .units
        .iter()
        .map(|u| u.zone.clone())
        .collect();
    zones.sort();
    zones.dedup();
    zones
        .into_iter()
        .map(|z| view! { <option value=z.clone()>{z.clone()}</option> })
        .collect_any()
}

/// A labelled text box bound to `value`; `class` is `idk-field` or `idk-field idk-field-wide`.
fn text_field(
    value: RwSignal<String>,
    id: impl Into<String>,
    label: impl Into<String>,
    class: &'static str,
) -> AnyView {
    let id = id.into();
    view! {
        <div class=class>
            <label for=id.clone()>{label.into()}</label>
            <input id=id type="text" prop:value=move || value.get() on:input=handler(move |ev| value.set(event_target_value(&ev))) />
        </div>
    }
    .into_any()
}

/// "a unit to be tasked: in 4:10", or "overdue by 3:00".
fn countdown_text(label: &str, due: u64, now: u64) -> String {
    if now > due {
        format!("{label}: overdue by {}", clock_text(now - due))
    } else {
        format!("{label}: in {}", clock_text(due - now))
    }
}

/// Opening an incident by hand (one reported other than by a call, or found by a patrol).
fn open_form(console: Console) -> impl IntoView {
    let pack = console.pack.get_value();
    let reference = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let priority = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let summary = RwSignal::new(String::new());
    let zone = RwSignal::new(String::new());
    let vulnerable = RwSignal::new(false);
    let zones = zone_options(&pack);
    let codes = pack
        .file()
        .codes
        .iter()
        .map(|c| {
            let text = format!("{} {}", c.code, c.title);
            view! { <option value=c.code.clone()>{text}</option> }
        })
        .collect_any();
    let priorities = pack
        .file()
        .priorities
        .iter()
        .map(|p| {
            let text = format!("{} {}", p.id, p.name);
            view! { <option value=p.id.clone()>{text}</option> }
        })
        .collect_any();
    let defaults = pack.clone();
    let on_code = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(c) = defaults.code(&value) {
            priority.set(c.default_priority.clone());
        }
        code.set(value);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = reference.get_untracked().trim().to_owned();
        let reference_now = if typed.is_empty() {
            console.board.with_untracked(Board::next_reference)
        } else {
            typed
        };
        console.selected.set(Some(reference_now.clone()));
        console.run(
            "open".to_owned(),
            BoardCommand::Open(Opening {
                reference: reference_now,
                code: code.get_untracked(),
                priority: priority.get_untracked(),
                location: location.get_untracked(),
                summary: summary.get_untracked(),
                vulnerable: vulnerable.get_untracked(),
                zone: Some(zone.get_untracked()),
                ..Opening::default()
            }),
            After {
                focus: Some("idk-incident-heading".to_owned()),
                refused: None,
                // Opened: the form is empty again, so the same incident is not opened twice.
                done: Some(Box::new(move || {
                    for field in [reference, code, priority, location, summary, zone] {
                        field.set(String::new());
                    }
                    vulnerable.set(false);
                })),
            },
        );
    };
    view! {
        <details class="idk-card idk-section">
            <summary class="idk-card-title">"Open an incident by hand"</summary>
            <form class="idk-inline-form" on:submit=handler(submit)>
                {text_field(reference, "idk-open-reference", "Reference (left blank: the next INC number)", "idk-field")}
                <div class="idk-field">
                    <label for="idk-open-code">"Incident code"</label>
                    <select id="idk-open-code" required prop:value=move || code.get() on:change=handler(on_code)>
                        <option value="">"Choose a code"</option>
                        {codes}
                    </select>
                </div>
                <div class="idk-field">
                    <label for="idk-open-priority">"Priority"</label>
                    <select id="idk-open-priority" required prop:value=move || priority.get() on:change=handler(move |ev| priority.set(event_target_value(&ev)))>
                        <option value="">"Choose a priority"</option>
                        {priorities}
                    </select>
                </div>
                {text_field(location, "idk-open-location", "Location", "idk-field")}
                <div class="idk-field">
                    <label for="idk-open-zone">"Zone, if known"</label>
                    <select id="idk-open-zone" prop:value=move || zone.get() on:change=handler(move |ev| zone.set(event_target_value(&ev)))>
                        <option value="">"Not known yet"</option>
                        {zones}
                    </select>
                </div>
                {text_field(summary, "idk-open-summary", "What is happening (no personal data)", "idk-field idk-field-wide")}
                <label class="idk-check">
                    <input type="checkbox" prop:checked=move || vulnerable.get() on:change=handler(move |ev| vulnerable.set(event_target_checked(&ev))) />
                    " Someone involved is vulnerable (the details stay in the call's log)"
                </label>
                <button type="submit" class="idk-button">"Open the incident"</button>
            </form>
            {console.said_at("open")}
        </details>
    }
}
