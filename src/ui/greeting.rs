//! The greeting script (F1; L2 1.1 respond in a calm and professional manner, L2 3.7 standard
//! wording). Placeholders are filled from what is known; an unknown value (the agent's name until
//! the host configures it) is shown as a marked slot so the handler knows to say it.

use incident_engine::{fill, PlaceholderValues, Segment};
use leptos::prelude::*;

use crate::ui::live::{live, CollectAny};

/// The words to say on answering a call.
#[component]
pub fn Greeting(
    /// The organisation's name, for `{organisation}`.
    #[prop(into)]
    organisation: String,
    /// The pack's greeting template.
    #[prop(into)]
    template: String,
) -> impl IntoView {
    let name = crate::ui::context::agent_name();
    let words = live(move || {
        let values = PlaceholderValues {
            agent: name.get(),
            organisation: Some(organisation.clone()),
            ..Default::default()
        };
        // The pack was checked on load, so an unknown placeholder cannot reach here; if one did,
        // the handler still sees the words as written rather than nothing.
        let segments =
            fill(&template, &values).unwrap_or_else(|_| vec![Segment::Text(template.clone())]);
        segments
            .into_iter()
            .map(|segment| match segment {
                Segment::Text(text) => view! { <span>{text}</span> }.into_any(),
                Segment::Slot(placeholder) => {
                    view! { <span class="idk-slot">"[" {placeholder.label()} "]"</span> }.into_any()
                }
            })
            .collect_any()
    });
    view! {
        <section class="idk-card idk-greeting" aria-labelledby="idk-greeting-heading">
            <h2 id="idk-greeting-heading" class="idk-card-title">"Greeting"</h2>
            <p class="idk-script">{words}</p>
        </section>
    }
}
