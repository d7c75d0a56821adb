//! `cjson.decode` (`json_decode`): JSON text to Lua values. The text ends
//! at its first NUL byte, as the C string it is there; `null` becomes
//! `cjson.null`; numbers go through strtod, so with `decode_invalid_numbers`
//! (on by default) `0x10`, `inf` and `nan` read as numbers too.

use super::super::number::strtod;
use super::CjsonSettings as Config;
use mlua::{Lua, Table, Value};

/// A token and where it starts (`json_token_t`).
enum Token {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    Str(Vec<u8>),
    Number(f64),
    Boolean(bool),
    Null,
    Colon,
    Comma,
    End,
    /// What was wrong, as the error message names it.
    Error(&'static str),
}

impl Token {
    /// `json_token_type_name`, or the error's own text.
    fn name(&self) -> &'static str {
        match self {
            Token::ObjBegin => "T_OBJ_BEGIN",
            Token::ObjEnd => "T_OBJ_END",
            Token::ArrBegin => "T_ARR_BEGIN",
            Token::ArrEnd => "T_ARR_END",
            Token::Str(_) => "T_STRING",
            Token::Number(_) => "T_NUMBER",
            Token::Boolean(_) => "T_BOOLEAN",
            Token::Null => "T_NULL",
            Token::Colon => "T_COLON",
            Token::Comma => "T_COMMA",
            Token::End => "T_END",
            Token::Error(what) => what,
        }
    }
}

struct Parser<'a> {
    lua: &'a Lua,
    cfg: &'a Config,
    data: &'a [u8],
    pos: usize,
    depth: i64,
}

pub(super) fn decode(lua: &Lua, text: &[u8], cfg: &Config) -> Result<Value, String> {
    if text.len() >= 2 && (text[0] == 0 || text[1] == 0) {
        return Err("JSON parser does not support UTF-16 or UTF-32".into());
    }
    let mut p = Parser {
        lua,
        cfg,
        data: text,
        pos: 0,
        depth: 0,
    };
    let first = p.next_token();
    let value = p.value(first)?;
    match p.next_token() {
        (Token::End, _) => Ok(value),
        other => Err(expected("the end", &other)),
    }
}

/// `json_throw_parse_error`.
fn expected(what: &str, (token, index): &(Token, usize)) -> String {
    format!(
        "Expected {what} but found {} at character {}",
        token.name(),
        index + 1
    )
}

impl Parser<'_> {
    /// The byte at `i`; 0 past the end (the C string's terminator).
    fn byte(&self, i: usize) -> u8 {
        self.data.get(i).copied().unwrap_or(0)
    }

    fn rest(&self) -> &[u8] {
        let rest = &self.data[self.pos.min(self.data.len())..];
        let end = rest.iter().position(|c| *c == 0).unwrap_or(rest.len());
        &rest[..end]
    }

    /// `json_next_token`.
    fn next_token(&mut self) -> (Token, usize) {
        while matches!(self.byte(self.pos), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let start = self.pos;
        let simple = match self.byte(start) {
            b'{' => Some(Token::ObjBegin),
            b'}' => Some(Token::ObjEnd),
            b'[' => Some(Token::ArrBegin),
            b']' => Some(Token::ArrEnd),
            b',' => Some(Token::Comma),
            b':' => Some(Token::Colon),
            0 => return (Token::End, start),
            _ => None,
        };
        if let Some(token) = simple {
            self.pos += 1;
            return (token, start);
        }
        let c = self.byte(start);
        if !matches!(
            c,
            b'f' | b'i' | b'I' | b'n' | b'N' | b't' | b'"' | b'+' | b'-' | b'0'..=b'9'
        ) {
            return (Token::Error("invalid token"), start);
        }
        if c == b'"' {
            return self.string();
        }
        if c == b'-' || c.is_ascii_digit() {
            if !self.cfg.decode_invalid_numbers && self.invalid_number() {
                return (Token::Error("invalid number"), start);
            }
            return self.number();
        }
        for (word, token) in [
            (&b"true"[..], Token::Boolean(true)),
            (b"false", Token::Boolean(false)),
            (b"null", Token::Null),
        ] {
            if self.rest().starts_with(word) {
                self.pos += word.len();
                return (token, start);
            }
        }
        if self.cfg.decode_invalid_numbers && self.invalid_number() {
            return self.number();
        }
        (Token::Error("invalid token"), start)
    }

    /// `json_is_invalid_number`: what strict JSON refuses but strtod reads
    /// (a plus sign, hexadecimal, leading zeros, inf, nan).
    fn invalid_number(&self) -> bool {
        let mut p = self.pos;
        match self.byte(p) {
            b'+' => return true,
            b'-' => p += 1,
            _ => {}
        }
        let c = self.byte(p);
        if c == b'0' {
            let next = self.byte(p + 1);
            return (next | 0x20) == b'x' || next.is_ascii_digit();
        }
        if c <= b'9' {
            return false;
        }
        let word = &self.data[p.min(self.data.len())..];
        word.len() >= 3
            && (word[..3].eq_ignore_ascii_case(b"inf") || word[..3].eq_ignore_ascii_case(b"nan"))
    }

    fn number(&mut self) -> (Token, usize) {
        let start = self.pos;
        let (value, len) = strtod(self.rest());
        if len == 0 {
            return (Token::Error("invalid number"), start);
        }
        self.pos += len;
        (Token::Number(value), start)
    }

    /// `json_next_string_token`: errors point at the offending backslash.
    fn string(&mut self) -> (Token, usize) {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let c = self.byte(self.pos);
            match c {
                b'"' => break,
                0 => return (Token::Error("unexpected end of string"), self.pos),
                b'\\' => {
                    let unescaped = match self.byte(self.pos + 1) {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => b'\x08',
                        b't' => b'\t',
                        b'n' => b'\n',
                        b'f' => b'\x0c',
                        b'r' => b'\r',
                        b'u' => {
                            if self.unicode_escape(&mut out) {
                                continue;
                            }
                            return (Token::Error("invalid unicode escape code"), self.pos);
                        }
                        _ => return (Token::Error("invalid escape code"), self.pos),
                    };
                    out.push(unescaped);
                    self.pos += 2;
                }
                _ => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
        self.pos += 1;
        (Token::Str(out), start)
    }

    /// `decode_hex4` at `at`.
    fn hex4(&self, at: usize) -> Option<u32> {
        (0..4).try_fold(0u32, |acc, i| {
            Some(acc << 4 | (self.byte(at + i) as char).to_digit(16)?)
        })
    }

    /// `json_append_unicode_escape`: `\uXXXX`, or a surrogate pair, as UTF-8.
    fn unicode_escape(&mut self, out: &mut Vec<u8>) -> bool {
        let Some(mut code) = self.hex4(self.pos + 2) else {
            return false;
        };
        let mut len = 6;
        if code & 0xF800 == 0xD800 {
            if code & 0x400 != 0
                || self.byte(self.pos + 6) != b'\\'
                || self.byte(self.pos + 7) != b'u'
            {
                return false;
            }
            let Some(low) = self.hex4(self.pos + 8) else {
                return false;
            };
            if low & 0xFC00 != 0xDC00 {
                return false;
            }
            code = (((code & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            len = 12;
        }
        utf8(code, out);
        self.pos += len;
        true
    }

    /// `json_process_value`.
    fn value(&mut self, token: (Token, usize)) -> Result<Value, String> {
        let lua = self.lua;
        let fail = |e: mlua::Error| super::super::lua_failure(e);
        Ok(match token.0 {
            Token::Str(s) => Value::String(lua.create_string(s).map_err(fail)?),
            Token::Number(n) => Value::Number(n),
            Token::Boolean(b) => Value::Boolean(b),
            Token::Null => Value::LightUserData(mlua::LightUserData(std::ptr::null_mut())),
            Token::ObjBegin => Value::Table(self.object()?),
            Token::ArrBegin => Value::Table(self.array()?),
            _ => return Err(expected("value", &token)),
        })
    }

    /// `json_decode_descend`.
    fn descend(&mut self) -> Result<Table, String> {
        self.depth += 1;
        if self.depth > i64::from(self.cfg.decode_max_depth) {
            return Err(format!(
                "Found too many nested data structures ({}) at character {}",
                self.depth, self.pos
            ));
        }
        self.lua.create_table().map_err(super::super::lua_failure)
    }

    fn object(&mut self) -> Result<Table, String> {
        let t = self.descend()?;
        let mut token = self.next_token();
        if matches!(token.0, Token::ObjEnd) {
            self.depth -= 1;
            return Ok(t);
        }
        loop {
            let Token::Str(key) = &token.0 else {
                return Err(expected("object key string", &token));
            };
            let key = self
                .lua
                .create_string(key)
                .map_err(super::super::lua_failure)?;
            let colon = self.next_token();
            if !matches!(colon.0, Token::Colon) {
                return Err(expected("colon", &colon));
            }
            let next = self.next_token();
            let value = self.value(next)?;
            t.raw_set(key, value).map_err(super::super::lua_failure)?;
            token = self.next_token();
            match token.0 {
                Token::ObjEnd => {
                    self.depth -= 1;
                    return Ok(t);
                }
                Token::Comma => token = self.next_token(),
                _ => return Err(expected("comma or object end", &token)),
            }
        }
    }

    fn array(&mut self) -> Result<Table, String> {
        let t = self.descend()?;
        let mut token = self.next_token();
        if matches!(token.0, Token::ArrEnd) {
            self.depth -= 1;
            return Ok(t);
        }
        for i in 1.. {
            let value = self.value(token)?;
            t.raw_set(i, value).map_err(super::super::lua_failure)?;
            token = self.next_token();
            match token.0 {
                Token::ArrEnd => break,
                Token::Comma => token = self.next_token(),
                _ => return Err(expected("comma or array end", &token)),
            }
        }
        self.depth -= 1;
        Ok(t)
    }
}

/// `codepoint_to_utf8` (code points up to 0x10FFFF arrive here).
fn utf8(code: u32, out: &mut Vec<u8>) {
    match code {
        0..=0x7F => out.push(code as u8),
        0x80..=0x7FF => {
            out.extend_from_slice(&[0xC0 | (code >> 6) as u8, 0x80 | (code & 0x3F) as u8])
        }
        0x800..=0xFFFF => out.extend_from_slice(&[
            0xE0 | (code >> 12) as u8,
            0x80 | ((code >> 6) & 0x3F) as u8,
            0x80 | (code & 0x3F) as u8,
        ]),
        _ => out.extend_from_slice(&[
            0xF0 | (code >> 18) as u8,
            0x80 | ((code >> 12) & 0x3F) as u8,
            0x80 | ((code >> 6) & 0x3F) as u8,
            0x80 | (code & 0x3F) as u8,
        ]),
    }
}
