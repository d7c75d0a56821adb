//! Sorted-set algebra (t_zset.c's `zunionInterDiffGenericCommand`):
//! ZUNION, ZINTER, ZDIFF, ZINTERCARD and their STORE forms share one
//! parser, so numkeys, WRONGTYPE, WEIGHTS/AGGREGATE/WITHSCORES/LIMIT and
//! their errors come in Redis's order for all of them.

use super::collections::parse_score;
use super::object::Limits;
use super::zsets::{members_reply, sorted, store_or_delete};
use super::Call;
use super::{int_arg, syntax_error, wrong_type};
use crate::keyspace::Data;
use crate::resp::Value;
use std::collections::BTreeMap;

/// Which operation.
#[derive(Clone, Copy, PartialEq)]
enum Op {
    Union,
    Inter,
    Diff,
}

/// How scores of a member found in several inputs combine.
#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

impl Aggregate {
    /// `zunionInterAggregate`: a NaN sum (`inf + -inf`) becomes 0.
    fn apply(self, acc: f64, v: f64) -> f64 {
        match self {
            Aggregate::Sum => {
                let s = acc + v;
                if s.is_nan() {
                    0.0
                } else {
                    s
                }
            }
            Aggregate::Min => acc.min(v),
            Aggregate::Max => acc.max(v),
        }
    }
}

/// One input: its members (a set's count with score 1) and its weight.
struct Source {
    members: BTreeMap<Vec<u8>, f64>,
    weight: f64,
}

/// What the command does with the result.
enum Output<'a> {
    /// ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE: into this key.
    Store(&'a [u8]),
    /// ZUNION/ZINTER/ZDIFF: as a reply.
    Reply,
    /// ZINTERCARD: only the count.
    Cardinality,
}

/// `zunionInterDiffGenericCommand`: numkeys at `args[numkeys_at]`, the
/// inputs' types, then the options; `name` is the command's name for
/// the "at least 1 input key" error.
fn generic(c: &mut Call, name: &str, numkeys_at: usize, op: Op, out: Output) -> Value {
    let now = c.now;
    let args = c.args;
    let (now, args, proto) = (now, args, c.client.proto);
    let num = match int_arg(&args[numkeys_at]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    if num < 1 {
        return Value::err(format!(
            "ERR at least 1 input key is needed for '{name}' command"
        ));
    }
    if num > (args.len() - numkeys_at - 1) as i64 {
        return syntax_error();
    }
    let num = num as usize;
    let first = numkeys_at + 1;
    let limits = Limits::of(c.server().config());
    let mut srv = c.server();
    let ks = srv.keyspace_mut();
    let mut sources = Vec::with_capacity(num);
    for key in &args[first..first + num] {
        let members = match ks.get(now, key) {
            None => BTreeMap::new(),
            Some(Data::ZSet(z)) => z.to_map(),
            Some(Data::Set(s)) => crate::sorted::map(s.iter().map(|m| (m.clone(), 1.0))),
            Some(_) => return wrong_type(),
        };
        sources.push(Source {
            members,
            weight: 1.0,
        });
    }
    let cardinality_only = matches!(out, Output::Cardinality);
    let store = matches!(out, Output::Store(_));
    let (mut aggregate, mut withscores, mut limit) = (Aggregate::Sum, false, 0usize);
    let mut j = first + num;
    while j < args.len() {
        let remaining = args.len() - j;
        let word = args[j].to_ascii_lowercase();
        let algebra = op != Op::Diff && !cardinality_only;
        if algebra && remaining > num && word == b"weights" {
            for (src, w) in sources.iter_mut().zip(&args[j + 1..=j + num]) {
                match parse_score(w) {
                    Some(w) => src.weight = w,
                    None => return Value::err("ERR weight value is not a float"),
                }
            }
            j += 1 + num;
        } else if algebra && remaining >= 2 && word == b"aggregate" {
            aggregate = match args[j + 1].to_ascii_lowercase().as_slice() {
                b"sum" => Aggregate::Sum,
                b"min" => Aggregate::Min,
                b"max" => Aggregate::Max,
                _ => return syntax_error(),
            };
            j += 2;
        } else if !store && !cardinality_only && word == b"withscores" {
            withscores = true;
            j += 1;
        } else if cardinality_only && remaining >= 2 && word == b"limit" {
            limit = match int_arg(&args[j + 1]) {
                Ok(n) if n >= 0 => n as usize,
                _ => return Value::err("ERR LIMIT can't be negative"),
            };
            j += 2;
        } else {
            return syntax_error();
        }
    }
    if op != Op::Diff {
        // Redis walks the inputs from the smallest, which fixes the order
        // scores are added in (and so their last bits).
        crate::sorted::sort_by_key(&mut sources, |s| s.members.len());
    }
    let weigh = |score: f64, w: f64| {
        let s = score * w;
        if s.is_nan() {
            0.0
        } else {
            s
        }
    };
    let mut result: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
    let mut card = 0usize;
    match op {
        Op::Inter => {
            // Members of the smallest input in its order (score, member),
            // so ZINTERCARD's LIMIT stops where Redis's does.
            for (m, s) in sorted(&sources[0].members) {
                let mut acc = weigh(s, sources[0].weight);
                let everywhere = sources[1..].iter().all(|src| match src.members.get(m) {
                    Some(v) => {
                        acc = aggregate.apply(acc, *v * src.weight);
                        true
                    }
                    None => false,
                });
                if !everywhere {
                    continue;
                }
                if cardinality_only {
                    card += 1;
                    if limit != 0 && card >= limit {
                        break;
                    }
                } else {
                    result.insert(m.to_vec(), acc);
                }
            }
        }
        Op::Union => {
            for src in &sources {
                for (m, s) in &src.members {
                    let s = weigh(*s, src.weight);
                    result
                        .entry(m.clone())
                        .and_modify(|acc| *acc = aggregate.apply(*acc, s))
                        .or_insert(s);
                }
            }
        }
        Op::Diff => {
            for (m, s) in &sources[0].members {
                if !sources[1..].iter().any(|src| src.members.contains_key(m)) {
                    result.insert(m.clone(), *s);
                }
            }
        }
    }
    match out {
        Output::Cardinality => Value::Integer(card as i64),
        Output::Reply => {
            let items = sorted(&result)
                .into_iter()
                .map(|(m, s)| (m.to_vec(), s))
                .collect();
            members_reply(items, withscores, proto)
        }
        Output::Store(dst) => {
            let count = result.len() as i64;
            let event = match op {
                Op::Union => "zunionstore",
                Op::Inter => "zinterstore",
                Op::Diff => "zdiffstore",
            };
            if store_or_delete(ks, limits, now, dst, result, event) {
                c.server().propagate(args);
            }
            Value::Integer(count)
        }
    }
}

/// `ZUNIONSTORE destination numkeys key… [WEIGHTS w…] [AGGREGATE SUM|MIN|MAX]`:
/// streamed when it stored, or deleted an existing destination.
pub fn zunionstore(c: &mut Call) -> Value {
    let dst = c.args[1].clone();
    generic(c, "zunionstore", 2, Op::Union, Output::Store(&dst))
}

/// `ZINTERSTORE destination numkeys key… [WEIGHTS w…] [AGGREGATE SUM|MIN|MAX]`.
pub fn zinterstore(c: &mut Call) -> Value {
    let dst = c.args[1].clone();
    generic(c, "zinterstore", 2, Op::Inter, Output::Store(&dst))
}

/// `ZDIFFSTORE destination numkeys key…`.
pub fn zdiffstore(c: &mut Call) -> Value {
    let dst = c.args[1].clone();
    generic(c, "zdiffstore", 2, Op::Diff, Output::Store(&dst))
}

/// `ZUNION numkeys key… [WEIGHTS w…] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]`.
pub fn zunion(c: &mut Call) -> Value {
    generic(c, "zunion", 1, Op::Union, Output::Reply)
}

/// `ZINTER numkeys key… [WEIGHTS w…] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]`.
pub fn zinter(c: &mut Call) -> Value {
    generic(c, "zinter", 1, Op::Inter, Output::Reply)
}

/// `ZDIFF numkeys key… [WITHSCORES]`: the first input's members found
/// in no other, with their own scores.
pub fn zdiff(c: &mut Call) -> Value {
    generic(c, "zdiff", 1, Op::Diff, Output::Reply)
}

/// `ZINTERCARD numkeys key… [LIMIT limit]`: the intersection's size,
/// counting stopped at `limit` (0: no limit).
pub fn zintercard(c: &mut Call) -> Value {
    generic(c, "zintercard", 1, Op::Inter, Output::Cardinality)
}
