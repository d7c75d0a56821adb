//! An experiment's results as SVG geometry and as a table: axes with round ticks, one mark per
//! measured x (the median, with a whisker from min to max), a line through the medians, and
//! the same numbers as text rows for screen readers and for anyone who wants the figures.

use clusterlab_core::experiment::{PlotKind, Run, Unit};

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
    /// A dashed guide and its label: `y = x` (the node timeout itself) on failover times.
    pub guide: Option<(String, &'static str)>,
    pub rows: Vec<Row>,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

/// The charts of a run, one per unit its series use, in series order.
pub fn charts(run: &Run) -> Vec<Chart> {
    let mut units: Vec<Unit> = Vec::new();
    for s in run.series() {
        if !units.contains(&s.unit) {
            units.push(s.unit);
        }
    }
    units.into_iter().map(|u| chart(run, u)).collect()
}

fn chart(run: &Run, unit: Unit) -> Chart {
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
    let sx = |x: f64| left + x / x_max * (right - left);
    let sy = |y: f64| bottom - y / y_max * (bottom - top);
    let x_step = nice_step(x_max / 6.0);
    let x_ticks = ticks(x_max, x_step)
        .map(|v| Tick {
            pos: sx(v),
            label: number(v),
        })
        .collect();
    let y_ticks = ticks(y_max, y_step)
        .map(|v| Tick {
            pos: sy(v),
            label: number(v),
        })
        .collect();
    let unit_word = match unit {
        Unit::Seconds => " s",
        Unit::Count => "",
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
                        text: format!(
                            "{}: {} {}, median {}{unit_word} (min {}, max {}) over {} runs",
                            s.name,
                            number(p.x),
                            kind.x_label(),
                            number(sum.median),
                            number(sum.min),
                            number(sum.max),
                            p.samples.len()
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
                name: s.name,
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
    let guide = (kind == PlotKind::Failover && unit == Unit::Seconds).then(|| {
        (
            format!(
                "{:.1},{:.1} {:.1},{:.1}",
                sx(0.0),
                sy(0.0),
                sx(x_max),
                sy(x_max)
            ),
            "y = node timeout",
        )
    });
    Chart {
        id: match unit {
            Unit::Seconds => "seconds",
            Unit::Count => "count",
        },
        x_label: kind.x_label(),
        y_label: match unit {
            Unit::Seconds => "seconds",
            Unit::Count => "flags per minute",
        },
        x_ticks,
        y_ticks,
        series: chart_series,
        guide,
        rows,
        left,
        right,
        top,
        bottom,
    }
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
        let charts = charts(&run);
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
        let charts = charts(&run);
        assert_eq!(
            charts.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec!["seconds", "count"]
        );
        assert!(charts[0].guide.is_some() && charts[1].guide.is_none());
        assert_eq!(charts[0].series.len(), 3);
    }
}
