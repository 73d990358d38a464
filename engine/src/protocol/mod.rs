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

use crate::kernel::SortedMap;
use std::borrow::Cow;
use std::fmt;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};
use serde_json::Value;

pub mod deployment;

use crate::call::entry::LogEntry;
use crate::delivery::outbox::{Failure, IdempotencyKey, OutboxStatus};
use crate::incident::{Pending, UnitReport};
use crate::kernel::{human_bytes, list_problems, Random, Role, SplitMix64};
use crate::pack::notices::Notice;
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
/// Notices in one `notices.set`.
const MAX_NOTICES: usize = 200;
/// The most deviations one `review.add` may list.
const MAX_REVIEW_ITEMS: usize = 500;
/// The most calls `history.set` may list.
const MAX_HISTORY: usize = 1_000;
/// Areas of one notice.
const MAX_AREAS: usize = 500;
/// Locale tags (BCP 47; 35 characters covers every registered tag).
const MAX_LOCALE_CHARS: usize = 35;
/// Caller numbers.
const MAX_PHONE_CHARS: usize = 32;

mod commands;
mod envelope;
mod events;
mod ids;
mod origin;
mod problem;
mod reader;
mod refusal;
mod schema;
mod session;
mod values;

pub use commands::*;
pub use envelope::*;
pub use events::*;
pub use ids::*;
pub use origin::*;
pub use problem::*;
pub use reader::*;
pub use refusal::*;
pub use schema::*;
pub use session::*;
pub use values::*;

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
