//! MONITOR (`monitorCommand`, `replicationFeedMonitors`) against a real
//! redis-server 7.0.15, live: the same commands on a clusterlab-node and
//! on redis-server (each alone with every slot) while monitors watch;
//! every line each monitor receives must be the same once the time and
//! the connections' ports are named (`+T [0 <b>] "set" "k" "v"`): what is
//! fed and what is not (`admin`, `skip_monitor`), after running, with the
//! arguments quoted by `sdscatrepr` and passwords `(redacted)`, MULTI/EXEC
//! as fed, a script's commands as `[0 lua]` after its EVAL/FCALL, and
//! what a monitor may still do.

use crate::common::native;
use native::clients::compare_clients;
use native::compare::{assert_no_differences, pair};

/// Compares; our transcript, joined.
fn compare(script: &[&str]) -> String {
    let (ours, real) = pair(2000, &["--enable-debug-command", "yes"]);
    let mut diffs = Vec::new();
    let got = compare_clients(ours.port, real.port, script, &mut diffs);
    assert_no_differences(&diffs);
    got.join("\n")
}

/// What is fed, in order, and how: plain commands, quoting, commands that
/// fail when running (fed) or are refused before (not fed), admin ones
/// (not fed), redacted passwords (AUTH, HELLO AUTH, MIGRATE AUTH/AUTH2),
/// transactions (an EXEC refused before running aborts it: EXECABORT, and
/// `exec` fed), scripts and functions.
#[test]
fn monitor_feeds_commands_as_redis_7_0_15() {
    let got = compare(&[
        "open m 2",
        "open n 3",
        "open b 2",
        "m: MONITOR",
        "n: MONITOR",
        "b: SET {t}k v",
        "b: GET {t}k",
        "b: SET {t}q a\"b\\c\u{1}\u{7f}é\t",
        "b: INCR {t}k",
        "b: NOSUCH x",
        "b: GET",
        "b: GET {t}k {t}j",
        "b: CONFIG GET maxmemory",
        "b: CLIENT ID",
        "b: CLIENT LIST",
        "b: CLIENT SETNAME x",
        "b: DEBUG SLEEP 0",
        "b: INFO server",
        "b: AUTH pw",
        "b: AUTH user pw",
        "b: AUTH user pw extra",
        "b: HELLO 2 AUTH default pw",
        "b: HELLO 2 SETNAME y AUTH default pw",
        "b: HELLO 4 AUTH default pw",
        "b: MIGRATE 127.0.0.1 1 {t}missing 0 100 AUTH secret",
        "b: MIGRATE 127.0.0.1 1 {t}missing 0 100 AUTH2 user secret",
        "b: MULTI",
        "b: SET {t}k 1",
        "b: INCR {t}k",
        "b: EXEC",
        "b: MULTI",
        "b: NOSUCH",
        "b: EXEC",
        "b: MULTI",
        "b: DISCARD",
        "b: EXEC x",
        "b: MULTI",
        "b: SET {t}k 2",
        "b: EXEC x",
        "b: EXEC",
        "b: EVAL return(redis.call('set',KEYS[1],'x')) 1 {t}k",
        "b: EVALSHA 0000000000000000000000000000000000000000 0",
        "b: FUNCTION FLUSH",
        "b: FCALL nosuch 0",
        "b: PING",
        "b: ECHO hi",
    ]);
    // Some of what both servers agreed on, to know the lines were there.
    for line in [
        r#"m got +T [0 <b>] "SET" "{t}k" "v""#,
        r#"n got +T [0 <b>] "SET" "{t}k" "v""#,
        r#"m got +T [0 <b>] "AUTH" "(redacted)" "(redacted)""#,
        r#"m got +T [0 lua] "set" "{t}k" "x""#,
        r#"m got +T [0 <b>] "EXEC" "x""#,
    ] {
        assert!(got.contains(line), "{line} in:\n{got}");
    }
}

/// A monitor's own life: its commands are fed to it after their replies,
/// it may not touch the keyspace, a second MONITOR gets no reply, CLIENT
/// LIST shows `O`, MONITOR queued in MULTI fails at EXEC, RESET ends it.
#[test]
fn a_monitor_as_redis_7_0_15() {
    let got = compare(&[
        "open m 2",
        "open b 2",
        "m: MONITOR",
        "m: PING",
        "m: GET {t}k",
        "m: SET {t}k v",
        "m: CLIENT INFO",
        "m: MONITOR",
        "m: ECHO after",
        "b: SET {t}k v",
        "b: MULTI",
        "b: MONITOR",
        "b: EXEC",
        "b: CLIENT INFO",
        "m: RESET",
        "m: CLIENT INFO",
        "b: SET {t}k w",
        "m: GET {t}k",
    ]);
    assert!(got.contains(r#"m got +T [0 <m>] "PING""#), "{got}");
    assert!(got.contains("m: CLIENT INFO -> flags=O redir=-1"), "{got}");
}
