//! The call: safety-net questions, log fields, decision tree, code and priority with why, advice
//! within limits, escalation proposals, major incidents, handoffs and closing (F1–F7, F9, F20; L2
//! 1.1–1.7, 2.1–2.3, 3.1–3.8; NOS P1–P3). Every action goes to the engine's `Call` as a command;
//! what the engine refuses is shown as an alert with what to do, next to the control that caused
//! it ([`Place`]), and what was done is confirmed there too. Digits 1–9 answer the tree's question
//! when it has focus, and Backspace goes back to the previous one (`keys::call_key`). A closed call's log entry goes to the outbox (`host::delivery`) on its way to the CRM,
//! through the widget's instance (`host::instance`: the iframe's `host::bridge`, or the host
//! element's events).
//!
//! One file per part of the screen: `aids` (control phrases, keyboard map, reference), `record`
//! (safety net, log fields), `triage` (tree, question, decision), `code_search` (the code
//! combobox), `advice`, `escalation` (proposals, major incident), `handoff` (messages, external
//! organisations) and `closing`.

mod advice;
mod aids;
mod call_bar;
mod checklist;
mod closing;
mod code_search;
mod escalation;
mod handoff;
mod record;
mod triage;

use std::sync::Arc;

use incident_engine::call::keys::{call_key, CallKey, KeyPlace, KeyState};
use incident_engine::call::{
    deviation_label, fill_pack_placeholders, Call, Command, Effect, Event, Missing, PriorCall,
    Refusal,
};
use incident_engine::incident::HandOver;
use incident_engine::kernel::Role;
use incident_engine::pack::{ChecklistItem, DecisionTree, LogField};
use incident_engine::protocol::ContextSet;
use incident_engine::Pack;
use leptos::prelude::*;

use crate::ui::context::{LiveNotices, PracticeCall};
use crate::ui::live::{effect, handler, live, memo, CollectAny};

use crate::host::clock::{every_second, hours_minutes, now_ms, shown_locale, time_of_day};
use crate::host::delivery::{self, Lane};
use crate::host::drafts::DraftSaver;
use crate::host::instance::Instance;
use crate::host::page::typing_in_a_field;

/// The keyboard map dialog.
const KEYS_DIALOG_ID: &str = "idk-keys";

/// The title of a refused close.
const MISSING_TITLE: &str = "The call cannot be closed yet";

/// The call's heading, where focus goes when nothing more particular is left to work on.
const CALL_HEADING_ID: &str = "idk-call-heading";

/// The current question's heading, focused after each answer.
const QUESTION_ID: &str = "idk-question";

/// The code and priority's heading, where focus goes when the tree ends with no advice to give
/// first.
const DECISION_ID: &str = "idk-decision-heading";

/// The part of the call screen a command came from: a refusal, and the confirmation of what was
/// done, are shown there, beside the control the handler used, not at the top of the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The top of the card: what no one control caused (the draft store, the CRM's context).
    Top,
    Safety,
    Fields,
    /// Choosing a tree.
    Assess,
    /// The tree's question (and the code it reached).
    Question,
    Code,
    /// The advice to give now, above the question.
    GiveNow,
    Advice,
    Checklist,
    /// The proposed escalations.
    Escalation,
    /// Escalating on the handler's own judgement.
    OwnEscalation,
    Major,
    Handoff,
    Organisations,
    Routes,
    Close,
}

impl Place {
    /// Where `command` is given from (own-judgement escalations say so: `Desk::dispatch_at`).
    fn of(command: &Command) -> Place {
        match command {
            Command::SetField { .. } | Command::SetCustomField { .. } | Command::Correct { .. } => {
                Place::Fields
            }
            Command::ChooseTree { .. } => Place::Assess,
            Command::Answer { .. } | Command::ReviseAnswer { .. } => Place::Question,
            Command::OverrideCode { .. } => Place::Code,
            Command::GiveAdvice { .. } | Command::GiveFreeTextAdvice { .. } => Place::Advice,
            Command::Escalate { .. } | Command::DeclineEscalation { .. } => Place::Escalation,
            Command::NotifyOrganisation { .. } => Place::Organisations,
            Command::ContactRoute { .. } => Place::Routes,
            Command::ApplyNotices { .. } => Place::Top,
            Command::SendHandoff { .. } => Place::Handoff,
            Command::TickChecklist { .. } => Place::Checklist,
            Command::SafetyNet { .. } => Place::Safety,
            Command::DeclareMajorIncident { .. } => Place::Major,
            Command::LinkCrm { .. } => Place::Top,
            Command::ExplainDeviation { .. } | Command::Close { .. } => Place::Close,
        }
    }
}

/// What the handler should see after a refused command, and where.
#[derive(Debug, Clone, PartialEq)]
struct Notice {
    title: String,
    detail: Vec<String>,
    place: Place,
}

/// What was just done, said beside the control that did it (the live region says it too).
#[derive(Debug, Clone, PartialEq)]
struct Confirmation {
    place: Place,
    text: String,
}

/// The call's state and how to change it, shared by the panels.
#[derive(Clone, Copy)]
struct Desk {
    pack: StoredValue<Arc<Pack>>,
    call: RwSignal<Call>,
    notice: RwSignal<Option<Notice>>,
    /// The last thing done that deserves a visible confirmation, until the next command.
    confirmed: RwSignal<Option<Confirmation>>,
    announcement: RwSignal<String>,
    /// The time, ticking every second.
    now: RwSignal<u64>,
    /// Earlier calls handled here, for repeat-caller triggers; this call joins them on closing.
    history: RwSignal<Vec<PriorCall>>,
    /// Whether the call is open (the handler's screen offers a new call only when it is not).
    in_progress: RwSignal<bool>,
    /// The widget this call is in: its host link, its elements, its draft's key.
    instance: Instance,
    /// The widget's outbox, where the call goes when it closes.
    lane: StoredValue<Option<Lane>, LocalStorage>,
    /// Whether the closing review is open: a refusal is shown there, beside the button that
    /// caused it, not behind the modal dialog.
    reviewing: RwSignal<bool>,
    /// Set while a close is being saved: the call is shown closed (and the host told) only once
    /// its entry is in the outbox and its draft gone, in one transaction; nothing else is applied
    /// meanwhile.
    saving: RwSignal<bool>,
    /// The call's draft writer (set once the screen has made it; none in practice).
    saver: StoredValue<Option<DraftSaver>, LocalStorage>,
    /// Set in the practice app: the call is a practice call (`PracticeCall`).
    practice: Option<PracticeCall>,
}

impl Desk {
    /// Sends `command` to the call; returns whether it was applied (for a close: whether it is
    /// being saved, see [`Desk::close`]).
    fn dispatch(self, command: Command) -> bool {
        self.dispatch_at(Place::of(&command), command)
    }

    /// [`Desk::dispatch`] from `place`, where a refusal is shown.
    fn dispatch_at(self, place: Place, command: Command) -> bool {
        if self.saving.get_untracked() {
            self.announcement
                .set("The call is being saved as closed; wait a moment.".to_owned());
            return false;
        }
        if matches!(command, Command::Close { .. }) {
            return self.close(command);
        }
        let pack = self.pack.get_value();
        let mut outcome = None;
        self.call
            .update(|call| outcome = Some(call.apply(&pack, now_ms(), command)));
        match outcome {
            Some(Ok(effects)) => {
                self.notice.set(None);
                self.confirmed.set(None);
                for effect in effects {
                    match effect {
                        Effect::Announce(text) => self.announcement.set(text),
                        other => self.instance.carry_out(&other),
                    }
                }
                true
            }
            Some(Err(refusal)) => {
                self.confirmed.set(None);
                self.notice.set(Some(explain(&pack, refusal, place)));
                false
            }
            None => false,
        }
    }

    /// Says beside the control at `place` that `what` was done, with the time (24-hour).
    fn confirm(self, place: Place, what: &str) {
        let at = hours_minutes(now_ms(), shown_locale().get_untracked().as_ref());
        self.confirmed.set(Some(Confirmation {
            place,
            text: format!("\u{2713} {what} at {at}"),
        }));
    }

    /// Where focus goes after the tree moved on: its next question; once it has ended, the
    /// advice to give now if any, else the code it reached; the call's heading otherwise.
    fn focus_next_step(self) {
        let pack = self.pack.get_value();
        let (asking, due, decided) = self.call.with_untracked(|c| {
            (
                c.current_question().is_some(),
                c.advice_due(&pack).first().map(|item| item.to_string()),
                c.decision().is_some(),
            )
        });
        // Advice due now: its "Given" button, where the call bar's "Go to it" would lead.
        self.instance.focus_soon(match (asking, due, decided) {
            (true, _, _) => triage::answer_target(self).to_owned(),
            (false, Some(item), _) => advice::given_id(advice::GIVE_NOW_ID, &item),
            (false, None, true) => DECISION_ID.to_owned(),
            _ => CALL_HEADING_ID.to_owned(),
        });
    }

    /// Closes the call, saved before it is shown. The engine checks the close on a copy of the
    /// call; the draft as it stands is written, then the entry joins the outbox and the draft is
    /// removed in one strict transaction (`delivery::enqueue_closed`). Only once that has
    /// committed is the call shown closed, the host told (`entry.completed` in the same document)
    /// and the call added to the history. If it cannot be saved, the call stays open, its draft
    /// is written again, and the handler is told. A reload at any moment therefore finds either
    /// the open call with everything typed, or the closed call in the outbox: never both, never
    /// neither.
    fn close(self, command: Command) -> bool {
        let pack = self.pack.get_value();
        let mut closed = self.call.get_untracked();
        let effects = match closed.apply(&pack, now_ms(), command) {
            Ok(effects) => effects,
            Err(refusal) => {
                self.notice.set(Some(explain(&pack, refusal, Place::Close)));
                return false;
            }
        };
        // The entry is the engine's, made by the close itself (a close always completes).
        let Some(entry) = effects.iter().find_map(|e| match e {
            Effect::Completed { entry } => Some(entry.clone()),
            _ => None,
        }) else {
            return false;
        };
        self.notice.set(None);
        self.confirmed.set(None);
        if self.practice.is_some() {
            // Nothing to save or send: the practice app sees the closed call and scores it.
            self.history.update(|h| h.push(closed.as_prior()));
            self.call.set(closed);
            self.in_progress.set(false);
            self.announcement.set("Call closed".to_owned());
            self.instance.focus_soon(closing::CLOSED_ID);
            return true;
        }
        self.saver.with_value(|s| s.as_ref().map(DraftSaver::flush));
        self.saving.set(true);
        self.announcement.set("Saving the closed call…".to_owned());
        // Where "Close call" was, until the call is shown closed (never the page's body).
        self.instance.focus_soon(closing::SAVING_ID);
        let prior = closed.as_prior();
        let draft_key = self.instance.draft_key();
        let lane = self.lane.get_value();
        // Standalone, an incident for the supervisor's console in this browser goes with it.
        let handover = self
            .instance
            .is_standalone()
            .then(|| HandOver::from_call(&pack, &closed).map(|h| h.to_json()))
            .flatten();
        leptos::task::spawn_local(async move {
            let queued = match lane {
                Some(lane) => delivery::enqueue_closed(&lane, entry.clone(), draft_key, handover)
                    .await
                    .map(|_| ()),
                None => Err(crate::host::store::StoreError(
                    "this widget has no outbox".into(),
                )),
            };
            if let Err(e) = queued {
                self.saving.try_set(false);
                self.notice.try_set(Some(Notice {
                    place: Place::Close,
                    title: "The call could not be saved as closed: it is still open".to_owned(),
                    detail: vec![
                        e.to_string(),
                        "Nothing is lost: the call is kept in this browser. Try \u{201c}Close call\u{201d} again; if it fails again, tell your supervisor before closing the page."
                            .to_owned(),
                    ],
                }));
                self.saver
                    .try_with_value(|s| s.as_ref().map(DraftSaver::changed));
                return;
            }
            if self.call.try_set(closed).is_some() {
                // The screen was gone (signed out): the entry is saved, nothing to show.
                return;
            }
            self.saving.try_set(false);
            self.history.try_update(|h| h.push(prior));
            self.in_progress.try_set(false);
            // Saved: now the page may hear of it (on the widget's own page, its DOM event).
            for effect in effects {
                match effect {
                    Effect::Announce(text) => {
                        self.announcement.try_set(text);
                    }
                    other => self.instance.carry_out(&other),
                }
            }
            self.announcement.try_set("Call closed".to_owned());
            self.instance.focus_soon(closing::CLOSED_ID);
        });
        true
    }

    fn tree(self) -> Option<DecisionTree> {
        let pack = self.pack.get_value();
        let id = self.call.with(|c| c.tree().map(str::to_owned))?;
        pack.tree(&id).cloned()
    }
}

/// Applies the CRM's `context.set` to the open call: the link (logged), and the caller's number
/// as the callback number unless the handler has already recorded one. Returns false, taking
/// nothing, when the context is not this call's: the call is linked to other CRM records (the
/// engine refuses a second link), or it was resumed from its draft and is not linked to these (a
/// reloaded CRM's next context is for its next call). The context then waits for the next call.
fn link_to_crm(desk: Desk, given: &ContextSet, resumed: bool) -> bool {
    let link = Command::LinkCrm {
        call_id: given.call_id.clone(),
        contact_ref: given.contact_ref.clone(),
    };
    let pack = desk.pack.get_value();
    let mut probe = desk.call.get_untracked();
    let unlinked = probe.crm_link().is_none();
    match probe.apply(&pack, now_ms(), link.clone()) {
        Err(Refusal::AlreadyLinked(_)) => return false,
        _ if resumed && unlinked => return false,
        _ => {}
    }
    if given.call_id.is_some() || given.contact_ref.is_some() {
        desk.dispatch(link);
    }
    let empty = desk
        .call
        .with_untracked(|c| c.field(LogField::CallbackNumber).is_none());
    if let (Some(number), true) = (given.caller_number.clone(), empty) {
        desk.dispatch(Command::SetField {
            field: LogField::CallbackNumber,
            value: number,
        });
    }
    true
}

fn explain(pack: &Pack, refusal: Refusal, place: Place) -> Notice {
    let title = match &refusal {
        Refusal::AdviceOverLimit { .. } => "This advice cannot be given".to_owned(),
        Refusal::MissingFields(_) => MISSING_TITLE.to_owned(),
        other => format!("Not done: {other}"),
    };
    let detail = match refusal {
        Refusal::AdviceOverLimit(breaches) => {
            let mut lines = Vec::new();
            for breach in breaches {
                lines.push(format!(
                    "Rule: {} It says: \u{201c}{}\u{201d}",
                    breach.rule, breach.matched
                ));
                if let Some(text) = breach
                    .instead
                    .and_then(|id| pack.advice_item(&id))
                    .map(|a| fill_pack_placeholders(pack, &a.text))
                {
                    let line = format!("Say instead: {text}");
                    if !lines.contains(&line) {
                        lines.push(line);
                    }
                }
                if let Some(level) = breach.may_go_further.and_then(|id| pack.level(&id)) {
                    lines.push(format!(
                        "{} may go further: escalate if the caller needs more.",
                        level.name
                    ));
                }
            }
            lines
        }
        Refusal::MissingFields(missing) => missing.iter().map(|m| missing_label(pack, m)).collect(),
        _ => vec![],
    };
    Notice {
        title,
        detail,
        place,
    }
}

/// A refusal as the handler sees it: an alert with its title and what to do.
fn notice_view(notice: Notice) -> impl IntoView {
    view! {
        <div class="idk-notice" role="alert">
            <p class="idk-notice-title">{notice.title}</p>
            <ul>{notice.detail.into_iter().map(|d| view! { <li>{d}</li> }).collect_any()}</ul>
        </div>
    }
}

/// The refusal and the confirmation for `place`, shown beside its controls while they stand.
fn feedback(desk: Desk, place: Place) -> impl IntoView {
    view! {
        {live(move || {
            desk.notice
                .get()
                .filter(|n| n.place == place && (place != Place::Close || !desk.reviewing.get()))
                .map(notice_view)
        })}
        {live(move || {
            desk.confirmed.get().filter(|c| c.place == place).map(|c| {
                view! { <p class="idk-confirmation">{c.text}</p> }
            })
        })}
    }
}

/// A labelled one-line text box bound to `value`: `<label class={class}>{label}<input
/// type="text" …/></label>`, with `autocomplete="off"` when `autocomplete_off`.
fn text_field(
    class: &'static str,
    label: String,
    autocomplete_off: bool,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label class=class>
            {label}
            <input type="text" autocomplete=autocomplete_off.then_some("off") prop:value=live(move || value.get()) on:input=handler(move |ev| value.set(event_target_value(&ev))) />
        </label>
    }
}

/// A labelled two-row text area bound to `value`, as wide as the form.
fn text_area(label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="idk-field idk-field-wide">
            {label}
            <textarea rows="2" prop:value=live(move || value.get()) on:input=handler(move |ev| value.set(event_target_value(&ev)))></textarea>
        </label>
    }
}

/// The live notices recorded as in force for the call's location (issue 15), each with what it
/// says: above the advice, since a notice changes what the caller must be told.
fn notices_panel(desk: Desk) -> impl IntoView {
    let applied = memo(move || {
        desk.call.with(|c| {
            c.log()
                .iter()
                .filter_map(|e| match &e.what {
                    Event::NoticeApplied { title, text, .. } => Some((title.clone(), text.clone())),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });
    move || {
        let list = applied.get();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|(title, text)| view! { <li><strong>{title}</strong>" "{text}</li> })
                .collect_any();
            view! {
                <section class="idk-section idk-notices" aria-labelledby="idk-notices-heading">
                    <h3 id="idk-notices-heading">"Notices in force here"</h3>
                    <ul aria-label="Notices in force here">{items}</ul>
                </section>
            }
        })
    }
}

/// What closing still needs, as the handler reads it.
fn missing_label(pack: &Pack, missing: &Missing) -> String {
    match missing {
        Missing::Code => "An incident code".to_owned(),
        Missing::Field(field) => field.label().to_owned(),
        Missing::CustomField(id) => pack
            .custom_field(id)
            .map_or_else(|| id.clone(), |f| f.label.clone()),
        Missing::SafetyNet(id) => {
            let asked = pack.safety_question(id);
            format!(
                "Safety question: {}",
                asked.map_or(id.as_str(), |q| q.question.as_str())
            )
        }
        Missing::Decision(level) => format!(
            "A decision on the proposed escalation to {}: escalate, or record why not",
            level_name(pack, level)
        ),
        Missing::Explanation(key) => format!("A reason for: {}", deviation_label(pack, key)),
    }
}

/// An escalation level's name, or its id if the pack has no such level.
fn level_name(pack: &Pack, level: &str) -> String {
    pack.level(level)
        .map_or_else(|| level.to_owned(), |l| l.name.clone())
}

/// A legislation checklist item of the pack, by id.
fn checklist_item<'p>(pack: &'p Pack, id: &str) -> Option<&'p ChecklistItem> {
    pack.checklist_item(id)
}

/// Where a key was pressed, for `keys::call_key`.
fn key_place(ev: &web_sys::KeyboardEvent) -> KeyPlace {
    use wasm_bindgen::JsCast;
    if typing_in_a_field(ev) {
        return KeyPlace::TypingField;
    }
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return KeyPlace::Elsewhere;
    };
    let within = |selector: &str| target.closest(selector).ok().flatten().is_some();
    if within(".idk-question") {
        KeyPlace::TreeQuestion
    } else if target.id() == CALL_HEADING_ID {
        KeyPlace::CallHeading
    } else if within(".idk-decision") {
        KeyPlace::Decision
    } else if within("[role=radiogroup]")
        || target.get_attribute("type").as_deref() == Some("radio")
    {
        KeyPlace::OtherRadioGroup
    } else {
        KeyPlace::Elsewhere
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
    /// What the handler is signed in as, if the host said (recorded with the call).
    #[prop(optional_no_strip)]
    role: Option<Role>,
    /// Earlier calls handled in this session, for repeat-caller triggers; the call adds itself
    /// when it closes.
    history: RwSignal<Vec<PriorCall>>,
    /// Set while the call is open, cleared when it closes.
    in_progress: RwSignal<bool>,
    /// A call in progress restored from its draft, to continue instead of opening a new one.
    #[prop(optional_no_strip)]
    restored: Option<Call>,
    /// What the CRM said about the call ringing (`context.set`): taken by the open call, which
    /// links itself to the CRM's ids and prefills the callback number if it is still empty.
    #[prop(optional)]
    crm_context: Option<RwSignal<Option<ContextSet>>>,
) -> impl IntoView {
    let resumed = restored.is_some();
    let call = restored.unwrap_or_else(|| Call::open_as(&pack, &agent, role, now_ms()));
    let call = RwSignal::new(call);
    let now = RwSignal::new(now_ms());
    in_progress.set(!call.with_untracked(Call::is_closed));
    if let Some(timer) = every_second(move || now.set(now_ms())) {
        on_cleanup(move || timer.clear());
    }
    let desk = Desk {
        pack: StoredValue::new(pack),
        call,
        notice: RwSignal::new(None),
        confirmed: RwSignal::new(None),
        announcement: RwSignal::new(String::new()),
        now,
        history,
        in_progress,
        instance: Instance::current(),
        lane: StoredValue::new_local(use_context::<Lane>()),
        reviewing: RwSignal::new(false),
        saving: RwSignal::new(false),
        saver: StoredValue::new_local(None),
        practice: use_context::<PracticeCall>(),
    };
    let phrases = aids::control_phrases(desk);
    // Live notices (issue 15): recorded on the call once its location is in one's area, whenever
    // the host's list or the location changes. Asked first, so nothing is dispatched (and the
    // call not changed) when nothing new applies.
    if let Some(LiveNotices(notices)) = use_context::<LiveNotices>() {
        effect(move || {
            let pack = desk.pack.get_value();
            let list = notices.get();
            let pending = desk
                .call
                .with(|c| !c.is_closed() && !c.notices_pending(&pack, &list).is_empty());
            if pending {
                desk.dispatch(Command::ApplyNotices { notices: list });
            }
        });
    }
    if let Some(practice) = desk.practice {
        effect(move || practice.call.set(Some(call.get())));
    } else {
        // The draft: written within 300 ms of each change and at once when the page is hidden, so a
        // reload or a crash loses nothing; removed when the call closes (Desk::completed).
        let saver = DraftSaver::new(
            desk.instance.draft_key(),
            move || {
                // Nothing once closed, nor while the close is saved (it removes the draft).
                let saving = desk.saving.try_get_untracked().unwrap_or(true);
                call.try_with_untracked(|c| (!c.is_closed() && !saving).then(|| c.to_draft()))
                    .flatten()
            },
            move |e| {
                desk.notice.try_set(Some(Notice {
                    place: Place::Top,
                    title: "The call could not be saved in this browser".to_owned(),
                    detail: vec![
                        e.to_string(),
                        "Keep the call open until it is closed and sent.".to_owned(),
                    ],
                }));
            },
        );
        // The host hears the call started (under the CRM's id when it gave one), or, restored from
        // its draft (a reload, a crash), that it resumed under the id it started with, with its CRM
        // link: the engine says which, and the call keeps the id (its first draft, below, saves it).
        let crm_call_id = crm_context
            .and_then(|c| c.with_untracked(|c| c.as_ref().and_then(|c| c.call_id.clone())));
        let opening = call.update_untracked(|c| c.opening(resumed, crm_call_id.as_deref()));
        desk.instance.carry_out(&opening);
        if let Some(context) = crm_context {
            crate::ui::live::effect(move || {
                let Some(given) = context.get() else {
                    return;
                };
                if call.with_untracked(Call::is_closed) {
                    return;
                }
                if link_to_crm(desk, &given, resumed) {
                    context.set(None);
                } else {
                    desk.announcement.set(
                        "The CRM sent the details of another call; they are kept for the next call."
                            .to_owned(),
                    );
                }
            });
        }
        desk.saver.set_value(Some(saver));
        let saver = desk.saver;
        crate::ui::live::effect(move || {
            call.track();
            saver.with_value(|s| s.as_ref().map(DraftSaver::changed));
        });
        on_cleanup(move || {
            saver.try_with_value(|s| s.as_ref().map(DraftSaver::flush));
        });
    }
    if resumed {
        desk.announcement.set(format!(
            "Call resumed as it was at {}",
            time_of_day(
                call.with_untracked(Call::touched_at),
                shown_locale().get_untracked().as_ref()
            )
        ));
        // Back where the call was: the call bar's next step, never the page's body.
        call_bar::go_to_next_step(desk);
    }
    // The keys of the call (`keys::call_key`): digits answer the tree's question only where it has
    // focus, Backspace goes back to the previous one, "?" and "p" work anywhere but in a field.
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let asked = desk.call.with(|c| c.current_question().map(str::to_owned));
        let node = asked.and_then(|q| desk.tree()?.node(&q).cloned());
        let options = node
            .as_ref()
            .map(triage::answer_options)
            .unwrap_or_default();
        let state = KeyState {
            place: key_place(&ev),
            modifier: ev.ctrl_key() || ev.alt_key() || ev.meta_key(),
            options: options.len(),
            can_go_back: desk
                .call
                .with(|c| !c.is_closed() && c.last_answered().is_some()),
        };
        let Some(action) = call_key(&ev.key(), state) else {
            return;
        };
        ev.prevent_default();
        match action {
            CallKey::ShowKeys => desk.instance.show_dialog(KEYS_DIALOG_ID),
            CallKey::Phrases => desk.instance.focus_soon(aids::PHRASES_ID),
            CallKey::NextStep => {
                if state.place == KeyPlace::TypingField {
                    // Ctrl+Enter from a field: leaving it records what was typed (its change
                    // event, at once), so the next step is worked out with it.
                    use wasm_bindgen::JsCast;
                    if let Some(field) = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = field.blur();
                    }
                }
                call_bar::go_to_next_step(desk);
            }
            CallKey::Back => triage::go_back(desk),
            CallKey::Answer(i) => {
                let (Some(node), Some((_, value))) = (node, options.get(i)) else {
                    return;
                };
                if desk.dispatch(Command::Answer {
                    node: node.id,
                    value: value.clone(),
                }) {
                    desk.focus_next_step();
                }
            }
        }
    };
    if !resumed {
        // Answering the call puts the handler on the first safety question, never the page body.
        let first = desk
            .pack
            .with_value(|p| p.file().safety_net.first().map(|q| q.id.clone()));
        desk.instance.focus_soon(match first {
            Some(question) => record::safety_answer_id(&question, true),
            None => CALL_HEADING_ID.to_owned(),
        });
    }
    // Read-only once closed: the record stays on screen, nothing in it can be changed.
    let closed = memo(move || desk.call.with(Call::is_closed));
    view! {
        <section class="idk-card idk-call" aria-labelledby=CALL_HEADING_ID on:keydown=on_keydown>
            {call_bar::call_bar(desk)}
            {aids::keys_dialog()}
            <p class="idk-visually-hidden" role="status">{live(move || desk.announcement.get())}</p>
            // Three panes side by side on a desktop (one column when narrow), each scrolling on
            // its own: what to ask, what is recorded, and what to say and pass on.
            <div class="idk-pane idk-pane-ask" role="region" tabindex="0" aria-label="Ask">
                <fieldset class="idk-pane-fields" prop:disabled=live(move || closed.get())>
                    <legend class="idk-visually-hidden">"Ask"</legend>
                    {feedback(desk, Place::Top)}
                    {record::safety_net(desk)}
                    {triage::tree_chooser(desk)}
                    {triage::question_panel(desk)}
                    {triage::decision_panel(desk)}
                    {code_search::code_chooser(desk)}
                    {triage::units_panel(desk)}
                </fieldset>
            </div>
            <div class="idk-pane idk-pane-record" role="region" tabindex="0" aria-label="Record">
                <fieldset class="idk-pane-fields" prop:disabled=live(move || closed.get())>
                    <legend class="idk-visually-hidden">"Record"</legend>
                    {record::log_fields(desk)}
                </fieldset>
                {closing::close_panel(desk)}
            </div>
            <div class="idk-pane idk-pane-say" role="region" tabindex="0" aria-label="Say and pass on">
                <fieldset class="idk-pane-fields" prop:disabled=live(move || closed.get())>
                    <legend class="idk-visually-hidden">"Say and pass on"</legend>
                    {escalation::banner(desk)}
                    {notices_panel(desk)}
                    {escalation::major_incident(desk)}
                    {advice::give_now_panel(desk)}
                    {advice::advice_panel(desk)}
                    {checklist::checklist_panel(desk)}
                    {escalation::own_judgement(desk)}
                    {handoff::handoff_panel(desk)}
                    {handoff::routes_panel(desk)}
                    {handoff::organisations_panel(desk)}
                </fieldset>
                {phrases}
                {aids::reference()}
            </div>
        </section>
    }
}
