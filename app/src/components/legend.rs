//! The legend: message types by shape and colour, and the node states.

use yew::prelude::*;

use crate::i18n::{use_lang, Msg};

use crate::view_model::{msg_name, msg_style, Shape, LEGEND};

fn icon(shape: Shape, colour: &'static str) -> Html {
    let body = match shape {
        Shape::Dot => html! { <circle cx="8" cy="8" r="5" fill={colour} /> },
        Shape::Ring => {
            html! { <circle cx="8" cy="8" r="5" fill="none" stroke={colour} stroke-width="2" /> }
        }
        Shape::Diamond => html! { <path d="M8,2 L14,8 L8,14 L2,8 z" fill={colour} /> },
        Shape::Square => html! { <rect x="3" y="3" width="10" height="10" fill={colour} /> },
        Shape::Triangle => html! { <path d="M8,2 L14,13 L2,13 z" fill={colour} /> },
        Shape::Star => {
            html! { <path d="M8,1 L10,6 L15,6 L11,9.5 L12.5,15 L8,11.5 L3.5,15 L5,9.5 L1,6 L6,6 z" fill={colour} /> }
        }
        Shape::Check => {
            html! { <path d="M2,8 L6,12 L14,3" fill="none" stroke={colour} stroke-width="2.5" /> }
        }
        Shape::Bar => html! { <rect x="1" y="5" width="14" height="6" rx="1" fill={colour} /> },
    };
    html! { <svg class="icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">{ body }</svg> }
}

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    /// Unfolded at first (folded on narrow screens).
    pub open: bool,
}

#[function_component]
pub fn Legend(props: &LegendProps) -> Html {
    let lang = use_lang();
    html! {
        <details class="legend" open={props.open}>
            <summary>{ lang.t(Msg::Legend) }</summary>
            <ul class="legend-messages" aria-label={lang.t(Msg::MessageTypes)}>
                { for LEGEND.iter().map(|&kind| {
                    let style = msg_style(kind);
                    html! { <li>{ icon(style.shape, style.colour) }{ msg_name(kind, lang) }</li> }
                }) }
            </ul>
            <ul class="legend-nodes" aria-label={lang.t(Msg::NodeShapes)}>
                <li><svg class="icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="6" class="legend-master" /></svg>{ lang.t(Msg::Master) }</li>
                <li><svg class="icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><rect x="2" y="2" width="12" height="12" rx="3" class="legend-master" /></svg>{ lang.t(Msg::Replica) }</li>
                <li><svg class="icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="6" class="legend-pfail" /></svg>{ lang.t(Msg::LegendPfail) }</li>
                <li><svg class="icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><g class="legend-fail"><circle cx="8" cy="8" r="6" /><path d="M4,4 L12,12 M4,12 L12,4" /></g></svg>{ lang.t(Msg::LegendFail) }</li>
                <li><span class="legend-cut" aria-hidden="true">{ "✂" }</span>{ lang.t(Msg::NetworkCut) }</li>
            </ul>
            <p class="legend-note">{ lang.t(Msg::LegendNote) }</p>
        </details>
    }
}
