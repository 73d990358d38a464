//! Knowledge checks (issue 16; F19): the "describe" criteria of the Level 2 unit (L2 3.1–3.8, 2.1)
//! or the Level 3 unit (L3 3.1–3.6, K2, K9), asked from the organisation's own pack
//! (`practice::knowledge`), one question at a time by keyboard, each answered right or not with
//! the pack's own words; the result added to the trainee's practice record (`host::evidence`).
//! Its own page (practice-knowledge.html, `?pack=` as the practice page's) and wasm, so the
//! question generator weighs nothing on the practice call screen.

use std::sync::Arc;

use incident_engine::kernel::SplitMix64;
use incident_engine::practice::evidence::KnowledgeCheck;
use incident_engine::practice::knowledge::{
    knowledge_check_for, KnowledgeAnswer, KnowledgeQuestion, Level,
};
use incident_engine::practice::scenario::PackRef;
use incident_engine::Pack;
use leptos::prelude::*;

use crate::host::clock::now_ms;
use crate::host::evidence::{self, EVIDENCE_KEY};
use crate::host::instance::Instance;
use crate::host::pack_source::fetch_pack;
use crate::host::page::{mark_settled, Settled};
use crate::ui::live::{handler, live};

/// The knowledge check page: the pack at `pack_url`, then the check.
#[component]
pub fn App(
    /// Where to fetch the procedure pack from, relative to the page.
    pack_url: String,
) -> impl IntoView {
    let loaded = RwSignal::new(None::<Result<Arc<Pack>, String>>);
    let url = pack_url.clone();
    leptos::task::spawn_local(async move {
        let _ = crate::host::offline::keep_for_offline().await;
    });
    leptos::task::spawn_local(async move {
        let pack = fetch_pack(&url)
            .await
            .map(|(pack, _)| Arc::new(pack))
            .map_err(|e| e.at(&url));
        mark_settled(if pack.is_ok() {
            Settled::Ready
        } else {
            Settled::PackError
        });
        loaded.try_set(Some(pack));
    });
    let back = format!(
        "practice.html?pack={}",
        String::from(js_sys::encode_uri_component(&pack_url))
    );
    view! {
        <div class="idk">
            <header class="idk-header">
                <h1 class="idk-title">"Knowledge check"</h1>
                <p class="idk-subtitle">
                    "Incident Desk · questions from your own procedures · "
                    <a href=back>"practice calls"</a>
                    " · "
                    <a href="practice-record.html">"your practice record"</a>
                </p>
            </header>
            <main class="idk-main">
                {move || match loaded.get() {
                    None => view! { <p class="idk-muted" role="status">"Loading the procedures…"</p> }.into_any(),
                    Some(Err(why)) => view! { <p class="idk-notice" role="alert">{why}</p> }.into_any(),
                    Some(Ok(pack)) => knowledge_view(pack).into_any(),
                }}
            </main>
        </div>
    }
}

/// Adds a finished check to the trainee's record; says whether it was kept.
fn keep(check: KnowledgeCheck, kept: RwSignal<Option<Result<(), String>>>) {
    leptos::task::spawn_local(async move {
        let result = evidence::update(EVIDENCE_KEY, move |k| {
            k.knowledge.push(check);
            Ok(())
        })
        .await
        .map(|_| ());
        kept.try_set(Some(result));
    });
}

/// How many questions a knowledge check asks.
const KNOWLEDGE_QUESTIONS: usize = 9;

/// A knowledge check (L2 3.1–3.8 and 2.1, or L3 3.1–3.6, K2 and K9, as the trainee chooses):
/// questions from the pack one at a time, each answered
/// with its options, then right or not with the pack's own words; at the end, how many were right,
/// kept in the practice record.
fn knowledge_view(pack: Arc<Pack>) -> impl IntoView {
    let kept = RwSignal::new(None::<Result<(), String>>);
    let pack_ref = StoredValue::new(PackRef {
        organisation: pack.file().organisation.id.clone(),
        version: pack.file().version.clone(),
    });
    let questions = RwSignal::new(Vec::<KnowledgeQuestion>::new());
    let at = RwSignal::new(0usize);
    let chosen = RwSignal::new(None::<usize>);
    let answered = RwSignal::new(None::<bool>);
    let answers = RwSignal::new(Vec::<KnowledgeAnswer>::new());
    let level = RwSignal::new(Level::L2);
    let heading = format!(
        "Questions from the procedures of {} (version {})",
        pack.file().organisation.name,
        pack.file().version
    );
    let start = move |chosen_level: Level| {
        level.set(chosen_level);
        let seed = now_ms();
        questions.set(knowledge_check_for(
            &pack,
            &mut SplitMix64::new(seed),
            KNOWLEDGE_QUESTIONS,
            chosen_level,
        ));
        at.set(0);
        chosen.set(None);
        answered.set(None);
        answers.set(Vec::new());
        kept.set(None);
        Instance::current().focus_soon("idk-knowledge-question");
    };
    let answer = move || {
        let Some(choice) = chosen.get_untracked() else {
            return;
        };
        let Some(q) = questions.with_untracked(|qs| qs.get(at.get_untracked()).cloned()) else {
            return;
        };
        let right = q.is_right(choice);
        answered.set(Some(right));
        answers.update(|a| {
            a.push(KnowledgeAnswer {
                question: q.id.clone(),
                criterion: q.criterion.clone(),
                right,
            })
        });
        Instance::current().focus_soon("idk-knowledge-feedback");
    };
    let next = move |_| {
        let last = at.get_untracked() + 1 >= questions.with_untracked(Vec::len);
        if last {
            let check = KnowledgeCheck {
                id: format!("knowledge-{}", now_ms()),
                pack: pack_ref.get_value(),
                at: now_ms(),
                answers: answers.get_untracked(),
            };
            keep(check, kept);
            questions.set(Vec::new());
            Instance::current().focus_soon("idk-knowledge-done");
        } else {
            at.update(|n| *n += 1);
            chosen.set(None);
            answered.set(None);
            Instance::current().focus_soon("idk-knowledge-question");
        }
    };
    let body = live(move || {
        let current = questions.with(|qs| qs.get(at.get()).cloned());
        let Some(q) = current else {
            let done = answers.with(|a| {
                (!a.is_empty()).then(|| {
                    format!(
                        "Your last {} check: {} of {} right.",
                        level_text(level.get()),
                        a.iter().filter(|x| x.right).count(),
                        a.len()
                    )
                })
            });
            let (start_l2, start_l3) = (start.clone(), start.clone());
            return view! {
                <p id="idk-knowledge-done" tabindex="-1">{done}</p>
                {move || kept.get().map(|k| match k {
                    Ok(()) => view! { <p class="idk-muted" role="status">"Kept in your practice record in this browser."</p> }.into_any(),
                    Err(why) => view! { <p class="idk-notice" role="alert">"This check could not be kept in your practice record: " {why}</p> }.into_any(),
                })}
                <div class="idk-practice-actions">
                    <button type="button" class="idk-button" on:click=handler(move |_| start_l2(Level::L2))>
                        "Start a knowledge check (Level 2: taking calls)"
                    </button>
                    <button type="button" class="idk-button idk-button-secondary" on:click=handler(move |_| start_l3(Level::L3))>
                        "Start a knowledge check (Level 3: supervising)"
                    </button>
                </div>
            }
            .into_any();
        };
        let total = questions.with(Vec::len);
        let options = q
            .options
            .iter()
            .enumerate()
            .map(|(i, text)| {
                // Once answered, the right option says so, in words as well as in order.
                let right = i == q.answer;
                let mark =
                    move || (answered.get().is_some() && right).then_some(" ✓ the right answer");
                view! {
                    <label class="idk-option-row">
                        <input
                            type="radio"
                            name="idk-knowledge-option"
                            prop:checked=move || chosen.get() == Some(i)
                            disabled=move || answered.get().is_some()
                            on:change=handler(move |_| chosen.set(Some(i)))
                        />
                        " " {text.clone()}
                        <strong>{mark}</strong>
                    </label>
                }
                .into_any()
            })
            .collect::<Vec<_>>();
        let source = q.source.clone();
        let right_text = q.options[q.answer].clone();
        view! {
            <fieldset class="idk-group">
                <legend id="idk-knowledge-question" tabindex="-1">
                    {format!("Question {} of {total} ({}): {}", at.get() + 1, q.criterion, q.prompt)}
                </legend>
                {options}
            </fieldset>
            {move || match answered.get() {
                None => view! {
                    <button type="button" class="idk-button" disabled=move || chosen.get().is_none() on:click=handler(move |_| answer())>
                        "Answer"
                    </button>
                }
                .into_any(),
                Some(right) => {
                    let verdict = if right { "Right." } else { "Not quite." };
                    view! {
                        <div id="idk-knowledge-feedback" tabindex="-1" role="status">
                            <p><strong>{verdict}</strong> " The answer: " {right_text.clone()}</p>
                            <p class="idk-muted">"From your procedures: " {source.clone()}</p>
                        </div>
                        <button type="button" class="idk-button" on:click=handler(next)>
                            {move || if at.get() + 1 >= questions.with(Vec::len) { "Finish" } else { "Next" }}
                        </button>
                    }
                    .into_any()
                }
            }}
        }
        .into_any()
    });
    view! {
        <section class="idk-card" aria-labelledby="idk-knowledge-heading">
            <h2 id="idk-knowledge-heading" class="idk-card-title">{heading}</h2>
            <p class="idk-muted">
                "Short questions from your own procedures. Level 2: services, legislation, decision trees, resources, escalation, advice limits, codes and who to tell. Level 3: services, priorities, channels, response times, targets, retention and complaints."
            </p>
            {body}
        </section>
    }
}

fn level_text(level: Level) -> &'static str {
    match level {
        Level::L2 => "Level 2",
        Level::L3 => "Level 3",
    }
}
