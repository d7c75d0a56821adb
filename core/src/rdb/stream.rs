//! Streams in an RDB (`RDB_TYPE_STREAM_LISTPACKS_2`, what 7.0 writes):
//! each node's master ID and listpack, the stream's counters, then the
//! consumer groups with their PEL (ID, delivery time, count) and their
//! consumers (name, seen time, the IDs they own). The same bytes go into
//! DUMP payloads, MIGRATE and full resyncs, so streams move between this
//! node and real Redis 7.0 nodes both ways.

use super::{compact, put_len, put_string, BadFormat, Reader};
use crate::keyspace::stream::{Consumer, Group, Nack, Stream, StreamId};

/// `RDB_TYPE_STREAM_LISTPACKS_2`.
pub const TYPE_STREAM_LISTPACKS_2: u8 = 19;

/// `rdbSaveObject` for a stream.
pub fn write(out: &mut Vec<u8>, s: &Stream) {
    out.push(TYPE_STREAM_LISTPACKS_2);
    put_len(out, s.rax_keys() as u64);
    for (master, lp) in s.listpacks() {
        put_string(out, &master.encode());
        put_string(out, &lp);
    }
    put_len(out, s.len());
    for id in [s.last_id, s.first_id, s.max_deleted] {
        put_len(out, id.ms);
        put_len(out, id.seq);
    }
    put_len(out, s.entries_added);
    put_len(out, s.groups.len() as u64);
    for (name, g) in &s.groups {
        put_string(out, name);
        put_len(out, g.last_id.ms);
        put_len(out, g.last_id.seq);
        // -1 (no counter) is saved as its unsigned image, as C does.
        put_len(out, g.entries_read as u64);
        put_len(out, g.pel.len() as u64);
        for (id, nack) in &g.pel {
            out.extend_from_slice(&id.encode());
            out.extend_from_slice(&nack.delivery_time.to_le_bytes());
            put_len(out, nack.delivery_count);
        }
        put_len(out, g.consumers.len() as u64);
        for (name, c) in &g.consumers {
            put_string(out, name);
            out.extend_from_slice(&c.seen_time.to_le_bytes());
            put_len(out, c.pel.len() as u64);
            for id in &c.pel {
                out.extend_from_slice(&id.encode());
            }
        }
    }
}

/// `rdbLoadObject` for a stream; a PEL entry no consumer owns, or a
/// consumer's entry missing from its group's PEL, is refused (Redis's
/// deep sanitization refuses both).
pub fn read(r: &mut Reader) -> Result<Stream, BadFormat> {
    let n = r.count()?;
    let mut nodes = Vec::new();
    for _ in 0..n {
        let master = StreamId::decode(&r.string()?).ok_or(BadFormat)?;
        let items = compact::listpack(&r.string()?)?;
        if nodes.iter().any(|(m, _)| *m == master) {
            return Err(BadFormat);
        }
        nodes.push((master, items));
    }
    let mut s = Stream::from_nodes(nodes).ok_or(BadFormat)?;
    if r.length()? != s.len() {
        return Err(BadFormat);
    }
    s.last_id = id(r)?;
    s.first_id = id(r)?;
    s.max_deleted = id(r)?;
    s.entries_added = r.length()?;
    for _ in 0..r.count()? {
        let name = r.string()?;
        let mut g = Group::new(id(r)?, r.length()? as i64);
        let mut owned = std::collections::BTreeSet::new();
        for _ in 0..r.count()? {
            let pid = StreamId::decode(r.take(16)?).ok_or(BadFormat)?;
            let time = u64::from_le_bytes(r.take(8)?.try_into().map_err(|_| BadFormat)?);
            let nack = Nack {
                consumer: Vec::new(),
                delivery_time: time,
                delivery_count: r.length()?,
            };
            if g.pel.insert(pid, nack).is_some() {
                return Err(BadFormat);
            }
        }
        for _ in 0..r.count()? {
            let cname = r.string()?;
            let seen_time = u64::from_le_bytes(r.take(8)?.try_into().map_err(|_| BadFormat)?);
            let mut c = Consumer {
                seen_time,
                ..Consumer::default()
            };
            for _ in 0..r.count()? {
                let pid = StreamId::decode(r.take(16)?).ok_or(BadFormat)?;
                let nack = g.pel.get_mut(&pid).ok_or(BadFormat)?;
                if !owned.insert(pid) {
                    return Err(BadFormat);
                }
                nack.consumer = cname.clone();
                c.pel.insert(pid);
            }
            if g.consumers.insert(cname, c).is_some() {
                return Err(BadFormat);
            }
        }
        if owned.len() != g.pel.len() || s.groups.insert(name, g).is_some() {
            return Err(BadFormat);
        }
    }
    Ok(s)
}

fn id(r: &mut Reader) -> Result<StreamId, BadFormat> {
    Ok(StreamId::new(r.length()?, r.length()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Stream {
        let mut s = Stream::new();
        for ms in 1..=5 {
            let fields = vec![(b"f".to_vec(), ms.to_string().into_bytes())];
            s.append(fields, Some((ms, Some(0))), 0, 4096, 2).unwrap();
        }
        s.delete(StreamId::new(2, 0));
        let mut g = Group::new(StreamId::new(3, 0), 3);
        for (id, who) in [(1, "alice"), (3, "bob")] {
            let id = StreamId::new(id, 0);
            g.pel.insert(
                id,
                Nack {
                    consumer: who.as_bytes().to_vec(),
                    delivery_time: 1000 + id.ms,
                    delivery_count: 2,
                },
            );
            g.consumers
                .entry(who.as_bytes().to_vec())
                .or_default()
                .pel
                .insert(id);
        }
        g.consumers.insert(b"idle".to_vec(), Consumer::default());
        s.groups.insert(b"g".to_vec(), g);
        s.groups
            .insert(b"fresh".to_vec(), Group::new(StreamId::MIN, INVALID));
        s
    }

    const INVALID: i64 = crate::keyspace::stream::INVALID_ENTRIES_READ;

    /// `rdbSaveObject` then `rdbLoadObject` give the same stream: nodes,
    /// tombstones, counters, groups (an unknown read counter too), PEL.
    #[test]
    fn streams_round_trip() {
        let s = sample();
        let mut out = Vec::new();
        write(&mut out, &s);
        assert_eq!(out[0], TYPE_STREAM_LISTPACKS_2);
        let mut r = Reader(&out[1..]);
        assert_eq!(read(&mut r), Ok(s));
        assert!(r.0.is_empty());
    }

    /// A PEL entry no consumer owns, or owned twice, is refused.
    #[test]
    fn orphan_or_shared_pending_entries_are_refused() {
        let mut orphan = sample();
        let g = orphan.groups.get_mut(&b"g"[..]).unwrap();
        g.consumers.get_mut(&b"bob"[..]).unwrap().pel.clear();
        let mut shared = sample();
        let g = shared.groups.get_mut(&b"g"[..]).unwrap();
        let one = StreamId::new(1, 0);
        g.consumers.get_mut(&b"bob"[..]).unwrap().pel.insert(one);
        for bad in [orphan, shared] {
            let mut out = Vec::new();
            write(&mut out, &bad);
            assert_eq!(read(&mut Reader(&out[1..])), Err(BadFormat));
        }
    }
}
