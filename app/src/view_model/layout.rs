//! Where each node sits on the cluster view and its colours: one spoke per shard, one hue per
//! shard, replicas lighter.

/// The cluster view's SVG coordinate space (`viewBox="0 0 VIEW_W VIEW_H"`).
pub const VIEW_W: f64 = 1000.0;
pub const VIEW_H: f64 = 640.0;

/// How the cluster is laid out: the shape it was formed with, nodes added since, and whether
/// the screen is narrow (`compact`: bigger nodes, no text labels beside them).
///
/// Each original shard (a master and its replicas) sits on one spoke of a wheel: masters on
/// the inner ring, their replicas further out. Added nodes go in the middle. Nodes never move
/// when roles change: a promoted replica stays where it was, so the eye can follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub masters: usize,
    pub replicas: usize,
    /// Nodes added after the cluster was formed (`redis-cli --cluster add-node`).
    pub extra: usize,
    pub compact: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout::new(3, 1)
    }
}

impl Layout {
    pub fn new(masters: usize, replicas: usize) -> Layout {
        Layout {
            masters: masters.max(1),
            replicas,
            extra: 0,
            compact: false,
        }
    }

    /// Nodes of the formed cluster, before any was added.
    pub fn formed(&self) -> usize {
        self.masters * (1 + self.replicas)
    }

    pub fn total(&self) -> usize {
        self.formed() + self.extra
    }

    /// The original shard of node `idx`: masters are 0..masters, replica `r` follows master
    /// `r % masters` (the order `redis-cli --cluster create` assigns them in), and each added
    /// node starts a shard of its own.
    pub fn shard_of(&self, idx: usize) -> usize {
        let formed = self.formed();
        if idx < self.masters {
            idx
        } else if idx < formed {
            (idx - self.masters) % self.masters
        } else {
            self.masters + (idx - formed)
        }
    }

    /// Whether node `idx` was created as a replica.
    pub fn born_replica(&self, idx: usize) -> bool {
        (self.masters..self.formed()).contains(&idx)
    }

    /// Node glyph radius: smaller for big clusters, bigger on narrow screens.
    pub fn radius(&self) -> f64 {
        let total = self.total();
        let r = if total <= 12 {
            32.0
        } else {
            (32.0 * (12.0 / total as f64).sqrt()).max(8.0)
        };
        if self.compact {
            r * 1.7
        } else {
            r
        }
    }

    /// Whether role and slot labels are drawn beside the nodes.
    pub fn labels(&self) -> bool {
        !self.compact && self.total() <= 12
    }

    /// Where each node is drawn, in the view's coordinates.
    pub fn positions(&self) -> Vec<(f64, f64)> {
        let (masters, replicas) = (self.masters, self.replicas);
        let r_in = match masters {
            1 => 0.0,
            2..=12 => 0.55,
            _ => 0.75,
        };
        let spoke = std::f64::consts::TAU / masters as f64;
        let mut wheel: Vec<(f64, f64)> = (0..self.formed())
            .map(|idx| {
                let base = -std::f64::consts::FRAC_PI_2 + spoke * self.shard_of(idx) as f64;
                if idx < masters {
                    (r_in * base.cos(), r_in * base.sin())
                } else {
                    let rank = (idx - masters) / masters;
                    let spread = (spoke * 0.45).min(0.5);
                    let offset = if replicas <= 1 {
                        0.0
                    } else {
                        spread * (rank as f64 / (replicas - 1) as f64 - 0.5)
                    };
                    let a = base + offset;
                    (a.cos(), a.sin())
                }
            })
            .collect();
        // Added nodes: the centre for one, a small ring for more (or around a lone master).
        let ring = if self.extra == 1 && masters > 1 {
            0.0
        } else {
            0.28
        };
        for k in 0..self.extra {
            let a =
                -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / self.extra as f64;
            wheel.push((ring * a.cos(), ring * a.sin()));
        }
        fit(&wheel, self.radius(), self.labels())
    }
}

/// Scales and centres points into the view, leaving room for labels around the nodes.
fn fit(points: &[(f64, f64)], r: f64, labels: bool) -> Vec<(f64, f64)> {
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in points {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    // Labels: a badge above each node, two lines of text below (only drawn when nodes are big).
    let (pad_x, pad_top, pad_bottom) = if labels {
        (r + 90.0, r + 50.0, r + 50.0)
    } else {
        (r + 12.0, r + 40.0, r + 12.0)
    };
    let (w, h) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
    let scale = ((VIEW_W - 2.0 * pad_x) / w).min((VIEW_H - pad_top - pad_bottom) / h);
    let ox = (VIEW_W - w * scale) / 2.0 - x0 * scale;
    let oy = pad_top + (VIEW_H - pad_top - pad_bottom - h * scale) / 2.0 - y0 * scale;
    points
        .iter()
        .map(|&(x, y)| (ox + x * scale, oy + y * scale))
        .collect()
}

/// Paul Tol's "bright" scheme (colour-blind safe), then evenly spaced hues for big clusters.
const SHARD_COLOURS: [(u8, u8, u8); 6] = [
    (0x44, 0x77, 0xAA),
    (0xEE, 0x66, 0x77),
    (0x22, 0x88, 0x33),
    (0xCC, 0xBB, 0x44),
    (0x66, 0xCC, 0xEE),
    (0xAA, 0x33, 0x77),
];

/// The colour of node `idx`: its shard's colour, lighter for nodes born as replicas.
pub fn node_colour(idx: usize, layout: &Layout) -> (u8, u8, u8) {
    let shard = layout.shard_of(idx);
    let base = match SHARD_COLOURS.get(shard) {
        Some(&c) => c,
        None => hsl_to_rgb((shard as f64 * 137.508) % 360.0, 0.55, 0.5),
    };
    if layout.born_replica(idx) {
        mix(base, (255, 255, 255), 0.5)
    } else {
        base
    }
}

pub fn css(c: (u8, u8, u8)) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Black or white, whichever reads better on `bg` (WCAG relative luminance).
pub fn text_on(bg: (u8, u8, u8)) -> &'static str {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(bg.0) + 0.7152 * lin(bg.1) + 0.0722 * lin(bg.2);
    // Contrast with black is (l + 0.05) / 0.05, with white 1.05 / (l + 0.05).
    if (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) {
        "#000000"
    } else {
        "#ffffff"
    }
}

pub(super) fn mix(a: (u8, u8, u8), b: (u8, u8, u8), t: f64) -> (u8, u8, u8) {
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

fn hsl_to_rgb(h: f64, s: f64, l: f64) -> (u8, u8, u8) {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let to = |v: f64| ((v + m) * 255.0).round() as u8;
    (to(r), to(g), to(b))
}

#[cfg(test)]
mod tests {
    //! Where the nodes sit and their colours: one spoke and one hue per shard.

    use super::*;
    use crate::view_model::test_support::SIX;

    #[test]
    fn shards_sit_on_spokes_masters_inside() {
        let spots = SIX.positions();
        assert_eq!(spots.len(), 6);
        // The wheel's centre is the masters' centroid.
        let centre = (
            (spots[0].0 + spots[1].0 + spots[2].0) / 3.0,
            (spots[0].1 + spots[1].1 + spots[2].1) / 3.0,
        );
        let dist = |p: (f64, f64)| ((p.0 - centre.0).powi(2) + (p.1 - centre.1).powi(2)).sqrt();
        for m in 0..3 {
            let (master, replica) = (spots[m], spots[m + 3]);
            assert!(dist(master) < dist(replica), "replicas are outside");
            let angle = |p: (f64, f64)| (p.1 - centre.1).atan2(p.0 - centre.0);
            assert!(
                (angle(master) - angle(replica)).abs() < 1e-9,
                "on one spoke"
            );
        }
        // A is at the top, centred.
        assert!((spots[0].0 - VIEW_W / 2.0).abs() < 1e-9 && spots[0].1 < spots[1].1);
        // Everything fits in the view, for big clusters too.
        for (m, r) in [(3, 2), (50, 1), (1, 0)] {
            for compact in [false, true] {
                let layout = Layout {
                    compact,
                    ..Layout::new(m, r)
                };
                let rad = layout.radius();
                for (x, y) in layout.positions() {
                    assert!((rad..=VIEW_W - rad).contains(&x) && (rad..=VIEW_H - rad).contains(&y));
                }
            }
        }
        assert!(Layout::new(50, 1).radius() < SIX.radius());
        assert!(
            Layout {
                compact: true,
                ..SIX
            }
            .radius()
                > SIX.radius()
        );
        assert!(!Layout::new(50, 1).labels() && SIX.labels());
    }

    #[test]
    fn shards_share_a_hue_and_replicas_are_lighter() {
        let nine = Layout::new(3, 2);
        assert_eq!(nine.shard_of(4), 1);
        assert_eq!(nine.shard_of(7), 1);
        let grown = Layout { extra: 2, ..SIX };
        assert_eq!((grown.shard_of(6), grown.shard_of(7)), (3, 4));
        assert!(!grown.born_replica(6) && grown.born_replica(5));
        assert_eq!(css(node_colour(0, &SIX)), "#4477aa");
        let (m, r) = (node_colour(1, &SIX), node_colour(4, &SIX));
        assert!(r.0 >= m.0 && r.1 >= m.1 && r.2 >= m.2);
        // An added node has its own colour; past the named palette, colours still differ.
        assert_ne!(node_colour(6, &grown), node_colour(0, &grown));
        let big = Layout::new(50, 1);
        assert_ne!(node_colour(40, &big), node_colour(41, &big));
        assert_eq!(text_on((0xCC, 0xBB, 0x44)), "#000000");
        assert_eq!(text_on((0x22, 0x22, 0x22)), "#ffffff");
    }
}
