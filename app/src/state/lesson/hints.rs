//! The lesson console's help, as the playground's console gives it (redis-cli's argument hint
//! while typing and `HELP`, from the core's `command::cli`), limited to what the lesson allows:
//! a hint or a `HELP` never shows a command the lesson refuses, only that it is refused. The
//! lesson's steps (`kill A`, `run 5s`) get hints too, in the learner's language.

use clusterlab_core::command::cli;
use clusterlab_core::lesson::{Meta, CLI_COMMANDS, VERBS};
use clusterlab_core::resp::split_args;

use crate::i18n::{fill, Lang, Msg};

/// Container commands whose subcommand names the action (`CLUSTER NODES`), as the lesson's
/// refusal names them.
fn is_container(word: &str) -> bool {
    cli::help(&[word]).iter().any(|h| h.name.contains(' '))
}

/// A console line without its `B> ` prefix (a line addressed to another node).
fn body(line: &str) -> &str {
    match line.split_once("> ") {
        Some((n, rest)) if !n.is_empty() && !n.contains(' ') => rest,
        _ => line,
    }
}

/// What a lesson step takes after its verb, in `lang` (`NODE`, `FROM -> TO COUNT`).
pub fn verb_usage(verb: &str, lang: Lang) -> Option<&'static str> {
    let msg = match verb {
        "kill" | "pause" | "resume" | "restart" => Msg::UsageNode,
        "partition" => Msg::UsagePartition,
        "cut" => Msg::UsageCut,
        "failover" => Msg::UsageFailover,
        "run" => Msg::UsageRun,
        "wait" => Msg::UsageWait,
        "client" => Msg::UsageClient,
        "reshard" => Msg::UsageReshard,
        "add-node" => Msg::UsageAddNode,
        "add-replica" => Msg::UsageAddReplica,
        "heal" | "rebalance" => return Some(""),
        _ => return None,
    };
    Some(lang.t(msg))
}

/// `usage` without the `typed` words already given (redis-cli's `hintsCallback` shrinks a
/// command's usage the same way); `None` when nothing is left.
fn rest_of(usage: &str, typed: usize) -> Option<String> {
    let rest: Vec<&str> = usage
        .split(' ')
        .filter(|w| !w.is_empty())
        .skip(typed)
        .collect();
    (!rest.is_empty()).then(|| rest.join(" "))
}

/// The subcommands of `container` the lesson allows (`NODES|INFO`), or `None` when it allows
/// them all.
fn allowed_subcommands(meta: &Meta, container: &str) -> Option<Vec<String>> {
    if meta.allows(container) {
        return None;
    }
    let prefix = format!("{} ", container.to_ascii_uppercase());
    Some(
        cli::help(&[container])
            .into_iter()
            .filter_map(|h| h.name.strip_prefix(&prefix).map(str::to_string))
            .filter(|sub| meta.allows(&format!("{prefix}{sub}")))
            .collect(),
    )
}

/// The hint under the lesson console's prompt for `line` (as the playground's console shows
/// it, without redis-cli's leading space): the arguments still to type, or that the lesson
/// refuses the command (never the usage of a refused command).
pub fn hint(meta: &Meta, line: &str, lang: Lang) -> Option<String> {
    let line = body(line.trim_start());
    let argv = split_args(line.as_bytes())?;
    let words: Vec<String> = argv
        .iter()
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    let first = words.first()?.clone();
    let refused = |name: &str| Some(fill(lang.t(Msg::HintRefused), &[name]));
    let verb = first.to_ascii_lowercase();
    // `wait` is both Redis's WAIT and the lesson step that waits for a condition (`wait
    // promoted A1 within 30s`). Where the lesson allows WAIT, the hint is Redis's (below).
    // Where it does not, the line can only be the step: the hint names it as the lesson's
    // step, whole (its condition is several words, so it does not shrink as they are typed),
    // and says that Redis's WAIT is not part of the lesson, so that a learner who meant WAIT
    // does not take the step's arguments for Redis's.
    if verb == "wait" && !meta.allows("WAIT") {
        return Some(fill(lang.t(Msg::HintWaitStep), &[verb_usage(&verb, lang)?]));
    }
    // `client ARG…` is always the step (the smart client).
    let as_step = VERBS.contains(&verb.as_str()) && verb != "wait";
    if as_step {
        // Letting time pass (`run`) is always allowed.
        if verb != "run" && !meta.allows(&verb) {
            return refused(&verb);
        }
        return rest_of(verb_usage(&verb, lang)?, words.len() - 1);
    }
    if verb == "redis-cli" {
        let allowed: Vec<&str> = CLI_COMMANDS
            .iter()
            .filter(|c| meta.allows(c))
            .filter_map(|c| c.strip_prefix("redis-cli --cluster "))
            .collect();
        if allowed.is_empty() {
            return refused("redis-cli");
        }
        let usage = format!("--cluster {} [host:port]", allowed.join("|"));
        return rest_of(&usage, words.len() - 1);
    }
    if verb == "help" {
        return None;
    }
    let upper = first.to_ascii_uppercase();
    if is_container(&first) {
        let sub = words.get(1).map(|s| s.to_ascii_uppercase());
        let known = sub.as_ref().filter(|s| !cli::help(&[&first, s]).is_empty());
        match (known, allowed_subcommands(meta, &upper)) {
            (Some(sub), _) => {
                let name = format!("{upper} {sub}");
                if !meta.allows(&name) {
                    return refused(&name);
                }
            }
            (None, Some(subs)) if subs.is_empty() => return refused(&upper),
            // Still to choose: the subcommands this lesson allows.
            (None, Some(subs)) if words.len() == 1 => {
                return rest_of(&subs.join("|"), 0);
            }
            (None, _) => {}
        }
    } else if cli::help(&[&first]).is_empty() {
        return None;
    } else if !meta.allows(&upper) {
        return refused(&upper);
    }
    cli::hint(line)
        .map(|h| h.trim_start().to_string())
        .filter(|h| !h.is_empty())
}

/// `help WORD…` typed in a lesson console: redis-cli's help for the commands the lesson
/// allows, else why there is none. `(text, refused)`.
pub fn help(meta: &Meta, words: &[&str], lang: Lang) -> (String, bool) {
    let allowed_text = || {
        if meta.allow.is_empty() {
            lang.t(Msg::AllowedAll).to_string()
        } else {
            fill(lang.t(Msg::Allowed), &[&meta.allow.join(", ")])
        }
    };
    let Some(first) = words.first() else {
        return (
            format!("{}\n{}", lang.t(Msg::LessonHelp), allowed_text()),
            false,
        );
    };
    let found = cli::help(words);
    let with_group = !first.starts_with('@');
    // A container's own entry (`CLUSTER`) only when the lesson allows all of it.
    let shown: Vec<String> = found
        .iter()
        .filter(|h| meta.allows(&h.name))
        .map(|h| h.text(with_group))
        .collect();
    if !shown.is_empty() {
        return (shown.concat().trim_matches('\n').to_string(), false);
    }
    let named = words.join(" ");
    let verb = first.to_ascii_lowercase();
    if found.is_empty() {
        return match verb_usage(&verb, lang) {
            Some(_) if !meta.allows(&verb) && !matches!(verb.as_str(), "run" | "wait") => {
                (refusal(meta, &verb, lang), true)
            }
            Some(usage) => (step_help(&verb, usage, lang), false),
            None => (fill(lang.t(Msg::NoHelp), &[&named]), true),
        };
    }
    let refused = refusal(meta, &named.to_ascii_uppercase(), lang);
    match verb_usage(&verb, lang) {
        // `help wait` where Redis's WAIT is refused: the refusal, then the lesson step of the
        // same name, which is always allowed (as the hint says).
        Some(usage) if verb == "wait" && words.len() == 1 => (
            format!("{refused}\n{}", step_help(&verb, usage, lang)),
            true,
        ),
        _ => (refused, true),
    }
}

/// `Lesson step: `kill NODE``: a step's usage, as `help STEP` prints it.
fn step_help(verb: &str, usage: &str, lang: Lang) -> String {
    fill(
        lang.t(Msg::StepHelp),
        &[format!("{verb} {usage}").trim_end()],
    )
}

/// The lesson's refusal of `name`, as the console prints it.
fn refusal(meta: &Meta, name: &str, lang: Lang) -> String {
    fill(lang.t(Msg::NotAllowed), &[name, &meta.allow.join(", ")])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::lesson::index_of_dir;
    use crate::state::lesson::rules::load;

    fn meta(dir: &str) -> Meta {
        load(index_of_dir(dir).expect("a lesson"), Lang::En)
            .expect("parses")
            .meta
    }

    /// Redis's command groups (`help @GROUP`), to try every command.
    const GROUPS: [&str; 16] = [
        "@generic",
        "@string",
        "@list",
        "@set",
        "@sorted-set",
        "@hash",
        "@pubsub",
        "@transactions",
        "@connection",
        "@server",
        "@scripting",
        "@hyperloglog",
        "@cluster",
        "@geo",
        "@stream",
        "@bitmap",
    ];

    /// Lesson 08 allows kill, pause, resume, restart, failover, CLUSTER NODES and CLUSTER INFO.
    #[test]
    fn hints_follow_the_lessons_allow_list() {
        let m = meta("08-failover");
        let h = |line: &str, lang| hint(&m, line, lang);
        assert_eq!(h("CLUSTER ", Lang::En).as_deref(), Some("INFO|NODES"));
        assert_eq!(h("cluster", Lang::En).as_deref(), Some("INFO|NODES"));
        assert_eq!(h("CLUSTER NODES", Lang::En), None);
        assert_eq!(
            h("CLUSTER SETSLOT ", Lang::En).as_deref(),
            Some("CLUSTER SETSLOT: not part of this lesson")
        );
        assert_eq!(
            h("GET k", Lang::Fr).as_deref(),
            Some("GET\u{202f}: ne fait pas partie de cette leçon")
        );
        assert_eq!(h("kill", Lang::En).as_deref(), Some("NODE"));
        assert_eq!(h("kill ", Lang::Fr).as_deref(), Some("NŒUD"));
        assert_eq!(h("kill A", Lang::En), None);
        assert_eq!(
            h("failover A1 ", Lang::En).as_deref(),
            Some("[force|takeover]")
        );
        assert_eq!(h("run ", Lang::Fr).as_deref(), Some("DURÉE"));
        // `wait` is Redis's WAIT, which lesson 08 refuses, and the lesson's step: the hint
        // names the step as the lesson's and says WAIT is not part of it, whatever is typed.
        for line in ["wait", "WAIT ", "wait 1 0", "wait promoted A1 within 30s"] {
            assert_eq!(
                h(line, Lang::En).as_deref(),
                Some("lesson step: wait CONDITION [within DURATION] (Redis's WAIT is not part of this lesson)"),
                "{line}"
            );
        }
        assert_eq!(
            h("wait ", Lang::Fr).as_deref(),
            Some("étape de leçon\u{202f}: wait CONDITION [within DURÉE] (le WAIT de Redis ne fait pas partie de cette leçon)")
        );
        assert_eq!(
            h("partition A", Lang::En).as_deref(),
            Some("partition: not part of this lesson")
        );
        assert_eq!(
            h("redis-cli --cluster", Lang::En).as_deref(),
            Some("redis-cli: not part of this lesson")
        );
        assert_eq!(h("", Lang::En), None);
        assert_eq!(h("NOSUCH x", Lang::En), None);
        // Lesson 13 allows three redis-cli commands and CONFIG GET/SET.
        let ops = meta("13-operations");
        assert_eq!(
            hint(&ops, "redis-cli ", Lang::En).as_deref(),
            Some("--cluster check|info|fix [host:port]")
        );
        assert_eq!(hint(&ops, "CONFIG ", Lang::En).as_deref(), Some("GET|SET"));
        assert_eq!(
            hint(&ops, "CONFIG SET ", Lang::En).as_deref(),
            Some("parameter value [parameter value ...]")
        );
    }

    /// A lesson that allows everything hints like the playground's console, and a line sent
    /// to another node (`B> …`) is hinted for its command.
    #[test]
    fn the_sandbox_hints_every_command() {
        let m = meta("14-sandbox");
        assert!(m.allow.is_empty());
        for line in ["ZRANGE k ", "GET", "CLUSTER SETSLOT ", "CLUSTER "] {
            let playground = cli::hint(line)
                .map(|h| h.trim_start().to_string())
                .filter(|h| !h.is_empty());
            assert_eq!(hint(&m, line, Lang::En), playground, "{line}");
            assert_eq!(
                hint(&m, &format!("B> {line}"), Lang::En),
                playground,
                "{line}"
            );
        }
        assert_eq!(
            hint(&m, "client ", Lang::En).as_deref(),
            Some("COMMAND [ARG …]")
        );
        assert_eq!(
            hint(&m, "wait ", Lang::En).as_deref(),
            Some("numreplicas timeout")
        );
    }

    /// In every lesson, every Redis command typed gets either its usage (when the lesson
    /// allows it) or the refusal: never the usage of a command the lesson refuses, and a
    /// container lists only subcommands the lesson allows.
    #[test]
    fn no_hint_shows_a_refused_command() {
        let dirs = clusterlab_core::lesson::COURSE.iter().map(|f| f.dir);
        for dir in dirs {
            let m = meta(dir);
            for group in GROUPS {
                for h in cli::help(&[group]) {
                    let line = format!("{} ", h.name);
                    let got = hint(&m, &line, Lang::En);
                    let refused = got
                        .as_deref()
                        .is_some_and(|g| g.ends_with("not part of this lesson"));
                    // WAIT typed without the lesson allowing it is hinted as the `wait` step,
                    // saying that Redis's WAIT is not part of the lesson.
                    if h.name == "WAIT" && !m.allows("WAIT") {
                        let got = got.unwrap_or_default();
                        assert!(
                            got.starts_with("lesson step: wait ")
                                && got.ends_with("(Redis's WAIT is not part of this lesson)"),
                            "{dir}: {got}"
                        );
                        continue;
                    }
                    let container = h.params.is_empty() && !h.name.contains(' ');
                    if container {
                        for sub in got.iter().filter(|_| !refused).flat_map(|g| g.split('|')) {
                            let full = format!("{} {sub}", h.name);
                            assert!(m.allows(&full), "{dir}: `{line}` offers {full}");
                        }
                        continue;
                    }
                    assert_eq!(refused, !m.allows(&h.name), "{dir}: `{line}` → {got:?}");
                }
            }
            for verb in VERBS {
                let got = hint(&m, &format!("{verb} "), Lang::En);
                let refused = got
                    .as_deref()
                    .is_some_and(|g| g.ends_with("not part of this lesson"));
                let free = matches!(*verb, "run" | "wait");
                if !free && !m.allows(verb) {
                    assert!(refused, "{dir}: `{verb}` → {got:?}");
                }
            }
        }
    }

    /// Every hint and HELP note a French lesson console writes follows French typography and
    /// the glossary.
    #[test]
    fn french_hints_and_help_follow_french_typography() {
        use crate::i18n::french::lesson_faults;
        for file in clusterlab_core::lesson::COURSE {
            let m = meta(file.dir);
            let lines = [
                "GET ",
                "CLUSTER SETSLOT ",
                "CLUSTER ",
                "kill ",
                "partition A",
                "redis-cli ",
                "CONFIG ",
                "wait ",
            ];
            let hints = lines.iter().filter_map(|l| hint(&m, l, Lang::Fr));
            let helps: [&[&str]; 7] = [
                &[],
                &["GET"],
                &["nosuch"],
                &["kill"],
                &["partition"],
                &["@cluster"],
                &["wait"],
            ];
            // `help GET` where the lesson allows GET is redis-cli's own help, as it prints it
            // in any language: only the page's words are French.
            let helps = helps
                .iter()
                .map(|w| (help(&m, w, Lang::Fr).0, help(&m, w, Lang::En).0))
                .filter(|(fr, en)| fr != en)
                .map(|(fr, _)| fr);
            for text in hints.chain(helps) {
                let faults = lesson_faults(&text, &m.allow);
                assert!(faults.is_empty(), "{}: {text}: {faults:?}", file.dir);
            }
        }
    }

    /// `HELP` in a lesson: redis-cli's help for what the lesson allows, the refusal for the
    /// rest, a lesson step's usage, and the allow list.
    #[test]
    fn help_is_limited_to_the_lesson() {
        let m = meta("08-failover");
        let (text, refused) = help(&m, &["CLUSTER"], Lang::En);
        assert!(!refused);
        assert!(
            text.contains("CLUSTER NODES \n  summary:") || text.contains("CLUSTER NODES\n"),
            "{text}"
        );
        assert!(text.contains("CLUSTER INFO"), "{text}");
        assert!(
            !text.contains("SETSLOT") && !text.contains("container"),
            "{text}"
        );
        let (text, refused) = help(&m, &["get"], Lang::En);
        assert!(refused);
        assert!(
            text.starts_with("(error) `GET` is not part of this lesson"),
            "{text}"
        );
        let (text, refused) = help(&m, &["@cluster"], Lang::Fr);
        assert!(
            !refused && text.contains("CLUSTER NODES") && !text.contains("MEET"),
            "{text}"
        );
        assert_eq!(
            help(&m, &["kill"], Lang::Fr),
            ("Étape de leçon\u{202f}: `kill NŒUD`".into(), false)
        );
        assert!(
            help(&m, &["heal"], Lang::En).1,
            "heal is not allowed in lesson 08"
        );
        let (text, refused) = help(&m, &["nosuch"], Lang::Fr);
        assert!(
            refused && text.starts_with("Pas d'aide pour «\u{202f}nosuch\u{202f}»"),
            "{text}"
        );
        // `help wait`: Redis's WAIT is refused, the lesson step of that name is not.
        let (text, refused) = help(&m, &["wait"], Lang::En);
        assert!(refused);
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            [
                "(error) `WAIT` is not part of this lesson. Allowed: kill, pause, resume, restart, failover, CLUSTER NODES, CLUSTER INFO",
                "Lesson step: `wait CONDITION [within DURATION]`",
            ]
        );
        // Lesson 11 allows WAIT: its help is Redis's.
        let (text, refused) = help(&meta("11-consistency"), &["wait"], Lang::En);
        assert!(
            !refused && text.trim_start().starts_with("WAIT numreplicas timeout"),
            "{text}"
        );
        let (text, refused) = help(&m, &[], Lang::En);
        assert!(!refused);
        assert!(text.ends_with("This lesson allows: kill, pause, resume, restart, failover, CLUSTER NODES, CLUSTER INFO"), "{text}");
    }
}
