//! Permission checks (`ACLSelectorCheckCmd`, `ACLCheckAllUserCommandPerm`):
//! may a user run a command with these arguments — the command bit (or
//! an allowed first argument), every key against the key patterns with
//! the access its key spec declares, every published or subscribed
//! channel against the channel patterns.

use super::commands::{commands, AclCommand};
use super::user::{Selector, User, READ, WRITE};
use crate::command::docs::keys::{has_keys, keys_and_flags};
use crate::command::glob_match;

/// Why a command was denied, with the argument that caused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Denied {
    /// `ACL_DENIED_CMD`.
    Command,
    /// `ACL_DENIED_KEY`, at this argument.
    Key(usize),
    /// `ACL_DENIED_AUTH` (only logged, by AUTH).
    Auth,
    /// `ACL_DENIED_CHANNEL`, at this argument.
    Channel(usize),
}

impl Denied {
    /// Redis's `ACL_DENIED_*` value: the order in which a failure is
    /// preferred as the one reported.
    fn rank(self) -> u8 {
        match self {
            Denied::Command => 1,
            Denied::Key(_) => 2,
            Denied::Auth => 3,
            Denied::Channel(_) => 4,
        }
    }

    /// The argument position (0 for a command).
    pub fn position(self) -> usize {
        match self {
            Denied::Key(i) | Denied::Channel(i) => i,
            _ => 0,
        }
    }

    /// `getAclErrorMessage`.
    pub fn message(self) -> &'static str {
        match self {
            Denied::Command => "can't run this command or subcommand",
            Denied::Key(_) => {
                "can't access at least one of the keys mentioned in the command arguments"
            }
            Denied::Channel(_) => "can't publish to the channel mentioned in the command",
            Denied::Auth => "lacking the permissions for the command",
        }
    }
}

/// `ACLSelectorCheckKey`: the key spec's flags (`RW access update…`) say
/// which permissions a pattern must grant.
fn check_key(s: &Selector, key: &[u8], flags: &str) -> bool {
    if s.allkeys {
        return true;
    }
    let mut need = 0;
    for f in flags.split(' ') {
        match f {
            "access" => need |= READ,
            "insert" | "delete" | "update" => need |= WRITE,
            _ => {}
        }
    }
    s.keys
        .iter()
        .any(|p| p.flags & need == need && glob_match(&p.pattern, key))
}

/// `ACLCheckChannelAgainstList`: a pattern subscription must equal an ACL
/// pattern; a channel is matched against them.
pub fn channel_allowed(list: &[Vec<u8>], channel: &[u8], is_pattern: bool) -> bool {
    list.iter().any(|p| {
        if is_pattern {
            p == channel
        } else {
            glob_match(p, channel)
        }
    })
}

/// `getChannelsFromCommand` for the checked kinds (publish, subscribe):
/// the positions and whether they are patterns.
fn channels(cmd: &AclCommand, argc: usize) -> Vec<(usize, bool)> {
    match (cmd.container, cmd.spec.name) {
        (None, "subscribe" | "ssubscribe") => (1..argc).map(|i| (i, false)).collect(),
        (None, "psubscribe") => (1..argc).map(|i| (i, true)).collect(),
        (None, "publish" | "spublish") if argc > 1 => vec![(1, false)],
        _ => Vec::new(),
    }
}

/// `ACLSelectorCheckCmd`.
fn check_selector(
    s: &Selector,
    id: usize,
    cmd: &AclCommand,
    args: &[Vec<u8>],
) -> Result<(), Denied> {
    if !s.allcommands && !cmd.no_auth && !s.bit(id) {
        let idx = if cmd.parent.is_some() { 2 } else { 1 };
        let first = s.firstargs_of(id);
        let ok = args.len() >= 2
            && args
                .get(idx)
                .is_some_and(|a| first.iter().any(|f| f.eq_ignore_ascii_case(a)));
        if !ok {
            return Err(Denied::Command);
        }
    }
    if !s.allkeys && has_keys(cmd.container, cmd.spec) {
        for (pos, flags) in keys_and_flags(cmd.container, cmd.spec, args) {
            if !check_key(s, &args[pos], flags) {
                return Err(Denied::Key(pos));
            }
        }
    }
    if !s.allchannels {
        for (pos, pattern) in channels(cmd, args.len()) {
            if !channel_allowed(&s.channels, &args[pos], pattern) {
                return Err(Denied::Channel(pos));
            }
        }
    }
    Ok(())
}

/// `ACLCheckAllUserCommandPerm`: allowed when one selector allows it;
/// otherwise the failure to report is the worst kind, then the latest
/// argument.
pub fn check(user: &User, id: usize, args: &[Vec<u8>]) -> Result<(), Denied> {
    if user.selectors.iter().any(Selector::unrestricted) {
        return Ok(());
    }
    let cmd = &commands().all[id];
    let mut worst = Denied::Command;
    for s in &user.selectors {
        match check_selector(s, id, cmd, args) {
            Ok(()) => return Ok(()),
            Err(e) => {
                if e.rank() > worst.rank()
                    || (e.rank() == worst.rank() && e.position() > worst.position())
                {
                    worst = e;
                }
            }
        }
    }
    Err(worst)
}
