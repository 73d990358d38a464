//! The supervisor's console (issue 17): deploy, task and monitor incidents until they are closed.
//! For now the page says what is coming.

use leptos::prelude::*;

use crate::ui::Coming;

/// The supervisor's console app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Coming
            title="Supervisor's console"
            summary="Supervisors will deploy, task and monitor resources here, for incidents that outlive their calls."
            will=&[
                "A resource board: units by type, skills, zone and live status, the best matches for an incident first, with why.",
                "Tasking each unit over its best channel, stating what is expected and by when.",
                "A monitoring board with countdowns from the pack's targets, and alerts when an acknowledgement or update is overdue.",
            ]
        />
    }
}
