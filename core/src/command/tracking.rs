//! Client-side caching's commands (`networking.c clientCommand`): CLIENT
//! TRACKING, CACHING, GETREDIR and TRACKINGINFO, with 7.0.15's checks and
//! texts, and what a client in tracking mode carries (`CLIENT_TRACKING*`
//! flags, `client_tracking_redirection`, `client_tracking_prefixes`). The
//! tracking table and the invalidations are the node's
//! (`node/server/tracking.rs`, Redis's `tracking.c`).

use super::option_walk::OptionWalk;
use super::{syntax_error, Call, ClientState};
use crate::node::ClientId;
use crate::resp::Value;
use std::collections::BTreeSet;

/// One client's tracking mode, while CLIENT TRACKING is on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tracking {
    /// The client that receives the invalidations (0: this one).
    pub redirect: u64,
    /// BCAST: invalidations for every key under the prefixes.
    pub bcast: bool,
    /// OPTIN: only keys read right after `CLIENT CACHING yes` are tracked.
    pub optin: bool,
    /// OPTOUT: keys read right after `CLIENT CACHING no` are not tracked.
    pub optout: bool,
    /// `CLIENT CACHING` ran for the next command (`CLIENT_TRACKING_CACHING`).
    pub caching: bool,
    /// NOLOOP: no invalidation for the keys this client modified itself.
    pub noloop: bool,
    /// The redirect client is gone (`CLIENT_TRACKING_BROKEN_REDIR`).
    pub broken_redir: bool,
    /// The BCAST prefixes, sorted as the rax holds them.
    pub prefixes: BTreeSet<Vec<u8>>,
}

/// The options of CLIENT TRACKING, parsed.
#[derive(Default)]
struct Options {
    redirect: u64,
    bcast: bool,
    optin: bool,
    optout: bool,
    noloop: bool,
    prefixes: Vec<Vec<u8>>,
}

/// Parses `[REDIRECT id] [BCAST] [PREFIX p]… [OPTIN] [OPTOUT] [NOLOOP]`
/// in Redis's order of checks: the redirect client must exist now.
fn options(c: &mut Call) -> Result<Options, Value> {
    let me = c.id;
    let mut o = Options::default();
    let mut walk = OptionWalk::new(c.args, 3);
    while let Some(name) = walk.next_name() {
        match name.as_slice() {
            // `moreargs`: without its value an option is a syntax error.
            b"redirect" => {
                let Some(value) = walk.value() else {
                    return Err(syntax_error());
                };
                if o.redirect != 0 {
                    return Err(Value::err(
                        "ERR A client can only redirect to a single other client",
                    ));
                }
                let id = super::int_arg(value)?;
                if id <= 0 || !c.server().client_exists(ClientId(id as u64), me) {
                    return Err(Value::err(
                        "ERR The client ID you want redirect to does not exist",
                    ));
                }
                o.redirect = id as u64;
            }
            b"bcast" => o.bcast = true,
            b"optin" => o.optin = true,
            b"optout" => o.optout = true,
            b"noloop" => o.noloop = true,
            b"prefix" => match walk.value() {
                Some(p) => o.prefixes.push(p.clone()),
                None => return Err(syntax_error()),
            },
            _ => return Err(syntax_error()),
        }
    }
    Ok(o)
}

/// `checkPrefixCollisionsOrReply`: no two prefixes of one client may both
/// cover a key (one a prefix of the other).
fn check_prefixes(current: Option<&Tracking>, prefixes: &[Vec<u8>]) -> Result<(), Value> {
    let overlap = |a: &[u8], b: &[u8]| {
        let n = a.len().min(b.len());
        a[..n] == b[..n]
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    for (i, p) in prefixes.iter().enumerate() {
        for old in current.into_iter().flat_map(|t| &t.prefixes) {
            if overlap(old, p) {
                return Err(Value::err(format!(
                    "ERR Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single client must not overlap.",
                    text(p),
                    text(old)
                )));
            }
        }
        for q in &prefixes[i + 1..] {
            if overlap(p, q) {
                return Err(Value::err(format!(
                    "ERR Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a single client must not overlap.",
                    text(p),
                    text(q)
                )));
            }
        }
    }
    Ok(())
}

/// `CLIENT TRACKING ON|OFF [options]`.
pub fn tracking(c: &mut Call) -> Value {
    let o = match options(c) {
        Ok(o) => o,
        Err(e) => return e,
    };
    match c.args[2].to_ascii_lowercase().as_slice() {
        b"on" => {
            if !o.bcast && !o.prefixes.is_empty() {
                return Value::err("ERR PREFIX option requires BCAST mode to be enabled");
            }
            let now = c.client.tracking.as_deref();
            if now.is_some_and(|t| t.bcast != o.bcast) {
                return Value::err("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
            }
            if o.bcast && (o.optin || o.optout) {
                return Value::err("ERR OPTIN and OPTOUT are not compatible with BCAST");
            }
            if o.optin && o.optout {
                return Value::err("ERR You can't specify both OPTIN mode and OPTOUT mode");
            }
            if now.is_some_and(|t| (o.optin && t.optout) || (o.optout && t.optin)) {
                return Value::err("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
            }
            if o.bcast {
                if let Err(e) = check_prefixes(now, &o.prefixes) {
                    return e;
                }
            }
            enable(c, o);
        }
        b"off" => {
            let id = c.id;
            let (mut node, client) = c.split();
            node.disable_tracking(id, client)
        }
        _ => return syntax_error(),
    }
    Value::ok()
}

/// `enableTracking`: the mode's flags are set anew (CACHING and the
/// prefixes already registered stay), BCAST registers the prefixes (the
/// empty one when none is given).
fn enable(c: &mut Call, o: Options) {
    let was_on = c.client.tracking.is_some();
    let mut t = c.client.tracking.take().map(|b| *b).unwrap_or_default();
    t.redirect = o.redirect;
    t.bcast = o.bcast;
    t.optin = o.optin;
    t.optout = o.optout;
    t.noloop = o.noloop;
    t.broken_redir = false;
    if o.bcast {
        let prefixes = if o.prefixes.is_empty() {
            vec![Vec::new()]
        } else {
            o.prefixes
        };
        for p in prefixes {
            let id = c.id;
            c.server().track_prefix(id, &p);
            t.prefixes.insert(p);
        }
    }
    c.server().tracking_enabled(!was_on);
    c.client.tracking = Some(Box::new(t));
}

/// `CLIENT CACHING YES|NO`: for the next command (or transaction) only.
pub fn caching(c: &mut Call) -> Value {
    let Some(t) = c.client.tracking.as_deref_mut() else {
        return Value::err("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
    };
    match c.args[2].to_ascii_lowercase().as_slice() {
        b"yes" if t.optin => t.caching = true,
        b"yes" => {
            return Value::err(
                "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
            )
        }
        b"no" if t.optout => t.caching = true,
        b"no" => {
            return Value::err(
                "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
            )
        }
        _ => return syntax_error(),
    }
    Value::ok()
}

/// `CLIENT GETREDIR`: the redirect client, 0 for none, -1 when not
/// tracking.
pub fn getredir(c: &mut Call) -> Value {
    Value::Integer(redirect(c.client))
}

/// `redir=` of CLIENT LIST, CLIENT GETREDIR.
pub fn redirect(c: &ClientState) -> i64 {
    c.tracking.as_deref().map_or(-1, |t| t.redirect as i64)
}

/// `CLIENT TRACKINGINFO`: a map of `flags` (a set), `redirect`, `prefixes`.
pub fn trackinginfo(c: &mut Call) -> Value {
    let t = c.client.tracking.as_deref();
    let mut flags = vec![if t.is_some() { "on" } else { "off" }];
    if let Some(t) = t {
        if t.bcast {
            flags.push("bcast");
        }
        if t.optin {
            flags.push("optin");
            if t.caching {
                flags.push("caching-yes");
            }
        }
        if t.optout {
            flags.push("optout");
            if t.caching {
                flags.push("caching-no");
            }
        }
        if t.noloop {
            flags.push("noloop");
        }
        if t.broken_redir {
            flags.push("broken_redirect");
        }
    }
    let prefixes = t
        .map(|t| t.prefixes.iter().map(Value::bulk).collect())
        .unwrap_or_default();
    Value::Map(vec![
        (
            Value::bulk("flags"),
            Value::Set(flags.into_iter().map(Value::bulk).collect()),
        ),
        (Value::bulk("redirect"), Value::Integer(redirect(c.client))),
        (Value::bulk("prefixes"), Value::Array(prefixes)),
    ])
}
