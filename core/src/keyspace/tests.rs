//! The keyspace's tests: lazy and active expiry, slots, scans.

use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Expired keys are gone on access (expireIfNeeded).
#[test]
fn lazy_expiry() {
    let mut ks = Keyspace::new();
    ks.set(b"k", Data::Str(b"v".to_vec().into()));
    assert!(ks.set_expire(Time(0), b"k", Some(Time(100))));
    assert!(ks.exists(Time(99), b"k"));
    assert!(!ks.exists(Time(100), b"k"));
    assert_eq!(ks.len(), 0);
}

/// 7.0's `expireIfNeeded`: a master deletes an expired key on access
/// and owes its replicas a DEL; a replica's clients see nil but the key
/// stays; the master's stream still finds it.
#[test]
fn expired_keys_are_deleted_only_by_a_master() {
    let mut ks = Keyspace::new();
    ks.set(b"k", Data::Str(b"v".to_vec().into()));
    assert!(ks.set_expire(Time(0), b"k", Some(Time(100))));
    ks.set_mode(ExpiryMode::Ignore);
    assert!(ks.get(Time(150), b"k").is_some(), "the stream sees the key");
    ks.set_mode(ExpiryMode::Hide);
    assert!(ks.get(Time(150), b"k").is_none(), "a replica's read: nil");
    assert_eq!(ks.expire_at(Time(150), b"k"), None);
    assert!(ks.holds(b"k"), "but the replica keeps it");
    assert!(ks.take_expired().is_empty(), "and owes no DEL");
    ks.set_mode(ExpiryMode::Delete);
    assert!(!ks.exists(Time(150), b"k"));
    assert!(!ks.holds(b"k"), "a master deletes it on access");
    assert_eq!(ks.take_expired(), vec![b"k".to_vec()], "one DEL owed");
    assert!(ks.take_expired().is_empty());
}

/// Keys the active cycle deletes are owed as DELs too.
#[test]
fn active_expiry_notes_each_deleted_key() {
    let mut ks = with_ttls(5, 5);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut deleted = 0;
    for _ in 0..20 {
        deleted += ks.active_expire_cycle(Time(100), &mut rng);
    }
    let mut owed = ks.take_expired();
    owed.sort();
    assert_eq!(deleted, 5);
    let expected: Vec<Vec<u8>> = (0..5).map(|i| format!("k{i}").into_bytes()).collect();
    assert_eq!(owed, expected);
}

/// The slot index answers COUNTKEYSINSLOT / GETKEYSINSLOT.
#[test]
fn keys_by_slot() {
    let mut ks = Keyspace::new();
    for k in ["{user:1000}a", "{user:1000}b", "user:1000", "foo"] {
        ks.set(k.as_bytes(), Data::Str(Default::default()));
    }
    assert_eq!(ks.count_in_slot(Time(0), 1649), 3);
    assert_eq!(ks.keys_in_slot(Time(0), 1649, 2).len(), 2);
    assert_eq!(ks.count_in_slot(Time(0), 12182), 1);
    ks.clear_slot(1649);
    assert_eq!(ks.len(), 1);
}

fn with_ttls(n: usize, expired: usize) -> Keyspace {
    let mut ks = Keyspace::new();
    for i in 0..n {
        let key = format!("k{i}");
        ks.set(key.as_bytes(), Data::Str(Default::default()));
        let at = if i < expired { Time(50) } else { Time(1000) };
        assert!(ks.set_expire(Time(0), key.as_bytes(), Some(at)));
    }
    for i in 0..n {
        ks.set(
            format!("plain{i}").as_bytes(),
            Data::Str(Default::default()),
        );
    }
    ks
}

/// activeExpireCycle keeps sampling while more than 10 % of a sample of
/// 20 had expired: a keyspace whose TTL keys all expired is swept clean
/// in one cron, and keys without a TTL are never touched.
#[test]
fn active_expiry_repeats_while_many_expired() {
    let mut ks = with_ttls(500, 500);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    assert_eq!(ks.len(), 1000, "DBSIZE counts expired keys until deleted");
    let mut deleted = 0;
    // Random picks repeat, so the last few keys take a few more cycles.
    for _ in 0..20 {
        deleted += ks.active_expire_cycle(Time(100), &mut rng);
    }
    assert_eq!(deleted, 500);
    assert_eq!(
        ks.entries.len(),
        500,
        "only the keys without a TTL are left"
    );
    assert_eq!(ks.expiring(), 0);
    assert!(ks.ttl_keys.is_empty() && ks.expires.is_empty());
}

/// With few expired keys (here 1 of 1000 TTLs) a cycle stops after one
/// sample of 20: at most 20 keys are looked at, at most 1 deleted.
#[test]
fn active_expiry_stops_when_few_expired() {
    let mut ks = with_ttls(1000, 1);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let deleted = ks.active_expire_cycle(Time(100), &mut rng);
    assert!(deleted <= 1);
    assert_eq!(ks.len(), 2000 - deleted);
    assert_eq!(ks.expiring(), 1000 - deleted);
}

/// Deleting, overwriting (SET clears the TTL) and PERSIST keep the
/// sample pool in step with the expires index.
#[test]
fn ttl_index_follows_every_change() {
    let mut ks = with_ttls(10, 0);
    ks.remove(Time(0), b"k3");
    ks.set(b"k4", Data::Str(b"v".to_vec().into()));
    ks.set_expire(Time(0), b"k5", None);
    ks.clear_slot(key_slot(b"k6"));
    assert_eq!(ks.expiring(), 6);
    assert_eq!(ks.ttl_keys.len(), 6);
    for (pos, k) in ks.ttl_keys.iter().enumerate() {
        assert_eq!(ks.expires[k].1, pos, "pool position of {k:?}");
    }
    assert_eq!(ks.expire_at(Time(0), b"k4"), Some(None));
    assert_eq!(ks.expire_at(Time(0), b"k7"), Some(Some(Time(1000))));
}

#[test]
fn scan_walks_everything_once() {
    let mut ks = Keyspace::new();
    for i in 0..25 {
        ks.set(format!("k{i}").as_bytes(), Data::Str(Default::default()));
    }
    let (mut cursor, mut seen) = (0, Vec::new());
    loop {
        let (next, keys) = ks.scan(Time(0), cursor, 10);
        seen.extend(keys);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 25);
}

/// `OBJ_SHARED_INTEGERS`: keys holding the same small integer share one
/// stamp (a new holder is as idle as the object; touching any resets
/// all), while a value built in place (APPEND's) or a larger integer has
/// its own; with sharing off (maxmemory under an LRU policy) each value
/// is its own.
#[test]
fn small_integers_share_one_stamp() {
    let start = Clock::at(Time(1_000_000), Policy::Other, 10, 1);
    let mut ks = Keyspace::new();
    ks.create_shared_integers(&start);
    ks.set_clock(start.at_time(Time(5_000_000)));
    ks.set(b"a", Data::Str(b"7".to_vec().into()));
    ks.set(b"big", Data::Str(b"10000".to_vec().into()));
    let now = Time(5_000_000);
    let idle = |ks: &mut Keyspace, key: &[u8]| {
        let stamp = ks.peek(now, key).unwrap().1;
        ks.clock().idle_ms(stamp) / 1000
    };
    assert_eq!(
        idle(&mut ks, b"a"),
        4000,
        "the object's stamp from the start"
    );
    assert_eq!(idle(&mut ks, b"big"), 0);
    assert_eq!(ks.debug_lookup(b"a").unwrap().2, Some(7));
    ks.set_clock(start.at_time(Time(6_000_000)));
    ks.set(b"b", Data::Str(b"7".to_vec().into()));
    assert_eq!(idle(&mut ks, b"b"), 5000);
    ks.get(now, b"a");
    assert_eq!((idle(&mut ks, b"a"), idle(&mut ks, b"b")), (0, 0));
    ks.set_keep_ttl(now, b"c", Data::Str(b"7".to_vec().into()));
    assert_eq!(ks.debug_lookup(b"c").unwrap().2, None, "a built string");
    ks.set_clock(start.at_time(Time(6_000_000)).sharing(false));
    ks.set(b"d", Data::Str(b"7".to_vec().into()));
    assert_eq!(ks.debug_lookup(b"d").unwrap().2, None);
    assert_eq!(ks.debug_lookup(b"a").unwrap().2, Some(7), "stored before");
}

/// RENAME keeps the shared object; `objectSetLRUOrLFU` on any holder
/// stamps the object; a load's stamps win over the server's, the rest of
/// the server's objects stay.
#[test]
fn shared_stamps_move_and_survive_loads() {
    let clock = Clock::at(Time(100_000), Policy::Other, 10, 1);
    let mut ks = Keyspace::new();
    ks.create_shared_integers(&clock);
    ks.set_clock(clock);
    ks.set(b"a", Data::Str(b"5".to_vec().into()));
    ks.set(b"b", Data::Str(b"5".to_vec().into()));
    let carried = ks.carried(b"a").unwrap();
    let data = ks.remove(Time(100_000), b"a").unwrap();
    ks.add(b"r", data, None);
    assert_eq!(ks.debug_lookup(b"r").unwrap().2, None, "add alone copies");
    ks.put_carried(b"r", carried);
    assert_eq!(ks.debug_lookup(b"r").unwrap().2, Some(5));
    ks.restore_stamp(b"r", None, Some(30));
    assert_eq!(
        ks.clock().idle_ms(ks.peek(Time(100_000), b"b").unwrap().1),
        30_000
    );
    let mut loaded = Keyspace::new();
    loaded.set_clock(clock);
    loaded.insert(b"x", Data::Str(b"6".to_vec().into()), None);
    loaded.restore_stamp(b"x", None, Some(10));
    loaded.keep_shared_integers(&ks);
    let idle = |ks: &mut Keyspace, key: &[u8]| {
        let stamp = ks.peek(Time(100_000), key).unwrap().1;
        ks.clock().idle_ms(stamp) / 1000
    };
    assert_eq!(idle(&mut loaded, b"x"), 10, "the load's stamp");
    loaded.insert(b"y", Data::Str(b"5".to_vec().into()), None);
    assert_eq!(idle(&mut loaded, b"y"), 30, "the server's object");
}
