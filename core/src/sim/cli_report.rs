//! `redis-cli --cluster check` and `redis-cli --cluster info` against the
//! simulated cluster, printed as redis-cli 7.0 prints them.
//!
//! Operators read these reports, not the cluster's internals, so the lesson
//! console gives the same text: redis-cli.c's `clusterManagerLoadInfoFromNode`
//! (the entry node's `CLUSTER NODES` names the other nodes; each one is then
//! asked for its own `CLUSTER NODES`, and only its `myself` line counts),
//! `clusterManagerShowClusterInfo` (`DBSIZE` of every master) and
//! `clusterManagerCheckCluster` (config signatures, open slots, coverage).
//! The report is built from each node's own `CLUSTER NODES` text, the very
//! reply redis-cli parses, so it shows what a real operator would see,
//! including nodes skipped because the entry node flags them `fail`.

use super::{Sim, Status};
use crate::slot::SLOTS as SLOT_COUNT;
use std::fmt::Write;

/// The number of slots, as an index bound.
const SLOTS: usize = SLOT_COUNT as usize;

/// Which redis-cli cluster command to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CliReport {
    /// `--cluster info`: keys, slots and replicas per master.
    Info,
    /// `--cluster check`: the info, every node, then the consistency checks.
    Check,
}

/// A node as redis-cli's `clusterManagerNode` holds it after loading.
pub(super) struct Loaded {
    pub(super) name: String,
    pub(super) ip: String,
    pub(super) port: u16,
    /// Index in the simulator, once connected.
    pub(super) idx: usize,
    pub(super) slave: bool,
    /// `CLUSTER_MANAGER_FLAG_NOADDR | DISCONNECT | FAIL`, from the entry's line.
    unusable: bool,
    replicate: Option<String>,
    /// The node's own flags, without `myself` (`clusterManagerNodeFlagString`).
    flags: Vec<String>,
    pub(super) slots: Vec<bool>,
    /// `(slot, other node's ID)` of each `[slot->-id]`, in line order.
    pub(super) migrating: Vec<(String, String)>,
    /// `(slot, other node's ID)` of each `[slot-<-id]`, in line order.
    pub(super) importing: Vec<(String, String)>,
    replicas: usize,
}

impl Loaded {
    fn from_line(fields: &[&str]) -> Option<Loaded> {
        let (addr, _) = fields.get(1)?.rsplit_once('@').unwrap_or((fields[1], ""));
        let (ip, port) = addr.rsplit_once(':')?;
        let mut n = Loaded {
            name: fields[0].to_string(),
            ip: ip.to_string(),
            port: port.parse().ok()?,
            idx: usize::MAX,
            slave: false,
            unusable: false,
            replicate: None,
            flags: Vec::new(),
            slots: vec![false; SLOTS],
            migrating: Vec::new(),
            importing: Vec::new(),
            replicas: 0,
        };
        n.apply_flags(fields);
        Some(n)
    }

    /// The flag part of `clusterManagerNodeLoadInfo`: bits accumulate, the
    /// flag strings are those of the last line read.
    fn apply_flags(&mut self, fields: &[&str]) {
        self.flags.clear();
        let flags = fields.get(2).copied().unwrap_or_default();
        for flag in flags.split(',').filter(|f| !f.is_empty()) {
            match flag {
                "noaddr" | "disconnected" | "fail" => self.unusable = true,
                "slave" => {
                    self.slave = true;
                    if let Some(m) = fields.get(3) {
                        self.replicate = Some(m.to_string());
                    }
                }
                _ => {}
            }
            if flag != "myself" {
                self.flags.push(flag.to_string());
            }
        }
    }

    /// The slot tokens of a `myself` line: ranges, single slots, and the
    /// `[slot->-id]` / `[slot-<-id]` open slots.
    fn apply_slots(&mut self, tokens: &[&str]) {
        for t in tokens {
            if let Some(open) = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                if let Some((slot, id)) = open.split_once("->-") {
                    self.migrating.push((slot.to_string(), id.to_string()));
                } else if let Some((slot, id)) = open.split_once("-<-") {
                    self.importing.push((slot.to_string(), id.to_string()));
                }
                continue;
            }
            let (a, b) = t.split_once('-').unwrap_or((t, t));
            if let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) {
                for s in a..=b.min(SLOTS - 1) {
                    self.slots[s] = true;
                }
            }
        }
    }

    pub(super) fn slot_count(&self) -> usize {
        self.slots.iter().filter(|s| **s).count()
    }

    /// `clusterManagerNodeSlotsString`: `[0-5460],[10923]`.
    fn slots_string(&self) -> String {
        slots_string(&self.slots)
    }
}

/// `clusterManagerNodeSlotsString` of a slot bitmap: `[0-5460],[10923]`
/// (redis-cli also prints `--cluster fix`'s lists of slots this way).
pub(super) fn slots_string(slots: &[bool]) -> String {
    let mut out = String::new();
    let mut s = 0;
    while s < slots.len() {
        if !slots[s] {
            s += 1;
            continue;
        }
        let start = s;
        while s + 1 < slots.len() && slots[s + 1] {
            s += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == s {
            let _ = write!(out, "[{start}]");
        } else {
            let _ = write!(out, "[{start}-{s}]");
        }
        s += 1;
    }
    out
}

/// `clusterManagerGetConfigSignature`: every line that lists slots, as
/// `id:tok,tok` with its plain slot tokens sorted, the lines sorted and
/// joined by `|`. redis-cli compares it across nodes byte for byte.
fn config_signature(cluster_nodes: &str) -> String {
    let mut configs: Vec<String> = cluster_nodes
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            if fields.len() <= 8 {
                return None;
            }
            let mut slots: Vec<&str> = fields[8..]
                .iter()
                .copied()
                .filter(|t| !t.starts_with('['))
                .collect();
            if slots.is_empty() {
                return None;
            }
            crate::sorted::sort(&mut slots);
            Some(format!("{}:{}", fields[0], slots.join(",")))
        })
        .collect();
    crate::sorted::sort(&mut configs);
    configs.join("|")
}

impl Sim {
    /// What `redis-cli --cluster check|info <entry's address>` prints now.
    ///
    /// A crashed node refuses the connection, as redis-cli reports it; a
    /// paused one would block redis-cli until it is resumed, so the report
    /// stops there and says so.
    pub fn cluster_report(&self, entry: usize, report: CliReport) -> String {
        let mut out = String::new();
        let Some(load) = self.cli_load(entry, &mut out) else {
            return out;
        };
        self.cli_show_info(&load.nodes, &mut out);
        if report == CliReport::Check {
            self.cli_check_config(&load.nodes, &mut out);
            self.cli_open_slots(&load.nodes, &mut out);
            cli_coverage(&load.nodes, &mut out);
        }
        out
    }

    /// `clusterManagerLoadInfoFromNode`: the entry node, then every node it
    /// lists, as redis-cli loads them; `None` when redis-cli stops (the entry
    /// refuses the connection, or a paused node blocks it).
    pub(super) fn cli_load(&self, entry: usize, out: &mut String) -> Option<CliLoad> {
        let nodes_text = self.cli_connect(entry, out)?;
        let mut unreachable_masters = 0;
        let mut loaded = Vec::new();
        let mut friends = Vec::new();
        for line in nodes_text.lines() {
            let fields: Vec<&str> = line.split(' ').collect();
            if fields.len() < 8 {
                continue;
            }
            let Some(mut n) = Loaded::from_line(&fields) else {
                continue;
            };
            if fields[2].split(',').any(|f| f == "myself") {
                n.idx = entry;
                n.apply_slots(&fields[8..]);
                loaded.push(n);
            } else {
                friends.push(n);
            }
        }
        for mut f in friends {
            let idx = self.index_of_client_addr(std::net::SocketAddr::new(
                f.ip.parse()
                    .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED.into()),
                f.port,
            ));
            let Some(idx) = idx else {
                let _ = writeln!(
                    out,
                    "Could not connect to Redis at {}:{}: Connection refused",
                    f.ip, f.port
                );
                unreachable_masters += usize::from(!f.slave);
                continue;
            };
            let Some(text) = self.cli_connect(idx, out) else {
                if self.status(idx) == Status::Paused {
                    return None;
                }
                unreachable_masters += usize::from(!f.slave);
                continue;
            };
            let own = text
                .lines()
                .map(|l| l.split(' ').collect::<Vec<&str>>())
                .find(|f| f.len() >= 8 && f[2].split(',').any(|x| x == "myself"));
            if let Some(fields) = own {
                f.apply_flags(&fields);
                f.apply_slots(fields.get(8..).unwrap_or_default());
            }
            f.idx = idx;
            if f.unusable {
                unreachable_masters += usize::from(!f.slave);
            } else {
                loaded.push(f);
            }
        }
        for i in 0..loaded.len() {
            let Some(master) = loaded[i].replicate.clone() else {
                continue;
            };
            match loaded.iter().position(|m| m.name == master) {
                Some(m) => loaded[m].replicas += 1,
                None => {
                    let _ = writeln!(
                        out,
                        "*** WARNING: {}:{} claims to be slave of unknown node ID {master}.",
                        loaded[i].ip, loaded[i].port
                    );
                }
            }
        }
        Some(CliLoad {
            nodes: loaded,
            unreachable_masters,
        })
    }

    /// Connects like redis-cli and returns the node's `CLUSTER NODES`.
    fn cli_connect(&self, idx: usize, out: &mut String) -> Option<String> {
        let addr = self.nodes[idx].client_addr;
        match self.status(idx) {
            Status::Up => Some(self.node(idx).view().cluster_nodes(0)),
            Status::Crashed => {
                let _ = writeln!(
                    out,
                    "Could not connect to Redis at {addr}: Connection refused"
                );
                None
            }
            Status::Paused => {
                let _ = writeln!(
                    out,
                    "({addr} is paused (SIGSTOP): redis-cli waits for its reply until it is resumed)"
                );
                None
            }
        }
    }

    /// `clusterManagerShowClusterInfo`.
    pub(super) fn cli_show_info(&self, loaded: &[Loaded], out: &mut String) {
        let (mut masters, mut keys) = (0, 0);
        for m in loaded.iter().filter(|n| !n.slave) {
            let replicas = loaded
                .iter()
                .filter(|n| n.slave && n.replicate.as_deref() == Some(m.name.as_str()))
                .count();
            let dbsize = self.node(m.idx).key_count();
            let _ = writeln!(
                out,
                "{}:{} ({}...) -> {dbsize} keys | {} slots | {replicas} slaves.",
                m.ip,
                m.port,
                &m.name[..m.name.len().min(8)],
                m.slot_count()
            );
            masters += 1;
            keys += dbsize;
        }
        let _ = writeln!(out, "[OK] {keys} keys in {masters} masters.");
        let _ = writeln!(
            out,
            "{:.2} keys per slot on average.",
            keys as f32 / SLOTS as f32
        );
    }

    /// `clusterManagerCheckCluster` (without `--cluster-search-multiple-owners`),
    /// up to the open slots: the nodes, then whether they agree.
    pub(super) fn cli_check_config(&self, loaded: &[Loaded], out: &mut String) {
        let Some(first) = loaded.first() else { return };
        let _ = writeln!(
            out,
            ">>> Performing Cluster Check (using node {}:{})",
            first.ip, first.port
        );
        for n in loaded {
            let role = if n.slave { "S" } else { "M" };
            let _ = write!(
                out,
                "{role}: {} {}:{}\n   slots:{} ({} slots) {}",
                n.name,
                n.ip,
                n.port,
                n.slots_string(),
                n.slot_count(),
                n.flags.join(",")
            );
            if let Some(m) = &n.replicate {
                let _ = write!(out, "\n   replicates {m}");
            } else if n.replicas > 0 {
                let _ = write!(out, "\n   {} additional replica(s)", n.replicas);
            }
            out.push('\n');
        }
        let signatures: Vec<String> = loaded
            .iter()
            .map(|n| config_signature(&self.node(n.idx).view().cluster_nodes(0)))
            .collect();
        if loaded.len() <= 1 || signatures.iter().all(|s| *s == signatures[0]) {
            out.push_str("[OK] All nodes agree about slots configuration.\n");
        } else {
            out.push_str("[ERR] Nodes don't agree about configuration!\n");
        }
    }

    /// The open-slot part of `clusterManagerCheckCluster`: a warning per node
    /// with slots MIGRATING or IMPORTING, then the list of open slots, which
    /// it returns (sorted: redis-cli lists them from a hash table).
    pub(super) fn cli_open_slots(&self, loaded: &[Loaded], out: &mut String) -> Vec<u16> {
        out.push_str(">>> Check for open slots...\n");
        let mut open: Vec<u16> = Vec::new();
        for n in loaded {
            for (state, slots) in [("migrating", &n.migrating), ("importing", &n.importing)] {
                if slots.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "[WARNING] Node {}:{} has slots in {state} state {}.",
                    n.ip,
                    n.port,
                    slots
                        .iter()
                        .map(|(s, _)| s.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                );
                open.extend(slots.iter().filter_map(|(s, _)| s.parse::<u16>().ok()));
            }
        }
        if !open.is_empty() {
            // redis-cli lists them from a hash table; sorted here.
            crate::sorted::sort(&mut open);
            open.dedup();
            let list: Vec<String> = open.iter().map(u16::to_string).collect();
            let _ = writeln!(
                out,
                "[WARNING] The following slots are open: {}.",
                list.join(",")
            );
        }
        open
    }
}

/// What redis-cli loaded: the nodes it could use, and how many masters it
/// could not (`cluster_manager.unreachable_masters`, which makes `fix` stop).
pub(super) struct CliLoad {
    pub(super) nodes: Vec<Loaded>,
    pub(super) unreachable_masters: usize,
}

/// The coverage part of `clusterManagerCheckCluster`; returns which slots
/// the loaded nodes cover.
pub(super) fn cli_coverage(loaded: &[Loaded], out: &mut String) -> Vec<bool> {
    out.push_str(">>> Check slots coverage...\n");
    let covered: Vec<bool> = (0..SLOTS)
        .map(|s| loaded.iter().any(|n| n.slots[s]))
        .collect();
    if covered.iter().all(|c| *c) {
        let _ = writeln!(out, "[OK] All {SLOTS} slots covered.");
    } else {
        // clusterManagerOnError adds a newline to a message that has one.
        let _ = writeln!(out, "[ERR] Not all {SLOTS} slots are covered by nodes.\n");
    }
    covered
}
