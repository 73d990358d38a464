//! The organisation's deployment settings in the browser (F17, F21; issue 12, "the deployment,
//! not the page, decides where entries may go"): `deployment.json`, served with the build, read
//! once per page and checked by the engine ([`incident_engine::protocol::deployment::Deployment`]). It says
//! which host pages may talk to the widget (`host::bridge`) and which endpoints entries may be
//! delivered to.
//!
//! Where the file is: on the widget's own page, `deployment.json` beside the document; in a host's
//! page (`element.js`), beside `element.js`, which passes its address to `mount_widget`
//! ([`set_url`]). It is fetched without the cache (a replaced file counts at the next load), with
//! same-origin credentials, and read only up to the engine's size limit.
//!
//! It is waited for at most [`TIMEOUT_MS`]: a file that has not arrived by then (a server or
//! proxy that never answers) is given up on, the fetch aborted, and the settings taken as
//! unusable, so a `configure` naming an endpoint is answered (refused) rather than left waiting.
//!
//! When it cannot be used (missing, unreachable, too slow, too large, not the settings), nothing is
//! allowed: no host gets a handshake and no endpoint is used. The widget's own page then carries
//! `data-incident-desk-deployment="error"` on `<html>` (`"loaded"` when the settings are in
//! force), for the host and the tests to see; the reason is [`loaded`]'s `Err`. Nothing is written
//! to the console.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use incident_engine::protocol::deployment::{Deployment, MAX_DEPLOYMENT_BYTES};

use leptos::prelude::set_timeout_with_handle;

use super::pack_source::{fetch_bytes, FetchError};
use super::page;

/// The file's address on the widget's own page, relative to the document.
pub const DEFAULT_URL: &str = "deployment.json";

/// The attribute on the widget page's `<html>` saying whether the settings are in force.
pub const DEPLOYMENT_ATTRIBUTE: &str = "data-incident-desk-deployment";

/// How long the file is waited for, in milliseconds (the whole of it, answer and body): a few
/// seconds, longer than a served file takes on a slow line, short enough that the host's
/// `configure` is answered while the handler is still signing in (docs/embedding.md).
pub const TIMEOUT_MS: u64 = 5_000;

/// What [`loaded`] gives every caller.
type Loaded = Result<Rc<Deployment>, String>;

/// The page's one read of the file.
enum State {
    /// Not asked for yet; the address to fetch when it is.
    Idle(String),
    /// Being fetched; the callers waiting.
    Loading(Vec<Waker>),
    /// Read, or failed: the same answer for everyone from now on.
    Done(Loaded),
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::Idle(DEFAULT_URL.to_owned()));
}

/// Sets where the file is (element mode: beside `element.js`). Only before the first read: once
/// the settings are being read, the page keeps what it read.
pub fn set_url(url: String) {
    STATE.with(|state| {
        let mut state = state.borrow_mut();
        if matches!(*state, State::Idle(_)) {
            *state = State::Idle(url);
        }
    });
}

/// The deployment settings, once read: `None` until then, and when they could not be used.
pub fn current() -> Option<Rc<Deployment>> {
    STATE.with(|state| match &*state.borrow() {
        State::Done(Ok(deployment)) => Some(deployment.clone()),
        _ => None,
    })
}

/// The deployment settings, read once per page (the first caller starts the read; every caller
/// gets the same answer). `Err` says what is wrong and where, in the engine's words with the
/// file's address.
pub async fn loaded() -> Loaded {
    WhenLoaded.await
}

/// Starts reading the settings now, so they are in force (and the page says whether) before the
/// first caller needs them.
pub fn preload() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = loaded().await;
    });
}

/// The future of [`loaded`]: ready once the state is `Done`.
struct WhenLoaded;

impl Future for WhenLoaded {
    type Output = Loaded;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Loaded> {
        let start = STATE.with(|state| {
            let mut state = state.borrow_mut();
            match &mut *state {
                State::Done(answer) => Err(answer.clone()),
                State::Loading(waiting) => {
                    waiting.push(context.waker().clone());
                    Ok(None)
                }
                State::Idle(url) => {
                    let url = std::mem::take(url);
                    *state = State::Loading(vec![context.waker().clone()]);
                    Ok(Some(url))
                }
            }
        });
        match start {
            Err(answer) => Poll::Ready(answer),
            Ok(None) => Poll::Pending,
            Ok(Some(url)) => {
                wasm_bindgen_futures::spawn_local(async move {
                    let answer = read(&url).await.map(Rc::new);
                    mark(answer.is_ok());
                    let waiting = STATE.with(|state| {
                        match std::mem::replace(&mut *state.borrow_mut(), State::Done(answer)) {
                            State::Loading(waiting) => waiting,
                            _ => Vec::new(),
                        }
                    });
                    waiting.into_iter().for_each(Waker::wake);
                });
                Poll::Pending
            }
        }
    }
}

/// Fetches and checks the file at `url`: the settings, or what is wrong and where. Each call
/// fetches afresh (the page's one read is [`loaded`]), and gives up after [`TIMEOUT_MS`].
pub async fn read(url: &str) -> Result<Deployment, String> {
    let init = web_sys::RequestInit::new();
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_cache(web_sys::RequestCache::NoStore);
    let abort = web_sys::AbortController::new().ok();
    if let Some(abort) = &abort {
        init.set_signal(Some(&abort.signal()));
    }
    // Only fails without a window, where the fetch fails too.
    let timer = abort.clone().and_then(|abort| {
        set_timeout_with_handle(
            move || abort.abort(),
            std::time::Duration::from_millis(TIMEOUT_MS),
        )
        .ok()
    });
    let fetched = fetch_bytes(url, Some(&init), MAX_DEPLOYMENT_BYTES).await;
    if let Some(timer) = timer {
        timer.clear();
    }
    let timed_out = abort.is_some_and(|abort| abort.signal().aborted());
    let bytes = fetched.map_err(|error| match error {
        _ if timed_out => format!(
            "deployment.json did not arrive from {url} within {} seconds",
            TIMEOUT_MS / 1000
        ),
        FetchError::Unreachable { detail } => {
            format!("deployment.json could not be fetched from {url}: {detail}")
        }
        FetchError::NotFound { status } => format!(
            "deployment.json was not found at {url} (HTTP {status}): the server must serve \
                 the organisation's deployment settings there"
        ),
        FetchError::Http { status } => {
            format!("deployment.json could not be fetched from {url}: HTTP {status}")
        }
        FetchError::TooLarge { bytes, limit } => format!(
            "deployment.json at {url} is too large: {} is over the limit of {}",
            incident_engine::human_bytes(bytes),
            incident_engine::human_bytes(limit)
        ),
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("deployment.json at {url} is not UTF-8 text"))?;
    Deployment::parse(&text).map_err(|error| format!("{error} ({url})"))
}

/// Says on the widget's own page whether the settings are in force (never on a host's page, whose
/// root element is not the widget's).
fn mark(in_force: bool) {
    if !page::is_widget_page() {
        return;
    }
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let value = if in_force { "loaded" } else { "error" };
        let _ = root.set_attribute(DEPLOYMENT_ATTRIBUTE, value);
    }
}
