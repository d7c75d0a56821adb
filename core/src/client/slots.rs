//! What a cluster client learns from the servers: the slot map from
//! `CLUSTER SLOTS`, and the redirections in `-MOVED` / `-ASK` errors.

use crate::resp::Value;
use crate::slot::SLOTS;
use std::net::{IpAddr, SocketAddr};

/// Slot → master address, as the client believes it.
#[derive(Clone, Debug)]
pub struct SlotMap {
    owners: Vec<Option<SocketAddr>>,
}

impl Default for SlotMap {
    fn default() -> Self {
        SlotMap {
            owners: vec![None; SLOTS as usize],
        }
    }
}

impl SlotMap {
    /// The address of the node the client believes serves `slot`.
    pub fn get(&self, slot: u16) -> Option<SocketAddr> {
        self.owners.get(slot as usize).copied().flatten()
    }

    /// Records that `slot` is served at `addr` (after a MOVED).
    pub fn set(&mut self, slot: u16, addr: SocketAddr) {
        if let Some(o) = self.owners.get_mut(slot as usize) {
            *o = Some(addr);
        }
    }

    /// Slots with a known owner.
    pub fn covered(&self) -> usize {
        self.owners.iter().filter(|o| o.is_some()).count()
    }

    /// The masters, in slot order, each once.
    pub fn masters(&self) -> Vec<SocketAddr> {
        let mut out: Vec<SocketAddr> = Vec::new();
        for a in self.owners.iter().flatten() {
            if !out.contains(a) {
                out.push(*a);
            }
        }
        out
    }

    /// Reads a `CLUSTER SLOTS` reply as redis-py's `NodesManager.initialize`
    /// does: `[start, end, [host, port, id, …], replicas…]` per range, an
    /// empty host meaning the node that answered. `None` if it is not one.
    pub fn from_cluster_slots(reply: &Value, asked: SocketAddr) -> Option<SlotMap> {
        let Value::Array(ranges) = reply else {
            return None;
        };
        let mut map = SlotMap::default();
        for range in ranges {
            let Value::Array(fields) = range else {
                return None;
            };
            let (Some(Value::Integer(start)), Some(Value::Integer(end)), Some(master)) =
                (fields.first(), fields.get(1), fields.get(2))
            else {
                return None;
            };
            let addr = node_addr(master, asked)?;
            for s in *start..=*end {
                map.set(u16::try_from(s).ok()?, addr);
            }
        }
        Some(map)
    }
}

fn node_addr(node: &Value, asked: SocketAddr) -> Option<SocketAddr> {
    let Value::Array(f) = node else { return None };
    let (Some(Value::Bulk(host)), Some(Value::Integer(port))) = (f.first(), f.get(1)) else {
        return None;
    };
    let ip = if host.is_empty() {
        asked.ip()
    } else {
        std::str::from_utf8(host).ok()?.parse().ok()?
    };
    Some(SocketAddr::new(ip, u16::try_from(*port).ok()?))
}

/// The kind of redirection a server answered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectKind {
    /// `-MOVED`: the slot lives elsewhere for good; update the map.
    Moved,
    /// `-ASK`: this one command goes to the importing node, after ASKING.
    Ask,
}

/// A parsed `-MOVED <slot> <host>:<port>` or `-ASK …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// MOVED or ASK.
    pub kind: RedirectKind,
    /// The slot the server named.
    pub slot: u16,
    /// The node to ask instead (its client address).
    pub to: SocketAddr,
}

impl Redirect {
    /// Parses an error reply the way redis-cli does (`strrchr(':')`; an
    /// empty host keeps the host that answered).
    pub fn parse(error: &str, from: IpAddr) -> Option<Redirect> {
        let mut parts = error.split(' ');
        let kind = match parts.next()? {
            "MOVED" => RedirectKind::Moved,
            "ASK" => RedirectKind::Ask,
            _ => return None,
        };
        let slot: u16 = parts.next()?.parse().ok()?;
        let endpoint = parts.next()?;
        let (host, port) = endpoint.rsplit_once(':')?;
        let ip = if host.is_empty() {
            from
        } else {
            host.parse().ok()?
        };
        Some(Redirect {
            kind,
            slot,
            to: SocketAddr::new(ip, port.parse().ok()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_redirections() {
        let local = IpAddr::from([127, 0, 0, 1]);
        let r = Redirect::parse("ASK 1649 127.0.0.1:7001", local).unwrap();
        assert_eq!(r.kind, RedirectKind::Ask);
        assert_eq!((r.slot, r.to.port()), (1649, 7001));
        let r = Redirect::parse("MOVED 3 :7002", IpAddr::from([10, 0, 0, 1])).unwrap();
        assert_eq!(r.to, "10.0.0.1:7002".parse().unwrap());
        assert!(Redirect::parse("TRYAGAIN Multiple keys", local).is_none());
    }

    /// CLUSTER SLOTS entries: `[start, end, [ip, port, id, {}], …]`.
    #[test]
    fn loads_cluster_slots() {
        let node = |port| {
            Value::Array(vec![
                Value::bulk("127.0.0.1"),
                Value::Integer(port),
                Value::bulk("id"),
            ])
        };
        let reply = Value::Array(vec![
            Value::Array(vec![Value::Integer(0), Value::Integer(9), node(7000)]),
            Value::Array(vec![Value::Integer(10), Value::Integer(16383), node(7001)]),
        ]);
        let asked = "127.0.0.1:7000".parse().unwrap();
        let map = SlotMap::from_cluster_slots(&reply, asked).unwrap();
        assert_eq!(map.get(9).unwrap().port(), 7000);
        assert_eq!(map.get(10).unwrap().port(), 7001);
        assert_eq!(map.covered(), 16384);
        assert_eq!(map.masters().len(), 2);
    }
}
