//! What Leptos's `server_fn` (its `browser` feature, which Leptos always turns on) uses of
//! wasm-streams 0.5: a JavaScript `ReadableStream` read as a Rust `Stream`, and a Rust `Stream`
//! offered as a JavaScript `ReadableStream`, for server functions that stream. Incident Desk has
//! no server functions, so neither runs; the crate on crates.io, though, exports three classes to
//! JavaScript (`IntoUnderlyingSource`, `IntoUnderlyingByteSource`, `IntoUnderlyingSink`), and an
//! export is kept whether or not anything calls it: 3.4 KB gzip of every app's wasm and their
//! glue (issue 14). This crate does the same two conversions with closures and promises, and
//! exports nothing. The root `Cargo.toml` puts it in place of the crates.io crate
//! (`[patch.crates-io]`); a Leptos that needs more of wasm-streams fails to build, loudly.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_util::future::poll_fn;
use futures_util::stream::{Stream, StreamExt};
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// The JavaScript stream types, as wasm-streams names them.
pub mod sys {
    pub use web_sys::ReadableStream;
}

/// A JavaScript `ReadableStream`.
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

impl ReadableStream {
    /// Wraps a JavaScript stream.
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        Self { raw }
    }

    /// A JavaScript stream whose chunks are `stream`'s items, pulled one at a time; an `Err`
    /// item errors the JavaScript stream.
    pub fn from_stream<St>(stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        let stream = Rc::new(RefCell::new(Box::pin(stream)));
        let pull = Closure::<dyn FnMut(web_sys::ReadableStreamDefaultController) -> Promise>::new(
            move |controller: web_sys::ReadableStreamDefaultController| {
                let stream = stream.clone();
                future_to_promise(async move {
                    // Borrowed only while polled, never across an await.
                    let next =
                        poll_fn(|context| stream.borrow_mut().poll_next_unpin(context)).await;
                    match next {
                        Some(Ok(chunk)) => controller.enqueue_with_chunk(&chunk)?,
                        Some(Err(error)) => controller.error_with_e(&error),
                        None => controller.close()?,
                    }
                    Ok(JsValue::UNDEFINED)
                })
            },
        );
        let source = Object::new();
        // Setting a property on a new plain object cannot fail.
        let _ = Reflect::set(&source, &JsValue::from_str("pull"), pull.as_ref());
        // The source lives as long as the JavaScript stream, which the page owns.
        pull.forget();
        let raw =
            web_sys::ReadableStream::new_with_underlying_source(&source).unwrap_or_else(|_| {
                web_sys::ReadableStream::new().unwrap_or_else(|_| JsValue::NULL.unchecked_into())
            });
        Self { raw }
    }

    /// The JavaScript stream.
    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    /// The stream's chunks as a Rust `Stream`, read with a reader of its own; a read that fails
    /// ends it with that error.
    pub fn into_stream(self) -> IntoStream {
        let reader = self
            .raw
            .get_reader()
            .dyn_into::<web_sys::ReadableStreamDefaultReader>()
            .ok();
        IntoStream {
            reader,
            pending: None,
        }
    }
}

/// A JavaScript stream read as a Rust `Stream` of its chunks.
pub struct IntoStream {
    reader: Option<web_sys::ReadableStreamDefaultReader>,
    pending: Option<JsFuture>,
}

impl Stream for IntoStream {
    type Item = Result<JsValue, JsValue>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(reader) = self.reader.clone() else {
            return Poll::Ready(None);
        };
        let pending = self
            .pending
            .get_or_insert_with(|| JsFuture::from(reader.read()));
        let result = match Pin::new(pending).poll(context) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        self.pending = None;
        match result {
            Ok(read) => {
                let done = Reflect::get(&read, &JsValue::from_str("done"))
                    .map(|d| d.is_truthy())
                    .unwrap_or(true);
                if done {
                    self.reader = None;
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Reflect::get(&read, &JsValue::from_str("value"))))
                }
            }
            Err(error) => {
                self.reader = None;
                Poll::Ready(Some(Err(error)))
            }
        }
    }
}
