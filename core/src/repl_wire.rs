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
/// snapshot are live. A whole RDB goes with its length up front, which
/// every replica reads whether or not it announced `capa eof`; one a slowed
/// child streams goes in pieces between `$EOF:<mark>\r\n` and the mark.
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
        ReplFrame::RdbPart {
            mark,
            bytes,
            first,
            last,
            ..
        } => {
            let mut out = Vec::with_capacity(bytes.len() + 2 * EOF_MARK + 7);
            if *first {
                out.extend_from_slice(format!("$EOF:{mark}\r\n").as_bytes());
            }
            out.extend_from_slice(bytes);
            if *last {
                out.extend_from_slice(mark.as_bytes());
            }
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
    /// An RDB of known length: the bytes still to come.
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
    /// RDB bytes passed on so far.
    rdb_read: usize,
}

impl Default for ReplicaDecoder {
    fn default() -> Self {
        ReplicaDecoder {
            mode: Mode::Replies,
            buf: Vec::new(),
            offset: 0,
            rdb_read: 0,
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
            // The RDB is passed on as it arrives, so a replica loading it
            // from the socket sees it come (`readSyncBulkPayload`).
            Mode::Rdb(left) => {
                if self.buf.is_empty() && left > 0 {
                    return Ok(None);
                }
                let n = left.min(self.buf.len());
                let bytes: Vec<u8> = self.buf.drain(..n).collect();
                self.mode = Mode::Rdb(left - n);
                Ok(Some(Some(self.part(bytes, String::new(), n == left))))
            }
            Mode::RdbUntil(mark) => {
                if let Some(at) = self.buf.windows(EOF_MARK).position(|w| w == mark) {
                    let bytes: Vec<u8> = self.buf.drain(..at + EOF_MARK).take(at).collect();
                    let mark = String::from_utf8_lossy(&mark).into_owned();
                    return Ok(Some(Some(self.part(bytes, mark, true))));
                }
                // The last bytes may be the start of the mark: kept.
                if self.buf.len() <= EOF_MARK {
                    return Ok(None);
                }
                let n = self.buf.len() - EOF_MARK;
                if self.rdb_read + n > MAX_RDB {
                    return Err("RDB from MASTER too large".into());
                }
                let bytes: Vec<u8> = self.buf.drain(..n).collect();
                let mark = String::from_utf8_lossy(&mark).into_owned();
                Ok(Some(Some(self.part(bytes, mark, false))))
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

    /// A piece of the RDB; after the last the stream follows.
    fn part(&mut self, bytes: Vec<u8>, mark: String, last: bool) -> LinkItem {
        let first = self.rdb_read == 0;
        self.rdb_read += bytes.len();
        if last {
            self.mode = Mode::Stream;
        }
        LinkItem::Frame(ReplFrame::RdbPart {
            offset: self.offset,
            mark,
            bytes,
            first,
            last,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::{Data, Keyspace};

    fn frames(items: Vec<LinkItem>) -> Vec<ReplFrame> {
        items
            .into_iter()
            .filter_map(|i| match i {
                LinkItem::Frame(f) => Some(f),
                LinkItem::Reply(_) => None,
            })
            .collect()
    }

    /// The RDB pieces joined, with the stream frames after them.
    fn joined(frames: Vec<ReplFrame>) -> (Vec<u8>, Vec<ReplFrame>) {
        let mut rdb = Vec::new();
        let mut rest = Vec::new();
        let mut ended = false;
        for f in frames {
            match f {
                ReplFrame::RdbPart { bytes, last, .. } => {
                    assert!(!ended, "a piece after the last");
                    rdb.extend(bytes);
                    ended = last;
                }
                other => rest.push(other),
            }
        }
        assert!(ended, "the RDB never ended");
        (rdb, rest)
    }

    /// A master's whole answer, fed three bytes at a time: the replies,
    /// a keepalive newline, the RDB with its length (passed on in pieces
    /// as it arrives), then the stream.
    #[test]
    fn replies_rdb_and_stream() {
        let mut ks = Keyspace::new();
        ks.insert(b"k", Data::Str(b"v".to_vec().into()), None);
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
        let (rdb, rest) = joined(frames(items));
        assert_eq!(
            file::decode(&rdb, Default::default())
                .unwrap()
                .keyspace
                .len(),
            1
        );
        assert_eq!(
            rest,
            vec![
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
    /// replica that announced `capa eof`, ends at its mark (even one
    /// split across reads); the stream may follow in the same read.
    #[test]
    fn diskless_rdb_until_its_mark() {
        let mut ks = Keyspace::new();
        ks.insert(b"k", Data::Str(vec![b'x'; 300].into()), None);
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
        for split in [bytes.len() - 30, bytes.len() - 60, 50] {
            let mut d = ReplicaDecoder::default();
            let mut f = frames(d.feed(&bytes[..split]).unwrap());
            f.extend(frames(d.feed(&bytes[split..]).unwrap()));
            let (got, rest) = joined(f);
            assert_eq!(got, rdb, "split at {split}");
            assert_eq!(rest, vec![ReplFrame::Ping { offset: 14 }]);
        }
    }

    /// What a slowed child's pieces put on the wire is that same diskless
    /// transfer.
    #[test]
    fn streamed_pieces_make_a_diskless_transfer() {
        let mark = "z".repeat(40);
        let part = |bytes: &[u8], first, last| ReplFrame::RdbPart {
            offset: 7,
            mark: mark.clone(),
            bytes: bytes.to_vec(),
            first,
            last,
        };
        let rdb = file::encode(
            &Keyspace::new(),
            Time(0),
            &ReplInfo {
                replid: "a".repeat(40),
                offset: 7,
            },
        );
        let (a, b) = rdb.split_at(10);
        let mut wire = master_bytes(&part(a, true, false), "", Time(0));
        wire.extend(master_bytes(&part(b, false, true), "", Time(0)));
        assert!(wire.starts_with(format!("$EOF:{mark}\r\n").as_bytes()));
        assert!(wire.ends_with(mark.as_bytes()));
        let mut d = ReplicaDecoder::default();
        let (got, _) = joined(frames(d.feed(&wire).unwrap()));
        assert_eq!(got, rdb);
    }

    #[test]
    fn garbage_is_an_error() {
        let mut d = ReplicaDecoder::default();
        assert!(d.feed(b"HTTP/1.1\r\n").unwrap_err().contains("not '$'"));
    }
}
