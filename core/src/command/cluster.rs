//! `CLUSTER <subcommand>` (cluster.c): argument parsing and reply formats,
//! byte for byte where tools parse them. The subcommands that read read the
//! [`Routing`](crate::node::Routing) view; those that change cluster state
//! ask the node with an [`Admin`] request (or [`CountFailureReports`]), so
//! the rules live in one place, the cluster part.

use super::int_arg;
use super::Call;
use crate::config::EndpointType;
use crate::id::NodeId;
use crate::node::{Admin, AdminReply, CountFailureReports, FailoverMode, NodeView, PeerView};
use crate::resp::Value;
use crate::slot::{key_slot, SlotSet, SLOTS};
use std::net::{IpAddr, SocketAddr};

fn err(text: impl Into<String>) -> Value {
    Value::err(text.into())
}

pub fn info(c: &mut Call) -> Value {
    Value::Verbatim(c.routing().cluster_info())
}

pub fn nodes(c: &mut Call) -> Value {
    Value::Verbatim(c.server().view().cluster_nodes(0))
}

pub fn myid(c: &mut Call) -> Value {
    Value::bulk(c.routing().id().as_str())
}

pub fn slots(c: &mut Call) -> Value {
    let node = c.server();
    slots_reply(&node.view(), node.config().preferred_endpoint)
}

pub fn shards(c: &mut Call) -> Value {
    let node = c.server();
    shards_reply(&node.view(), node.config().preferred_endpoint)
}

pub fn keyslot(c: &mut Call) -> Value {
    let args = c.args;
    Value::Integer(key_slot(&args[2]) as i64)
}

/// Not an integer at all is a different error from out of range.
pub fn countkeysinslot(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    match (int_arg(&args[2]), slot_arg(&args[2])) {
        (Err(e), _) => e,
        (_, Some(s)) => Value::Integer(c.keyspace_mut().count_in_slot(now, s) as i64),
        (_, None) => err("ERR Invalid slot"),
    }
}

pub fn getkeysinslot(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    match (int_arg(&args[2]), int_arg(&args[3]), slot_arg(&args[2])) {
        (Err(e), _, _) | (_, Err(e), _) => e,
        (_, Ok(n), Some(s)) if n >= 0 => Value::Array(
            c.keyspace_mut()
                .keys_in_slot(now, s, n as usize)
                .into_iter()
                .map(Value::Bulk)
                .collect(),
        ),
        _ => err("ERR Invalid slot or number of keys"),
    }
}

pub fn addslots(c: &mut Call) -> Value {
    addslots_or_delslots(c, "addslots")
}

pub fn delslots(c: &mut Call) -> Value {
    addslots_or_delslots(c, "delslots")
}

fn addslots_or_delslots(c: &mut Call, sub: &str) -> Value {
    let args = c.args;
    match slot_list(&args[2..]) {
        Ok(set) => admin(
            c,
            if sub == "addslots" {
                Admin::AddSlots(set)
            } else {
                Admin::DelSlots(set)
            },
        ),
        Err(e) => e,
    }
}

pub fn addslotsrange(c: &mut Call) -> Value {
    addslotsrange_or_delslotsrange(c, "addslotsrange")
}

pub fn delslotsrange(c: &mut Call) -> Value {
    addslotsrange_or_delslotsrange(c, "delslotsrange")
}

fn addslotsrange_or_delslotsrange(c: &mut Call, sub: &str) -> Value {
    let args = c.args;
    match slot_ranges(sub, &args[2..]) {
        Ok(set) => admin(
            c,
            if sub == "addslotsrange" {
                Admin::AddSlots(set)
            } else {
                Admin::DelSlots(set)
            },
        ),
        Err(e) => e,
    }
}

pub fn meet(c: &mut Call) -> Value {
    meet_node(c)
}

pub fn forget(c: &mut Call) -> Value {
    let args = c.args;
    with_id(&args[2], "ERR Unknown node", |id| {
        admin(c, Admin::Forget(id))
    })
}

pub fn replicate(c: &mut Call) -> Value {
    let args = c.args;
    with_id(&args[2], "ERR Unknown node", |id| {
        // Redis checks the target (known, not me, a master) before
        // "empty and without slots", which includes "no keys".
        let node = c.server();
        let target_ok = node
            .view()
            .nodes
            .iter()
            .any(|p| p.id == id && p.id != node.id() && !p.flags.is_replica());
        if target_ok && !node.keyspace().is_empty() && node.routing().is_master() {
            return err("ERR To set a master the node must be empty and without assigned slots.");
        }
        admin(c, Admin::Replicate(id))
    })
}

/// CLUSTER REPLICAS and its old name SLAVES.
pub fn replicas(c: &mut Call) -> Value {
    let args = c.args;
    with_id(&args[2], "ERR Unknown node", |id| {
        replicas_reply(&c.server().view(), id)
    })
}

pub fn failover(c: &mut Call) -> Value {
    let args = c.args;
    let mode = match args.get(2).map(|a| a.to_ascii_lowercase()) {
        None => FailoverMode::Default,
        Some(o) if o == b"force" && args.len() == 3 => FailoverMode::Force,
        Some(o) if o == b"takeover" && args.len() == 3 => FailoverMode::Takeover,
        Some(_) => return super::syntax_error(),
    };
    admin(c, Admin::Failover(mode))
}

pub fn setslot(c: &mut Call) -> Value {
    set_slot(c)
}

pub fn set_config_epoch(c: &mut Call) -> Value {
    let args = c.args;
    match int_arg(&args[2]) {
        Ok(e) if e >= 0 => admin(c, Admin::SetConfigEpoch(e as u64)),
        Ok(e) => err(format!("ERR Invalid config epoch specified: {e}")),
        Err(e) => e,
    }
}

pub fn bumpepoch(c: &mut Call) -> Value {
    admin(c, Admin::BumpEpoch)
}

pub fn count_failure_reports(c: &mut Call) -> Value {
    let args = c.args;
    with_id(&args[2], "ERR Unknown node", |id| {
        match c.request(CountFailureReports(id)) {
            Some(n) => Value::Integer(n as i64),
            None => err(format!("ERR Unknown node {id}")),
        }
    })
}

pub fn reset(c: &mut Call) -> Value {
    let args = c.args;
    let hard = match args.get(2).map(|a| a.to_ascii_lowercase()) {
        None => false,
        Some(o) if o == b"soft" && args.len() == 3 => false,
        Some(o) if o == b"hard" && args.len() == 3 => true,
        Some(_) => return super::syntax_error(),
    };
    let mut node = c.server();
    if node.routing().is_master() && !node.keyspace().is_empty() {
        return err("ERR CLUSTER RESET can't be called with master nodes containing keys");
    }
    node.keyspace_mut().clear();
    admin(c, Admin::Reset { hard })
}

pub fn saveconfig(_: &mut Call) -> Value {
    Value::ok()
}

pub fn flushslots(c: &mut Call) -> Value {
    let node = c.server();
    if !node.keyspace().is_empty() {
        return err("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
    }
    let mine = node.view().nodes.into_iter().find(|p| p.id == node.id());
    match mine.map(|p| p.slots) {
        Some(slots) if !slots.is_empty() => admin(c, Admin::DelSlots(slots)),
        _ => Value::ok(),
    }
}

pub fn links(c: &mut Call) -> Value {
    links_reply(c.routing().links())
}

pub fn help(_: &mut Call) -> Value {
    Value::Array(HELP.iter().map(|l| Value::Simple((*l).into())).collect())
}

/// `CLUSTER HELP`, word for word as Redis 7.0.15 prints it.
const HELP: &[&str] = &[
    "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ADDSLOTS <slot> [<slot> ...]",
    "    Assign slots to current node.",
    "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
    "    Assign slots which are between <start-slot> and <end-slot> to current node.",
    "BUMPEPOCH",
    "    Advance the cluster config epoch.",
    "COUNT-FAILURE-REPORTS <node-id>",
    "    Return number of failure reports for <node-id>.",
    "COUNTKEYSINSLOT <slot>",
    "    Return the number of keys in <slot>.",
    "DELSLOTS <slot> [<slot> ...]",
    "    Delete slots information from current node.",
    "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
    "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
    "FAILOVER [FORCE|TAKEOVER]",
    "    Promote current replica node to being a master.",
    "FORGET <node-id>",
    "    Remove a node from the cluster.",
    "GETKEYSINSLOT <slot> <count>",
    "    Return key names stored by current node in a slot.",
    "FLUSHSLOTS",
    "    Delete current node own slots information.",
    "INFO",
    "    Return information about the cluster.",
    "KEYSLOT <key>",
    "    Return the hash slot for <key>.",
    "MEET <ip> <port> [<bus-port>]",
    "    Connect nodes into a working cluster.",
    "MYID",
    "    Return the node id.",
    "NODES",
    "    Return cluster configuration seen by node. Output format:",
    "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
    "REPLICATE <node-id>",
    "    Configure current node as replica to <node-id>.",
    "RESET [HARD|SOFT]",
    "    Reset current node (default: soft).",
    "SET-CONFIG-EPOCH <epoch>",
    "    Set config epoch of current node.",
    "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
    "    Set slot state.",
    "REPLICAS <node-id>",
    "    Return <node-id> replicas.",
    "SAVECONFIG",
    "    Force saving cluster configuration on disk.",
    "SLOTS",
    "    Return information about slots range mappings. Each range is made of:",
    "    start, end, master and replicas IP addresses, ports and ids",
    "SHARDS",
    "    Return information about slot range mappings and the nodes associated with them.",
    "LINKS",
    "    Return information about all network links between this node and its peers.",
    "    Output format is an array where each array element is a map containing attributes of a link",
    "HELP",
    "    Prints this help.",
];

/// Has the node apply a change to its cluster part (`clusterCommand`'s
/// effects) and replies how it went.
fn admin(c: &mut Call, action: Admin) -> Value {
    match c.request(action) {
        Ok(AdminReply::Ok) => Value::ok(),
        Ok(AdminReply::Bumped(e)) => Value::Simple(format!("BUMPED {e}")),
        Ok(AdminReply::Still(e)) => Value::Simple(format!("STILL {e}")),
        Err(e) => Value::err(e.0),
    }
}

/// Parses a node ID argument; an unparsable one is simply unknown.
fn with_id(arg: &[u8], unknown: &str, f: impl FnOnce(NodeId) -> Value) -> Value {
    match std::str::from_utf8(arg).ok().and_then(NodeId::parse) {
        Some(id) => f(id),
        None => err(format!("{unknown} {}", String::from_utf8_lossy(arg))),
    }
}

/// `getSlotOrReply`.
fn slot_arg(arg: &[u8]) -> Option<u16> {
    crate::resp::parse_i64(arg)
        .filter(|s| (0..SLOTS as i64).contains(s))
        .map(|s| s as u16)
}

fn slot_list(args: &[Vec<u8>]) -> Result<SlotSet, Value> {
    let mut set = SlotSet::new();
    for a in args {
        let s = slot_arg(a).ok_or_else(|| err("ERR Invalid or out of range slot"))?;
        if !set.insert(s) {
            return Err(err(format!("ERR Slot {s} specified multiple times")));
        }
    }
    Ok(set)
}

fn slot_ranges(sub: &str, args: &[Vec<u8>]) -> Result<SlotSet, Value> {
    if !args.len().is_multiple_of(2) {
        return Err(err(format!(
            "ERR wrong number of arguments for 'cluster|{sub}' command"
        )));
    }
    let mut set = SlotSet::new();
    for pair in args.chunks(2) {
        let a = slot_arg(&pair[0]).ok_or_else(|| err("ERR Invalid or out of range slot"))?;
        let b = slot_arg(&pair[1]).ok_or_else(|| err("ERR Invalid or out of range slot"))?;
        if a > b {
            return Err(err(format!(
                "ERR start slot number {a} is greater than end slot number {b}"
            )));
        }
        for s in a..=b {
            if !set.insert(s) {
                return Err(err(format!("ERR Slot {s} specified multiple times")));
            }
        }
    }
    Ok(set)
}

/// `CLUSTER MEET ip port [cport]`: ports must be integers, then
/// `clusterStartHandshake` refuses a bad IP or a port outside 1..=65535 as
/// an invalid address.
fn meet_node(c: &mut Call) -> Value {
    let args = c.args;
    let text = |a: &[u8]| String::from_utf8_lossy(a).into_owned();
    let Ok(port) = int_arg(&args[3]) else {
        return err(format!(
            "ERR Invalid TCP base port specified: {}",
            text(&args[3])
        ));
    };
    let cport = match args.get(4) {
        None => port.saturating_add(i64::from(crate::config::consts::PORT_INCR)),
        Some(c) => match int_arg(c) {
            Ok(c) => c,
            Err(_) => return err(format!("ERR Invalid TCP bus port specified: {}", text(c))),
        },
    };
    let ip = text(&args[2]).parse::<IpAddr>();
    let (Ok(ip), Ok(port), Ok(cport)) = (ip, u16::try_from(port), u16::try_from(cport)) else {
        return err(format!(
            "ERR Invalid node address specified: {}:{}",
            text(&args[2]),
            text(&args[3])
        ));
    };
    if port == 0 || cport == 0 {
        return err(format!(
            "ERR Invalid node address specified: {}:{}",
            text(&args[2]),
            text(&args[3])
        ));
    }
    admin(
        c,
        Admin::Meet {
            addr: SocketAddr::new(ip, cport),
            port,
        },
    )
}

/// `CLUSTER SETSLOT <slot> IMPORTING|MIGRATING|NODE <id> | STABLE`.
fn set_slot(c: &mut Call) -> Value {
    let (now, args) = (c.now, c.args);
    if c.routing().is_replica() {
        return err("ERR Please use SETSLOT only with masters.");
    }
    let Some(slot) = slot_arg(&args[2]) else {
        return err("ERR Invalid or out of range slot");
    };
    let action = args[3].to_ascii_lowercase();
    let bad = || err("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
    match (action.as_slice(), args.len()) {
        (b"stable", 4) => admin(c, Admin::SetSlotStable(slot)),
        (b"migrating", 5) => with_id(&args[4], "ERR I don't know about node", |id| {
            admin(c, Admin::SetSlotMigrating(slot, id))
        }),
        (b"importing", 5) => with_id(&args[4], "ERR I don't know about node", |id| {
            admin(c, Admin::SetSlotImporting(slot, id))
        }),
        (b"node", 5) => with_id(&args[4], "ERR Unknown node", |id| {
            let node = c.server();
            // Redis checks the target before the keys.
            match node.view().nodes.iter().find(|p| p.id == id) {
                None => return err(format!("ERR Unknown node {id}")),
                Some(p) if p.flags.is_replica() => return err("ERR Target node is not a master"),
                Some(_) => {}
            }
            let mine = node.routing().slot_owner(slot) == Some(node.id());
            if mine && id != node.id() && node.keyspace().count_in_slot(now, slot) > 0 {
                return err(format!("ERR Can't assign hashslot {slot} to a different node while I still hold keys for this hash slot."));
            }
            admin(c, Admin::SetSlotNode(slot, id))
        }),
        _ => bad(),
    }
}

/// One node as CLUSTER SLOTS lists it (`addNodeToNodeReply`): `[endpoint,
/// port, id, {the other known endpoints}]`, the endpoint the preferred
/// type's (`?` for a node without hostname, null for `unknown-endpoint`),
/// and the map the IP unless that is the endpoint, the hostname when set
/// unless that is the endpoint.
fn slot_node(p: &PeerView, endpoint: EndpointType) -> Value {
    let ip = || Value::bulk(p.ip.map(|i| i.to_string()).unwrap_or_default());
    let preferred = match endpoint {
        EndpointType::Ip => ip(),
        EndpointType::Hostname if p.hostname.is_empty() => Value::bulk("?"),
        EndpointType::Hostname => Value::bulk(&p.hostname),
        EndpointType::UnknownEndpoint => Value::Null,
    };
    let mut others = Vec::new();
    if endpoint != EndpointType::Ip {
        others.push((Value::bulk("ip"), ip()));
    }
    if endpoint != EndpointType::Hostname && !p.hostname.is_empty() {
        others.push((Value::bulk("hostname"), Value::bulk(&p.hostname)));
    }
    Value::Array(vec![
        preferred,
        Value::Integer(p.port as i64),
        Value::bulk(p.id.as_str()),
        Value::Map(others),
    ])
}

/// `CLUSTER SLOTS`: one entry per maximal run of slots with one owner.
fn slots_reply(v: &NodeView, endpoint: EndpointType) -> Value {
    let mut runs: Vec<(u16, u16, NodeId)> = Vec::new();
    for owner in v.nodes.iter().filter(|n| !n.slots.is_empty()) {
        for (a, b) in owner.slots.ranges() {
            runs.push((a, b, owner.id));
        }
    }
    crate::sorted::sort(&mut runs);
    Value::Array(
        runs.into_iter()
            .filter_map(|(a, b, id)| {
                let master = v.node(id)?;
                let mut entry = vec![
                    Value::Integer(a as i64),
                    Value::Integer(b as i64),
                    slot_node(master, endpoint),
                ];
                entry.extend(
                    v.nodes
                        .iter()
                        .filter(|r| {
                            r.master == Some(id)
                                && !r.flags.has(crate::flags::NodeFlags::FAIL)
                                && r.repl_offset > 0
                        })
                        .map(|r| slot_node(r, endpoint)),
                );
                Some(Value::Array(entry))
            })
            .collect(),
    )
}

/// `CLUSTER SHARDS`: one map per master and its replicas.
fn shards_reply(v: &NodeView, endpoint: EndpointType) -> Value {
    let masters = v.nodes.iter().filter(|n| n.flags.is_master());
    Value::Array(
        masters
            .map(|m| {
                let slots = m
                    .slots
                    .ranges()
                    .into_iter()
                    .flat_map(|(a, b)| [Value::Integer(a as i64), Value::Integer(b as i64)])
                    .collect();
                let members = std::iter::once(m)
                    .chain(v.nodes.iter().filter(|r| r.master == Some(m.id)))
                    .map(|n| shard_node(n, endpoint))
                    .collect();
                Value::Map(vec![
                    (Value::bulk("slots"), Value::Array(slots)),
                    (Value::bulk("nodes"), Value::Array(members)),
                ])
            })
            .collect(),
    )
}

/// One node of a CLUSTER SHARDS entry (`addNodeDetailsToShardReply`): the
/// endpoint is `getPreferredEndpoint`'s (`?` without hostname, empty for
/// `unknown-endpoint`), and `hostname` is listed whenever set.
fn shard_node(p: &PeerView, endpoint: EndpointType) -> Value {
    let ip = p.ip.map(|i| i.to_string()).unwrap_or_default();
    let preferred = match endpoint {
        EndpointType::Ip => ip.as_str(),
        EndpointType::Hostname if p.hostname.is_empty() => "?",
        EndpointType::Hostname => p.hostname.as_str(),
        EndpointType::UnknownEndpoint => "",
    };
    let role = if p.flags.is_master() {
        "master"
    } else {
        "replica"
    };
    let health = if p.flags.has(crate::flags::NodeFlags::FAIL) {
        "fail"
    } else if p.flags.is_replica() && p.repl_offset == 0 {
        "loading"
    } else {
        "online"
    };
    let mut fields = vec![
        (Value::bulk("id"), Value::bulk(p.id.as_str())),
        (Value::bulk("port"), Value::Integer(p.port as i64)),
        (Value::bulk("ip"), Value::bulk(&ip)),
        (Value::bulk("endpoint"), Value::bulk(preferred)),
    ];
    if !p.hostname.is_empty() {
        fields.push((Value::bulk("hostname"), Value::bulk(&p.hostname)));
    }
    fields.extend([
        (Value::bulk("role"), Value::bulk(role)),
        (
            Value::bulk("replication-offset"),
            Value::Integer(p.repl_offset as i64),
        ),
        (Value::bulk("health"), Value::bulk(health)),
    ]);
    Value::Map(fields)
}

/// `CLUSTER REPLICAS <id>`: the replicas' CLUSTER NODES lines.
fn replicas_reply(v: &NodeView, id: NodeId) -> Value {
    let Some(master) = v.node(id) else {
        return err(format!("ERR Unknown node {id}"));
    };
    if !master.flags.is_master() {
        return err("ERR The specified node is not a master");
    }
    let text = v.cluster_nodes(0);
    Value::Array(
        text.lines()
            .filter(|l| l.split(' ').nth(3) == Some(id.as_str()))
            .map(Value::bulk)
            .collect(),
    )
}

/// `CLUSTER LINKS` (`addReplyClusterLinksDescription`): per node, our link
/// to it (`to`) and its link to us (`from`), each with its creation time,
/// events and send buffer.
fn links_reply(links: Vec<crate::node::LinkView>) -> Value {
    Value::Array(
        links
            .into_iter()
            .map(|l| {
                let dir = if l.inbound { "from" } else { "to" };
                Value::Map(vec![
                    (Value::bulk("direction"), Value::bulk(dir)),
                    (Value::bulk("node"), Value::bulk(l.node.as_str())),
                    (
                        Value::bulk("create-time"),
                        Value::Integer(l.created.ms() as i64),
                    ),
                    (Value::bulk("events"), Value::bulk(l.events())),
                    (
                        Value::bulk("send-buffer-allocated"),
                        Value::Integer(l.buffer.allocated as i64),
                    ),
                    (
                        Value::bulk("send-buffer-used"),
                        Value::Integer(l.buffer.used as i64),
                    ),
                ])
            })
            .collect(),
    )
}
