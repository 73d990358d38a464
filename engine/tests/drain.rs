//! The backlog of issue 12 (400 entries queued at once, a host answering each attempt after
//! 40 ms, one acknowledgement in ten lost) drains in minutes under the default policy, with every
//! entry delivered, none lost and none in flight twice. The clock is simulated, so these are
//! deterministic figures, not timings.

use incident_engine::delivery::drain::{issue_12_backlog, simulate, Backlog};
use incident_engine::delivery::outbox::RetryPolicy;

const MINUTE: u64 = 60 * 1_000;

fn old_policy() -> RetryPolicy {
    RetryPolicy {
        max_in_flight: 1,
        ..RetryPolicy::default()
    }
}

#[test]
fn the_default_drains_the_backlog_in_minutes_and_keeps_every_rule() {
    for seed in 1..=5 {
        let run = simulate(&issue_12_backlog(RetryPolicy::default(), seed));
        let after = run.after_ms.expect("the backlog drains");
        assert!(after < 10 * MINUTE, "seed {seed}: {after} ms");
        assert_eq!(run.delivered, 400, "seed {seed}");
        assert_eq!(run.lost, 0, "seed {seed}");
        assert_eq!(run.sent_while_in_flight, 0, "seed {seed}");
        assert!(run.most_in_flight <= 8, "seed {seed}");
        // Every repeat answers a lost acknowledgement, and the host keeps the first copy.
        assert_eq!(run.sends, 400 + run.duplicates, "seed {seed}");
        assert_eq!(run.repeated_acks, 0, "seed {seed}");
    }
}

#[test]
fn one_entry_at_a_time_was_several_times_slower_for_the_same_sends() {
    for seed in 1..=3 {
        let old = simulate(&issue_12_backlog(old_policy(), seed));
        let new = simulate(&issue_12_backlog(RetryPolicy::default(), seed));
        let (old_ms, new_ms) = (old.after_ms.unwrap(), new.after_ms.unwrap());
        assert!(old_ms > 15 * MINUTE, "seed {seed}: {old_ms} ms");
        assert!(
            new_ms * 4 < old_ms,
            "seed {seed}: {new_ms} ms against {old_ms} ms"
        );
        assert_eq!(old.lost + new.lost, 0);
        assert_eq!(old.most_in_flight, 1);
    }
}

#[test]
fn without_losses_the_backlog_goes_at_the_speed_of_the_host() {
    let backlog = Backlog {
        lost_acks_per_mille: 0,
        ..issue_12_backlog(RetryPolicy::default(), 1)
    };
    let run = simulate(&backlog);
    // 400 entries, 8 at a time, 40 ms each.
    assert_eq!(run.after_ms, Some(50 * 40));
    assert_eq!((run.sends, run.duplicates), (400, 0));
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let backlog = issue_12_backlog(RetryPolicy::default(), 7);
    assert_eq!(simulate(&backlog), simulate(&backlog));
}
