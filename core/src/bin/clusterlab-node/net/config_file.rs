//! The node's settings, from command-line flags and/or a redis.conf file,
//! under redis.conf's own names so a real config file works unchanged.

use clusterlab_core::config::params::find;
use clusterlab_core::config::Config;
use clusterlab_core::resp::DEFAULT_MAX_BULK_LEN;
use std::net::IpAddr;
use std::path::PathBuf;

/// Everything the native node needs to start.
#[derive(Clone, Debug)]
pub struct Settings {
    pub port: u16,
    pub bind: IpAddr,
    /// `cluster-config-file`, relative to `dir` unless absolute.
    pub config_file: PathBuf,
    pub dir: PathBuf,
    pub cluster: Config,
    /// `--trace FILE`: the node's events as the simulator's JSON lines.
    pub trace: Option<PathBuf>,
    /// `proto-max-bulk-len`: the longest bulk argument a client may send.
    pub proto_max_bulk_len: u64,
    /// `client-query-buffer-limit`: a client whose unparsed input grows past
    /// this is closed.
    pub client_query_buffer_limit: u64,
    /// The redis.conf it was started with, absolute: CONFIG REWRITE's file.
    pub conf_file: Option<PathBuf>,
}

/// `client-query-buffer-limit`'s default: 1 GB.
pub const DEFAULT_QUERY_BUFFER_LIMIT: u64 = 1 << 30;
/// The smallest `proto-max-bulk-len` and `client-query-buffer-limit` Redis 7.0 accepts.
const MIN_MEMORY_LIMIT: u64 = 1 << 20;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            port: 6379,
            bind: IpAddr::from([127, 0, 0, 1]),
            config_file: PathBuf::from("nodes.conf"),
            dir: PathBuf::from("."),
            cluster: Config::default(),
            trace: None,
            proto_max_bulk_len: DEFAULT_MAX_BULK_LEN,
            client_query_buffer_limit: DEFAULT_QUERY_BUFFER_LIMIT,
            conf_file: None,
        }
    }
}

impl Settings {
    /// Where nodes.conf lives.
    pub fn nodes_conf_path(&self) -> PathBuf {
        self.dir.join(&self.config_file)
    }

    /// `[redis.conf] [--key value]…`: a file first (if any), then flags that
    /// override it, as redis-server reads them. Errors name the argument.
    pub fn from_args(argv: &[String]) -> Result<Settings, String> {
        let mut s = Settings::default();
        let mut rest = argv;
        if let Some(file) = argv.first().filter(|a| !a.starts_with("--")) {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read config file '{file}': {e}"))?;
            for (n, line) in text.lines().enumerate() {
                let words: Vec<&str> = line.split_whitespace().collect();
                let Some((key, values)) = words.split_first() else {
                    continue;
                };
                if key.starts_with('#') {
                    continue;
                }
                s.set(key, values)
                    .map_err(|e| format!("{file}:{}: {e}", n + 1))?;
            }
            rest = &argv[1..];
            s.conf_file = Some(std::fs::canonicalize(file).unwrap_or_else(|_| PathBuf::from(file)));
        }
        let mut i = 0;
        while i < rest.len() {
            let Some(key) = rest[i].strip_prefix("--") else {
                return Err(format!("unexpected argument '{}'", rest[i]));
            };
            let values: Vec<&str> = rest[i + 1..]
                .iter()
                .take_while(|v| !v.starts_with("--"))
                .map(String::as_str)
                .collect();
            s.set(key, &values)?;
            i += 1 + values.len();
        }
        // Redis chdirs into `dir`, so CONFIG GET dir is the absolute path.
        let dir = std::fs::canonicalize(&s.dir).unwrap_or_else(|_| s.dir.clone());
        let param = find(b"dir").expect("dir is in the table");
        s.cluster.set_one(param, &dir.to_string_lossy())?;
        Ok(s)
    }

    /// One redis.conf directive. Unknown keys are warned about and skipped,
    /// so a full redis.conf loads.
    fn set(&mut self, key: &str, values: &[&str]) -> Result<(), String> {
        let key = key.to_ascii_lowercase();
        let one = || match values {
            [v] => Ok(v.trim_matches('"')),
            _ => Err(format!("'{key}' takes exactly one value")),
        };
        let number = |what: &str| -> Result<u64, String> {
            one()?
                .parse()
                .map_err(|_| format!("'{key}' must be a number, got '{what}'"))
        };
        let yes_no = || match one()? {
            "yes" => Ok(true),
            "no" => Ok(false),
            v => Err(format!("'{key}' must be yes or no, got '{v}'")),
        };
        let raw = values.join(" ");
        // Every parameter of Redis's table is validated as CONFIG SET would
        // and recorded, so CONFIG GET and CONFIG REWRITE see the file's value;
        // the ones the native shell itself uses are read below too.
        let param = find(key.as_bytes());
        if let Some(p) = param {
            let words: Vec<&str> = values.iter().map(|v| v.trim_matches('"')).collect();
            self.cluster
                .set_one(p, &words.join(" "))
                .map_err(|e| format!("'{key}': {e}"))?;
        }
        match key.as_str() {
            "port" => {
                self.port = u16::try_from(number(&raw)?)
                    .ok()
                    .filter(|p| *p > 0 && *p <= 55535)
                    .ok_or(format!(
                        "'port' must be 1..55535 (bus = port + 10000), got '{raw}'"
                    ))?
            }
            // Redis binds every address listed; one is enough here.
            "bind" => {
                let first = values.first().ok_or("'bind' needs an address")?;
                self.bind = first
                    .trim_start_matches('-')
                    .parse()
                    .map_err(|_| format!("'bind' must be an IP address, got '{first}'"))?;
            }
            "cluster-enabled" => {
                if !yes_no()? {
                    return Err("'cluster-enabled no' is not supported: clusterlab-node is always a cluster node".into());
                }
            }
            "cluster-config-file" => self.config_file = PathBuf::from(one()?),
            "trace" => self.trace = Some(PathBuf::from(one()?)),
            "dir" => self.dir = PathBuf::from(one()?),
            "cluster-node-timeout" => self.cluster.node_timeout = number(&raw)?,
            "cluster-replica-validity-factor" | "cluster-slave-validity-factor" => {
                self.cluster.replica_validity_factor = number(&raw)?
            }
            "repl-ping-replica-period" | "repl-ping-slave-period" => {
                self.cluster.repl_ping_replica_period = number(&raw)?
            }
            "cluster-migration-barrier" => {
                self.cluster.migration_barrier =
                    u32::try_from(number(&raw)?).map_err(|_| format!("'{key}' is too large"))?
            }
            "cluster-require-full-coverage" => self.cluster.require_full_coverage = yes_no()?,
            "cluster-allow-reads-when-down" => self.cluster.allow_reads_when_down = yes_no()?,
            "cluster-allow-replica-migration" => self.cluster.allow_replica_migration = yes_no()?,
            "cluster-replica-no-failover" | "cluster-slave-no-failover" => {
                self.cluster.replica_no_failover = yes_no()?
            }
            "proto-max-bulk-len" => self.proto_max_bulk_len = memory_limit(&key, one()?)?,
            "client-query-buffer-limit" => {
                self.client_query_buffer_limit = memory_limit(&key, one()?)?
            }
            "requirepass" => {
                let pass = one()?;
                self.cluster.requirepass = (!pass.is_empty()).then(|| pass.to_string());
            }
            "masterauth" => {
                let pass = one()?;
                self.cluster.repl.masterauth = (!pass.is_empty()).then(|| pass.to_string());
            }
            _ if param.is_some() => {}
            // ACL users (`user default on nopass ~* &* +@all`, which CONFIG
            // REWRITE writes): only the default user exists here, so the
            // line is accepted without effect.
            "user" => {}
            _ => eprintln!("clusterlab-node: warning: ignoring unsupported setting '{key}'"),
        }
        Ok(())
    }
}

/// A memory size as redis.conf writes it (`memtoull`: `1048576`, `100k` =
/// 100×1000, `100kb` = 100×1024, `m`/`mb`, `g`/`gb`), at least 1 MB as
/// Redis requires of the query limits.
fn memory_limit(key: &str, text: &str) -> Result<u64, String> {
    let lower = text.to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit: u64 = match &lower[digits.len()..] {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1 << 10,
        "m" => 1_000_000,
        "mb" => 1 << 20,
        "g" => 1_000_000_000,
        "gb" => 1 << 30,
        _ => {
            return Err(format!(
                "'{key}' must be a memory size like 512mb, got '{text}'"
            ))
        }
    };
    let bytes = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .filter(|n| *n <= i64::MAX as u64)
        .ok_or_else(|| format!("'{key}' must be a memory size like 512mb, got '{text}'"))?;
    if bytes < MIN_MEMORY_LIMIT {
        return Err(format!(
            "'{key}' must be between {MIN_MEMORY_LIMIT} and {} bytes, got '{text}'",
            i64::MAX
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_use_redis_conf_names() {
        let s = Settings::from_args(&args(&[
            "--port",
            "7001",
            "--cluster-node-timeout",
            "900",
            "--dir",
            "/tmp/x",
        ]))
        .unwrap();
        assert_eq!(s.port, 7001);
        assert_eq!(s.cluster.node_timeout, 900);
        assert_eq!(s.nodes_conf_path(), PathBuf::from("/tmp/x/nodes.conf"));
    }

    /// redis.conf memory units; Redis refuses query limits under 1 MB.
    #[test]
    fn query_limits_take_memory_sizes() {
        let s = Settings::from_args(&args(&[
            "--proto-max-bulk-len",
            "2mb",
            "--client-query-buffer-limit",
            "1500k",
        ]))
        .unwrap();
        assert_eq!(s.proto_max_bulk_len, 2 << 20);
        assert_eq!(s.client_query_buffer_limit, 1_500_000);
        let d = Settings::default();
        assert_eq!(d.proto_max_bulk_len, 512 << 20);
        assert_eq!(d.client_query_buffer_limit, 1 << 30);
        for bad in ["1kb", "lots", "9223372036854775807gb", "-1"] {
            let err = Settings::from_args(&args(&["--proto-max-bulk-len", bad])).unwrap_err();
            assert!(err.contains("'proto-max-bulk-len'"), "{bad}: {err}");
        }
    }

    /// A file CONFIG REWRITE wrote loads again: its `user` line (ACL, only
    /// the default user here) is accepted without a warning, as Redis does.
    #[test]
    fn a_rewritten_file_loads_again() {
        let s = Settings::from_args(&args(&[
            "--user", "default", "on", "nopass", "~*", "&*", "+@all",
        ]));
        assert!(s.is_ok());
    }

    #[test]
    fn a_bad_value_names_the_argument() {
        let err = Settings::from_args(&args(&["--port", "seven"])).unwrap_err();
        assert!(err.contains("'port'"), "{err}");
        let err = Settings::from_args(&args(&["--port"])).unwrap_err();
        assert!(err.contains("'port'"), "{err}");
    }
}
