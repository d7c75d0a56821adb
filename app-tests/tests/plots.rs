//! The Experiments panel computes the course's plots with the simulator, in the page, and draws
//! them as SVG: gossip convergence vs cluster size (one point per size, 5 seeds each) and
//! failover time vs cluster-node-timeout, where promotion always comes after the node timeout
//! (a master is only suspected once a ping went unanswered for node_timeout).

use std::error::Error;
use std::time::{Duration, Instant};

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn experiments_plot_their_points() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = plot(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn plot(browser: &Browser) -> Outcome {
    let started = Instant::now();
    browser.click("convergence-plot-run").await?;
    // 9 cluster sizes × 5 seeds, computed a few runs per timer tick.
    wait_until(browser, "the convergence run to finish", || async {
        Ok(browser.text("convergence-plot-progress").await? == "done: 45 runs")
    })
    .await?;
    // For the record (not a check: the machine may be loaded).
    eprintln!(
        "convergence plot computed in the page in {:?}",
        started.elapsed()
    );
    let points = count(
        browser,
        "[data-testid=convergence-plot-seconds] [data-testid=plot-point]",
    )
    .await?;
    if points != 9 {
        return Err(format!("the convergence plot shows {points} points, expected 9 sizes").into());
    }
    // The table twin: a bigger cluster takes longer to hear of a new node.
    let by_size = column(browser, "convergence-plot-seconds-table", 1, usize::MAX).await?;
    if by_size.len() != 9 || by_size.first() >= by_size.last() {
        return Err(format!("convergence medians by size: {by_size:?}").into());
    }

    browser.click("pick-timeout-plot").await?;
    let started = Instant::now();
    browser.click("timeout-plot-run").await?;
    wait_until(browser, "the failover run to finish", || async {
        Ok(browser.text("timeout-plot-progress").await? == "done: 40 runs")
    })
    .await?;
    eprintln!(
        "failover plot computed in the page in {:?}",
        started.elapsed()
    );
    let points = count(
        browser,
        "[data-testid=timeout-plot-seconds] [data-testid=plot-point]",
    )
    .await?;
    if points != 3 * 8 {
        return Err(format!(
            "the failover plot shows {points} points, expected 3 series × 8 timeouts"
        )
        .into());
    }
    let timeouts = column(browser, "timeout-plot-seconds-table", 0, usize::MAX).await?;
    let promoted = column(browser, "timeout-plot-seconds-table", 2, usize::MAX).await?;
    for (t, p) in timeouts.iter().zip(&promoted) {
        if p < t {
            return Err(format!("promotion after {p} s with node timeout {t} s").into());
        }
    }
    let false_pfail = column(browser, "timeout-plot-count-table", 1, usize::MAX).await?;
    if false_pfail.first() <= false_pfail.last() {
        return Err(format!("false PFAIL by timeout: {false_pfail:?}").into());
    }
    browser.expect_no_errors().await
}

/// The number of elements matching `selector`.
async fn count(browser: &Browser, selector: &str) -> Result<u64, Box<dyn Error>> {
    let n = browser
        .eval(&format!(
            "return document.querySelectorAll({selector:?}).length;"
        ))
        .await?;
    Ok(n.as_u64().unwrap_or(0))
}

/// Column `col` of a plot's first `rows` rows, as numbers (`12.8 (4.8–15.8)` gives 12.8).
async fn column(
    browser: &Browser,
    table: &str,
    col: usize,
    rows: usize,
) -> Result<Vec<f64>, Box<dyn Error>> {
    let cells = browser
        .eval(&format!(
            "return [...document.querySelectorAll('[data-testid={table}] tbody tr')]
                .slice(0, {rows}).map(r => r.children[{col}].textContent);"
        ))
        .await?;
    let cells = cells.as_array().cloned().unwrap_or_default();
    cells
        .iter()
        .map(|c| {
            let text = c.as_str().unwrap_or_default();
            text.split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("table {table} cell {text:?} is not a number").into())
        })
        .collect()
}

/// Polls `check` until it holds; the experiments take seconds of wasm on a loaded machine.
async fn wait_until<F, Fut>(browser: &Browser, what: &str, check: F) -> Outcome
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<bool, Box<dyn Error>>>,
{
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if check().await? {
            return Ok(());
        }
        if Instant::now() > deadline {
            let progress = browser
                .eval("return document.querySelector('[data-testid$=plot-progress]')?.textContent;")
                .await?;
            return Err(format!("timed out waiting for {what} (progress: {progress})").into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The bus-cost plot (issue 15's "limit, measured live"): started by a click, it measures the
/// small clusters first, slice by slice, and draws Redis's ping rules beside the points. On the
/// random rule's floor a 6-node cluster's node sends one PING and one PONG a second; a
/// 12-node node sends more bytes than a 6-node one (bigger gossip sections, more PINGs).
#[tokio::test]
async fn bus_cost_plot_measures_small_clusters_beside_the_rules() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = bus_cost(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn bus_cost(browser: &Browser) -> Outcome {
    browser.click("pick-bus-cost-plot").await?;
    browser.click("bus-cost-plot-run").await?;
    // 8 sizes (6 to 500) × 3 seeds; the first two sizes are enough here.
    wait_until(browser, "the 6- and 12-node bus-cost samples", || async {
        let text = browser.text("bus-cost-plot-progress").await?;
        let done: u64 = text
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Ok(done >= 6)
    })
    .await?;
    // Only the sizes measured so far: the others' cells still read `…`.
    let per_node = column(browser, "bus-cost-plot-node-traffic-table", 1, 2).await?;
    let rate = column(browser, "bus-cost-plot-rate-table", 1, 2).await?;
    if !(per_node[0] > 0.0 && per_node[0] < per_node[1]) {
        return Err(format!("bytes per node should grow from 6 to 12 nodes: {per_node:?}").into());
    }
    if (rate[0] - 2.0).abs() > 0.3 {
        return Err(format!("6 nodes: one PING and one PONG a second expected: {rate:?}").into());
    }
    let guides = count(
        browser,
        "[data-testid=bus-cost-plot-node-traffic] polyline.guide",
    )
    .await?;
    if guides != 2 {
        return Err(
            format!("the node-traffic chart should draw floor and ceiling: {guides}").into(),
        );
    }
    // Another plot stops the run: its panel replaces this one.
    browser.click("pick-convergence-plot").await?;
    browser.expect_no_errors().await
}
