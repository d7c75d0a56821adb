//! Inputs that broke a decoder, each kept as a plain test named after what
//! it is: found while writing the `fuzz/` targets (`bash scripts/fuzz.sh`),
//! whose dictionaries now hold the edge numbers that reach them. Test builds check overflow, as the fuzz builds do, so
//! each of these panicked before its fix.

use clusterlab_core::resp::parse_reply;

/// `%9223372036854775807`: a RESP3 map of i64::MAX pairs has 2 × i64::MAX
/// values, which overflowed; release builds wrapped it to -2 and returned an
/// empty map. Like hiredis, the length is out of range.
#[test]
fn reply_map_length_that_doubles_past_i64() {
    let err = parse_reply(b"%9223372036854775807\r\n").unwrap_err();
    assert!(err.0.contains("out of range"), "{err}");
    // A big but representable count is merely incomplete.
    assert_eq!(parse_reply(b"%4611686018427387903\r\n"), Ok(None));
}

/// `$9223372036854775807`: on 32-bit targets (the web app is wasm32) the
/// length did not fit a usize and wrapped; now no target accepts a bulk
/// whose end cannot be addressed.
#[test]
fn reply_bulk_length_past_the_address_space() {
    let huge = format!("${}\r\n", u64::MAX / 2);
    match parse_reply(huge.as_bytes()) {
        // 64-bit: representable, so the rest is just not there yet.
        Ok(None) if usize::BITS == 64 => {}
        Err(e) if usize::BITS < 64 => assert!(e.0.contains("out of range"), "{e}"),
        other => panic!("{other:?}"),
    }
}
