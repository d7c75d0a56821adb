//! The keyboard shortcut sheet (`?`).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::{use_lang, Msg};

use super::use_dispatch;
use crate::components::dispatch_cb;
use crate::hooks::SHORTCUTS;
use crate::state::Action;

#[function_component]
pub fn Help() -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    // Focus moves into the dialog when it opens, and back where it was when it closes.
    let close = use_node_ref();
    {
        let close = close.clone();
        use_effect_with((), move |_| {
            let before = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element());
            if let Some(button) = close.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
            move || {
                if let Some(el) = before.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = el.focus();
                }
            }
        });
    }
    html! {
        <div class="help" role="dialog" aria-modal="false" aria-labelledby="help-title" data-testid="help-dialog">
            <h2 id="help-title">{ lang.t(Msg::ShortcutsTitle) }</h2>
            <p>{ lang.t(Msg::ShortcutsOff) }</p>
            <dl>
                { for SHORTCUTS.iter().map(|(key, what)| html! {
                    <><dt><kbd>{ *key }</kbd></dt><dd>{ lang.t(*what) }</dd></>
                }) }
            </dl>
            <button ref={close} onclick={dispatch_cb(&dispatch, Action::CloseHelp)}>{ lang.t(Msg::CloseEsc) }</button>
        </div>
    }
}
