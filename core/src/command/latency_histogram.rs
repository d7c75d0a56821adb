//! `LATENCY HISTOGRAM [command …]` (latency.c `latencyAllCommandsFillCDF`,
//! `latencySpecificCommandsFillCDF`, `fillCommandCDF`): each command's
//! latency histogram, as INFO's latencystats reads it, as a cumulative
//! distribution in µs.

use super::Call;
use crate::node::stats::CommandStat;
use crate::resp::Value;

/// `{calls, histogram_usec: {µs: calls at most that}}` of one command.
fn cdf(stat: &CommandStat) -> Value {
    let points = stat
        .latency
        .cdf_usec()
        .into_iter()
        .map(|(usec, n)| (Value::Integer(usec as i64), Value::Integer(n as i64)))
        .collect();
    Value::Map(vec![
        (
            Value::bulk("calls"),
            Value::Integer(stat.latency.total() as i64),
        ),
        (Value::bulk("histogram_usec"), Value::Map(points)),
    ])
}

/// Every command with a histogram, or those named (a container names
/// itself and its subcommands; `container|sub` one subcommand; unknown
/// names and commands without a histogram are skipped, a name given twice
/// answers twice). Redis lists in its command dicts' order, which its
/// random hash seed changes at each start; here, in name order.
pub fn histogram(c: &mut Call) -> Value {
    let args = c.args;
    let node = &mut c.server();
    let stats = node.stats();
    let with_data = || stats.by_command().filter(|(_, s)| !s.latency.is_empty());
    let mut out = Vec::new();
    if args.len() == 2 {
        for (name, s) in with_data() {
            out.push((Value::bulk(name), cdf(s)));
        }
        return Value::Map(out);
    }
    for arg in &args[2..] {
        let wanted = String::from_utf8_lossy(arg).to_ascii_lowercase();
        for (name, s) in with_data() {
            let sub_of_wanted = !wanted.contains('|')
                && name
                    .strip_prefix(wanted.as_str())
                    .is_some_and(|rest| rest.starts_with('|'));
            if name == wanted || sub_of_wanted {
                out.push((Value::bulk(name), cdf(s)));
            }
        }
    }
    Value::Map(out)
}
