//! What redis-cli 7.0 builds from COMMAND DOCS, for a console that acts like
//! it: the usage line of a command (`cliAddArgument`, `cliConcatArguments`),
//! `help …` (`cliOutputHelp`, `cliOutputCommandHelp`) and the hint shown
//! while typing (`hintsCallback`), from the same entries COMMAND DOCS
//! replies with. Text only: redis-cli's colours are left out and its `\r\n`
//! is `\n`.

use super::{entries, entry, Arg, Entry};
use crate::resp::split_args;

/// One command's help, as `cliOutputCommandHelp` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Help {
    /// `ZRANGE`, `CLUSTER SETSLOT`.
    pub name: String,
    /// The usage after the name: `key start stop [BYSCORE|BYLEX] …`.
    pub params: String,
    /// One sentence (Redis's).
    pub summary: &'static str,
    /// Empty when Redis has none (then the line is not printed).
    pub since: &'static str,
    /// `string`, `cluster`… (`help @GROUP` lists one).
    pub group: &'static str,
}

impl Help {
    fn of(e: &'static Entry) -> Help {
        Help {
            name: e.fullname.replace('|', " ").to_ascii_uppercase(),
            params: params(e),
            summary: e.summary,
            since: e.since,
            group: e.group,
        }
    }

    /// `cliOutputCommandHelp`: a blank line, the usage, the summary, since
    /// and (unless listing a group) the group.
    pub fn text(&self, with_group: bool) -> String {
        let mut out = format!(
            "\n  {} {}\n  summary: {}\n",
            self.name, self.params, self.summary
        );
        if !self.since.is_empty() {
            out.push_str(&format!("  since: {}\n", self.since));
        }
        if with_group {
            out.push_str(&format!("  group: {}\n", self.group));
        }
        out
    }
}

/// The usage of a command after its name, as redis-cli 7.0 builds it from
/// the argument tree: `[…]` optional, `a|b` one of, `[x …]` repeated.
pub fn params(e: &Entry) -> String {
    let mut out = String::new();
    concat(&e.args, " ", &mut out);
    out
}

/// `cliConcatArguments`: the arguments of one level (the first one's depth;
/// each is followed by its own, deeper ones), joined by `sep`.
fn concat(args: &[Arg], sep: &str, out: &mut String) {
    let Some(first) = args.first() else { return };
    let depth = first.depth;
    let mut i = 0;
    while i < args.len() {
        let end = i + 1 + args[i + 1..].iter().take_while(|a| a.depth > depth).count();
        if i > 0 {
            out.push_str(sep);
        }
        add(&args[i], &args[i + 1..end], out);
        i = end;
    }
}

/// `sdscat_orempty`: an empty name or token is written `""`.
fn or_empty(s: &str) -> &str {
    if s.is_empty() {
        "\"\""
    } else {
        s
    }
}

/// `cliAddArgument`: one argument (with its children, for `oneof` and
/// `block`).
fn add(arg: &Arg, children: &[Arg], out: &mut String) {
    let flag = |f: &str| arg.flags.split(' ').any(|x| x == f);
    let pure = arg.kind == "pure-token";
    let mut token = arg.token.map(or_empty).unwrap_or("").to_string();
    let mut repeat = String::new();
    match arg.kind {
        "key" | "string" | "integer" | "double" | "pattern" | "unix-time" | "token" => {
            repeat.push_str(or_empty(arg.name))
        }
        "oneof" => concat(children, "|", &mut repeat),
        "block" => concat(children, " ", &mut repeat),
        _ => {}
    }
    if !token.is_empty() && !pure {
        token.push(' ');
    }
    let optional = flag("optional");
    if optional {
        out.push('[');
    }
    out.push_str(&token);
    out.push_str(&repeat);
    if flag("multiple") {
        out.push_str(" [");
        if flag("multiple_token") {
            out.push_str(&token);
        }
        out.push_str(&repeat);
        out.push_str(" ...]");
    }
    if optional {
        out.push(']');
    }
}

/// The entries `help WORD…` prints (`cliOutputHelp`), in redis-cli's order:
/// `help ZRANGE`; `help CLUSTER` (the container, then every subcommand);
/// `help CLUSTER SETSLOT`; `help @GROUP` (every command of the group).
/// Case does not matter. Nothing for an unknown name.
pub fn help(words: &[&str]) -> Vec<Help> {
    let found: Vec<&'static Entry> = match words {
        [] => Vec::new(),
        [group] if group.starts_with('@') => entries()
            .iter()
            .filter(|e| e.group.eq_ignore_ascii_case(&group[1..]))
            .collect(),
        [name] => {
            let name = name.to_ascii_lowercase();
            if name.contains('|') {
                Vec::new()
            } else {
                let prefix = format!("{name}|");
                entries()
                    .iter()
                    .filter(|e| e.fullname == name || e.fullname.starts_with(&prefix))
                    .collect()
            }
        }
        [name, sub] if !name.contains('|') => entry(&format!("{name}|{sub}").to_ascii_lowercase())
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    let mut all: Vec<Help> = found.into_iter().map(Help::of).collect();
    crate::sorted::sort_by(&mut all, |a, b| a.name.cmp(&b.name));
    all
}

/// What redis-cli prints for `help WORD…` (without its colours): each
/// entry's text (with its group unless `help @GROUP`), then a blank line.
/// An unknown name prints only the blank line.
pub fn help_text(words: &[&str]) -> String {
    let with_group = !words.first().is_some_and(|w| w.starts_with('@'));
    let mut out: String = help(words).iter().map(|h| h.text(with_group)).collect();
    out.push('\n');
    out
}

/// redis-cli's hint for a line being typed (`hintsCallback`): the usage of
/// the longest command (or container subcommand) the line starts with,
/// without the arguments already typed (up to the first optional one),
/// with a leading space when the line does not end with one. `None`: no
/// command matches (or the quotes are unbalanced).
pub fn hint(line: &str) -> Option<String> {
    let argv = split_args(line.as_bytes())?;
    let word = |i: usize| {
        argv.get(i)
            .map(|w| String::from_utf8_lossy(w).to_ascii_lowercase())
            .filter(|w| !w.contains('|') && !w.contains(' '))
    };
    let top = word(0).and_then(|w| entry(&w).map(|e| (e, w)));
    let (e, matched) = match (top, word(1)) {
        (Some((_, w)), Some(sub)) if entry(&format!("{w}|{sub}")).is_some() => {
            (entry(&format!("{w}|{sub}"))?, 2)
        }
        (Some((e, _)), _) => (e, 1),
        (None, _) => return None,
    };
    let usage = params(e);
    let mut rest = usage.as_str();
    let mut to_remove = argv.len() - matched;
    while to_remove > 0 && !rest.is_empty() {
        if rest.starts_with('[') {
            break;
        }
        if rest.starts_with(' ') {
            to_remove -= 1;
        }
        rest = &rest[1..];
    }
    let end_space = line.ends_with(|c: char| c.is_ascii_whitespace());
    Some(if end_space {
        rest.to_string()
    } else {
        format!(" {rest}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(name: &str) -> String {
        params(entry(name).unwrap())
    }

    /// The usage lines redis-cli 7.0.15 prints (`redis-cli help NAME`
    /// against redis-server 7.0.15): nested `oneof`s and `block`s, tokens,
    /// `multiple` with and without `multiple_token`, MIGRATE's empty token.
    #[test]
    fn usage_is_redis_cli_s() {
        let cases = [
            (
                "zrange",
                "key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]",
            ),
            (
                "cluster|setslot",
                "slot IMPORTING node-id|MIGRATING node-id|NODE node-id|STABLE",
            ),
            (
                "set",
                "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|\
                 PXAT unix-time-milliseconds|KEEPTTL]",
            ),
            (
                "migrate",
                "host port key|\"\" destination-db timeout [COPY] [REPLACE] \
                 [[AUTH password]|[AUTH2 username password]] [KEYS key [key ...]]",
            ),
            (
                "geosearch",
                "key FROMMEMBER member|FROMLONLAT longitude latitude BYRADIUS radius \
                 M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC] [COUNT count [ANY]] \
                 [WITHCOORD] [WITHDIST] [WITHHASH]",
            ),
            (
                "xadd",
                "key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id \
                 field value [field value ...]",
            ),
            (
                "client|kill",
                "ip:port|[ID client-id]|[TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB]|\
                 [USER username]|[ADDR ip:port]|[LADDR ip:port]|[SKIPME yes/no] \
                 [[ID client-id]|[TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB]|[USER username]|\
                 [ADDR ip:port]|[LADDR ip:port]|[SKIPME yes/no] ...]",
            ),
            ("pfadd", "key [element [element ...]]"),
            ("cluster|addslots", "slot [slot ...]"),
            ("cluster", ""),
        ];
        for (name, want) in cases {
            assert_eq!(usage(name), want, "{name}");
        }
    }

    /// `redis-cli help ZRANGE`, `help cluster countkeysinslot`, `help
    /// NOSUCH` and the start of `help CLUSTER` and `help @hyperloglog`, as
    /// redis-cli 7.0.15 prints them (colours removed, `\r\n` as `\n`).
    #[test]
    fn help_text_is_redis_cli_s() {
        assert_eq!(
            help_text(&["zRange"]),
            "\n  ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]\n  \
             summary: Return a range of members in a sorted set\n  since: 1.2.0\n  \
             group: sorted-set\n\n"
        );
        assert_eq!(
            help_text(&["cluster", "countkeysinslot"]),
            "\n  CLUSTER COUNTKEYSINSLOT slot\n  summary: Return the number of local keys in \
             the specified hash slot\n  since: 3.0.0\n  group: cluster\n\n"
        );
        assert_eq!(help_text(&["NOSUCH"]), "\n");
        assert_eq!(help_text(&["CLUSTER", "NOSUCH"]), "\n");
        assert!(help_text(&["CLUSTER"]).starts_with(
            "\n  CLUSTER \n  summary: A container for cluster commands\n  since: 3.0.0\n  \
             group: cluster\n\n  CLUSTER ADDSLOTS slot [slot ...]\n"
        ));
        assert!(help_text(&["@hyperloglog"]).starts_with(
            "\n  PFADD key [element [element ...]]\n  summary: Adds the specified elements to \
             the specified HyperLogLog.\n  since: 2.8.9\n\n  PFCOUNT key [key ...]\n"
        ));
        let pf: Vec<String> = help(&["@HyperLogLog"])
            .into_iter()
            .map(|h| h.name)
            .collect();
        assert_eq!(pf, ["PFADD", "PFCOUNT", "PFDEBUG", "PFMERGE", "PFSELFTEST"]);
        assert!(help(&[]).is_empty());
        assert!(help(&["config|get"]).is_empty());
    }

    /// `hintsCallback`: the arguments not yet typed, up to the first
    /// optional one; a leading space unless the line ends with one; the
    /// longest command matched (a container's subcommand).
    #[test]
    fn hints_are_redis_cli_s() {
        let h = hint;
        assert_eq!(
            h("ZRANGE").as_deref(),
            Some(" key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]")
        );
        assert_eq!(
            h("zrange k ").as_deref(),
            Some("start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]")
        );
        assert_eq!(
            h("ZRANGE k 0").as_deref(),
            Some(" stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]")
        );
        assert_eq!(
            h("ZRANGE k 0 -1 ").as_deref(),
            Some("[BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]")
        );
        // Past the first optional argument the hint no longer shrinks.
        assert_eq!(
            h("ZRANGE k 0 -1 REV ").as_deref(),
            Some("[BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]")
        );
        assert_eq!(h("GET k ").as_deref(), Some(""));
        assert_eq!(h("cluster ").as_deref(), Some(""));
        assert_eq!(
            h("CLUSTER setslot ").as_deref(),
            Some("slot IMPORTING node-id|MIGRATING node-id|NODE node-id|STABLE")
        );
        assert_eq!(h("CLUSTER NOSUCH ").as_deref(), Some(""));
        assert_eq!(h("").as_deref(), None);
        assert_eq!(h("   ").as_deref(), None);
        assert_eq!(h("NOSUCH a").as_deref(), None);
        assert_eq!(h("GET \"k").as_deref(), None);
        assert_eq!(h("help ZRANGE").as_deref(), None);
    }
}
