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

use std::collections::BTreeMap;
use std::rc::Rc;

use clusterlab_core::lesson::{
    parse, BlockKind, Lesson, Meta, Part, Session, Step, StepAction, COURSE,
};
use clusterlab_core::sim::Status;

use super::progress::Progress;
use crate::i18n::{fill, Lang, Msg};
use crate::view_model::{self, Layout, Picture};

/// Objectives get this much simulated time after the solution to be met (as in
/// `core/tests/lessons.rs`): gossip and elections take seconds.
const SOLUTION_SETTLE_MS: u64 = 60_000;

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
    /// "Yes": shows that the solution is playing; the page then sends `PlaySolution` (a
    /// long solution blocks the page for a moment, so the message is painted first).
    StartSolution,
    PlaySolution,
    Answer {
        block: usize,
        choice: usize,
    },
    /// Merge an exported progress text.
    Import(String),
}

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
    pub output: String,
    /// An error or a refusal.
    pub failed: bool,
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
    /// Index in [`COURSE`].
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
    /// The console's node.
    pub target: String,
    pub picture: Rc<Picture>,
    /// Simulated time runs with the page's clock (1 simulated ms per real ms).
    pub playing: bool,
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

/// Parses lesson `index` of the course in `lang`.
pub fn load(index: usize, lang: Lang) -> Result<Lesson, String> {
    let file = COURSE
        .get(index)
        .ok_or_else(|| format!("no lesson {index}"))?;
    parse(file.dir, file.text(lang.code())).map_err(|e| e.to_string())
}

/// The course folder a link names (`08-failover`), as an index.
pub fn index_of_dir(dir: &str) -> Option<usize> {
    COURSE.iter().position(|f| f.dir == dir)
}

/// `lesson=08-failover&at=3` → (`08-failover`, 3): the address of an open lesson, which a page
/// reload (`trunk serve` after a lesson file is saved) reopens.
pub fn parse_link(fragment: &str) -> Option<(String, usize)> {
    let fragment = fragment.trim_start_matches('#');
    let mut dir = None;
    let mut at = 0;
    for pair in fragment.split('&') {
        match pair.split_once('=') {
            Some(("lesson", d)) if !d.is_empty() => dir = Some(d.to_string()),
            Some(("at", n)) => at = n.parse().ok()?,
            _ => return None,
        }
    }
    dir.map(|d| (d, at))
}

pub fn link(index: usize, at: usize) -> Option<String> {
    COURSE
        .get(index)
        .map(|f| format!("lesson={}&at={at}", f.dir))
}

/// The name a step is allowed under (`kill`, `GET`, `CLUSTER NODES`), or `None` for letting
/// time pass, which every lesson allows.
pub fn action_name(step: &Step) -> Option<String> {
    Some(match &step.action {
        StepAction::Run(_) | StepAction::Wait { .. } => return None,
        StepAction::Command { args, .. } => args.join(" "),
        StepAction::Client(_) => "client".into(),
        StepAction::Kill(_) => "kill".into(),
        StepAction::Pause(_) => "pause".into(),
        StepAction::Resume(_) => "resume".into(),
        StepAction::Restart(_) => "restart".into(),
        StepAction::Partition(_) => "partition".into(),
        StepAction::Cut(..) => "cut".into(),
        StepAction::Heal => "heal".into(),
        StepAction::Failover(..) => "failover".into(),
        StepAction::Reshard { .. } => "reshard".into(),
        StepAction::AddNode(_) => "add-node".into(),
        StepAction::Rebalance => "rebalance".into(),
    })
}

/// Why the lesson refuses `step` (its front-matter `allow` list), in `lang`; `None` if allowed.
pub fn refusal(meta: &Meta, step: &Step, lang: Lang) -> Option<String> {
    let name = action_name(step)?;
    if meta.allows(&name) {
        return None;
    }
    // A command is named by its first word, or two for container commands (CLUSTER NODES).
    let shown = match &step.action {
        StepAction::Command { args, .. } => {
            let two = args.len() > 1
                && ["CLUSTER", "CONFIG", "CLIENT", "OBJECT", "SCRIPT"]
                    .contains(&args[0].to_ascii_uppercase().as_str());
            let n = if two { 2 } else { 1 };
            args[..n].join(" ").to_ascii_uppercase()
        }
        _ => name,
    };
    Some(fill(
        lang.t(Msg::NotAllowed),
        &[&shown, &meta.allow.join(", ")],
    ))
}

/// Step verbs the console understands besides Redis commands.
const VERBS: &[&str] = &[
    "kill",
    "pause",
    "resume",
    "restart",
    "partition",
    "cut",
    "heal",
    "failover",
    "run",
    "wait",
    "client",
    "reshard",
    "add-node",
    "rebalance",
];

/// A console line as a step: `B> GET k` and the lesson verbs (`kill A`) as written in
/// scenarios, anything else a Redis command for `target`. `wait` and `client` are also Redis
/// commands (WAIT, CLIENT): when they do not read as steps, they go to the node.
pub fn console_step(line: &str, target: &str) -> Result<Step, String> {
    let line = line.trim();
    let first = line.split_whitespace().next().unwrap_or("");
    let addressed = line
        .split_once("> ")
        .is_some_and(|(n, _)| !n.is_empty() && !n.contains(' '));
    if addressed {
        return Step::from_line(line);
    }
    if VERBS.contains(&first) {
        match Step::from_line(line) {
            Ok(step) => return Ok(step),
            Err(e) if first != "wait" && first != "client" => return Err(e),
            Err(_) => {}
        }
    }
    if line.is_empty() {
        return Err("empty line".into());
    }
    Step::from_line(&format!("{target}> {line}"))
}

/// A lesson's `panels` mapped to the app's panels. An empty list shows everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panels {
    pub nodes: bool,
    pub slots: bool,
    /// A node's beliefs, failure-report ledger and election (`beliefs`, `election`,
    /// `failure-ledger`).
    pub beliefs: bool,
    /// The event log (`timeline`, `lost-writes`).
    pub timeline: bool,
    /// Messages in flight (`messages`, `convergence-plot`).
    pub messages: bool,
    /// redis-cli jobs (`jobs`).
    pub jobs: bool,
    /// Shown when asked for (`console`, `client`) and whenever the lesson allows a command.
    pub console: bool,
    /// Node actions: whenever the lesson allows one.
    pub actions: bool,
}

pub fn panels(meta: &Meta) -> Panels {
    let all = meta.panels.is_empty();
    let has = |names: &[&str]| all || meta.panels.iter().any(|p| names.contains(&p.as_str()));
    let anything = meta.allow.is_empty();
    // Verbs are lowercase, Redis commands uppercase.
    let verbs = anything
        || meta
            .allow
            .iter()
            .any(|a| a.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
    let commands = anything
        || meta
            .allow
            .iter()
            .any(|a| a.chars().next().is_some_and(|c| c.is_ascii_uppercase()));
    let actions = verbs;
    Panels {
        nodes: has(&["nodes"]) || actions,
        slots: has(&["slots"]),
        beliefs: has(&["beliefs", "election", "failure-ledger"]),
        timeline: has(&["timeline", "lost-writes"]),
        messages: has(&["messages", "convergence-plot"]),
        jobs: has(&["jobs"]),
        console: has(&["console", "client"]) || commands || verbs,
        actions,
    }
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
            }],
            at: 0,
            hints_shown: 0,
            solution: SolutionView::Hidden,
            quiz: BTreeMap::new(),
            target: "A".into(),
            picture: Rc::new(Picture::default()),
            playing: false,
            compact,
            lang,
        };
        for _ in 0..at {
            if !player.forward() {
                break;
            }
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
        self.at > 0
    }

    pub fn can_forward(&self) -> bool {
        self.at + 1 < self.positions.len()
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

    /// Moves to the next position; `false` at the end.
    pub fn forward(&mut self) -> bool {
        if !self.can_forward() {
            return false;
        }
        let next = self.at + 1;
        if next >= self.moments.len() {
            let mut m = self.moments[self.at].clone();
            m.narration = None;
            if let Some((b, i)) = self.positions[next].step {
                if let BlockKind::Scenario(steps) = &self.lesson.blocks[b].kind {
                    let step = &steps[i];
                    let said = match m.session.play(step) {
                        Ok(reply) => Said {
                            input: self.step_text(step),
                            output: reply.unwrap_or_default(),
                            failed: false,
                        },
                        Err(e) => Said {
                            input: self.step_text(step),
                            output: e.to_string(),
                            failed: true,
                        },
                    };
                    m.narration = Some(said);
                }
            }
            if next == self.turn {
                m.session.start_objectives();
            }
            self.moments.push(m);
        }
        self.at = next;
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
        let text = COURSE[self.index].text(self.lang.code());
        text.lines()
            .nth(step.line.saturating_sub(1))
            .map(|l| l.split(" -- ").next().unwrap_or(l).trim().to_string())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| format!("{:?}", step.action))
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
                    output: reply,
                    failed: false,
                },
                Err(e) => Said {
                    input,
                    output: e.to_string(),
                    failed: true,
                },
            });
        }
        m.replies.insert(block, out);
    }

    /// A console line or an action button: parsed, checked against `allow`, played.
    pub fn act(&mut self, line: &str, lang: Lang) {
        let said = match console_step(line, &self.target) {
            Err(e) => Said {
                input: line.trim().into(),
                output: format!("(error) {e}"),
                failed: true,
            },
            Ok(step) => match refusal(&self.lesson.meta, &step, lang) {
                Some(why) => Said {
                    input: line.trim().into(),
                    output: why,
                    failed: true,
                },
                None => {
                    let m = self.fork();
                    match m.session.play(&step) {
                        Ok(reply) => Said {
                            input: line.trim().into(),
                            output: reply.unwrap_or_else(|| lang.t(Msg::Done).into()),
                            failed: false,
                        },
                        Err(e) => Said {
                            input: line.trim().into(),
                            output: e.to_string(),
                            failed: true,
                        },
                    }
                }
            },
        };
        self.fork().console.push(said);
    }

    /// Plays the solution on the current moment, then lets up to a minute pass for the
    /// objectives (elections and gossip take seconds).
    pub fn play_solution(&mut self) {
        let Some(steps) = self.lesson.solution().map(|s| s.to_vec()) else {
            return;
        };
        let texts: Vec<String> = steps.iter().map(|s| self.step_text(s)).collect();
        let m = self.fork();
        let mut log = Vec::new();
        for (step, input) in steps.iter().zip(texts) {
            log.push(match m.session.play(step) {
                Ok(reply) => Said {
                    input,
                    output: reply.unwrap_or_default(),
                    failed: false,
                },
                Err(e) => Said {
                    input,
                    output: e.to_string(),
                    failed: true,
                },
            });
        }
        let start = m.session.elapsed_ms();
        while !m.session.all_met() && m.session.elapsed_ms() - start < SOLUTION_SETTLE_MS {
            m.session.advance(100);
        }
        m.settled_ms = Some(m.session.elapsed_ms() - start);
        m.solution = log;
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
                    observed: o.observed,
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
                    .and_then(|s| refusal(&self.lesson.meta, &s, lang));
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
    fn relabel(&mut self, lesson: Lesson, lang: Lang) -> bool {
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
    /// next save (`trunk serve` reloads) opens it again.
    pub wanted: Option<(usize, usize)>,
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

    /// Applies `action`; returns whether anything visible changed.
    pub fn apply(&mut self, action: LessonAction, compact: bool) -> bool {
        let lang = self.lang;
        match action {
            LessonAction::TogglePicker => self.picker_open = !self.picker_open,
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
                    Err(e) => (fill(lang.t(Msg::ImportBad), &[&e]), true),
                });
            }
            other => {
                let Some(p) = self.player.as_mut() else {
                    return false;
                };
                match other {
                    LessonAction::TogglePlay => p.playing = !p.playing,
                    LessonAction::Tick(real_ms) => {
                        if !p.playing {
                            return false;
                        }
                        // A hidden tab's long frame does not jump ahead.
                        let ms = real_ms.clamp(0.0, MAX_TICK_MS).round() as u64;
                        p.fork().session.advance(ms);
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
                        p.act(&line, lang);
                    }
                    LessonAction::Act(line) => p.act(&line, lang),
                    LessonAction::SetTarget(t) => p.target = t,
                    LessonAction::Hint => {
                        p.hints_shown = (p.hints_shown + 1).min(p.hints().len());
                    }
                    LessonAction::AskSolution => p.solution = SolutionView::Confirming,
                    LessonAction::CancelSolution => p.solution = SolutionView::Hidden,
                    LessonAction::StartSolution => p.solution = SolutionView::Playing,
                    LessonAction::PlaySolution => {
                        p.solution = SolutionView::Shown;
                        p.play_solution();
                    }
                    LessonAction::Answer { block, choice } => {
                        p.quiz.insert(block, choice);
                    }
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
    pub fn rows(&self) -> Vec<PickerRow> {
        COURSE
            .iter()
            .enumerate()
            .map(|(index, file)| match load(index, self.lang) {
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
                    title: file.dir.to_string(),
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
mod tests;
