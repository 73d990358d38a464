//! What a page shows someone the host signed in with a role it is not for (issue 17: "a
//! handler's page does not show the console and vice versa"): which page this is, who it is for,
//! and what they are signed in as. Nothing else of the page is drawn.

use incident_engine::kernel::{Page, Role};
use leptos::prelude::*;

use crate::ui::live::live;

/// The notice in place of `page`, for someone signed in as `role`.
#[component]
pub fn NotYourPage(
    /// The page they opened.
    page: Page,
    /// What the host signed them in as.
    role: RwSignal<Option<Role>>,
) -> impl IntoView {
    let said = move || {
        let role = role.get().map_or("someone else", Role::name);
        format!(
            "This is {}, which is for {}. The CRM has signed you in as {role}: open your own page from the CRM.",
            page.name(),
            page.for_whom()
        )
    };
    view! {
        <main class="idk-main">
            <section class="idk-card" aria-labelledby="idk-not-yours">
                <h1 class="idk-title" id="idk-not-yours" tabindex="-1">"Not your page"</h1>
                <p class="idk-notice" role="alert">{live(said)}</p>
            </section>
        </main>
    }
}
