//! `redis-cli --cluster check|info [host:port]` typed in a lesson: the
//! console's target node is the entry node unless an address is given, as
//! when an operator runs redis-cli against one node of the cluster.

use crate::sim::{CliReport, Sim};

/// The redis-cli commands a lesson may `allow`, besides step verbs and the
/// nodes' own commands.
pub const CLI_COMMANDS: &[&str] = &["redis-cli --cluster check", "redis-cli --cluster info"];

/// Whether a console command is a redis-cli invocation rather than a command
/// for the node.
pub(super) fn is_cli(args: &[String]) -> bool {
    args.first().is_some_and(|a| a == "redis-cli")
}

/// Runs `redis-cli ARGS…` (without the program name) with `target` as the
/// default entry node, and returns what redis-cli prints.
pub(super) fn run(sim: &Sim, target: usize, args: &[String]) -> Result<String, String> {
    let usage = || {
        format!(
            "this console's redis-cli runs {} (other redis-cli work is a lesson step: reshard, rebalance, add-node)",
            CLI_COMMANDS
                .iter()
                .map(|c| format!("`{c} [host:port]`"))
                .collect::<Vec<_>>()
                .join(" and ")
        )
    };
    let report = match args {
        [c, sub, ..] if c == "--cluster" && sub.eq_ignore_ascii_case("check") => CliReport::Check,
        [c, sub, ..] if c == "--cluster" && sub.eq_ignore_ascii_case("info") => CliReport::Info,
        _ => return Err(usage()),
    };
    let entry = match &args[2..] {
        [] => target,
        [addr] => match addr.parse() {
            Ok(a) => match sim.index_of_client_addr(a) {
                Some(i) => i,
                None => {
                    return Ok(format!(
                        "Could not connect to Redis at {addr}: Connection refused\n"
                    ))
                }
            },
            Err(_) => {
                return Err(format!(
                    "[ERR] Invalid arguments: `{addr}` is not host:port, e.g. 127.0.0.1:7000"
                ))
            }
        },
        _ => return Err(usage()),
    };
    Ok(sim.cluster_report(entry, report))
}
