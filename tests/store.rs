//! Browser tests for the IndexedDB store, in headless Chromium's real IndexedDB: what is written
//! comes back, a write of several changes is all or nothing, and teardown leaves nothing.

#![cfg(target_arch = "wasm32")]

use incident_desk::host::store::{Change, Store};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn put(key: &str, value: &str) -> Change {
    Change::Put {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

#[wasm_bindgen_test]
async fn what_is_written_comes_back_and_several_changes_are_one_write() {
    let store = Store::open().await.expect("IndexedDB opens");
    store.clear().await.unwrap();
    assert_eq!(store.get("draft").await.unwrap(), None);

    let draft = r#"{"format":"test","text":"caf\u00e9 \u2013 \"quoted\" <b>not html</b>"}"#;
    store.write(&[put("draft", draft)]).await.unwrap();
    assert_eq!(store.get("draft").await.unwrap().as_deref(), Some(draft));

    // Closing a call: the draft goes and the outbox gains the entry, in one transaction.
    store
        .write(&[Change::Delete("draft".into()), put("outbox", "[1]")])
        .await
        .unwrap();
    assert_eq!(store.get("draft").await.unwrap(), None);
    assert_eq!(store.get("outbox").await.unwrap().as_deref(), Some("[1]"));

    // A second handle (another tab, or after a reload) sees the same data.
    let again = Store::open().await.unwrap();
    assert_eq!(again.get("outbox").await.unwrap().as_deref(), Some("[1]"));

    store.clear().await.unwrap();
    assert!(store.keys().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_large_value_is_stored_whole() {
    let store = Store::open().await.unwrap();
    let big = "x".repeat(2_000_000);
    store.write(&[put("big", &big)]).await.unwrap();
    assert_eq!(
        store.get("big").await.unwrap().map(|v| v.len()),
        Some(big.len())
    );
    store.write(&[Change::Delete("big".into())]).await.unwrap();
    assert_eq!(store.get("big").await.unwrap(), None);
}
