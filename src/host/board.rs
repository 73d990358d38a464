//! The supervisor's board in this browser (issue 17, standalone: no host CRM): the engine's
//! `incident::Board` kept as JSON under one key of the widget's store (IndexedDB,
//! `console:board`), so incidents survive a reload and are shared by every tab of this browser
//! (a small centre on one machine: a handler's tab and a supervisor's). Every change is read,
//! made and written under one Web Lock, then announced on a BroadcastChannel so the other tabs
//! read the board again. A board that cannot be read is never written over: the change is
//! refused with what is wrong.

use incident_engine::incident::Board;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::locks;
use super::store::{self, Change};

/// The key the board is kept under.
pub const BOARD_KEY: &str = "console:board";
/// The Web Lock every change is made under.
const LOCK: &str = "incident-desk:board";
/// The channel changes are announced on.
const CHANNEL: &str = "incident-desk:board";

/// The board kept in this browser (an empty one if there is none yet).
pub async fn load() -> Result<Board, String> {
    let store = store::shared().await.map_err(|e| e.to_string())?;
    match store.get(BOARD_KEY).await.map_err(|e| e.to_string())? {
        None => Ok(Board::default()),
        Some(text) => Board::read(text.as_bytes()).map_err(|e| {
            format!(
                "the incidents kept in this browser cannot be read, {e}; nothing has been changed"
            )
        }),
    }
}

/// Reads the board, makes `change` to it and keeps it, all under the lock, then tells the other
/// tabs; gives the board as kept and what `change` said. Nothing is written when the board cannot
/// be read or `change` refuses (its words).
pub async fn update<T: 'static>(
    change: impl FnOnce(&mut Board) -> Result<T, String> + 'static,
) -> Result<(Board, T), String> {
    let result = locks::holding(LOCK, async move {
        let mut board = load().await?;
        let said = change(&mut board)?;
        let value = board.to_json();
        let store = store::shared().await.map_err(|e| e.to_string())?;
        store
            .write(&[Change::Put {
                key: BOARD_KEY.to_owned(),
                value,
            }])
            .await
            .map_err(|e| e.to_string())?;
        Ok((board, said))
    })
    .await
    .unwrap_or_else(|| {
        Err("the browser refused to let this page change the incidents (Web Locks)".to_owned())
    });
    if result.is_ok() {
        if let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) {
            let _ = channel.post_message(&wasm_bindgen::JsValue::from_str("changed"));
            channel.close();
        }
    }
    result
}

/// Calls `then` whenever another tab of this browser changes the board. Dropping the returned
/// listener stops it.
pub fn on_change(then: impl Fn() + 'static) -> Option<BoardListener> {
    let channel = web_sys::BroadcastChannel::new(CHANNEL).ok()?;
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| then());
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Some(BoardListener {
        channel,
        _on_message: on_message,
    })
}

/// A listener from [`on_change`]; closes its channel when dropped.
pub struct BoardListener {
    channel: web_sys::BroadcastChannel,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
}

impl Drop for BoardListener {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
