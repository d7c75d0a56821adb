//! `clusterlab-node`: the command-line entry point. With a config file or
//! `--flags` it runs a real cluster node; `simulate` runs the deterministic
//! simulator headless.

mod local;
mod net;
mod simulate;

use std::process::ExitCode;

const USAGE: &str = "\
clusterlab-node: Redis Cluster (7.0) rules, simulated or for real.

USAGE:
    clusterlab-node [redis.conf] [--port 7000] [--bind 127.0.0.1]
                    [--cluster-node-timeout 15000] [--cluster-config-file nodes.conf]
                    [--dir .] [--requirepass PASS] [--masterauth PASS]
                    [--proto-max-bulk-len 512mb] [--client-query-buffer-limit 1gb]
                                          run a cluster node (bus on port + 10000)
    clusterlab-node cluster up|down [OPTIONS]
                                          start or stop a local cluster (see cluster --help)
    clusterlab-node simulate [OPTIONS]    run a simulated cluster (see simulate --help)
    clusterlab-node --help
";

fn main() -> ExitCode {
    let argv: Vec<String> = match std::env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect()
    {
        Ok(argv) => argv,
        Err(bad) => {
            eprintln!("clusterlab-node: argument {bad:?} is not valid UTF-8");
            return ExitCode::from(2);
        }
    };
    match argv.first().map(String::as_str) {
        Some("simulate") => simulate::main(&argv[1..]),
        Some("cluster") => local::main(&argv[1..]),
        Some("-h" | "--help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        // Flags, or a redis.conf file first, as redis-server takes them.
        Some(arg) if arg.starts_with("--") || std::path::Path::new(arg).is_file() => {
            net::main(&argv)
        }
        Some(other) => {
            eprintln!("clusterlab-node: unknown command '{other}'\n\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
