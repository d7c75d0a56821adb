//! A tiny static file server for the dist folder: enough for a browser to load the page, its
//! script and its wasm, with no dependency on an outside server. GET only, one thread per
//! connection, `Connection: close`. It lives as long as the test process.

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread;

/// Serves `dir` on a free port of 127.0.0.1 and returns its base URL (`http://127.0.0.1:N/`).
pub fn serve(dir: PathBuf) -> io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/", listener.local_addr()?);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            // A failed response only affects that one request; the browser test reports it.
            thread::spawn(move || respond(stream, &dir));
        }
    });
    Ok(url)
}

fn respond(mut stream: TcpStream, dir: &Path) -> io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read the headers up to the blank line, so the client sees its request consumed.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let (status, content_type, body) = match file_for(dir, path).map(|f| (fs::read(&f), f)) {
        Some((Ok(body), file)) => ("200 OK", content_type(&file), body),
        _ => ("404 Not Found", "text/plain", b"not found".to_vec()),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}

/// The file under `dir` for a URL path; `/` is `index.html`. Never leaves `dir`.
fn file_for(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = url_path.trim_start_matches('/');
    if relative.split('/').any(|part| part == "..") {
        return None;
    }
    let file = match relative {
        "" => dir.join("index.html"),
        _ => dir.join(relative),
    };
    file.is_file().then_some(file)
}

/// `application/wasm` matters: browsers compile wasm while it streams only with that type.
fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("md") => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_into_the_folder_only() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(file_for(dir, "/Cargo.toml"), Some(dir.join("Cargo.toml")));
        assert_eq!(file_for(dir, "/src/../Cargo.toml"), None);
        assert_eq!(file_for(dir, "/missing.txt"), None);
    }
}
