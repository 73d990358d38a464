//! The scripted caller's lines spoken aloud (issue 16), through the browser's speech synthesis
//! where it has it (`speechSynthesis`; none in some browsers and on some machines): the caller's
//! pace and pitch, and one of the browser's English voices (British first), chosen the same for
//! the same caller each time (`practice::caller::voice`). Never used on live calls.

use incident_engine::practice::caller::Voice;
use wasm_bindgen::JsCast;
use web_sys::{SpeechSynthesis, SpeechSynthesisUtterance};

fn synthesis() -> Option<SpeechSynthesis> {
    let window = web_sys::window()?;
    let value = js_sys::Reflect::get(&window, &"speechSynthesis".into()).ok()?;
    (!value.is_undefined() && !value.is_null()).then(|| value.unchecked_into())
}

/// Whether this browser can speak.
pub fn available() -> bool {
    synthesis().is_some()
}

/// Speaks `text` in `voice`, after whatever is being said already.
pub fn speak(text: &str, voice: Voice) {
    let Some(synthesis) = synthesis() else {
        return;
    };
    let Ok(utterance) = SpeechSynthesisUtterance::new_with_text(text) else {
        return;
    };
    utterance.set_rate(voice.rate);
    utterance.set_pitch(voice.pitch);
    utterance.set_lang("en-GB");
    let voices = synthesis.get_voices();
    let english: Vec<web_sys::SpeechSynthesisVoice> = voices
        .iter()
        .filter_map(|v| v.dyn_into::<web_sys::SpeechSynthesisVoice>().ok())
        .filter(|v| v.lang().starts_with("en"))
        .collect();
    let british: Vec<&web_sys::SpeechSynthesisVoice> =
        english.iter().filter(|v| v.lang() == "en-GB").collect();
    let pool: Vec<&web_sys::SpeechSynthesisVoice> = if british.len() >= 2 {
        british
    } else {
        english.iter().collect()
    };
    if !pool.is_empty() {
        let chosen = pool[voice.choice as usize % pool.len()];
        utterance.set_voice(Some(chosen));
    }
    synthesis.speak(&utterance);
}

/// Stops speaking, and drops what was waiting to be said.
pub fn stop() {
    if let Some(synthesis) = synthesis() {
        synthesis.cancel();
    }
}
