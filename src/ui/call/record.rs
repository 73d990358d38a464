//! Recording what the caller says: the safety-net questions asked on every call (L2 1.4, 1.7) and
//! the incident log's fields (F2; L2 1.3, 1.6).

use incident_engine::call::Command;
use incident_engine::pack::fields::check_value;
use incident_engine::pack::{FieldKind, LogField};
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{live, memo, show_when, CollectAny};

use super::call_bar::record_id;
use super::{feedback, text_field, Desk, Place};

/// The id of a safety question's "Yes" (or "No", `yes` false) radio: where focus lands on
/// answering the call (the first question's "Yes") and where the call bar's "Go to it" leads.
pub(super) fn safety_answer_id(question: &str, yes: bool) -> String {
    format!("idk-sn-{question}-{}", if yes { "yes" } else { "no" })
}

/// The safety-net questions, each answered yes or no (radio groups). A "yes" can raise the
/// priority, propose an escalation, flag the caller as vulnerable and call for advice at once;
/// the call cannot close until every question has been asked.
pub(super) fn safety_net(desk: Desk) -> impl IntoView {
    let pack = desk.pack.get_value();
    let questions = pack
        .file()
        .safety_net
        .iter()
        .map(|q| {
            let (id, template) = (q.id.clone(), q.question.clone());
            // As the log will record it: the call's placeholders filled as they are known.
            let asked = live(move || {
                let pack = desk.pack.get_value();
                desk.call.with(|c| c.say(&pack, &template))
            });
            let group = format!("idk-sn-{}", q.id);
            let label_id = format!("{group}-q");
            let choices = [("Yes", true), ("No", false)]
                .into_iter()
                .map(|(label, yes)| {
                    let (id, checked_id) = (id.clone(), id.clone());
                    let input_id = safety_answer_id(&id, yes);
                    view! {
                        <label class="idk-radio">
                            <input
                                id=input_id
                                type="radio"
                                name=group.clone()
                                prop:checked=live(move || {
                                    desk.call.with(|c| c.safety_answer(&checked_id)) == Some(yes)
                                })
                                on:change=handler(move |_| {
                                    desk.dispatch(Command::SafetyNet { question: id.clone(), yes });
                                })
                            />
                            {label}
                        </label>
                    }
                })
                .collect_any();
            view! {
                <li>
                    <span id=label_id.clone()>{asked}</span>
                    <span role="radiogroup" aria-labelledby=label_id class="idk-yes-no">
                        {choices}
                    </span>
                </li>
            }
        })
        .collect_any();
    let answered = live(move || {
        let pack = desk.pack.get_value();
        let total = pack.file().safety_net.len();
        let done = desk.call.with(|c| {
            pack.file()
                .safety_net
                .iter()
                .filter(|q| c.safety_answer(&q.id).is_some())
                .count()
        });
        format!("{done} of {total} asked")
    });
    (!pack.file().safety_net.is_empty()).then(|| {
        view! {
            <fieldset class="idk-group idk-safety-net">
                <legend>"Safety questions (ask every caller)"</legend>
                <p class="idk-muted">{answered}</p>
                <ol class="idk-safety-list">{questions}</ol>
                {feedback(desk, Place::Safety)}
            </fieldset>
        }
    })
}

/// The incident log's fields (F2; L2 1.3): caller, callback, relationship, location, narrative,
/// hazards, people, vehicle, vulnerability. Recorded when the handler leaves a field.
pub(super) fn log_fields(desk: Desk) -> impl IntoView {
    let fields = LogField::ALL
        .into_iter()
        .map(|field| {
            let value = move || desk.call.with(|c| c.field(field).unwrap_or("").to_owned());
            // Recorded when the handler leaves the field (or presses Enter), if it changed.
            let record = move |new: String| {
                if desk.call.with(|c| c.field(field).unwrap_or("") != new) {
                    desk.dispatch(Command::SetField { field, value: new });
                }
            };
            let on_change = move |ev| record(event_target_value(&ev));
            if field == LogField::Narrative {
                view! {
                    <label class="idk-field idk-field-wide">
                        {field.label()}
                        <textarea id=record_id(field) rows="3" prop:value=value on:change=on_change></textarea>
                    </label>
                }
                .into_any()
            } else {
                // The location is an address: room for all of it.
                let class = if field == LogField::Location {
                    "idk-field idk-field-wide"
                } else {
                    "idk-field"
                };
                // Enter records the field and goes on to the call bar's next step.
                let on_enter = move |ev: web_sys::KeyboardEvent| {
                    if ev.key() != "Enter" || ev.shift_key() || ev.ctrl_key() || ev.alt_key() {
                        return;
                    }
                    ev.prevent_default();
                    record(event_target_value(&ev));
                    super::call_bar::go_to_next_step(desk);
                };
                view! {
                    <label class=class>
                        {field.label()}
                        <input
                            id=record_id(field)
                            type="text"
                            prop:value=value
                            on:change=on_change
                            on:keydown=on_enter
                        />
                    </label>
                }
                .into_any()
            }
        })
        .collect_any();
    view! {
        <fieldset class="idk-group idk-log-fields">
            <legend>"Incident log"</legend>
            {fields}
            {custom_fields(desk)}
            {correction(desk)}
            {feedback(desk, Place::Fields)}
        </fieldset>
    }
}

/// The organisation's own log fields (the pack's `fields`, issue 15), after the standard ten:
/// a box for text and numbers, a list for a choice and for yes or no, the browser's date and
/// time box for a date and time. Recorded when the handler leaves the field; a value that does
/// not fit is refused beside the fields, and the box keeps what was recorded. A field the call
/// needs says so in its label.
fn custom_fields(desk: Desk) -> impl IntoView {
    let pack = desk.pack.get_value();
    pack.file()
        .fields
        .iter()
        .map(|f| {
            let (id, kind) = (f.id.clone(), f.kind);
            let input_id = super::call_bar::custom_id(&id);
            let hint_id = format!("{input_id}-hint");
            let hint = f.hint.clone();
            let unit = f
                .unit
                .as_ref()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            let label = format!("{}{unit}", f.label);
            // The engine's rule, the one the close is checked against.
            let needed = {
                let field = f.clone();
                live(move || {
                    let code = desk.call.with(|c| c.decision().map(|d| d.code.clone()));
                    field.is_required(code.as_deref()).then_some(" (required)")
                })
            };
            let value = {
                let id = id.clone();
                move || {
                    desk.call
                        .with(|c| c.custom_field(&id).unwrap_or("").to_owned())
                }
            };
            // A value that does not fit is said under the box at once, in the engine's words,
            // and not recorded; the box keeps what was typed so it can be put right.
            let error = RwSignal::new(None::<String>);
            let error_id = format!("{input_id}-error");
            let record = {
                let (id, field) = (id.clone(), f.clone());
                move |new: String| {
                    if let Err(why) = check_value(&field, &new) {
                        error.set(Some(format!("That does not fit: {why}")));
                        return;
                    }
                    error.set(None);
                    if desk.call.with(|c| c.custom_field(&id).unwrap_or("") != new) {
                        desk.dispatch(Command::SetCustomField {
                            field: id.clone(),
                            value: new,
                        });
                    }
                }
            };
            let described = {
                let (hint_id, error_id) = (hint.as_ref().map(|_| hint_id.clone()), error_id.clone());
                move || {
                    let error = error.with(Option::is_some).then(|| error_id.clone());
                    let ids: Vec<String> = hint_id.iter().cloned().chain(error).collect();
                    (!ids.is_empty()).then(|| ids.join(" "))
                }
            };
            let invalid = move || error.with(Option::is_some).then_some("true");
            let on_change = move |ev| record(event_target_value(&ev));
            let choices: Vec<(String, String)> = match kind {
                FieldKind::Choice => f
                    .options
                    .iter()
                    .map(|o| (o.id.clone(), o.label.clone()))
                    .collect(),
                FieldKind::YesNo => vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
                _ => Vec::new(),
            };
            let control_id = input_id.clone();
            let control = if choices.is_empty() {
                let (kind, mode) = match kind {
                    FieldKind::DateTime => ("datetime-local", None),
                    FieldKind::Number => ("text", Some("decimal")),
                    _ => ("text", None),
                };
                view! {
                    <input
                        id=control_id
                        type=kind
                        inputmode=mode
                        aria-invalid=live(invalid)
                        aria-describedby=live(described)
                        prop:value=value
                        on:change=on_change
                    />
                }
                .into_any()
            } else {
                let options = choices
                    .into_iter()
                    .map(|(id, label)| view! { <option value=id>{label}</option> })
                    .collect_any();
                view! {
                    <select
                        id=control_id
                        aria-invalid=live(invalid)
                        aria-describedby=live(described)
                        prop:value=value
                        on:change=on_change
                    >
                        <option value="">"Not recorded"</option>
                        {options}
                    </select>
                }
                .into_any()
            };
            // The hint is outside the label: it describes the box, it is not its name.
            view! {
                <div class="idk-field">
                    <label for=input_id.clone()>{label} {needed}</label>
                    {control}
                    {live(move || error.get().map(|e| view! { <span class="idk-field-error" id=error_id.clone() role="alert">{e}</span> }))}
                    {hint.map(|h| view! { <span class="idk-hint" id=hint_id.clone()>{h}</span> })}
                </div>
            }
        })
        .collect_any()
}

/// Correcting a recorded field with a reason (F2; L2 1.3): appended to the log as a correction,
/// never overwriting; the review shows the new value beside the original, with who and when.
fn correction(desk: Desk) -> impl IntoView {
    let recorded = memo(move || {
        desk.call.with(|c| {
            LogField::ALL
                .into_iter()
                .filter(|f| c.field(*f).is_some_and(|v| !v.trim().is_empty()))
                .collect::<Vec<_>>()
        })
    });
    let field = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let chosen = move || {
        let name = field.get();
        recorded.with(|r| {
            r.iter()
                .copied()
                .find(|f| f.name() == name)
                .or(r.first().copied())
        })
    };
    let current = live(move || {
        chosen()
            .and_then(|f| {
                desk.call
                    .with(|c| c.field(f).map(|v| format!("Recorded now: {v}")))
            })
            .unwrap_or_default()
    });
    view! {
        {show_when(move || !recorded.with(Vec::is_empty), move || {
            view! {
                    <details class="idk-section idk-field-wide idk-correction">
                        <summary>"Correct a recorded field"</summary>
                        <label class="idk-field">
                            "Field to correct"
                            <select prop:value=live(move || chosen().map(|f| f.name()).unwrap_or_default()) on:change=handler(move |ev| field.set(event_target_value(&ev)))>
                                {live(move || {
                                    recorded
                                        .get()
                                        .into_iter()
                                        .map(|f| view! { <option value=f.name()>{f.label()}</option> })
                                        .collect_any()
                                })}
                            </select>
                        </label>
                        <p class="idk-muted">{current.clone()}</p>
                        {text_field("idk-field", "Corrected value".to_owned(), true, value)}
                        {text_field("idk-field", "Why it is corrected (required)".to_owned(), true, reason)}
                        <button
                            type="button"
                            class="idk-button idk-button-secondary"
                            on:click=handler(move |_| {
                                let Some(field) = chosen() else { return };
                                if desk.dispatch(Command::Correct {
                                    field,
                                    value: value.get_untracked(),
                                    reason: reason.get_untracked(),
                                }) {
                                    value.set(String::new());
                                    reason.set(String::new());
                                    desk.announcement.set(format!("{} corrected", field.label()));
                                    desk.confirm(Place::Fields, &format!("{} corrected", field.label()));
                                }
                            })
                        >
                            "Record correction"
                        </button>
                    </details>
            }
            .into_any()
        })}
    }
}
