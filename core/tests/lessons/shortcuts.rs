//! Mastery, not clicks: each lesson's `shortcut` blocks (the wrong fault, the
//! wrong order, the concept skipped) replayed from the learner's start state
//! must leave an objective unmet — otherwise the objectives do not check the
//! state the concept produces.

use super::{lesson_dirs, load, report, settle, start_state};
use clusterlab_core::lesson::{parse, Lesson};

/// Shortcuts a lesson with objectives must have at least.
const MIN_SHORTCUTS: usize = 2;

/// What is wrong with a lesson's shortcuts: too few of them, a step that cannot
/// run, or one that meets every objective within a minute of simulated time.
fn shortcut_problems(lesson: &Lesson) -> Vec<String> {
    let name = &lesson.file;
    let seed = lesson.meta.seed;
    let Some(start) = start_state(lesson, true) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    let count = lesson.shortcuts().count();
    if count < MIN_SHORTCUTS {
        problems.push(format!(
            "{name}:1: {count} `shortcut` block(s); a lesson with objectives needs at least {MIN_SHORTCUTS} (the wrong fault, the wrong order, the concept skipped…)"
        ));
    }
    'shortcuts: for (id, steps) in lesson.shortcuts() {
        let mut s = start.clone();
        for st in steps {
            if let Err(e) = s.play(st) {
                problems.push(format!(
                    "{name}:{}: shortcut `{id}` cannot play this step (seed {seed}): {e}",
                    st.line
                ));
                continue 'shortcuts;
            }
        }
        settle(&mut s);
        if s.all_met() {
            let line = lesson.block(id).map_or(1, |b| b.line);
            problems.push(format!(
                "{name}:{line}: shortcut `{id}` meets every objective (seed {seed}): the objectives do not check what the lesson teaches"
            ));
        }
    }
    problems
}

#[test]
fn no_shortcut_meets_the_objectives() {
    let lessons: Vec<Lesson> = lesson_dirs()
        .iter()
        .map(|d| load(&d.join("lesson.md")))
        .collect();
    let (a, b): (Vec<_>, Vec<_>) = lessons.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let problems = std::thread::scope(|scope| {
        let halves: Vec<_> = [a, b]
            .into_iter()
            .map(|half| {
                scope.spawn(move || {
                    half.into_iter()
                        .flat_map(|(_, l)| shortcut_problems(l))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        halves
            .into_iter()
            .flat_map(|h| h.join().expect("a replay panicked"))
            .collect()
    });
    report("shortcuts", problems);
}

/// The check itself: a shortcut that kills the right master passes a "A1 was
/// promoted" objective and must be reported with its seed; one that kills the
/// wrong master must not; a lone shortcut is too few.
#[test]
fn a_shortcut_that_meets_the_objectives_is_reported() {
    let text = "---\nid: t\ntitle: T\norder: 1\nseed: 77\nconfig: node-timeout=2000\n---\n```objective promoted\ncheck: promoted A1\nwhy: A1 is still a replica\n```\n```solution s\nkill A\n```\n```shortcut wrong-master\n# Killing B promotes B1, not A1.\nkill B\n```\n```shortcut same-as-solution\nkill A\n```\n";
    let lesson = parse("short.md", text).expect("valid");
    let problems = shortcut_problems(&lesson);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with(
            "short.md:19: shortcut `same-as-solution` meets every objective (seed 77)"
        ),
        "{}",
        problems[0]
    );
    let one = text.replace("```shortcut same-as-solution\nkill A\n```\n", "");
    let problems = shortcut_problems(&parse("short.md", &one).expect("valid"));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("1 `shortcut` block(s)"),
        "{}",
        problems[0]
    );
}
