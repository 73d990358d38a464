//! One type for every reactive closure in a view: Leptos compiles the code that renders a closure
//! once per closure type, so 200 closures each returning a `String` cost 200 copies of it; boxed as
//! a `SharedReactiveFunction`, they share one per output type (issue 14: the call screen's size).
//! Leptos's `--cfg erase_components` (on for every wasm32 build, `.cargo/config.toml`) does the
//! same for the closures written straight into `view!`, and erases elements too. Its rule for the
//! views: an erased element drawn again removes every attribute and adds it back (tachys 0.2), so
//! an element that can hold the focus (a heading with `tabindex`, an input being typed in) is
//! never inside a closure that runs again while it has it: build the section once while it is
//! shown, and draw again only what changes inside it (`call::triage::question_panel`).

use std::sync::{Arc, Mutex};

use leptos::tachys::reactive_graph::SharedReactiveFunction;

/// `f` as the one shared closure type for its output: `{live(move || name.get())}` in a view.
pub fn live<T: 'static>(f: impl FnMut() -> T + Send + 'static) -> SharedReactiveFunction<T> {
    Arc::new(Mutex::new(f))
}

/// A memo of `f`, its closure boxed so that Leptos's memo code is compiled once per value type,
/// not once per closure, as [`live`] does for a view's closures.
pub fn memo<T: PartialEq + Send + Sync + 'static>(
    f: impl Fn() -> T + Send + Sync + 'static,
) -> leptos::prelude::Memo<T> {
    let boxed: MemoFn<T> = Box::new(move |_| f());
    leptos::prelude::Memo::new(boxed)
}

/// What [`memo`] gives Leptos: one closure type per value type.
type MemoFn<T> = Box<dyn Fn(Option<&T>) -> T + Send + Sync>;

/// An effect running `f`, boxed as [`memo`] is: Leptos's effect code once, not once per closure.
pub fn effect(
    mut f: impl FnMut() + 'static,
) -> leptos::prelude::Effect<leptos::prelude::LocalStorage> {
    let boxed: Box<dyn FnMut(Option<()>)> = Box::new(move |_| f());
    leptos::prelude::Effect::new(boxed)
}

/// An event handler, boxed so that Leptos's listener code is compiled once per event type, not
/// once per handler: `on:click=handler(move |_| …)`.
pub fn handler<E: 'static>(f: impl FnMut(E) + 'static) -> Box<dyn FnMut(E)> {
    Box::new(f)
}
