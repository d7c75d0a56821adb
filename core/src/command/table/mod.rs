//! The command table, which is also the dispatcher (Redis 7's
//! `commands.def` + `processCommand`/`call`): each entry gives a command's
//! arity, flags, key positions, ACL categories, the function that runs it
//! and how its effect reaches the replication stream. Containers (CLUSTER,
//! CLIENT, COMMAND, CONFIG, PUBSUB) hold their subcommands as entries too,
//! so a subcommand is looked up and its arity checked once, before routing.
//!
//! The entries live one file per family (`strings.rs`, `lists.rs`…), one
//! line per command: adding a command is one line there plus its handler.

mod bitmaps;
mod cluster;
mod connection;
mod geo;
mod hashes;
mod hyperloglog;
mod keys;
mod lists;
mod pubsub;
mod scripting;
mod server;
mod sets;
mod sorted_sets;
mod streams;
mod strings;
mod transactions;

use super::call::Call;
use super::Outcome;
use crate::resp::Value;
use std::sync::OnceLock;

/// Command flags (the subset that matters here), as `COMMAND` prints them.
pub mod flags {
    /// `write`: changes data; refused on replicas and streamed to them.
    pub const WRITE: u32 = 1;
    /// `readonly`: only reads data (a READONLY replica may serve it).
    pub const READONLY: u32 = 2;
    /// `denyoom`: refused when out of memory.
    pub const DENYOOM: u32 = 4;
    /// `admin`: an administrative command.
    pub const ADMIN: u32 = 8;
    /// `pubsub`: a pub/sub command.
    pub const PUBSUB: u32 = 16;
    /// `noscript`: not allowed in scripts.
    pub const NOSCRIPT: u32 = 32;
    /// `loading`: allowed while the dataset loads.
    pub const LOADING: u32 = 64;
    /// `stale`: allowed on a replica with a broken link to its master.
    pub const STALE: u32 = 128;
    /// `fast`: constant or logarithmic time.
    pub const FAST: u32 = 256;
    /// `no_auth`: allowed before AUTH.
    pub const NO_AUTH: u32 = 512;
    /// `movablekeys`: key positions depend on the arguments (COMMAND GETKEYS finds them).
    pub const MOVABLEKEYS: u32 = 1024;
    /// `asking`: accepted on an importing slot without ASKING (RESTORE-ASKING).
    pub const ASKING: u32 = 2048;
    /// Not a Redis flag: allowed while subscribed in RESP2.
    pub const SUBSCRIBE_OK: u32 = 4096;
    /// `protected` (not printed by COMMAND): refused unless its
    /// `enable-*-command` setting allows it (DEBUG).
    pub const PROTECTED: u32 = 8192;
    /// `blocking`: may block the client (BLPOP, WAIT's kin); Redis
    /// refuses such commands to a client that may not block.
    pub const BLOCKING: u32 = 16384;
    /// `no_async_loading`: refused while a replica loads its master's
    /// data asynchronously (REPLICAOF, MODULE LOAD).
    pub const NO_ASYNC_LOADING: u32 = 1 << 15;
    /// `allow_busy`: allowed while a script or function runs too long (QUIT).
    pub const ALLOW_BUSY: u32 = 1 << 16;
    /// `may_replicate` (not printed by COMMAND: "hidden on purpose"): a
    /// read command that may still stream a change (PFCOUNT's cache), so
    /// CLIENT PAUSE WRITE holds it and read-only scripts may not call it.
    pub const MAY_REPLICATE: u32 = 1 << 17;
    /// `no_multi`: refused inside MULTI (SAVE, SHUTDOWN).
    pub const NO_MULTI: u32 = 1 << 18;
    /// `skip_monitor` (EVAL & co: MONITOR shows the commands they run),
    /// printed by COMMAND only: the node has no MONITOR.
    pub const SKIP_MONITOR: u32 = 1 << 19;
    /// `skip_slowlog`: not logged itself (EXEC: its commands are logged
    /// one by one).
    pub const SKIP_SLOWLOG: u32 = 1 << 20;
    /// `no_mandatory_keys`: may have no key at all (EVAL with `numkeys` 0),
    /// so COMMAND GETKEYS answers an empty array rather than an error.
    pub const NO_MANDATORY_KEYS: u32 = 1 << 21;
}

/// How a command runs.
#[derive(Clone, Copy)]
pub enum Run {
    /// One reply, inside `call()`: the keyspace's expiry mode is set and
    /// what the command streams is held, so a lazy `DEL` and the write that
    /// found the key expired go out together; then [`Propagate`] applies.
    Reply(fn(&mut Call) -> Value),
    /// Inside `call()` too, but the reply may come later or be several
    /// (EXEC, WAIT, MIGRATE): these stream what they do themselves.
    Outcome(fn(&mut Call) -> Outcome),
    /// Pub/sub: touches the client's subscriptions and the bus, never a key,
    /// so it runs outside `call()`'s keyspace bracket (no expiry mode set,
    /// nothing held for the stream).
    Session(fn(&mut Call) -> Outcome),
    /// A container that is never run itself (Redis's NULL `proc`): its
    /// arity demands a subcommand, which is looked up instead.
    Container,
}

/// How a command's effect reaches replicas, as 7.0.15 streams it (each
/// case checked against a real master in `native_stream_writes.rs`).
/// Redis streams a command when it moved `server.dirty`; the `Unless…`
/// cases are the writes whose reply (or arguments) show they did not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagate {
    /// Not a write: nothing is streamed.
    No,
    /// As sent, unless it failed (`INCRBY k 0` and an `HSET` of the same
    /// value still count as changes).
    AsIs,
    /// As sent, unless it replied `:0` (nothing added, removed or set).
    UnlessZero,
    /// LINSERT: `:0` (no list) or `:-1` (no pivot) changed nothing.
    UnlessNoPivot,
    /// LPOP/RPOP: a nil reply popped nothing.
    UnlessNil,
    /// ZPOPMIN/ZPOPMAX: an empty array popped nothing.
    UnlessEmptyReply,
    /// SETRANGE: `setrangeCommand` returns early for an empty value.
    UnlessEmptyValue,
    /// RENAME: `renameGenericCommand` leaves a key renamed to itself alone.
    UnlessSameKey,
    /// The handler streams a rewrite itself: absolute times for the TTL
    /// commands, `SET` for GETSET, `DEL` for GETDEL, `SREM`/`DEL` for SPOP,
    /// `HSET` for HINCRBYFLOAT, `RESTORE … ABSTTL`, MIGRATE's `DEL`; or
    /// the command as sent when only the handler knows it changed
    /// something (SETBIT, BITFIELD, BITOP); a script's writes as the
    /// commands it ran (EVAL, EVALSHA, FCALL).
    Itself,
}

impl Propagate {
    /// Whether `args`, which replied `reply`, goes to the stream as sent.
    pub fn as_sent(self, args: &[Vec<u8>], reply: &Value) -> bool {
        if reply.is_error() {
            return false;
        }
        match self {
            Propagate::No | Propagate::Itself => false,
            Propagate::AsIs => true,
            Propagate::UnlessZero => *reply != Value::Integer(0),
            Propagate::UnlessNoPivot => !matches!(reply, Value::Integer(0 | -1)),
            Propagate::UnlessNil => !matches!(reply, Value::Null | Value::NullArray),
            Propagate::UnlessEmptyReply => !matches!(reply, Value::Array(v) if v.is_empty()),
            Propagate::UnlessEmptyValue => !args[3].is_empty(),
            Propagate::UnlessSameKey => args[1] != args[2],
        }
    }
}

/// Finds a command's movable keys in its arguments (`getkeys_proc`).
pub type KeyFinder = fn(&[Vec<u8>]) -> Vec<usize>;

/// Where a command's keys are: `first`, `last` (negative: from the end)
/// and `step`, as `COMMAND` prints them; `find` for movable keys, which
/// only the arguments tell (`getkeys_proc`).
#[derive(Clone, Copy)]
pub struct Keys {
    /// Position of the first key argument (0: no keys).
    pub first: i32,
    /// Position of the last key argument (negative: counted from the end).
    pub last: i32,
    /// Distance between key arguments (2 for MSET's key/value pairs).
    pub step: i32,
    /// The function that finds movable keys, if the positions depend on the arguments.
    pub find: Option<KeyFinder>,
}

/// One command's static description, and how to run it.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    /// Lowercase command name, as `COMMAND` prints it.
    pub name: &'static str,
    /// Positive: exact argument count (with the name); negative: at least -arity.
    pub arity: i32,
    /// [`flags`] bits.
    pub flags: u32,
    /// Where its keys are.
    pub keys: Keys,
    /// ACL categories, as `COMMAND` lists them.
    pub acl: &'static [&'static str],
    /// What runs it.
    pub run: Run,
    /// How its effect reaches replicas.
    pub propagate: Propagate,
    /// A container's subcommands, sorted by name (dispatch checks the
    /// container's flags and ACL categories; COMMAND prints Redis's own
    /// for a container and its subcommands, from `command::docs`).
    pub subcommands: &'static [CommandSpec],
}

impl std::fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl CommandSpec {
    /// Whether the command has `flag` (a [`flags`] bit).
    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// Whether running `args` writes: the command's flag, or a
    /// container's subcommand's (XGROUP CREATE), which Redis routes on.
    pub fn writes(&self, args: &[Vec<u8>]) -> bool {
        self.has(flags::WRITE)
            || args
                .get(1)
                .filter(|_| !self.subcommands.is_empty())
                .and_then(|name| find(self.subcommands, name))
                .is_some_and(|sub| sub.has(flags::WRITE))
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

    /// The entry that runs `args`: this one, or the subcommand `args[1]`
    /// names for a container (`COMMAND` alone is the container itself).
    /// `Err` is `commandCheckExistence`'s reply for an unknown subcommand.
    pub fn resolve(&'static self, args: &[Vec<u8>]) -> Result<&'static CommandSpec, Value> {
        let Some(sub) = args.get(1).filter(|_| !self.subcommands.is_empty()) else {
            return Ok(self);
        };
        find(self.subcommands, sub).ok_or_else(|| {
            Value::err(format!(
                "ERR unknown subcommand '{}'. Try {} HELP.",
                String::from_utf8_lossy(&sub[..sub.len().min(128)]),
                String::from_utf8_lossy(&args[0]).to_uppercase()
            ))
        })
    }

    /// Positions of key arguments in `args` (index 0 is the name).
    pub fn key_positions(&self, args: &[Vec<u8>]) -> Vec<usize> {
        self.key_indices(args).collect()
    }

    /// [`key_positions`](Self::key_positions) without collecting them:
    /// routing walks them on every command and must not allocate (only
    /// movable keys, found by a function, do).
    pub fn key_indices(
        &self,
        args: &[Vec<u8>],
    ) -> std::iter::Chain<
        std::iter::StepBy<std::ops::RangeInclusive<usize>>,
        std::vec::IntoIter<usize>,
    > {
        // A container's keys are its subcommand's (OBJECT ENCODING key),
        // as Redis routes on `c->cmd`, the subcommand.
        if let Some(sub) = args
            .get(1)
            .filter(|_| !self.subcommands.is_empty())
            .and_then(|name| find(self.subcommands, name))
        {
            return sub.key_indices(args);
        }
        let k = &self.keys;
        // (first, last) = (1, 0): no positions from the range.
        let (first, last, listed) = if let Some(find) = k.find {
            (1, 0, find(args))
        } else {
            let argc = args.len() as i32;
            let last = if k.last < 0 {
                argc + k.last
            } else {
                k.last.min(argc - 1)
            };
            if k.first <= 0 || last < k.first {
                (1, 0, Vec::new())
            } else {
                (k.first as usize, last as usize, Vec::new())
            }
        };
        (first..=last).step_by(k.step.max(1) as usize).chain(listed)
    }

    /// The flag words `COMMAND` prints, in `addReplyFlagsForCommand`'s order.
    pub fn flag_words(&self) -> Vec<&'static str> {
        use flags::*;
        [
            (WRITE, "write"),
            (READONLY, "readonly"),
            (DENYOOM, "denyoom"),
            (ADMIN, "admin"),
            (PUBSUB, "pubsub"),
            (NOSCRIPT, "noscript"),
            (BLOCKING, "blocking"),
            (LOADING, "loading"),
            (STALE, "stale"),
            (SKIP_MONITOR, "skip_monitor"),
            (SKIP_SLOWLOG, "skip_slowlog"),
            (ASKING, "asking"),
            (FAST, "fast"),
            (NO_AUTH, "no_auth"),
            (NO_MANDATORY_KEYS, "no_mandatory_keys"),
            (NO_ASYNC_LOADING, "no_async_loading"),
            (NO_MULTI, "no_multi"),
            (MOVABLEKEYS, "movablekeys"),
            (ALLOW_BUSY, "allow_busy"),
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
    match atoi_count(args, 2, 3) {
        Some(num) => std::iter::once(1).chain(3..3 + num).collect(),
        None => Vec::new(),
    }
}

/// `ZUNION numkeys key…`, also ZINTER, ZDIFF, ZINTERCARD and ZMPOP
/// (`zunionInterDiffGetKeys`, `zmpopGetKeys`): `numkeys` keys after the count.
fn numkeys_keys(args: &[Vec<u8>]) -> Vec<usize> {
    match atoi_count(args, 1, 2) {
        Some(num) => (2..2 + num).collect(),
        None => Vec::new(),
    }
}

/// `XREAD … STREAMS key… id…` and XREADGROUP (`xreadGetKeys`): the first
/// half of what follows STREAMS, once the options before it read right;
/// anything else (an odd count, no STREAMS) has no keys.
fn xread_keys(args: &[Vec<u8>]) -> Vec<usize> {
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        if a.eq_ignore_ascii_case(b"block") || a.eq_ignore_ascii_case(b"count") {
            i += 2;
        } else if a.eq_ignore_ascii_case(b"group") {
            i += 3;
        } else if a.eq_ignore_ascii_case(b"noack") {
            i += 1;
        } else if a.eq_ignore_ascii_case(b"streams") {
            let num = args.len() - i - 1;
            if num == 0 || !num.is_multiple_of(2) {
                return Vec::new();
            }
            return (i + 1..i + 1 + num / 2).collect();
        } else {
            break;
        }
    }
    Vec::new()
}

/// `BLMPOP timeout numkeys key…` and BZMPOP (`blmpopGetKeys`,
/// `bzmpopGetKeys`): `numkeys` keys after the timeout and the count.
fn blmpop_keys(args: &[Vec<u8>]) -> Vec<usize> {
    match atoi_count(args, 2, 3) {
        Some(num) => (3..3 + num).collect(),
        None => Vec::new(),
    }
}

/// `GEORADIUS key … [STORE key] [STOREDIST key]` and GEORADIUSBYMEMBER
/// (`georadiusGetKeys`): the source, and the last STORE/STOREDIST key
/// from the fifth argument on.
fn georadius_keys(args: &[Vec<u8>]) -> Vec<usize> {
    let mut stored = None;
    let mut i = 5;
    while i < args.len() {
        let a = &args[i];
        if (a.eq_ignore_ascii_case(b"store") || a.eq_ignore_ascii_case(b"storedist"))
            && i + 1 < args.len()
        {
            stored = Some(i + 1);
            i += 1;
        }
        i += 1;
    }
    std::iter::once(1).chain(stored).collect()
}

/// `SORT key … [STORE key]` (`sortGetKeys`): the key, and the last STORE's
/// key, found skipping LIMIT's two arguments and GET's and BY's one.
fn sort_keys(args: &[Vec<u8>]) -> Vec<usize> {
    let mut stored = None;
    let mut i = 2;
    while i < args.len() {
        let a = &args[i];
        if a.eq_ignore_ascii_case(b"limit") {
            i += 2;
        } else if a.eq_ignore_ascii_case(b"get") || a.eq_ignore_ascii_case(b"by") {
            i += 1;
        } else if a.eq_ignore_ascii_case(b"store") && i + 1 < args.len() {
            stored = Some(i + 1);
        }
        i += 1;
    }
    std::iter::once(1).chain(stored).collect()
}

/// `SORT_RO key …` (`sortROGetKeys`): the key only.
fn sort_ro_keys(_: &[Vec<u8>]) -> Vec<usize> {
    vec![1]
}

/// `genericGetKeys`' count: `atoi(args[at])`, kept only when at least 1
/// and no more than the arguments from `first` on.
fn atoi_count(args: &[Vec<u8>], at: usize, first: usize) -> Option<usize> {
    let digits = args.get(at).map_or(&[][..], |a| a);
    let neg = digits.first() == Some(&b'-');
    let num = digits[neg as usize..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .fold(0usize, |n, c| {
            n.saturating_mul(10).saturating_add((c - b'0') as usize)
        });
    (!neg && num >= 1 && num <= args.len().saturating_sub(first)).then_some(num)
}

/// One table line: name, arity, flags, key positions `(first, last, step)`
/// (plus the function that finds movable keys), ACL categories, handler,
/// propagation, and for a container its subcommand table.
macro_rules! command {
    ($name:literal, $arity:literal, $flags:expr, ($first:literal, $last:literal, $step:literal $(, $find:path)?),
     [$($acl:literal),*], $run:expr, $propagate:ident $(, $subs:expr)?) => {
        $crate::command::table::CommandSpec {
            name: $name,
            arity: $arity,
            flags: $flags,
            keys: $crate::command::table::Keys {
                first: $first,
                last: $last,
                step: $step,
                find: command!(@find $($find)?),
            },
            acl: &[$($acl),*],
            run: $run,
            propagate: $crate::command::table::Propagate::$propagate,
            subcommands: command!(@subs $($subs)?),
        }
    };
    (@find) => { None };
    (@find $find:path) => { Some($find) };
    (@subs) => { &[] };
    (@subs $subs:expr) => { $subs };
}

/// A subcommand line: name, arity (the container's name included), handler.
macro_rules! subcommand {
    ($name:literal, $arity:literal, $run:expr) => {
        $crate::command::table::CommandSpec {
            name: $name,
            arity: $arity,
            flags: 0,
            keys: $crate::command::table::Keys {
                first: 0,
                last: 0,
                step: 0,
                find: None,
            },
            acl: &[],
            run: $run,
            propagate: $crate::command::table::Propagate::No,
            subcommands: &[],
        }
    };
}
use {command, subcommand};

/// Every family's table (each sorted by name).
const FAMILIES: &[&[CommandSpec]] = &[
    bitmaps::COMMANDS,
    cluster::COMMANDS,
    connection::COMMANDS,
    geo::COMMANDS,
    hashes::COMMANDS,
    hyperloglog::COMMANDS,
    keys::COMMANDS,
    lists::COMMANDS,
    pubsub::COMMANDS,
    scripting::COMMANDS,
    server::COMMANDS,
    sets::COMMANDS,
    sorted_sets::COMMANDS,
    streams::COMMANDS,
    strings::COMMANDS,
    transactions::COMMANDS,
];

/// Every command this node understands, sorted by name (the order
/// `COMMAND` lists them in), merged from the families once.
pub fn commands() -> &'static [&'static CommandSpec] {
    static ALL: OnceLock<Vec<&'static CommandSpec>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static CommandSpec> = FAMILIES.iter().flat_map(|f| f.iter()).collect();
        crate::sorted::sort_by_key(&mut all, |c| c.name);
        all
    })
}

/// Looks a command up by name, case-insensitively, without allocating.
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    let all = commands();
    let lower = Lower::of(name)?;
    all.binary_search_by(|c| c.name.as_bytes().cmp(lower.bytes()))
        .ok()
        .map(|i| all[i])
}

/// A command by its full name, `get` or `config|get`, case-insensitively
/// (`lookupCommandBySds`): its container, for a subcommand, and itself.
/// A `|` after a command without subcommands, or a second one, finds nothing.
pub fn lookup_full(name: &[u8]) -> Option<(Option<&'static CommandSpec>, &'static CommandSpec)> {
    let mut parts = name.split(|&b| b == b'|');
    let base = lookup(parts.next()?)?;
    match (parts.next(), parts.next()) {
        (None, _) => Some((None, base)),
        (Some(sub), None) if !base.subcommands.is_empty() => {
            Some((Some(base), find(base.subcommands, sub)?))
        }
        _ => None,
    }
}

/// A subcommand of `table` (sorted by name), case-insensitively.
fn find(table: &'static [CommandSpec], name: &[u8]) -> Option<&'static CommandSpec> {
    let lower = Lower::of(name)?;
    table
        .binary_search_by(|c| c.name.as_bytes().cmp(lower.bytes()))
        .ok()
        .map(|i| &table[i])
}

/// A name lowercased into a stack buffer (no allocation on every command);
/// no command name is anywhere near that long, so a longer one is unknown.
struct Lower {
    buf: [u8; 32],
    len: usize,
}

impl Lower {
    fn of(name: &[u8]) -> Option<Lower> {
        let mut buf = [0u8; 32];
        buf.get_mut(..name.len())?
            .iter_mut()
            .zip(name)
            .for_each(|(l, b)| *l = b.to_ascii_lowercase());
        Some(Lower {
            buf,
            len: name.len(),
        })
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Binary search needs each table sorted, and a name must be in one
    /// family only.
    #[test]
    fn tables_are_sorted_and_names_unique() {
        for family in FAMILIES {
            for w in family.windows(2) {
                assert!(w[0].name < w[1].name, "{} before {}", w[0].name, w[1].name);
            }
            for c in family.iter() {
                for w in c.subcommands.windows(2) {
                    assert!(
                        w[0].name < w[1].name,
                        "{}: {} before {}",
                        c.name,
                        w[0].name,
                        w[1].name
                    );
                }
            }
        }
        let all = commands();
        assert_eq!(all.len(), FAMILIES.iter().map(|f| f.len()).sum::<usize>());
        for w in all.windows(2) {
            assert!(w[0].name < w[1].name, "{} twice", w[0].name);
        }
        assert_eq!(lookup(b"GeT").map(|c| c.name), Some("get"));
        assert!(lookup(b"nope").is_none());
        assert!(all.iter().all(|c| lookup(c.name.as_bytes()).is_some()));
        assert!(lookup(&[b'a'; 40]).is_none());
    }

    /// Redis streams exactly its write commands (`CMD_WRITE`) and the
    /// `may_replicate` ones; what runs outside `call()` or replies later
    /// streams nothing through the table. PUBLISH and SPUBLISH are
    /// `may_replicate` but a cluster sends them on the bus
    /// (`clusterPropagatePublish`), never in the replication stream.
    #[test]
    fn propagation_follows_the_write_flag() {
        for c in commands() {
            let write = c.has(flags::WRITE) || c.has(flags::MAY_REPLICATE);
            let streams = write && !matches!(c.name, "publish" | "spublish");
            assert_eq!(streams, c.propagate != Propagate::No, "{}", c.name);
            if !matches!(c.run, Run::Reply(_)) {
                assert!(
                    matches!(c.propagate, Propagate::No | Propagate::Itself),
                    "{}",
                    c.name
                );
            }
            assert_eq!(
                c.keys.find.is_some(),
                c.has(flags::MOVABLEKEYS),
                "{}",
                c.name
            );
            assert_eq!(
                matches!(c.run, Run::Container),
                c.arity == -2 && !c.subcommands.is_empty() && c.name != "command",
                "{}",
                c.name
            );
        }
    }

    /// `CLUSTER info` and `cluster INFO` find the same entry; an unknown
    /// subcommand gets `commandCheckExistence`'s text.
    #[test]
    fn subcommands_resolve_case_insensitively() {
        let a = |v: &[&str]| v.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
        let cluster = lookup(b"cluster").unwrap();
        assert_eq!(
            cluster.resolve(&a(&["CLUSTER", "InFo"])).unwrap().name,
            "info"
        );
        assert_eq!(
            cluster.resolve(&a(&["cluster", "nope"])).unwrap_err(),
            Value::err("ERR unknown subcommand 'nope'. Try CLUSTER HELP.")
        );
        let command = lookup(b"command").unwrap();
        assert!(std::ptr::eq(
            command.resolve(&a(&["command"])).unwrap(),
            command
        ));
        assert!(std::ptr::eq(
            lookup(b"get").unwrap().resolve(&a(&["get", "k"])).unwrap(),
            lookup(b"get").unwrap()
        ));
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
        let zi = lookup(b"zintercard").unwrap();
        let args = a(&["zintercard", "2", "x", "y", "LIMIT", "1"]);
        assert_eq!(zi.key_positions(&args), vec![2, 3]);
        assert!(zi
            .key_positions(&a(&["zintercard", "3", "x", "y"]))
            .is_empty());
        assert!(lookup(b"ping")
            .unwrap()
            .key_positions(&a(&["ping"]))
            .is_empty());
        // OBJECT ENCODING's key is its subcommand's (routing follows it);
        // SINTERCARD's come from numkeys.
        let object = lookup(b"object").unwrap();
        assert_eq!(
            object.key_positions(&a(&["object", "ENCODING", "k"])),
            vec![2]
        );
        assert!(object.key_positions(&a(&["object", "help"])).is_empty());
        let card = lookup(b"sintercard").unwrap();
        assert_eq!(
            card.key_positions(&a(&["sintercard", "2", "x", "y", "LIMIT", "1"])),
            vec![2, 3]
        );
        assert!(card
            .key_positions(&a(&["sintercard", "3", "x", "y"]))
            .is_empty());
    }
}
