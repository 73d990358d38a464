//! One type for every reactive closure in a view: Leptos compiles the code that renders a closure
//! once per closure type, so 200 closures each returning a `String` cost 200 copies of it; boxed as
//! a `SharedReactiveFunction`, they share one per output type (issue 14: the call screen's size).
//! Leptos does the same under `--cfg erase_components`, which this project cannot use (tachys 0.2
//! then rebuilds an element by removing every attribute, which drops focus and event handlers).

use std::sync::{Arc, Mutex};

use leptos::tachys::reactive_graph::SharedReactiveFunction;

/// `f` as the one shared closure type for its output: `{live(move || name.get())}` in a view.
pub fn live<T: 'static>(f: impl FnMut() -> T + Send + 'static) -> SharedReactiveFunction<T> {
    Arc::new(Mutex::new(f))
}
