//! Browser tests of `host::deployment`: the deployment settings fetched and checked by the engine,
//! read once per page with the same answer for every caller, and a file that cannot be used said
//! on the widget page's `<html>` (`data-incident-desk-deployment="error"`), with the engine's
//! reason and the file's address.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use incident_desk::host::deployment::{self, DEPLOYMENT_ATTRIBUTE};
use incident_engine::protocol::Origin;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{blob_url, document, sleep};

const GOOD: &str = r#"{"format": "incident-desk/deployment@1",
  "hosts": ["https://crm.example.org", "http://127.0.0.1:4173"],
  "endpoints": ["https://crm.example.org/api/incidents", "https://crm.example.org/intake/"]}"#;

#[wasm_bindgen_test]
async fn a_good_file_is_read_and_checked() {
    let deployment = deployment::read(&blob_url(GOOD.as_bytes()))
        .await
        .expect("the settings");
    assert!(deployment.allows_host(&Origin::parse("https://crm.example.org").unwrap()));
    assert!(!deployment.allows_host(&Origin::parse("https://evil.example").unwrap()));
    assert!(deployment.allows_endpoint_str("https://crm.example.org/intake/a"));
    assert_eq!(
        deployment.frame_ancestors(),
        "'self' https://crm.example.org http://127.0.0.1:4173"
    );
}

#[wasm_bindgen_test]
async fn a_file_that_cannot_be_used_says_what_and_where() {
    let cases: [(&[u8], &str); 4] = [
        (b"", "deployment.json is empty"),
        (b"<!DOCTYPE html><title>Sign in</title>", "is a web page"),
        (b"{\"format\": ", "is not valid JSON (line 1"),
        (
            br#"{"format": "incident-desk/deployment@1", "hosts": ["http://crm.example.org"], "endpoints": []}"#,
            "hosts[0]: ",
        ),
    ];
    for (bytes, expected) in cases {
        let url = blob_url(bytes);
        let error = deployment::read(&url).await.expect_err(expected);
        assert!(error.contains(expected), "{error}");
        assert!(error.contains(&url), "the address is named: {error}");
    }
    let error = deployment::read("no-such-deployment.json")
        .await
        .expect_err("missing");
    assert!(error.contains("was not found"), "{error}");
    assert!(error.contains("(HTTP 404)"), "{error}");
}

/// The page's one read (a test of its own: the answer is kept for the page's life).
#[wasm_bindgen_test]
async fn the_page_reads_once_and_says_when_the_settings_cannot_be_used() {
    // As on the widget's own page, where the attribute is set.
    let meta = document().create_element("meta").unwrap();
    meta.set_attribute("name", "incident-desk-page").unwrap();
    document().head().unwrap().append_child(&meta).unwrap();
    let bad =
        blob_url(br#"{"format": "incident-desk/deployment@2", "hosts": [], "endpoints": []}"#);
    deployment::set_url(bad.clone());
    assert!(deployment::current().is_none());

    // Two callers at once: both wait on the one read.
    let first: Rc<RefCell<Option<Result<_, String>>>> = Rc::default();
    let sink = first.clone();
    wasm_bindgen_futures::spawn_local(async move {
        *sink.borrow_mut() = Some(deployment::loaded().await);
    });
    let second = deployment::loaded().await;
    sleep(0).await;
    let first = first
        .borrow_mut()
        .take()
        .expect("the first caller's answer");
    let error = first.expect_err("another version");
    assert!(
        error.contains("format: \"incident-desk/deployment@2\" is another version"),
        "{error}"
    );
    assert!(error.contains(&bad), "{error}");
    assert_eq!(second.expect_err("the same answer"), error);
    // Read once: a later address changes nothing, and nothing is in force.
    deployment::set_url(blob_url(GOOD.as_bytes()));
    assert_eq!(deployment::loaded().await.expect_err("kept"), error);
    assert!(deployment::current().is_none());
    let root = document().document_element().unwrap();
    assert_eq!(
        root.get_attribute(DEPLOYMENT_ATTRIBUTE).as_deref(),
        Some("error")
    );
    meta.remove();
}
