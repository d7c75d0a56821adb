//! `clusterlab-node cluster up|down`: a whole local cluster of native nodes
//! for people who just want to try it, built with the same commands
//! `redis-cli --cluster create` sends (ADDSLOTSRANGE, SET-CONFIG-EPOCH,
//! MEET, REPLICATE), so no redis-cli is needed.

mod client;

use client::Conn;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

pub const HELP: &str = "\
clusterlab-node cluster: start or stop a local cluster of clusterlab-nodes.

USAGE:
    clusterlab-node cluster up [--masters 3] [--replicas 1] [--base-port 7000]
                               [--cluster-node-timeout 5000] [--dir .clusterlab]
    clusterlab-node cluster down [--dir .clusterlab]

Each node runs as a background process in DIR/<port> (nodes.conf, node.log, pid).
";

struct Options {
    masters: u16,
    replicas: u16,
    base_port: u16,
    node_timeout: u64,
    dir: PathBuf,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        masters: 3,
        replicas: 1,
        base_port: 7000,
        node_timeout: 5000,
        dir: PathBuf::from(".clusterlab"),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("'{flag}' needs a value"))?;
        let num = |max: u64| {
            value
                .parse::<u64>()
                .ok()
                .filter(|v| (1..=max).contains(v))
                .ok_or(format!(
                    "'{flag}' must be a number from 1 to {max}, got '{value}'"
                ))
        };
        match flag.as_str() {
            "--masters" => o.masters = num(100)? as u16,
            "--replicas" => {
                o.replicas = value
                    .parse()
                    .map_err(|_| format!("'--replicas' must be a number, got '{value}'"))?
            }
            "--base-port" => o.base_port = num(55_000)? as u16,
            "--cluster-node-timeout" => o.node_timeout = num(3_600_000)?,
            "--dir" => o.dir = PathBuf::from(value),
            _ => return Err(format!("unknown option '{flag}'")),
        }
    }
    if o.masters < 3 {
        return Err("'--masters' must be at least 3 (Redis Cluster needs 3 masters)".into());
    }
    Ok(o)
}

pub fn main(argv: &[String]) -> ExitCode {
    let (cmd, rest) = match argv.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("", argv),
    };
    let run = match cmd {
        "up" => parse(rest).and_then(|o| up(&o)),
        "down" => parse(rest).and_then(|o| down(&o.dir)),
        "-h" | "--help" => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        other => Err(format!("unknown cluster command '{other}'\n\n{HELP}")),
    };
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clusterlab-node cluster: {e}");
            ExitCode::from(2)
        }
    }
}

fn up(o: &Options) -> Result<(), String> {
    let n = o.masters * (1 + o.replicas);
    let exe = std::env::current_exe().map_err(|e| format!("cannot find my own binary: {e}"))?;
    let ports: Vec<u16> = (0..n).map(|i| o.base_port + i).collect();
    for (i, &port) in ports.iter().enumerate() {
        let dir = o.dir.join(port.to_string());
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let log = std::fs::File::create(dir.join("node.log")).map_err(|e| e.to_string())?;
        let child = {
            use std::os::unix::process::CommandExt;
            Command::new(&exe)
                .args(["--port", &port.to_string()])
                .args(["--cluster-node-timeout", &o.node_timeout.to_string()])
                .arg("--dir")
                .arg(&dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                // Its own process group: a Ctrl-C here does not stop the cluster.
                .process_group(0)
                .spawn()
                .map_err(|e| format!("cannot start a node: {e}"))?
        };
        std::fs::write(dir.join("pid"), child.id().to_string()).map_err(|e| e.to_string())?;
        println!(
            "started node {}/{n} on 127.0.0.1:{port} (pid {})",
            i + 1,
            child.id()
        );
    }
    let mut conns = Vec::new();
    for &port in &ports {
        conns.push(wait(
            Duration::from_secs(10),
            &format!("port {port}"),
            || Conn::open(port).ok(),
        )?);
    }
    let m = usize::from(o.masters);
    let per_master = 16384.0 / m as f64;
    let mut first = 0u32;
    for (i, conn) in conns.iter_mut().take(m).enumerate() {
        // redis-cli's split: lround(cursor + slots_per_node - 1).
        let last = if i == m - 1 {
            16383
        } else {
            ((i as f64 + 1.0) * per_master - 1.0).round() as u32
        };
        conn.ok(&[
            "cluster",
            "addslotsrange",
            &first.to_string(),
            &last.to_string(),
        ])?;
        println!("master 127.0.0.1:{} serves slots {first}-{last}", ports[i]);
        first = last + 1;
    }
    for (i, conn) in conns.iter_mut().enumerate() {
        conn.call(&["cluster", "set-config-epoch", &(i + 1).to_string()])?;
    }
    let base = o.base_port.to_string();
    for conn in conns.iter_mut().skip(1) {
        conn.ok(&["cluster", "meet", "127.0.0.1", &base])?;
    }
    print!("waiting for the nodes to meet");
    wait(Duration::from_secs(30), "the nodes to meet", || {
        print!(".");
        let _ = std::io::Write::flush(&mut std::io::stdout());
        std::thread::sleep(Duration::from_millis(200));
        conns
            .iter_mut()
            .all(|c| {
                c.text(&["cluster", "nodes"])
                    .is_ok_and(|t| t.lines().count() == usize::from(n) && !t.contains("handshake"))
            })
            .then_some(())
    })?;
    println!();
    let ids: Vec<String> = conns
        .iter_mut()
        .map(|c| c.text(&["cluster", "myid"]))
        .collect::<Result<_, _>>()?;
    for r in 0..usize::from(o.replicas) {
        for master in 0..m {
            let idx = m + r * m + master;
            conns[idx].ok(&["cluster", "replicate", ids[master].trim()])?;
            println!(
                "127.0.0.1:{} replicates 127.0.0.1:{}",
                ports[idx], ports[master]
            );
        }
    }
    wait(
        Duration::from_secs(30),
        "cluster_state:ok on every node",
        || {
            std::thread::sleep(Duration::from_millis(200));
            conns
                .iter_mut()
                .all(|c| {
                    c.text(&["cluster", "info"])
                        .is_ok_and(|t| t.contains("cluster_state:ok"))
                })
                .then_some(())
        },
    )?;
    println!(
        "cluster up: {n} nodes. Connect with: redis-cli -c -p {}\nStop with: clusterlab-node cluster down --dir {}",
        o.base_port,
        o.dir.display()
    );
    Ok(())
}

/// Stops every node started by `up` in `dir` (SIGTERM: they save nodes.conf).
fn down(dir: &Path) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut stopped = 0;
    for entry in entries.flatten() {
        let pid_file = entry.path().join("pid");
        let Ok(pid) = std::fs::read_to_string(&pid_file) else {
            continue;
        };
        let pid = pid.trim().to_string();
        let alive = || Path::new(&format!("/proc/{pid}")).exists();
        if alive() {
            let _ = Command::new("kill").arg(&pid).status();
            let _ = wait(Duration::from_secs(5), "a node to stop", || {
                (!alive()).then_some(())
            });
            stopped += 1;
        }
        let _ = std::fs::remove_file(&pid_file);
    }
    println!(
        "stopped {stopped} nodes (their nodes.conf files stay in {})",
        dir.display()
    );
    Ok(())
}

/// Polls `f` until it yields a value, failing after `limit`.
fn wait<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> Result<T, String> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Ok(v);
        }
        if start.elapsed() > limit {
            return Err(format!("timed out after {limit:?} waiting for {what}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
