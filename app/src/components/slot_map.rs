//! The slot map: all 16384 slots on a canvas, one pixel each (scaled up), coloured by owner.
//! Hover or tap a slot, or type its number, to see its owner and how many keys it holds.

use std::rc::Rc;

use wasm_bindgen::Clamped;
use web_sys::{HtmlInputElement, ImageData};
use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};

use super::canvas::{context_2d, pointer_fraction};
use super::use_dispatch;
use crate::state::Action;
use crate::view_model::{slot_at, slot_map_pixels, Picture, SLOT_COLS, SLOT_ROWS};

#[derive(Properties, PartialEq)]
pub struct SlotMapProps {
    pub picture: Rc<Picture>,
    /// The slot under the pointer: (slot, owner, keys in it on the owner).
    pub hover: Option<(u16, Option<usize>, usize)>,
    /// The traced key's slot, drawn black.
    pub marked: u16,
}

#[function_component]
pub fn SlotMap(props: &SlotMapProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(
            (props.picture.clone(), props.marked),
            move |(picture, marked)| {
                draw(&canvas, picture, *marked);
            },
        );
    }
    let pointer = {
        let dispatch = dispatch.clone();
        let canvas = canvas.clone();
        Callback::from(move |e: MouseEvent| {
            let Some((fx, fy)) = pointer_fraction(&canvas, &e) else {
                return;
            };
            if let Some(slot) = slot_at(fx, fy) {
                dispatch.dispatch(Action::HoverSlot(Some(slot)));
            }
        })
    };
    let on_slot = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let slot = input.value().parse::<u16>().ok().filter(|&s| s < 16384);
            dispatch.dispatch(Action::HoverSlot(slot));
        })
    };
    let p = &props.picture;
    let info = match props.hover {
        Some((slot, Some(owner), keys)) => {
            let n = &p.nodes[owner];
            let down = match n.status {
                clusterlab_core::sim::Status::Up => "",
                clusterlab_core::sim::Status::Crashed => lang.t(Msg::Crashed),
                clusterlab_core::sim::Status::Paused => lang.t(Msg::Paused),
            };
            let template = lang.t(if keys == 1 {
                Msg::SlotServedOne
            } else {
                Msg::SlotServedMany
            });
            fill(
                template,
                &[&slot.to_string(), &n.name, &n.addr, down, &keys.to_string()],
            )
        }
        Some((slot, None, _)) => fill(lang.t(Msg::SlotUncovered), &[&slot.to_string()]),
        None => lang.t(Msg::SlotHover).into(),
    };
    let uncovered = p.uncovered();
    html! {
        <section class="slot-map" aria-labelledby="slot-map-title">
            <h2 id="slot-map-title">{ lang.t(Msg::SlotMap) }<small>{ lang.t(Msg::SlotMapSub) }</small></h2>
            <canvas ref={canvas} data-testid="slot-map" width={SLOT_COLS.to_string()} height={SLOT_ROWS.to_string()}
                role="img" aria-label={fill(lang.t(Msg::SlotMapLabel), &[&p.ranges_by_owner().len().to_string(), &uncovered.to_string()])}
                onmousemove={pointer.clone()} onclick={pointer}
                onmouseleave={let d = dispatch.clone(); Callback::from(move |_| d.dispatch(Action::HoverSlot(None)))} />
            <div class="slot-tools">
                <label>{ lang.t(Msg::SlotWord) }<input type="number" min="0" max="16383" class="slot-number"
                    value={props.hover.map(|h| h.0.to_string()).unwrap_or_default()} oninput={on_slot} /></label>
                <output data-testid="slot-info">{ info }</output>
            </div>
            <p class="slot-marks">
                <span class="mark owner-down">{ lang.t(Msg::OwnerDown) }</span>
                <span class="mark uncovered">{ lang.t(Msg::Uncovered) }</span>
                <span class="mark migrating">{ lang.t(Msg::Migrating) }</span>
                <span class="mark traced">{ lang.t(Msg::TracedKey) }</span>
            </p>
        </section>
    }
}

fn draw(canvas: &NodeRef, picture: &Picture, marked: u16) {
    let Some(ctx) = context_2d(canvas) else {
        return;
    };
    let pixels = slot_map_pixels(picture, &[marked]);
    if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(
        Clamped(&pixels),
        SLOT_COLS as u32,
        SLOT_ROWS as u32,
    ) {
        let _ = ctx.put_image_data(&image, 0.0, 0.0);
    }
}
