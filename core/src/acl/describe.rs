//! Users as text and as replies: `ACLDescribeSelectorCommandRules` (the
//! shortest category-based rules that rebuild a command bitmap),
//! `ACLDescribeSelector`, `ACLDescribeUser` (ACL LIST and the ACL file)
//! and ACL GETUSER's map (`aclAddReplySelectorDescription`).

use super::commands::{category, commands, CATEGORIES, COMMAND_BITS};
use super::rules::set_selector;
use super::user::{KeyPattern, Selector, User, ALL, READ, WRITE};
use crate::resp::Value;

/// `ACLCountCategoryBitsForSelector`: commands of the category allowed
/// and denied by the bitmap.
fn count_category(s: &Selector, bit: u32) -> (usize, usize) {
    let (mut on, mut off) = (0, 0);
    for (id, cmd) in commands().all.iter().enumerate() {
        if cmd.categories & bit != 0 {
            if s.bit(id) {
                on += 1;
            } else {
                off += 1;
            }
        }
    }
    (on, off)
}

/// `ACLDescribeSelectorCommandRules`: `+@all` or `-@all`, then the best
/// fitting categories one by one, then single commands (in the table's
/// order: Redis walks a hash table, whose order varies between runs),
/// then allowed first arguments.
pub fn command_rules(s: &Selector) -> String {
    let additive = !s.future_commands();
    let mut rules = String::from(if additive { "-@all " } else { "+@all " });
    let mut fake = Selector::new(false, false);
    let _ = set_selector(&mut fake, if additive { b"-@all" } else { b"+@all" });
    let mut temp = Selector::new(false, false);
    temp.commands = s.commands;
    let mut applied = [false; CATEGORIES.len()];
    loop {
        let mut best = None;
        let (mut mindiff, mut maxsame) = (usize::MAX, 0);
        for (j, name) in CATEGORIES.iter().enumerate() {
            if applied[j] {
                continue;
            }
            let (on, off) = count_category(&temp, category(name.as_bytes()).unwrap_or(0));
            let (diff, same) = if additive { (off, on) } else { (on, off) };
            if same > diff && (diff < mindiff || (diff == mindiff && same > maxsame)) {
                best = Some(j);
                mindiff = diff;
                maxsame = same;
            }
        }
        let Some(best) = best else { break };
        let bit = 1 << best;
        fake.change_category(bit, additive);
        temp.change_category(bit, !additive);
        rules.push_str(if additive { "+@" } else { "-@" });
        rules.push_str(CATEGORIES[best]);
        rules.push(' ');
        applied[best] = true;
    }
    let all = commands();
    for (id, cmd) in all.all.iter().enumerate() {
        if cmd.parent.is_some() {
            continue;
        }
        single(s, &mut fake, id, &mut rules);
        for &sub in &cmd.subs {
            single(s, &mut fake, sub, &mut rules);
        }
        if !s.bit(id) {
            for arg in s.firstargs_of(id) {
                rules.push('+');
                rules.push_str(&cmd.fullname);
                rules.push('|');
                rules.push_str(&String::from_utf8_lossy(arg));
                rules.push(' ');
            }
        }
    }
    debug_assert!(COMMAND_BITS > all.all.len());
    rules.pop();
    rules
}

/// One command whose bit the rules so far got wrong.
fn single(s: &Selector, fake: &mut Selector, id: usize, rules: &mut String) {
    let userbit = s.bit(id);
    if userbit != fake.bit(id) {
        rules.push(if userbit { '+' } else { '-' });
        rules.push_str(&commands().all[id].fullname);
        rules.push(' ');
        fake.change_perm(id, userbit);
    }
}

/// `sdsCatPatternString`: `~p`, `%R~p` or `%W~p`.
fn key_pattern(out: &mut Vec<u8>, k: &KeyPattern) {
    out.extend_from_slice(match k.flags {
        ALL => b"~",
        READ => b"%R~",
        WRITE => b"%W~",
        _ => b"~",
    });
    out.extend_from_slice(&k.pattern);
}

/// `ACLDescribeSelector`: keys, channels, commands.
pub fn selector(s: &Selector) -> Vec<u8> {
    let mut out = Vec::new();
    if s.allkeys {
        out.extend_from_slice(b"~* ");
    } else {
        for k in &s.keys {
            key_pattern(&mut out, k);
            out.push(b' ');
        }
    }
    if s.allchannels {
        out.extend_from_slice(b"&* ");
    } else {
        out.extend_from_slice(b"resetchannels ");
        for c in &s.channels {
            out.push(b'&');
            out.extend_from_slice(c);
            out.push(b' ');
        }
    }
    out.extend_from_slice(command_rules(s).as_bytes());
    out
}

/// The flag words of a user, in `ACLUserFlags`' order.
fn flag_words(u: &User) -> Vec<&'static str> {
    let mut words = vec![if u.enabled { "on" } else { "off" }];
    if u.nopass {
        words.push("nopass");
    }
    match u.skip_sanitize {
        Some(true) => words.push("skip-sanitize-payload"),
        Some(false) => words.push("sanitize-payload"),
        None => {}
    }
    words
}

/// `ACLDescribeUser`: flags, `#hash`es, the root selector, then the
/// others in parentheses.
pub fn user(u: &User) -> Vec<u8> {
    let mut out = Vec::new();
    for w in flag_words(u) {
        out.extend_from_slice(w.as_bytes());
        out.push(b' ');
    }
    for p in &u.passwords {
        out.push(b'#');
        out.extend_from_slice(p.as_bytes());
        out.push(b' ');
    }
    for s in &u.selectors {
        if s.root {
            out.extend(selector(s));
        } else {
            out.extend_from_slice(b" (");
            out.extend(selector(s));
            out.push(b')');
        }
    }
    out
}

/// `aclAddReplySelectorDescription`: commands, keys, channels.
fn selector_fields(s: &Selector) -> Vec<(Value, Value)> {
    let keys = if s.allkeys {
        b"~*".to_vec()
    } else {
        let mut out = Vec::new();
        for (i, k) in s.keys.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            key_pattern(&mut out, k);
        }
        out
    };
    let channels = if s.allchannels {
        b"&*".to_vec()
    } else {
        let mut out = Vec::new();
        for (i, c) in s.channels.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.push(b'&');
            out.extend_from_slice(c);
        }
        out
    };
    vec![
        (Value::bulk("commands"), Value::bulk(command_rules(s))),
        (Value::bulk("keys"), Value::Bulk(keys)),
        (Value::bulk("channels"), Value::Bulk(channels)),
    ]
}

/// ACL GETUSER's map.
pub fn getuser(u: &User) -> Value {
    let mut map = vec![
        (
            Value::bulk("flags"),
            Value::Set(flag_words(u).into_iter().map(Value::bulk).collect()),
        ),
        (
            Value::bulk("passwords"),
            Value::Array(u.passwords.iter().map(Value::bulk).collect()),
        ),
    ];
    map.extend(selector_fields(u.root()));
    map.push((
        Value::bulk("selectors"),
        Value::Array(
            u.selectors[1..]
                .iter()
                .map(|s| Value::Map(selector_fields(s)))
                .collect(),
        ),
    ));
    Value::Map(map)
}
