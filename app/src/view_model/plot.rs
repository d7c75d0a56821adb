//! An experiment's results as SVG geometry and as a table: axes with round ticks, one mark per
//! measured x (the median, with a whisker from min to max), a line through the medians, and
//! the same numbers as text rows for screen readers and for anyone who wants the figures.

use clusterlab_core::experiment::{BusRules, PlotKind, Run, Unit, BUS_COST_TIMEOUT_MS};

use crate::i18n::{fill, Lang, Msg};

/// The SVG's coordinate box.
pub const WIDTH: f64 = 480.0;
pub const HEIGHT: f64 = 260.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 44.0;

/// A labelled position on an axis (SVG units along that axis).
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub pos: f64,
    pub label: String,
}

/// One measured point: the median at (`cx`, `cy`), the whisker from `lo` to `hi` (SVG y).
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub cx: f64,
    pub cy: f64,
    pub lo: f64,
    pub hi: f64,
    /// The tooltip: x, median, min, max and the number of runs, in words.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChartSeries {
    pub name: &'static str,
    /// Its colour slot (`series-0`, `series-1`… in the stylesheet).
    pub slot: usize,
    pub marks: Vec<Mark>,
    /// `points` of the polyline through the medians.
    pub line: String,
}

/// One row of the table twin: the x value, then `median (min–max)` per series.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub x: String,
    pub cells: Vec<String>,
}

/// A dashed line that is not a measurement: a reference or a prediction.
#[derive(Clone, Debug, PartialEq)]
pub struct Guide {
    /// `points` of its polyline.
    pub points: String,
    /// The legend's words.
    pub label: String,
    /// Its style: `guide` (dashed) or `guide guide-alt` (dotted).
    pub class: &'static str,
}

/// One plot: the series of a run that share a unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// `seconds` or `count`: stable, for test ids.
    pub id: &'static str,
    pub x_label: &'static str,
    pub y_label: &'static str,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub series: Vec<ChartSeries>,
    /// Dashed guides: `y = x` (the node timeout itself) on failover times; what Redis's rules
    /// predict on the bus-cost charts.
    pub guides: Vec<Guide>,
    pub rows: Vec<Row>,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

/// A plot's title in `lang` (the core's `PlotKind::title` is the bench report's English).
pub fn plot_title(kind: PlotKind, lang: Lang) -> &'static str {
    lang.t(match kind {
        PlotKind::Convergence => Msg::PlotConvergence,
        PlotKind::Failover => Msg::PlotFailover,
        PlotKind::BusCost => Msg::PlotBusCost,
    })
}

fn x_label(kind: PlotKind, lang: Lang) -> &'static str {
    lang.t(match kind {
        PlotKind::Convergence => Msg::XMasters,
        PlotKind::Failover => Msg::XNodeTimeout,
        PlotKind::BusCost => Msg::XNodes,
    })
}

/// A series' name in `lang`. The core names its series in English (its bench report prints
/// them); an unknown name, a series added to the core and not here, stays English, and the
/// tests catch it.
pub fn series_name(name: &'static str, lang: Lang) -> &'static str {
    let msg = match name {
        "every node knows the new node" => Msg::SeriesKnown,
        "FAIL agreed" => Msg::SeriesFailAgreed,
        "replica promoted" => Msg::SeriesPromoted,
        "every node sees the new owner" => Msg::SeriesNewOwner,
        "false PFAIL flags" => Msg::SeriesFalsePfail,
        "false FAIL flags" => Msg::SeriesFalseFail,
        "bus traffic sent per node" => Msg::SeriesBusPerNode,
        "bus traffic, whole cluster" => Msg::SeriesBusTotal,
        "PINGs + PONGs sent per node" => Msg::SeriesPingsPerNode,
        "every node flags the dead master FAIL" => Msg::SeriesFailEverywhere,
        _ => return name,
    };
    lang.t(msg)
}

/// The charts of a run, one per unit its series use, in series order, worded in `lang`.
pub fn charts(run: &Run, lang: Lang) -> Vec<Chart> {
    let mut units: Vec<Unit> = Vec::new();
    for s in run.series() {
        if !units.contains(&s.unit) {
            units.push(s.unit);
        }
    }
    units.into_iter().map(|u| chart(run, u, lang)).collect()
}

fn chart(run: &Run, unit: Unit, lang: Lang) -> Chart {
    let kind = run.kind();
    let xs = run.x_values();
    let x_max = xs.iter().copied().fold(1.0, f64::max);
    let series: Vec<(usize, &clusterlab_core::experiment::Series)> = run
        .series()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.unit == unit)
        .collect();
    let data_max = series
        .iter()
        .flat_map(|(_, s)| s.points.iter().filter_map(|p| p.summary()))
        .map(|s| s.max)
        .fold(0.0, f64::max);
    // Failover times sit above the node timeout: keep the y = x guide in view.
    let floor = if kind == PlotKind::Failover && unit == Unit::Seconds {
        x_max
    } else {
        1.0
    };
    let y_step = nice_step(data_max.max(floor) / 5.0);
    let y_max = (data_max.max(floor) / y_step).ceil() * y_step;
    let (left, right, top, bottom) = (LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM);
    // Cluster sizes from 6 to 1000 spread evenly only on a log scale.
    let log_x = kind == PlotKind::BusCost;
    let x_min = xs.iter().copied().fold(x_max, f64::min).max(1.0);
    let sx = |x: f64| {
        let frac = if log_x {
            if x_max > x_min {
                (x.max(x_min) / x_min).ln() / (x_max / x_min).ln()
            } else {
                0.0
            }
        } else {
            x / x_max
        };
        left + frac * (right - left)
    };
    let sy = |y: f64| bottom - y / y_max * (bottom - top);
    let x_ticks = if log_x {
        xs.iter()
            .map(|&v| Tick {
                pos: sx(v),
                label: number(v),
            })
            .collect()
    } else {
        ticks(x_max, nice_step(x_max / 6.0))
            .map(|v| Tick {
                pos: sx(v),
                label: number(v),
            })
            .collect()
    };
    let y_ticks = ticks(y_max, y_step)
        .map(|v| Tick {
            pos: sy(v),
            label: number(v),
        })
        .collect();
    let unit_word = match unit {
        Unit::Seconds => " s",
        Unit::Count | Unit::PerSecond => "",
        Unit::KilobytesPerSecond => " kB/s",
        Unit::MegabytesPerSecond => " MB/s",
    };
    let chart_series = series
        .iter()
        .map(|(slot, s)| {
            let marks: Vec<Mark> = s
                .points
                .iter()
                .filter_map(|p| {
                    let sum = p.summary()?;
                    Some(Mark {
                        cx: sx(p.x),
                        cy: sy(sum.median),
                        lo: sy(sum.min),
                        hi: sy(sum.max),
                        text: fill(
                            lang.t(Msg::PointText),
                            &[
                                series_name(s.name, lang),
                                &number(p.x),
                                x_label(kind, lang),
                                &number(sum.median),
                                unit_word,
                                &number(sum.min),
                                &number(sum.max),
                                &p.samples.len().to_string(),
                            ],
                        ),
                    })
                })
                .collect();
            let line = marks
                .iter()
                .map(|m| format!("{:.1},{:.1}", m.cx, m.cy))
                .collect::<Vec<_>>()
                .join(" ");
            ChartSeries {
                name: series_name(s.name, lang),
                slot: *slot,
                marks,
                line,
            }
        })
        .collect();
    let rows = xs
        .iter()
        .map(|&x| Row {
            x: number(x),
            cells: series
                .iter()
                .map(
                    |(_, s)| match s.points.iter().find(|p| p.x == x).and_then(|p| p.summary()) {
                        Some(sum) => format!(
                            "{} ({}–{})",
                            number(sum.median),
                            number(sum.min),
                            number(sum.max)
                        ),
                        None => "…".into(),
                    },
                )
                .collect(),
        })
        .collect();
    let span = if log_x { (x_min, x_max) } else { (0.0, x_max) };
    let curve = |f: &dyn Fn(f64) -> f64| guide_points(&sx, &sy, span, log_x, y_max, f);
    let guides = match (kind, unit) {
        (PlotKind::Failover, Unit::Seconds) => vec![Guide {
            points: curve(&|x| x),
            label: lang.t(Msg::TimeoutGuide).into(),
            class: "guide",
        }],
        (PlotKind::BusCost, _) => bus_guides(unit, lang, &curve),
        _ => Vec::new(),
    };
    Chart {
        id: match unit {
            Unit::Seconds => "seconds",
            Unit::Count => "count",
            Unit::PerSecond => "rate",
            Unit::KilobytesPerSecond => "node-traffic",
            Unit::MegabytesPerSecond => "cluster-traffic",
        },
        x_label: x_label(kind, lang),
        y_label: match unit {
            Unit::Seconds => lang.t(Msg::YSeconds),
            Unit::Count => lang.t(Msg::YFlags),
            Unit::PerSecond => lang.t(Msg::YPerSecond),
            Unit::KilobytesPerSecond => lang.t(Msg::YKilobytes),
            Unit::MegabytesPerSecond => lang.t(Msg::YMegabytes),
        },
        x_ticks,
        y_ticks,
        series: chart_series,
        guides,
        rows,
        left,
        right,
        top,
        bottom,
    }
}

/// Draws a function of x as a guide's polyline on the chart at hand.
type Curve<'a> = dyn Fn(&dyn Fn(f64) -> f64) -> String + 'a;

/// What Redis's rules predict on a bus-cost chart, in the chart's unit: the floor (one PING a
/// second by the random rule) and the ceiling (every peer each half node timeout) for the
/// traffic and message charts; the node timeout itself under the FAIL times.
fn bus_guides(unit: Unit, lang: Lang, curve: &Curve) -> Vec<Guide> {
    let rules = |n: f64| BusRules::new(n.round() as u64, BUS_COST_TIMEOUT_MS);
    let timeout_s = number(BUS_COST_TIMEOUT_MS as f64 / 1000.0);
    let scale = |n: f64, per_node_bytes: f64| match unit {
        Unit::KilobytesPerSecond => per_node_bytes / 1e3,
        _ => n * per_node_bytes / 1e6,
    };
    match unit {
        Unit::KilobytesPerSecond | Unit::MegabytesPerSecond => vec![
            Guide {
                points: curve(&|n| {
                    let r = rules(n);
                    scale(n, r.bytes_per_node_s(r.pings_floor_s))
                }),
                label: lang.t(Msg::GuideBusFloor).into(),
                class: "guide guide-alt",
            },
            Guide {
                points: curve(&|n| {
                    let r = rules(n);
                    scale(n, r.bytes_per_node_s(r.pings_ceiling_s))
                }),
                label: fill(lang.t(Msg::GuideBusCeiling), &[&timeout_s]),
                class: "guide",
            },
        ],
        Unit::PerSecond => vec![
            Guide {
                points: curve(&|n| 2.0 * rules(n).pings_floor_s),
                label: lang.t(Msg::GuidePingFloor).into(),
                class: "guide guide-alt",
            },
            Guide {
                points: curve(&|n| 2.0 * rules(n).pings_ceiling_s),
                label: fill(lang.t(Msg::GuidePingCeiling), &[&timeout_s]),
                class: "guide",
            },
        ],
        Unit::Seconds => vec![Guide {
            points: curve(&|_| BUS_COST_TIMEOUT_MS as f64 / 1000.0),
            label: lang.t(Msg::TimeoutGuide).into(),
            class: "guide",
        }],
        Unit::Count => Vec::new(),
    }
}

/// A guide's polyline through `f` over `span` (steps even on the axis's scale), stopped where
/// it leaves the chart (above `y_max`).
fn guide_points(
    sx: &dyn Fn(f64) -> f64,
    sy: &dyn Fn(f64) -> f64,
    (from, to): (f64, f64),
    log: bool,
    y_max: f64,
    f: &dyn Fn(f64) -> f64,
) -> String {
    const STEPS: usize = 48;
    let mut out = Vec::new();
    for i in 0..=STEPS {
        let frac = i as f64 / STEPS as f64;
        let x = if log {
            from * (to / from).powf(frac)
        } else {
            from + (to - from) * frac
        };
        let y = f(x);
        out.push(format!("{:.1},{:.1}", sx(x), sy(y.min(y_max))));
        if y > y_max {
            break;
        }
    }
    out.join(" ")
}

/// A round step (1, 2 or 5 × a power of ten) at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * magnitude)
}

/// 0, step, 2·step… up to `max`.
fn ticks(max: f64, step: f64) -> impl Iterator<Item = f64> {
    let n = (max / step + 1e-9).floor() as usize;
    (0..=n).map(move |i| i as f64 * step)
}

/// A number without noise: `3`, `0.5`, `12.8`.
fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::experiment::{BUS_COST_SIZES, CONVERGENCE_SIZES, FAILOVER_TIMEOUTS};

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.8), 1.0);
        assert_eq!(nice_step(1.3), 2.0);
        assert_eq!(nice_step(3.4), 5.0);
        assert_eq!(nice_step(12.8), 20.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(
            ticks(15.0, 5.0).collect::<Vec<_>>(),
            vec![0.0, 5.0, 10.0, 15.0]
        );
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(12.0), "12");
        assert_eq!(number(1.285), "1.28");
    }

    /// Two sizes, one seed: marks land inside the plot, higher medians are higher up (smaller
    /// SVG y), unmeasured sizes show as `…` in the table.
    #[test]
    fn marks_sit_inside_the_axes() {
        let mut run = Run::with_plan(PlotKind::Convergence, vec![3, 12, 24], 1);
        run.step();
        run.step();
        let charts = charts(&run, Lang::En);
        assert_eq!(charts.len(), 1);
        let c = &charts[0];
        let marks = &c.series[0].marks;
        assert_eq!(marks.len(), 2);
        for m in marks {
            assert!(c.left <= m.cx && m.cx <= c.right, "{m:?}");
            assert!(
                c.top <= m.hi && m.hi <= m.cy && m.cy <= m.lo && m.lo <= c.bottom,
                "{m:?}"
            );
        }
        let medians: Vec<f64> = run.series()[0]
            .points
            .iter()
            .map(|p| p.summary().unwrap().median)
            .collect();
        assert_eq!(medians[0] < medians[1], marks[0].cy > marks[1].cy);
        assert_eq!(c.rows.len(), 3);
        assert_eq!(c.rows[2].cells, vec!["…".to_string()]);
        assert!(c.x_ticks.last().unwrap().pos <= c.right + 1e-9);
    }

    #[test]
    fn failover_runs_draw_two_charts_with_a_timeout_guide() {
        let run = Run::with_plan(PlotKind::Failover, vec![1000, 2000], 1);
        let charts = charts(&run, Lang::En);
        assert_eq!(
            charts.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec!["seconds", "count"]
        );
        assert!(charts[0].guides.len() == 1 && charts[1].guides.is_empty());
        assert_eq!(charts[0].series.len(), 3);
    }

    /// The bus-cost run draws four charts (per-node and whole-cluster traffic, messages per
    /// second, FAIL times) on a log x axis ticked at the measured sizes, each with Redis's rules
    /// drawn as guides (floor and ceiling, or the node timeout) that start inside the axes.
    #[test]
    fn bus_cost_charts_have_rules_as_guides_on_a_log_axis() {
        let mut run = Run::with_plan(PlotKind::BusCost, vec![6, 12, 24], 1);
        while run.step() {}
        assert!(run.errors().is_empty(), "{:?}", run.errors());
        let charts = charts(&run, Lang::En);
        assert_eq!(
            charts.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec!["node-traffic", "cluster-traffic", "rate", "seconds"]
        );
        assert_eq!(
            charts.iter().map(|c| c.guides.len()).collect::<Vec<_>>(),
            vec![2, 2, 2, 1]
        );
        for c in &charts {
            let labels: Vec<&str> = c.x_ticks.iter().map(|t| t.label.as_str()).collect();
            assert_eq!(labels, vec!["6", "12", "24"], "{}", c.id);
            // Log scale: 6 → 12 and 12 → 24 are the same distance.
            let gap = |i: usize| c.x_ticks[i + 1].pos - c.x_ticks[i].pos;
            assert!((gap(0) - gap(1)).abs() < 1e-6, "{}: {:?}", c.id, c.x_ticks);
            for g in &c.guides {
                let (x, y) = g.points.split(' ').next().unwrap().split_once(',').unwrap();
                let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
                assert!(
                    (c.left - 0.1..=c.right).contains(&x) && (c.top..=c.bottom).contains(&y),
                    "{}: guide {} starts outside the axes at {x},{y}",
                    c.id,
                    g.label
                );
            }
            for m in &c.series[0].marks {
                assert!(c.top <= m.cy && m.cy <= c.bottom, "{}: {m:?}", c.id);
            }
        }
    }

    /// Every series the core measures has French words (a new core series must be added to
    /// `series_name`), and the French charts carry no English label.
    #[test]
    fn every_series_and_label_is_french_in_french() {
        for kind in PlotKind::ALL {
            let run = Run::with_plan(kind, vec![], 1);
            for s in run.series() {
                assert_ne!(
                    series_name(s.name, Lang::Fr),
                    s.name,
                    "{kind:?}: the series {:?} has no French name",
                    s.name
                );
            }
            let first = match kind {
                PlotKind::Convergence => CONVERGENCE_SIZES[0],
                PlotKind::Failover => FAILOVER_TIMEOUTS[0],
                PlotKind::BusCost => BUS_COST_SIZES[0],
            };
            let mut run = Run::with_plan(kind, vec![first], 1);
            while run.step() {}
            for c in charts(&run, Lang::Fr) {
                assert_ne!(c.x_label, kind.x_label());
                assert!(c.series[0].marks[0].text.contains("médiane"), "{c:?}");
            }
            assert_ne!(plot_title(kind, Lang::Fr), kind.title());
        }
    }
}
