//! What goes into a node and what comes out of it (the sans-IO contract).

use crate::event::Event;
use crate::id::NodeId;
use crate::keyspace::Keyspace;
use crate::msg::Message;
use crate::resp::Value;
use crate::slot::SlotSet;
use std::net::SocketAddr;

/// Which of the two TCP links between a pair of nodes a bus message travels on.
///
/// Redis keeps one connection per ordered pair: A's *outbound* link to B carries
/// A's PINGs and MEETs and B's replies. The distinction matters: only a PONG that
/// arrives on our own outbound link answers our PING (`pong_received`), while a
/// PONG broadcast after a promotion arrives on our inbound link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Link {
    /// The sender's outbound link: it arrives on the receiver's inbound link.
    Outbound,
    /// A reply on the link the request came in on: it arrives on the
    /// receiver's outbound link.
    Reply,
}

/// An input to [`Node::handle`](super::Node::handle).
#[derive(Clone, Debug)]
pub enum Input {
    /// Time passed: run whatever is due (`clusterCron` every 100 ms).
    Timeout,
    /// A bus message arrived from the peer whose bus address is `from`.
    /// `link` is the link it was *sent* on.
    Bus {
        /// The sender's bus address.
        from: SocketAddr,
        /// The link it travelled on.
        link: Link,
        /// The message.
        msg: Box<Message>,
    },
    /// What the master wrote on the replication link `conn` (see
    /// [`Output::ReplConnect`]) after its reply to PSYNC: the RDB, then the
    /// stream. The replies before it come as [`Input::Response`].
    Repl {
        /// The replication link.
        conn: ConnId,
        /// The frame.
        frame: ReplFrame,
    },
    /// The replication link `conn` asked for by [`Output::ReplConnect`] is
    /// connected: the replica starts its handshake on it
    /// (`syncWithMaster`). A failed connect is [`Input::ConnClosed`].
    ReplLinkUp {
        /// The replication link.
        conn: ConnId,
    },
    /// A client sent a command (already split into arguments by RESP).
    Command {
        /// Which client.
        client: ClientId,
        /// The command's arguments, name first.
        args: Vec<Vec<u8>>,
    },
    /// A client went away: forget its state (MULTI, WATCH, subscriptions…).
    ClientClosed(ClientId),
    /// Our outbound bus link to the node at bus address `addr` broke (the
    /// peer's process died, refused the connection, or the link was reset):
    /// Redis frees the link and reconnects on the next cron, keeping any
    /// outstanding PING.
    LinkClosed {
        /// The peer's bus address.
        addr: SocketAddr,
    },
    /// The link the node at bus address `addr` opened to us closed (or a
    /// newer link from it replaced it): CLUSTER LINKS stops listing it.
    InboundLinkClosed {
        /// The peer's bus address.
        addr: SocketAddr,
    },
    /// The connection asked for by [`Output::Connect`] is established: the
    /// node greets the peer on it (`clusterLinkConnectHandler`).
    LinkUp {
        /// The peer's bus address.
        addr: SocketAddr,
    },
    /// A reply read on a connection this node opened to another node's
    /// client port (see [`Output::Request`]).
    Response {
        /// The connection.
        conn: ConnId,
        /// The reply read.
        value: Value,
    },
    /// Connection `conn` (see [`Output::Request`]) could not be opened
    /// (`connected: false`), or closed after it was.
    ConnClosed {
        /// The connection.
        conn: ConnId,
        /// It was open before it closed.
        connected: bool,
    },
    /// The host finished disk job `job` (see [`Output::Disk`]): `Ok`, or
    /// the first error met (`strerror`-like text).
    DiskDone {
        /// The job's number.
        job: u64,
        /// Whether every operation succeeded.
        result: Result<(), String>,
    },
    /// The host read the file of a job made of one [`DiskOp::Read`]: its
    /// bytes, `None` when it does not exist, or the error (`strerror`'s
    /// text).
    DiskRead {
        /// The job's number.
        job: u64,
        /// The bytes.
        result: Result<Option<Vec<u8>>, String>,
    },
    /// An operator action (what redis-cli's CLUSTER MEET, ADDSLOTS,
    /// FAILOVER… do), answered by [`Output::AdminReply`] among this input's
    /// outputs. A node asleep in DEBUG SLEEP answers when it wakes, as it
    /// would answer redis-cli.
    Admin(Box<Admin>),
}

/// One file operation of a [`DiskJob`], on a name relative to the
/// node's `dir` (Redis chdirs there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskOp {
    /// Create (or truncate) `name` with `bytes`, and fsync it: the temp
    /// file of a save or a rewrite.
    Write {
        /// The file.
        name: String,
        /// Its whole content.
        bytes: Vec<u8>,
    },
    /// Append `bytes` to `name`, creating it (`O_APPEND|O_CREAT`); with
    /// `fsync`, sync it too (`appendfsync always`, or a shutdown's flush).
    Append {
        /// The file.
        name: String,
        /// What to append (may be empty: the file is just created).
        bytes: Vec<u8>,
        /// Call fsync after the write.
        fsync: bool,
    },
    /// `rename(from, to)`: how every save replaces its file atomically.
    Rename {
        /// The temp file.
        from: String,
        /// The final name.
        to: String,
    },
    /// Delete `name` (missing is fine).
    Remove {
        /// The file.
        name: String,
    },
    /// Create directory `name` if missing (`dirCreateIfMissing`).
    MakeDir {
        /// The directory.
        name: String,
    },
    /// Read `name` whole (ACL LOAD's `fopen`/`fgets`): a job of this one
    /// operation is answered by [`Input::DiskRead`] with the bytes.
    Read {
        /// The file.
        name: String,
    },
}

/// File operations the host performs in order, stopping at the first
/// failure. A `background` job is a forked child's work in Redis (BGSAVE,
/// BGREWRITEAOF): the host may run it off its event loop; the others block
/// the node, as the syscalls block Redis. A job with a number is answered
/// by [`Input::DiskDone`]; number 0 wants no answer (AOF appends).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskJob {
    /// The job's number, or 0.
    pub id: u64,
    /// Run off the event loop.
    pub background: bool,
    /// The operations.
    pub ops: Vec<DiskOp>,
}

/// A client connection this node opened itself, as a client of another
/// node (MIGRATE's cached socket to the target), numbered by the node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u64);

/// A client connection, numbered by the host (`CLIENT ID`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientId(pub u64);

/// Operator actions, mirroring CLUSTER subcommands ([`Input::Admin`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admin {
    /// `CLUSTER MEET ip port [cport]`: `addr` is the peer's bus address.
    Meet {
        /// The peer's bus address.
        addr: SocketAddr,
        /// The peer's client port.
        port: u16,
    },
    /// `CLUSTER ADDSLOTS`.
    AddSlots(SlotSet),
    /// `CLUSTER DELSLOTS`.
    DelSlots(SlotSet),
    /// `CLUSTER REPLICATE <id>`.
    Replicate(NodeId),
    /// `CLUSTER FAILOVER [FORCE|TAKEOVER]`.
    Failover(FailoverMode),
    /// `CLUSTER SET-CONFIG-EPOCH <e>`.
    SetConfigEpoch(u64),
    /// `CLUSTER BUMPEPOCH`.
    BumpEpoch,
    /// `CLUSTER FORGET <id>`.
    Forget(NodeId),
    /// `CLUSTER RESET [SOFT|HARD]` (the caller checked the keys).
    Reset {
        /// HARD: also a new node ID and epochs back to 0.
        hard: bool,
    },
    /// `CLUSTER SETSLOT <slot> MIGRATING <id>`.
    SetSlotMigrating(u16, NodeId),
    /// `CLUSTER SETSLOT <slot> IMPORTING <id>`.
    SetSlotImporting(u16, NodeId),
    /// `CLUSTER SETSLOT <slot> STABLE`.
    SetSlotStable(u16),
    /// `CLUSTER SETSLOT <slot> NODE <id>`.
    SetSlotNode(u16, NodeId),
}

/// `CLUSTER FAILOVER` options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailoverMode {
    /// Coordinated with the master: it pauses writes until the replica caught up.
    Default,
    /// No master handshake, still needs a majority of votes.
    Force,
    /// No vote at all: bump the epoch and take the slots.
    Takeover,
}

/// What a master writes to a replica after its reply to PSYNC (Redis's
/// replication stream), as frames: the RDB of a full resync, then the
/// commands. The replica's side (PING, REPLCONF, PSYNC, REPLCONF ACK) is
/// ordinary commands on its connection.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplFrame {
    /// Master → replica: the whole dataset at `offset` (a full resync).
    Snapshot {
        /// The stream's offset at the snapshot.
        offset: u64,
        /// The whole dataset.
        data: Box<Keyspace>,
    },
    /// Master → replica: a piece of a full resync's RDB as the master's
    /// RDB child writes it into the replicas' sockets (diskless, flushed
    /// each time its buffer passes `PROTO_IOBUF_LEN`), when
    /// `rdb-key-save-delay` makes the child take time; or a piece a
    /// replica read (any transfer, decoded from the wire). On the wire the
    /// first piece follows `$EOF:<mark>\r\n` and the last is followed by
    /// the mark (`rdbSaveRioWithEOFMark`).
    RdbPart {
        /// The stream's offset the whole RDB brings the replica to.
        offset: u64,
        /// The transfer's end mark: 40 characters.
        mark: String,
        /// The RDB's bytes in this piece.
        bytes: Vec<u8>,
        /// The first piece of the RDB.
        first: bool,
        /// The last piece: the RDB is whole.
        last: bool,
    },
    /// Master → replica: one write command; the stream is now at `offset`.
    Command {
        /// The stream's offset after it.
        offset: u64,
        /// The command's arguments, name first.
        args: Vec<Vec<u8>>,
    },
    /// Master → replica: the PING written every `repl-ping-replica-period`.
    Ping {
        /// The stream's offset after it.
        offset: u64,
    },
    /// Master → replica: `REPLCONF GETACK *` (sent for WAIT); the stream
    /// is at `offset` after it.
    GetAck {
        /// The stream's offset after it.
        offset: u64,
    },
}

/// What a node asks its host to do, or tells it.
#[derive(Clone, Debug)]
pub enum Output {
    /// Open our outbound bus link to the bus address `to` (a non-blocking
    /// TCP connect). Answer with [`Input::LinkUp`] once connected, or
    /// [`Input::LinkClosed`] if the connect fails (refused: nobody listens).
    /// The node greets the peer only once the link is up, as Redis's
    /// `clusterLinkConnectHandler` does.
    Connect {
        /// The peer's bus address.
        to: SocketAddr,
    },
    /// Send `msg` to the node whose bus address is `to`.
    Send {
        /// The peer's bus address.
        to: SocketAddr,
        /// The link to send it on.
        link: Link,
        /// The message.
        msg: Box<Message>,
    },
    /// Write a replication frame to `client`, a replica (it sent PSYNC or
    /// SYNC): the RDB of its full resync, then the stream.
    Repl {
        /// The replica's client.
        client: ClientId,
        /// The frame.
        frame: ReplFrame,
    },
    /// Open the replication link `conn` to the master's client port `to`
    /// (`connectWithMaster`): answer [`Input::ReplLinkUp`], or
    /// [`Input::ConnClosed`] if the connect fails. The replica then writes
    /// its handshake on it with [`Output::Request`]; the master's replies
    /// come back as [`Input::Response`] and, after PSYNC's, its frames as
    /// [`Input::Repl`]. [`Output::Hangup`] closes it.
    ReplConnect {
        /// The link.
        conn: ConnId,
        /// The master's client address.
        to: SocketAddr,
    },
    /// A reply to a client's command, in the client's protocol.
    Reply {
        /// Which client.
        client: ClientId,
        /// The reply.
        value: Value,
    },
    /// Write a command on connection `conn` to the client port at `to`,
    /// opening it first if it is new. Replies come back as
    /// [`Input::Response`], in order. MIGRATE uses it to send `SELECT` and
    /// `RESTORE-ASKING` to the target exactly as Redis does, so the target
    /// runs them as ordinary client commands.
    Request {
        /// The connection (new ones are opened first).
        conn: ConnId,
        /// The client address it goes to.
        to: SocketAddr,
        /// The command's arguments, name first.
        args: Vec<Vec<u8>>,
    },
    /// Close connection `conn` (an idle or failed MIGRATE socket).
    Hangup(ConnId),
    /// Close a client's connection once what was sent to it is written
    /// (CLIENT KILL): the node has already forgotten the client.
    Close {
        /// Which client.
        client: ClientId,
    },
    /// Close a bus link the node freed (its send buffer passed
    /// `cluster-link-sendbuf-limit`, or the node it leads to was deleted):
    /// `Link::Outbound` is ours to the node at bus address `to`, `Link::Reply`
    /// the one that node opened to us. The peer sees its end break.
    DropLink {
        /// The peer's bus address.
        to: SocketAddr,
        /// Which of the two links.
        link: Link,
    },
    /// Perform file operations under the node's `dir` (RDB saves, the
    /// append-only files).
    Disk(DiskJob),
    /// The node shut down (SHUTDOWN, or a signal's shutdown that
    /// succeeded): the process exits.
    Exit,
    /// Something happened.
    Event(Event),
    /// The answer to an [`Input::Admin`].
    AdminReply(Result<super::AdminReply, AdminError>),
}

/// Why an admin action was refused, with Redis's error text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminError(pub String);

impl std::fmt::Display for AdminError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AdminError {}
