//! The `pack-check` command as an organisation runs it: output lines and exit codes.

use std::process::Command;

fn pack_check(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_pack-check"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("pack-check runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn shipped_packs_pass_with_a_summary_line_each() {
    let (code, out) = pack_check(&[
        "packs/council-out-of-hours.json",
        "packs/housing-repairs.json",
    ]);
    assert_eq!(code, 0, "{out}");
    // Warnings follow their pack's summary line; they do not fail it without --deny-warnings.
    let lines: Vec<&str> = out.lines().filter(|l| !l.contains(": warning: ")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with(
            "packs/council-out-of-hours.json: ok: Northbridge Borough Council 2026.12.1"
        ),
        "{out}"
    );
    assert!(
        lines[1].starts_with("packs/housing-repairs.json: ok: Hillside Homes"),
        "{out}"
    );
}

#[test]
fn every_problem_is_a_file_path_message_line_and_the_exit_code_is_1() {
    let (code, out) = pack_check(&[
        "packs/housing-repairs.json",
        "tests/fixtures/packs/bad-placeholder.json",
        "tests/fixtures/packs/not-json.json",
        "no/such/file.json",
    ]);
    assert_eq!(code, 1, "{out}");
    // A shipped pack's warnings, if any, are not what this test is about.
    let lines: Vec<&str> = out.lines().filter(|l| !l.contains(": warning: ")).collect();
    assert!(
        lines[0].starts_with("packs/housing-repairs.json: ok: "),
        "{out}"
    );
    assert_eq!(
        &lines[1..4],
        [
            "tests/fixtures/packs/bad-placeholder.json: wording.greeting: unknown placeholder {agnet} at character 7; the placeholders are {agent}, {organisation}, {reference}, {caller_name}, {callback}, {location}, {code_title}, {attend_within} and {deploy_within}",
            "tests/fixtures/packs/bad-placeholder.json: wording.closing: must not be empty",
            "tests/fixtures/packs/not-json.json: $: The procedure pack is not valid JSON at line 5, column 3: expected `,` or `}`.",
        ]
    );
    assert!(
        lines[4].starts_with("no/such/file.json: cannot read the file: "),
        "{out}"
    );
}

#[test]
fn warnings_are_listed_and_fail_only_with_deny_warnings() {
    let file = "tests/fixtures/packs/problems/warning-may-say-over-limit.json";
    let summary = format!("{file}: ok: Fixture Council 1.0 (incident-desk/pack@1), 2 codes, 1 trees (2 questions), 2 advice items, 1 escalation levels, 0 units, 1 warning");
    let warning = format!("{file}: warning: advice.sets[0].items[1]: may-say advice \"adv-wall\" breaks advice limit \"no-safety-verdict\", which applies on every call: its words \"is safe\" match the pattern \"is safe\", so the handler is offered words they must not say; reword the advice, take it out of this set, or change the limit's patterns");
    let clean = "tests/fixtures/packs/problems/valid.json";
    let clean_summary = format!("{clean}: ok: Fixture Council 1.0 (incident-desk/pack@1), 2 codes, 1 trees (2 questions), 0 advice items, 1 escalation levels, 0 units, 0 warnings");

    let (code, out) = pack_check(&[file, clean]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [&summary, &warning, &clean_summary]
    );

    // The flag may come anywhere; the output is the same, and the exit code 1.
    let (code, denied) = pack_check(&[file, "--deny-warnings", clean]);
    assert_eq!(code, 1, "{denied}");
    assert_eq!(denied, out);

    // A pack without warnings passes with the flag.
    let (code, out) = pack_check(&["--deny-warnings", clean]);
    assert_eq!((code, out.trim_end()), (0, clean_summary.as_str()));

    // The flag alone names no file.
    assert_eq!(pack_check(&["--deny-warnings"]).0, 2);
}

#[test]
fn schema_flag_prints_the_committed_schema() {
    let (code, out) = pack_check(&["--schema"]);
    assert_eq!(code, 0);
    assert_eq!(out, incident_engine::schema::pack_schema_json());
}

#[test]
fn no_arguments_is_a_usage_error() {
    assert_eq!(pack_check(&[]).0, 2);
}

/// A file that is JSON but not an object is told what a pack is, at `.` (the top level, as the
/// pack reference names it); a pack saved with a byte-order mark (as Windows Notepad saves one)
/// is read as the same pack.
#[test]
fn the_top_level_is_dot_and_a_byte_order_mark_is_read_past() {
    let dir = std::env::temp_dir().join(format!("pack-check-top-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shipped = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../packs/housing-repairs.json"
    ))
    .unwrap();
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&shipped);
    let files = [
        ("list.json", b"[]".to_vec()),
        ("text.json", b"\"a pack\"".to_vec()),
        ("bom.json", with_bom),
    ];
    let mut paths = Vec::new();
    for (name, bytes) in &files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        paths.push(path.to_string_lossy().into_owned());
    }
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let (code, out) = pack_check(&args);
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let what = "a procedure pack is one JSON object, from { to }, holding its format, version, organisation and wording";
    assert_eq!(
        lines[0],
        format!(
            "{}: .: {what}; this file holds a list (line 1, column 0)",
            paths[0]
        )
    );
    assert_eq!(
        lines[1],
        format!(
            "{}: .: {what}; this file holds text (line 1, column 0)",
            paths[1]
        )
    );
    assert!(
        lines[2].starts_with(&format!("{}: ok: Hillside Homes", paths[2])),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
