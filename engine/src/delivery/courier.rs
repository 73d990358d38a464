//! The courier: when this tab delivers the outbox, and what it does next (F17, F21; issues 5, 12
//! and 14). The [`Outbox`] decides what to send and when; the courier decides when this tab asks
//! to deliver, whether a run is already going and must go again, when to wake, which route the
//! handler is shown, what the host is told, which token goes with which endpoint, and what a new
//! token or endpoint makes due.
//!
//! It is a state machine: [`Courier::update`] takes an [`Input`] (something that happened) and
//! returns the [`Action`]s the browser carries out, in order (`src/host/delivery.rs`: IndexedDB,
//! Web Locks, fetch, timers, the host link). It does no IO and reads no clock: time comes in with
//! the inputs that need it. It never panics; an input that cannot happen in the browser (a lock
//! granted that was never asked for, a run finishing that never started) changes nothing it
//! should not.
//!
//! What it guarantees (each has a test in `engine/tests/courier.rs`, and a property test drives
//! random sequences of inputs through a simulated browser):
//! - The delivery lock is asked for at most once, and only once there is somewhere to deliver to
//!   (the host is ready, or an HTTP endpoint is configured).
//! - Runs go only while this tab holds the lock, never two at once; a kick during a run always
//!   leads to another run when it ends; one wake timer at most, never while a run goes.
//! - No run goes before the deployment settings are read (or given up on): a run's attempts are
//!   judged against them (an entry whose endpoint they do not list becomes a dead letter), so an
//!   entry stored before the settings arrive is never judged against settings not yet there.
//! - The route shown ([`Action::ShowRoute`]) is always [`Courier::route`].
//! - The token goes only to the configured endpoint's origin ([`Courier::credentials`]).
//! - The host hears `delivery.sign_in_needed` once per endpoint until that endpoint gets a new
//!   token (an entry keeps the endpoint it was closed under, so entries for several may wait), and
//!   `outbox.status` when the counts change (not the age, which changes every millisecond).
//!
//! The protocol's types (`Endpoint`, `BearerToken`, `HostEvent`) sit in a layer above this one,
//! so the courier has its own: an endpoint is its address and origin as text ([`CrmEndpoint`],
//! made from the protocol's `Endpoint`), the token is any value the browser gives it (compared,
//! kept and handed back, never looked into), and what the host is to hear is a [`Tell`] the
//! browser turns into a `HostEvent`.

use crate::kernel::SortedSet;

use crate::delivery::outbox::{
    Acked, Attempt, Failure, IdempotencyKey, Outbox, OutboxStatus, RetryPolicy,
};
use crate::kernel::{Millis, Random};
use crate::pack::Retention;

/// The longest wait the browser's timer is asked for: one longer than 2³¹ − 1 ms (24.8 days,
/// within an alert time of 30) fires at once. Waking early is harmless: the run works out the next
/// wake again.
pub const LONGEST_WAIT_MS: Millis = 86_400_000;

/// How soon a run that could not read or write the outbox is tried again: storage may come back.
pub const STORAGE_RETRY_MS: Millis = 5_000;

/// An HTTP endpoint entries are posted to, as the protocol read it: its address (normalised) and
/// its origin (`scheme://host[:port]`), both as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmEndpoint {
    url: String,
    origin: String,
}

impl CrmEndpoint {
    /// The endpoint at `url`, whose origin is `origin`.
    pub fn new(url: impl Into<String>, origin: impl Into<String>) -> CrmEndpoint {
        CrmEndpoint {
            url: url.into(),
            origin: origin.into(),
        }
    }

    /// Its address.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// Where this tab sends entries, as the handler is shown it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Route {
    /// Nowhere: no host link (none yet, or its session ended with a teardown) and no endpoint.
    /// Entries wait.
    #[default]
    Nowhere,
    /// Another tab holds the delivery lock and delivers.
    AnotherTab,
    /// The host page, over the message port.
    Host,
    /// The configured HTTP endpoint.
    Endpoint,
}

/// Something that happened, for [`Courier::update`].
#[derive(Debug, Clone, PartialEq)]
pub enum Input<Token> {
    /// The lane started in this page. A second start (the widget mounted again) changes nothing.
    Started,
    /// The deployment settings have been read, or given up on (missing, unusable, or too slow to
    /// arrive): an entry's endpoint can be judged against them from now on. Runs wait for this.
    SettingsRead,
    /// The browser is online again.
    Online,
    /// Another tab changed the stored outbox, or it can be read now (the storage key arrived).
    StoredElsewhere,
    /// The host is ready: its port is open (an iframe) or its script is there (an element).
    HostReady,
    /// The host configured where entries closed from now on go: an HTTP endpoint the deployment
    /// allows, with its bearer token, or none (the host page).
    Configured {
        /// The endpoint, or `None` for the host page.
        endpoint: Option<CrmEndpoint>,
        /// The bearer token for the endpoint's origin.
        token: Option<Token>,
    },
    /// The browser granted the delivery lock (at once where it has no Web Locks).
    LockGranted,
    /// Something may be due now: the outbox changed.
    Kick,
    /// The wake timer fired (so there is none to clear): something may be due now.
    Woke,
    /// A run took what was due ([`take_due`]): these attempts to make, and when the next thing is
    /// due, at `now`.
    RunFinished {
        /// The attempts to make now.
        attempts: Vec<Attempt>,
        /// When the next retry, deadline or overdue alert is due.
        wake: Option<Millis>,
        /// The time the run finished.
        now: Millis,
    },
    /// A run could not read or write the outbox, at `now`.
    RunFailed {
        /// The time the run failed.
        now: Millis,
    },
    /// A closed call's entry joined the outbox with `key`, by the route
    /// [`Courier::closing_route`] gave (`endpoint`).
    EntryQueued {
        /// Its idempotency key.
        key: IdempotencyKey,
        /// The endpoint it was queued for, or `None` for the host page.
        endpoint: Option<String>,
        /// The entry (JSON text).
        entry: String,
    },
    /// A POST to `endpoint` failed (the failure is then recorded in the outbox, then a kick).
    PostFailed {
        /// The endpoint posted to.
        endpoint: String,
        /// Why.
        failure: Failure,
    },
    /// An acknowledgement of `key` was recorded in the outbox, with this result.
    Acked {
        /// The key acknowledged.
        key: IdempotencyKey,
        /// What the outbox made of it.
        acked: Acked,
    },
    /// The outbox was shown with these counts (after every change, and every read).
    StatusComputed(OutboxStatus),
    /// The pack's retention (a pack loaded).
    RetentionSet(Retention),
    /// The widget was torn down (a handler signed out): the endpoint and its token are forgotten,
    /// and the host's session is over until it is ready again ([`Input::HostReady`]: an iframe's
    /// next handshake; an element's script, which stays).
    TornDown,
}

/// What the waiting entries are made due for ([`Due::apply`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// The browser is online again: every pending entry.
    Online,
    /// The host said ready: every pending entry.
    HostReady,
    /// This tab took over delivery: what another page left in flight.
    Reloaded,
    /// A new token: the entries pending for this endpoint.
    SignedIn {
        /// The endpoint's address.
        endpoint: String,
    },
}

impl Due {
    /// Makes the outbox's waiting entries due at `now`, as this says. Returns how many.
    pub fn apply(&self, outbox: &mut Outbox, now: Millis) -> usize {
        match self {
            Due::Online => outbox.online(now),
            Due::HostReady => outbox.host_ready(now),
            Due::Reloaded => outbox.reloaded(now),
            Due::SignedIn { endpoint } => outbox.signed_in(endpoint, now),
        }
    }
}

/// What the host is to hear (the protocol's `HostEvent::told` is the event that says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tell {
    /// `outbox.status` with these counts.
    Status(OutboxStatus),
    /// `delivery.sign_in_needed`: the endpoint wants a new token.
    SignInNeeded {
        /// The endpoint that asked.
        endpoint: String,
        /// Why, in words.
        reason: String,
    },
    /// `entry.completed` for the entry just queued with `key` (queued for an endpoint: the host
    /// page hears of it once, and its answer does not count).
    EntryCompleted {
        /// Its key.
        key: IdempotencyKey,
        /// The entry (JSON text).
        entry: String,
    },
    /// `entry.delivered` for `key`.
    EntryDelivered {
        /// Its key.
        key: IdempotencyKey,
    },
}

/// What the browser does, in the order given. Those that change the outbox show it afterwards
/// ([`Input::StatusComputed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Listen for the browser coming online ([`Input::Online`]) and for other tabs' changes to
    /// the stored outbox ([`Input::StoredElsewhere`]).
    Listen,
    /// Read the stored outbox and show it, then [`Input::Kick`].
    Reread,
    /// Ask for the delivery lock, held for the page's life; [`Input::LockGranted`] when granted
    /// (at once without Web Locks).
    RequestLock,
    /// Make waiting entries due ([`Due::apply`]), then [`Input::Kick`].
    MakeDue(Due),
    /// Apply the retention now: purge the outbox ([`Courier::apply_policy`] first, as at every
    /// change).
    Purge,
    /// Take what is due from the outbox ([`take_due`]), then [`Input::RunFinished`] (or
    /// [`Input::RunFailed`]).
    StartRun,
    /// Clear the wake timer.
    ClearTimer,
    /// Set the wake timer to [`Input::Woke`] after this many milliseconds (it replaces any).
    WakeIn(Millis),
    /// POST this attempt to its entry's endpoint (with [`Courier::credentials`]); on a failure
    /// [`Input::PostFailed`]; then record the answer in the outbox ([`Input::Acked`], or a kick).
    Post {
        /// The endpoint's address (the attempt's own).
        endpoint: String,
        /// The attempt.
        attempt: Attempt,
    },
    /// Send this attempt to the host page (`entry.completed` over the port); it answers with
    /// `entry.ack` or `entry.nack`.
    Offer(Attempt),
    /// Tell the host.
    Tell(Tell),
    /// Show the handler this route.
    ShowRoute(Route),
}

/// The delivery lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Lock {
    /// Not asked for: nowhere to deliver to yet.
    #[default]
    Unasked,
    /// Asked for: another tab holds it, or the browser has not answered yet.
    Asked,
    /// Held: this tab delivers.
    Held,
}

/// The runs that take what is due and send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Run {
    /// No run, no timer.
    #[default]
    Idle,
    /// No run; the wake timer is set.
    Sleeping,
    /// A run goes; `again` when something became due since it began.
    Running {
        /// Whether to run again when it finishes.
        again: bool,
    },
}

/// The counts the host hears of (not the age, which changes every millisecond).
type Counts = (usize, usize, usize, usize, usize);

fn counts(status: &OutboxStatus) -> Counts {
    (
        status.pending,
        status.in_flight,
        status.dead_letters,
        status.delivered,
        status.overdue,
    )
}

/// One outbox lane's delivery state in this tab (see the module's documentation). `Token` is the
/// bearer token's type, kept and handed back, never looked into.
#[derive(Debug, Clone)]
pub struct Courier<Token> {
    started: bool,
    /// Whether the deployment settings have been read (or given up on): no run before.
    settings_read: bool,
    host_ready: bool,
    endpoint: Option<CrmEndpoint>,
    token: Option<Token>,
    /// The endpoints (addresses) the host has been told want a sign-in, each since its last new
    /// token: one endpoint's 401 says nothing of another's.
    sign_in_told: SortedSet<String>,
    lock: Lock,
    run: Run,
    retention: Option<Retention>,
    status_sent: Option<Counts>,
    shown: Route,
}

impl<Token> Default for Courier<Token> {
    fn default() -> Self {
        Courier {
            started: false,
            settings_read: false,
            host_ready: false,
            endpoint: None,
            token: None,
            sign_in_told: SortedSet::new(),
            lock: Lock::Unasked,
            run: Run::Idle,
            retention: None,
            status_sent: None,
            shown: Route::Nowhere,
        }
    }
}

impl<Token: PartialEq> Courier<Token> {
    /// A courier that has done nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes what happened; returns what to do, in order. When the route changes, showing it
    /// comes first.
    pub fn update(&mut self, input: Input<Token>) -> Vec<Action> {
        let mut actions = Vec::new();
        match input {
            Input::Started => {
                if !self.started {
                    self.started = true;
                    actions.extend([Action::Listen, Action::Reread]);
                }
            }
            Input::SettingsRead => {
                self.settings_read = true;
                self.kick(&mut actions);
            }
            Input::Online => actions.push(Action::MakeDue(Due::Online)),
            Input::StoredElsewhere => actions.push(Action::Reread),
            Input::HostReady => {
                self.host_ready = true;
                actions.push(Action::MakeDue(Due::HostReady));
                self.offer_to_deliver(&mut actions);
            }
            Input::Configured { endpoint, token } => {
                let new_token = token.is_some() && token != self.token;
                self.endpoint = endpoint;
                self.token = token;
                if let (Some(endpoint), true) = (&self.endpoint, new_token) {
                    self.sign_in_told.remove(&endpoint.url);
                }
                self.offer_to_deliver(&mut actions);
                match (&self.endpoint, new_token) {
                    // They may have waited for a sign-in: due now (the make-due kicks).
                    (Some(endpoint), true) => actions.push(Action::MakeDue(Due::SignedIn {
                        endpoint: endpoint.url.clone(),
                    })),
                    _ => self.kick(&mut actions),
                }
            }
            Input::LockGranted => {
                if self.lock == Lock::Asked {
                    self.lock = Lock::Held;
                    // Whatever a closed tab left in flight is sent again, with its key.
                    actions.push(Action::MakeDue(Due::Reloaded));
                }
            }
            Input::Kick => self.kick(&mut actions),
            Input::Woke => {
                if self.run == Run::Sleeping {
                    self.run = Run::Idle;
                }
                self.kick(&mut actions);
            }
            Input::RunFinished {
                attempts,
                wake,
                now,
            } => {
                // Each by the route its entry was closed under.
                actions.extend(attempts.into_iter().map(
                    |attempt| match attempt.endpoint.clone() {
                        Some(endpoint) => Action::Post { endpoint, attempt },
                        None => Action::Offer(attempt),
                    },
                ));
                self.run_ended(wake, now, &mut actions);
            }
            Input::RunFailed { now } => self.run_ended(
                Some(now.saturating_add(STORAGE_RETRY_MS)),
                now,
                &mut actions,
            ),
            Input::EntryQueued {
                key,
                endpoint,
                entry,
            } => {
                // With an endpoint, the endpoint's answer delivers; the host page hears of the
                // entry once, now.
                if endpoint.is_some() {
                    actions.push(Action::Tell(Tell::EntryCompleted { key, entry }));
                }
                self.kick(&mut actions);
            }
            Input::PostFailed { endpoint, failure } => {
                if failure.needs_sign_in() && self.sign_in_told.insert(endpoint.clone()) {
                    actions.push(Action::Tell(Tell::SignInNeeded {
                        endpoint,
                        reason: failure.describe(),
                    }));
                }
            }
            Input::Acked { key, acked } => {
                if acked == Acked::Delivered {
                    actions.push(Action::Tell(Tell::EntryDelivered { key }));
                }
                self.kick(&mut actions);
            }
            Input::StatusComputed(status) => {
                if self.status_sent != Some(counts(&status)) {
                    self.status_sent = Some(counts(&status));
                    actions.push(Action::Tell(Tell::Status(status)));
                }
            }
            Input::RetentionSet(retention) => {
                self.retention = Some(retention);
                actions.push(Action::Purge);
            }
            Input::TornDown => {
                // The next handler's sign-in brings its own endpoint and token, and the host its
                // own session.
                self.host_ready = false;
                self.endpoint = None;
                self.token = None;
                self.sign_in_told.clear();
                actions.push(Action::Reread);
            }
        }
        let route = self.route();
        if route != self.shown {
            self.shown = route;
            actions.insert(0, Action::ShowRoute(route));
        }
        actions
    }

    /// Asks for the delivery lock, once, when there is somewhere to deliver to.
    fn offer_to_deliver(&mut self, actions: &mut Vec<Action>) {
        if self.lock == Lock::Unasked && (self.host_ready || self.endpoint.is_some()) {
            self.lock = Lock::Asked;
            actions.push(Action::RequestLock);
        }
    }

    /// Something may be due: a run starts if this tab delivers, the deployment settings are read
    /// and none goes; one going runs again when it ends.
    fn kick(&mut self, actions: &mut Vec<Action>) {
        if self.lock != Lock::Held || !self.settings_read {
            return;
        }
        match self.run {
            Run::Running { .. } => self.run = Run::Running { again: true },
            Run::Sleeping => {
                actions.extend([Action::ClearTimer, Action::StartRun]);
                self.run = Run::Running { again: false };
            }
            Run::Idle => {
                actions.push(Action::StartRun);
                self.run = Run::Running { again: false };
            }
        }
    }

    /// A run ended at `now`: it goes again if kicked meanwhile, else sleeps until `wake`.
    fn run_ended(&mut self, wake: Option<Millis>, now: Millis, actions: &mut Vec<Action>) {
        let Run::Running { again } = self.run else {
            // No run was going (it cannot happen): what it took is sent, and nothing else changes.
            return;
        };
        if again {
            self.run = Run::Running { again: false };
            actions.push(Action::StartRun);
        } else if let Some(wake) = wake {
            self.run = Run::Sleeping;
            actions.push(Action::WakeIn(
                wake.saturating_sub(now).min(LONGEST_WAIT_MS),
            ));
        } else {
            self.run = Run::Idle;
        }
    }

    /// Where this tab sends entries: with the lock, the endpoint if one is configured, else the
    /// host page while its session is open, else nowhere (after a teardown, until the next).
    pub fn route(&self) -> Route {
        match (self.lock, &self.endpoint) {
            (Lock::Held, Some(_)) => Route::Endpoint,
            (Lock::Held, None) if self.host_ready => Route::Host,
            (Lock::Held, None) => Route::Nowhere,
            (Lock::Asked, _) => Route::AnotherTab,
            (Lock::Unasked, _) => Route::Nowhere,
        }
    }

    /// Whether this tab delivers (it holds the delivery lock).
    pub fn delivers(&self) -> bool {
        self.lock == Lock::Held
    }

    /// The route of an entry closed now: the configured endpoint's address, or `None` for the
    /// host page. The entry keeps it whatever is configured later.
    pub fn closing_route(&self) -> Option<&str> {
        self.endpoint.as_ref().map(CrmEndpoint::url)
    }

    /// What a POST to `url` goes with. `allowed` is the endpoint's origin when `url` is an
    /// endpoint the deployment allows now, `None` otherwise (then it is not sent:
    /// [`Failure::EndpointNotAllowed`]). The token goes only to the configured endpoint's origin.
    pub fn credentials(&self, url: &str, allowed: Option<&str>) -> Result<Option<&Token>, Failure> {
        let Some(origin) = allowed else {
            return Err(Failure::EndpointNotAllowed {
                endpoint: url.to_owned(),
            });
        };
        let same_origin = self
            .endpoint
            .as_ref()
            .is_some_and(|configured| configured.origin == origin);
        Ok(self.token.as_ref().filter(|_| same_origin))
    }

    /// Brings an outbox just read to the current schedule (a stored one keeps the policy it was
    /// stored with) and to the pack's retention (delivered keys, and the overdue alert): done at
    /// every change.
    pub fn apply_policy(&self, outbox: &mut Outbox) {
        // The default and the retention's bounds are valid policies: neither is ever refused.
        let _ = outbox.adopt_policy(RetryPolicy::default());
        if let Some(retention) = self.retention {
            let policy = RetryPolicy {
                tombstone_retention_ms: retention.delivered_ms(),
                overdue_after_ms: retention.undelivered_alert_ms(),
                ..*outbox.policy()
            };
            let _ = outbox.set_policy(policy);
        }
    }
}

/// What a run takes from the outbox at `now`: the attempts to make, and when to wake (the next
/// retry or deadline, or the next entry becoming overdue, so its alert is raised on time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    /// The attempts to make now.
    pub attempts: Vec<Attempt>,
    /// When to wake, if anything will be due.
    pub wake: Option<Millis>,
}

/// A run's change to the outbox: delivered keys past their retention go, what is due is taken.
pub fn take_due<R: Random + ?Sized>(outbox: &mut Outbox, now: Millis, rng: &mut R) -> Taken {
    outbox.purge(now);
    let attempts = outbox.due(now, rng);
    let wake = [outbox.next_wake(now), outbox.next_overdue(now)]
        .into_iter()
        .flatten()
        .min();
    Taken { attempts, wake }
}

/// What to write after a change turned `before` into `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Nothing changed.
    Nothing,
    /// Nothing is left to keep: remove the stored outbox (after a teardown the store is empty).
    Delete,
    /// Store this JSON.
    Put(String),
}

/// What to write after a change turned `before` into `after`.
pub fn write_for(before: &Outbox, after: &Outbox) -> Write {
    if after.entries().is_empty() && after.tombstones().is_empty() {
        if *before == Outbox::default() {
            Write::Nothing
        } else {
            Write::Delete
        }
    } else if after != before {
        Write::Put(after.to_json())
    } else {
        Write::Nothing
    }
}

/// What an HTTP answer's status says of a POST: `Ok` when its body must now be read for the
/// acknowledgement ([`crate::delivery::outbox::acknowledges`]); a redirect (never followed: an
/// expired sign-in turns the POST into a redirect to a login page that answers 200), a 401 or
/// another status than 2xx is a failure.
pub fn http_answer(status: u16, status_text: &str, opaque_redirect: bool) -> Result<(), Failure> {
    if opaque_redirect || (300..400).contains(&status) {
        Err(Failure::Redirected)
    } else if status == 401 {
        Err(Failure::SignInNeeded { status })
    } else if !(200..300).contains(&status) {
        Err(Failure::Http {
            status,
            reason: status_text.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// The failure of an entry that cannot be sent to the host page because it is not JSON: the
/// engine made it, so it never is; if it ever were, the host refuses it for good rather than the
/// outbox retrying it for ever.
pub fn entry_not_json() -> Failure {
    Failure::HostNack {
        permanent: true,
        reason: "the entry is not valid JSON".into(),
    }
}
