//! Fetching a procedure pack (F18). Reads the body as a stream and stops at the size limit, so an
//! oversized or endless response cannot stall the handler's browser; the bytes then go to the
//! engine, which decides whether they are a pack. The same limited read fetches the deployment
//! settings (`host::deployment`).

use std::sync::Arc;

use incident_engine::{parse_pack, Pack, PackLoadError, MAX_PACK_BYTES};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, Response};

use super::page::{js_error_text, measured, PACK_PARSE_MEASURE};

/// Fetches the pack at `url` (relative to the page) and reads it: the checked pack, and the bytes it
/// was read from (the procedures' own wasm reads them again when a handler browses them,
/// `host::procedures`).
pub async fn fetch_pack(url: &str) -> Result<(Pack, Arc<[u8]>), PackLoadError> {
    let bytes = fetch_bytes(url, None, MAX_PACK_BYTES)
        .await
        .map_err(|error| match error {
            FetchError::Unreachable { detail } => PackLoadError::Unreachable { detail },
            FetchError::NotFound { status } => PackLoadError::NotFound { status },
            FetchError::Http { status } => PackLoadError::Http { status },
            FetchError::TooLarge { bytes, limit } => PackLoadError::TooLarge { bytes, limit },
        })?;
    let pack = measured(PACK_PARSE_MEASURE, || parse_pack(&bytes))?;
    Ok((pack, bytes.into()))
}

/// Why [`fetch_bytes`] did not give a whole body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FetchError {
    /// No answer (offline, refused by the page's policy or by CORS); the browser's words.
    Unreachable {
        /// What the browser said.
        detail: String,
    },
    /// 404 or 410.
    NotFound {
        /// The HTTP status.
        status: u16,
    },
    /// Any other status that is not a success.
    Http {
        /// The HTTP status.
        status: u16,
    },
    /// Over the limit (declared, or counted while reading).
    TooLarge {
        /// The bytes declared or read so far.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
}

fn unreachable(error: &JsValue) -> FetchError {
    FetchError::Unreachable {
        detail: js_error_text(error),
    }
}

/// The body at `url` (fetched with `init` when given), refused once it passes `limit` bytes.
pub(crate) async fn fetch_bytes(
    url: &str,
    init: Option<&web_sys::RequestInit>,
    limit: usize,
) -> Result<Vec<u8>, FetchError> {
    let window = web_sys::window().ok_or(FetchError::Unreachable {
        detail: "no browser window".to_owned(),
    })?;
    let request = match init {
        Some(init) => window.fetch_with_str_and_init(url, init),
        None => window.fetch_with_str(url),
    };
    let response: Response = JsFuture::from(request)
        .await
        .map_err(|e| unreachable(&e))?
        .dyn_into()
        .map_err(|e| unreachable(&e))?;
    match response.status() {
        404 | 410 => {
            return Err(FetchError::NotFound {
                status: response.status(),
            })
        }
        status if !response.ok() => return Err(FetchError::Http { status }),
        _ => {}
    }
    let declared = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<usize>().ok());
    if let Some(bytes) = declared.filter(|&n| n > limit) {
        return Err(FetchError::TooLarge { bytes, limit });
    }
    let Some(body) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: ReadableStreamDefaultReader =
        body.get_reader().dyn_into().map_err(|e| unreachable(&e))?;
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0));
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| unreachable(&e))?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(bytes);
        }
        let value =
            Reflect::get(&chunk, &JsValue::from_str("value")).map_err(|e| unreachable(&e))?;
        let Some(array) = value.dyn_ref::<Uint8Array>() else {
            continue;
        };
        let length = array.length() as usize;
        if bytes.len() + length > limit {
            let _ = reader.cancel();
            return Err(FetchError::TooLarge {
                bytes: bytes.len() + length,
                limit,
            });
        }
        let start = bytes.len();
        bytes.resize(start + length, 0);
        array.copy_to(&mut bytes[start..]);
    }
}
