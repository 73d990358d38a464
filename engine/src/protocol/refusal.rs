//! Refusals: why a host message was not acted on, without repeating what it held.

#[allow(unused_imports)]
use super::*;

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
    #[error("The message's envelope is not valid: {}.", list_problems(.problems))]
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
    #[error("The \"{command}\" command was not acted on: {}.", list_problems(.problems))]
    InvalidPayload {
        /// The command's type.
        command: &'static str,
        /// Every problem, each at its path.
        problems: Vec<FieldProblem>,
    },
    /// A `configure` whose endpoint the deployment does not list. Unlike every other refusal,
    /// the message was taken: its `seq` is used and everything in it but the endpoint and the
    /// token was applied. Where and why only: the address is never repeated (its query may hold
    /// a secret).
    #[error("The \"configure\" command was applied except its endpoint and token: the endpoint (at {}) is not among the endpoints this deployment allows (\"endpoints\" in its deployment.json), so the endpoint and token in force stay as they were and entries keep going where they went. Its agent id, agent name, role, locale, theme, z-index and storage key are in force.", .problem.path)]
    EndpointNotAllowed {
        /// The problem, at the endpoint's path.
        problem: FieldProblem,
    },
    /// The session was torn down.
    #[error("The session has ended (teardown); the widget starts a new one with a new hello.")]
    SessionEnded,
    /// A `welcome` given as a bare command ([`read_bare_command`]): a widget mounted in the
    /// page has no handshake to answer.
    #[error("The \"welcome\" command answers the iframe handshake; a widget mounted in the page takes commands without one.")]
    NoHandshake,
    /// A command another page takes: `incident.*` sent to the call screen, `context.set` to the
    /// console.
    #[error(
        "The \"{command}\" command is for {page}; this is another page, so it was not acted on."
    )]
    NotForThisPage {
        /// The command's type.
        command: &'static str,
        /// The page that takes it.
        page: &'static str,
    },
    /// A command read well but refused by the rules: a report from a unit not yet tasked, an
    /// incident with a code the procedures do not have. The rule only, never the values sent.
    #[error("The \"{command}\" command was not acted on: {rule}.")]
    NotApplied {
        /// The command's type.
        command: &'static str,
        /// The rule it broke, without the values it held.
        rule: String,
    },
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
    /// `command` is for another page, `page` ([`RejectReason::NotForThisPage`]).
    pub fn not_for_this_page(command: &'static str, page: &'static str) -> Self {
        Rejection::new(RejectReason::NotForThisPage { command, page }, None)
    }

    /// `command` broke `rule` ([`RejectReason::NotApplied`]): say the rule without the values.
    pub fn not_applied(command: &'static str, rule: String) -> Self {
        Rejection::new(RejectReason::NotApplied { command, rule }, None)
    }

    pub(super) fn new(reason: RejectReason, correlation: Option<MessageId>) -> Self {
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
            RejectReason::EndpointNotAllowed { .. } => "endpoint_not_allowed",
            RejectReason::SessionEnded => "session_ended",
            RejectReason::NoHandshake => "no_handshake",
            RejectReason::NotForThisPage { .. } => "not_for_this_page",
            RejectReason::NotApplied { .. } => "not_applied",
        }
    }

    /// A short heading for the handler's notice.
    pub fn title(&self) -> &'static str {
        match self.reason {
            RejectReason::StaleSequence { .. } => "A repeated message from the CRM was ignored",
            RejectReason::InvalidPayload { .. } | RejectReason::UnknownType => {
                "A command from the CRM was not understood"
            }
            RejectReason::EndpointNotAllowed { .. } => "An address from the CRM was not used",
            _ => "A message from the CRM was refused",
        }
    }

    /// Each problem at its path, for `invalid_envelope`, `invalid_payload` and
    /// `endpoint_not_allowed`.
    pub fn problems(&self) -> &[FieldProblem] {
        match &self.reason {
            RejectReason::InvalidEnvelope { problems }
            | RejectReason::InvalidPayload { problems, .. } => problems,
            RejectReason::EndpointNotAllowed { problem } => std::slice::from_ref(problem),
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
