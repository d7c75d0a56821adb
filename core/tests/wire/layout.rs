//! Sizes, byte offsets and round trips against Redis 7.0's layout (docs/redis-behaviour.md §4).

use crate::samples::*;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::wire::{self, WireError, HEADER_LEN, MAX_FRAME_LEN};
use clusterlab_core::msg::{mflags, Body, Gossip, Message, PingExt};
use clusterlab_core::SlotSet;
use std::sync::Arc;

// ---- sizes -------------------------------------------------------------

/// Facts §4.3: 7.0.15 heartbeats measured at 2568 bytes = 2256 + 3×104.
#[test]
fn ping_with_three_gossip_entries_is_2568_bytes() {
    let m = ping(3, vec![]);
    assert_eq!(m.encoded_len(), 2568);
    assert_eq!(m.encode().len(), 2568);
}

/// The expected length per type that `clusterProcessPacket` checks (docs/redis-behaviour.md §4.3).
#[test]
fn every_type_has_redis_size() {
    let size = |body| msg(body).encode().len();
    assert_eq!(size(Body::Fail(id('c'))), 2296);
    assert_eq!(size(Body::FailoverAuthRequest), 2256);
    assert_eq!(size(Body::FailoverAuthAck), 2256);
    assert_eq!(size(Body::MfStart), 2256);
    let update = Body::Update {
        config_epoch: 1,
        node: id('d'),
        slots: Arc::new(SlotSet::new()),
    };
    assert_eq!(size(update), 4352);
    let publish = |channel: &[u8], message: &[u8]| Body::Publish {
        channel: channel.to_vec(),
        message: message.to_vec(),
    };
    // sizeof(clusterMsgDataPublish) - 8 + channel + message.
    assert_eq!(size(publish(b"news", b"hello")), 2256 + 8 + 4 + 5);
    assert_eq!(size(publish(b"", b"")), 2264);
    let module = Body::Module {
        module_id: 1,
        kind: 0,
        payload: vec![1; 10],
    };
    // sizeof(clusterMsgModule) - 3 + len.
    assert_eq!(size(module), 2256 + 13 + 10);
    assert_eq!(size(Body::Meet(Gossip::default())), HEADER_LEN);
}

/// `encoded_len` is what the simulator charges; it must equal the real size.
#[test]
fn encoded_len_is_the_encoded_size() {
    for m in every_type() {
        assert_eq!(m.encoded_len(), m.encode().len(), "{:?}", m.kind());
        let mut out = vec![1, 2, 3];
        m.encode_into(&mut out);
        assert_eq!(&out[3..], &m.encode()[..], "encode_into appends");
    }
}

// ---- round trips ---------------------------------------------------------

#[test]
fn every_type_round_trips() {
    for m in every_type() {
        let bytes = m.encode();
        let mut expected = m.clone();
        if m.gossip().is_some_and(|g| !g.extensions.is_empty()) {
            expected.header.mflags[0] |= mflags::EXT_DATA;
        }
        assert_eq!(Message::decode(&bytes), Ok(expected), "{:?}", m.kind());
    }
}

// ---- offsets ---------------------------------------------------------------

/// The header offsets `cluster.h` asserts (docs/redis-behaviour.md §4.2), all big-endian.
#[test]
fn header_fields_sit_at_redis_offsets() {
    let mut h = header();
    h.replicaof = Some(id('z'));
    h.myip = "10.1.2.3".into();
    h.pport = 6379;
    h.state_fail = true;
    h.mflags = [mflags::PAUSED, 0, 0];
    let mut slots = SlotSet::new();
    slots.insert(0);
    slots.insert(9);
    slots.insert(16383);
    h.myslots = Arc::new(slots);
    let m = Message {
        header: h,
        body: Body::Ping(Gossip {
            entries: vec![entry('b'), entry('c')],
            extensions: vec![],
        }),
    };
    let b = m.encode();
    assert_eq!(&b[0..4], b"RCmb");
    assert_eq!(be32(&b, 4), b.len() as u32);
    assert_eq!(be16(&b, 8), 1, "ver");
    assert_eq!(be16(&b, 10), 30001, "port");
    assert_eq!(be16(&b, 12), 0, "type PING");
    assert_eq!(be16(&b, 14), 2, "count");
    assert_eq!(be64(&b, 16), 7, "currentEpoch");
    assert_eq!(be64(&b, 24), 3, "configEpoch");
    assert_eq!(be64(&b, 32), 0x0102_0304_0506_0708, "offset");
    assert_eq!(&b[40..80], id('a').as_bytes(), "sender");
    // Slot j is bit j&7 of byte j/8 of the bitmap at 80.
    assert_eq!(b[80], 0b1);
    assert_eq!(b[81], 0b10);
    assert_eq!(b[80 + 2047], 0x80);
    assert!(b[82..80 + 2047].iter().all(|&x| x == 0));
    assert_eq!(&b[2128..2168], id('z').as_bytes(), "slaveof");
    assert_eq!(&b[2168..2176], b"10.1.2.3");
    assert!(b[2176..2214].iter().all(|&x| x == 0), "myip NUL-padded");
    assert_eq!(be16(&b, 2214), 0, "extensions");
    assert!(b[2216..2246].iter().all(|&x| x == 0), "notused1");
    assert_eq!(be16(&b, 2246), 6379, "pport");
    assert_eq!(be16(&b, 2248), 40001, "cport");
    assert_eq!(be16(&b, 2250), 17, "flags myself|master");
    assert_eq!(b[2252], 1, "state fail");
    assert_eq!(
        &b[2253..2256],
        &[mflags::PAUSED, 0, 0],
        "no EXT_DATA without extensions"
    );
}

/// A master's `slaveof` is 40 zero bytes; an unannounced IP is all zero.
#[test]
fn master_slaveof_and_unannounced_ip_are_zero() {
    let b = msg(Body::FailoverAuthAck).encode();
    assert!(b[2128..2214].iter().all(|&x| x == 0));
}

/// `clusterSetGossipEntry`'s layout (docs/redis-behaviour.md §4.3).
#[test]
fn gossip_entry_fields_sit_at_redis_offsets() {
    let mut e = entry('b');
    e.pport = 6380;
    e.flags = NodeFlags(NodeFlags::SLAVE | NodeFlags::PFAIL);
    let b = msg(Body::Pong(Gossip {
        entries: vec![entry('c'), e],
        extensions: vec![],
    }))
    .encode();
    let g = &b[HEADER_LEN + 104..HEADER_LEN + 208];
    assert_eq!(&g[0..40], id('b').as_bytes());
    assert_eq!(be32(g, 40), 1_700_000_000, "ping_sent seconds");
    assert_eq!(be32(g, 44), 1_700_000_001, "pong_received seconds");
    assert_eq!(&g[48..58], b"127.0.0.1\0");
    assert!(g[58..94].iter().all(|&x| x == 0));
    assert_eq!(be16(g, 94), 30002, "port");
    assert_eq!(be16(g, 96), 40002, "cport");
    assert_eq!(be16(g, 98), 6, "flags slave|pfail");
    assert_eq!(be16(g, 100), 6380, "pport");
    assert_eq!(be16(g, 102), 0, "notused1");
}

/// FAIL, UPDATE, PUBLISH and MODULE payloads right after the header.
#[test]
fn payload_fields_sit_at_redis_offsets() {
    let b = msg(Body::Fail(id('c'))).encode();
    assert_eq!(&b[2256..2296], id('c').as_bytes());

    let mut slots = SlotSet::new();
    slots.insert(1);
    let b = msg(Body::Update {
        config_epoch: 0x0a0b,
        node: id('d'),
        slots: Arc::new(slots),
    })
    .encode();
    assert_eq!(be16(&b, 12), 7);
    assert_eq!(be64(&b, 2256), 0x0a0b);
    assert_eq!(&b[2264..2304], id('d').as_bytes());
    assert_eq!(b[2304], 0b10);

    let b = msg(Body::PublishShard {
        channel: b"ch".to_vec(),
        message: b"msg".to_vec(),
    })
    .encode();
    assert_eq!(be16(&b, 12), 10);
    assert_eq!(be32(&b, 2256), 2, "channel_len");
    assert_eq!(be32(&b, 2260), 3, "message_len");
    assert_eq!(&b[2264..], b"chmsg");

    let b = msg(Body::Module {
        module_id: 0x1122_3344_5566_7788,
        kind: 5,
        payload: b"xyz".to_vec(),
    })
    .encode();
    assert_eq!(be64(&b, 2256), 0x1122_3344_5566_7788);
    assert_eq!(be32(&b, 2264), 3, "len");
    assert_eq!(b[2268], 5, "type");
    assert_eq!(&b[2269..], b"xyz");
}

/// `writeHostnamePingExt` (7.0; `writePingExt` in 7.2): 8-byte header (u32
/// length, u16 type, u16 pad), payload padded to 8; `EXT_DATA` and the
/// `extensions` count set (7.0 behaviour).
#[test]
fn ping_extensions_have_redis_layout() {
    let m = ping(
        1,
        vec![
            PingExt::Hostname("node-2.example".into()),
            PingExt::ForgottenNode {
                node: id('f'),
                ttl_secs: 60,
            },
            PingExt::ShardId(id('5')),
            PingExt::HumanNodename("12345678".into()),
        ],
    );
    let b = m.encode();
    assert_eq!(b.len(), 2256 + 104 + 24 + 56 + 48 + 24);
    assert_eq!(b[2253] & mflags::EXT_DATA, mflags::EXT_DATA);
    assert_eq!(be16(&b, 2214), 4);
    let e = &b[2360..];
    // HOSTNAME: 14 chars + NUL = 15, padded to 16.
    assert_eq!((be32(e, 0), be16(e, 4), be16(e, 6)), (24, 0, 0));
    assert_eq!(&e[8..24], b"node-2.example\0\0");
    // FORGOTTEN_NODE: name + u64 ttl.
    let e = &e[24..];
    assert_eq!((be32(e, 0), be16(e, 4)), (56, 2));
    assert_eq!(&e[8..48], id('f').as_bytes());
    assert_eq!(be64(e, 48), 60);
    // SHARDID: 40 bytes.
    let e = &e[56..];
    assert_eq!((be32(e, 0), be16(e, 4)), (48, 3));
    assert_eq!(&e[8..48], id('5').as_bytes());
    // HUMAN_NODENAME of 8 chars: the NUL needs a whole extra 8 bytes.
    let e = &e[48..];
    assert_eq!((be32(e, 0), be16(e, 4)), (24, 1));
    assert_eq!(&e[8..24], b"12345678\0\0\0\0\0\0\0\0");
}

/// Encoding keeps a header's EXT_DATA even without extensions, so a 7.2
/// frame (which always has it) re-encodes as it came.
#[test]
fn ext_data_bit_is_kept_when_given() {
    let mut m = ping(1, vec![]);
    m.header.mflags[0] = mflags::EXT_DATA;
    let b = m.encode();
    assert_eq!(b[2253], mflags::EXT_DATA);
    assert_eq!(Message::decode(&b), Ok(m));
}

/// `clusterBuildMessageHdr` strncpy's the announced IP into 46 bytes and
/// forces the last to NUL.
#[test]
fn overlong_ip_is_cut_to_45_bytes() {
    let mut m = msg(Body::MfStart);
    m.header.myip = "x".repeat(50);
    let d = Message::decode(&m.encode()).unwrap();
    assert_eq!(d.header.myip, "x".repeat(45));
}

// ---- stream prefix -----------------------------------------------------------

/// `clusterReadHandler`: 8 bytes, then "RCmb" and totlen >= 2256.
#[test]
fn frame_len_reads_the_prefix_like_redis() {
    let b = ping(3, vec![]).encode();
    assert_eq!(wire::frame_len(&b[..7]), Ok(None));
    assert_eq!(wire::frame_len(&b[..8]), Ok(Some(2568)));
    assert_eq!(wire::frame_len(&b), Ok(Some(2568)));
    let mut bad = b.clone();
    bad[0] = b'X';
    assert_eq!(
        wire::frame_len(&bad),
        Err(WireError::BadSignature(*b"XCmb"))
    );
    put32(&mut bad[..], 0, u32::from_be_bytes(*b"RCmb"));
    put32(&mut bad, 4, 2255);
    assert_eq!(wire::frame_len(&bad), Err(WireError::TotlenTooSmall(2255)));
    put32(&mut bad, 4, MAX_FRAME_LEN as u32 + 1);
    assert_eq!(
        wire::frame_len(&bad),
        Err(WireError::TotlenTooLarge(MAX_FRAME_LEN as u32 + 1))
    );
}
