//! Client side: parsing replies (RESP2 and RESP3) back into [`Value`]s, for
//! the cluster-aware client model, consoles and tests.

use super::request::parse_i64;
use super::value::Value;
use std::fmt;

/// A reply that is not valid RESP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyError(pub String);

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid reply: {}", self.0)
    }
}

impl std::error::Error for ReplyError {}

/// Deepest nesting accepted, so hostile input cannot blow the stack.
const MAX_DEPTH: usize = 64;

/// Parses one reply at the start of `buf`: `Ok(None)` if incomplete, else
/// the value and the bytes it used.
pub fn parse_reply(buf: &[u8]) -> Result<Option<(Value, usize)>, ReplyError> {
    parse_at(buf, 0, 0)
}

fn bad<T>(text: impl Into<String>) -> Result<T, ReplyError> {
    Err(ReplyError(text.into()))
}

fn parse_at(buf: &[u8], pos: usize, depth: usize) -> Result<Option<(Value, usize)>, ReplyError> {
    if depth > MAX_DEPTH {
        return bad("nested too deeply");
    }
    let Some(&kind) = buf.get(pos) else {
        return Ok(None);
    };
    if !b"+-:_#,($=!*~>%".contains(&kind) {
        return bad(format!("unknown type byte {:?}", kind as char));
    }
    let Some(cr) = buf[pos + 1..]
        .iter()
        .position(|&b| b == b'\r')
        .map(|i| pos + 1 + i)
    else {
        return Ok(None);
    };
    if cr + 1 >= buf.len() {
        return Ok(None);
    }
    if buf[cr + 1] != b'\n' {
        return bad("line not ended by CRLF");
    }
    let line = &buf[pos + 1..cr];
    let next = cr + 2;
    let text = || String::from_utf8_lossy(line).into_owned();
    let int =
        || parse_i64(line).ok_or_else(|| ReplyError(format!("bad length or integer {:?}", text())));
    match kind {
        b'+' => Ok(Some((Value::Simple(text()), next))),
        b'-' => Ok(Some((Value::Error(text()), next))),
        b':' => Ok(Some((Value::Integer(int()?), next))),
        b'_' => Ok(Some((Value::Null, next))),
        b'(' => Ok(Some((Value::BigNumber(text()), next))),
        b'#' => match line {
            b"t" => Ok(Some((Value::Boolean(true), next))),
            b"f" => Ok(Some((Value::Boolean(false), next))),
            _ => bad("bad boolean"),
        },
        b',' => {
            let d = match text().as_str() {
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                t => t
                    .parse()
                    .map_err(|_| ReplyError(format!("bad double {t:?}")))?,
            };
            Ok(Some((Value::Double(d), next)))
        }
        b'$' | b'=' | b'!' => {
            let len = int()?;
            if len < 0 {
                return Ok(Some((Value::Null, next)));
            }
            // A length no buffer can hold is an error, not "incomplete"
            // (hiredis: "Bulk string length out of range").
            let Some(end) = usize::try_from(len)
                .ok()
                .and_then(|n| next.checked_add(n))
                .filter(|end| end.checked_add(2).is_some())
            else {
                return bad(format!("bulk length {len} out of range"));
            };
            if buf.len() < end + 2 {
                return Ok(None);
            }
            if &buf[end..end + 2] != b"\r\n" {
                return bad("bulk not ended by CRLF");
            }
            let body = buf[next..end].to_vec();
            let v = match kind {
                b'=' => {
                    let body = body.get(4..).unwrap_or_default();
                    Value::Verbatim(String::from_utf8_lossy(body).into_owned())
                }
                b'!' => Value::Error(String::from_utf8_lossy(&body).into_owned()),
                _ => Value::Bulk(body),
            };
            Ok(Some((v, end + 2)))
        }
        b'*' | b'~' | b'>' | b'%' => {
            let len = int()?;
            if len < 0 {
                return Ok(Some((Value::NullArray, next)));
            }
            // A map of n pairs is 2n values: refuse an n that doubles past
            // i64 (hiredis: "Multi-bulk length out of range").
            let Some(items) = (if kind == b'%' {
                len.checked_mul(2)
            } else {
                Some(len)
            }) else {
                return bad(format!("aggregate length {len} out of range"));
            };
            let mut values = Vec::with_capacity(usize::try_from(items).unwrap_or(0).min(1024));
            let mut at = next;
            for _ in 0..items {
                match parse_at(buf, at, depth + 1)? {
                    Some((v, n)) => {
                        values.push(v);
                        at = n;
                    }
                    None => return Ok(None),
                }
            }
            let v = match kind {
                b'~' => Value::Set(values),
                b'>' => Value::Push(values),
                b'%' => {
                    let mut pairs = Vec::with_capacity(values.len() / 2);
                    let mut it = values.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        pairs.push((k, v));
                    }
                    Value::Map(pairs)
                }
                _ => Value::Array(values),
            };
            Ok(Some((v, at)))
        }
        other => bad(format!("unknown type byte {:?}", other as char)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resp::value::Protocol;

    /// What we encode, we parse back (RESP3 keeps every type).
    #[test]
    fn round_trip_resp3() {
        let v = Value::Array(vec![
            Value::ok(),
            Value::err("MOVED 1649 127.0.0.1:7000"),
            Value::Integer(-5),
            Value::bulk("x\r\ny"),
            Value::Null,
            Value::Map(vec![(Value::bulk("proto"), Value::Integer(3))]),
            Value::Set(vec![Value::bulk("a")]),
            Value::Boolean(true),
            Value::Double(1.5),
            Value::Verbatim("cluster_state:ok\r\n".into()),
        ]);
        let bytes = v.to_bytes(Protocol::Resp3);
        assert_eq!(parse_reply(&bytes), Ok(Some((v, bytes.len()))));
        for n in 0..bytes.len() {
            assert_eq!(parse_reply(&bytes[..n]), Ok(None), "prefix {n}");
        }
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        assert!(parse_reply(b"?\r\n").is_err());
        assert!(parse_reply(b"$x\r\n").is_err());
        assert!(parse_reply(b"$1\r\nab\r\n").is_err());
        assert!(parse_reply(b"\r\n").is_err());
        assert!(parse_reply(b"\r").is_err());
        let deep = "*1\r\n".repeat(100);
        assert!(parse_reply(deep.as_bytes()).is_err());
    }
}
