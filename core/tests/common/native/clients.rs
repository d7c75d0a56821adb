//! Several named connections to one server, driven by a script, for
//! comparing what each connection receives (replies, pushes, pub/sub
//! messages, MONITOR lines) with a real redis-server 7.0.15's.
//!
//! Script lines:
//! * `open a 3` / `open r 2`: connection `a` in RESP3 (or RESP2);
//! * `close r`: drops it;
//! * `sleep 150`: waits that many milliseconds;
//! * `a: WORDS…`: a command on `a`, words split on spaces, `{id:r}`
//!   replaced by `r`'s CLIENT ID. Its reply is recorded, then everything
//!   else every connection received up to the reply of a PING (not sent
//!   to a connection inside MULTI; a monitor's lines are read up to the
//!   one of an `ECHO __sync__` the harness sends then, which is left out).
//!   A monitor's MONITOR is not waited for: it has no reply. A command
//!   ending in ` &` is not followed by the PINGs.
//!
//! Client IDs differ between servers: the recorded text names them
//! `<r>`. `INFO` replies keep only their `tracking_` lines, CLIENT INFO
//! and CLIENT LIST only their `flags=` and `redir=` fields.

use super::compare::Raw;
use std::collections::BTreeMap;
use std::time::Duration;

/// The connections of one side.
pub struct Clients {
    port: u16,
    conns: BTreeMap<String, Conn>,
    /// Every connection's ID, kept after it closed.
    ids: BTreeMap<String, i64>,
    /// Every connection's local port.
    ports: BTreeMap<String, u16>,
    /// A connection of the harness's own, whose `ECHO __sync__` tells the
    /// monitors' readers where to stop.
    sync: Option<Raw>,
}

struct Conn {
    raw: Raw,
    in_multi: bool,
    monitor: bool,
}

impl Clients {
    /// No connection yet, to 127.0.0.1:`port`.
    pub fn new(port: u16) -> Clients {
        Clients {
            port,
            conns: BTreeMap::new(),
            ids: BTreeMap::new(),
            ports: BTreeMap::new(),
            sync: None,
        }
    }

    /// Runs the script; the transcript, one entry per reply or message.
    pub fn run(&mut self, script: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for line in script {
            self.step(line, &mut out);
        }
        out
    }

    fn step(&mut self, line: &str, out: &mut Vec<String>) {
        if let Some(rest) = line.strip_prefix("open ") {
            let (name, proto) = rest.split_once(' ').expect("open NAME PROTO");
            let mut raw = Raw::connect(self.port, proto == "3");
            let id = raw.send("CLIENT ID");
            let id: i64 = id.trim_start_matches(':').trim().parse().expect("an ID");
            self.ids.insert(name.to_string(), id);
            self.ports.insert(name.to_string(), raw.local_port());
            let conn = Conn {
                raw,
                in_multi: false,
                monitor: false,
            };
            self.conns.insert(name.to_string(), conn);
        } else if let Some(name) = line.strip_prefix("close ") {
            self.conns.remove(name);
            // Let the server see the close before the next command.
            std::thread::sleep(Duration::from_millis(100));
        } else if let Some(ms) = line.strip_prefix("sleep ") {
            std::thread::sleep(Duration::from_millis(ms.parse().unwrap()));
        } else {
            let (name, cmd) = line.split_once(": ").expect("NAME: COMMAND");
            // `&` at the end: no PINGs after (CLIENT CACHING holds for the
            // next command only).
            let (cmd, then_drain) = match cmd.strip_suffix(" &") {
                Some(cmd) => (cmd, false),
                None => (cmd, true),
            };
            let mut cmd = cmd.to_string();
            for (n, id) in &self.ids {
                cmd = cmd.replace(&format!("{{id:{n}}}"), &id.to_string());
            }
            let words: Vec<&str> = cmd.split(' ').collect();
            let conn = self.conns.get_mut(name).expect("an open connection");
            let upper = words[0].to_ascii_uppercase();
            // A monitor's MONITOR has no reply (`monitorCommand`).
            let reply = if conn.monitor && upper == "MONITOR" {
                conn.raw.write(&[&cmd]);
                "(none)".to_string()
            } else {
                conn.raw.send_args(&words)
            };
            match upper.as_str() {
                "MULTI" => conn.in_multi = true,
                "EXEC" | "DISCARD" => conn.in_multi = false,
                "MONITOR" if reply == "+OK\r\n" => conn.monitor = true,
                "RESET" => conn.monitor = false,
                _ => {}
            }
            let reply = self.shown(&upper, words.get(1), reply);
            out.push(format!("{line} -> {reply}"));
            if then_drain {
                self.drain(out);
            }
        }
    }

    /// What of a reply is compared.
    fn shown(&self, cmd: &str, sub: Option<&&str>, reply: String) -> String {
        let reply = if cmd == "INFO" {
            reply
                .split("\r\n")
                .filter(|l| l.starts_with("tracking_"))
                .collect::<Vec<_>>()
                .join(" ")
        } else if cmd == "CLIENT"
            && sub.is_some_and(|s| s.eq_ignore_ascii_case("info") || s.eq_ignore_ascii_case("list"))
        {
            reply
                .split([' ', '\n'])
                .filter(|f| f.starts_with("flags=") || f.starts_with("redir="))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            reply
        };
        self.named(reply)
    }

    /// Client IDs and addresses replaced by their connection's name, a
    /// MONITOR line's time (checked: `sec.usec`, within a minute of this
    /// machine's clock) by `T`.
    fn named(&self, mut text: String) -> String {
        if let Some(line) = text.strip_prefix('+') {
            if let Some((time, rest)) = line.split_once(" [") {
                if let Some((sec, usec)) = time.split_once('.') {
                    if let Ok(sec) = sec.parse::<u64>() {
                        let now = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .unwrap()
                            .as_secs();
                        assert!(sec.abs_diff(now) < 60, "a MONITOR time: {text}");
                        assert!(usec.len() == 6 && usec.bytes().all(|b| b.is_ascii_digit()));
                        text = format!("+T [{rest}");
                    }
                }
            }
        }
        for (n, port) in &self.ports {
            text = text.replace(&format!("127.0.0.1:{port}]"), &format!("<{n}>]"));
        }
        for (n, id) in &self.ids {
            text = text
                .replace(&format!(":{id}\r\n"), &format!(":<{n}>\r\n"))
                .replace(&format!("redir={id}"), &format!("redir=<{n}>"));
        }
        text
    }

    /// What each connection received besides its replies.
    fn drain(&mut self, out: &mut Vec<String>) {
        // Connections first (their PINGs are fed to the monitors), then
        // the monitors, up to the sync line sent after those PINGs.
        let mut names: Vec<(bool, String)> = self
            .conns
            .iter()
            .map(|(n, c)| (c.monitor, n.clone()))
            .collect();
        names.sort();
        let mut synced = false;
        for (monitor, name) in names {
            if monitor && !synced {
                let port = self.port;
                let sync = self.sync.get_or_insert_with(|| Raw::connect(port, false));
                assert_eq!(sync.send("ECHO __sync__"), "$8\r\n__sync__\r\n");
                synced = true;
            }
            let conn = self.conns.get_mut(&name).unwrap();
            if conn.in_multi {
                continue;
            }
            let mut got = Vec::new();
            if conn.monitor {
                loop {
                    let m = conn.raw.read();
                    if m.contains("\"__sync__\"") {
                        break;
                    }
                    got.push(m);
                }
            } else {
                conn.raw.write(&["PING"]);
                loop {
                    let m = conn.raw.read();
                    if m.to_ascii_lowercase().contains("pong") {
                        break;
                    }
                    got.push(m);
                }
            }
            for m in got {
                let m = self.named(m);
                out.push(format!("  {name} got {m}"));
            }
        }
    }
}

/// Runs `script` on both sides and lists where the transcripts differ;
/// our transcript.
pub fn compare_clients(
    ours: u16,
    real: u16,
    script: &[&str],
    diffs: &mut Vec<String>,
) -> Vec<String> {
    let o = Clients::new(ours).run(script);
    let r = Clients::new(real).run(script);
    if o != r {
        let n = o.len().max(r.len());
        for i in 0..n {
            let (a, b) = (o.get(i), r.get(i));
            if a != b {
                diffs.push(format!("#{i}\n  ours: {a:?}\n  real: {b:?}"));
            }
        }
    }
    o
}
