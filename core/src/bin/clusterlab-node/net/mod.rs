//! The native node: a thin tokio shell around the core's
//! [`Node`](clusterlab_core::node::Node).
//!
//! Everything runs on one thread, like Redis's event loop. The [owner] holds
//! the node. Client connections parse their requests and run them on the
//! owner directly, writing each read's replies with one write (Redis's
//! speed depends on that). Other connections only turn bytes into inputs
//! (bus frames, replication frames, replies on MIGRATE's sockets) and send
//! them to the owner's task as [`Arrival`]s; that task feeds them to
//! `Node::handle`, sleeps until `Node::poll_timeout`, and hands every
//! output to the writer of the connection it belongs to. No cluster rule
//! lives here.
//!
//! Ports: clients on `port`, the cluster bus on `port + 10000`. Replication
//! runs on the client port in Redis's own protocol ([repl_links]), so real
//! redis-server nodes and clusterlab nodes replicate each other.

mod bus;
mod client_conn;
pub mod config_file;
mod disk;
mod links;
pub mod log;
use clusterlab_core::config::params::find;
use log::log;
mod owner;
mod repl_links;
mod sendbuf;
mod trace;

use clusterlab_core::msg::Message;
use clusterlab_core::node::ConnId;
use clusterlab_core::resp::Value;
use config_file::Settings;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use tokio::sync::mpsc;

/// What a connection's writer is asked to do.
pub enum Write {
    Bytes(Vec<u8>),
    /// Flush what was queued, then close.
    Close,
}

/// The sending side of a connection's writer task.
pub type Writer = mpsc::UnboundedSender<Write>;

/// What the node's other connection tasks tell the owner.
pub enum Arrival {
    /// A peer connected to our bus port (the other end's outbound link).
    InboundOpened {
        conn: u64,
        writer: Writer,
        gauge: std::sync::Arc<sendbuf::Gauge>,
    },
    InboundBus {
        conn: u64,
        peer: IpAddr,
        msg: Box<Message>,
    },
    InboundClosed {
        conn: u64,
    },
    /// A message on our outbound link to `addr`: a reply to what we sent.
    OutboundReply {
        addr: SocketAddr,
        msg: Box<Message>,
    },
    /// Our outbound link `generation` to `addr` is connected.
    OutboundConnected {
        addr: SocketAddr,
        generation: u64,
    },
    /// Our outbound link `generation` to `addr` failed or closed.
    OutboundClosed {
        addr: SocketAddr,
        generation: u64,
    },
    /// Bytes from our master on replication link `generation`.
    ReplBytes {
        generation: u64,
        bytes: Vec<u8>,
    },
    /// Replication link `generation` connected.
    ReplUp {
        generation: u64,
    },
    /// Replication link `generation` closed (`connected`) or could not connect.
    ReplClosed {
        generation: u64,
        connected: bool,
    },
    /// A reply on a connection the node opened to another node's client port.
    Response {
        conn: ConnId,
        value: Value,
    },
    ConnClosed {
        conn: ConnId,
        generation: u64,
        /// False when the connect itself failed.
        connected: bool,
    },
    /// SIGINT or SIGTERM: save and exit.
    Shutdown,
    /// A background disk job (BGSAVE, an AOF rewrite) finished.
    DiskDone {
        job: u64,
        result: Result<(), String>,
    },
}

/// `clusterlab-node [redis.conf] [--port P] …`: runs a node until SIGINT/SIGTERM.
pub fn main(argv: &[String]) -> ExitCode {
    let settings = match Settings::from_args(argv) {
        Ok(s) => s,
        Err(e) => {
            log!("clusterlab-node: {e}");
            return ExitCode::from(2);
        }
    };
    let logfile = settings
        .cluster
        .param_value(find(b"logfile").expect("logfile is in the table"));
    if !logfile.is_empty() {
        if let Err(e) = log::open(&settings.dir.join(&logfile)) {
            eprintln!("clusterlab-node: {e}");
            return ExitCode::FAILURE;
        }
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            log!("clusterlab-node: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The owner is shared by the tasks of this thread (no locks).
    let local = tokio::task::LocalSet::new();
    match runtime.block_on(local.run_until(owner::serve(settings))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log!("clusterlab-node: {e}");
            ExitCode::FAILURE
        }
    }
}
