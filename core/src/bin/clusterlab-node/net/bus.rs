//! The cluster bus port: inbound links from peers, and the frame reader
//! both directions share. Frames are Redis 7.0's bus messages (`RCmb`,
//! the core's codec); replication runs on the client port ([`super::psync`]).

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
            let writer = links::spawn_writer(write);
            if inbox.send(Arrival::InboundOpened { conn, writer }).is_err() {
                return;
            }
            let sink = inbox.clone();
            read_frames(read, peer.to_string(), move |msg| {
                let arrival = Arrival::InboundBus {
                    conn,
                    peer: peer.ip(),
                    msg,
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
    mut deliver: impl FnMut(Box<Message>) -> bool,
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

/// The message at the start of `buf`, with its length, once it is all there.
fn next_frame(buf: &[u8]) -> Result<Option<(Box<Message>, usize)>, String> {
    if buf.len() < 4 {
        return Ok(None);
    }
    if buf[..4] != SIGNATURE {
        return Err(format!(
            "bad signature {:?}",
            String::from_utf8_lossy(&buf[..4])
        ));
    }
    let Some(len) = wire::frame_len(buf).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    if buf.len() < len {
        return Ok(None);
    }
    let msg = Message::decode(&buf[..len]).map_err(|e| e.to_string())?;
    Ok(Some((Box::new(msg), len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_frames_are_refused() {
        assert!(matches!(next_frame(b"RCmb"), Ok(None)), "incomplete");
        assert!(next_frame(b"HTTP/1.1 200").is_err(), "bad signature");
        assert!(next_frame(b"RCrp\0\0\0\x40").is_err(), "not a bus message");
        let mut short = SIGNATURE.to_vec();
        short.extend_from_slice(&100u32.to_be_bytes());
        assert!(next_frame(&short).is_err(), "totlen below the header size");
    }
}
