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
    /// What Redis's Lua states keep from one script to the next.
    #[cfg(feature = "lua")]
    pub lua: LuaPersisted,
}

/// What outlives a script in Redis's Lua states (plain data, so the node
/// stays `Clone`; the engine hands it to each run and keeps what it leaves).
#[cfg(feature = "lua")]
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LuaPersisted {
    /// The `cjson` settings EVAL scripts see: Redis keeps them in its Lua
    /// state, so a script's `cjson.encode_max_depth(…)` lasts until SCRIPT
    /// FLUSH makes a new state.
    pub eval_cjson: CjsonSettings,
    /// The same for functions, whose Lua state is another one.
    pub function_cjson: CjsonSettings,
    /// `math.random`'s generator: one per process (rand.c), shared by EVAL
    /// and functions, and kept by SCRIPT FLUSH.
    pub random: super::libs::random::Lrand48,
}

/// A `cjson` table's settings (lua_cjson.c's `json_config_t`), with the
/// defaults Redis builds it with.
#[cfg(feature = "lua")]
#[derive(Clone, Debug, PartialEq)]
pub struct CjsonSettings {
    /// `encode_sparse_array`'s convert flag.
    pub sparse_convert: bool,
    /// `encode_sparse_array`'s ratio.
    pub sparse_ratio: i32,
    /// `encode_sparse_array`'s safe size.
    pub sparse_safe: i32,
    /// `encode_max_depth`.
    pub encode_max_depth: i32,
    /// `decode_max_depth`.
    pub decode_max_depth: i32,
    /// `encode_invalid_numbers`: 0 "off", 1 "on", 2 "null".
    pub encode_invalid_numbers: usize,
    /// `decode_invalid_numbers`.
    pub decode_invalid_numbers: bool,
    /// `encode_keep_buffer` (a buffer reuse switch there; only reported).
    pub keep_buffer: bool,
    /// `encode_number_precision`.
    pub precision: i32,
}

#[cfg(feature = "lua")]
impl Default for CjsonSettings {
    fn default() -> Self {
        CjsonSettings {
            sparse_convert: false,
            sparse_ratio: 2,
            sparse_safe: 10,
            encode_max_depth: 1000,
            decode_max_depth: 1000,
            encode_invalid_numbers: 0,
            decode_invalid_numbers: true,
            keep_buffer: true,
            precision: 14,
        }
    }
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
