//! "Why did it happen?": kill a master, let the cluster flag it FAIL, open the FAIL's
//! explanation from the event log (markNodeAsFailingIfNeeded, its quorum), follow a cause link
//! back to the PFAIL (clusterCron) whose root is the kill, then explain the promotion from the
//! node view, and read it in French.

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn a_fail_is_explained_and_its_causes_lead_back_to_the_kill() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = explain(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn explain(browser: &Browser) -> Outcome {
    browser
        .expect_text_containing("explain-empty", "Select an event")
        .await?;
    browser.click("pause").await?;
    browser.click("node-A").await?;
    browser.click("crash").await?;
    // node_timeout is 15 s: PFAIL, FAIL by majority, then A1's election.
    browser.click("skip-30000").await?;
    browser
        .expect_attr("node-A1", "data-role", "master")
        .await?;

    // The first FAIL in the log is counted by a majority of masters.
    browser
        .click_first(r#"[data-testid="log-event"][data-event="fail"]"#)
        .await?;
    browser
        .expect_text_containing("explain-rule", "markNodeAsFailingIfNeeded")
        .await?;
    browser
        .expect_text_containing("explain-facts", "masters agree")
        .await?;
    browser
        .expect_text_containing("explain-facts", "needed")
        .await?;
    // Its first cause is the node's own PFAIL: follow the link.
    browser.click("explain-cause").await?;
    browser
        .expect_text_containing("explain-rule", "clusterCron")
        .await?;
    browser
        .expect_text_containing("explain-facts", "more than node_timeout (15000 ms)")
        .await?;
    browser
        .expect_text_containing("explain-fault", "A was killed")
        .await?;

    // The node view lists A1's decisions; its promotion follows from the votes.
    browser.click("node-A1").await?;
    browser
        .click_first(r#"[data-testid="node-events"] .promoted button"#)
        .await?;
    browser
        .expect_text_containing("explain-rule", "clusterHandleSlaveFailover")
        .await?;
    browser
        .expect_text_containing("explain-facts", "votes of the 2 needed")
        .await?;
    browser
        .expect_text_containing("explain-causes", "vote")
        .await?;

    // The same explanation in French, with French typography.
    browser.select("lang-select", "fr").await?;
    browser
        .expect_text_containing("explain-facts", "votes sur les 2 nécessaires")
        .await?;
    browser.click("explain-close").await?;
    browser
        .expect_text_containing("explain-empty", "Sélectionnez un évènement")
        .await?;
    browser.expect_no_errors().await
}
