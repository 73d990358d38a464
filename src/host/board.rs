//! The supervisor's board in this browser (issue 17, standalone: no host CRM): the engine's
//! `incident::Board` kept as JSON under one key of the widget's store (IndexedDB,
//! `console:board`), so incidents survive a reload and are shared by every tab of this browser
//! (a small centre on one machine: a handler's tab and a supervisor's). Every change is read,
//! made and written under one Web Lock, then announced on a BroadcastChannel so the other tabs
//! read the board again. A board that cannot be read is never written over: the change is
//! refused with what is wrong.

use incident_engine::incident::{Board, BoardCommand, HandOver};
use incident_engine::Pack;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::clock::now_ms;
use super::locks;
use super::store::{self, Change};

/// The key the board is kept under.
pub const BOARD_KEY: &str = "console:board";
/// The Web Lock every change is made under.
const LOCK: &str = "incident-desk:board";
/// The channel changes are announced on.
const CHANNEL: &str = "incident-desk:board";

/// What the keys of calls handed over start with: each a closed call's `incident::Opening`,
/// written by the call screen with its entry (standalone), taken into the board by the console.
pub const INBOX_PREFIX: &str = "console:inbox:";

/// The key a call closed at `at` in the widget with draft key `draft_key` is handed over under.
pub fn inbox_key(at: u64, draft_key: &str) -> String {
    format!("{INBOX_PREFIX}{at}:{draft_key}")
}

/// Tells every tab of this browser that the board (or what is handed to it) has changed.
pub fn announce() {
    if let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) {
        let _ = channel.post_message(&wasm_bindgen::JsValue::from_str("changed"));
        channel.close();
    }
}

/// Takes the calls handed over into the board, under the lock: each is opened as an incident or
/// linked to the one it is about (`BoardCommand::FromCall`), and removed in the same write as the
/// board. Gives the board as kept when any was taken, and why any could not be (left where they
/// are, to be taken once they can: nothing is lost).
pub async fn take_handed_over(
    pack: std::sync::Arc<Pack>,
    by: String,
) -> Result<(Option<Board>, Vec<String>), String> {
    let result = locks::holding(LOCK, async move {
        let store = store::shared().await.map_err(|e| e.to_string())?;
        let keys: Vec<String> = store
            .keys()
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|k| k.starts_with(INBOX_PREFIX))
            .collect();
        if keys.is_empty() {
            return Ok((None, Vec::new()));
        }
        let mut board = load().await?;
        let mut changes = Vec::new();
        let mut problems = Vec::new();
        for key in keys {
            let Some(text) = store.get(&key).await.map_err(|e| e.to_string())? else {
                continue;
            };
            let taken = HandOver::read(text.as_bytes()).and_then(|hand| {
                board
                    .apply(&pack, now_ms(), &by, BoardCommand::HandedOver(hand))
                    .map_err(|r| r.to_string())
            });
            match taken {
                Ok(_) => changes.push(Change::Delete(key)),
                Err(why) => problems.push(format!(
                    "A call handed over could not be opened as an incident ({why}); it is kept."
                )),
            }
        }
        if changes.is_empty() {
            return Ok((None, problems));
        }
        changes.push(Change::Put {
            key: BOARD_KEY.to_owned(),
            value: board.to_json(),
        });
        store.write(&changes).await.map_err(|e| e.to_string())?;
        Ok((Some(board), problems))
    })
    .await
    .unwrap_or_else(|| {
        Err("the browser refused to let this page change the incidents (Web Locks)".to_owned())
    });
    if matches!(result, Ok((Some(_), _))) {
        announce();
    }
    result
}

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

/// Signing out on a shared PC (the host's `teardown`): every incident, unit status and
/// deviation in the procedure check goes from this browser (the CRM sends them again to whoever
/// signs in next); the events the host has not yet said it stored stay (nothing is dropped), and
/// are counted. Returns the board as it is left and that count.
pub async fn sign_out() -> Result<(Board, usize), String> {
    update(|b| {
        b.incidents.clear();
        b.statuses.clear();
        b.reviews.clear();
        Ok(b.outbox.len())
    })
    .await
}

/// Reads the board, makes `change` to it and keeps it, all under the lock, then tells the other
/// tabs; gives the board as kept and what `change` said. Nothing is written when the board cannot
/// be read or `change` refuses (its words).
pub async fn update<T: 'static>(
    change: impl FnOnce(&mut Board) -> Result<T, String> + 'static,
) -> Result<(Board, T), String> {
    // What the change gives comes back through this slot, so the read-change-write under the
    // lock is compiled once, not once per caller's closure (issue 14, size).
    let slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let filled = slot.clone();
    let board = change_kept(Box::new(move |b| {
        filled.set(Some(change(b)?));
        Ok(())
    }))
    .await?;
    let said = slot
        .take()
        .ok_or_else(|| "the change to the incidents did not run".to_owned())?;
    Ok((board, said))
}

/// A change to make to the board, once.
type ChangeOnce = Box<dyn FnOnce(&mut Board) -> Result<(), String>>;

/// [`update`]'s work: the board read, changed and written under the lock, then announced.
async fn change_kept(change: ChangeOnce) -> Result<Board, String> {
    let result = locks::holding(LOCK, async move {
        let mut board = load().await?;
        change(&mut board)?;
        let value = board.to_json();
        let store = store::shared().await.map_err(|e| e.to_string())?;
        store
            .write(&[Change::Put {
                key: BOARD_KEY.to_owned(),
                value,
            }])
            .await
            .map_err(|e| e.to_string())?;
        Ok(board)
    })
    .await
    .unwrap_or_else(|| {
        Err("the browser refused to let this page change the incidents (Web Locks)".to_owned())
    });
    if result.is_ok() {
        announce();
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
