//! Frames captured from real redis-server 7.0.15 nodes (see
//! `tests/captures/README.md` and `capture.sh`): each decodes, says what the
//! capture scenario made Redis say, and re-encodes to the very same bytes.

use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::{mflags, wire, Body, Message, MsgType, PingExt};
use clusterlab_core::{NodeId, SlotSet};
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/captures")
}

/// The node IDs of the capture run, node1..node5, from `nodes.txt`.
fn nodes() -> Vec<NodeId> {
    let text = std::fs::read_to_string(dir().join("nodes.txt")).unwrap();
    let ids: Vec<NodeId> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| NodeId::parse(l.split_whitespace().nth(2).unwrap()).unwrap())
        .collect();
    assert_eq!(ids.len(), 5);
    ids
}

/// The slots a node's messages claim: what `capture.sh` gave it, or its
/// master's for a replica (node5 replicates node1; node3 and node4 take
/// turns serving the third shard).
fn assigned_slots(ids: &[NodeId], node: NodeId) -> SlotSet {
    match ids.iter().position(|&id| id == node) {
        Some(0 | 4) => SlotSet::range(0, 5460),
        Some(1) => SlotSet::range(5461, 10922),
        Some(2 | 3) => SlotSet::range(10923, 16383),
        _ => panic!("{node} is not a node of the capture"),
    }
}

/// Reads a capture; checks what holds for every frame Redis sends.
fn load(name: &str) -> Message {
    let bytes = std::fs::read(dir().join(name)).unwrap();
    assert_eq!(
        wire::frame_len(&bytes),
        Ok(Some(bytes.len())),
        "{name}: totlen"
    );
    let m = Message::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(m.encoded_len(), bytes.len(), "{name}: encoded_len");
    assert!(m.encode() == bytes, "{name}: re-encoding differs");

    let ids = nodes();
    let h = &m.header;
    assert_eq!(
        h.myslots.as_ref(),
        &assigned_slots(&ids, h.sender),
        "{name}: myslots"
    );
    assert!(
        h.flags.has(NodeFlags::MYSELF),
        "{name}: Redis sends myself->flags"
    );
    let n = ids.iter().position(|&id| id == h.sender).unwrap();
    assert_eq!(
        (h.port, h.cport),
        (30001 + n as u16, 40001 + n as u16),
        "{name}: ports"
    );
    assert_eq!(h.myip, "", "{name}: no cluster-announce-ip");
    if let Some(master) = h.replicaof {
        assert!(
            h.flags.is_replica() && ids.contains(&master),
            "{name}: slaveof"
        );
    } else {
        assert!(h.flags.is_master(), "{name}: master flags");
    }
    m
}

/// Every captured file is checked (a file added later cannot be forgotten).
#[test]
fn every_capture_decodes_and_re_encodes_exactly() {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".bin"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 13, "{names:?}");
    for name in names {
        load(&name);
    }
}

/// node1's first MEET: nobody known yet, so no gossip.
#[test]
fn meet_is_node1s_and_empty() {
    let ids = nodes();
    let m = load("meet-1.bin");
    assert_eq!(m.kind(), MsgType::Meet);
    assert_eq!(m.header.sender, ids[0]);
    assert_eq!(m.gossip().unwrap().entries.len(), 0);
}

/// The measured 2568-byte heartbeat: 3 gossip entries about other nodes.
#[test]
fn ping_and_pong_carry_three_gossip_entries() {
    let ids = nodes();
    for (name, kind) in [("ping-1.bin", MsgType::Ping), ("pong-1.bin", MsgType::Pong)] {
        let m = load(name);
        assert_eq!(m.kind(), kind);
        assert_eq!(m.encoded_len(), 2568);
        let g = m.gossip().unwrap();
        assert_eq!(g.entries.len(), 3);
        assert!(g.extensions.is_empty());
        assert_eq!(
            m.header.mflags, [0; 3],
            "7.0: no EXT_DATA without extensions"
        );
        for e in &g.entries {
            assert!(ids.contains(&e.node) && e.node != m.header.sender);
            let n = ids.iter().position(|&id| id == e.node).unwrap() as u16;
            assert_eq!(
                (e.ip.as_str(), e.port, e.cport),
                ("127.0.0.1", 30001 + n, 40001 + n)
            );
        }
    }
}

/// node2 announces a hostname: 7.0 adds the HOSTNAME extension and EXT_DATA.
#[test]
fn node2_sends_its_hostname_extension() {
    let ids = nodes();
    for name in ["ping-hostname-1.bin", "pong-hostname-1.bin"] {
        let m = load(name);
        assert_eq!(m.header.sender, ids[1]);
        assert_eq!(m.header.mflags[0], mflags::EXT_DATA);
        let g = m.gossip().unwrap();
        assert_eq!(
            g.extensions,
            vec![PingExt::Hostname("node-2.example".into())]
        );
        // 15 bytes with the NUL, padded to 16, plus the 8-byte header.
        assert_eq!(m.encoded_len(), 2256 + 104 * g.entries.len() + 24);
    }
}

/// node3 was SIGSTOPped: another node broadcasts FAIL about it.
#[test]
fn fail_names_the_stopped_node() {
    let ids = nodes();
    let m = load("fail-1.bin");
    assert_eq!(m.body, Body::Fail(ids[2]));
    assert_ne!(m.header.sender, ids[2]);
}

#[test]
fn publish_messages_carry_channel_and_message() {
    let ids = nodes();
    let m = load("publish-1.bin");
    assert_eq!(m.header.sender, ids[0]);
    assert_eq!(
        m.body,
        Body::Publish {
            channel: b"news".to_vec(),
            message: b"hello".to_vec()
        }
    );
    let m = load("publishshard-1.bin");
    assert_eq!(m.header.sender, ids[2]);
    assert_eq!(
        m.body,
        Body::PublishShard {
            channel: b"shard-news".to_vec(),
            message: b"hi".to_vec()
        }
    );
}

/// node4's election for node3's shard, then node3's manual failover back.
#[test]
fn failover_auth_requests_come_from_the_replica() {
    let ids = nodes();
    let m = load("auth-req-1.bin");
    assert_eq!(m.kind(), MsgType::FailoverAuthRequest);
    assert_eq!(
        (m.header.sender, m.header.replicaof),
        (ids[3], Some(ids[2]))
    );
    assert_eq!(m.header.mflags[0] & mflags::FORCEACK, 0);

    let m = load("auth-req-forceack-1.bin");
    assert_eq!(
        (m.header.sender, m.header.replicaof),
        (ids[2], Some(ids[3]))
    );
    assert_eq!(
        m.header.mflags[0],
        mflags::FORCEACK,
        "CLUSTER FAILOVER forces the ack"
    );

    let m = load("mfstart-1.bin");
    assert_eq!(m.kind(), MsgType::MfStart);
    assert_eq!(
        (m.header.sender, m.header.replicaof),
        (ids[2], Some(ids[3]))
    );
}

/// Only masters with slots vote.
#[test]
fn failover_auth_ack_comes_from_a_master() {
    let ids = nodes();
    let m = load("auth-ack-1.bin");
    assert_eq!(m.kind(), MsgType::FailoverAuthAck);
    assert!(m.header.sender == ids[0] || m.header.sender == ids[1]);
}

/// Resumed node3 still claimed 10923-16383: it is told node4 owns them now,
/// at node4's (newer) configEpoch. Any node that knows better sends it (in
/// this capture, node5, a replica).
#[test]
fn update_gives_node3s_slots_to_node4() {
    let ids = nodes();
    let m = load("update-1.bin");
    let Body::Update {
        config_epoch,
        node,
        slots,
    } = &m.body
    else {
        panic!("not an UPDATE: {:?}", m.kind());
    };
    assert_eq!(*node, ids[3]);
    assert_eq!(slots.as_ref(), &SlotSet::range(10923, 16383));
    assert!(*config_epoch > 0);
}
