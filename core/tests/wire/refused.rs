//! Every way a frame is refused (or, where Redis does, tolerated).

use crate::samples::*;
use clusterlab_core::msg::wire::WireError;
use clusterlab_core::msg::{mflags, Body, Message, MsgType, PingExt};
use clusterlab_core::SlotSet;
use std::sync::Arc;

#[test]
fn truncated_and_mislengthed_frames_are_refused() {
    let b = ping(3, vec![]).encode();
    assert_eq!(decode_err(&b[..5]), WireError::Truncated { len: 5 });
    assert_eq!(
        decode_err(&b[..2000]),
        WireError::TotlenMismatch {
            totlen: 2568,
            len: 2000
        }
    );
    let mut longer = b.clone();
    longer.push(0);
    assert_eq!(
        decode_err(&longer),
        WireError::TotlenMismatch {
            totlen: 2568,
            len: 2569
        }
    );
}

/// `clusterProcessPacket` ignores other versions; unknown types can't be
/// represented (Redis would also just ignore them).
#[test]
fn wrong_version_and_unknown_type_are_refused() {
    let mut b = msg(Body::MfStart).encode();
    put16(&mut b, 8, 2);
    assert_eq!(decode_err(&b), WireError::BadVersion(2));
    put16(&mut b, 8, 1);
    put16(&mut b, 12, 11);
    assert_eq!(decode_err(&b), WireError::UnknownType(11));
}

/// `clusterIsValidPacket`: totlen must be exactly what the type needs.
#[test]
fn length_not_matching_the_type_is_refused() {
    let mut b = msg(Body::Fail(id('c'))).encode();
    b.push(0);
    fix_totlen(&mut b);
    assert!(matches!(
        decode_err(&b),
        WireError::WrongLength {
            kind: MsgType::Fail,
            totlen: 2297,
            expected: 2296
        }
    ));
    // An AUTH_REQUEST re-typed as FAIL is 40 bytes short.
    let mut b = msg(Body::FailoverAuthRequest).encode();
    put16(&mut b, 12, 3);
    assert!(matches!(
        decode_err(&b),
        WireError::WrongLength { expected: 2296, .. }
    ));
    // And an UPDATE re-typed as AUTH_ACK is too long.
    let mut b = msg(Body::Update {
        config_epoch: 1,
        node: id('d'),
        slots: Arc::new(SlotSet::new()),
    })
    .encode();
    put16(&mut b, 12, 6);
    assert!(matches!(
        decode_err(&b),
        WireError::WrongLength { expected: 2256, .. }
    ));
}

#[test]
fn gossip_count_not_matching_the_length_is_refused() {
    let mut b = ping(2, vec![]).encode();
    put16(&mut b, 14, 3);
    assert!(matches!(
        decode_err(&b),
        WireError::WrongLength {
            kind: MsgType::Ping,
            totlen: 2464,
            expected: 2568
        }
    ));
    put16(&mut b, 14, 1);
    assert!(matches!(
        decode_err(&b),
        WireError::WrongLength { expected: 2360, .. }
    ));
    // A huge count is refused before anything is allocated for it.
    put16(&mut b, 14, u16::MAX);
    assert!(matches!(decode_err(&b), WireError::WrongLength { .. }));
}

#[test]
fn publish_and_module_lengths_must_add_up() {
    let mut b = msg(Body::Publish {
        channel: b"news".to_vec(),
        message: b"hello".to_vec(),
    })
    .encode();
    put32(&mut b, 2260, 6);
    assert!(matches!(
        decode_err(&b),
        WireError::WrongLength { expected: 2274, .. }
    ));
    put32(&mut b, 2256, u32::MAX);
    put32(&mut b, 2260, u32::MAX);
    assert!(matches!(decode_err(&b), WireError::WrongLength { .. }));

    let mut b = msg(Body::Module {
        module_id: 1,
        kind: 1,
        payload: vec![0; 4],
    })
    .encode();
    put32(&mut b, 2264, 3);
    assert!(matches!(
        decode_err(&b),
        WireError::WrongLength { expected: 2272, .. }
    ));
}

/// Redis zeroes `count` and `extensions` of non-gossip messages.
#[test]
fn counts_on_non_gossip_messages_are_refused() {
    let mut b = msg(Body::Fail(id('c'))).encode();
    put16(&mut b, 14, 1);
    assert_eq!(
        decode_err(&b),
        WireError::StrayCount {
            kind: MsgType::Fail,
            count: 1
        }
    );
    put16(&mut b, 14, 0);
    put16(&mut b, 2214, 2);
    assert_eq!(
        decode_err(&b),
        WireError::StrayExtensions {
            kind: MsgType::Fail,
            extensions: 2
        }
    );
}

#[test]
fn bad_node_ids_are_refused() {
    let base = msg(Body::Fail(id('c'))).encode();
    let cases = [
        (40, b'A', "sender"),    // uppercase: not verifyClusterNodeId
        (2128, b'a', "slaveof"), // neither a name nor all zero
        (2256, b'-', "FAIL node"),
    ];
    for (off, byte, field) in cases {
        let mut b = base.clone();
        b[off] = byte;
        assert_eq!(decode_err(&b), WireError::BadNodeId { field });
    }
    // A missing sender or FAIL target is not "no node".
    let mut b = base.clone();
    b[40..80].fill(0);
    assert_eq!(decode_err(&b), WireError::BadNodeId { field: "sender" });
    let mut b = base;
    b[2256..2296].fill(0);
    assert_eq!(decode_err(&b), WireError::BadNodeId { field: "FAIL node" });

    let mut b = ping(1, vec![]).encode();
    b[2256 + 39] = b'G';
    assert_eq!(
        decode_err(&b),
        WireError::BadNodeId {
            field: "gossip node"
        }
    );
}

#[test]
fn bad_ip_text_is_refused() {
    let mut b = msg(Body::MfStart).encode();
    b[2168..2214].fill(b'1');
    assert_eq!(decode_err(&b), WireError::Unterminated { field: "myip" });
    b[2168..2214].fill(0);
    b[2168] = 0xff;
    assert_eq!(decode_err(&b), WireError::NotUtf8 { field: "myip" });

    let mut b = ping(1, vec![]).encode();
    b[2256 + 48..2256 + 94].fill(b'9');
    assert_eq!(
        decode_err(&b),
        WireError::Unterminated { field: "gossip ip" }
    );
}

/// Like Redis, bytes after an IP's NUL and in `notused1` are not looked at.
#[test]
fn reserved_bytes_are_ignored() {
    let m = ping(1, vec![]);
    let mut b = m.encode();
    b[2168 + 20] = b'x'; // after myip's NUL
    b[2216] = 1; // notused1
    b[2256 + 102] = 1; // gossip notused1
    assert_eq!(Message::decode(&b), Ok(m));
}

#[test]
fn state_byte_must_be_ok_or_fail() {
    let mut b = msg(Body::MfStart).encode();
    b[2252] = 2;
    assert_eq!(decode_err(&b), WireError::BadState(2));
}

/// A count of extensions without EXT_DATA: Redis 7.0 would process
/// extensions it never validated.
#[test]
fn extensions_without_ext_data_are_refused() {
    let mut b = ping(0, vec![PingExt::ShardId(id('5'))]).encode();
    b[2253] &= !mflags::EXT_DATA;
    assert_eq!(
        decode_err(&b),
        WireError::ExtensionsWithoutFlag { extensions: 1 }
    );
}

/// `clusterIsValidPacket`: extension lengths 8-aligned and within the frame.
#[test]
fn bad_extension_lengths_are_refused() {
    let base = ping(0, vec![PingExt::ShardId(id('5'))]).encode();
    for len in [0, 4, 44, 56, u32::MAX - 7] {
        let mut b = base.clone();
        put32(&mut b, 2256, len);
        assert_eq!(
            decode_err(&b),
            WireError::BadExtensionLength { index: 0, len },
            "length {len}"
        );
    }
    // More extensions counted than present.
    let mut b = base.clone();
    put16(&mut b, 2214, 2);
    assert!(matches!(decode_err(&b), WireError::WrongLength { .. }));
    // Bytes after the last counted extension.
    let mut b = base;
    b.extend_from_slice(&[0; 8]);
    fix_totlen(&mut b);
    assert!(matches!(decode_err(&b), WireError::WrongLength { .. }));
}

#[test]
fn bad_extension_payloads_are_refused() {
    // SHARDID must be exactly one 40-byte name.
    let mut b = ping(0, vec![PingExt::ShardId(id('5'))]).encode();
    b.extend_from_slice(&[0; 8]);
    fix_totlen(&mut b);
    put32(&mut b, 2256, 56);
    assert_eq!(
        decode_err(&b),
        WireError::BadExtensionPayload {
            index: 0,
            kind: 3,
            len: 56
        }
    );
    // FORGOTTEN_NODE is re-typed SHARDID: 48 payload bytes, not 40.
    let mut b = ping(
        0,
        vec![PingExt::ForgottenNode {
            node: id('f'),
            ttl_secs: 1,
        }],
    )
    .encode();
    put16(&mut b, 2260, 3);
    assert!(matches!(
        decode_err(&b),
        WireError::BadExtensionPayload { kind: 3, .. }
    ));
    // A hostname without its NUL.
    let mut b = ping(0, vec![PingExt::Hostname("1234567".into())]).encode();
    b[2271] = b'8';
    assert_eq!(
        decode_err(&b),
        WireError::Unterminated {
            field: "hostname extension"
        }
    );
}

/// `clusterProcessPingExtensions` logs and skips unknown extension types.
#[test]
fn unknown_extension_types_are_skipped() {
    let m = ping(
        1,
        vec![PingExt::ShardId(id('5')), PingExt::Hostname("h".into())],
    );
    let mut b = m.encode();
    put16(&mut b, 2256 + 104 + 4, 4); // Valkey's CLIENT_IPV4
    let d = Message::decode(&b).unwrap();
    assert_eq!(
        d.gossip().unwrap().extensions,
        vec![PingExt::Hostname("h".into())]
    );
}

#[test]
fn errors_read_well() {
    let e = WireError::WrongLength {
        kind: MsgType::Fail,
        totlen: 2297,
        expected: 2296,
    };
    assert_eq!(
        e.to_string(),
        "FAIL frame of 2297 bytes, its content needs 2296"
    );
    assert_eq!(
        WireError::BadSignature(*b"GET\0").to_string(),
        "bad signature \"GET\\x00\", expected \"RCmb\""
    );
}
