//! Fetching a procedure pack (F18). Reads the body as a stream and stops at the size limit, so an
//! oversized or endless response cannot stall the handler's browser; the bytes then go to the
//! engine, which decides whether they are a pack.

use incident_engine::{parse_pack, Pack, PackLoadError, MAX_PACK_BYTES};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, Response};

use super::page::{js_error_text, measured, PACK_PARSE_MEASURE};

/// Fetches the pack at `url` (relative to the page) and reads it.
pub async fn fetch_pack(url: &str) -> Result<Pack, PackLoadError> {
    let bytes = fetch_bytes(url, MAX_PACK_BYTES).await?;
    measured(PACK_PARSE_MEASURE, || parse_pack(&bytes))
}

fn unreachable(error: &JsValue) -> PackLoadError {
    PackLoadError::Unreachable {
        detail: js_error_text(error),
    }
}

/// The body at `url`, refused once it passes `limit` bytes.
async fn fetch_bytes(url: &str, limit: usize) -> Result<Vec<u8>, PackLoadError> {
    let window = web_sys::window().ok_or(PackLoadError::Unreachable {
        detail: "no browser window".to_owned(),
    })?;
    let response: Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| unreachable(&e))?
        .dyn_into()
        .map_err(|e| unreachable(&e))?;
    match response.status() {
        404 | 410 => {
            return Err(PackLoadError::NotFound {
                status: response.status(),
            })
        }
        status if !response.ok() => return Err(PackLoadError::Http { status }),
        _ => {}
    }
    let declared = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<usize>().ok());
    if let Some(bytes) = declared.filter(|&n| n > limit) {
        return Err(PackLoadError::TooLarge { bytes, limit });
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
            return Err(PackLoadError::TooLarge {
                bytes: bytes.len() + length,
                limit,
            });
        }
        let start = bytes.len();
        bytes.resize(start + length, 0);
        array.copy_to(&mut bytes[start..]);
    }
}
