//! COMMAND DOCS and COMMAND INFO entries as server.c builds them
//! (`addReplyCommandDocs`, `addReplyCommandArgList`, `addReplyCommandInfo`,
//! `addReplyCommandKeySpecs`): the same fields in the same order, the
//! empty ones left out where Redis leaves them out. A container lists the
//! subcommands this node's table has, in the table's (name) order; Redis's
//! order is its dict's, which differs from run to run.

use super::{entry, Arg, BeginSearch, Entry, FindKeys, KeySpec};
use crate::command::table::CommandSpec;
use crate::resp::Value;

/// Status words as a set (`addReplyCommandFlags`).
fn words(text: &str) -> Value {
    Value::Set(
        text.split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| Value::Simple(w.into()))
            .collect(),
    )
}

fn pair(key: &str, value: Value) -> (Value, Value) {
    (Value::bulk(key), value)
}

/// `cmd`'s full name: `get`, or `config|get` under its container.
pub fn fullname(container: Option<&CommandSpec>, cmd: &CommandSpec) -> String {
    match container {
        Some(c) => format!("{}|{}", c.name, cmd.name),
        None => cmd.name.to_string(),
    }
}

/// The documentation entry of a table entry (every one has one: the
/// docs module's tests check it).
fn doc_of(container: Option<&CommandSpec>, cmd: &CommandSpec) -> Option<&'static Entry> {
    entry(&fullname(container, cmd))
}

/// One COMMAND DOCS value (`addReplyCommandDocs`).
pub fn docs(container: Option<&CommandSpec>, cmd: &CommandSpec) -> Value {
    let Some(e) = doc_of(container, cmd) else {
        return Value::Map(Vec::new());
    };
    let mut map = Vec::new();
    let text = |map: &mut Vec<_>, key: &str, value: &str| {
        if !value.is_empty() {
            map.push(pair(key, Value::bulk(value)));
        }
    };
    text(&mut map, "summary", e.summary);
    text(&mut map, "since", e.since);
    text(&mut map, "group", e.group);
    text(&mut map, "complexity", e.complexity);
    if !e.doc_flags.is_empty() {
        map.push(pair("doc_flags", words(e.doc_flags)));
    }
    text(&mut map, "deprecated_since", e.deprecated_since);
    text(&mut map, "replaced_by", e.replaced_by);
    if !e.history.is_empty() {
        let history = e.history.iter();
        map.push(pair(
            "history",
            Value::Set(
                history
                    .map(|(since, what)| Value::Array(vec![Value::bulk(since), Value::bulk(what)]))
                    .collect(),
            ),
        ));
    }
    if !e.args.is_empty() {
        map.push(pair("arguments", arg_list(&e.args, 0)));
    }
    if container.is_none() && !cmd.subcommands.is_empty() {
        let subs = cmd.subcommands.iter();
        map.push(pair(
            "subcommands",
            Value::Map(
                subs.map(|s| (Value::bulk(fullname(Some(cmd), s)), docs(Some(cmd), s)))
                    .collect(),
            ),
        ));
    }
    Value::Map(map)
}

/// The arguments at `depth` from the start of `args` up to the first one
/// shallower (`addReplyCommandArgList`); each `oneof`/`block` carries the
/// deeper ones that follow it.
fn arg_list(args: &[Arg], depth: usize) -> Value {
    let mut list = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if a.depth < depth {
            break;
        }
        if a.depth > depth {
            continue;
        }
        let mut map = vec![
            pair("name", Value::bulk(a.name)),
            pair("type", Value::bulk(a.kind)),
        ];
        if a.key_spec_index != -1 {
            map.push(pair("key_spec_index", Value::Integer(a.key_spec_index)));
        }
        if let Some(token) = a.token {
            map.push(pair("token", Value::bulk(token)));
        }
        for (key, value) in [
            ("summary", a.summary),
            ("since", a.since),
            ("deprecated_since", a.deprecated_since),
        ] {
            if !value.is_empty() {
                map.push(pair(key, Value::bulk(value)));
            }
        }
        if !a.flags.is_empty() {
            map.push(pair("flags", words(a.flags)));
        }
        if matches!(a.kind, "oneof" | "block") {
            map.push(pair("arguments", arg_list(&args[i + 1..], depth + 1)));
        }
        list.push(Value::Map(map));
    }
    Value::Array(list)
}

/// One COMMAND INFO entry (`addReplyCommandInfo`): a command's head from
/// the table; a subcommand's and a container's from Redis's documentation
/// (the table keeps only what dispatch needs for those: a container there
/// has the flags its subcommands run with).
pub fn info(container: Option<&CommandSpec>, cmd: &CommandSpec) -> Value {
    let e = doc_of(container, cmd);
    let mut fields = match e.and_then(|e| e.head.as_ref()) {
        Some(h) => vec![
            Value::bulk(fullname(container, cmd)),
            Value::Integer(h.arity),
            words(h.flags),
            Value::Integer(h.first),
            Value::Integer(h.last),
            Value::Integer(h.step),
            words(h.acl),
        ],
        None => vec![
            Value::bulk(cmd.name),
            Value::Integer(cmd.arity as i64),
            Value::Set(
                cmd.flag_words()
                    .into_iter()
                    .map(|w| Value::Simple(w.into()))
                    .collect(),
            ),
            Value::Integer(cmd.keys.first as i64),
            Value::Integer(cmd.keys.last as i64),
            Value::Integer(cmd.keys.step as i64),
            Value::Set(cmd.acl.iter().map(|w| Value::Simple((*w).into())).collect()),
        ],
    };
    let tips = e.map_or(&[][..], |e| &e.tips[..]);
    fields.push(Value::Set(tips.iter().map(Value::bulk).collect()));
    let specs = e.map_or(&[][..], |e| &e.key_specs[..]);
    fields.push(Value::Set(specs.iter().map(key_spec).collect()));
    fields.push(if container.is_none() && !cmd.subcommands.is_empty() {
        Value::Array(cmd.subcommands.iter().map(|s| info(Some(cmd), s)).collect())
    } else {
        Value::Set(Vec::new())
    });
    Value::Array(fields)
}

/// One key specification (`addReplyCommandKeySpecs`).
fn key_spec(s: &KeySpec) -> Value {
    let mut map = Vec::new();
    if !s.notes.is_empty() {
        map.push(pair("notes", Value::bulk(s.notes)));
    }
    map.push(pair("flags", words(s.flags)));
    let typed = |kind: &str, spec: Vec<(Value, Value)>| {
        Value::Map(vec![
            pair("type", Value::bulk(kind)),
            pair("spec", Value::Map(spec)),
        ])
    };
    let int = |key: &str, n: i64| pair(key, Value::Integer(n));
    map.push(pair(
        "begin_search",
        match s.begin {
            BeginSearch::Index(pos) => typed("index", vec![int("index", pos)]),
            BeginSearch::Keyword { keyword, startfrom } => typed(
                "keyword",
                vec![
                    pair("keyword", Value::bulk(keyword)),
                    int("startfrom", startfrom),
                ],
            ),
            BeginSearch::Unknown => typed("unknown", Vec::new()),
        },
    ));
    map.push(pair(
        "find_keys",
        match s.find {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => typed(
                "range",
                vec![
                    int("lastkey", lastkey),
                    int("keystep", keystep),
                    int("limit", limit),
                ],
            ),
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => typed(
                "keynum",
                vec![
                    int("keynumidx", keynumidx),
                    int("firstkey", firstkey),
                    int("keystep", keystep),
                ],
            ),
            FindKeys::Unknown => typed("unknown", Vec::new()),
        },
    ));
    Value::Map(map)
}

/// The ACL categories `COMMAND LIST FILTERBY ACLCAT` tests (`@`-prefixed),
/// from the same place as [`info`]'s.
pub fn acl_categories(container: Option<&CommandSpec>, cmd: &CommandSpec) -> Vec<&'static str> {
    match doc_of(container, cmd).and_then(|e| e.head.as_ref()) {
        Some(h) => h.acl.split(' ').collect(),
        None => cmd.acl.to_vec(),
    }
}
