//! What the predicate language's terms read from a running lesson: slot
//! owners, flags and counters, taken from node views (what each node
//! believes), the trace, and the session's own records.

use super::predicate::{Term, Value};
use super::runner::Session;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::node::view::NodeView;
use crate::sim::Sim;

/// A command the learner sent straight to a node that answered it without an
/// error (no MOVED, CROSSSLOT…): `served(GET by B1)` proves a replica served a
/// read, `multi_key()` that one command touched several keys of one slot.
#[derive(Clone, Debug)]
pub(super) struct Served {
    node: usize,
    name: String,
    /// Distinct key arguments, per the command table's key positions.
    keys: usize,
}

impl Served {
    pub(super) fn new(node: usize, args: &[String]) -> Served {
        let bytes: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        let name = args
            .first()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        let keys = crate::command::table::lookup(name.as_bytes()).map_or(0, |spec| {
            let distinct = crate::sorted::set(
                spec.key_indices(&bytes)
                    .filter_map(|i| bytes.get(i).map(Vec::as_slice)),
            );
            distinct.len()
        });
        Served { node, name, keys }
    }
}

/// How many served commands match: `by` the node they were sent to, `pick` the rest.
fn count_served(
    s: &Session,
    by: &Option<String>,
    pick: impl Fn(&Served) -> bool,
) -> Result<i64, String> {
    let node = by.as_deref().map(|b| index(s.sim(), b)).transpose()?;
    Ok(s.served()
        .iter()
        .filter(|x| node.is_none_or(|n| x.node == n) && pick(x))
        .count() as i64)
}

pub(super) fn index(sim: &Sim, name: &str) -> Result<usize, String> {
    sim.index_of(name).ok_or(format!("there is no node {name}"))
}

fn name_of(sim: &Sim, id: Option<NodeId>) -> String {
    match id.and_then(|id| sim.index_of_id(id)) {
        Some(i) => sim.nodes()[i].name.clone(),
        None => "none".into(),
    }
}

/// The views of the up nodes (a killed or paused node believes nothing new).
fn up_views(sim: &Sim) -> Vec<NodeView> {
    (0..sim.nodes().len())
        .filter(|&i| sim.status(i) == crate::sim::Status::Up)
        .map(|i| sim.node(i).view())
        .collect()
}

/// The view of `by`, or of every up node when there is no `by`.
fn views(sim: &Sim, by: &Option<String>) -> Result<Vec<NodeView>, String> {
    match by {
        Some(b) => Ok(vec![sim.node(index(sim, b)?).view()]),
        None => Ok(up_views(sim)),
    }
}

/// One answer when all views agree, `disputed` otherwise.
fn agreed(answers: Vec<String>) -> Value {
    match answers.split_first() {
        None => Value::Text("none".into()),
        Some((a, rest)) if rest.iter().all(|b| b == a) => Value::Text(a.clone()),
        _ => Value::Text("disputed".into()),
    }
}

fn flag_words(f: NodeFlags) -> String {
    let names = [
        (NodeFlags::MASTER, "master"),
        (NodeFlags::SLAVE, "replica"),
        (NodeFlags::PFAIL, "pfail"),
        (NodeFlags::FAIL, "fail"),
        (NodeFlags::HANDSHAKE, "handshake"),
        (NodeFlags::NOADDR, "noaddr"),
        (NodeFlags::NOFAILOVER, "nofailover"),
    ];
    let w: Vec<&str> = names
        .iter()
        .filter(|(b, _)| f.has(*b))
        .map(|x| x.1)
        .collect();
    w.join(" ")
}

pub(super) fn term_value(t: &Term, s: &Session) -> Result<Value, String> {
    let c = match t {
        Term::Lit(l) => return Ok(Value::Text(l.clone())),
        Term::Call(c) => c,
    };
    let sim = s.sim();
    let arg = c.args.first().map(String::as_str).unwrap_or("");
    let node = || index(sim, arg);
    let id = |n: usize| sim.node(n).id();
    Ok(match c.func.as_str() {
        "owner" => {
            let slot: u16 = arg
                .parse()
                .ok()
                .filter(|s| *s < 16384)
                .ok_or(format!("`{arg}` is not a slot"))?;
            let answers = views(sim, &c.by)?
                .iter()
                .map(|v| name_of(sim, v.slot_owner(slot)))
                .collect();
            agreed(answers)
        }
        "slots" => {
            let who = id(node()?);
            let answers = match &c.by {
                Some(_) => views(sim, &c.by)?,
                None => vec![sim.node(node()?).view()],
            }
            .iter()
            .map(|v| v.node(who).map_or(0, |p| p.slots.len()).to_string())
            .collect();
            agreed(answers)
        }
        "key_slot" => Value::Int(crate::slot::key_slot(arg.as_bytes()) as i64),
        "cluster_state" => {
            let n = node()?;
            Value::Text(if sim.status(n) != crate::sim::Status::Up {
                "down".into()
            } else if sim.node(n).state_ok() {
                "ok".into()
            } else {
                "fail".into()
            })
        }
        "role" => Value::Text(
            if sim.node(node()?).is_master() {
                "master"
            } else {
                "replica"
            }
            .into(),
        ),
        "master_of" => Value::Text(name_of(sim, sim.node(node()?).master())),
        // INFO's `master_link_status`: a replica's data is in sync (its
        // first full resync is over) only once its link is up.
        "link" => {
            let n = sim.node(node()?);
            Value::Text(
                if n.is_master() {
                    "none"
                } else if n.master_link().connected() {
                    "up"
                } else {
                    "down"
                }
                .into(),
            )
        }
        "flags" => {
            let who = id(node()?);
            let answers: Vec<String> = views(sim, &c.by)?
                .iter()
                .filter(|v| c.by.is_some() || v.id != who)
                .map(|v| {
                    v.node(who)
                        .map_or("unknown".into(), |p| flag_words(p.flags))
                })
                .collect();
            agreed(answers)
        }
        "epoch" => Value::Int(sim.node(node()?).my_epoch() as i64),
        "current_epoch" => Value::Int(sim.node(node()?).current_epoch() as i64),
        "known_nodes" => Value::Int(sim.node(node()?).known_nodes() as i64),
        "fail_reports" => {
            let about = id(node()?);
            let by = c.by.as_deref().unwrap_or_default();
            let v = sim.node(index(sim, by)?).view();
            let validity = 2 * sim.node(index(sim, by)?).config().node_timeout;
            let now = sim.now();
            let valid = v.node(about).map_or(0, |p| {
                p.fail_reports
                    .iter()
                    .filter(|(_, t)| now.since(*t) <= validity)
                    .count()
            });
            Value::Int(valid as i64)
        }
        "events" => Value::Int(s.count_events(arg, c.about.as_deref(), c.by.as_deref())? as i64),
        "replies" => Value::Int(s.count_replies(arg) as i64),
        "client" => Value::Int(s.client_stat(arg)? as i64),
        "keys" => Value::Int(sim.node(node()?).key_count() as i64),
        "served" => Value::Int(count_served(s, &c.by, |x| {
            x.name.eq_ignore_ascii_case(arg)
        })?),
        "multi_key" => Value::Int(count_served(s, &c.by, |x| x.keys >= 2)?),
        "lost_writes" => Value::Int(sim.lost_writes().len() as i64),
        "migrating" => Value::Int(sim.node(node()?).view().migrating.len() as i64),
        "importing" => Value::Int(sim.node(node()?).view().importing.len() as i64),
        "owner_keys" => {
            // The keys a client can reach: those on the node every up node
            // names as the slot's owner; keys stranded elsewhere do not count.
            let slot: u16 = arg
                .parse()
                .ok()
                .filter(|s| *s < 16384)
                .ok_or(format!("`{arg}` is not a slot"))?;
            let owners: Vec<Option<NodeId>> =
                up_views(sim).iter().map(|v| v.slot_owner(slot)).collect();
            let agreed = owners
                .split_first()
                .and_then(|(o, rest)| rest.iter().all(|x| x == o).then_some(*o).flatten());
            let held = agreed
                .and_then(|o| sim.index_of_id(o))
                .map_or(0, |i| sim.node(i).keyspace().count_in_slot(sim.now(), slot));
            Value::Int(held as i64)
        }
        other => return Err(format!("unknown function `{other}`")),
    })
}
