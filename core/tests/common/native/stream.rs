//! Reading a master's replication stream as commands, two ways: as a raw
//! replica of a real redis-server (`PSYNC ? -1`, then the stream), and
//! through `MONITOR` on a real replica (which shows each command its
//! master sent, as received). A RESP command's bytes are a function of its
//! arguments, so equal argument lists are equal streams.

use super::compare::own_every_slot;
use super::mixed::{one_master_cluster, replicate, tag_in};
use super::{require_redis_tools, NodeProc, RealRedis};
use clusterlab_core::resp::{parse_request, Limits};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A connection read as far as needed, with a deadline on every wait.
struct Conn {
    sock: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    fn open(port: u16) -> Conn {
        let sock = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        sock.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        Conn {
            sock,
            buf: Vec::new(),
        }
    }

    fn send(&mut self, args: &[&str]) {
        let mut out = format!("*{}\r\n", args.len());
        for a in args {
            out.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        self.sock.write_all(out.as_bytes()).unwrap();
    }

    /// Reads what arrived; false when nothing did within the read timeout.
    fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 16384];
        match self.sock.read(&mut chunk) {
            Ok(0) => panic!("the server closed the connection"),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
            Err(_) => false,
        }
    }

    /// The next line, without the newline keepalives a master sends
    /// while it prepares an RDB.
    fn line(&mut self) -> String {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            while self.buf.first() == Some(&b'\n') {
                self.buf.remove(0);
            }
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                self.buf.drain(..i + 2);
                return line;
            }
            assert!(Instant::now() < end, "no line came");
            self.fill();
        }
    }
}

/// A raw replica of a real master: what the master streams, command by command.
pub struct RawReplica(Conn);

impl RawReplica {
    /// `REPLCONF capa psync2`, `PSYNC ? -1`, and the RDB skipped.
    pub fn attach(port: u16) -> RawReplica {
        let mut c = Conn::open(port);
        c.send(&["REPLCONF", "capa", "psync2"]);
        assert_eq!(c.line(), "+OK");
        c.send(&["PSYNC", "?", "-1"]);
        let reply = c.line();
        assert!(reply.starts_with("+FULLRESYNC "), "{reply}");
        let header = c.line();
        let len: usize = header[1..].parse().expect("the RDB's length");
        let end = Instant::now() + Duration::from_secs(20);
        while c.buf.len() < len {
            assert!(Instant::now() < end, "the RDB did not come");
            c.fill();
        }
        c.buf.drain(..len);
        RawReplica(c)
    }

    /// Commands streamed until one whose key is `last` (included).
    pub fn until(&mut self, last: &str) -> Vec<Vec<String>> {
        let end = Instant::now() + Duration::from_secs(30);
        let mut out: Vec<Vec<String>> = Vec::new();
        while out
            .last()
            .is_none_or(|c| c.get(1).map(String::as_str) != Some(last))
        {
            match parse_request(&self.0.buf, Limits::default()).expect("RESP") {
                Some(req) => {
                    self.0.buf.drain(..req.consumed);
                    let words = req.args.iter().map(|a| String::from_utf8_lossy(a));
                    out.push(words.map(|w| w.into_owned()).collect());
                }
                None => {
                    assert!(Instant::now() < end, "{last} never came: {out:?}");
                    self.0.fill();
                }
            }
        }
        out
    }
}

/// `MONITOR` on a real replica, keeping what its master link sent.
pub struct Monitor {
    conn: Conn,
    master: String,
}

impl Monitor {
    pub fn start(replica_port: u16, master_port: u16) -> Monitor {
        let mut conn = Conn::open(replica_port);
        conn.send(&["MONITOR"]);
        assert_eq!(conn.line(), "+OK");
        Monitor {
            conn,
            master: format!(" [0 127.0.0.1:{master_port}] "),
        }
    }

    /// The master's commands the replica ran, until one whose key is
    /// `last` (included).
    pub fn until(&mut self, last: &str) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        while out
            .last()
            .is_none_or(|c| c.get(1).map(String::as_str) != Some(last))
        {
            let line = self.conn.line();
            if let Some((_, quoted)) = line.split_once(&self.master) {
                out.push(unquote(quoted));
            }
        }
        out
    }
}

/// The two masters a stream test compares: ours, replicated by a real
/// redis-server whose MONITOR shows our stream, and a real master alone in
/// its cluster, read as a raw replica; `tag` is a hash tag both serve.
pub struct Streams {
    pub ours: NodeProc,
    pub real_replica: RealRedis,
    pub real: RealRedis,
    pub tag: String,
    pub monitor: Monitor,
    pub raw: RawReplica,
}

impl Streams {
    pub fn start() -> Streams {
        require_redis_tools();
        let ours = NodeProc::start(2000);
        let real_replica = RealRedis::start(2000);
        one_master_cluster(&ours, &real_replica);
        replicate(&real_replica, &ours);
        let real = RealRedis::start(2000);
        own_every_slot(&real);
        let monitor = Monitor::start(real_replica.port, ours.port);
        let raw = RawReplica::attach(real.port);
        Streams {
            tag: format!("{{{}}}", tag_in(0..=16383)),
            ours,
            real_replica,
            real,
            monitor,
            raw,
        }
    }
}

/// Runs `line` on `conn`, `{t}` replaced by `tag`: its reply, printed
/// (errors included), to compare with another server's.
pub fn run(conn: &mut redis::Connection, line: &str, tag: &str) -> String {
    let line = line.replace("{t}", tag);
    let mut words = line.split(' ');
    let mut cmd = redis::cmd(words.next().unwrap());
    for w in words {
        cmd.arg(w);
    }
    let reply: redis::RedisResult<redis::Value> = cmd.query(conn);
    format!("{reply:?}")
}

/// A stream's commands without SELECT and PING: its framing (which database
/// the commands apply to, keepalives), which differs with when each master
/// wrote it.
pub fn without_framing(stream: Vec<Vec<String>>) -> Vec<Vec<String>> {
    stream
        .into_iter()
        .filter(|c| !matches!(c[0].to_ascii_uppercase().as_str(), "SELECT" | "PING"))
        .collect()
}

/// `"SET" "k" "v"` as MONITOR prints it (`sdscatrepr`) → its words (only
/// `\"` and `\\` escapes: these tests send printable text).
fn unquote(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut word = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => word.extend(chars.next()),
                c => word.push(c),
            }
        }
        words.push(word);
    }
    words
}
