//! Importing a trace that real native nodes wrote with `--trace` (the fixture recorded by
//! scripts/record-native-trace.sh: 6 clusterlab-node processes, node timeout 2 s, the master on
//! the first port killed with kill -9) shows it next to a simulated run of the same cluster: the
//! same shape and timeout read from the file, both lined up on the kill, and lists the file's
//! events in words, each with a "Why?" that explains it from the file alone (the Redis rule,
//! and cause links walking back within the file to the kill). A bad file is refused with the
//! line that is wrong.

use std::path::Path;

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn a_native_trace_is_compared_with_a_simulated_run() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = import(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn import(browser: &Browser) -> Outcome {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/native-failover.jsonl");
    browser.upload("trace-file", &fixture).await?;
    browser
        .expect_text_containing(
            "trace-summary",
            "native-failover.jsonl: 3 masters with 1 replica(s) each, cluster-node-timeout 2000 ms; master A (",
        )
        .await?;
    // Both lanes start at the kill and reach the promotion of A's replica, A1.
    for lane in ["recorded", "simulated"] {
        let marks = browser
            .eval(&format!(
                "return [...document.querySelectorAll('[data-testid=trace-lane-{lane}] .lane-mark title')]
                    .map(t => t.textContent);"
            ))
            .await?;
        let marks: Vec<String> = marks
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if !marks
            .first()
            .is_some_and(|m| m.starts_with("0.000\u{a0}s: A is killed"))
        {
            return Err(format!("{lane} lane does not start with the kill: {marks:?}").into());
        }
        if !marks
            .iter()
            .any(|m| m.contains("A1 is promoted in place of A"))
        {
            return Err(format!("{lane} lane has no promotion of A1: {marks:?}").into());
        }
    }
    // The table: every key moment measured on both sides, PFAIL no sooner than node_timeout.
    let cells = browser
        .eval(
            "return [...document.querySelectorAll('[data-testid=trace-moments] tbody tr')]
                .map(r => [...r.children].map(c => c.textContent));",
        )
        .await?;
    let rows = cells.as_array().cloned().unwrap_or_default();
    if rows.len() != 6 {
        return Err(format!("expected 6 key moments, got {rows:?}").into());
    }
    for row in &rows {
        let row: Vec<&str> = row
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c.as_str())
            .collect();
        if row[1..].iter().any(|c| c.contains('—')) {
            return Err(format!("a moment is missing on one side: {row:?}").into());
        }
    }
    let pfail: Vec<f64> = rows[0].as_array().unwrap()[1..3]
        .iter()
        .filter_map(|c| c.as_str()?.trim_end_matches("\u{a0}s").parse().ok())
        .collect();
    if pfail.len() != 2 || pfail.iter().any(|s| *s < 2.0) {
        return Err(format!("first PFAIL before node_timeout: {pfail:?}").into());
    }

    explain_imported(browser).await?;

    // Another seed simulates again; the recorded side stays.
    let recorded_before = browser.text("trace-lane-recorded").await?;
    browser.type_into("trace-seed", "7\n").await?;
    browser
        .expect_text_containing("trace-summary", "seed 7.")
        .await?;
    if browser.text("trace-lane-recorded").await? != recorded_before {
        return Err("the recorded lane changed with the simulation seed".into());
    }

    // Pasted text that is not a trace: the reader names the line.
    browser.click("trace-paste-summary").await?;
    browser
        .type_into(
            "trace-paste",
            "{\"t_ms\":1,\"node\":\"A\",\"event\":\"pfail\",\"about\":\"B\"}\nnot a trace line",
        )
        .await?;
    browser.click("trace-paste-go").await?;
    browser
        .expect_text_containing("trace-errors", "pasted text: line 2: not JSON")
        .await?;
    browser.expect_no_errors().await
}

/// The imported events' "Why?": 0470063d's FAIL by quorum (markNodeAsFailingIfNeeded) links
/// back to its own PFAIL (clusterCron), rooted in the kill. The fixture predates the `why`
/// fields: no numbers are shown rather than made-up ones.
async fn explain_imported(browser: &Browser) -> Outcome {
    browser
        .expect_text_containing("trace-events", "175a653d flags 4559aecf as PFAIL")
        .await?;
    browser
        .click_first(
            r#"[data-testid="trace-event"][data-event="fail"][data-node="0470063d"] [data-testid="trace-event-why"]"#,
        )
        .await?;
    browser
        .expect_text_containing(
            "explain-event",
            "0470063d marks 4559aecf as FAIL: 2 of 2 needed",
        )
        .await?;
    browser
        .expect_text_containing("explain-rule", "markNodeAsFailingIfNeeded")
        .await?;
    browser.expect_absent("explain-facts").await?;
    browser.click("explain-cause").await?;
    browser
        .expect_text_containing("explain-rule", "clusterCron")
        .await?;
    browser
        .expect_text_containing("explain-event", "0470063d flags 4559aecf as PFAIL")
        .await?;
    browser
        .expect_text_containing("explain-fault", "4559aecf was killed")
        .await?;
    // The list and the panel in French.
    browser.select("lang-select", "fr").await?;
    browser
        .expect_text_containing("trace-events", "175a653d marque 4559aecf PFAIL")
        .await?;
    browser
        .expect_text_containing("explain-fault", "4559aecf a été tué")
        .await?;
    browser.select("lang-select", "en").await?;
    browser.click("explain-close").await?;
    browser.expect_absent("explain").await
}
