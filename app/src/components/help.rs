//! The keyboard shortcut sheet (`?`).

use yew::prelude::*;

use super::use_dispatch;
use crate::app::dispatch_cb;
use crate::hooks::SHORTCUTS;
use crate::state::Action;

#[function_component]
pub fn Help() -> Html {
    let dispatch = use_dispatch();
    html! {
        <div class="help" role="dialog" aria-modal="false" aria-labelledby="help-title" data-testid="help-dialog">
            <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
            <p>{ "Shortcuts are off while you type in a field." }</p>
            <dl>
                { for SHORTCUTS.iter().map(|(key, what)| html! {
                    <><dt><kbd>{ *key }</kbd></dt><dd>{ *what }</dd></>
                }) }
            </dl>
            <button onclick={dispatch_cb(&dispatch, Action::CloseHelp)}>{ "Close (Esc)" }</button>
        </div>
    }
}
