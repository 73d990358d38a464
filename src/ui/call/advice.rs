//! Advice within limits (F5; L2 1.6, 3.6; NOS P2).

use incident_engine::call::{Command, Event};
use incident_engine::pack::{AdviceItem, AdviceKind, AdviceSet};
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{keyed, live, memo, show_when, CollectAny};

use super::{feedback, text_area, Desk, Place};
use crate::host::clock::{hours_minutes, shown_locale};

/// Advice to give now, before anything else (F5; L2 1.6): what the tree names the moment it starts
/// and as each question is reached (`give_now`), and what a safety-net "yes" calls for. Shown above
/// the question, before any code, each with "Given" to log it; a given item stays in its place,
/// marked given and when, and focus moves on to the next one still to give, or to the call's next
/// step.
pub(super) fn give_now_panel(desk: Desk) -> impl IntoView {
    let called_for = memo(move || {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            c.advice_called_for(&pack)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
    });
    let item = move |id: String| {
        let pack = desk.pack.get_value();
        let item = pack.advice_item(&id).cloned();
        item.map(|item| advice_item(desk, item, GIVE_NOW_ID))
    };
    view! {
        {show_when(move || !called_for.with(Vec::is_empty), move || {
            view! {
                <section class="idk-give-now" aria-labelledby=GIVE_NOW_ID>
                    <h3 id=GIVE_NOW_ID tabindex="-1">"Give now"</h3>
                    <ul aria-label="Give now">
                        {keyed(move || called_for.get(), String::clone, move |id| item(id).into_any())}
                    </ul>
                    {feedback(desk, Place::GiveNow)}
                </section>
            }
            .into_any()
        })}
    }
}

/// Advice for the call once it has a code: the code's advice set (must say, may say) and the
/// limits in force (must not say), always visible; free-text advice is checked against the limits
/// before it is recorded, and every rule it breaks is shown (F5; L2 1.6, 3.6).
pub(super) fn advice_panel(desk: Desk) -> impl IntoView {
    let free_text = RwSignal::new(String::new());
    // Rendered again only when what to advise changes, not on every change to the call.
    let state = memo(move || {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            let limits: Vec<String> = c
                .limits_in_force(&pack)
                .into_iter()
                .map(|l| l.rule.clone())
                .collect();
            // Not what was given: each item follows that itself, so "Given" keeps its element
            // (and focus) when it changes state.
            (c.decision().is_some(), c.advice_set(&pack).cloned(), limits)
        })
    });
    // The section, its heading and the free-text box are built once the call is coded and kept
    // while it is (the heading can hold the focus, the box a half-typed line: an element drawn
    // again loses its attributes for a moment, `ui::live`); the lists are drawn again alone.
    view! {
        {show_when(move || state.with(|(decided, ..)| *decided), move || {
            view! {
                <section class="idk-advice" aria-labelledby=ADVICE_ID>
                    <h3 id=ADVICE_ID tabindex="-1">"Advice"</h3>
                    {live(move || advice_lists(desk, state.get()))}
                    {text_area("Advice in your own words", free_text)}
                    <button
                        type="button"
                        class="idk-button"
                        on:click=handler(move |_| {
                            if desk.dispatch(Command::GiveFreeTextAdvice { text: free_text.get_untracked() }) {
                                free_text.set(String::new());
                                desk.confirm(Place::Advice, "Advice recorded");
                            }
                        })
                    >
                        "Check and record advice"
                    </button>
                    {feedback(desk, Place::Advice)}
                </section>
            }
            .into_any()
        })}
    }
}

/// The code's approved advice, each item with "Given", and the limits in force.
fn advice_lists(
    desk: Desk,
    (_, set, limits): (bool, Option<AdviceSet>, Vec<String>),
) -> impl IntoView {
    let pack = desk.pack.get_value();
    let items = set
        .iter()
        .flat_map(|s| s.items.iter())
        .filter_map(|id| pack.advice_item(id).cloned())
        .map(|item| advice_item(desk, item, ADVICE_ID))
        .collect_any();
    let limits = limits
        .into_iter()
        .map(|rule| view! { <li>{rule}</li> })
        .collect_any();
    view! {
        <ul aria-label="Approved advice">{items}</ul>
        <h4>"Must not say"</h4>
        <ul aria-label="Must not say">{limits}</ul>
    }
}

/// The "Give now" heading.
pub(super) const GIVE_NOW_ID: &str = "idk-give-now-heading";
/// The advice heading.
pub(super) const ADVICE_ID: &str = "idk-advice-heading";

/// The element id of an advice item's "Given" button in the list headed `list`: where the call
/// bar's "Go to it" leads for that item.
pub(super) fn given_id(list: &str, item: &str) -> String {
    format!("{list}-{item}")
}

/// One approved advice item, its placeholders filled, with "Given" to record it verbatim. Once
/// given, the same button says so and when ("Given ✓ 14:02", `aria-disabled` with the reason in
/// its name): it keeps its place, and the handler sees the state change where they pressed. Focus
/// then moves on for what had to be said (the next item to give now, or the call bar's next step
/// after a must-say item) and stays for a may-say item.
fn advice_item(desk: Desk, item: AdviceItem, list: &'static str) -> impl IntoView {
    let pack = desk.pack.get_value();
    // The words as the handler says them on this call: they follow what it records.
    let template = item.text.clone();
    let text = memo(move || desk.call.with(|c| c.say(&pack, &template)));
    let id = item.id.clone();
    let must_say = item.kind == AdviceKind::MustSay;
    let locale = shown_locale();
    let given_at = {
        let id = id.clone();
        memo(move || {
            desk.call.with(|c| {
                c.log().iter().find_map(|e| match &e.what {
                    Event::AdviceGiven { item: Some(i), .. } if *i == id => Some(e.at),
                    _ => None,
                })
            })
        })
    };
    let shown_at = move || {
        given_at
            .get()
            .map(|at| locale.with(|l| hours_minutes(at, l.as_ref())))
    };
    let label = move || {
        let text = text.get();
        match shown_at() {
            // The visible words first (WCAG 2.5.3), then what was given.
            Some(at) => format!("Given \u{2713} {at}: {text}"),
            None => format!("Given: {text}"),
        }
    };
    let on_click = move |_| {
        if given_at.get_untracked().is_some() {
            return;
        }
        let place = if list == GIVE_NOW_ID {
            Place::GiveNow
        } else {
            Place::Advice
        };
        if !desk.dispatch_at(place, Command::GiveAdvice { item: id.clone() }) {
            return;
        }
        if list == GIVE_NOW_ID {
            // Given now: on to the next item still to give, else the call's next step.
            let pack = desk.pack.get_value();
            let next = desk
                .call
                .with_untracked(|c| c.advice_due(&pack).first().map(|i| i.to_string()));
            match next {
                Some(next) => desk.instance.focus_soon(given_id(GIVE_NOW_ID, &next)),
                None => desk.focus_next_step(),
            }
        } else if must_say {
            // A must-say item given: on to the call bar's next step (the next must-say item, or
            // what follows). A may-say item keeps focus where the handler is choosing.
            super::call_bar::go_to_next_step(desk);
        }
    };
    view! {
        <li class:idk-given=live(move || given_at.get().is_some())>
            <span class="idk-advice-kind">{item.kind.label()}</span>
            " "
            {move || text.get()}
            " "
            <button
                id=given_id(list, &item.id)
                type="button"
                class="idk-button idk-button-secondary idk-given-button"
                aria-label=label
                aria-disabled=live(move || given_at.get().is_some().then_some("true"))
                on:click=on_click
            >
                {live(move || match shown_at() {
                    Some(at) => format!("Given \u{2713} {at}"),
                    None => "Given".to_owned(),
                })}
            </button>
        </li>
    }
}
