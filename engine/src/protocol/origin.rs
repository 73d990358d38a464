//! Exact origins (`scheme://host[:port]`) and the allow-list of host pages.

#[allow(unused_imports)]
use super::*;

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
    #[error("an IPv6 host must be in brackets, as in https://[2001:db8::1]")]
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
pub(super) fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), OriginError> {
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
pub(super) fn normalise_host(host: &str) -> Result<String, OriginError> {
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
pub(super) fn ipv6_text(ip: Ipv6Addr) -> String {
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

pub(super) fn parse_port(text: &str) -> Result<u16, OriginError> {
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
#[error("the host origin allow-list cannot be used: {}", list_problems(.problems))]
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
