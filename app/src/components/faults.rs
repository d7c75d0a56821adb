//! Faults: crash, restart, pause or isolate a node; cut the network between groups; heal;
//! drop one message in flight.

use std::collections::BTreeSet;
use std::rc::Rc;

use clusterlab_core::sim::Status;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};

use super::use_dispatch;
use crate::components::dispatch_cb;
use crate::state::replay::SimAction;
use crate::state::Action;
use crate::view_model::Picture;

#[derive(Properties, PartialEq)]
pub struct FaultsProps {
    pub picture: Rc<Picture>,
    pub selected: Option<usize>,
    /// Nodes chosen to be cut off from the rest.
    pub group: Rc<BTreeSet<usize>>,
    /// Messages on the wire (only while paused): id and description.
    pub in_flight: Rc<Vec<(u64, String)>>,
    pub playing: bool,
}

#[function_component]
pub fn FaultsPanel(props: &FaultsProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let on_select = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            dispatch.dispatch(Action::Select(select.value().parse::<usize>().ok()));
        })
    };
    let p = &props.picture;
    let node_buttons = match props.selected.and_then(|i| p.nodes.get(i)) {
        None => {
            html! { <p class="hint">{ lang.t(Msg::FaultsHint) }</p> }
        }
        Some(n) => {
            let i = n.idx;
            let act = |a: SimAction| dispatch_cb::<MouseEvent>(&dispatch, Action::Sim(a));
            html! {
                <div class="buttons" role="group" aria-label={fill(lang.t(Msg::FaultsOn), &[&n.name])}>
                    <button data-testid="crash" disabled={n.status == Status::Crashed}
                        title="kill -9 (x)" onclick={act(SimAction::Crash(i))}>{ fill(lang.t(Msg::CrashNode), &[&n.name]) }</button>
                    <button data-testid="restart" disabled={n.status == Status::Up}
                        title={lang.t(Msg::RestartTitle)} onclick={act(SimAction::Restart(i))}>{ lang.t(Msg::RestartButton) }</button>
                    if n.status == Status::Paused {
                        <button data-testid="resume" title="kill -CONT (z)" onclick={act(SimAction::Resume(i))}>{ lang.t(Msg::ResumeButton) }</button>
                    } else {
                        <button data-testid="pause-node" disabled={n.status != Status::Up}
                            title="kill -STOP (z)" onclick={act(SimAction::Pause(i))}>{ lang.t(Msg::Pause) }</button>
                    }
                    <button data-testid="isolate" title={lang.t(Msg::IsolateTitle)}
                        onclick={act(SimAction::Partition(vec![i]))}>{ lang.t(Msg::Isolate) }</button>
                </div>
            }
        }
    };
    let drop_list = if props.playing {
        html! { <p class="hint">{ lang.t(Msg::PauseToDrop) }</p> }
    } else if props.in_flight.is_empty() {
        html! { <p class="hint">{ lang.t(Msg::NoWire) }</p> }
    } else {
        html! {
            <ul class="in-flight" data-testid="in-flight">
                { for props.in_flight.iter().map(|(id, text)| html! {
                    <li>
                        <span>{ text }</span>
                        <button onclick={dispatch_cb(&dispatch, Action::Sim(SimAction::Drop(*id)))}
                            aria-label={fill(lang.t(Msg::DropLabel), &[text])}>{ lang.t(Msg::Drop) }</button>
                    </li>
                }) }
            </ul>
        }
    };
    html! {
        <section class="panel faults" aria-labelledby="faults-title">
            <h2 id="faults-title">{ lang.t(Msg::Faults) }</h2>
            <label>
                <span>{ lang.t(Msg::NodeLabel) }</span>
                <select data-testid="node-select" onchange={on_select}>
                    <option value="" selected={props.selected.is_none()}>{ lang.t(Msg::NoneChoice) }</option>
                    { for p.nodes.iter().map(|n| html! {
                        <option value={n.idx.to_string()} selected={props.selected == Some(n.idx)}>
                            { format!("{} — {}", n.name, n.state_text(lang)) }
                        </option>
                    }) }
                </select>
            </label>
            { node_buttons }
            <fieldset class="partition">
                <legend>{ lang.t(Msg::PartitionLegend) }</legend>
                <div class="members">
                    { for p.nodes.iter().map(|n| {
                        let toggle = dispatch_cb::<Event>(&dispatch, Action::TogglePartitionMember(n.idx));
                        html! {
                            <label class="check">
                                <input type="checkbox" checked={props.group.contains(&n.idx)} onchange={toggle} />
                                <span>{ &n.name }</span>
                            </label>
                        }
                    }) }
                </div>
                <button data-testid="cut" disabled={props.group.is_empty() || props.group.len() >= p.nodes.len()}
                    onclick={dispatch_cb(&dispatch, Action::CutPartition)}>{ lang.t(Msg::Cut) }</button>
                <button data-testid="heal" disabled={p.cuts.is_empty()} title="h"
                    onclick={dispatch_cb(&dispatch, Action::Sim(SimAction::Heal))}>{ lang.t(Msg::HealAll) }</button>
            </fieldset>
            <h3>{ lang.t(Msg::Messages) }</h3>
            { drop_list }
        </section>
    }
}
