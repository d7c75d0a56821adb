//! CONFIG GET / SET (`configGetCommand`, `configSetCommand`) over Redis
//! 7.0's parameter table: the parsing and the values live in
//! [`crate::config`]; this is the command's shape.

use super::keys::glob_match;
use super::Call;
use crate::config::params::{find, flag, PARAMS};
use crate::config::Config;
use crate::resp::Value;
use std::collections::BTreeMap;

/// `CONFIG GET pattern…`.
pub fn get(c: &mut Call) -> Value {
    Value::Map(
        params_matching(c.node.config(), &c.args[2..])
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
    let old_pass = c.node.config().requirepass.clone();
    match c.node.config_mut().set_params(&pairs) {
        Ok(()) => {
            // `updateRequirePass`, when the value changed: the default
            // user's passwords become it (or `nopass` for "").
            let pass = c.node.config().requirepass.clone();
            if pass != old_pass {
                c.node
                    .acl_mut()
                    .set_default_password(pass.as_deref().map(str::as_bytes));
            }
            c.node.refresh_thresholds();
            // The apply callbacks of config.c (`updateClusterFlags`,
            // `updateClusterHostname`).
            c.node.update_myself_flags();
            c.node.update_myself_hostname();
            // `updateAppendonly`: AOF turned on or off.
            c.node.appendonly_changed(c.now, c.client.in_exec);
            // A new `maxmemory-policy` or LFU setting holds from now on
            // (a BGSAVE the cron starts writes IDLE or FREQ by it).
            let clock = c.node.config().aging_clock(c.now);
            c.node.keyspace_mut().set_clock(clock);
            Value::ok()
        }
        Err(e) => Value::err(e),
    }
}

/// `CONFIG RESETSTAT` (`resetServerStats`, `resetCommandTableStats`,
/// `resetErrorTableStats`): every INFO counter, commandstat and errorstat
/// back to 0.
pub fn resetstat(c: &mut Call) -> Value {
    c.node.stats_mut().reset();
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
