//! What a lesson file decides for the app: which course file to load, the address that
//! reopens a lesson, which actions its `allow` list permits (and the refusal), how a console
//! line reads as a step, and which panels its `panels` list shows.

use clusterlab_core::lesson::{parse, Lesson, Meta, Step, StepAction, COURSE_DIRS, VERBS};

use super::texts;

use crate::i18n::{Lang, Msg, Note};

/// Parses lesson `index` of the course in `lang` (its texts must be loaded: [`texts::ready`]).
pub fn load(index: usize, lang: Lang) -> Result<Lesson, String> {
    let dir = COURSE_DIRS
        .get(index)
        .ok_or_else(|| format!("no lesson {index}"))?;
    texts::with_text(index, lang, |text| {
        parse(dir, text).map_err(|e| e.to_string())
    })
    .ok_or_else(|| format!("{dir}: the lesson texts are not loaded"))?
}

/// The course folder a link names (`08-failover`), as an index.
pub fn index_of_dir(dir: &str) -> Option<usize> {
    COURSE_DIRS.iter().position(|d| *d == dir)
}

/// `lesson=08-failover&at=3` → (`08-failover`, 3): the address of an open lesson, which a page
/// reload (`trunk serve` after a lesson file is saved) reopens.
pub fn parse_link(fragment: &str) -> Option<(String, usize)> {
    let fragment = fragment.trim_start_matches('#');
    let mut dir = None;
    let mut at = 0;
    for pair in fragment.split('&') {
        match pair.split_once('=') {
            Some(("lesson", d)) if !d.is_empty() => dir = Some(d.to_string()),
            Some(("at", n)) => at = n.parse().ok()?,
            _ => return None,
        }
    }
    dir.map(|d| (d, at))
}

pub fn link(index: usize, at: usize) -> Option<String> {
    COURSE_DIRS
        .get(index)
        .map(|d| format!("lesson={d}&at={at}"))
}

/// The name a step is allowed under (`kill`, `GET`, `CLUSTER NODES`), or `None` for letting
/// time pass, which every lesson allows.
pub fn action_name(step: &Step) -> Option<String> {
    Some(match &step.action {
        StepAction::Run(_) | StepAction::Wait { .. } => return None,
        StepAction::Command { args, .. } => args.join(" "),
        StepAction::Client(_) => "client".into(),
        StepAction::Kill(_) => "kill".into(),
        StepAction::Pause(_) => "pause".into(),
        StepAction::Resume(_) => "resume".into(),
        StepAction::Restart(_) => "restart".into(),
        StepAction::Partition(_) => "partition".into(),
        StepAction::Cut(..) => "cut".into(),
        StepAction::Heal => "heal".into(),
        StepAction::Failover(..) => "failover".into(),
        StepAction::Reshard { .. } => "reshard".into(),
        StepAction::AddNode(_) => "add-node".into(),
        StepAction::AddReplica { .. } => "add-replica".into(),
        StepAction::Rebalance => "rebalance".into(),
    })
}

/// Why the lesson refuses `step` (its front-matter `allow` list); `None` if allowed.
pub fn refusal(meta: &Meta, step: &Step) -> Option<Note> {
    let name = action_name(step)?;
    if meta.allows(&name) {
        return None;
    }
    // A command is named by its first word, or two for container commands (CLUSTER NODES).
    let shown = match &step.action {
        StepAction::Command { args, .. } => {
            let two = args.len() > 1
                && ["CLUSTER", "CONFIG", "CLIENT", "OBJECT", "SCRIPT"]
                    .contains(&args[0].to_ascii_uppercase().as_str());
            let n = if two { 2 } else { 1 };
            args[..n].join(" ").to_ascii_uppercase()
        }
        _ => name,
    };
    Some(Note::new(
        Msg::NotAllowed,
        &[&shown, &meta.allow.join(", ")],
    ))
}

/// A console line as a step: `B> GET k` and the lesson verbs (`kill A`) as written in
/// scenarios, anything else a Redis command for `target`. `wait` and `client` are also Redis
/// commands (WAIT, CLIENT): when they do not read as steps, they go to the node.
pub fn console_step(line: &str, target: &str) -> Result<Step, String> {
    let line = line.trim();
    let first = line.split_whitespace().next().unwrap_or("");
    let addressed = line
        .split_once("> ")
        .is_some_and(|(n, _)| !n.is_empty() && !n.contains(' '));
    if addressed {
        return Step::from_line(line);
    }
    if VERBS.contains(&first) {
        match Step::from_line(line) {
            Ok(step) => return Ok(step),
            Err(e) if first != "wait" && first != "client" => return Err(e),
            Err(_) => {}
        }
    }
    if line.is_empty() {
        return Err("empty line".into());
    }
    Step::from_line(&format!("{target}> {line}"))
}

/// A lesson's `panels` mapped to the app's panels. An empty list shows everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panels {
    pub nodes: bool,
    pub slots: bool,
    /// A node's beliefs, failure-report ledger and election (`beliefs`, `election`,
    /// `failure-ledger`).
    pub beliefs: bool,
    /// The event log (`timeline`, `lost-writes`).
    pub timeline: bool,
    /// Messages in flight (`messages`).
    pub messages: bool,
    /// redis-cli jobs (`jobs`).
    pub jobs: bool,
    /// Shown when asked for (`console`, `client`) and whenever the lesson allows a command.
    pub console: bool,
    /// Node actions: whenever the lesson allows one.
    pub actions: bool,
    /// The sequence diagram with its event stepper (`sequence`).
    pub sequence: bool,
    /// The key tracer: bytes → hash tag → CRC16 → slot → owner (`key-tracer`).
    pub keys: bool,
    /// The smart client's slot cache next to the real owners (`client`).
    pub client: bool,
}

pub fn panels(meta: &Meta) -> Panels {
    let all = meta.panels.is_empty();
    let has = |names: &[&str]| all || meta.panels.iter().any(|p| names.contains(&p.as_str()));
    let anything = meta.allow.is_empty();
    // Verbs are lowercase, Redis commands uppercase.
    let verbs = anything
        || meta
            .allow
            .iter()
            .any(|a| a.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
    let commands = anything
        || meta
            .allow
            .iter()
            .any(|a| a.chars().next().is_some_and(|c| c.is_ascii_uppercase()));
    let actions = verbs;
    Panels {
        nodes: has(&["nodes"]) || actions,
        slots: has(&["slots"]),
        beliefs: has(&["beliefs", "election", "failure-ledger"]),
        timeline: has(&["timeline", "lost-writes"]),
        messages: has(&["messages"]),
        jobs: has(&["jobs"]),
        console: has(&["console", "client"]) || commands || verbs,
        actions,
        sequence: has(&["sequence"]),
        keys: has(&["key-tracer"]),
        client: has(&["client"]),
    }
}
