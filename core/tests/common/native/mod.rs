//! Helpers for tests that run real `clusterlab-node` processes on free
//! 127.0.0.1 ports and drive them with the real redis-cli; [`compare`] puts
//! them next to a real redis-server, reply for reply.

pub mod clients;
pub mod compare;
pub mod mixed;
pub mod stream;

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

/// A running node; killed (and its directory removed) on drop.
pub struct NodeProc {
    pub port: u16,
    pub dir: PathBuf,
    child: Option<Child>,
    timeout_ms: u64,
    /// More flags for every (re)start.
    extra: Vec<String>,
}

static NEXT_PORT: AtomicU16 = AtomicU16::new(0);

/// The client ports tests pick from: `CLUSTERLAB_TEST_PORTS=FIRST-LAST`
/// when set (so that runs side by side on one machine keep apart), else
/// 20000-29999.
fn port_range() -> (u16, u16) {
    std::env::var("CLUSTERLAB_TEST_PORTS")
        .ok()
        .and_then(|r| {
            let (a, b) = r.split_once('-')?;
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a < b && b <= 55_535).then_some((a, b))
        })
        .unwrap_or((20_000, 29_999))
}

/// A client port whose bus port (+10000) is free too.
pub fn free_port() -> u16 {
    let (first, last) = port_range();
    let span = last - first + 1;
    let _ = NEXT_PORT.compare_exchange(
        0,
        (std::process::id() % 400) as u16 * 25 % span,
        Ordering::SeqCst,
        Ordering::SeqCst,
    );
    loop {
        let p = NEXT_PORT.fetch_add(1, Ordering::SeqCst);
        let p = first + p % span;
        if TcpListener::bind(("127.0.0.1", p)).is_ok()
            && TcpListener::bind(("127.0.0.1", p + 10_000)).is_ok()
        {
            return p;
        }
    }
}

/// `n` consecutive client ports whose bus ports are free too.
pub fn free_port_block(n: u16) -> u16 {
    loop {
        let base = free_port();
        let free = |p: u16| {
            TcpListener::bind(("127.0.0.1", p)).is_ok()
                && TcpListener::bind(("127.0.0.1", p + 10_000)).is_ok()
        };
        if (base..base + n).all(free) {
            // Reserve them from later free_port() calls.
            NEXT_PORT.fetch_add(n, Ordering::SeqCst);
            return base;
        }
    }
}

impl NodeProc {
    /// Starts a node with `--cluster-node-timeout timeout_ms` in a fresh directory.
    pub fn start(timeout_ms: u64) -> NodeProc {
        NodeProc::start_with(timeout_ms, &[])
    }

    /// `start`, with more flags (`--requirepass P`…).
    pub fn start_with(timeout_ms: u64, extra: &[&str]) -> NodeProc {
        let port = free_port();
        let dir =
            std::env::temp_dir().join(format!("clusterlab-test-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut node = NodeProc {
            port,
            dir,
            child: None,
            timeout_ms,
            extra: extra.iter().map(|s| s.to_string()).collect(),
        };
        node.spawn();
        node
    }

    /// (Re)starts the process on the same port and directory.
    pub fn spawn(&mut self) {
        let log = std::fs::File::create(self.dir.join("log")).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_clusterlab-node"))
            .args(["--port", &self.port.to_string()])
            .args(["--cluster-node-timeout", &self.timeout_ms.to_string()])
            .args(&self.extra)
            .arg("--dir")
            .arg(&self.dir)
            .arg("--trace")
            .arg(self.dir.join("trace.jsonl"))
            .args(&self.extra)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("clusterlab-node starts");
        self.child = Some(child);
        wait_for(
            Duration::from_secs(10),
            &format!("node on port {} to listen", self.port),
            || TcpStream::connect(("127.0.0.1", self.port)).is_ok(),
        );
    }

    /// `kill -9`.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// redis-cli against this node.
    pub fn cli(&self, args: &[&str]) -> String {
        let mut all = vec!["-p".to_string(), self.port.to_string()];
        all.extend(args.iter().map(|s| s.to_string()));
        redis_cli(&all, Duration::from_secs(10))
    }

    /// The value of `field:` in this node's `INFO` output.
    pub fn info_field(&self, field: &str) -> Option<String> {
        let info = self.cli(&["info", "replication"]);
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .map(|v| v.trim().to_string())
    }

    /// The `--trace` JSON lines written so far.
    pub fn trace(&self) -> String {
        std::fs::read_to_string(self.dir.join("trace.jsonl")).unwrap_or_default()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }
}

impl Drop for NodeProc {
    fn drop(&mut self) {
        self.kill();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            eprintln!(
                "node {} log ({}):\n{}",
                self.port,
                self.dir.display(),
                self.log()
            );
        }
    }
}

/// A real redis-server in cluster mode; killed on drop.
pub struct RealRedis {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
    timeout_ms: u64,
    /// More flags for every (re)start.
    extra: Vec<String>,
}

impl RealRedis {
    pub fn start(timeout_ms: u64) -> RealRedis {
        RealRedis::start_with(timeout_ms, &[])
    }

    /// Starts redis-server with extra `--setting value` flags.
    pub fn start_with(timeout_ms: u64, extra: &[&str]) -> RealRedis {
        let port = free_port();
        let dir =
            std::env::temp_dir().join(format!("clusterlab-real-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut real = RealRedis {
            port,
            dir,
            child: None,
            timeout_ms,
            extra: extra.iter().map(|s| s.to_string()).collect(),
        };
        real.spawn();
        real
    }

    /// (Re)starts the process on the same port and directory (it loads
    /// what it left there).
    pub fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--cluster-enabled", "yes"])
            .args(["--cluster-node-timeout", &self.timeout_ms.to_string()])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(&self.dir)
            .arg("--logfile")
            .arg(self.dir.join("log"))
            .args(&self.extra)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is needed for mixed clusters: apt-get install redis-server");
        self.child = Some(child);
        let port = self.port;
        wait_for(Duration::from_secs(10), "redis-server to listen", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
    }

    pub fn cli(&self, args: &[&str]) -> String {
        let mut all = vec!["-p".to_string(), self.port.to_string()];
        all.extend(args.iter().map(|s| s.to_string()));
        redis_cli(&all, Duration::from_secs(10))
    }

    /// `kill -9`.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for RealRedis {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            eprintln!("redis-server {} log:\n{log}", self.port);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Fails with a clear message when the real tools are missing.
pub fn require_redis_tools() {
    let ok = Command::new("redis-cli")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "these tests drive real nodes with redis-cli: install redis-tools (apt-get install redis-tools)");
}

/// Runs redis-cli with `args`, killing it after `limit`; returns stdout + stderr.
pub fn redis_cli(args: &[String], limit: Duration) -> String {
    run_tool("redis-cli", args, limit)
}

pub fn run_tool(tool: &str, args: &[String], limit: Duration) -> String {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        let mut e = String::new();
        let _ = err.read_to_string(&mut e);
        s + &e
    });
    let deadline = Instant::now() + limit;
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{tool} {args:?} did not finish in {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    reader.join().expect("reader")
}

/// Polls `cond` until it holds, failing after `limit`.
pub fn wait_for(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    start.elapsed()
}

/// Six nodes joined by `redis-cli --cluster create … --cluster-replicas 1`
/// (the first node gets slots 0-5460).
pub fn create_cluster(timeout_ms: u64) -> Vec<NodeProc> {
    require_redis_tools();
    let nodes: Vec<NodeProc> = (0..6).map(|_| NodeProc::start(timeout_ms)).collect();
    let mut args = vec!["--cluster".to_string(), "create".to_string()];
    args.extend(nodes.iter().map(NodeProc::addr));
    args.extend(["--cluster-replicas", "1", "--cluster-yes"].map(String::from));
    let out = redis_cli(&args, Duration::from_secs(60));
    assert!(out.contains("[OK] All 16384 slots covered."), "{out}");
    nodes
}

/// Waits until every node reports `cluster_state:ok`.
pub fn wait_state_ok(nodes: &[NodeProc]) {
    wait_for(
        Duration::from_secs(10),
        "cluster_state:ok everywhere",
        || {
            nodes
                .iter()
                .all(|n| n.cli(&["cluster", "info"]).contains("cluster_state:ok"))
        },
    );
}

/// The index of the node that replicates `master_id`, once known.
pub fn replica_of(nodes: &[NodeProc], master_id: &str) -> usize {
    let mut found = None;
    wait_for(
        Duration::from_secs(10),
        "a replica of the first master",
        || {
            let text = nodes[1].cli(&["cluster", "nodes"]);
            found = text.lines().find_map(|l| {
                let f: Vec<&str> = l.split(' ').collect();
                (f.get(3) == Some(&master_id) && f[2].contains("slave")).then(|| f[1].to_string())
            });
            found.is_some()
        },
    );
    let addr = found.expect("found");
    nodes
        .iter()
        .position(|n| addr.starts_with(&n.addr()))
        .expect("the replica is one of ours")
}
