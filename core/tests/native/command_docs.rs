//! COMMAND DOCS, INFO, LIST, GETKEYS, GETKEYSANDFLAGS and HELP against
//! redis-server 7.0.15 (server.c `commandDocsCommand`, `addReplyCommandInfo`,
//! `commandListCommand`, `getKeysSubcommandImpl`, `commandHelpCommand`), in
//! RESP2 and RESP3, reply for reply.
//!
//! Two things are not compared as bytes, and say why:
//! - Redis lists commands and subcommands in its dicts' order, which its
//!   random hash seed changes from run to run (clusterlab lists them by
//!   name): lists and maps of commands are compared as sets and maps,
//!   every entry's own bytes compared exactly.
//! - The node does not have every command Redis has (ACL, MONITOR, SYNC,
//!   PSYNC, REPLCONF, the sentinel ones, a few subcommands such as CLIENT
//!   TRACKING or OBJECT FREQ): comparisons are restricted to the commands
//!   and subcommands both list in COMMAND LIST, and the node must list
//!   nothing Redis does not.

use crate::common::native;

use clusterlab_core::resp::{Protocol, Value};
use native::compare::{assert_no_differences, pair, Raw};
use std::collections::{BTreeMap, BTreeSet};

/// A map reply's entries: a RESP3 map, or RESP2's flat array.
fn entries(v: &Value) -> Vec<(Value, Value)> {
    match v {
        Value::Map(m) => m.clone(),
        Value::Array(a) => a.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect(),
        other => panic!("not a map: {other:?}"),
    }
}

/// `entries` back in the shape of `like`.
fn rebuild(like: &Value, entries: Vec<(Value, Value)>) -> Value {
    match like {
        Value::Map(_) => Value::Map(entries),
        _ => Value::Array(entries.into_iter().flat_map(|(k, v)| [k, v]).collect()),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Simple(s) => s.clone(),
        other => panic!("not a string: {other:?}"),
    }
}

/// A COMMAND DOCS map of commands, keeping those in `both`, sorted by
/// name; each one's subcommands likewise.
fn normal_docs(v: &Value, both: &BTreeSet<String>) -> Value {
    let mut kept: Vec<(Value, Value)> = entries(v)
        .into_iter()
        .filter(|(k, _)| both.contains(&text(k)))
        .map(|(k, doc)| {
            let fields = entries(&doc)
                .into_iter()
                .map(|(f, x)| match text(&f).as_str() {
                    "subcommands" => (f, normal_docs(&x, both)),
                    _ => (f, x),
                })
                .collect();
            (k, rebuild(&doc, fields))
        })
        .collect();
    kept.sort_by_key(|(k, _)| text(k));
    rebuild(v, kept)
}

/// A COMMAND INFO entry with its subcommands (field 10) kept to `both`,
/// sorted by name.
fn normal_info(v: &Value, both: &BTreeSet<String>) -> Value {
    let Value::Array(fields) = v else {
        return v.clone();
    };
    let mut fields = fields.clone();
    if let Value::Array(subs) = &fields[9] {
        let mut subs: Vec<Value> = subs
            .iter()
            .filter(|s| matches!(s, Value::Array(f) if both.contains(&text(&f[0]))))
            .cloned()
            .collect();
        subs.sort_by_key(|s| match s {
            Value::Array(f) => text(&f[0]),
            _ => String::new(),
        });
        fields[9] = Value::Array(subs);
    }
    Value::Array(fields)
}

/// The names a COMMAND LIST reply lists.
fn names(v: &Value) -> BTreeSet<String> {
    match v {
        Value::Array(a) => a.iter().map(text).collect(),
        other => panic!("not a list: {other:?}"),
    }
}

fn words(line: &str) -> Vec<&str> {
    line.split(' ').collect()
}

/// Sends `line` to both; the two replies' bytes and values.
fn both_ways(o: &mut Raw, r: &mut Raw, line: &str) -> ((Vec<u8>, Value), (Vec<u8>, Value)) {
    let args = words(line);
    (o.call(&args), r.call(&args))
}

/// Every name COMMAND LIST gives on both servers (which must not list a
/// command Redis does not have).
fn common_names(o: &mut Raw, r: &mut Raw) -> BTreeSet<String> {
    let ((_, ov), (_, rv)) = both_ways(o, r, "COMMAND LIST");
    let (ours, real) = (names(&ov), names(&rv));
    let extra: Vec<_> = ours.difference(&real).collect();
    assert!(
        extra.is_empty(),
        "commands redis-server does not have: {extra:?}"
    );
    ours
}

/// COMMAND DOCS of every command both have, one at a time and all at
/// once, and of subcommands by their full names, in both protocols.
#[test]
fn command_docs_reply_as_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let (mut o, mut r) = (
            Raw::connect(ours.port, resp3),
            Raw::connect(real.port, resp3),
        );
        let both = common_names(&mut o, &mut r);
        let proto = if resp3 {
            Protocol::Resp3
        } else {
            Protocol::Resp2
        };
        let mut check = |line: &str, diffs: &mut Vec<String>| {
            let ((ob, ov), (rb, rv)) = both_ways(&mut o, &mut r, line);
            let (on, rn) = (normal_docs(&ov, &both), normal_docs(&rv, &both));
            // Without subcommands the raw bytes are compared as they are.
            let same = if ob.len() == rb.len() && ob == rb {
                true
            } else {
                on.to_bytes(proto) == rn.to_bytes(proto)
            };
            if !same {
                diffs.push(format!(
                    "{line} (resp3: {resp3})\n  ours: {:?}\n  real: {:?}",
                    String::from_utf8_lossy(&on.to_bytes(proto)),
                    String::from_utf8_lossy(&rn.to_bytes(proto))
                ));
            }
            ov
        };
        for name in &both {
            check(&format!("COMMAND DOCS {name}"), &mut diffs);
        }
        let all = check("COMMAND DOCS", &mut diffs);
        let top: BTreeSet<String> = entries(&all).iter().map(|(k, _)| text(k)).collect();
        let expected: BTreeSet<String> =
            both.iter().filter(|n| !n.contains('|')).cloned().collect();
        assert_eq!(
            top, expected,
            "COMMAND DOCS lists every command of the node"
        );
        for line in [
            "COMMAND DOCS get nope set",
            "COMMAND DOCS nope",
            "COMMAND DOCS GET CONFIG|get config|nope get|x config|get|x",
            "COMMAND DOCS xgroup|CREATE object|encoding cluster|info",
        ] {
            check(line, &mut diffs);
        }
    }
    assert_no_differences(&diffs);
}

/// COMMAND INFO of every command and subcommand both have (tips, key
/// specs and subcommands included), unknown names, and COMMAND alone.
#[test]
fn command_info_replies_as_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let (mut o, mut r) = (
            Raw::connect(ours.port, resp3),
            Raw::connect(real.port, resp3),
        );
        let both = common_names(&mut o, &mut r);
        let proto = if resp3 {
            Protocol::Resp3
        } else {
            Protocol::Resp2
        };
        let mut lines: Vec<String> = both.iter().map(|n| format!("COMMAND INFO {n}")).collect();
        lines.push("COMMAND INFO get nope config|get CONFIG|GET get|x".into());
        for line in &lines {
            let ((_, ov), (_, rv)) = both_ways(&mut o, &mut r, line);
            let norm = |v: &Value| match v {
                Value::Array(items) => {
                    Value::Array(items.iter().map(|i| normal_info(i, &both)).collect())
                }
                other => other.clone(),
            };
            let (on, rn) = (norm(&ov).to_bytes(proto), norm(&rv).to_bytes(proto));
            if on != rn {
                diffs.push(format!(
                    "{line} (resp3: {resp3})\n  ours: {:?}\n  real: {:?}",
                    String::from_utf8_lossy(&on),
                    String::from_utf8_lossy(&rn)
                ));
            }
        }
        // COMMAND and COMMAND INFO alone: every command, as a set.
        for line in ["COMMAND", "COMMAND INFO"] {
            let ((_, ov), (_, rv)) = both_ways(&mut o, &mut r, line);
            let by_name = |v: &Value| -> BTreeMap<String, Vec<u8>> {
                let Value::Array(items) = v else {
                    panic!("{line}: {v:?}")
                };
                items
                    .iter()
                    .map(|i| {
                        let Value::Array(f) = i else { panic!("{i:?}") };
                        (text(&f[0]), normal_info(i, &both).to_bytes(proto))
                    })
                    .filter(|(n, _)| both.contains(n))
                    .collect()
            };
            let (on, rn) = (by_name(&ov), by_name(&rv));
            assert_eq!(
                on.len(),
                both.iter().filter(|n| !n.contains('|')).count(),
                "{line}"
            );
            for (name, bytes) in &on {
                if rn.get(name) != Some(bytes) {
                    diffs.push(format!("{line}: {name} (resp3: {resp3})"));
                }
            }
        }
    }
    assert_no_differences(&diffs);
}

/// COMMAND LIST with each filter, as sets of the names both have; its
/// syntax errors as bytes.
#[test]
fn command_list_filters_as_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    let mut diffs = Vec::new();
    let (mut o, mut r) = (
        Raw::connect(ours.port, false),
        Raw::connect(real.port, false),
    );
    let both = common_names(&mut o, &mut r);
    // Every category in Redis's order, then a case variant, an `@` prefix and an unknown one.
    let extra = ["READ", "@read", "nope"];
    let categories = clusterlab_core::acl::commands::CATEGORIES
        .iter()
        .chain(&extra);
    let mut lines: Vec<String> = categories
        .map(|c| format!("COMMAND LIST FILTERBY ACLCAT {c}"))
        .collect();
    for p in [
        "*", "config*", "*|get", "x[a-c]*", "CLUSTER*", "c?ient|*", "nomatch", "*[|]*",
    ] {
        lines.push(format!("COMMAND LIST FILTERBY PATTERN {p}"));
    }
    lines.push("COMMAND LIST FILTERBY MODULE anything".into());
    lines.push("command list filterby pattern *sub*".into());
    for line in &lines {
        let ((_, ov), (_, rv)) = both_ways(&mut o, &mut r, line);
        let real: BTreeSet<String> = names(&rv).intersection(&both).cloned().collect();
        if names(&ov) != real {
            diffs.push(format!(
                "{line}\n  ours only: {:?}\n  real only: {:?}",
                names(&ov).difference(&real).collect::<Vec<_>>(),
                real.difference(&names(&ov)).collect::<Vec<_>>()
            ));
        }
    }
    for line in [
        "COMMAND LIST FILTERBY",
        "COMMAND LIST FILTERBY PATTERN",
        "COMMAND LIST FILTERBY NOPE x",
        "COMMAND LIST FILTERBY PATTERN a b",
        "COMMAND LIST nope",
        "COMMAND LIST FILTERBY ACLCAT read FILTERBY ACLCAT write",
    ] {
        let (o, r) = (o.send(line), r.send(line));
        if o != r {
            diffs.push(format!("{line}\n  ours: {o:?}\n  real: {r:?}"));
        }
    }
    assert_no_differences(&diffs);
}

/// COMMAND GETKEYS and GETKEYSANDFLAGS: key specs by index, keyword and
/// keynum, the commands whose own key finder answers (SORT, MIGRATE, SET …
/// GET, BITFIELD, a `numkeys` of 0), subcommands, and each error; COMMAND
/// HELP and the unknown-subcommand error.
#[test]
fn command_getkeys_and_help_reply_as_redis_7_0_15() {
    const LINES: &[&str] = &[
        "get k",
        "set k v",
        "set k v GET",
        "set k v EX 10 get",
        "mset a 1 b 2",
        "mget a b c",
        "del a b",
        "lmove a b LEFT RIGHT",
        "rpoplpush a b",
        "blmpop 0 2 a b LEFT",
        "lmpop 2 a b LEFT COUNT 1",
        "lmpop 3 a b LEFT",
        "lmpop x a LEFT",
        "zunionstore d 2 a b WEIGHTS 1 2",
        "zunionstore d 0 a",
        "zunionstore d -1 a",
        // A `numkeys` string2ll refuses but atoi reads: the finder answers.
        "zunionstore d 2abc a b",
        "zinterstore d 1x a",
        "zunion 2x a b",
        "sintercard 2x a b",
        "blmpop 0 2x a b LEFT",
        "lmpop 1x a LEFT",
        "eval s 1x k",
        "xread streams a b c",
        "zinter 2 a b",
        "zintercard 1 a",
        "sintercard 2 a b LIMIT 1",
        "eval return 2 a b c",
        "eval return 0",
        "eval return -1",
        "evalsha_ro abc 1 k",
        "fcall f 2 a b x",
        "xread COUNT 2 STREAMS a b 0 0",
        "xread STREAMS a 0",
        "xread STREAMS a b 0",
        "xreadgroup GROUP g c STREAMS a 0",
        "xadd s * f v",
        "xgroup create s g $",
        "xinfo stream s",
        "object encoding k",
        "object help",
        "memory usage k",
        "sort k",
        "sort k BY w* GET # STORE dst",
        "sort k STORE a STORE b",
        "sort_ro k BY x",
        "migrate h 1 k 0 5",
        "migrate h 1 \"\" 0 5 KEYS a b",
        "migrate h 1 k 0 5 COPY",
        "bitfield k GET u8 0",
        "bitfield k GET u8 0 SET u8 0 1",
        "bitfield k OVERFLOW WRAP GET u8 0",
        "bitfield_ro k GET u8 0",
        "georadius k 0 0 1 km STORE d",
        "georadiusbymember k m 1 km STOREDIST d",
        "geosearchstore d s FROMMEMBER m BYRADIUS 1 km",
        "pfmerge d a b",
        "rename a b",
        "spublish ch msg",
        "publish ch msg",
        "ping x",
        "config get x",
        "get",
        "get a b",
        "nope k",
        "config nope x",
        "object",
        "lcs a b",
        "getex k PERSIST",
        "restore k 0 x",
        "copy a b",
        "touch a b c",
        "watch a b",
    ];
    let (ours, real) = pair(2000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let (mut o, mut r) = (
            Raw::connect(ours.port, resp3),
            Raw::connect(real.port, resp3),
        );
        let mut same = |args: Vec<Vec<u8>>, diffs: &mut Vec<String>| {
            let (ob, rb) = (o.call(&args).0, r.call(&args).0);
            if ob != rb {
                let line: Vec<_> = args.iter().map(|a| String::from_utf8_lossy(a)).collect();
                diffs.push(format!(
                    "{} (resp3: {resp3})\n  ours: {:?}\n  real: {:?}",
                    line.join(" "),
                    String::from_utf8_lossy(&ob),
                    String::from_utf8_lossy(&rb)
                ));
            }
        };
        for sub in ["GETKEYS", "GETKEYSANDFLAGS"] {
            for line in LINES {
                let mut args = vec![b"COMMAND".to_vec(), sub.as_bytes().to_vec()];
                // `""` is the empty argument.
                args.extend(words(line).into_iter().map(|w| {
                    if w == "\"\"" {
                        Vec::new()
                    } else {
                        w.as_bytes().to_vec()
                    }
                }));
                same(args, &mut diffs);
            }
            same(
                vec![b"COMMAND".to_vec(), sub.as_bytes().to_vec()],
                &mut diffs,
            );
        }
        for line in [
            "COMMAND HELP",
            "command help",
            "COMMAND HELP x",
            "COMMAND NOPE",
            "COMMAND LIST FILTERBY MODULE x",
        ] {
            same(
                words(line).iter().map(|w| w.as_bytes().to_vec()).collect(),
                &mut diffs,
            );
        }
    }
    assert_no_differences(&diffs);
}
