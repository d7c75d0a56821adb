//! The key tracer: a key's bytes (the hash tag highlighted) → CRC16 → slot → owner, step by
//! step.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_dispatch;
use crate::state::Action;
use crate::view_model::{KeyTrace, Picture};

#[derive(Properties, PartialEq)]
pub struct KeyTracerProps {
    pub key_text: String,
    pub trace: Rc<KeyTrace>,
    pub picture: Rc<Picture>,
}

#[function_component]
pub fn KeyTracer(props: &KeyTracerProps) -> Html {
    let dispatch = use_dispatch();
    let oninput = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        dispatch.dispatch(Action::SetKey(input.value()));
    });
    let t = &props.trace;
    let owner = t.owner.and_then(|o| props.picture.nodes.get(o));
    html! {
        <section class="panel key-tracer" aria-labelledby="key-tracer-title">
            <h2 id="key-tracer-title">{ "Key tracer" }</h2>
            <label for="key-input">{ "Key" }</label>
            <input id="key-input" data-testid="key-input" type="text" spellcheck="false"
                autocomplete="off" autocapitalize="off" value={props.key_text.clone()} {oninput} />
            <ol class="trace-steps">
                <li>
                    <span class="step-title">{ if t.tagged { "Bytes (only the hash tag is hashed)" } else { "Bytes (no hash tag: the whole key is hashed)" } }</span>
                    <span class="bytes" aria-hidden="true">
                        { for t.bytes.iter().map(|b| html! {
                            <span class={classes!("byte", b.hashed.then_some("hashed"), b.brace.then_some("brace"))}
                                title={format!("0x{}", b.hex)}>{ &b.text }</span>
                        }) }
                    </span>
                    <span class="hashed">{ "Hashed: " }<code data-testid="key-hashed">{ &t.hashed }</code></span>
                </li>
                <li>
                    <span class="step-title">{ "CRC16 (XMODEM)" }</span>
                    <code data-testid="key-crc">{ format!("0x{:04x} = {}", t.crc, t.crc) }</code>
                </li>
                <li>
                    <span class="step-title">{ "Slot = CRC16 mod 16384" }</span>
                    <span class="slot">{ "Slot " }<output data-testid="key-slot">{ t.slot }</output></span>
                </li>
                <li>
                    <span class="step-title">{ "Owner (highest configEpoch claiming it)" }</span>
                    if let Some(n) = owner {
                        <span class="owner">
                            <span class="swatch" style={format!("background:{}", n.fill)} aria-hidden="true"></span>
                            <output data-testid="key-owner">{ &n.name }</output>
                            { format!(" at {}", n.addr) }
                        </span>
                    } else {
                        <span class="owner"><output data-testid="key-owner">{ "nobody" }</output>{ " (slot not covered)" }</span>
                    }
                </li>
            </ol>
        </section>
    }
}
