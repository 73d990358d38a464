//! Choosing a code directly, or overriding the tree's, by search; always with a reason (F3; L2
//! 1.4, 3.7; L3 3.2). The search box is a WAI-ARIA APG combobox with a listbox popup: typing
//! filters (fuzzy and ranked by the engine), Down and Up move through at most
//! [`MAX_CODE_RESULTS`] keyed rows, Enter chooses, Escape closes the list and then clears.

use incident_engine::call::search::CodeSearch;
use incident_engine::call::Command;
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{keyed, live, memo, CollectAny};

use super::{feedback, text_area, Desk, Notice, Place};
use crate::host::page::measured;

/// Most codes listed for a search: few enough to read, and to render within a frame.
const MAX_CODE_RESULTS: usize = 20;

/// The performance measure around one search, for the benchmark.
pub const CODE_SEARCH_MEASURE: &str = "incident-desk:code-search";

const LISTBOX_ID: &str = "idk-code-listbox";

/// One matching code.
#[derive(Debug, Clone, PartialEq)]
struct Hit {
    /// The code's position in the pack: unique, so it keys the row and names its element.
    index: usize,
    code: String,
    title: String,
    default_priority: String,
}

fn option_id(index: usize) -> String {
    format!("idk-code-opt-{index}")
}

pub(super) fn code_chooser(desk: Desk) -> impl IntoView {
    let pack = desk.pack.get_value();
    let search = StoredValue::new_local(CodeSearch::new(&pack));
    let query = RwSignal::new(String::new());
    let expanded = RwSignal::new(false);
    // Which row is highlighted (an index into the hits), for aria-activedescendant.
    let active = RwSignal::new(None::<usize>);
    let picked = RwSignal::new(None::<Hit>);
    let priority = RwSignal::new(
        pack.file()
            .priorities
            .first()
            .map(|p| p.id.clone())
            .unwrap_or_default(),
    );
    let reason = RwSignal::new(String::new());
    let hits = memo(move || {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        let pack = desk.pack.get_value();
        let found = measured(CODE_SEARCH_MEASURE, || {
            search
                .try_update_value(|s| s.search(&q, MAX_CODE_RESULTS))
                .unwrap_or_default()
        });
        found
            .into_iter()
            .filter_map(|h| {
                let c = pack.file().codes.get(h.index)?;
                Some(Hit {
                    index: h.index,
                    code: c.code.clone(),
                    title: c.title.clone(),
                    default_priority: c.default_priority.clone(),
                })
            })
            .collect::<Vec<_>>()
    });
    let open = move || expanded.get() && !hits.with(Vec::is_empty);
    // The highlighted code's position in the pack (rows are keyed by it, so it names the element).
    let active_index = move || {
        active
            .get()
            .and_then(|i| hits.with(|h| h.get(i).map(|h| h.index)))
    };
    let choose = move |hit: Hit| {
        priority.set(hit.default_priority.clone());
        query.set(format!("{} {}", hit.code, hit.title));
        picked.set(Some(hit));
        expanded.set(false);
        active.set(None);
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let count = hits.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" if count > 0 => {
                ev.prevent_default();
                expanded.set(true);
                let down = ev.key() == "ArrowDown";
                active.update(|a| {
                    *a = Some(match (*a, down) {
                        (None, true) => 0,
                        (None, false) => count - 1,
                        (Some(i), true) => (i + 1) % count,
                        (Some(i), false) => (i + count - 1) % count,
                    })
                });
            }
            "Enter" => {
                let hit = active
                    .get_untracked()
                    .and_then(|i| hits.with_untracked(|h| h.get(i).cloned()));
                if let Some(hit) = hit.filter(|_| expanded.get_untracked()) {
                    ev.prevent_default();
                    choose(hit);
                }
            }
            "Escape" => {
                ev.prevent_default();
                // Keep the keyboard map and dialogs from also seeing this Escape.
                ev.stop_propagation();
                if expanded.get_untracked() {
                    expanded.set(false);
                    active.set(None);
                } else {
                    query.set(String::new());
                    picked.set(None);
                }
            }
            _ => {}
        }
    };
    let priorities = pack
        .file()
        .priorities
        .iter()
        .map(|p| view! { <option value=p.id.clone()>{format!("{} {}", p.id, p.name)}</option> })
        .collect_any();
    let count_text = live(move || {
        let n = hits.with(Vec::len);
        match (query.with(|q| q.trim().is_empty()), n) {
            (true, _) => String::new(),
            (false, 0) => "No codes match".to_owned(),
            (false, 1) => "1 code matches".to_owned(),
            (false, n) if n == MAX_CODE_RESULTS => format!("The best {n} matches"),
            (false, n) => format!("{n} codes match"),
        }
    });
    view! {
        <details class="idk-section">
            <summary>"Choose or override the code"</summary>
            <div class="idk-combobox">
                <label for="idk-code-search">"Find a code"</label>
                <input
                    id="idk-code-search"
                    type="text"
                    role="combobox"
                    autocomplete="off"
                    aria-autocomplete="list"
                    aria-controls=LISTBOX_ID
                    aria-describedby="idk-code-count"
                    aria-expanded=live(move || open().to_string())
                    aria-activedescendant=live(move || active_index().filter(|_| open()).map(option_id))
                    prop:value=live(move || query.get())
                    on:input=handler(move |ev| {
                        query.set(event_target_value(&ev));
                        picked.set(None);
                        active.set(None);
                        expanded.set(true);
                    })
                    on:keydown=on_keydown
                />
                <ul id=LISTBOX_ID role="listbox" aria-label="Matching codes" class="idk-listbox" hidden=live(move || !open())>
                    {keyed(move || hits.get(), |h| h.index.to_string(), move |hit| {
                            let index = hit.index;
                            let label = format!("{} {}", hit.code, hit.title);
                            view! {
                                <li
                                    id=option_id(index)
                                    role="option"
                                    class="idk-option"
                                    aria-selected=live(move || (active_index() == Some(index)).to_string())
                                    on:mousedown=handler(move |ev: web_sys::MouseEvent| ev.prevent_default())
                                    on:click=handler(move |_| choose(hit.clone()))
                                >
                                    {label}
                                </li>
                            }
                            .into_any()
                        })}
                </ul>
                <p id="idk-code-count" class="idk-muted" aria-live="polite">{count_text}</p>
            </div>
            <p class="idk-chosen-code">
                {live(move || {
                    picked
                        .get()
                        .map(|h| format!("Chosen: {} {}", h.code, h.title))
                        .unwrap_or_else(|| "No code chosen yet".to_owned())
                })}
            </p>
            <div class="idk-field">
                <label for="idk-override-priority">"Priority"</label>
                <select id="idk-override-priority" prop:value=live(move || priority.get()) on:change=handler(move |ev| priority.set(event_target_value(&ev)))>
                    {priorities}
                </select>
            </div>
            {text_area("Reason", reason)}
            <button
                type="button"
                class="idk-button"
                on:click=handler(move |_| {
                    let Some(hit) = picked.get_untracked() else {
                        desk.notice.set(Some(Notice { title: "Choose a code first".to_owned(), detail: vec![], place: Place::Code }));
                        return;
                    };
                    let hit_code = hit.code.clone();
                    let applied = desk.dispatch(Command::OverrideCode {
                        code: hit.code,
                        priority: priority.get_untracked(),
                        reason: reason.get_untracked(),
                    });
                    if applied {
                        reason.set(String::new());
                        desk.confirm(Place::Code, &format!("Code {} used", hit_code));
                    }
                })
            >
                "Use this code"
            </button>
            {feedback(desk, Place::Code)}
        </details>
    }
}
