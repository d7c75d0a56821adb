//! The keys of a full command and how it uses them, as COMMAND GETKEYS and
//! GETKEYSANDFLAGS find them (db.c `getKeysFromCommandWithSpecs`): Redis's
//! key specifications first, when the command has one that names a key
//! and none whose flags vary with the arguments; the command's own key
//! finder (`getkeys_proc`, the table's `find`) when the specs cannot say
//! (SORT's `unknown` ones, MIGRATE's `incomplete` one, a `numkeys` that
//! does not parse) or when flags vary (SET … GET, BITFIELD … SET).

use super::{entry, BeginSearch, FindKeys, KeySpec};
use crate::command::table::CommandSpec;
use crate::resp::parse_i64;

/// A key's position in the arguments and its flag words (`RO access`…).
pub type KeyRef = (usize, &'static str);

/// Whether `cmd` has keys at all (`doesCommandHaveKeys`): a key finder, or
/// a key spec that is not `not_key`.
pub fn has_keys(container: Option<&CommandSpec>, cmd: &CommandSpec) -> bool {
    native_finder(container, cmd) || specs(container, cmd).iter().any(|s| !s.has("not_key"))
}

/// The keys of `args` (the command's name first) with their flags; empty
/// when the arguments give none.
pub fn keys_and_flags(
    container: Option<&CommandSpec>,
    cmd: &CommandSpec,
    args: &[Vec<u8>],
) -> Vec<KeyRef> {
    let specs = specs(container, cmd);
    let has_keyspec = specs.iter().any(|s| !s.has("not_key"));
    let varflags = specs.iter().any(|s| s.has("variable_flags"));
    if has_keyspec && !varflags {
        if let Some(keys) = from_specs(specs, args) {
            return keys;
        }
    }
    from_finder(container, cmd, args)
}

fn specs(container: Option<&CommandSpec>, cmd: &CommandSpec) -> &'static [KeySpec] {
    let full = super::reply::fullname(container, cmd);
    entry(&full).map_or(&[][..], |e| &e.key_specs[..])
}

/// Whether the command has a `getkeys_proc`: the table's movable-key
/// finders, and SET's and BITFIELD's, whose keys are fixed but flags vary.
fn native_finder(container: Option<&CommandSpec>, cmd: &CommandSpec) -> bool {
    container.is_none() && (cmd.keys.find.is_some() || matches!(cmd.name, "set" | "bitfield"))
}

/// `getKeysUsingKeySpecs`: `None` for an invalid or incomplete spec (the
/// caller then asks the command's finder).
fn from_specs(specs: &'static [KeySpec], args: &[Vec<u8>]) -> Option<Vec<KeyRef>> {
    let argc = args.len() as i64;
    let mut keys = Vec::new();
    for spec in specs.iter().filter(|s| !s.has("not_key")) {
        let mut first = match spec.begin {
            BeginSearch::Index(pos) => pos,
            BeginSearch::Keyword { keyword, startfrom } => {
                match keyword_position(args, keyword, startfrom) {
                    Some(i) => i + 1,
                    None => continue,
                }
            }
            BeginSearch::Unknown => return None,
        };
        let (last, step) = match spec.find {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => {
                let last = if lastkey >= 0 {
                    first + lastkey
                } else if limit == 0 {
                    argc + lastkey
                } else {
                    first + ((argc - first) / limit + lastkey)
                };
                (last, keystep)
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                if keynumidx >= argc {
                    return None;
                }
                let numkeys = args
                    .get((first + keynumidx) as usize)
                    .and_then(|a| parse_i64(a))
                    .filter(|n| *n >= 0)?;
                first += firstkey;
                (first + numkeys - 1, keystep)
            }
            FindKeys::Unknown => return None,
        };
        if last >= argc || last < first || first >= argc {
            return None;
        }
        let mut i = first;
        while i <= last {
            keys.push((i as usize, spec.flags));
            i += step.max(1);
        }
        if spec.has("incomplete") {
            return None;
        }
    }
    Some(keys)
}

/// Where `keyword` is, searched from `startfrom` (negative: from the end,
/// backwards), never at the far end itself, as Redis's loop stops there.
fn keyword_position(args: &[Vec<u8>], keyword: &str, startfrom: i64) -> Option<i64> {
    let argc = args.len() as i64;
    let (start, end) = if startfrom > 0 {
        (startfrom, argc - 1)
    } else {
        (argc + startfrom, 1)
    };
    let mut i = start;
    while i != end {
        if i >= argc || i < 1 {
            return None;
        }
        if args[i as usize].eq_ignore_ascii_case(keyword.as_bytes()) {
            return Some(i);
        }
        i += if start <= end { 1 } else { -1 };
    }
    None
}

/// The command's `getkeys_proc`, with the flags each sets (none for most:
/// only those whose specs cannot say set them).
fn from_finder(
    container: Option<&CommandSpec>,
    cmd: &CommandSpec,
    args: &[Vec<u8>],
) -> Vec<KeyRef> {
    if container.is_some() {
        return Vec::new();
    }
    match cmd.name {
        "set" => {
            let get = args.iter().skip(3).any(|a| a.eq_ignore_ascii_case(b"get"));
            vec![(1, if get { "RW access update" } else { "OW update" })]
        }
        "bitfield" => vec![(1, bitfield_flags(args))],
        // `genericGetKeys(store, count, first, 1)`: (store at, count at,
        // first key at), per the command's JSON `get_keys_function`.
        "sintercard" | "zunion" | "zinter" | "zdiff" | "zintercard" | "lmpop" | "zmpop" => {
            generic(args, 0, 1, 2)
        }
        "zunionstore" | "zinterstore" | "zdiffstore" => generic(args, 1, 2, 3),
        "eval" | "eval_ro" | "evalsha" | "evalsha_ro" | "fcall" | "fcall_ro" | "blmpop"
        | "bzmpop" => generic(args, 0, 2, 3),
        _ => {
            let Some(find) = cmd.keys.find else {
                return Vec::new();
            };
            let flags = |n: usize| match cmd.name {
                "sort" if n == 0 => "RO access",
                "sort" => "OW update",
                "sort_ro" => "RO access",
                "migrate" => "RW access delete",
                _ => "",
            };
            find(args)
                .into_iter()
                .enumerate()
                .map(|(n, i)| (i, flags(n)))
                .collect()
        }
    }
}

/// `genericGetKeys`: the count read with C's `atoi` (where the key spec's
/// `string2ll` refused it: `2abc` counts 2), `count` keys from `first`,
/// then the destination at `store` (0: none), all without flags.
fn generic(args: &[Vec<u8>], store: usize, count: usize, first: usize) -> Vec<KeyRef> {
    let num = atoi(args.get(count).map_or(&[][..], |a| a));
    if num < 1 || num > (args.len() as i64 - first as i64) {
        return Vec::new();
    }
    let keys = (first..first + num as usize).chain((store > 0).then_some(store));
    keys.map(|i| (i, "")).collect()
}

/// C's `atoi`: leading white space, a sign, then as many digits as there
/// are (none: 0).
fn atoi(text: &[u8]) -> i64 {
    let text = text.trim_ascii_start();
    let (neg, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    let n = digits
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .fold(0i64, |n, c| {
            n.saturating_mul(10).saturating_add((c - b'0') as i64)
        });
    if neg {
        -n
    } else {
        n
    }
}

/// `bitfieldGetKeys`: read-only when every operation is a GET.
fn bitfield_flags(args: &[Vec<u8>]) -> &'static str {
    let mut i = 2;
    while i < args.len() {
        let remaining = args.len() - i - 1;
        let a = &args[i];
        if a.eq_ignore_ascii_case(b"get") && remaining >= 2 {
            i += 3;
        } else if a.eq_ignore_ascii_case(b"overflow") && remaining >= 1 {
            i += 2;
        } else {
            return "RW access update";
        }
    }
    "RO access"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::table::lookup;

    fn keys(args: &[&str]) -> Vec<KeyRef> {
        let args: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        keys_and_flags(None, lookup(&args[0]).unwrap(), &args)
    }

    /// The specs answer when they can (GET, XREAD's STREAMS keyword, never
    /// found at the far end); SET's and SORT's finders when they cannot;
    /// a `numkeys` of 0 gives none.
    #[test]
    fn specs_first_then_the_finder() {
        assert_eq!(keys(&["get", "k"]), vec![(1, "RO access")]);
        assert_eq!(
            keys(&["xread", "STREAMS", "a", "b", "0", "0"]),
            vec![(2, "RO access"), (3, "RO access")]
        );
        assert!(keys(&["xread", "COUNT", "STREAMS"]).is_empty());
        assert_eq!(
            keys(&["set", "k", "v", "GET"]),
            vec![(1, "RW access update")]
        );
        assert_eq!(keys(&["set", "k", "v"]), vec![(1, "OW update")]);
        assert_eq!(
            keys(&["sort", "k", "STORE", "d"]),
            vec![(1, "RO access"), (3, "OW update")]
        );
        assert!(keys(&["eval", "return 1", "0"]).is_empty());
        // `numkeys` 2abc: string2ll refuses it, atoi reads 2; the
        // destination comes last.
        assert_eq!(
            keys(&["zunionstore", "d", "2abc", "a", "b"]),
            vec![(3, ""), (4, ""), (1, "")]
        );
    }
}
