//! A trainee's practice record in this browser (issue 16; F19): the engine's evidence file
//! (`practice::evidence`, `incident-desk-evidence/1`) kept under one key of the widget's store
//! (IndexedDB, `practice:evidence`), apart from live calls' drafts and outbox; and a record an
//! assessor has opened from a file (`practice:opened`), kept until they close it. Read back with
//! the engine's reader, so a damaged record says what is wrong and where, and is never overwritten
//! until the trainee has been told. Every change is read, made and written under one Web Lock, so
//! the practice page adding an attempt and the record page saving an observation, in two tabs,
//! never write over each other.

use incident_engine::practice::evidence::{read_evidence, EvidenceFile};

use super::locks;
use super::store::{self, Change};

/// The key the trainee's own record is kept under.
pub const EVIDENCE_KEY: &str = "practice:evidence";
/// The key a record opened from a file is kept under while an assessor works on it.
pub const OPENED_KEY: &str = "practice:opened";
/// The Web Lock every change is made under.
const LOCK: &str = "incident-desk:evidence";

/// The record kept under `key`, or `None` if there is none yet.
pub async fn load(key: &str) -> Result<Option<EvidenceFile>, String> {
    let store = store::shared().await.map_err(|e| e.to_string())?;
    match store.get(key).await.map_err(|e| e.to_string())? {
        None => Ok(None),
        Some(text) => read_evidence(text.as_bytes())
            .map(Some)
            .map_err(|e| format!("the practice record kept in this browser cannot be read: {e}")),
    }
}

/// Keeps `record` under `key`, replacing what was there (an opened file: the reader checked it).
pub async fn put(key: &str, record: &EvidenceFile) -> Result<(), String> {
    let key = key.to_owned();
    let value = record.to_json();
    locks::holding(LOCK, async move { write(Change::Put { key, value }).await })
        .await
        .unwrap_or_else(refused)
}

/// Removes the record under `key`.
pub async fn remove(key: &str) -> Result<(), String> {
    let key = key.to_owned();
    locks::holding(LOCK, async move { write(Change::Delete(key)).await })
        .await
        .unwrap_or_else(refused)
}

/// Reads the record under `key` (a new one if there is none), makes `change` to it and keeps it,
/// all under the lock; gives the record as kept. Nothing is written when the kept record cannot be
/// read or `change` refuses (its words).
pub async fn update(
    key: &str,
    change: impl FnOnce(&mut EvidenceFile) -> Result<(), String> + 'static,
) -> Result<EvidenceFile, String> {
    let key = key.to_owned();
    locks::holding(LOCK, async move {
        let mut record = load(&key).await?.unwrap_or_else(|| EvidenceFile::new(""));
        change(&mut record)?;
        write(Change::Put {
            key,
            value: record.to_json(),
        })
        .await?;
        Ok(record)
    })
    .await
    .unwrap_or_else(refused)
}

async fn write(change: Change) -> Result<(), String> {
    let store = store::shared().await.map_err(|e| e.to_string())?;
    store.write(&[change]).await.map_err(|e| e.to_string())
}

fn refused<T>() -> Result<T, String> {
    Err("the browser refused to let this page change the record (Web Locks)".to_owned())
}

/// The largest practice record file opened.
pub const MAX_FILE_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

/// The file chosen in `input`: its name and bytes, or why it cannot be read; `None` when none is
/// chosen.
pub async fn chosen_file(
    input: &web_sys::HtmlInputElement,
) -> Option<Result<(String, Vec<u8>), String>> {
    let file = input.files()?.get(0)?;
    let name = file.name();
    if file.size() > MAX_FILE_BYTES {
        return Some(Err(format!(
            "{name} is {} bytes, more than a practice record can be ({MAX_FILE_BYTES} bytes)",
            file.size()
        )));
    }
    let read = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
    Some(
        read.map(|buffer| (name.clone(), js_sys::Uint8Array::new(&buffer).to_vec()))
            .map_err(|e| {
                format!(
                    "{name} could not be read: {}",
                    super::page::js_error_text(&e)
                )
            }),
    )
}
