//! The console: a redis-cli connected to one simulated node, with its history and its `-c`
//! mode that follows MOVED and ASK redirections the way redis-cli does.

use clusterlab_core::client::{Redirect, RedirectKind};
use clusterlab_core::command::cli;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::{split_args, Value};
use clusterlab_core::sim::Status;

use super::replay::{Run, SimAction};
use crate::i18n::{Lang, Msg, Note};
use crate::view_model::errors::reply_text;

/// The console's client connection id on every node (one connection per node, like redis-cli
/// reconnecting when it follows a redirection).
pub const CONSOLE_CLIENT: u64 = 1;
/// redis-cli follows redirections until it gets an answer; a simulated cluster that bounces a
/// key back and forth forever would freeze the page, so stop after this many.
const MAX_REDIRECTS: usize = 16;
/// Commands offered as buttons under the prompt (phones make free typing hard): each fills
/// the prompt and runs.
pub const PALETTE: [&str; 7] = [
    "GET user:1000",
    "SET user:1000 hello",
    "CLUSTER KEYSLOT user:1000",
    "CLUSTER INFO",
    "CLUSTER NODES",
    "CLUSTER SHARDS",
    "INFO replication",
];
/// Output lines kept.
const MAX_LINES: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// The prompt and what was typed.
    Input,
    /// A reply, as redis-cli prints it.
    Reply,
    /// `-> Redirected to slot …` in `-c` mode.
    Redirect,
    /// A note from the playground itself (not something redis-cli prints), in the learner's
    /// language.
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    pub text: Text,
}

/// What a console line says, kept so that the page's own words are written when shown, in the
/// language of that moment (a learner who switches language sees the notes printed before in
/// the new one); Redis's and redis-cli's words stay as they were printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    /// Printed as it is: the prompt and what was typed, redis-cli's own messages, `HELP`'s
    /// COMMAND DOCS, a redirection.
    Verbatim(String),
    /// A reply as redis-cli prints it, shown through [`reply_text`]: Redis's words stay, the
    /// page's own refusal of scripting follows the language.
    Reply(String),
    /// The playground's own note (`HELP`, a paused node, a port nobody listens on…).
    Note(Note),
}

impl Line {
    /// The line as shown in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match &self.text {
            Text::Verbatim(text) => text.clone(),
            Text::Reply(text) => reply_text(text, lang),
            Text::Note(note) => note.text(lang),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsoleAction {
    /// Run the line being typed.
    Submit,
    SetDraft(String),
    /// ↑: the previous line from history.
    HistoryPrev,
    /// ↓: the next line from history (or back to an empty prompt).
    HistoryNext,
    /// Connect to another node.
    SetTarget(usize),
    /// `-c`: follow MOVED/ASK.
    SetFollow(bool),
    Clear,
}

/// The console's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Console {
    /// The node the prompt is connected to.
    pub target: usize,
    /// redis-cli's `-c`.
    pub follow: bool,
    pub lines: Vec<Line>,
    pub history: Vec<String>,
    /// Position while browsing history with ↑/↓.
    browse: Option<usize>,
    /// The line being typed.
    pub draft: String,
    /// redis-cli's hint for the draft: the arguments still to type, from the command's
    /// COMMAND DOCS (`None`: not a command, or nothing left to type).
    pub hint: Option<String>,
    /// The nodes the last command visited, in order (drawn as hops on the cluster view).
    pub hops: Vec<usize>,
}

impl Console {
    pub fn new(target: usize) -> Console {
        Console {
            target,
            follow: false,
            lines: Vec::new(),
            history: Vec::new(),
            browse: None,
            draft: String::new(),
            hint: None,
            hops: Vec::new(),
        }
    }

    pub fn set_target(&mut self, target: usize) {
        self.target = target;
        self.hops.clear();
    }

    /// redis-cli's prompt for the node at `target` (`127.0.0.1:7000> `).
    pub fn prompt(&self, run: &Run) -> String {
        match address(run, self.target) {
            Some(addr) if run.sim().status(self.target) != Status::Crashed => format!("{addr}> "),
            _ => "not connected> ".into(),
        }
    }

    /// Applies `action`; returns whether the simulation changed (a command ran).
    pub fn apply(&mut self, action: ConsoleAction, run: &mut Run) -> bool {
        match action {
            ConsoleAction::Submit => {
                let line = std::mem::take(&mut self.draft);
                self.hint = None;
                self.browse = None;
                return self.submit(&line, run);
            }
            ConsoleAction::SetDraft(text) => {
                self.set_draft(text);
                self.browse = None;
            }
            ConsoleAction::HistoryPrev => {
                if self.history.is_empty() {
                    return false;
                }
                let i = match self.browse {
                    Some(i) => i.saturating_sub(1),
                    None => self.history.len() - 1,
                };
                self.browse = Some(i);
                self.set_draft(self.history[i].clone());
            }
            ConsoleAction::HistoryNext => match self.browse {
                Some(i) if i + 1 < self.history.len() => {
                    self.browse = Some(i + 1);
                    self.set_draft(self.history[i + 1].clone());
                }
                Some(_) => {
                    self.browse = None;
                    self.set_draft(String::new());
                }
                None => return false,
            },
            ConsoleAction::SetTarget(i) => {
                if i < run.sim().nodes().len() {
                    self.set_target(i);
                }
            }
            ConsoleAction::SetFollow(on) => self.follow = on,
            ConsoleAction::Clear => self.lines.clear(),
        }
        false
    }

    /// Sets the line being typed and its hint (redis-cli's `hintsCallback`).
    fn set_draft(&mut self, text: String) {
        self.hint = cli::hint(&text)
            .map(|h| h.trim_start().to_string())
            .filter(|h| !h.is_empty());
        self.draft = text;
    }

    /// Prints replies that arrived late (WAIT, writes held during a manual failover).
    pub fn late_replies(&mut self, replies: Vec<(usize, ClientId, Value)>) {
        for (_, client, value) in replies {
            if client.0 == CONSOLE_CLIENT {
                self.print(LineKind::Reply, Text::Verbatim(value.to_cli_text()));
            }
        }
    }

    fn submit(&mut self, line: &str, run: &mut Run) -> bool {
        let prompt = self.prompt(run);
        self.print(LineKind::Input, Text::Verbatim(format!("{prompt}{line}")));
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return false;
        }
        if self.history.last().map(String::as_str) != Some(trimmed) {
            self.history.push(trimmed.to_string());
        }
        let Some(args) = split_args(trimmed.as_bytes()) else {
            self.print(
                LineKind::Reply,
                Text::Verbatim("Invalid argument(s)".into()),
            );
            return false;
        };
        let word = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
        match word.as_str() {
            "clear" => {
                self.lines.clear();
                return false;
            }
            "redis-cli" => {
                self.redis_cli_flags(&args[1..], run);
                return false;
            }
            "help" if args.len() == 1 => {
                self.print(LineKind::Note, note(Msg::ConsoleHelpNote, &[]));
                return false;
            }
            "help" => {
                self.help(&args[1..]);
                return false;
            }
            _ => {}
        }
        self.send(args, run)
    }

    /// Sends a command, following redirections in `-c` mode.
    fn send(&mut self, args: Vec<Vec<u8>>, run: &mut Run) -> bool {
        self.hops = vec![self.target];
        let mut asking = false;
        let mut ran = false;
        for _ in 0..=MAX_REDIRECTS {
            let node = self.target;
            let addr = address(run, node).unwrap_or_default();
            match run.sim().status(node) {
                Status::Crashed => {
                    self.print(
                        LineKind::Reply,
                        Text::Verbatim(format!(
                            "Could not connect to Redis at {addr}: Connection refused"
                        )),
                    );
                    return ran;
                }
                Status::Paused => {
                    let name = &run.sim().nodes()[node].name;
                    self.print(LineKind::Note, note(Msg::NotePaused, &[name, &addr]));
                    return ran;
                }
                Status::Up => {}
            }
            if asking {
                run.act(SimAction::Command {
                    node,
                    client: CONSOLE_CLIENT,
                    args: vec![b"ASKING".to_vec()],
                });
            }
            let reply = run.act(SimAction::Command {
                node,
                client: CONSOLE_CLIENT,
                args: args.clone(),
            });
            ran = true;
            let Some(reply) = reply else {
                self.print(LineKind::Note, note(Msg::NoteWaiting, &[]));
                return ran;
            };
            if self.follow {
                if let Some(redirect) = redirection(&reply, &addr) {
                    if let Some(next) = node_by_port(run, redirect.to.port()) {
                        self.print(
                            LineKind::Redirect,
                            Text::Verbatim(format!(
                                "-> Redirected to slot [{}] located at {}",
                                redirect.slot, redirect.to
                            )),
                        );
                        self.target = next;
                        self.hops.push(next);
                        asking = redirect.kind == RedirectKind::Ask;
                        continue;
                    }
                }
            }
            self.print(LineKind::Reply, Text::Reply(reply.to_cli_text()));
            return ran;
        }
        self.print(
            LineKind::Note,
            note(Msg::NoteRedirects, &[&MAX_REDIRECTS.to_string()]),
        );
        ran
    }

    /// `help NAME…`, answered by the console itself like redis-cli does, from Redis 7.0's
    /// COMMAND DOCS: the usage line, summary, since and group.
    fn help(&mut self, args: &[Vec<u8>]) {
        let words: Vec<String> = args
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        if cli::help(&words).is_empty() {
            self.print(LineKind::Note, note(Msg::NoHelp, &[&words.join(" ")]));
        } else {
            let text = cli::help_text(&words);
            self.print(LineKind::Reply, Text::Verbatim(text.trim_end().to_string()));
        }
    }

    /// `redis-cli [-c] [-p PORT] [-h HOST]`: switch mode and node.
    fn redis_cli_flags(&mut self, args: &[Vec<u8>], run: &Run) {
        let mut follow = false;
        let mut target = self.target;
        let mut i = 0;
        while i < args.len() {
            match args[i].as_slice() {
                b"-c" => follow = true,
                b"-p" => {
                    let port = args.get(i + 1).and_then(|p| std::str::from_utf8(p).ok());
                    match port
                        .and_then(|p| p.parse::<u16>().ok())
                        .and_then(|p| node_by_port(run, p))
                    {
                        Some(node) => target = node,
                        None => {
                            self.print(
                                LineKind::Note,
                                note(Msg::NoteNoPort, &[port.unwrap_or("?")]),
                            );
                            return;
                        }
                    }
                    i += 1;
                }
                b"-h" => i += 1,
                other => {
                    self.print(
                        LineKind::Note,
                        Text::Verbatim(format!(
                            "Unrecognized option or bad number of args for: '{}'",
                            String::from_utf8_lossy(other)
                        )),
                    );
                    return;
                }
            }
            i += 1;
        }
        self.follow = follow;
        self.set_target(target);
    }

    fn print(&mut self, kind: LineKind, text: Text) {
        self.lines.push(Line { kind, text });
        if self.lines.len() > MAX_LINES {
            let extra = self.lines.len() - MAX_LINES;
            self.lines.drain(..extra);
        }
    }
}

/// The playground's own note `msg` with `values`.
fn note(msg: Msg, values: &[&str]) -> Text {
    Text::Note(Note::new(msg, values))
}

/// The `-MOVED` or `-ASK` in a reply from the node at `addr`, read by the
/// same parser as the simulated clients (an empty host, `MOVED 3 :7002`,
/// keeps `addr`'s, as redis-cli does).
fn redirection(reply: &Value, addr: &str) -> Option<Redirect> {
    let Value::Error(text) = reply else {
        return None;
    };
    let from = addr.parse::<std::net::SocketAddr>().ok()?.ip();
    Redirect::parse(text, from)
}

/// `127.0.0.1:7000`: the client address of node `idx`.
pub fn address(run: &Run, idx: usize) -> Option<String> {
    let port = run.scenario().base_port as usize + idx;
    (idx < run.sim().nodes().len()).then(|| format!("127.0.0.1:{port}"))
}

fn node_by_port(run: &Run, port: u16) -> Option<usize> {
    let idx = (port as usize).checked_sub(run.scenario().base_port as usize)?;
    (idx < run.sim().nodes().len()).then_some(idx)
}
