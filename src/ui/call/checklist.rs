//! The legislation checklist for the call's code (F9, F13; L3 1.6; NOS P3): each item of each law
//! the code names that applies now (`Call::checklist`), ticked with Space (or a click) as it is
//! done. A tick is logged with who and when and stays: the log is append-only, so a ticked item is
//! not unticked (a mistaken tick is explained at the close instead).

use incident_engine::call::{Command, Event};
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{keyed, live, memo, show_when};

use super::Desk;
use crate::host::clock::{shown_locale, time_of_day};

/// The element id of a checklist item's checkbox: where the call bar's "Go to it" leads.
pub(super) fn check_id(item: &str) -> String {
    format!("idk-check-{item}")
}

/// One checklist item as shown: its id, text and the law's title.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    id: String,
    text: String,
    law: String,
}

pub(super) fn checklist_panel(desk: Desk) -> impl IntoView {
    // The items change only with the code (and a declared major incident, for items that wait
    // for one); the ticks are read per item, so ticking one keeps its checkbox (and the focus on
    // it) in place.
    let items = memo(move || {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            c.checklist(&pack)
                .into_iter()
                .map(|(law, item)| Item {
                    id: item.id.clone(),
                    text: item.text.clone(),
                    law: law.title.clone(),
                })
                .collect::<Vec<_>>()
        })
    });
    let ticks = memo(move || {
        desk.call.with(|c| {
            c.log()
                .iter()
                .filter_map(|e| match &e.what {
                    Event::ChecklistTicked { item } => Some((item.clone(), e.at, e.by.clone())),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });
    let done_of = move |id: &str| {
        ticks.with(|t| {
            t.iter()
                .find(|(item, _, _)| item == id)
                .map(|(_, at, by)| (*at, by.clone()))
        })
    };
    let locale = shown_locale();
    let count = move || {
        let total = items.with(Vec::len);
        let done = items.with(|i| i.iter().filter(|i| done_of(&i.id).is_some()).count());
        format!("{done} of {total} done. Space ticks the focused item.")
    };
    let row = move |item: Item| {
        let id = item.id.clone();
        let key = item.id.clone();
        let ticked = memo(move || done_of(&key).is_some());
        let key = item.id.clone();
        let when = live(move || {
            done_of(&key).map(|(at, by)| {
                locale
                    .with(|l| format!(" \u{2713} done at {} by {by}", time_of_day(at, l.as_ref())))
            })
        });
        view! {
            <li>
                <label class="idk-check">
                    <input
                        id=check_id(&item.id)
                        type="checkbox"
                        prop:checked=live(move || ticked.get())
                        aria-readonly=live(move || ticked.get().then_some("true"))
                        on:change=handler(move |ev| {
                            if ticked.get_untracked() {
                                // Logged already; the tick stays.
                                event_target::<web_sys::HtmlInputElement>(&ev).set_checked(true);
                                return;
                            }
                            desk.dispatch(Command::TickChecklist { item: id.clone() });
                        })
                    />
                    {item.text}
                    <span class="idk-muted">{format!(" ({})", item.law)}</span>
                </label>
                <span class="idk-done">{when}</span>
            </li>
        }
    };
    view! {
        {show_when(move || !items.with(Vec::is_empty), move || {
            view! {
                <fieldset class="idk-group idk-checklist">
                    <legend>"Legislation checklist"</legend>
                    <p class="idk-muted">{count}</p>
                    <ul class="idk-checklist-items">
                        {keyed(move || items.get(), |i| i.id.clone(), move |item| row(item).into_any())}
                    </ul>
                    {super::feedback(desk, super::Place::Checklist)}
                </fieldset>
            }
            .into_any()
        })}
    }
}
