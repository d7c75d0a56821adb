//! The ACL file (`aclfile`): its text as ACL SAVE writes it
//! (`ACLSaveToFile`: one `user <name> <rules>` line per user, by name) and
//! as ACL LOAD reads it (`ACLLoadFromFile`: every line checked, all or
//! nothing, errors worded as Redis words them).

use super::rules::{merge_selectors, set_user, RuleError};
use super::user::{has_spaces, User};
use super::Acl;
use std::collections::BTreeMap;

/// ACL SAVE's file content.
pub fn save_text(acl: &Acl) -> Vec<u8> {
    let mut out = Vec::new();
    for line in acl.lines() {
        out.extend(line);
        out.push(b'\n');
    }
    out
}

fn trim(s: &[u8], set: &[u8]) -> Vec<u8> {
    let start = s.iter().position(|c| !set.contains(c)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|c| !set.contains(c))
        .map_or(start, |e| e + 1);
    s[start..end.max(start)].to_vec()
}

/// `ACLLoadFromFile` on the file's bytes (`filename` as configured, for
/// the messages): the users it defines (a default user added when it has
/// none), or the error line ACL LOAD answers.
pub fn load(
    text: &[u8],
    filename: &str,
    allchannels: bool,
) -> Result<BTreeMap<Vec<u8>, User>, String> {
    let mut users: BTreeMap<Vec<u8>, User> = BTreeMap::new();
    let mut errors = String::new();
    for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
        let linenum = i + 1;
        let line = trim(raw, b" \t\r\n");
        if line.is_empty() {
            continue;
        }
        let argv: Vec<Vec<u8>> = line.split(|&b| b == b' ').map(<[u8]>::to_vec).collect();
        if argv[0] != b"user" || argv.len() < 2 {
            errors.push_str(&format!(
                "{filename}:{linenum} should start with user keyword followed by the username. "
            ));
            continue;
        }
        let name = &argv[1];
        if has_spaces(name) {
            errors.push_str(&format!(
                "'{filename}:{linenum}: username '{}' contains invalid characters. ",
                String::from_utf8_lossy(name)
            ));
            continue;
        }
        if users.contains_key(name) {
            errors.push_str(&format!(
                "WARNING: Duplicate user '{}' found on line {linenum}. ",
                String::from_utf8_lossy(name)
            ));
            continue;
        }
        let mut u = User::new(name, allchannels);
        let merged = match merge_selectors(&argv[2..]) {
            Ok(m) => m,
            Err(_) => {
                errors.push_str(&format!(
                    "{filename}:{linenum}: Unmatched parenthesis in selector definition."
                ));
                Vec::new()
            }
        };
        let mut syntax_error = false;
        for op in merged {
            let op = trim(&op, b"\t\r\n");
            if let Err(e) = set_user(&mut u, &op, allchannels) {
                if e == RuleError::UnknownCommand {
                    errors.push_str(&format!(
                        "{filename}:{linenum}: Error in applying operation '{}': {}. ",
                        String::from_utf8_lossy(&op),
                        e.message()
                    ));
                } else if !syntax_error {
                    errors.push_str(&format!("{filename}:{linenum}: {}. ", e.message()));
                    syntax_error = true;
                }
            }
        }
        users.insert(name.clone(), u);
    }
    if errors.is_empty() {
        Ok(users)
    } else {
        errors.push_str(
            "WARNING: ACL errors detected, no change to the previously active ACL rules was performed",
        );
        Err(errors)
    }
}
