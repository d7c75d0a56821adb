//! CONFIG GET / CONFIG SET over Redis 7.0's whole parameter table
//! ([`super::params`]), with `config.c`'s parsing, bounds, canonical printing
//! and error texts.
//!
//! A parameter either *acts* — it is one of [`Config`]'s typed fields, which the
//! node's rules read — or is *stored*: accepted with Redis's validation and
//! reported back by CONFIG GET, without changing what the node does (TLS,
//! memory policies, persistence tuning… that clusterlab does not model).
//! [`ACTING`] lists the first kind.

use super::params::{find, flag, Check, Kind, Param, Unit};
use super::{Config, EndpointType};
use crate::keyspace::notify::{parse_flags, print_flags};
use std::collections::BTreeMap;

/// The parameters a clusterlab node obeys; every other one is stored only.
pub const ACTING: &[&str] = &[
    "cluster-allow-reads-when-down",
    "cluster-allow-replica-migration",
    "cluster-enabled",
    "cluster-migration-barrier",
    "cluster-node-timeout",
    "cluster-replica-no-failover",
    "cluster-replica-validity-factor",
    "cluster-require-full-coverage",
    "hash-max-listpack-entries",
    "hash-max-listpack-value",
    "lfu-decay-time",
    "lfu-log-factor",
    "masterauth",
    "maxmemory-policy",
    "notify-keyspace-events",
    "repl-backlog-size",
    "repl-diskless-sync",
    "repl-diskless-sync-delay",
    "repl-diskless-sync-max-replicas",
    "repl-ping-replica-period",
    "repl-timeout",
    "requirepass",
    "zset-max-listpack-entries",
    "zset-max-listpack-value",
];

/// The stored parameters' values that differ from their defaults, by name,
/// as CONFIG GET prints them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stored(BTreeMap<&'static str, String>);

impl Config {
    /// CONFIG GET's value for `p`.
    pub fn param_value(&self, p: &Param) -> String {
        if let Some(v) = self.acting_value(p.name) {
            return v;
        }
        match self.stored.0.get(p.name) {
            Some(v) => v.clone(),
            None => p.default.to_string(),
        }
    }

    /// A parameter's value as CONFIG GET prints it, by name (empty for
    /// a name that is not in the table).
    pub fn param_str(&self, name: &str) -> String {
        super::params::find(name.as_bytes()).map_or_else(String::new, |p| self.param_value(p))
    }

    /// `CONFIG SET name value [name value …]`, all or nothing, with the error
    /// line Redis answers (`ERR …`) when one is refused.
    pub fn set_params(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<(), String> {
        let mut targets: Vec<&'static Param> = Vec::with_capacity(pairs.len());
        for (name, _) in pairs {
            let typed = String::from_utf8_lossy(name);
            let Some(p) = find(name) else {
                return Err(format!(
                    "ERR Unknown option or number of arguments for CONFIG SET - '{typed}'"
                ));
            };
            let refused = if p.has(flag::IMMUTABLE) {
                Some("can't set immutable config")
            } else if p.has(flag::PROTECTED) && !self.protected_configs_allowed() {
                Some("can't set protected config")
            } else if targets.iter().any(|t| t.name == p.name) {
                Some("duplicate parameter")
            } else {
                None
            };
            if let Some(why) = refused {
                return Err(format!(
                    "ERR CONFIG SET failed (possibly related to argument '{typed}') - {why}"
                ));
            }
            targets.push(p);
        }
        let backup = self.clone();
        for (p, (_, value)) in targets.iter().zip(pairs) {
            let value = String::from_utf8_lossy(value);
            if let Err(why) = self.set_one(p, &value) {
                *self = backup;
                return Err(format!(
                    "ERR CONFIG SET failed (possibly related to argument '{}') - {why}",
                    p.name
                ));
            }
        }
        Ok(())
    }

    /// Sets a parameter by name, as a config-file line or a start-up flag
    /// does (no immutable or protected checks: those guard CONFIG SET).
    pub fn set_param(&mut self, name: &str, value: &str) -> Result<(), String> {
        let p = find(name.as_bytes()).ok_or_else(|| format!("unknown parameter '{name}'"))?;
        self.set_one(p, value)
    }

    /// Sets one parameter from its text, as `performInterfaceSet` would (a
    /// config-file line goes through here too).
    pub fn set_one(&mut self, p: &'static Param, value: &str) -> Result<(), String> {
        let mut canonical = canonical(p, value, &self.param_value(p))?;
        // `updateHZ` clamps what was set into [CONFIG_MIN_HZ, CONFIG_MAX_HZ].
        if p.name == "hz" {
            canonical = canonical
                .parse::<i64>()
                .unwrap_or(10)
                .clamp(1, 500)
                .to_string();
        }
        // Its bits, not its echo: `A` prints without the `n` it may carry.
        if p.name == "notify-keyspace-events" {
            self.notify_keyspace_events = parse_flags(value).unwrap_or_default();
            return Ok(());
        }
        if !self.set_acting(p.name, &canonical) {
            if canonical == p.default {
                self.stored.0.remove(p.name);
            } else {
                self.stored.0.insert(p.name, canonical);
            }
        }
        Ok(())
    }

    /// `busy-reply-threshold` (alias `lua-time-limit`) in milliseconds:
    /// the script time after which a script is stopped (0: never).
    pub fn busy_reply_threshold_ms(&self) -> u64 {
        let p = find(b"busy-reply-threshold").expect("in the table");
        self.param_value(p).parse().unwrap_or(5000)
    }

    /// `hll-sparse-max-bytes`: the largest sparse HyperLogLog, in bytes
    /// (a value growing past it turns dense).
    pub fn hll_sparse_max_bytes(&self) -> u64 {
        let p = find(b"hll-sparse-max-bytes").expect("in the table");
        self.param_value(p).parse().unwrap_or(3000)
    }

    /// `enable-debug-command` (for `debug`) or `enable-module-command`
    /// (for `module`) is `yes` or `local` (every client of a clusterlab
    /// node is local or simulated): `allowProtectedAction`.
    pub fn protected_command_allowed(&self, command: &str) -> bool {
        let name = format!("enable-{command}-command");
        find(name.as_bytes()).is_some_and(|p| self.param_value(p) != "no")
    }

    /// `enable-protected-configs yes` (or `local`: every client of a
    /// clusterlab node is local or simulated).
    fn protected_configs_allowed(&self) -> bool {
        let p = find(b"enable-protected-configs").expect("in the table");
        self.param_value(p) != "no"
    }

    fn acting_value(&self, name: &str) -> Option<String> {
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
        Some(match name {
            "cluster-allow-reads-when-down" => yes_no(self.allow_reads_when_down),
            "cluster-allow-replica-migration" => yes_no(self.allow_replica_migration),
            "cluster-announce-hostname" => self.announce_hostname.clone(),
            // A clusterlab node is always a cluster node.
            "cluster-enabled" => yes_no(true),
            "cluster-migration-barrier" => self.migration_barrier.to_string(),
            "cluster-link-sendbuf-limit" => self.link_sendbuf_limit.to_string(),
            "cluster-node-timeout" => self.node_timeout.to_string(),
            "cluster-preferred-endpoint-type" => self.preferred_endpoint.name().to_string(),
            "cluster-replica-no-failover" => yes_no(self.replica_no_failover),
            "cluster-replica-validity-factor" => self.replica_validity_factor.to_string(),
            "cluster-require-full-coverage" => yes_no(self.require_full_coverage),
            "masterauth" => self.repl.masterauth.clone().unwrap_or_default(),
            "hash-max-listpack-entries" => self.hash_listpack.entries.to_string(),
            "hash-max-listpack-value" => self.hash_listpack.value.to_string(),
            "lfu-decay-time" => self.lfu_decay_time.to_string(),
            "lfu-log-factor" => self.lfu_log_factor.to_string(),
            "maxmemory-policy" => self.maxmemory_policy.to_string(),
            "notify-keyspace-events" => print_flags(self.notify_keyspace_events),
            "repl-backlog-size" => self.repl.backlog_size.to_string(),
            "repl-diskless-sync" => yes_no(self.repl.diskless_sync),
            "repl-diskless-sync-delay" => self.repl.diskless_sync_delay.to_string(),
            "repl-diskless-sync-max-replicas" => self.repl.diskless_sync_max_replicas.to_string(),
            "repl-ping-replica-period" => self.repl_ping_replica_period.to_string(),
            "repl-timeout" => self.repl.timeout.to_string(),
            "requirepass" => self.requirepass.clone().unwrap_or_default(),
            "zset-max-listpack-entries" => self.zset_listpack.entries.to_string(),
            "zset-max-listpack-value" => self.zset_listpack.value.to_string(),
            _ => return None,
        })
    }

    /// Stores an already validated canonical value into its typed field;
    /// false for a stored-only parameter.
    fn set_acting(&mut self, name: &str, v: &str) -> bool {
        let num = || v.parse::<u64>().unwrap_or_default();
        let yes = v == "yes";
        match name {
            "cluster-allow-reads-when-down" => self.allow_reads_when_down = yes,
            "cluster-allow-replica-migration" => self.allow_replica_migration = yes,
            "cluster-announce-hostname" => self.announce_hostname = v.to_string(),
            "cluster-enabled" => {}
            "cluster-link-sendbuf-limit" => self.link_sendbuf_limit = num(),
            "cluster-migration-barrier" => {
                self.migration_barrier = u32::try_from(num()).unwrap_or(u32::MAX)
            }
            // Redis accepts 0 and then divides by it nowhere that matters to
            // us; the node's timers need at least 1 ms.
            "cluster-node-timeout" => self.node_timeout = num().max(1),
            "cluster-preferred-endpoint-type" => {
                self.preferred_endpoint = match v {
                    "hostname" => EndpointType::Hostname,
                    "unknown-endpoint" => EndpointType::UnknownEndpoint,
                    _ => EndpointType::Ip,
                }
            }
            "cluster-replica-no-failover" => self.replica_no_failover = yes,
            "cluster-replica-validity-factor" => self.replica_validity_factor = num(),
            "cluster-require-full-coverage" => self.require_full_coverage = yes,
            "masterauth" => self.repl.masterauth = (!v.is_empty()).then(|| v.to_string()),
            // `resizeReplicationBacklog`: never under
            // `CONFIG_REPL_BACKLOG_MIN_SIZE` (16 KB), which CONFIG GET shows.
            "repl-backlog-size" => self.repl.backlog_size = num().max(16 * 1024),
            "repl-diskless-sync" => self.repl.diskless_sync = yes,
            "repl-diskless-sync-delay" => self.repl.diskless_sync_delay = num(),
            "repl-diskless-sync-max-replicas" => self.repl.diskless_sync_max_replicas = num(),
            "hash-max-listpack-entries" => self.hash_listpack.entries = num(),
            "hash-max-listpack-value" => self.hash_listpack.value = num(),
            "lfu-decay-time" => self.lfu_decay_time = u32::try_from(num()).unwrap_or(u32::MAX),
            "lfu-log-factor" => self.lfu_log_factor = u32::try_from(num()).unwrap_or(u32::MAX),
            "maxmemory-policy" => {
                let names = match find(name.as_bytes()).map(|p| p.kind) {
                    Some(Kind::Enum(names)) => names,
                    _ => &[],
                };
                match names.iter().find(|n| **n == v) {
                    Some(n) => self.maxmemory_policy = n,
                    None => return false,
                }
            }
            "repl-ping-replica-period" => self.repl_ping_replica_period = num(),
            "repl-timeout" => self.repl.timeout = num(),
            "requirepass" => self.requirepass = (!v.is_empty()).then(|| v.to_string()),
            "zset-max-listpack-entries" => self.zset_listpack.entries = num(),
            "zset-max-listpack-value" => self.zset_listpack.value = num(),
            _ => return false,
        }
        true
    }
}

/// Parses and validates `value` for `p` (whose value is now `current`);
/// returns what CONFIG GET will print.
pub fn canonical(p: &Param, value: &str, current: &str) -> Result<String, String> {
    match p.kind {
        Kind::Bool => match value.to_ascii_lowercase().as_str() {
            "yes" => Ok("yes".into()),
            "no" => Ok("no".into()),
            _ => Err("argument must be 'yes' or 'no'".into()),
        },
        Kind::Enum(words) => words
            .iter()
            .position(|w| w.eq_ignore_ascii_case(value))
            .map(|i| enum_name(p.name, words, i))
            .ok_or_else(|| one_of(words)),
        Kind::EnumSet(words) => enum_set(words, value),
        Kind::Num {
            min,
            max,
            unit,
            unsigned,
        } => numeric(value, min, max, unit, unsigned),
        Kind::Text(check) => text(check, p.name, value),
        Kind::Special => special(p.name, value, current),
    }
}

/// The name CONFIG GET prints for an enum value: the first word with the same
/// value (`oom-score-adj relative` reads back as `yes`).
fn enum_name(param: &str, words: &[&str], i: usize) -> String {
    if param == "oom-score-adj" && words[i] == "relative" {
        return "yes".into();
    }
    words[i].to_string()
}

fn one_of(words: &[&str]) -> String {
    format!(
        "argument(s) must be one of the following: {}",
        words.join(", ")
    )
}

/// `shutdown-on-sig*`: flag words, printed in the table's order; `default`
/// alone is 0.
fn enum_set(words: &[&str], value: &str) -> Result<String, String> {
    let args: Vec<&str> = value.split(' ').collect();
    let mut chosen = vec![false; words.len()];
    for a in &args {
        let i = words
            .iter()
            .position(|w| w.eq_ignore_ascii_case(a))
            .ok_or_else(|| one_of(words))?;
        chosen[i] = true;
    }
    let is = |w: &str| {
        words
            .iter()
            .position(|x| *x == w)
            .is_some_and(|i| chosen[i])
    };
    if is("save") && is("nosave") {
        return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into());
    }
    let names: Vec<&str> = words
        .iter()
        .zip(&chosen)
        .filter(|(w, &c)| c && **w != "default")
        .map(|(w, _)| *w)
        .collect();
    Ok(if names.is_empty() {
        "default".into()
    } else {
        names.join(" ")
    })
}

/// `numericParseString` + `numericBoundaryCheck` + `numericConfigGet`.
fn numeric(
    value: &str,
    min: i128,
    max: i128,
    unit: Unit,
    unsigned: bool,
) -> Result<String, String> {
    let memory = matches!(unit, Unit::Memory | Unit::MemoryOrPercent);
    let parsed: Option<i64> = if memory {
        memtoull(value).map(|v| v as i64)
    } else {
        None
    };
    let percent = || {
        let digits = value.strip_suffix('%')?;
        let n = crate::resp::parse_i64(digits.as_bytes())?;
        (value.len() > 1 && n >= 0).then_some(-n)
    };
    let octal = || {
        i64::from_str_radix(value, 8)
            .ok()
            .filter(|_| !value.starts_with(['+', '-']))
    };
    let ll = match (parsed, unit) {
        (Some(v), _) => v,
        (None, Unit::MemoryOrPercent) => {
            percent().ok_or("argument must be a memory or percent value")?
        }
        (None, Unit::Memory) => return Err("argument must be a memory value".into()),
        (None, Unit::Octal) => octal().ok_or("argument couldn't be parsed as an octal number")?,
        (None, Unit::Integer) => crate::resp::parse_i64(value.as_bytes())
            .ok_or("argument couldn't be parsed into an integer")?,
    };
    if unsigned {
        let v = ll as u64 as i128;
        if v < min || v > max {
            return Err(if unit == Unit::Octal {
                format!("argument must be between {min:o} and {max:o} inclusive")
            } else {
                format!("argument must be between {min} and {max} inclusive")
            });
        }
    } else if unit == Unit::MemoryOrPercent && ll < 0 {
        if i128::from(ll) < min {
            return Err(format!(
                "percentage argument must be less or equal to {}",
                -min
            ));
        }
    } else if i128::from(ll) < min || i128::from(ll) > max {
        return Err(format!(
            "argument must be between {min} and {max} inclusive"
        ));
    }
    Ok(match unit {
        Unit::MemoryOrPercent if ll < 0 => format!("{}%", -ll),
        Unit::Memory | Unit::MemoryOrPercent => (ll as u64).to_string(),
        Unit::Octal => format!("{ll:o}"),
        Unit::Integer => ll.to_string(),
    })
}

/// `memtoull`: digits and an optional unit; `k`/`m`/`g` are powers of 1000,
/// `kb`/`mb`/`gb` of 1024. None for Redis's parse errors.
pub fn memtoull(text: &str) -> Option<u64> {
    if text.starts_with('-') {
        return None;
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let mul: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    // strtoull: no digits reads as 0; too many saturates; the product wraps.
    let val = if digits.is_empty() {
        0
    } else {
        digits.parse::<u64>().unwrap_or(u64::MAX)
    };
    Some(val.wrapping_mul(mul))
}

fn text(check: Check, name: &str, value: &str) -> Result<String, String> {
    match check {
        Check::None => {}
        Check::Hostname => {
            if value.len() >= 256 {
                return Err("Hostnames must be less than 256 characters".into());
            }
            if !value
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
            {
                return Err(
                    "Hostnames may only contain alphanumeric characters, hyphens or dots".into(),
                );
            }
        }
        Check::FileName => {
            if value.contains('/') {
                return Err(format!("{name} can't be a path, just a filename"));
            }
        }
        Check::ProcTitle => {
            const KNOWN: &[&str] = &[
                "{title}",
                "{listen-addr}",
                "{server-mode}",
                "{port}",
                "{tls-port}",
                "{unixsocket}",
                "{config-file}",
            ];
            let mut rest = value;
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}') else {
                    return Err(TEMPLATE_ERR.into());
                };
                if !KNOWN.contains(&&rest[open..=open + close]) {
                    return Err(TEMPLATE_ERR.into());
                }
                rest = &rest[open + close + 1..];
            }
            if rest.contains('}') || value.trim().is_empty() {
                return Err(TEMPLATE_ERR.into());
            }
        }
    }
    Ok(value.to_string())
}

const TEMPLATE_ERR: &str = "template format is invalid or contains unknown variables";

/// The parameters with a parser of their own in `config.c`.
fn special(name: &str, value: &str, current: &str) -> Result<String, String> {
    let args: Vec<&str> = if value.is_empty() {
        Vec::new()
    } else {
        value.split(' ').collect()
    };
    match name {
        "save" => save(&args),
        "client-output-buffer-limit" => output_buffer_limit(&args, current),
        "notify-keyspace-events" => notify_flags(value),
        "oom-score-adj-values" => {
            let ok = args.len() == 3;
            if !ok {
                return Err("wrong number of arguments".into());
            }
            let vals: Option<Vec<i64>> = args
                .iter()
                .map(|a| a.parse::<i64>().ok().filter(|v| (-2000..=2000).contains(v)))
                .collect();
            let vals = vals
                .ok_or("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")?;
            Ok(vals
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(" "))
        }
        "bind" if args.len() > 16 => Err("Too many bind addresses specified.".into()),
        "bind" | "dir" | "replicaof" => Ok(value.to_string()),
        "latency-tracking-info-percentiles" => percentiles(&args),
        _ => Err(format!("no parser for {name}")),
    }
}

/// `setConfigSaveOption`: pairs of seconds ≥ 1 and changes ≥ 0; `""` clears.
fn save(args: &[&str]) -> Result<String, String> {
    const ERR: &str = "Invalid save parameters";
    if !args.len().is_multiple_of(2) {
        return Err(ERR.into());
    }
    let mut out = Vec::with_capacity(args.len());
    for (j, a) in args.iter().enumerate() {
        let v = strtoll(a).ok_or(ERR)?;
        if (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0) {
            return Err(ERR.into());
        }
        // `changes` is an int in Redis: printed back as C truncates it.
        out.push(if j % 2 == 1 {
            (v as i32).to_string()
        } else {
            v.to_string()
        });
    }
    Ok(out.join(" "))
}

/// `strtoll` with the whole text consumed (leading `+` allowed).
fn strtoll(a: &str) -> Option<i64> {
    let digits = a.strip_prefix('+').unwrap_or(a);
    if digits.is_empty() || digits.starts_with(['+']) {
        return None;
    }
    digits.parse::<i64>().ok()
}

/// `updateClientOutputBufferLimit`: `<class> <hard> <soft> <seconds>`
/// groups; the classes not named keep their `current` limits.
fn output_buffer_limit(args: &[&str], current: &str) -> Result<String, String> {
    if args.is_empty() || !args.len().is_multiple_of(4) {
        return Err("Wrong number of arguments in buffer limit configuration.".into());
    }
    // `current` is always our own canonical text: three groups of four.
    let now: Vec<&str> = current.split(' ').collect();
    let field = |i: usize| now.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let mut limits = [
        ("normal", field(1), field(2), field(3) as i64),
        ("slave", field(5), field(6), field(7) as i64),
        ("pubsub", field(9), field(10), field(11) as i64),
    ];
    for group in args.chunks(4) {
        let class = match group[0].to_ascii_lowercase().as_str() {
            "normal" => 0,
            "slave" | "replica" => 1,
            "pubsub" => 2,
            _ => {
                return Err("Invalid client class specified in buffer limit configuration.".into())
            }
        };
        let (Some(hard), Some(soft), Some(secs)) =
            (memtoull(group[1]), memtoull(group[2]), strtoll(group[3]))
        else {
            return Err(BUFFER_ERR.into());
        };
        if secs < 0 {
            return Err(BUFFER_ERR.into());
        }
        limits[class] = (limits[class].0, hard, soft, secs);
    }
    Ok(limits
        .iter()
        .map(|(c, h, s, secs)| format!("{c} {h} {s} {secs}"))
        .collect::<Vec<_>>()
        .join(" "))
}

const BUFFER_ERR: &str =
    "Error in hard, soft or soft_seconds setting in buffer limit configuration.";

/// `keyspaceEventsStringToFlags` then `keyspaceEventsFlagsToString`.
fn notify_flags(value: &str) -> Result<String, String> {
    parse_flags(value)
        .map(print_flags)
        .ok_or_else(|| "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into())
}

/// `latency-tracking-info-percentiles`: doubles in [0, 100], printed as `%f`
/// with trailing zeros trimmed.
fn percentiles(args: &[&str]) -> Result<String, String> {
    let mut out = Vec::with_capacity(args.len());
    for a in args {
        let v: f64 = a
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or("Invalid latency-tracking-info-percentiles parameters")?;
        if !(0.0..=100.0).contains(&v) {
            return Err(
                "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
                    .into(),
            );
        }
        let s = format!("{v:.6}");
        out.push(s.trim_end_matches('0').trim_end_matches('.').to_string());
    }
    Ok(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(c: &mut Config, pairs: &[(&str, &str)]) -> Result<(), String> {
        let pairs: Vec<(&[u8], &[u8])> = pairs
            .iter()
            .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
            .collect();
        c.set_params(&pairs)
    }

    fn get(c: &Config, name: &str) -> String {
        c.param_value(find(name.as_bytes()).unwrap())
    }

    /// `memtoull`: k/m/g are decimal, kb/mb/gb binary, no sign.
    #[test]
    fn memory_units() {
        assert_eq!(memtoull("1k"), Some(1000));
        assert_eq!(memtoull("1KB"), Some(1024));
        assert_eq!(memtoull("3gb"), Some(3 << 30));
        assert_eq!(memtoull("12"), Some(12));
        assert_eq!(memtoull("-1"), None);
        assert_eq!(memtoull("1tb"), None);
    }

    /// An acting parameter changes the typed field the rules read; a stored
    /// one only what CONFIG GET reports.
    #[test]
    fn acting_and_stored_parameters() {
        let mut c = Config::default();
        set(&mut c, &[("cluster-node-timeout", "5000"), ("hz", "50")]).unwrap();
        assert_eq!(c.node_timeout, 5000);
        assert_eq!(get(&c, "hz"), "50");
        set(&mut c, &[("hz", "10")]).unwrap();
        assert_eq!(
            c.stored,
            Stored::default(),
            "back to the default: nothing stored"
        );
    }

    /// `configSetCommand` sets all or nothing: a bad second value leaves the
    /// first unchanged, and the error names the parameter's real name.
    #[test]
    fn config_set_is_atomic() {
        let mut c = Config::default();
        let err = set(
            &mut c,
            &[("cluster-node-timeout", "5000"), ("slave-priority", "x")],
        );
        assert_eq!(
            err.unwrap_err(),
            "ERR CONFIG SET failed (possibly related to argument 'replica-priority') - \
             argument couldn't be parsed into an integer"
        );
        assert_eq!(c.node_timeout, 15_000);
        let err = set(&mut c, &[("hz", "5"), ("HZ", "6")]).unwrap_err();
        assert!(err.ends_with("'HZ') - duplicate parameter"), "{err}");
    }

    /// Protected parameters need `enable-protected-configs` (set at start).
    #[test]
    fn protected_configs() {
        let mut c = Config::default();
        let err = set(&mut c, &[("dir", "/tmp")]).unwrap_err();
        assert!(err.ends_with("can't set protected config"), "{err}");
        let p = find(b"enable-protected-configs").unwrap();
        c.set_one(p, "yes").unwrap();
        set(&mut c, &[("dir", "/tmp")]).unwrap();
    }

    #[test]
    fn notify_keyspace_events_print_as_redis_does() {
        let p = find(b"notify-keyspace-events").unwrap();
        assert_eq!(canonical(p, "EKA", "").unwrap(), "AKE");
        assert_eq!(canonical(p, "x$E", "").unwrap(), "$xE");
        assert_eq!(canonical(p, "An", "").unwrap(), "A");
        assert!(canonical(p, "Q", "").is_err());
    }
}
