//! The picture of the cluster at one moment: each node's card (role, state, epochs, slots,
//! how the others see it), as the cluster view and the text twin draw it.

use clusterlab_core::event::Event;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::sim::{Sim, Status};
use clusterlab_core::slot::{SlotSet, SLOTS};
use clusterlab_core::sorted;
use clusterlab_core::Time;

use super::format::format_time;
use super::layout::{css, node_colour, text_on, Layout, VIEW_H, VIEW_W};
use crate::i18n::{fill, Lang, Msg};

/// A slot nobody owns, in [`Picture::owners`].
pub const NO_OWNER: u16 = u16::MAX;

/// How the rest of the cluster sees a node: the worst flag any running node has on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suspicion {
    None,
    /// Some node flags it `fail?` (PFAIL): it missed a PONG for node_timeout.
    Pfail,
    /// Some node flags it `fail`: a majority of masters agreed, or a FAIL message said so.
    Fail,
}

/// How long after its promotion a node is drawn as "just promoted" (simulated ms).
pub const JUST_PROMOTED_MS: u64 = 10_000;

/// One node as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeCard {
    pub idx: usize,
    pub name: String,
    /// `127.0.0.1:7000`.
    pub addr: String,
    pub status: Status,
    /// Running but asleep in DEBUG SLEEP until this simulated time: like a paused process, it
    /// answers nobody and sends no PING until it wakes (Redis sleeps inside the command).
    pub asleep_until: Option<Time>,
    /// Its own role, as it believes it.
    pub is_master: bool,
    /// Its master, if it is a replica.
    pub master: Option<usize>,
    pub config_epoch: u64,
    pub current_epoch: u64,
    /// The slots it believes it serves.
    pub slots: Vec<(u16, u16)>,
    pub slot_count: usize,
    /// Running nodes (other than itself) that flag it PFAIL, and FAIL.
    pub pfail_by: usize,
    pub fail_by: usize,
    /// Running nodes other than itself: the denominator of the two counts above.
    pub observers: usize,
    pub state_ok: bool,
    /// Born a master (a replica that was promoted is `false` and now `is_master`).
    pub born_master: bool,
    /// Won an election in the last [`JUST_PROMOTED_MS`] (drawn with a pulse and a label).
    pub just_promoted: bool,
    pub x: f64,
    pub y: f64,
    pub r: f64,
    /// Labels go above the node (outer nodes in the top half), else below.
    pub label_above: bool,
    pub rgb: (u8, u8, u8),
    pub fill: String,
    pub ink: &'static str,
}

impl NodeCard {
    pub fn suspicion(&self) -> Suspicion {
        if self.fail_by > 0 {
            Suspicion::Fail
        } else if self.pfail_by > 0 {
            Suspicion::Pfail
        } else {
            Suspicion::None
        }
    }

    /// `master`, `replica of A`, as words.
    pub fn role_text(&self, nodes: &[NodeCard], lang: Lang) -> String {
        match (self.is_master, self.master) {
            (true, _) => lang.t(Msg::Master).into(),
            (false, Some(m)) => fill(lang.t(Msg::ReplicaOf), &[&nodes[m].name]),
            (false, None) => lang.t(Msg::Replica).into(),
        }
    }

    /// The short line under the node: its role and configEpoch (`master · e3`,
    /// `maître · e3`); `e` stays as is, "epoch" being the French word too.
    pub fn role_line(&self, nodes: &[NodeCard], lang: Lang) -> String {
        format!("{} · e{}", self.role_text(nodes, lang), self.config_epoch)
    }

    /// One line for the state, in words (`crashed`, `paused`, `asleep in DEBUG SLEEP until
    /// 12.000 s`, `FAIL (4 of 5)`…).
    pub fn state_text(&self, lang: Lang) -> String {
        let status = match (self.status, self.asleep_until) {
            (Status::Up, None) => None,
            (Status::Up, Some(until)) => {
                Some(fill(lang.t(Msg::StateAsleep), &[&format_time(until, lang)]))
            }
            (Status::Crashed, _) => Some(lang.t(Msg::StateCrashed).into()),
            (Status::Paused, _) => Some(lang.t(Msg::StatePaused).into()),
        };
        let flagged = |flag: &str, by: usize| {
            fill(
                lang.t(Msg::StateFlag),
                &[flag, &by.to_string(), &self.observers.to_string()],
            )
        };
        let flag = match self.suspicion() {
            Suspicion::Fail => Some(flagged("FAIL", self.fail_by)),
            Suspicion::Pfail => Some(flagged("PFAIL", self.pfail_by)),
            Suspicion::None => None,
        };
        match (status, flag) {
            (Some(s), Some(f)) => format!("{s}, {f}"),
            (Some(s), None) => s,
            (None, Some(f)) => f,
            (None, None) => "ok".into(),
        }
    }
}

/// The whole cluster as drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Picture {
    pub layout: Layout,
    pub nodes: Vec<NodeCard>,
    /// Owner of each slot: the master with the highest configEpoch that claims it (the rule
    /// Redis resolves conflicts with), or [`NO_OWNER`].
    pub owners: Vec<u16>,
    /// Slots some running node is MIGRATING or IMPORTING.
    pub migrating: SlotSet,
    pub importing: SlotSet,
    /// Cut links (unordered pairs, both directions blocked or one).
    pub cuts: Vec<(usize, usize)>,
    /// Running nodes that report `cluster_state:ok`, out of running nodes.
    pub ok_nodes: usize,
    pub up_nodes: usize,
}

impl Picture {
    pub fn owner(&self, slot: u16) -> Option<usize> {
        match self.owners.get(slot as usize) {
            Some(&o) if o != NO_OWNER => Some(o as usize),
            _ => None,
        }
    }

    /// Owners with their slot ranges, in node order (the slot map's text twin).
    pub fn ranges_by_owner(&self) -> Vec<(usize, Vec<(u16, u16)>)> {
        let mut out: Vec<(usize, Vec<(u16, u16)>)> = Vec::new();
        let mut start = 0usize;
        while start < self.owners.len() {
            let owner = self.owners[start];
            let mut end = start;
            while end + 1 < self.owners.len() && self.owners[end + 1] == owner {
                end += 1;
            }
            if owner != NO_OWNER {
                let range = (start as u16, end as u16);
                match out.iter_mut().find(|(o, _)| *o == owner as usize) {
                    Some((_, ranges)) => ranges.push(range),
                    None => out.push((owner as usize, vec![range])),
                }
            }
            start = end + 1;
        }
        sorted::sort_by_key(&mut out, |(o, _)| *o);
        out
    }

    pub fn uncovered(&self) -> usize {
        self.owners.iter().filter(|&&o| o == NO_OWNER).count()
    }
}

/// What the slot map's hover line says about `slot`: the slot, its owner and
/// how many keys the owner holds in it (`CLUSTER COUNTKEYSINSLOT`).
pub fn slot_hover(sim: &Sim, picture: &Picture, slot: u16) -> (u16, Option<usize>, usize) {
    let owner = picture.owner(slot);
    let keys = owner.map_or(0, |o| {
        sim.nodes()[o]
            .node
            .keyspace()
            .count_in_slot(sim.now(), slot)
    });
    (slot, owner, keys)
}

/// Builds the picture of `sim`, a cluster formed as `layout` says. Reads each node's own beliefs through cheap accessors,
/// so it stays fast for large clusters.
pub fn picture(sim: &Sim, layout: Layout) -> Picture {
    let nodes = sim.nodes();
    let total = nodes.len();
    let layout = Layout {
        extra: total.saturating_sub(layout.formed()),
        ..layout
    };
    let spots = layout.positions();
    let r = layout.radius();
    let (mut pfail_by, mut fail_by) = (vec![0usize; total], vec![0usize; total]);
    let mut up = 0;
    let mut ok = 0;
    for (i, n) in nodes.iter().enumerate() {
        if n.status != Status::Up {
            continue;
        }
        up += 1;
        if n.node.state_ok() {
            ok += 1;
        }
        for (id, flags) in n.node.peer_flags() {
            let Some(j) = sim.index_of_id(id) else {
                continue;
            };
            if j == i {
                continue;
            }
            if flags.has(NodeFlags::FAIL) {
                fail_by[j] += 1;
            } else if flags.has(NodeFlags::PFAIL) {
                pfail_by[j] += 1;
            }
        }
    }
    let mut just_promoted = vec![false; total];
    let trace = sim.trace();
    let recent = trace.partition_point(|e| e.t < sim.now() - JUST_PROMOTED_MS);
    for e in &trace[recent..] {
        if let Event::Promoted { .. } = e.event {
            if let Some(p) = just_promoted.get_mut(e.node) {
                *p = true;
            }
        }
    }
    let mut owners = vec![NO_OWNER; SLOTS as usize];
    let mut owner_epoch = vec![0u64; SLOTS as usize];
    let mut migrating = SlotSet::default();
    let mut importing = SlotSet::default();
    let mut cards = Vec::with_capacity(total);
    for (i, n) in nodes.iter().enumerate() {
        let node = &n.node;
        let slots = if node.is_master() {
            node.my_slots()
        } else {
            SlotSet::default()
        };
        let epoch = node.my_epoch();
        for s in slots.iter() {
            let o = owners[s as usize];
            if o == NO_OWNER || epoch > owner_epoch[s as usize] {
                owners[s as usize] = i as u16;
                owner_epoch[s as usize] = epoch;
            }
        }
        if n.status == Status::Up {
            for &s in node.migrating().keys() {
                migrating.insert(s);
            }
            for &s in node.importing().keys() {
                importing.insert(s);
            }
        }
        let colour = node_colour(i, &layout);
        cards.push(NodeCard {
            idx: i,
            name: n.name.clone(),
            addr: format!("127.0.0.1:{}", n.bus_addr.port().wrapping_sub(10_000)),
            status: n.status,
            asleep_until: node
                .frozen_until()
                .filter(|&until| n.status == Status::Up && until > sim.now()),
            is_master: node.is_master(),
            master: node.master().and_then(|m| sim.index_of_id(m)),
            config_epoch: epoch,
            current_epoch: node.current_epoch(),
            slot_count: slots.len(),
            slots: slots.ranges(),
            pfail_by: pfail_by[i],
            fail_by: fail_by[i],
            observers: up - usize::from(n.status == Status::Up),
            state_ok: node.state_ok(),
            born_master: !layout.born_replica(i),
            just_promoted: just_promoted[i] && node.is_master(),
            x: spots.get(i).map_or(VIEW_W / 2.0, |p| p.0),
            y: spots.get(i).map_or(VIEW_H / 2.0, |p| p.1),
            r,
            label_above: layout.born_replica(i)
                && spots.get(i).is_some_and(|p| p.1 < VIEW_H / 2.0 - 1.0),
            rgb: colour,
            fill: css(colour),
            ink: text_on(colour),
        });
    }
    let mut cuts: Vec<(usize, usize)> = sim
        .partitions()
        .pairs()
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    sorted::sort(&mut cuts);
    cuts.dedup();
    Picture {
        layout,
        nodes: cards,
        owners,
        migrating,
        importing,
        cuts,
        ok_nodes: ok,
        up_nodes: up,
    }
}

/// `0-5460 10923-16383`, or `-` for none. Long lists are cut after `max` ranges.
pub fn ranges_text(ranges: &[(u16, u16)], max: usize) -> String {
    if ranges.is_empty() {
        return "-".into();
    }
    let mut parts: Vec<String> = ranges
        .iter()
        .take(max)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    if ranges.len() > max {
        parts.push(format!("+{} more", ranges.len() - max));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests;
