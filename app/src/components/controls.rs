//! Playback: play, pause, step, step back, speed on a log scale, the simulated clock, and
//! jumps ahead.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{use_lang, Msg};

use super::use_dispatch;
use crate::components::dispatch_cb;
use crate::state::{Action, SPEED_MAX_LOG, SPEED_MIN_LOG};
use crate::view_model::{format_speed, format_time};
use clusterlab_core::Time;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    /// log10 of the speed.
    pub speed_log: f64,
    /// Simulated ms.
    pub now: u64,
    /// Simulator steps since the cluster formed.
    pub steps: u64,
    pub lagging: bool,
    pub at_start: bool,
}

/// A 16 × 16 icon from one SVG path (fonts do not all have the media symbols).
fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
            <path d={path} fill="currentColor" />
        </svg>
    }
}

#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let on_speed = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<f64>() {
                dispatch.dispatch(Action::SetSpeed(v));
            }
        })
    };
    let speed = 10f64.powf(props.speed_log);
    html! {
        <section class="controls" aria-label={lang.t(Msg::Playback)}>
            <div class="buttons">
                <button data-testid="play" disabled={props.playing}
                    title={lang.t(Msg::PlayTitle)} onclick={dispatch_cb(&dispatch, Action::Play)}>
                    { icon("M4,2 L14,8 L4,14 z") }{ lang.t(Msg::Play) }
                </button>
                <button data-testid="pause" disabled={!props.playing}
                    title={lang.t(Msg::PauseTitle)} onclick={dispatch_cb(&dispatch, Action::Pause)}>
                    { icon("M3,2 h4 v12 h-4 z M9,2 h4 v12 h-4 z") }{ lang.t(Msg::Pause) }
                </button>
                <button data-testid="step-back" disabled={props.at_start}
                    title={lang.t(Msg::StepBackTitle)} onclick={dispatch_cb(&dispatch, Action::StepBack)}>
                    { icon("M2,2 h2.5 v12 h-2.5 z M14,2 L5,8 L14,14 z") }{ lang.t(Msg::StepBack) }
                </button>
                <button data-testid="step"
                    title={lang.t(Msg::StepFwdTitle)} onclick={dispatch_cb(&dispatch, Action::Step)}>
                    { lang.t(Msg::StepFwd) }{ icon("M2,2 L11,8 L2,14 z M11.5,2 h2.5 v12 h-2.5 z") }
                </button>
            </div>
            <label class="speed">
                <span>{ lang.t(Msg::Speed) }</span>
                <input type="range" data-testid="speed"
                    min={SPEED_MIN_LOG.to_string()} max={SPEED_MAX_LOG.to_string()} step="0.05"
                    value={props.speed_log.to_string()}
                    aria-valuetext={format_speed(speed)}
                    oninput={on_speed} />
                <output>{ format_speed(speed) }</output>
            </label>
            <div class="clock">
                <span>{ lang.t(Msg::SimulatedTime) }</span>
                <output data-testid="sim-time" data-steps={props.steps.to_string()}>{ format_time(Time(props.now), lang) }</output>
                if props.lagging {
                    <span class="lagging" title={lang.t(Msg::LaggingTitle)}>{ lang.t(Msg::RunningBehind) }</span>
                }
            </div>
            <div class="skips" role="group" aria-label={lang.t(Msg::JumpAhead)}>
                <span>{ lang.t(Msg::JumpAhead) }</span>
                { for [(1_000u64, "+1\u{a0}s"), (10_000, "+10\u{a0}s"), (30_000, "+30\u{a0}s")].into_iter().map(|(ms, label)| html! {
                    <button data-testid={format!("skip-{ms}")} onclick={dispatch_cb(&dispatch, Action::Skip(ms))}>{ label }</button>
                }) }
            </div>
        </section>
    }
}
