//! A cluster-aware client, sans IO, behaving like redis-py's `RedisCluster`
//! (docs/redis-behaviour.md §11.3) so that redirections, retries and refreshes happen where a
//! real application would see them.
//!
//! * The slot map comes from `CLUSTER SLOTS`, asked of the startup nodes in
//!   turn (every node it lists becomes a startup node, as redis-py does).
//! * `-MOVED` updates the one slot; every `reinitialize_steps`-th MOVED
//!   (redis-py's default is 5) reloads the whole map instead.
//! * `-ASK` sends `ASKING` then the command, once, to the importing node.
//! * `-TRYAGAIN` retries; once half of the request's TTL (16 attempts) is
//!   spent, after a 50 ms pause.
//! * `-CLUSTERDOWN` waits 250 ms, reloads the map and retries the whole
//!   command, at most `cluster_error_retry_attempts` (3) times; then the
//!   error is the reply. An unreachable node is handled the same way.
//!
//! The host calls [`ClusterClient::call`], writes each
//! [`poll_transmit`](ClusterClient::poll_transmit) to its node (one
//! connection per node: `ASKING` and its command must share it), feeds
//! replies back in order with [`handle_reply`](ClusterClient::handle_reply),
//! calls [`handle_timeout`](ClusterClient::handle_timeout) at
//! [`poll_timeout`](ClusterClient::poll_timeout), and collects
//! [`poll_event`](ClusterClient::poll_event).

mod slots;
mod types;

pub use slots::{Redirect, RedirectKind, SlotMap};
pub use types::{ClientConfig, ClientError, ClientEvent, ClientStats, RequestId, Transmit};

use crate::command::table;
use crate::resp::Value;
use crate::slot::key_slot;
use crate::time::Time;
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;

#[derive(Clone, Debug)]
struct Request {
    args: Vec<Vec<u8>>,
    /// Attempts left in this round (`ttl` in `_execute_command`).
    ttl: u32,
    /// Whole-command retries left (`execute_command`).
    retries: u32,
    /// Send to this node after ASKING.
    asking: Option<SocketAddr>,
    /// Where the last attempt went (an empty host in a redirection means it).
    sent_to: Option<SocketAddr>,
    redirects: u32,
    state: State,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Sent; waiting for the reply.
    InFlight,
    /// Waiting for the slot map to load.
    NeedsMap,
    /// Sleeping until `until`; then reload the map first, or just resend.
    Sleeping { until: Time, reload: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Command(RequestId),
    /// The `ASKING` before a command: its `+OK` is not the command's reply.
    Asking,
    /// `CLUSTER SLOTS` sent to startup node number `.0`.
    Slots(usize, SocketAddr),
}

/// A sans-IO Redis Cluster client.
#[derive(Clone, Debug)]
pub struct ClusterClient {
    cfg: ClientConfig,
    startup: Vec<SocketAddr>,
    map: SlotMap,
    loaded: bool,
    /// A `CLUSTER SLOTS` is in flight.
    loading: bool,
    moved_counter: u32,
    requests: BTreeMap<RequestId, Request>,
    tokens: BTreeMap<u64, Token>,
    next_id: u64,
    next_token: u64,
    out: VecDeque<Transmit>,
    events: VecDeque<ClientEvent>,
    stats: ClientStats,
}

impl ClusterClient {
    /// A client that will ask `startup` nodes for the slot map first.
    pub fn new(startup: Vec<SocketAddr>, cfg: ClientConfig) -> ClusterClient {
        ClusterClient {
            cfg,
            startup,
            map: SlotMap::default(),
            loaded: false,
            loading: false,
            moved_counter: 0,
            requests: BTreeMap::new(),
            tokens: BTreeMap::new(),
            next_id: 0,
            next_token: 0,
            out: VecDeque::new(),
            events: VecDeque::new(),
            stats: ClientStats::default(),
        }
    }

    /// Counters of what the client has seen so far (redirections, retries, refreshes).
    pub fn stats(&self) -> &ClientStats {
        &self.stats
    }

    /// The slot map as the client currently believes it.
    pub fn slot_map(&self) -> &SlotMap {
        &self.map
    }

    /// Requests not finished yet.
    pub fn pending(&self) -> usize {
        self.requests.len()
    }

    /// Starts a command.
    pub fn call(&mut self, args: Vec<Vec<u8>>) -> RequestId {
        self.next_id += 1;
        let id = RequestId(self.next_id);
        self.requests.insert(
            id,
            Request {
                args,
                ttl: self.cfg.request_ttl,
                retries: self.cfg.error_retry_attempts,
                asking: None,
                sent_to: None,
                redirects: 0,
                state: State::NeedsMap,
            },
        );
        self.dispatch(id);
        id
    }

    /// The next command to write on a connection, if any: the host sends it and answers with `handle_reply`.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.out.pop_front()
    }

    /// The next thing that happened (a redirection, a finished request), if any.
    pub fn poll_event(&mut self) -> Option<ClientEvent> {
        self.events.pop_front()
    }

    /// When a sleeping request wakes up.
    pub fn poll_timeout(&self) -> Option<Time> {
        self.requests
            .values()
            .filter_map(|r| match r.state {
                State::Sleeping { until, .. } => Some(until),
                _ => None,
            })
            .min()
    }

    /// Wakes the requests sleeping until `now` (TRYAGAIN and CLUSTERDOWN back-offs).
    pub fn handle_timeout(&mut self, now: Time) {
        let due: Vec<(RequestId, bool)> = self
            .requests
            .iter()
            .filter_map(|(id, r)| match r.state {
                State::Sleeping { until, reload } if until <= now => Some((*id, reload)),
                _ => None,
            })
            .collect();
        for (id, reload) in due {
            if reload {
                self.park(id);
                self.reload();
            } else {
                self.dispatch(id);
            }
        }
    }

    /// The reply to transmit `token`.
    pub fn handle_reply(&mut self, now: Time, token: u64, value: Value) {
        match self.tokens.remove(&token) {
            Some(Token::Command(id)) => self.command_reply(now, id, value),
            Some(Token::Slots(i, asked)) => {
                self.loading = false;
                match SlotMap::from_cluster_slots(&value, asked) {
                    Some(map) if map.covered() > 0 => self.map_loaded(map),
                    _ => self.try_next_startup(i + 1),
                }
            }
            Some(Token::Asking) | None => {}
        }
    }

    /// Transmit `token` could not reach its node (connection refused or
    /// reset): redis-py drops the node from the startup list, reloads the
    /// map and retries the command.
    pub fn handle_unreachable(&mut self, token: u64) {
        match self.tokens.remove(&token) {
            Some(Token::Command(id)) => {
                self.stats.unreachable += 1;
                let Some(r) = self.requests.get_mut(&id) else {
                    return;
                };
                let to = r.sent_to;
                if r.retries == 0 {
                    let addr = to.unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
                    return self.finish(id, Err(ClientError::Unreachable(addr)));
                }
                r.retries -= 1;
                r.ttl = self.cfg.request_ttl;
                r.asking = None;
                if let Some(addr) = to {
                    self.startup.retain(|a| *a != addr);
                }
                self.park(id);
                self.reload();
            }
            Some(Token::Slots(i, _)) => {
                self.loading = false;
                self.try_next_startup(i + 1);
            }
            Some(Token::Asking) | None => {}
        }
    }

    /// Where request `id` goes now: the ASK target, the slot's owner, or for
    /// a keyless command the first startup node.
    fn target_of(&self, id: RequestId) -> Option<SocketAddr> {
        let r = self.requests.get(&id)?;
        if let Some(a) = r.asking {
            return Some(a);
        }
        match request_slot(&r.args) {
            Ok(Some(slot)) => self.map.get(slot),
            Ok(None) => self
                .startup
                .first()
                .copied()
                .or(self.map.masters().first().copied()),
            Err(()) => None,
        }
    }

    fn dispatch(&mut self, id: RequestId) {
        if !self.loaded {
            self.park(id);
            self.reload();
            return;
        }
        let Some(r) = self.requests.get(&id) else {
            return;
        };
        if r.ttl == 0 {
            self.finish(id, Err(ClientError::TtlExhausted));
            return;
        }
        let slot = match request_slot(&r.args) {
            Ok(s) => s,
            Err(()) => return self.finish(id, Err(ClientError::CrossSlot)),
        };
        let Some(to) = self.target_of(id) else {
            let slot = slot.unwrap_or(0);
            return self.finish(id, Err(ClientError::SlotNotCovered(slot)));
        };
        let r = self.requests.get_mut(&id).expect("present");
        r.ttl -= 1;
        r.state = State::InFlight;
        r.sent_to = Some(to);
        let args = r.args.clone();
        if r.asking.take().is_some() {
            self.transmit(to, vec![b"ASKING".to_vec()], Token::Asking);
        }
        self.transmit(to, args, Token::Command(id));
    }

    fn command_reply(&mut self, now: Time, id: RequestId, value: Value) {
        let Value::Error(text) = &value else {
            return self.finish(id, Ok(value));
        };
        let from = self.requests.get(&id).and_then(|r| r.sent_to);
        let from = from.map_or(std::net::IpAddr::from([127, 0, 0, 1]), |a| a.ip());
        if let Some(redirect) = Redirect::parse(text, from) {
            self.events
                .push_back(ClientEvent::Redirected { id, redirect });
            if let Some(r) = self.requests.get_mut(&id) {
                r.redirects += 1;
            }
            match redirect.kind {
                RedirectKind::Ask => {
                    self.stats.ask += 1;
                    if let Some(r) = self.requests.get_mut(&id) {
                        r.asking = Some(redirect.to);
                    }
                    self.dispatch(id);
                }
                RedirectKind::Moved => {
                    self.stats.moved += 1;
                    self.moved_counter += 1;
                    let steps = self.cfg.reinitialize_steps;
                    if steps > 0 && self.moved_counter.is_multiple_of(steps) {
                        self.moved_counter = 0;
                        self.park(id);
                        self.reload();
                    } else {
                        self.map.set(redirect.slot, redirect.to);
                        self.dispatch(id);
                    }
                }
            }
            return;
        }
        if text.starts_with("TRYAGAIN") {
            self.stats.tryagain += 1;
            let (ttl, half) = match self.requests.get(&id) {
                Some(r) => (r.ttl, self.cfg.request_ttl / 2),
                None => return,
            };
            if ttl < half {
                self.sleep(id, now + self.cfg.tryagain_delay_ms, false);
            } else {
                self.dispatch(id);
            }
            return;
        }
        if text.starts_with("CLUSTERDOWN") {
            self.stats.clusterdown += 1;
            let Some(r) = self.requests.get_mut(&id) else {
                return;
            };
            if r.retries == 0 {
                return self.finish(id, Ok(value));
            }
            r.retries -= 1;
            r.ttl = self.cfg.request_ttl;
            self.sleep(id, now + self.cfg.clusterdown_delay_ms, true);
            return;
        }
        self.finish(id, Ok(value));
    }

    fn sleep(&mut self, id: RequestId, until: Time, reload: bool) {
        if let Some(r) = self.requests.get_mut(&id) {
            r.state = State::Sleeping { until, reload };
        }
    }

    fn park(&mut self, id: RequestId) {
        if let Some(r) = self.requests.get_mut(&id) {
            r.state = State::NeedsMap;
        }
    }

    /// `NodesManager.initialize`: asks the startup nodes for CLUSTER SLOTS.
    fn reload(&mut self) {
        if !self.loading {
            self.try_next_startup(0);
        }
    }

    fn try_next_startup(&mut self, i: usize) {
        match self.startup.get(i).copied() {
            Some(addr) => {
                self.loading = true;
                self.stats.refreshes += 1;
                self.transmit(
                    addr,
                    vec![b"CLUSTER".to_vec(), b"SLOTS".to_vec()],
                    Token::Slots(i, addr),
                );
            }
            None => {
                let parked: Vec<RequestId> = self.parked();
                for id in parked {
                    self.finish(id, Err(ClientError::NoReachableNode));
                }
            }
        }
    }

    fn map_loaded(&mut self, map: SlotMap) {
        for addr in map.masters() {
            if !self.startup.contains(&addr) {
                self.startup.push(addr);
            }
        }
        self.map = map;
        self.loaded = true;
        for id in self.parked() {
            self.dispatch(id);
        }
    }

    fn parked(&self) -> Vec<RequestId> {
        self.requests
            .iter()
            .filter(|(_, r)| r.state == State::NeedsMap)
            .map(|(id, _)| *id)
            .collect()
    }

    fn transmit(&mut self, to: SocketAddr, args: Vec<Vec<u8>>, token: Token) {
        self.next_token += 1;
        self.tokens.insert(self.next_token, token);
        self.out.push_back(Transmit {
            token: self.next_token,
            to,
            args,
        });
    }

    fn finish(&mut self, id: RequestId, reply: Result<Value, ClientError>) {
        let Some(r) = self.requests.remove(&id) else {
            return;
        };
        self.stats.completed += 1;
        self.events.push_back(ClientEvent::Done {
            id,
            reply,
            redirects: r.redirects,
        });
    }
}

/// The slot a command's keys hash to (`determine_slot`): `Ok(None)` for a
/// keyless command, `Err` when its keys span several slots.
fn request_slot(args: &[Vec<u8>]) -> Result<Option<u16>, ()> {
    let Some(spec) = args.first().and_then(|n| table::lookup(n)) else {
        return Ok(None);
    };
    let mut slots = spec
        .key_positions(args)
        .into_iter()
        .map(|i| key_slot(&args[i]));
    let Some(first) = slots.next() else {
        return Ok(None);
    };
    if slots.any(|s| s != first) {
        return Err(());
    }
    Ok(Some(first))
}
