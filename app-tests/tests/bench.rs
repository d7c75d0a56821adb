//! Frame-time benchmark of the built app in headless Chromium (not a test: it is ignored by
//! default; `scripts/bench-app.sh` runs it). For 6 and 100 nodes, at 1× and 10×, it plays the
//! simulation for a few seconds and reports the median and 95th percentile of:
//! - work per frame: from an animation tick to the end of the render it caused (the app's
//!   `?bench` User Timing marks), and
//! - frame interval: the time between `requestAnimationFrame` callbacks (what the user sees).
//!
//! It also reports when the first render happened after navigation started.

use std::time::Duration;

use clusterlab_app_tests::{Browser, Outcome};

const SECONDS: u64 = 8;

#[tokio::test]
#[ignore = "a benchmark, run by scripts/bench-app.sh"]
async fn frame_times() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = bench(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn bench(browser: &Browser) -> Outcome {
    println!("bench: {SECONDS} s of play per row; times in ms");
    println!(
        "{:<10} {:>6} {:>13} {:>10} {:>10} {:>11} {:>11} {:>8}",
        "cluster",
        "speed",
        "first render",
        "work p50",
        "work p95",
        "frame p50",
        "frame p95",
        "frames"
    );
    for (label, preset, node) in [
        ("6 nodes", "3x1", "node-C1"),
        ("100 nodes", "50x1", "node-AX1"),
    ] {
        for speed_log in ["0", "1"] {
            browser.open(&format!("?bench#v1&p={preset}&s=1")).await?;
            browser.expect_attr(node, "data-status", "up").await?;
            let mark = |name: &str| {
                format!("const m = performance.getEntriesByName('{name}')[0]; return m ? m.startTime : -1;")
            };
            let first = browser
                .eval(&mark("first-render"))
                .await?
                .as_f64()
                .unwrap_or(-1.0);
            let shown = browser
                .eval(&mark("cluster-shown"))
                .await?
                .as_f64()
                .unwrap_or(-1.0);
            browser
                .eval(&format!(
                    "const s = document.querySelector('[data-testid=speed]');
                     const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
                     set.call(s, '{speed_log}');
                     s.dispatchEvent(new Event('input', {{ bubbles: true }}));
                     return true;"
                ))
                .await?;
            browser
                .eval(
                    "window.__raf = []; let last = performance.now();
                     const loop = (t) => { window.__raf.push(t - last); last = t; requestAnimationFrame(loop); };
                     requestAnimationFrame(loop);
                     performance.clearMeasures('frame');
                     performance.clearMeasures('dispatch');
                     return true;",
                )
                .await?;
            tokio::time::sleep(Duration::from_secs(SECONDS)).await;
            let work = numbers(
                browser
                    .eval("return performance.getEntriesByName('frame').map(e => e.duration);")
                    .await?,
            );
            let raf = numbers(browser.eval("return window.__raf.slice(5);").await?);
            let dispatch = numbers(
                browser
                    .eval("return performance.getEntriesByName('dispatch').map(e => e.duration);")
                    .await?,
            );
            println!(
                "    (cluster shown at {shown:.0}; dispatch alone: p50 {:.1}, p95 {:.1}, max {:.1}; work max {:.1})",
                percentile(&dispatch, 0.5),
                percentile(&dispatch, 0.95),
                percentile(&dispatch, 1.0),
                percentile(&work, 1.0)
            );
            let speed = 10f64.powf(speed_log.parse::<f64>().unwrap_or(0.0));
            println!(
                "{label:<10} {:>5}× {first:>13.0} {:>10.1} {:>10.1} {:>11.1} {:>11.1} {:>8}",
                speed,
                percentile(&work, 0.5),
                percentile(&work, 0.95),
                percentile(&raf, 0.5),
                percentile(&raf, 0.95),
                work.len()
            );
            browser.expect_no_errors().await?;
        }
    }
    Ok(())
}

fn numbers(v: serde_json::Value) -> Vec<f64> {
    let mut out: Vec<f64> = v
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
        .unwrap_or_default();
    out.sort_by(|a, b| a.total_cmp(b));
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}
