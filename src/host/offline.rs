//! Offline practice (issue 16): registers the practice page's service worker (`sw.js`, written by
//! the build with the list of files it keeps; the worker itself says what it answers and how a new
//! deployment is picked up) and says when this browser has everything it needs to practise with
//! no network.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    RegistrationOptions, ServiceWorker, ServiceWorkerState, ServiceWorkerUpdateViaCache,
};

use super::page::js_error_text;

/// The service worker's script, beside the pages.
pub const SCRIPT: &str = "sw.js";
/// The pages it controls: the practice page alone (`practice.html`, with any query).
pub const SCOPE: &str = "./practice";

/// Registers the worker and waits until its files are kept (at once when an earlier visit kept
/// them; a newer deployment is then kept in the background for the next visit). Says why not: no
/// service workers here (an insecure page, a browser that has them off), or a file could not be
/// fetched.
pub async fn keep_for_offline() -> Result<(), String> {
    let window = web_sys::window().ok_or("there is no window")?;
    let navigator = window.navigator();
    let available = window.is_secure_context()
        && Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    if !available {
        return Err(
            "this browser does not allow it here (service workers need https or localhost, and can be turned off)"
                .to_owned(),
        );
    }
    let options = RegistrationOptions::new();
    options.set_scope(SCOPE);
    // The browser compares sw.js with the server's on every visit, never an HTTP-cached copy.
    options.set_update_via_cache(ServiceWorkerUpdateViaCache::None);
    let registration = JsFuture::from(
        navigator
            .service_worker()
            .register_with_options(SCRIPT, &options),
    )
    .await
    .map_err(|e| js_error_text(&e))?;
    let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
    if registration.active().is_some() {
        return Ok(());
    }
    let Some(worker) = registration.installing().or_else(|| registration.waiting()) else {
        return Err("the service worker did not start".to_owned());
    };
    settled(&worker).await
}

/// Waits for `worker` to be activated (its files kept), or to fail (a file it lists could not be
/// fetched).
async fn settled(worker: &ServiceWorker) -> Result<(), String> {
    let watched = worker.clone();
    let done = Promise::new(&mut |resolve: Function, reject: Function| {
        let check = {
            let watched = watched.clone();
            move || match watched.state() {
                ServiceWorkerState::Activated => {
                    let _ = resolve.call0(&JsValue::NULL);
                }
                ServiceWorkerState::Redundant => {
                    let _ = reject.call0(&JsValue::NULL);
                }
                _ => {}
            }
        };
        check();
        let listener = Closure::<dyn Fn()>::new(check);
        watched.set_onstatechange(Some(listener.as_ref().unchecked_ref()));
        // Lives as long as the worker object; the page registers once.
        listener.forget();
    });
    JsFuture::from(done).await.map(|_| ()).map_err(|_| {
        "not every file it needs could be fetched; it will try again on your next visit".to_owned()
    })
}
