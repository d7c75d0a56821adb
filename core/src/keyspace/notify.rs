//! Keyspace notifications (`notify.c`): the event classes of
//! `notify-keyspace-events`, and the events the commands raise
//! (`notifyKeyspaceEvent(class, event, key)` at each of Redis's call
//! sites). The keyspace only records them, in order, when their class is
//! on; the node publishes each one after the command to its own
//! subscribers of `__keyspace@0__:<key>` and `__keyevent@0__:<event>`
//! (`Node::publish_key_events`), never over the bus: Redis calls
//! `pubsubPublishMessage`, not the cluster's PUBLISH.

use super::Keyspace;

/// The class bits of `server.h` (`NOTIFY_*`), as `notify-keyspace-events`
/// letters set them.
pub mod class {
    /// `K`: publish on `__keyspace@<db>__:<key>`.
    pub const KEYSPACE: u32 = 1 << 0;
    /// `E`: publish on `__keyevent@<db>__:<event>`.
    pub const KEYEVENT: u32 = 1 << 1;
    /// `g`: DEL, EXPIRE, RENAME… (commands of no one type).
    pub const GENERIC: u32 = 1 << 2;
    /// `$`: string commands.
    pub const STRING: u32 = 1 << 3;
    /// `l`: list commands.
    pub const LIST: u32 = 1 << 4;
    /// `s`: set commands.
    pub const SET: u32 = 1 << 5;
    /// `h`: hash commands.
    pub const HASH: u32 = 1 << 6;
    /// `z`: sorted set commands.
    pub const ZSET: u32 = 1 << 7;
    /// `x`: a key deleted because its TTL passed.
    pub const EXPIRED: u32 = 1 << 8;
    /// `e`: a key evicted by `maxmemory`.
    pub const EVICTED: u32 = 1 << 9;
    /// `t`: stream commands.
    pub const STREAM: u32 = 1 << 10;
    /// `m`: a read lookup that found no key (not part of `A`).
    pub const KEY_MISS: u32 = 1 << 11;
    /// `d`: module events (no module runs here; accepted and printed).
    pub const MODULE: u32 = 1 << 13;
    /// `n`: a key created (not part of `A`).
    pub const NEW: u32 = 1 << 14;
    /// `A`: `g$lshzxetd`.
    pub const ALL: u32 =
        GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
}

/// `keyspaceEventsStringToFlags`: `None` for a letter that names no class.
pub fn parse_flags(classes: &str) -> Option<u32> {
    let mut flags = 0;
    for c in classes.chars() {
        flags |= match c {
            'A' => class::ALL,
            'g' => class::GENERIC,
            '$' => class::STRING,
            'l' => class::LIST,
            's' => class::SET,
            'h' => class::HASH,
            'z' => class::ZSET,
            'x' => class::EXPIRED,
            'e' => class::EVICTED,
            'K' => class::KEYSPACE,
            'E' => class::KEYEVENT,
            't' => class::STREAM,
            'm' => class::KEY_MISS,
            'd' => class::MODULE,
            'n' => class::NEW,
            _ => return None,
        };
    }
    Some(flags)
}

/// `keyspaceEventsFlagsToString`: `A` when every class of it is on (and
/// then, as 7.0 prints it, without `n` even if `n` is on), else the
/// letters one by one; `K`, `E` and `m` after.
pub fn print_flags(flags: u32) -> String {
    let mut out = String::new();
    if flags & class::ALL == class::ALL {
        out.push('A');
    } else {
        for (bit, c) in [
            (class::GENERIC, 'g'),
            (class::STRING, '$'),
            (class::LIST, 'l'),
            (class::SET, 's'),
            (class::HASH, 'h'),
            (class::ZSET, 'z'),
            (class::EXPIRED, 'x'),
            (class::EVICTED, 'e'),
            (class::STREAM, 't'),
            (class::MODULE, 'd'),
            (class::NEW, 'n'),
        ] {
            if flags & bit != 0 {
                out.push(c);
            }
        }
    }
    for (bit, c) in [
        (class::KEYSPACE, 'K'),
        (class::KEYEVENT, 'E'),
        (class::KEY_MISS, 'm'),
    ] {
        if flags & bit != 0 {
            out.push(c);
        }
    }
    out
}

/// One event a command raised, waiting to be published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyEvent {
    /// The event's name, which `__keyevent@0__:<event>` carries.
    pub event: &'static str,
    /// The key, which `__keyspace@0__:<key>` carries.
    pub key: Vec<u8>,
}

/// What the keyspace notes for the node to publish.
#[derive(Clone, Debug, Default)]
pub(super) struct Notes {
    /// `server.notify_keyspace_events`.
    flags: u32,
    /// Events raised since the node last took them, oldest first.
    events: Vec<KeyEvent>,
    /// Client-side caching is on (`TrackingTable` exists): the keys
    /// modified are noted for its invalidations.
    tracking: bool,
    /// Keys modified since the node last took them, each with whether it
    /// expired (`signalModifiedKey(NULL, …)`), oldest first.
    modified: Vec<(Vec<u8>, bool)>,
}

/// Events Redis raises without `signalModifiedKey` (a consumer group's
/// changes; a stream XGROUP CREATE MKSTREAM creates is noted as `new`),
/// besides `keymiss`: no invalidation follows them.
const NOT_MODIFYING: &[&str] = &[
    "xgroup-create",
    "xgroup-setid",
    "xgroup-destroy",
    "xgroup-createconsumer",
    "xgroup-delconsumer",
    "xsetid",
];

impl Notes {
    /// Records the event if its class is on, and either channel kind
    /// (`K` or `E`) is.
    pub(super) fn record(&mut self, class: u32, event: &'static str, key: &[u8]) {
        // Redis's call sites pair `notifyKeyspaceEvent` with
        // `signalModifiedKey`: the event is also the key's modification.
        if self.tracking && class != class::KEY_MISS && !NOT_MODIFYING.contains(&event) {
            self.modified.push((key.to_vec(), class == class::EXPIRED));
        }
        let flags = self.flags;
        if flags & class != 0 && flags & (class::KEYSPACE | class::KEYEVENT) != 0 {
            self.events.push(KeyEvent {
                event,
                key: key.to_vec(),
            });
        }
    }
}

impl Keyspace {
    /// `notify-keyspace-events` as bits: from now on only events of these
    /// classes are recorded.
    pub fn set_notify_flags(&mut self, flags: u32) {
        self.notes.flags = flags;
    }

    /// `notifyKeyspaceEvent(class, event, key)`: records the event if its
    /// class is on, and either channel kind (`K` or `E`) is.
    pub fn notify(&mut self, class: u32, event: &'static str, key: &[u8]) {
        self.notes.record(class, event, key);
    }

    /// Whether modified keys are noted: from the moment client-side
    /// caching is first enabled (`enableTracking` creates the tracking
    /// table, which stays).
    pub fn note_modified_keys(&mut self, on: bool) {
        self.notes.tracking = on;
    }

    /// The keys modified since the last call (each with whether it
    /// expired), oldest first.
    pub fn take_modified(&mut self) -> Vec<(Vec<u8>, bool)> {
        std::mem::take(&mut self.notes.modified)
    }

    /// Whether modified keys wait for their invalidations.
    pub fn has_modified(&self) -> bool {
        !self.notes.modified.is_empty()
    }

    /// Whether events of `class` are recorded (to skip work that only
    /// names an event).
    pub fn notifies(&self, class: u32) -> bool {
        self.notes.flags & class != 0
    }

    /// The events raised since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<KeyEvent> {
        std::mem::take(&mut self.notes.events)
    }

    /// Whether events wait to be published.
    pub fn has_events(&self) -> bool {
        !self.notes.events.is_empty()
    }

    /// The channel flags (`K`, `E`) the node publishes on.
    pub fn notify_flags(&self) -> u32 {
        self.notes.flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `keyspaceEventsFlagsToString` after `keyspaceEventsStringToFlags`,
    /// as redis-server 7.0.15 echoes CONFIG GET: `A` swallows `n`, `K`
    /// `E` `m` come last, letters repeat into one.
    #[test]
    fn flags_print_as_notify_c() {
        let echo = |s: &str| print_flags(parse_flags(s).unwrap());
        assert_eq!(echo("KEA"), "AKE");
        assert_eq!(echo("AKEn"), "AKE");
        assert_eq!(echo("Elg$"), "g$lE");
        assert_eq!(echo("nmK"), "nKm");
        assert_eq!(echo("g$lshzxetd"), "A");
        assert_eq!(echo(""), "");
        assert_eq!(parse_flags("AKEn").unwrap() & class::NEW, class::NEW);
        assert_eq!(parse_flags("KEX"), None);
    }
}
