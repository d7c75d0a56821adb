//! `CLUSTER RESET HARD` then `CLUSTER MEET`: the node comes back under a new
//! ID and never learns its old one as a peer. Its reset freed every link
//! (`clusterReset` → `clusterDelNode` → `freeClusterNode` frees `link` and
//! `inbound_link`), so each peer's link to the old ID breaks; an unlinked
//! slotless node is left out of gossip (`clusterSendPing`), and the peer's
//! reconnect gets a PONG with the new ID, the "PONG contains mismatching
//! sender ID" path of `clusterProcessPacket`, which leaves the old entry
//! `noaddr` (`:0@0`). Measured on redis-server 7.0.15 (3 masters, B's
//! replica reset hard, MEET sent at once): the reset node lists only the
//! four live nodes; the others keep the old ID as `slave,noaddr`,
//! `disconnected`.

use clusterlab_core::lesson::{parse, Session};

fn cmd(s: &mut Session, node: &str, line: &str) -> String {
    let args: Vec<String> = line.split(' ').map(String::from).collect();
    s.command(node, &args).expect("the command runs")
}

fn myid(s: &mut Session, node: &str) -> String {
    cmd(s, node, "CLUSTER MYID").trim_matches('"').to_string()
}

/// The line of `id` in `node`'s CLUSTER NODES, if any.
fn line_of(s: &mut Session, node: &str, id: &str) -> Option<String> {
    cmd(s, node, "CLUSTER NODES")
        .lines()
        .find(|l| l.trim_start_matches('"').starts_with(id))
        .map(str::to_string)
}

fn formed(seed: u64) -> Session {
    let text = format!(
        "---\nid: t\ntitle: T\norder: 1\nseed: {seed}\nconfig: node-timeout=5000\n---\n## x\n"
    );
    let lesson = parse("t", &text).expect("parses");
    let mut s = Session::start(&lesson).expect("starts");
    s.advance(2000);
    s
}

#[test]
fn a_hard_reset_node_met_again_does_not_list_its_old_id() {
    for seed in [1313, 7, 42] {
        let mut s = formed(seed);
        let old = myid(&mut s, "B1");
        assert_eq!(cmd(&mut s, "B1", "CLUSTER RESET HARD"), "OK");
        let new = myid(&mut s, "B1");
        assert_ne!(old, new, "HARD draws a new ID");
        assert_eq!(cmd(&mut s, "B1", "CLUSTER MEET 127.0.0.1 7000"), "OK");
        s.advance(16_000);
        assert_eq!(
            line_of(&mut s, "B1", &old),
            None,
            "seed {seed}: B1 learned its own old ID:\n{}",
            cmd(&mut s, "B1", "CLUSTER NODES")
        );
        let info = cmd(&mut s, "B1", "CLUSTER INFO");
        assert!(
            info.contains("cluster_known_nodes:6"),
            "seed {seed}: {info}"
        );
        for peer in ["A", "B", "C"] {
            let line = line_of(&mut s, peer, &old).expect("the others keep the old ID");
            assert!(
                line.contains(" :0@0 slave,noaddr ") && line.ends_with("disconnected"),
                "seed {seed}, {peer}: {line}"
            );
            assert!(
                line_of(&mut s, peer, &new).is_some(),
                "seed {seed}: {peer} knows the new ID"
            );
        }
    }
}
