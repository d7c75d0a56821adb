//! The command table: names, arities, flags and key positions as in Redis 7's
//! `commands.def`, used for arity checks, key extraction (routing), and the
//! `COMMAND` reply that cluster clients rely on.

/// Command flags (the subset that matters here), as `COMMAND` prints them.
pub mod flags {
    /// `write`: changes data; refused on replicas and streamed to them.
    pub const WRITE: u16 = 1;
    /// `readonly`: only reads data (a READONLY replica may serve it).
    pub const READONLY: u16 = 2;
    /// `denyoom`: refused when out of memory.
    pub const DENYOOM: u16 = 4;
    /// `admin`: an administrative command.
    pub const ADMIN: u16 = 8;
    /// `pubsub`: a pub/sub command.
    pub const PUBSUB: u16 = 16;
    /// `noscript`: not allowed in scripts.
    pub const NOSCRIPT: u16 = 32;
    /// `loading`: allowed while the dataset loads.
    pub const LOADING: u16 = 64;
    /// `stale`: allowed on a replica with a broken link to its master.
    pub const STALE: u16 = 128;
    /// `fast`: constant or logarithmic time.
    pub const FAST: u16 = 256;
    /// `no_auth`: allowed before AUTH.
    pub const NO_AUTH: u16 = 512;
    /// `movablekeys`: key positions depend on the arguments (COMMAND GETKEYS finds them).
    pub const MOVABLEKEYS: u16 = 1024;
    /// `asking`: accepted on an importing slot without ASKING (RESTORE-ASKING).
    pub const ASKING: u16 = 2048;
    /// Not a Redis flag: allowed while subscribed in RESP2.
    pub const SUBSCRIBE_OK: u16 = 4096;
}

/// One command's static description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    /// Lowercase command name, as `COMMAND` prints it.
    pub name: &'static str,
    /// Positive: exact argument count (with the name); negative: at least -arity.
    pub arity: i32,
    /// [`flags`] bits.
    pub flags: u16,
    /// Position of the first key argument (0: no keys).
    pub first_key: i32,
    /// Position of the last key argument (negative: counted from the end).
    pub last_key: i32,
    /// Distance between key arguments (2 for MSET's key/value pairs).
    pub step: i32,
    /// ACL categories, as `COMMAND` lists them.
    pub acl: &'static [&'static str],
}

impl CommandSpec {
    /// Whether the command has `flag` (a [`flags`] bit).
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// Whether `argc` arguments (the name included) satisfy the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        let argc = argc as i32;
        if self.arity >= 0 {
            argc == self.arity
        } else {
            argc >= -self.arity
        }
    }

    /// Positions of key arguments in `args` (index 0 is the name).
    pub fn key_positions(&self, args: &[Vec<u8>]) -> Vec<usize> {
        self.key_indices(args).collect()
    }

    /// [`key_positions`](Self::key_positions) without collecting them:
    /// routing walks them on every command and must not allocate.
    pub fn key_indices(
        &self,
        args: &[Vec<u8>],
    ) -> std::iter::Chain<
        std::iter::StepBy<std::ops::RangeInclusive<usize>>,
        std::vec::IntoIter<usize>,
    > {
        // (first, last) = (1, 0): no positions from the range.
        let (first, last, listed) = if self.name == "migrate" {
            (1, 0, migrate_keys(args))
        } else if matches!(self.name, "zunionstore" | "zinterstore") {
            (1, 0, zstore_keys(args))
        } else {
            let argc = args.len() as i32;
            let last = if self.last_key < 0 {
                argc + self.last_key
            } else {
                self.last_key.min(argc - 1)
            };
            if self.first_key <= 0 || last < self.first_key {
                (1, 0, Vec::new())
            } else {
                (self.first_key as usize, last as usize, Vec::new())
            }
        };
        (first..=last)
            .step_by(self.step.max(1) as usize)
            .chain(listed)
    }

    /// The flag words `COMMAND` prints.
    pub fn flag_words(&self) -> Vec<&'static str> {
        use flags::*;
        [
            (WRITE, "write"),
            (READONLY, "readonly"),
            (DENYOOM, "denyoom"),
            (ADMIN, "admin"),
            (PUBSUB, "pubsub"),
            (NOSCRIPT, "noscript"),
            (LOADING, "loading"),
            (STALE, "stale"),
            (FAST, "fast"),
            (NO_AUTH, "no_auth"),
            (MOVABLEKEYS, "movablekeys"),
            (ASKING, "asking"),
        ]
        .into_iter()
        .filter(|(f, _)| self.has(*f))
        .map(|(_, w)| w)
        .collect()
    }
}

/// `MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 u p] [KEYS k…]`.
fn migrate_keys(args: &[Vec<u8>]) -> Vec<usize> {
    if args.get(3).is_some_and(|k| !k.is_empty()) {
        return vec![3];
    }
    match args.iter().position(|a| a.eq_ignore_ascii_case(b"keys")) {
        Some(i) => (i + 1..args.len()).collect(),
        None => Vec::new(),
    }
}

/// `ZUNIONSTORE dest numkeys key…` (`zunionInterDiffStoreGetKeys`): the
/// destination and `numkeys` sources, read with `atoi`; a count that does
/// not fit the arguments means no keys (the command then fails itself).
fn zstore_keys(args: &[Vec<u8>]) -> Vec<usize> {
    let digits = args.get(2).map_or(&[][..], |a| a);
    let neg = digits.first() == Some(&b'-');
    let num = digits[neg as usize..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .fold(0usize, |n, c| {
            n.saturating_mul(10).saturating_add((c - b'0') as usize)
        });
    if neg || num < 1 || num > args.len().saturating_sub(3) {
        return Vec::new();
    }
    std::iter::once(1).chain(3..3 + num).collect()
}

macro_rules! cmd {
    ($name:expr, $arity:expr, $flags:expr, $first:expr, $last:expr, $step:expr, [$($acl:expr),*]) => {
        CommandSpec {
            name: $name,
            arity: $arity,
            flags: $flags,
            first_key: $first,
            last_key: $last,
            step: $step,
            acl: &[$($acl),*],
        }
    };
}

use flags::*;

/// Every command this node understands, sorted by name.
pub static COMMANDS: &[CommandSpec] = &[
    cmd!(
        "append",
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@string", "@fast"]
    ),
    cmd!("asking", 1, FAST, 0, 0, 0, ["@connection", "@fast"]),
    cmd!(
        "auth",
        -2,
        NOSCRIPT | LOADING | STALE | FAST | NO_AUTH,
        0,
        0,
        0,
        ["@fast", "@connection"]
    ),
    cmd!(
        "client",
        -2,
        NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        ["@slow", "@connection"]
    ),
    cmd!("cluster", -2, 0, 0, 0, 0, ["@slow"]),
    cmd!(
        "command",
        -1,
        LOADING | STALE,
        0,
        0,
        0,
        ["@slow", "@connection"]
    ),
    cmd!(
        "config",
        -2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        ["@admin", "@slow", "@dangerous"]
    ),
    cmd!(
        "copy",
        -3,
        WRITE | DENYOOM,
        1,
        2,
        1,
        ["@keyspace", "@write", "@slow"]
    ),
    cmd!(
        "dbsize",
        1,
        READONLY | FAST,
        0,
        0,
        0,
        ["@keyspace", "@read", "@fast"]
    ),
    cmd!(
        "decr",
        2,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@string", "@fast"]
    ),
    cmd!(
        "decrby",
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@string", "@fast"]
    ),
    cmd!("del", -2, WRITE, 1, -1, 1, ["@keyspace", "@write", "@slow"]),
    cmd!(
        "discard",
        1,
        NOSCRIPT | LOADING | STALE | FAST,
        0,
        0,
        0,
        ["@fast", "@transaction"]
    ),
    cmd!(
        "dump",
        2,
        READONLY,
        1,
        1,
        1,
        ["@keyspace", "@read", "@slow"]
    ),
    cmd!("echo", 2, FAST, 0, 0, 0, ["@fast", "@connection"]),
    cmd!(
        "exec",
        1,
        NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        ["@slow", "@transaction"]
    ),
    cmd!(
        "exists",
        -2,
        READONLY | FAST,
        1,
        -1,
        1,
        ["@keyspace", "@read", "@fast"]
    ),
    cmd!(
        "expire",
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        ["@keyspace", "@write", "@fast"]
    ),
    cmd!(
        "expireat",
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        ["@keyspace", "@write", "@fast"]
    ),
    cmd!(
        "flushall",
        -1,
        WRITE,
        0,
        0,
        0,
        ["@keyspace", "@write", "@slow", "@dangerous"]
    ),
    cmd!(
        "flushdb",
        -1,
        WRITE,
        0,
        0,
        0,
        ["@keyspace", "@write", "@slow", "@dangerous"]
    ),
    cmd!(
        "get",
        2,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@string", "@fast"]
    ),
    cmd!(
        "getbit",
        3,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@bitmap", "@fast"]
    ),
    cmd!(
        "getdel",
        2,
        WRITE | FAST,
        1,
        1,
        1,
        ["@write", "@string", "@fast"]
    ),
    cmd!(
        "getex",
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        ["@write", "@string", "@fast"]
    ),
    cmd!(
        "getset",
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@string", "@fast"]
    ),
    cmd!(
        "hdel",
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        ["@write", "@hash", "@fast"]
    ),
    cmd!(
        "hello",
        -1,
        NOSCRIPT | LOADING | STALE | FAST | NO_AUTH,
        0,
        0,
        0,
        ["@fast", "@connection"]
    ),
    cmd!(
        "hexists",
        3,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@hash", "@fast"]
    ),
    cmd!(
        "hget",
        3,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@hash", "@fast"]
    ),
    cmd!("hgetall", 2, READONLY, 1, 1, 1, ["@read", "@hash", "@slow"]),
    cmd!(
        "hincrby",
        4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@hash", "@fast"]
    ),
    cmd!(
        "hlen",
        2,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@hash", "@fast"]
    ),
    cmd!(
        "hmset",
        -4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@hash", "@fast"]
    ),
    cmd!(
        "hset",
        -4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@hash", "@fast"]
    ),
    cmd!(
        "hsetnx",
        4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@hash", "@fast"]
    ),
    cmd!(
        "incr",
        2,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@string", "@fast"]
    ),
    cmd!(
        "incrby",
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@string", "@fast"]
    ),
    cmd!(
        "info",
        -1,
        LOADING | STALE,
        0,
        0,
        0,
        ["@slow", "@dangerous"]
    ),
    cmd!(
        "keys",
        2,
        READONLY,
        0,
        0,
        0,
        ["@keyspace", "@read", "@slow", "@dangerous"]
    ),
    cmd!("lindex", 3, READONLY, 1, 1, 1, ["@read", "@list", "@slow"]),
    cmd!(
        "linsert",
        5,
        WRITE | DENYOOM,
        1,
        1,
        1,
        ["@write", "@list", "@slow"]
    ),
    cmd!(
        "llen",
        2,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@list", "@fast"]
    ),
    cmd!(
        "lmove",
        5,
        WRITE | DENYOOM,
        1,
        2,
        1,
        ["@write", "@list", "@slow"]
    ),
    cmd!(
        "lpop",
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        ["@write", "@list", "@fast"]
    ),
    cmd!(
        "lpush",
        -3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@list", "@fast"]
    ),
    cmd!(
        "lpushx",
        -3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@list", "@fast"]
    ),
    cmd!("lrange", 4, READONLY, 1, 1, 1, ["@read", "@list", "@slow"]),
    cmd!("lrem", 4, WRITE, 1, 1, 1, ["@write", "@list", "@slow"]),
    cmd!(
        "lset",
        4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        ["@write", "@list", "@slow"]
    ),
    cmd!("ltrim", 4, WRITE, 1, 1, 1, ["@write", "@list", "@slow"]),
    cmd!(
        "mget",
        -2,
        READONLY | FAST,
        1,
        -1,
        1,
        ["@read", "@string", "@fast"]
    ),
    cmd!(
        "migrate",
        -6,
        WRITE | MOVABLEKEYS,
        3,
        3,
        1,
        ["@keyspace", "@write", "@slow", "@dangerous"]
    ),
    cmd!(
        "mset",
        -3,
        WRITE | DENYOOM,
        1,
        -1,
        2,
        ["@write", "@string", "@slow"]
    ),
    cmd!(
        "msetnx",
        -3,
        WRITE | DENYOOM,
        1,
        -1,
        2,
        ["@write", "@string", "@slow"]
    ),
    cmd!(
        "multi",
        1,
        NOSCRIPT | LOADING | STALE | FAST,
        0,
        0,
        0,
        ["@fast", "@transaction"]
    ),
    cmd!(
        "persist",
        2,
        WRITE | FAST,
        1,
        1,
        1,
        ["@keyspace", "@write", "@fast"]
    ),
    cmd!(
        "pexpire",
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        ["@keyspace", "@write", "@fast"]
    ),
    cmd!(
        "pexpireat",
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        ["@keyspace", "@write", "@fast"]
    ),
    cmd!(
        "ping",
        -1,
        FAST | SUBSCRIBE_OK,
        0,
        0,
        0,
        ["@fast", "@connection"]
    ),
    cmd!(
        "psetex",
        4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        ["@write", "@string", "@slow"]
    ),
    cmd!(
        "psubscribe",
        -2,
        PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK,
        0,
        0,
        0,
        ["@pubsub", "@slow"]
    ),
    cmd!(
        "pttl",
        2,
        READONLY | FAST,
        1,
        1,
        1,
        ["@keyspace", "@read", "@fast"]
    ),
    cmd!(
        "publish",
        3,
        PUBSUB | LOADING | STALE | FAST,
        0,
        0,
        0,
        ["@pubsub", "@fast"]
    ),
    cmd!("pubsub", -2, 0, 0, 0, 0, ["@slow"]),
    cmd!(
        "punsubscribe",
        -1,
        PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK,
        0,
        0,
        0,
        ["@pubsub", "@slow"]
    ),
    cmd!(
        "readonly",
        1,
        LOADING | STALE | FAST,
        0,
        0,
        0,
        ["@fast", "@connection"]
    ),
    cmd!(
        "readwrite",
        1,
        LOADING | STALE | FAST,
        0,
        0,
        0,
        ["@fast", "@connection"]
    ),
    cmd!(
        "rename",
        3,
        WRITE,
        1,
        2,
        1,
        ["@keyspace", "@write", "@slow"]
    ),
    cmd!(
        "renamenx",
        3,
        WRITE | FAST,
        1,
        2,
        1,
        ["@keyspace", "@write", "@fast"]
    ),
    cmd!(
        "restore",
        -4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        ["@keyspace", "@write", "@slow", "@dangerous"]
    ),
    cmd!(
        "restore-asking",
        -4,
        WRITE | DENYOOM | ASKING,
        1,
        1,
        1,
        ["@keyspace", "@write", "@slow", "@dangerous"]
    ),
    cmd!(
        "role",
        1,
        NOSCRIPT | LOADING | STALE | FAST,
        0,
        0,
        0,
        ["@admin", "@fast", "@dangerous"]
    ),
    cmd!(
        "rpop",
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        ["@write", "@list", "@fast"]
    ),
    cmd!(
        "rpoplpush",
        3,
        WRITE | DENYOOM,
        1,
        2,
        1,
        ["@write", "@list", "@slow"]
    ),
    cmd!(
        "rpush",
        -3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@list", "@fast"]
    ),
    cmd!(
        "rpushx",
        -3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@list", "@fast"]
    ),
    cmd!(
        "sadd",
        -3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@set", "@fast"]
    ),
    cmd!(
        "scan",
        -2,
        READONLY,
        0,
        0,
        0,
        ["@keyspace", "@read", "@slow"]
    ),
    cmd!(
        "scard",
        2,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@set", "@fast"]
    ),
    cmd!(
        "sdiffstore",
        -3,
        WRITE | DENYOOM,
        1,
        -1,
        1,
        ["@write", "@set", "@slow"]
    ),
    cmd!(
        "select",
        2,
        LOADING | STALE | FAST,
        0,
        0,
        0,
        ["@fast", "@connection"]
    ),
    cmd!(
        "set",
        -3,
        WRITE | DENYOOM,
        1,
        1,
        1,
        ["@write", "@string", "@slow"]
    ),
    cmd!(
        "setbit",
        4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        ["@write", "@bitmap", "@slow"]
    ),
    cmd!(
        "setex",
        4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        ["@write", "@string", "@slow"]
    ),
    cmd!(
        "setnx",
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@string", "@fast"]
    ),
    cmd!(
        "setrange",
        4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        ["@write", "@string", "@slow"]
    ),
    cmd!(
        "sinterstore",
        -3,
        WRITE | DENYOOM,
        1,
        -1,
        1,
        ["@write", "@set", "@slow"]
    ),
    cmd!(
        "sismember",
        3,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@set", "@fast"]
    ),
    cmd!(
        "smove",
        4,
        WRITE | FAST,
        1,
        2,
        1,
        ["@write", "@set", "@fast"]
    ),
    cmd!(
        "spop",
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        ["@write", "@set", "@fast"]
    ),
    cmd!(
        "spublish",
        3,
        PUBSUB | LOADING | STALE | FAST,
        1,
        1,
        1,
        ["@pubsub", "@fast"]
    ),
    cmd!(
        "srem",
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        ["@write", "@set", "@fast"]
    ),
    cmd!(
        "ssubscribe",
        -2,
        PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK,
        1,
        -1,
        1,
        ["@pubsub", "@slow"]
    ),
    cmd!(
        "strlen",
        2,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@string", "@fast"]
    ),
    cmd!(
        "subscribe",
        -2,
        PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK,
        0,
        0,
        0,
        ["@pubsub", "@slow"]
    ),
    cmd!(
        "sunionstore",
        -3,
        WRITE | DENYOOM,
        1,
        -1,
        1,
        ["@write", "@set", "@slow"]
    ),
    cmd!(
        "sunsubscribe",
        -1,
        PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK,
        1,
        -1,
        1,
        ["@pubsub", "@slow"]
    ),
    cmd!(
        "ttl",
        2,
        READONLY | FAST,
        1,
        1,
        1,
        ["@keyspace", "@read", "@fast"]
    ),
    cmd!(
        "type",
        2,
        READONLY | FAST,
        1,
        1,
        1,
        ["@keyspace", "@read", "@fast"]
    ),
    cmd!(
        "unlink",
        -2,
        WRITE | FAST,
        1,
        -1,
        1,
        ["@keyspace", "@write", "@fast"]
    ),
    cmd!(
        "unsubscribe",
        -1,
        PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK,
        0,
        0,
        0,
        ["@pubsub", "@slow"]
    ),
    cmd!(
        "unwatch",
        1,
        NOSCRIPT | LOADING | STALE | FAST,
        0,
        0,
        0,
        ["@fast", "@transaction"]
    ),
    cmd!("wait", 3, 0, 0, 0, 0, ["@slow", "@connection"]),
    cmd!(
        "watch",
        -2,
        NOSCRIPT | LOADING | STALE | FAST,
        1,
        -1,
        1,
        ["@fast", "@transaction"]
    ),
    cmd!(
        "zadd",
        -4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@sortedset", "@fast"]
    ),
    cmd!(
        "zcard",
        2,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@sortedset", "@fast"]
    ),
    cmd!(
        "zincrby",
        4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        ["@write", "@sortedset", "@fast"]
    ),
    cmd!(
        "zinterstore",
        -4,
        WRITE | DENYOOM | MOVABLEKEYS,
        1,
        1,
        1,
        ["@write", "@sortedset", "@slow"]
    ),
    cmd!(
        "zpopmax",
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        ["@write", "@sortedset", "@fast"]
    ),
    cmd!(
        "zpopmin",
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        ["@write", "@sortedset", "@fast"]
    ),
    cmd!(
        "zrem",
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        ["@write", "@sortedset", "@fast"]
    ),
    cmd!(
        "zremrangebylex",
        4,
        WRITE,
        1,
        1,
        1,
        ["@write", "@sortedset", "@slow"]
    ),
    cmd!(
        "zremrangebyrank",
        4,
        WRITE,
        1,
        1,
        1,
        ["@write", "@sortedset", "@slow"]
    ),
    cmd!(
        "zremrangebyscore",
        4,
        WRITE,
        1,
        1,
        1,
        ["@write", "@sortedset", "@slow"]
    ),
    cmd!(
        "zscore",
        3,
        READONLY | FAST,
        1,
        1,
        1,
        ["@read", "@sortedset", "@fast"]
    ),
    cmd!(
        "zunionstore",
        -4,
        WRITE | DENYOOM | MOVABLEKEYS,
        1,
        1,
        1,
        ["@write", "@sortedset", "@slow"]
    ),
];

/// Looks a command up by name, case-insensitively.
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    // Lowercased into a stack buffer (no allocation on every command); no
    // command name is anywhere near that long.
    let mut buf = [0u8; 32];
    let lower = buf.get_mut(..name.len())?;
    for (l, b) in lower.iter_mut().zip(name) {
        *l = b.to_ascii_lowercase();
    }
    let lower = &*lower;
    COMMANDS
        .binary_search_by(|c| c.name.as_bytes().cmp(lower))
        .ok()
        .map(|i| &COMMANDS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        for w in COMMANDS.windows(2) {
            assert!(w[0].name < w[1].name, "{} before {}", w[0].name, w[1].name);
        }
        assert_eq!(lookup(b"GeT").map(|c| c.name), Some("get"));
        assert!(lookup(b"nope").is_none());
        assert!(COMMANDS.iter().all(|c| lookup(c.name.as_bytes()).is_some()));
        assert!(lookup(&[b'a'; 40]).is_none());
    }

    /// Key positions from (first, last, step), as getKeysFromCommand does.
    #[test]
    fn key_positions() {
        let a = |v: &[&str]| v.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
        let mset = lookup(b"mset").unwrap();
        assert_eq!(
            mset.key_positions(&a(&["mset", "a", "1", "b", "2"])),
            vec![1, 3]
        );
        let del = lookup(b"del").unwrap();
        assert_eq!(del.key_positions(&a(&["del", "a", "b"])), vec![1, 2]);
        let mig = lookup(b"migrate").unwrap();
        let args = a(&["migrate", "h", "1", "", "0", "5", "KEYS", "x", "y"]);
        assert_eq!(mig.key_positions(&args), vec![7, 8]);
        // ZUNIONSTORE's keys come from numkeys (movablekeys); a count
        // that does not fit gives none, as `zunionInterDiffStoreGetKeys`.
        let zu = lookup(b"zunionstore").unwrap();
        let args = a(&["zunionstore", "d", "2", "x", "y", "WEIGHTS", "1", "2"]);
        assert_eq!(zu.key_positions(&args), vec![1, 3, 4]);
        assert!(zu
            .key_positions(&a(&["zunionstore", "d", "3", "x", "y"]))
            .is_empty());
        assert!(zu
            .key_positions(&a(&["zunionstore", "d", "-1", "x"]))
            .is_empty());
        assert!(lookup(b"ping")
            .unwrap()
            .key_positions(&a(&["ping"]))
            .is_empty());
    }
}
