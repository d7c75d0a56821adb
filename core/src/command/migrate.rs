//! Moving keys between nodes (cluster.c): `MIGRATE` on the source, `RESTORE`
//! and `RESTORE-ASKING` on the target, and `DUMP`, with Redis 7.0's argument
//! checks, order of checks and texts. The transfer itself is in
//! `node/server/migrate.rs`; the payload format in [`crate::dump`].

use super::{int_arg, syntax_error, Call, Outcome};
use crate::dump;
use crate::keyspace::notify::class;
use crate::node::{MigratePlan, ServerCtx};
use crate::resp::Value;
use crate::time::Time;
use std::net::{IpAddr, SocketAddr};

/// `MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
/// [AUTH pw] [AUTH2 user pw] [KEYS k…]`.
pub fn migrate(c: &mut Call) -> Outcome {
    let (now, id, args) = (c.now, c.id, c.args);
    let (mut node, client) = c.split();
    match plan(&mut node, now, args, &mut client.redact) {
        Ok(plan) => {
            node.start_migrate(now, id, plan);
            Outcome::Blocked
        }
        Err(reply) => Outcome::Reply(reply),
    }
}

/// `redact` gets the passwords and user names (`migrateCommand` hides them
/// as it parses).
fn plan(
    node: &mut ServerCtx,
    now: Time,
    args: &[Vec<u8>],
    redact: &mut Vec<usize>,
) -> Result<MigratePlan, Value> {
    let (mut copy, mut replace) = (false, false);
    let mut auth: Option<(Option<Vec<u8>>, Vec<u8>)> = None;
    let mut keys: &[Vec<u8>] = &args[3..4];
    let mut j = 6;
    while j < args.len() {
        let more = args.len() - 1 - j;
        match args[j].to_ascii_lowercase().as_slice() {
            b"copy" => copy = true,
            b"replace" => replace = true,
            b"auth" if more >= 1 => {
                auth = Some((None, args[j + 1].clone()));
                redact.push(j + 1);
                j += 1;
            }
            b"auth2" if more >= 2 => {
                auth = Some((Some(args[j + 1].clone()), args[j + 2].clone()));
                redact.extend([j + 1, j + 2]);
                j += 2;
            }
            b"keys" => {
                if !args[3].is_empty() {
                    return Err(Value::err(
                        "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
                    ));
                }
                keys = &args[j + 1..];
                break;
            }
            _ => return Err(syntax_error()),
        }
        j += 1;
    }
    let timeout = int_arg(&args[5])?;
    let dbid = int_arg(&args[4])?;
    let timeout = if timeout <= 0 { 1000 } else { timeout as u64 };

    // Keys that are here and not expired, with their remaining TTL.
    let compress = node.rdb_compression();
    let ks = node.keyspace_mut();
    let mut found = Vec::new();
    for key in keys {
        let Some(data) = ks.get(now, key).cloned() else {
            continue;
        };
        let ttl = match ks.expire_at(now, key).flatten() {
            Some(at) => at.since(now).max(1),
            None => 0,
        };
        let payload = crate::rdb::with_compression(compress, || dump::encode(&data));
        found.push((key.clone(), ttl, payload));
    }
    if found.is_empty() {
        return Err(Value::Simple("NOKEY".into()));
    }
    let target = target_addr(&args[1], &args[2])
        .ok_or_else(|| Value::err("IOERR error or timeout connecting to the client"))?;
    Ok(MigratePlan {
        target,
        dbid,
        timeout,
        copy,
        replace,
        auth,
        keys: found,
    })
}

/// The target's client address; the port is read like `atoi`, and a host
/// that is not an IP address cannot be connected to here.
fn target_addr(host: &[u8], port: &[u8]) -> Option<SocketAddr> {
    let ip: IpAddr = std::str::from_utf8(host).ok()?.parse().ok()?;
    let digits: String = String::from_utf8_lossy(port)
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let port: u16 = digits.parse().ok().filter(|p| *p > 0)?;
    Some(SocketAddr::new(ip, port))
}

/// `RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]`, and
/// `RESTORE-ASKING` (the same command, flagged so an IMPORTING slot accepts
/// it without a prior ASKING). Propagated with an absolute TTL and ABSTTL,
/// as Redis rewrites it.
pub fn restore(c: &mut Call) -> Value {
    let (now, args) = (c.now, c.args);
    let node = &mut c.server();
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq): (Option<u64>, Option<u8>) = (None, None);
    let mut j = 4;
    while j < args.len() {
        let more = args.len() - 1 - j;
        match args[j].to_ascii_lowercase().as_slice() {
            b"replace" => replace = true,
            b"absttl" => absttl = true,
            b"idletime" if more >= 1 && freq.is_none() => {
                match int_arg(&args[j + 1]) {
                    Ok(n) if n < 0 => {
                        return Value::err("ERR Invalid IDLETIME value, must be >= 0")
                    }
                    Ok(n) => idle = Some(n as u64),
                    Err(e) => return e,
                }
                j += 1;
            }
            b"freq" if more >= 1 && idle.is_none() => {
                match int_arg(&args[j + 1]) {
                    Ok(n) if !(0..=255).contains(&n) => {
                        return Value::err("ERR Invalid FREQ value, must be >= 0 and <= 255")
                    }
                    Ok(n) => freq = Some(n as u8),
                    Err(e) => return e,
                }
                j += 1;
            }
            _ => return syntax_error(),
        }
        j += 1;
    }
    let key = &args[1];
    if !replace && node.keyspace_mut().exists(now, key) {
        return Value::err("BUSYKEY Target key name already exists.");
    }
    let ttl = match int_arg(&args[2]) {
        Ok(t) if t < 0 => return Value::err("ERR Invalid TTL value, must be >= 0"),
        Ok(t) => t as u64,
        Err(e) => return e,
    };
    let data = match dump::decode(&args[3], node.config().packing()) {
        Ok(d) => d,
        Err(e) => return Value::err(e.message()),
    };
    let is_replica = node.is_replica();
    let ks = node.keyspace_mut();
    let deleted = replace && ks.remove(now, key).is_some();
    let expire_at = (ttl > 0).then(|| if absttl { Time(ttl) } else { now + ttl });
    // A replica keeps what its master sends (checkAlreadyExpired).
    if expire_at.is_some_and(|at| at <= now) && !is_replica {
        if deleted {
            ks.notify(class::GENERIC, "del", key);
            node.propagate(&[b"DEL".to_vec(), key.clone()]);
        }
        return Value::ok();
    }
    ks.set(key, data);
    // `objectSetLRUOrLFU`: the stamp the policy uses, when given.
    ks.restore_stamp(key, freq, idle);
    let mut propagated = args.to_vec();
    if let Some(at) = expire_at {
        ks.set_expire(now, key, Some(at));
        if !absttl {
            propagated[2] = at.ms().to_string().into_bytes();
            propagated.push(b"ABSTTL".to_vec());
        }
    }
    ks.notify(class::GENERIC, "restore", key);
    node.propagate(&propagated);
    Value::ok()
}

/// `DUMP key`: the serialized value, or nil.
pub fn dump(c: &mut Call) -> Value {
    let (now, args) = (c.now, c.args);
    let compress = c.server().rdb_compression();
    c.keyspace_mut()
        .get(now, &args[1])
        .map_or(Value::Null, |d| {
            Value::Bulk(crate::rdb::with_compression(compress, || dump::encode(d)))
        })
}
