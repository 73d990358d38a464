//! Durable storage in the browser (F17, F21; L2 1.3): a small key–value store over IndexedDB,
//! holding text (JSON made by the engine: a call's draft, the outbox). Every write is one
//! transaction with durability `strict`, so once it reports success the data survives a crash or a
//! power cut; several writes can be one transaction (closing a call moves it from its draft to the
//! outbox atomically). Values are never logged: they hold personal data.
//!
//! Database `incident-desk`, version 1, one object store `kv` with out-of-line string keys.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

use super::page::js_error_text;

const DB_NAME: &str = "incident-desk";
const DB_VERSION: u32 = 1;
const STORE: &str = "kv";

/// Why storage failed, in words for the handler (no stored values in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

fn fail(what: &str, error: &JsValue) -> StoreError {
    StoreError(format!("{what}: {}", js_error_text(error)))
}

thread_local! {
    static SHARED: RefCell<Option<Store>> = const { RefCell::new(None) };
}

/// The page's database, opened on first use and shared by the drafts and the outbox.
pub async fn shared() -> Result<Store, StoreError> {
    if let Some(store) = SHARED.with(|s| s.borrow().clone()) {
        return Ok(store);
    }
    let store = Store::open().await?;
    SHARED.with(|s| *s.borrow_mut() = Some(store.clone()));
    Ok(store)
}

/// One change in a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Store `value` under `key`.
    Put {
        /// The key.
        key: String,
        /// The text to store.
        value: String,
    },
    /// Remove `key`.
    Delete(String),
}

/// The open database.
#[derive(Clone)]
pub struct Store {
    db: IdbDatabase,
}

/// Resolves when `request` succeeds (with its result) or fails.
///
/// The handlers are owned here and removed from the request once it settles, then dropped: a
/// handler left on a request (or a closure leaked with `forget`) would keep the request, its
/// transaction and the text it read or wrote alive for the life of the page (about 4 KB of
/// outbox per save, measured as a heap that grew by 26 KB per call).
async fn settle(request: &IdbRequest, what: &str) -> Result<JsValue, StoreError> {
    let done: Rc<RefCell<Option<(Function, Function)>>> = Rc::new(RefCell::new(None));
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        *done.borrow_mut() = Some((resolve, reject));
    });
    let ok = done.clone();
    let on_success = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        if let Some((resolve, _)) = ok.borrow_mut().take() {
            let result = js_sys::Reflect::get(&event, &"target".into())
                .ok()
                .and_then(|target| js_sys::Reflect::get(&target, &"result".into()).ok())
                .unwrap_or(JsValue::NULL);
            let _ = resolve.call1(&JsValue::NULL, &result);
        }
    });
    let failed = done.clone();
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        if let Some((_, reject)) = failed.borrow_mut().take() {
            let error = js_sys::Reflect::get(&event, &"target".into())
                .ok()
                .and_then(|target| js_sys::Reflect::get(&target, &"error".into()).ok())
                .unwrap_or(JsValue::NULL);
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    });
    request.set_onsuccess(Some(on_success.as_ref().unchecked_ref()));
    request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    drop((on_success, on_error));
    outcome.map_err(|e| fail(what, &e))
}

/// Resolves when `tx` has committed (durably, for a `strict` transaction), or fails. Its handlers
/// are removed and dropped once it has (see [`settle`]).
async fn committed(tx: &IdbTransaction) -> Result<(), StoreError> {
    let done: Rc<RefCell<Option<(Function, Function)>>> = Rc::new(RefCell::new(None));
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        *done.borrow_mut() = Some((resolve, reject));
    });
    let complete = done.clone();
    let on_complete = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        if let Some((resolve, _)) = complete.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let failed = done.clone();
    let on_failure = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        if let Some((_, reject)) = failed.borrow_mut().take() {
            let _ = reject.call1(&JsValue::NULL, &event);
        }
    });
    tx.set_oncomplete(Some(on_complete.as_ref().unchecked_ref()));
    tx.set_onerror(Some(on_failure.as_ref().unchecked_ref()));
    tx.set_onabort(Some(on_failure.as_ref().unchecked_ref()));
    let outcome = JsFuture::from(promise).await;
    tx.set_oncomplete(None);
    tx.set_onerror(None);
    tx.set_onabort(None);
    drop((on_complete, on_failure));
    outcome
        .map(|_| ())
        .map_err(|e| fail("the write did not complete", &e))
}

impl Store {
    /// Opens (and on first use creates) the database.
    pub async fn open() -> Result<Store, StoreError> {
        let window = web_sys::window().ok_or_else(|| StoreError("no browser window".into()))?;
        let factory = window
            .indexed_db()
            .map_err(|e| fail("IndexedDB is not available", &e))?
            .ok_or_else(|| StoreError("IndexedDB is not available in this browser".into()))?;
        let request: IdbOpenDbRequest = factory
            .open_with_u32(DB_NAME, DB_VERSION)
            .map_err(|e| fail("cannot open the database", &e))?;
        let upgrading = request.clone();
        let on_upgrade = Closure::once_into_js(move || {
            if let Ok(result) = upgrading.result() {
                let db: IdbDatabase = result.unchecked_into();
                if !db.object_store_names().contains(STORE) {
                    let _ = db.create_object_store(STORE);
                }
            }
        });
        request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
        let db = settle(&request, "cannot open the database").await?;
        Ok(Store {
            db: db.unchecked_into(),
        })
    }

    fn transaction(
        &self,
        mode: IdbTransactionMode,
    ) -> Result<(IdbTransaction, IdbObjectStore), StoreError> {
        // `{ durability: "strict" }`: web-sys exposes the options dictionary only as an unstable
        // API, so the call goes through the JS method directly.
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"durability".into(), &"strict".into());
        let mode = match mode {
            IdbTransactionMode::Readwrite => "readwrite",
            _ => "readonly",
        };
        let transaction: Function = js_sys::Reflect::get(&self.db, &"transaction".into())
            .map_err(|e| fail("cannot start a transaction", &e))?
            .dyn_into()
            .map_err(|e| fail("cannot start a transaction", &e))?;
        let tx: IdbTransaction = transaction
            .call3(&self.db, &STORE.into(), &mode.into(), &options)
            .map_err(|e| fail("cannot start a transaction", &e))?
            .dyn_into()
            .map_err(|e| fail("cannot start a transaction", &e))?;
        let store = tx
            .object_store(STORE)
            .map_err(|e| fail("the store is missing", &e))?;
        Ok((tx, store))
    }

    /// The text under `key`, if any.
    pub async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let (_tx, store) = self.transaction(IdbTransactionMode::Readonly)?;
        let request = store
            .get(&JsValue::from_str(key))
            .map_err(|e| fail("cannot read", &e))?;
        let value = settle(&request, "cannot read").await?;
        Ok(value.as_string())
    }

    /// Applies `changes` in one strict transaction: all of them, or none.
    pub async fn write(&self, changes: &[Change]) -> Result<(), StoreError> {
        let (tx, store) = self.transaction(IdbTransactionMode::Readwrite)?;
        for change in changes {
            let queued = match change {
                Change::Put { key, value } => {
                    store.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))
                }
                Change::Delete(key) => store.delete(&JsValue::from_str(key)),
            };
            if let Err(e) = queued {
                let _ = tx.abort();
                return Err(fail("cannot write", &e));
            }
        }
        committed(&tx).await
    }

    /// Every key stored (for teardown checks and tests).
    pub async fn keys(&self) -> Result<Vec<String>, StoreError> {
        let (_tx, store) = self.transaction(IdbTransactionMode::Readonly)?;
        let request = store.get_all_keys().map_err(|e| fail("cannot list", &e))?;
        let keys = settle(&request, "cannot list").await?;
        Ok(js_sys::Array::from(&keys)
            .iter()
            .filter_map(|k| k.as_string())
            .collect())
    }

    /// Removes everything (teardown: logging out on a shared PC).
    pub async fn clear(&self) -> Result<(), StoreError> {
        let (tx, store) = self.transaction(IdbTransactionMode::Readwrite)?;
        store.clear().map_err(|e| fail("cannot clear", &e))?;
        committed(&tx).await
    }
}
