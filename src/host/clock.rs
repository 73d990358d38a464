//! The time, for stamping the incident log, and times as the person at the widget reads them. The
//! engine takes time as an argument and records it as UTC; this is where the widget reads the
//! clock, and where a logged time is shown in the handler's time zone and in the locale the host
//! configured (`configure`'s `locale`, else the browser's), through the browser's `Intl` (F17).

use incident_engine::protocol::Locale;
use leptos::prelude::{use_context, Signal};
use wasm_bindgen::prelude::*;

use super::page::Root;

#[wasm_bindgen]
extern "C" {
    /// A `Date`, bound here for its locale formatters with their exceptions caught: they throw
    /// (a `RangeError`) for a tag this browser cannot read, which must not unwind the widget.
    #[wasm_bindgen(js_name = Date)]
    type LoggedTime;

    #[wasm_bindgen(constructor, js_class = "Date")]
    fn new(ms: f64) -> LoggedTime;

    /// `Date.prototype.toLocaleTimeString`.
    #[wasm_bindgen(method, catch, js_class = "Date", js_name = toLocaleTimeString)]
    fn time_text(
        this: &LoggedTime,
        locales: &JsValue,
        options: &JsValue,
    ) -> Result<js_sys::JsString, JsValue>;

    /// `Date.prototype.toLocaleString`.
    #[wasm_bindgen(method, catch, js_class = "Date", js_name = toLocaleString)]
    fn date_time_text(
        this: &LoggedTime,
        locales: &JsValue,
        options: &JsValue,
    ) -> Result<js_sys::JsString, JsValue>;
}

/// The locale the host configured for showing times, if it did (provided as context by the app;
/// `None` shows them the browser's way).
#[derive(Clone, Copy)]
pub struct ShownLocale(pub Signal<Option<Locale>>);

/// The locale times are shown in: the app's, or the browser's where there is no app around (a
/// component mounted on its own).
pub fn shown_locale() -> Signal<Option<Locale>> {
    use_context::<ShownLocale>().map_or_else(|| Signal::stored(None), |l| l.0)
}

/// Whether this browser can show times in `locale` (a tag the engine has checked for shape can
/// still be one the browser's `Intl` refuses).
pub fn locale_is_known(locale: &Locale) -> bool {
    LoggedTime::new(0.0)
        .time_text(&JsValue::from_str(locale.as_str()), &JsValue::UNDEFINED)
        .is_ok()
}

/// `at_ms` through one of `Date`'s locale formatters with these `parts` (`[name, value]` of the
/// `Intl.DateTimeFormat` options); `None` if the browser refuses.
fn localised(
    at_ms: u64,
    locale: Option<&Locale>,
    parts: &[(&str, &str)],
    format: fn(&LoggedTime, &JsValue, &JsValue) -> Result<js_sys::JsString, JsValue>,
) -> Option<String> {
    let date = LoggedTime::new(at_ms as f64);
    let options = js_sys::Object::new();
    for (name, value) in parts {
        js_sys::Reflect::set(&options, &(*name).into(), &(*value).into()).ok()?;
    }
    let locales = locale.map_or(JsValue::UNDEFINED, |l| JsValue::from_str(l.as_str()));
    format(&date, &locales, &options).ok().map(String::from)
}

/// Always the 24-hour clock (issue 13): a contact centre's log reads `14:02:09` whatever the
/// locale's own habit; the locale decides the rest (the date's words and order, the digits).
const TIME_PARTS: [(&str, &str); 4] = [
    ("hour", "2-digit"),
    ("minute", "2-digit"),
    ("second", "2-digit"),
    ("hourCycle", "h23"),
];

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

/// The time of day of a logged time, in the handler's time zone, on the 24-hour clock in every
/// `locale` (`14:02:09` in `en-GB` and `en-US` alike); the UTC `hh:mm:ss` if the browser cannot
/// say.
pub fn time_of_day(at_ms: u64, locale: Option<&Locale>) -> String {
    localised(at_ms, locale, &TIME_PARTS, LoggedTime::time_text)
        .unwrap_or_else(|| utc_time_of_day(at_ms))
}

/// The hour and minute of a logged time on the 24-hour clock (`14:02`), in the handler's time
/// zone whatever the locale's own habit (a UK contact centre reads 24-hour times; issue 13): for
/// a confirmation beside a control ("Given ✓ 14:02"). The UTC `hh:mm` if the browser cannot say.
pub fn hours_minutes(at_ms: u64, locale: Option<&Locale>) -> String {
    const PARTS: [(&str, &str); 3] = [
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
    ];
    localised(at_ms, locale, &PARTS, LoggedTime::time_text)
        .unwrap_or_else(|| utc_time_of_day(at_ms)[..5].to_owned())
}

/// The date and time of a deadline, to the minute (`29 Nov 2026, 14:02` in `en-GB`), in the
/// handler's time zone; ISO 8601 UTC to the minute if the browser cannot say.
pub fn date_and_minutes(at_ms: u64, locale: Option<&Locale>) -> String {
    const PARTS: [(&str, &str); 6] = [
        ("day", "numeric"),
        ("month", "short"),
        ("year", "numeric"),
        TIME_PARTS[0],
        TIME_PARTS[1],
        TIME_PARTS[3],
    ];
    localised(at_ms, locale, &PARTS, LoggedTime::date_time_text).unwrap_or_else(|| {
        let iso = incident_engine::call::entry::iso8601(at_ms);
        format!("{}Z", &iso[..16])
    })
}

/// The date and time of a logged time, in the handler's time zone and `locale` (`29 Nov 2026,
/// 14:02:09` in `en-GB`); ISO 8601 UTC if the browser cannot say.
pub fn date_and_time(at_ms: u64, locale: Option<&Locale>) -> String {
    const PARTS: [(&str, &str); 7] = [
        ("day", "numeric"),
        ("month", "short"),
        ("year", "numeric"),
        TIME_PARTS[0],
        TIME_PARTS[1],
        TIME_PARTS[2],
        TIME_PARTS[3],
    ];
    localised(at_ms, locale, &PARTS, LoggedTime::date_time_text)
        .unwrap_or_else(|| incident_engine::call::entry::iso8601(at_ms))
}

/// `hh:mm:ss` (UTC).
fn utc_time_of_day(at_ms: u64) -> String {
    let seconds = (at_ms / 1000) % 86_400;
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        (seconds / 60) % 60,
        seconds % 60
    )
}
