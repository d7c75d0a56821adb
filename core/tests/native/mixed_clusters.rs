//! A mixed cluster: real redis-server 7.0 nodes and clusterlab-nodes on the
//! real cluster bus protocol. The real nodes must list ours as connected,
//! agree on slots with it, redirect to it, and mark it FAIL when it dies;
//! keys move both ways with MIGRATE (Redis's DUMP format); replication runs
//! both ways over PSYNC, and a failover works across the mix.

use crate::common::native;
use clusterlab_core::slot::key_slot;
use native::mixed::{meet_all, one_master_cluster, replicate, tag_in, wait_state_ok, Member};
use native::{free_port, redis_cli, require_redis_tools, wait_for, NodeProc, RealRedis};
use std::process::Command;
use std::time::Duration;

/// A key's value as `DUMP` gives it, decoded: comparable between a real
/// node (compact encodings) and ours (plain ones).
fn content(conn: &mut redis::Connection, key: &str) -> String {
    let payload: Option<Vec<u8>> = redis::cmd("DUMP").arg(key).query(conn).unwrap();
    match payload {
        Some(p) => format!(
            "{:?}",
            clusterlab_core::dump::decode(&p, Default::default())
        ),
        None => "none".into(),
    }
}

/// Keys of every type under hash tag `tag`, in the encodings Redis 7.0
/// picks for them: small (listpack, intset, integer strings, LZF-compressed
/// long strings) and large (quicklist, hashtable, skiplist), and one TTL.
fn write_every_type(conn: &mut redis::Connection, tag: &str) -> Vec<String> {
    let k = |name: &str| format!("{{{tag}}}{name}");
    let q = |conn: &mut redis::Connection, args: Vec<String>| {
        let mut cmd = redis::cmd(&args[0]);
        for a in &args[1..] {
            cmd.arg(a);
        }
        let _: redis::Value = cmd.query(conn).unwrap();
    };
    let words = |n: usize, prefix: &str| (0..n).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>();
    let mut args = |cmd: &str, key: &str, rest: Vec<String>| {
        let mut v = vec![cmd.to_string(), k(key)];
        v.extend(rest);
        q(conn, v);
    };
    args("SET", "str", vec!["a".repeat(100)]);
    args("SET", "int", vec!["-12345".into()]);
    args(
        "SET",
        "ttl",
        vec!["soon".into(), "EX".into(), "1000".into()],
    );
    args(
        "RPUSH",
        "list",
        vec!["a".into(), "bb".into(), "12".into(), "-5000".into()],
    );
    args("RPUSH", "biglist", words(300, "item-"));
    args(
        "HSET",
        "hash",
        vec!["f".into(), "v".into(), "n".into(), "12".into()],
    );
    let mut fields = Vec::new();
    for w in words(200, "field-") {
        fields.push(w.clone());
        fields.push(format!("value of {w}"));
    }
    args("HSET", "bighash", fields);
    args(
        "ZADD",
        "zset",
        vec!["1.5".into(), "m".into(), "-2".into(), "n".into()],
    );
    let mut members = Vec::new();
    for (i, w) in words(200, "member-").into_iter().enumerate() {
        members.push(format!("{}.25", i));
        members.push(w);
    }
    args("ZADD", "bigzset", members);
    args(
        "SADD",
        "intset",
        vec!["1".into(), "-3".into(), "70000".into()],
    );
    args("SADD", "set", vec!["x".into(), "y".into()]);
    args("SADD", "bigset", words(600, "m-"));
    [
        "str", "int", "ttl", "list", "biglist", "hash", "bighash", "zset", "bigzset", "intset",
        "set", "bigset",
    ]
    .iter()
    .map(|n| k(n))
    .collect()
}

/// READONLY then the content of every key, on a replica.
fn replica_contents(replica: &dyn Member, keys: &[String]) -> Vec<String> {
    let mut conn = replica.conn();
    let _: () = redis::cmd("READONLY").query(&mut conn).unwrap();
    keys.iter().map(|k| content(&mut conn, k)).collect()
}

/// Writes keys of every type on `master` before `replica` attaches, so they
/// travel in the RDB, and checks the replica holds them after its sync.
/// Returns the master's connection, the hash tag and the keys.
fn synced_through_rdb(
    master: &dyn Member,
    replica: &dyn Member,
) -> (redis::Connection, String, Vec<String>) {
    let mut conn = master.conn();
    let tag = tag_in(0..=16383);
    let keys = write_every_type(&mut conn, &tag);
    let before: Vec<String> = keys.iter().map(|k| content(&mut conn, k)).collect();
    assert!(before.iter().all(|c| c.starts_with("Ok(")), "{before:?}");
    replicate(replica, master);
    assert_eq!(
        replica_contents(replica, &keys),
        before,
        "keys from the RDB"
    );
    (conn, tag, keys)
}

#[test]
fn a_clusterlab_node_joins_real_redis_nodes_over_the_real_bus() {
    require_redis_tools();
    let real = [RealRedis::start(2000), RealRedis::start(2000)];
    let mut ours = NodeProc::start(2000);
    let first = real[0].port.to_string();
    assert_eq!(
        real[1]
            .cli(&["cluster", "meet", "127.0.0.1", &first])
            .trim(),
        "OK"
    );
    assert_eq!(
        ours.cli(&["cluster", "meet", "127.0.0.1", &first]).trim(),
        "OK"
    );
    let our_addr = format!("127.0.0.1:{}@{}", ours.port, ours.port + 10000);
    wait_for(
        Duration::from_secs(15),
        "real nodes to list ours as connected",
        || {
            real.iter().all(|r| {
                r.cli(&["cluster", "nodes"]).lines().any(|l| {
                    l.contains(&our_addr) && l.contains(" master - ") && l.ends_with("connected")
                })
            })
        },
    );
    real[0].cli(&["cluster", "addslotsrange", "0", "5460"]);
    real[1].cli(&["cluster", "addslotsrange", "5461", "10922"]);
    ours.cli(&["cluster", "addslotsrange", "10923", "16383"]);
    wait_for(
        Duration::from_secs(15),
        "cluster_state:ok everywhere",
        || {
            real.iter()
                .all(|r| r.cli(&["cluster", "info"]).contains("cluster_state:ok"))
                && ours.cli(&["cluster", "info"]).contains("cluster_state:ok")
        },
    );
    let check = redis_cli(
        &[
            "--cluster".into(),
            "check".into(),
            format!("127.0.0.1:{}", real[0].port),
        ],
        Duration::from_secs(20),
    );
    assert!(
        check.contains("[OK] All nodes agree about slots configuration."),
        "{check}"
    );
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");
    // "foo" is in slot 12182, ours: a real node redirects there.
    assert_eq!(real[0].cli(&["-c", "set", "foo", "bar"]).trim(), "OK");
    assert_eq!(ours.cli(&["get", "foo"]).trim(), "bar");
    ours.kill();
    wait_for(
        Duration::from_secs(20),
        "real nodes to mark ours FAIL",
        || {
            real.iter().all(|r| {
                r.cli(&["cluster", "nodes"])
                    .lines()
                    .any(|l| l.contains(&our_addr) && l.contains("master,fail "))
            })
        },
    );
    ours.spawn();
    wait_for(
        Duration::from_secs(20),
        "the FAIL flag to clear on its return",
        || {
            real.iter()
                .all(|r| r.cli(&["cluster", "info"]).contains("cluster_state:ok"))
        },
    );
}

/// A real redis-server 7.0 becomes a replica of a clusterlab master by
/// `CLUSTER REPLICATE`: it does the PSYNC handshake on our client port,
/// loads our RDB (every type, TTLs kept), then applies the command stream;
/// our ROLE and INFO list it, WAIT counts its ACKs, and both ends agree on
/// the replication offset (SELECT, PING and GETACK counted alike).
#[test]
fn a_real_redis_replica_syncs_from_a_clusterlab_master_over_psync() {
    require_redis_tools();
    let ours = NodeProc::start(2000);
    let real = RealRedis::start(2000);
    one_master_cluster(&ours, &real);
    let (mut conn, tag, mut keys) = synced_through_rdb(&ours, &real);
    let mut replica_conn = real.conn();
    let _: () = redis::cmd("READONLY").query(&mut replica_conn).unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{{{tag}}}ttl"))
        .query(&mut replica_conn)
        .unwrap();
    assert!(
        ttl > 900_000 && ttl <= 1_000_000,
        "the TTL travelled: {ttl}"
    );

    // Written after: they travel in the command stream.
    let _: () = redis::cmd("SET")
        .arg("{s}after")
        .arg("v2")
        .query(&mut conn)
        .unwrap();
    let _: i64 = redis::cmd("INCRBY")
        .arg("{s}counter")
        .arg(5)
        .query(&mut conn)
        .unwrap();
    let _: i64 = redis::cmd("DEL")
        .arg(format!("{{{tag}}}str"))
        .query(&mut conn)
        .unwrap();
    // SPOP picks members: replicas get SREM (or DEL) of what it took.
    let set = |name: &str| format!("{{{tag}}}{name}");
    let _: String = redis::cmd("SPOP").arg(set("set")).query(&mut conn).unwrap();
    let popped: Vec<String> = redis::cmd("SPOP")
        .arg(set("bigset"))
        .arg(10)
        .query(&mut conn)
        .unwrap();
    assert_eq!(popped.len(), 10);
    let _: Vec<String> = redis::cmd("SPOP")
        .arg(set("intset"))
        .arg(5)
        .query(&mut conn)
        .unwrap();
    let acked: i64 = redis::cmd("WAIT")
        .arg(1)
        .arg(5000)
        .query(&mut conn)
        .unwrap();
    assert_eq!(acked, 1, "WAIT counts the real replica's REPLCONF ACK");
    keys.extend(["{s}after".to_string(), "{s}counter".to_string()]);
    let after: Vec<String> = keys.iter().map(|k| content(&mut conn, k)).collect();
    assert_eq!(
        replica_contents(&real, &keys),
        after,
        "keys from the stream"
    );

    // Both ends count the same bytes: the replica's offset reaches ours.
    wait_for(Duration::from_secs(15), "equal replication offsets", || {
        ours.info_field("master_repl_offset") == real.info_field("slave_repl_offset")
    });
    let info = ours.cli(&["info", "replication"]);
    let line = format!("slave0:ip=127.0.0.1,port={},state=online,", real.port);
    assert!(info.contains(&line), "{info}");
    assert!(info.contains("connected_slaves:1"), "{info}");
    let role: redis::Value = redis::cmd("ROLE").query(&mut conn).unwrap();
    let redis::Value::Array(role) = role else {
        panic!("ROLE is an array: {role:?}")
    };
    assert_eq!(role[0], redis::Value::BulkString(b"master".to_vec()));
    assert!(matches!(role[1], redis::Value::Int(o) if o > 0), "{role:?}");
    let redis::Value::Array(replicas) = &role[2] else {
        panic!("replicas: {role:?}")
    };
    let port = redis::Value::BulkString(real.port.to_string().into_bytes());
    assert!(
        matches!(&replicas[..], [redis::Value::Array(r)] if r[1] == port),
        "{role:?}"
    );
    let real_role = real.cli(&["role"]);
    assert!(
        real_role.starts_with(&format!("slave\n127.0.0.1\n{}\nconnected\n", ours.port)),
        "{real_role}"
    );
}

/// Moves slot `slot` from `from` to `to` with MIGRATE … KEYS, as
/// `redis-cli --cluster reshard` does: IMPORTING on the target, MIGRATING
/// on the source, MIGRATE (the target runs RESTORE-ASKING with the
/// source's DUMP payloads), then SETSLOT NODE on both.
fn move_slot(slot: u16, from: &dyn Member, to: &dyn Member, keys: &[String]) {
    let (from_id, to_id, slot) = (from.id(), to.id(), slot.to_string());
    assert_eq!(
        to.run(&["cluster", "setslot", &slot, "importing", &from_id])
            .trim(),
        "OK"
    );
    assert_eq!(
        from.run(&["cluster", "setslot", &slot, "migrating", &to_id])
            .trim(),
        "OK"
    );
    let port = to.port().to_string();
    let mut args = vec!["migrate", "127.0.0.1", &port, "", "0", "5000", "KEYS"];
    args.extend(keys.iter().map(String::as_str));
    assert_eq!(from.run(&args).trim(), "OK", "MIGRATE to {port}");
    for node in [to, from] {
        assert_eq!(
            node.run(&["cluster", "setslot", &slot, "node", &to_id])
                .trim(),
            "OK"
        );
    }
    assert_eq!(from.run(&["cluster", "countkeysinslot", &slot]).trim(), "0");
}

/// Keys of every type move from a real master to a clusterlab master and
/// back with MIGRATE: each side's RESTORE accepts the other's DUMP payloads
/// (Redis's compact encodings one way, our plain ones the other, RDB
/// version 10 and CRC64 footer both ways), TTLs included. And a MIGRATE to
/// a port nobody listens on fails the same way on both: Redis 7.0's
/// blocking connect lets the refusal surface on the first write,
/// `IOERR error or timeout writing to target instance` (and a host that
/// does not resolve: `IOERR error or timeout connecting to the client`).
#[test]
fn keys_of_every_type_migrate_both_ways_between_real_and_clusterlab_masters() {
    require_redis_tools();
    let ours = NodeProc::start(2000);
    let real = RealRedis::start(2000);
    meet_all(&[&real, &ours]);
    real.cli(&["cluster", "addslotsrange", "0", "8191"]);
    ours.cli(&["cluster", "addslotsrange", "8192", "16383"]);
    wait_state_ok(&[&real, &ours]);

    let closed = free_port().to_string();
    for (node, tag) in [
        (&real as &dyn Member, tag_in(0..=8191)),
        (&ours, tag_in(8192..=16383)),
    ] {
        let key = format!("{{{tag}}}k");
        assert_eq!(node.run(&["set", &key, "v"]).trim(), "OK");
        let reply = node.run(&["migrate", "127.0.0.1", &closed, &key, "0", "1000"]);
        assert_eq!(
            reply.trim(),
            "IOERR error or timeout writing to target instance",
            "MIGRATE to a closed port on {}",
            node.port()
        );
        // A host that does not resolve fails in the connect itself.
        let reply = node.run(&["migrate", "nosuch.invalid", "1", &key, "0", "1000"]);
        assert_eq!(
            reply.trim(),
            "IOERR error or timeout connecting to the client"
        );
        assert_eq!(node.run(&["get", &key]).trim(), "v", "the key stays");
    }

    let tag = tag_in(0..=8191);
    let slot = key_slot(tag.as_bytes());
    let keys = write_every_type(&mut real.conn(), &tag);
    let mut conn = real.conn();
    let before: Vec<String> = keys.iter().map(|k| content(&mut conn, k)).collect();
    assert!(before.iter().all(|c| c.starts_with("Ok(")), "{before:?}");

    move_slot(slot, &real, &ours, &keys);
    let mut conn = ours.conn();
    let on_ours: Vec<String> = keys.iter().map(|k| content(&mut conn, k)).collect();
    assert_eq!(on_ours, before, "real → clusterlab");
    let ttl: i64 = redis::cmd("PTTL").arg(&keys[2]).query(&mut conn).unwrap();
    assert!(
        ttl > 900_000 && ttl <= 1_000_000,
        "the TTL travelled: {ttl}"
    );

    move_slot(slot, &ours, &real, &keys);
    let mut conn = real.conn();
    let back: Vec<String> = keys.iter().map(|k| content(&mut conn, k)).collect();
    assert_eq!(back, before, "clusterlab → real");
    let ttl: i64 = redis::cmd("PTTL").arg(&keys[2]).query(&mut conn).unwrap();
    assert!(
        ttl > 900_000 && ttl <= 1_000_000,
        "the TTL travelled back: {ttl}"
    );
}

/// A clusterlab node becomes a replica of a real redis-server 7.0 master by
/// `CLUSTER REPLICATE`: it connects to the master's client port, runs the
/// replica's handshake, loads the master's RDB (Redis's compact encodings,
/// LZF strings, TTLs), applies its command stream (SELECT, SET … PXAT,
/// PEXPIREAT, GETACK), and acknowledges: the master's WAIT counts it, and
/// both ends agree on the offset.
#[test]
fn a_clusterlab_replica_syncs_from_a_real_master_over_psync() {
    require_redis_tools();
    let real = RealRedis::start(2000);
    let ours = NodeProc::start(2000);
    one_master_cluster(&real, &ours);
    let (mut conn, _, mut keys) = synced_through_rdb(&real, &ours);

    let _: () = redis::cmd("SET")
        .arg("{s}after")
        .arg("v2")
        .arg("EX")
        .arg(500)
        .query(&mut conn)
        .unwrap();
    let _: i64 = redis::cmd("EXPIRE")
        .arg(&keys[0])
        .arg(700)
        .query(&mut conn)
        .unwrap();
    let _: i64 = redis::cmd("DEL").arg(&keys[1]).query(&mut conn).unwrap();
    let _: i64 = redis::cmd("RPUSH")
        .arg(&keys[3])
        .arg("pushed")
        .query(&mut conn)
        .unwrap();
    let acked: i64 = redis::cmd("WAIT")
        .arg(1)
        .arg(5000)
        .query(&mut conn)
        .unwrap();
    assert_eq!(acked, 1, "WAIT counts our REPLCONF ACK");
    keys.push("{s}after".to_string());
    let after: Vec<String> = keys.iter().map(|k| content(&mut conn, k)).collect();
    assert_eq!(
        replica_contents(&ours, &keys),
        after,
        "keys from the stream"
    );
    let mut replica = ours.conn();
    let _: () = redis::cmd("READONLY").query(&mut replica).unwrap();
    for (key, max) in [(keys[0].as_str(), 700_000), ("{s}after", 500_000)] {
        let ttl: i64 = redis::cmd("PTTL").arg(key).query(&mut replica).unwrap();
        assert!(ttl > max - 100_000 && ttl <= max, "{key}'s TTL: {ttl}");
    }
    wait_for(Duration::from_secs(15), "equal replication offsets", || {
        real.info_field("master_repl_offset") == ours.info_field("slave_repl_offset")
    });
    let info = real.cli(&["info", "replication"]);
    let line = format!("slave0:ip=127.0.0.1,port={},state=online,", ours.port);
    assert!(info.contains(&line), "{info}");
    let role = ours.cli(&["role"]);
    assert!(
        role.starts_with(&format!("slave\n127.0.0.1\n{}\nconnected\n", real.port)),
        "{role}"
    );
}

/// Writes `n` keys under `tag` on `master` and waits until one replica
/// acknowledged them (WAIT 1).
fn write_acked(master: &dyn Member, tag: &str, n: usize) -> Vec<(String, String)> {
    let mut conn = master.conn();
    let pairs: Vec<(String, String)> = (0..n)
        .map(|i| (format!("{{{tag}}}k{i}"), format!("v{i}")))
        .collect();
    for (k, v) in &pairs {
        let _: () = redis::cmd("SET").arg(k).arg(v).query(&mut conn).unwrap();
    }
    let acked: i64 = redis::cmd("WAIT")
        .arg(1)
        .arg(5000)
        .query(&mut conn)
        .unwrap();
    assert_eq!(acked, 1, "the replica of {} acknowledged", master.port());
    pairs
}

/// Waits until `node` is a master, then checks it serves `pairs`.
fn promoted_with(node: &dyn Member, pairs: &[(String, String)]) {
    wait_for(Duration::from_secs(40), "the replica's promotion", || {
        node.info_field("role").as_deref() == Some("master")
    });
    let mut conn = node.conn();
    for (k, v) in pairs {
        let got: Option<String> = redis::cmd("GET").arg(k).query(&mut conn).unwrap();
        assert_eq!(got.as_deref(), Some(v.as_str()), "{k} on the promoted node");
    }
}

/// Failover across the mix, both ways. Masters: two real nodes and one of
/// ours; a real replica follows our master and one of ours follows a real
/// master. `kill -9` our master: the real replica is elected by the real
/// masters' votes and serves the keys. Then `kill -9` that real master: our
/// replica is elected (votes from a real master and the real replica just
/// promoted) and serves its keys.
#[test]
fn failover_works_across_real_and_clusterlab_nodes_both_ways() {
    require_redis_tools();
    let mut r1 = RealRedis::start(2000);
    let r2 = RealRedis::start(2000);
    let mut o1 = NodeProc::start(2000);
    let real_replica = RealRedis::start(2000);
    let our_replica = NodeProc::start(2000);
    meet_all(&[&r1, &r2, &o1, &real_replica, &our_replica]);
    r1.cli(&["cluster", "addslotsrange", "0", "5460"]);
    r2.cli(&["cluster", "addslotsrange", "5461", "10922"]);
    o1.cli(&["cluster", "addslotsrange", "10923", "16383"]);
    replicate(&real_replica, &o1);
    replicate(&our_replica, &r1);
    wait_state_ok(&[&r1, &r2, &o1, &real_replica, &our_replica]);

    let on_o1 = write_acked(&o1, &tag_in(10923..=16383), 50);
    let on_r1 = write_acked(&r1, &tag_in(0..=5460), 50);
    o1.kill();
    promoted_with(&real_replica, &on_o1);
    wait_state_ok(&[&r1, &r2, &real_replica, &our_replica]);

    r1.kill();
    promoted_with(&our_replica, &on_r1);
    wait_state_ok(&[&r2, &real_replica, &our_replica]);
}

/// `CLUSTER FAILOVER` (coordinated) across the mix, both ways: the master
/// pauses writes and the replica takes over only once its replication
/// offset equals the master's, so both ends must count the stream's bytes
/// exactly alike. The demoted master then replicates its old replica: our
/// node syncs from a real master, a real node from ours.
#[test]
fn manual_failover_works_across_real_and_clusterlab_nodes_both_ways() {
    require_redis_tools();
    let real = RealRedis::start(2000);
    let ours = NodeProc::start(2000);
    let real_replica = RealRedis::start(2000);
    let our_replica = NodeProc::start(2000);
    meet_all(&[&real, &ours, &real_replica, &our_replica]);
    real.cli(&["cluster", "addslotsrange", "0", "8191"]);
    ours.cli(&["cluster", "addslotsrange", "8192", "16383"]);
    replicate(&real_replica, &ours);
    replicate(&our_replica, &real);
    wait_state_ok(&[&real, &ours, &real_replica, &our_replica]);
    let on_ours = write_acked(&ours, &tag_in(8192..=16383), 20);
    let on_real = write_acked(&real, &tag_in(0..=8191), 20);

    for (replica, master, pairs) in [
        (&real_replica as &dyn Member, &ours as &dyn Member, &on_ours),
        (&our_replica, &real, &on_real),
    ] {
        // A manual failover gives up after 5 s (CLUSTER_MF_TIMEOUT): on a
        // loaded machine the operator asks again, as one would with Redis.
        let mut asked: Option<std::time::Instant> = None;
        wait_for(
            Duration::from_secs(60),
            "a manual failover to succeed",
            || {
                if asked.is_none_or(|t| t.elapsed() > Duration::from_secs(12)) {
                    assert_eq!(replica.run(&["cluster", "failover"]).trim(), "OK");
                    asked = Some(std::time::Instant::now());
                }
                replica.info_field("role").as_deref() == Some("master")
            },
        );
        promoted_with(replica, pairs);
        wait_for(Duration::from_secs(20), "the old master to follow", || {
            master.info_field("role").as_deref() == Some("slave")
                && master.info_field("master_link_status").as_deref() == Some("up")
        });
        let mut conn = master.conn();
        let _: () = redis::cmd("READONLY").query(&mut conn).unwrap();
        for (k, v) in pairs.iter() {
            let got: Option<String> = redis::cmd("GET").arg(k).query(&mut conn).unwrap();
            assert_eq!(
                got.as_deref(),
                Some(v.as_str()),
                "{k} on the demoted master"
            );
        }
    }
}

/// `redis-cli --rdb` (REPLCONF rdb-only, SYNC) saves our node's dataset as
/// an RDB file, and a real redis-server 7.0 loads that file at startup
/// (`rdbLoad`: version, aux fields, CRC64) with every key intact.
#[test]
fn redis_cli_rdb_saves_our_dataset_and_a_real_redis_server_loads_it() {
    require_redis_tools();
    let ours = NodeProc::start(2000);
    ours.cli(&["cluster", "addslotsrange", "0", "16383"]);
    wait_state_ok(&[&ours]);
    let mut conn = ours.conn();
    let keys = write_every_type(&mut conn, &tag_in(0..=16383));
    let ours_content: Vec<String> = keys.iter().map(|k| content(&mut conn, k)).collect();

    let dir = std::env::temp_dir().join(format!(
        "clusterlab-rdb-{}-{}",
        std::process::id(),
        ours.port
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("dump.rdb");
    let out = redis_cli(
        &[
            "-p".into(),
            ours.port.to_string(),
            "--rdb".into(),
            file.display().to_string(),
        ],
        Duration::from_secs(20),
    );
    assert!(out.contains("Transfer finished with success"), "{out}");

    let port = free_port();
    let mut child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .arg("--dir")
        .arg(&dir)
        .args(["--dbfilename", "dump.rdb"])
        .arg("--logfile")
        .arg(dir.join("log"))
        .spawn()
        .expect("redis-server");
    wait_for(
        Duration::from_secs(10),
        "redis-server to load and listen",
        || {
            redis::Client::open(format!("redis://127.0.0.1:{port}/"))
                .and_then(|c| c.get_connection())
                .and_then(|mut c| redis::cmd("DBSIZE").query::<i64>(&mut c))
                .is_ok()
        },
    );
    let mut real = redis::Client::open(format!("redis://127.0.0.1:{port}/"))
        .unwrap()
        .get_connection()
        .unwrap();
    let loaded: Vec<String> = keys.iter().map(|k| content(&mut real, k)).collect();
    let ttl: i64 = redis::cmd("PTTL").arg(&keys[2]).query(&mut real).unwrap();
    let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(log.contains("DB loaded from disk"), "{log}");
    assert_eq!(loaded, ours_content);
    assert!(
        ttl > 900_000 && ttl <= 1_000_000,
        "the TTL was saved: {ttl}"
    );
}

/// With `requirepass` on both sides, our replica authenticates to a real
/// master's client port with `masterauth` (PING gets -NOAUTH, then AUTH,
/// as a real replica does) and syncs.
#[test]
fn a_clusterlab_replica_authenticates_to_a_real_master_with_masterauth() {
    require_redis_tools();
    let real = RealRedis::start_with(2000, &["--requirepass", "pw"]);
    let ours = NodeProc::start_with(2000, &["--requirepass", "pw", "--masterauth", "pw"]);
    let cli = |port: u16, args: &[&str]| {
        let mut all: Vec<String> = ["-p", &port.to_string(), "--no-auth-warning", "-a", "pw"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        all.extend(args.iter().map(|s| s.to_string()));
        redis_cli(&all, Duration::from_secs(10))
    };
    let real_port = real.port.to_string();
    assert_eq!(
        cli(ours.port, &["cluster", "meet", "127.0.0.1", &real_port]).trim(),
        "OK"
    );
    cli(real.port, &["cluster", "addslotsrange", "0", "16383"]);
    wait_for(Duration::from_secs(20), "cluster_state:ok on both", || {
        [real.port, ours.port]
            .iter()
            .all(|p| cli(*p, &["cluster", "info"]).contains("cluster_state:ok"))
    });
    assert_eq!(cli(real.port, &["set", "k", "secret value"]).trim(), "OK");
    let real_id = cli(real.port, &["cluster", "myid"]).trim().to_string();
    wait_for(
        Duration::from_secs(10),
        "CLUSTER REPLICATE to be accepted",
        || cli(ours.port, &["cluster", "replicate", &real_id]).trim() == "OK",
    );
    wait_for(
        Duration::from_secs(20),
        "the authenticated link to be up",
        || cli(ours.port, &["info", "replication"]).contains("master_link_status:up"),
    );
    let mut conn = redis::Client::open(format!("redis://:pw@127.0.0.1:{}/", ours.port))
        .unwrap()
        .get_connection()
        .unwrap();
    let _: () = redis::cmd("READONLY").query(&mut conn).unwrap();
    let got: Option<String> = redis::cmd("GET").arg("k").query(&mut conn).unwrap();
    assert_eq!(got.as_deref(), Some("secret value"));
}

/// What a real 7.0 master streams for everyday writes must leave our
/// replica with the master's data: commands streamed verbatim (HDEL,
/// HINCRBY, LSET, LREM, LTRIM, LINSERT, LMOVE, SMOVE, ZREM, ZINCRBY,
/// RENAME, SETRANGE…) and the ones the master rewrites (GETDEL → DEL,
/// GETSET → SET, INCRBYFLOAT → SET KEEPTTL, HINCRBYFLOAT → HSET,
/// GETEX → PEXPIREAT / PERSIST, SETEX → SET PXAT, BLPOP → LPOP, LMPOP →
/// LPOP with a count, BZPOPMAX → ZPOPMAX, ZMPOP → ZPOPMIN, BLMOVE → LMOVE).
#[test]
fn a_clusterlab_replica_applies_a_real_masters_write_commands() {
    require_redis_tools();
    let real = RealRedis::start(2000);
    let ours = NodeProc::start(2000);
    one_master_cluster(&real, &ours);
    replicate(&ours, &real);
    let tag = tag_in(0..=16383);
    let mut conn = real.conn();
    let script = "SET s hello|SETNX s x|SETNX s2 x|SETRANGE s 10 world|APPEND s !|GETSET s2 y\
        |SET g gone|GETDEL g|MSETNX m1 1 m2 2|SET f 10.5|INCRBYFLOAT f 0.1|SETEX ex 900 v\
        |SET gx v|GETEX gx PX 800000|SET p v EX 100|GETEX p PERSIST\
        |HSET h f 1 g x n 0|HINCRBY h f 41|HSETNX h k 2|HMSET h a 1 b 2|HDEL h a g\
        |HINCRBYFLOAT h n 1.25\
        |RPUSH l a b c a b c a|LSET l 1 B|LREM l -2 a|LINSERT l BEFORE B z|LTRIM l 1 -2\
        |LPUSHX l x y|RPUSHX l w|RPOPLPUSH l l2|LMOVE l l2 LEFT RIGHT|RPUSH l3 only|LTRIM l3 5 1\
        |SADD set a b c d|SMOVE set set2 a|SREM set b|SPOP set\
        |ZADD z 1 a 2 b 3 c 4 d 5 e|ZINCRBY z 2.5 a|ZREM z b|ZREMRANGEBYRANK z 0 0\
        |SET r1 v|RENAME r1 r2|SET r3 w|RENAMENX r3 r2|RENAMENX r3 r4|SET u v|UNLINK u\
        |PEXPIRE r4 600000|INCR i|INCRBY i 5|DECR i\
        |ZADD zz 1 a 2 b 3 c 0 x 0 y 0 z 9 q 8 p|ZPOPMAX zz|BZPOPMAX zz 1|ZMPOP 1 zz MIN COUNT 1\
        |ZREMRANGEBYSCORE zz (1 2|ZREMRANGEBYLEX zz [y +\
        |SADD t1 a b c|SADD t2 b c d|SINTERSTORE d1 t1 t2|SUNIONSTORE d2 t1 t2|SDIFFSTORE d3 t1 t2\
        |COPY t1 c1|COPY z c2|SET c2 x|COPY h c2 REPLACE|SETBIT bits 9 1|SETBIT bits 30 1\
        |RPUSH ml a b c d e|BLPOP ml 1|BRPOP ml 1|LMPOP 1 ml LEFT COUNT 2|BLMOVE l2 ml LEFT LEFT 1\
        |ZADD za 1 a 2 b|ZADD zb 5 b 6 c|ZUNIONSTORE zu 2 za zb WEIGHTS 2 1\
        |ZINTERSTORE zi 2 za zb AGGREGATE MAX|SETEX se 500 v|PSETEX pse 400000 v|GETEX se PERSIST";
    let mut keys: Vec<String> = Vec::new();
    for line in script.split('|') {
        let mut words = line.split_whitespace();
        let name = words.next().unwrap();
        let mut cmd = redis::cmd(name);
        // Every argument that names a key gets the tag (all keys share a
        // slot); the rest are values.
        let args: Vec<&str> = words.collect();
        let key_at = |i: usize| match name {
            "MSETNX" => i.is_multiple_of(2),
            "RENAME" | "RENAMENX" | "RPOPLPUSH" | "LMOVE" | "BLMOVE" | "SMOVE" | "COPY" => i < 2,
            "SINTERSTORE" | "SUNIONSTORE" | "SDIFFSTORE" => true,
            "ZMPOP" | "LMPOP" => i == 1,
            "ZUNIONSTORE" | "ZINTERSTORE" => i == 0 || i == 2 || i == 3,
            _ => i == 0,
        };
        for (i, a) in args.iter().enumerate() {
            if key_at(i) {
                let key = format!("{{{tag}}}{a}");
                if !keys.contains(&key) {
                    keys.push(key.clone());
                }
                cmd.arg(key);
            } else {
                cmd.arg(*a);
            }
        }
        let reply: redis::RedisResult<redis::Value> = cmd.query(&mut conn);
        assert!(reply.is_ok(), "{line} on the real master: {reply:?}");
    }
    let acked: i64 = redis::cmd("WAIT")
        .arg(1)
        .arg(5000)
        .query(&mut conn)
        .unwrap();
    assert_eq!(acked, 1, "WAIT counts our REPLCONF ACK");
    let master: Vec<String> = keys.iter().map(|k| content(&mut conn, k)).collect();
    let live = master.iter().filter(|c| c.starts_with("Ok(")).count();
    assert!(live >= 15, "most keys hold a value: {master:?}");
    let replica = replica_contents(&ours, &keys);
    for ((key, m), r) in keys.iter().zip(&master).zip(&replica) {
        assert_eq!(r, m, "{key} on our replica vs the real master");
    }
    // TTLs: kept, set and removed as on the master.
    let mut rconn = ours.conn();
    let _: () = redis::cmd("READONLY").query(&mut rconn).unwrap();
    for key in &keys {
        let theirs: i64 = redis::cmd("PTTL").arg(key).query(&mut conn).unwrap();
        let mine: i64 = redis::cmd("PTTL").arg(key).query(&mut rconn).unwrap();
        assert_eq!(
            theirs.signum(),
            mine.signum(),
            "{key}'s TTL: {theirs} vs {mine}"
        );
        assert!(
            (theirs - mine).abs() < 60_000,
            "{key}'s TTL: {theirs} vs {mine}"
        );
    }
}
