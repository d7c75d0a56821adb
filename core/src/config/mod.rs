//! Node settings, named like redis.conf, with Redis 7's defaults (docs/redis-behaviour.md §14),
//! and Redis 7.0's whole parameter table for CONFIG GET / SET.

use crate::keyspace::{PackLimits, Packing};

pub mod params;
pub mod rewrite;
pub mod values;

/// Cluster settings of one node. Field names follow redis.conf keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `cluster-node-timeout`, ms.
    pub node_timeout: u64,
    /// `cluster-replica-validity-factor`.
    pub replica_validity_factor: u64,
    /// `repl-ping-replica-period`, seconds.
    pub repl_ping_replica_period: u64,
    /// `cluster-migration-barrier`.
    pub migration_barrier: u32,
    /// `cluster-require-full-coverage`.
    pub require_full_coverage: bool,
    /// `cluster-allow-reads-when-down`.
    pub allow_reads_when_down: bool,
    /// `cluster-allow-replica-migration`.
    pub allow_replica_migration: bool,
    /// `cluster-replica-no-failover`.
    pub replica_no_failover: bool,
    /// `cluster-ping-interval` (hidden debug setting): 0 means node_timeout / 2.
    pub ping_interval: u64,
    /// `requirepass`: clients must AUTH first when set.
    pub requirepass: Option<String>,
    /// `cluster-announce-hostname`: myself's hostname, which PING, PONG and
    /// MEET carry in a ping extension so clients can be sent to a name
    /// rather than an IP; empty means none (Redis's `EMPTY_STRING_IS_NULL`).
    pub announce_hostname: String,
    /// `cluster-preferred-endpoint-type`: what CLUSTER SLOTS, SHARDS and
    /// MOVED/ASK name a node by.
    pub preferred_endpoint: EndpointType,
    /// `cluster-link-sendbuf-limit`, bytes (0: none): a bus link whose send
    /// buffer grows past it is freed, so one stuck peer cannot eat memory.
    pub link_sendbuf_limit: u64,
    /// The replication settings the handshake obeys (`repl-*`, `masterauth`).
    pub repl: ReplSettings,
    /// `notify-keyspace-events` as class bits (`keyspace::notify::class`):
    /// which keyspace events the node publishes to its subscribers.
    pub notify_keyspace_events: u32,
    /// `maxmemory-policy`: whether values keep LRU clocks or LFU counters
    /// (`keyspace::aging`); the node evicts nothing.
    pub maxmemory_policy: &'static str,
    /// `lfu-log-factor`: how slowly LFU counters grow.
    pub lfu_log_factor: u32,
    /// `lfu-decay-time`, minutes: how fast LFU counters fall.
    pub lfu_decay_time: u32,
    /// `hash-max-listpack-entries` and `-value`: when a hash stays packed
    /// ([`crate::keyspace::Hash`]).
    pub hash_listpack: PackLimits,
    /// `zset-max-listpack-entries` and `-value`: when a sorted set stays
    /// packed.
    pub zset_listpack: PackLimits,
    /// Every other parameter of Redis's table that was set away from its
    /// default: accepted and reported, without effect (`values::ACTING`).
    pub stored: values::Stored,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            node_timeout: 15_000,
            replica_validity_factor: 10,
            repl_ping_replica_period: 10,
            migration_barrier: 1,
            require_full_coverage: true,
            allow_reads_when_down: false,
            allow_replica_migration: true,
            replica_no_failover: false,
            ping_interval: 0,
            requirepass: None,
            announce_hostname: String::new(),
            preferred_endpoint: EndpointType::Ip,
            link_sendbuf_limit: 0,
            repl: ReplSettings::default(),
            notify_keyspace_events: 0,
            maxmemory_policy: "noeviction",
            lfu_log_factor: 10,
            lfu_decay_time: 1,
            hash_listpack: PackLimits::HASH,
            zset_listpack: PackLimits::ZSET,
            stored: values::Stored::default(),
        }
    }
}

/// The replication settings (`config.c`'s `repl-*` and `masterauth`), with
/// Redis 7.0's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplSettings {
    /// `repl-diskless-sync`: a full resync streams the RDB straight to the
    /// replicas' sockets (7.0's default) to replicas that announced `capa eof`.
    pub diskless_sync: bool,
    /// `repl-diskless-sync-delay`, seconds: a diskless full resync waits this
    /// long for more replicas to arrive before it starts (7.0: 5).
    pub diskless_sync_delay: u64,
    /// `repl-diskless-sync-max-replicas`: start at once when this many
    /// replicas wait (0: no such limit).
    pub diskless_sync_max_replicas: u64,
    /// `repl-timeout`, seconds: a handshake, transfer or silent master link
    /// older than this is dropped.
    pub timeout: u64,
    /// `repl-backlog-size`, bytes: how much of the stream a master keeps for
    /// partial resyncs (`+CONTINUE`).
    pub backlog_size: u64,
    /// `masterauth`: the password a replica sends its master (AUTH).
    pub masterauth: Option<String>,
}

impl Default for ReplSettings {
    fn default() -> Self {
        ReplSettings {
            diskless_sync: true,
            diskless_sync_delay: 5,
            diskless_sync_max_replicas: 0,
            timeout: 60,
            backlog_size: 1024 * 1024,
            masterauth: None,
        }
    }
}

/// `cluster-preferred-endpoint-type` (`CLUSTER_ENDPOINT_TYPE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointType {
    /// `ip`: the node's IP address (the default).
    Ip,
    /// `hostname`: its announced hostname, `?` when it has none.
    Hostname,
    /// `unknown-endpoint`: none; clients reuse the address they connected to.
    UnknownEndpoint,
}

impl EndpointType {
    /// The setting's word, as CONFIG GET prints it.
    pub fn name(self) -> &'static str {
        match self {
            EndpointType::Ip => "ip",
            EndpointType::Hostname => "hostname",
            EndpointType::UnknownEndpoint => "unknown-endpoint",
        }
    }
}

/// Redis's fixed constants (`cluster.h` / `cluster_legacy.h`).
pub mod consts {
    /// `clusterCron` runs every 100 ms.
    pub const CRON_PERIOD_MS: u64 = 100;
    /// Random pings go out on every 10th cron call: once a second.
    pub const RANDOM_PING_EVERY: u64 = 10;
    /// Random entries sampled for the once-a-second ping.
    pub const RANDOM_PING_SAMPLES: usize = 5;
    /// Failure reports stay valid for this many node timeouts.
    pub const FAIL_REPORT_VALIDITY_MULT: u64 = 2;
    /// A master's FAIL is undone on its return after this many node timeouts.
    pub const FAIL_UNDO_TIME_MULT: u64 = 2;
    /// How long a manual failover may take, ms.
    pub const MF_TIMEOUT: u64 = 5000;
    /// A manual failover pauses the master's writes for this many `MF_TIMEOUT`s.
    pub const MF_PAUSE_MULT: u64 = 2;
    /// How long a master must stay orphaned before a replica migrates to it, ms.
    pub const SLAVE_MIGRATION_DELAY: u64 = 5000;
    /// How long `CLUSTER FORGET` keeps a node from being re-added by gossip, ms.
    pub const BLACKLIST_TTL_MS: u64 = 60_000;
    /// A master restarting with state FAIL waits this long before accepting writes, ms.
    pub const WRITABLE_DELAY: u64 = 2000;
    /// Lower bound of the rejoin delay after being in the minority, ms.
    pub const MIN_REJOIN_DELAY: u64 = 500;
    /// Upper bound of the rejoin delay after being in the minority, ms.
    pub const MAX_REJOIN_DELAY: u64 = 5000;
    /// The bus port is the client port plus this.
    pub const PORT_INCR: u16 = 10_000;
    /// The cluster bus protocol version every header carries.
    pub const PROTO_VER: u16 = 1;
}

impl Config {
    /// The listpack limits a loaded hash or sorted set is encoded by.
    pub fn packing(&self) -> Packing {
        Packing {
            hash: self.hash_listpack,
            zset: self.zset_listpack,
        }
    }

    /// The clocks and settings a command started at `now` stamps values
    /// with (`maxmemory-policy`, `lfu-log-factor`, `lfu-decay-time`, and
    /// `maxmemory` for whether small integers are shared).
    pub fn aging_clock(&self, now: crate::time::Time) -> crate::keyspace::Clock {
        use crate::keyspace::{Clock, Policy};
        let policy = Policy::of(self.maxmemory_policy);
        let clock = Clock::at(now, policy, self.lfu_log_factor, self.lfu_decay_time);
        if clock.shares_integers {
            return clock;
        }
        // An LRU or LFU policy keeps integers apart only under a limit.
        let maxmemory = params::find(b"maxmemory").map(|p| self.param_value(p));
        clock.sharing(maxmemory.is_none_or(|m| m == "0"))
    }

    /// `max(node_timeout, 1000)`: a handshake older than this is dropped.
    pub fn handshake_timeout(&self) -> u64 {
        self.node_timeout.max(1000)
    }

    /// The half-timeout ping rule's interval.
    pub fn ping_interval(&self) -> u64 {
        if self.ping_interval > 0 {
            self.ping_interval
        } else {
            self.node_timeout / 2
        }
    }

    /// Failure reports older than this are ignored.
    pub fn fail_report_validity(&self) -> u64 {
        self.node_timeout * consts::FAIL_REPORT_VALIDITY_MULT
    }

    /// `max(2 * node_timeout, 2000)`: how long one election attempt lasts.
    pub fn failover_auth_timeout(&self) -> u64 {
        (self.node_timeout * 2).max(2000)
    }

    /// A new election is attempted only after twice the auth timeout.
    pub fn failover_auth_retry(&self) -> u64 {
        self.failover_auth_timeout() * 2
    }

    /// The data-age limit past which a replica will not fail over automatically.
    pub fn max_data_age(&self) -> u64 {
        self.repl_ping_replica_period * 1000 + self.node_timeout * self.replica_validity_factor
    }

    /// `clamp(node_timeout, 500, 5000)`: how long a master that rejoins the
    /// majority stays in FAIL state before accepting writes again.
    pub fn rejoin_delay(&self) -> u64 {
        self.node_timeout
            .clamp(consts::MIN_REJOIN_DELAY, consts::MAX_REJOIN_DELAY)
    }
}
