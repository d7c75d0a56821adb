//! The key tracer: an input for a key, and the slot Redis Cluster would put it in.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::key_info::KeyInfo;

/// The key shown when the page opens, so the page says something before anyone types.
const DEFAULT_KEY: &str = "user:1000";

#[function_component]
pub fn KeySlot() -> Html {
    let key = use_state(|| DEFAULT_KEY.to_string());
    let oninput = {
        let key = key.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            key.set(input.value());
        })
    };
    let info = KeyInfo::of(&key);
    let hashed_label = if info.tagged { "hash tag" } else { "whole key" };

    html! {
        <section class="key-slot">
            <label for="key-input">{ "Key" }</label>
            <input
                id="key-input"
                data-testid="key-input"
                type="text"
                spellcheck="false"
                autocomplete="off"
                value={(*key).clone()}
                {oninput}
            />
            <p class="slot">
                { "Slot " }
                <output data-testid="key-slot">{ info.slot }</output>
            </p>
            <p class="hashed">
                { "Hashed: " }
                <code data-testid="key-hashed">{ info.hashed }</code>
                { format!(" ({hashed_label})") }
            </p>
        </section>
    }
}
