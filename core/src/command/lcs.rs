//! `LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]`
//! (`lcsCommand`): the longest common subsequence of two strings by the
//! textbook dynamic programme, walked back from the end; IDX lists the
//! matching ranges as Redis finds them (last first).

use super::{int_arg, syntax_error, Call};
use crate::config::params;
use crate::keyspace::Data;
use crate::resp::Value;

pub fn lcs(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let mut strings = [Vec::new(), Vec::new()];
    for (s, key) in strings.iter_mut().zip(&args[1..3]) {
        match ks.get(now, key) {
            None => {}
            Some(Data::Str(v)) => *s = v.to_vec(),
            Some(_) => return Value::err("ERR The specified keys must contain string values"),
        }
    }
    let (mut getlen, mut getidx, mut withmatchlen, mut minmatchlen) = (false, false, false, 0u64);
    let mut j = 3;
    while j < args.len() {
        let more = args.len() - 1 - j;
        let opt = &args[j];
        if opt.eq_ignore_ascii_case(b"idx") {
            getidx = true;
        } else if opt.eq_ignore_ascii_case(b"len") {
            getlen = true;
        } else if opt.eq_ignore_ascii_case(b"withmatchlen") {
            withmatchlen = true;
        } else if opt.eq_ignore_ascii_case(b"minmatchlen") && more > 0 {
            minmatchlen = match int_arg(&args[j + 1]) {
                Ok(n) => n.max(0) as u64,
                Err(e) => return e,
            };
            j += 1;
        } else {
            return syntax_error();
        }
        j += 1;
    }
    if getlen && getidx {
        return Value::err("ERR If you want both the length and indexes, please just use IDX.");
    }
    let [a, b] = &strings;
    let (alen, blen) = (a.len(), b.len());
    // The table Redis allocates: 4 bytes a cell, refused past proto-max-bulk-len.
    let cells = (alen as u64 + 1) * (blen as u64 + 1);
    let max_bulk = params::find(b"proto-max-bulk-len")
        .map(|p| node.config().param_value(p))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(512 << 20);
    if cells.saturating_mul(4) > max_bulk {
        return Value::err(
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        );
    }
    let width = blen + 1;
    let mut t = vec![0u32; (alen + 1) * width];
    for i in 1..=alen {
        for j in 1..=blen {
            t[i * width + j] = if a[i - 1] == b[j - 1] {
                t[(i - 1) * width + j - 1] + 1
            } else {
                t[(i - 1) * width + j].max(t[i * width + j - 1])
            };
        }
    }
    let total = t[alen * width + blen];
    if getlen {
        return Value::Integer(total as i64);
    }
    let mut result = vec![0u8; total as usize];
    let mut idx = total as usize;
    let mut matches = Vec::new();
    // `arange_start == alen` means "no range open", as in Redis.
    let (mut astart, mut aend, mut bstart, mut bend) = (alen, 0, 0, 0);
    let (mut i, mut j) = (alen, blen);
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[idx - 1] = a[i - 1];
            if astart == alen {
                (astart, aend, bstart, bend) = (i - 1, i - 1, j - 1, j - 1);
            } else if astart == i && bstart == j {
                astart -= 1;
                bstart -= 1;
            } else {
                emit = true;
            }
            if astart == 0 || bstart == 0 {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if t[(i - 1) * width + j] > t[i * width + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            if astart != alen {
                emit = true;
            }
        }
        let match_len = (aend as i64 - astart as i64 + 1) as u64;
        if emit {
            if minmatchlen == 0 || match_len >= minmatchlen {
                let range = |s: usize, e: usize| {
                    Value::Array(vec![Value::Integer(s as i64), Value::Integer(e as i64)])
                };
                let mut m = vec![range(astart, aend), range(bstart, bend)];
                if withmatchlen {
                    m.push(Value::Integer(match_len as i64));
                }
                matches.push(Value::Array(m));
            }
            astart = alen;
        }
    }
    if getidx {
        return Value::Map(vec![
            (Value::bulk("matches"), Value::Array(matches)),
            (Value::bulk("len"), Value::Integer(total as i64)),
        ]);
    }
    Value::Bulk(result)
}
