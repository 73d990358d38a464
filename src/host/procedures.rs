//! The procedures' own wasm (`apps::procedures`, procedures.html's), loaded into the call screen's
//! page when a handler first opens the procedures (F18), so the pack preview weighs nothing on the
//! call screen until then (issue 14's budget). The module sits beside the pages, found from this
//! snippet's own address (wasm-bindgen writes it to `snippets/<crate>-<hash>/inline0.js`), so it
//! is found on the widget's own page and in a host's page (element.js) alike. Loaded once; a load
//! that failed (offline) is tried again next time.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::page::js_error_text;

#[wasm_bindgen(inline_js = r#"
let loading = null;
function load() {
  if (!loading) {
    const url = new URL('../../incident-desk-procedures.js', import.meta.url).href;
    loading = import(url).then(async (m) => {
      await m.default();
      return m;
    });
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}
export async function show_procedures(target, pack, headingId) {
  const m = await load();
  m.show(target, pack, headingId);
}
export function hide_procedures(headingId) {
  if (loading) loading.then((m) => m.hide(headingId), () => {});
}
"#)]
extern "C" {
    fn show_procedures(
        target: &web_sys::HtmlElement,
        pack: &Uint8Array,
        heading_id: &str,
    ) -> Promise;
    fn hide_procedures(heading_id: &str);
}

/// Shows the procedures read from `pack` (the bytes the call screen's pack was read from) in
/// `target`, headed by an `h2` with `heading_id`, replacing what was shown there under that id.
/// Says why not when the module cannot be loaded (offline) or refuses the pack.
pub async fn show(
    target: &web_sys::HtmlElement,
    pack: &[u8],
    heading_id: &str,
) -> Result<(), String> {
    let bytes = Uint8Array::from(pack);
    JsFuture::from(show_procedures(target, &bytes, heading_id))
        .await
        .map(|_| ())
        .map_err(|e| js_error_text(&e))
}

/// Lets go of what [`show`] put up under `heading_id` (its element has left the page).
pub fn hide(heading_id: &str) {
    hide_procedures(heading_id);
}
