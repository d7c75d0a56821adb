//! `redis-cli --cluster check|info|fix [host:port]` typed in a lesson: the
//! console's target node is the entry node unless an address is given, as
//! when an operator runs redis-cli against one node of the cluster. `fix`
//! runs to its end before the console prints, as the real one holds the
//! terminal until it is done.

use crate::sim::{CliReport, Sim};

/// The redis-cli commands a lesson may `allow`, besides step verbs and the
/// nodes' own commands.
pub const CLI_COMMANDS: &[&str] = &[
    "redis-cli --cluster check",
    "redis-cli --cluster info",
    "redis-cli --cluster fix",
];

/// The option that lets `fix` reassign the slots of masters it cannot reach.
const WITH_UNREACHABLE: &str = "--cluster-fix-with-unreachable-masters";

/// Which redis-cli cluster command the console runs.
enum Cli {
    Report(CliReport),
    Fix { with_unreachable: bool },
}

/// Whether a console command is a redis-cli invocation rather than a command
/// for the node.
pub(super) fn is_cli(args: &[String]) -> bool {
    args.first().is_some_and(|a| a == "redis-cli")
}

/// Runs `redis-cli ARGS…` (without the program name) with `target` as the
/// default entry node, and returns what redis-cli prints.
pub(super) fn run(sim: &mut Sim, target: usize, args: &[String]) -> Result<String, String> {
    let usage = || {
        format!(
            "this console's redis-cli runs {} (fix also takes {WITH_UNREACHABLE}; other redis-cli work is a lesson step: reshard, rebalance, add-node)",
            CLI_COMMANDS
                .iter()
                .map(|c| format!("`{c} [host:port]`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut with_unreachable = false;
    let args: Vec<String> = args
        .iter()
        .filter(|a| {
            let flag = a.as_str() == WITH_UNREACHABLE;
            with_unreachable |= flag;
            !flag
        })
        .cloned()
        .collect();
    let cli = match args.as_slice() {
        [c, sub, ..] if c == "--cluster" && sub.eq_ignore_ascii_case("check") => {
            Cli::Report(CliReport::Check)
        }
        [c, sub, ..] if c == "--cluster" && sub.eq_ignore_ascii_case("info") => {
            Cli::Report(CliReport::Info)
        }
        [c, sub, ..] if c == "--cluster" && sub.eq_ignore_ascii_case("fix") => {
            Cli::Fix { with_unreachable }
        }
        _ => return Err(usage()),
    };
    if with_unreachable && !matches!(cli, Cli::Fix { .. }) {
        return Err(usage());
    }
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
    Ok(match cli {
        Cli::Report(report) => sim.cluster_report(entry, report),
        Cli::Fix { with_unreachable } => sim.cluster_fix(entry, with_unreachable),
    })
}
