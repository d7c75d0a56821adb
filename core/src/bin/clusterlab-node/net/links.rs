//! Connections the node opens itself: outbound bus links (one per peer bus
//! address), MIGRATE's client connections to other nodes, and the
//! replication link to our master; plus the writer task every connection
//! uses.

use super::log::log;
use super::sendbuf::Gauge;
use super::{bus, Arrival, Write, Writer};
use clusterlab_core::node::ConnId;
use clusterlab_core::resp::{parse_reply, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

/// How long a connect may take before the link counts as failed.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);

/// Starts a task that writes what it is given, in order, until `Close`.
pub fn spawn_writer(write: OwnedWriteHalf) -> Writer {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(write_loop(write, rx, None));
    tx
}

/// [`spawn_writer`] for a bus link: `gauge` measures what waits to be
/// written, and killing it stops the writer.
pub fn spawn_bus_writer(write: OwnedWriteHalf, gauge: Arc<Gauge>) -> Writer {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        tokio::select! {
            () = write_loop(write, rx, Some(gauge.clone())) => {}
            () = gauge.killed() => {}
        }
    });
    tx
}

/// Writes what is queued, coalescing everything already waiting into one
/// write (pipelined replies would otherwise cost a syscall each).
async fn write_loop(
    mut write: OwnedWriteHalf,
    mut rx: UnboundedReceiver<Write>,
    gauge: Option<Arc<Gauge>>,
) {
    let mut buf = Vec::new();
    while let Some(mut item) = rx.recv().await {
        let mut close = false;
        loop {
            if let (Some(g), Write::Bytes(bytes)) = (&gauge, &item) {
                g.take(bytes.len());
            }
            match item {
                Write::Bytes(bytes) if buf.is_empty() => buf = bytes,
                Write::Bytes(bytes) => buf.extend_from_slice(&bytes),
                Write::Close => close = true,
            }
            if close || buf.len() >= 64 * 1024 {
                break;
            }
            match rx.try_recv() {
                Ok(next) => item = next,
                Err(_) => break,
            }
        }
        if let Some(g) = &gauge {
            g.writing(buf.len(), buf.capacity());
        }
        if write.write_all(&buf).await.is_err() {
            return;
        }
        buf.clear();
        if let Some(g) = &gauge {
            g.writing(0, 0);
        }
        if close {
            break;
        }
    }
    let _ = write.shutdown().await;
}

async fn connect(addr: SocketAddr) -> Option<TcpStream> {
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
        .await
        .ok()?
        .ok()?;
    let _ = stream.set_nodelay(true);
    Some(stream)
}

/// Opens our outbound bus link to `addr`; what is queued on the returned
/// writer goes out once connected. The connect arrives as
/// `OutboundConnected`, replies as `OutboundReply`; a failed connect or a
/// closed link as `OutboundClosed`.
pub fn open_bus_link(
    addr: SocketAddr,
    generation: u64,
    inbox: UnboundedSender<Arrival>,
    gauge: Arc<Gauge>,
) -> Writer {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        if let Some(stream) = connect(addr).await {
            let (read, write) = stream.into_split();
            let writer = tokio::spawn(write_loop(write, rx, Some(gauge.clone())));
            let _ = inbox.send(Arrival::OutboundConnected { addr, generation });
            let sink = inbox.clone();
            let reading = bus::read_frames(read, addr.to_string(), move |msg| {
                sink.send(Arrival::OutboundReply { addr, msg }).is_ok()
            });
            tokio::select! {
                () = reading => {}
                () = gauge.killed() => {}
            }
            writer.abort();
        }
        let _ = inbox.send(Arrival::OutboundClosed { addr, generation });
    });
    tx
}

/// Opens a client connection to another node's client port (MIGRATE's
/// socket): commands written as RESP arrays, replies fed back in order.
pub fn open_client_conn(
    conn: ConnId,
    to: SocketAddr,
    generation: u64,
    inbox: UnboundedSender<Arrival>,
) -> Writer {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut connected = false;
        if let Some(stream) = connect(to).await {
            connected = true;
            let (mut read, write) = stream.into_split();
            let writer = tokio::spawn(write_loop(write, rx, None));
            let mut buf = Vec::with_capacity(4096);
            'read: while matches!(read.read_buf(&mut buf).await, Ok(n) if n > 0) {
                loop {
                    match parse_reply(&buf) {
                        Ok(Some((value, used))) => {
                            buf.drain(..used);
                            if inbox.send(Arrival::Response { conn, value }).is_err() {
                                break 'read;
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            log!("clusterlab-node: bad reply from {to}: {}", e.0);
                            break 'read;
                        }
                    }
                }
            }
            writer.abort();
        }
        let _ = inbox.send(Arrival::ConnClosed {
            conn,
            generation,
            connected,
        });
    });
    tx
}

/// Opens the replication link to a master's client port: the connect goes
/// to the owner as `ReplUp`, every read as `ReplBytes`, the end (or a
/// failed connect) as `ReplClosed`.
pub fn open_repl_link(to: SocketAddr, generation: u64, inbox: UnboundedSender<Arrival>) -> Writer {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut connected = false;
        if let Some(stream) = connect(to).await {
            connected = true;
            let _ = inbox.send(Arrival::ReplUp { generation });
            let (mut read, write) = stream.into_split();
            let writer = tokio::spawn(write_loop(write, rx, None));
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match read.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let bytes = buf[..n].to_vec();
                        if inbox
                            .send(Arrival::ReplBytes { generation, bytes })
                            .is_err()
                        {
                            break;
                        }
                    }
                }
            }
            writer.abort();
        }
        let _ = inbox.send(Arrival::ReplClosed {
            generation,
            connected,
        });
    });
    tx
}

/// A command as a RESP array of bulk strings.
pub fn encode_command(args: Vec<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    Value::Array(args.into_iter().map(Value::Bulk).collect())
        .encode(clusterlab_core::resp::Protocol::Resp2, &mut out);
    out
}
