//! `clusterCron`: every 100 ms, links, pings, PFAIL (rule in `pfail.rs`), the replica's duties.

use super::cron_due::next_check;
use crate::config::consts;
use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::msg::MsgType;
use crate::node::Node;
use crate::time::Time;
use std::net::SocketAddr;

impl Node {
    pub(in crate::node) fn cron(&mut self, now: Time) {
        self.cluster.iteration += 1;
        self.update_myself_hostname();
        let handshake_timeout = self.cfg.handshake_timeout();
        let mut update_state = false;

        // Oversized send buffers first: a freed link is reconnected below.
        self.free_links_over_limit();

        // Links and handshakes (clusterNodeCronHandleReconnect).
        if now >= self.cluster.cron_due.links_from {
            // (Walking this loop also makes the next per-node loop find
            // nodes it touched: `touch` lowers both.)
            self.cluster.stats_pfail_nodes = 0;
            let mut walk = self.cron_walk();
            for &idx in &walk {
                let i = idx as usize;
                if now < self.cluster.cron_due.links[i] {
                    self.cluster.stats_pfail_nodes += u32::from(self.cluster.cron_due.pfail[i]);
                    continue;
                }
                self.cron_link(now, idx, handshake_timeout);
            }
            self.cluster.cron_due.links_from = self.earliest(|due, i| due.links[i]);
            walk.clear();
            self.cluster.cron_due.walk = walk;
        }

        // Once a second, ping the node with the oldest PONG among 5 random ones.
        if self
            .cluster
            .iteration
            .is_multiple_of(consts::RANDOM_PING_EVERY)
        {
            let mut target: Option<(NodeId, Time)> = None;
            for _ in 0..consts::RANDOM_PING_SAMPLES {
                let Some(id) = self.random_peer() else { break };
                let Some(p) = self.peer(id) else { continue };
                if p.link.is_none()
                    || p.ping_sent.is_some()
                    || p.has(NodeFlags::MYSELF | NodeFlags::HANDSHAKE)
                {
                    continue;
                }
                if target.is_none_or(|(_, pong)| p.pong_received < pong) {
                    target = Some((id, p.pong_received));
                }
            }
            if let Some((id, _)) = target {
                self.send_ping(now, id, MsgType::Ping);
            }
        }

        // Per node: orphaned masters, link liveness, the half-timeout ping, PFAIL.
        // A manual failover pings its replica every cron: no skipping then.
        let mut due = std::mem::take(&mut self.cluster.cron_due.walk);
        if self.cluster.manual.end.is_none() {
            self.cluster
                .cron_due
                .start_checks(now, &self.cluster.order, &mut due);
            if cfg!(debug_assertions) {
                self.assert_skips_agree(now, &due);
            }
            let mut k = 0;
            while k < due.len() {
                let idx = due[k];
                update_state |= self.cron_check(now, idx);
                k += 1;
                self.cluster.cron_due.next_due(idx, &mut due, k);
            }
            self.cluster.cron_due.end_checks();
        } else {
            due.extend_from_slice(&self.cluster.order);
            for &idx in &due {
                update_state |= self.cron_check(now, idx);
            }
        }
        due.clear();
        self.cluster.cron_due.walk = due;
        let some_lists_two = self.is_replica() && self.cluster.cron_due.some_lists_two();

        // Replica migration needs a master with two working replicas or more,
        // so the working replicas of every master (a node lookup each, every
        // 100 ms) are only counted when some master lists two. Nothing in the
        // loop above changes what is counted: a replica marks no FAIL there.
        let (orphaned_masters, max_replicas, this_replicas) = if some_lists_two {
            self.replica_counts()
        } else {
            (0, 0, 0)
        };

        self.repl_cron(now);
        self.manual_failover_check_timeout(now);
        self.run_postponed(now);
        // `databasesCron`: only a master expires keys (a replica waits for
        // its DELs), and not while writes are paused (7.0's
        // `checkClientPauseTimeoutAndReturnIfPaused`).
        if self.is_master() && !self.writes_paused(now) && self.server.debug.active_expire {
            self.server.keyspace.active_expire_cycle(now, &mut self.rng);
            self.serving().queue_expired();
        }
        if self.is_replica() {
            self.handle_manual_failover(now);
            self.handle_replica_failover(now);
            if orphaned_masters > 0
                && max_replicas >= 2
                && this_replicas == max_replicas
                && self.cfg.allow_replica_migration
            {
                self.handle_replica_migration(now, max_replicas);
            }
        }

        if update_state || !self.cluster.state_ok {
            self.update_state(now);
        }
        self.cluster.blacklist.retain(|_, expire| *expire > now);
    }

    /// The earliest of `at` over the nodes in the table now (nodes added
    /// while cron walked included).
    fn earliest(&self, at: impl Fn(&super::cron_due::CronDue, usize) -> Time) -> Time {
        let due = &self.cluster.cron_due;
        self.cluster
            .order
            .iter()
            .map(|&i| at(due, i as usize))
            .min()
            .unwrap_or(Time::MAX)
    }

    /// The table order for a cron loop to walk, in the reused buffer.
    fn cron_walk(&mut self) -> Vec<u16> {
        let mut walk = std::mem::take(&mut self.cluster.cron_due.walk);
        walk.extend_from_slice(&self.cluster.order);
        walk
    }

    /// The reconnect loop's work on one node (`clusterNodeCronHandleReconnect`),
    /// then when it is next due there.
    fn cron_link(&mut self, now: Time, idx: u16, handshake_timeout: u64) {
        let Some(p) = self.peer_at(idx) else { return };
        let id = p.id;
        if id == self.myself || p.has(NodeFlags::NOADDR) {
            self.cluster.cron_due.links[idx as usize] = Time::MAX;
            self.cluster.cron_due.pfail[idx as usize] = false;
            return;
        }
        // (`ctime` is read only in a handshake: it is outside the entry's
        // first line.)
        let (pfail, handshake_expired, linked) = (
            p.has(NodeFlags::PFAIL),
            p.in_handshake() && now.since(p.ctime) > handshake_timeout,
            p.link.is_some(),
        );
        if pfail {
            self.cluster.stats_pfail_nodes += 1;
        }
        if handshake_expired {
            self.del_peer(id);
            self.emit(Event::NodeRemoved { about: id });
            return;
        }
        if !linked {
            self.connect(now, id);
        }
        let Some(p) = self.peer_at(idx) else { return };
        // An unlinked node is due every cron; a handshake when it expires.
        let due = if p.link.is_none() {
            Time::ZERO
        } else if p.in_handshake() {
            p.ctime + handshake_timeout + 1
        } else {
            Time::MAX
        };
        let pfail = p.has(NodeFlags::PFAIL);
        self.cluster.cron_due.links[idx as usize] = due;
        self.cluster.cron_due.pfail[idx as usize] = pfail;
    }

    /// The per-node loop's work on one node (link liveness, the half-timeout
    /// PING, PFAIL), then when it is next due there. Returns whether the
    /// cluster state needs an update.
    fn cron_check(&mut self, now: Time, idx: u16) -> bool {
        let update_state = self.cron_check_rules(now, idx);
        let node_timeout = self.cfg.node_timeout;
        let ping_interval = self.cfg.ping_interval();
        let (due, listed) = match self.peer_at(idx) {
            Some(p) if !p.has(NodeFlags::MYSELF | NodeFlags::NOADDR | NodeFlags::HANDSHAKE) => {
                let listed = if p.is_master() && !p.failed() {
                    p.replicas.len() as u32
                } else {
                    0
                };
                (next_check(p, node_timeout, ping_interval), listed)
            }
            _ => (Time::MAX, 0),
        };
        self.cluster.cron_due.checked(idx, due, listed);
        update_state
    }

    fn cron_check_rules(&mut self, now: Time, idx: u16) -> bool {
        let node_timeout = self.cfg.node_timeout;
        let Some(p) = self.peer_at(idx) else {
            return false;
        };
        let id = p.id;
        if p.has(NodeFlags::MYSELF | NodeFlags::NOADDR | NodeFlags::HANDSHAKE) {
            return false;
        }

        // A link that sent a PING long ago and heard nothing is dropped,
        // so the next cron reconnects (the outstanding ping is kept).
        if let (Some(link_time), Some(ping_sent)) = (p.link.get(), p.ping_sent.get()) {
            if now.since(link_time) > node_timeout
                && now.since(ping_sent) > node_timeout / 2
                && now.since(p.data_received) > node_timeout / 2
            {
                self.peer_at_mut(idx).expect("still present").link = None.into();
            }
        }

        let p = self.peer_at(idx).expect("still present");
        if p.link.is_some()
            && p.ping_sent.is_none()
            && now.since(p.pong_received) > self.cfg.ping_interval()
        {
            self.send_ping(now, id, MsgType::Ping);
            return false;
        }

        if self.cluster.manual.end.is_some()
            && self.is_master()
            && self.cluster.manual.replica == Some(id)
            && p.link.is_some()
        {
            self.send_ping(now, id, MsgType::Ping);
            return false;
        }

        if super::pfail::timed_out(p, now, node_timeout) {
            // The numbers that decided it, for the event's explanation.
            let ping_sent = p
                .ping_sent
                .get()
                .expect("an outstanding PING: timed_out holds");
            let delay = now.since(ping_sent).min(now.since(p.data_received));
            self.peer_at_mut(idx)
                .expect("present")
                .flags
                .set(NodeFlags::PFAIL);
            self.emit(Event::Pfail {
                about: id,
                ping_sent,
                silent_ms: delay.min(u32::MAX as u64) as u32,
                timeout_ms: node_timeout.min(u32::MAX as u64) as u32,
            });
            if self.is_master() && self.cluster.size == 1 {
                self.mark_failing_if_needed(now, id);
            }
            return true;
        }
        false
    }

    /// For a replica's cron: masters with slots left without a working
    /// replica (and that had one), the most working replicas any master has,
    /// and how many my master has.
    fn replica_counts(&self) -> (u32, u32, u32) {
        let (mut orphaned_masters, mut max_replicas, mut this_replicas) = (0, 0, 0);
        let my_master = self.master();
        for p in self.peers() {
            if p.has(NodeFlags::MYSELF | NodeFlags::NOADDR | NodeFlags::HANDSHAKE)
                || !p.is_master()
                || p.failed()
            {
                continue;
            }
            let ok = self.non_failing_replicas_of(p);
            if ok == 0 && p.numslots > 0 && p.has(NodeFlags::MIGRATE_TO) {
                orphaned_masters += 1;
            }
            max_replicas = max_replicas.max(ok);
            if my_master == Some(p.id) {
                this_replicas = ok;
            }
        }
        (orphaned_masters, max_replicas, this_replicas)
    }

    /// Creates the outbound link (`clusterNodeCronHandleReconnect`). The
    /// connect is asynchronous (a non-blocking connect on Linux answers
    /// EINPROGRESS even when nobody listens), and the greeting waits for it
    /// ([`link_up`](Self::link_up)); a refused connect frees the link and
    /// the next cron tries again, so reconnecting to a dead node sends no
    /// message. Until the answer the link counts as there: the rest of this
    /// cron may ping on it, which is how a node with no outstanding PING to
    /// a dead peer starts the failure-detection clock.
    fn connect(&mut self, now: Time, id: NodeId) {
        let Some(p) = self.peer_mut(id) else { return };
        let Some(addr) = p.bus_addr() else { return };
        p.link = Some(now).into();
        self.cluster.connecting.retain(|(a, _)| *a != addr);
        self.cluster.connecting.push((addr, id));
        self.out
            .push_back(crate::node::Output::Connect { to: addr });
    }

    /// `clusterLinkConnectHandler`: the link is up, greet the node: MEET if
    /// we were asked to meet it, else PING (keeping an outstanding ping
    /// time, as Redis does).
    pub(in crate::node) fn link_up(&mut self, now: Time, addr: SocketAddr) {
        let Some(id) = self.link_node(addr) else {
            return;
        };
        let Some(p) = self.peer(id) else { return };
        if p.link.is_none() {
            return;
        }
        let old_ping = p.ping_sent;
        let kind = if p.has(NodeFlags::MEET) {
            MsgType::Meet
        } else {
            MsgType::Ping
        };
        self.send_ping(now, id, kind);
        if let Some(p) = self.peer_mut(id) {
            if old_ping.is_some() {
                p.ping_sent = old_ping;
            }
            p.flags.clear(NodeFlags::MEET);
        }
    }

    /// The node our outbound link to `addr` belongs to: one being connected
    /// if any (without walking the table), else the one at that address.
    pub(in crate::node) fn link_node(&mut self, addr: SocketAddr) -> Option<NodeId> {
        if let Some(pos) = self.cluster.connecting.iter().position(|(a, _)| *a == addr) {
            let (_, id) = self.cluster.connecting.swap_remove(pos);
            if self.peer(id).is_some_and(|p| p.bus_addr() == Some(addr)) {
                return Some(id);
            }
        }
        self.peer_by_addr(addr)
    }
}
