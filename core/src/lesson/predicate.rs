//! The objective language: one comparison or one fact per line, evaluated
//! against a running [`Session`]. Small on purpose: every term names
//! something the app also shows (a slot owner, a flag in a node's view, an
//! event in the trace), so a "why not yet" can point at it.
//!
//! ```text
//! owner(1649) != A            slot 1649's owner, as every up node sees it
//! flags(A by B) has fail      A's flags in B's view
//! events(fail about A) >= 1   trace events since the lesson started
//! promoted A1                 shorthand for events(promoted by A1) >= 1
//! ```
//! The full list is in `lessons/README.md`.

use super::runner::Session;
use super::step::words;
use super::terms::{index, term_value};
use std::fmt;

/// A condition over the simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum Predicate {
    /// `left op right`, e.g. `state(A) == ok`.
    Compare {
        /// The left-hand term.
        left: Term,
        /// The comparison.
        op: Op,
        /// The right-hand term.
        right: Term,
    },
    /// `promoted A1`.
    Promoted(String),
    /// `event KIND [about X] [by Y]`: at least one such event.
    Event(Call),
    /// `up A` / `down A`: the process is running / killed or paused.
    Up(String),
    /// The process is killed or paused.
    Down(String),
    /// `jobs done`: every reshard / rebalance / add-node job has finished.
    JobsDone,
}

/// A comparison operator; `has` asks whether a word list holds a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Ge,
    Le,
    Gt,
    Lt,
    Has,
}

/// A literal or a function of the simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Lit(String),
    Call(Call),
}

/// `name(arg… [about X] [by Y])`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub func: String,
    pub args: Vec<String>,
    pub about: Option<String>,
    pub by: Option<String>,
}

/// What a term evaluates to.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number.
    Int(i64),
    /// A word or words.
    Text(String),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

/// Functions, their argument count, and whether they take `by` / `about`.
const FUNCS: &[(&str, usize, &str)] = &[
    ("owner", 1, "by"),
    ("slots", 1, "by"),
    ("key_slot", 1, ""),
    ("cluster_state", 1, ""),
    ("role", 1, ""),
    ("master_of", 1, ""),
    ("link", 1, ""),
    ("flags", 1, "by"),
    ("epoch", 1, ""),
    ("current_epoch", 1, ""),
    ("known_nodes", 1, ""),
    ("fail_reports", 1, "by"),
    ("events", 1, "about by"),
    ("replies", 1, ""),
    ("client", 1, ""),
    ("lost_writes", 0, ""),
    ("keys", 1, ""),
    ("served", 1, "by"),
    ("multi_key", 0, "by"),
    ("migrating", 1, ""),
    ("importing", 1, ""),
    ("owner_keys", 1, ""),
];

const OPS: &[(&str, Op)] = &[
    (" == ", Op::Eq),
    (" != ", Op::Ne),
    (" >= ", Op::Ge),
    (" <= ", Op::Le),
    (" > ", Op::Gt),
    (" < ", Op::Lt),
    (" has ", Op::Has),
];

impl Predicate {
    /// Parses one predicate; errors say what was expected.
    pub fn parse(text: &str) -> Result<Predicate, String> {
        let text = text.trim();
        let w = words(text)?;
        match w.first().map(String::as_str) {
            Some("promoted") => return one(&w).map(Predicate::Promoted),
            Some("up") => return one(&w).map(Predicate::Up),
            Some("down") => return one(&w).map(Predicate::Down),
            Some("jobs") if w.len() == 2 && w[1] == "done" => return Ok(Predicate::JobsDone),
            Some("event") => {
                // "event fail about A seen by B" reads better with "seen".
                let rest: Vec<&str> = w[1..]
                    .iter()
                    .map(String::as_str)
                    .filter(|x| *x != "seen")
                    .collect();
                let call = parse_call(&format!("events({})", rest.join(" ")))?;
                return Ok(Predicate::Event(call));
            }
            _ => {}
        }
        let found = OPS
            .iter()
            .filter_map(|(s, op)| text.find(s).map(|i| (i, s.len(), *op)))
            .min_by_key(|(i, _, _)| *i);
        let Some((i, len, op)) = found else {
            return Err(format!(
                "`{text}` is not a predicate: expected `TERM OP TERM` (==, !=, >=, <=, >, <, has), `promoted X`, `event KIND …`, `up X`, `down X` or `jobs done`"
            ));
        };
        Ok(Predicate::Compare {
            left: parse_term(&text[..i])?,
            op,
            right: parse_term(&text[i + len..])?,
        })
    }

    /// Node names it mentions as literals of node-valued positions.
    pub fn nodes(&self) -> Vec<&str> {
        match self {
            Predicate::Promoted(n) | Predicate::Up(n) | Predicate::Down(n) => vec![n],
            Predicate::Event(c) => call_nodes(c),
            Predicate::JobsDone => Vec::new(),
            Predicate::Compare { left, right, .. } => [left, right]
                .into_iter()
                .flat_map(|t| match t {
                    Term::Call(c) => call_nodes(c),
                    Term::Lit(_) => Vec::new(),
                })
                .collect(),
        }
    }

    /// Whether it holds, and what it observed (for "why not yet").
    pub fn eval(&self, s: &Session) -> (bool, Seen) {
        match self.try_eval(s) {
            Ok(r) => r,
            Err(e) => (false, Seen::Unreadable(e)),
        }
    }

    fn try_eval(&self, s: &Session) -> Result<(bool, Seen), String> {
        let sim = s.sim();
        Ok(match self {
            Predicate::Promoted(n) => {
                let count = s.count_events("promoted", None, Some(n))?;
                (
                    count > 0,
                    Seen::Promoted {
                        node: n.clone(),
                        yes: count > 0,
                    },
                )
            }
            Predicate::Event(c) => {
                let count = s.count_events(&c.args[0], c.about.as_deref(), c.by.as_deref())?;
                (count > 0, Seen::Events(count))
            }
            Predicate::JobsDone => {
                let done = s.jobs_done();
                (done, Seen::Jobs { done })
            }
            Predicate::Up(n) | Predicate::Down(n) => {
                let up = sim.status(index(sim, n)?) == crate::sim::Status::Up;
                let wanted = matches!(self, Predicate::Up(_));
                (
                    up == wanted,
                    Seen::Running {
                        node: n.clone(),
                        up,
                    },
                )
            }
            Predicate::Compare { left, op, right } => {
                let l = term_value(left, s)?;
                let r = term_value(right, s)?;
                (
                    compare(&l, *op, &r),
                    Seen::Value {
                        term: term_text(left),
                        value: l.to_string(),
                    },
                )
            }
        })
    }
}

/// What a check saw, as data rather than a sentence, so that the app can say it in the
/// learner's language; `Display` gives the English the tests and the CLI print.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Seen {
    /// Not evaluated yet.
    #[default]
    Nothing,
    /// `promoted A1`: whether A1 has been promoted since the lesson started.
    Promoted {
        /// The replica.
        node: String,
        /// Whether it was promoted.
        yes: bool,
    },
    /// `event …`: how many such events the trace holds.
    Events(usize),
    /// `jobs done`.
    Jobs {
        /// Whether every job has finished.
        done: bool,
    },
    /// `up A` / `down A`: whether the process runs.
    Running {
        /// The node.
        node: String,
        /// Whether its process runs.
        up: bool,
    },
    /// A comparison: its left term as written (`owner(1649)`) and that term's value, one of
    /// Redis's own words (`master`, `fail`), a node name, a number, `none` or `disputed`.
    Value {
        /// The term as written.
        term: String,
        /// Its value.
        value: String,
    },
    /// The check could not be read (it names a node that is not there yet).
    Unreadable(String),
}

impl fmt::Display for Seen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seen::Nothing => Ok(()),
            Seen::Promoted { node, yes } => {
                write!(
                    f,
                    "{node} promoted: {}",
                    if *yes { "yes" } else { "not yet" }
                )
            }
            Seen::Events(n) => write!(f, "{n} such events"),
            Seen::Jobs { done } => write!(f, "jobs {}", if *done { "done" } else { "running" }),
            Seen::Running { node, up } => {
                write!(f, "{node} is {}", if *up { "up" } else { "down" })
            }
            Seen::Value { term, value } => write!(f, "{term} is {value}"),
            Seen::Unreadable(why) => f.write_str(why),
        }
    }
}

fn call_nodes(c: &Call) -> Vec<&str> {
    let mut v: Vec<&str> = c.by.iter().chain(&c.about).map(String::as_str).collect();
    if NODE_ARG.contains(&c.func.as_str()) {
        v.extend(c.args.iter().map(String::as_str));
    }
    v
}

/// Functions whose argument is a node name.
const NODE_ARG: &[&str] = &[
    "slots",
    "cluster_state",
    "role",
    "master_of",
    "link",
    "flags",
    "epoch",
    "current_epoch",
    "known_nodes",
    "fail_reports",
    "migrating",
    "importing",
    "keys",
];

fn one(w: &[String]) -> Result<String, String> {
    match w {
        [_, n] => Ok(n.clone()),
        _ => Err(format!("`{}` takes one node name", w[0])),
    }
}

fn parse_term(text: &str) -> Result<Term, String> {
    let text = text.trim();
    if text.contains('(') {
        parse_call(text).map(Term::Call)
    } else if text.is_empty() || text.contains(' ') {
        Err(format!("`{text}` is not a term"))
    } else {
        Ok(Term::Lit(text.trim_matches('"').to_string()))
    }
}

fn parse_call(text: &str) -> Result<Call, String> {
    let (func, rest) = text
        .split_once('(')
        .ok_or(format!("`{text}` is not a call"))?;
    let inner = rest
        .strip_suffix(')')
        .ok_or(format!("`{text}`: missing `)`"))?;
    let func = func.trim();
    let Some(&(_, arity, keys)) = FUNCS.iter().find(|(f, _, _)| *f == func) else {
        let known: Vec<&str> = FUNCS.iter().map(|f| f.0).collect();
        return Err(format!(
            "unknown function `{func}` (known: {})",
            known.join(", ")
        ));
    };
    let mut call = Call {
        func: func.into(),
        args: Vec::new(),
        about: None,
        by: None,
    };
    let w = words(&inner.replace(',', " "))?;
    let mut it = w.into_iter();
    while let Some(word) = it.next() {
        match word.as_str() {
            "by" | "about" if keys.contains(word.as_str()) => {
                let n = it.next().ok_or(format!("`{word}` needs a node name"))?;
                if word == "by" {
                    call.by = Some(n);
                } else {
                    call.about = Some(n);
                }
            }
            _ => call.args.push(word),
        }
    }
    if call.args.len() != arity {
        return Err(format!(
            "`{func}` takes {arity} argument(s), found {}",
            call.args.len()
        ));
    }
    if func == "fail_reports" && call.by.is_none() {
        return Err("`fail_reports(X by Y)` needs `by`: reports are kept per node".into());
    }
    Ok(call)
}

fn term_text(t: &Term) -> String {
    match t {
        Term::Lit(l) => l.clone(),
        Term::Call(c) => {
            let mut s = format!("{}({}", c.func, c.args.join(" "));
            if let Some(a) = &c.about {
                s += &format!(" about {a}");
            }
            if let Some(b) = &c.by {
                s += &format!(" by {b}");
            }
            s + ")"
        }
    }
}

fn compare(l: &Value, op: Op, r: &Value) -> bool {
    let as_int = |v: &Value| match v {
        Value::Int(n) => Some(*n),
        Value::Text(t) => t.parse().ok(),
    };
    if op == Op::Has {
        let r = r.to_string().to_ascii_lowercase();
        return l
            .to_string()
            .to_ascii_lowercase()
            .split(' ')
            .any(|w| w == r);
    }
    if let (Some(a), Some(b)) = (as_int(l), as_int(r)) {
        return match op {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Ge => a >= b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Lt => a < b,
            Op::Has => unreachable!("handled above"),
        };
    }
    let (a, b) = (l.to_string(), r.to_string());
    match op {
        Op::Eq => a.eq_ignore_ascii_case(&b),
        Op::Ne => !a.eq_ignore_ascii_case(&b),
        _ => false,
    }
}
