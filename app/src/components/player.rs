//! The lesson player: the current slide with its prose and blocks (click-to-run `redis`
//! commands, narrated scenario steps, live objectives, the hint ladder, the solution behind a
//! confirmation, quizzes), and Back / Forward. Everything it shows comes from the
//! [`Player`](crate::state::lesson::Player) in the model; every button sends a
//! [`LessonAction`].

use clusterlab_core::lesson::{BlockKind, Meta, Part, Quiz, RedisLine};
use yew::prelude::*;

use super::markdown::Markdown;
use super::use_dispatch;
use crate::i18n::{fill, use_lang, Lang, Msg};
use crate::state::lesson::{
    LessonAction, ObjectiveRow, Player, Said, SolutionView, StepLine, StepState,
};
use crate::state::{Action, AppState};
use crate::view_model;
use clusterlab_core::lesson::COURSE_DIRS;

#[derive(Properties, PartialEq)]
pub struct LessonPlayerProps {
    /// The whole state (compared by version): the player reads the open lesson from it.
    pub state: UseReducerHandle<AppState>,
}

fn send(dispatch: &super::Dispatch, action: LessonAction) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_| dispatch.dispatch(Action::Lesson(action.clone())))
}

#[function_component]
pub fn LessonPlayer(props: &LessonPlayerProps) -> Html {
    let dispatch = use_dispatch();
    let lang = use_lang();
    // A long run (the solution, `run 30s`) plays a slice per task: the next slice is asked
    // for once this one is drawn, so the page paints the progress and handles input between.
    let slices = props
        .state
        .model()
        .course
        .player
        .as_ref()
        .and_then(|p| p.busy.as_ref().map(|b| b.slices));
    {
        let dispatch = dispatch.clone();
        use_effect_with(slices, move |slices| {
            let next = slices.is_some().then(|| {
                gloo_timers::callback::Timeout::new(0, move || {
                    dispatch.dispatch(Action::Lesson(LessonAction::Work))
                })
            });
            move || drop(next)
        });
    }
    let model = props.state.model();
    let Some(p) = model.course.player.as_ref() else {
        return html! {};
    };
    let pos = p.pos();
    let slide = &p.lesson.slides[pos.slide.min(p.lesson.slides.len().saturating_sub(1))];
    let objectives = p.objectives();
    let met = objectives.iter().filter(|o| o.met).count();
    let total = p.positions.len();
    let mut hints_drawn = false;
    let parts = slide.parts.iter().map(|part| match part {
        Part::Text(t) => html! { <Markdown text={AttrValue::from(t.clone())} /> },
        Part::Block(b) => {
            let block = &p.lesson.blocks[*b];
            match &block.kind {
                BlockKind::Redis(lines) => redis_block(p, *b, &block.id, lines, lang, &dispatch),
                BlockKind::Scenario(_) => scenario_block(p, *b, &block.id, lang, &dispatch),
                BlockKind::Objective(_) => objectives
                    .iter()
                    .find(|o| o.id == block.id)
                    .map(|o| objective(o, lang))
                    .unwrap_or_default(),
                BlockKind::Hint(_) if !hints_drawn => {
                    hints_drawn = true;
                    hints(p, lang, &dispatch)
                }
                BlockKind::Hint(_) => html! {},
                BlockKind::Solution(_) => solution(p, lang, &dispatch),
                // Shortcuts prove the objectives check the concept; learners never see them.
                BlockKind::Shortcut(_) => html! {},
                BlockKind::Quiz(q) => quiz(p, *b, &block.id, q, lang, &dispatch),
            }
        }
    });
    html! {
        <section class="panel player" aria-labelledby="lesson-title" data-testid="player" lang={lang.code()}>
            <header class="player-head">
                <p class="lesson-no">{ fill(lang.t(Msg::LessonOf), &[&p.lesson.meta.order.to_string(), &COURSE_DIRS.len().to_string()]) }</p>
                <h2 id="lesson-title" data-testid="lesson-title">{ p.lesson.meta.title.clone() }</h2>
                if !objectives.is_empty() {
                    <p class={classes!("objective-count", (met == objectives.len()).then_some("all-met"))} data-testid="objective-count"
                        role="status">
                        { format!("{} {met}/{}", lang.t(Msg::Objectives), objectives.len()) }
                    </p>
                }
                { nav(p, total, lang, &dispatch, false) }
            </header>
            <article class="slide" data-testid="slide">
                if !slide.title.is_empty() {
                    <h3 data-testid="slide-title">{ slide.title.clone() }</h3>
                }
                { for parts }
            </article>
            if p.done() && !objectives.is_empty() {
                <p class="all-met" role="status" data-testid="all-met">{ lang.t(Msg::AllMet) }</p>
            }
            { nav(p, total, lang, &dispatch, true) }
        </section>
    }
}

/// Back, where we are, Forward. Drawn above the slide and again below it (`bottom`), where
/// the reader's eye ends; only the top one announces the position.
fn nav(p: &Player, total: usize, lang: Lang, dispatch: &super::Dispatch, bottom: bool) -> Html {
    let id = |name: &str| {
        if bottom {
            format!("{name}-bottom")
        } else {
            name.to_string()
        }
    };
    html! {
        <nav class="player-nav" aria-label={lang.t(Msg::LessonNav)}>
            <button data-testid={id("lesson-back")} disabled={!p.can_back()} title="←"
                onclick={send(dispatch, LessonAction::Back)}>{ "← " }{ lang.t(Msg::Back) }</button>
            <span class="position" data-testid={id("lesson-position")} aria-live={(!bottom).then_some("polite")}>
                { fill(lang.t(Msg::Position), &[&(p.at + 1).to_string(), &total.to_string()]) }
            </span>
            <progress max={total.to_string()} value={(p.at + 1).to_string()} aria-hidden="true"></progress>
            <button data-testid={id("lesson-forward")} class="primary" disabled={!p.can_forward()} title="→"
                aria-describedby={p.locked_by().map(|_| id("lesson-locked"))}
                onclick={send(dispatch, LessonAction::Forward)}>{ lang.t(Msg::Forward) }{ " →" }</button>
            if p.locked_by().is_some() {
                <p class="locked" role="status" id={id("lesson-locked")} data-testid={id("lesson-locked")}>
                    { lang.t(Msg::QuizGate) }
                </p>
            }
            // The prediction may sit on an earlier slide: it is asked here too (once, above
            // the slide), so the learner never has to go back to answer it.
            if !bottom {
                { gate_here(p, lang, dispatch) }
            }
        </nav>
    }
}

fn said_lines(said: &[Said], meta: &Meta, lang: Lang) -> Html {
    said.iter()
        .map(|s| {
            html! {
                <>
                    <span class="cmd">{ format!("{}\n", s.input) }</span>
                    <span class={classes!("reply", s.failed.then_some("failed"))}>{ format!("{}\n", s.text(meta, lang)) }</span>
                </>
            }
        })
        .collect()
}

fn redis_block(
    p: &Player,
    b: usize,
    id: &str,
    lines: &[RedisLine],
    lang: Lang,
    dispatch: &super::Dispatch,
) -> Html {
    let replies = p.moment().replies.get(&b);
    let label = if replies.is_some() {
        lang.t(Msg::RunAgain)
    } else {
        lang.t(Msg::RunBlock)
    };
    html! {
        <div class="redis-block" data-testid={format!("redis-{id}")}>
            <pre class="commands">
                { for lines.iter().map(|l| format!("{}> {}\n", l.node, l.args.join(" "))) }
            </pre>
            <button data-testid={format!("run-{id}")} onclick={send(dispatch, LessonAction::RunBlock(b))}>
                { "▶ " }{ label }
            </button>
            if let Some(replies) = replies {
                <pre class="replies" data-testid={format!("reply-{id}")} aria-live="polite">{ said_lines(replies, &p.lesson.meta, lang) }</pre>
            }
        </div>
    }
}

fn scenario_block(p: &Player, b: usize, id: &str, lang: Lang, dispatch: &super::Dispatch) -> Html {
    let toggle = if p.show_steps {
        lang.t(Msg::HideSteps)
    } else {
        lang.t(Msg::ShowSteps)
    };
    html! {
        <div class="scenario" data-testid={format!("scenario-{id}")}>
            <ol class="scenario-steps">
                { for p.scenario_steps(b).into_iter().map(|s| step_line(p, s, lang)) }
            </ol>
            <button class="steps-toggle" data-testid={format!("steps-toggle-{id}")} aria-pressed={p.show_steps.to_string()}
                onclick={send(dispatch, LessonAction::ToggleSteps)}>{ toggle }</button>
        </div>
    }
}

fn step_line(p: &Player, s: StepLine, lang: Lang) -> Html {
    let class = match s.state {
        StepState::Played => "played",
        StepState::Current => "current",
        StepState::Next | StepState::Pending => "pending",
    };
    let current = s.state == StepState::Current;
    let reply = s
        .reply
        .as_ref()
        .filter(|r| r.failed || !r.output.is_empty());
    html! {
        <li class={classes!("step", class)} aria-current={current.then_some("step")}
            data-testid={current.then_some("step-narration")}>
            if p.show_steps {
                <code>{ s.line.clone() }</code>
            }
            if let Some(happened) = &s.happened {
                <span class="say">{ match s.at_ms {
                    Some(ms) => fill(lang.t(Msg::StepAt), &[&view_model::format_ms(ms, lang), happened]),
                    None => happened.clone(),
                } }</span>
            }
            if let Some(r) = reply {
                <span class={classes!("say", "reply", r.failed.then_some("failed"))}>{ r.text(&p.lesson.meta, lang) }</span>
            }
            { match (s.state, &s.upcoming) {
                (StepState::Next, Some(upcoming)) => html! {
                    <span class="say upcoming" data-testid="step-upcoming">{ fill(lang.t(Msg::StepNext), &[upcoming]) }</span>
                },
                (StepState::Next | StepState::Pending, _) => html! {
                    <span class="say pending">{ lang.t(Msg::ScenarioPending) }</span>
                },
                _ => html! {},
            } }
        </li>
    }
}

fn objective(o: &ObjectiveRow, lang: Lang) -> Html {
    let (class, status) = if o.met {
        ("met", lang.t(Msg::ObjectiveMet))
    } else if o.failed {
        ("failed", lang.t(Msg::ObjectiveFailed))
    } else {
        ("open", lang.t(Msg::ObjectiveOpen))
    };
    let mark = match class {
        "met" => "✓",
        "failed" => "✗",
        _ => "○",
    };
    html! {
        <div class={classes!("objective", class)} data-testid={format!("objective-{}", o.id)}
            data-met={o.met.to_string()}>
            <p class="objective-status"><span aria-hidden="true">{ mark }{ " " }</span>
                <strong>{ lang.t(Msg::Objective) }{ " · " }{ status }</strong></p>
            if let Some(why) = &o.why {
                <p class="why" data-testid={format!("why-{}", o.id)}>{ fill(lang.t(Msg::WhyNot), &[why]) }</p>
            }
            if !o.observed.is_empty() && !o.met {
                <p class="observed">{ fill(lang.t(Msg::Observed), &[&o.observed]) }</p>
            }
        </div>
    }
}

fn hints(p: &Player, lang: Lang, dispatch: &super::Dispatch) -> Html {
    let all = p.hints();
    let shown = p.hints_shown.min(all.len());
    let label = if shown == 0 {
        lang.t(Msg::NextHint)
    } else {
        lang.t(Msg::MoreHint)
    };
    html! {
        <div class="hints" data-testid="hints">
            <ol>
                { for all.iter().take(shown).enumerate().map(|(i, h)| html! {
                    <li data-testid={format!("hint-{}", i + 1)}>
                        <span class="visually-hidden">{ fill(lang.t(Msg::Hint), &[&(i + 1).to_string(), &all.len().to_string()]) }</span>
                        <Markdown text={AttrValue::from(h.clone())} />
                    </li>
                }) }
            </ol>
            if shown < all.len() {
                <button data-testid="hint-next" onclick={send(dispatch, LessonAction::Hint)}>
                    { label }{ format!(" ({}/{})", shown, all.len()) }
                </button>
            } else if !all.is_empty() {
                <p class="hint-end">{ lang.t(Msg::NoMoreHints) }</p>
            }
        </div>
    }
}

fn solution(p: &Player, lang: Lang, dispatch: &super::Dispatch) -> Html {
    // Back to a moment before the solution played: offer it again.
    let view = match p.solution {
        SolutionView::Shown if p.moment().solution.is_empty() => SolutionView::Hidden,
        v => v,
    };
    match view {
        SolutionView::Hidden => html! {
            <div class="solution">
                <button data-testid="solution-ask" onclick={send(dispatch, LessonAction::AskSolution)}>
                    { lang.t(Msg::ShowSolution) }
                </button>
            </div>
        },
        SolutionView::Confirming => html! {
            <div class="solution confirm" role="alertdialog" aria-labelledby="solution-q" data-testid="solution-confirm">
                <p id="solution-q">{ lang.t(Msg::SolutionConfirm) }</p>
                <button data-testid="solution-yes" class="primary" onclick={send(dispatch, LessonAction::StartSolution)}>
                    { lang.t(Msg::SolutionYes) }
                </button>
                <button data-testid="solution-cancel" onclick={send(dispatch, LessonAction::CancelSolution)}>
                    { lang.t(Msg::Cancel) }
                </button>
            </div>
        },
        SolutionView::Playing => html! {
            <p class="solution playing" role="status" data-testid="solution-playing">
                { p.busy.as_ref().map(|b| fill(lang.t(Msg::SolutionProgress), &[
                    &b.step_no().to_string(),
                    &b.total.to_string(),
                    &view_model::format_ms(b.played_ms(p.session()), lang),
                ])).unwrap_or_default() }
            </p>
        },
        SolutionView::Shown => {
            let m = p.moment();
            html! {
                <div class="solution shown" data-testid="solution">
                    <h4>{ lang.t(Msg::SolutionTitle) }</h4>
                    <ol class="scenario-steps">
                        { for m.solution.iter().zip(p.lesson.solution().unwrap_or_default()).map(|(s, step)| html! {
                            <li class="step played">
                                <code>{ s.input.clone() }</code>
                                if let (Some(say), false) = (&step.say, s.failed) {
                                    <span class="say">{ say.clone() }</span>
                                }
                                if !s.output.is_empty() {
                                    <span class={classes!("say", "reply", s.failed.then_some("failed"))}>{ s.text(&p.lesson.meta, lang) }</span>
                                }
                            </li>
                        }) }
                    </ol>
                    if let Some(ms) = m.settled_ms {
                        <p>{ fill(lang.t(Msg::SolutionDone), &[&format!("{:.1}", ms as f64 / 1000.0)]) }</p>
                    }
                </div>
            }
        }
    }
}

/// The quiz that locks Forward, when the current slide does not show it.
fn gate_here(p: &Player, lang: Lang, dispatch: &super::Dispatch) -> Html {
    let Some(b) = p.locked_by() else {
        return html! {};
    };
    let pos = p.pos();
    let on_slide = p.lesson.slides.get(pos.slide).is_some_and(|slide| {
        slide
            .parts
            .iter()
            .any(|part| matches!(part, clusterlab_core::lesson::Part::Block(i) if *i == b))
    });
    match &p.lesson.blocks[b].kind {
        BlockKind::Quiz(q) if !on_slide => quiz(p, b, &p.lesson.blocks[b].id, q, lang, dispatch),
        _ => html! {},
    }
}

fn quiz(p: &Player, b: usize, id: &str, q: &Quiz, lang: Lang, dispatch: &super::Dispatch) -> Html {
    let chosen = p.quiz.get(&b).copied();
    let node_pick = p.is_node_pick(q);
    html! {
        <fieldset class="quiz" data-testid={format!("quiz-{id}")}>
            <legend><Markdown text={AttrValue::from(q.question.clone())} /></legend>
            if node_pick && chosen.is_none() {
                <p class="quiz-tip">{ lang.t(Msg::PickNodeTip) }</p>
            }
            { for q.choices.iter().enumerate().map(|(i, (text, right))| {
                let class = match chosen {
                    Some(c) if c == i && *right => "right",
                    Some(c) if c == i => "wrong",
                    Some(_) if *right => "right",
                    _ => "",
                };
                html! {
                    <button class={classes!("choice", class)} aria-pressed={(chosen == Some(i)).to_string()}
                        data-testid={format!("quiz-{id}-{i}")}
                        onclick={send(dispatch, LessonAction::Answer { block: b, choice: i })}>
                        { text.clone() }
                    </button>
                }
            }) }
            if let Some(c) = chosen {
                <p class="quiz-verdict" role="status">
                    <strong>{ if q.choices.get(c).is_some_and(|(_, r)| *r) { lang.t(Msg::Right) } else { lang.t(Msg::Wrong) } }</strong>
                    { " " }
                </p>
                <Markdown text={AttrValue::from(q.explain.clone())} />
            }
        </fieldset>
    }
}
