//! What the host is told about a call, decided here and carried out by the browser (issue 14):
//! that a call started (under the CRM's id when it gave one) or was restored from its draft (under
//! the id it started with, and with its CRM link), and each escalation level proposed, once per call. The completed entry is the
//! close's own effect (`Effect::Completed`).

use crate::kernel::SortedSet;

use crate::call::{Call, Effect, Proposal};

impl Call {
    /// What the host hears when this call is put on screen: `CallStarted` for a new call, under
    /// `crm_call_id` (the CRM's `context.set` for the call ringing) or else the widget's own id;
    /// `CallResumed` for a call restored from its draft (`resumed`), with the CRM ids it is linked
    /// to, if any, and never a context meant for a new call. The call keeps the id it was
    /// announced under (saved with its draft), and is resumed under that same id, whatever it was
    /// linked to since: the host must be able to tell it is the call it heard start. A draft saved
    /// before the id was kept is resumed under the CRM id it is linked to, else the widget's own.
    pub fn opening(&mut self, resumed: bool, crm_call_id: Option<&str>) -> Effect {
        let own = || format!("incident-desk-{}", self.opened_at());
        if resumed {
            let (crm_call, contact) = self.crm_link().unwrap_or((None, None));
            let call_id = self
                .announced_as
                .clone()
                .unwrap_or_else(|| crm_call.map_or_else(own, str::to_owned));
            let effect = Effect::CallResumed {
                call_id: call_id.clone(),
                crm_call: crm_call.map(str::to_owned),
                contact: contact.map(str::to_owned),
            };
            self.announced_as = Some(call_id);
            effect
        } else {
            let call_id = crm_call_id.map_or_else(own, str::to_owned);
            self.announced_as = Some(call_id.clone());
            Effect::CallStarted { call_id }
        }
    }
}

/// The escalation levels the host has been told of during one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proposed(SortedSet<String>);

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
