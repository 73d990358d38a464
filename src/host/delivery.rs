//! Delivery of completed log entries to the CRM, exactly once (F17, F21; L2 1.3, L3 1.5; issue 5,
//! "Durability"). The engine decides: its [`Outbox`] what to send and when, its [`Courier`] (one
//! per lane) when this tab asks to deliver, when it runs, sleeps and wakes, which route is shown,
//! what the host is told and which token goes with which endpoint. This module tells the courier
//! what happened ([`Input`]) and carries out its [`Action`]s with the browser: IndexedDB, Web
//! Locks, fetch, timers, the BroadcastChannel and the host link. It holds no rule of its own.
//!
//! - **Closing a call** moves it to the outbox in one strict IndexedDB transaction that also removes
//!   its draft: the entry's idempotency key (UUID v4) is made then, once, and stored with it.
//! - **Every change to the outbox** (enqueue, attempt, answer, retry, purge) is a read, a change
//!   and a strict write made while holding the Web Lock [`OUTBOX_LOCK`], so two tabs (or two
//!   widgets on one page) never overwrite each other's changes.
//! - **One tab delivers**: the tab holding the Web Lock [`DELIVERY_LOCK`]. A tab asks for it only
//!   once it has somewhere to deliver to (the host's port is open, or an HTTP endpoint is
//!   configured); the others wait in the browser's queue and take over when it closes. Entries
//!   closed in any tab are delivered by that one, so two tabs never send the same key at once.
//! - **Where to**: an HTTP endpoint configured by the host (POST, `Idempotency-Key` header,
//!   aborted at the attempt's deadline); otherwise the host page over the message port
//!   (`entry.completed`, answered by `entry.ack` or `entry.nack`). With an endpoint, only its 2xx
//!   answer delivers an entry; the host page is told of each entry once, when it closes.
//! - **Retries** wait as the engine says (capped exponential backoff, full jitter), and happen at
//!   once when the browser comes back online or the host says it is ready. Permanent rejections
//!   become dead letters the handler sees and can send again; nothing is dropped.
//! - **Storage**: `navigator.storage.persist()` is asked for once and its answer shown; usage over
//!   80% of the quota is warned about.
//!
//! Entries hold personal data: nothing here writes them to the console.

use std::cell::RefCell;
use std::rc::Rc;

pub use incident_engine::delivery::courier::Route;
use incident_engine::delivery::courier::{self, Action, Courier, CrmEndpoint, Input, Write};
use incident_engine::delivery::outbox::{
    acknowledges, Attempt, AttemptId, Failure, IdempotencyKey, Outbox, OutboxStatus, Via,
};
use incident_engine::kernel::Millis;
use incident_engine::pack::Retention;
use incident_engine::protocol::{BearerToken, Endpoint, EntryNack, HostEvent};
use leptos::prelude::{set_timeout_with_handle, TimeoutHandle};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::bridge::BrowserRandom;
use super::clock::now_ms;
use super::locks::{self, holding};
use super::page::js_error_text;
use super::store::{Change, Store, StoreError};

/// The key the outbox is stored under.
pub const OUTBOX_KEY: &str = "outbox";

/// The Web Lock held while the outbox is read, changed and written.
pub const OUTBOX_LOCK: &str = "incident-desk:outbox";

/// The Web Lock held by the one tab that delivers.
pub const DELIVERY_LOCK: &str = "incident-desk:delivery";

/// The channel on which tabs tell each other the outbox changed.
const CHANNEL: &str = "incident-desk:outbox";

/// Storage use above this share of the quota is warned about.
const PRESSURE_RATIO: f64 = 0.8;

/// What the handler sees of the outbox.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutboxView {
    /// The counts, once the outbox has been read.
    pub status: Option<OutboxStatus>,
    /// Entries the CRM refused for good, oldest first.
    pub dead_letters: Vec<DeadLetterView>,
    /// Where entries go from this tab, in words.
    pub route: Route,
    /// A problem with the outbox itself (storage failing), for an alert.
    pub problem: Option<String>,
    /// How long an entry may wait before it is overdue (the pack's alert time).
    pub overdue_after_ms: u64,
}

/// A dead letter as the handler's list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetterView {
    /// Its key.
    pub key: IdempotencyKey,
    /// The entry's JSON, shown as text (only to the handler who closed it).
    pub entry: String,
    /// The handler who closed the call (the entry's `handler`), if it can be read.
    pub handler: Option<String>,
    /// Why it was refused.
    pub reason: String,
    /// When (ms since the epoch).
    pub at: u64,
    /// Attempts made.
    pub attempts: u32,
}

/// What the browser said about keeping this site's data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StorageView {
    /// The answer to `navigator.storage.persist()`: `Some(true)` when data is kept until the user
    /// clears it; `None` before it answers or where the browser cannot say.
    pub persisted: Option<bool>,
    /// Bytes used and the quota, when the browser says.
    pub usage: Option<(f64, f64)>,
}

impl StorageView {
    /// Whether storage is nearly full.
    pub fn under_pressure(&self) -> bool {
        self.usage
            .is_some_and(|(used, quota)| quota > 0.0 && used / quota > PRESSURE_RATIO)
    }
}

type Listener = Rc<dyn Fn(OutboxView)>;

/// One lane in this tab: the engine's [`Courier`], which decides, and what carries out its
/// actions.
#[derive(Default)]
struct LaneState {
    courier: Courier<BearerToken>,
    /// The outbox when IndexedDB cannot be used: this tab only, lost with it (and said so).
    memory: Option<Outbox>,
    /// The wake timer ([`Action::WakeIn`]).
    timer: Option<TimeoutHandle>,
    listener: Option<Listener>,
    /// How this lane's widget reaches its host.
    sender: Option<Rc<dyn Fn(HostEvent)>>,
    last_view: OutboxView,
    channel: Option<web_sys::BroadcastChannel>,
}

thread_local! {
    static LANES: RefCell<incident_engine::kernel::SortedMap<std::sync::Arc<str>, LaneState>> =
        const { RefCell::new(incident_engine::kernel::SortedMap::new()) };
}

/// One outbox and its delivery: the widget's own page has one (`""`), each named widget mounted
/// in a host's page its own (`":<instance>"`), so two widgets on a page deliver independently. The
/// name suffixes the storage key, the Web Locks and the channel.
#[derive(Clone, PartialEq, Eq)]
pub struct Lane(std::sync::Arc<str>);

impl Lane {
    /// The lane of the widget instance named `instance` in a host's page, or (`None`) the widget's
    /// own page's.
    pub fn of(instance: Option<&str>) -> Lane {
        Lane(std::sync::Arc::from(
            instance.map_or_else(String::new, |name| format!(":{name}")),
        ))
    }

    fn key(&self) -> String {
        format!("{OUTBOX_KEY}{}", self.0)
    }

    fn lock(&self, base: &str) -> String {
        format!("{base}{}", self.0)
    }
}

fn with_lane<T>(lane: &Lane, f: impl FnOnce(&mut LaneState) -> T) -> T {
    LANES.with(|lanes| {
        f(lanes
            .borrow_mut()
            .get_or_insert_with(lane.0.clone(), LaneState::default))
    })
}

/// Tells the lane's courier what happened, and carries out what it says, in order.
fn feed(lane: &Lane, input: Input<BearerToken>) {
    let actions = with_lane(lane, |l| l.courier.update(input));
    for action in actions {
        carry_out(lane, action);
    }
}

/// Carries out one of the courier's actions (see [`Action`] for what each asks).
fn carry_out(lane: &Lane, action: Action) {
    let owned = lane.clone();
    match action {
        Action::Listen => listen(lane),
        Action::Reread => leptos::task::spawn_local(async move { reread(&owned).await }),
        Action::RequestLock => {
            let granted = lane.clone();
            if !locks::hold_for_life(&lane.lock(DELIVERY_LOCK), move || {
                feed(&granted, Input::LockGranted)
            }) {
                // No Web Locks (an old browser): this tab delivers.
                feed(lane, Input::LockGranted);
            }
        }
        Action::MakeDue(due) => leptos::task::spawn_local(async move {
            let made = change_outbox(&owned, Vec::new(), move |o| due.apply(o, now_ms())).await;
            if let Err(e) = made {
                report_problem(&owned, e.to_string());
            }
            feed(&owned, Input::Kick);
        }),
        Action::Purge => leptos::task::spawn_local(async move {
            let purged = change_outbox(&owned, Vec::new(), |o| {
                o.purge(now_ms());
            })
            .await;
            if let Err(e) = purged {
                report_problem(&owned, e.to_string());
            }
        }),
        Action::StartRun => leptos::task::spawn_local(async move { run(&owned).await }),
        Action::ClearTimer => {
            if let Some(timer) = with_lane(lane, |l| l.timer.take()) {
                timer.clear();
            }
        }
        Action::WakeIn(delay) => wake_in(lane, delay),
        Action::Post { endpoint, attempt } => {
            leptos::task::spawn_local(async move { post(&owned, endpoint, attempt).await })
        }
        Action::Offer(attempt) => offer(lane, attempt),
        Action::Tell(tell) => {
            // Only an entry that is not JSON cannot be told, and the engine made it JSON.
            if let Ok(event) = HostEvent::told(tell) {
                emit(lane, event);
            }
        }
        Action::ShowRoute(route) => amend_view(lane, |view| view.route = route),
    }
}

/// Listens for the network coming back and for other tabs' changes to the outbox.
fn listen(lane: &Lane) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let online = lane.clone();
    let on_online = Closure::<dyn Fn()>::new(move || feed(&online, Input::Online));
    let _ = window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    on_online.forget();
    if let Ok(channel) = web_sys::BroadcastChannel::new(&lane.lock(CHANNEL)) {
        let changed = lane.clone();
        let on_message = Closure::<dyn Fn()>::new(move || feed(&changed, Input::StoredElsewhere));
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        with_lane(lane, |l| l.channel = Some(channel));
    }
}

/// Reads the stored outbox: a new one when there is none. One that cannot be read is kept aside
/// under its own key (never lost) and a new one started, with the problem reported.
async fn read(lane: &Lane, store: &Store) -> Result<(Outbox, Option<String>), StoreError> {
    match store.get(&lane.key()).await? {
        None => Ok((Outbox::default(), None)),
        Some(text) => match Outbox::from_json(&text) {
            Ok(outbox) => Ok((outbox, None)),
            Err(e) => {
                let aside = format!("{}-unreadable-{}", lane.key(), now_ms());
                store
                    .write(&[
                        Change::Put {
                            key: aside.clone(),
                            value: text,
                        },
                        Change::Delete(lane.key()),
                    ])
                    .await?;
                Ok((
                    Outbox::default(),
                    Some(format!(
                        "The stored outbox could not be read ({e}); it is kept as \"{aside}\" for your supervisor."
                    )),
                ))
            }
        },
    }
}

/// Reads the outbox, applies `change`, and writes it back with `also` in one strict transaction,
/// holding the outbox lock. Returns what `change` returned.
async fn change_outbox<T: 'static>(
    lane: &Lane,
    also: Vec<Change>,
    change: impl FnOnce(&mut Outbox) -> T + 'static,
) -> Result<T, StoreError> {
    // The work is not generic (compiled once, not once per caller: issue 14, size); what `change`
    // returns comes back through this slot.
    let slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let filled = slot.clone();
    change_outbox_once(
        lane,
        also,
        Box::new(move |outbox| filled.set(Some(change(outbox)))),
    )
    .await?;
    slot.take()
        .ok_or_else(|| StoreError("the outbox was not changed".into()))
}

/// [`change_outbox`]'s work.
async fn change_outbox_once(
    lane: &Lane,
    also: Vec<Change>,
    change: Box<dyn FnOnce(&mut Outbox)>,
) -> Result<(), StoreError> {
    let Some(store) = backing().await else {
        // No IndexedDB: this tab's memory.
        with_lane(lane, |l| {
            change(l.memory.get_or_insert_with(Outbox::default))
        });
        publish_memory(lane);
        return Ok(());
    };
    let held = lane.clone();
    let outcome = holding(&lane.lock(OUTBOX_LOCK), async move {
        let lane = &held;
        let (mut outbox, problem) = read(lane, &store).await?;
        let before = outbox.clone();
        with_lane(lane, |l| l.courier.apply_policy(&mut outbox));
        change(&mut outbox);
        let mut changes = match courier::write_for(&before, &outbox) {
            Write::Nothing => Vec::new(),
            Write::Delete => vec![Change::Delete(lane.key())],
            Write::Put(value) => vec![Change::Put {
                key: lane.key(),
                value,
            }],
        };
        changes.extend(also);
        if !changes.is_empty() {
            store.write(&changes).await?;
        }
        Ok::<_, StoreError>((outbox, problem))
    })
    .await
    .unwrap_or_else(|| Err(StoreError("the browser refused the outbox lock".into())))?;
    let (outbox, problem) = outcome;
    publish(lane, &outbox, problem);
    broadcast_change(lane);
    Ok(())
}

/// Tells the listener what the outbox now holds, and the courier its counts.
fn publish(lane: &Lane, outbox: &Outbox, problem: Option<String>) {
    let status = outbox.status(now_ms());
    let view = OutboxView {
        status: Some(status),
        overdue_after_ms: outbox.policy().overdue_after_ms,
        dead_letters: outbox
            .dead_letters()
            .into_iter()
            .map(|d| DeadLetterView {
                key: d.key.clone(),
                entry: d.payload.to_owned(),
                handler: incident_engine::call::entry::handler_of(d.payload),
                reason: d.reason.to_owned(),
                at: d.at,
                attempts: d.attempts,
            })
            .collect(),
        route: with_lane(lane, |l| l.courier.route()),
        problem,
    };
    with_lane(lane, |l| l.last_view = view.clone());
    feed(lane, Input::StatusComputed(status));
    if let Some(listener) = with_lane(lane, |l| l.listener.clone()) {
        listener(view);
    }
}

fn publish_memory(lane: &Lane) {
    let outbox = with_lane(lane, |l| l.memory.clone());
    if let Some(outbox) = outbox {
        publish(
            lane,
            &outbox,
            Some("This browser's storage cannot be used: closed calls are kept only while this tab is open.".into()),
        );
    }
}

/// Changes the view last shown as `amend` says, keeps it, and shows it.
fn amend_view(lane: &Lane, amend: impl FnOnce(&mut OutboxView)) {
    let (listener, view) = with_lane(lane, |l| {
        amend(&mut l.last_view);
        (l.listener.clone(), l.last_view.clone())
    });
    if let Some(listener) = listener {
        listener(view);
    }
}

fn broadcast_change(lane: &Lane) {
    if let Some(channel) = with_lane(lane, |l| l.channel.clone()) {
        let _ = channel.post_message(&JsValue::from_str("changed"));
    }
}

/// Reads the outbox again and shows it, then kicks ([`Action::Reread`]).
async fn reread(lane: &Lane) {
    match backing().await {
        None => publish_memory(lane),
        Some(store) => match read(lane, &store).await {
            Ok((outbox, problem)) => publish(lane, &outbox, problem),
            Err(e) => report_problem(lane, e.to_string()),
        },
    }
    feed(lane, Input::Kick);
}

fn report_problem(lane: &Lane, problem: String) {
    amend_view(lane, |view| view.problem = Some(problem));
}

/// The database, or `None` when this browser's IndexedDB cannot be used (the outbox then lives in
/// this tab's memory, and the handler is told).
async fn backing() -> Option<Store> {
    super::store::shared().await.ok()
}

/// Starts the outbox lane named `name` (`""` on the widget's own page, the instance's name
/// for a widget mounted in a host's page): shows what its outbox holds, and listens for the
/// network coming back and for other tabs' changes. `sender` reaches the widget's host; `listener`
/// hears every change. A second start of the same lane only replaces the sender and listener.
/// Nothing is sent before the deployment settings are read (or given up on).
pub fn start(
    lane: Lane,
    sender: impl Fn(HostEvent) + 'static,
    listener: impl Fn(OutboxView) + 'static,
) -> Lane {
    with_lane(&lane, |l| {
        l.listener = Some(Rc::new(listener));
        l.sender = Some(Rc::new(sender));
    });
    feed(&lane, Input::Started);
    // Runs wait for the deployment settings, against which each entry's endpoint is judged (the
    // page's one read, bounded in time: host::deployment).
    let judged = lane.clone();
    leptos::task::spawn_local(async move {
        let _ = super::deployment::loaded().await;
        feed(&judged, Input::SettingsRead);
    });
    lane
}

/// Sends `event` to the lane's host, if it has one.
fn emit(lane: &Lane, event: HostEvent) {
    if let Some(sender) = with_lane(lane, |l| l.sender.clone()) {
        sender(event);
    }
}

/// The widget's own page's lane: the one an iframe's host link delivers on.
pub fn own_page() -> Lane {
    Lane::of(None)
}

impl Lane {
    /// The host configured an HTTP endpoint (or none, for postMessage only) and its bearer token
    /// (the courier decides what follows: [`Input::Configured`]).
    pub fn set_endpoint(&self, endpoint: Option<Endpoint>, token: Option<BearerToken>) {
        let endpoint = endpoint.as_ref().map(CrmEndpoint::from);
        feed(self, Input::Configured { endpoint, token });
    }

    /// The host acknowledged an entry over the port: it counts only for an entry routed to the
    /// host (an entry closed with an endpoint is delivered by the endpoint's answer alone).
    pub fn host_acked(&self, key: IdempotencyKey) {
        let lane = self.clone();
        leptos::task::spawn_local(async move { answered(&lane, key, None, Ok(())).await });
    }

    /// The host refused an entry over the port: retried later, or a dead letter if it said so
    /// (for an entry routed to the host only).
    pub fn host_nacked(&self, nack: EntryNack) {
        let lane = self.clone();
        leptos::task::spawn_local(async move {
            let key = nack.key.clone();
            let failure = nack.failure();
            let result = change_outbox(&lane, Vec::new(), move |o| {
                o.nacked_by_host(&key, failure, now_ms(), &mut BrowserRandom);
            })
            .await;
            if let Err(e) = result {
                report_problem(&lane, e.to_string());
            }
            feed(&lane, Input::Kick);
        });
    }

    /// The host page's link is open (it said `welcome` and took the port), or its script is
    /// there (a custom element).
    pub fn host_ready(&self) {
        feed(self, Input::HostReady);
    }

    /// The storage key arrived (or changed): the outbox, unreadable without it, is read again and
    /// delivered.
    pub fn storage_unlocked(&self) {
        feed(self, Input::StoredElsewhere);
    }

    /// Applies the pack's retention: delivered keys older than it go at once, and entries waiting
    /// longer than its alert time are counted overdue.
    pub fn apply_retention(&self, retention: Retention) {
        feed(self, Input::RetentionSet(retention));
    }

    /// See [`teardown`].
    pub async fn teardown(&self, instance: Option<&str>) -> Result<usize, StoreError> {
        teardown(self, instance).await
    }
}

/// A call closed: its entry joins the outbox with a new idempotency key and the route the courier
/// gives it (kept whatever is configured later), and its draft is removed, in one transaction;
/// with it, the incident it hands the supervisor's console in this browser, if any
/// (`handover`: standalone only, `host::board`). Returns the key.
pub async fn enqueue_closed(
    lane: &Lane,
    entry_json: String,
    draft_key: String,
    handover: Option<String>,
) -> Result<IdempotencyKey, StoreError> {
    let payload = entry_json.clone();
    let endpoint = with_lane(lane, |l| l.courier.closing_route().map(str::to_owned));
    let route = endpoint.clone();
    let mut changes = vec![Change::Delete(draft_key.clone())];
    let handed = handover.is_some();
    if let Some(value) = handover {
        changes.push(Change::Put {
            key: super::board::inbox_key(now_ms(), &draft_key),
            value,
        });
    }
    let key = change_outbox(lane, changes, move |outbox| {
        outbox.enqueue(payload, route, now_ms(), &mut BrowserRandom)
    })
    .await?;
    if handed {
        super::board::announce();
    }
    feed(
        lane,
        Input::EntryQueued {
            key: key.clone(),
            endpoint,
            entry: entry_json,
        },
    );
    Ok(key)
}

/// A run ([`Action::StartRun`]): takes what is due from the outbox and gives it to the courier.
async fn run(lane: &Lane) {
    let taken = change_outbox(lane, Vec::new(), |outbox| {
        courier::take_due(outbox, now_ms(), &mut BrowserRandom)
    })
    .await;
    match taken {
        Ok(taken) => feed(
            lane,
            Input::RunFinished {
                attempts: taken.attempts,
                wake: taken.wake,
                now: now_ms(),
            },
        ),
        Err(e) => {
            report_problem(lane, e.to_string());
            feed(lane, Input::RunFailed { now: now_ms() });
        }
    }
}

/// Sets the wake timer ([`Action::WakeIn`]), replacing any.
fn wake_in(lane: &Lane, delay: Millis) {
    // Only fails without a window; then the next event (online, host ready, a new entry) kicks.
    let waking = lane.clone();
    let timer = set_timeout_with_handle(
        move || {
            with_lane(&waking, |l| l.timer = None);
            feed(&waking, Input::Woke);
        },
        std::time::Duration::from_millis(delay),
    )
    .ok();
    if let Some(old) = with_lane(lane, |l| std::mem::replace(&mut l.timer, timer)) {
        old.clear();
    }
}

/// Sends an attempt to the host page ([`Action::Offer`]).
fn offer(lane: &Lane, attempt: Attempt) {
    match HostEvent::entry_completed_json(&attempt.key, &attempt.payload) {
        Ok(event) => emit(lane, event),
        Err(_) => {
            let owned = lane.clone();
            let outcome = Err((attempt.attempt, courier::entry_not_json()));
            leptos::task::spawn_local(
                async move { answered(&owned, attempt.key, None, outcome).await },
            );
        }
    }
}

/// POSTs the entry to its endpoint with its idempotency key ([`Action::Post`]), giving up at the
/// attempt's deadline, with what the courier says goes with it: nothing is sent to an endpoint
/// the deployment no longer lists, and the token only to the configured endpoint's origin.
async fn post(lane: &Lane, endpoint: String, attempt: Attempt) {
    let allowed = Endpoint::parse(&endpoint).ok().filter(endpoint_allowed);
    let origin = allowed.as_ref().map(|parsed| parsed.origin().to_string());
    let token = with_lane(lane, |l| {
        l.courier
            .credentials(&endpoint, origin.as_deref())
            .map(Option::<&BearerToken>::cloned)
    });
    let outcome = match token {
        Ok(token) => {
            let url = allowed.as_ref().map_or(endpoint.as_str(), Endpoint::as_str);
            post_once(url, token.as_ref(), &attempt).await
        }
        Err(refused) => Err(refused),
    };
    if let Err(failure) = &outcome {
        feed(
            lane,
            Input::PostFailed {
                endpoint: endpoint.clone(),
                failure: failure.clone(),
            },
        );
    }
    answered(
        lane,
        attempt.key,
        Some(endpoint),
        outcome.map_err(|f| (attempt.attempt, f)),
    )
    .await;
}

/// Whether the deployment lets entries go to `endpoint`.
fn endpoint_allowed(endpoint: &Endpoint) -> bool {
    super::deployment::current().is_some_and(|d| d.allows_endpoint(endpoint))
}

async fn post_once(
    url: &str,
    token: Option<&BearerToken>,
    attempt: &Attempt,
) -> Result<(), Failure> {
    let network = |e: &JsValue| Failure::Network {
        reason: js_error_text(e),
    };
    let window = web_sys::window().ok_or(Failure::Network {
        reason: "no browser window".into(),
    })?;
    let headers = web_sys::Headers::new().map_err(|e| network(&e))?;
    headers
        .set("Content-Type", "application/json")
        .map_err(|e| network(&e))?;
    headers
        .set("Idempotency-Key", attempt.key.as_str())
        .map_err(|e| network(&e))?;
    if let Some(token) = token {
        headers
            .set("Authorization", &token.as_header_value())
            .map_err(|e| network(&e))?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&attempt.payload));
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_cache(web_sys::RequestCache::NoStore);
    // A redirect is never followed (courier::http_answer says why).
    init.set_redirect(web_sys::RequestRedirect::Manual);
    let abort = web_sys::AbortController::new().ok();
    if let Some(abort) = &abort {
        init.set_signal(Some(&abort.signal()));
    }
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|e| network(&e))?;
    let timeout = abort.as_ref().and_then(|abort| {
        let abort = abort.clone();
        let wait = attempt.deadline.saturating_sub(now_ms());
        set_timeout_with_handle(
            move || abort.abort(),
            std::time::Duration::from_millis(wait),
        )
        .ok()
    });
    let answer = JsFuture::from(window.fetch_with_request(&request)).await;
    if let Some(timeout) = timeout {
        timeout.clear();
    }
    let response: web_sys::Response = match answer {
        Ok(response) => response.unchecked_into(),
        Err(e) => {
            let aborted = e
                .dyn_ref::<web_sys::DomException>()
                .is_some_and(|d| d.name() == "AbortError");
            return Err(if aborted {
                Failure::Timeout
            } else {
                network(&e)
            });
        }
    };
    courier::http_answer(
        response.status(),
        &response.status_text(),
        response.type_() == web_sys::ResponseType::Opaqueredirect,
    )?;
    // Delivered only when the answer names the entry's key (docs/embedding.md, "HTTP delivery").
    let body = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    acknowledges(&body, &attempt.key).map_err(|reason| Failure::NotAcknowledged { reason })
}

/// An attempt's answer, recorded in the outbox: the entry is delivered, or the attempt failed.
/// `endpoint` is the route the answer came by (`None`: the host page); an acknowledgement counts
/// only from the entry's own.
async fn answered(
    lane: &Lane,
    key: IdempotencyKey,
    endpoint: Option<String>,
    outcome: Result<(), (AttemptId, Failure)>,
) {
    let recorded = match outcome {
        Ok(()) => {
            let acked_key = key.clone();
            change_outbox(lane, Vec::new(), move |o| {
                let via = endpoint.as_deref().map_or(Via::Host, Via::Endpoint);
                o.acked(&acked_key, via, now_ms())
            })
            .await
            .map(|acked| Input::Acked { key, acked })
        }
        Err((attempt, failure)) => change_outbox(lane, Vec::new(), move |o| {
            o.failed(&key, attempt, failure, now_ms(), &mut BrowserRandom);
        })
        .await
        .map(|()| Input::Kick),
    };
    let input = recorded.unwrap_or_else(|e| {
        report_problem(lane, e.to_string());
        Input::Kick
    });
    feed(lane, input);
}

/// The handler sends a dead letter again.
pub async fn send_again(lane: &Lane, key: IdempotencyKey) -> Result<bool, StoreError> {
    let again = change_outbox(lane, Vec::new(), move |o| {
        o.retry_dead_letter(&key, now_ms())
    })
    .await?;
    feed(lane, Input::Kick);
    Ok(again)
}

/// Teardown (a handler signs out of a shared PC): this widget's drafts in every tab, its delivered
/// keys and its unreadable outboxes are erased, and every other tab of the origin is told to drop
/// the call on its screen and never write it back ([`drafts::announce_teardown`]). Entries not yet
/// delivered are kept (they are incident records; nothing is ever dropped), each with the route it
/// was closed under; returns how many. Resolves only once the erasing has committed. Other widgets'
/// drafts and outboxes in the page are theirs and are left alone. Without IndexedDB (the outbox in
/// this tab's memory) there is nothing stored to erase, and everything after the erasing is done
/// all the same: the endpoint and token forgotten, the other tabs told it is done, the storage key
/// dropped and the widget page's local storage cleared.
pub async fn teardown(lane: &Lane, instance: Option<&str>) -> Result<usize, StoreError> {
    use super::drafts;
    drafts::silence_savers(instance);
    drafts::announce_teardown(instance, drafts::TeardownPhase::Started);
    let kept = match backing().await {
        Some(store) => {
            let kept = erase(lane, instance, &store).await?;
            // A save another tab had begun before it heard of the teardown lands after the
            // erasing: a second sweep, a moment later, takes it too.
            drafts::sleep_ms(500).await;
            erase(lane, instance, &store).await?;
            kept
        }
        // No IndexedDB: the outbox is this tab's memory, and its delivered keys go. What follows
        // (forgetting the sign-in, telling the other tabs, clearing the page) is the same.
        None => with_lane(lane, |l| {
            l.memory.as_mut().map_or(0, |o| {
                o.purge(u64::MAX);
                o.entries().len()
            })
        }),
    };
    // On the widget's own page, its local storage too; in a host's page that storage is the host's.
    if super::page::is_widget_page() {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.clear();
        }
    }
    // Erased: the other tabs may now start their screens again (they find nothing to resume).
    drafts::announce_teardown(instance, drafts::TeardownPhase::Done);
    // The next handler's sign-in brings its own key; until then nothing is sealed or opened.
    let _ = super::store::set_key(None).await;
    broadcast_change(lane);
    // The endpoint and its token are forgotten, and the outbox read again.
    feed(lane, Input::TornDown);
    Ok(kept)
}

/// One sweep of [`teardown`], holding the drafts lock and then the outbox lock.
async fn erase(lane: &Lane, instance: Option<&str>, store: &Store) -> Result<usize, StoreError> {
    let (held, store, instance) = (lane.clone(), store.clone(), instance.map(str::to_owned));
    let work = async move {
        let lock = held.lock(OUTBOX_LOCK);
        holding(&lock, erase_held(held, instance, store))
            .await
            .unwrap_or_else(|| Err(StoreError("the browser refused the outbox lock".into())))
    };
    holding(super::drafts::DRAFTS_LOCK, work)
        .await
        .unwrap_or_else(|| Err(StoreError("the browser refused the drafts lock".into())))
}

/// The sweep itself, with both locks held: this instance's drafts (every tab's), this lane's
/// delivered keys and unreadable outboxes go; its undelivered entries stay, with their routes.
async fn erase_held(
    lane: Lane,
    instance: Option<String>,
    store: Store,
) -> Result<usize, StoreError> {
    let (outbox, _) = read(&lane, &store).await?;
    let waiting = outbox.entries().to_vec();
    let unreadable = format!("{}-unreadable-", lane.key());
    let mut changes: Vec<Change> = store
        .keys()
        .await?
        .into_iter()
        .filter(|key| {
            *key == lane.key()
                || key.starts_with(&unreadable)
                || super::drafts::is_draft_of(key, instance.as_deref())
        })
        .map(Change::Delete)
        .collect();
    if !waiting.is_empty() {
        // The entries as they are (attempts in flight, dead letters, routes, attempt ids never
        // reused); the delivered keys go.
        let mut kept = outbox;
        kept.purge(u64::MAX);
        changes.retain(|c| *c != Change::Delete(lane.key()));
        changes.push(Change::Put {
            key: lane.key(),
            value: kept.to_json(),
        });
    }
    if !changes.is_empty() {
        store.write(&changes).await?;
    }
    Ok(waiting.len())
}

/// Asks the browser to keep this site's data (`navigator.storage.persist()`) and how full storage
/// is; `answer` hears the result.
pub fn ask_to_persist(answer: impl Fn(StorageView) + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let storage = window.navigator().storage();
    leptos::task::spawn_local(async move {
        let mut view = StorageView::default();
        if let Ok(promise) = storage.persist() {
            view.persisted = JsFuture::from(promise).await.ok().and_then(|v| v.as_bool());
        }
        view.usage = storage_usage().await;
        answer(view);
    });
}

/// Bytes this site uses and its quota (`navigator.storage.estimate()`), when the browser says.
/// Asked again as the outbox grows, since that is when storage fills.
pub async fn storage_usage() -> Option<(f64, f64)> {
    let promise = web_sys::window()?.navigator().storage().estimate().ok()?;
    let estimate: web_sys::StorageEstimate = JsFuture::from(promise).await.ok()?.unchecked_into();
    Some((estimate.get_usage()?, estimate.get_quota()?))
}
