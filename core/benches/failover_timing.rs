//! Failover for real, timed (issue 6, item 5): for each node-timeout, a
//! local 3+3 cluster of clusterlab-node processes runs a continuous write
//! load; the master of slots 0-5460 gets `kill -9` (then, in a second run,
//! `kill -STOP`), and this measures, from the signal on:
//!   - FAIL: a survivor flags the master `fail` (CLUSTER NODES),
//!   - promoted: its replica calls itself master,
//!   - state ok: every survivor says `cluster_state:ok` again,
//!   - write gap: the longest time a writer went without a successful write
//!     (writers cover all three masters' slots; they re-read CLUSTER SLOTS
//!     after an error), and how many writes failed,
//!   - lost: writes that `WAIT 1` acknowledged but the new master lacks;
//!
//! next to the simulator's times for the same node-timeout and seed
//! (`clusterlab-node simulate --kill A@T --json`: first `fail` event, A1's
//! `role master`, the last survivor's `cluster_state ok`).
//!
//! Not part of `cargo test` (about a minute per node-timeout); run it with
//! `bash scripts/bench-failover.sh [--node-timeouts 1000,2000,5000] [--seeds 1]`.

use clusterlab_core::resp::{parse_reply, Protocol, Value};
use clusterlab_core::slot::key_slot;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const NODE: &str = env!("CARGO_BIN_EXE_clusterlab-node");
/// Polling period of the observer (CLUSTER NODES / CLUSTER INFO).
const POLL: Duration = Duration::from_millis(10);
/// When the simulated kill happens (well after formation, which takes up to ~6 s).
const SIM_KILL_AT: u64 = 30_000;

fn main() {
    let opts = match Opts::parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("failover_timing: {e}");
            std::process::exit(2);
        }
    };
    let mut rows = Vec::new();
    for &timeout in &opts.timeouts {
        for &seed in &opts.seeds {
            for signal in [Signal::Kill, Signal::Stop] {
                eprintln!("node-timeout {timeout} ms, {}, seed {seed}…", signal.name());
                let native = match run_native(timeout, signal) {
                    Ok(n) => n,
                    Err(e) => {
                        eprintln!("failover_timing: native run failed: {e}");
                        std::process::exit(1);
                    }
                };
                let sim = run_sim(timeout, seed, signal);
                rows.push((timeout, signal, seed, native, sim));
            }
        }
    }
    println!(
        "\nfailover timing, ms after the signal (native: 3+3 clusterlab-node processes under a \
         write load; sim: clusterlab-node simulate, same node-timeout)"
    );
    println!(
        "{:>7} {:<7} {:>4} | {:>6} {:>8} {:>8} {:>9} {:>7} {:>6} {:>5} | {:>6} {:>8} {:>8}",
        "timeout",
        "signal",
        "seed",
        "FAIL",
        "promoted",
        "state ok",
        "write gap",
        "errors",
        "acked",
        "lost",
        "FAIL",
        "promoted",
        "state ok"
    );
    let ms = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    for (timeout, signal, seed, n, s) in &rows {
        println!(
            "{:>7} {:<7} {:>4} | {:>6} {:>8} {:>8} {:>9} {:>7} {:>6} {:>5} | {:>6} {:>8} {:>8}",
            timeout,
            signal.name(),
            seed,
            ms(n.fail),
            ms(n.promoted),
            ms(n.state_ok),
            n.write_gap,
            n.errors,
            n.acked,
            n.lost,
            ms(s.fail),
            ms(s.promoted),
            ms(s.state_ok)
        );
    }
    println!(
        "(native \"seed\" is only the row's simulator seed: real runs are not seeded. FAIL: first \
         survivor to flag the master fail; state ok: last survivor back to cluster_state:ok; \
         write gap: longest stretch without a successful write of any writer; acked: writes \
         WAIT 1 confirmed; lost: of those, missing afterwards)"
    );
}

struct Opts {
    timeouts: Vec<u64>,
    seeds: Vec<u64>,
}

impl Opts {
    fn parse() -> Result<Opts, String> {
        let mut o = Opts {
            timeouts: vec![1000, 2000, 5000],
            seeds: vec![1],
        };
        // `cargo bench` passes `--bench`; ignore what is not ours.
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let list = |v: Option<&String>| -> Result<Vec<u64>, String> {
                v.ok_or(format!("'{a}' needs a value"))?
                    .split(',')
                    .map(|x| {
                        x.parse::<u64>()
                            .ok()
                            .filter(|&n| n > 0)
                            .ok_or(format!("'{a}' takes positive numbers, got '{x}'"))
                    })
                    .collect()
            };
            match a.as_str() {
                "--node-timeouts" => o.timeouts = list(it.next())?,
                "--seeds" => o.seeds = list(it.next())?,
                "--bench" => {}
                other => return Err(format!("unknown option '{other}'")),
            }
        }
        Ok(o)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Signal {
    Kill,
    Stop,
}

impl Signal {
    fn name(self) -> &'static str {
        match self {
            Signal::Kill => "kill -9",
            Signal::Stop => "SIGSTOP",
        }
    }
}

#[derive(Default)]
struct Timing {
    fail: Option<u64>,
    promoted: Option<u64>,
    state_ok: Option<u64>,
}

struct Native {
    fail: Option<u64>,
    promoted: Option<u64>,
    state_ok: Option<u64>,
    write_gap: u64,
    errors: u64,
    acked: usize,
    lost: usize,
}

/// A client port whose next 5 ports and the 6 bus ports are free.
fn free_base() -> u16 {
    let free = |p: u16| {
        TcpListener::bind(("127.0.0.1", p)).is_ok()
            && TcpListener::bind(("127.0.0.1", p + 10_000)).is_ok()
    };
    let mut base = 30_000 + (std::process::id() % 500) as u16 * 20;
    loop {
        if (base..base + 6).all(free) {
            return base;
        }
        base = if base > 39_000 { 30_000 } else { base + 7 };
    }
}

/// A plain RESP client whose every read and write has a deadline (a
/// stopped process still accepts connections, then never answers).
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    fn open(port: u16, timeout: Duration) -> std::io::Result<Conn> {
        let stream = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        let _ = stream.set_nodelay(true);
        Ok(Conn {
            stream,
            buf: Vec::new(),
        })
    }

    /// Sends a command; an error reply is an `Err` too.
    fn call(&mut self, args: &[&str]) -> Result<Value, String> {
        let mut out = Vec::new();
        Value::Array(
            args.iter()
                .map(|a| Value::Bulk(a.as_bytes().to_vec()))
                .collect(),
        )
        .encode(Protocol::Resp2, &mut out);
        self.stream.write_all(&out).map_err(|e| e.to_string())?;
        loop {
            if let Some((value, used)) = parse_reply(&self.buf).map_err(|e| e.0.to_string())? {
                self.buf.drain(..used);
                return match value {
                    Value::Error(e) => Err(e),
                    v => Ok(v),
                };
            }
            let mut chunk = [0u8; 16 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err("connection closed".into()),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) => return Err(e.to_string()),
            }
        }
    }
}

fn conn(port: u16, timeout: Duration) -> Option<Conn> {
    Conn::open(port, timeout).ok()
}

/// A command's reply as text (bulk or status), or None on any failure.
fn text(port: u16, args: &[&str]) -> Option<String> {
    match conn(port, Duration::from_millis(300))?.call(args).ok()? {
        Value::Bulk(b) => String::from_utf8(b).ok(),
        Value::Simple(s) | Value::Verbatim(s) => Some(s),
        _ => None,
    }
}

/// Stops the cluster in `dir` whatever happens (SIGCONT first, for a stopped node).
struct Cluster {
    dir: PathBuf,
    pids: Vec<u32>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for pid in &self.pids {
            let _ = Command::new("kill")
                .args(["-CONT", &pid.to_string()])
                .stderr(std::process::Stdio::null())
                .status();
        }
        let _ = Command::new(NODE)
            .args(["cluster", "down", "--dir"])
            .arg(&self.dir)
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start_cluster(timeout: u64) -> Result<(Cluster, u16), String> {
    let base = free_base();
    let dir = std::env::temp_dir().join(format!("failover-timing-{}-{base}", std::process::id()));
    let out = Command::new(NODE)
        .args(["cluster", "up", "--masters", "3", "--replicas", "1"])
        .args(["--base-port", &base.to_string()])
        .args(["--cluster-node-timeout", &timeout.to_string()])
        .arg("--dir")
        .arg(&dir)
        .output()
        .map_err(|e| e.to_string())?;
    let pids = (base..base + 6)
        .filter_map(|p| std::fs::read_to_string(dir.join(p.to_string()).join("pid")).ok())
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let cluster = Cluster { dir, pids };
    if !out.status.success() {
        return Err(format!(
            "cluster up: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok((cluster, base))
}

fn pid_of(dir: &Path, port: u16) -> Option<String> {
    std::fs::read_to_string(dir.join(port.to_string()).join("pid"))
        .ok()
        .map(|s| s.trim().to_string())
}

/// Polls until `f` holds, for at most `limit`.
fn wait(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        thread::sleep(Duration::from_millis(50));
    }
    false
}

/// The client port serving `slot`, asked of the given ports in turn.
fn slot_owner(ports: &[u16], slot: u16) -> Option<u16> {
    for &p in ports {
        let Some(mut c) = conn(p, Duration::from_millis(200)) else {
            continue;
        };
        let Ok(Value::Array(ranges)) = c.call(&["CLUSTER", "SLOTS"]) else {
            continue;
        };
        for r in ranges {
            let Value::Array(r) = r else { continue };
            let (Some(Value::Integer(lo)), Some(Value::Integer(hi))) = (r.first(), r.get(1)) else {
                continue;
            };
            if (*lo..=*hi).contains(&i64::from(slot)) {
                if let Some(Value::Array(m)) = r.get(2) {
                    if let Some(Value::Integer(port)) = m.get(1) {
                        return u16::try_from(*port).ok();
                    }
                }
            }
        }
    }
    None
}

/// What one writer saw.
#[derive(Default)]
struct WriterLog {
    gap: Duration,
    errors: u64,
    /// Keys with the value WAIT 1 confirmed (the killed master's writer only).
    acked: Vec<(String, u64)>,
}

/// Writes `key-N` in one master's slots until `stop`, following the slot's
/// owner through CLUSTER SLOTS after errors. `wait_1`: confirm each write
/// with `WAIT 1 100` and remember the confirmed ones.
fn writer(
    ports: Vec<u16>,
    tag: String,
    wait_1: bool,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<WriterLog>>,
) {
    let slot = key_slot(tag.as_bytes());
    let mut owner = slot_owner(&ports, slot);
    let mut c = owner.and_then(|p| conn(p, Duration::from_millis(300)));
    let mut last_ok = Instant::now();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let key = format!("{{{tag}}}:{n}");
        let ok = c.as_mut().is_some_and(|c| {
            if c.call(&["SET", &key, &n.to_string()]).is_err() {
                return false;
            }
            if wait_1 && c.call(&["WAIT", "1", "100"]) == Ok(Value::Integer(1)) {
                log.lock().unwrap().acked.push((key.clone(), n));
            }
            true
        });
        let mut l = log.lock().unwrap();
        if ok {
            l.gap = l.gap.max(last_ok.elapsed());
            last_ok = Instant::now();
        } else {
            l.errors += 1;
            drop(l);
            thread::sleep(Duration::from_millis(5));
            owner = slot_owner(&ports, slot).or(owner);
            c = owner.and_then(|p| conn(p, Duration::from_millis(300)));
        }
    }
}

fn run_native(timeout: u64, signal: Signal) -> Result<Native, String> {
    let (cluster, base) = start_cluster(timeout)?;
    let ports: Vec<u16> = (base..base + 6).collect();
    let victim = base; // slots 0-5460
    let victim_id = text(victim, &["CLUSTER", "MYID"]).ok_or("no CLUSTER MYID")?;
    let replica = *ports
        .iter()
        .find(|&&p| {
            text(p, &["CLUSTER", "NODES"]).is_some_and(|t| {
                t.lines()
                    .any(|l| l.contains("myself") && l.contains(&format!("slave {victim_id}")))
            })
        })
        .ok_or("no replica of the first master")?;
    if !wait(Duration::from_secs(20), || {
        text(replica, &["INFO", "replication"]).is_some_and(|t| t.contains("master_link_status:up"))
    }) {
        return Err("the replica's link never came up".into());
    }
    // One writer per master; the victim's confirms with WAIT 1.
    // `cluster up` splits the slots as redis-cli does: 0-5460, 5461-10922, 10923-16383.
    let tags = [0..=5460u16, 5461..=10922, 10923..=16383].map(|range| {
        (0..)
            .map(|i| format!("t{i}"))
            .find(|t| range.contains(&key_slot(t.as_bytes())))
            .expect("a tag")
    });
    let stop = Arc::new(AtomicBool::new(false));
    let survivors: Vec<u16> = ports.iter().copied().filter(|&p| p != victim).collect();
    let logs: Vec<_> = tags
        .iter()
        .enumerate()
        .map(|(i, tag)| {
            let log = Arc::new(Mutex::new(WriterLog::default()));
            // Writers ask survivors for the slot map first, the victim last.
            let mut order = survivors.clone();
            order.push(victim);
            let (tag, stop, l) = (tag.clone(), stop.clone(), log.clone());
            let handle = thread::spawn(move || writer(order, tag, i == 0, stop, l));
            (handle, log)
        })
        .collect();
    // Gaps and errors count from the signal on; confirmed writes from the start.
    thread::sleep(Duration::from_secs(2));
    for (_, log) in &logs {
        let mut l = log.lock().unwrap();
        l.gap = Duration::ZERO;
        l.errors = 0;
    }
    let pid = pid_of(&cluster.dir, victim).ok_or("no pid file for the victim")?;
    let t0 = Instant::now();
    let sig = if signal == Signal::Kill {
        "-9"
    } else {
        "-STOP"
    };
    Command::new("kill")
        .args([sig, &pid])
        .status()
        .map_err(|e| e.to_string())?;
    let since = |t: Instant| t.duration_since(t0).as_millis() as u64;
    let mut timing = Timing::default();
    let mut state_ok_at: HashMap<u16, Option<Instant>> = HashMap::new();
    let limit = Duration::from_millis(10 * timeout + 20_000);
    while t0.elapsed() < limit {
        let now = Instant::now();
        if timing.fail.is_none()
            && survivors.iter().any(|&p| {
                text(p, &["CLUSTER", "NODES"]).is_some_and(|t| {
                    t.lines().any(|l| {
                        l.starts_with(victim_id.trim())
                            && l.split(' ')
                                .nth(2)
                                .is_some_and(|f| f.split(',').any(|f| f == "fail"))
                    })
                })
            })
        {
            timing.fail = Some(since(now));
        }
        if timing.promoted.is_none()
            && text(replica, &["INFO", "replication"]).is_some_and(|t| t.contains("role:master"))
        {
            timing.promoted = Some(since(now));
        }
        if timing.promoted.is_some() {
            for &p in &survivors {
                let ok =
                    text(p, &["CLUSTER", "INFO"]).is_some_and(|t| t.contains("cluster_state:ok"));
                let e = state_ok_at.entry(p).or_insert(None);
                if !ok {
                    *e = None;
                } else if e.is_none() {
                    *e = Some(now);
                }
            }
            if state_ok_at.len() == survivors.len() && state_ok_at.values().all(Option::is_some) {
                timing.state_ok = state_ok_at.values().flatten().max().map(|t| since(*t));
                break;
            }
        }
        thread::sleep(POLL);
    }
    // Let the writers find the new master and write for a while.
    thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    let mut native = Native {
        fail: timing.fail,
        promoted: timing.promoted,
        state_ok: timing.state_ok,
        write_gap: 0,
        errors: 0,
        acked: 0,
        lost: 0,
    };
    let mut acked = Vec::new();
    for (handle, log) in logs {
        let _ = handle.join();
        let mut l = log.lock().unwrap();
        native.write_gap = native.write_gap.max(l.gap.as_millis() as u64);
        native.errors += l.errors;
        acked.append(&mut l.acked);
    }
    native.acked = acked.len();
    let mut c = conn(replica, Duration::from_secs(2)).ok_or("cannot reach the new master")?;
    for (key, value) in &acked {
        if c.call(&["GET", key])? != Value::Bulk(value.to_string().into_bytes()) {
            native.lost += 1;
        }
    }
    drop(cluster);
    Ok(native)
}

/// The simulator's times for the same failure (ms after the fault).
fn run_sim(timeout: u64, seed: u64, signal: Signal) -> Timing {
    let fault = match signal {
        Signal::Kill => "--kill",
        Signal::Stop => "--pause",
    };
    let out = Command::new(NODE)
        .args(["simulate", "--json", "--seed", &seed.to_string()])
        .args(["--node-timeout", &timeout.to_string()])
        .args([fault, &format!("A@{SIM_KILL_AT}")])
        .args([
            "--duration",
            &(SIM_KILL_AT + 20 * timeout + 20_000).to_string(),
        ])
        .output()
        .expect("run clusterlab-node simulate");
    let mut t = Timing::default();
    let mut state_ok: HashMap<String, u64> = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let at = v["t_ms"].as_u64().unwrap_or(0);
        if at < SIM_KILL_AT {
            continue;
        }
        let after = at - SIM_KILL_AT;
        let node = v["node"].as_str().unwrap_or("");
        match v["event"].as_str() {
            Some("fail") if v["about"] == "A" && t.fail.is_none() => t.fail = Some(after),
            Some("role") if node == "A1" && v["role"] == "master" && t.promoted.is_none() => {
                t.promoted = Some(after)
            }
            Some("cluster_state") if node != "A" && t.promoted.is_some() => {
                if v["state"] == "ok" {
                    state_ok.insert(node.to_string(), after);
                } else {
                    state_ok.remove(node);
                }
            }
            _ => {}
        }
    }
    // Survivors that never left `ok` have no event after the promotion.
    if let Some(promoted) = t.promoted {
        t.state_ok = Some(state_ok.values().copied().max().unwrap_or(0).max(promoted));
    }
    t
}
