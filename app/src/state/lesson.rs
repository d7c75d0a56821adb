//! The lesson player: a course lesson (`clusterlab_core::lesson`) played against its own
//! simulator, with Back and Forward, the learner's console and actions, hints, the solution,
//! and progress. Plain Rust like the rest of the model, so it is tested natively.
//!
//! A lesson is walked through **positions**: each slide, and within a slide each step of its
//! `scenario` blocks. [`Player`] keeps one [`Moment`] (the `Session` and what was shown) per
//! position reached; Forward either returns to a moment kept or plays the next step on a clone,
//! Back returns to the previous moment. Anything the learner does changes the current moment
//! and forgets the moments after it (a fork, like the playground's timeline). The learner's
//! turn (`Session::start_objectives`) starts once every scenario step has played.

pub mod hints;
mod long_run;
mod player;
mod rules;
pub mod texts;

pub use long_run::Purpose;
pub use player::{ObjectiveRow, Player, Said, SolutionView, StepLine, StepState};
pub use rules::{index_of_dir, panels, parse_link};
use rules::{link, load};

use clusterlab_core::lesson::COURSE_DIRS;

use super::progress::Progress;
use crate::i18n::{fill, Lang, Msg};
use crate::view_model::errors::error_text;

/// Real ms one frame may advance a running lesson at most.
const MAX_TICK_MS: f64 = 100.0;

/// Everything the lesson side of the reducer does.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonAction {
    TogglePicker,
    ClosePicker,
    /// Open lesson `index` of the course at position `at` (a reload reopens where it was).
    Open {
        index: usize,
        at: usize,
    },
    /// Back to the free playground.
    Close,
    Forward,
    Back,
    /// Run every command of a `redis` block (by block index).
    RunBlock(usize),
    /// A console line: a Redis command for the chosen node, `B> …`, or a step (`kill A`).
    Console(String),
    /// The node console commands go to.
    SetTarget(String),
    /// A step from a button (`kill A`, `run 5s`): checked like a console line.
    Act(String),
    /// Let simulated time run with the page's clock (or stop it).
    TogglePlay,
    /// An animation frame while running: `real_ms` of real time passed.
    Tick(f64),
    /// Reveal the next rung of the hint ladder.
    Hint,
    AskSolution,
    CancelSolution,
    /// "Yes": the solution starts playing, a slice at a time (see [`LongRun`]).
    StartSolution,
    /// The next slice of a long run (the page sends it after drawing the last one).
    Work,
    Answer {
        block: usize,
        choice: usize,
    },
    /// A click on a node in the cluster view: answers a node-pick quiz on the slide.
    PickNode(String),
    /// Show or hide the raw step lines next to the scenario's narration.
    ToggleSteps,
    /// Merge an exported progress text.
    Import(String),
    /// The lesson texts' fetch: `done` of `total` files are here.
    TextsProgress {
        done: usize,
        total: usize,
    },
    /// The fetch ended: the texts are installed ([`texts::install`]), or why not.
    TextsLoaded(Result<(), String>),
}

/// Where the lesson texts' fetch stands (the texts themselves are in [`texts`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum TextsFetch {
    /// Not asked for yet.
    #[default]
    Idle,
    Fetching {
        done: usize,
        total: usize,
    },
    /// The last try failed (opening the picker again retries).
    Failed(String),
}

/// The course side of the model: the language, the open lesson, progress and the picker.
#[derive(Default)]
pub struct Course {
    pub lang: Lang,
    pub player: Option<Player>,
    pub progress: Progress,
    /// Grows when `progress` changes, so the page knows to save it.
    pub progress_version: u64,
    pub picker_open: bool,
    /// A message about the course (an import, a lesson file with an error).
    pub message: Option<(String, bool)>,
    /// The lesson a link or reload asked for, kept while its file does not parse so that the
    /// next save (`trunk serve` reloads) opens it again, or while the texts load.
    pub wanted: Option<(usize, usize)>,
    pub texts_fetch: TextsFetch,
}

impl Course {
    /// The address fragment for the current lesson, or `None` in the playground.
    pub fn fragment(&self) -> Option<String> {
        match (&self.player, self.wanted) {
            (Some(p), _) => link(p.index, p.at),
            (None, Some((index, at))) => link(index, at),
            (None, None) => None,
        }
    }

    /// Whether the page should fetch the lesson texts now: someone asked for the picker or a
    /// lesson, they are not here, and no fetch is running or has just failed.
    pub fn wants_texts(&self) -> bool {
        (self.picker_open || self.wanted.is_some())
            && self.texts_fetch == TextsFetch::Idle
            && !texts::ready()
    }

    /// Whether a lesson was asked for (a link, a reload) and waits for the texts.
    pub fn waiting_for_texts(&self) -> bool {
        self.player.is_none() && self.wanted.is_some() && !texts::ready()
    }

    /// The progress line while the lesson texts load (`Loading lesson texts… 40 %`), or why
    /// they did not; `None` once they are here.
    pub fn texts_line(&self) -> Option<(String, bool)> {
        if texts::ready() {
            return None;
        }
        Some(match &self.texts_fetch {
            TextsFetch::Failed(e) => (fill(self.lang.t(Msg::LessonTextsFailed), &[e]), true),
            TextsFetch::Idle => (fill(self.lang.t(Msg::LoadingLessonTexts), &["0"]), false),
            TextsFetch::Fetching { done, total } => {
                let percent = (100 * done).checked_div(*total).unwrap_or(0);
                let shown = percent.to_string();
                (fill(self.lang.t(Msg::LoadingLessonTexts), &[&shown]), false)
            }
        })
    }

    /// Applies `action`; returns whether anything visible changed.
    pub fn apply(&mut self, action: LessonAction, compact: bool) -> bool {
        let lang = self.lang;
        match action {
            LessonAction::TogglePicker => {
                self.picker_open = !self.picker_open;
                // Opening the picker after a failed fetch tries again.
                if self.picker_open && matches!(self.texts_fetch, TextsFetch::Failed(_)) {
                    self.texts_fetch = TextsFetch::Idle;
                }
            }
            LessonAction::TextsProgress { done, total } => {
                self.texts_fetch = TextsFetch::Fetching { done, total };
            }
            LessonAction::TextsLoaded(Err(e)) => self.texts_fetch = TextsFetch::Failed(e),
            LessonAction::TextsLoaded(Ok(())) => {
                self.texts_fetch = TextsFetch::Idle;
                // The lesson a link asked for while they loaded opens now, behind the picker
                // if the visitor opened it meanwhile.
                if let (None, Some((index, at))) = (&self.player, self.wanted) {
                    let picker_open = self.picker_open;
                    self.apply(LessonAction::Open { index, at }, compact);
                    self.picker_open = picker_open;
                }
            }
            LessonAction::ClosePicker => {
                if !self.picker_open {
                    return false;
                }
                self.picker_open = false;
            }
            LessonAction::Open { index, at } => {
                self.picker_open = false;
                self.message = None;
                self.player = None;
                self.wanted = Some((index, at));
                if !texts::ready() {
                    // Opened when they arrive (`TextsLoaded`); the page shows the progress line.
                    return true;
                }
                match load(index, lang).and_then(|l| Player::open(index, l, lang, at, compact)) {
                    Ok(p) => {
                        self.wanted = None;
                        self.player = Some(p);
                    }
                    Err(e) => self.message = Some((fill(lang.t(Msg::BadLesson), &[&e]), true)),
                }
            }
            LessonAction::Close => {
                self.player = None;
                self.wanted = None;
                self.message = None;
            }
            LessonAction::Import(text) => {
                self.message = Some(match Progress::from_json(&text) {
                    Ok(p) => {
                        self.progress.merge(&p);
                        self.progress_version += 1;
                        (
                            fill(lang.t(Msg::Imported), &[&p.lessons.len().to_string()]),
                            false,
                        )
                    }
                    Err(e) => {
                        // serde's words inside "not JSON (…)" are translated like a trace's.
                        let why = match e.msg {
                            Msg::ErrNotJson => error_text(&e.text(Lang::En), lang),
                            _ => e.text(lang),
                        };
                        (fill(lang.t(Msg::ImportBad), &[&why]), true)
                    }
                });
            }
            other => {
                let Some(p) = self.player.as_mut() else {
                    return false;
                };
                // While a long run plays, only what cannot change the cluster goes through.
                let harmless = matches!(
                    other,
                    LessonAction::Work
                        | LessonAction::Hint
                        | LessonAction::Answer { .. }
                        | LessonAction::PickNode(_)
                        | LessonAction::ToggleSteps
                        | LessonAction::SetTarget(_)
                );
                if p.busy.is_some() && !harmless {
                    return false;
                }
                match other {
                    LessonAction::TogglePlay => p.playing = !p.playing,
                    LessonAction::Tick(real_ms) => {
                        if !p.playing {
                            return false;
                        }
                        // A hidden tab's long frame does not jump ahead.
                        let ms = real_ms.clamp(0.0, MAX_TICK_MS).round() as u64;
                        p.advance(ms);
                    }
                    LessonAction::Forward => {
                        if !p.forward() {
                            return false;
                        }
                        p.playing = false;
                    }
                    LessonAction::Back => {
                        if !p.back() {
                            return false;
                        }
                        p.playing = false;
                    }
                    LessonAction::RunBlock(b) => p.run_block(b),
                    LessonAction::Console(line) => {
                        if line.trim().is_empty() {
                            return false;
                        }
                        p.act(&line);
                    }
                    LessonAction::Act(line) => p.act(&line),
                    LessonAction::SetTarget(t) => p.target = t,
                    LessonAction::Hint => {
                        p.hints_shown = (p.hints_shown + 1).min(p.hints().len());
                    }
                    LessonAction::AskSolution => p.solution = SolutionView::Confirming,
                    LessonAction::CancelSolution => p.solution = SolutionView::Hidden,
                    LessonAction::StartSolution => p.play_solution(),
                    LessonAction::Work => {
                        if p.busy.is_none() {
                            return false;
                        }
                        p.work();
                    }
                    LessonAction::Answer { block, choice } => {
                        p.quiz.insert(block, choice);
                    }
                    LessonAction::PickNode(name) => {
                        if !p.pick_node(&name) {
                            return false;
                        }
                    }
                    LessonAction::ToggleSteps => p.show_steps = !p.show_steps,
                    _ => return false,
                }
                p.refresh();
            }
        }
        self.record();
        true
    }

    /// Notes the open lesson's progress.
    fn record(&mut self) {
        if let Some(p) = &self.player {
            let id = p.lesson.meta.id.clone();
            if self.progress.record(&id, p.at, p.done()) {
                self.progress_version += 1;
            }
        }
    }

    /// Switches language; an open lesson follows (same place, other file).
    pub fn set_lang(&mut self, lang: Lang, compact: bool) {
        self.lang = lang;
        let Some(p) = self.player.as_mut() else {
            return;
        };
        let (index, at) = (p.index, p.at);
        let kept = load(index, lang).is_ok_and(|lesson| p.relabel(lesson, lang));
        if !kept {
            self.apply(LessonAction::Open { index, at }, compact);
        }
    }

    /// The picker's rows: every lesson in order, its title in `lang` and its mark.
    /// Empty until the texts are loaded (the picker shows [`Course::texts_line`] meanwhile).
    pub fn rows(&self) -> Vec<PickerRow> {
        if !texts::ready() {
            return Vec::new();
        }
        COURSE_DIRS
            .iter()
            .enumerate()
            .map(|(index, dir)| match load(index, self.lang) {
                Ok(l) => PickerRow {
                    index,
                    order: l.meta.order,
                    title: l.meta.title.clone(),
                    mark: self
                        .progress
                        .lessons
                        .contains_key(&l.meta.id)
                        .then(|| self.progress.mark(&l.meta.id).done),
                    reached: self.progress.mark(&l.meta.id).reached,
                    error: None,
                },
                Err(e) => PickerRow {
                    index,
                    order: index as u32 + 1,
                    title: dir.to_string(),
                    mark: None,
                    reached: 0,
                    error: Some(e),
                },
            })
            .collect()
    }
}

/// One lesson in the picker.
#[derive(Clone, Debug, PartialEq)]
pub struct PickerRow {
    pub index: usize,
    pub order: u32,
    pub title: String,
    /// `None`: not started; `Some(false)`: started; `Some(true)`: done.
    pub mark: Option<bool>,
    /// The furthest position reached, where "Continue" reopens it.
    pub reached: usize,
    pub error: Option<String>,
}

#[cfg(test)]
mod french_screens;
#[cfg(test)]
mod tests;
