//! Browser tests: the widget mounted in headless Chromium, fetching real packs (as Blob URLs, from
//! the test server and from a closed port) and showing what a handler or an organisation would see.
//! Elements are found by role and accessible name, not by class.

#![cfg(target_arch = "wasm32")]

use incident_desk::apps::desk::App;
use incident_desk::ui::Greeting;
use incident_engine::MAX_PACK_BYTES;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, blob_url, button, container, sleep, text_content, visible_text as text};

const DEFAULT_PACK: &[u8] = include_bytes!("../packs/council-out-of-hours.json");

/// A `blob:` URL serving `bytes` as JSON, fetched by the widget like any other address.
/// Waits (up to 10 s) until the widget in `root` has left its loading state.
async fn settled(root: &HtmlElement) {
    for _ in 0..1000 {
        leptos::task::tick().await;
        if root.query_selector(".idk-loading").unwrap().is_none() && root.child_element_count() > 0
        {
            return;
        }
        sleep(10).await;
    }
    panic!("the widget did not settle: {}", root.inner_text());
}

/// The heading at `level` whose text is `name`.
fn heading(root: &Element, level: u8, name: &str) -> Option<Element> {
    all(root, &format!("h{level}"))
        .into_iter()
        .find(|h| text(h) == name)
}

/// The one element with role `alert`.
fn alert(root: &Element) -> Element {
    let alerts = all(root, "[role=alert]");
    assert_eq!(alerts.len(), 1, "expected one alert in: {}", text(root));
    alerts.into_iter().next().unwrap()
}

/// The `<dd>` that follows the `<dt>` named `term`.
fn fact(root: &Element, term: &str) -> Option<String> {
    let dt = all(root, "dt").into_iter().find(|dt| text(dt) == term)?;
    dt.next_element_sibling().map(|dd| text(&dd))
}

/// Mounts the whole widget with `pack_url`, waits for it to settle, and returns its container
/// (the mount handle is returned too: dropping it unmounts).
async fn mount_app(pack_url: String) -> (HtmlElement, Box<dyn std::any::Any>) {
    let root = container();
    let handle = leptos::mount::mount_to(
        root.clone(),
        move || view! { <App pack_url=pack_url.clone() /> },
    );
    settled(&root).await;
    (root, Box::new(handle))
}

/// Asserts the pack error panel is shown with `title` and returns it.
fn pack_error(root: &Element, title: &str) -> Element {
    let alert = alert(root);
    assert!(
        heading(&alert, 2, title).is_some(),
        "expected heading {title:?} in: {}",
        text(&alert)
    );
    assert!(
        button(&alert, "Try again").is_some(),
        "no retry button in: {}",
        text(&alert)
    );
    alert
}

#[wasm_bindgen_test]
async fn default_pack_shows_the_organisation_and_its_greeting() {
    let (root, _handle) = mount_app(blob_url(DEFAULT_PACK)).await;
    assert!(
        heading(&root, 1, "Northbridge Borough Council").is_some(),
        "{}",
        text(&root)
    );
    let greeting = heading(&root, 2, "Greeting")
        .and_then(|h| h.parent_element())
        .expect("a Greeting section");
    assert_eq!(greeting.tag_name(), "SECTION");
    assert_eq!(
        text(&greeting),
        "Greeting Northbridge Borough Council out-of-hours emergency line, [your name] speaking. Is anyone in immediate danger?"
    );
    assert!(text(&root).contains("procedures version 2026.12.1"));
    assert!(all(&root, "[role=alert]").is_empty());
}

#[wasm_bindgen_test]
async fn missing_pack_says_not_found_and_where_it_looked() {
    let url = "/no-such-pack-for-incident-desk.json".to_owned();
    let (root, _handle) = mount_app(url.clone()).await;
    let alert = pack_error(&root, "Procedure pack not found");
    assert!(
        text(&alert).contains("No procedure pack was found at this address (HTTP 404)"),
        "{}",
        text(&alert)
    );
    assert_eq!(fact(&alert, "Pack address").as_deref(), Some(url.as_str()));
}

#[wasm_bindgen_test]
async fn unreachable_pack_says_it_could_not_be_fetched() {
    let (root, _handle) = mount_app("http://127.0.0.1:9/pack.json".to_owned()).await;
    let alert = pack_error(&root, "Procedure pack could not be fetched");
    assert!(
        text(&alert).contains("could not be fetched: Failed to fetch"),
        "{}",
        text(&alert)
    );
}

#[wasm_bindgen_test]
async fn empty_pack_says_it_is_empty() {
    let (root, _handle) = mount_app(blob_url(b"")).await;
    let alert = pack_error(&root, "Procedure pack is empty");
    assert!(text(&alert).contains("The procedure pack file is empty."));
}

#[wasm_bindgen_test]
async fn a_web_page_in_place_of_a_pack_is_named_as_one() {
    let (root, _handle) = mount_app(blob_url(include_bytes!("fixtures/packs/web-page.html"))).await;
    let alert = pack_error(&root, "A web page, not a procedure pack");
    assert!(
        text(&alert).contains("probably missing or the address is wrong"),
        "{}",
        text(&alert)
    );
}

#[wasm_bindgen_test]
async fn non_json_pack_gives_line_and_column() {
    let (root, _handle) = mount_app(blob_url(include_bytes!("fixtures/packs/not-json.json"))).await;
    let alert = pack_error(&root, "Procedure pack is not valid JSON");
    assert_eq!(fact(&alert, "Line").as_deref(), Some("5"));
    assert_eq!(fact(&alert, "Column").as_deref(), Some("3"));
    assert!(
        text(&alert).contains("expected `,` or `}`"),
        "{}",
        text(&alert)
    );
}

#[wasm_bindgen_test]
async fn wrong_shape_pack_gives_json_path_line_and_column() {
    let (root, _handle) =
        mount_app(blob_url(include_bytes!("fixtures/packs/wrong-shape.json"))).await;
    let alert = pack_error(&root, "Procedure pack has the wrong shape");
    assert_eq!(
        fact(&alert, "JSON path").as_deref(),
        Some("organisation.name")
    );
    assert_eq!(fact(&alert, "Line").as_deref(), Some("6"));
    assert_eq!(fact(&alert, "Column").as_deref(), Some("14"));
    assert!(
        text(&alert).contains("invalid type: number `42`, expected text in double quotes"),
        "{}",
        text(&alert)
    );
}

#[wasm_bindgen_test]
async fn oversized_pack_is_refused_before_it_is_read_whole() {
    let bytes = vec![b' '; MAX_PACK_BYTES + 1];
    let (root, _handle) = mount_app(blob_url(&bytes)).await;
    let alert = pack_error(&root, "Procedure pack too large");
    assert!(
        text(&alert).contains("over the limit of 5.0 MB"),
        "{}",
        text(&alert)
    );
}

#[wasm_bindgen_test]
async fn every_content_problem_is_listed() {
    let (root, _handle) = mount_app(blob_url(include_bytes!(
        "fixtures/packs/bad-placeholder.json"
    )))
    .await;
    let alert = pack_error(&root, "Procedure pack has problems");
    let list = all(&alert, "ul[aria-label='Problems in the pack'] li");
    let items: Vec<String> = list.iter().map(text).collect();
    assert_eq!(
        items,
        [
            "wording.greeting: unknown placeholder {agnet} at character 7; the placeholders are {agent}, {organisation}, {reference}, {caller_name}, {callback}, {location}, {code_title}, {attend_within} and {deploy_within}",
            "wording.closing: must not be empty",
        ]
    );
}

#[wasm_bindgen_test]
async fn retry_fetches_again() {
    let (root, _handle) = mount_app(blob_url(b"  ")).await;
    pack_error(&root, "Procedure pack is empty");
    button(&root, "Try again").unwrap().click();
    leptos::task::tick().await;
    settled(&root).await;
    pack_error(&root, "Procedure pack is empty");
}

#[wasm_bindgen_test]
async fn markup_in_a_pack_is_shown_as_text() {
    let hostile = br#"{"format":"incident-desk/pack@1","version":"<b>1</b>",
        "organisation":{"id":"x","name":"<img src=x onerror=alert(1)>Evil",
            "services":[{"id":"s","name":"<i>S</i>","description":"d"}]},
        "wording":{"greeting":"<script>alert(2)</script>{organisation}","closing":"bye"},
        "priorities":[{"id":"P1","name":"<u>P</u>","description":"d","deploy_within_minutes":1,"attend_within_minutes":2}],
        "codes":[{"code":"<em>C</em>","title":"t","service":"s","default_priority":"P1"}]}"#;
    let (root, _handle) = mount_app(blob_url(hostile)).await;
    assert!(
        heading(&root, 1, "<img src=x onerror=alert(1)>Evil").is_some(),
        "{}",
        root.inner_html()
    );
    assert!(
        all(&root, "img, script, b").is_empty(),
        "markup was rendered: {}",
        root.inner_html()
    );
}

#[wasm_bindgen_test]
async fn greeting_marks_the_unfilled_agent_name_as_a_slot() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), || {
        view! { <Greeting organisation="Hillside Homes" template="{agent} at {organisation}, hello." /> }
    });
    leptos::task::tick().await;
    let slots = all(&root, ".idk-slot");
    assert_eq!(slots.len(), 1);
    assert_eq!(text(&slots[0]), "[your name]");
    assert!(
        text(&root).ends_with("[your name] at Hillside Homes, hello."),
        "{}",
        text(&root)
    );
}

#[wasm_bindgen_test]
async fn a_valid_pack_can_be_browsed_and_its_codes_filtered() {
    let bytes = include_bytes!("fixtures/packs/problems/valid.json");
    let (root, _handle) = mount_app(blob_url(bytes)).await;
    let toggle = button(&root, "Browse procedures").expect("a Browse procedures button");
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    toggle.click();
    leptos::task::tick().await;
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    // The procedures are drawn by their own wasm, which the desk loads (the end-to-end tests
    // load it): here, what that wasm runs, on the same bytes.
    let preview = show_procedures(bytes);
    let summaries: Vec<String> = all(&preview, "summary").iter().map(text_content).collect();
    assert!(
        summaries.contains(&"Priorities (2)".to_owned()),
        "{summaries:?}"
    );
    assert!(
        summaries.contains(&"Incident codes (2)".to_owned()),
        "{summaries:?}"
    );

    let filter: web_sys::HtmlInputElement = all(&preview, "input[type=search]")
        .remove(0)
        .unchecked_into();
    assert_eq!(
        filter.parent_element().map(|l| text_content(&l)).as_deref(),
        Some("Filter codes")
    );
    filter.set_value("obstruct");
    filter
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
    let codes_table = all(&preview, "table")
        .into_iter()
        .find(|t| text_content(t).starts_with("Incident codes"))
        .unwrap();
    let first_cells: Vec<String> = all(&codes_table, "tbody tr td:first-child")
        .iter()
        .map(text_content)
        .collect();
    assert_eq!(first_cells, ["HW-OBS-01"]);

    toggle.click();
    leptos::task::tick().await;
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
}

/// The procedures as their own wasm shows them (`apps::procedures::show`), from `bytes`, in a
/// container of their own: the preview's section.
fn show_procedures(bytes: &[u8]) -> Element {
    let target = container();
    incident_desk::apps::procedures::show(target.clone(), bytes, "idk-preview-heading".to_owned())
        .expect("the procedures shown");
    heading(&target, 2, "Procedures: Fixture Council")
        .and_then(|h| h.parent_element())
        .expect("the preview")
}

#[wasm_bindgen_test]
async fn the_preview_lists_the_packs_warnings_as_text() {
    let preview = show_procedures(include_bytes!(
        "fixtures/packs/problems/warning-may-say-over-limit.json"
    ));
    let summaries: Vec<String> = all(&preview, "summary").iter().map(text_content).collect();
    assert_eq!(
        summaries.first().map(String::as_str),
        Some("Warnings (1)"),
        "{summaries:?}"
    );
    let items: Vec<String> = all(&preview, "details li")
        .iter()
        .map(text_content)
        .collect();
    assert!(
        items.iter().any(|i| i.starts_with(
            "advice.sets[0].items[1]: may-say advice \"adv-wall\" breaks advice limit \"no-safety-verdict\""
        )),
        "{items:?}"
    );
}

#[wasm_bindgen_test]
fn times_are_24_hour_in_every_locale_and_fall_back_when_the_browser_refuses_it() {
    use incident_desk::host::clock::{date_and_time, locale_is_known, time_of_day};
    use incident_engine::protocol::Locale;
    // 2026-11-29 14:02:09 UTC.
    let at = 1_795_960_929_000;
    let us = Locale::parse("en-US").unwrap();
    let gb = Locale::parse("en-GB").unwrap();
    assert!(locale_is_known(&us) && locale_is_known(&gb));
    // The 24-hour clock in every locale (issue 13), en-US included.
    let us_time = time_of_day(at, Some(&us));
    assert!(us_time.len() == 8 && !us_time.contains('M'), "{us_time}");
    let gb_time = time_of_day(at, Some(&gb));
    assert_eq!(gb_time.len(), 8, "{gb_time}");
    assert!(date_and_time(at, Some(&gb)).contains("2026"));
    // Shaped like a tag, refused by Intl: no exception reaches the widget, and the time is UTC.
    let refused = Locale::parse("en-a").unwrap();
    assert!(!locale_is_known(&refused));
    assert_eq!(time_of_day(at, Some(&refused)), "14:02:09");
    assert_eq!(
        date_and_time(at, Some(&refused)),
        "2026-11-29T14:02:09.000Z"
    );
}
