//! The committed JSON Schemas (schema/pack.schema.json, schema/log-entry.schema.json,
//! schema/protocol.schema.json, schema/deployment.schema.json, schema/scenario.schema.json) must
//! match the types.

fn check(file: &str, generated: String, flag: &str) {
    let path = format!("{}/../schema/{file}", env!("CARGO_MANIFEST_DIR"));
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/{file} is out of date with the engine's types; regenerate it with\n  \
         cargo run -p incident-engine --bin pack-check -- {flag} > schema/{file}"
    );
}

#[test]
fn committed_pack_schema_matches_the_code() {
    check(
        "pack.schema.json",
        incident_engine::schema::pack_schema_json(),
        "--schema",
    );
}

#[test]
fn committed_log_entry_schema_matches_the_code() {
    check(
        "log-entry.schema.json",
        incident_engine::schema::log_entry_schema_json(),
        "--entry-schema",
    );
}

#[test]
fn committed_protocol_schema_matches_the_code() {
    check(
        "protocol.schema.json",
        incident_engine::schema::protocol_schema_json(),
        "--protocol-schema",
    );
}

#[test]
fn committed_deployment_schema_matches_the_code() {
    check(
        "deployment.schema.json",
        incident_engine::schema::deployment_schema_json(),
        "--deployment-schema",
    );
}

#[test]
fn committed_scenario_schema_matches_the_code() {
    let path = format!(
        "{}/../schema/scenario.schema.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == incident_engine::schema::scenario_schema_json(),
        "schema/scenario.schema.json is out of date with the engine's types; regenerate it with\n  \
         cargo run -p incident-engine --bin scenario-check -- --schema > schema/scenario.schema.json"
    );
}

#[test]
fn committed_evidence_schema_matches_the_code() {
    let path = format!(
        "{}/../schema/evidence.schema.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == incident_engine::schema::evidence_schema_json(),
        "schema/evidence.schema.json is out of date with the engine's types; regenerate it with\n  \
         cargo run -p incident-engine --bin scenario-check -- --evidence-schema > schema/evidence.schema.json"
    );
}
