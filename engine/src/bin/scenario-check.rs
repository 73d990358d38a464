//! `scenario-check --pack PACK SCENARIO...`: checks practice scenarios against the procedure pack
//! they are written for (F19), as `pack-check` checks packs.
//!
//! Prints `SCENARIO: ok: title (N lines, M points to score)` for a scenario that can be played,
//! or `SCENARIO: PATH: message` for each problem (with the line and column for one of shape), and
//! exits 1 if any scenario has a problem, 2 if the pack itself cannot be used. `--schema` prints
//! the scenario's JSON Schema (the one committed as schema/scenario.schema.json), and
//! `--evidence-schema` a trainee's exported evidence record's (schema/evidence.schema.json).

use std::process::ExitCode;

use incident_engine::parse_pack;
use incident_engine::practice::scenario::{parse_scenario, ScenarioError};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--evidence-schema") {
        print!("{}", incident_engine::schema::evidence_schema_json());
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "--schema") {
        print!("{}", incident_engine::schema::scenario_schema_json());
        return ExitCode::SUCCESS;
    }
    let usage = "usage: scenario-check --pack PACK SCENARIO...   check practice scenarios against their pack\n       scenario-check --schema                    print the scenario JSON Schema\n       scenario-check --evidence-schema           print the evidence record JSON Schema";
    let (pack_file, scenarios) = match args.iter().position(|a| a == "--pack") {
        Some(i) if i + 1 < args.len() => {
            let rest: Vec<&String> = args
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i && j != i + 1)
                .map(|(_, a)| a)
                .collect();
            (args[i + 1].clone(), rest)
        }
        _ => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    if scenarios.is_empty() || args.iter().any(|a| a == "--help" || a == "-h") {
        eprintln!("{usage}");
        return ExitCode::from(2);
    }
    let pack = match std::fs::read(&pack_file)
        .map_err(|e| format!("cannot read the file: {e}"))
        .and_then(|bytes| parse_pack(&bytes).map_err(|e| format!("{}: {e}", e.title())))
    {
        Ok(pack) => pack,
        Err(why) => {
            println!("{pack_file}: {why}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    for file in scenarios {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                println!("{file}: cannot read the file: {e}");
                failed = true;
                continue;
            }
        };
        match parse_scenario(&bytes, &pack) {
            Ok(s) => {
                let (lines, events) = (s.caller.lines.len(), s.events.len());
                println!(
                    "{file}: ok: {} ({lines} caller line{}, {events} event{})",
                    s.title,
                    if lines == 1 { "" } else { "s" },
                    if events == 1 { "" } else { "s" }
                )
            }
            Err(ScenarioError::Invalid { problems }) => {
                failed = true;
                for p in problems {
                    println!("{file}: {p}");
                }
            }
            Err(e) => {
                failed = true;
                println!("{file}: {e}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
