//! CONFIG GET / SET (`configGetCommand`, `configSetCommand`) over Redis
//! 7.0's parameter table: the parsing and the values live in
//! [`crate::config`]; this is the command's shape. The settings are the
//! whole node's (both parts read them), so CONFIG SET hands them to the
//! node as a [`ConfigSet`] request, which runs the apply callbacks.

use super::keys::glob_match;
use super::Call;
use crate::config::params::{find, flag, PARAMS};
use crate::config::Config;
use crate::node::ConfigSet;
use crate::resp::Value;
use std::collections::BTreeMap;

/// `CONFIG GET pattern…`.
pub fn get(c: &mut Call) -> Value {
    let args = c.args;
    Value::Map(
        params_matching(c.server().config(), &args[2..])
            .into_iter()
            .map(|(name, value)| (Value::bulk(name), Value::bulk(value)))
            .collect(),
    )
}

/// `CONFIG SET name value…`: all or nothing (`configSetCommand`).
pub fn set(c: &mut Call) -> Value {
    if !c.args.len().is_multiple_of(2) {
        return Value::err("ERR syntax error");
    }
    // `configSetCommand` hides the values of every SENSITIVE_CONFIG
    // parameter named, even when the command then fails.
    for i in (2..c.args.len()).step_by(2) {
        let name = c.args[i].to_ascii_lowercase();
        if matches!(
            name.as_slice(),
            b"masteruser" | b"masterauth" | b"requirepass"
        ) {
            c.client.redact.push(i + 1);
        }
    }
    let pairs: Vec<(&[u8], &[u8])> = c.args[2..]
        .chunks(2)
        .map(|p| (p[0].as_slice(), p[1].as_slice()))
        .collect();
    let in_exec = c.client.in_exec;
    match c.request(ConfigSet {
        pairs: &pairs,
        in_exec,
    }) {
        Ok(()) => Value::ok(),
        Err(e) => Value::err(e),
    }
}

/// `CONFIG RESETSTAT` (`resetServerStats`, `resetCommandTableStats`,
/// `resetErrorTableStats`): every INFO counter, commandstat and errorstat
/// back to 0.
pub fn resetstat(c: &mut Call) -> Value {
    c.server().stats_mut().reset();
    Value::ok()
}

/// `CONFIG REWRITE` where no host intercepts it: a simulated node, or a
/// native one started without a config file, has no file to rewrite. (The
/// native node rewrites its file with [`crate::config::rewrite`].)
pub fn rewrite(_: &mut Call) -> Value {
    Value::err("ERR The server is running without a config file")
}

/// `CONFIG GET pattern…`: (name, value) pairs. An exact name (no `*?[`) finds
/// hidden parameters and aliases and is echoed as typed; a pattern matches
/// names and aliases case-insensitively, never hidden ones.
fn params_matching(cfg: &Config, patterns: &[Vec<u8>]) -> Vec<(String, String)> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for pat in patterns {
        if !pat.iter().any(|b| matches!(b, b'*' | b'?' | b'[')) {
            if let Some(p) = find(pat) {
                let asked = String::from_utf8_lossy(pat).into_owned();
                out.entry(asked).or_insert_with(|| cfg.param_value(p));
            }
            continue;
        }
        let pat = pat.to_ascii_lowercase();
        for p in PARAMS.iter().filter(|p| !p.has(flag::HIDDEN)) {
            for name in std::iter::once(p.name).chain(p.alias) {
                if glob_match(&pat, name.as_bytes()) {
                    out.entry(name.to_string())
                        .or_insert_with(|| cfg.param_value(p));
                }
            }
        }
    }
    out.into_iter().collect()
}
