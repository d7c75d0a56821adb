//! The page: the reducer, the hooks, and the layout that hands each component its data.

use std::rc::Rc;

use clusterlab_core::sim::FormingStage;

use yew::prelude::*;

use web_sys::HtmlSelectElement;

use crate::components::{
    dispatch_cb, BeliefsPanel, BigClusterView, ClusterView, ConsolePanel, Controls, Dispatch,
    ExperimentsPanel, ExplainPanel, FaultsPanel, GrowPanel, Help, KeyTracer, Legend, LessonPicker,
    LessonPlayer, LessonStage, ScenarioBar, SequenceDiagram, SlotMap, TextTwin, TextsLine,
    Timeline, TraceImport,
};
use crate::hooks::{
    bench, clear_link, fetch_lesson_texts, replace_link, storage, use_animation_clock,
    use_follow_links, use_media_preferences, use_shortcuts,
};
use crate::i18n::{fill, Lang, Msg};
use crate::state::lesson::{self, LessonAction};
use crate::state::progress::Progress;
use crate::state::{Action, AppState, Model};
use crate::view_model;
use crate::view_model::explain::NODE_EVENTS;

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
                <p aria-live="polite">{ stored_lang().t(Msg::Loading) }</p>
            </div>
        }
    }
}

#[function_component]
fn Playground() -> Html {
    let state = use_reducer(|| {
        let hash = location_hash();
        let wanted = lesson::parse_link(&hash);
        let lang = stored_lang();
        let mut model = if wanted.is_some() {
            Model::new()
        } else {
            Model::from_link(&hash, lang, Some(crate::hooks::now_ms))
        };
        model.frame_clock = Some(crate::hooks::now_ms);
        model.course.lang = lang;
        if let Some(text) = storage::load(storage::PROGRESS_KEY) {
            // A damaged stored copy is ignored rather than blocking the page.
            model.course.progress = Progress::from_json(&text).unwrap_or_default();
        }
        if let Some((dir, at)) = wanted {
            match lesson::index_of_dir(&dir) {
                Some(index) => {
                    model.apply(Action::Lesson(LessonAction::Open { index, at }));
                }
                None => {
                    model.notice = Some(fill(model.course.lang.t(Msg::NoSuchLesson), &[&dir]));
                }
            }
        }
        AppState::new(model)
    });
    let dispatch: Dispatch = state.dispatcher();
    let console_input = use_node_ref();
    let playing = {
        let m = state.model();
        // A lesson runs its own clock; the playground's is paused meanwhile (and while a big
        // cluster runs in the worker).
        m.playing
            || m.forming_progress().is_some()
            || m.course.player.as_ref().is_some_and(|p| p.playing)
    };
    use_animation_clock(playing, dispatch.clone());
    use_shortcuts(dispatch.clone(), console_input.clone());
    use_media_preferences(dispatch.clone());
    use_follow_links();
    use_effect_with((), |_| bench::cluster_shown());
    {
        // The lesson texts come on demand: when the picker or a lesson link first needs them.
        let dispatch = dispatch.clone();
        use_effect_with(state.model().course.wants_texts(), move |wants| {
            if *wants {
                fetch_lesson_texts(dispatch);
            }
        });
    }
    use_effect(bench::frame_done);
    let share = {
        let state = state.clone();
        Callback::from(move |_: ()| state.model().share_fragment())
    };

    let (lang, progress_version, fragment) = {
        let m = state.model();
        (
            m.course.lang,
            m.course.progress_version,
            m.course.fragment(),
        )
    };
    // Resolving an explanation's causes scans the trace (a big one on a 1000-node run): once
    // per selection and language, not on every frame. A selection that left the trace (a jump
    // back) shows nothing.
    let explanation = {
        let m = state.model();
        let sim = m.run.sim();
        let live = m.explained.filter(|at| at.resolve(sim).is_some());
        use_memo((live, lang), |(at, lang)| {
            at.and_then(|at| view_model::explain::explanation(sim, at, *lang))
                .map(Rc::new)
        })
    };
    {
        let state = state.clone();
        use_effect_with(progress_version, move |_| {
            storage::save(
                storage::PROGRESS_KEY,
                &state.model().course.progress.to_json(),
            );
        });
    }
    use_effect_with(lang, |lang| {
        storage::save(storage::LANG_KEY, lang.code());
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.code());
        }
    });
    use_effect_with(fragment, |fragment| match fragment {
        Some(f) => replace_link(f),
        // Leaving a lesson: its address goes (a playground share link is left alone).
        None if lesson::parse_link(&location_hash()).is_some() => clear_link(),
        None => {}
    });
    let on_lang = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(lang) = Lang::parse(&select.value()) {
                dispatch.dispatch(Action::SetLang(lang));
            }
        })
    };

    let m = state.model();
    let course_bar = html! {
        <div class="course-bar">
            <button data-testid="lessons-button" aria-expanded={m.course.picker_open.to_string()}
                onclick={dispatch_cb(&dispatch, Action::Lesson(LessonAction::TogglePicker))}>
                { lang.t(Msg::Lessons) }
            </button>
            if m.course.player.is_some() || m.course.waiting_for_texts() {
                <button data-testid="leave-lesson" onclick={dispatch_cb(&dispatch, Action::Lesson(LessonAction::Close))}>
                    { lang.t(Msg::LeaveLesson) }
                </button>
            }
            <label class="lang">
                <span>{ lang.t(Msg::Language) }</span>
                <select data-testid="lang-select" onchange={on_lang}>
                    { for Lang::ALL.iter().map(|l| html! {
                        <option value={l.code()} selected={*l == lang}>{ l.name() }</option>
                    }) }
                </select>
            </label>
        </div>
    };
    let picker = m.course.picker_open.then(|| {
        html! {
            <LessonPicker rows={m.course.rows()} loading={m.course.texts_line()}
                open={m.course.player.as_ref().map(|p| p.index)}
                export={m.course.progress.to_json()} message={m.course.message.clone()} />
        }
    });
    let course_message = (!m.course.picker_open)
        .then(|| m.course.message.clone())
        .flatten()
        .map(|(text, bad)| {
            html! {
                <div class={classes!("notice", bad.then_some("error"))} role="alert" data-testid="course-message">
                    <p>{ text }</p>
                </div>
            }
        });
    // A lesson link waiting for the lesson texts: the lesson's layout, with their progress line
    // where the lesson will be (so the page goes from it to the lesson without a playground).
    // (The picker, when open, shows the line itself.)
    let waiting = m.course.waiting_for_texts();
    let texts_line = (waiting && !m.course.picker_open)
        .then(|| m.course.texts_line())
        .flatten()
        .map(|line| html! { <TextsLine line={line} /> });
    if m.course.player.is_some() || waiting {
        return frame(
            &dispatch,
            lang,
            classes!(
                "app",
                "lesson-mode",
                m.reduced_motion.then_some("reduced-motion")
            ),
            m.help_open,
            html! {
                <>
                    <header class="topbar">
                        <h1>{ "clusterlab" }</h1>
                        { course_bar }
                    </header>
                    { for picker }
                    { for course_message }
                    <main class="lesson-layout">
                        if m.course.player.is_some() {
                            <LessonPlayer state={state.clone()} />
                            <LessonStage state={state.clone()} />
                        } else {
                            { for texts_line }
                        }
                    </main>
                </>
            },
        );
    }
    // The playground's header, for the cluster shown (the big one while there is one).
    let header = html! {
        <header class="topbar">
            <h1>{ "clusterlab" }</h1>
            <p class="tagline">{ lang.t(Msg::Tagline) }</p>
            { course_bar }
            <ScenarioBar
                preset={m.shown_preset().clone()}
                seed={m.seed()}
                reduced_motion={m.reduced_motion}
                share={share}
            />
        </header>
    };
    if let Some(big) = m.big.clone() {
        return frame(
            &dispatch,
            lang,
            classes!("app", m.reduced_motion.then_some("reduced-motion")),
            m.help_open,
            html! {
                <>
                    { header }
                    { for picker }
                    { for course_message }
                    <main class="big-layout">
                        <BigClusterView big={big} />
                    </main>
                </>
            },
        );
    }
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
        .and_then(|i| view_model::beliefs(sim, i, &picture, lang))
        .map(Rc::new);
    let node_events = Rc::new(
        m.selected
            .map(|i| view_model::explain::node_events(sim, i, NODE_EVENTS, lang))
            .unwrap_or_default(),
    );
    let trace = Rc::new(view_model::key_trace(&m.key, &picture));
    let hover = m
        .hover_slot
        .map(|slot| view_model::slot_hover(sim, &picture, slot));
    let in_flight: Rc<Vec<(u64, String)>> = Rc::new(if m.playing {
        Vec::new()
    } else {
        sim.in_flight()
            .take(12)
            .map(|f| (f.id, view_model::flight_text(f, sim, lang)))
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

    let classes = classes!("app", m.reduced_motion.then_some("reduced-motion"));
    frame(
        &dispatch,
        lang,
        classes,
        m.help_open,
        html! {
            <>
                { header }
                { for picker }
                { for course_message }
                if let Some(notice) = m.notice.clone() {
                    <div class="notice" role="alert" data-testid="notice">
                        <p>{ notice }</p>
                        <button onclick={dispatch_cb(&dispatch, Action::DismissNotice)}>{ lang.t(Msg::Dismiss) }</button>
                    </div>
                }
                if let Some((nodes, stage, done, t)) = m.forming_progress() {
                    <p class="notice forming" role="status" aria-live="polite" data-testid="forming">
                        { fill(lang.t(if stage == FormingStage::Joining { Msg::FormingJoining } else { Msg::FormingSettling }),
                            &[&nodes.to_string(), &done.to_string(), &view_model::format_time(t, lang)]) }
                    </p>
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
                    <section class="stage" aria-label={lang.t(Msg::ClusterRegion)}>
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
                            explained={m.explained.map(|at| at.index)}
                        />
                        <ExplainPanel explanation={(*explanation).clone()} />
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
                        <GrowPanel picture={picture.clone()} jobs={Rc::new(view_model::jobs(sim, m.course.lang))} />
                        <BeliefsPanel beliefs={beliefs} picture={picture.clone()} events={node_events} />
                        <ExperimentsPanel />
                        <TraceImport />
                    </aside>
                </main>
                <TextTwin picture={picture} glyphs={glyphs.len()} />
            </>
        },
    )
}

/// The page's frame, the same for the playground, a lesson and a big cluster: the contexts
/// every component reads, the root the browser tests wait for (`data-ready`), and the help.
fn frame(dispatch: &Dispatch, lang: Lang, classes: Classes, help_open: bool, body: Html) -> Html {
    html! {
        <ContextProvider<Dispatch> context={dispatch.clone()}>
        <ContextProvider<Lang> context={lang}>
            <div class={classes} data-ready="true">
                { body }
                if help_open {
                    <Help />
                }
            </div>
        </ContextProvider<Lang>>
        </ContextProvider<Dispatch>>
    }
}

/// The language chosen last time (English the first time).
fn stored_lang() -> Lang {
    storage::load(storage::LANG_KEY)
        .and_then(|code| Lang::parse(&code))
        .unwrap_or_default()
}
