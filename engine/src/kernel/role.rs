//! Who is at the widget: recorded with every call, read from the host's `configure`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What the person at the widget does, from `configure`. Recorded with each call they answer
/// (`handler_role` in the log entry), so a CRM can tell a trainee's call from a handler's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A call handler taking calls.
    Handler,
    /// A supervisor or senior handler: deploys resources, watches incidents, reviews.
    Supervisor,
    /// A trainee practising on scenarios.
    Trainee,
    /// An assessor looking at a trainee's evidence.
    Assessor,
}

impl Role {
    /// Every role with its name on the wire.
    pub const NAMES: [(&'static str, Role); 4] = [
        ("handler", Role::Handler),
        ("supervisor", Role::Supervisor),
        ("trainee", Role::Trainee),
        ("assessor", Role::Assessor),
    ];

    /// The role named `name` on the wire, if any.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| *r)
    }

    /// The role's name on the wire (`handler`, `supervisor`, `trainee`, `assessor`).
    pub fn name(self) -> &'static str {
        Role::NAMES
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("handler", |(n, _)| n)
    }
}
