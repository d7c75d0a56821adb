//! The geo commands (geo.c): a geo set is a sorted set whose scores are
//! 52-bit geohashes ([`geohash`](super::geohash)). GEOADD is ZADD with
//! encoded scores (and streams as that ZADD); GEORADIUS, GEORADIUSBYMEMBER,
//! their `_RO` forms, GEOSEARCH and GEOSEARCHSTORE share
//! `georadiusGeneric`'s parser, so options, errors and their order agree.

use super::geohash::{self, Extent, Shape};
use super::long_double::LongDouble;
use super::object::Limits;
use super::zsets::{sorted, store_or_delete};
use super::Call;
use super::{int_arg, syntax_error, wrong_type};
use crate::keyspace::notify::class;
use crate::keyspace::{Data, ZSet};
use crate::resp::Value;
use std::collections::BTreeMap;

/// `string2d` (`getDoubleFromObject`): strtod over the whole text, no
/// leading space, no NaN, and no overflow or underflow to zero (ERANGE).
pub(super) fn parse_double(arg: &[u8]) -> Option<f64> {
    let d = super::collections::parse_score(arg)?;
    let text = arg.to_ascii_lowercase();
    let literal_inf = text.windows(3).any(|w| w == b"inf");
    let hex = text.windows(2).any(|w| w == b"0x");
    if d.is_infinite() && !literal_inf {
        return None;
    }
    // A decimal text with a non-zero digit before its exponent that
    // reads as zero underflowed.
    let mantissa = text.split(|&b| b == b'e').next().unwrap_or(&[]);
    if d == 0.0 && !hex && mantissa.iter().any(|b| (b'1'..=b'9').contains(b)) {
        return None;
    }
    Some(d)
}

/// `getDoubleFromObjectOrReply` with its message (`None`: "value is not a
/// valid float").
fn double_arg(arg: &[u8], msg: Option<&str>) -> Result<f64, Value> {
    parse_double(arg).ok_or_else(|| {
        Value::err(format!(
            "ERR {}",
            msg.unwrap_or("value is not a valid float")
        ))
    })
}

/// `extractLongLatOrReply`: longitude then latitude.
fn lon_lat(args: &[Vec<u8>]) -> Result<[f64; 2], Value> {
    let lon = double_arg(&args[0], None)?;
    let lat = double_arg(&args[1], None)?;
    if !geohash::valid(lon, lat) {
        return Err(Value::err(format!(
            "ERR invalid longitude,latitude pair {lon:.6},{lat:.6}"
        )));
    }
    Ok([lon, lat])
}

/// `extractUnitOrReply`: meters per unit.
fn unit(arg: &[u8]) -> Result<f64, Value> {
    match arg.to_ascii_lowercase().as_slice() {
        b"m" => Ok(1.0),
        b"km" => Ok(1000.0),
        b"ft" => Ok(0.3048),
        b"mi" => Ok(1609.34),
        _ => Err(Value::err(
            "ERR unsupported unit provided. please use M, KM, FT, MI",
        )),
    }
}

/// `extractDistanceOrReply`: `radius unit`.
fn radius_arg(args: &[Vec<u8>]) -> Result<(f64, f64), Value> {
    let r = double_arg(&args[0], Some("need numeric radius"))?;
    if r < 0.0 {
        return Err(Value::err("ERR radius cannot be negative"));
    }
    Ok((r, unit(&args[1])?))
}

/// `extractBoxOrReply`: `width height unit`.
fn box_arg(args: &[Vec<u8>]) -> Result<(f64, f64, f64), Value> {
    let w = double_arg(&args[0], Some("need numeric width"))?;
    let h = double_arg(&args[1], Some("need numeric height"))?;
    if h < 0.0 || w < 0.0 {
        return Err(Value::err("ERR height or width cannot be negative"));
    }
    Ok((w, h, unit(&args[2])?))
}

/// `addReplyHumanLongDouble`: `%.17Lf` trimmed, a RESP3 double.
fn coordinate(d: f64) -> Value {
    Value::DoubleText(LongDouble::from_f64(d).to_human())
}

/// `GEOADD key [NX|XX] [CH] longitude latitude member …`: checked here,
/// then run (and streamed) as `ZADD key [options] score member …` with
/// the scores written as integers, as `geoaddCommand` rewrites itself.
pub fn geoadd(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let (mut nx, mut xx, mut at) = (false, false, 2);
    while at < args.len() {
        match args[at].to_ascii_lowercase().as_slice() {
            b"nx" => nx = true,
            b"xx" => xx = true,
            b"ch" => {}
            _ => break,
        }
        at += 1;
    }
    if !(args.len() - at).is_multiple_of(3) || (nx && xx) {
        return syntax_error();
    }
    let mut zadd: Vec<Vec<u8>> = vec![b"zadd".to_vec()];
    zadd.extend_from_slice(&args[1..at]);
    for triple in args[at..].chunks(3) {
        let [lon, lat] = match lon_lat(triple) {
            Ok(xy) => xy,
            Err(e) => return e,
        };
        zadd.push(geohash::score_of(lon, lat).to_string().into_bytes());
        zadd.push(triple[2].clone());
    }
    let limits = Limits::of(node.config());
    let (reply, changed) =
        super::collections::zadd_generic(node.keyspace_mut(), limits, now, &zadd);
    if changed {
        node.propagate(&zadd);
    }
    reply
}

/// `GEODIST key member1 member2 [unit]`: four decimals, nil when a
/// member (or the key) is missing; the unit is checked first.
pub fn geodist(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let to_meter = match args.len() {
        5 => match unit(&args[4]) {
            Ok(u) => u,
            Err(e) => return e,
        },
        n if n > 5 => return syntax_error(),
        _ => 1.0,
    };
    let z = match node.keyspace_mut().get(now, &args[1]) {
        None => return Value::Null,
        Some(Data::ZSet(z)) => z,
        Some(_) => return wrong_type(),
    };
    let (Some(a), Some(b)) = (z.score(&args[2]), z.score(&args[3])) else {
        return Value::Null;
    };
    let ([x1, y1], [x2, y2]) = (geohash::decode_score(a), geohash::decode_score(b));
    Value::Bulk(geohash::distance_text(geohash::distance(x1, y1, x2, y2) / to_meter).into_bytes())
}

/// The geo set at `key` for GEOHASH/GEOPOS: `Ok(None)` when missing.
fn read_set<'a>(c: &'a mut Call, key: &[u8]) -> Result<Option<&'a ZSet>, Value> {
    let now = c.now;
    match c.keyspace_mut().get(now, key) {
        None => Ok(None),
        Some(Data::ZSet(z)) => Ok(Some(z)),
        Some(_) => Err(wrong_type()),
    }
}

/// `GEOHASH key member…`: each position re-encoded as a standard
/// 11-character geohash, nil for a missing member.
pub fn geohash(c: &mut Call) -> Value {
    let args = c.args;
    let z = match read_set(c, &args[1]) {
        Ok(z) => z,
        Err(e) => return e,
    };
    Value::Array(
        args[2..]
            .iter()
            .map(|m| match z.and_then(|z| z.score(m)) {
                None => Value::Null,
                Some(s) => Value::bulk(geohash::standard_geohash(geohash::decode_score(s))),
            })
            .collect(),
    )
}

/// `GEOPOS key member…`: `[longitude, latitude]` per member, a null
/// array for a missing one.
pub fn geopos(c: &mut Call) -> Value {
    let args = c.args;
    let z = match read_set(c, &args[1]) {
        Ok(z) => z,
        Err(e) => return e,
    };
    Value::Array(
        args[2..]
            .iter()
            .map(|m| match z.and_then(|z| z.score(m)) {
                None => Value::NullArray,
                Some(s) => {
                    let [x, y] = geohash::decode_score(s);
                    Value::Array(vec![coordinate(x), coordinate(y)])
                }
            })
            .collect(),
    )
}

/// Which command `georadiusGeneric` runs for (its `flags`).
#[derive(Clone, Copy, PartialEq)]
enum Form {
    /// GEORADIUS: `key longitude latitude radius unit …`.
    Coords,
    /// GEORADIUSBYMEMBER: `key member radius unit …`.
    Member,
    /// GEOSEARCH: `key FROMMEMBER|FROMLONLAT … BYRADIUS|BYBOX …`.
    Search,
    /// GEOSEARCHSTORE: `destination source …` as GEOSEARCH, `STOREDIST` a flag.
    SearchStore,
}

/// A point found: member, position, distance (meters, then units), score.
struct Found {
    member: Vec<u8>,
    xy: [f64; 2],
    dist: f64,
    score: f64,
}

/// The parsed options of a search.
#[derive(Default)]
struct Options {
    withdist: bool,
    withhash: bool,
    withcoord: bool,
    any: bool,
    /// `Some(true)` for DESC.
    desc: Option<bool>,
    count: i64,
    store: Option<Vec<u8>>,
    storedist: bool,
}

/// `georadiusGeneric`. `nostore` is the `_RO` forms' `RADIUS_NOSTORE`.
fn search(c: &mut Call, form: Form, nostore: bool) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let src = if form == Form::SearchStore { 2 } else { 1 };
    let geoset = matches!(form, Form::Search | Form::SearchStore);
    let z: Option<BTreeMap<Vec<u8>, f64>> = match node.keyspace_mut().get(now, &args[src]) {
        None => None,
        Some(Data::ZSet(z)) => Some(z.to_map()),
        Some(_) => return wrong_type(),
    };
    let mut xy = [0.0; 2];
    let mut size: Option<(Extent, f64)> = None;
    let mut o = Options::default();
    let base = match form {
        Form::Coords => {
            xy = match lon_lat(&args[2..4]) {
                Ok(xy) => xy,
                Err(e) => return e,
            };
            match radius_arg(&args[4..6]) {
                Ok((r, conv)) => size = Some((Extent::Radius(r), conv)),
                Err(e) => return e,
            }
            6
        }
        Form::Member => {
            if let Some(z) = &z {
                let Some(s) = z.get(&args[2]) else {
                    return Value::err("ERR could not decode requested zset member");
                };
                xy = geohash::decode_score(*s);
                match radius_arg(&args[3..5]) {
                    Ok((r, conv)) => size = Some((Extent::Radius(r), conv)),
                    Err(e) => return e,
                }
            }
            5
        }
        Form::Search => 2,
        Form::SearchStore => {
            o.store = Some(args[1].clone());
            3
        }
    };
    let (mut frommember, mut fromloc, mut byradius, mut bybox) = (false, false, false, false);
    let mut i = base;
    while i < args.len() {
        let left = args.len() - i - 1;
        match args[i].to_ascii_lowercase().as_slice() {
            b"withdist" => o.withdist = true,
            b"withhash" => o.withhash = true,
            b"withcoord" => o.withcoord = true,
            b"any" => o.any = true,
            b"asc" => o.desc = Some(false),
            b"desc" => o.desc = Some(true),
            b"count" if left >= 1 => {
                o.count = match int_arg(&args[i + 1]) {
                    Ok(n) if n > 0 => n,
                    Ok(_) => return Value::err("ERR COUNT must be > 0"),
                    Err(e) => return e,
                };
                i += 1;
            }
            w @ (b"store" | b"storedist") if left >= 1 && !nostore && !geoset => {
                o.store = Some(args[i + 1].clone());
                o.storedist = w == b"storedist";
                i += 1;
            }
            b"storedist" if form == Form::SearchStore => o.storedist = true,
            b"frommember" if left >= 1 && geoset && !fromloc => {
                if let Some(z) = &z {
                    let Some(s) = z.get(&args[i + 1]) else {
                        return Value::err("ERR could not decode requested zset member");
                    };
                    xy = geohash::decode_score(*s);
                }
                frommember = true;
                i += 1;
            }
            b"fromlonlat" if left >= 2 && geoset && !frommember => {
                xy = match lon_lat(&args[i + 1..i + 3]) {
                    Ok(xy) => xy,
                    Err(e) => return e,
                };
                fromloc = true;
                i += 2;
            }
            b"byradius" if left >= 2 && geoset && !bybox => {
                match radius_arg(&args[i + 1..i + 3]) {
                    Ok((r, conv)) => size = Some((Extent::Radius(r), conv)),
                    Err(e) => return e,
                }
                byradius = true;
                i += 2;
            }
            b"bybox" if left >= 3 && geoset && !byradius => {
                match box_arg(&args[i + 1..i + 4]) {
                    Ok((width, height, conv)) => size = Some((Extent::Box { width, height }, conv)),
                    Err(e) => return e,
                }
                bybox = true;
                i += 3;
            }
            _ => return syntax_error(),
        }
        i += 1;
    }
    if o.store.is_some() && (o.withdist || o.withhash || o.withcoord) {
        return Value::err(format!(
            "ERR {} is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
            if form == Form::SearchStore {
                "GEOSEARCHSTORE"
            } else {
                "STORE option in GEORADIUS"
            }
        ));
    }
    let name = String::from_utf8_lossy(&args[0]);
    if geoset && !(frommember || fromloc) {
        return Value::err(format!(
            "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}"
        ));
    }
    if geoset && !(byradius || bybox) {
        return Value::err(format!(
            "ERR exactly one of BYRADIUS and BYBOX can be specified for {name}"
        ));
    }
    if o.any && o.count == 0 {
        return Value::err("ERR the ANY argument requires COUNT argument");
    }
    let (Some(z), Some((extent, conversion))) = (z, size) else {
        // No source key: an empty reply, or the destination deleted.
        return match o.store {
            Some(dst) => {
                let ks = node.keyspace_mut();
                if ks.remove(now, &dst).is_some() {
                    ks.notify(class::GENERIC, "del", &dst);
                    node.propagate(args);
                }
                Value::Integer(0)
            }
            None => Value::Array(Vec::new()),
        };
    };
    let shape = Shape {
        xy,
        conversion,
        extent,
    };
    let limit = if o.any { o.count as usize } else { 0 };
    let mut found = points_in(&z, &shape, limit);
    if found.is_empty() && o.store.is_none() {
        return Value::Array(Vec::new());
    }
    let desc = match o.desc {
        None if o.count != 0 && !o.any => Some(false),
        d => d,
    };
    // glibc's qsort is a stable merge sort at these sizes.
    match desc {
        Some(false) => crate::sorted::sort_by(&mut found, |a, b| a.dist.total_cmp(&b.dist)),
        Some(true) => crate::sorted::sort_by(&mut found, |a, b| b.dist.total_cmp(&a.dist)),
        None => {}
    }
    let returned = if o.count == 0 {
        found.len()
    } else {
        found.len().min(o.count as usize)
    };
    found.truncate(returned);
    for f in &mut found {
        f.dist /= shape.conversion;
    }
    match o.store {
        None => reply(found, &o),
        Some(dst) => {
            let stored = crate::sorted::map(
                found
                    .into_iter()
                    .map(|f| (f.member, if o.storedist { f.dist } else { f.score })),
            );
            let event = if geoset {
                "geosearchstore"
            } else {
                "georadiusstore"
            };
            let limits = Limits::of(node.config());
            if store_or_delete(node.keyspace_mut(), limits, now, &dst, stored, event) {
                node.propagate(args);
            }
            Value::Integer(returned as i64)
        }
    }
}

/// `membersOfAllNeighbors`: the points of the nine cells inside the
/// shape, cell by cell and by score within a cell; with a `limit` (ANY)
/// the walk stops once that many are found.
fn points_in(z: &BTreeMap<Vec<u8>, f64>, shape: &Shape, limit: usize) -> Vec<Found> {
    let members = sorted(z);
    let mut found = Vec::new();
    let cells = shape.cells();
    let mut last: Option<usize> = None;
    let full = |found: &Vec<Found>| limit != 0 && found.len() >= limit;
    for (i, cell) in cells.iter().enumerate() {
        if cell.bits == 0 && cell.step == 0 {
            continue;
        }
        // Huge radii make neighbours repeat; the centre (index 0) is
        // never compared, as Redis's `last_processed` starts at 0.
        if last.is_some_and(|l| l != 0 && cells[l] == *cell) {
            continue;
        }
        if full(&found) {
            break;
        }
        let min = cell.align52() as f64;
        let max = geohash::Hash {
            bits: cell.bits + 1,
            step: cell.step,
        }
        .align52() as f64;
        let first = members.partition_point(|(_, s)| *s < min);
        for (m, s) in &members[first..] {
            if *s >= max {
                break;
            }
            let xy = geohash::decode_score(*s);
            if let Some(dist) = shape.contains(xy) {
                found.push(Found {
                    member: m.to_vec(),
                    xy,
                    dist,
                    score: *s,
                });
            }
            if full(&found) {
                break;
            }
        }
        last = Some(i);
    }
    found
}

/// The reply: members, or `[member, dist?, hash?, [lon, lat]?]` arrays.
fn reply(found: Vec<Found>, o: &Options) -> Value {
    let options = o.withdist || o.withhash || o.withcoord;
    Value::Array(
        found
            .into_iter()
            .map(|f| {
                if !options {
                    return Value::Bulk(f.member);
                }
                let mut item = vec![Value::Bulk(f.member)];
                if o.withdist {
                    item.push(Value::Bulk(geohash::distance_text(f.dist).into_bytes()));
                }
                if o.withhash {
                    item.push(Value::Integer(geohash::score_as_integer(f.score)));
                }
                if o.withcoord {
                    item.push(Value::Array(vec![coordinate(f.xy[0]), coordinate(f.xy[1])]));
                }
                Value::Array(item)
            })
            .collect(),
    )
}

/// `GEORADIUS key longitude latitude radius unit [options] [STORE|STOREDIST key]`.
pub fn georadius(c: &mut Call) -> Value {
    search(c, Form::Coords, false)
}

/// `GEORADIUS_RO`: GEORADIUS without STORE/STOREDIST.
pub fn georadius_ro(c: &mut Call) -> Value {
    search(c, Form::Coords, true)
}

/// `GEORADIUSBYMEMBER key member radius unit [options] [STORE|STOREDIST key]`.
pub fn georadiusbymember(c: &mut Call) -> Value {
    search(c, Form::Member, false)
}

/// `GEORADIUSBYMEMBER_RO`.
pub fn georadiusbymember_ro(c: &mut Call) -> Value {
    search(c, Form::Member, true)
}

/// `GEOSEARCH key FROMMEMBER m|FROMLONLAT lon lat BYRADIUS r unit|BYBOX w h unit [options]`.
pub fn geosearch(c: &mut Call) -> Value {
    search(c, Form::Search, false)
}

/// `GEOSEARCHSTORE destination source … [STOREDIST]`.
pub fn geosearchstore(c: &mut Call) -> Value {
    search(c, Form::SearchStore, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `string2d` refuses what strtod flags ERANGE (overflow, underflow
    /// to zero) and NaN, and takes `inf` and hexadecimal.
    #[test]
    fn doubles_parse_as_string2d() {
        assert_eq!(parse_double(b"1.5"), Some(1.5));
        assert_eq!(parse_double(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_double(b"0x10"), Some(16.0));
        assert_eq!(parse_double(b"0e5"), Some(0.0));
        assert_eq!(parse_double(b"1e400"), None);
        assert_eq!(parse_double(b"1e-400"), None);
        assert_eq!(parse_double(b"nan"), None);
        assert_eq!(parse_double(b" 1"), None);
        assert_eq!(parse_double(b""), None);
    }
}
