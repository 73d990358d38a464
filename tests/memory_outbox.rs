//! Browser tests of delivery when this browser's IndexedDB cannot be used (a private window, a
//! browser that refuses storage): the outbox lives in the tab's memory (`host::delivery`), and a
//! sign-out must still leave nothing of the handler's for the next one on a shared PC.
//!
//! A test binary of its own: IndexedDB is taken away before anything opens it, and the page's
//! database, once opened, is kept for the page's life.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use incident_desk::host::delivery::{self, Lane, OutboxView, Route};
use incident_engine::protocol::{BearerToken, Endpoint};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{document, sleep};

/// Waits (up to 5 s) until `done` says so.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        sleep(10).await;
    }
    panic!("{what}: not within 5 s");
}

#[wasm_bindgen_test]
async fn a_sign_out_without_indexeddb_forgets_the_sign_in_tells_the_other_tabs_and_clears_the_page()
{
    // The widget's tasks run on the executor a mounted app starts.
    let _mounted = leptos::mount::mount_to(dom::container(), || ());
    // As in a browser whose IndexedDB cannot be used.
    let window = web_sys::window().unwrap();
    let unusable = js_sys::Object::new();
    js_sys::Reflect::set(&unusable, &"value".into(), &JsValue::UNDEFINED).unwrap();
    js_sys::Reflect::set(&unusable, &"configurable".into(), &JsValue::TRUE).unwrap();
    js_sys::Object::define_property(&window, &"indexedDB".into(), &unusable);
    assert!(incident_desk::host::store::shared().await.is_err());
    // On the widget's own page, whose local storage is the widget's.
    let meta = document().create_element("meta").unwrap();
    meta.set_attribute("name", "incident-desk-page").unwrap();
    document().head().unwrap().append_child(&meta).unwrap();
    let local = window.local_storage().unwrap().unwrap();
    local
        .set_item("incident-desk:last-agent", "agent-7")
        .unwrap();

    // Another tab, listening for teardowns.
    let told: Rc<RefCell<Vec<String>>> = Rc::default();
    let other_tab = web_sys::BroadcastChannel::new("incident-desk:teardown").unwrap();
    let sink = told.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            sink.borrow_mut().extend(e.data().as_string());
        });
    other_tab.set_onmessage(Some(on_message.as_ref().unchecked_ref()));

    // Signed in, with an endpoint and its token.
    let views: Rc<RefCell<Vec<OutboxView>>> = Rc::default();
    let seen = views.clone();
    let lane = delivery::start(
        Lane::of(None),
        |_| {},
        move |view| seen.borrow_mut().push(view),
    );
    let route = || views.borrow().last().map(|view| view.route);
    lane.host_ready();
    lane.set_endpoint(
        Some(Endpoint::parse("https://crm.example/entries").unwrap()),
        BearerToken::parse("secret-of-the-last-handler"),
    );
    until("the endpoint is the route", || {
        route() == Some(Route::Endpoint)
    })
    .await;
    let problem = views.borrow().last().and_then(|view| view.problem.clone());
    assert!(
        problem.is_some_and(|p| p.contains("storage cannot be used")),
        "the memory fallback is in use"
    );

    assert_eq!(lane.teardown(None).await, Ok(0));
    sleep(50).await;

    // The endpoint and its token are forgotten: nothing goes to the last handler's CRM, and the
    // host's session is over until its next handshake.
    assert_eq!(route(), Some(Route::Nowhere));
    // The other tabs hear that the erasing is done (they start their screens again).
    let told = told.borrow().clone();
    assert!(told.iter().any(|m| m.starts_with("started ")), "{told:?}");
    assert!(told.iter().any(|m| m.starts_with("done ")), "{told:?}");
    // The widget page's local storage is cleared.
    assert_eq!(local.length().unwrap(), 0);
    other_tab.close();
    meta.remove();
}
