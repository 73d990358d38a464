//! The time, for stamping the incident log. The engine takes time as an argument; this is where
//! the widget reads it.

use super::page::Root;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// Calls `tick` every second until the returned handle is cleared (the call timer, and
/// elapsed-time escalation triggers).
pub fn every_second(tick: impl Fn() + 'static) -> Option<leptos::prelude::IntervalHandle> {
    leptos::prelude::set_interval_with_handle(tick, std::time::Duration::from_secs(1)).ok()
}

/// `mm:ss` (or `h:mm:ss`) for a call timer.
pub fn clock_text(elapsed_ms: u64) -> String {
    let seconds = elapsed_ms / 1000;
    let (h, m, s) = (seconds / 3600, (seconds / 60) % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// Shows the modal dialog with `id` in `root` (focus moves into it and is trapped there; Escape
/// closes it and the browser returns focus to where it was).
pub fn show_dialog(root: &Root, id: &str) {
    use wasm_bindgen::JsCast;
    let dialog = root
        .element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlDialogElement>().ok());
    if let Some(dialog) = dialog {
        if !dialog.open() {
            let _ = dialog.show_modal();
        }
    }
}

/// Closes the dialog with `id` in `root`, if it is open.
pub fn close_dialog(root: &Root, id: &str) {
    use wasm_bindgen::JsCast;
    let dialog = root
        .element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlDialogElement>().ok());
    if let Some(dialog) = dialog {
        dialog.close();
    }
}

/// `hh:mm:ss` (UTC) of a log time, for the log review.
pub fn time_of_day(at_ms: u64) -> String {
    let seconds = (at_ms / 1000) % 86_400;
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        (seconds / 60) % 60,
        seconds % 60
    )
}
