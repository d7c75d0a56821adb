//! What a node keeps across a crash and restart, on ONE node fed crafted
//! messages (`common/single_node.rs`): exactly what `clusterLoadConfig` reads
//! back from nodes.conf (the node table, slots, epochs, `lastVoteEpoch`);
//! everything else starts as `clusterInit` leaves it (cluster.c).

use crate::common::single_node;
use clusterlab_core::event::Event;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::MsgType;
use clusterlab_core::node::Admin;
use clusterlab_core::SlotSet;
use single_node::{gossip, Fake, SingleNode};

const NT: u64 = 2000;

/// The node under test serves 0-8191 and knows master `A` (8192-16383) and
/// master `B` (no slots), all settled.
fn three_masters() -> (SingleNode, Fake, Fake) {
    let mut h = SingleNode::master(NT, SlotSet::range(0, 8191));
    let a = Fake::master('1', 7001, SlotSet::range(8192, 16383), 1);
    let b = Fake::master('2', 7002, SlotSet::new(), 2);
    h.meet(a.clone());
    h.meet(b.clone());
    let settle = h.now + 3000;
    h.advance_to(settle);
    assert!(h.node.state_ok(), "two masters cover every slot");
    h.clear_outputs();
    (h, a, b)
}

/// Crashes and restarts the node under test now.
fn restart(h: &mut SingleNode) {
    h.node = h.node.restart(h.now);
    h.clear_outputs();
}

/// CLUSTER FORGET's blacklist (`nodes_black_list`) lives in memory only:
/// `clusterInit` creates it empty, so after a restart a gossip entry about the
/// forgotten node adds it back at once (`clusterProcessGossipSection`), even
/// within the 60 s CLUSTER_BLACKLIST_TTL.
#[test]
fn a_restart_forgets_the_forget_blacklist() {
    let (mut h, a, b) = three_masters();
    h.admin(Admin::Forget(b.id)).expect("B is known");
    h.alive.remove(&b.id);
    let about_b = || gossip(MsgType::Ping, vec![b.gossip_entry(0)]);

    h.deliver(&a, about_b());
    assert!(
        h.peer(b.id).is_none(),
        "before the restart the blacklist keeps B out"
    );

    restart(&mut h);
    h.deliver(&a, about_b());
    assert!(
        h.peer(b.id).is_some(),
        "after a restart the blacklist is empty: gossip re-adds B"
    );
    assert!(h
        .events()
        .iter()
        .any(|(_, e)| matches!(e, Event::NodeAdded { about } if *about == b.id)));
}

/// `clusterInit` sets `size` to 1, and a master keeps it until its first
/// `clusterUpdateState` after CLUSTER_WRITABLE_DELAY (2 s): CLUSTER INFO
/// shows `cluster_size:1` meanwhile (measured on redis-server 7.0.15 at
/// its first start), and the failure quorum is computed from it.
#[test]
fn a_restart_starts_cluster_size_at_one_until_the_first_state_update() {
    let (mut h, _a, _b) = three_masters();
    assert_eq!(h.node.size(), 2);

    restart(&mut h);
    assert_eq!(h.node.size(), 1);
    let info = h.command(&["CLUSTER", "INFO"]);
    assert!(
        format!("{info:?}").contains("cluster_size:1\\r\\n"),
        "{info:?}"
    );

    let later = h.now + 3000;
    h.advance_to(later);
    assert_eq!(h.node.size(), 2, "recomputed after the writable delay");
}

/// A master's `voted_time` for a failing master's replicas is not in
/// nodes.conf (`createClusterNode` zeroes it): after a restart the master
/// may vote for another replica of the same master at once, in a newer epoch,
/// where before it had to wait 2 × node_timeout
/// (`clusterSendFailoverAuthIfNeeded`).
#[test]
fn a_restart_forgets_when_it_voted_about_a_master() {
    let (mut h, a, b) = three_masters();
    let (r1, r2) = h.fail_master_of_two_replicas(&a, &b);
    let e = h.node.current_epoch() + 1;
    assert_eq!(h.request_vote(&r1, e), Ok(e));
    assert_eq!(
        h.request_vote(&r2, e + 1),
        Err("can't vote about this master before 2 * node_timeout")
    );

    restart(&mut h);
    assert_eq!(
        h.node.view().last_vote_epoch,
        e,
        "lastVoteEpoch is in nodes.conf"
    );
    assert!(
        h.flags(a.id).has(NodeFlags::FAIL),
        "flags are in nodes.conf"
    );
    assert_eq!(h.request_vote(&r2, e + 2), Ok(e + 2));
}
