//! The top-level component: loads the procedure pack and shows either the handler's screen or,
//! when the pack cannot be used, what is wrong with it and where (F18). Never a blank widget.

use std::sync::Arc;

use incident_engine::call::{Call, PriorCall};
use incident_engine::kernel::{Page, Role};
use incident_engine::pack::resources::{Availability, UnitUpdate};
use incident_engine::protocol::deployment::Deployment;
use incident_engine::protocol::{ContextSet, HostCommand, HostEvent, Locale, Rejection};
use incident_engine::{Pack, PackLoadError};
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{keyed, live, memo, show_when};

use crate::host::clock::{date_and_time, locale_is_known, now_ms, shown_locale, ShownLocale};
use crate::host::delivery::{self, OutboxView, StorageView};
use crate::host::{
    drafts,
    instance::Instance,
    pack_source::fetch_pack,
    page::agent_id,
    page::{self, Settled},
};
use crate::ui::context::{AgentName, LiveNotices, LiveUnits, PackSource};
use crate::ui::{
    CallScreen, Greeting, NotYourPage, OutboxPanel, OverdueAlert, PackErrorPanel, Procedures,
};

/// The whole widget.
#[component]
pub fn App(
    /// Where to fetch the procedure pack from, relative to the page.
    #[prop(into)]
    pack_url: String,
) -> impl IntoView {
    // The sites a `pack.load` may name: in a host's page, the mounted pack's among them.
    let mounted_pack = pack_url.clone();
    // The pack in use; the host may load another (`pack.load`), between calls.
    let url = RwSignal::new(pack_url);
    // None until the first load ends; while another loads (`pack.load`, "Try again") the last
    // stays, and only the latest load's result is kept. A signal, not a `LocalResource`, whose
    // async machinery cost 5 KB of the call screen's wasm (issue 14). Shared, not copied: every
    // read clones what it holds.
    let pack = RwSignal::new(None::<Result<Arc<Pack>, PackLoadError>>);
    let retries = RwSignal::new(0u32);
    let loads = StoredValue::new(0u64);
    // The bytes the pack in use was read from, for the procedures (ui::Procedures).
    let source = StoredValue::new(None::<Arc<[u8]>>);
    provide_context(PackSource(source));
    crate::ui::live::effect(move || {
        let url = url.get();
        retries.track();
        let this = loads.try_update_value(|n| {
            *n += 1;
            *n
        });
        leptos::task::spawn_local(async move {
            let loaded = fetch_pack(&url).await;
            if this.is_some() && loads.try_get_value() == this {
                let loaded = loaded.map(|(checked, bytes)| {
                    // The bytes change with the pack, in the same turn.
                    source.try_set_value(Some(bytes));
                    Arc::new(checked)
                });
                pack.try_set(Some(loaded));
            }
        });
    });

    // The host page's commands (in an iframe of an allowed host, see host::bridge; or from the
    // host's script, see host::element). The instance is this widget's place on the page.
    let host_status = RwSignal::new(None::<String>);
    // Who is handling calls: `?agent=` until the host configures it; stamps each new call's log.
    let agent = RwSignal::new(agent_id());
    // What they are signed in as, recorded with each call (`configure`'s role; not said until then).
    let role = RwSignal::new(None::<Role>);
    // How times are shown to them (`configure`'s locale; the browser's until then).
    let locale = RwSignal::new(None::<Locale>);
    provide_context(ShownLocale(locale.into()));
    // The name they give callers (`configure`'s agent_name, else `?agent_name=`): fills {agent}.
    let agent_name = RwSignal::new(page::agent_name());
    provide_context(AgentName(agent_name.into()));
    // Closed calls on their way to the CRM (host::delivery), and whether the browser keeps them.
    let outbox = RwSignal::new(OutboxView::default());
    let storage = RwSignal::new(None::<StorageView>);
    // Bumped by teardown: the handler's screen starts again, empty.
    let signed_in = RwSignal::new(0u32);
    // Whether the last sign-out here could not erase: the last handler's call is still stored,
    // and is not resumed on the next handler's screen (a reload still finds it).
    let left_behind = RwSignal::new(false);
    // The CRM's context for the call ringing or open (`context.set`), until a call takes it.
    let crm_context = RwSignal::new(None);
    // Whether a call is open, and a pack the host asked for while one was (loaded when it closes).
    let in_progress = RwSignal::new(false);
    let pending_pack = RwSignal::new(None::<String>);
    crate::ui::live::effect(move || {
        if !in_progress.get() {
            if let Some(next) = pending_pack.get() {
                pending_pack.set(None);
                host_status.set(Some("Loading the procedures the CRM asked for…".to_owned()));
                url.set(next);
            }
        }
    });
    // The widget's outbox lane, once connected (below); commands that need it wait for it.
    let lane = StoredValue::new_local(None::<delivery::Lane>);
    let me = StoredValue::new_local(None::<Instance>);
    // Live unit statuses: the pack's, with the latest status the host has sent for each unit.
    let unit_updates = RwSignal::new(Vec::<UnitUpdate>::new());
    let units = memo(move || {
        let mut live = match pack.get() {
            Some(Ok(pack)) => Availability::of(&pack),
            _ => Availability::default(),
        };
        unit_updates.with(|all| live.update(all));
        live
    });
    provide_context(LiveUnits(units));
    // Live notices: the host's latest list replaces the one before.
    let notices = RwSignal::new(Vec::new());
    provide_context(LiveNotices(notices));
    // Earlier calls for repeat-caller triggers: those handled here, and the centre's recent calls
    // the host sends (`history.set`; the last list sent replaces the one before it).
    let history = RwSignal::new(Vec::<PriorCall>::new());
    let host_history = StoredValue::new(Vec::<PriorCall>::new());
    let with_lane = move |f: &dyn Fn(&delivery::Lane)| lane.with_value(|l| l.as_ref().map(f));
    // Signed out (here, or in another tab of this origin): the call on screen goes, and with it
    // who was signed in and the CRM's context; the next handler starts from the page's defaults.
    let signed_out = move || {
        in_progress.try_set(false);
        signed_in.try_update(|n| *n += 1);
        agent.try_set(agent_id());
        agent_name.try_set(page::agent_name());
        role.try_set(None);
        crm_context.try_set(None);
        history.try_set(Vec::new());
        host_history.try_set_value(Vec::new());
    };
    let instance = Instance::connect(
        move |command, reply| match command {
            HostCommand::Configure(configure) => {
                if !me
                    .try_get_value()
                    .flatten()
                    .is_some_and(Instance::is_element)
                {
                    // In a host's page the element has set it on its `:host` already.
                    page::theme_own_page(&configure.theme);
                }
                agent.set(configure.agent_id);
                agent_name.set(configure.agent_name);
                role.set(Some(configure.role));
                match configure.locale {
                    Some(tag) if !locale_is_known(&tag) => {
                        host_status.set(Some(format!(
                        "This browser does not know the locale {}; times are shown its own way.",
                        tag.as_str()
                    )));
                        locale.set(None);
                    }
                    given => locale.set(given),
                }
                // The storage key (encryption at rest): once it is in, what was locked is read again:
                // the outbox, and a saved call when none is on screen.
                if let Some(key) = configure.storage_key.clone() {
                    leptos::task::spawn_local(async move {
                        match crate::host::store::set_key(Some(key.bytes())).await {
                            Ok(true) => {
                                if let Some(lane) = lane.try_get_value().flatten() {
                                    lane.storage_unlocked();
                                }
                                if !in_progress.get_untracked() {
                                    signed_in.try_update(|n| *n += 1);
                                }
                            }
                            Ok(false) => {}
                            Err(e) => {
                                host_status.try_set(Some(format!(
                                "The CRM's storage key could not be used, so call data is kept unencrypted: {e}"
                            )));
                            }
                        }
                    });
                }
                // The endpoint only where the deployment lists it: the page may not send entries
                // anywhere the organisation has not (a refused one changes nothing, and is said, in
                // answer to this configure: where and why, never the address).
                let (endpoint, token) = (configure.endpoint.clone(), configure.token.clone());
                let at = reply.payload_root();
                leptos::task::spawn_local(async move {
                    let refused = match (&endpoint, crate::host::deployment::loaded().await) {
                        (None, _) => None,
                        (Some(_), Ok(deployment)) => {
                            deployment.refuse_endpoint(endpoint.as_ref(), at)
                        }
                        (Some(e), Err(_)) => Deployment::default().refuse_endpoint(Some(e), at),
                    };
                    match refused {
                        Some(rejection) => {
                            host_status.try_set(Some(
                            "The CRM asked to send closed calls to an address this deployment does not allow; they go where they went."
                                .to_owned(),
                        ));
                            reply.refused(rejection);
                        }
                        None => {
                            if let Some(lane) = lane.try_get_value().flatten() {
                                lane.set_endpoint(endpoint, token);
                            }
                        }
                    }
                });
            }
            HostCommand::ContextSet(context) => crm_context.set(Some(context)),
            HostCommand::NoticesSet(set) => notices.set(set.notices),
            HostCommand::HistorySet(set) => {
                let sent: Vec<PriorCall> = set.calls.iter().map(|c| c.prior()).collect();
                let before = host_history.get_value();
                history.update(|all| {
                    all.retain(|c| !before.contains(c));
                    // A call taken here that the host lists too is counted once.
                    for call in &sent {
                        if !all.contains(call) {
                            all.push(call.clone());
                        }
                    }
                });
                host_history.set_value(sent);
            }
            // The console's: not acted on here, and said so.
            HostCommand::IncidentOpen(_)
            | HostCommand::IncidentReport(_)
            | HostCommand::IncidentAck(_)
            | HostCommand::ReviewAdd(_) => {
                reply.refused(Rejection::not_for_this_page(
                    command.type_name(),
                    Page::Console.name(),
                ));
            }
            HostCommand::ResourcesUpdate(update) => {
                let unknown = units.with_untracked(|live| live.clone().update(&update.units));
                unit_updates.update(|all| {
                    // The latest status of each unit the host has named.
                    all.retain(|old| update.units.iter().all(|new| new.id != old.id));
                    all.extend(update.units.iter().cloned());
                });
                if !unknown.is_empty() && pack.get_untracked().is_some() {
                    host_status.set(Some(format!(
                    "{} unit status(es) from the CRM are for units these procedures do not have; they were ignored.",
                    unknown.len()
                )));
                }
            }
            HostCommand::PackLoad(load) => {
                let Some(me) = me.try_get_value().flatten() else {
                    return;
                };
                let sites = me.pack_sites(&mounted_pack);
                if sites.allows(&load.url) {
                    if in_progress.get_untracked() {
                        host_status.set(Some(
                            "New procedures will load when this call closes.".to_owned(),
                        ));
                    }
                    pending_pack.set(Some(load.url.as_str().to_owned()));
                } else {
                    me.send(HostEvent::pack_refused(&sites));
                }
            }
            HostCommand::EntryAck(ack) => {
                host_status.set(Some("The CRM has stored the log entry.".to_owned()));
                with_lane(&|l| l.host_acked(ack.key.clone()));
            }
            HostCommand::EntryNack(nack) => {
                host_status.set(Some(format!(
                    "The CRM did not store the log entry: {}",
                    nack.reason
                )));
                with_lane(&|l| l.host_nacked(nack.clone()));
            }
            HostCommand::Teardown(_) => {
                leptos::task::spawn_local(async move {
                    let (Some(lane), Some(me)) =
                        (lane.try_get_value().flatten(), me.try_get_value().flatten())
                    else {
                        // Gone before it started: never said to be done.
                        reply.teardown_failed(
                            "the widget was taken off the page before it could erase",
                        );
                        return;
                    };
                    let cleared = lane.teardown(me.name().as_deref()).await;
                    // The sign-in held in memory goes whatever the store did: the erasing forgets the
                    // endpoint, the token and the storage key only once it has committed, and one
                    // that failed must not leave them for the next handler.
                    lane.set_endpoint(None, None);
                    if me.is_element() {
                        // The host's script is still there: entries for the host page go to it (an
                        // iframe's host is ready again only with the next handshake).
                        lane.host_ready();
                    }
                    let _ = crate::host::store::set_key(None).await;
                    // A fresh screen for the next handler: nothing of the last one's is left on it.
                    left_behind.try_set(cleared.is_err());
                    signed_out();
                    host_status.try_set(Some(match &cleared {
                    Ok(0) => "Signed out: this browser holds no call data.".to_owned(),
                    Ok(kept) => format!(
                        "Signed out. {kept} closed call(s) not yet delivered are kept until the CRM has them; everything else is cleared."
                    ),
                    Err(e) => format!("Signed out, but local data could not be cleared: {e}"),
                }));
                    // Said only now, once the erasing has committed (or has failed: then never said
                    // done); then a new session starts.
                    match cleared {
                        Ok(kept) => reply.torn_down(kept),
                        Err(e) => reply.teardown_failed(&e.to_string()),
                    }
                });
            }
            // The handshake is the bridge's; nothing else is left.
            HostCommand::Welcome(_) => {}
        },
        // Each time the host's port opens, entries waiting are due, and this tab offers to
        // deliver them.
        || delivery::own_page().host_ready(),
    );

    me.set_value(Some(instance));
    // Another tab signed this widget out: its call is dropped here too, never written back.
    let elsewhere =
        crate::host::drafts::on_teardown_elsewhere(instance.name().as_deref(), move || {
            signed_out();
            host_status.try_set(Some(
                "Signed out in another tab: the call on this screen was cleared.".to_owned(),
            ));
        });
    let elsewhere = StoredValue::new_local(elsewhere);
    on_cleanup(move || drop(elsewhere.try_update_value(Option::take)));
    // The widget's outbox: the page's own (`""`), or this named widget's in a host's page.
    let started = delivery::start(
        delivery::Lane::of(instance.name().as_deref()),
        move |event| instance.send(event),
        move |view| {
            outbox.try_set(view);
        },
    );
    if instance.is_element() {
        // The host's script is there from the start: no handshake to wait for.
        started.host_ready();
    }
    provide_context(started.clone());
    lane.set_value(Some(started));
    delivery::ask_to_persist(move |view| {
        storage.try_set(Some(view));
    });
    // Storage fills as entries wait: how full it is is asked again whenever the outbox holds more.
    let held = memo(move || {
        outbox.with(|v| {
            v.status
                .map_or(0, |s| s.pending + s.in_flight + s.dead_letters)
        })
    });
    Effect::new(move |previous: Option<usize>| {
        let now = held.get();
        if previous.is_some_and(|before| now > before) {
            leptos::task::spawn_local(async move {
                if let Some(usage) = delivery::storage_usage().await {
                    storage.try_update(|s| {
                        if let Some(s) = s {
                            s.usage = Some(usage);
                        }
                    });
                }
            });
        }
        now
    });

    crate::ui::live::effect(move || match pack.get() {
        Some(Ok(pack)) => {
            if let Some(lane) = lane.try_get_value().flatten() {
                lane.apply_retention(pack.file().retention);
            }
            instance.mark_settled(Settled::Ready);
            instance.send(HostEvent::pack_loaded(&pack));
            host_status.update(|s| {
                if s.as_deref() == Some("Loading the procedures the CRM asked for…") {
                    *s = Some(format!(
                        "Procedures loaded: {} version {}.",
                        pack.file().organisation.name,
                        pack.file().version
                    ));
                }
            });
        }
        Some(Err(error)) => {
            instance.mark_settled(Settled::PackError);
            instance.send(HostEvent::pack_error(&error));
        }
        None => {}
    });

    view! {
        <div class="idk">
            <p class="idk-host-status" role="status">{live(move || host_status.get())}</p>
            <OverdueAlert outbox=outbox />
            {live(move || match pack.get() {
                None => view! { <p class="idk-loading" role="status">"Loading procedures…"</p> }.into_any(),
                // Signed in by the host as someone this page is not for (an assessor): nothing of
                // it is shown, and nothing of a call can start.
                Some(Ok(_)) if role.get().is_some_and(|r| !r.may_open(Page::CallScreen)) => {
                    view! { <NotYourPage page=Page::CallScreen role=role /> }.into_any()
                }
                Some(Ok(pack)) => {
                    signed_in.track();
                    let resume_saved = !left_behind.get_untracked();
                    view! {
                        <HandlerScreen pack=pack agent=agent role=role crm_context=crm_context in_progress=in_progress resume_saved=resume_saved history=history />
                        <OutboxPanel outbox=outbox storage=storage agent=agent />
                    }
                        .into_any()
                }
                Some(Err(error)) => {
                    view! {
                        <main class="idk-main">
                            <h1 class="idk-title">"Incident Desk"</h1>
                            <PackErrorPanel url=url.get_untracked() error=error on_retry=move || retries.update(|n| *n += 1) />
                        </main>
                    }
                        .into_any()
                }
            })}
        </div>
    }
}

/// The handler's screen for a loaded pack.
#[component]
fn HandlerScreen(
    /// The loaded, checked procedure pack.
    pack: Arc<Pack>,
    /// The handler's id, for each new call's log.
    agent: RwSignal<String>,
    /// What they are signed in as, if the host said; recorded with each new call.
    role: RwSignal<Option<Role>>,
    /// The CRM's context for the next or open call.
    crm_context: RwSignal<Option<ContextSet>>,
    /// Whether a call is open: a new one cannot be answered over it (it would be lost), and new
    /// procedures wait for it to close.
    in_progress: RwSignal<bool>,
    /// Whether to look for a saved call to resume: not after a sign-out that could not erase,
    /// whose last handler's call would otherwise come back on the next handler's screen.
    resume_saved: bool,
    /// Earlier calls, for repeat-caller triggers: handled here, and the host's; a call joins them
    /// when it closes.
    history: RwSignal<Vec<PriorCall>>,
) -> impl IntoView {
    let file = pack.file();
    let (version, organisation) = (file.version.clone(), file.organisation.name.clone());
    let greeting = file.wording.greeting.clone();
    let (browsing, set_browsing) = signal(false);
    // Each answered call gets a fresh `Call`, opened when the handler answers.
    let (calls_answered, set_calls_answered) = signal(0u32);
    let call_pack = pack.clone();
    // A call in progress saved before a reload or a crash: resumed at once, field for field.
    let restored = StoredValue::new(None::<Call>);
    let draft_problem = RwSignal::new(None::<String>);
    let retention_notice = RwSignal::new(None::<String>);
    let draft_pack = pack.clone();
    // This widget's draft (each widget on a page has its own); `try_` setters, as the widget may
    // have been unmounted (destroyed by its host) before the store answers.
    let me = Instance::current();
    let draft_key = StoredValue::new(me.draft_key());
    // "Answer call" waits until any saved call has been looked for (it would be resumed instead).
    let looked = RwSignal::new(false);
    // Unfinished calls are kept only as long as the organisation says (F21).
    let keep_ms = pack.file().retention.draft_ms();
    let keep_hours = match pack.file().retention.draft_hours {
        1 => "1 hour".to_owned(),
        n => format!("{n} hours"),
    };
    leptos::task::spawn_local(async move {
        if !resume_saved {
            looked.try_set(true);
            return;
        }
        // This tab's drafts, and a call a closed tab left unfinished, become this tab's. A failure
        // here is the store's, which loading the draft then reports.
        let _ = drafts::claim(me.name().as_deref()).await;
        // The key may have changed (a duplicated tab takes a new id).
        let key = me.draft_key();
        draft_key.try_set_value(key.clone());
        match drafts::load(&key).await {
            Ok(Some(text)) => match Call::from_draft(&draft_pack, &text) {
                Ok(call) if call.touched_at().saturating_add(keep_ms) < now_ms() => {
                    let _ = drafts::discard(&key).await;
                    retention_notice.try_set(Some(format!(
                        "An unfinished call last changed on {} was removed: your organisation keeps unfinished calls for {keep_hours}.",
                        date_and_time(call.touched_at(), shown_locale().get_untracked().as_ref()),
                    )));
                }
                Ok(call) if !call.is_closed() => {
                    restored.try_set_value(Some(call));
                    set_calls_answered.try_update(|n| *n += 1);
                }
                Ok(_) => {
                    let _ = drafts::discard(&key).await;
                }
                // One that cannot be resumed (another pack version) is kept for the handler to
                // see, but no longer than any other unfinished call.
                Err(_)
                    if incident_engine::call::draft::last_change(&text)
                        .is_some_and(|at| at.saturating_add(keep_ms) < now_ms()) =>
                {
                    let _ = drafts::discard(&key).await;
                    retention_notice.try_set(Some(format!(
                        "An unfinished call that could not be resumed was removed: your organisation keeps unfinished calls for {keep_hours}."
                    )));
                }
                Err(e) => {
                    draft_problem.try_set(Some(format!("{}: {e}", e.title())));
                }
            },
            Ok(None) => {}
            Err(e) => {
                draft_problem.try_set(Some(e.to_string()));
            }
        }
        looked.try_set(true);
    });
    view! {
        <header class="idk-header">
            <h1 class="idk-title">{organisation.clone()}</h1>
            <p class="idk-subtitle">"Incident Desk · procedures version " {version}</p>
            <p class="idk-signed-in">
                "Calls logged as "
                {live(move || agent.get())}
                {live(move || role.get().map(|r| format!(" · {}", role_label(r))))}
            </p>
        </header>
        <main class="idk-main">
            <Greeting organisation=organisation template=greeting />
            <p class="idk-retention" role="status">{live(move || retention_notice.get())}</p>
            {live(move || {
                draft_problem
                    .get()
                    .map(|problem| {
                        view! {
                            <div class="idk-notice" role="alert">
                                <p class="idk-notice-title">"A saved call could not be resumed"</p>
                                <p>{problem}</p>
                                <p>"It is kept until you discard it."</p>
                                <button
                                    type="button"
                                    class="idk-button idk-button-secondary"
                                    on:click=handler(move |_| {
                                        let key = draft_key.get_value();
                                        leptos::task::spawn_local(async move {
                                            match drafts::discard(&key).await {
                                                Ok(()) => draft_problem.try_set(None),
                                                Err(e) => draft_problem.try_set(Some(e.to_string())),
                                            };
                                        });
                                    })
                                >
                                    "Discard the saved call"
                                </button>
                            </div>
                        }
                    })
            })}
            {show_when(move || looked.get() && !in_progress.get(), move || {
                view! {
                    <div class="idk-answer">
                        <button
                            type="button"
                            class="idk-button"
                            on:click=handler(move |_| set_calls_answered.update(|n| *n += 1))
                        >
                            {live(move || if calls_answered.get_untracked() == 0 { "Answer call" } else { "Answer next call" })}
                        </button>
                    </div>
                }
                .into_any()
            })}
            // Keyed by the call's number, so each call gets new elements: rebuilt in place, a
            // call would inherit the last one's open sections and ticks.
            {keyed(
                move || (calls_answered.get() > 0).then_some(calls_answered.get()).into_iter().collect(),
                u32::to_string,
                move |_| {
                    view! {
                        <CallScreen
                            pack=call_pack.clone()
                            agent=agent.get_untracked()
                            role=role.get_untracked()
                            history=history
                            in_progress=in_progress
                            restored=restored.try_update_value(Option::take).flatten()
                            crm_context=crm_context
                        />
                    }
                    .into_any()
                },
            )}
            <div class="idk-browse">
                <button
                    type="button"
                    class="idk-button idk-button-secondary"
                    aria-expanded=live(move || browsing.get().to_string())
                    aria-controls="idk-preview"
                    on:click=handler(move |_| set_browsing.update(|open| *open = !*open))
                >
                    "Browse procedures"
                </button>
            </div>
            <div id="idk-preview" class="idk-browse" hidden=live(move || !browsing.get())>
                {show_when(move || browsing.get(), move || {
                    view! {
                        <Procedures heading_id="idk-preview-heading" />
                    }
                    .into_any()
                })}
            </div>
        </main>
    }
}

/// How a role reads on screen.
fn role_label(role: Role) -> &'static str {
    match role {
        Role::Handler => "call handler",
        Role::Supervisor => "supervisor",
        Role::Trainee => "trainee",
        Role::Assessor => "assessor",
    }
}
