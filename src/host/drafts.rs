//! The call in progress, kept in IndexedDB so a reload or a crashed tab loses nothing (F17, F21;
//! L2 1.3). The engine makes and checks the draft (`Call::to_draft`, `Call::from_draft`); this
//! module decides when to write it: at most 300 ms after a change (debounced), at once when the
//! page is hidden or about to go, and never after the call has closed. Draft text is never
//! logged: it holds personal data.
//!
//! Each widget instance keeps its draft under its own key, and so does each tab ([`draft_key`]):
//! `draft@<tab>` on the widget's own page (standalone or in an iframe), `draft:<instance>@<tab>`
//! for a widget mounted in a host's page. Two widgets on one page, or the same CRM page open in
//! two tabs, never resume or overwrite each other's call.
//!
//! A tab's id is kept in its session storage, so a reload finds the tab's draft at once. The tab
//! holds the Web Lock `incident-desk:tab:<tab>` while it lives ([`claim`]); a tab opened after
//! another closed (or crashed) takes over the call the closed tab left ("adopts" it: the newest
//! draft whose tab holds no lock, moved under the new tab's key in one transaction, under the lock
//! `incident-desk:drafts`, so two new tabs never take the same call). A duplicated tab copies its
//! session storage: it finds its id held by the original and takes a new one. Drafts saved
//! before tabs had ids (`draft`, `draft:<instance>`) are adopted like a closed tab's.

use std::cell::RefCell;
use std::rc::Rc;

use incident_engine::kernel::Random;
use leptos::prelude::{set_timeout_with_handle, TimeoutHandle};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::bridge::BrowserRandom;
use super::locks;
use super::store::{Change, StoreError};

/// What every draft key starts with.
pub const DRAFT_KEY: &str = "draft";

/// Where a tab keeps its id (session storage: per tab, kept across reloads).
const TAB_ID_KEY: &str = "incident-desk:tab";

thread_local! {
    /// This tab's id, once read or made.
    static TAB: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The tab's claim on its id, started once, awaited by every widget in the tab.
    static CLAIM: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// This tab's id: from its session storage, else made now (and kept there).
pub fn tab() -> String {
    if let Some(id) = TAB.with(|t| t.borrow().clone()) {
        return id;
    }
    let session = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
    let kept = session
        .as_ref()
        .and_then(|s| s.get_item(TAB_ID_KEY).ok().flatten())
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()));
    let id = kept.unwrap_or_else(new_tab);
    TAB.with(|t| *t.borrow_mut() = Some(id.clone()));
    id
}

/// A new id for this tab, kept in its session storage.
fn new_tab() -> String {
    let id = format!("{:016x}", BrowserRandom.next_u64());
    if let Some(session) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = session.set_item(TAB_ID_KEY, &id);
    }
    TAB.with(|t| *t.borrow_mut() = Some(id.clone()));
    id
}

/// The key shared by the drafts of one widget instance in every tab: [`DRAFT_KEY`] on the widget's
/// own page (`None`), `draft:<instance>` for a named instance in a host's page.
fn instance_key(instance: Option<&str>) -> String {
    match instance {
        None => DRAFT_KEY.to_owned(),
        Some(name) => format!("{DRAFT_KEY}:{name}"),
    }
}

/// The key a widget instance keeps its draft under in this tab.
pub fn draft_key(instance: Option<&str>) -> String {
    format!("{}@{}", instance_key(instance), tab())
}

fn tab_lock(tab: &str) -> String {
    format!("incident-desk:tab:{tab}")
}

/// Makes this tab's drafts its own for as long as it lives, and, if it has no draft for this
/// instance, gives it the newest one a closed tab left. Call before loading the draft.
pub async fn claim(instance: Option<&str>) -> Result<(), StoreError> {
    let claim = CLAIM.with(|c| {
        c.borrow_mut()
            .get_or_insert_with(|| {
                wasm_bindgen_futures::future_to_promise(async {
                    hold_tab().await;
                    Ok(wasm_bindgen::JsValue::UNDEFINED)
                })
            })
            .clone()
    });
    let _ = wasm_bindgen_futures::JsFuture::from(claim).await;
    adopt(instance).await
}

/// Takes the lock of this tab's id. If another live tab holds it for more than a moment (a reload
/// lets go of it within milliseconds; a duplicated tab never does), this tab takes a new id.
async fn hold_tab() {
    const TRIES: u32 = 20;
    for _ in 0..TRIES {
        match locks::hold_for_life_if_free(&tab_lock(&tab())).await {
            Some(false) => sleep_ms(100).await,
            // Held now, or no Web Locks (then every tab keeps the id it has).
            Some(true) | None => return,
        }
    }
    let id = new_tab();
    let _ = locks::hold_for_life_if_free(&tab_lock(&id)).await;
}

pub(crate) async fn sleep_ms(ms: i32) {
    let slept = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(slept).await;
}

/// If this tab has no draft for `instance`, moves the newest draft of a tab that is gone to this
/// tab's key. Without Web Locks no tab can tell which others are alive, and the newest draft of
/// another tab is taken, as a single shared draft was before tabs had ids.
async fn adopt(instance: Option<&str>) -> Result<(), StoreError> {
    let own = draft_key(instance);
    if store().await?.get(&own).await?.is_some() {
        return Ok(());
    }
    let shared = instance_key(instance);
    let work = async move {
        let live = locks::held().await;
        let store = store().await?;
        let mut newest: Option<(u64, String, String)> = None;
        for key in store.keys().await? {
            let tab = match key.strip_prefix(shared.as_str()) {
                Some("") => None,
                Some(rest) => match rest.strip_prefix('@') {
                    Some(tab) => Some(tab),
                    None => continue,
                },
                None => continue,
            };
            let alive = tab.is_some_and(|tab| {
                tab == self::tab()
                    || live
                        .as_ref()
                        .is_some_and(|held| held.contains(&tab_lock(tab)))
            });
            if alive {
                continue;
            }
            let Some(text) = store.get(&key).await? else {
                continue;
            };
            let changed = incident_engine::call::draft::last_change(&text).unwrap_or(0);
            if newest.as_ref().is_none_or(|(at, ..)| changed > *at) {
                newest = Some((changed, key, text));
            }
        }
        if let Some((_, key, text)) = newest {
            store
                .write(&[
                    Change::Put {
                        key: own,
                        value: text,
                    },
                    Change::Delete(key),
                ])
                .await?;
        }
        Ok(())
    };
    locks::holding(DRAFTS_LOCK, work)
        .await
        .unwrap_or_else(|| Err(StoreError("the browser refused the drafts lock".into())))
}

/// How long after a change the draft is written, at most.
const DEBOUNCE_MS: u64 = 300;

thread_local! {
    /// Per widget instance ([`instance_key`]), bumped by [`silence_savers`]: a saver of that
    /// instance made before writes nothing more. Another widget on the page keeps saving.
    static GENERATIONS: RefCell<incident_engine::kernel::SortedMap<String, u64>> =
        const { RefCell::new(incident_engine::kernel::SortedMap::new()) };
}

fn generation(instance_key: &str) -> u64 {
    GENERATIONS.with(|g| g.borrow().get(instance_key).copied().unwrap_or(0))
}

/// Stops every saver of this widget instance that exists now from writing again (teardown: the
/// call on screen must not come back into storage when its screen goes or the page is hidden).
/// Savers made afterwards (the next handler's calls) save as usual.
pub fn silence_savers(instance: Option<&str>) {
    let key = instance_key(instance);
    GENERATIONS.with(|g| {
        let mut all = g.borrow_mut();
        let next = all.get(&key).copied().unwrap_or(0).wrapping_add(1);
        all.insert(key, next);
    });
}

/// The channel on which a tab tells the others that a widget instance was torn down.
const TEARDOWN_CHANNEL: &str = "incident-desk:teardown";

/// Where a teardown is, as told to the other tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeardownPhase {
    /// Begun: stop saving the call on screen (it is about to be erased).
    Started,
    /// Erased: start the screen again (nothing is left to resume).
    Done,
}

impl TeardownPhase {
    fn word(self) -> &'static str {
        match self {
            TeardownPhase::Started => "started",
            TeardownPhase::Done => "done",
        }
    }
}

/// Tells every other tab of this origin where the teardown of `instance` is
/// ([`on_teardown_elsewhere`]). The message names the phase, the instance and this tab, and
/// nothing of the call.
pub fn announce_teardown(instance: Option<&str>, phase: TeardownPhase) {
    if let Ok(channel) = web_sys::BroadcastChannel::new(TEARDOWN_CHANNEL) {
        let message = format!("{} {} {}", phase.word(), instance_key(instance), tab());
        let _ = channel.post_message(&wasm_bindgen::JsValue::from_str(&message));
        channel.close();
    }
}

/// Listens for another tab's teardown of `instance`: when it begins, this tab's savers of that
/// instance are silenced (they never write the previous handler's call back); once it is done
/// (erased), `then` runs, so the screen starts again with nothing to resume. This tab's own
/// teardowns are its own widget's business and are ignored here. Dropping the returned listener
/// stops it.
pub fn on_teardown_elsewhere(
    instance: Option<&str>,
    then: impl Fn() + 'static,
) -> Option<TeardownListener> {
    let channel = web_sys::BroadcastChannel::new(TEARDOWN_CHANNEL).ok()?;
    let (mine, name) = (instance_key(instance), instance.map(str::to_owned));
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let mut words = text.split(' ');
            let (Some(phase), Some(key), Some(from)) = (words.next(), words.next(), words.next())
            else {
                return;
            };
            if key != mine || from == tab() {
                return;
            }
            if phase == TeardownPhase::Started.word() {
                silence_savers(name.as_deref());
            } else if phase == TeardownPhase::Done.word() {
                silence_savers(name.as_deref());
                then();
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Some(TeardownListener {
        channel,
        _on_message: on_message,
    })
}

/// A listener from [`on_teardown_elsewhere`]; closes its channel when dropped.
pub struct TeardownListener {
    channel: web_sys::BroadcastChannel,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
}

impl Drop for TeardownListener {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

/// Whether `key` is a draft of `instance` in any tab (or from before tabs had ids).
pub fn is_draft_of(key: &str, instance: Option<&str>) -> bool {
    let shared = instance_key(instance);
    key.strip_prefix(shared.as_str())
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('@'))
}

/// The drafts lock's name: held while drafts are adopted or erased, so a tab never adopts a
/// draft a teardown is erasing.
pub const DRAFTS_LOCK: &str = "incident-desk:drafts";

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
    /// Its instance's shared key ([`instance_key`]), whose generation it checks.
    instance_key: String,
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
        if generation(&self.instance_key) != self.generation {
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
        // `draft:<instance>@<tab>` or `draft@<tab>`: the instance's key is before the tab.
        let instance_key = key
            .rsplit_once('@')
            .map_or_else(|| key.clone(), |(shared, _)| shared.to_owned());
        let inner = Rc::new(Inner {
            generation: generation(&instance_key),
            instance_key,
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
