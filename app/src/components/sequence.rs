//! The sequence (Lamport) diagram: one lane per node, time flowing right, an arrow per message
//! over the last few seconds, and marks where nodes changed their minds. It ends at the
//! current moment, so it follows the scrubber and step back.

use std::collections::BTreeMap;
use std::rc::Rc;

use clusterlab_core::sorted;

use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};
use crate::state::Action;
use crate::view_model::explain::EventRef;
use crate::view_model::wire::SeqPick;
use crate::view_model::Traffic;
use crate::view_model::{format_ms, format_time, msg_style, SeqMark, Sequence};

use super::canvas::context_2d;
use super::use_dispatch;

#[derive(Properties, PartialEq)]
pub struct SequenceProps {
    pub seq: Rc<Sequence>,
    /// The event or message a lesson's stepper selected: circled.
    #[prop_or_default]
    pub selected: Option<SeqPick>,
}

const WIDTH: f64 = 1000.0;
const GUTTER: f64 = 44.0;
const AXIS: f64 = 18.0;
/// How close (canvas px) a click must land to a mark to select it.
const HIT: f64 = 10.0;
/// State changes listed under the diagram as buttons (the newest).
const LISTED_MARKS: usize = 8;

fn lane_height(lanes: usize) -> f64 {
    if lanes <= 12 {
        22.0
    } else {
        (420.0 / lanes as f64).max(3.0)
    }
}

#[function_component]
pub fn SequenceDiagram(props: &SequenceProps) -> Html {
    let canvas = use_node_ref();
    let lang = use_lang();
    let seq = &props.seq;
    let height = lane_height(seq.lanes.len()) * seq.lanes.len() as f64 + AXIS + 6.0;
    {
        let canvas = canvas.clone();
        use_effect_with(
            (props.seq.clone(), props.selected),
            move |(seq, selected)| draw(&canvas, seq, *selected),
        );
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &seq.arrows {
        *counts.entry(msg_style(a.kind).label).or_default() += 1;
    }
    let summary = counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let window = seq.end.since(seq.start);
    let dispatch = use_dispatch();
    let explain = |m: &SeqMark| {
        let dispatch = dispatch.clone();
        let at = EventRef {
            index: m.index,
            t: m.t,
            node: m.node,
        };
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Explain(Some(at))))
    };
    let on_canvas = {
        let (dispatch, canvas, seq) = (dispatch.clone(), canvas.clone(), seq.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let scale = WIDTH / f64::from(el.client_width().max(1));
            let (cx, cy) = (
                f64::from(e.offset_x()) * scale,
                f64::from(e.offset_y()) * scale,
            );
            if let Some(m) = mark_at(&seq, cx, cy) {
                let at = EventRef {
                    index: m.index,
                    t: m.t,
                    node: m.node,
                };
                dispatch.dispatch(Action::Explain(Some(at)));
            }
        })
    };
    let listed = &seq.marks[seq.marks.len().saturating_sub(LISTED_MARKS)..];
    html! {
        <section class="sequence" aria-labelledby="sequence-title">
            <h2 id="sequence-title">{ lang.t(Msg::SequenceTitle) }<small>{ fill(lang.t(Msg::SequenceSub), &[&format_ms(window, lang)]) }</small></h2>
            <canvas ref={canvas} data-testid="sequence" width={WIDTH.to_string()} height={height.to_string()}
                style={format!("aspect-ratio: {WIDTH} / {height}")}
                role="img" aria-label={fill(lang.t(Msg::SequenceLabel), &[if summary.is_empty() { lang.t(Msg::SequenceEmpty) } else { &summary }])}
                onclick={on_canvas} />
            if !listed.is_empty() {
                <div class="seq-marks" role="group" aria-label={lang.t(Msg::WhyMarks)}>
                    <span class="hint">{ lang.t(Msg::WhyMarks) }</span>
                    { for listed.iter().map(|m| html! {
                        <button data-testid="seq-mark" data-label={m.label} style={format!("border-color: {}", m.colour)}
                            title={lang.t(Msg::WhyExplain)} onclick={explain(m)}>
                            { format!("{} {} {}", format_time(m.t, lang), seq.lanes.get(m.node).map_or("?", String::as_str), m.label) }
                        </button>
                    }) }
                </div>
            }
        </section>
    }
}

/// The mark nearest to canvas point (`cx`, `cy`), if one is within [`HIT`] px.
fn mark_at(seq: &Sequence, cx: f64, cy: f64) -> Option<&SeqMark> {
    let lane = lane_height(seq.lanes.len());
    let plot = WIDTH - GUTTER - 8.0;
    seq.marks
        .iter()
        .map(|m| {
            let (mx, my) = (GUTTER + m.x * plot, 4.0 + lane * (m.node as f64 + 0.5));
            (m, (mx - cx).hypot(my - cy))
        })
        .filter(|(_, d)| *d <= HIT)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(m, _)| m)
}

fn draw(canvas: &NodeRef, seq: &Sequence, selected: Option<SeqPick>) {
    let Some(ctx) = context_2d(canvas) else {
        return;
    };
    let lanes = seq.lanes.len();
    let lane = lane_height(lanes);
    let height = lane * lanes as f64 + AXIS + 6.0;
    let plot = WIDTH - GUTTER - 8.0;
    let y = |i: usize| 4.0 + lane * (i as f64 + 0.5);
    let x = |f: f64| GUTTER + f * plot;
    ctx.clear_rect(0.0, 0.0, WIDTH, height);
    // Lanes and names.
    ctx.set_line_width(1.0);
    ctx.set_stroke_style_str("rgba(128,128,128,0.35)");
    ctx.set_fill_style_str("rgba(128,128,128,0.95)");
    ctx.set_font(&format!(
        "{}px system-ui, sans-serif",
        (lane * 0.6).clamp(8.0, 13.0)
    ));
    for (i, name) in seq.lanes.iter().enumerate() {
        ctx.begin_path();
        ctx.move_to(GUTTER, y(i));
        ctx.line_to(WIDTH - 8.0, y(i));
        ctx.stroke();
        if lane >= 8.0 || i % 5 == 0 {
            let _ = ctx.fill_text(name, 4.0, y(i) + 4.0);
        }
    }
    // Time axis: a tick per second (or per 5 s for long windows).
    let span = seq.end.since(seq.start).max(1);
    let every = if span > 10_000 { 5_000 } else { 1_000 };
    ctx.set_font("10px system-ui, sans-serif");
    let mut t = seq.start.ms().div_ceil(every) * every;
    while t <= seq.end.ms() {
        let f = (t - seq.start.ms()) as f64 / span as f64;
        ctx.begin_path();
        ctx.move_to(x(f), 4.0);
        ctx.line_to(x(f), height - AXIS);
        ctx.stroke();
        let _ = ctx.fill_text(&format!("{}s", t / 1000), x(f) - 6.0, height - 4.0);
        t += every;
    }
    // Messages, one path per type (a few canvas calls per arrow, not a dozen).
    let kinds = sorted::set(seq.arrows.iter().map(|a| a.kind));
    let heads = lanes <= 12;
    let head = (lane * 0.3).clamp(2.0, 5.0);
    for kind in kinds {
        let style = msg_style(kind);
        ctx.set_stroke_style_str(style.colour);
        ctx.set_fill_style_str(style.colour);
        ctx.set_global_alpha(if kind == Traffic::Replication {
            0.35
        } else {
            0.85
        });
        ctx.set_line_width(if style.loud { 2.5 } else { 1.0 });
        let arrows = || seq.arrows.iter().filter(move |a| a.kind == kind);
        ctx.begin_path();
        for a in arrows() {
            let (x0, y0, y1) = (x(a.from_x), y(a.from), y(a.to));
            ctx.move_to(x0, y0);
            match a.to_x {
                Some(tx) => ctx.line_to(x(tx), y1),
                // Still on the wire: half way to its receiver (a dot marks the end).
                None => ctx.line_to(x(1.0), (y0 + y1) / 2.0),
            }
        }
        ctx.stroke();
        ctx.begin_path();
        for a in arrows() {
            let (y0, y1) = (y(a.from), y(a.to));
            match a.to_x {
                Some(tx) if heads || style.loud => {
                    let x1 = x(tx);
                    let dir = if y1 >= y0 { -1.0 } else { 1.0 };
                    ctx.move_to(x1, y1);
                    ctx.line_to(x1 - head, y1 + dir * head * 1.4);
                    ctx.line_to(x1 + head, y1 + dir * head * 1.4);
                    ctx.close_path();
                }
                Some(_) => {}
                None => {
                    let (mx, my) = (x(1.0), (y0 + y1) / 2.0);
                    ctx.move_to(mx + 3.0, my);
                    let _ = ctx.arc(mx, my, 3.0, 0.0, std::f64::consts::TAU);
                }
            }
        }
        ctx.fill();
    }
    ctx.set_global_alpha(1.0);
    // State changes.
    ctx.set_font("bold 11px system-ui, sans-serif");
    for m in &seq.marks {
        let (mx, my) = (x(m.x), y(m.node));
        ctx.set_fill_style_str(m.colour);
        ctx.begin_path();
        ctx.rect(mx - 3.0, my - 3.0, 6.0, 6.0);
        ctx.fill();
        if lane >= 14.0 {
            let _ = ctx.fill_text(m.label, mx + 5.0, my - 4.0);
        }
    }
    // The stepper's selection: a ring around the mark, or the message drawn bold and ringed
    // at its sender.
    let ring = |cx: f64, cy: f64| {
        ctx.begin_path();
        let _ = ctx.arc(cx, cy, 9.0, 0.0, std::f64::consts::TAU);
        ctx.stroke();
    };
    ctx.set_stroke_style_str("#E6A100");
    ctx.set_line_width(3.0);
    match selected {
        Some(SeqPick::Event(e)) => {
            for m in seq.marks.iter().filter(|m| m.event == e) {
                ring(x(m.x), y(m.node));
            }
        }
        Some(SeqPick::Message(id)) => {
            for a in seq.arrows.iter().filter(|a| a.id == id) {
                let (x0, y0, y1) = (x(a.from_x), y(a.from), y(a.to));
                ctx.begin_path();
                ctx.move_to(x0, y0);
                match a.to_x {
                    Some(tx) => ctx.line_to(x(tx), y1),
                    None => ctx.line_to(x(1.0), (y0 + y1) / 2.0),
                }
                ctx.stroke();
                ring(x0, y0);
            }
        }
        None => {}
    }
}
