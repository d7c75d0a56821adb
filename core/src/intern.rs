//! Process-wide tables of interned byte strings: node names
//! ([`NodeId`](crate::id::NodeId)) and gossip IPs ([`IpText`](crate::msg::IpText)).
//!
//! A node compares, hashes and copies other nodes' IDs and IPs for every
//! gossip entry it builds or reads (a hundred per message at 1000 nodes). As
//! 40- and 46-byte values, those copies and the tables holding them were most
//! of a large simulation's time; interned, each is a 4-byte number: equal
//! strings get the same number, so equality and hashing are integer
//! operations, and the bytes are looked up only to print, encode or order them.
//!
//! Numbers depend on the order strings were first seen in this process, so
//! nothing observable may depend on them: orderings compare the bytes, and
//! hash maps keyed by them are never iterated for output.
//!
//! Entries are never freed. A table is bounded ([`CAPACITY`]): past it, a new
//! string is refused like an invalid one, so a peer flooding a node with
//! made-up IDs costs it at most that much memory.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Entries per chunk; chunks are allocated as a table grows and never move,
/// so an entry can be read without a lock.
const CHUNK: usize = 4096;
const CHUNKS: usize = 1024;
/// At most this many distinct strings per table (4 Mi).
pub const CAPACITY: usize = CHUNK * CHUNKS;

type Chunk<const N: usize> = Box<[OnceLock<[u8; N]>]>;

/// One table of `N`-byte strings. The all-zero string is number 0 without
/// being stored, so "none" values can be constants.
pub struct Table<const N: usize> {
    chunks: [OnceLock<Chunk<N>>; CHUNKS],
    numbers: Mutex<Option<HashMap<[u8; N], u32>>>,
}

impl<const N: usize> Table<N> {
    const ZERO: [u8; N] = [0; N];

    pub const fn new() -> Self {
        Table {
            chunks: [const { OnceLock::new() }; CHUNKS],
            numbers: Mutex::new(None),
        }
    }

    /// The number of `bytes`, interning them if new; `None` once full.
    pub fn intern(&self, bytes: &[u8; N]) -> Option<u32> {
        if *bytes == Self::ZERO {
            return Some(0);
        }
        let mut guard = self.numbers.lock().unwrap_or_else(|e| e.into_inner());
        let numbers = guard.get_or_insert_with(HashMap::new);
        if let Some(&n) = numbers.get(bytes) {
            return Some(n);
        }
        let n = numbers.len() + 1;
        if n >= CAPACITY {
            return None;
        }
        let chunk =
            self.chunks[n / CHUNK].get_or_init(|| (0..CHUNK).map(|_| OnceLock::new()).collect());
        chunk[n % CHUNK]
            .set(*bytes)
            .expect("each number is handed out once");
        numbers.insert(*bytes, n as u32);
        Some(n as u32)
    }

    /// The bytes numbered `n` (only numbers `intern` returned exist).
    pub fn get(&'static self, n: u32) -> &'static [u8; N] {
        if n == 0 {
            return &Self::ZERO;
        }
        let n = n as usize;
        self.chunks[n / CHUNK]
            .get()
            .and_then(|chunk| chunk[n % CHUNK].get())
            .expect("interned before use")
    }
}
