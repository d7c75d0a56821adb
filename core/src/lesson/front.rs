//! The front matter: `key: value` lines between two `---` lines. A tiny
//! format of our own (not YAML) so the engine needs no parser dependency and
//! every key can be checked; unknown keys are errors, since a typo would
//! otherwise silently change a lesson.

use super::LineError;
use crate::config::Config;
use crate::sim::Scenario;

/// The cluster a lesson starts from.
#[derive(Clone, Debug, PartialEq)]
pub struct Topology {
    /// Number of masters.
    pub masters: usize,
    /// Replicas per master.
    pub replicas: usize,
}

/// Everything the front matter says.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    /// Stable slug: progress is stored under it.
    pub id: String,
    /// The lesson's title.
    pub title: String,
    /// Position in the course.
    pub order: u32,
    /// The simulator's seed: every run of the lesson starts the same.
    pub seed: u64,
    /// The cluster it starts from.
    pub topology: Topology,
    /// Node settings (cluster-node-timeout…).
    pub config: Config,
    /// The simulator's background writes (`SET {tag}:w n` on every master),
    /// every this many ms; `None` when the lesson does not ask for them.
    pub load_ms: Option<u64>,
    /// What the learner may do (action names and Redis commands); empty = anything.
    pub allow: Vec<String>,
    /// Panels the app opens at the start.
    pub panels: Vec<String>,
}

impl Meta {
    /// The scenario that builds the lesson's start state.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            masters: self.topology.masters,
            replicas: self.topology.replicas,
            config: self.config.clone(),
            seed: self.seed,
            write_every_ms: self.load_ms,
            ..Scenario::default()
        }
    }

    /// Whether the learner may run `action` (`kill`, `GET`, `CLUSTER NODES`…).
    pub fn allows(&self, action: &str) -> bool {
        self.allow.is_empty()
            || self.allow.iter().any(|a| {
                let a = a.to_ascii_uppercase();
                let act = action.to_ascii_uppercase();
                act == a || act.starts_with(&format!("{a} "))
            })
    }
}

/// Parses the front matter lines (`first_line` is the 1-based line of the first one).
pub(super) fn parse_meta(lines: &[&str], first_line: usize) -> Result<Meta, LineError> {
    let mut meta = Meta {
        id: String::new(),
        title: String::new(),
        order: 0,
        seed: 0,
        topology: Topology {
            masters: 3,
            replicas: 1,
        },
        config: Config::default(),
        load_ms: None,
        allow: Vec::new(),
        panels: Vec::new(),
    };
    let mut seen: Vec<&str> = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        let line = first_line + i;
        let text = raw.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let Some((key, value)) = text.split_once(':') else {
            return Err((line, format!("expected `key: value`, found `{text}`")));
        };
        let (key, value) = (key.trim(), value.trim());
        if seen.contains(&key) {
            return Err((line, format!("`{key}` is given twice")));
        }
        seen.push(key);
        let bad = |what: &str| (line, format!("`{key}`: {what}, found `{value}`"));
        match key {
            "id" => {
                if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    return Err(bad("expected a slug (letters, digits, -)"));
                }
                meta.id = value.into();
            }
            "title" => meta.title = value.trim_matches('"').into(),
            "order" => meta.order = value.parse().map_err(|_| bad("expected a number"))?,
            "seed" => meta.seed = value.parse().map_err(|_| bad("expected a number"))?,
            "topology" => meta.topology = parse_topology(value).map_err(|m| (line, m))?,
            "config" => parse_config(value, &mut meta.config).map_err(|m| (line, m))?,
            "load" => {
                meta.load_ms = match value {
                    "off" => None,
                    ms => Some(super::step::parse_duration(ms).map_err(|m| (line, m))?),
                }
            }
            "allow" => meta.allow = list(value),
            "panels" => meta.panels = list(value),
            _ => {
                return Err((
                    line,
                    format!(
                        "unknown key `{key}` (known: id, title, order, seed, topology, config, load, allow, panels)"
                    ),
                ))
            }
        }
    }
    for required in ["id", "title", "order", "seed"] {
        if !seen.contains(&required) {
            return Err((first_line, format!("the front matter needs `{required}`")));
        }
    }
    Ok(meta)
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `masters=3 replicas=1`.
fn parse_topology(value: &str) -> Result<Topology, String> {
    let mut t = Topology {
        masters: 3,
        replicas: 1,
    };
    for pair in value.split_whitespace() {
        let (k, v) = pair.split_once('=').ok_or(format!(
            "`topology`: expected `masters=N replicas=N`, found `{pair}`"
        ))?;
        let n: usize = v
            .parse()
            .map_err(|_| format!("`topology`: `{k}` wants a number, found `{v}`"))?;
        match k {
            "masters" if (1..=26).contains(&n) => t.masters = n,
            "replicas" if n <= 9 => t.replicas = n,
            "masters" | "replicas" => return Err(format!("`topology`: `{k}={n}` is out of range")),
            _ => return Err(format!("`topology`: unknown `{k}` (masters, replicas)")),
        }
    }
    Ok(t)
}

/// `node-timeout=5000 replica-validity-factor=0`, named like redis.conf
/// without the `cluster-` prefix.
fn parse_config(value: &str, cfg: &mut Config) -> Result<(), String> {
    for pair in value.split_whitespace() {
        let (k, v) = pair
            .split_once('=')
            .ok_or(format!("`config`: expected `name=value`, found `{pair}`"))?;
        let num = || {
            v.parse::<u64>()
                .map_err(|_| format!("`config`: `{k}` wants a number, found `{v}`"))
        };
        let yes = || match v {
            "yes" => Ok(true),
            "no" => Ok(false),
            _ => Err(format!("`config`: `{k}` wants yes or no, found `{v}`")),
        };
        match k {
            "node-timeout" if num()? > 0 => cfg.node_timeout = num()?,
            "replica-validity-factor" => cfg.replica_validity_factor = num()?,
            "migration-barrier" => cfg.migration_barrier = num()? as u32,
            "require-full-coverage" => cfg.require_full_coverage = yes()?,
            "allow-reads-when-down" => cfg.allow_reads_when_down = yes()?,
            "allow-replica-migration" => cfg.allow_replica_migration = yes()?,
            "replica-no-failover" => cfg.replica_no_failover = yes()?,
            "node-timeout" => return Err("`config`: node-timeout must be positive".into()),
            _ => {
                return Err(format!(
                    "`config`: unknown setting `{k}` (node-timeout, replica-validity-factor, migration-barrier, require-full-coverage, allow-reads-when-down, allow-replica-migration, replica-no-failover)"
                ))
            }
        }
    }
    Ok(())
}
