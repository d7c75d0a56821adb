//! ACL (acl.c) compared live with redis-server 7.0.15, reply for reply in
//! RESP2 and RESP3: ACL SETUSER's rules and errors, GETUSER's layout with
//! selectors, LIST's text (`ACLDescribeUser`), USERS, WHOAMI, DRYRUN,
//! DELUSER, CAT, GENPASS, LOG, HELP, SAVE without `aclfile`; AUTH and
//! HELLO AUTH as users, `requirepass` as the default user's password,
//! NOPERM for commands, keys (read/write key specs) and channels, at the
//! top level, queued in MULTI, at EXEC and from Lua's `redis.call`;
//! CLIENT LIST's `user=` and CLIENT KILL USER.
//!
//! Compared otherwise than as bytes, and why:
//! - ACL CAT <category> lists commands in Redis's dict order, which its
//!   random hash seed changes between runs: compared as sets, among the
//!   commands and subcommands the node has (not MONITOR, SYNC, PSYNC,
//!   REPLCONF, CLIENT TRACKING, OBJECT FREQ…).
//! - HELLO's `id` is each server's own client number: left out.
//! - GENPASS is random: its length is compared.
//! - ACL LOG's `age-seconds` and `client-info` (ids, addresses, ages)
//!   differ between two servers: blanked before comparing.

use crate::common::native;
use clusterlab_core::resp::Value;
use native::compare::{assert_no_differences, pair, Both};
use std::collections::BTreeSet;

/// HELLO's reply without its `id` (each server numbers its clients).
fn without_id(reply: String) -> String {
    match reply.find("$2\r\nid\r\n:") {
        Some(i) => {
            let rest = &reply[i + 9..];
            let end = rest.find("\r\n").map_or(rest.len(), |e| e + 2);
            format!("{}{}", &reply[..i + 9], &rest[end..])
        }
        None => reply,
    }
}

/// Connections to both servers, HELLO's replies compared without `id`.
fn both(ours: u16, real: u16, resp3: bool) -> Both {
    Both::connect(ours, real, resp3).normalised(|_, o, r| (without_id(o), without_id(r)))
}

/// The rules, their errors and the replies that describe users.
const USERS: &[&str] = &[
    "ACL SETUSER alice on >p1 ~k* +@string +@transaction +@scripting",
    "ACL SETUSER bob on nopass %R~r* %W~w* %RW~rw* +@string -setrange",
    "ACL SETUSER carol on nopass resetchannels &news* ~* +@all -@dangerous",
    "ACL SETUSER dave off #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 >x <x allkeys allchannels nocommands +@read +@write -@admin",
    "ACL SETUSER erin on nopass (~s* +get) (%R~q* +@read) ~e* +set",
    "ACL SETUSER frank on nopass -@all +select|0",
    "ACL SETUSER ivan on nopass -@all +config|get",
    "ACL SETUSER grace reset on nopass allcommands -debug skip-sanitize-payload",
    "ACL SETUSER heidi sanitize-payload",
    "ACL GETUSER alice",
    "ACL GETUSER bob",
    "ACL GETUSER carol",
    "ACL GETUSER dave",
    "ACL GETUSER erin",
    "ACL GETUSER frank",
    "ACL GETUSER grace",
    "ACL GETUSER heidi",
    "ACL GETUSER ivan",
    "ACL GETUSER nobody",
    "ACL LIST",
    "ACL USERS",
    "ACL WHOAMI",
    "ACL SETUSER erin clearselectors",
    "ACL GETUSER erin",
    "ACL SETUSER x badrule",
    "ACL SETUSER x +nosuch",
    "ACL SETUSER x +@nosuch",
    "ACL SETUSER x allkeys ~a",
    "ACL SETUSER x allchannels &a",
    "ACL SETUSER x <nopw",
    "ACL SETUSER x #abc",
    "ACL SETUSER x !abc",
    "ACL SETUSER x +config|get|a",
    "ACL SETUSER x +get|",
    "ACL SETUSER x %X~a",
    "ACL SETUSER x (~a +get",
    "ACL SETUSER x (~a +nosuch)",
    "ACL SETUSER x (on)",
    "ACL USERS",
    "ACL DRYRUN alice get k1",
    "ACL DRYRUN alice get x1",
    "ACL DRYRUN alice del k1",
    "ACL DRYRUN alice nosuch k1",
    "ACL DRYRUN alice get",
    "ACL DRYRUN nobody get k1",
    "ACL DRYRUN bob get r1",
    "ACL DRYRUN bob set r1 v",
    "ACL DRYRUN bob set w1 v",
    "ACL DRYRUN bob get w1",
    "ACL DRYRUN bob append rw1 v",
    "ACL DRYRUN carol publish news1 m",
    "ACL DRYRUN carol publish other m",
    "ACL DRYRUN carol subscribe news1 other",
    "ACL DRYRUN carol psubscribe news*",
    "ACL DRYRUN carol psubscribe news1*",
    "ACL DRYRUN carol flushall",
    "ACL DRYRUN erin set e1 v",
    "ACL DRYRUN frank select 0",
    "ACL DRYRUN frank select 1",
    "ACL DRYRUN ivan config get maxmemory",
    "ACL DRYRUN ivan config set maxmemory 1",
    "ACL DELUSER default",
    "ACL DELUSER nobody",
    "ACL DELUSER heidi nobody",
    "ACL CAT",
    "ACL CAT nosuch",
    "ACL GENPASS 0",
    "ACL GENPASS abc",
    "ACL GENPASS 5000",
    "ACL LOG abc",
    "ACL SAVE",
    "ACL LOAD",
    "ACL HELP",
    "ACL",
    "ACL FOO",
    "ACL GETUSER",
    "AUTH p",
    "AUTH a b c",
];

/// As alice, bob and carol: NOPERM at the top level, in MULTI, at EXEC and
/// from Lua, and the ACL log those denials leave.
const AS_ALICE: &[&str] = &[
    "AUTH alice wrong",
    "AUTH nobody p1",
    "AUTH alice p1",
    "ACL WHOAMI",
    "SET k1 v",
    "GET k1",
    "GET x1",
    "DEL k1",
    "CONFIG GET maxmemory",
    "MULTI",
    "GET x1",
    "EXEC",
    "MULTI",
    "GET k1",
    "SET k2 v",
];

fn resp_user(info: &str) -> String {
    info.split_whitespace()
        .find(|f| f.starts_with("user="))
        .unwrap_or_default()
        .to_string()
}

/// ACL LOG with `age-seconds` and `client-info` blanked.
fn log_shape(v: &Value) -> Value {
    let blank = |v: &Value| -> Value {
        match v {
            Value::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, x)| match k {
                        Value::Bulk(b) if b == b"age-seconds" || b == b"client-info" => {
                            (k.clone(), Value::Null)
                        }
                        _ => (k.clone(), x.clone()),
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(
                a.chunks(2)
                    .flat_map(|p| match &p[0] {
                        Value::Bulk(b) if b == b"age-seconds" || b == b"client-info" => {
                            [p[0].clone(), Value::Null]
                        }
                        _ => [p[0].clone(), p[1].clone()],
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    };
    match v {
        Value::Array(entries) => Value::Array(entries.iter().map(blank).collect()),
        other => other.clone(),
    }
}

fn names(v: &Value) -> BTreeSet<String> {
    match v {
        Value::Array(a) | Value::Set(a) => a
            .iter()
            .map(|x| match x {
                Value::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
                other => format!("{other:?}"),
            })
            .collect(),
        other => panic!("not an array: {other:?}"),
    }
}

#[test]
fn acl_replies_match_redis() {
    let (ours, redis) = pair(15000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let mut b = both(ours.port, redis.port, resp3);
        b.lines(&["ACL LOG RESET"], &mut diffs);
        b.lines(USERS, &mut diffs);

        // GENPASS: random hex of (bits+3)/4 characters.
        for (bits, len) in [("", 64), ("5", 2), ("4096", 1024)] {
            let args: Vec<&str> = ["ACL", "GENPASS", bits]
                .into_iter()
                .filter(|a| !a.is_empty())
                .collect();
            let (ov, rv) = b.call(&args);
            for v in [ov, rv] {
                match v {
                    Value::Bulk(pass) => {
                        assert_eq!(pass.len(), len, "GENPASS {bits}");
                        assert!(pass.iter().all(u8::is_ascii_hexdigit));
                    }
                    other => panic!("GENPASS {bits}: {other:?}"),
                }
            }
        }

        // ACL CAT category: the same commands, in any order, among those
        // the node has (COMMAND LIST names every command and subcommand).
        let listed = b.ours.call(&["COMMAND", "LIST"]).1;
        let listed = names(&listed);
        for cat in [
            "read",
            "write",
            "admin",
            "dangerous",
            "pubsub",
            "scripting",
            "fast",
            "keyspace",
            "connection",
            "slow",
        ] {
            let (ov, rv) = b.call(&["ACL", "CAT", cat]);
            let real: BTreeSet<String> = names(&rv).intersection(&listed).cloned().collect();
            if names(&ov) != real {
                diffs.push(format!(
                    "ACL CAT {cat}: ours only {:?}, real only {:?}",
                    names(&ov).difference(&real).collect::<Vec<_>>(),
                    real.difference(&names(&ov)).collect::<Vec<_>>()
                ));
            }
        }

        // As alice, on connections of their own.
        let mut a = both(ours.port, redis.port, resp3);
        a.lines(AS_ALICE, &mut diffs);
        // The rules change while alice's transaction is queued: EXEC
        // checks each command again.
        b.lines(&["ACL SETUSER alice resetkeys %R~k*"], &mut diffs);
        a.lines(&["EXEC"], &mut diffs);
        let script = "return redis.call('get','x1')";
        a.check(&["EVAL", script, "0"], &mut diffs);
        let script = "return redis.pcall('del','k1')";
        a.check(&["EVAL", script, "0"], &mut diffs);
        assert_eq!(
            resp_user(&a.ours.send("CLIENT INFO")),
            resp_user(&a.real.send("CLIENT INFO"))
        );
        // HELLO AUTH switches users; a failed one leaves the user as it was.
        a.check(
            &["HELLO", "2", "AUTH", "bob", "x", "SETNAME", "b"],
            &mut diffs,
        );
        a.check(&["HELLO", "2", "AUTH", "dave", "x"], &mut diffs);
        a.lines(
            &[
                "ACL WHOAMI",
                "SET w1 v",
                "GET w1",
                "GET r1",
                "SET r1 v",
                "SETRANGE w1 0 x",
            ],
            &mut diffs,
        );

        // Channels, as carol.
        let mut c = both(ours.port, redis.port, resp3);
        c.lines(
            &[
                "AUTH carol x",
                "PUBLISH news1 m",
                "PUBLISH other m",
                "SUBSCRIBE news1 other",
                "PSUBSCRIBE n*",
                "FLUSHALL",
            ],
            &mut diffs,
        );

        b.check_shape("ACL LOG", log_shape, &mut diffs);
        b.lines(&["ACL LOG 1", "ACL LOG -1"], &mut Vec::new());
        b.check_shape("ACL LOG 2", log_shape, &mut diffs);

        // CLIENT KILL USER, then DELUSER closing the user's clients.
        b.lines(
            &[
                "CLIENT KILL USER carol",
                "CLIENT KILL USER nobody",
                "ACL DELUSER bob",
                "ACL DELUSER alice carol dave erin frank grace ivan x",
            ],
            &mut diffs,
        );
        for conn in [&mut a.ours, &mut a.real] {
            conn.write(&["PING"]);
            assert!(
                !conn.has_reply_within(500),
                "a deleted user's client is closed"
            );
        }
        b.lines(&["ACL USERS"], &mut diffs);
    }
    assert_no_differences(&diffs);
}

/// `requirepass` is the default user's password: CONFIG SET changes it,
/// new connections need AUTH, HELLO AUTH default works, "" makes it nopass.
#[test]
fn requirepass_is_the_default_users_password() {
    let (ours, redis) = pair(15000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let mut b = both(ours.port, redis.port, resp3);
        b.lines(
            &[
                "CONFIG SET requirepass secret",
                "ACL GETUSER default",
                "ACL LIST",
                "PING",
            ],
            &mut diffs,
        );
        let mut b2 = both(ours.port, redis.port, false);
        b2.lines(
            &[
                "PING",
                "HELLO 3",
                "AUTH wrong",
                "AUTH default wrong",
                "ACL WHOAMI",
                "AUTH secret",
                "ACL WHOAMI",
                "PING",
            ],
            &mut diffs,
        );
        let mut b3 = both(ours.port, redis.port, false);
        b3.lines(
            &[
                "HELLO 3 AUTH default wrong",
                "HELLO 2 AUTH default secret SETNAME x",
                "CLIENT GETNAME",
            ],
            &mut diffs,
        );
        b.check(&["CONFIG", "SET", "requirepass", ""], &mut diffs);
        b.lines(
            &[
                "ACL GETUSER default",
                "CONFIG GET requirepass",
                "AUTH x",
                "ACL SETUSER default off",
                "ACL LIST",
            ],
            &mut diffs,
        );
        let mut b4 = both(ours.port, redis.port, false);
        b4.lines(&["PING", "AUTH default x"], &mut diffs);
        b.lines(&["ACL SETUSER default on", "ACL LOG RESET"], &mut diffs);
    }
    assert_no_differences(&diffs);
}

/// `aclfile`: loaded at start (`ACLLoadUsersAtStartup`), ACL SAVE's file
/// (`ACLSaveToFile`: the same text as Redis's, byte for byte), ACL LOAD's
/// errors (`ACLLoadFromFile`, the file's path blanked since each server
/// has its own) and a good file replacing every user and closing the
/// clients of the old ones.
#[test]
fn aclfile_save_and_load_match_redis() {
    native::require_redis_tools();
    let base = std::env::temp_dir().join(format!("clusterlab-aclfile-{}", std::process::id()));
    std::fs::create_dir_all(&base).unwrap();
    let (of, rf) = (base.join("ours.acl"), base.join("real.acl"));
    let write = |text: &str| {
        std::fs::write(&of, text).unwrap();
        std::fs::write(&rf, text).unwrap();
    };
    write("user default on nopass ~* &* +@all\nuser ann on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~a* resetchannels -@all +get\n");
    let ours = native::NodeProc::start_with(15000, &["--aclfile", of.to_str().unwrap()]);
    let real = native::RealRedis::start_with(15000, &["--aclfile", rf.to_str().unwrap()]);
    native::compare::own_every_slot(&ours);
    native::compare::own_every_slot(&real);
    let mut diffs = Vec::new();
    let mut b = both(ours.port, real.port, false);
    let mut a = both(ours.port, real.port, false);
    b.lines(&["ACL LIST"], &mut diffs);
    a.lines(&["AUTH ann pw", "GET a1", "GET b1"], &mut diffs);
    b.lines(
        &[
            "ACL SETUSER bo on >x ~b* &c* +set (%R~q* +@read)",
            "ACL SAVE",
        ],
        &mut diffs,
    );
    assert_eq!(
        String::from_utf8_lossy(&std::fs::read(&of).unwrap()),
        String::from_utf8_lossy(&std::fs::read(&rf).unwrap()),
        "ACL SAVE's files"
    );
    let (ours_file, real_file) = (of.clone(), rf.clone());
    let mut b = b.normalised(move |_, o, r| {
        let blank = |s: String, path: &std::path::Path| s.replace(path.to_str().unwrap(), "FILE");
        (blank(o, &ours_file), blank(r, &real_file))
    });
    write("user ann on +nosuch >a\nfoo bar\nuser ann\n  \nuser x (~a +get\nuser y %Q~a badrule\nuser a\tb\nuser z #abc\n");
    b.lines(&["ACL LOAD"], &mut diffs);
    b.lines(&["ACL USERS"], &mut diffs);
    write("user carl on nopass ~* +@all\n");
    b.lines(&["ACL LOAD"], &mut diffs);
    b.lines(&["ACL LIST", "ACL WHOAMI"], &mut diffs);
    for conn in [&mut a.ours, &mut a.real] {
        conn.write(&["PING"]);
        assert!(
            !conn.has_reply_within(500),
            "the old users' clients are closed"
        );
    }
    std::fs::remove_file(&of).unwrap();
    std::fs::remove_file(&rf).unwrap();
    b.lines(&["ACL LOAD"], &mut diffs);
    let _ = std::fs::remove_dir_all(&base);
    assert_no_differences(&diffs);
}
