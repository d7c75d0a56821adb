//! Messages in flight, drawn on one canvas over the cluster view: one draw call per frame for
//! all messages rather than one DOM element each. Each type has its own shape as well as its
//! colour (see the legend). With reduced motion, messages are still arrows from sender to
//! receiver, but they do not move.

use clusterlab_core::sorted;
use std::f64::consts::TAU;
use std::rc::Rc;

use web_sys::CanvasRenderingContext2d;
use yew::prelude::*;

use super::canvas::context_2d;
use crate::view_model::Traffic;
use crate::view_model::{msg_style, Glyph, Shape, VIEW_H, VIEW_W};

#[derive(Properties, PartialEq)]
pub struct MessageLayerProps {
    pub glyphs: Rc<Vec<Glyph>>,
    pub reduced_motion: bool,
    /// Node radius, so messages start and end at the edge of the nodes.
    pub radius: f64,
}

#[function_component]
pub fn MessageLayer(props: &MessageLayerProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(
            (
                props.glyphs.clone(),
                props.reduced_motion,
                props.radius.to_bits(),
            ),
            move |(glyphs, reduced, radius)| {
                if let Some(ctx) = context_2d(&canvas) {
                    draw(&ctx, glyphs, *reduced, f64::from_bits(*radius));
                }
            },
        );
    }
    html! {
        <canvas ref={canvas} class="messages" width={VIEW_W.to_string()} height={VIEW_H.to_string()}
            aria-hidden="true" data-testid="message-layer" />
    }
}

fn draw(ctx: &CanvasRenderingContext2d, glyphs: &[Glyph], reduced: bool, radius: f64) {
    ctx.clear_rect(0.0, 0.0, VIEW_W, VIEW_H);
    let size = (radius * 0.28).clamp(3.0, 9.0);
    // One path per message type: a few canvas calls per message, not a dozen.
    let kinds = sorted::set(glyphs.iter().map(|g| g.kind));
    for kind in kinds {
        let style = msg_style(kind);
        let of_kind = || glyphs.iter().filter(move |g| g.kind == kind);
        ctx.set_fill_style_str(style.colour);
        ctx.set_stroke_style_str(style.colour);
        if reduced {
            // Still arrows from sender to receiver, fading as the message gets older.
            for g in of_kind() {
                let (fx, fy, tx, ty) = trimmed(g, radius);
                ctx.set_global_alpha(0.25 + 0.6 * (1.0 - g.progress.clamp(0.0, 1.0)));
                ctx.set_line_width(if style.loud { 3.0 } else { 1.5 });
                ctx.begin_path();
                ctx.move_to(fx, fy);
                ctx.line_to(tx, ty);
                ctx.stroke();
                ctx.begin_path();
                shape(
                    ctx,
                    style.shape,
                    tx - (tx - fx) * 0.08,
                    ty - (ty - fy) * 0.08,
                    size,
                );
                paint(ctx, style.shape);
            }
            ctx.set_global_alpha(1.0);
            continue;
        }
        // The replication stream flows all the time: smaller and fainter than the bus.
        let s = match kind {
            _ if style.loud => size * 1.6,
            Traffic::Replication => size * 0.6,
            _ => size,
        };
        if kind == Traffic::Replication {
            ctx.set_global_alpha(0.55);
        }
        let at = |g: &Glyph| {
            let (fx, fy, tx, ty) = trimmed(g, radius);
            let p = g.progress.clamp(0.0, 1.0);
            (fx, fy, fx + (tx - fx) * p, fy + (ty - fy) * p, p, tx, ty)
        };
        if style.loud {
            // A short trail behind the important ones, and their name.
            ctx.set_global_alpha(0.35);
            ctx.set_line_width(2.0);
            ctx.begin_path();
            for g in of_kind() {
                let (fx, fy, x, y, p, tx, ty) = at(g);
                let back = (p - 0.15).max(0.0);
                ctx.move_to(fx + (tx - fx) * back, fy + (ty - fy) * back);
                ctx.line_to(x, y);
            }
            ctx.stroke();
            ctx.set_global_alpha(1.0);
            ctx.set_font("bold 13px system-ui, sans-serif");
            for g in of_kind() {
                let (_, _, x, y, ..) = at(g);
                let _ = ctx.fill_text(style.label, x + s + 3.0, y - s - 2.0);
            }
        }
        ctx.set_line_width(2.0);
        ctx.begin_path();
        for g in of_kind() {
            let (_, _, x, y, ..) = at(g);
            shape(ctx, style.shape, x, y, s);
        }
        paint(ctx, style.shape);
        ctx.set_global_alpha(1.0);
    }
}

/// Fills the path, or strokes it for the outline shapes.
fn paint(ctx: &CanvasRenderingContext2d, shape: Shape) {
    match shape {
        Shape::Ring | Shape::Check => ctx.stroke(),
        _ => ctx.fill(),
    }
}

/// The segment between the two nodes' edges rather than their centres.
fn trimmed(g: &Glyph, radius: f64) -> (f64, f64, f64, f64) {
    let (dx, dy) = (g.to.0 - g.from.0, g.to.1 - g.from.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let pad = radius.min(len / 3.0);
    (
        g.from.0 + ux * pad,
        g.from.1 + uy * pad,
        g.to.0 - ux * pad,
        g.to.1 - uy * pad,
    )
}

/// Adds one message's shape to the current path.
fn shape(ctx: &CanvasRenderingContext2d, shape: Shape, x: f64, y: f64, s: f64) {
    match shape {
        Shape::Dot | Shape::Ring => {
            ctx.move_to(x + s * 0.8, y);
            let _ = ctx.arc(x, y, s * 0.8, 0.0, TAU);
        }
        Shape::Diamond => {
            ctx.move_to(x, y - s);
            ctx.line_to(x + s, y);
            ctx.line_to(x, y + s);
            ctx.line_to(x - s, y);
            ctx.close_path();
        }
        Shape::Square => ctx.rect(x - s * 0.8, y - s * 0.8, s * 1.6, s * 1.6),
        Shape::Bar => ctx.rect(x - s * 1.2, y - s * 0.5, s * 2.4, s),
        Shape::Triangle => {
            ctx.move_to(x, y - s);
            ctx.line_to(x + s, y + s * 0.8);
            ctx.line_to(x - s, y + s * 0.8);
            ctx.close_path();
        }
        Shape::Star => {
            for i in 0..10 {
                let a = -std::f64::consts::FRAC_PI_2 + i as f64 * TAU / 10.0;
                let r = if i % 2 == 0 { s * 1.1 } else { s * 0.45 };
                let (px, py) = (x + r * a.cos(), y + r * a.sin());
                if i == 0 {
                    ctx.move_to(px, py);
                } else {
                    ctx.line_to(px, py);
                }
            }
            ctx.close_path();
        }
        Shape::Check => {
            ctx.move_to(x - s, y);
            ctx.line_to(x - s * 0.3, y + s * 0.7);
            ctx.line_to(x + s, y - s * 0.8);
        }
    }
}
