//! The committed JSON Schema (schema/pack.schema.json) must match the wire types.

#[test]
fn committed_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/pack.schema.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = incident_engine::schema::pack_schema_json();
    assert!(
        committed == generated,
        "schema/pack.schema.json is out of date with engine/src/pack.rs; regenerate it with\n  \
         cargo run -p incident-engine --bin pack-check -- --schema > schema/pack.schema.json"
    );
}
