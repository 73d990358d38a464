//! Data-driven tests over the packs we ship and the bad-pack fixtures shared with the browser and
//! end-to-end tests (tests/fixtures/packs). Each bad fixture asserts the exact error and location.

use std::path::PathBuf;

use incident_engine::{parse_pack, PackLoadError, Problem, MAX_PACK_BYTES, PACK_FORMAT};

fn repo_file(relative: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn fixture(name: &str) -> Result<incident_engine::Pack, PackLoadError> {
    parse_pack(&repo_file(&format!("tests/fixtures/packs/{name}")))
}

#[test]
fn every_shipped_pack_is_valid() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../packs");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let pack = parse_pack(&std::fs::read(&path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(pack.file().format, PACK_FORMAT);
            seen += 1;
        }
    }
    assert!(seen >= 1, "no packs found in {}", dir.display());
}

#[test]
fn default_pack_names_its_organisation() {
    let pack = parse_pack(&repo_file("packs/council-out-of-hours.json")).unwrap();
    assert_eq!(pack.file().organisation.name, "Northbridge Borough Council");
    assert!(pack.file().wording.greeting.contains("{agent}"));
}

#[test]
fn empty_file() {
    assert_eq!(fixture("empty.json"), Err(PackLoadError::Empty));
    assert_eq!(parse_pack(b" \n\t "), Err(PackLoadError::Empty));
}

#[test]
fn not_json_gives_line_and_column() {
    let err = fixture("not-json.json").unwrap_err();
    match &err {
        PackLoadError::NotJson {
            line,
            column,
            message,
        } => {
            assert_eq!((*line, *column), (5, 3), "{err}");
            assert_eq!(message, "expected `,` or `}`");
        }
        other => panic!("expected NotJson, got {other:?}"),
    }
    assert_eq!(err.location(), Some((None, 5, 3)));
    assert!(err.to_string().contains("line 5, column 3"), "{err}");
}

#[test]
fn wrong_shape_gives_path_line_and_column() {
    let err = fixture("wrong-shape.json").unwrap_err();
    assert_eq!(
        err,
        PackLoadError::WrongShape {
            path: "organisation.name".into(),
            line: 6,
            column: 14,
            message: "invalid type: number `42`, expected text in double quotes".into(),
        }
    );
    assert_eq!(err.location(), Some((Some("organisation.name"), 6, 14)));
}

#[test]
fn unknown_field_is_refused_with_its_path() {
    match fixture("unknown-field.json").unwrap_err() {
        PackLoadError::WrongShape {
            path,
            line,
            message,
            ..
        } => {
            assert_eq!(path, "wording.greting");
            assert_eq!(line, 5);
            assert_eq!(
                message,
                "unknown field `greting`, expected one of `greeting`, `closing`, `control_phrases`"
            );
        }
        other => panic!("expected WrongShape, got {other:?}"),
    }
}

#[test]
fn missing_field_names_the_containing_object() {
    let bytes = br#"{"format":"incident-desk/pack@1","version":"1","organisation":{"id":"x"},"wording":{"greeting":"a","closing":"b"}}"#;
    match parse_pack(bytes).unwrap_err() {
        PackLoadError::WrongShape { path, message, .. } => {
            assert_eq!(path, "organisation");
            assert_eq!(message, "missing field `name`");
        }
        other => panic!("expected WrongShape, got {other:?}"),
    }
}

#[test]
fn wrong_format_is_named() {
    assert_eq!(
        fixture("wrong-format.json"),
        Err(PackLoadError::UnsupportedFormat {
            found: "incident-desk/pack@9".into(),
            expected: PACK_FORMAT
        })
    );
}

#[test]
fn every_content_problem_is_listed() {
    assert_eq!(
        fixture("bad-placeholder.json"),
        Err(PackLoadError::Invalid {
            problems: vec![
                Problem {
                    path: "wording.greeting".into(),
                    message: "unknown placeholder {agnet} at character 7; the placeholders are {agent}, {organisation}, {reference}, {caller_name}, {callback}, {location}, {code_title}, {attend_within} and {deploy_within}"
                        .into(),
                },
                Problem { path: "wording.closing".into(), message: "must not be empty".into() },
            ]
        })
    );
}

#[test]
fn oversized_is_refused_before_parsing() {
    let bytes = vec![b' '; MAX_PACK_BYTES + 1];
    assert_eq!(
        parse_pack(&bytes),
        Err(PackLoadError::TooLarge {
            bytes: MAX_PACK_BYTES + 1,
            limit: MAX_PACK_BYTES
        })
    );
    assert_eq!(
        PackLoadError::TooLarge {
            bytes: MAX_PACK_BYTES + 1,
            limit: MAX_PACK_BYTES
        }
        .to_string(),
        "The procedure pack is too large: 5.0 MB is over the limit of 5.0 MB."
    );
}

#[test]
fn hostile_inputs_never_panic() {
    let inputs: [&[u8]; 9] = [
        b"null",
        b"[]",
        b"\"pack\"",
        b"{\"format\": 7}",
        b"{\"format\": \"incident-desk/pack@1\"}",
        &[0xff, 0xfe, 0x00],
        b"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
        &[b'['; 10_000],
        b"{\"format\":\"incident-desk/pack@1\",\"version\":\"1\",\"organisation\":{\"id\":\"x\",\"name\":\"y\"},\"wording\":{\"greeting\":\"{\",\"closing\":\"}{\"}}",
    ];
    for input in inputs {
        let _ = parse_pack(input);
    }
}

/// Mutates the default pack a thousand ways (bytes flipped, deleted, inserted, cut short) with a
/// fixed seed; every result must be a pack or an error, never a panic, and an error must say where
/// when it is about the file's content.
#[test]
fn mutated_packs_never_panic() {
    let original = repo_file("packs/council-out-of-hours.json");
    let mut state: u64 = 0x5eed_1ce0_de5c_0001;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let interesting = b"{}[]\",:0123456789.-eEtfnu\\ \n{agent}";
    for _ in 0..1_000 {
        let mut bytes = original.clone();
        for _ in 0..(1 + next() % 4) {
            let at = (next() as usize) % (bytes.len() + 1);
            match next() % 4 {
                0 if at < bytes.len() => bytes[at] = next() as u8,
                1 if at < bytes.len() => {
                    bytes.remove(at);
                }
                2 => bytes.insert(at, interesting[(next() as usize) % interesting.len()]),
                _ => bytes.truncate(at),
            }
        }
        match parse_pack(&bytes) {
            Ok(_)
            | Err(PackLoadError::Empty)
            | Err(PackLoadError::WebPage)
            | Err(PackLoadError::UnsupportedFormat { .. }) => {}
            Err(PackLoadError::NotJson { line, column, .. }) => {
                assert!(line >= 1 && column <= bytes.len() + 1)
            }
            Err(PackLoadError::WrongShape { line, .. }) => assert!(line >= 1),
            Err(PackLoadError::Invalid { problems }) => assert!(!problems.is_empty()),
            Err(other) => panic!("unexpected error for a local file: {other:?}"),
        }
    }
}

#[test]
fn a_web_page_is_named_as_one() {
    let page = b"\n  <!DOCTYPE html><html><body>Home</body></html>";
    assert_eq!(parse_pack(page), Err(PackLoadError::WebPage));
    assert!(PackLoadError::WebPage
        .to_string()
        .contains("probably missing"));
}

/// The control phrases are said on every kind of call, so none may say what any limit forbids on
/// some of them (a housing pack's "Stay on the line with me" told a caller in a gas-filled home to
/// keep using the phone, which its own gas limit forbids).
#[test]
fn no_control_phrase_of_a_shipped_pack_breaks_any_of_its_advice_limits() {
    let mut broken = Vec::new();
    for name in [
        "council-out-of-hours.json",
        "housing-repairs.json",
        "water-incident-line.json",
    ] {
        let pack = parse_pack(&repo_file(&format!("packs/{name}"))).unwrap();
        let f = pack.file();
        for phrase in &f.wording.control_phrases {
            for breach in
                incident_engine::pack::advice::check_advice(&phrase.text, &f.advice.limits)
            {
                broken.push(format!("{name}: {}: breaks {}", phrase.id, breach.limit.id));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
