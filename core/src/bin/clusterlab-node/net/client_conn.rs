//! The client port: accepts connections and turns their bytes into
//! commands with the core's RESP parser (its limits and error texts).

use super::{links, Arrival};
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::{parse_request, Limits};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::UnboundedSender;

/// Accepts clients forever, numbering them from 1 (`CLIENT ID`).
pub async fn accept(listener: TcpListener, inbox: UnboundedSender<Arrival>) {
    let mut next = 1u64;
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let id = ClientId(next);
        next += 1;
        tokio::spawn(serve(id, stream, inbox.clone()));
    }
}

/// Reads one client's requests until it leaves or breaks the protocol.
async fn serve(id: ClientId, stream: TcpStream, inbox: UnboundedSender<Arrival>) {
    let (mut read, write) = stream.into_split();
    let writer = links::spawn_writer(write);
    if inbox.send(Arrival::ClientOpened { id, writer }).is_err() {
        return;
    }
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut start = 0;
    loop {
        match read.read_buf(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        loop {
            match parse_request(&buf[start..], Limits::default()) {
                Ok(Some(req)) => {
                    start += req.consumed;
                    if !req.args.is_empty()
                        && inbox.send(Arrival::Command { id, args: req.args }).is_err()
                    {
                        return;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = inbox.send(Arrival::ProtocolError {
                        id,
                        text: e.to_string(),
                    });
                    return;
                }
            }
        }
        buf.drain(..start);
        start = 0;
    }
    let _ = inbox.send(Arrival::ClientClosed(id));
}
