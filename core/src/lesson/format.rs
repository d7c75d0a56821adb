//! A lesson file: front matter, then markdown prose cut into slides at `## `
//! headings, with fenced blocks (```` ```kind id option=value ````) that the
//! app runs. Every block has an id so the English and French files can be
//! checked to carry the same blocks.

use super::blocks::parse_block;
use super::front::{parse_meta, Meta};
use super::predicate::Predicate;
use super::step::{Step, StepAction};
use super::{LessonError, LineError};
use crate::sim::master_name;

/// A parsed lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// The name errors are reported under (the path, for files).
    pub file: String,
    /// The front matter.
    pub meta: Meta,
    /// The intro slides, in order.
    pub slides: Vec<Slide>,
    /// Every block, in file order; slides refer to them by index.
    pub blocks: Vec<Block>,
}

/// One intro slide: a `## ` heading and what follows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Slide {
    /// The slide's heading.
    pub title: String,
    /// Its prose and blocks, in order.
    pub parts: Vec<Part>,
}

/// Markdown prose, or a block (an index into [`Lesson::blocks`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Markdown prose.
    Text(String),
    /// A block, by its index in [`Lesson::blocks`].
    Block(usize),
}

/// A fenced block with its id and the line of its opening fence.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The block's id (`{#id}` on its fence), unique in the lesson.
    pub id: String,
    /// Line of its opening fence, for errors.
    pub line: usize,
    /// What the block holds.
    pub kind: BlockKind,
}

/// What a fenced block holds, by its fence's language.
#[derive(Clone, Debug, PartialEq)]
pub enum BlockKind {
    /// Commands the learner runs with one click.
    Redis(Vec<RedisLine>),
    /// A narrated script the player steps through.
    Scenario(Vec<Step>),
    /// A goal the player checks as the simulation runs.
    Objective(Objective),
    /// A ladder, from a nudge to a near-solution.
    Hint(Vec<String>),
    /// The reference solution (replayed by the tests).
    Solution(Vec<Step>),
    /// A wrong way to the objectives (the wrong fault, the wrong order, the
    /// concept skipped) that must not meet them all: the tests replay it, the
    /// app never shows it. It proves the objectives check the concept.
    Shortcut(Vec<Step>),
    /// A question to answer before the reveal.
    Quiz(Quiz),
}

/// One command of a `redis` block and the reply it must get, if stated.
#[derive(Clone, Debug, PartialEq)]
pub struct RedisLine {
    /// Line in the file, for errors.
    pub line: usize,
    /// The node it is sent to (`A> …`, else the block's `node=`, else `A`).
    pub node: String,
    /// The command's arguments, name first.
    pub args: Vec<String>,
    /// The reply it must get, if the author stated one.
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
    /// Whether redis-cli's text of a reply matches.
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
    /// Predicates that must hold at the same observation.
    pub checks: Vec<Predicate>,
    /// When it counts as met.
    pub qualifier: Qualifier,
    /// What the learner reads while it is not met.
    pub why_not: String,
}

/// A predict-then-reveal question.
#[derive(Clone, Debug, PartialEq)]
pub struct Quiz {
    /// The question.
    pub question: String,
    /// Choices and whether each is right.
    pub choices: Vec<(String, bool)>,
    /// Shown after the answer: why the right choice is right.
    pub explain: String,
}

impl Quiz {
    /// The choice that names node `node`, when every choice is a node of
    /// `nodes` (a node pick: the app lets the learner click the node itself).
    pub fn node_choice(&self, nodes: &[String], node: &str) -> Option<usize> {
        let is_node = |c: &str| nodes.iter().any(|n| n == c.trim());
        if !self.choices.iter().all(|(c, _)| is_node(c)) {
            return None;
        }
        self.choices.iter().position(|(c, _)| c.trim() == node)
    }
}

impl Lesson {
    /// The block with this id.
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

    /// The steps of the `solution` block, if the lesson has one.
    pub fn solution(&self) -> Option<&[Step]> {
        self.blocks.iter().find_map(|b| match &b.kind {
            BlockKind::Solution(s) => Some(s.as_slice()),
            _ => None,
        })
    }

    /// The shortcut blocks (id, steps), in file order.
    pub fn shortcuts(&self) -> impl Iterator<Item = (&str, &[Step])> {
        self.blocks.iter().filter_map(|b| match &b.kind {
            BlockKind::Shortcut(s) => Some((b.id.as_str(), s.as_slice())),
            _ => None,
        })
    }

    /// The quiz (block index) that gates scenario block `scenario`: the last
    /// quiz after the previous scenario (or the lesson's start) and before it.
    /// The learner commits to a prediction before the mechanism plays, so the
    /// app keeps the scenario locked until that quiz is answered.
    pub fn gate(&self, scenario: usize) -> Option<usize> {
        if !matches!(
            self.blocks.get(scenario).map(|b| &b.kind),
            Some(BlockKind::Scenario(_))
        ) {
            return None;
        }
        self.blocks[..scenario]
            .iter()
            .enumerate()
            .rev()
            .take_while(|(_, b)| !matches!(b.kind, BlockKind::Scenario(_)))
            .find(|(_, b)| matches!(b.kind, BlockKind::Quiz(_)))
            .map(|(i, _)| i)
    }

    /// Every node name the lesson may use: its topology's (`A`, `B`…, `A1`…)
    /// and the nodes its steps add.
    pub fn nodes(&self) -> Vec<String> {
        let t = &self.meta.topology;
        let mut names: Vec<String> = (0..t.masters).map(master_name).collect();
        for r in 1..=t.replicas {
            names.extend((0..t.masters).map(|m| format!("{}{r}", master_name(m))));
        }
        for b in &self.blocks {
            for s in steps_of(b) {
                if let StepAction::AddNode(n) | StepAction::AddReplica { name: n, .. } = &s.action {
                    if !names.contains(n) {
                        names.push(n.clone());
                    }
                }
            }
        }
        names
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
        BlockKind::Scenario(s) | BlockKind::Solution(s) | BlockKind::Shortcut(s) => {
            s.iter().collect()
        }
        _ => Vec::new(),
    }
}

/// Whole-lesson rules: nodes named in steps exist, objectives come with a solution.
/// (Teaching rules — shortcuts, narration, hint rungs — are the course tests'
/// job: a draft lesson must still open in the app.)
fn check(lesson: &Lesson) -> Result<(), LineError> {
    // Objectives may name a node that a later step adds.
    let names = lesson.nodes();
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
