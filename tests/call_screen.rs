//! Browser tests for the call screen: mounted alone in headless Chromium with the fixture pack,
//! driven by clicks and key events, asserting what the handler sees.

#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use incident_desk::ui::CallScreen;
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

const COUNCIL: &[u8] = include_bytes!("../packs/council-out-of-hours.json");

fn mount() -> (HtmlElement, Box<dyn std::any::Any>) {
    mount_pack(FIXTURE)
}

fn mount_pack(bytes: &[u8]) -> (HtmlElement, Box<dyn std::any::Any>) {
    let root = container();
    let pack = Arc::new(incident_engine::parse_pack(bytes).unwrap());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        // The widget's outbox, where a closed call goes before it is shown closed.
        provide_context(incident_desk::host::delivery::start(
            incident_desk::host::delivery::Lane::of(Some("wbt-call-screen")),
            |_| {},
            |_| {},
        ));
        let history = RwSignal::new(Vec::new());
        let in_progress = RwSignal::new(false);
        view! { <CallScreen pack=pack.clone() agent="tester" history=history in_progress=in_progress /> }
    });
    (root, Box::new(handle))
}

fn input(root: &Element, selector: &str) -> web_sys::HtmlInputElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into()
}

/// Types `value` into a field as the browser would report it.
fn type_into(field: &web_sys::HtmlInputElement, value: &str) {
    field.set_value(value);
    field
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn key_on(target: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
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
        log[0].ends_with("Call answered (procedures of Fixture Council, version 1.0)"),
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

#[wasm_bindgen_test]
async fn code_search_is_a_combobox_chosen_by_keys_and_closing_hands_the_entry_to_the_host() {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;

    let (root, _handle) = mount();
    let search = input(&root, "#idk-code-search");
    assert_eq!(search.get_attribute("role").as_deref(), Some("combobox"));
    assert_eq!(
        search.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    type_into(&search, "obstr");
    leptos::task::tick().await;
    assert_eq!(
        search.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let options = all(&root, "#idk-code-listbox [role=option]");
    assert!(!options.is_empty() && options.len() <= 20);
    assert!(
        text(&options[0]).starts_with("HW-OBS-01"),
        "{}",
        text(&options[0])
    );
    key_on(&search, "ArrowDown");
    leptos::task::tick().await;
    let active = search
        .get_attribute("aria-activedescendant")
        .expect("a highlighted code");
    let highlighted = root.query_selector(&format!("#{active}")).unwrap().unwrap();
    assert_eq!(
        highlighted.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    key_on(&search, "Enter");
    leptos::task::tick().await;
    assert_eq!(
        search.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    let chosen = root.query_selector(".idk-chosen-code").unwrap().unwrap();
    assert_eq!(
        text(&chosen),
        "Chosen: HW-OBS-01 Obstruction on the highway"
    );

    let reason: web_sys::HtmlTextAreaElement = all(&root, "label")
        .into_iter()
        .find(|l| text(l) == "Reason")
        .and_then(|l| l.query_selector("textarea").unwrap())
        .expect("the reason field")
        .unchecked_into();
    reason.set_value("Caller says a skip is blocking the road");
    reason
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    button(&root, "Use this code").click();
    leptos::task::tick().await;
    let decision = root
        .query_selector("[aria-labelledby=idk-decision-heading]")
        .unwrap()
        .expect("a decision");
    assert!(text(&decision).contains("HW-OBS-01"), "{}", text(&decision));

    // The host's side: listen for the completed entry on the document.
    let received: Rc<RefCell<Vec<wasm_bindgen::JsValue>>> = Rc::default();
    let sink = received.clone();
    let listener = Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
        sink.borrow_mut().push(e.detail());
    });
    dom::document()
        .add_event_listener_with_callback(
            incident_desk::host::bridge::ENTRY_COMPLETED_EVENT,
            listener.as_ref().unchecked_ref(),
        )
        .unwrap();
    button(&root, "Close call").click();
    leptos::task::tick().await;
    button(&root, "Confirm close").click();
    // Told once the entry is saved in the outbox (a few IndexedDB transactions later).
    for _ in 0..100 {
        if !received.borrow().is_empty() {
            break;
        }
        dom::sleep(50).await;
    }
    dom::document()
        .remove_event_listener_with_callback(
            incident_desk::host::bridge::ENTRY_COMPLETED_EVENT,
            listener.as_ref().unchecked_ref(),
        )
        .unwrap();
    let received = received.borrow();
    assert_eq!(received.len(), 1, "exactly one entry");
    let entry = js_sys::JSON::stringify(&received[0])
        .unwrap()
        .as_string()
        .unwrap();
    let entry: serde_json::Value = serde_json::from_str(&entry).unwrap();
    assert_eq!(entry["format"], "incident-desk/log-entry@1");
    assert_eq!(entry["handler"], "tester");
    assert_eq!(entry["decision"]["code"], "HW-OBS-01");
    assert_eq!(entry["decision"]["overridden"], true);
    assert_eq!(
        entry["decision"]["reason"],
        "Caller says a skip is blocking the road"
    );
    assert!(entry["closed_at"].is_string());
    assert!(all(&root, ".idk-closed").len() == 1);
}

#[wasm_bindgen_test]
async fn a_safety_net_yes_calls_for_advice_now_and_proposes_escalation() {
    let (root, _handle) = mount_pack(COUNCIL);
    let group = root
        .query_selector("[aria-labelledby=idk-sn-sn-danger-q]")
        .unwrap()
        .expect("the danger question's radio group");
    assert_eq!(group.get_attribute("role").as_deref(), Some("radiogroup"));
    assert!(all(&root, "ul[aria-label='Give now']").is_empty());
    let yes: HtmlElement = group
        .query_selector("input[type=radio]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    yes.click();
    leptos::task::tick().await;
    let now: Vec<String> = all(&root, "ul[aria-label='Give now'] li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(now.len(), 1, "{now:?}");
    assert!(now[0].contains("hang up now and dial 999"), "{now:?}");
    assert!(
        alert_text(&root).contains("Escalation proposed"),
        "{}",
        alert_text(&root)
    );
    let counted = root
        .query_selector(".idk-safety-net .idk-muted")
        .unwrap()
        .unwrap();
    assert_eq!(text(&counted), "1 of 6 asked");
}

#[wasm_bindgen_test]
async fn the_next_question_starts_with_no_answer_ticked() {
    let (root, _handle) = mount_pack(COUNCIL);
    let choice: web_sys::HtmlSelectElement = root
        .query_selector("#idk-tree-choice")
        .unwrap()
        .unwrap()
        .unchecked_into();
    choice.set_value("gas-smell");
    choice
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    button(&root, "Start tree").click();
    leptos::task::tick().await;
    let first = question(&root).unwrap();
    let radios = all(&root, "[role=radiogroup] input[name=idk-answer]");
    radios[0].unchecked_ref::<HtmlElement>().click();
    leptos::task::tick().await;
    assert_ne!(
        question(&root).unwrap(),
        first,
        "moved to the next question"
    );
    let ticked: Vec<String> = all(&root, "input[name=idk-answer]")
        .iter()
        .filter(|r| r.unchecked_ref::<web_sys::HtmlInputElement>().checked())
        .map(|r| text(&r.parent_element().unwrap()))
        .collect();
    assert!(ticked.is_empty(), "ticked before answering: {ticked:?}");
}
