//! Durable storage in the browser (F17, F21; L2 1.3): a small key–value store over IndexedDB,
//! holding text (JSON made by the engine: a call's draft, the outbox). Every write is one
//! transaction with durability `strict`, so once it reports success the data survives a crash or a
//! power cut; several writes can be one transaction (closing a call moves it from its draft to the
//! outbox atomically). Values are never logged: they hold personal data.
//!
//! Database `incident-desk`, version 1, one object store `kv` with out-of-line string keys.
//!
//! **Encryption at rest** (issue 12): when the host gives a key at sign-in (`configure`'s
//! `storage_key`, [`set_key`]), every value written from then on is sealed with AES-256-GCM (Web
//! Crypto, a fresh 96-bit IV per write) and stored as `incident-desk:aes-gcm@1:<base64 of IV and
//! ciphertext>`. The key is imported non-extractable and kept in memory only. A sealed value read
//! without the key, or with another, is an error that says so (never taken for a damaged record),
//! so nothing is set aside or overwritten until the key is given again. Values written before a
//! key was given stay plain text until next written.

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
    /// The sign-in's storage key (a non-extractable `CryptoKey`), if the host gave one.
    static KEY: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// What a sealed value starts with.
const SEALED: &str = "incident-desk:aes-gcm@1:";

/// The browser's `crypto.subtle`.
fn subtle() -> Result<JsValue, StoreError> {
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or_else(|| StoreError("this browser has no Web Crypto".into()))?;
    js_sys::Reflect::get(&crypto, &"subtle".into())
        .ok()
        .filter(|s| !s.is_undefined())
        .ok_or_else(|| StoreError("this page cannot use Web Crypto (it needs https)".into()))
}

/// Calls `crypto.subtle[method](...args)` and awaits it.
async fn subtle_call(method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let subtle = subtle().map_err(|e| JsValue::from_str(&e.0))?;
    let function: Function = js_sys::Reflect::get(&subtle, &method.into())?.dyn_into()?;
    let promise: Promise =
        js_sys::Reflect::apply(&function, &subtle, &args.iter().collect::<js_sys::Array>())?
            .dyn_into()?;
    JsFuture::from(promise).await
}

/// The sign-in's storage key (32 bytes), or `None` to stop sealing (teardown). Returns whether
/// the key changed.
pub async fn set_key(bytes: Option<&[u8; 32]>) -> Result<bool, StoreError> {
    let Some(bytes) = bytes else {
        return Ok(KEY.with(|k| k.borrow_mut().take()).is_some());
    };
    let usages = js_sys::Array::of2(&"encrypt".into(), &"decrypt".into());
    let key = subtle_call(
        "importKey",
        &[
            "raw".into(),
            js_sys::Uint8Array::from(&bytes[..]).into(),
            "AES-GCM".into(),
            false.into(),
            usages.into(),
        ],
    )
    .await
    .map_err(|e| fail("the storage key cannot be used", &e))?;
    // Imported keys cannot be compared; a new key object counts as a change.
    KEY.with(|k| *k.borrow_mut() = Some(key));
    Ok(true)
}

fn aes_gcm(iv: &[u8]) -> JsValue {
    let params = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&params, &"name".into(), &"AES-GCM".into());
    let _ = js_sys::Reflect::set(&params, &"iv".into(), &js_sys::Uint8Array::from(iv).into());
    params.into()
}

/// `text` sealed with the key, or as it is when there is none.
async fn seal(text: &str) -> Result<String, StoreError> {
    let Some(key) = KEY.with(|k| k.borrow().clone()) else {
        return Ok(text.to_owned());
    };
    let mut iv = [0u8; 12];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut iv).ok())
        .ok_or_else(|| StoreError("this browser cannot make random numbers".into()))?;
    let plain = js_sys::Uint8Array::from(text.as_bytes());
    let sealed = subtle_call("encrypt", &[aes_gcm(&iv), key, plain.into()])
        .await
        .map_err(|e| fail("cannot encrypt", &e))?;
    let mut bytes = iv.to_vec();
    bytes.extend(js_sys::Uint8Array::new(&sealed).to_vec());
    Ok(format!(
        "{SEALED}{}",
        incident_engine::kernel::base64::encode(&bytes)
    ))
}

/// A stored value as text: opened with the key when it is sealed.
async fn unseal(stored: String) -> Result<String, StoreError> {
    let Some(body) = stored.strip_prefix(SEALED) else {
        return Ok(stored);
    };
    let Some(key) = KEY.with(|k| k.borrow().clone()) else {
        return Err(StoreError(
            "the call data in this browser is locked: it opens with the key your CRM gives at sign-in".into(),
        ));
    };
    let bytes = incident_engine::kernel::base64::decode(body)
        .filter(|b| b.len() > 12)
        .ok_or_else(|| StoreError("an encrypted record is damaged".into()))?;
    let (iv, sealed) = bytes.split_at(12);
    let plain = subtle_call(
        "decrypt",
        &[aes_gcm(iv), key, js_sys::Uint8Array::from(sealed).into()],
    )
    .await
    .map_err(|_| {
        StoreError(
            "the call data in this browser was saved under another sign-in's key, so it cannot be opened with this one".into(),
        )
    })?;
    String::from_utf8(js_sys::Uint8Array::new(&plain).to_vec())
        .map_err(|_| StoreError("an encrypted record is damaged".into()))
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

/// A promise and the one-shot functions that settle it, shared by the event handlers that do.
#[derive(Clone)]
struct Settle(Rc<RefCell<Option<(Function, Function)>>>);

impl Settle {
    fn new() -> (Promise, Settle) {
        let settle = Settle(Rc::new(RefCell::new(None)));
        let slot = settle.0.clone();
        let promise = Promise::new(&mut |resolve: Function, reject: Function| {
            *slot.borrow_mut() = Some((resolve, reject));
        });
        (promise, settle)
    }

    fn resolve(&self, value: &JsValue) {
        if let Some((resolve, _)) = self.0.borrow_mut().take() {
            let _ = resolve.call1(&JsValue::NULL, value);
        }
    }

    fn reject(&self, value: &JsValue) {
        if let Some((_, reject)) = self.0.borrow_mut().take() {
            let _ = reject.call1(&JsValue::NULL, value);
        }
    }
}

/// `event.target[name]`, or `null`.
fn target_field(event: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(event, &"target".into())
        .ok()
        .and_then(|target| js_sys::Reflect::get(&target, &name.into()).ok())
        .unwrap_or(JsValue::NULL)
}

/// Resolves when `request` succeeds (with its result) or fails.
///
/// The handlers are owned here and removed from the request once it settles, then dropped: a
/// handler left on a request (or a closure leaked with `forget`) would keep the request, its
/// transaction and the text it read or wrote alive for the life of the page (about 4 KB of
/// outbox per save, measured as a heap that grew by 21 KB per call).
async fn settle(request: &IdbRequest, what: &str) -> Result<JsValue, StoreError> {
    let (promise, settle) = Settle::new();
    let ok = settle.clone();
    let on_success = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        ok.resolve(&target_field(&event, "result"));
    });
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        settle.reject(&target_field(&event, "error"));
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
    let (promise, settle) = Settle::new();
    let ok = settle.clone();
    let on_complete = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        ok.resolve(&JsValue::UNDEFINED);
    });
    let on_failure = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        settle.reject(&event);
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
        match value.as_string() {
            Some(stored) => unseal(stored).await.map(Some),
            None => Ok(None),
        }
    }

    /// Applies `changes` in one strict transaction: all of them, or none.
    pub async fn write(&self, changes: &[Change]) -> Result<(), StoreError> {
        // Sealed first: a transaction commits by itself at the first await that is not its own.
        let mut sealed = Vec::with_capacity(changes.len());
        for change in changes {
            sealed.push(match change {
                Change::Put { key, value } => Change::Put {
                    key: key.clone(),
                    value: seal(value).await?,
                },
                Change::Delete(key) => Change::Delete(key.clone()),
            });
        }
        let (tx, store) = self.transaction(IdbTransactionMode::Readwrite)?;
        for change in &sealed {
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
