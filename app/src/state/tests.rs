//! Reducer tests: the model driven by actions, natively, with the real simulator.

use super::console::{ConsoleAction, LineKind};
use super::replay::SimAction;
use super::*;

fn model() -> Model {
    let mut m = Model::new();
    m.playing = false;
    m
}

fn name_index(m: &Model, name: &str) -> usize {
    m.run.sim().index_of(name).expect("node exists")
}

fn console(m: &mut Model, line: &str) -> Vec<String> {
    let before = m.console.lines.len();
    m.apply(Action::Console(ConsoleAction::SetDraft(line.into())));
    m.apply(Action::Console(ConsoleAction::Submit));
    m.console.lines[before..]
        .iter()
        .map(|l| l.text(m.course.lang))
        .collect()
}

#[test]
fn starts_with_the_default_cluster_formed() {
    let m = Model::new();
    let names: Vec<&str> = m.picture.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["A", "B", "C", "A1", "B1", "C1"]);
    assert!(m.playing, "the page starts playing");
    assert_eq!(m.picture.uncovered(), 0);
    assert_eq!(m.picture.ok_nodes, 6);
    assert_eq!(m.picture.nodes[0].addr, "127.0.0.1:7000");
    assert_eq!(m.picture.nodes[3].master, Some(0));
}

#[test]
fn ticks_advance_by_real_time_times_speed_only_while_playing() {
    let mut m = model();
    let t0 = m.run.sim().now();
    assert!(
        !m.apply(Action::Tick { real_ms: 16.0 }),
        "paused: nothing changes"
    );
    assert_eq!(m.run.sim().now(), t0);
    m.apply(Action::Play);
    m.apply(Action::SetSpeed(1.0)); // 10×
    m.apply(Action::Tick { real_ms: 50.0 });
    assert_eq!(m.run.sim().now(), t0 + 500);
    // A long pause of the tab does not jump ahead more than one frame's worth.
    m.apply(Action::Tick { real_ms: 5_000.0 });
    assert_eq!(m.run.sim().now(), t0 + 1_500);
    // At 0.1× the fractions add up.
    m.apply(Action::SetSpeed(-1.0));
    for _ in 0..10 {
        m.apply(Action::Tick { real_ms: 16.0 });
    }
    assert_eq!(m.run.sim().now(), t0 + 1_516);
}

#[test]
fn a_frame_out_of_time_falls_behind_and_says_so() {
    fn frozen_late() -> f64 {
        thread_local!(static T: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) });
        // Every call is 5 ms later: the 7 ms budget runs out after a few checks.
        T.with(|t| {
            t.set(t.get() + 5.0);
            t.get()
        })
    }
    let mut m = model();
    m.frame_clock = Some(frozen_late);
    m.apply(Action::Play);
    m.apply(Action::SetSpeed(2.0));
    let t0 = m.run.sim().now();
    m.apply(Action::Tick { real_ms: 100.0 });
    assert!(m.lagging);
    assert!(m.run.sim().now() < t0 + 10_000);
    assert!(m.run.sim().now() > t0);
}

#[test]
fn speed_is_log_scale_and_clamped() {
    let mut m = model();
    assert!((m.speed() - 1.0).abs() < 1e-9);
    for _ in 0..100 {
        m.apply(Action::Faster);
    }
    assert!((m.speed() - 100.0).abs() < 1e-6);
    for _ in 0..100 {
        m.apply(Action::Slower);
    }
    assert!((m.speed() - 0.1).abs() < 1e-9);
    m.apply(Action::SetSpeed(7.0));
    assert_eq!(m.speed_log, SPEED_MAX_LOG);
}

#[test]
fn messages_are_recorded_for_the_animation_while_playing() {
    let mut m = model();
    m.apply(Action::Play);
    m.apply(Action::SetSpeed(0.5));
    for _ in 0..30 {
        m.apply(Action::Tick { real_ms: 16.0 });
    }
    assert!(!m.flights.is_empty(), "gossip flows every second");

    assert!(m
        .flights
        .iter()
        .any(|f| f.flight.kind
            == crate::view_model::Traffic::Bus(clusterlab_core::msg::MsgType::Ping)));
}

#[test]
fn step_then_step_back_returns_to_the_same_state() {
    let mut m = model();
    let start = m.run.cursor();
    for _ in 0..25 {
        m.apply(Action::Step);
    }
    let after = m.run.cursor();
    let trace_len = m.run.sim().trace().len();
    assert_eq!(after.steps, 25);
    m.apply(Action::StepBack);
    assert_eq!(m.run.cursor().steps, 24);
    m.apply(Action::Step);
    assert_eq!(m.run.cursor(), after);
    assert_eq!(m.run.sim().trace().len(), trace_len);
    for _ in 0..25 {
        m.apply(Action::StepBack);
    }
    assert_eq!(m.run.cursor(), start);
}

#[test]
fn stepping_back_over_an_action_undoes_it_and_stepping_redoes_it() {
    let mut m = model();
    for _ in 0..5 {
        m.apply(Action::Step);
    }
    m.apply(Action::Sim(SimAction::Crash(0)));
    assert_eq!(m.status(0), Status::Crashed);
    m.apply(Action::StepBack);
    assert_eq!(m.status(0), Status::Up, "back before the crash");
    assert_eq!(m.run.cursor().steps, 5);
    m.apply(Action::Step);
    assert_eq!(m.status(0), Status::Crashed, "the recorded future replays");
    assert_eq!(m.run.cursor().steps, 5);
}

#[test]
fn acting_in_the_past_forks_the_run() {
    let mut m = model();
    m.apply(Action::Skip(2_000));
    m.apply(Action::Sim(SimAction::Crash(1)));
    m.apply(Action::Skip(2_000));
    let t = m.run.sim().now();
    m.apply(Action::SeekTime(t.ms() - 3_000));
    assert_eq!(m.status(1), Status::Up);
    assert_eq!(
        m.run.log().len(),
        1,
        "the future is kept until a new action"
    );
    m.apply(Action::Sim(SimAction::Crash(2)));
    assert_eq!(
        m.run.log().len(),
        1,
        "the new action replaced the old future"
    );
    assert_eq!(m.run.log()[0].action, SimAction::Crash(2));
    assert_eq!(m.run.horizon().time, m.run.sim().now());
}

#[test]
fn crashing_a_master_gets_its_replica_promoted() {
    let mut m = model();
    let a = name_index(&m, "A");
    let a1 = name_index(&m, "A1");
    m.apply(Action::Select(Some(a)));
    m.apply(Action::OnSelected(NodeFault::Crash));
    assert_eq!(m.picture.nodes[a].status, Status::Crashed);
    m.apply(Action::Skip(30_000));
    let p = &m.picture;
    assert!(p.nodes[a1].is_master, "A1 took over");
    assert_eq!(p.nodes[a1].slots, vec![(0, 5460)]);
    assert_eq!(p.owner(1649), Some(a1));
    assert!(p.nodes[a].fail_by > 0, "the others flag A as FAIL");
    assert!(m.narration.contains(':'), "something was narrated");
    assert!(m
        .log_key
        .iter()
        .any(|l| l.event == "promoted" && l.text.contains("A1")));
}

#[test]
fn scrubbing_back_and_forth_reproduces_the_run_exactly() {
    let mut m = model();
    m.apply(Action::Sim(SimAction::Crash(0)));
    m.apply(Action::Skip(25_000));
    let end = m.run.sim().now();
    let fingerprint =
        |m: &Model| clusterlab_core::sim::fingerprint(m.run.sim().trace(), m.run.sim());
    let at_end = fingerprint(&m);
    m.apply(Action::SeekTime(end.ms() - 20_000));
    assert!(m.run.sim().trace().len() < m.run.sim().trace().len() + 1);
    m.apply(Action::SeekTime(end.ms()));
    assert_eq!(m.run.sim().now(), end);
    assert_eq!(fingerprint(&m), at_end);
}

#[test]
fn the_message_history_follows_time_travel() {
    let mut m = model();
    m.apply(Action::Sim(SimAction::Crash(0)));
    m.apply(Action::Skip(25_000));
    let now = m.run.sim().now();
    let history = m.run.history();
    assert!(history.len() > 50);
    assert!(history
        .iter()
        .all(|f| f.sent_at + replay::HISTORY_MS >= now));
    // Back 5 s: the history is rebuilt by the replay and ends at the new now.
    m.apply(Action::SeekTime(now.ms() - 5_000));
    let now = m.run.sim().now();
    let history = m.run.history();
    assert!(history.len() > 20);
    assert!(history.back().unwrap().sent_at <= now);
    let seq = view_model::sequence(m.run.sim(), history.iter(), 10_000, true);
    assert_eq!(seq.lanes.len(), 6);
    assert!(!seq.arrows.is_empty());
    assert!(seq.arrows.iter().all(|a| (0.0..=1.0).contains(&a.from_x)));
    assert!(
        seq.marks.iter().any(|mk| mk.label == "fail?" && mk.x > 0.0),
        "the others flag A within the window"
    );
}

#[test]
fn console_prints_moved_and_follows_it_with_dash_c() {
    let mut m = model();
    let b = name_index(&m, "B");
    m.apply(Action::Console(ConsoleAction::SetTarget(b)));
    let out = console(&mut m, "GET user:1000");
    assert_eq!(
        out,
        [
            "127.0.0.1:7001> GET user:1000",
            "(error) MOVED 1649 127.0.0.1:7000"
        ]
    );
    m.apply(Action::Console(ConsoleAction::SetFollow(true)));
    let out = console(&mut m, "SET user:1000 hello");
    assert_eq!(
        out,
        [
            "127.0.0.1:7001> SET user:1000 hello",
            "-> Redirected to slot [1649] located at 127.0.0.1:7000",
            "OK"
        ]
    );
    assert_eq!(m.console.target, 0, "the prompt moved to A like redis-cli");
    assert_eq!(m.console.hops, vec![b, 0]);
    assert_eq!(console(&mut m, "GET user:1000")[1], "\"hello\"");
    assert_eq!(m.console.prompt(&m.run), "127.0.0.1:7000> ");
}

#[test]
fn every_palette_command_is_known_to_the_nodes() {
    let mut m = model();
    for cmd in super::console::PALETTE {
        let out = console(&mut m, cmd);
        assert!(
            !out[1].contains("unknown") && !out[1].starts_with("(error) ERR"),
            "{cmd}: {out:?}"
        );
    }
}

/// `HELP ZRANGE` prints redis-cli's help from COMMAND DOCS without sending anything; the
/// draft carries redis-cli's hint of the arguments still to type.
#[test]
fn console_help_and_hints() {
    let mut m = model();
    let out = console(&mut m, "help zrange");
    assert_eq!(
        out[1],
        "\n  ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]\n  \
         summary: Return a range of members in a sorted set\n  since: 1.2.0\n  group: sorted-set"
    );
    assert!(console(&mut m, "HELP CLUSTER SETSLOT")[1]
        .contains("CLUSTER SETSLOT slot IMPORTING node-id|MIGRATING node-id|NODE node-id|STABLE"));
    assert!(console(&mut m, "HELP NOSUCH")[1].starts_with("No help for 'NOSUCH'"));
    assert!(console(&mut m, "HELP")[1].contains("HELP <command>"));
    m.apply(Action::Console(ConsoleAction::SetDraft("ZRANGE k ".into())));
    assert_eq!(
        m.console.hint.as_deref(),
        Some("start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]")
    );
    m.apply(Action::Console(ConsoleAction::SetDraft("GET k".into())));
    assert_eq!(m.console.hint, None, "nothing left to type");
    m.apply(Action::Console(ConsoleAction::SetDraft("GET".into())));
    assert_eq!(m.console.hint.as_deref(), Some("key"));
    m.apply(Action::Console(ConsoleAction::Submit));
    assert_eq!(m.console.hint, None);
}

/// The console's own notes (HELP, a paused node, a port nobody listens on, an unknown HELP)
/// are French on a French page, with French typography; what redis-cli and Redis print
/// (`-> Redirected…`, `MOVED`, redis-cli's help texts) stays as they print it. Switching the
/// page's language writes the notes already printed again in the new language (they are kept
/// as messages, not words), while Redis's replies stay as printed.
#[test]
fn console_notes_follow_the_language() {
    use crate::i18n::french::faults;
    let mut m = model();
    m.apply(Action::SetLang(crate::i18n::Lang::Fr));
    assert!(console(&mut m, "HELP")[1].starts_with("Tapez des commandes Redis"));
    assert_eq!(
        console(&mut m, "HELP NOSUCH")[1],
        "Pas d'aide pour «\u{202f}NOSUCH\u{202f}»\u{202f}: Redis 7.0 n'a ni commande ni groupe \
         de ce nom (essayez HELP ZRANGE, HELP CLUSTER SETSLOT ou HELP @cluster)."
    );
    assert!(console(&mut m, "HELP GET")[1].contains("summary: Get the value of a key"));
    assert_eq!(
        console(&mut m, "redis-cli -p 9999")[1],
        "Aucun nœud simulé n'écoute sur le port 9999."
    );
    let b = name_index(&m, "B");
    m.apply(Action::Sim(SimAction::Pause(b)));
    m.apply(Action::Console(ConsoleAction::SetTarget(b)));
    assert_eq!(
        console(&mut m, "GET k")[1],
        "(pas de réponse\u{202f}: B à 127.0.0.1:7001 est suspendu, comme un processus arrêté \
         par SIGSTOP\u{202f}; redis-cli attendrait)"
    );
    m.apply(Action::Console(ConsoleAction::SetTarget(0)));
    assert_eq!(
        console(&mut m, "GET user:1000")[1],
        "(nil)",
        "Redis's reply as redis-cli prints it"
    );
    // A build without Lua (the page's) refuses scripts with its own text, in French here;
    // with the `lua` feature (a workspace test run) the script runs.
    let eval = console(&mut m, "EVAL \"return 1\" 0");
    assert!(
        eval[1] == "(integer) 1"
            || eval[1].starts_with("(error) ERR les scripts ne sont pas disponibles"),
        "{eval:?}"
    );
    let shown = |m: &Model| -> Vec<String> {
        let lang = m.course.lang;
        m.console.lines.iter().map(|l| l.text(lang)).collect()
    };
    let notes = |m: &Model| -> Vec<String> {
        let lang = m.course.lang;
        m.console
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Note)
            .map(|l| l.text(lang))
            .collect()
    };
    let french = notes(&m);
    assert_eq!(french.len(), 4, "{french:?}");
    for note in &french {
        assert!(faults(note).is_empty(), "{note}: {:?}", faults(note));
    }
    let before = shown(&m);
    // The notes printed in French now read in English; everything else is as printed.
    m.apply(Action::SetLang(crate::i18n::Lang::En));
    let english = notes(&m);
    assert!(english[0].starts_with("Type Redis commands"), "{english:?}");
    assert!(english[1].starts_with("No help for 'NOSUCH': Redis 7.0"));
    assert_eq!(english[2], "No simulated node listens on port 9999.");
    assert!(english[3].starts_with("(no reply: B at 127.0.0.1:7001 is paused"));
    let after = shown(&m);
    assert_eq!(before.len(), after.len());
    for (fr, en) in before.iter().zip(&after) {
        let is_note = french.contains(fr);
        let is_page_refusal = fr.starts_with("(error) ERR les scripts");
        assert_eq!(is_note || is_page_refusal, fr != en, "{fr} / {en}");
    }
    if eval[1] != "(integer) 1" {
        assert!(after.contains(&format!(
            "(error) {}",
            Msg::NoLua.text(crate::i18n::Lang::En)
        )));
    }
    // And back: the same lines in French again.
    m.apply(Action::SetLang(crate::i18n::Lang::Fr));
    assert_eq!(shown(&m), before);
}

#[test]
fn console_history_and_errors() {
    let mut m = model();
    console(&mut m, "PING");
    console(&mut m, "CLUSTER KEYSLOT user:1000");
    m.apply(Action::Console(ConsoleAction::HistoryPrev));
    assert_eq!(m.console.draft, "CLUSTER KEYSLOT user:1000");
    m.apply(Action::Console(ConsoleAction::HistoryPrev));
    assert_eq!(m.console.draft, "PING");
    m.apply(Action::Console(ConsoleAction::HistoryPrev));
    assert_eq!(m.console.draft, "PING", "stays at the oldest");
    m.apply(Action::Console(ConsoleAction::HistoryNext));
    assert_eq!(m.console.draft, "CLUSTER KEYSLOT user:1000");
    m.apply(Action::Console(ConsoleAction::HistoryNext));
    assert_eq!(m.console.draft, "");
    assert_eq!(
        console(&mut m, "GET \"unbalanced")[1],
        "Invalid argument(s)"
    );
    assert_eq!(
        console(&mut m, "CLUSTER KEYSLOT {user1000}.following")[1],
        "(integer) 3443"
    );
    m.apply(Action::Sim(SimAction::Crash(0)));
    let out = console(&mut m, "PING");
    assert_eq!(out[0], "not connected> PING");
    assert_eq!(
        out[1],
        "Could not connect to Redis at 127.0.0.1:7000: Connection refused"
    );
    let out = console(&mut m, "redis-cli -c -p 7002");
    assert_eq!(out.len(), 1);
    assert!(m.console.follow);
    assert_eq!(m.console.target, 2);
    assert!(m.console.lines.iter().all(|l| l.kind != LineKind::Redirect));
}

#[test]
fn console_commands_are_replayed_by_time_travel() {
    let mut m = model();
    m.apply(Action::Skip(500));
    console(&mut m, "SET user:1000 v1");
    m.apply(Action::Skip(1_000));
    let t = m.run.sim().now();
    m.apply(Action::SeekTime(m.run.start_time().ms()));
    assert_eq!(m.run.cursor().applied, 0);
    m.apply(Action::SeekTime(t.ms()));
    let count = m.run.sim().nodes()[0]
        .node
        .keyspace()
        .count_in_slot(m.run.sim().now(), 1649);
    assert_eq!(count, 1, "the SET was applied again");
}

#[test]
fn a_shared_link_reproduces_the_state() {
    let mut m = model();
    m.apply(Action::Skip(1_000));
    m.apply(Action::Sim(SimAction::Crash(1)));
    console(&mut m, "SET user:1000 shared");
    for _ in 0..7 {
        m.apply(Action::Step);
    }
    m.apply(Action::Skip(20_000));
    let link = m.share_fragment();
    let opened = Model::from_link(&format!("#{link}"), Lang::En, None);
    assert_eq!(opened.notice, None);
    assert_eq!(opened.run.cursor(), m.run.cursor());
    let fp = |m: &Model| clusterlab_core::sim::fingerprint(m.run.sim().trace(), m.run.sim());
    assert_eq!(fp(&opened), fp(&m));
    assert!(!opened.playing, "a shared moment opens paused");
}

#[test]
fn a_bad_link_shows_the_default_scenario_with_a_message() {
    for link in [
        "#v0&p=3x1",
        "#garbage",
        "#v1&p=3x1&s=1&c=10.2.9000&a=1.1.x0",
    ] {
        let m = Model::from_link(link, Lang::En, None);
        let notice = m.notice.clone().expect("a notice");
        assert!(
            notice.starts_with("This link could not be opened"),
            "{notice}"
        );
        assert_eq!(m.picture.nodes.len(), 6);
    }
    let m = Model::from_link("#v1&p=3x1&s=1&c=0.1.5000&a=0.5000.x9", Lang::En, None);
    assert!(m.notice.unwrap().contains("does not exist"));
    // A link whose replay lands elsewhere (another simulator version) says so.
    let mut m = model();
    m.apply(Action::Skip(3_000));
    let link = m.share_fragment();
    let (head, k) = link.rsplit_once("&k=").unwrap();
    assert_eq!(Model::from_link(&link, Lang::En, None).notice, None);
    let wrong = format!("{head}&k={:08x}", u32::from_str_radix(k, 16).unwrap() ^ 1);
    let m = Model::from_link(&wrong, Lang::En, None);
    assert!(m
        .notice
        .unwrap()
        .contains("another version of the simulator"));
}

#[test]
fn partition_group_is_cut_off_then_healed() {
    let mut m = model();
    m.apply(Action::TogglePartitionMember(0));
    m.apply(Action::TogglePartitionMember(3));
    m.apply(Action::CutPartition);
    assert!(m.partition_group.is_empty());
    assert!(m.picture.cuts.contains(&(0, 1)));
    assert!(!m.picture.cuts.contains(&(0, 3)), "A and A1 stay together");
    m.apply(Action::Sim(SimAction::Heal));
    assert!(m.picture.cuts.is_empty());
}

#[test]
fn adding_a_node_meets_it_and_rebalances_slots_onto_it() {
    let mut m = model();
    console(&mut m, "SET user:1000 kept");
    m.apply(Action::Sim(SimAction::AddNode));
    assert_eq!(m.picture.nodes.len(), 7);
    let d = &m.picture.nodes[6];
    assert_eq!((d.name.as_str(), d.addr.as_str()), ("D", "127.0.0.1:7006"));
    assert!(d.born_master);
    m.apply(Action::Skip(120_000));
    let jobs = view_model::jobs(m.run.sim(), Lang::En);
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].outcome, Some(Ok(())), "{jobs:?}");
    let d = &m.picture.nodes[6];
    assert!(d.is_master);
    assert!(
        d.slot_count > 4000 && d.slot_count < 4200,
        "{}",
        d.slot_count
    );
    assert_eq!(m.picture.uncovered(), 0);
    // The key moved with its slot if its slot moved; either way it is still there.
    let owner = m.picture.owner(1649).unwrap();
    let now = m.run.sim().now();
    assert_eq!(
        m.run.sim().nodes()[owner]
            .node
            .keyspace()
            .count_in_slot(now, 1649),
        1
    );
    // A link replays the growth.
    let opened = Model::from_link(&m.share_fragment(), Lang::En, None);
    assert_eq!(opened.notice, None);
    assert_eq!(opened.picture.nodes.len(), 7);
    assert_eq!(opened.picture.owners, m.picture.owners);
}

#[test]
fn resharding_moves_slots_between_masters() {
    let mut m = model();
    m.apply(Action::Sim(SimAction::Reshard {
        from: 0,
        to: 1,
        slots: 50,
    }));
    m.apply(Action::Skip(30_000));
    let jobs = view_model::jobs(m.run.sim(), Lang::En);
    assert_eq!(jobs[0].outcome, Some(Ok(())), "{jobs:?}");
    assert_eq!(jobs[0].slots_moved, 50);
    assert_eq!(m.picture.nodes[0].slot_count, 5461 - 50);
    assert_eq!(m.picture.nodes[1].slot_count, 5462 + 50);
}

#[test]
fn dropping_a_message_removes_it_from_the_wire() {
    let mut m = model();
    let id = loop {
        m.apply(Action::Step);
        if let Some(f) = m.run.sim().in_flight().next() {
            break f.id;
        }
    };
    m.apply(Action::Sim(SimAction::Drop(id)));
    assert!(m.run.sim().in_flight().all(|f| f.id != id));
    assert_eq!(m.run.sim().stats().dropped, 1);
}

#[test]
fn reset_and_seed_rebuild_the_run() {
    let mut m = model();
    m.apply(Action::Skip(3_000));
    m.apply(Action::SetKey("{user1000}.following".into()));
    m.apply(Action::Reset);
    assert_eq!(m.run.cursor().steps, 0);
    assert_eq!(m.key, "{user1000}.following", "the key survives a reset");
    m.apply(Action::SetSeed(7));
    assert_eq!(m.run.scenario().seed, 7);
    m.apply(Action::SetPreset(Preset {
        masters: 5,
        replicas: 1,
    }));
    assert_eq!(m.picture.nodes.len(), 10);
    assert_eq!(m.run.scenario().seed, 7);
}

/// Prints links to interesting moments, for screenshots: `cargo test -p clusterlab-app
/// print_links -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_links() {
    let mut m = model();
    m.apply(Action::Sim(SimAction::Crash(0)));
    m.apply(Action::Skip(16_000));
    println!("pfail: #{}", m.share_fragment());
    m.apply(Action::Skip(2_500));
    println!("fail: #{}", m.share_fragment());
    m.apply(Action::Skip(10_000));
    println!("promoted: #{}", m.share_fragment());
    let b = name_index(&m, "B");
    m.apply(Action::Console(ConsoleAction::SetTarget(b)));
    m.apply(Action::Console(ConsoleAction::SetFollow(true)));
    console(&mut m, "SET user:1000 x");
    m.apply(Action::TogglePartitionMember(2));
    m.apply(Action::CutPartition);
    println!("partition: #{}", m.share_fragment());
}

/// Where the time goes at 100 nodes: `cargo test --release -p clusterlab-app profile_big --
/// --ignored --nocapture`.
#[test]
#[ignore]
fn profile_big() {
    use std::time::Instant;
    let t = Instant::now();
    let mut m = Model::with(
        Preset {
            masters: 50,
            replicas: 1,
        },
        1,
    );
    println!("build: {:?}", t.elapsed());
    m.apply(Action::SetSpeed(1.0));
    let trace0 = m.run.sim().trace().len();
    let mut names = std::collections::BTreeMap::new();
    let t = Instant::now();
    let mut worst = std::time::Duration::ZERO;
    for _ in 0..300 {
        let f = Instant::now();
        m.apply(Action::Tick { real_ms: 16.0 });
        worst = worst.max(f.elapsed());
    }
    println!("300 ticks at 10x: {:?}, worst {worst:?}", t.elapsed());
    for e in &m.run.sim().trace()[trace0..] {
        *names.entry(e.event.name()).or_insert(0) += 1;
    }
    println!("events in 48 s: {names:?}");
    let t = Instant::now();
    for _ in 0..20 {
        std::hint::black_box(view_model::picture(m.run.sim(), m.picture.layout));
    }
    println!("picture: {:?}", t.elapsed() / 20);
    let t = Instant::now();
    for _ in 0..20 {
        std::hint::black_box(view_model::log_lines(
            m.run.sim(),
            300,
            false,
            m.course.lang,
        ));
    }
    println!("log lines: {:?}", t.elapsed() / 20);
    let p = m.picture.clone();
    let q = Rc::new((*p).clone());
    let t = Instant::now();
    for _ in 0..100 {
        std::hint::black_box(p == q);
    }
    println!("picture eq: {:?}", t.elapsed() / 100);
    let mut sim = m.run.sim().clone();
    let t = Instant::now();
    let end = sim.now() + 4_800;
    let mut steps = 0;
    while sim.next_event_time().is_some_and(|n| n <= end) {
        sim.step();
        steps += 1;
    }
    println!(
        "plain sim, 4.8 s: {:?} ({steps} steps, queue {})",
        t.elapsed(),
        sim.in_flight().count()
    );
    let t = Instant::now();
    let end = m.run.sim().now() + 4_800;
    m.run.run_to(end, u64::MAX, &mut || false);
    println!("run_to, 4.8 s: {:?}", t.elapsed());
}

/// With the browser's clock, a 20-node cluster forms a step per frame (MEET, gossip,
/// REPLICATE, `cluster_state:ok`, as `redis-cli --cluster create` does) while the current one
/// stays on screen; once formed it is exactly the cluster formed in one call. The learner's
/// language and course survive the change of size.
#[test]
fn a_bigger_cluster_forms_between_frames_as_it_would_at_once() {
    fn ticking() -> f64 {
        thread_local!(static T: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) });
        T.with(|t| {
            t.set(t.get() + 0.05);
            t.get()
        })
    }
    let preset = Preset {
        masters: 10,
        replicas: 1,
    };
    let mut m = model();
    m.course.lang = Lang::Fr;
    m.frame_clock = Some(ticking);
    m.apply(Action::SetPreset(preset.clone()));
    assert_eq!(
        m.run.sim().nodes().len(),
        6,
        "the current cluster stays meanwhile"
    );
    let mut frames = 0;
    while m.forming_progress().is_some() {
        m.apply(Action::Tick { real_ms: 16.0 });
        frames += 1;
        assert!(frames < 10_000, "it never formed");
    }
    assert!(frames > 3, "formed in {frames} frames: not cut");
    assert_eq!(m.preset, preset);
    assert_eq!(m.course.lang, Lang::Fr);
    let at_once = Model::with(preset, 1);
    assert_eq!(m.run.sim().now(), at_once.run.sim().now());
    assert_eq!(
        share::checksum(m.run.sim()),
        share::checksum(at_once.run.sim())
    );
}
