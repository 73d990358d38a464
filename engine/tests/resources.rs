//! Live unit availability: the pack's statuses, the host's updates, and the units a code needs.

use incident_engine::pack::resources::Availability;
use incident_engine::pack::resources::UnitUpdate;
use incident_engine::pack::UnitStatus;
use incident_engine::parse_pack;

mod support;
use support::council;

fn update(id: &str, status: UnitStatus) -> UnitUpdate {
    UnitUpdate {
        id: id.into(),
        status,
    }
}

#[test]
fn statuses_start_as_the_pack_says_and_follow_the_hosts_updates() {
    let pack = council();
    let mut live = Availability::of(&pack);
    assert_eq!(live.status("hw-1"), Some(UnitStatus::Available));
    assert_eq!(live.status("hw-3"), Some(UnitStatus::Committed));
    let unknown = live.update(&[
        update("hw-1", UnitStatus::Committed),
        update("ghost-9", UnitStatus::Available),
        update("hw-3", UnitStatus::Available),
    ]);
    assert_eq!(unknown, vec!["ghost-9".to_owned()]);
    assert_eq!(live.status("hw-1"), Some(UnitStatus::Committed));
    assert_eq!(live.status("hw-3"), Some(UnitStatus::Available));
    assert_eq!(live.status("ghost-9"), None);
}

#[test]
fn a_codes_units_are_those_of_its_plans_types_readiest_first() {
    let pack = council();
    let code = pack
        .file()
        .codes
        .iter()
        .find(|c| {
            c.response_plan
                .iter()
                .any(|p| p.resource_type == "highways-crew")
        })
        .unwrap()
        .code
        .clone();
    let mut live = Availability::of(&pack);
    let before: Vec<_> = live
        .for_code(&pack, &code)
        .into_iter()
        .map(|u| (u.unit.id, u.status))
        .collect();
    assert!(
        before.iter().all(|(id, _)| id.starts_with("hw-")),
        "{before:?}"
    );
    assert_eq!(before[0], ("hw-1".to_owned(), UnitStatus::Available));
    assert_eq!(before[1], ("hw-2".to_owned(), UnitStatus::Available));
    live.update(&[
        update("hw-1", UnitStatus::OffDuty),
        update("hw-3", UnitStatus::Available),
    ]);
    let after: Vec<_> = live
        .for_code(&pack, &code)
        .into_iter()
        .map(|u| (u.unit.id, u.status))
        .collect();
    assert_eq!(after[0], ("hw-2".to_owned(), UnitStatus::Available));
    assert_eq!(after[1], ("hw-3".to_owned(), UnitStatus::Available));
    assert_eq!(
        after.last().unwrap(),
        &("hw-1".to_owned(), UnitStatus::OffDuty)
    );
    assert!(live.for_code(&pack, "NO-SUCH-CODE").is_empty());
}

#[test]
fn retention_defaults_to_a_day_for_drafts_and_a_week_for_delivered_keys_and_is_bounded() {
    let pack = council();
    let retention = pack.file().retention;
    assert_eq!(
        (
            retention.draft_hours,
            retention.delivered_days,
            retention.undelivered_alert_hours
        ),
        (24, 7, 24)
    );
    assert_eq!(retention.draft_ms(), 86_400_000);
    assert_eq!(retention.delivered_ms(), 7 * 86_400_000);
    assert_eq!(retention.undelivered_alert_ms(), 86_400_000);

    let path = format!(
        "{}/../packs/council-out-of-hours.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    json["retention"] =
        serde_json::json!({"draft_hours": 0, "delivered_days": 400, "undelivered_alert_hours": 0});
    let error = parse_pack(json.to_string().as_bytes())
        .unwrap_err()
        .to_string();
    assert!(error.contains("retention.draft_hours"), "{error}");
    assert!(error.contains("retention.delivered_days"), "{error}");
    assert!(
        error.contains("retention.undelivered_alert_hours"),
        "{error}"
    );
    json["retention"] = serde_json::json!({"draft_hours": 8});
    let pack = parse_pack(json.to_string().as_bytes()).unwrap();
    assert_eq!(pack.file().retention.draft_hours, 8);
    assert_eq!(pack.file().retention.delivered_days, 7);
}

/// The protocol reads a unit's status by its name (`UnitStatus::from_name`), not through serde:
/// the same names serde writes and reads, and nothing else.
#[test]
fn unit_status_names_are_serdes() {
    for status in UnitStatus::ALL {
        let written = serde_json::to_string(&status).unwrap();
        assert_eq!(written, format!("\"{}\"", status.name()));
        assert_eq!(UnitStatus::from_name(status.name()), Some(status));
        assert_eq!(
            serde_json::from_str::<UnitStatus>(&written).unwrap(),
            status
        );
    }
    for other in ["Available", "on-call", "", "off_duty ", "unknown"] {
        assert_eq!(UnitStatus::from_name(other), None, "{other:?}");
        assert!(serde_json::from_str::<UnitStatus>(&format!("\"{other}\"")).is_err());
    }
}
