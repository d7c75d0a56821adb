//! Where the node's log lines go: the `logfile` setting (opened relative to
//! `dir`, as Redis opens it after its chdir), or standard error when it is
//! empty, as redis-server does. Redis's test suite reads each node's
//! `log.txt`, and an operator tails it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

static LOGFILE: OnceLock<Mutex<File>> = OnceLock::new();

/// Sends every later line to `path` (created, appended to).
pub fn open(path: &Path) -> Result<(), String> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("Can't open the log file: {e}"))?;
    // Set once, at start-up, before any task runs.
    let _ = LOGFILE.set(Mutex::new(file));
    Ok(())
}

/// Writes one line to the log file, or to standard error.
pub fn line(args: std::fmt::Arguments) {
    match LOGFILE.get() {
        Some(file) => {
            if let Ok(mut f) = file.lock() {
                let _ = writeln!(f, "{args}");
            }
        }
        None => eprintln!("{args}"),
    }
}

/// `log!("…", …)`: one line to the node's log.
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::net::log::line(format_args!($($arg)*))
    };
}
pub(crate) use log;
