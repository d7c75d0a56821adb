//! Per-connection state the node keeps (`client` in Redis): protocol,
//! one-shot ASKING, READONLY, authentication, and the MULTI queue.

use crate::resp::Protocol;
use crate::time::Time;
use std::net::SocketAddr;

/// What the node remembers about one client connection between its commands.
#[derive(Clone, Debug, Default)]
pub struct ClientState {
    /// RESP2 or RESP3 (HELLO switches it).
    pub proto: Protocol,
    /// ASKING: one-shot, cleared after the next command (kept across MULTI).
    pub asking: bool,
    /// READONLY: reads may be served by a replica.
    pub readonly: bool,
    /// AUTH succeeded (or no password is required).
    pub authenticated: bool,
    /// The ACL user it runs as (`c->user`): `default` until AUTH or HELLO
    /// names another. Empty for the node's own clients (the master link),
    /// which, as Redis's user-less clients, may run anything.
    pub user: Vec<u8>,
    /// The name given by `CLIENT SETNAME`.
    pub name: Option<Vec<u8>>,
    /// Commands queued since MULTI.
    multi: Option<Vec<Vec<Vec<u8>>>>,
    /// An error while queueing: EXEC must abort.
    multi_error: bool,
    /// Keys watched, with their version when WATCH ran.
    pub watched: Vec<(Vec<u8>, u64)>,
    /// Pub/sub channels, patterns and shard channels.
    pub subscriptions: super::pubsub::Subscriptions,
    /// The replication link from this node's master (`server.master`):
    /// its commands find every key as the master saw it, expired or not.
    pub from_master: bool,
    /// EXEC is running this client's queue: a blocking command must not
    /// block there (Redis's `CLIENT_DENY_BLOCKING`), it answers as timed out.
    pub in_exec: bool,
    /// A script's client (`CLIENT_SCRIPT`, which denies blocking too).
    pub in_script: bool,
    /// Where the connection comes from and arrives at (`addr=`, `laddr=`
    /// in CLIENT LIST), when the host told the node.
    pub addr: Option<(SocketAddr, SocketAddr)>,
    /// When it connected (`age=`).
    pub created: Time,
    /// When it last sent a command (`idle=`).
    pub last_interaction: Time,
    /// The last command looked up, with its subcommand (`cmd=`).
    pub last_cmd: Option<(&'static str, Option<&'static str>)>,
    /// `CLIENT NO-EVICT on` (the `e` flag; no eviction is modelled).
    pub no_evict: bool,
    /// `CLIENT REPLY ON|OFF|SKIP`.
    pub reply: ReplyMode,
    /// CLIENT KILL killed this very client: closed once replied
    /// (`CLIENT_CLOSE_AFTER_REPLY`).
    pub close_after_reply: bool,
    /// It sent PSYNC or SYNC: a replica of this node (`CLIENT_SLAVE`,
    /// the `S` flag), never paused and never sent replies again.
    pub replica: bool,
    /// What it announced with REPLCONF.
    pub repl_conf: crate::node::ReplConf,
    /// MONITOR ran (`CLIENT_MONITOR`): the node feeds it every command it
    /// runs, and refuses it the keyspace.
    pub monitor: bool,
    /// Arguments of the command running now that MONITOR and SLOWLOG show
    /// as `(redacted)` (`redactClientCommandArgument`: the handlers of
    /// AUTH, HELLO, MIGRATE and CONFIG SET name them).
    pub redact: Vec<usize>,
    /// CLIENT TRACKING's state, while on (`CLIENT_TRACKING`).
    pub tracking: Option<Box<super::tracking::Tracking>>,
}

/// Whether the node sends a client its replies (`CLIENT REPLY`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReplyMode {
    /// Every reply is sent.
    #[default]
    On,
    /// None is sent until `CLIENT REPLY ON` (`CLIENT_REPLY_OFF`).
    Off,
    /// `CLIENT REPLY SKIP` ran: its own reply and the next command's are
    /// dropped (`CLIENT_REPLY_SKIP_NEXT`, then `CLIENT_REPLY_SKIP`).
    SkipNext,
    /// The reply of the command now running is dropped.
    Skip,
}

impl ClientState {
    /// A new connection; it must AUTH first when a password is required.
    pub fn new(authenticated: bool) -> Self {
        ClientState {
            authenticated,
            user: b"default".to_vec(),
            ..ClientState::default()
        }
    }

    /// Whether MULTI started a transaction that EXEC or DISCARD has not ended.
    pub fn in_multi(&self) -> bool {
        self.multi.is_some()
    }

    /// MULTI: starts queueing commands.
    pub fn start_multi(&mut self) {
        self.multi = Some(Vec::new());
        self.multi_error = false;
    }

    /// The commands queued since MULTI (EXEC routes on all their keys).
    pub fn queued(&self) -> &[Vec<Vec<u8>>] {
        self.multi.as_deref().unwrap_or_default()
    }

    /// Queues one command of the transaction.
    pub fn queue(&mut self, args: Vec<Vec<u8>>) {
        if let Some(q) = self.multi.as_mut() {
            q.push(args);
        }
    }

    /// `flagTransaction`: a command failed to queue.
    pub fn flag_transaction_error(&mut self) {
        if self.multi.is_some() {
            self.multi_error = true;
        }
    }

    /// `discardTransaction`: forget the queue and the watches.
    pub fn discard_transaction(&mut self) {
        self.multi = None;
        self.multi_error = false;
        self.watched.clear();
    }

    /// Ends MULTI, returning the queue and whether queueing failed.
    pub fn take_queue(&mut self) -> (Vec<Vec<Vec<u8>>>, bool) {
        let q = self.multi.take().unwrap_or_default();
        let failed = std::mem::take(&mut self.multi_error);
        (q, failed)
    }
}
