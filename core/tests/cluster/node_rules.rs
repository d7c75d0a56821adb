//! Redis Cluster's rules, one at a time, on ONE node fed crafted messages
//! (`common/single_node.rs`). Each test names the rule and where Redis 7.0 implements
//! it in `cluster.c`; `docs/redis-behaviour.md` gives the section.
//!
//! The usual cast: the node under test `M` serves slots 0-4095 and knows three fake
//! masters `A` (4096-8191, configEpoch 1), `B` (8192-12287, 2) and `C` (12288-16383, 3):
//! four slot-serving masters, so a FAIL needs 4 / 2 + 1 = 3 of them.

use crate::common::single_node;
use clusterlab_core::event::Event;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::{Body, MsgType};
use clusterlab_core::node::Admin;
use clusterlab_core::{SlotSet, Time};
use single_node::{gossip, Fake, SingleNode};
use std::sync::Arc;

const NT: u64 = 2000;

struct Cast {
    h: SingleNode,
    a: Fake,
    b: Fake,
    c: Fake,
}

fn four_masters() -> Cast {
    let mut h = SingleNode::master(NT, SlotSet::range(0, 4095));
    let a = Fake::master('1', 7001, SlotSet::range(4096, 8191), 1);
    let b = Fake::master('2', 7002, SlotSet::range(8192, 12287), 2);
    let c = Fake::master('3', 7003, SlotSet::range(12288, 16383), 3);
    for f in [&a, &b, &c] {
        h.meet(f.clone());
    }
    // Let the state settle (cluster_state:ok needs the writable delay).
    let settle = h.now + 3000;
    h.advance_to(settle);
    assert!(h.node.state_ok(), "the four masters cover every slot");
    assert_eq!(h.node.size(), 4);
    h.clear_outputs();
    Cast { h, a, b, c }
}

/// `clusterCron`: a node we PINGed that stays silent for more than node_timeout
/// (counted from the PING, or from the last data it sent if later) gets PFAIL, on the
/// first cron after that; nodes that answer do not. A PONG on our link clears it
/// (`clusterProcessPacket`, "PFAIL cleared" when the node answers). §3, §5.1.
#[test]
fn pfail_after_node_timeout_without_pong() {
    let Cast { mut h, a, b, c } = four_masters();
    h.alive.remove(&c.id);
    let start = h.now;
    h.advance_to(start + 3 * NT);

    let pinged = h
        .sent(MsgType::Ping)
        .into_iter()
        .find(|(_, to, _)| *to == c.bus_addr())
        .map(|(t, _, _)| t)
        .expect("the node pings C within node_timeout / 2");
    let pfails: Vec<(Time, Event)> = h
        .events()
        .into_iter()
        .filter(|(_, e)| matches!(e, Event::Pfail { .. }))
        .collect();
    assert_eq!(pfails.len(), 1, "only silent C is suspected: {pfails:?}");
    let (at, Event::Pfail { about, .. }) = pfails[0].clone() else {
        unreachable!()
    };
    assert_eq!(about, c.id);
    assert!(
        at.since(pinged) > NT && at.since(pinged) <= NT + 100,
        "PFAIL at {at:?}, PING sent at {pinged:?}: expected the first cron after node_timeout"
    );
    assert!(h.flags(c.id).has(NodeFlags::PFAIL));
    for f in [&a, &b] {
        assert!(!h.flags(f.id).is_failing(), "{} answered", f.id);
    }

    // C answers on our link at last.
    h.deliver_on(
        &c,
        clusterlab_core::node::Link::Reply,
        gossip(MsgType::Pong, vec![]),
    );
    assert!(!h.flags(c.id).has(NodeFlags::PFAIL));
    assert!(h
        .events()
        .iter()
        .any(|(_, e)| *e == Event::PfailCleared { about: c.id }));
}

/// `clusterProcessGossipSection` + `clusterNodeAddFailureReport`: a master's gossip
/// flagging a node PFAIL adds (or refreshes) a failure report from that master; a
/// replica's gossip adds none; the master's later gossip showing the node healthy
/// removes it (`clusterNodeDelFailureReport`). `clusterNodeCleanupFailureReports`
/// drops a report older than 2 × node_timeout. §4.4, §5.2.
#[test]
fn failure_report_from_master_gossip_recorded_and_expires() {
    let Cast { mut h, a, b, c } = four_masters();
    let replica_of_a = Fake::replica('4', 7004, &a);
    h.meet(replica_of_a.clone());
    h.clear_outputs();

    let ping = |flags| gossip(MsgType::Ping, vec![c.gossip_entry(flags)]);
    h.deliver(&replica_of_a, ping(NodeFlags::PFAIL));
    assert_eq!(
        h.node.count_failure_reports(h.now, c.id),
        Some(0),
        "a replica's gossip is no failure report"
    );

    let reported = h.now;
    h.deliver(&a, ping(NodeFlags::PFAIL));
    assert_eq!(h.peer(c.id).unwrap().fail_reports, vec![(a.id, reported)]);
    assert!(h.events().iter().any(|(_, e)| *e
        == Event::FailReport {
            about: c.id,
            reporter: a.id
        }));
    // M itself does not suspect C, so a report alone changes no flag.
    assert!(!h.flags(c.id).is_failing());

    // Valid up to exactly 2 × node_timeout, gone one millisecond later.
    h.advance_to(reported + 2 * NT);
    assert_eq!(h.node.count_failure_reports(h.now, c.id), Some(1));
    h.advance_to(reported + 2 * NT + 1);
    assert_eq!(h.node.count_failure_reports(h.now, c.id), Some(0));

    // A new report from B, withdrawn when B's gossip shows C healthy again.
    h.deliver(&b, ping(NodeFlags::PFAIL));
    assert_eq!(h.node.count_failure_reports(h.now, c.id), Some(1));
    h.deliver(&b, ping(0));
    assert_eq!(h.node.count_failure_reports(h.now, c.id), Some(0));
}

/// `markNodeAsFailingIfNeeded`: a node this master holds PFAIL becomes FAIL once the
/// failure reports plus itself (it is a master) reach a majority of the slot-serving
/// masters, and the FAIL is broadcast to every node (`clusterSendFail`). §5.3.
#[test]
fn fail_by_majority_of_masters_then_broadcast() {
    let Cast { mut h, a, b, c } = four_masters();
    h.alive.remove(&c.id);
    let t = h.now + NT + 1000;
    h.advance_to(t);
    assert!(h.flags(c.id).has(NodeFlags::PFAIL));

    let pfail_c = || gossip(MsgType::Ping, vec![c.gossip_entry(NodeFlags::PFAIL)]);
    h.deliver(&a, pfail_c());
    assert!(
        !h.flags(c.id).has(NodeFlags::FAIL),
        "2 of 3 (A's report and M itself) are not a majority of 4 masters"
    );
    assert!(h.sent(MsgType::Fail).is_empty());

    h.deliver(&b, pfail_c());
    let flags = h.flags(c.id);
    assert!(flags.has(NodeFlags::FAIL) && !flags.has(NodeFlags::PFAIL));
    assert!(h.events().iter().any(|(_, e)| matches!(e,
        Event::Fail {
            about,
            by_quorum: true,
            reports: 3,
            needed: 3,
            from: None,
            ..
        } if *about == c.id)));
    let fails = h.sent(MsgType::Fail);
    for f in [&a, &b] {
        assert!(
            fails
                .iter()
                .any(|(_, to, m)| *to == f.bus_addr() && m.body == Body::Fail(c.id)),
            "FAIL about C not sent to {}: {fails:?}",
            f.id
        );
    }
}

/// `clusterProcessPacket`, FAIL message: a FAIL from a known node forces the flag
/// without any quorum check (the sender counted); one from an unknown sender is
/// ignored. §4.5, §5.4.
#[test]
fn fail_message_from_peer_forces_fail() {
    let Cast { mut h, a, b, c } = four_masters();
    let stranger = Fake::master('9', 7009, SlotSet::new(), 0);
    h.deliver(&stranger, Body::Fail(b.id));
    assert!(!h.flags(b.id).is_failing(), "a FAIL from an unknown node");

    assert!(!h.flags(c.id).is_failing());
    h.deliver(&a, Body::Fail(c.id));
    assert!(h.flags(c.id).has(NodeFlags::FAIL));
    assert!(h.events().iter().any(|(_, e)| *e
        == Event::Fail {
            about: c.id,
            by_quorum: false,
            reports: 0,
            needed: 0,
            from: Some(a.id),
            reporters: None,
        }));
    assert!(
        h.sent(MsgType::Fail).is_empty(),
        "a forced FAIL is not re-broadcast"
    );
}

/// `clusterSendFailoverAuthIfNeeded`: a master votes once per epoch
/// (`lastVoteEpoch`), and not twice for replicas of the same master within
/// 2 × node_timeout (`voted_time`), whatever the epoch; a request from an older
/// epoch is refused. §6.4.
#[test]
fn vote_once_per_epoch_and_per_master_within_two_node_timeouts() {
    let Cast { mut h, a, b, .. } = four_masters();
    let (r1, r2) = h.fail_master_of_two_replicas(&a, &b);

    let e = h.node.current_epoch() + 1;
    let voted = h.now;
    assert_eq!(h.request_vote(&r1, e), Ok(e));
    assert_eq!(h.node.view().last_vote_epoch, e);
    assert_eq!(h.request_vote(&r2, e), Err("already voted for this epoch"));
    assert_eq!(
        h.request_vote(&r2, e + 1),
        Err("can't vote about this master before 2 * node_timeout")
    );
    assert_eq!(
        h.request_vote(&r2, e),
        Err("reqEpoch is older than my currentEpoch")
    );
    h.advance_to(voted + 2 * NT - 1);
    assert_eq!(
        h.request_vote(&r2, e + 2),
        Err("can't vote about this master before 2 * node_timeout")
    );
    h.advance_to(voted + 2 * NT);
    assert_eq!(h.request_vote(&r2, e + 3), Ok(e + 3));
}

/// `clusterProcessPacket`: a sender's currentEpoch greater than ours becomes ours;
/// a smaller one changes nothing. §4.5, §7.
#[test]
fn current_epoch_adopted_from_a_higher_sender() {
    let Cast {
        mut h,
        mut a,
        mut b,
        ..
    } = four_masters();
    let before = h.node.current_epoch();
    a.current_epoch = before + 6;
    h.deliver(&a, gossip(MsgType::Ping, vec![]));
    assert_eq!(h.node.current_epoch(), before + 6);
    assert!(h.events().iter().any(|(_, e)| matches!(
        e,
        Event::Epoch { current, .. } if *current == before + 6
    )));

    b.current_epoch = before + 2;
    h.deliver(&b, gossip(MsgType::Ping, vec![]));
    assert_eq!(h.node.current_epoch(), before + 6, "never goes down");
}

/// `clusterHandleConfigEpochCollision`: two masters with the same configEpoch; the one
/// with the lexicographically smaller node ID takes currentEpoch + 1 as its new
/// configEpoch, the other keeps its own. §7.
#[test]
fn config_epoch_collision_resolved_by_the_smaller_id() {
    for (fill, m_bumps) in [('z', true), ('0', false)] {
        let mut h = SingleNode::master(NT, SlotSet::range(0, 8191));
        h.admin(Admin::SetConfigEpoch(5))
            .expect("a lone node takes a configEpoch");
        let other = Fake::master(fill, 7001, SlotSet::range(8192, 16383), 5);
        assert_eq!(
            other.id > h.id(),
            m_bumps,
            "fake IDs sort around any random ID"
        );
        h.meet(other.clone());
        h.deliver(&other, gossip(MsgType::Ping, vec![]));

        let collisions: Vec<Event> = h
            .events()
            .into_iter()
            .map(|(_, e)| e)
            .filter(|e| matches!(e, Event::EpochCollision { .. }))
            .collect();
        if m_bumps {
            assert_eq!(
                collisions,
                vec![Event::EpochCollision {
                    with: other.id,
                    new_epoch: 6,
                    collided: 5,
                }],
                "M's ID is smaller: it moves, once"
            );
            assert_eq!((h.node.my_epoch(), h.node.current_epoch()), (6, 6));
        } else {
            assert!(collisions.is_empty(), "M's ID is greater: {collisions:?}");
            assert_eq!((h.node.my_epoch(), h.node.current_epoch()), (5, 5));
        }
    }
}

/// `clusterProcessPacket`, UPDATE + `clusterUpdateSlotsConfigWith`: an UPDATE with a
/// newer configEpoch than we know for its node rebinds the slots it lists to that
/// node; one that is not newer is ignored; a master that loses all its slots this
/// way becomes a replica of the winner. §4.5, §7.
#[test]
fn update_message_rebinds_slots() {
    let Cast { mut h, a, b, c } = four_masters();
    let update = |node: &Fake, epoch, slots: SlotSet| Body::Update {
        config_epoch: epoch,
        node: node.id,
        slots: Arc::new(slots),
    };

    h.deliver(&c, update(&b, 10, SlotSet::range(4096, 8191)));
    assert_eq!(h.node.slot_owner(4096), Some(b.id));
    assert_eq!(h.node.slot_owner(8191), Some(b.id));
    assert_eq!(h.peer(b.id).unwrap().config_epoch, 10);

    // Not newer than B's 10: A's slots stay B's.
    h.deliver(&c, update(&a, 10, SlotSet::range(4096, 8191)));
    assert_eq!(h.node.slot_owner(4096), Some(b.id));
    // Newer for A, but B holds those slots at 10 > 9: nothing moves.
    h.deliver(&c, update(&a, 9, SlotSet::range(4096, 8191)));
    assert_eq!(h.node.slot_owner(4096), Some(b.id));

    // M's own slots go to C at a newer epoch: M follows C.
    assert!(h.node.is_master());
    h.deliver(&b, update(&c, 11, SlotSet::range(0, 4095)));
    assert_eq!(h.node.slot_owner(0), Some(c.id));
    assert!(h.node.is_replica());
    assert_eq!(h.node.master(), Some(c.id));
}
