//! Persistence on the native node (rdb.c, aof.c): a clusterlab-node
//! killed and restarted keeps its last SAVE or its AOF, and its RDB and
//! multi-part AOF files are read by a real redis-server 7.0.15 and the
//! other way round.

use crate::common::native::{free_port, require_redis_tools, NodeProc};
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

fn cli(port: u16, line: &str) -> String {
    let out = Command::new("redis-cli")
        .arg("-p")
        .arg(port.to_string())
        .args(line.split(' '))
        .output()
        .expect("redis-cli runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn wait_up(port: u16) {
    for _ in 0..100 {
        if cli(port, "PING") == "PONG" {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("port {port} never answered");
}

/// A process killed (SIGKILL) when dropped, a failed assertion included.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits for `cluster_state:ok` (a restarted node refuses commands for
/// `CLUSTER_WRITABLE_DELAY` first).
fn wait_ok(port: u16) {
    for _ in 0..100 {
        if cli(port, "CLUSTER INFO").contains("cluster_state:ok") {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("port {port} never reached cluster_state:ok");
}

/// A redis-server started on `dir` (so it loads the files put there).
fn real(dir: &Path, port: u16, extra: &[&str]) -> Proc {
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--dir"])
        .arg(dir)
        .args(["--cluster-enabled", "yes", "--save", ""])
        // It claims the slots its loaded keys are in (`verifyClusterConfigWithData`)
        // and no others: without full coverage that is enough to serve them.
        .args(["--cluster-require-full-coverage", "no"])
        .args(extra)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server starts");
    wait_up(port);
    Proc(child)
}

/// Both own every slot and accept writes.
fn serve_all(port: u16) {
    cli(port, "CLUSTER ADDSLOTSRANGE 0 16383");
    for _ in 0..100 {
        if cli(port, "SET {p}probe 1") == "OK" {
            cli(port, "DEL {p}probe");
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("port {port} never accepted writes");
}

const DATA: &[&str] = &[
    "SET s hello",
    "SET n 12345",
    "RPUSH l a b 3",
    "SADD st x y 7",
    "HSET h f v g w",
    "ZADD z 1.5 m -2 n",
    "SET t v PX 100000000",
];

const CHECK: &[&str] = &[
    "GET s",
    "GET n",
    "LRANGE l 0 -1",
    "SCARD st",
    "SISMEMBER st x",
    "HGETALL h",
    "ZRANGE z 0 -1 WITHSCORES",
    "TYPE t",
    "DBSIZE",
];

fn snapshot(port: u16) -> Vec<String> {
    wait_ok(port);
    CHECK.iter().map(|c| cli(port, c)).collect()
}

/// SAVE on ours, redis-server loads the file; SAVE on redis-server, ours
/// loads it (7.0 writes small values as listpacks and intsets); a
/// killed clusterlab-node restarted on its own dump has the same keys.
#[test]
fn rdb_files_cross_between_clusterlab_and_redis() {
    require_redis_tools();
    let mut n = NodeProc::start(15_000);
    serve_all(n.port);
    for line in DATA {
        cli(n.port, line);
    }
    let want = snapshot(n.port);
    assert_eq!(cli(n.port, "SAVE"), "OK");
    n.kill();
    n.spawn();
    assert_eq!(snapshot(n.port), want, "ours after kill and restart");
    n.kill();
    let b = real_dir(&n, "rdb");
    std::fs::copy(n.dir.join("dump.rdb"), b.join("dump.rdb")).unwrap();
    let port = free_port();
    let r = real(&b, port, &[]);
    assert_eq!(snapshot(port), want, "redis-server on our dump");
    cli(port, "SADD st big-member-to-force-a-hashtable");
    let want = snapshot(port);
    assert_eq!(cli(port, "SAVE"), "OK");
    drop(r);
    std::fs::copy(b.join("dump.rdb"), n.dir.join("dump.rdb")).unwrap();
    n.spawn();
    assert_eq!(snapshot(n.port), want, "ours on redis-server's dump");
}

/// `appendonly yes` on ours: redis-server 7.0.15 loads its multi-part AOF
/// (manifest, base RDB, incr file); and the reverse.
#[test]
fn aof_directories_cross_between_clusterlab_and_redis() {
    require_redis_tools();
    let mut n = NodeProc::start_with(15_000, &["--appendonly", "yes"]);
    serve_all(n.port);
    for line in DATA {
        cli(n.port, line);
    }
    assert_eq!(
        cli(n.port, "BGREWRITEAOF"),
        "Background append only file rewriting started"
    );
    std::thread::sleep(Duration::from_millis(300));
    cli(n.port, "INCR n");
    let want = snapshot(n.port);
    n.kill();
    n.spawn();
    assert_eq!(snapshot(n.port), want, "ours replays its AOF");
    n.kill();
    let b = real_dir(&n, "aof");
    copy_dir(&n.dir.join("appendonlydir"), &b.join("appendonlydir"));
    let port = free_port();
    let r = real(&b, port, &["--appendonly", "yes"]);
    assert_eq!(snapshot(port), want, "redis-server on our AOF");
    cli(port, "RPUSH l z");
    let want = snapshot(port);
    drop(r);
    let _ = std::fs::remove_dir_all(n.dir.join("appendonlydir"));
    copy_dir(&b.join("appendonlydir"), &n.dir.join("appendonlydir"));
    n.spawn();
    assert_eq!(snapshot(n.port), want, "ours on redis-server's AOF");
}

/// A directory for redis-server beside the node's (removed with it).
fn real_dir(n: &NodeProc, name: &str) -> std::path::PathBuf {
    let d = n.dir.join(format!("real-{name}"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// DEBUG RELOAD (debug.c): without NOSAVE the data is saved then loaded
/// back; with NOSAVE whatever `dbfilename` holds is loaded, so writes since
/// the last SAVE are gone; NOFLUSH MERGE keeps what is in memory; a missing
/// file fails with Redis's error after the data was flushed. Compared with
/// redis-server 7.0.15 reply by reply.
#[test]
fn debug_reload_nosave_loads_the_file_on_disk_as_redis_does() {
    use crate::common::native::compare::{assert_no_differences, pair, Both};
    let (ours, redis) = pair(15000, &["--enable-debug-command", "yes", "--save", ""]);
    let mut diffs = Vec::new();
    let mut b = Both::connect(ours.port, redis.port, false);
    b.lines(
        &[
            "SET {r}gone 1",
            "DEBUG RELOAD NOSAVE",
            "DBSIZE",
            "SET {r}a 1",
            "SAVE",
            "SET {r}b 2",
            "DEBUG RELOAD NOSAVE",
            "GET {r}a",
            "GET {r}b",
            "SET {r}c 3",
            "DEBUG RELOAD NOSAVE NOFLUSH MERGE",
            "GET {r}a",
            "GET {r}c",
            "DEBUG RELOAD",
            "DBSIZE",
            "DEBUG RELOAD NOSAVE MAYBE",
        ],
        &mut diffs,
    );
    assert_no_differences(&diffs);
}

/// A BGSAVE child runs until `serverCron` collects it (`checkChildrenDone`),
/// so BGSAVE and BGSAVE SCHEDULE sent right after it (pipelined: the same
/// event-loop turn) are refused, on both servers.
#[test]
fn bgsave_right_after_bgsave_is_refused_as_redis_does() {
    use crate::common::native::compare::{pair, Raw};
    let (ours, redis) = pair(15000, &["--save", ""]);
    let replies = |port: u16| {
        let mut raw = Raw::connect(port, false);
        raw.write(&["SET {r}k 1", "BGSAVE", "BGSAVE SCHEDULE", "BGSAVE"]);
        (0..4).map(|_| raw.read()).collect::<Vec<_>>()
    };
    let expected = [
        "+OK\r\n",
        "+Background saving started\r\n",
        "-ERR Background save already in progress\r\n",
        "-ERR Background save already in progress\r\n",
    ];
    assert_eq!(replies(redis.port), expected);
    assert_eq!(replies(ours.port), expected);
}
