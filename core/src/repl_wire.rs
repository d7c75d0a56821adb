//! Redis's replication protocol on the wire (`replication.c`), sans IO: the
//! bytes a master writes to a replica for each [`ReplFrame`], and the
//! replica's side of the handshake as a state machine that turns a real
//! master's bytes back into frames.
//!
//! Master → replica: `+FULLRESYNC <replid> <offset>\r\n`, the RDB as a bulk
//! (`$<len>\r\n<rdb>`, no trailing CRLF), then the command stream as RESP
//! arrays (`PING` and `REPLCONF GETACK *` included: they count in offsets).
//! Replica → master: `PING`, `[AUTH]`, `REPLCONF listening-port`, `REPLCONF
//! capa psync2`, `PSYNC ? -1`, then `REPLCONF ACK <offset>`.
//!
//! The replica does not announce `capa eof`: the master then sends a
//! disk-based RDB with its length up front instead of a diskless stream
//! (which it would also delay by `repl-diskless-sync-delay`). It always asks
//! for a full resync (`PSYNC ? -1`): the core keeps no backlog, so neither
//! side offers `+CONTINUE`.

use crate::keyspace::Keyspace;
use crate::node::ReplFrame;
use crate::rdb::file::{self, ReplInfo};
use crate::resp::{parse_request, Limits, Protocol, Value};
use crate::time::Time;

/// An RDB larger than this is refused rather than buffered.
const MAX_RDB: usize = 1 << 30;

/// A command as a RESP array of bulk strings.
pub fn command_bytes(args: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    Value::Array(args.iter().map(|a| Value::Bulk(a.to_vec())).collect())
        .encode(Protocol::Resp2, &mut out);
    out
}

/// What a master writes to a replica for `frame`; `replid` names the
/// stream in `+FULLRESYNC`, `now` decides which keys of a snapshot are live.
/// Replica → master frames have no bytes here (see [`ReplicaLink`]).
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
            let mut out =
                format!("+FULLRESYNC {replid} {offset}\r\n${}\r\n", rdb.len()).into_bytes();
            out.extend_from_slice(&rdb);
            out
        }
        ReplFrame::Command { args, .. } => {
            let args: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
            command_bytes(&args)
        }
        ReplFrame::Ping { .. } => command_bytes(&[b"PING"]),
        ReplFrame::GetAck { .. } => command_bytes(&[b"REPLCONF", b"GETACK", b"*"]),
        ReplFrame::Sync { .. } | ReplFrame::Ack { .. } => Vec::new(),
    }
}

/// `REPLCONF ACK <offset>`, what a replica sends every second and on GETACK.
pub fn ack_bytes(offset: u64) -> Vec<u8> {
    command_bytes(&[b"REPLCONF", b"ACK", offset.to_string().as_bytes()])
}

/// Where the replica's side of the link is (`repl_state`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    ReceivePong,
    ReceiveAuth,
    ReceivePort,
    ReceiveCapa,
    ReceivePsync,
    /// `+FULLRESYNC` came: waiting for `$<len>` (newlines keep it alive).
    BulkHeader {
        offset: u64,
    },
    Rdb {
        offset: u64,
        len: usize,
    },
    /// Synced: the command stream, at `offset`.
    Stream {
        offset: u64,
    },
}

/// What the link asks of its host.
#[derive(Debug, PartialEq)]
pub enum LinkEvent {
    /// Write these bytes to the master.
    Send(Vec<u8>),
    /// Give the node this frame from the master.
    Frame(ReplFrame),
}

/// The replica's end of a replication link to a master (`syncWithMaster`,
/// `readSyncBulkPayload`, then the master client's stream).
#[derive(Debug)]
pub struct ReplicaLink {
    state: State,
    buf: Vec<u8>,
    listening_port: u16,
    masterauth: Option<Vec<u8>>,
}

impl ReplicaLink {
    /// A link that starts the handshake: returns it and its first bytes (`PING`).
    pub fn start(listening_port: u16, masterauth: Option<Vec<u8>>) -> (ReplicaLink, Vec<u8>) {
        let link = ReplicaLink {
            state: State::ReceivePong,
            buf: Vec::new(),
            listening_port,
            masterauth,
        };
        (link, command_bytes(&[b"PING"]))
    }

    /// The stream offset once synced.
    pub fn offset(&self) -> Option<u64> {
        match self.state {
            State::Stream { offset } => Some(offset),
            _ => None,
        }
    }

    /// Takes the master's bytes; returns what to send and which frames
    /// arrived. An error means the link must be dropped (Redis logs it and
    /// retries on the next replication cron).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<LinkEvent>, String> {
        self.buf.extend_from_slice(bytes);
        let mut events = Vec::new();
        while self.step(&mut events)? {}
        Ok(events)
    }

    /// One line of the handshake, `\n`-terminated, without `\r\n`.
    fn line(&mut self) -> Option<String> {
        let end = self.buf.iter().position(|&b| b == b'\n')?;
        let line: Vec<u8> = self.buf.drain(..=end).collect();
        let text = String::from_utf8_lossy(&line[..end]);
        Some(text.trim_end_matches('\r').to_string())
    }

    /// Advances by one step if the bytes for it are there.
    fn step(&mut self, events: &mut Vec<LinkEvent>) -> Result<bool, String> {
        let send = |events: &mut Vec<LinkEvent>, args: &[&[u8]]| {
            events.push(LinkEvent::Send(command_bytes(args)));
        };
        match self.state.clone() {
            State::ReceivePong => {
                let Some(reply) = self.line() else {
                    return Ok(false);
                };
                let auth_missing = ["-NOAUTH", "-NOPERM", "-ERR operation not permitted"]
                    .iter()
                    .any(|p| reply.starts_with(p));
                if reply.starts_with('-') && !auth_missing {
                    return Err(format!("Error reply to PING from master: '{reply}'"));
                }
                if let Some(pass) = self.masterauth.clone() {
                    send(events, &[b"AUTH", &pass]);
                    self.state = State::ReceiveAuth;
                } else {
                    self.send_port(events);
                }
            }
            State::ReceiveAuth => {
                let Some(reply) = self.line() else {
                    return Ok(false);
                };
                if reply.starts_with('-') {
                    return Err(format!("Unable to AUTH to MASTER: {reply}"));
                }
                self.send_port(events);
            }
            // Errors to REPLCONF are only logged by Redis: old masters lack it.
            State::ReceivePort => {
                if self.line().is_none() {
                    return Ok(false);
                }
                send(events, &[b"REPLCONF", b"capa", b"psync2"]);
                self.state = State::ReceiveCapa;
            }
            State::ReceiveCapa => {
                if self.line().is_none() {
                    return Ok(false);
                }
                send(events, &[b"PSYNC", b"?", b"-1"]);
                self.state = State::ReceivePsync;
            }
            State::ReceivePsync => {
                let Some(reply) = self.line() else {
                    return Ok(false);
                };
                let mut words = reply.split(' ');
                match (words.next(), words.next(), words.next()) {
                    (Some("+FULLRESYNC"), Some(id), Some(offset)) if id.len() == 40 => {
                        let offset = offset
                            .parse()
                            .map_err(|_| format!("Bad offset in +FULLRESYNC: '{reply}'"))?;
                        self.state = State::BulkHeader { offset };
                    }
                    _ if reply.starts_with("-NOMASTERLINK") || reply.starts_with("-LOADING") => {
                        return Err(format!("Master is currently unable to PSYNC but should be in the future: {reply}"));
                    }
                    _ => return Err(format!("Unexpected reply to PSYNC from master: {reply}")),
                }
            }
            State::BulkHeader { offset } => {
                let Some(line) = self.line() else {
                    return Ok(false);
                };
                if line.is_empty() {
                    // The master's newline keepalive while it saves the RDB.
                    return Ok(true);
                }
                if line.starts_with('-') {
                    return Err(format!("MASTER aborted replication with an error: {line}"));
                }
                let len = line
                    .strip_prefix('$')
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n <= MAX_RDB)
                    .ok_or_else(|| format!("Bad protocol from MASTER, the first byte is not '$' (we received '{line}'), are you sure the host and port are right?"))?;
                self.state = State::Rdb { offset, len };
            }
            State::Rdb { offset, len } => {
                if self.buf.len() < len {
                    return Ok(false);
                }
                let rdb: Vec<u8> = self.buf.drain(..len).collect();
                let loaded = file::decode(&rdb).map_err(|e| {
                    format!("Failed trying to load the MASTER synchronization DB from socket: {e}")
                })?;
                let data: Box<Keyspace> = Box::new(loaded.keyspace);
                events.push(LinkEvent::Frame(ReplFrame::Snapshot { offset, data }));
                self.state = State::Stream { offset };
            }
            State::Stream { offset } => {
                let req = match parse_request(&self.buf, Limits::default()) {
                    Ok(Some(req)) => req,
                    Ok(None) => return Ok(false),
                    Err(e) => return Err(format!("Protocol error from MASTER: {e}")),
                };
                self.buf.drain(..req.consumed);
                let offset = offset + req.consumed as u64;
                self.state = State::Stream { offset };
                let name = req.args.first().map(|a| a.to_ascii_lowercase());
                let frame = match name.as_deref() {
                    None => return Ok(true),
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
                events.push(LinkEvent::Frame(frame));
            }
        }
        Ok(true)
    }

    fn send_port(&mut self, events: &mut Vec<LinkEvent>) {
        let port = self.listening_port.to_string();
        events.push(LinkEvent::Send(command_bytes(&[
            b"REPLCONF",
            b"listening-port",
            port.as_bytes(),
        ])));
        self.state = State::ReceivePort;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::Data;

    fn sent(events: &[LinkEvent]) -> Vec<u8> {
        events
            .iter()
            .filter_map(|e| match e {
                LinkEvent::Send(b) => Some(b.clone()),
                LinkEvent::Frame(_) => None,
            })
            .flatten()
            .collect()
    }

    /// The whole exchange with a master, fed a few bytes at a time.
    #[test]
    fn handshake_full_resync_and_stream() {
        let (mut link, first) = ReplicaLink::start(7001, Some(b"pw".to_vec()));
        assert_eq!(first, b"*1\r\n$4\r\nPING\r\n");
        let auth = link.feed(b"-NOAUTH Authentication required.\r\n").unwrap();
        assert_eq!(sent(&auth), b"*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n");
        let port = link.feed(b"+OK\r\n").unwrap();
        assert_eq!(
            sent(&port),
            b"*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n7001\r\n"
        );
        let capa = link.feed(b"+OK\r\n").unwrap();
        assert_eq!(
            sent(&capa),
            b"*3\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n"
        );
        let psync = link.feed(b"+OK\r\n").unwrap();
        assert_eq!(
            sent(&psync),
            b"*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n"
        );

        let mut ks = Keyspace::new();
        ks.insert(b"k", Data::Str(b"v".to_vec()), None);
        let snapshot = ReplFrame::Snapshot {
            offset: 100,
            data: Box::new(ks.clone()),
        };
        let mut master = master_bytes(&snapshot, &"f".repeat(40), Time(0));
        // The keepalive newline comes between +FULLRESYNC and the bulk.
        let at = master.iter().position(|&b| b == b'$').unwrap();
        master.insert(at, b'\n');
        master.extend(master_bytes(
            &ReplFrame::Command {
                offset: 0,
                args: vec![b"SELECT".to_vec(), b"0".to_vec()],
            },
            "",
            Time(0),
        ));
        master.extend(master_bytes(&ReplFrame::Ping { offset: 0 }, "", Time(0)));
        master.extend(master_bytes(&ReplFrame::GetAck { offset: 0 }, "", Time(0)));
        let mut frames = Vec::new();
        for chunk in master.chunks(3) {
            for e in link.feed(chunk).unwrap() {
                if let LinkEvent::Frame(f) = e {
                    frames.push(f);
                }
            }
        }
        assert_eq!(
            frames,
            vec![
                ReplFrame::Snapshot {
                    offset: 100,
                    data: Box::new(ks)
                },
                ReplFrame::Command {
                    offset: 123,
                    args: vec![b"SELECT".to_vec(), b"0".to_vec()]
                },
                ReplFrame::Ping { offset: 137 },
                ReplFrame::GetAck { offset: 174 },
            ]
        );
        assert_eq!(link.offset(), Some(174));
        assert_eq!(
            ack_bytes(174),
            b"*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$3\r\n174\r\n"
        );
    }

    #[test]
    fn refusals_are_errors_with_redis_log_texts() {
        let (mut link, _) = ReplicaLink::start(7001, None);
        assert!(link
            .feed(b"-ERR unknown\r\n")
            .unwrap_err()
            .starts_with("Error reply to PING"));
        let (mut link, _) = ReplicaLink::start(7001, None);
        link.feed(b"+PONG\r\n+OK\r\n+OK\r\n").unwrap();
        assert!(link
            .feed(b"-LOADING\r\n")
            .unwrap_err()
            .contains("unable to PSYNC"));
        let (mut link, _) = ReplicaLink::start(7001, None);
        link.feed(b"+PONG\r\n+OK\r\n+OK\r\n").unwrap();
        let rid = "a".repeat(40);
        link.feed(format!("+FULLRESYNC {rid} 0\r\n").as_bytes())
            .unwrap();
        assert!(link.feed(b"HTTP/1.1\r\n").unwrap_err().contains("not '$'"));
    }
}
