//! HyperLogLog commands (`hyperloglog.c`): PFADD, PFCOUNT, PFMERGE,
//! PFDEBUG, PFSELFTEST over string values in Redis's own encodings
//! ([`crate::hll`]).

use super::{wrong_type, Call};
use crate::hll::{self, Encoding, REGISTERS};
use crate::keyspace::notify::class;
use crate::keyspace::{Data, Keyspace};
use crate::resp::Value;
use crate::time::Time;

/// `isHLLObjectOrReply`'s refusal of a string that is not one.
fn not_hll() -> Value {
    Value::err("WRONGTYPE Key is not a valid HyperLogLog string value.")
}

/// `invalid_hll_err`: opcodes that do not cover the 16384 registers.
fn corrupt() -> Value {
    Value::err("INVALIDOBJ Corrupted HLL object detected")
}

/// The HyperLogLog at `key` to write into: a new empty one if missing
/// (`createHLLObject`), raw either way (or `dbUnshareStringValue`).
fn hll_for_write<'a>(ks: &'a mut Keyspace, now: Time, key: &[u8]) -> Option<&'a mut Data> {
    if ks.get(now, key).is_none() {
        ks.set(key, Data::Str(hll::new_sparse().into()));
    }
    ks.make_raw(key);
    ks.get_mut(now, key)
}

/// `isHLLObjectOrReply`: the value's encoding, or the error to reply.
fn check(d: &Data) -> Result<Encoding, Value> {
    match d {
        Data::Str(v) => hll::encoding_of(v).ok_or_else(not_hll),
        _ => Err(wrong_type()),
    }
}

/// `PFADD key [element…]`: `:1` if the key was created or a register
/// grew. The cached cardinality is invalidated on a change; a corrupt
/// sparse value answers INVALIDOBJ, keeping what the elements before the
/// failing one changed (and streaming nothing, as `server.dirty` did not move).
pub fn pfadd(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let max_sparse = node.config().hll_sparse_max_bytes();
    let ks = node.keyspace_mut();
    let created = match ks.get(now, &args[1]) {
        None => true,
        Some(d) => match check(d) {
            Ok(_) => false,
            Err(e) => return e,
        },
    };
    let Some(Data::Str(v)) = hll_for_write(ks, now, &args[1]) else {
        return wrong_type();
    };
    let v = v.vec_mut();
    let mut updated = created;
    for ele in &args[2..] {
        match hll::add(v, ele, max_sparse) {
            Ok(grew) => updated |= grew,
            Err(hll::Corrupt) => return corrupt(),
        }
    }
    if updated {
        hll::invalidate_cache(v);
        ks.notify(class::STRING, "pfadd", &args[1]);
    }
    Value::Integer(updated as i64)
}

/// `PFCOUNT key…`. One key: the cached cardinality, or a fresh estimate
/// written back into the value's header and streamed as the PFCOUNT
/// itself (7.0's `server.dirty++` on a read-only command: replicas store
/// the same cache). Several keys (one slot): the estimate of their union,
/// nothing stored.
pub fn pfcount(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    if args.len() > 2 {
        let mut max = [0u8; REGISTERS];
        for key in &args[1..] {
            let Some(d) = ks.get(now, key) else {
                continue;
            };
            if let Err(e) = check(d) {
                return e;
            }
            if let Data::Str(v) = d {
                if hll::merge_into(&mut max, v).is_err() {
                    return corrupt();
                }
            }
        }
        return Value::Integer(hll::count_registers(&max) as i64);
    }
    // The cardinality, and whether it was computed and stored now.
    let counted = match ks.get_mut(now, &args[1]) {
        None => return Value::Integer(0),
        Some(d) => {
            if let Err(e) = check(d) {
                return e;
            }
            let Data::Str(v) = d else {
                return wrong_type();
            };
            let v = v.vec_mut();
            match hll::cached_count(v) {
                Some(card) => Ok((card, false)),
                None => match hll::count(v) {
                    Ok(card) => {
                        hll::store_count(v, card);
                        Ok((card, true))
                    }
                    Err(hll::Corrupt) => Err(corrupt()),
                },
            }
        }
    };
    // `dbUnshareStringValue` ran once the value proved to be a HyperLogLog.
    ks.make_raw(&args[1]);
    let (card, stored) = match counted {
        Ok(counted) => counted,
        Err(e) => return e,
    };
    if stored {
        node.propagate(args);
    }
    Value::Integer(card as i64)
}

/// `PFMERGE dest [source…]`: the register-wise maximum of every key
/// (`dest` included) written into `dest`, which turns dense if any input
/// is. Sources are read with `lookupKeyRead`, so they count as keyspace
/// hits or misses although PFMERGE writes.
pub fn pfmerge(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let max_sparse = node.config().hll_sparse_max_bytes();
    let ks = node.keyspace_mut();
    let mut max = [0u8; REGISTERS];
    let mut use_dense = false;
    ks.count_reads(true);
    let merged = args[1..].iter().try_for_each(|key| {
        let Some(d) = ks.get(now, key) else {
            return Ok(());
        };
        use_dense |= check(d)? == Encoding::Dense;
        match d {
            Data::Str(v) => hll::merge_into(&mut max, v).map_err(|_| corrupt()),
            _ => Err(wrong_type()),
        }
    });
    ks.count_reads(false);
    if let Err(e) = merged {
        return e;
    }
    let Some(Data::Str(v)) = hll_for_write(ks, now, &args[1]) else {
        return wrong_type();
    };
    let v = v.vec_mut();
    if use_dense && hll::to_dense(v).is_err() {
        return corrupt();
    }
    for (j, &m) in max.iter().enumerate() {
        if m != 0 {
            // Redis ignores the result: the destination was merged above,
            // so its opcodes are sound.
            let _ = hll::set_register(v, j, m, max_sparse);
        }
    }
    hll::invalidate_cache(v);
    // PFMERGE raises the event PFADD raises (`pfmergeCommand`).
    ks.notify(class::STRING, "pfadd", &args[1]);
    Value::ok()
}

/// `PFDEBUG GETREG|DECODE|ENCODING|TODENSE key`: the key is looked up
/// (and checked) before the subcommand. GETREG and TODENSE turn a sparse
/// value dense in place and stream the PFDEBUG when they did.
pub fn pfdebug(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let v = match ks.get_mut(now, &args[2]) {
        None => return Value::err("ERR The specified key does not exist"),
        Some(Data::Str(v)) if hll::encoding_of(v).is_some() => v.vec_mut(),
        Some(Data::Str(_)) => return not_hll(),
        Some(_) => return wrong_type(),
    };
    let sparse = hll::encoding_of(v) == Some(Encoding::Sparse);
    let sub = args[1].to_ascii_lowercase();
    let (reply, converted) = match sub.as_slice() {
        b"getreg" | b"todense" => {
            let converted = match hll::to_dense(v) {
                Ok(converted) => converted,
                Err(hll::Corrupt) => return corrupt(),
            };
            let reply = if sub == b"getreg" {
                Value::Array(
                    hll::dense_registers(v)
                        .into_iter()
                        .map(|r| Value::Integer(r as i64))
                        .collect(),
                )
            } else {
                Value::Integer(converted as i64)
            };
            (reply, converted)
        }
        b"decode" if !sparse => return Value::err("ERR HLL encoding is not sparse"),
        b"decode" => (Value::bulk(hll::decode_sparse(v)), false),
        b"encoding" => {
            let name = if sparse { "sparse" } else { "dense" };
            (Value::Simple(name.into()), false)
        }
        _ => {
            return Value::err(format!(
                "ERR Unknown PFDEBUG subcommand '{}'",
                String::from_utf8_lossy(&args[1])
            ))
        }
    };
    if converted {
        node.propagate(args);
    }
    reply
}

/// `PFSELFTEST`: Redis's register and estimate self-test, with its
/// constants (1000 rounds, 10 million elements), random values from the
/// node's generator.
pub fn pfselftest(c: &mut Call) -> Value {
    let node = &mut c.server();
    let max_sparse = node.config().hll_sparse_max_bytes();
    let rng = node.rng_mut();
    match hll::selftest::run(
        rng,
        hll::selftest::CYCLES,
        hll::selftest::ELEMENTS,
        max_sparse,
    ) {
        Ok(()) => Value::ok(),
        Err(text) => Value::err(format!("ERR {text}")),
    }
}
