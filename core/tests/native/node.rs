//! The native node driven by the real redis-cli (Redis 7.0 tools):
//! one node, a six-node cluster built by `redis-cli --cluster create`,
//! redirections with `-c`, and a real failover after `kill -9`.

use crate::common::native;
use native::{
    create_cluster, redis_cli, replica_of, require_redis_tools, run_tool, wait_for, wait_state_ok,
    NodeProc,
};
use std::process::Command;
use std::time::Duration;

#[test]
fn one_node_answers_redis_cli() {
    require_redis_tools();
    let node = NodeProc::start(5000);
    assert_eq!(node.cli(&["ping"]).trim(), "PONG");
    assert!(node.cli(&["set", "a", "1"]).contains("CLUSTERDOWN"));
    assert_eq!(
        node.cli(&["cluster", "addslotsrange", "0", "16383"]).trim(),
        "OK"
    );
    wait_for(Duration::from_secs(10), "cluster_state:ok", || {
        node.cli(&["cluster", "info"]).contains("cluster_state:ok")
    });
    assert_eq!(node.cli(&["set", "a", "1"]).trim(), "OK");
    assert_eq!(node.cli(&["get", "a"]).trim(), "1");
    let nodes = node.cli(&["cluster", "nodes"]);
    assert!(
        nodes.contains(&format!(
            "127.0.0.1:{}@{} myself,master - 0 ",
            node.port,
            node.port + 10000
        )) && nodes.trim_end().ends_with("connected 0-16383"),
        "{nodes}"
    );
    // A protocol error gets Redis's reply, then the connection closes.
    let mut s = std::net::TcpStream::connect(("127.0.0.1", node.port)).unwrap();
    use std::io::{Read, Write};
    s.write_all(b"*1\r\n$x\r\n").unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "-ERR Protocol error: invalid bulk length\r\n");
}

#[test]
fn bad_arguments_name_the_argument_and_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_clusterlab-node"))
        .args(["--port", "seventy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'port'"));
}

#[test]
fn redis_cli_creates_a_cluster_checks_it_and_follows_moved() {
    let nodes = create_cluster(5000);
    let check = redis_cli(
        &["--cluster".into(), "check".into(), nodes[0].addr()],
        Duration::from_secs(20),
    );
    assert!(
        check.contains("[OK] All nodes agree about slots configuration."),
        "{check}"
    );
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");
    wait_state_ok(&nodes);
    // "foo" hashes to slot 12182 (the third master): -c must follow MOVED.
    assert!(nodes[0]
        .cli(&["set", "foo", "bar"])
        .starts_with("MOVED 12182 "));
    assert_eq!(nodes[0].cli(&["-c", "set", "foo", "bar"]).trim(), "OK");
    assert_eq!(nodes[0].cli(&["-c", "get", "foo"]).trim(), "bar");
    let info = redis_cli(
        &["--cluster".into(), "info".into(), nodes[1].addr()],
        Duration::from_secs(20),
    );
    assert!(info.contains("1 keys in 3 masters."), "{info}");
    let args = [
        "--cluster",
        "-p",
        &nodes[2].port.to_string(),
        "-t",
        "set,get",
        "-n",
        "1000",
        "-q",
    ];
    let bench = run_tool(
        "redis-benchmark",
        &args.map(String::from),
        Duration::from_secs(60),
    );
    assert!(
        bench.contains("SET: ") && bench.contains("GET: "),
        "{bench}"
    );
    assert!(bench.contains("requests per second"), "{bench}");
}

#[test]
fn a_killed_master_is_replaced_by_its_replica_and_rejoins_as_a_replica() {
    let timeout_ms = 1000;
    let mut nodes = create_cluster(timeout_ms);
    let id = |n: &NodeProc| n.cli(&["cluster", "myid"]).trim().to_string();
    let master_id = id(&nodes[0]);
    // Wait until the replica has synced (a replica that never synced cannot fail over).
    let replica = replica_of(&nodes, &master_id);
    wait_for(
        Duration::from_secs(10),
        "the replica's link to its master",
        || nodes[replica].info_field("master_link_status").as_deref() == Some("up"),
    );
    nodes[0].cli(&["set", "{a}k", "v"]); // slot 15495 or wherever: ignore MOVED
    nodes[0].kill();
    let took = wait_for(Duration::from_secs(30), "the replica's promotion", || {
        nodes[replica].info_field("role").as_deref() == Some("master")
    });
    eprintln!("promoted {took:?} after kill -9 (node timeout {timeout_ms} ms)");
    assert!(
        took >= Duration::from_millis(timeout_ms),
        "too fast: {took:?}"
    );
    wait_for(
        Duration::from_secs(10),
        "the cluster to be ok again",
        || {
            nodes[1]
                .cli(&["cluster", "info"])
                .contains("cluster_state:ok")
        },
    );
    // The old master restarts from its nodes.conf and rejoins as a replica.
    nodes[0].spawn();
    assert_eq!(id(&nodes[0]), master_id, "nodes.conf keeps the identity");
    wait_for(
        Duration::from_secs(20),
        "the old master to become a replica",
        || nodes[0].info_field("role").as_deref() == Some("slave"),
    );
    let check = redis_cli(
        &["--cluster".into(), "check".into(), nodes[1].addr()],
        Duration::from_secs(20),
    );
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");
}

#[test]
fn a_redis_conf_file_configures_the_node() {
    require_redis_tools();
    let port = native::free_port();
    let dir = std::env::temp_dir().join(format!("clusterlab-conf-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("redis.conf");
    std::fs::write(
        &conf,
        format!(
            "# a redis.conf\nport {port}\nbind 127.0.0.1\ncluster-enabled yes\n\
             cluster-config-file my-nodes.conf\ncluster-node-timeout 3000\n\
             requirepass secret\ndir {}\nappendonly no\nmade-up-setting 1\n",
            dir.display()
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_clusterlab-node"))
        .arg(&conf)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(Duration::from_secs(10), "the node to listen", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let cli = |args: &[&str]| {
        let mut all = vec!["-p".to_string(), port.to_string()];
        all.extend(args.iter().map(|s| s.to_string()));
        redis_cli(&all, Duration::from_secs(10))
    };
    assert!(cli(&["ping"]).starts_with("NOAUTH"), "requirepass applies");
    assert_eq!(
        cli(&["-a", "secret", "--no-auth-warning", "ping"]).trim(),
        "PONG"
    );
    wait_for(Duration::from_secs(5), "my-nodes.conf", || {
        dir.join("my-nodes.conf").exists()
    });
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    // Every parameter of Redis's table is read (CONFIG GET reports it);
    // a name Redis does not have is warned about and skipped.
    assert!(
        log.contains("ignoring unsupported setting 'made-up-setting'"),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cluster_up_starts_a_local_cluster_and_cluster_down_stops_it() {
    require_redis_tools();
    let base = native::free_port_block(6);
    let dir = std::env::temp_dir().join(format!("clusterlab-up-{}-{base}", std::process::id()));
    let bin = env!("CARGO_BIN_EXE_clusterlab-node");
    let dir_arg = dir.to_str().unwrap().to_string();
    let base_arg = base.to_string();
    let up = run_tool(
        bin,
        &[
            "cluster",
            "up",
            "--base-port",
            &base_arg,
            "--dir",
            &dir_arg,
            "--cluster-node-timeout",
            "2000",
        ]
        .map(String::from),
        Duration::from_secs(60),
    );
    let down = || {
        run_tool(
            bin,
            &["cluster", "down", "--dir", &dir_arg].map(String::from),
            Duration::from_secs(30),
        )
    };
    if !up.contains("cluster up: 6 nodes.") {
        down();
        panic!("{up}");
    }
    let check = redis_cli(
        &[
            "--cluster".into(),
            "check".into(),
            format!("127.0.0.1:{base}"),
        ],
        Duration::from_secs(20),
    );
    let stopped = down();
    assert!(stopped.contains("stopped 6 nodes"), "{stopped}");
    assert!(
        check.contains("[OK] All 16384 slots covered.") && check.contains("1 slaves."),
        "{check}"
    );
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", base)).is_err(),
        "still listening"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_redis_crates_cluster_client_writes_and_reads_10000_keys() {
    use redis::Commands;
    let nodes = create_cluster(5000);
    wait_state_ok(&nodes);
    let urls: Vec<String> = nodes
        .iter()
        .map(|n| format!("redis://{}/", n.addr()))
        .collect();
    let client = redis::cluster::ClusterClient::new(urls).expect("client");
    let mut conn = client
        .get_connection()
        .expect("the client reads CLUSTER SLOTS");
    for i in 0..10_000 {
        let _: () = conn.set(format!("key:{i}"), i).expect("SET");
    }
    for i in (0..10_000).step_by(7) {
        let v: i64 = conn.get(format!("key:{i}")).expect("GET");
        assert_eq!(v, i);
    }
    let total: i64 = nodes
        .iter()
        .filter(|n| n.info_field("role").as_deref() == Some("master"))
        .map(|n| n.cli(&["dbsize"]).trim().parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, 10_000);
}
