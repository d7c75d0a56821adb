//! The teaching rules of `lessons/README.md` that read a lesson without
//! playing it: scenario steps narrated in two parts, a prediction before the
//! first scenario, hint ladders of three rungs, `why:` texts that do not give
//! the command away, `allow` entries that exist, and a recap slide last.
//! Each check returns every problem as `file:line: reason`.

use super::{course_files, report};
use clusterlab_core::command;
use clusterlab_core::lesson::{
    parse, BlockKind, Lesson, Part, Step, StepAction, CLI_COMMANDS, VERBS,
};

/// Every step of every `scenario` has both narration parts, `BEFORE >> AFTER`.
fn narration(l: &Lesson) -> Vec<String> {
    let mut out = Vec::new();
    for b in &l.blocks {
        let BlockKind::Scenario(steps) = &b.kind else {
            continue;
        };
        for s in steps {
            let missing = match (&s.say, &s.after) {
                (Some(_), Some(_)) => continue,
                (None, _) => {
                    "has no narration (`step -- what is about to happen >> what happened`)"
                }
                (Some(_), None) => "has no \"what happened\" part after ` >> `",
            };
            out.push(format!(
                "{}:{}: scenario `{}`: this step {missing}",
                l.file, s.line, b.id
            ));
        }
    }
    out
}

/// A lesson that plays a scenario asks for a prediction (a quiz) before the first one.
fn prediction_first(l: &Lesson) -> Vec<String> {
    let first = l
        .blocks
        .iter()
        .position(|b| matches!(b.kind, BlockKind::Scenario(_)));
    match first {
        Some(i) if l.gate(i).is_none() => vec![format!(
            "{}:{}: scenario `{}` plays before any quiz: put a prediction (`quiz`) before it",
            l.file, l.blocks[i].line, l.blocks[i].id
        )],
        _ => Vec::new(),
    }
}

/// Rungs a hint ladder needs: the concept, where to look, the command.
const MIN_RUNGS: usize = 3;

/// Every hint ladder has three rungs or more, and a lesson with objectives has one.
fn hint_ladders(l: &Lesson) -> Vec<String> {
    let mut out: Vec<String> = l
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Hint(rungs) if rungs.len() < MIN_RUNGS => Some(format!(
                "{}:{}: hint `{}` has {} rung(s); a ladder needs at least {MIN_RUNGS}: the concept, where to look in the app, the command",
                l.file,
                b.line,
                b.id,
                rungs.len()
            )),
            _ => None,
        })
        .collect();
    if l.objectives().next().is_some() && l.hints().next().is_none() {
        out.push(format!(
            "{}:1: a lesson with objectives needs a `hint` ladder",
            l.file
        ));
    }
    out
}

/// A word to find in a text, and whether case matters (node names and keys
/// do; step verbs and Redis command names do not).
type Needle = Vec<(String, bool)>;

/// The ways a `why:` could give a solution step away: the step as typed
/// (`kill A`, `cut C>A`, `A> SET {u}:1 x` without the node), and for a
/// container command its name with the subcommand (`CLUSTER FAILOVER`).
/// Steps of one word (`heal`, `rebalance`) name concepts too, and
/// `run`/`wait` only let time pass: they are not searched.
fn needles(step: &Step) -> Vec<Needle> {
    let ci = |w: &str| (w.to_string(), false);
    let cs = |w: &str| (w.to_string(), true);
    let command = |args: &[String]| {
        let mut n: Vec<Needle> = Vec::new();
        if let Some((name, rest)) = args.split_first() {
            n.push(
                std::iter::once(ci(name))
                    .chain(rest.iter().map(|a| cs(a)))
                    .collect(),
            );
            if let Some(sub) = rest.first() {
                if command::implements(&[name, sub]) {
                    n.push(vec![ci(name), ci(sub)]);
                }
            }
        }
        n
    };
    match &step.action {
        StepAction::Kill(n)
        | StepAction::Pause(n)
        | StepAction::Resume(n)
        | StepAction::Restart(n)
        | StepAction::AddNode(n) => {
            let verb = match &step.action {
                StepAction::Kill(_) => "kill",
                StepAction::Pause(_) => "pause",
                StepAction::Resume(_) => "resume",
                StepAction::Restart(_) => "restart",
                _ => "add-node",
            };
            vec![vec![ci(verb), cs(n)]]
        }
        StepAction::AddReplica { name, master } => {
            vec![vec![ci("add-replica"), cs(name), ci("of"), cs(master)]]
        }
        StepAction::Failover(n, _) => vec![vec![ci("failover"), cs(n)]],
        StepAction::Cut(a, b) => vec![vec![ci("cut"), cs(&format!("{a}>{b}"))]],
        StepAction::Partition(groups) => {
            let groups: Vec<String> = groups.iter().map(|g| g.join(",")).collect();
            vec![std::iter::once(ci("partition"))
                .chain(groups.iter().map(|g| cs(g)))
                .collect()]
        }
        StepAction::Reshard { from, to, .. } => {
            vec![vec![ci("reshard"), cs(from), cs("->"), cs(to)]]
        }
        StepAction::Command { args, .. } => command(args),
        StepAction::Client(args) => command(args),
        StepAction::Heal | StepAction::Rebalance | StepAction::Run(_) | StepAction::Wait { .. } => {
            Vec::new()
        }
    }
}

/// The words of a prose text, without the quotes, backticks and punctuation
/// around them (`` `kill A`, `` gives `kill`, `A`); a `partition A,A1 / B`
/// written with spaces around `/` reads as its groups.
fn prose_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '/')
        .map(|w| {
            w.trim_matches(|c: char| "`'\"«»“”‘’.,;:!?()[]*_".contains(c) || c.is_whitespace())
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn contains(words: &[String], needle: &Needle) -> bool {
    words.windows(needle.len()).any(|w| {
        w.iter().zip(needle).all(|(word, (want, case))| {
            if *case {
                word == want
            } else {
                word.eq_ignore_ascii_case(want)
            }
        })
    })
}

/// A `why:` states what is missing in terms of the concept, never a step or
/// command of the solution.
fn why_gives_nothing_away(l: &Lesson) -> Vec<String> {
    let Some(solution) = l.solution() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in &l.blocks {
        let BlockKind::Objective(o) = &b.kind else {
            continue;
        };
        let words = prose_words(&o.why_not);
        for step in solution {
            if let Some(n) = needles(step).into_iter().find(|n| contains(&words, n)) {
                let shown: Vec<&str> = n.iter().map(|(w, _)| w.as_str()).collect();
                out.push(format!(
                    "{}:{}: objective `{}`: its `why:` gives the solution's step away (`{}`, line {}); say what is missing in terms of the concept",
                    l.file,
                    b.line,
                    b.id,
                    shown.join(" "),
                    step.line
                ));
            }
        }
    }
    out
}

/// The front matter line that starts with `key:` (1-based), for reports.
fn front_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
        .map_or(1, |i| i + 1)
}

/// Whether a command runs a Lua script (`@scripting`: EVAL, EVALSHA, FCALL
/// and their `_RO` forms). The page builds the core without its `lua`
/// feature (Lua is C, and does not build for wasm32), so there they answer
/// `ERR scripting is not available in this page`, although these native
/// tests, built with Lua, run them.
fn runs_a_script(name: &str) -> bool {
    command::table::lookup(name.as_bytes()).is_some_and(|c| c.acl.contains(&"@scripting"))
}

/// Every `allow` entry is a step verb or a command (or `COMMAND SUBCOMMAND`)
/// the node implements in the page: a lesson must not offer what answers
/// `ERR unknown command`, nor a script the page cannot run.
fn allowed_things_exist(l: &Lesson, text: &str) -> Vec<String> {
    let at = front_line(text, "allow");
    l.meta
        .allow
        .iter()
        .filter_map(|a| {
            let words: Vec<&str> = a.split_whitespace().collect();
            if VERBS.contains(&a.as_str()) || CLI_COMMANDS.iter().any(|c| c.eq_ignore_ascii_case(a)) {
                None
            } else if !command::implements(&words) {
                Some(format!(
                    "{}:{at}: `allow` names `{a}`, which is neither a step verb ({}) nor a command the node implements",
                    l.file,
                    VERBS.join(", ")
                ))
            } else if runs_a_script(words[0]) {
                Some(format!(
                    "{}:{at}: `allow` names `{a}`, a script the page cannot run (it has no Lua engine)",
                    l.file
                ))
            } else {
                None
            }
        })
        .collect()
}

/// Bullets a recap slide holds.
const RECAP_BULLETS: std::ops::RangeInclusive<usize> = 3..=6;

/// The last slide is the recap, titled in the file's language, with 3 to 6 bullets.
fn recap_last(l: &Lesson, text: &str) -> Vec<String> {
    let title = if l.file.ends_with(".fr.md") {
        "Points clés à retenir"
    } else {
        "Key takeaways"
    };
    let Some(last) = l.slides.last() else {
        return vec![format!(
            "{}:1: no slides; the last one must be `## {title}`",
            l.file
        )];
    };
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, t)| t.starts_with("## "))
        .last()
        .map_or(1, |(i, _)| i + 1);
    if last.title != title {
        return vec![format!(
            "{}:{line}: the last slide is `## {}`; a lesson ends with a recap slide `## {title}`",
            l.file, last.title
        )];
    }
    let bullets = last
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Text(t) => Some(t),
            Part::Block(_) => None,
        })
        .flat_map(|t| t.lines())
        .filter(|t| t.starts_with("- ") || t.starts_with("* "))
        .count();
    if RECAP_BULLETS.contains(&bullets) {
        Vec::new()
    } else {
        vec![format!(
            "{}:{line}: the recap has {bullets} bullet(s); it needs {} to {}",
            l.file,
            RECAP_BULLETS.start(),
            RECAP_BULLETS.end()
        )]
    }
}

/// A shortcut opens with a `#` comment saying why it must not pass, so a
/// reader (and the lead reviewing a failure) knows what concept it skips.
fn shortcuts_say_why(l: &Lesson, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    l.blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Shortcut(_)))
        .filter(|b| {
            !lines
                .iter()
                .skip(b.line)
                .find(|t| !t.trim().is_empty())
                .is_some_and(|t| t.trim_start().starts_with('#'))
        })
        .map(|b| {
            format!(
                "{}:{}: shortcut `{}` needs a first `# ` line saying why it must not pass",
                l.file, b.line, b.id
            )
        })
        .collect()
}

/// Every check of this file on one lesson file.
fn teaching_problems(l: &Lesson, text: &str) -> Vec<String> {
    [
        narration(l),
        prediction_first(l),
        hint_ladders(l),
        why_gives_nothing_away(l),
        allowed_things_exist(l, text),
        recap_last(l, text),
        shortcuts_say_why(l, text),
    ]
    .concat()
}

#[test]
fn every_lesson_follows_the_teaching_rules() {
    let problems = course_files()
        .iter()
        .flat_map(|(_, text, lesson)| teaching_problems(lesson, text))
        .collect();
    report("teaching rules", problems);
}

const HEAD: &str = "---\nid: t\ntitle: T\norder: 1\nseed: 1\nallow: kill, CLUSTER NODES, CLUSTER FAILOVER, GET\n---\n";

fn lesson(body: &str) -> (Lesson, String) {
    let text = format!("{HEAD}{body}");
    (parse("bad.md", &text).expect("a valid lesson"), text)
}

/// A lesson that follows every rule, which the bad ones below break one at a time.
const GOOD: &str = "## Predict\n```quiz q\nWho flags A first?\n- B\n+ C\n> C pings it most.\n```\n```scenario s\nkill A -- A is about to stop. >> A is gone.\n```\n## Your turn\n```objective o\ncheck: promoted A1\nwhy: A1 has not won an election yet.\n```\n```hint h\n- A replica is promoted when its master is FAIL.\n- Watch A1's role in CLUSTER NODES.\n- Kill A.\n```\n```solution sol\nkill A\n```\n## Key takeaways\n- one\n- two\n- three\n";

#[test]
fn a_lesson_that_follows_the_rules_passes() {
    let (l, text) = lesson(GOOD);
    assert_eq!(teaching_problems(&l, &text), Vec::<String>::new());
}

#[test]
fn a_scenario_step_without_both_narration_parts_is_reported() {
    let (l, _) = lesson(&GOOD.replace(
        "kill A -- A is about to stop. >> A is gone.",
        "kill A -- A stops.\nrun 1s",
    ));
    let p = narration(&l);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(
        p[0].starts_with("bad.md:16: scenario `s`: this step has no \"what happened\""),
        "{}",
        p[0]
    );
    assert!(
        p[1].starts_with("bad.md:17: scenario `s`: this step has no narration"),
        "{}",
        p[1]
    );
}

#[test]
fn a_scenario_before_any_quiz_is_reported() {
    let (l, _) = lesson(&GOOD.replace(
        "```quiz q\nWho flags A first?\n- B\n+ C\n> C pings it most.\n```\n",
        "",
    ));
    let p = prediction_first(&l);
    assert_eq!(
        p,
        ["bad.md:9: scenario `s` plays before any quiz: put a prediction (`quiz`) before it"]
    );
}

#[test]
fn a_short_hint_ladder_is_reported() {
    let (l, _) = lesson(&GOOD.replace("- Watch A1's role in CLUSTER NODES.\n", ""));
    let p = hint_ladders(&l);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(
        p[0].starts_with("bad.md:23: hint `h` has 2 rung(s)"),
        "{}",
        p[0]
    );
}

#[test]
fn a_why_that_gives_the_command_away_is_reported() {
    for why in [
        "Kill A and wait.",
        "Run `kill A`.",
        "send cluster failover to A1",
        "try `GET user:1000` on B",
    ] {
        let body = GOOD
            .replace(
                "why: A1 has not won an election yet.",
                &format!("why: {why}"),
            )
            .replace(
                "```solution sol\nkill A\n",
                "```solution sol\nkill A\nA1> CLUSTER FAILOVER\nB> GET user:1000\n",
            );
        let (l, _) = lesson(&body);
        let p = why_gives_nothing_away(&l);
        assert_eq!(p.len(), 1, "{why}: {p:#?}");
        assert!(
            p[0].starts_with("bad.md:19: objective `o`: its `why:` gives the solution's step away"),
            "{}",
            p[0]
        );
    }
    // Prose about the same things in other words is fine: "kill a master" is
    // not `kill A`, and `GET` alone is not the solution's `GET user:1000`.
    let body = GOOD
        .replace(
            "why: A1 has not won an election yet.",
            "why: to kill a master is not enough; a GET alone proves nothing.",
        )
        .replace(
            "```solution sol\nkill A\n",
            "```solution sol\nkill A\nB> GET user:1000\n",
        );
    let (l, _) = lesson(&body);
    assert_eq!(why_gives_nothing_away(&l), Vec::<String>::new());
}

/// A lesson may only allow commands that exist here: WAITAOF (Redis 7.2's, so
/// never in a 7.0 node), a made-up CLUSTER subcommand and a made-up verb are
/// each reported, and so is EVAL, which the page cannot run.
#[test]
fn an_allowed_command_the_node_does_not_implement_is_reported() {
    let text = format!(
        "{}{GOOD}",
        HEAD.replace("GET\n", "GET, WAITAOF, CLUSTER FROB, explode, eval\n")
    );
    let l = parse("bad.md", &text).expect("valid");
    let p = allowed_things_exist(&l, &text);
    assert_eq!(p.len(), 4, "{p:#?}");
    assert!(
        p[0].starts_with("bad.md:6: `allow` names `WAITAOF`"),
        "{}",
        p[0]
    );
    assert!(
        p[1].starts_with("bad.md:6: `allow` names `CLUSTER FROB`"),
        "{}",
        p[1]
    );
    assert!(
        p[2].starts_with("bad.md:6: `allow` names `explode`"),
        "{}",
        p[2]
    );
    assert_eq!(
        p[3],
        "bad.md:6: `allow` names `eval`, a script the page cannot run (it has no Lua engine)"
    );
}

#[test]
fn a_shortcut_without_its_reason_is_reported() {
    let good = GOOD.replace(
        "## Key takeaways",
        "```shortcut wrong\n# Killing B promotes B1, not A1.\nkill B\n```\n## Key takeaways",
    );
    let (l, text) = lesson(&good);
    assert_eq!(shortcuts_say_why(&l, &text), Vec::<String>::new());
    let (l, text) = lesson(&good.replace("# Killing B promotes B1, not A1.\n", ""));
    assert_eq!(
        shortcuts_say_why(&l, &text),
        ["bad.md:31: shortcut `wrong` needs a first `# ` line saying why it must not pass"]
    );
}

#[test]
fn a_lesson_without_its_recap_last_is_reported() {
    let (l, text) = lesson(&GOOD.replace("## Key takeaways\n", "## Summary\n"));
    assert_eq!(
        recap_last(&l, &text),
        ["bad.md:31: the last slide is `## Summary`; a lesson ends with a recap slide `## Key takeaways`"]
    );
    let (l, text) = lesson(&GOOD.replace("- three\n", ""));
    assert_eq!(
        recap_last(&l, &text),
        ["bad.md:31: the recap has 2 bullet(s); it needs 3 to 6"]
    );
    let text = format!(
        "{HEAD}{}",
        GOOD.replace("## Key takeaways", "## Points clés à retenir")
    );
    let fr = parse("bad.fr.md", &text).expect("valid");
    assert_eq!(recap_last(&fr, &text), Vec::<String>::new());
    let (en_title_in_fr, text) = (
        parse("bad.fr.md", &format!("{HEAD}{GOOD}")).expect("valid"),
        format!("{HEAD}{GOOD}"),
    );
    assert_eq!(recap_last(&en_title_in_fr, &text).len(), 1);
}
