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

/// A page of the product that a host can put in front of someone (each is its own app).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The call screen (index.html, or the widget in the host's page).
    CallScreen,
    /// The supervisor's console (console.html).
    Console,
}

impl Page {
    /// What it is called on screen.
    pub fn name(self) -> &'static str {
        match self {
            Page::CallScreen => "the call screen",
            Page::Console => "the supervisor's console",
        }
    }

    /// Who may open it, as a phrase: "handlers, supervisors and trainees".
    pub fn for_whom(self) -> &'static str {
        match self {
            Page::CallScreen => "handlers, supervisors and trainees taking live calls",
            Page::Console => "supervisors",
        }
    }
}

impl Role {
    /// Whether someone signed in with this role (the host's `configure`) may use `page`: the
    /// call screen is for those who take live calls (a supervisor may, in a surge; an assessor
    /// does not), the console for supervisors only. Standalone, with no host to say who is
    /// signed in, every page opens.
    pub fn may_open(self, page: Page) -> bool {
        match page {
            Page::CallScreen => !matches!(self, Role::Assessor),
            Page::Console => matches!(self, Role::Supervisor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_is_the_supervisors_and_the_call_screen_is_not_the_assessors() {
        let may = |page| {
            Role::NAMES
                .iter()
                .filter(|(_, r)| r.may_open(page))
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
        };
        assert_eq!(may(Page::Console), ["supervisor"]);
        assert_eq!(may(Page::CallScreen), ["handler", "supervisor", "trainee"]);
    }
}
