//! The client port: accepts connections and turns their bytes into
//! commands with the core's RESP parser (its limits and error texts).

use super::{links, Arrival, Write};
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::{parse_request, Limits};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::UnboundedSender;

/// Redis's reply to a remote client in protected mode.
const DENIED: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/// How the client port treats new connections.
#[derive(Clone, Copy)]
pub struct Policy {
    /// `requirepass` is set: clients start unauthenticated.
    pub requires_auth: bool,
    /// Protected mode: only loopback clients may connect.
    pub protected: bool,
}

/// Accepts clients forever, numbering them from 1 (`CLIENT ID`).
pub async fn accept(listener: TcpListener, inbox: UnboundedSender<Arrival>, policy: Policy) {
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
        let authenticated = Arc::new(AtomicBool::new(!policy.requires_auth));
        tokio::spawn(serve(id, stream, peer, inbox.clone(), authenticated));
    }
}

/// Reads one client's requests until it leaves or breaks the protocol.
/// `authenticated` (kept up to date by the owner) picks the parser's limits.
async fn serve(
    id: ClientId,
    stream: TcpStream,
    peer: std::net::SocketAddr,
    inbox: UnboundedSender<Arrival>,
    authenticated: Arc<AtomicBool>,
) {
    let (mut read, write) = stream.into_split();
    let writer = links::spawn_writer(write);
    let opened = Arrival::ClientOpened {
        id,
        peer,
        writer,
        authenticated: authenticated.clone(),
    };
    if inbox.send(opened).is_err() {
        return;
    }
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut start = 0;
    loop {
        match read.read_buf(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        // Every complete request in the buffer goes to the owner at once.
        let mut batch = Vec::new();
        let mut error = None;
        loop {
            let limits = Limits {
                unauthenticated: !authenticated.load(Ordering::Relaxed),
                ..Limits::default()
            };
            match parse_request(&buf[start..], limits) {
                Ok(Some(req)) => {
                    start += req.consumed;
                    if !req.args.is_empty() {
                        batch.push(req.args);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    error = Some(e.to_string());
                    break;
                }
            }
        }
        if !batch.is_empty() && inbox.send(Arrival::Commands { id, batch }).is_err() {
            return;
        }
        if let Some(text) = error {
            let _ = inbox.send(Arrival::ProtocolError { id, text });
            return;
        }
        buf.drain(..start);
        start = 0;
    }
    let _ = inbox.send(Arrival::ClientClosed(id));
}
