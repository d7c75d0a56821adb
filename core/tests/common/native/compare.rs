//! Comparing a clusterlab-node with a real redis-server 7.0.15 reply for
//! reply: raw connections that send RESP arrays and return the exact bytes
//! each server wrote, the pair of servers such tests start (each alone in
//! its cluster with every slot), and scripts run on both.

use super::mixed::{wait_state_ok, Member};
use super::{require_redis_tools, NodeProc, RealRedis};
use clusterlab_core::resp::{parse_reply, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// How long a reply may take before the test fails.
const REPLY_WITHIN: Duration = Duration::from_secs(10);

/// One raw connection: commands out as RESP arrays, replies back as the
/// exact bytes the server wrote.
pub struct Raw {
    stream: TcpStream,
    buf: Vec<u8>,
    /// The last command written, for failure messages.
    last: String,
}

impl Raw {
    /// A connection to 127.0.0.1:`port`, switched to RESP3 (`HELLO 3`)
    /// when `resp3`.
    pub fn connect(port: u16, resp3: bool) -> Raw {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
        let mut raw = Raw {
            stream,
            buf: Vec::new(),
            last: String::new(),
        };
        if resp3 {
            raw.send("HELLO 3");
        }
        raw
    }

    /// The connection's own port (the client's `ip:port` is
    /// 127.0.0.1:this).
    pub fn local_port(&self) -> u16 {
        self.stream.local_addr().expect("a local address").port()
    }

    /// Writes the commands, each a line of words split on spaces, in one
    /// write (pipelined), without reading.
    pub fn write(&mut self, lines: &[&str]) {
        let mut out = Vec::new();
        for line in lines {
            let words: Vec<&str> = line.split(' ').collect();
            out.extend(multibulk(&words));
        }
        self.last = lines.join(" | ");
        self.stream.write_all(&out).unwrap();
    }

    /// Writes one command given as its arguments, without reading.
    pub fn write_args<A: AsRef<[u8]>>(&mut self, args: &[A]) {
        self.last = args
            .iter()
            .map(|a| String::from_utf8_lossy(a.as_ref()))
            .collect::<Vec<_>>()
            .join(" ");
        self.stream.write_all(&multibulk(args)).unwrap();
    }

    /// The next reply's bytes and its parsed value.
    pub fn read_reply(&mut self) -> (Vec<u8>, Value) {
        loop {
            if let Some((v, n)) = parse_reply(&self.buf).expect("a well-formed reply") {
                return (self.buf.drain(..n).collect(), v);
            }
            let mut chunk = [0u8; 65536];
            let n = self
                .stream
                .read(&mut chunk)
                .unwrap_or_else(|e| panic!("no reply in {REPLY_WITHIN:?} to {}: {e}", self.last));
            assert!(n > 0, "connection closed during {}", self.last);
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// The next reply's bytes, as text.
    pub fn read(&mut self) -> String {
        String::from_utf8_lossy(&self.read_reply().0).into_owned()
    }

    /// `line` (words split on spaces) sent; its reply's bytes, as text.
    pub fn send(&mut self, line: &str) -> String {
        self.send_args(&line.split(' ').collect::<Vec<_>>())
    }

    /// A command given as its arguments; its reply's bytes, as text.
    pub fn send_args<A: AsRef<[u8]>>(&mut self, args: &[A]) -> String {
        String::from_utf8_lossy(&self.call(args).0).into_owned()
    }

    /// A command given as its arguments (any bytes, empty ones too); its
    /// reply's bytes and parsed value.
    pub fn call<A: AsRef<[u8]>>(&mut self, args: &[A]) -> (Vec<u8>, Value) {
        self.write_args(args);
        self.read_reply()
    }

    /// The bulk string a command answers (a DUMP payload), failing on any
    /// other reply.
    pub fn bulk(&mut self, line: &str) -> Vec<u8> {
        match self.call(&line.split(' ').collect::<Vec<_>>()).1 {
            Value::Bulk(b) => b,
            other => panic!("{line}: {other:?}"),
        }
    }

    /// Whether a reply is waiting within `ms` (a blocked client has none).
    pub fn has_reply_within(&mut self, ms: u64) -> bool {
        self.stream
            .set_read_timeout(Some(Duration::from_millis(ms)))
            .unwrap();
        let mut chunk = [0u8; 4096];
        let got = match self.stream.read(&mut chunk) {
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                n > 0
            }
            Err(_) => false,
        };
        self.stream.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
        got || !self.buf.is_empty()
    }
}

/// A command as a RESP array of bulk strings.
fn multibulk<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// `node` takes every slot (`CLUSTER ADDSLOTSRANGE 0 16383`) and serves them.
pub fn own_every_slot(node: &dyn Member) {
    let reply = node.run(&["cluster", "addslotsrange", "0", "16383"]);
    assert_eq!(reply.trim(), "OK", "port {}", node.port());
    wait_state_ok(&[node]);
}

/// A clusterlab-node and a real redis-server started with the same
/// `--cluster-node-timeout` and `extra` flags, each alone in its cluster
/// with every slot, so that any key is served by both.
pub fn pair(timeout_ms: u64, extra: &[&str]) -> (NodeProc, RealRedis) {
    require_redis_tools();
    let ours = NodeProc::start_with(timeout_ms, extra);
    let real = RealRedis::start_with(timeout_ms, extra);
    own_every_slot(&ours);
    own_every_slot(&real);
    (ours, real)
}

/// Runs `script` on both connections, `{t}` in each line replaced by `tag`
/// (a hash tag, so that every key of a script is in one slot), and adds
/// every line whose replies differ to `diffs`.
pub fn compare(
    ours: &mut Raw,
    real: &mut Raw,
    tag: &str,
    script: &[&str],
    diffs: &mut Vec<String>,
) {
    compare_split(ours, real, tag, script, ' ', diffs);
}

/// [`compare`] for lines whose words are separated by `|` (scripts hold
/// spaces).
pub fn compare_words(
    ours: &mut Raw,
    real: &mut Raw,
    tag: &str,
    script: &[&str],
    diffs: &mut Vec<String>,
) {
    compare_split(ours, real, tag, script, '|', diffs);
}

/// Runs `scripts` (each line's words separated by `separator`) on a fresh
/// pair of a clusterlab-node and a redis-server ([`pair`]), in RESP2 then
/// RESP3 (`{t}` a different hash tag in each), and fails listing every
/// reply that differs.
pub fn assert_same_replies(scripts: &[&[&str]], separator: char) {
    let (ours, real) = pair(2000, &[]);
    let mut diffs = Vec::new();
    for (tag, resp3) in [("{r2}", false), ("{r3}", true)] {
        let (mut o, mut r) = (
            Raw::connect(ours.port, resp3),
            Raw::connect(real.port, resp3),
        );
        for script in scripts {
            compare_split(&mut o, &mut r, tag, script, separator, &mut diffs);
        }
    }
    assert_no_differences(&diffs);
}

fn compare_split(
    ours: &mut Raw,
    real: &mut Raw,
    tag: &str,
    script: &[&str],
    separator: char,
    diffs: &mut Vec<String>,
) {
    for line in script {
        let line = line.replace("{t}", tag);
        let words: Vec<&str> = line.split(separator).collect();
        let (o, r) = (ours.send_args(&words), real.send_args(&words));
        if o != r {
            diffs.push(format!("{line}\n  ours: {o:?}\n  real: {r:?}"));
        }
    }
}

/// Fails listing every difference [`compare`] found.
pub fn assert_no_differences(diffs: &[String]) {
    assert!(
        diffs.is_empty(),
        "{} replies differ from redis-server 7.0.15:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// A [`Normaliser`] for OBJECT IDLETIME: two integers one second apart
/// are equal (each server reads its own clock).
pub fn idle_within_a_second(args: &[&[u8]], o: String, r: String) -> (String, String) {
    let idle = args.len() > 1
        && args[0].eq_ignore_ascii_case(b"object")
        && args[1].eq_ignore_ascii_case(b"idletime");
    let int = |s: &str| s.strip_prefix(':')?.trim().parse::<i64>().ok();
    match (int(&o), int(&r)) {
        (Some(a), Some(b)) if idle && (a - b).abs() <= 1 => (r.clone(), r),
        _ => (o, r),
    }
}

/// How a pair of replies is made comparable before [`Both`] compares them:
/// given the command's arguments and both replies' bytes as text (ours,
/// then redis-server's), it returns them as they are to be compared — a
/// field that each server numbers its own way blanked, two idle times a
/// second apart taken as equal.
pub type Normaliser = Box<dyn Fn(&[&[u8]], String, String) -> (String, String)>;

/// A connection to each of the two servers, run in step: every command
/// goes to both, and a pair of replies that differs once normalised is
/// recorded as a difference.
pub struct Both {
    pub ours: Raw,
    pub real: Raw,
    normalise: Normaliser,
}

impl Both {
    /// Connections to 127.0.0.1:`ours` and 127.0.0.1:`real`, in RESP3 when
    /// `resp3`; replies compared as bytes until [`Both::normalised`].
    pub fn connect(ours: u16, real: u16, resp3: bool) -> Both {
        Both {
            ours: Raw::connect(ours, resp3),
            real: Raw::connect(real, resp3),
            normalise: Box::new(|_, o, r| (o, r)),
        }
    }

    /// The same connections, comparing replies through `normalise`.
    pub fn normalised(
        self,
        normalise: impl Fn(&[&[u8]], String, String) -> (String, String) + 'static,
    ) -> Both {
        Both {
            normalise: Box::new(normalise),
            ..self
        }
    }

    /// Sends the command `args` (any bytes) to both; adds a difference to
    /// `diffs` when the normalised replies differ.
    pub fn check<A: AsRef<[u8]>>(&mut self, args: &[A], diffs: &mut Vec<String>) {
        let (o, r) = (self.ours.send_args(args), self.real.send_args(args));
        let words: Vec<&[u8]> = args.iter().map(AsRef::as_ref).collect();
        let (o, r) = (self.normalise)(&words, o, r);
        if o != r {
            let shown: Vec<String> = words
                .iter()
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            diffs.push(format!("{shown:?}\n  ours: {o:?}\n  real: {r:?}"));
        }
    }

    /// [`Both::check`] for each line, its words split on spaces.
    pub fn lines(&mut self, script: &[&str], diffs: &mut Vec<String>) {
        for line in script {
            self.check(&line.split(' ').collect::<Vec<_>>(), diffs);
        }
    }

    /// Sends the line (words split on spaces) to both, to set something up:
    /// the replies are not compared.
    pub fn setup(&mut self, line: &str) {
        self.ours.send(line);
        self.real.send(line);
    }

    /// The command `args` sent to both; both parsed replies, ours first.
    pub fn call<A: AsRef<[u8]>>(&mut self, args: &[A]) -> (Value, Value) {
        (self.ours.call(args).1, self.real.call(args).1)
    }

    /// Sends `line` (words split on spaces) to both and compares what
    /// `shape` makes of each parsed reply: for replies whose bytes hold
    /// each server's own numbers (timings, allocator sizes), the layout.
    pub fn check_shape<T: PartialEq + std::fmt::Debug>(
        &mut self,
        line: &str,
        shape: impl Fn(&Value) -> T,
        diffs: &mut Vec<String>,
    ) {
        let (o, r) = self.call(&line.split(' ').collect::<Vec<_>>());
        let (o, r) = (shape(&o), shape(&r));
        if o != r {
            diffs.push(format!("{line}\n  ours: {o:?}\n  real: {r:?}"));
        }
    }
}
