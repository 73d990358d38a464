//! The call: log fields, decision tree, code and priority with why, advice within limits,
//! escalation proposals and closing (F2, F3, F5, F6, F20; L2 1.3, 1.4, 1.6, 1.7, 3.3, 3.5, 3.6;
//! NOS P1–P3). Every action goes to the engine's `Call` as a command; what the engine refuses is
//! shown as an alert with what to do. Digits 1–9 answer the current question.

use std::sync::Arc;

use incident_engine::call::{AnswerValue, Call, Command, Effect, Event, Missing, Refusal};
use incident_engine::handoff::compose;
use incident_engine::keys::answer_key;
use incident_engine::pack::{Answer, DecisionTree, LogField, TreeNode};
use incident_engine::search::{suggest_trees, CodeSearch};
use incident_engine::{fill, Pack, PlaceholderValues, Segment};
use leptos::prelude::*;

use crate::host::clock::{
    clock_text, close_dialog, every_second, now_ms, show_dialog, time_of_day,
};
use crate::host::page::{focus_soon, typing_in_a_field};

/// The keyboard map dialog.
const KEYS_DIALOG_ID: &str = "idk-keys";

/// The current question's heading, focused after each answer.
const QUESTION_ID: &str = "idk-question";

/// What the handler should see after a refused command.
#[derive(Debug, Clone, PartialEq)]
struct Notice {
    title: String,
    detail: Vec<String>,
}

/// The call's state and how to change it, shared by the panels.
#[derive(Clone, Copy)]
struct Desk {
    pack: StoredValue<Arc<Pack>>,
    call: RwSignal<Call>,
    notice: RwSignal<Option<Notice>>,
    announcement: RwSignal<String>,
    /// The time, ticking every second.
    now: RwSignal<u64>,
}

impl Desk {
    /// Sends `command` to the call; returns whether it was applied.
    fn dispatch(self, command: Command) -> bool {
        let pack = self.pack.get_value();
        let mut outcome = None;
        self.call
            .update(|call| outcome = Some(call.apply(&pack, now_ms(), command)));
        match outcome {
            Some(Ok(effects)) => {
                self.notice.set(None);
                for effect in effects {
                    match effect {
                        Effect::Announce(text) => self.announcement.set(text),
                        Effect::Completed => self.announcement.set("Call closed".to_owned()),
                    }
                }
                true
            }
            Some(Err(refusal)) => {
                self.notice.set(Some(explain(&pack, refusal)));
                false
            }
            None => false,
        }
    }

    fn tree(self) -> Option<DecisionTree> {
        let pack = self.pack.get_value();
        let id = self.call.with(|c| c.tree().map(str::to_owned))?;
        pack.tree(&id).cloned()
    }
}

fn explain(pack: &Pack, refusal: Refusal) -> Notice {
    let title = match &refusal {
        Refusal::AdviceOverLimit { .. } => "This advice cannot be given".to_owned(),
        Refusal::MissingFields(_) => "The call cannot be closed yet".to_owned(),
        other => format!("Not done: {other}"),
    };
    let detail = match refusal {
        Refusal::AdviceOverLimit {
            rule,
            matched,
            instead,
            may_go_further,
            ..
        } => {
            let file = pack.file();
            let mut lines = vec![
                format!("Rule: {rule}"),
                format!("It says: \u{201c}{matched}\u{201d}"),
            ];
            if let Some(text) = instead
                .and_then(|id| file.advice.items.iter().find(|a| a.id == id))
                .map(|a| a.text.clone())
            {
                lines.push(format!("Say instead: {text}"));
            }
            if let Some(level) =
                may_go_further.and_then(|id| file.escalation.levels.iter().find(|l| l.id == id))
            {
                lines.push(format!(
                    "{} may go further: escalate if the caller needs more.",
                    level.name
                ));
            }
            lines
        }
        Refusal::MissingFields(missing) => missing.iter().map(missing_label).collect(),
        _ => vec![],
    };
    Notice { title, detail }
}

/// What closing still needs, as the handler reads it.
fn missing_label(missing: &Missing) -> String {
    match missing {
        Missing::Code => "An incident code".to_owned(),
        Missing::Field(field) => field.label().to_owned(),
    }
}

/// The call in progress.
#[component]
pub fn CallScreen(
    /// The checked pack the call is handled under.
    pack: Arc<Pack>,
    /// The handler's id, for the log.
    #[prop(into)]
    agent: String,
) -> impl IntoView {
    let opened = now_ms();
    let call = RwSignal::new(Call::open(&pack, &agent, opened));
    let now = RwSignal::new(opened);
    if let Some(timer) = every_second(move || now.set(now_ms())) {
        on_cleanup(move || timer.clear());
    }
    let phrases = control_phrases(&pack);
    let desk = Desk {
        pack: StoredValue::new(pack),
        call,
        notice: RwSignal::new(None),
        announcement: RwSignal::new(String::new()),
        now,
    };
    // Digits answer the current question from anywhere in the call except where typing means text.
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.ctrl_key() || ev.alt_key() || ev.meta_key() || typing_in_a_field(&ev) {
            return;
        }
        if ev.key() == "?" {
            ev.prevent_default();
            show_dialog(KEYS_DIALOG_ID);
            return;
        }
        let Some(node_id) = desk.call.with(|c| c.current_question().map(str::to_owned)) else {
            return;
        };
        let Some(node) = desk
            .tree()
            .and_then(|t| t.nodes.into_iter().find(|n| n.id == node_id))
        else {
            return;
        };
        let options = answer_options(&node);
        if let Some(i) = answer_key(&ev.key(), options.len()) {
            ev.prevent_default();
            if desk.dispatch(Command::Answer {
                node: node_id,
                value: options[i].1.clone(),
            }) {
                focus_soon(QUESTION_ID);
            }
        }
    };
    view! {
        <section class="idk-card idk-call" aria-labelledby="idk-call-heading" on:keydown=on_keydown>
            <div class="idk-call-bar">
                <h2 id="idk-call-heading" class="idk-card-title">"Call"</h2>
                <p class="idk-timer">
                    "Call time "
                    <span role="timer">{move || clock_text(now.get().saturating_sub(opened))}</span>
                </p>
                <button type="button" class="idk-button idk-button-secondary" on:click=move |_| show_dialog(KEYS_DIALOG_ID)>
                    "Keyboard shortcuts (?)"
                </button>
            </div>
            {keys_dialog()}
            {phrases}
            <p class="idk-visually-hidden" role="status">{move || desk.announcement.get()}</p>
            {move || {
                desk.notice
                    .get()
                    .map(|notice| {
                        view! {
                            <div class="idk-notice" role="alert">
                                <p class="idk-notice-title">{notice.title}</p>
                                <ul>{notice.detail.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                            </div>
                        }
                    })
            }}
            {escalation_banner(desk)}
            {log_fields(desk)}
            {tree_chooser(desk)}
            {question_panel(desk)}
            {decision_panel(desk)}
            {code_chooser(desk)}
            {advice_panel(desk)}
            {handoff_panel(desk)}
            {organisations_panel(desk)}
            {close_panel(desk)}
        </section>
    }
}

/// The control phrases (F1; L2 1.2, K5), always on screen while the call is open.
fn control_phrases(pack: &Pack) -> impl IntoView {
    let file = pack.file();
    let values = PlaceholderValues {
        agent: None,
        organisation: Some(file.organisation.name.clone()),
    };
    let items = file
        .wording
        .control_phrases
        .iter()
        .map(|phrase| {
            let words: String = fill(&phrase.text, &values)
                .unwrap_or_else(|_| vec![Segment::Text(phrase.text.clone())])
                .into_iter()
                .map(|s| match s {
                    Segment::Text(t) => t,
                    Segment::Slot(p) => format!("[{}]", p.label()),
                })
                .collect();
            view! {
                <li>
                    <span class="idk-advice-kind">{phrase.kind.label()}</span>
                    ": "
                    {words}
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="idk-section idk-phrases">
            <summary>"Control phrases"</summary>
            <ul aria-label="Control phrases">{items}</ul>
        </details>
    }
}

/// What the keys do (opened with "?").
fn keys_dialog() -> impl IntoView {
    let keys = [
        ("1 to 9", "Answer the current question with that option"),
        ("?", "Show these shortcuts"),
        ("Tab, Shift+Tab", "Move between fields and buttons"),
        ("Enter or Space", "Press the focused button"),
        ("Escape", "Close this dialog"),
    ];
    let rows = keys
        .into_iter()
        .map(|(key, action)| view! { <tr><th scope="row"><kbd>{key}</kbd></th><td>{action}</td></tr> })
        .collect_view();
    view! {
        <dialog id=KEYS_DIALOG_ID class="idk-dialog" aria-labelledby="idk-keys-heading">
            <h2 id="idk-keys-heading">"Keyboard shortcuts"</h2>
            <p class="idk-muted">"Shortcuts work when the cursor is not in a text field."</p>
            <table class="idk-table">
                <caption>"Keys and what they do"</caption>
                <tbody>{rows}</tbody>
            </table>
            <form method="dialog">
                <button type="submit" class="idk-button">"Close"</button>
            </form>
        </dialog>
    }
}

fn log_fields(desk: Desk) -> impl IntoView {
    let fields = LogField::ALL
        .into_iter()
        .filter(|f| *f != LogField::StartTime)
        .map(|field| {
            let value = move || desk.call.with(|c| c.field(field).unwrap_or("").to_owned());
            let on_change = move |ev| {
                let new = event_target_value(&ev);
                if desk.call.with(|c| c.field(field).unwrap_or("") != new) {
                    desk.dispatch(Command::SetField { field, value: new });
                }
            };
            if field == LogField::Narrative {
                view! {
                    <label class="idk-field idk-field-wide">
                        {field.label()}
                        <textarea rows="3" prop:value=value on:change=on_change></textarea>
                    </label>
                }
                .into_any()
            } else {
                view! {
                    <label class="idk-field">
                        {field.label()}
                        <input type="text" prop:value=value on:change=on_change />
                    </label>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <fieldset class="idk-group idk-log-fields">
            <legend>"Incident log"</legend>
            {fields}
        </fieldset>
    }
}

fn tree_chooser(desk: Desk) -> impl IntoView {
    let pack = desk.pack.get_value();
    let trees: Vec<(String, String)> = pack
        .file()
        .trees
        .iter()
        .map(|t| (t.id.clone(), t.title.clone()))
        .collect();
    let chosen = RwSignal::new(trees.first().map(|t| t.0.clone()).unwrap_or_default());
    let suggestions = move || {
        let pack = desk.pack.get_value();
        let said = desk
            .call
            .with(|c| c.field(LogField::Narrative).unwrap_or("").to_owned());
        suggest_trees(&pack, &said)
            .into_iter()
            .take(3)
            .map(|i| {
                let tree = &pack.file().trees[i];
                let (id, title) = (tree.id.clone(), tree.title.clone());
                view! {
                    <li>
                        <button
                            type="button"
                            class="idk-button idk-button-secondary"
                            on:click=move |_| {
                                start_tree(desk, id.clone());
                            }
                        >
                            {format!("Start: {title}")}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let options = trees
        .into_iter()
        .map(|(id, title)| view! { <option value=id>{title}</option> })
        .collect_view();
    view! {
        <fieldset class="idk-group">
            <legend>"Assess"</legend>
            <ul class="idk-suggestions" aria-label="Suggested from what the caller said">{suggestions}</ul>
            <div class="idk-field">
                <label for="idk-tree-choice">"Decision tree"</label>
                <select id="idk-tree-choice" prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {options}
                </select>
            </div>
            <button
                type="button"
                class="idk-button"
                on:click=move |_| {
                    start_tree(desk, chosen.get_untracked());
                }
            >
                "Start tree"
            </button>
        </fieldset>
    }
}

/// Starts a tree and puts the handler on its first question.
fn start_tree(desk: Desk, tree: String) {
    if desk.dispatch(Command::ChooseTree { tree }) {
        focus_soon(QUESTION_ID);
    }
}

/// The labels of a question's answers, in order, with the value each gives.
fn answer_options(node: &TreeNode) -> Vec<(String, AnswerValue)> {
    match &node.answer {
        Answer::Choice { options } => options
            .iter()
            .map(|o| (o.label.clone(), AnswerValue::Option(o.id.clone())))
            .collect(),
        Answer::YesNo { .. } => vec![
            ("Yes".to_owned(), AnswerValue::YesNo(true)),
            ("No".to_owned(), AnswerValue::YesNo(false)),
        ],
        _ => vec![],
    }
}

fn question_panel(desk: Desk) -> impl IntoView {
    move || {
        let node_id = desk
            .call
            .with(|c| c.current_question().map(str::to_owned))?;
        let tree = desk.tree()?;
        let node = tree.nodes.iter().find(|n| n.id == node_id)?.clone();
        let options = answer_options(&node);
        let answer = move |value: AnswerValue| {
            desk.dispatch(Command::Answer {
                node: node_id.clone(),
                value,
            });
        };
        let guidance = node
            .guidance
            .clone()
            .map(|g| view! { <p class="idk-muted">{g}</p> });
        let body = match &node.answer {
            Answer::Choice { .. } | Answer::YesNo { .. } => {
                let radios = options
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, value))| {
                        let answer = answer.clone();
                        let shortcut = if i < 9 {
                            format!("{}. ", i + 1)
                        } else {
                            String::new()
                        };
                        view! {
                            <label class="idk-radio">
                                <input
                                    type="radio"
                                    name="idk-answer"
                                    on:click=move |_| answer(value.clone())
                                />
                                {shortcut}
                                {label}
                            </label>
                        }
                    })
                    .collect_view();
                view! {
                    <div
                        role="radiogroup"
                        aria-labelledby="idk-question"
                        aria-describedby="idk-question-keys"
                    >
                        {radios}
                    </div>
                    <p id="idk-question-keys" class="idk-muted">"Press 1 to 9 to answer."</p>
                }
                .into_any()
            }
            Answer::Number { unit, min, max, .. } => {
                let text = RwSignal::new(String::new());
                let (min, max) = (*min, *max);
                view! {
                    <label class="idk-field">
                        {format!("Answer ({unit})")}
                        <input type="number" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
                    </label>
                    <button
                        type="button"
                        class="idk-button"
                        on:click=move |_| {
                            let value = text.get_untracked().trim().parse::<f64>().unwrap_or(f64::NAN);
                            answer(AnswerValue::Number(value));
                        }
                    >
                        {format!("Record answer ({min} to {max})")}
                    </button>
                }
                .into_any()
            }
            Answer::Text { .. } => {
                let text = RwSignal::new(String::new());
                view! {
                    <label class="idk-field idk-field-wide">
                        "Answer"
                        <textarea rows="2" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="button" class="idk-button" on:click=move |_| answer(AnswerValue::Text(text.get_untracked()))>
                        "Record answer"
                    </button>
                }
                .into_any()
            }
        };
        Some(view! {
            <section class="idk-question" aria-labelledby="idk-question">
                <h3 id="idk-question" class="idk-question-text" tabindex="-1">{node.question.clone()}</h3>
                {guidance}
                {body}
            </section>
        })
    }
}

fn decision_panel(desk: Desk) -> impl IntoView {
    move || {
        let decision = desk.call.with(|c| c.decision().cloned())?;
        let pack = desk.pack.get_value();
        let title = pack
            .code(&decision.code)
            .map(|c| c.title.clone())
            .unwrap_or_default();
        let tree = desk.tree();
        let why = desk.call.with(|c| {
            c.answers()
                .iter()
                .map(|(node, value)| {
                    let asked = tree
                        .as_ref()
                        .and_then(|t| t.nodes.iter().find(|n| &n.id == node));
                    let question = asked
                        .map(|n| n.question.clone())
                        .unwrap_or_else(|| node.clone());
                    let label = asked
                        .and_then(|n| {
                            answer_options(n)
                                .into_iter()
                                .find(|(_, v)| v == value)
                                .map(|(l, _)| l)
                        })
                        .unwrap_or_else(|| match value {
                            AnswerValue::Number(n) => n.to_string(),
                            AnswerValue::Text(t) => t.clone(),
                            other => format!("{other:?}"),
                        });
                    view! { <li>{format!("{question} {label}")}</li> }
                })
                .collect_view()
        });
        Some(view! {
            <section class="idk-decision" aria-labelledby="idk-decision-heading">
                <h3 id="idk-decision-heading">"Code and priority"</h3>
                <p class="idk-decision-code">
                    {format!("{} {} · priority {}", decision.code, title, decision.priority)}
                </p>
                <p>{decision.reason.clone()}</p>
                <h4>"Why this code"</h4>
                <ul aria-label="Why this code">{why}</ul>
            </section>
        })
    }
}

/// Most codes listed for a search.
const MAX_CODE_RESULTS: usize = 20;

/// Choosing a code directly, or overriding the tree's, by search; always with a reason (F3; L2
/// 1.4, 3.7; L3 3.2).
fn code_chooser(desk: Desk) -> impl IntoView {
    let pack = desk.pack.get_value();
    let search = StoredValue::new_local(CodeSearch::new(&pack));
    let query = RwSignal::new(String::new());
    let picked = RwSignal::new(None::<String>);
    let priority = RwSignal::new(
        pack.file()
            .priorities
            .first()
            .map(|p| p.id.clone())
            .unwrap_or_default(),
    );
    let reason = RwSignal::new(String::new());
    let results = move || {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        let pack = desk.pack.get_value();
        let hits = search
            .try_update_value(|s| s.search(&q, MAX_CODE_RESULTS))
            .unwrap_or_default();
        hits.into_iter()
            .map(|h| {
                let c = &pack.file().codes[h.index];
                (c.code.clone(), c.title.clone(), c.default_priority.clone())
            })
            .collect::<Vec<_>>()
    };
    let priorities = pack
        .file()
        .priorities
        .iter()
        .map(|p| view! { <option value=p.id.clone()>{format!("{} {}", p.id, p.name)}</option> })
        .collect_view();
    view! {
        <details class="idk-section">
            <summary>"Choose or override the code"</summary>
            <label class="idk-field">
                "Find a code"
                <input type="search" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
            </label>
            <div role="radiogroup" aria-label="Matching codes" class="idk-code-results">
                <For each=results key=|(code, _, _)| code.clone() let((code, title, default_priority))>
                    {
                        let value = code.clone();
                        let label = format!("{code} {title}");
                        view! {
                            <label class="idk-radio">
                                <input
                                    type="radio"
                                    name="idk-code"
                                    prop:checked=move || picked.get().as_deref() == Some(value.as_str())
                                    on:change=move |_| {
                                        picked.set(Some(code.clone()));
                                        priority.set(default_priority.clone());
                                    }
                                />
                                {label}
                            </label>
                        }
                    }
                </For>
            </div>
            <div class="idk-field">
                <label for="idk-override-priority">"Priority"</label>
                <select id="idk-override-priority" prop:value=move || priority.get() on:change=move |ev| priority.set(event_target_value(&ev))>
                    {priorities}
                </select>
            </div>
            <label class="idk-field idk-field-wide">
                "Reason"
                <textarea rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </label>
            <button
                type="button"
                class="idk-button"
                on:click=move |_| {
                    let Some(code) = picked.get_untracked() else {
                        desk.notice.set(Some(Notice { title: "Choose a code first".to_owned(), detail: vec![] }));
                        return;
                    };
                    let applied = desk.dispatch(Command::OverrideCode {
                        code,
                        priority: priority.get_untracked(),
                        reason: reason.get_untracked(),
                    });
                    if applied {
                        reason.set(String::new());
                    }
                }
            >
                "Use this code"
            </button>
        </details>
    }
}

fn advice_panel(desk: Desk) -> impl IntoView {
    let free_text = RwSignal::new(String::new());
    move || {
        // Advice follows the code: nothing to show until there is one.
        if desk.call.with(|c| c.decision().is_none()) {
            return None;
        }
        let pack = desk.pack.get_value();
        let file = pack.file();
        let set = desk.call.with(|c| c.advice_set(&pack).cloned());
        let items = set
            .iter()
            .flat_map(|s| s.items.iter())
            .filter_map(|id| file.advice.items.iter().find(|a| &a.id == id).cloned())
            .map(|item| {
                let id = item.id.clone();
                view! {
                    <li>
                        <span class="idk-advice-kind">{item.kind.label()}</span>
                        " "
                        {item.text.clone()}
                        " "
                        <button
                            type="button"
                            class="idk-button idk-button-secondary"
                            on:click=move |_| {
                                desk.dispatch(Command::GiveAdvice { item: id.clone() });
                            }
                        >
                            "Given"
                        </button>
                    </li>
                }
            })
            .collect_view();
        let limits = desk
            .call
            .with(|c| {
                c.limits_in_force(&pack)
                    .into_iter()
                    .map(|l| l.rule.clone())
                    .collect::<Vec<_>>()
            })
            .into_iter()
            .map(|rule| view! { <li>{rule}</li> })
            .collect_view();
        Some(view! {
            <section class="idk-advice" aria-labelledby="idk-advice-heading">
                <h3 id="idk-advice-heading">"Advice"</h3>
                <ul aria-label="Approved advice">{items}</ul>
                <h4>"Must not say"</h4>
                <ul aria-label="Must not say">{limits}</ul>
                <label class="idk-field idk-field-wide">
                    "Advice in your own words"
                    <textarea rows="2" prop:value=move || free_text.get() on:input=move |ev| free_text.set(event_target_value(&ev))></textarea>
                </label>
                <button
                    type="button"
                    class="idk-button"
                    on:click=move |_| {
                        if desk.dispatch(Command::GiveFreeTextAdvice { text: free_text.get_untracked() }) {
                            free_text.set(String::new());
                        }
                    }
                >
                    "Check and record advice"
                </button>
            </section>
        })
    }
}

fn handoff_panel(desk: Desk) -> impl IntoView {
    let pack = desk.pack.get_value();
    let channels: Vec<(String, String)> = pack
        .file()
        .channels
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let channel = RwSignal::new(channels.first().map(|c| c.0.clone()).unwrap_or_default());
    let recipient = RwSignal::new(String::new());
    let read_back = RwSignal::new(false);
    let options = channels
        .into_iter()
        .map(|(id, name)| view! { <option value=id>{name}</option> })
        .collect_view();
    let composed = Memo::new(move |_| {
        let pack = desk.pack.get_value();
        let id = channel.get();
        let to = recipient.get();
        let found = pack.file().channels.iter().find(|c| c.id == id)?;
        let to = Some(to.trim()).filter(|t| !t.is_empty());
        Some(desk.call.with(|call| compose(&pack, call, found, to)))
    });
    move || {
        desk.call.with(|c| c.decision().is_some()).then(|| {
            view! {
                <section class="idk-handoff" aria-labelledby="idk-handoff-heading">
                    <h3 id="idk-handoff-heading">"Handoff"</h3>
                    <div class="idk-field">
                        <label for="idk-handoff-channel">"Channel"</label>
                        <select
                            id="idk-handoff-channel"
                            prop:value=move || channel.get()
                            on:change=move |ev| channel.set(event_target_value(&ev))
                        >
                            {options.clone()}
                        </select>
                    </div>
                    <label class="idk-field">
                        "Unit call sign or recipient"
                        <input type="text" prop:value=move || recipient.get() on:change=move |ev| recipient.set(event_target_value(&ev)) />
                    </label>
                    <label class="idk-field idk-field-wide">
                        "Message"
                        <textarea class="idk-handoff-text" rows="6" readonly prop:value=move || composed.get().map(|h| h.text).unwrap_or_default()></textarea>
                    </label>
                    <p class="idk-muted">
                        {move || {
                            composed
                                .get()
                                .map(|h| {
                                    let mut note = match h.limit {
                                        Some(limit) => format!("{} of {limit} characters", h.length),
                                        None => format!("{} characters", h.length),
                                    };
                                    if h.shortened {
                                        note.push_str("; shortened to fit");
                                    }
                                    if !h.replaced.is_empty() {
                                        note.push_str(&format!("; replaced {}", h.replaced.join(", ")));
                                    }
                                    note
                                })
                                .unwrap_or_default()
                        }}
                    </p>
                    <label class="idk-radio">
                        <input type="checkbox" prop:checked=move || read_back.get() on:change=move |ev| read_back.set(event_target_checked(&ev)) />
                        "Read back and confirmed"
                    </label>
                    <button
                        type="button"
                        class="idk-button"
                        on:click=move |_| {
                            let Some(handoff) = composed.get_untracked() else { return };
                            let to = recipient.get_untracked();
                            let sent = desk.dispatch(Command::SendHandoff {
                                channel: handoff.channel,
                                recipient: Some(to.trim().to_owned()).filter(|t| !t.is_empty()),
                                text: handoff.text,
                                read_back: read_back.get_untracked(),
                            });
                            if sent {
                                read_back.set(false);
                            }
                        }
                    >
                        "Record as sent"
                    </button>
                </section>
            }
        })
    }
}

/// External organisations (F7; L2 2.1, K2): those the code says to notify first, each with its
/// procedure and contacts; recording a notification logs who, how and when.
fn organisations_panel(desk: Desk) -> impl IntoView {
    move || {
        let pack = desk.pack.get_value();
        let file = pack.file();
        let notify: Vec<String> = desk
            .call
            .with(|c| {
                c.decision()
                    .and_then(|d| pack.code(&d.code))
                    .map(|c| c.notify.clone())
            })
            .unwrap_or_default();
        let notified: Vec<String> = desk.call.with(|c| {
            c.log()
                .iter()
                .filter_map(|e| match &e.what {
                    Event::Notified { organisation, .. } => Some(organisation.clone()),
                    _ => None,
                })
                .collect()
        });
        let mut orgs: Vec<_> = file.external_organisations.iter().collect();
        orgs.sort_by_key(|o| !notify.contains(&o.id));
        let items = orgs
            .into_iter()
            .map(|org| {
                let for_code = notify.contains(&org.id);
                let done = notified.contains(&org.id);
                let steps = org
                    .procedure
                    .iter()
                    .map(|step| view! { <li>{step.clone()}</li> })
                    .collect_view();
                let contacts = org
                    .contacts
                    .iter()
                    .map(|contact| {
                        let channel_name = file
                            .channels
                            .iter()
                            .find(|c| c.id == contact.channel)
                            .map(|c| c.name.clone())
                            .unwrap_or_else(|| contact.channel.clone());
                        let (organisation, channel) = (org.id.clone(), contact.channel.clone());
                        let label =
                            format!("Record notified by {channel_name}: {}", contact.address);
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="idk-button idk-button-secondary"
                                    on:click=move |_| {
                                        desk.dispatch(Command::NotifyOrganisation {
                                            organisation: organisation.clone(),
                                            channel: channel.clone(),
                                        });
                                    }
                                >
                                    {label}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                let status = match (for_code, done) {
                    (_, true) => " (notified)",
                    (true, false) => " (to notify for this code)",
                    _ => "",
                };
                view! {
                    <details class="idk-section" open=for_code && !done>
                        <summary>{format!("{}{status}", org.name)}</summary>
                        <p>{org.when.clone()}</p>
                        <ol>{steps}</ol>
                        <ul class="idk-contacts">{contacts}</ul>
                    </details>
                }
            })
            .collect_view();
        view! {
            <section class="idk-organisations" aria-labelledby="idk-organisations-heading">
                <h3 id="idk-organisations-heading">"External organisations"</h3>
                {items}
            </section>
        }
    }
}

fn escalation_banner(desk: Desk) -> impl IntoView {
    // A memo, so the one-second tick re-renders nothing unless the proposals change: a handler
    // typing a reason must not lose it.
    let proposals = Memo::new(move |_| {
        let pack = desk.pack.get_value();
        let decided: Vec<String> = desk.call.with(|c| {
            c.log()
                .iter()
                .filter_map(|e| match &e.what {
                    Event::Escalated { level, .. } | Event::EscalationDeclined { level, .. } => {
                        Some(level.clone())
                    }
                    _ => None,
                })
                .collect()
        });
        desk.call
            .with(|c| c.proposals(&pack, desk.now.get()))
            .into_iter()
            .filter(|p| !decided.contains(&p.level))
            .collect::<Vec<_>>()
    });
    let row = move |p: incident_engine::call::Proposal| {
        let pack = desk.pack.get_value();

        let name = pack
            .file()
            .escalation
            .levels
            .iter()
            .find(|l| l.id == p.level)
            .map(|l| l.name.clone())
            .unwrap_or_else(|| p.level.clone());
        let (level, why) = (p.level.clone(), p.reason.clone());
        let declined_level = p.level.clone();
        let reason = RwSignal::new(String::new());
        view! {
            <li>
                {format!("Escalate to {name}: {}", p.reason)}
                " "
                <button
                    type="button"
                    class="idk-button"
                    on:click=move |_| {
                        desk.dispatch(Command::Escalate {
                            level: level.clone(),
                            how: "as proposed by the procedures".to_owned(),
                            why: why.clone(),
                        });
                    }
                >
                    {format!("Escalate to {name}")}
                </button>
                <label class="idk-field">
                    {format!("Reason for not escalating to {name}")}
                    <input type="text" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
                <button
                    type="button"
                    class="idk-button idk-button-secondary"
                    on:click=move |_| {
                        desk.dispatch(Command::DeclineEscalation {
                            level: declined_level.clone(),
                            why: reason.get_untracked(),
                        });
                    }
                >
                    "Do not escalate"
                </button>
            </li>
        }
    };
    view! {
        <Show when=move || !proposals.with(Vec::is_empty)>
            <div class="idk-escalation" role="alert">
                <p class="idk-notice-title">"Escalation proposed"</p>
                <ul>
                    <For each=move || proposals.get() key=|p| p.level.clone() let(p)>
                        {row(p)}
                    </For>
                </ul>
            </div>
        </Show>
    }
}

/// The closing dialog: the log for review and what is still needed.
const CLOSE_DIALOG_ID: &str = "idk-close";

fn describe(event: &Event) -> String {
    match event {
        Event::Opened { pack, version } => format!("Call answered (procedures {pack} {version})"),
        Event::Field { field, value } => format!("{}: {value}", field.label()),
        Event::TreeChosen(tree) => format!("Decision tree started: {tree}"),
        Event::Answered {
            question, value, ..
        } => format!("{question} {}", answer_text(value)),
        Event::Coded {
            code,
            priority,
            reason,
            overridden,
        } => {
            format!(
                "{} {code}, priority {priority}: {reason}",
                if *overridden {
                    "Code chosen by handler:"
                } else {
                    "Coded"
                }
            )
        }
        Event::AdviceGiven { text, .. } => format!("Advice given: {text}"),
        Event::AdviceRefused { limit } => format!("Advice refused by limit {limit}"),
        Event::EscalationDeclined { level, why } => {
            format!("Escalation to {level} declined: {why}")
        }
        Event::Escalated { level, how, why } => format!("Escalated to {level} ({how}): {why}"),
        Event::Notified {
            organisation,
            channel,
            address,
        } => format!("Notified {organisation} by {channel} ({address})"),
        Event::HandoffSent {
            channel,
            recipient,
            read_back,
            ..
        } => format!(
            "Handoff on {channel}{}{}",
            recipient
                .as_deref()
                .map(|r| format!(" to {r}"))
                .unwrap_or_default(),
            if *read_back { ", read back" } else { "" }
        ),
        Event::ChecklistTicked(item) => format!("Checklist done: {item}"),
        Event::Corrected {
            field,
            value,
            reason,
        } => format!("Corrected {}: {value} ({reason})", field.label()),
        Event::Closed => "Call closed".to_owned(),
    }
}

fn answer_text(value: &AnswerValue) -> String {
    match value {
        AnswerValue::Option(id) => id.clone(),
        AnswerValue::YesNo(true) => "Yes".to_owned(),
        AnswerValue::YesNo(false) => "No".to_owned(),
        AnswerValue::Number(n) => n.to_string(),
        AnswerValue::Text(t) => t.clone(),
    }
}

fn close_dialog_view(desk: Desk) -> impl IntoView {
    let events = move || {
        desk.call.with(|c| {
            c.log()
                .iter()
                .map(
                    |e| view! { <li><time>{time_of_day(e.at)}</time> " " {describe(&e.what)}</li> },
                )
                .collect_view()
        })
    };
    let missing = move || {
        let pack = desk.pack.get_value();
        let missing = desk.call.with(|c| c.missing(&pack));
        (!missing.is_empty()).then(|| {
            let items = missing
                .iter()
                .map(missing_label)
                .map(|m| view! { <li>{m}</li> })
                .collect_view();
            view! {
                <div role="alert" class="idk-notice">
                    <p class="idk-notice-title">"Still needed before closing"</p>
                    <ul aria-label="Still needed">{items}</ul>
                </div>
            }
        })
    };
    view! {
        <dialog id=CLOSE_DIALOG_ID class="idk-dialog idk-dialog-wide" aria-labelledby="idk-close-heading">
            <h2 id="idk-close-heading">"Review and close the call"</h2>
            {missing}
            <h3>"Incident log"</h3>
            <ol aria-label="Incident log" class="idk-log" tabindex="0">{events}</ol>
            <div class="idk-dialog-actions">
                <button
                    type="button"
                    class="idk-button"
                    autofocus=true
                    on:click=move |_| {
                        if desk.dispatch(Command::Close) {
                            close_dialog(CLOSE_DIALOG_ID);
                        }
                    }
                >
                    "Confirm close"
                </button>
                <form method="dialog">
                    <button type="submit" class="idk-button idk-button-secondary">"Keep the call open"</button>
                </form>
            </div>
        </dialog>
    }
}

fn close_panel(desk: Desk) -> impl IntoView {
    let panel = move || {
        if desk.call.with(Call::is_closed) {
            let events = desk.call.with(|c| c.log().len());
            view! { <p class="idk-closed">{format!("Call closed. The log holds {events} events.")}</p> }.into_any()
        } else {
            view! {
                <button type="button" class="idk-button" on:click=move |_| show_dialog(CLOSE_DIALOG_ID)>
                    "Close call"
                </button>
            }
            .into_any()
        }
    };
    view! {
        {panel}
        {close_dialog_view(desk)}
    }
}
