//! Browser tests of `tools/wasm-streams`, which stands in for the crates.io wasm-streams that
//! Leptos's server_fn links (see its lib.rs): a Rust stream offered as a JavaScript
//! `ReadableStream` and read back, chunk by chunk, through JavaScript's own reader; an error
//! item errors the JavaScript stream; a JavaScript stream made by JavaScript is read to its end.

#![cfg(target_arch = "wasm32")]

use futures_util::stream::{self, StreamExt};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use wasm_streams::ReadableStream;

wasm_bindgen_test_configure!(run_in_browser);

async fn collect(raw: web_sys::ReadableStream) -> Vec<Result<JsValue, JsValue>> {
    ReadableStream::from_raw(raw).into_stream().collect().await
}

#[wasm_bindgen_test]
async fn a_rust_stream_read_back_through_javascript_gives_every_chunk_in_order() {
    let chunks = ["first", "second", "third"].map(|c| Ok(JsValue::from_str(c)));
    let raw = ReadableStream::from_stream(stream::iter(chunks)).into_raw();
    let read = collect(raw).await;
    let texts: Vec<String> = read
        .into_iter()
        .map(|chunk| chunk.unwrap().as_string().unwrap())
        .collect();
    assert_eq!(texts, ["first", "second", "third"]);
}

#[wasm_bindgen_test]
async fn an_error_item_errors_the_javascript_stream() {
    let items = vec![
        Ok(JsValue::from_str("kept")),
        Err(JsValue::from_str("broken")),
    ];
    let raw = ReadableStream::from_stream(stream::iter(items)).into_raw();
    let read = collect(raw).await;
    assert_eq!(read.len(), 2, "{read:?}");
    assert_eq!(
        read[0].as_ref().unwrap().as_string().as_deref(),
        Some("kept")
    );
    assert_eq!(
        read[1].as_ref().unwrap_err().as_string().as_deref(),
        Some("broken")
    );
}

#[wasm_bindgen_test]
async fn a_javascript_stream_is_read_to_its_end() {
    let raw: web_sys::ReadableStream =
        js_sys::eval("new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } })")
            .unwrap()
            .into();
    let read = collect(raw).await;
    let numbers: Vec<f64> = read
        .into_iter()
        .map(|c| c.unwrap().as_f64().unwrap())
        .collect();
    assert_eq!(numbers, [1.0, 2.0]);
}
