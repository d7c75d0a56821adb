//! `cjson.encode` (`json_append_data`): Lua values to JSON text, tables as
//! arrays when every key is a positive integer and the array is not too
//! sparse, objects otherwise, in the table's own traversal order.

use super::super::args::type_name;
use super::super::number::format_g;
use super::CjsonSettings as Config;
use mlua::{Table, Value};

pub(super) fn encode(value: &Value, cfg: &Config) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    append(&mut out, value, cfg, 0)?;
    Ok(out)
}

fn append(out: &mut Vec<u8>, value: &Value, cfg: &Config, depth: i64) -> Result<(), String> {
    match value {
        Value::String(s) => append_string(out, &s.as_bytes()),
        Value::Integer(n) => append_number(out, *n as f64, cfg)?,
        Value::Number(n) => append_number(out, *n, cfg)?,
        Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Table(t) => {
            let depth = depth + 1;
            if depth > i64::from(cfg.encode_max_depth) {
                return Err(format!("Cannot serialise, excessive nesting ({depth})"));
            }
            match array_length(t, cfg)? {
                Some(len) if len > 0 => append_array(out, t, len, cfg, depth)?,
                _ => append_object(out, t, cfg, depth)?,
            }
        }
        Value::Nil => out.extend_from_slice(b"null"),
        Value::LightUserData(ud) if ud.0.is_null() => out.extend_from_slice(b"null"),
        other => return Err(unsupported(other, "type not supported")),
    }
    Ok(())
}

/// `json_encode_exception`.
fn unsupported(value: &Value, reason: &str) -> String {
    format!("Cannot serialise {}: {reason}", type_name(value))
}

/// `json_append_string`: quotes, backslashes, `/`, control characters and
/// DEL escaped; every other byte as it is.
fn append_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' => out.extend_from_slice(b"\\/"),
            b'\x08' => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\x0c' => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0..=0x1f | 0x7f => out.extend_from_slice(format!("\\u{c:04x}").as_bytes()),
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// `json_append_number`, as `encode_invalid_numbers` says for NaN and Inf.
fn append_number(out: &mut Vec<u8>, n: f64, cfg: &Config) -> Result<(), String> {
    let invalid = n.is_nan() || n.is_infinite();
    match cfg.encode_invalid_numbers {
        0 if invalid => return Err(unsupported(&Value::Number(n), "must not be NaN or Inf")),
        1 if n.is_nan() => {
            out.extend_from_slice(b"nan");
            return Ok(());
        }
        2 if invalid => {
            out.extend_from_slice(b"null");
            return Ok(());
        }
        _ => {}
    }
    out.extend_from_slice(format_g(n, cfg.precision as usize).as_bytes());
    Ok(())
}

/// `lua_array_length`: `Some(max index)` when every key is an integer ≥ 1,
/// `None` for an object (or a sparse array when `sparse_convert` is on).
fn array_length(t: &Table, cfg: &Config) -> Result<Option<i64>, String> {
    let (mut max, mut items) = (0i64, 0i64);
    for pair in t.pairs::<Value, Value>() {
        let (key, _) = pair.map_err(super::super::lua_failure)?;
        let k = match key {
            Value::Integer(k) => k as f64,
            Value::Number(k) => k,
            _ => return Ok(None),
        };
        if k == 0.0 || k.floor() != k || k < 1.0 {
            return Ok(None);
        }
        max = max.max(k as i64);
        items += 1;
    }
    let ratio = i64::from(cfg.sparse_ratio);
    if ratio > 0 && max > items * ratio && max > i64::from(cfg.sparse_safe) {
        if !cfg.sparse_convert {
            return Err("Cannot serialise table: excessively sparse array".into());
        }
        return Ok(None);
    }
    Ok(Some(max))
}

fn append_array(
    out: &mut Vec<u8>,
    t: &Table,
    len: i64,
    cfg: &Config,
    depth: i64,
) -> Result<(), String> {
    out.push(b'[');
    for i in 1..=len {
        if i > 1 {
            out.push(b',');
        }
        let v: Value = t.raw_get(i).map_err(super::super::lua_failure)?;
        append(out, &v, cfg, depth)?;
    }
    out.push(b']');
    Ok(())
}

fn append_object(out: &mut Vec<u8>, t: &Table, cfg: &Config, depth: i64) -> Result<(), String> {
    out.push(b'{');
    for (i, pair) in t.pairs::<Value, Value>().enumerate() {
        let (key, value) = pair.map_err(super::super::lua_failure)?;
        if i > 0 {
            out.push(b',');
        }
        match &key {
            Value::Integer(_) | Value::Number(_) => {
                out.push(b'"');
                let n = super::super::args::number_of(&key).unwrap_or(0.0);
                append_number(out, n, cfg)?;
                out.extend_from_slice(b"\":");
            }
            Value::String(s) => {
                append_string(out, &s.as_bytes());
                out.push(b':');
            }
            other => return Err(unsupported(other, "table key must be a number or string")),
        }
        append(out, &value, cfg, depth)?;
    }
    out.push(b'}');
    Ok(())
}
