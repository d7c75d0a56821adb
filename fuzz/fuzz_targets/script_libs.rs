//! The Lua libraries Redis links in (script_lua.c `luaLoadLibraries`):
//! whatever bytes a script hands cjson.decode, cmsgpack.unpack or
//! struct.unpack (and whatever they decoded, encoded back) end in a value
//! or a Lua error that the script's `pcall` catches, never a panic; the
//! EVAL gets a reply.
//!
//! The first input byte picks the decoder; struct.unpack takes its format
//! from the next 8 bytes.
#![no_main]

use clusterlab_core::node::ClientId;
use libfuzzer_sys::fuzz_target;

#[path = "common/formed.rs"]
mod formed;
use formed::base;

/// Decodes ARGV[2] with the decoder ARGV[1] names, then encodes the result
/// with both encoders.
const SCRIPT: &str = "\
local decoders = {
  cjson.decode,
  cmsgpack.unpack,
  function(d) return struct.unpack(d:sub(1, 8), d:sub(9)) end,
}
local f = decoders[tonumber(ARGV[1]) % 3 + 1]
local ok, value = pcall(f, ARGV[2])
if ok then
  pcall(cjson.encode, value)
  pcall(cmsgpack.pack, value)
end
return tostring(ok)";

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut sim = base().clone();
    let args = vec![
        b"EVAL".to_vec(),
        SCRIPT.as_bytes().to_vec(),
        b"0".to_vec(),
        pick.to_string().into_bytes(),
        rest.to_vec(),
    ];
    let reply = sim.command(0, ClientId(1), args);
    assert!(reply.is_some(), "EVAL answers at once");
});
