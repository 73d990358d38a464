//! The units on the console (F10; L3 1.2; L2 3.8): every unit of the pack with its type, zone,
//! skills and live status, where it is out, and its status set by hand when the host does not
//! push it (`resources.update`).

use incident_engine::incident::BoardCommand;
use incident_engine::pack::resources::UnitUpdate;
use incident_engine::pack::UnitStatus;
use leptos::prelude::*;

use super::Console;
use crate::ui::live::{handler, keyed, live, CollectAny};

/// The units table.
pub(super) fn units_view(console: Console) -> impl IntoView {
    let pack = console.pack.get_value();
    let ids: Vec<String> = pack
        .file()
        .resources
        .units
        .iter()
        .map(|u| u.id.clone())
        .collect();
    view! {
        <section class="idk-card idk-units-board" aria-labelledby="idk-units-title">
            <h2 class="idk-card-title" id="idk-units-title">"Units"</h2>
            {console.said_at("units")}
            <div class="idk-table-wrap">
                <table class="idk-table">
                    <caption>"Every unit, its status and where it is out"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Unit"</th>
                            <th scope="col">"Type"</th>
                            <th scope="col">"Zone"</th>
                            <th scope="col">"Skills"</th>
                            <th scope="col">"Out on"</th>
                            <th scope="col">"Status"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {keyed(move || ids.clone(), Clone::clone, move |id| unit_row(console, id))}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn unit_row(console: Console, id: String) -> AnyView {
    let pack = console.pack.get_value();
    let Some(unit) = pack.unit(&id).cloned() else {
        return ().into_any();
    };
    let type_name = pack
        .file()
        .resources
        .types
        .iter()
        .find(|t| t.id == unit.resource_type)
        .map_or(unit.resource_type.clone(), |t| t.name.clone());
    let (i1, i2) = (id.clone(), id.clone());
    let p = pack.clone();
    let status = move || {
        console
            .board
            .with(|b| b.availability(&p).status(&i1))
            .unwrap_or(UnitStatus::Available)
    };
    let out_on = move || {
        console.board.with(|b| {
            b.open()
                .filter(|i| i.active().any(|d| d.unit == i2))
                .map(|i| i.reference.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let select_id = format!("idk-status-{id}");
    let label = format!("Status of {}", unit.call_sign);
    let options = UnitStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.name()>{s.label()}</option> })
        .collect_any();
    let change = move |ev: leptos::ev::Event| {
        let Some(chosen) = UnitStatus::from_name(&event_target_value(&ev)) else {
            return;
        };
        console.dispatch(
            "units".to_owned(),
            BoardCommand::Statuses(vec![UnitUpdate {
                id: id.clone(),
                status: chosen,
            }]),
            None,
        );
    };
    view! {
        <tr>
            <th scope="row">{unit.call_sign.clone()}</th>
            <td>{type_name}</td>
            <td>{unit.zone.clone()}</td>
            <td>{unit.skills.join(", ")}</td>
            <td>{live(out_on)}</td>
            <td>
                <label for=select_id.clone() class="idk-visually-hidden">{label}</label>
                <select id=select_id prop:value=move || status().name() on:change=handler(change)>{options}</select>
            </td>
        </tr>
    }
    .into_any()
}
