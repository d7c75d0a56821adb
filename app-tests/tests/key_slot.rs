//! The page computes slots with the core, in the browser: typing a key shows the slot that
//! `CLUSTER KEYSLOT` gives on a real Redis, the part of the key that was hashed, and the master
//! that serves it in the simulated cluster.

use clusterlab_app_tests::{Browser, Outcome};

#[tokio::test]
async fn typing_a_key_shows_its_slot() {
    let Some(browser) = Browser::open_app().await else {
        return;
    };
    let outcome = type_keys(&browser).await;
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn type_keys(browser: &Browser) -> Outcome {
    // The page opens on `user:1000`, so it says something before anyone types.
    browser.expect_text("key-slot", "1649").await?;
    browser.expect_text("key-owner", "A").await?;
    for (key, slot, hashed, owner) in [
        ("{user1000}.following", "3443", "user1000", "A"),
        ("user:1001", "5712", "user:1001", "B"),
        ("user:1000", "1649", "user:1000", "A"),
    ] {
        browser.type_into("key-input", key).await?;
        browser.expect_text("key-slot", slot).await?;
        browser.expect_text("key-hashed", hashed).await?;
        browser.expect_text("key-owner", owner).await?;
    }
    browser.expect_no_errors().await
}
