//! Handoff messages from one gas call, in every channel of the default pack.

use incident_engine::call::{AnswerValue, Call, Command};
use incident_engine::handoff::compose;
use incident_engine::pack::LogField;
use incident_engine::parse_pack;

#[test]
fn one_log_every_channel_in_its_own_conventions() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../packs/council-out-of-hours.json"
    );
    let pack = parse_pack(&std::fs::read(path).unwrap()).unwrap();
    let mut call = Call::open(&pack, "agent-7", 0);
    let commands = [
        Command::ChooseTree { tree: "gas-smell".into() },
        Command::Answer { node: "q-where".into(), value: AnswerValue::Option("outside".into()) },
        Command::Answer { node: "q-street".into(), value: AnswerValue::YesNo(true) },
        Command::SetField { field: LogField::Location, value: "Junction of Mill Lane and Station Road, Northbridge".into() },
        Command::SetField {
            field: LogField::Narrative,
            value: "Strong smell of gas near a damaged pavement; digger on site. ETA of gas engineer unknown".into(),
        },
        Command::SetField { field: LogField::Hazards, value: "Traffic; possible ignition sources".into() },
        Command::SetField { field: LogField::VehicleRegistration, value: "NB24 XYZ".into() },
        Command::SetField { field: LogField::CallbackNumber, value: "07700 900123".into() },
    ];
    for command in commands {
        call.apply(&pack, 1, command).unwrap();
    }
    let channel = |id: &str| pack.file().channels.iter().find(|c| c.id == id).unwrap();

    let radio = compose(&pack, &call, channel("radio"), Some("HW1"));
    assert!(
        radio
            .text
            .starts_with("HW1 (Hotel Whiskey One), this is Control. Priority P1"),
        "{}",
        radio.text
    );
    assert!(
        radio
            .text
            .contains("NB24 XYZ (November Bravo Two Four X-ray Yankee Zulu)"),
        "{}",
        radio.text
    );
    assert!(radio.text.ends_with("Please acknowledge. Over."));
    assert_eq!(radio.replaced, ["ETA"]);
    assert!(
        radio.text.contains("expected arrival time of gas engineer"),
        "{}",
        radio.text
    );

    let sms = compose(&pack, &call, channel("sms"), None);
    assert_eq!(sms.limit, Some(160));
    assert!(sms.length <= 160, "{} chars: {}", sms.length, sms.text);
    assert!(sms.shortened);
    assert!(sms.text.starts_with("P1 UT-GAS-01 "), "{}", sms.text);
    assert!(
        !sms.text.contains("November Bravo"),
        "SMS is not spelt phonetically: {}",
        sms.text
    );

    let methane = compose(&pack, &call, channel("major-incident"), None);
    let letters: Vec<&str> = methane.text.lines().map(|l| &l[..1]).collect();
    assert_eq!(letters, ["M", "E", "T", "H", "A", "N", "E"]);

    let data = compose(&pack, &call, channel("data"), None);
    let json: serde_json::Value =
        serde_json::from_str(&data.text).expect("data channel sends JSON");
    assert_eq!(json["code"], "UT-GAS-01");
    assert_eq!(json["vehicle_registration"], "NB24 XYZ");

    let email = compose(&pack, &call, channel("email"), None);
    assert!(email.text.contains("Callback: 07700 900123"));
}
