//! The page computes slots with the core, in the browser: typing a key shows the slot that
//! `CLUSTER KEYSLOT` gives on a real Redis, and the part of the key that was hashed.

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
    for (key, slot, hashed) in [
        ("{user1000}.following", "3443", "user1000"),
        ("user:1000", "1649", "user:1000"),
    ] {
        browser.type_into("key-input", key).await?;
        browser.expect_text("key-slot", slot).await?;
        browser.expect_text("key-hashed", hashed).await?;
    }
    Ok(())
}
