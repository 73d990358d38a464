//! Advice within limits (F5; L2 1.6, 3.6; NOS P2).

use incident_engine::call::Command;
use incident_engine::pack::AdviceItem;
use leptos::prelude::*;

use super::Desk;

/// Advice for the call: what a safety-net "yes" calls for at once, then the code's advice set
/// (must say, may say) and the limits in force (must not say), always visible once there is a
/// code; free-text advice is checked against the limits before it is recorded (F5; L2 1.6, 3.6).
pub(super) fn advice_panel(desk: Desk) -> impl IntoView {
    let free_text = RwSignal::new(String::new());
    // Rendered again only when what to advise changes, not on every change to the call.
    let state = Memo::new(move |_| {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            let due: Vec<String> = c.advice_due().into_iter().map(str::to_owned).collect();
            let limits: Vec<String> = c
                .limits_in_force(&pack)
                .into_iter()
                .map(|l| l.rule.clone())
                .collect();
            (
                due,
                c.decision().is_some(),
                c.advice_set(&pack).cloned(),
                limits,
            )
        })
    });
    move || {
        let (due, decided, set, limits) = state.get();
        // Advice follows the code or the safety net: nothing to show until one asks for it.
        if due.is_empty() && !decided {
            return None;
        }
        let pack = desk.pack.get_value();
        let file = pack.file();
        let give_now = due
            .iter()
            .filter_map(|id| file.advice.items.iter().find(|a| &a.id == id).cloned())
            .map(|item| advice_item(desk, item))
            .collect_view();
        let urgent = (!due.is_empty()).then(|| {
            view! {
                <h4>"Give now"</h4>
                <ul aria-label="Give now">{give_now}</ul>
            }
        });
        let items = set
            .iter()
            .flat_map(|s| s.items.iter())
            .filter_map(|id| file.advice.items.iter().find(|a| &a.id == id).cloned())
            .map(|item| advice_item(desk, item))
            .collect_view();
        let limits = limits
            .into_iter()
            .map(|rule| view! { <li>{rule}</li> })
            .collect_view();
        Some(view! {
            <section class="idk-advice" aria-labelledby="idk-advice-heading">
                <h3 id="idk-advice-heading">"Advice"</h3>
                {urgent}
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

/// One approved advice item, with "Given" to record it verbatim.
fn advice_item(desk: Desk, item: AdviceItem) -> impl IntoView {
    let id = item.id.clone();
    view! {
        <li>
            <span class="idk-advice-kind">{item.kind.label()}</span>
            " "
            {item.text}
            " "
            <button
                type="button"
                class="idk-button idk-button-secondary"
                on:click=move |_| {
                    desk.dispatch(Command::GiveAdvice { item: id.clone() });
                }
            >
                "Given"
            </button>
        </li>
    }
}
