//! Harness for browser tests of the built web app (`trunk build` writes it to `dist/`).
//!
//! [`Browser::open_app`] serves the dist folder on 127.0.0.1, starts chromedriver and opens the
//! page in headless Chromium. Anything missing fails the test with what to do about it: a
//! browser test that silently passes without a browser would hide a broken setup. Only
//! `CLUSTERLAB_SKIP_BROWSER_TESTS=1` skips, on purpose.
//!
//! Environment: `CLUSTERLAB_DIST` (default `<workspace>/dist`), `CHROMEDRIVER` (default
//! `chromedriver` on PATH), `CHROME_BIN` (default `/usr/bin/chromium` when it exists).

mod browser;
mod serve;

pub use browser::Browser;

/// What a browser check returns: any WebDriver error or failed expectation, with its message.
pub type Outcome = Result<(), Box<dyn std::error::Error>>;
