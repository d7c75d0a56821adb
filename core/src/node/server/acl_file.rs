//! The ACL file through the node's disk jobs (acl.c `ACLSaveToFile`,
//! `ACLLoadFromFile`, `ACLLoadUsersAtStartup`): ACL SAVE writes a temp file
//! and renames it, ACL LOAD asks the host to read the file and applies it
//! all or nothing, and a node started with `aclfile` loads it first.

use super::persist::{ReadFile, Waiter};
use crate::node::io::DiskOp;
use crate::node::ServerCtx;
use crate::node::{ClientId, Node};
use crate::resp::Value;
use crate::time::Time;

impl Node {
    /// A read job answered: ACL LOAD applies the file (`ACLLoadFromFile`)
    /// or answers its errors; DEBUG RELOAD NOSAVE loads it.
    pub(in crate::node) fn disk_read(
        &mut self,
        now: Time,
        job: u64,
        result: Result<Option<Vec<u8>>, String>,
    ) {
        let (client, file) = match self.take_waiter(job) {
            Some(Waiter::AclLoad { client, file }) => (client, file),
            Some(Waiter::ReloadFromDisk { client, flush }) => {
                return self.reload_read(now, client, flush, result);
            }
            _ => return,
        };
        let reply = match result {
            Ok(Some(bytes)) => match self.apply_acl_file(&bytes, &file) {
                Ok(()) => Value::ok(),
                Err(e) => Value::err(format!("ERR {e}")),
            },
            Ok(None) => open_error(&file, "No such file or directory"),
            Err(e) => open_error(&file, &e),
        };
        self.finish_blocked(now, client, reply);
        // The caller's own user went with the old set: it is closed once
        // replied (`CLIENT_CLOSE_AFTER_COMMAND`).
        if self
            .server
            .clients
            .get(&client)
            .is_some_and(|c| c.user.as_slice() != b"default" && !c.user.is_empty())
        {
            self.serving().kill_client(client);
        }
    }

    /// `ACLLoadFromFile` on the file's bytes: all users replaced, or none.
    /// Every client of a replaced user (all but `default`'s) is closed, as
    /// `ACLFreeUsersSet` frees the old users with their clients.
    fn apply_acl_file(&mut self, bytes: &[u8], file: &str) -> Result<(), String> {
        let allchannels = self.cfg.param_str("acl-pubsub-default") == "allchannels";
        let users = crate::acl::file::load(bytes, file, allchannels)?;
        self.serving().acl_mut().replace(users);
        let victims: Vec<ClientId> = self
            .serving()
            .other_clients()
            .into_iter()
            .filter(|(_, c)| c.user.as_slice() != b"default" && !c.user.is_empty())
            .map(|(id, _)| id)
            .collect();
        for id in victims {
            self.serving().kill_client(id);
        }
        Ok(())
    }

    /// `ACLLoadUsersAtStartup`: with `aclfile` set, the file is read and
    /// must load without error (Redis aborts its start otherwise).
    pub fn load_acl_file(&mut self, read: ReadFile) -> Result<(), String> {
        let file = self.cfg.param_str("aclfile");
        if file.is_empty() {
            return Ok(());
        }
        let loaded = match read(&file) {
            Ok(Some(bytes)) => self.apply_acl_file(&bytes, &file),
            Ok(None) => Err(open_text(&file, "No such file or directory")),
            Err(e) => Err(open_text(&file, &e)),
        };
        loaded.map_err(|e| format!("Aborting Redis startup because of ACL errors: {e}"))
    }
}

/// `ACLLoadFromFile`'s error when the file cannot be opened.
fn open_text(file: &str, why: &str) -> String {
    format!("Error loading ACLs, opening file '{file}': {why}")
}

/// That error as ACL LOAD's reply.
pub(in crate::node) fn open_error(file: &str, why: &str) -> Value {
    Value::err(format!("ERR {}", open_text(file, why)))
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// `ACLSaveToFile`: `<aclfile>.tmp-<pid>-<ms>` written, then renamed
    /// over the file; the client's reply waits for the job.
    pub(crate) fn acl_save(&mut self, now: Time, client: ClientId, file: &str, bytes: Vec<u8>) {
        let tmp = format!("{file}.tmp-{}-{}", self.process_id(), now.ms());
        let job = self.new_job(Waiter::AclSave(client));
        let ops = vec![
            DiskOp::Write {
                name: tmp.clone(),
                bytes,
            },
            DiskOp::Rename {
                from: tmp,
                to: file.to_string(),
            },
        ];
        self.disk(job, false, ops);
    }

    /// ACL LOAD: the host reads `file`; [`Node::disk_read`] goes on.
    pub(crate) fn acl_load(&mut self, client: ClientId, file: &str) {
        let job = self.new_job(Waiter::AclLoad {
            client,
            file: file.to_string(),
        });
        let ops = vec![DiskOp::Read {
            name: file.to_string(),
        }];
        self.disk(job, false, ops);
    }
}
