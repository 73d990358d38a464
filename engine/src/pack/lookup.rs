//! A lookup by id for every collection of a checked pack, in one place, used by the engine and
//! the widget alike (no linear scan written again at each use). The collections are short (tens
//! of items): a scan is as quick as a map and adds nothing to the pack's memory; codes and trees,
//! which can run to thousands, have maps (`Pack::code`, `Pack::tree`).

use crate::pack::{
    AdviceItem, AdviceLimit, AdviceSet, AnswerOption, Channel, ChecklistItem, CustomField,
    DecisionTree, EscalationLevel, ExternalOrganisation, Legislation, Outcome, Pack, Priority,
    ResourceUnit, Route, SafetyNetQuestion, TreeNode,
};

/// A pack item with an id.
trait Identified {
    fn id(&self) -> &str;
}

macro_rules! identified {
    ($($item:ty),* $(,)?) => {
        $(impl Identified for $item {
            fn id(&self) -> &str {
                &self.id
            }
        })*
    };
}

identified!(
    AdviceItem,
    AdviceLimit,
    AdviceSet,
    AnswerOption,
    Channel,
    CustomField,
    Route,
    ChecklistItem,
    EscalationLevel,
    ExternalOrganisation,
    Legislation,
    Outcome,
    Priority,
    ResourceUnit,
    SafetyNetQuestion,
    TreeNode,
);

fn by_id<'a, T: Identified>(items: &'a [T], id: &str) -> Option<&'a T> {
    items.iter().find(|item| item.id() == id)
}

impl Pack {
    /// The priority with this id.
    pub fn priority(&self, id: &str) -> Option<&Priority> {
        by_id(&self.file().priorities, id)
    }

    /// The safety-net question with this id.
    pub fn safety_question(&self, id: &str) -> Option<&SafetyNetQuestion> {
        by_id(&self.file().safety_net, id)
    }

    /// The advice item with this id.
    pub fn advice_item(&self, id: &str) -> Option<&AdviceItem> {
        by_id(&self.file().advice.items, id)
    }

    /// The advice set with this id.
    pub fn advice_set(&self, id: &str) -> Option<&AdviceSet> {
        by_id(&self.file().advice.sets, id)
    }

    /// The escalation level with this id.
    pub fn level(&self, id: &str) -> Option<&EscalationLevel> {
        by_id(&self.file().escalation.levels, id)
    }

    /// The resource unit with this id.
    pub fn unit(&self, id: &str) -> Option<&ResourceUnit> {
        by_id(&self.file().resources.units, id)
    }

    /// The external organisation with this id.
    pub fn external_organisation(&self, id: &str) -> Option<&ExternalOrganisation> {
        by_id(&self.file().external_organisations, id)
    }

    /// The channel with this id.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        by_id(&self.file().channels, id)
    }

    /// The advice limit with this id.
    pub fn advice_limit(&self, id: &str) -> Option<&AdviceLimit> {
        by_id(&self.file().advice.limits, id)
    }

    /// The item of a legislation checklist with this id (checklist ids are unique in a pack).
    pub fn checklist_item(&self, id: &str) -> Option<&ChecklistItem> {
        self.file()
            .legislation
            .iter()
            .find_map(|law| by_id(&law.checklist, id))
    }

    /// The organisation's own log field with this id (issue 15).
    pub fn custom_field(&self, id: &str) -> Option<&CustomField> {
        by_id(&self.file().fields, id)
    }

    /// The specialist route with this id (issue 15).
    pub fn route(&self, id: &str) -> Option<&Route> {
        by_id(&self.file().routes, id)
    }

    /// The legislation or policy with this id.
    pub fn legislation(&self, id: &str) -> Option<&Legislation> {
        by_id(&self.file().legislation, id)
    }
}

impl DecisionTree {
    /// The question with this id.
    pub fn node(&self, id: &str) -> Option<&TreeNode> {
        by_id(&self.nodes, id)
    }

    /// The outcome with this id.
    pub fn outcome(&self, id: &str) -> Option<&Outcome> {
        by_id(&self.outcomes, id)
    }
}

/// The choice among `options` with this id.
pub fn option<'a>(options: &'a [AnswerOption], id: &str) -> Option<&'a AnswerOption> {
    by_id(options, id)
}
