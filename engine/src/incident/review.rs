//! The procedure check (F13; L3 1.6, 1.7; NOS P3, P13): every closed call's deviations from the
//! procedure, each with the handler's reason, in a queue the supervisor works through: each is
//! signed off (the reason stands) or raised for coaching (with what to coach on). What is decided
//! is kept with who decided and when, for the review of results (issue 18).
//!
//! A deviation comes from a closed call ([`review_items`]: on the standalone call screen, handed
//! over with the call's log entry) or from the host CRM (`review.add`, from the entries it holds).
//! Its key, `<call>#<deviation key>`, is the same however often it arrives, so the queue holds it
//! once.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::call::{deviation_label, Call};
use crate::incident::events::Pending;
use crate::incident::machine::{call_reference, Opening};
use crate::kernel::Millis;
use crate::pack::Pack;

/// A deviation from the procedure on a closed call, waiting for (or given) the supervisor's
/// decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReviewItem {
    /// `<call>#<deviation>`: the same for every copy of it.
    pub key: String,
    /// The call's reference: the CRM's call id, else "answered" and its answer time.
    pub call: String,
    /// Who took the call: the handler's id.
    pub handler: String,
    /// The call's code, if one was decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// When the call closed.
    pub closed_at: Millis,
    /// The deviation's key within the call (`advice:<item>`, `checklist:<item>`,
    /// `declined:<level>`, `overridden`, `tree_not_completed`).
    pub deviation: String,
    /// What it is, in words ("must-say advice not given: “Do not drive through flood water”").
    pub what: String,
    /// The handler's reason.
    pub reason: String,
    /// The supervisor's decision, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<ReviewDecision>,
}

/// What the supervisor decided about a deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// The reason stands: nothing more to do.
    SignedOff,
    /// Raised for coaching with the handler.
    Coaching,
}

impl ReviewOutcome {
    /// How the timeline and the queue say it.
    pub fn label(self) -> &'static str {
        match self {
            ReviewOutcome::SignedOff => "signed off",
            ReviewOutcome::Coaching => "raised for coaching",
        }
    }
}

/// The decision, who made it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReviewDecision {
    /// Signed off or raised for coaching.
    pub outcome: ReviewOutcome,
    /// The supervisor's id.
    pub by: String,
    /// When.
    pub at: Millis,
    /// The supervisor's note: what to coach on (required for coaching), or why it stands.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The `review.decided` payload: the decision on a deviation, for the host CRM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Decided {
    /// `review:<key>`, the deviation's key after `review:`: the same for every send of it.
    pub key: String,
    /// The call's reference.
    pub call: String,
    /// Who took the call.
    pub handler: String,
    /// The deviation's key within the call.
    pub deviation: String,
    /// `signed_off` or `coaching`.
    pub outcome: ReviewOutcome,
    /// The supervisor's note (what to coach on), or empty.
    pub note: String,
    /// The supervisor's id.
    pub by: String,
    /// When, in milliseconds since 1970 (UTC).
    pub at: Millis,
}

impl ReviewItem {
    /// Its decision as an event for the host's outbox (for an item decided: an undecided one
    /// would say signed off by no one at 0).
    pub fn decided(&self) -> Pending {
        let decision = self.decision.as_ref();
        let payload = Decided {
            key: format!("review:{}", self.key),
            call: self.call.clone(),
            handler: self.handler.clone(),
            deviation: self.deviation.clone(),
            outcome: decision.map_or(ReviewOutcome::SignedOff, |d| d.outcome),
            note: decision.map(|d| d.note.clone()).unwrap_or_default(),
            by: decision.map(|d| d.by.clone()).unwrap_or_default(),
            at: decision.map_or(0, |d| d.at),
        };
        Pending {
            kind: "review.decided".to_owned(),
            key: payload.key.clone(),
            payload: serde_json::to_string(&payload).unwrap_or_else(|_| "{}".to_owned()),
        }
    }
}

/// What a closed call on the standalone call screen hands the console in the same browser: its
/// incident, if its code sends someone or tells someone, and its deviations for the procedure
/// check. No caller's details.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct HandOver {
    /// The incident to open (or to link the call to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<Opening>,
    /// The call's deviations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<ReviewItem>,
}

impl HandOver {
    /// What closed `call` hands over, if anything.
    pub fn from_call(pack: &Pack, call: &Call) -> Option<HandOver> {
        let hand = HandOver {
            opening: Opening::from_call(pack, call),
            review: review_items(pack, call),
        };
        (hand.opening.is_some() || !hand.review.is_empty()).then_some(hand)
    }

    /// As JSON, to keep until the console takes it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Read back from [`HandOver::to_json`]'s JSON (or an [`Opening`]'s alone, as handed over
    /// before deviations were), or what is wrong with it and where.
    pub fn read(bytes: &[u8]) -> Result<HandOver, String> {
        super::read_json::<HandOver>(bytes)
            .ok()
            .filter(|h| h.opening.is_some() || !h.review.is_empty())
            .map_or_else(
                || {
                    Opening::read(bytes).map(|opening| HandOver {
                        opening: Some(opening),
                        review: Vec::new(),
                    })
                },
                Ok,
            )
    }
}

/// The key of a deviation of a call.
pub fn review_key(call: &str, deviation: &str) -> String {
    format!("{call}#{deviation}")
}

/// Every deviation of a closed `call`, for the queue; none for a call still open.
pub fn review_items(pack: &Pack, call: &Call) -> Vec<ReviewItem> {
    if !call.is_closed() {
        return Vec::new();
    }
    // The close is the call's last event.
    let closed_at = call.touched_at();
    let reference = call_reference(call);
    let code = call.decision().map(|d| d.code.clone());
    call.deviations(pack)
        .into_iter()
        .map(|d| ReviewItem {
            key: review_key(&reference, &d.key),
            call: reference.clone(),
            handler: call.handler().to_owned(),
            code: code.clone(),
            closed_at,
            what: deviation_label(pack, &d.key),
            deviation: d.key,
            reason: d.reason.unwrap_or_default(),
            decision: None,
        })
        .collect()
}
