//! The cluster side of a lesson: the panels its front matter asks for (`panels`), drawn from
//! the lesson's own simulator, the node actions its `allow` list permits (the others are
//! disabled and say why), time buttons, and the lesson console. Scrubbing the timeline shows
//! every panel at an earlier time (`view_model::rewind`) until the learner acts or returns.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use clusterlab_core::experiment::PlotKind;
use clusterlab_core::lesson::Meta;

use super::markdown::Markdown;
use super::{
    use_dispatch, BeliefsPanel, ClientPanel, ClusterView, ExplainPanel, KeyTracer, LessonSequence,
    PlotPanel, SlotMap, Timeline,
};
use crate::i18n::{fill, use_lang, Msg};
use crate::state::lesson::{hints, panels, LessonAction, Player, Purpose, Said};
use crate::state::{Action, AppState};
use crate::view_model;
use crate::view_model::client_cache::client_cache;
use crate::view_model::explain::NODE_EVENTS;
use crate::view_model::plot::plot_title;
use crate::view_model::rewind::{Rewind, Rewound};
use crate::view_model::wire::{lesson_sequence, lesson_window, seq_stops};
use crate::view_model::{Layout, Picture};
use clusterlab_core::sim::Sim;
use clusterlab_core::Time;

/// Event-log lines kept for the lesson's timeline.
const LOG_LINES: usize = 300;
/// How far back the caption looks for an event worth a sentence.
const NARRATION_SCAN: usize = 5_000;

#[derive(Properties, PartialEq)]
pub struct LessonStageProps {
    pub state: UseReducerHandle<AppState>,
}

/// Names what the learner has done at a position: a scrub is forgotten when it changes.
type Present = (usize, usize);

/// The earlier moment the learner scrubbed to, with the time asked for.
#[derive(Clone)]
struct Past {
    key: Present,
    asked: u64,
    view: Rc<Rewound>,
    picture: Rc<Picture>,
}

#[function_component]
pub fn LessonStage(props: &LessonStageProps) -> Html {
    let dispatch = use_dispatch();
    let lang = use_lang();
    let rewind = use_mut_ref(Rewind::default);
    // The time the learner scrubbed to, and the cluster rebuilt for it.
    let asked = use_state(|| None::<(Present, u64)>);
    let shown_past = use_mut_ref(|| None::<Past>);
    let model = props.state.model();
    let Some(p) = model.course.player.as_ref() else {
        return html! {};
    };
    let show = panels(&p.lesson.meta);
    let present = p.session().sim();
    let here: Present = (p.at, actions_done(p));
    let solving = p
        .busy
        .as_ref()
        .is_some_and(|b| b.purpose == Purpose::Solution);
    rewind.borrow_mut().note(p.at, present, here.1, solving);
    // A scrub lasts until the learner moves or acts.
    let past_view = (*asked)
        .filter(|(key, _)| *key == here)
        .and_then(|(key, ms)| {
            let mut kept = shown_past.borrow_mut();
            if kept.as_ref().is_none_or(|v| v.key != key || v.asked != ms) {
                let earlier = (0..p.at)
                    .filter_map(|i| p.moment_at(i))
                    .map(|m| m.session.sim());
                *kept = scrub(
                    &rewind.borrow(),
                    earlier,
                    ms,
                    key,
                    layout_of(p, model.compact),
                );
            }
            kept.clone()
        });
    let sim = past_view.as_ref().map_or(present, |v| &v.view.sim);
    let on_seek = {
        let asked = asked.clone();
        let end = present.now().ms();
        Callback::from(move |ms: u64| asked.set((ms < end).then_some((here, ms))))
    };
    // The scrubber starts at the first kept moment, or (on a lesson's first position) at the
    // first copy taken there.
    let start = match p.at {
        0 => rewind.borrow().first(),
        _ => p.moment_at(0).map(|m| m.session.sim().now()),
    }
    .unwrap_or(present.now());
    // A long run is playing: what changes the cluster waits until it ends.
    let busy = p.busy.is_some();
    let busy_text = p
        .busy
        .as_ref()
        .filter(|b| b.purpose != Purpose::Solution)
        .map(|b| {
            let what = b.current_input().unwrap_or_default();
            fill(
                lang.t(Msg::RunProgress),
                &[what, &view_model::format_ms(b.played_ms(p.session()), lang)],
            )
        });
    let picture = past_view
        .as_ref()
        .map_or_else(|| p.picture.clone(), |v| v.picture.clone());
    let act = |line: String| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(Action::Lesson(LessonAction::Act(line.clone())))
        })
    };
    let allowed = if p.lesson.meta.allow.is_empty() {
        lang.t(Msg::AllowedAll).to_string()
    } else {
        fill(lang.t(Msg::Allowed), &[&p.lesson.meta.allow.join(", ")])
    };
    let selected = model.selected.filter(|&i| i < sim.nodes().len());
    let node_buttons = match selected {
        None => html! { <p class="hint">{ lang.t(Msg::SelectNode) }</p> },
        Some(i) => {
            let acts = p.node_acts(i, lang);
            html! {
                <div class="node-actions" role="group" aria-label={fill(lang.t(Msg::OnNode), &[&sim.nodes()[i].name])}>
                    <span>{ fill(lang.t(Msg::OnNode), &[&sim.nodes()[i].name]) }</span>
                    { for acts.into_iter().map(|a| {
                        let title = a.refused.clone().unwrap_or_else(|| a.line.clone());
                        html! {
                            <button data-testid={format!("lesson-{}", a.verb)} disabled={a.refused.is_some() || a.moot || busy}
                                title={title} onclick={act(a.line.clone())}>{ lang.t(a.label) }</button>
                        }
                    }) }
                </div>
            }
        }
    };
    let heal_refused = !p.lesson.meta.allows("heal");
    // The latest event worth a sentence (PFAIL, FAIL, votes, promotion…).
    let narration = sim
        .trace()
        .iter()
        .rev()
        .take(NARRATION_SCAN)
        .find_map(|e| view_model::narrate(e, sim, lang));
    // A lesson's cluster is small: resolving the explanation on each render is cheap.
    let explanation = model
        .explained
        .and_then(|at| view_model::explain::explanation(sim, at, lang))
        .map(Rc::new);
    let seq = Rc::new(if show.sequence {
        lesson_sequence(sim, lesson_window(sim.nodes().len()))
    } else {
        view_model::Sequence::default()
    });
    let stops = Rc::new(seq_stops(&seq, sim, lang));
    let hover = model
        .hover_slot
        .map(|slot| view_model::slot_hover(sim, &picture, slot));
    let banner = past_view.as_ref().map(|v| {
        let back = {
            let asked = asked.clone();
            Callback::from(move |_: MouseEvent| asked.set(None))
        };
        html! {
            <div class="notice past" role="status" data-testid="lesson-past">
                <p>{ fill(lang.t(Msg::ViewingPast), &[&view_model::format_time(v.view.shown, lang), &view_model::format_time(present.now(), lang)]) }</p>
                <button data-testid="lesson-now" onclick={back}>{ lang.t(Msg::BackToNow) }</button>
            </div>
        }
    });
    html! {
        <section class="stage lesson-stage" aria-label={lang.t(Msg::ClusterRegion)}>
            <div class="lesson-clock" role="group" aria-label={lang.t(Msg::TimePasses)}>
                <span data-testid="lesson-time">
                    { fill(lang.t(Msg::SimTime), &[&view_model::format_ms(p.session().elapsed_ms(), lang)]) }
                </span>
                <button data-testid="lesson-play" disabled={busy} aria-pressed={p.playing.to_string()} title={lang.t(Msg::PlayTitle)}
                    onclick={{ let d = dispatch.clone(); Callback::from(move |_: MouseEvent| d.dispatch(Action::Lesson(LessonAction::TogglePlay))) }}>
                    { if p.playing { lang.t(Msg::Pause) } else { lang.t(Msg::Play) } }
                </button>
                <span>{ lang.t(Msg::TimePasses) }</span>
                { for [("1s", "run-1s"), ("5s", "run-5s"), ("30s", "run-30s")].into_iter().map(|(d, id)| html! {
                    <button data-testid={id} disabled={busy} onclick={act(format!("run {d}"))}>{ format!("+{d}") }</button>
                }) }
                if let Some(text) = busy_text {
                    <span class="busy" role="status" data-testid="lesson-busy">{ text }</span>
                }
            </div>
            { for banner }
            if show.nodes {
                <ClusterView picture={picture.clone()} glyphs={Rc::new(view_model::queue_glyphs(sim, &picture))}
                    selected={selected} hops={Vec::<usize>::new()} reduced_motion={model.reduced_motion} />
            }
            if let Some(sentence) = narration {
                <p class="caption" aria-live="polite" data-testid="lesson-narration">{ sentence }</p>
            }
            if show.actions {
                <section class="panel lesson-actions" aria-labelledby="lesson-actions-title">
                    <h2 id="lesson-actions-title">{ lang.t(Msg::Actions) }</h2>
                    <p class="allowed" data-testid="allowed">{ allowed }</p>
                    { node_buttons }
                    <button data-testid="lesson-heal" disabled={heal_refused || picture.cuts.is_empty() || busy}
                        title={if heal_refused { lang.t(Msg::NotAllowedTitle) } else { "heal" }}
                        onclick={act("heal".into())}>{ lang.t(Msg::Heal) }</button>
                </section>
            }
            if show.console {
                <LessonConsole lines={Rc::new(p.moment().console.clone())} meta={Rc::new(p.lesson.meta.clone())}
                    nodes={Rc::new(sim.nodes().iter().map(|n| n.name.clone()).collect::<Vec<_>>())}
                    target={p.target.clone()} {busy} />
            }
            if show.slots {
                <SlotMap picture={picture.clone()} hover={hover} marked={u16::MAX} />
            }
            if show.beliefs {
                <BeliefsPanel beliefs={selected.and_then(|i| view_model::beliefs(sim, i, &picture, lang)).map(Rc::new)}
                    picture={picture.clone()}
                    events={Rc::new(selected.map(|i| view_model::explain::node_events(sim, i, NODE_EVENTS, lang)).unwrap_or_default())} />
            }
            if show.messages {
                <section class="panel" aria-labelledby="lesson-messages-title">
                    <h2 id="lesson-messages-title">{ lang.t(Msg::Messages) }</h2>
                    <ul class="flights" data-testid="lesson-messages">
                        { for sim.in_flight().take(12).map(|f| html! { <li>{ view_model::flight_text(f, sim, lang) }</li> }) }
                    </ul>
                    if sim.in_flight().next().is_none() {
                        <p class="hint">{ lang.t(Msg::NoMessages) }</p>
                    }
                </section>
            }
            if show.jobs {
                <section class="panel" aria-labelledby="lesson-jobs-title">
                    <h2 id="lesson-jobs-title">{ lang.t(Msg::Jobs) }</h2>
                    <ul class="jobs" data-testid="lesson-jobs">
                        { for view_model::jobs(sim, lang).into_iter().map(|j| html! {
                            <li><strong>{ j.title }</strong>{ " — " }{ fill(lang.t(Msg::JobMoved), &[&j.doing, &j.slots_moved.to_string(), &j.keys_moved.to_string()]) }</li>
                        }) }
                    </ul>
                </section>
            }
            if show.sequence {
                <LessonSequence seq={seq.clone()} stops={stops} />
            }
            if show.keys {
                <KeyTracer key_text={model.key.clone()} trace={Rc::new(view_model::key_trace(&model.key, &picture))} picture={picture.clone()} />
            }
            if show.client {
                <ClientPanel cache={p.session().client().filter(|&c| c < sim.client_count()).map(|c| Rc::new(client_cache(sim, c, &picture)))} />
            }
            if show.timeline {
                <Timeline all={Rc::new(view_model::log_lines(sim, LOG_LINES, true, lang))}
                    notable={Rc::new(view_model::log_lines(sim, LOG_LINES, false, lang))}
                    start={start.ms()} end={present.now().ms()} now={past_view.as_ref().map_or(present.now().ms(), |v| v.asked)} on_seek={on_seek}
                    explained={model.explained.map(|at| at.index)} />
            }
            // Opened from the log or from a node's recent events (the beliefs panel).
            if show.timeline || explanation.is_some() {
                <ExplainPanel {explanation} />
            }
            { for p.lesson.meta.panels.iter().filter_map(|n| PlotKind::from_panel(n)).map(|kind| html! {
                <section class="panel" data-testid={format!("lesson-plot-{}", kind.panel())}>
                    <h2 data-testid={format!("lesson-plot-title-{}", kind.panel())}>{ plot_title(kind, lang) }</h2>
                    // The bus-cost plot runs for minutes: the learner predicts, then starts it.
                    <PlotPanel {kind} autostart={kind != PlotKind::BusCost} />
                </section>
            }) }
        </section>
    }
}

/// What the learner has done at the current position: the console's lines, the `redis`
/// blocks run and the solution's steps.
fn actions_done(p: &Player) -> usize {
    let m = p.moment();
    m.console.len() + m.replies.values().map(Vec::len).sum::<usize>() + m.solution.len()
}

/// How the lesson's cluster is laid out (as the player draws it).
fn layout_of(p: &Player, compact: bool) -> Layout {
    let t = &p.lesson.meta.topology;
    Layout {
        compact,
        ..Layout::new(t.masters, t.replicas)
    }
}

/// The cluster at `ms`, rebuilt from the kept moments `earlier` and the rewind's copies.
fn scrub<'a>(
    rewind: &Rewind,
    earlier: impl IntoIterator<Item = &'a Sim>,
    ms: u64,
    key: Present,
    layout: Layout,
) -> Option<Past> {
    let view = rewind.view(earlier, Time(ms))?;
    let picture = Rc::new(view_model::picture(&view.sim, layout));
    Some(Past {
        key,
        asked: ms,
        view: Rc::new(view),
        picture,
    })
}

#[derive(Properties, PartialEq)]
struct LessonConsoleProps {
    lines: Rc<Vec<Said>>,
    nodes: Rc<Vec<String>>,
    /// What the lesson allows: the hints never show a command it refuses.
    meta: Rc<Meta>,
    target: String,
    /// A long run is playing: a line waits in the field until it ends.
    busy: bool,
}

/// redis-cli to the lesson's nodes, plus the lesson's steps (`kill A`, `run 5s`).
#[function_component]
fn LessonConsole(props: &LessonConsoleProps) -> Html {
    let dispatch = use_dispatch();
    let lang = use_lang();
    let input = use_node_ref();
    // redis-cli's hint for the line being typed (`hints::hint`).
    let hint = use_state(|| None::<String>);
    let onsubmit = {
        let (dispatch, input, busy, hint) =
            (dispatch.clone(), input.clone(), props.busy, hint.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if busy {
                return;
            }
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let line = field.value();
                field.set_value("");
                hint.set(None);
                dispatch.dispatch(Action::Lesson(LessonAction::Console(line)));
            }
        })
    };
    let oninput = {
        let (hint, meta) = (hint.clone(), props.meta.clone());
        Callback::from(move |e: InputEvent| {
            let field: HtmlInputElement = e.target_unchecked_into();
            hint.set(hints::hint(&meta, &field.value(), lang));
        })
    };
    let on_target = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            dispatch.dispatch(Action::Lesson(LessonAction::SetTarget(select.value())));
        })
    };
    html! {
        <section class="panel console lesson-console" aria-labelledby="lesson-console-title">
            <h2 id="lesson-console-title">{ lang.t(Msg::Console) }</h2>
            <div class="hint"><Markdown text={AttrValue::from(lang.t(Msg::ConsoleHelp))} /></div>
            <pre class="console-output" data-testid="lesson-console-output" role="log" aria-live="polite" tabindex="0">
                { for props.lines.iter().map(|l| html! {
                    <>
                        <div class="in">{ format!("> {}", l.input) }</div>
                        <div class={if l.failed { "out failed" } else { "out" }}>
                            { l.text(&props.meta, lang) }
                        </div>
                    </>
                }) }
            </pre>
            <form class="console-input" {onsubmit} aria-busy={props.busy.to_string()}>
                <label>
                    <span class="visually-hidden">{ lang.t(Msg::ConsoleTarget) }</span>
                    <select data-testid="lesson-console-node" onchange={on_target} aria-label={lang.t(Msg::ConsoleTarget)}>
                        { for props.nodes.iter().map(|n| html! {
                            <option value={n.clone()} selected={*n == props.target}>{ format!("{n}>") }</option>
                        }) }
                    </select>
                </label>
                <input data-testid="lesson-console-input" type="text" ref={input} aria-label={lang.t(Msg::Console)}
                    spellcheck="false" autocomplete="off" autocapitalize="off" enterkeyhint="send" {oninput} />
            </form>
            if let Some(hint) = &*hint {
                <div class="console-hint" data-testid="lesson-console-hint" title={lang.t(Msg::ArgumentsToType)}>
                    <code>{ hint }</code>
                </div>
            }
        </section>
    }
}
