//! Browser tests for the script and custom-element mode (`host::element`, F17, F21): widgets
//! mounted by `host::element::mount` (as the desk's `mount_widget` export does) in shadow roots of the test page, as element.js mounts them. Their
//! elements stay in their own shadow root, their events are DOM events on their own host element,
//! a bad command is refused with the engine's words, and destroying one leaves nothing behind and
//! the other working.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use incident_desk::apps::desk::App;
use incident_desk::host::element::{self, Widget};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, blob_url, document, sleep, text_content as text};

const DEFAULT_PACK: &[u8] = include_bytes!("../packs/council-out-of-hours.json");

/// A mounted widget: its host element, shadow root and handle, and the events heard on the host.
struct Mounted {
    host: Element,
    root: ShadowRoot,
    handle: Widget,
    heard: Rc<RefCell<Vec<(String, String)>>>,
    _listeners: Vec<Closure<dyn Fn(web_sys::CustomEvent)>>,
}

/// Mounts a widget named `instance` in a new element, as element.js does, listening on the host
/// element for `incident-desk:ready`, `:entry.completed` and `:error` (type and detail as JSON).
fn mount(instance: &str, configure: &str) -> Result<Mounted, String> {
    let host = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let init = web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open);
    let root = host.attach_shadow(&init).unwrap();
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    root.append_child(&container).unwrap();
    let heard: Rc<RefCell<Vec<(String, String)>>> = Rc::default();
    let mut listeners = Vec::new();
    for name in ["ready", "entry.completed", "error"] {
        let sink = heard.clone();
        let listener =
            Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
                assert!(e.bubbles() && e.composed(), "{}", e.type_());
                let detail = js_sys::JSON::stringify(&e.detail())
                    .unwrap()
                    .as_string()
                    .unwrap();
                sink.borrow_mut().push((e.type_(), detail));
            });
        host.add_event_listener_with_callback(
            &format!("incident-desk:{name}"),
            listener.as_ref().unchecked_ref(),
        )
        .unwrap();
        listeners.push(listener);
    }
    let pack_url = blob_url(DEFAULT_PACK);
    let handle = element::mount(
        host.clone(),
        root.clone(),
        container,
        Some(instance.to_owned()),
        configure,
        None,
        move || view! { <App pack_url=pack_url /> },
    )
    .map_err(|e| {
        JsValue::from(e)
            .dyn_into::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default()
    })?;
    Ok(Mounted {
        host,
        root,
        handle,
        heard,
        _listeners: listeners,
    })
}

/// Waits (up to 10 s) until `widget` has said it is ready.
async fn ready(widget: &Mounted) {
    for _ in 0..1000 {
        leptos::task::tick().await;
        if widget
            .heard
            .borrow()
            .iter()
            .any(|(t, _)| t == "incident-desk:ready")
        {
            return;
        }
        sleep(10).await;
    }
    panic!("the widget did not say ready");
}

fn shadow_all(root: &ShadowRoot, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

fn shadow_button(root: &ShadowRoot, name: &str) -> HtmlElement {
    shadow_all(root, "button")
        .into_iter()
        .find(|b| text(b) == name)
        .unwrap_or_else(|| panic!("no button {name:?}"))
        .unchecked_into()
}

/// Answers a call on `widget` once it offers to (after it has looked for a saved call).
async fn answer(widget: &Mounted) {
    for _ in 0..1000 {
        leptos::task::tick().await;
        let offered = shadow_all(&widget.root, "button")
            .into_iter()
            .find(|b| text(b) == "Answer call");
        if let Some(button) = offered {
            button.unchecked_into::<HtmlElement>().click();
            return;
        }
        sleep(10).await;
    }
    panic!("the widget never offered to answer a call");
}

const HANDLER: &str = r#"{"agent_id":"agent-1","role":"handler"}"#;

#[wasm_bindgen_test]
async fn two_widgets_keep_their_elements_and_events_apart_and_one_can_go() {
    let a = mount("wbt-a", HANDLER).unwrap();
    let b = mount(
        "wbt-b",
        r#"{"agent_id":"agent-2","role":"handler","z_index":3}"#,
    )
    .unwrap();
    ready(&a).await;
    ready(&b).await;
    for w in [&a, &b] {
        assert_eq!(
            w.host.get_attribute("data-incident-desk").as_deref(),
            Some("ready")
        );
        assert_eq!(
            w.heard.borrow().as_slice(),
            [("incident-desk:ready".to_owned(), "{}".to_owned())]
        );
        assert!(
            text(&w.root.first_element_child().unwrap()).contains("Northbridge Borough Council")
        );
    }
    // Nothing on the page's root element: that is the widget's own page's.
    assert!(document()
        .document_element()
        .unwrap()
        .get_attribute("data-incident-desk")
        .is_none());

    // A's call opens in A's shadow root only; its ids are not in the document.
    answer(&a).await;
    leptos::task::tick().await;
    assert_eq!(shadow_all(&a.root, "#idk-call-heading").len(), 1);
    assert!(shadow_all(&b.root, "#idk-call-heading").is_empty());
    assert!(document().get_element_by_id("idk-call-heading").is_none());
    assert!(all(&document().body().unwrap(), "#idk-call-heading").is_empty());

    // "Keyboard shortcuts" opens A's dialog, not B's.
    shadow_button(&a.root, "Keyboard shortcuts (?)").click();
    leptos::task::tick().await;
    let open = |root: &ShadowRoot| {
        root.get_element_by_id("idk-keys")
            .and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok())
            .is_some_and(|d| d.open())
    };
    assert!(open(&a.root));
    assert!(!open(&b.root));

    // A refused command: the promise rejects with the engine's words; the error event is B's only.
    let refused = JsFuture::from(b.handle.command("entry.ack", r#"{"key":"not a key"}"#))
        .await
        .expect_err("refused");
    let message = String::from(refused.dyn_into::<js_sys::Error>().unwrap().message());
    assert!(message.contains("$.key: must be"), "{message}");
    sleep(0).await;
    let errors: Vec<_> = b
        .heard
        .borrow()
        .iter()
        .filter(|(t, _)| t == "incident-desk:error")
        .cloned()
        .collect();
    assert_eq!(errors.len(), 1);
    let detail: serde_json::Value = serde_json::from_str(&errors[0].1).unwrap();
    assert_eq!(detail["code"], "invalid_payload");
    assert_eq!(detail["problems"][0]["path"], "$.key");
    assert!(!a
        .heard
        .borrow()
        .iter()
        .any(|(t, _)| t == "incident-desk:error"));

    // A good one resolves.
    JsFuture::from(b.handle.command("configure", HANDLER))
        .await
        .expect("accepted");

    // The name is taken while A is mounted.
    let taken = mount("wbt-a", HANDLER).err().expect("refused");
    assert!(taken.contains("already uses this instance name"), "{taken}");

    // A goes: its view is unmounted, its attribute and stylesheet removed, its commands refused.
    a.handle.destroy();
    leptos::task::tick().await;
    assert_eq!(
        a.root.first_element_child().unwrap().child_element_count(),
        0
    );
    assert!(a.host.get_attribute("data-incident-desk").is_none());
    assert_eq!(a.root.adopted_style_sheets().length(), 0);
    let after = JsFuture::from(a.handle.command("teardown", "{}"))
        .await
        .expect_err("destroyed");
    let message = String::from(after.dyn_into::<js_sys::Error>().unwrap().message());
    assert!(message.contains("has been destroyed"), "{message}");
    a.handle.destroy();

    // B carries on.
    answer(&b).await;
    leptos::task::tick().await;
    assert_eq!(shadow_all(&b.root, "#idk-call-heading").len(), 1);
    b.handle.destroy();
}

#[wasm_bindgen_test]
async fn options_the_engine_refuses_mount_nothing() {
    let problem = mount(
        "wbt-c",
        r#"{"agent_id":"agent-1","role":"handler","theme":{"--idk-accent":"red; background: url(x)"}}"#,
    )
    .err()
    .expect("refused");
    assert!(
        problem.starts_with("IncidentDesk.mount: the options"),
        "{problem}"
    );
    assert!(problem.contains("$.theme['--idk-accent']"), "{problem}");
    let bad_name = mount("not a name", HANDLER).err().expect("refused");
    assert!(bad_name.contains("instance name"), "{bad_name}");
    // The refused name was never taken.
    let c = mount("wbt-c", HANDLER).unwrap();
    ready(&c).await;
    c.handle.destroy();
}

/// The `<input>` inside the log field labelled `label` in `root`.
fn log_field(root: &ShadowRoot, label: &str) -> web_sys::HtmlInputElement {
    shadow_all(root, "label.idk-field")
        .into_iter()
        .find(|l| text(l).starts_with(label))
        .and_then(|l| l.query_selector("input").unwrap())
        .unwrap_or_else(|| panic!("no field {label:?}"))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn destroying_a_widget_disposes_it_and_writes_its_pending_draft_at_once() {
    let d = mount("wbt-d", HANDLER).unwrap();
    ready(&d).await;
    answer(&d).await;
    leptos::task::tick().await;
    // The first draft is written within 300 ms of answering.
    sleep(400).await;
    let field = log_field(&d.root, "Caller's name");
    field.set_value("Ada Stone");
    field
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    leptos::task::tick().await;
    // Destroyed within the 300 ms debounce: only the call screen's cleanup (run when its reactive
    // owner is disposed) can have written the name by the time this reads.
    d.handle.destroy();
    sleep(100).await;
    let store = incident_desk::host::store::Store::open().await.unwrap();
    let key = incident_desk::host::drafts::draft_key(Some("wbt-d"));
    let draft = store.get(&key).await.unwrap().expect("a draft");
    assert!(draft.contains("Ada Stone"), "{draft}");
    // Nothing of it is left in the page, and it is not under another widget's key.
    assert_eq!(
        d.root.first_element_child().unwrap().child_element_count(),
        0
    );
    let own_page = incident_desk::host::drafts::draft_key(None);
    assert!(store.get(&own_page).await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_refused_endpoint_is_not_kept_for_the_next_attribute_change() {
    let e = mount("wbt-e", HANDLER).unwrap();
    ready(&e).await;
    let errors = || {
        e.heard
            .borrow()
            .iter()
            .filter(|(t, _)| t == "incident-desk:error")
            .count()
    };
    // The test page's deployment settings list no endpoint: refused, said once.
    let configure =
        r#"{"agent_id":"agent-1","role":"handler","endpoint":"https://crm.example/entries"}"#;
    JsFuture::from(e.handle.command("configure", configure))
        .await
        .expect_err("refused");
    sleep(0).await;
    assert_eq!(errors(), 1);
    // An attribute change keeps what was accepted only: the refused endpoint is not sent again,
    // so it is accepted and no second error is heard.
    JsFuture::from(
        e.handle
            .attributes(r#"{"agent_id":"agent-2","role":"handler"}"#),
    )
    .await
    .expect("accepted");
    sleep(0).await;
    assert_eq!(errors(), 1);
    e.handle.destroy();
}
