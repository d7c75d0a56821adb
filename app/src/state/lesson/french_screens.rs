//! No English left on a French screen: every lesson walked in French as a learner meets it
//! (its predictions answered, every `redis` block run, errors provoked in its console, the
//! solution played), and every text the page writes itself compared with what it writes in
//! English. Redis's and redis-cli's words stay as printed (the page says what real Redis
//! says); anything else that reads the same in both languages was left in English.

use clusterlab_core::lesson::{parse, BlockKind, Lesson, Part, COURSE};

use super::player::*;
use super::*;
use crate::i18n::french::lesson_faults;
use crate::state::{Action, Model};
use crate::view_model::objective::seen_text;

/// Texts that read the same in both languages on purpose: names, commands, Redis's words.
/// Each was reviewed; add one only when French would say it the same way.
const SAME_IN_BOTH: &[&str] = &[];

/// The words of `text` a reader takes as language: without code spans (`…`), Redis's words
/// in capitals (`CLUSTER NODES`, `MOVED`), node names (`A1`), numbers and symbols.
fn words(text: &str) -> Vec<String> {
    text.split('`')
        .step_by(2)
        .flat_map(str::split_whitespace)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| {
            let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
            letters.len() >= 2 && !letters.iter().all(|c| c.is_uppercase())
        })
        .collect()
}

/// What is wrong with one text the page shows in French (`fr`), next to the same text in
/// English (`en`): left in English, or French typography broken.
fn problems(place: &str, fr: &str, en: &str, allow: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if fr == en && words(fr).len() >= 2 && !SAME_IN_BOTH.contains(&fr) {
        out.push(format!("{place}: left in English: {fr:?}"));
    }
    out.extend(
        lesson_faults(fr, allow)
            .into_iter()
            .map(|f| format!("{place}: {f}: {fr:?}")),
    );
    out
}

/// Redis's or redis-cli's own words, printed as they are in both languages: a reply (except
/// the simulated cluster client's failures and the page's refusal of scripting, which are
/// the page's), or redis-cli failing to connect.
fn redis_words(said: &Said) -> bool {
    let Output::Text(text) = &said.output else {
        return false;
    };
    if said.failed {
        text.starts_with("Could not connect to Redis at ")
    } else {
        !text.starts_with("(client error) ")
            && text.strip_prefix("(error) ") != Some(crate::i18n::Msg::NoLua.text(Lang::En))
    }
}

/// Console lines that make the lesson answer in its own words: refusals, help, the engine's
/// errors (a step without its node, a node that does not exist, a bad duration, a `wait`
/// that gives up).
const PROVOKE: &[&str] = &[
    "help",
    "help kill",
    "help nosuch",
    "kill",
    "kill Z",
    "run 5x",
    "failover A1 sideways",
    "wait up Z within 200ms",
    "wait role(A) == replica within 200ms",
    "pause B",
    "B> GET k",
    "resume B",
    "client GET k",
];

/// The page's own texts at the player's current position: every answer it keeps (console,
/// `redis` blocks, scenario steps, the solution), the objectives' observations and the
/// node buttons' refusals, each in French and in English.
fn shown_now(p: &Player) -> Vec<(String, String, String)> {
    let meta = &p.lesson.meta;
    let mut out = Vec::new();
    let m = p.moment();
    let saids = m
        .replies
        .values()
        .flatten()
        .chain(&m.console)
        .chain(&m.narration)
        .chain(&m.solution);
    for said in saids.filter(|s| !redis_words(s)) {
        out.push((
            format!("answer to `{}`", said.input),
            said.text(meta, Lang::Fr),
            said.text(meta, Lang::En),
        ));
    }
    for o in p.session().objectives() {
        out.push((
            format!("objective {} now", o.id),
            seen_text(&o.seen, Lang::Fr),
            seen_text(&o.seen, Lang::En),
        ));
    }
    for idx in 0..p.session().sim().nodes().len() {
        for (fr, en) in p
            .node_acts(idx, Lang::Fr)
            .into_iter()
            .zip(p.node_acts(idx, Lang::En))
        {
            if let (Some(why_fr), Some(why_en)) = (fr.refused, en.refused) {
                out.push((format!("button {}", fr.line), why_fr, why_en));
            }
        }
    }
    out
}

fn work(m: &mut Model, a: LessonAction) {
    m.apply(Action::Lesson(a));
    while m.course.player.as_ref().is_some_and(|p| p.busy.is_some()) {
        m.apply(Action::Lesson(LessonAction::Work));
    }
}

fn player(m: &Model) -> &Player {
    m.course.player.as_ref().expect("a lesson is open")
}

/// One lesson walked in French: how many texts the page wrote itself on the way, and their
/// problems.
fn walk(index: usize) -> (usize, Vec<String>) {
    let mut m = Model::new();
    m.apply(Action::SetLang(Lang::Fr));
    work(&mut m, LessonAction::Open { index, at: 0 });
    let mut seen = Vec::new();
    loop {
        let p = player(&m);
        let here = p.pos().slide;
        let blocks: Vec<usize> = p.lesson.slides[here]
            .parts
            .iter()
            .filter_map(|part| match part {
                Part::Block(b) if matches!(p.lesson.blocks[*b].kind, BlockKind::Redis(_)) => {
                    Some(*b)
                }
                _ => None,
            })
            .collect();
        for b in blocks {
            work(&mut m, LessonAction::RunBlock(b));
        }
        if player(&m).at == player(&m).turn {
            for line in PROVOKE {
                work(&mut m, LessonAction::Console(line.to_string()));
            }
        }
        seen.extend(shown_now(player(&m)));
        if let Some(quiz) = player(&m).locked_by() {
            work(
                &mut m,
                LessonAction::Answer {
                    block: quiz,
                    choice: 0,
                },
            );
        }
        if !player(&m).can_forward() {
            break;
        }
        work(&mut m, LessonAction::Forward);
    }
    if player(&m).lesson.solution().is_some() {
        work(&mut m, LessonAction::AskSolution);
        work(&mut m, LessonAction::StartSolution);
        seen.extend(shown_now(player(&m)));
    }
    let dir = COURSE[index].dir;
    let allow = player(&m).lesson.meta.allow.clone();
    let problems = seen
        .iter()
        .flat_map(|(place, fr, en)| problems(&format!("{dir} {place}"), fr, en, &allow))
        .collect();
    (seen.len(), problems)
}

/// The learner's texts of a lesson file (titles, prose, predictions, narrations, `why:`
/// texts, hints), in file order, each with where it is.
fn lesson_texts(lesson: &Lesson) -> Vec<(String, String)> {
    let mut out = vec![("title".to_string(), lesson.meta.title.clone())];
    for (s, slide) in lesson.slides.iter().enumerate() {
        out.push((format!("slide {s} heading"), slide.title.clone()));
        for (k, part) in slide.parts.iter().enumerate() {
            if let Part::Text(text) = part {
                out.push((format!("slide {s} text {k}"), without_fences(text)));
            }
        }
    }
    for b in &lesson.blocks {
        let id = &b.id;
        match &b.kind {
            BlockKind::Quiz(q) => {
                out.push((format!("quiz {id}"), q.question.clone()));
                for (c, (choice, _)) in q.choices.iter().enumerate() {
                    out.push((format!("quiz {id} choice {c}"), choice.clone()));
                }
                out.push((format!("quiz {id} explanation"), q.explain.clone()));
            }
            BlockKind::Objective(o) => out.push((format!("objective {id}"), o.why_not.clone())),
            BlockKind::Hint(rungs) => out.extend(
                rungs
                    .iter()
                    .enumerate()
                    .map(|(r, t)| (format!("hint {id} rung {r}"), t.clone())),
            ),
            BlockKind::Scenario(steps) | BlockKind::Solution(steps) => {
                for (n, st) in steps.iter().enumerate() {
                    for said in st.say.iter().chain(&st.after) {
                        out.push((format!("{id} step {n}"), said.clone()));
                    }
                }
            }
            BlockKind::Redis(_) | BlockKind::Shortcut(_) => {}
        }
    }
    out
}

/// Prose without its ```` ``` ```` fences (commands and replies shown as printed).
fn without_fences(text: &str) -> String {
    text.split("```").step_by(2).collect::<Vec<_>>().join(" ")
}

/// Each French lesson file says in French what its English twin says: no title, slide,
/// prediction, narration, `why:` or hint rung left as the English wrote it.
#[test]
fn french_lesson_files_leave_no_english() {
    let mut bad = Vec::new();
    for file in COURSE {
        let en = parse(file.dir, file.en).expect("the English lesson parses");
        let fr = parse(file.dir, file.fr).expect("the French lesson parses");
        let (en, fr) = (lesson_texts(&en), lesson_texts(&fr));
        assert_eq!(en.len(), fr.len(), "{}: the two files differ", file.dir);
        for ((place, en), (_, fr)) in en.iter().zip(&fr) {
            if fr == en && words(fr).len() >= 2 && !SAME_IN_BOTH.contains(&fr.as_str()) {
                bad.push(format!("{} {place}: left in English: {fr:?}", file.dir));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Every lesson walked in French: no text the page writes itself is left in English, and
/// each follows French typography.
#[test]
fn every_lesson_walked_in_french_shows_no_english() {
    let mut bad = Vec::new();
    for (index, file) in COURSE.iter().enumerate() {
        let (texts, problems) = walk(index);
        // Refusals, help, errors and observations at least: a walk that reads nothing
        // would pass vacuously.
        assert!(texts >= 10, "{}: only {texts} texts read", file.dir);
        bad.extend(problems);
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The check itself: an English text shown on a French page fails, a translated one and
/// Redis's own reply pass.
#[test]
fn the_check_catches_english_and_spares_redis() {
    let english = "B did not answer within 10 s";
    assert!(!problems("x", english, english, &[]).is_empty());
    assert!(problems("x", "B n'a pas répondu en 10\u{a0}s", english, &[]).is_empty());
    assert!(problems("x", "A1", "A1", &[]).is_empty());
    assert!(!problems("x", "Le failover de A", english, &[]).is_empty());
    let reply = |text: &str, failed| Said {
        input: "A> GET k".into(),
        output: Output::Text(text.into()),
        failed,
    };
    assert!(redis_words(&reply(
        "(error) MOVED 1649 127.0.0.1:7001",
        false
    )));
    assert!(redis_words(&reply(
        "Could not connect to Redis at 127.0.0.1:7000: Connection refused",
        true
    )));
    assert!(!redis_words(&reply("B did not answer within 10 s", true)));
    assert!(!redis_words(&reply("(client error) TTL exhausted", false)));
}
