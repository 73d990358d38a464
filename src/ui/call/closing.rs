//! Closing the call (F2, F20; L2 1.3, 1.6): the log for review with anything still missing, in a
//! modal dialog (focus trapped by the browser and returned to "Close call"); confirming closes the
//! call and hands its entry to the host.

use incident_engine::call::entry::iso8601;
use incident_engine::call::{deviation_label, AnswerValue, Command, Event, Missing};
use incident_engine::pack::fields::shown;
use incident_engine::pack::{Answer, DecisionTree, LogField};
use incident_engine::Pack;
use leptos::prelude::*;

use crate::ui::live::handler;

use crate::ui::live::{live, memo, show_when, CollectAny};

use super::{
    checklist_item, feedback, level_name, missing_label, notice_view, Desk, Place, MISSING_TITLE,
};

/// The "call closed" line, where focus goes once the call is closed.
pub(super) const CLOSED_ID: &str = "idk-call-closed";
/// The title of what closing still needs, in the review dialog.
const STILL_NEEDED_ID: &str = "idk-still-needed";

/// The "saving the closed call" line, where focus waits while the close is saved.
pub(super) const SAVING_ID: &str = "idk-call-saving";

/// "Close call", where the call bar's "Go to it" leads once everything else is done.
pub(super) const CLOSE_BUTTON_ID: &str = "idk-close-call";
use crate::host::clock::{shown_locale, time_of_day};

/// The closing dialog: the log for review and what is still needed.
const CLOSE_DIALOG_ID: &str = "idk-close";

/// The pack's names for the ids a log event holds, so the handler reads labels, never ids
/// (`gas-smell`, `duty-supervisor`); an id the pack does not know is shown as it is.
struct Names<'p> {
    pack: &'p Pack,
    /// The tree being walked when the event was logged (its options name the answers).
    tree: Option<&'p DecisionTree>,
}

impl<'p> Names<'p> {
    fn tree_title(&self, id: &str) -> String {
        self.pack
            .tree(id)
            .map_or_else(|| id.to_owned(), |t| t.title.clone())
    }

    fn level(&self, id: &str) -> String {
        level_name(self.pack, id)
    }

    fn option(&self, node: &str, id: &str) -> String {
        self.tree
            .and_then(|t| t.node(node))
            .and_then(|n| match &n.answer {
                Answer::Choice { options } => incident_engine::pack::lookup::option(options, id),
                _ => None,
            })
            .map_or_else(|| id.to_owned(), |o| o.label.clone())
    }

    fn limit(&self, id: &str) -> String {
        self.pack
            .advice_limit(id)
            .map_or_else(|| id.to_owned(), |l| l.rule.clone())
    }

    fn organisation(&self, id: &str) -> String {
        self.pack
            .external_organisation(id)
            .map_or_else(|| id.to_owned(), |o| o.name.clone())
    }

    fn channel(&self, id: &str) -> String {
        self.pack
            .channel(id)
            .map_or_else(|| id.to_owned(), |c| c.name.clone())
    }

    fn checklist_item(&self, id: &str) -> String {
        checklist_item(self.pack, id).map_or_else(|| id.to_owned(), |c| c.text.clone())
    }
}

/// One log event in words. `was` is the field's value before, for a field recorded again or
/// corrected, so the review shows the amended value beside the original.
fn describe(names: &Names<'_>, event: &Event, was: Option<&str>) -> String {
    let before = |was: Option<&str>| {
        was.filter(|w| !w.is_empty())
            .map(|w| format!(" (was \u{201c}{w}\u{201d})"))
            .unwrap_or_default()
    };
    match event {
        Event::Opened { version, .. } => format!(
            "Call answered (procedures of {}, version {version})",
            names.pack.file().organisation.name
        ),
        Event::Field { field, value } => format!("{}: {value}{}", field.label(), before(was)),
        Event::CustomField { field, value } => match names.pack.custom_field(field) {
            Some(found) if value.is_empty() => format!("{}: cleared", found.label),
            Some(found) => format!("{}: {}", found.label, shown(found, value)),
            None => format!("{field}: {value}"),
        },
        Event::TreeChosen { tree } => format!("Decision tree started: {}", names.tree_title(tree)),
        Event::NoticeApplied { title, .. } => {
            format!("Notice in force for the location: {title}")
        }
        Event::RouteContacted {
            route,
            channel,
            address,
            spoken_to,
        } => {
            let name = names
                .pack
                .route(route)
                .map_or(route.as_str(), |r| r.name.as_str());
            let who = if spoken_to.is_empty() {
                String::new()
            } else {
                format!(", spoke to {spoken_to}")
            };
            format!("{name} contacted by {channel} ({address}){who}")
        }
        Event::TreeContinued { from, to, .. } => format!(
            "Assessment continued from {} into: {}",
            names.tree_title(from),
            names.tree_title(to)
        ),
        Event::Answered {
            node,
            question,
            value,
        } => format!("{question} {}", answer_text(names, node, value)),
        Event::AnswerRevised {
            node,
            question,
            value,
            withdrawn,
        } => {
            let mut text = format!(
                "Went back to: {question} (the answer {} no longer counts)",
                answer_text(names, node, value)
            );
            if let Some(w) = withdrawn {
                text.push_str(&format!(
                    "; code {}, priority {} withdrawn",
                    w.code, w.priority
                ));
            }
            text
        }
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
        Event::AdviceRefused { limit } => {
            format!("Advice refused by the limit: {}", names.limit(limit))
        }
        Event::EscalationDeclined { level, why } => {
            format!("Escalation to {} declined: {why}", names.level(level))
        }
        Event::Escalated {
            level,
            how,
            why,
            contact,
            response,
        } => {
            let mut text = format!(
                "Escalated to {} ({}): {why}",
                names.level(level),
                names.channel(how)
            );
            if !contact.is_empty() {
                text.push_str(&format!("; spoke to {contact}"));
            }
            if !response.is_empty() {
                text.push_str(&format!(", who said \u{201c}{response}\u{201d}"));
            }
            text
        }
        Event::Notified {
            organisation,
            channel,
            address,
            reference,
            spoken_to,
        } => {
            let mut text = format!(
                "Notified {} by {} ({address})",
                names.organisation(organisation),
                names.channel(channel)
            );
            if !spoken_to.is_empty() {
                text.push_str(&format!("; spoke to {spoken_to}"));
            }
            if !reference.is_empty() {
                text.push_str(&format!("; their reference {reference}"));
            }
            text
        }
        Event::DeviationExplained { deviation, reason } => format!(
            "Reason recorded for {}: {reason}",
            deviation_label(names.pack, deviation)
        ),
        Event::HandoffSent {
            channel,
            recipient,
            read_back,
            ..
        } => format!(
            "Handoff on {}{}{}",
            names.channel(channel),
            recipient
                .as_deref()
                .map(|r| format!(" to {r}"))
                .unwrap_or_default(),
            if *read_back { ", read back" } else { "" }
        ),
        Event::ChecklistTicked { item } => {
            format!("Checklist done: {}", names.checklist_item(item))
        }
        Event::SafetyNetAnswered { asked, yes, .. } => {
            format!(
                "Safety question: {asked} {}",
                if *yes { "Yes" } else { "No" }
            )
        }
        Event::PriorityRaised { from, to, reason } => {
            format!("Priority raised from {from} to {to}: {reason}")
        }
        Event::MajorIncidentDeclared { reason, .. } => format!("Major incident declared: {reason}"),
        Event::Corrected {
            field,
            value,
            reason,
        } => format!(
            "Corrected {}: {value}{} because {reason}",
            field.label(),
            before(was)
        ),
        Event::CrmLinked {
            call_id,
            contact_ref,
        } => {
            let ids: Vec<String> = [("call", call_id), ("contact", contact_ref)]
                .into_iter()
                .filter_map(|(what, id)| id.as_ref().map(|id| format!("{what} {id}")))
                .collect();
            format!("Linked to the CRM's records: {}", ids.join(", "))
        }
        Event::Closed => "Call closed".to_owned(),
    }
}

fn answer_text(names: &Names<'_>, node: &str, value: &AnswerValue) -> String {
    match value {
        AnswerValue::Option(id) => names.option(node, id),
        other => other.plain_text(),
    }
}

/// The review dialog. Its log and what is missing are built only while it is open (`reviewing`),
/// so the rest of the call does not pay for them on every change.
fn close_dialog_view(desk: Desk) -> impl IntoView {
    let reviewing = desk.reviewing;
    let locale = shown_locale();
    let events = live(move || {
        if !reviewing.get() {
            return None;
        }
        let pack = desk.pack.get_value();
        Some(desk.call.with(|c| {
            let mut values: incident_engine::kernel::SortedMap<LogField, String> =
                Default::default();
            let revised = c.revised_answers();
            let mut names = Names {
                pack: &pack,
                tree: None,
            };
            c.log()
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let at = e.at;
                    if let Event::TreeChosen { tree } = &e.what {
                        names.tree = pack.tree(tree);
                    }
                    let was = match &e.what {
                        Event::Field { field, value } | Event::Corrected { field, value, .. } => {
                            values.insert(*field, value.clone())
                        }
                        _ => None,
                    };
                    view! {
                        <li>
                            <time datetime=iso8601(at)>
                                {live(move || locale.with(|l| time_of_day(at, l.as_ref())))}
                            </time>
                            {format!(" {}: ", e.by)}
                            {describe(&names, &e.what, was.as_deref())}
                            {revised.binary_search(&i).is_ok().then_some(" (revised)")}
                        </li>
                    }
                })
                .collect_any()
        }))
    });
    // Reasons typed for deviations, by key; recorded when the handler confirms the close.
    let reasons = RwSignal::new(incident_engine::kernel::SortedMap::<String, String>::new());
    // What is still needed, as lines; the notice below is drawn once while there are any and
    // only its list changes (its title holds the focus after a refused close: an element drawn
    // again loses its attributes for a moment, and with its `tabindex` the focus, `ui::live`).
    let needed = memo(move || {
        if !reviewing.get() {
            return Vec::new();
        }
        let pack = desk.pack.get_value();
        let now = desk.now.get();
        let missing = desk
            .call
            .with(|c| desk.history.with(|h| c.missing(&pack, now, h)));
        // Deviations are asked for below, each with its own field: one line says how many.
        let unexplained = missing
            .iter()
            .filter(|m| matches!(m, Missing::Explanation(_)))
            .count();
        let mut lines: Vec<String> = missing
            .iter()
            .filter(|m| !matches!(m, Missing::Explanation(_)))
            .map(|m| missing_label(&pack, m))
            .collect();
        match unexplained {
            0 => {}
            1 => lines.push("A reason for the deviation from the procedure below".to_owned()),
            n => lines.push(format!(
                "A reason for each of the {n} deviations from the procedure below"
            )),
        }
        lines
    });
    let missing = view! {
        {show_when(move || needed.with(|lines| !lines.is_empty()), move || {
            view! {
                <div role="alert" class="idk-notice">
                    <p id=STILL_NEEDED_ID class="idk-notice-title" tabindex="-1">"Still needed before closing"</p>
                    <ul aria-label="Still needed">
                        {live(move || needed.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_any())}
                    </ul>
                </div>
            }
            .into_any()
        })}
    };
    // Every deviation from the procedure, each with the reason recorded or a field for one
    // (F13; L3 1.6): the close is held until each has one.
    let deviations = live(move || {
        if !reviewing.get() {
            return None;
        }
        let pack = desk.pack.get_value();
        let deviations = desk.call.with(|c| c.deviations(&pack));
        if deviations.is_empty() {
            return None;
        }
        let rows = deviations
            .into_iter()
            .map(|d| {
                let label = deviation_label(&pack, &d.key);
                match d.reason {
                    Some(reason) => view! {
                        <li>{format!("{label}. Reason: {reason}")}</li>
                    }
                    .into_any(),
                    None => {
                        let key = d.key.clone();
                        let shown = d.key.clone();
                        view! {
                            <li>
                                <label class="idk-field idk-field-wide">
                                    {format!("Why: {label} (required)")}
                                    <input
                                        type="text"
                                        autocomplete="off"
                                        prop:value=live(move || reasons.with(|r| r.get(&shown).cloned().unwrap_or_default()))
                                        on:input=handler(move |ev| {
                                            let value = event_target_value(&ev);
                                            reasons.update(|r| {
                                                r.insert(key.clone(), value);
                                            });
                                        })
                                    />
                                </label>
                            </li>
                        }
                        .into_any()
                    }
                }
            })
            .collect_any();
        Some(view! {
            <h3>"Deviations from the procedure"</h3>
            <ul aria-label="Deviations from the procedure" class="idk-deviations">{rows}</ul>
        })
    });
    // The closing words, with the placeholders filled ({agent} once the handler's name is known).
    let name = crate::ui::context::agent_name();
    let closing_words = live(move || {
        let pack = desk.pack.get_value();
        let values = super::aids::spoken_values(desk, name.get());
        incident_engine::fill_text(&pack.file().wording.closing, &values)
    });
    let confirm = move || {
        // Reasons typed for deviations that still lack one (explaining one changes no other).
        let pending: Vec<String> = desk.call.with_untracked(|c| {
            c.deviations(&desk.pack.get_value())
                .into_iter()
                .filter(|d| d.reason.is_none())
                .map(|d| d.key)
                .collect()
        });
        for (deviation, reason) in reasons.get_untracked() {
            if reason.trim().is_empty() || !pending.contains(&deviation) {
                continue;
            }
            if !desk.dispatch(Command::ExplainDeviation { deviation, reason }) {
                return;
            }
        }
        let prior = desk.history.get_untracked();
        if desk.dispatch(Command::Close { prior }) {
            // Being saved: the call is shown closed, and focus moves to say so, once it is.
            reasons.set(Default::default());
            desk.instance.close_dialog(CLOSE_DIALOG_ID);
        } else {
            // Not closed: to what is still needed, at the top of the dialog.
            desk.instance.focus_soon(STILL_NEEDED_ID);
        }
    };
    view! {
        <dialog
            id=CLOSE_DIALOG_ID
            class="idk-dialog idk-dialog-wide"
            aria-labelledby="idk-close-heading"
            on:close=handler(move |_| reviewing.set(false))
        >
            <h2 id="idk-close-heading">"Review and close the call"</h2>
            <p class="idk-closing-words">
                <span class="idk-advice-kind">"Say to close"</span>
                " "
                {closing_words}
            </p>
            {live(move || {
                // What closing still needs is listed below, kept up to date; other refusals here.
                desk.notice
                    .get()
                    .filter(|n| reviewing.get() && n.place == Place::Close && n.title != MISSING_TITLE)
                    .map(notice_view)
            })}
            {missing}
            {deviations}
            <h3>"Incident log"</h3>
            <ol aria-label="Incident log" class="idk-log" tabindex="0">{events}</ol>
            <div class="idk-dialog-actions">
                <button
                    type="button"
                    class="idk-button"
                    autofocus=true
                    on:click=handler(move |_| confirm())
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

/// "Close call" opens the review dialog; once closed, says so.
pub(super) fn close_panel(desk: Desk) -> impl IntoView {
    let reviewing = desk.reviewing;
    // A memo, so only closing (or a correction after it) rebuilds this, not every change.
    let closed = memo(move || desk.call.with(|c| c.is_closed().then(|| c.log().len())));
    let panel = live(move || {
        if let Some(events) = closed.get() {
            view! { <p id=CLOSED_ID class="idk-closed" tabindex="-1">{format!("Call closed. The log holds {events} events.")}</p> }.into_any()
        } else if desk.saving.get() {
            view! { <p id=SAVING_ID class="idk-closed" tabindex="-1">"Saving the closed call…"</p> }
                .into_any()
        } else {
            view! {
                <button id=CLOSE_BUTTON_ID type="button" class="idk-button" on:click=handler(move |_| {
                    desk.notice.set(None);
                    reviewing.set(true);
                    let pack = desk.pack.get_value();
                    let now = desk.now.get_untracked();
                    let blocked = desk.call.with_untracked(|c| {
                        desk.history.with_untracked(|h| !c.missing(&pack, now, h).is_empty())
                    });
                    desk.instance.show_dialog(CLOSE_DIALOG_ID);
                    // Focus starts on "Confirm close" when the call can close; else on what
                    // it still needs, which the handler must see first.
                    if blocked {
                        desk.instance.focus_soon(STILL_NEEDED_ID);
                    }
                })>
                    "Close call"
                </button>
            }
            .into_any()
        }
    });
    view! {
        {panel}
        {feedback(desk, Place::Close)}
        {close_dialog_view(desk)}
    }
}
