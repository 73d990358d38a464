//! Live availability of the pack's units (F10, F17; L2 1.5, 2.1; L3 2.1): the status each unit
//! had when the pack was loaded, updated as the host reports changes (`resources.update`), and the
//! units that fit a code's response plan, best first, for the handler passing the incident on.

use crate::kernel::SortedMap;

use crate::kernel::sort::sort_by_key;
use crate::pack::Pack;
use crate::pack::{ResourceUnit, UnitStatus};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One unit's live status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitUpdate {
    /// The unit's id in the pack.
    #[schemars(length(min = 1, max = 128))]
    pub id: String,
    /// Its status now.
    pub status: UnitStatus,
}

/// Each unit's status now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Availability {
    statuses: SortedMap<String, UnitStatus>,
}

/// A unit as a response plan needs it: who, and whether it can go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitNow {
    /// The unit.
    pub unit: ResourceUnit,
    /// Its status now.
    pub status: UnitStatus,
}

/// How soon a unit of this status can go: lower is sooner.
pub(crate) fn readiness(status: UnitStatus) -> u8 {
    match status {
        UnitStatus::Available => 0,
        UnitStatus::OnCall => 1,
        UnitStatus::Committed => 2,
        UnitStatus::OffDuty => 3,
    }
}

impl Availability {
    /// The statuses the pack gives.
    pub fn of(pack: &Pack) -> Availability {
        // Inserted one by one: collecting into a map would compile a sort for the pairs.
        let mut statuses = SortedMap::new();
        for unit in &pack.file().resources.units {
            statuses.insert(unit.id.clone(), unit.status);
        }
        Availability { statuses }
    }

    /// Applies the host's updates to units the pack has; returns the ids it does not have (left
    /// out: a unit is only ever one of the pack's).
    pub fn update(&mut self, updates: &[UnitUpdate]) -> Vec<String> {
        let mut unknown = Vec::new();
        for update in updates {
            match self.statuses.get_mut(&update.id) {
                Some(status) => *status = update.status,
                None => unknown.push(update.id.clone()),
            }
        }
        unknown
    }

    /// A unit's status now.
    pub fn status(&self, unit: &str) -> Option<UnitStatus> {
        self.statuses.get(unit).copied()
    }

    /// The units of the types `code`'s response plan asks for, the readiest first (available, on
    /// call, committed, off duty), then in the pack's order. Empty for an unknown code.
    pub fn for_code(&self, pack: &Pack, code: &str) -> Vec<UnitNow> {
        let Some(code) = pack.code(code) else {
            return Vec::new();
        };
        let mut units: Vec<UnitNow> = pack
            .file()
            .resources
            .units
            .iter()
            .filter(|u| {
                code.response_plan
                    .iter()
                    .any(|p| p.types().any(|t| t == u.resource_type))
            })
            .map(|u| UnitNow {
                unit: u.clone(),
                status: self.status(&u.id).unwrap_or(u.status),
            })
            .collect();
        sort_by_key(&mut units, |u| readiness(u.status));
        units
    }
}
