//! The courier, rule by rule (starting, the delivery lock, runs and the wake timer, the route
//! shown, endpoints and tokens, what the host is told, retention), its helpers on the outbox, and
//! property tests: random sequences of inputs through a simulated browser (which carries out the
//! actions and answers later, in any order), checking that two runs never go at once nor before
//! the deployment settings are read, a kick during a run always leads to another run, the lock is asked for at most once, the token never
//! goes to another origin, the route shown always matches the state, and the host is told of a
//! sign-in at most once per endpoint and token.

use incident_engine::delivery::courier::{
    entry_not_json, http_answer, take_due, write_for, Action, Courier, CrmEndpoint, Due, Input,
    Route, Taken, Tell, Write, LONGEST_WAIT_MS, STORAGE_RETRY_MS,
};
use incident_engine::delivery::outbox::{
    Acked, Attempt, AttemptId, Failure, IdempotencyKey, Outbox, OutboxStatus, RetryPolicy, Via,
};
use incident_engine::kernel::SplitMix64;
use incident_engine::pack::Retention;
use incident_engine::protocol::{Endpoint, HostEvent};
use proptest::prelude::*;

type Token = &'static str;
type Step = Input<Token>;

const T0: u64 = 1_800_000_000_000;
const SECOND: u64 = 1_000;
const DAY: u64 = 86_400_000;

const CRM: &str = "https://crm.example/entries";
const CRM_ORIGIN: &str = "https://crm.example";

fn crm() -> CrmEndpoint {
    CrmEndpoint::new(CRM, CRM_ORIGIN)
}

fn key(n: u64) -> IdempotencyKey {
    IdempotencyKey::new_v4(&mut SplitMix64::new(n))
}

fn attempt(n: u64, endpoint: Option<&str>) -> Attempt {
    Attempt {
        key: key(n),
        attempt: AttemptId(n),
        number: 1,
        payload: format!("{{\"n\":{n}}}"),
        deadline: T0 + 30 * SECOND,
        endpoint: endpoint.map(str::to_owned),
    }
}

fn configure(endpoint: Option<CrmEndpoint>, token: Option<Token>) -> Step {
    Input::Configured { endpoint, token }
}

fn finished(wake: Option<u64>) -> Step {
    Input::RunFinished {
        attempts: Vec::new(),
        wake,
        now: T0,
    }
}

fn status(pending: usize, age: Option<u64>) -> OutboxStatus {
    OutboxStatus {
        pending,
        in_flight: 0,
        dead_letters: 0,
        delivered: 0,
        oldest_pending_age_ms: age,
        overdue: 0,
    }
}

/// A courier that delivers to the host page: the host is ready and the lock granted.
fn delivering_to_host() -> Courier<Token> {
    let mut courier = Courier::new();
    courier.update(Input::SettingsRead);
    courier.update(Input::HostReady);
    courier.update(Input::LockGranted);
    courier
}

/// A courier that delivers to the CRM's endpoint, with no token yet.
fn delivering_to_endpoint() -> Courier<Token> {
    let mut courier = Courier::new();
    courier.update(Input::SettingsRead);
    courier.update(configure(Some(crm()), None));
    courier.update(Input::LockGranted);
    courier
}

/// A courier with a run going.
fn running() -> Courier<Token> {
    let mut courier = delivering_to_host();
    assert_eq!(courier.update(Input::Kick), vec![Action::StartRun]);
    courier
}

// Starting

#[test]
fn a_first_start_listens_and_reads_the_outbox_and_a_second_changes_nothing() {
    let mut courier = Courier::<Token>::new();
    assert_eq!(
        courier.update(Input::Started),
        vec![Action::Listen, Action::Reread]
    );
    assert_eq!(courier.update(Input::Started), vec![]);
}

#[test]
fn going_online_makes_waiting_entries_due() {
    let mut courier = Courier::<Token>::new();
    assert_eq!(
        courier.update(Input::Online),
        [Action::MakeDue(Due::Online)]
    );
}

#[test]
fn another_tabs_change_or_the_storage_key_reads_the_outbox_again() {
    let mut courier = Courier::<Token>::new();
    assert_eq!(courier.update(Input::StoredElsewhere), [Action::Reread]);
}

// The delivery lock

#[test]
fn with_nowhere_to_deliver_the_lock_is_not_asked_for_and_nothing_runs() {
    let mut courier = Courier::<Token>::new();
    assert_eq!(courier.update(Input::Kick), vec![]);
    assert_eq!(courier.update(configure(None, Some("t1"))), vec![]);
    assert_eq!(courier.update(Input::Kick), vec![]);
    assert_eq!(courier.route(), Route::Nowhere);
    assert!(!courier.delivers());
}

#[test]
fn the_host_ready_makes_entries_due_and_asks_for_the_lock_once() {
    let mut courier = Courier::<Token>::new();
    assert_eq!(
        courier.update(Input::HostReady),
        vec![
            Action::ShowRoute(Route::AnotherTab),
            Action::MakeDue(Due::HostReady),
            Action::RequestLock,
        ]
    );
    assert_eq!(
        courier.update(Input::HostReady),
        vec![Action::MakeDue(Due::HostReady)]
    );
    assert_eq!(courier.route(), Route::AnotherTab);
}

#[test]
fn an_endpoint_asks_for_the_lock_once() {
    let mut courier = Courier::<Token>::new();
    assert_eq!(
        courier.update(configure(Some(crm()), None)),
        vec![Action::ShowRoute(Route::AnotherTab), Action::RequestLock]
    );
    let other = CrmEndpoint::new("https://other.example/in", "https://other.example");
    assert_eq!(courier.update(configure(Some(other), None)), vec![]);
    assert_eq!(
        courier.update(Input::HostReady),
        vec![Action::MakeDue(Due::HostReady)]
    );
}

#[test]
fn the_granted_lock_makes_this_tab_deliver_what_a_closed_tab_left_in_flight() {
    let mut courier = Courier::<Token>::new();
    courier.update(Input::HostReady);
    assert!(!courier.delivers());
    assert_eq!(
        courier.update(Input::LockGranted),
        vec![
            Action::ShowRoute(Route::Host),
            Action::MakeDue(Due::Reloaded)
        ]
    );
    assert!(courier.delivers());
    assert_eq!(courier.update(Input::LockGranted), vec![]);
}

#[test]
fn a_lock_granted_that_was_never_asked_for_changes_nothing() {
    let mut courier = Courier::<Token>::new();
    assert_eq!(courier.update(Input::LockGranted), vec![]);
    assert!(!courier.delivers());
    assert_eq!(courier.route(), Route::Nowhere);
    assert_eq!(courier.update(Input::Kick), vec![]);
}

// Runs and the wake timer

#[test]
fn no_run_goes_before_the_deployment_settings_are_read() {
    // An element's host is ready at once, and the lock may be granted before the settings
    // arrive: a stored entry is due, but its endpoint cannot be judged yet.
    let mut courier = Courier::<Token>::new();
    courier.update(Input::HostReady);
    assert_eq!(
        courier.update(Input::LockGranted),
        vec![
            Action::ShowRoute(Route::Host),
            Action::MakeDue(Due::Reloaded)
        ]
    );
    assert_eq!(courier.update(Input::Kick), vec![]);
    assert_eq!(courier.update(Input::Woke), vec![]);
    // Read (or given up on): the run goes, once.
    assert_eq!(courier.update(Input::SettingsRead), vec![Action::StartRun]);
    assert_eq!(courier.update(Input::SettingsRead), vec![]);
    // Read before the lock is granted: the first kick runs.
    let mut courier = Courier::<Token>::new();
    assert_eq!(courier.update(Input::SettingsRead), vec![]);
    courier.update(Input::HostReady);
    courier.update(Input::LockGranted);
    assert_eq!(courier.update(Input::Kick), vec![Action::StartRun]);
}

#[test]
fn a_kick_starts_a_run_only_where_this_tab_delivers() {
    let mut asked = Courier::<Token>::new();
    asked.update(Input::HostReady);
    assert_eq!(asked.update(Input::Kick), vec![]);
    let mut courier = delivering_to_host();
    assert_eq!(courier.update(Input::Kick), vec![Action::StartRun]);
}

#[test]
fn a_kick_during_a_run_runs_again_when_it_ends() {
    let mut courier = running();
    assert_eq!(courier.update(Input::Kick), vec![]);
    assert_eq!(courier.update(Input::Kick), vec![]);
    // One more run for any number of kicks, and no timer meanwhile.
    assert_eq!(
        courier.update(finished(Some(T0 + SECOND))),
        vec![Action::StartRun]
    );
    assert_eq!(
        courier.update(finished(Some(T0 + SECOND))),
        vec![Action::WakeIn(SECOND)]
    );
}

#[test]
fn a_run_sends_each_attempt_by_its_own_route_then_sleeps_until_the_next_wake() {
    let mut courier = running();
    let to_host = attempt(1, None);
    let to_crm = attempt(2, Some(CRM));
    assert_eq!(
        courier.update(Input::RunFinished {
            attempts: vec![to_host.clone(), to_crm.clone()],
            wake: Some(T0 + 30 * SECOND),
            now: T0,
        }),
        vec![
            Action::Offer(to_host),
            Action::Post {
                endpoint: CRM.into(),
                attempt: to_crm
            },
            Action::WakeIn(30 * SECOND)
        ]
    );
}

#[test]
fn nothing_to_wake_for_leaves_no_timer_to_clear() {
    let mut courier = running();
    assert_eq!(courier.update(finished(None)), vec![]);
    assert_eq!(courier.update(Input::Kick), vec![Action::StartRun]);
}

#[test]
fn a_kick_while_sleeping_clears_the_timer_and_runs() {
    let mut courier = running();
    courier.update(finished(Some(T0 + 5 * SECOND)));
    assert_eq!(
        courier.update(Input::Kick),
        vec![Action::ClearTimer, Action::StartRun]
    );
}

#[test]
fn the_timer_firing_runs_with_no_timer_left_to_clear() {
    let mut courier = running();
    courier.update(finished(Some(T0 + 5 * SECOND)));
    assert_eq!(courier.update(Input::Woke), vec![Action::StartRun]);
    // Not delivering: nothing runs.
    let mut asked = Courier::<Token>::new();
    asked.update(Input::HostReady);
    assert_eq!(asked.update(Input::Woke), vec![]);
}

#[test]
fn the_timer_waits_at_most_a_day_and_a_wake_already_past_wakes_at_once() {
    let mut courier = running();
    assert_eq!(
        courier.update(finished(Some(T0 + 40 * DAY))),
        vec![Action::WakeIn(LONGEST_WAIT_MS)]
    );
    assert_eq!(LONGEST_WAIT_MS, DAY);
    courier.update(Input::Kick);
    assert_eq!(
        courier.update(finished(Some(T0 - SECOND))),
        vec![Action::WakeIn(0)]
    );
}

#[test]
fn a_run_that_cannot_use_storage_is_tried_again_in_five_seconds() {
    let mut courier = running();
    assert_eq!(
        courier.update(Input::RunFailed { now: T0 }),
        vec![Action::WakeIn(STORAGE_RETRY_MS)]
    );
    assert_eq!(STORAGE_RETRY_MS, 5 * SECOND);
    courier.update(Input::Kick);
    courier.update(Input::Kick);
    assert_eq!(
        courier.update(Input::RunFailed { now: T0 }),
        vec![Action::StartRun]
    );
}

#[test]
fn a_run_finishing_that_never_started_sends_what_it_took_and_starts_nothing() {
    let mut courier = delivering_to_host();
    let taken = attempt(1, None);
    assert_eq!(
        courier.update(Input::RunFinished {
            attempts: vec![taken.clone()],
            wake: Some(T0 + SECOND),
            now: T0,
        }),
        vec![Action::Offer(taken)]
    );
    assert_eq!(courier.update(Input::Kick), vec![Action::StartRun]);
}

// The route shown

#[test]
fn the_route_shown_follows_the_lock_and_the_endpoint() {
    let mut courier = Courier::<Token>::new();
    assert_eq!(courier.route(), Route::Nowhere);
    let shown = |actions: Vec<Action>| {
        actions.into_iter().find_map(|a| match a {
            Action::ShowRoute(route) => Some(route),
            _ => None,
        })
    };
    assert_eq!(
        shown(courier.update(Input::HostReady)),
        Some(Route::AnotherTab)
    );
    assert_eq!(shown(courier.update(Input::LockGranted)), Some(Route::Host));
    assert_eq!(
        shown(courier.update(configure(Some(crm()), None))),
        Some(Route::Endpoint)
    );
    assert_eq!(courier.route(), Route::Endpoint);
    // Unchanged: not shown again.
    assert_eq!(
        shown(courier.update(configure(Some(crm()), Some("t1")))),
        None
    );
    assert_eq!(
        shown(courier.update(configure(None, None))),
        Some(Route::Host)
    );
    courier.update(configure(Some(crm()), None));
    // Signed out: the endpoint is forgotten and the host's session is over (an iframe's port is
    // closed until the next hello): no CRM is connected until the next handshake or configure.
    assert_eq!(shown(courier.update(Input::TornDown)), Some(Route::Nowhere));
    assert_eq!(courier.route(), Route::Nowhere);
    assert_eq!(shown(courier.update(configure(None, None))), None);
    assert_eq!(shown(courier.update(Input::HostReady)), Some(Route::Host));
}

// Endpoints and tokens

#[test]
fn an_entry_closed_now_keeps_the_endpoint_configured_now_as_its_route() {
    let mut courier = Courier::<Token>::new();
    assert_eq!(courier.closing_route(), None);
    courier.update(configure(Some(crm()), None));
    assert_eq!(courier.closing_route(), Some(CRM));
    courier.update(configure(None, None));
    assert_eq!(courier.closing_route(), None);
}

#[test]
fn a_new_token_makes_the_endpoints_waiting_entries_due_at_once() {
    let mut courier = delivering_to_endpoint();
    let signed_in = Action::MakeDue(Due::SignedIn {
        endpoint: CRM.to_owned(),
    });
    // The make-due kicks when it is done.
    assert_eq!(
        courier.update(configure(Some(crm()), Some("t1"))),
        vec![signed_in.clone()]
    );
    // The same token again makes nothing due; the configure kicks.
    assert_eq!(
        courier.update(configure(Some(crm()), Some("t1"))),
        vec![Action::StartRun]
    );
    courier.update(finished(None));
    assert_eq!(
        courier.update(configure(Some(crm()), Some("t2"))),
        vec![signed_in]
    );
    // A token with no endpoint makes nothing due (and with no host page ready, nothing is the
    // route).
    assert_eq!(
        courier.update(configure(None, Some("t3"))),
        vec![Action::ShowRoute(Route::Nowhere), Action::StartRun]
    );
}

#[test]
fn the_token_goes_only_to_the_configured_endpoints_origin() {
    let mut courier = Courier::<Token>::new();
    assert_eq!(courier.credentials(CRM, Some(CRM_ORIGIN)), Ok(None));
    courier.update(configure(Some(crm()), Some("t1")));
    assert_eq!(courier.credentials(CRM, Some(CRM_ORIGIN)), Ok(Some(&"t1")));
    // An entry closed under an earlier endpoint of the same origin goes with it too.
    assert_eq!(
        courier.credentials("https://crm.example/old", Some(CRM_ORIGIN)),
        Ok(Some(&"t1"))
    );
    assert_eq!(
        courier.credentials(
            "https://eu.crm.example/entries",
            Some("https://eu.crm.example")
        ),
        Ok(None)
    );
    assert_eq!(
        courier.credentials("http://crm.example/entries", Some("http://crm.example")),
        Ok(None)
    );
    // Not allowed (or not an endpoint): not sent at all.
    assert_eq!(
        courier.credentials(CRM, None),
        Err(Failure::EndpointNotAllowed {
            endpoint: CRM.to_owned()
        })
    );
    // A token with no endpoint goes nowhere.
    courier.update(configure(None, Some("t2")));
    assert_eq!(courier.credentials(CRM, Some(CRM_ORIGIN)), Ok(None));
}

#[test]
fn the_host_is_told_once_per_token_that_the_endpoint_wants_a_sign_in() {
    let mut courier = delivering_to_endpoint();
    let failed = |failure: Failure| Input::PostFailed {
        endpoint: CRM.to_owned(),
        failure,
    };
    let told = |failure: &Failure| {
        vec![Action::Tell(Tell::SignInNeeded {
            endpoint: CRM.to_owned(),
            reason: failure.describe(),
        })]
    };
    let unauthorised = Failure::SignInNeeded { status: 401 };
    assert_eq!(
        courier.update(failed(unauthorised.clone())),
        told(&unauthorised)
    );
    assert_eq!(courier.update(failed(Failure::Redirected)), vec![]);
    // Not a sign-in: never told.
    courier.update(configure(Some(crm()), Some("t1")));
    let unavailable = Failure::Http {
        status: 503,
        reason: String::new(),
    };
    assert_eq!(courier.update(failed(unavailable)), vec![]);
    // A new token: told again, once.
    assert_eq!(
        courier.update(failed(Failure::Redirected)),
        told(&Failure::Redirected)
    );
    let http_401 = Failure::Http {
        status: 401,
        reason: "Unauthorized".into(),
    };
    assert_eq!(courier.update(failed(http_401.clone())), vec![]);
    // The same token again is not a new one.
    courier.update(configure(Some(crm()), Some("t1")));
    courier.update(finished(None));
    assert_eq!(courier.update(failed(http_401)), vec![]);
}

#[test]
fn a_sign_in_needed_is_remembered_per_endpoint_and_a_new_token_clears_it_for_its_own() {
    // An entry keeps the endpoint it was closed under: one closed under another endpoint may
    // still be waiting when this one asks for a sign-in.
    const INTAKE: &str = "https://intake.example/entries";
    let mut courier = delivering_to_endpoint();
    courier.update(configure(Some(crm()), Some("t1")));
    let unauthorised = Failure::SignInNeeded { status: 401 };
    let failed = |endpoint: &str| Input::PostFailed {
        endpoint: endpoint.to_owned(),
        failure: unauthorised.clone(),
    };
    let told = |endpoint: &str| {
        vec![Action::Tell(Tell::SignInNeeded {
            endpoint: endpoint.to_owned(),
            reason: unauthorised.describe(),
        })]
    };
    assert_eq!(courier.update(failed(CRM)), told(CRM));
    // Another endpoint's sign-in is its own: told, once.
    assert_eq!(courier.update(failed(INTAKE)), told(INTAKE));
    assert_eq!(courier.update(failed(INTAKE)), vec![]);
    assert_eq!(courier.update(failed(CRM)), vec![]);
    // A new token for the configured endpoint: its sign-in is told again, the other's is not.
    courier.update(configure(Some(crm()), Some("t2")));
    assert_eq!(courier.update(failed(INTAKE)), vec![]);
    assert_eq!(courier.update(failed(CRM)), told(CRM));
    assert_eq!(courier.update(failed(CRM)), vec![]);
}

#[test]
fn a_teardown_forgets_the_endpoint_and_its_token_and_reads_the_outbox_again() {
    let mut courier = delivering_to_endpoint();
    courier.update(configure(Some(crm()), Some("t1")));
    courier.update(Input::PostFailed {
        endpoint: CRM.to_owned(),
        failure: Failure::Redirected,
    });
    assert_eq!(
        courier.update(Input::TornDown),
        vec![Action::ShowRoute(Route::Nowhere), Action::Reread]
    );
    assert_eq!(courier.credentials(CRM, Some(CRM_ORIGIN)), Ok(None));
    assert_eq!(courier.closing_route(), None);
    assert!(courier.delivers());
    // The next sign-in's endpoint is told of again.
    courier.update(configure(Some(crm()), None));
    assert_eq!(
        courier.update(Input::PostFailed {
            endpoint: CRM.to_owned(),
            failure: Failure::Redirected,
        }),
        vec![Action::Tell(Tell::SignInNeeded {
            endpoint: CRM.to_owned(),
            reason: Failure::Redirected.describe(),
        })]
    );
}

// What the host is told

#[test]
fn an_entry_queued_for_an_endpoint_is_told_to_the_host_once_and_kicks() {
    let mut courier = delivering_to_endpoint();
    assert_eq!(
        courier.update(Input::EntryQueued {
            key: key(1),
            endpoint: Some(CRM.to_owned()),
            entry: "{\"n\":1}".into(),
        }),
        vec![
            Action::Tell(Tell::EntryCompleted {
                key: key(1),
                entry: "{\"n\":1}".into()
            }),
            Action::StartRun
        ]
    );
    // For the host page, the entry goes as an attempt: nothing is told now.
    assert_eq!(
        courier.update(Input::EntryQueued {
            key: key(2),
            endpoint: None,
            entry: "{\"n\":2}".into(),
        }),
        vec![]
    );
    assert_eq!(courier.update(finished(None)), vec![Action::StartRun]);
}

#[test]
fn a_delivered_acknowledgement_is_told_to_the_host_and_no_other() {
    let mut courier = Courier::<Token>::new();
    let acked = |acked: Acked| Input::Acked { key: key(1), acked };
    assert_eq!(
        courier.update(acked(Acked::Delivered)),
        vec![Action::Tell(Tell::EntryDelivered { key: key(1) })]
    );
    for other in [
        Acked::AlreadyDelivered,
        Acked::UnknownKey,
        Acked::WrongRoute,
    ] {
        assert_eq!(courier.update(acked(other)), vec![]);
    }
    let mut courier = delivering_to_host();
    assert_eq!(
        courier.update(acked(Acked::WrongRoute)),
        vec![Action::StartRun]
    );
}

#[test]
fn the_host_hears_the_status_when_the_counts_change_not_the_age() {
    let mut courier = Courier::<Token>::new();
    let first = status(1, Some(10));
    assert_eq!(
        courier.update(Input::StatusComputed(first)),
        vec![Action::Tell(Tell::Status(first))]
    );
    assert_eq!(
        courier.update(Input::StatusComputed(status(1, Some(2_000)))),
        vec![]
    );
    let more = status(2, Some(2_000));
    assert_eq!(
        courier.update(Input::StatusComputed(more)),
        vec![Action::Tell(Tell::Status(more))]
    );
    let overdue = OutboxStatus { overdue: 1, ..more };
    assert_eq!(
        courier.update(Input::StatusComputed(overdue)),
        vec![Action::Tell(Tell::Status(overdue))]
    );
}

// Retention and the schedule

#[test]
fn the_packs_retention_purges_at_once_and_applies_at_every_change() {
    let retention = Retention {
        draft_hours: 24,
        delivered_days: 3,
        undelivered_alert_hours: 6,
        ..Retention::default()
    };
    let stored = RetryPolicy {
        max_in_flight: 1,
        ..RetryPolicy::default()
    };
    let mut outbox = Outbox::new(stored).unwrap();
    let mut courier = Courier::<Token>::new();
    // Before a pack: the current schedule only.
    courier.apply_policy(&mut outbox);
    assert_eq!(outbox.policy(), &RetryPolicy::default());
    assert_eq!(
        courier.update(Input::RetentionSet(retention)),
        vec![Action::Purge]
    );
    courier.apply_policy(&mut outbox);
    assert_eq!(
        outbox.policy(),
        &RetryPolicy {
            tombstone_retention_ms: 3 * DAY,
            overdue_after_ms: 6 * 3_600_000,
            ..RetryPolicy::default()
        }
    );
}

// Helpers on the outbox

/// An outbox with an entry for the host in flight, one for the CRM waiting for its retry, and one
/// delivered long ago.
fn busy_outbox() -> (Outbox, SplitMix64) {
    let mut rng = SplitMix64::new(9);
    let mut outbox = Outbox::default();
    let old = outbox.enqueue("{\"n\":0}".into(), None, T0 - 30 * DAY, &mut rng);
    outbox.due(T0 - 30 * DAY, &mut rng);
    outbox.acked(&old, Via::Host, T0 - 30 * DAY);
    let crm = outbox.enqueue("{\"n\":1}".into(), Some(CRM.into()), T0, &mut rng);
    let host = outbox.enqueue("{\"n\":2}".into(), None, T0, &mut rng);
    let sent = outbox.due(T0, &mut rng);
    let crm_attempt = sent.iter().find(|a| a.key == crm).unwrap().attempt;
    outbox.failed(&crm, crm_attempt, Failure::Redirected, T0, &mut rng);
    assert!(sent.iter().any(|a| a.key == host));
    (outbox, rng)
}

#[test]
fn each_reason_makes_the_waiting_entries_due_as_the_outbox_says() {
    let (outbox, _) = busy_outbox();
    let now = T0 + SECOND;
    type MakeDue = fn(&mut Outbox, u64) -> usize;
    let cases: [(Due, MakeDue); 3] = [
        (Due::Online, Outbox::online),
        (Due::HostReady, Outbox::host_ready),
        (Due::Reloaded, Outbox::reloaded),
    ];
    for (due, method) in cases {
        let (mut by_due, mut by_method) = (outbox.clone(), outbox.clone());
        let count = due.apply(&mut by_due, now);
        assert_eq!(count, method(&mut by_method, now), "{due:?}");
        assert_eq!(count, 1, "{due:?}");
        assert_eq!(by_due, by_method, "{due:?}");
    }
    let (mut by_due, mut by_method) = (outbox.clone(), outbox.clone());
    let due = Due::SignedIn {
        endpoint: CRM.into(),
    };
    assert_eq!(due.apply(&mut by_due, now), 1);
    by_method.signed_in(CRM, now);
    assert_eq!(by_due, by_method);
    let elsewhere = Due::SignedIn {
        endpoint: "https://other.example/".into(),
    };
    assert_eq!(elsewhere.apply(&mut outbox.clone(), now), 0);
}

#[test]
fn a_run_purges_takes_what_is_due_and_wakes_for_the_next_retry_or_deadline() {
    let (mut outbox, mut rng) = busy_outbox();
    let mut expected = outbox.clone();
    let now = T0 + SECOND;
    let Taken { attempts, wake } = take_due(&mut outbox, now, &mut rng.clone());
    expected.purge(now);
    let expected_attempts = expected.due(now, &mut rng);
    let expected_wake = [expected.next_wake(now), expected.next_overdue(now)]
        .into_iter()
        .flatten()
        .min();
    assert_eq!(attempts, expected_attempts);
    assert_eq!(wake, expected_wake);
    assert!(wake.is_some());
    assert_eq!(outbox, expected);
    assert!(
        outbox.tombstones().is_empty(),
        "the old delivered key is purged"
    );
}

#[test]
fn a_run_wakes_for_an_entry_becoming_overdue_when_nothing_else_is_due() {
    let mut rng = SplitMix64::new(3);
    let mut outbox = Outbox::default();
    outbox.enqueue("{}".into(), None, T0, &mut rng);
    // Sent, and failed for good: a dead letter, waiting for the handler, never retried.
    let sent = take_due(&mut outbox, T0, &mut rng);
    let only = &sent.attempts[0];
    let refused = Failure::HostNack {
        permanent: true,
        reason: "no".into(),
    };
    outbox.failed(&only.key, only.attempt, refused, T0, &mut rng);
    let taken = take_due(&mut outbox, T0 + SECOND, &mut rng);
    assert!(taken.attempts.is_empty());
    assert_eq!(taken.wake, outbox.next_overdue(T0 + SECOND));
    assert!(taken.wake.is_some());
}

#[test]
fn what_is_written_after_a_change() {
    let empty = Outbox::default();
    assert_eq!(write_for(&empty, &empty), Write::Nothing);
    let (busy, _) = busy_outbox();
    assert_eq!(write_for(&busy, &busy.clone()), Write::Nothing);
    assert_eq!(write_for(&empty, &busy), Write::Put(busy.to_json()));
    let mut purged = busy.clone();
    purged.purge(T0);
    assert_eq!(write_for(&busy, &purged), Write::Put(purged.to_json()));
    // Nothing left to keep: no key left behind.
    let mut rng = SplitMix64::new(1);
    let mut delivered = Outbox::default();
    let only = delivered.enqueue("{}".into(), None, T0, &mut rng);
    delivered.acked(&only, Via::Host, T0);
    let mut forgotten = delivered.clone();
    forgotten.purge(u64::MAX);
    assert_eq!(write_for(&delivered, &forgotten), Write::Delete);
    // An empty outbox of an older schedule is not written either.
    let old = Outbox::new(RetryPolicy {
        max_in_flight: 1,
        ..RetryPolicy::default()
    })
    .unwrap();
    assert_eq!(write_for(&old, &empty), Write::Delete);
}

#[test]
fn what_an_http_answer_says_before_its_body_is_read() {
    assert_eq!(http_answer(200, "OK", false), Ok(()));
    assert_eq!(http_answer(201, "", false), Ok(()));
    assert_eq!(http_answer(0, "", true), Err(Failure::Redirected));
    assert_eq!(http_answer(302, "Found", false), Err(Failure::Redirected));
    assert_eq!(http_answer(399, "", false), Err(Failure::Redirected));
    assert_eq!(
        http_answer(401, "Unauthorized", false),
        Err(Failure::SignInNeeded { status: 401 })
    );
    assert_eq!(
        http_answer(503, "Service Unavailable", false),
        Err(Failure::Http {
            status: 503,
            reason: "Service Unavailable".into()
        })
    );
    assert_eq!(
        http_answer(199, "", false),
        Err(Failure::Http {
            status: 199,
            reason: String::new()
        })
    );
}

#[test]
fn an_entry_that_is_not_json_is_refused_by_the_host_for_good() {
    let failure = entry_not_json();
    assert!(failure.is_permanent());
    assert_eq!(
        failure,
        Failure::HostNack {
            permanent: true,
            reason: "the entry is not valid JSON".into()
        }
    );
}

#[test]
fn what_the_host_is_told_is_the_protocols_event_for_it() {
    let counts = status(2, Some(5));
    assert_eq!(
        HostEvent::told(Tell::Status(counts)),
        Ok(HostEvent::outbox_status(counts))
    );
    assert_eq!(
        HostEvent::told(Tell::SignInNeeded {
            endpoint: CRM.into(),
            reason: "HTTP 401".into()
        }),
        Ok(HostEvent::delivery_sign_in_needed(CRM, "HTTP 401"))
    );
    assert_eq!(
        HostEvent::told(Tell::EntryCompleted {
            key: key(1),
            entry: "{\"n\":1}".into()
        }),
        HostEvent::entry_completed_json(&key(1), "{\"n\":1}")
    );
    assert!(HostEvent::told(Tell::EntryCompleted {
        key: key(1),
        entry: "{\"n\":".into()
    })
    .is_err());
    assert_eq!(
        HostEvent::told(Tell::EntryDelivered { key: key(2) }),
        Ok(HostEvent::entry_delivered(&key(2)))
    );
}

#[test]
fn the_protocols_endpoint_becomes_the_couriers_address_and_origin() {
    let endpoint = Endpoint::parse("HTTPS://CRM.Example:443/entries?x=1").unwrap();
    let courier_endpoint = CrmEndpoint::from(&endpoint);
    assert_eq!(courier_endpoint.url(), "https://crm.example/entries?x=1");
    assert_eq!(courier_endpoint.origin(), "https://crm.example");
    let local = Endpoint::parse("http://127.0.0.1:8080/crm/entries").unwrap();
    assert_eq!(CrmEndpoint::from(&local).origin(), "http://127.0.0.1:8080");
}

// Property tests: a simulated browser

const ENDPOINTS: [(&str, &str); 3] = [
    ("https://crm.example/a", "https://crm.example"),
    ("https://crm.example/b", "https://crm.example"),
    ("https://other.example/a", "https://other.example"),
];
const TOKENS: [Token; 3] = ["t0", "t1", "t2"];

/// What happens in the browser, chosen at random.
#[derive(Debug, Clone)]
enum Event {
    Start,
    /// The deployment settings are read (or given up on).
    SettingsRead,
    Online,
    Elsewhere,
    HostReady,
    Configure(Option<usize>, Option<usize>),
    /// The browser grants the lock, if it was asked for.
    Grant,
    /// A lock granted that was never asked for (cannot happen; changes nothing).
    GrantUnasked,
    Kick,
    /// The oldest (or another) pending follow-up of a make-due or a read completes: it kicks.
    Continue(usize),
    /// The run going finishes (or fails), having taken these attempts.
    FinishRun(Vec<Option<usize>>, Option<u32>, bool),
    /// A run's end arrives with no run going (cannot happen): it only sends.
    FinishNoRun(Vec<Option<usize>>),
    /// The wake timer fires.
    Fire,
    /// A call closes.
    Close,
    PostFailed(usize, usize),
    Acked(usize),
    Status(usize, usize),
    Retention,
    TearDown,
    Wait(u32),
}

fn event() -> impl Strategy<Value = Event> {
    let index = 0..ENDPOINTS.len();
    prop_oneof![
        1 => Just(Event::Start),
        1 => Just(Event::SettingsRead),
        1 => Just(Event::Online),
        1 => Just(Event::Elsewhere),
        1 => Just(Event::HostReady),
        1 => (prop::option::of(index.clone()), prop::option::of(0..TOKENS.len()))
            .prop_map(|(e, t)| Event::Configure(e, t)),
        3 => Just(Event::Grant),
        1 => Just(Event::GrantUnasked),
        4 => Just(Event::Kick),
        4 => any::<usize>().prop_map(Event::Continue),
        4 => (
            prop::collection::vec(prop::option::of(index.clone()), 0..3),
            prop::option::of(0u32..200_000_000),
            prop::bool::weighted(0.1),
        )
            .prop_map(|(a, w, f)| Event::FinishRun(a, w, f)),
        1 => prop::collection::vec(prop::option::of(index.clone()), 0..3).prop_map(Event::FinishNoRun),
        2 => Just(Event::Fire),
        2 => Just(Event::Close),
        1 => (index, 0..6usize).prop_map(|(e, f)| Event::PostFailed(e, f)),
        1 => (0..4usize).prop_map(Event::Acked),
        1 => (0..3usize, 0..3usize).prop_map(|(p, o)| Event::Status(p, o)),
        1 => Just(Event::Retention),
        1 => Just(Event::TearDown),
        1 => (0u32..100_000).prop_map(Event::Wait),
    ]
}

fn failure(kind: usize) -> Failure {
    match kind {
        0 => Failure::SignInNeeded { status: 401 },
        1 => Failure::Redirected,
        2 => Failure::Http {
            status: 401,
            reason: String::new(),
        },
        3 => Failure::Http {
            status: 503,
            reason: String::new(),
        },
        4 => Failure::Network {
            reason: "offline".into(),
        },
        _ => Failure::EndpointNotAllowed {
            endpoint: ENDPOINTS[0].0.into(),
        },
    }
}

/// The browser around the courier: carries out its actions, keeps what the property needs.
struct Browser {
    courier: Courier<Token>,
    now: u64,
    keys: u64,
    asked: u32,
    lock_pending: bool,
    granted: bool,
    runs: u32,
    timer: bool,
    kicked_in_run: bool,
    follow_ups: Vec<Step>,
    shown: Route,
    endpoint: Option<CrmEndpoint>,
    token: Option<Token>,
    somewhere: bool,
    /// Whether the deployment settings have been read.
    settings_read: bool,
    /// Whether the host's session is open (ready, and not torn down since).
    host_session: bool,
    /// How often each endpoint's sign-in was told since its last new token.
    sign_ins_told: std::collections::BTreeMap<String, u32>,
}

impl Browser {
    fn new() -> Browser {
        Browser {
            courier: Courier::new(),
            now: T0,
            keys: 0,
            asked: 0,
            lock_pending: false,
            granted: false,
            runs: 0,
            timer: false,
            kicked_in_run: false,
            follow_ups: Vec::new(),
            shown: Route::Nowhere,
            endpoint: None,
            token: None,
            somewhere: false,
            settings_read: false,
            host_session: false,
            sign_ins_told: Default::default(),
        }
    }

    fn run(&mut self, event: Event) -> Result<(), TestCaseError> {
        match event {
            Event::Start => {
                self.feed(Input::Started)?;
            }
            Event::SettingsRead => {
                self.settings_read = true;
                self.feed(Input::SettingsRead)?;
            }
            Event::Online => {
                self.feed(Input::Online)?;
            }
            Event::Elsewhere => {
                self.feed(Input::StoredElsewhere)?;
            }
            Event::HostReady => {
                self.somewhere = true;
                self.host_session = true;
                self.feed(Input::HostReady)?;
            }
            Event::Configure(endpoint, token) => {
                let endpoint = endpoint.map(|i| CrmEndpoint::new(ENDPOINTS[i].0, ENDPOINTS[i].1));
                let token = token.map(|i| TOKENS[i]);
                if let (Some(endpoint), true) = (&endpoint, token.is_some() && token != self.token)
                {
                    self.sign_ins_told.remove(endpoint.url());
                }
                self.somewhere |= endpoint.is_some();
                self.endpoint = endpoint.clone();
                self.token = token;
                self.feed(Input::Configured { endpoint, token })?;
            }
            Event::Grant => {
                if self.lock_pending {
                    self.lock_pending = false;
                    self.granted = true;
                    self.feed(Input::LockGranted)?;
                }
            }
            Event::GrantUnasked => {
                if !self.lock_pending {
                    let actions = self.feed(Input::LockGranted)?;
                    prop_assert_eq!(
                        actions,
                        vec![],
                        "a lock never asked for (or held) is ignored"
                    );
                }
            }
            Event::Kick => {
                let was = (self.granted, self.runs);
                let actions = self.feed(Input::Kick)?;
                if was == (true, 0) {
                    prop_assert_eq!(
                        actions.contains(&Action::StartRun),
                        self.settings_read,
                        "a kick while idle runs once the settings are read"
                    );
                }
            }
            Event::Continue(i) => {
                if !self.follow_ups.is_empty() {
                    let next = self.follow_ups.remove(i % self.follow_ups.len());
                    self.feed(next)?;
                }
            }
            Event::FinishRun(attempts, wake, fail) => {
                if self.runs == 1 {
                    let input = if fail {
                        Input::RunFailed { now: self.now }
                    } else {
                        Input::RunFinished {
                            attempts: self.attempts(&attempts),
                            wake: wake.map(|w| self.now + u64::from(w)),
                            now: self.now,
                        }
                    };
                    let again = self.kicked_in_run;
                    self.runs = 0;
                    let actions = self.feed(input)?;
                    if again {
                        prop_assert!(
                            actions.contains(&Action::StartRun),
                            "a kick during the run runs again: {:?}",
                            actions
                        );
                    }
                }
            }
            Event::FinishNoRun(attempts) => {
                if self.runs == 0 {
                    let attempts = self.attempts(&attempts);
                    let actions = self.feed(Input::RunFinished {
                        attempts,
                        wake: Some(self.now),
                        now: self.now,
                    })?;
                    let sends = |a: &Action| matches!(a, Action::Post { .. } | Action::Offer(_));
                    prop_assert!(actions.iter().all(sends), "it only sends: {:?}", actions);
                }
            }
            Event::Fire => {
                if self.timer {
                    self.timer = false;
                    self.feed(Input::Woke)?;
                }
            }
            Event::Close => {
                let endpoint = self.courier.closing_route().map(str::to_owned);
                prop_assert_eq!(
                    endpoint.as_deref(),
                    self.endpoint.as_ref().map(CrmEndpoint::url)
                );
                self.keys += 1;
                let entry = format!("{{\"n\":{}}}", self.keys);
                let told = Action::Tell(Tell::EntryCompleted {
                    key: key(self.keys),
                    entry: entry.clone(),
                });
                let routed = endpoint.is_some();
                let actions = self.feed(Input::EntryQueued {
                    key: key(self.keys),
                    endpoint,
                    entry,
                })?;
                prop_assert_eq!(actions.contains(&told), routed);
            }
            Event::PostFailed(endpoint, kind) => {
                self.feed(Input::PostFailed {
                    endpoint: ENDPOINTS[endpoint].0.into(),
                    failure: failure(kind),
                })?;
            }
            Event::Acked(kind) => {
                let acked = [
                    Acked::Delivered,
                    Acked::AlreadyDelivered,
                    Acked::UnknownKey,
                    Acked::WrongRoute,
                ][kind];
                let told = Action::Tell(Tell::EntryDelivered { key: key(0) });
                let actions = self.feed(Input::Acked { key: key(0), acked })?;
                prop_assert_eq!(actions.contains(&told), acked == Acked::Delivered);
            }
            Event::Status(pending, overdue) => {
                self.feed(Input::StatusComputed(OutboxStatus {
                    overdue,
                    ..status(pending, Some(self.now - T0))
                }))?;
            }
            Event::Retention => {
                let actions = self.feed(Input::RetentionSet(Retention {
                    draft_hours: 1,
                    delivered_days: 1,
                    undelivered_alert_hours: 1,
                    ..Retention::default()
                }))?;
                prop_assert_eq!(actions, vec![Action::Purge]);
            }
            Event::TearDown => {
                self.endpoint = None;
                self.token = None;
                self.host_session = false;
                self.sign_ins_told.clear();
                self.feed(Input::TornDown)?;
            }
            Event::Wait(ms) => self.now += u64::from(ms),
        }
        self.check()
    }

    fn attempts(&mut self, routes: &[Option<usize>]) -> Vec<Attempt> {
        routes
            .iter()
            .map(|route| {
                self.keys += 1;
                attempt(self.keys, route.map(|i| ENDPOINTS[i].0))
            })
            .collect()
    }

    /// Gives the courier an input and carries out what it says, checking each action.
    fn feed(&mut self, input: Step) -> Result<Vec<Action>, TestCaseError> {
        let kicks = matches!(
            input,
            Input::Kick | Input::Woke | Input::EntryQueued { .. } | Input::Acked { .. }
        );
        if kicks && self.runs == 1 {
            self.kicked_in_run = true;
        }
        let actions = self.courier.update(input);
        for action in &actions {
            match action {
                Action::Listen | Action::Purge => {}
                Action::Reread | Action::MakeDue(_) => self.follow_ups.push(Input::Kick),
                Action::RequestLock => {
                    self.asked += 1;
                    self.lock_pending = true;
                    prop_assert_eq!(self.asked, 1, "the lock is asked for at most once");
                    prop_assert!(
                        self.somewhere,
                        "the lock is asked for with somewhere to deliver"
                    );
                }
                Action::StartRun => {
                    prop_assert!(
                        self.granted,
                        "a run starts only where this tab holds the lock"
                    );
                    prop_assert!(
                        self.settings_read,
                        "a run starts only once the deployment settings are read"
                    );
                    prop_assert!(!self.timer, "the timer is cleared before a run");
                    self.runs += 1;
                    prop_assert_eq!(self.runs, 1, "never two runs at once");
                    self.kicked_in_run = false;
                }
                Action::ClearTimer => {
                    prop_assert!(self.timer, "only a timer set is cleared");
                    self.timer = false;
                }
                Action::WakeIn(ms) => {
                    prop_assert!(*ms <= LONGEST_WAIT_MS);
                    prop_assert!(!self.timer, "one wake timer at most");
                    self.timer = true;
                }
                Action::Post { endpoint, attempt } => {
                    prop_assert_eq!(attempt.endpoint.as_ref(), Some(endpoint))
                }
                Action::Offer(attempt) => prop_assert!(attempt.endpoint.is_none()),
                Action::Tell(Tell::SignInNeeded { endpoint, .. }) => {
                    let told = self.sign_ins_told.entry(endpoint.clone()).or_default();
                    *told += 1;
                    prop_assert_eq!(*told, 1, "a sign-in is told once per endpoint and token");
                }
                Action::Tell(_) => {}
                Action::ShowRoute(route) => self.shown = *route,
            }
        }
        prop_assert!(!(self.timer && self.runs > 0), "no timer while a run goes");
        Ok(actions)
    }

    /// What must hold between inputs.
    fn check(&self) -> Result<(), TestCaseError> {
        let route = self.courier.route();
        prop_assert_eq!(self.shown, route, "the route shown is the route");
        let expected = match (self.granted, self.asked > 0, &self.endpoint) {
            (true, _, Some(_)) => Route::Endpoint,
            (true, _, None) if self.host_session => Route::Host,
            (true, _, None) => Route::Nowhere,
            (false, true, _) => Route::AnotherTab,
            (false, false, _) => Route::Nowhere,
        };
        prop_assert_eq!(route, expected);
        prop_assert_eq!(self.courier.delivers(), self.granted);
        prop_assert_eq!(self.asked, u32::from(self.somewhere));
        for (url, origin) in ENDPOINTS {
            match self.courier.credentials(url, Some(origin)) {
                Ok(Some(token)) => {
                    let configured = self.endpoint.as_ref().map(CrmEndpoint::origin);
                    prop_assert_eq!(configured, Some(origin), "the token only to its origin");
                    prop_assert_eq!(Some(*token), self.token);
                }
                Ok(None) => prop_assert!(
                    self.token.is_none()
                        || self.endpoint.as_ref().map(CrmEndpoint::origin) != Some(origin)
                ),
                Err(e) => {
                    return Err(TestCaseError::fail(format!(
                        "refused an allowed endpoint: {e:?}"
                    )))
                }
            }
            prop_assert!(self.courier.credentials(url, None).is_err());
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_inputs_keep_every_rule(events in prop::collection::vec(event(), 1..120)) {
        let mut browser = Browser::new();
        for event in events {
            browser.run(event)?;
        }
    }

    /// However the inputs interleave, once the browser has carried out every follow-up and every
    /// run has finished, nothing is left running and a kick would start a run if this tab delivers.
    #[test]
    fn every_run_ends_and_the_courier_settles(events in prop::collection::vec(event(), 1..80)) {
        let mut browser = Browser::new();
        for event in events {
            browser.run(event)?;
        }
        for _ in 0..1_000 {
            if browser.runs == 1 {
                browser.run(Event::FinishRun(Vec::new(), None, false))?;
            } else if !browser.follow_ups.is_empty() {
                browser.run(Event::Continue(0))?;
            } else {
                break;
            }
        }
        prop_assert_eq!(browser.runs, 0);
        prop_assert!(browser.follow_ups.is_empty());
        let actions = browser.feed(Input::Kick)?;
        prop_assert_eq!(
            actions.contains(&Action::StartRun),
            browser.granted && browser.settings_read
        );
    }
}
