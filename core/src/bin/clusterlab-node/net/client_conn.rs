//! The client port: accepts connections and turns their bytes into
//! commands with the core's RESP parser (its limits and error texts).
//!
//! Each connection's task runs what one read brought straight on the
//! [owner](super::owner) (shared on this one thread) and writes all the
//! replies with one write, as Redis's event loop does: no hop through
//! another task per command. Replies made while handling something else
//! (a WAIT that ends, a published message) reach it through its channel.

use super::log::log;
use super::owner::Shared;
use super::{links, Write};
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::{parse_request, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{self, UnboundedReceiver};

/// Above this, a connection's reply buffer is freed after its write rather
/// than kept for the next one (one huge reply should not pin memory).
const KEEP_OUT_BUFFER: usize = 64 * 1024;

/// Redis's reply to a remote client in protected mode.
const DENIED: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/// How the client port treats new connections.
#[derive(Clone, Copy)]
pub struct Policy {
    /// Protected mode: only loopback clients may connect.
    pub protected: bool,
    /// `proto-max-bulk-len`.
    pub max_bulk_len: u64,
    /// `client-query-buffer-limit`.
    pub query_buffer_limit: usize,
}

/// Accepts clients forever, numbering them from 1 (`CLIENT ID`).
pub async fn accept(listener: TcpListener, owner: Shared, policy: Policy) {
    let mut next = 1u64;
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        if policy.protected && !peer.ip().is_loopback() {
            let (_, write) = stream.into_split();
            let writer = links::spawn_writer(write);
            let _ = writer.send(Write::Bytes(DENIED.as_bytes().to_vec()));
            let _ = writer.send(Write::Close);
            continue;
        }
        let id = ClientId(next);
        next += 1;
        tokio::task::spawn_local(serve(id, stream, peer, owner.clone(), policy));
    }
}

/// Serves one client until it leaves, breaks the protocol, sends QUIT, or
/// sends more than `client-query-buffer-limit` without completing a request.
async fn serve(
    id: ClientId,
    stream: TcpStream,
    peer: std::net::SocketAddr,
    owner: Shared,
    policy: Policy,
) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let local = stream.local_addr().unwrap_or(peer);
    owner.borrow_mut().client_opened(id, peer, local, tx);
    let (mut read, mut write) = stream.into_split();
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut out: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut close = false;
    while !close {
        tokio::select! {
            queued = rx.recv() => match queued {
                Some(w) => close = take(w, &mut out, &mut rx),
                None => break,
            },
            read = read.read_buf(&mut buf) => {
                let n = match read {
                    Ok(n) if n > 0 => n,
                    _ => break,
                };
                owner.borrow_mut().count_read(n);
                // What was queued for this client was made before these
                // commands ran: it goes out first.
                if let Ok(w) = rx.try_recv() {
                    close = take(w, &mut out, &mut rx);
                }
                if !close {
                    close = run_requests(id, &owner, &mut buf, &mut out, policy.max_bulk_len);
                }
                if !close && buf.len() > policy.query_buffer_limit {
                    log_query_buffer_overflow(id, peer, &buf);
                    break;
                }
            }
        }
        if !out.is_empty() {
            if write.write_all(&out).await.is_err() {
                break;
            }
            owner.borrow_mut().count_write(out.len());
            out.clear();
            if out.capacity() > KEEP_OUT_BUFFER {
                out = Vec::with_capacity(16 * 1024);
            }
        }
    }
    if close {
        let _ = write.shutdown().await;
    }
    owner.borrow_mut().client_closed(id);
}

/// Runs every complete request in `buf` (removing them) and appends the
/// replies to `out`. Each request is parsed with the limits of the client's
/// state at that point (Redis is stricter before AUTH). True when the
/// connection must close: QUIT, or a protocol error (replied to first).
fn run_requests(
    id: ClientId,
    owner: &Shared,
    buf: &mut Vec<u8>,
    out: &mut Vec<u8>,
    max_bulk_len: u64,
) -> bool {
    let mut owner = owner.borrow_mut();
    let now = owner.now();
    let mut start = 0;
    let mut close = false;
    loop {
        let limits = Limits {
            unauthenticated: !owner.client_authenticated(id),
            max_bulk_len,
        };
        match parse_request(&buf[start..], limits) {
            Ok(Some(req)) => {
                start += req.consumed;
                if !req.args.is_empty() && owner.client_command(now, id, req.args, out) {
                    close = true;
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                owner.client_protocol_error(id, &e.to_string(), out);
                close = true;
                break;
            }
        }
    }
    owner.client_replies(id, out);
    buf.drain(..start);
    close
}

/// Appends what is queued for the client (`first` and whatever else is
/// waiting) to `out`. True when the owner asked for the connection to close.
fn take(first: Write, out: &mut Vec<u8>, rx: &mut UnboundedReceiver<Write>) -> bool {
    let mut next = Some(first);
    while let Some(w) = next {
        match w {
            Write::Bytes(bytes) => out.extend_from_slice(&bytes),
            Write::Close => return true,
        }
        next = rx.try_recv().ok();
    }
    false
}

/// Redis checks its query buffer after each read, closes the client without
/// a reply and logs it. Here the buffer holds the whole pending request,
/// where Redis's holds its current argument.
fn log_query_buffer_overflow(id: ClientId, peer: std::net::SocketAddr, buf: &[u8]) {
    let head = String::from_utf8_lossy(&buf[..buf.len().min(64)])
        .escape_debug()
        .to_string();
    log!(
        "clusterlab-node: Closing client that reached max query buffer length: \
         id={} addr={peer} qbuf={} (qbuf initial bytes: \"{head}\")",
        id.0,
        buf.len()
    );
}
