//! Keyboard shortcuts as pure functions (F20), so they are tested natively and the widget only
//! maps browser events onto them. Digits pick answers, as a handler's hand rests on the number row
//! while the caller talks; nothing here takes keys that screen readers use (WAI-ARIA APG).
//!
//! A key acts only on the question that has focus (issue 13): "1" pressed on a safety question's
//! radio once answered the tree's question. Digits answer the tree's question only from inside its
//! panel, or from the call's heading (where focus rests between steps); on any other radio group
//! they are left to the browser. Backspace goes back to the tree's previous question from the same
//! places and from the code it reached, never from a field being typed in. From a field being
//! typed in, Ctrl+Enter goes to the next step.

/// The answer option a key picks: "1" to "9" pick the first to ninth of `count` options.
pub fn answer_key(key: &str, count: usize) -> Option<usize> {
    let mut chars = key.chars();
    let digit = chars.next()?.to_digit(10)? as usize;
    if chars.next().is_some() || digit == 0 || digit > count.min(9) {
        return None;
    }
    Some(digit - 1)
}

/// Where the key was pressed within the call screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlace {
    /// A field where typing means text (text box, text area, select, editable content).
    TypingField,
    /// Inside the tree's question panel (its heading, its radios, its buttons).
    TreeQuestion,
    /// On the call's own heading, where focus rests between steps.
    CallHeading,
    /// Inside the code and priority the tree reached.
    Decision,
    /// On another radio group (a safety question): its keys are the browser's.
    OtherRadioGroup,
    /// Anywhere else in the call.
    Elsewhere,
}

/// What a key does on the call screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKey {
    /// Answer the tree's current question with the option at this index.
    Answer(usize),
    /// Go back to the tree's previous question (revise the last answer).
    Back,
    /// Show the keyboard map ("?").
    ShowKeys,
    /// Go to the control phrases ("p").
    Phrases,
    /// Go to the next step the call bar names ("n", or Ctrl+Enter from a field being typed in).
    NextStep,
}

/// The call screen's state, as far as a key needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyState {
    /// Where focus is.
    pub place: KeyPlace,
    /// Whether Ctrl, Alt or Meta is held (the browser's and the screen reader's shortcuts).
    pub modifier: bool,
    /// How many options the tree's current question offers by digit (0 when none is asked, or
    /// it takes a number or text).
    pub options: usize,
    /// Whether there is an answer to go back to.
    pub can_go_back: bool,
}

/// What `key` does in `state`, if anything; `None` leaves the key to the browser.
pub fn call_key(key: &str, state: KeyState) -> Option<CallKey> {
    use KeyPlace::*;
    // From a field being typed in, where "n" is a letter: Ctrl+Enter (Cmd+Enter on a Mac), as
    // "send" in the tools handlers know. The widget records the field before going on.
    if key == "Enter" && state.modifier && state.place == TypingField {
        return Some(CallKey::NextStep);
    }
    if state.modifier || state.place == TypingField {
        return None;
    }
    match key {
        "?" => Some(CallKey::ShowKeys),
        "p" => Some(CallKey::Phrases),
        "n" => Some(CallKey::NextStep),
        "Backspace"
            if state.can_go_back
                && matches!(state.place, TreeQuestion | CallHeading | Decision) =>
        {
            Some(CallKey::Back)
        }
        _ if matches!(state.place, TreeQuestion | CallHeading) => {
            answer_key(key, state.options).map(CallKey::Answer)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{answer_key, call_key, CallKey, KeyPlace, KeyState};

    #[test]
    fn digits_pick_options_within_range() {
        assert_eq!(answer_key("1", 3), Some(0));
        assert_eq!(answer_key("3", 3), Some(2));
        assert_eq!(answer_key("4", 3), None);
        assert_eq!(answer_key("0", 3), None);
        assert_eq!(answer_key("9", 12), Some(8));
        assert_eq!(answer_key("Enter", 3), None);
        assert_eq!(answer_key("", 3), None);
        assert_eq!(answer_key("12", 20), None);
    }

    fn at(place: KeyPlace) -> KeyState {
        KeyState {
            place,
            modifier: false,
            options: 3,
            can_go_back: true,
        }
    }

    #[test]
    fn digits_answer_only_the_question_that_has_focus() {
        assert_eq!(
            call_key("1", at(KeyPlace::TreeQuestion)),
            Some(CallKey::Answer(0))
        );
        assert_eq!(
            call_key("3", at(KeyPlace::CallHeading)),
            Some(CallKey::Answer(2))
        );
        // A safety question's radio: the browser's own radio keys, never the tree's question.
        assert_eq!(call_key("1", at(KeyPlace::OtherRadioGroup)), None);
        assert_eq!(call_key("1", at(KeyPlace::Elsewhere)), None);
        assert_eq!(call_key("1", at(KeyPlace::Decision)), None);
        assert_eq!(call_key("1", at(KeyPlace::TypingField)), None);
        let modified = KeyState {
            modifier: true,
            ..at(KeyPlace::TreeQuestion)
        };
        assert_eq!(call_key("1", modified), None);
        let no_question = KeyState {
            options: 0,
            ..at(KeyPlace::TreeQuestion)
        };
        assert_eq!(call_key("1", no_question), None);
    }

    #[test]
    fn n_goes_to_the_next_step_from_anywhere_but_a_typing_field() {
        for place in [
            KeyPlace::TreeQuestion,
            KeyPlace::CallHeading,
            KeyPlace::OtherRadioGroup,
            KeyPlace::Decision,
            KeyPlace::Elsewhere,
        ] {
            assert_eq!(call_key("n", at(place)), Some(CallKey::NextStep));
        }
        assert_eq!(call_key("n", at(KeyPlace::TypingField)), None);
        let modified = KeyState {
            modifier: true,
            ..at(KeyPlace::Elsewhere)
        };
        assert_eq!(call_key("n", modified), None);
    }

    #[test]
    fn ctrl_enter_goes_to_the_next_step_from_a_field_being_typed_in_and_only_there() {
        let typing = KeyState {
            modifier: true,
            ..at(KeyPlace::TypingField)
        };
        assert_eq!(call_key("Enter", typing), Some(CallKey::NextStep));
        // Enter alone is the field's own (a new line, or recording a one-line field).
        assert_eq!(call_key("Enter", at(KeyPlace::TypingField)), None);
        // Elsewhere Ctrl+Enter is the browser's (a link in a new tab).
        for place in [
            KeyPlace::Elsewhere,
            KeyPlace::TreeQuestion,
            KeyPlace::CallHeading,
        ] {
            let modified = KeyState {
                modifier: true,
                ..at(place)
            };
            assert_eq!(call_key("Enter", modified), None);
        }
    }

    #[test]
    fn backspace_goes_back_from_the_question_the_heading_and_the_code_but_never_while_typing() {
        for place in [
            KeyPlace::TreeQuestion,
            KeyPlace::CallHeading,
            KeyPlace::Decision,
        ] {
            assert_eq!(call_key("Backspace", at(place)), Some(CallKey::Back));
        }
        for place in [
            KeyPlace::TypingField,
            KeyPlace::OtherRadioGroup,
            KeyPlace::Elsewhere,
        ] {
            assert_eq!(call_key("Backspace", at(place)), None);
        }
        let first = KeyState {
            can_go_back: false,
            ..at(KeyPlace::TreeQuestion)
        };
        assert_eq!(call_key("Backspace", first), None);
    }

    #[test]
    fn help_and_phrases_work_anywhere_but_in_a_field() {
        assert_eq!(
            call_key("?", at(KeyPlace::OtherRadioGroup)),
            Some(CallKey::ShowKeys)
        );
        assert_eq!(
            call_key("p", at(KeyPlace::Elsewhere)),
            Some(CallKey::Phrases)
        );
        assert_eq!(call_key("p", at(KeyPlace::TypingField)), None);
    }
}
