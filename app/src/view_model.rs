//! Pure functions from the simulation to what is drawn: positions, colours, shapes, labels and
//! sentences. No Yew and no browser here, so all of it is unit-tested natively; components only
//! turn these values into elements.

pub mod client_cache;
pub mod errors;
pub mod event_line;
pub mod explain;
pub mod objective;
pub mod plot;
pub mod rewind;
pub mod source;
pub mod trace_compare;
pub mod wire;

use clusterlab_core::event::Event;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::id::NodeId;
use clusterlab_core::msg::MsgType;
use clusterlab_core::sim::{Names, Sim, Status, TraceEvent};
use clusterlab_core::slot::{crc16, hash_tag, SlotSet, SLOTS};
use clusterlab_core::Time;

use crate::i18n::{fill, Lang, Msg};
use crate::state::replay::{Flight, Traffic};
use crate::state::LiveFlight;

/// The cluster view's SVG coordinate space (`viewBox="0 0 VIEW_W VIEW_H"`).
pub const VIEW_W: f64 = 1000.0;
pub const VIEW_H: f64 = 640.0;
/// A slot nobody owns, in [`Picture::owners`].
pub const NO_OWNER: u16 = u16::MAX;

// ---------------------------------------------------------------- layout and colours

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

fn mix(a: (u8, u8, u8), b: (u8, u8, u8), t: f64) -> (u8, u8, u8) {
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

// ---------------------------------------------------------------- the picture

/// How the rest of the cluster sees a node: the worst flag any running node has on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suspicion {
    None,
    /// Some node flags it `fail?` (PFAIL): it missed a PONG for node_timeout.
    Pfail,
    /// Some node flags it `fail`: a majority of masters agreed, or a FAIL message said so.
    Fail,
}

/// How long after its promotion a node is drawn as "just promoted" (simulated ms).
pub const JUST_PROMOTED_MS: u64 = 10_000;

/// One node as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeCard {
    pub idx: usize,
    pub name: String,
    /// `127.0.0.1:7000`.
    pub addr: String,
    pub status: Status,
    /// Its own role, as it believes it.
    pub is_master: bool,
    /// Its master, if it is a replica.
    pub master: Option<usize>,
    pub config_epoch: u64,
    pub current_epoch: u64,
    /// The slots it believes it serves.
    pub slots: Vec<(u16, u16)>,
    pub slot_count: usize,
    /// Running nodes (other than itself) that flag it PFAIL, and FAIL.
    pub pfail_by: usize,
    pub fail_by: usize,
    /// Running nodes other than itself: the denominator of the two counts above.
    pub observers: usize,
    pub state_ok: bool,
    /// Born a master (a replica that was promoted is `false` and now `is_master`).
    pub born_master: bool,
    /// Won an election in the last [`JUST_PROMOTED_MS`] (drawn with a pulse and a label).
    pub just_promoted: bool,
    pub x: f64,
    pub y: f64,
    pub r: f64,
    /// Labels go above the node (outer nodes in the top half), else below.
    pub label_above: bool,
    pub rgb: (u8, u8, u8),
    pub fill: String,
    pub ink: &'static str,
}

impl NodeCard {
    pub fn suspicion(&self) -> Suspicion {
        if self.fail_by > 0 {
            Suspicion::Fail
        } else if self.pfail_by > 0 {
            Suspicion::Pfail
        } else {
            Suspicion::None
        }
    }

    /// `master`, `replica of A`, as words.
    pub fn role_text(&self, nodes: &[NodeCard], lang: Lang) -> String {
        match (self.is_master, self.master) {
            (true, _) => lang.t(Msg::Master).into(),
            (false, Some(m)) => fill(lang.t(Msg::ReplicaOf), &[&nodes[m].name]),
            (false, None) => lang.t(Msg::Replica).into(),
        }
    }

    /// The short line under the node: its role and configEpoch (`master · e3`,
    /// `maître · e3`); `e` stays as is, "epoch" being the French word too.
    pub fn role_line(&self, nodes: &[NodeCard], lang: Lang) -> String {
        format!("{} · e{}", self.role_text(nodes, lang), self.config_epoch)
    }

    /// One line for the state, in words (`crashed`, `paused`, `FAIL (4 of 5)`…).
    pub fn state_text(&self, lang: Lang) -> String {
        let status = match self.status {
            Status::Up => None,
            Status::Crashed => Some(lang.t(Msg::StateCrashed)),
            Status::Paused => Some(lang.t(Msg::StatePaused)),
        };
        let flagged = |flag: &str, by: usize| {
            fill(
                lang.t(Msg::StateFlag),
                &[flag, &by.to_string(), &self.observers.to_string()],
            )
        };
        let flag = match self.suspicion() {
            Suspicion::Fail => Some(flagged("FAIL", self.fail_by)),
            Suspicion::Pfail => Some(flagged("PFAIL", self.pfail_by)),
            Suspicion::None => None,
        };
        match (status, flag) {
            (Some(s), Some(f)) => format!("{s}, {f}"),
            (Some(s), None) => s.into(),
            (None, Some(f)) => f,
            (None, None) => "ok".into(),
        }
    }
}

/// The whole cluster as drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Picture {
    pub layout: Layout,
    pub nodes: Vec<NodeCard>,
    /// Owner of each slot: the master with the highest configEpoch that claims it (the rule
    /// Redis resolves conflicts with), or [`NO_OWNER`].
    pub owners: Vec<u16>,
    /// Slots some running node is MIGRATING or IMPORTING.
    pub migrating: SlotSet,
    pub importing: SlotSet,
    /// Cut links (unordered pairs, both directions blocked or one).
    pub cuts: Vec<(usize, usize)>,
    /// Running nodes that report `cluster_state:ok`, out of running nodes.
    pub ok_nodes: usize,
    pub up_nodes: usize,
}

impl Picture {
    pub fn owner(&self, slot: u16) -> Option<usize> {
        match self.owners.get(slot as usize) {
            Some(&o) if o != NO_OWNER => Some(o as usize),
            _ => None,
        }
    }

    /// Owners with their slot ranges, in node order (the slot map's text twin).
    pub fn ranges_by_owner(&self) -> Vec<(usize, Vec<(u16, u16)>)> {
        let mut out: Vec<(usize, Vec<(u16, u16)>)> = Vec::new();
        let mut start = 0usize;
        while start < self.owners.len() {
            let owner = self.owners[start];
            let mut end = start;
            while end + 1 < self.owners.len() && self.owners[end + 1] == owner {
                end += 1;
            }
            if owner != NO_OWNER {
                let range = (start as u16, end as u16);
                match out.iter_mut().find(|(o, _)| *o == owner as usize) {
                    Some((_, ranges)) => ranges.push(range),
                    None => out.push((owner as usize, vec![range])),
                }
            }
            start = end + 1;
        }
        out.sort_by_key(|(o, _)| *o);
        out
    }

    pub fn uncovered(&self) -> usize {
        self.owners.iter().filter(|&&o| o == NO_OWNER).count()
    }
}

/// What the slot map's hover line says about `slot`: the slot, its owner and
/// how many keys the owner holds in it (`CLUSTER COUNTKEYSINSLOT`).
pub fn slot_hover(sim: &Sim, picture: &Picture, slot: u16) -> (u16, Option<usize>, usize) {
    let owner = picture.owner(slot);
    let keys = owner.map_or(0, |o| {
        sim.nodes()[o]
            .node
            .keyspace()
            .count_in_slot(sim.now(), slot)
    });
    (slot, owner, keys)
}

/// Builds the picture of `sim`, a cluster formed as `layout` says. Reads each node's own beliefs through cheap accessors,
/// so it stays fast for large clusters.
pub fn picture(sim: &Sim, layout: Layout) -> Picture {
    let nodes = sim.nodes();
    let total = nodes.len();
    let layout = Layout {
        extra: total.saturating_sub(layout.formed()),
        ..layout
    };
    let spots = layout.positions();
    let r = layout.radius();
    let (mut pfail_by, mut fail_by) = (vec![0usize; total], vec![0usize; total]);
    let mut up = 0;
    let mut ok = 0;
    for (i, n) in nodes.iter().enumerate() {
        if n.status != Status::Up {
            continue;
        }
        up += 1;
        if n.node.state_ok() {
            ok += 1;
        }
        for (id, flags) in n.node.peer_flags() {
            let Some(j) = sim.index_of_id(id) else {
                continue;
            };
            if j == i {
                continue;
            }
            if flags.has(NodeFlags::FAIL) {
                fail_by[j] += 1;
            } else if flags.has(NodeFlags::PFAIL) {
                pfail_by[j] += 1;
            }
        }
    }
    let mut just_promoted = vec![false; total];
    let trace = sim.trace();
    let recent = trace.partition_point(|e| e.t < sim.now() - JUST_PROMOTED_MS);
    for e in &trace[recent..] {
        if let Event::Promoted { .. } = e.event {
            if let Some(p) = just_promoted.get_mut(e.node) {
                *p = true;
            }
        }
    }
    let mut owners = vec![NO_OWNER; SLOTS as usize];
    let mut owner_epoch = vec![0u64; SLOTS as usize];
    let mut migrating = SlotSet::default();
    let mut importing = SlotSet::default();
    let mut cards = Vec::with_capacity(total);
    for (i, n) in nodes.iter().enumerate() {
        let node = &n.node;
        let slots = if node.is_master() {
            node.my_slots()
        } else {
            SlotSet::default()
        };
        let epoch = node.my_epoch();
        for s in slots.iter() {
            let o = owners[s as usize];
            if o == NO_OWNER || epoch > owner_epoch[s as usize] {
                owners[s as usize] = i as u16;
                owner_epoch[s as usize] = epoch;
            }
        }
        if n.status == Status::Up {
            for &s in node.migrating().keys() {
                migrating.insert(s);
            }
            for &s in node.importing().keys() {
                importing.insert(s);
            }
        }
        let colour = node_colour(i, &layout);
        cards.push(NodeCard {
            idx: i,
            name: n.name.clone(),
            addr: format!("127.0.0.1:{}", n.bus_addr.port().wrapping_sub(10_000)),
            status: n.status,
            is_master: node.is_master(),
            master: node.master().and_then(|m| sim.index_of_id(m)),
            config_epoch: epoch,
            current_epoch: node.current_epoch(),
            slot_count: slots.len(),
            slots: slots.ranges(),
            pfail_by: pfail_by[i],
            fail_by: fail_by[i],
            observers: up - usize::from(n.status == Status::Up),
            state_ok: node.state_ok(),
            born_master: !layout.born_replica(i),
            just_promoted: just_promoted[i] && node.is_master(),
            x: spots.get(i).map_or(VIEW_W / 2.0, |p| p.0),
            y: spots.get(i).map_or(VIEW_H / 2.0, |p| p.1),
            r,
            label_above: layout.born_replica(i)
                && spots.get(i).is_some_and(|p| p.1 < VIEW_H / 2.0 - 1.0),
            rgb: colour,
            fill: css(colour),
            ink: text_on(colour),
        });
    }
    let mut cuts: Vec<(usize, usize)> = sim
        .partitions()
        .pairs()
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    Picture {
        layout,
        nodes: cards,
        owners,
        migrating,
        importing,
        cuts,
        ok_nodes: ok,
        up_nodes: up,
    }
}

/// `0-5460 10923-16383`, or `-` for none. Long lists are cut after `max` ranges.
pub fn ranges_text(ranges: &[(u16, u16)], max: usize) -> String {
    if ranges.is_empty() {
        return "-".into();
    }
    let mut parts: Vec<String> = ranges
        .iter()
        .take(max)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    if ranges.len() > max {
        parts.push(format!("+{} more", ranges.len() - max));
    }
    parts.join(" ")
}

// ---------------------------------------------------------------- slot map

/// The slot map is a 256 × 64 grid, one pixel per slot, row by row.
pub const SLOT_COLS: u16 = 256;
pub const SLOT_ROWS: u16 = SLOTS / SLOT_COLS;

/// The slot under a point of the slot map, given as fractions (0..1) of its width and height.
pub fn slot_at(fx: f64, fy: f64) -> Option<u16> {
    if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
        return None;
    }
    let col = (fx * SLOT_COLS as f64) as u16;
    let row = (fy * SLOT_ROWS as f64) as u16;
    Some(row * SLOT_COLS + col)
}

/// RGBA pixels of the slot map: each slot in its owner's colour; a checkerboard of darker
/// pixels when the owner is down; grey checks for uncovered slots; black and white checks for
/// MIGRATING/IMPORTING slots; black for the `marked` slots (the traced key).
pub fn slot_map_pixels(picture: &Picture, marked: &[u16]) -> Vec<u8> {
    let mut px = Vec::with_capacity(SLOTS as usize * 4);
    for slot in 0..SLOTS {
        let odd = (slot % SLOT_COLS + slot / SLOT_COLS) % 2 == 1;
        let rgb = if marked.contains(&slot) {
            (0, 0, 0)
        } else if picture.migrating.contains(slot) || picture.importing.contains(slot) {
            if odd {
                (0, 0, 0)
            } else {
                (255, 255, 255)
            }
        } else {
            match picture.owner(slot).and_then(|o| picture.nodes.get(o)) {
                Some(owner) if owner.status != Status::Up && odd => mix(owner.rgb, (0, 0, 0), 0.6),
                Some(owner) => owner.rgb,
                None if odd => (150, 150, 150),
                None => (210, 210, 210),
            }
        };
        px.extend_from_slice(&[rgb.0, rgb.1, rgb.2, 255]);
    }
    px
}

// ---------------------------------------------------------------- messages

/// How a message type is drawn: colour, shape and a short label, so that type never depends
/// on colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsgStyle {
    pub colour: &'static str,
    pub shape: Shape,
    pub label: &'static str,
    /// Drawn bigger and labelled on the view (the rare, important ones).
    pub loud: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Dot,
    Ring,
    Diamond,
    Square,
    Triangle,
    Star,
    Check,
    /// A flat box: keys on the move.
    Bar,
}

/// The legend, in the order it is shown.
pub const LEGEND: [Traffic; 9] = [
    Traffic::Bus(MsgType::Ping),
    Traffic::Bus(MsgType::Pong),
    Traffic::Bus(MsgType::Meet),
    Traffic::Bus(MsgType::Fail),
    Traffic::Bus(MsgType::Update),
    Traffic::Bus(MsgType::FailoverAuthRequest),
    Traffic::Bus(MsgType::FailoverAuthAck),
    Traffic::Replication,
    Traffic::Migration,
];

pub fn msg_style(kind: Traffic) -> MsgStyle {
    let s = |colour, shape, label, loud| MsgStyle {
        colour,
        shape,
        label,
        loud,
    };
    match kind {
        Traffic::Bus(MsgType::Ping) => s("#0077BB", Shape::Dot, "PING", false),
        Traffic::Bus(MsgType::Pong) => s("#33BBEE", Shape::Ring, "PONG", false),
        Traffic::Bus(MsgType::Meet) => s("#009988", Shape::Diamond, "MEET", true),
        Traffic::Bus(MsgType::Fail) => s("#CC3311", Shape::Square, "FAIL", true),
        Traffic::Bus(MsgType::Update) => s("#EE7733", Shape::Triangle, "UPDATE", true),
        Traffic::Bus(MsgType::FailoverAuthRequest) => {
            s("#EE3377", Shape::Star, "AUTH_REQUEST", true)
        }
        Traffic::Bus(MsgType::FailoverAuthAck) => s("#117733", Shape::Check, "AUTH_ACK", true),
        Traffic::Bus(_) => s("#777777", Shape::Dot, "other", false),
        Traffic::Replication => s("#999999", Shape::Dot, "replication", false),
        Traffic::Migration => s("#AA3377", Shape::Bar, "MIGRATE", true),
    }
}

/// The long name for the legend.
pub fn msg_name(kind: Traffic) -> &'static str {
    match kind {
        Traffic::Bus(k) => k.name(),
        Traffic::Replication => "replication stream",
        Traffic::Migration => "key migration (MIGRATE)",
    }
}

/// How long (real ms) a message takes to cross the view. Simulated latency is 1–3 ms, too
/// quick to see, so messages are drawn slower than they travel: slower at slow speeds.
pub fn flight_duration(speed: f64) -> f64 {
    (700.0 / speed.max(0.01).sqrt()).clamp(120.0, 2000.0)
}

/// A message drawn at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    pub id: u64,
    pub kind: Traffic,
    pub from: (f64, f64),
    pub to: (f64, f64),
    /// 0 at the sender, 1 at the receiver.
    pub progress: f64,
}

/// Messages while playing: each one crosses the view in `duration` real ms from its birth.
pub fn flight_glyphs(
    flights: &[LiveFlight],
    clock: f64,
    duration: f64,
    picture: &Picture,
) -> Vec<Glyph> {
    flights
        .iter()
        .filter_map(|f| {
            let progress = (clock - f.born) / duration;
            (0.0..=1.0)
                .contains(&progress)
                .then(|| glyph(&f.flight, progress, picture))
                .flatten()
        })
        .collect()
}

/// Messages while paused: the simulator's real queue, each at its true position between
/// sending and delivery.
pub fn queue_glyphs(sim: &Sim, picture: &Picture) -> Vec<Glyph> {
    let now = sim.now();
    sim.in_flight()
        .filter_map(|m| {
            let span = m.deliver_at.since(m.sent_at).max(1) as f64;
            let progress = now.since(m.sent_at) as f64 / span;
            glyph(&Flight::of(m), progress.clamp(0.0, 1.0), picture)
        })
        .collect()
}

fn glyph(f: &Flight, progress: f64, picture: &Picture) -> Option<Glyph> {
    let a = picture.nodes.get(f.from)?;
    let b = picture.nodes.get(f.to)?;
    Some(Glyph {
        id: f.id,
        kind: f.kind,
        from: (a.x, a.y),
        to: (b.x, b.y),
        progress,
    })
}

/// An in-flight message in words (the drop list, the text twin).
pub fn flight_text(m: &clusterlab_core::sim::InFlight, sim: &Sim, lang: Lang) -> String {
    fill(
        lang.t(Msg::FlightText),
        &[
            m.payload.label(),
            &sim.node_name(m.from),
            &sim.node_name(m.to),
            &format_time(m.deliver_at, lang),
        ],
    )
}

// ---------------------------------------------------------------- sequence diagram

/// A message in the sequence diagram: x positions are fractions of the window (0 = its start,
/// 1 = now); `to_x` is `None` while the message is still on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct SeqArrow {
    /// The message's id in the simulator.
    pub id: u64,
    pub from: usize,
    pub to: usize,
    pub from_x: f64,
    pub to_x: Option<f64>,
    pub kind: Traffic,
    pub sent_at: Time,
    pub deliver_at: Time,
}

/// An event on a node's lane.
#[derive(Clone, Debug, PartialEq)]
pub struct SeqMark {
    /// The trace entry it marks, to explain it.
    pub index: usize,
    pub t: Time,
    pub node: usize,
    pub x: f64,
    /// Its event's index in the simulator's trace.
    pub event: usize,
    /// `fail?`, `FAIL`, `vote`, `master`…
    pub label: &'static str,
    pub colour: &'static str,
}

/// The sequence (Lamport) diagram of the last `window` ms: one lane per node, time to the
/// right, one arrow per message and a mark per state change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sequence {
    pub lanes: Vec<String>,
    pub start: Time,
    pub end: Time,
    pub arrows: Vec<SeqArrow>,
    pub marks: Vec<SeqMark>,
}

/// Most arrows drawn (the newest), so a big cluster stays quick to draw.
const MAX_ARROWS: usize = 1500;

/// How much simulated time the sequence diagram shows at `speed` for `nodes` nodes: more when
/// playing fast, less for big clusters (their gossip would be a solid block).
pub fn sequence_window(speed: f64, nodes: usize) -> u64 {
    let ms = (3000.0 * speed.max(0.01).sqrt()).clamp(1000.0, 30_000.0);
    let ms = if nodes > 12 {
        (ms / 3.0).max(500.0)
    } else {
        ms
    };
    ms as u64
}

pub fn sequence<'a>(
    sim: &Sim,
    history: impl DoubleEndedIterator<Item = &'a Flight>,
    window: u64,
    replication: bool,
) -> Sequence {
    let end = sim.now();
    let start = end - window;
    let span = window.max(1) as f64;
    let x = |t: Time| (t.since(start) as f64 / span).clamp(0.0, 1.0);
    let mut arrows: Vec<SeqArrow> = history
        .rev()
        .take_while(|f| f.sent_at >= start || f.deliver_at >= start)
        .filter(|f| replication || f.kind != Traffic::Replication)
        .take(MAX_ARROWS)
        .map(|f| SeqArrow {
            id: f.id,
            from: f.from,
            to: f.to,
            from_x: x(f.sent_at),
            to_x: (f.deliver_at <= end).then(|| x(f.deliver_at)),
            kind: f.kind,
            sent_at: f.sent_at,
            deliver_at: f.deliver_at,
        })
        .collect();
    arrows.reverse();
    let trace = sim.trace();
    let first = trace.partition_point(|e| e.t < start);
    let marks = trace[first..]
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let (label, colour) = match &e.event {
                Event::Pfail { .. } => ("fail?", "#EE7733"),
                Event::Fail { .. } => ("FAIL", "#CC3311"),
                Event::FailCleared { .. } => ("ok", "#117733"),
                Event::VoteRequested { .. } => ("vote?", "#EE3377"),
                Event::VoteGranted { .. } => ("vote", "#117733"),
                Event::Promoted { .. } => ("master", "#0077BB"),
                Event::Role { master: Some(_) } => ("replica", "#555555"),
                _ => return None,
            };
            Some(SeqMark {
                index: first + i,
                t: e.t,
                node: e.node,
                x: x(e.t),
                event: first + i,
                label,
                colour,
            })
        })
        .collect();
    Sequence {
        lanes: sim.nodes().iter().map(|n| n.name.clone()).collect(),
        start,
        end,
        arrows,
        marks,
    }
}

// ---------------------------------------------------------------- key tracer

/// One byte of a key in the tracer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyByte {
    /// The byte as shown: the character, or `\xNN`.
    pub text: String,
    pub hex: String,
    /// Whether this byte is hashed (in the hash tag, or every byte when there is none).
    pub hashed: bool,
    /// A `{` or `}` that delimits the hash tag.
    pub brace: bool,
}

/// A key traced from its bytes to its owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyTrace {
    pub bytes: Vec<KeyByte>,
    /// The bytes that go into CRC16 (the tag, or the whole key).
    pub hashed: String,
    pub tagged: bool,
    pub crc: u16,
    pub slot: u16,
    pub owner: Option<usize>,
}

pub fn key_trace(key: &str, picture: &Picture) -> KeyTrace {
    let bytes = key.as_bytes();
    let tag = hash_tag(bytes);
    let (tag_start, tag_end) = match tag {
        Some(t) => {
            let start = t.as_ptr() as usize - bytes.as_ptr() as usize;
            (start, start + t.len())
        }
        None => (0, bytes.len()),
    };
    let hashed_bytes = tag.unwrap_or(bytes);
    let crc = crc16(hashed_bytes);
    let slot = crc & (SLOTS - 1);
    KeyTrace {
        bytes: bytes
            .iter()
            .enumerate()
            .map(|(i, &b)| KeyByte {
                text: if b.is_ascii_graphic() || b == b' ' {
                    (b as char).to_string()
                } else {
                    format!("\\x{b:02x}")
                },
                hex: format!("{b:02x}"),
                hashed: (tag_start..tag_end).contains(&i),
                brace: tag.is_some() && (i + 1 == tag_start || i == tag_end),
            })
            .collect(),
        hashed: String::from_utf8_lossy(hashed_bytes).into_owned(),
        tagged: tag.is_some(),
        crc,
        slot,
        owner: picture.owner(slot),
    }
}

// ---------------------------------------------------------------- node beliefs

/// One row of a node's own view of the cluster, and where it differs from the truth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BeliefRow {
    pub name: String,
    pub flags: String,
    pub master: String,
    /// ms since the PING it is still waiting a PONG for.
    pub ping_wait: Option<u64>,
    /// ms since the last PONG (None: never).
    pub pong_age: Option<u64>,
    pub epoch: u64,
    pub link: bool,
    pub slots: String,
    /// Where this belief differs from the truth, in words.
    pub differs: Vec<String>,
}

/// A failure report ledger row: what one node knows about another that it suspects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    pub about: String,
    /// `fail?` or `fail` or `-`, as this node flags it.
    pub flag: String,
    /// The ledger in one sentence: what this node concludes, or what it still waits for.
    pub verdict: String,
    /// Reporter, report age and time left before it expires (ms).
    pub reports: Vec<(String, u64, u64)>,
    /// Masters counted for FAIL: live reports, plus this node itself when it is a master
    /// that flags the node PFAIL.
    pub count: u32,
    pub needed: u32,
}

/// A replica's election as words and numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElectionInfo {
    pub rank: u32,
    /// ms until the vote request goes out (0 once sent).
    pub starts_in: u64,
    pub sent: bool,
    pub epoch: u64,
    pub votes: u32,
    pub needed: u32,
    pub manual: bool,
}

/// What the selected node believes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Beliefs {
    pub name: String,
    pub current_epoch: u64,
    pub my_epoch: u64,
    pub last_vote_epoch: u64,
    pub state_ok: bool,
    pub rows: Vec<BeliefRow>,
    pub cluster_nodes: String,
    pub ledger: Vec<LedgerRow>,
    pub election: Option<ElectionInfo>,
    /// Masters this node voted for a replica of, and how long ago.
    pub votes: Vec<(String, u64)>,
    pub node_timeout: u64,
}

pub fn beliefs(sim: &Sim, idx: usize, picture: &Picture, lang: Lang) -> Option<Beliefs> {
    let n = sim.nodes().get(idx)?;
    let view = n.node.view();
    let now = sim.now();
    let name_of = |id: NodeId| sim.id_name(id);
    let me_master = n.node.is_master();
    let needed = n.node.size() / 2 + 1;
    let validity = n.node.config().fail_report_validity();
    let mut rows = Vec::new();
    let mut ledger = Vec::new();
    for p in &view.nodes {
        let truth = sim.index_of_id(p.id).and_then(|j| picture.nodes.get(j));
        let mut differs = Vec::new();
        if let Some(t) = truth {
            if p.id != view.id {
                if t.is_master != p.flags.is_master() {
                    let msg = if t.is_master {
                        Msg::DiffReallyMaster
                    } else {
                        Msg::DiffReallyReplica
                    };
                    differs.push(fill(lang.t(msg), &[&t.name]));
                }
                if t.status != Status::Up && !p.flags.is_failing() {
                    let msg = if t.status == Status::Crashed {
                        Msg::DiffCrashedUnflagged
                    } else {
                        Msg::DiffPausedUnflagged
                    };
                    differs.push(fill(lang.t(msg), &[&t.name]));
                }
                if t.status == Status::Up && p.flags.is_failing() {
                    differs.push(fill(lang.t(Msg::DiffRunning), &[&t.name]));
                }
                if t.is_master && p.flags.is_master() && t.config_epoch != p.config_epoch {
                    let epoch = t.config_epoch.to_string();
                    differs.push(fill(lang.t(Msg::DiffEpoch), &[&epoch]));
                }
            }
        }
        let slots = p.slots.ranges();
        if let Some(t) = truth {
            if p.id != view.id && t.is_master && p.flags.is_master() && t.slots != slots {
                let serves = ranges_text(&t.slots, 3);
                differs.push(fill(lang.t(Msg::DiffSlots), &[&t.name, &serves]));
            }
        }
        rows.push(BeliefRow {
            name: name_of(p.id),
            flags: p.flags.to_string(),
            master: p.master.map(name_of).unwrap_or_else(|| "-".into()),
            ping_wait: p.ping_sent.map(|t| now.since(t)),
            pong_age: (p.pong_received != Time::ZERO).then(|| now.since(p.pong_received)),
            epoch: p.config_epoch,
            link: p.link_connected || p.id == view.id,
            slots: ranges_text(&slots, 3),
            differs,
        });
        let live: Vec<(String, u64, u64)> = p
            .fail_reports
            .iter()
            .filter(|(_, t)| now.since(*t) <= validity)
            .map(|(who, t)| (name_of(*who), now.since(*t), validity - now.since(*t)))
            .collect();
        if p.id != view.id && (p.flags.is_failing() || !live.is_empty()) {
            let me_counts = me_master && p.flags.is_failing();
            let count = live.len() as u32 + u32::from(me_counts);
            let about = name_of(p.id);
            let verdict = if p.flags.has(NodeFlags::FAIL) {
                fill(lang.t(Msg::VerdictFail), &[&about, &n.name])
            } else if !p.flags.has(NodeFlags::PFAIL) {
                fill(lang.t(Msg::VerdictNoPfail), &[&n.name, &about])
            } else if count >= needed {
                fill(lang.t(Msg::VerdictMajority), &[&n.name, &about])
            } else if needed - count == 1 {
                lang.t(Msg::VerdictOneMore).to_string()
            } else {
                fill(lang.t(Msg::VerdictMore), &[&(needed - count).to_string()])
            };
            ledger.push(LedgerRow {
                about,
                flag: if p.flags.has(NodeFlags::FAIL) {
                    "fail".into()
                } else if p.flags.has(NodeFlags::PFAIL) {
                    "fail?".into()
                } else {
                    "-".into()
                },
                verdict,
                count,
                reports: live,
                needed,
            });
        }
    }
    let election = view.election.as_ref().map(|e| ElectionInfo {
        rank: e.rank,
        starts_in: e.auth_time.since(now),
        sent: e.sent,
        epoch: e.epoch,
        votes: e.votes,
        needed: e.needed,
        manual: e.manual,
    });
    Some(Beliefs {
        name: n.name.clone(),
        current_epoch: view.current_epoch,
        my_epoch: view.my_epoch,
        last_vote_epoch: view.last_vote_epoch,
        state_ok: view.state_ok,
        rows,
        cluster_nodes: view.cluster_nodes(0),
        ledger,
        election,
        votes: view
            .voted_time
            .iter()
            .map(|(id, t)| (name_of(*id), now.since(*t)))
            .collect(),
        node_timeout: n.node.config().node_timeout,
    })
}

// ---------------------------------------------------------------- jobs

/// A redis-cli operation (add-node, reshard) as shown in the Grow panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobInfo {
    /// `redis-cli --cluster add-node` + rebalance, or `reshard 100 slots A → D`.
    pub title: String,
    /// What it does now, in words.
    pub doing: String,
    pub slots_moved: usize,
    pub keys_moved: usize,
    /// redis-cli's last progress line.
    pub last_line: Option<String>,
    /// `None` while running; `Err` holds redis-cli's error.
    pub outcome: Option<Result<(), String>>,
}

pub fn jobs(sim: &Sim) -> Vec<JobInfo> {
    use clusterlab_core::sim::Task;
    sim.jobs()
        .map(|(_, job)| {
            let title = match &job.task {
                Task::AddNodeAndRebalance { name, port, .. } => {
                    format!("add-node {name} (127.0.0.1:{port}), then rebalance")
                }
                Task::Reshard { from, to, slots } => format!(
                    "reshard {slots} slots {} → {}",
                    sim.node_name(*from),
                    sim.node_name(*to)
                ),
                Task::Rebalance { .. } => "rebalance".into(),
                Task::AddReplica {
                    name, port, master, ..
                } => format!(
                    "add-node {name} (127.0.0.1:{port}) --cluster-slave of {}",
                    sim.node_name(*master)
                ),
            };
            let doing = match (job.step(), job.current()) {
                ("done", _) => "done".into(),
                (step, Some((slot, from, to))) => format!(
                    "slot {slot} {} → {}: {step}",
                    sim.node_name(from),
                    sim.node_name(to)
                ),
                ("meet", None) => "CLUSTER MEET".into(),
                ("wait-join", None) => "waiting until every node knows the new one".into(),
                ("load", None) => "reading CLUSTER NODES from every node".into(),
                (step, None) => step.into(),
            };
            JobInfo {
                title,
                doing,
                slots_moved: job.slots_moved(),
                keys_moved: job.keys_moved(),
                last_line: job.log().last().cloned(),
                outcome: job.outcome().cloned(),
            }
        })
        .collect()
}

// ---------------------------------------------------------------- words

/// One line of the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// The entry's index in the trace, to explain it ([`explain::EventRef`]).
    pub index: usize,
    pub t: Time,
    pub node: usize,
    pub event: &'static str,
    pub text: String,
}

/// Events that happen all the time and would drown the rest of the log.
pub const ROUTINE: [&str; 4] = ["fail_report", "node_added", "meet", "slot_owner"];

pub fn is_routine(event: &str) -> bool {
    ROUTINE.contains(&event)
}

/// How far back [`log_lines`] looks for non-routine events.
const LOG_SCAN: usize = 100_000;

fn log_line<S: source::EventSource + ?Sized>(
    index: usize,
    e: &TraceEvent,
    sim: &S,
    lang: Lang,
) -> LogLine {
    LogLine {
        index,
        t: e.t,
        node: e.node,
        event: e.event.name(),
        text: event_line::event_sentence(e, sim, lang),
    }
}

/// The last `max` trace events as text lines (oldest first); without the routine ones unless
/// `routine`; in `lang`. Of the playground's run or of an imported trace.
pub fn log_lines<S: source::EventSource + ?Sized>(
    sim: &S,
    max: usize,
    routine: bool,
    lang: Lang,
) -> Vec<LogLine> {
    let mut lines: Vec<LogLine> = sim
        .trace()
        .iter()
        .enumerate()
        .rev()
        .take(LOG_SCAN)
        .filter(|(_, e)| routine || !is_routine(e.event.name()))
        .take(max)
        .map(|(i, e)| log_line(i, e, sim, lang))
        .collect();
    lines.reverse();
    lines
}

/// Appends `events` (the newest part of the trace) to `lines`, keeping the last `max`.
pub fn extend_log(
    lines: &mut Vec<LogLine>,
    events: &[TraceEvent],
    sim: &Sim,
    max: usize,
    routine: bool,
    lang: Lang,
) {
    // `events` ends the trace, so its first entry's index follows from the lengths.
    let base = sim.trace().len().saturating_sub(events.len());
    let fresh: Vec<(usize, &TraceEvent)> = events
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, e)| routine || !is_routine(e.event.name()))
        .take(max)
        .collect();
    lines.extend(
        fresh
            .into_iter()
            .rev()
            .map(|(i, e)| log_line(base + i, e, sim, lang)),
    );
    if lines.len() > max {
        let extra = lines.len() - max;
        lines.drain(..extra);
    }
}

/// A sentence for the state changes worth announcing (not every PING): the live region and
/// the caption under the cluster view.
pub fn narrate<S: source::EventSource + ?Sized>(
    e: &TraceEvent,
    sim: &S,
    lang: Lang,
) -> Option<String> {
    let who = sim.node_name(e.node);
    let who = who.as_str();
    let name = |id: NodeId| sim.id_name(id);
    let t = format_time(sim.shown(e.t), lang);
    let say = |msg: Msg, values: &[&str]| fill(lang.t(msg), values);
    let text = match &e.event {
        Event::Pfail { about, .. } => say(Msg::NarratePfail, &[who, &name(*about)]),
        Event::Fail {
            about,
            by_quorum: true,
            reports,
            needed,
            ..
        } => say(
            Msg::NarrateFail,
            &[
                who,
                &name(*about),
                &reports.to_string(),
                &needed.to_string(),
            ],
        ),
        Event::FailCleared { about, reason } => {
            say(Msg::NarrateFailCleared, &[who, &name(*about), reason])
        }
        Event::FailoverStart { delay_ms, rank, .. } => say(
            Msg::NarrateFailoverStart,
            &[who, &delay_ms.to_string(), &rank.to_string()],
        ),
        Event::FailoverBlocked { reason } => say(Msg::NarrateFailoverBlocked, &[who, reason]),
        Event::VoteRequested { epoch } => {
            say(Msg::NarrateVoteRequested, &[who, &epoch.to_string()])
        }
        Event::VoteGranted { about, epoch, .. } => say(
            Msg::NarrateVoteGranted,
            &[who, &name(*about), &epoch.to_string()],
        ),
        Event::Promoted { epoch, old_master } => say(
            Msg::NarratePromoted,
            &[who, &name(*old_master), &epoch.to_string()],
        ),
        Event::Role {
            master: Some(master),
        } => say(Msg::NarrateRole, &[who, &name(*master)]),
        Event::ClusterState { ok, .. } => say(
            Msg::NarrateClusterState,
            &[who, if *ok { "ok" } else { "fail" }],
        ),
        Event::ElectionExpired { epoch } => {
            say(Msg::NarrateElectionExpired, &[who, &epoch.to_string()])
        }
        Event::EpochCollision {
            with, new_epoch, ..
        } => say(
            Msg::NarrateEpochCollision,
            &[who, &name(*with), who, &new_epoch.to_string()],
        ),
        Event::ReplicaMigrated { to } => say(Msg::NarrateReplicaMigrated, &[who, &name(*to)]),
        _ => return None,
    };
    Some(fill(lang.t(Msg::AtTime), &[&t, &text]))
}

/// Simulated time as `12.345 s` (`12,345 s` in French: a decimal comma), with a no-break
/// space because a number never leaves its unit.
pub fn format_time(t: Time, lang: Lang) -> String {
    let number = format!("{}.{:03}", t.ms() / 1000, t.ms() % 1000);
    format!("{}\u{a0}s", decimal(&number, lang))
}

/// A decimal number written the way `lang` writes it (French uses a comma).
pub fn decimal(number: &str, lang: Lang) -> String {
    match lang {
        Lang::En => number.to_string(),
        Lang::Fr => number.replace('.', ","),
    }
}

/// Playback speed as `0.10×`, `1.0×`, `18×`.
pub fn format_speed(speed: f64) -> String {
    if speed < 1.0 {
        format!("{speed:.2}×")
    } else if speed < 10.0 {
        format!("{speed:.1}×")
    } else {
        format!("{speed:.0}×")
    }
}

/// A duration in ms as `850 ms` or `12.4 s` (`12,4 s` in French; a no-break space, as in
/// [`format_time`]).
pub fn format_ms(ms: u64, lang: Lang) -> String {
    if ms < 1000 {
        format!("{ms}\u{a0}ms")
    } else {
        let number = format!("{:.1}", ms as f64 / 1000.0);
        format!("{}\u{a0}s", decimal(&number, lang))
    }
}

#[cfg(test)]
mod tests;
