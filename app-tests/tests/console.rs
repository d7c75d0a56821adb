//! The console sends real commands to a simulated node: a key served elsewhere answers
//! MOVED, and in `-c` mode the console follows it like `redis-cli -c`.

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn console_shows_moved_and_follows_it() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = console(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn console(browser: &Browser) -> Outcome {
    // Connect to B (port 7001); user:1000 is in slot 1649, served by A on 7000.
    browser.select("console-node", "1").await?;
    browser.enter_line("console-input", "GET user:1000").await?;
    browser
        .expect_text_containing("console-output", "127.0.0.1:7001> GET user:1000")
        .await?;
    browser
        .expect_text_containing("console-output", "(error) MOVED 1649 127.0.0.1:7000")
        .await?;
    // Typing `+` in the console must not speed the simulation up.
    browser
        .enter_line("console-input", "SET user:1000 +")
        .await?;
    browser
        .expect_text_containing("console-output", "SET user:1000 +")
        .await?;
    browser.expect_attr("speed", "value", "0").await?;
    // -c: follow the redirection, and the prompt moves to A.
    browser.click("console-follow").await?;
    browser
        .enter_line("console-input", "SET user:1000 hello")
        .await?;
    browser
        .expect_text_containing(
            "console-output",
            "-> Redirected to slot [1649] located at 127.0.0.1:7000\nOK",
        )
        .await?;
    browser.enter_line("console-input", "GET user:1000").await?;
    browser
        .expect_text_containing("console-output", "127.0.0.1:7000> GET user:1000\n\"hello\"")
        .await?;
    browser.expect_no_errors().await
}

/// `HELP ZRANGE` prints redis-cli's usage line from Redis's COMMAND DOCS, and typing a
/// command shows the hint of the arguments still to type, shrinking as words are typed.
#[tokio::test]
async fn console_help_and_hints() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = help_and_hints(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn help_and_hints(browser: &Browser) -> Outcome {
    browser.enter_line("console-input", "HELP ZRANGE").await?;
    browser
        .expect_text_containing(
            "console-output",
            "ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]\n  \
             summary: Return a range of members in a sorted set\n  since: 1.2.0\n  \
             group: sorted-set",
        )
        .await?;
    browser.type_into("console-input", "ZRANGE k ").await?;
    browser
        .expect_text(
            "console-hint",
            "start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]",
        )
        .await?;
    browser.type_into("console-input", "ZRANGE k 0 -1 ").await?;
    browser
        .expect_text(
            "console-hint",
            "[BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]",
        )
        .await?;
    browser.expect_no_errors().await
}
