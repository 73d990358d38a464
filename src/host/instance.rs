//! One widget on a page (F17, F21; issue 5, "Three ways to embed, one build"): where its elements
//! are and how it reaches the page around it. Provided to the component tree as context
//! ([`Instance`]), so two widgets on one page never see each other's commands, events, elements or
//! drafts:
//!
//! - on the widget's own page, standalone: elements in the document, each completed entry a DOM
//!   event on the document, the draft under `draft`;
//! - the same page in a host's iframe: as standalone, plus the host message protocol
//!   ([`super::bridge`]) when the deployment settings allow the host;
//! - mounted in a host's own page by `element.js` ([`super::element`]): elements in the widget's
//!   shadow root, every event a DOM event on the host element, commands from the host's script,
//!   the draft under `draft:<instance>`.
//!
//! Components never ask which: they call [`Instance::current`] while they are built and use its
//! methods, which do nothing once the widget is gone.

use std::rc::Rc;

use incident_engine::call::Effect;
use incident_engine::protocol::{
    HostCommand, HostEvent, Origin, PackSites, PackUrl, PayloadRoot, Rejection,
};
use leptos::prelude::*;

use super::bridge::{self, FrameLink, FrameReply};
use super::clock;
use super::deployment;
use super::drafts;
use super::element::{ElementLink, ElementReply};
use super::page::{self, Root, Settled};

/// How one widget reaches the page around it.
pub enum HostLink {
    /// None: the standalone page (completed entries are still a DOM event on the document).
    None,
    /// The host message protocol, in an iframe (closed unless the deployment allows its host).
    Frame(FrameLink),
    /// DOM events on the host element, and commands from the host's script.
    Element(Rc<ElementLink>),
}

/// What an [`Instance`] holds.
struct Place {
    root: Root,
    link: HostLink,
    /// The instance's name in a host's page; `None` on the widget's own page.
    name: Option<String>,
}

/// How the widget answers one of its host's commands after the fact, correlated to it: each
/// command comes with one (see [`Instance::connect`]). In an iframe, the answer is a message
/// correlated to the command's id; in a host's page, it settles the `command` promise (which
/// resolves once the reply is let go of, if nothing else was said).
pub enum Reply {
    /// From the iframe's host, over the port.
    Frame(FrameReply),
    /// From the host's script, by `command(name, payload)`.
    Element(ElementReply),
}

impl Reply {
    /// Where the command's payload was, for the JSON paths of a refusal: `$.payload` in a
    /// message, `$` for a bare command.
    pub fn payload_root(&self) -> PayloadRoot {
        match self {
            Reply::Frame(reply) => reply.payload_root(),
            Reply::Element(reply) => reply.payload_root(),
        }
    }

    /// The command was refused after it was accepted (a `configure` whose endpoint the
    /// deployment does not list): `error` correlated to it, or its promise rejected.
    pub fn refused(self, rejection: Rejection) {
        match self {
            Reply::Frame(reply) => reply.refused(rejection),
            Reply::Element(reply) => reply.refused(rejection),
        }
    }

    /// The teardown has erased everything it erases: the host hears `teardown.done` with how
    /// many undelivered entries were kept; the element's `command('teardown')` promise resolves;
    /// an iframe's session ends and a new handshake starts (a new `hello`), so the next
    /// handler's host configures the widget afresh.
    pub fn torn_down(self, kept: usize) {
        match self {
            Reply::Frame(reply) => reply.torn_down(kept),
            Reply::Element(reply) => reply.torn_down(kept),
        }
    }

    /// The teardown could not erase what it erases (`detail`, the store's reason): the host hears
    /// an `error` (`teardown_failed`) answering it, never `teardown.done`; the element's promise
    /// rejects; an iframe's session ends all the same (the handler is signed out).
    pub fn teardown_failed(self, detail: &str) {
        match self {
            Reply::Frame(reply) => reply.teardown_failed(detail),
            Reply::Element(reply) => reply.teardown_failed(detail),
        }
    }
}

/// The widget a component belongs to (see the module docs). `Copy`, so closures keep it; it lives
/// as long as the widget's reactive owner.
#[derive(Clone, Copy)]
pub struct Instance(StoredValue<Rc<Place>, LocalStorage>);

impl Instance {
    fn new(place: Place) -> Instance {
        Instance(StoredValue::new_local(Rc::new(place)))
    }

    /// The widget's own page, with no host link yet.
    fn own_page(link: HostLink) -> Instance {
        Instance::new(Place {
            root: Root::Document,
            link,
            name: None,
        })
    }

    /// Provides a widget mounted in `root`, a host page's shadow root, to the tree about to be
    /// built (by `host::element`, before `App`).
    pub(crate) fn provide_element(root: web_sys::ShadowRoot, link: Rc<ElementLink>, name: String) {
        provide_context(Instance::new(Place {
            root: Root::Shadow(root),
            link: HostLink::Element(link),
            name: Some(name),
        }));
    }

    /// The widget of the component being built: from context, or else the widget's own page with
    /// no host link (a component mounted on its own, as in the browser tests).
    pub fn current() -> Instance {
        use_context::<Instance>().unwrap_or_else(|| Instance::own_page(HostLink::None))
    }

    /// For `App`: connects the widget to its host, the host's commands going to `on_command`
    /// (each with the [`Reply`] that answers it), and starts reading the deployment settings
    /// ([`deployment::preload`]). Mounted in a host's
    /// page, the host element's link is already in context; on the widget's own page this starts
    /// the iframe link when there is a parent page around it ([`bridge::start`]: the handshake
    /// waits for the settings, and happens only with an allowed host) and provides the instance
    /// to the tree.
    /// `on_open` runs each time an iframe session's port opens (the call screen's outbox delivers
    /// then); the console, which delivers no entries, passes nothing that pulls the outbox in.
    pub fn connect(
        on_command: impl Fn(HostCommand, Reply) + 'static,
        on_open: impl Fn() + 'static,
    ) -> Instance {
        deployment::preload();
        if let Some(instance) = use_context::<Instance>() {
            if let Some(place) = instance.place() {
                if let HostLink::Element(link) = &place.link {
                    link.listen(move |command, reply| on_command(command, Reply::Element(reply)));
                }
            }
            return instance;
        }
        let link = bridge::start(
            move |command, reply| on_command(command, Reply::Frame(reply)),
            on_open,
        )
        .map_or(HostLink::None, HostLink::Frame);
        let instance = Instance::own_page(link);
        provide_context(instance);
        instance
    }

    fn place(self) -> Option<Rc<Place>> {
        self.0.try_get_value()
    }

    /// Carries out what the engine decided the host hears about a call (the views never send
    /// to the host themselves): `call.started`, `call.resumed`, `escalation.required`; and, once a
    /// closed call is saved, on the widget's own page the document's DOM event (for a host in the
    /// same document; mounted in a host's page the outbox emits `entry.completed` on the host
    /// element instead). What the handler is told (`Effect::Announce`) is the view's to show.
    pub fn carry_out(self, effect: &Effect) {
        match effect {
            Effect::Announce(_) => {}
            Effect::Completed { entry } => {
                if let Some(place) = self.place() {
                    if !matches!(place.link, HostLink::Element(_)) {
                        bridge::document_entry_event(entry);
                    }
                }
            }
            Effect::CallStarted { call_id } => self.send(HostEvent::call_started(call_id)),
            Effect::CallResumed {
                call_id,
                crm_call,
                contact,
            } => self.send(HostEvent::call_resumed(
                call_id,
                crm_call.as_deref(),
                contact.as_deref(),
            )),
            Effect::EscalationProposed { level, reason } => {
                self.send(HostEvent::escalation_required(level, reason));
            }
        }
    }

    /// Whether the widget is on its own page with no host (no CRM: the standalone page), so the
    /// supervisor's console in this browser is where its incidents go (`host::board`).
    pub fn is_standalone(self) -> bool {
        self.place()
            .is_some_and(|p| matches!(p.link, HostLink::None))
    }

    /// Whether the widget is mounted in a host's page (its host is always there).
    pub fn is_element(self) -> bool {
        self.place()
            .is_some_and(|p| matches!(p.link, HostLink::Element(_)))
    }

    /// Sends `event` to the host, if there is one.
    pub fn send(self, event: HostEvent) {
        let Some(place) = self.place() else {
            return;
        };
        match &place.link {
            HostLink::None => {}
            HostLink::Frame(link) => link.send(event),
            HostLink::Element(link) => link.emit(&event),
        }
    }

    /// The sites a `pack.load` may name for this widget, mounted with the pack at `mounted_pack`
    /// ([`PackSites`]): on its own page, its own site; in a host's page, that page's site, the
    /// widget's own (where element.js is) and the mounted pack's.
    pub fn pack_sites(self, mounted_pack: &str) -> PackSites {
        let page = page::origin().and_then(|o| Origin::parse(&o).ok());
        let link = self.place().map(|place| match &place.link {
            HostLink::Element(link) => Some(link.widget_origin()),
            _ => None,
        });
        match (page, link.flatten()) {
            (None, _) => PackSites::RelativeOnly,
            (Some(widget), None) => PackSites::OwnPage { widget },
            (Some(page), Some(widget)) => PackSites::HostPage {
                page,
                widget,
                mounted: match PackUrl::parse(mounted_pack) {
                    Ok(PackUrl::Absolute { origin, .. }) => Some(origin),
                    _ => None,
                },
            },
        }
    }

    /// Says the widget has settled ([`page::mark_settled`] on its own page; on the host element,
    /// with `ready` the first time, in a host's page).
    pub fn mark_settled(self, settled: Settled) {
        let Some(place) = self.place() else {
            return;
        };
        match &place.link {
            HostLink::Element(link) => link.settled(settled),
            _ => page::mark_settled(settled),
        }
    }

    /// Moves focus to the element with `id` in this widget after the next render.
    pub fn focus_soon(self, id: impl Into<String>) {
        if let Some(place) = self.place() {
            page::focus_soon(place.root.clone(), id);
        }
    }

    /// Shows this widget's modal dialog with `id`.
    pub fn show_dialog(self, id: &str) {
        if let Some(place) = self.place() {
            clock::show_dialog(&place.root, id);
        }
    }

    /// Closes this widget's dialog with `id`.
    pub fn close_dialog(self, id: &str) {
        if let Some(place) = self.place() {
            clock::close_dialog(&place.root, id);
        }
    }

    /// The instance's name in a host's page (`None` on the widget's own page), which keeps its
    /// draft and its outbox apart from other widgets'.
    pub fn name(self) -> Option<String> {
        self.place().and_then(|p| p.name.clone())
    }

    /// The key this widget keeps its call's draft under ([`drafts::draft_key`]).
    pub fn draft_key(self) -> String {
        drafts::draft_key(self.name().as_deref())
    }
}
