//! Client-side caching (`tracking.c`): the tracking table of keys read by
//! tracking clients, the BCAST prefix table, and the invalidation messages
//! a key's modification (a command, an expiry), a flush or the table's
//! size limit (`tracking-table-max-keys`) sends: a RESP3 `invalidate`
//! push, or for a redirect client in RESP2 pub/sub mode a `message` on
//! `__redis__:invalidate`. In a cluster every node keeps its own table,
//! for the keys its clients read there.
//!
//! The keys a command modified come from the keyspace (its events: Redis
//! pairs `notifyKeyspaceEvent` with `signalModifiedKey`), taken after each
//! command. A message for the client whose command runs waits for its
//! reply (`tracking_pending_keys`); BCAST messages go at the end of the
//! input, as `beforeSleep` sends them (so a pipeline the native node reads
//! at once may get one message per command where Redis sends one per
//! event-loop turn).

use crate::command::tracking::Tracking;
use crate::command::ClientState;
use crate::node::{ClientId, Node, Output, ServerCtx};
use crate::resp::{Protocol, Value};
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};

/// `TrackingTable`, `PrefixTable` and their counters.
#[derive(Clone, Debug, Default)]
pub(in crate::node) struct TrackingTable {
    /// A client enabled tracking once (`TrackingTable != NULL`).
    enabled: bool,
    /// Key → the clients that may cache it.
    keys: BTreeMap<Vec<u8>, BTreeSet<ClientId>>,
    /// IDs across the table (`TrackingTableTotalItems`).
    items: u64,
    /// BCAST prefix → its state.
    prefixes: BTreeMap<Vec<u8>, Bcast>,
    /// `server.tracking_clients`.
    clients: u64,
    /// `trackingLimitUsedSlots`'s count of runs that stayed over the limit.
    over_limit_runs: u64,
}

/// `bcastState`: keys modified since the last broadcast (with the client
/// that modified each last, for NOLOOP) and the clients of the prefix.
#[derive(Clone, Debug, Default)]
struct Bcast {
    keys: BTreeMap<Vec<u8>, Option<ClientId>>,
    clients: BTreeSet<ClientId>,
}

/// What an invalidation carries.
enum Payload {
    /// One key (`*1 $key`).
    Key(Vec<u8>),
    /// A BCAST batch.
    Keys(Vec<Vec<u8>>),
    /// A flush: every key.
    All,
}

impl Payload {
    /// The value; a flush's null is written in the tracking client's
    /// protocol (`shared.null[c->resp]`), even to a redirect client.
    fn value(&self, tracker: Protocol) -> Value {
        match self {
            Payload::Key(k) => Value::Array(vec![Value::bulk(k)]),
            Payload::Keys(keys) => Value::Array(keys.iter().map(Value::bulk).collect()),
            Payload::All => Value::NullAs(tracker),
        }
    }
}

/// The client whose command runs: its state is out of the client map.
pub(crate) struct Current<'a> {
    /// Its ID.
    pub id: ClientId,
    /// Its state.
    pub state: &'a mut ClientState,
}

/// The counters INFO prints.
pub(crate) struct TrackingInfo {
    /// `tracking_clients`.
    pub clients: u64,
    /// `tracking_total_keys`.
    pub keys: usize,
    /// `tracking_total_items`.
    pub items: u64,
    /// `tracking_total_prefixes`.
    pub prefixes: usize,
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    fn state<'s>(&'s self, id: ClientId, cur: &'s Option<Current>) -> Option<&'s ClientState> {
        match cur {
            Some(c) if c.id == id => Some(&*c.state),
            _ => self.server.clients.get(&id).map(|b| &**b),
        }
    }

    fn tracking_mut<'s>(
        &'s mut self,
        id: ClientId,
        cur: &'s mut Option<Current>,
    ) -> Option<&'s mut Tracking> {
        let state = match cur {
            Some(c) if c.id == id => Some(&mut *c.state),
            _ => self.server.clients.get_mut(&id).map(|b| &mut **b),
        };
        state.and_then(|s| s.tracking.as_deref_mut())
    }

    /// `enableTracking`'s bookkeeping: one more tracking client when it
    /// was not tracking yet; the table exists from now on.
    pub(crate) fn tracking_enabled(&mut self, new_client: bool) {
        if new_client {
            self.server.tracking.clients += 1;
        }
        if !self.server.tracking.enabled {
            self.server.tracking.enabled = true;
            self.server.keyspace.note_modified_keys(true);
        }
    }

    /// `enableBcastTrackingForPrefix`.
    pub(crate) fn track_prefix(&mut self, id: ClientId, prefix: &[u8]) {
        self.server
            .tracking
            .prefixes
            .entry(prefix.to_vec())
            .or_default()
            .clients
            .insert(id);
    }

    /// `disableTracking`: off, out of its prefixes (a prefix left without
    /// clients goes). Its keys stay in the table until invalidated.
    pub(crate) fn disable_tracking(&mut self, id: ClientId, state: &mut ClientState) {
        let Some(t) = state.tracking.take() else {
            return;
        };
        if t.bcast {
            for p in &t.prefixes {
                if let Some(bs) = self.server.tracking.prefixes.get_mut(p) {
                    bs.clients.remove(&id);
                    if bs.clients.is_empty() {
                        self.server.tracking.prefixes.remove(p);
                    }
                }
            }
        }
        self.server.tracking.clients -= 1;
    }

    /// `trackingRememberKeys`: the keys a tracking client just read, unless
    /// OPTIN without CACHING yes or OPTOUT with CACHING no.
    pub(crate) fn remember_keys<'k>(
        &mut self,
        id: ClientId,
        t: &Tracking,
        keys: impl Iterator<Item = &'k [u8]>,
    ) {
        if (t.optin && !t.caching) || (t.optout && t.caching) {
            return;
        }
        for key in keys {
            if self
                .server
                .tracking
                .keys
                .entry(key.to_vec())
                .or_default()
                .insert(id)
            {
                self.server.tracking.items += 1;
            }
        }
    }

    /// The keys modified since the last call, each `trackingInvalidateKey`d:
    /// `cur` (if any) modified them, unless they expired or a script did
    /// (`by_script`: BCAST's NOLOOP then does not spare `cur`).
    pub(crate) fn invalidate_modified(&mut self, mut cur: Option<Current>, by_script: bool) {
        if !self.server.keyspace.has_modified() {
            return;
        }
        for (key, expired) in self.server.keyspace.take_modified() {
            let by = if expired || by_script {
                None
            } else {
                cur.as_ref().map(|c| c.id)
            };
            self.invalidate_key(&mut cur, by, &key, true, true);
        }
    }

    /// `trackingInvalidateKey`: `key` noted for BCAST (when `bcast`), and
    /// each client that may cache it told, except BCAST clients and a
    /// NOLOOP client that modified it itself; then the key leaves the
    /// table. `defer`: a message for `cur` waits for its reply.
    fn invalidate_key(
        &mut self,
        cur: &mut Option<Current>,
        by: Option<ClientId>,
        key: &[u8],
        bcast: bool,
        defer: bool,
    ) {
        if !self.server.tracking.enabled {
            return;
        }
        if bcast {
            for (prefix, bs) in self.server.tracking.prefixes.iter_mut() {
                if key.starts_with(prefix) {
                    bs.keys.insert(key.to_vec(), by);
                }
            }
        }
        let Some(ids) = self.server.tracking.keys.remove(key) else {
            return;
        };
        self.server.tracking.items -= ids.len() as u64;
        for id in ids {
            let Some(t) = self.state(id, cur).and_then(|s| s.tracking.as_deref()) else {
                continue;
            };
            let is_current = cur.as_ref().is_some_and(|c| c.id == id);
            if t.bcast || (t.noloop && is_current) {
                continue;
            }
            self.send_tracking(cur, id, &Payload::Key(key.to_vec()), is_current && defer);
        }
    }

    /// `sendTrackingMessage` to `target` (or the client it redirects to):
    /// an `invalidate` push in RESP3, a `__redis__:invalidate` message to
    /// a redirect client in RESP2 pub/sub mode, nothing otherwise. A gone
    /// redirect client marks the redirection broken (and a RESP3 target
    /// is told once per message). Pushes ignore CLIENT REPLY OFF.
    fn send_tracking(
        &mut self,
        cur: &mut Option<Current>,
        target: ClientId,
        payload: &Payload,
        defer: bool,
    ) {
        let Some(ts) = self.state(target, cur) else {
            return;
        };
        let redirect = ts.tracking.as_deref().map_or(0, |t| t.redirect);
        let (tproto, tpubsub) = (ts.proto, ts.subscriptions.active());
        let (dest, proto, pubsub) = if redirect == 0 {
            (target, tproto, tpubsub)
        } else {
            let dest = ClientId(redirect);
            match self.state(dest, cur) {
                Some(d) => (dest, d.proto, d.subscriptions.active()),
                None => {
                    if let Some(t) = self.tracking_mut(target, cur) {
                        t.broken_redir = true;
                    }
                    if tproto == Protocol::Resp3 {
                        let v = Value::Push(vec![
                            Value::bulk("tracking-redir-broken"),
                            Value::Integer(redirect as i64),
                        ]);
                        self.push_tracking(target, v, defer);
                    }
                    return;
                }
            }
        };
        let v = if proto == Protocol::Resp3 {
            Value::Push(vec![Value::bulk("invalidate"), payload.value(tproto)])
        } else if redirect != 0 && pubsub {
            Value::Push(vec![
                Value::bulk("message"),
                Value::bulk("__redis__:invalidate"),
                payload.value(tproto),
            ])
        } else {
            return;
        };
        self.push_tracking(dest, v, defer);
    }

    fn push_tracking(&mut self, client: ClientId, value: Value, defer: bool) {
        if defer {
            self.server.after_reply.push((client, value, true));
        } else {
            self.out.push_back(Output::Reply { client, value });
        }
    }

    /// `trackingInvalidateKeysOnFlush`: every tracking client is told all
    /// its keys are gone (a null; `cur`'s after its reply), and the table
    /// is emptied.
    pub(crate) fn tracking_flushed(&mut self, mut cur: Option<Current>) {
        if self.server.tracking.clients > 0 {
            let mut ids: Vec<ClientId> = self
                .server
                .clients
                .iter()
                .filter(|(_, s)| s.tracking.is_some())
                .map(|(id, _)| *id)
                .collect();
            if let Some(c) = cur.as_ref().filter(|c| c.state.tracking.is_some()) {
                ids.push(c.id);
            }
            crate::sorted::sort(&mut ids);
            for id in ids {
                let is_current = cur.as_ref().is_some_and(|c| c.id == id);
                self.send_tracking(&mut cur, id, &Payload::All, is_current);
            }
        }
        if self.server.tracking.enabled {
            self.server.tracking.keys.clear();
            self.server.tracking.items = 0;
        }
    }

    /// `trackingLimitUsedSlots`: over `tracking-table-max-keys`, random
    /// keys are invalidated (as if modified, without BCAST) until under
    /// it, with an effort of 100 keys per consecutive run over the limit.
    pub(crate) fn limit_tracking_keys(&mut self, mut cur: Option<Current>) {
        if !self.server.tracking.enabled || self.server.tracking.clients == 0 {
            return;
        }
        let max: usize = self
            .cfg
            .param_str("tracking-table-max-keys")
            .parse()
            .unwrap_or(0);
        if max == 0 {
            return;
        }
        if self.server.tracking.keys.len() <= max {
            self.server.tracking.over_limit_runs = 0;
            return;
        }
        let mut effort = 100 * (self.server.tracking.over_limit_runs + 1);
        while effort > 0 && !self.server.tracking.keys.is_empty() {
            effort -= 1;
            let n = self.rng.random_range(0..self.server.tracking.keys.len());
            let Some(key) = self.server.tracking.keys.keys().nth(n).cloned() else {
                break;
            };
            self.invalidate_key(&mut cur, None, &key, false, false);
            if self.server.tracking.keys.len() <= max {
                self.server.tracking.over_limit_runs = 0;
                return;
            }
        }
        self.server.tracking.over_limit_runs += 1;
    }

    /// `trackingBroadcastInvalidationMessages`: each prefix's modified
    /// keys to its clients (a NOLOOP client without the keys it modified
    /// itself, nothing if none is left), then forgotten.
    pub(in crate::node) fn broadcast_invalidations(&mut self) {
        if !self.server.tracking.enabled || self.server.tracking.clients == 0 {
            return;
        }
        let mut batches = Vec::new();
        for bs in self.server.tracking.prefixes.values_mut() {
            let keys = std::mem::take(&mut bs.keys);
            if !keys.is_empty() {
                batches.push((keys, bs.clients.clone()));
            }
        }
        let mut cur = None;
        for (keys, clients) in batches {
            for client in clients {
                let noloop = self
                    .server
                    .clients
                    .get(&client)
                    .and_then(|s| s.tracking.as_deref())
                    .is_some_and(|t| t.noloop);
                let sent: Vec<Vec<u8>> = keys
                    .iter()
                    .filter(|(_, by)| !noloop || **by != Some(client))
                    .map(|(k, _)| k.clone())
                    .collect();
                if !sent.is_empty() {
                    self.send_tracking(&mut cur, client, &Payload::Keys(sent), false);
                }
            }
        }
    }

    /// `lookupClientByID`: whether the client is connected (`me` runs the
    /// command, its state out of the map).
    pub(crate) fn client_exists(&self, id: ClientId, me: ClientId) -> bool {
        id == me || self.server.clients.contains_key(&id)
    }

    /// INFO's tracking counters.
    pub(crate) fn tracking_info(&self) -> TrackingInfo {
        TrackingInfo {
            clients: self.server.tracking.clients,
            keys: self.server.tracking.keys.len(),
            items: self.server.tracking.items,
            prefixes: self.server.tracking.prefixes.len(),
        }
    }
}

/// What INFO, CLIENT TRACKING's REDIRECT check and the replica's resync
/// read of the tracking tables.
impl Node {
    /// Whether a client ever enabled tracking (the table exists).
    pub(in crate::node) fn tracking_on(&self) -> bool {
        self.server.tracking.enabled
    }
}
