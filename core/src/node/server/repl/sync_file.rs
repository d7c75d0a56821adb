//! What a full resync leaves on a replica's disk (`readSyncBulkPayload`,
//! replication.c). With `repl-diskless-load disabled`, Redis's default, the
//! master's RDB goes to `temp-<unixtime>.<pid>.rdb`, is renamed over
//! `dbfilename` and loaded from there. The file stays: it holds the
//! master's replication ID and offset, so a replica killed and restarted
//! loads it, PSYNCs from that offset and continues with `+CONTINUE` instead
//! of waiting `repl-diskless-sync-delay` for a full resync (measured on
//! redis-server 7.0.15). `rdb-del-sync-files yes` removes it again when
//! the replica persists nothing else (`allPersistenceDisabled`). A diskless
//! load (`swapdb`, or `on-empty-db` into an empty keyspace) writes nothing.

use crate::keyspace::Keyspace;
use crate::node::io::DiskOp;
use crate::node::Node;
use crate::rdb::file::ReplInfo;
use crate::time::Time;

impl Node {
    /// `useDisklessLoad`: the RDB is loaded from the socket as it comes.
    pub(super) fn use_diskless_load(&self) -> bool {
        match self.cfg.param_str("repl-diskless-load").as_str() {
            "swapdb" => true,
            "on-empty-db" => self.server.keyspace.is_empty(),
            _ => false,
        }
    }

    /// Writes the master's RDB as a disk-based load leaves it.
    pub(super) fn keep_sync_rdb(&mut self, now: Time, bytes: Vec<u8>) {
        let mut ctx = self.serving();
        let temp = format!("temp-{}.{}.rdb", now.ms() / 1000, ctx.process_id());
        let name = ctx.cfg.param_str("dbfilename");
        let mut ops = vec![
            DiskOp::Write {
                name: temp.clone(),
                bytes,
            },
            DiskOp::Rename {
                from: temp,
                to: name.clone(),
            },
        ];
        if ctx.cfg.param_str("rdb-del-sync-files") == "yes" && ctx.all_persistence_disabled() {
            ops.push(DiskOp::Remove { name });
        }
        ctx.disk(0, false, ops);
    }

    /// The simulator's master hands over its dataset, not bytes: the RDB
    /// that master would have sent, naming the history the replica follows
    /// from `offset` (strings compressed as this node's `rdbcompression`
    /// says, a stand-in for the master's).
    pub(super) fn sync_rdb(&self, now: Time, data: &Keyspace, offset: u64) -> Vec<u8> {
        let link = &self.server.repl.link;
        let replid = link.transfer_id().unwrap_or(&self.server.repl.replid);
        let info = ReplInfo {
            replid: replid.to_string(),
            offset,
        };
        crate::rdb::with_compression(self.rdb_compression(), || {
            crate::rdb::file::encode(data, now, &info)
        })
    }
}
