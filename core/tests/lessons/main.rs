//! The course in `../lessons/`: every file parses, the English and French
//! files carry the same blocks, and every lesson's solution, replayed with
//! its seed, meets the objectives that the demonstrations alone do not.
//! The teaching rules of `lessons/README.md` (shortcuts that must fail,
//! narration, predictions, hint ladders, recap, French typography, chapter
//! coverage) are checked in `lessons/*.rs`, each against the real course and
//! against a small bad lesson, so that no check can pass vacuously.

mod coverage;
mod french;
mod served;
mod shortcuts;
mod teaching;

use clusterlab_core::lesson::{parse, BlockKind, Lesson, Predicate, Session, COURSE};
use std::path::{Path, PathBuf};

/// The repository's root (the lesson files are reported relative to it).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every lesson file of the course: its name as reported, its text and the
/// parsed lesson, English then French for each folder.
fn course_files() -> Vec<(String, String, Lesson)> {
    lesson_dirs()
        .iter()
        .flat_map(|d| [d.join("lesson.md"), d.join("lesson.fr.md")])
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let lesson = load(&path);
            (lesson.file.clone(), text, lesson)
        })
        .collect()
}

/// Fails with every problem found at once (one per line), so a lesson writer
/// sees the whole list instead of fixing one file per test run.
fn report(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s)\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn lesson_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("lessons/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn load(path: &Path) -> Lesson {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .unwrap_or(path);
    parse(&name.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_lesson_parses_in_both_languages_with_the_same_blocks() {
    let dirs = lesson_dirs();
    assert!(dirs.len() >= 14, "the course has at least 14 lessons");
    let mut last_order = 0;
    for dir in dirs {
        let en = load(&dir.join("lesson.md"));
        let fr = load(&dir.join("lesson.fr.md"));
        assert_eq!(
            en.block_ids(),
            fr.block_ids(),
            "{}: EN and FR block ids differ",
            dir.display()
        );
        assert_eq!(en.meta.id, fr.meta.id, "{}: ids differ", dir.display());
        assert_eq!(en.meta.order, fr.meta.order, "{}", dir.display());
        assert_eq!(en.meta.seed, fr.meta.seed, "{}", dir.display());
        assert_eq!(en.meta.topology, fr.meta.topology, "{}", dir.display());
        assert!(
            en.meta.order > last_order,
            "{}: order must grow with the folder name",
            dir.display()
        );
        last_order = en.meta.order;
        // The logic lives in the blocks: both languages must run the same steps.
        for (a, b) in en.blocks.iter().zip(&fr.blocks) {
            let same = match (&a.kind, &b.kind) {
                (BlockKind::Redis(x), BlockKind::Redis(y)) => x
                    .iter()
                    .map(|l| (&l.node, &l.args, &l.expect))
                    .eq(y.iter().map(|l| (&l.node, &l.args, &l.expect))),
                (BlockKind::Scenario(x), BlockKind::Scenario(y))
                | (BlockKind::Solution(x), BlockKind::Solution(y))
                | (BlockKind::Shortcut(x), BlockKind::Shortcut(y)) => {
                    x.iter().map(|s| &s.action).eq(y.iter().map(|s| &s.action))
                }
                (BlockKind::Objective(x), BlockKind::Objective(y)) => {
                    x.checks == y.checks && x.qualifier == y.qualifier
                }
                (BlockKind::Hint(x), BlockKind::Hint(y)) => x.len() == y.len(),
                (BlockKind::Quiz(x), BlockKind::Quiz(y)) => x
                    .choices
                    .iter()
                    .map(|c| c.1)
                    .eq(y.choices.iter().map(|c| c.1)),
                _ => false,
            };
            assert!(
                same,
                "{}: block `{}` differs between EN and FR beyond its prose",
                dir.display(),
                a.id
            );
        }
    }
}

/// Plays the demonstrations (redis and scenario blocks, in file order),
/// checking stated replies, and starts the objectives: the learner's start
/// state. `None` for a lesson without objectives (after the same checks).
/// Without `run_blocks` the redis blocks are skipped: in the app they run
/// only when the learner presses their Run button, and Forward plays the
/// scenarios alone, so no scenario or solution may depend on them.
fn start_state(lesson: &Lesson, run_blocks: bool) -> Option<Session> {
    let name = &lesson.file;
    let mut s = Session::start(lesson).unwrap_or_else(|e| panic!("{name}: {e}"));
    for b in &lesson.blocks {
        match &b.kind {
            BlockKind::Redis(lines) if run_blocks => {
                for l in lines {
                    let got = s
                        .command(&l.node, &l.args)
                        .unwrap_or_else(|e| panic!("{name}:{}: {e}", l.line));
                    if let Some(want) = &l.expect {
                        assert!(
                            want.matches(&got),
                            "{name}:{}: expected {want:?}, got\n{got}",
                            l.line
                        );
                    }
                }
            }
            BlockKind::Scenario(steps) => {
                for st in steps {
                    s.play(st)
                        .unwrap_or_else(|e| panic!("{name}:{}: {e}", st.line));
                }
            }
            _ => {}
        }
    }
    lesson.objectives().next()?;
    // The learner's start state: the lesson's own scenario has played.
    s.start_objectives();
    Some(s)
}

/// Lets up to a minute of simulated time pass (gossip, elections) until
/// every objective is met or one has failed for good.
fn settle(s: &mut Session) {
    for _ in 0..600 {
        if s.all_met() || s.objectives().iter().any(|o| o.failed) {
            break;
        }
        s.advance(100);
    }
}

/// The start state must leave an objective open; then the solution must meet
/// them all, whether or not the learner ran the redis blocks on the way.
fn replay(lesson: &Lesson, run_blocks: bool) {
    let name = &lesson.file;
    let Some(mut s) = start_state(lesson, run_blocks) else {
        return;
    };
    let blocks = if run_blocks {
        ""
    } else {
        " (no redis block run)"
    };
    assert!(
        !s.all_met(),
        "{name}{blocks}: the start state already meets every objective: {:?}",
        s.objectives()
    );
    for st in lesson.solution().expect("checked by the parser") {
        s.play(st)
            .unwrap_or_else(|e| panic!("{name}:{}: {e}", st.line));
    }
    settle(&mut s);
    assert!(
        s.all_met(),
        "{name}{blocks}: the solution does not meet the objectives: {:#?}",
        s.objectives()
    );
}

#[test]
fn every_solution_meets_its_objectives() {
    let lessons: Vec<Lesson> = lesson_dirs()
        .iter()
        .map(|d| load(&d.join("lesson.md")))
        .collect();
    let (a, b): (Vec<_>, Vec<_>) = lessons.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    std::thread::scope(|scope| {
        for half in [a, b] {
            scope.spawn(move || {
                for (_, l) in half {
                    replay(l, true);
                    replay(l, false);
                }
            });
        }
    });
}

fn error_of(text: &str) -> String {
    parse("bad.md", text)
        .expect_err("must be rejected")
        .to_string()
}

const HEAD: &str = "---\nid: t\ntitle: T\norder: 1\nseed: 1\n---\n";

#[test]
fn bad_files_name_the_file_and_the_line() {
    assert_eq!(
        error_of("# no front matter\n"),
        "bad.md:1: a lesson starts with `---` and its front matter"
    );
    assert!(
        error_of("---\nid: t\ntitle: T\norder: 1\nseed: 1\ncolour: red\n---\n")
            .starts_with("bad.md:6: unknown key `colour`")
    );
    assert!(error_of("---\nid: t\ntitle: T\norder: x\nseed: 1\n---\n")
        .starts_with("bad.md:4: `order`: expected a number"));
    assert!(error_of("---\nid: t\ntitle: T\nseed: 1\n---\n")
        .starts_with("bad.md:2: the front matter needs `order`"));
    assert!(error_of(&format!("{HEAD}```redis\nGET k\n```\n"))
        .starts_with("bad.md:7: a `redis` block needs an id"));
    assert!(error_of(&format!(
        "{HEAD}text\n```scenario s\nkill A\nexplode B\n```\n"
    ))
    .starts_with("bad.md:10: unknown step `explode B`"));
    assert!(error_of(&format!("{HEAD}```scenario s\nkill Z\n```\n"))
        .starts_with("bad.md:8: there is no node `Z`"));
    assert!(error_of(&format!(
        "{HEAD}```objective o\ncheck: owner(1649) ~ A\nwhy: x\n```\n"
    ))
    .starts_with("bad.md:8: `owner(1649) ~ A` is not a predicate"));
    assert!(error_of(&format!(
        "{HEAD}```objective o\ncheck: colour(A) == red\nwhy: x\n```\n"
    ))
    .starts_with("bad.md:8: unknown function `colour`"));
    assert!(
        error_of(&format!("{HEAD}```objective o\ncheck: up A\n```\n"))
            .starts_with("bad.md:7: an objective needs a `why:` text")
    );
    assert!(
        error_of(&format!("{HEAD}```objective o\ncheck: up A\nwhy: x\n```\n"))
            .starts_with("bad.md:1: a lesson with objectives needs a `solution` block")
    );
    assert!(
        error_of(&format!("{HEAD}```hint h\n- a\n```\n```hint h\n- b\n```\n"))
            .starts_with("bad.md:10: block id `h` is used twice")
    );
    assert!(error_of(&format!("{HEAD}```redis r\n=> OK\n```\n"))
        .starts_with("bad.md:8: `=>` states the reply"));
    assert!(error_of(&format!("{HEAD}```quiz q\nWhich?\n- a\n```\n"))
        .starts_with("bad.md:7: a quiz needs"));
    assert!(error_of(&format!("{HEAD}```redis r\nGET k\n"))
        .starts_with("bad.md:7: this fence is never closed"));
    assert!(error_of(&format!(
        "{HEAD}```objective o within=soon\ncheck: up A\nwhy: x\n```\n"
    ))
    .starts_with("bad.md:7: expected a duration"));
}

#[test]
fn a_complete_small_lesson_parses_into_slides_and_blocks() {
    let text = format!(
        "{HEAD}## First\nHello.\n```redis look node=B\nCLUSTER KEYSLOT user:1000\n=> (integer) 1649\n```\n## Second\n```objective o within=30s\ncheck: owner(1649) != A\ncheck: event fail about A seen by B\nwhy: not yet\n```\n```solution s\nkill A -- bye A\nwait promoted A1 within 40s\n```\n"
    );
    let l = parse("ok.md", &text).expect("valid");
    assert_eq!(l.slides.len(), 2);
    assert_eq!(l.slides[0].title, "First");
    assert_eq!(l.block_ids(), ["look", "o", "s"]);
    let BlockKind::Redis(cmds) = &l.block("look").unwrap().kind else {
        panic!()
    };
    assert_eq!(cmds[0].node, "B");
    assert_eq!(l.solution().unwrap()[0].say.as_deref(), Some("bye A"));
}

/// `within` fails for good once its deadline passes unmet; `always` fails
/// for good once broken; plain objectives stay met once met.
#[test]
fn qualifiers_latch_and_break() {
    let text = format!(
        "{HEAD}```objective fast within=1s\ncheck: promoted A1\nwhy: too slow\n```\n```objective steady always\ncheck: up A\nwhy: A went down\n```\n```objective once\ncheck: down A\nwhy: A is up\n```\n```solution s\nkill A\nrestart A\n```\n"
    );
    let lesson = parse("q.md", &text).expect("valid");
    let mut s = Session::start(&lesson).expect("builds");
    s.start_objectives();
    let met = |s: &Session| {
        s.objectives()
            .iter()
            .map(|o| (o.met, o.failed))
            .collect::<Vec<_>>()
    };
    assert_eq!(met(&s), [(false, false), (true, false), (false, false)]);
    for step in lesson.solution().unwrap() {
        s.play(step).expect("plays");
    }
    s.advance(30_000);
    let status = s.objectives();
    assert_eq!(met(&s), [(false, true), (false, true), (true, false)]);
    assert_eq!(status[0].why_not.as_deref(), Some("too slow"));
    assert!(status[0].observed.contains("A1"), "{}", status[0].observed);
}

/// The app plays the embedded course: it must be every folder, as on disk.
#[test]
fn the_embedded_course_is_every_lesson_folder() {
    let dirs: Vec<String> = lesson_dirs()
        .iter()
        .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let embedded: Vec<&str> = COURSE.iter().map(|c| c.dir).collect();
    assert_eq!(
        embedded, dirs,
        "add the new folder to core/src/lesson/course.rs"
    );
    for c in COURSE {
        let dir = lesson_dirs()
            .into_iter()
            .find(|d| d.ends_with(c.dir))
            .unwrap();
        assert_eq!(
            c.text("en"),
            std::fs::read_to_string(dir.join("lesson.md")).unwrap()
        );
        assert_eq!(
            c.text("fr"),
            std::fs::read_to_string(dir.join("lesson.fr.md")).unwrap()
        );
    }
}

/// The terms read what a freshly formed 3 × 1 cluster really looks like.
#[test]
fn predicates_read_the_cluster() {
    let lesson = parse("p.md", HEAD).expect("valid");
    let mut s = Session::start(&lesson).expect("builds");
    s.command("B", &["SET".into(), "user:1000".into(), "x".into()])
        .expect("B is up");
    for text in [
        "key_slot(user:1000) == 1649",
        "key_slot({user:1000}:cart) == 1649",
        "owner(1649) == A",
        "owner(16383 by A1) == C",
        "slots(A) == 5461",
        "slots(B by C) == 5462",
        "flags(A by B) has master",
        "flags(A1) has replica",
        "role(A1) == replica",
        "master_of(A1) == A",
        "cluster_state(B) == ok",
        "known_nodes(A) == 6",
        "replies(MOVED) == 1",
        "keys(A) == 0",
        "events(fail) == 0",
        "fail_reports(A by B) == 0",
        "lost_writes() == 0",
        "up C",
    ] {
        let p = Predicate::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let (ok, seen) = p.eval(&s);
        assert!(ok, "{text}: {seen}");
    }
}

/// The format additions of issue 11: `shortcut` blocks parse like a solution,
/// narration has a "before" and an "after" part, a quiz gates the scenario
/// that follows it, and a quiz of node names is a node pick.
#[test]
fn shortcuts_two_part_narration_and_gating_parse() {
    let text = format!(
        "{HEAD}```quiz who\nWho flags A first?\n- B\n+ C\n> C.\n```\n```scenario first\nkill A -- A is about to stop. >> A is gone.\nrun 1s -- Time passes.\n```\n```quiz how\nHow?\n+ by gossip\n```\n```scenario second\nrestart A -- A comes back >>\n```\n```scenario third\nheal -- >> healed\n```\n```objective o\ncheck: up A\nwhy: A is down\n```\n```solution s\nrestart A\n```\n```shortcut nothing\n# Doing nothing leaves A down.\nrun 1s\n```\n"
    );
    let l = parse("new.md", &text).expect("valid");
    let BlockKind::Scenario(steps) = &l.block("first").unwrap().kind else {
        panic!("a scenario")
    };
    assert_eq!(steps[0].say.as_deref(), Some("A is about to stop."));
    assert_eq!(steps[0].after.as_deref(), Some("A is gone."));
    assert_eq!(
        (steps[1].say.as_deref(), steps[1].after.as_deref()),
        (Some("Time passes."), None)
    );
    let BlockKind::Scenario(second) = &l.block("second").unwrap().kind else {
        panic!("a scenario")
    };
    assert_eq!(second[0].after, None, "an empty part is no part");
    let BlockKind::Scenario(third) = &l.block("third").unwrap().kind else {
        panic!("a scenario")
    };
    assert_eq!(
        (third[0].say.as_deref(), third[0].after.as_deref()),
        (None, Some("healed"))
    );
    let shortcuts: Vec<_> = l.shortcuts().map(|(id, s)| (id, s.len())).collect();
    assert_eq!(shortcuts, [("nothing", 1)]);
    let index = |id: &str| l.blocks.iter().position(|b| b.id == id).unwrap();
    assert_eq!(l.gate(index("first")), Some(index("who")));
    assert_eq!(l.gate(index("second")), Some(index("how")));
    assert_eq!(l.gate(index("third")), None, "no quiz since `second`");
    assert_eq!(l.gate(index("who")), None, "only scenarios are gated");
    let BlockKind::Quiz(who) = &l.block("who").unwrap().kind else {
        panic!("a quiz")
    };
    assert_eq!(who.node_choice(&l.nodes(), "C"), Some(1));
    assert_eq!(who.node_choice(&l.nodes(), "A"), None);
    let BlockKind::Quiz(how) = &l.block("how").unwrap().kind else {
        panic!("a quiz")
    };
    assert_eq!(how.node_choice(&l.nodes(), "B"), None, "not a node pick");
    assert!(
        error_of(&format!("{HEAD}```shortcut x\n# only a comment\n```\n"))
            .starts_with("bad.md:7: a `shortcut` block needs at least one step")
    );
    assert!(error_of(&format!("{HEAD}```shortcut x\nkill Q\n```\n"))
        .starts_with("bad.md:8: there is no node `Q`"));
}
