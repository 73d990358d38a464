//! One type for every reactive closure in a view: Leptos compiles the code that renders a closure
//! once per closure type, so 200 closures each returning a `String` cost 200 copies of it; boxed as
//! a `SharedReactiveFunction`, they share one per output type (issue 14: the call screen's size).
//! Leptos does the same under `--cfg erase_components`, which this project cannot use (tachys 0.2
//! then rebuilds an element by removing every attribute and adding it back: a focused heading
//! loses its `tabindex` and with it the focus, an input its value).

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
