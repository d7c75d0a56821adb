//! `redis-cli --cluster fix` against the simulated cluster, as redis-cli 7.0
//! runs it: the check of `--cluster check`, with two repairs in between.
//!
//! An interrupted reshard leaves a slot MIGRATING on its owner and IMPORTING
//! on its destination, and a lost shard leaves slots nobody serves; `fix` is
//! the tool operators reach for, so the lesson console runs it and prints
//! what redis-cli prints. The repairs follow redis-cli.c
//! (`clusterManagerFixOpenSlot`, `clusterManagerFixSlotsCoverage`,
//! `clusterManagerMoveSlot`, `clusterManagerSetSlotOwner`): each decision is
//! taken from the replies of the same commands (`CLUSTER COUNTKEYSINSLOT`,
//! `GETKEYSINSLOT`, `SETSLOT`, `MIGRATE`, `MULTI`…`EXEC`), sent to the nodes'
//! client ports, so a MIGRATE takes its round trips of simulated time.
//!
//! Not modelled: the `DEBUG DIGEST-VALUE` comparison after a BUSYKEY (the
//! fix stops with the error), and redis-cli's `--cluster-search-multiple-owners`.

use super::cli_report::{cli_coverage, slots_string, CliLoad, Loaded};
use super::conns::INTERNAL_CLIENTS;
use super::{Sim, Status};
use crate::node::ClientId;
use crate::resp::Value;
use std::fmt::Write;

/// The connection redis-cli's fix uses on every node: a client number of
/// its own, below the simulator's internal ranges, so replies come back to
/// [`Sim::cli_call`].
const FIX_CLIENT: ClientId = ClientId(INTERNAL_CLIENTS - 1);

/// redis-cli's defaults: `--cluster-pipeline` and `--cluster-timeout` (ms).
const PIPELINE: usize = 10;
const MIGRATE_TIMEOUT_MS: u64 = 60_000;

/// redis-cli stopped (an error it does not recover from, or `exit(1)`).
struct Stop;

/// The text redis-cli prints when a node answers an error
/// (`CLUSTER_MANAGER_PRINT_REPLY_ERROR`).
fn reply_error(n: &Loaded, e: &str, out: &mut String) {
    let _ = writeln!(out, "Node {}:{} replied with error:\n{e}", n.ip, n.port);
}

/// `ip:port` of the nodes, comma-separated, as the fix's lists print them.
fn addrs(nodes: &[&Loaded]) -> String {
    let list: Vec<String> = nodes
        .iter()
        .map(|n| format!("{}:{}", n.ip, n.port))
        .collect();
    list.join(",")
}

impl Sim {
    /// What `redis-cli --cluster fix <entry's address>` prints, after running
    /// it to the end (redis-cli blocks until it is done). The confirmations
    /// redis-cli asks before covering slots are answered `yes`, as typed.
    /// `with_unreachable` is `--cluster-fix-with-unreachable-masters`.
    pub fn cluster_fix(&mut self, entry: usize, with_unreachable: bool) -> String {
        let mut out = String::new();
        let Some(mut load) = self.cli_load(entry, &mut out) else {
            return out;
        };
        self.cli_show_info(&load.nodes, &mut out);
        self.cli_check_config(&load.nodes, &mut out);
        let open = self.cli_open_slots(&load.nodes, &mut out);
        let unreachable =
            (load.unreachable_masters > 0 && !with_unreachable).then_some(load.unreachable_masters);
        for slot in open {
            if self
                .fix_open_slot(&mut load, slot, unreachable, &mut out)
                .is_err()
            {
                // The check goes on to the coverage after a failed fix,
                // unless redis-cli exited.
                if unreachable.is_some() {
                    return out;
                }
                break;
            }
        }
        let covered = cli_coverage(&load.nodes, &mut out);
        if covered.iter().any(|c| !c) {
            let _ = self.fix_coverage(&mut load, &covered, unreachable, &mut out);
        }
        out
    }

    /// Sends one command on redis-cli's connection to node `idx` and waits
    /// for its reply (a MIGRATE's comes after its round trips). `None` when
    /// the node is not running or gives no reply within the MIGRATE timeout.
    fn cli_call(&mut self, idx: usize, args: &[&str]) -> Option<Value> {
        if self.status(idx) != Status::Up {
            return None;
        }
        let bytes = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        if let Some(v) = self.command(idx, FIX_CLIENT, bytes) {
            return Some(v);
        }
        let limit = self.now + MIGRATE_TIMEOUT_MS + 1000;
        while self.now < limit && self.status(idx) == Status::Up {
            let next = self.now + 1;
            self.run_until(next);
            let pos = self
                .replies
                .iter()
                .position(|(n, c, _)| *n == idx && *c == FIX_CLIENT);
            if let Some(pos) = pos {
                return self.replies.remove(pos).map(|(_, _, v)| v);
            }
        }
        None
    }

    /// A command whose error redis-cli prints and stops on
    /// (`clusterManagerCheckRedisReply` with no error out-parameter).
    fn cli_checked(&mut self, n: &Loaded, args: &[&str], out: &mut String) -> Result<Value, Stop> {
        match self.cli_call(n.idx, args) {
            Some(Value::Error(e)) => {
                reply_error(n, &e, out);
                Err(Stop)
            }
            Some(v) => Ok(v),
            None => {
                let _ = writeln!(out, "I/O error reading reply from {}:{}", n.ip, n.port);
                Err(Stop)
            }
        }
    }

    fn count_keys(&mut self, n: &Loaded, slot: u16, out: &mut String) -> Result<i64, Stop> {
        let s = slot.to_string();
        match self.cli_checked(n, &["CLUSTER", "COUNTKEYSINSLOT", &s], out)? {
            Value::Integer(k) => Ok(k),
            _ => Err(Stop),
        }
    }

    /// `clusterManagerGetNodeWithMostKeysInSlot` over masters: the first one
    /// wins a tie, so with no keys anywhere it is the first master.
    fn most_keys(
        &mut self,
        load: &CliLoad,
        among: &[usize],
        slot: u16,
        out: &mut String,
    ) -> Result<Option<usize>, Stop> {
        let mut best: Option<(usize, i64)> = None;
        for &i in among {
            if load.nodes[i].slave {
                continue;
            }
            let k = self.count_keys(&load.nodes[i], slot, out)?;
            if best.is_none_or(|(_, b)| k > b) {
                best = Some((i, k));
            }
        }
        Ok(best.map(|(i, _)| i))
    }

    /// `clusterManagerFixOpenSlot`.
    fn fix_open_slot(
        &mut self,
        load: &mut CliLoad,
        slot: u16,
        unreachable: Option<usize>,
        out: &mut String,
    ) -> Result<(), Stop> {
        if let Some(n) = unreachable {
            let _ = writeln!(out, "*** Fixing open slots with {n} unreachable masters is dangerous: redis-cli will assume that slots about masters that are not reachable are not covered, and will try to reassign them to the reachable nodes. This can cause data loss and is rarely what you want to do. If you really want to proceed use the --cluster-fix-with-unreachable-masters option.");
            return Err(Stop);
        }
        let _ = writeln!(out, ">>> Fixing open slot {slot}");
        let s = slot.to_string();
        let masters: Vec<usize> = (0..load.nodes.len())
            .filter(|&i| !load.nodes[i].slave)
            .collect();
        // Nodes that claim the slot, or hold keys of it.
        let mut owners = Vec::new();
        for &i in &masters {
            if load.nodes[i].slots[slot as usize] {
                owners.push(i);
            } else if self.count_keys(&load.nodes[i], slot, out)? > 0 {
                let n = &load.nodes[i];
                let _ = writeln!(
                    out,
                    "*** Found keys about slot {slot} in non-owner node {}:{}!",
                    n.ip, n.port
                );
                owners.push(i);
            }
        }
        let mut owner = (owners.len() == 1).then(|| owners[0]);
        let (mut migrating, mut importing) = (Vec::new(), Vec::new());
        for &i in &masters {
            let n = &load.nodes[i];
            if n.migrating.iter().any(|(x, _)| *x == s) {
                migrating.push(i);
            } else if n.importing.iter().any(|(x, _)| *x == s) {
                importing.push(i);
            } else if Some(i) != owner && self.count_keys(&load.nodes[i], slot, out)? > 0 {
                let n = &load.nodes[i];
                let _ = writeln!(
                    out,
                    "*** Found keys about slot {slot} in node {}:{}!",
                    n.ip, n.port
                );
                importing.push(i);
            }
        }
        let list = |l: &[usize]| addrs(&l.iter().map(|&i| &load.nodes[i]).collect::<Vec<_>>());
        if !migrating.is_empty() {
            let _ = writeln!(out, "Set as migrating in: {}", list(&migrating));
        }
        if !importing.is_empty() {
            let _ = writeln!(out, "Set as importing in: {}", list(&importing));
        }
        let owner = match owner.take() {
            Some(o) => o,
            None => {
                out.push_str(
                    ">>> No single clear owner for the slot, selecting an owner by # of keys...\n",
                );
                let all: Vec<usize> = (0..load.nodes.len()).collect();
                let Some(o) = self.most_keys(load, &all, slot, out)? else {
                    out.push_str("[ERR] Can't select a slot owner. Impossible to fix.\n");
                    return Err(Stop);
                };
                let n = &load.nodes[o];
                let _ = writeln!(out, "*** Configuring {}:{} as the slot owner", n.ip, n.port);
                self.cli_checked(&load.nodes[o], &["CLUSTER", "SETSLOT", &s, "STABLE"], out)?;
                self.set_slot_owner(&load.nodes[o], slot, false, out)?;
                load.nodes[o].slots[slot as usize] = true;
                migrating.retain(|&i| i != o);
                importing.retain(|&i| i != o);
                o
            }
        };
        let owner_id = load.nodes[owner].name.clone();
        if owners.len() > 1 {
            for &i in owners.iter().filter(|&&i| i != owner) {
                self.del_slot(&load.nodes[i], slot, out)?;
                load.nodes[i].slots[slot as usize] = false;
                let n = &load.nodes[i];
                self.cli_checked(n, &["CLUSTER", "SETSLOT", &s, "node", &owner_id], out)?;
                self.cli_checked(n, &["CLUSTER", "SETSLOT", &s, "importing", &owner_id], out)?;
                importing.retain(|&x| x != i);
                importing.push(i);
                migrating.retain(|&x| x != i);
            }
        }
        match (migrating.len(), importing.len()) {
            (1, 1) => {
                let (src, dst) = (migrating[0], importing[0]);
                let (a, b) = (&load.nodes[src], &load.nodes[dst]);
                let _ = writeln!(
                    out,
                    ">>> Case 1: Moving slot {slot} from {}:{} to {}:{}",
                    a.ip, a.port, b.ip, b.port
                );
                self.move_slot(load, src, dst, slot, false, out)?;
                load.nodes[src].slots[slot as usize] = false;
                load.nodes[dst].slots[slot as usize] = true;
            }
            (0, k) if k > 0 => {
                let o = &load.nodes[owner];
                // redis-cli's format prints the slot where it means "the slot's keys".
                let _ = writeln!(
                    out,
                    ">>> Case 2: Moving all the {slot} slot keys to its owner {}:{}",
                    o.ip, o.port
                );
                for &i in importing.iter().filter(|&&i| i != owner) {
                    self.move_slot(load, i, owner, slot, true, out)?;
                    let n = &load.nodes[i];
                    let _ = writeln!(out, ">>> Setting {slot} as STABLE in {}:{}", n.ip, n.port);
                    self.cli_checked(n, &["CLUSTER", "SETSLOT", &s, "STABLE"], out)?;
                }
                for &i in masters.iter().filter(|&&i| i != owner) {
                    let n = &load.nodes[i];
                    self.cli_checked(n, &["CLUSTER", "SETSLOT", &s, "NODE", &owner_id], out)?;
                }
            }
            (1, k) if k > 1 => self.fix_case_3(load, slot, migrating[0], &importing, owner, out)?,
            _ => {
                let mut close = importing.is_empty() && migrating.len() == 1;
                if close && migrating[0] != owner {
                    let n = &load.nodes[migrating[0]];
                    let keys = self.cli_checked(n, &["CLUSTER", "GETKEYSINSLOT", &s, "10"], out)?;
                    close = matches!(keys, Value::Array(k) if k.is_empty());
                }
                if close {
                    let n = &load.nodes[migrating[0]];
                    let _ = writeln!(
                        out,
                        ">>> Case 4: Closing slot {slot} on {}:{}",
                        n.ip, n.port
                    );
                    self.cli_checked(n, &["CLUSTER", "SETSLOT", &s, "STABLE"], out)?;
                } else {
                    self.unhandled(load, &migrating, &importing, owner, out);
                    return Err(Stop);
                }
            }
        }
        Ok(())
    }

    /// Case 3: one node MIGRATING, several IMPORTING, none of them with keys.
    fn fix_case_3(
        &mut self,
        load: &mut CliLoad,
        slot: u16,
        src: usize,
        importing: &[usize],
        owner: usize,
        out: &mut String,
    ) -> Result<(), Stop> {
        let s = slot.to_string();
        let target = load.nodes[src]
            .migrating
            .iter()
            .find(|(x, _)| *x == s)
            .map(|(_, id)| id.clone())
            .unwrap_or_default();
        let mut dst = None;
        for &i in importing {
            if self.count_keys(&load.nodes[i], slot, out)? > 0 {
                let migrating = [src];
                self.unhandled(load, &migrating, importing, owner, out);
                return Err(Stop);
            }
            if load.nodes[i].name == target {
                dst = Some(i);
            }
        }
        let a = &load.nodes[src];
        match dst {
            Some(d) => {
                let b = &load.nodes[d];
                let _ = writeln!(out, ">>> Case 3: Moving slot {slot} from {}:{} to {}:{} and closing it on all the other importing nodes.", a.ip, a.port, b.ip, b.port);
                self.move_slot(load, src, d, slot, false, out)?;
                for &i in importing.iter().filter(|&&i| i != d) {
                    self.cli_checked(&load.nodes[i], &["CLUSTER", "SETSLOT", &s, "STABLE"], out)?;
                }
            }
            None => {
                let _ = writeln!(
                    out,
                    ">>> Case 3: Closing slot {slot} on both migrating and importing nodes."
                );
                self.cli_checked(&load.nodes[src], &["CLUSTER", "SETSLOT", &s, "STABLE"], out)?;
                for &i in importing {
                    self.cli_checked(&load.nodes[i], &["CLUSTER", "SETSLOT", &s, "STABLE"], out)?;
                }
            }
        }
        Ok(())
    }

    fn unhandled(
        &self,
        load: &CliLoad,
        migrating: &[usize],
        importing: &[usize],
        owner: usize,
        out: &mut String,
    ) {
        let list = |l: &[usize]| addrs(&l.iter().map(|&i| &load.nodes[i]).collect::<Vec<_>>());
        let o = &load.nodes[owner];
        let _ = writeln!(out, "[ERR] Sorry, redis-cli can't fix this slot yet (work in progress). Slot is set as migrating in {}, as importing in {}, owner is {}:{}", list(migrating), list(importing), o.ip, o.port);
    }

    /// `clusterManagerDelSlot` with `ignore_unassigned_err`: an error is
    /// fine when the node sees the slot unassigned.
    fn del_slot(&mut self, n: &Loaded, slot: u16, out: &mut String) -> Result<(), Stop> {
        let s = slot.to_string();
        match self.cli_call(n.idx, &["CLUSTER", "DELSLOTS", &s]) {
            Some(Value::Error(e)) if !e.ends_with("is already unassigned") => {
                reply_error(n, &e, out);
                Err(Stop)
            }
            Some(_) => Ok(()),
            None => Err(Stop),
        }
    }

    /// `clusterManagerSetSlotOwner`: in one transaction, DELSLOTS, ADDSLOTS,
    /// (SETSLOT STABLE), BUMPEPOCH; only the ADDSLOTS may not fail.
    fn set_slot_owner(
        &mut self,
        n: &Loaded,
        slot: u16,
        clear: bool,
        out: &mut String,
    ) -> Result<(), Stop> {
        let s = slot.to_string();
        self.cli_checked(n, &["MULTI"], out)?;
        self.cli_checked(n, &["CLUSTER", "DELSLOTS", &s], out)?;
        self.cli_checked(n, &["CLUSTER", "ADDSLOTS", &s], out)?;
        if clear {
            self.cli_checked(n, &["CLUSTER", "SETSLOT", &s, "STABLE"], out)?;
        }
        self.cli_checked(n, &["CLUSTER", "BUMPEPOCH"], out)?;
        match self.cli_checked(n, &["EXEC"], out)? {
            Value::Array(replies) => match replies.get(1) {
                Some(Value::Error(e)) => {
                    reply_error(n, e, out);
                    Err(Stop)
                }
                _ => Ok(()),
            },
            _ => Err(Stop),
        }
    }

    /// `clusterManagerMoveSlot` (verbose: a dot per key moved). `cold` moves
    /// the keys only, without opening the slot or reassigning it.
    fn move_slot(
        &mut self,
        load: &CliLoad,
        src: usize,
        dst: usize,
        slot: u16,
        cold: bool,
        out: &mut String,
    ) -> Result<(), Stop> {
        let (a, b) = (&load.nodes[src], &load.nodes[dst]);
        let _ = write!(
            out,
            "Moving slot {slot} from {}:{} to {}:{}: ",
            a.ip, a.port, b.ip, b.port
        );
        let s = slot.to_string();
        if !cold {
            self.cli_checked(b, &["CLUSTER", "SETSLOT", &s, "importing", &a.name], out)?;
            self.cli_checked(a, &["CLUSTER", "SETSLOT", &s, "migrating", &b.name], out)?;
        }
        let (ip, port) = (b.ip.clone(), b.port.to_string());
        let timeout = MIGRATE_TIMEOUT_MS.to_string();
        let pipeline = PIPELINE.to_string();
        loop {
            let keys = self.cli_checked(a, &["CLUSTER", "GETKEYSINSLOT", &s, &pipeline], out)?;
            let Value::Array(keys) = keys else {
                return Err(Stop);
            };
            if keys.is_empty() {
                break;
            }
            let keys: Vec<String> = keys
                .iter()
                .filter_map(|k| match k {
                    Value::Bulk(b) => Some(String::from_utf8_lossy(b).into_owned()),
                    _ => None,
                })
                .collect();
            let mut cmd = vec!["MIGRATE", &ip, &port, "", "0", &timeout, "KEYS"];
            cmd.extend(keys.iter().map(String::as_str));
            match self.cli_call(a.idx, &cmd) {
                Some(Value::Error(e)) => {
                    out.push('\n');
                    reply_error(a, &e, out);
                    return Err(Stop);
                }
                Some(_) => out.push_str(&".".repeat(keys.len())),
                None => return Err(Stop),
            }
        }
        out.push('\n');
        if !cold {
            self.cli_checked(b, &["CLUSTER", "SETSLOT", &s, "node", &b.name], out)?;
            // The source may have just become a replica (its last slot left).
            match self.cli_call(a.idx, &["CLUSTER", "SETSLOT", &s, "node", &b.name]) {
                Some(Value::Error(e))
                    if !e.starts_with("ERR Please use SETSLOT only with masters.") =>
                {
                    reply_error(a, &e, out);
                    return Err(Stop);
                }
                _ => {}
            }
            for n in load
                .nodes
                .iter()
                .filter(|n| !n.slave && n.idx != a.idx && n.idx != b.idx)
            {
                self.cli_checked(n, &["CLUSTER", "SETSLOT", &s, "node", &b.name], out)?;
            }
        }
        Ok(())
    }

    /// `clusterManagerFixSlotsCoverage`.
    fn fix_coverage(
        &mut self,
        load: &mut CliLoad,
        covered: &[bool],
        unreachable: Option<usize>,
        out: &mut String,
    ) -> Result<(), Stop> {
        if let Some(n) = unreachable {
            let _ = writeln!(out, "*** Fixing slots coverage with {n} unreachable masters is dangerous: redis-cli will assume that slots about masters that are not reachable are not covered, and will try to reassign them to the reachable nodes. This can cause data loss and is rarely what you want to do. If you really want to proceed use the --cluster-fix-with-unreachable-masters option.");
            return Err(Stop);
        }
        out.push_str(">>> Fixing slots coverage...\n");
        let masters: Vec<usize> = (0..load.nodes.len())
            .filter(|&i| !load.nodes[i].slave)
            .collect();
        // Per uncovered slot, the masters holding keys of it. redis-cli
        // walks these from a hash table; ascending order here.
        let mut uncovered: Vec<(u16, Vec<usize>)> = Vec::new();
        for slot in (0..covered.len()).filter(|&s| !covered[s]) {
            let slot = slot as u16;
            let s = slot.to_string();
            let mut with_keys = Vec::new();
            for &i in &masters {
                let keys =
                    self.cli_checked(&load.nodes[i], &["CLUSTER", "GETKEYSINSLOT", &s, "1"], out)?;
                if matches!(keys, Value::Array(k) if !k.is_empty()) {
                    with_keys.push(i);
                }
            }
            uncovered.push((slot, with_keys));
        }
        let group = |n: fn(usize) -> bool| -> Vec<(u16, Vec<usize>)> {
            uncovered
                .iter()
                .filter(|(_, k)| n(k.len()))
                .cloned()
                .collect()
        };
        let (none, single, multi) = (group(|k| k == 0), group(|k| k == 1), group(|k| k > 1));
        let print_list = |l: &[(u16, Vec<usize>)], out: &mut String| {
            let mut bits = vec![false; covered.len()];
            for (s, _) in l {
                bits[*s as usize] = true;
            }
            let _ = writeln!(out, "{}", slots_string(&bits));
        };
        if !none.is_empty() {
            out.push_str("The following uncovered slots have no keys across the cluster:\n");
            print_list(&none, out);
            out.push_str(
                "Fix these slots by covering with a random node? (type 'yes' to accept): yes\n",
            );
            for (slot, _) in &none {
                // redis-cli draws with srand(time(NULL)); the simulated clock's
                // seconds stand for the time, so no seeded draw is consumed.
                let pick = masters[(self.now.ms() / 1000) as usize % masters.len()];
                let n = &load.nodes[pick];
                let _ = writeln!(out, ">>> Covering slot {slot} with {}:{}", n.ip, n.port);
                self.set_slot_owner(&load.nodes[pick], *slot, false, out)?;
                load.nodes[pick].slots[*slot as usize] = true;
            }
        }
        if !single.is_empty() {
            out.push_str("The following uncovered slots have keys in just one node:\n");
            print_list(&single, out);
            out.push_str(
                "Fix these slots by covering with those nodes? (type 'yes' to accept): yes\n",
            );
            for (slot, nodes) in &single {
                let n = &load.nodes[nodes[0]];
                let _ = writeln!(out, ">>> Covering slot {slot} with {}:{}", n.ip, n.port);
                self.set_slot_owner(&load.nodes[nodes[0]], *slot, false, out)?;
                load.nodes[nodes[0]].slots[*slot as usize] = true;
            }
        }
        if !multi.is_empty() {
            out.push_str("The following uncovered slots have keys in multiple nodes:\n");
            print_list(&multi, out);
            out.push_str(
                "Fix these slots by moving keys into a single node? (type 'yes' to accept): yes\n",
            );
            for (slot, nodes) in &multi {
                let Some(target) = self.most_keys(load, nodes, *slot, out)? else {
                    return Err(Stop);
                };
                let t = &load.nodes[target];
                let _ = writeln!(
                    out,
                    ">>> Covering slot {slot} moving keys to {}:{}",
                    t.ip, t.port
                );
                self.set_slot_owner(&load.nodes[target], *slot, true, out)?;
                load.nodes[target].slots[*slot as usize] = true;
                let (s, tid) = (slot.to_string(), load.nodes[target].name.clone());
                for &src in nodes.iter().filter(|&&i| i != target) {
                    let n = &load.nodes[src];
                    self.cli_checked(n, &["CLUSTER", "SETSLOT", &s, "NODE", &tid], out)?;
                    self.cli_checked(n, &["CLUSTER", "SETSLOT", &s, "IMPORTING", &tid], out)?;
                    self.move_slot(load, src, target, *slot, true, out)?;
                    self.cli_checked(&load.nodes[src], &["CLUSTER", "SETSLOT", &s, "STABLE"], out)?;
                }
            }
        }
        Ok(())
    }
}
