//! The cluster bus port: inbound links from peers, and the frame reader
//! both directions share. Frames are Redis 7.0's bus messages (`RCmb`,
//! the core's codec); replication runs on the client port ([`super::repl_links`]).

use super::log::log;
use super::sendbuf::Gauge;
use super::{links, Arrival};
use clusterlab_core::msg::wire::{self, SIGNATURE};
use clusterlab_core::msg::Message;
use tokio::io::AsyncReadExt;
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;

/// Accepts peers' outbound links forever.
pub async fn accept(listener: TcpListener, inbox: UnboundedSender<Arrival>) {
    let mut next = 1u64;
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let conn = next;
        next += 1;
        let inbox = inbox.clone();
        tokio::spawn(async move {
            let (read, write) = stream.into_split();
            let gauge = std::sync::Arc::new(Gauge::new());
            let writer = links::spawn_bus_writer(write, gauge.clone());
            let opened = Arrival::InboundOpened {
                conn,
                writer,
                gauge: gauge.clone(),
            };
            if inbox.send(opened).is_err() {
                return;
            }
            let sink = inbox.clone();
            let reading = read_frames(read, peer.to_string(), move |msg| {
                let arrival = Arrival::InboundBus {
                    conn,
                    peer: peer.ip(),
                    msg,
                };
                sink.send(arrival).is_ok()
            });
            tokio::select! {
                () = reading => {}
                () = gauge.killed() => {}
            }
            let _ = inbox.send(Arrival::InboundClosed { conn });
        });
    }
}

/// Reads frames until the connection ends or `deliver` returns false.
///
/// As in Redis 7.0, a bad prefix (`clusterReadHandler`: signature not
/// `RCmb`, `totlen` below the header) frees the link with a log line, since
/// the stream can no longer be split into frames; a well-framed message
/// whose content is invalid (`clusterIsValidPacket`: wrong length for its
/// type, other version) is logged and ignored, and the link stays up.
pub async fn read_frames(
    mut read: OwnedReadHalf,
    peer: String,
    mut deliver: impl FnMut(Box<Message>) -> bool,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    while matches!(read.read_buf(&mut buf).await, Ok(n) if n > 0) {
        loop {
            match next_frame(&buf) {
                Ok(Next::Frame(frame, used)) => {
                    buf.drain(..used);
                    if !deliver(frame) {
                        return;
                    }
                }
                Ok(Next::Invalid(why, used)) => {
                    buf.drain(..used);
                    log!("clusterlab-node: ignoring an invalid bus frame from {peer}: {why}");
                }
                Ok(Next::Incomplete) => break,
                Err(e) => {
                    log!("clusterlab-node: {e} (from {peer}); closing the link");
                    return;
                }
            }
        }
    }
}

/// What the start of a read buffer holds.
enum Next {
    /// A whole message, and how many bytes it used.
    Frame(Box<Message>, usize),
    /// A whole bus frame (so many bytes) that does not decode, and why.
    Invalid(String, usize),
    /// Not a whole frame yet.
    Incomplete,
}

/// The frame at the start of `buf` once it is all there; an error when the
/// prefix itself is bad and the stream cannot be resynchronised.
fn next_frame(buf: &[u8]) -> Result<Next, String> {
    if buf.len() < 4 {
        return Ok(Next::Incomplete);
    }
    if buf[..4] != SIGNATURE {
        return Err(bad_prefix(format!(
            "bad signature {:?}",
            String::from_utf8_lossy(&buf[..4])
        )));
    }
    let Some(len) = wire::frame_len(buf).map_err(bad_prefix)? else {
        return Ok(Next::Incomplete);
    };
    if buf.len() < len {
        return Ok(Next::Incomplete);
    }
    Ok(match Message::decode(&buf[..len]) {
        Ok(msg) => Next::Frame(Box::new(msg), len),
        Err(e) => Next::Invalid(e.to_string(), len),
    })
}

/// `clusterReadHandler`'s log line when it frees a link.
fn bad_prefix(why: impl std::fmt::Display) -> String {
    format!("Bad message length or signature received from Cluster bus: {why}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_frames_are_refused() {
        assert!(
            matches!(next_frame(b"RCmb"), Ok(Next::Incomplete)),
            "incomplete"
        );
        assert!(next_frame(b"RCrp\0\0\0\x40").is_err(), "not a bus message");
        assert!(next_frame(b"HTTP/1.1 200").is_err(), "bad signature");
        let mut short = SIGNATURE.to_vec();
        short.extend_from_slice(&100u32.to_be_bytes());
        assert!(next_frame(&short).is_err(), "totlen below the header size");
        // Well framed (RCmb, totlen = its length) but version 2: skipped whole.
        let mut framed = SIGNATURE.to_vec();
        framed.extend_from_slice(&(wire::HEADER_LEN as u32).to_be_bytes());
        framed.extend_from_slice(&2u16.to_be_bytes());
        framed.resize(wire::HEADER_LEN, 0);
        match next_frame(&framed) {
            Ok(Next::Invalid(why, used)) => {
                assert_eq!(used, wire::HEADER_LEN);
                assert!(why.contains("version 2"), "{why}");
            }
            _ => panic!("a well-framed invalid frame is skipped, not fatal"),
        }
    }
}
