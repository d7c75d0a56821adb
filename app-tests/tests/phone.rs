//! The page on a phone (375 CSS px wide, an iPhone SE/mini) in real headless Chromium:
//! nothing may scroll sideways, in the playground or in a lesson (the sandbox with every panel
//! open, the failover lesson's text with a reply), in English and in French (French sentences
//! run longer).

use clusterlab_app_tests::{Browser, Outcome};

const PHONE_WIDTH: u32 = 375;

#[tokio::test]
async fn nothing_scrolls_sideways_at_375_px() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = phone(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

/// The page's width against the window's, and the elements sticking out when it overflows
/// (those inside a sideways-scrolling box do not count), so a failure names the culprit.
async fn expect_no_sideways_scroll(browser: &Browser, screen: &str) -> Outcome {
    let seen = browser
        .eval(
            "const root = document.documentElement;
             const clipped = e => {
                 for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                     if (getComputedStyle(a).overflowX !== 'visible') return true;
                 }
                 return false;
             };
             const wide = [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5 && !clipped(e))
                 .map(e => (e.dataset.testid || e.className || e.tagName) + ':' +
                      Math.round(e.getBoundingClientRect().right))
                 .slice(0, 8);
             return [window.innerWidth, root.scrollWidth, wide.join(', ')];",
        )
        .await?;
    let inner = seen[0].as_u64().unwrap_or(0);
    let scroll = seen[1].as_u64().unwrap_or(u64::MAX);
    if inner != u64::from(PHONE_WIDTH) {
        return Err(format!("{screen}: the window is {inner} px wide, not {PHONE_WIDTH}").into());
    }
    if scroll > u64::from(PHONE_WIDTH) {
        return Err(format!(
            "{screen}: the page is {scroll} px wide at {PHONE_WIDTH} px (overflowing: {})",
            seen[2]
        )
        .into());
    }
    Ok(())
}

async fn phone(browser: &Browser) -> Outcome {
    browser.resize(PHONE_WIDTH, 800).await?;
    browser.expect_attr("node-A", "data-role", "master").await?;
    expect_no_sideways_scroll(browser, "playground").await?;
    // The sandbox shows every lesson panel: sequence, key tracer, client, timeline, console.
    browser.click("lessons-button").await?;
    browser.click("open-lesson-14").await?;
    browser
        .expect_text_containing("lesson-sequence", "")
        .await?;
    browser
        .enter_line("lesson-console-input", "client SET user:1000 x")
        .await?;
    browser.expect_text_containing("client-cache", "").await?;
    expect_no_sideways_scroll(browser, "lesson 14 (sandbox)").await?;
    browser.select("lang-select", "fr").await?;
    browser
        .expect_text_containing("client-panel", "Cache des slots du client")
        .await?;
    expect_no_sideways_scroll(browser, "lesson 14 in French").await?;
    // A lesson's text with a redis block's reply (CLUSTER INFO's long lines), then the
    // playground, in each language.
    for lang in ["fr", "en"] {
        browser.select("lang-select", lang).await?;
        browser.click("lessons-button").await?;
        browser.click("open-lesson-8").await?;
        browser.click("run-before").await?;
        browser
            .expect_text_containing("reply-before", "cluster_state")
            .await?;
        expect_no_sideways_scroll(browser, &format!("lesson 8 ({lang})")).await?;
        browser.click("leave-lesson").await?;
        browser.expect_attr("node-A", "data-role", "master").await?;
        expect_no_sideways_scroll(browser, &format!("playground ({lang})")).await?;
    }
    Ok(())
}
