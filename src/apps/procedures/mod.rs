//! The procedures, read-only: the pack preview (`ui::PackPreview`) in a wasm of its own. The call
//! screen loads it when a handler first opens the procedures (`host::procedures`) and hands it
//! the bytes its pack was read from ([`show`]); procedures.html shows the pack at `?pack=` (or the
//! default pack) on a page of its own, for anyone who wants to read the procedures, not take calls.

use std::cell::RefCell;
use std::sync::Arc;

use incident_engine::Pack;
use leptos::prelude::*;

use crate::host::pack_source::fetch_pack;
use crate::host::page::{mark_settled, Settled};
use crate::ui::live::effect;
use crate::ui::{PackErrorPanel, PackPreview};

thread_local! {
    /// What [`show`] has put up, by heading id: shown again under the same id, the old goes.
    static SHOWN: RefCell<Vec<(String, Box<dyn std::any::Any>)>> = const { RefCell::new(Vec::new()) };
}

/// Reads `pack` (bytes the call screen has already read and checked) and shows its procedures in
/// `target`, headed by an `h2` with `heading_id`, in place of any shown under that id before.
/// The problem, in the engine's words, when the bytes are not a pack this module can read (a
/// module of another version than the call screen's).
pub fn show(target: web_sys::HtmlElement, pack: &[u8], heading_id: String) -> Result<(), String> {
    let pack = incident_engine::parse_pack(pack).map_err(|e| format!("{}: {e}", e.title()))?;
    hide(&heading_id);
    let pack = Arc::new(pack);
    let id = heading_id.clone();
    let handle = leptos::mount::mount_to(target, move || {
        view! { <PackPreview pack=pack heading_id=id /> }
    });
    SHOWN.with_borrow_mut(|shown| shown.push((heading_id, Box::new(handle))));
    Ok(())
}

/// Takes down what [`show`] put up under `heading_id`, if anything.
pub fn hide(heading_id: &str) {
    let gone = SHOWN.with_borrow_mut(|shown| {
        shown
            .iter()
            .position(|(id, _)| id == heading_id)
            .map(|at| shown.remove(at))
    });
    // Dropped outside the borrow: unmounting runs the preview's cleanup.
    drop(gone);
}

/// procedures.html: the pack at `pack_url`, or what is wrong with it.
#[component]
pub fn App(
    /// Where to fetch the procedure pack from, relative to the page.
    pack_url: String,
) -> impl IntoView {
    let pack = RwSignal::new(None::<Result<Arc<Pack>, incident_engine::PackLoadError>>);
    let attempts = RwSignal::new(0u32);
    let url = pack_url.clone();
    effect(move || {
        attempts.track();
        let url = url.clone();
        leptos::task::spawn_local(async move {
            let loaded = fetch_pack(&url).await.map(|(pack, _)| Arc::new(pack));
            mark_settled(match loaded {
                Ok(_) => Settled::Ready,
                Err(_) => Settled::PackError,
            });
            pack.try_set(Some(loaded));
        });
    });
    view! {
        <div class="idk">
            <header class="idk-header">
                <h1 class="idk-title">"Procedures"</h1>
                <p class="idk-subtitle">"Incident Desk · read only: calls are taken on the " <a href="index.html">"call screen"</a></p>
            </header>
            <main class="idk-main">
                {move || match pack.get() {
                    None => view! { <p class="idk-muted" role="status">"Loading the procedures…"</p> }.into_any(),
                    Some(Ok(pack)) => view! { <PackPreview pack=pack /> }.into_any(),
                    Some(Err(error)) => {
                        view! {
                            <PackErrorPanel url=pack_url.clone() error=error on_retry=move || attempts.update(|n| *n += 1) />
                        }
                            .into_any()
                    }
                }}
            </main>
        </div>
    }
}
