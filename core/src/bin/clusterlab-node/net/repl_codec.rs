//! The replication channel between two clusterlab nodes: the core's
//! [`ReplFrame`]s, framed like bus messages so they share the bus port.
//!
//! A frame is `"RCrp"`, a big-endian u32 total length (prefix included), the
//! sender's 40-byte node ID, a tag byte and the body. The signature differs
//! from the bus's `"RCmb"`, so one reader tells them apart frame by frame.
//! This is not Redis's PSYNC: real-Redis replication is a later step.

use clusterlab_core::dump;
use clusterlab_core::id::NodeId;
use clusterlab_core::keyspace::Keyspace;
use clusterlab_core::node::ReplFrame;
use clusterlab_core::time::Time;

pub const SIGNATURE: [u8; 4] = *b"RCrp";
/// Snapshots can be large, but a peer must not make us allocate anything it claims.
const MAX_FRAME: usize = 1 << 30;

const SYNC: u8 = 0;
const SNAPSHOT: u8 = 1;
const COMMAND: u8 = 2;
const PING: u8 = 3;
const GETACK: u8 = 4;
const ACK: u8 = 5;

/// Encodes one frame from `from`. `now` decides which keys of a snapshot are live.
pub fn encode(from: NodeId, frame: &ReplFrame, now: Time) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&SIGNATURE);
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(from.as_bytes());
    match frame {
        ReplFrame::Sync { offset } => tagged(&mut out, SYNC, *offset),
        ReplFrame::Snapshot { offset, data } => {
            tagged(&mut out, SNAPSHOT, *offset);
            for (key, value, expire) in data.entries(now) {
                bytes(&mut out, key);
                bytes(&mut out, &dump::encode(value));
                out.extend_from_slice(&expire.map_or(0, |t| t.ms() + 1).to_be_bytes());
            }
        }
        ReplFrame::Command { offset, args } => {
            tagged(&mut out, COMMAND, *offset);
            for a in args {
                bytes(&mut out, a);
            }
        }
        ReplFrame::Ping { offset } => tagged(&mut out, PING, *offset),
        ReplFrame::GetAck { offset } => tagged(&mut out, GETACK, *offset),
        ReplFrame::Ack { offset } => tagged(&mut out, ACK, *offset),
    }
    let len = out.len() as u32;
    out[4..8].copy_from_slice(&len.to_be_bytes());
    out
}

fn tagged(out: &mut Vec<u8>, tag: u8, offset: u64) {
    out.push(tag);
    out.extend_from_slice(&offset.to_be_bytes());
}

fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_be_bytes());
    out.extend_from_slice(b);
}

/// The length of the frame at the start of `buf` (`None` until its prefix is there).
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, String> {
    let Some(prefix) = buf.get(..8) else {
        return Ok(None);
    };
    let len = u32::from_be_bytes([prefix[4], prefix[5], prefix[6], prefix[7]]) as usize;
    if !(8 + 40 + 1..=MAX_FRAME).contains(&len) {
        return Err(format!("replication frame length {len} out of range"));
    }
    Ok(Some(len))
}

/// Decodes one whole frame into its sender and content.
pub fn decode(frame: &[u8]) -> Result<(NodeId, ReplFrame), String> {
    let mut r = Reader(frame.get(8..).ok_or("short frame")?);
    let id: [u8; 40] = r.take(40)?.try_into().map_err(|_| "short id")?;
    let from = NodeId::from_wire(&id).ok_or("bad sender id")?;
    let tag = r.take(1)?[0];
    let frame = match tag {
        GETACK => ReplFrame::GetAck { offset: r.u64()? },
        SYNC => ReplFrame::Sync { offset: r.u64()? },
        PING => ReplFrame::Ping { offset: r.u64()? },
        ACK => ReplFrame::Ack { offset: r.u64()? },
        COMMAND => {
            let offset = r.u64()?;
            let mut args = Vec::new();
            while !r.0.is_empty() {
                args.push(r.bytes()?.to_vec());
            }
            ReplFrame::Command { offset, args }
        }
        SNAPSHOT => {
            let offset = r.u64()?;
            let mut data = Keyspace::new();
            while !r.0.is_empty() {
                let key = r.bytes()?.to_vec();
                let value = dump::decode(r.bytes()?).map_err(|e| e.message().to_string())?;
                let expire = r.u64()?;
                data.insert(&key, value, expire.checked_sub(1).map(Time));
            }
            ReplFrame::Snapshot {
                offset,
                data: Box::new(data),
            }
        }
        t => return Err(format!("unknown replication frame tag {t}")),
    };
    Ok((from, frame))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("truncated replication frame".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u64(&mut self) -> Result<u64, String> {
        let b = self.take(8)?;
        Ok(u64::from_be_bytes(b.try_into().expect("8 bytes")))
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let b = self.take(4)?;
        let n = u32::from_be_bytes(b.try_into().expect("4 bytes")) as usize;
        self.take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::keyspace::Data;

    #[test]
    fn frames_round_trip() {
        let id = NodeId::parse(&"a".repeat(40)).unwrap();
        let mut ks = Keyspace::new();
        ks.insert(b"k", Data::Str(b"v".to_vec()), Some(Time(99)));
        ks.insert(b"l", Data::Str(b"w".to_vec()), None);
        for f in [
            ReplFrame::Sync { offset: 7 },
            ReplFrame::GetAck { offset: 9 },
            ReplFrame::Command {
                offset: 3,
                args: vec![b"set".to_vec(), b"k".to_vec(), Vec::new()],
            },
            ReplFrame::Snapshot {
                offset: 1,
                data: Box::new(ks),
            },
        ] {
            let bytes = encode(id, &f, Time(0));
            assert_eq!(frame_len(&bytes).unwrap(), Some(bytes.len()));
            assert_eq!(decode(&bytes).unwrap(), (id, f));
        }
    }
}
