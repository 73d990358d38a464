//! The deployment settings (deployment.json): read and checked with every problem at its path,
//! host origins https except on this machine, endpoint rules exact or prefixes that cannot be
//! escaped, and the CSP frame-ancestors they make.

use incident_engine::protocol::deployment::{Deployment, DeploymentError, EndpointRule};
use incident_engine::protocol::{Endpoint, HostEvent, Origin, PayloadRoot};
use serde_json::{json, Value};

const EXAMPLE: &str = r#"{
  "format": "incident-desk/deployment@1",
  "hosts": ["https://crm.example.org", "http://127.0.0.1:4173"],
  "endpoints": ["https://crm.example.org/api/incidents", "https://crm.example.org/intake/"]
}"#;

fn example() -> Deployment {
    Deployment::parse(EXAMPLE).unwrap()
}

fn problems(value: Value) -> Vec<(String, String)> {
    match Deployment::parse(&value.to_string()) {
        Err(DeploymentError::Invalid { problems }) => {
            problems.into_iter().map(|p| (p.path, p.message)).collect()
        }
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn the_example_is_read_with_its_hosts_and_endpoints() {
    let deployment = example();
    let origins: Vec<String> = deployment
        .hosts()
        .origins()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        origins,
        ["https://crm.example.org", "http://127.0.0.1:4173"]
    );
    assert!(deployment.allows_host(&Origin::parse("https://crm.example.org").unwrap()));
    assert!(deployment.allows_host(&Origin::parse("HTTPS://CRM.EXAMPLE.ORG:443").unwrap()));
    assert!(!deployment.allows_host(&Origin::parse("https://eu.crm.example.org").unwrap()));
    assert!(!deployment.allows_host(&Origin::parse("http://crm.example.org").unwrap()));
    assert_eq!(deployment.endpoint_rules().len(), 2);
    assert!(matches!(
        &deployment.endpoint_rules()[1],
        EndpointRule::Under { path, .. } if path == "/intake/"
    ));
}

#[test]
fn frame_ancestors_are_self_and_each_host() {
    assert_eq!(
        example().frame_ancestors(),
        "'self' https://crm.example.org http://127.0.0.1:4173"
    );
    let none = Deployment::parse(
        &json!({"format": "incident-desk/deployment@1", "hosts": [], "endpoints": []}).to_string(),
    )
    .unwrap();
    assert_eq!(none.frame_ancestors(), "'self'");
}

#[test]
fn endpoints_are_allowed_exactly_or_under_a_prefix_and_never_by_escaping_it() {
    let deployment = example();
    for allowed in [
        "https://crm.example.org/api/incidents",
        "HTTPS://crm.example.org:443/api/incidents",
        "https://crm.example.org/intake/",
        "https://crm.example.org/intake/calls",
        "https://crm.example.org/intake/calls/2027?tenant=3",
    ] {
        assert!(deployment.allows_endpoint_str(allowed), "{allowed}");
    }
    for refused in [
        "https://crm.example.org/api/incidents/extra",
        "https://crm.example.org/api/incident",
        "https://crm.example.org/api/incidents?x=1",
        "https://crm.example.org/intake",
        "https://crm.example.org/intakes/x",
        "https://crm.example.org/intake/../admin",
        "https://crm.example.org/intake/%2e%2e/admin",
        "https://crm.example.org/intake/%2E./admin",
        "https://crm.example.org/intake/./x",
        "https://crm.example.org.evil.example/intake/x",
        "https://crm.example.org:8443/intake/x",
        "http://crm.example.org/intake/x",
        "https://other.example/intake/x",
        "not a url",
        "",
    ] {
        assert!(!deployment.allows_endpoint_str(refused), "{refused}");
    }
    let endpoint = Endpoint::parse("https://crm.example.org/intake/x").unwrap();
    assert!(deployment.allows_endpoint(&endpoint));
}

#[test]
fn every_problem_is_reported_at_its_path() {
    let found = problems(json!({
        "format": "incident-desk/deployment@1",
        "hosts": ["https://crm.example.org", "*", "http://crm.example.org", 42, "https://a.example/"],
        "endpoints": [
            "https://crm.example.org/api",
            "http://crm.example.org/api",
            "https://crm.example.org/intake/?x=1/",
            "https://crm.example.org/a/../b",
            "javascript:alert(1)",
            "https://crm.example.org/api#top",
            7
        ],
        "allowed_hosts": []
    }));
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "hosts[1]",
            "hosts[2]",
            "hosts[3]",
            "hosts[4]",
            "endpoints[1]",
            "endpoints[2]",
            "endpoints[3]",
            "endpoints[4]",
            "endpoints[5]",
            "endpoints[6]",
            "allowed_hosts",
        ],
        "{found:?}"
    );
    let message = |path: &str| {
        found
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, m)| m.clone())
            .unwrap()
    };
    assert!(message("hosts[2]").contains("must use https"));
    assert!(message("hosts[1]").contains("wildcards"));
    assert!(message("hosts[3]").contains("must be text"));
    assert!(message("endpoints[1]").contains("must use https"));
    assert!(message("endpoints[2]").contains("no ?query"));
    assert!(message("endpoints[3]").contains("\"..\" segment"));
    assert!(message("allowed_hosts").contains("is not a field"));
    let error = Deployment::parse(&json!({"format": "incident-desk/deployment@1", "hosts": ["http://crm.example.org"], "endpoints": []}).to_string()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "deployment.json cannot be used: hosts[0]: a host origin must use https (plain http is allowed only for localhost, 127.0.0.0/8 and [::1])"
    );
}

#[test]
fn the_format_and_both_lists_are_required() {
    let found = problems(json!({}));
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["format", "hosts", "endpoints"]);
    let found = problems(
        json!({"format": "incident-desk/deployment@2", "hosts": "https://crm.example.org", "endpoints": {}}),
    );
    assert_eq!(found[0].0, "format");
    assert!(found[0].1.contains("another version"), "{found:?}");
    assert_eq!(
        found[1],
        ("hosts".to_owned(), "must be a list of addresses".to_owned())
    );
    assert_eq!(found[2].0, "endpoints");
    let found = problems(json!({"format": 1, "hosts": [], "endpoints": []}));
    assert_eq!(
        found,
        [(
            "format".to_owned(),
            "must be \"incident-desk/deployment@1\"".to_owned()
        )]
    );
    let found = problems(json!(["https://crm.example.org"]));
    assert_eq!(found[0].0, "");
    assert!(found[0].1.contains("must be a JSON object"));
}

#[test]
fn an_empty_file_a_web_page_or_broken_json_says_so() {
    assert_eq!(Deployment::parse(""), Err(DeploymentError::Empty));
    assert_eq!(Deployment::parse(" \n\t"), Err(DeploymentError::Empty));
    let page = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head></html>";
    assert_eq!(Deployment::parse(page), Err(DeploymentError::WebPage));
    assert!(Deployment::parse(page)
        .unwrap_err()
        .to_string()
        .contains("is a web page"));
    assert!(matches!(
        Deployment::parse("{\"format\": "),
        Err(DeploymentError::NotJson { line: 1, .. })
    ));
    let huge = format!("{{\"format\": \"{}\"}}", "x".repeat(70_000));
    assert!(matches!(
        Deployment::parse(&huge),
        Err(DeploymentError::TooLarge { .. })
    ));
    // A byte-order mark, as some editors save, is not a problem.
    assert!(Deployment::parse(&format!("\u{feff}{EXAMPLE}")).is_ok());
}

#[test]
fn the_schema_describes_the_file() {
    let schema: Value =
        serde_json::from_str(&incident_engine::schema::deployment_schema_json()).unwrap();
    assert_eq!(
        schema["properties"]["format"]["const"],
        "incident-desk/deployment@1"
    );
    assert_eq!(schema["additionalProperties"], false);
    let mut required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    required.sort();
    assert_eq!(required, ["endpoints", "format", "hosts"]);
}

#[test]
fn a_configure_to_an_endpoint_the_deployment_does_not_list_is_refused_by_where_and_why_never_what()
{
    let deployment = example();
    assert!(deployment
        .refuse_endpoint(None, PayloadRoot::Envelope)
        .is_none());
    let listed = Endpoint::parse("https://crm.example.org/intake/calls").unwrap();
    assert!(deployment
        .refuse_endpoint(Some(&listed), PayloadRoot::Envelope)
        .is_none());
    let elsewhere = Endpoint::parse("https://attacker.example/collect?secret=abc").unwrap();
    // In a message the payload is at `$.payload`; a custom element's bare command is the payload.
    for (at, path) in [
        (PayloadRoot::Envelope, "$.payload.endpoint"),
        (PayloadRoot::Bare, "$.endpoint"),
    ] {
        let refusal = deployment.refuse_endpoint(Some(&elsewhere), at).unwrap();
        assert_eq!(refusal.code(), "endpoint_not_allowed");
        let problems = refusal.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, path);
        // Where and why, never what: nothing of the address the host sent comes back.
        let said = format!("{refusal} {}", problems[0].message);
        for sent in ["attacker", "collect", "secret", "abc"] {
            assert!(!said.contains(sent), "{sent} in {said}");
        }
        assert!(said.contains(path), "{said}");
        assert!(
            said.contains("not among the endpoints this deployment allows"),
            "{said}"
        );
        // Truthful: the rest of the configure was applied; its endpoint and token were not.
        assert!(!said.contains("not acted on"), "{said}");
        let text = refusal.to_string();
        for applied in ["agent", "name", "role", "locale", "theme", "storage key"] {
            assert!(text.contains(applied), "{applied} in {text}");
        }
        assert!(
            text.contains("endpoint and token in force stay as they were"),
            "{text}"
        );
        // The error event carries the same words.
        let HostEvent::Error(report) = HostEvent::error(&refusal) else {
            panic!("not an error event");
        };
        assert_eq!(report.code, "endpoint_not_allowed");
        assert_eq!(report.message, text);
    }
    // Settings that cannot be read allow no endpoint: refused alike.
    assert!(Deployment::default()
        .refuse_endpoint(Some(&listed), PayloadRoot::Envelope)
        .is_some());
}
