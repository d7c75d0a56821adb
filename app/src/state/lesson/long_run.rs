//! Long runs played in slices. The solution of lesson 10 lets a rebalance run for tens of
//! simulated seconds (about 1.4 s of work natively, more in wasm), and "+30 s" is thirty
//! seconds of a whole cluster: played in one go they would freeze the page. A [`LongRun`]
//! plays its steps a slice of simulated time at a time; the page asks for the next slice
//! (`LessonAction::Work`) after it has drawn the progress and handled input.

use std::collections::VecDeque;

use clusterlab_core::lesson::{Predicate, Session, Step, StepAction};
use clusterlab_core::time::Time;

use super::player::Said;

/// Simulated ms one slice plays at most (a few tens of real ms in the browser).
pub const SLICE_MS: u64 = 500;

/// Objectives get this much simulated time after the solution to be met (as in
/// `core/tests/lessons/main.rs`): gossip and elections take seconds.
pub const SOLUTION_SETTLE_MS: u64 = 60_000;

/// Where a long run's replies go when it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The solution: its replies are the solution's log.
    Solution,
    /// The scenario step Forward reached: its reply is the narration.
    Scenario,
    /// A console line or an action button (`run 30s`): its reply goes to the console.
    Console,
}

/// A step being played across slices.
#[derive(Clone, Debug)]
enum Work {
    /// `run`: the simulated ms still to pass.
    Run(u64),
    /// `wait … within`: until `until` holds; an error at `end`.
    Wait {
        until: Box<Predicate>,
        end: Time,
        limit_ms: u64,
    },
    /// After the solution: up to [`SOLUTION_SETTLE_MS`] for the objectives, from `start`.
    Settle { start: Time },
}

/// Steps to play on the current moment, a slice at a time.
#[derive(Clone, Debug)]
pub struct LongRun {
    pub purpose: Purpose,
    /// Steps not begun yet, with the text the learner sees for each.
    pending: VecDeque<(Step, String)>,
    /// The step in progress and its text (`None` for the settling after the solution).
    current: Option<(Work, Option<String>)>,
    /// Let the objectives settle once every step has played.
    settle: bool,
    /// What a step that answers nothing says (`done` in the console, nothing elsewhere).
    quiet: String,
    /// The replies so far, one per step played.
    pub said: Vec<Said>,
    /// How many steps there are.
    pub total: usize,
    /// Simulated time when the run began, for the progress.
    began: Time,
    /// Slices played; the page schedules the next one each time it changes.
    pub slices: u64,
    /// How long the objectives took to settle after the solution (simulated ms).
    pub settled_ms: Option<u64>,
}

impl LongRun {
    pub fn new(
        purpose: Purpose,
        steps: Vec<(Step, String)>,
        settle: bool,
        quiet: String,
        session: &Session,
    ) -> LongRun {
        LongRun {
            purpose,
            total: steps.len(),
            pending: steps.into(),
            current: None,
            settle,
            quiet,
            said: Vec::new(),
            began: session.sim().now(),
            slices: 0,
            settled_ms: None,
        }
    }

    /// Simulated ms played since the run began.
    pub fn played_ms(&self, session: &Session) -> u64 {
        session.sim().now().since(self.began)
    }

    /// The step being played (1-based) out of [`total`](Self::total); `total` while settling.
    pub fn step_no(&self) -> usize {
        (self.said.len() + 1).min(self.total)
    }

    /// The text of the step being played, if it is a step (not the settling).
    pub fn current_input(&self) -> Option<&str> {
        self.current
            .as_ref()
            .and_then(|(_, input)| input.as_deref())
    }

    /// Plays up to [`SLICE_MS`] of simulated time; `true` when the run is over.
    pub fn slice(&mut self, session: &mut Session) -> bool {
        self.slices += 1;
        let stop = session.sim().now() + SLICE_MS;
        loop {
            if self.current.is_none() && !self.begin_next(session) {
                return true;
            }
            let now = session.sim().now();
            if now >= stop {
                return false;
            }
            let budget = stop.since(now);
            let Some((work, input)) = self.current.as_mut() else {
                continue;
            };
            let outcome = match work {
                Work::Run(left) => {
                    let ms = (*left).min(budget);
                    session.advance(ms);
                    *left -= ms;
                    (*left == 0).then_some(Ok(None))
                }
                Work::Wait {
                    until,
                    end,
                    limit_ms,
                } => match session.wait_slice(until, *end, *limit_ms, budget) {
                    Ok(true) => Some(Ok(None)),
                    Ok(false) => None,
                    Err(e) => Some(Err(e.to_string())),
                },
                Work::Settle { start } => {
                    let start = *start;
                    let limit = start + SOLUTION_SETTLE_MS;
                    while !session.all_met() && session.sim().now() < limit.min(stop) {
                        session.advance(100);
                    }
                    let now = session.sim().now();
                    (session.all_met() || now >= limit).then(|| {
                        self.settled_ms = Some(now.since(start));
                        Ok(None)
                    })
                }
            };
            if let Some(result) = outcome {
                let input = input.take();
                self.current = None;
                if let Some(input) = input {
                    self.record(input, result);
                }
            }
        }
    }

    /// Begins the next step: an instant one plays whole, a `run` or `wait` becomes the
    /// current work. `false` when nothing is left.
    fn begin_next(&mut self, session: &mut Session) -> bool {
        let Some((step, input)) = self.pending.pop_front() else {
            if self.settle {
                self.settle = false;
                self.current = Some((
                    Work::Settle {
                        start: session.sim().now(),
                    },
                    None,
                ));
                return true;
            }
            return false;
        };
        let now = session.sim().now();
        match &step.action {
            StepAction::Run(ms) => self.current = Some((Work::Run(*ms), Some(input))),
            StepAction::Wait { until, limit_ms } => {
                self.current = Some((
                    Work::Wait {
                        until: Box::new(until.clone()),
                        end: now + *limit_ms,
                        limit_ms: *limit_ms,
                    },
                    Some(input),
                ))
            }
            _ => {
                let result = session.play(&step).map_err(|e| e.to_string());
                self.record(input, result);
            }
        }
        true
    }

    fn record(&mut self, input: String, result: Result<Option<String>, String>) {
        self.said.push(match result {
            Ok(reply) => Said {
                input,
                output: reply.unwrap_or_else(|| self.quiet.clone()),
                failed: false,
            },
            Err(output) => Said {
                input,
                output,
                failed: true,
            },
        });
    }
}
