//! The procedures on the call screen (F18: "Browse procedures", and the reference inside a call):
//! the pack preview, drawn by the procedures' own wasm (`host::procedures`, loaded the first time
//! a handler opens them) from the bytes the call screen's pack was read from (`PackSource`).
//! While it loads, a status says so; when it cannot be loaded (offline, or a module of another
//! version that refuses the pack), an alert says why, with "Try again".

use leptos::prelude::*;

use crate::host::instance::Instance;
use crate::host::procedures;
use crate::ui::context::PackSource;
use crate::ui::live::{effect, handler, live};

/// Where the procedures are, and why not when they are not.
#[derive(Clone, PartialEq)]
enum State {
    Loading,
    Shown,
    Failed(String),
}

/// The procedures, headed by an `h2` with `heading_id` (unique on the page: they can be open in
/// the handler's screen and inside a call at once).
#[component]
pub fn Procedures(heading_id: &'static str) -> impl IntoView {
    let target = NodeRef::<leptos::html::Div>::new();
    let state = RwSignal::new(State::Loading);
    let attempts = RwSignal::new(0u32);
    // After "Try again", focus follows what comes: the procedures' heading, or the alert again.
    let retried = StoredValue::new(false);
    let source = use_context::<PackSource>().and_then(|s| s.0.get_value());
    let me = Instance::current();
    let status_id = format!("{heading_id}-status");
    let retry_id = format!("{heading_id}-retry");
    let retry_focus = retry_id.clone();
    effect(move || {
        attempts.track();
        let Some(element) = target.get() else {
            return;
        };
        let source = source.clone();
        let retry_focus = retry_focus.clone();
        state.set(State::Loading);
        leptos::task::spawn_local(async move {
            let result = match source {
                Some(bytes) => procedures::show(&element, &bytes, heading_id).await,
                None => Err("the text of the procedures is not at hand".to_owned()),
            };
            let failed = result.is_err();
            state.try_set(match result {
                Ok(()) => State::Shown,
                Err(why) => State::Failed(why),
            });
            if retried.try_get_value() == Some(true) {
                me.focus_soon(if failed {
                    retry_focus
                } else {
                    heading_id.to_owned()
                });
            }
        });
    });
    on_cleanup(move || procedures::hide(heading_id));
    let status_focus = status_id.clone();
    view! {
        <div class="idk-procedures" node_ref=target></div>
        <p id=status_id class="idk-muted" role="status" tabindex="-1">
            {live(move || (state.get() == State::Loading).then_some("Loading the procedures…"))}
        </p>
        {live(move || match state.get() {
            State::Failed(why) => {
                let status_focus = status_focus.clone();
                Some(
                    view! {
                        <div class="idk-notice" role="alert">
                            <p class="idk-notice-title">"The procedures could not be opened"</p>
                            <p>{why}</p>
                            <button
                                id=retry_id.clone()
                                type="button"
                                class="idk-button idk-button-secondary"
                                on:click=handler(move |_| {
                                    retried.set_value(true);
                                    me.focus_soon(status_focus.clone());
                                    attempts.update(|n| *n += 1);
                                })
                            >
                                "Try again"
                            </button>
                        </div>
                    },
                )
            }
            _ => None,
        })}
    }
}
