//! `INFO` (`genRedisInfoString`, server.c 7.0.15): the thirteen sections
//! in Redis's order, `\r\n` line ends (redis-cli's parser needs them).
//! What the node models is computed (uptime from its clock, clients,
//! commands, hits and misses, rates, the memory estimate, replication
//! offsets, commandstats, errorstats, keyspace); what it does not (fork,
//! persistence, eviction, threads) reads as Redis reads when unused.

use super::memory_stats::{Overhead, STARTUP_MEMORY};
use super::server::REDIS_VERSION;
use crate::node::ServerCtx;
use crate::time::Time;
use std::fmt::Write;

/// 7.0's default sections (`INFO`, `INFO default`).
const DEFAULT: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "module_list",
    "errorstats",
    "cluster",
    "keyspace",
];

/// Which sections were asked for (`genInfoSectionDict`): names are
/// case-insensitive, `default` adds the defaults, `all` and `everything`
/// every section (no module here adds more).
struct Wanted {
    all: bool,
    names: Vec<String>,
}

impl Wanted {
    fn of(args: &[Vec<u8>]) -> Wanted {
        if args.is_empty() {
            return Wanted {
                all: false,
                names: DEFAULT.iter().map(|s| s.to_string()).collect(),
            };
        }
        let mut w = Wanted {
            all: false,
            names: Vec::new(),
        };
        for a in args {
            let a = String::from_utf8_lossy(a).to_lowercase();
            match a.as_str() {
                "default" => w.names.extend(DEFAULT.iter().map(|s| s.to_string())),
                "all" | "everything" => w.all = true,
                _ => w.names.push(a),
            }
        }
        w
    }

    fn has(&self, section: &str) -> bool {
        self.all || self.names.iter().any(|n| n == section)
    }
}

/// `INFO [section …]`.
pub fn info(node: &mut ServerCtx, now: Time, args: &[Vec<u8>]) -> String {
    let w = Wanted::of(&args[1..]);
    let mut sections: Vec<String> = Vec::new();
    let mut add = |on: bool, f: &mut dyn FnMut() -> String| {
        if on {
            sections.push(f());
        }
    };
    add(w.has("server"), &mut || server(node, now));
    add(w.has("clients"), &mut || clients(node));
    add(w.has("memory"), &mut || memory_section(node));
    add(w.has("persistence"), &mut || node.persistence_info(now));
    add(w.has("stats"), &mut || stats(node));
    add(w.has("replication"), &mut || replication(node, now));
    add(w.has("cpu"), &mut cpu);
    add(w.has("module_list") || w.has("modules"), &mut || {
        "# Modules\r\n".into()
    });
    add(w.has("commandstats"), &mut || commandstats(node));
    add(w.has("errorstats"), &mut || errorstats(node));
    add(w.has("latencystats"), &mut || latencystats(node));
    add(w.has("cluster"), &mut || {
        "# Cluster\r\ncluster_enabled:1\r\n".into()
    });
    add(w.has("keyspace"), &mut || keyspace(node));
    sections.join("\r\n")
}

fn server(node: &ServerCtx, now: Time) -> String {
    let port = node.view().myself().map_or(0, |m| m.port);
    let uptime = now.since(node.started_at()) / 1000;
    let hz = node.config().param_str("hz");
    format!(
        "# Server\r\nredis_version:{REDIS_VERSION}\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:0\r\nredis_mode:cluster\r\nos:clusterlab\r\narch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:epoll\r\natomicvar_api:c11-builtin\r\ngcc_version:0.0.0\r\nprocess_id:{}\r\nprocess_supervised:no\r\nrun_id:{}\r\ntcp_port:{port}\r\nserver_time_usec:{}\r\nuptime_in_seconds:{uptime}\r\nuptime_in_days:{}\r\nhz:{hz}\r\nconfigured_hz:{hz}\r\nlru_clock:{}\r\nexecutable:\r\nconfig_file:\r\nio_threads_active:0\r\n",
        port,
        node.id(),
        now.ms() * 1000,
        uptime / 86_400,
        // LRU_CLOCK: seconds, 24 bits.
        (now.ms() / 1000) & ((1 << 24) - 1),
    )
}

fn clients(node: &ServerCtx) -> String {
    format!(
        "# Clients\r\nconnected_clients:{}\r\ncluster_connections:{}\r\nmaxclients:{}\r\nclient_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\nblocked_clients:{}\r\ntracking_clients:{}\r\nclients_in_timeout_table:0\r\n",
        node.client_count(),
        2 * node.routing().known_nodes().saturating_sub(1),
        node.config().param_str("maxclients"),
        node.blocked_clients(),
        node.tracking_info().clients,
    )
}

/// `human` memory as `bytesToHuman` prints it.
fn human(n: u64) -> String {
    let n = n as f64;
    let units = [
        (1024f64.powi(5), "P"),
        (1024f64.powi(4), "T"),
        (1024f64.powi(3), "G"),
        (1024f64.powi(2), "M"),
        (1024.0, "K"),
    ];
    for (size, unit) in units {
        if n >= size {
            return format!("{:.2}{unit}", n / size);
        }
    }
    format!("{n}B")
}

fn memory_section(node: &ServerCtx) -> String {
    let m = Overhead::of(node);
    let (used, dataset, overhead) = (m.total, m.dataset, m.overhead_total);
    let perc = m.dataset_perc();
    let maxmemory = node.config().param_str("maxmemory");
    let max: u64 = maxmemory.parse().unwrap_or(0);
    let clients = m.clients_normal;
    let lua = m.lua_caches;
    let store = node.scripts();
    let scripts = store.scripts.len();
    let libraries = store.libraries.len();
    let functions: usize = store.libraries.values().map(|l| l.functions.len()).sum();
    format!(
        "# Memory\r\nused_memory:{used}\r\nused_memory_human:{}\r\nused_memory_rss:{used}\r\nused_memory_rss_human:{}\r\nused_memory_peak:{used}\r\nused_memory_peak_human:{}\r\nused_memory_peak_perc:100.00%\r\nused_memory_overhead:{overhead}\r\nused_memory_startup:{STARTUP_MEMORY}\r\nused_memory_dataset:{dataset}\r\nused_memory_dataset_perc:{perc:.2}%\r\nallocator_allocated:{used}\r\nallocator_active:{used}\r\nallocator_resident:{used}\r\ntotal_system_memory:0\r\ntotal_system_memory_human:0B\r\nused_memory_lua:32768\r\nused_memory_vm_eval:32768\r\nused_memory_lua_human:32.00K\r\nused_memory_scripts_eval:{lua}\r\nnumber_of_cached_scripts:{scripts}\r\nnumber_of_functions:{functions}\r\nnumber_of_libraries:{libraries}\r\nused_memory_vm_functions:32768\r\nused_memory_vm_total:65536\r\nused_memory_vm_total_human:64.00K\r\nused_memory_functions:0\r\nused_memory_scripts:{lua}\r\nused_memory_scripts_human:{}\r\nmaxmemory:{max}\r\nmaxmemory_human:{}\r\nmaxmemory_policy:{}\r\nallocator_frag_ratio:1.00\r\nallocator_frag_bytes:0\r\nallocator_rss_ratio:1.00\r\nallocator_rss_bytes:0\r\nrss_overhead_ratio:1.00\r\nrss_overhead_bytes:0\r\nmem_fragmentation_ratio:1.00\r\nmem_fragmentation_bytes:0\r\nmem_not_counted_for_evict:0\r\nmem_replication_backlog:0\r\nmem_total_replication_buffers:0\r\nmem_clients_slaves:0\r\nmem_clients_normal:{clients}\r\nmem_cluster_links:0\r\nmem_aof_buffer:0\r\nmem_allocator:libc\r\nactive_defrag_running:0\r\nlazyfree_pending_objects:0\r\nlazyfreed_objects:0\r\n",
        human(used),
        human(used),
        human(used),
        human(lua),
        human(max),
        node.config().param_str("maxmemory-policy"),
    )
}

fn stats(node: &ServerCtx) -> String {
    let s = node.stats();
    let sync = node.sync_stats();
    let (input_kbps, output_kbps) = s.kbps();
    let (channels, patterns, shard) = node.pubsub_counts();
    let tracking = node.tracking_info();
    format!(
        "# Stats\r\ntotal_connections_received:{}\r\ntotal_commands_processed:{}\r\ninstantaneous_ops_per_sec:{}\r\ntotal_net_input_bytes:{}\r\ntotal_net_output_bytes:{}\r\ntotal_net_repl_input_bytes:0\r\ntotal_net_repl_output_bytes:0\r\ninstantaneous_input_kbps:{input_kbps:.2}\r\ninstantaneous_output_kbps:{output_kbps:.2}\r\ninstantaneous_input_repl_kbps:0.00\r\ninstantaneous_output_repl_kbps:0.00\r\nrejected_connections:0\r\nsync_full:{}\r\nsync_partial_ok:{}\r\nsync_partial_err:{}\r\nexpired_keys:{}\r\nexpired_stale_perc:0.00\r\nexpired_time_cap_reached_count:0\r\nexpire_cycle_cpu_milliseconds:0\r\nevicted_keys:0\r\nevicted_clients:0\r\ntotal_eviction_exceeded_time:0\r\ncurrent_eviction_exceeded_time:0\r\nkeyspace_hits:{}\r\nkeyspace_misses:{}\r\npubsub_channels:{channels}\r\npubsub_patterns:{patterns}\r\npubsubshard_channels:{shard}\r\nlatest_fork_usec:0\r\ntotal_forks:0\r\nmigrate_cached_sockets:0\r\nslave_expires_tracked_keys:0\r\nactive_defrag_hits:0\r\nactive_defrag_misses:0\r\nactive_defrag_key_hits:0\r\nactive_defrag_key_misses:0\r\ntotal_active_defrag_time:0\r\ncurrent_active_defrag_time:0\r\ntracking_total_keys:{}\r\ntracking_total_items:{}\r\ntracking_total_prefixes:{}\r\nunexpected_error_replies:0\r\ntotal_error_replies:{}\r\ndump_payload_sanitizations:0\r\ntotal_reads_processed:{}\r\ntotal_writes_processed:{}\r\nio_threaded_reads_processed:0\r\nio_threaded_writes_processed:0\r\nreply_buffer_shrinks:0\r\nreply_buffer_expands:0\r\n",
        s.connections,
        s.commands,
        s.ops_per_sec(),
        s.net_input,
        s.net_output,
        sync.full,
        sync.partial_ok,
        sync.partial_err,
        s.expired,
        s.hits,
        s.misses,
        tracking.keys,
        tracking.items,
        tracking.prefixes,
        s.error_replies,
        s.reads,
        s.writes,
    )
}

fn replication(node: &ServerCtx, now: Time) -> String {
    let v = node.view();
    let mut s = String::from("# Replication\r\n");
    let secs = |t: Time| (now.ms() / 1000).saturating_sub(t.ms() / 1000);
    if node.is_master() {
        s.push_str("role:master\r\n");
    } else {
        let (host, port) = node.master_client_addr().map_or_else(
            || {
                let master = node.routing().master().and_then(|m| v.node(m));
                master.map_or((String::new(), 0), |m| {
                    (m.ip.map(|i| i.to_string()).unwrap_or_default(), m.port)
                })
            },
            |a| (a.ip().to_string(), a.port()),
        );
        let link = node.master_link();
        let last_io = match (link.connected(), link.last_io()) {
            (true, Some(t)) => secs(t) as i64,
            _ => -1,
        };
        let _ = write!(
            s,
            "role:slave\r\nmaster_host:{host}\r\nmaster_port:{port}\r\nmaster_link_status:{}\r\nmaster_last_io_seconds_ago:{last_io}\r\nmaster_sync_in_progress:{}\r\nslave_read_repl_offset:{}\r\nslave_repl_offset:{}\r\n",
            if link.connected() { "up" } else { "down" },
            u8::from(link.in_transfer()),
            v.repl_offset,
            v.repl_offset
        );
        // The RDB arrives whole in one frame: while it is on its way,
        // nothing of it was read yet.
        if link.in_transfer() {
            s.push_str("master_sync_total_bytes:-1\r\nmaster_sync_read_bytes:0\r\nmaster_sync_left_bytes:-1\r\nmaster_sync_perc:0.00\r\nmaster_sync_last_io_seconds_ago:0\r\n");
        }
        if !link.connected() {
            let down = link.last_io().map_or(-1, |t| secs(t) as i64);
            let _ = write!(s, "master_link_down_since_seconds:{down}\r\n");
        }
        let _ = write!(
            s,
            "slave_priority:{}\r\nslave_read_only:1\r\nreplica_announced:1\r\n",
            node.config().param_str("replica-priority")
        );
    }
    let slaves: Vec<_> = node.slaves().collect();
    let _ = write!(s, "connected_slaves:{}\r\n", slaves.len());
    for (i, r) in slaves.iter().enumerate() {
        let lag = if r.state == crate::node::SlaveState::Online {
            secs(r.ack_time)
        } else {
            0
        };
        let _ = write!(
            s,
            "slave{i}:ip={},port={},state={},offset={},lag={lag}\r\n",
            r.ip(),
            r.port,
            r.state_name(),
            r.ack_offset
        );
    }
    let (replid2, second) = node.replid2().map_or(
        ("0000000000000000000000000000000000000000", -1),
        |(id, o)| (id, o as i64),
    );
    let (first_byte, histlen) = node.backlog_range().unwrap_or((0, 0));
    let _ = write!(
        s,
        "master_failover_state:no-failover\r\nmaster_replid:{}\r\nmaster_replid2:{replid2}\r\nmaster_repl_offset:{}\r\nsecond_repl_offset:{second}\r\nrepl_backlog_active:{}\r\nrepl_backlog_size:{}\r\nrepl_backlog_first_byte_offset:{first_byte}\r\nrepl_backlog_histlen:{histlen}\r\n",
        node.repl_replid(),
        v.repl_offset,
        u8::from(node.backlog_range().is_some()),
        node.config().param_str("repl-backlog-size"),
    );
    s
}

/// CPU time is the host's; a sans-IO node reads no process clock.
fn cpu() -> String {
    "# CPU\r\nused_cpu_sys:0.000000\r\nused_cpu_user:0.000000\r\nused_cpu_sys_children:0.000000\r\nused_cpu_user_children:0.000000\r\nused_cpu_sys_main_thread:0.000000\r\nused_cpu_user_main_thread:0.000000\r\n".into()
}

fn commandstats(node: &ServerCtx) -> String {
    let mut s = String::from("# Commandstats\r\n");
    for (name, c) in node.stats().by_command() {
        let per_call = if c.calls == 0 {
            0.0
        } else {
            c.usec as f64 / c.calls as f64
        };
        let _ = write!(
            s,
            "cmdstat_{name}:calls={},usec={},usec_per_call={per_call:.2},rejected_calls={},failed_calls={}\r\n",
            c.calls, c.usec, c.rejected, c.failed
        );
    }
    s
}

/// `latency_percentiles_usec_<cmd>:p50=…,p99=…,p99.9=…` per command that
/// ran while `latency-tracking` was on (`fillPercentileDistributionLatencies`).
fn latencystats(node: &ServerCtx) -> String {
    let mut s = String::from("# Latencystats\r\n");
    let stats = node.stats();
    let Some(percentiles) = &stats.tracking else {
        return s;
    };
    for (name, c) in stats.by_command().filter(|(_, c)| !c.latency.is_empty()) {
        let values: Vec<String> = percentiles
            .iter()
            .map(|p| format!("p{p}={:.3}", c.latency.at_percentile(*p) as f64 / 1000.0))
            .collect();
        let _ = write!(
            s,
            "latency_percentiles_usec_{name}:{}\r\n",
            values.join(",")
        );
    }
    s
}

fn errorstats(node: &ServerCtx) -> String {
    let mut s = String::from("# Errorstats\r\n");
    for (code, n) in node.stats().by_error() {
        let _ = write!(s, "errorstat_{code}:count={n}\r\n");
    }
    s
}

fn keyspace(node: &ServerCtx) -> String {
    let keys = node.keyspace().len();
    let mut s = "# Keyspace\r\n".to_string();
    if keys > 0 {
        let _ = write!(
            s,
            "db0:keys={keys},expires={},avg_ttl=0\r\n",
            node.keyspace().expiring()
        );
    }
    s
}
