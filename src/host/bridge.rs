//! The link to the host page around the widget (F17; issue 5): the only code that talks to it.
//!
//! - Same document: each completed entry is also a DOM `CustomEvent` named
//!   [`ENTRY_COMPLETED_EVENT`] on the document, bubbling and composed, whose `detail` is the entry
//!   ([`document_entry_event`]).
//!   Delivery itself (the outbox, `entry.completed` until acknowledged) is `host::delivery`'s.
//! - In an iframe: the host message protocol (`incident_engine::protocol`). The allowed host
//!   origins are the organisation's deployment settings (`hosts` in deployment.json, read by
//!   `host::deployment`: exact `scheme://host:port`, never a wildcard). Nothing is said or heard
//!   until they are read; then the widget says `hello` only to its parent, and only when the
//!   parent's origin is on that list, with that exact origin as the target; if the origin is not
//!   on it, or the settings cannot be used, the link stays closed for the page's life; it accepts `welcome` only from that origin and
//!   from the parent window itself; then all traffic moves to a `MessageChannel` port, handed over
//!   with `ready`. The engine checks every message (envelope, session, sequence, payload) and
//!   refuses what does not fit; a refusal is answered with an `error` event and counted on the
//!   root element (`data-incident-desk-refused`) for the host's and the tests' eyes. Messages from
//!   another origin or window are never acted on.
//!
//! The link is one widget instance's ([`FrameLink`], returned by [`start`] at once and held by
//! `host::instance`; events sent before the handshake wait for the port), not the page's: a widget mounted in a host's own page
//! (`host::element`) never starts one. Each command reaches the app with a [`FrameReply`] holding
//! its message id, so what the app says about it later (a refusal after the fact, the end of a
//! teardown or its failure) is correlated to it. The widget's height is watched by one
//! `ResizeObserver` at a time, made when a session's port opens and stopped when the session
//! ends, so each change is one `resize`.
//!
//! Entries and messages hold personal data, so nothing here writes them to the console.

use std::cell::RefCell;
use std::rc::Rc;

use incident_engine::kernel::{Random, SplitMix64};
use incident_engine::protocol::{
    HostCommand, HostEvent, HostSession, InstanceId, MessageId, Origin, Outbound, PayloadRoot,
    Rejection,
};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The DOM event that carries a completed entry.
pub const ENTRY_COMPLETED_EVENT: &str = "incident-desk:entry.completed";

/// The widget's version, in `hello`.
const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// How many times `hello` is repeated, a second apart, while no `welcome` has come.
const HELLO_ATTEMPTS: u32 = 30;

/// Random numbers from the browser's cryptographic source, for session ids and keys.
pub struct BrowserRandom;

impl Random for BrowserRandom {
    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
            .is_some();
        if filled {
            u64::from_le_bytes(bytes)
        } else {
            // No crypto (never in a supported browser): the clock and Math.random, mixed.
            SplitMix64::new(js_sys::Date::now().to_bits() ^ js_sys::Math::random().to_bits())
                .next_u64()
        }
    }
}

/// The link's state, shared by its listeners.
struct Link {
    session: HostSession,
    host: Origin,
    port: Option<web_sys::MessagePort>,
    /// The parent's origin is not an allowed host, or the deployment settings cannot be used:
    /// nothing is said or heard, ever.
    closed: bool,
    /// Events waiting for the port (none once closed).
    queued: Vec<Outbound>,
    on_command: Rc<dyn Fn(HostCommand, FrameReply)>,
    /// What the app does when a session's port opens (the call screen: its outbox delivers).
    on_open: Rc<dyn Fn()>,
    /// The widget's height, watched while a session's port is open: one watcher at a time, so
    /// each change is told once whatever the number of sessions before.
    height: Option<HeightWatch>,
}

/// The host message protocol link of the widget in an iframe, from [`start`].
#[derive(Clone)]
pub struct FrameLink(Rc<RefCell<Link>>);

/// How the widget answers one command from the host, after the fact: each command comes with one
/// (to [`start`]'s `on_command`), holding the command's message id, so the answer is correlated
/// to it.
pub struct FrameReply {
    link: FrameLink,
    to: MessageId,
}

impl FrameReply {
    /// Where the command's payload was in its message: `$.payload`.
    pub fn payload_root(&self) -> PayloadRoot {
        PayloadRoot::Envelope
    }

    /// The command was refused after it was accepted (as a `configure` whose endpoint the
    /// deployment does not list): the `error` event, correlated to the command.
    pub fn refused(self, rejection: Rejection) {
        count_refusal(rejection.code());
        let rejection = Rejection {
            correlation: Some(self.to),
            ..rejection
        };
        self.link.post(|session| session.error_event(&rejection));
    }

    /// The teardown has erased what it erases: `teardown.done`, then a new session.
    pub fn torn_down(self, kept: usize) {
        self.link.send(HostEvent::teardown_done(kept));
        self.link.restart();
    }

    /// The teardown could not erase what it erases (`detail`: why): never `teardown.done`, but an
    /// `error` (`teardown_failed`) answering the teardown; the session is over all the same (the
    /// handler is signed out), so a new one starts.
    pub fn teardown_failed(self, detail: &str) {
        let to = self.to;
        self.link
            .post(|session| session.reply(HostEvent::teardown_failed(detail), &to));
        self.link.restart();
    }
}

/// A `ResizeObserver` on the widget's root element and its callback, stopped when dropped.
struct HeightWatch {
    observer: web_sys::ResizeObserver,
    _on_resize: Closure<dyn Fn()>,
}

impl Drop for HeightWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// The parent page's origin, as the browser reports it.
fn parent_origin(window: &web_sys::Window) -> Option<String> {
    // `location.ancestorOrigins` (Chromium, WebKit) names the parent's origin exactly; web-sys
    // does not expose it, so it is read by name.
    let nearest = js_sys::Reflect::get(&window.location(), &"ancestorOrigins".into())
        .ok()
        .filter(|list| !list.is_undefined())
        .and_then(|list| js_sys::Reflect::get(&list, &0.into()).ok())
        .and_then(|origin| origin.as_string());
    if nearest.is_some() {
        return nearest;
    }
    let referrer = window.document()?.referrer();
    web_sys::Url::new(&referrer).ok().map(|u| u.origin())
}

/// Counts a refused message on the root element, with why the last one was refused (a code; no
/// content of the message is kept).
fn count_refusal(why: &str) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        let count = root
            .get_attribute("data-incident-desk-refused")
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
        let _ = root.set_attribute("data-incident-desk-refused", &(count + 1).to_string());
        let _ = root.set_attribute("data-incident-desk-refused-why", why);
    }
}

fn post_to_port(port: &web_sys::MessagePort, message: &Outbound) {
    if let Ok(value) = js_sys::JSON::parse(&message.to_json()) {
        let _ = port.post_message(&value);
    }
}

/// Handles a message's data (already known to come from the right origin and window, or the
/// port): the engine accepts or refuses it.
fn receive(link: &Rc<RefCell<Link>>, data: &JsValue) {
    let text = js_sys::JSON::stringify(data)
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    let accepted = link.borrow_mut().session.accept(&text);
    match accepted {
        Ok(inbound) => match inbound.body {
            HostCommand::Welcome(_) => open_port(link),
            command => {
                // Not while borrowed: the handler may send to the host.
                let on_command = link.borrow().on_command.clone();
                let reply = FrameReply {
                    link: FrameLink(link.clone()),
                    to: inbound.id,
                };
                on_command(command, reply);
            }
        },
        Err(rejection) => {
            count_refusal(rejection.code());
            if rejection.is_foreign() {
                return;
            }
            let mut state = link.borrow_mut();
            let error = state.session.error_event(&rejection);
            if let Some(port) = &state.port {
                post_to_port(port, &error);
            } else {
                state.queued.push(error);
            }
        }
    }
}

/// After `welcome`: a MessageChannel, its second port handed to the host with `ready`.
fn open_port(link: &Rc<RefCell<Link>>) {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let port = channel.port1();
    let on_port = {
        let link = link.clone();
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            receive(&link, &event.data());
        })
    };
    port.set_onmessage(Some(on_port.as_ref().unchecked_ref()));
    on_port.forget();
    let mut state = link.borrow_mut();
    let ready = state.session.send(HostEvent::ready());
    let (Some(window), Ok(value)) = (web_sys::window(), js_sys::JSON::parse(&ready.to_json()))
    else {
        return;
    };
    let transfer = js_sys::Array::of1(&channel.port2());
    if let Ok(Some(parent)) = window.parent() {
        let _ = parent.post_message_with_transfer(&value, &state.host.to_string(), &transfer);
    }
    for queued in std::mem::take(&mut state.queued) {
        post_to_port(&port, &queued);
    }
    state.port = Some(port);
    let on_open = state.on_open.clone();
    drop(state);
    // The call screen's entries waiting are due now, and this tab offers to deliver them.
    on_open();
    watch_height(link);
}

/// Tells the host the widget's content height (`resize`) now and whenever it changes, so the host
/// can size the iframe to fit and the handler never scrolls inside a scrolling page. The watcher
/// replaces the last session's, if any ([`FrameLink::restart`] stops it too).
fn watch_height(link: &Rc<RefCell<Link>>) {
    link.borrow_mut().height = None;
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let last = Rc::new(std::cell::Cell::new(u32::MAX));
    let measured = root.clone();
    // Weak: the link holds the watcher, which must not keep the link alive.
    let weak = Rc::downgrade(link);
    let on_resize = Closure::<dyn Fn()>::new(move || {
        let height = u32::try_from(measured.scroll_height()).unwrap_or(0);
        if last.replace(height) != height {
            if let Some(link) = weak.upgrade() {
                FrameLink(link).send(HostEvent::resize(height));
            }
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(&root);
        link.borrow_mut().height = Some(HeightWatch {
            observer,
            _on_resize: on_resize,
        });
    }
}

/// Starts the link when the widget runs in an iframe: returns it at once, and says `hello` once
/// the deployment settings are read and allow the parent's origin (then waits for `welcome`).
/// Host commands go to `on_command`; `on_open` runs each time a session's port opens. Returns
/// `None` outside an iframe, or when the parent's origin cannot be known.
pub fn start(
    on_command: impl Fn(HostCommand, FrameReply) + 'static,
    on_open: impl Fn() + 'static,
) -> Option<FrameLink> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    if parent == window {
        return None;
    }
    let host = Origin::parse(&parent_origin(&window)?).ok()?;
    let mut random = BrowserRandom;
    let instance = InstanceId::new_v4(&mut random);
    let mut session = HostSession::new(instance, random.next_u64());
    // Made now, as the session's first message, though sent only once the host is allowed.
    let hello = session.hello(WIDGET_VERSION);
    let link = Rc::new(RefCell::new(Link {
        session,
        host: host.clone(),
        port: None,
        closed: false,
        queued: Vec::new(),
        on_command: Rc::new(on_command),
        on_open: Rc::new(on_open),
        height: None,
    }));
    let waiting = link.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match super::deployment::loaded().await {
            Ok(deployment) if deployment.allows_host(&host) => {
                handshake(&waiting, &window, parent, &hello);
            }
            // Not an allowed host, or no usable settings (the page says so: host::deployment).
            _ => {
                let mut state = waiting.borrow_mut();
                state.closed = true;
                state.queued.clear();
            }
        }
    });
    Some(FrameLink(link))
}

/// With the parent's origin allowed: listens to the parent, says `hello`, and repeats it until
/// `welcome`.
fn handshake(
    link: &Rc<RefCell<Link>>,
    window: &web_sys::Window,
    parent: web_sys::Window,
    hello: &Outbound,
) {
    let host = link.borrow().host.clone();
    // Before the port: only the parent, from the allowed origin, and only to say welcome.
    let on_window = {
        let link = link.clone();
        let (parent, host) = (parent.clone(), host.to_string());
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            // Compared as JS values (===): the parent's window is not an instance of this
            // frame's `Window`, so a checked cast would always fail.
            let from_parent = event
                .source()
                .is_some_and(|s| JsValue::from(s) == JsValue::from(&parent));
            let why = if !from_parent {
                "not_the_parent_window"
            } else if event.origin() != host {
                "not_the_host_origin"
            } else if link.borrow().port.is_some() {
                "not_on_the_port"
            } else {
                ""
            };
            if !why.is_empty() {
                count_refusal(why);
                return;
            }
            receive(&link, &event.data());
        })
    };
    let _ = window.add_event_listener_with_callback("message", on_window.as_ref().unchecked_ref());
    on_window.forget();
    say_hello(link, hello);
}

/// Says `hello` to the parent at the host's origin, and again every second until `welcome` opens
/// the port, for half a minute (the host's script may not be listening yet).
fn say_hello(link: &Rc<RefCell<Link>>, hello: &Outbound) {
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    if let Ok(value) = js_sys::JSON::parse(&hello.to_json()) {
        let _ = parent.post_message(&value, &link.borrow().host.to_string());
    }
    let again = link.clone();
    let attempts = Rc::new(std::cell::Cell::new(0u32));
    let repeat = Rc::new(RefCell::new(None::<leptos::prelude::IntervalHandle>));
    let stop = repeat.clone();
    let handle = leptos::prelude::set_interval_with_handle(
        move || {
            attempts.set(attempts.get() + 1);
            let open = again.borrow().port.is_some();
            if open || attempts.get() > HELLO_ATTEMPTS {
                if let Some(handle) = stop.borrow_mut().take() {
                    handle.clear();
                }
                return;
            }
            let mut state = again.borrow_mut();
            let hello = state.session.hello(WIDGET_VERSION);
            if let Ok(value) = js_sys::JSON::parse(&hello.to_json()) {
                let _ = parent.post_message(&value, &state.host.to_string());
            }
        },
        std::time::Duration::from_secs(1),
    )
    .ok();
    *repeat.borrow_mut() = handle;
}

impl FrameLink {
    /// After a teardown (and its `teardown.done`): the session is over. The port is closed, and a
    /// new session starts with a new `hello`, so the next handler's host configures the widget
    /// afresh and nothing of the last session's (agent, endpoint, token) carries over.
    pub fn restart(&self) {
        let hello = {
            let mut state = self.0.borrow_mut();
            if let Some(port) = state.port.take() {
                port.set_onmessage(None);
                port.close();
            }
            // No session, no watcher: the next one starts with the next port.
            state.height = None;
            if state.closed {
                return;
            }
            state.queued.clear();
            let mut random = BrowserRandom;
            let instance = InstanceId::new_v4(&mut random);
            state.session = HostSession::new(instance, random.next_u64());
            state.session.hello(WIDGET_VERSION)
        };
        say_hello(&self.0, &hello);
    }

    /// Sends `event` to the host over the port (queued until the handshake is done; dropped when
    /// the link is closed).
    pub fn send(&self, event: HostEvent) {
        self.post(|session| session.send(event));
    }

    /// Sends the message `make` makes with the session (stamped with its next `seq`), as
    /// [`FrameLink::send`] does.
    fn post(&self, make: impl FnOnce(&mut HostSession) -> Outbound) {
        let mut state = self.0.borrow_mut();
        if state.closed {
            return;
        }
        let message = make(&mut state.session);
        match &state.port {
            Some(port) => post_to_port(port, &message),
            None => state.queued.push(message),
        }
    }
}

/// The same-document DOM event for a completed entry (JSON text): [`ENTRY_COMPLETED_EVENT`] on
/// the document, bubbling and composed, its `detail` the entry.
pub fn document_entry_event(entry_json: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(entry) = js_sys::JSON::parse(entry_json) else {
        return;
    };
    if let Some(document) = window.document() {
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&entry);
        if let Ok(event) =
            web_sys::CustomEvent::new_with_event_init_dict(ENTRY_COMPLETED_EVENT, &init)
        {
            let _ = document.dispatch_event(&event);
        }
    }
}
