//! What the host is told about a call, decided here and carried out by the browser (issue 14):
//! that a call started (under the CRM's id when it gave one) or was restored from its draft (with
//! its CRM link), and each escalation level proposed, once per call. The completed entry is the
//! close's own effect (`Effect::Completed`).

use std::collections::BTreeSet;

use crate::call::{Call, Effect, Proposal};

impl Call {
    /// What the host hears when this call is put on screen: `CallStarted` for a new call, under
    /// `crm_call_id` (the CRM's `context.set` for the call ringing) or else the widget's own id;
    /// `CallResumed` for a call restored from its draft (`resumed`), under the CRM id it is
    /// linked to, if any, and never a context meant for a new call.
    pub fn opening(&self, resumed: bool, crm_call_id: Option<&str>) -> Effect {
        let own = || format!("incident-desk-{}", self.opened_at());
        if resumed {
            let (crm_call, contact) = self.crm_link().unwrap_or((None, None));
            Effect::CallResumed {
                call_id: crm_call.map_or_else(own, str::to_owned),
                crm_call: crm_call.map(str::to_owned),
                contact: contact.map(str::to_owned),
            }
        } else {
            Effect::CallStarted {
                call_id: crm_call_id.map_or_else(own, str::to_owned),
            }
        }
    }
}

/// The escalation levels the host has been told of during one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proposed(BTreeSet<String>);

impl Proposed {
    /// The proposals among `proposals` (the call's undecided ones, as recomputed every tick) whose
    /// level the host has not been told of yet, in their order, as `EscalationProposed`; each level
    /// is told once per call, whatever its reason.
    pub fn newly(&mut self, proposals: &[Proposal]) -> Vec<Effect> {
        proposals
            .iter()
            .filter(|p| self.0.insert(p.level.clone()))
            .map(|p| Effect::EscalationProposed {
                level: p.level.clone(),
                reason: p.reason.clone(),
            })
            .collect()
    }
}
