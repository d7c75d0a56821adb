//! Reading `CLUSTER NODES` the way redis-cli does
//! (`clusterManagerNodeLoadInfo`, `clusterManagerGetConfigSignature`).

use std::net::SocketAddr;

/// One line of `CLUSTER NODES`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeLine {
    /// The node's ID.
    pub id: String,
    /// The client address (`ip:port` before `@cport`).
    pub addr: Option<SocketAddr>,
    /// Its flags (`myself`, `master`, `fail?`…).
    pub flags: Vec<String>,
    /// Slots this line claims (ranges and single slots; brackets skipped).
    pub slots: Vec<u16>,
    /// `[slot->-id]` / `[slot-<-id]` entries: a migration is open.
    pub open_slots: bool,
    /// The slot tokens as printed, for the signature.
    slot_tokens: Vec<String>,
}

impl NodeLine {
    /// Whether the line has flag `flag`.
    pub fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    /// Nodes redis-cli leaves out when loading friends.
    pub fn unusable(&self) -> bool {
        self.has("fail") || self.has("noaddr") || self.has("handshake")
    }
}

/// Lines with at least 8 fields; a line without its `\n` is ignored, as
/// redis-cli splits on `\n` and drops the remainder.
pub fn parse(text: &str) -> Vec<NodeLine> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.pop();
    lines.into_iter().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<NodeLine> {
    let fields: Vec<&str> = line.split(' ').collect();
    if fields.len() < 8 {
        return None;
    }
    let addr = fields[1].split('@').next().and_then(|a| {
        let (ip, port) = a.rsplit_once(':')?;
        Some(SocketAddr::new(ip.parse().ok()?, port.parse().ok()?))
    });
    let mut slots = Vec::new();
    let mut open_slots = false;
    let mut slot_tokens = Vec::new();
    for tok in &fields[8..] {
        if tok.starts_with('[') {
            open_slots = true;
            continue;
        }
        slot_tokens.push(tok.to_string());
        let (a, b) = tok.split_once('-').unwrap_or((tok, tok));
        if let (Ok(a), Ok(b)) = (a.parse::<u16>(), b.parse::<u16>()) {
            slots.extend(a..=b);
        }
    }
    Some(NodeLine {
        id: fields[0].to_string(),
        addr,
        flags: fields[2].split(',').map(str::to_string).collect(),
        slots,
        open_slots,
        slot_tokens,
    })
}

/// `clusterManagerGetConfigSignature`: `id:slots,…` for every line that
/// claims slots, sorted and joined with `|`. Nodes agree when their
/// signatures are equal.
pub fn signature(lines: &[NodeLine]) -> String {
    let mut parts: Vec<String> = lines
        .iter()
        .filter(|l| !l.slot_tokens.is_empty())
        .map(|l| {
            let mut toks = l.slot_tokens.clone();
            crate::sorted::sort(&mut toks);
            format!("{}:{}", l.id, toks.join(","))
        })
        .collect();
    crate::sorted::sort(&mut parts);
    parts.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_slots_and_open_slots() {
        let text = "aaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-2 5 [6->-bbb]\n\
                    bbb 127.0.0.1:7001@17001,host master - 0 0 2 connected 7-8\n\
                    ccc 127.0.0.1:7002@17002 slave aaa 0 0 1 connected\n\
                    partial line without newline";
        let lines = parse(text);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].slots, vec![0, 1, 2, 5]);
        assert!(lines[0].open_slots && lines[0].has("myself"));
        assert_eq!(lines[1].addr, Some("127.0.0.1:7001".parse().unwrap()));
        assert_eq!(signature(&lines), "aaa:0-2,5|bbb:7-8");
    }
}
