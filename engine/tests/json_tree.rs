//! The tree reader (`kernel::json_tree`) against serde_json's own reader, the oracle: for the
//! shipped packs and thousands of damaged copies of them (a value of another type, a key taken
//! away, a key added, a variant renamed, text cut short), both read the same value, or fail with
//! the same message at the same JSON path, line and column.

use incident_engine::call::Event;
use incident_engine::kernel::json_path::ReadFailure;
use incident_engine::kernel::json_tree;
use incident_engine::kernel::{Random, SplitMix64};

fn below(random: &mut SplitMix64, n: usize) -> usize {
    (random.next_u64() % n as u64) as usize
}
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::fmt::Debug;
use std::path::PathBuf;

/// serde_json as the widget used it: text that is not JSON is refused as such (the first syntax
/// error, wherever a typed read would have stopped), then the typed read.
fn oracle<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ReadFailure> {
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(ReadFailure::of(bytes, &e));
    }
    serde_json::from_slice(bytes).map_err(|e| ReadFailure::of(bytes, &e))
}

fn same<T: DeserializeOwned + PartialEq + Debug>(bytes: &[u8], what: &str) {
    same_as(json_tree::read::<T>(bytes), bytes, what);
}

/// The hand-written pack reader against the derive.
fn same_pack(bytes: &[u8], what: &str) {
    let ours = incident_engine::pack::read_pack_file(bytes);
    // A struct (or an answer) written as a list: serde reads it field by field, and may even
    // accept it; the hand reader refuses it as not an object, as the published schema says
    // (nobody writes a pack so).
    if let Err(a) = &ours {
        let as_list = ["struct ", "internally tagged "]
            .map(|what| format!("invalid type: sequence, expected {what}"));
        if as_list.iter().any(|m| a.message.starts_with(m.as_str())) {
            return;
        }
        // Inside a question's answer the derive reads buffered content and names only the
        // answer; ours names the mistake itself (issue 15): the same message, at a place inside.
        if let Err(b) = oracle::<incident_engine::pack::PackFile>(bytes) {
            if b.path.ends_with(".answer") && a.path.starts_with(&b.path) && a.path != b.path {
                assert_eq!(a.message, b.message, "{what}: inside an answer");
                return;
            }
        }
    }
    same_as(ours, bytes, what);
}

fn same_as<T: DeserializeOwned + PartialEq + Debug>(
    ours: Result<T, ReadFailure>,
    bytes: &[u8],
    what: &str,
) {
    let theirs = oracle::<T>(bytes);
    assert_eq!(
        ours,
        theirs,
        "{what}: the tree reader and serde_json disagree on:\n{}",
        String::from_utf8_lossy(bytes)
    );
}

fn shipped(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../packs/{name}"));
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Every place in `value`: the JSON pointer of each value.
fn places(value: &Value, here: String, out: &mut Vec<String>) {
    out.push(here.clone());
    match value {
        Value::Object(members) => {
            for (k, v) in members {
                places(
                    v,
                    format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                places(v, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// A value of each kind JSON has, to put where another was.
fn other_values() -> Vec<Value> {
    vec![
        json!(42),
        json!(-7),
        json!(2.5),
        json!("text"),
        json!(true),
        json!(null),
        json!([]),
        json!({}),
    ]
}

/// `value` damaged in one place, chosen by `random`.
fn damaged(value: &Value, random: &mut SplitMix64) -> Value {
    let mut all = Vec::new();
    places(value, String::new(), &mut all);
    let mut copy = value.clone();
    let place = &all[below(random, all.len())];
    let mut replacements = other_values();
    replacements.extend([
        json!(["a", 1]),
        json!({"type": "closed"}),
        json!(18446744073709551615u64),
    ]);
    let target = copy.pointer_mut(place).unwrap();
    match below(random, 4) {
        // A key taken away, or one added.
        0 if target.is_object() => {
            let object = target.as_object_mut().unwrap();
            let keys: Vec<String> = object.keys().cloned().collect();
            if keys.is_empty() || below(random, 2) == 0 {
                object.insert("zz_unknown".into(), json!(1));
            } else {
                object.remove(&keys[below(random, keys.len())]);
            }
        }
        // A string changed (an enum's variant renamed, an id).
        1 if target.is_string() => *target = json!("no_such_variant"),
        _ => *target = replacements[below(random, replacements.len())].clone(),
    }
    copy
}

/// `rounds` copies of `value`, each damaged in one place by `random`, as JSON text: pretty and
/// compact in turn (the places of an error differ between them).
fn damaged_texts(value: &Value, random: &mut SplitMix64, rounds: usize) -> Vec<String> {
    (0..rounds)
        .map(|round| {
            let broken = damaged(value, random);
            if round % 2 == 0 {
                serde_json::to_string_pretty(&broken).unwrap()
            } else {
                serde_json::to_string(&broken).unwrap()
            }
        })
        .collect()
}

#[test]
fn the_shipped_packs_read_the_same() {
    for name in ["council-out-of-hours.json", "housing-repairs.json"] {
        let pack = shipped(name);
        same_pack(serde_json::to_string(&pack).unwrap().as_bytes(), name);
        same_pack(
            serde_json::to_string_pretty(&pack).unwrap().as_bytes(),
            name,
        );
    }
}

#[test]
fn damaged_packs_fail_the_same_way() {
    let mut random = SplitMix64::new(14);
    for name in ["council-out-of-hours.json", "housing-repairs.json"] {
        let pack = shipped(name);
        for (round, text) in damaged_texts(&pack, &mut random, 300).iter().enumerate() {
            same_pack(text.as_bytes(), &format!("{name} round {round}"));
        }
    }
}

#[test]
fn text_cut_short_or_not_json_fails_the_same_way() {
    let text = serde_json::to_string_pretty(&shipped("housing-repairs.json")).unwrap();
    let mut random = SplitMix64::new(7);
    for _ in 0..300 {
        let cut = below(&mut random, text.len());
        if text.is_char_boundary(cut) {
            same_pack(&text.as_bytes()[..cut], &format!("cut at {cut}"));
        }
    }
    for bad in NOT_JSON {
        same_pack(bad.as_bytes(), bad);
    }
}

/// Text serde_json refuses, each a different way.
const NOT_JSON: [&str; 11] = [
    "",
    " ",
    "{",
    "[1,]",
    "{\"a\" 1}",
    "nul",
    "01",
    "\"\\x\"",
    "1e999",
    "{}x",
    "\"\u{1}\"",
];

#[test]
fn events_read_the_same() {
    let events = json!([
        {"type": "opened", "pack": "p", "version": "1"},
        {"type": "field", "field": "location", "value": "Mill Lane"},
        {"value": {"kind": "number", "value": 12.5}, "type": "answered", "node": "q", "question": "How deep?"},
        {"type": "answered", "node": "q", "question": "Q", "value": {"kind": "option", "value": "yes"}},
        {"type": "escalated", "level": "l", "how": "phone", "why": "w"},
        {"type": "crm_linked", "call_id": null, "contact_ref": "c"},
        {"type": "closed"},
        {"type": "teleported"},
        {"type": "coded", "code": "A", "priority": "P1", "reason": "r"},
        {"type": "field", "field": "shoe_size", "value": "9"},
        {"type": "answered", "node": "q", "question": "Q", "value": {"kind": "number", "value": "deep"}},
        {"type": "closed", "extra": 1},
        {"kind": "closed"},
        "closed",
        42,
    ]);
    for event in events.as_array().unwrap() {
        for text in [
            serde_json::to_string(event).unwrap(),
            serde_json::to_string_pretty(event).unwrap(),
        ] {
            same::<Event>(text.as_bytes(), &text);
            same::<Vec<Event>>(format!("[{text}]").as_bytes(), &text);
        }
    }
}

/// One difference, on purpose: a list item whose content is checked after it was read (an event's
/// fields, once its `type` is known) fails at that item. serde_json places it past the comma that
/// follows, so its path names the next item.
#[test]
fn a_failing_item_of_a_list_is_named_not_the_next_one() {
    let text =
        r#"[{"type": "coded", "code": "A", "priority": "P1", "reason": "r"}, {"type": "closed"}]"#;
    let ours = json_tree::read::<Vec<Event>>(text.as_bytes()).unwrap_err();
    let theirs = oracle::<Vec<Event>>(text.as_bytes()).unwrap_err();
    assert_eq!(ours.message, "missing field `overridden`");
    assert_eq!(ours.message, theirs.message);
    assert_eq!((ours.path.as_str(), theirs.path.as_str()), ("[0]", "[1]"));
}

#[test]
fn escapes_and_numbers_read_the_same() {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Sample {
        text: String,
        whole: u64,
        negative: i64,
        float: f64,
        any: Value,
    }
    for text in [
        r#"{"text": "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00", "whole": 18446744073709551615, "negative": -9223372036854775808, "float": 0.1, "any": [-0, 1e3, -1.5E-3, 1.7976931348623157e308]}"#,
        r#"{"text": "é😀", "whole": 0, "negative": 0, "float": -0.0, "any": {"nested": [[[]]]}}"#,
        r#"{"text": "x", "whole": -1, "negative": 0, "float": 1, "any": null}"#,
        r#"{"text": "x", "whole": 1.5, "negative": 0, "float": 1, "any": null}"#,
        r#"{"text": "x", "whole": 18446744073709551616, "negative": 0, "float": 1, "any": null}"#,
        r#"{"text": "x", "whole": 1, "negative": 9223372036854775808, "float": 1, "any": null}"#,
    ] {
        same::<Sample>(text.as_bytes(), text);
    }
}

/// Every kind of event, valid.
fn all_events() -> Vec<Value> {
    let answer = json!({"kind": "option", "value": "yes"});
    vec![
        json!({"type": "opened", "pack": "p", "version": "1"}),
        json!({"type": "field", "field": "location", "value": "Mill Lane"}),
        json!({"type": "tree_chosen", "tree": "t"}),
        json!({"type": "answered", "node": "q", "question": "Q?", "value": {"kind": "number", "value": 12.5}}),
        json!({"type": "answer_revised", "node": "q", "question": "Q?", "value": answer, "withdrawn": {"code": "A", "priority": "P1"}}),
        json!({"type": "answer_revised", "node": "q", "question": "Q?", "value": {"kind": "yes_no", "value": true}, "withdrawn": null}),
        json!({"type": "coded", "code": "A", "priority": "P1", "reason": "r", "overridden": false}),
        json!({"type": "advice_given", "item": "a-1", "text": "Leave now"}),
        json!({"type": "advice_given", "item": null, "text": "Free"}),
        json!({"type": "advice_refused", "limit": "l"}),
        json!({"type": "escalated", "level": "l", "how": "phone", "why": "w", "contact": "Jo", "response": "ok"}),
        json!({"type": "escalated", "level": "l", "how": "phone", "why": "w"}),
        json!({"type": "corrected", "field": "caller_name", "value": "Ada", "reason": "typo"}),
        json!({"type": "escalation_declined", "level": "l", "why": "w"}),
        json!({"type": "notified", "organisation": "o", "channel": "c", "address": "a", "reference": "r", "spoken_to": "s"}),
        json!({"type": "handoff_sent", "channel": "c", "recipient": "r", "text": "t", "read_back": true}),
        json!({"type": "checklist_ticked", "item": "i"}),
        json!({"type": "safety_net_answered", "question": "q", "asked": "a", "yes": true}),
        json!({"type": "priority_raised", "from": "P3", "to": "P1", "reason": "r"}),
        json!({"type": "major_incident_declared", "reason": "r", "access": "a", "services": "s"}),
        json!({"type": "crm_linked", "call_id": "c", "contact_ref": null}),
        json!({"type": "deviation_explained", "deviation": "d", "reason": "r"}),
        json!({"type": "closed"}),
    ]
}

/// The hand-written event reader (`call::event_reader`) against the derive: the same events, and
/// the same message for each refusal (the place may differ: the hand reader names the value, the
/// derive, reading through buffered content, often cannot).
fn same_event(text: &str) {
    let ours = incident_engine::call::event_reader::read(text.as_bytes());
    let theirs = oracle::<Event>(text.as_bytes());
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
        (Err(a), Err(b)) => assert_eq!(a.message, b.message, "{text}"),
        _ => panic!("{text}: the hand reader says {ours:?}, the derive {theirs:?}"),
    }
}

#[test]
fn the_event_reader_reads_as_the_derive_does() {
    let mut replacements = other_values();
    replacements.extend([
        json!({"kind": "text", "value": "x"}),
        json!({"code": "A"}),
        json!("location"),
    ]);
    let mut checked = 0;
    for event in all_events() {
        let object = event.as_object().unwrap();
        same_event(&event.to_string());
        let mut extra = object.clone();
        extra.insert("zz".into(), json!(1));
        same_event(&Value::Object(extra).to_string());
        for key in object.keys() {
            let mut without = object.clone();
            without.remove(key);
            same_event(&Value::Object(without).to_string());
            for replacement in &replacements {
                let mut changed = object.clone();
                changed.insert(key.clone(), replacement.clone());
                same_event(&Value::Object(changed.clone()).to_string());
                checked += 1;
            }
            // The same key twice, the second time with another value.
            let text = event.to_string();
            let twice = format!("{}, \"{key}\": {}}}", &text[..text.len() - 1], json!(null));
            same_event(&twice);
        }
    }
    for text in [
        "42",
        "[]",
        "null",
        "\"closed\"",
        "{}",
        "{\"kind\": \"closed\"}",
        "{\"type\": 5}",
    ] {
        same_event(text);
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn the_event_reader_names_the_value_at_fault() {
    let draft_like =
        r#"{"type": "coded", "code": 5, "priority": "P1", "reason": "r", "overridden": false}"#;
    let failure = incident_engine::call::event_reader::read(draft_like.as_bytes()).unwrap_err();
    assert_eq!(failure.path, "code");
    assert_eq!(
        failure.message,
        "invalid type: integer `5`, expected a string"
    );
    let missing = r#"{"type": "coded", "code": "A", "priority": "P1", "reason": "r"}"#;
    let failure = incident_engine::call::event_reader::read(missing.as_bytes()).unwrap_err();
    assert_eq!(
        (failure.path.as_str(), failure.message.as_str()),
        ("", "missing field `overridden`")
    );
}

/// The hand-written draft reader against the draft's derive, over damaged copies of a saved call:
/// the same draft, or the same refusal at the same place (a struct written as a list aside, as
/// for packs).
#[test]
fn damaged_drafts_fail_the_same_way() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/drafts/gas-coded-before-revisions.json");
    let draft: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let agree =
        |text: &str| match incident_engine::call::draft::draft_readers_agree(text.as_bytes()) {
            Ok(()) => {}
            Err(e)
                if e.starts_with("by hand: Err(ReadFailure")
                    && e.contains("invalid type: sequence, expected") => {}
            Err(e) => panic!("{e}\n{text}"),
        };
    agree(&serde_json::to_string(&draft).unwrap());
    for text in damaged_texts(&draft, &mut SplitMix64::new(9), 600) {
        agree(&text);
    }
}

/// The hand-written outbox reader against `Outbox`'s derive, over damaged copies of a stored
/// outbox with an entry in each state, a route and a tombstone: the same outbox, or the same
/// refusal at the same place (a struct written as a list aside, as for packs).
#[test]
fn damaged_outboxes_fail_the_same_way() {
    use incident_engine::delivery::outbox::{outbox_readers_agree, Outbox};
    let mut outbox: Value = serde_json::from_str(&Outbox::default().to_json()).unwrap();
    outbox["entries"] = json!([
        {"key": "0b8e7c1a-4f2d-4c3b-9a1e-2d3c4b5a6f70", "payload": "{\"call_id\":\"a\"}",
         "enqueued_at": 1000, "attempts": 0, "last_failure": null,
         "state": {"is": "pending", "since": 1000, "due_at": 1500}},
        {"key": "1c9f8d2b-5a3e-4d4c-8b2f-3e4d5c6b7a81", "payload": "{}", "enqueued_at": 1001,
         "attempts": 1, "last_failure": "no answer",
         "state": {"is": "in_flight", "attempt": 3, "started_at": 1100, "deadline": 31100},
         "endpoint": "https://crm.example/entries"},
        {"key": "2d0a9e3c-6b4f-4e5d-9c3a-4f5e6d7c8b92", "payload": "{}", "enqueued_at": 1002,
         "attempts": 2, "last_failure": "HTTP 422",
         "state": {"is": "dead_letter", "reason": "HTTP 422: refused", "at": 1200}}
    ]);
    outbox["tombstones"] = json!({"3e1b0f4d-7c5a-4f6e-8d4b-5a6f7e8d9ca3": 900});
    outbox["next_attempt"] = json!(5);
    let agree = |text: &str| match outbox_readers_agree(text.as_bytes()) {
        Ok(()) => {}
        Err(e) if e.starts_with("by hand: Err(\"invalid type: sequence, expected") => {}
        Err(e) => panic!("{e}\n{text}"),
    };
    let text = serde_json::to_string(&outbox).unwrap();
    assert!(
        Outbox::from_json(&text).is_ok(),
        "{:?}",
        Outbox::from_json(&text)
    );
    agree(&text);
    for damaged in damaged_texts(&outbox, &mut SplitMix64::new(14), 800) {
        agree(&damaged);
    }
    for cut in [1, 10, text.len() / 2, text.len() - 1] {
        agree(&text[..cut]);
    }
}

/// `json_tree::read_value` (the protocol's, the deployment settings' and the endpoint answer's
/// reader) against serde_json's own `Value` reader: the same value, or the same refusal at the same
/// line and column, for the shipped packs, hundreds of damaged and cut copies, and the edge cases.
#[test]
fn read_value_reads_as_serde_json_does() {
    let check = |bytes: &[u8], what: &str| {
        let ours = json_tree::read_value(bytes).map_err(|e| (e.line, e.column));
        let theirs = oracle::<Value>(bytes).map_err(|e| (e.line, e.column));
        assert_eq!(
            ours,
            theirs,
            "{what}: read_value and serde_json disagree on:\n{}",
            String::from_utf8_lossy(bytes)
        );
    };
    let mut random = SplitMix64::new(21);
    for name in ["council-out-of-hours.json", "housing-repairs.json"] {
        let pack = shipped(name);
        check(serde_json::to_string(&pack).unwrap().as_bytes(), name);
        for (round, text) in damaged_texts(&pack, &mut random, 100).iter().enumerate() {
            check(text.as_bytes(), &format!("{name} round {round}"));
        }
        let text = serde_json::to_string_pretty(&pack).unwrap();
        for _ in 0..100 {
            let cut = below(&mut random, text.len());
            if text.is_char_boundary(cut) {
                check(&text.as_bytes()[..cut], &format!("{name} cut at {cut}"));
            }
        }
    }
    let nested = |depth: usize, open: &str, close: &str| {
        format!("{}1{}", open.repeat(depth), close.repeat(depth))
    };
    let deep: Vec<String> = [1, 126, 127, 128, 129, 200, 300, 5_000]
        .into_iter()
        .flat_map(|depth| {
            [
                nested(depth, "[", "]"),
                nested(depth, "{\"a\":", "}"),
                nested(depth, "[\n {\"b\": ", "}]"),
            ]
        })
        .collect();
    for text in &deep {
        check(text.as_bytes(), &text[..text.len().min(40)]);
        // And a typed read of the same (the pack's, the draft's readers go through the tree).
        same::<Value>(text.as_bytes(), &text[..text.len().min(40)]);
    }
    for text in NOT_JSON.into_iter().chain([
        "[1, 1e999]",
        "{\"a\": -1e400}",
        "-0",
        "[-0.0, 0.1, 1e3, -9223372036854775808, 18446744073709551615, 18446744073709551616]",
        r#"{"a": 1, "b": {"c": [true, false, null]}, "a": 2}"#,
        r#"{"text": "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"}"#,
    ]) {
        check(text.as_bytes(), text);
    }
}
