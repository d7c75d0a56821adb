//! What a node keeps of scripts: EVAL's script cache (`lctx.lua_scripts`,
//! by SHA1) and FUNCTION's libraries. Plain data, so the node stays
//! `Clone`; the engine compiles from here on each run.

use super::shebang::ScriptFlags;
use std::collections::BTreeMap;

/// One cached EVAL script.
#[derive(Clone, Debug)]
pub struct Cached {
    /// Its flags, read from its shebang once.
    pub flags: ScriptFlags,
    /// The code Lua compiles (shebang line blanked).
    pub code: Vec<u8>,
}

/// One FUNCTION library.
#[derive(Clone, Debug)]
pub struct Library {
    /// The code as loaded, shebang included (FUNCTION LIST WITHCODE).
    pub code: Vec<u8>,
    /// Its functions, in the order they were registered.
    pub functions: Vec<Function>,
}

/// One registered function.
#[derive(Clone, Debug)]
pub struct Function {
    /// FCALL's name for it.
    pub name: String,
    /// Its declared flags.
    pub flags: ScriptFlags,
    /// Its description (FUNCTION LIST).
    pub description: Option<String>,
}

/// A node's scripts and libraries.
#[derive(Clone, Debug, Default)]
pub struct Store {
    /// EVAL/SCRIPT LOAD scripts by lowercase SHA1.
    pub scripts: BTreeMap<String, Cached>,
    /// Libraries by name.
    pub libraries: BTreeMap<String, Library>,
}

impl Store {
    /// The library holding function `name`, and the function.
    pub fn function(&self, name: &str) -> Option<(&Library, &Function)> {
        self.libraries.values().find_map(|lib| {
            lib.functions
                .iter()
                .find(|f| f.name == name)
                .map(|f| (lib, f))
        })
    }
}
