//! Every lesson of the course walked in real headless Chromium, as a learner meets it: opened
//! from the menu, Forward through its slides and narrated scenarios (each prediction that
//! locks Forward answered on the way), up to its learner's turn, where an objective is open
//! and says what is missing; then, in English, the solution (behind its confirmation) meets
//! every objective. The French walk stops at the learner's turn. No page error anywhere.

use std::error::Error;
use std::time::{Duration, Instant};

use clusterlab_app_tests::{Browser, Outcome};

const POLL: Duration = Duration::from_millis(50);
/// How long a slow, shared machine may take for one click (a `wait` step, a rebalance).
const SLOW: Duration = Duration::from_secs(240);
/// Lessons in the course (`core/src/lesson/course.rs`).
const LESSONS: usize = 15;

#[tokio::test]
async fn every_lesson_reaches_its_objectives_and_the_solution_meets_them() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = walk_course(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn walk_course(browser: &Browser) -> Outcome {
    for lang in ["en", "fr"] {
        browser.select("lang-select", lang).await?;
        for n in 1..=LESSONS {
            walk_lesson(browser, n, lang == "en")
                .await
                .map_err(|e| format!("lesson {n} ({lang}): {e}"))?;
        }
    }
    Ok(())
}

async fn present(browser: &Browser, testid: &str) -> Result<bool, Box<dyn Error>> {
    let seen = browser
        .eval(&format!(
            "return !!document.querySelector('[data-testid=\"{testid}\"]');"
        ))
        .await?;
    Ok(seen == serde_json::Value::Bool(true))
}

/// "Step 3 of 12" (or the French "Étape 3 sur 12"): (3, 12).
async fn position(browser: &Browser) -> Result<(usize, usize), Box<dyn Error>> {
    let text = browser.text("lesson-position").await?;
    let numbers: Vec<usize> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    match numbers[..] {
        [at, total] => Ok((at, total)),
        _ => Err(format!("the position reads {text:?}").into()),
    }
}

/// Answers, each with its first choice, the quizzes on the slide not answered yet (answered
/// ones show their verdict) while a prediction locks Forward: the gate is the last of them.
async fn answer_lock(browser: &Browser) -> Outcome {
    for _ in 0..5 {
        if !present(browser, "lesson-locked").await? {
            return Ok(());
        }
        browser
            .click_first("fieldset.quiz:not(:has(.quiz-verdict)) button.choice")
            .await?;
        tokio::time::sleep(POLL).await;
    }
    browser.expect_absent("lesson-locked").await
}

/// Waits until Forward can be pressed (a wait step may still be playing), presses it, and
/// waits until the position has moved on.
async fn forward(browser: &Browser) -> Outcome {
    let deadline = Instant::now() + SLOW;
    let enabled = "return !document.querySelector('[data-testid=\"lesson-forward\"]').disabled;";
    while browser.eval(enabled).await? != serde_json::Value::Bool(true) {
        if Instant::now() > deadline {
            return Err("Forward stayed disabled".into());
        }
        tokio::time::sleep(POLL).await;
    }
    let from = position(browser).await?;
    browser.click("lesson-forward").await?;
    while position(browser).await? == from {
        if Instant::now() > deadline {
            return Err(format!("Forward did not move on from {from:?}").into());
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(())
}

async fn walk_lesson(browser: &Browser, n: usize, solve: bool) -> Outcome {
    browser.click("lessons-button").await?;
    browser.click(&format!("open-lesson-{n}")).await?;
    browser
        .expect_text_containing("lesson-position", " 1 ")
        .await?;
    // Forward to the slide that offers the solution (the learner's turn), or to the end.
    loop {
        if present(browser, "solution-ask").await? {
            break;
        }
        let (at, total) = position(browser).await?;
        if at == total {
            break;
        }
        answer_lock(browser).await?;
        forward(browser).await?;
    }
    if !present(browser, "solution-ask").await? {
        // The sandbox: no objective, a page that still works at its end.
        if present(browser, "objective-count").await? {
            return Err("objectives, but the solution is never offered".into());
        }
        return browser.expect_no_errors().await;
    }
    // The learner's turn: something is still to do, and the page says what in words.
    let open = browser
        .eval(
            "const o = [...document.querySelectorAll('[data-testid^=\"objective-\"][data-met]')];
             const open = o.filter(e => e.dataset.met === 'false');
             const why = open.map(e => e.dataset.testid.replace('objective-', 'why-'))
                 .map(id => document.querySelector(`[data-testid=\"${id}\"]`))
                 .filter(e => e && e.textContent.trim().length > 20);
             return [o.length, open.length, why.length];",
        )
        .await?;
    let count = |i: usize| open[i].as_u64().unwrap_or(0);
    if count(1) == 0 || count(2) == 0 {
        return Err(format!(
            "at the learner's turn: {} objective(s) on the slide, {} open, {} with a why-not-yet",
            count(0),
            count(1),
            count(2)
        )
        .into());
    }
    if solve {
        browser.click("solution-ask").await?;
        browser.click("solution-yes").await?;
        let deadline = Instant::now() + SLOW;
        while present(browser, "solution-playing").await? || !present(browser, "solution").await? {
            if Instant::now() > deadline {
                return Err("the solution did not finish playing".into());
            }
            tokio::time::sleep(POLL).await;
        }
        let deadline = Instant::now() + SLOW;
        while !present(browser, "all-met").await? {
            if Instant::now() > deadline {
                let count = browser.text("objective-count").await?;
                return Err(format!("the solution leaves objectives open: {count}").into());
            }
            tokio::time::sleep(POLL).await;
        }
    }
    browser.expect_no_errors().await
}
