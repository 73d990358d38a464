//! Aids the handler keeps at hand during the call: the control phrases (F1; L2 1.2), the keyboard
//! map, and the reference panel (F9; L2 3.1–3.8): services, legislation and its effect, how the
//! trees work, allocation rules, escalation boundaries, advice limits, codes and standard wording,
//! and the resources available.

use incident_engine::{fill_text, PlaceholderValues};
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{live, show_when, CollectAny};

use super::{Desk, KEYS_DIALOG_ID};
use crate::ui::Procedures;

/// The values for the placeholders in words the pack gives the handler to say: `{organisation}`
/// from the pack, `{agent}` from the handler's name once the host has said it, the others from
/// the call (`Call::placeholder_values`: reference, caller's name, location, code, targets).
/// Filled with `fill_text`, an unknown value stays a visible slot ("[your name]") so the handler
/// sees what to say there. Reactive: read in a live closure, it follows the call.
pub(super) fn spoken_values(desk: Desk, agent: Option<String>) -> PlaceholderValues {
    let pack = desk.pack.get_value();
    let mut values = desk.call.with(|c| c.placeholder_values(&pack));
    values.agent = agent;
    values
}

/// Where "p" takes the handler: the control phrases' heading.
pub(super) const PHRASES_ID: &str = "idk-phrases-heading";

/// The control phrases (F1; L2 1.2, K5), on screen for the whole call, without opening anything;
/// "p" moves to them.
pub(super) fn control_phrases(desk: Desk) -> impl IntoView {
    let pack = desk.pack.get_value();
    let file = pack.file();
    let name = crate::ui::context::agent_name();
    let phrases: Vec<(&'static str, String)> = file
        .wording
        .control_phrases
        .iter()
        .map(|p| (p.kind.label(), p.text.clone()))
        .collect();
    let empty = phrases.is_empty();
    let items = live(move || {
        // Once per drawing, for every phrase.
        let values = spoken_values(desk, name.get());
        phrases
            .iter()
            .map(|(kind, text)| {
                let words = fill_text(text, &values);
                view! {
                    <li>
                        <span class="idk-advice-kind">{*kind}</span>
                        ": "
                        {words}
                    </li>
                }
            })
            .collect_any()
    });
    (!empty).then(|| {
        view! {
            <section class="idk-section idk-phrases" aria-labelledby=PHRASES_ID>
                <h3 id=PHRASES_ID tabindex="-1">"Control phrases"</h3>
                <ul aria-label="Control phrases">{items}</ul>
            </section>
        }
    })
}

/// What the keys do (opened with "?").
pub(super) fn keys_dialog() -> impl IntoView {
    let keys = [
        (
            "1 to 9",
            "Answer the current question with that option (from the question, or the call\u{2019}s heading)",
        ),
        (
            "Backspace",
            "Back to the previous question, to revise its answer (from the question or the code)",
        ),
        ("Enter", "In a number answer: record it"),
        (
            "Down, Up",
            "In \u{201c}Find a code\u{201d}: move through the matching codes",
        ),
        (
            "Enter",
            "In \u{201c}Find a code\u{201d}: choose the highlighted code",
        ),
        ("n", "Go to the next step (shown in the call bar)"),
        (
            "Ctrl+Enter",
            "In a text field: record it and go to the next step",
        ),
        (
            "Enter",
            "In a log field: record it and go to the next step",
        ),
        ("p", "Go to the control phrases"),
        ("?", "Show these shortcuts"),
        ("Tab, Shift+Tab", "Move between fields and buttons"),
        ("Enter or Space", "Press the focused button"),
        ("Escape", "Close this dialog, or the list of matching codes"),
    ];
    let rows = keys
        .into_iter()
        .map(|(key, action)| view! { <tr><th scope="row"><kbd>{key}</kbd></th><td>{action}</td></tr> })
        .collect_any();
    view! {
        <dialog id=KEYS_DIALOG_ID class="idk-dialog" aria-labelledby="idk-keys-heading">
            // Focus opens on the title (not the Close button at the foot of a long table, which
            // would scroll the title out of view); Escape or Close shuts it.
            <h2 id="idk-keys-heading" tabindex="-1" autofocus=true>"Keyboard shortcuts"</h2>
            <p class="idk-muted">"In a text field only Enter and Ctrl+Enter are shortcuts; the others work anywhere else on the call."</p>
            <table class="idk-table">
                <caption>"Keys and what they do"</caption>
                <tbody>{rows}</tbody>
            </table>
            <form method="dialog">
                <button type="submit" class="idk-button">"Close"</button>
            </form>
        </dialog>
    }
}

/// The pack as reference, inside the call. Built when first opened, so a large pack costs nothing
/// until the handler needs it.
pub(super) fn reference() -> impl IntoView {
    let opened = RwSignal::new(false);
    view! {
        <details
            class="idk-section idk-reference"
            on:toggle=handler(move |ev: web_sys::Event| {
                use wasm_bindgen::JsCast;
                let open = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                    .is_some_and(|d| d.open());
                if open {
                    opened.set(true);
                }
            })
        >
            <summary>"Reference: services, legislation, procedures, codes, resources"</summary>
            {show_when(move || opened.get(), move || {
                view! {
                    <Procedures heading_id="idk-reference-heading" />
                }
                .into_any()
            })}
        </details>
    }
}
