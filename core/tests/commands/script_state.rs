//! Nothing a script does outlives its run. Redis 7.0 keeps one Lua state
//! per server, its tables read-only, and sets a run's `KEYS`, `ARGV`,
//! protocol, replication flags and start time afresh (`luaCallFunction`,
//! `scriptPrepareForRun`); clusterlab reuses one interpreter per thread
//! (issue #13), outside the nodes, so these tests run scripts that try to
//! leave something behind and then look for it, on one node and across
//! nodes that share the thread. `native/scripting.rs` compares the same
//! probes with redis-server where both answer alike.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, in_flight_stream, quiet_cluster, run_for, text};

const CLIENT: ClientId = ClientId(1);

fn cmd(sim: &mut Sim, node: &str, words: &[&str]) -> Value {
    let i = idx(sim, node);
    let args = words.iter().map(|w| w.as_bytes().to_vec()).collect();
    sim.command(i, CLIENT, args).expect("immediate reply")
}

/// EVAL `body` with no keys on node A, as text.
fn eval(sim: &mut Sim, body: &str) -> String {
    text(&cmd(sim, "A", &["EVAL", body, "0"]))
}

/// Redis refuses raw writes to its read-only tables (`lua_rawset`'s and
/// `lua_rawseti`'s readonly check): `rawset` and `table.insert` are
/// refused here too, and so is an assignment to a global that exists, so
/// nothing lands in the globals or a library table for a later run to see.
#[test]
fn raw_writes_to_globals_are_refused() {
    let mut sim = quiet_cluster();
    for body in [
        "rawset(_G,'leak',1) return 1",
        "rawset(string,'leak','x') return 1",
        "rawset(_G,'string',{}) return 1",
        "table.insert(_G,'leak') return 1",
        "table.insert(string,'leak') return 1",
        "table.insert(redis,1,'leak') return 1",
        "setmetatable(_G, nil) return 1",
    ] {
        let refused = eval(&mut sim, body);
        assert!(
            refused.starts_with("ERR Attempt to modify a readonly table script: "),
            "{body}: {refused}"
        );
    }
    let assigned = eval(&mut sim, "string = 'leak' return 1");
    assert!(
        assigned.starts_with("ERR user_script:1: Attempt to modify a readonly table script: "),
        "{assigned}"
    );
    let missing = eval(&mut sim, "return leak");
    assert!(
        missing.starts_with(
            "ERR user_script:1: Script attempted to access nonexistent global variable 'leak'"
        ),
        "{missing}"
    );
    let probe =
        "return tostring(string[1]) .. tostring(rawget(_G, 1)) .. tostring(redis[1]) .. #_G";
    assert_eq!(eval(&mut sim, probe), "nilnilnil0");
    assert_eq!(eval(&mut sim, "return string.upper('a')"), "A");
    let writable = cmd(
        &mut sim,
        "A",
        &["EVAL", "table.insert(KEYS, 'x') return KEYS", "1", "{b}k"],
    );
    assert_eq!(
        writable,
        Value::Array(vec![Value::bulk("{b}k"), Value::bulk("x")])
    );
}

/// `luaCallFunction`: each run starts in RESP2 (`redis.setresp`), with
/// its writes replicated (`redis.set_repl`), and with a time budget of its
/// own (`scriptRunCtx.start_time`); a stopped run does not stop the next.
#[test]
fn run_settings_start_afresh() {
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    assert_eq!(
        eval(
            &mut sim,
            "redis.setresp(3) return type(redis.call('get','{b}none'))"
        ),
        "nil"
    );
    assert_eq!(
        eval(&mut sim, "return type(redis.call('get','{b}none'))"),
        "boolean"
    );
    let quiet = "redis.set_repl(redis.REPL_NONE) return redis.call('set','{b}q','1')";
    assert_eq!(eval(&mut sim, quiet), "OK");
    assert!(in_flight_stream(&sim, a).is_empty());
    run_for(&mut sim, 200);
    assert_eq!(eval(&mut sim, "return redis.call('set','{b}r','1')"), "OK");
    let streamed: Vec<String> = in_flight_stream(&sim, a)
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    assert!(
        streamed.ends_with(&["set {b}r 1".to_string()]),
        "{streamed:?}"
    );

    let set = cmd(
        &mut sim,
        "A",
        &["CONFIG", "SET", "busy-reply-threshold", "20"],
    );
    assert_eq!(text(&set), "OK");
    // About half of the 20 ms each: together they would be stopped.
    let busy = "local x = 0 for i = 1, 400000 do x = x + 1 end return tostring(x)";
    for _ in 0..3 {
        assert_eq!(eval(&mut sim, busy), "400000");
    }
    let killed = eval(&mut sim, "while true do end");
    assert!(killed.starts_with("ERR Script killed"), "{killed}");
    assert_eq!(
        eval(&mut sim, "return tostring(pcall(error, 'caught'))"),
        "false"
    );
}

/// Functions see no `KEYS`/`ARGV` globals (Redis runs them in the
/// functions engine's own Lua state, `function_lua.c`, with the keys and
/// arguments as parameters) nor the debugger's `redis.breakpoint` (EVAL's
/// state only, `eval.c`), and EVAL sees no `redis.register_function` once
/// a function ran, and its `redis.breakpoint` again.
#[test]
fn eval_and_fcall_do_not_see_each_other() {
    let mut sim = quiet_cluster();
    let lib = "#!lua name=probe\nredis.register_function('probe', function(keys, args) return {type(rawget(_G, 'KEYS')), #keys, args[1], tostring(redis.breakpoint)} end)";
    assert_eq!(
        text(&cmd(&mut sim, "A", &["FUNCTION", "LOAD", lib])),
        "probe"
    );
    let keys = cmd(&mut sim, "A", &["EVAL", "return KEYS[1]", "1", "{b}k"]);
    assert_eq!(text(&keys), "{b}k");
    assert_eq!(
        cmd(&mut sim, "A", &["FCALL", "probe", "1", "{b}k", "x"]),
        Value::Array(vec![
            Value::bulk("nil"),
            Value::Integer(1),
            Value::bulk("x"),
            Value::bulk("nil")
        ])
    );
    assert_eq!(
        eval(
            &mut sim,
            "return type(redis.register_function) .. type(redis.breakpoint)"
        ),
        "nilfunction"
    );
}

/// Two nodes run on one thread, so on one interpreter: each keeps its own
/// scripts and data (a snapshot, `sim.clone()`, is a second node set on
/// the same thread), what one's script does is not seen by the other's,
/// and a snapshot replays the original's replies.
#[test]
fn nodes_sharing_a_thread_stay_independent() {
    let mut first = quiet_cluster();
    let body = "return redis.call('get', KEYS[1])";
    let loaded = cmd(&mut first, "A", &["SCRIPT", "LOAD", body]);
    let sha = text(&loaded);
    let mut second = first.clone();
    cmd(&mut first, "A", &["SET", "{b}k", "first"]);
    cmd(&mut second, "A", &["SET", "{b}k", "second"]);
    for _ in 0..2 {
        for (sim, want) in [(&mut first, "first"), (&mut second, "second")] {
            let got = cmd(sim, "A", &["EVALSHA", &sha, "1", "{b}k"]);
            assert_eq!(text(&got), want);
        }
    }
    cmd(&mut second, "A", &["SCRIPT", "FLUSH"]);
    let gone = cmd(&mut second, "A", &["EVALSHA", &sha, "1", "{b}k"]);
    assert!(text(&gone).starts_with("NOSCRIPT"), "{gone:?}");
    let kept = cmd(&mut first, "A", &["EVALSHA", &sha, "1", "{b}k"]);
    assert_eq!(text(&kept), "first");

    assert_eq!(eval(&mut first, "redis.setresp(3) return 'set'"), "set");
    assert_eq!(
        eval(&mut second, "return type(redis.call('get','{b}none'))"),
        "boolean"
    );
    let refused = eval(&mut first, "table.insert(_G,'leak') return 'set'");
    assert!(refused.starts_with("ERR Attempt to modify"), "{refused}");
    assert_eq!(eval(&mut second, "return type(rawget(_G,1))"), "nil");

    let mut replay = first.clone();
    let probe = "return {redis.call('incr','{b}n'), tostring(rawget(_G,1))}";
    for _ in 0..2 {
        let a = cmd(&mut first, "A", &["EVAL", probe, "0"]);
        let b = cmd(&mut replay, "A", &["EVAL", probe, "0"]);
        assert_eq!(a, b);
    }
}
