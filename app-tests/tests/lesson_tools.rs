//! The panels a lesson can show besides the cluster, in real headless Chromium (the sandbox,
//! lesson 14, shows them all): the sequence diagram stepped event by event, the client's slot
//! cache going stale when a master fails over, and the lesson timeline scrubbed back in time.

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn a_lesson_steps_its_sequence_scrubs_its_timeline_and_shows_the_client_cache() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = tools(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn tools(browser: &Browser) -> Outcome {
    browser.click("lessons-button").await?;
    browser.click("open-lesson-14").await?;
    browser
        .expect_text_containing("client-panel", "No client yet")
        .await?;
    // The client loads the map (CLUSTER SLOTS) and writes user:1000 (slot 1649, A's).
    browser
        .enter_line("lesson-console-input", "client SET user:1000 x")
        .await?;
    browser
        .expect_text_containing("client-counters", "0 MOVED, 0 ASK, 1 slot map loads")
        .await?;
    browser
        .expect_text("client-stale", "Every cached slot points at its owner.")
        .await?;
    // A second later A dies; with node timeout 5 s, A1 is promoted within the 10 s that pass (and all of it
    // stays within the diagram's last 20 s).
    browser.click("run-1s").await?;
    browser.expect_absent("lesson-busy").await?;
    browser.enter_line("lesson-console-input", "kill A").await?;
    for _ in 0..2 {
        browser.click("run-5s").await?;
        browser.expect_absent("lesson-busy").await?;
    }
    // The client still sends A's 5461 slots to A: stale until a MOVED or a reload.
    browser
        .expect_text(
            "client-stale",
            "5461 slots are stale: a command there is redirected with MOVED.",
        )
        .await?;
    // The stepper: the first stop is selected, circled and told; Next goes on.
    browser.click("seq-next").await?;
    browser
        .expect_text_containing("seq-count", "Event 1 of")
        .await?;
    let first = browser.text("seq-selected").await?;
    browser.click("seq-next").await?;
    browser
        .expect_text_containing("seq-count", "Event 2 of")
        .await?;
    if browser.text("seq-selected").await? == first {
        return Err(format!("Next did not move from {first:?}").into());
    }
    browser.click("seq-prev").await?;
    browser.expect_text("seq-selected", &first).await?;
    // Scrubbing back to the lesson's start, a second before the kill: A is up there; then
    // back to now.
    browser
        .eval(
            "const s = document.querySelector('[data-testid=scrubber]');
             s.value = s.min;
             s.dispatchEvent(new Event('change', {bubbles: true}));
             return true;",
        )
        .await?;
    browser
        .expect_text_containing("lesson-past", "Showing the cluster at")
        .await?;
    browser.expect_attr("node-A", "data-status", "up").await?;
    browser.click("lesson-now").await?;
    browser.expect_absent("lesson-past").await?;
    browser
        .expect_attr("node-A", "data-status", "crashed")
        .await?;
    browser.expect_no_errors().await
}
