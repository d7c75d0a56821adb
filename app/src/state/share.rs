//! Shared links: the scenario, the seed, the action log and the time cursor in the URL
//! fragment, so opening the link replays to the exact same state.
//!
//! Format (version 1): `#v1&p=3x1&s=7&c=STEPS.APPLIED.MS&a=ENTRY,ENTRY…&k=CHECK` where each entry is
//! `STEPS.MS.WHAT` and WHAT is `x3` (crash node 3), `r3` (restart), `p3` (pause), `u3`
//! (resume), `i0-3` (cut nodes 0 and 3 off), `h` (heal), `d812` (drop message 812) or
//! `c2.1.GET_user~3A1000` (command on node 2 from client 1; arguments separated by `_`, bytes
//! outside `A-Z a-z 0-9 -` written `~HH`). `k` is a checksum of the trace at that moment: a
//! link made by another version of the simulator replays to somewhere else, and says so.

use std::fmt;

use clusterlab_core::sim::{fingerprint, Scenario, Sim};
use clusterlab_core::Time;

use super::replay::{Cursor, Entry, SimAction};
use super::Model;
use crate::i18n::{Msg, Note};

const VERSION: &str = "v1";
/// Largest cluster a link may ask for: the worker's limit (above
/// [`super::big::NODE_BY_NODE`] nodes, a link opens the big-cluster view).
const MAX_NODES: usize = clusterlab_worker::driver::MAX_NODES;

/// A cluster shape: masters × replicas per master (`3x1` is the default 3 + 3 nodes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    pub masters: usize,
    pub replicas: usize,
}

impl Default for Preset {
    fn default() -> Self {
        Preset {
            masters: 3,
            replicas: 1,
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.masters, self.replicas)
    }
}

impl Preset {
    /// The shapes offered in the scenario menu.
    /// The last two run in the worker (`state/big.rs`).
    pub const MENU: [(usize, usize); 7] =
        [(3, 1), (3, 0), (3, 2), (5, 1), (50, 1), (150, 1), (500, 1)];

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.masters * (1 + self.replicas)
    }

    pub fn parse(text: &str) -> Result<Preset, Note> {
        let (m, r) = text
            .split_once('x')
            .ok_or_else(|| Note::new(Msg::LinkNotPreset, &[text]))?;
        let masters: usize = m
            .parse()
            .map_err(|_| Note::new(Msg::LinkNoMasters, &[text]))?;
        let replicas: usize = r
            .parse()
            .map_err(|_| Note::new(Msg::LinkNoReplicas, &[text]))?;
        if masters == 0 || masters.saturating_mul(replicas.saturating_add(1)) > MAX_NODES {
            return Err(Note::new(
                Msg::LinkPresetSize,
                &[text, &MAX_NODES.to_string()],
            ));
        }
        Ok(Preset { masters, replicas })
    }

    /// The scenario: the core's default settings with this shape and seed. The page's nodes
    /// are a lab, started as Redis's own test suite starts its servers, with
    /// `enable-debug-command local`, so that DEBUG SLEEP (a node that serves nobody for a
    /// while) can be tried in the console; a default redis-server refuses DEBUG.
    pub fn scenario(&self, seed: u64) -> Scenario {
        let mut config = Scenario::default().config;
        config
            .set_param("enable-debug-command", "local")
            .expect("enable-debug-command takes local");
        Scenario {
            masters: self.masters,
            replicas: self.replicas,
            seed,
            config,
            ..Scenario::default()
        }
    }
}

/// What a link carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    pub preset: Preset,
    pub seed: u64,
    /// Where to go; `None` (no `c=` part): the start, playing, like a fresh page.
    pub cursor: Option<Cursor>,
    pub entries: Vec<Entry>,
    /// [`checksum`] of the run at the cursor.
    pub check: Option<u32>,
}

/// A short fingerprint of where a run stands: its trace and its clock.
pub fn checksum(sim: &Sim) -> u32 {
    let fp = fingerprint(sim.trace(), sim) ^ sim.now().ms().wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (fp ^ (fp >> 32)) as u32
}

impl Shared {
    pub fn of(model: &Model) -> Shared {
        let run = &model.run;
        Shared {
            preset: model.preset.clone(),
            seed: run.scenario().seed,
            cursor: Some(run.cursor()),
            entries: run.log()[..run.cursor().applied].to_vec(),
            check: Some(checksum(run.sim())),
        }
    }

    /// The URL fragment, without `#`.
    pub fn to_fragment(&self) -> String {
        let mut out = format!("{VERSION}&p={}&s={}", self.preset, self.seed);
        if let Some(c) = &self.cursor {
            out.push_str(&format!("&c={}.{}.{}", c.steps, c.applied, c.time.ms()));
        }
        if !self.entries.is_empty() {
            out.push_str("&a=");
            let parts: Vec<String> = self.entries.iter().map(encode_entry).collect();
            out.push_str(&parts.join(","));
        }
        if let Some(k) = self.check {
            out.push_str(&format!("&k={k:08x}"));
        }
        out
    }

    /// Reads a fragment (with or without `#`). `Ok(None)` when there is no link at all.
    pub fn parse(fragment: &str) -> Result<Option<Shared>, Note> {
        let fragment = fragment.trim_start_matches('#');
        if fragment.is_empty() {
            return Ok(None);
        }
        let mut fields = fragment.split('&');
        match fields.next() {
            Some(VERSION) => {}
            Some(v) if v.starts_with('v') => {
                return Err(Note::new(Msg::LinkVersion, &[v, VERSION]))
            }
            _ => return Err(Note::new(Msg::LinkNotLink, &[])),
        }
        let (mut preset, mut seed, mut cursor, mut entries) = (None, None, None, Vec::new());
        let mut check = None;
        for field in fields {
            let (key, value) = field
                .split_once('=')
                .ok_or_else(|| Note::new(Msg::LinkNoValue, &[field]))?;
            match key {
                "p" => preset = Some(Preset::parse(value)?),
                "s" => {
                    seed = Some(
                        value
                            .parse::<u64>()
                            .map_err(|_| Note::new(Msg::LinkSeed, &[value]))?,
                    )
                }
                "c" => cursor = Some(parse_cursor(value)?),
                "a" => {
                    entries = value
                        .split(',')
                        .map(parse_entry)
                        .collect::<Result<Vec<_>, _>>()?
                }
                "k" => {
                    check = Some(
                        u32::from_str_radix(value, 16)
                            .map_err(|_| Note::new(Msg::LinkChecksum, &[value]))?,
                    )
                }
                other => return Err(Note::new(Msg::LinkUnknownPart, &[other])),
            }
        }
        Ok(Some(Shared {
            preset: preset.ok_or_else(|| Note::new(Msg::LinkNoScenario, &[]))?,
            seed: seed.ok_or_else(|| Note::new(Msg::LinkNoSeed, &[]))?,
            cursor,
            entries,
            check,
        }))
    }

    /// Checks the log against a cluster of `nodes` nodes: indices in range, entries in order,
    /// the cursor after every entry it applies.
    pub fn validate(&self, nodes: usize) -> Result<(), Note> {
        let mut nodes = nodes;
        let mut last = (0u64, Time::ZERO);
        for (n, e) in self.entries.iter().enumerate() {
            let bad_node = |i: usize| i >= nodes;
            let bad = match &e.action {
                SimAction::Crash(i)
                | SimAction::Restart(i)
                | SimAction::Pause(i)
                | SimAction::Resume(i) => bad_node(*i),
                SimAction::Partition(group) => {
                    group.is_empty() || group.iter().any(|&i| bad_node(i))
                }
                SimAction::Command { node, args, .. } => bad_node(*node) || args.is_empty(),
                SimAction::Reshard { from, to, .. } => {
                    from == to || bad_node(*from) || bad_node(*to)
                }
                SimAction::Heal | SimAction::Drop(_) | SimAction::AddNode => false,
            };
            // An added node may be named by the actions after it.
            if e.action == SimAction::AddNode {
                nodes += 1;
            }
            if bad {
                return Err(Note::new(Msg::LinkBadNode, &[&(n + 1).to_string()]));
            }
            if (e.steps, e.time) < last {
                return Err(Note::new(Msg::LinkOrder, &[&(n + 1).to_string()]));
            }
            last = (e.steps, e.time);
        }
        let (steps, applied, time) = match &self.cursor {
            Some(c) => (c.steps, c.applied, c.time),
            None => (0, 0, Time::ZERO),
        };
        if applied != self.entries.len() {
            return Err(Note::new(Msg::LinkTimeActions, &[]));
        }
        if (steps, time) < last {
            return Err(Note::new(Msg::LinkTimeBefore, &[]));
        }
        Ok(())
    }
}

fn parse_cursor(text: &str) -> Result<Cursor, Note> {
    let bad = || Note::new(Msg::LinkBadTime, &[text]);
    let mut parts = text.split('.');
    let mut next = || {
        parts
            .next()
            .and_then(|p| p.parse::<u64>().ok())
            .ok_or_else(bad)
    };
    let steps = next()?;
    let applied = next()? as usize;
    let ms = next()?;
    Ok(Cursor {
        steps,
        applied,
        time: Time(ms),
    })
}

fn encode_entry(e: &Entry) -> String {
    let what = match &e.action {
        SimAction::Crash(i) => format!("x{i}"),
        SimAction::Restart(i) => format!("r{i}"),
        SimAction::Pause(i) => format!("p{i}"),
        SimAction::Resume(i) => format!("u{i}"),
        SimAction::Partition(group) => {
            let ids: Vec<String> = group.iter().map(usize::to_string).collect();
            format!("i{}", ids.join("-"))
        }
        SimAction::Heal => "h".into(),
        SimAction::AddNode => "n".into(),
        SimAction::Reshard { from, to, slots } => format!("m{from}-{to}-{slots}"),
        SimAction::Drop(id) => format!("d{id}"),
        SimAction::Command { node, client, args } => {
            let args: Vec<String> = args.iter().map(|a| escape(a)).collect();
            format!("c{node}.{client}.{}", args.join("_"))
        }
    };
    format!("{}.{}.{what}", e.steps, e.time.ms())
}

fn parse_entry(text: &str) -> Result<Entry, Note> {
    let bad = || Note::new(Msg::LinkBadAction, &[text]);
    let mut parts = text.splitn(3, '.');
    let steps = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let ms = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let what = parts.next().ok_or_else(bad)?;
    let (code, rest) = what.split_at(what.chars().next().map_or(0, char::len_utf8));
    let index = || rest.parse::<usize>().map_err(|_| bad());
    let action = match code {
        "x" => SimAction::Crash(index()?),
        "r" => SimAction::Restart(index()?),
        "p" => SimAction::Pause(index()?),
        "u" => SimAction::Resume(index()?),
        "h" if rest.is_empty() => SimAction::Heal,
        "n" if rest.is_empty() => SimAction::AddNode,
        "m" => {
            let mut n = rest
                .split('-')
                .map(|p| p.parse::<usize>().map_err(|_| bad()));
            let (from, to, slots) = (
                n.next().ok_or_else(bad)??,
                n.next().ok_or_else(bad)??,
                n.next().ok_or_else(bad)??,
            );
            SimAction::Reshard { from, to, slots }
        }
        "d" => SimAction::Drop(rest.parse().map_err(|_| bad())?),
        "i" => SimAction::Partition(
            rest.split('-')
                .map(|p| p.parse::<usize>().map_err(|_| bad()))
                .collect::<Result<_, _>>()?,
        ),
        "c" => {
            let mut c = rest.splitn(3, '.');
            let node = c.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
            let client = c.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
            let args = c
                .next()
                .ok_or_else(bad)?
                .split('_')
                .map(|a| unescape(a).ok_or_else(bad))
                .collect::<Result<_, _>>()?;
            SimAction::Command { node, client, args }
        }
        _ => return Err(bad()),
    };
    Ok(Entry {
        steps,
        time: Time(ms),
        action,
    })
}

fn escape(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("~{b:02X}"));
        }
    }
    out
}

fn unescape(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'~' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn sample() -> Shared {
        Shared {
            preset: Preset::default(),
            seed: 42,
            cursor: Some(Cursor {
                steps: 900,
                applied: 6,
                time: Time(31_000),
            }),
            entries: vec![
                Entry {
                    steps: 10,
                    time: Time(6_000),
                    action: SimAction::Crash(0),
                },
                Entry {
                    steps: 20,
                    time: Time(7_000),
                    action: SimAction::Partition(vec![1, 4]),
                },
                Entry {
                    steps: 20,
                    time: Time(7_000),
                    action: SimAction::Command {
                        node: 2,
                        client: 1,
                        args: vec![b"SET".to_vec(), b"{user}:1 x".to_vec(), vec![0, 255]],
                    },
                },
                Entry {
                    steps: 30,
                    time: Time(9_000),
                    action: SimAction::Heal,
                },
                Entry {
                    steps: 31,
                    time: Time(9_500),
                    action: SimAction::AddNode,
                },
                Entry {
                    steps: 32,
                    time: Time(9_600),
                    action: SimAction::Reshard {
                        from: 0,
                        to: 6,
                        slots: 100,
                    },
                },
            ],
            check: Some(0xdead_beef),
        }
    }

    #[test]
    fn a_link_round_trips() {
        let shared = sample();
        let text = shared.to_fragment();
        assert!(text.starts_with("v1&p=3x1&s=42&c=900.6.31000&a=10.6000.x0,"));
        assert!(text.ends_with(",31.9500.n,32.9600.m0-6-100&k=deadbeef"));
        assert!(text.contains("c2.1.SET_~7Buser~7D~3A1~20x_~00~FF"));
        assert_eq!(Shared::parse(&format!("#{text}")), Ok(Some(shared.clone())));
        assert_eq!(shared.validate(6), Ok(()));
    }

    #[test]
    fn a_link_without_time_starts_at_the_beginning() {
        let shared = Shared::parse("#v1&p=50x1&s=3").unwrap().unwrap();
        assert_eq!(
            shared.preset,
            Preset {
                masters: 50,
                replicas: 1
            }
        );
        assert_eq!((shared.seed, shared.cursor, shared.check), (3, None, None));
        assert_eq!(shared.validate(100), Ok(()));
        assert_eq!(shared.to_fragment(), "v1&p=50x1&s=3");
    }

    #[test]
    fn no_fragment_is_no_link() {
        assert_eq!(Shared::parse(""), Ok(None));
        assert_eq!(Shared::parse("#"), Ok(None));
    }

    #[test]
    fn bad_links_say_why() {
        let err = |s: &str| Shared::parse(s).unwrap_err().text(Lang::En);
        assert!(err("#v9&p=3x1").contains("another version"));
        assert!(err("#hello").contains("not a playground link"));
        assert!(err("#v1&p=3x1&s=x&c=1.0.1").contains("seed"));
        assert!(err("#v1&p=0x1&s=1&c=1.0.1").contains("outside"));
        assert!(err("#v1&p=3x1&s=1&c=1.0.1&a=5.5.q1").contains("cannot be read"));
        assert!(err("#v1&s=1&c=1.0.1").contains("scenario"));
        // The page's own words, so French on a French page.
        let fr = Shared::parse("#v1&p=3x1&s=x").unwrap_err().text(Lang::Fr);
        assert_eq!(fr, "la graine «\u{202f}x\u{202f}» n'est pas un nombre");
    }

    #[test]
    fn validation_catches_impossible_logs() {
        let mut shared = sample();
        assert!(shared
            .validate(3)
            .unwrap_err()
            .text(Lang::En)
            .contains("does not exist"));
        shared.cursor.as_mut().unwrap().applied = 2;
        assert!(shared
            .validate(6)
            .unwrap_err()
            .text(Lang::En)
            .contains("does not match"));
        let mut shared = sample();
        shared.entries.swap(0, 3);
        assert!(shared
            .validate(6)
            .unwrap_err()
            .text(Lang::En)
            .contains("out of order"));
    }
}
