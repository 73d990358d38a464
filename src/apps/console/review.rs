//! The procedure check on the console (F13; L3 1.6, 1.7; NOS P3, P13): each closed call's
//! deviations from the procedure, with the handler's reason, oldest first; the supervisor signs
//! each off or raises it for coaching with what to coach on. Decided ones are listed below, with
//! who decided, when and the note. Every rule is the engine's (`incident::review`).

use incident_engine::incident::{BoardCommand, ReviewItem, ReviewOutcome};
use incident_engine::kernel::sort::sort_by_key;
use leptos::prelude::*;

use super::{After, Console};
use crate::host::clock::{date_and_time, hours_minutes};
use crate::ui::live::{handler, keyed, live, memo, CollectAny};

/// The queue: those waiting, then the latest decided.
pub(super) fn review_view(console: Console) -> impl IntoView {
    // By their place in the queue (it only grows): the ids of the items waiting.
    let waiting = memo(move || {
        console.board.with(|b| {
            b.reviews
                .iter()
                .enumerate()
                .filter(|(_, r)| r.decision.is_none())
                .map(|(n, _)| n)
                .collect::<Vec<_>>()
        })
    });
    let title = move || match waiting.with(Vec::len) {
        0 => "Procedure check: nothing to review".to_owned(),
        1 => "Procedure check: 1 deviation to review".to_owned(),
        n => format!("Procedure check: {n} deviations to review"),
    };
    let decided = move || {
        console.board.with(|b| {
            // The latest decided first (a later one in the queue may be decided earlier).
            let mut all: Vec<_> = b
                .reviews
                .iter()
                .filter_map(|r| r.decision.as_ref().map(|d| (r, d)))
                .collect();
            sort_by_key(&mut all, |(_, d)| std::cmp::Reverse(d.at));
            all.into_iter()
                .take(10)
                .map(|(r, d)| {
                    let note = if d.note.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", d.note)
                    };
                    let text = format!(
                        "{} on call {} ({}): {} by {} at {}{note}",
                        r.what,
                        r.call,
                        r.handler,
                        d.outcome.label(),
                        d.by,
                        hours_minutes(d.at, None)
                    );
                    view! { <li>{text}</li> }
                })
                .collect_any()
        })
    };
    let any_decided = move || {
        console
            .board
            .with(|b| b.reviews.iter().any(|r| r.decision.is_some()))
    };
    view! {
        <section class="idk-card idk-section" aria-labelledby="idk-review-title">
            <h2 class="idk-card-title" id="idk-review-title" tabindex="-1">{live(title)}</h2>
            <p class="idk-muted">
                "Each closed call's deviations from the procedure, with the handler's reason. Sign each off, or raise it for coaching with what to coach on."
            </p>
            {console.said_at("review")}
            <ul class="idk-review-list">
                {keyed(move || waiting.get(), |n| n.to_string(), move |n| item(console, n))}
            </ul>
            {live(move || any_decided().then(|| view! {
                <h3 class="idk-subsection-title" id="idk-reviewed-title">"Decided (the latest 10)"</h3>
                <ul class="idk-review-list" aria-labelledby="idk-reviewed-title">{live(decided)}</ul>
            }))}
        </section>
    }
}

/// A deviation waiting for the supervisor's decision: the call, what, the reason, a note and the
/// two decisions.
fn item(console: Console, n: usize) -> AnyView {
    let Some(review) = console.board.with_untracked(|b| b.reviews.get(n).cloned()) else {
        return ().into_any();
    };
    let ReviewItem {
        key,
        call,
        handler: taken_by,
        code,
        closed_at,
        what,
        reason,
        ..
    } = review;
    let note = RwSignal::new(String::new());
    let note_id = format!("idk-review-note-{n}");
    let about = format!(
        "Call {call} · taken by {taken_by}{} · closed {}",
        code.map(|c| format!(" · {c}")).unwrap_or_default(),
        date_and_time(closed_at, None)
    );
    let decide = move |outcome: ReviewOutcome| {
        let key = key.clone();
        move |_| {
            // The next waiting one's sign-off, else the section's heading.
            let next = console.board.with_untracked(|b| {
                b.reviews
                    .iter()
                    .enumerate()
                    .find(|(m, r)| *m != n && r.decision.is_none())
                    .map(|(m, _)| format!("idk-review-sign-{m}"))
            });
            let refused =
                (outcome == ReviewOutcome::Coaching).then(|| format!("idk-review-note-{n}"));
            console.run(
                "review".to_owned(),
                BoardCommand::Decide {
                    key: key.clone(),
                    outcome,
                    note: note.get_untracked(),
                },
                After {
                    focus: Some(next.unwrap_or_else(|| "idk-review-title".to_owned())),
                    refused,
                    done: None,
                },
            );
        }
    };
    let sign_name = format!("Sign off: {what} (call {call})");
    let coach_name = format!("Raise for coaching: {what} (call {call})");
    view! {
        <li class="idk-review">
            <p class="idk-muted">{about}</p>
            <p><strong>{what}</strong></p>
            <p>{format!("Reason given: {reason}")}</p>
            <div class="idk-field idk-field-wide">
                <label for=note_id.clone()>"Note (what to coach on: required to raise it for coaching)"</label>
                <input id=note_id type="text" prop:value=move || note.get() on:input=handler(move |ev| note.set(event_target_value(&ev))) />
            </div>
            <div class="idk-actions">
                <button type="button" id=format!("idk-review-sign-{n}") class="idk-button idk-button-secondary" aria-label=sign_name on:click=handler(decide(ReviewOutcome::SignedOff))>"Sign off"</button>
                <button type="button" class="idk-button idk-button-secondary" aria-label=coach_name on:click=handler(decide(ReviewOutcome::Coaching))>"Raise for coaching"</button>
            </div>
        </li>
    }
    .into_any()
}
