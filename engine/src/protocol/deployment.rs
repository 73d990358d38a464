//! The organisation's deployment settings: `deployment.json`, served with the build, saying which
//! host pages may embed the widget and which CRM endpoints it may deliver entries to (F17: entries
//! go only where the organisation said; issue 12, "delivery you can trust").
//!
//! ```json
//! {
//!   "format": "incident-desk/deployment@1",
//!   "hosts": ["https://crm.example.org", "http://127.0.0.1:4173"],
//!   "endpoints": ["https://crm.example.org/api/incidents", "https://crm.example.org/intake/"]
//! }
//! ```
//!
//! - `hosts`: the origins of the pages that may embed the widget and talk to it, exactly as
//!   browsers report them (`https://host[:port]`). Each must be https, except on this machine
//!   (`localhost`, `127.0.0.0/8`, `[::1]`), which may be plain http. They are the host
//!   allow-list ([`Deployment::hosts`]) and the page's CSP `frame-ancestors`
//!   ([`Deployment::frame_ancestors`]).
//! - `endpoints`: where the host's `configure` may point HTTP delivery. An entry is an exact
//!   address, or a prefix ending in `/` that allows any address under it (same origin, a path
//!   starting with it). A prefix has no `?query`; no entry has `.` or `..` path segments, and
//!   neither may an address checked against them, so `…/intake/../admin` is never "under"
//!   `…/intake/`. An entry queued for an endpoint later taken off this list is not sent there:
//!   it becomes a dead letter ([`crate::delivery::outbox::Failure::EndpointNotAllowed`]).
//!
//! [`Deployment::parse`] reports every problem with its JSON path (`hosts[2]: …`), and says so
//! when it is given an empty file or a web page (a server's error or sign-in page) instead. The
//! file's JSON Schema is [`deployment_schema_json`], committed as schema/deployment.schema.json.
//! Nothing here panics on any input.

use crate::kernel::json_tree::{last_member, JsonTree, Node, Value};
use schemars::JsonSchema;

use crate::kernel::sort::sort_by_key;
use crate::kernel::{human_bytes, list_problems, Problem};
use crate::protocol::{
    AllowList, Endpoint, FieldProblem, Origin, PayloadRoot, RejectReason, Rejection,
};

/// The `format` of this version of the file.
pub const DEPLOYMENT_FORMAT: &str = "incident-desk/deployment@1";

/// The largest deployment file read, in bytes: a few dozen addresses fit in a few kilobytes.
pub const MAX_DEPLOYMENT_BYTES: usize = 64 * 1024;

/// The fields of the file.
const FIELDS: [&str; 3] = ["format", "hosts", "endpoints"];

/// The deployment settings, checked: every host origin and endpoint rule is usable. The default
/// allows nothing (no host, no endpoint): what the widget uses when the file cannot be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deployment {
    hosts: AllowList,
    endpoints: Vec<EndpointRule>,
}

/// One entry of `endpoints`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointRule {
    /// Exactly this address.
    Exact(Endpoint),
    /// Any address on `origin` whose path starts with `path` (which ends in `/`).
    Under {
        /// The origin the addresses must have.
        origin: Origin,
        /// The start their path must have, ending in `/`.
        path: String,
    },
}

/// Why a deployment file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeploymentError {
    /// Nothing, or only white space.
    #[error("deployment.json is empty: it should hold the deployment settings ({{\"format\": \"{DEPLOYMENT_FORMAT}\", \"hosts\": [...], \"endpoints\": [...]}})")]
    Empty,
    /// Over [`MAX_DEPLOYMENT_BYTES`].
    #[error("deployment.json is too large: {} is over the limit of {}", human_bytes(*.bytes), human_bytes(MAX_DEPLOYMENT_BYTES))]
    TooLarge {
        /// Its size in bytes.
        bytes: usize,
    },
    /// A web page (HTML), typically the server's error or sign-in page answering instead.
    #[error("deployment.json is a web page, not the deployment settings: the server probably answered with an error or sign-in page instead of the file")]
    WebPage,
    /// Not JSON text.
    #[error("deployment.json is not valid JSON (line {line}, column {column})")]
    NotJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// JSON, but not usable settings.
    #[error("deployment.json cannot be used: {}", list_problems(.problems))]
    Invalid {
        /// Every problem, each at its JSON path.
        problems: Vec<Problem>,
    },
}

impl DeploymentError {
    /// Every problem at its path (for [`DeploymentError::Invalid`]; none for the others).
    pub fn problems(&self) -> &[Problem] {
        match self {
            DeploymentError::Invalid { problems } => problems,
            _ => &[],
        }
    }
}

impl Deployment {
    /// Reads and checks a deployment file, reporting every problem with its JSON path.
    pub fn parse(text: &str) -> Result<Deployment, DeploymentError> {
        if text.len() > MAX_DEPLOYMENT_BYTES {
            return Err(DeploymentError::TooLarge { bytes: text.len() });
        }
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            return Err(DeploymentError::Empty);
        }
        if text.starts_with('<') {
            return Err(DeploymentError::WebPage);
        }
        let tree = JsonTree::parse(text.as_bytes()).map_err(|e| DeploymentError::NotJson {
            line: e.line,
            column: e.column,
        })?;
        let mut problems = Vec::new();
        let mut report = |path: String, message: String| problems.push(Problem { path, message });
        let Value::Object(members) = &tree.root().value else {
            report(
                String::new(),
                format!(
                    "the settings must be a JSON object with the fields {}",
                    FIELDS.join(", ")
                ),
            );
            return Err(DeploymentError::Invalid { problems });
        };
        // As serde_json reads an object: each name once, with its last value.
        let get = |name: &str| last_member(members, name);
        let by_name = super::reader::by_name(members);
        for (name, _) in by_name.iter().filter(|(name, _)| !FIELDS.contains(name)) {
            report(
                (*name).to_owned(),
                format!(
                    "is not a field of the deployment settings (the fields are {})",
                    FIELDS.join(", ")
                ),
            );
        }
        match get("format").map(|v| &v.value) {
            None => report(
                "format".into(),
                format!("is required: \"{DEPLOYMENT_FORMAT}\""),
            ),
            Some(Value::String(format)) if format == DEPLOYMENT_FORMAT => {}
            Some(Value::String(format)) if format.starts_with("incident-desk/deployment@") => {
                report(
                    "format".into(),
                    format!("\"{format}\" is another version of the settings; this widget reads \"{DEPLOYMENT_FORMAT}\""),
                )
            }
            Some(_) => report("format".into(), format!("must be \"{DEPLOYMENT_FORMAT}\"")),
        }
        let hosts = strings(get("hosts"), "hosts", &mut report);
        let texts: Vec<&str> = hosts.iter().map(|(_, text)| *text).collect();
        let allow_list = match AllowList::parse(&texts) {
            Ok(list) => Some(list),
            Err(error) => {
                for problem in error.problems {
                    let index = hosts.get(problem.index).map_or(problem.index, |h| h.0);
                    report(format!("hosts[{index}]"), problem.error.to_string());
                }
                None
            }
        };
        let mut endpoints: Vec<EndpointRule> = Vec::new();
        for (index, text) in strings(get("endpoints"), "endpoints", &mut report) {
            match EndpointRule::parse(text) {
                Ok(rule) if endpoints.contains(&rule) => {}
                Ok(rule) => endpoints.push(rule),
                Err(message) => report(format!("endpoints[{index}]"), message),
            }
        }
        match allow_list {
            Some(hosts) if problems.is_empty() => Ok(Deployment { hosts, endpoints }),
            _ => {
                // In the order of the fields, then of the items; unknown fields last.
                sort_by_key(&mut problems, |p| {
                    let (name, index) = p.path.split_once('[').unwrap_or((&p.path, ""));
                    let field = FIELDS.iter().position(|f| *f == name);
                    let index: usize = index.trim_end_matches(']').parse().unwrap_or(0);
                    (field.unwrap_or(FIELDS.len()), index)
                });
                Err(DeploymentError::Invalid { problems })
            }
        }
    }

    /// The host origins, as the allow-list the host bridge checks `event.origin` against.
    pub fn hosts(&self) -> &AllowList {
        &self.hosts
    }

    /// Whether a page of `origin` may embed the widget and talk to it.
    pub fn allows_host(&self, origin: &Origin) -> bool {
        self.hosts.allows(origin)
    }

    /// The endpoint rules, in the file's order (repeats kept once).
    pub fn endpoint_rules(&self) -> &[EndpointRule] {
        &self.endpoints
    }

    /// Whether entries may be delivered to `endpoint`: it is one of the exact addresses, or under
    /// one of the prefixes. An address with a `.` or `..` path segment is never allowed.
    pub fn allows_endpoint(&self, endpoint: &Endpoint) -> bool {
        let origin_len = endpoint.origin().to_string().len();
        let rest = endpoint.as_str().get(origin_len..).unwrap_or_default();
        let path = rest.split('?').next().unwrap_or_default();
        if has_dot_segment(path) {
            return false;
        }
        self.endpoints.iter().any(|rule| match rule {
            EndpointRule::Exact(exact) => exact.as_str() == endpoint.as_str(),
            EndpointRule::Under {
                origin,
                path: start,
            } => origin == endpoint.origin() && path.starts_with(start.as_str()),
        })
    }

    /// Whether entries may be delivered to the address `url` (as an entry's route is stored):
    /// false if it is not an endpoint address at all.
    pub fn allows_endpoint_str(&self, url: &str) -> bool {
        Endpoint::parse(url).is_ok_and(|endpoint| self.allows_endpoint(&endpoint))
    }

    /// The refusal of a `configure` whose endpoint this deployment does not list, at its
    /// `endpoint` field (below `at`: `$.payload.endpoint` in a message, `$.endpoint` for the custom
    /// element's bare command), or `None` when it has no endpoint or the endpoint is allowed. The
    /// page around the widget may not send entries anywhere the organisation has not listed. The
    /// refusal says where and why, never the address (its query may hold a secret), and that the
    /// rest of the configure was applied ([`RejectReason::EndpointNotAllowed`]); the caller
    /// correlates it to the configure.
    pub fn refuse_endpoint(
        &self,
        endpoint: Option<&Endpoint>,
        at: PayloadRoot,
    ) -> Option<Rejection> {
        let endpoint = endpoint?;
        if self.allows_endpoint(endpoint) {
            return None;
        }
        Some(Rejection {
            reason: RejectReason::EndpointNotAllowed {
                problem: FieldProblem {
                    path: format!("{}.endpoint", at.path()),
                    message: "is not among the endpoints this deployment allows (\"endpoints\" in its deployment.json)".to_owned(),
                },
            },
            correlation: None,
        })
    }

    /// The source list for the widget page's CSP `frame-ancestors`: `'self'` and each host
    /// origin, separated by spaces.
    pub fn frame_ancestors(&self) -> String {
        let mut sources = vec!["'self'".to_owned()];
        sources.extend(self.hosts.origins().iter().map(ToString::to_string));
        sources.join(" ")
    }
}

impl EndpointRule {
    /// The rule in one entry of `endpoints`, or why it cannot be one.
    fn parse(text: &str) -> Result<EndpointRule, String> {
        let endpoint = Endpoint::parse(text).map_err(|problem| problem.to_string())?;
        let origin_len = endpoint.origin().to_string().len();
        let rest = endpoint
            .as_str()
            .get(origin_len..)
            .unwrap_or_default()
            .to_owned();
        let path = rest.split('?').next().unwrap_or_default();
        if has_dot_segment(path) {
            return Err(
                "the path has a \".\" or \"..\" segment: write the address as the browser would reach it"
                    .to_owned(),
            );
        }
        if !text.ends_with('/') {
            return Ok(EndpointRule::Exact(endpoint));
        }
        if rest.contains('?') {
            return Err("a prefix (an address ending in /) has no ?query".to_owned());
        }
        Ok(EndpointRule::Under {
            origin: endpoint.origin().clone(),
            path: rest,
        })
    }
}

/// The text items of the list `value` at `name`, with their indices; problems reported.
fn strings<'v>(
    value: Option<&'v Node<'v>>,
    name: &str,
    report: &mut impl FnMut(String, String),
) -> Vec<(usize, &'v str)> {
    match value.map(|v| &v.value) {
        None => {
            report(
                name.to_owned(),
                "is required: a list of addresses (it may be empty)".to_owned(),
            );
            Vec::new()
        }
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match &item.value {
                Value::String(text) => Some((i, text.as_ref())),
                _ => {
                    report(
                        format!("{name}[{i}]"),
                        "must be text (an address)".to_owned(),
                    );
                    None
                }
            })
            .collect(),
        Some(_) => {
            report(name.to_owned(), "must be a list of addresses".to_owned());
            Vec::new()
        }
    }
}

/// Whether a URL path has a `.` or `..` segment, written plainly or percent-encoded (`%2e`),
/// which browsers resolve before sending, so the address reached is not the one written.
fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    })
}

// The file as written, for its JSON Schema only: reading is by hand, to report every problem
// with its path.
/// The organisation's deployment settings (deployment.json, served with the build): the host pages
/// that may embed the widget and the endpoints it may deliver entries to.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Incident Desk deployment settings, version 1")]
#[allow(dead_code)]
struct DeploymentFile {
    /// Always `incident-desk/deployment@1`.
    #[schemars(extend("const" = "incident-desk/deployment@1"))]
    format: String,
    /// The origins of the host pages that may embed the widget (`https://host[:port]`; plain
    /// http only for localhost, 127.0.0.0/8 and [::1]). They make the page's CSP
    /// frame-ancestors.
    hosts: Vec<HostOrigin>,
    /// Where HTTP delivery may go: exact addresses, or prefixes ending in `/` that allow any
    /// address under them on the same origin. Empty for delivery to the host page only.
    endpoints: Vec<EndpointEntry>,
}

/// A host page's origin: scheme, host and port, nothing else.
#[derive(JsonSchema)]
#[serde(transparent)]
#[allow(dead_code)]
struct HostOrigin(
    #[schemars(
        length(min = 1, max = 300),
        regex(pattern = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#*@\s]+$")
    )]
    String,
);

/// An exact endpoint address, or a prefix ending in `/` (no ?query) allowing any address under
/// it; https, or plain http only on this machine; no #fragment and no `.` or `..` segments.
#[derive(JsonSchema)]
#[serde(transparent)]
#[allow(dead_code)]
struct EndpointEntry(
    #[schemars(
        length(min = 1, max = 2048),
        regex(pattern = r"^[Hh][Tt][Tt][Pp][Ss]?://[^#\s]+$")
    )]
    String,
);

/// The deployment file's JSON Schema, pretty-printed, ending in a newline (committed as
/// schema/deployment.schema.json).
pub fn deployment_schema_json() -> String {
    let schema = schemars::schema_for!(DeploymentFile);
    let mut text =
        serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
