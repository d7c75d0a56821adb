//! The lesson player in real headless Chromium: open a lesson from the course menu, step
//! through slides and a narrated scenario, run a `redis` block and read Redis's reply, watch
//! an objective stay open with its "why not yet" until the learner fails the master over,
//! Back/Forward, the allow list, and what survives a reload: the lesson and position (the
//! address), the language and the progress (localStorage), and progress export → import.

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn a_lesson_is_played_checked_and_reopened_after_a_reload() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = play(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

#[tokio::test]
async fn language_and_progress_survive_reloads_and_export_import() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = persist(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

/// Reloads the page and waits until the new one is ready (the old one carried a marker). A
/// debug build's wasm can take long to start on a loaded machine: up to a minute.
async fn reload(browser: &Browser) -> Outcome {
    browser
        .eval("window.__old_page = true; location.reload(); return true;")
        .await?;
    for _ in 0..1200 {
        let ready = browser
            .eval("return !window.__old_page && !!document.querySelector('[data-ready]');")
            .await;
        if ready.is_ok_and(|v| v == serde_json::Value::Bool(true)) {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err("the page did not come back after a reload".into())
}

/// Answers, with its first choice, the prediction that locks Forward, if one does: a
/// learner commits to a prediction before the scenario plays.
async fn answer_lock(browser: &Browser) -> Outcome {
    browser
        .eval(
            "if (document.querySelector('[data-testid=\"lesson-locked\"]')) { \
             const q = document.querySelector('button[data-testid^=\"quiz-\"]:not([disabled])'); \
             if (q) q.click(); } return true;",
        )
        .await?;
    browser.expect_absent("lesson-locked").await
}

/// Waits for the prediction that locks Forward in the lesson just opened, then answers it.
async fn answer_prediction(browser: &Browser) -> Outcome {
    browser
        .expect_text_containing("lesson-locked", "Answer the question first")
        .await?;
    browser
        .click_first("button[data-testid^='quiz-']:not([disabled])")
        .await?;
    browser.expect_absent("lesson-locked").await
}

/// Forward until the slide titled `title` shows, answering the predictions on the way.
async fn forward_to(browser: &Browser, title: &str) -> Outcome {
    for _ in 0..40 {
        if browser.text("slide-title").await.is_ok_and(|t| t == title) {
            return Ok(());
        }
        answer_lock(browser).await?;
        let at = browser.text("lesson-position").await?;
        browser.click("lesson-forward").await?;
        for _ in 0..400 {
            if browser.text("lesson-position").await? != at {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }
    Err(format!("Forward never reached the slide {title:?}").into())
}

async fn open_lesson(browser: &Browser, number: usize) -> Outcome {
    browser.click("lessons-button").await?;
    browser.click(&format!("open-lesson-{number}")).await
}

async fn play(browser: &Browser) -> Outcome {
    // Lesson 2: CRC16 of user:1000 is 1649 (not 5798, a common mistake).
    open_lesson(browser, 2).await?;
    browser
        .expect_text("lesson-title", "CRC16 and the 16384 slots")
        .await?;
    browser
        .expect_text_containing("lesson-position", "Step 1 of")
        .await?;
    browser.click("run-keyslot").await?;
    browser
        .expect_text_containing("reply-keyslot", "(integer) 1649")
        .await?;
    browser.click("lesson-forward").await?;
    browser
        .expect_text_containing("lesson-position", "Step 2 of")
        .await?;
    browser.click("lesson-back").await?;
    browser
        .expect_text_containing("lesson-position", "Step 1 of")
        .await?;
    // Back restores the moment the block was run in.
    browser
        .expect_text_containing("reply-keyslot", "(integer) 1649")
        .await?;

    // Play runs the lesson's simulator with the page's clock, until Pause.
    let before = browser.text("lesson-time").await?;
    browser.click("lesson-play").await?;
    browser
        .expect_attr("lesson-play", "aria-pressed", "true")
        .await?;
    let mut moved = false;
    for _ in 0..400 {
        if browser.text("lesson-time").await? != before {
            moved = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    if !moved {
        return Err(format!("the lesson clock stayed at {before:?} while playing").into());
    }
    browser.click("lesson-play").await?;
    browser
        .expect_attr("lesson-play", "aria-pressed", "false")
        .await?;

    // Lesson 7: Forward (here the → key) plays the scenario's steps, each with its narration;
    // the raw step line shows only once "show steps" is pressed.
    open_lesson(browser, 7).await?;
    browser
        .expect_text_containing("lesson-position", "Step 1 of")
        .await?;
    // The prediction gates the scenario: answered, Forward plays its first step.
    answer_prediction(browser).await?;
    browser.press("ArrowRight").await?;
    browser
        .expect_text_containing(
            "step-narration",
            "The link between A and B is cut both ways",
        )
        .await?;
    browser.click("steps-toggle-split-a-b").await?;
    browser
        .expect_text_containing("step-narration", "partition A / B")
        .await?;

    // Lesson 8: past the narrated failover of B (7 steps) and two slides, the automatic-failover
    // objective is open, with its why-not-yet, until A fails and A1 is elected.
    open_lesson(browser, 8).await?;
    forward_to(browser, "Your turn: a real failure").await?;
    browser
        .expect_attr("objective-auto-a", "data-met", "false")
        .await?;
    browser
        .expect_text_containing(
            "why-auto-a",
            "A1 has not been elected after a real failure of A",
        )
        .await?;
    // The lesson allows kill, pause, resume, restart, failover and CLUSTER NODES / INFO only.
    browser
        .enter_line("lesson-console-input", "SET k v")
        .await?;
    browser
        .expect_text_containing("lesson-console-output", "`SET` is not part of this lesson")
        .await?;
    browser
        .enter_line("lesson-console-input", "CLUSTER INFO")
        .await?;
    browser
        .expect_text_containing("lesson-console-output", "cluster_state:ok")
        .await?;
    // The console hints like the playground's, within what the lesson allows: CLUSTER's
    // subcommands are only the two it allows, and a refused command gets no usage.
    browser
        .type_into("lesson-console-input", "CLUSTER ")
        .await?;
    browser
        .expect_text("lesson-console-hint", "INFO|NODES")
        .await?;
    browser
        .type_into("lesson-console-input", "failover A1 ")
        .await?;
    browser
        .expect_text("lesson-console-hint", "[force|takeover]")
        .await?;
    browser.type_into("lesson-console-input", "GET ").await?;
    browser
        .expect_text("lesson-console-hint", "GET: not part of this lesson")
        .await?;
    browser
        .enter_line("lesson-console-input", "help cluster")
        .await?;
    browser
        .expect_text_containing("lesson-console-output", "CLUSTER NODES")
        .await?;
    browser.expect_absent("lesson-console-hint").await?;
    // kill A (node_timeout 3 s), then let the failure detection and the election happen.
    browser.click("node-A").await?;
    browser.click("lesson-kill").await?;
    browser
        .expect_attr("node-A", "data-status", "crashed")
        .await?;
    browser.click("run-30s").await?;
    browser
        .expect_attr("objective-auto-a", "data-met", "true")
        .await?;
    browser
        .expect_attr("node-A1", "data-role", "master")
        .await?;
    // The lesson is done once C1 has also taken over from a healthy C (CLUSTER FAILOVER).
    // The console takes a line once the 30 s have played.
    browser.expect_absent("lesson-busy").await?;
    browser
        .enter_line("lesson-console-input", "failover C1")
        .await?;
    browser.click("run-30s").await?;
    browser.expect_absent("lesson-busy").await?;
    // Its objective is on the next slide.
    forward_to(browser, "A planned handover: CLUSTER FAILOVER").await?;
    browser
        .expect_attr("objective-manual-c", "data-met", "true")
        .await?;
    // The lesson's timeline logs the promotion; the caption tells the latest event in words.
    browser
        .expect_text_containing("event-log", "wins the election")
        .await?;
    browser
        .expect_text_containing("lesson-narration", " s: ")
        .await?;
    browser
        .expect_text_containing("all-met", "Well done")
        .await?;
    // "+30 s" plays in slices, with its progress; Back waits until the 30 s have passed.
    browser.expect_absent("lesson-busy").await?;
    // Back shows the slides before (A still alive two slides back); Forward returns to the
    // learner's moment.
    browser.click("lesson-back").await?;
    browser
        .expect_text("slide-title", "Your turn: a real failure")
        .await?;
    browser.click("lesson-back").await?;
    browser
        .expect_text("slide-title", "Can every replica run?")
        .await?;
    browser.expect_attr("node-A", "data-status", "up").await?;
    browser.click("lesson-forward").await?;
    browser
        .expect_attr("objective-auto-a", "data-met", "true")
        .await?;

    // A reload (what `trunk serve` does when a lesson file is saved) reopens the lesson at
    // the same place.
    let position = browser.text("lesson-position").await?;
    reload(browser).await?;
    browser
        .expect_text("lesson-title", "Replica election and promotion")
        .await?;
    browser.expect_text("lesson-position", &position).await?;
    browser
        .expect_text("slide-title", "Your turn: a real failure")
        .await?;
    // The solution (on the next slide), after a confirmation, meets the objectives again.
    forward_to(browser, "A planned handover: CLUSTER FAILOVER").await?;
    browser.click("solution-ask").await?;
    browser.click("solution-cancel").await?;
    browser.click("solution-ask").await?;
    browser.click("solution-yes").await?;
    browser.expect_text_containing("solution", "kill A").await?;
    browser
        .expect_attr("objective-manual-c", "data-met", "true")
        .await?;
    browser
        .expect_text_containing("all-met", "Well done")
        .await?;
    // Lesson 7 was left at its second step: the menu offers to continue there.
    browser.click("lessons-button").await?;
    browser.click("continue-lesson-7").await?;
    browser
        .expect_text("lesson-title", "Failure detection: PFAIL, reports, FAIL")
        .await?;
    browser
        .expect_text_containing("lesson-position", "Step 2 of")
        .await?;
    browser.expect_no_errors().await
}

async fn persist(browser: &Browser) -> Outcome {
    // Finish lesson 8 with the solution: its progress mark becomes "done".
    open_lesson(browser, 8).await?;
    // The Forward under the slide works like the one above it.
    browser.click("lesson-forward-bottom").await?;
    browser
        .expect_text_containing("lesson-position", "Step 2 of")
        .await?;
    // On to the learner's turn, past B's failover: the solution needs a majority of masters up.
    forward_to(browser, "Your turn: a real failure").await?;
    browser.click("hint-next").await?;
    browser
        .expect_text_containing("hint-1", "node_timeout")
        .await?;
    // The solution is offered on the last exercise's slide.
    forward_to(browser, "A planned handover: CLUSTER FAILOVER").await?;
    browser.click("solution-ask").await?;
    browser.click("solution-yes").await?;
    browser
        .expect_text_containing("all-met", "Well done")
        .await?;
    browser.click("lessons-button").await?;
    browser
        .expect_attr("open-lesson-8", "data-mark", "done")
        .await?;
    browser
        .expect_attr("open-lesson-9", "data-mark", "not started")
        .await?;

    // French, remembered across a reload, with the French lesson file.
    browser.select("lang-select", "fr").await?;
    browser
        .expect_text("lesson-title", "Élection et promotion d'une réplique")
        .await?;
    reload(browser).await?;
    browser.expect_attr("lang-select", "value", "fr").await?;
    browser
        .expect_text("lesson-title", "Élection et promotion d'une réplique")
        .await?;
    browser.click("lessons-button").await?;
    browser
        .expect_attr("open-lesson-8", "data-mark", "terminée")
        .await?;

    // Export, forget everything, import: the mark is back.
    browser.click("progress-export-toggle").await?;
    let export = browser
        .prop("progress-export", "value")
        .await?
        .ok_or("no export text")?;
    if !export.contains("\"failover\"") {
        return Err(format!("the export does not name the lesson: {export}").into());
    }
    browser
        .eval("localStorage.removeItem('clusterlab.progress'); return true;")
        .await?;
    reload(browser).await?;
    browser.click("lessons-button").await?;
    // Reopened from the address, the lesson counts as started again, not done.
    browser
        .expect_attr("open-lesson-8", "data-mark", "commencée")
        .await?;
    browser.click("progress-import-toggle").await?;
    // A bad import says why and changes nothing.
    browser
        .type_into("progress-import", "{\"not\": \"an export\"}")
        .await?;
    browser.click("progress-import-button").await?;
    browser
        .expect_text_containing("course-message", "Ce n'est pas un export de progression")
        .await?;
    browser.type_into("progress-import", &export).await?;
    browser.click("progress-import-button").await?;
    browser
        .expect_text_containing("course-message", "Progression importée")
        .await?;
    browser
        .expect_attr("open-lesson-8", "data-mark", "terminée")
        .await?;
    // …and it was saved: still there after a reload.
    reload(browser).await?;
    browser.click("lessons-button").await?;
    browser
        .expect_attr("open-lesson-8", "data-mark", "terminée")
        .await?;
    // The playground's own chrome is French too, and leaving the lesson forgets its address.
    browser.click("leave-lesson").await?;
    browser.expect_text("play", "Lecture").await?;
    browser.expect_text("reset", "Réinitialiser").await?;
    reload(browser).await?;
    browser.expect_text("play", "Lecture").await?;
    browser.expect_no_errors().await
}
