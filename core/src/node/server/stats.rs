//! The counters INFO reports (`server.stat_*`, each command's `calls`,
//! `microseconds`, `rejected_calls` and `failed_calls`, the error table),
//! kept by the node and reset by `CONFIG RESETSTAT` as `resetServerStats`
//! and `resetCommandTableStats` do.

use crate::node::Node;
use crate::time::Time;
use std::collections::BTreeMap;

/// `STATS_METRIC_SAMPLES`: instantaneous rates average this many samples.
const SAMPLES: usize = 16;

/// `ERROR_STATS_NUMBER`: past this many distinct error codes Redis stops
/// tracking new ones (a flood of made-up codes must not grow the table).
const ERROR_CODES_MAX: usize = 128;

/// One command's counters (`struct redisCommand`'s stat fields).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandStat {
    /// Times `call()` ran it.
    pub calls: u64,
    /// Microseconds spent in it (0 where the host gives no clock).
    pub usec: u64,
    /// Refused before running (arity, redirection, NOAUTH…).
    pub rejected: u64,
    /// Ran and replied an error.
    pub failed: u64,
    /// Its durations, while `latency-tracking` is on.
    pub latency: super::histogram::Histogram,
}

/// A rate averaged over the last samples (`trackInstantaneousMetric`).
#[derive(Clone, Debug, Default)]
struct Rate {
    last_at: Option<Time>,
    last_value: u64,
    samples: [u64; SAMPLES],
    next: usize,
}

impl Rate {
    fn sample(&mut self, now: Time, value: u64) {
        if let Some(at) = self.last_at {
            let ms = now.since(at).max(1);
            self.samples[self.next] = value.saturating_sub(self.last_value) * 1000 / ms;
            self.next = (self.next + 1) % SAMPLES;
        }
        self.last_at = Some(now);
        self.last_value = value;
    }

    fn per_sec(&self) -> u64 {
        self.samples.iter().sum::<u64>() / SAMPLES as u64
    }
}

/// The node's statistics.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// `total_commands_processed`.
    pub commands: u64,
    /// `total_connections_received`.
    pub connections: u64,
    /// `keyspace_hits`: read lookups that found their key.
    pub hits: u64,
    /// `keyspace_misses`.
    pub misses: u64,
    /// `expired_keys`: keys deleted because their TTL passed.
    pub expired: u64,
    /// `total_error_replies`.
    pub error_replies: u64,
    /// `total_net_input_bytes` as the host reports them.
    pub net_input: u64,
    /// `total_net_output_bytes` as the host reports them.
    pub net_output: u64,
    /// `total_reads_processed`: socket reads the host reported.
    pub reads: u64,
    /// `total_writes_processed`: socket writes the host reported.
    pub writes: u64,
    /// Per command, by full name (`cluster|info`).
    commands_by_name: BTreeMap<String, CommandStat>,
    /// `errorstat_<CODE>:count=N`.
    errors: BTreeMap<String, u64>,
    ops: Rate,
    input: Rate,
    output: Rate,
    /// `latency-tracking` and `latency-tracking-info-percentiles`
    /// (settings: CONFIG RESETSTAT keeps them).
    pub tracking: Option<Vec<f64>>,
}

impl Stats {
    /// `resetServerStats` + `resetCommandTableStats` + `resetErrorTableStats`
    /// (CONFIG RESETSTAT): every counter back to 0.
    pub fn reset(&mut self) {
        *self = Stats {
            tracking: self.tracking.take(),
            ..Stats::default()
        };
    }

    /// The counters of a command, created on first use.
    fn command(&mut self, name: &str) -> &mut CommandStat {
        if !self.commands_by_name.contains_key(name) {
            self.commands_by_name
                .insert(name.to_string(), CommandStat::default());
        }
        self.commands_by_name
            .get_mut(name)
            .expect("inserted just above")
    }

    /// A command ran (`call()`): it counts as processed, with its duration
    /// and whether it replied an error.
    pub fn ran(&mut self, name: &str, usec: u64, failed: bool) {
        self.commands += 1;
        let s = self.command(name);
        s.calls += 1;
        s.usec += usec;
        s.failed += u64::from(failed);
        if self.tracking.is_some() {
            if let Some(s) = self.commands_by_name.get_mut(name) {
                s.latency.record(usec.saturating_mul(1000));
            }
        }
    }

    /// A command was refused before running (`rejectCommand`).
    pub fn rejected(&mut self, name: &str) {
        self.command(name).rejected += 1;
    }

    /// An error reply went out (`afterErrorReply`): counted under its code,
    /// the first word when it is shorter than 32 bytes, else `ERR`.
    pub fn error(&mut self, text: &str) {
        self.error_replies += 1;
        let head = &text.as_bytes()[..text.len().min(31)];
        let code = match head.iter().position(|&b| b == b' ') {
            Some(end) => &text[..end],
            None => "ERR",
        };
        if let Some(n) = self.errors.get_mut(code) {
            *n += 1;
        } else if self.errors.len() < ERROR_CODES_MAX {
            self.errors.insert(code.to_string(), 1);
        }
    }

    /// Every command that ran or was refused, by full name.
    pub fn by_command(&self) -> impl Iterator<Item = (&str, &CommandStat)> {
        self.commands_by_name.iter().map(|(n, s)| (n.as_str(), s))
    }

    /// Error replies by code.
    pub fn by_error(&self) -> impl Iterator<Item = (&str, u64)> {
        self.errors.iter().map(|(c, n)| (c.as_str(), *n))
    }

    /// One 100 ms sample of the instantaneous rates (serverCron's
    /// `trackInstantaneousMetric`).
    pub fn sample(&mut self, now: Time) {
        self.ops.sample(now, self.commands);
        self.input.sample(now, self.net_input);
        self.output.sample(now, self.net_output);
    }

    /// `instantaneous_ops_per_sec`.
    pub fn ops_per_sec(&self) -> u64 {
        self.ops.per_sec()
    }

    /// `instantaneous_input_kbps` and `instantaneous_output_kbps`.
    pub fn kbps(&self) -> (f64, f64) {
        (
            self.input.per_sec() as f64 / 1024.0,
            self.output.per_sec() as f64 / 1024.0,
        )
    }
}

impl Node {
    /// The statistics INFO reports.
    pub fn stats(&self) -> &Stats {
        &self.server.stats
    }

    /// The statistics, for the command pipeline to count into.
    pub(crate) fn stats_mut(&mut self) -> &mut Stats {
        &mut self.server.stats
    }

    /// Gives the node the host's microsecond clock, so command durations
    /// (INFO's `usec`, SLOWLOG, LATENCY) are measured: a native host has
    /// one; the simulator does not (its commands take no time).
    pub fn set_micros(&mut self, clock: fn() -> u64) {
        self.micros = Some(clock);
    }

    /// A client socket read of `bytes` (the host counts, as Redis's
    /// `readQueryFromClient` does): INFO's net input and reads.
    pub fn count_read(&mut self, bytes: u64) {
        self.server.stats.net_input += bytes;
        self.server.stats.reads += 1;
    }

    /// A client socket write of `bytes` (`writeToClient`).
    pub fn count_write(&mut self, bytes: u64) {
        self.server.stats.net_output += bytes;
        self.server.stats.writes += 1;
    }

    /// The host's microsecond clock now, 0 without one.
    pub(crate) fn micros_now(&self) -> u64 {
        self.micros.map_or(0, |f| f())
    }

    /// When the node (re)started: `uptime_in_seconds` counts from it.
    pub fn started_at(&self) -> Time {
        self.cluster.started
    }

    /// Reads the SLOWLOG and LATENCY thresholds and the keyspace events
    /// to publish from the settings (at start and after CONFIG SET, not on
    /// every command).
    pub(crate) fn refresh_thresholds(&mut self) {
        self.apply_notify_flags();
        let cfg = &self.cfg;
        let num = |name: &str| cfg.param_str(name).parse::<i64>().unwrap_or(0);
        self.server.monitors.thresholds = super::slowlog::Thresholds {
            slower_than: num("slowlog-log-slower-than"),
            max_len: num("slowlog-max-len").max(0) as usize,
            latency_ms: num("latency-monitor-threshold").max(0) as u64,
        };
        self.server.stats.tracking = (cfg.param_str("latency-tracking") == "yes").then(|| {
            cfg.param_str("latency-tracking-info-percentiles")
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect()
        });
    }

    /// The slow log and latency events.
    pub fn monitors(&self) -> &super::slowlog::Monitors {
        &self.server.monitors
    }

    /// `call()`'s latency sample and slow log entry for a command that
    /// took `usec`. Passwords are not logged: the arguments its handler
    /// redacted show as `(redacted)` (`redactClientCommandArgument`).
    pub(crate) fn record_duration(
        &mut self,
        now: Time,
        fast: bool,
        usec: u64,
        args: &[Vec<u8>],
        client: &crate::command::ClientState,
    ) {
        let event = if fast { "fast-command" } else { "command" };
        self.server.monitors.add_latency(now, event, usec / 1000);
        if self.server.monitors.thresholds.slower_than < 0
            || (usec as i64) < self.server.monitors.thresholds.slower_than
        {
            self.server
                .monitors
                .slow
                .truncate(self.server.monitors.thresholds.max_len);
            return;
        }
        let redacted = crate::command::redacted(args, &client.redact);
        let peer = client.addr.map(|(p, _)| p.to_string()).unwrap_or_default();
        let name = client.name.as_deref().unwrap_or_default();
        self.server
            .monitors
            .push_slow(now, usec, &redacted, peer, name);
    }

    /// A command ran: its counters, its error reply if any, and the
    /// lookups it counted.
    pub(crate) fn count_call(&mut self, name: &str, usec: u64, error: Option<&str>) {
        let counts = self.server.keyspace.take_counts();
        self.server.stats.hits += counts.hits;
        self.server.stats.misses += counts.misses;
        self.server.stats.expired += counts.expired;
        self.server.stats.ran(name, usec, error.is_some());
        if let Some(e) = error {
            self.server.stats.error(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// afterErrorReply: the code is the word before the first space, looked
    /// for in the first 32 bytes; otherwise `ERR`.
    #[test]
    fn error_codes_as_after_error_reply_names_them() {
        let mut s = Stats::default();
        s.error("MOVED 12182 127.0.0.1:7000");
        s.error("WRONGTYPE Operation against a key holding the wrong kind of value");
        s.error("NOSPACEINTHISERRORTEXTATALLWHICHISLONG");
        s.error("ERR syntax error");
        let codes: Vec<_> = s.by_error().collect();
        assert_eq!(codes, vec![("ERR", 2), ("MOVED", 1), ("WRONGTYPE", 1)]);
        assert_eq!(s.error_replies, 4);
    }

    /// `instantaneous_ops_per_sec` averages 16 samples of the rate.
    #[test]
    fn ops_per_sec_averages_sixteen_samples() {
        let mut s = Stats::default();
        s.sample(Time(0));
        for i in 1..=16u64 {
            s.commands += 16;
            s.sample(Time(i * 100));
        }
        assert_eq!(s.ops_per_sec(), 160);
    }
}
