//! The scenario: cluster shape, seed, reset, reduced motion, help, and the share link.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};

use super::use_dispatch;
use crate::components::dispatch_cb;
use crate::hooks::{clear_link, show_link};
use crate::state::share::Preset;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct ScenarioBarProps {
    pub preset: Preset,
    pub seed: u64,
    pub reduced_motion: bool,
    /// Computes the share fragment of the current state.
    pub share: Callback<(), String>,
}

#[function_component]
pub fn ScenarioBar(props: &ScenarioBarProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let link = use_state(|| None::<String>);
    let on_preset = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(preset) = Preset::parse(&select.value()) {
                clear_link();
                dispatch.dispatch(Action::SetPreset(preset));
            }
        })
    };
    let on_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(seed) = input.value().trim().parse::<u64>() {
                clear_link();
                dispatch.dispatch(Action::SetSeed(seed));
            }
        })
    };
    let on_reset = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            clear_link();
            dispatch.dispatch(Action::Reset);
        })
    };
    let on_motion = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(Action::SetReducedMotion(input.checked()));
        })
    };
    let on_share = {
        let share = props.share.clone();
        let link = link.clone();
        Callback::from(move |_| {
            link.set(show_link(&share.emit(())));
        })
    };
    let current = props.preset.to_string();
    html! {
        <div class="scenario">
            <label>
                <span>{ lang.t(Msg::ClusterLabel) }</span>
                <select data-testid="scenario" onchange={on_preset}>
                    { for Preset::MENU.iter().map(|&(m, r)| {
                        let value = format!("{m}x{r}");
                        let template = lang.t(if r == 1 { Msg::PresetOne } else { Msg::PresetMany });
                        let label = fill(template, &[&m.to_string(), &r.to_string(), &(m * (1 + r)).to_string()]);
                        let selected = value == current;
                        html! { <option {selected} value={value}>{ label }</option> }
                    }) }
                </select>
            </label>
            <label>
                <span>{ lang.t(Msg::Seed) }</span>
                <input data-testid="seed" type="number" min="0" inputmode="numeric"
                    value={props.seed.to_string()} onchange={on_seed} />
            </label>
            <button data-testid="reset" onclick={on_reset}>{ lang.t(Msg::Reset) }</button>
            <label class="check">
                <input type="checkbox" checked={props.reduced_motion} onchange={on_motion} />
                <span>{ lang.t(Msg::ReducedMotion) }</span>
            </label>
            <button data-testid="share" onclick={on_share}>{ lang.t(Msg::Share) }</button>
            <button data-testid="help" aria-label={lang.t(Msg::ShortcutsButton)} onclick={dispatch_cb(&dispatch, Action::ToggleHelp)}>{ "?" }</button>
            if let Some(url) = (*link).clone() {
                <label class="share-url">
                    <span>{ lang.t(Msg::ShareLink) }</span>
                    <input data-testid="share-url" readonly=true value={url} />
                </label>
            }
        </div>
    }
}
