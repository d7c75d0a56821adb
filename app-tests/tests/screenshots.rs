//! A tour of the page in pictures, for reviewing the look (ignored by default):
//! `CLUSTERLAB_SHOTS=/tmp/shots cargo test -p clusterlab-app-tests --test screenshots --
//! --ignored` writes PNGs there (the dist folder must be built).

use std::path::PathBuf;

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
#[ignore = "pictures for people, not a check"]
async fn tour() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = shoot(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn shoot(browser: &Browser) -> Outcome {
    let dir =
        PathBuf::from(std::env::var("CLUSTERLAB_SHOTS").unwrap_or_else(|_| "/tmp/shots".into()));
    std::fs::create_dir_all(&dir)?;
    browser.resize(1400, 1000).await?;
    browser.expect_attr("node-A", "data-role", "master").await?;
    browser.click("pause").await?;
    browser.click("node-A").await?;
    browser.click("crash").await?;
    browser.click("skip-10000").await?;
    browser.click("skip-1000").await?;
    browser.click("skip-1000").await?;
    browser.click("skip-1000").await?;
    browser.click("skip-1000").await?;
    browser.click("skip-1000").await?;
    browser.click("skip-1000").await?;
    browser.click("node-B").await?;
    browser.eval("window.scrollTo(0, 0); return true;").await?;
    browser.screenshot(&dir.join("1-pfail.png")).await?;
    browser
        .eval("document.querySelector('[data-testid=beliefs]').scrollIntoView(); return true;")
        .await?;
    browser.screenshot(&dir.join("2-beliefs.png")).await?;
    browser.click("node-A1").await?;
    browser.click("skip-1000").await?;
    browser.click("skip-1000").await?;
    browser
        .eval("document.querySelector('[data-testid=beliefs]').scrollIntoView(); return true;")
        .await?;
    browser.screenshot(&dir.join("3-election.png")).await?;
    browser.select("console-node", "1").await?;
    browser.click("console-follow").await?;
    browser
        .enter_line("console-input", "SET user:1000 hello")
        .await?;
    browser.enter_line("console-input", "CLUSTER INFO").await?;
    browser.eval("window.scrollTo(0, 0); return true;").await?;
    browser.screenshot(&dir.join("4-console.png")).await?;
    browser.press("?").await?;
    browser.screenshot(&dir.join("5-help.png")).await?;
    browser.press("Escape").await?;
    browser.resize(1400, 1000).await?;
    browser.open("").await?;
    browser
        .expect_attr("node-C1", "data-role", "replica")
        .await?;
    browser.click("pause").await?;
    browser
        .enter_line("console-input", "SET user:1000 x")
        .await?;
    browser.click("add-node").await?;
    for _ in 0..9 {
        browser.click("skip-1000").await?;
    }
    browser.eval("window.scrollTo(0, 0); return true;").await?;
    browser.screenshot(&dir.join("7-grow.png")).await?;
    browser
        .eval("document.querySelector('[data-testid=jobs]').scrollIntoView(); return true;")
        .await?;
    browser.screenshot(&dir.join("8-jobs.png")).await?;
    browser.resize(390, 850).await?;
    browser.eval("window.scrollTo(0, 0); return true;").await?;
    browser.screenshot(&dir.join("6-phone.png")).await?;
    browser.resize(1400, 1000).await?;
    browser.click("convergence-plot-run").await?;
    browser
        .expect_text("convergence-plot-progress", "done: 45 runs")
        .await?;
    browser
        .eval("document.querySelector('[data-testid=convergence-plot]').scrollIntoView(); return true;")
        .await?;
    browser
        .screenshot(&dir.join("9-convergence-plot.png"))
        .await?;
    browser.click("pick-timeout-plot").await?;
    browser.click("timeout-plot-run").await?;
    browser
        .expect_text("timeout-plot-progress", "done: 40 runs")
        .await?;
    browser
        .eval("document.querySelector('[data-testid=timeout-plot]').scrollIntoView(); return true;")
        .await?;
    browser.screenshot(&dir.join("10-timeout-plot.png")).await?;
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/native-failover.jsonl");
    browser.upload("trace-file", &fixture).await?;
    browser
        .eval(
            "document.querySelector('[data-testid=trace-timeline]').scrollIntoView(); return true;",
        )
        .await?;
    browser.screenshot(&dir.join("11-trace-import.png")).await?;
    browser.expect_no_errors().await
}

/// The big-cluster view: 1000 nodes starting, then 300 nodes while FAIL about a killed master
/// spreads (`--ignored big_tour` alone takes about a minute).
#[tokio::test]
#[ignore = "pictures for people, not a check"]
async fn big_tour() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = shoot_big(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn shoot_big(browser: &Browser) -> Outcome {
    let dir =
        PathBuf::from(std::env::var("CLUSTERLAB_SHOTS").unwrap_or_else(|_| "/tmp/shots".into()));
    std::fs::create_dir_all(&dir)?;
    browser.resize(1400, 1000).await?;
    browser.open_fragment("v1&p=500x1&s=1").await?;
    browser
        .expect_attr("big-cluster", "data-phase", "starting")
        .await?;
    browser.select("big-node", "500").await?;
    std::thread::sleep(std::time::Duration::from_secs(3));
    browser
        .screenshot(&dir.join("10-big-1000-starting.png"))
        .await?;
    browser.open_fragment("v1&p=150x1&s=1").await?;
    for _ in 0..100 {
        if browser.attr("big-cluster", "data-phase").await?.as_deref() == Some("running") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    browser.select("big-node", "1").await?;
    browser.click("big-kill").await?;
    browser.select("big-node", "2").await?;
    browser.select("big-speed", "max").await?;
    browser
        .expect_text_containing("big-log", "flags B FAIL")
        .await?;
    browser.select("big-speed", "-1").await?;
    browser
        .screenshot(&dir.join("11-big-300-fail-spreads.png"))
        .await?;
    Ok(())
}
