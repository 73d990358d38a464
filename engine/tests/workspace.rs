//! The call bar's next step and flags (issue 13), along a gas call with a vulnerable caller in the
//! council pack: the life-safety advice comes before anything else once due, an escalation waiting
//! for a decision comes before the assessment goes on, and the flags say what must stay in view.

use incident_engine::call::workspace::{flags, next_step, NextStep};
use incident_engine::call::{AnswerValue, Call, Command, PriorCall};
use incident_engine::pack::LogField;
use incident_engine::Pack;

mod support;
use support::council;

const T0: u64 = 1_800_000_000_000;

fn apply(call: &mut Call, pack: &Pack, command: Command) {
    call.apply(pack, T0 + 1_000, command).unwrap();
}

fn safety(call: &mut Call, pack: &Pack, question: &str, yes: bool) {
    apply(
        call,
        pack,
        Command::SafetyNet {
            question: question.into(),
            yes,
        },
    );
}

fn step(call: &Call, pack: &Pack) -> NextStep {
    next_step(call, pack, T0 + 2_000, &[])
}

fn give(call: &mut Call, pack: &Pack, item: &str) {
    apply(call, pack, Command::GiveAdvice { item: item.into() });
}

#[test]
fn the_next_step_follows_a_gas_call_with_a_vulnerable_caller() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", T0);
    assert_eq!(
        step(&call, &pack),
        NextStep::AskSafety {
            question: "sn-danger".into()
        }
    );
    for (question, yes) in [
        ("sn-danger", false),
        ("sn-threat", false),
        ("sn-vulnerable", true),
        ("sn-worse", false),
        ("sn-repeat", false),
        ("sn-access", false),
    ] {
        safety(&mut call, &pack, question, yes);
    }
    let bar = flags(&call, &pack, T0 + 2_000, &[]);
    assert!(bar.vulnerable);
    assert!(!bar.repeat_caller() && !bar.major_incident);
    // The vulnerable caller is proposed to the duty supervisor: decided before going on.
    let pending = bar.escalation_pending.clone();
    assert!(!pending.is_empty(), "a vulnerable caller is escalated");
    assert_eq!(
        step(&call, &pack),
        NextStep::DecideEscalation {
            level: pending[0].clone()
        }
    );
    apply(
        &mut call,
        &pack,
        Command::DeclineEscalation {
            level: pending[0].clone(),
            why: "Supervisor already on the line".into(),
        },
    );
    assert!(flags(&call, &pack, T0 + 2_000, &[])
        .escalation_pending
        .is_empty());
    assert_eq!(step(&call, &pack), NextStep::RecordLocation);
    apply(
        &mut call,
        &pack,
        Command::SetField {
            field: LogField::Location,
            value: "14 Mill Lane, Northbridge".into(),
        },
    );
    assert_eq!(step(&call, &pack), NextStep::Assess);
    apply(
        &mut call,
        &pack,
        Command::ChooseTree {
            tree: "gas-smell".into(),
        },
    );
    // The tree's give-now advice comes before its first question.
    assert_eq!(
        step(&call, &pack),
        NextStep::GiveNow {
            item: "adv-gas-no-spark".into()
        }
    );
    give(&mut call, &pack, "adv-gas-no-spark");
    assert_eq!(
        step(&call, &pack),
        NextStep::Answer {
            node: "q-where".into()
        }
    );
    apply(
        &mut call,
        &pack,
        Command::Answer {
            node: "q-where".into(),
            value: AnswerValue::Option("inside".into()),
        },
    );
    // Reaching "has everyone left?" makes its advice due at once.
    let NextStep::GiveNow { item } = step(&call, &pack) else {
        panic!("expected give-now advice, got {:?}", step(&call, &pack));
    };
    assert_eq!(item, "adv-gas-windows");
    for item in call
        .advice_due(&pack)
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()
    {
        give(&mut call, &pack, &item);
    }
    assert_eq!(
        step(&call, &pack),
        NextStep::Answer {
            node: "q-out".into()
        }
    );
}

#[test]
fn a_third_call_about_the_same_place_is_a_repeat_caller() {
    let pack = council();
    let prior = vec![
        PriorCall {
            at: T0 - 3_600_000,
            callback: "07700 900123".into(),
            location: String::new(),
        },
        PriorCall {
            at: T0 - 60_000,
            callback: "07700900123".into(),
            location: String::new(),
        },
    ];
    let mut call = Call::open(&pack, "agent-7", T0);
    assert!(!flags(&call, &pack, T0, &prior).repeat_caller());
    call.apply(
        &pack,
        T0,
        Command::SetField {
            field: LogField::CallbackNumber,
            value: "07700 900 123".into(),
        },
    )
    .unwrap();
    let bar = flags(&call, &pack, T0, &prior);
    assert_eq!(bar.calls_about_this, 3);
    assert!(bar.repeat_caller());
    // Calls from long ago do not count.
    assert!(!flags(&call, &pack, T0 + 5 * 86_400_000, &prior).repeat_caller());
}
