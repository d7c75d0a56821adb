//! Crash a master in the page and run the simulation forward: its replica is elected and
//! promoted, the others flag the master FAIL, and the slot map and key tracer follow.

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn crashing_a_master_promotes_its_replica() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = failover(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn failover(browser: &Browser) -> Outcome {
    browser.expect_attr("node-A", "data-role", "master").await?;
    browser
        .expect_attr("node-A1", "data-role", "replica")
        .await?;
    browser.click("pause").await?;
    // Select A by clicking it on the cluster view, then crash it from the faults panel.
    browser.click("node-A").await?;
    browser.click("crash").await?;
    browser
        .expect_attr("node-A", "data-status", "crashed")
        .await?;
    // node_timeout is 15 s: PFAIL, FAIL by majority, then the election.
    browser.click("skip-30000").await?;
    browser
        .expect_attr("node-A1", "data-role", "master")
        .await?;
    browser.expect_attr("node-A", "data-flag", "fail").await?;
    browser.expect_text("key-owner", "A1").await?;
    browser
        .expect_text_containing("event-log", "wins the election")
        .await?;
    // A's own beliefs are frozen; A1's say it is a master now.
    browser.click("node-A1").await?;
    browser
        .expect_text_containing("beliefs", "myself,master")
        .await?;
    // Step back one event, then forward again: the same step.
    let steps = browser
        .attr("sim-time", "data-steps")
        .await?
        .unwrap_or_default();
    browser.click("step-back").await?;
    browser.click("step").await?;
    browser
        .expect_attr("sim-time", "data-steps", &steps)
        .await?;
    let time = browser.text("sim-time").await?;
    // Share this moment; the link opens the same state in a fresh page.
    browser.click("share").await?;
    let url = browser
        .prop("share-url", "value")
        .await?
        .ok_or("no share link")?;
    let fragment = url.split_once('#').ok_or("the link has no fragment")?.1;
    browser.expect_no_errors().await?;
    browser.open_fragment(fragment).await?;
    browser.expect_text("sim-time", &time).await?;
    browser
        .expect_attr("node-A1", "data-role", "master")
        .await?;
    browser
        .expect_attr("node-A", "data-status", "crashed")
        .await?;
    browser.expect_attr("pause", "disabled", "true").await?;
    browser.expect_no_errors().await
}
