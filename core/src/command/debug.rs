//! DEBUG (`debugCommand` in debug.c): the subcommands a clusterlab node
//! models — the ones Redis's own test suite and operators lean on. DEBUG is
//! a protected command: refused unless `enable-debug-command` allows it
//! (`execute` checks that before anything else).

use super::{digest, int_arg, object, Call, Outcome};
use crate::keyspace::Data;
use crate::node::KillLinks;
use crate::resp::Value;

/// `DEBUG HELP`, in debug.c's words, for the subcommands modelled here.
const HELP: &[&str] = &[
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "DROP-CLUSTER-PACKET-FILTER <packet-type>",
    "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix. These are not propagated to",
    "    replicas. Cluster slots are not respected so keys not belonging to the",
    "    current node can be created in cluster mode.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys will generate an exception and kill the server.",
    "    Examples:",
    "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
    "      the database.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "ERROR <string>",
    "    Return a Redis protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Redis errors.",
    "CLUSTERLINK KILL <to|from|all> <node-id>",
    "    Kills the link based on the direction to/from (both) with the provided node.",
    "HELP",
    "    Prints this help.",
];

/// `DEBUG <subcommand> …`: RELOAD answers once its save is written.
pub fn debug_command(c: &mut Call) -> Outcome {
    if c.args[1].eq_ignore_ascii_case(b"reload") {
        return reload(c);
    }
    Outcome::Reply(debug(c))
}

/// `DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]`: save the RDB (unless
/// NOSAVE), then load the file on disk back.
fn reload(c: &mut Call) -> Outcome {
    let mut flush = true;
    let mut save = true;
    for opt in &c.args[2..] {
        match opt.to_ascii_lowercase().as_slice() {
            b"merge" => {}
            b"noflush" => flush = false,
            b"nosave" => save = false,
            _ => {
                return Outcome::Reply(Value::err(
                    "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
                ))
            }
        }
    }
    let (now, id) = (c.now, c.id);
    c.server().debug_reload(now, id, flush, save);
    Outcome::Blocked
}

/// `DEBUG <subcommand> …` other than RELOAD.
fn debug(c: &mut Call) -> Value {
    let args = c.args;
    let sub = args[1].to_ascii_lowercase();
    match (sub.as_slice(), args.len()) {
        (b"help", 2) => Value::Array(HELP.iter().map(|l| Value::Simple((*l).into())).collect()),
        (b"clusterlink", 5) if args[2].eq_ignore_ascii_case(b"kill") => cluster_link_kill(c),
        (b"drop-cluster-packet-filter", 3) => match int_arg(&args[2]) {
            Ok(t) => {
                c.server().debug_switches_mut().drop_packet_filter = t;
                Value::ok()
            }
            Err(e) => e,
        },
        // `atoi`: anything that does not start with a non-zero number is 0.
        (b"set-active-expire", 3) => {
            c.server().debug_switches_mut().active_expire = atoi(&args[2]) != 0;
            Value::ok()
        }
        (b"object", 3) => object::debug_object(c),
        (b"change-repl-id", 2) => {
            c.server().debug_change_repl_id();
            Value::ok()
        }
        // The argument is the whole error line, its code included.
        (b"error", 3) => Value::Error(String::from_utf8_lossy(&args[2]).into_owned()),
        (b"populate", 3..=5) => populate(c),
        (b"sleep", 3) => {
            // `strtod` then `dtime*1000000` truncated to µs; the node
            // sleeps in whole milliseconds.
            let usec = (strtod(&args[2]) * 1_000_000.0) as i64;
            let now = c.now;
            c.server().freeze(now, (usec.max(0) as u64).div_ceil(1000));
            Value::ok()
        }
        (b"digest", 2) => {
            let now = c.now;
            let ks = c.keyspace_mut();
            let d = digest::dataset_digest(ks.entries(now).map(|(k, d, t)| (k, d, t.is_some())));
            Value::Simple(digest::hex(&d))
        }
        (b"digest-value", _) => {
            let now = c.now;
            let ks = c.keyspace_mut();
            Value::Array(
                args[2..]
                    .iter()
                    .map(|key| {
                        let mut d = [0u8; 20];
                        if let Some((_, data, ttl)) =
                            ks.entries(now).find(|(k, _, _)| *k == key.as_slice())
                        {
                            digest::value_digest(&mut d, data, ttl.is_some());
                        }
                        Value::Simple(digest::hex(&d))
                    })
                    .collect(),
            )
        }
        _ => Value::err(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
            String::from_utf8_lossy(&args[1])
        )),
    }
}

/// `DEBUG POPULATE count [prefix] [size]`: `prefix:N` = `value:N` (cut or
/// zero-padded to `size`), skipping keys that exist; written straight into
/// the keyspace, whatever the slot, and never streamed to replicas.
fn populate(c: &mut Call) -> Value {
    let args = c.args;
    let positive = |a: &[u8]| match int_arg(a) {
        Ok(n) if n >= 0 => Ok(n as u64),
        Ok(_) => Err(Value::err("ERR value is out of range, must be positive")),
        Err(e) => Err(e),
    };
    let count = match positive(&args[2]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let size = match args.get(4).map(|a| positive(a)).transpose() {
        Ok(s) => s.unwrap_or(0) as usize,
        Err(e) => return e,
    };
    let prefix = args.get(3).map_or(&b"key"[..], |p| p.as_slice());
    let now = c.now;
    let ks = c.keyspace_mut();
    for j in 0..count {
        let mut key = prefix.to_vec();
        key.extend_from_slice(format!(":{j}").as_bytes());
        if ks.get(now, &key).is_some() {
            continue;
        }
        let mut value = format!("value:{j}").into_bytes();
        if size > 0 {
            value.resize(size, 0);
        }
        ks.set(&key, Data::Str(value.into()));
    }
    Value::ok()
}

/// C's `strtod` on an argument: the longest leading decimal number
/// (after spaces), 0 when there is none.
fn strtod(a: &[u8]) -> f64 {
    let s = String::from_utf8_lossy(a);
    let t = s.trim_start();
    // A number is short: longer text cannot make it longer (and must not
    // cost a parse per byte).
    let t = &t[..t.len().min(64)];
    let b = t.as_bytes();
    let mut end = 0;
    let mut best = 0.0;
    while end < b.len() {
        end += 1;
        if !t.is_char_boundary(end) {
            continue;
        }
        if let Ok(v) = t[..end].parse::<f64>() {
            if v.is_finite()
                && !t[..end].contains(|ch: char| ch.is_ascii_alphabetic() && ch != 'e' && ch != 'E')
            {
                best = v;
            }
        }
    }
    best
}

/// C's `atoi`: optional spaces and sign, then digits; 0 when none.
fn atoi(a: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(a);
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let n: i64 = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |acc, d| {
            acc.wrapping_mul(10).wrapping_add(i64::from(d - b'0'))
        });
    if neg {
        -n
    } else {
        n
    }
}

/// `DEBUG CLUSTERLINK KILL to|from|all <node-id>`: the node is looked up
/// first (`ERR Unknown node …`), then the direction. Redis 7.0.15 follows
/// its `Unknown direction` error with a second reply, `+OK`; this node sends
/// the error alone, so the client's replies stay in step.
fn cluster_link_kill(c: &mut Call) -> Value {
    let args = c.args;
    let Some(id) = std::str::from_utf8(&args[4])
        .ok()
        .and_then(crate::id::NodeId::parse)
        .filter(|id| c.server().view().node(*id).is_some())
    else {
        return Value::err(format!(
            "ERR Unknown node {}",
            String::from_utf8_lossy(&args[4])
        ));
    };
    let (to, from) = match args[3].to_ascii_lowercase().as_slice() {
        b"to" => (true, false),
        b"from" => (false, true),
        b"all" => (true, true),
        _ => {
            return Value::err(format!(
                "ERR Unknown direction {}",
                String::from_utf8_lossy(&args[3])
            ))
        }
    };
    c.request(KillLinks { id, to, from });
    Value::ok()
}
