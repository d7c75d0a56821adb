//! CLUSTER LINKS as Redis 7.0 keeps them: two links per peer (ours `to` it,
//! its `from` it), dated, with their send buffers, and
//! `cluster-link-sendbuf-limit` freeing a link whose buffer outgrew it
//! (`cluster.c addReplyClusterLinksDescription`,
//! `setClusterNodeToInboundClusterLink`,
//! `clusterNodeCronFreeLinkOnBufferLimitReached`;
//! tests/cluster/tests/24-links.tcl). One node fed crafted messages.

use crate::common::single_node;
use clusterlab_core::msg::MsgType;
use clusterlab_core::node::{Input, Link, Output, SendBuffer};
use clusterlab_core::resp::Value;
use clusterlab_core::{Config, SlotSet};
use single_node::{gossip, Fake, SingleNode};

const NT: u64 = 2000;

/// One link of the reply: (direction, node, create-time, events, allocated, used).
type Row = (String, String, i64, String, i64, i64);

fn links(h: &mut SingleNode) -> Vec<Row> {
    let Value::Array(entries) = h.command(&["CLUSTER", "LINKS"]) else {
        panic!("CLUSTER LINKS is an array")
    };
    let text = |v: &Value| match v {
        Value::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("not bulk: {other:?}"),
    };
    let int = |v: &Value| match v {
        Value::Integer(i) => *i,
        other => panic!("not an integer: {other:?}"),
    };
    entries
        .iter()
        .map(|e| {
            let Value::Map(f) = e else {
                panic!("a link is a map")
            };
            let names: Vec<String> = f.iter().map(|(k, _)| text(k)).collect();
            assert_eq!(
                names,
                [
                    "direction",
                    "node",
                    "create-time",
                    "events",
                    "send-buffer-allocated",
                    "send-buffer-used"
                ]
            );
            (
                text(&f[0].1),
                text(&f[1].1),
                int(&f[2].1),
                text(&f[3].1),
                int(&f[4].1),
                int(&f[5].1),
            )
        })
        .collect()
}

fn info_field(h: &mut SingleNode, name: &str) -> String {
    let Value::Verbatim(text) = h.command(&["CLUSTER", "INFO"]) else {
        panic!("CLUSTER INFO is verbatim text")
    };
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name} in CLUSTER INFO"))
        .to_string()
}

fn one_peer() -> (SingleNode, Fake) {
    let mut h = SingleNode::master(NT, SlotSet::range(0, 8191));
    let a = Fake::master('1', 7001, SlotSet::range(8192, 16383), 1);
    h.meet(a.clone());
    (h, a)
}

/// Each node has two links with each peer (24-links.tcl): ours, dated when
/// it connected, and the peer's, dated by the first message that tied it
/// to the peer; an idle link has only its read handler (`r`).
#[test]
fn each_peer_has_a_link_to_it_and_a_link_from_it() {
    let (mut h, a) = one_peer();
    let rows = links(&mut h);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let to = rows.iter().find(|r| r.0 == "to").expect("a link to A");
    let from = rows.iter().find(|r| r.0 == "from").expect("a link from A");
    assert_eq!(to.1, a.id.as_str());
    assert_eq!(from.1, a.id.as_str());
    assert_eq!((to.3.as_str(), to.4, to.5), ("r", 0, 0));
    assert_eq!(from.3, "r");

    // A later PING on the same inbound link keeps its creation time.
    let created = from.2;
    h.advance_to(h.now + 500);
    h.deliver(&a, gossip(MsgType::Ping, Vec::new()));
    let again = links(&mut h);
    assert_eq!(again.iter().find(|r| r.0 == "from").unwrap().2, created);

    // The peer's link closing removes only that one.
    h.node
        .handle(h.now, Input::InboundLinkClosed { addr: a.bus_addr() });
    let rows = links(&mut h);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "to");
}

/// The host's send-buffer sizes show in CLUSTER LINKS (`rw` while bytes
/// wait); past `cluster-link-sendbuf-limit`, the next cron frees the link,
/// counts it in `total_cluster_links_buffer_limit_exceeded`, and reconnects
/// at once: the new link is younger than the freed one.
#[test]
fn send_buffer_over_the_limit_frees_the_link_and_counts_it() {
    let (mut h, a) = one_peer();
    assert_eq!(
        h.command(&["CONFIG", "SET", "cluster-link-sendbuf-limit", "262144"]),
        Value::ok()
    );
    assert_eq!(
        info_field(&mut h, "total_cluster_links_buffer_limit_exceeded"),
        "0"
    );
    let old_to = links(&mut h).into_iter().find(|r| r.0 == "to").unwrap();

    // Under the limit: listed, not freed.
    let small = SendBuffer {
        allocated: 131_072,
        used: 100_000,
    };
    h.node
        .report_send_buffer(a.bus_addr(), Link::Outbound, small);
    h.advance_to(h.now + 300);
    let to = links(&mut h).into_iter().find(|r| r.0 == "to").unwrap();
    assert_eq!(
        (to.2, to.3.as_str(), to.4, to.5),
        (old_to.2, "rw", 131_072, 100_000)
    );

    // Over it: freed by the next cron, which also reconnects.
    h.alive.remove(&a.id);
    h.clear_outputs();
    let big = SendBuffer {
        allocated: 262_145,
        used: 262_145,
    };
    h.node.report_send_buffer(a.bus_addr(), Link::Outbound, big);
    let next = h.node.poll_timeout().unwrap();
    h.now = next;
    h.node.handle(next, Input::Timeout);
    let outs = h.drain();
    let drop_at = outs
        .iter()
        .position(
            |o| matches!(o, Output::DropLink { to, link: Link::Outbound } if *to == a.bus_addr()),
        )
        .expect("the link is freed");
    assert!(
        outs[drop_at..]
            .iter()
            .any(|o| matches!(o, Output::Connect { to } if *to == a.bus_addr())),
        "no reconnect in the same cron: {outs:?}"
    );
    assert_eq!(
        info_field(&mut h, "total_cluster_links_buffer_limit_exceeded"),
        "1"
    );
    // The reconnect made a new link at once (`createClusterLink`), younger
    // than the freed one, with an empty buffer.
    let new_to = links(&mut h).into_iter().find(|r| r.0 == "to").unwrap();
    assert!(new_to.2 > old_to.2, "{new_to:?} vs {old_to:?}");
    assert_eq!((new_to.4, new_to.5), (0, 0));
    // The peer's own link to us is untouched.
    let from: Vec<_> = links(&mut h)
        .into_iter()
        .filter(|r| r.0 == "from")
        .collect();
    assert_eq!(from.len(), 1);
}

/// With no limit (the default 0), no buffer size frees a link.
#[test]
fn no_limit_frees_nothing() {
    let (mut h, a) = one_peer();
    let huge = SendBuffer {
        allocated: 1 << 40,
        used: 1 << 40,
    };
    h.node
        .report_send_buffer(a.bus_addr(), Link::Outbound, huge);
    h.advance_to(h.now + 500);
    assert_eq!(
        info_field(&mut h, "total_cluster_links_buffer_limit_exceeded"),
        "0"
    );
    assert_eq!(links(&mut h).iter().filter(|r| r.0 == "to").count(), 1);
}

/// DEBUG CLUSTERLINK KILL (debug.c, `freeClusterLink`): `to` frees our link
/// to the node, `from` its link to us, `all` both. The next cron reconnects
/// ours (a younger link); the peer reopens its own. The node is looked up
/// before the direction is read.
#[test]
fn debug_clusterlink_kill_frees_the_named_links() {
    let mut cfg = Config {
        node_timeout: NT,
        ..Config::default()
    };
    cfg.set_param("enable-debug-command", "yes")
        .expect("a known parameter");
    let mut h = SingleNode::master_with(cfg, SlotSet::range(0, 8191));
    let a = Fake::master('1', 7001, SlotSet::range(8192, 16383), 1);
    h.meet(a.clone());
    let id = a.id.to_string();
    let kill = |h: &mut SingleNode, direction: &str| {
        h.clear_outputs();
        let reply = h.command(&["DEBUG", "CLUSTERLINK", "KILL", direction, &id]);
        let dropped: Vec<Link> = h
            .outputs
            .iter()
            .filter_map(|(_, o)| match o {
                Output::DropLink { to, link } if *to == a.bus_addr() => Some(*link),
                _ => None,
            })
            .collect();
        (reply, dropped)
    };
    let old_to = links(&mut h).into_iter().find(|r| r.0 == "to").unwrap();

    assert_eq!(kill(&mut h, "to"), (Value::ok(), vec![Link::Outbound]));
    let rows = links(&mut h);
    assert_eq!(
        rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        ["from"]
    );
    h.advance_to(h.now + 300);
    let new_to = links(&mut h).into_iter().find(|r| r.0 == "to");
    assert!(
        new_to.as_ref().is_some_and(|t| t.2 > old_to.2),
        "the cron reconnects: {new_to:?} vs {old_to:?}"
    );

    assert_eq!(kill(&mut h, "FROM"), (Value::ok(), vec![Link::Reply]));
    assert!(links(&mut h).iter().all(|r| r.0 == "to"));
    // No link left from it: nothing more to free that way.
    assert_eq!(kill(&mut h, "from"), (Value::ok(), vec![]));
    assert_eq!(kill(&mut h, "all"), (Value::ok(), vec![Link::Outbound]));

    let unknown = "0123456789abcdef0123456789abcdef01234567";
    assert_eq!(
        h.command(&["DEBUG", "CLUSTERLINK", "KILL", "sideways", unknown]),
        Value::err(format!("ERR Unknown node {unknown}"))
    );
    assert_eq!(
        h.command(&["DEBUG", "CLUSTERLINK", "KILL", "sideways", &id]),
        Value::err("ERR Unknown direction sideways")
    );
}
