//! chromedriver as a child process, and a headless Chromium session through it that has the
//! built app open.

use std::env;
use std::error::Error;
use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::{serve, Outcome};

const SKIP_VAR: &str = "CLUSTERLAB_SKIP_BROWSER_TESTS";
/// Long enough for the page to fetch and start its wasm on a loaded 2-core CI machine.
const PATIENCE: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(50);

/// A headless Chromium showing the app. Call [`Browser::close`] at the end so Chromium exits
/// with its session; chromedriver itself is killed on drop either way.
pub struct Browser {
    client: Client,
    url: String,
    _driver: Driver,
}

impl Browser {
    /// Opens the built app, or returns `None` (saying so) when `CLUSTERLAB_SKIP_BROWSER_TESTS=1`.
    ///
    /// # Panics
    /// When the app is not built, chromedriver is missing, or the browser does not start.
    pub async fn open_app() -> Option<Browser> {
        if env::var(SKIP_VAR).is_ok_and(|v| v == "1") {
            eprintln!("browser test skipped: {SKIP_VAR}=1");
            return None;
        }
        let dist = dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "no built app in {}: run `bash scripts/test.sh` (or `trunk build --release`), \
             point CLUSTERLAB_DIST at a built dist folder, or set {SKIP_VAR}=1 to skip",
            dist.display()
        );
        let url = serve::serve(dist).expect("cannot serve the dist folder on 127.0.0.1");
        let driver = Driver::start();
        let client = driver.session().await;
        client
            .goto(&url)
            .await
            .expect("the browser cannot open the app");
        Some(Browser {
            client,
            url,
            _driver: driver,
        })
    }

    /// Opens the app afresh at `#fragment` (a shared link).
    pub async fn open_fragment(&self, fragment: &str) -> Outcome {
        self.open(&format!("#{fragment}")).await
    }

    /// Opens the app afresh with `suffix` after its address (`?bench#v1&p=50x1&s=1`).
    pub async fn open(&self, suffix: &str) -> Outcome {
        // A new fragment alone would not reload the page.
        self.client.goto("about:blank").await?;
        self.client.goto(&format!("{}{suffix}", self.url)).await?;
        Ok(())
    }

    /// Runs `script` in the page (a function body; `return` gives the result).
    pub async fn eval(&self, script: &str) -> Result<serde_json::Value, Box<dyn Error>> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Attribute `name` of `data-testid=testid` now.
    pub async fn attr(&self, testid: &str, name: &str) -> Result<Option<String>, Box<dyn Error>> {
        Ok(self.wait_for(testid).await?.attr(name).await?)
    }

    /// Resizes the browser window (CSS pixels, including the window frame in headed mode).
    pub async fn resize(&self, width: u32, height: u32) -> Outcome {
        self.client.set_window_size(width, height).await?;
        Ok(())
    }

    /// Saves a PNG of what the window shows.
    pub async fn screenshot(&self, path: &Path) -> Outcome {
        std::fs::write(path, self.client.screenshot().await?)?;
        Ok(())
    }

    /// Property `name` of `data-testid=testid` now (an input's live `value`).
    pub async fn prop(&self, testid: &str, name: &str) -> Result<Option<String>, Box<dyn Error>> {
        Ok(self.wait_for(testid).await?.prop(name).await?)
    }

    /// The text of `data-testid=testid` now.
    pub async fn text(&self, testid: &str) -> Result<String, Box<dyn Error>> {
        Ok(self.wait_for(testid).await?.text().await?)
    }

    /// Replaces the text of the input `data-testid=testid` with `text`, as typed keys.
    pub async fn type_into(&self, testid: &str, text: &str) -> Outcome {
        let input = self.wait_for(testid).await?;
        input.clear().await?;
        input.send_keys(text).await?;
        Ok(())
    }

    /// Waits until the element `data-testid=testid` shows exactly `expected`.
    pub async fn expect_text(&self, testid: &str, expected: &str) -> Outcome {
        self.expect_text_where(testid, &format!("{expected:?}"), |seen| seen == expected)
            .await
    }

    /// Waits until the text of `data-testid=testid` contains `part`.
    pub async fn expect_text_containing(&self, testid: &str, part: &str) -> Outcome {
        self.expect_text_where(testid, &format!("text containing {part:?}"), |seen| {
            seen.contains(part)
        })
        .await
    }

    async fn expect_text_where(
        &self,
        testid: &str,
        wanted: &str,
        ok: impl Fn(&str) -> bool,
    ) -> Outcome {
        let element = self.wait_for(testid).await?;
        let deadline = Instant::now() + PATIENCE;
        loop {
            let seen = element.text().await?;
            if ok(&seen) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(
                    format!("[data-testid={testid}] shows {seen:?}, expected {wanted}").into(),
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until no element `data-testid=testid` is on the page (a progress line gone).
    pub async fn expect_absent(&self, testid: &str) -> Outcome {
        let deadline = Instant::now() + PATIENCE;
        let script = format!("return !document.querySelector('[data-testid=\"{testid}\"]');");
        loop {
            if self.eval(&script).await? == serde_json::Value::Bool(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("[data-testid={testid}] is still on the page").into());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until attribute `name` of `data-testid=testid` is `expected`.
    pub async fn expect_attr(&self, testid: &str, name: &str, expected: &str) -> Outcome {
        let deadline = Instant::now() + PATIENCE;
        loop {
            // Looked up again each time: the element may be re-created by a re-render. An
            // input's `value` is its live property, not the attribute it started with.
            let element = self.wait_for(testid).await?;
            let seen = if name == "value" {
                element.prop(name).await?
            } else {
                element.attr(name).await?
            };
            if seen.as_deref() == Some(expected) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "[data-testid={testid}] has {name}={seen:?}, expected {expected:?}"
                )
                .into());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks the element `data-testid=testid`, scrolled to the middle of the window first so
    /// that the sticky playback bar cannot be in the way.
    pub async fn click(&self, testid: &str) -> Outcome {
        let element = self.wait_for(testid).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'center'});",
                vec![serde_json::to_value(&element)?],
            )
            .await?;
        element.click().await?;
        Ok(())
    }

    /// Clicks the first element matching the CSS `selector`, waiting for one to be rendered:
    /// for elements that share a test id (the event log's lines), picked by another attribute.
    pub async fn click_first(&self, selector: &str) -> Outcome {
        let script = "const el = document.querySelector(arguments[0]);
             if (!el) return false;
             el.scrollIntoView({block: 'center'});
             el.click();
             return true;";
        let deadline = Instant::now() + PATIENCE;
        loop {
            let clicked = self.client.execute(script, vec![json!(selector)]).await?;
            if clicked == serde_json::Value::Bool(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("nothing matches {selector} to click").into());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Picks the file at `path` in the file input `data-testid=testid`, as WebDriver uploads do
    /// (the path typed into the input).
    pub async fn upload(&self, testid: &str, path: &Path) -> Outcome {
        let path = path.canonicalize()?;
        let path = path.to_str().ok_or("the file's path is not UTF-8")?;
        self.wait_for(testid).await?.send_keys(path).await?;
        Ok(())
    }

    /// Picks the option with `value` in the select `data-testid=testid`.
    pub async fn select(&self, testid: &str, value: &str) -> Outcome {
        self.wait_for(testid).await?.select_by_value(value).await?;
        Ok(())
    }

    /// Types `line` into the input `data-testid=testid` and presses Enter.
    pub async fn enter_line(&self, testid: &str, line: &str) -> Outcome {
        let input = self.wait_for(testid).await?;
        input.clear().await?;
        input.send_keys(line).await?;
        input
            .send_keys(&char::from(fantoccini::key::Key::Enter).to_string())
            .await?;
        Ok(())
    }

    /// Presses a key on whatever has focus (the page's keyboard shortcuts).
    pub async fn press(&self, key: &str) -> Outcome {
        self.client
            .execute(
                "document.activeElement && document.activeElement.blur();                  window.dispatchEvent(new KeyboardEvent('keydown', {key: arguments[0], bubbles: true}));",
                vec![json!(key)],
            )
            .await?;
        Ok(())
    }

    /// Fails with every error the page logged (uncaught exceptions, rejected promises,
    /// `console.error`, which is where a Rust panic is printed). `index.html` collects them.
    pub async fn expect_no_errors(&self) -> Outcome {
        let errors = self
            .client
            .execute(
                "return window.__errors || ['index.html did not collect errors'];",
                vec![],
            )
            .await?;
        match errors.as_array() {
            Some(list) if list.is_empty() => Ok(()),
            _ => Err(format!("the page logged errors: {errors}").into()),
        }
    }

    async fn wait_for(&self, testid: &str) -> Result<Element, Box<dyn Error>> {
        let selector = format!("[data-testid=\"{testid}\"]");
        let found = self
            .client
            .wait()
            .at_most(PATIENCE)
            .every(POLL)
            .for_element(Locator::Css(&selector))
            .await;
        found.map_err(|e| format!("no element {selector} on the page: {e}").into())
    }

    /// Ends the WebDriver session, which closes Chromium.
    pub async fn close(self) {
        if let Err(e) = self.client.close().await {
            eprintln!("could not close the browser session: {e}");
        }
    }
}

/// The built app: `CLUSTERLAB_DIST`, else the workspace's `dist/` where trunk writes it.
fn dist_dir() -> PathBuf {
    env::var_os("CLUSTERLAB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"))
}

/// A running chromedriver, killed when dropped.
struct Driver {
    process: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let program = env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port();
        let spawned = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let process = match spawned {
            Ok(process) => process,
            Err(e) if e.kind() == ErrorKind::NotFound => panic!(
                "`{program}` not found: install ChromeDriver (Debian: apt-get install chromium \
                 chromium-driver), set CHROMEDRIVER to its path, or set {SKIP_VAR}=1 to skip"
            ),
            Err(e) => panic!("cannot start `{program}`: {e}"),
        };
        Driver {
            process,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A new headless session, retried while chromedriver is still starting up.
    async fn session(&self) -> Client {
        let mut options = json!({ "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1024,768",
        ]});
        if let Some(binary) = chrome_binary() {
            options["binary"] = json!(binary);
        }
        let capabilities = json!({ "goog:chromeOptions": options });
        let mut builder = ClientBuilder::new(HttpConnector::new());
        if let Some(map) = capabilities.as_object() {
            builder.capabilities(map.clone());
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            match builder.connect(&self.url).await {
                Ok(client) => return client,
                Err(e) if Instant::now() > deadline => {
                    panic!("no browser session from chromedriver at {}: {e}", self.url)
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Already gone is fine: there is nothing left to stop.
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// `CHROME_BIN`, else Debian's Chromium if present, else chromedriver's own search.
fn chrome_binary() -> Option<String> {
    env::var("CHROME_BIN").ok().or_else(|| {
        let debian = "/usr/bin/chromium";
        Path::new(debian).exists().then(|| debian.to_string())
    })
}

/// A port that was free a moment ago (chromedriver needs a number, not a listener).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port on 127.0.0.1")
}
