//! ACL rules (acl.c `ACLStringSetUser`, `ACLSetUser`, `ACLSetSelector`):
//! whatever words ACL SETUSER (or an ACL file's line) gives, a user or
//! Redis's error, never a panic; the user's description (`ACLDescribeUser`,
//! what ACL LIST and ACL SAVE write) read back as rules never panics either.
#![no_main]

use clusterlab_core::acl::{describe, rules};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let words: Vec<Vec<u8>> = data
        .split(|&b| b == b' ')
        .take(32)
        .map(<[u8]>::to_vec)
        .collect();
    let Ok(user) = rules::string_set_user(None, b"fuzz", &words, false) else {
        return;
    };
    let text = describe::user(&user);
    let again: Vec<Vec<u8>> = text.split(|&b| b == b' ').map(<[u8]>::to_vec).collect();
    let _ = rules::string_set_user(None, b"fuzz", &again, true);
});
