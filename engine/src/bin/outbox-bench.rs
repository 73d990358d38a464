//! Prints how long the backlog of issue 12 (400 entries queued at once, a host answering each
//! attempt after 40 ms, one acknowledgement in ten lost) takes to drain under the old policy (one
//! entry in flight) and the current default, in simulated time, with the sends it costs. See
//! `incident_engine::delivery::drain`.
//!
//! `outbox-bench [SEEDS]` runs each policy with seeds 1..=SEEDS (5 unless given) and prints each
//! run and the worst.

use incident_engine::delivery::drain::{issue_12_backlog, simulate};
use incident_engine::delivery::outbox::RetryPolicy;

fn main() {
    let seeds: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let old = RetryPolicy {
        max_in_flight: 1,
        attempt_timeout_ms: 30_000,
        ..RetryPolicy::default()
    };
    let mut policies = vec![
        ("old default (1 in flight, 30 s timeout)".to_owned(), old),
        (
            format!(
                "current default ({} in flight, {} s timeout)",
                RetryPolicy::default().max_in_flight,
                RetryPolicy::default().attempt_timeout_ms / 1_000
            ),
            RetryPolicy::default(),
        ),
    ];
    for (in_flight, timeout_s) in [(4, 30), (8, 15), (16, 30), (16, 15)] {
        policies.push((
            format!("{in_flight} in flight, {timeout_s} s timeout"),
            RetryPolicy {
                max_in_flight: in_flight,
                attempt_timeout_ms: timeout_s * 1_000,
                ..RetryPolicy::default()
            },
        ));
    }
    for (name, policy) in policies {
        println!("{name}");
        let mut worst = 0;
        for seed in 1..=seeds {
            let run = simulate(&issue_12_backlog(policy, seed));
            let after = run.after_ms.map_or("did not drain".to_owned(), |ms| {
                format!("{:.1} s", ms as f64 / 1_000.0)
            });
            worst = worst.max(run.after_ms.unwrap_or(u64::MAX));
            println!(
                "  seed {seed}: drained in {after}; {} sends, {} duplicates, {} repeated acks, at most {} in flight, {} sent while in flight, {} lost",
                run.sends,
                run.duplicates,
                run.repeated_acks,
                run.most_in_flight,
                run.sent_while_in_flight,
                run.lost
            );
        }
        println!("  worst: {:.1} s", worst as f64 / 1_000.0);
    }
}
