//! A trainee's practice record in this browser (issue 16; F19): the engine's evidence file
//! (`practice::evidence`, `incident-desk-evidence/1`) kept under one key of the widget's store
//! (IndexedDB, `practice:evidence`), apart from live calls' drafts and outbox. Read back with the
//! engine's reader, so a damaged record says what is wrong and where, and is never overwritten
//! until the trainee has been told.

use incident_engine::practice::evidence::{read_evidence, EvidenceFile};

use super::store::{self, Change, StoreError};

/// The key the record is kept under.
pub const EVIDENCE_KEY: &str = "practice:evidence";

/// The record kept in this browser, or `None` if there is none yet.
pub async fn load() -> Result<Option<EvidenceFile>, String> {
    let store = store::shared().await.map_err(|e| e.to_string())?;
    match store.get(EVIDENCE_KEY).await.map_err(|e| e.to_string())? {
        None => Ok(None),
        Some(text) => read_evidence(text.as_bytes())
            .map(Some)
            .map_err(|e| format!("the practice record kept in this browser cannot be read: {e}")),
    }
}

/// Keeps `record`, replacing the one kept before.
pub async fn save(record: &EvidenceFile) -> Result<(), StoreError> {
    let store = store::shared().await?;
    store
        .write(&[Change::Put {
            key: EVIDENCE_KEY.to_owned(),
            value: record.to_json(),
        }])
        .await
}
