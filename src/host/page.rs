//! The page the widget runs in: its configuration from the address, and the signals it gives when
//! it is ready (for the host page, the end-to-end tests and the benchmark). Also where a widget's
//! elements are looked up by id ([`Root`]): the document on the widget's own page, its shadow root
//! when mounted in a host's page, so two widgets on one page never reach into each other.

use wasm_bindgen::JsValue;

/// The meta element that marks the widget's own page (index.html): only there does the widget
/// mount itself on the body, and only there is the page's local storage the widget's.
const PAGE_META: &str = "meta[name=incident-desk-page]";

/// The meta element that marks the procedures' own page (procedures.html): only there does the
/// procedures' wasm mount itself on the body (the call screen also loads it, `host::procedures`).
const PROCEDURES_META: &str = "meta[name=incident-desk-procedures-page]";

/// Whether this is procedures.html, rather than a page that loaded the procedures' wasm to show
/// them in place.
pub fn is_procedures_page() -> bool {
    has(PROCEDURES_META)
}

fn has(selector: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .is_some()
}

/// Whether this is the widget's own page (index.html, standalone or in a host's iframe), rather
/// than a host's page that mounts widgets itself (element.js).
pub fn is_widget_page() -> bool {
    has(PAGE_META)
}

/// Where one widget's elements are: the whole document, or the shadow root it is mounted in.
/// Element ids are unique within one of these, not across the page.
#[derive(Clone)]
pub enum Root {
    /// The widget's own page.
    Document,
    /// A shadow root in a host's page.
    Shadow(web_sys::ShadowRoot),
}

impl Root {
    /// The element with `id` in this root.
    pub fn element_by_id(&self, id: &str) -> Option<web_sys::Element> {
        match self {
            Root::Document => web_sys::window()?.document()?.get_element_by_id(id),
            Root::Shadow(root) => root.get_element_by_id(id),
        }
    }

    /// The element in this root that has keyboard focus, if any (the page's body is none).
    fn focused(&self) -> Option<web_sys::Element> {
        match self {
            Root::Document => web_sys::window()?
                .document()?
                .active_element()
                .filter(|e| e.tag_name() != "BODY"),
            Root::Shadow(root) => root.active_element(),
        }
    }
}

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

/// The widget page's own origin (`scheme://host:port`).
pub fn origin() -> Option<String> {
    web_sys::window()?.location().origin().ok()
}

/// What the widget settled on after loading its pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// The pack loaded and the handler's screen is usable.
    Ready,
    /// The pack could not be used; the problem is on screen.
    PackError,
}

/// The attribute that says a widget has settled, on the root element of its page (or on its
/// host element in a host's page).
pub const SETTLED_ATTRIBUTE: &str = "data-incident-desk";

impl Settled {
    /// The value of [`SETTLED_ATTRIBUTE`]: `ready` or `pack-error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Settled::Ready => "ready",
            Settled::PackError => "pack-error",
        }
    }
}

/// Says the widget has settled: `data-incident-desk` on the root element (`ready` or `pack-error`)
/// and, the first time, the [`INTERACTIVE_MARK`] performance mark.
pub fn mark_settled(settled: Settled) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute(SETTLED_ATTRIBUTE, settled.as_str());
    }
    mark_interactive();
}

/// Opens the browser's print dialog for the page.
pub fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// The [`INTERACTIVE_MARK`] performance mark, the first time a widget on the page settles.
pub fn mark_interactive() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
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

/// The handler's id for the log: the page's `?agent=` parameter until the host configures it.
pub fn agent_name() -> Option<String> {
    query_param("agent_name")
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The handler's id from `?agent=`, until the host configures one.
pub fn agent_id() -> String {
    agent_id_or("handler")
}

/// The user's id from `?agent=`, or `otherwise` (the supervisor's console says "supervisor").
pub fn agent_id_or(otherwise: &str) -> String {
    query_param("agent")
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| otherwise.to_owned())
}

/// Moves keyboard focus to the element with `id` in `root` once the next render has happened
/// (the element may be about to be replaced), so a new question is read out and keys keep working;
/// for a heading, the section it heads is scrolled into view first, as far as it fits.
/// If the handler has moved focus themselves in between (clicked or tabbed into a field), it
/// stays where they put it: their typing must never be split between two fields.
pub fn focus_soon(root: Root, id: impl Into<String>) {
    let id: String = id.into();
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(window) = web_sys::window() else {
        return;
    };
    let before = root.focused();
    let focus = Closure::once_into_js(move || {
        let now = root.focused();
        if now.is_some() && now != before {
            return;
        }
        let element = root.element_by_id(&id);
        if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            // A heading brings what it heads into view where that fits (a question with its
            // options, not only its words at the bottom of a pane); focus then shows the heading.
            if matches!(element.tag_name().as_str(), "H2" | "H3" | "H4") {
                if let Ok(Some(area)) = element.closest("section") {
                    let options = web_sys::ScrollIntoViewOptions::new();
                    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                    area.scroll_into_view_with_scroll_into_view_options(&options);
                }
            }
            let _ = element.focus();
        }
    });
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(focus.unchecked_ref(), 0);
}

/// Whether a key event comes from a place where typing means text (so shortcuts must not act).
pub fn typing_in_a_field(event: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    match target.tag_name().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => !matches!(
            target.get_attribute("type").as_deref(),
            Some("radio" | "checkbox" | "button")
        ),
        _ => target.get_attribute("contenteditable").is_some(),
    }
}

/// Replaces what `sheet` holds with one `selector` rule setting the theme's custom properties
/// (and `extra`), each on its own through the CSSOM: no style attribute, no CSS text parsed from
/// the host (the engine has allow-listed every name and value). The widget's own page uses it for
/// `:root` ([`theme_own_page`]), a widget in a host's page for its `:host`.
pub fn set_look(
    sheet: &web_sys::CssStyleSheet,
    selector: &str,
    theme: &incident_engine::protocol::Theme,
    extra: Option<(&str, String)>,
) {
    use wasm_bindgen::JsCast;
    let count = sheet.css_rules().map_or(0, |rules| rules.length());
    for _ in 0..count {
        let _ = sheet.delete_rule(0);
    }
    let Ok(index) = sheet.insert_rule(&format!("{selector} {{}}")) else {
        return;
    };
    let Some(rule) = sheet
        .css_rules()
        .ok()
        .and_then(|rules| rules.item(index))
        .and_then(|rule| rule.dyn_into::<web_sys::CssStyleRule>().ok())
    else {
        return;
    };
    let style = rule.style();
    for (name, value) in theme.properties() {
        let _ = style.set_property(name, value);
    }
    if let Some((name, value)) = extra {
        let _ = style.set_property(name, &value);
    }
}

thread_local! {
    /// The widget's own page's theme sheet, adopted by the document once.
    static PAGE_THEME: std::cell::RefCell<Option<web_sys::CssStyleSheet>> =
        const { std::cell::RefCell::new(None) };
}

/// The host's theme (`configure`) on the widget's own page: a constructable stylesheet adopted by
/// the document, with one `:root` rule (allowed by `style-src 'self'`: no inline style).
pub fn theme_own_page(theme: &incident_engine::protocol::Theme) {
    let sheet = PAGE_THEME.with(|s| s.borrow().clone()).or_else(|| {
        let document = web_sys::window()?.document()?;
        let sheet = web_sys::CssStyleSheet::new().ok()?;
        // `document.adoptedStyleSheets` (not in web-sys's stable API): a new array with ours last.
        let adopted = js_sys::Reflect::get(&document, &"adoptedStyleSheets".into()).ok()?;
        let list = js_sys::Array::from(&adopted);
        list.push(&sheet);
        js_sys::Reflect::set(&document, &"adoptedStyleSheets".into(), &list).ok()?;
        PAGE_THEME.with(|s| *s.borrow_mut() = Some(sheet.clone()));
        Some(sheet)
    });
    if let Some(sheet) = sheet {
        set_look(&sheet, ":root", theme, None);
    }
}
