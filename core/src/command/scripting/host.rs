//! `scriptCall` (script.c): what `redis.call` does with a command before and
//! after running it through the node — lookup, arity, `noscript`, the
//! write checks, the cluster checks — with Redis's texts for each refusal.

use super::super::refusal::Refusal;
use super::super::table::{self, flags};
use super::super::{ClientState, Outcome};
use super::store::LuaPersisted;
use crate::node::{ClientId, Node};
use crate::resp::{Protocol, Value};
use crate::slot::key_slot;
use crate::time::Time;

/// What the engine needs from the server: run one command for the script.
pub trait Host {
    /// Runs `args` as the script's client (RESP3 after `redis.setresp(3)`,
    /// its writes streamed unless `redis.set_repl` said otherwise) and
    /// returns the reply; a refusal is an error reply (`ERR …`).
    fn call(&mut self, args: Vec<Vec<u8>>, resp3: bool, replicate: bool) -> Value;

    /// What the node's Lua states keep between scripts (cjson's settings,
    /// `math.random`'s generator), as Redis's long-lived states do.
    fn persisted(&mut self) -> LuaPersisted;

    /// Keeps what a run leaves for the next one.
    fn set_persisted(&mut self, kept: LuaPersisted);

    /// `redis.acl_check_cmd`: whether the caller's user may run `args`
    /// (keys and channels included); `None` for an unknown command or
    /// subcommand (`lookupCommand`).
    fn acl_allows(&mut self, args: &[Vec<u8>]) -> Option<bool>;
}

/// The script's run on a node (`scriptRunCtx`): part of the pipeline, as
/// `scriptCall` runs commands through `call()`, so it holds the node.
pub struct NodeHost<'a> {
    /// The node the script runs on.
    node: &'a mut Node,
    /// The time of the EVAL/FCALL (scripts see one time throughout).
    now: Time,
    /// The calling client.
    id: ClientId,
    /// The caller's READONLY/ASKING/master-link state, copied to the
    /// script's client for routing (`scriptVerifyClusterState`).
    caller: ClientState,
    /// EVAL_RO/FCALL_RO or a `no-writes` script.
    read_only: bool,
    /// Compatibility mode or `allow-cross-slot-keys`.
    allow_cross_slot: bool,
    /// The slot the script is bound to (its declared keys' slot, or the
    /// first key it touched).
    slot: Option<u16>,
    /// A write ran (`SCRIPT_WRITE_DIRTY`): later refusals must not depend
    /// on the server's state, and SCRIPT KILL is refused.
    wrote: bool,
    /// The keys the EVAL or FCALL declared: a tracking caller caches them
    /// once the script reads anything (`call()`'s `trackingRememberKeys`
    /// on `server.script_caller`).
    declared: &'a [Vec<u8>],
}

impl<'a> NodeHost<'a> {
    /// A script's run for the caller `id`, bound to the slot of the first
    /// key it declared.
    pub(in crate::command) fn new(
        node: &'a mut Node,
        now: Time,
        id: ClientId,
        caller: ClientState,
        read_only: bool,
        allow_cross_slot: bool,
        declared: &'a [Vec<u8>],
    ) -> NodeHost<'a> {
        NodeHost {
            node,
            now,
            id,
            caller,
            read_only,
            allow_cross_slot,
            slot: declared.first().map(|k| key_slot(k)),
            wrote: false,
            declared,
        }
    }
}

impl Host for NodeHost<'_> {
    fn persisted(&mut self) -> LuaPersisted {
        self.node.serving().scripts_mut().lua.clone()
    }

    fn set_persisted(&mut self, kept: LuaPersisted) {
        self.node.serving().scripts_mut().lua = kept;
    }

    fn acl_allows(&mut self, args: &[Vec<u8>]) -> Option<bool> {
        let spec = table::lookup(&args[0])?;
        let entry = spec.resolve(args).ok()?;
        let serving = self.node.serving();
        Some(super::super::acl::check(&serving, &self.caller, entry, args).is_ok())
    }

    fn call(&mut self, args: Vec<Vec<u8>>, resp3: bool, replicate: bool) -> Value {
        match self.check(&args) {
            Ok(spec) => {
                let mut client = ClientState::new(true);
                client.proto = if resp3 {
                    Protocol::Resp3
                } else {
                    Protocol::Resp2
                };
                client.readonly = self.caller.readonly;
                client.asking = self.caller.asking;
                client.from_master = self.caller.from_master;
                client.in_script = true;
                let held = self.node.serving().held_ops();
                let out = super::super::run(self.node, self.now, self.id, &mut client, spec, &args);
                self.remember_declared(spec, &args);
                if !replicate {
                    self.node.serving().drop_held_ops(held);
                }
                match out {
                    Outcome::Reply(v) => v,
                    Outcome::Many(vs) => Value::Array(vs),
                    // A script cannot wait: Redis runs blocking commands
                    // as non-blocking inside scripts.
                    Outcome::Blocked => Value::NullArray,
                }
            }
            Err(msg) => Value::err(msg),
        }
    }
}

impl NodeHost<'_> {
    /// A read by the script of a tracking (not BCAST) caller: the caller
    /// may cache the keys it declared.
    fn remember_declared(&mut self, spec: &'static table::CommandSpec, args: &[Vec<u8>]) {
        let Some(t) = self.caller.tracking.as_deref().filter(|t| !t.bcast) else {
            return;
        };
        let Ok(entry) = spec.resolve(args) else {
            return;
        };
        if crate::command::monitor_feed::has_any(spec, entry, flags::READONLY, &["readonly"]) {
            let keys = self.declared.iter().map(Vec::as_slice);
            self.node.serving().remember_keys(self.id, t, keys);
        }
    }

    /// The checks of `scriptCall`, in its order.
    fn check(&mut self, args: &[Vec<u8>]) -> Result<&'static table::CommandSpec, String> {
        let unknown = || "ERR Unknown Redis command called from script".to_string();
        let spec = table::lookup(&args[0]).ok_or_else(unknown)?;
        let entry = spec.resolve(args).map_err(|_| unknown())?;
        if !entry.arity_ok(args.len()) {
            return Err("ERR Wrong number of args calling Redis command from script".into());
        }
        if spec.has(flags::NOSCRIPT) {
            return Err("ERR This Redis command is not allowed from script".into());
        }
        // `scriptVerifyACL`: the caller's user must be allowed the command.
        if let Err(denial) =
            super::super::acl::check(&self.node.serving(), &self.caller, entry, args)
        {
            let context = crate::acl::log::Context::Lua;
            let logged = (denial.0, denial.1, context);
            super::super::acl::log_denial(
                &mut self.node.serving(),
                self.now,
                self.id,
                &self.caller,
                args,
                logged,
                None,
            );
            return Err(format!(
                "ERR The user executing the script {}",
                denial.0.message()
            ));
        }
        let write = spec.has(flags::WRITE);
        // `scriptVerifyWriteCommandAllow` counts may-replicate commands
        // (PFCOUNT) as writes for read-only scripts only.
        if self.read_only && (write || spec.has(flags::MAY_REPLICATE)) {
            return Err("ERR Write commands are not allowed from read-only scripts.".into());
        }
        if write && !self.wrote && self.node.is_replica() && !self.caller.from_master {
            return Err("READONLY You can't write against a read only replica.".into());
        }
        if write {
            self.wrote = true;
        }
        if self.caller.from_master {
            return Ok(spec);
        }
        let mut client = ClientState::new(true);
        client.readonly = self.caller.readonly;
        client.asking = self.caller.asking;
        if let Err(refusal) = super::super::routing::check(self.node, self.now, &client, spec, args)
        {
            return Err(match refusal {
                Refusal::Down => {
                    "ERR Script attempted to execute a command while the cluster is down"
                }
                Refusal::DownReadOnly => {
                    "ERR Script attempted to execute a write command while the cluster is down and readonly"
                }
                _ => "ERR Script attempted to access a non local key in a cluster node",
            }
            .into());
        }
        if let Some(i) = spec.key_indices(args).next() {
            let slot = key_slot(&args[i]);
            if !self.allow_cross_slot {
                match self.slot {
                    None => self.slot = Some(slot),
                    Some(s) if s != slot => {
                        return Err(
                            "ERR Script attempted to access keys that do not hash to the same slot"
                                .into(),
                        )
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(spec)
    }
}
