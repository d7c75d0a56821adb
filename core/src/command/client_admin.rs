//! CLIENT LIST / INFO / KILL / PAUSE / UNPAUSE / NO-EVICT / REPLY / HELP
//! and RESET (`clientCommand`, `resetCommand`, networking.c), as 7.0.15
//! words them. What the node cannot know is printed as Redis prints an
//! idle connection: empty query buffer, no pending output, `events=r`.

use super::option_walk::OptionWalk;
use super::{int_arg, Call, ClientState, ReplyMode};
use crate::node::ClientId;
use crate::resp::{Protocol, Value};
use crate::time::Time;
use std::fmt::Write;

/// `PROTO_REPLY_CHUNK_BYTES`: the reply buffer every client starts with
/// (`rbs=`, `rbp=`).
const REPLY_BUFFER: usize = 16 * 1024;

/// What a client costs besides its buffers (`sizeof(client)` and friends,
/// measured on 7.0.15: `tot-mem` of an idle client minus its buffers).
const CLIENT_STRUCT: usize = 1_880;

/// `CLIENT HELP`, clientCommand's text (7.0.15).
const HELP: &[&str] = &[
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "HELP",
    "    Prints this help.",
];

/// `CLIENT HELP`.
pub fn help(_: &mut Call) -> Value {
    Value::Array(HELP.iter().map(|l| Value::Simple((*l).into())).collect())
}

/// A client type as `getClientTypeByName` reads it (CLIENT LIST TYPE,
/// CLIENT KILL TYPE). `slave` is the old name of `replica`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Normal,
    Master,
    Replica,
    Pubsub,
}

fn kind_by_name(name: &[u8]) -> Option<Kind> {
    match name.to_ascii_lowercase().as_slice() {
        b"normal" => Some(Kind::Normal),
        b"slave" | b"replica" => Some(Kind::Replica),
        b"pubsub" => Some(Kind::Pubsub),
        b"master" => Some(Kind::Master),
        _ => None,
    }
}

/// `getClientType`: the master link, a replica (it sent PSYNC or SYNC), a
/// subscriber, or normal.
fn kind_of(c: &ClientState) -> Kind {
    if c.from_master {
        Kind::Master
    } else if c.replica {
        Kind::Replica
    } else if c.subscriptions.active() {
        Kind::Pubsub
    } else {
        Kind::Normal
    }
}

fn unknown_type(name: &[u8]) -> Value {
    Value::err(format!(
        "ERR Unknown client type '{}'",
        String::from_utf8_lossy(name)
    ))
}

/// The address as `getClientPeerId` prints it (empty when unknown).
fn peer(c: &ClientState) -> String {
    c.addr.map(|(p, _)| p.to_string()).unwrap_or_default()
}

fn local(c: &ClientState) -> String {
    c.addr.map(|(_, l)| l.to_string()).unwrap_or_default()
}

/// `catClientInfoString`: one line of CLIENT LIST, 7.0.15's fields in its
/// order. `running` holds the arguments of the command being run when it
/// is this client's (its `argv-mem`).
fn info_line(out: &mut String, id: ClientId, c: &ClientState, now: Time, running: usize) {
    let mut flags = String::new();
    // A monitor is a CLIENT_SLAVE too; the flag names which kind.
    if c.monitor {
        flags.push('O');
    } else if c.replica {
        flags.push('S');
    }
    if c.from_master {
        flags.push('M');
    }
    if c.subscriptions.active() {
        flags.push('P');
    }
    if c.in_multi() {
        flags.push('x');
    }
    if let Some(t) = c.tracking.as_deref() {
        flags.push('t');
        if t.broken_redir {
            flags.push('R');
        }
        if t.bcast {
            flags.push('B');
        }
    }
    if c.close_after_reply {
        flags.push('c');
    }
    if c.readonly {
        flags.push('r');
    }
    if c.no_evict {
        flags.push('e');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    let queued: usize = c.queued().iter().flatten().map(Vec::len).sum();
    let multi = if c.in_multi() {
        c.queued().len() as i64
    } else {
        -1
    };
    let cmd = match c.last_cmd {
        Some((name, Some(sub))) => format!("{name}|{sub}"),
        Some((name, None)) => name.to_string(),
        None => "NULL".into(),
    };
    let name = c
        .name
        .as_deref()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let s = &c.subscriptions;
    let tot_mem = CLIENT_STRUCT + REPLY_BUFFER + running + queued;
    let _ = writeln!(
        out,
        "id={} addr={} laddr={} fd=-1 name={name} age={} idle={} flags={flags} db=0 sub={} psub={} ssub={} multi={multi} qbuf=0 qbuf-free=0 argv-mem={running} multi-mem={queued} rbs={REPLY_BUFFER} rbp=0 obl=0 oll=0 omem=0 tot-mem={tot_mem} events=r cmd={cmd} user={} redir={} resp={}",
        id.0,
        peer(c),
        local(c),
        now.since(c.created) / 1000,
        now.since(c.last_interaction) / 1000,
        s.channels.len(),
        s.patterns.len(),
        s.shard.len(),
        String::from_utf8_lossy(&c.user),
        super::tracking::redirect(c),
        if c.proto == Protocol::Resp3 { 3 } else { 2 },
    );
}

/// `catClientInfoString` for one client (ACL LOG's `client-info`):
/// its CLIENT LIST line, without the newline.
pub(crate) fn client_info(id: ClientId, c: &ClientState, now: Time, args: &[Vec<u8>]) -> String {
    let mut out = String::new();
    info_line(&mut out, id, c, now, argv_mem(args));
    out.pop();
    out
}

/// `argv_len_sum` of the command being run.
fn argv_mem(args: &[Vec<u8>]) -> usize {
    args.iter().map(Vec::len).sum()
}

/// `CLIENT INFO`.
pub fn info(c: &mut Call) -> Value {
    let mut out = String::new();
    info_line(&mut out, c.id, c.client, c.now, argv_mem(c.args));
    Value::Verbatim(out)
}

/// `CLIENT LIST [TYPE type | ID id …]`.
pub fn list(c: &mut Call) -> Value {
    let args = c.args;
    let mut kind = None;
    let mut ids: Option<Vec<u64>> = None;
    if args.len() == 4 && args[2].eq_ignore_ascii_case(b"type") {
        match kind_by_name(&args[3]) {
            Some(k) => kind = Some(k),
            None => return unknown_type(&args[3]),
        }
    } else if args.len() > 3 && args[2].eq_ignore_ascii_case(b"id") {
        let mut wanted = Vec::new();
        for a in &args[3..] {
            match int_arg(a) {
                Ok(n) => wanted.push(n as u64),
                Err(_) => return Value::err("ERR Invalid client ID"),
            }
        }
        ids = Some(wanted);
    } else if args.len() != 2 {
        return super::syntax_error();
    }
    let (now, my_id) = (c.now, c.id);
    let (node, client) = c.split();
    let me = (my_id, &*client);
    let mut all: Vec<(ClientId, &ClientState)> = node.other_clients();
    let at = all.partition_point(|(id, _)| *id < me.0);
    all.insert(at, me);
    all.extend(node.master_client());
    let running = argv_mem(args);
    let mut out = String::new();
    let mut line = |id: ClientId, s: &ClientState| {
        let argv = if id == my_id { running } else { 0 };
        info_line(&mut out, id, s, now, argv);
    };
    match ids {
        // In the order asked, each found client once per mention.
        Some(wanted) => {
            for w in wanted {
                if let Some((id, s)) = all.iter().find(|(id, _)| id.0 == w) {
                    line(*id, s);
                }
            }
        }
        None => {
            for (id, s) in &all {
                if kind.is_none_or(|k| kind_of(s) == k) {
                    line(*id, s);
                }
            }
        }
    }
    Value::Verbatim(out)
}

/// CLIENT KILL's filters (`clientKillCommand`'s locals).
#[derive(Default)]
struct Filter {
    addr: Option<String>,
    laddr: Option<String>,
    kind: Option<Kind>,
    id: Option<u64>,
    user: Option<Vec<u8>>,
    skip_me: bool,
}

impl Filter {
    fn matches(&self, id: ClientId, c: &ClientState, me: ClientId) -> bool {
        self.addr.as_ref().is_none_or(|a| *a == peer(c))
            && self.laddr.as_ref().is_none_or(|a| *a == local(c))
            && self.kind.is_none_or(|k| kind_of(c) == k)
            && self.id.is_none_or(|i| i == id.0)
            && self.user.as_ref().is_none_or(|u| *u == c.user)
            && !(self.skip_me && id == me)
    }
}

/// Parses `CLIENT KILL`'s options (the new form), with 7.0.15's replies
/// for bad ones. USER must name an existing ACL user.
fn kill_filter(acl: &crate::acl::Acl, args: &[Vec<u8>]) -> Result<Filter, Value> {
    let mut f = Filter {
        skip_me: true,
        ..Filter::default()
    };
    let text = |a: &[u8]| String::from_utf8_lossy(a).into_owned();
    let mut walk = OptionWalk::new(args, 2);
    while let Some(name) = walk.next_name() {
        let Some(value) = walk.value() else {
            return Err(super::syntax_error());
        };
        match name.as_slice() {
            b"id" => match int_arg(value) {
                Ok(n) if n >= 1 => f.id = Some(n as u64),
                _ => return Err(Value::err("ERR client-id should be greater than 0")),
            },
            b"type" => match kind_by_name(value) {
                Some(k) => f.kind = Some(k),
                None => return Err(unknown_type(value)),
            },
            b"addr" => f.addr = Some(text(value)),
            b"laddr" => f.laddr = Some(text(value)),
            b"user" if acl.user(value).is_some() => f.user = Some(value.clone()),
            b"user" => {
                return Err(Value::err(format!("ERR No such user '{}'", text(value))));
            }
            b"skipme" => match value.to_ascii_lowercase().as_slice() {
                b"yes" => f.skip_me = true,
                b"no" => f.skip_me = false,
                _ => return Err(super::syntax_error()),
            },
            _ => return Err(super::syntax_error()),
        }
    }
    Ok(f)
}

/// `CLIENT KILL addr` (old form: may kill the caller, `-ERR No such
/// client` when none matched) or `CLIENT KILL filter value …` (the count).
/// The caller itself is closed after its reply.
pub fn kill(c: &mut Call) -> Value {
    let old_form = c.args.len() == 3;
    let filter = if old_form {
        Filter {
            addr: Some(String::from_utf8_lossy(&c.args[2]).into_owned()),
            ..Filter::default()
        }
    } else {
        let args = c.args;
        match kill_filter(c.server().acl(), args) {
            Ok(f) => f,
            Err(e) => return e,
        }
    };
    let my_id = c.id;
    let victims: Vec<ClientId> = c
        .server()
        .other_clients()
        .into_iter()
        .filter(|(id, s)| filter.matches(*id, s, my_id))
        .map(|(id, _)| id)
        .collect();
    let me = filter.matches(c.id, c.client, c.id);
    for id in &victims {
        c.server().kill_client(*id);
    }
    // The master link is a client too (`freeClient(server.master)`).
    let master = c
        .server()
        .master_client()
        .is_some_and(|(id, s)| filter.matches(id, s, my_id));
    if master {
        let now = c.now;
        c.server().kill_master_client(now);
    }
    c.client.close_after_reply |= me;
    let killed = victims.len() + usize::from(me) + usize::from(master);
    match (old_form, killed) {
        (true, 0) => Value::err("ERR No such client"),
        (true, _) => Value::ok(),
        (false, n) => Value::Integer(n as i64),
    }
}

/// `CLIENT PAUSE timeout [WRITE|ALL]`: commands (all, or the ones that may
/// write) wait until the timeout or CLIENT UNPAUSE, then run in order.
pub fn pause(c: &mut Call) -> Value {
    let args = c.args;
    if args.len() > 4 {
        return super::syntax_error();
    }
    let all = match args.get(3).map(|a| a.to_ascii_lowercase()) {
        None => true,
        Some(m) if m == b"all" => true,
        Some(m) if m == b"write" => false,
        Some(_) => return Value::err("ERR CLIENT PAUSE mode must be WRITE or ALL"),
    };
    // getTimeoutFromObjectOrReply, in milliseconds.
    let ms = match int_arg(&args[2]) {
        Ok(ms) if ms < 0 => return Value::err("ERR timeout is negative"),
        Ok(ms) => ms as u64,
        Err(_) => return Value::err("ERR timeout is not an integer or out of range"),
    };
    let now = c.now;
    c.server().pause_clients(now + ms, all);
    Value::ok()
}

/// `CLIENT UNPAUSE`.
pub fn unpause(c: &mut Call) -> Value {
    c.server().unpause_clients();
    Value::ok()
}

/// `CLIENT NO-EVICT ON|OFF` (the flag only: clusterlab evicts no client).
pub fn no_evict(c: &mut Call) -> Value {
    match c.args[2].to_ascii_lowercase().as_slice() {
        b"on" => c.client.no_evict = true,
        b"off" => c.client.no_evict = false,
        _ => return super::syntax_error(),
    }
    Value::ok()
}

/// `CLIENT REPLY ON|OFF|SKIP`: OFF and SKIP send no reply of their own.
pub fn reply(c: &mut Call) -> Value {
    match c.args[2].to_ascii_lowercase().as_slice() {
        b"on" => c.client.reply = ReplyMode::On,
        b"off" => c.client.reply = ReplyMode::Off,
        b"skip" => {
            if c.client.reply != ReplyMode::Off {
                c.client.reply = ReplyMode::SkipNext;
            }
        }
        _ => return super::syntax_error(),
    }
    Value::ok()
}

/// `RESET` (`clearClientConnectionState`): no longer a monitor nor
/// tracking, out of
/// MULTI, WATCH and pub/sub, back to RESP2, READWRITE, no name, replies
/// on, and unauthenticated when a password is required.
pub fn reset(c: &mut Call) -> Value {
    if c.client.monitor {
        c.client.monitor = false;
        let id = c.id;
        c.server().remove_monitor(id);
    }
    let id = c.id;
    let (mut node, client) = c.split();
    node.disable_tracking(id, client);
    client.discard_transaction();
    node.forget_client_subscriptions(id, client);
    client.proto = Protocol::Resp2;
    client.readonly = false;
    client.asking = false;
    client.name = None;
    client.reply = ReplyMode::On;
    client.no_evict = false;
    // `clientSetDefaultAuth`: back to the default user.
    client.user = b"default".to_vec();
    client.authenticated = !node.requires_auth();
    Value::Simple("RESET".into())
}
