//! MODULE (module.c `moduleCommand`) on a server that cannot load modules:
//! LIST is empty, LOAD and LOADEX fail as a failed `moduleLoad` does,
//! UNLOAD finds no such module. LOAD, LOADEX and UNLOAD are protected
//! commands, refused before they run unless `enable-module-command`
//! allows them (7.0's default is `no`).

use super::Call;
use crate::resp::Value;

/// `MODULE LIST`: no module is ever loaded.
pub fn list(_: &mut Call) -> Value {
    Value::Array(Vec::new())
}

/// `MODULE LOAD path [arg…]` and `MODULE LOADEX path [CONFIG n v…] [ARGS…]`:
/// the reply of a `moduleLoad` that failed (the reason goes to Redis's log).
pub fn load(_: &mut Call) -> Value {
    Value::err("ERR Error loading the extension. Please check the server logs.")
}

/// `MODULE UNLOAD name`: `moduleUnload` with `errno` ENOENT.
pub fn unload(_: &mut Call) -> Value {
    Value::err("ERR Error unloading module: no such module with that name")
}

/// `MODULE HELP`.
pub fn help(_: &mut Call) -> Value {
    const LINES: &[&str] = &[
        "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LIST",
        "    Return a list of loaded modules.",
        "LOAD <path> [<arg> ...]",
        "    Load a module library from <path>, passing to it any optional arguments.",
        "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
        "    Load a module library from <path>, while passing it module configurations and optional arguments.",
        "UNLOAD <name>",
        "    Unload a module.",
        "HELP",
        "    Prints this help.",
    ];
    Value::Array(LINES.iter().map(|l| Value::Simple((*l).into())).collect())
}
