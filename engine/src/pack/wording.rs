//! Standard wording with placeholders (F1; L2 1.1, 1.2, 3.7).
//!
//! A template such as `"{organisation} out-of-hours line, {agent} speaking."` is split into text
//! and placeholders. A placeholder with a known value becomes text; one without a value (the agent's
//! name before the host has said who is logged in) stays a visible slot, so the handler sees what
//! to say there rather than a blank.

use std::fmt;

/// The placeholders a pack's wording may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// The handler's name.
    Agent,
    /// The organisation's name.
    Organisation,
    /// The incident reference: the CRM's reference for the call (issue 15).
    Reference,
    /// The caller's name, as recorded.
    CallerName,
    /// The callback number, as recorded.
    Callback,
    /// The incident's location, as recorded.
    Location,
    /// The title of the call's incident code.
    CodeTitle,
    /// The call's priority's attend target, in words ("4 hours").
    AttendWithin,
    /// The call's priority's deploy target, in words ("30 minutes").
    DeployWithin,
}

impl Placeholder {
    /// Every placeholder, in the order the pack reference lists them.
    pub const ALL: [Placeholder; 9] = [
        Placeholder::Agent,
        Placeholder::Organisation,
        Placeholder::Reference,
        Placeholder::CallerName,
        Placeholder::Callback,
        Placeholder::Location,
        Placeholder::CodeTitle,
        Placeholder::AttendWithin,
        Placeholder::DeployWithin,
    ];

    /// The name written between braces in a template.
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::Agent => "agent",
            Placeholder::Organisation => "organisation",
            Placeholder::Reference => "reference",
            Placeholder::CallerName => "caller_name",
            Placeholder::Callback => "callback",
            Placeholder::Location => "location",
            Placeholder::CodeTitle => "code_title",
            Placeholder::AttendWithin => "attend_within",
            Placeholder::DeployWithin => "deploy_within",
        }
    }

    /// What a handler sees in an unfilled slot.
    pub fn label(self) -> &'static str {
        match self {
            Placeholder::Agent => "your name",
            Placeholder::Organisation => "organisation name",
            Placeholder::Reference => "incident reference from the CRM",
            Placeholder::CallerName => "caller's name",
            Placeholder::Callback => "callback number",
            Placeholder::Location => "location",
            Placeholder::CodeTitle => "incident type",
            Placeholder::AttendWithin => "attend time",
            Placeholder::DeployWithin => "deploy time",
        }
    }

    fn from_name(name: &str) -> Option<Placeholder> {
        Placeholder::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}", self.name())
    }
}

/// A piece of filled wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Words to say as they are.
    Text(String),
    /// A placeholder with no value yet.
    Slot(Placeholder),
}

/// The values known for the placeholders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceholderValues {
    /// The handler's name, once the host has told us.
    pub agent: Option<String>,
    /// The organisation's name from the pack.
    pub organisation: Option<String>,
    /// What the call knows for the others (`Call::placeholder_values`), in `Placeholder::ALL`'s
    /// order from `Reference` on; `None` where it does not know yet.
    pub call: [Option<String>; 7],
}

impl PlaceholderValues {
    fn get(&self, placeholder: Placeholder) -> Option<&str> {
        match placeholder {
            Placeholder::Agent => self.agent.as_deref(),
            Placeholder::Organisation => self.organisation.as_deref(),
            other => {
                let index = Placeholder::ALL.iter().position(|p| *p == other)?;
                self.call.get(index - 2)?.as_deref()
            }
        }
    }
}

/// A placeholder in a template that the widget does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown placeholder {{{name}}} at character {offset}; the placeholders are {{agent}}, {{organisation}}, {{reference}}, {{caller_name}}, {{callback}}, {{location}}, {{code_title}}, {{attend_within}} and {{deploy_within}}")]
pub struct UnknownPlaceholder {
    /// The name between the braces.
    pub name: String,
    /// Where it starts, in characters from the start of the template.
    pub offset: usize,
}

/// Fills `template` with `values`. Text next to text is merged, so the result is as short as it can
/// be. A `{` with no closing `}` is kept as text: wording is for people, and a stray brace in it
/// is not worth refusing a pack over.
pub fn fill(
    template: &str,
    values: &PlaceholderValues,
) -> Result<Vec<Segment>, UnknownPlaceholder> {
    let mut segments: Vec<Segment> = Vec::new();
    let push_text = |segments: &mut Vec<Segment>, text: &str| {
        if text.is_empty() {
            return;
        }
        if let Some(Segment::Text(last)) = segments.last_mut() {
            last.push_str(text);
        } else {
            segments.push(Segment::Text(text.to_owned()));
        }
    };
    for piece in pieces(template) {
        match piece? {
            Piece::Text(text) => push_text(&mut segments, text),
            Piece::Placeholder(placeholder) => match values.get(placeholder) {
                Some(value) => push_text(&mut segments, value),
                None => segments.push(Segment::Slot(placeholder)),
            },
        }
    }
    Ok(segments)
}

/// `template` filled as words to read out: a slot with no value yet as its label in brackets
/// ("[caller's name]"), so the handler sees what to say there; a template with an unknown
/// placeholder (which a checked pack cannot hold) as written.
pub fn fill_text(template: &str, values: &PlaceholderValues) -> String {
    match fill(template, values) {
        Ok(segments) => segments
            .into_iter()
            .map(|segment| match segment {
                Segment::Text(text) => text,
                Segment::Slot(placeholder) => format!("[{}]", placeholder.label()),
            })
            .collect(),
        Err(_) => template.to_owned(),
    }
}

/// Checks that every placeholder in `template` is known, without building the filled text (the
/// validator calls this for every text in a pack).
pub fn check_placeholders(template: &str) -> Result<(), UnknownPlaceholder> {
    pieces(template).try_for_each(|piece| piece.map(|_| ()))
}

/// A piece of a template: literal text, or a known placeholder.
enum Piece<'t> {
    Text(&'t str),
    Placeholder(Placeholder),
}

/// Splits a template into text and placeholders, in order; an unknown placeholder is an error
/// carrying its character offset.
fn pieces(template: &str) -> impl Iterator<Item = Result<Piece<'_>, UnknownPlaceholder>> {
    let mut rest = template;
    let mut consumed_chars = 0;
    let mut pending: Option<Result<Piece<'_>, UnknownPlaceholder>> = None;
    std::iter::from_fn(move || {
        if let Some(piece) = pending.take() {
            return Some(piece);
        }
        if rest.is_empty() {
            return None;
        }
        let Some((open, close)) = rest
            .find('{')
            .and_then(|open| Some((open, open + rest[open..].find('}')?)))
        else {
            return Some(Ok(Piece::Text(std::mem::take(&mut rest))));
        };
        let (before, name) = (&rest[..open], &rest[open + 1..close]);
        let offset = consumed_chars + before.chars().count();
        pending = Some(
            Placeholder::from_name(name)
                .map(Piece::Placeholder)
                .ok_or_else(|| UnknownPlaceholder {
                    name: name.to_owned(),
                    offset,
                }),
        );
        consumed_chars += rest[..=close].chars().count();
        rest = &rest[close + 1..];
        Some(Ok(Piece::Text(before)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(name: &str) -> PlaceholderValues {
        PlaceholderValues {
            organisation: Some(name.to_owned()),
            ..Default::default()
        }
    }

    #[test]
    fn fills_known_values_and_leaves_unknown_ones_as_slots() {
        let got = fill(
            "{organisation} line, {agent} speaking.",
            &org("Northbridge"),
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                Segment::Text("Northbridge line, ".into()),
                Segment::Slot(Placeholder::Agent),
                Segment::Text(" speaking.".into()),
            ]
        );
    }

    #[test]
    fn merges_adjacent_text() {
        let values = PlaceholderValues {
            agent: Some("Sam".into()),
            organisation: Some("NBC".into()),
            ..Default::default()
        };
        let got = fill("Hello, {organisation}: {agent}.", &values).unwrap();
        assert_eq!(got, vec![Segment::Text("Hello, NBC: Sam.".into())]);
    }

    #[test]
    fn reports_an_unknown_placeholder_with_its_character_offset() {
        let err = fill("Héllo {agnet}", &org("x")).unwrap_err();
        assert_eq!(
            err,
            UnknownPlaceholder {
                name: "agnet".into(),
                offset: 6
            }
        );
        assert!(err.to_string().contains("{agnet}"), "{err}");
    }

    #[test]
    fn check_placeholders_agrees_with_fill() {
        for template in [
            "",
            "a { b",
            "{agent} {organisation}",
            "Héllo {agnet}",
            "{x}{agent}",
            "}{",
        ] {
            assert_eq!(
                check_placeholders(template),
                fill(template, &PlaceholderValues::default()).map(|_| ()),
                "{template}"
            );
        }
    }

    #[test]
    fn keeps_an_unclosed_brace_as_text() {
        let got = fill("a { b", &org("x")).unwrap();
        assert_eq!(got, vec![Segment::Text("a { b".into())]);
    }

    #[test]
    fn empty_template_is_empty() {
        assert_eq!(fill("", &org("x")).unwrap(), vec![]);
    }
}
