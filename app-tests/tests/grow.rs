//! Growing the cluster from the page.

use clusterlab_app_tests::{Browser, Outcome};

/// Add a node like `redis-cli --cluster add-node` + rebalance: it appears, meets the others and
/// ends up a master with a quarter of the slots.
#[tokio::test]
async fn adding_a_node_rebalances_slots_onto_it() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = grow(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn grow(browser: &Browser) -> Outcome {
    browser
        .expect_attr("node-C1", "data-role", "replica")
        .await?;
    browser.click("pause").await?;
    browser.click("add-node").await?;
    browser.expect_attr("node-D", "data-role", "master").await?;
    for _ in 0..4 {
        browser.click("skip-30000").await?;
    }
    browser.expect_text_containing("jobs", "— done").await?;
    let label = browser
        .attr("node-D", "aria-label")
        .await?
        .unwrap_or_default();
    if label.contains("slots -") {
        return Err(format!("D has no slots after the rebalance: {label}").into());
    }
    browser.expect_no_errors().await
}
