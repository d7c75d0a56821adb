//! The process-wide table of node names behind [`NodeId`](super::NodeId).
//!
//! A node compares and hashes other nodes' IDs for every gossip entry it
//! builds or reads (a hundred per message at 1000 nodes); as 40-byte values
//! those comparisons, and the tables holding them, were most of a large
//! simulation's time. Interned, an ID is a 4-byte number: equal names get
//! the same number, so equality and hashing are integer operations, and
//! the name is looked up only to print, encode or order it.
//!
//! Numbers depend on the order names were first seen in this process, so
//! nothing observable may depend on them: `Ord` compares the names, and
//! hash maps keyed by IDs are never iterated for output.
//!
//! Names are never freed. The table is bounded ([`CAPACITY`]): past it, a
//! new name is refused like an invalid one, so a peer flooding a node with
//! made-up IDs costs it at most that much memory.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Names per chunk; chunks are allocated as the table grows and never move,
/// so a name can be read without a lock.
const CHUNK: usize = 4096;
const CHUNKS: usize = 1024;
/// At most this many distinct names (4 Mi, about 400 MB at worst).
pub(super) const CAPACITY: usize = CHUNK * CHUNKS;

type Chunk = Box<[OnceLock<[u8; 40]>]>;

static NAMES: [OnceLock<Chunk>; CHUNKS] = [const { OnceLock::new() }; CHUNKS];
static NUMBERS: Mutex<Option<HashMap<[u8; 40], u32>>> = Mutex::new(None);

/// The all-zero name (Redis's NULL node name) is number 0 without being
/// stored, so `NodeId::NULL` can be a constant.
const ZERO: [u8; 40] = [0; 40];

/// The number of `name`, interning it if new; `None` once the table is full.
pub(super) fn intern(name: &[u8; 40]) -> Option<u32> {
    if *name == ZERO {
        return Some(0);
    }
    let mut guard = NUMBERS.lock().unwrap_or_else(|e| e.into_inner());
    let numbers = guard.get_or_insert_with(HashMap::new);
    if let Some(&n) = numbers.get(name) {
        return Some(n);
    }
    let n = numbers.len() + 1;
    if n >= CAPACITY {
        return None;
    }
    let chunk = NAMES[n / CHUNK].get_or_init(|| (0..CHUNK).map(|_| OnceLock::new()).collect());
    chunk[n % CHUNK]
        .set(*name)
        .expect("each number is handed out once");
    numbers.insert(*name, n as u32);
    Some(n as u32)
}

/// The name numbered `n` (only numbers `intern` returned exist).
pub(super) fn name(n: u32) -> &'static [u8; 40] {
    if n == 0 {
        return &ZERO;
    }
    let n = n as usize;
    NAMES[n / CHUNK]
        .get()
        .and_then(|chunk| chunk[n % CHUNK].get())
        .expect("interned before use")
}
