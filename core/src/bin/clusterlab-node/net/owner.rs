//! The owner: the only place the [`Node`] lives, shared by the tasks of this
//! one thread. Its task feeds bus arrivals and timeouts to the node; client
//! connections run their commands on it directly ([`client_conn`]). Either
//! way every output is routed to its connection.

use super::config_file::Settings;
use super::log::log;
use super::repl_links::ReplLinks;
use super::sendbuf::Gauge;
use super::{bus, client_conn, disk, links, trace::Tracer, Arrival, Write, Writer};
use clusterlab_core::config::consts::PORT_INCR;
use clusterlab_core::config::rewrite::rewrite;
use clusterlab_core::node::{
    is_repl_conn, ClientId, ConnId, DiskJob, DiskOp, Input, Link, Node, Output, ShutdownFlags,
};
use clusterlab_core::repl_wire;
use clusterlab_core::resp::Value;
use clusterlab_core::time::Time;
use std::cell::RefCell;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Arrivals handled before outputs are drained and timers checked.
const BATCH: usize = 256;

/// The owner as the tasks of the node's thread share it. Nobody holds the
/// borrow across an `.await`, so borrowing never fails.
pub type Shared = Rc<RefCell<Owner>>;

/// Binds both ports, loads or creates the node, and runs until a signal.
pub async fn serve(settings: Settings) -> Result<(), String> {
    let bus_port = settings
        .port
        .checked_add(PORT_INCR)
        .ok_or("port + 10000 is not a valid bus port")?;
    let bind = |port| {
        let addr = SocketAddr::new(settings.bind, port);
        async move {
            TcpListener::bind(addr)
                .await
                .map_err(|e| format!("cannot listen on {addr}: {e}"))
        }
    };
    let clients = bind(settings.port).await?;
    let bus_listener = bind(bus_port).await?;
    let clock = Clock::default();
    let mut node = load_or_create(&settings, bus_port, clock.now())?;
    node.set_micros(micros);
    node.set_process_id(std::process::id());
    // `loadDataFromDisk`: the AOF or the RDB, before serving anyone.
    let dir = PathBuf::from(node.config().param_str("dir"));
    node.load_acl_file(&mut |name| disk::read_whole(&dir, name))?;
    let loaded = node.load_data(clock.now(), &mut |name| disk::read(&dir, name))?;
    if !loaded.is_empty() {
        log!("clusterlab-node: {loaded}");
    }
    log!(
        "clusterlab-node: node {} ready, clients on {}:{}, cluster bus on {}:{bus_port}",
        node.id(),
        settings.bind,
        settings.port,
        settings.bind
    );
    let (inbox, mut rx) = mpsc::unbounded_channel();
    let policy = client_conn::Policy {
        // Redis's protected mode: bound beyond loopback without a password.
        protected: settings.cluster.requirepass.is_none() && !settings.bind.is_loopback(),
        max_bulk_len: settings.proto_max_bulk_len,
        query_buffer_limit: usize::try_from(settings.client_query_buffer_limit)
            .unwrap_or(usize::MAX),
    };
    tokio::spawn(bus::accept(bus_listener, inbox.clone()));
    tokio::spawn(shutdown_signal(inbox.clone()));
    let mut tracer = Tracer::new(node.id(), settings.trace.as_deref())?;
    tracer.start(clock.now(), settings.port, settings.cluster.node_timeout);
    let rearm = Rc::new(Notify::new());
    let owner = Rc::new(RefCell::new(Owner {
        repl_links: ReplLinks::default(),
        node,
        rearm: rearm.clone(),
        armed: Time::ZERO,
        tracer,
        clock,
        inbox,
        conf_path: settings.nodes_conf_path(),
        conf_file: settings.conf_file.clone(),
        saved_conf: String::new(),
        last_save_check: Time::ZERO,
        clients: HashMap::new(),
        inbound: HashMap::new(),
        inbound_by_addr: HashMap::new(),
        outbound: HashMap::new(),
        gauges_in: HashMap::new(),
        gauges_out: HashMap::new(),
        conns: HashMap::new(),
        generation: 0,
    }));
    owner.borrow_mut().save_conf(true);
    tokio::task::spawn_local(client_conn::accept(clients, owner.clone(), policy));
    'run: loop {
        if owner.borrow().node.has_exited() {
            break;
        }
        let sleep = {
            let mut owner = owner.borrow_mut();
            let now = owner.clock.now();
            let wake = owner.node.poll_timeout().map_or(now + 100, |t| t.max(now));
            owner.armed = wake;
            tokio::time::sleep_until(Instant::now() + Duration::from_millis(wake.since(now)))
        };
        tokio::select! {
            // A client's command moved the next deadline earlier.
            () = rearm.notified() => continue,
            arrival = rx.recv() => {
                let mut owner = owner.borrow_mut();
                // Take what else has arrived too (a pipeline's commands), then
                // drain the outputs once.
                let mut next = arrival;
                let mut taken = 0;
                loop {
                    match next {
                        None => break 'run,
                        // `prepareForShutdown` as the signal handler asks:
                        // the node exits once its final save is written.
                        Some(Arrival::Shutdown) => {
                            let now = owner.clock.now();
                            owner.node.shutdown(now, None, ShutdownFlags::default());
                        }
                        Some(a) => owner.on_arrival(a),
                    }
                    taken += 1;
                    if taken == BATCH {
                        break;
                    }
                    match rx.try_recv() {
                        Ok(a) => next = Some(a),
                        Err(_) => break,
                    }
                }
            }
            () = sleep => {
                let mut owner = owner.borrow_mut();
                let now = owner.clock.now();
                owner.report_send_buffers();
                owner.node.handle(now, Input::Timeout);
            }
        }
        let mut owner = owner.borrow_mut();
        let _ = owner.drain(None);
        owner.save_conf(false);
        if owner.node.has_exited() {
            break;
        }
    }
    let mut owner = owner.borrow_mut();
    owner.save_conf(true);
    log!("clusterlab-node: saved {}, bye", owner.conf_path.display());
    Ok(())
}

/// A restart reads nodes.conf (identity, epochs, slots); a first start creates a node.
fn load_or_create(settings: &Settings, bus_port: u16, now: Time) -> Result<Node, String> {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ u64::from(std::process::id()).rotate_left(32);
    let path = settings.nodes_conf_path();
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => {
            let node = Node::from_nodes_conf(
                settings.cluster.clone(),
                &text,
                settings.port,
                bus_port,
                seed,
                now,
            )
            .map_err(|e| format!("{}: {e}", path.display()))?;
            log!("clusterlab-node: loaded {}", path.display());
            Ok(node)
        }
        Ok(_) => Ok(fresh(settings, bus_port, seed, now)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok(fresh(settings, bus_port, seed, now))
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn fresh(settings: &Settings, bus_port: u16, seed: u64, now: Time) -> Node {
    // A wildcard bind still announces loopback until a peer tells us better.
    let ip = if settings.bind.is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        settings.bind
    };
    let addr = SocketAddr::new(ip, settings.port);
    Node::new(settings.cluster.clone(), addr, bus_port, seed, now)
}

async fn shutdown_signal(inbox: UnboundedSender<Arrival>) {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    let _ = inbox.send(Arrival::Shutdown);
}

/// Microseconds on a monotonic clock, for command durations (INFO's
/// commandstats, SLOWLOG, LATENCY), as Redis times `call()`.
fn micros() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// Unix milliseconds, never going backwards (the node requires it), so
/// `CLUSTER NODES` prints real timestamps.
#[derive(Default)]
struct Clock {
    last: std::cell::Cell<Time>,
}

impl Clock {
    fn now(&self) -> Time {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let t = Time(ms).max(self.last.get());
        self.last.set(t);
        t
    }
}

pub struct Owner {
    node: Node,
    /// This replica's links to its master's client port.
    repl_links: ReplLinks,
    /// Wakes the owner's task when a client's command makes the node's next
    /// deadline earlier than `armed`, the one its sleep was set for.
    rearm: Rc<Notify>,
    armed: Time,
    tracer: Tracer,
    clock: Clock,
    inbox: UnboundedSender<Arrival>,
    conf_path: PathBuf,
    saved_conf: String,
    /// The redis.conf CONFIG REWRITE rewrites (none: the node answers that
    /// it runs without one).
    conf_file: Option<PathBuf>,
    last_save_check: Time,
    /// Where replies made outside a client's own commands go.
    clients: HashMap<ClientId, Writer>,
    /// Inbound bus connections, and which one each peer bus address last
    /// spoke on (where `Link::Reply` messages to it go).
    inbound: HashMap<u64, Writer>,
    inbound_by_addr: HashMap<SocketAddr, u64>,
    /// Our outbound bus links by peer bus address, with their generation.
    outbound: HashMap<SocketAddr, (u64, Writer)>,
    /// The send buffers of inbound links (by connection) and of outbound
    /// ones (by peer bus address).
    gauges_in: HashMap<u64, Arc<Gauge>>,
    gauges_out: HashMap<SocketAddr, Arc<Gauge>>,
    /// MIGRATE's connections to other nodes' client ports.
    conns: HashMap<ConnId, (u64, Writer)>,
    generation: u64,
}

impl Owner {
    fn on_arrival(&mut self, arrival: Arrival) {
        let now = self.clock.now();
        let input = match arrival {
            Arrival::InboundOpened {
                conn,
                writer,
                gauge,
            } => {
                self.inbound.insert(conn, writer);
                self.gauges_in.insert(conn, gauge);
                return;
            }
            Arrival::InboundBus { conn, peer, msg } => {
                let from = SocketAddr::new(peer, msg.header.cport);
                if let Some(old) = self.inbound_by_addr.insert(from, conn) {
                    if old != conn {
                        // A newer link from the same node replaces the older
                        // (`setClusterNodeToInboundClusterLink` frees it).
                        self.drop_inbound(old);
                        self.node
                            .handle(now, Input::InboundLinkClosed { addr: from });
                    }
                }
                Input::Bus {
                    from,
                    link: Link::Outbound,
                    msg,
                }
            }
            Arrival::InboundClosed { conn } => {
                self.inbound.remove(&conn);
                self.gauges_in.remove(&conn);
                let addr = self
                    .inbound_by_addr
                    .iter()
                    .find(|(_, c)| **c == conn)
                    .map(|(a, _)| *a);
                let Some(addr) = addr else { return };
                self.inbound_by_addr.remove(&addr);
                Input::InboundLinkClosed { addr }
            }
            Arrival::OutboundReply { addr, msg } => Input::Bus {
                from: addr,
                link: Link::Reply,
                msg,
            },
            Arrival::OutboundConnected { addr, generation } => {
                // A link replaced since: its connect is no news.
                if self
                    .outbound
                    .get(&addr)
                    .is_none_or(|(g, _)| *g != generation)
                {
                    return;
                }
                Input::LinkUp { addr }
            }
            Arrival::OutboundClosed { addr, generation } => {
                match self.outbound.get(&addr) {
                    Some((g, _)) if *g == generation => {
                        self.outbound.remove(&addr);
                        self.gauges_out.remove(&addr);
                    }
                    _ => return,
                }
                Input::LinkClosed { addr }
            }
            Arrival::ReplUp { generation } => {
                let Some(input) = self.repl_links.up(generation) else {
                    return;
                };
                input
            }
            Arrival::ReplBytes { generation, bytes } => {
                for input in self.repl_links.bytes(generation, &bytes) {
                    self.node.handle(now, input);
                }
                return;
            }
            Arrival::ReplClosed {
                generation,
                connected,
            } => {
                let Some(input) = self.repl_links.closed(generation, connected) else {
                    return;
                };
                input
            }
            Arrival::Response { conn, value } => Input::Response { conn, value },
            Arrival::ConnClosed {
                conn,
                generation,
                connected,
            } => {
                if self.conns.get(&conn).is_none_or(|(g, _)| *g != generation) {
                    return;
                }
                self.conns.remove(&conn);
                Input::ConnClosed { conn, connected }
            }
            Arrival::DiskDone { job, result } => Input::DiskDone { job, result },
            Arrival::Shutdown => return,
        };
        self.node.handle(now, input);
    }

    /// A client connected: replies not made by its own commands go to `writer`.
    pub fn client_opened(
        &mut self,
        id: ClientId,
        peer: SocketAddr,
        local: SocketAddr,
        writer: Writer,
    ) {
        self.clients.insert(id, writer);
        let now = self.clock.now();
        self.node.client_opened(now, id, peer, local);
    }

    /// A client socket read (INFO's `total_net_input_bytes`, reads).
    pub fn count_read(&mut self, bytes: usize) {
        self.node.count_read(bytes as u64);
    }

    /// A client socket write (INFO's `total_net_output_bytes`, writes).
    pub fn count_write(&mut self, bytes: usize) {
        self.node.count_write(bytes as u64);
    }

    pub fn client_authenticated(&self, id: ClientId) -> bool {
        self.node.client_authenticated(id)
    }

    /// The node's clock, read once for all the commands of one read (as
    /// Redis caches the time once per event loop iteration).
    pub fn now(&self) -> Time {
        self.clock.now()
    }

    /// Runs one of the client's commands; its replies are collected by
    /// [`client_replies`](Self::client_replies). True when the connection
    /// must close after its replies (QUIT, CLIENT KILL of itself): Redis
    /// reads no further command from it (`CLIENT_CLOSE_AFTER_REPLY`).
    pub fn client_command(
        &mut self,
        now: Time,
        id: ClientId,
        args: Vec<Vec<u8>>,
        out: &mut Vec<u8>,
    ) -> bool {
        if let Some(reply) = self.config_rewrite(id, &args) {
            self.client_replies(id, out);
            reply.encode(self.node.client_protocol(id), out);
            return false;
        }
        let may_close =
            args[0].eq_ignore_ascii_case(b"quit") || args[0].eq_ignore_ascii_case(b"client");
        self.node.handle(now, Input::Command { client: id, args });
        may_close && self.client_replies(id, out)
    }

    /// `CONFIG REWRITE` on a node started with a config file: the file is
    /// read again, rewritten by the core's rules and replaced (a temporary
    /// file renamed over it, as `rewriteConfigOverwriteFile`). None leaves
    /// the command to the node (no file, not authenticated, inside MULTI).
    fn config_rewrite(&mut self, id: ClientId, args: &[Vec<u8>]) -> Option<Value> {
        let is_rewrite = args.len() == 2
            && args[0].eq_ignore_ascii_case(b"config")
            && args[1].eq_ignore_ascii_case(b"rewrite");
        let path = self.conf_file.as_ref()?;
        if !is_rewrite || !self.node.client_authenticated(id) || self.node.client_in_multi(id) {
            return None;
        }
        let old = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Some(Value::err(format!("ERR Rewriting config file: {e}"))),
        };
        let new = rewrite(&old, self.node.config());
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let written = std::fs::write(&tmp, new).and_then(|()| std::fs::rename(&tmp, path));
        Some(match written {
            Ok(()) => {
                log!("CONFIG REWRITE executed with success.");
                Value::ok()
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Value::err(format!("ERR Rewriting config file: {e}"))
            }
        })
    }

    /// A protocol error: Redis replies `-ERR Protocol error: …`, then closes.
    pub fn client_protocol_error(&mut self, id: ClientId, text: &str, out: &mut Vec<u8>) {
        self.client_replies(id, out);
        let proto = self.node.client_protocol(id);
        Value::err(format!("ERR {text}")).encode(proto, out);
    }

    /// After a client's commands: its replies go to `out`, every other output
    /// to its connection, and the owner's task is woken if it must wake sooner.
    /// True when the node closed that client.
    pub fn client_replies(&mut self, id: ClientId, out: &mut Vec<u8>) -> bool {
        let closed = self.drain(Some((id, out)));
        self.save_conf(false);
        if self.node.has_exited() || self.node.poll_timeout().is_some_and(|t| t < self.armed) {
            self.rearm.notify_one();
        }
        closed
    }

    pub fn client_closed(&mut self, id: ClientId) {
        self.clients.remove(&id);
        let now = self.clock.now();
        self.node.handle(now, Input::ClientClosed(id));
        let _ = self.drain(None);
    }

    fn write_client(&mut self, id: ClientId, w: Write) {
        if let Some(writer) = self.clients.get(&id) {
            let _ = writer.send(w);
        }
    }

    /// Routes every pending output to its connection; with `direct`, that
    /// client's replies are appended to its buffer instead, and the result
    /// says whether the node closed it.
    fn drain(&mut self, mut direct: Option<(ClientId, &mut Vec<u8>)>) -> bool {
        let mut direct_closed = false;
        let now = self.clock.now();
        while let Some(out) = self.node.poll_output() {
            match out {
                Output::Connect { to } => self.connect(to),
                Output::Send { to, link, msg } => {
                    let bytes = msg.encode();
                    match link {
                        Link::Outbound => self.send_outbound(to, bytes),
                        Link::Reply => {
                            let Some(conn) = self.inbound_by_addr.get(&to) else {
                                continue;
                            };
                            if let Some(w) = self.inbound.get(conn) {
                                if let Some(g) = self.gauges_in.get(conn) {
                                    g.queue(bytes.len());
                                }
                                let _ = w.send(Write::Bytes(bytes));
                            }
                        }
                    }
                }
                Output::Repl { client, frame } => {
                    let replid = self.node.repl_replid();
                    let bytes =
                        clusterlab_core::rdb::with_compression(self.node.rdb_compression(), || {
                            repl_wire::master_bytes(&frame, replid, now)
                        });
                    match &mut direct {
                        Some((id, out)) if *id == client => out.extend_from_slice(&bytes),
                        _ => self.write_client(client, Write::Bytes(bytes)),
                    }
                }
                Output::ReplConnect { conn, to } => {
                    self.generation += 1;
                    let inbox = self.inbox.clone();
                    self.repl_links.open(conn, to, self.generation, inbox);
                }
                Output::Request { conn, args, .. } if is_repl_conn(conn) => {
                    self.repl_links.write(conn, links::encode_command(args));
                }
                Output::Hangup(conn) if is_repl_conn(conn) => self.repl_links.close(conn),
                Output::Reply { client, value } => {
                    let proto = self.node.client_protocol(client);
                    match &mut direct {
                        Some((id, out)) if *id == client => value.encode(proto, out),
                        _ => self.write_client(client, Write::Bytes(value.to_bytes(proto))),
                    }
                }
                Output::Request { conn, to, args } => {
                    let bytes = links::encode_command(args);
                    if !self.conns.contains_key(&conn) {
                        self.generation += 1;
                        let w =
                            links::open_client_conn(conn, to, self.generation, self.inbox.clone());
                        self.conns.insert(conn, (self.generation, w));
                    }
                    if let Some((_, w)) = self.conns.get(&conn) {
                        let _ = w.send(Write::Bytes(bytes));
                    }
                }
                Output::Hangup(conn) => {
                    if let Some((_, w)) = self.conns.remove(&conn) {
                        let _ = w.send(Write::Close);
                    }
                }
                // CLIENT KILL: the connection closes once what is queued
                // for it (this read's replies included) is written.
                Output::Close { client } => {
                    direct_closed |= matches!(&direct, Some((id, _)) if *id == client);
                    self.write_client(client, Write::Close);
                }
                Output::DropLink { to, link } => match link {
                    Link::Outbound => {
                        self.outbound.remove(&to);
                        if let Some(g) = self.gauges_out.remove(&to) {
                            g.kill();
                        }
                    }
                    Link::Reply => {
                        if let Some(conn) = self.inbound_by_addr.remove(&to) {
                            self.drop_inbound(conn);
                        }
                    }
                },
                Output::Disk(job) => self.disk_job(job),
                // The owner's loop sees `has_exited` and stops.
                Output::Exit => {}
                Output::Event(event) => self.tracer.event(self.clock.now(), event),
                // Operators reach this node through its CLUSTER commands, never
                // `Input::Admin`, so no such answer is waiting to be delivered.
                Output::AdminReply(_) => {}
            }
        }
        self.tracer.flush();
        direct_closed
    }

    /// Runs a disk job: a background one (Redis's forked child) on its own
    /// thread, answered through the inbox; the others here and now, as
    /// Redis blocks in the syscalls, answered before anything else.
    fn disk_job(&mut self, job: DiskJob) {
        let dir = PathBuf::from(self.node.config().param_str("dir"));
        if let [DiskOp::Read { name }] = job.ops.as_slice() {
            let result = disk::read_whole(&dir, name);
            let now = self.clock.now();
            self.node.handle(
                now,
                Input::DiskRead {
                    job: job.id,
                    result,
                },
            );
            return;
        }
        if job.background {
            let inbox = self.inbox.clone();
            std::thread::spawn(move || {
                let result = disk::run(&dir, &job.ops);
                let _ = inbox.send(Arrival::DiskDone {
                    job: job.id,
                    result,
                });
            });
            return;
        }
        let result = disk::run(&dir, &job.ops);
        if let Err(e) = &result {
            log!("clusterlab-node: disk: {e}");
        }
        if job.id != 0 {
            let now = self.clock.now();
            self.node.handle(
                now,
                Input::DiskDone {
                    job: job.id,
                    result,
                },
            );
        }
    }

    /// Opens our outbound link to `addr` for the node, which greets the peer
    /// once it is up. A link already there (a message to send opens one
    /// too) is reported up as it is.
    fn connect(&mut self, addr: SocketAddr) {
        if let Some((generation, _)) = self.outbound.get(&addr) {
            let generation = *generation;
            let _ = self
                .inbox
                .send(Arrival::OutboundConnected { addr, generation });
            return;
        }
        let w = self.open_bus_link(addr);
        self.outbound.insert(addr, (self.generation, w));
    }

    /// Starts our outbound link to `addr` (a new generation) with its gauge.
    fn open_bus_link(&mut self, addr: SocketAddr) -> Writer {
        self.generation += 1;
        let gauge = Arc::new(Gauge::new());
        self.gauges_out.insert(addr, gauge.clone());
        links::open_bus_link(addr, self.generation, self.inbox.clone(), gauge)
    }

    /// Frees inbound connection `conn`: its tasks stop and its socket closes.
    fn drop_inbound(&mut self, conn: u64) {
        self.inbound.remove(&conn);
        if let Some(g) = self.gauges_in.remove(&conn) {
            g.kill();
        }
    }

    /// Tells the node every bus link's send buffer, before its cron applies
    /// `cluster-link-sendbuf-limit` and while CLUSTER LINKS may list them.
    fn report_send_buffers(&mut self) {
        for (addr, g) in &self.gauges_out {
            self.node
                .report_send_buffer(*addr, Link::Outbound, g.read());
        }
        for (addr, conn) in &self.inbound_by_addr {
            if let Some(g) = self.gauges_in.get(conn) {
                self.node.report_send_buffer(*addr, Link::Reply, g.read());
            }
        }
    }

    /// Writes on our outbound link to `addr`, opening it if needed.
    fn send_outbound(&mut self, addr: SocketAddr, bytes: Vec<u8>) {
        if !self.outbound.contains_key(&addr) {
            let w = self.open_bus_link(addr);
            self.outbound.insert(addr, (self.generation, w));
        }
        if let Some(g) = self.gauges_out.get(&addr) {
            g.queue(bytes.len());
        }
        if let Some((_, w)) = self.outbound.get(&addr) {
            let _ = w.send(Write::Bytes(bytes));
        }
    }

    /// Saves nodes.conf when the configuration changed (checked at most
    /// every 100 ms, or now when `force`), atomically via a rename.
    fn save_conf(&mut self, force: bool) {
        let now = self.clock.now();
        if !force && now.since(self.last_save_check) < 100 {
            return;
        }
        self.last_save_check = now;
        let text = self.node.to_nodes_conf();
        if text == self.saved_conf {
            return;
        }
        let tmp = self.conf_path.with_extension("conf.tmp");
        let result =
            std::fs::write(&tmp, &text).and_then(|()| std::fs::rename(&tmp, &self.conf_path));
        match result {
            Ok(()) => self.saved_conf = text,
            Err(e) => log!(
                "clusterlab-node: cannot save {}: {e}",
                self.conf_path.display()
            ),
        }
    }
}
