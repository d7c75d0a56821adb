//! Users and their selectors (acl.c's `user` and `aclSelector`): flags,
//! password hashes, and per selector the command bitmap, the allowed
//! first arguments, key patterns with their read/write permissions and
//! channel patterns. The first selector is the root one (the rules given
//! outside parentheses).

use super::commands::{commands, COMMAND_BITS};

/// `ACL_READ_PERMISSION`.
pub const READ: u8 = 1;
/// `ACL_WRITE_PERMISSION`.
pub const WRITE: u8 = 2;
/// `ACL_ALL_PERMISSION`.
pub const ALL: u8 = READ | WRITE;

/// A key pattern with what it allows (`keyPattern`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPattern {
    /// [`READ`], [`WRITE`] or both.
    pub flags: u8,
    /// A glob-style pattern.
    pub pattern: Vec<u8>,
}

/// One selector (`aclSelector`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// `SELECTOR_FLAG_ROOT`.
    pub root: bool,
    /// `SELECTOR_FLAG_ALLKEYS`.
    pub allkeys: bool,
    /// `SELECTOR_FLAG_ALLCHANNELS`.
    pub allchannels: bool,
    /// `SELECTOR_FLAG_ALLCOMMANDS`.
    pub allcommands: bool,
    /// `allowed_commands`: bit per command ID.
    pub commands: [u64; COMMAND_BITS / 64],
    /// `allowed_firstargs`: per command ID, the first arguments allowed
    /// while the command's bit is clear (`+select|0`), in insertion order.
    pub firstargs: Vec<(usize, Vec<Vec<u8>>)>,
    /// Key patterns, in the order added.
    pub keys: Vec<KeyPattern>,
    /// Channel patterns, in the order added.
    pub channels: Vec<Vec<u8>>,
}

impl Selector {
    /// `ACLCreateSelector`: no permissions, but every channel when
    /// `acl-pubsub-default` is `allchannels`.
    pub fn new(root: bool, allchannels: bool) -> Selector {
        Selector {
            root,
            allkeys: false,
            allchannels,
            allcommands: false,
            commands: [0; COMMAND_BITS / 64],
            firstargs: Vec::new(),
            keys: Vec::new(),
            channels: Vec::new(),
        }
    }

    /// `ACLGetSelectorCommandBit`.
    pub fn bit(&self, id: usize) -> bool {
        id < COMMAND_BITS && self.commands[id / 64] & (1 << (id % 64)) != 0
    }

    /// `ACLSetSelectorCommandBit`: clearing a bit clears `allcommands`.
    pub fn set_bit(&mut self, id: usize, value: bool) {
        if id >= COMMAND_BITS {
            return;
        }
        if value {
            self.commands[id / 64] |= 1 << (id % 64);
        } else {
            self.commands[id / 64] &= !(1 << (id % 64));
            self.allcommands = false;
        }
    }

    /// `ACLSelectorCanExecuteFutureCommands`: the reserved last bit.
    pub fn future_commands(&self) -> bool {
        self.bit(COMMAND_BITS - 1)
    }

    /// `ACLChangeSelectorPerm`: a command and, for a container, its
    /// subcommands; its first arguments are forgotten.
    pub fn change_perm(&mut self, id: usize, allow: bool) {
        self.set_bit(id, allow);
        self.firstargs.retain(|(c, _)| *c != id);
        for &sub in &commands().all[id].subs {
            self.set_bit(sub, allow);
        }
    }

    /// `ACLSetSelectorCommandBitsForCategory` for a known category bit.
    pub fn change_category(&mut self, category: u32, allow: bool) {
        for (id, cmd) in commands().all.iter().enumerate() {
            if cmd.categories & category != 0 {
                self.change_perm(id, allow);
            }
        }
    }

    /// `ACLAddAllowedFirstArg` (a repeated one, case-insensitively, is not added).
    pub fn add_firstarg(&mut self, id: usize, arg: &[u8]) {
        match self.firstargs.iter_mut().find(|(c, _)| *c == id) {
            Some((_, args)) => {
                if !args.iter().any(|a| a.eq_ignore_ascii_case(arg)) {
                    args.push(arg.to_vec());
                }
            }
            None => self.firstargs.push((id, vec![arg.to_vec()])),
        }
    }

    /// The first arguments allowed for a command ID.
    pub fn firstargs_of(&self, id: usize) -> &[Vec<u8>] {
        self.firstargs
            .iter()
            .find(|(c, _)| *c == id)
            .map_or(&[][..], |(_, a)| a)
    }

    /// Whether the selector allows everything (the default user's case),
    /// so a check can stop before looking at the command.
    pub fn unrestricted(&self) -> bool {
        self.allcommands && self.allkeys && self.allchannels
    }
}

/// One user (`user`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Its name.
    pub name: Vec<u8>,
    /// `on` (`USER_FLAG_ENABLED`) or `off` (`USER_FLAG_DISABLED`).
    pub enabled: bool,
    /// `nopass`: any password works.
    pub nopass: bool,
    /// `skip-sanitize-payload` (Some(true)) or `sanitize-payload`
    /// (Some(false)); a new user has neither flag.
    pub skip_sanitize: Option<bool>,
    /// SHA-256 hashes of its passwords, as 64 lowercase hex digits.
    pub passwords: Vec<String>,
    /// The root selector first, then the ones given in parentheses.
    pub selectors: Vec<Selector>,
}

impl User {
    /// `ACLCreateUser`: off, no password, a root selector with nothing allowed.
    pub fn new(name: &[u8], allchannels: bool) -> User {
        User {
            name: name.to_vec(),
            enabled: false,
            nopass: false,
            skip_sanitize: None,
            passwords: Vec::new(),
            selectors: vec![Selector::new(true, allchannels)],
        }
    }

    /// The root selector.
    pub fn root(&self) -> &Selector {
        &self.selectors[0]
    }

    /// The root selector, to change.
    pub fn root_mut(&mut self) -> &mut Selector {
        &mut self.selectors[0]
    }
}

/// `ACLHashPassword`: SHA-256, as lowercase hex.
pub fn hash_password(clear: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(clear);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `ACLCheckPasswordHash`: 64 characters of `0-9a-f`.
pub fn valid_hash(hash: &[u8]) -> bool {
    hash.len() == 64 && hash.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// `ACLStringHasSpaces`: a space (C's `isspace`) or a NUL byte.
pub fn has_spaces(s: &[u8]) -> bool {
    s.iter()
        .any(|&c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0))
}
