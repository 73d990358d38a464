//! Reading host messages from JSON text, with or without an envelope, every problem at its JSON path.

#[allow(unused_imports)]
use super::*;
// Host messages are read through the kernel's JSON tree, not serde_json's `Value` (issue 14: one
// JSON reader in the widget). These shadow `serde_json`'s names from `super`.
use crate::kernel::json_tree::{last_member, JsonTree, Member, Node, Value};

/// An object's members as written (in order, a name possibly more than once).
pub(super) type Map<'t> = [Member<'t>];

/// Where a command's payload is, for the JSON paths its problems are reported at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadRoot {
    /// Inside a message's envelope, at `$.payload` (the iframe's protocol).
    Envelope,
    /// The whole of a bare command, at `$` (the custom element's `command(name, payload)`,
    /// [`read_bare_command`]).
    Bare,
}

impl PayloadRoot {
    /// The payload's JSON path: `$.payload` or `$`.
    pub fn path(self) -> &'static str {
        match self {
            PayloadRoot::Envelope => "$.payload",
            PayloadRoot::Bare => "$",
        }
    }
}

/// The text, parsed, if it is small enough and JSON.
pub(super) fn read_json(text: &str) -> Result<JsonTree<'_>, Rejection> {
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
    JsonTree::parse(text.as_bytes()).map_err(|e| {
        Rejection::new(
            RejectReason::NotJson {
                line: e.line,
                column: e.column,
            },
            None,
        )
    })
}

pub(super) fn child(path: &str, name: &str) -> String {
    format!("{path}.{name}")
}

/// An object's members by name, in the order of their names, a name written more than once
/// with its last value: as serde_json reads an object into a map. Sorted, not inserted one by one
/// into a sorted list, so a hostile message of many names costs n log n.
pub(super) fn by_name<'v>(map: &'v Map<'v>) -> Vec<(&'v str, &'v Node<'v>)> {
    let mut members: Vec<(&str, &Node)> = map
        .iter()
        .map(|(key, value)| (key.name.as_ref(), value))
        .collect();
    // Stable: of equal names, the last written stays last.
    crate::kernel::sort::sort_by(&mut members, |a, b| a.0.cmp(b.0));
    let mut out: Vec<(&str, &Node)> = Vec::with_capacity(members.len());
    for member in members {
        match out.last_mut() {
            Some(last) if last.0 == member.0 => *last = member,
            _ => out.push(member),
        }
    }
    out
}

/// The field `name`, treating `null` as absent.
pub(super) fn field<'v>(map: &'v Map<'v>, name: &str) -> Option<&'v Node<'v>> {
    last_member(map, name).filter(|v| !matches!(v.value, Value::Null))
}

/// Whether a character could reorder or hide text on the handler's screen (bidirectional
/// overrides and isolates, as in "Trojan Source").
pub(super) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Collects the problems of one message, each at its path.
#[derive(Default)]
pub(super) struct Reader {
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
        value: &'v Node<'v>,
        path: &str,
        fields: &[&str],
    ) -> Option<&'v Map<'v>> {
        let Value::Object(map) = &value.value else {
            self.report(path, format!("must be an object, not {}", value.kind()));
            return None;
        };
        let known = |name: &str| fields.contains(&name);
        // Each name once, however often it is written (sorted only when there is one to count).
        let unknown = if map.iter().all(|(key, _)| known(&key.name)) {
            0
        } else {
            by_name(map).iter().filter(|(name, _)| !known(name)).count()
        };
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
    fn required<'v>(&mut self, map: &'v Map<'v>, path: &str, name: &str) -> Option<&'v Node<'v>> {
        let value = field(map, name);
        if value.is_none() {
            self.report(&child(path, name), "is required");
        }
        value
    }

    fn string<'v>(&mut self, value: &'v Node<'v>, path: &str) -> Option<&'v str> {
        match &value.value {
            Value::String(s) => Some(s),
            _ => {
                self.report(path, format!("must be text, not {}", value.kind()));
                None
            }
        }
    }

    /// A short text shown to people: 1 to `max` characters, not blank, no control or
    /// bidirectional formatting characters.
    fn label(&mut self, value: &Node, path: &str, max: usize) -> Option<String> {
        self.text(value, path, max, false)
    }

    /// A longer text shown to people, which may run over several lines.
    fn paragraph(&mut self, value: &Node, path: &str, max: usize) -> Option<String> {
        self.text(value, path, max, true)
    }

    fn text(&mut self, value: &Node, path: &str, max: usize, lines: bool) -> Option<String> {
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
        value: &Node,
        path: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        self.parsed(value, path, parse, ID_RULE)
    }

    /// Text read with `parse`; if it does not parse, `rule` is reported, never the text (an id,
    /// a token or a key may carry data or a secret).
    fn parsed<T>(
        &mut self,
        value: &Node,
        path: &str,
        parse: impl FnOnce(&str) -> Option<T>,
        rule: &str,
    ) -> Option<T> {
        let text = self.string(value, path)?;
        let parsed = parse(text);
        if parsed.is_none() {
            self.report(path, rule);
        }
        parsed
    }

    fn boolean(&mut self, value: &Node, path: &str) -> Option<bool> {
        match value.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.report(path, format!("must be true or false, not {}", value.kind()));
                None
            }
        }
    }

    /// A whole number from `min` to `max`.
    fn whole(&mut self, value: &Node, path: &str, min: u64, max: u64) -> Option<u64> {
        match value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                let found = match value.value {
                    Value::Number(_) if value.as_u64().is_some() => "one outside that range",
                    Value::Number(_) => "a negative or fractional number",
                    _ => value.kind(),
                };
                self.report(
                    path,
                    format!("must be a whole number from {min} to {max}, not {found}"),
                );
                None
            }
        }
    }

    fn key(&mut self, value: &Node, path: &str) -> Option<IdempotencyKey> {
        // NotAKey's text repeats the input; the rule alone is said here.
        self.parsed(
            value,
            path,
            |text| IdempotencyKey::parse(text).ok(),
            "must be an idempotency key: a UUID, 32 hex digits grouped 8-4-4-4-12",
        )
    }
}

/// Reads an optional field with `read`: `Some(None)` if absent or `null`, `None` if present and
/// wrong (reported).
pub(super) fn optional<'v, T>(
    value: Option<&'v Node<'v>>,
    read: impl FnOnce(&'v Node<'v>) -> Option<T>,
) -> Option<Option<T>> {
    match value {
        None => Some(None),
        Some(v) => read(v).map(Some),
    }
}

/// The command types, as read from `$.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CommandKind {
    Welcome,
    Configure,
    ContextSet,
    PackLoad,
    ResourcesUpdate,
    NoticesSet,
    EntryAck,
    EntryNack,
    IncidentOpen,
    IncidentReport,
    IncidentAck,
    ReviewAdd,
    HistorySet,
    Teardown,
}

impl CommandKind {
    pub(super) const ALL: [CommandKind; 14] = [
        CommandKind::Welcome,
        CommandKind::Configure,
        CommandKind::ContextSet,
        CommandKind::PackLoad,
        CommandKind::ResourcesUpdate,
        CommandKind::NoticesSet,
        CommandKind::EntryAck,
        CommandKind::EntryNack,
        CommandKind::IncidentOpen,
        CommandKind::IncidentReport,
        CommandKind::IncidentAck,
        CommandKind::ReviewAdd,
        CommandKind::HistorySet,
        CommandKind::Teardown,
    ];

    pub(super) fn name(self) -> &'static str {
        COMMAND_TYPES[self as usize]
    }

    pub(super) fn from_name(name: &str) -> Option<CommandKind> {
        CommandKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

pub(super) const ENVELOPE_FIELDS: [&str; 9] = [
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
pub(super) struct Head<'v> {
    pub(super) id: MessageId,
    pub(super) correlation: Option<MessageId>,
    pub(super) session: SessionId,
    pub(super) instance: InstanceId,
    pub(super) seq: u64,
    pub(super) kind: CommandKind,
    pub(super) payload: &'v Node<'v>,
}

impl Head<'_> {
    /// The command in the payload, or the refusal listing every problem with it.
    pub(super) fn command(&self) -> Result<HostCommand, RejectReason> {
        read_command(self.kind, self.payload).map_err(|problems| RejectReason::InvalidPayload {
            command: self.kind.name(),
            problems,
        })
    }

    /// The message: this envelope around `command`.
    pub(super) fn into_inbound(self, command: HostCommand) -> Inbound {
        Envelope::new(
            self.id,
            self.correlation,
            self.session,
            self.instance,
            self.seq,
            command,
        )
    }
}

pub(super) fn read_head<'v>(value: &'v Node<'v>) -> Result<Head<'v>, Rejection> {
    let Value::Object(map) = &value.value else {
        return Err(Rejection::new(RejectReason::Foreign, None));
    };
    let id = field(map, "id")
        .and_then(Node::as_str)
        .and_then(MessageId::parse);
    let refuse = |reason| Err(Rejection::new(reason, id.clone()));
    match last_member(map, "protocol").map(|p| &p.value) {
        None => return refuse(RejectReason::Foreign),
        Some(Value::String(p)) if p == PROTOCOL => {}
        Some(_) => return refuse(RejectReason::WrongProtocol),
    }
    // Another version may shape everything else differently: say only that.
    if let Some(found) = last_member(map, "version").and_then(Node::as_u64) {
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
                format!("must be {PROTOCOL_VERSION}, not {}", version.kind()),
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
        if !matches!(p.value, Value::Object(_)) {
            r.report("$.payload", format!("must be an object, not {}", p.kind()));
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
    let head = || {
        Some(Head {
            id: message_id?,
            correlation: correlation?,
            session: session?,
            instance: instance?,
            seq: seq?,
            kind: kind?,
            payload: payload?,
        })
    };
    // Every None above reported a problem; the refusal is only reached if that ever changed.
    head().map_or_else(
        || {
            refuse(RejectReason::InvalidEnvelope {
                problems: vec![FieldProblem {
                    path: "$".to_owned(),
                    message: "is not a complete envelope".to_owned(),
                }],
            })
        },
        Ok,
    )
}

/// The command in a message's `payload`, or every problem with it.
pub(super) fn read_command(
    kind: CommandKind,
    payload: &Node,
) -> Result<HostCommand, Vec<FieldProblem>> {
    read_command_at(kind, payload, PayloadRoot::Envelope.path())
}

/// The command in `payload`, found at `path`, or every problem with it (paths below `path`).
pub(super) fn read_command_at(
    kind: CommandKind,
    payload: &Node,
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
        CommandKind::NoticesSet => read_notices(&mut r, payload, path),
        CommandKind::EntryAck => {
            let p = r.object(payload, path, &["key"]);
            p.and_then(|p| r.required(p, path, "key"))
                .and_then(|v| r.key(v, &child(path, "key")))
                .map(|key| HostCommand::EntryAck(EntryAck { key }))
        }
        CommandKind::EntryNack => read_nack(&mut r, payload, path),
        CommandKind::IncidentOpen => read_incident_open(&mut r, payload, path),
        CommandKind::IncidentReport => read_incident_report(&mut r, payload, path),
        CommandKind::IncidentAck => {
            let p = r.object(payload, path, &["key"]);
            p.and_then(|p| r.required(p, path, "key"))
                .and_then(|v| r.label(v, &child(path, "key"), MAX_LABEL_CHARS))
                .map(|key| HostCommand::IncidentAck(IncidentAck { key }))
        }
        CommandKind::HistorySet => read_history(&mut r, payload, path),
        CommandKind::ReviewAdd => read_review_add(&mut r, payload, path),
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

pub(super) fn read_configure(r: &mut Reader, payload: &Node, path: &str) -> Option<HostCommand> {
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
    let locale = optional(field(p, "locale"), |v| {
        r.parsed(
            v,
            &child(path, "locale"),
            Locale::parse,
            "must be a language tag such as en-GB (letters, then subtags of letters and digits joined by hyphens)",
        )
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
    // The rule alone is said: a token is a credential, a key a secret, even a malformed one.
    let token = optional(field(p, "token"), |v| {
        r.parsed(v, &child(path, "token"), BearerToken::parse, TOKEN_RULE)
    });
    let storage_key = optional(field(p, "storage_key"), |v| {
        r.parsed(
            v,
            &child(path, "storage_key"),
            StorageKey::parse,
            STORAGE_KEY_RULE,
        )
    });
    // Every field was read above, so every problem is reported before a missing one stops this.
    Some(HostCommand::Configure(Configure {
        agent_id: agent_id?,
        agent_name: agent_name?,
        role: role?,
        locale: locale?,
        theme: theme?,
        z_index: z_index?,
        endpoint: endpoint?,
        token: token?,
        storage_key: storage_key?,
    }))
}

pub(super) fn read_theme(r: &mut Reader, value: &Node, path: &str) -> Option<Theme> {
    let Value::Object(members) = &value.value else {
        r.report(path, format!("must be an object, not {}", value.kind()));
        return None;
    };
    let mut pairs = Vec::new();
    let mut bad_names = 0;
    let before = r.problems.len();
    for (name, value) in by_name(members) {
        if theme_name_problem(name).is_some() {
            bad_names += 1;
            continue;
        }
        // The name passed its pattern (`--idk-` and lower-case words), so it can be named.
        let value_path = format!("{path}['{name}']");
        if let Some(text) = r.string(value, &value_path) {
            pairs.push((name.to_owned(), text.to_owned()));
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

pub(super) fn read_context(r: &mut Reader, payload: &Node, path: &str) -> Option<HostCommand> {
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
    Some(HostCommand::ContextSet(ContextSet {
        call_id: call_id?,
        contact_ref: contact_ref?,
        caller_number: caller_number?,
    }))
}

pub(super) fn read_pack_load(r: &mut Reader, payload: &Node, path: &str) -> Option<HostCommand> {
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

/// A payload that is one list, `name`, of at most `max` items: its path and items, or `None` with
/// the problem reported.
fn payload_list<'v>(
    r: &mut Reader,
    payload: &'v Node<'v>,
    path: &str,
    name: &str,
    max: usize,
) -> Option<(String, &'v [Node<'v>])> {
    let p = r.object(payload, path, &[name])?;
    let list_path = child(path, name);
    let Value::Array(items) = &r.required(p, path, name)?.value else {
        let found = field(p, name).map_or("nothing", Node::kind);
        r.report(&list_path, format!("must be a list, not {found}"));
        return None;
    };
    if items.len() > max {
        r.report(&list_path, format!("may list at most {max} {name}"));
        return None;
    }
    Some((list_path, items))
}

/// `notices.set`: a list of notices, each with an id (once), a kind, a title, areas (at least one)
/// and text (may be empty).
pub(super) fn read_notices(r: &mut Reader, payload: &Node, path: &str) -> Option<HostCommand> {
    let (list_path, items) = payload_list(r, payload, path, "notices", MAX_NOTICES)?;
    let mut notices: Vec<Notice> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{list_path}[{i}]");
        let Some(notice) = r.object(item, &at, &["id", "kind", "title", "areas", "text"]) else {
            continue;
        };
        let label = |r: &mut Reader, name: &str, max: usize| {
            r.required(notice, &at, name)
                .and_then(|v| r.label(v, &child(&at, name), max))
        };
        let id = label(r, "id", MAX_LABEL_CHARS);
        let kind = label(r, "kind", MAX_LABEL_CHARS);
        let title = label(r, "title", MAX_REASON_CHARS);
        let text = match field(notice, "text") {
            Some(v) if matches!(&v.value, Value::String(s) if s.is_empty()) => Some(String::new()),
            Some(v) => r.paragraph(v, &child(&at, "text"), MAX_REASON_CHARS),
            None => Some(String::new()),
        };
        let areas_path = child(&at, "areas");
        let areas = match r.required(notice, &at, "areas").map(|v| &v.value) {
            Some(Value::Array(list)) if list.is_empty() || list.len() > MAX_AREAS => {
                r.report(&areas_path, format!("must list 1 to {MAX_AREAS} areas"));
                None
            }
            Some(Value::Array(list)) => label_items(r, list, &areas_path),
            Some(_) => {
                let found = field(notice, "areas").map_or("nothing", Node::kind);
                r.report(&areas_path, format!("must be a list, not {found}"));
                None
            }
            None => None,
        };
        if let Some(id) = &id {
            if let Some(first) = notices.iter().position(|n| &n.id == id) {
                r.report(
                    &child(&at, "id"),
                    format!("is the same notice as {list_path}[{first}]: list each notice once"),
                );
                continue;
            }
        }
        if let (Some(id), Some(kind), Some(title), Some(areas), Some(text)) =
            (id, kind, title, areas, text)
        {
            notices.push(Notice {
                id,
                kind,
                title,
                areas,
                text,
            });
        }
    }
    Some(HostCommand::NoticesSet(NoticesSet { notices }))
}

pub(super) fn read_resources(r: &mut Reader, payload: &Node, path: &str) -> Option<HostCommand> {
    let (units_path, items) = payload_list(r, payload, path, "units", MAX_UNITS)?;
    let mut units = Vec::new();
    let mut seen: SortedMap<String, usize> = SortedMap::new();
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
                let status = UnitStatus::from_name(name);
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

/// A list of at most `max` labels at `path` (absent: empty).
fn labels(r: &mut Reader, value: Option<&Node>, path: &str, max: usize) -> Option<Vec<String>> {
    let Some(value) = value else {
        return Some(Vec::new());
    };
    let Value::Array(items) = &value.value else {
        r.report(path, format!("must be a list, not {}", value.kind()));
        return None;
    };
    if items.len() > max {
        r.report(path, format!("may list at most {max}"));
        return None;
    }
    label_items(r, items, path)
}

/// Each of `items` (a list at `path`) as a label, every bad one reported at its index.
fn label_items(r: &mut Reader, items: &[Node], path: &str) -> Option<Vec<String>> {
    let read: Vec<Option<String>> = items
        .iter()
        .enumerate()
        .map(|(k, v)| r.label(v, &format!("{path}[{k}]"), MAX_LABEL_CHARS))
        .collect();
    read.into_iter().collect()
}

/// `incident.open`: an incident the CRM holds.
pub(super) fn read_incident_open(
    r: &mut Reader,
    payload: &Node,
    path: &str,
) -> Option<HostCommand> {
    let p = r.object(
        payload,
        path,
        &[
            "reference",
            "code",
            "priority",
            "location",
            "summary",
            "zone",
            "vulnerable",
            "safety",
            "notify",
            "call",
        ],
    )?;
    let label = |r: &mut Reader, name: &str, max: usize| {
        r.required(p, path, name)
            .and_then(|v| r.label(v, &child(path, name), max))
    };
    let reference = label(r, "reference", MAX_ID_CHARS);
    let code = label(r, "code", MAX_LABEL_CHARS);
    let priority = label(r, "priority", MAX_LABEL_CHARS);
    let location = r
        .required(p, path, "location")
        .and_then(|v| r.paragraph(v, &child(path, "location"), MAX_REASON_CHARS));
    let summary = match field(p, "summary") {
        Some(v) if matches!(&v.value, Value::String(s) if s.is_empty()) => Some(String::new()),
        Some(v) => r.paragraph(v, &child(path, "summary"), MAX_REASON_CHARS),
        None => Some(String::new()),
    };
    let zone = optional(field(p, "zone"), |v| {
        r.label(v, &child(path, "zone"), MAX_LABEL_CHARS)
    });
    let vulnerable = optional(field(p, "vulnerable"), |v| {
        r.boolean(v, &child(path, "vulnerable"))
    })
    .map(|v| v.unwrap_or(false));
    let safety = labels(r, field(p, "safety"), &child(path, "safety"), 50);
    let notify = labels(r, field(p, "notify"), &child(path, "notify"), 50);
    let call_path = child(path, "call");
    let call = optional(field(p, "call"), |v| {
        let c = r.object(v, &call_path, &["reference", "handler"])?;
        let reference = r
            .required(c, &call_path, "reference")
            .and_then(|v| r.label(v, &child(&call_path, "reference"), MAX_LABEL_CHARS));
        let handler = r
            .required(c, &call_path, "handler")
            .and_then(|v| r.label(v, &child(&call_path, "handler"), MAX_LABEL_CHARS));
        Some(IncidentCall {
            reference: reference?,
            handler: handler?,
        })
    });
    Some(HostCommand::IncidentOpen(IncidentOpen {
        reference: reference?,
        code: code?,
        priority: priority?,
        location: location?,
        summary: summary?,
        zone: zone?,
        vulnerable: vulnerable?,
        safety: safety?,
        notify: notify?,
        call: call?,
    }))
}

/// `incident.report`: a unit's report, with `eta_minutes` only on `acknowledged` and `note`
/// required on (and only on) `update`.
pub(super) fn read_incident_report(
    r: &mut Reader,
    payload: &Node,
    path: &str,
) -> Option<HostCommand> {
    let p = r.object(
        payload,
        path,
        &["reference", "unit", "report", "eta_minutes", "note"],
    )?;
    let reference = r
        .required(p, path, "reference")
        .and_then(|v| r.label(v, &child(path, "reference"), MAX_ID_CHARS));
    let unit = r
        .required(p, path, "unit")
        .and_then(|v| r.label(v, &child(path, "unit"), MAX_LABEL_CHARS));
    let report_path = child(path, "report");
    let report = r
        .required(p, path, "report")
        .and_then(|v| r.string(v, &report_path))
        .and_then(|name| {
            let known = UnitReport::NAMES.contains(&name);
            if !known {
                r.report(
                    &report_path,
                    format!("must be one of {}", UnitReport::NAMES.join(", ")),
                );
            }
            known.then(|| name.to_owned())
        });
    let eta_path = child(path, "eta_minutes");
    let eta = optional(field(p, "eta_minutes"), |v| {
        r.whole(v, &eta_path, 0, 1440).map(|n| n as u32)
    });
    let note_path = child(path, "note");
    let note = optional(field(p, "note"), |v| {
        r.paragraph(v, &note_path, MAX_REASON_CHARS)
    });
    let report = report?;
    if matches!(eta, Some(Some(_))) && report != "acknowledged" {
        r.report(&eta_path, "is given only with the report acknowledged");
    }
    match (&note, report.as_str()) {
        (Some(None), "update") => r.report(&note_path, "is required with the report update"),
        (Some(Some(_)), other) if other != "update" => {
            r.report(&note_path, "is given only with the report update")
        }
        _ => {}
    }
    Some(HostCommand::IncidentReport(IncidentReport {
        reference: reference?,
        unit: unit?,
        report,
        eta_minutes: eta?,
        note: note?,
    }))
}

/// `review.add`: closed calls' deviations for the procedure check.
pub(super) fn read_review_add(r: &mut Reader, payload: &Node, path: &str) -> Option<HostCommand> {
    let (list_path, list) = payload_list(r, payload, path, "items", MAX_REVIEW_ITEMS)?;
    let mut items = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let at = format!("{list_path}[{i}]");
        let fields = [
            "call",
            "handler",
            "code",
            "closed_at",
            "deviation",
            "what",
            "reason",
        ];
        let Some(item) = r.object(item, &at, &fields) else {
            continue;
        };
        let mut label = |name: &str| {
            r.required(item, &at, name)
                .and_then(|v| r.label(v, &child(&at, name), MAX_LABEL_CHARS))
        };
        let (call, handler, deviation) = (label("call"), label("handler"), label("deviation"));
        let code = optional(field(item, "code"), |v| {
            r.label(v, &child(&at, "code"), MAX_LABEL_CHARS)
        });
        let closed_at = r
            .required(item, &at, "closed_at")
            .and_then(|v| r.whole(v, &child(&at, "closed_at"), 0, MAX_SEQ));
        let mut words = |name: &str| {
            r.required(item, &at, name)
                .and_then(|v| r.paragraph(v, &child(&at, name), MAX_REASON_CHARS))
        };
        let (what, reason) = (words("what"), words("reason"));
        if let (
            Some(call),
            Some(handler),
            Some(code),
            Some(closed_at),
            Some(deviation),
            Some(what),
            Some(reason),
        ) = (call, handler, code, closed_at, deviation, what, reason)
        {
            items.push(ReviewAddItem {
                call,
                handler,
                code,
                closed_at,
                deviation,
                what,
                reason,
            });
        }
    }
    Some(HostCommand::ReviewAdd(ReviewAdd { items }))
}

/// `history.set`: the centre's recent calls.
pub(super) fn read_history(r: &mut Reader, payload: &Node, path: &str) -> Option<HostCommand> {
    let (list_path, items) = payload_list(r, payload, path, "calls", MAX_HISTORY)?;
    let mut calls = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at_path = format!("{list_path}[{i}]");
        let Some(call) = r.object(item, &at_path, &["at", "callback", "location"]) else {
            continue;
        };
        let at = r
            .required(call, &at_path, "at")
            .and_then(|v| r.whole(v, &child(&at_path, "at"), 0, MAX_SEQ));
        // Either may be empty (no number given, no place yet): text without control characters.
        let mut text = |name: &str, max: usize| {
            let v = r.required(call, &at_path, name)?;
            if matches!(&v.value, Value::String(s) if s.is_empty()) {
                return Some(String::new());
            }
            r.label(v, &child(&at_path, name), max)
        };
        let callback = text("callback", MAX_PHONE_CHARS);
        let location = text("location", MAX_REASON_CHARS);
        if let (Some(at), Some(callback), Some(location)) = (at, callback, location) {
            calls.push(HistoryCall {
                at,
                callback,
                location,
            });
        }
    }
    Some(HostCommand::HistorySet(HistorySet { calls }))
}

pub(super) fn read_nack(r: &mut Reader, payload: &Node, path: &str) -> Option<HostCommand> {
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
    read_command_at(kind, payload.root(), PayloadRoot::Bare.path()).map_err(|problems| {
        Rejection::new(
            RejectReason::InvalidPayload {
                command: kind.name(),
                problems,
            },
            None,
        )
    })
}
