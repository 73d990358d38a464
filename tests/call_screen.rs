//! Browser tests for the call screen: mounted alone in headless Chromium with the fixture pack,
//! driven by clicks and key events, asserting what the handler sees.

#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use incident_desk::components::CallScreen;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, container, text_content as text};

fn button(root: &Element, name: &str) -> HtmlElement {
    dom::button(root, name).unwrap_or_else(|| panic!("no button {name:?}"))
}

const FIXTURE: &[u8] = include_bytes!("fixtures/packs/problems/valid.json");

fn mount() -> (HtmlElement, Box<dyn std::any::Any>) {
    let root = container();
    let pack = Arc::new(incident_engine::parse_pack(FIXTURE).unwrap());
    let handle = leptos::mount::mount_to(
        root.clone(),
        move || view! { <CallScreen pack=pack.clone() agent="tester" /> },
    );
    (root, Box::new(handle))
}

fn question(root: &Element) -> Option<String> {
    root.query_selector("#idk-question")
        .unwrap()
        .map(|q| text(&q))
}

fn alert_text(root: &Element) -> String {
    all(root, "[role=alert]")
        .iter()
        .map(text)
        .collect::<Vec<_>>()
        .join(" | ")
}

fn key(root: &HtmlElement, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    root.query_selector("#idk-question")
        .unwrap()
        .unwrap()
        .dispatch_event(&event)
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_tree_is_walked_with_digits_and_a_number_to_a_code_with_why() {
    let (root, _handle) = mount();
    assert_eq!(question(&root), None);
    button(&root, "Start tree").click();
    leptos::task::tick().await;
    assert_eq!(question(&root).as_deref(), Some("Is the water moving?"));
    key(&root, "1"); // yes
    leptos::task::tick().await;
    assert_eq!(
        question(&root).as_deref(),
        Some("How deep is it, in centimetres?")
    );

    let input: web_sys::HtmlInputElement = root
        .query_selector("input[type=number]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value("500");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    button(&root, "Record answer (0 to 300)").click();
    leptos::task::tick().await;
    assert!(
        alert_text(&root).contains("outside the range"),
        "{}",
        alert_text(&root)
    );

    input.set_value("45");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    button(&root, "Record answer (0 to 300)").click();
    leptos::task::tick().await;
    assert_eq!(question(&root), None);
    let decision = root
        .query_selector("[aria-labelledby=idk-decision-heading]")
        .unwrap()
        .expect("a decision");
    assert!(
        text(&decision).contains("HW-FLD-01 Flooding on the highway · priority P1"),
        "{}",
        text(&decision)
    );
    let why: Vec<String> = all(&decision, "ul[aria-label='Why this code'] li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        why,
        [
            "Is the water moving? Yes",
            "How deep is it, in centimetres? 45"
        ]
    );
    assert!(!alert_text(&root).contains("outside the range"));
}

#[wasm_bindgen_test]
async fn closing_without_a_code_is_refused_with_what_is_missing() {
    let (root, _handle) = mount();
    button(&root, "Close call").click();
    leptos::task::tick().await;
    let dialog = root
        .query_selector("dialog#idk-close")
        .unwrap()
        .expect("the closing dialog");
    assert!(dialog.has_attribute("open"), "the dialog opens");
    let needed: Vec<String> = all(&dialog, "ul[aria-label='Still needed'] li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(needed, ["An incident code"]);
    let log: Vec<String> = all(&dialog, "ol[aria-label='Incident log'] li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(log.len(), 1);
    assert!(
        log[0].ends_with("Call answered (procedures fixture-council 1.0)"),
        "{log:?}"
    );
    button(&root, "Confirm close").click();
    leptos::task::tick().await;
    assert!(
        dialog.has_attribute("open"),
        "refused: the dialog stays open"
    );
    assert!(all(&root, "button").iter().any(|b| text(b) == "Close call"));
}

#[wasm_bindgen_test]
async fn the_timer_shows_minutes_and_seconds() {
    let (root, _handle) = mount();
    let timer = root
        .query_selector("[role=timer]")
        .unwrap()
        .expect("a timer");
    assert_eq!(text(&timer), "00:00");
}
