//! The slow log (slowlog.c) and the latency monitor (latency.c): what
//! `call()` records after each command, by the thresholds
//! `slowlog-log-slower-than`, `slowlog-max-len` and
//! `latency-monitor-threshold`. Durations come from the host's clock
//! ([`crate::node::Node::set_micros`]); in the simulator commands take no time,
//! except DEBUG SLEEP, which takes the time it freezes the node.

use crate::time::Time;
use std::collections::{BTreeMap, VecDeque};

/// `SLOWLOG_ENTRY_MAX_ARGC`.
const MAX_ARGC: usize = 32;
/// `SLOWLOG_ENTRY_MAX_STRING`.
const MAX_STRING: usize = 128;
/// `LATENCY_TS_LEN`: samples kept per latency event.
const LATENCY_TS_LEN: usize = 160;

/// One slow log entry (`slowlogEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlowEntry {
    /// Unique, increasing.
    pub id: u64,
    /// Unix seconds when it ran.
    pub time: u64,
    /// Microseconds it took.
    pub usec: u64,
    /// The command, trimmed as Redis trims it.
    pub args: Vec<Vec<u8>>,
    /// The client's address (`ip:port`, empty when unknown).
    pub peer: String,
    /// The client's name (empty when none).
    pub name: Vec<u8>,
}

/// The thresholds, read from the settings when they change rather than
/// on every command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// `slowlog-log-slower-than` (µs; negative disables the log).
    pub slower_than: i64,
    /// `slowlog-max-len`.
    pub max_len: usize,
    /// `latency-monitor-threshold` (ms; 0 disables the monitor).
    pub latency_ms: u64,
}

impl Default for Thresholds {
    /// Redis's defaults.
    fn default() -> Self {
        Thresholds {
            slower_than: 10_000,
            max_len: 128,
            latency_ms: 0,
        }
    }
}

/// One latency event's samples (`latencyTimeSeries`): at most one per
/// second, the worst of that second.
#[derive(Clone, Debug, Default)]
pub struct Series {
    /// (Unix seconds, milliseconds), oldest first.
    pub samples: VecDeque<(u64, u64)>,
    /// The worst latency ever recorded.
    pub max: u64,
}

/// The slow log and the latency events.
#[derive(Clone, Debug, Default)]
pub struct Monitors {
    /// Newest first.
    pub slow: VecDeque<SlowEntry>,
    next_id: u64,
    /// By event name (`command`, `fast-command`).
    pub latency: BTreeMap<String, Series>,
    /// The thresholds in force.
    pub thresholds: Thresholds,
}

/// An argument as the slow log keeps it: at most 128 bytes, then how
/// many more there were.
fn trimmed(arg: &[u8]) -> Vec<u8> {
    if arg.len() <= MAX_STRING {
        return arg.to_vec();
    }
    let mut s = arg[..MAX_STRING].to_vec();
    s.extend_from_slice(format!("... ({} more bytes)", arg.len() - MAX_STRING).as_bytes());
    s
}

impl Monitors {
    /// `slowlogPushEntryIfNeeded`: logs the command if it took at least the
    /// threshold, keeping at most `slowlog-max-len` entries.
    pub fn push_slow(&mut self, now: Time, usec: u64, args: &[Vec<u8>], peer: String, name: &[u8]) {
        let t = self.thresholds;
        if t.slower_than < 0 {
            return;
        }
        if usec as i64 >= t.slower_than {
            let kept = if args.len() > MAX_ARGC {
                let mut v: Vec<Vec<u8>> = args[..MAX_ARGC - 1].iter().map(|a| trimmed(a)).collect();
                v.push(format!("... ({} more arguments)", args.len() - MAX_ARGC + 1).into_bytes());
                v
            } else {
                args.iter().map(|a| trimmed(a)).collect()
            };
            self.slow.push_front(SlowEntry {
                id: self.next_id,
                time: now.ms() / 1000,
                usec,
                args: kept,
                peer,
                name: name.to_vec(),
            });
            self.next_id += 1;
        }
        self.slow.truncate(t.max_len);
    }

    /// `latencyAddSampleIfNeeded`: a sample when the monitor is on and the
    /// latency reaches its threshold.
    pub fn add_latency(&mut self, now: Time, event: &str, ms: u64) {
        let threshold = self.thresholds.latency_ms;
        if threshold == 0 || ms < threshold {
            return;
        }
        let series = self.latency.entry(event.to_string()).or_default();
        series.max = series.max.max(ms);
        let second = now.ms() / 1000;
        if let Some(last) = series.samples.back_mut().filter(|(t, _)| *t == second) {
            last.1 = last.1.max(ms);
            return;
        }
        series.samples.push_back((second, ms));
        if series.samples.len() > LATENCY_TS_LEN {
            series.samples.pop_front();
        }
    }

    /// `latencyResetEvent`: forgets one event (case-insensitively) or all;
    /// the number forgotten.
    pub fn reset_latency(&mut self, event: Option<&[u8]>) -> usize {
        let before = self.latency.len();
        match event {
            None => self.latency.clear(),
            Some(e) => self
                .latency
                .retain(|name, _| !name.as_bytes().eq_ignore_ascii_case(e)),
        }
        before - self.latency.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// slowlogCreateEntry: 32 arguments at most, the last saying how many
    /// more there were; arguments cut at 128 bytes.
    #[test]
    fn slow_entries_are_trimmed_as_redis_trims_them() {
        let mut m = Monitors::default();
        m.thresholds.slower_than = 0;
        let args: Vec<Vec<u8>> = (0..40).map(|i| vec![b'a'; 100 + i]).collect();
        m.push_slow(Time(5000), 3, &args, "1.2.3.4:5".into(), b"");
        let e = &m.slow[0];
        assert_eq!(e.args.len(), 32);
        assert_eq!(e.args[31], b"... (9 more arguments)".to_vec());
        assert_eq!(e.args[30].len(), 128 + "... (2 more bytes)".len());
        assert_eq!((e.id, e.time, e.usec), (0, 5, 3));
    }

    /// latencyAddSample: one sample per second (the worst), `max` all time.
    #[test]
    fn latency_keeps_the_worst_sample_of_each_second() {
        let mut m = Monitors::default();
        m.thresholds.latency_ms = 10;
        m.add_latency(Time(1000), "command", 5);
        m.add_latency(Time(1000), "command", 20);
        m.add_latency(Time(1500), "command", 30);
        m.add_latency(Time(2000), "command", 15);
        let s = &m.latency["command"];
        assert_eq!(s.samples, VecDeque::from(vec![(1, 30), (2, 15)]));
        assert_eq!(s.max, 30);
        assert_eq!(m.reset_latency(Some(b"COMMAND")), 1);
    }
}
