//! Experiments: many short simulated runs whose measurements make the
//! course's plots (gossip convergence vs cluster size, failover time and false
//! suspicions vs `cluster-node-timeout`, the bus's cost vs cluster size).
//!
//! Every sample is a pure function of its x value and seed: the same plan
//! gives the same plot natively, in tests and in the browser. A [`Run`] takes
//! one sample per [`Run::step`] so a page can spread the work over many
//! frames and draw the points as they come.

mod bus_cost;
mod convergence;
mod failover;

pub use bus_cost::{
    bus_cost_sample, BusCostJob, BusCostSample, BusRules, BUS_COST_GUIDE_TIMEOUTS_MS,
    BUS_COST_SIZES, BUS_COST_TIMEOUT_MS,
};
pub use convergence::{convergence_sample, CONVERGENCE_SIZES};
pub use failover::{
    failover_sample, false_suspicions, FailoverSample, Suspicions, FAILOVER_TIMEOUTS, NOISY_NET,
};

use crate::sim::ScenarioError;

/// Which plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlotKind {
    /// Time for a MEET'ed node to become known to every node, vs masters.
    Convergence,
    /// Failover time and false suspicions, vs `cluster-node-timeout`.
    Failover,
    /// Bus traffic and FAIL detection time, vs nodes: why ~1000 nodes.
    BusCost,
}

impl PlotKind {
    /// Every plot, in the order the page shows them.
    pub const ALL: [PlotKind; 3] = [PlotKind::Convergence, PlotKind::Failover, PlotKind::BusCost];

    /// The lesson front matter's `panels` name of this plot.
    pub fn panel(self) -> &'static str {
        match self {
            PlotKind::Convergence => "convergence-plot",
            PlotKind::Failover => "timeout-plot",
            PlotKind::BusCost => "bus-cost-plot",
        }
    }

    /// The plot a `panels` name asks for, if it names one.
    pub fn from_panel(name: &str) -> Option<PlotKind> {
        PlotKind::ALL.into_iter().find(|k| k.panel() == name)
    }

    /// The plot's title.
    pub fn title(self) -> &'static str {
        match self {
            PlotKind::Convergence => "Gossip convergence vs cluster size",
            PlotKind::Failover => "Failover time vs cluster-node-timeout",
            PlotKind::BusCost => "Bus traffic vs cluster size",
        }
    }

    /// The x axis's label.
    pub fn x_label(self) -> &'static str {
        match self {
            PlotKind::Convergence => "masters",
            PlotKind::Failover => "cluster-node-timeout (s)",
            PlotKind::BusCost => "nodes",
        }
    }

    /// A plan value (masters, or node timeout in ms) in the x axis's unit.
    fn x_of(self, x: u64) -> f64 {
        match self {
            PlotKind::Convergence | PlotKind::BusCost => x as f64,
            PlotKind::Failover => x as f64 / 1000.0,
        }
    }

    /// The x values the plot is measured at, in the plan's unit.
    fn xs(self) -> &'static [u64] {
        match self {
            PlotKind::Convergence => CONVERGENCE_SIZES,
            PlotKind::Failover => FAILOVER_TIMEOUTS,
            PlotKind::BusCost => BUS_COST_SIZES,
        }
    }
}

/// Simulator events a bus-cost step runs: a few milliseconds of work even
/// at 1000 nodes, so a page stays responsive (it takes several steps per
/// frame); a 1000-node start's burst alone is a million PINGs.
pub const BUS_COST_SLICE_EVENTS: usize = 2000;

/// What a series' y values count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A duration, in seconds.
    Seconds,
    /// Events in a fixed window (false suspicions per minute).
    Count,
    /// Messages per second.
    PerSecond,
    /// Kilobytes (1000 bytes) per second.
    KilobytesPerSecond,
    /// Megabytes (10⁶ bytes) per second.
    MegabytesPerSecond,
}

impl Unit {
    /// The y axis's label for this unit.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Seconds => "seconds",
            Unit::Count => "per minute",
            Unit::PerSecond => "per second",
            Unit::KilobytesPerSecond => "kB/s",
            Unit::MegabytesPerSecond => "MB/s",
        }
    }
}

/// min, median and max of one point's samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Smallest sample.
    pub min: f64,
    /// Median sample.
    pub median: f64,
    /// Largest sample.
    pub max: f64,
}

/// The summary of `samples`, `None` when there are none. The median of an
/// even count is the mean of the two middle values.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    if samples.is_empty() {
        return None;
    }
    let mut s = samples.to_vec();
    crate::sorted::sort_by(&mut s, f64::total_cmp);
    let mid = s.len() / 2;
    let median = if s.len().is_multiple_of(2) {
        (s[mid - 1] + s[mid]) / 2.0
    } else {
        s[mid]
    };
    Some(Summary {
        min: s[0],
        median,
        max: s[s.len() - 1],
    })
}

/// The samples measured at one x.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Where on the x axis, in its unit.
    pub x: f64,
    /// One value per seed that produced one.
    pub samples: Vec<f64>,
}

impl Point {
    /// min, median and max of the samples, `None` before any.
    pub fn summary(&self) -> Option<Summary> {
        summarize(&self.samples)
    }
}

/// One measured quantity across the x values.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend's name for it.
    pub name: &'static str,
    /// What its y values count.
    pub unit: Unit,
    /// One point per x value, in order.
    pub points: Vec<Point>,
}

impl Series {
    fn new(name: &'static str, unit: Unit) -> Series {
        Series {
            name,
            unit,
            points: Vec::new(),
        }
    }

    /// Adds a sample at `x` (points stay in x order: samples come x by x).
    fn add(&mut self, x: f64, y: f64) {
        match self.points.last_mut() {
            Some(p) if p.x == x => p.samples.push(y),
            _ => self.points.push(Point {
                x,
                samples: vec![y],
            }),
        }
    }
}

/// An experiment in progress: x values × seeds, one sample per step.
#[derive(Clone, Debug)]
pub struct Run {
    kind: PlotKind,
    xs: Vec<u64>,
    seeds: u64,
    next: usize,
    series: Vec<Series>,
    /// Samples that could not be measured, in words (never expected; shown).
    errors: Vec<String>,
    /// A bus-cost sample in progress: a big one spans many steps.
    job: Option<BusCostJob>,
}

impl Run {
    /// The plot's standard plan: its x values, `seeds` seeds each (1..=seeds).
    pub fn new(kind: PlotKind, seeds: u64) -> Run {
        Run::with_plan(kind, kind.xs().to_vec(), seeds)
    }

    /// A custom plan (tests use a smaller one).
    pub fn with_plan(kind: PlotKind, xs: Vec<u64>, seeds: u64) -> Run {
        let series = match kind {
            PlotKind::Convergence => {
                vec![Series::new("every node knows the new node", Unit::Seconds)]
            }
            PlotKind::Failover => vec![
                Series::new("FAIL agreed", Unit::Seconds),
                Series::new("replica promoted", Unit::Seconds),
                Series::new("every node sees the new owner", Unit::Seconds),
                Series::new("false PFAIL flags", Unit::Count),
                Series::new("false FAIL flags", Unit::Count),
            ],
            PlotKind::BusCost => vec![
                Series::new("bus traffic sent per node", Unit::KilobytesPerSecond),
                Series::new("bus traffic, whole cluster", Unit::MegabytesPerSecond),
                Series::new("PINGs + PONGs sent per node", Unit::PerSecond),
                Series::new("every node flags the dead master FAIL", Unit::Seconds),
            ],
        };
        Run {
            kind,
            xs,
            seeds: seeds.max(1),
            next: 0,
            series,
            errors: Vec::new(),
            job: None,
        }
    }

    /// Which plot this run measures.
    pub fn kind(&self) -> PlotKind {
        self.kind
    }

    /// Samples taken so far, and the total.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.total())
    }

    /// Samples the whole run takes (x values × seeds).
    pub fn total(&self) -> usize {
        self.xs.len() * self.seeds as usize
    }

    /// Whether every sample is taken.
    pub fn is_done(&self) -> bool {
        self.next >= self.total()
    }

    /// The series measured so far.
    pub fn series(&self) -> &[Series] {
        &self.series
    }

    /// Where points will be, in the x axis's unit: the axis spans them
    /// before any is measured.
    pub fn x_values(&self) -> Vec<f64> {
        self.xs.iter().map(|&x| self.kind.x_of(x)).collect()
    }

    /// Samples that failed, as text (a scenario that did not form…).
    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    /// Takes the next sample, or a slice of it when it is a big one (the
    /// bus-cost plot's: at most [`BUS_COST_SLICE_EVENTS`] events per step);
    /// returns false once every sample is taken.
    pub fn step(&mut self) -> bool {
        if self.is_done() {
            return false;
        }
        let job = self.next;
        let x = self.xs[job / self.seeds as usize];
        let seed = job as u64 % self.seeds + 1;
        match self.sample(x, seed) {
            Ok(false) => return true,
            Ok(true) => {}
            Err(e) => {
                self.job = None;
                self.errors.push(format!("x={x} seed={seed}: {e}"));
            }
        }
        self.next += 1;
        true
    }

    /// Advances the bus-cost sample of (`x`, `seed`), starting it if needed;
    /// true once it is recorded.
    fn bus_cost_slice(&mut self, x: u64, seed: u64) -> Result<bool, ScenarioError> {
        let job = match &mut self.job {
            Some(job) => job,
            None => self.job.insert(BusCostJob::new(x, seed)?),
        };
        let Some(s) = job.advance(Some(BUS_COST_SLICE_EVENTS))? else {
            return Ok(false);
        };
        self.job = None;
        let xs = self.kind.x_of(x);
        self.series[0].add(xs, s.bytes_per_node_s / 1e3);
        self.series[1].add(xs, s.total_bytes_s / 1e6);
        self.series[2].add(xs, s.pings_pongs_per_node_s);
        self.series[3].add(xs, s.fail_everywhere_ms as f64 / 1000.0);
        Ok(true)
    }

    /// Takes the sample of (`x`, `seed`), or a slice of it; true once it is
    /// recorded.
    fn sample(&mut self, x: u64, seed: u64) -> Result<bool, ScenarioError> {
        match self.kind {
            PlotKind::Convergence => {
                let ms = convergence_sample(x as usize, seed)?;
                self.series[0].add(self.kind.x_of(x), ms as f64 / 1000.0);
            }
            PlotKind::Failover => {
                let xs = self.kind.x_of(x);
                let f = failover_sample(x, seed)?;
                self.series[0].add(xs, f.fail_ms as f64 / 1000.0);
                self.series[1].add(xs, f.promoted_ms as f64 / 1000.0);
                self.series[2].add(xs, f.everyone_ms as f64 / 1000.0);
                let s = false_suspicions(x, seed)?;
                self.series[3].add(xs, s.pfail as f64);
                self.series[4].add(xs, s.fail as f64);
            }
            PlotKind::BusCost => return self.bus_cost_slice(x, seed),
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_take_the_middle_and_the_ends() {
        let s = summarize(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.min, s.median, s.max), (1.0, 2.0, 3.0));
        let s = summarize(&[4.0, 1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.median, 2.5);
        assert_eq!(summarize(&[]), None);
    }

    #[test]
    fn panel_names_round_trip() {
        for k in PlotKind::ALL {
            assert_eq!(PlotKind::from_panel(k.panel()), Some(k));
        }
        assert_eq!(PlotKind::from_panel("nodes"), None);
    }
}
