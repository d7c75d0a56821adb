//! A lesson file: front matter, then markdown prose cut into slides at `## `
//! headings, with fenced blocks (```` ```kind id option=value ````) that the
//! app runs. Every block has an id so the English and French files can be
//! checked to carry the same blocks.

use super::front::{parse_meta, Meta};
use super::predicate::Predicate;
use super::step::{parse_duration, words, Step, StepAction};
use super::{LessonError, LineError};
use crate::sim::master_name;

/// A parsed lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// The name errors are reported under (the path, for files).
    pub file: String,
    pub meta: Meta,
    pub slides: Vec<Slide>,
    /// Every block, in file order; slides refer to them by index.
    pub blocks: Vec<Block>,
}

/// One intro slide: a `## ` heading and what follows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Slide {
    pub title: String,
    pub parts: Vec<Part>,
}

/// Markdown prose, or a block (an index into [`Lesson::blocks`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Text(String),
    Block(usize),
}

/// A fenced block with its id and the line of its opening fence.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub id: String,
    pub line: usize,
    pub kind: BlockKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum BlockKind {
    /// Commands the learner runs with one click.
    Redis(Vec<RedisLine>),
    /// A narrated script the player steps through.
    Scenario(Vec<Step>),
    Objective(Objective),
    /// A ladder, from a nudge to a near-solution.
    Hint(Vec<String>),
    /// The reference solution (replayed by the tests).
    Solution(Vec<Step>),
    Quiz(Quiz),
}

/// One command of a `redis` block and the reply it must get, if stated.
#[derive(Clone, Debug, PartialEq)]
pub struct RedisLine {
    pub line: usize,
    /// The node it is sent to (`A> …`, else the block's `node=`, else `A`).
    pub node: String,
    pub args: Vec<String>,
    pub expect: Option<Expect>,
}

/// An expected reply, compared with redis-cli's text of it.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// `=> text`: the whole reply.
    Exact(String),
    /// `=>* text`: the reply starts with it.
    Prefix(String),
}

impl Expect {
    pub fn matches(&self, reply: &str) -> bool {
        match self {
            Expect::Exact(e) => reply.trim_end() == e,
            Expect::Prefix(p) => reply.starts_with(p.as_str()),
        }
    }
}

/// When an objective counts as met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    /// It held at some observation (once met, stays met).
    Eventually,
    /// It held at every observation since the start.
    Always,
    /// It held at some observation within this many ms of the lesson's start.
    Within(u64),
}

/// A goal: every `check` must hold together.
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    pub checks: Vec<Predicate>,
    pub qualifier: Qualifier,
    /// What the learner reads while it is not met.
    pub why_not: String,
}

/// A predict-then-reveal question.
#[derive(Clone, Debug, PartialEq)]
pub struct Quiz {
    pub question: String,
    /// Choices and whether each is right.
    pub choices: Vec<(String, bool)>,
    pub explain: String,
}

impl Lesson {
    pub fn block(&self, id: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.id == id)
    }

    /// The objectives, with their block ids.
    pub fn objectives(&self) -> impl Iterator<Item = (&str, &Objective)> {
        self.blocks.iter().filter_map(|b| match &b.kind {
            BlockKind::Objective(o) => Some((b.id.as_str(), o)),
            _ => None,
        })
    }

    pub fn solution(&self) -> Option<&[Step]> {
        self.blocks.iter().find_map(|b| match &b.kind {
            BlockKind::Solution(s) => Some(s.as_slice()),
            _ => None,
        })
    }

    /// The hint ladders, in file order.
    pub fn hints(&self) -> impl Iterator<Item = &[String]> {
        self.blocks.iter().filter_map(|b| match &b.kind {
            BlockKind::Hint(h) => Some(h.as_slice()),
            _ => None,
        })
    }

    /// Block ids in file order (the EN/FR files must agree on them).
    pub fn block_ids(&self) -> Vec<&str> {
        self.blocks.iter().map(|b| b.id.as_str()).collect()
    }
}

/// Parses a lesson's text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Lesson, LessonError> {
    parse_lines(file, text).map_err(|(line, message)| LessonError {
        file: file.to_string(),
        line,
        message,
    })
}

fn parse_lines(file: &str, text: &str) -> Result<Lesson, LineError> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim()) != Some("---") {
        return Err((1, "a lesson starts with `---` and its front matter".into()));
    }
    let end = lines[1..]
        .iter()
        .position(|l| l.trim() == "---")
        .map(|i| i + 1)
        .ok_or((1, "the front matter has no closing `---`".to_string()))?;
    let meta = parse_meta(&lines[1..end], 2)?;
    let mut lesson = Lesson {
        file: file.into(),
        meta,
        slides: Vec::new(),
        blocks: Vec::new(),
    };
    let mut prose = String::new();
    let mut i = end + 1;
    while i < lines.len() {
        let line = lines[i];
        if let Some(info) = line.trim_start().strip_prefix("```") {
            let open = i + 1;
            let close = lines[i + 1..]
                .iter()
                .position(|l| l.trim() == "```")
                .map(|k| k + i + 1)
                .ok_or((open, "this fence is never closed".to_string()))?;
            let body: Vec<(usize, &str)> = (i + 1..close).map(|k| (k + 1, lines[k])).collect();
            match parse_block(info.trim(), open, &body)? {
                Some(block) => {
                    flush(&mut lesson, &mut prose);
                    if lesson.blocks.iter().any(|b| b.id == block.id) {
                        return Err((open, format!("block id `{}` is used twice", block.id)));
                    }
                    lesson.blocks.push(block);
                    let idx = lesson.blocks.len() - 1;
                    current_slide(&mut lesson).parts.push(Part::Block(idx));
                }
                // An ordinary code block (```text, ```rust…) is prose.
                None => (i..=close).for_each(|k| {
                    prose.push_str(lines[k]);
                    prose.push('\n');
                }),
            }
            i = close + 1;
            continue;
        }
        if let Some(title) = line.strip_prefix("## ") {
            flush(&mut lesson, &mut prose);
            lesson.slides.push(Slide {
                title: title.trim().into(),
                parts: Vec::new(),
            });
        } else {
            prose.push_str(line);
            prose.push('\n');
        }
        i += 1;
    }
    flush(&mut lesson, &mut prose);
    check(&lesson)?;
    Ok(lesson)
}

fn current_slide(lesson: &mut Lesson) -> &mut Slide {
    if lesson.slides.is_empty() {
        lesson.slides.push(Slide {
            title: String::new(),
            parts: Vec::new(),
        });
    }
    lesson.slides.last_mut().expect("just pushed")
}

fn flush(lesson: &mut Lesson, prose: &mut String) {
    let text = prose.trim().to_string();
    prose.clear();
    if !text.is_empty() {
        current_slide(lesson).parts.push(Part::Text(text));
    }
}

fn steps_of(b: &Block) -> Vec<&Step> {
    match &b.kind {
        BlockKind::Scenario(s) | BlockKind::Solution(s) => s.iter().collect(),
        _ => Vec::new(),
    }
}

/// Whole-lesson rules: nodes named in steps exist, objectives come with a solution.
fn check(lesson: &Lesson) -> Result<(), LineError> {
    let t = &lesson.meta.topology;
    let mut names: Vec<String> = (0..t.masters).map(master_name).collect();
    for r in 1..=t.replicas {
        names.extend((0..t.masters).map(|m| format!("{}{r}", master_name(m))));
    }
    // Objectives may name a node that a later step adds.
    for b in &lesson.blocks {
        for s in steps_of(b) {
            if let StepAction::AddNode(n) = &s.action {
                names.push(n.clone());
            }
        }
    }
    for b in &lesson.blocks {
        let steps = steps_of(b);
        let mut mentioned: Vec<(usize, &str)> = steps
            .iter()
            .flat_map(|s| s.nodes().into_iter().map(|n| (s.line, n)))
            .collect();
        match &b.kind {
            BlockKind::Redis(cmds) => {
                mentioned.extend(cmds.iter().map(|c| (c.line, c.node.as_str())))
            }
            BlockKind::Objective(o) => {
                mentioned.extend(o.checks.iter().flat_map(|p| p.nodes()).map(|n| (b.line, n)))
            }
            _ => {}
        }
        for (line, n) in mentioned {
            if !names.iter().any(|k| k == n) {
                return Err((
                    line,
                    format!(
                        "there is no node `{n}` in this lesson (nodes: {})",
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    let solutions = lesson
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Solution(_)))
        .count();
    if solutions > 1 {
        return Err((1, "a lesson has at most one `solution` block".into()));
    }
    if lesson.objectives().next().is_some() && solutions == 0 {
        return Err((
            1,
            "a lesson with objectives needs a `solution` block".into(),
        ));
    }
    Ok(())
}

/// Parses a fenced block; `None` for a block that is not one of ours.
fn parse_block(
    info: &str,
    line: usize,
    body: &[(usize, &str)],
) -> Result<Option<Block>, LineError> {
    let w = words(info).map_err(|m| (line, m))?;
    let Some((kind, rest)) = w.split_first() else {
        return Ok(None);
    };
    let kinds = ["redis", "scenario", "objective", "hint", "solution", "quiz"];
    if !kinds.contains(&kind.as_str()) {
        return Ok(None);
    }
    let Some((id, opts)) = rest.split_first() else {
        return Err((
            line,
            format!("a `{kind}` block needs an id: ```{kind} my-id"),
        ));
    };
    if id.contains('=')
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err((
            line,
            format!("`{id}` is not a block id (letters, digits, - and _)"),
        ));
    }
    let opt = |name: &str| {
        opts.iter()
            .find_map(|o| o.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
    };
    let known: &[&str] = match kind.as_str() {
        "redis" => &["node"],
        "objective" => &["within", "eventually", "always"],
        _ => &[],
    };
    for o in opts {
        let name = o.split('=').next().unwrap_or_default();
        if !known.contains(&name) {
            return Err((line, format!("unknown option `{o}` for a `{kind}` block")));
        }
    }
    let lines = body.iter().filter(|(_, l)| !l.trim().is_empty());
    let kind = match kind.as_str() {
        "redis" => BlockKind::Redis(parse_redis(opt("node").unwrap_or("A"), body)?),
        "scenario" | "solution" => {
            let steps = lines
                .filter(|(_, l)| !l.trim_start().starts_with('#'))
                .map(|&(n, l)| Step::parse(l, n))
                .collect::<Result<Vec<_>, _>>()?;
            if kind == "scenario" {
                BlockKind::Scenario(steps)
            } else {
                BlockKind::Solution(steps)
            }
        }
        "objective" => {
            let qualifier = if let Some(d) = opt("within") {
                Qualifier::Within(parse_duration(d).map_err(|m| (line, m))?)
            } else if opts.iter().any(|o| o == "always") {
                Qualifier::Always
            } else {
                Qualifier::Eventually
            };
            BlockKind::Objective(parse_objective(qualifier, line, body)?)
        }
        "hint" => {
            let mut rungs: Vec<String> = Vec::new();
            for &(n, l) in lines {
                match l.trim().strip_prefix("- ") {
                    Some(r) => rungs.push(r.into()),
                    None => match rungs.last_mut() {
                        Some(last) => {
                            last.push(' ');
                            last.push_str(l.trim());
                        }
                        None => return Err((n, "a hint rung starts with `- `".into())),
                    },
                }
            }
            if rungs.is_empty() {
                return Err((line, "a `hint` block needs at least one `- ` rung".into()));
            }
            BlockKind::Hint(rungs)
        }
        _ => BlockKind::Quiz(parse_quiz(line, body)?),
    };
    Ok(Some(Block {
        id: id.clone(),
        line,
        kind,
    }))
}

fn parse_redis(default: &str, body: &[(usize, &str)]) -> Result<Vec<RedisLine>, LineError> {
    let mut out: Vec<RedisLine> = Vec::new();
    for &(n, raw) in body {
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let expect = if let Some(p) = l.strip_prefix("=>*") {
            Some(Expect::Prefix(p.trim().into()))
        } else {
            l.strip_prefix("=>").map(|e| Expect::Exact(e.trim().into()))
        };
        if let Some(e) = expect {
            match out.last_mut() {
                Some(c) if c.expect.is_none() => c.expect = Some(e),
                _ => {
                    return Err((
                        n,
                        "`=>` states the reply of the command on the line above".into(),
                    ))
                }
            }
            continue;
        }
        let (node, cmd) = match l.split_once("> ") {
            Some((node, cmd)) if !node.contains(' ') => (node, cmd),
            _ => (default, l),
        };
        out.push(RedisLine {
            line: n,
            node: node.into(),
            args: words(cmd).map_err(|m| (n, m))?,
            expect: None,
        });
    }
    if out.is_empty() {
        return Err((
            body.first().map_or(1, |b| b.0),
            "a `redis` block needs a command".into(),
        ));
    }
    Ok(out)
}

fn parse_objective(
    qualifier: Qualifier,
    line: usize,
    body: &[(usize, &str)],
) -> Result<Objective, LineError> {
    let mut o = Objective {
        checks: Vec::new(),
        qualifier,
        why_not: String::new(),
    };
    let mut in_why = false;
    for &(n, raw) in body {
        let l = raw.trim();
        if let Some(p) = l.strip_prefix("check:") {
            o.checks.push(Predicate::parse(p).map_err(|m| (n, m))?);
            in_why = false;
        } else if let Some(w) = l.strip_prefix("why:") {
            o.why_not = w.trim().into();
            in_why = true;
        } else if in_why && !l.is_empty() {
            o.why_not.push(' ');
            o.why_not.push_str(l);
        } else if !l.is_empty() {
            return Err((
                n,
                format!("expected `check: PREDICATE` or `why: TEXT`, found `{l}`"),
            ));
        }
    }
    if o.checks.is_empty() {
        return Err((line, "an objective needs at least one `check:` line".into()));
    }
    if o.why_not.is_empty() {
        return Err((
            line,
            "an objective needs a `why:` text (shown while it is not met)".into(),
        ));
    }
    Ok(o)
}

fn parse_quiz(line: usize, body: &[(usize, &str)]) -> Result<Quiz, LineError> {
    let mut q = Quiz {
        question: String::new(),
        choices: Vec::new(),
        explain: String::new(),
    };
    for &(_, raw) in body {
        let l = raw.trim();
        if let Some(c) = l.strip_prefix("- ") {
            q.choices.push((c.into(), false));
        } else if let Some(c) = l.strip_prefix("+ ") {
            q.choices.push((c.into(), true));
        } else if let Some(e) = l.strip_prefix("> ") {
            q.explain = format!("{} {e}", q.explain).trim().into();
        } else if !l.is_empty() {
            q.question = format!("{} {l}", q.question).trim().into();
        }
    }
    if q.question.is_empty() || !q.choices.iter().any(|c| c.1) {
        return Err((
            line,
            "a quiz needs a question and at least one right `+ ` choice".into(),
        ));
    }
    Ok(q)
}
