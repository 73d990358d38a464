//! `pack-check [--deny-warnings] FILE...`: checks procedure packs before they are published (F18).
//!
//! Prints `FILE: PATH: message` for every problem and exits 1 if there is any; otherwise prints a
//! one-line summary per file (ending in how many warnings it has), then `FILE: warning: PATH:
//! message` for each warning, and exits 0, or 1 with `--deny-warnings` if any file has a warning.
//! `--schema` prints the pack's JSON Schema instead (the one committed as schema/pack.schema.json),
//! and `--entry-schema` the completed log entry's (schema/log-entry.schema.json), and
//! `--protocol-schema` the host message protocol's (schema/protocol.schema.json), and
//! `--deployment-schema` the deployment settings' (schema/deployment.schema.json).

use std::process::ExitCode;

use incident_engine::{parse_pack, PackLoadError};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // No files (`--deny-warnings` alone names none) is a usage error.
    let no_files = args.iter().all(|a| a == "--deny-warnings");
    if args.iter().any(|a| a == "--help" || a == "-h") || no_files {
        eprintln!("usage: pack-check [--deny-warnings] FILE...   check procedure packs (warnings fail them with --deny-warnings)\n       pack-check --schema     print the pack JSON Schema\n       pack-check --entry-schema  print the log entry JSON Schema\n       pack-check --protocol-schema  print the host message protocol JSON Schema\n       pack-check --deployment-schema  print the deployment settings JSON Schema");
        return if no_files {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    if args.iter().any(|a| a == "--deployment-schema") {
        print!("{}", incident_engine::schema::deployment_schema_json());
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "--protocol-schema") {
        print!("{}", incident_engine::schema::protocol_schema_json());
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "--entry-schema") {
        print!("{}", incident_engine::schema::log_entry_schema_json());
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "--schema") {
        print!("{}", incident_engine::schema::pack_schema_json());
        return ExitCode::SUCCESS;
    }
    let deny_warnings = args.iter().any(|a| a == "--deny-warnings");
    let mut failed = false;
    for file in args.iter().filter(|a| *a != "--deny-warnings") {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                println!("{file}: cannot read the file: {e}");
                failed = true;
                continue;
            }
        };
        match parse_pack(&bytes) {
            Ok(pack) => {
                let f = pack.file();
                let nodes: usize = f.trees.iter().map(|t| t.nodes.len()).sum();
                let warnings = pack.warnings();
                println!(
                    "{file}: ok: {} {} ({}), {} codes, {} trees ({nodes} questions), {} advice items, {} escalation levels, {} units, {} warning{}",
                    f.organisation.name,
                    f.version,
                    f.format,
                    f.codes.len(),
                    f.trees.len(),
                    f.advice.items.len(),
                    f.escalation.levels.len(),
                    f.resources.units.len(),
                    warnings.len(),
                    if warnings.len() == 1 { "" } else { "s" }
                );
                for warning in warnings {
                    println!("{file}: warning: {warning}");
                }
                if deny_warnings && !warnings.is_empty() {
                    failed = true;
                }
            }
            Err(error) => {
                failed = true;
                for line in problem_lines(&error) {
                    println!("{file}: {line}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// One `PATH: message` line per problem.
fn problem_lines(error: &PackLoadError) -> Vec<String> {
    match error {
        PackLoadError::Invalid { problems } => problems.iter().map(ToString::to_string).collect(),
        PackLoadError::WrongShape {
            path,
            line,
            column,
            message,
        } => {
            // The top level is `.`, as the pack reference names it.
            let path = if path.is_empty() { "." } else { path.as_str() };
            vec![format!("{path}: {message} (line {line}, column {column})")]
        }
        // `$` is the whole document, in JSONPath's notation.
        other => vec![format!("$: {other}")],
    }
}
