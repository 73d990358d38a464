//! Handoff messages: the log, summarised for those who act on it, in each channel's conventions
//! (F4, F8; L2 1.5, 2.2, 2.3, 3.7; L3 3.3; P5, P6, K6).
//!
//! Every message is generated from the same call log, so they cannot disagree. The channel decides
//! the form: radio and voice spell call signs and registrations phonetically; a length limit is
//! kept to (the text is shortened and the handoff says so); banned abbreviations are replaced with
//! the pack's wording; M/ETHANE structure where the channel requires it; a data channel gets JSON.

use crate::call::Call;
use crate::pack::{BannedAbbreviation, Channel, LogField, Medium, MessageStructure};
use crate::validate::Pack;

/// A message ready to send, with what the handler needs to check before sending it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    /// The channel's id.
    pub channel: String,
    /// The text to send or read out.
    pub text: String,
    /// Its length in characters.
    pub length: usize,
    /// The channel's limit, if it has one.
    pub limit: Option<u32>,
    /// Whether the text had to be shortened to fit the limit.
    pub shortened: bool,
    /// Banned abbreviations that were replaced.
    pub replaced: Vec<String>,
    /// Personal fields recorded on the call that this channel may not carry (its `may_carry`),
    /// so were left out of the message (F21).
    pub left_out: Vec<LogField>,
}

/// The channel proposed for a handoff, and why (F8; L2 2.2, K6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelProposal {
    /// The channel's id.
    pub channel: String,
    /// Why, in the handler's words.
    pub why: String,
}

/// Proposes a channel for a handoff of `call` to a recipient who can be reached on `offered`
/// (channel ids, the recipient's preferred first; every channel of the pack when the recipient is
/// not one the pack knows). The rule, first that applies:
///
/// 1. a channel the pack names for the call's priority (`preferred_for`), in the recipient's
///    order;
/// 2. for a call of the most urgent priority, the first spoken channel (radio, phone, voice): it
///    is heard at once and read back;
/// 3. for any other call, the first written channel (data, e-mail, SMS): it leaves a record and
///    does not interrupt;
/// 4. the recipient's first channel.
///
/// M/ETHANE channels are proposed only once a major incident is declared. `None` when nothing is
/// offered.
pub fn propose_channel(pack: &Pack, call: &Call, offered: &[String]) -> Option<ChannelProposal> {
    let file = pack.file();
    let usable: Vec<&Channel> = offered
        .iter()
        .filter_map(|id| file.channels.iter().find(|c| &c.id == id))
        .filter(|c| c.structure != MessageStructure::Methane || call.major_incident().is_some())
        .collect();
    let priority = call.decision().map(|d| d.priority.as_str());
    let most_urgent = priority.and_then(|p| pack.priority_rank(p)) == Some(0);
    let spoken = |c: &&&Channel| matches!(c.medium, Medium::Radio | Medium::Phone | Medium::Voice);
    let (channel, why) = if let Some(c) = priority.and_then(|p| {
        usable
            .iter()
            .find(|c| c.preferred_for.iter().any(|f| f == p))
    }) {
        let p = priority.unwrap_or_default();
        (c, format!("the procedure's first choice for {p} calls"))
    } else if let Some(c) = usable.iter().find(|c| most_urgent && spoken(c)) {
        let p = priority.unwrap_or_default();
        (
            c,
            format!(
                "{p} is the most urgent priority: a spoken channel is heard at once and read back"
            ),
        )
    } else if let Some(c) = usable
        .iter()
        .find(|c| !most_urgent && priority.is_some() && !spoken(c))
    {
        (
            c,
            "not the most urgent priority: a written channel leaves a record and does not interrupt"
                .to_owned(),
        )
    } else {
        (usable.first()?, "the recipient's first channel".to_owned())
    };
    Some(ChannelProposal {
        channel: channel.id.clone(),
        why: format!("{}: {why}", channel.name),
    })
}

const NATO: [&str; 26] = [
    "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett",
    "Kilo", "Lima", "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo", "Sierra", "Tango",
    "Uniform", "Victor", "Whiskey", "X-ray", "Yankee", "Zulu",
];
const DIGITS: [&str; 10] = [
    "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Niner",
];

/// Spells letters and digits with the phonetic alphabet ("AB12" → "Alpha Bravo One Two"); other
/// characters are dropped, as they are not read out.
pub fn phonetic(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let c = c.to_ascii_uppercase();
            match c {
                'A'..='Z' => Some(NATO[(c as u8 - b'A') as usize]),
                '0'..='9' => Some(DIGITS[(c as u8 - b'0') as usize]),
                _ => None,
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The facts a handoff carries, taken from the call.
struct Facts {
    code: String,
    title: String,
    priority: String,
    location: String,
    narrative: String,
    hazards: String,
    people: String,
    registration: String,
    callback: String,
    caller: String,
    vulnerability: String,
}

fn facts(pack: &Pack, call: &Call) -> Facts {
    let field = |f: LogField| call.field(f).unwrap_or("").trim().to_owned();
    let decision = call.decision();
    let code = decision.map(|d| d.code.clone()).unwrap_or_default();
    Facts {
        title: pack
            .code(&code)
            .map(|c| c.title.clone())
            .unwrap_or_default(),
        priority: decision.map(|d| d.priority.clone()).unwrap_or_default(),
        code,
        location: field(LogField::Location),
        narrative: field(LogField::Narrative),
        hazards: field(LogField::Hazards),
        people: field(LogField::PeopleAffected),
        registration: field(LogField::VehicleRegistration),
        callback: field(LogField::CallbackNumber),
        caller: field(LogField::CallerName),
        vulnerability: field(LogField::Vulnerability),
    }
}

/// Composes the handoff for `channel` from `call`, addressed to `call_sign` when it is a unit.
pub fn compose(pack: &Pack, call: &Call, channel: &Channel, call_sign: Option<&str>) -> Handoff {
    // Banned abbreviations are replaced in what the handler wrote, not in the message's own
    // structure (which for a data channel is JSON and must stay valid).
    let mut replaced = Vec::new();
    let mut f = facts(pack, call);
    // Personal fields the channel may not carry are dropped before anything is composed, so no
    // structure below can let one through.
    let mut left_out = Vec::new();
    if let Some(may) = &channel.may_carry {
        for (field, value) in [
            (LogField::CallerName, &mut f.caller),
            (LogField::CallbackNumber, &mut f.callback),
            (LogField::VehicleRegistration, &mut f.registration),
            (LogField::Vulnerability, &mut f.vulnerability),
        ] {
            if !value.is_empty() && !may.contains(&field) {
                value.clear();
                left_out.push(field);
            }
        }
    }
    for value in [
        &mut f.title,
        &mut f.location,
        &mut f.narrative,
        &mut f.hazards,
        &mut f.people,
        &mut f.vulnerability,
    ] {
        let (text, hits) = replace_banned(value, &channel.banned_abbreviations);
        *value = text;
        for hit in hits {
            if !replaced.contains(&hit) {
                replaced.push(hit);
            }
        }
    }
    let spoken = channel.phonetic;
    let registration = if f.registration.is_empty() {
        String::new()
    } else if spoken {
        format!("{} ({})", f.registration, phonetic(&f.registration))
    } else {
        f.registration.clone()
    };
    let parts = |items: &[(&str, &str)]| -> Vec<String> {
        items
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}: {v}"))
            .collect()
    };
    let body = parts(&[
        ("Location", &f.location),
        ("Details", &f.narrative),
        ("Hazards", &f.hazards),
        ("People", &f.people),
        ("Vulnerable", &f.vulnerability),
        ("Vehicle", &registration),
        ("Caller", &f.caller),
    ]);
    let text = match (channel.structure, channel.medium) {
        (MessageStructure::Methane, _) => {
            let major = call.major_incident();
            let declared = major.map_or_else(
                || "M: Major incident not declared".to_owned(),
                |m| format!("M: Major incident declared: {}", m.reason.trim()),
            );
            let known = |text: Option<&str>| {
                let text = text.unwrap_or("").trim();
                if text.is_empty() {
                    "to be confirmed"
                } else {
                    text
                }
                .to_owned()
            };
            [
                declared,
                format!("E: Exact location: {}", or_unknown(&f.location)),
                format!("T: Type of incident: {} {}", f.code, f.title),
                format!("H: Hazards: {}", or_unknown(&f.hazards)),
                format!("A: Access: {}", known(major.map(|m| m.access.as_str()))),
                format!("N: Number of casualties: {}", or_unknown(&f.people)),
                format!(
                    "E: Emergency services: {}",
                    known(major.map(|m| m.services.as_str()))
                ),
            ]
            .join("\n")
        }
        (MessageStructure::Sbar, _) => [
            format!("Situation: {} {}, priority {}", f.code, f.title, f.priority),
            format!("Background: {}", or_unknown(&f.narrative)),
            format!(
                "Assessment: {}",
                parts(&[("Hazards", &f.hazards), ("People", &f.people)]).join("; ")
            ),
            format!("Recommendation: attend {}", or_unknown(&f.location)),
        ]
        .join("\n"),
        (_, Medium::Radio) | (_, Medium::Voice) => {
            let to = call_sign
                .map(|c| format!("{c} ({}), ", phonetic(c)))
                .unwrap_or_default();
            format!(
                "{to}this is Control. Priority {}, {}. {}. Please acknowledge. Over.",
                f.priority,
                f.title,
                body.join(". ")
            )
        }
        (_, Medium::Sms) => {
            let mut items = vec![format!("{} {} {}", f.priority, f.code, f.title)];
            items.extend(body);
            if !f.callback.is_empty() {
                items.push(format!("Callback: {}", f.callback));
            }
            items.join(" | ")
        }
        (_, Medium::Data) => data_json(&f),
        (_, Medium::Email) | (_, Medium::Phone) => {
            let mut lines = vec![format!("{} {} (priority {})", f.code, f.title, f.priority)];
            lines.extend(body);
            if !f.callback.is_empty() {
                lines.push(format!("Callback: {}", f.callback));
            }
            lines.join("\n")
        }
    };
    let (text, shortened) = fit(text, channel.max_length);
    Handoff {
        channel: channel.id.clone(),
        length: text.chars().count(),
        text,
        limit: channel.max_length,
        shortened,
        replaced,
        left_out,
    }
}

fn or_unknown(value: &str) -> &str {
    if value.is_empty() {
        "not known"
    } else {
        value
    }
}

fn data_json(f: &Facts) -> String {
    serde_json::json!({
        "code": f.code,
        "title": f.title,
        "priority": f.priority,
        "location": f.location,
        "details": f.narrative,
        "hazards": f.hazards,
        "people_affected": f.people,
        "vulnerability": f.vulnerability,
        "vehicle_registration": f.registration,
        "caller_name": f.caller,
        "callback_number": f.callback,
    })
    .to_string()
}

/// Replaces whole-word banned abbreviations with the pack's wording; returns those replaced.
fn replace_banned(text: &str, banned: &[BannedAbbreviation]) -> (String, Vec<String>) {
    let mut out = text.to_owned();
    let mut replaced = Vec::new();
    for rule in banned {
        let mut result = String::with_capacity(out.len());
        let mut hit = false;
        let mut rest = out.as_str();
        while let Some(at) = rest.find(&rule.abbreviation) {
            let before_ok = rest[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after = &rest[at + rule.abbreviation.len()..];
            let after_ok = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
            result.push_str(&rest[..at]);
            if before_ok && after_ok {
                result.push_str(&rule.say_instead);
                hit = true;
            } else {
                result.push_str(&rule.abbreviation);
            }
            rest = after;
        }
        result.push_str(rest);
        out = result;
        if hit {
            replaced.push(rule.abbreviation.clone());
        }
    }
    (out, replaced)
}

/// Shortens `text` to `limit` characters, ending in "…", when it is longer.
fn fit(text: String, limit: Option<u32>) -> (String, bool) {
    let Some(limit) = limit.map(|l| l as usize) else {
        return (text, false);
    };
    if text.chars().count() <= limit {
        return (text, false);
    }
    let kept: String = text.chars().take(limit.saturating_sub(1)).collect();
    (format!("{kept}…"), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phonetic_spells_letters_and_digits() {
        assert_eq!(
            phonetic("AB12 CDE"),
            "Alpha Bravo One Two Charlie Delta Echo"
        );
        assert_eq!(phonetic("hw-9"), "Hotel Whiskey Niner");
    }

    #[test]
    fn banned_abbreviations_are_replaced_whole_word_only() {
        let banned = vec![BannedAbbreviation {
            abbreviation: "ETA".into(),
            say_instead: "expected arrival time".into(),
        }];
        let (text, replaced) = replace_banned("ETA 10 min, not BETA", &banned);
        assert_eq!(text, "expected arrival time 10 min, not BETA");
        assert_eq!(replaced, ["ETA"]);
    }

    #[test]
    fn long_text_is_shortened_to_the_limit() {
        let (text, shortened) = fit("x".repeat(200), Some(160));
        assert!(shortened);
        assert_eq!(text.chars().count(), 160);
        assert!(text.ends_with('…'));
        assert_eq!(fit("short".into(), Some(160)), ("short".into(), false));
    }
}
