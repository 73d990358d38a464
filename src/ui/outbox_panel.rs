//! The handler's view of the outbox (F17, F21; L2 1.3, L3 1.5): whether every closed call has
//! reached the CRM, what is waiting and why, the entries the CRM refused (each can be read and sent
//! again: nothing is dropped), and whether the browser will keep unsent entries.

use incident_engine::call::entry::iso8601;
use incident_engine::delivery::outbox::{IdempotencyKey, OutboxStatus};
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{keyed, live, memo, show_when};

use crate::host::clock::{date_and_time, shown_locale};
use crate::host::delivery::{self, DeadLetterView, Lane, OutboxView, Route, StorageView};

fn entries(n: usize) -> String {
    if n == 1 {
        "1 log entry".to_owned()
    } else {
        format!("{n} log entries")
    }
}

/// A wait in words: minutes under two hours, hours under two days, then days.
fn waited(ms: u64) -> String {
    let plural = |n: u64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    match ms / 60_000 {
        0 => "less than a minute".to_owned(),
        m if m < 120 => plural(m, "minute"),
        m if m < 48 * 60 => plural(m / 60, "hour"),
        m => plural(m / (24 * 60), "day"),
    }
}

/// One sentence on where the closed calls are.
fn summary(status: Option<OutboxStatus>, route: Route) -> String {
    let Some(status) = status else {
        return "Checking for closed calls not yet delivered…".to_owned();
    };
    let waiting = status.pending + status.in_flight;
    if waiting == 0 {
        return if status.dead_letters == 0 {
            "Every closed call has reached the CRM.".to_owned()
        } else {
            "Nothing is waiting, but the CRM refused some entries (below).".to_owned()
        };
    }
    let age = status
        .oldest_pending_age_ms
        .map(|ms| format!("; the oldest has waited {}", waited(ms)))
        .unwrap_or_default();
    let how = match route {
        Route::Nowhere => "no CRM is connected to this page, so they are kept here until one is",
        Route::AnotherTab => "another Incident Desk tab is delivering them",
        Route::Host => "sending them to the CRM page",
        Route::Endpoint => "sending them to the CRM",
    };
    format!("{} waiting for the CRM: {how}{age}.", entries(waiting))
}

/// The alert for entries waiting past the pack's alert time, if any.
fn overdue_text(view: &OutboxView) -> Option<String> {
    let overdue = view.status?.overdue;
    if overdue == 0 {
        return None;
    }
    let hours = view.overdue_after_ms / 3_600_000;
    let (what, kept) = if overdue == 1 {
        (
            "1 closed call has".to_owned(),
            "It is an incident record and is kept here until the CRM accepts it",
        )
    } else {
        (
            format!("{overdue} closed calls have"),
            "They are incident records and are kept here until the CRM accepts them",
        )
    };
    Some(format!(
        "{what} not reached the CRM for more than {hours} hours. {kept}: tell your supervisor now, so the connection to the CRM is put right."
    ))
}

fn storage_text(storage: &StorageView) -> Option<String> {
    match storage.persisted {
        Some(true) => Some(
            "This browser keeps unsent entries until they are delivered (persistent storage)."
                .to_owned(),
        ),
        Some(false) => Some(
            "Persistent storage was not granted: if the disk fills up, the browser may clear entries not yet sent."
                .to_owned(),
        ),
        None => None,
    }
}

/// Bytes in whole megabytes, rounded: integer formatting only (a float's would add a formatter to
/// the wasm for this one figure).
fn megabytes(bytes: f64) -> String {
    format!("{} MB", (bytes / 1_000_000.0).round() as u64)
}

/// Closed calls that have waited past the pack's alert time, at the top of the widget where a
/// handler starting a shift sees it: an alert until the CRM has them, never dismissed.
#[component]
pub fn OverdueAlert(
    /// What the outbox holds (from `host::delivery`).
    outbox: RwSignal<OutboxView>,
) -> impl IntoView {
    let overdue = memo(move || outbox.with(overdue_text));
    view! {
        {live(move || overdue.get().map(|o| view! { <p class="idk-notice idk-outbox-overdue" role="alert">{o}</p> }))}
    }
}

/// The outbox as the handler sees it.
#[component]
pub fn OutboxPanel(
    /// What the outbox holds (from `host::delivery`).
    outbox: RwSignal<OutboxView>,
    /// What the browser said about keeping data.
    storage: RwSignal<Option<StorageView>>,
    /// Who is signed in: a refused entry's content is shown only to the handler who closed it.
    #[prop(into)]
    agent: Signal<String>,
) -> impl IntoView {
    let status = memo(move || outbox.with(|v| summary(v.status, v.route)));
    let problem = memo(move || outbox.with(|v| v.problem.clone()));
    let dead = memo(move || outbox.with(|v| v.dead_letters.clone()));
    let send_problem = RwSignal::new(None::<String>);
    let lane = StoredValue::new_local(use_context::<Lane>());
    let send_again = move |key: IdempotencyKey| {
        let Some(lane) = lane.get_value() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match delivery::send_again(&lane, key).await {
                Ok(_) => send_problem.try_set(None),
                Err(e) => send_problem.try_set(Some(e.to_string())),
            };
        });
    };
    view! {
        <section class="idk-outbox" aria-labelledby="idk-outbox-title" tabindex="0">
            <h2 id="idk-outbox-title" class="idk-section-title">"Closed calls and the CRM"</h2>
            <p class="idk-outbox-status" role="status">{live(move || status.get())}</p>
            {live(move || problem.get().map(|p| view! { <p class="idk-notice" role="alert">{p}</p> }))}
            {live(move || send_problem.get().map(|p| view! { <p class="idk-notice" role="alert">{p}</p> }))}
            {live(move || {
                storage
                    .get()
                    .map(|s| {
                        let pressure = s.under_pressure().then(|| {
                            let (used, quota) = s.usage.unwrap_or_default();
                            view! {
                                <p class="idk-notice" role="alert">
                                    "Storage is nearly full: " {megabytes(used)} " of " {megabytes(quota)}
                                    " used. Unsent entries may be lost: ask your supervisor to free space."
                                </p>
                            }
                        });
                        view! {
                            <p class="idk-outbox-storage">{storage_text(&s)}</p>
                            {pressure}
                        }
                    })
            })}
            {show_when(move || dead.with(|d| !d.is_empty()), move || {
                view! {
                    <h3 class="idk-subsection-title">"Refused by the CRM"</h3>
                    <ul class="idk-dead-letters">
                        {keyed(
                            move || dead.get(),
                            |d| format!("{} {}", d.key, d.at),
                            move |d| view! { <DeadLetterRow letter=d agent=agent on_send_again=send_again /> }.into_any(),
                        )}
                    </ul>
                }
                .into_any()
            })}
        </section>
    }
}

/// One refused entry: why, when, the entry itself as text, and "Send again".
#[component]
fn DeadLetterRow(
    /// The refused entry.
    letter: DeadLetterView,
    /// Who is signed in.
    agent: Signal<String>,
    /// Sends it again.
    on_send_again: impl Fn(IdempotencyKey) + 'static,
) -> impl IntoView {
    let reason_id = format!("idk-dead-{}", letter.key);
    let locale = shown_locale();
    let at = letter.at;
    let key = letter.key.clone();
    let attempts = if letter.attempts == 1 {
        "1 attempt".to_owned()
    } else {
        format!("{} attempts", letter.attempts)
    };
    view! {
        <li class="idk-dead-letter">
            <p id=reason_id.clone()>
                "Refused on " <time datetime=iso8601(at)>{live(move || locale.with(|l| date_and_time(at, l.as_ref())))}</time> " after " {attempts} ": " {letter.reason}
            </p>
            {live(move || {
                let theirs = letter.handler.as_deref() == Some(agent.get().as_str());
                if theirs {
                    view! {
                        <details>
                            <summary>"The log entry as sent"</summary>
                            <pre class="idk-dead-letter-entry">{letter.entry.clone()}</pre>
                        </details>
                    }
                        .into_any()
                } else {
                    view! {
                        <p class="idk-dead-letter-private">
                            "Closed by another handler: its content is shown only to them."
                        </p>
                    }
                        .into_any()
                }
            })}
            <button
                type="button"
                class="idk-button idk-button-secondary"
                aria-describedby=reason_id
                on:click=handler(move |_| on_send_again(key.clone()))
            >
                "Send again"
            </button>
        </li>
    }
}
