//! View-model tests: the pure functions from the simulation to what is drawn.

use super::*;
use crate::i18n::Lang;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::MsgType;
use clusterlab_core::sim::{Scenario, Sim};
use clusterlab_core::Time;

const SIX: Layout = Layout {
    masters: 3,
    replicas: 1,
    extra: 0,
    compact: false,
};

/// The default playground (3 masters, 1 replica each, seed 1) without its write load.
fn cluster() -> Sim {
    Scenario {
        write_every_ms: None,
        ..Scenario::default()
    }
    .build()
    .expect("the default cluster forms")
}

/// The default playground with A killed and 40 s run: PFAIL, failure reports, FAIL, the
/// election and the promotion of A1 are all in the trace (the log, "why?" and import tests).
pub(crate) fn failed_over() -> Sim {
    let mut sim = cluster();
    sim.crash(0);
    sim.run_until(sim.now() + 40_000);
    sim
}

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

#[test]
fn picture_of_a_formed_cluster() {
    let sim = cluster();
    let p = picture(&sim, SIX);
    assert_eq!(p.nodes.len(), 6);
    let a = &p.nodes[0];
    assert_eq!(
        (a.name.as_str(), a.is_master, a.slots.clone()),
        ("A", true, vec![(0, 5460)])
    );
    assert_eq!(a.role_text(&p.nodes, Lang::En), "master");
    assert_eq!(p.nodes[3].role_text(&p.nodes, Lang::En), "replica of A");
    assert_eq!(p.nodes[3].role_text(&p.nodes, Lang::Fr), "réplique de A");
    // The line under each node (role and configEpoch) reads in the learner's language too.
    let e = a.config_epoch;
    assert_eq!(a.role_line(&p.nodes, Lang::En), format!("master · e{e}"));
    assert_eq!(a.role_line(&p.nodes, Lang::Fr), format!("maître · e{e}"));
    let e3 = p.nodes[3].config_epoch;
    assert_eq!(
        p.nodes[3].role_line(&p.nodes, Lang::Fr),
        format!("réplique de A · e{e3}")
    );
    assert_eq!(a.state_text(Lang::En), "ok");
    assert_eq!(a.observers, 5);
    assert_eq!(p.owner(0), Some(0));
    assert_eq!(p.owner(5461), Some(1));
    assert_eq!(p.owner(16383), Some(2));
    assert_eq!(
        p.ranges_by_owner(),
        vec![
            (0, vec![(0, 5460)]),
            (1, vec![(5461, 10922)]),
            (2, vec![(10923, 16383)])
        ]
    );
    assert_eq!(p.uncovered(), 0);
    assert_eq!((p.up_nodes, p.ok_nodes), (6, 6));
}

#[test]
fn pfail_then_fail_are_counted_from_the_other_nodes_views() {
    let mut sim = cluster();
    sim.crash(0);
    let t = sim.now();
    sim.run_until_pred(t + 60_000, |s| {
        s.nodes()[1]
            .node
            .peer_flags()
            .any(|(id, f)| id == s.node(0).id() && f.has(NodeFlags::PFAIL))
    });
    let p = picture(&sim, SIX);
    assert_eq!(p.nodes[0].suspicion(), Suspicion::Pfail);
    assert!(p.nodes[0]
        .state_text(Lang::En)
        .starts_with("crashed, PFAIL ("));
    assert_eq!(p.nodes[0].observers, 5);
    sim.run_until(sim.now() + 20_000);
    let p = picture(&sim, SIX);
    assert_eq!(p.nodes[0].suspicion(), Suspicion::Fail);
    assert_eq!(p.nodes[0].state_text(Lang::En), "crashed, FAIL (5 of 5)");
    assert_eq!(p.nodes[0].state_text(Lang::Fr), "arrêté, FAIL (5 sur 5)");
    // A1 won: its epoch is higher than A's, so it owns A's old slots.
    assert!(p.nodes[3].is_master);
    assert!(!p.nodes[3].born_master);
    assert_eq!(p.owner(100), Some(3));
    assert!(p.nodes[3].config_epoch > p.nodes[0].config_epoch);
}

#[test]
fn a_promotion_is_news_for_a_while() {
    let mut sim = cluster();
    sim.crash(0);
    let promoted = sim.run_until_pred(sim.now() + 60_000, |s| s.node(3).is_master());
    assert!(promoted);
    assert!(picture(&sim, SIX).nodes[3].just_promoted);
    sim.run_until(sim.now() + JUST_PROMOTED_MS + 1);
    let p = picture(&sim, SIX);
    assert!(!p.nodes[3].just_promoted && p.nodes[3].is_master);
}

#[test]
fn ranges_as_text() {
    assert_eq!(ranges_text(&[], 3), "-");
    assert_eq!(ranges_text(&[(0, 5460)], 3), "0-5460");
    assert_eq!(ranges_text(&[(1, 1), (3, 9), (20, 30)], 2), "1 3-9 +1 more");
}

#[test]
fn slot_map_pixels_follow_owners_and_marks() {
    let mut sim = cluster();
    let p = picture(&sim, SIX);
    let px = slot_map_pixels(&p, &[1649]);
    assert_eq!(px.len(), 16384 * 4);
    let at = |px: &[u8], s: usize| (px[s * 4], px[s * 4 + 1], px[s * 4 + 2]);
    assert_eq!(at(&px, 0), p.nodes[0].rgb);
    assert_eq!(at(&px, 16383), p.nodes[2].rgb);
    assert_eq!(at(&px, 1649), (0, 0, 0));
    sim.crash(1);
    let p = picture(&sim, SIX);
    let px = slot_map_pixels(&p, &[]);
    // Slot 5461 is column 85 of row 21: an even square keeps the colour, an odd one darkens.
    assert_eq!(at(&px, 5461), p.nodes[1].rgb);
    assert_ne!(at(&px, 5462), p.nodes[1].rgb);
    assert_eq!(slot_at(0.0, 0.0), Some(0));
    assert_eq!(slot_at(0.999, 0.999), Some(16383));
    assert_eq!(slot_at(1.0, 0.5), None);
    assert_eq!(slot_at(0.5, 0.0), Some(128));
}

#[test]
fn key_tracer_highlights_the_hash_tag() {
    let p = picture(&cluster(), SIX);
    let t = key_trace("user:1000", &p);
    assert_eq!(
        (t.slot, t.tagged, t.hashed.as_str()),
        (1649, false, "user:1000")
    );
    assert!(t.bytes.iter().all(|b| b.hashed && !b.brace));
    assert_eq!(t.crc & 16383, 1649);
    assert_eq!(t.owner, Some(0));

    let t = key_trace("{user1000}.following", &p);
    assert_eq!(
        (t.slot, t.tagged, t.hashed.as_str()),
        (3443, true, "user1000")
    );
    let hashed: String = t
        .bytes
        .iter()
        .filter(|b| b.hashed)
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(hashed, "user1000");
    assert!(t.bytes[0].brace && t.bytes[9].brace && !t.bytes[10].brace);

    // An empty tag hashes the whole key; non-printable bytes are shown escaped.
    let t = key_trace("{}user", &p);
    assert!(!t.tagged && t.bytes.iter().all(|b| b.hashed));
    assert_eq!(key_trace("a\u{7}", &p).bytes[1].text, "\\x07");
    assert_eq!(key_trace("", &p).slot, 0);
}

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

#[test]
fn beliefs_of_a_node_and_where_they_differ() {
    let mut sim = cluster();
    let p = picture(&sim, SIX);
    let b = beliefs(&sim, 1, &p, Lang::En).expect("B exists");
    assert_eq!(b.name, "B");
    assert_eq!(b.rows.len(), 6);
    assert!(b.rows.iter().all(|r| r.differs.is_empty()));
    assert!(b.ledger.is_empty());
    assert!(b.election.is_none());
    assert_eq!(b.cluster_nodes.lines().count(), 6);
    assert!(b.cluster_nodes.contains("myself,master"));

    sim.crash(0);
    let p = picture(&sim, SIX);
    let b = beliefs(&sim, 1, &p, Lang::En).unwrap();
    let a = b.rows.iter().find(|r| r.name == "A").unwrap();
    assert_eq!(a.differs, ["A is crashed but not flagged yet"]);
    // No English on a French screen: the same difference, said in French.
    let fr = beliefs(&sim, 1, &p, Lang::Fr).unwrap();
    let a = fr.rows.iter().find(|r| r.name == "A").unwrap();
    assert_eq!(a.differs, ["A est arrêté mais pas encore marqué"]);

    // Later: B has a ledger about A, and A1 runs an election.
    let t = sim.now();
    let mut saw_election = false;
    let mut saw_ledger = false;
    while sim.now() < t + 40_000 {
        sim.run_until(sim.now() + 50);
        let p = picture(&sim, SIX);
        let b = beliefs(&sim, 1, &p, Lang::En).unwrap();
        if let Some(l) = b.ledger.iter().find(|l| l.about == "A") {
            assert_eq!(l.needed, 2);
            saw_ledger = true;
            let fr = beliefs(&sim, 1, &p, Lang::Fr).unwrap();
            let v = &fr.ledger.iter().find(|l| l.about == "A").unwrap().verdict;
            assert!(
                !v.contains("master") && !v.contains(" for "),
                "English verdict: {v}"
            );
        }
        if let Some(e) = beliefs(&sim, 3, &p, Lang::En).unwrap().election {
            assert_eq!(e.needed, 2);
            saw_election = true;
        }
    }
    assert!(saw_ledger && saw_election);
    assert!(beliefs(&sim, 99, &picture(&sim, SIX), Lang::En).is_none());
}

#[test]
fn narration_picks_the_state_changes() {
    let mut sim = cluster();
    sim.crash(0);
    sim.run_until(sim.now() + 40_000);
    let lines: Vec<String> = sim
        .trace()
        .iter()
        .filter_map(|e| narrate(e, &sim, crate::i18n::Lang::En))
        .collect();
    assert!(lines.iter().any(|l| l.contains("flags A as PFAIL")));
    assert!(lines.iter().any(|l| l.contains("marks A as FAIL")));
    assert!(lines.iter().any(|l| l.contains("A1 wins the election")));
    // Routine events stay quiet.
    let noisy = sim
        .trace()
        .iter()
        .filter(|e| e.event.name() == "fail_report")
        .filter_map(|e| narrate(e, &sim, crate::i18n::Lang::En))
        .count();
    assert_eq!(noisy, 0);
    let log = log_lines(&sim, 5, true, crate::i18n::Lang::En);
    assert_eq!(log.len(), 5);
    assert_eq!(log.last().unwrap().t, sim.trace().last().unwrap().t);
    let key = log_lines(&sim, 1000, false, crate::i18n::Lang::En);
    assert!(key.iter().all(|l| !is_routine(l.event)));
    assert!(key.iter().any(|l| l.event == "promoted"));
    // Extending a log by the newest events matches building it at once.
    let trace = sim.trace();
    let cut = trace.len() - 40;
    let mut grown: Vec<LogLine> = trace[..cut]
        .iter()
        .enumerate()
        .filter(|(_, e)| !is_routine(e.event.name()))
        .map(|(index, e)| LogLine {
            index,
            t: e.t,
            node: e.node,
            event: e.event.name(),
            text: event_line::event_sentence(e, &sim, crate::i18n::Lang::Fr),
        })
        .collect();
    extend_log(
        &mut grown,
        &trace[cut..],
        &sim,
        30,
        false,
        crate::i18n::Lang::Fr,
    );
    assert_eq!(grown, log_lines(&sim, 30, false, crate::i18n::Lang::Fr));
}

/// Times and durations keep their unit on the same line (a no-break space); French writes
/// the decimal point as a comma.
#[test]
fn formats() {
    use crate::i18n::Lang::{En, Fr};
    assert_eq!(format_time(Time(12_345), En), "12.345\u{a0}s");
    assert_eq!(format_time(Time(5), En), "0.005\u{a0}s");
    assert_eq!(format_time(Time(12_345), Fr), "12,345\u{a0}s");
    assert_eq!(format_ms(12_400, Fr), "12,4\u{a0}s");
    assert_eq!(format_ms(850, Fr), "850\u{a0}ms");
    assert_eq!(format_speed(0.1), "0.10×");
    assert_eq!(format_speed(1.0), "1.0×");
    assert_eq!(format_speed(56.2), "56×");
    assert_eq!(format_ms(850, En), "850\u{a0}ms");
    assert_eq!(format_ms(12_400, En), "12.4\u{a0}s");
}
