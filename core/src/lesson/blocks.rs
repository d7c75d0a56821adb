//! The bodies of fenced blocks: `redis` command lines with expected replies,
//! step lists, objectives, hint ladders and quizzes. Each parser reports the
//! line of the file that is wrong.

use super::format::{Block, BlockKind, Expect, Objective, Qualifier, Quiz, RedisLine};
use super::predicate::Predicate;
use super::step::{parse_duration, words, Step};
use super::LineError;

/// Parses a fenced block; `None` for a block that is not one of ours.
pub(super) fn parse_block(
    info: &str,
    line: usize,
    body: &[(usize, &str)],
) -> Result<Option<Block>, LineError> {
    let w = words(info).map_err(|m| (line, m))?;
    let Some((kind, rest)) = w.split_first() else {
        return Ok(None);
    };
    let kinds = [
        "redis",
        "scenario",
        "objective",
        "hint",
        "solution",
        "shortcut",
        "quiz",
    ];
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
        "scenario" | "solution" | "shortcut" => {
            let steps = lines
                .filter(|(_, l)| !l.trim_start().starts_with('#'))
                .map(|&(n, l)| Step::parse(l, n))
                .collect::<Result<Vec<_>, _>>()?;
            if steps.is_empty() {
                return Err((line, format!("a `{kind}` block needs at least one step")));
            }
            match kind.as_str() {
                "scenario" => BlockKind::Scenario(steps),
                "solution" => BlockKind::Solution(steps),
                _ => BlockKind::Shortcut(steps),
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
