//! The `DUMP` payload that `MIGRATE` sends in `RESTORE-ASKING key ttl
//! payload`: RDB type byte, RDB-encoded value, 2-byte RDB version (LE),
//! CRC64 (Jones, LE) of everything before it (`createDumpPayload`).
//!
//! Values are written in the plain RDB encodings (string, list, set, hash,
//! zset with binary scores: types 0, 1, 2, 4, 5). Redis 7.0 itself writes
//! compact encodings (listpack, quicklist, intset) but still loads the plain
//! ones, so a real node accepts what we send (checked against redis-server
//! 7.0.15). Reading accepts the plain encodings and integer-encoded strings;
//! the compact encodings and LZF strings are refused as `Bad data format`
//! until a real node needs to migrate keys to us.

use crate::keyspace::Data;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// `RDB_VERSION` of Redis 7.0: payloads from newer versions are refused.
pub const RDB_VERSION: u16 = 10;

const TYPE_STRING: u8 = 0;
const TYPE_LIST: u8 = 1;
const TYPE_SET: u8 = 2;
const TYPE_HASH: u8 = 4;
const TYPE_ZSET_2: u8 = 5;

/// Why `RESTORE` refuses a payload, with Redis's error texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpError {
    /// `verifyDumpPayload` failed.
    VersionOrChecksum,
    /// `rdbLoadObject` failed.
    BadFormat,
}

impl DumpError {
    pub fn message(self) -> &'static str {
        match self {
            DumpError::VersionOrChecksum => "ERR DUMP payload version or checksum are wrong",
            DumpError::BadFormat => "ERR Bad data format",
        }
    }
}

/// `createDumpPayload`.
pub fn encode(data: &Data) -> Vec<u8> {
    let mut out = Vec::new();
    match data {
        Data::Str(s) => {
            out.push(TYPE_STRING);
            put_string(&mut out, s);
        }
        Data::List(items) => {
            out.push(TYPE_LIST);
            put_len(&mut out, items.len() as u64);
            items.iter().for_each(|i| put_string(&mut out, i));
        }
        Data::Set(members) => {
            out.push(TYPE_SET);
            put_len(&mut out, members.len() as u64);
            members.iter().for_each(|m| put_string(&mut out, m));
        }
        Data::Hash(fields) => {
            out.push(TYPE_HASH);
            put_len(&mut out, fields.len() as u64);
            for (f, v) in fields {
                put_string(&mut out, f);
                put_string(&mut out, v);
            }
        }
        Data::ZSet(members) => {
            out.push(TYPE_ZSET_2);
            put_len(&mut out, members.len() as u64);
            for (m, score) in members {
                put_string(&mut out, m);
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
    }
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// `verifyDumpPayload` then `rdbLoadObject`.
pub fn decode(payload: &[u8]) -> Result<Data, DumpError> {
    let Some(body_len) = payload.len().checked_sub(10) else {
        return Err(DumpError::VersionOrChecksum);
    };
    let version = u16::from_le_bytes([payload[body_len], payload[body_len + 1]]);
    let mut crc = [0u8; 8];
    crc.copy_from_slice(&payload[body_len + 2..]);
    if version > RDB_VERSION || crc64(&payload[..body_len + 2]) != u64::from_le_bytes(crc) {
        return Err(DumpError::VersionOrChecksum);
    }
    let mut r = Reader(&payload[..body_len]);
    let data = match r.byte()? {
        TYPE_STRING => Data::Str(r.string()?),
        TYPE_LIST => {
            let n = r.aggregate_len()?;
            Data::List(
                (0..n)
                    .map(|_| r.string())
                    .collect::<Result<VecDeque<_>, _>>()?,
            )
        }
        TYPE_SET => {
            let n = r.aggregate_len()?;
            let mut set = BTreeSet::new();
            for _ in 0..n {
                // "Duplicate set members detected"
                if !set.insert(r.string()?) {
                    return Err(DumpError::BadFormat);
                }
            }
            Data::Set(set)
        }
        TYPE_HASH => {
            // Redis 7.0 loads a repeated field into a small hash's listpack
            // as is (a corrupt hash); here the last value wins.
            let n = r.aggregate_len()?;
            let mut h = BTreeMap::new();
            for _ in 0..n {
                let f = r.string()?;
                h.insert(f, r.string()?);
            }
            Data::Hash(h)
        }
        TYPE_ZSET_2 => {
            let n = r.aggregate_len()?;
            let mut z = BTreeMap::new();
            for _ in 0..n {
                let m = r.string()?;
                let bytes: [u8; 8] = r.take(8)?.try_into().map_err(|_| DumpError::BadFormat)?;
                let score = f64::from_le_bytes(bytes);
                // "Zset with NAN score detected", "Duplicate zset fields detected"
                if score.is_nan() || z.insert(m, score).is_some() {
                    return Err(DumpError::BadFormat);
                }
            }
            Data::ZSet(z)
        }
        _ => return Err(DumpError::BadFormat),
    };
    if !r.0.is_empty() {
        return Err(DumpError::BadFormat);
    }
    Ok(data)
}

/// `rdbSaveLen`: 6-bit, 14-bit, 32-bit or 64-bit big-endian lengths.
fn put_len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.extend_from_slice(&[0x40 | (n >> 8) as u8, n as u8]);
    } else if n <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// `rdbSaveRawString` without compression.
fn put_string(out: &mut Vec<u8>, s: &[u8]) {
    put_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], DumpError> {
        if self.0.len() < n {
            return Err(DumpError::BadFormat);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, DumpError> {
        Ok(self.take(1)?[0])
    }

    /// A length, or `Err(encoding)` for the special string encodings (0xC0…).
    fn len_or_encoding(&mut self) -> Result<Result<u64, u8>, DumpError> {
        let first = self.byte()?;
        Ok(match first >> 6 {
            0 => Ok((first & 0x3f) as u64),
            1 => Ok((((first & 0x3f) as u64) << 8) | self.byte()? as u64),
            2 if first == 0x80 => {
                let b: [u8; 4] = self.take(4)?.try_into().expect("4 bytes");
                Ok(u32::from_be_bytes(b) as u64)
            }
            2 if first == 0x81 => {
                let b: [u8; 8] = self.take(8)?.try_into().expect("8 bytes");
                Ok(u64::from_be_bytes(b))
            }
            2 => return Err(DumpError::BadFormat),
            _ => Err(first & 0x3f),
        })
    }

    fn len(&mut self) -> Result<u64, DumpError> {
        let n = self.len_or_encoding()?.map_err(|_| DumpError::BadFormat)?;
        // Every element takes at least one byte: refuse absurd counts early.
        if n > self.0.len() as u64 {
            return Err(DumpError::BadFormat);
        }
        Ok(n)
    }

    /// The element count of a list, set, hash or zset: Redis refuses an
    /// empty one (`rdbLoadObject`'s `emptykey`), since no key holds an
    /// empty collection.
    fn aggregate_len(&mut self) -> Result<u64, DumpError> {
        match self.len()? {
            0 => Err(DumpError::BadFormat),
            n => Ok(n),
        }
    }

    /// `rdbGenericLoadStringObject`: raw, or an integer written in 1, 2 or 4
    /// little-endian bytes (how Redis stores strings like "12345").
    fn string(&mut self) -> Result<Vec<u8>, DumpError> {
        match self.len_or_encoding()? {
            Ok(n) => {
                let n = usize::try_from(n).map_err(|_| DumpError::BadFormat)?;
                Ok(self.take(n)?.to_vec())
            }
            Err(enc @ 0..=2) => {
                let bytes = self.take(1 << enc)?;
                let v = match bytes.len() {
                    1 => bytes[0] as i8 as i64,
                    2 => i16::from_le_bytes([bytes[0], bytes[1]]) as i64,
                    _ => i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as i64,
                };
                Ok(v.to_string().into_bytes())
            }
            Err(_) => Err(DumpError::BadFormat),
        }
    }
}

/// CRC-64/Jones as Redis computes it (`crc64.c`: reflected polynomial
/// 0xad93d23594c935a9, initial value 0, no final xor).
pub fn crc64(data: &[u8]) -> u64 {
    const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;
    let mut crc = 0u64;
    for &b in data {
        crc ^= b as u64;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLY_REFLECTED
            } else {
                crc >> 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// crc64.c's own test vector.
    #[test]
    fn crc64_jones_check_value() {
        assert_eq!(crc64(b"123456789"), 0xe9c6_d914_c4b8_d9ca);
    }

    /// `DUMP` of the string "v" on redis-server 7.0.15, byte for byte.
    #[test]
    fn string_payload_matches_redis() {
        let redis = b"\x00\x01v\x0a\x00\x91\x08\xce\xb2\x19\x38\x8a\xce";
        assert_eq!(encode(&Data::Str(b"v".to_vec())), redis.to_vec());
        assert_eq!(decode(redis), Ok(Data::Str(b"v".to_vec())));
    }

    /// Redis stores "12345" as a 16-bit integer (`00 c1 39 30`).
    #[test]
    fn integer_encoded_string_from_redis() {
        let redis = b"\x00\xc1\x39\x30\x0a\x00\x9d\x94\xea\x27\x93\xfc\x08\xb9";
        assert_eq!(decode(redis), Ok(Data::Str(b"12345".to_vec())));
    }

    #[test]
    fn every_type_round_trips() {
        let values = [
            Data::List(["a", "bb"].iter().map(|s| s.as_bytes().to_vec()).collect()),
            Data::Set(["x", "y"].iter().map(|s| s.as_bytes().to_vec()).collect()),
            Data::Hash([(b"f".to_vec(), b"v".to_vec())].into_iter().collect()),
            Data::ZSet([(b"m".to_vec(), 1.5)].into_iter().collect()),
            Data::Str(vec![7u8; 20_000]),
        ];
        for v in values {
            assert_eq!(decode(&encode(&v)), Ok(v));
        }
    }

    /// An RDB object body as a payload with a valid version and CRC.
    fn payload(body: &[u8]) -> Vec<u8> {
        let mut p = body.to_vec();
        p.extend_from_slice(&RDB_VERSION.to_le_bytes());
        let crc = crc64(&p);
        p.extend_from_slice(&crc.to_le_bytes());
        p
    }

    /// What redis-server 7.0.15's RESTORE answers `Bad data format` to:
    /// empty collections, repeated set members and zset members, NaN scores.
    /// (A zset score of inf is fine, and a repeated hash field is loaded.)
    #[test]
    fn refuses_what_redis_refuses() {
        let nan = f64::NAN.to_le_bytes();
        let one = 1f64.to_le_bytes();
        let refused: [Vec<u8>; 7] = [
            vec![TYPE_LIST, 0],
            vec![TYPE_SET, 0],
            vec![TYPE_HASH, 0],
            vec![TYPE_ZSET_2, 0],
            [&[TYPE_SET, 2, 1, b'x', 1, b'x'][..]].concat(),
            [&[TYPE_ZSET_2, 2, 1, b'm'][..], &one, &[1, b'm'], &one].concat(),
            [&[TYPE_ZSET_2, 1, 1, b'm'][..], &nan].concat(),
        ];
        for body in refused {
            assert_eq!(
                decode(&payload(&body)),
                Err(DumpError::BadFormat),
                "{body:?}"
            );
        }
        let inf = [&[TYPE_ZSET_2, 1, 1, b'm'][..], &f64::INFINITY.to_le_bytes()].concat();
        assert!(decode(&payload(&inf)).is_ok());
        let dup_hash = [TYPE_HASH, 2, 1, b'f', 1, b'v', 1, b'f', 1, b'w'];
        assert_eq!(
            decode(&payload(&dup_hash)),
            Ok(Data::Hash(
                [(b"f".to_vec(), b"w".to_vec())].into_iter().collect()
            ))
        );
    }

    /// verifyDumpPayload: a flipped bit or a newer RDB version is refused.
    #[test]
    fn refuses_bad_checksum_and_newer_version() {
        let mut p = encode(&Data::Str(b"v".to_vec()));
        p[2] ^= 1;
        assert_eq!(decode(&p), Err(DumpError::VersionOrChecksum));
        let mut newer = vec![TYPE_STRING, 1, b'v'];
        newer.extend_from_slice(&11u16.to_le_bytes());
        let crc = crc64(&newer);
        newer.extend_from_slice(&crc.to_le_bytes());
        assert_eq!(decode(&newer), Err(DumpError::VersionOrChecksum));
        assert_eq!(decode(b"short"), Err(DumpError::VersionOrChecksum));
    }
}
