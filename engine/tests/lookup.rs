//! Every collection of a checked pack has a lookup by id (engine/src/pack/lookup.rs), and each
//! finds every item of the shipped packs by its own id and nothing by an unknown one.

mod support;
use support::{council, housing};

#[test]
fn every_item_of_the_shipped_packs_is_found_by_its_id() {
    for pack in [council(), housing()] {
        let file = pack.file();
        for p in &file.priorities {
            assert_eq!(pack.priority(&p.id), Some(p));
        }
        for q in &file.safety_net {
            assert_eq!(pack.safety_question(&q.id), Some(q));
        }
        for a in &file.advice.items {
            assert_eq!(pack.advice_item(&a.id), Some(a));
        }
        for s in &file.advice.sets {
            assert_eq!(pack.advice_set(&s.id), Some(s));
        }
        for l in &file.advice.limits {
            assert_eq!(pack.advice_limit(&l.id), Some(l));
        }
        for l in &file.escalation.levels {
            assert_eq!(pack.level(&l.id), Some(l));
        }
        for u in &file.resources.units {
            assert_eq!(pack.unit(&u.id), Some(u));
        }
        for o in &file.external_organisations {
            assert_eq!(pack.external_organisation(&o.id), Some(o));
        }
        for c in &file.channels {
            assert_eq!(pack.channel(&c.id), Some(c));
        }
        for law in &file.legislation {
            assert_eq!(pack.legislation(&law.id), Some(law));
            for item in &law.checklist {
                assert_eq!(pack.checklist_item(&item.id), Some(item));
            }
        }
        for tree in &file.trees {
            assert_eq!(pack.tree(&tree.id), Some(tree));
            for node in &tree.nodes {
                assert_eq!(tree.node(&node.id), Some(node));
            }
            for outcome in &tree.outcomes {
                assert_eq!(tree.outcome(&outcome.id), Some(outcome));
            }
        }
        assert!(pack.level("no-such-level").is_none());
        assert!(pack.channel("").is_none());
        assert!(pack.advice_item("adv-none").is_none());
    }
}
