//! The key tracer: a key's bytes (the hash tag highlighted) → CRC16 → slot → owner, step by
//! step.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};

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
    let lang = use_lang();
    let dispatch = use_dispatch();
    let oninput = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        dispatch.dispatch(Action::SetKey(input.value()));
    });
    let t = &props.trace;
    let owner = t.owner.and_then(|o| props.picture.nodes.get(o));
    html! {
        <section class="panel key-tracer" aria-labelledby="key-tracer-title">
            <h2 id="key-tracer-title">{ lang.t(Msg::KeyTracer) }</h2>
            <label for="key-input">{ lang.t(Msg::Key) }</label>
            <input id="key-input" data-testid="key-input" type="text" spellcheck="false"
                autocomplete="off" autocapitalize="off" value={props.key_text.clone()} {oninput} />
            <ol class="trace-steps">
                <li>
                    <span class="step-title">{ lang.t(if t.tagged { Msg::BytesTagged } else { Msg::BytesWhole }) }</span>
                    <span class="bytes" aria-hidden="true">
                        { for t.bytes.iter().map(|b| html! {
                            <span class={classes!("byte", b.hashed.then_some("hashed"), b.brace.then_some("brace"))}
                                title={format!("0x{}", b.hex)}>{ &b.text }</span>
                        }) }
                    </span>
                    <span class="hashed">{ lang.t(Msg::Hashed) }<code data-testid="key-hashed">{ &t.hashed }</code></span>
                </li>
                <li>
                    <span class="step-title">{ "CRC16 (XMODEM)" }</span>
                    <code data-testid="key-crc">{ format!("0x{:04x} = {}", t.crc, t.crc) }</code>
                </li>
                <li>
                    <span class="step-title">{ "Slot = CRC16 mod 16384" }</span>
                    <span class="slot">{ lang.t(Msg::SlotWord) }<output data-testid="key-slot">{ t.slot }</output></span>
                </li>
                <li>
                    <span class="step-title">{ lang.t(Msg::OwnerTitle) }</span>
                    if let Some(n) = owner {
                        <span class="owner">
                            <span class="swatch" style={format!("background:{}", n.fill)} aria-hidden="true"></span>
                            <output data-testid="key-owner">{ &n.name }</output>
                            { fill(lang.t(Msg::AtAddr), &[&n.addr]) }
                        </span>
                    } else {
                        <span class="owner"><output data-testid="key-owner">{ lang.t(Msg::Nobody) }</output>{ lang.t(Msg::SlotNotCovered) }</span>
                    }
                </li>
            </ol>
        </section>
    }
}
