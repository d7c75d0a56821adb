//! Messages on the wire as the cluster view draws them: what kind each one is, its style
//! (colour, shape, label), and where it is between its sender and its receiver.

use clusterlab_core::msg::MsgType;
use clusterlab_core::sim::{Names, Payload, Sim};
use clusterlab_core::Time;

use super::cluster_view::Picture;
use super::format::format_time;
use crate::i18n::{fill, Lang, Msg};

/// What a message carries, as the views tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Traffic {
    /// A cluster bus message.
    Bus(MsgType),
    /// The master → replica stream.
    Replication,
    /// A connection one node opened to another to move keys (MIGRATE, RESTORE-ASKING).
    Migration,
}

impl Traffic {
    pub fn of(payload: &Payload) -> Traffic {
        match payload {
            Payload::Bus { msg, .. } => Traffic::Bus(msg.kind()),
            Payload::Repl { .. } => Traffic::Replication,
            _ => Traffic::Migration,
        }
    }
}

/// A message seen leaving its sender, for the animation layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Flight {
    pub id: u64,
    pub from: usize,
    pub to: usize,
    pub kind: Traffic,
    pub sent_at: Time,
    pub deliver_at: Time,
    pub bytes: usize,
}

impl Flight {
    pub fn of(m: &clusterlab_core::sim::InFlight) -> Flight {
        Flight {
            id: m.id,
            from: m.from,
            to: m.to,
            kind: Traffic::of(&m.payload),
            sent_at: m.sent_at,
            deliver_at: m.deliver_at,
            bytes: m.bytes,
        }
    }
}

/// A message being drawn: what it is and when (on the animation clock) it left.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveFlight {
    pub flight: Flight,
    /// Animation-clock ms when the message left its sender.
    pub born: f64,
}

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

/// The long name for the legend: the bus message's own name, or what the stream carries.
pub fn msg_name(kind: Traffic, lang: Lang) -> &'static str {
    match kind {
        Traffic::Bus(k) => k.name(),
        Traffic::Replication => lang.t(Msg::LegendReplication),
        Traffic::Migration => lang.t(Msg::LegendMigration),
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

#[cfg(test)]
mod tests {
    //! Messages on the wire: one style per type, glyphs between nodes, the paused queue.

    use super::*;
    use crate::view_model::cluster_view::picture;
    use crate::view_model::test_support::{cluster, SIX};

    #[test]
    fn messages_have_a_shape_and_a_label_per_type() {
        let styles: Vec<MsgStyle> = LEGEND.iter().map(|&k| msg_style(k)).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert!(
                    a.colour != b.colour,
                    "{} and {} share a colour",
                    a.label,
                    b.label
                );
            }
        }
        assert_eq!(msg_style(Traffic::Bus(MsgType::Fail)).shape, Shape::Square);
        assert!(msg_style(Traffic::Bus(MsgType::Fail)).loud);
        assert!(!msg_style(Traffic::Bus(MsgType::Ping)).loud);
        assert_eq!(
            msg_name(Traffic::Replication, Lang::En),
            "replication stream"
        );
        assert_eq!(
            msg_name(Traffic::Replication, Lang::Fr),
            "flux de réplication"
        );
        assert!(flight_duration(0.1) > flight_duration(1.0));
        assert!(flight_duration(1.0) > flight_duration(100.0));
        assert!(flight_duration(100.0) >= 120.0);
    }

    #[test]
    fn glyphs_move_from_sender_to_receiver() {
        let sim = cluster();
        let p = picture(&sim, SIX);
        let flight = Flight {
            id: 1,
            from: 0,
            to: 1,
            kind: Traffic::Bus(MsgType::Ping),
            sent_at: Time(0),
            deliver_at: Time(2),
            bytes: 2256,
        };
        let live = |born| LiveFlight {
            flight: flight.clone(),
            born,
        };
        let g = flight_glyphs(&[live(0.0), live(-1000.0)], 350.0, 700.0, &p);
        assert_eq!(g.len(), 1, "the old one has arrived");
        assert!((g[0].progress - 0.5).abs() < 1e-9);
        assert_eq!(g[0].from, (p.nodes[0].x, p.nodes[0].y));
        assert_eq!(g[0].to, (p.nodes[1].x, p.nodes[1].y));
    }

    #[test]
    fn paused_glyphs_show_the_real_queue() {
        let mut sim = cluster();
        while sim.in_flight().next().is_none() {
            sim.step();
        }
        let p = picture(&sim, SIX);
        let g = queue_glyphs(&sim, &p);
        assert_eq!(g.len(), sim.in_flight().count());
        assert!(g.iter().all(|g| (0.0..=1.0).contains(&g.progress)));
        let first = sim.in_flight().next().expect("a message");
        assert!(flight_text(first, &sim, Lang::En).contains(", arrives at "));
        assert!(flight_text(first, &sim, Lang::Fr).contains(", arrive à "));
    }
}
