//! Client-side caching (`tracking.c`, CLIENT TRACKING/CACHING/GETREDIR/
//! TRACKINGINFO of `networking.c`) against a real redis-server 7.0.15,
//! live: the same multi-connection scripts run on a clusterlab-node and
//! on redis-server (each alone with every slot, so the node's own table
//! is the whole story: a cluster node tracks the keys read there), and
//! every reply, `invalidate` push and `__redis__:invalidate` message each
//! connection receives must be the same bytes in the same order.

use crate::common::native;
use native::clients::compare_clients;
use native::compare::{assert_no_differences, own_every_slot, pair};
use native::RealRedis;

/// Compares; our transcript, joined.
fn compare(script: &[&str]) -> String {
    let (ours, real) = pair(2000, &[]);
    let mut diffs = Vec::new();
    let got = compare_clients(ours.port, real.port, script, &mut diffs).join("\n");
    assert_no_differences(&diffs);
    got
}

/// The default mode in RESP3: a key read is invalidated once, on its next
/// modification by anyone (the reader's own after its reply), by any
/// command that modifies it (DEL of a missing key does not), by expiry,
/// and every key by FLUSHALL (a null); INFO's counters and CLIENT
/// TRACKINGINFO/GETREDIR/INFO along the way.
#[test]
fn default_mode_invalidates_keys_read_as_redis_7_0_15() {
    let got = compare(&[
        "open a 3",
        "open b 2",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT GETREDIR",
        "a: CLIENT TRACKING on",
        "a: CLIENT INFO",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT GETREDIR",
        "a: GET {t}k",
        "a: INFO",
        "b: SET {t}k 1",
        "b: SET {t}k 2",
        "a: GET {t}k",
        "a: SET {t}k 3",
        "a: MGET {t}k {t}j {t}i",
        "a: INFO",
        "b: DEL {t}k {t}j",
        "b: SET {t}j x",
        "b: HSET {t}h f v",
        "a: HGET {t}h f",
        "a: HLEN {t}h",
        "b: HSET {t}h f v",
        "b: HSET {t}h f w",
        "a: GET {t}e",
        "b: SET {t}e v PX 50",
        "a: GET {t}e",
        "sleep 200",
        "b: GET {t}e",
        "a: GET {t}i",
        "a: MULTI",
        "a: GET {t}m",
        "a: SET {t}i 1",
        "a: EXEC",
        "a: GET {t}x",
        "a: EVAL return(redis.call('get',KEYS[1])) 1 {t}s",
        "b: SET {t}s 1",
        "a: EVAL return(redis.call('set',KEYS[1],'2')) 1 {t}s",
        "a: GET {t}s",
        "b: EVAL return(redis.call('set',KEYS[1],'2')) 1 {t}s",
        "a: INFO",
        "b: FLUSHALL",
        "a: INFO",
        "a: GET {t}k",
        "a: FLUSHDB",
        "a: CLIENT TRACKING off",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT GETREDIR",
        "a: INFO",
    ]);
    assert!(
        got.contains("a got >2\r\n$10\r\ninvalidate\r\n*1\r\n$4\r\n{t}k\r\n"),
        "{got}"
    );
    assert!(
        got.contains("a got >2\r\n$10\r\ninvalidate\r\n_\r\n"),
        "{got}"
    );
    assert!(got.contains("tracking_clients:1 "), "{got}");
}

/// NOLOOP, OPTIN and OPTOUT with CLIENT CACHING (for the next command or
/// transaction only; any CLIENT subcommand keeps it). The harness's PINGs
/// would count as that next command: none follow CACHING (`&`).
#[test]
fn noloop_optin_and_optout_as_redis_7_0_15() {
    let got = compare(&[
        "open a 3",
        "open b 3",
        "a: CLIENT TRACKING on NOLOOP",
        "a: CLIENT TRACKINGINFO",
        "a: GET {t}k",
        "a: SET {t}k 1",
        "b: SET {t}k 2",
        "a: GET {t}k",
        "b: SET {t}k 3",
        "a: CLIENT TRACKING off",
        "a: CLIENT TRACKING on OPTIN",
        "a: GET {t}k",
        "b: SET {t}k 4",
        "a: CLIENT CACHING yes &",
        "a: CLIENT TRACKINGINFO &",
        "a: GET {t}k",
        "b: SET {t}k 5",
        "a: CLIENT CACHING yes &",
        "a: ECHO x",
        "a: GET {t}k",
        "b: SET {t}k 6",
        "a: CLIENT CACHING yes &",
        "a: CLIENT ID &",
        "a: GET {t}k",
        "b: SET {t}k 7",
        "a: CLIENT CACHING yes &",
        "a: MULTI",
        "a: GET {t}k",
        "a: GET {t}j",
        "a: EXEC",
        "b: MSET {t}k 8 {t}j 9",
        "a: CLIENT TRACKING on OPTOUT",
        "a: CLIENT TRACKING off",
        "a: CLIENT TRACKING on OPTOUT",
        "a: GET {t}k",
        "a: CLIENT CACHING no &",
        "a: CLIENT TRACKINGINFO &",
        "a: GET {t}j",
        "b: MSET {t}k 8 {t}j 9",
        "a: CLIENT CACHING yes &",
        "b: CLIENT TRACKING on OPTIN NOLOOP",
        "b: CLIENT TRACKINGINFO",
    ]);
    assert!(
        got.contains("a got >2\r\n$10\r\ninvalidate\r\n*1\r\n$4\r\n{t}k\r\n"),
        "{got}"
    );
    assert!(got.contains("caching-yes"), "{got}");
}

/// BCAST: every key under a prefix, batched per prefix in key order, the
/// empty prefix, NOLOOP (keys this client modified left out), prefix
/// overlaps refused, CLIENT LIST's `B` flag, INFO's prefix count.
#[test]
fn bcast_prefixes_as_redis_7_0_15() {
    let got = compare(&[
        "open a 3",
        "open b 3",
        "open c 3",
        "a: CLIENT TRACKING on BCAST PREFIX {t}user: PREFIX {t}obj:",
        "a: CLIENT INFO",
        "a: CLIENT TRACKINGINFO",
        "a: INFO",
        "b: SET {t}user:1 x",
        "b: SET {t}other x",
        "b: MSET {t}user:2 a {t}obj:1 b {t}user:0 c",
        "a: SET {t}user:3 x",
        "a: GET {t}user:3",
        "a: CLIENT TRACKING on BCAST PREFIX {t}obj:x",
        "a: CLIENT TRACKING on BCAST PREFIX {t}zz PREFIX {t}z",
        "a: CLIENT TRACKING on BCAST PREFIX {t}new",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT TRACKING on",
        "c: CLIENT TRACKING on BCAST NOLOOP",
        "c: CLIENT TRACKINGINFO",
        "c: SET {t}user:4 x",
        "b: SET {t}user:5 x",
        "c: MSET {t}new1 x {t}obj:2 y",
        "c: INFO",
        "a: CLIENT TRACKING off",
        "c: CLIENT TRACKING off",
        "a: INFO",
        "b: SET {t}user:6 x",
    ]);
    assert!(
        got.contains(
            "a got >2\r\n$10\r\ninvalidate\r\n*2\r\n$9\r\n{t}user:0\r\n$9\r\n{t}user:2\r\n"
        ),
        "{got}"
    );
    assert!(got.contains("flags=tB"), "{got}");
}

/// REDIRECT: RESP2 readers get their invalidations as `message`s on
/// `__redis__:invalidate` in the redirect client's subscription (and
/// nothing when it is not subscribed); a gone redirect client breaks the
/// redirection (`R`, `broken_redirect`, a RESP3 client's
/// `tracking-redir-broken` push).
#[test]
fn redirection_as_redis_7_0_15() {
    let got = compare(&[
        "open r 2",
        "open s 3",
        "open a 2",
        "open b 2",
        "open c 3",
        "r: SUBSCRIBE __redis__:invalidate",
        "a: CLIENT TRACKING on REDIRECT {id:r}",
        "a: CLIENT GETREDIR",
        "a: CLIENT INFO",
        "a: GET {t}k",
        "b: SET {t}k 1",
        "a: CLIENT TRACKING on REDIRECT {id:s}",
        "a: GET {t}k",
        "b: SET {t}k 2",
        "a: CLIENT TRACKING on",
        "a: GET {t}k",
        "b: SET {t}k 3",
        "c: CLIENT TRACKING on REDIRECT {id:r}",
        "c: GET {t}k",
        "b: FLUSHALL",
        "a: CLIENT TRACKING on REDIRECT {id:r}",
        "a: GET {t}k",
        "c: GET {t}k",
        "close r",
        "b: SET {t}k 4",
        "a: CLIENT INFO",
        "a: CLIENT TRACKINGINFO",
        "c: CLIENT TRACKINGINFO",
        "c: CLIENT INFO",
        "a: CLIENT TRACKING on REDIRECT {id:r}",
        "a: CLIENT TRACKING on REDIRECT {id:s} REDIRECT {id:s}",
        "a: CLIENT TRACKING on REDIRECT x",
        "a: CLIENT TRACKING on REDIRECT 0",
        "a: CLIENT TRACKING on REDIRECT {id:a}",
        "a: CLIENT GETREDIR",
        "a: GET {t}k",
        "a: SET {t}k 5",
    ]);
    assert!(
        got.contains(
            "r got *3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$4\r\n{t}k\r\n"
        ),
        "{got}"
    );
    assert!(
        got.contains("c got >2\r\n$21\r\ntracking-redir-broken\r\n:<r>\r\n"),
        "{got}"
    );
    assert!(got.contains("flags=tR redir=<r>"), "{got}");
}

/// Every refusal of CLIENT TRACKING and CLIENT CACHING, worded as 7.0.15
/// words it, and RESET turning tracking off.
#[test]
fn tracking_errors_as_redis_7_0_15() {
    let got = compare(&[
        "open a 3",
        "a: CLIENT CACHING yes",
        "a: CLIENT TRACKING maybe",
        "a: CLIENT TRACKING on PREFIX x",
        "a: CLIENT TRACKING on BCAST OPTIN",
        "a: CLIENT TRACKING on OPTIN OPTOUT",
        "a: CLIENT TRACKING on FOO",
        "a: CLIENT TRACKING on REDIRECT",
        "a: CLIENT TRACKING on PREFIX",
        "a: CLIENT TRACKING on BCAST PREFIX ab PREFIX a",
        "a: CLIENT TRACKING on BCAST PREFIX a PREFIX ab",
        "a: CLIENT TRACKING on",
        "a: CLIENT CACHING yes",
        "a: CLIENT CACHING no",
        "a: CLIENT CACHING maybe",
        "a: CLIENT CACHING",
        "a: CLIENT TRACKING on BCAST",
        "a: CLIENT TRACKING off",
        "a: CLIENT TRACKING off",
        "a: CLIENT TRACKING on OPTIN",
        "a: CLIENT CACHING no",
        "a: CLIENT TRACKING on OPTOUT",
        "a: CLIENT GETREDIR x",
        "a: CLIENT TRACKINGINFO x",
        "a: RESET",
        "a: CLIENT TRACKINGINFO",
        "a: INFO",
    ]);
    assert!(
        got.contains("overlaps with another provided prefix"),
        "{got}"
    );
}

/// `tracking-table-max-keys`: over the limit, before the next command,
/// keys picked at random are invalidated until the table fits (which key
/// is random on both servers: only how many is compared).
#[test]
fn tracking_table_max_keys_as_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    for port in [ours.port, real.port] {
        let mut c = native::clients::Clients::new(port);
        let got = c.run(&[
            "open a 3",
            "a: CONFIG SET tracking-table-max-keys 2",
            "a: CLIENT TRACKING on",
            "a: MGET {t}1 {t}2 {t}3 {t}4 {t}5",
            "a: INFO",
        ]);
        // The MGET's reply, then 3 invalidations before the INFO's reply.
        let invalidations = got
            .iter()
            .filter(|l| l.contains("got >2\r\n$10\r\ninvalidate\r\n*1\r\n"))
            .count();
        assert_eq!(invalidations, 3, "port {port}: {got:#?}");
        assert!(
            got.last()
                .unwrap()
                .contains("tracking_total_keys:2 tracking_total_items:2"),
            "port {port}: {got:#?}"
        );
    }
}

/// MIGRATE moving a key away invalidates it (its `DEL`, `migrateCommand`'s
/// `signalModifiedKey`): the same on each side, both migrating to a third
/// (real) server.
#[test]
fn migrate_invalidates_the_key_it_moves_as_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    let target = RealRedis::start_with(2000, &[]);
    own_every_slot(&target);
    let mut diffs = Vec::new();
    let t = target.port;
    let migrate = format!("b: MIGRATE 127.0.0.1 {t} {{t}}k 0 5000 REPLACE");
    let script = [
        "open a 3",
        "open b 2",
        "a: CLIENT TRACKING on",
        "b: SET {t}k v",
        "a: GET {t}k",
        migrate.as_str(),
        "a: GET {t}k",
        "b: SET {t}k w",
        "a: INFO",
    ];
    compare_clients(ours.port, real.port, &script, &mut diffs);
    assert_no_differences(&diffs);
}
