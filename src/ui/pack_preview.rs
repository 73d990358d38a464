//! The pack preview: an organisation's procedures laid out for reading (F18, and the reference
//! content of F9: L2 3.1 services, 3.2 legislation and its effect, 3.3 how the trees work, 3.4
//! allocation, 3.5 escalation boundaries, 3.6 advice limits, 3.7 codes and wording, 3.8 resources).
//!
//! Every section is a native disclosure (`details`), so it works by keyboard and screen reader
//! without script; tables have captions and column headers. All text is rendered as text. The
//! pack's warnings (`Pack::warnings`), if any, come first.

use std::sync::Arc;

use incident_engine::kernel::lowercase;
use incident_engine::pack::{Contact, ResponsePlanItem};
use incident_engine::{Pack, PackFile};
use leptos::prelude::*;

use crate::ui::live::{handler, CollectAny};

use crate::ui::live::live;

/// Most incident codes listed at once; the filter narrows the rest.
const MAX_CODE_ROWS: usize = 50;

/// The whole pack, section by section.
#[component]
pub fn PackPreview(
    /// The checked pack to show.
    pack: Arc<Pack>,
    /// The heading's id (unique on the page: the preview can also be open inside a call).
    #[prop(into, default = "idk-preview-heading".to_owned())]
    heading_id: String,
) -> impl IntoView {
    let f = pack.file();
    let labelled_by = heading_id.clone();
    view! {
        <section class="idk-card idk-preview" aria-labelledby=labelled_by>
            // Focusable, for focus to land on after the procedures are opened again (ui::Procedures).
            <h2 id=heading_id class="idk-card-title" tabindex="-1">"Procedures: " {f.organisation.name.clone()}</h2>
            <p class="idk-muted">
                {format!("Pack version {} ({}).", f.version, f.format)}
            </p>
            {warnings(&pack)}
            {sections(f)}
            <CodeSection pack=pack.clone() />
        </section>
    }
}

/// Rows of text, shown as a table with a caption and column headers.
fn table(caption: &str, headers: &[&str], rows: Vec<Vec<String>>) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="idk-muted">{format!("{caption}: none in this pack.")}</p> }
            .into_any();
    }
    let headers = headers
        .iter()
        .map(|h| view! { <th scope="col">{h.to_string()}</th> })
        .collect_any();
    let rows = rows
        .into_iter()
        .map(|row| view! { <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_any()}</tr> })
        .collect_any();
    view! {
        <div class="idk-table-wrap">
            <table class="idk-table">
                <caption>{caption.to_owned()}</caption>
                <thead><tr>{headers}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A closed disclosure section with a summary line.
fn section(title: &str, count: usize, body: AnyView) -> AnyView {
    view! {
        <details class="idk-section">
            <summary>{format!("{title} ({count})")}</summary>
            {body}
        </details>
    }
    .into_any()
}

/// The pack's warnings, each `PATH: message` as text; nothing when there are none.
fn warnings(pack: &Pack) -> Option<AnyView> {
    let warnings = pack.warnings();
    if warnings.is_empty() {
        return None;
    }
    let items = warnings
        .iter()
        .map(|w| view! { <li>{w.to_string()}</li> })
        .collect_any();
    Some(section(
        "Warnings",
        warnings.len(),
        view! { <ul>{items}</ul> }.into_any(),
    ))
}

fn join(items: &[String]) -> String {
    items.join(", ")
}

/// A response plan as people read it: "1 × Water tanker, carrying 10000 litres between them, or
/// 2 × Alternative supplies team, carrying 4000 litres between them".
fn plan_text(file: &PackFile, plan: &[ResponsePlanItem]) -> String {
    let one = |count: u32, resource_type: &str, capacity: Option<u32>| {
        let kind = file.resources.types.iter().find(|t| t.id == resource_type);
        let name = kind.map_or(resource_type, |t| t.name.as_str());
        let unit = kind.and_then(|t| t.capacity_unit.as_deref()).unwrap_or("");
        match capacity {
            Some(c) => format!("{count} × {name}, carrying {c} {unit} between them"),
            None => format!("{count} × {name}"),
        }
    };
    plan.iter()
        .map(|p| {
            let mut text = one(p.count, &p.resource_type, p.capacity);
            for a in &p.alternatives {
                text.push_str(", or ");
                text.push_str(&one(a.count, &a.resource_type, a.capacity));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Contacts as "channel: address", comma-separated.
fn contacts_text(contacts: &[Contact]) -> String {
    let each: Vec<String> = contacts
        .iter()
        .map(|c| format!("{}: {}", c.channel, c.address))
        .collect();
    join(&each)
}

fn sections(f: &PackFile) -> Vec<AnyView> {
    let o = &f.organisation;
    let mut out = Vec::new();
    out.push(section(
        "Services",
        o.services.len(),
        table(
            "Services the contact centre offers",
            &["Service", "What it covers", "Hours"],
            o.services
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        s.description.clone(),
                        s.hours.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
    ));
    let w = &f.wording;
    let mut wording = vec![
        vec!["Greeting".to_owned(), w.greeting.clone()],
        vec!["Closing".to_owned(), w.closing.clone()],
    ];
    wording.extend(
        w.control_phrases
            .iter()
            .map(|p| vec![p.kind.label().to_owned(), p.text.clone()]),
    );
    out.push(section(
        "Standard wording",
        wording.len(),
        table(
            "Standard wording and control phrases",
            &["When", "Words"],
            wording,
        ),
    ));
    out.push(section(
        "Priorities",
        f.priorities.len(),
        table(
            "Priorities, most urgent first",
            &[
                "Priority",
                "Name",
                "When",
                "Deploy within (min)",
                "Attend within (min)",
            ],
            f.priorities
                .iter()
                .map(|p| {
                    vec![
                        p.id.clone(),
                        p.name.clone(),
                        p.description.clone(),
                        p.deploy_within_minutes.to_string(),
                        p.attend_within_minutes.to_string(),
                    ]
                })
                .collect(),
        ),
    ));
    out.push(section(
        "Decision trees",
        f.trees.len(),
        table(
            "Decision trees: each asks questions in turn and ends in an outcome with a code and priority",
            &["Tree", "Questions", "Outcomes", "Suggested by"],
            f.trees
                .iter()
                .map(|t| vec![t.title.clone(), t.nodes.len().to_string(), t.outcomes.len().to_string(), join(&t.keywords)])
                .collect(),
        ),
    ));
    // Outcomes that continue into another tree, notify or route (issue 15).
    let handovers: Vec<Vec<String>> = f
        .trees
        .iter()
        .flat_map(|t| {
            t.outcomes
                .iter()
                .filter(|o| o.continue_to.is_some() || !o.notify.is_empty() || !o.routes.is_empty())
                .map(move |o| {
                    let onward = o
                        .continue_to
                        .as_ref()
                        .and_then(|id| f.trees.iter().find(|t| &t.id == id))
                        .map_or(String::new(), |t| t.title.clone());
                    vec![
                        t.title.clone(),
                        format!("{} ({}, {})", o.reason, o.code, o.priority),
                        onward,
                        join(&o.notify),
                        join(&o.routes),
                    ]
                })
        })
        .collect();
    if !handovers.is_empty() {
        out.push(section(
            "Outcomes that continue, notify or route",
            handovers.len(),
            table(
                "Outcomes that continue into another tree, or add organisations to notify or routes",
                &["Tree", "Outcome", "Continues with", "Also notify", "Routes"],
                handovers,
            ),
        ));
    }
    out.push(section(
        "Questions on every call",
        f.safety_net.len(),
        table(
            "Safety-net questions asked on every call",
            &["Question", "If yes"],
            f.safety_net
                .iter()
                .map(|q| vec![q.question.clone(), q.if_yes.reason.clone()])
                .collect(),
        ),
    ));
    let a = &f.advice;
    out.push(section(
        "Advice",
        a.items.len(),
        table(
            "Approved advice",
            &["Kind", "Words"],
            a.items
                .iter()
                .map(|i| vec![i.kind.label().to_owned(), i.text.clone()])
                .collect(),
        ),
    ));
    out.push(section(
        "Advice limits",
        a.limits.len(),
        table(
            "What handlers must not say",
            &["Must not", "Caught by", "Who may go further"],
            a.limits
                .iter()
                .map(|l| {
                    vec![
                        l.rule.clone(),
                        join(&l.patterns),
                        l.may_go_further.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
    ));
    let e = &f.escalation;
    out.push(section(
        "Escalation",
        e.levels.len(),
        table(
            "Escalation levels, lowest first, and their boundaries",
            &["Level", "Held by", "Escalate when"],
            e.levels
                .iter()
                .map(|l| vec![l.name.clone(), l.held_by.clone(), l.boundary.clone()])
                .collect(),
        ),
    ));
    out.push(section(
        "Escalation triggers",
        e.triggers.len(),
        table(
            "What proposes an escalation",
            &["When", "Proposes", "Why"],
            e.triggers
                .iter()
                .map(|t| vec![t.when.to_string(), t.level.clone(), t.reason.clone()])
                .collect(),
        ),
    ));
    let r = &f.resources;
    out.push(section(
        "Resources",
        r.units.len(),
        table(
            "Units available for deployment",
            &["Call sign", "Type", "Skills", "Zone", "Status"],
            r.units
                .iter()
                .map(|u| {
                    vec![
                        u.call_sign.clone(),
                        u.resource_type.clone(),
                        join(&u.skills),
                        u.zone.clone(),
                        u.status.label().to_owned(),
                    ]
                })
                .collect(),
        ),
    ));
    if let Some(rules) = &r.allocation_rules {
        out.push(section(
            "Allocation rules",
            1,
            view! { <p>{rules.clone()}</p> }.into_any(),
        ));
    }
    out.push(section(
        "External organisations",
        f.external_organisations.len(),
        table(
            "External organisations and their procedures",
            &["Organisation", "When", "Procedure", "Contacts"],
            f.external_organisations
                .iter()
                .map(|x| {
                    vec![
                        x.name.clone(),
                        x.when.clone(),
                        x.procedure.join(" "),
                        contacts_text(&x.contacts),
                    ]
                })
                .collect(),
        ),
    ));
    out.push(section(
        "Channels",
        f.channels.len(),
        table(
            "Channels and their conventions",
            &["Channel", "Medium", "Use when", "Longest message"],
            f.channels
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        c.medium.label().to_owned(),
                        c.use_when.clone(),
                        c.max_length
                            .map(|n| format!("{n} characters"))
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
    ));
    out.push(section(
        "Legislation and policy",
        f.legislation.len(),
        table(
            "Legislation and its effect on handling",
            &["Legislation", "Effect", "Checklist"],
            f.legislation
                .iter()
                .map(|l| {
                    let items: Vec<String> = l.checklist.iter().map(|c| c.text.clone()).collect();
                    vec![l.title.clone(), l.effect.clone(), items.join("; ")]
                })
                .collect(),
        ),
    ));
    if !f.fields.is_empty() {
        out.push(section(
            "Log fields of the organisation's own",
            f.fields.len(),
            table(
                "Log fields beyond the standard ten",
                &["Field", "Type", "Required", "Personal data", "In handoffs"],
                f.fields
                    .iter()
                    .map(|x| {
                        let required = if x.required {
                            "On every call".to_owned()
                        } else {
                            join(&x.required_for)
                        };
                        let yes = |b: bool| if b { "Yes" } else { "No" }.to_owned();
                        vec![
                            x.label.clone(),
                            x.kind.label().to_owned(),
                            required,
                            yes(x.personal),
                            yes(x.in_handoff),
                        ]
                    })
                    .collect(),
            ),
        ));
    }
    if !f.routes.is_empty() {
        out.push(section(
            "Specialist routes",
            f.routes.len(),
            table(
                "Specialist routes beside the escalation ladder",
                &["Route", "When", "Contacts"],
                f.routes
                    .iter()
                    .map(|r| vec![r.name.clone(), r.when.clone(), contacts_text(&r.contacts)])
                    .collect(),
            ),
        ));
    }
    if !f.notice_kinds.is_empty() {
        out.push(section(
            "Kinds of live notice",
            f.notice_kinds.len(),
            table(
                "Kinds of live notice the CRM may send, and what a call in their area adds",
                &["Notice", "Give now", "Limits in force", "Proposes"],
                f.notice_kinds
                    .iter()
                    .map(|k| {
                        vec![
                            k.name.clone(),
                            join(&k.give_now),
                            join(&k.limits),
                            k.escalation.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            ),
        ));
    }
    if let Some(c) = &f.calendar {
        let days: Vec<String> = c.working_days.iter().map(|d| d.name().to_owned()).collect();
        out.push(section(
            "Working calendar",
            1,
            table(
                "The working calendar, for deadlines in working time",
                &["Working days", "Hours", "Time zone", "Holidays"],
                vec![vec![
                    join(&days),
                    format!("{} to {}", c.from, c.to),
                    c.time_zone.clone(),
                    join(&c.holidays),
                ]],
            ),
        ));
    }
    out.push(section(
        "Complaints",
        f.complaints.len(),
        table(
            "Complaint categories and the handler's limits",
            &["Category", "A handler may", "Beyond that"],
            f.complaints
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        c.handler_may.join("; "),
                        c.escalate_to.clone(),
                    ]
                })
                .collect(),
        ),
    ));
    out
}

/// Incident codes, filtered by code, title or keyword.
#[component]
fn CodeSection(
    /// The pack whose codes to list.
    pack: Arc<Pack>,
) -> impl IntoView {
    let (filter, set_filter) = signal(String::new());
    let total = pack.file().codes.len();
    let rows = live(move || {
        let needle = lowercase(&filter.get());
        let matching: Vec<Vec<String>> = pack
            .file()
            .codes
            .iter()
            .filter(|c| {
                needle.is_empty()
                    || lowercase(&c.code).contains(&needle)
                    || lowercase(&c.title).contains(&needle)
                    || c.keywords.iter().any(|k| lowercase(k).contains(&needle))
            })
            .take(MAX_CODE_ROWS + 1)
            .map(|c| {
                vec![
                    c.code.clone(),
                    c.title.clone(),
                    c.default_priority.clone(),
                    join(&c.keywords),
                    plan_text(pack.file(), &c.response_plan),
                    c.deadlines
                        .iter()
                        .map(|d| format!("{} within {}", d.name, d.unit.words(d.within)))
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect();
        let more = matching.len() > MAX_CODE_ROWS;
        let shown: Vec<Vec<String>> = matching.into_iter().take(MAX_CODE_ROWS).collect();
        let note = if more {
            format!("Showing the first {MAX_CODE_ROWS}; type to narrow.")
        } else {
            format!("{} shown.", shown.len())
        };
        view! {
            <p class="idk-muted" aria-live="polite">{note}</p>
            {table("Incident codes", &["Code", "Title", "Default priority", "Keywords", "Response plan", "Deadlines"], shown)}
        }
    });
    section(
        "Incident codes",
        total,
        view! {
            <label class="idk-field">
                "Filter codes"
                <input
                    type="search"
                    prop:value=live(move || filter.get())
                    on:input=handler(move |ev| set_filter.set(event_target_value(&ev)))
                />
            </label>
            {rows}
        }
        .into_any(),
    )
}
