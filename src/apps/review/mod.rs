//! Review (issue 18): complaints, results with charts, coaching and improvement actions. For now
//! the page says what is coming.

use leptos::prelude::*;

use crate::ui::Coming;

/// The review app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Coming
            title="Review"
            summary="Supervisors and managers will review results here: complaints, figures against the pack's targets, coaching and improvement actions."
            will=&[
                "Complaints and queries found by incident reference, within each person's limits, with their due dates.",
                "Figures by handler, team, code, priority and period, drawn as accessible charts with a table alternative.",
                "Coaching plans and improvement actions, and exports with personal data redacted by default.",
            ]
        />
    }
}
