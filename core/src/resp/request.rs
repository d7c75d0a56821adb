//! Server side: turning a client's bytes into commands, exactly as Redis's
//! `processMultibulkBuffer` / `processInlineBuffer` do, with their limits and
//! their protocol error texts.
//!
//! Parsing is check-then-parse: every prefix of a valid request is
//! "incomplete" (`Ok(None)`), never an error, so a host can feed bytes as they
//! arrive.

use std::fmt;

/// `PROTO_INLINE_MAX_SIZE`: the longest inline command, and the longest
/// `*<n>` / `$<n>` line, Redis accepts.
pub const INLINE_MAX_SIZE: usize = 64 * 1024;
/// `proto-max-bulk-len` default: 512 MB.
pub const DEFAULT_MAX_BULK_LEN: u64 = 512 * 1024 * 1024;
/// A multibulk count above `INT_MAX` is invalid.
const MAX_MULTIBULK_LEN: i64 = i32::MAX as i64;
/// Limits for clients that still have to AUTH (Redis 7.0).
const UNAUTH_MAX_MULTIBULK: i64 = 10;
const UNAUTH_MAX_BULK: i64 = 16384;

/// Limits that apply to one client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `proto-max-bulk-len`.
    pub max_bulk_len: u64,
    /// The client must AUTH first (stricter limits apply).
    pub unauthenticated: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk_len: DEFAULT_MAX_BULK_LEN,
            unauthenticated: false,
        }
    }
}

/// A protocol error: Redis replies `-ERR Protocol error: …` and closes the
/// connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError(pub String);

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Protocol error: {}", self.0)
    }
}

impl std::error::Error for ProtocolError {}

fn perr<T>(text: impl Into<String>) -> Result<T, ProtocolError> {
    Err(ProtocolError(text.into()))
}

/// One parsed request: its arguments and how many bytes it used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The arguments, name first.
    pub args: Vec<Vec<u8>>,
    /// How many bytes of the buffer the request used.
    pub consumed: usize,
}

/// Parses the next request at the start of `buf`.
///
/// `Ok(None)`: need more bytes. A request with no arguments (an empty inline
/// line, or `*0`/`*-1`) is returned with empty `args`: Redis skips it.
pub fn parse_request(buf: &[u8], limits: Limits) -> Result<Option<Request>, ProtocolError> {
    match buf.first() {
        None => Ok(None),
        Some(b'*') => parse_multibulk(buf, limits),
        Some(_) => parse_inline(buf),
    }
}

/// `\r\n`-terminated line starting at `from`: returns its content end.
fn find_cr(buf: &[u8], from: usize) -> Option<usize> {
    buf.get(from..)?
        .iter()
        .position(|&b| b == b'\r')
        .map(|i| from + i)
}

/// `string2ll`: a strict decimal integer (no spaces, no `+`, no leading zeros).
pub fn parse_i64(text: &[u8]) -> Option<i64> {
    // Byte by byte, as string2ll does: every bulk length of every request
    // goes through here.
    let (neg, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') || (neg && digits == b"0") {
        return None;
    }
    let mut v: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    if neg {
        0i64.checked_sub_unsigned(v)
    } else {
        i64::try_from(v).ok()
    }
}

fn parse_multibulk(buf: &[u8], limits: Limits) -> Result<Option<Request>, ProtocolError> {
    let Some(cr) = find_cr(buf, 0) else {
        if buf.len() > INLINE_MAX_SIZE {
            return perr("too big mbulk count string");
        }
        return Ok(None);
    };
    if cr + 1 >= buf.len() {
        return Ok(None);
    }
    let count = match parse_i64(&buf[1..cr]) {
        Some(n) if n <= MAX_MULTIBULK_LEN => n,
        _ => return perr("invalid multibulk length"),
    };
    if limits.unauthenticated && count > UNAUTH_MAX_MULTIBULK {
        return perr("unauthenticated multibulk length");
    }
    let mut pos = cr + 2;
    if count <= 0 {
        return Ok(Some(Request {
            args: Vec::new(),
            consumed: pos,
        }));
    }
    // Don't trust the count for the allocation: it is only a claim.
    let mut args = Vec::with_capacity((count as usize).min(1024));
    for _ in 0..count {
        let Some(cr) = find_cr(buf, pos) else {
            if buf.len() - pos > INLINE_MAX_SIZE {
                return perr("too big bulk count string");
            }
            return Ok(None);
        };
        if cr + 1 >= buf.len() {
            return Ok(None);
        }
        if buf[pos] != b'$' {
            return perr(format!("expected '$', got '{}'", buf[pos] as char));
        }
        let len = match parse_i64(&buf[pos + 1..cr]) {
            Some(n) if n >= 0 && (n as u64) <= limits.max_bulk_len => n,
            _ => return perr("invalid bulk length"),
        };
        if limits.unauthenticated && len > UNAUTH_MAX_BULK {
            return perr("unauthenticated bulk length");
        }
        let start = cr + 2;
        let end = start + len as usize;
        if buf.len() < end + 2 {
            return Ok(None);
        }
        args.push(buf[start..end].to_vec());
        pos = end + 2;
    }
    Ok(Some(Request {
        args,
        consumed: pos,
    }))
}

fn parse_inline(buf: &[u8]) -> Result<Option<Request>, ProtocolError> {
    let Some(nl) = buf.iter().position(|&b| b == b'\n') else {
        if buf.len() > INLINE_MAX_SIZE {
            return perr("too big inline request");
        }
        return Ok(None);
    };
    let line = &buf[..nl];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Some(args) = split_args(line) else {
        return perr("unbalanced quotes in request");
    };
    Ok(Some(Request {
        args,
        consumed: nl + 1,
    }))
}

/// `sdssplitargs`: splits a line like redis-cli and inline commands do —
/// spaces separate, `"…"` understands `\n \r \t \b \a \\ \" \xHH`, `'…'`
/// only `\'`; a closing quote must be followed by a space or the end.
/// `None` on unbalanced quotes.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while i < line.len() && line[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= line.len() {
            return Some(args);
        }
        let mut cur = Vec::new();
        let mut in_dq = false;
        let mut in_sq = false;
        loop {
            if in_dq {
                let c = *line.get(i)?;
                if c == b'\\' && i + 3 < line.len() && line[i + 1] == b'x' {
                    if let (Some(h), Some(l)) = (hex(line[i + 2]), hex(line[i + 3])) {
                        cur.push(h * 16 + l);
                        i += 4;
                        continue;
                    }
                }
                if c == b'\\' && i + 1 < line.len() {
                    i += 1;
                    cur.push(match line[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    if line.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace()) {
                        return None;
                    }
                    i += 1;
                    break;
                } else {
                    cur.push(c);
                }
            } else if in_sq {
                let c = *line.get(i)?;
                if c == b'\\' && line.get(i + 1) == Some(&b'\'') {
                    i += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    if line.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace()) {
                        return None;
                    }
                    i += 1;
                    break;
                } else {
                    cur.push(c);
                }
            } else {
                match line.get(i) {
                    None => break,
                    Some(c) if c.is_ascii_whitespace() => break,
                    Some(b'"') => in_dq = true,
                    Some(b'\'') => in_sq = true,
                    Some(&c) => cur.push(c),
                }
            }
            i += 1;
        }
        args.push(cur);
    }
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(buf: &[u8]) -> Result<Option<Request>, ProtocolError> {
        parse_request(buf, Limits::default())
    }

    fn args(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    /// processMultibulkBuffer: `*N` then N `$len` bulks.
    #[test]
    fn multibulk_request() {
        let buf = b"*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n*1\r\n";
        let r = parse(buf).unwrap().unwrap();
        assert_eq!(r.args, args(&["GET", "foo"]));
        assert_eq!(r.consumed, 22);
    }

    /// Check-then-parse: every strict prefix of a valid request is incomplete.
    #[test]
    fn every_prefix_is_incomplete() {
        let buf = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
        for n in 0..buf.len() {
            assert_eq!(parse(&buf[..n]), Ok(None), "prefix of {n} bytes");
        }
        assert!(parse(buf).unwrap().is_some());
        let inline = b"SET k \"a b\"\r\n";
        for n in 0..inline.len() {
            assert_eq!(parse(&inline[..n]), Ok(None), "inline prefix of {n} bytes");
        }
    }

    /// Redis's protocol error texts.
    #[test]
    fn protocol_errors_use_redis_texts() {
        let e = |b: &[u8]| parse(b).unwrap_err().to_string();
        assert_eq!(e(b"*x\r\n"), "Protocol error: invalid multibulk length");
        assert_eq!(
            e(b"*3000000000\r\n"),
            "Protocol error: invalid multibulk length"
        );
        assert_eq!(
            e(b"*1\r\n+foo\r\n"),
            "Protocol error: expected '$', got '+'"
        );
        assert_eq!(e(b"*1\r\n$-1\r\n"), "Protocol error: invalid bulk length");
        assert_eq!(
            e(b"*1\r\n$600000000\r\n"),
            "Protocol error: invalid bulk length"
        );
        assert_eq!(
            e(b"SET \"a\r\n"),
            "Protocol error: unbalanced quotes in request"
        );
        assert_eq!(
            e(b"GET \"a\"b\r\n"),
            "Protocol error: unbalanced quotes in request"
        );
        let big = vec![b'a'; INLINE_MAX_SIZE + 1];
        assert_eq!(e(&big), "Protocol error: too big inline request");
        let mut star = b"*".to_vec();
        star.extend(vec![b'1'; INLINE_MAX_SIZE + 1]);
        assert_eq!(e(&star), "Protocol error: too big mbulk count string");
    }

    /// Clients that must AUTH get tight limits (Redis 7.0).
    #[test]
    fn unauthenticated_limits() {
        let l = Limits {
            unauthenticated: true,
            ..Limits::default()
        };
        let e = parse_request(b"*11\r\n", l).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Protocol error: unauthenticated multibulk length"
        );
        let e = parse_request(b"*1\r\n$16385\r\n", l).unwrap_err();
        assert_eq!(e.to_string(), "Protocol error: unauthenticated bulk length");
    }

    /// Inline commands: split like sdssplitargs, `\n` or `\r\n` endings, empty lines skipped.
    #[test]
    fn inline_commands() {
        let r = parse(b"set k \"a\\x41\\n\" 'it\\'s'\n").unwrap().unwrap();
        assert_eq!(
            r.args,
            vec![
                b"set".to_vec(),
                b"k".to_vec(),
                b"aA\n".to_vec(),
                b"it's".to_vec()
            ]
        );
        let r = parse(b"\r\n").unwrap().unwrap();
        assert!(r.args.is_empty());
        assert_eq!(r.consumed, 2);
    }

    /// string2ll is strict.
    #[test]
    fn strict_integers() {
        assert_eq!(parse_i64(b"12"), Some(12));
        assert_eq!(parse_i64(b"-3"), Some(-3));
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"+1",
            b" 1",
            b"01",
            b"-0",
            b"1a",
            b"-",
            b"--1",
            b"-01",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"99999999999999999999",
        ] {
            assert_eq!(parse_i64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
