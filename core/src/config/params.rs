//! Redis 7.0.15's configuration parameter table (`static_configs[]` in
//! `config.c`): every name and alias `CONFIG GET` / `CONFIG SET` know, with
//! its type, bounds, flags and default as a default-built redis-server reports
//! it. One line per parameter, sorted by name, so the table reads like
//! `CONFIG GET *`. Which parameters act on a clusterlab node is said in
//! [`super::values`]; the others are stored and reported, as the docs list.

/// Flags of `config.c` that change what CONFIG SET / GET do.
pub mod flag {
    /// No flag: CONFIG SET may change it at run time.
    pub const MODIFIABLE: u16 = 0;
    /// Set only at start-up: CONFIG SET answers "can't set immutable config".
    pub const IMMUTABLE: u16 = 1;
    /// Redacted from logs and slowlog.
    pub const SENSITIVE: u16 = 2;
    /// Debug-ish settings: CONFIG REWRITE writes them only when changed.
    pub const DEBUG: u16 = 4;
    /// Several words in one value (`save 3600 1 300 100`).
    pub const MULTI_ARG: u16 = 8;
    /// Only an exact CONFIG GET name lists it, never a pattern.
    pub const HIDDEN: u16 = 16;
    /// Refused by CONFIG SET unless `enable-protected-configs` allows it.
    pub const PROTECTED: u16 = 32;
    /// Refused by CONFIG SET while the dataset is loading.
    pub const DENY_LOADING: u16 = 64;
    /// A value that the file system may change under us (TLS files).
    pub const VOLATILE: u16 = 128;
}

/// How a numeric value is written (`numericParseString`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A plain `string2ll` integer.
    Integer,
    /// Bytes, with an optional `b`/`k`/`kb`/`m`/`mb`/`g`/`gb` suffix (`memtoull`).
    Memory,
    /// A memory value, or `N%` (stored as a negative number).
    MemoryOrPercent,
    /// An octal number (`unixsocketperm`).
    Octal,
}

/// The validation a string parameter runs before it is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// No check.
    None,
    /// `isValidAnnouncedHostname`: < 256 characters, letters, digits, `-`, `.`.
    Hostname,
    /// `isValidDBfilename` and the AOF names: a base name, not a path.
    FileName,
    /// `isValidProcTitleTemplate`: only known `{variables}`.
    ProcTitle,
}

/// The value's type, as `config.c` declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `yes` or `no`.
    Bool,
    /// One word of the list (case-insensitive); CONFIG GET prints the word.
    Enum(&'static [&'static str]),
    /// Several words of the list at once (`shutdown-on-sigterm nosave force`).
    EnumSet(&'static [&'static str]),
    /// A number within `[min, max]`; `unsigned` bounds compare as unsigned, as
    /// `numericBoundaryCheck` does for size_t / unsigned / unsigned long long.
    Num {
        /// The smallest value accepted.
        min: i128,
        /// The largest value accepted.
        max: i128,
        /// How the number is written.
        unit: Unit,
        /// Whether the bounds compare as unsigned numbers.
        unsigned: bool,
    },
    /// Any text, after the check.
    Text(Check),
    /// Its own parser and printer (`save`, `bind`, `client-output-buffer-limit`…).
    Special,
}

/// One configuration parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// Its name, as CONFIG GET lists it.
    pub name: &'static str,
    /// The old name that still works (`slave-read-only` for `replica-read-only`).
    pub alias: Option<&'static str>,
    /// [`flag`] bits.
    pub flags: u16,
    /// Its type, bounds and parser.
    pub kind: Kind,
    /// The value a default-built redis-server 7.0.15 reports (`dir` is the
    /// working directory at run time, so empty here).
    pub default: &'static str,
}

impl Param {
    /// Whether it has the [`flag`] `f`.
    pub fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
}

const fn p(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    kind: Kind,
    default: &'static str,
) -> Param {
    Param {
        name,
        alias,
        flags,
        kind,
        default,
    }
}

use flag::*;

/// Every parameter of Redis 7.0.15 (a TLS build, as Debian's), sorted by name.
pub static PARAMS: &[Param] = &[
    p(
        "acl-pubsub-default",
        None,
        MODIFIABLE,
        Kind::Enum(&["allchannels", "resetchannels"]),
        "resetchannels",
    ),
    p("aclfile", None, IMMUTABLE, Kind::Text(Check::None), ""),
    p(
        "acllog-max-len",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: false,
        },
        "128",
    ),
    p(
        "active-defrag-cycle-max",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 1,
            max: 99,
            unit: Unit::Integer,
            unsigned: false,
        },
        "25",
    ),
    p(
        "active-defrag-cycle-min",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 1,
            max: 99,
            unit: Unit::Integer,
            unsigned: false,
        },
        "1",
    ),
    p(
        "active-defrag-ignore-bytes",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 1,
            max: 9223372036854775807,
            unit: Unit::Memory,
            unsigned: true,
        },
        "104857600",
    ),
    p(
        "active-defrag-max-scan-fields",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 1,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: false,
        },
        "1000",
    ),
    p(
        "active-defrag-threshold-lower",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 1000,
            unit: Unit::Integer,
            unsigned: false,
        },
        "10",
    ),
    p(
        "active-defrag-threshold-upper",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 1000,
            unit: Unit::Integer,
            unsigned: false,
        },
        "100",
    ),
    p(
        "active-expire-effort",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 1,
            max: 10,
            unit: Unit::Integer,
            unsigned: false,
        },
        "1",
    ),
    p("activedefrag", None, DEBUG | MODIFIABLE, Kind::Bool, "no"),
    p("activerehashing", None, MODIFIABLE, Kind::Bool, "yes"),
    p("always-show-logo", None, IMMUTABLE, Kind::Bool, "no"),
    p("aof-disable-auto-gc", None, MODIFIABLE, Kind::Bool, "no"),
    p("aof-load-truncated", None, MODIFIABLE, Kind::Bool, "yes"),
    p(
        "aof-rewrite-incremental-fsync",
        None,
        MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p("aof-timestamp-enabled", None, MODIFIABLE, Kind::Bool, "no"),
    p("aof-use-rdb-preamble", None, MODIFIABLE, Kind::Bool, "yes"),
    p(
        "aof_rewrite_cpulist",
        None,
        IMMUTABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "appenddirname",
        None,
        IMMUTABLE,
        Kind::Text(Check::FileName),
        "appendonlydir",
    ),
    p(
        "appendfilename",
        None,
        IMMUTABLE,
        Kind::Text(Check::FileName),
        "appendonly.aof",
    ),
    p(
        "appendfsync",
        None,
        MODIFIABLE,
        Kind::Enum(&["everysec", "always", "no"]),
        "everysec",
    ),
    p(
        "appendonly",
        None,
        MODIFIABLE | DENY_LOADING,
        Kind::Bool,
        "no",
    ),
    p(
        "auto-aof-rewrite-min-size",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Memory,
            unsigned: false,
        },
        "67108864",
    ),
    p(
        "auto-aof-rewrite-percentage",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "100",
    ),
    p(
        "bgsave_cpulist",
        None,
        IMMUTABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "bind",
        None,
        MODIFIABLE | MULTI_ARG,
        Kind::Special,
        "* -::*",
    ),
    p(
        "bind-source-addr",
        None,
        MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p("bio_cpulist", None, IMMUTABLE, Kind::Text(Check::None), ""),
    p(
        "busy-reply-threshold",
        Some("lua-time-limit"),
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: false,
        },
        "5000",
    ),
    p(
        "client-output-buffer-limit",
        None,
        MODIFIABLE | MULTI_ARG,
        Kind::Special,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    ),
    p(
        "client-query-buffer-limit",
        None,
        DEBUG | MODIFIABLE,
        Kind::Num {
            min: 1048576,
            max: 9223372036854775807,
            unit: Unit::Memory,
            unsigned: true,
        },
        "1073741824",
    ),
    p(
        "cluster-allow-pubsubshard-when-down",
        None,
        MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p(
        "cluster-allow-reads-when-down",
        None,
        MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "cluster-allow-replica-migration",
        None,
        MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p(
        "cluster-announce-bus-port",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 65535,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "cluster-announce-hostname",
        None,
        MODIFIABLE,
        Kind::Text(Check::Hostname),
        "",
    ),
    p(
        "cluster-announce-ip",
        None,
        MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "cluster-announce-port",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 65535,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "cluster-announce-tls-port",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 65535,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "cluster-config-file",
        None,
        IMMUTABLE,
        Kind::Text(Check::None),
        "nodes.conf",
    ),
    p("cluster-enabled", None, IMMUTABLE, Kind::Bool, "no"),
    p(
        "cluster-link-sendbuf-limit",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 18446744073709551615,
            unit: Unit::Memory,
            unsigned: true,
        },
        "0",
    ),
    p(
        "cluster-migration-barrier",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "1",
    ),
    p(
        "cluster-node-timeout",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: false,
        },
        "15000",
    ),
    p(
        "cluster-port",
        None,
        IMMUTABLE,
        Kind::Num {
            min: 0,
            max: 65535,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "cluster-preferred-endpoint-type",
        None,
        MODIFIABLE,
        Kind::Enum(&["ip", "hostname", "unknown-endpoint"]),
        "ip",
    ),
    p(
        "cluster-replica-no-failover",
        Some("cluster-slave-no-failover"),
        MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "cluster-replica-validity-factor",
        Some("cluster-slave-validity-factor"),
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "10",
    ),
    p(
        "cluster-require-full-coverage",
        None,
        MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p("crash-log-enabled", None, MODIFIABLE, Kind::Bool, "yes"),
    p(
        "crash-memcheck-enabled",
        None,
        MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p("daemonize", None, IMMUTABLE, Kind::Bool, "no"),
    p(
        "databases",
        None,
        IMMUTABLE,
        Kind::Num {
            min: 1,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "16",
    ),
    p(
        "dbfilename",
        None,
        MODIFIABLE | PROTECTED,
        Kind::Text(Check::FileName),
        "dump.rdb",
    ),
    p(
        "dir",
        None,
        MODIFIABLE | PROTECTED | DENY_LOADING,
        Kind::Special,
        "",
    ),
    p("disable-thp", None, IMMUTABLE, Kind::Bool, "yes"),
    p("dynamic-hz", None, MODIFIABLE, Kind::Bool, "yes"),
    p(
        "enable-debug-command",
        None,
        IMMUTABLE,
        Kind::Enum(&["no", "yes", "local"]),
        "no",
    ),
    p(
        "enable-module-command",
        None,
        IMMUTABLE,
        Kind::Enum(&["no", "yes", "local"]),
        "no",
    ),
    p(
        "enable-protected-configs",
        None,
        IMMUTABLE,
        Kind::Enum(&["no", "yes", "local"]),
        "no",
    ),
    p(
        "hash-max-listpack-entries",
        Some("hash-max-ziplist-entries"),
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: true,
        },
        "512",
    ),
    p(
        "hash-max-listpack-value",
        Some("hash-max-ziplist-value"),
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Memory,
            unsigned: true,
        },
        "64",
    ),
    p(
        "hll-sparse-max-bytes",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Memory,
            unsigned: true,
        },
        "3000",
    ),
    p(
        "hz",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "10",
    ),
    p(
        "ignore-warnings",
        None,
        MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "io-threads",
        None,
        DEBUG | IMMUTABLE,
        Kind::Num {
            min: 1,
            max: 128,
            unit: Unit::Integer,
            unsigned: false,
        },
        "1",
    ),
    p(
        "io-threads-do-reads",
        None,
        DEBUG | IMMUTABLE,
        Kind::Bool,
        "no",
    ),
    p("jemalloc-bg-thread", None, MODIFIABLE, Kind::Bool, "yes"),
    p(
        "key-load-delay",
        None,
        MODIFIABLE | HIDDEN,
        Kind::Num {
            min: -2147483648,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "latency-monitor-threshold",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p("latency-tracking", None, MODIFIABLE, Kind::Bool, "yes"),
    p(
        "latency-tracking-info-percentiles",
        None,
        MODIFIABLE | MULTI_ARG,
        Kind::Special,
        "50 99 99.9",
    ),
    p(
        "lazyfree-lazy-eviction",
        None,
        DEBUG | MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "lazyfree-lazy-expire",
        None,
        DEBUG | MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "lazyfree-lazy-server-del",
        None,
        DEBUG | MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "lazyfree-lazy-user-del",
        None,
        DEBUG | MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "lazyfree-lazy-user-flush",
        None,
        DEBUG | MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "lfu-decay-time",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "1",
    ),
    p(
        "lfu-log-factor",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "10",
    ),
    p(
        "list-compress-depth",
        None,
        DEBUG | MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "list-max-listpack-size",
        Some("list-max-ziplist-size"),
        MODIFIABLE,
        Kind::Num {
            min: -2147483648,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "-2",
    ),
    p(
        "loading-process-events-interval-bytes",
        None,
        MODIFIABLE | HIDDEN,
        Kind::Num {
            min: 1024,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "2097152",
    ),
    p("logfile", None, IMMUTABLE, Kind::Text(Check::None), ""),
    p(
        "loglevel",
        None,
        MODIFIABLE,
        Kind::Enum(&["debug", "verbose", "notice", "warning"]),
        "notice",
    ),
    p(
        "masterauth",
        None,
        MODIFIABLE | SENSITIVE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "masteruser",
        None,
        MODIFIABLE | SENSITIVE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "maxclients",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 1,
            max: 4294967295,
            unit: Unit::Integer,
            unsigned: true,
        },
        "10000",
    ),
    p(
        "maxmemory",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 18446744073709551615,
            unit: Unit::Memory,
            unsigned: true,
        },
        "0",
    ),
    p(
        "maxmemory-clients",
        None,
        MODIFIABLE,
        Kind::Num {
            min: -100,
            max: 9223372036854775807,
            unit: Unit::MemoryOrPercent,
            unsigned: false,
        },
        "0",
    ),
    p(
        "maxmemory-eviction-tenacity",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 100,
            unit: Unit::Integer,
            unsigned: false,
        },
        "10",
    ),
    p(
        "maxmemory-policy",
        None,
        MODIFIABLE,
        Kind::Enum(&[
            "volatile-lru",
            "volatile-lfu",
            "volatile-random",
            "volatile-ttl",
            "allkeys-lru",
            "allkeys-lfu",
            "allkeys-random",
            "noeviction",
        ]),
        "noeviction",
    ),
    p(
        "maxmemory-samples",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 1,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "5",
    ),
    p(
        "min-replicas-max-lag",
        Some("min-slaves-max-lag"),
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "10",
    ),
    p(
        "min-replicas-to-write",
        Some("min-slaves-to-write"),
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "no-appendfsync-on-rewrite",
        None,
        MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "notify-keyspace-events",
        None,
        MODIFIABLE,
        Kind::Special,
        "",
    ),
    p(
        "oom-score-adj",
        None,
        MODIFIABLE,
        Kind::Enum(&["no", "yes", "relative", "absolute"]),
        "no",
    ),
    p(
        "oom-score-adj-values",
        None,
        MODIFIABLE | MULTI_ARG,
        Kind::Special,
        "0 200 800",
    ),
    p("pidfile", None, IMMUTABLE, Kind::Text(Check::None), ""),
    p(
        "port",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 65535,
            unit: Unit::Integer,
            unsigned: false,
        },
        "6379",
    ),
    p(
        "proc-title-template",
        None,
        MODIFIABLE,
        Kind::Text(Check::ProcTitle),
        "{title} {listen-addr} {server-mode}",
    ),
    p(
        "propagation-error-behavior",
        None,
        MODIFIABLE,
        Kind::Enum(&["ignore", "panic", "panic-on-replicas"]),
        "ignore",
    ),
    p("protected-mode", None, MODIFIABLE, Kind::Bool, "yes"),
    p(
        "proto-max-bulk-len",
        None,
        DEBUG | MODIFIABLE,
        Kind::Num {
            min: 1048576,
            max: 9223372036854775807,
            unit: Unit::Memory,
            unsigned: false,
        },
        "536870912",
    ),
    p("rdb-del-sync-files", None, MODIFIABLE, Kind::Bool, "no"),
    p(
        "rdb-key-save-delay",
        None,
        MODIFIABLE | HIDDEN,
        Kind::Num {
            min: -2147483648,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "rdb-save-incremental-fsync",
        None,
        MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p("rdbchecksum", None, IMMUTABLE, Kind::Bool, "yes"),
    p("rdbcompression", None, MODIFIABLE, Kind::Bool, "yes"),
    p(
        "repl-backlog-size",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 1,
            max: 9223372036854775807,
            unit: Unit::Memory,
            unsigned: false,
        },
        "1048576",
    ),
    p(
        "repl-backlog-ttl",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: false,
        },
        "3600",
    ),
    p(
        "repl-disable-tcp-nodelay",
        None,
        MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "repl-diskless-load",
        None,
        DEBUG | MODIFIABLE | DENY_LOADING,
        Kind::Enum(&["disabled", "on-empty-db", "swapdb"]),
        "disabled",
    ),
    p(
        "repl-diskless-sync",
        None,
        DEBUG | MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p(
        "repl-diskless-sync-delay",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "5",
    ),
    p(
        "repl-diskless-sync-max-replicas",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "repl-ping-replica-period",
        Some("repl-ping-slave-period"),
        MODIFIABLE,
        Kind::Num {
            min: 1,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "10",
    ),
    p(
        "repl-timeout",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 1,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "60",
    ),
    p(
        "replica-announce-ip",
        Some("slave-announce-ip"),
        MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "replica-announce-port",
        Some("slave-announce-port"),
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 65535,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p("replica-announced", None, MODIFIABLE, Kind::Bool, "yes"),
    p(
        "replica-ignore-disk-write-errors",
        None,
        MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "replica-ignore-maxmemory",
        Some("slave-ignore-maxmemory"),
        MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p(
        "replica-lazy-flush",
        Some("slave-lazy-flush"),
        MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "replica-priority",
        Some("slave-priority"),
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "100",
    ),
    p(
        "replica-read-only",
        Some("slave-read-only"),
        DEBUG | MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p(
        "replica-serve-stale-data",
        Some("slave-serve-stale-data"),
        MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p(
        "replicaof",
        Some("slaveof"),
        IMMUTABLE | MULTI_ARG,
        Kind::Special,
        "",
    ),
    p(
        "requirepass",
        None,
        MODIFIABLE | SENSITIVE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "sanitize-dump-payload",
        None,
        DEBUG | MODIFIABLE,
        Kind::Enum(&["no", "yes", "clients"]),
        "no",
    ),
    p(
        "save",
        None,
        MODIFIABLE | MULTI_ARG,
        Kind::Special,
        "3600 1 300 100 60 10000",
    ),
    p(
        "server_cpulist",
        None,
        IMMUTABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "set-max-intset-entries",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: true,
        },
        "512",
    ),
    p("set-proc-title", None, IMMUTABLE, Kind::Bool, "yes"),
    p(
        "shutdown-on-sigint",
        None,
        MODIFIABLE | MULTI_ARG,
        Kind::EnumSet(&["default", "save", "nosave", "now", "force"]),
        "default",
    ),
    p(
        "shutdown-on-sigterm",
        None,
        MODIFIABLE | MULTI_ARG,
        Kind::EnumSet(&["default", "save", "nosave", "now", "force"]),
        "default",
    ),
    p(
        "shutdown-timeout",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "10",
    ),
    p(
        "slowlog-log-slower-than",
        None,
        MODIFIABLE,
        Kind::Num {
            min: -1,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: false,
        },
        "10000",
    ),
    p(
        "slowlog-max-len",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: false,
        },
        "128",
    ),
    p(
        "socket-mark-id",
        None,
        IMMUTABLE,
        Kind::Num {
            min: 0,
            max: 4294967295,
            unit: Unit::Integer,
            unsigned: true,
        },
        "0",
    ),
    p(
        "stop-writes-on-bgsave-error",
        None,
        MODIFIABLE,
        Kind::Bool,
        "yes",
    ),
    p(
        "stream-node-max-bytes",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Memory,
            unsigned: true,
        },
        "4096",
    ),
    p(
        "stream-node-max-entries",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: false,
        },
        "100",
    ),
    p(
        "supervised",
        None,
        IMMUTABLE,
        Kind::Enum(&["upstart", "systemd", "auto", "no"]),
        "no",
    ),
    p("syslog-enabled", None, IMMUTABLE, Kind::Bool, "no"),
    p(
        "syslog-facility",
        None,
        IMMUTABLE,
        Kind::Enum(&[
            "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
        ]),
        "local0",
    ),
    p(
        "syslog-ident",
        None,
        IMMUTABLE,
        Kind::Text(Check::None),
        "redis",
    ),
    p(
        "tcp-backlog",
        None,
        IMMUTABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "511",
    ),
    p(
        "tcp-keepalive",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "300",
    ),
    p(
        "timeout",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "tls-auth-clients",
        None,
        MODIFIABLE,
        Kind::Enum(&["no", "yes", "optional"]),
        "yes",
    ),
    p(
        "tls-ca-cert-dir",
        None,
        VOLATILE | MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "tls-ca-cert-file",
        None,
        VOLATILE | MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "tls-cert-file",
        None,
        VOLATILE | MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p("tls-ciphers", None, MODIFIABLE, Kind::Text(Check::None), ""),
    p(
        "tls-ciphersuites",
        None,
        MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "tls-client-cert-file",
        None,
        VOLATILE | MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "tls-client-key-file",
        None,
        VOLATILE | MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "tls-client-key-file-pass",
        None,
        MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p("tls-cluster", None, MODIFIABLE, Kind::Bool, "no"),
    p(
        "tls-dh-params-file",
        None,
        VOLATILE | MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "tls-key-file",
        None,
        VOLATILE | MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "tls-key-file-pass",
        None,
        MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p(
        "tls-port",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 65535,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "tls-prefer-server-ciphers",
        None,
        MODIFIABLE,
        Kind::Bool,
        "no",
    ),
    p(
        "tls-protocols",
        None,
        MODIFIABLE,
        Kind::Text(Check::None),
        "",
    ),
    p("tls-replication", None, MODIFIABLE, Kind::Bool, "no"),
    p(
        "tls-session-cache-size",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "20480",
    ),
    p(
        "tls-session-cache-timeout",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "300",
    ),
    p("tls-session-caching", None, MODIFIABLE, Kind::Bool, "yes"),
    p(
        "tracking-table-max-keys",
        None,
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: true,
        },
        "1000000",
    ),
    p("unixsocket", None, IMMUTABLE, Kind::Text(Check::None), ""),
    p(
        "unixsocketperm",
        None,
        IMMUTABLE,
        Kind::Num {
            min: 0,
            max: 511,
            unit: Unit::Octal,
            unsigned: true,
        },
        "0",
    ),
    p(
        "use-exit-on-panic",
        None,
        MODIFIABLE | HIDDEN,
        Kind::Bool,
        "no",
    ),
    p(
        "watchdog-period",
        None,
        MODIFIABLE | HIDDEN,
        Kind::Num {
            min: 0,
            max: 2147483647,
            unit: Unit::Integer,
            unsigned: false,
        },
        "0",
    ),
    p(
        "zset-max-listpack-entries",
        Some("zset-max-ziplist-entries"),
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Integer,
            unsigned: true,
        },
        "128",
    ),
    p(
        "zset-max-listpack-value",
        Some("zset-max-ziplist-value"),
        MODIFIABLE,
        Kind::Num {
            min: 0,
            max: 9223372036854775807,
            unit: Unit::Memory,
            unsigned: true,
        },
        "64",
    ),
];

/// The parameter `name` (or an alias of it) names, case-insensitively, as
/// `lookupConfig` finds it. Commands read settings this way on every call
/// (ZADD's listpack limits, XADD's node sizes), so a parameter's own name is
/// found by binary search over the table (sorted, lowercase); only an alias
/// takes a scan.
pub fn find(name: &[u8]) -> Option<&'static Param> {
    let mut buf = [0u8; 64];
    if let Some(lower) = buf.get_mut(..name.len()) {
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        if let Ok(i) = PARAMS.binary_search_by(|p| p.name.as_bytes().cmp(lower)) {
            return Some(&PARAMS[i]);
        }
    }
    PARAMS.iter().find(|p| {
        p.alias
            .is_some_and(|a| a.as_bytes().eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`find`]'s binary search needs lowercase names (sorted, as tested
    /// above); every name and alias finds its parameter in any case.
    #[test]
    fn find_finds_every_name_and_alias() {
        for p in PARAMS {
            assert_eq!(p.name, p.name.to_ascii_lowercase());
            for name in [Some(p.name), p.alias].into_iter().flatten() {
                for typed in [name.to_string(), name.to_ascii_uppercase()] {
                    assert_eq!(find(typed.as_bytes()).map(|f| f.name), Some(p.name));
                }
            }
        }
        assert!(find(b"no-such-parameter").is_none());
        assert!(find(&[b'a'; 100]).is_none());
    }

    /// `CONFIG GET *` on redis-server 7.0.15 (Debian) lists 192 names: 178
    /// parameters and 19 aliases, less the 5 hidden ones.
    #[test]
    fn the_table_has_redis_7_0_15s_parameters() {
        assert_eq!(PARAMS.len(), 178);
        let aliases = PARAMS.iter().filter(|p| p.alias.is_some()).count();
        let hidden = PARAMS.iter().filter(|p| p.has(HIDDEN)).count();
        assert_eq!((aliases, hidden), (19, 5));
        assert!(
            PARAMS.windows(2).all(|w| w[0].name < w[1].name),
            "sorted, unique"
        );
    }

    #[test]
    fn lookup_is_case_insensitive_and_knows_aliases() {
        assert_eq!(find(b"SLAVE-READ-ONLY").unwrap().name, "replica-read-only");
        assert_eq!(find(b"Cluster-Node-Timeout").unwrap().default, "15000");
        assert!(find(b"no-such-thing").is_none());
    }
}
