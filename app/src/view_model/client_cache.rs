//! The client panel: what a smart client (redis-py's `RedisCluster`, `clusterlab_core::client`)
//! believes about the slots next to who really owns them, so a learner sees why MOVED comes
//! back after a failover or a reshard, and that the client repairs its cache from the
//! redirections.

use clusterlab_core::sim::Sim;
use clusterlab_core::slot::SLOTS;

use super::Picture;

/// A range of slots over which the client's cache and the cluster agree or disagree alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheRow {
    pub first: u16,
    pub last: u16,
    /// The node the client would send to: its name, or the address when no node has it.
    pub cached: Option<String>,
    /// The node that owns the slots now (the highest configEpoch claiming them).
    pub real: Option<String>,
    /// The client would be answered MOVED (or ASK) here: its entry is out of date.
    pub stale: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientCache {
    pub rows: Vec<CacheRow>,
    pub stale_slots: usize,
    /// Slots the client has an entry for (0 until its first `CLUSTER SLOTS`).
    pub cached_slots: usize,
    pub moved: u64,
    pub ask: u64,
    /// Whole-map reloads (`CLUSTER SLOTS`), the first one included.
    pub refreshes: u64,
    pub completed: u64,
}

/// Client `c` of `sim` against the cluster as `picture` draws it.
pub fn client_cache(sim: &Sim, c: usize, picture: &Picture) -> ClientCache {
    let client = sim.cluster_client(c);
    let map = client.slot_map();
    let name = |i: usize| sim.nodes()[i].name.clone();
    let mut rows: Vec<CacheRow> = Vec::new();
    let mut stale_slots = 0;
    for slot in 0..SLOTS {
        let cached = map
            .get(slot)
            .map(|addr| match sim.index_of_client_addr(addr) {
                Some(i) => name(i),
                None => addr.to_string(),
            });
        let real = picture.owner(slot).map(name);
        let stale = cached.is_some() && cached != real;
        stale_slots += usize::from(stale);
        match rows.last_mut() {
            Some(r) if r.cached == cached && r.real == real => r.last = slot,
            _ => rows.push(CacheRow {
                first: slot,
                last: slot,
                cached,
                real,
                stale,
            }),
        }
    }
    let st = client.stats();
    ClientCache {
        rows,
        stale_slots,
        cached_slots: map.covered(),
        moved: st.moved,
        ask: st.ask,
        refreshes: st.refreshes,
        completed: st.completed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::{picture, Layout};
    use clusterlab_core::lesson::{parse, Session, Step};

    const LESSON: &str = "---\nid: t\ntitle: T\norder: 1\nseed: 5\nconfig: node-timeout=2000\n---\n\n## One\n\nText.\n";

    fn play(s: &mut Session, line: &str) {
        s.play(&Step::from_line(line).expect("step"))
            .unwrap_or_else(|e| panic!("{line}: {e}"));
    }

    /// The client loads the map with CLUSTER SLOTS on its first command (one refresh, no
    /// stale entry); after a manual failover of A to A1 its cached A entries are stale until
    /// a command to one of those slots is answered MOVED by A (now a replica), which fixes
    /// that slot only (redis-py reloads the whole map every 5th MOVED).
    #[test]
    fn a_failover_leaves_stale_entries_until_moved() {
        let mut s = Session::start(&parse("t.md", LESSON).expect("parses")).expect("starts");
        play(&mut s, "client SET user:1000 x");
        let c = s.client().expect("the client step made a client");
        let draw = |s: &Session| picture(s.sim(), Layout::new(3, 1));
        let cache = client_cache(s.sim(), c, &draw(&s));
        assert_eq!((cache.refreshes, cache.moved, cache.stale_slots), (1, 0, 0));
        assert_eq!(cache.cached_slots, SLOTS as usize);
        assert_eq!(
            cache.rows.len(),
            3,
            "one range per master: {:?}",
            cache.rows
        );
        // user:1000 is slot 1649, A's.
        play(&mut s, "failover A1");
        play(&mut s, "wait promoted A1 within 30s");
        play(&mut s, "run 2s");
        let cache = client_cache(s.sim(), c, &draw(&s));
        let stale: Vec<&CacheRow> = cache.rows.iter().filter(|r| r.stale).collect();
        assert_eq!(stale.len(), 1, "{:?}", cache.rows);
        assert_eq!(
            (stale[0].cached.as_deref(), stale[0].real.as_deref()),
            (Some("A"), Some("A1"))
        );
        play(&mut s, "client GET user:1000");
        let cache = client_cache(s.sim(), c, &draw(&s));
        assert_eq!((cache.moved, cache.refreshes), (1, 1), "{cache:?}");
        let size = stale[0].last as usize - stale[0].first as usize + 1;
        assert_eq!(cache.stale_slots, size - 1, "only slot 1649 was fixed");
    }
}
