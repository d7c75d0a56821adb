//! Scrubbing a lesson's timeline: the cluster at an earlier simulated time of the open
//! lesson, rebuilt from copies of its simulator (the run is deterministic, so a copy taken at
//! time s and run to t is the run at t, as long as nobody acted in between).
//!
//! The copies are the player's kept moments (one per scenario step reached) and the ones
//! [`Rewind`] takes while the learner works at the current position: after every action, and
//! every simulated second while time passes. A copy followed by an action (or by part of the
//! solution, which plays several steps per slice) is shown as it is rather than run forward,
//! so what the scrubber shows is always a state the lesson really went through.

use clusterlab_core::sim::Sim;
use clusterlab_core::Time;

/// A copy every this many simulated ms while time just passes…
const EVERY_MS: u64 = 1_000;
/// …and at most this many (beyond, every other one goes: scrubbing gets coarser, never wrong).
const MAX_COPIES: usize = 48;

struct Copy {
    sim: Sim,
    /// Nothing but time passed between this copy and the next one.
    clean_after: bool,
}

/// Copies of one position's simulator as the learner works there.
#[derive(Default)]
pub struct Rewind {
    /// The player position the copies belong to.
    at: Option<usize>,
    /// What the learner had done when the last copy was taken (an action counter).
    actions: usize,
    copies: Vec<Copy>,
}

/// What the scrubber shows: the simulator at `shown` (the asked time, or the copy's own time
/// when it could not be run forward).
pub struct Rewound {
    pub sim: Sim,
    pub shown: Time,
}

impl Rewind {
    /// Called with the present state on every render: takes a copy when the learner acted
    /// (`actions` changed), when `busy` (a solution playing several steps), or when a
    /// simulated second passed. A new position starts afresh.
    pub fn note(&mut self, at: usize, sim: &Sim, actions: usize, busy: bool) {
        if self.at != Some(at) || self.copies.last().is_some_and(|c| c.sim.now() > sim.now()) {
            self.at = Some(at);
            self.copies.clear();
            self.actions = actions;
        }
        let acted = actions != self.actions || busy;
        self.actions = actions;
        let due = match self.copies.last_mut() {
            None => true,
            Some(last) => {
                if acted {
                    last.clean_after = false;
                }
                acted || sim.now().since(last.sim.now()) >= EVERY_MS
            }
        };
        if due {
            self.copies.push(Copy {
                sim: sim.clone(),
                clean_after: true,
            });
            if self.copies.len() > MAX_COPIES {
                self.thin();
            }
        }
    }

    /// Drops every other copy (keeping the first and the last); an interval that swallows an
    /// action stays marked as such.
    fn thin(&mut self) {
        let last = self.copies.len() - 1;
        let mut kept: Vec<Copy> = Vec::with_capacity(self.copies.len() / 2 + 1);
        for (i, c) in std::mem::take(&mut self.copies).into_iter().enumerate() {
            if i % 2 == 1 && i != last {
                if let Some(prev) = kept.last_mut() {
                    prev.clean_after &= c.clean_after;
                }
            } else {
                kept.push(c);
            }
        }
        self.copies = kept;
    }

    /// When the first copy of this position was taken: with no earlier kept moment, the
    /// scrubber starts there.
    pub fn first(&self) -> Option<Time> {
        self.copies.first().map(|c| c.sim.now())
    }

    /// The cluster at time `t`, from the latest copy at or before it: the player's kept
    /// moments `earlier` (oldest first, always followed by their position's step only), then
    /// this position's copies. `None` before the first copy.
    pub fn view<'a>(&self, earlier: impl IntoIterator<Item = &'a Sim>, t: Time) -> Option<Rewound> {
        let copies = earlier
            .into_iter()
            .map(|s| (s, true))
            .chain(self.copies.iter().map(|c| (&c.sim, c.clean_after)));
        let (sim, clean) = copies.filter(|(s, _)| s.now() <= t).last()?;
        let mut sim = sim.clone();
        if clean {
            sim.run_until(t);
        }
        let shown = sim.now();
        Some(Rewound { sim, shown })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::lesson::{parse, Session, Step};
    use clusterlab_core::sim::Status;

    const LESSON: &str = "---\nid: t\ntitle: T\norder: 1\nseed: 3\nconfig: node-timeout=2000\n---\n\n## One\n\nText.\n";

    /// Time passing between copies is replayed exactly (same trace as the real run); a kill
    /// between two copies is never run over: before the kill the copy shows A up.
    #[test]
    fn scrubbing_replays_time_but_never_runs_over_an_action() {
        let mut s = Session::start(&parse("t.md", LESSON).expect("parses")).expect("starts");
        let mut rewind = Rewind::default();
        let t0 = s.sim().now();
        rewind.note(3, s.sim(), 0, false);
        s.advance(2_500);
        rewind.note(3, s.sim(), 0, false);
        let real_at_2500 = s.sim().trace().len();
        s.play(&Step::from_line("kill A").expect("step"))
            .expect("kill");
        s.advance(500);
        rewind.note(3, s.sim(), 1, false);
        s.advance(3_000);
        rewind.note(3, s.sim(), 1, false);

        // 1.2 s in: run forward from the first copy; same events as the real run had then.
        let at = t0 + 1_200;
        let r = rewind.view([], at).expect("a copy");
        assert_eq!(r.shown, at);
        let real_then = s.sim().trace().iter().filter(|e| e.t <= at).count();
        assert_eq!(r.sim.trace().len(), real_then);
        // 2.8 s in: the copy at 2.5 s was followed by the kill, so it is shown as it is.
        let r = rewind.view([], t0 + 2_800).expect("a copy");
        assert_eq!(r.shown, t0 + 2_500);
        assert_eq!(r.sim.trace().len(), real_at_2500);
        assert_eq!(r.sim.status(0), Status::Up);
        // 4 s in: after the kill, time only passed: A is down, shown at the asked time.
        let r = rewind.view([], t0 + 4_000).expect("a copy");
        assert_eq!((r.shown, r.sim.status(0)), (t0 + 4_000, Status::Crashed));
        // Before every copy: nothing; another position starts afresh.
        assert!(rewind.view([], t0 - 1).is_none());
        rewind.note(4, s.sim(), 1, false);
        assert_eq!(rewind.copies.len(), 1);
        assert!(rewind.view([], t0 + 4_000).is_none());
    }

    /// Many copies are thinned, never past the cap, and the first copy stays.
    #[test]
    fn copies_stay_bounded() {
        let mut s = Session::start(&parse("t.md", LESSON).expect("parses")).expect("starts");
        let mut rewind = Rewind::default();
        let t0 = s.sim().now();
        for i in 0..(MAX_COPIES * 3) {
            s.advance(EVERY_MS);
            rewind.note(0, s.sim(), i / 10, false);
            assert!(rewind.copies.len() <= MAX_COPIES);
        }
        assert_eq!(rewind.first(), Some(t0 + EVERY_MS));
    }
}
