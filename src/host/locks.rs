//! Web Locks (`navigator.locks`), shared by every tab of the widget's site: the outbox's
//! read–change–write lock and its one deliverer (`host::delivery`), and each tab's claim on its
//! own drafts (`host::drafts`) (F17). web-sys offers the API only as unstable, so the few calls
//! used are bound here, with their exceptions caught.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    type LockManager;

    #[wasm_bindgen(method, catch, js_name = request)]
    fn request(this: &LockManager, name: &str, callback: &Function) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch, js_name = request)]
    fn request_with_options(
        this: &LockManager,
        name: &str,
        options: &JsValue,
        callback: &Function,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn query(this: &LockManager) -> Result<Promise, JsValue>;
}

fn lock_manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then(|| locks.unchecked_into())
}

/// Runs `work` while holding the exclusive Web Lock `name`, released when it finishes. Without
/// Web Locks (an old browser) it runs at once; `None` if the browser refused the lock.
pub async fn holding<T: 'static>(name: &str, work: impl Future<Output = T> + 'static) -> Option<T> {
    // The lock's calls are not generic (compiled once, the JS glue for its callback too: issue
    // 14, size); what `work` gives comes back through this slot.
    let slot = Rc::new(Cell::new(None));
    let filled = slot.clone();
    let ran = holding_once(name, Box::pin(async move { filled.set(Some(work.await)) })).await;
    slot.take().filter(|_| ran)
}

/// [`holding`]'s work: whether `work` ran under the lock (or without Web Locks, at once).
async fn holding_once(name: &str, work: Pin<Box<dyn Future<Output = ()>>>) -> bool {
    let Some(locks) = lock_manager() else {
        work.await;
        return true;
    };
    let callback = Closure::once_into_js(move |_lock: JsValue| -> Promise {
        future_to_promise(async move {
            work.await;
            Ok(JsValue::UNDEFINED)
        })
    });
    let Ok(promise) = locks.request(name, callback.unchecked_ref()) else {
        return false;
    };
    JsFuture::from(promise).await.is_ok()
}

/// Asks for the exclusive lock `name`, to hold for the page's life; `granted` runs once it is
/// (at once, or when the tab holding it closes). `false` when there are no Web Locks or the
/// request failed, and `granted` will never run.
pub fn hold_for_life(name: &str, granted: impl FnOnce() + 'static) -> bool {
    let Some(locks) = lock_manager() else {
        return false;
    };
    // Held for the page's life: the callback's promise never settles.
    let callback = Closure::once_into_js(move |_lock: JsValue| -> Promise {
        granted();
        Promise::new(&mut |_resolve, _reject| {})
    });
    locks.request(name, callback.unchecked_ref()).is_ok()
}

/// Takes the exclusive lock `name` for the page's life if nobody holds it now: `Some(true)` if
/// this page holds it now, `Some(false)` if another does, `None` without Web Locks.
pub async fn hold_for_life_if_free(name: &str) -> Option<bool> {
    let locks = lock_manager()?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE).ok()?;
    let answer = Rc::new(RefCell::new(None::<Function>));
    let told = Promise::new(&mut |resolve, _reject| *answer.borrow_mut() = Some(resolve));
    let resolve = answer.borrow_mut().take()?;
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let held = !lock.is_null() && !lock.is_undefined();
        let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(held));
        if held {
            Promise::new(&mut |_resolve, _reject| {}).into()
        } else {
            JsValue::UNDEFINED
        }
    });
    // Settles when the lock is released (never, if granted): what matters is `told`.
    let _released = locks
        .request_with_options(name, &options, callback.unchecked_ref())
        .ok()?;
    JsFuture::from(told).await.ok()?.as_bool()
}

/// The names of the locks held now, by any tab of the site; `None` without Web Locks.
pub async fn held() -> Option<Vec<String>> {
    let snapshot = JsFuture::from(lock_manager()?.query().ok()?).await.ok()?;
    let held = js_sys::Reflect::get(&snapshot, &"held".into()).ok()?;
    let held: js_sys::Array = held.dyn_into().ok()?;
    Some(
        held.iter()
            .filter_map(|info| {
                js_sys::Reflect::get(&info, &"name".into())
                    .ok()?
                    .as_string()
            })
            .collect(),
    )
}
