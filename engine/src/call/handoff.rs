//! Handoff messages: the log, summarised for those who act on it, in each channel's conventions
//! (F4, F8; L2 1.5, 2.2, 2.3, 3.7; L3 3.3; P5, P6, K6).
//!
//! Every message is generated from the same call log, so they cannot disagree. The channel decides
//! the form: radio and voice spell call signs and registrations phonetically; a length limit is
//! kept to (the text is shortened and the handoff says so); banned abbreviations are replaced with
//! the pack's wording; M/ETHANE structure where the channel requires it; a data channel gets JSON.
//!
//! Every message also says what keeps people safe (issue 13): the safety net's "yes" answers and
//! whether someone is vulnerable (`Call::safety_flags`), near the top so shortening never cuts
//! them. The rule per channel is on `compose`.

use crate::call::safety_flags::SafetyFlags;
use crate::call::Call;
use crate::kernel::is_word_char;
use crate::pack::fields::shown;
use crate::pack::Pack;
use crate::pack::{BannedAbbreviation, Channel, LogField, Medium, MessageStructure};

/// What a channel that may not carry `vulnerability` says in its place: that someone is
/// vulnerable, and where the details are, but nothing about who or why.
pub const VULNERABLE_DETAILS_BY_PHONE: &str = "yes, details by phone from the control room";
/// What a channel that may carry `vulnerability` says when a "yes" marked someone vulnerable but
/// the handler wrote nothing in the field.
pub const VULNERABLE_NO_DETAILS: &str = "yes, no details recorded";

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
    /// The same for the organisation's own personal fields (issue 15): their labels.
    pub left_out_custom: Vec<String>,
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
    propose_channel_for(
        pack,
        call.decision().map(|d| d.priority.as_str()),
        call.major_incident().is_some(),
        offered,
    )
}

/// [`propose_channel`]'s rule for a message about something of `priority` (when known), with
/// or without a major incident declared: for a call's handoff, and for tasking a unit from the
/// supervisor's console (`incident::tasking`).
pub fn propose_channel_for(
    pack: &Pack,
    priority: Option<&str>,
    major: bool,
    offered: &[String],
) -> Option<ChannelProposal> {
    let usable: Vec<&Channel> = offered
        .iter()
        .filter_map(|id| pack.channel(id))
        .filter(|c| c.structure != MessageStructure::Methane || major)
        .collect();
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
    /// The organisation's own fields that go in handoffs (`in_handoff`), in the pack's order.
    extra: Vec<Extra>,
}

/// One of the organisation's own fields in a handoff.
struct Extra {
    id: String,
    label: String,
    /// As people read it (`pack::fields::shown`).
    value: String,
    personal: bool,
}

fn facts(pack: &Pack, call: &Call, flags: &SafetyFlags) -> Facts {
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
        // On one line: it goes into a line of its own, and must not break a structure.
        vulnerability: flags.vulnerability.clone(),
        extra: pack
            .file()
            .fields
            .iter()
            .filter(|f| f.in_handoff)
            .filter_map(|f| {
                let value = call.custom_field(&f.id)?;
                Some(Extra {
                    id: f.id.clone(),
                    label: f.label.clone(),
                    value: shown(f, value.trim()),
                    personal: f.personal,
                })
            })
            .collect(),
    }
}

/// Composes the handoff for `channel` from `call`, addressed to `call_sign` when it is a unit.
///
/// What keeps people safe travels on every channel, right after the message's first line (so a
/// length limit cuts the narrative, never the flags), and nothing is added when there is nothing
/// to flag:
///
/// - `SAFETY: label; label`: the safety-net questions answered "yes" that are about the
///   situation (someone in danger, threats, could get worse; each by its pack `label`, else the
///   question). On **every** channel: they say what a responder walks into, not who someone is.
/// - `VULNERABLE PERSON: …`, when someone is vulnerable (a "yes" that marks it, or the
///   vulnerability field filled in). Vulnerability is personal data, often about health, so it
///   follows the channel's `may_carry`: a channel that may carry `vulnerability` gets the field as
///   written ("VULNERABLE PERSON: 82, lives alone"; [`VULNERABLE_NO_DETAILS`] when it is empty); any
///   other (an SMS to a contractor, radio, M/ETHANE) gets only the flag,
///   [`VULNERABLE_DETAILS_BY_PHONE`], and the field is listed in `left_out` when it was filled in.
///
/// Where they go: a line each on telephone, e-mail and voice; items after the first on SMS
/// (` | `; when the flags make it too long, the code stands for its title so the location still
/// fits) and radio (`. `); SBAR's Assessment; M/ETHANE's H (safety) and N (vulnerable person),
/// keeping its seven lines; JSON fields `safety` (labels), `vulnerable` (true or false) and
/// `vulnerability` (the same words as the text channels, empty when no one is vulnerable).
pub fn compose(pack: &Pack, call: &Call, channel: &Channel, call_sign: Option<&str>) -> Handoff {
    // Banned abbreviations are replaced in what the handler wrote, not in the message's own
    // structure (which for a data channel is JSON and must stay valid).
    let mut replaced = Vec::new();
    let flags = call.safety_flags(pack);
    let mut f = facts(pack, call, &flags);
    let carries_vulnerability = channel.may_carry(LogField::Vulnerability.name());
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
            if !value.is_empty() && !may.iter().any(|f| f == field.name()) {
                value.clear();
                left_out.push(field);
            }
        }
    }
    let mut left_out_custom = Vec::new();
    f.extra.retain(|e| {
        let carried = !e.personal || channel.may_carry(&e.id);
        if !carried {
            left_out_custom.push(e.label.clone());
        }
        carried
    });
    let mut situation: Vec<String> = flags.situation().map(|y| y.label.clone()).collect();
    for value in [
        &mut f.title,
        &mut f.location,
        &mut f.narrative,
        &mut f.hazards,
        &mut f.people,
        &mut f.vulnerability,
    ]
    .into_iter()
    .chain(situation.iter_mut())
    .chain(f.extra.iter_mut().map(|e| &mut e.value))
    {
        *value = replace_banned(value, &channel.banned_abbreviations, &mut replaced);
    }
    let safety = situation.join("; ");
    let mut vulnerable = if !flags.vulnerable {
        ""
    } else if !carries_vulnerability {
        VULNERABLE_DETAILS_BY_PHONE
    } else if f.vulnerability.is_empty() {
        VULNERABLE_NO_DETAILS
    } else {
        f.vulnerability.as_str()
    }
    .to_owned();
    let flagged = parts_of(&[("SAFETY", &safety), ("VULNERABLE PERSON", &vulnerable)]);
    let spoken = channel.phonetic;
    let registration = if f.registration.is_empty() {
        String::new()
    } else if spoken {
        format!("{} ({})", f.registration, phonetic(&f.registration))
    } else {
        f.registration.clone()
    };
    let mut body = flagged.clone();
    body.extend(parts_of(&[
        ("Location", &f.location),
        ("Details", &f.narrative),
        ("Hazards", &f.hazards),
        ("People", &f.people),
        ("Vehicle", &registration),
    ]));
    body.extend(f.extra.iter().map(|e| format!("{}: {}", e.label, e.value)));
    body.extend(parts_of(&[("Caller", &f.caller)]));
    // A data message is shortened field by field, so it stays JSON.
    let mut data_cut = false;
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
            let with = |text: &str, label: &str, value: &str| {
                if value.is_empty() {
                    text.to_owned()
                } else {
                    format!("{text}. {label}: {value}")
                }
            };
            [
                declared,
                format!("E: Exact location: {}", or_unknown(&f.location)),
                format!("T: Type of incident: {} {}", f.code, f.title),
                format!(
                    "H: Hazards: {}",
                    with(or_unknown(&f.hazards), "SAFETY", &safety)
                ),
                format!("A: Access: {}", known(major.map(|m| m.access.as_str()))),
                format!(
                    "N: Number of casualties: {}",
                    with(or_unknown(&f.people), "VULNERABLE PERSON", &vulnerable)
                ),
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
            format!("Assessment: {}", {
                let mut assessment = flagged;
                let mut seen = parts_of(&[("Hazards", &f.hazards), ("People", &f.people)]);
                seen.extend(f.extra.iter().map(|e| format!("{}: {}", e.label, e.value)));
                if !seen.is_empty() {
                    assessment.push(seen.join("; "));
                }
                assessment.join(". ")
            }),
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
            let mut tail = body;
            if !f.callback.is_empty() {
                tail.push(format!("Callback: {}", f.callback));
            }
            let titled = format!("{} {} {}", f.priority, f.code, f.title);
            let length: usize = [&titled]
                .into_iter()
                .chain(&tail)
                .map(|i| i.chars().count() + 3)
                .sum();
            let limit = channel.max_length.map_or(usize::MAX, |l| l as usize);
            // The flags take room the location needs: when the message would be shortened, the
            // code stands for its title.
            let head = if !flagged.is_empty() && length - 3 > limit {
                format!("{} {}", f.priority, f.code)
            } else {
                titled
            };
            [head]
                .into_iter()
                .chain(tail)
                .collect::<Vec<_>>()
                .join(" | ")
        }
        (_, Medium::Data) => {
            let (text, cut) = data_message(
                &mut f,
                &situation,
                flags.vulnerable,
                &mut vulnerable,
                channel.max_length,
            );
            data_cut = cut;
            text
        }
        (_, Medium::Email) | (_, Medium::Phone) => {
            let mut lines = vec![format!("{} {} (priority {})", f.code, f.title, f.priority)];
            lines.extend(body);
            if !f.callback.is_empty() {
                lines.push(format!("Callback: {}", f.callback));
            }
            lines.join("\n")
        }
    };
    let (text, shortened) = if channel.medium == Medium::Data {
        (text, data_cut)
    } else {
        fit(text, channel.max_length)
    };
    Handoff {
        channel: channel.id.clone(),
        length: text.chars().count(),
        text,
        limit: channel.max_length,
        shortened,
        replaced,
        left_out,
        left_out_custom,
    }
}

/// `label: value` for each item with a value, in order.
pub(crate) fn parts_of(items: &[(&str, &str)]) -> Vec<String> {
    items
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}: {v}"))
        .collect()
}

fn or_unknown(value: &str) -> &str {
    if value.is_empty() {
        "not known"
    } else {
        value
    }
}

/// The JSON of a data message within `limit` characters where it can be: the longest free-text
/// value is shortened (ending in "…") until it fits, so the message stays valid JSON; over the
/// limit only when its structure alone is. Returns whether anything was shortened.
fn data_message(
    f: &mut Facts,
    safety: &[String],
    is_vulnerable: bool,
    vulnerable: &mut String,
    limit: Option<u32>,
) -> (String, bool) {
    let mut shortened = false;
    loop {
        let text = data_json(f, safety, is_vulnerable, vulnerable);
        let over = limit.map_or(0, |l| text.chars().count().saturating_sub(l as usize));
        let longest = [
            &mut f.narrative,
            &mut f.hazards,
            &mut f.people,
            &mut f.location,
            &mut f.title,
            &mut f.caller,
            &mut f.callback,
            &mut f.registration,
            &mut *vulnerable,
        ]
        .into_iter()
        .chain(f.extra.iter_mut().map(|e| &mut e.value))
        .max_by_key(|v| v.chars().count());
        let Some(longest) = longest.filter(|v| over > 0 && v.chars().count() > 1) else {
            return (text, shortened);
        };
        // Each pass takes at least `over` characters off the longest value (escapes only make the
        // JSON shrink more), so this ends.
        let keep = longest.chars().count().saturating_sub(over + 1);
        *longest = format!("{}…", longest.chars().take(keep).collect::<String>());
        shortened = true;
    }
}

fn data_json(f: &Facts, safety: &[String], is_vulnerable: bool, vulnerable: &str) -> String {
    /// The handoff's data, its members in the order of their names (as they have always been
    /// written). A struct, not `json!`: that builds a `serde_json::Map` (a `BTreeMap`) the widget
    /// would carry for this alone.
    #[derive(serde::Serialize)]
    struct Data<'a> {
        callback_number: &'a str,
        caller_name: &'a str,
        code: &'a str,
        details: &'a str,
        /// The organisation's own fields, by id; left out when there are none.
        #[serde(skip_serializing_if = "Fields::is_empty")]
        fields: Fields<'a>,
        hazards: &'a str,
        location: &'a str,
        people_affected: &'a str,
        priority: &'a str,
        safety: &'a [String],
        title: &'a str,
        vehicle_registration: &'a str,
        vulnerability: &'a str,
        vulnerable: bool,
    }
    let data = Data {
        callback_number: &f.callback,
        caller_name: &f.caller,
        code: &f.code,
        details: &f.narrative,
        fields: Fields(&f.extra),
        hazards: &f.hazards,
        location: &f.location,
        people_affected: &f.people,
        priority: &f.priority,
        safety,
        title: &f.title,
        vehicle_registration: &f.registration,
        vulnerability: vulnerable,
        vulnerable: is_vulnerable,
    };
    // Text and a flag only: writing cannot fail.
    serde_json::to_string(&data).unwrap_or_default()
}

/// The organisation's own fields of a data message: an object of id to value as shown.
struct Fields<'a>(&'a [Extra]);

impl Fields<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl serde::Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for extra in self.0 {
            map.serialize_entry(&extra.id, &extra.value)?;
        }
        map.end()
    }
}

/// Replaces whole-word banned abbreviations with the pack's wording; adds those replaced to
/// `replaced`, each once however many texts of a message it is replaced in.
pub(crate) fn replace_banned(
    text: &str,
    banned: &[BannedAbbreviation],
    replaced: &mut Vec<String>,
) -> String {
    let mut out = text.to_owned();
    for rule in banned {
        let mut result = String::with_capacity(out.len());
        let mut hit = false;
        let mut rest = out.as_str();
        while let Some(at) = rest.find(&rule.abbreviation) {
            let before_ok = rest[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word_char(c));
            let after = &rest[at + rule.abbreviation.len()..];
            let after_ok = after.chars().next().is_none_or(|c| !is_word_char(c));
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
        if hit && !replaced.contains(&rule.abbreviation) {
            replaced.push(rule.abbreviation.clone());
        }
    }
    out
}

/// Shortens `text` to `limit` characters, ending in "…", when it is longer.
pub(crate) fn fit(text: String, limit: Option<u32>) -> (String, bool) {
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
        let mut replaced = Vec::new();
        let text = replace_banned("ETA 10 min, not BETA", &banned, &mut replaced);
        assert_eq!(text, "expected arrival time 10 min, not BETA");
        assert_eq!(replaced, ["ETA"]);
        // Replaced again in another text of the message: listed once.
        replace_banned("ETA at 10", &banned, &mut replaced);
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
