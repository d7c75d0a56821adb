//! Bytes → message, with the checks of Redis 7.0's `clusterReadHandler` and
//! `clusterIsValidPacket`, and stricter ones where Redis trusts its peer.

use super::{
    ext_type, frame_len, WireError, EXT_HEADER_LEN, FAIL_LEN, GOSSIP_ENTRY_LEN, HEADER_LEN, IP_LEN,
    PREFIX_LEN, PROTO_VER, UPDATE_LEN,
};
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::msg::{mflags, Body, Gossip, GossipEntry, Header, IpText, Message, MsgType, PingExt};
use crate::slot::{SlotSet, BITMAP_BYTES};
use std::sync::Arc;

impl Message {
    /// Decodes one whole frame (exactly `totlen` bytes).
    ///
    /// Redis 7.0 ignores a frame with another version or an unknown type;
    /// here they are errors the caller can ignore the same way. Unknown ping
    /// extension types are skipped, as `clusterProcessPingExtensions` does.
    pub fn decode(frame: &[u8]) -> Result<Message, WireError> {
        let totlen = frame_len(frame)?.ok_or(WireError::Truncated { len: frame.len() })?;
        if totlen != frame.len() {
            return Err(WireError::TotlenMismatch {
                totlen: totlen as u32,
                len: frame.len(),
            });
        }
        // frame_len guarantees a whole header, so peeking is in bounds.
        let (head, _) = frame
            .split_first_chunk::<HEADER_LEN>()
            .ok_or(WireError::Truncated { len: frame.len() })?;
        let ver = u16::from_be_bytes([head[8], head[9]]);
        if ver != PROTO_VER {
            return Err(WireError::BadVersion(ver));
        }
        let raw_kind = u16::from_be_bytes([head[12], head[13]]);
        let kind = MsgType::from_u16(raw_kind).ok_or(WireError::UnknownType(raw_kind))?;

        let mut r = Reader {
            rest: frame,
            kind,
            totlen,
        };
        let (header, count, extensions) = read_header(&mut r)?;
        let is_gossip = matches!(kind, MsgType::Ping | MsgType::Pong | MsgType::Meet);
        if !is_gossip && count != 0 {
            return Err(WireError::StrayCount { kind, count });
        }
        if !is_gossip && extensions != 0 {
            return Err(WireError::StrayExtensions { kind, extensions });
        }
        let body = match kind {
            MsgType::Ping => Body::Ping(read_gossip(&mut r, &header, count, extensions)?),
            MsgType::Pong => Body::Pong(read_gossip(&mut r, &header, count, extensions)?),
            MsgType::Meet => Body::Meet(read_gossip(&mut r, &header, count, extensions)?),
            MsgType::Fail => {
                r.expect_exactly(FAIL_LEN)?;
                Body::Fail(node_id(r.array()?, "FAIL node")?)
            }
            MsgType::Publish => {
                let (channel, message) = read_publish(&mut r)?;
                Body::Publish { channel, message }
            }
            MsgType::PublishShard => {
                let (channel, message) = read_publish(&mut r)?;
                Body::PublishShard { channel, message }
            }
            MsgType::FailoverAuthRequest => Body::FailoverAuthRequest,
            MsgType::FailoverAuthAck => Body::FailoverAuthAck,
            MsgType::MfStart => Body::MfStart,
            MsgType::Update => {
                r.expect_exactly(UPDATE_LEN)?;
                let config_epoch = r.u64()?;
                let node = node_id(r.array()?, "UPDATE node")?;
                let slots = Arc::new(SlotSet::from_bitmap(r.array::<BITMAP_BYTES>()?));
                Body::Update {
                    config_epoch,
                    node,
                    slots,
                }
            }
            MsgType::Module => {
                let module_id = r.u64()?;
                let len = r.u32()?;
                let kind = r.u8()?;
                r.expect_exactly(len as usize)?;
                let payload = r.slice(len as usize)?.to_vec();
                Body::Module {
                    module_id,
                    kind,
                    payload,
                }
            }
        };
        r.finish()?;
        Ok(Message { header, body })
    }
}

/// Reads the frame front to back. Running short means `totlen` is smaller
/// than what the content declares, reported as [`WireError::WrongLength`].
struct Reader<'a> {
    rest: &'a [u8],
    kind: MsgType,
    totlen: usize,
}

impl<'a> Reader<'a> {
    fn array<const N: usize>(&mut self) -> Result<&'a [u8; N], WireError> {
        let (head, rest) = self
            .rest
            .split_first_chunk::<N>()
            .ok_or_else(|| self.wrong_length(N as u64))?;
        self.rest = rest;
        Ok(head)
    }

    fn slice(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        self.expect_at_least(n)?;
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, WireError> {
        Ok(u16::from_be_bytes(*self.array()?))
    }

    fn u32(&mut self) -> Result<u32, WireError> {
        Ok(u32::from_be_bytes(*self.array()?))
    }

    fn u64(&mut self) -> Result<u64, WireError> {
        Ok(u64::from_be_bytes(*self.array()?))
    }

    /// Fails unless at least `n` more bytes are left.
    fn expect_at_least(&self, n: usize) -> Result<(), WireError> {
        if n > self.rest.len() {
            return Err(self.wrong_length(n as u64));
        }
        Ok(())
    }

    /// Fails unless exactly `n` more bytes are left: fixed-size payloads are
    /// checked before anything is read from them, like Redis does.
    fn expect_exactly(&self, n: usize) -> Result<(), WireError> {
        if n != self.rest.len() {
            return Err(self.wrong_length(n as u64));
        }
        Ok(())
    }

    /// Fails if bytes are left over.
    fn finish(self) -> Result<(), WireError> {
        self.expect_exactly(0)
    }

    /// The error for a frame whose remaining content needs `more` bytes.
    fn wrong_length(&self, more: u64) -> WireError {
        WireError::WrongLength {
            kind: self.kind,
            totlen: self.totlen as u32,
            expected: (self.totlen - self.rest.len()) as u64 + more,
        }
    }
}

/// The header, plus its `count` and `extensions` which only size the body.
fn read_header(r: &mut Reader) -> Result<(Header, u16, u16), WireError> {
    r.array::<PREFIX_LEN>()?; // sig and totlen, checked by frame_len
    r.u16()?; // ver, checked by the caller
    let port = r.u16()?;
    r.u16()?; // type, read by the caller
    let count = r.u16()?;
    let current_epoch = r.u64()?;
    let config_epoch = r.u64()?;
    let offset = r.u64()?;
    let sender = node_id(r.array()?, "sender")?;
    let myslots = Arc::new(SlotSet::from_bitmap(r.array::<BITMAP_BYTES>()?));
    let replicaof = optional_node_id(r.array()?, "slaveof")?;
    let myip = c_text(r.array::<IP_LEN>()?, "myip")?.to_owned();
    let extensions = r.u16()?;
    r.array::<30>()?; // notused1
    let pport = r.u16()?;
    let cport = r.u16()?;
    let flags = NodeFlags(r.u16()?);
    let state_fail = match r.u8()? {
        0 => false,
        1 => true,
        s => return Err(WireError::BadState(s)),
    };
    let mflags = *r.array::<3>()?;
    let header = Header {
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
        flags,
        state_fail,
        mflags,
    };
    Ok((header, count, extensions))
}

/// The gossip section and the ping extensions after it.
fn read_gossip(
    r: &mut Reader,
    header: &Header,
    count: u16,
    extensions: u16,
) -> Result<Gossip, WireError> {
    // Checked before allocating, so a lying `count` costs nothing.
    r.expect_at_least(count as usize * GOSSIP_ENTRY_LEN)?;
    let mut entries = Vec::with_capacity(count as usize);
    for _ in 0..count {
        entries.push(read_gossip_entry(r)?);
    }
    if extensions > 0 && header.mflags[0] & mflags::EXT_DATA == 0 {
        return Err(WireError::ExtensionsWithoutFlag { extensions });
    }
    let mut exts = Vec::with_capacity((extensions as usize).min(r.rest.len() / EXT_HEADER_LEN));
    for index in 0..extensions {
        if let Some(ext) = read_ext(r, index)? {
            exts.push(ext);
        }
    }
    Ok(Gossip {
        entries,
        extensions: exts,
    })
}

/// One `clusterMsgDataGossip`.
fn read_gossip_entry(r: &mut Reader) -> Result<GossipEntry, WireError> {
    let node = node_id(r.array()?, "gossip node")?;
    let ping_sent = r.u32()?;
    let pong_received = r.u32()?;
    let ip = IpText::from(c_text(r.array::<IP_LEN>()?, "gossip ip")?);
    let port = r.u16()?;
    let cport = r.u16()?;
    let flags = NodeFlags(r.u16()?);
    let pport = r.u16()?;
    r.u16()?; // notused1
    Ok(GossipEntry {
        node,
        ping_sent,
        pong_received,
        ip,
        port,
        cport,
        flags,
        pport,
    })
}

/// One ping extension; `None` for a type 7.0 does not know, which Redis
/// skips (it only logs it), so a newer peer's frame still decodes.
///
/// The length rules are `clusterIsValidPacket`'s (a multiple of 8, within
/// the frame), plus: at least the 8-byte header itself (7.0 accepts 0 and
/// then reads the same extension again), and the full u32 length (7.0 keeps
/// only its low 16 bits).
fn read_ext(r: &mut Reader, index: u16) -> Result<Option<PingExt>, WireError> {
    let len = r.u32()?;
    let kind = r.u16()?;
    r.u16()?; // unused
    let bad_len = WireError::BadExtensionLength { index, len };
    let payload_len = (len as usize)
        .checked_sub(EXT_HEADER_LEN)
        .ok_or(bad_len.clone())?;
    if len % 8 != 0 || payload_len > r.rest.len() {
        return Err(bad_len);
    }
    let payload = r.slice(payload_len)?;
    let bad_payload = WireError::BadExtensionPayload { index, kind, len };
    let ext = match kind {
        ext_type::HOSTNAME => PingExt::Hostname(c_text(payload, "hostname extension")?.to_owned()),
        ext_type::HUMAN_NODENAME => {
            PingExt::HumanNodename(c_text(payload, "human nodename extension")?.to_owned())
        }
        ext_type::FORGOTTEN_NODE => {
            let (name, ttl) = payload
                .split_first_chunk::<40>()
                .ok_or(bad_payload.clone())?;
            let ttl: &[u8; 8] = ttl.try_into().map_err(|_| bad_payload)?;
            PingExt::ForgottenNode {
                node: node_id(name, "forgotten node")?,
                ttl_secs: u64::from_be_bytes(*ttl),
            }
        }
        ext_type::SHARDID => PingExt::ShardId(node_id(
            payload.try_into().map_err(|_| bad_payload)?,
            "shard id",
        )?),
        _ => return Ok(None),
    };
    Ok(Some(ext))
}

/// PUBLISH / PUBLISHSHARD: `totlen` must be exactly what the two lengths say.
fn read_publish(r: &mut Reader) -> Result<(Vec<u8>, Vec<u8>), WireError> {
    let channel_len = r.u32()? as usize;
    let message_len = r.u32()? as usize;
    // On 64-bit the sum cannot overflow; elsewhere it saturates and fails.
    r.expect_exactly(channel_len.saturating_add(message_len))?;
    let channel = r.slice(channel_len)?.to_vec();
    let message = r.slice(message_len)?.to_vec();
    Ok((channel, message))
}

/// A name that must be present: `[a-z0-9]{40}`, not all zero.
fn node_id(bytes: &[u8; 40], field: &'static str) -> Result<NodeId, WireError> {
    NodeId::from_wire(bytes)
        .filter(|id| !id.is_null())
        .ok_or(WireError::BadNodeId { field })
}

/// A name where all zero means "none" (`slaveof` of a master).
fn optional_node_id(bytes: &[u8; 40], field: &'static str) -> Result<Option<NodeId>, WireError> {
    let id = NodeId::from_wire(bytes).ok_or(WireError::BadNodeId { field })?;
    Ok((!id.is_null()).then_some(id))
}

/// A C string in a fixed field: the text before the first NUL, which must
/// exist. Bytes after it are ignored, as Redis reads these with C string
/// functions (and may itself leave stale bytes there).
fn c_text<'a>(bytes: &'a [u8], field: &'static str) -> Result<&'a str, WireError> {
    let text = bytes
        .split(|&b| b == 0)
        .next()
        .filter(|t| t.len() < bytes.len())
        .ok_or(WireError::Unterminated { field })?;
    std::str::from_utf8(text).map_err(|_| WireError::NotUtf8 { field })
}
