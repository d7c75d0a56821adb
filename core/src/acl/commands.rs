//! The commands ACL rules name (`server.orig_commands` as acl.c walks it):
//! every command of the node's table and every subcommand of a container,
//! each with an ID (its bit in a selector's command bitmap, as
//! `ACLGetCommandID` assigns them) and its ACL categories.

use crate::command::table::{self, flags, CommandSpec};
use std::collections::HashMap;
use std::sync::OnceLock;

/// `ACLCommandCategories`, in Redis's order (ACL CAT prints them so, and
/// `ACLDescribeSelectorCommandRules` tries them so).
pub const CATEGORIES: [&str; 21] = [
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// `USER_COMMAND_BITS_COUNT`: bits in a selector's command bitmap; the last
/// one is never a command's, `+@all` sets it ("future commands").
pub const COMMAND_BITS: usize = 1024;

/// One command or subcommand as ACL sees it.
pub struct AclCommand {
    /// `get`, `config|get`.
    pub fullname: String,
    /// The container, for a subcommand.
    pub container: Option<&'static CommandSpec>,
    /// The table entry.
    pub spec: &'static CommandSpec,
    /// Bit `i` set: in category `CATEGORIES[i]`.
    pub categories: u32,
    /// A container's subcommands' IDs.
    pub subs: Vec<usize>,
    /// The container's ID, for a subcommand (`cmd->parent`).
    pub parent: Option<usize>,
    /// `no_auth` (AUTH, HELLO…): every user may run it.
    pub no_auth: bool,
}

/// Every command, by ID (which is its index).
pub struct Commands {
    /// By ID.
    pub all: Vec<AclCommand>,
    by_entry: HashMap<usize, usize>,
}

/// The category's bit, by name (case-insensitive), if it is one.
pub fn category(name: &[u8]) -> Option<u32> {
    CATEGORIES
        .iter()
        .position(|c| c.as_bytes().eq_ignore_ascii_case(name))
        .map(|i| 1 << i)
}

fn category_bits(words: &[&str]) -> u32 {
    words
        .iter()
        .filter_map(|w| category(w.trim_start_matches('@').as_bytes()))
        .fold(0, |a, b| a | b)
}

/// The commands, built on first use.
pub fn commands() -> &'static Commands {
    static ALL: OnceLock<Commands> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = Vec::new();
        let mut by_entry = HashMap::new();
        for &spec in table::commands() {
            let id = all.len();
            by_entry.insert(spec as *const CommandSpec as usize, id);
            all.push(AclCommand {
                fullname: spec.name.to_string(),
                container: None,
                spec,
                categories: category_bits(&crate::command::docs::reply::acl_categories(None, spec)),
                subs: Vec::new(),
                parent: None,
                no_auth: spec.has(flags::NO_AUTH),
            });
            for sub in spec.subcommands {
                let sid = all.len();
                by_entry.insert(sub as *const CommandSpec as usize, sid);
                all[id].subs.push(sid);
                all.push(AclCommand {
                    fullname: format!("{}|{}", spec.name, sub.name),
                    container: Some(spec),
                    spec: sub,
                    categories: category_bits(&crate::command::docs::reply::acl_categories(
                        Some(spec),
                        sub,
                    )),
                    subs: Vec::new(),
                    parent: Some(id),
                    no_auth: false,
                });
            }
        }
        assert!(
            all.len() < COMMAND_BITS - 1,
            "command IDs overflow the bitmap"
        );
        Commands { all, by_entry }
    })
}

impl Commands {
    /// The ID of a table entry (a command, or a container's subcommand).
    pub fn id_of(&self, entry: &CommandSpec) -> Option<usize> {
        self.by_entry
            .get(&(entry as *const CommandSpec as usize))
            .copied()
    }

    /// `ACLLookupCommand`: `get` or `config|get`, case-insensitive
    /// (`lookupCommandBySds`).
    pub fn lookup(&self, name: &[u8]) -> Option<usize> {
        let (_, entry) = table::lookup_full(name)?;
        self.id_of(entry)
    }
}
