//! What every canvas-drawn component needs from the browser: the canvas's 2D context, and where
//! a pointer event falls on it.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

/// The 2D context of the canvas behind `canvas`, once it is in the page.
pub fn context_2d(canvas: &NodeRef) -> Option<CanvasRenderingContext2d> {
    canvas
        .cast::<HtmlCanvasElement>()?
        .get_context("2d")
        .ok()??
        .dyn_into()
        .ok()
}

/// Where `e` falls on the canvas, as fractions of its width and height on screen (CSS scales
/// a canvas, so its own pixels are these fractions of its size).
pub fn pointer_fraction(canvas: &NodeRef, e: &MouseEvent) -> Option<(f64, f64)> {
    let rect = canvas
        .cast::<HtmlCanvasElement>()?
        .get_bounding_client_rect();
    Some((
        (f64::from(e.client_x()) - rect.left()) / rect.width().max(1.0),
        (f64::from(e.client_y()) - rect.top()) / rect.height().max(1.0),
    ))
}
