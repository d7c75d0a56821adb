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
        .expect_text_containing("event-log", "promoted")
        .await?;
    // A's own beliefs are frozen; A1's say it is a master now.
    browser.click("node-A1").await?;
    browser
        .expect_text_containing("beliefs", "myself,master")
        .await?;
    // Step back in time: A1 was a replica a moment before the promotion.
    browser.click("step-back").await?;
    browser.expect_text_containing("sim-time", " s").await?;
    browser.expect_no_errors().await
}
