//! Delivery of completed log entries to the CRM, exactly once (F17, F21; L2 1.3, L3 1.5; issue 5,
//! "Durability"). The engine's [`Outbox`] decides what to send and when; this module keeps it in
//! IndexedDB, runs the sends and reports what happened back to it.
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

use incident_engine::delivery::outbox::{
    acknowledges, Acked, Attempt, AttemptId, Failure, IdempotencyKey, Outbox, OutboxStatus,
    RetryPolicy, Via, MAX_ACK_BYTES,
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

/// Where this tab sends entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Route {
    /// Nowhere yet: no host link and no endpoint. Entries wait.
    #[default]
    Nowhere,
    /// Another tab holds the delivery lock and delivers.
    AnotherTab,
    /// The host page, over the message port.
    Host,
    /// The configured HTTP endpoint.
    Endpoint,
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

/// The delivery state of this page.
#[derive(Default)]
struct Courier {
    /// The outbox when IndexedDB cannot be used: this tab only, lost with it (and said so).
    memory: Option<Outbox>,
    /// Where entries closed from now on go (`configure`'s endpoint); each entry keeps the one it
    /// was closed under.
    endpoint: Option<Endpoint>,
    /// `configure`'s bearer token, in memory only: sent to the configured endpoint's origin.
    token: Option<BearerToken>,
    /// Whether the host has been told, since the last token, that the endpoint wants a sign-in.
    sign_in_told: bool,
    port_ready: bool,
    lock_requested: bool,
    delivering: bool,
    running: bool,
    again: bool,
    timer: Option<TimeoutHandle>,
    listener: Option<Listener>,
    /// How this lane's widget reaches its host.
    sender: Option<Rc<dyn Fn(HostEvent)>>,
    /// The pack's retention: how long delivered keys are remembered, and how long an entry may
    /// wait before it is overdue; applied at every change.
    retention: Option<Retention>,
    last_view: OutboxView,
    last_status_sent: Option<OutboxStatus>,
    channel: Option<web_sys::BroadcastChannel>,
    started: bool,
}

thread_local! {
    static COURIERS: RefCell<std::collections::BTreeMap<std::sync::Arc<str>, Courier>> =
        const { RefCell::new(std::collections::BTreeMap::new()) };
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

fn with_courier<T>(lane: &Lane, f: impl FnOnce(&mut Courier) -> T) -> T {
    COURIERS.with(|c| f(c.borrow_mut().entry(lane.0.clone()).or_default()))
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
    let Some(store) = backing().await else {
        // No IndexedDB: this tab's memory.
        let result = with_courier(lane, |c| {
            let outbox = c.memory.get_or_insert_with(Outbox::default);
            change(outbox)
        });
        publish_memory(lane);
        return Ok(result);
    };
    let held = lane.clone();
    let outcome = holding(&lane.lock(OUTBOX_LOCK), async move {
        let lane = &held;
        let (mut outbox, problem) = read(lane, &store).await?;
        let before = outbox.clone();
        // The current schedule (an outbox stored by an older widget keeps its own), and the
        // pack's retention for delivered keys.
        let _ = outbox.adopt_policy(RetryPolicy::default());
        if let Some(retention) = with_courier(lane, |c| c.retention) {
            let mut policy = *outbox.policy();
            policy.tombstone_retention_ms = retention.delivered_ms();
            policy.overdue_after_ms = retention.undelivered_alert_ms();
            let _ = outbox.set_policy(policy);
        }
        let result = change(&mut outbox);
        let mut changes = Vec::new();
        if outbox.entries().is_empty() && outbox.tombstones().is_empty() {
            // Nothing to keep: no key left behind (after teardown, the store stays empty).
            if before != Outbox::default() {
                changes.push(Change::Delete(lane.key()));
            }
        } else if outbox != before {
            changes.push(Change::Put {
                key: lane.key(),
                value: outbox.to_json(),
            });
        }
        changes.extend(also);
        if !changes.is_empty() {
            store.write(&changes).await?;
        }
        Ok::<_, StoreError>((result, outbox, problem))
    })
    .await
    .unwrap_or_else(|| Err(StoreError("the browser refused the outbox lock".into())))?;
    let (result, outbox, problem) = outcome;
    publish(lane, &outbox, problem);
    broadcast_change(lane);
    Ok(result)
}

fn route(lane: &Lane) -> Route {
    with_courier(lane, |c| {
        if c.delivering {
            if c.endpoint.is_some() {
                Route::Endpoint
            } else {
                Route::Host
            }
        } else if c.lock_requested {
            Route::AnotherTab
        } else {
            Route::Nowhere
        }
    })
}

/// Tells the listener and the host what the outbox now holds.
fn publish(lane: &Lane, outbox: &Outbox, problem: Option<String>) {
    let now = now_ms();
    let status = outbox.status(now);
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
        route: route(lane),
        problem,
    };
    let (listener, send_status) = with_courier(lane, |c| {
        c.last_view = view.clone();
        // The age changes every millisecond: the host hears when the counts change.
        let counts = |s: &OutboxStatus| {
            (
                s.pending,
                s.in_flight,
                s.dead_letters,
                s.delivered,
                s.overdue,
            )
        };
        let changed = c.last_status_sent.as_ref().map(counts) != Some(counts(&status));
        if changed {
            c.last_status_sent = Some(status);
        }
        (c.listener.clone(), changed)
    });
    if send_status {
        emit(lane, HostEvent::outbox_status(status));
    }
    if let Some(listener) = listener {
        listener(view);
    }
}

fn publish_memory(lane: &Lane) {
    let outbox = with_courier(lane, |c| c.memory.clone());
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
    let (listener, view) = with_courier(lane, |c| {
        amend(&mut c.last_view);
        (c.listener.clone(), c.last_view.clone())
    });
    if let Some(listener) = listener {
        listener(view);
    }
}

fn republish_route(lane: &Lane) {
    let now = route(lane);
    amend_view(lane, |view| view.route = now);
}

fn broadcast_change(lane: &Lane) {
    if let Some(channel) = with_courier(lane, |c| c.channel.clone()) {
        let _ = channel.post_message(&JsValue::from_str("changed"));
    }
}

/// Another tab changed the outbox: show it, and deliver it if this tab delivers.
async fn reread(lane: &Lane) {
    let Some(store) = backing().await else {
        publish_memory(lane);
        return;
    };
    match read(lane, &store).await {
        Ok((outbox, problem)) => publish(lane, &outbox, problem),
        Err(e) => report_problem(lane, e.to_string()),
    }
    kick(lane);
}

fn report_problem(lane: &Lane, problem: String) {
    amend_view(lane, |view| view.problem = Some(problem));
}

/// Makes waiting entries due now as `make_due` says (the network is back, the host is ready, a
/// tab took over delivery, the route changed); the caller then kicks.
async fn due_now(lane: &Lane, make_due: fn(&mut Outbox, Millis) -> usize) {
    if let Err(e) = change_outbox(lane, Vec::new(), move |o| make_due(o, now_ms())).await {
        report_problem(lane, e.to_string());
    }
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
pub fn start(
    lane: Lane,
    sender: impl Fn(HostEvent) + 'static,
    listener: impl Fn(OutboxView) + 'static,
) -> Lane {
    let first = with_courier(&lane, |c| {
        c.listener = Some(Rc::new(listener));
        c.sender = Some(Rc::new(sender));
        let first = !c.started;
        c.started = true;
        first
    });
    if !first {
        return lane;
    }
    let Some(window) = web_sys::window() else {
        return lane;
    };
    let online = lane.clone();
    let on_online = Closure::<dyn Fn()>::new(move || {
        let lane = online.clone();
        leptos::task::spawn_local(async move {
            due_now(&lane, Outbox::online).await;
            kick(&lane);
        });
    });
    let _ = window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    on_online.forget();
    if let Ok(channel) = web_sys::BroadcastChannel::new(&lane.lock(CHANNEL)) {
        let changed = lane.clone();
        let on_message = Closure::<dyn Fn()>::new(move || {
            let lane = changed.clone();
            leptos::task::spawn_local(async move { reread(&lane).await });
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        with_courier(&lane, |c| c.channel = Some(channel));
    }
    let first_read = lane.clone();
    leptos::task::spawn_local(async move { reread(&first_read).await });
    lane
}

/// Sends `event` to the lane's host, if it has one.
fn emit(lane: &Lane, event: HostEvent) {
    if let Some(sender) = with_courier(lane, |c| c.sender.clone()) {
        sender(event);
    }
}

/// The widget's own page's lane: the one an iframe's host link delivers on.
pub fn own_page() -> Lane {
    Lane::of(None)
}

impl Lane {
    /// See [`set_endpoint`].
    pub fn set_endpoint(&self, endpoint: Option<Endpoint>, token: Option<BearerToken>) {
        set_endpoint(self, endpoint, token);
    }

    /// See [`host_acked`].
    pub fn host_acked(&self, key: IdempotencyKey) {
        host_acked(self, key);
    }

    /// See [`host_nacked`].
    pub fn host_nacked(&self, nack: EntryNack) {
        host_nacked(self, nack);
    }

    /// See [`host_ready`].
    pub fn host_ready(&self) {
        host_ready(self);
    }

    /// The storage key arrived (or changed): the outbox, unreadable without it, is read again and
    /// delivered.
    pub fn storage_unlocked(&self) {
        let lane = self.clone();
        leptos::task::spawn_local(async move { reread(&lane).await });
    }

    /// Applies the pack's retention: delivered keys older than it go at once, and entries waiting
    /// longer than its alert time are counted overdue.
    pub fn apply_retention(&self, retention: Retention) {
        with_courier(self, |c| c.retention = Some(retention));
        let lane = self.clone();
        leptos::task::spawn_local(async move {
            let changed = change_outbox(&lane, Vec::new(), move |o| {
                o.purge(now_ms());
            })
            .await;
            if let Err(e) = changed {
                report_problem(&lane, e.to_string());
            }
        });
    }

    /// See [`teardown`].
    pub async fn teardown(&self, instance: Option<&str>) -> Result<usize, StoreError> {
        teardown(self, instance).await
    }
}

/// A call closed: its entry joins the outbox with a new idempotency key, and its draft is removed,
/// in one transaction. Returns the key.
pub async fn enqueue_closed(
    lane: &Lane,
    entry_json: String,
    draft_key: String,
) -> Result<IdempotencyKey, StoreError> {
    let payload = entry_json.clone();
    // The entry keeps the route it was closed under: a later configure never moves it.
    let endpoint = with_courier(lane, |c| c.endpoint.as_ref().map(|e| e.as_str().to_owned()));
    let has_endpoint = endpoint.is_some();
    let key = change_outbox(lane, vec![Change::Delete(draft_key)], move |outbox| {
        outbox.enqueue(payload, endpoint, now_ms(), &mut BrowserRandom)
    })
    .await?;
    // With an endpoint, the endpoint's answer delivers; the host page hears of the entry once.
    if has_endpoint {
        if let Ok(event) = HostEvent::entry_completed_json(&key, &entry_json) {
            emit(lane, event);
        }
    }
    kick(lane);
    Ok(key)
}

/// The host page's link is open (it said `welcome` and took the port): entries waiting are due
/// now, and this tab offers to deliver.
pub fn host_ready(lane: &Lane) {
    with_courier(lane, |c| c.port_ready = true);
    let owned = lane.clone();
    leptos::task::spawn_local(async move {
        due_now(&owned, Outbox::host_ready).await;
        offer_to_deliver(&owned);
        kick(&owned);
    });
}

/// The host configured an HTTP endpoint (or none, for postMessage only) and its bearer token.
/// Entries already queued keep the route they were closed under; a new token makes the entries
/// waiting for the endpoint due at once (they may have waited for a sign-in).
pub fn set_endpoint(lane: &Lane, endpoint: Option<Endpoint>, token: Option<BearerToken>) {
    let has = endpoint.is_some();
    let new_token = with_courier(lane, |c| {
        let new_token = token.is_some() && c.token != token;
        c.endpoint = endpoint.clone();
        c.token = token;
        if new_token {
            c.sign_in_told = false;
        }
        new_token
    });
    if has {
        offer_to_deliver(lane);
    }
    republish_route(lane);
    match endpoint {
        Some(endpoint) if new_token => {
            let owned = lane.clone();
            leptos::task::spawn_local(async move {
                let url = endpoint.as_str().to_owned();
                if let Err(e) =
                    change_outbox(&owned, Vec::new(), move |o| o.signed_in(&url, now_ms())).await
                {
                    report_problem(&owned, e.to_string());
                }
                kick(&owned);
            });
        }
        _ => kick(lane),
    }
}

/// Asks for the delivery lock (once): granted when no other tab holds it.
fn offer_to_deliver(lane: &Lane) {
    let ready = with_courier(lane, |c| {
        let ready = !c.lock_requested && (c.port_ready || c.endpoint.is_some());
        if ready {
            c.lock_requested = true;
        }
        ready
    });
    if !ready {
        return;
    }
    republish_route(lane);
    let granted = lane.clone();
    if !locks::hold_for_life(&lane.lock(DELIVERY_LOCK), move || {
        became_deliverer(&granted)
    }) {
        // No Web Locks (an old browser): this tab delivers.
        became_deliverer(lane);
    }
}

/// This tab now delivers: whatever a closed tab left in flight is sent again (with its key).
fn became_deliverer(lane: &Lane) {
    with_courier(lane, |c| c.delivering = true);
    let owned = lane.clone();
    leptos::task::spawn_local(async move {
        due_now(&owned, Outbox::reloaded).await;
        kick(&owned);
    });
}

/// Sends what is due now, if this tab delivers; then sleeps until the next thing is due.
pub fn kick(lane: &Lane) {
    let go = with_courier(lane, |c| {
        if !c.delivering {
            return false;
        }
        if c.running {
            c.again = true;
            return false;
        }
        c.running = true;
        if let Some(timer) = c.timer.take() {
            timer.clear();
        }
        true
    });
    if go {
        let owned = lane.clone();
        leptos::task::spawn_local(async move { run(&owned).await });
    }
}

async fn run(lane: &Lane) {
    loop {
        with_courier(lane, |c| c.again = false);
        let due = change_outbox(lane, Vec::new(), |outbox| {
            let now = now_ms();
            outbox.purge(now);
            let attempts = outbox.due(now, &mut BrowserRandom);
            let now = now_ms();
            // Wake also when the next entry becomes overdue, so the alert is raised on time.
            let wake = [outbox.next_wake(now), outbox.next_overdue(now)]
                .into_iter()
                .flatten()
                .min();
            (attempts, wake)
        })
        .await;
        let wake = match due {
            Ok((attempts, wake)) => {
                for attempt in attempts {
                    send(lane, attempt);
                }
                wake
            }
            Err(e) => {
                report_problem(lane, e.to_string());
                // Try again shortly: storage may come back.
                Some(now_ms() + 5_000)
            }
        };
        let again = with_courier(lane, |c| {
            if !c.again {
                c.running = false;
            }
            c.again
        });
        if !again {
            sleep_until(lane, wake);
            return;
        }
    }
}

fn sleep_until(lane: &Lane, wake: Option<u64>) {
    let Some(wake) = wake else {
        return;
    };
    // At most a day: a browser's timer longer than 2^31 - 1 ms (24.8 days, within an alert time
    // of 30) fires at once. Waking early is harmless: the run works out the next wake again.
    let delay = wake.saturating_sub(now_ms()).min(86_400_000);
    // Only fails without a window; then the next event (online, host ready, a new entry) kicks.
    let waking = lane.clone();
    let timer = set_timeout_with_handle(
        move || kick(&waking),
        std::time::Duration::from_millis(delay),
    )
    .ok();
    with_courier(lane, |c| {
        if let Some(old) = std::mem::replace(&mut c.timer, timer) {
            old.clear();
        }
    });
}

/// Makes one attempt, by the route its entry was closed under.
fn send(lane: &Lane, attempt: Attempt) {
    let owned = lane.clone();
    match attempt.endpoint.clone() {
        Some(endpoint) => {
            leptos::task::spawn_local(async move { post(&owned, endpoint, attempt).await });
        }
        None => match HostEvent::entry_completed_json(&attempt.key, &attempt.payload) {
            Ok(event) => emit(lane, event),
            Err(_) => {
                // The entry was made by the engine and is JSON; if it ever were not, the host
                // refuses it for good rather than the outbox retrying for ever.
                let failure = Failure::HostNack {
                    permanent: true,
                    reason: "the entry is not valid JSON".into(),
                };
                let outcome = Err((attempt.attempt, failure));
                leptos::task::spawn_local(async move {
                    answered(&owned, attempt.key, None, outcome).await
                });
            }
        },
    }
}

/// POSTs the entry to its endpoint with its idempotency key, giving up at the attempt's deadline.
/// An endpoint that has stopped being allowed is never sent to (the entry becomes a dead letter
/// that says why); the host is told when the endpoint asks for a sign-in.
async fn post(lane: &Lane, endpoint: String, attempt: Attempt) {
    let outcome = match Endpoint::parse(&endpoint) {
        Ok(parsed) if endpoint_allowed(&parsed) => {
            let token = with_courier(lane, |c| {
                let same_origin = c
                    .endpoint
                    .as_ref()
                    .is_some_and(|e| e.origin() == parsed.origin());
                c.token.clone().filter(|_| same_origin)
            });
            post_once(&parsed, token.as_ref(), &attempt).await
        }
        _ => Err(Failure::EndpointNotAllowed {
            endpoint: endpoint.clone(),
        }),
    };
    if let Err(failure) = &outcome {
        let tell = failure.needs_sign_in()
            && with_courier(lane, |c| !std::mem::replace(&mut c.sign_in_told, true));
        if tell {
            emit(
                lane,
                HostEvent::delivery_sign_in_needed(&endpoint, &failure.describe()),
            );
        }
    }
    let via = Some(endpoint);
    answered(
        lane,
        attempt.key,
        via,
        outcome.map_err(|f| (attempt.attempt, f)),
    )
    .await;
}

/// Whether the deployment lets entries go to `endpoint`.
fn endpoint_allowed(endpoint: &Endpoint) -> bool {
    super::deployment::current().is_some_and(|d| d.allows_endpoint(endpoint))
}

async fn post_once(
    endpoint: &Endpoint,
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
    // A redirect is never followed: an expired sign-in turns the POST into a redirect to a login
    // page that answers 200, which would otherwise count as delivered.
    init.set_redirect(web_sys::RequestRedirect::Manual);
    let abort = web_sys::AbortController::new().ok();
    if let Some(abort) = &abort {
        init.set_signal(Some(&abort.signal()));
    }
    let request = web_sys::Request::new_with_str_and_init(endpoint.as_str(), &init)
        .map_err(|e| network(&e))?;
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
    if response.type_() == web_sys::ResponseType::Opaqueredirect
        || (300..400).contains(&response.status())
    {
        return Err(Failure::Redirected);
    }
    if response.status() == 401 {
        return Err(Failure::SignInNeeded { status: 401 });
    }
    if !response.ok() {
        return Err(Failure::Http {
            status: response.status(),
            reason: response.status_text(),
        });
    }
    // Delivered only when the answer names the entry's key (docs/embedding.md, "HTTP delivery").
    let body = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if body.len() > MAX_ACK_BYTES {
        return Err(Failure::NotAcknowledged {
            reason: "the answer is too long to be an acknowledgement".into(),
        });
    }
    acknowledges(&body, &attempt.key).map_err(|reason| Failure::NotAcknowledged { reason })
}

/// An attempt's answer: the entry is delivered, or the attempt failed. `endpoint` is the route
/// the answer came by (`None`: the host page); an acknowledgement counts only from the entry's own.
async fn answered(
    lane: &Lane,
    key: IdempotencyKey,
    endpoint: Option<String>,
    outcome: Result<(), (AttemptId, Failure)>,
) {
    let result = match outcome {
        Ok(()) => {
            let acked_key = key.clone();
            change_outbox(lane, Vec::new(), move |o| {
                let via = endpoint.as_deref().map_or(Via::Host, Via::Endpoint);
                o.acked(&acked_key, via, now_ms()) == Acked::Delivered
            })
            .await
            .map(|delivered| {
                if delivered {
                    emit(lane, HostEvent::entry_delivered(&key));
                }
            })
        }
        Err((attempt, failure)) => {
            change_outbox(lane, Vec::new(), move |o| {
                o.failed(&key, attempt, failure, now_ms(), &mut BrowserRandom);
            })
            .await
        }
    };
    if let Err(e) = result {
        report_problem(lane, e.to_string());
    }
    kick(lane);
}

/// The host acknowledged an entry over the port: it counts only for an entry routed to the host
/// (an entry closed with an endpoint is delivered by the endpoint's answer alone).
pub fn host_acked(lane: &Lane, key: IdempotencyKey) {
    let owned = lane.clone();
    leptos::task::spawn_local(async move { answered(&owned, key, None, Ok(())).await });
}

/// The host refused an entry over the port: retried later, or a dead letter if it said so (for an
/// entry routed to the host only).
pub fn host_nacked(lane: &Lane, nack: EntryNack) {
    let owned = lane.clone();
    leptos::task::spawn_local(async move {
        let lane = &owned;
        let key = nack.key.clone();
        let failure = nack.failure();
        let result = change_outbox(lane, Vec::new(), move |o| {
            o.nacked_by_host(&key, failure, now_ms(), &mut BrowserRandom);
        })
        .await;
        if let Err(e) = result {
            report_problem(lane, e.to_string());
        }
        kick(lane);
    });
}

/// The handler sends a dead letter again.
pub async fn send_again(lane: &Lane, key: IdempotencyKey) -> Result<bool, StoreError> {
    let again = change_outbox(lane, Vec::new(), move |o| {
        o.retry_dead_letter(&key, now_ms())
    })
    .await?;
    kick(lane);
    Ok(again)
}

/// Teardown (a handler signs out of a shared PC): this widget's drafts in every tab, its delivered
/// keys and its unreadable outboxes are erased, and every other tab of the origin is told to drop
/// the call on its screen and never write it back ([`drafts::announce_teardown`]). Entries not yet
/// delivered are kept (they are incident records; nothing is ever dropped), each with the route it
/// was closed under; returns how many. Resolves only once the erasing has committed. Other widgets'
/// drafts and outboxes in the page are theirs and are left alone.
pub async fn teardown(lane: &Lane, instance: Option<&str>) -> Result<usize, StoreError> {
    use super::drafts;
    drafts::silence_savers(instance);
    drafts::announce_teardown(instance, drafts::TeardownPhase::Started);
    let Some(store) = backing().await else {
        let kept = with_courier(lane, |c| {
            c.memory.as_mut().map_or(0, |o| {
                o.purge(u64::MAX);
                o.entries().len()
            })
        });
        return Ok(kept);
    };
    let kept = erase(lane, instance, &store).await?;
    // A save another tab had begun before it heard of the teardown lands after the erasing: a
    // second sweep, a moment later, takes it too.
    drafts::sleep_ms(500).await;
    erase(lane, instance, &store).await?;
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
    with_courier(lane, |c| {
        c.endpoint = None;
        c.token = None;
        c.sign_in_told = false;
    });
    republish_route(lane);
    broadcast_change(lane);
    let owned = lane.clone();
    leptos::task::spawn_local(async move { reread(&owned).await });
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
