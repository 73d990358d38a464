//! The outbox: completed log entries on their way to the host CRM, and the schedule that decides
//! what to send and when (F17: delivered exactly once, even across reloads and outages; F21:
//! delivered entries kept only for a configurable retention; issue 5, "Durability").
//!
//! The widget persists the [`Outbox`] (it is plain serde data), runs the sends (postMessage or HTTP
//! POST with an `Idempotency-Key` header) and reports what happened; the outbox only decides. Time
//! comes in as milliseconds on every call and randomness through [`Random`], so every schedule can
//! be replayed in a test.
//!
//! What it guarantees:
//! - Nothing is lost or dropped: an entry is pending, in flight or dead-lettered until the host
//!   acknowledges it, then it is a tombstone until [`Outbox::purge`] finds its retention over.
//! - An entry's [`IdempotencyKey`] is made once, when it is enqueued, and never changes, so a send
//!   whose answer was lost can be repeated and the CRM can keep the first copy.
//! - An entry is never in flight twice at once: each send is an [`Attempt`] with its own
//!   [`AttemptId`], and a new attempt is only made after the previous one failed or timed out.
//! - Each entry keeps the route it was queued for ([`Entry::endpoint`]: an HTTP endpoint, or the
//!   host page over the port), whatever is configured later, and only an answer from that route
//!   counts ([`Via`]): an entry queued for the CRM's endpoint is not delivered because the host
//!   page said entry.ack, nor refused because it said entry.nack.
//! - Entries go in the order they were enqueued, at most `max_in_flight` at a time (8 by default,
//!   see [`RetryPolicy::default`]): only the first `max_in_flight` entries in the line may be
//!   sent, so while they wait for their retries those behind them wait too, and an outage costs
//!   a few requests per wait rather than one per entry. With more than one in flight, entries may
//!   arrive out of order; each keeps its key, so none arrives twice. A dead letter steps out of
//!   the line, and so does the first entry that has failed [`STEP_ASIDE_AFTER`] times, while it
//!   waits for its next retry: one entry the CRM keeps failing (a body its server chokes on)
//!   cannot hold up every call closed after it. Only one steps aside at a time, so an outage
//!   costs about `max_in_flight + 1` requests per wait.
//! - A stored outbox keeps the policy it was stored with; the widget brings it up to the current
//!   default with [`Outbox::adopt_policy`] when it reads it, keeping the deployment's tombstone
//!   retention.
//! - Retries wait a delay drawn uniformly from `[0, min(cap, base × 2ⁿ)]` (capped exponential
//!   backoff with full jitter, n = 0 for the first retry), and happen at once when the browser comes
//!   back online or the host says it is ready. Retryable failures are retried for ever; only a
//!   permanent rejection stops the retries, and it moves the entry to the dead letters, which the
//!   handler sees and can send again.
//! - A late answer is handled: an acknowledgement of the key is good news whatever attempt it
//!   answers; a failure for an attempt that is no longer the current one is ignored.
//!
//! # Stale and repeated acknowledgements
//!
//! An acknowledgement names a key, not an attempt, and the CRM keeps the first copy of a key, so:
//! - an acknowledgement from the entry's own route delivers it whether it is in flight, pending
//!   (a stale ack arriving after its attempt timed out and the entry went back to wait for its
//!   retry) or a dead letter: an acknowledgement of the key is good news whatever attempt it
//!   answers ([`Acked::Delivered`]);
//! - a repeat, for a key already delivered, changes nothing ([`Acked::AlreadyDelivered`]): the
//!   widget does not tell the host twice;
//! - one from another route changes nothing ([`Acked::WrongRoute`]): the host page cannot speak
//!   for the CRM's endpoint, nor the endpoint for the host page;
//! - one for a key the outbox does not know (never enqueued here, or delivered so long ago that
//!   its tombstone was purged) changes nothing ([`Acked::UnknownKey`]).
//!
//! A lost acknowledgement costs one attempt timeout and one repeated send, which the CRM
//! recognises by its key; with `max_in_flight` above 1 it holds up one place in the line, not the
//! whole line ([`crate::delivery::drain`] measures a backlog draining under lost acknowledgements).
//! - Nothing panics: unknown keys and attempts are reported as such and change nothing.

use crate::kernel::SortedMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::kernel::json_path::ReadFailure;
use crate::kernel::json_tree::{
    by_hand, missing, read_list, read_serde, read_struct, read_tag, JsonTree, Node, TreeError,
};
use crate::kernel::{list_problems, Millis, Random};

/// Failed attempts after which an entry waiting for its retry lets the entries behind it be sent.
pub const STEP_ASIDE_AFTER: u32 = 3;

/// The version of the persisted outbox's JSON; a stored outbox of another version is refused.
pub const OUTBOX_FORMAT: u32 = 1;

/// Failure reasons longer than this (in characters) are cut: they are stored and shown, and a
/// server's error body has no business filling the handler's storage.
const MAX_REASON_CHARS: usize = 200;

/// A number drawn uniformly from `0..=max`. Multiply-and-shift rather than `%`: no division, and a
/// bias below 2⁻⁴⁰ for any delay a policy can ask for.
fn uniform_up_to<R: Random + ?Sized>(rng: &mut R, max: u64) -> u64 {
    ((u128::from(rng.next_u64()) * (u128::from(max) + 1)) >> 64) as u64
}

/// The key the CRM uses to recognise a repeated send of the same log entry: a UUID, lowercase,
/// grouped 8-4-4-4-12. Sent as the `Idempotency-Key` header or in the postMessage envelope.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdempotencyKey(String);

/// A text that is not a UUID, so cannot be used as an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not an idempotency key: a key is a UUID, 32 hex digits grouped 8-4-4-4-12")]
pub struct NotAKey(String);

impl IdempotencyKey {
    /// A new random (version 4) UUID from 122 random bits.
    pub fn new_v4<R: Random + ?Sized>(rng: &mut R) -> Self {
        let high = rng.next_u64();
        let low = rng.next_u64();
        Self::v4_from_bits(high, low)
    }

    /// The version 4 UUID made of these bits, with the version nibble set to 4 and the variant
    /// bits to 10 (RFC 9562, section 5.4).
    fn v4_from_bits(high: u64, low: u64) -> Self {
        let high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        IdempotencyKey(format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xFFFF,
            high & 0xFFFF,
            low >> 48,
            low & 0xFFFF_FFFF_FFFF
        ))
    }

    /// Reads a key made elsewhere (a restored record, the host's entry.ack). Any UUID version is
    /// taken, in either case; it is kept lowercase so the same key always compares equal.
    pub fn parse(text: &str) -> Result<Self, NotAKey> {
        let bytes = text.as_bytes();
        let well_formed = bytes.len() == 36
            && bytes.iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            });
        if well_formed {
            Ok(IdempotencyKey(text.to_ascii_lowercase()))
        } else {
            Err(NotAKey(text.chars().take(60).collect()))
        }
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = NotAKey;

    fn try_from(text: String) -> Result<Self, NotAKey> {
        IdempotencyKey::parse(&text)
    }
}

impl From<IdempotencyKey> for String {
    fn from(key: IdempotencyKey) -> String {
        key.0
    }
}

/// One send of one entry. A new attempt supersedes the previous one: answers to an older attempt
/// are recognised by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AttemptId(pub u64);

impl fmt::Display for AttemptId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How the outbox retries and how long it remembers deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// The longest wait before the first retry; each later retry may wait twice as long.
    pub base_ms: Millis,
    /// The longest wait before any retry.
    pub cap_ms: Millis,
    /// How long an attempt may go unanswered before it counts as failed.
    pub attempt_timeout_ms: Millis,
    /// How long a delivered entry's key is remembered, so a repeat of it is not sent again (F21:
    /// the payload itself is dropped on delivery).
    pub tombstone_retention_ms: Millis,
    /// How many entries may be in flight at once. Entries are sent in the order they were
    /// enqueued, and only the first `max_in_flight` that are not dead letters may be sent: with 1,
    /// one at a time, each waiting for the one before it.
    pub max_in_flight: u32,
    /// How long an entry may wait undelivered before it is overdue: counted in
    /// [`OutboxStatus::overdue`] so the host and the handler are alerted. It is never dropped for
    /// age (it is an incident record). Absent in outboxes stored before issue 12: 24 hours.
    #[serde(default = "RetryPolicy::default_overdue_after_ms")]
    pub overdue_after_ms: Millis,
}

impl Default for RetryPolicy {
    /// 1 s base, 5 min cap, 30 s per attempt, tombstones kept 7 days, 8 entries in flight at once.
    ///
    /// Eight rather than one (the default until issue 12): with one in flight, each lost
    /// acknowledgement held the whole line for an attempt timeout, and a backlog of 400 entries
    /// with one acknowledgement in ten lost took 18 to 30 minutes to drain; with eight, 2.5 to 4
    /// minutes (simulated in [`crate::delivery::drain`]; `outbox-bench` prints the figures). The attempt
    /// timeout stays at 30 s, which halving would roughly halve again: a CRM slow under the load
    /// of a backlog should not have its requests abandoned and sent again, adding to that load.
    /// The price of eight is that entries may reach the CRM out of order (each keeps its key, so
    /// none twice), and that in an outage each wait costs up to nine requests rather than two.
    fn default() -> Self {
        RetryPolicy {
            base_ms: 1_000,
            cap_ms: 5 * 60 * 1_000,
            attempt_timeout_ms: 30 * 1_000,
            tombstone_retention_ms: 7 * 24 * 60 * 60 * 1_000,
            max_in_flight: 8,
            overdue_after_ms: RetryPolicy::default_overdue_after_ms(),
        }
    }
}

/// One thing wrong with a [`RetryPolicy`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyProblem {
    /// A zero base would make every retry immediate: a busy loop against a failing server.
    #[error("base_ms must be more than 0")]
    ZeroBase,
    /// A zero cap would make every retry immediate.
    #[error("cap_ms must be more than 0")]
    ZeroCap,
    /// The cap is below the base: the policy is upside down.
    #[error("cap_ms ({cap_ms}) must be at least base_ms ({base_ms})")]
    CapBelowBase {
        /// The base given.
        base_ms: Millis,
        /// The cap given.
        cap_ms: Millis,
    },
    /// Every attempt would time out before it was sent.
    #[error("attempt_timeout_ms must be more than 0")]
    ZeroTimeout,
    /// Tombstones would be purged at once, so a repeat of a delivered key would be sent again.
    #[error("tombstone_retention_ms must be more than 0")]
    ZeroRetention,
    /// Nothing could ever be sent.
    #[error("max_in_flight must be at least 1")]
    ZeroInFlight,
    /// Every entry would be overdue the moment it was closed: an alarm that means nothing.
    #[error("overdue_after_ms must be more than 0")]
    ZeroOverdue,
}

/// A retry policy that cannot be used, with every problem in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the retry policy cannot be used: {}", list_problems(.problems))]
pub struct InvalidPolicy {
    /// Every problem found.
    pub problems: Vec<PolicyProblem>,
}

impl RetryPolicy {
    fn default_overdue_after_ms() -> Millis {
        24 * 60 * 60 * 1_000
    }

    /// Every problem with this policy, or `Ok` if it can be used.
    pub fn check(&self) -> Result<(), InvalidPolicy> {
        let mut problems = Vec::new();
        if self.base_ms == 0 {
            problems.push(PolicyProblem::ZeroBase);
        }
        if self.cap_ms == 0 {
            problems.push(PolicyProblem::ZeroCap);
        } else if self.cap_ms < self.base_ms {
            problems.push(PolicyProblem::CapBelowBase {
                base_ms: self.base_ms,
                cap_ms: self.cap_ms,
            });
        }
        if self.attempt_timeout_ms == 0 {
            problems.push(PolicyProblem::ZeroTimeout);
        }
        if self.tombstone_retention_ms == 0 {
            problems.push(PolicyProblem::ZeroRetention);
        }
        if self.max_in_flight == 0 {
            problems.push(PolicyProblem::ZeroInFlight);
        }
        if self.overdue_after_ms == 0 {
            problems.push(PolicyProblem::ZeroOverdue);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(InvalidPolicy { problems })
        }
    }

    /// The longest wait before retry number `retry` (0 for the first retry):
    /// `min(cap, base × 2^retry)`, without overflow however many retries there have been.
    pub fn ceiling(&self, retry: u32) -> Millis {
        let factor = 1u64.checked_shl(retry).unwrap_or(u64::MAX);
        self.base_ms.saturating_mul(factor).min(self.cap_ms)
    }
}

/// Why an attempt failed, as the widget saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// The request never got an HTTP answer (offline, DNS, connection reset, CORS).
    Network {
        /// What the browser said.
        reason: String,
    },
    /// The endpoint answered with a status other than 2xx.
    Http {
        /// The status code.
        status: u16,
        /// The status text or a short error from the body.
        reason: String,
    },
    /// The widget gave up waiting for an answer.
    Timeout,
    /// The host answered entry.nack.
    HostNack {
        /// Whether the host said the entry will never be accepted as it is.
        permanent: bool,
        /// The host's reason.
        reason: String,
    },
    /// The endpoint answered with a redirect, which the widget refuses to follow: typically an
    /// expired sign-in sending the POST to a login page. Retried; the entry waits.
    Redirected,
    /// The endpoint answered 2xx, but its body does not acknowledge the entry's key (see
    /// [`acknowledges`]): a proxy or a login page may have answered instead of the CRM. Retried.
    NotAcknowledged {
        /// Why the answer is not an acknowledgement, from [`acknowledges`].
        reason: String,
    },
    /// The endpoint asks for a sign-in (HTTP 401 or the like). Retried; the entry waits for a new
    /// token from the host's configure.
    SignInNeeded {
        /// The HTTP status.
        status: u16,
    },
    /// The entry's endpoint is no longer in the deployment's allow-list, so it will not be sent
    /// there: a dead letter, for the handler to see.
    EndpointNotAllowed {
        /// The entry's endpoint.
        endpoint: String,
    },
}

impl Failure {
    /// Whether retrying the same entry cannot help. Among HTTP statuses only a 4xx is permanent,
    /// except 401 (sign in, then it will be accepted), 408 (timeout), 409 (the same key is still
    /// being processed, in the IETF Idempotency-Key draft), 425 (too early) and 429 (too many
    /// requests), which say "later"; 403 (signed in, but not allowed) stays permanent. A redirect,
    /// an answer that does not acknowledge the key and a request for a sign-in are retried: the
    /// entry waits, nothing is lost. An endpoint taken off the deployment's allow-list is
    /// permanent: the handler sees it. Anything else unexpected is retried: a wrongly retried
    /// entry costs one more request, while a wrongly dead-lettered one waits for a person.
    pub fn is_permanent(&self) -> bool {
        match self {
            Failure::Network { .. }
            | Failure::Timeout
            | Failure::Redirected
            | Failure::NotAcknowledged { .. }
            | Failure::SignInNeeded { .. } => false,
            Failure::Http { status, .. } => {
                (400..500).contains(status) && !matches!(status, 401 | 408 | 409 | 425 | 429)
            }
            Failure::HostNack { permanent, .. } => *permanent,
            Failure::EndpointNotAllowed { .. } => true,
        }
    }

    /// Whether the endpoint wants a new sign-in (a redirect, [`Failure::SignInNeeded`], or HTTP
    /// 401): the browser tells the host page (delivery.sign_in_needed), which answers with a
    /// configure carrying a new token.
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self,
            Failure::Redirected | Failure::SignInNeeded { .. } | Failure::Http { status: 401, .. }
        )
    }

    /// A short description for the handler, such as "HTTP 503: Service Unavailable".
    pub fn describe(&self) -> String {
        let text = match self {
            Failure::Network { reason } => format!("network error: {reason}"),
            Failure::Http { status, reason } if reason.trim().is_empty() => {
                format!("HTTP {status}")
            }
            Failure::Http { status, reason } => format!("HTTP {status}: {reason}"),
            Failure::Timeout => "no answer in time".to_owned(),
            Failure::HostNack { reason, .. } => format!("the host refused it: {reason}"),
            Failure::Redirected => {
                "the endpoint redirected the entry (often an expired sign-in); it will be sent again"
                    .to_owned()
            }
            Failure::NotAcknowledged { reason } => format!(
                "the endpoint answered without acknowledging this entry's key ({reason}); it will be sent again"
            ),
            Failure::SignInNeeded { status } => format!(
                "the endpoint asks for a sign-in (HTTP {status}): the entry waits for a new token"
            ),
            Failure::EndpointNotAllowed { endpoint } => format!(
                "the entry's endpoint {endpoint} is no longer allowed by the deployment settings, so it was not sent"
            ),
        };
        cut(&text)
    }
}

fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_REASON_CHARS {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX_REASON_CHARS - 1).collect();
        short.push('…');
        short
    }
}

/// The largest answer body [`acknowledges`] reads, in bytes: an acknowledgement is a few dozen
/// bytes, and a larger body (a web page, an error dump) is refused without being parsed.
pub const MAX_ACK_BYTES: usize = 64 * 1024;

/// The acknowledgement contract of HTTP delivery: whether the body of a 2xx answer to the POST of
/// the entry with `key` acknowledges it. It does when it is a JSON object whose `"key"` is that key
/// (compared as [`IdempotencyKey::parse`] reads keys, so in either case); other fields are the
/// CRM's business. A 2xx alone is not enough: a proxy, a captive portal or a login page can answer
/// 200 without the CRM having stored anything. Otherwise says why in a few words, for
/// [`Failure::NotAcknowledged`]; the body itself is never repeated.
pub fn acknowledges(body: &str, key: &IdempotencyKey) -> Result<(), String> {
    if body.len() > MAX_ACK_BYTES {
        return Err(format!(
            "the answer is larger than {} KiB",
            MAX_ACK_BYTES / 1024
        ));
    }
    use crate::kernel::json_tree::{last_member, Value};
    let Ok(tree) = JsonTree::parse(body.as_bytes()) else {
        return Err("the answer is not JSON".to_owned());
    };
    let Value::Object(members) = &tree.root().value else {
        return Err("the answer is not a JSON object".to_owned());
    };
    match last_member(members, "key").map(|value| &value.value) {
        None | Some(Value::Null) => Err("the answer has no \"key\"".to_owned()),
        Some(Value::String(text)) => match IdempotencyKey::parse(text) {
            Ok(answered) if &answered == key => Ok(()),
            Ok(_) => Err("the answer acknowledges another key".to_owned()),
            Err(_) => Err("the answer's \"key\" is not an idempotency key".to_owned()),
        },
        Some(_) => Err("the answer's \"key\" is not text".to_owned()),
    }
}

/// Where an entry is in its delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "is", rename_all = "snake_case", deny_unknown_fields)]
pub enum EntryState {
    /// Waiting to be sent.
    Pending {
        /// When it started waiting (enqueued, failed, or made due at once).
        since: Millis,
        /// When it may be sent.
        due_at: Millis,
    },
    /// Sent; no answer yet.
    InFlight {
        /// The current attempt; answers to any other attempt are stale.
        attempt: AttemptId,
        /// When it was sent.
        started_at: Millis,
        /// When it counts as failed if still unanswered.
        deadline: Millis,
    },
    /// Permanently rejected; waits for the handler.
    DeadLetter {
        /// Why it was rejected.
        reason: String,
        /// When.
        at: Millis,
    },
}

/// A completed log entry not yet delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Its idempotency key, fixed for its whole life.
    pub key: IdempotencyKey,
    /// The log entry as sent (JSON text, as published in schema/log-entry.schema.json).
    pub payload: String,
    /// When it was enqueued.
    pub enqueued_at: Millis,
    /// Attempts made since it was enqueued or last taken out of the dead letters.
    pub attempts: u32,
    /// Why the last attempt failed, if one did.
    pub last_failure: Option<String>,
    /// Where it is.
    pub state: EntryState,
    /// Where it goes, fixed when it was enqueued: the absolute address of the HTTP endpoint it
    /// was queued for, or `None` for the host page over the port. Absent in outboxes stored
    /// before routes were kept, which were all for the host page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
}

/// The route an answer came by, for [`Outbox::acked`]: only an answer from the route an entry was
/// queued for counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via<'a> {
    /// The host page, over the port (entry.ack).
    Host,
    /// The HTTP endpoint at this address (a 2xx answer that [`acknowledges`] the key). The address
    /// is compared exactly with the entry's [`Entry::endpoint`], so give back the attempt's
    /// [`Attempt::endpoint`] unchanged.
    Endpoint(&'a str),
}

impl Via<'_> {
    /// Whether this is the route of an entry queued for `endpoint`.
    fn is_route_of(self, endpoint: Option<&str>) -> bool {
        match (self, endpoint) {
            (Via::Host, None) => true,
            (Via::Endpoint(url), Some(endpoint)) => url == endpoint,
            _ => false,
        }
    }
}

/// Where an entry is in the line ([`Outbox::line`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Among the first `max_in_flight`: it may be sent.
    Head,
    /// Stepped out of the line while it waits for its retry.
    Aside,
    /// Behind the head, or a dead letter.
    Behind,
}

impl Entry {
    /// Whether it has failed [`STEP_ASIDE_AFTER`] times and waits for its next retry at `now`, out
    /// of the line, so the entries behind it can be sent.
    fn steps_aside(&self, now: Millis) -> bool {
        matches!(self.state, EntryState::Pending { since, due_at }
            if self.attempts >= STEP_ASIDE_AFTER && due_at > now && since <= now)
    }
}

/// One send the widget should make now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// The entry's idempotency key.
    pub key: IdempotencyKey,
    /// This attempt's id, to be given back with its failure.
    pub attempt: AttemptId,
    /// 1 for the first attempt, 2 for the first retry…
    pub number: u32,
    /// What to send.
    pub payload: String,
    /// When the outbox will count this attempt as failed if unanswered.
    pub deadline: Millis,
    /// Where to send it: the entry's own route ([`Entry::endpoint`]), an HTTP endpoint's address,
    /// or `None` for the host page over the port.
    pub endpoint: Option<String>,
}

/// A dead-lettered entry, for the handler's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeadLetter<'a> {
    /// Its key.
    pub key: &'a IdempotencyKey,
    /// The log entry.
    pub payload: &'a str,
    /// Why it was rejected.
    pub reason: &'a str,
    /// When.
    pub at: Millis,
    /// Attempts made before it was rejected.
    pub attempts: u32,
}

/// Counts for the `outbox.status` event and the widget's indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxStatus {
    /// Waiting to be sent.
    pub pending: usize,
    /// Sent and unanswered.
    pub in_flight: usize,
    /// Permanently rejected, waiting for the handler.
    pub dead_letters: usize,
    /// Delivered and still remembered.
    pub delivered: usize,
    /// How long the oldest entry still on its way (pending or in flight) has waited.
    pub oldest_pending_age_ms: Option<Millis>,
    /// Undelivered entries (dead letters included) that have waited longer than the policy's
    /// [`RetryPolicy::overdue_after_ms`]: kept, but someone must see to the CRM connection.
    pub overdue: usize,
}

/// What [`Outbox::enqueue_with_key`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// The entry was added.
    Added,
    /// An entry with this key is already waiting; it was kept as it was.
    AlreadyQueued,
    /// This key was delivered; it will not be sent again.
    AlreadyDelivered,
}

/// What [`Outbox::acked`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acked {
    /// The entry is delivered: tell the host (entry.delivered).
    Delivered,
    /// It had been delivered already: nothing changed.
    AlreadyDelivered,
    /// No entry has this key (or its tombstone has been purged): nothing changed.
    UnknownKey,
    /// The acknowledgement came by another route than the entry's own (the host page for an
    /// entry queued for an endpoint, another endpoint, or an endpoint for an entry queued for
    /// the host page): nothing changed.
    WrongRoute,
}

/// What [`Outbox::failed`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// The entry will be retried.
    Retry {
        /// When it is due.
        at: Millis,
        /// The delay drawn, `at - now`.
        delay: Millis,
        /// The most the delay could have been.
        ceiling: Millis,
    },
    /// The entry was rejected for good and is now a dead letter.
    DeadLettered,
    /// The attempt is not the entry's current one (it timed out, or the entry was sent again):
    /// ignored.
    StaleAttempt,
    /// The entry was delivered already: ignored.
    AlreadyDelivered,
    /// No entry has this key: ignored.
    UnknownKey,
    /// The host page refused an entry queued for an HTTP endpoint, which only the endpoint can
    /// answer for: ignored.
    WrongRoute,
}

/// A stored outbox that cannot be restored, with every problem in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stored outbox cannot be used: {}", .problems.join("; "))]
pub struct CorruptOutbox {
    /// Every problem found.
    pub problems: Vec<String>,
}

/// The outbox's JSON as stored; checked before it becomes an [`Outbox`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutboxFile {
    format: u32,
    policy: RetryPolicy,
    entries: Vec<Entry>,
    tombstones: SortedMap<IdempotencyKey, Millis>,
    next_attempt: u64,
}

/// The stored outbox read by hand from its JSON tree (issue 14: the call screen's size); the
/// derive of `Outbox` is the oracle ([`outbox_readers_agree`]).
fn read_outbox_file(node: &Node) -> Result<OutboxFile, TreeError> {
    by_hand!(
        node,
        OutboxFile {
            format: required(read_serde),
            policy: required(read_policy),
            entries: required(|v| read_list(v, read_entry)),
            tombstones: required(read_serde),
            next_attempt: required(read_serde),
        }
    )
}

/// A [`RetryPolicy`] as its derive reads it (`overdue_after_ms` may be left out).
fn read_policy(node: &Node) -> Result<RetryPolicy, TreeError> {
    const FIELDS: &[&str] = &[
        "base_ms",
        "cap_ms",
        "attempt_timeout_ms",
        "tombstone_retention_ms",
        "max_in_flight",
        "overdue_after_ms",
    ];
    let [mut base, mut cap, mut timeout, mut retention, mut overdue] = [None; 5];
    let mut max_in_flight = None;
    read_struct(node, "struct RetryPolicy", FIELDS, "", |i, v| {
        let time = match i {
            0 => &mut base,
            1 => &mut cap,
            2 => &mut timeout,
            3 => &mut retention,
            4 => {
                max_in_flight = Some(read_serde(v)?);
                return Ok(());
            }
            _ => &mut overdue,
        };
        *time = Some(read_serde(v)?);
        Ok(())
    })?;
    Ok(RetryPolicy {
        base_ms: missing(base, FIELDS[0], node)?,
        cap_ms: missing(cap, FIELDS[1], node)?,
        attempt_timeout_ms: missing(timeout, FIELDS[2], node)?,
        tombstone_retention_ms: missing(retention, FIELDS[3], node)?,
        max_in_flight: missing(max_in_flight, FIELDS[4], node)?,
        overdue_after_ms: overdue.unwrap_or_else(RetryPolicy::default_overdue_after_ms),
    })
}

fn read_entry(node: &Node) -> Result<Entry, TreeError> {
    by_hand!(
        node,
        Entry {
            key: required(read_serde),
            payload: required(read_serde),
            enqueued_at: required(read_serde),
            attempts: required(read_serde),
            last_failure: default(read_serde),
            state: required(read_state),
            endpoint: default(read_serde),
        }
    )
}

/// The variants of [`EntryState`], by their tag `is`.
const STATES: &[&str] = &["pending", "in_flight", "dead_letter"];

/// An [`EntryState`] as its derive reads it: the tag `is`, then the variant's fields, from
/// buffered content that knows no place inside it (every refusal names the state).
fn read_state(node: &Node) -> Result<EntryState, TreeError> {
    let (which, _) = read_tag(node, "is", "internally tagged enum EntryState", STATES)?;
    state_fields(node, which).map_err(|e| e.moved_to(node.end))
}

fn state_fields(node: &Node, which: usize) -> Result<EntryState, TreeError> {
    const PENDING: &[&str] = &["since", "due_at"];
    const IN_FLIGHT: &[&str] = &["attempt", "started_at", "deadline"];
    const DEAD_LETTER: &[&str] = &["reason", "at"];
    match which {
        0 => {
            let mut times = [None; 2];
            read_struct(
                node,
                "struct variant EntryState::Pending",
                PENDING,
                "is",
                |i, v| {
                    times[i.min(1)] = Some(read_serde(v)?);
                    Ok(())
                },
            )?;
            Ok(EntryState::Pending {
                since: missing(times[0], PENDING[0], node)?,
                due_at: missing(times[1], PENDING[1], node)?,
            })
        }
        1 => {
            let mut numbers = [None; 3];
            read_struct(
                node,
                "struct variant EntryState::InFlight",
                IN_FLIGHT,
                "is",
                |i, v| {
                    numbers[i.min(2)] = Some(read_serde::<u64>(v)?);
                    Ok(())
                },
            )?;
            Ok(EntryState::InFlight {
                attempt: AttemptId(missing(numbers[0], IN_FLIGHT[0], node)?),
                started_at: missing(numbers[1], IN_FLIGHT[1], node)?,
                deadline: missing(numbers[2], IN_FLIGHT[2], node)?,
            })
        }
        _ => {
            let (mut reason, mut at) = (None, None);
            read_struct(
                node,
                "struct variant EntryState::DeadLetter",
                DEAD_LETTER,
                "is",
                |i, v| {
                    match i {
                        0 => reason = Some(read_serde(v)?),
                        _ => at = Some(read_serde(v)?),
                    }
                    Ok(())
                },
            )?;
            Ok(EntryState::DeadLetter {
                reason: missing(reason, DEAD_LETTER[0], node)?,
                at: missing(at, DEAD_LETTER[1], node)?,
            })
        }
    }
}

/// What a stored outbox that cannot be read says: the failure and where it is.
fn unreadable(failure: ReadFailure) -> String {
    format!(
        "{} at line {} column {}",
        failure.message, failure.line, failure.column
    )
}

/// Whether the outbox reader by hand and `Outbox`'s derive read `bytes` the same (the same
/// outbox, or the same refusal at the same place): the oracle of the tests, not for other use.
#[doc(hidden)]
pub fn outbox_readers_agree(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let ours = Outbox::from_json(text);
    let theirs = crate::kernel::json_tree::read::<Outbox>(bytes).map_err(unreadable);
    let (ours, theirs) = (format!("{ours:?}"), format!("{theirs:?}"));
    if ours == theirs {
        Ok(())
    } else {
        Err(format!("by hand: {ours}\nderive: {theirs}"))
    }
}

/// Completed log entries on their way to the CRM, with the keys of those delivered recently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OutboxFile")]
pub struct Outbox {
    format: u32,
    policy: RetryPolicy,
    /// In the order they were enqueued, which is the order they are sent in.
    entries: Vec<Entry>,
    /// Delivered keys and when they were delivered.
    tombstones: SortedMap<IdempotencyKey, Millis>,
    /// The id the next attempt will get; ids are never reused, so a stale answer stays stale.
    next_attempt: u64,
}

impl TryFrom<OutboxFile> for Outbox {
    type Error = CorruptOutbox;

    fn try_from(file: OutboxFile) -> Result<Self, CorruptOutbox> {
        let mut problems = Vec::new();
        if file.format != OUTBOX_FORMAT {
            problems.push(format!(
                "format: {} is not the supported version {OUTBOX_FORMAT}",
                file.format
            ));
        }
        if let Err(invalid) = file.policy.check() {
            problems.extend(invalid.problems.iter().map(|p| format!("policy: {p}")));
        }
        let mut seen = SortedMap::new();
        for (i, entry) in file.entries.iter().enumerate() {
            if let Some(first) = seen.insert(&entry.key, i) {
                problems.push(format!(
                    "entries[{i}].key: \"{}\" is also the key of entries[{first}]",
                    entry.key
                ));
            }
            if file.tombstones.contains_key(&entry.key) {
                problems.push(format!(
                    "entries[{i}].key: \"{}\" is also delivered (tombstones)",
                    entry.key
                ));
            }
            if let EntryState::InFlight { attempt, .. } = entry.state {
                if attempt.0 >= file.next_attempt {
                    problems.push(format!(
                        "entries[{i}].state.attempt: {attempt} is not below next_attempt ({})",
                        file.next_attempt
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(Outbox {
                format: file.format,
                policy: file.policy,
                entries: file.entries,
                tombstones: file.tombstones,
                next_attempt: file.next_attempt,
            })
        } else {
            Err(CorruptOutbox { problems })
        }
    }
}

impl Default for Outbox {
    /// An empty outbox with the default [`RetryPolicy`] (which is valid: a test says so).
    fn default() -> Self {
        Outbox {
            format: OUTBOX_FORMAT,
            policy: RetryPolicy::default(),
            entries: Vec::new(),
            tombstones: SortedMap::new(),
            next_attempt: 0,
        }
    }
}

impl Outbox {
    /// The outbox as JSON text, for storage.
    pub fn to_json(&self) -> String {
        // Strings, integers and maps with string keys only: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored outbox, checking it; says what is wrong (line and column, or each problem)
    /// when it cannot be used.
    pub fn from_json(text: &str) -> Result<Outbox, String> {
        let tree = JsonTree::parse(text.as_bytes()).map_err(unreadable)?;
        let file = read_outbox_file(tree.root()).map_err(|e| unreadable(tree.explain(e)))?;
        Outbox::try_from(file)
            .map_err(|corrupt| unreadable(tree.explain(serde::de::Error::custom(corrupt))))
    }

    /// An empty outbox, if the policy can be used.
    pub fn new(policy: RetryPolicy) -> Result<Self, InvalidPolicy> {
        policy.check()?;
        Ok(Outbox {
            format: OUTBOX_FORMAT,
            policy,
            entries: Vec::new(),
            tombstones: SortedMap::new(),
            next_attempt: 0,
        })
    }

    /// The policy in force.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Changes the policy (the host's configure). Waits already drawn stand; new draws use it.
    pub fn set_policy(&mut self, policy: RetryPolicy) -> Result<(), InvalidPolicy> {
        policy.check()?;
        self.policy = policy;
        Ok(())
    }

    /// Takes the schedule of `policy` (backoff, attempt timeout, `max_in_flight`) and keeps this
    /// outbox's own tombstone retention, which the deployment chose (F21). A stored outbox keeps
    /// the policy it was made with, so the widget calls this with [`RetryPolicy::default`] each
    /// time it reads one: an outbox stored with the old default (one entry at a time) is brought up
    /// to the current one. Attempts in flight keep their deadlines; waits already drawn stand.
    pub fn adopt_policy(&mut self, policy: RetryPolicy) -> Result<(), InvalidPolicy> {
        self.set_policy(RetryPolicy {
            tombstone_retention_ms: self.policy.tombstone_retention_ms,
            ..policy
        })
    }

    /// Adds a completed log entry with a new key, due at once, and returns the key (for the
    /// entry.completed event). `endpoint` is its route for good: the absolute address of the HTTP
    /// endpoint configured when it was queued, or `None` for the host page over the port.
    pub fn enqueue<R: Random + ?Sized>(
        &mut self,
        payload: String,
        endpoint: Option<String>,
        now: Millis,
        rng: &mut R,
    ) -> IdempotencyKey {
        let mut key = IdempotencyKey::new_v4(rng);
        // A repeat means a broken random source, not bad luck (2⁻¹²² per pair); a few more draws,
        // then counting, still give a key no other entry has, so the entry is never refused.
        let mut tries = 0u64;
        while self.knows(&key) {
            tries += 1;
            key = if tries < 16 {
                IdempotencyKey::new_v4(rng)
            } else {
                IdempotencyKey::v4_from_bits(rng.next_u64(), tries)
            };
        }
        self.entries
            .push(Entry::new(key.clone(), payload, endpoint, now));
        key
    }

    /// Adds an entry under a key made earlier (adopting a record from an older store, keeping its
    /// route and when it was first enqueued). The same key twice adds nothing, and keeps the first
    /// payload and route: a key names one entry for good.
    pub fn enqueue_with_key(
        &mut self,
        key: IdempotencyKey,
        payload: String,
        endpoint: Option<String>,
        enqueued_at: Millis,
    ) -> Enqueued {
        if self.tombstones.contains_key(&key) {
            Enqueued::AlreadyDelivered
        } else if self.entry(&key).is_some() {
            Enqueued::AlreadyQueued
        } else {
            self.entries
                .push(Entry::new(key, payload, endpoint, enqueued_at));
            Enqueued::Added
        }
    }

    fn knows(&self, key: &IdempotencyKey) -> bool {
        self.tombstones.contains_key(key) || self.entry(key).is_some()
    }

    /// The undelivered entry with this key.
    pub fn entry(&self, key: &IdempotencyKey) -> Option<&Entry> {
        self.entries.iter().find(|e| &e.key == key)
    }

    /// Every undelivered entry, in the order they were enqueued.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Whether this key was delivered (and its tombstone not yet purged).
    pub fn is_delivered(&self, key: &IdempotencyKey) -> bool {
        self.tombstones.contains_key(key)
    }

    /// Delivered keys still remembered, with when they were delivered.
    pub fn tombstones(&self) -> &SortedMap<IdempotencyKey, Millis> {
        &self.tombstones
    }

    fn in_flight(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e.state, EntryState::InFlight { .. }))
            .count()
    }

    fn free_slots(&self) -> usize {
        (self.policy.max_in_flight as usize).saturating_sub(self.in_flight())
    }

    /// Where each entry is in the line at `now`. Only the first `max_in_flight` entries in the
    /// line may be sent, so while the oldest waits for its retry the ones behind it wait too: an
    /// outage costs one request per wait, not one per entry. Out of the line: dead letters, and the
    /// first entry that has failed [`STEP_ASIDE_AFTER`] times, while it waits for its next retry.
    /// Only one steps aside at a time: in an outage every entry fails, and the line then costs
    /// about two requests per wait, not three per entry.
    fn line(&self, now: Millis) -> Vec<Place> {
        let mut room = self.policy.max_in_flight as usize;
        let mut one_aside = false;
        self.entries
            .iter()
            .map(|e| {
                if matches!(e.state, EntryState::DeadLetter { .. }) {
                    return Place::Behind;
                }
                if !one_aside && e.steps_aside(now) {
                    one_aside = true;
                    return Place::Aside;
                }
                if room > 0 {
                    room -= 1;
                    Place::Head
                } else {
                    Place::Behind
                }
            })
            .collect()
    }

    /// When the widget should next call [`Outbox::due`]: `now` if something can be sent or has
    /// timed out already, a later time if something will be, `None` if nothing is waiting. Ask
    /// again after every call that changes the outbox.
    pub fn next_wake(&self, now: Millis) -> Option<Millis> {
        let free = self.free_slots() > 0;
        self.entries
            .iter()
            .zip(self.line(now))
            .filter_map(|(e, place)| match e.state {
                // The one stepped aside is back in the line when its retry is due.
                EntryState::Pending { since, due_at } if free && place != Place::Behind => {
                    Some(if since > now { now } else { due_at.max(now) })
                }
                EntryState::InFlight {
                    started_at,
                    deadline,
                    ..
                } => Some(if started_at > now {
                    now
                } else {
                    deadline.max(now)
                }),
                _ => None,
            })
            .min()
    }

    /// The sends to make now, from the head of the line, each marked in flight. Attempts past
    /// their deadline count as failed first (and are rescheduled), so their places can be used.
    pub fn due<R: Random + ?Sized>(&mut self, now: Millis, rng: &mut R) -> Vec<Attempt> {
        let policy = self.policy;
        for entry in &mut self.entries {
            if let EntryState::InFlight {
                started_at,
                deadline,
                ..
            } = entry.state
            {
                // An attempt "started" in the future means the clock went back: its deadline
                // cannot be trusted, so it is given up rather than waited for.
                if deadline <= now || started_at > now {
                    entry.retry_later(&policy, Failure::Timeout.describe(), now, rng);
                }
            }
        }
        let mut free = self.free_slots();
        let line = self.line(now);
        let mut attempts = Vec::new();
        for (entry, place) in self.entries.iter_mut().zip(line) {
            if free == 0 {
                break;
            }
            if place != Place::Head {
                continue;
            }
            if let EntryState::Pending { since, due_at } = entry.state {
                // Waiting "since" the future means the clock went back: send rather than wait
                // for a time that may be far off.
                if due_at <= now || since > now {
                    let attempt = AttemptId(self.next_attempt);
                    self.next_attempt = self.next_attempt.wrapping_add(1);
                    entry.attempts = entry.attempts.saturating_add(1);
                    let deadline = now.saturating_add(policy.attempt_timeout_ms);
                    entry.state = EntryState::InFlight {
                        attempt,
                        started_at: now,
                        deadline,
                    };
                    attempts.push(Attempt {
                        key: entry.key.clone(),
                        attempt,
                        number: entry.attempts,
                        payload: entry.payload.clone(),
                        deadline,
                        endpoint: entry.endpoint.clone(),
                    });
                    free -= 1;
                }
            }
        }
        attempts
    }

    /// The host page (entry.ack) or the endpoint (a 2xx that [`acknowledges`] the key) accepted
    /// the entry with this key, by the route `via`. An acknowledgement of the key is good news
    /// whatever attempt it answers: in flight, pending after a timeout (a stale ack), or a dead
    /// letter, the CRM has the entry, so it becomes a tombstone. From another route than the
    /// entry's own it changes nothing ([`Acked::WrongRoute`]); for a key already delivered it
    /// changes nothing either ([`Acked::AlreadyDelivered`], whatever the route).
    pub fn acked(&mut self, key: &IdempotencyKey, via: Via<'_>, now: Millis) -> Acked {
        if self.tombstones.contains_key(key) {
            return Acked::AlreadyDelivered;
        }
        match self.entries.iter().position(|e| &e.key == key) {
            Some(i) if !via.is_route_of(self.entries[i].endpoint.as_deref()) => Acked::WrongRoute,
            Some(i) => {
                let entry = self.entries.remove(i);
                self.tombstones.insert(entry.key, now);
                Acked::Delivered
            }
            None => Acked::UnknownKey,
        }
    }

    /// The host page refused the entry with this key (entry.nack). The host answers each
    /// entry.completed it is sent, so the refusal is taken as the answer to the entry's current
    /// attempt, and counts as [`Outbox::failed`] would. It applies only to an entry routed to the
    /// host page: for one queued for an HTTP endpoint it changes nothing ([`Failed::WrongRoute`]),
    /// and for one not in flight (no attempt to answer) neither ([`Failed::StaleAttempt`]).
    pub fn nacked_by_host<R: Random + ?Sized>(
        &mut self,
        key: &IdempotencyKey,
        failure: Failure,
        now: Millis,
        rng: &mut R,
    ) -> Failed {
        if self.tombstones.contains_key(key) {
            return Failed::AlreadyDelivered;
        }
        let Some(entry) = self.entry(key) else {
            return Failed::UnknownKey;
        };
        if entry.endpoint.is_some() {
            return Failed::WrongRoute;
        }
        match entry.state {
            EntryState::InFlight { attempt, .. } => self.failed(key, attempt, failure, now, rng),
            _ => Failed::StaleAttempt,
        }
    }

    /// An attempt failed. Only the entry's current attempt counts: a permanent failure makes it a
    /// dead letter, any other is retried after a jittered wait.
    pub fn failed<R: Random + ?Sized>(
        &mut self,
        key: &IdempotencyKey,
        attempt: AttemptId,
        failure: Failure,
        now: Millis,
        rng: &mut R,
    ) -> Failed {
        if self.tombstones.contains_key(key) {
            return Failed::AlreadyDelivered;
        }
        let policy = self.policy;
        let Some(entry) = self.entries.iter_mut().find(|e| &e.key == key) else {
            return Failed::UnknownKey;
        };
        match entry.state {
            EntryState::InFlight {
                attempt: current, ..
            } if current == attempt => {
                let reason = failure.describe();
                if failure.is_permanent() {
                    entry.last_failure = Some(reason.clone());
                    entry.state = EntryState::DeadLetter { reason, at: now };
                    Failed::DeadLettered
                } else {
                    let (at, delay, ceiling) = entry.retry_later(&policy, reason, now, rng);
                    Failed::Retry { at, delay, ceiling }
                }
            }
            _ => Failed::StaleAttempt,
        }
    }

    /// The browser is online again: every pending entry is due now. Returns how many.
    pub fn online(&mut self, now: Millis) -> usize {
        self.all_pending_due(now)
    }

    /// The host said ready: every pending entry is due now. Returns how many.
    pub fn host_ready(&mut self, now: Millis) -> usize {
        self.all_pending_due(now)
    }

    /// The host sent a new sign-in token (configure with `token`): every pending entry queued for
    /// `endpoint` is due now, rather than at the end of a wait drawn while the endpoint refused
    /// the old one. Returns how many.
    pub fn signed_in(&mut self, endpoint: &str, now: Millis) -> usize {
        self.due_now(now, |entry| {
            entry.endpoint.as_deref() == Some(endpoint)
                && matches!(entry.state, EntryState::Pending { .. })
        })
    }

    fn all_pending_due(&mut self, now: Millis) -> usize {
        self.due_now(now, |entry| {
            matches!(entry.state, EntryState::Pending { .. })
        })
    }

    /// Every entry `which` picks becomes pending and due at `now`: how an outside event (online,
    /// ready, a new token, a reload) cuts a wait short. Returns how many.
    fn due_now(&mut self, now: Millis, which: impl Fn(&Entry) -> bool) -> usize {
        let mut count = 0;
        for entry in &mut self.entries {
            if which(entry) {
                entry.state = EntryState::Pending {
                    since: now,
                    due_at: now,
                };
                count += 1;
            }
        }
        count
    }

    /// The outbox was restored in a new page (reload, crashed tab): attempts in flight in the old
    /// page can no longer be answered by it, so they are due now, under the same keys. The
    /// attempt count is kept; a late entry.ack from the host still delivers. Returns how many.
    pub fn reloaded(&mut self, now: Millis) -> usize {
        self.due_now(now, |entry| {
            matches!(entry.state, EntryState::InFlight { .. })
        })
    }

    /// The handler asks for a dead letter to be sent again: it is due now, with its attempts
    /// counted afresh. Returns false (changing nothing) if the key is not a dead letter.
    pub fn retry_dead_letter(&mut self, key: &IdempotencyKey, now: Millis) -> bool {
        match self.entries.iter_mut().find(|e| &e.key == key) {
            Some(entry) if matches!(entry.state, EntryState::DeadLetter { .. }) => {
                entry.attempts = 0;
                entry.state = EntryState::Pending {
                    since: now,
                    due_at: now,
                };
                true
            }
            _ => false,
        }
    }

    /// The dead letters, in the order they were enqueued.
    pub fn dead_letters(&self) -> Vec<DeadLetter<'_>> {
        self.entries
            .iter()
            .filter_map(|e| match &e.state {
                EntryState::DeadLetter { reason, at } => Some(DeadLetter {
                    key: &e.key,
                    payload: &e.payload,
                    reason,
                    at: *at,
                    attempts: e.attempts,
                }),
                _ => None,
            })
            .collect()
    }

    /// Counts for the `outbox.status` event.
    pub fn status(&self, now: Millis) -> OutboxStatus {
        let mut status = OutboxStatus {
            pending: 0,
            in_flight: 0,
            dead_letters: 0,
            delivered: self.tombstones.len(),
            oldest_pending_age_ms: None,
            overdue: 0,
        };
        for entry in &self.entries {
            if self.is_overdue(entry, now) {
                status.overdue += 1;
            }
            match entry.state {
                EntryState::Pending { .. } => status.pending += 1,
                EntryState::InFlight { .. } => status.in_flight += 1,
                EntryState::DeadLetter { .. } => {
                    status.dead_letters += 1;
                    continue;
                }
            }
            let age = now.saturating_sub(entry.enqueued_at);
            status.oldest_pending_age_ms = status.oldest_pending_age_ms.max(Some(age));
        }
        status
    }

    fn is_overdue(&self, entry: &Entry, now: Millis) -> bool {
        now >= entry
            .enqueued_at
            .saturating_add(self.policy.overdue_after_ms)
    }

    /// When the next entry not yet overdue becomes so, if any: when the status next changes
    /// though nothing happens to the outbox.
    pub fn next_overdue(&self, now: Millis) -> Option<Millis> {
        self.entries
            .iter()
            .map(|e| e.enqueued_at.saturating_add(self.policy.overdue_after_ms))
            .filter(|&at| at > now)
            .min()
    }

    /// Forgets delivered keys whose retention is over (F21). Undelivered entries are never
    /// dropped for age: past the alert time they are [`OutboxStatus::overdue`]. Returns how many.
    pub fn purge(&mut self, now: Millis) -> usize {
        let retention = self.policy.tombstone_retention_ms;
        let before = self.tombstones.len();
        self.tombstones
            .retain(|_, delivered_at| now < delivered_at.saturating_add(retention));
        before - self.tombstones.len()
    }

    /// When the next tombstone's retention ends, if any: when to call [`Outbox::purge`].
    pub fn next_purge(&self) -> Option<Millis> {
        let retention = self.policy.tombstone_retention_ms;
        self.tombstones
            .values()
            .map(|at| at.saturating_add(retention))
            .min()
    }
}

impl Entry {
    fn new(key: IdempotencyKey, payload: String, endpoint: Option<String>, now: Millis) -> Self {
        Entry {
            key,
            payload,
            enqueued_at: now,
            attempts: 0,
            last_failure: None,
            state: EntryState::Pending {
                since: now,
                due_at: now,
            },
            endpoint,
        }
    }

    /// Schedules the next attempt after a retryable failure: full jitter over the ceiling for this
    /// retry. Returns (due at, delay, ceiling).
    fn retry_later<R: Random + ?Sized>(
        &mut self,
        policy: &RetryPolicy,
        reason: String,
        now: Millis,
        rng: &mut R,
    ) -> (Millis, Millis, Millis) {
        let ceiling = policy.ceiling(self.attempts.saturating_sub(1));
        let delay = uniform_up_to(rng, ceiling);
        let due_at = now.saturating_add(delay);
        self.last_failure = Some(reason);
        self.state = EntryState::Pending { since: now, due_at };
        (due_at, delay, ceiling)
    }
}
