//! The course's plots, computed by the simulator in the page: a [`PlotPanel`] runs an
//! experiment (gossip convergence vs cluster size, or failover time and false suspicions vs
//! `cluster-node-timeout`) a few samples per timer tick, so the page stays responsive, and draws
//! the points as they come, with a table twin. [`ExperimentsPanel`] lets the playground pick
//! one; a lesson shows one through its `panels` front matter (`convergence-plot`,
//! `timeout-plot`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use clusterlab_core::experiment::{PlotKind, Run, BUS_COST_SIZES};
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::hooks::now_ms;
use crate::i18n::{fill, use_lang, Lang, Msg};
use crate::view_model::plot::{charts, plot_title, Chart, HEIGHT, WIDTH};

/// Real ms of simulation per tick before the page gets the thread back to draw and to listen.
const CHUNK_MS: f64 = 40.0;
/// Seeds per x value: enough for a median and a spread, few enough to take seconds.
const SEEDS: u64 = 5;

/// The largest cluster the page's bus-cost plot starts: a start's burst (every node PINGs
/// every other at once) holds N² messages in flight, about 3.3 GB at 1000 nodes, more than a
/// page can count on; 500 nodes need about a quarter of it. `cargo bench --bench experiment`
/// measures 1000 natively.
pub const PAGE_MAX_NODES: u64 = 500;

/// The run a panel computes: the plot's standard plan; the bus-cost plot's sizes up to
/// [`PAGE_MAX_NODES`], with three seeds (its big samples take the longest).
fn page_run(kind: PlotKind) -> Run {
    match kind {
        PlotKind::BusCost => Run::with_plan(
            kind,
            BUS_COST_SIZES
                .iter()
                .copied()
                .filter(|&n| n <= PAGE_MAX_NODES)
                .collect(),
            3,
        ),
        PlotKind::Convergence | PlotKind::Failover => Run::new(kind, SEEDS),
    }
}

#[derive(Properties, PartialEq)]
pub struct PlotPanelProps {
    pub kind: PlotKind,
    /// Start computing when shown (a lesson panel), rather than on a click.
    #[prop_or_default]
    pub autostart: bool,
}

/// One experiment: its run, the button that (re)starts it, progress, the charts and tables.
#[function_component]
pub fn PlotPanel(props: &PlotPanelProps) -> Html {
    let kind = props.kind;
    let lang = use_lang();
    let run = use_mut_ref(|| None::<Run>);
    // Bumped to stop the computing loop: a new start, another kind, or the panel going away.
    let generation = use_mut_ref(|| Rc::new(Cell::new(0u32)));
    let redraw = use_force_update();
    let start = {
        let (run, generation, redraw) = (run.clone(), generation.borrow().clone(), redraw.clone());
        Callback::from(move |_: ()| compute(kind, run.clone(), generation.clone(), redraw.clone()))
    };
    {
        let (run, generation, start) = (run.clone(), generation.borrow().clone(), start.clone());
        let autostart = props.autostart;
        use_effect_with(kind, move |_| {
            *run.borrow_mut() = None;
            generation.set(generation.get() + 1);
            if autostart {
                start.emit(());
            }
            move || generation.set(generation.get() + 1)
        });
    }
    let current = run.borrow();
    let slug = kind.panel();
    let (done, total) = current.as_ref().map_or((0, 0), Run::progress);
    let running = current.as_ref().is_some_and(|r| !r.is_done());
    html! {
        <div class="plot" data-testid={slug} data-kind={slug}>
            <div class="plot-bar">
                <button data-testid={format!("{slug}-run")} disabled={running}
                    onclick={start.reform(|_: MouseEvent| ())}>
                    { lang.t(if current.is_some() { Msg::RunExperimentAgain } else { Msg::RunExperiment }) }
                </button>
                if current.is_some() {
                    <progress max={total.to_string()} value={done.to_string()} aria-label={lang.t(Msg::RunsDoneLabel)} />
                    <span data-testid={format!("{slug}-progress")} aria-live="polite">
                        { if running {
                            fill(lang.t(Msg::RunsProgress), &[&done.to_string(), &total.to_string()])
                        } else {
                            fill(lang.t(Msg::RunsDone), &[&total.to_string()])
                        } }
                    </span>
                }
            </div>
            <p class="plot-what">{ explanation(kind, lang) }</p>
            if let Some(r) = current.as_ref() {
                { for charts(r, lang).iter().map(|c| chart_view(kind, c, lang)) }
                { for r.errors().iter().map(|e| html! { <p class="plot-error" role="alert">{ e }</p> }) }
            }
        </div>
    }
}

/// Starts a fresh run and computes it chunk by chunk until done or stopped.
fn compute(
    kind: PlotKind,
    run: Rc<RefCell<Option<Run>>>,
    generation: Rc<Cell<u32>>,
    redraw: UseForceUpdateHandle,
) {
    let mine = generation.get() + 1;
    generation.set(mine);
    *run.borrow_mut() = Some(page_run(kind));
    redraw.force_update();
    spawn_local(async move {
        loop {
            // Let the browser paint the progress and handle input first.
            sleep(Duration::from_millis(1)).await;
            if generation.get() != mine {
                return;
            }
            let more = {
                let mut slot = run.borrow_mut();
                let Some(r) = slot.as_mut() else { return };
                let began = now_ms();
                while r.step() && now_ms() - began < CHUNK_MS {}
                !r.is_done()
            };
            redraw.force_update();
            if !more {
                return;
            }
        }
    });
}

fn explanation(kind: PlotKind, lang: Lang) -> &'static str {
    lang.t(match kind {
        PlotKind::Convergence => Msg::ExplainConvergence,
        PlotKind::Failover => Msg::ExplainFailover,
        PlotKind::BusCost => Msg::ExplainBusCost,
    })
}

fn chart_view(kind: PlotKind, c: &Chart, lang: Lang) -> Html {
    let slug = kind.panel();
    let title = fill(
        lang.t(Msg::ChartTitle),
        &[plot_title(kind, lang), c.y_label],
    );
    html! {
        <figure class="chart" data-testid={format!("{slug}-{}", c.id)}>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label={title.clone()}>
                <title>{ title }</title>
                <g class="axes">
                    <line x1={c.left.to_string()} y1={c.bottom.to_string()} x2={c.right.to_string()} y2={c.bottom.to_string()} />
                    <line x1={c.left.to_string()} y1={c.top.to_string()} x2={c.left.to_string()} y2={c.bottom.to_string()} />
                    { for c.x_ticks.iter().map(|t| html! {
                        <g class="tick">
                            <line x1={t.pos.to_string()} y1={c.bottom.to_string()} x2={t.pos.to_string()} y2={(c.bottom + 4.0).to_string()} />
                            <text x={t.pos.to_string()} y={(c.bottom + 16.0).to_string()} text-anchor="middle">{ &t.label }</text>
                        </g>
                    }) }
                    { for c.y_ticks.iter().map(|t| html! {
                        <g class="tick">
                            <line class="grid" x1={c.left.to_string()} y1={t.pos.to_string()} x2={c.right.to_string()} y2={t.pos.to_string()} />
                            <text x={(c.left - 6.0).to_string()} y={(t.pos + 4.0).to_string()} text-anchor="end">{ &t.label }</text>
                        </g>
                    }) }
                    <text class="axis-label" x={((c.left + c.right) / 2.0).to_string()} y={(HEIGHT - 6.0).to_string()} text-anchor="middle">{ c.x_label }</text>
                    <text class="axis-label" transform={format!("translate(14 {}) rotate(-90)", (c.top + c.bottom) / 2.0)} text-anchor="middle">{ c.y_label }</text>
                </g>
                { for c.guides.iter().map(|g| html! {
                    <polyline class={g.class} points={g.points.clone()}><title>{ &g.label }</title></polyline>
                }) }
                { for c.series.iter().map(|s| html! {
                    <g class={format!("series series-{}", s.slot)}>
                        <polyline class="median-line" points={s.line.clone()} />
                        { for s.marks.iter().map(|m| html! {
                            <g class="mark" data-testid="plot-point" tabindex="0" aria-label={m.text.clone()}>
                                <title>{ &m.text }</title>
                                <line x1={m.cx.to_string()} y1={m.lo.to_string()} x2={m.cx.to_string()} y2={m.hi.to_string()} />
                                <circle cx={m.cx.to_string()} cy={m.cy.to_string()} r="3.5" />
                            </g>
                        }) }
                    </g>
                }) }
            </svg>
            <figcaption>
                <ul class="plot-legend">
                    { for c.series.iter().map(|s| html! {
                        <li class={format!("series-{}", s.slot)}><span class="swatch" aria-hidden="true"></span>{ s.name }</li>
                    }) }
                    { for c.guides.iter().map(|g| html! {
                        <li class={if g.class == "guide" { "guide-key" } else { "guide-key guide-key-alt" }}>
                            <span class="swatch" aria-hidden="true"></span>{ &g.label }
                        </li>
                    }) }
                </ul>
                <details>
                    <summary>{ lang.t(Msg::PlotTable) }</summary>
                    <table data-testid={format!("{slug}-{}-table", c.id)}>
                        <thead><tr>
                            <th scope="col">{ c.x_label }</th>
                            { for c.series.iter().map(|s| html! { <th scope="col">{ s.name }</th> }) }
                        </tr></thead>
                        <tbody>
                            { for c.rows.iter().map(|r| html! {
                                <tr><th scope="row">{ &r.x }</th>{ for r.cells.iter().map(|v| html! { <td>{ v }</td> }) }</tr>
                            }) }
                        </tbody>
                    </table>
                </details>
            </figcaption>
        </figure>
    }
}

/// The playground's panel: pick a plot, run it.
#[function_component]
pub fn ExperimentsPanel() -> Html {
    let kind = use_state(|| PlotKind::Convergence);
    let lang = use_lang();
    html! {
        <section class="panel experiments" aria-labelledby="experiments-title">
            <h2 id="experiments-title" data-testid="experiments-title">{ lang.t(Msg::Experiments) }<small>{ lang.t(Msg::ExperimentsSub) }</small></h2>
            <div class="plot-tabs" role="group" aria-label={lang.t(Msg::WhichExperiment)}>
                { for PlotKind::ALL.into_iter().map(|k| {
                    let kind = kind.clone();
                    let pressed = *kind == k;
                    html! {
                        <button aria-pressed={pressed.to_string()} data-testid={format!("pick-{}", k.panel())}
                            onclick={Callback::from(move |_| kind.set(k))}>{ plot_title(k, lang) }</button>
                    }
                }) }
            </div>
            <PlotPanel kind={*kind} />
        </section>
    }
}
