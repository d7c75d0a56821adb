//! `LOLWUT [VERSION v] [args…]` (lolwut.c, lolwut5.c, lolwut6.c): 7.0's
//! own version prints only `Redis ver. 7.0.15`; `VERSION 5` draws Georg
//! Nees' "Schotter" in braille characters, `VERSION 6` a city skyline in
//! ANSI colours, both with C's `rand()` (here the node's generator) and
//! `float` arithmetic, as a verbatim `txt` reply.

use super::{int_arg, Call, REDIS_VERSION};
use crate::resp::Value;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// `lolwutCommand`: `VERSION v` picks the drawing by `"v.0.0"`'s first
/// characters (5.x but 5.9, or 4.9: version 5; 6.x but 6.9, or 5.9:
/// version 6; anything else: 7.0's text), and is removed from the
/// arguments the drawing reads.
pub fn lolwut(c: &mut Call) -> Value {
    let args = c.args;
    let node = &mut c.server();
    let mut args = &args[1..];
    let mut version = REDIS_VERSION.to_string();
    if args.len() >= 2 && args[0].eq_ignore_ascii_case(b"version") {
        let v = match int_arg(&args[1]) {
            Ok(v) => v,
            Err(e) => return e,
        };
        // `snprintf("%u.0.0", (unsigned int)ver)`.
        version = format!("{}.0.0", v as u32);
        args = &args[2..];
    }
    let v = version.as_bytes();
    let is = |a: u8, b_not_9: bool| v[0] == a && v[1] == b'.' && (v[2] != b'9') == b_not_9;
    if is(b'5', true) || is(b'4', false) {
        schotter(node.rng_mut(), args)
    } else if is(b'6', true) || is(b'5', false) {
        skyline(node.rng_mut(), args)
    } else {
        Value::Verbatim(format!("Redis ver. {REDIS_VERSION}\n"))
    }
}

/// lolwut.c's √2, to its ten decimals (not `SQRT_2`: the squares must
/// round as Redis's do).
#[allow(clippy::approx_constant)]
const LWSQRT2: f64 = 1.4142135623;

/// C's `rand()`: 0 to `RAND_MAX` (2³¹ − 1).
fn rand(rng: &mut ChaCha8Rng) -> i32 {
    rng.random_range(0..=i32::MAX)
}

/// The optional numeric arguments, each read with `getLongFromObjectOrReply`
/// and clamped into `lo..=hi`.
fn numbers<const N: usize>(
    args: &[Vec<u8>],
    defaults: [i64; N],
    limits: [(i64, i64); N],
) -> Result<[i64; N], Value> {
    let mut out = defaults;
    for (i, slot) in out.iter_mut().enumerate() {
        if let Some(a) = args.get(i) {
            *slot = int_arg(a)?;
        }
    }
    for (v, (lo, hi)) in out.iter_mut().zip(limits) {
        *v = (*v).clamp(lo, hi);
    }
    Ok(out)
}

/// `lwCanvas`: one byte a pixel, `(0, 0)` top left; out of range reads 0
/// and writes nothing.
struct Canvas {
    width: i32,
    height: i32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: i32, height: i32, color: u8) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![color; (width.max(0) * height.max(0)) as usize],
        }
    }

    fn inside(&self, x: i32, y: i32) -> bool {
        x >= 0 && x < self.width && y >= 0 && y < self.height
    }

    fn set(&mut self, x: i32, y: i32, color: u8) {
        if self.inside(x, y) {
            self.pixels[(x + y * self.width) as usize] = color;
        }
    }

    fn get(&self, x: i32, y: i32) -> u8 {
        if self.inside(x, y) {
            self.pixels[(x + y * self.width) as usize]
        } else {
            0
        }
    }

    /// `lwDrawLine`: Bresenham.
    fn line(&mut self, mut x1: i32, mut y1: i32, x2: i32, y2: i32, color: u8) {
        let (dx, dy) = ((x2 - x1).abs(), (y2 - y1).abs());
        let (sx, sy) = (if x1 < x2 { 1 } else { -1 }, if y1 < y2 { 1 } else { -1 });
        let mut err = dx - dy;
        loop {
            self.set(x1, y1, color);
            if x1 == x2 && y1 == y2 {
                break;
            }
            let e2 = err * 2;
            if e2 > -dy {
                err -= dy;
                x1 += sx;
            }
            if e2 < dx {
                err += dx;
                y1 += sy;
            }
        }
    }

    /// `lwDrawSquare`: the square inscribed in a circle, rotated by `angle`
    /// (`float` and `double` mixed as the C mixes them).
    fn square(&mut self, x: i32, y: i32, size: f32, angle: f32, color: u8) {
        let size = ((size as f64 / LWSQRT2) as f32 as f64).round() as f32;
        let mut k = (std::f64::consts::PI / 4.0 + angle as f64) as f32;
        let mut px = [0i32; 4];
        let mut py = [0i32; 4];
        for j in 0..4 {
            px[j] = ((k as f64).sin() * size as f64 + x as f64).round() as i32;
            py[j] = ((k as f64).cos() * size as f64 + y as f64).round() as i32;
            k = (k as f64 + std::f64::consts::PI / 2.0) as f32;
        }
        for j in 0..4 {
            self.line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
        }
    }
}

/// `lolwut5Command [cols [squares_per_row [squares_per_col]]]` (66, 8, 12;
/// each clamped to 1..=1000 or 1..=200). Rows past the second are rotated
/// and shifted at random, more so further down.
fn schotter(rng: &mut ChaCha8Rng, args: &[Vec<u8>]) -> Value {
    let [cols, per_row, per_col] = match numbers(args, [66, 8, 12], [(1, 1000), (1, 200), (1, 200)])
    {
        Ok(n) => n,
        Err(e) => return e,
    };
    let (cols, per_row, per_col) = (cols as i32, per_row as i32, per_col as i32);
    let width = cols * 2;
    let padding = if width > 4 { 2 } else { 0 };
    let side = (width - padding * 2) as f32 / per_row as f32;
    let height = (side * per_col as f32 + (padding * 2) as f32) as i32;
    let mut canvas = Canvas::new(width, height, 0);
    for y in 0..per_col {
        for x in 0..per_row {
            let mut sx = (x as f32 * side + side / 2.0 + padding as f32) as i32;
            let mut sy = (y as f32 * side + side / 2.0 + padding as f32) as i32;
            let mut angle = 0.0f32;
            if y > 1 {
                let mut r = [0.0f32; 3];
                for v in r.iter_mut() {
                    *v = rand(rng) as f32 / i32::MAX as f32 / per_col as f32 * y as f32;
                }
                for v in r.iter_mut() {
                    if rand(rng) % 2 == 1 {
                        *v = -*v;
                    }
                }
                angle = r[0];
                sx = (sx as f32 + r[1] * side / 3.0) as i32;
                sy = (sy as f32 + r[2] * side / 3.0) as i32;
            }
            canvas.square(sx, sy, side, angle, 1);
        }
    }
    let mut text = braille(&canvas);
    text.push_str("\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ");
    text.push_str(REDIS_VERSION);
    text.push('\n');
    Value::Verbatim(text)
}

/// lolwut5.c `renderCanvas`: each 2×4 block of pixels is one braille
/// character (U+2800 plus its dot bits); a newline after each row of
/// blocks unless that row started on the canvas' last line.
fn braille(canvas: &Canvas) -> String {
    let mut text = String::new();
    for y in (0..canvas.height).step_by(4) {
        for x in (0..canvas.width).step_by(2) {
            let dots = [
                (0, 0),
                (0, 1),
                (0, 2),
                (1, 0),
                (1, 1),
                (1, 2),
                (0, 3),
                (1, 3),
            ];
            let byte = dots
                .iter()
                .enumerate()
                .filter(|(_, (dx, dy))| canvas.get(x + dx, y + dy) != 0)
                .fold(0u32, |b, (i, _)| b | 1 << i);
            text.push(char::from_u32(0x2800 + byte).unwrap_or(' '));
        }
        if y != canvas.height - 1 {
            text.push('\n');
        }
    }
    text
}

/// One building of the skyline (`struct skyscraper`).
struct Skyscraper {
    xoff: i32,
    width: i32,
    height: i32,
    windows: bool,
    color: u8,
}

/// `generateSkyscraper`: a block from the bottom line up, its roof two
/// pixels narrower each side; windows two pixels wide in random greys.
fn skyscraper(canvas: &mut Canvas, rng: &mut ChaCha8Rng, s: &Skyscraper) {
    let starty = canvas.height - 1;
    let endy = starty - s.height + 1;
    for y in (endy..=starty).rev() {
        for x in s.xoff..s.xoff + s.width {
            if y == endy && (x <= s.xoff + 1 || x >= s.xoff + s.width - 2) {
                continue;
            }
            let mut color = s.color;
            if s.windows
                && x > s.xoff + 1
                && x < s.xoff + s.width - 2
                && y > endy + 1
                && y < starty - 1
            {
                let relx = x - (s.xoff + 1);
                let rely = y - (endy + 1);
                if (relx / 2) % 2 != 0 && rely % 2 != 0 {
                    loop {
                        color = (1 + rand(rng) % 2) as u8;
                        if color != s.color {
                            break;
                        }
                    }
                    if relx % 2 != 0 {
                        color = canvas.get(x - 1, y);
                    }
                }
            }
            canvas.set(x, y, color);
        }
    }
}

/// `lolwut6Command [cols [rows]]` (80, 20; each clamped to 1..=1000): two
/// rows of grey buildings behind black ones with windows, on white.
fn skyline(rng: &mut ChaCha8Rng, args: &[Vec<u8>]) -> Value {
    let [cols, rows] = match numbers(args, [80, 20], [(1, 1000), (1, 1000)]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let mut canvas = Canvas::new(cols as i32, rows as i32, 3);
    let h = canvas.height;
    for color in [2u8, 1] {
        let mut offset = -10;
        while offset < canvas.width {
            offset += rand(rng) % 8;
            let width = 10 + rand(rng) % 9;
            // `rand()%canvas->height/2`: the remainder, halved.
            let height = if color == 2 {
                h / 2 + rand(rng) % h / 2
            } else {
                h / 2 + rand(rng) % h / 3
            };
            let s = Skyscraper {
                xoff: offset,
                width,
                height,
                windows: false,
                color,
            };
            skyscraper(&mut canvas, rng, &s);
            offset += if color == 2 { width / 2 } else { width + 1 };
        }
    }
    let mut offset = -10;
    while offset < canvas.width {
        offset += rand(rng) % 8;
        let mut width = 5 + rand(rng) % 14;
        if width % 4 != 0 {
            width += width % 3;
        }
        let height = h / 3 + rand(rng) % h / 2;
        let s = Skyscraper {
            xoff: offset,
            width,
            height,
            windows: true,
            color: 0,
        };
        skyscraper(&mut canvas, rng, &s);
        offset += width + 5;
    }
    let mut text = String::new();
    for y in 0..canvas.height {
        for x in 0..canvas.width {
            let escape = match canvas.get(x, y) {
                1 => "0;90;100m",
                2 => "0;37;47m",
                3 => "0;97;107m",
                _ => "0;30;40m",
            };
            text.push_str(&format!("\x1b[{escape} \x1b[0m"));
        }
        if y != canvas.height - 1 {
            text.push('\n');
        }
    }
    text.push_str("\nDedicated to the 8 bit game developers of past and present.\n");
    text.push_str("Original 8 bit image from Plaguemon by hikikomori. Redis ver. ");
    text.push_str(REDIS_VERSION);
    text.push('\n');
    Value::Verbatim(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Version 6 is random, but its frame is not: `rows` lines of `cols`
    /// coloured cells, then the dedication.
    #[test]
    fn skyline_has_the_requested_size() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let Value::Verbatim(text) = skyline(&mut rng, &[b"30".to_vec(), b"9".to_vec()]) else {
            panic!("a verbatim reply");
        };
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 9 + 2);
        assert!(lines[..9]
            .iter()
            .all(|l| l.matches("\x1b[0m").count() == 30));
        assert!(
            lines[..9].iter().any(|l| l.contains("0;30;40m")),
            "a black building"
        );
        assert!(lines[10].ends_with(REDIS_VERSION));
    }
}
