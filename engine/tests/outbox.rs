//! The outbox scheduler, rule by rule (keys, backoff and jitter, timeouts, retry at once, dead
//! letters, late answers, tombstones, persistence, policies), then property tests: random
//! sequences of operations against a simulated endpoint, checking that no entry is lost, none is
//! in flight twice, every delay is within its bounds and keys never change; and a flaky endpoint
//! (30% failures, 10% answers lost after storing, an outage) ends with every entry stored exactly
//! once.

use std::collections::{BTreeMap, BTreeSet};

use incident_engine::delivery::outbox::{
    acknowledges, Acked, Attempt, AttemptId, Enqueued, EntryState, Failed, Failure, IdempotencyKey,
    Outbox, PolicyProblem, RetryPolicy, Via, MAX_ACK_BYTES, STEP_ASIDE_AFTER,
};
use incident_engine::kernel::{Random, SplitMix64};
use proptest::prelude::*;

const T0: u64 = 1_800_000_000_000;
const SECOND: u64 = 1_000;

/// An outbox sending one entry at a time (the default sends eight), where the rules about the
/// line and its order are easiest to see.
fn outbox() -> Outbox {
    Outbox::new(policy_with(1)).unwrap()
}

fn policy_with(max_in_flight: u32) -> RetryPolicy {
    RetryPolicy {
        max_in_flight,
        ..RetryPolicy::default()
    }
}

fn http(status: u16) -> Failure {
    Failure::Http {
        status,
        reason: String::new(),
    }
}

/// A random source that always gives the same number, as a broken one would.
struct Stuck(u64);

impl Random for Stuck {
    fn next_u64(&mut self) -> u64 {
        self.0
    }
}

/// Sends the one entry due now; panics (failing the test) if there is not exactly one.
fn send_one(outbox: &mut Outbox, now: u64, rng: &mut SplitMix64) -> Attempt {
    let mut attempts = outbox.due(now, rng);
    assert_eq!(attempts.len(), 1, "expected one attempt at {now}");
    attempts.remove(0)
}

/// Lets the clock reach `at` (a deadline passing, or a clock jump) and sends the one entry due
/// then, or at the retry time drawn if it was not sent at once.
fn resend_after(outbox: &mut Outbox, at: u64, rng: &mut SplitMix64) -> Attempt {
    let mut sent = outbox.due(at, rng);
    if sent.is_empty() {
        let wake = outbox.next_wake(at).expect("a retry is scheduled");
        sent = outbox.due(wake, rng);
    }
    assert_eq!(sent.len(), 1);
    sent.remove(0)
}

fn state(outbox: &Outbox, key: &IdempotencyKey) -> EntryState {
    outbox.entry(key).expect("entry present").state.clone()
}

// Keys

#[test]
fn new_keys_are_lowercase_version_4_uuids_and_distinct() {
    let mut rng = SplitMix64::new(42);
    let mut seen = BTreeSet::new();
    for _ in 0..2_000 {
        let key = IdempotencyKey::new_v4(&mut rng);
        let text = key.as_str();
        assert_eq!(text.len(), 36, "{text}");
        for (i, c) in text.char_indices() {
            if [8, 13, 18, 23].contains(&i) {
                assert_eq!(c, '-', "{text}");
            } else {
                assert!(matches!(c, '0'..='9' | 'a'..='f'), "{text}");
            }
        }
        assert_eq!(&text[14..15], "4", "version nibble in {text}");
        assert!("89ab".contains(&text[19..20]), "variant bits in {text}");
        assert_eq!(IdempotencyKey::parse(text).unwrap(), key);
        assert!(seen.insert(key));
    }
}

#[test]
fn keys_made_elsewhere_are_read_in_either_case_and_anything_else_is_refused() {
    let upper = IdempotencyKey::parse("0F8FAD5B-D9CB-469F-A165-70867728950E").unwrap();
    assert_eq!(upper.as_str(), "0f8fad5b-d9cb-469f-a165-70867728950e");
    for bad in [
        "",
        "0f8fad5b-d9cb-469f-a165-70867728950",
        "0f8fad5bd9cb469fa16570867728950e",
        "0f8fad5b-d9cb-469f-a165-70867728950g",
        "0f8fad5b_d9cb-469f-a165-70867728950e",
        "0f8fad5b-d9cb-469f-a165-70867728950e ",
    ] {
        let error = IdempotencyKey::parse(bad).unwrap_err();
        assert!(
            error.to_string().contains("not an idempotency key"),
            "{bad}"
        );
    }
    assert!(serde_json::from_str::<IdempotencyKey>("\"not-a-key\"").is_err());
}

#[test]
fn a_broken_random_source_still_gives_every_entry_its_own_key() {
    let mut outbox = outbox();
    let mut stuck = Stuck(7);
    let keys: BTreeSet<_> = (0..40)
        .map(|i| outbox.enqueue(format!("entry {i}"), None, T0, &mut stuck))
        .collect();
    assert_eq!(keys.len(), 40);
    assert_eq!(outbox.entries().len(), 40);
    for key in &keys {
        assert_eq!(&key.as_str()[14..15], "4");
        assert!("89ab".contains(&key.as_str()[19..20]));
    }
}

// Backoff and jitter

#[test]
fn the_backoff_ceiling_doubles_from_the_base_up_to_the_cap() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.ceiling(0), SECOND);
    assert_eq!(policy.ceiling(1), 2 * SECOND);
    assert_eq!(policy.ceiling(8), 256 * SECOND);
    assert_eq!(policy.ceiling(9), 300 * SECOND);
    assert_eq!(policy.ceiling(63), 300 * SECOND);
    assert_eq!(policy.ceiling(64), 300 * SECOND);
    assert_eq!(policy.ceiling(u32::MAX), 300 * SECOND);
}

#[test]
fn each_retry_waits_within_its_ceiling_and_the_cap() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(3);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let mut now = T0;
    for number in 1..=20u32 {
        let attempt = send_one(&mut outbox, now, &mut rng);
        assert_eq!((attempt.key.clone(), attempt.number), (key.clone(), number));
        let Failed::Retry { at, delay, ceiling } =
            outbox.failed(&key, attempt.attempt, http(503), now, &mut rng)
        else {
            panic!("a 503 is retried");
        };
        let expected = (SECOND << (number - 1).min(20)).min(300 * SECOND);
        assert_eq!(ceiling, expected, "attempt {number}");
        assert!(delay <= ceiling, "attempt {number}: {delay} > {ceiling}");
        assert_eq!(at, now + delay);
        assert_eq!(outbox.next_wake(now), Some(at));
        if at > now {
            assert!(
                outbox.due(at - 1, &mut rng).is_empty(),
                "sent before its time"
            );
        }
        now = at;
    }
}

#[test]
fn jitter_varies_with_the_seed_repeats_with_it_and_spreads_over_the_range() {
    // The delay after a fifth failed attempt: ceiling 16 s.
    let delay_for = |seed: u64| {
        let mut outbox = outbox();
        let mut rng = SplitMix64::new(seed);
        let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
        let mut now = T0;
        loop {
            let attempt = send_one(&mut outbox, now, &mut rng);
            match outbox.failed(&key, attempt.attempt, Failure::Timeout, now, &mut rng) {
                Failed::Retry { delay, ceiling, .. } if attempt.number == 5 => {
                    assert_eq!(ceiling, 16 * SECOND);
                    return delay;
                }
                Failed::Retry { at, .. } => now = at,
                other => panic!("{other:?}"),
            }
        }
    };
    let delays: Vec<u64> = (0..400).map(delay_for).collect();
    assert_eq!(delay_for(17), delays[17]);
    let distinct: BTreeSet<_> = delays.iter().collect();
    assert!(
        distinct.len() > 390,
        "only {} distinct delays",
        distinct.len()
    );
    let low = delays.iter().filter(|d| **d < 4 * SECOND).count();
    let high = delays.iter().filter(|d| **d > 12 * SECOND).count();
    assert!(low > 60 && high > 60, "not spread: {low} low, {high} high");
    let mean = delays.iter().sum::<u64>() / delays.len() as u64;
    assert!((7 * SECOND..9 * SECOND).contains(&mean), "mean {mean}");
}

// Timeouts and retries at once

#[test]
fn an_unanswered_attempt_times_out_and_is_retried_under_the_same_key() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(1);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let first = send_one(&mut outbox, T0, &mut rng);
    assert_eq!(first.deadline, T0 + 30 * SECOND);
    assert_eq!(outbox.next_wake(T0), Some(first.deadline));
    assert!(outbox.due(first.deadline - 1, &mut rng).is_empty());
    let second = resend_after(&mut outbox, first.deadline, &mut rng);
    let EntryState::InFlight { started_at, .. } = state(&outbox, &key) else {
        panic!("sent again");
    };
    assert!(
        started_at <= first.deadline + SECOND,
        "first retry within the base"
    );
    let entry = outbox.entry(&key).unwrap();
    assert_eq!(entry.last_failure.as_deref(), Some("no answer in time"));
    assert_eq!(second.key, key);
    assert_eq!(second.payload, "entry");
    assert_eq!(second.number, 2);
    assert_ne!(second.attempt, first.attempt);
}

#[test]
fn coming_online_or_the_host_saying_ready_makes_waiting_entries_due_at_once() {
    for trigger in ["online", "host ready"] {
        let mut outbox = outbox();
        let mut rng = SplitMix64::new(9);
        let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
        // Fail enough times that the next wait is minutes long.
        let mut now = T0;
        for _ in 0..10 {
            let attempt = send_one(&mut outbox, now, &mut rng);
            let failure = Failure::Network {
                reason: "offline".into(),
            };
            match outbox.failed(&key, attempt.attempt, failure, now, &mut rng) {
                Failed::Retry { at, .. } => now = at,
                other => panic!("{other:?}"),
            }
        }
        let attempt = send_one(&mut outbox, now, &mut rng);
        let Failed::Retry { at, .. } =
            outbox.failed(&key, attempt.attempt, http(503), now, &mut rng)
        else {
            panic!("retried");
        };
        let soon = now + 1;
        assert!(at > soon, "the drawn wait should be long, was {}", at - now);
        assert!(outbox.due(soon, &mut rng).is_empty());
        let made_due = match trigger {
            "online" => outbox.online(soon),
            _ => outbox.host_ready(soon),
        };
        assert_eq!(made_due, 1, "{trigger}");
        assert_eq!(outbox.next_wake(soon), Some(soon));
        let retry = send_one(&mut outbox, soon, &mut rng);
        assert_eq!((retry.key, retry.number), (key, 12));
    }
}

#[test]
fn online_leaves_attempts_in_flight_and_dead_letters_alone() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(2);
    let sent = outbox.enqueue("sent".into(), None, T0, &mut rng);
    let rejected = outbox.enqueue("rejected".into(), None, T0, &mut rng);
    let first = send_one(&mut outbox, T0, &mut rng);
    assert_eq!(first.key, sent);
    outbox.acked(&sent, Via::Host, T0 + 1);
    let second = send_one(&mut outbox, T0 + 1, &mut rng);
    outbox.failed(&rejected, second.attempt, http(400), T0 + 2, &mut rng);
    let third = outbox.enqueue("third".into(), None, T0 + 3, &mut rng);
    let in_flight = send_one(&mut outbox, T0 + 3, &mut rng);
    assert_eq!(in_flight.key, third);
    assert_eq!(outbox.online(T0 + 4), 0);
    assert_eq!(outbox.host_ready(T0 + 4), 0);
    assert!(matches!(
        state(&outbox, &rejected),
        EntryState::DeadLetter { .. }
    ));
    assert!(
        matches!(state(&outbox, &third), EntryState::InFlight { attempt, .. } if attempt == in_flight.attempt)
    );
}

// Dead letters

#[test]
fn which_failures_are_permanent() {
    for status in [400, 403, 404, 405, 410, 413, 415, 422, 451, 499] {
        assert!(http(status).is_permanent(), "{status}");
    }
    for status in [
        401, 408, 409, 425, 429, 500, 502, 503, 504, 599, 301, 200, 0,
    ] {
        assert!(!http(status).is_permanent(), "{status}");
    }
    let network = Failure::Network {
        reason: "Failed to fetch".into(),
    };
    assert!(!network.is_permanent());
    assert!(!Failure::Timeout.is_permanent());
    let nack = |permanent| Failure::HostNack {
        permanent,
        reason: "schema".into(),
    };
    assert!(nack(true).is_permanent());
    assert!(!nack(false).is_permanent());
    // A sign-in that expired, a redirect or an answer that is not an acknowledgement: the entry
    // waits, nothing is lost. An endpoint taken off the allow-list: the handler sees it.
    assert!(!Failure::Redirected.is_permanent());
    assert!(!Failure::SignInNeeded { status: 401 }.is_permanent());
    let unacknowledged = Failure::NotAcknowledged {
        reason: "the answer is not JSON".into(),
    };
    assert!(!unacknowledged.is_permanent());
    let not_allowed = Failure::EndpointNotAllowed {
        endpoint: "https://old-crm.example/api".into(),
    };
    assert!(not_allowed.is_permanent());
}

#[test]
fn a_redirect_a_401_or_a_sign_in_request_needs_a_sign_in_and_nothing_else_does() {
    assert!(Failure::Redirected.needs_sign_in());
    assert!(Failure::SignInNeeded { status: 401 }.needs_sign_in());
    assert!(http(401).needs_sign_in());
    for other in [
        http(403),
        http(503),
        Failure::Timeout,
        Failure::NotAcknowledged { reason: "x".into() },
        Failure::EndpointNotAllowed {
            endpoint: "https://crm.example/api".into(),
        },
    ] {
        assert!(!other.needs_sign_in(), "{other:?}");
    }
}

#[test]
fn the_new_failures_are_described_in_plain_english() {
    assert_eq!(
        Failure::Redirected.describe(),
        "the endpoint redirected the entry (often an expired sign-in); it will be sent again"
    );
    assert_eq!(
        Failure::SignInNeeded { status: 401 }.describe(),
        "the endpoint asks for a sign-in (HTTP 401): the entry waits for a new token"
    );
    assert!(Failure::NotAcknowledged {
        reason: "the answer acknowledges another key".into()
    }
    .describe()
    .starts_with("the endpoint answered without acknowledging this entry's key"));
    assert!(Failure::EndpointNotAllowed {
        endpoint: "https://old-crm.example/api".into()
    }
    .describe()
    .contains("https://old-crm.example/api is no longer allowed by the deployment settings"));
}

#[test]
fn an_endpoint_no_longer_allowed_is_a_dead_letter_and_a_sign_in_is_waited_for() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(21);
    let api = "https://crm.example/api/incidents".to_owned();
    let key = outbox.enqueue("entry".into(), Some(api.clone()), T0, &mut rng);
    let attempt = send_one(&mut outbox, T0, &mut rng);
    let Failed::Retry { at, .. } = outbox.failed(
        &key,
        attempt.attempt,
        Failure::SignInNeeded { status: 401 },
        T0 + 1,
        &mut rng,
    ) else {
        panic!("a sign-in is waited for");
    };
    // A new token: the entry is due at once rather than at the end of its wait.
    assert!(at > T0);
    assert_eq!(outbox.signed_in("https://other.example/api", T0 + 2), 0);
    assert_eq!(outbox.signed_in(&api, T0 + 2), 1);
    let attempt = send_one(&mut outbox, T0 + 2, &mut rng);
    assert_eq!(attempt.endpoint.as_deref(), Some(api.as_str()));
    let not_allowed = Failure::EndpointNotAllowed {
        endpoint: api.clone(),
    };
    assert_eq!(
        outbox.failed(&key, attempt.attempt, not_allowed, T0 + 3, &mut rng),
        Failed::DeadLettered
    );
    assert_eq!(outbox.dead_letters().len(), 1);
}

// Routes

#[test]
fn each_entry_keeps_the_route_it_was_queued_for() {
    let mut outbox = Outbox::new(policy_with(4)).unwrap();
    let mut rng = SplitMix64::new(22);
    let old = "https://crm.example/api/v1".to_owned();
    let new = "https://crm.example/api/v2".to_owned();
    let a = outbox.enqueue("a".into(), Some(old.clone()), T0, &mut rng);
    let b = outbox.enqueue("b".into(), None, T0, &mut rng);
    let c = outbox.enqueue("c".into(), Some(new.clone()), T0, &mut rng);
    let routes: Vec<_> = outbox
        .due(T0, &mut rng)
        .into_iter()
        .map(|attempt| (attempt.key, attempt.endpoint))
        .collect();
    assert_eq!(
        routes,
        [(a.clone(), Some(old.clone())), (b, None), (c, Some(new))]
    );
    assert_eq!(outbox.entry(&a).unwrap().endpoint, Some(old.clone()));
    // And across storage.
    let restored = Outbox::from_json(&outbox.to_json()).unwrap();
    assert_eq!(restored.entry(&a).unwrap().endpoint, Some(old));
}

#[test]
fn an_acknowledgement_counts_only_from_the_entry_s_own_route() {
    let mut outbox = Outbox::new(policy_with(4)).unwrap();
    let mut rng = SplitMix64::new(23);
    let api = "https://crm.example/api/incidents";
    let posted = outbox.enqueue("posted".into(), Some(api.into()), T0, &mut rng);
    let ported = outbox.enqueue("ported".into(), None, T0, &mut rng);
    outbox.due(T0, &mut rng);
    let before = outbox.clone();
    assert_eq!(outbox.acked(&posted, Via::Host, T0 + 1), Acked::WrongRoute);
    assert_eq!(
        outbox.acked(&posted, Via::Endpoint("https://crm.example/other"), T0 + 1),
        Acked::WrongRoute
    );
    assert_eq!(
        outbox.acked(&ported, Via::Endpoint(api), T0 + 1),
        Acked::WrongRoute
    );
    assert_eq!(outbox, before, "an ack by another route changes nothing");
    assert_eq!(
        outbox.acked(&posted, Via::Endpoint(api), T0 + 2),
        Acked::Delivered
    );
    assert_eq!(outbox.acked(&ported, Via::Host, T0 + 2), Acked::Delivered);
    // A repeat is a repeat, whichever route it comes by.
    assert_eq!(
        outbox.acked(&posted, Via::Host, T0 + 3),
        Acked::AlreadyDelivered
    );
    assert_eq!(
        outbox.acked(&ported, Via::Endpoint(api), T0 + 3),
        Acked::AlreadyDelivered
    );
}

#[test]
fn a_stale_ack_for_a_pending_entry_still_delivers_it() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(24);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let first = send_one(&mut outbox, T0, &mut rng);
    // The attempt times out: the entry waits for its retry, and nothing is in flight.
    assert!(outbox.due(first.deadline, &mut rng).is_empty());
    assert!(
        matches!(state(&outbox, &key), EntryState::Pending { due_at, .. } if due_at > first.deadline)
    );
    // Then the answer to the timed-out attempt arrives: an acknowledgement of the key is good
    // news whatever attempt it answers.
    assert_eq!(
        outbox.acked(&key, Via::Host, first.deadline + 1),
        Acked::Delivered
    );
    assert!(outbox.next_wake(first.deadline + 1).is_none());
}

#[test]
fn a_host_nack_answers_the_current_attempt_of_a_host_routed_entry_only() {
    let mut outbox = Outbox::new(policy_with(4)).unwrap();
    let mut rng = SplitMix64::new(25);
    let api = "https://crm.example/api/incidents";
    let posted = outbox.enqueue("posted".into(), Some(api.into()), T0, &mut rng);
    let ported = outbox.enqueue("ported".into(), None, T0, &mut rng);
    let waiting = outbox.enqueue("waiting".into(), None, T0, &mut rng);
    let busy = || Failure::HostNack {
        permanent: false,
        reason: "busy".into(),
    };
    // Not in flight yet: there is no attempt to answer.
    assert_eq!(
        outbox.nacked_by_host(&waiting, busy(), T0, &mut rng),
        Failed::StaleAttempt
    );
    outbox.due(T0, &mut rng);
    let before = outbox.clone();
    assert_eq!(
        outbox.nacked_by_host(&posted, busy(), T0 + 1, &mut rng),
        Failed::WrongRoute
    );
    assert_eq!(outbox, before);
    assert!(matches!(
        outbox.nacked_by_host(&ported, busy(), T0 + 1, &mut rng),
        Failed::Retry { .. }
    ));
    assert!(matches!(
        state(&outbox, &ported),
        EntryState::Pending { .. }
    ));
    let stranger = IdempotencyKey::new_v4(&mut SplitMix64::new(999));
    assert_eq!(
        outbox.nacked_by_host(&stranger, busy(), T0 + 2, &mut rng),
        Failed::UnknownKey
    );
    let attempts = outbox.due(T0 + 10 * SECOND, &mut rng);
    assert!(attempts.iter().any(|a| a.key == ported));
    let refused = Failure::HostNack {
        permanent: true,
        reason: "unknown contact".into(),
    };
    assert_eq!(
        outbox.nacked_by_host(&ported, refused, T0 + 11 * SECOND, &mut rng),
        Failed::DeadLettered
    );
    outbox.acked(&waiting, Via::Host, T0 + 12 * SECOND);
    assert_eq!(
        outbox.nacked_by_host(&waiting, busy(), T0 + 13 * SECOND, &mut rng),
        Failed::AlreadyDelivered
    );
}

#[test]
fn a_format_1_outbox_stored_before_routes_were_kept_still_loads_for_the_host_page() {
    let stored = r#"{"format":1,"policy":{"base_ms":1000,"cap_ms":300000,"attempt_timeout_ms":30000,"tombstone_retention_ms":604800000,"max_in_flight":1},"entries":[{"key":"0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a","payload":"{}","enqueued_at":1800000000000,"attempts":1,"last_failure":null,"state":{"is":"in_flight","attempt":0,"started_at":1800000000000,"deadline":1800000030000}}],"tombstones":{},"next_attempt":1}"#;
    let mut outbox = Outbox::from_json(stored).unwrap();
    let key = IdempotencyKey::parse("0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a").unwrap();
    assert_eq!(outbox.entry(&key).unwrap().endpoint, None);
    // Written again, it has no endpoint field: an older widget can still read it.
    assert!(!outbox.to_json().contains("endpoint"));
    // It is the host page's to acknowledge.
    assert_eq!(
        outbox.acked(&key, Via::Endpoint("https://crm.example/api"), T0),
        Acked::WrongRoute
    );
    assert_eq!(outbox.acked(&key, Via::Host, T0), Acked::Delivered);
}

// The acknowledgement contract

#[test]
fn an_answer_acknowledges_only_the_entry_s_own_key() {
    let key = IdempotencyKey::parse("0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a").unwrap();
    assert_eq!(
        acknowledges(r#"{"key":"0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a"}"#, &key),
        Ok(())
    );
    assert_eq!(
        acknowledges(
            r#"{"key":"0B9E2C7A-4D1F-4C3E-9A8B-1F2E3D4C5B6A","id":"INC-1","stored":true}"#,
            &key
        ),
        Ok(()),
        "keys compare in either case; other fields are the CRM's business"
    );
    let refusals = [
        (
            "<!doctype html><title>Sign in</title>",
            "the answer is not JSON",
        ),
        ("", "the answer is not JSON"),
        ("[]", "the answer is not a JSON object"),
        ("{}", "the answer has no \"key\""),
        (r#"{"key":null}"#, "the answer has no \"key\""),
        (r#"{"key":42}"#, "the answer's \"key\" is not text"),
        (
            r#"{"key":"not-a-key"}"#,
            "the answer's \"key\" is not an idempotency key",
        ),
        (
            r#"{"key":"11111111-2222-4333-8444-555555555555"}"#,
            "the answer acknowledges another key",
        ),
    ];
    for (body, reason) in refusals {
        assert_eq!(acknowledges(body, &key), Err(reason.to_owned()), "{body}");
    }
}

#[test]
fn an_answer_over_64_kib_is_refused_unread() {
    let key = IdempotencyKey::parse("0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a").unwrap();
    let padding = " ".repeat(MAX_ACK_BYTES);
    let body = format!(r#"{{"key":"{key}"}}{padding}"#);
    assert_eq!(
        acknowledges(&body, &key),
        Err("the answer is larger than 64 KiB".to_owned())
    );
    let nested = "[".repeat(10_000);
    assert!(
        acknowledges(&nested, &key).is_err(),
        "deep nesting is an error, not a crash"
    );
}

#[test]
fn a_permanent_rejection_is_a_dead_letter_until_the_handler_sends_it_again() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(5);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let attempt = send_one(&mut outbox, T0, &mut rng);
    let failure = Failure::Http {
        status: 422,
        reason: "missing incident code".into(),
    };
    assert_eq!(
        outbox.failed(&key, attempt.attempt, failure, T0 + 1, &mut rng),
        Failed::DeadLettered
    );
    let letters = outbox.dead_letters();
    assert_eq!(letters.len(), 1);
    assert_eq!(
        (letters[0].key, letters[0].payload, letters[0].reason),
        (&key, "entry", "HTTP 422: missing incident code")
    );
    assert_eq!((letters[0].at, letters[0].attempts), (T0 + 1, 1));
    // Nothing sends it on its own, ever.
    assert_eq!(outbox.next_wake(T0 + 1), None);
    assert!(outbox
        .due(T0 + 365 * 24 * 3_600 * SECOND, &mut rng)
        .is_empty());
    assert_eq!(outbox.online(T0 + 2), 0);
    assert_eq!(outbox.status(T0 + 2).dead_letters, 1);
    // The handler sends it again: attempts counted afresh, same key.
    assert!(outbox.retry_dead_letter(&key, T0 + 10));
    assert!(
        !outbox.retry_dead_letter(&key, T0 + 10),
        "not a dead letter any more"
    );
    let again = send_one(&mut outbox, T0 + 10, &mut rng);
    assert_eq!((&again.key, again.number), (&key, 1));
    assert_eq!(outbox.acked(&key, Via::Host, T0 + 11), Acked::Delivered);
    assert!(outbox.dead_letters().is_empty());
}

#[test]
fn a_dead_letter_sent_again_waits_for_the_entry_in_flight() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(7);
    let first = outbox.enqueue("first".into(), None, T0, &mut rng);
    let second = outbox.enqueue("second".into(), None, T0, &mut rng);
    let attempt = send_one(&mut outbox, T0, &mut rng);
    outbox.failed(&first, attempt.attempt, http(400), T0, &mut rng);
    assert_eq!(send_one(&mut outbox, T0, &mut rng).key, second);
    // Back at the head of the line, but one is already in flight.
    assert!(outbox.retry_dead_letter(&first, T0 + 1));
    assert!(outbox.due(T0 + 1, &mut rng).is_empty(), "two in flight");
    assert_eq!(outbox.acked(&second, Via::Host, T0 + 2), Acked::Delivered);
    assert_eq!(send_one(&mut outbox, T0 + 2, &mut rng).key, first);
}

#[test]
fn a_permanent_host_nack_is_a_dead_letter_and_a_retryable_one_is_retried() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(6);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let attempt = send_one(&mut outbox, T0, &mut rng);
    let busy = Failure::HostNack {
        permanent: false,
        reason: "busy".into(),
    };
    let Failed::Retry { at, .. } = outbox.failed(&key, attempt.attempt, busy, T0, &mut rng) else {
        panic!("retried");
    };
    let attempt = send_one(&mut outbox, at, &mut rng);
    let refused = Failure::HostNack {
        permanent: true,
        reason: "unknown contact".into(),
    };
    assert_eq!(
        outbox.failed(&key, attempt.attempt, refused, at, &mut rng),
        Failed::DeadLettered
    );
    assert_eq!(
        outbox.dead_letters()[0].reason,
        "the host refused it: unknown contact"
    );
}

// Late answers

#[test]
fn a_late_ack_for_a_timed_out_attempt_still_delivers() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(11);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let first = send_one(&mut outbox, T0, &mut rng);
    let second = resend_after(&mut outbox, first.deadline, &mut rng);
    let wake = first.deadline + SECOND;
    assert_ne!(second.attempt, first.attempt);
    // The answer to the first attempt arrives now: the CRM has the entry.
    assert_eq!(outbox.acked(&key, Via::Host, wake + 1), Acked::Delivered);
    assert!(outbox.is_delivered(&key));
    assert!(outbox.entry(&key).is_none(), "the payload is dropped");
    assert_eq!(
        outbox.failed(&key, second.attempt, http(503), wake + 2, &mut rng),
        Failed::AlreadyDelivered
    );
    assert_eq!(
        outbox.acked(&key, Via::Host, wake + 3),
        Acked::AlreadyDelivered
    );
    assert_eq!(outbox.tombstones().get(&key), Some(&(wake + 1)));
}

#[test]
fn a_late_ack_for_a_dead_letter_delivers_it() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(12);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let first = send_one(&mut outbox, T0, &mut rng);
    outbox.failed(&key, first.attempt, http(400), T0 + 1, &mut rng);
    assert_eq!(outbox.acked(&key, Via::Host, T0 + 2), Acked::Delivered);
    assert!(outbox.dead_letters().is_empty());
}

#[test]
fn a_failure_for_a_superseded_attempt_is_ignored() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(13);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let first = send_one(&mut outbox, T0, &mut rng);
    let second = resend_after(&mut outbox, first.deadline, &mut rng);
    let wake = first.deadline + SECOND;
    for failure in [http(503), http(400), Failure::Timeout] {
        assert_eq!(
            outbox.failed(&key, first.attempt, failure, wake + 1, &mut rng),
            Failed::StaleAttempt
        );
    }
    assert!(
        matches!(state(&outbox, &key), EntryState::InFlight { attempt, .. } if attempt == second.attempt)
    );
    // An attempt id the outbox never made is just as stale.
    assert_eq!(
        outbox.failed(&key, AttemptId(9_999), http(400), wake + 1, &mut rng),
        Failed::StaleAttempt
    );
}

#[test]
fn unknown_keys_and_attempts_change_nothing() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(14);
    outbox.enqueue("entry".into(), None, T0, &mut rng);
    send_one(&mut outbox, T0, &mut rng);
    let before = outbox.clone();
    let stranger = IdempotencyKey::new_v4(&mut SplitMix64::new(999));
    assert_eq!(outbox.acked(&stranger, Via::Host, T0), Acked::UnknownKey);
    assert_eq!(
        outbox.failed(&stranger, AttemptId(0), http(400), T0, &mut rng),
        Failed::UnknownKey
    );
    assert!(!outbox.retry_dead_letter(&stranger, T0));
    assert_eq!(outbox, before);
}

// Tombstones

#[test]
fn tombstones_last_their_retention_and_then_purge_forgets_them() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(15);
    let key = outbox.enqueue("Mrs Example, 12 High Street".into(), None, T0, &mut rng);
    send_one(&mut outbox, T0, &mut rng);
    let delivered = T0 + 200;
    outbox.acked(&key, Via::Host, delivered);
    let json = serde_json::to_string(&outbox).unwrap();
    assert!(!json.contains("High Street"), "payload dropped on delivery");
    let retention = RetryPolicy::default().tombstone_retention_ms;
    assert_eq!(outbox.next_purge(), Some(delivered + retention));
    assert_eq!(outbox.purge(delivered + retention - 1), 0);
    assert!(outbox.is_delivered(&key));
    assert_eq!(outbox.status(delivered).delivered, 1);
    assert_eq!(outbox.purge(delivered + retention), 1);
    assert!(!outbox.is_delivered(&key));
    assert_eq!(outbox.next_purge(), None);
    assert_eq!(
        outbox.acked(&key, Via::Host, delivered + retention),
        Acked::UnknownKey
    );
}

#[test]
fn a_delivered_key_enqueued_again_is_not_sent_again() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(16);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    assert_eq!(
        outbox.enqueue_with_key(key.clone(), "other".into(), None, T0 + 1),
        Enqueued::AlreadyQueued
    );
    assert_eq!(outbox.entries().len(), 1);
    assert_eq!(outbox.entry(&key).unwrap().payload, "entry", "first kept");
    send_one(&mut outbox, T0 + 1, &mut rng);
    outbox.acked(&key, Via::Host, T0 + 2);
    assert_eq!(
        outbox.enqueue_with_key(key.clone(), "entry".into(), None, T0 + 3),
        Enqueued::AlreadyDelivered
    );
    assert!(outbox.entries().is_empty());
    assert!(outbox.due(T0 + 3, &mut rng).is_empty());
    // A key made elsewhere is adopted once.
    let adopted = IdempotencyKey::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
    assert_eq!(
        outbox.enqueue_with_key(adopted.clone(), "restored".into(), None, T0 + 4),
        Enqueued::Added
    );
    assert_eq!(send_one(&mut outbox, T0 + 4, &mut rng).key, adopted);
}

// Order, reloads, clocks, status

#[test]
fn entries_go_one_at_a_time_in_order_unless_the_policy_allows_more() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(17);
    let keys: Vec<_> = (0..3)
        .map(|i| outbox.enqueue(format!("entry {i}"), None, T0 + i, &mut rng))
        .collect();
    let first = outbox.due(T0 + 5, &mut rng);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].key, keys[0]);
    assert!(
        outbox.due(T0 + 6, &mut rng).is_empty(),
        "one in flight at a time"
    );
    assert_eq!(outbox.next_wake(T0 + 6), Some(first[0].deadline));
    outbox.acked(&keys[0], Via::Host, T0 + 7);
    assert_eq!(outbox.next_wake(T0 + 7), Some(T0 + 7));
    let second = send_one(&mut outbox, T0 + 7, &mut rng);
    assert_eq!(second.key, keys[1]);

    // While the second waits for its retry, the third waits behind it, although it is due.
    let Failed::Retry { at, .. } =
        outbox.failed(&keys[1], second.attempt, http(503), T0 + 8, &mut rng)
    else {
        panic!("retried");
    };
    if at > T0 + 8 {
        assert!(outbox.due(T0 + 8, &mut rng).is_empty(), "sent out of turn");
    }
    assert_eq!(outbox.next_wake(T0 + 8), Some(at));
    let retry = send_one(&mut outbox, at, &mut rng);
    assert_eq!(retry.key, keys[1]);
    // A dead letter steps out of the line.
    outbox.failed(&keys[1], retry.attempt, http(400), at, &mut rng);
    assert_eq!(send_one(&mut outbox, at, &mut rng).key, keys[2]);

    let mut wide = Outbox::new(policy_with(2)).unwrap();
    for i in 0..3 {
        wide.enqueue(format!("entry {i}"), None, T0, &mut rng);
    }
    assert_eq!(wide.due(T0, &mut rng).len(), 2);
    assert_eq!(wide.status(T0).in_flight, 2);
}

#[test]
fn an_entry_that_keeps_failing_steps_aside_and_the_ones_behind_it_go() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(19);
    let stuck = outbox.enqueue("a body the CRM chokes on".into(), None, T0, &mut rng);
    let behind = outbox.enqueue("entry 1".into(), None, T0, &mut rng);
    // Until it has failed STEP_ASIDE_AFTER times, the one behind waits while it waits.
    let (mut now, mut failures) = (T0, 0);
    let retry_at = loop {
        let attempt = send_one(&mut outbox, now, &mut rng);
        assert_eq!(attempt.key, stuck, "the one behind went before its turn");
        failures += 1;
        let Failed::Retry { at, .. } =
            outbox.failed(&stuck, attempt.attempt, http(503), now, &mut rng)
        else {
            panic!("retried");
        };
        if failures >= STEP_ASIDE_AFTER && at > now {
            break at;
        }
        if at > now {
            assert!(outbox.due(now, &mut rng).is_empty(), "sent out of turn");
        }
        now = at;
    };
    // Now it waits out of the line: the one behind goes, and is delivered.
    let next = send_one(&mut outbox, now, &mut rng);
    assert_eq!(next.key, behind);
    assert_eq!(outbox.acked(&behind, Via::Host, now), Acked::Delivered);
    // The stuck one is not forgotten: it is tried again when due, under its key.
    assert_eq!(outbox.next_wake(now), Some(retry_at));
    let again = send_one(&mut outbox, retry_at, &mut rng);
    assert_eq!((&again.key, again.number), (&stuck, failures + 1));
}

#[test]
fn only_one_entry_steps_aside_at_a_time_so_an_outage_stays_cheap() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(20);
    let keys: Vec<_> = (0..3)
        .map(|i| outbox.enqueue(format!("entry {i}"), None, T0, &mut rng))
        .collect();
    // An outage: every send fails. The first steps aside after three failures and the second is
    // tried; the second then holds the line, so the third is never tried.
    let mut now = T0;
    let mut tried = Vec::new();
    for _ in 0..40 {
        for attempt in outbox.due(now, &mut rng) {
            tried.push(attempt.key.clone());
            outbox.failed(&attempt.key, attempt.attempt, http(503), now, &mut rng);
        }
        now = outbox.next_wake(now).expect("entries wait");
    }
    assert!(tried.contains(&keys[0]) && tried.contains(&keys[1]));
    assert!(!tried.contains(&keys[2]), "an outage tried every entry");
    // The CRM is back: every entry is delivered, the third among them.
    for _ in 0..40 {
        for attempt in outbox.due(now, &mut rng) {
            outbox.acked(&attempt.key, Via::Host, now);
        }
        match outbox.next_wake(now) {
            Some(wake) => now = wake,
            None => break,
        }
    }
    assert_eq!(outbox.status(now).delivered, 3);
}

#[test]
fn after_a_reload_attempts_in_flight_are_due_again_under_their_keys() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(18);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let before = send_one(&mut outbox, T0, &mut rng);
    let stored = serde_json::to_string(&outbox).unwrap();
    let mut restored: Outbox = serde_json::from_str(&stored).unwrap();
    assert_eq!(restored.reloaded(T0 + 500), 1);
    let after = send_one(&mut restored, T0 + 500, &mut rng);
    assert_eq!((&after.key, after.number), (&key, 2));
    assert!(
        after.attempt > before.attempt,
        "attempt ids are never reused"
    );
    // The old page's attempt can no longer fail the entry.
    assert_eq!(
        restored.failed(&key, before.attempt, http(400), T0 + 600, &mut rng),
        Failed::StaleAttempt
    );
}

#[test]
fn a_clock_that_goes_back_does_not_strand_an_entry() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(19);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let attempt = send_one(&mut outbox, T0, &mut rng);
    // The clock jumps back an hour while the attempt is out: it is given up and sent again
    // within the first retry's wait, not an hour and a deadline later.
    let earlier = T0 - 3_600 * SECOND;
    assert_eq!(outbox.next_wake(earlier), Some(earlier));
    let again = resend_after(&mut outbox, earlier, &mut rng);
    let EntryState::InFlight { started_at, .. } = state(&outbox, &key) else {
        panic!("sent again");
    };
    assert!(started_at <= earlier + SECOND);
    let earlier = started_at;
    assert_eq!((&again.key, again.number), (&key, 2));
    // A retry scheduled before another jump back is sent at once too.
    let Failed::Retry { .. } = outbox.failed(&key, again.attempt, http(503), earlier, &mut rng)
    else {
        panic!("retried");
    };
    let earliest = earlier - 3_600 * SECOND;
    assert_eq!(outbox.next_wake(earliest), Some(earliest));
    assert_eq!(send_one(&mut outbox, earliest, &mut rng).number, 3);
    assert_ne!(attempt.attempt, again.attempt);
}

#[test]
fn status_counts_each_state_and_the_oldest_wait() {
    let mut outbox = Outbox::new(policy_with(2)).unwrap();
    let mut rng = SplitMix64::new(20);
    let empty = outbox.status(T0);
    assert_eq!(
        (
            empty.pending,
            empty.in_flight,
            empty.dead_letters,
            empty.delivered
        ),
        (0, 0, 0, 0)
    );
    assert_eq!(empty.oldest_pending_age_ms, None);
    let a = outbox.enqueue("a".into(), None, T0, &mut rng);
    let b = outbox.enqueue("b".into(), None, T0 + 1_000, &mut rng);
    let sent = outbox.due(T0 + 1_500, &mut rng);
    assert_eq!(sent.len(), 2);
    outbox.enqueue("c".into(), None, T0 + 2_000, &mut rng);
    outbox.acked(&a, Via::Host, T0 + 2_500);
    outbox.failed(&b, sent[1].attempt, http(404), T0 + 2_600, &mut rng);
    assert_eq!(send_one(&mut outbox, T0 + 3_000, &mut rng).payload, "c");
    outbox.enqueue("d".into(), None, T0 + 3_000, &mut rng);
    let status = outbox.status(T0 + 10_000);
    assert_eq!(
        (
            status.pending,
            status.in_flight,
            status.dead_letters,
            status.delivered
        ),
        (1, 1, 1, 1)
    );
    // "b" is a dead letter, so the oldest still on its way is "c".
    assert_eq!(status.oldest_pending_age_ms, Some(8_000));
    let event = serde_json::to_value(status).unwrap();
    assert_eq!(event["dead_letters"], 1);
    assert_eq!(event["overdue"], 0);
}

/// Undelivered entries are incident records: never dropped for age, but an entry that has waited
/// longer than the pack's `retention.undelivered_alert_hours` is overdue, counted in the status
/// (which the host hears and the widget shows as an alert), dead letters included. The widget
/// wakes when the next one becomes overdue.
#[test]
fn an_entry_waiting_past_the_alert_time_is_overdue_and_kept() {
    let day = 24 * 60 * 60 * SECOND;
    let mut outbox = Outbox::new(policy_with(1)).unwrap();
    assert_eq!(outbox.policy().overdue_after_ms, day, "24 hours by default");
    let mut rng = SplitMix64::new(21);
    let a = outbox.enqueue("a".into(), None, T0, &mut rng);
    let b = outbox.enqueue("b".into(), None, T0 + 1_000, &mut rng);
    assert_eq!(outbox.next_overdue(T0), Some(T0 + day));
    assert_eq!(outbox.status(T0 + day - 1).overdue, 0);
    let sent = send_one(&mut outbox, T0 + 2_000, &mut rng);
    outbox.failed(&a, sent.attempt, http(422), T0 + 3_000, &mut rng);
    assert!(outbox.entry(&a).is_some());
    // "a" is a dead letter: still an undelivered record, overdue all the same.
    let at_a = outbox.status(T0 + day);
    assert_eq!((at_a.overdue, at_a.dead_letters), (1, 1));
    assert_eq!(outbox.next_overdue(T0 + day), Some(T0 + 1_000 + day));
    assert_eq!(outbox.status(T0 + 1_000 + day).overdue, 2);
    assert_eq!(outbox.next_overdue(T0 + 1_000 + day), None);
    // Nothing is dropped for age, however long: a year on, both are still there.
    let year = 365 * day;
    outbox.purge(T0 + year);
    assert_eq!(outbox.entries().len(), 2);
    assert_eq!(outbox.status(T0 + year).overdue, 2);
    // Delivered, it is no longer overdue.
    let sent = send_one(&mut outbox, T0 + year, &mut rng);
    assert_eq!(sent.key, b);
    outbox.acked(&b, Via::Host, T0 + year + 1);
    assert_eq!(outbox.status(T0 + year + 1).overdue, 1);
    // The pack's alert time is the deployment's to choose.
    outbox
        .set_policy(RetryPolicy {
            overdue_after_ms: 2 * day,
            ..*outbox.policy()
        })
        .unwrap();
    assert_eq!(outbox.status(T0 + day + 1).overdue, 0);
    assert_eq!(outbox.next_overdue(T0 + day + 1), Some(T0 + 2 * day));
}

/// An outbox stored before the alert time existed reads with the default.
#[test]
fn a_stored_policy_without_an_alert_time_reads_with_the_default() {
    let stored = r#"{"format":1,"policy":{"base_ms":1000,"cap_ms":300000,"attempt_timeout_ms":30000,"tombstone_retention_ms":604800000,"max_in_flight":1},"entries":[],"tombstones":{},"next_attempt":1}"#;
    let outbox = Outbox::from_json(stored).unwrap();
    assert_eq!(
        outbox.policy().overdue_after_ms,
        RetryPolicy::default().overdue_after_ms
    );
}

#[test]
fn failure_reasons_are_kept_short() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(21);
    let key = outbox.enqueue("entry".into(), None, T0, &mut rng);
    let attempt = send_one(&mut outbox, T0, &mut rng);
    let failure = Failure::Http {
        status: 400,
        reason: "é".repeat(10_000),
    };
    outbox.failed(&key, attempt.attempt, failure, T0, &mut rng);
    let reason = outbox.dead_letters()[0].reason;
    assert_eq!(reason.chars().count(), 200);
    assert!(reason.starts_with("HTTP 400: éé") && reason.ends_with('…'));
}

// Persistence and policies

#[test]
fn a_busy_outbox_survives_a_json_round_trip_and_carries_on() {
    let mut outbox = Outbox::new(policy_with(2)).unwrap();
    let mut rng = SplitMix64::new(22);
    let keys: Vec<_> = (0..6)
        .map(|i| {
            outbox.enqueue(
                format!("{{\"entry\":{i},\"text\":\"\\\"é\\\"\"}}"),
                None,
                T0,
                &mut rng,
            )
        })
        .collect();
    let sent = outbox.due(T0, &mut rng);
    outbox.acked(&keys[0], Via::Host, T0 + 1);
    outbox.failed(&keys[1], sent[1].attempt, http(403), T0 + 2, &mut rng);
    let sent = outbox.due(T0 + 3, &mut rng);
    outbox.failed(&keys[2], sent[0].attempt, http(503), T0 + 4, &mut rng);
    let in_flight = sent[1].clone();

    let json = serde_json::to_string(&outbox).unwrap();
    assert!(json.starts_with("{\"format\":1,"), "{json}");
    let mut restored: Outbox = serde_json::from_str(&json).unwrap();
    assert_eq!(restored, outbox);
    let status = restored.status(T0 + 5);
    assert_eq!(
        (
            status.pending,
            status.in_flight,
            status.dead_letters,
            status.delivered
        ),
        (3, 1, 1, 1)
    );
    assert_eq!(
        restored.acked(&in_flight.key, Via::Host, T0 + 6),
        Acked::Delivered,
        "an answer to an attempt sent before the save still counts"
    );
    assert_eq!(
        restored.enqueue_with_key(keys[0].clone(), "again".into(), None, T0 + 7),
        Enqueued::AlreadyDelivered
    );
}

#[test]
fn a_damaged_stored_outbox_is_refused_with_every_problem() {
    let mut outbox = outbox();
    let mut rng = SplitMix64::new(23);
    let a = outbox.enqueue("a".into(), None, T0, &mut rng);
    outbox.enqueue("b".into(), None, T0, &mut rng);
    send_one(&mut outbox, T0, &mut rng);
    let mut json = serde_json::to_value(&outbox).unwrap();
    json["format"] = 2.into();
    json["policy"]["base_ms"] = 0.into();
    json["entries"][1]["key"] = a.as_str().into();
    json["tombstones"][a.as_str()] = T0.into();
    json["next_attempt"] = 0.into();
    let error = serde_json::from_value::<Outbox>(json)
        .unwrap_err()
        .to_string();
    for expected in [
        "format: 2 is not the supported version 1",
        "policy: base_ms must be more than 0",
        "entries[1].key: ",
        "is also the key of entries[0]",
        "is also delivered (tombstones)",
        "entries[0].state.attempt: 0 is not below next_attempt (0)",
    ] {
        assert!(error.contains(expected), "{expected} missing from {error}");
    }

    let mut bad_key = serde_json::to_value(&outbox).unwrap();
    bad_key["entries"][0]["key"] = "a-b-c".into();
    assert!(serde_json::from_value::<Outbox>(bad_key).is_err());
    let mut unknown_field = serde_json::to_value(&outbox).unwrap();
    unknown_field["extra"] = true.into();
    assert!(serde_json::from_value::<Outbox>(unknown_field).is_err());
}

#[test]
fn nonsense_policies_are_refused_with_every_problem() {
    assert_eq!(RetryPolicy::default().check(), Ok(()));
    let zero = RetryPolicy {
        base_ms: 0,
        cap_ms: 0,
        attempt_timeout_ms: 0,
        tombstone_retention_ms: 0,
        max_in_flight: 0,
        overdue_after_ms: 0,
    };
    let error = Outbox::new(zero).unwrap_err();
    assert_eq!(
        error.problems,
        vec![
            PolicyProblem::ZeroBase,
            PolicyProblem::ZeroCap,
            PolicyProblem::ZeroTimeout,
            PolicyProblem::ZeroRetention,
            PolicyProblem::ZeroInFlight,
            PolicyProblem::ZeroOverdue,
        ]
    );
    let inverted = RetryPolicy {
        base_ms: 10_000,
        cap_ms: 1_000,
        ..RetryPolicy::default()
    };
    let error = Outbox::new(inverted).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the retry policy cannot be used: cap_ms (1000) must be at least base_ms (10000)"
    );
    let mut outbox = outbox();
    assert!(outbox.set_policy(inverted).is_err());
    assert_eq!(outbox.policy(), &policy_with(1), "old policy kept");
    assert!(outbox.set_policy(policy_with(3)).is_ok());
    assert_eq!(outbox.policy().max_in_flight, 3);
}

// Property tests

/// What the simulated endpoint does with one attempt.
#[derive(Debug, Clone, Copy)]
enum Reply {
    /// Stores the entry and answers yes.
    Ack,
    /// Answers 503 without storing.
    Retryable,
    /// Answers 422 without storing.
    Permanent,
    /// Stores the entry; the answer is lost.
    LostAfterStore,
    /// The request is lost before it arrives.
    LostBeforeStore,
}

#[derive(Debug, Clone)]
enum Op {
    Enqueue,
    EnqueueAgain(usize),
    Advance(u64),
    Due,
    Answer(usize, Reply),
    Online,
    HostReady,
    Purge,
    RetryDeadLetter(usize),
    Reload,
    RoundTrip,
}

fn reply() -> impl Strategy<Value = Reply> {
    prop_oneof![
        4 => Just(Reply::Ack),
        3 => Just(Reply::Retryable),
        1 => Just(Reply::Permanent),
        1 => Just(Reply::LostAfterStore),
        1 => Just(Reply::LostBeforeStore),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Enqueue),
        1 => any::<usize>().prop_map(Op::EnqueueAgain),
        4 => (0u64..20_000).prop_map(Op::Advance),
        5 => Just(Op::Due),
        6 => (any::<usize>(), reply()).prop_map(|(i, r)| Op::Answer(i, r)),
        1 => Just(Op::Online),
        1 => Just(Op::HostReady),
        1 => Just(Op::Purge),
        1 => any::<usize>().prop_map(Op::RetryDeadLetter),
        1 => Just(Op::Reload),
        1 => Just(Op::RoundTrip),
    ]
}

fn small_policy() -> impl Strategy<Value = RetryPolicy> {
    (1u64..500, 0u32..7, 1u64..5_000, 1u64..100_000, 1u32..=3).prop_map(
        |(base_ms, doublings, attempt_timeout_ms, tombstone_retention_ms, max_in_flight)| {
            RetryPolicy {
                base_ms,
                cap_ms: base_ms << doublings,
                attempt_timeout_ms,
                tombstone_retention_ms,
                max_in_flight,
                ..RetryPolicy::default()
            }
        },
    )
}

/// The endpoint's store: what the CRM keeps, one record per idempotency key.
#[derive(Default)]
struct Crm {
    records: BTreeMap<IdempotencyKey, String>,
    writes: usize,
}

impl Crm {
    fn store(&mut self, attempt: &Attempt) {
        self.writes += 1;
        let kept = self
            .records
            .entry(attempt.key.clone())
            .or_insert_with(|| attempt.payload.clone());
        assert_eq!(kept, &attempt.payload, "one key sent with two payloads");
    }

    /// Every payload is stored under one key only: no duplicate records in the CRM.
    fn check_no_duplicates(&self) {
        let mut keys_per_payload: BTreeMap<&str, usize> = BTreeMap::new();
        for payload in self.records.values() {
            *keys_per_payload.entry(payload).or_default() += 1;
        }
        assert!(
            keys_per_payload.values().all(|n| *n == 1),
            "one entry stored under two keys"
        );
    }
}

/// Calls `due` and checks what it sends: distinct keys, none whose attempt is still live, only
/// from the head of the line, fresh attempt ids, the entry's own payload, and nothing left that
/// could be sent now.
fn checked_due(
    outbox: &mut Outbox,
    now: u64,
    rng: &mut SplitMix64,
    last_attempt: &mut Option<AttemptId>,
) -> Vec<Attempt> {
    let live: BTreeSet<IdempotencyKey> = outbox
        .entries()
        .iter()
        .filter(|e| matches!(e.state, EntryState::InFlight { deadline, .. } if deadline > now))
        .map(|e| e.key.clone())
        .collect();
    let payloads: BTreeMap<IdempotencyKey, String> = outbox
        .entries()
        .iter()
        .map(|e| (e.key.clone(), e.payload.clone()))
        .collect();
    let attempts = outbox.due(now, rng);
    // The line after (those just sent are in flight, so in it): no dead letters, and not the first
    // entry that has failed STEP_ASIDE_AFTER times and waits for its retry.
    let mut one_aside = false;
    let head: BTreeSet<IdempotencyKey> = outbox
        .entries()
        .iter()
        .filter(|e| match e.state {
            EntryState::DeadLetter { .. } => false,
            EntryState::Pending { since, due_at }
                if !one_aside && e.attempts >= STEP_ASIDE_AFTER && due_at > now && since <= now =>
            {
                one_aside = true;
                false
            }
            _ => true,
        })
        .take(outbox.policy().max_in_flight as usize)
        .map(|e| e.key.clone())
        .collect();
    let mut keys = BTreeSet::new();
    for attempt in &attempts {
        assert!(
            keys.insert(attempt.key.clone()),
            "one key sent twice at once"
        );
        assert!(head.contains(&attempt.key), "sent out of turn");
        assert!(!live.contains(&attempt.key), "sent while still in flight");
        assert_eq!(Some(&attempt.payload), payloads.get(&attempt.key));
        assert!(last_attempt.is_none_or(|last| attempt.attempt > last));
        *last_attempt = Some(attempt.attempt);
        assert!(matches!(
            outbox.entry(&attempt.key).unwrap().state,
            EntryState::InFlight { attempt: a, .. } if a == attempt.attempt
        ));
    }
    assert!(
        outbox.next_wake(now).is_none_or(|wake| wake > now),
        "something was left that could be sent now"
    );
    attempts
}

/// The rules every reachable outbox keeps.
fn check_invariants(
    outbox: &Outbox,
    enqueued: &BTreeMap<IdempotencyKey, String>,
    purged: &BTreeSet<IdempotencyKey>,
    crm: &Crm,
) {
    let policy = outbox.policy();
    let mut keys = BTreeSet::new();
    let mut in_flight = 0;
    for entry in outbox.entries() {
        assert!(keys.insert(&entry.key), "one key twice in the outbox");
        assert_eq!(
            enqueued.get(&entry.key),
            Some(&entry.payload),
            "a key changed or its payload did"
        );
        assert!(!outbox.is_delivered(&entry.key));
        match entry.state {
            EntryState::Pending { since, due_at } => {
                assert!(due_at >= since);
                let ceiling = policy.ceiling(entry.attempts.saturating_sub(1));
                assert!(
                    due_at - since <= ceiling,
                    "a wait of {} over the ceiling {ceiling}",
                    due_at - since
                );
                if entry.attempts == 0 {
                    assert_eq!(due_at, since);
                }
            }
            EntryState::InFlight { .. } => in_flight += 1,
            EntryState::DeadLetter { .. } => {}
        }
    }
    assert!(in_flight <= policy.max_in_flight as usize);
    for key in outbox.tombstones().keys() {
        assert!(
            enqueued.contains_key(key),
            "a tombstone for a key never enqueued"
        );
        assert!(crm.records.contains_key(key), "delivered but not stored");
    }
    for key in enqueued.keys() {
        let places = usize::from(outbox.entry(key).is_some())
            + usize::from(outbox.is_delivered(key))
            + usize::from(purged.contains(key));
        assert_eq!(places, 1, "entry {key} lost or in two places");
    }
    crm.check_no_duplicates();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_lose_nothing_and_keep_every_rule(
        policy in small_policy(),
        seed in any::<u64>(),
        ops in prop::collection::vec(op(), 1..90),
    ) {
        let mut outbox = Outbox::new(policy).unwrap();
        let mut rng = SplitMix64::new(seed);
        let mut now = T0;
        let mut enqueued: BTreeMap<IdempotencyKey, String> = BTreeMap::new();
        let mut order: Vec<IdempotencyKey> = Vec::new();
        let mut purged: BTreeSet<IdempotencyKey> = BTreeSet::new();
        let mut network: Vec<Attempt> = Vec::new();
        let mut crm = Crm::default();
        let mut last_attempt = None;

        for op in ops {
            match op {
                Op::Enqueue => {
                    let payload = format!("entry {}", order.len());
                    let key = outbox.enqueue(payload.clone(), None, now, &mut rng);
                    prop_assert!(!enqueued.contains_key(&key));
                    enqueued.insert(key.clone(), payload);
                    order.push(key);
                }
                Op::EnqueueAgain(i) => {
                    if order.is_empty() {
                        continue;
                    }
                    let key = order[i % order.len()].clone();
                    let payload = enqueued[&key].clone();
                    let expected = if outbox.is_delivered(&key) {
                        Enqueued::AlreadyDelivered
                    } else if outbox.entry(&key).is_some() {
                        Enqueued::AlreadyQueued
                    } else {
                        // Its tombstone is gone: the entry is new again, and the CRM dedups it.
                        purged.remove(&key);
                        Enqueued::Added
                    };
                    prop_assert_eq!(outbox.enqueue_with_key(key, payload, None, now), expected);
                }
                Op::Advance(ms) => now += ms,
                Op::Due => {
                    network.extend(checked_due(&mut outbox, now, &mut rng, &mut last_attempt));
                }
                Op::Answer(i, reply) => {
                    if network.is_empty() {
                        continue;
                    }
                    let attempt = network.remove(i % network.len());
                    let key = &attempt.key;
                    let current = matches!(
                        outbox.entry(key).map(|e| &e.state),
                        Some(EntryState::InFlight { attempt: a, .. }) if *a == attempt.attempt
                    );
                    let ignored = if outbox.is_delivered(key) {
                        Failed::AlreadyDelivered
                    } else if outbox.entry(key).is_none() {
                        Failed::UnknownKey
                    } else {
                        Failed::StaleAttempt
                    };
                    match reply {
                        Reply::Ack => {
                            crm.store(&attempt);
                            let expected = if outbox.is_delivered(key) {
                                Acked::AlreadyDelivered
                            } else if outbox.entry(key).is_some() {
                                Acked::Delivered
                            } else {
                                Acked::UnknownKey
                            };
                            prop_assert_eq!(outbox.acked(key, Via::Host, now), expected);
                        }
                        Reply::Retryable => {
                            let entry_attempts = outbox.entry(key).map(|e| e.attempts);
                            let outcome = outbox.failed(key, attempt.attempt, http(503), now, &mut rng);
                            if current {
                                let Failed::Retry { at, delay, ceiling } = outcome else {
                                    panic!("a current 503 is retried: {outcome:?}");
                                };
                                let n = entry_attempts.unwrap() - 1;
                                prop_assert_eq!(ceiling, policy.ceiling(n));
                                prop_assert_eq!(
                                    ceiling,
                                    policy.base_ms.saturating_mul(1u64.checked_shl(n).unwrap_or(u64::MAX)).min(policy.cap_ms)
                                );
                                prop_assert!(delay <= ceiling);
                                prop_assert_eq!(at, now + delay);
                            } else {
                                prop_assert_eq!(outcome, ignored);
                            }
                        }
                        Reply::Permanent => {
                            let outcome = outbox.failed(key, attempt.attempt, http(422), now, &mut rng);
                            prop_assert_eq!(outcome, if current { Failed::DeadLettered } else { ignored });
                        }
                        Reply::LostAfterStore => crm.store(&attempt),
                        Reply::LostBeforeStore => {}
                    }
                }
                Op::Online => {
                    outbox.online(now);
                }
                Op::HostReady => {
                    outbox.host_ready(now);
                }
                Op::Purge => {
                    let before: BTreeMap<_, _> = outbox.tombstones().iter().map(|(k, v)| (k.clone(), *v)).collect();
                    let count = outbox.purge(now);
                    prop_assert_eq!(count, before.len() - outbox.tombstones().len());
                    for (key, delivered_at) in before {
                        if !outbox.is_delivered(&key) {
                            prop_assert!(now >= delivered_at + policy.tombstone_retention_ms);
                            purged.insert(key);
                        } else {
                            prop_assert!(now < delivered_at + policy.tombstone_retention_ms);
                        }
                    }
                }
                Op::RetryDeadLetter(i) => {
                    if order.is_empty() {
                        continue;
                    }
                    let key = &order[i % order.len()];
                    let was_dead = matches!(
                        outbox.entry(key).map(|e| &e.state),
                        Some(EntryState::DeadLetter { .. })
                    );
                    prop_assert_eq!(outbox.retry_dead_letter(key, now), was_dead);
                }
                Op::Reload => {
                    outbox.reloaded(now);
                }
                Op::RoundTrip => {
                    let json = serde_json::to_string(&outbox).unwrap();
                    let restored: Outbox = serde_json::from_str(&json).unwrap();
                    prop_assert_eq!(&restored, &outbox);
                    outbox = restored;
                }
            }
            check_invariants(&outbox, &enqueued, &purged, &crm);
        }
    }
}

/// What became of a simulated run.
struct Run {
    enqueued: BTreeMap<IdempotencyKey, String>,
    crm: Crm,
    outbox: Outbox,
    late_answers: usize,
}

/// Runs `count` entries through an outbox against an endpoint that fails 30% of requests, stores
/// the entry but loses the answer on 10%, sometimes answers after the attempt timed out, and is
/// unreachable during `outage` (then the browser says online). The clock jumps from one event to
/// the next.
fn simulate(seed: u64, count: usize, max_in_flight: u32, outage: (u64, u64)) -> Run {
    enum Answer {
        Ack,
        Fail(Failure),
    }
    let mut outbox = Outbox::new(policy_with(max_in_flight)).unwrap();
    let mut rng = SplitMix64::new(seed);
    let mut world = SplitMix64::new(seed ^ 0x5EED_0FF1_A4E5);
    let mut roll = |n: u64| world.next_u64() % n;
    let mut arrivals: Vec<u64> = (0..count).map(|_| T0 + roll(120_000)).collect();
    arrivals.sort_unstable();
    arrivals.reverse();
    let (outage_start, outage_end) = (T0 + outage.0, T0 + outage.0 + outage.1);
    let mut back_online_told = outage.1 == 0;
    let mut answers: Vec<(u64, Attempt, Answer)> = Vec::new();
    let mut enqueued = BTreeMap::new();
    let mut crm = Crm::default();
    let mut last_attempt = None;
    let mut late_answers = 0;
    let mut now = T0;

    for _ in 0..200_000 {
        while arrivals.last().is_some_and(|at| *at <= now) {
            arrivals.pop();
            let payload = format!("entry {}", enqueued.len());
            let key = outbox.enqueue(payload.clone(), None, now, &mut rng);
            enqueued.insert(key, payload);
        }
        if !back_online_told && now >= outage_end {
            outbox.online(now);
            back_online_told = true;
        }
        answers.sort_by_key(|(at, attempt, _)| (*at, attempt.attempt));
        while answers.first().is_some_and(|(at, _, _)| *at <= now) {
            let (_, attempt, answer) = answers.remove(0);
            if attempt.deadline < now {
                late_answers += 1;
            }
            match answer {
                Answer::Ack => {
                    let outcome = outbox.acked(&attempt.key, Via::Host, now);
                    assert!(matches!(
                        outcome,
                        Acked::Delivered | Acked::AlreadyDelivered
                    ));
                }
                Answer::Fail(failure) => {
                    let outcome =
                        outbox.failed(&attempt.key, attempt.attempt, failure, now, &mut rng);
                    assert!(!matches!(
                        outcome,
                        Failed::DeadLettered | Failed::UnknownKey
                    ));
                }
            }
        }
        if roll(50) == 0 {
            outbox.host_ready(now);
        }
        for attempt in checked_due(&mut outbox, now, &mut rng, &mut last_attempt) {
            let latency = if roll(100) < 5 {
                20_000 + roll(70_000)
            } else {
                10 + roll(800)
            };
            if (outage_start..outage_end).contains(&now) {
                let failure = Failure::Network {
                    reason: "Failed to fetch".into(),
                };
                answers.push((now + 5, attempt, Answer::Fail(failure)));
                continue;
            }
            match roll(100) {
                0..30 => answers.push((now + latency, attempt, Answer::Fail(http(503)))),
                30..40 => crm.store(&attempt),
                _ => {
                    crm.store(&attempt);
                    answers.push((now + latency, attempt, Answer::Ack));
                }
            }
        }
        if arrivals.is_empty() && outbox.entries().is_empty() && answers.is_empty() {
            break;
        }
        let next = [
            outbox.next_wake(now),
            answers.iter().map(|(at, _, _)| *at).min(),
            arrivals.last().copied(),
            (!back_online_told).then_some(outage_end),
        ]
        .into_iter()
        .flatten()
        .min();
        now = next.unwrap_or(now + 1).max(now + 1);
    }
    Run {
        enqueued,
        crm,
        outbox,
        late_answers,
    }
}

fn assert_all_stored_once(run: &Run, count: usize) {
    assert!(
        run.outbox.entries().is_empty(),
        "not all delivered: {:?}",
        run.outbox.status(0)
    );
    assert_eq!(run.enqueued.len(), count);
    assert_eq!(
        run.crm.records, run.enqueued,
        "the CRM holds each entry once"
    );
    run.crm.check_no_duplicates();
    assert_eq!(run.outbox.tombstones().len(), count);
}

#[test]
fn two_hundred_calls_through_a_flaky_endpoint_and_an_outage_are_stored_exactly_once() {
    let run = simulate(2026, 200, 1, (30_000, 10 * 60 * SECOND));
    assert_all_stored_once(&run, 200);
    assert!(
        run.crm.writes > 200,
        "lost answers should have caused repeats"
    );
    assert!(run.late_answers > 0, "some answers should have come late");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_flaky_endpoint_ends_with_every_entry_stored_exactly_once(
        seed in any::<u64>(),
        count in 1usize..40,
        max_in_flight in 1u32..=3,
        outage in (0u64..120_000, 0u64..900_000),
    ) {
        let run = simulate(seed, count, max_in_flight, outage);
        assert_all_stored_once(&run, count);
    }
}

#[test]
fn the_default_outbox_is_empty_with_the_default_policy_and_its_json_reads_back_equal() {
    let empty = Outbox::default();
    assert_eq!(empty.policy(), &RetryPolicy::default());
    assert!(RetryPolicy::default().check().is_ok());
    assert!(empty.entries().is_empty());
    assert_eq!(Outbox::from_json(&empty.to_json()), Ok(empty));

    let mut rng = SplitMix64::new(7);
    let mut outbox = Outbox::default();
    let first = outbox.enqueue("{\"n\":1}".into(), None, 10, &mut rng);
    let second = outbox.enqueue("{\"n\":2}".into(), None, 11, &mut rng);
    let attempts = outbox.due(12, &mut rng);
    let keys: Vec<_> = attempts.iter().map(|a| &a.key).collect();
    assert_eq!(keys, [&first, &second], "up to eight at once, in order");
    let text = outbox.to_json();
    assert_eq!(Outbox::from_json(&text).as_ref(), Ok(&outbox));
    // The same bytes again: a stored outbox read and written back does not drift.
    assert_eq!(Outbox::from_json(&text).unwrap().to_json(), text);
}

#[test]
fn the_default_sends_eight_at_once_and_keeps_a_generous_attempt_timeout() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_in_flight, 8);
    assert_eq!(policy.attempt_timeout_ms, 30 * SECOND);
    let mut rng = SplitMix64::new(8);
    let mut outbox = Outbox::default();
    for i in 0..10 {
        outbox.enqueue(format!("entry {i}"), None, T0, &mut rng);
    }
    assert_eq!(outbox.due(T0, &mut rng).len(), 8);
    assert!(
        outbox.due(T0 + 1, &mut rng).is_empty(),
        "eight in flight at most"
    );
}

#[test]
fn a_stored_outbox_keeps_its_policy_until_it_adopts_the_current_one_with_its_own_retention() {
    let old = RetryPolicy {
        max_in_flight: 1,
        tombstone_retention_ms: 24 * 60 * 60 * SECOND,
        ..RetryPolicy::default()
    };
    let mut rng = SplitMix64::new(9);
    let mut stored = Outbox::new(old).unwrap();
    for i in 0..3 {
        stored.enqueue(format!("entry {i}"), None, T0, &mut rng);
    }
    let mut outbox = Outbox::from_json(&stored.to_json()).unwrap();
    assert_eq!(outbox.policy(), &old, "a stored outbox keeps its policy");
    outbox.adopt_policy(RetryPolicy::default()).unwrap();
    assert_eq!(
        outbox.policy(),
        &RetryPolicy {
            tombstone_retention_ms: 24 * 60 * 60 * SECOND,
            ..RetryPolicy::default()
        }
    );
    assert_eq!(outbox.due(T0, &mut rng).len(), 3);
    let nonsense = RetryPolicy {
        max_in_flight: 0,
        ..RetryPolicy::default()
    };
    let before = outbox.clone();
    assert!(outbox.adopt_policy(nonsense).is_err());
    assert_eq!(
        outbox, before,
        "a policy that cannot be used changes nothing"
    );
}

#[test]
fn a_stored_outbox_cut_short_or_of_another_format_is_refused_with_a_reason() {
    let text = Outbox::default().to_json();
    let cut = &text[..text.len() / 2];
    let problem = Outbox::from_json(cut).unwrap_err();
    assert!(problem.contains("line 1"), "{problem}");
    let other = text.replacen("\"format\":1", "\"format\":2", 1);
    let problem = Outbox::from_json(&other).unwrap_err();
    assert!(
        problem.contains("format: 2 is not the supported version 1"),
        "{problem}"
    );
}
