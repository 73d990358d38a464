//! One type for every reactive closure in a view: Leptos compiles the code that renders a closure
//! once per closure type, so 200 closures each returning a `String` cost 200 copies of it; boxed as
//! a `SharedReactiveFunction`, they share one per output type (issue 14: the call screen's size).
//! Leptos's `--cfg erase_components` (on for every wasm32 build, `.cargo/config.toml`) does the
//! same for the closures written straight into `view!`, and erases elements too. Its rule for the
//! views: an erased element drawn again removes every attribute and adds it back (tachys 0.2), so
//! an element that can hold the focus (a heading with `tabindex`, an input being typed in) is
//! never inside a closure that runs again while it has it: build the section once while it is
//! shown, and draw again only what changes inside it (`call::triage::question_panel`).

use std::rc::Rc;
use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos::tachys::reactive_graph::SharedReactiveFunction;
use send_wrapper::SendWrapper;

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

/// Collecting a list's views as `AnyView`s: the code that draws a list again is compiled once
/// for every list, not once per element type (`<li>`, `<tr>`, `<option>`, ...), as
/// `collect_view` would.
pub trait CollectAny: Iterator + Sized
where
    Self::Item: IntoAny,
{
    /// The items as one list type.
    fn collect_any(self) -> Vec<AnyView> {
        self.map(IntoAny::into_any).collect()
    }
}

impl<I: Iterator> CollectAny for I where I::Item: IntoAny {}

/// `body` drawn while `when` holds (Leptos's `Show`: drawn again only when `when` changes, not on
/// every change `body` reads), with the condition and the body boxed so that `Show` is compiled
/// once, not once per condition and body type: `{show_when(move || …, move || view! { … }.into_any())}`.
pub fn show_when(
    when: impl Fn() -> bool + Send + Sync + 'static,
    body: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    show_when_boxed(Box::new(when), Arc::new(body))
}

/// What [`show_when`] gives `Show`: one condition type and one body type.
type WhenFn = Box<dyn Fn() -> bool + Send + Sync>;
type BodyFn = Arc<dyn Fn() -> AnyView + Send + Sync>;

fn show_when_boxed(when: WhenFn, body: BodyFn) -> AnyView {
    view! { <Show when=when>{body()}</Show> }.into_any()
}

/// A keyed list: `items` read reactively, each item drawn by `draw` once while its `key` stays in
/// the list (new keys drawn, gone ones removed, the rest kept with their focus and state). Every
/// keyed list shares one instantiation of Leptos's `For` (about 4 KB of wasm each before): the
/// items go to it as [`Row`]s, a text key and a boxed drawing.
pub fn keyed<T: 'static>(
    items: impl Fn() -> Vec<T> + Send + Sync + 'static,
    key: impl Fn(&T) -> String + 'static,
    draw: impl Fn(T) -> AnyView + 'static,
) -> AnyView {
    // The closures are only ever called on the page's one thread (wasm has no other).
    let helpers = SendWrapper::new((Rc::new(key), Rc::new(draw)));
    let rows: RowsFn = Box::new(move || {
        let (key, draw) = &*helpers;
        items()
            .into_iter()
            .map(|item| {
                let draw = draw.clone();
                Row {
                    key: key(&item),
                    draw: SendWrapper::new(Box::new(move || draw(item))),
                }
            })
            .collect()
    });
    keyed_rows(rows)
}

/// One item of a [`keyed`] list.
pub struct Row {
    key: String,
    draw: SendWrapper<Box<dyn FnOnce() -> AnyView>>,
}

/// What [`keyed`] gives `For`: one closure type for every list.
type RowsFn = Box<dyn Fn() -> Vec<Row> + Send>;

fn keyed_rows(rows: RowsFn) -> AnyView {
    view! {
        <For each=rows key=|row: &Row| row.key.clone() children=|row: Row| (row.draw.take())() />
    }
    .into_any()
}
