//! What an app provides to the shared components as context: the handler's name as callers hear it
//! and the units' live status.

use incident_engine::pack::resources::Availability;
use leptos::prelude::*;

/// Each unit's status now: the pack's, as the host updates it (`resources.update`). Provided as
/// context to the call screen.
#[derive(Clone, Copy)]
pub struct LiveUnits(pub Memo<Availability>);

/// The live notices the host says are in force (`notices.set`, issue 15). Provided as context to
/// the call screen, which records those whose area takes in the call's location.
#[derive(Clone, Copy)]
pub struct LiveNotices(pub RwSignal<Vec<incident_engine::pack::notices::Notice>>);

/// The handler's name as callers hear it, for `{agent}` in the greeting, the closing and the
/// control phrases; `None` until the host (or `?agent_name=`) says.
#[derive(Clone, Copy)]
pub struct AgentName(pub Signal<Option<String>>);

/// The handler's name, from context (none when the widget is mounted without an `App`).
pub fn agent_name() -> Signal<Option<String>> {
    use_context::<AgentName>().map_or_else(|| Signal::stored(None), |n| n.0)
}

/// The bytes the pack in use was read from, for the procedures (`ui::Procedures`), whose own wasm
/// reads them again when a handler opens them. Provided as context by the app that loads the pack.
#[derive(Clone, Copy)]
pub struct PackSource(pub StoredValue<Option<std::sync::Arc<[u8]>>>);

/// A practice call (issue 16), provided by the practice app. The call screen then keeps no draft,
/// puts nothing in the outbox and tells no host (a practice call is never sent anywhere), shows
/// PRACTICE in its call bar, and shows the practice app the call as it stands after each change
/// (the question on screen, for the scripted caller; the close, for the score).
#[derive(Clone, Copy)]
pub struct PracticeCall {
    /// The call as it stands; closed once the engine has closed it.
    pub call: RwSignal<Option<incident_engine::call::Call>>,
}
