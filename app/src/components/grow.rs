//! Growing the cluster: add a node the way `redis-cli --cluster add-node` and `rebalance` do,
//! or reshard slots between masters, and follow the jobs as they run (MEET, SETSLOT
//! IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE).

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};

use super::use_dispatch;
use crate::components::dispatch_cb;
use crate::state::replay::SimAction;
use crate::state::Action;
use crate::view_model::{JobInfo, Picture};

#[derive(Properties, PartialEq)]
pub struct GrowProps {
    pub picture: Rc<Picture>,
    pub jobs: Rc<Vec<JobInfo>>,
}

#[function_component]
pub fn GrowPanel(props: &GrowProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let masters: Vec<(usize, String)> = props
        .picture
        .nodes
        .iter()
        .filter(|n| n.is_master)
        .map(|n| (n.idx, n.name.clone()))
        .collect();
    // The form's choices, before they become an action.
    let from = use_state(|| None::<usize>);
    let to = use_state(|| None::<usize>);
    let slots = use_state(|| 100usize);
    let from_idx = (*from).or(masters.first().map(|m| m.0));
    let to_idx = (*to).or(masters.last().map(|m| m.0));
    let pick = |state: UseStateHandle<Option<usize>>| {
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            state.set(select.value().parse().ok());
        })
    };
    let on_slots = {
        let slots = slots.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(n) = input.value().parse::<usize>() {
                slots.set(n.clamp(1, 16384));
            }
        })
    };
    let reshard = match (from_idx, to_idx) {
        (Some(from), Some(to)) if from != to => Some(Action::Sim(SimAction::Reshard {
            from,
            to,
            slots: *slots,
        })),
        _ => None,
    };
    let options = |selected: Option<usize>| {
        masters
            .iter()
            .map(|(i, name)| {
                html! { <option value={i.to_string()} selected={selected == Some(*i)}>{ name }</option> }
            })
            .collect::<Html>()
    };
    html! {
        <section class="panel grow" aria-labelledby="grow-title">
            <h2 id="grow-title">{ lang.t(Msg::Grow) }<small>{ lang.t(Msg::GrowSub) }</small></h2>
            <button data-testid="add-node" onclick={dispatch_cb(&dispatch, Action::Sim(SimAction::AddNode))}>
                { lang.t(Msg::AddNode) }
            </button>
            <div class="reshard" role="group" aria-label="Reshard">
                <label>{ lang.t(Msg::MoveSlots) }
                    <input type="number" min="1" max="16384" value={slots.to_string()} onchange={on_slots}
                        aria-label={lang.t(Msg::SlotsToMove)} />
                </label>
                <label>{ lang.t(Msg::SlotsFrom) }<select onchange={pick(from.clone())}>{ options(from_idx) }</select></label>
                <label>{ lang.t(Msg::SlotsTo) }<select onchange={pick(to.clone())}>{ options(to_idx) }</select></label>
                <button data-testid="reshard" disabled={reshard.is_none()}
                    onclick={let d = dispatch.clone(); Callback::from(move |_| if let Some(a) = reshard.clone() { d.dispatch(a) })}>
                    { lang.t(Msg::Reshard) }
                </button>
            </div>
            if !props.jobs.is_empty() {
                <ol class="jobs" data-testid="jobs">
                    { for props.jobs.iter().map(|j| {
                        let state = match &j.outcome {
                            None => lang.t(Msg::Running).to_string(),
                            Some(Ok(())) => lang.t(Msg::Done).into(),
                            Some(Err(e)) => fill(lang.t(Msg::FailedWith), &[e]),
                        };
                        html! {
                            <li class={classes!(matches!(j.outcome, Some(Err(_))).then_some("failed"))}>
                                <strong>{ &j.title }</strong>{ format!(" — {state}") }
                                <div>{ fill(lang.t(Msg::JobMoved), &[&j.doing, &j.slots_moved.to_string(), &j.keys_moved.to_string()]) }</div>
                                if let Some(line) = &j.last_line {
                                    <code class="job-line">{ line }</code>
                                }
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}
