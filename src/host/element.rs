//! The script and custom-element mode (F17: embedded in a CRM page as a custom element, with
//! events the page listens to; F21: nothing a host sends is echoed or logged; issue 5, "Three ways
//! to embed, one build"). `element.js` (a small ES module beside the wasm) defines
//! `<incident-desk>` and `IncidentDesk.mount(element, options)`; both call the app's `mount_widget`
//! export (in its entry point, `src/bin/`), which mounts it through [`mount`] here.
//!
//! Each mounted widget is one [`Instance`] with its own host link ([`ElementLink`]):
//!
//! - it lives in an open shadow root of the host's element, made by `element.js`, which also
//!   links the widget's stylesheet there; elements are looked up in that root only, so two widgets
//!   on a page have their own ids, dialogs, focus and keys;
//! - every event for the host is a DOM `CustomEvent` named `incident-desk:<type>` on the host
//!   element, bubbling and composed, whose `detail` is the payload the iframe protocol's message
//!   would carry (`ready`, `entry.completed` with the idempotency key and the entry, `error`).
//!   They are dispatched after the widget's own work (a microtask), so a host's listener never
//!   runs in the middle of a change to the call, and may destroy the widget;
//! - commands come from the host's script ([`Widget::command`]) and are checked by the engine
//!   exactly as the iframe's are (`read_bare_command`); a refused one rejects its promise with the
//!   engine's words and is also reported as `incident-desk:error`. Each accepted command goes to
//!   the app with an [`ElementReply`], which settles its promise once the app has acted on it:
//!   at once for most, once the deployment has been consulted for a `configure` (rejected if its
//!   endpoint is not listed), once the erasing is done (or has failed) for a `teardown`;
//! - the theme (`--idk-*` custom properties, allow-listed by the engine) and the z-index are set
//!   one property at a time on a `:host` rule of a constructable stylesheet adopted by the shadow
//!   root: no style attribute, no style text, so the host page's `style-src 'self'` holds;
//! - settling is said on the host element (`data-incident-desk="ready"`), not on `<html>`;
//! - the call's draft is kept under `draft:<instance>`, and an instance name is used by one widget
//!   at a time on a page;
//! - [`Widget::destroy`] unmounts the app and disposes its reactive owner (timers cleared,
//!   listeners removed, a pending draft written), removes the stylesheet and the attribute, and
//!   refuses later commands.
//!
//! Entries and commands hold personal data, so nothing here writes them to the console.

use incident_engine::kernel::SortedSet;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use incident_engine::protocol::{
    read_bare_command, BearerToken, Configure, Endpoint, HostCommand, HostEvent, InstanceId,
    Origin, PayloadRoot, Rejection,
};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::instance::Instance;
use super::page::{self, Settled, SETTLED_ATTRIBUTE};

/// The start of every DOM event's name in this mode: `incident-desk:ready`,
/// `incident-desk:entry.completed`, `incident-desk:error`.
pub const EVENT_PREFIX: &str = "incident-desk:";

/// The instance name of a widget mounted without one.
pub const DEFAULT_INSTANCE: &str = "default";

/// The custom property the z-index is set as (style/main.css gives it to `:host`).
const Z_INDEX_PROPERTY: &str = "--idk-z-index";

thread_local! {
    /// The instance names of the widgets mounted on this page: each keeps its own draft, so two
    /// at once cannot share a name.
    static NAMES: RefCell<SortedSet<String>> = const { RefCell::new(SortedSet::new()) };
}

/// The app's handler for the host's commands.
type OnCommand = Rc<dyn Fn(HostCommand, ElementReply)>;

/// A `command` promise waiting for the app to have acted on its command.
struct Waiting {
    ticket: u64,
    /// The command's name, for the rejection if the widget is destroyed first.
    command: &'static str,
    resolve: js_sys::Function,
    reject: js_sys::Function,
}

/// A widget's link to the host element it is mounted in.
pub struct ElementLink {
    host: web_sys::Element,
    root: web_sys::ShadowRoot,
    /// The `:host` rule's sheet: theme and z-index.
    sheet: web_sys::CssStyleSheet,
    on_command: RefCell<Option<OnCommand>>,
    ready: Cell<bool>,
    destroyed: Cell<bool>,
    /// The configuration in force: an attribute change is merged into it (see
    /// [`Widget::attributes`]), so the endpoint and token a script configured stay. A refused
    /// endpoint is not in force: its configure's refusal puts back the endpoint and token before it
    /// ([`ElementReply::refused`]).
    last: RefCell<Option<Configure>>,
    /// The `command` promises waiting for the app to have acted on their commands.
    waiting: RefCell<Vec<Waiting>>,
    /// The ticket of the next command's promise.
    next_ticket: Cell<u64>,
    /// The widget's own origin (where element.js and its files are served from), when known.
    widget_origin: Option<Origin>,
}

impl ElementLink {
    /// The app's handler for the host's commands.
    pub(crate) fn listen(&self, on_command: impl Fn(HostCommand, ElementReply) + 'static) {
        *self.on_command.borrow_mut() = Some(Rc::new(on_command));
    }

    /// Dispatches `event` on the host element as `incident-desk:<type>`, after the current work.
    pub(crate) fn emit(&self, event: &HostEvent) {
        if self.destroyed.get() {
            return;
        }
        let name = format!("{EVENT_PREFIX}{}", event.type_name());
        let detail = event.payload_json();
        let host = self.host.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let Ok(detail) = js_sys::JSON::parse(&detail) else {
                return;
            };
            let init = web_sys::CustomEventInit::new();
            init.set_bubbles(true);
            init.set_composed(true);
            init.set_detail(&detail);
            if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(&name, &init) {
                let _ = host.dispatch_event(&event);
            }
        });
    }

    /// The widget has settled: said on the host element, with `ready` the first time.
    pub(crate) fn settled(&self, settled: Settled) {
        if self.destroyed.get() {
            return;
        }
        let _ = self.host.set_attribute(SETTLED_ATTRIBUTE, settled.as_str());
        page::mark_interactive();
        if !self.ready.replace(true) {
            self.emit(&HostEvent::ready());
        }
    }

    /// The widget's own origin, where element.js and its files (its packs among them) are
    /// served from, when known.
    pub(crate) fn widget_origin(&self) -> Option<Origin> {
        self.widget_origin.clone()
    }

    /// Acts on a checked command: the look here, the rest in the app, which answers through the
    /// reply (settling the promise `ticket` names, if any).
    fn deliver(self: &Rc<Self>, command: HostCommand, ticket: Option<u64>) {
        let mut endpoint_before = None;
        match &command {
            HostCommand::Configure(configure) => {
                self.set_look(configure);
                let before = self.last.replace(Some(configure.clone()));
                endpoint_before = Some(EndpointBefore {
                    sent: configure.endpoint.clone(),
                    endpoint: before.as_ref().and_then(|b| b.endpoint.clone()),
                    token: before.and_then(|b| b.token),
                });
            }
            // Signed out: the next attribute change starts from the attributes alone.
            HostCommand::Teardown(_) => *self.last.borrow_mut() = None,
            _ => {}
        }
        let reply = ElementReply {
            link: self.clone(),
            ticket,
            endpoint_before,
        };
        let on_command = self.on_command.borrow().clone();
        if let Some(on_command) = on_command {
            on_command(command, reply);
        }
    }

    /// A promise for the command `name`, settled by the reply its ticket goes with.
    fn promise(&self, name: &'static str) -> (js_sys::Promise, u64) {
        let ticket = self.next_ticket.get();
        self.next_ticket.set(ticket + 1);
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            self.waiting.borrow_mut().push(Waiting {
                ticket,
                command: name,
                resolve,
                reject,
            });
        });
        (promise, ticket)
    }

    /// Settles the promise `ticket`: resolved, or rejected with an `Error` saying `why`.
    fn settle(&self, ticket: u64, why: Option<&str>) {
        let waiting = {
            let mut all = self.waiting.borrow_mut();
            let Some(at) = all.iter().position(|w| w.ticket == ticket) else {
                return;
            };
            all.remove(at)
        };
        let _ = match why {
            None => waiting.resolve.call0(&JsValue::NULL),
            Some(why) => waiting
                .reject
                .call1(&JsValue::NULL, &js_sys::Error::new(why)),
        };
    }

    fn set_look(&self, configure: &Configure) {
        let z_index = configure.z_index.map(|z| (Z_INDEX_PROPERTY, z.to_string()));
        page::set_look(&self.sheet, ":host", &configure.theme, z_index);
    }
}

/// How the widget answers one command from the host's script, after the fact: each command
/// comes with one (to the app's handler). It settles the command's promise, if it has one:
/// rejected by [`ElementReply::refused`] and [`ElementReply::teardown_failed`], resolved by
/// [`ElementReply::torn_down`] or, for any other command, once the app lets go of it (it has
/// acted on the command).
pub struct ElementReply {
    link: Rc<ElementLink>,
    ticket: Option<u64>,
    /// For a `configure`: what its refusal puts back.
    endpoint_before: Option<EndpointBefore>,
}

/// The endpoint and token in force before a `configure` that sent `sent`: put back in the
/// configuration in force if that endpoint is refused, so it is never sent again.
struct EndpointBefore {
    sent: Option<Endpoint>,
    endpoint: Option<Endpoint>,
    token: Option<BearerToken>,
}

impl ElementReply {
    /// Where the command's payload was: it is the whole of a bare command, at `$`.
    pub fn payload_root(&self) -> PayloadRoot {
        PayloadRoot::Bare
    }

    /// The command was refused after it was accepted (as a `configure` whose endpoint the
    /// deployment does not list): `incident-desk:error`, and the promise rejects with its words.
    pub fn refused(mut self, rejection: Rejection) {
        if let Some(before) = self.endpoint_before.take() {
            // Unless a later configure or a teardown has replaced it since.
            if let Some(last) = self.link.last.borrow_mut().as_mut() {
                if last.endpoint == before.sent {
                    last.endpoint = before.endpoint;
                    last.token = before.token;
                }
            }
        }
        self.link.emit(&HostEvent::error(&rejection));
        if let Some(ticket) = self.ticket.take() {
            self.link.settle(ticket, Some(&rejection.to_string()));
        }
    }

    /// The teardown has erased what it erases: `incident-desk:teardown.done`, and the promise
    /// resolves.
    pub fn torn_down(mut self, kept: usize) {
        self.link.emit(&HostEvent::teardown_done(kept));
        if let Some(ticket) = self.ticket.take() {
            self.link.settle(ticket, None);
        }
    }

    /// The teardown could not erase what it erases (`detail`: why): never
    /// `incident-desk:teardown.done`, but `incident-desk:error` (`teardown_failed`), and the
    /// promise rejects with its words.
    pub fn teardown_failed(mut self, detail: &str) {
        let event = HostEvent::teardown_failed(detail);
        self.link.emit(&event);
        if let (Some(ticket), HostEvent::Error(report)) = (self.ticket.take(), &event) {
            self.link.settle(ticket, Some(&report.message));
        }
    }
}

impl Drop for ElementReply {
    /// Let go of without a word: the app has acted on the command.
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket.take() {
            self.link.settle(ticket, None);
        }
    }
}

/// Mounts the widget `app` builds in `container`, inside `root` (an open shadow root of `host`).
/// An app's entry point calls it from its `mount_widget` export, which `element.js` calls.
/// `instance` names the widget
/// (its draft's key; [`DEFAULT_INSTANCE`] when absent); `configure_json` is the mount options as a
/// `configure` payload (`agent_id`, `role`, `locale`, `theme`, `z_index`), checked by the engine
/// before anything is mounted; `widget_url` is element.js's own address, beside which the widget's
/// files are: the organisation's deployment settings (`deployment.json`, used by the first widget
/// mounted on the page, as the settings are read once per page: [`super::deployment`]) and the
/// packs, whose origin (the widget's own) `pack.load` may name. Throws an `Error` saying what is
/// wrong otherwise.
pub fn mount<V: IntoView + 'static>(
    host: web_sys::Element,
    root: web_sys::ShadowRoot,
    container: web_sys::HtmlElement,
    instance: Option<String>,
    configure_json: &str,
    widget_url: Option<String>,
    app: impl FnOnce() -> V + 'static,
) -> Result<Widget, JsError> {
    let widget_url = widget_url.and_then(|url| web_sys::Url::new(&url).ok());
    if let Some(deployment) = widget_url.as_ref().and_then(|url| {
        web_sys::Url::new_with_base(super::deployment::DEFAULT_URL, &url.href()).ok()
    }) {
        super::deployment::set_url(deployment.href());
    }
    let widget_origin = widget_url.and_then(|url| Origin::parse(&url.origin()).ok());
    let name = match instance.filter(|name| !name.is_empty()) {
        None => DEFAULT_INSTANCE.to_owned(),
        Some(name) => InstanceId::parse(&name)
            .ok_or_else(|| {
                JsError::new(
                    "IncidentDesk.mount: the instance name must be 1 to 64 letters, digits, dots, \
                     underscores, colons or hyphens.",
                )
            })?
            .as_str()
            .to_owned(),
    };
    if NAMES.with(|names| names.borrow().contains(&name)) {
        return Err(JsError::new(
            "IncidentDesk.mount: another widget on this page already uses this instance name; \
             give each widget its own (it keeps the widget's call apart from the others').",
        ));
    }
    let configure = match read_bare_command("configure", configure_json) {
        Ok(HostCommand::Configure(configure)) => configure,
        Ok(_) => {
            return Err(JsError::new(
                "IncidentDesk.mount: the options are not valid.",
            ))
        }
        Err(rejection) => {
            return Err(JsError::new(&format!(
                "IncidentDesk.mount: the options (agentId, role, locale, theme, zIndex, read as \
                 agent_id, role, locale, theme, z_index) were not used. {rejection}"
            )))
        }
    };
    let sheet = web_sys::CssStyleSheet::new().map_err(|_| {
        JsError::new("IncidentDesk.mount: this browser has no constructable style sheets.")
    })?;
    let sheets = root.adopted_style_sheets();
    sheets.push(&sheet);
    root.set_adopted_style_sheets(&sheets);
    let link = Rc::new(ElementLink {
        host,
        root: root.clone(),
        sheet,
        on_command: RefCell::new(None),
        ready: Cell::new(false),
        destroyed: Cell::new(false),
        last: RefCell::new(None),
        waiting: RefCell::new(Vec::new()),
        next_ticket: Cell::new(0),
        widget_origin,
    });

    let (app_link, app_name) = (link.clone(), name.clone());
    let mounted = leptos::mount::mount_to(container, move || {
        Instance::provide_element(root, app_link, app_name);
        app()
    });
    NAMES.with(|names| names.borrow_mut().insert(name.clone()));
    // The options' agent, theme and z-index, as a host's `configure` would set them.
    link.deliver(HostCommand::Configure(configure), None);
    Ok(Widget {
        link,
        name,
        mounted: RefCell::new(Some(Box::new(mounted))),
    })
}

/// A widget mounted by [`mount`]: the app's entry point wraps it in the handle `element.js` keeps
/// (the object `IncidentDesk.mount` returns).
pub struct Widget {
    link: Rc<ElementLink>,
    name: String,
    /// Leptos's unmount handle: dropping it unmounts the app and disposes its owner.
    mounted: RefCell<Option<Box<dyn Any>>>,
}

impl Widget {
    /// Sends the command `name` with its payload (JSON text). Resolves once the widget has acted
    /// on it (a `teardown` once its erasing is done; a `configure` once its endpoint has been
    /// checked against the deployment); rejects with an `Error` whose message is the engine's
    /// refusal (which names JSON paths, never values), also dispatched as `incident-desk:error`:
    /// at once for a command that does not fit, after the fact for a `configure` whose endpoint
    /// the deployment does not list (the rest of it applied) or a `teardown` that could not erase.
    pub fn command(&self, name: &str, payload_json: &str) -> js_sys::Promise {
        if self.link.destroyed.get() {
            let error = js_sys::Error::new(
                "IncidentDesk: this widget has been destroyed; mount a new one to send it commands.",
            );
            return js_sys::Promise::reject(&error);
        }
        match read_bare_command(name, payload_json) {
            Ok(command) => self.deliver(command),
            Err(rejection) => {
                self.link.emit(&HostEvent::error(&rejection));
                js_sys::Promise::reject(&js_sys::Error::new(&rejection.to_string()))
            }
        }
    }

    /// Hands a checked command to the widget: its promise, settled by the app's reply.
    fn deliver(&self, command: HostCommand) -> js_sys::Promise {
        let (promise, ticket) = self.link.promise(command.type_name());
        self.link.deliver(command, Some(ticket));
        promise
    }

    /// The element's attributes changed (`element.js`): `configure_json` is the configuration the
    /// attributes alone make (agent_id, agent_name, role, locale, z_index). It is merged into the
    /// configuration in force, so what a script configured and the attributes cannot say (the
    /// endpoint, the token, the theme) stays as it was: only what was accepted (an endpoint the
    /// deployment refused is not in force, and is not sent again). Resolves or rejects as
    /// [`Widget::command`] does.
    pub fn attributes(&self, configure_json: &str) -> js_sys::Promise {
        // Refused (with its reason and error event) as any configure is, when it does not fit or
        // the widget is gone.
        let from_attributes = match read_bare_command("configure", configure_json) {
            Ok(HostCommand::Configure(configure)) if !self.link.destroyed.get() => configure,
            _ => return self.command("configure", configure_json),
        };
        let merged = match self.link.last.borrow().clone() {
            Some(last) => Configure {
                agent_id: from_attributes.agent_id,
                agent_name: from_attributes.agent_name,
                role: from_attributes.role,
                locale: from_attributes.locale,
                z_index: from_attributes.z_index,
                ..last
            },
            None => from_attributes,
        };
        self.deliver(HostCommand::Configure(merged))
    }

    /// Unmounts the widget and lets go of everything it holds on the page (see the module docs).
    /// Safe to call more than once.
    pub fn destroy(&self) {
        if self.link.destroyed.replace(true) {
            return;
        }
        self.link.on_command.borrow_mut().take();
        for waiting in std::mem::take(&mut *self.link.waiting.borrow_mut()) {
            let error = js_sys::Error::new(&if waiting.command == "teardown" {
                "IncidentDesk: the widget was destroyed before its teardown was done; mount it again and send teardown again.".to_owned()
            } else {
                format!(
                    "IncidentDesk: the widget was destroyed before it had acted on the {} command.",
                    waiting.command
                )
            });
            let _ = waiting.reject.call1(&JsValue::NULL, &error);
        }
        let mounted = self.mounted.borrow_mut().take();
        drop(mounted);
        let _ = self.link.host.remove_attribute(SETTLED_ATTRIBUTE);
        let kept = js_sys::Array::new();
        for sheet in self.link.root.adopted_style_sheets().iter() {
            if sheet != JsValue::from(&self.link.sheet) {
                kept.push(&sheet);
            }
        }
        self.link.root.set_adopted_style_sheets(&kept);
        NAMES.with(|names| names.borrow_mut().remove(&self.name));
    }
}

impl Drop for Widget {
    /// A handle the page let go of (element.js keeps each until it is destroyed, or its element
    /// is gone) leaves nothing behind either.
    fn drop(&mut self) {
        self.destroy();
    }
}
