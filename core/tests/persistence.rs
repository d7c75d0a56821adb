//! Persistence (rdb.c, aof.c, `finishShutdown`): a node killed and
//! restarted keeps what it saved — its last RDB (SAVE, `rdbSave`) or,
//! with `appendonly yes`, every write in its AOF (`feedAppendOnlyFile`,
//! `loadAppendOnlyFiles`) — in the simulator and on the native node alike;
//! and the files are readable by a real redis-server 7.0.15 and the other
//! way round.

mod common;

use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, quiet_cluster, run_for};
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

/// `n` keys that node `at` serves (the others answer MOVED).
fn keys_of(sim: &mut Sim, at: usize, n: usize) -> Vec<String> {
    let client = ClientId(9);
    (0..)
        .map(|i| format!("k{i}"))
        .filter(|k| sim.command(at, client, args(&format!("GET {k}"))) == Some(Value::Null))
        .take(n)
        .collect()
}

/// The scenario both ways run: write, save (SAVE, or nothing with the AOF
/// on), write again, kill, restart; returns which keys came back.
fn sim_scenario(aof: bool) -> Vec<bool> {
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    let c = ClientId(1);
    let keys = keys_of(&mut sim, a, 2);
    if aof {
        let r = sim.command(a, c, args("CONFIG SET appendonly yes"));
        assert_eq!(r, Some(Value::ok()));
        run_for(&mut sim, 200);
    }
    sim.command(a, c, args(&format!("SET {} 1", keys[0])));
    if !aof {
        assert_eq!(sim.command(a, c, args("SAVE")), Some(Value::ok()));
        let Some(Value::Integer(t)) = sim.command(a, c, args("LASTSAVE")) else {
            panic!("LASTSAVE answers an integer");
        };
        assert_eq!(t as u64, sim.now().ms() / 1000);
    }
    sim.command(a, c, args(&format!("RPUSH {} x y", keys[1])));
    sim.crash(a);
    run_for(&mut sim, 1000);
    sim.restart(a);
    run_for(&mut sim, 3000);
    keys.iter()
        .map(|k| sim.node(a).keyspace().holds(k.as_bytes()))
        .collect()
}

/// SAVE keeps what was written before it; what came after is lost with
/// the process (`rdbSave`, `loadDataFromDisk`).
#[test]
fn a_restarted_simulated_node_reloads_its_last_save() {
    assert_eq!(sim_scenario(false), [true, false]);
}

/// With `appendonly yes` every write is in the AOF, so nothing is lost.
#[test]
fn a_restarted_simulated_node_replays_its_aof() {
    assert_eq!(sim_scenario(true), [true, true]);
}

// ---- native, against redis-server 7.0.15 ----

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

fn ours(dir: &Path, port: u16, extra: &[&str]) -> Proc {
    let child = Command::new(env!("CARGO_BIN_EXE_clusterlab-node"))
        .args(["--port", &port.to_string(), "--dir"])
        .arg(dir)
        .args(extra)
        .stderr(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("clusterlab-node starts");
    wait_up(port);
    Proc(child)
}

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

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("clusterlab-persist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stop(p: Proc) {
    drop(p);
}

/// SAVE on ours, redis-server loads the file; SAVE on redis-server, ours
/// loads it (7.0 writes small values as listpacks and intsets); a
/// killed clusterlab-node restarted on its own dump has the same keys.
#[test]
fn rdb_files_cross_between_clusterlab_and_redis() {
    if Command::new("redis-server")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("redis-server is not installed: skipped");
        return;
    }
    let (a, b) = (tmp("ours"), tmp("real"));
    let n = ours(&a, 28101, &[]);
    serve_all(28101);
    for line in DATA {
        cli(28101, line);
    }
    let want = snapshot(28101);
    assert_eq!(cli(28101, "SAVE"), "OK");
    stop(n);
    let n = ours(&a, 28101, &[]);
    assert_eq!(snapshot(28101), want, "ours after kill and restart");
    stop(n);
    std::fs::copy(a.join("dump.rdb"), b.join("dump.rdb")).unwrap();
    let r = real(&b, 28102, &[]);
    assert_eq!(snapshot(28102), want, "redis-server on our dump");
    cli(28102, "SADD st big-member-to-force-a-hashtable");
    let want = snapshot(28102);
    assert_eq!(cli(28102, "SAVE"), "OK");
    stop(r);
    std::fs::copy(b.join("dump.rdb"), a.join("dump.rdb")).unwrap();
    let n = ours(&a, 28101, &[]);
    assert_eq!(snapshot(28101), want, "ours on redis-server's dump");
    stop(n);
}

/// `appendonly yes` on ours: redis-server 7.0.15 loads its multi-part AOF
/// (manifest, base RDB, incr file); and the reverse.
#[test]
fn aof_directories_cross_between_clusterlab_and_redis() {
    if Command::new("redis-server")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("redis-server is not installed: skipped");
        return;
    }
    let (a, b) = (tmp("aof-ours"), tmp("aof-real"));
    let n = ours(&a, 28103, &["--appendonly", "yes"]);
    serve_all(28103);
    for line in DATA {
        cli(28103, line);
    }
    assert_eq!(
        cli(28103, "BGREWRITEAOF"),
        "Background append only file rewriting started"
    );
    std::thread::sleep(Duration::from_millis(300));
    cli(28103, "INCR n");
    let want = snapshot(28103);
    stop(n);
    let n = ours(&a, 28103, &["--appendonly", "yes"]);
    assert_eq!(snapshot(28103), want, "ours replays its AOF");
    stop(n);
    copy_dir(&a.join("appendonlydir"), &b.join("appendonlydir"));
    let r = real(&b, 28104, &["--appendonly", "yes"]);
    assert_eq!(snapshot(28104), want, "redis-server on our AOF");
    cli(28104, "RPUSH l z");
    let want = snapshot(28104);
    stop(r);
    let _ = std::fs::remove_dir_all(a.join("appendonlydir"));
    copy_dir(&b.join("appendonlydir"), &a.join("appendonlydir"));
    let n = ours(&a, 28103, &["--appendonly", "yes"]);
    assert_eq!(snapshot(28103), want, "ours on redis-server's AOF");
    stop(n);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}
