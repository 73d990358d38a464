//! A call's draft (F17, F21): a call at every stage comes back from its draft equal, writes the same
//! bytes again, and goes on exactly as the original would; drafts that cannot be trusted are
//! refused with what is wrong and where; nothing read from storage panics.

use std::sync::OnceLock;

use incident_engine::call::draft::{DraftError, DRAFT_FORMAT, MAX_DRAFT_BYTES};
use incident_engine::call::entry::LogEntry;
use incident_engine::call::{AnswerValue, Call, Command, Effect, Missing, Refusal};
use incident_engine::kernel::Role;
use incident_engine::pack::{Answer, LogField};
use incident_engine::{parse_pack, Pack};
use proptest::prelude::*;
use serde_json::{json, Value};

const T0: u64 = 1_800_000_000_000;

fn read_pack(relative: &str) -> Vec<u8> {
    let path = format!("{}/../{relative}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap()
}

fn council() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| parse_pack(&read_pack("packs/council-out-of-hours.json")).unwrap())
}

/// The council's pack labelled with its previous version, 2026.11.1: what a handler's browser may
/// still hold a draft from when the shipped pack is loaded.
fn council_previous_version() -> Pack {
    let text = String::from_utf8(read_pack("packs/council-out-of-hours.json")).unwrap();
    let shipped = format!("\"version\": \"{}\"", council().file().version);
    assert!(text.contains(&shipped), "{shipped}");
    let text = text.replacen(&shipped, "\"version\": \"2026.11.1\"", 1);
    parse_pack(text.as_bytes()).unwrap()
}

fn housing() -> Pack {
    parse_pack(&read_pack("packs/housing-repairs.json")).unwrap()
}

fn set(field: LogField, value: &str) -> Command {
    Command::SetField {
        field,
        value: value.to_owned(),
    }
}

fn tree(id: &str) -> Command {
    Command::ChooseTree {
        tree: id.to_owned(),
    }
}

fn answer(node: &str, value: AnswerValue) -> Command {
    Command::Answer {
        node: node.to_owned(),
        value,
    }
}

fn option(id: &str) -> AnswerValue {
    AnswerValue::Option(id.to_owned())
}

fn safety(question: &str, yes: bool) -> Command {
    Command::SafetyNet {
        question: question.to_owned(),
        yes,
    }
}

/// Applies `commands` one second apart from `T0`, each of which must be accepted.
fn call_after(commands: Vec<Command>) -> Call {
    call_under(council(), commands)
}

/// As `call_after`, under `pack`.
fn call_under(pack: &Pack, commands: Vec<Command>) -> Call {
    let mut call = Call::open(pack, "agent-7", T0);
    for (i, command) in commands.into_iter().enumerate() {
        let at = T0 + 1_000 * (i as u64 + 1);
        if let Err(refusal) = call.apply(pack, at, command.clone()) {
            panic!("{command:?} refused: {refusal}");
        }
    }
    call
}

/// Restores `call` from its draft and checks it is the same call, writing the same bytes and
/// giving the host the same log entry.
fn round_trip(call: &Call) -> Call {
    let pack = council();
    let draft = call.to_draft();
    let restored = Call::from_draft(pack, &draft).unwrap_or_else(|e| panic!("{e}\n{draft}"));
    assert_eq!(&restored, call);
    assert_eq!(
        restored.to_draft(),
        draft,
        "the draft must be written again byte for byte"
    );
    assert_eq!(
        LogEntry::of(pack, &restored).to_json(),
        LogEntry::of(pack, call).to_json()
    );
    restored
}

/// The original and the restored call take `next` alike: the same result, the same call after.
fn continues_alike(call: &Call, next: Command) {
    let pack = council();
    let mut original = call.clone();
    let mut restored = round_trip(call);
    let at = call.touched_at() + 1_000;
    let expected = original.apply(pack, at, next.clone());
    assert_eq!(restored.apply(pack, at, next), expected);
    assert_eq!(restored, original);
    round_trip(&restored);
}

const AWKWARD_DEPTH: f64 = 12.983_012_037_151_601;

fn mid_tree() -> Call {
    call_after(mid_tree_commands())
}

fn mid_tree_commands() -> Vec<Command> {
    vec![
        set(LogField::CallerName, "Ann Jones"),
        set(
            LogField::Location,
            "Mill Lane underpass, \"the dip\"\nby the café",
        ),
        safety("sn-danger", false),
        safety("sn-worse", true),
        tree("flooding"),
        answer("q-where", option("road")),
        // serde_json's default number reading gives 12.9830120371516 for this one.
        answer("q-depth", AnswerValue::Number(AWKWARD_DEPTH)),
    ]
}

#[test]
fn a_call_just_opened_round_trips_and_continues() {
    let call = Call::open(council(), "agent-7", T0);
    assert_eq!(call.touched_at(), T0);
    continues_alike(&call, tree("gas-smell"));
}

#[test]
fn a_trainees_call_keeps_the_role_and_a_draft_saved_before_roles_reads_as_not_said() {
    let call = Call::open_as(council(), "trainee-3", Some(Role::Trainee), T0);
    assert_eq!(call.handler_role(), Some(Role::Trainee));
    continues_alike(&call, tree("gas-smell"));
    // Drafts saved before the role was recorded have no `handler_role`.
    let mut old = draft_value(&call);
    old.as_object_mut().unwrap().remove("handler_role");
    let restored = restore(&old).unwrap();
    assert_eq!(restored.handler_role(), None);
    assert_eq!(restored.handler(), "trainee-3");
    // A role that is not one of the four is refused at its place.
    let mut wrong = draft_value(&call);
    wrong["handler_role"] = json!("manager");
    assert_eq!(restore(&wrong).unwrap_err().path(), Some("handler_role"));
}

#[test]
fn the_last_change_of_a_draft_is_read_without_its_pack() {
    let call = mid_tree();
    assert_eq!(
        incident_engine::call::draft::last_change(&call.to_draft()),
        Some(call.touched_at())
    );
    for text in [
        "",
        "[]",
        "{\"log\": 3}",
        "{\"log\": [{\"at\": -1}]}",
        "nonsense",
    ] {
        assert_eq!(
            incident_engine::call::draft::last_change(text),
            None,
            "{text}"
        );
    }
}

#[test]
fn a_call_mid_tree_with_safety_answers_and_fields_round_trips_and_continues() {
    let call = mid_tree();
    assert_eq!(call.current_question(), Some("q-gully"));
    assert_eq!(call.touched_at(), T0 + 7_000);
    let restored = round_trip(&call);
    assert_eq!(
        restored.answers()[1],
        ("q-depth".to_owned(), AnswerValue::Number(AWKWARD_DEPTH))
    );
    assert_eq!(restored.safety_answer("sn-worse"), Some(true));
    assert_eq!(
        restored.field(LogField::Location),
        Some("Mill Lane underpass, \"the dip\"\nby the café")
    );
    continues_alike(&call, answer("q-gully", AnswerValue::YesNo(false)));
    continues_alike(&call, answer("q-depth", AnswerValue::Number(40.0)));
}

#[test]
fn a_decided_call_with_safety_net_raises_round_trips_and_continues() {
    // Raised as it is decided (sn-worse before the code), then again after (sn-danger).
    let call = call_after(vec![
        safety("sn-worse", true),
        tree("flooding"),
        answer("q-where", option("inside")),
        answer("q-inside", option("outside")),
        safety("sn-danger", true),
        Command::GiveAdvice {
            item: "adv-gen-999-dial".into(),
        },
    ]);
    let decision = call.decision().unwrap();
    assert_eq!(
        (decision.code.as_str(), decision.priority.as_str()),
        ("FL-PRP-01", "P1")
    );
    continues_alike(
        &call,
        Command::GiveFreeTextAdvice {
            text: "The council will pay for the damage".into(),
        },
    );
    continues_alike(
        &call,
        Command::Escalate {
            level: "duty-supervisor".into(),
            how: "phone".into(),
            why: "danger to life".into(),
            contact: "Duty officer".into(),
            response: String::new(),
        },
    );
}

#[test]
fn a_call_with_a_major_incident_round_trips_and_continues() {
    let call = call_after(vec![
        tree("major-incident"),
        answer("q-declared", AnswerValue::YesNo(true)),
        answer("q-location", AnswerValue::Text("Riverside estate".into())),
        Command::DeclareMajorIncident {
            reason: "River over its banks, 40 homes".into(),
            access: "From the A61 only".into(),
            services: String::new(),
        },
        Command::SendHandoff {
            channel: "major-incident".into(),
            recipient: Some("Resilience forum".into()),
            text: "M: declared. E: Riverside estate.".into(),
            read_back: true,
        },
        Command::NotifyOrganisation {
            organisation: "environment-agency".into(),
            channel: "phone".into(),
            reference: String::new(),
            spoken_to: String::new(),
        },
    ]);
    assert!(call.major_incident().is_some());
    continues_alike(&call, answer("q-type", option("flood")));
}

#[test]
fn an_overridden_call_round_trips_and_continues() {
    let call = call_after(vec![
        tree("noise"),
        answer("q-threat", AnswerValue::YesNo(false)),
        Command::OverrideCode {
            code: "EH-NSE-01".into(),
            priority: "P3".into(),
            reason: "Third night running; caller is a carer".into(),
        },
        Command::TickChecklist {
            item: "ck-epa-diary".into(),
        },
    ]);
    assert!(call.decision().unwrap().overridden);
    continues_alike(&call, Command::Close { prior: vec![] });
}

#[test]
fn an_escalated_and_declined_call_round_trips_and_continues() {
    let call = call_after(vec![
        tree("gas-smell"),
        answer("q-where", option("inside")),
        answer("q-out", AnswerValue::YesNo(false)),
        Command::Escalate {
            level: "duty-supervisor".into(),
            how: "Radio to the duty supervisor".into(),
            why: "People still inside".into(),
            contact: "Duty officer".into(),
            response: String::new(),
        },
        Command::DeclineEscalation {
            level: "duty-manager".into(),
            why: "Supervisor has it in hand".into(),
        },
    ]);
    continues_alike(
        &call,
        Command::DeclineEscalation {
            level: "emergency-planning-officer".into(),
            why: "One property".into(),
        },
    );
}

/// The command a handler gives for what the closing review says is `missing`, in the fewest words.
/// A missing code has none: it is answered with a close, which is refused.
fn settle(missing: Missing) -> Command {
    match missing {
        Missing::Field(field) => set(field, "as given"),
        // A text field takes any words; the shipped packs' other kinds are set by the tests
        // that use them.
        Missing::CustomField(field) => Command::SetCustomField {
            field,
            value: "as given".into(),
        },
        Missing::SafetyNet(question) => safety(&question, false),
        Missing::Code => Command::Close { prior: vec![] },
        Missing::Decision(level) => Command::DeclineEscalation {
            level,
            why: "Handled on this call".into(),
        },
        Missing::Explanation(deviation) => Command::ExplainDeviation {
            deviation,
            reason: "Explained at the close".into(),
        },
    }
}

/// A call closed after answering every safety question and filling every field its code needs,
/// then corrected.
fn closed_and_corrected() -> Call {
    let pack = council();
    let mut call = call_after(vec![
        tree("fallen-tree"),
        answer("q-cables", AnswerValue::YesNo(false)),
        answer("q-where", option("road")),
        answer("q-block", option("part")),
    ]);
    let mut at = call.touched_at();
    for question in &pack.file().safety_net {
        at += 1_000;
        call.apply(pack, at, safety(&question.id, false)).unwrap();
    }
    for missing in call.missing(pack, at, &[]) {
        at += 1_000;
        if !matches!(missing, Missing::Code | Missing::SafetyNet(_)) {
            call.apply(pack, at, settle(missing)).unwrap();
        }
    }
    let effects = call
        .apply(pack, at + 1_000, Command::Close { prior: vec![] })
        .unwrap();
    assert!(matches!(effects.as_slice(), [Effect::Completed { .. }]));
    call.apply(
        pack,
        at + 60_000,
        Command::Correct {
            field: LogField::CallbackNumber,
            value: "01632 960 002".into(),
            reason: "Caller rang back: one digit was wrong".into(),
        },
    )
    .unwrap();
    call
}

#[test]
fn a_closed_and_corrected_call_round_trips_and_continues() {
    let call = closed_and_corrected();
    assert!(call.is_closed());
    continues_alike(
        &call,
        Command::Correct {
            field: LogField::Location,
            value: "Oak Road, outside number 4".into(),
            reason: "Caller clarified".into(),
        },
    );
    continues_alike(&call, set(LogField::Narrative, "too late"));
}

#[test]
fn a_number_answer_that_is_not_finite_is_refused_so_a_draft_never_holds_one() {
    let pack = council();
    let mut call = call_after(vec![tree("flooding"), answer("q-where", option("road"))]);
    for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let refused = call.apply(pack, T0 + 9_000, answer("q-depth", AnswerValue::Number(n)));
        assert!(
            matches!(refused, Err(Refusal::AnswerDoesNotFit { .. })),
            "{n} was not refused"
        );
    }
    round_trip(&call);
}

// Refusals.

fn draft_value(call: &Call) -> Value {
    serde_json::from_str(&call.to_draft()).unwrap()
}

fn restore(value: &Value) -> Result<Call, DraftError> {
    Call::from_draft(council(), &value.to_string())
}

fn paths_of(error: &DraftError) -> Vec<&str> {
    error.problems().iter().map(|p| p.path.as_str()).collect()
}

/// Restores `draft`, which must be refused with its problems at `paths` (these, in this order)
/// and, for each `(index, message)` in `messages`, problem `index` saying `message`. Gives back the
/// refusal for any further check.
fn refused_at(draft: &Value, paths: &[&str], messages: &[(usize, &str)]) -> DraftError {
    let error = restore(draft).unwrap_err();
    assert_eq!(paths_of(&error), paths);
    for &(index, message) in messages {
        assert_eq!(error.problems()[index].message, message);
    }
    error
}

#[test]
fn a_draft_of_another_format_is_refused_at_format() {
    let mut draft = draft_value(&mid_tree());
    draft["format"] = json!("incident-desk/log-entry@1");
    let error = restore(&draft).unwrap_err();
    assert_eq!(
        error,
        DraftError::NotADraft {
            found: "incident-desk/log-entry@1".into(),
            expected: DRAFT_FORMAT
        }
    );
    assert_eq!(error.path(), Some("format"));
    assert_eq!(
        error.to_string(),
        "This is not a saved call: its format is \"incident-desk/log-entry@1\", not \
         \"incident-desk/call-draft@1\" (at format)."
    );
}

#[test]
fn a_draft_of_another_format_version_is_refused_even_with_another_shape() {
    let mut draft = draft_value(&mid_tree());
    draft["format"] = json!("incident-desk/call-draft@2");
    draft["a_field_of_version_2"] = json!([1, 2, 3]);
    let error = restore(&draft).unwrap_err();
    assert_eq!(
        error,
        DraftError::UnsupportedVersion {
            found: "2".into(),
            expected: "1"
        }
    );
    assert_eq!(error.path(), Some("format"));
    assert_eq!(
        error.to_string(),
        "The call was saved in version 2 of the draft format; this widget reads version 1 (at \
         format)."
    );
}

#[test]
fn a_draft_from_another_organisations_pack_is_refused_at_pack_id() {
    let error = Call::from_draft(&housing(), &mid_tree().to_draft()).unwrap_err();
    assert_eq!(
        error,
        DraftError::OtherPack {
            draft: "northbridge-council".into(),
            loaded: "hillside-homes".into()
        }
    );
    assert_eq!(error.path(), Some("pack.id"));
    assert!(error.to_string().contains("\"northbridge-council\""));
    assert!(error.to_string().contains("\"hillside-homes\""));
}

#[test]
fn a_draft_from_another_pack_version_is_refused_with_both_versions() {
    // Saved under the previous version, resumed under the shipped pack.
    let draft = call_under(&council_previous_version(), mid_tree_commands()).to_draft();
    let error = Call::from_draft(council(), &draft).unwrap_err();
    assert_eq!(
        error,
        DraftError::OtherPackVersion {
            draft: "2026.11.1".into(),
            loaded: "2026.12.1".into()
        }
    );
    assert_eq!(error.path(), Some("pack.version"));
    assert_eq!(error.title(), "Saved call from another pack version");
    assert_eq!(
        error.to_string(),
        "The call was saved under version 2026.11.1 of the procedure pack, but version 2026.12.1 \
         is loaded now (at pack.version); it cannot be continued under a different version."
    );
}

/// The index in the draft's log of the first event of `kind`.
fn event_index(draft: &Value, kind: &str) -> usize {
    draft["log"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["what"]["type"] == kind)
        .unwrap()
}

#[test]
fn a_tree_the_pack_lacks_is_refused_where_it_is_named() {
    let mut draft = draft_value(&mid_tree());
    let chosen = event_index(&draft, "tree_chosen");
    draft["tree"] = json!("sinkholes");
    draft["log"][chosen]["what"]["tree"] = json!("sinkholes");
    let error = refused_at(
        &draft,
        &[format!("log[{chosen}].what.tree").as_str(), "tree"],
        &[(1, "there is no decision tree \"sinkholes\" in this pack")],
    );
    assert_eq!(error.title(), "Saved call does not fit the pack");
}

#[test]
fn a_question_the_tree_lacks_is_refused_at_current_answers_and_log() {
    let mut draft = draft_value(&mid_tree());
    let answered = event_index(&draft, "answered");
    draft["current"] = json!("q-colour");
    draft["answers"][0]["node"] = json!("q-there");
    draft["log"][answered]["what"]["node"] = json!("q-there");
    refused_at(
        &draft,
        &[
            format!("log[{answered}].what.node").as_str(),
            "current",
            "answers[0].node",
        ],
        &[(
            1,
            "there is no question \"q-colour\" in decision tree \"flooding\"",
        )],
    );
}

fn decided() -> Call {
    call_after(vec![
        tree("gas-smell"),
        answer("q-where", option("inside")),
        answer("q-out", AnswerValue::YesNo(false)),
    ])
}

#[test]
fn a_code_and_a_priority_the_pack_lacks_are_refused_each_at_its_path() {
    let mut draft = draft_value(&decided());
    let coded = event_index(&draft, "coded");
    draft["decision"]["code"] = json!("UT-GAS-99");
    draft["log"][coded]["what"]["code"] = json!("UT-GAS-99");
    draft["decision"]["priority"] = json!("P0");
    draft["log"][coded]["what"]["priority"] = json!("P0");
    refused_at(
        &draft,
        &[
            format!("log[{coded}].what.code").as_str(),
            &format!("log[{coded}].what.priority"),
            "decision.code",
            "decision.priority",
        ],
        &[
            (2, "there is no incident code \"UT-GAS-99\" in this pack"),
            (3, "there is no priority \"P0\" in this pack"),
        ],
    );
}

#[test]
fn a_safety_question_the_pack_lacks_and_state_that_disagrees_with_the_log_are_refused() {
    let mut draft = draft_value(&mid_tree());
    draft["safety"]["sn-aliens"] = json!(true);
    draft["fields"]["caller_name"] = json!("Someone else");
    draft["closed"] = json!(true);
    refused_at(
        &draft,
        &[
            "fields.caller_name",
            "safety.sn-aliens",
            "safety.sn-aliens",
            "closed",
        ],
        &[
            (
                1,
                "there is no safety-net question \"sn-aliens\" in this pack",
            ),
            (3, "the call is marked closed but its log has no closing"),
        ],
    );
}

#[test]
fn a_log_that_does_not_start_with_the_call_being_answered_is_refused() {
    let mut draft = draft_value(&mid_tree());
    draft["log"].as_array_mut().unwrap().remove(0);
    let error = restore(&draft).unwrap_err();
    assert_eq!(paths_of(&error), ["log[0].what", "opened_at"]);
    draft["log"] = json!([]);
    draft["fields"] = json!({});
    draft["safety"] = json!({});
    draft["tree"] = Value::Null;
    draft["current"] = Value::Null;
    draft["answers"] = json!([]);
    assert_eq!(paths_of(&restore(&draft).unwrap_err()), ["log"]);
}

#[test]
fn a_truncated_draft_is_not_json_and_says_where_it_stopped() {
    let draft = mid_tree().to_draft();
    let cut = draft.find("\"value\":12.98").unwrap() + 12;
    let error = Call::from_draft(council(), &draft[..cut]).unwrap_err();
    let DraftError::NotJson {
        path, line, column, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!((path.as_str(), *line), ("answers[1].value.value", 1));
    assert_eq!(*column, cut);
    assert_eq!(error.path(), Some("answers[1].value.value"));
    assert_eq!(error.title(), "Saved call is damaged");
    assert!(
        error.to_string().starts_with(
            "The saved call is not valid JSON at answers[1].value.value (line 1, column"
        ),
        "{error}"
    );
    // Cut anywhere, it is refused.
    for cut in (0..draft.len())
        .filter(|i| draft.is_char_boundary(*i))
        .step_by(7)
    {
        assert!(Call::from_draft(council(), &draft[..cut]).is_err());
    }
}

#[test]
fn empty_input_is_refused() {
    for text in ["", "   \n\t"] {
        let error = Call::from_draft(council(), text).unwrap_err();
        assert_eq!(error, DraftError::Empty);
        assert_eq!(error.to_string(), "The saved call is empty.");
        assert_eq!(error.path(), None);
    }
}

#[test]
fn a_huge_input_is_refused_before_it_is_read() {
    let padded = format!("{}{}", mid_tree().to_draft(), " ".repeat(MAX_DRAFT_BYTES));
    let error = Call::from_draft(council(), &padded).unwrap_err();
    assert_eq!(
        error,
        DraftError::TooLarge {
            bytes: padded.len(),
            limit: MAX_DRAFT_BYTES
        }
    );
    assert!(error
        .to_string()
        .starts_with("The saved call is too large to restore: 2.0 MB is over the limit of 2.0 MB"));
}

#[test]
fn the_wrong_shape_is_refused_at_its_path() {
    let cases: Vec<(&str, Value, &str)> = vec![
        ("opened_at", json!("this morning"), "opened_at"),
        (
            "answers",
            json!([{"node": "q-where", "value": {"kind": "number", "value": null}}]),
            "answers[0].value.value",
        ),
        (
            "log",
            json!([{"at": T0, "by": "a", "what": {"type": "teleported"}}]),
            "log[0].what.type",
        ),
        ("fields", json!({"shoe_size": "9"}), "fields.shoe_size"),
        ("extra", json!(1), "extra"),
    ];
    for (key, value, path) in cases {
        let mut draft = draft_value(&mid_tree());
        draft[key] = value;
        let error = restore(&draft).unwrap_err();
        assert!(
            matches!(error, DraftError::WrongShape { .. }),
            "{key}: {error:?}"
        );
        assert_eq!(error.path(), Some(path), "{key}: {error}");
    }
    for text in ["42", "[]", "null", "\"a draft\""] {
        let error = Call::from_draft(council(), text).unwrap_err();
        assert_eq!(error.path(), Some(""), "{text}: {error:?}");
        assert!(error.to_string().contains("at the top level"), "{error}");
    }
}

#[test]
fn a_draft_looks_like_this() {
    let call = call_after(vec![
        set(LogField::Location, "Mill Lane"),
        tree("flooding"),
        answer("q-where", option("road")),
    ]);
    assert_eq!(
        draft_value(&call),
        json!({
            "format": "incident-desk/call-draft@1",
            "pack": {"id": "northbridge-council", "version": "2026.12.1"},
            "handler": "agent-7",
            "handler_role": null,
            "opened_at": T0,
            "closed": false,
            "fields": {"location": "Mill Lane"},
            "tree": "flooding",
            "current": "q-depth",
            "answers": [{"node": "q-where", "value": {"kind": "option", "value": "road"}}],
            "decision": null,
            "safety": {},
            "safety_yes": [],
            "major_incident": null,
            "log": [
                {"at": T0, "by": "agent-7",
                 "what": {"type": "opened", "pack": "northbridge-council", "version": "2026.12.1"}},
                {"at": T0 + 1_000, "by": "agent-7",
                 "what": {"type": "field", "field": "location", "value": "Mill Lane"}},
                {"at": T0 + 2_000, "by": "agent-7",
                 "what": {"type": "tree_chosen", "tree": "flooding"}},
                {"at": T0 + 3_000, "by": "agent-7",
                 "what": {"type": "answered", "node": "q-where",
                          "question": council().tree("flooding").unwrap().nodes[0].question,
                          "value": {"kind": "option", "value": "road"}}}
            ]
        })
    );
}

// Properties.

/// A command chosen from the council pack's real ids and some it does not have. `AnswerCurrent`
/// becomes a fitting answer to whatever question is asked when it is applied.
#[derive(Debug, Clone)]
enum Step {
    Do(Command),
    /// The seed picks an option, yes or no, or a text; the number is a fraction of the question's
    /// range (most with 17 significant digits, the hard ones to read back) or, if negative, used
    /// as it is (out of range, or not finite).
    AnswerCurrent(u32, f64),
    /// Answer every safety question not yet asked "no", fill every field missing, and close.
    Finish,
}

fn pick(ids: &[&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(ids.to_vec()).prop_map(str::to_owned)
}

fn step() -> impl Strategy<Value = Step> {
    let trees = || {
        // Mostly trees that ask for numbers early.
        pick(&[
            "flooding",
            "noise",
            "dog",
            "rough-sleeper",
            "major-incident",
            "chemical",
            "gas-smell",
            "no-such-tree",
        ])
    };
    let text = || {
        pick(&[
            "",
            "Mill Lane",
            "it's safe now",
            "we will pay",
            "ok \"quoted\" ü",
        ])
    };
    let levels = || {
        pick(&[
            "duty-supervisor",
            "duty-manager",
            "emergency-planning-officer",
            "ceo",
        ])
    };
    let questions = || {
        pick(&[
            "sn-danger",
            "sn-threat",
            "sn-vulnerable",
            "sn-worse",
            "sn-repeat",
            "sn-access",
            "sn-x",
        ])
    };
    let field = prop::sample::select(LogField::ALL.to_vec());
    prop_oneof![
        8 => (any::<u32>(), prop_oneof![4 => 0.0..1.0f64, 1 => any::<f64>().prop_map(|n| -n.abs())])
            .prop_map(|(seed, n)| Step::AnswerCurrent(seed, n)),
        2 => trees().prop_map(|tree| Step::Do(Command::ChooseTree { tree })),
        2 => (field.clone(), text()).prop_map(|(field, value)| Step::Do(Command::SetField { field, value })),
        2 => (questions(), any::<bool>()).prop_map(|(question, yes)| Step::Do(Command::SafetyNet { question, yes })),
        1 => (pick(&["q-where", "q-depth", "q-x"]), any::<bool>())
            .prop_map(|(node, yes)| Step::Do(Command::Answer { node, value: AnswerValue::YesNo(yes) })),
        1 => (pick(&["FL-PRP-01", "UT-GAS-01", "XX-000"]), pick(&["P1", "P3", "P9"]), text())
            .prop_map(|(code, priority, reason)| Step::Do(Command::OverrideCode { code, priority, reason })),
        1 => pick(&["adv-gen-999-dial", "adv-fld-no-enter", "adv-nope"]).prop_map(|item| Step::Do(Command::GiveAdvice { item })),
        1 => text().prop_map(|text| Step::Do(Command::GiveFreeTextAdvice { text })),
        1 => (levels(), text()).prop_map(|(level, why)| Step::Do(Command::Escalate { level, how: "phone".into(), why, contact: "Duty officer".into(), response: String::new() })),
        1 => (levels(), text()).prop_map(|(level, why)| Step::Do(Command::DeclineEscalation { level, why })),
        1 => (pick(&["police", "rspca", "nobody"]), pick(&["phone", "email", "pigeon"]))
            .prop_map(|(organisation, channel)| Step::Do(Command::NotifyOrganisation { organisation, channel, reference: String::new(), spoken_to: String::new() })),
        1 => (pick(&["voice", "sms", "major-incident", "telex"]), any::<bool>())
            .prop_map(|(channel, read_back)| Step::Do(Command::SendHandoff { channel, recipient: None, text: "go".into(), read_back })),
        1 => pick(&["ck-cca-time", "ck-fw-source", "ck-none"]).prop_map(|item| Step::Do(Command::TickChecklist { item })),
        1 => text().prop_map(|reason| Step::Do(Command::DeclareMajorIncident { reason, access: "A61".into(), services: String::new() })),
        1 => Just(Step::Do(Command::Close { prior: vec![] })),
        1 => Just(Step::Finish),
        1 => (field, text(), text()).prop_map(|(field, value, reason)| Step::Do(Command::Correct { field, value, reason })),
    ]
}

/// The commands for `step` on `call` now.
fn commands(pack: &Pack, call: &Call, step: Step) -> Vec<Command> {
    let (seed, n) = match step {
        Step::Do(command) => return vec![command],
        Step::AnswerCurrent(seed, n) => (seed as usize, n),
        Step::Finish => {
            let mut out: Vec<Command> = call
                .missing(pack, call.touched_at(), &[])
                .into_iter()
                .map(settle)
                .collect();
            out.push(Command::Close { prior: vec![] });
            return out;
        }
    };
    let node = call
        .current_question()
        .zip(call.tree().and_then(|t| pack.tree(t)))
        .and_then(|(q, tree)| tree.nodes.iter().find(|node| node.id == q));
    let Some(node) = node else {
        return vec![answer("q-where", AnswerValue::Number(n))];
    };
    let value = match &node.answer {
        Answer::Choice { options } => option(&options[seed % options.len()].id),
        // Mostly "no": a "yes" often ends a tree at once, and the deeper questions ask for numbers.
        Answer::YesNo { .. } => AnswerValue::YesNo(seed % 3 == 0),
        Answer::Number { min, max, .. } if n >= 0.0 => AnswerValue::Number(min + n * (max - min)),
        Answer::Number { .. } => AnswerValue::Number(n),
        Answer::Text { .. } => AnswerValue::Text(["", "a fence", "  "][seed % 3].to_owned()),
    };
    vec![answer(&node.id, value)]
}

/// What is kept of a draft that passed: it is a call that writes the same draft and goes on.
fn accepted_is_stable(call: &Call) {
    let pack = council();
    let draft = call.to_draft();
    let again = Call::from_draft(pack, &draft).expect("a restored call restores again");
    assert_eq!(&again, call);
    assert_eq!(again.to_draft(), draft);
    let mut going_on = again;
    let at = going_on.touched_at().saturating_add(1);
    let _ = going_on.apply(pack, at, safety("sn-worse", true));
    let _ = going_on.apply(pack, at, Command::Close { prior: vec![] });
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[a-z_ -]{0,10}".prop_map(Value::String),
        pick(&[
            "flooding",
            "q-where",
            "q-depth",
            "P1",
            "UT-GAS-01",
            "sn-danger",
            "answered",
            "number",
            DRAFT_FORMAT
        ])
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,8}".boxed(),
                    pick(&["type", "kind", "value", "node", "at", "what"]).boxed()
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every place in `value`, as keys and indices.
fn places(value: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                here.push(json!(k));
                places(v, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                here.push(json!(i));
                places(v, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'v>(value: &'v mut Value, place: &[Value]) -> Option<&'v mut Value> {
    place.iter().try_fold(value, |v, step| match step {
        Value::String(k) => v.get_mut(k.as_str()),
        Value::Number(i) => v.get_mut(i.as_u64()? as usize),
        _ => None,
    })
}

/// A rich call to mutate: most kinds of event and state.
fn rich() -> Call {
    let mut call = mid_tree();
    let pack = council();
    for (i, command) in [
        answer("q-gully", AnswerValue::YesNo(true)),
        safety("sn-danger", true),
        Command::GiveAdvice {
            item: "adv-gen-999-dial".into(),
        },
        Command::DeclareMajorIncident {
            reason: "Spreading".into(),
            access: "North".into(),
            services: "Fire".into(),
        },
        Command::Escalate {
            level: "duty-manager".into(),
            how: "phone".into(),
            why: "P1".into(),
            contact: "Duty officer".into(),
            response: String::new(),
        },
    ]
    .into_iter()
    .enumerate()
    {
        call.apply(pack, T0 + 100_000 + i as u64, command).unwrap();
    }
    call
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_step_of_any_call_round_trips_exactly_and_goes_on_alike(
        steps in prop::collection::vec((step(), 0u64..120_000), 1..40)
    ) {
        let pack = council();
        let mut call = Call::open(pack, "agent-7", T0);
        let mut at = T0;
        for (step, pause) in steps {
            at += pause;
            for command in commands(pack, &call, step) {
                let draft = call.to_draft();
                let mut restored = Call::from_draft(pack, &draft)
                    .map_err(|e| TestCaseError::fail(format!("{e}\n{draft}")))?;
                prop_assert_eq!(&restored, &call);
                prop_assert_eq!(restored.to_draft(), draft);
                let expected = call.apply(pack, at, command.clone());
                prop_assert_eq!(restored.apply(pack, at, command), expected);
                prop_assert_eq!(&restored, &call);
            }
        }
        let draft = call.to_draft();
        prop_assert_eq!(Call::from_draft(pack, &draft).unwrap().to_draft(), draft);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_finite_number_answer_reads_back_to_the_same_bits(
        depth in prop_oneof![0.0..300.0f64, any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(|n| n.abs() % 300.0)]
    ) {
        let pack = council();
        let mut call = call_after(vec![tree("flooding"), answer("q-where", option("road"))]);
        call.apply(pack, T0 + 9_000, answer("q-depth", AnswerValue::Number(depth))).unwrap();
        let restored = round_trip(&call);
        let Some((_, AnswerValue::Number(read))) = restored.answers().last() else {
            panic!("no number answer");
        };
        prop_assert_eq!(read.to_bits(), depth.to_bits());
    }

    #[test]
    fn arbitrary_text_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        prop_assert!(Call::from_draft(council(), &text).is_err());
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        prop_assert!(restore(&value).is_err());
    }

    #[test]
    fn a_draft_damaged_anywhere_never_panics_and_what_passes_is_stable(
        damage in prop::collection::vec((any::<usize>(), arbitrary_json(), 0u8..3), 1..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut draft = draft_value(&rich());
        for (i, new, how) in damage {
            let mut all = Vec::new();
            places(&draft, &mut Vec::new(), &mut all);
            let place = all[i % all.len()].clone();
            match how {
                0 => if let Some(slot) = at_mut(&mut draft, &place) { *slot = new },
                1 => if let Some((last, parent)) = place.split_last() {
                    match (at_mut(&mut draft, parent), last) {
                        (Some(Value::Object(map)), Value::String(k)) => { map.remove(k); }
                        (Some(Value::Array(items)), Value::Number(i)) => {
                            let i = i.as_u64().unwrap_or(0) as usize;
                            if i < items.len() { items.remove(i); }
                        }
                        _ => {}
                    }
                },
                _ => if let Some(Value::Array(items)) = at_mut(&mut draft, &place) {
                    if let Some(first) = items.first().cloned() { items.push(first) }
                },
            }
        }
        let mut text = draft.to_string();
        if truncate {
            let mut end = cut.index(text.len() + 1);
            while !text.is_char_boundary(end) { end -= 1; }
            text.truncate(end);
        }
        if let Ok(call) = Call::from_draft(council(), &text) {
            accepted_is_stable(&call);
        }
    }
}

/// A log field's name in a draft's paths is the name serde writes for it.
#[test]
fn log_field_names_are_the_names_serde_writes() {
    for field in LogField::ALL {
        assert_eq!(
            serde_json::to_string(&field).unwrap(),
            format!("\"{}\"", field.name())
        );
    }
}
