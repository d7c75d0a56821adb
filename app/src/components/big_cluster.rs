//! A big cluster (300 or 1000 nodes), simulated in the worker: its shards as rings of arcs
//! coloured by failure detection, the clock, the bus's traffic, what happened, and the beliefs
//! of the node the learner picks. Drawing is a canvas (a thousand SVG arcs re-diffed ten
//! times a second would cost the page more than the worker's whole digest).

use std::rc::Rc;

use clusterlab_worker::protocol::{Digest, Process, Request};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::canvas::{context_2d, pointer_fraction};
use super::use_dispatch;
use crate::hooks::use_sim_worker;
use crate::i18n::{fill, use_lang, Msg};
use crate::state::big::{BigAction, BigCluster, Phase};
use crate::state::Action;
use crate::view_model::big_ring::{self, Ring, RING_SIZE};
use crate::view_model::format::format_ms;

#[derive(Properties, PartialEq)]
pub struct BigClusterProps {
    pub big: BigCluster,
}

/// Speeds offered, as log10 of simulated per real time (`None`: as fast as it can).
const SPEEDS: [Option<f64>; 5] = [Some(-1.0), Some(0.0), Some(0.5), Some(1.0), None];

#[function_component]
pub fn BigClusterView(props: &BigClusterProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let big = &props.big;
    let link = use_sim_worker(big, dispatch.clone());
    let ring = Ring {
        masters: big.preset.masters,
        replicas: big.preset.replicas,
    };
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(
            (big.digest.clone(), big.selected),
            move |(digest, selected)| {
                if let Some(d) = digest {
                    draw(&canvas, ring, d, *selected);
                }
            },
        );
    }
    use_effect_with(big.phase.clone(), |phase| match phase {
        Phase::Starting => crate::hooks::bench::big_started(),
        Phase::Running => crate::hooks::bench::big_running(),
        _ => {}
    });
    let select = |node: Option<usize>| Action::Big(BigAction::Select(node));
    let on_canvas = {
        let dispatch = dispatch.clone();
        let canvas = canvas.clone();
        Callback::from(move |e: MouseEvent| {
            let Some((fx, fy)) = pointer_fraction(&canvas, &e) else {
                return;
            };
            if let Some(node) = ring.hit(fx * RING_SIZE, fy * RING_SIZE) {
                dispatch.dispatch(select(Some(node)));
            }
        })
    };
    let on_play = {
        let dispatch = dispatch.clone();
        let playing = big.playing;
        Callback::from(move |_| dispatch.dispatch(Action::Big(BigAction::SetPlaying(!playing))))
    };
    let on_speed = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            let speed = el.value().parse::<f64>().ok();
            dispatch.dispatch(Action::Big(BigAction::SetSpeed(speed)));
        })
    };
    let digest = big.digest.clone();
    let cell = |i: usize| digest.as_ref().and_then(|d| d.cells.get(i));
    let act = |make: fn(usize) -> Request, allowed: fn(Process) -> bool| {
        let target = big
            .selected
            .filter(|&i| cell(i).is_some_and(|c| allowed(c.status)));
        let link = link.clone();
        let onclick = Callback::from(move |_| {
            if let (Some(link), Some(node)) = (&link, target) {
                link.send(&make(node));
            }
        });
        (onclick, target.is_none())
    };
    let (on_kill, kill_off) = act(|node| Request::Crash { node }, |p| p != Process::Crashed);
    let (on_restart, restart_off) =
        act(|node| Request::Restart { node }, |p| p == Process::Crashed);

    let nodes = big.preset.nodes();
    let phase_line = match &big.phase {
        Phase::Loading => lang.t(Msg::BigLoading).to_string(),
        Phase::Loaded => fill(lang.t(Msg::BigLoaded), &[&nodes.to_string()]),
        Phase::Starting => fill(
            lang.t(Msg::BigStarting),
            &[
                &nodes.to_string(),
                &digest.as_ref().map_or(0, |d| d.ok).to_string(),
                &digest.as_ref().map_or(String::new(), |d| {
                    crate::view_model::format_time(clusterlab_core::Time(d.t_ms), lang)
                }),
            ],
        ),
        Phase::Running => fill(
            lang.t(Msg::BigReady),
            &[&format_ms(
                digest
                    .as_ref()
                    .and_then(|d| d.ready_after_ms)
                    .unwrap_or(0.0) as u64,
                lang,
            )],
        ),
        Phase::Failed(message) => fill(lang.t(Msg::BigFailed), &[message]),
    };
    let phase = match big.phase {
        Phase::Loading => "loading",
        Phase::Loaded => "loaded",
        Phase::Starting => "starting",
        Phase::Running => "running",
        Phase::Failed(_) => "failed",
    };
    let counts = digest.as_ref().map(|d| big_ring::counts(&d.cells));
    let behind = digest
        .as_ref()
        .filter(|_| big.phase == Phase::Running && big.playing)
        .and_then(|d| big_ring::behind(d, big.speed_log, nodes, lang));
    let beliefs = big
        .selected
        .zip(digest.as_ref().and_then(|d| d.beliefs.clone()))
        .filter(|(i, b)| *i == b.node)
        .map(|(_, b)| big_ring::belief_lines(&b, &big.names, lang));
    html! {
        <section class="big-cluster" data-testid="big-cluster" data-phase={phase}
            data-sim-ms={digest.as_ref().map(|d| d.t_ms.to_string())}
            data-sim-per-real={digest.as_ref().map(|d| format!("{:.3}", d.sim_per_real))}
            data-ready-ms={digest.as_ref().and_then(|d| d.ready_after_ms).map(|ms| format!("{ms:.0}"))}
            data-masters={counts.map(|c| c[1].to_string())}
            data-failed={counts.map(|c| c[3].to_string())}>
            <h2>{ fill(lang.t(Msg::BigTitle), &[&nodes.to_string()]) }</h2>
            <p class="big-explain">{ lang.t(Msg::BigExplain) }</p>
            <p class="big-phase" role="status" aria-live="polite" data-testid="big-phase">{ phase_line }</p>
            if let Some(line) = behind {
                <p class="big-behind" data-testid="big-behind">{ line }</p>
            }
            <div class="big-controls">
                <button data-testid="big-play" onclick={on_play}>
                    { lang.t(if big.playing { Msg::Pause } else { Msg::Play }) }
                </button>
                <label>
                    <span>{ lang.t(Msg::BigSpeed) }</span>
                    <select data-testid="big-speed" onchange={on_speed}>
                        { for SPEEDS.iter().map(|s| {
                            let value = s.map_or("max".to_string(), |l| l.to_string());
                            let label = s.map_or(lang.t(Msg::BigSpeedMax).to_string(), |l| {
                                crate::view_model::format_speed(10f64.powf(l))
                            });
                            html! { <option value={value} selected={*s == big.speed_log}>{ label }</option> }
                        }) }
                    </select>
                </label>
                <NodePicker names={big.names.clone()} selected={big.selected} />
                <button data-testid="big-kill" disabled={kill_off} onclick={on_kill}>{ lang.t(Msg::Kill) }</button>
                <button data-testid="big-restart" disabled={restart_off} onclick={on_restart}>{ lang.t(Msg::Restart) }</button>
            </div>
            <div class="big-body">
                <canvas ref={canvas} class="big-ring" data-testid="big-ring" role="img"
                    aria-label={fill(lang.t(Msg::BigCanvas), &[&nodes.to_string()])}
                    width={RING_SIZE.to_string()} height={RING_SIZE.to_string()} onclick={on_canvas} />
                <div class="big-side">
                    if let Some(d) = &digest {
                        <p data-testid="big-stats">{ big_ring::stats_line(d, lang) }</p>
                    }
                    if let Some(c) = counts {
                        <p data-testid="big-counts">{ fill(lang.t(Msg::BigCounts), &[
                            &c[0].to_string(), &c[1].to_string(), &c[2].to_string(), &c[3].to_string(),
                        ]) }</p>
                    }
                    <div class="big-beliefs" data-testid="big-beliefs">
                        { match beliefs {
                            Some(lines) => html! { <>{ for lines.into_iter().map(|l| html! { <p>{ l }</p> }) }</> },
                            None => html! { <p class="hint">{ lang.t(Msg::BigPickHint) }</p> },
                        } }
                    </div>
                    <h3>{ lang.t(Msg::BigLog) }</h3>
                    <ol class="big-log" data-testid="big-log" reversed=true>
                        { for big.log.iter().rev().map(|m| {
                            let (t, text) = big_ring::moment_line(m, &big.names, lang);
                            html! { <li><time>{ t }</time>{ " " }{ text }</li> }
                        }) }
                    </ol>
                </div>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NodePickerProps {
    names: Rc<Vec<String>>,
    selected: Option<usize>,
}

/// The node list (a thousand options), a component of its own so that it is only rebuilt
/// when the names or the choice change, not with every digest.
#[function_component]
fn NodePicker(props: &NodePickerProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let on_change = Callback::from(move |e: Event| {
        let el: HtmlSelectElement = e.target_unchecked_into();
        let node = el.value().parse::<usize>().ok();
        dispatch.dispatch(Action::Big(BigAction::Select(node)));
    });
    html! {
        <label>
            <span>{ lang.t(Msg::BigNode) }</span>
            <select data-testid="big-node" onchange={on_change}>
                <option value="" selected={props.selected.is_none()}>{ lang.t(Msg::BigNoNode) }</option>
                { for props.names.iter().enumerate().map(|(i, name)| html! {
                    <option value={i.to_string()} selected={props.selected == Some(i)}>{ name }</option>
                }) }
            </select>
        </label>
    }
}

/// Draws the rings: every node's arc, then the picked one outlined.
fn draw(canvas: &NodeRef, ring: Ring, digest: &Digest, selected: Option<usize>) {
    let Some(ctx) = context_2d(canvas) else {
        return;
    };
    let centre = RING_SIZE / 2.0;
    ctx.clear_rect(0.0, 0.0, RING_SIZE, RING_SIZE);
    let arcs = ring.arcs(&digest.cells);
    let stroke = |a: &big_ring::Arc, width: f64, color: &str| {
        ctx.begin_path();
        let _ = ctx.arc(centre, centre, a.radius, a.from, a.to);
        ctx.set_line_width(width);
        ctx.set_stroke_style_str(color);
        ctx.stroke();
    };
    for a in &arcs {
        stroke(a, a.width, &a.color);
    }
    if let Some(a) = selected.and_then(|i| arcs.get(i)) {
        stroke(a, a.width + 8.0, "#111");
        stroke(a, a.width, &a.color);
        // A pointer from outside the rings: an arc of a 500-shard ring is 4 px long.
        let mid = (a.from + a.to) / 2.0;
        let (r0, r1) = (a.radius + a.width / 2.0 + 2.0, centre - 2.0);
        ctx.begin_path();
        ctx.move_to(centre + r0 * mid.cos(), centre + r0 * mid.sin());
        ctx.line_to(centre + r1 * mid.cos(), centre + r1 * mid.sin());
        ctx.set_line_width(2.0);
        ctx.set_stroke_style_str("#111");
        ctx.stroke();
    }
}
