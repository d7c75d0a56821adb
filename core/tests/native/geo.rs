//! The geo commands and SORT against redis-server 7.0.15, byte for byte
//! (geo.c, geohash.c, geohash_helper.c, sort.c): the same commands go to a
//! real node and to a clusterlab-node (each owning every slot), in RESP2
//! and after `HELLO 3`; every reply must be the same bytes — scores,
//! four-decimal distances, `%.17Lf` coordinates, geohash strings, the
//! order of search results and error texts included. Random points and
//! searches come from a fixed seed.

use crate::common::native;

use native::compare::{assert_no_differences, assert_same_replies, compare, pair, Raw};

/// GEOADD, GEODIST, GEOHASH, GEOPOS and the search forms' options and
/// errors, in `georadiusGeneric`'s order.
const GEO: &[&str] = &[
    "GEOADD {t}g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
    "GEOADD {t}g NX CH 13.361389 38.115556 Palermo 2.349014 48.864716 Paris",
    "GEOADD {t}g XX CH 13.5 38.1 Palermo 0 0 nowhere",
    "GEOADD {t}g NX XX 1 1 a",
    "GEOADD {t}g 1 1",
    "GEOADD {t}g 200 100 a",
    "GEOADD {t}g 1 85.06 a",
    "GEOADD {t}g x 1 a",
    "GEOADD {t}g inf 1 a",
    "GEOADD {t}g GT 1 1 a",
    "ZSCORE {t}g Palermo",
    "ZRANGE {t}g 0 -1 WITHSCORES",
    "SET {t}str v",
    "GEOADD {t}str 1 1 a",
    "GEODIST {t}g Palermo Catania",
    "GEODIST {t}g Palermo Catania km",
    "GEODIST {t}g Palermo Catania MI",
    "GEODIST {t}g Palermo Catania ft",
    "GEODIST {t}g Palermo Catania yd",
    "GEODIST {t}g Palermo Catania km x",
    "GEODIST {t}g Palermo nope",
    "GEODIST {t}none a b",
    "GEODIST {t}str a b",
    "GEODIST {t}g Palermo Palermo",
    "GEOHASH {t}g Palermo Catania Paris nope",
    "GEOHASH {t}none a",
    "GEOHASH {t}str a",
    "GEOPOS {t}g Palermo Catania nope Paris",
    "GEOPOS {t}none a b",
    "GEOPOS {t}str a",
    "ZADD {t}odd -5 neg 1e20 huge 1.5 frac 0 zero",
    "GEOPOS {t}odd neg huge frac zero",
    "GEOHASH {t}odd neg huge frac zero",
    "GEORADIUS {t}g 15 37 200 km",
    "GEORADIUS {t}g 15 37 200 km WITHDIST WITHCOORD WITHHASH ASC",
    "GEORADIUS {t}g 15 37 200 km WITHDIST DESC",
    "GEORADIUS {t}g 15 37 2000 km COUNT 2",
    "GEORADIUS {t}g 15 37 2000 km COUNT 1 ANY",
    "GEORADIUS {t}g 15 37 20000 km withdist",
    "GEORADIUS {t}g 15 37 0 m",
    "GEORADIUS {t}g 15 37 inf km WITHDIST",
    "GEORADIUS {t}g 15 37 -1 km",
    "GEORADIUS {t}g 15 37 x km",
    "GEORADIUS {t}g 15 37 1 parsec",
    "GEORADIUS {t}g 200 37 1 km",
    "GEORADIUS {t}g 15 37 200 km COUNT 0",
    "GEORADIUS {t}g 15 37 200 km COUNT x",
    "GEORADIUS {t}g 15 37 200 km ANY",
    "GEORADIUS {t}g 15 37 200 km NOPE",
    "GEORADIUS {t}g 15 37 200 km STORE {t}d WITHDIST",
    "GEORADIUS {t}g 15 37 200 km STORE {t}d",
    "ZRANGE {t}d 0 -1 WITHSCORES",
    "GEORADIUS {t}g 15 37 200 km STOREDIST {t}d",
    "ZRANGE {t}d 0 -1 WITHSCORES",
    "GEORADIUS {t}g 15 37 1 m STORE {t}d",
    "EXISTS {t}d",
    "GEORADIUS {t}none 15 37 1 m STORE {t}str",
    "EXISTS {t}str",
    "SET {t}str v",
    "GEORADIUS_RO {t}g 15 37 200 km WITHDIST",
    "GEORADIUS_RO {t}g 15 37 200 km STORE {t}d",
    "GEORADIUSBYMEMBER {t}g Palermo 200 km WITHDIST WITHCOORD",
    "GEORADIUSBYMEMBER {t}g nope 200 km",
    "GEORADIUSBYMEMBER {t}none nope x y WITHDIST",
    "GEORADIUSBYMEMBER {t}none nope x y NOPE",
    "GEORADIUSBYMEMBER {t}g Palermo 200 km STOREDIST {t}d",
    "ZRANGE {t}d 0 -1 WITHSCORES",
    "GEORADIUSBYMEMBER_RO {t}g Palermo 200 km COUNT 1",
    "GEORADIUSBYMEMBER_RO {t}g Palermo 200 km STOREDIST {t}d",
    "GEOSEARCH {t}g FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHCOORD WITHDIST WITHHASH",
    "GEOSEARCH {t}g FROMMEMBER Palermo BYBOX 400 400 km DESC WITHDIST",
    "GEOSEARCH {t}g FROMMEMBER Palermo BYBOX 4000 400 km",
    "GEOSEARCH {t}g FROMMEMBER nope BYRADIUS 1 km",
    "GEOSEARCH {t}g FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km",
    "GEOSEARCH {t}g FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km",
    "GEOSEARCH {t}g BYRADIUS 1 km",
    "geosearch {t}g FROMLONLAT 15 37",
    "GEOSEARCH {t}g FROMLONLAT 15 37 BYBOX -1 1 km",
    "GEOSEARCH {t}g FROMLONLAT 15 37 BYBOX x 1 km",
    "GEOSEARCH {t}g FROMLONLAT 15 37 BYBOX 1 y km",
    "GEOSEARCH {t}g FROMLONLAT 15 37 BYRADIUS 1 km STORE {t}d",
    "GEOSEARCH {t}g FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST",
    "GEOSEARCH {t}none FROMMEMBER x BYRADIUS 1 km",
    "GEOSEARCH {t}str FROMMEMBER x BYRADIUS 1 km",
    "GEOSEARCHSTORE {t}d {t}g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST",
    "ZRANGE {t}d 0 -1 WITHSCORES",
    "GEOSEARCHSTORE {t}d {t}g FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1",
    "ZRANGE {t}d 0 -1 WITHSCORES",
    "GEOSEARCHSTORE {t}d {t}g FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST",
    "GEOSEARCHSTORE {t}d {t}none FROMLONLAT 15 37 BYRADIUS 200 km",
    "EXISTS {t}d",
];

/// SORT and SORT_RO (`sortCommandGeneric`): numeric and ALPHA sorts,
/// LIMIT's clamps, a constant BY, STORE, and the cluster-mode refusals.
const SORT: &[&str] = &[
    "RPUSH {t}l 3 1 2 10 -1.5 1e3 0x10",
    "SORT {t}l",
    "SORT {t}l DESC",
    "SORT {t}l ALPHA",
    "SORT {t}l ALPHA DESC LIMIT 1 3",
    "SORT {t}l LIMIT 2 2",
    "SORT {t}l LIMIT -5 2",
    "SORT {t}l LIMIT 10 2",
    "SORT {t}l LIMIT 0 0",
    "SORT {t}l LIMIT 1 -1",
    "SORT {t}l LIMIT 1",
    "SORT {t}l LIMIT x 1",
    "SORT {t}l BY nosort",
    "SORT {t}l BY nosort DESC LIMIT 1 2",
    "SORT {t}l BY w_*",
    "SORT {t}l GET #",
    "SORT {t}l NOPE",
    "SORT {t}l STORE {t}out",
    "LRANGE {t}out 0 -1",
    "SORT {t}l LIMIT 0 0 STORE {t}out",
    "EXISTS {t}out",
    "SORT_RO {t}l DESC",
    "SORT_RO {t}l STORE {t}out",
    "RPUSH {t}bad 1 x 2",
    "SORT {t}bad",
    "SORT {t}bad ALPHA",
    "SORT {t}bad BY nosort",
    "SORT {t}bad STORE {t}out",
    "RPUSH {t}bad2 nan",
    "SORT {t}bad2",
    // An overflowing element (ERANGE) is left out: sort.c does not reset
    // `errno` before strtod, so a later SORT in the same process fails too.
    "SADD {t}s 5 3 9 1",
    "SORT {t}s",
    "SORT {t}s BY nosort",
    "SORT {t}s BY nosort STORE {t}out",
    "LRANGE {t}out 0 -1",
    "SADD {t}sa b a C c",
    "SORT {t}sa ALPHA",
    "SORT {t}sa ALPHA DESC",
    "SORT {t}sa",
    "ZADD {t}z 3 a 1 b 2 c",
    "SORT {t}z BY nosort",
    "SORT {t}z BY nosort DESC",
    "SORT {t}z BY nosort LIMIT 1 5",
    "SORT {t}z ALPHA",
    "SORT {t}z",
    "ZADD {t}zn 1 10 2 9 3 100",
    "SORT {t}zn",
    "SORT {t}zn BY nosort DESC LIMIT 1 1",
    "SORT {t}none",
    "SORT {t}none STORE {t}out",
    "SORT {t}str",
    "SORT {t}str LIMIT x y",
];

/// Keys in different slots: GEORADIUS's STORE key and SORT's are keys.
const CROSS_SLOT: &[&str] = &[
    "GEORADIUS a{t} 15 37 200 km STORE b",
    "GEORADIUSBYMEMBER a{t} m 200 km STOREDIST b",
    "GEOSEARCHSTORE a b FROMLONLAT 15 37 BYRADIUS 1 km",
    "SORT a{t} STORE b",
    "SORT a{t} LIMIT 0 1 STORE b",
];

/// A fixed-seed xorshift, for points and searches both servers get.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in `lo..hi`, printed with up to 6 decimals.
    fn coord(&mut self, lo: f64, hi: f64) -> String {
        let f = (self.next() % 1_000_000_000) as f64 / 1e9;
        format!("{:.6}", lo + f * (hi - lo))
    }
}

/// Random points (clustered and world-wide) and random searches of every
/// form with every option, as command lines.
fn random_script(seed: u64) -> Vec<String> {
    let mut rng = Rng(seed);
    let mut lines = Vec::new();
    for batch in 0..10 {
        let mut line = "GEOADD {t}r".to_string();
        for i in 0..40 {
            let (lon, lat) = if batch % 2 == 0 {
                (rng.coord(-180.0, 180.0), rng.coord(-85.0, 85.0))
            } else {
                (rng.coord(10.0, 12.0), rng.coord(44.0, 46.0))
            };
            line.push_str(&format!(" {lon} {lat} m{batch}_{i}"));
        }
        lines.push(line);
    }
    let units = ["m", "km", "mi", "ft"];
    for n in 0..300 {
        let unit = units[(rng.next() % 4) as usize];
        let scale = match unit {
            "m" => 1_000_000.0,
            "ft" => 3_000_000.0,
            "km" => 1000.0,
            _ => 600.0,
        };
        let r = rng.coord(0.0, 1.0).parse::<f64>().unwrap();
        let radius = format!("{:.3}", r * r * r * scale);
        let (lon, lat) = if n % 3 == 0 {
            (rng.coord(-180.0, 180.0), rng.coord(-85.0, 85.0))
        } else {
            (rng.coord(9.0, 13.0), rng.coord(43.0, 47.0))
        };
        let member = format!("m{}_{}", rng.next() % 10, rng.next() % 40);
        let mut opts = String::new();
        for (word, p) in [("WITHDIST", 2), ("WITHCOORD", 3), ("WITHHASH", 4)] {
            if rng.next().is_multiple_of(p) {
                opts.push(' ');
                opts.push_str(word);
            }
        }
        match rng.next() % 4 {
            0 => opts.push_str(" ASC"),
            1 => opts.push_str(" DESC"),
            _ => {}
        }
        if rng.next().is_multiple_of(3) {
            opts.push_str(&format!(" COUNT {}", 1 + rng.next() % 20));
            if rng.next().is_multiple_of(3) {
                opts.push_str(" ANY");
            }
        }
        let width = format!("{:.3}", r * scale * 2.0);
        let height = format!("{:.3}", rng.coord(0.0, 1.0).parse::<f64>().unwrap() * scale);
        lines.push(match n % 5 {
            0 => format!("GEORADIUS {{t}}r {lon} {lat} {radius} {unit}{opts}"),
            1 => format!("GEORADIUSBYMEMBER_RO {{t}}r {member} {radius} {unit}{opts}"),
            2 => format!(
                "GEOSEARCH {{t}}r FROMLONLAT {lon} {lat} BYBOX {width} {height} {unit}{opts}"
            ),
            3 => format!("GEOSEARCH {{t}}r FROMMEMBER {member} BYRADIUS {radius} {unit}{opts}"),
            _ => format!(
                "GEODIST {{t}}r {member} m{}_{} {unit}",
                rng.next() % 10,
                rng.next() % 40
            ),
        });
        if n % 25 == 0 {
            lines.push(format!("GEOPOS {{t}}r {member} m1_1 m2_2"));
            lines.push(format!("GEOHASH {{t}}r {member} m3_3"));
            lines.push(format!(
                "GEOSEARCHSTORE {{t}}st {{t}}r FROMLONLAT {lon} {lat} BYRADIUS {radius} {unit} STOREDIST"
            ));
            lines.push("ZRANGE {t}st 0 -1 WITHSCORES".to_string());
        }
    }
    lines
}

/// Every geo command, its options and errors, then SORT, in RESP2 and RESP3.
#[test]
fn geo_and_sort_reply_as_redis_7_0_15() {
    assert_same_replies(&[GEO, SORT, CROSS_SLOT], ' ');
}

/// Random points and searches (fixed seeds): scores, found members,
/// their order, distances and coordinates all as 7.0.15 computes them.
#[test]
fn random_geo_searches_reply_as_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    let mut diffs = Vec::new();
    for (seed, tag, resp3) in [
        (0x9E3779B97F4A7C15u64, "{a}", false),
        (0x2545F4914F6CDD1D, "{b}", true),
    ] {
        let (mut o, mut r) = (
            Raw::connect(ours.port, resp3),
            Raw::connect(real.port, resp3),
        );
        let script = random_script(seed);
        let lines: Vec<&str> = script.iter().map(String::as_str).collect();
        compare(&mut o, &mut r, tag, &lines, &mut diffs);
    }
    assert_no_differences(&diffs);
}
