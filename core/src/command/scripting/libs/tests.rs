//! The libraries' decoders take whatever bytes a script hands them: they
//! return a value or raise a Lua error, never panic; and what they encode
//! decodes back (lua_cjson.c, lua_cmsgpack.c, lua_struct.c).

use mlua::{Function, Lua, MultiValue};
use proptest::prelude::*;

fn state() -> Lua {
    let lua = Lua::new();
    super::open(&lua).expect("the libraries open");
    lua
}

/// `f` called through Lua's pcall: `(ok, first result or message)`.
fn pcall(lua: &Lua, code: &str, args: MultiValue) -> (bool, String) {
    let f: Function = lua.load(code).eval().expect("the probe compiles");
    let out: MultiValue = lua
        .globals()
        .get::<Function>("pcall")
        .and_then(|p| p.call((f, args)))
        .expect("pcall returns");
    let ok = matches!(out.front(), Some(mlua::Value::Boolean(true)));
    let first = out.get(1).map(|v| format!("{v:?}")).unwrap_or_default();
    (ok, first)
}

fn bytes(lua: &Lua, b: &[u8]) -> mlua::Value {
    mlua::Value::String(lua.create_string(b).expect("a string"))
}

proptest! {
    /// cjson.decode on any text: a value or "Expected …"-style error.
    #[test]
    fn cjson_decode_never_panics(text in proptest::collection::vec(any::<u8>(), 0..64)) {
        let lua = state();
        let (ok, msg) = pcall(&lua, "return cjson.decode", MultiValue::from_iter([bytes(&lua, &text)]));
        prop_assert!(ok || !msg.is_empty());
    }

    /// JSON-looking text, to reach deeper parser states than random bytes.
    #[test]
    fn cjson_decode_of_json_like_text_never_panics(text in r#"[\[\]{}",:0-9a-z\\ .eE+-]{0,40}"#) {
        let lua = state();
        let (ok, msg) = pcall(&lua, "return cjson.decode", MultiValue::from_iter([bytes(&lua, text.as_bytes())]));
        prop_assert!(ok || !msg.is_empty());
    }

    /// cmsgpack.unpack on any bytes.
    #[test]
    fn cmsgpack_unpack_never_panics(data in proptest::collection::vec(any::<u8>(), 0..64)) {
        let lua = state();
        let (ok, msg) = pcall(&lua, "return cmsgpack.unpack", MultiValue::from_iter([bytes(&lua, &data)]));
        prop_assert!(ok || !msg.is_empty());
    }

    /// struct.unpack and struct.pack with any format.
    #[test]
    fn struct_never_panics(
        fmt in r"[<>!0-9 xbBhHlLTiIfdcs]{0,12}",
        data in proptest::collection::vec(any::<u8>(), 0..48),
        start in -3i64..60,
    ) {
        let lua = state();
        let args = MultiValue::from_iter([
            bytes(&lua, fmt.as_bytes()),
            bytes(&lua, &data),
            mlua::Value::Number(start as f64),
        ]);
        pcall(&lua, "return struct.unpack", args);
        let args = MultiValue::from_iter([
            bytes(&lua, fmt.as_bytes()),
            mlua::Value::Number(start as f64),
            bytes(&lua, &data),
        ]);
        pcall(&lua, "return struct.pack", args);
        pcall(&lua, "return struct.size", MultiValue::from_iter([bytes(&lua, fmt.as_bytes())]));
    }

    /// Integers and strings survive cmsgpack and cjson round trips (cjson
    /// writes 14 significant digits, so its integers keep 14 digits).
    #[test]
    fn round_trips_keep_values(n in -99_999_999_999_999i64..100_000_000_000_000, s in "[a-z/\"\\\\]{0,10}") {
        let lua = state();
        let probe = "return function(n, s) \
            local m = cmsgpack.unpack(cmsgpack.pack({n, s})) \
            local j = cjson.decode(cjson.encode({n, s})) \
            return m[1] == n and m[2] == s and j[1] == n and j[2] == s end";
        let args = MultiValue::from_iter([
            mlua::Value::Number(n as f64),
            bytes(&lua, s.as_bytes()),
        ]);
        let f: Function = lua.load(probe).eval().expect("the probe compiles");
        let same: bool = f.call(args).expect("the round trip runs");
        prop_assert!(same, "{n} {s:?}");
    }
}
