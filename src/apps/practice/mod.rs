//! Practice (issue 16; F19; L2 1.1–2.3): a trainee takes scenario calls on the same call screen
//! as live calls, marked PRACTICE, against the pack their centre uses. Nothing is ever sent to a
//! host CRM or kept in the live outbox or drafts (`ui::context::PracticeCall`). The scripted
//! caller answers as the trainee asks (`practice::caller`); the engine scores the closed call
//! (`practice::score`), each point with its criterion; in coaching mode what was done well shows
//! as the call goes, in assessment mode only at the end.
//!
//! The scenarios for a pack are listed in `packs/scenarios/<organisation id>.json` (their file
//! names) beside the page, each in `packs/scenarios/<organisation id>/`; each is checked against
//! the pack, and one that cannot be played is named with its problem, not offered.

use std::sync::Arc;

use incident_engine::call::{Call, PriorCall};
use incident_engine::kernel::{counted, minutes_and_seconds};
use incident_engine::pack::{ControlKind, LogField};
use incident_engine::practice::caller::{voice as caller_voice, Reply, ScriptedCaller};
use incident_engine::practice::evidence::{Attempt, EvidenceFile, Mode};
use incident_engine::practice::scenario::{parse_scenario, read_scenario_list, Cue, ScenarioFile};
use incident_engine::practice::score::{score, PhraseUsed, PracticeRecord, Score};
use incident_engine::{fill_text, Pack};
use leptos::prelude::*;

use crate::host::clock::{every_second, now_ms};
use crate::host::evidence::{self, EVIDENCE_KEY};
use crate::host::instance::Instance;
use crate::host::pack_source::{fetch_bytes, fetch_pack, FetchError};
use crate::host::page::{mark_settled, Settled};
use crate::host::speech;
use crate::ui::context::PracticeCall;
use crate::ui::live::{effect, handler, live, memo, CollectAny};
use crate::ui::CallScreen;

/// The largest scenario list or scenario fetched.
const MAX_BYTES: usize = 512 * 1024;

/// What the page has loaded.
#[derive(Clone)]
struct Library {
    /// Where the pack was fetched from (the knowledge check is given the same).
    pack_url: String,
    pack: Arc<Pack>,
    scenarios: Vec<Arc<ScenarioFile>>,
    /// Scenarios that could not be used: the file and why.
    problems: Vec<String>,
}

/// Where the trainee is.
#[derive(Clone)]
enum Screen {
    /// Choosing a scenario.
    Library,
    /// Taking a call.
    Call(Arc<ScenarioFile>, Mode),
    /// Reading the score.
    /// (the scenario, the mode, the score, questions the caller could not answer, the call's
    /// length in milliseconds)
    Result(Arc<ScenarioFile>, Mode, Arc<Score>, Vec<String>, u64),
}

/// The trainee's practice record in this browser (`host::evidence`): read for the summary on
/// the library; each attempt and knowledge check added to it as kept (read, changed and written
/// under one lock, so the record page's observations in another tab are never written over).
#[derive(Clone, Copy)]
struct Record {
    /// The record as last read or kept (a new one when there was none).
    kept: RwSignal<Option<EvidenceFile>>,
    /// Why the kept record cannot be read: then nothing is written over it.
    problem: RwSignal<Option<String>>,
    /// Whether the last attempt was kept, or why not.
    saved: RwSignal<Option<Result<(), String>>>,
}

impl Record {
    /// Adds `attempt` to the record kept; says on the result page whether it was kept.
    fn add(self, attempt: Attempt) {
        self.change(move |k| k.attempts.push(attempt));
    }

    fn change(self, change: impl FnOnce(&mut EvidenceFile) + 'static) {
        leptos::task::spawn_local(async move {
            let result = evidence::update(EVIDENCE_KEY, move |k| {
                change(k);
                Ok(())
            })
            .await;
            match result {
                Ok(kept) => {
                    self.kept.try_set(Some(kept));
                    self.saved.try_set(Some(Ok(())));
                }
                Err(why) => {
                    self.saved.try_set(Some(Err(why)));
                }
            }
        });
    }
}

fn fetch_text(error: FetchError) -> String {
    match error {
        FetchError::Unreachable { detail } => format!("it could not be fetched ({detail})"),
        FetchError::NotFound { status } => format!("it was not found (HTTP {status})"),
        FetchError::Http { status } => format!("the server refused it (HTTP {status})"),
        FetchError::TooLarge { bytes, limit } => {
            format!("it is {bytes} bytes, over the {limit} allowed")
        }
    }
}

/// The pack at `pack_url` and its scenarios, or why not.
async fn load(pack_url: &str) -> Result<Library, String> {
    let (pack, _) = fetch_pack(pack_url).await.map_err(|e| e.at(pack_url))?;
    let org = pack.file().organisation.id.clone();
    let list_url = format!("packs/scenarios/{org}.json");
    let list = fetch_bytes(&list_url, None, MAX_BYTES)
        .await
        .map_err(|e| format!("The list of scenarios at {list_url}: {}", fetch_text(e)))?;
    let names = read_scenario_list(&list)
        .map_err(|why| format!("The list of scenarios at {list_url}: {why}"))?;
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        let url = format!("packs/scenarios/{org}/{name}");
        match fetch_bytes(&url, None, MAX_BYTES).await {
            Err(e) => problems.push(format!("{name}: {}", fetch_text(e))),
            Ok(bytes) => match parse_scenario(&bytes, &pack) {
                Ok(s) => scenarios.push(Arc::new(s)),
                Err(e) => problems.push(format!("{name}: {e}")),
            },
        }
    }
    Ok(Library {
        pack_url: pack_url.to_owned(),
        pack: Arc::new(pack),
        scenarios,
        problems,
    })
}

/// The practice page.
#[component]
pub fn App(
    /// Where to fetch the procedure pack from, relative to the page.
    pack_url: String,
) -> impl IntoView {
    let library = RwSignal::new(None::<Result<Library, String>>);
    let screen = RwSignal::new(Screen::Library);
    // Off until the trainee turns it on; kept from call to call.
    let speak = RwSignal::new(false);
    let record = Record {
        kept: RwSignal::new(None),
        problem: RwSignal::new(None),
        saved: RwSignal::new(None),
    };
    // Kept for offline use: None while the browser fetches what it needs.
    let offline = RwSignal::new(None::<Result<(), String>>);
    leptos::task::spawn_local(async move {
        let kept = crate::host::offline::keep_for_offline().await;
        offline.try_set(Some(kept));
    });
    let url = pack_url.clone();
    leptos::task::spawn_local(async move {
        match evidence::load(EVIDENCE_KEY).await {
            Ok(kept) => {
                record
                    .kept
                    .try_set(Some(kept.unwrap_or_else(|| EvidenceFile::new(""))));
            }
            Err(why) => {
                record.problem.try_set(Some(why));
            }
        }
        let loaded = load(&url).await;
        mark_settled(if loaded.is_ok() {
            Settled::Ready
        } else {
            Settled::PackError
        });
        library.try_set(Some(loaded));
    });
    view! {
        <div class="idk">
            <header class="idk-header">
                <h1 class="idk-title">"Practice"</h1>
                <p class="idk-subtitle">
                    "Incident Desk · practice calls: nothing is sent to the CRM · "
                    <a href="index.html">"call screen"</a>
                </p>
                <p class="idk-muted" role="status">
                    {move || match offline.get() {
                        None => "Offline use: getting this page ready to work with no network…".to_owned(),
                        Some(Ok(())) => "Offline use: ready. This page, its scenarios and your practice record work in this browser with no network.".to_owned(),
                        Some(Err(why)) => format!("Offline use: not available, {why}. Practice works while you are online."),
                    }}
                </p>
            </header>
            <main class="idk-main">
                {move || match library.get() {
                    None => view! { <p class="idk-muted" role="status">"Loading the scenarios…"</p> }.into_any(),
                    Some(Err(why)) => view! { <p class="idk-notice" role="alert">{why}</p> }.into_any(),
                    Some(Ok(lib)) => match screen.get() {
                        Screen::Library => library_view(lib, screen, record).into_any(),
                        Screen::Call(scenario, mode) => call_view(lib.pack.clone(), scenario, mode, screen, record, speak).into_any(),
                        Screen::Result(scenario, mode, score, unmatched, took) => {
                            result_view(scenario, mode, score, unmatched, took, screen, record).into_any()
                        }
                    },
                }}
            </main>
        </div>
    }
}

/// The scenarios, to choose from.
fn library_view(lib: Library, screen: RwSignal<Screen>, record: Record) -> impl IntoView {
    let f = lib.pack.file();
    let mode = RwSignal::new(Mode::Coaching);
    let problems = (!lib.problems.is_empty()).then(|| {
        let items = lib
            .problems
            .iter()
            .map(|p| view! { <li>{p.clone()}</li> })
            .collect_any();
        view! {
            <div class="idk-notice" role="alert">
                <p class="idk-notice-title">"Some scenarios cannot be used with this pack"</p>
                <ul>{items}</ul>
            </div>
        }
    });
    let rows = lib
        .scenarios
        .iter()
        .map(|s| {
            let s = s.clone();
            let title = s.title.clone();
            let caller = format!(
                "{}, {}{}",
                s.caller.name,
                s.caller.manner.label(),
                s.caller
                    .language
                    .as_ref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default()
            );
            // As people write them: "hard of hearing", not "hard_of_hearing".
            let tags = s
                .tags
                .iter()
                .map(|t| t.replace(['_', '-'], " "))
                .collect::<Vec<_>>()
                .join(", ");
            let label = format!("Take the call: {}", s.title);
            view! {
                <li class="idk-card">
                    <h3 class="idk-card-title">{title}</h3>
                    <p>"Caller: " {caller}</p>
                    <p class="idk-muted">{tags}</p>
                    <button
                        type="button"
                        class="idk-button"
                        aria-label=label
                        on:click=handler(move |_| {
                            screen.set(Screen::Call(s.clone(), mode.get_untracked()));
                        })
                    >
                        "Take the call"
                    </button>
                </li>
            }
        })
        .collect_any();
    let choose = move |m: Mode| handler(move |_: web_sys::Event| mode.set(m));
    view! {
        <section class="idk-card" aria-labelledby="idk-practice-library">
            <h2 id="idk-practice-library" class="idk-card-title" tabindex="-1">
                {format!("Scenarios for {} (procedures version {})", f.organisation.name, f.version)}
            </h2>
            {problems}
            <fieldset class="idk-group">
                <legend>"How you are scored"</legend>
                <label>
                    <input type="radio" name="idk-practice-mode" checked=true on:change=choose(Mode::Coaching) />
                    " Coaching: what you did well shows as you go, and everything at the end"
                </label>
                <label>
                    <input type="radio" name="idk-practice-mode" on:change=choose(Mode::Assessment) />
                    " Assessment: your score only at the end"
                </label>
            </fieldset>
            <ul class="idk-practice-list">{rows}</ul>
        </section>
        <section class="idk-card" aria-labelledby="idk-knowledge-link">
            <h2 id="idk-knowledge-link" class="idk-card-title">"Knowledge check"</h2>
            <p>
                <a href=format!("practice-knowledge.html?pack={}", String::from(js_sys::encode_uri_component(&lib.pack_url)))>"Take a knowledge check"</a>
                ": short questions from these procedures, for Level 2 (taking calls) or Level 3 (supervising), kept in your practice record."
            </p>
        </section>
        {record_view(record)}
    }
}

/// The trainee's practice record in brief, and the way to it (practice-record.html: the chart,
/// the criteria, the assessor's sign-off, print and download).
fn record_view(record: Record) -> impl IntoView {
    let summary = live(move || {
        record.kept.with(|k| {
            let (attempts, checks) = k
                .as_ref()
                .map_or((0, 0), |k| (k.attempts.len(), k.knowledge.len()));
            if attempts + checks == 0 {
                "No attempts yet: your calls and knowledge checks are kept in this browser as you take them.".to_owned()
            } else {
                format!(
                    "{} and {} kept in this browser.",
                    counted(attempts, "attempt", "attempts"),
                    counted(checks, "knowledge check", "knowledge checks")
                )
            }
        })
    });
    view! {
        <section class="idk-card" aria-labelledby="idk-practice-record">
            <h2 id="idk-practice-record" class="idk-card-title">"Your practice record"</h2>
            {live(move || record.problem.get().map(|why| view! { <p class="idk-notice" role="alert">{why} ". New attempts are not kept until it is cleared."</p> }))}
            <p role="status">{summary}</p>
            <p>
                <a href="practice-record.html">"Open your practice record"</a>
                " (your scores over time, the criteria they evidence, your assessor's sign-off; print or download it)"
            </p>
        </section>
    }
}

/// A practice call: the call screen, and the caller beside it.
fn call_view(
    pack: Arc<Pack>,
    scenario: Arc<ScenarioFile>,
    mode: Mode,
    screen: RwSignal<Screen>,
    kept: Record,
    speak: RwSignal<bool>,
) -> impl IntoView {
    let practice = PracticeCall {
        call: RwSignal::new(None),
    };
    provide_context(practice);
    // The question on screen, and whether the call is closed: each a memo of the call, so the
    // caller is asked again only when the question changes, and the score made once.
    let asking = memo(move || {
        practice.call.with(|c| {
            c.as_ref().and_then(|c| {
                c.tree()
                    .zip(c.current_question())
                    .map(|(t, q)| (t.to_owned(), q.to_owned()))
            })
        })
    });
    let closed = memo(move || {
        practice
            .call
            .with(|c| c.as_ref().is_some_and(Call::is_closed))
    });
    let started = now_ms();
    let transcript = RwSignal::new(vec![("Caller".to_owned(), scenario.caller.opening.clone())]);
    let record = RwSignal::new(PracticeRecord::default());
    let caller = StoredValue::new(ScriptedCaller::new(&scenario));
    // The caller's lines aloud too, when the trainee has turned that on.
    let voice = caller_voice(&scenario.caller);
    let say = move |who: &str, text: String| {
        if who == "Caller" && speak.get_untracked() {
            speech::speak(&text, voice);
        }
        transcript.update(|t| t.push((who.to_owned(), text)));
    };
    if speak.get_untracked() {
        speech::speak(&scenario.caller.opening, voice);
    }
    on_cleanup(speech::stop);
    // The caller answers the question on screen, once each time it is asked.
    {
        let (pack, scenario) = (pack.clone(), scenario.clone());
        effect(move || {
            let Some((tree, node)) = asking.get() else {
                return;
            };
            let Some(question) = pack.tree(&tree).and_then(|t| t.node(&node)) else {
                return;
            };
            say("You", question.question.clone());
            let reply = caller
                .try_update_value(|c| c.reply_to_question(&pack, &scenario, &tree, &node))
                .map_or_else(String::new, |r| r.text().to_owned());
            say("Caller", reply);
        });
    }
    // Advice given on the call screen is said to the caller, in its words, once each.
    let advice = memo(move || {
        practice.call.with(|c| {
            c.as_ref().map_or_else(Vec::new, |c| {
                c.log()
                    .iter()
                    .filter_map(|e| match &e.what {
                        incident_engine::call::Event::AdviceGiven { text, .. } => {
                            Some(text.clone())
                        }
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let advice_said = StoredValue::new(0usize);
    effect(move || {
        let given = advice.get();
        let from = advice_said.get_value();
        for text in given.iter().skip(from) {
            say("You", text.clone());
        }
        advice_said.set_value(given.len().max(from));
    });
    // What happens during the call, when it is due.
    let due = StoredValue::new(0usize);
    let events_scenario = scenario.clone();
    if let Some(timer) = every_second(move || {
        let elapsed = now_ms().saturating_sub(started) / 1000;
        let next = due.get_value();
        if let Some(event) = events_scenario.events.get(next) {
            if u64::from(event.after_seconds) <= elapsed {
                due.set_value(next + 1);
                say("Caller", event.say.clone());
            }
        }
    }) {
        on_cleanup(move || timer.clear());
    }
    // Once closed, the score, and the attempt kept in the trainee's record.
    let saving_record = kept;
    let saving = kept.saved;
    {
        let (pack, scenario) = (pack.clone(), scenario.clone());
        effect(move || {
            if !closed.get() {
                return;
            }
            let Some(call) = practice.call.get_untracked() else {
                return;
            };
            let mut kept = record.get_untracked();
            kept.phrases.sort_by_key(|p| p.after_ms);
            let scored = score(&pack, &scenario, &call, &kept);
            let finished = now_ms();
            let took = finished.saturating_sub(call.opened_at());
            let attempt = Attempt::new(
                format!("attempt-{started}"),
                &scenario,
                mode,
                call.opened_at(),
                finished,
                &scored,
                kept.unmatched.clone(),
            );
            saving.set(None);
            saving_record.add(attempt);
            screen.set(Screen::Result(
                scenario.clone(),
                mode,
                Arc::new(scored),
                kept.unmatched,
                took,
            ));
            Instance::current().focus_soon("idk-practice-score");
        });
    }
    let file = pack.file();
    let greeting = file.wording.greeting.clone();
    let org = file.organisation.name.clone();
    let mut kinds: Vec<ControlKind> = Vec::new();
    for p in &file.wording.control_phrases {
        if !kinds.contains(&p.kind) {
            kinds.push(p.kind);
        }
    }
    let phrase_buttons = kinds
        .into_iter()
        .map(|kind| {
            let text = file
                .wording
                .control_phrases
                .iter()
                .find(|p| p.kind == kind)
                .map(|p| p.text.clone())
                .unwrap_or_default();
            view! {
                <button
                    type="button"
                    class="idk-button idk-button-secondary"
                    on:click=handler(move |_| {
                        let after_ms = now_ms().saturating_sub(started);
                        record.update(|r| r.phrases.push(PhraseUsed { after_ms, kind }));
                        say("You", text.clone());
                    })
                >
                    {kind.label()}
                </button>
            }
        })
        .collect_any();
    let ask_fields = [
        LogField::Location,
        LogField::CallbackNumber,
        LogField::CallerName,
        LogField::Narrative,
    ]
    .into_iter()
    .map(|field| {
        let scenario = scenario.clone();
        view! {
            <button
                type="button"
                class="idk-button idk-button-secondary"
                on:click=handler(move |_| {
                    say("You", match field {
                        LogField::Narrative => "(asks what is happening)".to_owned(),
                        _ => format!("(asks for the {})", incident_engine::kernel::lowercase(field.label())),
                    });
                    // A script may answer the field by a line for it, or by words ("name").
                    let reply = caller.try_update_value(|c| {
                        match c.reply(&scenario, &Cue::Field(field.name().to_owned())) {
                            Reply::Unknown { .. } => c.reply_to_words(&scenario, field.label()),
                            line => line,
                        }
                    });
                    say("Caller", reply.map_or_else(String::new, |r| r.text().to_owned()));
                })
            >
                {field.label()}
            </button>
        }
    })
    .collect_any();
    // The safety questions, asked one by one: the caller answers each as the script says.
    let ask_safety = file
        .safety_net
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let scenario = scenario.clone();
            let (id, question) = (q.id.clone(), q.question.clone());
            view! {
                <button
                    type="button"
                    class="idk-button idk-button-secondary"
                    aria-label=format!("Safety {}: {}", i + 1, q.question)
                    on:click=handler(move |_| {
                        say("You", question.clone());
                        let reply = caller
                            .try_update_value(|c| c.reply(&scenario, &Cue::Safety(id.clone())))
                            .map_or_else(String::new, |r| r.text().to_owned());
                        say("Caller", reply);
                    })
                >
                    {format!("Safety {}", i + 1)}
                </button>
            }
        })
        .collect_any();
    let asked = RwSignal::new(String::new());
    let ask_scenario = scenario.clone();
    let ask = move || {
        let question = asked.get_untracked();
        if question.trim().is_empty() {
            return;
        }
        say("You", question.clone());
        let reply = caller.try_update_value(|c| c.reply_to_words(&ask_scenario, &question));
        if let Some(reply) = reply {
            if matches!(reply, Reply::Unknown { .. }) {
                record.update(|r| r.unmatched.push(question.clone()));
            }
            say("Caller", reply.text().to_owned());
        }
        asked.set(String::new());
    };
    // Newest first, so what was just said is always in sight above the call.
    let lines = live(move || {
        transcript
            .get()
            .into_iter()
            .rev()
            .map(|(who, text)| view! { <li><strong>{who} ": "</strong>{text}</li> })
            .collect_any()
    });
    let coaching = (mode == Mode::Coaching).then(|| {
        let (pack, scenario) = (pack.clone(), scenario.clone());
        let done = live(move || {
            let kept = record.get();
            practice
                .call
                .with(|call| call.as_ref().map(|c| coaching_lines(&pack, &scenario, c, &kept)))
                .unwrap_or_default()
        });
        view! {
            <section class="idk-section" aria-labelledby="idk-practice-coaching">
                <h3 id="idk-practice-coaching">"Coaching: what you have done, then what is still expected"</h3>
                // Its own scrolling box: the call screen keeps its room as the list grows.
                <ul class="idk-coaching" tabindex="0" aria-label="Coaching so far">{done}</ul>
            </section>
        }
    });
    let manner = scenario.caller.manner.label();
    let caller_line = format!("{} ({manner})", scenario.caller.name);
    let title = scenario.title.clone();
    let agent_history = RwSignal::new(Vec::<PriorCall>::new());
    let in_progress = RwSignal::new(true);
    view! {
        <section class="idk-card idk-practice" aria-labelledby="idk-practice-caller">
            <h2 id="idk-practice-caller" class="idk-card-title idk-practice-title" tabindex="-1">
                {format!(
                    "Practice: {title} ({})",
                    match mode {
                        Mode::Coaching => "coaching",
                        Mode::Assessment => "assessment: your score at the end",
                    }
                )}
                <span class="idk-muted">" · the caller: " {caller_line}</span>
            </h2>
            // Focusable: it scrolls, and a keyboard must reach what has scrolled away.
            <ol class="idk-transcript" reversed=true tabindex="0" aria-label="What has been said, newest first" aria-live="polite">{lines}</ol>
            <div class="idk-practice-actions">
                <button
                    type="button"
                    class="idk-button idk-button-secondary"
                    on:click=handler(move |_| {
                        record.update(|r| r.greeted = true);
                        let values = incident_engine::PlaceholderValues {
                            agent: Some("the trainee".to_owned()),
                            organisation: Some(org.clone()),
                            call: Default::default(),
                        };
                        say("You", fill_text(&greeting, &values));
                    })
                >
                    "Say the greeting"
                </button>
                <span class="idk-practice-group" role="group" aria-label="Use a control phrase">{phrase_buttons}</span>
                <span class="idk-practice-group" role="group" aria-label="Ask the caller for">{ask_fields}</span>
                <span class="idk-practice-group" role="group" aria-label="Ask the safety questions">{ask_safety}</span>
            </div>
            {speech::available().then(|| view! {
                <p>
                    <label>
                        <input
                            type="checkbox"
                            prop:checked=live(move || speak.get())
                            on:change=handler(move |ev| {
                                let on = event_target_checked(&ev);
                                if !on {
                                    speech::stop();
                                }
                                speak.set(on);
                            })
                        />
                        " Speak the caller's lines aloud"
                    </label>
                </p>
            })}
            <form
                class="idk-practice-actions"
                on:submit=handler(move |ev: web_sys::SubmitEvent| {
                    ev.prevent_default();
                    ask();
                })
            >
                <label for="idk-practice-ask">"Ask the caller in your own words"</label>
                <input
                    id="idk-practice-ask"
                    type="text"
                    prop:value=live(move || asked.get())
                    on:input=handler(move |ev| asked.set(event_target_value(&ev)))
                />
                <button type="submit" class="idk-button idk-button-secondary">"Ask"</button>
            </form>
            {coaching}
            <p>
                {to_library(screen, "Stop this call (not scored)")}
            </p>
        </section>
        <CallScreen
            pack=pack
            agent="trainee"
            history=agent_history
            in_progress=in_progress
        />
    }
}

/// What the trainee has done well so far (the points the call earns as it stands), for coaching.
fn coaching_lines(
    pack: &Pack,
    scenario: &ScenarioFile,
    call: &Call,
    record: &PracticeRecord,
) -> Vec<AnyView> {
    let so_far = score(pack, scenario, call, record);
    let (done, expected): (Vec<_>, Vec<_>) = so_far.points.iter().partition(|p| p.earned > 0);
    let done = done.into_iter().map(|p| {
        view! { <li><strong>"Done: "</strong>{p.said.clone()} " (" {p.criterion} ")"</li> }
            .into_any()
    });
    let expected = expected.into_iter().map(|p| {
        let wording = p.wording.clone().map(|w| view! { " Words to use: " <q>{w}</q> });
        view! { <li><strong>"Still expected: "</strong>{p.said.clone()} " (" {p.criterion} ")" {wording}</li> }.into_any()
    });
    done.chain(expected).collect()
}

/// The score of a closed practice call.
fn result_view(
    scenario: Arc<ScenarioFile>,
    mode: Mode,
    score: Arc<Score>,
    unmatched: Vec<String>,
    took_ms: u64,
    screen: RwSignal<Screen>,
    record: Record,
) -> impl IntoView {
    let heading = format!(
        "Your score: {} of {} ({}%)",
        score.earned(),
        score.possible(),
        score.percent()
    );
    let mode_text = mode.label();
    let areas = score
        .by_area()
        .into_iter()
        .map(|(area, earned, possible)| {
            view! { <tr><th scope="row">{area.label()}</th><td>{earned}</td><td>{possible}</td></tr> }
        })
        .collect_any();
    let points = score
        .points
        .iter()
        .map(|p| {
            let mark = if p.earned > 0 { "Done" } else { "Missed" };
            let wording = p.wording.clone().map(|w| view! { <p class="idk-muted">"Words to use: " {w}</p> });
            view! {
                <li>
                    <p><strong>{mark} ": "</strong>{p.said.clone()} " (" {p.area.label()} ", " {p.criterion} ")"</p>
                    {wording}
                </li>
            }
        })
        .collect_any();
    let criteria = score.criteria_evidenced().join(", ");
    let unmatched = (!unmatched.is_empty()).then(|| {
        let items = unmatched
            .into_iter()
            .map(|q| view! { <li>{q}</li> })
            .collect_any();
        view! {
            <h3>"Questions the caller could not answer"</h3>
            <ul>{items}</ul>
        }
    });
    let again = scenario.clone();
    view! {
        <section class="idk-card" aria-labelledby="idk-practice-score">
            <h2 id="idk-practice-score" class="idk-card-title" tabindex="-1">{heading}</h2>
            <p>
                {format!(
                    "{} · {mode_text} · the call took {}",
                    scenario.title,
                    minutes_and_seconds(took_ms)
                )}
            </p>
            {live(move || match record.saved.get() {
                None => view! { <p class="idk-muted" role="status">"Keeping this attempt in your practice record…"</p> }.into_any(),
                Some(Ok(())) => view! { <p class="idk-muted" role="status">"Kept in your practice record in this browser."</p> }.into_any(),
                Some(Err(why)) => view! { <p class="idk-notice" role="alert">"This attempt could not be kept in your practice record: " {why}</p> }.into_any(),
            })}
            <p>"Criteria evidenced: " {if criteria.is_empty() { "none".to_owned() } else { criteria }}</p>
            <div class="idk-table-wrap">
                <table class="idk-table">
                    <caption>"Points by area"</caption>
                    <thead><tr><th scope="col">"Area"</th><th scope="col">"Earned"</th><th scope="col">"Possible"</th></tr></thead>
                    <tbody>{areas}</tbody>
                </table>
            </div>
            <h3>"Point by point"</h3>
            <ol class="idk-practice-points">{points}</ol>
            {unmatched}
            <h3>"For the trainer"</h3>
            <p>{scenario.summary.clone()}</p>
            <div class="idk-practice-actions">
                <button
                    type="button"
                    class="idk-button"
                    on:click=handler(move |_| screen.set(Screen::Call(again.clone(), mode)))
                >
                    "Take this call again"
                </button>
                {to_library(screen, "Back to the scenarios")}
            </div>
        </section>
    }
}

/// A button back to the scenarios, focus on their heading.
fn to_library(screen: RwSignal<Screen>, label: &'static str) -> impl IntoView {
    view! {
        <button
            type="button"
            class="idk-button idk-button-secondary"
            on:click=handler(move |_| {
                screen.set(Screen::Library);
                Instance::current().focus_soon("idk-practice-library");
            })
        >
            {label}
        </button>
    }
}
