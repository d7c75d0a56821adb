//! The text twin of the cluster view: the same facts as a table and lists, for screen readers
//! and for anyone who prefers reading.

use std::rc::Rc;

use yew::prelude::*;

use crate::view_model::{ranges_text, Picture};

#[derive(Properties, PartialEq)]
pub struct TextTwinProps {
    pub picture: Rc<Picture>,
    /// Messages being drawn.
    pub glyphs: usize,
}

#[function_component]
pub fn TextTwin(props: &TextTwinProps) -> Html {
    let p = &props.picture;
    html! {
        <details class="text-twin" data-testid="text-twin">
            <summary>{ "Text view of the cluster" }</summary>
            <table>
                <caption>{ format!("{} nodes, {} running, {} with cluster_state:ok", p.nodes.len(), p.up_nodes, p.ok_nodes) }</caption>
                <thead><tr>
                    <th scope="col">{ "node" }</th><th scope="col">{ "address" }</th>
                    <th scope="col">{ "role" }</th><th scope="col">{ "configEpoch" }</th>
                    <th scope="col">{ "currentEpoch" }</th><th scope="col">{ "slots" }</th>
                    <th scope="col">{ "state" }</th>
                </tr></thead>
                <tbody>
                    { for p.nodes.iter().map(|n| html! {
                        <tr data-testid={format!("twin-{}", n.name)}>
                            <th scope="row">{ &n.name }</th>
                            <td>{ &n.addr }</td>
                            <td>{ n.role_text(&p.nodes) }</td>
                            <td>{ n.config_epoch }</td>
                            <td>{ n.current_epoch }</td>
                            <td>{ ranges_text(&n.slots, 8) }</td>
                            <td>{ n.state_text() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <h3>{ "Slot ranges by owner" }</h3>
            <ul>
                { for p.ranges_by_owner().into_iter().map(|(o, ranges)| html! {
                    <li>{ format!("{}: {}", p.nodes[o].name, ranges_text(&ranges, 16)) }</li>
                }) }
                if p.uncovered() > 0 {
                    <li>{ format!("{} slots not covered", p.uncovered()) }</li>
                }
            </ul>
            if !p.cuts.is_empty() {
                <p>{ "Network cuts: " }{ p.cuts.iter().map(|&(a, b)| format!("{}–{}", p.nodes[a].name, p.nodes[b].name)).collect::<Vec<_>>().join(", ") }</p>
            }
            <p>{ format!("{} messages drawn in flight.", props.glyphs) }</p>
        </details>
    }
}
