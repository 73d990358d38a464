//! What the host is told about a call is decided by the engine, as effects (issue 14): the views
//! never send to the host; the browser only carries out these effects.

use incident_engine::call::entry::LogEntry;
use incident_engine::call::{Call, Command, Effect, Proposal, Proposed};
use incident_engine::Pack;

mod support;
use support::council;

const T0: u64 = 1_800_000_000_000;

/// Links `call` to the CRM's call `call_id` (and contact), as a `context.set` does.
fn link(pack: &Pack, call: &mut Call, at: u64, call_id: &str, contact: Option<&str>) {
    call.apply(
        pack,
        at,
        Command::LinkCrm {
            call_id: Some(call_id.into()),
            contact_ref: contact.map(Into::into),
        },
    )
    .unwrap();
}

#[test]
fn a_new_call_starts_under_the_crm_id_when_given_else_the_widgets_own() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", T0);
    assert_eq!(
        call.opening(false, Some("CRM-123")),
        Effect::CallStarted {
            call_id: "CRM-123".into()
        }
    );
    assert_eq!(
        call.opening(false, None),
        Effect::CallStarted {
            call_id: format!("incident-desk-{T0}")
        }
    );
}

#[test]
fn a_restored_call_is_resumed_with_its_crm_link_never_a_new_context() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", T0);
    assert_eq!(
        call.opening(true, Some("CRM-ignored")),
        Effect::CallResumed {
            call_id: format!("incident-desk-{T0}"),
            crm_call: None,
            contact: None,
        }
    );
    // Linked since: resumed again under the id it was resumed under, with its link.
    link(&pack, &mut call, T0 + 1, "CRM-9", Some("C-1"));
    let resumed = Effect::CallResumed {
        call_id: format!("incident-desk-{T0}"),
        crm_call: Some("CRM-9".into()),
        contact: Some("C-1".into()),
    };
    assert_eq!(call.opening(true, None), resumed);
    // A draft saved before the announced id was kept (no `announced_as`): resumed under the CRM
    // id it is linked to.
    let draft = call.to_draft();
    let mut old: serde_json::Value = serde_json::from_str(&draft).unwrap();
    assert!(old
        .as_object_mut()
        .unwrap()
        .remove("announced_as")
        .is_some());
    // One that could not have been told (storage is not trusted) is refused, by where.
    let mut long = old.clone();
    long["announced_as"] = serde_json::Value::from("x".repeat(129));
    let refused = Call::from_draft(&pack, &long.to_string()).unwrap_err();
    assert!(refused.to_string().contains("announced_as"), "{refused}");
    let mut old = Call::from_draft(&pack, &old.to_string()).unwrap();
    assert_eq!(
        old.opening(true, None),
        Effect::CallResumed {
            call_id: "CRM-9".into(),
            crm_call: Some("CRM-9".into()),
            contact: Some("C-1".into()),
        }
    );
}

#[test]
fn a_resumed_call_is_announced_under_the_id_it_started_with() {
    let pack = council();
    let own = format!("incident-desk-{T0}");
    // Started under the widget's own id; the CRM's context came only during the call.
    let mut call = Call::open(&pack, "agent-7", T0);
    assert_eq!(
        call.opening(false, None),
        Effect::CallStarted {
            call_id: own.clone()
        }
    );
    link(&pack, &mut call, T0 + 5_000, "CRM-9", None);
    let mut restored = Call::from_draft(&pack, &call.to_draft()).unwrap();
    assert_eq!(
        restored.opening(true, None),
        Effect::CallResumed {
            call_id: own,
            crm_call: Some("CRM-9".into()),
            contact: None,
        }
    );
    // Started under the CRM's id: resumed under it.
    let mut call = Call::open(&pack, "agent-7", T0);
    call.opening(false, Some("CRM-1"));
    link(&pack, &mut call, T0 + 1, "CRM-1", Some("C-1"));
    let mut restored = Call::from_draft(&pack, &call.to_draft()).unwrap();
    assert_eq!(
        restored.opening(true, Some("CRM-ignored")),
        Effect::CallResumed {
            call_id: "CRM-1".into(),
            crm_call: Some("CRM-1".into()),
            contact: Some("C-1".into()),
        }
    );
}

#[test]
fn each_level_proposed_is_told_once_per_call_in_the_order_proposed() {
    let proposal = |level: &str, reason: &str| Proposal {
        level: level.into(),
        reason: reason.into(),
    };
    let mut told = Proposed::default();
    assert_eq!(told.newly(&[]), vec![]);
    assert_eq!(
        told.newly(&[
            proposal("duty-supervisor", "P1"),
            proposal("on-call-manager", "major")
        ]),
        vec![
            Effect::EscalationProposed {
                level: "duty-supervisor".into(),
                reason: "P1".into()
            },
            Effect::EscalationProposed {
                level: "on-call-manager".into(),
                reason: "major".into()
            },
        ]
    );
    // Proposed again (every tick recomputes the proposals), or for another reason: not again.
    assert_eq!(
        told.newly(&[proposal("duty-supervisor", "vulnerable caller")]),
        vec![]
    );
    assert_eq!(
        told.newly(&[proposal("emergency-planning", "major incident")]),
        vec![Effect::EscalationProposed {
            level: "emergency-planning".into(),
            reason: "major incident".into()
        }]
    );
}

#[test]
fn closing_completes_with_the_entry_the_host_receives() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", T0);
    for (i, q) in pack.file().safety_net.iter().enumerate() {
        call.apply(
            &pack,
            T0 + i as u64,
            Command::SafetyNet {
                question: q.id.clone(),
                yes: false,
            },
        )
        .unwrap();
    }
    // Refused closes complete nothing.
    assert!(call
        .apply(&pack, T0 + 100, Command::Close { prior: vec![] })
        .is_err());
    let mut copy = call.clone();
    // What a close needs is not this test's business: take the shortest route the engine allows.
    let effects = loop {
        match copy.apply(&pack, T0 + 200, Command::Close { prior: vec![] }) {
            Ok(effects) => break effects,
            Err(incident_engine::call::Refusal::MissingFields(missing)) => {
                for m in missing {
                    satisfy(&pack, &mut copy, m);
                }
            }
            Err(other) => panic!("{other:?}"),
        }
    };
    assert_eq!(
        effects,
        vec![Effect::Completed {
            entry: LogEntry::of(&pack, &copy).to_json()
        }]
    );
}

/// Does what a missing item asks, the simplest way.
fn satisfy(pack: &Pack, call: &mut Call, missing: incident_engine::call::Missing) {
    use incident_engine::call::Missing;
    let command = match missing {
        Missing::Field(field) => Command::SetField {
            field,
            value: "x".into(),
        },
        Missing::Code => Command::OverrideCode {
            code: "GN-INF-01".into(),
            priority: pack
                .file()
                .codes
                .iter()
                .find(|c| c.code == "GN-INF-01")
                .map(|c| c.default_priority.clone())
                .unwrap(),
            reason: "information call".into(),
        },
        Missing::Explanation(deviation) => Command::ExplainDeviation {
            deviation,
            reason: "not needed on this call".into(),
        },
        other => panic!("not expected on an information call: {other:?}"),
    };
    call.apply(pack, T0 + 150, command).unwrap();
}
