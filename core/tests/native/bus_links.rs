//! Who a real `clusterlab-node` listens to on its cluster bus port, checked
//! with raw TCP clients speaking Redis 7.0's wire format:
//!
//! - `clusterProcessPacket` trusts only MEET from a node it does not know: a
//!   PING from an unknown sender still gets a PONG ("Anyway reply with a
//!   PONG") but adds no node, a PUBLISH from it is dropped, and a MEET adds a
//!   handshake node that the receiver then PINGs on its own link.
//! - A bad frame prefix (`clusterReadHandler`: signature not `RCmb`, `totlen`
//!   below the header) frees that link with a log line; a well-framed but
//!   invalid message (`clusterIsValidPacket`) is logged and ignored and its
//!   link stays up; other links and the node go on.
//!
//! Each check runs against a real redis-server 7.0 first, so the test's
//! expectations are Redis's own, then against clusterlab-node (whose log
//! lines are checked too).

use crate::common::native;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::{wire, Body, Gossip, Header, Message, MsgType};
use clusterlab_core::{NodeId, SlotSet};
use native::{require_redis_tools, wait_for, NodeProc, RealRedis};
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// A node ID nobody in the test's cluster has.
const STRANGER: &str = "5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e";

/// Offset of `count` in the header: sig, totlen, ver, port, type.
const COUNT_OFFSET: usize = 14;

/// A message from `STRANGER`, a master with no slots whose client port is
/// `port` and bus port `cport`, and no announced IP (the receiver takes the
/// socket's).
fn from_stranger(body: Body, port: u16, cport: u16) -> Vec<u8> {
    Message {
        header: Header {
            port,
            current_epoch: 0,
            config_epoch: 0,
            offset: 0,
            sender: NodeId::parse(STRANGER).expect("a valid node ID"),
            myslots: Arc::new(SlotSet::default()),
            replicaof: None,
            myip: String::new(),
            pport: 0,
            cport,
            flags: NodeFlags(NodeFlags::MASTER),
            state_fail: false,
            mflags: [0; 3],
        },
        body,
    }
    .encode()
}

fn ping(cport: u16) -> Vec<u8> {
    from_stranger(Body::Ping(Gossip::default()), 1, cport)
}

/// The server under test.
enum Server {
    Ours(NodeProc),
    Redis(RealRedis),
}

impl Server {
    /// A real redis-server 7.0, then a clusterlab-node.
    fn both() -> [Server; 2] {
        [
            Server::Redis(RealRedis::start(5000)),
            Server::Ours(NodeProc::start(5000)),
        ]
    }

    fn port(&self) -> u16 {
        match self {
            Server::Ours(n) => n.port,
            Server::Redis(r) => r.port,
        }
    }

    fn cli(&self, args: &[&str]) -> String {
        match self {
            Server::Ours(n) => n.cli(args),
            Server::Redis(r) => r.cli(args),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Server::Ours(_) => "clusterlab-node",
            Server::Redis(_) => "redis-server",
        }
    }
}

/// A raw connection to `node`'s bus port.
fn bus_link(node: &Server) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", node.port() + 10_000)).expect("bus port");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s
}

/// Reads one whole bus frame, as `clusterReadHandler` does.
fn read_frame(s: &mut TcpStream) -> Message {
    let mut prefix = [0u8; wire::PREFIX_LEN];
    s.read_exact(&mut prefix).expect("a frame prefix");
    let len = wire::frame_len(&prefix)
        .expect("a valid prefix")
        .expect("8 bytes");
    let mut frame = prefix.to_vec();
    frame.resize(len, 0);
    s.read_exact(&mut frame[wire::PREFIX_LEN..])
        .expect("the whole frame");
    Message::decode(&frame).expect("the node's frames decode")
}

/// Sends a PING on `link` and returns the PONG's sender: since a link's
/// frames are processed in order, everything sent before has been handled.
fn ping_pong(link: &mut TcpStream, cport: u16) -> NodeId {
    link.write_all(&ping(cport)).expect("write");
    let reply = read_frame(link);
    assert_eq!(reply.kind(), MsgType::Pong, "a PING is answered by a PONG");
    reply.header.sender
}

/// Reads exactly `want.len()` bytes from a client connection.
fn expect_reply(s: &mut TcpStream, want: &str) {
    let mut got = vec![0u8; want.len()];
    s.read_exact(&mut got).expect("a reply");
    assert_eq!(String::from_utf8_lossy(&got), want);
}

#[test]
fn only_a_meet_from_an_unknown_node_is_trusted() {
    require_redis_tools();
    for node in Server::both() {
        eprintln!("checking {}", node.name());
        meet_is_trusted(&node);
    }
}

fn meet_is_trusted(node: &Server) {
    let myid = node.cli(&["cluster", "myid"]).trim().to_string();
    // Where the stranger says its bus is: the node's handshake comes here.
    let stranger_bus = TcpListener::bind("127.0.0.1:0").expect("bind");
    let cport = stranger_bus.local_addr().expect("addr").port();
    let mut link = bus_link(node);

    // PING from an unknown sender: a PONG back, and no new node.
    assert_eq!(ping_pong(&mut link, cport).to_string(), myid);
    let nodes = node.cli(&["cluster", "nodes"]);
    assert_eq!(
        nodes.trim().lines().count(),
        1,
        "PING added a node:\n{nodes}"
    );

    // PUBLISH from an unknown sender reaches no subscriber.
    let mut sub = TcpStream::connect(("127.0.0.1", node.port())).expect("client port");
    sub.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    sub.write_all(b"SUBSCRIBE news\r\n").expect("write");
    expect_reply(&mut sub, "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
    let publish = Body::Publish {
        channel: b"news".to_vec(),
        message: b"from a stranger".to_vec(),
    };
    link.write_all(&from_stranger(publish, 1, cport))
        .expect("write");
    ping_pong(&mut link, cport);
    // The next thing the subscriber reads is its own PING's reply, not a message.
    sub.write_all(b"PING\r\n").expect("write");
    expect_reply(&mut sub, "*2\r\n$4\r\npong\r\n$0\r\n\r\n");

    // MEET from an unknown sender: a PONG, and a handshake node at the
    // address the MEET gave (the socket's IP, the header's ports).
    link.write_all(&from_stranger(Body::Meet(Gossip::default()), 6999, cport))
        .expect("write");
    let reply = read_frame(&mut link);
    assert_eq!(reply.kind(), MsgType::Pong, "a MEET is answered by a PONG");
    let nodes = node.cli(&["cluster", "nodes"]);
    let added = format!("127.0.0.1:6999@{cport} handshake");
    assert!(
        nodes.lines().any(|l| l.contains(&added)),
        "no `{added}` line after MEET:\n{nodes}"
    );

    // The handshake: the node opens its own link to the stranger and PINGs.
    stranger_bus.set_nonblocking(true).expect("nonblocking");
    let mut accepted = None;
    wait_for(
        Duration::from_secs(10),
        "the node to connect to the stranger's bus port",
        || {
            accepted = stranger_bus.accept().ok();
            accepted.is_some()
        },
    );
    let (mut back, _) = accepted.expect("accepted");
    back.set_nonblocking(false).expect("blocking");
    back.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let hello = read_frame(&mut back);
    assert_eq!(
        hello.kind(),
        MsgType::Ping,
        "the handshake starts with a PING"
    );
    assert_eq!(hello.header.sender.to_string(), myid);
}

#[test]
fn a_bad_frame_prefix_closes_only_its_link_and_invalid_frames_are_skipped() {
    require_redis_tools();
    for node in Server::both() {
        eprintln!("checking {}", node.name());
        bad_frames_are_contained(&node);
    }
}

fn bad_frames_are_contained(node: &Server) {
    let mut good = bus_link(node);
    ping_pong(&mut good, 1);

    // Well framed, but the PING's count claims a gossip entry it does not
    // carry: logged and ignored, and the link still answers the next PING.
    // (Each link's stranger claims its own bus port: replies go by address.)
    let mut skipped = bus_link(node);
    let mut invalid = ping(2);
    invalid[COUNT_OFFSET..COUNT_OFFSET + 2].copy_from_slice(&1u16.to_be_bytes());
    skipped.write_all(&invalid).expect("write");
    ping_pong(&mut skipped, 2);
    if let Server::Ours(ours) = node {
        let log = ours.log();
        assert!(
            log.contains("ignoring an invalid bus frame from 127.0.0.1:")
                && log.contains("PING frame of 2256 bytes, its content needs 2360"),
            "no log line for the invalid frame:\n{log}"
        );
    }

    // Not a bus frame at all: the node logs it and closes that link.
    let mut bad = bus_link(node);
    bad.write_all(b"GET / HTTP/1.1\r\nHost: clusterlab\r\n\r\n")
        .expect("write");
    let mut byte = [0u8; 1];
    match bad.read(&mut byte) {
        Ok(0) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("the link with a bad prefix is still open: {other:?}"),
    }
    if let Server::Ours(ours) = node {
        let log = ours.log();
        assert!(
            log.contains(
                "Bad message length or signature received from Cluster bus: \
                 bad signature \"GET \""
            ) && log.contains("closing the link"),
            "no log line for the bad prefix:\n{log}"
        );
    }

    // The other links and the node itself carry on.
    ping_pong(&mut good, 1);
    ping_pong(&mut skipped, 2);
    assert_eq!(node.cli(&["ping"]).trim(), "PONG");
}
