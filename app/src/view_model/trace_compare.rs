//! A recorded failover next to a simulated one, as drawn: two lanes of marks on one time axis
//! (seconds after the kill), and the key moments' table with the differences.

use clusterlab_core::trace_file::{Comparison, KeyMoment};

use super::decimal;
use crate::i18n::{fill, Lang, Msg};

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
    /// `recorded` or `simulated`: stable, for test ids.
    pub id: &'static str,
    /// The lane's name in the page's language.
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

pub fn timeline(c: &Comparison, lang: Lang) -> TimelineGeom {
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
            (
                sx((s * 1000.0) as i64),
                format!("{}\u{a0}s", decimal(&s.to_string(), lang)),
            )
        })
        .collect();
    let colon = match lang {
        Lang::En => ":",
        Lang::Fr => "\u{202f}:",
    };
    let lane = |id, label, y, events: &[KeyMoment]| Lane {
        id,
        label,
        y,
        marks: events
            .iter()
            .map(|m| LaneMark {
                x: sx(m.t),
                y,
                event: m.event.split(' ').next().unwrap_or_default().to_string(),
                text: format!(
                    "{}{} {} {}",
                    seconds(m.t, lang),
                    colon,
                    m.node,
                    event_words(&m.event, m.about.as_deref(), lang)
                ),
            })
            .collect(),
    };
    TimelineGeom {
        lanes: vec![
            lane(
                "recorded",
                lang.t(Msg::Recorded),
                LANES[0],
                &c.recorded_events,
            ),
            lane(
                "simulated",
                lang.t(Msg::Simulated),
                LANES[1],
                &c.simulated_events,
            ),
        ],
        ticks,
        left,
        right,
        axis_y: AXIS_Y,
    }
}

/// What a lane mark says after the node's name: the core gives trace event names (`pfail`,
/// `vote_granted`), which a French screen must not show raw. An unknown name is shown as is,
/// followed by the node it is about.
fn event_words(event: &str, about: Option<&str>, lang: Lang) -> String {
    let msg = match event {
        "kill" => Msg::TraceKill,
        "kill (estimated)" => Msg::TraceKillGuessed,
        "pfail" => Msg::TracePfail,
        "fail" => Msg::TraceFail,
        "failover_start" => Msg::TraceFailoverStart,
        "vote_requested" => Msg::TraceVoteRequested,
        "vote_granted" => Msg::TraceVoteGranted,
        "promoted" if about.is_none() => Msg::TracePromotedAlone,
        "promoted" => Msg::TracePromoted,
        other => {
            return match about {
                Some(a) => format!("{other} {a}"),
                None => other.to_string(),
            }
        }
    };
    let template = lang.t(msg);
    match about {
        Some(a) if template.contains("{}") => fill(template, &[a]),
        Some(a) => format!("{template} ({a})"),
        None => fill(template, &["?"]),
    }
}

/// A key moment's words (the core gives ids, see `KEY_MOMENTS`); an unknown id is shown as is.
pub fn moment_label(id: &'static str, lang: Lang) -> &'static str {
    let msg = match id {
        "pfail" => Msg::MomentPfail,
        "fail" => Msg::MomentFail,
        "fail_all" => Msg::MomentFailAll,
        "failover_start" => Msg::MomentFailoverStart,
        "vote_requested" => Msg::MomentVoteRequested,
        "promoted" => Msg::MomentPromoted,
        _ => return id,
    };
    lang.t(msg)
}

pub fn rows(c: &Comparison, lang: Lang) -> Vec<MomentRow> {
    let show = |v: Option<i64>| v.map_or("—".to_string(), |ms| seconds(ms, lang));
    c.rows()
        .into_iter()
        .map(|(id, r, s)| MomentRow {
            label: moment_label(id, lang),
            recorded: show(r),
            simulated: show(s),
            difference: match (r, s) {
                (Some(r), Some(s)) => {
                    let d = s - r;
                    format!(
                        "{}{}",
                        if d >= 0 { "+" } else { "−" },
                        seconds(d.abs(), lang)
                    )
                }
                _ => "—".into(),
            },
        })
        .collect()
}

/// `2.136 s` (`2,136 s` in French), a no-break space before the unit.
pub fn seconds(ms: i64, lang: Lang) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.abs();
    let number = format!("{}.{:03}", ms / 1000, ms % 1000);
    format!("{sign}{}\u{a0}s", decimal(&number, lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::french::faults;
    use clusterlab_core::trace_file::{compare, parse_trace, KEY_MOMENTS};

    const NATIVE: &str = include_str!("../../../core/tests/fixtures/native-failover.jsonl");

    #[test]
    fn both_runs_are_drawn_on_one_axis_from_the_kill() {
        let c = compare(&parse_trace(NATIVE).unwrap(), 1).unwrap();
        let g = timeline(&c, Lang::En);
        assert_eq!(g.lanes.len(), 2);
        for lane in &g.lanes {
            assert_eq!(lane.marks[0].event, "kill", "{}", lane.id);
            assert_eq!(lane.marks[0].x, g.left);
            assert!(lane
                .marks
                .iter()
                .all(|m| g.left <= m.x && m.x <= g.right + 1e-9));
            assert!(lane.marks.iter().any(|m| m.event == "promoted"));
        }
        assert_eq!(g.ticks[0].1, "0\u{a0}s");
        let rows = rows(&c, Lang::En);
        assert_eq!(rows[0].label, "first node flags it PFAIL");
        assert!(rows
            .iter()
            .all(|r| r.recorded.ends_with("\u{a0}s") && r.simulated.ends_with("\u{a0}s")));
    }

    /// Every key moment the core compares has words in both languages.
    #[test]
    fn every_key_moment_is_worded() {
        for &id in KEY_MOMENTS {
            assert_ne!(moment_label(id, Lang::En), id, "{id} has no English words");
            assert_ne!(
                moment_label(id, Lang::Fr),
                moment_label(id, Lang::En),
                "{id} has no French words"
            );
        }
    }

    /// Seconds keep their unit on the line; French writes a decimal comma.
    #[test]
    fn seconds_read_naturally() {
        assert_eq!(seconds(2136, Lang::En), "2.136\u{a0}s");
        assert_eq!(seconds(45, Lang::En), "0.045\u{a0}s");
        assert_eq!(seconds(-1500, Lang::En), "-1.500\u{a0}s");
        assert_eq!(seconds(2136, Lang::Fr), "2,136\u{a0}s");
        assert_eq!(seconds(-1500, Lang::Fr), "-1,500\u{a0}s");
    }

    /// The lanes' ticks and mark texts follow the language (decimal comma, narrow no-break
    /// space before the colon in French).
    #[test]
    fn french_timeline_writes_french_numbers() {
        let c = compare(&parse_trace(NATIVE).unwrap(), 1).unwrap();
        let g = timeline(&c, Lang::Fr);
        assert!(
            g.ticks.iter().all(|(_, t)| !t.contains('.')),
            "{:?}",
            g.ticks
        );
        let first = &g.lanes[0].marks[0].text;
        assert!(first.starts_with("0,000\u{a0}s\u{202f}: "), "{first}");
        let en = timeline(&c, Lang::En);
        assert!(en.lanes[0].marks[0].text.starts_with("0.000\u{a0}s: "));
    }

    /// No English on a French screen: a French lane mark says the event in French, never the
    /// trace's event name (`pfail`, `vote_granted`…).
    #[test]
    fn french_marks_say_the_event_in_french() {
        let c = compare(&parse_trace(NATIVE).unwrap(), 1).unwrap();
        let g = timeline(&c, Lang::Fr);
        let names = [
            "pfail",
            "failover_start",
            "vote_requested",
            "vote_granted",
            "promoted",
        ];
        let marks: Vec<&String> = g
            .lanes
            .iter()
            .flat_map(|l| &l.marks)
            .map(|m| &m.text)
            .collect();
        assert!(
            marks
                .iter()
                .any(|t| t.contains("marque") && t.contains("PFAIL")),
            "{marks:?}"
        );
        assert!(
            marks
                .iter()
                .any(|t| t.ends_with("A1 est promu à la place de A")),
            "{marks:?}"
        );
        for t in &marks {
            assert!(
                !names.iter().any(|n| t.contains(n)),
                "English event name in {t}"
            );
            assert!(faults(t).is_empty(), "{t}: {:?}", faults(t));
        }
        // The key moments' table and the lanes' names, with French typography too.
        for r in rows(&c, Lang::Fr) {
            for text in [r.label, &r.recorded, &r.simulated, &r.difference] {
                assert!(faults(text).is_empty(), "{text}");
            }
        }
        for lane in &g.lanes {
            assert!(faults(lane.label).is_empty(), "{}", lane.label);
        }
        let en = timeline(&c, Lang::En);
        assert!(en
            .lanes
            .iter()
            .flat_map(|l| &l.marks)
            .any(|m| m.text.ends_with("A1 is promoted in place of A")));
    }
}
