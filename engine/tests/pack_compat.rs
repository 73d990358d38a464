//! Issue 15's promise: every pack that was valid before the format grew (custom fields, routes,
//! outcomes that notify, route or continue into another tree, more placeholders) is still valid,
//! unchanged, and reads back the same: what the engine reads holds every value the file wrote, adds
//! only the defaults the format always had (never one of the new members), and written out and
//! read again gives the same pack. Over the shipped packs, the valid fixtures, and packs of random
//! shape from `make-large-pack` (seeded).

use std::path::{Path, PathBuf};
use std::process::Command;

use incident_engine::{parse_pack, PackFile};
use serde_json::Value;

/// Members the format gained in issue 15: an old pack never has them, and reading one must not
/// add them.
const NEW: &[&str] = &[
    "fields",
    "routes",
    "continue_to",
    "in_handoff",
    "hint",
    "required_for",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Whether `read` holds everything `written` wrote, adding only old defaults.
fn covers(written: &Value, read: &Value, path: &str) {
    match (written, read) {
        (Value::Object(w), Value::Object(r)) => {
            for (k, v) in w {
                let got = r
                    .get(k)
                    .unwrap_or_else(|| panic!("{path}.{k}: dropped on reading"));
                covers(v, got, &format!("{path}.{k}"));
            }
            for (k, v) in r {
                if w.contains_key(k) {
                    continue;
                }
                assert!(
                    !NEW.contains(&k.as_str()),
                    "{path}.{k}: a new member appeared"
                );
                let in_outcome = path
                    .rsplit('.')
                    .next()
                    .is_some_and(|s| s.starts_with("outcomes["));
                assert!(
                    !(in_outcome && k == "notify"),
                    "{path}.{k}: a new member appeared"
                );
                let old_default = path.ends_with(".retention")
                    || matches!(v, Value::Array(a) if a.is_empty())
                    || matches!(v, Value::Bool(false) | Value::Null)
                    || matches!(
                        k.as_str(),
                        "advice"
                            | "escalation"
                            | "resources"
                            | "targets"
                            | "retention"
                            | "structure"
                    );
                assert!(old_default, "{path}.{k}: {v} is not a default");
            }
        }
        (Value::Array(w), Value::Array(r)) => {
            assert_eq!(w.len(), r.len(), "{path}: list length");
            for (i, (a, b)) in w.iter().zip(r).enumerate() {
                covers(a, b, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            assert_eq!(a.as_f64(), b.as_f64(), "{path}");
        }
        (a, b) => assert_eq!(a, b, "{path}"),
    }
}

fn reads_back_the_same(name: &str, bytes: &[u8]) {
    let pack = parse_pack(bytes).unwrap_or_else(|e| panic!("{name}: no longer valid: {e}"));
    let written: Value = serde_json::from_slice(bytes).unwrap();
    let read = serde_json::to_value(pack.file()).unwrap();
    covers(&written, &read, name);
    let again = serde_json::to_vec(pack.file()).unwrap();
    let pack_again = parse_pack(&again).unwrap_or_else(|e| panic!("{name}: written out: {e}"));
    assert_eq!(
        pack_again.file(),
        pack.file(),
        "{name}: written out and read again"
    );
    let _: &PackFile = pack.file();
}

fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| keep(&p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files
}

#[test]
fn packs_valid_before_issue_15_still_read_the_same() {
    let root = root();
    let mut files = vec![
        root.join("packs/council-out-of-hours.json"),
        root.join("packs/housing-repairs.json"),
    ];
    files.extend(files_in(&root.join("tests/fixtures/packs/good"), |_| true));
    files.extend(files_in(&root.join("tests/fixtures/packs/problems"), |n| {
        n == "valid.json" || n.starts_with("warning-")
    }));
    assert!(files.len() >= 6, "{files:?}");
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        reads_back_the_same(&file.display().to_string(), &bytes);
    }
}

#[test]
fn generated_packs_of_random_shape_still_read_the_same() {
    for seed in 1..=12u64 {
        let output = Command::new(env!("CARGO_BIN_EXE_make-large-pack"))
            .args([
                "--seed",
                &seed.to_string(),
                "--codes",
                "60",
                "--trees",
                "12",
            ])
            .output()
            .expect("make-large-pack runs");
        assert!(output.status.success(), "seed {seed}");
        reads_back_the_same(&format!("seed {seed}"), &output.stdout);
    }
}
