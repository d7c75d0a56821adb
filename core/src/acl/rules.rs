//! ACL rules (`ACLSetSelector`, `ACLSetUser`, `ACLStringSetUser`,
//! `ACLMergeSelectorArguments`): what each word of ACL SETUSER (or of a
//! user line of an ACL file) does to a user, and the errors
//! `ACLSetUserStringError` words.

use super::commands::{category, commands};
use super::user::{
    has_spaces, hash_password, valid_hash, KeyPattern, Selector, User, ALL, READ, WRITE,
};

/// Why a rule was refused (the `errno` `ACLSetUser` sets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleError {
    /// `ENOENT`: unknown command or category.
    UnknownCommand,
    /// `EINVAL`: not a rule, or a pattern with spaces.
    Syntax,
    /// `EEXIST`: a key pattern after `allkeys`.
    AfterAllKeys,
    /// `EISDIR`: a channel pattern after `allchannels`.
    AfterAllChannels,
    /// `ENODEV`: removing a password the user does not have.
    NoSuchPassword,
    /// `EBADMSG`: a `#`/`!` hash that is not 64 lowercase hex digits.
    BadHash,
    /// `ECHILD`: `+cmd|sub|arg`.
    SubcommandFirstArg,
}

impl RuleError {
    /// `ACLSetUserStringError`.
    pub fn message(self) -> &'static str {
        match self {
            RuleError::UnknownCommand => "Unknown command or category name in ACL",
            RuleError::Syntax => "Syntax error",
            RuleError::AfterAllKeys => "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
            RuleError::AfterAllChannels => "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
            RuleError::NoSuchPassword => "The password you are trying to remove from the user does not exist",
            RuleError::BadHash => "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
            RuleError::SubcommandFirstArg => "Allowing first-arg of a subcommand is not supported",
        }
    }
}

fn is(op: &[u8], word: &str) -> bool {
    op.eq_ignore_ascii_case(word.as_bytes())
}

/// `ACLSetSelector`: one rule about commands, keys or channels.
pub fn set_selector(s: &mut Selector, op: &[u8]) -> Result<(), RuleError> {
    let at = |i: usize| op.get(i).copied().unwrap_or(0);
    if is(op, "allkeys") || is(op, "~*") {
        s.allkeys = true;
        s.keys.clear();
    } else if is(op, "resetkeys") {
        s.allkeys = false;
        s.keys.clear();
    } else if is(op, "allchannels") || is(op, "&*") {
        s.allchannels = true;
        s.channels.clear();
    } else if is(op, "resetchannels") {
        s.allchannels = false;
        s.channels.clear();
    } else if is(op, "allcommands") || is(op, "+@all") {
        s.commands = [u64::MAX; super::commands::COMMAND_BITS / 64];
        s.allcommands = true;
        s.firstargs.clear();
    } else if is(op, "nocommands") || is(op, "-@all") {
        s.commands = [0; super::commands::COMMAND_BITS / 64];
        s.allcommands = false;
        s.firstargs.clear();
    } else if at(0) == b'~' || at(0) == b'%' {
        if s.allkeys {
            return Err(RuleError::AfterAllKeys);
        }
        let mut flags = 0;
        let mut offset = 1;
        if at(0) == b'%' {
            while offset < op.len() {
                let c = op[offset].to_ascii_uppercase();
                if c == b'R' && flags & READ == 0 {
                    flags |= READ;
                } else if c == b'W' && flags & WRITE == 0 {
                    flags |= WRITE;
                } else if op[offset] == b'~' {
                    offset += 1;
                    break;
                } else {
                    return Err(RuleError::Syntax);
                }
                offset += 1;
            }
        } else {
            flags = ALL;
        }
        let pattern = &op[offset.min(op.len())..];
        if has_spaces(pattern) {
            return Err(RuleError::Syntax);
        }
        match s.keys.iter_mut().find(|k| k.pattern == pattern) {
            Some(k) => k.flags |= flags,
            None => s.keys.push(KeyPattern {
                flags,
                pattern: pattern.to_vec(),
            }),
        }
        s.allkeys = false;
    } else if at(0) == b'&' {
        if s.allchannels {
            return Err(RuleError::AfterAllChannels);
        }
        let pattern = &op[1..];
        if has_spaces(pattern) {
            return Err(RuleError::Syntax);
        }
        if !s.channels.iter().any(|c| c == pattern) {
            s.channels.push(pattern.to_vec());
        }
        s.allchannels = false;
    } else if at(0) == b'+' && at(1) != b'@' {
        allow_command(s, &op[1..])?;
    } else if at(0) == b'-' && at(1) != b'@' {
        let id = commands()
            .lookup(&op[1..])
            .ok_or(RuleError::UnknownCommand)?;
        s.change_perm(id, false);
    } else if (at(0) == b'+' || at(0) == b'-') && at(1) == b'@' {
        let bit = category(&op[2..]).ok_or(RuleError::UnknownCommand)?;
        s.change_category(bit, at(0) == b'+');
    } else {
        return Err(RuleError::Syntax);
    }
    Ok(())
}

/// `+cmd`, `+container|sub`, or `+cmd|firstarg` (split at the last `|`).
fn allow_command(s: &mut Selector, name: &[u8]) -> Result<(), RuleError> {
    let all = commands();
    let Some(bar) = name.iter().rposition(|&b| b == b'|') else {
        let id = all.lookup(name).ok_or(RuleError::UnknownCommand)?;
        s.change_perm(id, true);
        return Ok(());
    };
    let (base, sub) = (&name[..bar], &name[bar + 1..]);
    let id = all.lookup(base).ok_or(RuleError::UnknownCommand)?;
    if all.all[id].parent.is_some() {
        return Err(RuleError::SubcommandFirstArg);
    }
    if sub.is_empty() {
        return Err(RuleError::Syntax);
    }
    if !all.all[id].subs.is_empty() {
        let sub_id = all.lookup(name).ok_or(RuleError::UnknownCommand)?;
        s.change_perm(sub_id, true);
    } else {
        s.add_firstarg(id, sub);
    }
    Ok(())
}

/// `ACLSetUser`: one rule about the user (flags, passwords, selectors),
/// or about its root selector. `allchannels` is `acl-pubsub-default`.
pub fn set_user(u: &mut User, op: &[u8], allchannels: bool) -> Result<(), RuleError> {
    if op.is_empty() {
        return Ok(());
    }
    if is(op, "on") {
        u.enabled = true;
    } else if is(op, "off") {
        u.enabled = false;
    } else if is(op, "skip-sanitize-payload") {
        u.skip_sanitize = Some(true);
    } else if is(op, "sanitize-payload") {
        u.skip_sanitize = Some(false);
    } else if is(op, "nopass") {
        u.nopass = true;
        u.passwords.clear();
    } else if is(op, "resetpass") {
        u.nopass = false;
        u.passwords.clear();
    } else if op[0] == b'>' || op[0] == b'#' {
        let hash = if op[0] == b'>' {
            hash_password(&op[1..])
        } else {
            if !valid_hash(&op[1..]) {
                return Err(RuleError::BadHash);
            }
            String::from_utf8_lossy(&op[1..]).into_owned()
        };
        if !u.passwords.contains(&hash) {
            u.passwords.push(hash);
        }
        u.nopass = false;
    } else if op[0] == b'<' || op[0] == b'!' {
        let hash = if op[0] == b'<' {
            hash_password(&op[1..])
        } else {
            if !valid_hash(&op[1..]) {
                return Err(RuleError::BadHash);
            }
            String::from_utf8_lossy(&op[1..]).into_owned()
        };
        match u.passwords.iter().position(|p| *p == hash) {
            Some(i) => {
                u.passwords.remove(i);
            }
            None => return Err(RuleError::NoSuchPassword),
        }
    } else if op[0] == b'(' && op[op.len() - 1] == b')' {
        let inner = op.get(1..op.len() - 1).unwrap_or_default();
        let mut s = Selector::new(false, allchannels);
        // `sdssplitargs`: unbalanced quotes leave no rule to apply.
        for word in crate::resp::split_args(inner).unwrap_or_default() {
            set_selector(&mut s, &word)?;
        }
        u.selectors.push(s);
    } else if is(op, "clearselectors") {
        u.selectors.truncate(1);
    } else if is(op, "reset") {
        for rule in ["resetpass", "resetkeys", "resetchannels"] {
            set_user(u, rule.as_bytes(), allchannels)?;
        }
        if allchannels {
            set_user(u, b"allchannels", allchannels)?;
        }
        for rule in ["off", "sanitize-payload", "clearselectors", "-@all"] {
            set_user(u, rule.as_bytes(), allchannels)?;
        }
    } else {
        set_selector(u.root_mut(), op)?;
    }
    Ok(())
}

/// `ACLMergeSelectorArguments`: a selector spread over several words
/// (`(~a` `+get)`) becomes one; `Err` holds the index of the word that
/// opened a parenthesis never closed.
pub fn merge_selectors(args: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, usize> {
    let mut merged = Vec::with_capacity(args.len());
    let mut open: Option<(usize, Vec<u8>)> = None;
    for (j, op) in args.iter().enumerate() {
        if op.first() == Some(&b'(') && op.last() != Some(&b')') {
            open = Some((j, op.clone()));
            continue;
        }
        if let Some((_, selector)) = open.as_mut() {
            selector.push(b' ');
            selector.extend_from_slice(op);
            if op.last() == Some(&b')') {
                merged.push(open.take().map(|(_, s)| s).unwrap_or_default());
            }
            continue;
        }
        merged.push(op.clone());
    }
    match open {
        Some((start, _)) => Err(start),
        None => Ok(merged),
    }
}

/// `ACLStringSetUser`: the rules applied to a copy of `user` (or of a new
/// user), all or none; the error is ACL SETUSER's text without `ERR`.
pub fn string_set_user(
    user: Option<&User>,
    name: &[u8],
    args: &[Vec<u8>],
    allchannels: bool,
) -> Result<User, String> {
    let merged = merge_selectors(args).map_err(|i| {
        format!(
            "Unmatched parenthesis in acl selector starting at '{}'.",
            String::from_utf8_lossy(&args[i])
        )
    })?;
    let mut temp = match user {
        Some(u) => u.clone(),
        None => User::new(name, allchannels),
    };
    for op in &merged {
        if let Err(e) = set_user(&mut temp, op, allchannels) {
            return Err(format!(
                "Error in ACL SETUSER modifier '{}': {}",
                String::from_utf8_lossy(op),
                e.message()
            ));
        }
    }
    Ok(temp)
}
