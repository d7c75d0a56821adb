//! FUNCTION and FCALL (functions.c, function_lua.c): libraries loaded with
//! `#!lua name=<lib>`, whose functions FCALL calls by name.

use super::run;
#[cfg(feature = "lua")]
use super::shebang::ScriptFlags;
use super::store::{Function, Library};
use crate::command::Call;
use crate::resp::Value;

/// `functionExtractLibMetaData`: the library's name from its shebang.
fn library_name(code: &[u8]) -> Result<String, String> {
    if !code.starts_with(b"#!") {
        return Err("Missing library metadata".into());
    }
    let Some(end) = code.iter().position(|&b| b == b'\n') else {
        return Err("Invalid library metadata".into());
    };
    let line = String::from_utf8_lossy(&code[..end]);
    let mut parts = line.split_ascii_whitespace();
    let Some(engine) = parts.next().and_then(|e| e.strip_prefix("#!")) else {
        return Err("Invalid library metadata".into());
    };
    let mut name = None;
    for part in parts {
        match part.strip_prefix("name=") {
            Some(n) if name.is_none() => name = Some(n.to_string()),
            Some(_) => {
                return Err("Invalid metadata value, name argument was given multiple times".into())
            }
            None => return Err(format!("Invalid metadata value given: {part}")),
        }
    }
    let Some(name) = name else {
        return Err("Library name was not given".into());
    };
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long".into());
    }
    if !engine.eq_ignore_ascii_case("lua") {
        return Err(format!("Engine '{engine}' not found"));
    }
    Ok(name)
}

/// FUNCTION LOAD [REPLACE] code.
pub fn function_load(c: &mut Call) -> Value {
    let mut replace = false;
    let last = c.args.len() - 1;
    for arg in &c.args[2..last] {
        if arg.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else {
            return Value::err(format!(
                "ERR Unknown option given: {}",
                String::from_utf8_lossy(arg)
            ));
        }
    }
    if c.args.len() < 3 {
        return Value::err("ERR Function code is missing");
    }
    let code = c.args[last].clone();
    match load(c, &code, replace) {
        Ok(name) => {
            let args = c.args;
            c.server().propagate(args);
            Value::bulk(name)
        }
        Err(msg) => Value::err(format!("ERR {msg}")),
    }
}

/// `functionsCreateWithLibraryCtx`'s checks of one library against
/// `libraries` (FUNCTION LOAD's store, or FUNCTION RESTORE's new set):
/// its name, then (unless `replace`) that it is new, then its functions.
pub(super) fn compile(
    libraries: &std::collections::BTreeMap<String, Library>,
    code: &[u8],
    replace: bool,
) -> Result<(String, Vec<Function>), String> {
    let name = library_name(code)?;
    if libraries.contains_key(&name) && !replace {
        return Err(format!("Library '{name}' already exists"));
    }
    let functions = register(code)?;
    if functions.is_empty() {
        return Err("No functions registered".into());
    }
    Ok((name, functions))
}

fn load(c: &mut Call, code: &[u8], replace: bool) -> Result<String, String> {
    let mut node = c.server();
    let store = node.scripts_mut();
    let (name, functions) = compile(&store.libraries, code, replace)?;
    for f in &functions {
        let taken = store
            .libraries
            .iter()
            .any(|(other, lib)| *other != name && lib.functions.iter().any(|g| g.name == f.name));
        if taken {
            return Err(format!("Function {} already exists", f.name));
        }
    }
    store.libraries.insert(
        name.clone(),
        Library {
            code: code.to_vec(),
            functions,
        },
    );
    Ok(name)
}

#[cfg(feature = "lua")]
fn register(code: &[u8]) -> Result<Vec<Function>, String> {
    let end = code.iter().position(|&b| b == b'\n').unwrap_or(code.len());
    let body = &code[end..];
    let found = super::engine::load_library(body)?;
    found
        .into_iter()
        .map(|r| {
            Ok(Function {
                flags: ScriptFlags::from_names(r.flags.iter().map(String::as_str))
                    .map_err(|_| "unknown flag given".to_string())?,
                name: r.name,
                description: r.description,
            })
        })
        .collect()
}

#[cfg(not(feature = "lua"))]
fn register(_code: &[u8]) -> Result<Vec<Function>, String> {
    Err(run::NOT_AVAILABLE
        .strip_prefix("ERR ")
        .unwrap_or(run::NOT_AVAILABLE)
        .to_string())
}

/// FUNCTION DELETE library-name.
pub fn function_delete(c: &mut Call) -> Value {
    let name = String::from_utf8_lossy(&c.args[2]).to_string();
    if c.server().scripts_mut().libraries.remove(&name).is_none() {
        return Value::err("ERR Library not found");
    }
    let args = c.args;
    c.server().propagate(args);
    Value::ok()
}

/// FUNCTION FLUSH [ASYNC|SYNC].
pub fn function_flush(c: &mut Call) -> Value {
    match c.args.get(2) {
        None => {}
        Some(a)
            if c.args.len() == 3
                && (a.eq_ignore_ascii_case(b"sync") || a.eq_ignore_ascii_case(b"async")) => {}
        Some(_) => return Value::err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"),
    }
    c.server().scripts_mut().libraries.clear();
    let args = c.args;
    c.server().propagate(args);
    Value::ok()
}

/// FUNCTION KILL: as SCRIPT KILL, nothing is ever running meanwhile.
pub fn function_kill(_c: &mut Call) -> Value {
    Value::err("NOTBUSY No scripts in execution right now.")
}

/// FUNCTION STATS: no running script, and the Lua engine's counts.
pub fn function_stats(c: &mut Call) -> Value {
    let mut node = c.server();
    let store = node.scripts_mut();
    let libs = store.libraries.len() as i64;
    let funcs = store
        .libraries
        .values()
        .map(|l| l.functions.len() as i64)
        .sum();
    Value::Map(vec![
        (Value::bulk("running_script"), Value::Null),
        (
            Value::bulk("engines"),
            Value::Map(vec![(
                Value::bulk("LUA"),
                Value::Map(vec![
                    (Value::bulk("libraries_count"), Value::Integer(libs)),
                    (Value::bulk("functions_count"), Value::Integer(funcs)),
                ]),
            )]),
        ),
    ])
}

/// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE].
pub fn function_list(c: &mut Call) -> Value {
    let mut with_code = false;
    let mut pattern: Option<Vec<u8>> = None;
    let mut i = 2;
    while i < c.args.len() {
        let arg = &c.args[i];
        if arg.eq_ignore_ascii_case(b"withcode") && !with_code {
            with_code = true;
        } else if arg.eq_ignore_ascii_case(b"libraryname") && pattern.is_none() {
            let Some(p) = c.args.get(i + 1) else {
                return Value::err("ERR library name argument was not given");
            };
            pattern = Some(p.clone());
            i += 1;
        } else {
            return Value::err(format!(
                "ERR Unknown argument {}",
                String::from_utf8_lossy(arg)
            ));
        }
        i += 1;
    }
    let mut node = c.server();
    let store = node.scripts_mut();
    let libs = store
        .libraries
        .iter()
        .filter(|(name, _)| {
            pattern
                .as_ref()
                .is_none_or(|p| crate::command::glob_match(p, name.as_bytes()))
        })
        .map(|(name, lib)| {
            let functions = lib
                .functions
                .iter()
                .map(|f| {
                    Value::Map(vec![
                        (Value::bulk("name"), Value::bulk(&f.name)),
                        (
                            Value::bulk("description"),
                            f.description.as_ref().map_or(Value::Null, Value::bulk),
                        ),
                        (
                            Value::bulk("flags"),
                            Value::Set(
                                f.flags
                                    .names()
                                    .into_iter()
                                    .map(|n| Value::Simple(n.into()))
                                    .collect(),
                            ),
                        ),
                    ])
                })
                .collect();
            let mut fields = vec![
                (Value::bulk("library_name"), Value::bulk(name)),
                (Value::bulk("engine"), Value::bulk("LUA")),
                (Value::bulk("functions"), Value::Array(functions)),
            ];
            if with_code {
                fields.push((Value::bulk("library_code"), Value::bulk(&lib.code)));
            }
            Value::Map(fields)
        })
        .collect();
    Value::Array(libs)
}

/// FUNCTION HELP.
pub fn function_help(_c: &mut Call) -> Value {
    super::help(
        "FUNCTION",
        &[
            "LOAD [REPLACE] <FUNCTION CODE>",
            "    Create a new library with the given library name and code.",
            "DELETE <LIBRARY NAME>",
            "    Delete the given library.",
            "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
            "    Return general information on all the libraries:",
            "    * Library name",
            "    * The engine used to run the Library",
            "    * Library description",
            "    * Functions list",
            "    * Library code (if WITHCODE is given)",
            "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
            "STATS",
            "    Return information about the current function running:",
            "    * Function name",
            "    * Command used to run the function",
            "    * Duration in MS that the function is running",
            "    If no function is running, return nil",
            "    In addition, returns a list of available engines.",
            "KILL",
            "    Kill the current running function.",
            "FLUSH [ASYNC|SYNC]",
            "    Delete all the libraries.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the libraries.",
            "    * SYNC: Synchronously flush the libraries.",
            "DUMP",
            "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
            "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
            "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
            "    control how to handle existing libraries (default APPEND):",
            "    * FLUSH: delete all existing libraries.",
            "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
            "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
            "      libraries with the new libraries (notice that even on this option there is a chance of failure",
            "      in case of functions name collision with another library).",
        ],
    )
}

/// FCALL function numkeys key… arg…
pub fn fcall(c: &mut Call) -> Value {
    fcall_generic(c, false)
}

/// FCALL_RO: refused for a function without `no-writes`.
pub fn fcall_ro(c: &mut Call) -> Value {
    fcall_generic(c, true)
}

fn fcall_generic(c: &mut Call, ro: bool) -> Value {
    crate::command::monitor_feed::feed_script_call(c);
    let name = String::from_utf8_lossy(&c.args[1]).to_string();
    let mut node = c.server();
    let Some((lib, f)) = node.scripts_mut().function(&name) else {
        return Value::err("ERR Function not found");
    };
    let (code, flags) = (lib.code.clone(), f.flags.clone());
    if crate::resp::parse_i64(&c.args[2]).is_none() {
        return Value::err("ERR Bad number of keys provided");
    }
    let n = match run::numkeys(c.args) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let end = code.iter().position(|&b| b == b'\n').unwrap_or(code.len());
    let args: &[Vec<u8>] = c.args;
    run::start(
        c,
        &flags,
        ro,
        &code[end..],
        Some(&name),
        &args[3..3 + n],
        &args[3 + n..],
        &name,
    )
}
