//! DOM helpers shared by the browser tests: a fresh container, finding elements, reading text the
//! way a user sees it.

#![allow(dead_code)]

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container in the page for one test.
pub fn container() -> HtmlElement {
    let el: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

/// The text a user sees (layout-aware, so headings and paragraphs are separated), white space
/// collapsed.
pub fn visible_text(el: &Element) -> String {
    let raw = match el.dyn_ref::<HtmlElement>() {
        Some(html) => html.inner_text(),
        None => el.text_content().unwrap_or_default(),
    };
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text regardless of layout (closed `details` and hidden parts included), white space collapsed.
pub fn text_content(el: &Element) -> String {
    el.text_content()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The button whose text is `name`.
pub fn button(root: &Element, name: &str) -> Option<HtmlElement> {
    all(root, "button")
        .into_iter()
        .find(|b| text_content(b) == name)
        .map(|b| b.unchecked_into())
}
