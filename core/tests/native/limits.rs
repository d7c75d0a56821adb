//! Redis 7.0's limits on what a client may send, checked on the wire: the
//! same raw bytes go to a real redis-server 7.0 and to a clusterlab-node,
//! and both must answer exactly what Redis 7.0.15 answers — the protocol
//! error text, then the connection closed (`processInputBuffer` sets
//! CLIENT_CLOSE_AFTER_REPLY), or the connection left open waiting for more.
//!
//! - `PROTO_INLINE_MAX_SIZE` (64 KB): inline lines and `*`/`$` count lines;
//! - the multibulk count: up to INT_MAX in 7.0 (older versions stopped at
//!   1024 × 1024), 10 before AUTH when a password is set;
//! - `proto-max-bulk-len` (512 MB, or as configured), 16 KB before AUTH;
//! - `client-query-buffer-limit` (1 GB, or as configured): the client is
//!   closed without a reply, and the server logs it.

use crate::common::native;
use native::{require_redis_tools, NodeProc, RealRedis};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The connection ended (EOF, or reset because input was left unread).
const CLOSED: &str = "<closed>";
/// Nothing more came: the server waits for the rest of the request.
const OPEN: &str = "<open>";

/// Sends `request` on a fresh connection to `port` and returns every byte
/// the server answers, then [`CLOSED`] or [`OPEN`]. An answer that closes
/// is read to its end however slow the server; [`OPEN`] means nothing came
/// within `quiet`, so a slow server could only make a check pass wrongly,
/// never fail.
fn probe(port: u16, request: &[u8], quiet: Duration) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("client port");
    let mut out = Vec::new();
    if s.write_all(request).is_err() {
        return CLOSED.to_string();
    }
    s.set_read_timeout(Some(quiet)).expect("timeout");
    let mut buf = [0u8; 4096];
    let end = loop {
        match s.read(&mut buf) {
            Ok(0) => break CLOSED,
            Ok(n) => {
                out.extend_from_slice(&buf[..n]);
                // Once an answer starts, wait for the close however long it takes.
                s.set_read_timeout(Some(Duration::from_secs(30)))
                    .expect("timeout");
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                break OPEN
            }
            Err(_) => break CLOSED,
        }
    };
    format!("{}{end}", String::from_utf8_lossy(&out))
}

/// One request and what Redis 7.0.15 answers to it.
struct Case {
    what: &'static str,
    request: Vec<u8>,
    answer: String,
}

fn case(what: &'static str, request: impl Into<Vec<u8>>, answer: impl Into<String>) -> Case {
    Case {
        what,
        request: request.into(),
        answer: answer.into(),
    }
}

/// Runs `cases` against a real redis-server and a clusterlab-node started
/// with the same `settings`.
fn check(settings: &[&str], cases: &[Case]) {
    require_redis_tools();
    let redis = RealRedis::start_with(5000, settings);
    let ours = NodeProc::start_with(5000, settings);
    for c in cases {
        // A reply or a close comes at once; silence means "open".
        let quiet = Duration::from_millis(if c.answer.ends_with(OPEN) {
            500
        } else {
            10_000
        });
        for (name, port) in [("redis-server", redis.port), ("clusterlab-node", ours.port)] {
            let got = probe(port, &c.request, quiet);
            assert_eq!(got, c.answer, "{name} {settings:?}: {}", c.what);
        }
    }
}

fn bytes(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[test]
fn protocol_errors_reply_redis_texts_then_close() {
    let inline = vec![b'a'; 64 * 1024 + 1];
    let mut mbulk_count = b"*".to_vec();
    mbulk_count.extend(vec![b'1'; 64 * 1024 + 1]);
    let mut bulk_count = b"*1\r\n$".to_vec();
    bulk_count.extend(vec![b'1'; 64 * 1024 + 1]);
    check(
        &[],
        &[
            case(
                "an inline line over 64 KB",
                inline,
                "-ERR Protocol error: too big inline request\r\n<closed>",
            ),
            case(
                "a *count line over 64 KB",
                mbulk_count,
                "-ERR Protocol error: too big mbulk count string\r\n<closed>",
            ),
            case(
                "a $length line over 64 KB",
                bulk_count,
                "-ERR Protocol error: too big bulk count string\r\n<closed>",
            ),
            case(
                "a multibulk count over INT_MAX",
                "*2147483648\r\n",
                "-ERR Protocol error: invalid multibulk length\r\n<closed>",
            ),
            case(
                "a multibulk count that is not a number",
                "*x\r\n",
                "-ERR Protocol error: invalid multibulk length\r\n<closed>",
            ),
            case(
                "a multibulk count of INT_MAX is accepted (7.0 has no 1024*1024 cap)",
                "*2147483647\r\n",
                "<open>",
            ),
            case(
                "a multibulk count of 1024*1024+1 is accepted",
                "*1048577\r\n",
                "<open>",
            ),
            case(
                "a bulk over proto-max-bulk-len (512 MB)",
                "*1\r\n$536870913\r\n",
                "-ERR Protocol error: invalid bulk length\r\n<closed>",
            ),
            case(
                "a bulk of exactly 512 MB is accepted",
                "*1\r\n$536870912\r\n",
                "<open>",
            ),
            case(
                "a negative bulk length",
                "*1\r\n$-1\r\n",
                "-ERR Protocol error: invalid bulk length\r\n<closed>",
            ),
            case(
                "an argument that is not a bulk",
                "*1\r\n+PING\r\n",
                "-ERR Protocol error: expected '$', got '+'\r\n<closed>",
            ),
            case(
                "unbalanced quotes in an inline command",
                "SET k \"v\r\n",
                "-ERR Protocol error: unbalanced quotes in request\r\n<closed>",
            ),
            case(
                "requests before the bad one are answered first",
                "PING\r\n*1\r\n$x\r\n",
                "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n<closed>",
            ),
        ],
    );
}

#[test]
fn proto_max_bulk_len_is_configurable() {
    let mut exact = b"*2\r\n$4\r\nECHO\r\n$1048576\r\n".to_vec();
    exact.extend(vec![b'x'; 1 << 20]);
    exact.extend_from_slice(b"\r\n");
    check(
        &["--proto-max-bulk-len", "1mb"],
        &[
            case(
                "a bulk one byte over 1mb",
                "*2\r\n$4\r\nECHO\r\n$1048577\r\n",
                "-ERR Protocol error: invalid bulk length\r\n<closed>",
            ),
            case(
                "a bulk of exactly 1mb still works",
                bytes(&[&exact, b"QUIT\r\n"]),
                format!("$1048576\r\n{}\r\n+OK\r\n<closed>", "x".repeat(1 << 20)),
            ),
        ],
    );
}

#[test]
fn unauthenticated_clients_get_tighter_limits() {
    check(
        &["--requirepass", "secret"],
        &[
            case(
                "more than 10 arguments before AUTH",
                "*11\r\n",
                "-ERR Protocol error: unauthenticated multibulk length\r\n<closed>",
            ),
            case(
                "a bulk over 16 KB before AUTH",
                "*1\r\n$16385\r\n",
                "-ERR Protocol error: unauthenticated bulk length\r\n<closed>",
            ),
        ],
    );
}

/// After AUTH the usual limits apply. (Sent once AUTH has answered: our node
/// parses all that one read brought before running any of it, so a request
/// pipelined right behind AUTH still meets the unauthenticated limits,
/// where Redis runs AUTH before parsing the next request.)
#[test]
fn after_auth_the_usual_limits_apply() {
    require_redis_tools();
    let settings = ["--requirepass", "secret"];
    let redis = RealRedis::start_with(5000, &settings);
    let ours = NodeProc::start_with(5000, &settings);
    for (name, port) in [("redis-server", redis.port), ("clusterlab-node", ours.port)] {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("client port");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        s.write_all(b"AUTH secret\r\n").expect("write");
        let mut ok = [0u8; 5];
        s.read_exact(&mut ok).expect("AUTH's reply");
        assert_eq!(&ok, b"+OK\r\n", "{name}");
        // 11 arguments and a 20 KB one: too many and too big before AUTH.
        let mut req = b"*11\r\n$4\r\nECHO\r\n$20000\r\n".to_vec();
        req.extend(vec![b'z'; 20_000]);
        req.extend_from_slice(b"\r\n");
        for _ in 0..9 {
            req.extend_from_slice(b"$1\r\nx\r\n");
        }
        s.write_all(&req).expect("write");
        let want = "-ERR wrong number of arguments for 'echo' command\r\n";
        let mut got = vec![0u8; want.len()];
        s.read_exact(&mut got).expect("a reply");
        assert_eq!(String::from_utf8_lossy(&got), want, "{name}");
    }
}

#[test]
fn a_client_past_the_query_buffer_limit_is_closed_without_a_reply() {
    // A 2 MB argument with the limit at 1 MB: Redis closes the client
    // while it is still sending.
    let mut big = b"*2\r\n$4\r\nECHO\r\n$2097152\r\n".to_vec();
    big.extend(vec![b'a'; 2 << 20]);
    big.extend_from_slice(b"\r\n");
    check(
        &["--client-query-buffer-limit", "1mb"],
        &[case("a 2 MB argument", big, "<closed>")],
    );
    // And our node says why, as Redis does in its log.
    let ours = NodeProc::start_with(5000, &["--client-query-buffer-limit", "1mb"]);
    let mut big = b"*2\r\n$4\r\nECHO\r\n$2097152\r\n".to_vec();
    big.extend(vec![b'a'; 2 << 20]);
    assert_eq!(probe(ours.port, &big, Duration::from_secs(10)), "<closed>");
    let log = ours.log();
    assert!(
        log.contains("Closing client that reached max query buffer length: id="),
        "no log line:\n{log}"
    );
    assert_eq!(ours.cli(&["ping"]).trim(), "PONG", "the node carries on");
}
