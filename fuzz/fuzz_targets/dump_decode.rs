//! The DUMP payload decoder behind `RESTORE` / `RESTORE-ASKING` (what a
//! migrating node sends us): any bytes are a value or Redis's error, never a
//! panic. The input is tried as is (it almost never passes the CRC), and
//! again as a body with a valid RDB version and CRC64 appended, so the
//! fuzzer reaches `rdbLoadObject`'s side. What loads is what Redis loads
//! (no empty collection, no NaN score) and re-encodes to a payload that
//! loads to the same bytes again.
#![no_main]

use clusterlab_core::dump::{crc64, decode, encode, RDB_VERSION};
use clusterlab_core::keyspace::{Data, Packing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decode = |bytes: &[u8]| decode(bytes, Packing::default());
    let _ = decode(data);
    let mut payload = data.to_vec();
    payload.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(&payload);
    payload.extend_from_slice(&crc.to_le_bytes());
    if let Ok(value) = decode(&payload) {
        let loadable = match &value {
            Data::Str(_) => true,
            Data::List(l) => !l.is_empty(),
            Data::Set(s) => !s.is_empty(),
            Data::Hash(h) => !h.is_empty(),
            Data::ZSet(z) => !z.is_empty() && z.iter().all(|(_, s)| !s.is_nan()),
            // Streams may be empty (a key made by XGROUP CREATE MKSTREAM).
            Data::Stream(_) => true,
        };
        assert!(loadable, "Redis refuses {value:?}");
        let bytes = encode(&value);
        let again = decode(&bytes).expect("a re-encoded payload loads");
        assert_eq!(encode(&again), bytes);
    }
});
