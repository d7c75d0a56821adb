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

/// Big clusters (issue 15 item 3), in the worker above 200 nodes, on the page's thread at 100:
/// - running: from navigation to the nodes loaded and running Redis's rules (the page's
///   `big-started` mark; the playground's `cluster-shown` at 100 nodes);
/// - all ok: until every node first says `cluster_state:ok` (`big-running`), and the worker's
///   own count from its start request: the restart's burst of PINGs (each node PINGs every
///   other on its first cron tick) is simulated, at the worker's full speed;
/// - from running, at 1×: the interval between animation frames (p50, p95) and the longest
///   task the page's thread ran (Long Tasks API: over 50 ms); the longest since navigation too;
/// - once all ok, as fast as it goes: simulated seconds per real second.
#[tokio::test]
#[ignore = "a benchmark, run by scripts/bench-app.sh"]
async fn big_clusters() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = bench_big(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

/// Starts recording the page's long tasks (those before it too: `buffered`).
const WATCH_LONG_TASKS: &str = "window.__longest = 0; window.__longest_run = 0;
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
            window.__longest = Math.max(window.__longest, e.duration);
            window.__longest_run = Math.max(window.__longest_run, e.duration);
        }
    }).observe({ type: 'longtask', buffered: true });
    return true;";

async fn bench_big(browser: &Browser) -> Outcome {
    println!("bench: big clusters, {SECONDS} s per measure; times in ms");
    println!(
        "{:<10} {:>8} {:>8} {:>9} {:>9} {:>9} {:>12} {:>12} {:>11}",
        "cluster",
        "running",
        "all ok",
        "(worker)",
        "frame p50",
        "frame p95",
        "longest task",
        "(since run)",
        "sim s/real s"
    );
    for (label, preset) in [
        ("100 nodes", "50x1"),
        ("300 nodes", "150x1"),
        ("1000 nodes", "500x1"),
    ] {
        let big = preset != "50x1";
        browser.open(&format!("?bench#v1&p={preset}&s=1")).await?;
        browser.eval(WATCH_LONG_TASKS).await?;
        let started = if big {
            wait_phase(browser, label, &["starting", "running"]).await?;
            mark(browser, "big-started").await?
        } else {
            browser.expect_attr("node-AX1", "data-status", "up").await?;
            mark(browser, "cluster-shown").await?
        };
        browser
            .eval(
                "window.__longest_run = 0; window.__raf = []; let last = performance.now();
                 const loop = (t) => { window.__raf.push(t - last); last = t; requestAnimationFrame(loop); };
                 requestAnimationFrame(loop);
                 return true;",
            )
            .await?;
        tokio::time::sleep(Duration::from_secs(SECONDS)).await;
        let raf = numbers(browser.eval("return window.__raf.slice(5);").await?);
        let longest = browser
            .eval("return [window.__longest, window.__longest_run];")
            .await?;
        let (all, run) = (
            longest[0].as_f64().unwrap_or(0.0),
            longest[1].as_f64().unwrap_or(0.0),
        );
        let (ok, worker) = if big {
            wait_phase(browser, label, &["running"]).await?;
            let worker = browser
                .attr("big-cluster", "data-ready-ms")
                .await?
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN);
            (mark(browser, "big-running").await?, worker)
        } else {
            (f64::NAN, f64::NAN)
        };
        // As fast as it goes: the worker's "max", or the page's fastest speed.
        if big {
            browser.select("big-speed", "max").await?;
        } else {
            browser
                .eval(
                    "const s = document.querySelector('[data-testid=speed]');
                     const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
                     set.call(s, s.max);
                     s.dispatchEvent(new Event('input', { bubbles: true }));
                     return true;",
                )
                .await?;
        }
        let (t0, s0) = (std::time::Instant::now(), sim_now(browser, big).await?);
        tokio::time::sleep(Duration::from_secs(SECONDS)).await;
        let (t1, s1) = (std::time::Instant::now(), sim_now(browser, big).await?);
        let rate = (s1 - s0) / 1000.0 / (t1 - t0).as_secs_f64();
        println!(
            "{label:<10} {started:>8.0} {ok:>8.0} {worker:>9.0} {:>9.1} {:>9.1} {all:>12.0} {run:>12.0} {rate:>11.1}",
            percentile(&raf, 0.5),
            percentile(&raf, 0.95),
        );
        browser.expect_no_errors().await?;
    }
    Ok(())
}

/// The start time of the page's User Timing mark `name` (ms since navigation).
async fn mark(browser: &Browser, name: &str) -> Result<f64, Box<dyn std::error::Error>> {
    let script = format!(
        "const m = performance.getEntriesByName('{name}')[0]; return m ? m.startTime : null;"
    );
    Ok(browser.eval(&script).await?.as_f64().unwrap_or(f64::NAN))
}

/// Waits (up to 10 minutes) for the big view's phase to be one of `phases`.
async fn wait_phase(browser: &Browser, label: &str, phases: &[&str]) -> Outcome {
    let deadline = std::time::Instant::now() + Duration::from_secs(600);
    loop {
        let phase = browser.attr("big-cluster", "data-phase").await?;
        if phases.iter().any(|p| phase.as_deref() == Some(*p)) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("{label}: still {phase:?}, never {phases:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The simulated clock now, in ms: the big view's `data-sim-ms`, or the playground's clock.
async fn sim_now(browser: &Browser, big: bool) -> Result<f64, Box<dyn std::error::Error>> {
    if big {
        return Ok(browser
            .attr("big-cluster", "data-sim-ms")
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN));
    }
    // "12.345 s" (English, the default).
    let text = browser.text("sim-time").await?;
    let seconds: f64 = text
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap_or(f64::NAN);
    Ok(seconds * 1000.0)
}
