//! Redis 7.0.15's own documentation of its commands, as COMMAND DOCS and
//! COMMAND INFO print it: summaries, complexities, history, arguments,
//! tips and key specifications. The text, `redis-7.0.15.txt`, is generated
//! from Redis's command JSON files by `scripts/gen-command-docs.py` (its
//! docstring gives the format); it is parsed once, on the first COMMAND
//! that needs it, so a node that never asks pays nothing at start.
//!
//! `reply.rs` turns an entry into the replies, `keys.rs` walks the key
//! specifications as `getKeysUsingKeySpecs` does (COMMAND GETKEYS and
//! GETKEYSANDFLAGS), `cli.rs` builds what redis-cli prints from the same
//! entries (usage lines, `help`, the hint while typing) for the app's
//! console.

pub mod cli;
pub mod keys;
pub mod reply;

use std::sync::OnceLock;

/// The generated text (BSD-3-Clause, from Redis 7.0.15).
const DATA: &str = include_str!("redis-7.0.15.txt");

/// One command or subcommand (`config|get`), as Redis's `redisCommand`
/// holds its documentation. An empty string is a field Redis leaves NULL.
#[derive(Debug, Default)]
pub struct Entry {
    pub fullname: &'static str,
    pub summary: &'static str,
    pub since: &'static str,
    pub group: &'static str,
    pub complexity: &'static str,
    /// `deprecated`, `syscmd`, space-separated.
    pub doc_flags: &'static str,
    pub deprecated_since: &'static str,
    pub replaced_by: &'static str,
    /// A subcommand's or a container's COMMAND INFO head (another
    /// command's comes from the node's table; a container's there holds
    /// the flags its subcommands are dispatched with, which Redis does not
    /// print).
    pub head: Option<Head>,
    /// `(since, changes)`, in order.
    pub history: Vec<(&'static str, &'static str)>,
    pub tips: Vec<&'static str>,
    pub key_specs: Vec<KeySpec>,
    /// Arguments in document order, each with its nesting depth (the
    /// arguments of a `oneof` or `block` follow it, one level deeper).
    pub args: Vec<Arg>,
}

/// A subcommand's arity, flags, legacy key range and ACL categories, as
/// `addReplyCommandInfo` prints them (space-separated words).
#[derive(Debug)]
pub struct Head {
    pub arity: i64,
    pub flags: &'static str,
    pub first: i64,
    pub last: i64,
    pub step: i64,
    pub acl: &'static str,
}

/// Where a key specification starts looking (`begin_search`).
#[derive(Debug, Clone, Copy)]
pub enum BeginSearch {
    Index(i64),
    Keyword {
        keyword: &'static str,
        startfrom: i64,
    },
    Unknown,
}

/// How it finds the keys from there (`find_keys`).
#[derive(Debug, Clone, Copy)]
pub enum FindKeys {
    Range {
        lastkey: i64,
        keystep: i64,
        limit: i64,
    },
    Keynum {
        keynumidx: i64,
        firstkey: i64,
        keystep: i64,
    },
    Unknown,
}

/// One key specification.
#[derive(Debug)]
pub struct KeySpec {
    pub notes: &'static str,
    /// `RO access update…`, space-separated, in Redis's printing order.
    pub flags: &'static str,
    pub begin: BeginSearch,
    pub find: FindKeys,
}

impl KeySpec {
    /// Whether the spec has the flag word `flag` (`not_key`, `incomplete`…).
    pub fn has(&self, flag: &str) -> bool {
        self.flags.split(' ').any(|f| f == flag)
    }
}

/// One argument of a command's syntax.
#[derive(Debug)]
pub struct Arg {
    pub depth: usize,
    pub name: &'static str,
    pub kind: &'static str,
    /// -1: not a key.
    pub key_spec_index: i64,
    /// `None`: no token. MIGRATE's `empty_string` has an empty one (its
    /// JSON `"\"\""` becomes the C literal `""""`), written `""`.
    pub token: Option<&'static str>,
    pub summary: &'static str,
    pub since: &'static str,
    /// `optional multiple multiple_token`, space-separated.
    pub flags: &'static str,
    pub deprecated_since: &'static str,
}

/// The entry of `fullname` (lowercase: `get`, `config|get`).
pub fn entry(fullname: &str) -> Option<&'static Entry> {
    let all = entries();
    all.binary_search_by(|e| e.fullname.cmp(fullname))
        .ok()
        .map(|i| &all[i])
}

/// Every entry, sorted by full name.
fn entries() -> &'static [Entry] {
    static ALL: OnceLock<Vec<Entry>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = parse(DATA);
        crate::sorted::sort_by_key(&mut all, |e| e.fullname);
        all
    })
}

/// The generated text's records; a malformed line is a generator bug,
/// caught by this module's tests.
fn parse(text: &'static str) -> Vec<Entry> {
    let mut all: Vec<Entry> = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let kind = fields.next().unwrap_or("");
        let mut f = || fields.next().unwrap_or("");
        let int = |s: &str| s.parse::<i64>().unwrap_or(0);
        if kind == "C" {
            all.push(Entry {
                fullname: f(),
                summary: f(),
                since: f(),
                group: f(),
                complexity: f(),
                doc_flags: f(),
                deprecated_since: f(),
                replaced_by: f(),
                ..Entry::default()
            });
            continue;
        }
        let Some(e) = all.last_mut() else { continue };
        match kind {
            "I" => {
                e.head = Some(Head {
                    arity: int(f()),
                    flags: f(),
                    first: int(f()),
                    last: int(f()),
                    step: int(f()),
                    acl: f(),
                })
            }
            "H" => e.history.push((f(), f())),
            "T" => e.tips.push(f()),
            "K" => {
                let (notes, flags) = (f(), f());
                let begin = match f() {
                    "index" => BeginSearch::Index(int(f())),
                    "keyword" => BeginSearch::Keyword {
                        keyword: f(),
                        startfrom: int(f()),
                    },
                    _ => {
                        f();
                        f();
                        BeginSearch::Unknown
                    }
                };
                if matches!(begin, BeginSearch::Index(_)) {
                    f();
                }
                let find = match f() {
                    "range" => FindKeys::Range {
                        lastkey: int(f()),
                        keystep: int(f()),
                        limit: int(f()),
                    },
                    "keynum" => FindKeys::Keynum {
                        keynumidx: int(f()),
                        firstkey: int(f()),
                        keystep: int(f()),
                    },
                    _ => FindKeys::Unknown,
                };
                e.key_specs.push(KeySpec {
                    notes,
                    flags,
                    begin,
                    find,
                });
            }
            "A" => e.args.push(Arg {
                depth: int(f()) as usize,
                name: f(),
                kind: f(),
                key_spec_index: f().parse().unwrap_or(-1),
                token: match f() {
                    "" => None,
                    "\"\"" => Some(""),
                    t => Some(t),
                },
                summary: f(),
                since: f(),
                flags: f(),
                deprecated_since: f(),
            }),
            _ => {}
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::table;

    /// Every command and subcommand of the node's table has Redis's
    /// documentation (COMMAND DOCS would otherwise lose it silently).
    #[test]
    fn every_table_entry_is_documented() {
        for c in table::commands() {
            let e = entry(c.name).unwrap_or_else(|| panic!("{}", c.name));
            assert_eq!(e.head.is_some(), !c.subcommands.is_empty(), "{}", c.name);
            for s in c.subcommands {
                let full = format!("{}|{}", c.name, s.name);
                let e = entry(&full).unwrap_or_else(|| panic!("{full}"));
                let head = e.head.as_ref().unwrap();
                assert_eq!(head.arity, s.arity as i64, "{full}");
            }
        }
    }

    /// The parser reads what the generator wrote: GET's one key spec,
    /// SET's nested arguments and history, CONFIG GET's head.
    #[test]
    fn fields_land_where_the_format_says() {
        let get = entry("get").unwrap();
        assert_eq!(get.summary, "Get the value of a key");
        assert_eq!(
            (get.since, get.group, get.complexity),
            ("1.0.0", "string", "O(1)")
        );
        assert!(matches!(
            get.key_specs[..],
            [KeySpec {
                begin: BeginSearch::Index(1),
                find: FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                    limit: 0
                },
                ..
            }]
        ));
        assert_eq!(get.key_specs[0].flags, "RO access");
        let set = entry("set").unwrap();
        assert_eq!(set.history.len(), 4);
        let nx = set.args.iter().find(|a| a.name == "nx").unwrap();
        assert_eq!((nx.depth, nx.kind, nx.token), (1, "pure-token", Some("NX")));
        let migrate = entry("migrate").unwrap();
        let empty = migrate.args.iter().find(|a| a.name == "empty_string");
        assert_eq!(empty.unwrap().token, Some(""));
        assert_eq!(set.args[0].key_spec_index, 0);
        assert_eq!(set.args[1].key_spec_index, -1);
        let head = entry("config|get").unwrap().head.as_ref().unwrap();
        assert_eq!(
            (head.arity, head.flags),
            (-3, "admin noscript loading stale")
        );
        assert_eq!(head.acl, "@admin @slow @dangerous");
        assert!(entry("nope").is_none());
    }
}
