//! Redis's replication protocol on the wire (`replication.c`), sans IO: the
//! bytes a master writes to a replica for each [`ReplFrame`], and a decoder
//! that turns a master's bytes back into replies and frames. The rules of
//! the exchange (what to send, when, what a reply means) are the node's
//! ([`crate::node`]'s replication); this only frames bytes.
//!
//! Master → replica: the replies to the handshake's commands (`+PONG`,
//! `+OK`, `+FULLRESYNC <replid> <offset>`, `+CONTINUE`, errors), newlines
//! that keep the link alive while the master prepares the RDB, the RDB as
//! a bulk (`$<len>\r\n<rdb>`, or diskless `$EOF:<mark>\r\n<rdb><mark>`, no
//! trailing CRLF), then the command stream as RESP arrays (`PING` and
//! `REPLCONF GETACK *` included: they count in offsets). Replica → master
//! is ordinary commands.

use crate::keyspace::Keyspace;
use crate::node::ReplFrame;
use crate::rdb::file::{self, ReplInfo};
use crate::resp::{parse_request, Limits, Protocol, Value};
use crate::time::Time;

/// An RDB larger than this is refused rather than buffered.
const MAX_RDB: usize = 1 << 30;
/// `RDB_EOF_MARK_SIZE`: the diskless transfer's end mark.
const EOF_MARK: usize = 40;

/// A command as a RESP array of bulk strings.
pub fn command_bytes(args: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    Value::Array(args.iter().map(|a| Value::Bulk(a.to_vec())).collect())
        .encode(Protocol::Resp2, &mut out);
    out
}

/// What a master writes to a replica for `frame`; `replid` names the
/// stream in the RDB's `repl-id` field, `now` decides which keys of a
/// snapshot are live. The RDB goes with its length up front, which every
/// replica reads whether or not it announced `capa eof`.
pub fn master_bytes(frame: &ReplFrame, replid: &str, now: Time) -> Vec<u8> {
    match frame {
        ReplFrame::Snapshot { offset, data } => {
            let rdb = file::encode(
                data,
                now,
                &ReplInfo {
                    replid: replid.to_string(),
                    offset: *offset,
                },
            );
            let mut out = format!("${}\r\n", rdb.len()).into_bytes();
            out.extend_from_slice(&rdb);
            out
        }
        ReplFrame::Command { args, .. } => {
            let args: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
            command_bytes(&args)
        }
        ReplFrame::Ping { .. } => command_bytes(&[b"PING"]),
        ReplFrame::GetAck { .. } => command_bytes(&[b"REPLCONF", b"GETACK", b"*"]),
    }
}

/// Where the decoder is in the master's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Mode {
    /// Reply lines (and keepalive newlines) until the RDB's `$`.
    Replies,
    /// An RDB of known length.
    Rdb(usize),
    /// A diskless RDB, up to its end mark.
    RdbUntil(Vec<u8>),
    /// The command stream.
    Stream,
}

/// One thing read from a master.
#[derive(Debug, PartialEq)]
pub enum LinkItem {
    /// A reply to one of the replica's commands (a status or an error).
    Reply(Value),
    /// A frame after PSYNC's reply.
    Frame(ReplFrame),
}

/// Decodes what a master writes on a replica's link (`syncWithMaster`'s
/// reads, `readSyncBulkPayload`, then the master client's stream).
/// Offsets in the frames count from `+FULLRESYNC`'s (or 0 after
/// `+CONTINUE`); the node counts its own from the frames' sizes.
#[derive(Debug)]
pub struct ReplicaDecoder {
    mode: Mode,
    buf: Vec<u8>,
    offset: u64,
}

impl Default for ReplicaDecoder {
    fn default() -> Self {
        ReplicaDecoder {
            mode: Mode::Replies,
            buf: Vec::new(),
            offset: 0,
        }
    }
}

impl ReplicaDecoder {
    /// Takes the master's bytes; returns what they hold. An error means
    /// the link must be dropped (bad protocol, an RDB that does not load).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<LinkItem>, String> {
        self.buf.extend_from_slice(bytes);
        let mut items = Vec::new();
        while let Some(item) = self.step()? {
            if let Some(item) = item {
                items.push(item);
            }
        }
        Ok(items)
    }

    /// One line, `\n`-terminated, without `\r\n`.
    fn line(&mut self) -> Option<String> {
        let end = self.buf.iter().position(|&b| b == b'\n')?;
        let line: Vec<u8> = self.buf.drain(..=end).collect();
        let text = String::from_utf8_lossy(&line[..end]);
        Some(text.trim_end_matches('\r').to_string())
    }

    /// Decodes one step: `None` when more bytes are needed, `Some(None)`
    /// for a step that yields nothing (a keepalive newline).
    fn step(&mut self) -> Result<Option<Option<LinkItem>>, String> {
        match self.mode.clone() {
            Mode::Replies => {
                let Some(line) = self.line() else {
                    return Ok(None);
                };
                if line.is_empty() {
                    return Ok(Some(None));
                }
                if let Some(mark) = line.strip_prefix("$EOF:") {
                    if mark.len() != EOF_MARK {
                        return Err(format!("Bad EOF mark from MASTER: '{line}'"));
                    }
                    self.mode = Mode::RdbUntil(mark.as_bytes().to_vec());
                    return Ok(Some(None));
                }
                if let Some(len) = line.strip_prefix('$') {
                    let len = len
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n <= MAX_RDB)
                        .ok_or_else(|| format!("Bad RDB length from MASTER: '{line}'"))?;
                    self.mode = Mode::Rdb(len);
                    return Ok(Some(None));
                }
                let value = if let Some(e) = line.strip_prefix('-') {
                    Value::Error(e.to_string())
                } else if let Some(s) = line.strip_prefix('+') {
                    if let Some(rest) = s.strip_prefix("FULLRESYNC ") {
                        self.offset = rest
                            .split(' ')
                            .nth(1)
                            .and_then(|o| o.parse().ok())
                            .unwrap_or(0);
                    } else if s.starts_with("CONTINUE") {
                        self.mode = Mode::Stream;
                    }
                    Value::Simple(s.to_string())
                } else {
                    return Err(format!("Bad protocol from MASTER, the first byte is not '$' (we received '{line}'), are you sure the host and port are right?"));
                };
                Ok(Some(Some(LinkItem::Reply(value))))
            }
            Mode::Rdb(len) => {
                if self.buf.len() < len {
                    return Ok(None);
                }
                let rdb: Vec<u8> = self.buf.drain(..len).collect();
                self.snapshot(&rdb).map(Some)
            }
            Mode::RdbUntil(mark) => {
                let Some(at) = self.buf.windows(EOF_MARK).position(|w| w == mark) else {
                    if self.buf.len() > MAX_RDB {
                        return Err("RDB from MASTER too large".into());
                    }
                    return Ok(None);
                };
                let rdb: Vec<u8> = self.buf.drain(..at + EOF_MARK).take(at).collect();
                self.snapshot(&rdb).map(Some)
            }
            Mode::Stream => {
                let req = match parse_request(&self.buf, Limits::default()) {
                    Ok(Some(req)) => req,
                    Ok(None) => return Ok(None),
                    Err(e) => return Err(format!("Protocol error from MASTER: {e}")),
                };
                self.buf.drain(..req.consumed);
                self.offset += req.consumed as u64;
                let offset = self.offset;
                let name = req.args.first().map(|a| a.to_ascii_lowercase());
                let frame = match name.as_deref() {
                    None => return Ok(Some(None)),
                    Some(b"ping") => ReplFrame::Ping { offset },
                    Some(b"replconf")
                        if req
                            .args
                            .get(1)
                            .is_some_and(|a| a.eq_ignore_ascii_case(b"getack")) =>
                    {
                        ReplFrame::GetAck { offset }
                    }
                    Some(_) => ReplFrame::Command {
                        offset,
                        args: req.args,
                    },
                };
                Ok(Some(Some(LinkItem::Frame(frame))))
            }
        }
    }

    fn snapshot(&mut self, rdb: &[u8]) -> Result<Option<LinkItem>, String> {
        let loaded = file::decode(rdb).map_err(|e| {
            format!("Failed trying to load the MASTER synchronization DB from socket: {e}")
        })?;
        let data: Box<Keyspace> = Box::new(loaded.keyspace);
        self.mode = Mode::Stream;
        Ok(Some(LinkItem::Frame(ReplFrame::Snapshot {
            offset: self.offset,
            data,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::Data;

    fn frames(items: Vec<LinkItem>) -> Vec<ReplFrame> {
        items
            .into_iter()
            .filter_map(|i| match i {
                LinkItem::Frame(f) => Some(f),
                LinkItem::Reply(_) => None,
            })
            .collect()
    }

    /// A master's whole answer, fed three bytes at a time: the replies,
    /// a keepalive newline, the RDB with its length, then the stream.
    #[test]
    fn replies_rdb_and_stream() {
        let mut ks = Keyspace::new();
        ks.insert(b"k", Data::Str(b"v".to_vec()), None);
        let snapshot = ReplFrame::Snapshot {
            offset: 100,
            data: Box::new(ks.clone()),
        };
        let mut master = b"+PONG\r\n+OK\r\n+OK\r\n\n+FULLRESYNC ".to_vec();
        master.extend("f".repeat(40).bytes());
        master.extend(b" 100\r\n\n");
        master.extend(master_bytes(&snapshot, &"f".repeat(40), Time(0)));
        let select = ReplFrame::Command {
            offset: 0,
            args: vec![b"SELECT".to_vec(), b"0".to_vec()],
        };
        master.extend(master_bytes(&select, "", Time(0)));
        master.extend(master_bytes(&ReplFrame::Ping { offset: 0 }, "", Time(0)));
        master.extend(master_bytes(&ReplFrame::GetAck { offset: 0 }, "", Time(0)));
        let mut d = ReplicaDecoder::default();
        let mut items = Vec::new();
        for chunk in master.chunks(3) {
            items.extend(d.feed(chunk).unwrap());
        }
        let replies: Vec<&LinkItem> = items
            .iter()
            .filter(|i| matches!(i, LinkItem::Reply(_)))
            .collect();
        assert_eq!(replies.len(), 4);
        assert_eq!(
            frames(items),
            vec![
                snapshot,
                ReplFrame::Command {
                    offset: 123,
                    args: vec![b"SELECT".to_vec(), b"0".to_vec()]
                },
                ReplFrame::Ping { offset: 137 },
                ReplFrame::GetAck { offset: 174 },
            ]
        );
    }

    /// A diskless RDB (`$EOF:<mark>`), as a 7.0 master sends it to a
    /// replica that announced `capa eof`, ends at its mark; the stream
    /// may follow in the same read.
    #[test]
    fn diskless_rdb_until_its_mark() {
        let ks = Keyspace::new();
        let rdb = file::encode(
            &ks,
            Time(0),
            &ReplInfo {
                replid: "a".repeat(40),
                offset: 0,
            },
        );
        let mark = "m".repeat(40);
        let mut bytes = format!("$EOF:{mark}\r\n").into_bytes();
        bytes.extend(&rdb);
        bytes.extend(mark.bytes());
        bytes.extend(command_bytes(&[b"PING"]));
        let mut d = ReplicaDecoder::default();
        let f = frames(d.feed(&bytes).unwrap());
        assert!(matches!(f[0], ReplFrame::Snapshot { .. }));
        assert_eq!(f[1], ReplFrame::Ping { offset: 14 });
    }

    #[test]
    fn garbage_is_an_error() {
        let mut d = ReplicaDecoder::default();
        assert!(d.feed(b"HTTP/1.1\r\n").unwrap_err().contains("not '$'"));
    }
}
