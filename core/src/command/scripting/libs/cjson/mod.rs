//! `cjson` (Lua CJSON 2.1.0 as Redis builds it, lua_cjson.c): `encode`,
//! `decode`, `null`, and the settings functions. The global table's
//! settings belong to the Lua state, so they outlive a script as in Redis
//! (the engine hands them in and out: [`super::set_cjson`]); a table made by
//! `cjson.new()` has settings of its own.

mod decode;
mod encode;

use super::super::store::CjsonSettings;
use super::{add_closure, one, Args, Failure};
use mlua::{Lua, MultiValue, Table, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// Where a cjson table keeps its settings.
#[derive(Clone)]
enum Settings {
    /// The global table: the run's (the Lua state's) settings.
    Run,
    /// A table from `cjson.new()`.
    Own(Rc<RefCell<CjsonSettings>>),
}

impl Settings {
    fn get(&self, lua: &Lua) -> CjsonSettings {
        match self {
            Settings::Run => lua
                .app_data_ref::<CjsonSettings>()
                .map(|s| s.clone())
                .unwrap_or_default(),
            Settings::Own(s) => s.borrow().clone(),
        }
    }

    fn update<R>(&self, lua: &Lua, f: impl FnOnce(&mut CjsonSettings) -> R) -> R {
        match self {
            Settings::Run => {
                let mut s = self.get(lua);
                let out = f(&mut s);
                lua.set_app_data(s);
                out
            }
            Settings::Own(s) => f(&mut s.borrow_mut()),
        }
    }
}

type Setter = fn(&Lua, &Args, &mut CjsonSettings) -> Result<MultiValue, Failure>;

/// The cjson table: the global one (`own` None) or one of `cjson.new()`.
pub(super) fn module(lua: &Lua, own: Option<CjsonSettings>) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    let settings = match own {
        None => Settings::Run,
        Some(s) => Settings::Own(Rc::new(RefCell::new(s))),
    };
    let s = settings.clone();
    add_closure(lua, &t, "encode", move |lua, a| encode(lua, a, &s.get(lua)))?;
    let s = settings.clone();
    add_closure(lua, &t, "decode", move |lua, a| decode(lua, a, &s.get(lua)))?;
    let setters: [(&str, Setter); 7] = [
        ("encode_sparse_array", sparse_array),
        ("encode_max_depth", |_, a, c| {
            at_most(a, 1)?;
            integer_setting(a, 1, &mut c.encode_max_depth, 1, i32::MAX)
        }),
        ("decode_max_depth", |_, a, c| {
            at_most(a, 1)?;
            integer_setting(a, 1, &mut c.decode_max_depth, 1, i32::MAX)
        }),
        ("encode_number_precision", |_, a, c| {
            at_most(a, 1)?;
            integer_setting(a, 1, &mut c.precision, 1, 14)
        }),
        ("encode_keep_buffer", |lua, a, c| {
            at_most(a, 1)?;
            bool_setting(lua, a, 1, &mut c.keep_buffer)
        }),
        ("encode_invalid_numbers", |lua, a, c| {
            at_most(a, 1)?;
            enum_setting(
                lua,
                a,
                1,
                &mut c.encode_invalid_numbers,
                &["off", "on", "null"],
            )
        }),
        ("decode_invalid_numbers", |lua, a, c| {
            at_most(a, 1)?;
            bool_setting(lua, a, 1, &mut c.decode_invalid_numbers)
        }),
    ];
    for (name, setter) in setters {
        let s = settings.clone();
        add_closure(lua, &t, name, move |lua, a| {
            // Changed in place, as lua_cjson.c does: a refused third
            // argument leaves the first one set.
            s.update(lua, |c| setter(lua, a, c))
        })?;
    }
    add_closure(lua, &t, "new", |lua, _| {
        let fresh = module(lua, Some(CjsonSettings::default()))
            .map_err(|e| Failure::from(super::lua_failure(e)))?;
        one(Value::Table(fresh))
    })?;
    let null = mlua::LightUserData(std::ptr::null_mut());
    t.raw_set("null", Value::LightUserData(null))?;
    t.raw_set("_NAME", "cjson")?;
    t.raw_set("_VERSION", "2.1.0")?;
    Ok(t)
}

/// `json_arg_init`: at most `max` arguments.
fn at_most(a: &Args, max: usize) -> Result<(), String> {
    if a.len() > max {
        return Err(a.arg_error(max + 1, "found too many arguments"));
    }
    Ok(())
}

fn encode(lua: &Lua, a: &Args, cfg: &CjsonSettings) -> Result<MultiValue, Failure> {
    if a.len() != 1 {
        return Err(a.arg_error(1, "expected 1 argument").into());
    }
    let value = a.get(1).cloned().unwrap_or(Value::Nil);
    let text = encode::encode(&value, cfg)?;
    one(super::string(lua, &text)?)
}

fn decode(lua: &Lua, a: &Args, cfg: &CjsonSettings) -> Result<MultiValue, Failure> {
    if a.len() != 1 {
        return Err(a.arg_error(1, "expected 1 argument").into());
    }
    let text = a.check_bytes(1)?;
    one(decode::decode(lua, &text, cfg)?)
}

/// `encode_sparse_array([convert[, ratio[, safe]]])`.
fn sparse_array(lua: &Lua, a: &Args, c: &mut CjsonSettings) -> Result<MultiValue, Failure> {
    at_most(a, 3)?;
    let mut out = bool_setting(lua, a, 1, &mut c.sparse_convert)?;
    out.extend(integer_setting(a, 2, &mut c.sparse_ratio, 0, i32::MAX)?);
    out.extend(integer_setting(a, 3, &mut c.sparse_safe, 0, i32::MAX)?);
    Ok(out)
}

/// `json_integer_option`: sets an integer in `[min, max]` when given (the
/// range error always names argument 1, as lua_cjson.c does), and returns it.
fn integer_setting(
    a: &Args,
    i: usize,
    setting: &mut i32,
    min: i32,
    max: i32,
) -> Result<MultiValue, Failure> {
    if !a.is_none_or_nil(i) {
        let value = a.check_integer(i)? as i32;
        if !(min..=max).contains(&value) {
            let msg = format!("expected integer between {min} and {max}");
            return Err(a.arg_error(1, &msg).into());
        }
        *setting = value;
    }
    one(Value::Number(f64::from(*setting)))
}

/// `json_enum_option` for on/off settings.
fn bool_setting(lua: &Lua, a: &Args, i: usize, setting: &mut bool) -> Result<MultiValue, Failure> {
    let mut index = usize::from(*setting);
    let out = enum_setting(lua, a, i, &mut index, &["off", "on"])?;
    *setting = index == 1;
    Ok(out)
}

/// `json_enum_option`: a boolean, or one of `options` by name; the reply
/// is a boolean for off/on and the option's name otherwise.
fn enum_setting(
    lua: &Lua,
    a: &Args,
    i: usize,
    setting: &mut usize,
    options: &[&str],
) -> Result<MultiValue, Failure> {
    match a.get(i) {
        None | Some(Value::Nil) => {}
        Some(Value::Boolean(b)) => *setting = usize::from(*b),
        Some(_) => {
            let name = a.check_bytes(i)?;
            match options.iter().position(|o| o.as_bytes() == name.as_slice()) {
                Some(index) => *setting = index,
                None => {
                    let name = String::from_utf8_lossy(&name);
                    return Err(a.arg_error(i, &format!("invalid option '{name}'")).into());
                }
            }
        }
    }
    if *setting <= 1 {
        one(Value::Boolean(*setting == 1))
    } else {
        one(super::string(lua, options[*setting].as_bytes())?)
    }
}
