//! FUNCTION DUMP / FUNCTION RESTORE (functions.c `functionDumpCommand`,
//! `functionRestoreCommand`, rdb.c `rdbSaveFunctions`, `rdbFunctionLoad`):
//! every library's code as an RDB `FUNCTION2` record, then DUMP's footer
//! (RDB version, CRC64), so payloads move between a clusterlab node and
//! redis-server 7.0.15 both ways.

use super::functions::compile;
use super::store::Library;
use crate::command::Call;
use crate::dump::{crc64, RDB_VERSION};
use crate::rdb::{put_string, Reader};
use crate::resp::Value;
use std::collections::BTreeMap;

/// `RDB_OPCODE_FUNCTION2`: one library, its code as an RDB string.
const OPCODE_FUNCTION2: u8 = 245;
/// `RDB_OPCODE_FUNCTION`: 7.0 rc1/rc2's record (name, engine, optional
/// description, body), still read.
const OPCODE_FUNCTION: u8 = 246;

/// `FUNCTION DUMP`: the payload, only the footer when there is no library
/// (libraries in name order; Redis walks its dict, whose order its hash
/// seed picks).
pub fn function_dump(c: &mut Call) -> Value {
    let mut node = c.server();
    let libs = &node.scripts_mut().libraries;
    let mut out = Vec::new();
    for lib in libs.values() {
        out.push(OPCODE_FUNCTION2);
        put_string(&mut out, &lib.code);
    }
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Value::Bulk(out)
}

/// `restorePolicy`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Policy {
    Append,
    Replace,
    Flush,
}

/// `rdbFunctionLoad`'s record: the library code, an old-format record
/// rewritten as `#!engine name=…\n` + body.
fn record(kind: u8, r: &mut Reader) -> Result<Vec<u8>, String> {
    if kind == OPCODE_FUNCTION2 {
        return r
            .string()
            .map_err(|_| "Failed loading library payload".to_string());
    }
    let name = r.string().map_err(|_| "Failed loading library name")?;
    let engine = r.string().map_err(|_| "Failed loading engine name")?;
    let has_desc = r
        .length()
        .map_err(|_| "Failed loading library description indicator")?;
    if has_desc != 0 {
        r.string()
            .map_err(|_| "Failed loading library description")?;
    }
    let blob = r.string().map_err(|_| "Failed loading library blob")?;
    let mut code = b"#!".to_vec();
    code.extend_from_slice(&engine);
    code.extend_from_slice(b" name=");
    code.extend_from_slice(&name);
    code.push(b'\n');
    code.extend_from_slice(&blob);
    Ok(code)
}

/// The payload's libraries, each compiled into a new set
/// (`functionsCreateWithLibraryCtx` into a fresh context).
fn libraries(payload: &[u8]) -> Result<BTreeMap<String, Library>, String> {
    let body = payload.len() - 10;
    let mut r = Reader(&payload[..body]);
    let mut set: BTreeMap<String, Library> = BTreeMap::new();
    while !r.0.is_empty() {
        let kind = r.byte().map_err(|_| "can not read data type")?;
        if kind != OPCODE_FUNCTION && kind != OPCODE_FUNCTION2 {
            return Err("given type is not a function".into());
        }
        let code = record(kind, &mut r)?;
        let (name, functions) = compile(&set, &code, false)?;
        for f in &functions {
            if set
                .values()
                .any(|l| l.functions.iter().any(|g| g.name == f.name))
            {
                return Err(format!("Function {} already exists", f.name));
            }
        }
        set.insert(name, Library { code, functions });
    }
    Ok(set)
}

/// `FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]`: APPEND (the
/// default) refuses a library that exists, REPLACE swaps same-named
/// libraries, FLUSH drops every library first; a function name taken by
/// a library that stays refuses the whole payload (`libraryJoin`).
pub fn function_restore(c: &mut Call) -> Value {
    if c.args.len() > 4 {
        return Value::err(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try FUNCTION HELP.",
            String::from_utf8_lossy(&c.args[1])
        ));
    }
    let policy =
        match c.args.get(3).map(|a| a.to_ascii_lowercase()) {
            None => Policy::Append,
            Some(p) if p == b"append" => Policy::Append,
            Some(p) if p == b"replace" => Policy::Replace,
            Some(p) if p == b"flush" => Policy::Flush,
            Some(_) => return Value::err(
                "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
            ),
        };
    let payload = &c.args[2];
    if !verified(payload) {
        return Value::err("ERR DUMP payload version or checksum are wrong");
    }
    let new = match libraries(payload) {
        Ok(set) => set,
        Err(e) => return Value::err(format!("ERR {e}")),
    };
    let mut node = c.server();
    let store = node.scripts_mut();
    if policy == Policy::Flush {
        store.libraries = new;
    } else {
        let mut joined = store.libraries.clone();
        for name in new.keys() {
            if joined.contains_key(name) {
                if policy == Policy::Append {
                    return Value::err(format!("ERR Library {name} already exists"));
                }
                joined.remove(name);
            }
        }
        for f in new.values().flat_map(|l| &l.functions) {
            if joined
                .values()
                .any(|l| l.functions.iter().any(|g| g.name == f.name))
            {
                return Value::err(format!("ERR Function {} already exists", f.name));
            }
        }
        joined.extend(new);
        store.libraries = joined;
    }
    let args = c.args;
    c.server().propagate(args);
    Value::ok()
}

/// `verifyDumpPayload`: 10 footer bytes, an RDB version this node reads,
/// the CRC64 of the rest.
fn verified(payload: &[u8]) -> bool {
    let Some(body) = payload.len().checked_sub(10) else {
        return false;
    };
    let version = u16::from_le_bytes([payload[body], payload[body + 1]]);
    let mut crc = [0u8; 8];
    crc.copy_from_slice(&payload[body + 2..]);
    version <= RDB_VERSION && crc64(&payload[..body + 2]) == u64::from_le_bytes(crc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A payload with one non-function record is refused by type.
    #[test]
    fn records_must_be_functions() {
        let mut p = vec![0u8, 1, b'x'];
        p.extend_from_slice(&RDB_VERSION.to_le_bytes());
        let crc = crc64(&p);
        p.extend_from_slice(&crc.to_le_bytes());
        assert!(verified(&p));
        assert_eq!(
            libraries(&p).err().as_deref(),
            Some("given type is not a function")
        );
        let mut bad = p.clone();
        bad[0] = 1;
        assert!(!verified(&bad));
    }
}
