//! XRANGE, XREVRANGE, XREAD and XREADGROUP. A group read changes the
//! group (last delivered ID, read counter, PEL), which replicas learn as
//! 7.0 streams it: one `XCLAIM … FORCE JUSTID LASTID` per delivered entry,
//! `XGROUP SETID … ENTRIESREAD` after a NOACK read, `XGROUP
//! CREATECONSUMER` for a consumer a NOACK read created.

use super::{entry_reply, id_reply, interval_id, lookup, no_group, stream_mut, strict_id};
use crate::command::blocking::{block, may_block};
use crate::command::{int_arg, syntax_error, Call, KeyWait, Outcome};
use crate::keyspace::notify::class;
use crate::keyspace::stream::{Consumer, Group, Nack, Stream, StreamId};
use crate::node::ServerCtx;
use crate::resp::{Protocol, Value};
use crate::time::Time;

/// `COUNT n` of the range commands: negative means 0, which replies nil.
fn range_count(args: &[Vec<u8>]) -> Result<Option<u64>, Value> {
    let mut count = None;
    let mut j = 4;
    while j < args.len() {
        if args[j].eq_ignore_ascii_case(b"count") && j + 1 < args.len() {
            count = Some(int_arg(&args[j + 1])?.max(0) as u64);
            j += 2;
        } else {
            return Err(syntax_error());
        }
    }
    Ok(count)
}

/// `xrangeGenericCommand`: bounds (inclusive, or exclusive with `(`),
/// then COUNT, then the key; `COUNT 0` is a nil array.
fn range(c: &mut Call, rev: bool) -> Value {
    let args = c.args;
    let (start_arg, end_arg) = if rev {
        (&args[3], &args[2])
    } else {
        (&args[2], &args[3])
    };
    let bounds = interval_id(start_arg, true).and_then(|s| Ok((s, interval_id(end_arg, false)?)));
    let (start, end) = match bounds {
        Ok(b) => b,
        Err(e) => return e,
    };
    let count = match range_count(args) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let s = match lookup(c, &args[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Value::Array(Vec::new()),
        Err(e) => return e,
    };
    let take = match count {
        Some(0) => return Value::NullArray,
        Some(n) => n as usize,
        None => usize::MAX,
    };
    let entries: Vec<Value> = if rev {
        s.range(start, end)
            .rev()
            .take(take)
            .map(entry_reply)
            .collect()
    } else {
        s.range(start, end).take(take).map(entry_reply).collect()
    };
    Value::Array(entries)
}

/// `XRANGE key start end [COUNT n]`.
pub fn xrange(c: &mut Call) -> Value {
    range(c, false)
}

/// `XREVRANGE key end start [COUNT n]`.
pub fn xrevrange(c: &mut Call) -> Value {
    range(c, true)
}

/// `XREAD [COUNT n] [BLOCK ms] STREAMS key… id…`.
pub fn xread(c: &mut Call) -> Outcome {
    read(c, false)
}

/// `XREADGROUP GROUP g consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key… id…`.
pub fn xreadgroup(c: &mut Call) -> Outcome {
    read(c, true)
}

/// `XREAD_BLOCKED_DEFAULT_COUNT`: a blocked read without COUNT is served
/// at most this many entries.
const BLOCKED_DEFAULT_COUNT: u64 = 1000;

/// What `xreadCommand` parsed.
struct ReadArgs {
    /// BLOCK's timeout: `None` without BLOCK, `Some(None)` forever.
    block: Option<Option<u64>>,
    count: u64,
    streams_at: usize,
    keys: usize,
    group: Option<(Vec<u8>, Vec<u8>)>,
    noack: bool,
}

fn parse_read(c: &Call, group_cmd: bool) -> Result<ReadArgs, Value> {
    let args = c.args;
    let mut r = ReadArgs {
        block: None,
        count: 0,
        streams_at: 0,
        keys: 0,
        group: None,
        noack: false,
    };
    let mut i = 1;
    while i < args.len() {
        let more = args.len() - i - 1;
        let o = &args[i];
        if o.eq_ignore_ascii_case(b"block") && more > 0 {
            if c.client.in_script {
                return Err(Value::err(format!(
                    "ERR {} command is not allowed with BLOCK option from scripts",
                    String::from_utf8_lossy(&args[0])
                )));
            }
            i += 1;
            // `getTimeoutFromObjectOrReply(…, UNIT_MILLISECONDS)`.
            r.block = match int_arg(&args[i]) {
                Ok(t) if t < 0 => return Err(Value::err("ERR timeout is negative")),
                Ok(0) => Some(None),
                Ok(t) => Some(Some(t as u64)),
                Err(_) => return Err(Value::err("ERR timeout is not an integer or out of range")),
            };
        } else if o.eq_ignore_ascii_case(b"count") && more > 0 {
            i += 1;
            r.count = int_arg(&args[i])?.max(0) as u64;
        } else if o.eq_ignore_ascii_case(b"streams") && more > 0 {
            r.streams_at = i + 1;
            let n = args.len() - r.streams_at;
            if !n.is_multiple_of(2) {
                return Err(Value::err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."));
            }
            r.keys = n / 2;
            break;
        } else if o.eq_ignore_ascii_case(b"group") && more >= 2 {
            if !group_cmd {
                return Err(Value::err(
                    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            r.group = Some((args[i + 1].clone(), args[i + 2].clone()));
            i += 2;
        } else if o.eq_ignore_ascii_case(b"noack") {
            if !group_cmd {
                return Err(Value::err(
                    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            r.noack = true;
        } else {
            return Err(syntax_error());
        }
        i += 1;
    }
    if r.streams_at == 0 {
        return Err(syntax_error());
    }
    if group_cmd && r.group.is_none() {
        return Err(Value::err("ERR Missing GROUP option for XREADGROUP"));
    }
    Ok(r)
}

/// `xreadCommand`: every key and ID is checked first, then each stream
/// with something after its ID answers. Nothing to answer: a nil array,
/// or with BLOCK the wait for new entries (`blockForKeys`), `$` already
/// resolved to each stream's last ID.
fn read(c: &mut Call, group_cmd: bool) -> Outcome {
    let r = match parse_read(c, group_cmd) {
        Ok(r) => r,
        Err(e) => return Outcome::Reply(e),
    };
    let args = c.args;
    let keys = &args[r.streams_at..r.streams_at + r.keys];
    let mut ids = Vec::with_capacity(r.keys);
    for (key, arg) in keys.iter().zip(&args[r.streams_at + r.keys..]) {
        let s = match lookup(c, key) {
            Ok(s) => s,
            Err(e) => return Outcome::Reply(e),
        };
        if let Some((group, _)) = &r.group {
            if !s.as_ref().is_some_and(|s| s.groups.contains_key(group)) {
                return Outcome::Reply(no_group(key, group, " in XREADGROUP with GROUP option"));
            }
        }
        let id = match arg.as_slice() {
            b"$" if group_cmd => return Outcome::Reply(Value::err("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")),
            b"$" => s.map_or(StreamId::MIN, |s| s.last_id),
            b">" if !group_cmd => return Outcome::Reply(Value::err("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")),
            b">" => StreamId::MAX,
            _ => match strict_id(arg) {
                Ok(id) => id,
                Err(e) => return Outcome::Reply(e),
            },
        };
        ids.push(id);
    }
    let mut served = Vec::new();
    for (key, gt) in keys.iter().zip(ids.iter().copied()) {
        let now = c.now;
        let node = &mut c.server();
        let Ok(Some(s)) = stream_mut(node.keyspace_mut(), now, key) else {
            continue;
        };
        let mut sent = Vec::new();
        let mut created = false;
        let entries = match &r.group {
            None => match s.last_valid_id() {
                Some(top) if top > gt => plain_entries(s, gt, r.count),
                _ => continue,
            },
            Some((group, consumer)) => {
                let history = gt != StreamId::MAX;
                let mut g = s.groups.remove(group).expect("checked above");
                let from = if history {
                    Some(gt)
                } else {
                    s.last_valid_id()
                        .filter(|top| *top > g.last_id)
                        .map(|_| g.last_id)
                };
                let reply = from.map(|from| {
                    let start = from.incr().unwrap_or(StreamId::MIN);
                    let read = GroupRead {
                        key,
                        group,
                        consumer,
                        count: r.count,
                        noack: r.noack,
                        now: now.ms(),
                    };
                    if history {
                        read.history(s, &mut g, start, &mut created)
                    } else {
                        read.new_entries(s, &mut g, start, &mut sent, &mut created)
                    }
                });
                s.groups.insert(group.clone(), g);
                match reply {
                    Some(entries) => entries,
                    None => continue,
                }
            }
        };
        finish_group_read(node, key, created, sent);
        served.push((key.clone(), entries));
    }
    if !served.is_empty() {
        return Outcome::Reply(streams_reply(served, c.client.proto == Protocol::Resp3));
    }
    let Some(timeout) = r.block else {
        return Outcome::Reply(Value::NullArray);
    };
    if !may_block(c) {
        return Outcome::Reply(Value::NullArray);
    }
    let wait = StreamWait {
        ids: keys.iter().cloned().zip(ids).collect(),
        count: if r.count == 0 {
            BLOCKED_DEFAULT_COUNT
        } else {
            r.count
        },
        group: r.group.map(|(group, consumer)| GroupWait {
            group,
            consumer,
            noack: r.noack,
        }),
        resp3: c.client.proto == Protocol::Resp3,
    };
    block(c, keys.to_vec(), timeout, KeyWait::Stream(Box::new(wait)))
}

/// Entries after `gt`, at most `count` (0: all).
fn plain_entries(s: &Stream, gt: StreamId, count: u64) -> Vec<Value> {
    let Some(start) = gt.incr() else {
        return Vec::new();
    };
    let take = if count == 0 {
        usize::MAX
    } else {
        count as usize
    };
    s.range(start, StreamId::MAX)
        .take(take)
        .map(entry_reply)
        .collect()
}

/// After a group read: `xgroup-createconsumer` if it created its consumer,
/// then what it streams (XCLAIMs, SETID, CREATECONSUMER).
fn finish_group_read(node: &mut ServerCtx, key: &[u8], created: bool, sent: Vec<Vec<Vec<u8>>>) {
    if created {
        node.keyspace_mut()
            .notify(class::STREAM, "xgroup-createconsumer", key);
    }
    for op in sent {
        node.propagate(&op);
    }
}

/// XREAD's reply: `[[key, entries]…]`, a map in RESP3.
fn streams_reply(served: Vec<(Vec<u8>, Vec<Value>)>, resp3: bool) -> Value {
    if resp3 {
        Value::Map(
            served
                .into_iter()
                .map(|(k, e)| (Value::Bulk(k), Value::Array(e)))
                .collect(),
        )
    } else {
        Value::Array(
            served
                .into_iter()
                .map(|(k, e)| Value::Array(vec![Value::Bulk(k), Value::Array(e)]))
                .collect(),
        )
    }
}

/// A blocked XREAD/XREADGROUP (`bpop` with `BLOCKED_STREAM`).
#[derive(Clone, Debug)]
pub struct StreamWait {
    /// Each key with the ID its entries must follow (`$` resolved).
    ids: Vec<(Vec<u8>, StreamId)>,
    /// `bpop.xread_count`: COUNT, or 1000.
    count: u64,
    /// XREADGROUP's group and consumer (always reading `>`).
    group: Option<GroupWait>,
    /// The reader speaks RESP3 (a map reply).
    resp3: bool,
}

impl StreamWait {
    /// XREADGROUP (a write: it moves the group's cursor), not XREAD.
    pub fn is_group(&self) -> bool {
        self.group.is_some()
    }
}

#[derive(Clone, Debug)]
struct GroupWait {
    group: Vec<u8>,
    consumer: Vec<u8>,
    noack: bool,
}

impl StreamWait {
    /// `serveClientsBlockedOnStreamKey`, and `unblockDeletedStreamReadgroupClients`
    /// for a key that is gone or no longer a stream: the reply for `key`,
    /// or `None` while nothing follows the reader's ID (a group reader
    /// reads past its group's last ID, whatever other readers took).
    pub(crate) fn serve(&self, node: &mut ServerCtx, now: Time, key: &[u8]) -> Option<Value> {
        let s = match stream_mut(node.keyspace_mut(), now, key) {
            Ok(Some(s)) => s,
            _ if self.group.is_some() => {
                return Some(Value::err("UNBLOCKED the stream key no longer exists"))
            }
            _ => return None,
        };
        let Some(gw) = &self.group else {
            let gt = self.ids.iter().find(|(k, _)| k == key)?.1;
            if s.last_id <= gt {
                return None;
            }
            let entries = plain_entries(s, gt, self.count);
            return Some(streams_reply(vec![(key.to_vec(), entries)], self.resp3));
        };
        let Some(mut g) = s.groups.remove(&gw.group) else {
            return Some(Value::err(
                "NOGROUP the consumer group this client was blocked on no longer exists",
            ));
        };
        if s.last_id <= g.last_id {
            s.groups.insert(gw.group.clone(), g);
            return None;
        }
        let start = g.last_id.incr().unwrap_or(StreamId::MIN);
        let read = GroupRead {
            key,
            group: &gw.group,
            consumer: &gw.consumer,
            count: self.count,
            noack: gw.noack,
            now: now.ms(),
        };
        let (mut sent, mut created) = (Vec::new(), false);
        let entries = read.new_entries(s, &mut g, start, &mut sent, &mut created);
        s.groups.insert(gw.group.clone(), g);
        finish_group_read(node, key, created, sent);
        Some(streams_reply(vec![(key.to_vec(), entries)], self.resp3))
    }
}

/// One stream's read by a group's consumer.
struct GroupRead<'a> {
    key: &'a [u8],
    group: &'a [u8],
    consumer: &'a [u8],
    count: u64,
    noack: bool,
    now: u64,
}

impl GroupRead<'_> {
    /// `streamLookupConsumer` (refreshing its seen time) or
    /// `streamCreateConsumer`; true if it was created.
    fn consumer(&self, g: &mut Group) -> bool {
        match g.consumers.get_mut(self.consumer) {
            Some(c) => {
                c.seen_time = self.now;
                false
            }
            None => {
                g.consumers.insert(
                    self.consumer.to_vec(),
                    Consumer {
                        seen_time: self.now,
                        ..Consumer::default()
                    },
                );
                true
            }
        }
    }

    /// `streamReplyWithRangeFromConsumerPEL`: the consumer's own pending
    /// entries from `start` (an entry deleted since is `[id, nil]`), each
    /// delivered once more.
    fn history(
        &self,
        s: &Stream,
        g: &mut Group,
        start: StreamId,
        created: &mut bool,
    ) -> Vec<Value> {
        *created = self.consumer(g);
        let owned: Vec<StreamId> = g.consumers[self.consumer]
            .pel
            .range(start..)
            .take(if self.count == 0 {
                usize::MAX
            } else {
                self.count as usize
            })
            .copied()
            .collect();
        owned
            .into_iter()
            .map(|id| match s.get(id) {
                Some(e) => {
                    if let Some(n) = g.pel.get_mut(&id) {
                        n.delivery_time = self.now;
                        n.delivery_count = n.delivery_count.wrapping_add(1);
                    }
                    entry_reply(e)
                }
                None => Value::Array(vec![id_reply(id), Value::NullArray]),
            })
            .collect()
    }

    /// `streamReplyWithRange` with a group: entries after `start`, moving
    /// the group's last ID and read counter, each put in the PEL (unless
    /// NOACK) and streamed as an XCLAIM into `sent`.
    fn new_entries(
        &self,
        s: &Stream,
        g: &mut Group,
        start: StreamId,
        sent: &mut Vec<Vec<Vec<u8>>>,
        created: &mut bool,
    ) -> Vec<Value> {
        *created = self.consumer(g);
        if *created && self.noack {
            sent.push(vec![
                b"XGROUP".to_vec(),
                b"CREATECONSUMER".to_vec(),
                self.key.to_vec(),
                self.group.to_vec(),
                self.consumer.to_vec(),
            ]);
        }
        let take = if self.count == 0 {
            usize::MAX
        } else {
            self.count as usize
        };
        let mut out = Vec::new();
        let mut moved = false;
        for e in s.range(start, StreamId::MAX).take(take) {
            if e.id > g.last_id {
                s.advance_group(g, e.id);
                moved = true;
            }
            out.push(entry_reply(e));
            if self.noack {
                continue;
            }
            match g.pel.get_mut(&e.id) {
                Some(n) => {
                    n.delivery_time = self.now;
                    n.delivery_count = 1;
                }
                None => {
                    g.pel.insert(
                        e.id,
                        Nack {
                            consumer: self.consumer.to_vec(),
                            delivery_time: self.now,
                            delivery_count: 1,
                        },
                    );
                }
            }
            g.reassign(e.id, self.consumer);
            sent.push(xclaim_op(self.key, self.group, &e.id.to_bytes(), g, e.id));
        }
        if moved && self.noack {
            sent.push(setid_op(self.key, self.group, g));
        }
        out
    }
}

/// `streamPropagateXCLAIM`: `XCLAIM key group consumer 0 id TIME t
/// RETRYCOUNT n FORCE JUSTID LASTID last`, which recreates the pending
/// entry (or drops it, when the entry is gone) the same on a replica.
pub fn xclaim_op(key: &[u8], group: &[u8], id_arg: &[u8], g: &Group, id: StreamId) -> Vec<Vec<u8>> {
    let nack = &g.pel[&id];
    vec![
        b"XCLAIM".to_vec(),
        key.to_vec(),
        group.to_vec(),
        nack.consumer.clone(),
        b"0".to_vec(),
        id_arg.to_vec(),
        b"TIME".to_vec(),
        nack.delivery_time.to_string().into_bytes(),
        b"RETRYCOUNT".to_vec(),
        nack.delivery_count.to_string().into_bytes(),
        b"FORCE".to_vec(),
        b"JUSTID".to_vec(),
        b"LASTID".to_vec(),
        g.last_id.to_bytes(),
    ]
}

/// `streamPropagateGroupID`: `XGROUP SETID key group last ENTRIESREAD n`.
pub fn setid_op(key: &[u8], group: &[u8], g: &Group) -> Vec<Vec<u8>> {
    vec![
        b"XGROUP".to_vec(),
        b"SETID".to_vec(),
        key.to_vec(),
        group.to_vec(),
        g.last_id.to_bytes(),
        b"ENTRIESREAD".to_vec(),
        g.entries_read.to_string().into_bytes(),
    ]
}
