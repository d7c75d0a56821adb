//! RESP from the network, both ways: the server's request parser (inline and
//! multibulk, `processInputBuffer`) and the client's reply parser.
//!
//! The first input byte picks the limits and the read size; the rest is what
//! the socket delivered. Beyond "never panics" it checks what a server
//! relies on: a request uses 1..=len bytes, errors are Redis's
//! `Protocol error: …`, the outcome does not depend on how the bytes were
//! split across reads, and a parsed request re-encoded as multibulk parses
//! back to the same arguments. Replies must re-encode, in RESP2 and RESP3, as
//! exactly one well-framed reply.
#![no_main]

use clusterlab_core::resp::{
    parse_reply, parse_request, Limits, Protocol, DEFAULT_MAX_BULK_LEN, INLINE_MAX_SIZE,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, bytes)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        unauthenticated: ctl & 1 != 0,
        max_bulk_len: if ctl & 2 != 0 {
            16
        } else {
            DEFAULT_MAX_BULK_LEN
        },
    };
    let read_size = usize::from(ctl >> 2) + 1;
    let whole = requests(bytes, bytes.len().max(1), limits);
    let chunked = requests(bytes, read_size, limits);
    // Past 64 KB the "too big" checks see different buffers, as in Redis.
    if bytes.len() <= INLINE_MAX_SIZE {
        assert_eq!(whole, chunked, "read size {read_size}");
    }
    for args in whole.0.iter().filter(|a| !a.is_empty()) {
        let again = parse_request(&multibulk(args), Limits::default())
            .expect("a re-encoded request parses")
            .expect("a re-encoded request is complete");
        assert_eq!(&again.args, args);
    }
    replies(bytes);
});

/// Feeds `bytes` `read_size` at a time as a server reads a socket: every
/// complete request, then the protocol error that closes the client, if any.
fn requests(bytes: &[u8], read_size: usize, limits: Limits) -> (Vec<Vec<Vec<u8>>>, Option<String>) {
    let mut buf = Vec::new();
    let mut out = Vec::new();
    for chunk in bytes.chunks(read_size) {
        buf.extend_from_slice(chunk);
        loop {
            match parse_request(&buf, limits) {
                Ok(Some(req)) => {
                    assert!(req.consumed > 0 && req.consumed <= buf.len());
                    buf.drain(..req.consumed);
                    out.push(req.args);
                }
                Ok(None) => break,
                Err(e) => {
                    let text = e.to_string();
                    assert!(text.starts_with("Protocol error: "), "{text}");
                    return (out, Some(text));
                }
            }
        }
    }
    (out, None)
}

fn multibulk(args: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend(format!("${}\r\n", a.len()).bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Parses replies one after another, as a client reading a connection.
fn replies(mut bytes: &[u8]) {
    while let Ok(Some((value, used))) = parse_reply(bytes) {
        assert!(used > 0 && used <= bytes.len());
        bytes = &bytes[used..];
        for proto in [Protocol::Resp2, Protocol::Resp3] {
            let wire = value.to_bytes(proto);
            match parse_reply(&wire) {
                Ok(Some((_, n))) if n == wire.len() => {}
                other => panic!("{value:?} re-encodes as {wire:?}, which parses as {other:?}"),
            }
        }
    }
}
