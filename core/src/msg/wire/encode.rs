//! Message → bytes, as `clusterBuildMessageHdr` and the `clusterSend*`
//! functions of Redis 7.0 lay them out.

use super::{
    align8, ext_type, EXT_HEADER_LEN, FAIL_LEN, GOSSIP_ENTRY_LEN, HEADER_LEN, IP_LEN,
    MODULE_PREFIX_LEN, PROTO_VER, PUBLISH_PREFIX_LEN, SIGNATURE, UPDATE_LEN,
};
use crate::id::NodeId;
use crate::msg::{mflags, Body, GossipEntry, Header, Message, PingExt};

impl Message {
    /// The frame's size in bytes (its `totlen`), computed without building it:
    /// the simulator charges every message its real size.
    pub fn encoded_len(&self) -> usize {
        HEADER_LEN
            + match &self.body {
                Body::Ping(g) | Body::Pong(g) | Body::Meet(g) => {
                    g.entries.len() * GOSSIP_ENTRY_LEN
                        + g.extensions.iter().map(ext_len).sum::<usize>()
                }
                Body::Fail(_) => FAIL_LEN,
                Body::Publish { channel, message } | Body::PublishShard { channel, message } => {
                    PUBLISH_PREFIX_LEN + channel.len() + message.len()
                }
                Body::FailoverAuthRequest | Body::FailoverAuthAck | Body::MfStart => 0,
                Body::Update { .. } => UPDATE_LEN,
                Body::Module { payload, .. } => MODULE_PREFIX_LEN + payload.len(),
            }
    }

    /// The frame as a new buffer.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut out);
        out
    }

    /// Appends the frame to `out`.
    ///
    /// `mflags[0]` gets `EXT_DATA` when the message carries ping extensions,
    /// as 7.0's `clusterSendPing` does; otherwise the header's `mflags` are sent
    /// as given (so a 7.2 frame, which always has the bit, re-encodes as is).
    ///
    /// # Panics
    /// If a gossip message has more than 65535 entries or extensions, or a
    /// frame would exceed 4 GiB: `count`, `extensions` and `totlen` could not
    /// say so, and no Redis node builds such a message.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let totlen = u32::try_from(self.encoded_len()).expect("frame longer than 4 GiB");
        let start = out.len();
        out.reserve(totlen as usize);
        let (count, extensions) = match self.gossip() {
            Some(g) => (
                u16::try_from(g.entries.len()).expect("more than 65535 gossip entries"),
                u16::try_from(g.extensions.len()).expect("more than 65535 ping extensions"),
            ),
            None => (0, 0),
        };
        put_header(
            out,
            &self.header,
            self.kind() as u16,
            totlen,
            count,
            extensions,
        );
        match &self.body {
            Body::Ping(g) | Body::Pong(g) | Body::Meet(g) => {
                for entry in &g.entries {
                    put_gossip_entry(out, entry);
                }
                for ext in &g.extensions {
                    put_ext(out, ext);
                }
            }
            Body::Fail(node) => out.extend_from_slice(node.as_bytes()),
            Body::Publish { channel, message } | Body::PublishShard { channel, message } => {
                put_len(out, channel.len());
                put_len(out, message.len());
                out.extend_from_slice(channel);
                out.extend_from_slice(message);
            }
            Body::FailoverAuthRequest | Body::FailoverAuthAck | Body::MfStart => {}
            Body::Update {
                config_epoch,
                node,
                slots,
            } => {
                out.extend_from_slice(&config_epoch.to_be_bytes());
                out.extend_from_slice(node.as_bytes());
                out.extend_from_slice(&slots.to_bitmap());
            }
            Body::Module {
                module_id,
                kind,
                payload,
            } => {
                // Redis copies the id raw (it is opaque to the bus); big-endian
                // here so any 8 bytes read back to the same value.
                out.extend_from_slice(&module_id.to_be_bytes());
                put_len(out, payload.len());
                out.push(*kind);
                out.extend_from_slice(payload);
            }
        }
        debug_assert_eq!(out.len() - start, totlen as usize);
    }
}

/// The size of one extension: header plus its payload padded to 8 bytes.
fn ext_len(ext: &PingExt) -> usize {
    EXT_HEADER_LEN
        + match ext {
            PingExt::Hostname(s) | PingExt::HumanNodename(s) => align8(s.len() + 1),
            PingExt::ForgottenNode { .. } => 40 + 8,
            PingExt::ShardId(_) => 40,
        }
}

fn put_header(out: &mut Vec<u8>, h: &Header, kind: u16, totlen: u32, count: u16, exts: u16) {
    out.extend_from_slice(&SIGNATURE);
    out.extend_from_slice(&totlen.to_be_bytes());
    for v in [PROTO_VER, h.port, kind, count] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    for v in [h.current_epoch, h.config_epoch, h.offset] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(h.sender.as_bytes());
    out.extend_from_slice(&h.myslots.to_bitmap());
    out.extend_from_slice(h.replicaof.unwrap_or(NodeId::NULL).as_bytes());
    put_ip(out, &h.myip);
    out.extend_from_slice(&exts.to_be_bytes());
    out.extend_from_slice(&[0; 30]); // notused1
    for v in [h.pport, h.cport, h.flags.0] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.push(u8::from(h.state_fail));
    let mut mf = h.mflags;
    if exts > 0 {
        mf[0] |= mflags::EXT_DATA;
    }
    out.extend_from_slice(&mf);
}

/// `clusterSetGossipEntry`.
fn put_gossip_entry(out: &mut Vec<u8>, e: &GossipEntry) {
    out.extend_from_slice(e.node.as_bytes());
    out.extend_from_slice(&e.ping_sent.to_be_bytes());
    out.extend_from_slice(&e.pong_received.to_be_bytes());
    put_ip(out, e.ip.as_str());
    for v in [e.port, e.cport, e.flags.0, e.pport, 0] {
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// One `clusterMsgPingExt`, zero-padded like Redis's `zcalloc`'d buffer.
/// Text goes out as a C string: a receiver stops at a NUL inside it, as it
/// would for Redis.
fn put_ext(out: &mut Vec<u8>, ext: &PingExt) {
    let len = ext_len(ext);
    let kind = match ext {
        PingExt::Hostname(_) => ext_type::HOSTNAME,
        PingExt::HumanNodename(_) => ext_type::HUMAN_NODENAME,
        PingExt::ForgottenNode { .. } => ext_type::FORGOTTEN_NODE,
        PingExt::ShardId(_) => ext_type::SHARDID,
    };
    let start = out.len();
    put_len(out, len);
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&[0; 2]);
    match ext {
        PingExt::Hostname(s) | PingExt::HumanNodename(s) => out.extend_from_slice(s.as_bytes()),
        PingExt::ForgottenNode { node, ttl_secs } => {
            out.extend_from_slice(node.as_bytes());
            out.extend_from_slice(&ttl_secs.to_be_bytes());
        }
        PingExt::ShardId(id) => out.extend_from_slice(id.as_bytes()),
    }
    out.resize(start + len, 0);
}

/// A u32 length field; callers have already bounded the frame to 4 GiB.
fn put_len(out: &mut Vec<u8>, len: usize) {
    out.extend_from_slice(&(len as u32).to_be_bytes());
}

/// A NUL-padded 46-byte IP field. Like `clusterBuildMessageHdr`'s `strncpy`,
/// text too long for the terminator is cut (here at a character boundary).
fn put_ip(out: &mut Vec<u8>, ip: &str) {
    let mut n = ip.len().min(IP_LEN - 1);
    while !ip.is_char_boundary(n) {
        n -= 1;
    }
    out.extend_from_slice(&ip.as_bytes()[..n]);
    out.extend_from_slice(&[0; IP_LEN][..IP_LEN - n]);
}
