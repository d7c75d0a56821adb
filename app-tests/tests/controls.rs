//! Playback controls and keyboard shortcuts: pause, step, step back, speed, and a bad shared
//! link that falls back to the default scenario with a message.

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn controls_and_shortcuts() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = controls(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn controls(browser: &Browser) -> Outcome {
    browser.expect_attr("seed", "value", "1").await?;
    // Space pauses; the clock then stays put.
    browser.press(" ").await?;
    browser.expect_attr("pause", "disabled", "true").await?;
    let t0 = browser.text("sim-time").await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        browser.text("sim-time").await?,
        t0,
        "paused: time stands still"
    );
    // → steps one event; ← and the Back button go back one each.
    let steps = |s: Option<String>| s.and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    let n0 = steps(browser.attr("sim-time", "data-steps").await?);
    browser.press("ArrowRight").await?;
    browser.press("ArrowRight").await?;
    browser.press("ArrowRight").await?;
    browser
        .expect_attr("sim-time", "data-steps", &(n0 + 3).to_string())
        .await?;
    browser.press("ArrowLeft").await?;
    browser.click("step-back").await?;
    browser
        .expect_attr("sim-time", "data-steps", &(n0 + 1).to_string())
        .await?;
    // + speeds up by a quarter decade.
    browser.press("+").await?;
    browser.expect_attr("speed", "value", "0.25").await?;
    browser.press("?").await?;
    browser
        .expect_text_containing("help-dialog", "Keyboard shortcuts")
        .await?;
    browser.press("Escape").await?;
    // A shared link from another version: the default scenario, and a clear message.
    browser.open_fragment("v0&p=3x1").await?;
    browser
        .expect_text_containing("notice", "another version")
        .await?;
    browser
        .expect_attr("node-C1", "data-role", "replica")
        .await?;
    browser.expect_no_errors().await
}
