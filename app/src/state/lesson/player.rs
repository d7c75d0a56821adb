//! One open lesson: its positions (slides and scenario steps), the [`Moment`] kept for each,
//! Back and Forward, and what the learner does at the current moment (commands, actions, the
//! solution). How moments fork is told in `state/lesson.rs`.

use std::collections::BTreeMap;
use std::rc::Rc;

use clusterlab_core::lesson::{BlockKind, Lesson, Meta, Part, Quiz, Session, Step};
use clusterlab_core::resp::split_args;
use clusterlab_core::sim::Status;

use super::hints;
use super::long_run::{LongRun, Purpose};
use super::rules::{console_step, refusal};
use crate::i18n::{Lang, Msg, Note};
use crate::view_model::{self, errors, Layout, Picture};

/// A point of the lesson: a slide, or a scenario step on it (block index, step index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub slide: usize,
    pub step: Option<(usize, usize)>,
}

/// One exchange shown to the learner: what ran and what came back.
#[derive(Clone, Debug, PartialEq)]
pub struct Said {
    pub input: String,
    pub output: Output,
    /// An error or a refusal.
    pub failed: bool,
}

/// What came back, kept so that the page's own words are written when shown, in the language
/// of that moment (a learner who switches language sees earlier answers in the new one).
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// What the simulated cluster answered, or the engine's error, as printed (the page's own
    /// errors among them are translated when shown: `view_model::errors`).
    Text(String),
    /// The page's own answer: a refusal, `done` for a step that prints nothing.
    Note(Note),
    /// `help WORD…`, answered from the lesson's `allow` list when shown ([`hints::help`]).
    Help(Vec<String>),
}

impl Output {
    /// Nothing to show (a scenario step or a solution step without a reply).
    pub fn is_empty(&self) -> bool {
        matches!(self, Output::Text(text) if text.is_empty())
    }
}

impl Said {
    /// The answer in `lang`; `meta` is the lesson's (its `allow` list answers `help`). The
    /// same rule everywhere a lesson shows an answer (its console, a `redis` block's replies,
    /// a scenario step, the solution): Redis's and redis-cli's words as printed, the page's
    /// own words (its notes, the engine's errors, the cluster client's failures) in `lang`.
    pub fn text(&self, meta: &Meta, lang: Lang) -> String {
        match &self.output {
            Output::Text(text) if self.failed => errors::error_text(text, lang),
            Output::Text(text) => errors::reply_text(text, lang),
            Output::Note(note) => note.text(lang),
            Output::Help(words) => {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                hints::help(meta, &words, lang).0
            }
        }
    }
}

/// The lesson as it stands at one position.
#[derive(Clone)]
pub struct Moment {
    pub session: Session,
    /// Replies of the `redis` blocks run here, by block index.
    pub replies: BTreeMap<usize, Vec<Said>>,
    pub console: Vec<Said>,
    /// What the step that led here answered (a command's reply), or why it could not run.
    /// Its narration is read from the lesson when shown, so it follows the language.
    pub narration: Option<Said>,
    /// The solution's steps and their replies, once played (in the solution's order).
    pub solution: Vec<Said>,
    pub settled_ms: Option<u64>,
    /// Lesson time (simulated ms) when the scenario step that led here finished: the "at
    /// 12.4 s" of its "what happened" sentence.
    pub played_ms: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SolutionView {
    Hidden,
    /// "Are you sure?" is showing.
    Confirming,
    /// Confirmed; the solution plays next.
    Playing,
    Shown,
}

/// An open lesson.
pub struct Player {
    /// Index in the course (`COURSE_DIRS`).
    pub index: usize,
    pub lesson: Rc<Lesson>,
    pub positions: Vec<Pos>,
    /// The position where the learner's turn starts.
    pub turn: usize,
    moments: Vec<Moment>,
    pub at: usize,
    pub hints_shown: usize,
    pub solution: SolutionView,
    /// Chosen answers, by quiz block index.
    pub quiz: BTreeMap<usize, usize>,
    /// The raw step lines (`kill A`, `wait … within 10s`) are shown next to the narration:
    /// they are the authors' language, hidden unless asked for.
    pub show_steps: bool,
    /// The console's node.
    pub target: String,
    pub picture: Rc<Picture>,
    /// Simulated time runs with the page's clock (1 simulated ms per real ms).
    pub playing: bool,
    /// Steps being played on the current moment a slice at a time (the solution, a long
    /// `run`); Back, Forward and other actions wait until it ends.
    pub busy: Option<LongRun>,
    compact: bool,
    /// The language `lesson` was read in (its step line numbers are that file's).
    lang: Lang,
}

/// The positions of a lesson, in order.
pub fn positions(lesson: &Lesson) -> Vec<Pos> {
    let mut out = Vec::new();
    for (s, slide) in lesson.slides.iter().enumerate() {
        out.push(Pos {
            slide: s,
            step: None,
        });
        for part in &slide.parts {
            if let Part::Block(b) = part {
                if let BlockKind::Scenario(steps) = &lesson.blocks[*b].kind {
                    out.extend((0..steps.len()).map(|i| Pos {
                        slide: s,
                        step: Some((*b, i)),
                    }));
                }
            }
        }
    }
    if out.is_empty() {
        out.push(Pos {
            slide: 0,
            step: None,
        });
    }
    out
}

/// Where a scenario step stands from the current position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    Played,
    /// The step that led to the current position.
    Current,
    /// The step Forward plays next: its "about to happen" sentence shows.
    Next,
    Pending,
}

/// A scenario step as the player shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepLine {
    pub state: StepState,
    /// The step as the lesson file writes it (shown on request).
    pub line: String,
    /// What is about to happen (a two-part narration's first part).
    pub upcoming: Option<String>,
    /// What happened, once the step ran.
    pub happened: Option<String>,
    /// Lesson time when it finished.
    pub at_ms: Option<u64>,
    /// What the step answered, or why it could not run.
    pub reply: Option<Said>,
}

/// An objective as the player shows it (the "why not yet" in the lesson's current language).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectiveRow {
    pub id: String,
    pub met: bool,
    pub failed: bool,
    pub why: Option<String>,
    pub observed: String,
}

/// A button for a node action: enabled, or why not.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeAct {
    pub verb: &'static str,
    pub label: Msg,
    /// The step it plays (`kill A`).
    pub line: String,
    pub refused: Option<String>,
    /// It makes no sense in the node's state (killing a dead node).
    pub moot: bool,
}

impl Player {
    /// Opens lesson `index` (parsed as `lesson`) and walks Forward to position `at`.
    pub fn open(
        index: usize,
        lesson: Lesson,
        lang: Lang,
        at: usize,
        compact: bool,
    ) -> Result<Player, String> {
        let mut session = Session::start(&lesson).map_err(|e| e.to_string())?;
        let positions = positions(&lesson);
        let turn = positions
            .iter()
            .rposition(|p| p.step.is_some())
            .unwrap_or(0);
        if turn == 0 {
            session.start_objectives();
        }
        let mut player = Player {
            index,
            lesson: Rc::new(lesson),
            positions,
            turn,
            moments: vec![Moment {
                session,
                replies: BTreeMap::new(),
                console: Vec::new(),
                narration: None,
                solution: Vec::new(),
                settled_ms: None,
                played_ms: None,
            }],
            at: 0,
            hints_shown: 0,
            solution: SolutionView::Hidden,
            quiz: BTreeMap::new(),
            show_steps: false,
            target: "A".into(),
            picture: Rc::new(Picture::default()),
            playing: false,
            busy: None,
            compact,
            lang,
        };
        // Reopening at a position (a reload, a link) replays its steps at once; the learner
        // passed any prediction on the way there before, so quizzes do not stop the replay.
        for _ in 0..at {
            if !player.step_forward() {
                break;
            }
            player.finish_now();
        }
        player.refresh();
        Ok(player)
    }

    pub fn moment(&self) -> &Moment {
        &self.moments[self.at]
    }

    /// The moment kept for an earlier position (the narration of steps already played).
    pub fn moment_at(&self, at: usize) -> Option<&Moment> {
        (at <= self.at).then(|| &self.moments[at])
    }

    pub fn session(&self) -> &Session {
        &self.moments[self.at].session
    }

    pub fn pos(&self) -> Pos {
        self.positions[self.at]
    }

    pub fn can_back(&self) -> bool {
        self.at > 0 && self.busy.is_none()
    }

    pub fn can_forward(&self) -> bool {
        self.at + 1 < self.positions.len() && self.busy.is_none() && self.locked_by().is_none()
    }

    /// The quiz (block index) that must be answered before Forward plays the next position:
    /// a scenario's first step waits for the prediction that gates it (`Lesson::gate`).
    pub fn locked_by(&self) -> Option<usize> {
        let (b, i) = self.positions.get(self.at + 1)?.step?;
        let quiz = self.lesson.gate(b).filter(|_| i == 0)?;
        (!self.quiz.contains_key(&quiz)).then_some(quiz)
    }

    /// Whether the learner's turn has started.
    pub fn turn_started(&self) -> bool {
        self.at >= self.turn
    }

    /// A change by the learner: the moments after this one no longer follow from it.
    fn fork(&mut self) -> &mut Moment {
        self.moments.truncate(self.at + 1);
        &mut self.moments[self.at]
    }

    /// Lets `ms` of simulated time pass at the current moment (the lesson's clock).
    pub fn advance(&mut self, ms: u64) {
        self.fork().session.advance(ms);
    }

    /// Starts playing `steps` on the current moment and plays the first slice (short steps
    /// end there; the page asks for the rest with [`work`](Self::work)).
    fn start_run(
        &mut self,
        purpose: Purpose,
        steps: Vec<(Step, String)>,
        settle: bool,
        quiet: Output,
    ) {
        let run = LongRun::new(purpose, steps, settle, quiet, self.session());
        self.busy = Some(run);
        self.work();
    }

    /// Plays the next slice of the long run, if any; when it ends its replies land where
    /// they belong (narration, console, solution).
    pub fn work(&mut self) {
        let Some(run) = self.busy.as_mut() else {
            return;
        };
        let m = &mut self.moments[self.at];
        if !run.slice(&mut m.session) {
            return;
        }
        let Some(mut run) = self.busy.take() else {
            return;
        };
        match run.purpose {
            Purpose::Solution => {
                m.solution = run.said;
                m.settled_ms = run.settled_ms;
                self.solution = SolutionView::Shown;
            }
            Purpose::Scenario => {
                m.narration = run.said.pop();
                m.played_ms = Some(m.session.elapsed_ms());
                if self.at == self.turn {
                    m.session.start_objectives();
                }
            }
            Purpose::Console => m.console.append(&mut run.said),
        }
    }

    /// Plays whatever is left of the long run in one go.
    pub fn finish_now(&mut self) {
        while self.busy.is_some() {
            self.work();
        }
    }

    /// Moves to the next position; `false` at the end, or while a quiz gates it.
    pub fn forward(&mut self) -> bool {
        self.can_forward() && self.step_forward()
    }

    /// Moves to the next position, gated or not.
    fn step_forward(&mut self) -> bool {
        let next = self.at + 1;
        if next >= self.positions.len() || self.busy.is_some() {
            return false;
        }
        if next < self.moments.len() {
            self.at = next;
            return true;
        }
        let mut m = self.moments[self.at].clone();
        m.narration = None;
        m.played_ms = None;
        self.moments.push(m);
        self.at = next;
        let step = self.positions[next]
            .step
            .and_then(|(b, i)| match &self.lesson.blocks[b].kind {
                BlockKind::Scenario(steps) => steps.get(i).cloned(),
                _ => None,
            });
        match step {
            Some(step) => {
                let text = self.step_text(&step);
                self.start_run(
                    Purpose::Scenario,
                    vec![(step, text)],
                    false,
                    Output::Text(String::new()),
                );
            }
            None if next == self.turn => self.moments[next].session.start_objectives(),
            None => {}
        }
        true
    }

    pub fn back(&mut self) -> bool {
        if self.at == 0 {
            return false;
        }
        self.at -= 1;
        true
    }

    /// The step's line as the lesson file writes it, without its narration.
    pub fn step_text(&self, step: &Step) -> String {
        // A player exists only once the texts are loaded, and they stay.
        super::texts::with_text(self.index, self.lang, |text| {
            text.lines()
                .nth(step.line.saturating_sub(1))
                .map(|l| l.split(" -- ").next().unwrap_or(l).trim().to_string())
        })
        .flatten()
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| format!("{:?}", step.action))
    }

    /// The steps of scenario block `b` as the learner reads them: sentences before and after
    /// each step, the raw line only for "show steps".
    pub fn scenario_steps(&self, b: usize) -> Vec<StepLine> {
        let BlockKind::Scenario(steps) = &self.lesson.blocks[b].kind else {
            return Vec::new();
        };
        steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let at = self.positions.iter().position(|q| q.step == Some((b, i)));
                // While a prediction gates the step, even what is about to happen stays unsaid.
                let state = match at {
                    Some(at) if at == self.at => StepState::Current,
                    Some(at) if at < self.at => StepState::Played,
                    Some(at) if at == self.at + 1 && self.locked_by().is_none() => StepState::Next,
                    _ => StepState::Pending,
                };
                let moment = at.and_then(|at| self.moment_at(at));
                let reply = moment.and_then(|m| m.narration.clone());
                let ran = reply.as_ref().is_some_and(|r| !r.failed);
                StepLine {
                    state,
                    line: self.step_text(step),
                    // A one-part narration (`-- A stops`) is said with the step, once it ran.
                    upcoming: step.after.as_ref().and(step.say.clone()),
                    happened: ran
                        .then(|| step.after.clone().or(step.say.clone()))
                        .flatten(),
                    at_ms: moment.and_then(|m| m.played_ms),
                    reply,
                }
            })
            .collect()
    }

    /// Whether the learner may answer `quiz` by clicking a node (its choices are node names).
    pub fn is_node_pick(&self, quiz: &Quiz) -> bool {
        let nodes = self.lesson.nodes();
        quiz.choices
            .first()
            .is_some_and(|(c, _)| quiz.node_choice(&nodes, c).is_some())
    }

    /// A click on node `name` answers the current slide's first unanswered node-pick quiz
    /// (one whose choices are node names); `false` when there is none.
    pub fn pick_node(&mut self, name: &str) -> bool {
        let nodes = self.lesson.nodes();
        let Some(slide) = self.lesson.slides.get(self.pos().slide) else {
            return false;
        };
        let pick = slide.parts.iter().find_map(|part| match part {
            Part::Block(b) if !self.quiz.contains_key(b) => match &self.lesson.blocks[*b].kind {
                BlockKind::Quiz(q) => q.node_choice(&nodes, name).map(|c| (*b, c)),
                _ => None,
            },
            _ => None,
        });
        match pick {
            Some((b, c)) => {
                self.quiz.insert(b, c);
                true
            }
            None => false,
        }
    }

    /// Runs a `redis` block's commands (the lesson's own, so never refused).
    pub fn run_block(&mut self, block: usize) {
        let BlockKind::Redis(lines) = &self.lesson.blocks[block].kind else {
            return;
        };
        let lines = lines.clone();
        let m = self.fork();
        let mut out = Vec::new();
        for l in &lines {
            let input = format!("{}> {}", l.node, l.args.join(" "));
            out.push(match m.session.command(&l.node, &l.args) {
                Ok(reply) => Said {
                    input,
                    output: Output::Text(reply),
                    failed: false,
                },
                Err(e) => Said {
                    input,
                    output: Output::Text(e.to_string()),
                    failed: true,
                },
            });
        }
        m.replies.insert(block, out);
    }

    /// A console line or an action button: parsed, checked against `allow`, played.
    pub fn act(&mut self, line: &str) {
        if let Some(words) = help_words(line) {
            let strs: Vec<&str> = words.iter().map(String::as_str).collect();
            // Whether help is refused does not depend on the language; its text is written
            // when shown.
            let (_, failed) = hints::help(&self.lesson.meta, &strs, Lang::En);
            let input = line.trim().into();
            self.fork().console.push(Said {
                input,
                output: Output::Help(words),
                failed,
            });
            return;
        }
        let said = match console_step(line, &self.target) {
            Err(e) => Said {
                input: line.trim().into(),
                output: Output::Text(format!("(error) {e}")),
                failed: true,
            },
            Ok(step) => match refusal(&self.lesson.meta, &step) {
                Some(why) => Said {
                    input: line.trim().into(),
                    output: Output::Note(why),
                    failed: true,
                },
                None => {
                    self.fork();
                    let steps = vec![(step, line.trim().to_string())];
                    let done = Output::Note(Note::new(Msg::Done, &[]));
                    self.start_run(Purpose::Console, steps, false, done);
                    return;
                }
            },
        };
        self.fork().console.push(said);
    }

    /// Starts the solution on the current moment; once it has played, up to a minute of
    /// simulated time passes for the objectives (elections and gossip take seconds).
    pub fn play_solution(&mut self) {
        let Some(steps) = self.lesson.solution().map(|s| s.to_vec()) else {
            self.solution = SolutionView::Hidden;
            return;
        };
        let steps = steps
            .into_iter()
            .map(|s| {
                let text = self.step_text(&s);
                (s, text)
            })
            .collect();
        self.fork();
        self.solution = SolutionView::Playing;
        self.start_run(Purpose::Solution, steps, true, Output::Text(String::new()));
    }

    /// The objectives now, with their "why not yet" from the lesson in its current language.
    pub fn objectives(&self) -> Vec<ObjectiveRow> {
        self.session()
            .objectives()
            .into_iter()
            .map(|o| {
                let why = match self.lesson.block(&o.id).map(|b| &b.kind) {
                    Some(BlockKind::Objective(obj)) => Some(obj.why_not.clone()),
                    _ => o.why_not.clone(),
                };
                ObjectiveRow {
                    met: o.met,
                    failed: o.failed,
                    why: if o.met { None } else { why },
                    observed: view_model::objective::seen_text(&o.seen, self.lang),
                    id: o.id,
                }
            })
            .collect()
    }

    /// Every hint rung, in order (a lesson may have several ladders).
    pub fn hints(&self) -> Vec<String> {
        self.lesson.hints().flatten().cloned().collect()
    }

    /// Whether the lesson is finished: every objective met in the learner's turn, or (with
    /// none) the last position reached.
    pub fn done(&self) -> bool {
        if self.lesson.objectives().next().is_some() {
            self.turn_started() && self.session().all_met()
        } else {
            !self.can_forward()
        }
    }

    /// The node-action buttons for node `idx`.
    pub fn node_acts(&self, idx: usize, lang: Lang) -> Vec<NodeAct> {
        let sim = self.session().sim();
        let Some(node) = sim.nodes().get(idx) else {
            return Vec::new();
        };
        let status = sim.status(idx);
        let is_replica = !sim.node(idx).is_master();
        let acts: [(&'static str, Msg, bool); 5] = [
            ("kill", Msg::Kill, status == Status::Crashed),
            ("pause", Msg::PauseNode, status != Status::Up),
            ("resume", Msg::Resume, status != Status::Paused),
            ("restart", Msg::Restart, status != Status::Crashed),
            (
                "failover",
                Msg::Failover,
                !is_replica || status != Status::Up,
            ),
        ];
        acts.into_iter()
            .map(|(verb, label, moot)| {
                let line = format!("{verb} {}", node.name);
                let refused = console_step(&line, &self.target)
                    .ok()
                    .and_then(|s| refusal(&self.lesson.meta, &s))
                    .map(|why| why.text(lang));
                NodeAct {
                    verb,
                    label,
                    line,
                    refused,
                    moot,
                }
            })
            .collect()
    }

    /// Swaps in the same lesson in another language, keeping where the learner is when the
    /// two files have the same positions (they carry the same blocks; headings may differ).
    pub(super) fn relabel(&mut self, lesson: Lesson, lang: Lang) -> bool {
        if positions(&lesson) != self.positions {
            return false;
        }
        self.lesson = Rc::new(lesson);
        self.lang = lang;
        true
    }

    /// Redraws the cluster picture from the current moment.
    pub fn refresh(&mut self) {
        let t = &self.lesson.meta.topology;
        let layout = Layout {
            compact: self.compact,
            ..Layout::new(t.masters, t.replicas)
        };
        self.picture = Rc::new(view_model::picture(self.session().sim(), layout));
    }

    pub fn set_compact(&mut self, compact: bool) {
        self.compact = compact;
        self.refresh();
    }
}

/// `help WORD…` typed in the console (as redis-cli answers it itself, never sent to a node):
/// its words after `help`.
fn help_words(line: &str) -> Option<Vec<String>> {
    let args = split_args(line.trim().as_bytes())?;
    let (first, rest) = args.split_first()?;
    first.eq_ignore_ascii_case(b"help").then(|| {
        rest.iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect()
    })
}
