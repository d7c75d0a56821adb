//! Sample messages and byte helpers shared by the wire tests.

use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::wire::WireError;
use clusterlab_core::msg::{mflags, Body, Gossip, GossipEntry, Header, Message, PingExt};
use clusterlab_core::{NodeId, SlotSet};
use std::sync::Arc;

pub fn id(c: char) -> NodeId {
    NodeId::parse(&c.to_string().repeat(40)).unwrap()
}

pub fn header() -> Header {
    Header {
        port: 30001,
        current_epoch: 7,
        config_epoch: 3,
        offset: 0x0102_0304_0506_0708,
        sender: id('a'),
        myslots: Arc::new(SlotSet::range(0, 5460)),
        replicaof: None,
        myip: String::new(),
        pport: 0,
        cport: 40001,
        flags: NodeFlags(NodeFlags::MYSELF | NodeFlags::MASTER),
        state_fail: false,
        mflags: [0; 3],
    }
}

pub fn entry(c: char) -> GossipEntry {
    GossipEntry {
        node: id(c),
        ping_sent: 1_700_000_000,
        pong_received: 1_700_000_001,
        ip: "127.0.0.1".into(),
        port: 30002,
        cport: 40002,
        flags: NodeFlags(NodeFlags::MASTER),
        pport: 0,
    }
}

pub fn msg(body: Body) -> Message {
    Message {
        header: header(),
        body,
    }
}

pub fn ping(entries: usize, extensions: Vec<PingExt>) -> Message {
    let entries = "bcdefghij".chars().take(entries).map(entry).collect();
    msg(Body::Ping(Gossip {
        entries,
        extensions,
    }))
}

/// One message of every type, gossip ones with entries and extensions.
pub fn every_type() -> Vec<Message> {
    let exts = vec![
        PingExt::Hostname("node-2.example".into()),
        PingExt::HumanNodename("n2".into()),
        PingExt::ForgottenNode {
            node: id('f'),
            ttl_secs: 60,
        },
        PingExt::ShardId(id('5')),
    ];
    let gossip = Gossip {
        entries: vec![entry('b'), entry('c')],
        extensions: exts.clone(),
    };
    let mut replica = header();
    replica.replicaof = Some(id('z'));
    replica.myip = "10.0.0.1".into();
    replica.mflags = [mflags::FORCEACK, 0, 0];
    replica.state_fail = true;
    vec![
        ping(3, vec![]),
        ping(1, exts),
        msg(Body::Pong(gossip.clone())),
        msg(Body::Meet(Gossip::default())),
        msg(Body::Meet(gossip)),
        msg(Body::Fail(id('c'))),
        msg(Body::Publish {
            channel: b"news".to_vec(),
            message: b"hello".to_vec(),
        }),
        msg(Body::PublishShard {
            channel: b"shard-news".to_vec(),
            message: Vec::new(),
        }),
        Message {
            header: replica.clone(),
            body: Body::FailoverAuthRequest,
        },
        msg(Body::FailoverAuthAck),
        msg(Body::Update {
            config_epoch: 9,
            node: id('d'),
            slots: Arc::new(SlotSet::range(10923, 16383)),
        }),
        Message {
            header: replica,
            body: Body::MfStart,
        },
        msg(Body::Module {
            module_id: 0xdead_beef_0000_0001,
            kind: 7,
            payload: b"payload".to_vec(),
        }),
    ]
}

pub fn be16(b: &[u8], off: usize) -> u16 {
    u16::from_be_bytes(b[off..off + 2].try_into().unwrap())
}

pub fn be32(b: &[u8], off: usize) -> u32 {
    u32::from_be_bytes(b[off..off + 4].try_into().unwrap())
}

pub fn be64(b: &[u8], off: usize) -> u64 {
    u64::from_be_bytes(b[off..off + 8].try_into().unwrap())
}

pub fn put16(b: &mut [u8], off: usize, v: u16) {
    b[off..off + 2].copy_from_slice(&v.to_be_bytes());
}

pub fn put32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_be_bytes());
}

/// Sets `totlen` to the buffer's length, so only the change under test is wrong.
pub fn fix_totlen(b: &mut [u8]) {
    let len = b.len() as u32;
    put32(b, 4, len);
}

pub fn decode_err(b: &[u8]) -> WireError {
    Message::decode(b).expect_err("frame should be refused")
}
