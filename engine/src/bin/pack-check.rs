//! `pack-check FILE...`: checks procedure packs before they are published (F18).
//!
//! Prints `FILE: PATH: message` for every problem and exits 1 if there is any; otherwise prints a
//! one-line summary per file and exits 0. `--schema` prints the pack's JSON Schema instead (the
//! one committed as schema/pack.schema.json), and `--entry-schema` the completed log entry's
//! (schema/log-entry.schema.json), and `--protocol-schema` the host message protocol's
//! (schema/protocol.schema.json).

use std::process::ExitCode;

use incident_engine::{parse_pack, PackLoadError};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") || args.is_empty() {
        eprintln!("usage: pack-check FILE...   check procedure packs\n       pack-check --schema     print the pack JSON Schema\n       pack-check --entry-schema  print the log entry JSON Schema\n       pack-check --protocol-schema  print the host message protocol JSON Schema");
        return if args.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
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
    let mut failed = false;
    for file in &args {
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
                println!(
                    "{file}: ok: {} {} ({}), {} codes, {} trees ({nodes} questions), {} advice items, {} escalation levels, {} units",
                    f.organisation.name,
                    f.version,
                    f.format,
                    f.codes.len(),
                    f.trees.len(),
                    f.advice.items.len(),
                    f.escalation.levels.len(),
                    f.resources.units.len()
                );
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
            vec![format!("{path}: {message} (line {line}, column {column})")]
        }
        // `$` is the whole document, in JSONPath's notation.
        other => vec![format!("$: {other}")],
    }
}
