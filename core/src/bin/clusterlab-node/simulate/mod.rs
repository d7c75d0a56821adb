//! `clusterlab-node simulate`: forms a cluster in the deterministic simulator,
//! applies the faults and failovers asked for, and prints every node event,
//! every action and a final summary, as text or JSON lines.

mod args;

use args::{ArgError, Command, SimulateArgs};
use clusterlab_core::sim::{Action, Names, Sim, Status, TimedAction};
use clusterlab_core::Time;
use serde_json::{json, Value};
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// Runs the subcommand on the arguments that follow `simulate`.
pub fn main(argv: &[String]) -> ExitCode {
    match args::parse(argv) {
        Ok(Command::Help) => {
            print!("{}", args::HELP);
            ExitCode::SUCCESS
        }
        Ok(Command::Run(a)) => run(*a),
        Err(e) => bad_arguments(&e),
    }
}

fn bad_arguments(e: &ArgError) -> ExitCode {
    eprintln!("clusterlab-node simulate: {e}");
    ExitCode::from(2)
}

fn run(a: SimulateArgs) -> ExitCode {
    let mut sim = match a.scenario.build_with(|sim| {
        if !a.two_threads {
            sim.set_parallel(None);
        }
    }) {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("clusterlab-node simulate: {e}");
            return ExitCode::from(1);
        }
    };
    let formed = sim.now();
    let too_early = |what: String| {
        bad_arguments(&ArgError(format!(
            "{what} is before the cluster finished forming at {} ms (times count from the start of the simulated clock; see --help)",
            formed.ms()
        )))
    };
    if a.duration < formed {
        return too_early(format!("--duration {}", a.duration.ms()));
    }
    if let Some((typed, _)) = a.actions.iter().find(|(_, t)| t.t < formed) {
        return too_early(typed.clone());
    }

    let stdout = io::stdout();
    let mut p = Printer {
        json: a.json,
        out: BufWriter::new(stdout.lock()),
    };
    match p.run(&mut sim, &a, formed).and_then(|()| p.out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // `| head` closed the pipe: the reader has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clusterlab-node simulate: writing output: {e}");
            ExitCode::from(1)
        }
    }
}

/// Writes lines in the chosen format as the run goes.
struct Printer<W: Write> {
    json: bool,
    out: W,
}

impl<W: Write> Printer<W> {
    fn run(&mut self, sim: &mut Sim, a: &SimulateArgs, formed: Time) -> io::Result<()> {
        let s = &a.scenario;
        if self.json {
            let line = json!({
                "t_ms": formed.ms(), "node": "-", "event": "formed",
                "masters": s.masters, "replicas": s.replicas,
                "node_timeout": s.config.node_timeout, "seed": s.seed,
            });
            writeln!(self.out, "{line}")?;
        } else {
            writeln!(
                self.out,
                "{:>10}  {:<4} {:<16} {} masters, {} replica(s) each, node_timeout {} ms, seed {}",
                formed.to_string(),
                "-",
                "formed",
                s.masters,
                s.replicas,
                s.config.node_timeout,
                s.seed
            )?;
        }
        let mut printed = sim.trace().len();
        let loss = a.loss_after_formation.map(|p| TimedAction {
            t: formed,
            action: Action::Loss(p),
        });
        for action in loss.iter().chain(a.actions.iter().map(|(_, t)| t)) {
            sim.run_until(action.t);
            printed = self.events(sim, printed)?;
            // Its line goes before the events it causes, with Redis's error
            // if it was refused (CLUSTER FAILOVER sent to a master…).
            let refused = sim.apply(&action.action).err();
            self.action(sim, action, refused.as_ref().map(|e| e.0.as_str()))?;
        }
        sim.run_until(a.duration);
        self.events(sim, printed)?;
        self.summary(sim)
    }

    /// Prints the trace from `from` on; returns the new end.
    fn events(&mut self, sim: &Sim, from: usize) -> io::Result<usize> {
        for e in &sim.trace()[from..] {
            if self.json {
                writeln!(self.out, "{}", e.to_json(sim))?;
            } else {
                writeln!(self.out, "{}", e.to_text(sim))?;
            }
        }
        Ok(sim.trace().len())
    }

    fn action(&mut self, sim: &Sim, a: &TimedAction, error: Option<&str>) -> io::Result<()> {
        if self.json {
            let mut line = a.to_json(sim);
            if let (Some(e), Value::Object(m)) = (error, &mut line) {
                m.insert("error".into(), json!(e));
            }
            writeln!(self.out, "{line}")
        } else {
            let text = a.to_text(sim);
            match error {
                Some(e) => writeln!(self.out, "{text} error={e}"),
                None => writeln!(self.out, "{text}"),
            }
        }
    }

    /// Every node's own view of itself, plus network counters.
    fn summary(&mut self, sim: &Sim) -> io::Result<()> {
        let rows: Vec<Value> = (0..sim.nodes().len())
            .map(|i| node_summary(sim, i))
            .collect();
        let stats = sim.stats();
        if self.json {
            let line = json!({
                "t_ms": sim.now().ms(), "node": "-", "event": "summary",
                "nodes": rows,
                "messages": {
                    "delivered": stats.delivered, "dropped": stats.dropped, "bytes": stats.bytes,
                },
            });
            return writeln!(self.out, "{line}");
        }
        writeln!(
            self.out,
            "\nsummary at {}: {} messages delivered, {} dropped, {} bytes",
            sim.now(),
            stats.delivered,
            stats.dropped,
            stats.bytes
        )?;
        writeln!(
            self.out,
            "  {:<5} {:<8} {:<8} {:<7} {:<24} {:>8} {:>7}  {:<6} id",
            "node", "status", "role", "master", "slots", "current", "config", "state"
        )?;
        for r in rows {
            let text = |k: &str| match &r[k] {
                Value::String(s) => s.clone(),
                Value::Null => "-".into(),
                v => v.to_string(),
            };
            writeln!(
                self.out,
                "  {:<5} {:<8} {:<8} {:<7} {:<24} {:>8} {:>7}  {:<6} {}",
                text("node"),
                text("status"),
                text("role"),
                text("master"),
                if text("slots").is_empty() {
                    "-".into()
                } else {
                    text("slots")
                },
                text("current_epoch"),
                text("config_epoch"),
                text("cluster_state"),
                text("id")
            )?;
        }
        Ok(())
    }
}

/// One node as it sees itself (a crashed node: as it was when it died).
fn node_summary(sim: &Sim, i: usize) -> Value {
    let node = sim.node(i);
    let view = node.view();
    let me = view.myself().expect("a view contains myself");
    json!({
        "node": sim.node_name(i),
        "id": node.id().to_string(),
        "status": match sim.status(i) {
            Status::Up => "up",
            Status::Crashed => "crashed",
            Status::Paused => "paused",
        },
        "role": if node.is_master() { "master" } else { "replica" },
        "master": node.master().filter(|_| node.is_replica()).map(|m| sim.id_name(m)),
        "slots": me.slots.to_string(),
        "current_epoch": view.current_epoch,
        "config_epoch": view.my_epoch,
        "cluster_state": if view.state_ok { "ok" } else { "fail" },
    })
}
