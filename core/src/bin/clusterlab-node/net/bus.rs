//! The cluster bus port: inbound links from peers, and the frame reader
//! both directions share. Frames are Redis 7.0's bus messages (`RCmb`,
//! the core's codec) or our replication frames (`RCrp`).

use super::{links, repl_codec, Arrival};
use clusterlab_core::id::NodeId;
use clusterlab_core::msg::wire::{self, SIGNATURE};
use clusterlab_core::msg::Message;
use clusterlab_core::node::ReplFrame;
use tokio::io::AsyncReadExt;
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;

/// One frame read from a bus connection.
pub enum Frame {
    Bus(Box<Message>),
    Repl(NodeId, ReplFrame),
}

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
            let writer = links::spawn_writer(write);
            if inbox.send(Arrival::InboundOpened { conn, writer }).is_err() {
                return;
            }
            let sink = inbox.clone();
            read_frames(read, peer.to_string(), move |frame| {
                let arrival = match frame {
                    Frame::Bus(msg) => Arrival::InboundBus {
                        conn,
                        peer: peer.ip(),
                        msg,
                    },
                    Frame::Repl(from, frame) => Arrival::Repl { from, frame },
                };
                sink.send(arrival).is_ok()
            })
            .await;
            let _ = inbox.send(Arrival::InboundClosed { conn });
        });
    }
}

/// Reads frames until the connection ends, `deliver` returns false, or a
/// frame is malformed (logged: Redis frees the link the same way).
pub async fn read_frames(
    mut read: OwnedReadHalf,
    peer: String,
    mut deliver: impl FnMut(Frame) -> bool,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    while matches!(read.read_buf(&mut buf).await, Ok(n) if n > 0) {
        loop {
            match next_frame(&buf) {
                Ok(Some((frame, used))) => {
                    buf.drain(..used);
                    if !deliver(frame) {
                        return;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    eprintln!(
                        "clusterlab-node: malformed bus frame from {peer}: {e}; closing the link"
                    );
                    return;
                }
            }
        }
    }
}

/// The frame at the start of `buf`, with its length, once it is all there.
fn next_frame(buf: &[u8]) -> Result<Option<(Frame, usize)>, String> {
    if buf.len() < 4 {
        return Ok(None);
    }
    if buf[..4] == SIGNATURE {
        let Some(len) = wire::frame_len(buf).map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        if buf.len() < len {
            return Ok(None);
        }
        let msg = Message::decode(&buf[..len]).map_err(|e| e.to_string())?;
        Ok(Some((Frame::Bus(Box::new(msg)), len)))
    } else if buf[..4] == repl_codec::SIGNATURE {
        let Some(len) = repl_codec::frame_len(buf)? else {
            return Ok(None);
        };
        if buf.len() < len {
            return Ok(None);
        }
        let (from, frame) = repl_codec::decode(&buf[..len])?;
        Ok(Some((Frame::Repl(from, frame), len)))
    } else {
        Err(format!(
            "bad signature {:?}",
            String::from_utf8_lossy(&buf[..4])
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_told_apart_by_signature_and_bad_ones_refused() {
        let id = NodeId::parse(&"b".repeat(40)).unwrap();
        let repl = repl_codec::encode(
            id,
            &ReplFrame::GetAck { offset: 3 },
            clusterlab_core::time::Time(0),
        );
        let mut two = repl.clone();
        two.extend_from_slice(&repl);
        match next_frame(&two) {
            Ok(Some((Frame::Repl(from, ReplFrame::GetAck { .. }), used))) => {
                assert_eq!((from, used), (id, repl.len()));
            }
            _ => panic!("a replication frame"),
        }
        assert!(matches!(next_frame(&repl[..5]), Ok(None)), "incomplete");
        assert!(next_frame(b"HTTP/1.1 200").is_err(), "bad signature");
        let mut short = SIGNATURE.to_vec();
        short.extend_from_slice(&100u32.to_be_bytes());
        assert!(next_frame(&short).is_err(), "totlen below the header size");
    }
}
