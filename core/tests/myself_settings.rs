//! Myself's entry following settings changed at runtime, and peers learning them from
//! its headers (`cluster.c clusterUpdateMyselfFlags`, `clusterUpdateMyselfHostname`,
//! the hostname ping extension). One node fed crafted messages
//! (`common/single_node.rs`).

#[path = "common/single_node.rs"]
mod single_node;

use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::{Message, MsgType};
use clusterlab_core::resp::Value;
use clusterlab_core::SlotSet;
use single_node::{Fake, SingleNode};

const NT: u64 = 2000;

/// The node under test (slots 0-8191) and one fake master `A` (8192-16383).
fn two_masters() -> (SingleNode, Fake) {
    let mut h = SingleNode::master(NT, SlotSet::range(0, 8191));
    let a = Fake::master('1', 7001, SlotSet::range(8192, 16383), 1);
    h.meet(a.clone());
    let settle = h.now + 3000;
    h.advance_to(settle);
    (h, a)
}

/// The PINGs (and MEETs) the node sends from now until `ms` later.
fn pings_during(h: &mut SingleNode, ms: u64) -> Vec<Message> {
    h.clear_outputs();
    let until = h.now + ms;
    h.advance_to(until);
    h.sent(MsgType::Ping).into_iter().map(|(_, _, m)| m).collect()
}

fn ok() -> Value {
    Value::ok()
}

/// `CONFIG SET cluster-replica-no-failover yes` (here by its old name
/// `cluster-slave-no-failover`, as tests/cluster/tests/13-no-failover-option.tcl
/// sets it) runs `clusterUpdateMyselfFlags`: myself is flagged `nofailover`
/// at once, CLUSTER NODES shows it, and every header sent afterwards carries
/// the flag, which is how the others learn it. `no` clears it the same way.
#[test]
fn config_set_replica_no_failover_flags_myself_and_headers_carry_it() {
    let (mut h, _a) = two_masters();
    let me = h.id();
    assert!(!h.flags(me).has(NodeFlags::NOFAILOVER));

    assert_eq!(
        h.command(&["CONFIG", "SET", "cluster-slave-no-failover", "yes"]),
        ok()
    );
    assert!(h.flags(me).has(NodeFlags::NOFAILOVER));
    let Value::Verbatim(nodes) = h.command(&["CLUSTER", "NODES"]) else {
        panic!("CLUSTER NODES is verbatim text")
    };
    let mine = nodes.lines().find(|l| l.contains("myself")).unwrap();
    assert!(mine.contains("myself,master,nofailover"), "{mine}");
    let pings = pings_during(&mut h, NT);
    assert!(!pings.is_empty(), "no PING within a node timeout");
    for m in &pings {
        assert!(m.header.flags.has(NodeFlags::NOFAILOVER), "{:?}", m.header);
    }

    assert_eq!(
        h.command(&["CONFIG", "SET", "cluster-replica-no-failover", "no"]),
        ok()
    );
    assert!(!h.flags(me).has(NodeFlags::NOFAILOVER));
    let pings = pings_during(&mut h, NT);
    assert!(!pings.is_empty(), "no PING within a node timeout");
    for m in &pings {
        assert!(!m.header.flags.has(NodeFlags::NOFAILOVER), "{:?}", m.header);
    }
}

/// A rejected CONFIG SET changes nothing (config.c applies nothing when one
/// value is bad), so the flag stays as it was.
#[test]
fn rejected_config_set_leaves_the_nofailover_flag() {
    let (mut h, _a) = two_masters();
    let me = h.id();
    let reply = h.command(&[
        "CONFIG",
        "SET",
        "cluster-replica-no-failover",
        "yes",
        "cluster-node-timeout",
        "x",
    ]);
    assert!(matches!(reply, Value::Error(_)), "{reply:?}");
    assert!(!h.flags(me).has(NodeFlags::NOFAILOVER));
}
