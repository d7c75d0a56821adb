//! Replies as typed values, encoded in RESP2 or RESP3 the way Redis encodes
//! them (`addReply*` in networking.c), and parsed back on the client side.

use std::fmt::Write;

/// Protocol version a client negotiated (`HELLO 3` switches to RESP3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Protocol {
    /// RESP2, every connection's start.
    #[default]
    Resp2,
    /// RESP3, after `HELLO 3`.
    Resp3,
}

/// A reply value. RESP3-only types degrade to their RESP2 forms when encoded
/// for a RESP2 client, exactly as Redis does.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `+OK`
    Simple(String),
    /// `-ERR …` (the text includes the error code).
    Error(String),
    /// `:42`
    Integer(i64),
    /// `$3\r\nfoo` (binary-safe).
    Bulk(Vec<u8>),
    /// `$-1` in RESP2, `_` in RESP3.
    Null,
    /// `*-1` in RESP2, `_` in RESP3.
    NullArray,
    /// A null as a client of this protocol gets it, whichever protocol
    /// the receiver speaks: tracking.c passes `shared.null[c->resp]` of
    /// the tracking client on to the client it redirects to.
    NullAs(Protocol),
    /// `*2 …`
    Array(Vec<Value>),
    /// RESP3 map; a flat array of key, value… in RESP2.
    Map(Vec<(Value, Value)>),
    /// RESP3 set; an array in RESP2.
    Set(Vec<Value>),
    /// RESP3 double; a bulk string in RESP2.
    Double(f64),
    /// A RESP3 double whose text is already written (`addReplyHumanLongDouble`:
    /// GEOPOS's coordinates, `%.17Lf` trimmed); a bulk string in RESP2.
    DoubleText(String),
    /// RESP3 boolean; `:1`/`:0` in RESP2.
    Boolean(bool),
    /// RESP3 verbatim string (`txt`); a bulk string in RESP2.
    Verbatim(String),
    /// RESP3 big number (`(` and its digits, `addReplyBigNum`); a bulk
    /// string in RESP2. Only scripts return one in 7.0 (`{big_number=…}`).
    BigNumber(String),
    /// RESP3 push (pub/sub messages); an array in RESP2.
    Push(Vec<Value>),
}

impl Value {
    /// `+OK`.
    pub fn ok() -> Value {
        Value::Simple("OK".into())
    }

    /// An error reply; `text` starts with its code (`ERR`, `MOVED`…).
    pub fn err(text: impl Into<String>) -> Value {
        Value::Error(text.into())
    }

    /// A bulk string.
    pub fn bulk(bytes: impl AsRef<[u8]>) -> Value {
        Value::Bulk(bytes.as_ref().to_vec())
    }

    /// Whether this is an error reply.
    pub fn is_error(&self) -> bool {
        matches!(self, Value::Error(_))
    }

    /// Encodes for a client speaking `proto`.
    pub fn encode(&self, proto: Protocol, out: &mut Vec<u8>) {
        let line = |out: &mut Vec<u8>, prefix: char, text: &str| {
            out.push(prefix as u8);
            out.extend_from_slice(text.as_bytes());
            out.extend_from_slice(b"\r\n");
        };
        // `addReplyErrorFormat` maps CR and LF to spaces: a status or error
        // line built from client input must not break the framing.
        let safe_line = |out: &mut Vec<u8>, prefix: char, text: &str| {
            out.push(prefix as u8);
            out.extend(
                text.bytes()
                    .map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
            );
            out.extend_from_slice(b"\r\n");
        };
        let resp3 = proto == Protocol::Resp3;
        match self {
            Value::Simple(s) => safe_line(out, '+', s),
            Value::Error(s) => safe_line(out, '-', s),
            Value::Integer(n) => line(out, ':', &n.to_string()),
            Value::Bulk(b) => {
                line(out, '$', &b.len().to_string());
                out.extend_from_slice(b);
                out.extend_from_slice(b"\r\n");
            }
            Value::Null if resp3 => out.extend_from_slice(b"_\r\n"),
            Value::Null => out.extend_from_slice(b"$-1\r\n"),
            Value::NullArray if resp3 => out.extend_from_slice(b"_\r\n"),
            Value::NullArray => out.extend_from_slice(b"*-1\r\n"),
            Value::NullAs(Protocol::Resp3) => out.extend_from_slice(b"_\r\n"),
            Value::NullAs(Protocol::Resp2) => out.extend_from_slice(b"$-1\r\n"),
            Value::Array(items) => {
                line(out, '*', &items.len().to_string());
                for v in items {
                    v.encode(proto, out);
                }
            }
            Value::Map(pairs) => {
                if resp3 {
                    line(out, '%', &pairs.len().to_string());
                } else {
                    line(out, '*', &(pairs.len() * 2).to_string());
                }
                for (k, v) in pairs {
                    k.encode(proto, out);
                    v.encode(proto, out);
                }
            }
            Value::Set(items) | Value::Push(items) => {
                let prefix = match (resp3, self) {
                    (true, Value::Set(_)) => '~',
                    (true, _) => '>',
                    _ => '*',
                };
                line(out, prefix, &items.len().to_string());
                for v in items {
                    v.encode(proto, out);
                }
            }
            Value::Double(d) => {
                let text = format_double(*d);
                if resp3 {
                    line(out, ',', &text);
                } else {
                    Value::Bulk(text.into_bytes()).encode(proto, out);
                }
            }
            Value::DoubleText(text) if resp3 => line(out, ',', text),
            Value::DoubleText(text) => Value::Bulk(text.as_bytes().to_vec()).encode(proto, out),
            Value::Boolean(b) if resp3 => line(out, '#', if *b { "t" } else { "f" }),
            Value::Boolean(b) => line(out, ':', if *b { "1" } else { "0" }),
            Value::Verbatim(text) if resp3 => {
                line(out, '=', &(text.len() + 4).to_string());
                out.extend_from_slice(b"txt:");
                out.extend_from_slice(text.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            Value::Verbatim(text) => Value::Bulk(text.as_bytes().to_vec()).encode(proto, out),
            Value::BigNumber(digits) if resp3 => safe_line(out, '(', digits),
            Value::BigNumber(digits) => Value::Bulk(digits.as_bytes().to_vec()).encode(proto, out),
        }
    }

    /// The reply's bytes in protocol `proto`.
    pub fn to_bytes(&self, proto: Protocol) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(proto, &mut out);
        out
    }

    /// How redis-cli prints a reply (`cliFormatReplyTTY`), for consoles.
    pub fn to_cli_text(&self) -> String {
        let mut out = String::new();
        cli_format(self, "", &mut out);
        if out.ends_with('\n') {
            out.pop();
        }
        out
    }
}

/// `addReplyDouble`'s text in 7.0: `printf("%.17g")` (17 significant
/// digits, so `1.1` is `1.1000000000000001`), with `inf`/`-inf` spelled
/// out and `nan` for completeness.
pub(crate) fn format_double(d: f64) -> String {
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d.is_nan() {
        return "nan".into();
    }
    // `{:.16e}` rounds to 17 significant digits as printf does; %g then
    // picks fixed or exponent notation by the exponent and drops
    // trailing zeros.
    let sci = format!("{d:.16e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if (-4..17).contains(&exp) {
        trim(&format!("{d:.prec$}", prec = (16 - exp) as usize))
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa), exp.abs())
    }
}

fn cli_format(v: &Value, prefix: &str, out: &mut String) {
    match v {
        Value::Simple(s) => {
            let _ = writeln!(out, "{s}");
        }
        Value::Error(s) => {
            let _ = writeln!(out, "(error) {s}");
        }
        Value::Integer(n) => {
            let _ = writeln!(out, "(integer) {n}");
        }
        Value::Double(d) => {
            let _ = writeln!(out, "(double) {}", format_double(*d));
        }
        Value::DoubleText(t) => {
            let _ = writeln!(out, "(double) {t}");
        }
        // redis-cli 7.0 has no format for big numbers: it prints this and
        // exits.
        Value::BigNumber(_) => {
            let _ = writeln!(out, "Unknown reply type: 13");
        }
        Value::Boolean(b) => {
            let _ = writeln!(out, "{}", if *b { "(true)" } else { "(false)" });
        }
        Value::Bulk(b) => {
            let _ = writeln!(out, "\"{}\"", escape(b));
        }
        Value::Verbatim(t) => {
            let _ = writeln!(out, "{t}");
        }
        Value::Null | Value::NullArray | Value::NullAs(_) => {
            let _ = writeln!(out, "(nil)");
        }
        Value::Array(items) | Value::Set(items) | Value::Push(items) => {
            if items.is_empty() {
                let _ = writeln!(out, "(empty array)");
                return;
            }
            let width = items.len().to_string().len();
            for (i, item) in items.iter().enumerate() {
                let head = format!("{:>width$}) ", i + 1);
                let indent = format!("{prefix}{}", " ".repeat(head.len()));
                let mut inner = String::new();
                cli_format(item, &indent, &mut inner);
                if i > 0 {
                    out.push_str(prefix);
                }
                out.push_str(&head);
                out.push_str(&inner);
            }
        }
        Value::Map(pairs) => {
            let flat: Vec<Value> = pairs
                .iter()
                .flat_map(|(k, v)| [k.clone(), v.clone()])
                .collect();
            cli_format(&Value::Array(flat), prefix, out);
        }
    }
}

/// `sdscatrepr`: quotes and escapes like redis-cli prints bulk strings.
pub fn escape(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes {
        match b {
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x07 => s.push_str("\\a"),
            0x08 => s.push_str("\\b"),
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// addReply*: RESP2 and RESP3 forms of each type.
    #[test]
    fn encodes_like_redis() {
        let r2 = |v: &Value| String::from_utf8(v.to_bytes(Protocol::Resp2)).unwrap();
        let r3 = |v: &Value| String::from_utf8(v.to_bytes(Protocol::Resp3)).unwrap();
        assert_eq!(r2(&Value::ok()), "+OK\r\n");
        assert_eq!(r2(&Value::err("ERR x")), "-ERR x\r\n");
        assert_eq!(r2(&Value::Null), "$-1\r\n");
        assert_eq!(r3(&Value::Null), "_\r\n");
        assert_eq!(r2(&Value::bulk("hi")), "$2\r\nhi\r\n");
        let map = Value::Map(vec![(Value::bulk("proto"), Value::Integer(3))]);
        assert_eq!(r2(&map), "*2\r\n$5\r\nproto\r\n:3\r\n");
        assert_eq!(r3(&map), "%1\r\n$5\r\nproto\r\n:3\r\n");
        let v = Value::Verbatim("a\n".into());
        assert_eq!(r3(&v), "=6\r\ntxt:a\n\r\n");
        assert_eq!(r2(&v), "$2\r\na\n\r\n");
        assert_eq!(r2(&Value::Double(1.5)), "$3\r\n1.5\r\n");
        assert_eq!(r3(&Value::Double(2.0)), ",2\r\n");
        // 7.0's `%.17g`, as redis-server 7.0.15 prints these scores.
        for (d, text) in [
            (1.1, "1.1000000000000001"),
            (0.1, "0.10000000000000001"),
            (-0.0, "-0"),
            (1e100, "1e+100"),
            (3e100, "2.9999999999999999e+100"),
            (1e-5, "1.0000000000000001e-05"),
            (0.0001, "0.0001"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (123456789.125, "123456789.125"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(format_double(d), text, "{d}");
        }
    }

    /// Error and status lines never contain CR or LF (they would end the
    /// reply early): Redis turns them into spaces.
    #[test]
    fn newlines_in_lines_become_spaces() {
        let e = Value::err("ERR unknown command 'a\r\nb'");
        assert_eq!(
            e.to_bytes(Protocol::Resp2),
            b"-ERR unknown command 'a  b'\r\n"
        );
        assert_eq!(
            Value::Simple("x\ny".into()).to_bytes(Protocol::Resp3),
            b"+x y\r\n"
        );
    }

    /// redis-cli's TTY formatting.
    #[test]
    fn cli_text() {
        assert_eq!(Value::ok().to_cli_text(), "OK");
        assert_eq!(Value::Null.to_cli_text(), "(nil)");
        assert_eq!(Value::Integer(3).to_cli_text(), "(integer) 3");
        assert_eq!(Value::bulk("a\"b").to_cli_text(), "\"a\\\"b\"");
        let arr = Value::Array(vec![
            Value::bulk("x"),
            Value::Array(vec![Value::Integer(1)]),
        ]);
        assert_eq!(arr.to_cli_text(), "1) \"x\"\n2) 1) (integer) 1");
        assert_eq!(Value::Array(vec![]).to_cli_text(), "(empty array)");
    }
}
