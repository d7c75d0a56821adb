//! The timeline: a scrubber over the run so far (going back replays from a snapshot), and the
//! event log in words.

use std::rc::Rc;

use clusterlab_core::Time;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::i18n::{use_lang, Msg};

use super::use_dispatch;
use crate::state::Action;
use crate::view_model::explain::EventRef;
use crate::view_model::{format_time, LogLine};

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// Every recent event…
    pub all: Rc<Vec<LogLine>>,
    /// …and the recent ones that are not routine.
    pub notable: Rc<Vec<LogLine>>,
    /// Simulated ms: where the run starts, how far it went, and where it is.
    pub start: u64,
    pub end: u64,
    pub now: u64,
    /// The trace entry the "why?" panel explains, highlighted here.
    #[prop_or_default]
    pub explained: Option<usize>,
    /// Where a scrub goes: a lesson shows its past itself (`view_model::rewind`); without
    /// it, the playground's run seeks.
    #[prop_or_default]
    pub on_seek: Option<Callback<u64>>,
}

#[function_component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let quiet = use_state(|| true);
    let list = use_node_ref();
    {
        let list = list.clone();
        use_effect_with((props.all.clone(), *quiet), move |_| {
            if let Some(el) = list.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let on_seek = {
        let dispatch = dispatch.clone();
        let to = props.on_seek.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(ms) = input.value().parse::<u64>() {
                match &to {
                    Some(to) => to.emit(ms),
                    None => dispatch.dispatch(Action::SeekTime(ms)),
                }
            }
        })
    };
    let on_quiet = {
        let quiet = quiet.clone();
        Callback::from(move |_| quiet.set(!*quiet))
    };
    let shown = if *quiet { &props.notable } else { &props.all };
    html! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{ lang.t(Msg::Timeline) }</h2>
            <label class="scrubber">
                <span class="visually-hidden">{ lang.t(Msg::GoToTime) }</span>
                <input type="range" data-testid="scrubber" min={props.start.to_string()} max={props.end.max(props.start + 1).to_string()}
                    step="1" value={props.now.to_string()} onchange={on_seek}
                    aria-valuetext={format_time(Time(props.now), lang)} />
                <span class="range-ends">
                    <span>{ format_time(Time(props.start), lang) }</span>
                    <span>{ format_time(Time(props.end), lang) }</span>
                </span>
            </label>
            <label class="check">
                <input type="checkbox" checked={*quiet} onchange={on_quiet} />
                <span>{ lang.t(Msg::HideRoutine) }</span>
            </label>
            <ol class="event-log" ref={list} data-testid="event-log" tabindex="0" aria-label={lang.t(Msg::EventLog)}>
                { for shown.iter().map(|l| {
                    let at = EventRef { index: l.index, t: l.t, node: l.node };
                    let onclick = {
                        let dispatch = dispatch.clone();
                        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Explain(Some(at))))
                    };
                    let current = props.explained == Some(l.index);
                    html! {
                        <li class={classes!(l.event, current.then_some("explained"))}>
                            <button class="log-event" data-testid="log-event" data-event={l.event}
                                aria-pressed={current.to_string()} title={lang.t(Msg::WhyExplain)} {onclick}>{ &l.text }</button>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
