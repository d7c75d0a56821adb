//! The light first load (issue 15): the page's first render carries no lesson text. In real
//! headless Chromium: no `lessons/` file is fetched before a visitor asks for the course;
//! opening the picker fetches the 30 texts with a progress line (held here by wrapping the
//! page's `fetch`, so the line can be read), a failed fetch says which file and retries when
//! the picker opens again, and a lesson link on a fresh page opens once its texts are in.

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn lesson_texts_load_on_demand_with_a_progress_line() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = on_demand(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

/// How many `lessons/` files the page fetched so far.
async fn lesson_fetches(browser: &Browser) -> Result<u64, Box<dyn std::error::Error>> {
    let n = browser
        .eval(
            "return performance.getEntriesByType('resource')
                .filter(e => e.name.includes('/lessons/')).length;",
        )
        .await?;
    n.as_u64().ok_or_else(|| format!("not a count: {n}").into())
}

async fn on_demand(browser: &Browser) -> Outcome {
    browser.expect_attr("node-C1", "data-status", "up").await?;
    assert_eq!(
        lesson_fetches(browser).await?,
        0,
        "the first render fetched lesson texts"
    );

    // Lesson 8's two files are held: 14 of the 30 files are read (in course order), 46 %.
    browser
        .eval(
            "window.__held = [];
             const real = window.fetch;
             window.fetch = (url, init) => String(url).includes('lessons/08-')
                 ? new Promise(go => window.__held.push(() => go(real(url, init))))
                 : real(url, init);
             return true;",
        )
        .await?;
    browser.click("lessons-button").await?;
    browser
        .expect_text("lesson-texts-loading", "Loading lesson texts… 46 %")
        .await?;
    browser
        .eval("window.__held.forEach(go => go()); return true;")
        .await?;
    browser
        .expect_text_containing("open-lesson-15", "Replica migration")
        .await?;
    browser.expect_absent("lesson-texts-loading").await?;
    assert_eq!(
        lesson_fetches(browser).await?,
        30,
        "every lesson, EN and FR"
    );

    // A failed file: the line names it; opening the picker again retries.
    browser.open("").await?;
    browser.expect_attr("node-C1", "data-status", "up").await?;
    browser
        .eval(
            "const real = window.fetch;
             window.__real_fetch = real;
             window.fetch = (url, init) => String(url).includes('lessons/03-')
                 ? Promise.reject(new TypeError('offline'))
                 : real(url, init);
             return true;",
        )
        .await?;
    browser.click("lessons-button").await?;
    browser
        .expect_text_containing("lesson-texts-loading", "lessons/03-hash-tags/lesson.md")
        .await?;
    browser
        .eval("window.fetch = window.__real_fetch; return true;")
        .await?;
    browser.click("picker-close").await?;
    browser.click("lessons-button").await?;
    browser
        .expect_text_containing("open-lesson-3", "Hash tags")
        .await?;
    browser.expect_absent("lesson-texts-loading").await?;

    // A lesson link on a fresh page waits for the texts, then opens where it says.
    browser.open_fragment("lesson=02-hash-slots&at=1").await?;
    browser
        .expect_text("lesson-title", "CRC16 and the 16384 slots")
        .await?;
    browser
        .expect_text_containing("lesson-position", "Step 2 of")
        .await?;
    browser.expect_no_errors().await
}
