//! Tasking a unit (F11; L3 1.3, 1.4; NOS P6, P7): the channel to reach it on, and the message
//! that tells it what it is responsible for and what response is expected, by when.
//!
//! The channel follows the same rule as a call's handoff (`call::handoff::propose_channel_for`),
//! over the unit's own channels in its order, by the incident's priority. The message states:
//! the incident (priority, code and title, reference), where, what the responder walks into
//! (`SAFETY`, and that someone is vulnerable, never who: the details stay in the call's log
//! entry), the unit's responsibilities (its resource type's description), and the response
//! expected from the pack's targets: acknowledge within N minutes with an ETA, report on scene
//! (by the clock time the priority's attend target falls at), then an update every N minutes.
//! It is written in the channel's conventions: radio and voice addressed to the call sign spelt
//! phonetically, ending "Over."; SMS on one line within its length; SBAR's four headings; e-mail
//! and telephone a line each; a data channel JSON. Banned abbreviations are replaced in every
//! part but the JSON's names.

use crate::call::handoff::{
    fit, parts_of, phonetic, propose_channel_for, replace_banned, ChannelProposal,
    VULNERABLE_DETAILS_BY_PHONE,
};
use crate::incident::machine::Incident;
use crate::kernel::Millis;
use crate::pack::calendar::{clock_text, zone_of};
use crate::pack::{Channel, Medium, MessageStructure, Pack, ResourceUnit};

/// A tasking message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskingMessage {
    /// The channel's id.
    pub channel: String,
    /// The words.
    pub text: String,
    /// Its length in characters.
    pub length: usize,
    /// The channel's limit, if it has one.
    pub limit: Option<u32>,
    /// Whether it had to be shortened to fit.
    pub shortened: bool,
    /// Banned abbreviations replaced.
    pub replaced: Vec<String>,
}

/// The channel to task `unit` on for `incident`, and why; `None` when the unit has no channel
/// the pack knows. Channels for major incidents (M/ETHANE) are not offered: a tasking is not a
/// major incident report.
pub fn propose_tasking_channel(
    pack: &Pack,
    incident: &Incident,
    unit: &ResourceUnit,
) -> Option<ChannelProposal> {
    propose_channel_for(pack, Some(&incident.priority), false, &unit.channels)
}

/// What a unit is expected to do and by when, line by line, from the pack's targets.
fn expected(pack: &Pack, incident: &Incident) -> Vec<String> {
    let targets = &pack.file().targets;
    let zone = zone_of(pack.file().calendar.as_ref());
    let mut lines = Vec::new();
    lines.push(match targets.acknowledge_minutes {
        Some(m) => format!("Acknowledge within {m} minutes with your ETA"),
        None => "Acknowledge with your ETA".to_owned(),
    });
    lines.push(match pack.priority(&incident.priority) {
        Some(p) => {
            let by: Millis = incident.opened_at + u64::from(p.attend_within_minutes) * 60_000;
            format!("Report on scene, due by {}", clock_text(by, zone))
        }
        None => "Report on scene".to_owned(),
    });
    if let Some(m) = targets.update_interval_minutes {
        lines.push(format!("Update every {m} minutes until you clear"));
    }
    lines
}

/// Composes the tasking of `unit` to `incident` on `channel`.
pub fn compose_tasking(
    pack: &Pack,
    incident: &Incident,
    unit: &ResourceUnit,
    channel: &Channel,
) -> TaskingMessage {
    let mut replaced = Vec::new();
    let mut clean = |text: &str| replace_banned(text, &channel.banned_abbreviations, &mut replaced);
    let title = clean(
        &pack
            .code(&incident.code)
            .map_or(String::new(), |c| c.title.clone()),
    );
    let task = clean(
        &pack
            .file()
            .resources
            .types
            .iter()
            .find(|t| t.id == unit.resource_type)
            .map_or(String::new(), |t| t.description.clone()),
    );
    // Parts are joined with ". " on radio: a part's own full stop would make two.
    let task = task.trim_end_matches('.').to_owned();
    let location = clean(&incident.location);
    let summary = clean(&incident.summary).trim_end_matches('.').to_owned();
    let safety = clean(&incident.safety.join("; "));
    let vulnerable = if incident.vulnerable {
        VULNERABLE_DETAILS_BY_PHONE
    } else {
        ""
    };
    let expected: Vec<String> = expected(pack, incident).iter().map(|l| clean(l)).collect();
    let headline = format!(
        "Priority {} {} {}, incident {}",
        incident.priority, incident.code, title, incident.reference
    );
    let mut body = parts_of(&[
        ("Location", &location),
        ("SAFETY", &safety),
        ("VULNERABLE PERSON", vulnerable),
        ("Details", &summary),
        ("Your task", &task),
    ]);
    body.push(format!("Expected: {}", expected.join("; ")));
    let text = match (channel.structure, channel.medium) {
        (MessageStructure::Sbar, _) => {
            let mut assessment =
                parts_of(&[("SAFETY", &safety), ("VULNERABLE PERSON", vulnerable)]);
            if assessment.is_empty() {
                assessment.push("No hazards reported".to_owned());
            }
            [
                format!("Situation: {headline}. Location: {location}"),
                format!("Background: {summary}"),
                format!("Assessment: {}", assessment.join(". ")),
                format!("Recommendation: {task}. {}", expected.join("; ")),
            ]
            .join("\n")
        }
        (_, Medium::Radio) | (_, Medium::Voice) => format!(
            "{} ({}), this is Control. Tasking: {headline}. {}. Over.",
            unit.call_sign,
            phonetic(&unit.call_sign),
            body.join(". ")
        ),
        (_, Medium::Sms) => [headline]
            .into_iter()
            .chain(body)
            .collect::<Vec<_>>()
            .join(" | "),
        (_, Medium::Data) => {
            #[derive(serde::Serialize)]
            struct Data<'a> {
                call_sign: &'a str,
                code: &'a str,
                expected: &'a [String],
                incident: &'a str,
                location: &'a str,
                priority: &'a str,
                safety: &'a [String],
                summary: &'a str,
                task: &'a str,
                title: &'a str,
                vulnerable: bool,
            }
            serde_json::to_string(&Data {
                call_sign: &unit.call_sign,
                code: &incident.code,
                expected: &expected,
                incident: &incident.reference,
                location: &location,
                priority: &incident.priority,
                safety: &incident.safety,
                summary: &summary,
                task: &task,
                title: &title,
                vulnerable: incident.vulnerable,
            })
            .unwrap_or_default()
        }
        (_, Medium::Email) | (_, Medium::Phone) => [format!("To {}: {headline}", unit.call_sign)]
            .into_iter()
            .chain(body)
            .collect::<Vec<_>>()
            .join("\n"),
    };
    // A data message is not cut: cut JSON is not JSON, and a tasking has no free text long
    // enough to need it.
    let (text, shortened) = if channel.medium == Medium::Data {
        (text, false)
    } else {
        fit(text, channel.max_length)
    };
    TaskingMessage {
        channel: channel.id.clone(),
        length: text.chars().count(),
        text,
        limit: channel.max_length,
        shortened,
        replaced,
    }
}
