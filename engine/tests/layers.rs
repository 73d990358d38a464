//! The layer rule (issue 14; ARCHITECTURE.md "Layers"): each part of the code imports only the
//! layers below it, so a new capability never has to pull in the protocol or the outbox to get a
//! time or a role, and an app's code never ends up in another app's wasm.
//!
//! Read from the source: every `crate::<module>` path in code (comments are not imports) names the
//! layer it reaches; an arrow from a lower layer to a higher one fails, with its file and line.

use std::path::{Path, PathBuf};

/// The engine's layers, lowest first. `lib.rs` and `bin/` sit above them all.
/// The capabilities (incident, practice, and review to come) go above `delivery`, below `protocol`.
const ENGINE: &[&str] = &[
    "kernel", "pack", "call", "delivery", "incident", "practice", "protocol", "schema",
];

/// The widget's layers (the root crate's `src/`), lowest first: the browser adapters, the shared
/// components, the apps. `lib.rs` and the entry points in `bin/` sit above them all. Within
/// `apps/`, no app imports another.
const WIDGET: &[&str] = &["host", "ui", "apps"];

/// An import that runs back up: `file:line` imports `to` from the layer `from`.
#[derive(Debug, PartialEq)]
struct Upward {
    at: String,
    from: String,
    to: String,
}

/// Code without its comments (line comments, doc comments and block comments), line by line.
fn code_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = 0usize;
    for line in text.lines() {
        let mut kept = String::new();
        let mut rest = line;
        loop {
            if in_block > 0 {
                match rest.find("*/") {
                    Some(end) => {
                        in_block -= 1;
                        rest = &rest[end + 2..];
                    }
                    None => break,
                }
            } else {
                let line_comment = rest.find("//");
                let block = rest.find("/*");
                match (line_comment, block) {
                    (Some(l), b) if b.is_none_or(|b| l < b) => {
                        kept.push_str(&rest[..l]);
                        break;
                    }
                    (_, Some(b)) => {
                        kept.push_str(&rest[..b]);
                        in_block += 1;
                        rest = &rest[b + 2..];
                    }
                    _ => {
                        kept.push_str(rest);
                        break;
                    }
                }
            }
        }
        out.push(kept);
    }
    out
}

/// The modules a line reaches through `crate::<module>`, and through `crate::{a, b::c}` groups.
fn crate_modules(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        // `incident_engine::...` or `my_crate::...` are other names, not this crate.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

/// The layer of a file: the first folder (or file stem) under the source root.
fn layer_of(root: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(root).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_owned())
}

/// Every upward import in the sources given as (path, text), against `layers`, lowest first.
/// A file outside every layer (the crate root, binaries) may import anything.
fn upward_imports(root: &Path, files: &[(PathBuf, String)], layers: &[&str]) -> Vec<Upward> {
    let rank = |name: &str| layers.iter().position(|l| *l == name);
    let mut out = Vec::new();
    for (path, text) in files {
        let Some(from) = layer_of(root, path) else {
            continue;
        };
        let Some(from_rank) = rank(&from) else {
            continue;
        };
        for (n, line) in code_lines(text).iter().enumerate() {
            for to in crate_modules(line) {
                if rank(&to).is_some_and(|to_rank| to_rank > from_rank) {
                    out.push(Upward {
                        at: format!("{}:{}", path.display(), n + 1),
                        from: from.clone(),
                        to,
                    });
                }
            }
        }
    }
    out
}

/// Every import of one app by another: a file under `apps/<a>/` naming `crate::apps::<b>`.
fn app_to_app_imports(root: &Path, files: &[(PathBuf, String)]) -> Vec<Upward> {
    let mut out = Vec::new();
    for (path, text) in files {
        let Ok(relative) = path.strip_prefix(root.join("apps")) else {
            continue;
        };
        let Some(own) = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|c| c.trim_end_matches(".rs").to_owned())
        else {
            continue;
        };
        for (n, line) in code_lines(text).iter().enumerate() {
            let mut rest = line.as_str();
            while let Some(i) = rest.find("crate::apps::") {
                rest = &rest[i + "crate::apps::".len()..];
                let other: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !other.is_empty() && other != own {
                    out.push(Upward {
                        at: format!("{}:{}", path.display(), n + 1),
                        from: format!("apps::{own}"),
                        to: format!("apps::{other}"),
                    });
                }
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
}

fn check(root: &Path, layers: &[&str]) {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    assert!(
        files.len() > 10,
        "no sources found under {}",
        root.display()
    );
    // Every folder and file under the root is a layer, the crate root or a binary: a new folder
    // must be placed in the order on purpose.
    for (path, _) in &files {
        let layer = layer_of(root, path).unwrap();
        assert!(
            layers.contains(&layer.as_str()) || ["lib", "main", "bin"].contains(&layer.as_str()),
            "{} is in no layer: add `{layer}` to the layer order in engine/tests/layers.rs",
            path.display()
        );
    }
    let mut upward = upward_imports(root, &files, layers);
    upward.extend(app_to_app_imports(root, &files));
    assert!(
        upward.is_empty(),
        "imports that run back up the layers ({}):\n{}",
        layers.join(" < "),
        upward
            .iter()
            .map(|u| format!("  {}: {} imports {}", u.at, u.from, u.to))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_engine_imports_only_downwards() {
    check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), ENGINE);
}

#[test]
fn the_widget_imports_only_downwards_and_no_app_imports_another() {
    check(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../src"),
        WIDGET,
    );
}

/// Places in the shared components that speak to the host page themselves.
fn views_sending_to_the_host(root: &Path, files: &[(PathBuf, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        if !path.starts_with(root.join("ui")) {
            continue;
        }
        for (n, line) in code_lines(text).iter().enumerate() {
            if line.contains("HostEvent") || line.contains("instance.send(") {
                out.push(format!("{}:{}", path.display(), n + 1));
            }
        }
    }
    out
}

#[test]
fn the_views_never_send_to_the_host_they_carry_out_the_engines_effects() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert_eq!(
        views_sending_to_the_host(&root, &files),
        Vec::<String>::new()
    );
    // And the check finds one.
    let planted = vec![(
        root.join("ui/call/escalation.rs"),
        "// HostEvent in a comment is fine\ndesk.instance.send(HostEvent::escalation_required(a, b));\n"
            .to_owned(),
    )];
    assert_eq!(
        views_sending_to_the_host(&root, &planted),
        vec![format!(
            "{}:2",
            root.join("ui/call/escalation.rs").display()
        )]
    );
}

#[test]
fn one_app_importing_another_is_found() {
    let root = Path::new("/src");
    let files = vec![
        (
            root.join("apps/practice/mod.rs"),
            "use crate::apps::practice::Script;\nuse crate::apps::desk::App;\nuse crate::ui::CallScreen;\n".to_owned(),
        ),
        (
            root.join("ui/call/mod.rs"),
            "use crate::host::page;\nuse crate::apps::desk::LiveUnits;\n".to_owned(),
        ),
    ];
    assert_eq!(
        app_to_app_imports(root, &files),
        vec![Upward {
            at: "/src/apps/practice/mod.rs:2".into(),
            from: "apps::practice".into(),
            to: "apps::desk".into(),
        }]
    );
    assert_eq!(
        upward_imports(root, &files, WIDGET),
        vec![Upward {
            at: "/src/ui/call/mod.rs:2".into(),
            from: "ui".into(),
            to: "apps".into(),
        }]
    );
}

#[test]
fn an_upward_import_is_found_with_its_place_and_comments_are_not_imports() {
    let root = Path::new("/src");
    let files = vec![
        (
            root.join("kernel/time.rs"),
            "//! Uses [`crate::call::Call`] in a comment only.\nuse crate::kernel::Millis;\n/* crate::protocol */\n".to_owned(),
        ),
        (
            root.join("pack/load.rs"),
            "use crate::kernel::Problem;\nuse crate::{call::Call, kernel::Role};\nfn f() { let _ = crate::protocol::MAX; } // crate::schema\n"
                .to_owned(),
        ),
        (
            root.join("call/machine.rs"),
            "use crate::pack::Pack;\nuse incident_engine::protocol::X;\n".to_owned(),
        ),
    ];
    let found = upward_imports(root, &files, ENGINE);
    assert_eq!(
        found,
        vec![
            Upward {
                at: "/src/pack/load.rs:2".into(),
                from: "pack".into(),
                to: "call".into(),
            },
            Upward {
                at: "/src/pack/load.rs:3".into(),
                from: "pack".into(),
                to: "protocol".into(),
            },
        ]
    );
}
