//! Properties over random input: every message round-trips, and no input,
//! random or a damaged real frame, makes the decoder panic or loop.

use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::wire::{self, HEADER_LEN};
use clusterlab_core::msg::{mflags, Body, Gossip, GossipEntry, Header, Message, PingExt};
use clusterlab_core::{NodeId, SlotSet};
use proptest::prelude::*;
use std::sync::Arc;

fn node_id() -> impl Strategy<Value = NodeId> {
    "[a-z0-9]{40}".prop_map(|s| NodeId::parse(&s).expect("40 chars of [a-z0-9]"))
}

fn slots() -> impl Strategy<Value = Arc<SlotSet>> {
    (
        prop::collection::vec(0u16..16384, 0..32),
        prop::option::of((0u16..16384, 0u16..16384)),
    )
        .prop_map(|(singles, range)| {
            let mut set = SlotSet::new();
            if let Some((a, b)) = range {
                set.insert_range(a.min(b), a.max(b));
            }
            for s in singles {
                set.insert(s);
            }
            Arc::new(set)
        })
}

/// Text as the wire carries it: no NUL; at most 11 chars (44 bytes) so an IP
/// always fits its 46-byte field with the terminator.
fn ip() -> impl Strategy<Value = String> {
    "[^\\x00]{0,11}"
}

fn header() -> impl Strategy<Value = Header> {
    (
        (any::<u16>(), any::<u64>(), any::<u64>(), any::<u64>()),
        (node_id(), slots(), prop::option::of(node_id()), ip()),
        (any::<u16>(), any::<u16>(), any::<u16>(), any::<bool>()),
        any::<[u8; 3]>(),
    )
        .prop_map(
            |(
                (port, current_epoch, config_epoch, offset),
                (sender, myslots, replicaof, myip),
                (pport, cport, flags, state_fail),
                mflags,
            )| Header {
                port,
                current_epoch,
                config_epoch,
                offset,
                sender,
                myslots,
                replicaof,
                myip,
                pport,
                cport,
                flags: NodeFlags(flags),
                state_fail,
                mflags,
            },
        )
}

fn gossip_entry() -> impl Strategy<Value = GossipEntry> {
    (
        node_id(),
        any::<(u32, u32)>(),
        ip(),
        any::<(u16, u16, u16, u16)>(),
    )
        .prop_map(
            |(node, (ping_sent, pong_received), ip, (port, cport, flags, pport))| GossipEntry {
                node,
                ping_sent,
                pong_received,
                ip: ip.as_str().into(),
                port,
                cport,
                flags: NodeFlags(flags),
                pport,
            },
        )
}

fn ping_ext() -> impl Strategy<Value = PingExt> {
    prop_oneof![
        "[^\\x00]{0,40}".prop_map(PingExt::Hostname),
        "[^\\x00]{0,40}".prop_map(PingExt::HumanNodename),
        (node_id(), any::<u64>())
            .prop_map(|(node, ttl_secs)| PingExt::ForgottenNode { node, ttl_secs }),
        node_id().prop_map(PingExt::ShardId),
    ]
}

fn gossip() -> impl Strategy<Value = Gossip> {
    (
        prop::collection::vec(gossip_entry(), 0..6),
        prop::collection::vec(ping_ext(), 0..4),
    )
        .prop_map(|(entries, extensions)| Gossip {
            entries,
            extensions,
        })
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..40)
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        gossip().prop_map(Body::Ping),
        gossip().prop_map(Body::Pong),
        gossip().prop_map(Body::Meet),
        node_id().prop_map(Body::Fail),
        (bytes(), bytes()).prop_map(|(channel, message)| Body::Publish { channel, message }),
        (bytes(), bytes()).prop_map(|(channel, message)| Body::PublishShard { channel, message }),
        Just(Body::FailoverAuthRequest),
        Just(Body::FailoverAuthAck),
        Just(Body::MfStart),
        (any::<u64>(), node_id(), slots()).prop_map(|(config_epoch, node, slots)| {
            Body::Update {
                config_epoch,
                node,
                slots,
            }
        }),
        (any::<u64>(), any::<u8>(), bytes()).prop_map(|(module_id, kind, payload)| {
            Body::Module {
                module_id,
                kind,
                payload,
            }
        }),
    ]
}

fn message() -> impl Strategy<Value = Message> {
    (header(), body()).prop_map(|(header, body)| Message { header, body })
}

/// One way to damage a valid frame. Offsets are taken modulo the frame's
/// length; the fixed ones aim at the fields that size the frame.
#[derive(Clone, Debug)]
enum Mutation {
    FlipBit(usize, u8),
    Truncate(usize),
    SetU16(usize, u16),
    SetU32(usize, u32),
    Append(Vec<u8>),
    /// A ping extension of `len` bytes, counted in `extensions`.
    AppendExt {
        kind: u16,
        len: u32,
    },
    /// `totlen` := the frame's length, so later checks are reached.
    FixTotlen,
}

/// `totlen`, `type`, `count`, `extensions`, `mflags`, the first payload words.
const SIZING_OFFSETS: [usize; 8] = [4, 12, 14, 2214, 2252, 2256, 2260, 2264];

fn mutation() -> impl Strategy<Value = Mutation> {
    let offset = prop_oneof![prop::sample::select(&SIZING_OFFSETS[..]), any::<usize>()];
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit(at, bit)),
        any::<usize>().prop_map(Mutation::Truncate),
        (offset.clone(), prop_oneof![0u16..16, any::<u16>()])
            .prop_map(|(at, v)| Mutation::SetU16(at, v)),
        (offset, any::<u32>()).prop_map(|(at, v)| Mutation::SetU32(at, v)),
        bytes().prop_map(Mutation::Append),
        (
            0u16..6,
            prop_oneof![(0u32..8).prop_map(|n| n * 8), any::<u32>()]
        )
            .prop_map(|(kind, len)| Mutation::AppendExt { kind, len }),
        Just(Mutation::FixTotlen),
    ]
}

fn set(frame: &mut [u8], at: usize, bytes: &[u8]) {
    if frame.len() >= bytes.len() {
        let at = at % (frame.len() - bytes.len() + 1);
        frame[at..at + bytes.len()].copy_from_slice(bytes);
    }
}

fn apply(frame: &mut Vec<u8>, m: &Mutation) {
    match m {
        Mutation::FlipBit(at, bit) if !frame.is_empty() => {
            let at = at % frame.len();
            frame[at] ^= 1 << bit;
        }
        Mutation::FlipBit(..) => {}
        Mutation::Truncate(n) => frame.truncate(n % (frame.len() + 1)),
        Mutation::SetU16(at, v) => set(frame, *at, &v.to_be_bytes()),
        Mutation::SetU32(at, v) => set(frame, *at, &v.to_be_bytes()),
        Mutation::Append(b) => frame.extend_from_slice(b),
        Mutation::AppendExt { kind, len } => {
            frame.extend_from_slice(&len.to_be_bytes());
            frame.extend_from_slice(&kind.to_be_bytes());
            frame.extend_from_slice(&[0; 2]);
            let payload = (*len as usize).saturating_sub(8).min(64);
            frame.extend((0..payload).map(|i| b'a' + (i % 26) as u8));
            if frame.len() >= HEADER_LEN {
                let n = u16::from_be_bytes([frame[2214], frame[2215]]);
                set(frame, 2214, &n.wrapping_add(1).to_be_bytes());
                frame[2253] |= mflags::EXT_DATA;
            }
            apply(frame, &Mutation::FixTotlen);
        }
        Mutation::FixTotlen => {
            let len = frame.len() as u32;
            set(frame, 4, &len.to_be_bytes());
        }
    }
}

/// 7.0 sets EXT_DATA whenever it sends extensions; the encoder does too.
fn as_sent(m: &Message) -> Message {
    let mut m = m.clone();
    if m.gossip().is_some_and(|g| !g.extensions.is_empty()) {
        m.header.mflags[0] |= mflags::EXT_DATA;
    }
    m
}

proptest! {
    /// Any message encodes to `encoded_len` bytes with a readable prefix,
    /// decodes to itself, and re-encodes to the same bytes.
    #[test]
    fn random_messages_round_trip(m in message()) {
        let bytes = m.encode();
        prop_assert_eq!(bytes.len(), m.encoded_len());
        prop_assert_eq!(wire::frame_len(&bytes), Ok(Some(bytes.len())));
        let decoded = Message::decode(&bytes);
        prop_assert_eq!(decoded.as_ref(), Ok(&as_sent(&m)));
        prop_assert_eq!(decoded.unwrap().encode(), bytes);
    }

    /// Arbitrary bytes, with or without a plausible prefix, never panic.
    #[test]
    fn random_bytes_never_panic(
        mut b in prop::collection::vec(any::<u8>(), 0..3000),
        prefix in any::<bool>(),
    ) {
        if prefix && b.len() >= 16 {
            let len = b.len() as u32;
            b[..8].copy_from_slice(&[b"RCmb".as_slice(), &len.to_be_bytes()].concat());
            b[8..10].copy_from_slice(&1u16.to_be_bytes());
        }
        let _ = wire::frame_len(&b);
        let _ = Message::decode(&b);
    }

    /// Damaged valid frames never panic. Whatever still decodes is a
    /// message the encoder reproduces, no longer than the input (only
    /// unknown extensions and oversized padding are dropped).
    #[test]
    fn mutated_frames_never_panic(
        m in message(),
        mutations in prop::collection::vec(mutation(), 1..5),
        fix_totlen in any::<bool>(),
    ) {
        let mut frame = m.encode();
        for mutation in &mutations {
            apply(&mut frame, mutation);
        }
        if fix_totlen {
            apply(&mut frame, &Mutation::FixTotlen);
        }
        let _ = wire::frame_len(&frame);
        if let Ok(decoded) = Message::decode(&frame) {
            let again = decoded.encode();
            prop_assert!(again.len() <= frame.len());
            prop_assert_eq!(Message::decode(&again), Ok(decoded));
        }
    }
}
