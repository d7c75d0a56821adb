//! MONITOR (`server.c monitorCommand`, `replication.c
//! replicationFeedMonitors`): the command, which commands are shown, and
//! the line each one becomes, `+<sec>.<usec> [0 <ip:port>] "cmd" "arg"…`,
//! its arguments quoted by `sdscatrepr`. The node keeps the list of
//! monitors and sends the lines (`node/server/monitor_feed.rs`).

use super::table::{flags, CommandSpec};
use super::{Call, ClientState, Outcome};
use crate::resp::Value;
use crate::time::Time;
use std::borrow::Cow;

/// `MONITOR`: the client becomes a monitor. Refused to a client that must
/// answer every command (`CLIENT_DENY_BLOCKING`: inside EXEC, so a MONITOR
/// queued in MULTI fails there); a monitor asking again gets no reply.
pub fn monitor(c: &mut Call) -> Outcome {
    if c.client.in_exec || c.client.in_script {
        return Outcome::Reply(Value::err(
            "ERR MONITOR isn't allowed for DENY BLOCKING client",
        ));
    }
    if c.client.monitor {
        return Outcome::Many(Vec::new());
    }
    c.client.monitor = true;
    let id = c.id;
    c.server().add_monitor(id);
    Outcome::Reply(Value::ok())
}

/// Whether `call()` feeds the command to monitors: not when the entry that
/// ran (the subcommand for a container) is `admin` or `skip_monitor`
/// (EVAL and FCALL feed themselves before their script's commands).
pub fn shown(spec: &'static CommandSpec, entry: &CommandSpec) -> bool {
    !has_any(
        spec,
        entry,
        flags::ADMIN | flags::SKIP_MONITOR,
        &["admin", "skip_monitor"],
    )
}

/// Whether a monitor's command would read or write keys
/// (`is_read_command || is_write_command || is_may_replicate_command`),
/// for EXEC those of the commands it queued.
pub fn touches_keyspace(
    spec: &'static CommandSpec,
    entry: &CommandSpec,
    client: &ClientState,
) -> bool {
    let bits = flags::READONLY | flags::WRITE | flags::MAY_REPLICATE;
    let words = ["readonly", "write", "may_replicate"];
    if spec.name == "exec" {
        return client.queued().iter().any(|q| {
            super::table::lookup(&q[0])
                .and_then(|s| s.resolve(q).ok().map(|e| has_any(s, e, bits, &words)))
                .unwrap_or(false)
        });
    }
    has_any(spec, entry, bits, &words)
}

/// Whether the entry that runs (`c->cmd`: a container's subcommand) has
/// one of the flag `bits`, a subcommand's read from Redis's own table
/// (`words`, as COMMAND prints them).
pub fn has_any(spec: &'static CommandSpec, entry: &CommandSpec, bits: u32, words: &[&str]) -> bool {
    if std::ptr::eq(spec, entry) {
        return spec.has(bits);
    }
    let fullname = format!("{}|{}", spec.name, entry.name);
    super::docs::entry(&fullname)
        .and_then(|e| e.head.as_ref())
        .is_some_and(|h| h.flags.split(' ').any(|f| words.contains(&f)))
}

/// EVAL, EVALSHA, FCALL and their `_RO` forms: fed before the commands of
/// their script, as `evalCommand` and `fcallCommandGeneric` do.
pub fn feed_script_call(c: &mut Call) {
    let (now, id, args) = (c.now, c.id, c.args);
    let (mut node, client) = c.split();
    node.feed_monitors(now, id, client, args);
}

/// `args` with the ones at `redact` replaced by `(redacted)`.
pub fn redacted<'a>(args: &'a [Vec<u8>], redact: &[usize]) -> Cow<'a, [Vec<u8>]> {
    if redact.is_empty() {
        return Cow::Borrowed(args);
    }
    let mut v = args.to_vec();
    for &i in redact {
        if let Some(a) = v.get_mut(i) {
            *a = b"(redacted)".to_vec();
        }
    }
    Cow::Owned(v)
}

/// The line `replicationFeedMonitors` sends: the time (the node's clock,
/// which has millisecond steps), the database and the client (`lua` for a
/// script's commands, `getClientPeerId` otherwise, `?:0` when unknown),
/// then the arguments as `sdscatrepr` quotes them.
pub fn line(now: Time, client: &ClientState, args: &[Vec<u8>]) -> Value {
    let ms = now.0;
    let mut s = format!("{}.{:06} ", ms / 1000, (ms % 1000) * 1000);
    if client.in_script {
        s.push_str("[0 lua] ");
    } else {
        match client.addr {
            Some((peer, _)) => s.push_str(&format!("[0 {peer}] ")),
            None => s.push_str("[0 ?:0] "),
        }
    }
    let args = redacted(args, &client.redact);
    for (j, a) in args.iter().enumerate() {
        if j > 0 {
            s.push(' ');
        }
        s.push('"');
        s.push_str(&crate::resp::escape(a));
        s.push('"');
    }
    Value::Simple(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sdscatrepr`'s escapes, as redis-cli prints MONITOR's quoted args.
    #[test]
    fn arguments_are_quoted_as_sdscatrepr_does() {
        let c = ClientState::default();
        let Value::Simple(s) = line(Time(0), &c, &[b"a\"b\\c\n\r\t\x07\x08\x00\xff z".to_vec()])
        else {
            panic!("a status line");
        };
        assert!(s.ends_with(r#" "a\"b\\c\n\r\t\a\b\x00\xff z""#), "{s}");
    }

    /// The time is `%ld.%06ld`, then `[db addr]`, then the arguments.
    #[test]
    fn a_line_has_time_client_and_arguments() {
        let mut c = ClientState::default();
        c.addr = Some((
            "127.0.0.1:5000".parse().unwrap(),
            "127.0.0.1:7000".parse().unwrap(),
        ));
        c.redact = vec![1];
        let v = line(
            Time(1_700_000_000_042),
            &c,
            &[b"auth".to_vec(), b"pw".to_vec()],
        );
        assert_eq!(
            v,
            Value::Simple(r#"1700000000.042000 [0 127.0.0.1:5000] "auth" "(redacted)""#.into())
        );
        c.in_script = true;
        let v = line(Time(5), &c, &[b"get".to_vec()]);
        assert_eq!(v, Value::Simple(r#"0.005000 [0 lua] "get""#.into()));
    }
}
