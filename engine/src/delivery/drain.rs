//! A backlog draining through the outbox, simulated: how long a queue of completed entries takes
//! to reach a host page that loses some of its acknowledgements, and what it costs in sends (F17:
//! delivered exactly once; issue 12, "delivery you can trust").
//!
//! Why it exists: with one entry in flight at a time, every lost acknowledgement holds the whole
//! line for an attempt timeout, so a backlog of a few hundred calls (a CRM back from an outage, a
//! shared PC reopened after a weekend) took 18 to 30 minutes to drain. The choice of
//! [`RetryPolicy::default`] rests on these figures; `outbox-bench` prints them, and
//! engine/tests/drain.rs pins them.
//!
//! The simulation drives a real [`Outbox`] exactly as the browser does (`due`, `acked`,
//! `next_wake`, an attempt past its deadline counted as failed by `due`), on a simulated clock
//! and seeded randomness, so every run is the same and takes milliseconds whatever the simulated
//! time.

use crate::kernel::SortedMap;

use crate::delivery::outbox::EntryState;
use crate::delivery::outbox::{Acked, AttemptId, IdempotencyKey, Outbox, RetryPolicy, Via};
use crate::kernel::sort::sort_by_key;
use crate::kernel::Millis;
use crate::kernel::{Random, SplitMix64};

/// What to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    /// How many entries are queued at the start, all at once.
    pub entries: usize,
    /// How long the host takes to answer each attempt.
    pub answer_after_ms: Millis,
    /// How many acknowledgements in a thousand are lost on the way back (the host stored the
    /// entry; the widget never hears so).
    pub lost_acks_per_mille: u64,
    /// The outbox's policy.
    pub policy: RetryPolicy,
    /// The seed of both the outbox's randomness and the losses.
    pub seed: u64,
    /// When to stop if the backlog has not drained (a safety net: the simulation always ends).
    pub give_up_after_ms: Millis,
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drained {
    /// When the last entry was delivered, from the start; `None` if not all were by
    /// `give_up_after_ms`.
    pub after_ms: Option<Millis>,
    /// Entries delivered (acknowledged to the outbox).
    pub delivered: usize,
    /// Sends made: attempts the host received.
    pub sends: usize,
    /// Sends of an entry the host had stored already, so acknowledged by it twice or more (the
    /// host keeps the first copy by its key).
    pub duplicates: usize,
    /// Acknowledgements the outbox found already delivered.
    pub repeated_acks: usize,
    /// The most attempts in flight at once.
    pub most_in_flight: usize,
    /// Times an entry was sent while an earlier attempt of it was still in flight (must be 0).
    pub sent_while_in_flight: usize,
    /// Entries neither delivered nor still waiting at the end (must be 0).
    pub lost: usize,
}

/// One answer on its way back to the widget.
struct Answer {
    at: Millis,
    key: IdempotencyKey,
}

/// Runs the simulation. It starts at time 0.
pub fn simulate(backlog: &Backlog) -> Drained {
    let mut drained = Drained {
        after_ms: None,
        delivered: 0,
        sends: 0,
        duplicates: 0,
        repeated_acks: 0,
        most_in_flight: 0,
        sent_while_in_flight: 0,
        lost: 0,
    };
    let Ok(mut outbox) = Outbox::new(backlog.policy) else {
        drained.lost = backlog.entries;
        return drained;
    };
    let mut rng = SplitMix64::new(backlog.seed);
    let mut losses = SplitMix64::new(backlog.seed ^ 0x5EED_1055);
    let mut now: Millis = 0;
    let mut keys = Vec::with_capacity(backlog.entries);
    for i in 0..backlog.entries {
        keys.push(outbox.enqueue(format!("{{\"entry\":{i}}}"), None, now, &mut rng));
    }
    // The host's store: how many times it received each key.
    let mut stored: SortedMap<IdempotencyKey, usize> = SortedMap::new();
    // The attempt last sent of each key, with its deadline.
    let mut sent: SortedMap<IdempotencyKey, (AttemptId, Millis)> = SortedMap::new();
    let mut answers: Vec<Answer> = Vec::new();
    // Each turn of the loop advances the clock or delivers something; the cap only guards
    // against a mistake in the outbox making the loop spin.
    let mut turns = 0usize;
    while drained.delivered < backlog.entries && now <= backlog.give_up_after_ms {
        turns += 1;
        if turns > 10_000_000 {
            break;
        }
        // Answers due by now, in the order they arrive.
        sort_by_key(&mut answers, |a| a.at);
        while answers.first().is_some_and(|a| a.at <= now) {
            let answer = answers.remove(0);
            match outbox.acked(&answer.key, Via::Host, answer.at) {
                Acked::Delivered => {
                    drained.delivered += 1;
                    if drained.delivered == backlog.entries {
                        drained.after_ms = Some(answer.at);
                    }
                }
                Acked::AlreadyDelivered => drained.repeated_acks += 1,
                Acked::UnknownKey | Acked::WrongRoute => {}
            }
        }
        for attempt in outbox.due(now, &mut rng) {
            drained.sends += 1;
            // Nothing but timeouts fails here, so an earlier attempt of the same key must have
            // passed its deadline.
            if sent
                .get(&attempt.key)
                .is_some_and(|(_, deadline)| *deadline > now)
            {
                drained.sent_while_in_flight += 1;
            }
            sent.insert(attempt.key.clone(), (attempt.attempt, attempt.deadline));
            let copies = stored.get_or_insert_with(attempt.key.clone(), || 0);
            *copies += 1;
            if *copies > 1 {
                drained.duplicates += 1;
            }
            let lost = losses.next_u64() % 1_000 < backlog.lost_acks_per_mille;
            if !lost {
                answers.push(Answer {
                    at: now.saturating_add(backlog.answer_after_ms),
                    key: attempt.key,
                });
            }
        }
        let in_flight: Vec<&IdempotencyKey> = outbox
            .entries()
            .iter()
            .filter(|e| matches!(e.state, EntryState::InFlight { .. }))
            .map(|e| &e.key)
            .collect();
        drained.most_in_flight = drained.most_in_flight.max(in_flight.len());
        let next_answer = answers.iter().map(|a| a.at).min();
        let next = match (outbox.next_wake(now), next_answer) {
            (Some(wake), Some(answer)) => wake.min(answer),
            (wake, answer) => match wake.or(answer) {
                Some(at) => at,
                None => break,
            },
        };
        // `next_wake` may say "now" when a place is free but nothing is due yet at this very
        // millisecond; move on by one so the loop always advances.
        now = next.max(now + 1);
    }
    drained.lost = keys
        .iter()
        .filter(|k| !outbox.is_delivered(k) && outbox.entry(k).is_none())
        .count();
    drained
}

/// The backlog of issue 12: 400 entries queued at once, a host answering each attempt after
/// 40 ms, one acknowledgement in ten lost, under `policy`.
pub fn issue_12_backlog(policy: RetryPolicy, seed: u64) -> Backlog {
    Backlog {
        entries: 400,
        answer_after_ms: 40,
        lost_acks_per_mille: 100,
        policy,
        seed,
        give_up_after_ms: 24 * 60 * 60 * 1_000,
    }
}
