//! Practice (issue 16): trainees take scenario calls offline against their centre's pack. For now
//! the page says what is coming.

use leptos::prelude::*;

use crate::ui::Coming;

/// The practice app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Coming
            title="Practice"
            summary="Trainees will practise calls here, offline, against the procedure pack their centre uses; nothing is ever sent to the CRM."
            will=&[
                "Scenarios written as data: a scripted caller, events during the call, the handling expected.",
                "The same call screen as live calls, marked PRACTICE, with coaching after each step or an assessment at the end.",
                "Scores and evidence mapped to the Level 2 and Level 3 criteria, for trainers and assessors.",
            ]
        />
    }
}
