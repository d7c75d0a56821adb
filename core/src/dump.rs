//! The `DUMP` payload that `MIGRATE` sends in `RESTORE-ASKING key ttl
//! payload`: RDB type byte, RDB-encoded value, 2-byte RDB version (LE),
//! CRC64 (Jones, LE) of everything before it (`createDumpPayload`).
//!
//! The value itself is [`crate::rdb`]'s: we write the plain encodings, which
//! a real 7.0 node's RESTORE loads (checked against redis-server 7.0.15),
//! and read both those and the compact ones 7.0 writes (listpack,
//! quicklist, intset, LZF), so keys migrate both ways.

use crate::keyspace::{Data, Packing};
use crate::rdb::{self, Reader};

/// `RDB_VERSION` of Redis 7.0: payloads from newer versions are refused.
pub const RDB_VERSION: u16 = 10;

/// Why `RESTORE` refuses a payload, with Redis's error texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpError {
    /// `verifyDumpPayload` failed.
    VersionOrChecksum,
    /// `rdbLoadObject` failed.
    BadFormat,
}

impl DumpError {
    /// Redis's error text for this refusal.
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
    rdb::write_object(&mut out, data);
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// `verifyDumpPayload` then `rdbLoadObject`, hashes and sorted sets
/// encoded as `packing` says.
pub fn decode(payload: &[u8], packing: Packing) -> Result<Data, DumpError> {
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
    let kind = r.byte().map_err(|_| DumpError::BadFormat)?;
    let data = rdb::read_object(kind, &mut r, packing).map_err(|_| DumpError::BadFormat)?;
    // `rdbLoadObject`'s `emptykey`: no key holds an empty collection, and
    // RESTORE refuses one (an RDB file's loader skips it instead).
    if !r.0.is_empty() || data.is_empty_collection() {
        return Err(DumpError::BadFormat);
    }
    Ok(data)
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
    use crate::keyspace::{Hash, PackLimits, ZSet};
    use crate::rdb::{TYPE_HASH, TYPE_LIST, TYPE_SET, TYPE_ZSET_2};

    /// [`super::decode`] under the default limits.
    fn decode(payload: &[u8]) -> Result<Data, DumpError> {
        super::decode(payload, Packing::default())
    }

    fn hash(pairs: &[(&str, &str)]) -> Data {
        let pairs = pairs
            .iter()
            .map(|(f, v)| (f.as_bytes().to_vec(), v.as_bytes().to_vec()));
        Data::Hash(Hash::loaded(pairs.collect::<Vec<_>>(), PackLimits::HASH))
    }

    /// crc64.c's own test vector.
    #[test]
    fn crc64_jones_check_value() {
        assert_eq!(crc64(b"123456789"), 0xe9c6_d914_c4b8_d9ca);
    }

    /// `DUMP` of the string "v" on redis-server 7.0.15, byte for byte.
    #[test]
    fn string_payload_matches_redis() {
        let redis = b"\x00\x01v\x0a\x00\x91\x08\xce\xb2\x19\x38\x8a\xce";
        assert_eq!(encode(&Data::Str(b"v".to_vec().into())), redis.to_vec());
        assert_eq!(decode(redis), Ok(Data::Str(b"v".to_vec().into())));
    }

    /// Redis stores "12345" as a 16-bit integer (`00 c1 39 30`).
    #[test]
    fn integer_encoded_string_from_redis() {
        let redis = b"\x00\xc1\x39\x30\x0a\x00\x9d\x94\xea\x27\x93\xfc\x08\xb9";
        assert_eq!(decode(redis), Ok(Data::Str(b"12345".to_vec().into())));
    }

    /// "12345" is written integer-encoded, as `rdbSaveRawString` does.
    #[test]
    fn integer_string_payload_matches_redis() {
        let redis = b"\x00\xc1\x39\x30\x0a\x00\x9d\x94\xea\x27\x93\xfc\x08\xb9";
        assert_eq!(encode(&Data::Str(b"12345".to_vec().into())), redis.to_vec());
    }

    /// `DUMP` payloads redis-server 7.0.15 produced, in the compact
    /// encodings it writes for small values and long compressible strings.
    #[test]
    fn compact_payloads_from_redis_load() {
        fn bytes<'a>(items: &'a [&'a str]) -> impl Iterator<Item = Vec<u8>> + 'a {
            items.iter().map(|s| s.as_bytes().to_vec())
        }
        // RPUSH l a bb 12 -5000: quicklist 2 with one listpack node.
        let list = b"\x12\x01\x02\x14\x14\x00\x00\x00\x04\x00\x81\x61\x02\x82\x62\x62\x03\x0c\x01\xf1\x78\xec\x03\xff\x0a\x00\x87\x1b\x3f\x57\x63\x1c\x01\x45";
        assert_eq!(
            decode(list),
            Ok(Data::List(bytes(&["a", "bb", "12", "-5000"]).collect()))
        );
        // HSET h f v n 12: listpack.
        let hash = b"\x10\x12\x12\x00\x00\x00\x04\x00\x81\x66\x02\x81\x76\x02\x81\x6e\x02\x0c\x01\xff\x0a\x00\x01\x36\x94\x81\xd3\x5b\x89\x74";
        assert_eq!(decode(hash), Ok(self::hash(&[("f", "v"), ("n", "12")])));
        // ZADD z 1.5 m 2 n: listpack, scores as text or integers.
        let zset = b"\x11\x14\x14\x00\x00\x00\x04\x00\x81\x6d\x02\x83\x31\x2e\x35\x04\x81\x6e\x02\x02\x01\xff\x0a\x00\xf1\xb0\x3a\x6d\x58\x5f\x69\x38";
        let z = [(b"m".to_vec(), 1.5), (b"n".to_vec(), 2.0)];
        assert_eq!(
            decode(zset),
            Ok(Data::ZSet(ZSet::loaded(z, PackLimits::ZSET)))
        );
        // SADD si 1 -3 70000: a 4-byte intset.
        let intset = b"\x0b\x14\x04\x00\x00\x00\x03\x00\x00\x00\xfd\xff\xff\xff\x01\x00\x00\x00\x70\x11\x01\x00\x0a\x00\x7b\x8d\x4d\xdd\xaf\x22\x86\xd7";
        assert_eq!(
            decode(intset),
            Ok(Data::Set(bytes(&["-3", "1", "70000"]).collect()))
        );
        // SADD ss a b: a plain set, byte for byte what we write.
        let set = b"\x02\x02\x01\x61\x01\x62\x0a\x00\xfe\x64\x21\x25\xeb\x03\x3d\x0d";
        let s = Data::Set(bytes(&["a", "b"]).collect());
        assert_eq!(encode(&s), set.to_vec());
        assert_eq!(decode(set), Ok(s));
        // SET long <40 × a>: LZF-compressed.
        let long = b"\x00\xc3\x09\x28\x01\x61\x61\xe0\x1b\x00\x01\x61\x61\x0a\x00\xcf\x09\x2f\xaa\xae\x25\x83\x1d";
        assert_eq!(decode(long), Ok(Data::Str(vec![b'a'; 40].into())));
    }

    #[test]
    fn every_type_round_trips() {
        let values = [
            Data::List(["a", "bb"].iter().map(|s| s.as_bytes().to_vec()).collect()),
            Data::Set(["x", "y"].iter().map(|s| s.as_bytes().to_vec()).collect()),
            hash(&[("f", "v")]),
            Data::ZSet(ZSet::loaded([(b"m".to_vec(), 1.5)], PackLimits::ZSET)),
            Data::Str(vec![7u8; 20_000].into()),
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
        assert_eq!(decode(&payload(&dup_hash)), Ok(hash(&[("f", "w")])));
    }

    /// verifyDumpPayload: a flipped bit or a newer RDB version is refused.
    #[test]
    fn refuses_bad_checksum_and_newer_version() {
        let mut p = encode(&Data::Str(b"v".to_vec().into()));
        p[2] ^= 1;
        assert_eq!(decode(&p), Err(DumpError::VersionOrChecksum));
        let mut newer = vec![rdb::TYPE_STRING, 1, b'v'];
        newer.extend_from_slice(&11u16.to_le_bytes());
        let crc = crc64(&newer);
        newer.extend_from_slice(&crc.to_le_bytes());
        assert_eq!(decode(&newer), Err(DumpError::VersionOrChecksum));
        assert_eq!(decode(b"short"), Err(DumpError::VersionOrChecksum));
    }
}
