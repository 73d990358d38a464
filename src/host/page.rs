//! The page the widget runs in: its configuration from the address, and the signals it gives when
//! it is ready (for the host page, the end-to-end tests and the benchmark).

use wasm_bindgen::JsValue;

/// The pack the widget loads when the page does not name one.
pub const DEFAULT_PACK_URL: &str = "packs/council-out-of-hours.json";

/// The performance mark set when the widget has shown its first usable screen.
pub const INTERACTIVE_MARK: &str = "incident-desk:interactive";

/// The pack URL: the page's `?pack=` parameter, or [`DEFAULT_PACK_URL`].
pub fn pack_url() -> String {
    query_param("pack")
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_PACK_URL.to_owned())
}

fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// What the widget settled on after loading its pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// The pack loaded and the handler's screen is usable.
    Ready,
    /// The pack could not be used; the problem is on screen.
    PackError,
}

/// Says the widget has settled: `data-incident-desk` on the root element (`ready` or `pack-error`)
/// and, the first time, the [`INTERACTIVE_MARK`] performance mark.
pub fn mark_settled(settled: Settled) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let value = match settled {
        Settled::Ready => "ready",
        Settled::PackError => "pack-error",
    };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-incident-desk", value);
    }
    if let Some(performance) = window.performance() {
        if performance.get_entries_by_name(INTERACTIVE_MARK).length() == 0 {
            let _ = performance.mark(INTERACTIVE_MARK);
        }
    }
}

/// A JavaScript error as text for a message to the user: its `message`, or a generic phrase.
pub(crate) fn js_error_text(error: &JsValue) -> String {
    use wasm_bindgen::JsCast;
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "the browser gave no reason".to_owned())
}

/// The performance measure around reading and checking the pack, for the benchmark.
pub const PACK_PARSE_MEASURE: &str = "incident-desk:pack-parse";

/// Runs `work` inside a performance measure called `name` (visible in the browser's performance
/// tools and to the benchmark). Measuring never changes the result.
pub fn measured<T>(name: &str, work: impl FnOnce() -> T) -> T {
    let performance = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}:start");
    if let Some(p) = &performance {
        let _ = p.mark(&start);
    }
    let result = work();
    if let Some(p) = &performance {
        let _ = p.measure_with_start_mark(name, &start);
    }
    result
}
