//! The lesson player driven through the reducer, natively, with the real course and simulator.

use clusterlab_core::lesson::{StepAction, COURSE};
use clusterlab_core::sim::Status;

use super::long_run;
use super::player::*;
use super::rules::*;
use super::*;
use crate::state::{Action, Model};

fn index(dir: &str) -> usize {
    index_of_dir(dir).expect("the course has this lesson")
}

fn open(dir: &str, lang: Lang) -> Model {
    let mut m = Model::new();
    m.apply(Action::SetLang(lang));
    assert!(m.apply(Action::Lesson(LessonAction::Open {
        index: index(dir),
        at: 0,
    })));
    assert!(m.course.message.is_none(), "{:?}", m.course.message);
    m
}

fn player(m: &Model) -> &Player {
    m.course.player.as_ref().expect("a lesson is open")
}

/// An answer as the page shows it now (in the page's language).
fn shown(m: &Model, said: &Said) -> String {
    said.text(&player(m).lesson.meta, m.course.lang)
}

/// Applies `a`, then lets a long run it started play to its end, as the page does slice by
/// slice.
fn lesson(m: &mut Model, a: LessonAction) -> bool {
    let changed = m.apply(Action::Lesson(a));
    let mut slices = 0;
    while m.course.player.as_ref().is_some_and(|p| p.busy.is_some()) {
        assert!(m.apply(Action::Lesson(LessonAction::Work)));
        slices += 1;
        assert!(slices < 10_000, "a long run never ends");
    }
    changed
}

/// Forward, answering first (with the first choice) the prediction that gates it, as a
/// learner must.
fn forward(m: &mut Model) -> bool {
    if let Some(quiz) = player(m).locked_by() {
        lesson(
            m,
            LessonAction::Answer {
                block: quiz,
                choice: 0,
            },
        );
    }
    lesson(m, LessonAction::Forward)
}

#[test]
fn every_lesson_opens_in_both_languages_and_walks_to_its_end_and_back() {
    for lang in Lang::ALL {
        for (i, file) in COURSE.iter().enumerate() {
            let mut m = Model::new();
            m.apply(Action::SetLang(lang));
            lesson(&mut m, LessonAction::Open { index: i, at: 0 });
            let p = player(&m);
            let n = p.positions.len();
            for _ in 1..n {
                // A prediction gates its scenario: answer it, then Forward plays on.
                if let Some(quiz) = player(&m).locked_by() {
                    lesson(
                        &mut m,
                        LessonAction::Answer {
                            block: quiz,
                            choice: 0,
                        },
                    );
                }
                assert!(lesson(&mut m, LessonAction::Forward), "{}", file.dir);
            }
            let p = player(&m);
            assert!(!p.can_forward());
            for at in 0..=p.at {
                if let Some(said) = p.moment_at(at).and_then(|m| m.narration.as_ref()) {
                    assert!(
                        !said.failed,
                        "{}: a scenario step failed: {said:?}",
                        file.dir
                    );
                }
            }
            assert!(
                !lesson(&mut m, LessonAction::Forward),
                "no position after the last"
            );
            for _ in 1..n {
                assert!(lesson(&mut m, LessonAction::Back));
            }
            assert_eq!(player(&m).at, 0);
        }
    }
}

/// Lesson 8: the automatic-failover objective is open with its "why not yet" until A is killed
/// and A1 wins the election (Redis's failover: FAIL, then votes from a majority of masters);
/// the lesson is done only once C1 has also taken over by a manual failover (CLUSTER FAILOVER).
#[test]
fn failover_objective_fails_then_is_met_by_the_learners_actions() {
    let mut m = open("08-failover", Lang::En);
    let n = player(&m).positions.len();
    for _ in 1..n {
        forward(&mut m);
    }
    let rows = player(&m).objectives();
    let auto = rows.iter().find(|o| o.id == "auto-a").expect("objective");
    assert!(!auto.met);
    assert!(auto
        .why
        .as_deref()
        .is_some_and(|w| w.starts_with("A1 has not been elected after a real failure of A")));
    lesson(&mut m, LessonAction::Act("kill A".into()));
    assert_eq!(
        player(&m).moment().console.last().map(|s| s.failed),
        Some(false)
    );
    // node_timeout 3 s: FAIL then the election, well within 20 s.
    lesson(&mut m, LessonAction::Act("run 20s".into()));
    let rows = player(&m).objectives();
    let met = |id: &str| rows.iter().any(|o| o.id == id && o.met);
    assert!(met("auto-a") && met("epoch"), "{rows:?}");
    assert!(!met("manual-c"), "{rows:?}");
    assert!(!player(&m).done());
    lesson(&mut m, LessonAction::Act("failover C1".into()));
    lesson(&mut m, LessonAction::Act("run 10s".into()));
    let rows = player(&m).objectives();
    assert!(rows.iter().all(|o| o.met), "{rows:?}");
    assert!(player(&m).done());
    let id = player(&m).lesson.meta.id.clone();
    assert!(m.course.progress.mark(&id).done);
}

#[test]
fn back_restores_the_cluster_and_forward_after_an_action_forks() {
    let mut m = open("07-failure-detection", Lang::En);
    let start_time = player(&m).session().sim().now();
    assert!(forward(&mut m));
    let p = player(&m);
    assert_eq!(
        p.pos().step,
        Some((1, 0)),
        "the first step of the split-a-b scenario (block 1, after its prediction)"
    );
    let after_step = p.session().sim().now();
    assert!(lesson(&mut m, LessonAction::Back));
    assert_eq!(player(&m).session().sim().now(), start_time);
    // Forward again returns to the kept moment…
    forward(&mut m);
    assert_eq!(player(&m).session().sim().now(), after_step);
    // …unless the learner changed something: then the next step plays afresh.
    lesson(&mut m, LessonAction::Back);
    lesson(&mut m, LessonAction::Act("run 1s".into()));
    forward(&mut m);
    assert!(player(&m).session().sim().now() > after_step);
}

#[test]
fn actions_outside_the_allow_list_are_refused_with_the_reason() {
    // Lesson 8 allows kill, pause, resume, restart, failover, CLUSTER NODES, CLUSTER INFO.
    let mut m = open("08-failover", Lang::En);
    lesson(&mut m, LessonAction::Console("SET k v".into()));
    let said = player(&m)
        .moment()
        .console
        .last()
        .cloned()
        .expect("a reply");
    assert!(said.failed);
    let text = shown(&m, &said);
    assert!(
        text.starts_with("(error) `SET` is not part of this lesson. Allowed: kill, pause"),
        "{text}"
    );
    lesson(&mut m, LessonAction::Console("partition A / B".into()));
    let said = player(&m)
        .moment()
        .console
        .last()
        .cloned()
        .expect("a reply");
    assert!(shown(&m, &said).contains("`partition`"), "{said:?}");
    lesson(&mut m, LessonAction::Console("CLUSTER INFO".into()));
    let said = player(&m)
        .moment()
        .console
        .last()
        .cloned()
        .expect("a reply");
    assert!(!said.failed);
    assert!(shown(&m, &said).contains("cluster_state:ok"), "{said:?}");
    // The buttons say so too.
    let acts = player(&m).node_acts(0, Lang::Fr);
    let kill = acts.iter().find(|a| a.verb == "kill").expect("kill");
    assert_eq!(kill.refused, None);
    // Lesson 2 allows only SET, GET and CLUSTER KEYSLOT: no node actions at all.
    let m2 = open("02-hash-slots", Lang::Fr);
    let acts = player(&m2).node_acts(0, Lang::Fr);
    assert!(acts.iter().all(|a| a
        .refused
        .as_deref()
        .is_some_and(|r| r.contains("ne fait pas partie"))));
    assert!(!panels(&player(&m2).lesson.meta).actions);
}

/// The lesson console's own answers (a refusal, `help`, `help STEP`, `done`) are kept as what
/// they say, so switching the page's language writes them again in the new one; Redis's
/// replies stay as printed.
#[test]
fn lesson_console_answers_follow_the_language() {
    let mut m = open("08-failover", Lang::En);
    for line in [
        "SET k v",
        "help",
        "help kill",
        "help NOSUCH",
        "run 1s",
        "CLUSTER INFO",
    ] {
        lesson(&mut m, LessonAction::Console(line.into()));
    }
    let texts = |m: &Model| -> Vec<String> {
        player(m)
            .moment()
            .console
            .iter()
            .map(|s| shown(m, s))
            .collect()
    };
    let en = texts(&m);
    assert_eq!(en.len(), 6, "{en:?}");
    assert!(
        en[0].starts_with("(error) `SET` is not part of this lesson"),
        "{en:?}"
    );
    assert!(en[1].starts_with("Redis commands go to the chosen node"));
    assert_eq!(en[2], "Lesson step: `kill NODE`");
    assert!(en[3].starts_with("No help for 'NOSUCH'"));
    assert_eq!(en[4], "done");
    m.apply(Action::SetLang(Lang::Fr));
    let fr = texts(&m);
    assert!(
        fr[0].starts_with("(error) `SET` ne fait pas partie de cette leçon"),
        "{fr:?}"
    );
    assert!(fr[1].starts_with("Les commandes Redis vont au nœud choisi"));
    assert_eq!(fr[2], "Étape de leçon\u{202f}: `kill NŒUD`");
    assert!(fr[3].starts_with("Pas d'aide pour"));
    assert_eq!(fr[4], "fait");
    assert_eq!(fr[5], en[5], "Redis's reply stays as printed");
    assert!(fr[5].contains("cluster_state:ok"));
    let allow = &player(&m).lesson.meta.allow;
    for text in &fr[..5] {
        assert!(
            crate::i18n::french::lesson_faults(text, allow).is_empty(),
            "{text}"
        );
    }
}

#[test]
fn redis_blocks_run_with_a_click_and_show_redis_replies() {
    let mut m = open("02-hash-slots", Lang::En);
    let block = player(&m)
        .lesson
        .blocks
        .iter()
        .position(|b| b.id == "keyslot")
        .expect("block");
    lesson(&mut m, LessonAction::RunBlock(block));
    let replies = &player(&m).moment().replies[&block];
    assert!(replies
        .iter()
        .any(|s| s.input.ends_with("CLUSTER KEYSLOT user:1000")
            && s.output == Output::Text("(integer) 1649".into())));
}

#[test]
fn hints_come_one_at_a_time_and_the_solution_meets_the_objectives() {
    let mut m = open("08-failover", Lang::Fr);
    let n = player(&m).hints().len();
    assert!(n >= 2);
    for shown in 1..=n + 1 {
        lesson(&mut m, LessonAction::Hint);
        assert_eq!(player(&m).hints_shown, shown.min(n));
    }
    lesson(&mut m, LessonAction::AskSolution);
    assert_eq!(player(&m).solution, SolutionView::Confirming);
    lesson(&mut m, LessonAction::CancelSolution);
    assert!(!player(&m).objectives().iter().all(|o| o.met));
    let last = player(&m).positions.len() - 1;
    for _ in 0..last {
        lesson(&mut m, LessonAction::Forward);
    }
    lesson(&mut m, LessonAction::StartSolution);
    let p = player(&m);
    assert!(p.objectives().iter().all(|o| o.met), "{:?}", p.objectives());
    // First A1's first sync (A waits repl-diskless-sync-delay before sending it), then the kill.
    assert_eq!(
        p.moment().solution[0].input,
        "wait link(A1) == up within 10s"
    );
    assert_eq!(p.moment().solution[1].input, "kill A");
}

#[test]
fn switching_language_keeps_the_place_and_translates_the_why() {
    let mut m = open("08-failover", Lang::En);
    lesson(&mut m, LessonAction::Forward);
    lesson(&mut m, LessonAction::Act("run 1s".into()));
    let before = player(&m).session().sim().now();
    m.apply(Action::SetLang(Lang::Fr));
    let p = player(&m);
    assert_eq!(p.at, 1);
    assert_eq!(
        p.session().sim().now(),
        before,
        "the learner's cluster is kept"
    );
    let why = p.objectives()[0].why.clone().unwrap_or_default();
    assert!(!why.starts_with("A1 is still"), "{why}");
}

#[test]
fn links_name_the_lesson_and_position_and_reopen_there() {
    assert_eq!(
        parse_link("#lesson=08-failover&at=3"),
        Some(("08-failover".into(), 3))
    );
    assert_eq!(
        parse_link("lesson=08-failover"),
        Some(("08-failover".into(), 0))
    );
    assert_eq!(parse_link("v1&p=3x1&s=1"), None, "a playground share link");
    assert_eq!(parse_link("lesson=x&at=far"), None);
    let mut m = open("07-failure-detection", Lang::En);
    forward(&mut m);
    forward(&mut m);
    let fragment = m.course.fragment().expect("a lesson is open");
    assert_eq!(fragment, "lesson=07-failure-detection&at=2");
    let (dir, at) = parse_link(&fragment).expect("reads back");
    let mut again = Model::new();
    again.apply(Action::Lesson(LessonAction::Open {
        index: index(&dir),
        at,
    }));
    assert_eq!(player(&again).at, 2);
    assert_eq!(
        player(&again).session().sim().now(),
        player(&m).session().sim().now(),
        "the same seed replays the same steps"
    );
}

#[test]
fn a_bad_import_changes_nothing_and_says_why() {
    let mut m = open("08-failover", Lang::En);
    let before = m.course.progress.clone();
    lesson(&mut m, LessonAction::Import("{\"not\": \"ours\"}".into()));
    let (text, bad) = m.course.message.clone().expect("a message");
    assert!(bad);
    assert!(
        text.starts_with("This is not a clusterlab progress export"),
        "{text}"
    );
    assert_eq!(m.course.progress, before);
    let export = before.to_json();
    let mut fresh = Model::new();
    lesson(&mut fresh, LessonAction::Import(export));
    assert_eq!(fresh.course.progress, before);
    assert_eq!(fresh.course.message.map(|(_, bad)| bad), Some(false));
}

#[test]
fn panels_follow_the_front_matter() {
    let p = |dir: &str| {
        let l = load(index(dir), Lang::En).expect("parses");
        panels(&l.meta)
    };
    // panels: slots, console; allow: SET, GET, CLUSTER KEYSLOT.
    let two = p("02-hash-slots");
    assert!(two.slots && two.console && !two.beliefs && !two.timeline && !two.actions);
    // panels: nodes, beliefs, election, timeline; allow: kill, … CLUSTER INFO.
    let eight = p("08-failover");
    assert!(eight.nodes && eight.beliefs && eight.timeline && eight.actions && !eight.slots);
    // The sandbox allows everything and lists no panels: everything shows.
    let sandbox = p("14-sandbox");
    assert!(sandbox.slots && sandbox.beliefs && sandbox.actions && sandbox.console);
    // panels: slots, client, console: the client's cache panel besides the console.
    let nine = p("09-clients-moved");
    assert!(nine.client && nine.console && !nine.sequence && !nine.keys);
}

#[test]
fn console_lines_read_as_commands_or_steps() {
    let cmd = console_step("GET k", "B").expect("a command");
    assert_eq!(
        cmd.action,
        StepAction::Command {
            node: "B".into(),
            args: vec!["GET".into(), "k".into()]
        }
    );
    let to_c = console_step("C> CLUSTER INFO", "B").expect("addressed");
    assert!(matches!(to_c.action, StepAction::Command { ref node, .. } if node == "C"));
    assert_eq!(
        console_step("kill A", "B").expect("a step").action,
        StepAction::Kill("A".into())
    );
    // WAIT is a Redis command when it does not read as a `wait PREDICATE` step.
    assert!(matches!(
        console_step("wait 1 100", "A").expect("WAIT").action,
        StepAction::Command { .. }
    ));
    assert!(console_step("kill", "A").is_err());
}

#[test]
fn a_lesson_that_cannot_open_says_why_and_keeps_its_address() {
    let mut m = Model::new();
    lesson(&mut m, LessonAction::Open { index: 99, at: 2 });
    assert!(m.course.player.is_none());
    let (text, bad) = m.course.message.clone().expect("a message");
    assert!(bad && text.contains("no lesson 99"), "{text}");
    // The address stays, so that the reload after the file is fixed reopens it.
    assert_eq!(m.course.wanted, Some((99, 2)));
    lesson(&mut m, LessonAction::Close);
    assert_eq!(m.course.fragment(), None);
}

/// In a lesson the playground's keys drive the lesson: → and ← are Forward and Back, `x` kills
/// the selected node of the lesson's cluster (within the allow list), and the playground's
/// clock stays paused.
#[test]
fn shortcuts_drive_the_lesson_while_it_is_open() {
    use crate::state::NodeFault;
    let mut m = open("08-failover", Lang::En);
    let playground_time = m.run.sim().now();
    assert!(m.apply(Action::Step));
    assert_eq!(player(&m).at, 1);
    assert!(m.apply(Action::StepBack));
    assert_eq!(player(&m).at, 0);
    assert!(
        !m.apply(Action::Play),
        "the playground clock is not started"
    );
    assert!(!m.apply(Action::Tick { real_ms: 50.0 }));
    assert_eq!(m.run.sim().now(), playground_time);
    m.apply(Action::Select(Some(0)));
    m.apply(Action::OnSelected(NodeFault::Crash));
    assert_eq!(player(&m).session().sim().status(0), Status::Crashed);
    // Lesson 8 does not allow partitions: `i` is refused, with the reason in the console.
    m.apply(Action::OnSelected(NodeFault::Isolate));
    let said = player(&m)
        .moment()
        .console
        .last()
        .cloned()
        .expect("a reply");
    assert!(
        said.failed && shown(&m, &said).contains("`partition`"),
        "{said:?}"
    );
}

/// The course menu opens and closes over the playground without stopping it; opening a lesson
/// pauses it (the lesson has its own simulator).
#[test]
fn the_menu_leaves_the_playground_running_and_a_lesson_pauses_it() {
    let mut m = Model::new();
    assert!(m.playing);
    assert!(lesson(&mut m, LessonAction::TogglePicker));
    assert!(m.course.picker_open && m.playing);
    assert!(lesson(&mut m, LessonAction::ClosePicker));
    assert!(
        !lesson(&mut m, LessonAction::ClosePicker),
        "already closed: nothing changes"
    );
    assert!(m.playing);
    lesson(&mut m, LessonAction::Open { index: 0, at: 0 });
    assert!(!m.playing);
    let rows = m.course.rows();
    assert_eq!(rows.len(), COURSE.len());
    assert!(rows.iter().all(|r| r.error.is_none()));
    assert_eq!(rows[0].mark, Some(false), "opened: started");
    assert_eq!(rows[1].mark, None);
    // The furthest position is kept for "Continue", even after going back.
    lesson(&mut m, LessonAction::Forward);
    lesson(&mut m, LessonAction::Back);
    assert_eq!(m.course.rows()[0].reached, 1);
}

/// Space runs the lesson's clock: frames advance its simulator by the real time that passed
/// (capped per frame), and Forward stops it.
#[test]
fn a_running_lesson_advances_with_the_frames() {
    let mut m = open("06-gossip-convergence", Lang::En);
    let t0 = player(&m).session().elapsed_ms();
    assert!(
        !m.apply(Action::Tick { real_ms: 16.0 }),
        "stopped: frames do nothing"
    );
    assert!(m.apply(Action::TogglePlay));
    assert!(player(&m).playing);
    m.apply(Action::Tick { real_ms: 16.0 });
    m.apply(Action::Tick { real_ms: 5000.0 });
    assert_eq!(player(&m).session().elapsed_ms(), t0 + 16 + 100);
    m.apply(Action::Step);
    assert!(!player(&m).playing);
}

/// The caption's sentences follow the language: A1's promotion, in French.
#[test]
fn cluster_events_are_narrated_in_the_chosen_language() {
    let mut m = open("08-failover", Lang::Fr);
    lesson(&mut m, LessonAction::Act("kill A".into()));
    lesson(&mut m, LessonAction::Act("run 20s".into()));
    let sim = player(&m).session().sim();
    let said: Vec<String> = sim
        .trace()
        .iter()
        .filter_map(|e| crate::view_model::narrate(e, sim, Lang::Fr))
        .collect();
    assert!(
        said.iter().any(|s| s
            .ends_with("A1 gagne l'élection et devient maître à la place de A (configEpoch 7).")),
        "{said:#?}"
    );
}

/// Lesson 10's solution ends with seconds of simulated time (the add-replica job, then gossip
/// spreading E's role): it plays a slice per `Work`, with its progress, while Back, Forward and
/// actions wait; then it meets the objectives and Back and Forward travel as before.
#[test]
fn a_long_solution_plays_in_slices_and_keeps_back_and_forward_consistent() {
    let mut m = open("10-adding-a-node", Lang::En);
    let last = player(&m).positions.len() - 1;
    for _ in 0..last {
        forward(&mut m);
    }
    let at = player(&m).at;
    let t0 = player(&m).session().elapsed_ms();
    assert!(m.apply(Action::Lesson(LessonAction::StartSolution)));
    let p = player(&m);
    assert_eq!(p.solution, SolutionView::Playing);
    let busy = p
        .busy
        .as_ref()
        .expect("the solution is still playing after one slice");
    assert_eq!(
        (busy.step_no(), busy.total),
        (15, 16),
        "the slot move and add-replica played, the wait for the job goes on"
    );
    assert!(!p.can_back() && !p.can_forward());
    // What would change the cluster waits; Back does nothing.
    assert!(!m.apply(Action::Lesson(LessonAction::Back)));
    assert!(!m.apply(Action::Lesson(LessonAction::Act("run 1s".into()))));
    assert_eq!(player(&m).at, at);
    let mut slices = 1;
    let mut played = 0;
    while let Some(b) = player(&m).busy.as_ref() {
        let now = b.played_ms(player(&m).session());
        assert!(now > played || slices == 1, "slice {slices} played no time");
        // A wait observes every 100 ms from wherever the commands before it left the
        // clock (MIGRATE takes a few ms), so a slice may end up to one observation late.
        assert!(
            now <= slices * long_run::SLICE_MS + 100,
            "slice {slices}: {now} ms in one go"
        );
        played = now;
        assert!(m.apply(Action::Lesson(LessonAction::Work)));
        slices += 1;
    }
    assert!(
        slices > 4,
        "only {slices} slices: the solution ran in big pieces"
    );
    let p = player(&m);
    assert_eq!(p.solution, SolutionView::Shown);
    assert!(p.objectives().iter().all(|o| o.met), "{:?}", p.objectives());
    assert!(
        p.moment().solution.iter().all(|s| !s.failed),
        "{:?}",
        p.moment().solution
    );
    assert!(p.session().elapsed_ms() > t0);
    // Back returns to the position before, Forward to the kept moment with the solution.
    assert!(lesson(&mut m, LessonAction::Back));
    assert!(player(&m).moment().solution.is_empty());
    assert!(player(&m).session().elapsed_ms() <= t0);
    assert!(forward(&mut m));
    assert_eq!(player(&m).at, at);
    assert_eq!(player(&m).moment().solution.len(), 16);
    assert!(player(&m).objectives().iter().all(|o| o.met));
}

/// "+30 s" lets exactly thirty simulated seconds pass, a slice at a time, and says `done` in
/// the console once they have.
#[test]
fn thirty_seconds_pass_in_slices_and_then_say_done() {
    let mut m = open("08-failover", Lang::Fr);
    let t0 = player(&m).session().elapsed_ms();
    let lines = player(&m).moment().console.len();
    assert!(m.apply(Action::Lesson(LessonAction::Act("run 30s".into()))));
    assert!(player(&m).busy.is_some());
    assert_eq!(player(&m).moment().console.len(), lines);
    assert!(lesson(&mut m, LessonAction::Work));
    let p = player(&m);
    assert_eq!(p.session().elapsed_ms() - t0, 30_000);
    let said = p.moment().console.last().expect("a console line");
    assert_eq!(
        (said.input.as_str(), shown(&m, said).as_str()),
        ("run 30s", "fait")
    );
}

/// A lesson of the new format: a node-pick quiz before a scenario narrated in two parts.
const PREDICT: &str = "---\nid: t\ntitle: T\norder: 1\nseed: 5\nconfig: node-timeout=2000\n---\n## Predict\n```quiz who\nWhich node will A1 replace?\n- B\n+ A\n> A1 replicates A.\n```\n```scenario s\nkill A -- A is about to stop answering. >> A is gone; nobody has noticed yet.\nwait promoted A1 within 30s -- A1 will run for election. >> A1 won the votes.\n```\n## Recap\nDone.\n";

fn open_text(text: &str) -> Model {
    let lesson = clusterlab_core::lesson::parse("t.md", text).expect("valid");
    let mut m = Model::new();
    m.course.player = Some(Player::open(0, lesson, Lang::En, 0, false).expect("opens"));
    m
}

/// Predict, then see: the scenario stays locked until its quiz is answered, here by
/// clicking a node of the cluster view; only a node that is a choice answers it.
#[test]
fn a_scenario_stays_locked_until_its_prediction_is_answered_by_a_click() {
    let mut m = open_text(PREDICT);
    let quiz = player(&m).lesson.blocks.iter().position(|b| b.id == "who");
    assert_eq!(player(&m).locked_by(), quiz);
    assert!(!player(&m).can_forward());
    assert!(!lesson(&mut m, LessonAction::Forward));
    assert_eq!(player(&m).at, 0);
    let node = |m: &Model, name: &str| {
        player(m)
            .session()
            .sim()
            .nodes()
            .iter()
            .position(|n| n.name == name)
    };
    let c = node(&m, "C");
    m.apply(Action::Select(c));
    assert!(player(&m).quiz.is_empty(), "C is not a choice of the quiz");
    let a = node(&m, "A");
    m.apply(Action::Select(a));
    assert_eq!(
        player(&m).quiz.get(&quiz.unwrap()),
        Some(&1),
        "the click chose `+ A`"
    );
    assert_eq!(player(&m).locked_by(), None);
    assert!(lesson(&mut m, LessonAction::Forward));
    assert_eq!(player(&m).at, 1);
}

/// The narration says what is about to happen before a step and what happened after it,
/// with the lesson time; the raw step lines show only on request.
#[test]
fn scenario_steps_are_narrated_before_and_after_with_the_time() {
    let mut m = open_text(PREDICT);
    let b = player(&m)
        .lesson
        .blocks
        .iter()
        .position(|b| b.id == "s")
        .unwrap();
    let quiz = player(&m).locked_by().expect("gated");
    let steps = player(&m).scenario_steps(b);
    assert_eq!(
        steps[0].state,
        StepState::Pending,
        "nothing said before the prediction"
    );
    lesson(
        &mut m,
        LessonAction::Answer {
            block: quiz,
            choice: 0,
        },
    );
    let steps = player(&m).scenario_steps(b);
    assert_eq!(steps[0].state, StepState::Next);
    assert_eq!(
        steps[0].upcoming.as_deref(),
        Some("A is about to stop answering.")
    );
    assert_eq!(steps[0].happened, None);
    assert_eq!(steps[1].state, StepState::Pending);
    lesson(&mut m, LessonAction::Forward);
    lesson(&mut m, LessonAction::Forward);
    let steps = player(&m).scenario_steps(b);
    assert_eq!(steps[0].state, StepState::Played);
    assert_eq!(
        steps[0].happened.as_deref(),
        Some("A is gone; nobody has noticed yet.")
    );
    assert_eq!(steps[0].at_ms, Some(0), "kill takes no simulated time");
    assert_eq!(steps[1].state, StepState::Current);
    assert_eq!(steps[1].happened.as_deref(), Some("A1 won the votes."));
    // Redis: a replica waits for FAIL (node timeout 2 s, then gossip) and 500 ms + random
    // before its election, so the promotion comes seconds after the kill.
    let at = steps[1].at_ms.expect("played");
    assert!((2_000..30_000).contains(&at), "{at} ms");
    assert!(!player(&m).show_steps);
    lesson(&mut m, LessonAction::ToggleSteps);
    assert!(player(&m).show_steps);
}

/// The page carries no lesson text: a lesson link waits, with its progress line, for the
/// fetched texts, and opens where it asked once they are installed; a failed fetch says why
/// and opening the picker again retries.
#[test]
fn a_lesson_link_waits_for_the_fetched_texts_then_opens() {
    let kept: Vec<texts::LessonText> = clusterlab_core::lesson::COURSE
        .iter()
        .map(|f| texts::LessonText {
            en: f.en.to_string(),
            fr: f.fr.to_string(),
        })
        .collect();
    texts::forget();
    let mut m = Model::new();
    let failover = index("08-failover");
    assert!(m.apply(Action::Lesson(LessonAction::Open {
        index: failover,
        at: 2,
    })));
    assert!(m.course.player.is_none());
    assert!(m.course.wants_texts(), "a lesson link asks for the texts");
    assert_eq!(
        m.course.fragment().as_deref(),
        Some("lesson=08-failover&at=2")
    );
    m.apply(Action::Lesson(LessonAction::TextsProgress {
        done: 12,
        total: 30,
    }));
    assert!(!m.course.wants_texts(), "one fetch at a time");
    assert_eq!(
        m.course.texts_line(),
        Some(("Loading lesson texts… 40 %".to_string(), false))
    );
    m.apply(Action::Lesson(LessonAction::TextsLoaded(Err(
        "lessons/08-failover/lesson.md: HTTP 404".into(),
    ))));
    let (line, bad) = m
        .course
        .texts_line()
        .expect("a line while the texts are missing");
    assert!(bad && line.contains("HTTP 404"), "{line}");
    assert!(m.course.rows().is_empty());
    m.apply(Action::Lesson(LessonAction::TogglePicker));
    assert!(m.course.wants_texts(), "opening the picker retries");

    texts::install(kept);
    m.apply(Action::Lesson(LessonAction::TextsLoaded(Ok(()))));
    assert_eq!(m.course.texts_line(), None);
    assert!(
        m.course.picker_open,
        "the picker opened meanwhile stays open"
    );
    let p = player(&m);
    assert_eq!((p.index, p.at), (failover, 2));
    assert_eq!(m.course.rows().len(), COURSE_DIRS.len());
}
