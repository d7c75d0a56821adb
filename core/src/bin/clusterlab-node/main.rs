//! `clusterlab-node`: the command-line entry point. Today it has one
//! subcommand, `simulate` (a headless run of the deterministic simulator).

mod simulate;

use std::process::ExitCode;

const USAGE: &str = "\
clusterlab-node: Redis Cluster (7.0) rules, simulated.

USAGE:
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
        Some("-h" | "--help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
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
