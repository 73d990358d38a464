//! Advice within limits (F5; L2 1.6, 3.6; NOS P2).

use incident_engine::call::{fill_pack_placeholders, Command, Event};
use incident_engine::pack::AdviceItem;
use leptos::prelude::*;

use super::Desk;
use crate::host::clock::{shown_locale, time_of_day};

/// Advice to give now, before anything else (F5; L2 1.6): what the tree names the moment it starts
/// and as each question is reached (`give_now`), and what a safety-net "yes" calls for. Shown above
/// the question, before any code, each with "Given" to log it; it leaves the list once given.
pub(super) fn give_now_panel(desk: Desk) -> impl IntoView {
    let due = Memo::new(move |_| {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            c.advice_due(&pack)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
    });
    move || {
        let due = due.get();
        if due.is_empty() {
            return None;
        }
        let pack = desk.pack.get_value();
        let items = due
            .iter()
            .filter_map(|id| {
                pack.file()
                    .advice
                    .items
                    .iter()
                    .find(|a| &a.id == id)
                    .cloned()
            })
            .map(|item| advice_item(desk, item, None, GIVE_NOW_ID))
            .collect_view();
        Some(view! {
            <section class="idk-give-now" aria-labelledby=GIVE_NOW_ID>
                <h3 id=GIVE_NOW_ID tabindex="-1">"Give now"</h3>
                <ul aria-label="Give now">{items}</ul>
            </section>
        })
    }
}

/// Advice for the call once it has a code: the code's advice set (must say, may say) and the
/// limits in force (must not say), always visible; free-text advice is checked against the limits
/// before it is recorded, and every rule it breaks is shown (F5; L2 1.6, 3.6).
pub(super) fn advice_panel(desk: Desk) -> impl IntoView {
    let free_text = RwSignal::new(String::new());
    // Rendered again only when what to advise changes, not on every change to the call.
    let state = Memo::new(move |_| {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            let limits: Vec<String> = c
                .limits_in_force(&pack)
                .into_iter()
                .map(|l| l.rule.clone())
                .collect();
            let given: Vec<(String, u64)> = c
                .log()
                .iter()
                .filter_map(|e| match &e.what {
                    Event::AdviceGiven {
                        item: Some(item), ..
                    } => Some((item.clone(), e.at)),
                    _ => None,
                })
                .collect();
            (
                c.decision().is_some(),
                c.advice_set(&pack).cloned(),
                limits,
                given,
            )
        })
    });
    move || {
        let (decided, set, limits, given) = state.get();
        if !decided {
            return None;
        }
        let pack = desk.pack.get_value();
        let file = pack.file();
        let items = set
            .iter()
            .flat_map(|s| s.items.iter())
            .filter_map(|id| file.advice.items.iter().find(|a| &a.id == id).cloned())
            .map(|item| {
                let at = given.iter().find(|(id, _)| *id == item.id).map(|g| g.1);
                advice_item(desk, item, at, ADVICE_ID)
            })
            .collect_view();
        let limits = limits
            .into_iter()
            .map(|rule| view! { <li>{rule}</li> })
            .collect_view();
        Some(view! {
            <section class="idk-advice" aria-labelledby=ADVICE_ID>
                <h3 id=ADVICE_ID tabindex="-1">"Advice"</h3>
                <ul aria-label="Approved advice">{items}</ul>
                <h4>"Must not say"</h4>
                <ul aria-label="Must not say">{limits}</ul>
                <label class="idk-field idk-field-wide">
                    "Advice in your own words"
                    <textarea rows="2" prop:value=move || free_text.get() on:input=move |ev| free_text.set(event_target_value(&ev))></textarea>
                </label>
                <button
                    type="button"
                    class="idk-button"
                    on:click=move |_| {
                        if desk.dispatch(Command::GiveFreeTextAdvice { text: free_text.get_untracked() }) {
                            free_text.set(String::new());
                        }
                    }
                >
                    "Check and record advice"
                </button>
            </section>
        })
    }
}

/// One approved advice item, its placeholders filled, with "Given" to record it verbatim; once
/// given (at `given`), it says so and when, instead of the button.
/// The "Give now" heading, where focus goes after one is given (the button it was on is gone).
const GIVE_NOW_ID: &str = "idk-give-now-heading";
/// The advice heading, likewise for the code's advice.
const ADVICE_ID: &str = "idk-advice-heading";

fn advice_item(
    desk: Desk,
    item: AdviceItem,
    given: Option<u64>,
    then_focus: &'static str,
) -> impl IntoView {
    let pack = desk.pack.get_value();
    let text = fill_pack_placeholders(&pack, &item.text);
    let id = item.id.clone();
    let locale = shown_locale();
    let state = match given {
        Some(at) => view! {
            <span class="idk-done">
                {move || locale.with(|l| format!("\u{2713} Given at {}", time_of_day(at, l.as_ref())))}
            </span>
        }
        .into_any(),
        None => view! {
            <button
                type="button"
                class="idk-button idk-button-secondary"
                aria-label=format!("Given: {text}")
                on:click=move |_| {
                    if desk.dispatch(Command::GiveAdvice { item: id.clone() }) {
                        // The list is drawn again without this button: keep the handler in place.
                        let pack = desk.pack.get_value();
                        let (still_due, asking) = desk.call.with_untracked(|c| {
                            (!c.advice_due(&pack).is_empty(), c.current_question().is_some())
                        });
                        let to = match (then_focus == GIVE_NOW_ID, still_due, asking) {
                            (true, false, true) => super::QUESTION_ID,
                            (true, false, false) => ADVICE_ID,
                            _ => then_focus,
                        };
                        desk.instance.focus_soon(to);
                    }
                }
            >
                "Given"
            </button>
        }
        .into_any(),
    };
    view! {
        <li>
            <span class="idk-advice-kind">{item.kind.label()}</span>
            " "
            {text.clone()}
            " "
            {state}
        </li>
    }
}
