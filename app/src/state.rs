//! The playground's state: the simulation run, the playback settings and everything the user
//! has chosen, changed only by [`Action`]s through one reducer ([`Model::apply`]).
//!
//! The model is plain Rust with no browser types, so the reducer is tested natively. Yew sees
//! it through [`AppState`], whose `reduce` mutates the model in place (cloning a whole
//! simulation per frame would be wasteful) and returns a new `Rc` only when something changed,
//! which is what makes Yew re-render.

pub mod big;
pub mod console;
pub mod lesson;
pub mod progress;
pub mod replay;
pub mod share;

use std::cell::{Ref, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

use clusterlab_core::sim::{Forming, FormingStage, Scenario, ScenarioError, Status};
use clusterlab_core::Time;
use yew::{Reducible, UseReducerDispatcher};

use crate::i18n::{fill, Lang, Msg};
use crate::view_model::explain::EventRef;
use crate::view_model::{self, Layout, LiveFlight, LogLine, Picture};
use big::{BigAction, BigCluster};
use console::{Console, ConsoleAction};
use lesson::{Course, LessonAction};
use replay::{Run, SimAction};
use share::{Preset, Shared};

/// Slowest and fastest playback, as powers of ten of simulated time per real time.
pub const SPEED_MIN_LOG: f64 = -1.0;
pub const SPEED_MAX_LOG: f64 = 2.0;
/// One press of `+` or `−` (a quarter decade: 1×, 1.8×, 3.2×, 5.6×, 10×…).
pub const SPEED_STEP_LOG: f64 = 0.25;
/// A frame never advances more than this much real time (a hidden tab does not jump ahead).
const MAX_FRAME_MS: f64 = 100.0;
/// Simulator events per animation frame at most; past it playback falls behind (and says so).
pub const STEPS_PER_FRAME: u64 = 6000;
/// Real ms a frame may spend simulating (when the model has a clock): the rest of a 60 fps
/// frame is left for drawing. Past it, playback falls behind rather than stutter.
pub const FRAME_BUDGET_MS: f64 = 7.0;
/// Clusters up to this many nodes form within a frame; bigger ones form a step per frame.
const FORM_AT_ONCE_UP_TO: usize = 12;
/// Messages kept for drawing at most (the newest win).
const MAX_FLIGHTS: usize = 400;
/// Event-log lines kept for display.
const LOG_LINES: usize = 300;

/// Everything the reducer can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// An animation frame: `real_ms` of real time passed.
    Tick {
        real_ms: f64,
    },
    Play,
    Pause,
    TogglePlay,
    /// Process the next event (pauses first).
    Step,
    /// Go back one event, by replaying from a snapshot.
    StepBack,
    /// Playback speed as log10 of simulated per real time.
    SetSpeed(f64),
    Faster,
    Slower,
    SetSeed(u64),
    SetPreset(Preset),
    /// Start again with the same scenario and seed.
    Reset,
    /// Jump to a simulated time (ms) within what was already run.
    SeekTime(u64),
    /// Run this many simulated ms forward at once.
    Skip(u64),
    /// A fault or command, recorded in the action log.
    Sim(SimAction),
    /// A fault on the selected node (keyboard shortcuts).
    OnSelected(NodeFault),
    Select(Option<usize>),
    /// Open (or close) the "why?" panel on one trace entry.
    Explain(Option<EventRef>),
    /// Put a node in or out of the group to cut off.
    TogglePartitionMember(usize),
    /// Cut the chosen group off from the rest.
    CutPartition,
    SetKey(String),
    HoverSlot(Option<u16>),
    Console(ConsoleAction),
    ToggleHelp,
    CloseHelp,
    SetReducedMotion(bool),
    /// The screen became narrow (or wide again).
    SetCompact(bool),
    DismissNotice,
    /// The lesson player, the course picker and progress.
    Lesson(LessonAction),
    SetLang(Lang),
    /// The big cluster (in the worker).
    Big(BigAction),
}

/// A cluster being formed for the playground.
struct Pending {
    preset: Preset,
    seed: u64,
    forming: Forming,
}

/// Faults that apply to one node, for shortcuts that act on the selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeFault {
    Crash,
    Restart,
    /// Pause a running node, resume a paused one.
    TogglePause,
    Isolate,
}

/// The whole playground state.
pub struct Model {
    pub run: Run,
    pub preset: Preset,
    pub playing: bool,
    pub speed_log: f64,
    /// The last frame could not reach its target time within [`STEPS_PER_FRAME`].
    pub lagging: bool,
    /// Simulated ms owed to the clock (sub-millisecond frames at slow speeds).
    owed_ms: f64,
    /// A real-time clock in ms (`performance.now()` in the browser), to keep frames within
    /// [`FRAME_BUDGET_MS`]. `None` (tests): only [`STEPS_PER_FRAME`] limits a frame.
    pub frame_clock: Option<fn() -> f64>,
    /// Real ms of playback so far: the clock messages are animated against.
    pub anim_clock: f64,
    pub flights: Rc<Vec<LiveFlight>>,
    pub selected: Option<usize>,
    /// The trace entry the "why?" panel explains (of the lesson's run while a lesson is open).
    pub explained: Option<EventRef>,
    pub partition_group: BTreeSet<usize>,
    pub key: String,
    pub hover_slot: Option<u16>,
    pub console: Rc<Console>,
    pub help_open: bool,
    pub reduced_motion: bool,
    /// A narrow screen: bigger nodes without side labels, legend folded.
    pub compact: bool,
    /// The course: language, the open lesson (which then replaces the playground), progress.
    pub course: Course,
    /// A message for the user (a bad shared link, a scenario that cannot be built).
    pub notice: Option<String>,
    /// A big cluster, running in the worker, shown instead of the playground's (which waits,
    /// paused, for the learner to pick a smaller size again).
    pub big: Option<BigCluster>,
    /// A cluster being formed, a step per frame, to replace the run once formed.
    forming: Option<Box<Pending>>,
    /// What the cluster looks like now; rebuilt when the trace grows or after an action.
    pub picture: Rc<Picture>,
    /// The event log in words (newest last), all of it…
    pub log_all: Rc<Vec<LogLine>>,
    /// …and without the routine events.
    pub log_key: Rc<Vec<LogLine>>,
    /// The log lists belong to another moment (after a jump): rebuild them.
    rebuild_log: bool,
    /// The latest state change, in a sentence, for the live region and the caption.
    pub narration: String,
    trace_seen: usize,
    dirty: bool,
}

impl Model {
    /// The default scenario (3 masters, 1 replica each, on ports 7000–7005), seed 1.
    pub fn new() -> Model {
        Model::with(Preset::default(), 1)
    }

    /// A fresh run of `preset` with `seed`, falling back to the default scenario (and saying
    /// so) if it cannot be built.
    pub fn with(preset: Preset, seed: u64) -> Model {
        let built = Run::new(preset.scenario(seed));
        Model::from_built(preset, built)
    }

    /// The model of a run built (or not) from `preset`: the default scenario with a notice if
    /// it could not be.
    fn from_built(preset: Preset, built: Result<Run, ScenarioError>) -> Model {
        let (run, notice) = match built {
            Ok(run) => (run, None),
            Err(e) => (
                Run::new(Scenario::default()).expect("the default scenario forms"),
                Some(format!(
                    "The scenario {preset} could not be built ({e}); showing the default one."
                )),
            ),
        };
        let mut model = Model {
            run,
            preset,
            playing: true,
            speed_log: 0.0,
            lagging: false,
            owed_ms: 0.0,
            frame_clock: None,
            anim_clock: 0.0,
            flights: Rc::new(Vec::new()),
            selected: None,
            explained: None,
            partition_group: BTreeSet::new(),
            key: "user:1000".into(),
            hover_slot: None,
            console: Rc::new(Console::new(0)),
            help_open: false,
            reduced_motion: false,
            compact: false,
            notice,
            big: None,
            forming: None,
            course: Course::default(),
            picture: Rc::new(Picture::default()),
            log_all: Rc::new(Vec::new()),
            log_key: Rc::new(Vec::new()),
            rebuild_log: true,
            narration: String::new(),
            trace_seen: 0,
            dirty: true,
        };
        model.trace_seen = model.run.sim().trace().len();
        model.refresh();
        model
    }

    /// The model a shared link describes, or the default one with a notice saying why the
    /// link could not be used (in `lang`).
    /// With a `clock` (the browser's), a link to a cluster that takes more than a frame to
    /// form opens on the default one while it forms a step per frame.
    pub fn from_link(hash: &str, lang: Lang, clock: Option<fn() -> f64>) -> Model {
        let t = |msg: Msg| lang.t(msg);
        match Shared::parse(hash) {
            Ok(None) => Model::new(),
            Ok(Some(shared)) if BigCluster::is_big(&shared.preset) || shared.cursor.is_none() => {
                let mut model = Model::new();
                model.frame_clock = clock;
                model.restart(shared.preset, shared.seed);
                model
            }
            Ok(Some(shared)) => {
                let mut model = Model::with(shared.preset.clone(), shared.seed);
                if model.notice.is_some() {
                    return model;
                }
                match shared.validate(model.run.sim().nodes().len()) {
                    Ok(()) => {
                        let Some(cursor) = shared.cursor else {
                            return model;
                        };
                        model.run.load(shared.entries, cursor);
                        let landed = share::checksum(model.run.sim());
                        if shared.check.is_some_and(|k| k != landed) {
                            let mut fresh = Model::new();
                            fresh.notice = Some(t(Msg::LinkOtherVersion).into());
                            return fresh;
                        }
                        model.playing = false;
                        model.after_jump();
                        model.narration = fill(
                            t(Msg::OpenedShared),
                            &[
                                &model.preset.to_string(),
                                &view_model::format_time(model.run.sim().now(), lang),
                            ],
                        );
                    }
                    Err(e) => {
                        let mut fresh = Model::new();
                        fresh.notice = Some(fill(t(Msg::LinkBad), &[&e.text(lang)]));
                        return fresh;
                    }
                }
                model
            }
            Err(e) => {
                let mut model = Model::new();
                model.notice = Some(fill(t(Msg::LinkBad), &[&e.text(lang)]));
                model
            }
        }
    }

    /// The link that reproduces this exact state.
    pub fn share_fragment(&self) -> String {
        match &self.big {
            // The worker's run is not replayed from a log: the link starts it afresh.
            Some(big) => Shared {
                preset: big.preset.clone(),
                seed: big.seed,
                cursor: None,
                entries: Vec::new(),
                check: None,
            }
            .to_fragment(),
            None => Shared::of(self).to_fragment(),
        }
    }

    /// Playback speed: simulated ms per real ms.
    pub fn speed(&self) -> f64 {
        10f64.powf(self.speed_log)
    }

    /// Applies `action`; returns whether anything visible changed.
    pub fn apply(&mut self, action: Action) -> bool {
        if let Some(changed) = self.in_lesson(&action) {
            return changed;
        }
        match action {
            Action::Tick { real_ms } => return self.tick(real_ms),
            Action::Play => self.playing = true,
            Action::Pause => self.playing = false,
            Action::TogglePlay => self.playing = !self.playing,
            Action::Step => {
                self.playing = false;
                self.run.step();
                self.after_step();
            }
            Action::StepBack => {
                self.playing = false;
                self.run.step_back();
                self.after_jump();
            }
            Action::SetSpeed(v) => self.speed_log = v.clamp(SPEED_MIN_LOG, SPEED_MAX_LOG),
            Action::Faster => {
                self.speed_log = (self.speed_log + SPEED_STEP_LOG).min(SPEED_MAX_LOG);
            }
            Action::Slower => {
                self.speed_log = (self.speed_log - SPEED_STEP_LOG).max(SPEED_MIN_LOG);
            }
            Action::SetSeed(seed) => self.restart(self.shown_preset().clone(), seed),
            Action::SetPreset(preset) => self.restart(preset, self.seed()),
            Action::Reset => self.restart(self.shown_preset().clone(), self.seed()),
            Action::Big(action) => match &mut self.big {
                Some(big) => big.apply(action),
                None => return false,
            },
            Action::SeekTime(ms) => {
                self.run.seek_time(Time(ms));
                self.after_jump();
            }
            Action::Skip(ms) => {
                let target = self.run.sim().now() + ms;
                self.run.run_to(target, u64::MAX, &mut || false);
                self.after_jump();
            }
            Action::Sim(action) => {
                if let SimAction::Partition(_) | SimAction::Heal = action {
                    self.partition_group.clear();
                }
                self.run.act(action);
                self.after_step();
            }
            Action::OnSelected(fault) => {
                let Some(i) = self.selected else {
                    self.narration = self.course.lang.t(Msg::SelectFirst).into();
                    return true;
                };
                let action = match (fault, self.status(i)) {
                    (NodeFault::Crash, Status::Crashed) => return false,
                    (NodeFault::Crash, _) => SimAction::Crash(i),
                    (NodeFault::Restart, Status::Up) => return false,
                    (NodeFault::Restart, _) => SimAction::Restart(i),
                    (NodeFault::TogglePause, Status::Up) => SimAction::Pause(i),
                    (NodeFault::TogglePause, Status::Paused) => SimAction::Resume(i),
                    (NodeFault::TogglePause, Status::Crashed) => return false,
                    (NodeFault::Isolate, _) => SimAction::Partition(vec![i]),
                };
                return self.apply(Action::Sim(action));
            }
            Action::Select(node) => {
                self.selected = node.filter(|&i| i < self.run.sim().nodes().len());
            }
            Action::TogglePartitionMember(i) => {
                if !self.partition_group.remove(&i) && i < self.run.sim().nodes().len() {
                    self.partition_group.insert(i);
                }
            }
            Action::CutPartition => {
                let n = self.run.sim().nodes().len();
                if self.partition_group.is_empty() || self.partition_group.len() >= n {
                    return false;
                }
                let group = self.partition_group.iter().copied().collect();
                return self.apply(Action::Sim(SimAction::Partition(group)));
            }
            Action::Explain(at) => self.explained = at,
            Action::SetKey(key) => self.key = key,
            Action::HoverSlot(slot) => {
                if self.hover_slot == slot {
                    return false;
                }
                self.hover_slot = slot;
            }
            Action::Console(action) => {
                let console = Rc::make_mut(&mut self.console);
                let ran = console.apply(action, &mut self.run);
                if ran {
                    self.after_step();
                }
            }
            Action::ToggleHelp => self.help_open = !self.help_open,
            Action::CloseHelp => {
                if !self.help_open {
                    return false;
                }
                self.help_open = false;
            }
            Action::SetReducedMotion(on) => self.reduced_motion = on,
            Action::SetCompact(on) => {
                if self.compact == on {
                    return false;
                }
                self.compact = on;
                self.dirty = true;
                self.refresh();
            }
            Action::DismissNotice => self.notice = None,
            Action::Lesson(action) => {
                // The playground waits, paused, while a lesson runs its own simulator.
                if matches!(action, LessonAction::Open { .. }) {
                    self.playing = false;
                }
                if matches!(action, LessonAction::Open { .. } | LessonAction::Close) {
                    self.selected = None;
                    self.explained = None;
                }
                return self.course.apply(action, self.compact);
            }
            Action::SetLang(lang) => {
                // The log lines are sentences in the old language: write them again.
                self.rebuild_log = true;
                self.dirty = true;
                self.course.set_lang(lang, self.compact);
                self.refresh();
            }
        }
        true
    }

    /// A playground action while a lesson is open: `Some(changed)` when the lesson took it
    /// (arrows are Back and Forward, fault keys act on the lesson's cluster; the playground's
    /// clock and timeline are ignored), `None` to apply it as usual.
    fn in_lesson(&mut self, action: &Action) -> Option<bool> {
        let player = self.course.player.as_ref()?;
        let sim = player.session().sim();
        let lesson_action = match action {
            Action::Step => LessonAction::Forward,
            Action::StepBack => LessonAction::Back,
            Action::Sim(SimAction::Heal) => LessonAction::Act("heal".into()),
            Action::Tick { real_ms } => LessonAction::Tick(*real_ms),
            Action::TogglePlay => LessonAction::TogglePlay,
            Action::Play
            | Action::Pause
            | Action::SeekTime(_)
            | Action::Sim(_)
            | Action::CutPartition => return Some(false),
            Action::Skip(ms) => LessonAction::Act(format!("run {ms}ms")),
            Action::OnSelected(fault) => {
                let Some(node) = self.selected.and_then(|i| sim.nodes().get(i)) else {
                    return Some(false);
                };
                let verb = match (fault, sim.status(self.selected?)) {
                    (NodeFault::Crash, _) => "kill",
                    (NodeFault::Restart, _) => "restart",
                    (NodeFault::TogglePause, Status::Paused) => "resume",
                    (NodeFault::TogglePause, _) => "pause",
                    (NodeFault::Isolate, _) => "partition",
                };
                LessonAction::Act(format!("{verb} {}", node.name))
            }
            Action::Select(node) => {
                let n = sim.nodes().len();
                self.selected = node.filter(|&i| i < n);
                // In a lesson, clicking a node may be the answer to a "which node…?" quiz.
                if let Some(name) = self.selected.map(|i| sim.nodes()[i].name.clone()) {
                    let compact = self.compact;
                    self.course.apply(LessonAction::PickNode(name), compact);
                }
                return Some(true);
            }
            Action::SetCompact(on) => {
                let on = *on;
                if let Some(p) = self.course.player.as_mut() {
                    p.set_compact(on);
                }
                return None;
            }
            _ => return None,
        };
        Some(self.apply(Action::Lesson(lesson_action)))
    }

    /// Whether the node at `idx` is running.
    pub fn status(&self, idx: usize) -> Status {
        self.run.sim().status(idx)
    }

    /// The cluster shown: the big one while there is one, else the playground's.
    pub fn shown_preset(&self) -> &Preset {
        self.big.as_ref().map_or(&self.preset, |b| &b.preset)
    }

    /// The seed of the cluster shown.
    pub fn seed(&self) -> u64 {
        self.big
            .as_ref()
            .map_or(self.run.scenario().seed, |b| b.seed)
    }

    /// Starts `preset` afresh with `seed`: a big one in the worker (the playground's cluster
    /// waits, paused), a small one here.
    fn restart(&mut self, preset: Preset, seed: u64) {
        self.forming = None;
        if BigCluster::is_big(&preset) {
            let (playing, speed_log) = match &self.big {
                Some(b) => (b.playing, b.speed_log.unwrap_or(self.speed_log)),
                None => (self.playing, self.speed_log),
            };
            let run = self.big.as_ref().map_or(0, |b| b.run + 1);
            let mut big = BigCluster::new(preset, seed, playing, speed_log);
            big.run = run;
            self.big = Some(big);
            self.playing = false;
            return;
        }
        if let Some(big) = self.big.take() {
            self.playing = big.playing;
        }
        // With a clock (the browser), a cluster that takes more than a frame to form forms a
        // step per frame, and the current one stays on screen meanwhile.
        if preset.nodes() > FORM_AT_ONCE_UP_TO && self.frame_clock.is_some() {
            if let Ok(forming) = preset.scenario(seed).forming() {
                self.forming = Some(Box::new(Pending {
                    preset,
                    seed,
                    forming,
                }));
                return;
            }
        }
        self.install(Model::with(preset, seed));
    }

    /// Replaces the run with `fresh`'s, keeping the learner's settings, course and console
    /// target.
    fn install(&mut self, mut fresh: Model) {
        fresh.speed_log = self.speed_log;
        fresh.reduced_motion = self.reduced_motion;
        fresh.compact = self.compact;
        fresh.frame_clock = self.frame_clock;
        fresh.help_open = self.help_open;
        fresh.course = std::mem::take(&mut self.course);
        fresh.dirty = true;
        fresh.refresh();
        fresh.key = std::mem::take(&mut self.key);
        fresh.playing = self.playing;
        let target = self.console.target;
        if target < fresh.run.sim().nodes().len() {
            Rc::make_mut(&mut fresh.console).set_target(target);
        }
        *self = fresh;
    }

    /// Forms the pending cluster within this frame's budget; installs it once formed.
    fn form(&mut self) -> bool {
        let Some(pending) = self.forming.as_mut() else {
            return false;
        };
        let clock = self.frame_clock;
        let deadline = clock.map_or(0.0, |c| c() + FRAME_BUDGET_MS);
        let mut out_of_time = || clock.is_some_and(|c| c() > deadline);
        let built = match pending
            .forming
            .advance(FormingStage::Formed, Some(&mut out_of_time))
        {
            Ok(false) => return true,
            Ok(true) => Ok(()),
            Err(e) => Err(e),
        };
        let Some(pending) = self.forming.take() else {
            return false;
        };
        let Pending {
            preset,
            seed,
            forming,
        } = *pending;
        let built = built.map(|()| Run::formed(preset.scenario(seed), forming.into_sim()));
        self.install(Model::from_built(preset, built));
        true
    }

    /// How the pending formation stands: nodes, stage, how many nodes passed the stage's
    /// check, simulated time.
    pub fn forming_progress(&self) -> Option<(usize, FormingStage, usize, Time)> {
        let p = self.forming.as_ref()?;
        let sim = p.forming.sim();
        let total = p.preset.nodes();
        let done = match p.forming.stage() {
            FormingStage::Joining => sim
                .nodes()
                .iter()
                .filter(|n| n.node.known_nodes() == total)
                .count(),
            _ => sim.nodes().iter().filter(|n| n.node.state_ok()).count(),
        };
        Some((total, p.forming.stage(), done, sim.now()))
    }

    fn tick(&mut self, real_ms: f64) -> bool {
        if self.forming.is_some() {
            return self.form();
        }
        if !self.playing {
            return false;
        }
        let real_ms = real_ms.clamp(0.0, MAX_FRAME_MS);
        let speed = self.speed();
        self.owed_ms += real_ms * speed;
        let whole = self.owed_ms.floor();
        self.owed_ms -= whole;
        let start = self.run.sim().now();
        let target = start + whole as u64;
        let reached = match self.frame_clock {
            Some(clock) => {
                let deadline = clock() + FRAME_BUDGET_MS;
                self.run
                    .run_to(target, STEPS_PER_FRAME, &mut || clock() > deadline)
            }
            None => self.run.run_to(target, STEPS_PER_FRAME, &mut || false),
        };
        self.lagging = !reached;
        if !reached {
            self.owed_ms = 0.0;
        }
        self.anim_clock += real_ms;
        let end = self.run.sim().now();
        let flights = self.run.take_flights();
        let clock = self.anim_clock;
        let duration = view_model::flight_duration(speed);
        let list = Rc::make_mut(&mut self.flights);
        list.retain(|f| clock - f.born < duration);
        for flight in flights {
            // Spread the frame's messages over it by when they left.
            let behind = end.since(flight.sent_at) as f64 / speed;
            list.push(LiveFlight {
                born: clock - behind.min(real_ms),
                flight,
            });
        }
        if list.len() > MAX_FLIGHTS {
            let extra = list.len() - MAX_FLIGHTS;
            list.drain(..extra);
        }
        self.collect_replies();
        self.refresh();
        true
    }

    /// After a step or an action: keep the animation state, update what changed.
    fn after_step(&mut self) {
        self.run.take_flights();
        self.collect_replies();
        self.dirty = true;
        self.refresh();
    }

    /// After a jump in time: messages drawn so far belong to another moment.
    fn after_jump(&mut self) {
        self.run.take_flights();
        self.run.take_replies();
        Rc::make_mut(&mut self.flights).clear();
        self.trace_seen = self.trace_seen.min(self.run.sim().trace().len());
        self.rebuild_log = true;
        self.dirty = true;
        self.refresh();
    }

    fn collect_replies(&mut self) {
        let replies = self.run.take_replies();
        if !replies.is_empty() {
            Rc::make_mut(&mut self.console).late_replies(replies);
        }
    }

    /// Rebuilds the picture, the log and the narration when the trace grew or after an action.
    fn refresh(&mut self) {
        let sim = self.run.sim();
        let len = sim.trace().len();
        if !self.dirty && len == self.trace_seen {
            return;
        }
        self.dirty = false;
        let fresh = &sim.trace()[self.trace_seen.min(len)..];
        for event in fresh {
            if let Some(sentence) = view_model::narrate(event, sim, self.course.lang) {
                self.narration = sentence;
            }
        }
        if self.rebuild_log {
            self.rebuild_log = false;
            self.log_all = Rc::new(view_model::log_lines(
                sim,
                LOG_LINES,
                true,
                self.course.lang,
            ));
            self.log_key = Rc::new(view_model::log_lines(
                sim,
                LOG_LINES,
                false,
                self.course.lang,
            ));
        } else if !fresh.is_empty() {
            let all = Rc::make_mut(&mut self.log_all);
            view_model::extend_log(all, fresh, sim, LOG_LINES, true, self.course.lang);
            let key = Rc::make_mut(&mut self.log_key);
            view_model::extend_log(key, fresh, sim, LOG_LINES, false, self.course.lang);
        }
        self.trace_seen = len;
        let layout = Layout {
            compact: self.compact,
            ..Layout::new(self.preset.masters, self.preset.replicas)
        };
        self.picture = Rc::new(view_model::picture(sim, layout));
    }
}

impl Default for Model {
    fn default() -> Self {
        Model::new()
    }
}

/// Sends actions to the one reducer. Stable for the app's lifetime, so it never causes a
/// re-render by itself.
pub type Dispatch = UseReducerDispatcher<AppState>;

/// The model as Yew holds it. `version` grows with every change, so equality is cheap.
pub struct AppState {
    model: Rc<RefCell<Model>>,
    pub version: u64,
}

impl AppState {
    pub fn new(model: Model) -> AppState {
        AppState {
            model: Rc::new(RefCell::new(model)),
            version: 0,
        }
    }

    pub fn model(&self) -> Ref<'_, Model> {
        self.model.borrow()
    }
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.model, &other.model) && self.version == other.version
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let changed = self.model.borrow_mut().apply(action);
        if changed {
            Rc::new(AppState {
                model: self.model.clone(),
                version: self.version + 1,
            })
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests;
