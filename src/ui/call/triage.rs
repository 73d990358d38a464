//! Assessing the call: the decision tree chosen from the caller's words or by hand, the current
//! question with its answers (a radio group, or a number or text field), and the code and
//! priority with "why" (F3, F5; L2 1.4, 3.3; NOS P2).

use incident_engine::call::search::suggest_trees;
use incident_engine::call::{AnswerValue, Command, Stage};
use incident_engine::kernel::{number_text, parse_number};
use incident_engine::pack::{Answer, LogField, TreeNode};
use incident_engine::Pack;
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{live, memo, show_when, CollectAny};

use super::{feedback, text_area, Desk, Notice, Place, DECISION_ID, QUESTION_ID};
use crate::host::clock::{date_and_minutes, shown_locale};
use crate::ui::context::LiveUnits;

pub(super) fn tree_chooser(desk: Desk) -> impl IntoView {
    let pack = desk.pack.get_value();
    let trees: Vec<(String, String)> = pack
        .file()
        .trees
        .iter()
        .map(|t| (t.id.clone(), t.title.clone()))
        .collect();
    // None chosen until the handler chooses (a tree picked for them by being first in the list
    // would be started by a press of the primary button), unless there is only one.
    let only = (trees.len() == 1).then(|| trees[0].0.clone());
    let chosen = RwSignal::new(only.unwrap_or_default());
    // A tree asked for over a coded call, waiting for the handler to confirm (issue 13).
    let replacing = RwSignal::new(None::<String>);
    let titles = trees.clone();
    // Suggestions follow the caller's words, until a tree is asking or has reached a code (then
    // another tree is started on purpose, from the list, and asks first).
    let suggested = memo(move || {
        let pack = desk.pack.get_value();
        desk.call.with(|c| {
            if c.current_question().is_some() || c.decision().is_some() {
                return Vec::new();
            }
            suggest_trees(&pack, c.field(LogField::Narrative).unwrap_or(""))
        })
    });
    let suggestions = live(move || {
        let pack = desk.pack.get_value();
        suggested
            .get()
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
                            on:click=handler(move |_| {
                                start_tree(desk, replacing, id.clone());
                            })
                        >
                            {format!("Start: {title}")}
                        </button>
                    </li>
                }
            })
            .collect_any()
    });
    let options = trees
        .into_iter()
        .map(|(id, title)| view! { <option value=id>{title}</option> })
        .collect_any();
    view! {
        <fieldset class="idk-group">
            <legend>"Assess"</legend>
            <ul class="idk-suggestions" aria-label="Suggested from what the caller said">{suggestions}</ul>
            <div class="idk-field">
                <label for=TREE_CHOICE_ID>"Decision tree"</label>
                // `input` as well as `change`: a keyboard choice counts at once.
                <select
                    id=TREE_CHOICE_ID
                    prop:value=live(move || chosen.get())
                    on:input=handler(move |ev| chosen.set(event_target_value(&ev)))
                    on:change=handler(move |ev| chosen.set(event_target_value(&ev)))
                >
                    <option value="">"Choose a tree…"</option>
                    {options}
                </select>
            </div>
            <button
                id=START_TREE_ID
                type="button"
                class="idk-button"
                on:click=handler(move |_| {
                    start_tree(desk, replacing, chosen.get_untracked());
                })
            >
                "Start tree"
            </button>
            {live(move || replacing.get().map(|tree| confirm_replace(desk, replacing, &titles, tree)))}
            {feedback(desk, Place::Assess)}
        </fieldset>
    }
}

/// The tree chooser, where the call bar's "Go to it" leads to assess a call.
pub(super) const TREE_CHOICE_ID: &str = "idk-tree-choice";
/// "Start tree", where focus returns when the handler keeps the code.
const START_TREE_ID: &str = "idk-start-tree";
/// The confirmation's safe choice, focused when it appears.
const KEEP_CODE_ID: &str = "idk-keep-code";

/// Starts a tree and puts the handler on its first question; over a call that already has a code,
/// asks first, since the new tree's outcome replaces it.
fn start_tree(desk: Desk, replacing: RwSignal<Option<String>>, tree: String) {
    if tree.is_empty() {
        desk.notice.set(Some(Notice {
            title: "Choose a decision tree first".to_owned(),
            detail: vec![
                "Pick the tree that fits what the caller says from \u{201c}Decision tree\u{201d}, or start a suggested one."
                    .to_owned(),
            ],
            place: Place::Assess,
        }));
        desk.instance.focus_soon(TREE_CHOICE_ID);
        return;
    }
    if desk.call.with_untracked(|c| c.decision().is_some()) {
        replacing.set(Some(tree));
        desk.instance.focus_soon(KEEP_CODE_ID);
        return;
    }
    replacing.set(None);
    if desk.dispatch(Command::ChooseTree { tree }) {
        desk.focus_next_step();
    }
}

/// "Start another tree?" inline, with focus on keeping the code.
fn confirm_replace(
    desk: Desk,
    replacing: RwSignal<Option<String>>,
    titles: &[(String, String)],
    tree: String,
) -> impl IntoView {
    let title = titles
        .iter()
        .find(|t| t.0 == tree)
        .map_or_else(|| tree.clone(), |t| t.1.clone());
    let code = desk.call.with_untracked(|c| {
        c.decision()
            .map(|d| format!("{}, priority {}", d.code, d.priority))
            .unwrap_or_default()
    });
    view! {
        <div class="idk-confirm-replace" role="group" aria-labelledby="idk-confirm-replace-text">
            <p id="idk-confirm-replace-text">
                {format!("This call is already coded {code}. Starting \u{201c}{title}\u{201d} replaces that code with the new tree's outcome. Start it?")}
            </p>
            <button
                type="button"
                class="idk-button"
                on:click=handler(move |_| {
                    replacing.set(None);
                    if desk.dispatch(Command::ChooseTree { tree: tree.clone() }) {
                        desk.focus_next_step();
                    }
                })
            >
                {format!("Start {title}")}
            </button>
            <button
                id=KEEP_CODE_ID
                type="button"
                class="idk-button idk-button-secondary"
                on:click=handler(move |_| {
                    replacing.set(None);
                    desk.instance.focus_soon(START_TREE_ID);
                })
            >
                "Keep the current code"
            </button>
        </div>
    }
}

/// Goes back to the question answered last, to ask it again (logged as a revision).
pub(super) fn go_back(desk: Desk) {
    let Some(node) = desk
        .call
        .with_untracked(|c| c.last_answered().map(str::to_owned))
    else {
        return;
    };
    if desk.dispatch(Command::ReviseAnswer { node }) {
        desk.instance.focus_soon(QUESTION_ID);
    }
}

/// "Back", beside the question or the code the tree reached, while there is an answer to revise.
fn back_button(desk: Desk) -> impl IntoView {
    desk.call
        .with_untracked(|c| c.last_answered().is_some())
        .then(|| {
            view! {
                <button
                    type="button"
                    class="idk-button idk-button-secondary idk-back"
                    aria-keyshortcuts="Backspace"
                    on:click=handler(move |_| go_back(desk))
                >
                    "Back to the previous question"
                </button>
            }
        })
}

/// The labels of a question's answers, in order, with the value each gives.
pub(super) fn answer_options(node: &TreeNode) -> Vec<(String, AnswerValue)> {
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

/// The question being asked. The section and its heading are built once while the tree asks and
/// kept from one question to the next (only the heading's text changes), so the heading keeps the
/// focus when a digit answers it: an element inside a view drawn again loses its attributes for a
/// moment, and with its `tabindex` the focus (`ui::live`). The answers below it are drawn again
/// only when the question changes (a memo), not on every change to the call.
pub(super) fn question_panel(desk: Desk) -> impl IntoView {
    let asking = memo(move || {
        desk.call
            .with(|c| Some((c.tree()?.to_owned(), c.current_question()?.to_owned())))
    });
    let question = live(move || {
        let (tree_id, node_id) = asking.get()?;
        let pack = desk.pack.get_value();
        let node = pack.tree(&tree_id)?.node(&node_id)?;
        Some(desk.call.with(|c| c.say(&pack, &node.question)))
    });
    view! {
        {show_when(move || asking.with(Option::is_some), move || {
            view! {
                <section class="idk-question" aria-labelledby="idk-question">
                    <h3 id="idk-question" class="idk-question-text" tabindex="-1">{question.clone()}</h3>
                    {live(move || answers(desk, asking.get()))}
                </section>
            }
            .into_any()
        })}
    }
}

/// The guidance, answers, "Back" and feedback of the question `asking` names (tree and node).
fn answers(desk: Desk, asking: Option<(String, String)>) -> Option<impl IntoView> {
    let (tree_id, node_id) = asking?;
    let pack = desk.pack.get_value();
    let node = pack.tree(&tree_id)?.node(&node_id)?.clone();
    let options = answer_options(&node);
    let answer = move |value: AnswerValue| {
        if desk.dispatch(Command::Answer {
            node: node_id.clone(),
            value,
        }) {
            // The radios are drawn again for the next question: keep the handler on the call.
            desk.focus_next_step();
        }
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
                            // Unchecked on every render: Leptos rebuilds the next question's
                            // radios in place, and a tick left from the last answer would
                            // show an answer the handler never gave.
                            <input
                                type="radio"
                                name="idk-answer"
                                prop:checked=false
                                on:click=handler(move |_| answer(value.clone()))
                            />
                            {shortcut}
                            {label}
                        </label>
                    }
                })
                .collect_any();
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
            let record = move || {
                let value = parse_number(&text.get_untracked()).unwrap_or(f64::NAN);
                answer(AnswerValue::Number(value));
            };
            let on_enter = record.clone();
            view! {
                <label class="idk-field">
                    {format!("Answer ({unit})")}
                    <input
                        id=NUMBER_ANSWER_ID
                        type="number"
                        aria-describedby="idk-question"
                        prop:value=live(move || text.get())
                        on:input=handler(move |ev| text.set(event_target_value(&ev)))
                        // Enter records a number, as in a form (issue 13).
                        on:keydown=handler(move |ev: web_sys::KeyboardEvent| {
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                on_enter();
                            }
                        })
                    />
                </label>
                <button
                    type="button"
                    class="idk-button"
                    on:click=handler(move |_| record())
                >
                    {format!("Record answer ({} to {})", number_text(min), number_text(max))}
                </button>
            }
            .into_any()
        }
        Answer::Text { .. } => {
            let text = RwSignal::new(String::new());
            view! {
                {text_area("Answer", text)}
                <button type="button" class="idk-button" on:click=handler(move |_| answer(AnswerValue::Text(text.get_untracked())))>
                    "Record answer"
                </button>
            }
            .into_any()
        }
    };
    Some(view! {
        {guidance}
        {body}
        {back_button(desk)}
        {feedback(desk, Place::Question)}
    })
}

/// A number answer's field.
pub(super) const NUMBER_ANSWER_ID: &str = "idk-answer-number";

/// Where focus goes to answer the question being asked: a number answer's field (what is typed
/// is the answer), else the question's heading (where digits pick an option).
pub(super) fn answer_target(desk: Desk) -> &'static str {
    let pack = desk.pack.get_value();
    let number = desk.call.with_untracked(|c| {
        let node = pack.tree(c.tree()?)?.node(c.current_question()?)?;
        Some(matches!(node.answer, Answer::Number { .. }))
    });
    if number == Some(true) {
        NUMBER_ANSWER_ID
    } else {
        QUESTION_ID
    }
}

/// The code and priority with "why": the answers that led there. The section and its heading are
/// built once the call is coded and kept while it is (the heading can hold the focus: see
/// [`question_panel`]); what is in it is drawn again only when the decision or the answers change
/// (a memo).
pub(super) fn decision_panel(desk: Desk) -> impl IntoView {
    let decided = memo(move || {
        desk.call.with(|c| {
            let decision = c.decision()?.clone();
            // "Back" here once the tree has ended (while it asks, "Back" is beside the question).
            let finished = c.tree().is_some() && c.current_question().is_none();
            Some((
                decision,
                c.tree().map(str::to_owned),
                c.answers().to_vec(),
                finished,
                c.stages().to_vec(),
            ))
        })
    });
    view! {
        {show_when(move || decided.with(Option::is_some), move || {
            view! {
                <section class="idk-decision" aria-labelledby="idk-decision-heading">
                    <h3 id=DECISION_ID tabindex="-1">"Code and priority"</h3>
                    {live(move || decision_details(desk, decided.get()))}
                </section>
            }
            .into_any()
        })}
    }
}

/// What the call was coded, why, and "Back" once the tree has ended.
type Decided = (
    incident_engine::call::Decision,
    Option<String>,
    Vec<(String, AnswerValue)>,
    bool,
    Vec<Stage>,
);

/// Each answer of `answers`, given in tree `tree` of `pack`, as "question answer".
fn answer_lines(pack: &Pack, tree: Option<&str>, answers: &[(String, AnswerValue)]) -> Vec<String> {
    let tree = tree.and_then(|t| pack.tree(t));
    answers
        .iter()
        .map(|(node, value)| {
            let asked = tree.and_then(|t| t.node(node));
            let question = asked.map_or_else(|| node.clone(), |n| n.question.clone());
            let label = asked
                .and_then(|n| {
                    answer_options(n)
                        .into_iter()
                        .find(|(_, v)| v == value)
                        .map(|(l, _)| l)
                })
                .unwrap_or_else(|| value.plain_text());
            format!("{question} {label}")
        })
        .collect()
}

/// The code, priority, reason and "why this code" of `decided`.
fn decision_details(desk: Desk, decided: Option<Decided>) -> Option<impl IntoView> {
    let (decision, tree_id, answers, finished, stages) = decided?;
    let pack = desk.pack.get_value();
    let title = pack
        .code(&decision.code)
        .map(|c| c.title.clone())
        .unwrap_or_default();
    // A continued assessment (issue 15): each earlier tree's answers and the outcome that
    // continued it, then the tree in use.
    let mut lines = Vec::new();
    for (i, stage) in stages.iter().enumerate() {
        let tree = pack.tree(&stage.tree);
        lines.push(format!(
            "{}:",
            tree.map_or(stage.tree.as_str(), |t| t.title.as_str())
        ));
        lines.extend(answer_lines(&pack, Some(&stage.tree), &stage.answers));
        let reason = tree
            .and_then(|t| t.outcome(&stage.outcome))
            .map_or(String::new(), |o| format!("{} ", o.reason));
        let next = stages
            .get(i + 1)
            .map(|s| s.tree.as_str())
            .or(tree_id.as_deref())
            .and_then(|t| pack.tree(t))
            .map_or(String::new(), |t| t.title.clone());
        lines.push(format!("{reason}Continued with: {next}"));
    }
    if !stages.is_empty() {
        if let Some(tree) = tree_id.as_deref().and_then(|t| pack.tree(t)) {
            lines.push(format!("{}:", tree.title));
        }
    }
    lines.extend(answer_lines(&pack, tree_id.as_deref(), &answers));
    let why = lines
        .into_iter()
        .map(|line| view! { <li>{line}</li> })
        .collect_any();
    // The code's named deadlines (issue 15), each with when it falls in the handler's time.
    let locale = shown_locale();
    let deadlines = desk.call.with_untracked(|c| c.deadlines(&pack));
    let deadlines = (!deadlines.is_empty()).then(|| {
        let items = deadlines
            .into_iter()
            .map(|d| {
                let when = locale.with_untracked(|l| date_and_minutes(d.due, l.as_ref()));
                view! { <li>{format!("{}: by {when} (within {})", d.name, d.within)}</li> }
            })
            .collect_any();
        view! {
            <h4>"Deadlines"</h4>
            <ul aria-label="Deadlines">{items}</ul>
        }
    });
    Some(view! {
        <p class="idk-decision-code">
            {format!("{} {} · priority {}", decision.code, title, decision.priority)}
        </p>
        <p>{decision.reason.clone()}</p>
        <h4>"Why this code"</h4>
        <ul aria-label="Why this code">{why}</ul>
        {deadlines}
        // Once the tree has ended, "Back" and what it says are here, not by a question.
        {finished.then(|| view! { {back_button(desk)} {feedback(desk, Place::Question)} })}
    })
}

/// The units the code's response plan needs, readiest first, with their status now (the pack's,
/// as the host updates it with `resources.update`): who could go, for the handoff (L2 2.1).
pub(super) fn units_panel(desk: Desk) -> impl IntoView {
    let live = use_context::<LiveUnits>();
    let code = memo(move || desk.call.with(|c| c.decision().map(|d| d.code.clone())));
    move || {
        let code = code.get()?;
        let live = live?;
        let pack = desk.pack.get_value();
        let units = live.0.with(|a| a.for_code(&pack, &code));
        if units.is_empty() {
            return None;
        }
        let rows = units
            .into_iter()
            .map(|u| {
                view! {
                    <li>
                        {format!("{} · {} · {}", u.unit.call_sign, u.unit.zone, u.status.label())}
                    </li>
                }
            })
            .collect_any();
        Some(view! {
            <section class="idk-units" aria-labelledby="idk-units-heading">
                <h3 id="idk-units-heading">"Units for this code"</h3>
                <ul aria-label="Units for this code, readiest first">{rows}</ul>
            </section>
        })
    }
}
