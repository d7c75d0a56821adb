//! SLOWLOG (slowlog.c) and LATENCY (latency.c) over what the node records
//! after each command ([`crate::node::slowlog`]).

use super::sparkline::{self, Sample};
use super::Call;
use crate::resp::Value;

/// `addReplySubcommandSyntaxError`.
fn subcommand_error(c: &Call) -> Value {
    Value::err(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        String::from_utf8_lossy(&c.args[1]),
        String::from_utf8_lossy(&c.args[0]).to_uppercase()
    ))
}

fn help(lines: &[&str], name: &str) -> Value {
    let mut out = vec![Value::Simple(format!(
        "{name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    ))];
    out.extend(lines.iter().map(|l| Value::Simple((*l).into())));
    out.push(Value::Simple("HELP".into()));
    out.push(Value::Simple("    Prints this help.".into()));
    Value::Array(out)
}

/// `SLOWLOG HELP`.
pub fn slowlog_help(_: &mut Call) -> Value {
    help(
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
        "SLOWLOG",
    )
}

/// `SLOWLOG GET [count]`: newest first, ten by default, -1 for all.
pub fn slowlog_get(c: &mut Call) -> Value {
    let args = c.args;
    if args.len() > 3 {
        return subcommand_error(c);
    }
    let srv = c.server();
    let log = &srv.monitors().slow;
    let count = match args.get(2) {
        None => 10,
        Some(a) => match super::int_arg(a) {
            Ok(-1) => log.len(),
            Ok(n) if n >= 0 => n as usize,
            _ => return Value::err("ERR count should be greater than or equal to -1"),
        },
    };
    Value::Array(
        log.iter()
            .take(count)
            .map(|e| {
                Value::Array(vec![
                    Value::Integer(e.id as i64),
                    Value::Integer(e.time as i64),
                    Value::Integer(e.usec as i64),
                    Value::Array(e.args.iter().map(Value::bulk).collect()),
                    Value::bulk(&e.peer),
                    Value::bulk(&e.name),
                ])
            })
            .collect(),
    )
}

/// `SLOWLOG LEN`.
pub fn slowlog_len(c: &mut Call) -> Value {
    let node = &mut c.server();
    Value::Integer(node.monitors().slow.len() as i64)
}

/// `SLOWLOG RESET`.
pub fn slowlog_reset(c: &mut Call) -> Value {
    let node = &mut c.server();
    node.monitors_mut().slow.clear();
    Value::ok()
}

/// `LATENCY HELP`.
pub fn latency_help(_: &mut Call) -> Value {
    help(
        &[
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ],
        "LATENCY",
    )
}

/// `LATENCY LATEST`: per event, its last sample and its all-time worst.
pub fn latency_latest(c: &mut Call) -> Value {
    let node = &mut c.server();
    Value::Array(
        node.monitors()
            .latency
            .iter()
            .map(|(event, s)| {
                let (time, ms) = s.samples.back().copied().unwrap_or_default();
                Value::Array(vec![
                    Value::bulk(event),
                    Value::Integer(time as i64),
                    Value::Integer(ms as i64),
                    Value::Integer(s.max as i64),
                ])
            })
            .collect(),
    )
}

/// `LATENCY HISTORY event`: its (time, latency) samples, oldest first.
pub fn latency_history(c: &mut Call) -> Value {
    let name = String::from_utf8_lossy(&c.args[2]).into_owned();
    let samples = c
        .server()
        .monitors()
        .latency
        .get(&name)
        .map(|s| s.samples.iter().copied().collect::<Vec<_>>())
        .unwrap_or_default();
    Value::Array(
        samples
            .into_iter()
            .map(|(t, ms)| Value::Array(vec![Value::Integer(t as i64), Value::Integer(ms as i64)]))
            .collect(),
    )
}

/// `LATENCY_GRAPH_COLS`: samples per block of the graph.
const LATENCY_GRAPH_COLS: usize = 80;

/// `LATENCY GRAPH event` (`latencyCommandGenSparkeline`): a header with
/// the samples' high and low and the all-time high, a rule, and the
/// samples as a 4-row sparkline, each labelled with how long ago it was
/// taken (`12s`, `3m`, `2h`, `1d`). The event's name is matched exactly.
pub fn latency_graph(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let name = String::from_utf8_lossy(&args[2]).into_owned();
    let Some(series) = node.monitors().latency.get(&name) else {
        return Value::err(format!("ERR No samples available for event '{name}'"));
    };
    let now = now.ms() / 1000;
    let samples: Vec<Sample> = series
        .samples
        .iter()
        .map(|&(t, ms)| {
            let elapsed = now.saturating_sub(t);
            let label = match elapsed {
                0..=59 => format!("{elapsed}s"),
                60..=3599 => format!("{}m", elapsed / 60),
                3600..=86_399 => format!("{}h", elapsed / 3600),
                _ => format!("{}d", elapsed / 86_400),
            };
            Sample {
                value: ms as f64,
                label,
            }
        })
        .collect();
    let high = series.samples.iter().map(|s| s.1).max().unwrap_or(0);
    let low = series.samples.iter().map(|s| s.1).min().unwrap_or(0);
    let mut graph = format!(
        "{name} - high {high} ms, low {low} ms (all time high {} ms)\n{}\n",
        series.max,
        "-".repeat(LATENCY_GRAPH_COLS)
    );
    graph.push_str(&sparkline::render(&samples, LATENCY_GRAPH_COLS, 4));
    Value::Verbatim(graph)
}

/// `LATENCY RESET [event …]`: how many events were forgotten.
pub fn latency_reset(c: &mut Call) -> Value {
    let args = c.args;
    let node = &mut c.server();
    let m = node.monitors_mut();
    let n = if args.len() == 2 {
        m.reset_latency(None)
    } else {
        args[2..].iter().map(|e| m.reset_latency(Some(e))).sum()
    };
    Value::Integer(n as i64)
}

/// `LATENCY DOCTOR` (`createLatencyReport`): the monitor off and never
/// used, no spike, or each event's statistics (`analyzeLatencyForEvent`)
/// and 7.0's advice for the events a node records (`command`,
/// `fast-command`).
pub fn latency_doctor(c: &mut Call) -> Value {
    let now = c.now;
    let node = &mut c.server();
    let m = node.monitors();
    let t = m.thresholds;
    if m.latency.is_empty() && t.latency_ms == 0 {
        return Value::Verbatim("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n".into());
    }
    if m.latency.is_empty() {
        return Value::Verbatim("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n".into());
    }
    let now = now.ms() / 1000;
    let mut report = String::from("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
    let (mut slowlog_enable, mut slowlog_tuning, mut commands, mut scheduler) =
        (false, false, false, false);
    for (i, (event, s)) in m.latency.iter().enumerate() {
        let n = s.samples.len() as u64;
        let avg = s.samples.iter().map(|(_, ms)| ms).sum::<u64>() / n.max(1);
        let mad = s
            .samples
            .iter()
            .map(|(_, ms)| ms.abs_diff(avg))
            .sum::<u64>()
            / n.max(1);
        let first = s.samples.iter().map(|(t, _)| *t).min().unwrap_or(now);
        let period = now.saturating_sub(first).max(1);
        report.push_str(&format!(
            "{}. {event}: {n} latency spikes (average {avg}ms, mean deviation {mad}ms, period {:.2} sec). Worst all time event {}ms.\n",
            i + 1,
            period as f64 / n.max(1) as f64,
            s.max
        ));
        match event.as_str() {
            "command" => {
                commands = true;
                if t.slower_than < 0 {
                    slowlog_enable = true;
                } else if (t.slower_than / 1000) as u64 > t.latency_ms {
                    slowlog_tuning = true;
                }
            }
            "fast-command" => scheduler = true,
            _ => {}
        }
    }
    if !commands && !scheduler {
        report.push_str("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n");
        return Value::Verbatim(report);
    }
    report.push_str("\nI have a few advices for you:\n\n");
    let threshold_us = t.latency_ms * 1000;
    if slowlog_enable {
        report.push_str(&format!("- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than {threshold_us}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n"));
    }
    if slowlog_tuning {
        report.push_str(&format!("- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than {threshold_us}'.\n"));
    }
    if commands {
        report.push_str("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n");
    }
    if scheduler {
        report.push_str("- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n  1) Lower the system load.\n  2) Use a computer / VM just for Redis if you are running other software in the same system.\n  3) Check if you have a \"noisy neighbour\" problem.\n  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n");
    }
    if commands {
        report.push_str("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n");
    }
    Value::Verbatim(report)
}
