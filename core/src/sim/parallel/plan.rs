//! Planning a window: every event before its end, taken off the queues and
//! sorted out as the sequential loop would (see the parent module).

use super::{Effect, Order, Record, Tally, CONNECT, MESSAGE};
use crate::node::Input;
use crate::sim::{Payload, Sim, Status};
use crate::time::Time;

/// An input for one node, planned before the threads start.
pub(super) struct Planned {
    pub(super) order: Order,
    pub(super) input: Input,
    pub(super) tally: Tally,
}

/// One node's share of the window.
pub(super) struct NodeWork {
    pub(super) idx: usize,
    /// In [`Order`].
    pub(super) events: Vec<Planned>,
    /// The node's timer when the window starts.
    pub(super) timer: Option<Time>,
}

/// The nodes' shares of a window being planned.
struct Works {
    /// Where each node's share is in `works` (`u32::MAX`: none yet).
    slot: Vec<u32>,
    works: Vec<NodeWork>,
}

impl Works {
    /// Node `idx`'s share, started with its current timer if new.
    fn of(&mut self, sim: &Sim, idx: usize) -> &mut NodeWork {
        if self.slot[idx] == u32::MAX {
            self.slot[idx] = self.works.len() as u32;
            self.works.push(NodeWork {
                idx,
                events: Vec::new(),
                timer: sim.timer_of[idx],
            });
        }
        &mut self.works[self.slot[idx] as usize]
    }
}

impl NodeWork {
    fn add(&mut self, order: Order, input: Input, tally: Tally) {
        self.events.push(Planned {
            order,
            input,
            tally,
        });
    }
}

impl Sim {
    /// Takes every event before `end` off the queues and decides what it
    /// is, exactly as `deliver` and `finish_connect` would: an input for a
    /// node (in index order), or an effect on the simulator alone.
    pub(super) fn plan_window(&mut self, end: Time) -> (Vec<NodeWork>, Vec<Record>) {
        let mut works = Works {
            slot: vec![u32::MAX; self.nodes.len()],
            works: Vec::new(),
        };
        let mut records = Vec::new();
        while let Some(((at, seq), m)) = self.network.take_message_before(end) {
            let order = Order {
                at,
                class: MESSAGE,
                key: seq,
                nth: 0,
            };
            let (from, to) = (m.from, m.to);
            let dropped = |node| Record {
                order,
                node,
                effect: Effect::Dropped,
            };
            if self.network.blocks(from, to) {
                if m.payload.is_stream() {
                    self.network.hold(m);
                } else {
                    records.push(dropped(to));
                }
                continue;
            }
            match self.nodes[to].status {
                Status::Crashed => {
                    // Connection refused: the sender's link breaks.
                    let bus = matches!(m.payload, Payload::Bus { .. });
                    if bus && self.nodes[from].status == Status::Up {
                        let addr = self.nodes[to].bus_addr;
                        let input = Input::LinkClosed { addr };
                        works.of(self, from).add(order, input, Tally::Dropped);
                    } else {
                        records.push(dropped(to));
                    }
                }
                Status::Paused => records.push(Record {
                    order,
                    node: to,
                    effect: Effect::Backlog(Box::new(m)),
                }),
                Status::Up => {
                    let input = m.payload.into_input();
                    works.of(self, to).add(order, input, Tally::Delivered);
                }
            }
        }
        while let Some(((at, seq), (from, addr))) = self.network.take_connect_before(end) {
            let order = Order {
                at,
                class: CONNECT,
                key: seq,
                nth: 0,
            };
            let target = self.network.listener(addr);
            let cut = target
                .is_some_and(|to| self.network.blocks(from, to) || self.network.blocks(to, from));
            if cut {
                continue;
            }
            let up = target.is_some_and(|to| self.nodes[to].status != Status::Crashed);
            match self.nodes[from].status {
                Status::Crashed => {}
                Status::Paused => records.push(Record {
                    order,
                    node: from,
                    effect: Effect::ConnectBacklog(addr, up),
                }),
                Status::Up => {
                    let input = if up {
                        Input::LinkUp { addr }
                    } else {
                        Input::LinkClosed { addr }
                    };
                    works.of(self, from).add(order, input, Tally::Nothing);
                }
            }
        }
        // Nodes whose only event is their timer.
        for &(_, idx) in self.timers.range(..(end, 0)) {
            works.of(self, idx);
        }
        let mut works = works.works;
        // Messages came by time then sequence, connects after them: each
        // node's list goes back into the sequential order.
        for w in &mut works {
            w.events.sort_unstable_by_key(|p| p.order);
        }
        works.sort_unstable_by_key(|w| w.idx);
        (works, records)
    }
}
