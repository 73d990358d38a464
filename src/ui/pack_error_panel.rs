//! What the organisation embedding the widget sees when its procedure pack cannot be used (F18):
//! the problem in plain English, the pack's address, and where in the file (JSON path, line,
//! column) when that is known. Announced as an alert; a retry button for passing network faults.

use incident_engine::PackLoadError;
use leptos::prelude::*;

use crate::ui::live::{handler, CollectAny};

/// The problem with a procedure pack, and where it is.
#[component]
pub fn PackErrorPanel(
    /// The address the pack was fetched from.
    #[prop(into)]
    url: String,
    /// What went wrong.
    error: PackLoadError,
    /// Called when the user asks to fetch the pack again.
    on_retry: impl Fn() + 'static,
) -> impl IntoView {
    let location = error.location().map(|(path, line, column)| {
        view! {
            {path.map(|p| view! { <dt>"JSON path"</dt> <dd><code>{p.to_owned()}</code></dd> })}
            <dt>"Line"</dt>
            <dd>{line}</dd>
            <dt>"Column"</dt>
            <dd>{column}</dd>
        }
    });
    let problems = error.problems().to_vec();
    let message = if problems.is_empty() {
        error.to_string()
    } else {
        format!(
            "The procedure pack has {} problem{}. Each is listed with where it is in the file.",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        )
    };
    let problem_list = (!problems.is_empty()).then(|| {
        view! {
            <ul class="idk-problems" aria-label="Problems in the pack">
                {problems
                    .into_iter()
                    .map(|p| view! { <li><code>{p.path}</code> ": " {p.message}</li> })
                    .collect_any()}
            </ul>
        }
    });
    view! {
        <section class="idk-card idk-pack-error" role="alert" aria-labelledby="idk-pack-error-heading">
            <h2 id="idk-pack-error-heading" class="idk-card-title">{error.title()}</h2>
            <p class="idk-pack-error-message">{message}</p>
            {problem_list}
            <dl class="idk-facts">
                <dt>"Pack address"</dt>
                <dd><code>{url}</code></dd>
                {location}
            </dl>
            <button type="button" class="idk-button" on:click=handler(move |_| on_retry())>"Try again"</button>
        </section>
    }
}
