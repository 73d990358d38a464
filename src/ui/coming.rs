//! The page of an app that is not built yet: what it will do, and where to go meanwhile. Its own
//! wasm and page exist from the start, so the structure is real before the app is (issue 14).

use leptos::prelude::*;

use crate::ui::live::CollectAny;

use crate::host::page::{mark_settled, Settled};

/// An app's page saying what is coming.
#[component]
pub fn Coming(
    /// The app's name, the page's heading.
    title: &'static str,
    /// Who it is for and what it is, in one sentence.
    summary: &'static str,
    /// What it will do, one item each.
    will: &'static [&'static str],
) -> impl IntoView {
    // Settled as soon as it is on screen: nothing to load.
    crate::ui::live::effect(move || mark_settled(Settled::Ready));
    view! {
        <div class="idk">
            <header class="idk-header">
                <h1 class="idk-title">{title}</h1>
                <p class="idk-subtitle">"Incident Desk"</p>
            </header>
            <main class="idk-main">
                <section class="idk-card" aria-labelledby="idk-coming-heading">
                    <h2 class="idk-card-title" id="idk-coming-heading">"Coming next"</h2>
                    <p>{summary}</p>
                    <ul>{will.iter().map(|item| view! { <li>{*item}</li> }).collect_any()}</ul>
                    <p>
                        "Until then, calls are taken on the "
                        <a href="index.html">"call screen"</a>
                        "."
                    </p>
                </section>
            </main>
        </div>
    }
}
