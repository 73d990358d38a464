//! The call in progress, kept in IndexedDB so a reload or a crashed tab loses nothing (F17, F21;
//! L2 1.3). The engine makes and checks the draft (`Call::to_draft`, `Call::from_draft`); this
//! module decides when to write it: at most 300 ms after a change (debounced), at once when the
//! page is hidden or about to go, and never after the call has closed. Draft text is never
//! logged: it holds personal data.
//!
//! Each widget instance keeps its draft under its own key ([`draft_key`]): `draft` for the
//! widget's own page (standalone or in an iframe, as before instances existed, so drafts saved
//! then still load), `draft:<instance>` for a widget mounted in a host's page, so two widgets on
//! one page never resume each other's call.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::{set_timeout_with_handle, TimeoutHandle};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::store::{Change, StoreError};

/// The key the open call's draft is stored under on the widget's own page.
pub const DRAFT_KEY: &str = "draft";

/// The key a widget instance keeps its draft under: [`DRAFT_KEY`] on the widget's own page
/// (`None`), `draft:<instance>` for a named instance in a host's page.
pub fn draft_key(instance: Option<&str>) -> String {
    match instance {
        None => DRAFT_KEY.to_owned(),
        Some(name) => format!("{DRAFT_KEY}:{name}"),
    }
}

/// How long after a change the draft is written, at most.
const DEBOUNCE_MS: u64 = 300;

thread_local! {
    /// Bumped by [`silence_savers`]: a saver made before writes nothing more.
    static GENERATION: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Stops every saver that exists now from writing again (teardown: the call on screen must not
/// come back into storage when its screen goes or the page is hidden).
pub fn silence_savers() {
    GENERATION.with(|g| g.set(g.get().wrapping_add(1)));
}

use super::store::shared as store;

/// The draft saved under `key` ([`draft_key`]), if there is one.
pub async fn load(key: &str) -> Result<Option<String>, StoreError> {
    store().await?.get(key).await
}

/// Removes the draft saved under `key` (the call closed, or the handler discarded it).
pub async fn discard(key: &str) -> Result<(), StoreError> {
    store()
        .await?
        .write(&[Change::Delete(key.to_owned())])
        .await
}

async fn write(key: String, text: String) -> Result<(), StoreError> {
    store()
        .await?
        .write(&[Change::Put { key, value: text }])
        .await
}

type Snapshot = Rc<dyn Fn() -> Option<String>>;
type OnError = Rc<dyn Fn(StoreError)>;

/// Writes the draft `snapshot` gives (none once the call is closed) after changes, debounced,
/// and at once when the page is hidden. Dropping it removes its listeners; call `flush` first to
/// write what is pending.
pub struct DraftSaver {
    inner: Rc<Inner>,
    listener: Option<Closure<dyn Fn()>>,
}

struct Inner {
    generation: u64,
    key: String,
    snapshot: Snapshot,
    on_error: OnError,
    timer: RefCell<Option<TimeoutHandle>>,
}

impl Inner {
    fn flush(&self) {
        if let Some(timer) = self.timer.borrow_mut().take() {
            timer.clear();
        }
        if GENERATION.with(std::cell::Cell::get) != self.generation {
            return;
        }
        let Some(text) = (self.snapshot)() else {
            return;
        };
        let (key, on_error) = (self.key.clone(), self.on_error.clone());
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = write(key, text).await {
                on_error(e);
            }
        });
    }
}

impl DraftSaver {
    /// A saver for the drafts `snapshot` makes, under `key` ([`draft_key`]); `on_error` hears
    /// about failed writes.
    pub fn new(
        key: String,
        snapshot: impl Fn() -> Option<String> + 'static,
        on_error: impl Fn(StoreError) + 'static,
    ) -> DraftSaver {
        let inner = Rc::new(Inner {
            generation: GENERATION.with(std::cell::Cell::get),
            key,
            snapshot: Rc::new(snapshot),
            on_error: Rc::new(on_error),
            timer: RefCell::new(None),
        });
        let hidden = inner.clone();
        let listener = Closure::<dyn Fn()>::new(move || {
            let is_hidden = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
            if is_hidden {
                hidden.flush();
            }
        });
        if let Some(window) = web_sys::window() {
            if let Some(document) = window.document() {
                let _ = document.add_event_listener_with_callback(
                    "visibilitychange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            let _ = window
                .add_event_listener_with_callback("pagehide", listener.as_ref().unchecked_ref());
        }
        DraftSaver {
            inner,
            listener: Some(listener),
        }
    }

    /// The call changed: write within [`DEBOUNCE_MS`].
    pub fn changed(&self) {
        if self.inner.timer.borrow().is_some() {
            return;
        }
        let inner = self.inner.clone();
        let timer = set_timeout_with_handle(
            move || {
                inner.timer.borrow_mut().take();
                inner.flush();
            },
            std::time::Duration::from_millis(DEBOUNCE_MS),
        )
        .ok();
        *self.inner.timer.borrow_mut() = timer;
    }

    /// Writes now what is pending.
    pub fn flush(&self) {
        self.inner.flush();
    }
}

impl Drop for DraftSaver {
    fn drop(&mut self) {
        if let Some(timer) = self.inner.timer.borrow_mut().take() {
            timer.clear();
        }
        if let Some(listener) = self.listener.take() {
            if let Some(window) = web_sys::window() {
                if let Some(document) = window.document() {
                    let _ = document.remove_event_listener_with_callback(
                        "visibilitychange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                let _ = window.remove_event_listener_with_callback(
                    "pagehide",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    }
}
