//! A big cluster drawn as rings of arcs: one arc per node, one angular sector per shard (its
//! slots, split evenly at the start), the shard's first node (a master at the start) on the
//! outer ring and its replicas on the rings inside. A thousand nodes fit, and the colours
//! carry what failure detection is doing: how many running nodes flag each node PFAIL or FAIL.
//!
//! Also the sentences the view writes: the worker's milestones and a node's beliefs.

use std::f64::consts::{FRAC_PI_2, TAU};

use clusterlab_core::Time;
use clusterlab_worker::protocol::{Beliefs, Cell, Digest, Milestone, Moment, Process};

use crate::i18n::{fill, Lang, Msg};
use crate::view_model::format::{format_ms, format_time};

/// The canvas's own size (CSS scales it).
pub const RING_SIZE: f64 = 640.0;
const OUTER: f64 = 292.0;
/// Distance between two rings.
const RING_STEP: f64 = 34.0;
const MASTER_WIDTH: f64 = 18.0;
const REPLICA_WIDTH: f64 = 7.0;
/// Radians left empty between two shards' arcs when they are wide enough to show it.
const GAP: f64 = 0.004;

/// One node's arc.
#[derive(Clone, Debug, PartialEq)]
pub struct Arc {
    pub node: usize,
    pub radius: f64,
    /// Angles in radians, clockwise from the top, as the canvas's `arc` takes them.
    pub from: f64,
    pub to: f64,
    pub width: f64,
    pub color: String,
}

/// The ring's geometry for `masters` shards of `1 + replicas` nodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ring {
    pub masters: usize,
    pub replicas: usize,
}

impl Ring {
    fn span(&self) -> f64 {
        TAU / self.masters.max(1) as f64
    }

    fn radius(level: usize) -> f64 {
        OUTER - RING_STEP * level as f64
    }

    /// Node `idx`'s shard and ring (0: outer), as the scenario numbers them (masters first,
    /// then each replica level).
    pub fn place(&self, idx: usize) -> (usize, usize) {
        let m = self.masters.max(1);
        (idx % m, idx / m)
    }

    /// Every node's arc, coloured by its cell.
    pub fn arcs(&self, cells: &[Cell]) -> Vec<Arc> {
        let running = cells.iter().filter(|c| c.status == Process::Up).count();
        let span = self.span();
        let gap = if span > 8.0 * GAP { GAP } else { 0.0 };
        cells
            .iter()
            .enumerate()
            .map(|(node, cell)| {
                let (shard, level) = self.place(node);
                let start = shard as f64 * span - FRAC_PI_2;
                Arc {
                    node,
                    radius: Ring::radius(level),
                    from: start + gap,
                    to: start + span - gap,
                    width: if cell.master {
                        MASTER_WIDTH
                    } else {
                        REPLICA_WIDTH
                    },
                    color: color(cell, running),
                }
            })
            .collect()
    }

    /// The node under canvas point (`x`, `y`), if any.
    pub fn hit(&self, x: f64, y: f64) -> Option<usize> {
        let (dx, dy) = (x - RING_SIZE / 2.0, y - RING_SIZE / 2.0);
        let r = dx.hypot(dy);
        let level = ((OUTER - r) / RING_STEP).round();
        if level < 0.0 || level > self.replicas as f64 {
            return None;
        }
        if (r - Ring::radius(level as usize)).abs() > RING_STEP / 2.0 {
            return None;
        }
        let angle = (dy.atan2(dx) + FRAC_PI_2).rem_euclid(TAU);
        let shard = ((angle / self.span()) as usize).min(self.masters.saturating_sub(1));
        Some(level as usize * self.masters + shard)
    }
}

/// A node's colour: grey when not running; red while running nodes flag it FAIL, amber while
/// they flag it PFAIL, darker the more of them do; blue otherwise (lighter for replicas).
pub fn color(cell: &Cell, running: usize) -> String {
    let share = |n: u16| f64::from(n) / running.max(1) as f64;
    match cell.status {
        Process::Crashed => "#5b5b5b".into(),
        Process::Paused => "#9a9a9a".into(),
        Process::Up if cell.fail > 0 => {
            format!("hsl(0, 78%, {:.0}%)", 68.0 - 28.0 * share(cell.fail))
        }
        Process::Up if cell.pfail > 0 => {
            format!("hsl(38, 95%, {:.0}%)", 66.0 - 26.0 * share(cell.pfail))
        }
        Process::Up if cell.master => "#2f6fd6".into(),
        Process::Up => "#8fb5ee".into(),
    }
}

/// The cluster in numbers: nodes running, masters among them (a killed master's own belief
/// does not count), nodes someone flags PFAIL, and FAIL.
pub fn counts(cells: &[Cell]) -> [usize; 4] {
    let running = || cells.iter().filter(|c| c.status == Process::Up);
    [
        running().count(),
        running().filter(|c| c.master).count(),
        cells.iter().filter(|c| c.pfail > 0).count(),
        cells.iter().filter(|c| c.fail > 0).count(),
    ]
}

/// The digest's clock and bus in words.
pub fn stats_line(d: &Digest, lang: Lang) -> String {
    fill(
        lang.t(Msg::BigStats),
        &[
            &format_time(Time(d.t_ms), lang),
            &decimal1(d.sim_per_real, lang),
            &format!("{:.0}", d.rates.pings + d.rates.pongs),
            &decimal1(d.rates.bus_bytes / 1e6, lang),
        ],
    )
}

/// When the worker falls behind the speed asked (by more than a fifth), why, in words: the
/// bus's work grows as N², each message carrying max(3, N/10) gossip entries.
pub fn behind(d: &Digest, speed_log: Option<f64>, nodes: usize, lang: Lang) -> Option<String> {
    let asked = 10f64.powf(speed_log?);
    (d.sim_per_real > 0.0 && d.sim_per_real < 0.8 * asked).then(|| {
        fill(
            lang.t(Msg::BigBehind),
            &[
                &decimal1(d.sim_per_real, lang),
                &nodes.to_string(),
                &(nodes / 10).max(3).to_string(),
            ],
        )
    })
}

fn decimal1(x: f64, lang: Lang) -> String {
    crate::view_model::format::decimal(&format!("{x:.1}"), lang)
}

/// A milestone in words, with its simulated time.
pub fn moment_line(m: &Milestone, names: &[String], lang: Lang) -> (String, String) {
    let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| format!("#{i}"));
    let text = match &m.what {
        Moment::Ready => lang.t(Msg::BigMomentReady).to_string(),
        Moment::Crashed { node } => fill(lang.t(Msg::BigMomentCrashed), &[&name(*node)]),
        Moment::Restarted { node } => fill(lang.t(Msg::BigMomentRestarted), &[&name(*node)]),
        Moment::FirstPfail { by, about } => fill(
            lang.t(Msg::BigMomentFirstPfail),
            &[&name(*by), &name(*about)],
        ),
        Moment::Declared {
            by,
            about,
            reports,
            needed,
        } => fill(
            lang.t(Msg::BigMomentDeclared),
            &[
                &name(*by),
                &name(*about),
                &reports.to_string(),
                &needed.to_string(),
            ],
        ),
        Moment::FailEverywhere { about, after_ms } => fill(
            lang.t(Msg::BigMomentEverywhere),
            &[&name(*about), &format_ms(*after_ms, lang)],
        ),
        Moment::Promoted { node, epoch } => fill(
            lang.t(Msg::BigMomentPromoted),
            &[&name(*node), &epoch.to_string()],
        ),
        Moment::Cleared { by, about } => {
            fill(lang.t(Msg::BigMomentCleared), &[&name(*by), &name(*about)])
        }
    };
    (format_time(Time(m.t_ms), lang), text)
}

/// The picked node's beliefs, one sentence per line.
pub fn belief_lines(b: &Beliefs, names: &[String], lang: Lang) -> Vec<String> {
    let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| format!("#{i}"));
    if b.process == Process::Crashed {
        return vec![fill(lang.t(Msg::BigBeliefDown), &[&name(b.node)])];
    }
    let role = match b.master_of {
        Some(master) if !b.master => fill(
            lang.t(Msg::BigBeliefReplica),
            &[&name(b.node), &name(master), &b.current_epoch.to_string()],
        ),
        _ => fill(
            lang.t(Msg::BigBeliefMaster),
            &[
                &name(b.node),
                &b.config_epoch.to_string(),
                &b.current_epoch.to_string(),
            ],
        ),
    };
    let state = if b.state_ok { "ok" } else { "fail" };
    let list = |nodes: &[usize], count: usize| {
        if count == 0 {
            return lang.t(Msg::BigBeliefNobody).to_string();
        }
        let named: Vec<String> = nodes.iter().map(|&i| name(i)).collect();
        if count > nodes.len() {
            fill(
                lang.t(Msg::BigBeliefMore),
                &[&named.join(", "), &(count - nodes.len()).to_string()],
            )
        } else {
            named.join(", ")
        }
    };
    let mut lines = vec![
        role,
        fill(
            lang.t(Msg::BigBeliefTable),
            &[&b.known.to_string(), &b.connected.to_string(), state],
        ),
        fill(
            lang.t(Msg::BigBeliefPfail),
            &[&list(&b.pfail, b.pfail_count)],
        ),
        fill(lang.t(Msg::BigBeliefFail), &[&list(&b.fail, b.fail_count)]),
    ];
    if let Some(e) = &b.election {
        lines.push(fill(
            lang.t(Msg::BigBeliefElection),
            &[
                &e.epoch.to_string(),
                &e.rank.to_string(),
                &e.votes.to_string(),
                &e.needed.to_string(),
            ],
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(master: bool) -> Cell {
        Cell {
            master,
            ..Cell::default()
        }
    }

    #[test]
    fn every_arc_is_found_where_it_is_drawn() {
        let ring = Ring {
            masters: 500,
            replicas: 1,
        };
        let cells: Vec<Cell> = (0..1000).map(|i| cell(i < 500)).collect();
        let arcs = ring.arcs(&cells);
        for a in &arcs {
            let mid = (a.from + a.to) / 2.0;
            let (x, y) = (
                RING_SIZE / 2.0 + a.radius * mid.cos(),
                RING_SIZE / 2.0 + a.radius * mid.sin(),
            );
            assert_eq!(ring.hit(x, y), Some(a.node), "{a:?}");
        }
        // Node 0 (A) is at the top, its replica A1 (node 500) just inside it.
        assert_eq!(
            ring.hit(RING_SIZE / 2.0 + 1.0, RING_SIZE / 2.0 - OUTER),
            Some(0)
        );
        assert_eq!(
            ring.hit(RING_SIZE / 2.0 + 1.0, RING_SIZE / 2.0 - OUTER + RING_STEP),
            Some(500)
        );
        assert_eq!(
            ring.hit(RING_SIZE / 2.0, RING_SIZE / 2.0),
            None,
            "the centre"
        );
        assert_eq!(ring.hit(0.0, 0.0), None, "a corner");
    }

    #[test]
    fn colours_say_how_many_nodes_flag_a_node() {
        let few = Cell {
            fail: 1,
            ..cell(true)
        };
        let all = Cell {
            fail: 999,
            ..cell(true)
        };
        assert_eq!(color(&few, 1000), "hsl(0, 78%, 68%)");
        assert_eq!(color(&all, 1000), "hsl(0, 78%, 40%)");
        let suspected = Cell {
            pfail: 500,
            ..cell(false)
        };
        assert_eq!(color(&suspected, 1000), "hsl(38, 95%, 53%)");
        let dead = Cell {
            status: Process::Crashed,
            fail: 999,
            ..cell(true)
        };
        assert_eq!(
            color(&dead, 999),
            "#5b5b5b",
            "a crashed node is grey, flagged or not"
        );
        assert_ne!(color(&cell(true), 2), color(&cell(false), 2));
    }

    #[test]
    fn falling_behind_is_explained_by_the_bus() {
        let d = |rate| Digest {
            sim_per_real: rate,
            ..Digest::default()
        };
        assert_eq!(behind(&d(0.9), Some(0.0), 1000, Lang::En), None);
        assert_eq!(
            behind(&d(5.0), None, 1000, Lang::En),
            None,
            "no speed asked"
        );
        let line = behind(&d(0.4), Some(0.0), 1000, Lang::En).expect("behind");
        assert!(
            line.starts_with("The worker simulates 0.4× real time"),
            "{line}"
        );
        assert!(line.contains("with 100 gossip entries"), "{line}");
    }

    #[test]
    fn moments_and_beliefs_read_as_sentences() {
        let names: Vec<String> = ["A", "B", "C", "A1", "B1", "C1"].map(String::from).into();
        let declared = Milestone {
            t_ms: 17_250,
            what: Moment::Declared {
                by: 1,
                about: 0,
                reports: 2,
                needed: 2,
            },
        };
        let (t, text) = moment_line(&declared, &names, Lang::En);
        assert_eq!(t, "17.250\u{a0}s");
        assert!(
            text.starts_with("B flags A FAIL: 2 failure reports"),
            "{text}"
        );
        let (t, _) = moment_line(&declared, &names, Lang::Fr);
        assert_eq!(t, "17,250\u{a0}s");
        let b = Beliefs {
            node: 4,
            process: Process::Up,
            master: false,
            master_of: Some(1),
            current_epoch: 7,
            config_epoch: 2,
            state_ok: true,
            known: 6,
            connected: 4,
            pfail: vec![],
            pfail_count: 0,
            fail: vec![0],
            fail_count: 3,
            election: None,
        };
        let lines = belief_lines(&b, &names, Lang::En);
        assert_eq!(lines[0], "B1: replica of B, currentEpoch 7");
        assert_eq!(lines[2], "flags PFAIL: nobody");
        assert_eq!(lines[3], "flags FAIL: A and 2 more");
    }
}
