//! The practice record (issue 16; F19; L2 1.1–2.3, L3 2.3, 3.5): a trainee's attempts and
//! knowledge checks as evidence against the criteria, for the trainee and their assessor. Its own
//! page (practice-record.html) and wasm, so the call screen weighs nothing on it and it nothing on
//! practice. Shows the trainee's own record in this browser (`host::evidence`, as the practice
//! page keeps it), or a record an assessor has opened from a file (kept until they close it):
//! attempts over time as a chart with its table, the criteria evidenced, each attempt with its
//! areas, the assessor's observation and sign-off (final), the knowledge checks; printable, and
//! downloadable as the JSON file it is.

use incident_engine::kernel::{counted, minutes_and_seconds};
use incident_engine::practice::evidence::{read_evidence, Attempt, EvidenceFile, Mode};
use leptos::prelude::*;

use crate::host::clock::{date_and_time, now_ms};
use crate::host::evidence::{self, EVIDENCE_KEY, OPENED_KEY};
use crate::host::instance::Instance;
use crate::host::page::{mark_settled, print, Settled};
use crate::ui::live::{handler, live, CollectAny};

/// Which record the page shows: the key it is kept under.
type Source = &'static str;

/// What the page has read for the record it shows.
#[derive(Clone)]
enum Loaded {
    Reading,
    /// The record (`None`: nothing kept yet).
    Read(Option<EvidenceFile>),
    /// It cannot be read: why.
    Unreadable(String),
}

/// The page's state, shared by its parts.
#[derive(Clone, Copy)]
struct Page {
    source: RwSignal<Source>,
    loaded: RwSignal<Loaded>,
    /// What the last change said, and whether it was refused.
    said: RwSignal<Option<Result<String, String>>>,
    /// Observations typed and not yet saved, by attempt id: the page is drawn again after each
    /// change, and nothing typed is lost.
    notes: StoredValue<Vec<(String, String)>>,
    /// The assessor's name as last typed, offered for the next sign-off of the same record.
    assessor: StoredValue<String>,
    /// The opened record has changed since it was opened or last downloaded.
    unsaved: RwSignal<bool>,
    /// A sign-off refused: the attempt's number and why, shown beside its button.
    refused: RwSignal<Option<(usize, String)>>,
}

impl Page {
    /// Reads the record shown again; then moves focus to its heading when `focus` says so.
    fn reload(self, focus: bool) {
        let key = self.source.get_untracked();
        self.loaded.set(Loaded::Reading);
        leptos::task::spawn_local(async move {
            let read = match evidence::load(key).await {
                Ok(record) => Loaded::Read(record),
                Err(why) => Loaded::Unreadable(why),
            };
            self.loaded.try_set(read);
            mark_settled(Settled::Ready);
            if focus {
                Instance::current().focus_soon("idk-evidence-heading");
            }
        });
    }

    /// Shows the record kept under `key`, forgetting what was typed for another.
    fn show(self, key: Source) {
        self.notes.set_value(Vec::new());
        self.assessor.set_value(String::new());
        self.unsaved.set(false);
        self.refused.set(None);
        self.source.set(key);
        self.reload(true);
    }

    /// Removes the record under `key` and shows this browser's own record, saying `done`; or
    /// says `failed` and why.
    fn remove(self, key: Source, done: &'static str, failed: &'static str) {
        leptos::task::spawn_local(async move {
            match evidence::remove(key).await {
                Err(why) => {
                    self.said.try_set(Some(Err(format!("{failed}: {why}"))));
                }
                Ok(()) => {
                    self.said.try_set(Some(Ok(done.to_owned())));
                    self.show(EVIDENCE_KEY);
                }
            }
        });
    }

    /// Makes `change` to the record shown, kept at once; says `done` and moves focus to `focus`
    /// after. Refused, says why: beside attempt `at`'s sign-off (focus to its assessor's name),
    /// or at the top.
    fn change(
        self,
        change: impl FnOnce(&mut EvidenceFile) -> Result<(), String> + 'static,
        done: String,
        focus: String,
        at: Option<usize>,
    ) {
        let key = self.source.get_untracked();
        leptos::task::spawn_local(async move {
            match evidence::update(key, change).await {
                Ok(record) => {
                    self.loaded.try_set(Loaded::Read(Some(record)));
                    self.said.try_set(Some(Ok(done)));
                    self.refused.try_set(None);
                    if key == OPENED_KEY {
                        self.unsaved.try_set(true);
                    }
                    Instance::current().focus_soon(focus);
                }
                Err(why) => match at {
                    Some(n) => {
                        self.refused
                            .try_set(Some((n, format!("Not signed off: {why}."))));
                        Instance::current().focus_soon(format!("idk-assessor-{n}"));
                    }
                    None => {
                        self.said.try_set(Some(Err(why)));
                        Instance::current().focus_soon(focus);
                    }
                },
            }
        });
    }
}

/// The practice record page.
#[component]
pub fn App() -> impl IntoView {
    let page = Page {
        source: RwSignal::new(EVIDENCE_KEY),
        loaded: RwSignal::new(Loaded::Reading),
        said: RwSignal::new(None),
        notes: StoredValue::new(Vec::new()),
        assessor: StoredValue::new(String::new()),
        unsaved: RwSignal::new(false),
        refused: RwSignal::new(None),
    };
    // Kept for offline use with the practice page (the same service worker and scope).
    leptos::task::spawn_local(async move {
        let _ = crate::host::offline::keep_for_offline().await;
    });
    // A record left open by an assessor is shown first: they had not finished with it.
    leptos::task::spawn_local(async move {
        if let Ok(Some(_)) = evidence::load(OPENED_KEY).await {
            page.source.try_set(OPENED_KEY);
            // Whether it was downloaded since it changed is not known: asked before closing.
            page.unsaved.try_set(true);
        }
        page.reload(false);
    });
    let said = live(move || {
        page.said.get().map(|s| match s {
            Ok(text) => {
                view! { <p class="idk-muted idk-evidence-said" role="status">{text}</p> }.into_any()
            }
            Err(why) => {
                view! { <p class="idk-notice idk-evidence-said" role="alert">{why}</p> }.into_any()
            }
        })
    });
    view! {
        <div class="idk">
            <header class="idk-header">
                <h1 class="idk-title">"Practice record"</h1>
                <p class="idk-subtitle">
                    "Incident Desk · evidence from practice calls and knowledge checks · "
                    <a href="practice.html">"practice"</a>
                    " · "
                    <a href="index.html">"call screen"</a>
                </p>
            </header>
            <main class="idk-main">
                {open_view(page)}
                {said}
                {move || match page.loaded.get() {
                    Loaded::Reading => view! { <p class="idk-muted" role="status">"Reading the record…"</p> }.into_any(),
                    Loaded::Unreadable(why) => view! {
                        <p id="idk-evidence-heading" class="idk-notice" role="alert" tabindex="-1">{why} ". It is left as it is, and new attempts are not added to it until it is cleared (your trainer can clear this site's data in the browser's settings)."</p>
                    }
                    .into_any(),
                    Loaded::Read(record) => {
                        let opened = page.source.get() == OPENED_KEY;
                        record_view(page, record.unwrap_or_else(|| EvidenceFile::new("")), opened).into_any()
                    }
                }}
            </main>
        </div>
    }
}

/// Opening a record from a file (an assessor's), or closing the one opened.
fn open_view(page: Page) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let open = handler(move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        leptos::task::spawn_local(async move {
            let Some(chosen) = evidence::chosen_file(&input).await else {
                return;
            };
            input.set_value("");
            let result = match chosen {
                Err(why) => Err(why),
                Ok((name, bytes)) => match read_evidence(&bytes) {
                    Err(e) => Err(format!("{name} cannot be opened: {e}")),
                    Ok(record) => evidence::put(OPENED_KEY, &record).await.map_err(|why| {
                        format!("{name} could not be kept while you work on it: {why}")
                    }),
                },
            };
            match result {
                Err(why) => {
                    problem.try_set(Some(why));
                    Instance::current().focus_soon("idk-evidence-open-problem");
                }
                Ok(()) => {
                    problem.try_set(None);
                    page.said.try_set(None);
                    page.show(OPENED_KEY);
                }
            }
        });
    });
    // Changes not yet downloaded are lost on closing: asked first.
    let confirming = RwSignal::new(false);
    let close = move || {
        confirming.set(false);
        page.remove(
            OPENED_KEY,
            "The opened record is closed: this browser's own record is shown.",
            "The opened record could not be closed",
        );
    };
    view! {
        <section class="idk-card idk-evidence-open" aria-labelledby="idk-evidence-open-heading">
            <h2 id="idk-evidence-open-heading" class="idk-card-title">"For assessors"</h2>
            <p>
                <label for="idk-evidence-file">"Open a trainee's practice record (JSON) "</label>
                <input id="idk-evidence-file" type="file" accept=".json,application/json" on:change=open />
            </p>
            {live(move || problem.get().map(|why| view! { <p id="idk-evidence-open-problem" class="idk-notice" role="alert" tabindex="-1">{why}</p> }))}
            <p hidden=live(move || page.source.get() != OPENED_KEY)>
                <button
                    type="button"
                    class="idk-button idk-button-secondary"
                    on:click=handler(move |_| {
                        if page.unsaved.get_untracked() {
                            confirming.set(true);
                            Instance::current().focus_soon("idk-evidence-close-warning");
                        } else {
                            close();
                        }
                    })
                >
                    "Close the opened record"
                </button>
            </p>
            {confirm_view(
                confirming,
                "idk-evidence-close-warning",
                "This record has changed since you opened it. Download it first (Download the record, below), or your observations and sign-offs are lost.",
                ("Close without keeping the changes", Box::new(close)),
                "Keep it open",
            )}
        </section>
    }
}

/// The record: whose, the chart and its table, the criteria, each attempt, the knowledge checks.
fn record_view(page: Page, record: EvidenceFile, opened: bool) -> impl IntoView {
    let signed = record
        .attempts
        .iter()
        .filter(|a| a.signed_off.is_some())
        .count();
    let heading = if record.trainee.is_empty() {
        "Practice record".to_owned()
    } else {
        format!("Practice record of {}", record.trainee)
    };
    let whose = if opened {
        "Opened from a file. Observations and sign-offs are kept in this browser until you close it; download it to give it back."
    } else {
        "Kept in this browser as you practise."
    };
    let summary = format!(
        "{} ({signed} signed off) and {}.",
        counted(record.attempts.len(), "attempt", "attempts"),
        counted(
            record.knowledge.len(),
            "knowledge check",
            "knowledge checks"
        )
    );
    let name = (!opened).then(|| {
        let current = record.trainee.clone();
        view! {
            <p class="idk-evidence-name">
                <label for="idk-evidence-trainee">"Your name, as your assessor knows you "</label>
                <input
                    id="idk-evidence-trainee"
                    type="text"
                    autocomplete="name"
                    value=current
                    on:change=handler(move |ev| {
                        let value = event_target_value(&ev).trim().to_owned();
                        page.change(
                            move |r| {
                                r.trainee = value;
                                Ok(())
                            },
                            "Your name is kept with your record.".to_owned(),
                            "idk-evidence-trainee".to_owned(),
                            None,
                        );
                    })
                />
            </p>
        }
    });
    let download = format!(
        "data:application/json;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&record.to_json()))
    );
    let file_name = if record.trainee.is_empty() {
        "practice-record.json".to_owned()
    } else {
        format!(
            "practice-record-{}.json",
            record
                .trainee
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        )
    };
    let empty = record.attempts.is_empty() && record.knowledge.is_empty();
    let body = (!empty).then(|| {
        let attempts = record
            .attempts
            .iter()
            .enumerate()
            .rev()
            .map(|(i, a)| attempt_view(page, i, a.clone()))
            .collect_any();
        view! {
            {chart_view(&record.attempts)}
            {criteria_view(&record)}
            <section class="idk-card" aria-labelledby="idk-evidence-attempts">
                <h2 id="idk-evidence-attempts" class="idk-card-title">"Attempts, newest first"</h2>
                <ol class="idk-evidence-attempts" reversed=true>{attempts}</ol>
            </section>
            {knowledge_view(&record)}
        }
    });
    view! {
        <section class="idk-card" aria-labelledby="idk-evidence-heading">
            <h2 id="idk-evidence-heading" class="idk-card-title" tabindex="-1">{heading}</h2>
            <p class="idk-muted">{whose}</p>
            {name}
            <p>{summary}</p>
            <p class="idk-muted" hidden=!empty>
                "Nothing yet: take a practice call or a knowledge check on the "
                <a href="practice.html">"practice page"</a>
                "."
            </p>
            <div class="idk-practice-actions">
                <button type="button" class="idk-button idk-button-secondary" on:click=handler(|_| print())>
                    "Print"
                </button>
                <a
                    id="idk-evidence-download"
                    class="idk-button idk-button-secondary"
                    href=download
                    download=file_name
                    on:click=handler(move |_| page.unsaved.set(false))
                >
                    "Download the record (JSON)"
                </a>
            </div>
            {(!opened && !empty).then(|| remove_view(page))}
        </section>
        {body}
    }
}

/// Removing the trainee's own record from this browser (a shared training PC): asked first, with
/// the download offered, since it cannot be undone.
fn remove_view(page: Page) -> impl IntoView {
    let asking = RwSignal::new(false);
    let remove = move || {
        asking.set(false);
        page.remove(
            EVIDENCE_KEY,
            "Your practice record is removed from this browser.",
            "Your record could not be removed",
        );
    };
    view! {
        <p class="idk-evidence-name">
            <button
                type="button"
                class="idk-button idk-button-secondary"
                on:click=handler(move |_| {
                    asking.set(true);
                    Instance::current().focus_soon("idk-evidence-remove-warning");
                })
            >
                "Remove my record from this browser"
            </button>
        </p>
        {confirm_view(
            asking,
            "idk-evidence-remove-warning",
            "On a shared computer, remove your record when you finish so the next person cannot see it. Download it first if you or your assessor need it: removing it cannot be undone.",
            ("Remove it now", Box::new(remove)),
            "Keep it",
        )}
    }
}

/// The chart's size, in its own units (the SVG scales to the width it has).
const CHART_W: f64 = 640.0;
const CHART_H: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;

/// Where attempt `i` of `n` at `percent` sits on the chart.
fn plot(i: usize, n: usize, percent: u32) -> (f64, f64) {
    let width = CHART_W - LEFT - RIGHT;
    let x = if n <= 1 {
        LEFT + width / 2.0
    } else {
        LEFT + width * i as f64 / (n - 1) as f64
    };
    let y = TOP + (CHART_H - TOP - BOTTOM) * (1.0 - f64::from(percent.min(100)) / 100.0);
    (x, y)
}

/// The attempts over time: each attempt's score as a point (a circle for coaching, a square for
/// assessment), joined oldest to newest; each point focusable and named with its value; the same
/// figures in a table beside it.
fn chart_view(attempts: &[Attempt]) -> impl IntoView {
    let n = attempts.len();
    let focused = RwSignal::new(None::<String>);
    let grid = [0u32, 25, 50, 75, 100]
        .into_iter()
        .map(|p| {
            let (_, y) = plot(0, 1, p);
            view! {
                <g class="idk-chart-grid">
                    <line x1=LEFT x2={CHART_W - RIGHT} y1=y y2=y />
                    <text x={LEFT - 8.0} y={y + 4.0} text-anchor="end">{format!("{p}%")}</text>
                </g>
            }
        })
        .collect_any();
    // At most about ten labels along the bottom, always the first and the last.
    let step = n.div_ceil(10).max(1);
    let labels = (0..n)
        .filter(|i| i % step == 0 || *i + 1 == n)
        .map(|i| {
            let (x, _) = plot(i, n, 0);
            view! { <text class="idk-chart-label" x=x y={CHART_H - BOTTOM + 18.0} text-anchor="middle">{(i + 1).to_string()}</text> }
        })
        .collect_any();
    let line = attempts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let (x, y) = plot(i, n, a.percent());
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let points = attempts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let (x, y) = plot(i, n, a.percent());
            let label = format!(
                "Attempt {}, {}: {}, {}, {}%",
                i + 1,
                date_and_time(a.finished_at, None),
                a.title,
                a.mode.label().to_lowercase(),
                a.percent()
            );
            let shown = label.clone();
            let on_focus = handler(move |_| focused.set(Some(shown.clone())));
            let on_blur = handler(move |_| focused.set(None));
            match a.mode {
                Mode::Coaching => view! {
                    <circle class="idk-chart-point" cx=x cy=y r="6" tabindex="0" role="img" aria-label=label on:focus=on_focus on:blur=on_blur />
                }
                .into_any(),
                Mode::Assessment => view! {
                    <rect class="idk-chart-point idk-chart-assessment" x={x - 6.0} y={y - 6.0} width="12" height="12" tabindex="0" role="img" aria-label=label on:focus=on_focus on:blur=on_blur />
                }
                .into_any(),
            }
        })
        .collect::<Vec<_>>();
    let rows = attempts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            view! {
                <tr>
                    <td>{(i + 1).to_string()}</td>
                    <td>{date_and_time(a.finished_at, None)}</td>
                    <th scope="row">{a.title.clone()}</th>
                    <td>{a.mode.label()}</td>
                    <td>{format!("{}%", a.percent())}</td>
                </tr>
            }
        })
        .collect_any();
    let view_box = format!("0 0 {CHART_W} {CHART_H}");
    view! {
            <section class="idk-card" aria-labelledby="idk-evidence-chart">
                <h2 id="idk-evidence-chart" class="idk-card-title">"Scores over time"</h2>
                <p class="idk-muted idk-chart-hint">
                    "Each attempt's score, oldest on the left. A circle is a coaching attempt, a square an assessment. Tab to a point to hear or see its value; the same figures are in the table below."
                </p>
    <p class="idk-chart-readout" aria-hidden="true">
                    {live(move || focused.get().unwrap_or_else(|| "\u{a0}".to_owned()))}
                </p>
                <svg class="idk-chart" viewBox=view_box role="group" aria-labelledby="idk-evidence-chart">
                    {grid}
                    <line class="idk-chart-axis" x1=LEFT x2=LEFT y1=TOP y2={CHART_H - BOTTOM} />
                    <line class="idk-chart-axis" x1=LEFT x2={CHART_W - RIGHT} y1={CHART_H - BOTTOM} y2={CHART_H - BOTTOM} />
                    {labels}
                    <text class="idk-chart-label" x={LEFT + (CHART_W - LEFT - RIGHT) / 2.0} y={CHART_H - 6.0} text-anchor="middle">"Attempt"</text>
                    <polyline class="idk-chart-line" points=line />
                    {points}
                </svg>
                {table("Scores over time, as a table".to_owned(), &["Attempt", "When", "Scenario", "Mode", "Score"], rows)}
            </section>
        }
}

/// The criteria evidenced, in the units' order.
fn criteria_view(record: &EvidenceFile) -> impl IntoView {
    let rows = record
        .by_criterion()
        .into_iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.criterion}</th>
                    <td>{c.attempts.to_string()}</td>
                    <td>{c.signed_off.to_string()}</td>
                    <td>{c.knowledge.to_string()}</td>
                </tr>
            }
        })
        .collect_any();
    view! {
        <section class="idk-card" aria-labelledby="idk-evidence-criteria">
            <h2 id="idk-evidence-criteria" class="idk-card-title">"Criteria evidenced"</h2>
            {table("Evidence by criterion".to_owned(), &["Criterion", "Attempts", "Signed off", "Knowledge checks answered right"], rows)}
        </section>
    }
}

/// One attempt: its score by area, criteria, questions not understood, the assessor's
/// observation and sign-off.
fn attempt_view(page: Page, index: usize, attempt: Attempt) -> AnyView {
    let n = index + 1;
    let heading_id = format!("idk-attempt-{n}");
    let labelled = heading_id.clone();
    let areas = attempt
        .areas
        .iter()
        .map(|a| view! { <tr><th scope="row">{a.area.label()}</th><td>{a.earned.to_string()}</td><td>{a.possible.to_string()}</td></tr> })
        .collect_any();
    let unmatched = (!attempt.unmatched.is_empty()).then(|| {
        format!(
            "Questions the caller could not answer: {}",
            attempt.unmatched.join("; ")
        )
    });
    let criteria = if attempt.criteria.is_empty() {
        "none".to_owned()
    } else {
        attempt.criteria.join(", ")
    };
    let sign = match attempt.signed_off.clone() {
        Some(s) => {
            let observation = if attempt.observation.is_empty() {
                "no observation recorded".to_owned()
            } else {
                attempt.observation.clone()
            };
            view! {
                <p><strong>"Assessor's observation: "</strong>{observation}</p>
                <p id=format!("idk-signed-{n}") tabindex="-1">
                    <strong>{format!("Signed off by {} on {}.", s.assessor, date_and_time(s.at, None))}</strong>
                </p>
            }
            .into_any()
        }
        None => {
            let id = attempt.id.clone();
            let typed = page
                .notes
                .with_value(|all| all.iter().find(|(a, _)| *a == id).map(|(_, t)| t.clone()));
            let notes = RwSignal::new(typed.unwrap_or_else(|| attempt.observation.clone()));
            let assessor = RwSignal::new(page.assessor.get_value());
            let typing_id = id.clone();
            let save_id = id.clone();
            let save = handler(move |_| {
                let (id, text) = (save_id.clone(), notes.get_untracked());
                page.change(
                    move |r| r.observe(&id, &text).map_err(|e| e.to_string()),
                    format!(
                        "Observation on attempt {n} saved at {}.",
                        date_and_time(now_ms(), None)
                    ),
                    format!("idk-observe-{n}"),
                    None,
                );
            });
            let sign_off = handler(move |_| {
                let (id, text, by) = (id.clone(), notes.get_untracked(), assessor.get_untracked());
                // The notes as they stand go with the sign-off: nothing typed is lost.
                page.change(
                    move |r| {
                        r.observe(&id, &text).map_err(|e| e.to_string())?;
                        r.sign_off(&id, &by, now_ms()).map_err(|e| e.to_string())
                    },
                    format!("Attempt {n} signed off."),
                    format!("idk-signed-{n}"),
                    Some(n),
                );
            });
            let problem = move || {
                page.refused.with(|r| {
                    r.as_ref()
                        .filter(|(at, _)| *at == n)
                        .map(|(_, why)| why.clone())
                })
            };
            view! {
                <div class="idk-evidence-signoff">
                <p>
                    <label for=format!("idk-observation-{n}")>"Assessor's observation"</label>
                    <textarea
                        id=format!("idk-observation-{n}")
                        class="idk-evidence-notes"
                        rows="3"
                        prop:value=live(move || notes.get())
                        on:input=handler(move |ev| {
                            let text = event_target_value(&ev);
                            page.notes.update_value(|all| {
                                all.retain(|(a, _)| *a != typing_id);
                                all.push((typing_id.clone(), text.clone()));
                            });
                            notes.set(text);
                        })
                    ></textarea>
                </p>
                <p>
                    <button id=format!("idk-observe-{n}") type="button" class="idk-button idk-button-secondary" on:click=save>
                        "Save the observation"
                    </button>
                </p>
                <p>
                    <label for=format!("idk-assessor-{n}")>"Assessor's name "</label>
                    <input
                        id=format!("idk-assessor-{n}")
                        type="text"
                        autocomplete="name"
                        aria-invalid=live(move || problem().is_some().then_some("true"))
                        aria-describedby=format!("idk-assessor-{n}-problem")
                        prop:value=live(move || assessor.get())
                        on:input=handler(move |ev| {
                            let name = event_target_value(&ev);
                            page.assessor.set_value(name.clone());
                            assessor.set(name);
                        })
                    />
                    " "
                    <button type="button" class="idk-button" on:click=sign_off>
                        {format!("Sign off attempt {n} (final)")}
                    </button>
                </p>
                <p id=format!("idk-assessor-{n}-problem") class="idk-notice" role="alert" hidden=live(move || problem().is_none())>
                    {live(move || problem().unwrap_or_default())}
                </p>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <li class="idk-evidence-attempt">
            <article aria-labelledby=labelled>
                <h3 id=heading_id>
                    {format!("Attempt {n}: {} · {}", attempt.title, attempt.mode.label())}
                </h3>
                <p>
                    {format!(
                        "{} · took {} · score {} of {} ({}%)",
                        date_and_time(attempt.finished_at, None),
                        minutes_and_seconds(attempt.finished_at.saturating_sub(attempt.started_at)),
                        attempt.earned,
                        attempt.possible,
                        attempt.percent()
                    )}
                </p>
                <p>"Criteria evidenced: " {criteria}</p>
                {unmatched.map(|u| view! { <p>{u}</p> })}
                {table(format!("Attempt {n}: points by area"), &["Area", "Earned", "Possible"], areas)}
                {sign}
            </article>
        </li>
    }
    .into_any()
}

/// The knowledge checks, newest first.
fn knowledge_view(record: &EvidenceFile) -> impl IntoView {
    let rows = record
        .knowledge
        .iter()
        .rev()
        .map(|k| {
            let right = k.answers.iter().filter(|a| a.right).count();
            let mut criteria: Vec<&str> = Vec::new();
            for a in k.answers.iter().filter(|a| a.right) {
                if !criteria.contains(&a.criterion.as_str()) {
                    criteria.push(&a.criterion);
                }
            }
            // Level 3's criteria are L3 3.x and the NOS knowledge (K…); Level 2's, L2 ….
            let level = if k
                .answers
                .iter()
                .any(|a| a.criterion.starts_with("L3") || a.criterion.starts_with('K'))
            {
                "Level 3"
            } else {
                "Level 2"
            };
            view! {
                <tr>
                    <td>{date_and_time(k.at, None)}</td>
                    <td>{level}</td>
                    <td>{format!("{} {}", k.pack.organisation, k.pack.version)}</td>
                    <td>{format!("{right} of {}", k.answers.len())}</td>
                    <td>{criteria.join(", ")}</td>
                </tr>
            }
        })
        .collect_any();
    (!record.knowledge.is_empty()).then(|| {
        view! {
            <section class="idk-card" aria-labelledby="idk-evidence-knowledge">
                <h2 id="idk-evidence-knowledge" class="idk-card-title">"Knowledge checks"</h2>
                {table("Knowledge checks, newest first".to_owned(), &["When", "Level", "Procedures (organisation id, version)", "Right", "Criteria answered right"], rows)}
            </section>
        }
    })
}

/// A table with its caption and column headings, in a box that scrolls sideways when narrow.
fn table(caption: String, headings: &[&'static str], rows: Vec<AnyView>) -> AnyView {
    let headings = headings
        .iter()
        .map(|h| view! { <th scope="col">{*h}</th> })
        .collect_any();
    view! {
        <div class="idk-table-wrap">
            <table class="idk-table">
                <caption>{caption}</caption>
                <thead><tr>{headings}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A question before something that loses data: shown while `asking`, `text` in an alert with id
/// `id` (focus goes there), the button that goes ahead and one that does not (focus then goes to
/// the download).
fn confirm_view(
    asking: RwSignal<bool>,
    id: &'static str,
    text: &'static str,
    (yes_label, yes): (&'static str, Box<dyn Fn() + Send + Sync>),
    no_label: &'static str,
) -> impl IntoView {
    let yes = std::sync::Arc::new(yes);
    live(move || {
        let yes = yes.clone();
        asking.get().then(|| {
            view! {
                <div class="idk-notice" role="alert">
                    <p id=id tabindex="-1">{text}</p>
                    <button type="button" class="idk-button idk-button-secondary" on:click=handler(move |_| yes())>
                        {yes_label}
                    </button>
                    " "
                    <button
                        type="button"
                        class="idk-button idk-button-secondary"
                        on:click=handler(move |_| {
                            asking.set(false);
                            Instance::current().focus_soon("idk-evidence-download");
                        })
                    >
                        {no_label}
                    </button>
                </div>
            }
        })
    })
}
