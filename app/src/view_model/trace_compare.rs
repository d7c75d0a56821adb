//! A recorded failover next to a simulated one, as drawn: two lanes of marks on one time axis
//! (seconds after the kill), and the key moments' table with the differences.

use clusterlab_core::trace_file::{Comparison, KeyMoment};

pub const WIDTH: f64 = 520.0;
pub const HEIGHT: f64 = 150.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 14.0;
/// Lane centres.
const LANES: [f64; 2] = [36.0, 86.0];
const AXIS_Y: f64 = 116.0;

#[derive(Clone, Debug, PartialEq)]
pub struct LaneMark {
    pub x: f64,
    pub y: f64,
    /// The event name: the mark's style (`kill`, `pfail`, `fail`, `promoted`…).
    pub event: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub label: &'static str,
    pub y: f64,
    pub marks: Vec<LaneMark>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TimelineGeom {
    pub lanes: Vec<Lane>,
    /// x position and label (seconds).
    pub ticks: Vec<(f64, String)>,
    pub left: f64,
    pub right: f64,
    pub axis_y: f64,
}

/// One row of the table: the moment, both times and simulated minus recorded (all text).
#[derive(Clone, Debug, PartialEq)]
pub struct MomentRow {
    pub label: &'static str,
    pub recorded: String,
    pub simulated: String,
    pub difference: String,
}

pub fn timeline(c: &Comparison) -> TimelineGeom {
    let end = c
        .recorded_events
        .iter()
        .chain(&c.simulated_events)
        .map(|m| m.t)
        .max()
        .unwrap_or(0)
        .max(1000) as f64;
    let (left, right) = (LEFT, WIDTH - RIGHT);
    let sx = |t: i64| left + t.max(0) as f64 / end * (right - left);
    let step_s = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0]
        .into_iter()
        .find(|s| end / 1000.0 / s <= 8.0)
        .unwrap_or(120.0);
    let n = (end / 1000.0 / step_s).floor() as usize;
    let ticks = (0..=n)
        .map(|i| {
            let s = i as f64 * step_s;
            (sx((s * 1000.0) as i64), format!("{s}s"))
        })
        .collect();
    let lane = |label, y, events: &[KeyMoment]| Lane {
        label,
        y,
        marks: events
            .iter()
            .map(|m| LaneMark {
                x: sx(m.t),
                y,
                event: m.event.split(' ').next().unwrap_or_default().to_string(),
                text: format!(
                    "{}: {} {}{}",
                    seconds(m.t),
                    m.node,
                    m.event,
                    m.about
                        .as_deref()
                        .map(|a| format!(" {a}"))
                        .unwrap_or_default()
                ),
            })
            .collect(),
    };
    TimelineGeom {
        lanes: vec![
            lane("recorded", LANES[0], &c.recorded_events),
            lane("simulated", LANES[1], &c.simulated_events),
        ],
        ticks,
        left,
        right,
        axis_y: AXIS_Y,
    }
}

pub fn rows(c: &Comparison) -> Vec<MomentRow> {
    let show = |v: Option<i64>| v.map_or("—".to_string(), seconds);
    c.rows()
        .into_iter()
        .map(|(label, r, s)| MomentRow {
            label,
            recorded: show(r),
            simulated: show(s),
            difference: match (r, s) {
                (Some(r), Some(s)) => {
                    let d = s - r;
                    format!("{}{}", if d >= 0 { "+" } else { "−" }, seconds(d.abs()))
                }
                _ => "—".into(),
            },
        })
        .collect()
}

/// `2.136 s`.
pub fn seconds(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.abs();
    format!("{sign}{}.{:03} s", ms / 1000, ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::trace_file::{compare, parse_trace};

    const NATIVE: &str = include_str!("../../../core/tests/fixtures/native-failover.jsonl");

    #[test]
    fn both_runs_are_drawn_on_one_axis_from_the_kill() {
        let c = compare(&parse_trace(NATIVE).unwrap(), 1).unwrap();
        let g = timeline(&c);
        assert_eq!(g.lanes.len(), 2);
        for lane in &g.lanes {
            assert_eq!(lane.marks[0].event, "kill", "{}", lane.label);
            assert_eq!(lane.marks[0].x, g.left);
            assert!(lane
                .marks
                .iter()
                .all(|m| g.left <= m.x && m.x <= g.right + 1e-9));
            assert!(lane.marks.iter().any(|m| m.event == "promoted"));
        }
        assert_eq!(g.ticks[0].1, "0s");
        let rows = rows(&c);
        assert_eq!(rows[0].label, "first node flags it PFAIL");
        assert!(rows
            .iter()
            .all(|r| r.recorded.ends_with(" s") && r.simulated.ends_with(" s")));
    }

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(seconds(2136), "2.136 s");
        assert_eq!(seconds(45), "0.045 s");
        assert_eq!(seconds(-1500), "-1.500 s");
    }
}
