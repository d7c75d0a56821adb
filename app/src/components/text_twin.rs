//! The text twin of the cluster view: the same facts as a table and lists, for screen readers
//! and for anyone who prefers reading.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};

use crate::view_model::{ranges_text, Picture};

#[derive(Properties, PartialEq)]
pub struct TextTwinProps {
    pub picture: Rc<Picture>,
    /// Messages being drawn.
    pub glyphs: usize,
}

#[function_component]
pub fn TextTwin(props: &TextTwinProps) -> Html {
    let lang = use_lang();
    let p = &props.picture;
    html! {
        <details class="text-twin" data-testid="text-twin">
            <summary>{ lang.t(Msg::TextView) }</summary>
            <table>
                <caption>{ fill(lang.t(Msg::TwinCaption), &[&p.nodes.len().to_string(), &p.up_nodes.to_string(), &p.ok_nodes.to_string()]) }</caption>
                <thead><tr>
                    <th scope="col">{ lang.t(Msg::NodeCol) }</th><th scope="col">{ lang.t(Msg::AddressCol) }</th>
                    <th scope="col">{ lang.t(Msg::RoleCol) }</th><th scope="col">{ "configEpoch" }</th>
                    <th scope="col">{ "currentEpoch" }</th><th scope="col">{ "slots" }</th>
                    <th scope="col">{ lang.t(Msg::StateCol) }</th>
                </tr></thead>
                <tbody>
                    { for p.nodes.iter().map(|n| html! {
                        <tr data-testid={format!("twin-{}", n.name)}>
                            <th scope="row">{ &n.name }</th>
                            <td>{ &n.addr }</td>
                            <td>{ n.role_text(&p.nodes, lang) }</td>
                            <td>{ n.config_epoch }</td>
                            <td>{ n.current_epoch }</td>
                            <td>{ ranges_text(&n.slots, 8) }</td>
                            <td>{ n.state_text(lang) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <h3>{ lang.t(Msg::RangesByOwner) }</h3>
            <ul>
                { for p.ranges_by_owner().into_iter().map(|(o, ranges)| html! {
                    <li>{ format!("{}: {}", p.nodes[o].name, ranges_text(&ranges, 16)) }</li>
                }) }
                if p.uncovered() > 0 {
                    <li>{ fill(lang.t(Msg::SlotsNotCovered), &[&p.uncovered().to_string()]) }</li>
                }
            </ul>
            if !p.cuts.is_empty() {
                <p>{ lang.t(Msg::NetworkCuts) }{ p.cuts.iter().map(|&(a, b)| format!("{}–{}", p.nodes[a].name, p.nodes[b].name)).collect::<Vec<_>>().join(", ") }</p>
            }
            <p>{ fill(lang.t(Msg::DrawnInFlight), &[&props.glyphs.to_string()]) }</p>
        </details>
    }
}
