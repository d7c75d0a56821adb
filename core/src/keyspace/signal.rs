//! Which keys a client blocked on streams must look at again
//! (`signalKeyAsReady` for `BLOCKED_STREAM`). Redis signals a stream key
//! on XADD and XGROUP DESTROY, and for any key on the `db.c` events that
//! can change what a stream reader waits for: a key created (`dbAdd`),
//! and a stream deleted (`dbGenericDelete`, expiry included) or
//! overwritten (`dbSetValue`). Other stream writes (XSETID, XGROUP SETID,
//! a group read) leave blocked readers alone. The node says which keys
//! stream readers wait on; only those are noted.

use super::{Data, Keyspace};
use std::collections::BTreeSet;

/// Keys stream readers wait on, and those signalled since last taken.
#[derive(Clone, Debug, Default)]
pub(super) struct StreamSignals {
    watched: BTreeSet<Vec<u8>>,
    ready: Vec<Vec<u8>>,
}

impl Keyspace {
    /// The keys stream readers are blocked on now.
    pub fn watch_streams(&mut self, keys: BTreeSet<Vec<u8>>) {
        self.signals.watched = keys;
    }

    /// `signalKeyAsReady(key, OBJ_STREAM)`: XADD, XGROUP DESTROY.
    pub fn signal_stream(&mut self, key: &[u8]) {
        let s = &mut self.signals;
        if s.watched.contains(key) && !s.ready.iter().any(|k| k == key) {
            s.ready.push(key.to_vec());
        }
    }

    /// Whether any stream reader is blocked here.
    pub(super) fn watching_streams(&self) -> bool {
        !self.signals.watched.is_empty()
    }

    /// The keys signalled since the last call, in order.
    pub fn take_stream_signals(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.signals.ready)
    }

    /// A key was created, or `old` was deleted or replaced at `key`: the
    /// `db.c` signals.
    pub(super) fn key_changed(&mut self, key: &[u8], old: Option<&Data>) {
        if !self.watching_streams() {
            return;
        }
        if old.is_none_or(|d| matches!(d, Data::Stream(_))) {
            self.signal_stream(key);
        }
    }

    /// FLUSHALL (`emptyDb` signals every stream it drops).
    pub(super) fn flushed_streams(&mut self, streams: Vec<Vec<u8>>) {
        for key in streams {
            self.signal_stream(&key);
        }
    }
}
