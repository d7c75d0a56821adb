//! `clusterlab-node simulate` arguments: parsing and validation, with errors
//! that name the bad argument and its value.

use clusterlab_core::node::FailoverMode;
use clusterlab_core::sim::{Action, Formation, Scenario, TimedAction};
use clusterlab_core::{Config, Time};
use std::fmt;

pub const HELP: &str = "\
clusterlab-node simulate: run a simulated Redis Cluster (7.0 rules) and print
what every node does, one event per line.

USAGE:
    clusterlab-node simulate [OPTIONS]

CLUSTER:
    --masters N            masters, named A, B, C… (default 3)
    --replicas N           replicas per master, named A1, B1…, A2… (default 1)
    --node-timeout MS      cluster-node-timeout (default 15000)
    --seed N               seed of node IDs, gossip choices and the network (default 1)
    --duration MS          stop the clock at this time (default 60000)
    --loss P[@T]           lose each message with probability P (0 to 1) from time T,
                           or from the end of formation without @T
    --formation by-size|meet|formed
                           how the cluster forms before the run: by MEET, as
                           redis-cli --cluster create does; formed, every node
                           loading the nodes.conf that formation ends with and
                           starting as after a restart; by-size (default): MEET
                           up to 100 nodes, formed above
    --threads 1|2          run the busy instants of large clusters on two threads
                           (default 2); the output is the same either way, one
                           thread uses less memory and less CPU on a busy machine

FAULTS (repeatable; NODE is a name such as A or B1):
    --kill NODE@T          kill -9 the process
    --pause NODE@T         kill -STOP
    --resume NODE@T        kill -CONT
    --restart NODE@T       start the process again; it keeps its nodes.conf
                           (a running process is killed first)
    --partition G/G…@T     cut every group from every other group, both ways; a group
                           is comma-separated names: --partition A,A1/B,C,B1,C1@20000.
                           A single group is cut from all the other nodes. Nodes in
                           no group keep all their links.
    --cut FROM>TO@T        cut one direction only: --cut A>A1@20000
    --heal @T              remove every partition and cut

OPERATOR ACTIONS (repeatable):
    --failover NODE[:force|:takeover]@T
                           CLUSTER FAILOVER [FORCE|TAKEOVER] sent to replica NODE;
                           a refusal is printed with Redis's error text

OUTPUT:
    --json                 JSON lines ({\"t_ms\":…,\"node\":\"B\",\"event\":\"pfail\",\"about\":\"A\"})
                           instead of text
    -h, --help             this text

TIME:
    Every time is in milliseconds on the simulated clock, which starts at 0 when
    the processes start. The cluster is formed first, the way
    redis-cli --cluster create does it (about 1 to 6 s, depending on
    --node-timeout), or started formed (about 2 s: masters wait 2 s after a
    restart before declaring the cluster ok); the first line says when
    formation ended, and actions scheduled before that are refused. Event times use the same clock.

OUTPUT LINES:
    One line when formation ended, one per node event (pfail, fail, failover_start,
    vote_granted, promoted, epoch, slot_owner, role, cluster_state…), one per action
    (kill, pause, resume, restart, partition, cut, heal, loss, failover), and a final
    summary: each node's role, master, slots, currentEpoch, configEpoch and
    cluster_state.

EXIT STATUS:
    0 success, 1 the cluster could not form, 2 bad arguments.
";

/// A bad argument: the message names the option and the value.
#[derive(Debug, PartialEq, Eq)]
pub struct ArgError(pub String);

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn fail<T>(msg: impl Into<String>) -> Result<T, ArgError> {
    Err(ArgError(msg.into()))
}

/// A parsed command line.
#[derive(Debug)]
pub struct SimulateArgs {
    pub scenario: Scenario,
    pub duration: Time,
    pub json: bool,
    /// Actions in time order (stable for equal times), each with the flag as
    /// typed, for error messages that come later (formation end).
    pub actions: Vec<(String, TimedAction)>,
    /// `--loss P` without a time: applied when formation ends.
    pub loss_after_formation: Option<f64>,
    /// `--threads 1` turns the simulator's two-thread windows off.
    pub two_threads: bool,
}

/// What `parse` found: a run, or a request for help.
#[derive(Debug)]
pub enum Command {
    Run(Box<SimulateArgs>),
    Help,
}

/// An action flag before node names are resolved (they depend on the shape).
struct RawAction {
    flag: &'static str,
    value: String,
}

const ACTION_FLAGS: [&str; 9] = [
    "--failover",
    "--kill",
    "--pause",
    "--resume",
    "--restart",
    "--partition",
    "--cut",
    "--heal",
    "--loss",
];

/// Parses the arguments that follow `simulate`.
pub fn parse(args: &[String]) -> Result<Command, ArgError> {
    let mut masters = None;
    let mut replicas = None;
    let mut node_timeout = None;
    let mut seed = None;
    let mut duration = None;
    let mut threads = None;
    let mut formation = None;
    let mut json = false;
    let mut raw_actions = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let flag = arg.as_str();
        if flag == "-h" || flag == "--help" {
            return Ok(Command::Help);
        }
        if flag == "--json" {
            json = true;
            continue;
        }
        let mut value = || match it.next() {
            Some(v) => Ok(v.clone()),
            None => fail(format!("{flag} needs a value (see --help)")),
        };
        match flag {
            "--masters" => set_once(&mut masters, flag, number(flag, &value()?)?)?,
            "--replicas" => set_once(&mut replicas, flag, number(flag, &value()?)?)?,
            "--node-timeout" => set_once(&mut node_timeout, flag, number(flag, &value()?)?)?,
            "--seed" => set_once(&mut seed, flag, number(flag, &value()?)?)?,
            "--duration" => set_once(&mut duration, flag, number(flag, &value()?)?)?,
            "--threads" => set_once(&mut threads, flag, number(flag, &value()?)?)?,
            "--formation" => {
                let word = value()?;
                let Some(f) = Formation::parse(&word) else {
                    return fail(format!(
                        "--formation {word}: one of {}",
                        Formation::NAMES.join(", ")
                    ));
                };
                set_once(&mut formation, flag, f)?;
            }
            _ => match ACTION_FLAGS.iter().find(|f| **f == flag) {
                Some(f) => raw_actions.push(RawAction {
                    flag: f,
                    value: value()?,
                }),
                None if flag.starts_with('-') => {
                    return fail(format!("unknown option '{flag}' (see --help)"))
                }
                None => return fail(format!("unexpected argument '{flag}' (see --help)")),
            },
        }
    }

    let defaults = Scenario::default();
    let scenario = Scenario {
        masters: masters.map_or(Ok(defaults.masters), |m| usize_of("--masters", m))?,
        replicas: replicas.map_or(Ok(defaults.replicas), |r| usize_of("--replicas", r))?,
        config: Config {
            node_timeout: node_timeout.unwrap_or(Config::default().node_timeout),
            ..Config::default()
        },
        seed: seed.unwrap_or(defaults.seed),
        formation: formation.unwrap_or(defaults.formation),
        ..defaults
    };
    scenario.validate().map_err(|e| ArgError(e.0))?;
    let duration = Time(duration.unwrap_or(60_000));
    let two_threads = match threads {
        None | Some(2) => true,
        Some(1) => false,
        Some(n) => return fail(format!("--threads {n}: 1 or 2")),
    };
    let names = scenario.names();

    let mut actions = Vec::new();
    let mut loss_after_formation = None;
    for f in raw_actions {
        let typed = format!("{} {}", f.flag, f.value);
        if f.flag == "--loss" && !f.value.contains('@') {
            loss_after_formation = Some(probability(&typed, &f.value)?);
            continue;
        }
        let Some((what, at)) = f.value.rsplit_once('@') else {
            return fail(format!(
                "{typed}: expected {}@TIME, e.g. {} {}@20000",
                what_of(f.flag),
                f.flag,
                example_of(f.flag)
            ));
        };
        let t = match at.parse::<u64>() {
            Ok(t) => Time(t),
            Err(_) => return fail(format!("{typed}: '{at}' is not a time in milliseconds")),
        };
        if t > duration {
            return fail(format!(
                "{typed}: {} is after the end of the run (--duration {})",
                t.ms(),
                duration.ms()
            ));
        }
        let node = |name: &str| -> Result<usize, ArgError> {
            names.iter().position(|n| n == name).map_or_else(
                || {
                    fail(format!(
                        "{typed}: no node named '{name}' (the nodes are {})",
                        names.join(", ")
                    ))
                },
                Ok,
            )
        };
        let action = match f.flag {
            "--kill" => Action::Kill(node(what)?),
            "--pause" => Action::Pause(node(what)?),
            "--resume" => Action::Resume(node(what)?),
            "--restart" => Action::Restart(node(what)?),
            "--failover" => {
                let (name, mode) = match what.split_once(':') {
                    None => (what, FailoverMode::Default),
                    Some((name, "force")) => (name, FailoverMode::Force),
                    Some((name, "takeover")) => (name, FailoverMode::Takeover),
                    Some((_, other)) => {
                        return fail(format!(
                            "{typed}: unknown failover mode '{other}' (force or takeover)"
                        ))
                    }
                };
                Action::Failover {
                    node: node(name)?,
                    mode,
                }
            }
            "--heal" if what.is_empty() => Action::Heal,
            "--heal" => {
                return fail(format!(
                    "{typed}: --heal takes only a time: --heal @{}",
                    t.ms()
                ))
            }
            "--loss" => Action::Loss(probability(&typed, what)?),
            "--cut" => {
                let Some((from, to)) = what.split_once('>') else {
                    return fail(format!(
                        "{typed}: expected FROM>TO@TIME, e.g. --cut A>A1@20000"
                    ));
                };
                let (from, to) = (node(from)?, node(to)?);
                if from == to {
                    return fail(format!("{typed}: a node cannot be cut from itself"));
                }
                Action::Cut { from, to }
            }
            _ => Action::Partition(groups(&typed, what, &node)?),
        };
        actions.push((typed, TimedAction { t, action }));
    }
    actions.sort_by_key(|(_, a)| a.t);
    check_process_states(&actions, &names)?;
    Ok(Command::Run(Box::new(SimulateArgs {
        scenario,
        duration,
        json,
        actions,
        loss_after_formation,
        two_threads,
    })))
}

fn set_once<T>(slot: &mut Option<T>, flag: &str, v: T) -> Result<(), ArgError> {
    if slot.replace(v).is_some() {
        return fail(format!("{flag} is given twice"));
    }
    Ok(())
}

fn number(flag: &str, value: &str) -> Result<u64, ArgError> {
    value.parse().or_else(|_| {
        fail(format!(
            "{flag}: '{value}' is not a non-negative whole number"
        ))
    })
}

fn usize_of(flag: &str, v: u64) -> Result<usize, ArgError> {
    usize::try_from(v).or_else(|_| fail(format!("{flag}: {v} is too large")))
}

fn probability(typed: &str, value: &str) -> Result<f64, ArgError> {
    match value.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => fail(format!(
            "{typed}: '{value}' is not a probability between 0 and 1"
        )),
    }
}

fn what_of(flag: &str) -> &'static str {
    match flag {
        "--partition" => "GROUP/GROUP",
        "--cut" => "FROM>TO",
        "--loss" => "P",
        "--heal" => "",
        "--failover" => "NODE[:force|:takeover]",
        _ => "NODE",
    }
}

fn example_of(flag: &str) -> &'static str {
    match flag {
        "--partition" => "A,A1/B,C",
        "--cut" => "A>A1",
        "--loss" => "0.01",
        "--heal" => "",
        "--failover" => "A1:force",
        _ => "A",
    }
}

/// `A,A1/B,C,B1,C1` → groups of node indices; no empty group, no node twice.
fn groups(
    typed: &str,
    spec: &str,
    node: &dyn Fn(&str) -> Result<usize, ArgError>,
) -> Result<Vec<Vec<usize>>, ArgError> {
    let mut seen = Vec::new();
    let mut groups = Vec::new();
    for group in spec.split('/') {
        let mut members = Vec::new();
        for name in group.split(',') {
            if name.is_empty() {
                return fail(format!(
                    "{typed}: empty node name; groups are comma-separated names split by '/', e.g. A,A1/B,C"
                ));
            }
            let idx = node(name)?;
            if seen.contains(&idx) {
                return fail(format!("{typed}: {name} is listed twice"));
            }
            seen.push(idx);
            members.push(idx);
        }
        groups.push(members);
    }
    Ok(groups)
}

/// Pause, resume and kill must make sense for the process at that time:
/// only a running process can be paused, only a paused one resumed, a
/// dead one cannot be killed again.
fn check_process_states(
    actions: &[(String, TimedAction)],
    names: &[String],
) -> Result<(), ArgError> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Up,
        Paused,
        Dead,
    }
    let mut state = vec![State::Up; names.len()];
    for (typed, a) in actions {
        let (node, ok, next) = match a.action {
            Action::Kill(n) => (n, state[n] != State::Dead, State::Dead),
            Action::Pause(n) => (n, state[n] == State::Up, State::Paused),
            Action::Resume(n) => (n, state[n] == State::Paused, State::Up),
            Action::Restart(n) => (n, true, State::Up),
            _ => continue,
        };
        if !ok {
            let now = match state[node] {
                State::Up => "running",
                State::Paused => "paused",
                State::Dead => "dead",
            };
            return fail(format!(
                "{typed}: {} is {now} at {} ms",
                names[node],
                a.t.ms()
            ));
        }
        state[node] = next;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Result<SimulateArgs, ArgError> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        match parse(&args)? {
            Command::Run(a) => Ok(*a),
            Command::Help => panic!("unexpected help"),
        }
    }

    fn error(line: &str) -> String {
        run(line).expect_err("should be refused").0
    }

    /// Two threads by default; `--threads 1` keeps the run on one.
    #[test]
    fn threads() {
        assert!(run("").unwrap().two_threads);
        assert!(run("--threads 2").unwrap().two_threads);
        assert!(!run("--threads 1").unwrap().two_threads);
    }

    #[test]
    fn defaults_and_values() {
        let a = run("").unwrap();
        assert_eq!((a.scenario.masters, a.scenario.replicas), (3, 1));
        assert_eq!(a.scenario.config.node_timeout, 15_000);
        assert_eq!(a.duration, Time(60_000));
        let a = run("--masters 5 --replicas 2 --node-timeout 5000 --seed 7 --duration 9000 --json")
            .unwrap();
        assert_eq!((a.scenario.masters, a.scenario.replicas), (5, 2));
        assert_eq!((a.scenario.config.node_timeout, a.scenario.seed), (5000, 7));
        assert!(a.json);
    }

    #[test]
    fn faults_resolve_names_and_sort_by_time() {
        let a = run("--restart A@50000 --kill A@20000 --partition A,A1/B,C,B1,C1@30000 --heal @40000 --cut B>B1@41000 --loss 0.5@42000 --loss 0.01 --failover B1:takeover@43000 --failover C1@44000")
            .unwrap();
        let got: Vec<(u64, Action)> = a
            .actions
            .iter()
            .map(|(_, t)| (t.t.ms(), t.action.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (20_000, Action::Kill(0)),
                (
                    30_000,
                    Action::Partition(vec![vec![0, 3], vec![1, 2, 4, 5]])
                ),
                (40_000, Action::Heal),
                (41_000, Action::Cut { from: 1, to: 4 }),
                (42_000, Action::Loss(0.5)),
                (
                    43_000,
                    Action::Failover {
                        node: 4,
                        mode: FailoverMode::Takeover
                    }
                ),
                (
                    44_000,
                    Action::Failover {
                        node: 5,
                        mode: FailoverMode::Default
                    }
                ),
                (50_000, Action::Restart(0)),
            ]
        );
        assert_eq!(a.loss_after_formation, Some(0.01));
    }

    #[test]
    fn bad_arguments_are_named() {
        assert_eq!(
            error("--kill Z@100"),
            "--kill Z@100: no node named 'Z' (the nodes are A, B, C, A1, B1, C1)"
        );
        assert_eq!(
            error("--kill A@x"),
            "--kill A@x: 'x' is not a time in milliseconds"
        );
        assert_eq!(
            error("--kill A"),
            "--kill A: expected NODE@TIME, e.g. --kill A@20000"
        );
        assert_eq!(
            error("--masters three"),
            "--masters: 'three' is not a non-negative whole number"
        );
        assert_eq!(error("--masters 0"), "--masters must be at least 1");
        assert_eq!(
            error("--frobnicate 1"),
            "unknown option '--frobnicate' (see --help)"
        );
        assert_eq!(
            error("simulate"),
            "unexpected argument 'simulate' (see --help)"
        );
        assert_eq!(error("--threads 3"), "--threads 3: 1 or 2");
        assert_eq!(error("--seed"), "--seed needs a value (see --help)");
        assert_eq!(error("--seed 1 --seed 2"), "--seed is given twice");
        assert_eq!(
            error("--partition A,B/B,C@100"),
            "--partition A,B/B,C@100: B is listed twice"
        );
        assert_eq!(
            error("--partition A,Q@100"),
            "--partition A,Q@100: no node named 'Q' (the nodes are A, B, C, A1, B1, C1)"
        );
        assert_eq!(
            error("--partition A,/B@100").split(':').next(),
            Some("--partition A,/B@100")
        );
        assert_eq!(
            error("--cut A@100"),
            "--cut A@100: expected FROM>TO@TIME, e.g. --cut A>A1@20000"
        );
        assert_eq!(
            error("--cut A>A@100"),
            "--cut A>A@100: a node cannot be cut from itself"
        );
        assert_eq!(
            error("--loss 2"),
            "--loss 2: '2' is not a probability between 0 and 1"
        );
        assert_eq!(
            error("--heal A@100"),
            "--heal A@100: --heal takes only a time: --heal @100"
        );
        assert_eq!(
            error("--kill A@70000"),
            "--kill A@70000: 70000 is after the end of the run (--duration 60000)"
        );
        assert_eq!(error("--node-timeout 0"), "--node-timeout must be positive");
        assert_eq!(
            error("--failover A1:gently@100"),
            "--failover A1:gently@100: unknown failover mode 'gently' (force or takeover)"
        );
        assert_eq!(
            error("--failover A1"),
            "--failover A1: expected NODE[:force|:takeover]@TIME, e.g. --failover A1:force@20000"
        );
    }

    #[test]
    fn process_states_must_make_sense() {
        assert_eq!(
            error("--resume A@100"),
            "--resume A@100: A is running at 100 ms"
        );
        assert_eq!(
            error("--kill A@100 --pause A@200"),
            "--pause A@200: A is dead at 200 ms"
        );
        assert_eq!(
            error("--kill A@100 --kill A@200"),
            "--kill A@200: A is dead at 200 ms"
        );
        assert!(
            run("--pause A@100 --resume A@200 --kill A@300 --restart A@400 --kill A@500").is_ok()
        );
    }

    #[test]
    fn help_wins() {
        let args = vec!["--kill".to_string(), "Z@1".into(), "--help".into()];
        assert!(matches!(parse(&args), Ok(Command::Help)));
        assert!(matches!(parse(&["-h".to_string()]), Ok(Command::Help)));
    }
}
