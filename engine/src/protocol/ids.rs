//! The ids in the envelope: messages, sessions, instances.

#[allow(unused_imports)]
use super::*;

pub(super) fn is_wire_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_ID_CHARS
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

pub(super) const ID_RULE: &str =
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
