//! # Tutorial: two Redis Cluster nodes, driven by hand
//!
//! A [`Node`](crate::node::Node) is Redis Cluster's logic with the IO taken out: it never
//! reads a clock, opens a socket or sleeps. Whoever drives it — the simulator, the native
//! node, a test, or you, here — is its *host* and does three things in a loop:
//!
//! 1. feed it an [`Input`](crate::node::Input) with [`Node::handle`](crate::node::Node::handle)
//!    and the current time: a bus message from a peer, a client command, a link that came up,
//!    or a timeout;
//! 2. drain [`Node::poll_output`](crate::node::Node::poll_output) until it returns `None`:
//!    messages to send ([`Output::Send`](crate::node::Output::Send)), connections to open
//!    ([`Output::Connect`](crate::node::Output::Connect)), client replies, and
//!    [`Event`](crate::Event)s telling what it concluded;
//! 3. call again with [`Input::Timeout`](crate::node::Input::Timeout) at
//!    [`Node::poll_timeout`](crate::node::Node::poll_timeout) (its 100 ms `clusterCron`).
//!
//! Below, two nodes become a cluster the way `redis-cli --cluster create` would make one:
//! `CLUSTER MEET` through the admin input, the MEET/PONG handshake and gossip carried by a
//! hand-written "network" (a queue, delivered at once), slots assigned with `CLUSTER
//! ADDSLOTS`, then a client asks the wrong node for a key and gets Redis's `MOVED`.
//! `docs/README.md` follows the same PING through the source files.
//!
//! ```
//! use clusterlab_core::flags::NodeFlags;
//! use clusterlab_core::msg::MsgType;
//! use clusterlab_core::node::{Admin, AdminError, AdminReply, ClientId, Input, Node, Output};
//! use clusterlab_core::resp::Value;
//! use clusterlab_core::{Config, SlotSet, Time};
//! use std::net::SocketAddr;
//!
//! // Two fresh masters, as after `redis-server --cluster-enabled yes --port 7000` (and 7001).
//! // Each node's bus listens on its port + 10000; the seed makes its ID and draws repeatable.
//! let cfg = Config { node_timeout: 5000, ..Config::default() };
//! let client_addr = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
//! let bus = [client_addr(17000), client_addr(17001)];
//! let mut nodes = [
//!     Node::new(cfg.clone(), client_addr(7000), 17000, 1, Time::ZERO),
//!     Node::new(cfg, client_addr(7001), 17001, 2, Time::ZERO),
//! ];
//!
//! // The host's network: drains every output of both nodes and delivers it at once, until
//! // neither has anything more to say. Returns the kinds of the bus messages it carried.
//! fn shuttle(nodes: &mut [Node; 2], bus: &[SocketAddr; 2], now: Time) -> Vec<MsgType> {
//!     let mut carried = Vec::new();
//!     loop {
//!         let mut quiet = true;
//!         for i in 0..2 {
//!             while let Some(out) = nodes[i].poll_output() {
//!                 quiet = false;
//!                 match out {
//!                     // Our "TCP connect" always succeeds: tell the node its link is up,
//!                     // and it greets the peer (a MEET the first time, else a PING).
//!                     Output::Connect { to } => {
//!                         nodes[i].handle(now, Input::LinkUp { addr: to });
//!                     }
//!                     // A bus message: hand it to the node listening on `to`, saying
//!                     // whose bus address it came from and on which link it travelled.
//!                     Output::Send { to, link, msg } => {
//!                         carried.push(msg.kind());
//!                         let j = bus.iter().position(|b| *b == to).expect("a known bus");
//!                         let from = bus[i];
//!                         nodes[j].handle(now, Input::Bus { from, link, msg });
//!                     }
//!                     Output::Event(event) => println!("{now} node {i}: {event:?}"),
//!                     _ => {}
//!                 }
//!             }
//!         }
//!         if quiet {
//!             return carried;
//!         }
//!     }
//! }
//!
//! // Runs both nodes' timers up to `until`, each timeout at the time the node asked for;
//! // returns the kinds of the bus messages carried meanwhile.
//! fn run_until(
//!     nodes: &mut [Node; 2],
//!     bus: &[SocketAddr; 2],
//!     now: &mut Time,
//!     until: Time,
//! ) -> Vec<MsgType> {
//!     let mut carried = Vec::new();
//!     loop {
//!         carried.extend(shuttle(nodes, bus, *now));
//!         let next = nodes.iter().filter_map(|n| n.poll_timeout()).min().expect("cron");
//!         if next > until {
//!             *now = until;
//!             return carried;
//!         }
//!         *now = next;
//!         for node in nodes.iter_mut() {
//!             if node.poll_timeout() == Some(next) {
//!                 node.handle(next, Input::Timeout);
//!             }
//!         }
//!     }
//! }
//!
//! // Operator actions (what redis-cli's CLUSTER subcommands do) are inputs too, answered by
//! // an `Output::AdminReply`. These ones send nothing at once (the next cron does), so the
//! // other outputs (events) can be dropped here.
//! fn admin(node: &mut Node, now: Time, action: Admin) -> Result<AdminReply, AdminError> {
//!     node.handle(now, Input::Admin(Box::new(action)));
//!     std::iter::from_fn(|| node.poll_output())
//!         .find_map(|out| match out {
//!             Output::AdminReply(reply) => Some(reply),
//!             _ => None,
//!         })
//!         .expect("an awake node answers at once")
//! }
//!
//! // 1. `CLUSTER MEET 127.0.0.1 7001` on node 0 (the admin input takes the bus address).
//! let mut now = Time::ZERO;
//! admin(&mut nodes[0], now, Admin::Meet { addr: bus[1], port: 7001 }).expect("MEET is accepted");
//! assert_eq!(nodes[0].known_nodes(), 2, "node 1 is known, as a handshake entry");
//!
//! // 2. Let the cron open the link; the MEET, its PONG and the following PINGs complete
//! //    the handshake: each node now knows the other under its real ID.
//! let carried = run_until(&mut nodes, &bus, &mut now, Time(1000));
//! assert_eq!(carried[..2], [MsgType::Meet, MsgType::Pong], "MEET, answered by a PONG");
//! assert!(carried.contains(&MsgType::Ping));
//! let (id0, id1) = (nodes[0].id(), nodes[1].id());
//! for (node, other) in [(&nodes[0], id1), (&nodes[1], id0)] {
//!     let view = node.view();
//!     let peer = view.nodes.iter().find(|p| p.id == other).expect("knows the other");
//!     assert!(peer.flags.is_master() && !peer.flags.has(NodeFlags::HANDSHAKE));
//! }
//!
//! // 3. `CLUSTER ADDSLOTSRANGE`: half the slots each. The next PING or PONG carries each
//! //    node's slot bitmap in its header, so the other learns who serves what.
//! admin(&mut nodes[0], now, Admin::AddSlots(SlotSet::range(0, 8191))).unwrap();
//! admin(&mut nodes[1], now, Admin::AddSlots(SlotSet::range(8192, 16383))).unwrap();
//! run_until(&mut nodes, &bus, &mut now, Time(6000));
//! assert_eq!(nodes[0].slot_owner(12182), Some(id1));
//! assert_eq!(nodes[1].slot_owner(0), Some(id0));
//! assert!(nodes[0].state_ok() && nodes[1].state_ok(), "every slot is served");
//!
//! // 4. A client of node 0: CLUSTER NODES, then GET foo. `foo` hashes to slot 12182, which
//! //    node 1 serves, so node 0 answers with a redirection, as redis-server would.
//! let mut ask = |node: &mut Node, args: &[&str]| -> Value {
//!     let args = args.iter().map(|a| a.as_bytes().to_vec()).collect();
//!     node.handle(now, Input::Command { client: ClientId(1), args });
//!     std::iter::from_fn(|| node.poll_output())
//!         .find_map(|out| match out {
//!             Output::Reply { value, .. } => Some(value),
//!             _ => None,
//!         })
//!         .expect("a reply")
//! };
//! let nodes_text = ask(&mut nodes[0], &["CLUSTER", "NODES"]).to_cli_text();
//! println!("{nodes_text}");
//! assert!(nodes_text.contains("127.0.0.1:7000@17000 myself,master - 0 0"));
//! assert!(nodes_text.contains("127.0.0.1:7001@17001 master - 0"));
//! assert!(nodes_text.contains("connected 8192-16383"));
//! assert_eq!(
//!     ask(&mut nodes[0], &["GET", "foo"]),
//!     Value::Error("MOVED 12182 127.0.0.1:7001".into())
//! );
//! ```
//!
//! Where to go next: `core/tests/common/single_node.rs` is a host for one node fed crafted
//! messages (a PING whose gossip reports a node as failing, a FAIL, an UPDATE…), and
//! [`crate::sim`] is the host that runs whole clusters over a simulated network.
