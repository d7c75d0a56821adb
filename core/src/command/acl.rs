//! ACL's subcommands (acl.c `aclCommand`), AUTH's and HELLO's
//! authentication (`ACLAuthenticateUser`), and the permission check every
//! command goes through (`ACLCheckAllPerm` in `processCommand`, at EXEC
//! and in `scriptCall`), with the ACL log entries each denial adds.

use super::table::CommandSpec;
use super::{int_arg, Call, ClientState};
use crate::acl::check::Denied;
use crate::acl::commands::{category, commands, CATEGORIES};
use crate::acl::log::{Context, Entry};
use crate::acl::{describe, rules, user};
use crate::node::{ClientId, ServerCtx};
use crate::resp::Value;
use crate::time::Time;

/// `GENPASS_MAX_BITS`.
const GENPASS_MAX_BITS: i64 = 4096;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `ACLCheckAllPerm` for a client about to run `entry` with `args`: `Err`
/// with the denial and the command's full name. A client without a user
/// (the master link) may run anything.
pub(crate) fn check(
    node: &ServerCtx,
    client: &ClientState,
    entry: &CommandSpec,
    args: &[Vec<u8>],
) -> Result<(), (Denied, &'static str)> {
    if client.user.is_empty() {
        return Ok(());
    }
    let all = commands();
    let Some(id) = all.id_of(entry) else {
        return Ok(());
    };
    let fullname = all.all[id].fullname.as_str();
    let Some(u) = node.acl().user(&client.user) else {
        return Err((Denied::Command, fullname));
    };
    if u.selectors.iter().any(user::Selector::unrestricted) {
        return Ok(());
    }
    crate::acl::check::check(u, id, args).map_err(|d| (d, fullname))
}

/// `addACLLogEntry` (`denial`: why, the command's full name, where):
/// `object` is the command's full name for a command,
/// the argument for a key or channel; `username` defaults to the client's.
pub(crate) fn log_denial(
    node: &mut ServerCtx,
    now: Time,
    id: ClientId,
    client: &ClientState,
    args: &[Vec<u8>],
    denial: (Denied, &str, Context),
    username: Option<&[u8]>,
) {
    let (reason, fullname, context) = denial;
    let object = match reason {
        Denied::Command => fullname.as_bytes().to_vec(),
        Denied::Key(i) | Denied::Channel(i) => args.get(i).cloned().unwrap_or_default(),
        Denied::Auth => args[0].clone(),
    };
    let entry = Entry {
        count: 1,
        reason,
        context,
        object,
        username: username.unwrap_or(&client.user).to_vec(),
        ctime: now.ms(),
        client_info: super::client_admin::client_info(id, client, now, args),
    };
    let max = node
        .config()
        .param_str("acllog-max-len")
        .parse()
        .unwrap_or(128usize);
    node.acl_mut().log.add(entry, max);
}

/// `processCommand`'s NOPERM replies.
pub(crate) fn noperm(reason: Denied, fullname: &str) -> Value {
    Value::err(match reason {
        Denied::Command => {
            format!("NOPERM this user has no permissions to run the '{fullname}' command")
        }
        Denied::Key(_) => {
            "NOPERM this user has no permissions to access one of the keys used as arguments".into()
        }
        Denied::Channel(_) => {
            "NOPERM this user has no permissions to access one of the channels used as arguments"
                .into()
        }
        Denied::Auth => "ERR no permission".into(),
    })
}

/// EXEC's NOPERM for a queued command the rules no longer allow.
pub(crate) fn exec_noperm(reason: Denied) -> Value {
    let why = match reason {
        Denied::Command => "no permission to execute the command or subcommand",
        Denied::Key(_) => "no permission to touch the specified keys",
        Denied::Channel(_) => "no permission to access one of the channels used as arguments",
        Denied::Auth => "no permission",
    };
    Value::err(format!("NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: {why}"))
}

/// `ACLAuthenticateUser`: on success the client runs as `name`; a failure
/// is logged (reason `auth`, object the command's name).
pub(crate) fn authenticate(
    node: &mut ServerCtx,
    now: Time,
    id: ClientId,
    client: &mut ClientState,
    args: &[Vec<u8>],
    name: &[u8],
    password: &[u8],
) -> bool {
    if node.acl().credentials_ok(name, password) {
        client.authenticated = true;
        client.user = name.to_vec();
        return true;
    }
    let context = if client.in_multi() {
        Context::Multi
    } else {
        Context::Toplevel
    };
    let denial = (Denied::Auth, "", context);
    log_denial(node, now, id, client, args, denial, Some(name));
    false
}

/// `AUTH [username] password`.
pub fn auth(c: &mut Call) -> Value {
    if c.args.len() > 3 {
        return super::syntax_error();
    }
    let (name, password): (&[u8], &[u8]) = if c.args.len() == 2 {
        if c.server().acl().default_user().nopass {
            return Value::err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
        }
        (b"default", &c.args[1])
    } else {
        (&c.args[1], &c.args[2])
    };
    let (now, id, args) = (c.now, c.id, c.args);
    let (mut node, client) = c.split();
    if authenticate(&mut node, now, id, client, args, name, password) {
        Value::ok()
    } else {
        Value::err("WRONGPASS invalid username-password pair or user is disabled.")
    }
}

fn pubsub_default(node: &ServerCtx) -> bool {
    node.config().param_str("acl-pubsub-default") == "allchannels"
}

/// `ACL SETUSER username rule…`.
pub fn setuser(c: &mut Call) -> Value {
    let name = &c.args[2];
    if user::has_spaces(name) {
        return Value::err("ERR Usernames can't contain spaces or null characters");
    }
    let allchannels = pubsub_default(&c.server());
    let old = c.server().acl().user(name).cloned();
    match rules::string_set_user(old.as_ref(), name, &c.args[3..], allchannels) {
        Ok(new) => {
            if let Some(old) = &old {
                kill_pubsub_if_needed(c, &new, old);
            }
            c.server().acl_mut().put(new);
            Value::ok()
        }
        Err(e) => Value::err(format!("ERR {e}")),
    }
}

/// `ACLKillPubsubClientsIfNeeded`: when a user's channels shrink, its
/// subscribed clients holding a channel or pattern no longer allowed are
/// disconnected.
fn kill_pubsub_if_needed(c: &mut Call, new: &user::User, old: &user::User) {
    if new.selectors.iter().any(|s| s.allchannels) {
        return;
    }
    let upcoming: Vec<Vec<u8>> = new
        .selectors
        .iter()
        .flat_map(|s| s.channels.clone())
        .collect();
    let superset = !old.selectors.iter().any(|s| s.allchannels)
        && old
            .selectors
            .iter()
            .flat_map(|s| &s.channels)
            .all(|ch| upcoming.contains(ch));
    if superset {
        return;
    }
    use crate::acl::check::channel_allowed;
    let violates = |s: &ClientState| {
        s.user == old.name
            && s.subscriptions.active()
            && (s
                .subscriptions
                .patterns
                .iter()
                .any(|p| !channel_allowed(&upcoming, p, true))
                || s.subscriptions
                    .channels
                    .iter()
                    .any(|ch| !channel_allowed(&upcoming, ch, false))
                || s.subscriptions
                    .shard
                    .iter()
                    .any(|ch| !channel_allowed(&upcoming, ch, false)))
    };
    let victims: Vec<ClientId> = c
        .server()
        .other_clients()
        .into_iter()
        .filter(|(_, s)| violates(s))
        .map(|(id, _)| id)
        .collect();
    for id in victims {
        c.server().kill_client(id);
    }
    if violates(c.client) {
        c.client.close_after_reply = true;
    }
}

/// `ACL DELUSER username…`: `default` cannot go; the clients of a deleted
/// user are disconnected (`ACLFreeUserAndKillClients`), the caller after
/// its reply.
pub fn deluser(c: &mut Call) -> Value {
    if c.args[2..].iter().any(|n| n.as_slice() == b"default") {
        return Value::err("ERR The 'default' user cannot be removed");
    }
    let mut deleted = 0;
    for name in &c.args[2..] {
        if !c.server().acl_mut().remove(name) {
            continue;
        }
        deleted += 1;
        disconnect_user(c, name);
    }
    Value::Integer(deleted)
}

/// Every client authenticated as `name` is closed (the caller once replied).
fn disconnect_user(c: &mut Call, name: &[u8]) {
    let victims: Vec<ClientId> = c
        .server()
        .other_clients()
        .into_iter()
        .filter(|(_, s)| s.user == name)
        .map(|(id, _)| id)
        .collect();
    for id in victims {
        c.server().kill_client(id);
    }
    if c.client.user == name {
        c.client.user = b"default".to_vec();
        c.client.authenticated = false;
        c.client.close_after_reply = true;
    }
}

/// `ACL GETUSER username`.
pub fn getuser(c: &mut Call) -> Value {
    let args = c.args;
    match c.server().acl().user(&args[2]) {
        Some(u) => describe::getuser(u),
        None => Value::Null,
    }
}

/// `ACL USERS`.
pub fn users(c: &mut Call) -> Value {
    Value::Array(
        c.server()
            .acl()
            .users()
            .map(|u| Value::Bulk(u.name.clone()))
            .collect(),
    )
}

/// `ACL LIST`.
pub fn list(c: &mut Call) -> Value {
    Value::Array(
        c.server()
            .acl()
            .lines()
            .into_iter()
            .map(Value::Bulk)
            .collect(),
    )
}

/// `ACL WHOAMI`.
pub fn whoami(c: &mut Call) -> Value {
    Value::Bulk(c.client.user.clone())
}

/// `ACL CAT [category]`: the categories, or the commands in one (the
/// table's order; Redis's hash table order varies between runs).
pub fn cat(c: &mut Call) -> Value {
    let Some(name) = c.args.get(2) else {
        return Value::Array(CATEGORIES.iter().map(Value::bulk).collect());
    };
    let Some(bit) = category(name) else {
        let shown = &name[..name.len().min(128)];
        return Value::err(format!("ERR Unknown category '{}'", text(shown)));
    };
    Value::Array(
        commands()
            .all
            .iter()
            .filter(|cmd| cmd.categories & bit != 0)
            .map(|cmd| Value::bulk(&cmd.fullname))
            .collect(),
    )
}

/// `ACL GENPASS [bits]`: `(bits+3)/4` random hex digits (256 bits by default).
pub fn genpass(c: &mut Call) -> Value {
    let bits = match c.args.get(2) {
        Some(a) => match int_arg(a) {
            Ok(b) => b,
            Err(e) => return e,
        },
        None => 256,
    };
    if bits <= 0 || bits > GENPASS_MAX_BITS {
        return Value::err(format!("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to {GENPASS_MAX_BITS}"));
    }
    let chars = (bits as usize).div_ceil(4);
    Value::Bulk(c.server().random_hex(chars).into_bytes())
}

/// `ACL LOG [count | RESET]`.
pub fn log(c: &mut Call) -> Value {
    let mut count = 10i64;
    if let Some(a) = c.args.get(2) {
        if a.eq_ignore_ascii_case(b"reset") {
            c.server().acl_mut().log.reset();
            return Value::ok();
        }
        count = match int_arg(a) {
            Ok(n) => n.max(0),
            Err(e) => return e,
        };
    }
    let now = c.now;
    c.server().acl().log.reply(count as usize, now.ms())
}

/// `ACL DRYRUN username command [arg…]`.
pub fn dryrun(c: &mut Call) -> Value {
    let args = c.args;
    let name = &args[2];
    let node = c.server();
    let Some(u) = node.acl().user(name) else {
        return Value::err(format!("ERR User '{}' not found", text(name)));
    };
    let args = &args[3..];
    let found = super::table::lookup(&args[0]).and_then(|spec| spec.resolve(args).ok());
    let Some(entry) = found else {
        return Value::err(format!("ERR Command '{}' not found", text(&args[0])));
    };
    let all = commands();
    let Some(id) = all.id_of(entry) else {
        return Value::err(format!("ERR Command '{}' not found", text(&args[0])));
    };
    let fullname = &all.all[id].fullname;
    if !entry.arity_ok(args.len()) {
        return Value::err(format!(
            "ERR wrong number of arguments for '{fullname}' command"
        ));
    }
    match crate::acl::check::check(u, id, args) {
        Ok(()) => Value::ok(),
        Err(Denied::Key(i)) => Value::Bulk(
            format!(
                "This user has no permissions to access the '{}' key",
                text(&args[i])
            )
            .into_bytes(),
        ),
        Err(Denied::Channel(i)) => Value::Bulk(
            format!(
                "This user has no permissions to access the '{}' channel",
                text(&args[i])
            )
            .into_bytes(),
        ),
        Err(_) => Value::Bulk(
            format!("This user has no permissions to run the '{fullname}' command").into_bytes(),
        ),
    }
}

/// ACL SAVE and ACL LOAD without `aclfile`.
fn no_aclfile() -> Value {
    Value::err("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")
}

/// `ACL SAVE`: the users written to `aclfile` (a temp file renamed over
/// it), by the host's disk jobs; the reply waits for them.
pub fn save(c: &mut Call) -> super::Outcome {
    let file = c.config().param_str("aclfile");
    if file.is_empty() {
        return super::Outcome::Reply(no_aclfile());
    }
    let bytes = crate::acl::file::save_text(c.server().acl());
    let (now, id) = (c.now, c.id);
    c.server().acl_save(now, id, &file, bytes);
    super::Outcome::Blocked
}

/// `ACL LOAD`: `aclfile` read by the host, then applied all or nothing.
pub fn load(c: &mut Call) -> super::Outcome {
    let file = c.config().param_str("aclfile");
    if file.is_empty() {
        return super::Outcome::Reply(no_aclfile());
    }
    let id = c.id;
    c.server().acl_load(id, &file);
    super::Outcome::Blocked
}

/// `ACL HELP`.
pub fn help(_: &mut Call) -> Value {
    const LINES: &[&str] = &[
        "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        "HELP",
        "    Prints this help.",
    ];
    Value::Array(LINES.iter().map(|l| Value::Simple((*l).into())).collect())
}
