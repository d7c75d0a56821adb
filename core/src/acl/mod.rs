//! Redis 7.0's access control lists (acl.c), sans IO: users with
//! passwords and selectors, the rules of ACL SETUSER, the permission check
//! every command goes through, the ACL log, and the text of ACL LIST and
//! of an ACL file. ACL is per node: nothing here is sent over the bus or
//! the replication stream, as in Redis.
//!
//! - [`commands`]: the commands rules name, with their IDs and categories.
//! - [`user`]: users and selectors. [`rules`]: what each rule does.
//! - [`check`]: may this user run this command. [`log`]: ACL LOG.
//! - [`describe`]: ACL LIST, ACL GETUSER, the ACL file's lines.

pub mod check;
pub mod commands;
pub mod describe;
pub mod file;
pub mod log;
pub mod rules;
pub mod user;

use std::collections::BTreeMap;
use user::User;

/// The node's users and ACL log (`Users`, `DefaultUser`, `ACLLog`).
#[derive(Clone, Debug)]
pub struct Acl {
    /// By name, in byte order (Redis's radix tree).
    users: BTreeMap<Vec<u8>, User>,
    /// ACL LOG.
    pub log: log::Log,
}

impl Default for Acl {
    fn default() -> Self {
        Acl::new()
    }
}

/// `ACLCreateDefaultUser`: `+@all ~* &* on nopass`.
pub fn default_user() -> User {
    let mut u = User::new(b"default", false);
    for rule in ["+@all", "~*", "&*", "on", "nopass"] {
        let _ = rules::set_user(&mut u, rule.as_bytes(), false);
    }
    u
}

impl Acl {
    /// `ACLInit`: only the default user.
    pub fn new() -> Acl {
        let mut users = BTreeMap::new();
        users.insert(b"default".to_vec(), default_user());
        Acl {
            users,
            log: log::Log::default(),
        }
    }

    /// A user by name.
    pub fn user(&self, name: &[u8]) -> Option<&User> {
        self.users.get(name)
    }

    /// The default user (always there).
    pub fn default_user(&self) -> &User {
        self.users.get(&b"default"[..]).expect("the default user")
    }

    /// Every user, by name.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.values()
    }

    /// Adds or replaces a user.
    pub fn put(&mut self, u: User) {
        self.users.insert(u.name.clone(), u);
    }

    /// Removes a user (never `default`); whether it existed.
    pub fn remove(&mut self, name: &[u8]) -> bool {
        name != b"default" && self.users.remove(name).is_some()
    }

    /// Replaces every user with `users` (ACL LOAD), keeping a default user.
    pub fn replace(&mut self, mut users: BTreeMap<Vec<u8>, User>) {
        users
            .entry(b"default".to_vec())
            .or_insert_with(default_user);
        self.users = users;
    }

    /// `authRequired`'s half about the server: the default user has a
    /// password or is off, so a new connection must authenticate.
    pub fn auth_required(&self) -> bool {
        let d = self.default_user();
        !d.nopass || !d.enabled
    }

    /// `ACLCheckUserCredentials`: the user exists, is on, and has no
    /// password or this one.
    pub fn credentials_ok(&self, name: &[u8], password: &[u8]) -> bool {
        let Some(u) = self.users.get(name) else {
            return false;
        };
        if !u.enabled {
            return false;
        }
        if u.nopass {
            return true;
        }
        let hashed = user::hash_password(password);
        // `time_independent_strcmp`: every byte compared, whatever differs.
        let same = |p: &String| {
            p.len() == hashed.len()
                && p.bytes()
                    .zip(hashed.bytes())
                    .fold(0, |d, (a, b)| d | (a ^ b))
                    == 0
        };
        u.passwords.iter().any(same)
    }

    /// `ACLUpdateDefaultUserPassword` (`requirepass`): the default user's
    /// passwords become this one, or `nopass` for none.
    pub fn set_default_password(&mut self, password: Option<&[u8]>) {
        if let Some(d) = self.users.get_mut(&b"default"[..]) {
            let _ = rules::set_user(d, b"resetpass", false);
            match password {
                Some(p) => {
                    let mut op = vec![b'>'];
                    op.extend_from_slice(p);
                    let _ = rules::set_user(d, &op, false);
                }
                None => {
                    let _ = rules::set_user(d, b"nopass", false);
                }
            }
        }
    }

    /// ACL LIST's lines and the ACL file's: `user <name> <description>`.
    pub fn lines(&self) -> Vec<Vec<u8>> {
        self.users
            .values()
            .map(|u| {
                let mut line = b"user ".to_vec();
                line.extend_from_slice(&u.name);
                line.push(b' ');
                line.extend(describe::user(u));
                line
            })
            .collect()
    }
}
