//! CONFIG GET / SET (`configGetCommand`, `configSetCommand`) over Redis
//! 7.0's parameter table: the parsing and the values live in
//! [`crate::config`]; this is the command's shape.

use super::keys::glob_match;
use super::server::unknown_subcommand;
use crate::config::params::{find, flag, PARAMS};
use crate::config::Config;
use crate::node::Node;
use crate::resp::Value;
use std::collections::BTreeMap;

/// `CONFIG GET pattern…` / `CONFIG SET name value…`.
pub(super) fn config(node: &mut Node, args: &[Vec<u8>]) -> Value {
    let sub = args[1].to_ascii_lowercase();
    match sub.as_slice() {
        b"get" if args.len() >= 3 => Value::Map(
            params_matching(node.config(), &args[2..])
                .into_iter()
                .map(|(name, value)| (Value::bulk(name), Value::bulk(value)))
                .collect(),
        ),
        b"set" if args.len() >= 4 && args.len().is_multiple_of(2) => {
            let pairs: Vec<(&[u8], &[u8])> = args[2..]
                .chunks(2)
                .map(|p| (p[0].as_slice(), p[1].as_slice()))
                .collect();
            match node.config_mut().set_params(&pairs) {
                Ok(()) => Value::ok(),
                Err(e) => Value::err(e),
            }
        }
        b"set" if args.len() >= 4 => Value::err("ERR syntax error"),
        b"get" | b"set" => Value::err(format!(
            "ERR wrong number of arguments for 'config|{}' command",
            String::from_utf8_lossy(&sub)
        )),
        _ => unknown_subcommand(&args[1], "CONFIG"),
    }
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
