//! The message protocol between the widget and the host page it is embedded in (F17: embedded in a
//! CRM page by iframe and postMessage or as a custom element, completed entries delivered exactly
//! once; F21: a message is refused without echoing what it held, so personal data in a bad message
//! goes nowhere; issue 5, "Three ways to embed, one build").
//!
//! The browser side (`src/host/`) checks what only a browser can: that `event.origin` is on the
//! [`AllowList`] and `event.source` is the parent window, or that the message came through the
//! widget's own MessageChannel port. It hands the message data to this module as JSON text
//! (`JSON.stringify(event.data)`) and posts what this module builds. Everything that can be decided
//! from the text is decided here, and tested natively.
//!
//! # Origins
//!
//! [`Origin::parse`] reads an exact `scheme://host[:port]`: `http` or `https`, scheme and host
//! lower-cased, a default port dropped (`https://a.example:443` is `https://a.example`), IPv6 in
//! brackets; never a wildcard, `*`, `null`, a path, a query, a fragment or a user name. An
//! [`AllowList`] is built from configured strings and reports every bad entry with its index.
//!
//! # The envelope
//!
//! Every message, both ways, is one JSON object (a JSON Schema for both directions is
//! [`protocol_schema_json`]):
//!
//! | field         | what it is                                                                       |
//! |---------------|----------------------------------------------------------------------------------|
//! | `protocol`    | always `"incident-desk"`: tells our messages from anything else on the window     |
//! | `version`     | always `1` for this version of the protocol                                      |
//! | `id`          | this message's id: 1–64 of `A-Z a-z 0-9 . _ : -` (the widget uses UUIDs)         |
//! | `correlation` | the id of the message this one answers, or `null`                                |
//! | `session`     | the session id the widget chose in its `hello`; the host echoes it               |
//! | `instance`    | which widget on the page (two instances keep two sessions); the host echoes it   |
//! | `seq`         | the sender's own counter, 1 to 2⁵³−1, increasing with every message it sends     |
//! | `type`        | what the message is: a [`HostCommand`] from the host, a [`HostEvent`] to it       |
//! | `payload`     | an object, always present (`{}` when there is nothing to say)                    |
//!
//! From the host (`entry.ack`):
//!
//! ```json
//! {"protocol":"incident-desk","version":1,"id":"h-7","correlation":null,
//!  "session":"5f0c…","instance":"desk-1","seq":7,"type":"entry.ack",
//!  "payload":{"key":"0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a"}}
//! ```
//!
//! To the host (`entry.delivered`):
//!
//! ```json
//! {"protocol":"incident-desk","version":1,"id":"c1d2…","correlation":null,
//!  "session":"5f0c…","instance":"desk-1","seq":12,"type":"entry.delivered",
//!  "payload":{"key":"0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a"}}
//! ```
//!
//! # The handshake and the session
//!
//! A [`HostSession`] is made per widget instance and page load, with a fresh session id. Its
//! [`HostSession::hello`] is posted to the host origin(s) on the allow-list (never `*`); the host
//! answers `welcome` with `correlation` set to the hello's `id` and the same `session` and
//! `instance`. Until then every other command is refused; after it the browser side moves the
//! traffic to a MessageChannel port. [`HostSession::accept`] refuses a message of another
//! protocol, version, session or instance, one whose `seq` is not greater than the last accepted
//! (a replay, a duplicate or a reordering), one before the welcome, and one after `teardown`. A
//! refused message changes nothing, not even the sequence number, so a corrected message may reuse
//! it. The widget's own messages carry its own increasing counter.
//!
//! # Refusals say where, never what
//!
//! A [`Rejection`] names the kind of problem, JSON paths (`$.payload.theme['--idk-accent']`) and
//! numbers from the envelope (`seq`, `version`, sizes), and never a string the host sent: a caller's
//! number in a malformed `context.set` must not travel back in the `error` event, nor reach the
//! handler's screen. [`HostSession::error_event`] turns it into the `error` event, correlated to the
//! refused message's id when that could be read.
//!
//! # Without an envelope
//!
//! In the script and custom-element mode the host's own script holds the widget
//! (`IncidentDesk.mount(element, options).command(name, payload)`): no window, no origin, no
//! session. [`read_bare_command`] reads such a command from its type name and payload with the
//! same readers, and [`HostEvent::payload_json`] gives an event's payload for the DOM event that
//! carries it (`incident-desk:<type>`).
//!
//! Nothing here panics on any input: bad text is a [`Rejection`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

pub mod deployment;

use crate::call::entry::LogEntry;
use crate::delivery::outbox::{Failure, IdempotencyKey, OutboxStatus};
use crate::kernel::{human_bytes, Random, Role, SplitMix64};
use crate::pack::resources::UnitUpdate;
use crate::pack::Pack;
use crate::pack::PackLoadError;
use crate::pack::UnitStatus;

/// The `protocol` field of every message.
pub const PROTOCOL: &str = "incident-desk";

/// The `version` field of every message; a message of another version is refused whole.
pub const PROTOCOL_VERSION: u64 = 1;

/// The largest message read, in bytes of JSON text. A command is a few hundred bytes; anything near
/// this is a mistake or an attack, and reading it would stall the handler's browser mid-call.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// The largest sequence number: JavaScript numbers are exact only up to 2⁵³ − 1, and a number
/// the host cannot count past cannot order anything.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// The largest `z_index` in `configure`: CSS stacking levels are 32-bit signed integers, and a
/// widget that must stay above everything uses the largest.
pub const MAX_Z_INDEX: u32 = i32::MAX as u32;

/// Ids in the envelope (`id`, `correlation`, `session`, `instance`): room for a UUID and a prefix.
const MAX_ID_CHARS: usize = 64;
/// Short texts: agent id, call id, contact reference, unit id.
const MAX_LABEL_CHARS: usize = 128;
/// The host's reason in `entry.nack` (the outbox keeps 200 characters of it).
const MAX_REASON_CHARS: usize = 1_000;
/// Endpoint and pack addresses.
const MAX_URL_CHARS: usize = 2_048;
/// An origin: a 253-character host, a scheme and a port fit easily.
const MAX_ORIGIN_CHARS: usize = 300;
/// `--idk-*` properties in one theme.
const MAX_THEME_PROPERTIES: usize = 64;
/// A theme property's name, `--idk-` included.
const MAX_THEME_NAME_CHARS: usize = 64;
/// A theme property's value: a colour, a length or a font stack.
const MAX_THEME_VALUE_CHARS: usize = 200;
/// Units in one `resources.update`.
const MAX_UNITS: usize = 1_000;
/// Locale tags (BCP 47; 35 characters covers every registered tag).
const MAX_LOCALE_CHARS: usize = 35;
/// Caller numbers.
const MAX_PHONE_CHARS: usize = 32;

// ---------------------------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------------------------

/// The scheme of an [`Origin`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    /// Plain HTTP: only sensible for loopback development hosts.
    Http,
    /// HTTPS.
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    /// 80 or 443: the port an origin of this scheme has when it names none.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// An origin as a browser reports it in `event.origin`: scheme, host and port, nothing else.
/// Compared exactly: `https://crm.example` is not `https://eu.crm.example`, nor
/// `http://crm.example`, nor `https://crm.example:8443`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    scheme: Scheme,
    /// Lower case; an IPv6 address in brackets, in its shortest form.
    host: String,
    /// `None` for the scheme's default port, so that `:443` on https compares equal to nothing.
    port: Option<u16>,
}

/// Why a text is not an origin the widget can trust.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    /// Nothing was given.
    #[error("the origin is empty")]
    Empty,
    /// Longer than any real origin.
    #[error("the origin is longer than {MAX_ORIGIN_CHARS} characters")]
    TooLong,
    /// `*` anywhere: the widget talks to named hosts only.
    #[error("wildcards are not allowed: list each host origin exactly, as https://host[:port]")]
    Wildcard,
    /// `null`: the origin of sandboxed frames and local files, which any page can pose as.
    #[error("\"null\" is the origin of sandboxed frames and local files, which any page can pose as, so it cannot be trusted")]
    Null,
    /// Spaces, tabs, newlines or other control characters.
    #[error("the origin contains spaces or control characters")]
    Whitespace,
    /// No `scheme://` at the start.
    #[error("an origin starts with https:// (or http://)")]
    NoScheme,
    /// A scheme other than http or https.
    #[error("only http and https origins are allowed")]
    UnsupportedScheme,
    /// `user:password@` before the host.
    #[error("an origin has no user name or password: remove the part before @")]
    UserInfo,
    /// A `/` after the host: the commonest slip when copying an address.
    #[error("an origin has no path: remove the trailing \"/\"")]
    TrailingSlash,
    /// A path after the host.
    #[error("an origin has no path: keep only scheme://host[:port]")]
    Path,
    /// A `?` query after the host.
    #[error("an origin has no query: keep only scheme://host[:port]")]
    Query,
    /// A `#` fragment after the host.
    #[error("an origin has no fragment: keep only scheme://host[:port]")]
    Fragment,
    /// No host between `://` and the port.
    #[error("the origin has no host")]
    EmptyHost,
    /// Characters a host cannot have, or an empty label (`a..example`, a trailing dot).
    #[error("the host may contain only letters, digits, hyphens, underscores and dots, with no empty parts")]
    BadHost,
    /// Letters outside ASCII: browsers report such hosts in their `xn--` form.
    #[error("write an international host name in its xn-- (punycode) form, as browsers report it")]
    NotAscii,
    /// A host ending in a number that is not a plain dotted IPv4 address (`127.1`, `0x7f.0.0.1`,
    /// `010.0.0.1`), which browsers would rewrite, so it would never match.
    #[error("a numeric host must be a plain IPv4 address such as 127.0.0.1")]
    BadIpv4,
    /// Something in brackets that is not an IPv6 address.
    #[error("the host in brackets is not an IPv6 address")]
    BadIpv6,
    /// An IPv6 address without brackets.
    #[error("an IPv6 host must be in brackets, as in http://[::1]:8080")]
    UnbracketedIpv6,
    /// A port that is not a number from 1 to 65535.
    #[error("the port must be a number from 1 to 65535")]
    BadPort,
    /// Plain http for a host other than this machine, in an allow-list: the page could be served
    /// or altered by anyone on the network between it and the browser.
    #[error("a host origin must use https (plain http is allowed only for localhost, 127.0.0.0/8 and [::1])")]
    Insecure,
}

impl Origin {
    /// Reads an exact origin, normalised as browsers report them (see [`OriginError`] for what is
    /// refused).
    pub fn parse(text: &str) -> Result<Origin, OriginError> {
        if text.is_empty() {
            return Err(OriginError::Empty);
        }
        if text.chars().count() > MAX_ORIGIN_CHARS {
            return Err(OriginError::TooLong);
        }
        if text.eq_ignore_ascii_case("null") {
            return Err(OriginError::Null);
        }
        if text.contains('*') {
            return Err(OriginError::Wildcard);
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(OriginError::Whitespace);
        }
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err(OriginError::NoScheme);
        };
        let scheme = if scheme.eq_ignore_ascii_case("https") {
            Scheme::Https
        } else if scheme.eq_ignore_ascii_case("http") {
            Scheme::Http
        } else {
            return Err(OriginError::UnsupportedScheme);
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return Err(OriginError::UserInfo);
        }
        match tail.chars().next() {
            None => {}
            Some('/') if tail == "/" => return Err(OriginError::TrailingSlash),
            Some('/') => return Err(OriginError::Path),
            Some('?') => return Err(OriginError::Query),
            Some(_) => return Err(OriginError::Fragment),
        }
        let (host, port) = split_host_port(authority)?;
        let host = normalise_host(host)?;
        let port = match port {
            None => None,
            Some(text) => {
                let port = parse_port(text)?;
                (port != scheme.default_port()).then_some(port)
            }
        };
        Ok(Origin { scheme, host, port })
    }

    /// Its scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Its host, lower case (an IPv6 address in brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Its port, the scheme's default if none was named.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(self.scheme.default_port())
    }

    /// Whether it names this machine (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`): the
    /// only hosts plain http is accepted for, because nothing leaves the machine.
    pub fn is_loopback(&self) -> bool {
        self.host == "localhost"
            || self.host.ends_with(".localhost")
            || self.host == "[::1]"
            || self
                .host
                .parse::<Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The host and the port text of an authority (`host`, `host:port`, `[v6]`, `[v6]:port`).
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), OriginError> {
    if let Some(inside) = authority.strip_prefix('[') {
        let Some(close) = inside.find(']') else {
            return Err(OriginError::BadIpv6);
        };
        // `close` is an index in `inside`, one byte after `authority`'s start.
        let host = &authority[..close + 2];
        let after = &inside[close + 1..];
        match after.strip_prefix(':') {
            Some(port) => Ok((host, Some(port))),
            None if after.is_empty() => Ok((host, None)),
            None => Err(OriginError::BadHost),
        }
    } else {
        match authority.split_once(':') {
            None => Ok((authority, None)),
            Some((_, port)) if port.contains(':') => Err(OriginError::UnbracketedIpv6),
            Some((host, port)) => Ok((host, Some(port))),
        }
    }
}

/// The host as a browser would report it, or why it is not one.
fn normalise_host(host: &str) -> Result<String, OriginError> {
    if host.is_empty() {
        return Err(OriginError::EmptyHost);
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(OriginError::BadIpv6)?;
        let ip: Ipv6Addr = inner.parse().map_err(|_| OriginError::BadIpv6)?;
        return Ok(format!("[{}]", ipv6_text(ip)));
    }
    if !host.is_ascii() {
        return Err(OriginError::NotAscii);
    }
    let host = host.to_ascii_lowercase();
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if host.len() > 253 || !host.split('.').all(label_ok) {
        return Err(OriginError::BadHost);
    }
    // The URL standard reads a host whose last label is a number as IPv4 and rewrites it.
    let last = host.rsplit('.').next().unwrap_or_default();
    if last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x") {
        match host.parse::<Ipv4Addr>() {
            Ok(ip) if ip.to_string() == host => {}
            _ => return Err(OriginError::BadIpv4),
        }
    }
    Ok(host)
}

/// An IPv6 address as the URL standard serialises it: lower-case hex pieces without leading
/// zeros, the first longest run of two or more zero pieces written `::`.
fn ipv6_text(ip: Ipv6Addr) -> String {
    let pieces = ip.segments();
    let (mut run_start, mut run_len) = (None, 1);
    let mut i = 0;
    while i < pieces.len() {
        if pieces[i] == 0 {
            let start = i;
            while i < pieces.len() && pieces[i] == 0 {
                i += 1;
            }
            if i - start > run_len {
                run_start = Some(start);
                run_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    let mut text = String::new();
    let mut i = 0;
    while i < pieces.len() {
        if Some(i) == run_start {
            text.push_str(if i == 0 { "::" } else { ":" });
            i += run_len;
            continue;
        }
        let _ = write!(text, "{:x}", pieces[i]);
        if i + 1 < pieces.len() {
            text.push(':');
        }
        i += 1;
    }
    text
}

fn parse_port(text: &str) -> Result<u16, OriginError> {
    // `u16::from_str` takes a leading '+', which no URL has.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OriginError::BadPort);
    }
    match text.parse::<u16>() {
        Ok(0) | Err(_) => Err(OriginError::BadPort),
        Ok(port) => Ok(port),
    }
}

/// The host origins the widget will talk to, from configuration. Matching is exact; there is no
/// wildcard, and an empty list matches nothing (the widget then runs without a host).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    origins: Vec<Origin>,
}

/// One configured entry that is not an origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entry [{index}]: {error}")]
pub struct AllowListProblem {
    /// Its index in the configured list, from 0.
    pub index: usize,
    /// Why it is not an origin.
    pub error: OriginError,
}

/// A configured allow-list with bad entries, every one of them listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the host origin allow-list cannot be used: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct AllowListError {
    /// Every bad entry, in list order.
    pub problems: Vec<AllowListProblem>,
}

impl AllowList {
    /// The allow-list of these configured origins, or every entry that is not one. Each must be
    /// https, except on this machine ([`Origin::is_loopback`]), which may be plain http. Repeats
    /// (after normalisation) are kept once.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<AllowList, AllowListError> {
        let mut origins: Vec<Origin> = Vec::new();
        let mut problems = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            match Origin::parse(entry.as_ref()) {
                Ok(origin) if origin.scheme() == Scheme::Http && !origin.is_loopback() => {
                    problems.push(AllowListProblem {
                        index,
                        error: OriginError::Insecure,
                    });
                }
                Ok(origin) if origins.contains(&origin) => {}
                Ok(origin) => origins.push(origin),
                Err(error) => problems.push(AllowListProblem { index, error }),
            }
        }
        if problems.is_empty() {
            Ok(AllowList { origins })
        } else {
            Err(AllowListError { problems })
        }
    }

    /// Whether `origin` is on the list.
    pub fn allows(&self, origin: &Origin) -> bool {
        self.origins.contains(origin)
    }

    /// Whether a browser's `event.origin` is on the list (`"null"` and anything unreadable are
    /// not).
    pub fn allows_str(&self, event_origin: &str) -> bool {
        Origin::parse(event_origin).is_ok_and(|origin| self.allows(&origin))
    }

    /// The origins, in configured order: the targets for `hello`.
    pub fn origins(&self) -> &[Origin] {
        &self.origins
    }

    /// Whether nothing is allowed.
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }
}

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

fn is_wire_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_ID_CHARS
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

const ID_RULE: &str =
    "must be 1 to 64 letters, digits, dots, underscores, colons or hyphens (a UUID is best)";

macro_rules! wire_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(
            #[schemars(length(min = 1, max = 64), regex(pattern = r"^[A-Za-z0-9._:-]+$"))] String,
        );

        impl $name {
            /// The id, if `text` is 1 to 64 of `A-Z a-z 0-9 . _ : -`.
            pub fn parse(text: &str) -> Option<Self> {
                is_wire_id(text).then(|| $name(text.to_owned()))
            }

            /// A new random id (a version 4 UUID).
            pub fn new_v4<R: Random + ?Sized>(rng: &mut R) -> Self {
                $name(IdempotencyKey::new_v4(rng).into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

wire_id!(
    /// A message's `id`, and the `correlation` of a message answering it.
    MessageId
);
wire_id!(
    /// A session: one handshake between one widget instance and its host, made fresh by the widget
    /// on every page load, so messages meant for an earlier page are refused.
    SessionId
);
wire_id!(
    /// Which widget on the page: two instances on one page keep apart by it.
    InstanceId
);

// ---------------------------------------------------------------------------------------------
// Problems
// ---------------------------------------------------------------------------------------------

/// One thing wrong with a message, at a JSON path (`$.payload.units[2].status`). The message
/// names the kind of problem, never the value found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FieldProblem {
    /// Where, from `$` (the whole message).
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn list(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

// ---------------------------------------------------------------------------------------------
// Validated values in commands
// ---------------------------------------------------------------------------------------------

/// A BCP 47 language tag such as `en-GB` (letters, then subtags of letters and digits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Locale(
    #[schemars(
        length(min = 2, max = 35),
        regex(pattern = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
    )]
    String,
);

impl Locale {
    /// The tag, if `text` is shaped like one.
    pub fn parse(text: &str) -> Option<Locale> {
        let mut subtags = text.split('-');
        let language = subtags.next().unwrap_or_default();
        let ok = text.len() <= MAX_LOCALE_CHARS
            && (2..=3).contains(&language.len())
            && language.bytes().all(|b| b.is_ascii_alphabetic())
            && subtags.all(|s| {
                (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        ok.then(|| Locale(text.to_owned()))
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A secret from the host (a token, a key): its `Debug` prints `Name(…redacted…)` and serialising it
/// writes `"[redacted]"`, so it never leaves the widget through a log or a message made from it.
macro_rules! redacted_secret {
    ($ty:ident) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(…redacted…)", stringify!($ty))
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str("[redacted]")
            }
        }
    };
}

/// The longest bearer token taken, in characters: signed tokens (JWTs) run to a few hundred
/// characters, and one over this is a mistake.
pub const MAX_TOKEN_CHARS: usize = 4_096;

const TOKEN_RULE: &str = "must be a bearer token: 1 to 4096 letters, digits and - . _ ~ + /, then any number of = (RFC 6750 b64token)";

/// A bearer token for the HTTP endpoint, from `configure` (RFC 6750): the browser sends it as
/// `Authorization: Bearer <token>` with each POST ([`BearerToken::as_header_value`]). It is a
/// credential, so it never leaves the widget any other way: its `Debug` prints
/// `BearerToken(…redacted…)`, serialising it (a [`Configure`] turned back into a message, for a
/// test or a log) writes `"[redacted]"`, which is not a token and so cannot be read back as one,
/// and a refused token is never repeated. Nothing stores it: the widget keeps it in memory, and
/// after a reload the host sends it again with its configure.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(String);

impl BearerToken {
    /// The token, if `text` is an RFC 6750 `b64token` (letters, digits and `- . _ ~ + /`, then
    /// any `=` padding) of 1 to [`MAX_TOKEN_CHARS`] characters.
    pub fn parse(text: &str) -> Option<BearerToken> {
        let body = text.trim_end_matches('=');
        let ok = text.len() <= MAX_TOKEN_CHARS
            && !body.is_empty()
            && body.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
            });
        ok.then(|| BearerToken(text.to_owned()))
    }

    /// The `Authorization` header's value: `Bearer <token>`.
    pub fn as_header_value(&self) -> String {
        format!("Bearer {}", self.0)
    }
}

redacted_secret!(BearerToken);

impl JsonSchema for BearerToken {
    fn schema_name() -> Cow<'static, str> {
        "BearerToken".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A bearer token for the HTTP endpoint (RFC 6750 b64token), sent as Authorization: Bearer <token> with each POST. Write-only: the widget never stores it, logs it or sends it back; send it again after a reload.",
            "type": "string",
            "writeOnly": true,
            "minLength": 1,
            "maxLength": MAX_TOKEN_CHARS,
            "pattern": "^[A-Za-z0-9._~+/-]+=*$"
        })
    }
}

/// A key for encrypting what the widget keeps in the browser (drafts, the outbox), from
/// `configure` (`storage_key`): 32 bytes (AES-256-GCM) as base64. The host supplies it at each
/// sign-in; the widget keeps it in memory only. Like [`BearerToken`], it never leaves the widget:
/// `Debug` prints `StorageKey(…redacted…)` and serialising it writes `"[redacted]"`.
#[derive(Clone, PartialEq, Eq)]
pub struct StorageKey([u8; 32]);

const STORAGE_KEY_RULE: &str =
    "must be a key of 32 bytes (256 bits) as base64, such as 44 characters ending in =";

impl StorageKey {
    /// The key, if `text` is 32 bytes as base64 (standard or URL-safe, padding optional).
    pub fn parse(text: &str) -> Option<StorageKey> {
        let bytes = crate::kernel::base64::decode(text)?;
        <[u8; 32]>::try_from(bytes.as_slice()).ok().map(StorageKey)
    }

    /// The key's bytes, for the browser's `crypto.subtle.importKey`.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

redacted_secret!(StorageKey);

impl JsonSchema for StorageKey {
    fn schema_name() -> Cow<'static, str> {
        "StorageKey".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A key of 32 bytes (AES-256-GCM) as base64, with which the widget encrypts the drafts and the outbox it keeps in the browser. Write-only: kept in memory, never stored, logged or sent back; send it again at each sign-in and after a reload. Every handler of a deployment's PCs must be given the same key: what one stored, the next must read.",
            "type": "string",
            "writeOnly": true,
            "pattern": "^[A-Za-z0-9+/_-]{43}=?$"
        })
    }
}

/// CSS functions a theme value may use: colours and arithmetic. Anything else (`url()`,
/// `image-set()`, `expression()`, `paint()`, `attr()`…) could fetch, run or reveal something.
const THEME_FUNCTIONS: [&str; 16] = [
    "rgb",
    "rgba",
    "hsl",
    "hsla",
    "hwb",
    "lab",
    "lch",
    "oklab",
    "oklch",
    "color",
    "color-mix",
    "calc",
    "min",
    "max",
    "clamp",
    "var",
];

/// Characters a theme value may use besides letters and digits: enough for colours, lengths,
/// arithmetic and quoted font names.
const THEME_PUNCTUATION: &str = " #.,%-+*/()\"'_";

/// Functions that fetch or run something, refused wherever they appear (even inside a quoted
/// font name: the rule is easy to state and costs no real theme anything).
const LOADING_FUNCTIONS: [&str; 7] = [
    "url",
    "expression",
    "image-set",
    "-webkit-image-set",
    "image",
    "element",
    "src",
];

/// The host's theme: CSS custom properties named `--idk-*`, each a colour, a length or a font
/// stack. Values are checked against an allow-list of characters and functions, so a value can
/// neither end its declaration (`;`, `{`, `}`), open markup (`<`), nor load anything (`url(`,
/// `image-set(`, `expression(`). The widget still sets them one by one with
/// `style.setProperty`, never as style text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend("propertyNames" = {"pattern": "^--idk-[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 64}, "maxProperties" = 64))]
pub struct Theme(BTreeMap<String, String>);

impl Theme {
    /// The theme of these properties, or every problem with them (paths relative to the theme
    /// object, as `['--idk-accent']`).
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Theme, Vec<FieldProblem>>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut map = BTreeMap::new();
        let mut problems = Vec::new();
        for (name, value) in pairs {
            let (name, value) = (name.into(), value.into());
            if let Some(problem) = theme_name_problem(&name) {
                problems.push(FieldProblem {
                    path: String::new(),
                    message: problem.to_owned(),
                });
            } else if let Some(problem) = theme_value_problem(&value) {
                problems.push(FieldProblem {
                    path: format!("['{name}']"),
                    message: problem,
                });
            } else {
                map.insert(name, value);
            }
        }
        if map.len() > MAX_THEME_PROPERTIES {
            problems.push(FieldProblem {
                path: String::new(),
                message: format!("a theme has at most {MAX_THEME_PROPERTIES} properties"),
            });
        }
        if problems.is_empty() {
            Ok(Theme(map))
        } else {
            Err(problems)
        }
    }

    /// The properties, by name.
    pub fn properties(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why `name` is not a theme property name, if it is not.
fn theme_name_problem(name: &str) -> Option<&'static str> {
    let ok = name.len() <= MAX_THEME_NAME_CHARS
        && name.strip_prefix("--idk-").is_some_and(|rest| {
            !rest.is_empty()
                && rest.split('-').all(|part| {
                    !part.is_empty() && part.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9'))
                })
        });
    (!ok).then_some(
        "a theme property name must be --idk- followed by lower-case words joined by hyphens, at most 64 characters (the name is not repeated here)",
    )
}

/// Why `value` cannot be a theme value, if it cannot. Names the rule broken, never the value.
fn theme_value_problem(value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return Some("must not be blank".to_owned());
    }
    if value.chars().count() > MAX_THEME_VALUE_CHARS {
        return Some(format!(
            "must be at most {MAX_THEME_VALUE_CHARS} characters"
        ));
    }
    for c in value.chars() {
        let why = match c {
            ';' => "contains \";\", which would end the property and start new CSS",
            '{' | '}' => "contains a brace, which would open or close a CSS block",
            '<' | '>' => "contains \"<\" or \">\", which could close the style and open markup",
            '\\' => {
                "contains a backslash, which CSS reads as an escape that could hide a function name"
            }
            '@' => "contains \"@\", which starts a CSS at-rule",
            '!' => "contains \"!\" (such as !important)",
            c if c.is_control() => "contains a control character",
            c if c.is_alphanumeric() || THEME_PUNCTUATION.contains(c) => continue,
            _ => "contains a character that is not allowed in a theme value",
        };
        return Some(why.to_owned());
    }
    if value.contains("/*") || value.contains("*/") {
        return Some(
            "contains a CSS comment (/* or */), which could swallow the CSS after it".to_owned(),
        );
    }
    let lower = value.to_ascii_lowercase();
    if let Some(function) = LOADING_FUNCTIONS
        .iter()
        .find(|f| lower.contains(&format!("{f}(")))
    {
        return Some(format!("uses {function}(), which could load or run content from elsewhere; only colours, lengths and fonts are allowed"));
    }
    // Other functions: an identifier directly followed by "(". A bare "(" (inside calc) is plain
    // grouping.
    let bytes = lower.as_bytes();
    let mut depth = 0i32;
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(q) = quote {
            if b == q {
                quote = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' => quote = Some(b),
            b')' => {
                depth -= 1;
                if depth < 0 {
                    return Some("has a \")\" without its \"(\"".to_owned());
                }
            }
            b'(' => {
                depth += 1;
                let start = bytes[..i]
                    .iter()
                    .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
                    .map_or(0, |p| p + 1);
                let function = &lower[start..i];
                if function.is_empty() || THEME_FUNCTIONS.contains(&function) {
                    continue;
                }
                return Some(format!(
                    "uses a CSS function that is not allowed (allowed: {})",
                    THEME_FUNCTIONS.map(|f| format!("{f}()")).join(", ")
                ));
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return Some("has a quotation mark that is not closed".to_owned());
    }
    if depth != 0 {
        return Some("has a \"(\" without its \")\"".to_owned());
    }
    None
}

/// Problems common to the addresses in commands; the path says which address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    /// Nothing was given.
    #[error("the address is empty")]
    Empty,
    /// Longer than any sensible address.
    #[error("the address is longer than {MAX_URL_CHARS} characters")]
    TooLong,
    /// Spaces or control characters, which browsers strip or encode and so change the address.
    #[error("the address contains spaces or control characters")]
    Whitespace,
    /// A backslash, which browsers read as "/" (so `/\evil.example` is another site).
    #[error("the address contains a backslash")]
    Backslash,
    /// `//host/...`: another site, written to look relative.
    #[error(
        "the address starts with //, which names another site; write https://host/... or a path"
    )]
    ProtocolRelative,
    /// A scheme other than http(s) (`javascript:`, `data:`, `file:`…).
    #[error("only http and https addresses are allowed")]
    SchemeNotAllowed,
    /// `https:host` without the `//`.
    #[error("an absolute address is written scheme://host/path")]
    Malformed,
    /// A relative address where only an absolute one will do.
    #[error("the address must be absolute: https://host/path")]
    NotAbsolute,
    /// Plain http to a host other than this machine: entries would cross the network unencrypted.
    #[error("the address must use https (plain http is allowed only for localhost, 127.0.0.1 and [::1])")]
    Insecure,
    /// A `#fragment`, which is never sent to a server.
    #[error("the address must not have a #fragment")]
    Fragment,
    /// The `scheme://host:port` part is not an origin.
    #[error("its scheme, host and port are not valid: {0}")]
    Origin(OriginError),
}

/// An absolute `http(s)` address split into its origin and the rest; `None` if `text` has no
/// scheme.
fn split_absolute(text: &str) -> Option<Result<(Origin, &str), UrlProblem>> {
    // A scheme is a letter, then letters, digits, "+", "-" or ".", then ":", before any "/?#".
    let colon = text.find(':')?;
    let scheme = &text[..colon];
    let mut chars = scheme.chars();
    let is_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return None;
    }
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return Some(Err(UrlProblem::SchemeNotAllowed));
    }
    let Some(rest) = text[colon + 1..].strip_prefix("//") else {
        return Some(Err(UrlProblem::Malformed));
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    Some(
        Origin::parse(&format!("{scheme}://{authority}"))
            .map(|origin| (origin, tail))
            .map_err(UrlProblem::Origin),
    )
}

fn common_url_checks(text: &str) -> Result<(), UrlProblem> {
    if text.is_empty() {
        Err(UrlProblem::Empty)
    } else if text.chars().count() > MAX_URL_CHARS {
        Err(UrlProblem::TooLong)
    } else if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(UrlProblem::Whitespace)
    } else if text.contains('\\') {
        Err(UrlProblem::Backslash)
    } else if text.starts_with("//") {
        Err(UrlProblem::ProtocolRelative)
    } else {
        Ok(())
    }
}

/// Where the widget POSTs completed entries (with an `Idempotency-Key` header) when the host
/// configures HTTP delivery: an absolute https address, or http to this machine only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
    origin: Origin,
}

impl Endpoint {
    /// The endpoint at `text`, or why it cannot be one.
    pub fn parse(text: &str) -> Result<Endpoint, UrlProblem> {
        common_url_checks(text)?;
        let (origin, tail) = split_absolute(text).ok_or(UrlProblem::NotAbsolute)??;
        if tail.contains('#') {
            return Err(UrlProblem::Fragment);
        }
        if origin.scheme() == Scheme::Http && !origin.is_loopback() {
            return Err(UrlProblem::Insecure);
        }
        let tail = if tail.is_empty() { "/" } else { tail };
        Ok(Endpoint {
            url: format!("{origin}{tail}"),
            origin,
        })
    }

    /// The address, with its origin normalised.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Its origin (the CRM's CSP `connect-src` must allow it).
    pub fn origin(&self) -> &Origin {
        &self.origin
    }
}

impl Serialize for Endpoint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.url)
    }
}

impl JsonSchema for Endpoint {
    fn schema_name() -> Cow<'static, str> {
        "Endpoint".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "An absolute https address (http only for localhost, 127.0.0.1 and [::1]), without a #fragment.",
            "type": "string",
            "format": "uri",
            "maxLength": MAX_URL_CHARS,
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"
        })
    }
}

/// The address of a procedure pack in `pack.load`. The widget's rule is "relative or same-origin
/// only"; this type checks the shape (a relative path, or an absolute http(s) address), and
/// [`PackUrl::is_allowed_for`] compares origins, since only the browser knows the widget's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackUrl {
    /// A path relative to the widget's page (`packs/acme.json`, `/packs/acme.json`).
    Relative(String),
    /// An absolute address.
    Absolute {
        /// The address, with its origin normalised.
        url: String,
        /// Its origin.
        origin: Origin,
    },
}

impl PackUrl {
    /// The pack address in `text`, or why it cannot be one.
    pub fn parse(text: &str) -> Result<PackUrl, UrlProblem> {
        common_url_checks(text)?;
        match split_absolute(text) {
            None => Ok(PackUrl::Relative(text.to_owned())),
            Some(absolute) => {
                let (origin, tail) = absolute?;
                Ok(PackUrl::Absolute {
                    url: format!("{origin}{tail}"),
                    origin,
                })
            }
        }
    }

    /// Whether the widget, served from `widget`, may fetch it: relative paths always, absolute
    /// addresses only on the widget's own origin (the page's CSP `connect-src 'self'` says the same).
    pub fn is_allowed_for(&self, widget: &Origin) -> bool {
        match self {
            PackUrl::Relative(_) => true,
            PackUrl::Absolute { origin, .. } => origin == widget,
        }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        match self {
            PackUrl::Relative(url) | PackUrl::Absolute { url, .. } => url,
        }
    }
}

impl Serialize for PackUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl JsonSchema for PackUrl {
    fn schema_name() -> Cow<'static, str> {
        "PackUrl".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A path relative to the widget's page, or an absolute http(s) address on the widget's own origin.",
            "type": "string",
            "format": "uri-reference",
            "minLength": 1,
            "maxLength": MAX_URL_CHARS
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Commands from the host
// ---------------------------------------------------------------------------------------------

/// A command from the host, read and checked. Serialised, it is the `type` and `payload` of an
/// inbound message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "type", content = "payload")]
pub enum HostCommand {
    /// The host's answer to `hello`; `correlation` must be the hello's `id`.
    #[serde(rename = "welcome")]
    Welcome(Welcome),
    /// Who is at the widget and how it looks. Replaces the whole configuration: send it again to
    /// change anything.
    #[serde(rename = "configure")]
    Configure(Configure),
    /// The CRM's context for the next call: replaces the previous context.
    #[serde(rename = "context.set")]
    ContextSet(ContextSet),
    /// Load this procedure pack.
    #[serde(rename = "pack.load")]
    PackLoad(PackLoad),
    /// Live unit availability; units not listed keep their status.
    #[serde(rename = "resources.update")]
    ResourcesUpdate(ResourcesUpdate),
    /// The host stored the completed entry with this key.
    #[serde(rename = "entry.ack")]
    EntryAck(EntryAck),
    /// The host could not store the entry with this key.
    #[serde(rename = "entry.nack")]
    EntryNack(EntryNack),
    /// Clear local data and end the session (logout on a shared PC).
    #[serde(rename = "teardown")]
    Teardown(Teardown),
}

/// The `welcome` payload: nothing yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Welcome {}

/// The `teardown` payload: nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Teardown {}

/// The `configure` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Configure {
    /// The signed-in person's id in the CRM: it stamps every log event.
    #[schemars(length(min = 1, max = 128))]
    pub agent_id: String,
    /// The name they give callers, which fills `{agent}` in the greeting, the closing and the
    /// control phrases; absent: those show a "your name" gap to fill by voice.
    #[serde(default)]
    #[schemars(length(min = 1, max = 128))]
    pub agent_name: Option<String>,
    /// What they do.
    pub role: Role,
    /// Their locale, for dates and numbers; the pack's wording is the pack's.
    #[serde(default)]
    pub locale: Option<Locale>,
    /// `--idk-*` custom properties.
    #[serde(default)]
    pub theme: Theme,
    /// The widget's stacking level, 0 to 2147483647.
    #[serde(default)]
    #[schemars(range(min = 0, max = 2147483647))]
    pub z_index: Option<u32>,
    /// Deliver completed entries by HTTP POST here as well as by postMessage; `null` or absent
    /// for postMessage only.
    #[serde(default)]
    pub endpoint: Option<Endpoint>,
    /// The bearer token for the endpoint (`Authorization: Bearer <token>`); `null` or absent for
    /// none. Never stored, logged or sent back; send it again after a reload, and send a new one
    /// when the widget says delivery.sign_in_needed.
    #[serde(default)]
    pub token: Option<BearerToken>,
    /// The key the widget encrypts its drafts and outbox with (AES-256-GCM, 32 bytes as base64);
    /// `null` or absent: stored as plain text. Memory only.
    #[serde(default)]
    pub storage_key: Option<StorageKey>,
}

/// The `context.set` payload; every field may be left out or `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContextSet {
    /// The CRM's id for the call (its interaction or ticket id).
    #[serde(default)]
    #[schemars(length(min = 1, max = 128))]
    pub call_id: Option<String>,
    /// The CRM's reference to the contact (not a name).
    #[serde(default)]
    #[schemars(length(min = 1, max = 128))]
    pub contact_ref: Option<String>,
    /// The caller's number, to prefill the callback number: digits, spaces, `+ ( ) - .`.
    #[serde(default)]
    #[schemars(length(min = 3, max = 32), regex(pattern = r"^\+?[0-9 ().-]+$"))]
    pub caller_number: Option<String>,
}

/// The `pack.load` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackLoad {
    /// Where the pack is.
    pub url: PackUrl,
}

/// The `resources.update` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourcesUpdate {
    /// The units whose status changed (each id once).
    #[schemars(length(max = 1000))]
    pub units: Vec<UnitUpdate>,
}

/// The `entry.ack` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryAck {
    /// The entry's idempotency key, from `entry.completed`.
    #[schemars(
        with = "String",
        regex(
            pattern = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
        )
    )]
    pub key: IdempotencyKey,
}

/// The `entry.nack` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryNack {
    /// The entry's idempotency key, from `entry.completed`.
    #[schemars(
        with = "String",
        regex(
            pattern = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
        )
    )]
    pub key: IdempotencyKey,
    /// Why, for the handler (shown in the dead-letter list; keep personal data out of it).
    #[schemars(length(min = 1, max = 1000))]
    pub reason: String,
    /// `true` if the entry will never be accepted as it is (it goes to the dead letters); `false`
    /// to have it retried.
    pub permanent: bool,
}

impl EntryNack {
    /// The outbox's view of this refusal.
    pub fn failure(&self) -> Failure {
        Failure::HostNack {
            permanent: self.permanent,
            reason: self.reason.clone(),
        }
    }
}

/// The command types, for `hello` and for refusals of unknown ones.
const COMMAND_TYPES: [&str; 8] = [
    "welcome",
    "configure",
    "context.set",
    "pack.load",
    "resources.update",
    "entry.ack",
    "entry.nack",
    "teardown",
];

impl HostCommand {
    /// Its `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            HostCommand::Welcome(_) => "welcome",
            HostCommand::Configure(_) => "configure",
            HostCommand::ContextSet(_) => "context.set",
            HostCommand::PackLoad(_) => "pack.load",
            HostCommand::ResourcesUpdate(_) => "resources.update",
            HostCommand::EntryAck(_) => "entry.ack",
            HostCommand::EntryNack(_) => "entry.nack",
            HostCommand::Teardown(_) => "teardown",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Events to the host
// ---------------------------------------------------------------------------------------------

/// An event for the host. Serialised, it is the `type` and `payload` of an outbound message.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", content = "payload")]
pub enum HostEvent {
    /// The widget's first message; the host answers `welcome`.
    #[serde(rename = "hello")]
    Hello(Hello),
    /// The widget is ready for commands.
    #[serde(rename = "ready")]
    Ready(Ready),
    /// A procedure pack was loaded and checked.
    #[serde(rename = "pack.loaded")]
    PackLoaded(PackLoaded),
    /// A procedure pack could not be used.
    #[serde(rename = "pack.error")]
    PackError(PackError),
    /// The handler answered a call.
    #[serde(rename = "call.started")]
    CallStarted(CallStarted),
    /// A call was restored from its draft after a reload, with its CRM link: the CRM re-attaches
    /// it to the interaction it already has rather than sending context for a new call.
    #[serde(rename = "call.resumed")]
    CallResumed(CallResumed),
    /// The call must be escalated.
    #[serde(rename = "escalation.required")]
    EscalationRequired(EscalationRequired),
    /// A call was completed: the host stores the entry and answers `entry.ack` (or
    /// `entry.nack`) with its key. The same key may come again after a reload or a lost answer;
    /// the host keeps the first copy.
    #[serde(rename = "entry.completed")]
    EntryCompleted(EntryCompleted),
    /// An entry's delivery is confirmed (by the host's ack or the HTTP endpoint).
    #[serde(rename = "entry.delivered")]
    EntryDelivered(EntryDelivered),
    /// The HTTP endpoint redirected a POST or answered 401: its sign-in has expired. Entries for
    /// it wait, nothing is lost; send configure with a new token.
    #[serde(rename = "delivery.sign_in_needed")]
    DeliverySignInNeeded(DeliverySignInNeeded),
    /// The outbox's counts.
    #[serde(rename = "outbox.status")]
    OutboxStatus(#[schemars(with = "OutboxCounts")] OutboxStatus),
    /// The widget's content height changed: the host sizes the iframe to it.
    #[serde(rename = "resize")]
    Resize(Resize),
    /// A message from the host was refused and not acted on.
    #[serde(rename = "error")]
    Error(ErrorReport),
    /// The host's teardown is finished: every call draft and delivered key was erased; entries
    /// not yet delivered are kept (nothing is ever dropped) and counted.
    #[serde(rename = "teardown.done")]
    TeardownDone(TeardownDone),
}

/// The `hello` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Hello {
    /// The widget's version.
    pub widget_version: String,
    /// The command types this widget understands.
    pub commands: Vec<String>,
}

/// The `ready` payload: nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Ready {}

/// The `pack.loaded` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PackLoaded {
    /// The organisation's id in the pack.
    pub id: String,
    /// The pack's version.
    pub version: String,
}

/// The `pack.error` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PackError {
    /// What is wrong, as the handler sees it.
    pub message: String,
}

/// The `call.started` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CallStarted {
    /// The call's id (the CRM's from `context.set`, or the widget's own).
    pub call_id: String,
}

/// The `call.resumed` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CallResumed {
    /// The call's id in the widget (as in its `call.started`).
    pub call_id: String,
    /// The CRM's id for the call, from the `context.set` it was started with, or `null`.
    pub crm_call_id: Option<String>,
    /// The CRM's reference to the contact, from that `context.set`, or `null`.
    pub contact_ref: Option<String>,
}

/// The `delivery.sign_in_needed` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DeliverySignInNeeded {
    /// The endpoint that wants a sign-in.
    #[schemars(extend("format" = "uri"))]
    pub endpoint: String,
    /// What it answered, in a few words ("redirected", "HTTP 401").
    pub reason: String,
}

/// The `teardown.done` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TeardownDone {
    /// How many entries not yet delivered were kept.
    pub kept: usize,
}

/// The `escalation.required` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EscalationRequired {
    /// The escalation level's id in the pack.
    pub level: String,
    /// Why, in the pack's words.
    pub reason: String,
}

/// The `entry.completed` payload.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct EntryCompleted {
    /// The entry's idempotency key, the same for every send of it.
    #[schemars(with = "String")]
    pub key: IdempotencyKey,
    /// The log entry (schema/log-entry.schema.json).
    pub entry: Value,
}

/// The `entry.delivered` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EntryDelivered {
    /// The entry's idempotency key.
    #[schemars(with = "String")]
    pub key: IdempotencyKey,
}

/// The counts in `outbox.status` (the schema's view of [`OutboxStatus`], which serialises so).
#[derive(JsonSchema)]
#[schemars(rename = "OutboxStatus")]
#[allow(dead_code)]
struct OutboxCounts {
    /// Waiting to be sent.
    pending: usize,
    /// Sent and unanswered.
    in_flight: usize,
    /// Permanently refused, waiting for the handler.
    dead_letters: usize,
    /// Delivered and still remembered.
    delivered: usize,
    /// How long the oldest entry on its way has waited, in milliseconds.
    oldest_pending_age_ms: Option<u64>,
    /// Undelivered entries (refused ones included) that have waited longer than the pack's
    /// `retention.undelivered_alert_hours`. They are kept; above 0, see to the CRM connection.
    overdue: usize,
}

/// The `resize` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Resize {
    /// The widget's content height in CSS pixels.
    pub height_px: u32,
}

/// The `error` payload; the refused message's id is the envelope's `correlation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ErrorReport {
    /// What kind of problem, for code (`invalid_payload`, `stale_seq`…).
    pub code: String,
    /// What is wrong, for people. Names fields, never their values.
    pub message: String,
    /// Each problem at its JSON path, when there are several.
    pub problems: Vec<FieldProblem>,
}

/// A log entry that is not JSON text (an outbox payload that was tampered with in storage).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stored log entry is not JSON (line {line}, column {column})")]
pub struct EntryNotJson {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl HostEvent {
    /// `hello` from this widget version.
    pub fn hello(widget_version: &str) -> HostEvent {
        HostEvent::Hello(Hello {
            widget_version: widget_version.to_owned(),
            commands: COMMAND_TYPES.iter().map(|t| (*t).to_owned()).collect(),
        })
    }

    /// `ready`.
    pub fn ready() -> HostEvent {
        HostEvent::Ready(Ready {})
    }

    /// `pack.loaded` for this pack.
    pub fn pack_loaded(pack: &Pack) -> HostEvent {
        let file = pack.file();
        HostEvent::PackLoaded(PackLoaded {
            id: file.organisation.id.clone(),
            version: file.version.clone(),
        })
    }

    /// `pack.error` with the problem's text.
    pub fn pack_error(error: &PackLoadError) -> HostEvent {
        HostEvent::PackError(PackError {
            message: error.to_string(),
        })
    }

    /// `pack.error` for a `pack.load` refused because the pack is on another site than the
    /// widget's (only the kind of problem is said, not the address the host sent).
    pub fn pack_refused_cross_origin() -> HostEvent {
        HostEvent::PackError(PackError {
            message: "The pack.load address is on another site: the widget loads procedure packs from its own site only (the page's policy, connect-src 'self').".to_owned(),
        })
    }

    /// `call.started`.
    pub fn call_started(call_id: &str) -> HostEvent {
        HostEvent::CallStarted(CallStarted {
            call_id: call_id.to_owned(),
        })
    }

    /// `call.resumed` for the call `call_id`, restored from its draft, with the CRM's call id and
    /// contact reference it was started with, if any.
    pub fn call_resumed(
        call_id: &str,
        crm_call_id: Option<&str>,
        contact_ref: Option<&str>,
    ) -> HostEvent {
        HostEvent::CallResumed(CallResumed {
            call_id: call_id.to_owned(),
            crm_call_id: crm_call_id.map(str::to_owned),
            contact_ref: contact_ref.map(str::to_owned),
        })
    }

    /// `delivery.sign_in_needed` for `endpoint`, which answered so (`reason`: a few words, such as
    /// "the endpoint redirected the entry" or "HTTP 401"; never a response body).
    pub fn delivery_sign_in_needed(endpoint: &str, reason: &str) -> HostEvent {
        HostEvent::DeliverySignInNeeded(DeliverySignInNeeded {
            endpoint: endpoint.to_owned(),
            reason: reason.to_owned(),
        })
    }

    /// `teardown.done`, with how many undelivered entries were kept.
    pub fn teardown_done(kept: usize) -> HostEvent {
        HostEvent::TeardownDone(TeardownDone { kept })
    }

    /// `escalation.required` to this level, for this reason.
    pub fn escalation_required(level: &str, reason: &str) -> HostEvent {
        HostEvent::EscalationRequired(EscalationRequired {
            level: level.to_owned(),
            reason: reason.to_owned(),
        })
    }

    /// `entry.completed` for this entry.
    pub fn entry_completed(key: &IdempotencyKey, entry: &LogEntry) -> HostEvent {
        // The entry's types always serialise; `null` rather than a panic if that ever changed.
        HostEvent::EntryCompleted(EntryCompleted {
            key: key.clone(),
            entry: serde_json::to_value(entry).unwrap_or(Value::Null),
        })
    }

    /// `entry.completed` for an entry stored as JSON text (an outbox attempt's payload).
    pub fn entry_completed_json(
        key: &IdempotencyKey,
        entry_json: &str,
    ) -> Result<HostEvent, EntryNotJson> {
        let entry = serde_json::from_str(entry_json).map_err(|e| EntryNotJson {
            line: e.line(),
            column: e.column(),
        })?;
        Ok(HostEvent::EntryCompleted(EntryCompleted {
            key: key.clone(),
            entry,
        }))
    }

    /// `entry.delivered`.
    pub fn entry_delivered(key: &IdempotencyKey) -> HostEvent {
        HostEvent::EntryDelivered(EntryDelivered { key: key.clone() })
    }

    /// `outbox.status`.
    pub fn outbox_status(status: OutboxStatus) -> HostEvent {
        HostEvent::OutboxStatus(status)
    }

    /// `resize` to this height.
    pub fn resize(height_px: u32) -> HostEvent {
        HostEvent::Resize(Resize { height_px })
    }

    /// `error` for a refused message (send it with [`HostSession::error_event`], which correlates
    /// it).
    pub fn error(rejection: &Rejection) -> HostEvent {
        HostEvent::Error(ErrorReport {
            code: rejection.code().to_owned(),
            message: rejection.to_string(),
            problems: rejection.problems().to_vec(),
        })
    }

    /// Its `payload` as JSON text: the `detail` of the DOM event that carries it in the custom
    /// element mode (`incident-desk:<type>`), the same value the iframe's message holds.
    pub fn payload_json(&self) -> String {
        // Strings, numbers and JSON values only: serialising cannot fail; `{}` rather than a
        // panic if it ever did.
        serde_json::to_value(self)
            .ok()
            .and_then(|mut v| v.get_mut("payload").map(Value::take))
            .map_or_else(|| "{}".to_owned(), |payload| payload.to_string())
    }

    /// Its `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            HostEvent::Hello(_) => "hello",
            HostEvent::Ready(_) => "ready",
            HostEvent::PackLoaded(_) => "pack.loaded",
            HostEvent::PackError(_) => "pack.error",
            HostEvent::CallStarted(_) => "call.started",
            HostEvent::CallResumed(_) => "call.resumed",
            HostEvent::EscalationRequired(_) => "escalation.required",
            HostEvent::EntryCompleted(_) => "entry.completed",
            HostEvent::EntryDelivered(_) => "entry.delivered",
            HostEvent::DeliverySignInNeeded(_) => "delivery.sign_in_needed",
            HostEvent::OutboxStatus(_) => "outbox.status",
            HostEvent::Resize(_) => "resize",
            HostEvent::Error(_) => "error",
            HostEvent::TeardownDone(_) => "teardown.done",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The envelope
// ---------------------------------------------------------------------------------------------

/// One message: the envelope around a command or an event (see the module docs for the fields).
/// Fields other than these are refused in a message from the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(rename = "{B}Message", extend("unevaluatedProperties" = false))]
pub struct Envelope<B> {
    /// Always `incident-desk`.
    #[schemars(extend("const" = "incident-desk"))]
    protocol: &'static str,
    /// Always 1 for this version.
    #[schemars(extend("const" = 1))]
    version: u64,
    /// This message's id.
    pub id: MessageId,
    /// The id of the message this one answers, or `null`.
    pub correlation: Option<MessageId>,
    /// The session the widget opened with `hello`.
    pub session: SessionId,
    /// Which widget on the page.
    pub instance: InstanceId,
    /// The sender's counter: greater than in any earlier message from the same sender.
    #[schemars(range(min = 1, max = 9007199254740991u64))]
    pub seq: u64,
    /// `type` and `payload`.
    #[serde(flatten)]
    pub body: B,
}

/// A message from the host, read and checked.
pub type Inbound = Envelope<HostCommand>;

/// A message for the host.
pub type Outbound = Envelope<HostEvent>;

impl<B: Serialize> Envelope<B> {
    /// A message with these fields (and this protocol and version).
    pub fn new(
        id: MessageId,
        correlation: Option<MessageId>,
        session: SessionId,
        instance: InstanceId,
        seq: u64,
        body: B,
    ) -> Self {
        Envelope {
            protocol: PROTOCOL,
            version: PROTOCOL_VERSION,
            id,
            correlation,
            session,
            instance,
            seq,
            body,
        }
    }

    /// The message as JSON text, for `postMessage` (after `JSON.parse`) or a test.
    pub fn to_json(&self) -> String {
        // Strings, integers and JSON values only: serialising cannot fail; say so rather than
        // panic if it ever did.
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!("{{\"protocol\":\"{PROTOCOL}\",\"version\":{PROTOCOL_VERSION},\"type\":\"error\",\"payload\":{{\"code\":\"unserialisable\",\"message\":\"{}\"}}}}", e.to_string().replace(['"', '\\'], "'"))
        })
    }

    /// The message as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Inbound {
    /// Reads one message from the host, checking everything but the session (for that, and for
    /// replays, use [`HostSession::accept`]).
    pub fn parse(text: &str) -> Result<Inbound, Rejection> {
        let value = read_json(text)?;
        let head = read_head(&value)?;
        let command = read_command(head.kind, head.payload).map_err(|problems| Rejection {
            reason: RejectReason::InvalidPayload {
                command: head.kind.name(),
                problems,
            },
            correlation: Some(head.id.clone()),
        })?;
        Ok(Envelope::new(
            head.id,
            head.correlation,
            head.session,
            head.instance,
            head.seq,
            command,
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------

/// Why a message from the host was refused. The texts name fields and kinds of problem, never a
/// value the host sent, so they can go back to the host in an `error` event and onto the
/// handler's screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RejectReason {
    /// More than [`MAX_MESSAGE_BYTES`].
    #[error("The message is too large: {} is over the limit of {}.", human_bytes(*.bytes), human_bytes(*.limit))]
    TooLarge {
        /// Its size in bytes.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON text.
    #[error("The message is not valid JSON (line {line}, column {column}).")]
    NotJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Not an object with a `protocol` field: someone else's message on the same window. The
    /// browser side may drop these without answering.
    #[error("The message is not an Incident Desk message: it is not an object with a \"protocol\" field.")]
    Foreign,
    /// A `protocol` other than `incident-desk`.
    #[error("The message's protocol is not \"incident-desk\" (at $.protocol).")]
    WrongProtocol,
    /// A version this widget does not speak.
    #[error(
        "The message is protocol version {found}; this widget speaks version 1 (at $.version)."
    )]
    UnsupportedVersion {
        /// The version the message gave.
        found: u64,
    },
    /// The envelope's fields are missing or malformed.
    #[error("The message's envelope is not valid: {}.", list(.problems))]
    InvalidEnvelope {
        /// Every problem, each at its path.
        problems: Vec<FieldProblem>,
    },
    /// A `type` that is no command of this widget's.
    #[error("The message's type is not a command this widget knows (at $.type); the commands are {}.", COMMAND_TYPES.join(", "))]
    UnknownType,
    /// Another session's message: sent to an earlier page of the widget, or to another widget.
    #[error("The message belongs to another session (at $.session): it was meant for an earlier page or another widget.")]
    WrongSession,
    /// Addressed to another widget instance on the page.
    #[error("The message is addressed to another widget on the page (at $.instance).")]
    WrongInstance,
    /// A command before the handshake finished.
    #[error("The \"{command}\" command came before the handshake finished: answer the widget's hello with welcome first.")]
    NotWelcomed {
        /// The command's type.
        command: &'static str,
    },
    /// A second `welcome`.
    #[error("The handshake is already complete; this welcome was ignored.")]
    UnexpectedWelcome,
    /// A `welcome` that answers no `hello` of this session.
    #[error(
        "The welcome does not answer this widget's hello: $.correlation must be the hello's id."
    )]
    UncorrelatedWelcome,
    /// A sequence number not greater than the last accepted: a replay, a duplicate, or a message
    /// overtaken by a later one.
    #[error("The message's sequence number {seq} is not after the last one accepted ({last}): it is a repeat or arrived out of order (at $.seq).")]
    StaleSequence {
        /// The message's `seq`.
        seq: u64,
        /// The last `seq` accepted.
        last: u64,
    },
    /// The command's payload is malformed.
    #[error("The \"{command}\" command was not acted on: {}.", list(.problems))]
    InvalidPayload {
        /// The command's type.
        command: &'static str,
        /// Every problem, each at its path.
        problems: Vec<FieldProblem>,
    },
    /// The session was torn down.
    #[error("The session has ended (teardown); the widget starts a new one with a new hello.")]
    SessionEnded,
    /// A `welcome` given as a bare command ([`read_bare_command`]): a widget mounted in the
    /// page has no handshake to answer.
    #[error("The \"welcome\" command answers the iframe handshake; a widget mounted in the page takes commands without one.")]
    NoHandshake,
}

/// A refused message: why, and the id of the message when it could be read (the `error` event's
/// `correlation`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Rejection {
    /// Why.
    pub reason: RejectReason,
    /// The refused message's `id`, if it had a readable one.
    pub correlation: Option<MessageId>,
}

impl Rejection {
    fn new(reason: RejectReason, correlation: Option<MessageId>) -> Self {
        Rejection {
            reason,
            correlation,
        }
    }

    /// The `error` event's `code`.
    pub fn code(&self) -> &'static str {
        match self.reason {
            RejectReason::TooLarge { .. } => "too_large",
            RejectReason::NotJson { .. } => "not_json",
            RejectReason::Foreign => "foreign",
            RejectReason::WrongProtocol => "wrong_protocol",
            RejectReason::UnsupportedVersion { .. } => "unsupported_version",
            RejectReason::InvalidEnvelope { .. } => "invalid_envelope",
            RejectReason::UnknownType => "unknown_type",
            RejectReason::WrongSession => "wrong_session",
            RejectReason::WrongInstance => "wrong_instance",
            RejectReason::NotWelcomed { .. } => "not_welcomed",
            RejectReason::UnexpectedWelcome => "unexpected_welcome",
            RejectReason::UncorrelatedWelcome => "uncorrelated_welcome",
            RejectReason::StaleSequence { .. } => "stale_seq",
            RejectReason::InvalidPayload { .. } => "invalid_payload",
            RejectReason::SessionEnded => "session_ended",
            RejectReason::NoHandshake => "no_handshake",
        }
    }

    /// A short heading for the handler's notice.
    pub fn title(&self) -> &'static str {
        match self.reason {
            RejectReason::StaleSequence { .. } => "A repeated message from the CRM was ignored",
            RejectReason::InvalidPayload { .. } | RejectReason::UnknownType => {
                "A command from the CRM was not understood"
            }
            _ => "A message from the CRM was refused",
        }
    }

    /// Each problem at its path, for `invalid_envelope` and `invalid_payload`.
    pub fn problems(&self) -> &[FieldProblem] {
        match &self.reason {
            RejectReason::InvalidEnvelope { problems }
            | RejectReason::InvalidPayload { problems, .. } => problems,
            _ => &[],
        }
    }

    /// Whether this was not meant for the widget at all (not JSON, not ours): the browser side
    /// may drop it without an `error` event, since other scripts post to the same window.
    pub fn is_foreign(&self) -> bool {
        matches!(
            self.reason,
            RejectReason::Foreign | RejectReason::NotJson { .. }
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Reading messages
// ---------------------------------------------------------------------------------------------

/// The text, parsed, if it is small enough and JSON.
fn read_json(text: &str) -> Result<Value, Rejection> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(Rejection::new(
            RejectReason::TooLarge {
                bytes: text.len(),
                limit: MAX_MESSAGE_BYTES,
            },
            None,
        ));
    }
    // Syntax errors from serde_json say what was expected, never what was found, and nesting
    // deeper than 128 is an error rather than a stack overflow.
    serde_json::from_str(text).map_err(|e| {
        Rejection::new(
            RejectReason::NotJson {
                line: e.line(),
                column: e.column(),
            },
            None,
        )
    })
}

/// What kind of JSON value this is, for messages that must not show the value itself.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn child(path: &str, name: &str) -> String {
    format!("{path}.{name}")
}

/// The field `name`, treating `null` as absent.
fn field<'v>(map: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    map.get(name).filter(|v| !v.is_null())
}

/// Whether a character could reorder or hide text on the handler's screen (bidirectional
/// overrides and isolates, as in "Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Collects the problems of one message, each at its path.
#[derive(Default)]
struct Reader {
    problems: Vec<FieldProblem>,
}

impl Reader {
    fn report(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(FieldProblem {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    /// `value` as an object whose fields are all in `fields`.
    fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        fields: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = value else {
            self.report(path, format!("must be an object, not {}", kind_of(value)));
            return None;
        };
        let unknown = map.keys().filter(|k| !fields.contains(&k.as_str())).count();
        if unknown > 0 {
            // The unknown names are not repeated: a key can carry data as well as a value can.
            let message = if fields.is_empty() {
                format!("takes no fields, but has {unknown}")
            } else {
                format!(
                    "has {unknown} field{} that {} not part of the protocol here (the fields are: {})",
                    if unknown == 1 { "" } else { "s" },
                    if unknown == 1 { "is" } else { "are" },
                    fields.join(", ")
                )
            };
            self.report(path, message);
        }
        Some(map)
    }

    /// The required field `name` of `map` at `path`.
    fn required<'v>(
        &mut self,
        map: &'v Map<String, Value>,
        path: &str,
        name: &str,
    ) -> Option<&'v Value> {
        let value = field(map, name);
        if value.is_none() {
            self.report(&child(path, name), "is required");
        }
        value
    }

    fn string<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v str> {
        match value {
            Value::String(s) => Some(s),
            other => {
                self.report(path, format!("must be text, not {}", kind_of(other)));
                None
            }
        }
    }

    /// A short text shown to people: 1 to `max` characters, not blank, no control or
    /// bidirectional formatting characters.
    fn label(&mut self, value: &Value, path: &str, max: usize) -> Option<String> {
        self.text(value, path, max, false)
    }

    /// A longer text shown to people, which may run over several lines.
    fn paragraph(&mut self, value: &Value, path: &str, max: usize) -> Option<String> {
        self.text(value, path, max, true)
    }

    fn text(&mut self, value: &Value, path: &str, max: usize, lines: bool) -> Option<String> {
        let text = self.string(value, path)?;
        let allowed = |c: char| lines && matches!(c, '\n' | '\r' | '\t');
        let ok = !text.trim().is_empty()
            && text.chars().count() <= max
            && !text
                .chars()
                .any(|c| (c.is_control() && !allowed(c)) || is_bidi_control(c));
        if ok {
            Some(text.to_owned())
        } else {
            self.report(
                path,
                format!(
                    "must be 1 to {max} characters, not blank, with no {}control or text-direction characters",
                    if lines { "other " } else { "" }
                ),
            );
            None
        }
    }

    fn id<T>(
        &mut self,
        value: &Value,
        path: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.string(value, path)?;
        let id = parse(text);
        if id.is_none() {
            self.report(path, ID_RULE);
        }
        id
    }

    fn boolean(&mut self, value: &Value, path: &str) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                self.report(
                    path,
                    format!("must be true or false, not {}", kind_of(other)),
                );
                None
            }
        }
    }

    /// A whole number from `min` to `max`.
    fn whole(&mut self, value: &Value, path: &str, min: u64, max: u64) -> Option<u64> {
        match value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                let found = match value {
                    Value::Number(n) if n.is_u64() => "one outside that range",
                    Value::Number(_) => "a negative or fractional number",
                    other => kind_of(other),
                };
                self.report(
                    path,
                    format!("must be a whole number from {min} to {max}, not {found}"),
                );
                None
            }
        }
    }

    fn key(&mut self, value: &Value, path: &str) -> Option<IdempotencyKey> {
        let text = self.string(value, path)?;
        // NotAKey's text repeats the input; the rule alone is said here.
        match IdempotencyKey::parse(text) {
            Ok(key) => Some(key),
            Err(_) => {
                self.report(
                    path,
                    "must be an idempotency key: a UUID, 32 hex digits grouped 8-4-4-4-12",
                );
                None
            }
        }
    }
}

/// Reads an optional field with `read`: `Some(None)` if absent or `null`, `None` if present and
/// wrong (reported).
fn optional<T>(value: Option<&Value>, read: impl FnOnce(&Value) -> Option<T>) -> Option<Option<T>> {
    match value {
        None => Some(None),
        Some(v) => read(v).map(Some),
    }
}

/// The command types, as read from `$.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CommandKind {
    Welcome,
    Configure,
    ContextSet,
    PackLoad,
    ResourcesUpdate,
    EntryAck,
    EntryNack,
    Teardown,
}

impl CommandKind {
    const ALL: [CommandKind; 8] = [
        CommandKind::Welcome,
        CommandKind::Configure,
        CommandKind::ContextSet,
        CommandKind::PackLoad,
        CommandKind::ResourcesUpdate,
        CommandKind::EntryAck,
        CommandKind::EntryNack,
        CommandKind::Teardown,
    ];

    fn name(self) -> &'static str {
        COMMAND_TYPES[self as usize]
    }

    fn from_name(name: &str) -> Option<CommandKind> {
        CommandKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

const ENVELOPE_FIELDS: [&str; 9] = [
    "protocol",
    "version",
    "id",
    "correlation",
    "session",
    "instance",
    "seq",
    "type",
    "payload",
];

/// A checked envelope, its payload not yet read.
struct Head<'v> {
    id: MessageId,
    correlation: Option<MessageId>,
    session: SessionId,
    instance: InstanceId,
    seq: u64,
    kind: CommandKind,
    payload: &'v Value,
}

fn read_head(value: &Value) -> Result<Head<'_>, Rejection> {
    let Value::Object(map) = value else {
        return Err(Rejection::new(RejectReason::Foreign, None));
    };
    let id = field(map, "id")
        .and_then(Value::as_str)
        .and_then(MessageId::parse);
    let refuse = |reason| Err(Rejection::new(reason, id.clone()));
    match map.get("protocol") {
        None => return refuse(RejectReason::Foreign),
        Some(Value::String(p)) if p == PROTOCOL => {}
        Some(_) => return refuse(RejectReason::WrongProtocol),
    }
    // Another version may shape everything else differently: say only that.
    if let Some(found) = map.get("version").and_then(Value::as_u64) {
        if found != PROTOCOL_VERSION {
            return refuse(RejectReason::UnsupportedVersion { found });
        }
    }
    let mut r = Reader::default();
    r.object(value, "$", &ENVELOPE_FIELDS);
    if let Some(version) = r.required(map, "$", "version") {
        if version.as_u64() != Some(PROTOCOL_VERSION) {
            r.report(
                "$.version",
                format!("must be {PROTOCOL_VERSION}, not {}", kind_of(version)),
            );
        }
    }
    let message_id = r
        .required(map, "$", "id")
        .and_then(|v| r.id(v, "$.id", MessageId::parse));
    let correlation = optional(field(map, "correlation"), |v| {
        r.id(v, "$.correlation", MessageId::parse)
    });
    let session = r
        .required(map, "$", "session")
        .and_then(|v| r.id(v, "$.session", SessionId::parse));
    let instance = r
        .required(map, "$", "instance")
        .and_then(|v| r.id(v, "$.instance", InstanceId::parse));
    let seq = r
        .required(map, "$", "seq")
        .and_then(|v| r.whole(v, "$.seq", 1, MAX_SEQ));
    let mut unknown_type = false;
    let kind = r
        .required(map, "$", "type")
        .and_then(|v| r.string(v, "$.type"))
        .and_then(|name| {
            let kind = CommandKind::from_name(name);
            unknown_type = kind.is_none();
            kind
        });
    let payload = r.required(map, "$", "payload");
    if let Some(p) = payload {
        if !p.is_object() {
            r.report(
                "$.payload",
                format!("must be an object, not {}", kind_of(p)),
            );
        }
    }
    if !r.problems.is_empty() {
        if unknown_type {
            r.report("$.type", "is not a command this widget knows");
        }
        return refuse(RejectReason::InvalidEnvelope {
            problems: r.problems,
        });
    }
    if unknown_type {
        return refuse(RejectReason::UnknownType);
    }
    match (
        message_id,
        correlation,
        session,
        instance,
        seq,
        kind,
        payload,
    ) {
        (
            Some(id),
            Some(correlation),
            Some(session),
            Some(instance),
            Some(seq),
            Some(kind),
            Some(payload),
        ) => Ok(Head {
            id,
            correlation,
            session,
            instance,
            seq,
            kind,
            payload,
        }),
        // Every None above reported a problem; this is only reached if that ever changed.
        _ => refuse(RejectReason::InvalidEnvelope {
            problems: vec![FieldProblem {
                path: "$".to_owned(),
                message: "is not a complete envelope".to_owned(),
            }],
        }),
    }
}

/// The command in a message's `payload`, or every problem with it.
fn read_command(kind: CommandKind, payload: &Value) -> Result<HostCommand, Vec<FieldProblem>> {
    read_command_at(kind, payload, "$.payload")
}

/// The command in `payload`, found at `path`, or every problem with it (paths below `path`).
fn read_command_at(
    kind: CommandKind,
    payload: &Value,
    path: &str,
) -> Result<HostCommand, Vec<FieldProblem>> {
    let mut r = Reader::default();
    let command = match kind {
        CommandKind::Welcome => r
            .object(payload, path, &[])
            .map(|_| HostCommand::Welcome(Welcome {})),
        CommandKind::Teardown => r
            .object(payload, path, &[])
            .map(|_| HostCommand::Teardown(Teardown {})),
        CommandKind::Configure => read_configure(&mut r, payload, path),
        CommandKind::ContextSet => read_context(&mut r, payload, path),
        CommandKind::PackLoad => read_pack_load(&mut r, payload, path),
        CommandKind::ResourcesUpdate => read_resources(&mut r, payload, path),
        CommandKind::EntryAck => {
            let p = r.object(payload, path, &["key"]);
            p.and_then(|p| r.required(p, path, "key"))
                .and_then(|v| r.key(v, &child(path, "key")))
                .map(|key| HostCommand::EntryAck(EntryAck { key }))
        }
        CommandKind::EntryNack => read_nack(&mut r, payload, path),
    };
    match command {
        Some(command) if r.problems.is_empty() => Ok(command),
        _ if r.problems.is_empty() => Err(vec![FieldProblem {
            path: path.to_owned(),
            message: "is not valid".to_owned(),
        }]),
        _ => Err(r.problems),
    }
}

fn read_configure(r: &mut Reader, payload: &Value, path: &str) -> Option<HostCommand> {
    let p = r.object(
        payload,
        path,
        &[
            "agent_id",
            "agent_name",
            "role",
            "locale",
            "theme",
            "z_index",
            "endpoint",
            "token",
            "storage_key",
        ],
    )?;
    let agent_id = r
        .required(p, path, "agent_id")
        .and_then(|v| r.label(v, &child(path, "agent_id"), MAX_LABEL_CHARS));
    let agent_name = optional(field(p, "agent_name"), |v| {
        r.label(v, &child(path, "agent_name"), MAX_LABEL_CHARS)
    });
    let role_path = child(path, "role");
    let role = r
        .required(p, path, "role")
        .and_then(|v| r.string(v, &role_path))
        .and_then(|name| {
            let role = Role::from_name(name);
            if role.is_none() {
                r.report(
                    &role_path,
                    format!("must be one of {}", Role::NAMES.map(|(n, _)| n).join(", ")),
                );
            }
            role
        });
    let locale_path = child(path, "locale");
    let locale = optional(field(p, "locale"), |v| {
        let text = r.string(v, &locale_path)?;
        let locale = Locale::parse(text);
        if locale.is_none() {
            r.report(
                &locale_path,
                "must be a language tag such as en-GB (letters, then subtags of letters and digits joined by hyphens)",
            );
        }
        locale
    });
    let theme = optional(field(p, "theme"), |v| {
        read_theme(r, v, &child(path, "theme"))
    })
    .map(Option::unwrap_or_default);
    let z_index = optional(field(p, "z_index"), |v| {
        r.whole(v, &child(path, "z_index"), 0, u64::from(MAX_Z_INDEX))
            .and_then(|n| u32::try_from(n).ok())
    });
    let endpoint_path = child(path, "endpoint");
    let endpoint = optional(field(p, "endpoint"), |v| {
        let text = r.string(v, &endpoint_path)?;
        Endpoint::parse(text)
            .map_err(|problem| r.report(&endpoint_path, problem.to_string()))
            .ok()
    });
    let token_path = child(path, "token");
    let token = optional(field(p, "token"), |v| {
        let text = r.string(v, &token_path)?;
        // The rule alone is said: a token is a credential, even a malformed one.
        let token = BearerToken::parse(text);
        if token.is_none() {
            r.report(&token_path, TOKEN_RULE);
        }
        token
    });
    let key_path = child(path, "storage_key");
    let storage_key = optional(field(p, "storage_key"), |v| {
        let text = r.string(v, &key_path)?;
        // The rule alone is said: a key is a secret, even a malformed one.
        let key = StorageKey::parse(text);
        if key.is_none() {
            r.report(&key_path, STORAGE_KEY_RULE);
        }
        key
    });
    let (
        Some(agent_id),
        Some(agent_name),
        Some(role),
        Some(locale),
        Some(theme),
        Some(z_index),
        Some(endpoint),
        Some(token),
        Some(storage_key),
    ) = (
        agent_id,
        agent_name,
        role,
        locale,
        theme,
        z_index,
        endpoint,
        token,
        storage_key,
    )
    else {
        return None;
    };
    Some(HostCommand::Configure(Configure {
        agent_id,
        agent_name,
        role,
        locale,
        theme,
        z_index,
        endpoint,
        token,
        storage_key,
    }))
}

fn read_theme(r: &mut Reader, value: &Value, path: &str) -> Option<Theme> {
    let Value::Object(map) = value else {
        r.report(path, format!("must be an object, not {}", kind_of(value)));
        return None;
    };
    let mut pairs = Vec::new();
    let mut bad_names = 0;
    let before = r.problems.len();
    for (name, value) in map {
        if theme_name_problem(name).is_some() {
            bad_names += 1;
            continue;
        }
        // The name passed its pattern (`--idk-` and lower-case words), so it can be named.
        let value_path = format!("{path}['{name}']");
        if let Some(text) = r.string(value, &value_path) {
            pairs.push((name.clone(), text.to_owned()));
        }
    }
    if bad_names > 0 {
        r.report(
            path,
            format!(
                "{bad_names} property name{} not --idk- followed by lower-case words joined by hyphens (at most 64 characters)",
                if bad_names == 1 { " is" } else { "s are" }
            ),
        );
    }
    match Theme::from_pairs(pairs) {
        Ok(theme) if r.problems.len() == before => Some(theme),
        Ok(_) => None,
        Err(problems) => {
            for problem in problems {
                r.report(&format!("{path}{}", problem.path), problem.message);
            }
            None
        }
    }
}

fn read_context(r: &mut Reader, payload: &Value, path: &str) -> Option<HostCommand> {
    let p = r.object(payload, path, &["call_id", "contact_ref", "caller_number"])?;
    let call_id = optional(field(p, "call_id"), |v| {
        r.label(v, &child(path, "call_id"), MAX_LABEL_CHARS)
    });
    let contact_ref = optional(field(p, "contact_ref"), |v| {
        r.label(v, &child(path, "contact_ref"), MAX_LABEL_CHARS)
    });
    let number_path = child(path, "caller_number");
    let caller_number = optional(field(p, "caller_number"), |v| {
        let text = r.string(v, &number_path)?;
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let ok = (3..=MAX_PHONE_CHARS).contains(&text.chars().count())
            && digits >= 3
            && text.char_indices().all(|(i, c)| {
                c.is_ascii_digit()
                    || matches!(c, ' ' | '(' | ')' | '-' | '.')
                    || (c == '+' && i == 0)
            });
        if ok {
            Some(text.to_owned())
        } else {
            r.report(
                &number_path,
                format!("must be a telephone number: 3 to {MAX_PHONE_CHARS} digits, spaces and + ( ) - . with + only first"),
            );
            None
        }
    });
    let (Some(call_id), Some(contact_ref), Some(caller_number)) =
        (call_id, contact_ref, caller_number)
    else {
        return None;
    };
    Some(HostCommand::ContextSet(ContextSet {
        call_id,
        contact_ref,
        caller_number,
    }))
}

fn read_pack_load(r: &mut Reader, payload: &Value, path: &str) -> Option<HostCommand> {
    let p = r.object(payload, path, &["url"])?;
    let url_path = child(path, "url");
    let text = r
        .required(p, path, "url")
        .and_then(|v| r.string(v, &url_path))?;
    match PackUrl::parse(text) {
        Ok(url) => Some(HostCommand::PackLoad(PackLoad { url })),
        Err(problem) => {
            r.report(&url_path, problem.to_string());
            None
        }
    }
}

fn read_resources(r: &mut Reader, payload: &Value, path: &str) -> Option<HostCommand> {
    let p = r.object(payload, path, &["units"])?;
    let units_path = child(path, "units");
    let Value::Array(items) = r.required(p, path, "units")? else {
        let found = field(p, "units").map_or("nothing", kind_of);
        r.report(&units_path, format!("must be a list, not {found}"));
        return None;
    };
    if items.len() > MAX_UNITS {
        r.report(&units_path, format!("may list at most {MAX_UNITS} units"));
        return None;
    }
    let mut units = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{units_path}[{i}]");
        let Some(unit) = r.object(item, &item_path, &["id", "status"]) else {
            continue;
        };
        let id = r
            .required(unit, &item_path, "id")
            .and_then(|v| r.label(v, &child(&item_path, "id"), MAX_LABEL_CHARS));
        let status_path = child(&item_path, "status");
        let status = r
            .required(unit, &item_path, "status")
            .and_then(|v| r.string(v, &status_path))
            .and_then(|name| {
                let status =
                    serde_json::from_value::<UnitStatus>(Value::String(name.to_owned())).ok();
                if status.is_none() {
                    r.report(
                        &status_path,
                        "must be one of available, on_call, committed, off_duty",
                    );
                }
                status
            });
        if let Some(id) = &id {
            if let Some(first) = seen.get(id) {
                r.report(
                    &child(&item_path, "id"),
                    format!("is the same unit as {units_path}[{first}]: list each unit once"),
                );
            } else {
                seen.insert(id.clone(), i);
            }
        }
        if let (Some(id), Some(status)) = (id, status) {
            units.push(UnitUpdate { id, status });
        }
    }
    Some(HostCommand::ResourcesUpdate(ResourcesUpdate { units }))
}

fn read_nack(r: &mut Reader, payload: &Value, path: &str) -> Option<HostCommand> {
    let p = r.object(payload, path, &["key", "reason", "permanent"])?;
    let key = r
        .required(p, path, "key")
        .and_then(|v| r.key(v, &child(path, "key")));
    let reason = r
        .required(p, path, "reason")
        .and_then(|v| r.paragraph(v, &child(path, "reason"), MAX_REASON_CHARS));
    let permanent = r
        .required(p, path, "permanent")
        .and_then(|v| r.boolean(v, &child(path, "permanent")));
    let (Some(key), Some(reason), Some(permanent)) = (key, reason, permanent) else {
        return None;
    };
    Some(HostCommand::EntryNack(EntryNack {
        key,
        reason,
        permanent,
    }))
}

// ---------------------------------------------------------------------------------------------
// Commands without an envelope
// ---------------------------------------------------------------------------------------------

/// Reads a command given without an envelope: its type name and its payload as JSON text, as the
/// custom element's `command(name, payload)` passes them (F17, F21; issue 5, the script and
/// custom-element mode). The payload is checked exactly as an iframe message's is, by the same
/// readers, and every problem is located from the payload's root (`$.theme['--idk-accent']`,
/// where a message's would be `$.payload.theme['--idk-accent']`). There is no session, sequence
/// or handshake: the host's own script holds the widget, so `welcome` is refused
/// ([`RejectReason::NoHandshake`]). As everywhere here, a refusal never repeats a value it was
/// given, and nothing panics.
pub fn read_bare_command(type_name: &str, payload_json: &str) -> Result<HostCommand, Rejection> {
    let Some(kind) = CommandKind::from_name(type_name) else {
        return Err(Rejection::new(RejectReason::UnknownType, None));
    };
    if kind == CommandKind::Welcome {
        return Err(Rejection::new(RejectReason::NoHandshake, None));
    }
    let payload = read_json(payload_json)?;
    read_command_at(kind, &payload, "$").map_err(|problems| {
        Rejection::new(
            RejectReason::InvalidPayload {
                command: kind.name(),
                problems,
            },
            None,
        )
    })
}

// ---------------------------------------------------------------------------------------------
// The session
// ---------------------------------------------------------------------------------------------

/// Where the handshake is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handshake {
    /// No hello sent yet.
    NotStarted,
    /// Hello sent; waiting for the host's welcome.
    AwaitingWelcome,
    /// Welcomed: commands are accepted.
    Open,
    /// Torn down: nothing more is accepted.
    Ended,
}

/// How many hello ids are remembered: a welcome may answer a hello sent before a retry.
const HELLOS_REMEMBERED: usize = 8;

/// One widget instance's conversation with its host: the session id, the handshake, the last
/// sequence number accepted from the host and the widget's own counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSession {
    session: SessionId,
    instance: InstanceId,
    handshake: Handshake,
    /// Ids of hellos sent and not yet answered, newest last.
    hellos: Vec<MessageId>,
    /// The last `seq` accepted from the host; 0 before any.
    last_accepted: u64,
    /// The `seq` of the widget's next message.
    next_seq: u64,
    rng: SplitMix64,
}

impl HostSession {
    /// A new session for this instance, with a fresh session id. Seed it from
    /// `crypto.getRandomValues`: session and message ids come from it.
    pub fn new(instance: InstanceId, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        HostSession {
            session: SessionId::new_v4(&mut rng),
            instance,
            handshake: Handshake::NotStarted,
            hellos: Vec::new(),
            last_accepted: 0,
            next_seq: 1,
            rng,
        }
    }

    /// The session id.
    pub fn session(&self) -> &SessionId {
        &self.session
    }

    /// The instance id.
    pub fn instance(&self) -> &InstanceId {
        &self.instance
    }

    /// Where the handshake is.
    pub fn handshake(&self) -> Handshake {
        self.handshake
    }

    /// The last sequence number accepted from the host (0 before any).
    pub fn last_accepted_seq(&self) -> u64 {
        self.last_accepted
    }

    /// The `hello` to post to the host origin(s) on the allow-list. Sending it again (the host
    /// was slow, or the port was lost) restarts the handshake: commands wait for a new welcome.
    /// After a teardown the session stays ended; a new conversation needs a new `HostSession`.
    pub fn hello(&mut self, widget_version: &str) -> Outbound {
        let message = self.send(HostEvent::hello(widget_version));
        if self.handshake != Handshake::Ended {
            self.handshake = Handshake::AwaitingWelcome;
            self.hellos.push(message.id.clone());
            if self.hellos.len() > HELLOS_REMEMBERED {
                self.hellos.remove(0);
            }
        }
        message
    }

    /// Reads one message from the host and, if it is acceptable now, takes it: its sequence
    /// number is used up, a welcome opens the session and a teardown ends it. A refused message
    /// changes nothing.
    pub fn accept(&mut self, text: &str) -> Result<Inbound, Rejection> {
        let value = read_json(text)?;
        let head = read_head(&value)?;
        let refuse = |reason| Err(Rejection::new(reason, Some(head.id.clone())));
        if self.handshake == Handshake::Ended {
            return refuse(RejectReason::SessionEnded);
        }
        if head.session != self.session {
            return refuse(RejectReason::WrongSession);
        }
        if head.instance != self.instance {
            return refuse(RejectReason::WrongInstance);
        }
        match (head.kind, self.handshake) {
            (CommandKind::Welcome, Handshake::Open) => {
                return refuse(RejectReason::UnexpectedWelcome)
            }
            (CommandKind::Welcome, _) => {
                let answers_hello = head
                    .correlation
                    .as_ref()
                    .is_some_and(|c| self.hellos.contains(c));
                if !answers_hello {
                    return refuse(RejectReason::UncorrelatedWelcome);
                }
            }
            (kind, Handshake::NotStarted | Handshake::AwaitingWelcome) => {
                return refuse(RejectReason::NotWelcomed {
                    command: kind.name(),
                })
            }
            _ => {}
        }
        if head.seq <= self.last_accepted {
            return refuse(RejectReason::StaleSequence {
                seq: head.seq,
                last: self.last_accepted,
            });
        }
        let command = match read_command(head.kind, head.payload) {
            Ok(command) => command,
            Err(problems) => {
                return refuse(RejectReason::InvalidPayload {
                    command: head.kind.name(),
                    problems,
                })
            }
        };
        self.last_accepted = head.seq;
        match command {
            HostCommand::Welcome(_) => {
                self.handshake = Handshake::Open;
                self.hellos.clear();
            }
            HostCommand::Teardown(_) => self.handshake = Handshake::Ended,
            _ => {}
        }
        Ok(Envelope::new(
            head.id,
            head.correlation,
            head.session,
            head.instance,
            head.seq,
            command,
        ))
    }

    /// `event` as the widget's next message.
    pub fn send(&mut self, event: HostEvent) -> Outbound {
        self.stamp(event, None)
    }

    /// `event` as the widget's next message, answering the host's message `to`.
    pub fn reply(&mut self, event: HostEvent, to: &MessageId) -> Outbound {
        self.stamp(event, Some(to.clone()))
    }

    /// The `error` event for a refused message, correlated to it when its id was readable.
    pub fn error_event(&mut self, rejection: &Rejection) -> Outbound {
        self.stamp(HostEvent::error(rejection), rejection.correlation.clone())
    }

    fn stamp(&mut self, event: HostEvent, correlation: Option<MessageId>) -> Outbound {
        let seq = self.next_seq;
        // 2⁵³ messages is beyond any session; stay there rather than wrap to a smaller number.
        self.next_seq = self.next_seq.saturating_add(1).min(MAX_SEQ);
        Envelope::new(
            MessageId::new_v4(&mut self.rng),
            correlation,
            self.session.clone(),
            self.instance.clone(),
            seq,
            event,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// The published schema
// ---------------------------------------------------------------------------------------------

/// A message of the Incident Desk host protocol, version 1: from the host page to the widget, or
/// from the widget to the host page.
#[derive(JsonSchema)]
#[serde(untagged)]
#[schemars(title = "Incident Desk host protocol, version 1")]
#[allow(dead_code)]
enum ProtocolMessage {
    /// From the host page to the widget.
    FromHost(Inbound),
    /// From the widget to the host page.
    FromWidget(Outbound),
}

/// The JSON Schema of every message both ways, pretty-printed, ending in a newline (to be
/// committed as schema/protocol.schema.json).
pub fn protocol_schema_json() -> String {
    let schema = schemars::schema_for!(ProtocolMessage);
    let mut text =
        serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_written_as_browsers_write_it() {
        let cases = [
            ("::1", "::1"),
            ("0:0:0:0:0:0:0:1", "::1"),
            ("::", "::"),
            ("1::", "1::"),
            ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ];
        for (input, expected) in cases {
            let ip: Ipv6Addr = input.parse().unwrap();
            assert_eq!(ipv6_text(ip), expected, "{input}");
        }
    }

    #[test]
    fn command_kinds_match_their_names() {
        for kind in CommandKind::ALL {
            assert_eq!(CommandKind::from_name(kind.name()), Some(kind));
        }
    }
}
