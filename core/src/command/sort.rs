//! SORT and SORT_RO (sort.c `sortCommandGeneric`) as a cluster node runs
//! them: BY with a pattern and GET are refused in cluster mode (they would
//! read keys of other slots), so what is left sorts a list, set or sorted
//! set by its own elements (numerically, or ALPHA), or not at all under a
//! constant BY, then cuts LIMIT and replies or STOREs a list.

use super::object::Limits;
use super::Call;
use super::{int_arg, syntax_error, wrong_type};
use crate::keyspace::notify::class;
use crate::keyspace::Data;
use crate::resp::Value;
use std::cmp::Ordering;

/// `SORT key [BY constant] [LIMIT offset count] [ASC|DESC] [ALPHA] [STORE destination]`.
pub fn sort(c: &mut Call) -> Value {
    generic(c, false)
}

/// `SORT_RO key …`: SORT without STORE.
pub fn sort_ro(c: &mut Call) -> Value {
    generic(c, true)
}

/// What the options asked for.
struct Request<'a> {
    desc: bool,
    alpha: bool,
    /// A BY pattern without `*`: nothing is sorted.
    dontsort: bool,
    limit_start: i64,
    limit_count: i64,
    store: Option<&'a [u8]>,
}

/// `sortCommandGeneric`'s option loop, with its errors.
fn parse(args: &[Vec<u8>], readonly: bool) -> Result<Request<'_>, Value> {
    let mut r = Request {
        desc: false,
        alpha: false,
        dontsort: false,
        limit_start: 0,
        limit_count: -1,
        store: None,
    };
    let mut j = 2;
    while j < args.len() {
        let left = args.len() - j - 1;
        match args[j].to_ascii_lowercase().as_slice() {
            b"asc" => r.desc = false,
            b"desc" => r.desc = true,
            b"alpha" => r.alpha = true,
            b"limit" if left >= 2 => {
                r.limit_start = int_arg(&args[j + 1])?;
                r.limit_count = int_arg(&args[j + 2])?;
                j += 2;
            }
            b"store" if !readonly && left >= 1 => {
                r.store = Some(&args[j + 1]);
                j += 1;
            }
            b"by" if left >= 1 => {
                if args[j + 1].contains(&b'*') {
                    return Err(Value::err("ERR BY option of SORT denied in Cluster mode."));
                }
                r.dontsort = true;
                j += 1;
            }
            b"get" if left >= 1 => {
                return Err(Value::err("ERR GET option of SORT denied in Cluster mode."));
            }
            _ => return Err(syntax_error()),
        }
        j += 1;
    }
    Ok(r)
}

/// The elements of the value to sort, and whether it is a set (lists and
/// sorted sets keep their order under a constant BY; a set does not).
/// A set is walked in its encoding's order: an intset by value, a hash
/// table by member here (Redis's is its table's, seeded per process).
fn elements(data: Option<&Data>, limits: &Limits) -> Result<(Vec<Vec<u8>>, bool), Value> {
    Ok(match data {
        None => (Vec::new(), false),
        Some(Data::List(l)) => (l.iter().cloned().collect(), false),
        Some(d @ Data::Set(s)) => {
            let mut v: Vec<Vec<u8>> = s.iter().cloned().collect();
            if limits.encoding(d) == "intset" {
                crate::sorted::sort_by_key(&mut v, |m| crate::resp::parse_i64(m).unwrap_or(0));
            }
            (v, true)
        }
        Some(Data::ZSet(z)) => (
            super::zsets::ordered(z)
                .into_iter()
                .map(|(m, _)| m.to_vec())
                .collect(),
            false,
        ),
        Some(_) => return Err(wrong_type()),
    })
}

/// The LIMIT window over `len` elements (`sortCommandGeneric`'s clamps):
/// first index and how many.
fn window(len: i64, limit_start: i64, limit_count: i64) -> (usize, usize) {
    let mut start = limit_start.max(0).min(len);
    let count = limit_count.max(-1).min(len);
    let mut end = if count < 0 {
        len - 1
    } else {
        start + count - 1
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }
    ((start.max(0)) as usize, (end - start + 1).max(0) as usize)
}

/// The element's score for a numeric sort: strtod over the text up to a
/// NUL (C string), leading spaces allowed, nothing after the number;
/// NaN and ERANGE (overflow, underflow) fail. An empty text is 0.
fn numeric(elem: &[u8]) -> Option<f64> {
    let text = elem.split(|&b| b == 0).next().unwrap_or(&[]);
    if text.is_empty() {
        return Some(0.0);
    }
    let start = text
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .unwrap_or(text.len());
    let d = super::geo::parse_double(&text[start..])?;
    (d == 0.0 || !d.is_finite() || d.abs() >= f64::MIN_POSITIVE).then_some(d)
}

/// `strcoll` in the C/C.UTF-8 locale: bytes up to the first NUL.
fn collate(a: &[u8], b: &[u8]) -> Ordering {
    let c = |s: &[u8]| s.iter().position(|&x| x == 0).map_or(s.len(), |i| i);
    a[..c(a)].cmp(&b[..c(b)])
}

fn generic(c: &mut Call, readonly: bool) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let mut r = match parse(args, readonly) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let limits = Limits::of(node.config());
    let (items, is_set) = match elements(node.keyspace_mut().get(now, &args[1]), &limits) {
        Ok(v) => v,
        Err(e) => return e,
    };
    // A set under a constant BY is sorted ALPHA anyway when stored, so
    // the stored list does not depend on the set's internal order.
    if r.dontsort && is_set && r.store.is_some() {
        r.dontsort = false;
        r.alpha = true;
    }
    let (start, len) = window(items.len() as i64, r.limit_start, r.limit_count);
    let output: Vec<Vec<u8>> = if r.dontsort {
        let ordered: Box<dyn Iterator<Item = Vec<u8>>> = if r.desc && !is_set {
            Box::new(items.into_iter().rev())
        } else {
            Box::new(items.into_iter())
        };
        ordered.skip(start).take(len).collect()
    } else if r.alpha {
        let mut items = items;
        let binary = r.store.is_some();
        crate::sorted::sort_by(&mut items, |a, b| {
            let o = if binary { a.cmp(b) } else { collate(a, b) };
            if r.desc {
                o.reverse()
            } else {
                o
            }
        });
        items.into_iter().skip(start).take(len).collect()
    } else {
        let mut scored = Vec::with_capacity(items.len());
        for m in items {
            match numeric(&m) {
                Some(s) => scored.push((s, m)),
                None => return Value::err("ERR One or more scores can't be converted into double"),
            }
        }
        crate::sorted::sort_by(&mut scored, |a, b| {
            let o =
                a.0.partial_cmp(&b.0)
                    .unwrap_or(Ordering::Equal)
                    .then_with(|| a.1.cmp(&b.1));
            if r.desc {
                o.reverse()
            } else {
                o
            }
        });
        scored
            .into_iter()
            .skip(start)
            .take(len)
            .map(|(_, m)| m)
            .collect()
    };
    match r.store {
        None => Value::Array(output.into_iter().map(Value::Bulk).collect()),
        Some(dst) => {
            let n = output.len() as i64;
            let ks = node.keyspace_mut();
            let changed = if output.is_empty() {
                let deleted = ks.remove(now, dst).is_some();
                if deleted {
                    ks.notify(class::GENERIC, "del", dst);
                }
                deleted
            } else {
                ks.set(dst, Data::List(output.into()));
                ks.notify(class::LIST, "sortstore", dst);
                true
            };
            if changed {
                node.propagate(args);
            }
            Value::Integer(n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sortCommandGeneric`'s LIMIT clamps: a start past the end selects
    /// nothing, a negative count everything from the start.
    #[test]
    fn limit_windows_clamp_as_redis() {
        assert_eq!(window(5, 0, -1), (0, 5));
        assert_eq!(window(5, 1, 2), (1, 2));
        assert_eq!(window(5, -3, 2), (0, 2));
        assert_eq!(window(5, 4, 10), (4, 1));
        assert_eq!(window(5, 5, 1), (4, 0));
        assert_eq!(window(5, 2, 0), (2, 0));
        assert_eq!(window(0, 0, -1), (0, 0));
        assert_eq!(window(3, i64::MAX, i64::MIN), (2, 0));
    }

    /// strtod's view of elements: the text before a NUL, leading spaces,
    /// no trailing garbage, no NaN, no ERANGE.
    #[test]
    fn elements_convert_as_strtod() {
        assert_eq!(numeric(b""), Some(0.0));
        assert_eq!(numeric(b"  1.5"), Some(1.5));
        assert_eq!(numeric(b"2\0x"), Some(2.0));
        assert_eq!(numeric(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(numeric(b"1 "), None);
        assert_eq!(numeric(b" "), None);
        assert_eq!(numeric(b"nan"), None);
        assert_eq!(numeric(b"1e999"), None);
        assert_eq!(numeric(b"1e-320"), None);
        assert_eq!(collate(b"a\0z", b"a\0b"), Ordering::Equal);
    }
}
