//! Big clusters in the page (issue 15 item 3): choosing 300 nodes starts the simulation in a
//! Web Worker, from the nodes.conf files a formed cluster leaves (no MEET storm to wait for),
//! and draws it aggregated. Killing a master shows Redis's failure detection at that size: a
//! node flags it PFAIL after the node timeout, one declares it FAIL once a majority of the 150
//! masters reported it (76), FAIL reaches every running node, and its replica is promoted.
//! Meanwhile the page's own thread stays free: its buttons answer while the worker runs.

use std::error::Error;
use std::time::{Duration, Instant};

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn a_300_node_cluster_runs_in_a_worker_and_fails_over() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = big(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn big(browser: &Browser) -> Outcome {
    // Chosen from the scenario menu, as a learner does.
    browser.select("scenario", "150x1").await?;
    let started = Instant::now();
    wait_until(browser, "the 300 nodes running", || async {
        Ok(browser.attr("big-cluster", "data-phase").await?.as_deref() == Some("running"))
    })
    .await?;
    // For the record (not a check: the machine may be loaded).
    eprintln!(
        "300 nodes running {:?} after the choice (worker's own count: {:?} ms)",
        started.elapsed(),
        browser.attr("big-cluster", "data-ready-ms").await?
    );
    browser
        .expect_attr("big-cluster", "data-masters", "150")
        .await?;
    browser
        .expect_attr("big-cluster", "data-failed", "0")
        .await?;
    browser
        .expect_text_containing("big-log", "every node says cluster_state:ok")
        .await?;

    // Pick B (node 1) from the list: its beliefs, as CLUSTER NODES on it would say.
    browser.select("big-node", "1").await?;
    browser
        .expect_text_containing("big-beliefs", "B: master, configEpoch 2")
        .await?;
    browser
        .expect_text_containing("big-beliefs", "knows 300 nodes")
        .await?;
    // Kill it, and let the worker run as fast as it can.
    browser.click("big-kill").await?;
    browser.select("big-speed", "max").await?;
    wait_until(browser, "B's replica promoted", || async {
        Ok(browser
            .text("big-log")
            .await?
            .contains("B1 won its election"))
    })
    .await?;
    let log = browser.text("big-log").await?;
    for part in [
        "B killed (kill -9)",
        "the first to flag B PFAIL",
        "flags B FAIL: ",
        "76 needed",
    ] {
        if !log.contains(part) {
            return Err(format!("the log lacks {part:?}: {log}").into());
        }
    }
    wait_until(browser, "FAIL about B everywhere", || async {
        Ok(browser
            .text("big-log")
            .await?
            .contains("every running node flags B FAIL"))
    })
    .await?;
    browser
        .expect_attr("big-cluster", "data-failed", "1")
        .await?;
    // B is down: its beliefs are nobody's now. The page answers while the worker runs.
    browser
        .expect_text_containing("big-beliefs", "B is not running")
        .await?;
    browser.click("big-restart").await?;
    wait_until(browser, "B back, FAIL cleared", || async {
        Ok(browser.text("big-log").await?.contains("clears FAIL on B"))
    })
    .await?;
    browser
        .expect_attr("big-cluster", "data-failed", "0")
        .await?;
    // Back to a small cluster: the playground, node by node, as before.
    browser.select("scenario", "3x1").await?;
    browser.expect_absent("big-cluster").await?;
    browser.expect_attr("node-C1", "data-status", "up").await?;
    browser.expect_no_errors().await
}

/// Waits (up to 5 minutes: a loaded machine simulates slowly) until `check` holds.
async fn wait_until<F, Fut>(browser: &Browser, what: &str, check: F) -> Outcome
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<bool, Box<dyn Error>>>,
{
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        if check().await? {
            return Ok(());
        }
        if Instant::now() > deadline {
            let phase = browser.text("big-phase").await.unwrap_or_default();
            let stats = browser.text("big-stats").await.unwrap_or_default();
            return Err(format!("timed out waiting for {what} ({phase}; {stats})").into());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
