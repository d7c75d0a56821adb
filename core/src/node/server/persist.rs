//! Persistence as Redis 7.0 has it (`rdb.c`, `aof.c`, the persistence part
//! of `serverCron`, `finishShutdown`), sans IO: the node decides what to
//! write and when, and hands the host [`DiskJob`]s of file operations
//! under its `dir`; the host answers numbered jobs with
//! [`Input::DiskDone`](crate::node::Input::DiskDone).
//!
//! - RDB: SAVE (a blocking job: the client's reply waits for it), BGSAVE
//!   and the `save` schedule (a background job, Redis's forked child: one
//!   at a time, `rdb_bgsave_in_progress` until it is answered), each
//!   writing `temp-<pid>.rdb` then renaming it over `dbfilename`.
//! - AOF (multi-part, 7.0): `appendonly yes` starts a rewrite whose base
//!   is an RDB (`aof-base 1`); writes go to the incremental file (a temp
//!   one until the first rewrite ends), flushed once per input as Redis
//!   flushes `aof_buf` in `beforeSleep`; the manifest names the files.
//! - Loading at start ([`Node::load_data`]): the AOF when `appendonly yes`,
//!   else the RDB; a master skips keys whose TTL passed.
//!
//! `rdb_changes_since_last_save` (Redis's `server.dirty`) counts one change
//! per write command that reached the replication stream and AOF; Redis
//! counts some multi-element writes as several (an `RPUSH` of 3 elements
//! is 3), which only makes its save points trigger sooner.

use crate::aof::{self, Manifest};
use crate::command::ClientState;
use crate::node::io::{DiskJob, DiskOp};
use crate::node::{ClientId, Node, Output, ServerCtx};
use crate::rdb::file::{self, ReplInfo};
use crate::resp::Value;
use crate::time::Time;
use std::collections::BTreeMap;

/// `CONFIG_BGSAVE_RETRY_DELAY`: seconds before a failed BGSAVE is retried
/// by the save schedule.
const BGSAVE_RETRY_DELAY: u64 = 5;

/// What a background job is (Redis's `child_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChildKind {
    /// BGSAVE or a save point.
    Rdb,
    /// BGREWRITEAOF (or the rewrite `appendonly yes` starts).
    Aof,
}

/// The one background job running (Redis allows one child at a time).
#[derive(Clone, Debug)]
struct Child {
    kind: ChildKind,
    job: u64,
    /// Unix seconds when it started.
    started: u64,
    /// The host finished its work: it is reaped at the next cron
    /// (`checkChildrenDone`), running until then, as a child that exited
    /// counts as running until `serverCron` collects it.
    finished: Option<Result<(), String>>,
}

/// What waits for a blocking job's answer.
#[derive(Clone, Debug)]
pub(in crate::node) enum Waiter {
    /// SAVE: `+OK` or `-ERR`.
    Save(ClientId),
    /// DEBUG RELOAD: on success the file just written is loaded back.
    Reload {
        client: ClientId,
        bytes: Vec<u8>,
        flush: bool,
    },
    /// DEBUG RELOAD NOSAVE: the file on disk, read, is loaded.
    ReloadFromDisk { client: ClientId, flush: bool },
    /// SHUTDOWN's final save (`client`: who asked; none for a signal).
    Shutdown {
        client: Option<ClientId>,
        force: bool,
    },
    /// Nothing: a rewrite's renames and manifest, a start's files.
    Nobody,
    /// ACL SAVE: `+OK` or its error.
    AclSave(ClientId),
    /// ACL LOAD: the file's bytes, then the users or the errors.
    AclLoad { client: ClientId, file: String },
}

/// `aof_state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AofState {
    Off,
    /// `appendonly yes` was set: writes are kept in a temp incremental file
    /// until the first rewrite ends.
    WaitRewrite,
    On,
}

/// The node's persistence state.
#[derive(Clone, Debug)]
pub(in crate::node) struct Persistence {
    /// The host's process ID, in temp file names.
    pid: u32,
    /// `server.dirty`.
    dirty: u64,
    dirty_before_bgsave: u64,
    /// Unix seconds of the last successful save (`lastsave`).
    lastsave: u64,
    lastbgsave_try: u64,
    lastbgsave_ok: bool,
    /// `rdb_save_time_last`, -1 before any.
    last_bgsave_secs: i64,
    /// `stat_rdb_saves`.
    rdb_saves: u64,
    /// The running BGSAVE's file is only for the replicas and goes once
    /// written (`RDBGeneratedByReplication`).
    rdb_for_sync: bool,
    child: Option<Child>,
    bgsave_scheduled: bool,
    next_job: u64,
    waiting: BTreeMap<u64, Waiter>,
    keys_loaded: u64,
    keys_expired: u64,
    /// While the data on disk is loaded: nothing is propagated or counted.
    loading: bool,
    /// A SHUTDOWN succeeded: the node answers nothing more.
    exited: bool,
    aof_state: AofState,
    manifest: Manifest,
    aof_buf: Vec<u8>,
    /// `aof_selected_db` is 0 (a `SELECT 0` was written to this file).
    aof_selected: bool,
    aof_rewrite_scheduled: bool,
    aof_last_rewrite_ok: bool,
    aof_rewrites: u64,
    aof_rewrite_failures: u64,
    aof_last_rewrite_secs: i64,
    aof_current_size: u64,
    aof_base_size: u64,
}

impl Persistence {
    pub fn new(now: Time) -> Self {
        Persistence {
            pid: 0,
            dirty: 0,
            dirty_before_bgsave: 0,
            lastsave: now.ms() / 1000,
            lastbgsave_try: 0,
            lastbgsave_ok: true,
            last_bgsave_secs: -1,
            rdb_saves: 0,
            rdb_for_sync: false,
            child: None,
            bgsave_scheduled: false,
            next_job: 1,
            waiting: BTreeMap::new(),
            keys_loaded: 0,
            keys_expired: 0,
            loading: false,
            exited: false,
            aof_state: AofState::Off,
            manifest: Manifest::default(),
            aof_buf: Vec::new(),
            aof_selected: false,
            aof_rewrite_scheduled: false,
            aof_last_rewrite_ok: true,
            aof_rewrites: 0,
            aof_rewrite_failures: 0,
            aof_last_rewrite_secs: -1,
            aof_current_size: 0,
            aof_base_size: 0,
        }
    }

    /// After a restart: a new process, with the same pid slot (the host sets it).
    pub fn restarted(&self, now: Time) -> Self {
        let mut fresh = Persistence::new(now);
        fresh.pid = self.pid;
        fresh
    }
}

/// SHUTDOWN's options (`SHUTDOWN_NOSAVE`, `SHUTDOWN_SAVE`, `SHUTDOWN_FORCE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShutdownFlags {
    /// NOSAVE: no final RDB even with save points.
    pub nosave: bool,
    /// SAVE: a final RDB even without save points.
    pub save: bool,
    /// FORCE: exit even if the save fails.
    pub force: bool,
}

/// How the host gives the node a file under `dir` at start (`None`: no
/// such file).
pub type ReadFile<'a> = &'a mut dyn FnMut(&str) -> Result<Option<Vec<u8>>, String>;

/// Unix seconds of a node time.
fn secs(now: Time) -> u64 {
    now.ms() / 1000
}

impl Node {
    /// SHUTDOWN as a host asks it (the native node on a signal, with no
    /// client): [`ServerCtx::shutdown`].
    pub fn shutdown(&mut self, now: Time, client: Option<ClientId>, flags: ShutdownFlags) {
        self.serving().shutdown(now, client, flags);
    }

    /// `rdbcompression`, for the native host's DUMP payloads.
    pub fn rdb_compression(&self) -> bool {
        self.param("rdbcompression") == "yes"
    }

    fn param(&self, name: &str) -> String {
        self.cfg.param_str(name)
    }

    /// Tells the node its process ID (temp file names carry it, as Redis's
    /// `temp-<pid>.rdb`).
    pub fn set_process_id(&mut self, pid: u32) {
        self.server.persist.pid = pid;
    }

    /// Whether a SHUTDOWN made the node exit.
    pub fn has_exited(&self) -> bool {
        self.server.persist.exited
    }

    /// What waits for job `job`, no longer waiting.
    pub(in crate::node) fn take_waiter(&mut self, job: u64) -> Option<Waiter> {
        self.server.persist.waiting.remove(&job)
    }

    /// The RDB a process that ran with no data wrote at its last
    /// shutdown, holding the history `info` (the simulator's formed start:
    /// nodes restarted from what `redis-cli --cluster create` left).
    pub(crate) fn empty_rdb_file(&self, now: Time, info: &ReplInfo) -> (String, Vec<u8>) {
        let empty = crate::keyspace::Keyspace::new();
        let bytes = file::encode_with(&empty, now, Some(info), false);
        (self.param("dbfilename"), bytes)
    }

    // ---- commands ----

    /// DEBUG RELOAD's load (`emptyData` unless NOFLUSH, then `rdbLoad`):
    /// `+OK`, or Redis's error when the file does not decode, the data
    /// being flushed all the same.
    fn reload_rdb(&mut self, now: Time, bytes: &[u8], flush: bool) -> Value {
        if flush {
            self.server.keyspace.clear();
        }
        let packing = self.config().packing();
        match file::decode_at(bytes, Some(self.config().aging_clock(now)), packing) {
            Ok(mut loaded) => {
                loaded.keyspace.keep_shared_integers(&self.server.keyspace);
                for (key, data, at, stamp) in loaded.keyspace.stored_stamped() {
                    self.server.keyspace.insert(key, data.clone(), at);
                    self.server.keyspace.set_stamp(key, stamp);
                }
                if !self.is_replica() {
                    self.server.keyspace.drop_expired(now);
                }
                Value::ok()
            }
            Err(_) => reload_failed(),
        }
    }

    /// DEBUG RELOAD NOSAVE's read answered: the file is loaded, or, when it
    /// is missing or unreadable, the data is flushed (unless NOFLUSH) and
    /// the load fails, as `rdbLoad` fails to open it.
    pub(in crate::node) fn reload_read(
        &mut self,
        now: Time,
        client: ClientId,
        flush: bool,
        result: Result<Option<Vec<u8>>, String>,
    ) {
        let reply = match result {
            Ok(Some(bytes)) => self.reload_rdb(now, &bytes, flush),
            Ok(None) | Err(_) => {
                if flush {
                    self.server.keyspace.clear();
                }
                reload_failed()
            }
        };
        self.finish_blocked(now, client, reply);
    }

    // ---- AOF ----

    /// CONFIG SET appendonly: `startAppendOnly` / `stopAppendOnly`.
    pub(crate) fn appendonly_changed(&mut self, now: Time, in_exec: bool) {
        let on = self.param("appendonly") == "yes";
        match (on, self.server.persist.aof_state) {
            (true, AofState::Off) => self.serving().start_append_only(now, in_exec),
            (false, AofState::WaitRewrite | AofState::On) => self.serving().stop_append_only(),
            _ => {}
        }
    }

    /// `restartAOFAfterSYNC`: a replica's full resync replaced the dataset,
    /// so the AOF, stopped for the load (`readSyncBulkPayload`), starts
    /// again with a rewrite whose base is the synced data. Without it the
    /// files would hold only what came after the sync.
    pub(in crate::node) fn restart_aof_after_sync(&mut self, now: Time) {
        if self.server.persist.aof_state == AofState::Off {
            return;
        }
        let mut ctx = self.serving();
        ctx.stop_append_only();
        ctx.start_append_only(now, false);
    }

    /// `backgroundRewriteDoneHandler` on success: the temp base becomes the
    /// new base, the temp incremental file (first rewrite) the new
    /// incremental one, older files history, deleted once the manifest
    /// says so.
    fn aof_rewrite_done(&mut self, now: Time, started: u64) {
        let fname = self.param("appendfilename");
        let preamble = self.param("aof-use-rdb-preamble") == "yes";
        let mut m = self.server.persist.manifest.clone();
        let base = m.new_base(&fname, preamble);
        let mut ops = vec![DiskOp::Rename {
            from: format!("temp-rewriteaof-bg-{}.aof", self.server.persist.pid),
            to: self.serving().aof_name(&base),
        }];
        if self.server.persist.aof_state == AofState::WaitRewrite {
            let incr = m.new_incr(&fname);
            ops.push(DiskOp::Rename {
                from: self.serving().aof_name(&aof::temp_incr_name(&fname)),
                to: self.serving().aof_name(&incr),
            });
        }
        m.mark_rewritten_incr_as_history();
        ops.extend(self.serving().manifest_ops(&m));
        // `aofDelHistoryFiles`.
        for h in std::mem::take(&mut m.history) {
            ops.push(DiskOp::Remove {
                name: self.serving().aof_name(&h.name),
            });
        }
        ops.extend(self.serving().manifest_ops(&m));
        self.server.persist.manifest = m;
        self.serving().disk(0, false, ops);
        self.server.persist.aof_last_rewrite_ok = true;
        self.server.persist.aof_rewrite_failures = 0;
        self.server.persist.aof_current_size = self.server.persist.aof_base_size;
        if self.server.persist.aof_state == AofState::WaitRewrite {
            self.server.persist.aof_state = AofState::On;
        }
        self.server.persist.aof_last_rewrite_secs = secs(now).saturating_sub(started) as i64;
    }

    // ---- cron and answers ----

    /// `serverCron`'s persistence part: a scheduled AOF rewrite, the save
    /// points (`save <seconds> <changes>`), a scheduled BGSAVE.
    pub(in crate::node) fn persist_cron(&mut self, now: Time) {
        if self.server.persist.exited {
            return;
        }
        self.reap_child(now);
        if !self.serving().child_active() && self.server.persist.aof_rewrite_scheduled {
            self.serving().rewrite_aof(now);
        }
        let retry_ok = secs(now).saturating_sub(self.server.persist.lastbgsave_try)
            > BGSAVE_RETRY_DELAY
            || self.server.persist.lastbgsave_ok;
        if !self.serving().child_active() {
            let due = self
                .serving()
                .save_points()
                .into_iter()
                .any(|(seconds, changes)| {
                    self.server.persist.dirty >= changes
                        && secs(now).saturating_sub(self.server.persist.lastsave) > seconds
                });
            if due && retry_ok {
                self.serving().bgsave(now);
            }
        }
        if !self.serving().child_active() && self.server.persist.bgsave_scheduled && retry_ok {
            self.server.persist.bgsave_scheduled = false;
            self.serving().bgsave(now);
        }
    }

    /// `checkChildrenDone`: a finished BGSAVE or AOF rewrite is collected
    /// (`backgroundSaveDoneHandler`, `backgroundRewriteDoneHandler`).
    fn reap_child(&mut self, now: Time) {
        let child = self.server.persist.child.as_ref();
        let Some(result) = child.and_then(|c| c.finished.clone()) else {
            return;
        };
        let Some(child) = self.server.persist.child.take() else {
            return;
        };
        let took = secs(now).saturating_sub(child.started) as i64;
        match (child.kind, result.is_ok()) {
            // `backgroundSaveDoneHandlerDisk`.
            (ChildKind::Rdb, true) => {
                self.server.persist.dirty -= self
                    .server
                    .persist
                    .dirty_before_bgsave
                    .min(self.server.persist.dirty);
                self.server.persist.lastsave = secs(now);
                self.server.persist.lastbgsave_ok = true;
                self.server.persist.last_bgsave_secs = took;
                if std::mem::take(&mut self.server.persist.rdb_for_sync) {
                    let name = self.param("dbfilename");
                    self.serving().disk(0, false, vec![DiskOp::Remove { name }]);
                }
            }
            (ChildKind::Rdb, false) => {
                self.server.persist.rdb_for_sync = false;
                self.server.persist.lastbgsave_ok = false;
                self.server.persist.last_bgsave_secs = took;
            }
            (ChildKind::Aof, true) => self.aof_rewrite_done(now, child.started),
            (ChildKind::Aof, false) => {
                self.server.persist.aof_last_rewrite_ok = false;
                self.server.persist.aof_rewrite_failures += 1;
                self.server.persist.aof_last_rewrite_secs = took;
            }
        }
    }

    /// The host finished job `job`.
    pub(in crate::node) fn disk_done(&mut self, now: Time, job: u64, result: Result<(), String>) {
        let Some(waiter) = self.server.persist.waiting.remove(&job) else {
            return;
        };
        if let Some(child) = self.server.persist.child.as_mut().filter(|c| c.job == job) {
            child.finished = Some(result);
            return;
        }
        // A blocking `rdbSave` that succeeded resets the counters.
        if result.is_ok()
            && !matches!(
                waiter,
                Waiter::Nobody
                    | Waiter::AclSave(_)
                    | Waiter::AclLoad { .. }
                    | Waiter::ReloadFromDisk { .. }
            )
        {
            self.server.persist.dirty = 0;
            self.server.persist.lastsave = secs(now);
            self.server.persist.lastbgsave_ok = true;
        }
        match waiter {
            Waiter::Save(client) => {
                let reply = match result {
                    Ok(()) => Value::ok(),
                    Err(_) => Value::err("ERR"),
                };
                self.finish_blocked(now, client, reply);
            }
            Waiter::Reload {
                client,
                bytes,
                flush,
            } => {
                let reply = match result {
                    Err(_) => Value::err("ERR"),
                    Ok(()) => self.reload_rdb(now, &bytes, flush),
                };
                self.finish_blocked(now, client, reply);
            }
            Waiter::Shutdown { client, force } => {
                if result.is_ok() || force {
                    self.serving().exit();
                } else if let Some(client) = client {
                    self.finish_blocked(
                        now,
                        client,
                        Value::err("ERR Errors trying to SHUTDOWN. Check logs."),
                    );
                }
            }
            Waiter::Nobody => {}
            // A read answered without its bytes (a simulated disk inside a
            // two-thread window answers every job so): the file was not read.
            Waiter::AclLoad { client, file } => {
                let e = result.err().unwrap_or_else(|| "Input/output error".into());
                self.finish_blocked(now, client, super::acl_file::open_error(&file, &e));
            }
            Waiter::ReloadFromDisk { client, flush } => {
                let e = result.err().unwrap_or_else(|| "Input/output error".into());
                self.reload_read(now, client, flush, Err(e));
            }
            Waiter::AclSave(client) => {
                let reply = match result {
                    Ok(()) => Value::ok(),
                    Err(_) => Value::err("ERR There was an error trying to save the ACLs. Please check the server logs for more information"),
                };
                self.finish_blocked(now, client, reply);
            }
        }
    }

    // ---- loading ----

    /// `loadDataFromDisk` then `aofOpenIfNeededOnServerStart`, at start:
    /// with `appendonly yes` the AOF its manifest names (base, then every
    /// incremental file), else `dbfilename`. `read` gives a file's bytes
    /// under `dir` (`None`: no such file). Returns what Redis logs.
    pub fn load_data(&mut self, now: Time, read: ReadFile) -> Result<String, String> {
        self.server.persist.loading = true;
        let result = if self.param("appendonly") == "yes" {
            self.load_aof(now, read)
        } else {
            self.load_rdb(now, read)
        };
        self.server.persist.loading = false;
        self.server.persist.dirty = 0;
        let said = result?;
        if self.param("appendonly") == "yes" {
            self.open_aof_on_start(now);
        }
        Ok(said)
    }

    fn load_rdb(&mut self, now: Time, read: ReadFile) -> Result<String, String> {
        let name = self.param("dbfilename");
        let Some(bytes) = read(&name)? else {
            return Ok(String::new());
        };
        let clock = Some(self.config().aging_clock(now));
        let loaded = file::decode_at(&bytes, clock, self.config().packing())
            .map_err(|e| format!("{name}: {e}"))?;
        let mut keyspace = loaded.keyspace;
        keyspace.keep_shared_integers(&self.server.keyspace);
        self.server.keyspace = keyspace;
        if let Some(info) = loaded.repl {
            let master = self.me().is_master();
            self.server.repl.restore_history(info, master);
        }
        let expired = if self.is_replica() {
            0
        } else {
            self.server.keyspace.drop_expired(now)
        };
        self.server.persist.keys_loaded = self.server.keyspace.len() as u64;
        self.server.persist.keys_expired = expired as u64;
        Ok(format!(
            "Done loading RDB, keys loaded: {}, keys expired: {expired}.",
            self.server.keyspace.len()
        ))
    }

    fn load_aof(&mut self, now: Time, read: ReadFile) -> Result<String, String> {
        let fname = self.param("appendfilename");
        let Some(text) = read(&self.serving().aof_name(&aof::manifest_name(&fname)))? else {
            return Ok(String::new());
        };
        let text = String::from_utf8_lossy(&text);
        let manifest = Manifest::parse(&text)?;
        let files: Vec<String> = manifest
            .base
            .iter()
            .chain(&manifest.incr)
            .map(|f| f.name.clone())
            .collect();
        let mut client = ClientState::new(true);
        client.from_master = true;
        let last = files.len().saturating_sub(1);
        for (i, name) in files.iter().enumerate() {
            let bytes = read(&self.serving().aof_name(name))?
                .ok_or_else(|| format!("The AOF file {name} doesn't exist"))?;
            if bytes.starts_with(b"REDIS") {
                let loaded = file::decode(&bytes, self.config().packing())
                    .map_err(|e| format!("{name}: {e}"))?;
                for (key, data, at) in loaded.keyspace.stored() {
                    self.server.keyspace.insert(key, data.clone(), at);
                }
                continue;
            }
            let read = aof::commands(&bytes)?;
            if read.truncated && i != last {
                return Err(format!(
                    "Unexpected end of file reading the append only file {name}"
                ));
            }
            for args in read.commands {
                crate::command::apply_replicated(self, now, &mut client, args);
            }
        }
        self.server.persist.manifest = manifest;
        Ok(format!(
            "DB loaded from append only file: {} keys",
            self.server.keyspace.len()
        ))
    }

    /// `aofOpenIfNeededOnServerStart`: the directory, a base when there is
    /// none (an empty dataset's), the incremental file, the manifest.
    fn open_aof_on_start(&mut self, now: Time) {
        let fname = self.param("appendfilename");
        let mut ops = vec![DiskOp::MakeDir {
            name: self.param("appenddirname"),
        }];
        let mut m = self.server.persist.manifest.clone();
        if m.base.is_none() && m.incr.is_empty() {
            let preamble = self.param("aof-use-rdb-preamble") == "yes";
            let base = m.new_base(&fname, preamble);
            let bytes = self.serving().rdb_encode(now, None, true);
            self.server.persist.aof_base_size = bytes.len() as u64;
            ops.push(DiskOp::Write {
                name: self.serving().aof_name(&base),
                bytes,
            });
        }
        let incr = m.last_incr(&fname);
        ops.push(DiskOp::Append {
            name: self.serving().aof_name(&incr),
            bytes: Vec::new(),
            fsync: false,
        });
        ops.extend(self.serving().manifest_ops(&m));
        self.server.persist.manifest = m;
        self.server.persist.aof_state = AofState::On;
        self.serving().disk(0, false, ops);
    }
}

/// `rdbLoad` failed: DEBUG RELOAD's reply.
fn reload_failed() -> Value {
    Value::err("ERR Error trying to load the RDB dump")
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// A write changed the dataset (`server.dirty++`).
    pub(crate) fn count_change(&mut self) {
        if !self.server.persist.loading {
            self.server.persist.dirty += 1;
        }
    }

    /// Whether the data on disk is being loaded (nothing propagates).
    pub(crate) fn loading_data(&self) -> bool {
        self.server.persist.loading
    }

    /// `feedAppendOnlyFile`: a command as the replication stream has it,
    /// after a `SELECT 0` when the file has none yet.
    pub(crate) fn feed_aof(&mut self, args: &[Vec<u8>]) {
        if self.server.persist.aof_state == AofState::Off || self.server.persist.loading {
            return;
        }
        let buffering = self.server.persist.aof_state == AofState::On
            || self.server.persist.child.as_ref().map(|c| c.kind) == Some(ChildKind::Aof);
        let mut buf = Vec::new();
        if !self.server.persist.aof_selected {
            aof::command(&mut buf, &[b"SELECT".to_vec(), b"0".to_vec()]);
            self.server.persist.aof_selected = true;
        }
        aof::command(&mut buf, args);
        if buffering {
            self.server.persist.aof_buf.extend_from_slice(&buf);
        }
    }

    /// INFO's `# Persistence`.
    pub(crate) fn persistence_info(&self, now: Time) -> String {
        let p = &self.server.persist;
        let kind = p.child.as_ref().map(|c| c.kind);
        let running = |k| match &p.child {
            Some(c) if c.kind == k => secs(now).saturating_sub(c.started) as i64,
            _ => -1,
        };
        let ok = |b: bool| if b { "ok" } else { "err" };
        let mut s = format!(
            "# Persistence\r\nloading:{}\r\nasync_loading:{}\r\ncurrent_cow_peak:0\r\ncurrent_cow_size:0\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\ncurrent_save_keys_processed:0\r\ncurrent_save_keys_total:0\r\nrdb_changes_since_last_save:{}\r\nrdb_bgsave_in_progress:{}\r\nrdb_last_save_time:{}\r\nrdb_last_bgsave_status:{}\r\nrdb_last_bgsave_time_sec:{}\r\nrdb_current_bgsave_time_sec:{}\r\nrdb_saves:{}\r\nrdb_last_cow_size:0\r\nrdb_last_load_keys_expired:{}\r\nrdb_last_load_keys_loaded:{}\r\naof_enabled:{}\r\naof_rewrite_in_progress:{}\r\naof_rewrite_scheduled:{}\r\naof_last_rewrite_time_sec:{}\r\naof_current_rewrite_time_sec:{}\r\naof_last_bgrewrite_status:{}\r\naof_rewrites:{}\r\naof_rewrites_consecutive_failures:{}\r\naof_last_write_status:ok\r\naof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\nmodule_fork_last_cow_size:0\r\n",
            u8::from(p.loading || self.loading_rdb()),
            u8::from(self.async_loading()),
            p.dirty,
            u8::from(kind == Some(ChildKind::Rdb)),
            p.lastsave,
            ok(p.lastbgsave_ok),
            p.last_bgsave_secs,
            running(ChildKind::Rdb),
            p.rdb_saves,
            p.keys_expired,
            p.keys_loaded,
            u8::from(p.aof_state != AofState::Off),
            u8::from(kind == Some(ChildKind::Aof)),
            u8::from(p.aof_rewrite_scheduled),
            p.aof_last_rewrite_secs,
            running(ChildKind::Aof),
            ok(p.aof_last_rewrite_ok),
            p.aof_rewrites,
            p.aof_rewrite_failures,
        );
        if self.cfg.param_str("appendonly") == "yes" {
            s.push_str(&format!(
                "aof_current_size:{}\r\naof_base_size:{}\r\naof_pending_rewrite:{}\r\naof_buffer_length:{}\r\naof_pending_bio_fsync:0\r\naof_delayed_fsync:0\r\n",
                p.aof_current_size,
                p.aof_base_size,
                u8::from(p.aof_rewrite_scheduled),
                p.aof_buf.len(),
            ));
        }
        if let Some(fields) = self.loading_info(now) {
            s.push_str(&fields);
        }
        s
    }

    /// DEBUG RELOAD [MERGE] [NOFLUSH]: save, then load the file back
    /// (without NOFLUSH the dataset is emptied first; with it the file's
    /// keys are added over the current ones).
    pub(crate) fn debug_reload(&mut self, now: Time, client: ClientId, flush: bool, save: bool) {
        if !save {
            let job = self.new_job(Waiter::ReloadFromDisk { client, flush });
            let name = self.cfg.param_str("dbfilename");
            self.disk(job, false, vec![DiskOp::Read { name }]);
            return;
        }
        let bytes = self.rdb_bytes(now);
        let ops = self.rdb_ops(bytes.clone());
        let job = self.new_job(Waiter::Reload {
            client,
            bytes,
            flush,
        });
        self.disk(job, false, ops);
    }

    pub(in crate::node) fn new_job(&mut self, waiter: Waiter) -> u64 {
        let id = self.server.persist.next_job;
        self.server.persist.next_job += 1;
        self.server.persist.waiting.insert(id, waiter);
        id
    }

    pub(in crate::node) fn disk(&mut self, id: u64, background: bool, ops: Vec<DiskOp>) {
        self.out.push_back(Output::Disk(DiskJob {
            id,
            background,
            ops,
        }));
    }

    /// The RDB `rdbSave` writes now.
    fn rdb_bytes(&self, now: Time) -> Vec<u8> {
        self.rdb_encode(now, self.save_info().as_ref(), false)
    }

    /// `rdbSave`'s files: `temp-<pid>.rdb`, renamed over `dbfilename`.
    fn rdb_ops(&self, bytes: Vec<u8>) -> Vec<DiskOp> {
        let temp = format!("temp-{}.rdb", self.server.persist.pid);
        vec![
            DiskOp::Write {
                name: temp.clone(),
                bytes,
            },
            DiskOp::Rename {
                from: temp,
                to: self.cfg.param_str("dbfilename"),
            },
        ]
    }

    /// `rdbSaveRio` of this node's keyspace, strings compressed as its
    /// `rdbcompression` says.
    pub(crate) fn rdb_encode(&self, now: Time, repl: Option<&ReplInfo>, aof_base: bool) -> Vec<u8> {
        crate::rdb::with_compression(self.rdb_compression(), || {
            file::encode_with(&self.server.keyspace, now, repl, aof_base)
        })
    }

    /// `rdbPopulateSaveInfo`: a replica names its master's stream; a master
    /// only when it has a backlog (it is part of a replication chain).
    /// `rdbSaveInfoAuxFields` writes `server.replid` and the offset.
    fn save_info(&self) -> Option<ReplInfo> {
        if self.is_replica() || self.server.repl.backlog_exists() {
            Some(ReplInfo {
                replid: self.repl_replid().to_string(),
                offset: self.server.repl.offset,
            })
        } else {
            None
        }
    }

    /// `rdbcompression`: strings over 20 bytes are LZF-compressed in RDBs
    /// and DUMP payloads.
    pub fn rdb_compression(&self) -> bool {
        self.cfg.param_str("rdbcompression") == "yes"
    }

    /// SAVE (`saveCommand`): refused while a BGSAVE runs; the reply waits
    /// for the blocking job.
    pub(crate) fn save_command(&mut self, now: Time, client: ClientId) -> Option<Value> {
        if self.server.persist.child.as_ref().map(|c| c.kind) == Some(ChildKind::Rdb) {
            return Some(Value::err("ERR Background save already in progress"));
        }
        self.server.persist.rdb_saves += 1;
        let bytes = self.rdb_bytes(now);
        let ops = self.rdb_ops(bytes);
        let job = self.new_job(Waiter::Save(client));
        self.disk(job, false, ops);
        None
    }

    /// BGSAVE [SCHEDULE] (`bgsaveCommand`).
    pub(crate) fn bgsave_command(&mut self, now: Time, schedule: bool, in_exec: bool) -> Value {
        match self.server.persist.child.as_ref().map(|c| c.kind) {
            Some(ChildKind::Rdb) => Value::err("ERR Background save already in progress"),
            Some(ChildKind::Aof) | None if self.child_active() || in_exec => {
                if schedule || in_exec {
                    self.server.persist.bgsave_scheduled = true;
                    Value::Simple("Background saving scheduled".into())
                } else {
                    Value::err(
                        "ERR Another child process is active (AOF?): can't BGSAVE right now. \
                         Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
                    )
                }
            }
            _ => {
                self.bgsave(now);
                Value::Simple("Background saving started".into())
            }
        }
    }

    /// BGREWRITEAOF (`bgrewriteaofCommand`).
    pub(crate) fn bgrewriteaof_command(&mut self, now: Time, in_exec: bool) -> Value {
        match self.server.persist.child.as_ref().map(|c| c.kind) {
            Some(ChildKind::Aof) => {
                Value::err("ERR Background append only file rewriting already in progress")
            }
            Some(ChildKind::Rdb) => {
                self.server.persist.aof_rewrite_scheduled = true;
                self.server.persist.aof_rewrite_failures = 0;
                Value::Simple("Background append only file rewriting scheduled".into())
            }
            None if in_exec => {
                self.server.persist.aof_rewrite_scheduled = true;
                self.server.persist.aof_rewrite_failures = 0;
                Value::Simple("Background append only file rewriting scheduled".into())
            }
            None => {
                self.rewrite_aof(now);
                Value::Simple("Background append only file rewriting started".into())
            }
        }
    }

    /// LASTSAVE.
    pub(crate) fn lastsave(&self) -> u64 {
        self.server.persist.lastsave
    }

    /// SHUTDOWN (`prepareForShutdown` with `SHUTDOWN_NOW` semantics, then
    /// `finishShutdown`): a running BGSAVE is abandoned, the AOF flushed
    /// and synced, then a final RDB is saved when a save point is
    /// configured (unless NOSAVE) or SAVE asks; the node exits once that
    /// save succeeds (or at once without one). With `client`, a failed save
    /// answers `Errors trying to SHUTDOWN. Check logs.` unless FORCE.
    pub fn shutdown(&mut self, now: Time, client: Option<ClientId>, flags: ShutdownFlags) {
        if let Some(child) = self.server.persist.child.take() {
            self.server.persist.waiting.remove(&child.job);
        }
        if self.server.persist.aof_state != AofState::Off {
            self.flush_aof(true);
        }
        let save = (!self.save_points().is_empty() && !flags.nosave) || flags.save;
        if save {
            let bytes = self.rdb_bytes(now);
            let ops = self.rdb_ops(bytes);
            let job = self.new_job(Waiter::Shutdown {
                client,
                force: flags.force,
            });
            self.disk(job, false, ops);
        } else {
            self.exit();
        }
    }

    fn child_active(&self) -> bool {
        self.server.persist.child.is_some()
    }

    /// `startBgsaveForReplication` with a disk target: an ordinary BGSAVE
    /// of `dbfilename` (`rdbSaveBackground`, counted in `rdb_saves`),
    /// naming this master's history, whose file the replicas get. With
    /// `rdb-del-sync-files yes` and nothing else persisted, the file goes
    /// once it is sent (`RDBGeneratedByReplication`,
    /// `removeRDBUsedToSyncReplicas`). Here the replicas get the snapshot
    /// at once; a BGSAVE already running is left to finish alone.
    pub(in crate::node) fn bgsave_for_sync(&mut self, now: Time) {
        if self.child_active() {
            return;
        }
        self.bgsave(now);
        self.server.persist.rdb_for_sync =
            self.cfg.param_str("rdb-del-sync-files") == "yes" && self.all_persistence_disabled();
    }

    /// `allPersistenceDisabled`: no save point and the AOF off.
    pub(in crate::node) fn all_persistence_disabled(&self) -> bool {
        self.save_points().is_empty() && self.server.persist.aof_state == AofState::Off
    }

    /// `startAppendOnly`: writes wait in a temp incremental file until the
    /// first rewrite ends; the rewrite waits for a running BGSAVE.
    fn start_append_only(&mut self, now: Time, in_exec: bool) {
        self.server.persist.aof_state = AofState::WaitRewrite;
        if self.server.persist.child.as_ref().map(|c| c.kind) == Some(ChildKind::Rdb) || in_exec {
            self.server.persist.aof_rewrite_scheduled = true;
        } else {
            self.rewrite_aof(now);
        }
    }

    /// `stopAppendOnly`: the buffer flushed, a running rewrite dropped.
    fn stop_append_only(&mut self) {
        self.flush_aof(true);
        self.server.persist.aof_state = AofState::Off;
        self.server.persist.aof_selected = false;
        self.server.persist.aof_rewrite_scheduled = false;
        if let Some(c) = &self.server.persist.child {
            if c.kind == ChildKind::Aof {
                let job = c.job;
                self.server.persist.child = None;
                self.server.persist.waiting.remove(&job);
            }
        }
        self.server.persist.aof_buf.clear();
    }

    /// `rdbSaveBackground`: the child's work is a background job.
    fn bgsave(&mut self, now: Time) {
        self.server.persist.rdb_saves += 1;
        self.server.persist.dirty_before_bgsave = self.server.persist.dirty;
        self.server.persist.lastbgsave_try = secs(now);
        let bytes = self.rdb_bytes(now);
        let ops = self.rdb_ops(bytes);
        let job = self.new_job(Waiter::Nobody);
        self.server.persist.child = Some(Child {
            kind: ChildKind::Rdb,
            job,
            started: secs(now),
            finished: None,
        });
        self.disk(job, true, ops);
    }

    /// `rewriteAppendOnlyFileBackground`: flush, open the next incremental
    /// file (a temp one while waiting for the first rewrite, with the
    /// manifest saved), then the child writes the new base.
    fn rewrite_aof(&mut self, now: Time) {
        let dirname = self.cfg.param_str("appenddirname");
        let fname = self.cfg.param_str("appendfilename");
        self.server.persist.aof_selected = false;
        self.flush_aof(true);
        let mut ops = vec![DiskOp::MakeDir { name: dirname }];
        if self.server.persist.aof_state == AofState::WaitRewrite {
            ops.push(DiskOp::Write {
                name: self.aof_name(&aof::temp_incr_name(&fname)),
                bytes: Vec::new(),
            });
        } else {
            let mut m = self.server.persist.manifest.clone();
            let incr = m.new_incr(&fname);
            ops.push(DiskOp::Write {
                name: self.aof_name(&incr),
                bytes: Vec::new(),
            });
            ops.extend(self.manifest_ops(&m));
            self.server.persist.manifest = m;
        }
        self.disk(0, false, ops);
        self.server.persist.aof_rewrites += 1;
        let base = self.rdb_encode(now, None, true);
        let temp = format!("temp-rewriteaof-bg-{}.aof", self.server.persist.pid);
        let job = self.new_job(Waiter::Nobody);
        self.server.persist.child = Some(Child {
            kind: ChildKind::Aof,
            job,
            started: secs(now),
            finished: None,
        });
        self.server.persist.aof_rewrite_scheduled = false;
        self.server.persist.aof_base_size = base.len() as u64;
        self.disk(
            job,
            true,
            vec![DiskOp::Write {
                name: temp,
                bytes: base,
            }],
        );
    }

    /// `flushAppendOnlyFile`: `aof_buf` appended to the current incremental
    /// file, synced with `appendfsync always` (or `force`, at shutdown).
    pub(in crate::node) fn flush_aof(&mut self, force: bool) {
        if self.server.persist.aof_buf.is_empty() {
            return;
        }
        let fname = self.cfg.param_str("appendfilename");
        let file = if self.server.persist.aof_state == AofState::WaitRewrite {
            aof::temp_incr_name(&fname)
        } else {
            self.server.persist.manifest.last_incr(&fname)
        };
        let bytes = std::mem::take(&mut self.server.persist.aof_buf);
        self.server.persist.aof_current_size += bytes.len() as u64;
        let fsync = force || self.cfg.param_str("appendfsync") == "always";
        let name = self.aof_name(&file);
        self.disk(0, false, vec![DiskOp::Append { name, bytes, fsync }]);
    }

    /// `save` as (seconds, changes) pairs.
    fn save_points(&self) -> Vec<(u64, u64)> {
        let text = self.cfg.param_str("save");
        let nums: Vec<u64> = text
            .split_ascii_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        nums.chunks(2)
            .filter(|p| p.len() == 2)
            .map(|p| (p[0], p[1]))
            .collect()
    }

    fn exit(&mut self) {
        self.server.persist.exited = true;
        self.out.push_back(Output::Exit);
    }

    fn aof_name(&self, file: &str) -> String {
        format!("{}/{file}", self.cfg.param_str("appenddirname"))
    }

    /// `persistAofManifest`: the temp manifest renamed over the manifest.
    fn manifest_ops(&self, m: &Manifest) -> Vec<DiskOp> {
        let fname = self.cfg.param_str("appendfilename");
        let temp = self.aof_name(&aof::temp_manifest_name(&fname));
        vec![
            DiskOp::Write {
                name: temp.clone(),
                bytes: m.to_text().into_bytes(),
            },
            DiskOp::Rename {
                from: temp,
                to: self.aof_name(&aof::manifest_name(&fname)),
            },
        ]
    }

    /// The process ID the host gave (temp file names).
    pub(in crate::node) fn process_id(&self) -> u32 {
        self.server.persist.pid
    }
}
