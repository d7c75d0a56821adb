//! Scripts in a simulated cluster (3 masters × 1 replica): Redis 7.0's
//! cluster rules for EVAL and FCALL, effects replication of a script's
//! writes, replicas refusing them, and the script time limit.
//! `native/scripting.rs` compares replies byte for byte with redis-server.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, in_flight_stream, quiet_cluster, run_for, text};

const CLIENT: ClientId = ClientId(1);
const READER: ClientId = ClientId(2);

fn cmd(sim: &mut Sim, node: &str, client: ClientId, words: &[&str]) -> Value {
    let i = idx(sim, node);
    let args = words.iter().map(|w| w.as_bytes().to_vec()).collect();
    sim.command(i, client, args).expect("immediate reply")
}

fn eval(sim: &mut Sim, node: &str, words: &[&str]) -> String {
    let mut all = vec!["EVAL"];
    all.extend_from_slice(words);
    text(&cmd(sim, node, CLIENT, &all))
}

/// getNodeByQuery on EVAL's declared keys: a key served elsewhere is MOVED.
/// (`b` hashes to 3300, served by A; `c` to 7365, served by B.)
#[test]
fn declared_key_served_elsewhere_is_moved() {
    let mut sim = quiet_cluster();
    let reply = eval(&mut sim, "A", &["return 1", "1", "c"]);
    assert!(reply.starts_with("MOVED 7365 "), "{reply}");
    assert_eq!(eval(&mut sim, "A", &["return KEYS[1]", "1", "b"]), "b");
}

/// scriptVerifyClusterState: an undeclared key of another node's slot is
/// refused inside the script, with the script's name and line.
#[test]
fn undeclared_non_local_key_is_refused_inside_the_script() {
    let mut sim = quiet_cluster();
    let body = "return redis.call('get','c')";
    let sha = text(&cmd(&mut sim, "A", CLIENT, &["SCRIPT", "LOAD", body]));
    assert_eq!(
        eval(&mut sim, "A", &[body, "0"]),
        format!(
            "ERR Script attempted to access a non local key in a cluster node script: {sha}, on @user_script:1."
        )
    );
}

/// 7.0's compatibility mode: a script without shebang may touch local keys
/// of several slots; with a shebang it must keep to one slot unless it
/// says `allow-cross-slot-keys`. (`b` 3300 and `hello` 866 are both A's.)
#[test]
fn only_compat_and_flagged_scripts_cross_local_slots() {
    let mut sim = quiet_cluster();
    let two = "redis.call('set','b','1') return redis.call('set','hello','2')";
    assert_eq!(eval(&mut sim, "A", &[two, "0"]), "OK");
    let shebang = format!("#!lua\n{two}");
    let reply = eval(&mut sim, "A", &[&shebang, "0"]);
    assert!(
        reply.starts_with("ERR Script attempted to access keys that do not hash to the same slot"),
        "{reply}"
    );
    let flagged = format!("#!lua flags=allow-cross-slot-keys\n{two}");
    assert_eq!(eval(&mut sim, "A", &[&flagged, "0"]), "OK");
    // A function is held to one slot like a shebang script.
    let lib = "#!lua name=lib\nredis.register_function('two', function() redis.call('set','b','1') return redis.call('set','hello','2') end)";
    assert_eq!(
        text(&cmd(&mut sim, "A", CLIENT, &["FUNCTION", "LOAD", lib])),
        "lib"
    );
    let reply = text(&cmd(&mut sim, "A", CLIENT, &["FCALL", "two", "0"]));
    assert!(
        reply.starts_with("ERR Script attempted to access keys that do not hash to the same slot"),
        "{reply}"
    );
}

/// Effects replication (7.0): a script's writes reach the replica as the
/// commands it ran, wrapped in MULTI/EXEC when there are several; its reads
/// are not streamed; `redis.set_repl(redis.REPL_NONE)` keeps writes local.
#[test]
fn script_writes_stream_as_commands_in_multi_exec() {
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    // The stream's first write is behind us (with its `SELECT 0`).
    eval(
        &mut sim,
        "A",
        &["return redis.call('set',KEYS[1],'0')", "1", "{b}warm"],
    );
    run_for(&mut sim, 200);
    let before = in_flight_stream(&sim, a).len();
    assert_eq!(before, 0);
    let body =
        "redis.call('set',KEYS[1],'1') redis.call('get',KEYS[1]) return redis.call('incr',KEYS[1])";
    assert_eq!(
        cmd(&mut sim, "A", CLIENT, &["EVAL", body, "1", "{b}k"]),
        Value::Integer(2)
    );
    let stream: Vec<String> = in_flight_stream(&sim, a)
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    assert_eq!(stream, ["MULTI", "set {b}k 1", "incr {b}k", "EXEC"]);
    run_for(&mut sim, 200);
    cmd(&mut sim, "A1", READER, &["READONLY"]);
    assert_eq!(
        cmd(&mut sim, "A1", READER, &["GET", "{b}k"]),
        Value::bulk("2")
    );

    // One write goes out alone.
    eval(
        &mut sim,
        "A",
        &["return redis.call('set',KEYS[1],'x')", "1", "{b}one"],
    );
    let stream: Vec<String> = in_flight_stream(&sim, a)
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    assert_eq!(stream, ["set {b}one x"]);
    run_for(&mut sim, 200);

    // REPL_NONE: the write happens on the master only.
    let quiet = "redis.set_repl(redis.REPL_NONE) return redis.call('set',KEYS[1],'local')";
    assert_eq!(eval(&mut sim, "A", &[quiet, "1", "{b}quiet"]), "OK");
    assert!(in_flight_stream(&sim, a).is_empty());
    run_for(&mut sim, 200);
    assert_eq!(
        cmd(&mut sim, "A1", READER, &["GET", "{b}quiet"]),
        Value::Null
    );
}

/// A replica serves read scripts to a READONLY client but refuses their
/// writes (`scriptVerifyWriteCommandAllow`). A script whose shebang
/// declares it writes is a write command for routing (`getCommandFlags`),
/// so its declared key of the master's slot is MOVED there — Redis's
/// tests/cluster 16-transactions-on-replica, "reply MOVED when eval from
/// replica for update"; with no key to route it is refused before it runs
/// (`scriptPrepareForRun`).
#[test]
fn replicas_refuse_script_writes() {
    let mut sim = quiet_cluster();
    eval(
        &mut sim,
        "A",
        &["return redis.call('set',KEYS[1],'v')", "1", "b"],
    );
    run_for(&mut sim, 300);
    cmd(&mut sim, "A1", CLIENT, &["READONLY"]);
    assert_eq!(
        eval(
            &mut sim,
            "A1",
            &["return redis.call('get',KEYS[1])", "1", "b"]
        ),
        "v"
    );
    let reply = eval(
        &mut sim,
        "A1",
        &["return redis.call('set',KEYS[1],'w')", "1", "b"],
    );
    assert!(
        reply.starts_with("READONLY You can't write against a read only replica. script: "),
        "{reply}"
    );
    let ro = text(&cmd(
        &mut sim,
        "A1",
        CLIENT,
        &[
            "EVAL_RO",
            "#!lua flags=no-writes\nreturn redis.call('get',KEYS[1])",
            "1",
            "b",
        ],
    ));
    assert_eq!(ro, "v");
    let write = "#!lua\nreturn redis.call('del',KEYS[1])";
    let moved = text(&cmd(&mut sim, "A1", CLIENT, &["EVAL", write, "1", "b"]));
    assert!(moved.starts_with("MOVED 3300 "), "{moved}");
    let sha = text(&cmd(&mut sim, "A1", CLIENT, &["SCRIPT", "LOAD", write]));
    let moved = text(&cmd(&mut sim, "A1", CLIENT, &["EVALSHA", &sha, "1", "b"]));
    assert!(moved.starts_with("MOVED 3300 "), "{moved}");
    assert_eq!(
        text(&cmd(&mut sim, "A1", CLIENT, &["EVAL", write, "0"])),
        "READONLY Can not run script with write flag on readonly replica"
    );
}

/// The script time limit (busy-reply-threshold, counted in VM instructions
/// in a sans-IO node): a runaway script is stopped, even one that catches
/// errors with pcall, and the node goes on serving.
#[test]
fn runaway_script_is_stopped_at_the_time_limit() {
    let mut sim = quiet_cluster();
    let set = cmd(
        &mut sim,
        "A",
        CLIENT,
        &["CONFIG", "SET", "busy-reply-threshold", "20"],
    );
    assert_eq!(text(&set), "OK");
    for body in [
        "while true do end",
        "while true do pcall(function() while true do end end) end",
    ] {
        let reply = eval(&mut sim, "A", &[body, "0"]);
        assert!(
            reply.starts_with("ERR Script killed by user with SCRIPT KILL..."),
            "{body}: {reply}"
        );
    }
    assert_eq!(eval(&mut sim, "A", &["return 'alive'", "0"]), "alive");
    assert_eq!(
        text(&cmd(&mut sim, "A", CLIENT, &["SCRIPT", "KILL"])),
        "NOTBUSY No scripts in execution right now."
    );
}

/// Redis's cluster suite (00-base.tcl): `no-cluster` scripts and functions
/// are refused on a cluster node.
#[test]
fn no_cluster_flag_is_refused() {
    let mut sim = quiet_cluster();
    let lib = "#!lua name=test\nredis.register_function{function_name='f1', callback=function() return 'hello' end, flags={'no-cluster'}}";
    assert_eq!(
        text(&cmd(&mut sim, "A", CLIENT, &["FUNCTION", "LOAD", lib])),
        "test"
    );
    let expected = "ERR Can not run script on cluster, 'no-cluster' flag is set.";
    assert_eq!(
        text(&cmd(&mut sim, "A", CLIENT, &["FCALL", "f1", "0"])),
        expected
    );
    assert_eq!(
        eval(&mut sim, "A", &["#!lua flags=no-cluster\nreturn 1", "0"]),
        expected
    );
}

/// Bad input: any bytes as a script body, a library, or a script's
/// arguments get a reply (Redis's error text when they are not Lua), never
/// a panic.
#[test]
fn arbitrary_scripts_get_a_reply() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let sim = std::cell::RefCell::new(quiet_cluster());
    let mut runner = TestRunner::new(Config {
        cases: 64,
        ..Config::default()
    });
    let pieces = prop::collection::vec(
        prop::sample::select(vec![
            "return ",
            "redis.call(",
            "redis.pcall(",
            "'get'",
            "'set'",
            ",",
            ")",
            "KEYS[1]",
            "ARGV[1]",
            "{",
            "}",
            "err=",
            "ok=",
            "1.5",
            "nil",
            "false",
            "#!lua",
            "\n",
            "flags=no-writes",
            "name=l",
            "redis.register_function(",
            "function() end",
            "x",
            "=",
            "'b'",
            "..",
            "local t = {} t[1] = t return t",
        ]),
        0..12,
    );
    runner
        .run(&pieces, |words| {
            let body = words.concat();
            for command in [
                vec!["EVAL", body.as_str(), "1", "b", "a1"],
                vec!["FUNCTION", "LOAD", "REPLACE", body.as_str()],
            ] {
                let reply = cmd(&mut sim.borrow_mut(), "A", CLIENT, &command);
                prop_assert!(
                    !matches!(reply, Value::Null) || command[0] == "EVAL",
                    "{command:?} → {reply:?}"
                );
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Redis keeps one Lua state per server, so `cjson`'s settings (lua_cjson.c
/// `json_config_t`) last from one script to the next on that node only, are
/// kept across a snapshot of the node, and start over on SCRIPT FLUSH.
#[test]
fn cjson_settings_belong_to_each_nodes_lua_state() {
    let mut sim = quiet_cluster();
    let third = ["return cjson.encode(1/3)", "0"];
    assert_eq!(
        eval(
            &mut sim,
            "A",
            &["return tostring(cjson.encode_number_precision(3))", "0"]
        ),
        "3"
    );
    assert_eq!(eval(&mut sim, "A", &third), "0.333");
    assert_eq!(eval(&mut sim, "B", &third), "0.33333333333333");
    let mut copy = sim.clone();
    assert_eq!(eval(&mut copy, "A", &third), "0.333");
    assert_eq!(
        text(&cmd(&mut sim, "A", CLIENT, &["SCRIPT", "FLUSH"])),
        "OK"
    );
    assert_eq!(eval(&mut sim, "A", &third), "0.33333333333333");
    assert_eq!(eval(&mut copy, "A", &third), "0.333");
}

/// The libraries Redis links into its Lua (cjson, cmsgpack, struct, bit)
/// are there in the simulator too, read-only like every global table.
#[test]
fn redis_lua_libraries_are_loaded_and_read_only() {
    let mut sim = quiet_cluster();
    let round_trip = "local t = cmsgpack.unpack(cmsgpack.pack({n = bit.bor(1, 2)})) \
                      return cjson.encode({t.n, struct.unpack('>h', struct.pack('>h', -2))})";
    // struct.unpack also returns the position after what it read.
    assert_eq!(eval(&mut sim, "A", &[round_trip, "0"]), "[3,-2,3]");
    let reply = eval(&mut sim, "A", &["cjson.encode = nil", "0"]);
    assert!(
        reply.contains("Attempt to modify a readonly table"),
        "{reply}"
    );
}
