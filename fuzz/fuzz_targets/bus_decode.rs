//! The cluster bus decoder (`clusterMsg`, what `clusterReadHandler` and
//! `clusterProcessPacket` read from a peer): any bytes either decode or give
//! a `WireError`, never a panic; a frame that decodes re-encodes to a frame
//! that decodes to the same message, and re-encoding that is stable.
//!
//! The input is tried as is, and again with `totlen` patched to the input's
//! length, so mutations that grow or shrink a real frame still reach the
//! payload decoders instead of stopping at the length check.
#![no_main]

use clusterlab_core::msg::wire::{frame_len, PREFIX_LEN};
use clusterlab_core::msg::Message;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(data);
    if data.len() >= PREFIX_LEN {
        let mut patched = data.to_vec();
        let len = u32::try_from(data.len()).expect("fuzz inputs are small");
        patched[4..8].copy_from_slice(&len.to_be_bytes());
        check(&patched);
    }
});

fn check(frame: &[u8]) {
    if let Ok(Some(len)) = frame_len(frame) {
        assert!(len >= PREFIX_LEN);
    }
    let Ok(msg) = Message::decode(frame) else {
        return;
    };
    let bytes = msg.encode();
    assert_eq!(bytes.len(), msg.encoded_len());
    assert_eq!(frame_len(&bytes), Ok(Some(bytes.len())));
    let again = Message::decode(&bytes).expect("a re-encoded frame decodes");
    assert_eq!(again, msg);
    assert_eq!(again.encode(), bytes);
}
