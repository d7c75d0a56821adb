//! One lesson played the way a learner plays it, end to end, in real headless Chromium
//! (lesson 07, failure detection; node_timeout 3 s): Forward stays locked until the prediction
//! is answered, the answer reveals the quiz's explanation, the scenario is told as sentences
//! (what is about to happen, then what happened at which simulated time), a shortcut from the
//! lesson's `shortcut` blocks (`partition A / B`: only one master of three suspects B, and
//! Redis 7.0's markNodeAsFailingIfNeeded needs a majority, 2) leaves the objective open with its
//! "why not yet", the solution (`partition B`) meets every objective, and the FAIL it causes is
//! explained from C's recent events in the beliefs panel (lesson 07 has no event-log panel):
//! its quorum, then one cause link back to C's own PFAIL (clusterCron) and the partition at the
//! root.

use std::error::Error;
use std::time::{Duration, Instant};

use clusterlab_app_tests::{Browser, Outcome};

const POLL: Duration = Duration::from_millis(50);

#[tokio::test]
async fn a_learner_predicts_watches_fails_a_shortcut_solves_and_asks_why() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = walk(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

/// How long a slow, shared machine may take to simulate what one click asks for.
const SLOW: Duration = Duration::from_secs(120);

/// Whether the top Forward button is disabled now.
async fn forward_disabled(browser: &Browser) -> Result<bool, Box<dyn Error>> {
    let seen = browser
        .eval("return document.querySelector('[data-testid=\"lesson-forward\"]').disabled;")
        .await?;
    Ok(seen == serde_json::Value::Bool(true))
}

/// Waits until Forward can be pressed (a wait step may still be playing), presses it, and
/// waits until the position has moved on.
async fn forward(browser: &Browser) -> Outcome {
    let deadline = Instant::now() + SLOW;
    while forward_disabled(browser).await? {
        if Instant::now() > deadline {
            return Err("Forward stayed disabled".into());
        }
        tokio::time::sleep(POLL).await;
    }
    let from = browser.text("lesson-position").await?;
    browser.click("lesson-forward").await?;
    while browser.text("lesson-position").await? == from {
        if Instant::now() > deadline {
            return Err(format!("Forward did not move on from {from:?}").into());
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(())
}

/// Reads a time as the app writes it ("3.2 s", "400 ms", either space) in seconds.
fn seconds(time: &str) -> Option<f64> {
    let time = time.replace('\u{a0}', " ");
    match time.trim().split_once(' ') {
        Some((n, "s")) => n.parse().ok(),
        Some((n, "ms")) => n.parse::<f64>().ok().map(|ms| ms / 1000.0),
        _ => None,
    }
}

/// The lesson's simulated time now, in seconds.
async fn lesson_time(browser: &Browser) -> Result<f64, Box<dyn Error>> {
    let shown = browser.text("lesson-time").await?;
    shown
        .strip_prefix("Simulated time: ")
        .and_then(seconds)
        .ok_or_else(|| format!("the lesson clock shows {shown:?}").into())
}

/// Presses "+30 s" and waits until the lesson's clock has really moved 30 s on.
async fn run_30s(browser: &Browser) -> Outcome {
    let from = lesson_time(browser).await?;
    browser.click("run-30s").await?;
    let deadline = Instant::now() + SLOW;
    while lesson_time(browser).await? < from + 29.9 {
        if Instant::now() > deadline {
            return Err(format!("30 s did not pass from {from} s").into());
        }
        tokio::time::sleep(POLL).await;
    }
    browser.expect_absent("lesson-busy").await
}

/// The simulated time, in seconds, of the step being told ("at 3.2 s: …", "at 400 ms: …").
async fn told_at(browser: &Browser) -> Result<f64, Box<dyn Error>> {
    let told = browser.text("step-narration").await?;
    told.strip_prefix("at ")
        .and_then(|rest| rest.split_once(": "))
        .and_then(|(time, _)| seconds(time))
        .ok_or_else(|| format!("the step is not told with its time: {told:?}").into())
}

async fn walk(browser: &Browser) -> Outcome {
    browser.click("lessons-button").await?;
    browser.click("open-lesson-7").await?;
    browser
        .expect_text("lesson-title", "Failure detection: PFAIL, reports, FAIL")
        .await?;
    browser
        .expect_text_containing("lesson-position", "Step 1 of")
        .await?;

    // The scenario is gated by the prediction: Forward is disabled and says why, the → key
    // does nothing, and not even what is about to happen is said yet.
    browser
        .expect_text_containing("lesson-locked", "Answer the question first")
        .await?;
    if !forward_disabled(browser).await? {
        return Err("Forward is enabled before the prediction is answered".into());
    }
    browser.press("ArrowRight").await?;
    browser
        .expect_text_containing("lesson-position", "Step 1 of")
        .await?;
    browser.expect_absent("step-upcoming").await?;
    let quiz = browser.text("quiz-predict-split").await?;
    if quiz.contains("No verdict") {
        return Err(format!("the quiz's explanation shows before the answer: {quiz:?}").into());
    }

    // The prediction: A suspects B, but one master of three is no majority. The explanation is
    // revealed, and the lock is lifted.
    browser.click("quiz-predict-split-2").await?;
    browser
        .expect_attr("quiz-predict-split-2", "aria-pressed", "true")
        .await?;
    browser
        .expect_text_containing("quiz-predict-split", "Right")
        .await?;
    browser
        .expect_text_containing("quiz-predict-split", "majority of the masters: 2 of 3")
        .await?;
    browser.expect_absent("lesson-locked").await?;

    // The scenario, told: first what is about to happen, then what happened and when.
    browser
        .expect_text_containing("step-upcoming", "A and B cannot talk")
        .await?;
    forward(browser).await?;
    browser
        .expect_text_containing(
            "step-narration",
            "The link between A and B is cut both ways.",
        )
        .await?;
    let cut_at = told_at(browser).await?;
    browser
        .expect_text_containing("step-upcoming", "A's PING to B waits for a PONG")
        .await?;
    // The wait step plays the simulator until A's own PFAIL about B.
    forward(browser).await?;
    browser
        .expect_text_containing("step-narration", "A flags B")
        .await?;
    let pfail_at = told_at(browser).await?;
    if pfail_at <= cut_at {
        return Err(
            format!("the PFAIL is told at {pfail_at} s, not after the cut at {cut_at} s").into(),
        );
    }

    // On to the learner's turn, past the rest of the scenario and the second slide.
    for _ in 0..10 {
        if browser.text("slide-title").await? == "Your turn: a verdict about a live node" {
            break;
        }
        forward(browser).await?;
    }
    browser
        .expect_text("slide-title", "Your turn: a verdict about a live node")
        .await?;
    browser
        .expect_attr("objective-b-failed", "data-met", "false")
        .await?;

    // The shortcut `one-side`: only A loses B, so only one master suspects it. However long
    // it lasts, no majority, no FAIL: the objective stays open and says what is missing.
    browser
        .enter_line("lesson-console-input", "partition A / B")
        .await?;
    browser
        .expect_text_containing("lesson-console-output", "partition A / B")
        .await?;
    run_30s(browser).await?;
    browser
        .expect_attr("objective-b-failed", "data-met", "false")
        .await?;
    browser
        .expect_text_containing(
            "why-b-failed",
            "a majority of the masters must each suspect B",
        )
        .await?;
    if browser.text("why-b-failed").await?.contains("partition") {
        return Err("the why-not-yet line gives the command away".into());
    }

    // The solution, behind its confirmation, meets every objective.
    browser.click("solution-ask").await?;
    browser.click("solution-yes").await?;
    browser.expect_absent("solution-playing").await?;
    browser
        .expect_text_containing("solution", "partition B")
        .await?;
    browser
        .expect_attr("objective-b-failed", "data-met", "true")
        .await?;
    browser
        .expect_attr("objective-b-runs", "data-met", "true")
        .await?;
    browser
        .expect_text_containing("all-met", "Well done")
        .await?;

    // Why was B declared FAIL? Lesson 07 has no event-log panel; its beliefs panel lists the
    // selected node's recent events, each opening the same explanation: the quorum rule, and
    // the suspicion it started from, one click back.
    browser.click("node-C").await?;
    browser
        .click_first(r#"[data-testid="node-events"] li.fail button"#)
        .await?;
    browser
        .expect_text_containing("explain-rule", "markNodeAsFailingIfNeeded")
        .await?;
    browser
        .expect_text_containing(
            "explain-facts",
            "2 masters agree, itself included; 2 needed",
        )
        .await?;
    browser.click("explain-cause").await?;
    browser
        .expect_text_containing("explain-rule", "clusterCron")
        .await?;
    browser
        .expect_text_containing("explain-facts", "more than node_timeout (3000 ms)")
        .await?;
    // …whose root is the learner's own fault: the solution's partition of B.
    browser
        .expect_text_containing("explain-fault", "network partition B")
        .await?;
    browser.expect_no_errors().await
}
