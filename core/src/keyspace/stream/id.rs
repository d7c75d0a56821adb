//! Stream entry IDs (`streamID`): `<ms>-<seq>`, two unsigned 64-bit
//! halves ordered as a pair, parsed the way `streamGenericParseIDOrReply`
//! reads client arguments.

use std::fmt;

/// One entry's ID: milliseconds then a sequence within that millisecond.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    /// The milliseconds part.
    pub ms: u64,
    /// The sequence part.
    pub seq: u64,
}

impl StreamId {
    /// `0-0`: no entry has it; `-` in a range.
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    /// `18446744073709551615-18446744073709551615`: `+` in a range.
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    /// `ms-seq`.
    pub fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    /// `streamIncrID`: the next ID, `None` past the last possible one.
    pub fn incr(self) -> Option<StreamId> {
        if self.seq < u64::MAX {
            Some(StreamId::new(self.ms, self.seq + 1))
        } else if self.ms < u64::MAX {
            Some(StreamId::new(self.ms + 1, 0))
        } else {
            None
        }
    }

    /// `streamDecrID`: the previous ID, `None` before `0-0`.
    pub fn decr(self) -> Option<StreamId> {
        if self.seq > 0 {
            Some(StreamId::new(self.ms, self.seq - 1))
        } else if self.ms > 0 {
            Some(StreamId::new(self.ms - 1, u64::MAX))
        } else {
            None
        }
    }

    /// `streamEncodeID`: 16 big-endian bytes, the radix tree's key (and
    /// the RDB's), so byte order is ID order.
    pub fn encode(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&self.ms.to_be_bytes());
        out[8..].copy_from_slice(&self.seq.to_be_bytes());
        out
    }

    /// `streamDecodeID`, for 16 bytes from an RDB payload.
    pub fn decode(bytes: &[u8]) -> Option<StreamId> {
        let ms: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
        let seq: [u8; 8] = bytes.get(8..16)?.try_into().ok()?;
        (bytes.len() == 16).then(|| StreamId::new(u64::from_be_bytes(ms), u64::from_be_bytes(seq)))
    }

    /// The ID as a reply's bulk string.
    pub fn to_bytes(self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// How a client argument names an ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParsedId {
    /// A whole ID (`5-3`, `5` with the caller's missing sequence, `-`, `+`).
    Full(StreamId),
    /// `<ms>-*`: XADD picks the sequence.
    AutoSeq(u64),
}

/// `streamGenericParseIDOrReply`: `-` and `+` unless `strict`; `<ms>` alone
/// takes `missing_seq`; `<ms>-*` only when `auto_seq` (XADD). `None` is
/// "Invalid stream ID specified as stream command argument". The text is
/// read as C reads it: up to a NUL byte, each part with `string2ull`.
pub fn parse_id(arg: &[u8], missing_seq: u64, strict: bool, auto_seq: bool) -> Option<ParsedId> {
    if arg.len() > 127 {
        return None;
    }
    let text = arg.split(|&b| b == 0).next().unwrap_or(&[]);
    match text {
        b"-" if !strict => return Some(ParsedId::Full(StreamId::MIN)),
        b"+" if !strict => return Some(ParsedId::Full(StreamId::MAX)),
        b"-" | b"+" => return None,
        _ => {}
    }
    let (ms_part, seq_part) = match text.iter().position(|&b| b == b'-') {
        Some(dash) => (&text[..dash], Some(&text[dash + 1..])),
        None => (text, None),
    };
    let ms = string2ull(ms_part)?;
    match seq_part {
        Some(b"*") if auto_seq => Some(ParsedId::AutoSeq(ms)),
        Some(seq) => Some(ParsedId::Full(StreamId::new(ms, string2ull(seq)?))),
        None => Some(ParsedId::Full(StreamId::new(ms, missing_seq))),
    }
}

/// A strict ID with no `*` form (`streamParseStrictIDOrReply(…, 0, NULL)`).
pub fn parse_strict(arg: &[u8]) -> Option<StreamId> {
    match parse_id(arg, 0, true, false)? {
        ParsedId::Full(id) => Some(id),
        ParsedId::AutoSeq(_) => None,
    }
}

/// `string2ull`: `string2ll` (refusing negatives), else `strtoull` in base
/// 10, which also takes leading blanks, a sign and leading zeros (a `-`
/// wraps, as C's does) but nothing after the digits and no overflow.
fn string2ull(text: &[u8]) -> Option<u64> {
    if let Some(v) = crate::resp::parse_i64(text) {
        return u64::try_from(v).ok();
    }
    let start = text
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))?;
    let mut rest = &text[start..];
    let mut neg = false;
    if let Some((&sign @ (b'+' | b'-'), after)) = rest.split_first() {
        neg = sign == b'-';
        rest = after;
    }
    if rest.is_empty() || !rest.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in rest {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `streamGenericParseIDOrReply`'s forms, and `string2ull`'s leniency
    /// (leading zeros and `+` go through strtoull).
    #[test]
    fn parses_ids_like_redis() {
        let full = |ms, seq| Some(ParsedId::Full(StreamId::new(ms, seq)));
        assert_eq!(parse_id(b"5-3", 0, true, false), full(5, 3));
        assert_eq!(parse_id(b"5", 7, true, false), full(5, 7));
        assert_eq!(parse_id(b"-", 0, false, false), full(0, 0));
        assert_eq!(parse_id(b"+", 0, false, false), full(u64::MAX, u64::MAX));
        assert_eq!(parse_id(b"-", 0, true, false), None);
        assert_eq!(parse_id(b"5-*", 0, true, true), Some(ParsedId::AutoSeq(5)));
        assert_eq!(parse_id(b"5-*", 0, true, false), None);
        assert_eq!(parse_id(b"007-+1", 0, true, false), full(7, 1));
        assert_eq!(parse_id(b"1-2-3", 0, true, false), None);
        assert_eq!(parse_id(b"-1", 0, true, false), None);
        assert_eq!(parse_id(b"abc", 0, true, false), None);
        assert_eq!(parse_id(b"18446744073709551616", 0, true, false), None);
        assert_eq!(
            parse_id(b"18446744073709551615-1", 0, true, false),
            full(u64::MAX, 1)
        );
    }

    /// `streamIncrID`/`streamDecrID` carry between the halves.
    #[test]
    fn incr_and_decr_carry() {
        assert_eq!(StreamId::new(1, u64::MAX).incr(), Some(StreamId::new(2, 0)));
        assert_eq!(StreamId::MAX.incr(), None);
        assert_eq!(StreamId::new(2, 0).decr(), Some(StreamId::new(1, u64::MAX)));
        assert_eq!(StreamId::MIN.decr(), None);
    }
}
