//! A call is linked to the CRM's records once (issue 12): a second `context.set` for another call
//! is refused, so one call's log never takes another call's records; the same link again changes
//! nothing; the entry carries the link.

use incident_engine::call::entry::LogEntry;
use incident_engine::call::{Call, Command, Event, Refusal};

mod support;
use support::council as pack;

const T0: u64 = 1_800_000_000_000;

fn link(call_id: Option<&str>, contact_ref: Option<&str>) -> Command {
    Command::LinkCrm {
        call_id: call_id.map(str::to_owned),
        contact_ref: contact_ref.map(str::to_owned),
    }
}

fn links(call: &Call) -> usize {
    call.log()
        .iter()
        .filter(|e| matches!(e.what, Event::CrmLinked { .. }))
        .count()
}

#[test]
fn a_call_is_linked_once_and_another_calls_context_is_refused() {
    let pack = pack();
    let mut call = Call::open(&pack, "agent-1", T0);
    assert_eq!(call.crm_link(), None);
    call.apply(&pack, T0 + 1, link(Some("crm-1"), Some("contact-9")))
        .unwrap();
    assert_eq!(call.crm_link(), Some((Some("crm-1"), Some("contact-9"))));

    let refused = call
        .apply(&pack, T0 + 2, link(Some("crm-2"), None))
        .unwrap_err();
    assert_eq!(
        refused,
        Refusal::AlreadyLinked("call crm-1, contact contact-9".into())
    );
    // A contact reference that differs is another call's too.
    assert!(matches!(
        call.apply(&pack, T0 + 3, link(None, Some("contact-10"))),
        Err(Refusal::AlreadyLinked(_))
    ));
    assert_eq!(call.crm_link(), Some((Some("crm-1"), Some("contact-9"))));
    assert_eq!(links(&call), 1);
}

#[test]
fn the_same_link_again_logs_nothing_and_the_entry_carries_the_link() {
    let pack = pack();
    let mut call = Call::open(&pack, "agent-1", T0);
    call.apply(&pack, T0 + 1, link(Some("crm-1"), None))
        .unwrap();
    let effects = call
        .apply(&pack, T0 + 2, link(Some("crm-1"), None))
        .unwrap();
    assert!(effects.is_empty());
    call.apply(&pack, T0 + 3, link(None, None)).unwrap();
    assert_eq!(links(&call), 1);
    let entry = LogEntry::of(&pack, &call).to_json();
    assert!(entry.contains("\"crm\":{\"call_id\":\"crm-1\""), "{entry}");
}

#[test]
fn a_link_survives_the_draft() {
    let pack = pack();
    let mut call = Call::open(&pack, "agent-1", T0);
    call.apply(&pack, T0 + 1, link(Some("crm-1"), Some("c-1")))
        .unwrap();
    let back = Call::from_draft(&pack, &call.to_draft()).unwrap();
    assert_eq!(back.crm_link(), Some((Some("crm-1"), Some("c-1"))));
}
