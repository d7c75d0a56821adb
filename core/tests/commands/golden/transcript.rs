//! Reads `transcript.txt`, the golden transcript record.sh writes from a real
//! Redis cluster: the nodes' addresses and IDs, then scenarios of commands,
//! each followed by the raw reply bytes (one `< ` line per CRLF piece).

/// A node of the recorded (or simulated) cluster, named like the simulator.
#[derive(Clone, Debug)]
pub struct NodeAddr {
    pub letter: String,
    pub ip: String,
    pub port: u16,
    pub cport: u16,
    pub id: String,
}

impl NodeAddr {
    /// Expands `$X.id`, `$X.ip`, `$X.port`, `$X.cport` in a scenario line.
    pub fn expand(nodes: &[NodeAddr], template: &str) -> String {
        let mut out = template.to_string();
        // Longest letters first so `$A1.id` is not read as `$A` + `1.id`.
        let mut sorted: Vec<&NodeAddr> = nodes.iter().collect();
        sorted.sort_by_key(|n| std::cmp::Reverse(n.letter.len()));
        for n in sorted {
            for (field, value) in [
                ("id", n.id.clone()),
                ("ip", n.ip.clone()),
                ("port", n.port.to_string()),
                ("cport", n.cport.to_string()),
            ] {
                out = out.replace(&format!("${}.{field}", n.letter), &value);
            }
        }
        out
    }
}

#[derive(Clone, Debug)]
pub enum Step {
    /// Let this many milliseconds pass.
    Sleep(u64),
    Command {
        /// Line number in the transcript, for messages.
        line: usize,
        node: String,
        /// Connection number on that node (1 unless `X#n>`).
        conn: u64,
        /// The command with `$X.…` placeholders.
        template: String,
        /// What real Redis sent back, byte for byte.
        reply: Vec<u8>,
    },
}

#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub steps: Vec<Step>,
}

pub struct Transcript {
    pub nodes: Vec<NodeAddr>,
    pub scenarios: Vec<Scenario>,
}

/// Undoes record.py's escaping of one reply line.
fn unescape(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b't') => out.push(b'\t'),
            Some(b'\\') => out.push(b'\\'),
            Some(b'x') => {
                let hex = std::str::from_utf8(&b[i + 2..i + 4]).expect("hex escape");
                out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
                i += 2;
            }
            other => panic!("bad escape {other:?} in transcript line {text:?}"),
        }
        i += 2;
    }
    out
}

pub fn parse(text: &str) -> Transcript {
    let mut nodes = Vec::new();
    let mut scenarios: Vec<Scenario> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("@node ") {
            let f: Vec<&str> = rest.split(' ').collect();
            nodes.push(NodeAddr {
                letter: f[0].into(),
                ip: f[1].into(),
                port: f[2].parse().expect("port"),
                cport: f[3].parse().expect("cport"),
                id: f[4].into(),
            });
        } else if let Some(name) = line.strip_prefix("=== ") {
            scenarios.push(Scenario {
                name: name.into(),
                steps: Vec::new(),
            });
        } else {
            let sc = scenarios.last_mut().expect("a step before any scenario");
            if let Some(ms) = line.strip_prefix("@sleep ") {
                sc.steps.push(Step::Sleep(ms.parse().expect("sleep ms")));
            } else if let Some(piece) = line.strip_prefix("< ").or(line.strip_prefix("<")) {
                let Some(Step::Command { reply, .. }) = sc.steps.last_mut() else {
                    panic!("line {lineno}: reply without a command");
                };
                reply.extend(unescape(piece));
                reply.extend_from_slice(b"\r\n");
            } else {
                let (who, command) = line
                    .split_once("> ")
                    .unwrap_or_else(|| panic!("line {lineno}: not a step: {line}"));
                let (node, conn) = match who.split_once('#') {
                    Some((n, c)) => (n, c.parse().expect("connection number")),
                    None => (who, 1),
                };
                sc.steps.push(Step::Command {
                    line: lineno,
                    node: node.into(),
                    conn,
                    template: command.into(),
                    reply: Vec::new(),
                });
            }
        }
    }
    Transcript { nodes, scenarios }
}
