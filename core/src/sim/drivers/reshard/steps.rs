//! One command at a time: what each phase sends, and what its reply means.

use super::{args, load, text, Job, Phase, Task};
use crate::resp::Value;
use crate::sim::{Sim, Status};
use std::collections::VecDeque;

impl Sim {
    /// Sends the command of the current phase.
    pub(super) fn issue(&mut self, job: &mut Job) {
        let phase = job.phase.clone();
        match phase {
            Phase::Meet { new } => {
                let entry = self.nodes[job.entry].client_addr;
                let (ip, port) = (entry.ip().to_string(), entry.port().to_string());
                let meet = args(&[b"CLUSTER", b"MEET", ip.as_bytes(), port.as_bytes()]);
                self.job_send(job, new, meet);
            }
            Phase::WaitJoin { pending, .. } => match pending.front() {
                Some(&n) => self.job_send(job, n, args(&[b"CLUSTER", b"NODES"])),
                None => unreachable!("a finished round restarts or ends the wait"),
            },
            Phase::Load { pending } => {
                let node = pending
                    .as_ref()
                    .map_or(Some(job.entry), |p| p.front().copied());
                match node {
                    Some(n) => self.job_send(job, n, args(&[b"CLUSTER", b"NODES"])),
                    None => self.plan(job),
                }
            }
            Phase::NextSlot => self.next_slot(job),
            Phase::Importing | Phase::Migrating => {
                let (slot, src, dst) = job.current.expect("a slot is being moved");
                let (node, other, what) = if phase == Phase::Importing {
                    (dst, src, &b"IMPORTING"[..])
                } else {
                    (src, dst, &b"MIGRATING"[..])
                };
                let id = job.master(other).expect("loaded").id.clone();
                let s = slot.to_string();
                let cmd = args(&[b"CLUSTER", b"SETSLOT", s.as_bytes(), what, id.as_bytes()]);
                self.job_send(job, node, cmd);
            }
            Phase::GetKeys => {
                let (slot, src, _) = job.current.expect("a slot is being moved");
                let (s, n) = (slot.to_string(), job.opts.pipeline.to_string());
                let cmd = args(&[b"CLUSTER", b"GETKEYSINSLOT", s.as_bytes(), n.as_bytes()]);
                self.job_send(job, src, cmd);
            }
            Phase::Migrate { keys, replace } => {
                let (_, src, dst) = job.current.expect("a slot is being moved");
                let addr = job.master(dst).expect("loaded").addr;
                let (ip, port) = (addr.ip().to_string(), addr.port().to_string());
                let timeout = job.opts.timeout_ms.to_string();
                let mut cmd = args(&[
                    b"MIGRATE",
                    ip.as_bytes(),
                    port.as_bytes(),
                    b"",
                    b"0",
                    timeout.as_bytes(),
                ]);
                if replace {
                    cmd.push(b"REPLACE".to_vec());
                }
                cmd.push(b"KEYS".to_vec());
                cmd.extend(keys);
                self.job_send(job, src, cmd);
            }
            Phase::SetNode { targets } => {
                let (slot, _, dst) = job.current.expect("a slot is being moved");
                let node = *targets.front().expect("a finished SetNode moves on");
                let id = job.master(dst).expect("loaded").id.clone();
                let s = slot.to_string();
                let cmd = args(&[b"CLUSTER", b"SETSLOT", s.as_bytes(), b"NODE", id.as_bytes()]);
                self.job_send(job, node, cmd);
            }
            Phase::Replicate { new, master_id } => {
                let cmd = args(&[b"CLUSTER", b"REPLICATE", master_id.as_bytes()]);
                self.job_send(job, new, cmd);
            }
            Phase::Finished => {}
        }
    }

    pub(super) fn on_reply(&mut self, job: &mut Job, node: usize, reply: Value) {
        let addr = self.nodes[node].client_addr;
        let error = match &reply {
            Value::Error(e) => Some(e.clone()),
            _ => None,
        };
        match std::mem::replace(&mut job.phase, Phase::Finished) {
            Phase::Meet { new } => match error {
                Some(e) => job.fail(format!("[ERR] CLUSTER MEET on {addr}: {e}")),
                None => {
                    job.phase = Phase::WaitJoin {
                        new,
                        new_id: None,
                        pending: self.join_round(new),
                        joined: true,
                        signatures: Vec::new(),
                    }
                }
            },
            Phase::WaitJoin {
                new,
                mut new_id,
                mut pending,
                mut joined,
                mut signatures,
            } => {
                pending.pop_front();
                let lines = text(&reply).map(load::parse).unwrap_or_default();
                if node == new {
                    new_id = lines.iter().find(|l| l.has("myself")).map(|l| l.id.clone());
                } else {
                    let knows = lines.iter().any(|l| {
                        Some(&l.id) == new_id.as_ref() && !l.has("handshake") && !l.has("noaddr")
                    });
                    joined &= knows;
                }
                signatures.push(load::signature(&lines));
                if pending.is_empty() {
                    let agree = signatures.windows(2).all(|w| w[0] == w[1]);
                    if joined && agree && new_id.is_some() {
                        job.log.push(">>> New node joined the cluster".into());
                        job.phase = match job.task {
                            Task::AddReplica { master, .. } => {
                                let a = self.nodes[master].client_addr;
                                job.log
                                    .push(format!(">>> Configure node as replica of {a}."));
                                Phase::Replicate {
                                    new,
                                    master_id: self.nodes[master].node.id().to_string(),
                                }
                            }
                            _ => Phase::Load { pending: None },
                        };
                        return;
                    }
                    // redis-cli sleeps a second between checks.
                    job.next_at = Some(self.now + 1000);
                    pending = self.join_round(new);
                    joined = true;
                    signatures.clear();
                }
                job.phase = Phase::WaitJoin {
                    new,
                    new_id,
                    pending,
                    joined,
                    signatures,
                };
            }
            Phase::Load { pending } => {
                let Some(lines) = text(&reply).map(load::parse) else {
                    return job.fail(format!("[ERR] CLUSTER NODES on {addr}: {reply:?}"));
                };
                let pending = match pending {
                    None => {
                        // The entry node: its friends come next.
                        let friends = lines
                            .iter()
                            .filter(|l| !l.has("myself") && !l.unusable())
                            .filter_map(|l| l.addr.and_then(|a| self.index_of_client_addr(a)))
                            .collect();
                        job.loaded.clear();
                        job.loaded.push((node, lines));
                        friends
                    }
                    Some(mut p) => {
                        p.pop_front();
                        job.loaded.push((node, lines));
                        p
                    }
                };
                job.phase = Phase::Load {
                    pending: Some(pending),
                };
            }
            Phase::NextSlot | Phase::Finished => {}
            phase @ (Phase::Importing | Phase::Migrating) => match error {
                Some(e) => job.fail(format!("[ERR] Calling CLUSTER SETSLOT on {addr}: {e}")),
                None if phase == Phase::Importing => job.phase = Phase::Migrating,
                None => job.phase = Phase::GetKeys,
            },
            Phase::GetKeys => match reply {
                Value::Array(keys) if keys.is_empty() => {
                    let (_, src, dst) = job.current.expect("moving");
                    let mut targets = VecDeque::from([dst, src]);
                    targets.extend(
                        job.masters
                            .iter()
                            .map(|m| m.idx)
                            .filter(|&m| m != src && m != dst),
                    );
                    job.phase = Phase::SetNode { targets };
                }
                Value::Array(keys) => {
                    let keys = keys
                        .into_iter()
                        .filter_map(|k| match k {
                            Value::Bulk(b) => Some(b),
                            _ => None,
                        })
                        .collect();
                    job.phase = Phase::Migrate {
                        keys,
                        replace: false,
                    };
                }
                other => job.fail(format!("[ERR] CLUSTER GETKEYSINSLOT on {addr}: {other:?}")),
            },
            Phase::Migrate { keys, replace } => match error {
                None => {
                    // +NOKEY: they expired meanwhile; nothing moved.
                    if reply == Value::ok() {
                        job.keys_moved += keys.len();
                    }
                    job.phase = Phase::GetKeys;
                }
                Some(e) if e.contains("BUSYKEY Target key name already exists") && !replace => {
                    job.log.push("*** Target key exists".into());
                    if job.opts.replace {
                        job.log.push("*** Replacing target keys...".into());
                        job.phase = Phase::Migrate {
                            keys,
                            replace: true,
                        };
                    } else {
                        job.fail(format!("[ERR] Calling MIGRATE: {e}"));
                    }
                }
                Some(e) => job.fail(format!("[ERR] Calling MIGRATE: {e}")),
            },
            Phase::SetNode { mut targets } => {
                let (slot, src, dst) = job.current.expect("moving");
                targets.pop_front();
                if let Some(e) = error {
                    let tolerated =
                        node == src && e.starts_with("ERR Please use SETSLOT only with masters.");
                    if !tolerated {
                        return job.fail(format!("[ERR] Calling CLUSTER SETSLOT on {addr}: {e}"));
                    }
                }
                if targets.is_empty() {
                    for m in job.masters.iter_mut() {
                        if m.idx == src {
                            m.slots.remove(&slot);
                        } else if m.idx == dst {
                            m.slots.insert(slot);
                        }
                    }
                    job.slots_moved += 1;
                    job.current = None;
                    job.phase = Phase::NextSlot;
                } else {
                    job.phase = Phase::SetNode { targets };
                }
            }
            Phase::Replicate { .. } => match error {
                Some(e) => job.fail(format!("[ERR] CLUSTER REPLICATE on {addr}: {e}")),
                None => {
                    job.log.push("[OK] New node added correctly.".into());
                    job.outcome = Some(Ok(()));
                }
            },
        }
    }

    /// Every running node, the new one first (its `myself` line gives its ID).
    fn join_round(&self, new: usize) -> VecDeque<usize> {
        let mut round = VecDeque::from([new]);
        round.extend(
            (0..self.nodes.len()).filter(|&i| i != new && self.nodes[i].status == Status::Up),
        );
        round
    }
}
