//! Validated values in commands: role, locale, bearer token, storage key, theme, endpoint, pack URL.

use super::*;
#[allow(unused_imports)]
use crate::kernel::is_word_char;

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

pub(super) const TOKEN_RULE: &str = "must be a bearer token: 1 to 4096 letters, digits and - . _ ~ + /, then any number of = (RFC 6750 b64token)";

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

pub(super) const STORAGE_KEY_RULE: &str =
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
pub(super) const THEME_FUNCTIONS: [&str; 16] = [
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
pub(super) const THEME_PUNCTUATION: &str = " #.,%-+*/()\"'_";

/// Functions that fetch or run something, refused wherever they appear (even inside a quoted
/// font name: the rule is easy to state and costs no real theme anything).
pub(super) const LOADING_FUNCTIONS: [&str; 7] = [
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
pub struct Theme(SortedMap<String, String>);

impl Theme {
    /// The theme of these properties, or every problem with them (paths relative to the theme
    /// object, as `['--idk-accent']`).
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Theme, Vec<FieldProblem>>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut map = SortedMap::new();
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
    pub fn properties(&self) -> &SortedMap<String, String> {
        &self.0
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why `name` is not a theme property name, if it is not.
pub(super) fn theme_name_problem(name: &str) -> Option<&'static str> {
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
pub(super) fn theme_value_problem(value: &str) -> Option<String> {
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
            c if is_word_char(c) || THEME_PUNCTUATION.contains(c) => continue,
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
pub(super) fn split_absolute(text: &str) -> Option<Result<(Origin, &str), UrlProblem>> {
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

pub(super) fn common_url_checks(text: &str) -> Result<(), UrlProblem> {
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

impl From<&Endpoint> for crate::delivery::courier::CrmEndpoint {
    /// The endpoint as the courier keeps it: its address and its origin as text.
    fn from(endpoint: &Endpoint) -> Self {
        crate::delivery::courier::CrmEndpoint::new(endpoint.as_str(), endpoint.origin.to_string())
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

/// The sites a `pack.load` may name (F18: the handler follows only procedures from a site the
/// widget or its host page already stands on). Relative addresses are always allowed: they are
/// resolved against the page the widget is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackSites {
    /// The widget's own page, standalone or in a host's iframe: its own origin only, as the
    /// page's policy (`connect-src 'self'`) allows no other.
    OwnPage {
        /// The widget page's origin.
        widget: Origin,
    },
    /// Mounted in a host's page by `element.js`, under the host page's policy.
    HostPage {
        /// The host page's origin (a relative address is this page's).
        page: Origin,
        /// The widget's own origin, where `element.js` and its packs are served from, when known.
        widget: Option<Origin>,
        /// The origin of the pack the widget was mounted with (the `pack` option or attribute),
        /// when it was an http(s) address: the host named that site already.
        mounted: Option<Origin>,
    },
    /// A page whose own origin cannot be known (an opaque origin, such as a sandboxed frame's):
    /// relative addresses only.
    RelativeOnly,
}

impl PackSites {
    /// Whether a `pack.load` may fetch `url`: a relative address, or an absolute one on one of
    /// these origins. Any other site (a third party, another scheme or port of the same host) is
    /// refused: procedures from there were never named by the organisation or the host's page.
    pub fn allows(&self, url: &PackUrl) -> bool {
        match self {
            PackSites::OwnPage { widget } => url.is_allowed_for(widget),
            PackSites::HostPage {
                page,
                widget,
                mounted,
            } => [Some(page), widget.as_ref(), mounted.as_ref()]
                .into_iter()
                .flatten()
                .any(|origin| url.is_allowed_for(origin)),
            PackSites::RelativeOnly => matches!(url, PackUrl::Relative(_)),
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
