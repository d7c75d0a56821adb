//! Redis 7.0's cluster bus wire format (`clusterMsg` in `cluster.h`).
//!
//! A simulated message is encoded exactly as redis-server 7.0 sends it, so
//! its size is the real one and the native node can talk to real nodes;
//! `core/tests/captures` holds frames from redis-server 7.0.15 that decode
//! and re-encode byte for byte.
//!
//! Layout (all integers big-endian, see docs/redis-behaviour.md §4): a fixed
//! [`HEADER_LEN`]-byte header, then the type's payload. `totlen` is
//! `sizeof(clusterMsg) - sizeof(union clusterMsgData)` plus what the type
//! really carries, never the size of the union.
//!
//! Decoding is strict: anything Redis 7.0 would refuse, and anything it
//! would misread (malformed names, text without its NUL, counts on types
//! that have none, extensions without `EXT_DATA`), is a [`WireError`]; it
//! never panics and never allocates more than the frame it is given.
//! Reserved bytes (`notused1`, padding, bytes after a text field's NUL) are
//! ignored on input like Redis does, and written as zeros.

mod decode;
mod encode;
mod error;

pub use error::WireError;

use crate::slot::BITMAP_BYTES;

/// `sig`: every frame starts with these bytes.
pub const SIGNATURE: [u8; 4] = *b"RCmb";
/// `CLUSTER_PROTO_VER`.
pub const PROTO_VER: u16 = 1;
/// The `sig` + `totlen` prefix a stream reader needs to learn a frame's size.
pub const PREFIX_LEN: usize = 8;
/// `sizeof(clusterMsg) - sizeof(union clusterMsgData)`, also
/// `CLUSTERMSG_MIN_LEN`: the smallest valid `totlen`.
pub const HEADER_LEN: usize = 2256;
/// `sizeof(clusterMsgDataGossip)`.
pub const GOSSIP_ENTRY_LEN: usize = 104;
/// `sizeof(clusterMsgDataFail)`: the failing node's name.
pub const FAIL_LEN: usize = 40;
/// `sizeof(clusterMsgDataUpdate)`: configEpoch, node name, slot bitmap.
pub const UPDATE_LEN: usize = 8 + 40 + BITMAP_BYTES;
/// `sizeof(clusterMsgDataPublish) - 8`: the two u32 lengths before the bytes
/// (Redis subtracts the declared `bulk_data[8]`).
pub const PUBLISH_PREFIX_LEN: usize = 8;
/// `sizeof(clusterMsgModule) - 3`: u64 module id, u32 length, u8 type
/// (Redis subtracts the declared `bulk_data[3]`).
pub const MODULE_PREFIX_LEN: usize = 13;
/// `sizeof(clusterMsgPingExt)`: u32 length, u16 type, u16 unused.
pub const EXT_HEADER_LEN: usize = 8;
/// `NET_IP_STR_LEN`: the NUL-padded IP text fields.
pub const IP_LEN: usize = 46;
/// The largest `totlen` accepted.
///
/// Redis has no cap (it reallocates its read buffer to any `totlen`), but a
/// reader must not allocate whatever a peer claims. The largest gossip frame
/// Redis can build is `HEADER_LEN + 65535 * GOSSIP_ENTRY_LEN` ≈ 6.5 MiB
/// (`count` is a u16); 16 MiB covers that with room for extensions, and any
/// PUBLISH or MODULE message a simulation sends. The encoder does not check
/// it: a larger PUBLISH would encode but be refused on receipt.
pub const MAX_FRAME_LEN: usize = 16 << 20;

/// Ping extension types (`clusterMsgPingtypes`). 7.0.15 sends only
/// HOSTNAME; the others are 7.2's and are understood so newer peers decode.
pub mod ext_type {
    /// The sender's hostname.
    pub const HOSTNAME: u16 = 0;
    /// The sender's human-readable node name.
    pub const HUMAN_NODENAME: u16 = 1;
    /// A node every receiver must forget.
    pub const FORGOTTEN_NODE: u16 = 2;
    /// The sender's shard ID.
    pub const SHARDID: u16 = 3;
}

/// The size of the frame at the start of a stream buffer, read from its
/// 8-byte prefix as `clusterReadHandler` does: `Ok(None)` until 8 bytes are
/// there, an error for a bad signature or a `totlen` outside
/// `HEADER_LEN..=MAX_FRAME_LEN` (Redis drops the link).
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, WireError> {
    let Some(prefix) = buf.get(..PREFIX_LEN) else {
        return Ok(None);
    };
    let mut sig = [0; 4];
    sig.copy_from_slice(&prefix[..4]);
    if sig != SIGNATURE {
        return Err(WireError::BadSignature(sig));
    }
    let totlen = u32::from_be_bytes([prefix[4], prefix[5], prefix[6], prefix[7]]);
    if (totlen as usize) < HEADER_LEN {
        return Err(WireError::TotlenTooSmall(totlen));
    }
    if totlen as usize > MAX_FRAME_LEN {
        return Err(WireError::TotlenTooLarge(totlen));
    }
    Ok(Some(totlen as usize))
}

/// Rounds an extension payload up to 8 bytes (`EIGHT_BYTE_ALIGN`).
fn align8(n: usize) -> usize {
    n.div_ceil(8) * 8
}
