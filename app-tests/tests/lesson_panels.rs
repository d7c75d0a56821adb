//! Lessons in real headless Chromium, past what `lessons.rs` covers: the plots a lesson shows
//! (lesson 6's gossip convergence, lesson 13's failover time vs `cluster-node-timeout`) are
//! computed inside the lesson and drawn with their data table; switching to French translates
//! the plot titles and the trace-import panel; and lesson 10's solution, a rebalance that runs
//! for tens of simulated seconds, plays slice by slice while the page keeps answering.

use std::time::{Duration, Instant};

use clusterlab_app_tests::{Browser, Outcome};

/// Plot samples and a rebalance are real simulations: a slow machine needs time.
const PATIENCE: Duration = Duration::from_secs(120);

#[tokio::test]
async fn lessons_show_their_plots_and_the_panels_speak_french() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = plots_and_french(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

#[tokio::test]
async fn a_long_solution_plays_while_the_page_stays_responsive() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = long_solution(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

/// Polls `script` (which returns a boolean) until it is true; `what` names it in the error.
async fn wait_until(browser: &Browser, script: &str, what: &str) -> Outcome {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if browser.eval(script).await? == serde_json::Value::Bool(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("waited {PATIENCE:?} for {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn open_lesson(browser: &Browser, number: usize) -> Outcome {
    browser.click("lessons-button").await?;
    browser.click(&format!("open-lesson-{number}")).await
}

/// Waits until the lesson's plot panel `panel` has drawn a measured point and its table has a
/// measured row (a median, not `…`).
async fn expect_measured(browser: &Browser, panel: &str) -> Outcome {
    let section = format!("[data-testid=lesson-plot-{panel}]");
    wait_until(
        browser,
        &format!(
            "const s = document.querySelector('{section}');
             if (!s || !s.querySelector('[data-testid=plot-point]')) return false;
             return [...s.querySelectorAll('table tbody td')]
                 .some(td => /^[0-9.]+ \\([0-9.]+–[0-9.]+\\)$/.test(td.textContent));"
        ),
        &format!("a measured point in {section}"),
    )
    .await
}

async fn plots_and_french(browser: &Browser) -> Outcome {
    // Lesson 6: the time for a MEET'ed node to be known everywhere, vs cluster size.
    open_lesson(browser, 6).await?;
    browser
        .expect_text(
            "lesson-plot-title-convergence-plot",
            "Gossip convergence vs cluster size",
        )
        .await?;
    expect_measured(browser, "convergence-plot").await?;

    // Lesson 13: failover time and false suspicions vs cluster-node-timeout.
    open_lesson(browser, 13).await?;
    browser
        .expect_text(
            "lesson-plot-title-timeout-plot",
            "Failover time vs cluster-node-timeout",
        )
        .await?;
    expect_measured(browser, "timeout-plot").await?;

    // In French the plot's title, its axis and its series are French.
    browser.select("lang-select", "fr").await?;
    browser
        .expect_text(
            "lesson-plot-title-timeout-plot",
            "Durée du basculement selon cluster-node-timeout",
        )
        .await?;
    wait_until(
        browser,
        "const s = document.querySelector('[data-testid=lesson-plot-timeout-plot]');
         return !!s && s.textContent.includes('réplique promue')
             && s.textContent.includes('Tableau\u{202f}: médiane');",
        "the French series names and table in lesson 13's plot",
    )
    .await?;

    // Back in the playground, the Experiments and trace-import panels are French too.
    browser.click("leave-lesson").await?;
    browser
        .expect_text_containing("trace-import-title", "Comparer avec une vraie exécution")
        .await?;
    browser
        .expect_text_containing("experiments-title", "Expériences")
        .await?;
    browser
        .expect_text_containing("pick-timeout-plot", "Durée du basculement")
        .await?;
    browser.expect_no_errors().await
}

async fn long_solution(browser: &Browser) -> Outcome {
    open_lesson(browser, 10).await?;
    browser
        .expect_text_containing("lesson-position", "Step 1 of")
        .await?;
    // Walk to the learner's turn (the solution's slide), each step played before the next,
    // answering the predictions on the way.
    wait_until(
        browser,
        "const at = () => document.querySelector('[data-testid=lesson-position]').textContent
             .match(/Step (\\d+) of (\\d+)/);
         const [, k, n] = at();
         if (document.querySelector('[data-testid=lesson-busy]')) return false;
         // The solution is offered on its slide (the recap comes after it).
         if (document.querySelector('[data-testid=solution-ask]') || k === n) return true;
         // A prediction gates each scenario: answer it (first choice), as a learner must.
         if (document.querySelector('[data-testid=lesson-locked]')) {
             const q = document.querySelector('button[data-testid^=quiz-]:not([disabled])');
             if (q) q.click();
             return false;
         }
         document.querySelector('[data-testid=lesson-forward]').click();
         return false;",
        "Forward to reach the learner's turn",
    )
    .await?;
    browser.click("solution-ask").await?;
    // What the page shows while the solution plays, recorded as it renders: a fast machine
    // may play all of it within a few frames, before a polling test could look.
    browser
        .eval(
            "window.__playing = [];
             new MutationObserver(() => {
                 const p = document.querySelector('[data-testid=solution-playing]');
                 const back = document.querySelector('[data-testid=lesson-back]');
                 if (p) window.__playing.push([p.textContent, !!(back && back.disabled)]);
             }).observe(document.body, { subtree: true, childList: true, characterData: true });
             return true;",
        )
        .await?;
    browser.click("solution-yes").await?;
    browser
        .expect_text_containing("all-met", "Well done")
        .await?;
    browser
        .expect_text_containing("solution", "add-replica E of D")
        .await?;
    // It played in slices, frame after frame (the page kept rendering: the progress moved),
    // with its progress shown and Back disabled until it ended.
    let seen = browser.eval("return window.__playing;").await?;
    let seen: Vec<(String, bool)> = serde_json::from_value(seen)?;
    let progress: std::collections::BTreeSet<&str> = seen
        .iter()
        .map(|(t, _)| t.as_str())
        .filter(|t| t.contains("Playing the solution… step ") && t.contains(" of 16"))
        .collect();
    if progress.len() < 2 {
        return Err(format!("the solution's progress was not seen moving: {seen:?}").into());
    }
    if seen.iter().any(|(_, back_disabled)| !back_disabled) {
        return Err(format!("Back was enabled while the solution played: {seen:?}").into());
    }
    if browser.attr("lesson-back", "disabled").await?.as_deref() == Some("true") {
        return Err("Back stayed disabled after the solution played".into());
    }
    browser.expect_no_errors().await
}
