//! A single-node harness: one real [`Node`] and a handful of *fake* peers that exist
//! only as the messages this harness crafts for them.
//!
//! Every other test drives whole simulated clusters, where a rule shows only through
//! its effects on everyone. Here the test chooses each input — a PING whose gossip
//! section reports a node as PFAIL, a FAIL, an UPDATE, a FAILOVER_AUTH_REQUEST, time
//! passing to an exact millisecond — and reads exactly what the node did: the events
//! it emitted and the messages it sent. Only the public sans-IO API is used
//! (`handle`, `poll_output`, `poll_timeout`, `view`), so the harness is
//! also a worked example of being a node's host.
//!
//! Fakes answer nothing by themselves: [`SingleNode::advance_to`] answers the PINGs
//! and connects of the fakes listed as alive, and leaves the others silent.
#![allow(dead_code)]

use clusterlab_core::event::Event;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::{Body, Gossip, GossipEntry, Header, IpText, Message, MsgType};
use clusterlab_core::node::{
    Admin, AdminError, AdminReply, ClientId, Input, Link, Node, Output, PeerView,
};
use clusterlab_core::resp::Value;
use clusterlab_core::{Config, NodeId, SlotSet, Time};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A peer that exists only in the messages the harness builds for it.
#[derive(Clone, Debug)]
pub struct Fake {
    pub id: NodeId,
    /// Client port; the bus port is `port + 10000`, as Redis's default.
    pub port: u16,
    /// `None` for a master, else the master it replicates.
    pub replicaof: Option<NodeId>,
    /// The slots it claims (its master's for a replica).
    pub slots: SlotSet,
    pub current_epoch: u64,
    pub config_epoch: u64,
}

impl Fake {
    /// A master claiming `slots` at `config_epoch`, with a fixed ID (`fill` repeated
    /// 40 times: `'0'` sorts below any random ID, `'z'` above).
    pub fn master(fill: char, port: u16, slots: SlotSet, config_epoch: u64) -> Fake {
        Fake {
            id: fake_id(fill),
            port,
            replicaof: None,
            slots,
            current_epoch: config_epoch,
            config_epoch,
        }
    }

    /// A replica of `master` (it announces its master's slots and configEpoch).
    pub fn replica(fill: char, port: u16, master: &Fake) -> Fake {
        Fake {
            id: fake_id(fill),
            port,
            replicaof: Some(master.id),
            slots: master.slots.clone(),
            current_epoch: master.current_epoch,
            config_epoch: master.config_epoch,
        }
    }

    pub fn bus_addr(&self) -> SocketAddr {
        SocketAddr::new(LOCALHOST, self.port + 10_000)
    }

    /// The header this fake puts on every message (`clusterBuildMessageHdr`).
    pub fn header(&self) -> Header {
        let role = if self.replicaof.is_some() {
            NodeFlags::SLAVE
        } else {
            NodeFlags::MASTER
        };
        Header {
            port: self.port,
            current_epoch: self.current_epoch,
            config_epoch: self.config_epoch,
            offset: 0,
            sender: self.id,
            myslots: Arc::new(self.slots.clone()),
            replicaof: self.replicaof,
            myip: String::new(),
            pport: 0,
            cport: self.port + 10_000,
            flags: NodeFlags(role),
            state_fail: false,
            mflags: [0; 3],
        }
    }

    /// A message from this fake with `body`.
    pub fn msg(&self, body: Body) -> Message {
        Message {
            header: self.header(),
            body,
        }
    }

    /// A gossip entry about this fake, as another node would write it, with `flags`
    /// added to its role (e.g. `NodeFlags::PFAIL`).
    pub fn gossip_entry(&self, flags: u16) -> GossipEntry {
        let role = if self.replicaof.is_some() {
            NodeFlags::SLAVE
        } else {
            NodeFlags::MASTER
        };
        GossipEntry {
            node: self.id,
            ping_sent: 0,
            pong_received: 0,
            ip: IpText::from_ip(LOCALHOST),
            port: self.port,
            cport: self.port + 10_000,
            flags: NodeFlags(role | flags),
            pport: 0,
        }
    }
}

/// A node ID made of one repeated character.
pub fn fake_id(fill: char) -> NodeId {
    NodeId::parse(&fill.to_string().repeat(40)).expect("a valid node ID character")
}

/// A PING, PONG or MEET body with these gossip entries.
pub fn gossip(kind: MsgType, entries: Vec<GossipEntry>) -> Body {
    let g = Gossip {
        entries,
        extensions: Vec::new(),
    };
    match kind {
        MsgType::Ping => Body::Ping(g),
        MsgType::Pong => Body::Pong(g),
        MsgType::Meet => Body::Meet(g),
        other => panic!("{other:?} has no gossip section"),
    }
}

/// The node under test, its clock, the fakes it knows and what it output.
pub struct SingleNode {
    pub node: Node,
    pub now: Time,
    pub fakes: Vec<Fake>,
    /// Fakes that answer PINGs and connects in [`advance_to`](Self::advance_to).
    pub alive: BTreeSet<NodeId>,
    /// Everything the node output, in order, with the time it was drained.
    pub outputs: Vec<(Time, Output)>,
}

impl SingleNode {
    /// A fresh master on 127.0.0.1:7000 (bus 17000) with `node_timeout`, serving
    /// `slots` (CLUSTER ADDSLOTS), at time 0.
    pub fn master(node_timeout: u64, slots: SlotSet) -> SingleNode {
        SingleNode::master_with(
            Config {
                node_timeout,
                ..Config::default()
            },
            slots,
        )
    }

    /// [`master`](Self::master) started with the settings `cfg`.
    pub fn master_with(cfg: Config, slots: SlotSet) -> SingleNode {
        let node = Node::new(cfg, SocketAddr::new(LOCALHOST, 7000), 17000, 1, Time::ZERO);
        let mut h = SingleNode {
            node,
            now: Time::ZERO,
            fakes: Vec::new(),
            alive: BTreeSet::new(),
            outputs: Vec::new(),
        };
        if !slots.is_empty() {
            h.admin(Admin::AddSlots(slots))
                .expect("a fresh node takes any slots");
        }
        h.drain();
        h
    }

    pub fn id(&self) -> NodeId {
        self.node.id()
    }

    /// Makes `fake` known, the way `CLUSTER MEET` does it: the node opens its link,
    /// sends MEET, the fake answers PONG (the handshake completes under the fake's
    /// real ID), then one PING from the fake tells its role, slots and epochs.
    /// The fake counts as alive from then on.
    pub fn meet(&mut self, fake: Fake) {
        let addr = fake.bus_addr();
        self.admin(Admin::Meet {
            addr,
            port: fake.port,
        })
        .expect("MEET is accepted");
        // The next cron opens the link; the connect succeeds at once.
        let next = self.node.poll_timeout().expect("a node always has a cron");
        self.now = self.now.max(next);
        self.node.handle(self.now, Input::Timeout);
        let connects = self.drain();
        assert!(
            connects
                .iter()
                .any(|o| matches!(o, Output::Connect { to } if *to == addr)),
            "cron did not connect to the MEET address {addr}"
        );
        self.node.handle(self.now, Input::LinkUp { addr });
        let greeting = self.drain();
        assert!(
            greeting.iter().any(|o| is_send(o, addr, MsgType::Meet)),
            "no MEET sent to {addr} once the link was up"
        );
        self.deliver_on(&fake, Link::Reply, gossip(MsgType::Pong, Vec::new()));
        self.deliver(&fake, gossip(MsgType::Ping, Vec::new()));
        assert!(
            self.peer(fake.id).is_some(),
            "the handshake with {} did not complete",
            fake.id
        );
        self.alive.insert(fake.id);
        self.fakes.push(fake);
        self.drain();
    }

    /// Delivers a message from `fake` sent on its own outbound link (a PING,
    /// FAIL, UPDATE, auth request…), at the current time.
    pub fn deliver(&mut self, fake: &Fake, body: Body) {
        self.deliver_on(fake, Link::Outbound, body);
    }

    /// Delivers a message from `fake` sent on `link`.
    pub fn deliver_on(&mut self, fake: &Fake, link: Link, body: Body) {
        let input = Input::Bus {
            from: fake.bus_addr(),
            link,
            msg: Box::new(fake.msg(body)),
        };
        self.node.handle(self.now, input);
    }

    /// Runs the node's timers up to `t` (each cron at the time it asks for), with
    /// the alive fakes answering every PING with a PONG and every connect at once.
    pub fn advance_to(&mut self, t: Time) {
        loop {
            self.answer_alive();
            let next = self.node.poll_timeout().expect("a node always has a cron");
            if next > t {
                break;
            }
            self.now = self.now.max(next);
            self.node.handle(self.now, Input::Timeout);
        }
        self.now = t;
        self.answer_alive();
    }

    /// Drains the node's outputs, answering those addressed to alive fakes, until
    /// it has nothing more to say.
    fn answer_alive(&mut self) {
        loop {
            let outs = self.drain();
            if outs.is_empty() {
                return;
            }
            for out in outs {
                match out {
                    Output::Connect { to } if self.alive_at(to).is_some() => {
                        self.node.handle(self.now, Input::LinkUp { addr: to });
                    }
                    Output::Send {
                        to,
                        link: Link::Outbound,
                        msg,
                    } => {
                        let Some(fake) = self.alive_at(to) else {
                            continue;
                        };
                        if matches!(msg.body, Body::Ping(_) | Body::Meet(_)) {
                            let pong = gossip(MsgType::Pong, Vec::new());
                            self.deliver_on(&fake, Link::Reply, pong);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn alive_at(&self, addr: SocketAddr) -> Option<Fake> {
        self.fakes
            .iter()
            .find(|f| f.bus_addr() == addr && self.alive.contains(&f.id))
            .cloned()
    }

    /// Feeds an operator action ([`Input::Admin`]) now and returns its
    /// [`Output::AdminReply`]; every output is recorded, the reply included.
    pub fn admin(&mut self, action: Admin) -> Result<AdminReply, AdminError> {
        self.node.handle(self.now, Input::Admin(Box::new(action)));
        self.drain()
            .into_iter()
            .find_map(|o| match o {
                Output::AdminReply(reply) => Some(reply),
                _ => None,
            })
            .expect("a node that is not asleep answers an admin action at once")
    }

    /// Moves the node's pending outputs into [`outputs`](Self::outputs), and
    /// returns them.
    pub fn drain(&mut self) -> Vec<Output> {
        let mut got = Vec::new();
        while let Some(out) = self.node.poll_output() {
            self.outputs.push((self.now, out.clone()));
            got.push(out);
        }
        got
    }

    /// Forgets the outputs recorded so far (to look only at what comes next).
    pub fn clear_outputs(&mut self) {
        self.drain();
        self.outputs.clear();
    }

    /// The events recorded so far, with their times.
    pub fn events(&mut self) -> Vec<(Time, Event)> {
        self.drain();
        self.outputs
            .iter()
            .filter_map(|(t, o)| match o {
                Output::Event(e) => Some((*t, e.clone())),
                _ => None,
            })
            .collect()
    }

    /// The messages of `kind` the node sent so far: (time, destination, message).
    pub fn sent(&mut self, kind: MsgType) -> Vec<(Time, SocketAddr, Message)> {
        self.drain();
        self.outputs
            .iter()
            .filter_map(|(t, o)| match o {
                Output::Send { to, msg, .. } if msg.kind() == kind => {
                    Some((*t, *to, (**msg).clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// Runs one client command at the current time and returns its reply
    /// (client 1; the reply must come at once).
    pub fn command(&mut self, args: &[&str]) -> Value {
        let client = ClientId(1);
        let args = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        self.node.handle(self.now, Input::Command { client, args });
        self.drain()
            .into_iter()
            .find_map(|o| match o {
                Output::Reply { client: c, value } if c == client => Some(value),
                _ => None,
            })
            .expect("the command answered at once")
    }

    /// Meets two replicas of `master` (ports 7005 and 7006), silences
    /// `master` and has `by` declare it FAIL: the setup of every vote.
    pub fn fail_master_of_two_replicas(&mut self, master: &Fake, by: &Fake) -> (Fake, Fake) {
        let (r1, r2) = (
            Fake::replica('5', 7005, master),
            Fake::replica('6', 7006, master),
        );
        self.meet(r1.clone());
        self.meet(r2.clone());
        self.alive.remove(&master.id);
        self.deliver(by, Body::Fail(master.id));
        assert!(self.flags(master.id).has(NodeFlags::FAIL));
        self.clear_outputs();
        (r1, r2)
    }

    /// Delivers `who`'s FAILOVER_AUTH_REQUEST at `epoch` and returns the
    /// node's verdict: the epoch it voted in, or why it refused. An ACK goes
    /// out exactly when the vote is granted.
    pub fn request_vote(&mut self, who: &Fake, epoch: u64) -> Result<u64, &'static str> {
        let mut who = who.clone();
        who.current_epoch = epoch;
        self.clear_outputs();
        self.deliver(&who, Body::FailoverAuthRequest);
        let acked = self.sent(MsgType::FailoverAuthAck);
        assert!(acked.iter().all(|(_, to, _)| *to == who.bus_addr()));
        let verdict = self.events().into_iter().find_map(|(_, e)| match e {
            Event::VoteGranted { about, epoch, .. } if about == who.id => Some(Ok(epoch)),
            Event::VoteDenied { about, reason } if about == who.id => Some(Err(reason)),
            _ => None,
        });
        assert_eq!(
            verdict.is_some_and(|v| v.is_ok()),
            !acked.is_empty(),
            "an ACK goes out exactly when the vote is granted"
        );
        verdict.expect("the master decides")
    }

    /// What the node believes about `id`.
    pub fn peer(&self, id: NodeId) -> Option<PeerView> {
        self.node.view().nodes.into_iter().find(|p| p.id == id)
    }

    /// The flags the node holds for `id` (panics if unknown: a test bug).
    pub fn flags(&self, id: NodeId) -> NodeFlags {
        self.peer(id)
            .unwrap_or_else(|| panic!("{id} is unknown to the node"))
            .flags
    }
}

fn is_send(out: &Output, addr: SocketAddr, kind: MsgType) -> bool {
    matches!(out, Output::Send { to, msg, .. } if *to == addr && msg.kind() == kind)
}
