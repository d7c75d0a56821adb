//! The page: the reducer, the hooks, and the layout that hands each component its data.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::{
    BeliefsPanel, ClusterView, ConsolePanel, Controls, Dispatch, ExperimentsPanel, FaultsPanel,
    GrowPanel, Help, KeyTracer, Legend, ScenarioBar, SequenceDiagram, SlotMap, TextTwin, Timeline,
    TraceImport,
};
use crate::hooks::{
    bench, use_animation_clock, use_follow_links, use_media_preferences, use_shortcuts,
};
use crate::state::{Action, AppState, Model};
use crate::view_model;

/// The URL fragment the page was opened with (a shared link), without `#`.
fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page. It renders a first frame at once, then forms the cluster (a 100-node one takes
/// seconds) and shows the playground.
#[function_component]
pub fn App() -> Html {
    let ready = use_state(|| false);
    {
        let ready = ready.clone();
        use_effect_with((), move |_| {
            bench::first_render();
            // Long enough for the browser to paint the message first.
            let later = gloo_timers::callback::Timeout::new(30, move || ready.set(true));
            move || drop(later)
        });
    }
    if *ready {
        html! { <Playground /> }
    } else {
        html! {
            <div class="app loading">
                <h1>{ "clusterlab" }</h1>
                <p aria-live="polite">{ "Forming the cluster, like redis-cli --cluster create…" }</p>
            </div>
        }
    }
}

#[function_component]
fn Playground() -> Html {
    let state = use_reducer(|| {
        let mut model = Model::from_link(&location_hash());
        model.frame_clock = Some(crate::hooks::now_ms);
        AppState::new(model)
    });
    let dispatch: Dispatch = state.dispatcher();
    let console_input = use_node_ref();
    let playing = state.model().playing;
    use_animation_clock(playing, dispatch.clone());
    use_shortcuts(dispatch.clone(), console_input.clone());
    use_media_preferences(dispatch.clone());
    use_follow_links();
    use_effect_with((), |_| bench::cluster_shown());
    use_effect(bench::frame_done);
    let share = {
        let state = state.clone();
        Callback::from(move |_: ()| state.model().share_fragment())
    };

    let m = state.model();
    let sim = m.run.sim();
    let picture = m.picture.clone();
    let glyphs = Rc::new(if m.playing {
        view_model::flight_glyphs(
            &m.flights,
            m.anim_clock,
            view_model::flight_duration(m.speed()),
            &picture,
        )
    } else {
        view_model::queue_glyphs(sim, &picture)
    });
    let beliefs = m
        .selected
        .and_then(|i| view_model::beliefs(sim, i, &picture))
        .map(Rc::new);
    let trace = Rc::new(view_model::key_trace(&m.key, &picture));
    let hover = m.hover_slot.map(|slot| {
        let owner = picture.owner(slot);
        let keys = owner.map_or(0, |o| {
            sim.nodes()[o]
                .node
                .keyspace()
                .count_in_slot(sim.now(), slot)
        });
        (slot, owner, keys)
    });
    let in_flight: Rc<Vec<(u64, String)>> = Rc::new(if m.playing {
        Vec::new()
    } else {
        sim.in_flight()
            .take(12)
            .map(|f| (f.id, view_model::flight_text(f, sim)))
            .collect()
    });
    let seq = Rc::new(view_model::sequence(
        sim,
        m.run.history().iter(),
        view_model::sequence_window(m.speed(), picture.nodes.len()),
        picture.nodes.len() <= 12,
    ));
    let cursor = m.run.cursor();
    let prompt = m.console.prompt(&m.run);

    html! {
        <ContextProvider<Dispatch> context={dispatch.clone()}>
            <div class={classes!("app", m.reduced_motion.then_some("reduced-motion"))} data-ready="true">
                <header class="topbar">
                    <h1>{ "clusterlab" }</h1>
                    <p class="tagline">{ "Redis Cluster, simulated in your browser: every node runs Redis's real rules." }</p>
                    <ScenarioBar
                        preset={m.preset.clone()}
                        seed={m.run.scenario().seed}
                        reduced_motion={m.reduced_motion}
                        share={share}
                    />
                </header>
                if let Some(notice) = m.notice.clone() {
                    <div class="notice" role="alert" data-testid="notice">
                        <p>{ notice }</p>
                        <button onclick={dispatch_cb(&dispatch, Action::DismissNotice)}>{ "Dismiss" }</button>
                    </div>
                }
                <Controls
                    playing={m.playing}
                    speed_log={m.speed_log}
                    now={sim.now().ms()}
                    steps={cursor.steps}
                    lagging={m.lagging}
                    at_start={cursor.steps == 0 && cursor.applied == 0}
                />
                <main class="layout">
                    <section class="stage" aria-label="Cluster">
                        <ClusterView
                            picture={picture.clone()}
                            glyphs={glyphs.clone()}
                            selected={m.selected}
                            hops={m.console.hops.clone()}
                            reduced_motion={m.reduced_motion}
                        />
                        <p class="caption" aria-live="polite" data-testid="narration">{ m.narration.clone() }</p>
                        <Legend open={!m.compact} />
                        <SlotMap
                            picture={picture.clone()}
                            hover={hover}
                            marked={trace.slot}
                        />
                        <SequenceDiagram seq={seq} />
                        <Timeline
                            all={m.log_all.clone()}
                            notable={m.log_key.clone()}
                            start={m.run.start_time().ms()}
                            end={m.run.horizon().time.ms()}
                            now={sim.now().ms()}
                        />
                    </section>
                    <aside class="side">
                        <KeyTracer key_text={m.key.clone()} trace={trace} picture={picture.clone()} />
                        <ConsolePanel
                            console={m.console.clone()}
                            prompt={prompt}
                            picture={picture.clone()}
                            input_ref={console_input}
                        />
                        <FaultsPanel
                            picture={picture.clone()}
                            selected={m.selected}
                            group={Rc::new(m.partition_group.clone())}
                            in_flight={in_flight}
                            playing={m.playing}
                        />
                        <GrowPanel picture={picture.clone()} jobs={Rc::new(view_model::jobs(sim))} />
                        <BeliefsPanel beliefs={beliefs} picture={picture.clone()} />
                        <ExperimentsPanel />
                        <TraceImport />
                    </aside>
                </main>
                <TextTwin picture={picture} glyphs={glyphs.len()} />
                if m.help_open {
                    <Help />
                }
            </div>
        </ContextProvider<Dispatch>>
    }
}

/// A click handler that dispatches a fixed action.
pub fn dispatch_cb<E>(dispatch: &Dispatch, action: Action) -> Callback<E> {
    let dispatch = dispatch.clone();
    Callback::from(move |_| dispatch.dispatch(action.clone()))
}
