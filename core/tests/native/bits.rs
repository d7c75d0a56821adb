//! Bitmaps (bitops.c), HINCRBYFLOAT, EXPIRETIME/PEXPIRETIME, LOLWUT, QUIT,
//! MODULE and the commands a cluster node refuses, against redis-server
//! 7.0.15: the same commands go to a real node and to a clusterlab-node
//! (each owning every slot) in RESP2 and in RESP3 and every reply must be
//! the same bytes; then what a master streams for the writes among them.

use crate::common::native;

use clusterlab_core::resp::parse_reply;
use native::compare::{assert_same_replies, pair, Raw};
use native::mixed::Member;
use native::stream::{run, without_framing, Streams};
use std::io::{Read, Write};
use std::net::TcpStream;

/// `bitcountCommand` and `bitposCommand`: BYTE and BIT ranges, negative
/// and out-of-range ends, the order of their checks (the key before the
/// arguments for BITCOUNT; the bit, then the key, for BITPOS).
const COUNT_AND_POS: &[&str] = &[
    // 0xff 0xf0 0x00, 0xff 0xff, 0x00 0x00 0x01, made with BITFIELD.
    "BITFIELD {t}b SET u8 0 255 SET u8 8 240 SET u8 16 0",
    "BITFIELD {t}ones SET u16 0 65535",
    "BITFIELD {t}z SET u24 0 1",
    "SET {t}s foobar",
    "BITCOUNT {t}s",
    "BITCOUNT {t}s 1 1",
    "BITCOUNT {t}s 1 1 BYTE",
    "BITCOUNT {t}s 5 30 BIT",
    "BITCOUNT {t}s 2 -3 bit",
    "BITCOUNT {t}s -5 -1 bit",
    "BITCOUNT {t}s -100 -50",
    "BITCOUNT {t}s -1 -2 FOO",
    "BITCOUNT {t}s 0 -1 FOO",
    "BITCOUNT {t}s 0",
    "BITCOUNT {t}s a 1",
    "BITCOUNT {t}s 0 1 bit x",
    "BITCOUNT {t}none 0",
    "BITCOUNT {t}b 3 13 bit",
    "BITCOUNT {t}b 12 12 bit",
    "BITCOUNT {t}b 11 11 bit",
    "BITCOUNT {t}ones 1 14 bit",
    "BITCOUNT {t}z -1 -1 bit",
    "BITPOS {t}b 0",
    "BITPOS {t}b 1",
    "BITPOS {t}b 0 0 -1",
    "BITPOS {t}b 1 2",
    "BITPOS {t}b 0 2",
    "BITPOS {t}b 0 2 -1",
    "BITPOS {t}b 1 7 15 bit",
    "BITPOS {t}b 0 7 15 bit",
    "BITPOS {t}b 0 0 11 bit",
    "BITPOS {t}b 0 0 12 bit",
    "BITPOS {t}b 0 1 11 bit",
    "BITPOS {t}b 0 12 13 bit",
    "BITPOS {t}b 1 12 23 bit",
    "BITPOS {t}b 1 3 2",
    "BITPOS {t}b 0 -100 -50",
    "BITPOS {t}ones 0",
    "BITPOS {t}ones 0 0",
    "BITPOS {t}ones 0 0 -1",
    "BITPOS {t}ones 0 0 -1 bit",
    "BITPOS {t}ones 0 3 15 bit",
    "BITPOS {t}ones 0 -3 -1 bit",
    "BITPOS {t}ones 1 1 1 bit",
    "BITPOS {t}z 1",
    "BITPOS {t}z 1 0 22 bit",
    "BITPOS {t}z 1 0 23 bit",
    "BITPOS {t}z 0 0 -1 bit",
    "BITPOS {t}z 1 -1",
    "BITPOS {t}b 2",
    "BITPOS {t}b x",
    "BITPOS {t}none 1 a b c d",
    "BITPOS {t}none 0",
    "BITPOS {t}b 0 0 1 2 3",
    "BITPOS {t}b 0 x",
    "BITPOS {t}b 0 0 x",
    "BITPOS {t}b 0 0 1 foo",
    "BITPOS {t}b 0 x 1 foo",
    "BITPOS {t}b 0 0 x foo",
    "RPUSH {t}l a",
    "BITPOS {t}l 1",
    "BITPOS {t}l 2",
    "BITCOUNT {t}l",
    // GETBIT/SETBIT: the offset (512 MB of bits at most), then the bit,
    // then the type.
    "GETBIT {t}s 1",
    "GETBIT {t}s 100000",
    "GETBIT {t}s -1",
    "GETBIT {t}s 4294967296",
    "GETBIT {t}l 0",
    "SETBIT {t}s2 4294967296 1",
    "SETBIT {t}s2 7 2",
    "SETBIT {t}s2 x 1",
    "SETBIT {t}l 0 1",
    "SETBIT {t}s2 7 1",
    "SETBIT {t}s2 7 1",
    "GET {t}s2",
];

/// `bitopCommand`: each operation, padding, NOT's single key, a missing
/// result deleting the destination, the TTL going with a stored result.
const BITOP: &[&str] = &[
    "BITOP and {t}d {t}b {t}ones {t}z",
    "GET {t}d",
    "BITOP OR {t}d {t}b {t}ones {t}z",
    "GET {t}d",
    "BITOP xor {t}d {t}b {t}ones",
    "GET {t}d",
    "BITOP not {t}d {t}b",
    "GET {t}d",
    "BITOP not {t}d {t}b {t}ones",
    "BITOP nand {t}d {t}b",
    "BITOP and {t}d {t}none1 {t}none2",
    "EXISTS {t}d",
    "SET {t}d x EX 100",
    "BITOP or {t}d {t}b",
    "TTL {t}d",
    "BITOP and {t}d {t}b {t}l",
    "BITOP and {t}l {t}b",
    "TYPE {t}l",
    "BITOP NOT {t}d3 {t}l",
    "BITOP and {t}d2",
    // Keys in different slots (no hash tag).
    "BITOP and {t}d x y",
];

/// `bitfieldGeneric`: every type and overflow mode at its limits, `#`
/// offsets, the parse errors in order, BITFIELD_RO's refusal.
const BITFIELD: &[&str] = &[
    "BITFIELD {t}bf SET i8 0 100",
    "BITFIELD {t}bf GET i8 0 GET u8 0 GET u4 0 GET i4 4 GET i64 0 GET u63 1",
    "BITFIELD {t}bf INCRBY i8 0 100",
    "BITFIELD {t}bf OVERFLOW SAT INCRBY i8 0 100",
    "BITFIELD {t}bf OVERFLOW FAIL INCRBY i8 0 100 INCRBY i8 0 -10",
    "BITFIELD {t}bf overflow wrap incrby u8 8 300",
    "BITFIELD {t}bf OVERFLOW SAT INCRBY u8 8 300 INCRBY u8 8 -1000",
    "BITFIELD {t}bf SET u8 #3 255 GET u8 #3 GET u8 24",
    "BITFIELD {t}bf SET i64 0 -1 GET i64 0 GET u63 0 GET u63 1",
    "BITFIELD {t}bf INCRBY i64 0 1",
    "BITFIELD {t}bf OVERFLOW SAT SET i64 0 9223372036854775807 INCRBY i64 0 1",
    "BITFIELD {t}bf OVERFLOW WRAP INCRBY i64 0 1",
    "BITFIELD {t}bf OVERFLOW FAIL INCRBY i64 0 -1",
    "BITFIELD {t}bf OVERFLOW SAT INCRBY i64 0 -9223372036854775808",
    "BITFIELD {t}bf OVERFLOW SAT SET u63 0 -1",
    "BITFIELD {t}bf OVERFLOW WRAP SET u63 0 -1",
    "BITFIELD {t}bf OVERFLOW FAIL SET u8 0 256",
    "BITFIELD {t}bf OVERFLOW SAT SET i8 0 -9223372036854775808",
    "BITFIELD {t}bf OVERFLOW WRAP SET i8 0 -9223372036854775808",
    "BITFIELD {t}bf OVERFLOW SAT SET i8 0 9223372036854775807",
    "BITFIELD {t}bf OVERFLOW SAT INCRBY u63 0 9223372036854775807",
    "BITFIELD {t}bf OVERFLOW WRAP INCRBY u63 0 9223372036854775807",
    "BITFIELD {t}bf OVERFLOW SAT INCRBY u1 100 5 INCRBY i1 101 -5 GET u2 100",
    "BITFIELD {t}bf GET u8 0 SET u8 0 7 INCRBY u8 0 1 OVERFLOW FAIL INCRBY u8 0 1000 OVERFLOW SAT INCRBY u8 0 1000",
    "BITFIELD {t}bf SET u64 0 1",
    "BITFIELD {t}bf SET i65 0 1",
    "BITFIELD {t}bf SET i0 0 1",
    "BITFIELD {t}bf SET x8 0 1",
    "BITFIELD {t}bf SET u8 -1 1",
    "BITFIELD {t}bf SET u8 #-1 1",
    "BITFIELD {t}bf SET u8 4294967296 1",
    "BITFIELD {t}bf SET u8 #536870912 1",
    "BITFIELD {t}bf GET u8 #x",
    "BITFIELD {t}bf SET u8 0 x",
    "BITFIELD {t}bf INCRBY u8 0 1.5",
    "BITFIELD {t}bf OVERFLOW foo GET u8 0",
    "BITFIELD {t}bf OVERFLOW",
    "BITFIELD {t}bf GET u8",
    "BITFIELD {t}bf foo u8 0",
    "BITFIELD {t}bf GET u8 0 SET u8 0",
    "BITFIELD {t}bf",
    "BITFIELD {t}bf OVERFLOW SAT",
    "BITFIELD {t}none GET u8 0 GET i16 #3",
    "EXISTS {t}none",
    // Every write failing still makes the key (`lookupStringForBitCommand`).
    "BITFIELD {t}none OVERFLOW FAIL INCRBY u8 0 1000",
    "STRLEN {t}none",
    "BITFIELD_RO {t}bf GET u8 0 GET i8 #1",
    "BITFIELD_RO {t}bf SET u8 0 1",
    "BITFIELD_RO {t}bf INCRBY u8 0 1 GET u8 0",
    "BITFIELD_RO {t}bf OVERFLOW SAT",
    "BITFIELD_RO {t}bf SET u8 0",
    "BITFIELD_RO {t}nokey GET u8 0",
    "BITFIELD {t}l GET u8 0",
    "BITFIELD {t}l SET u8 0 1",
    "BITFIELD_RO {t}l GET u8 0",
    "BITFIELD {t}l",
    "BITFIELD {t}l SET u8 x 1",
    "GET {t}bf",
];

/// HINCRBYFLOAT (long double, printed `%.17Lf` trimmed), EXPIRETIME and
/// PEXPIRETIME (`ttlGenericCommand` with absolute output).
const HASH_AND_TTL: &[&str] = &[
    "HINCRBYFLOAT {t}h f 10.5",
    "HINCRBYFLOAT {t}h f 0.1",
    "HINCRBYFLOAT {t}h f -5e-3",
    "HINCRBYFLOAT {t}h f 1.123456789012345678901",
    "HINCRBYFLOAT {t}h f 0.00000000000000000001",
    "HINCRBYFLOAT {t}h f 1e4000",
    "HINCRBYFLOAT {t}h f abc",
    "HINCRBYFLOAT {t}h f inf",
    "HINCRBYFLOAT {t}h f -inf",
    "HINCRBYFLOAT {t}h f nan",
    "HINCRBYFLOAT {t}h f 0x10",
    "HSET {t}h s abc i 5 big 1e308 inff inf",
    "HINCRBYFLOAT {t}h s 1",
    "HINCRBYFLOAT {t}h i 1.25",
    "HINCRBYFLOAT {t}h big 1e308",
    "HINCRBYFLOAT {t}h inff 1",
    "HINCRBYFLOAT {t}h g 3.0e3",
    "HGET {t}h big",
    "HGET {t}h f",
    "HINCRBYFLOAT {t}s f 1",
    "HINCRBYFLOAT {t}nohash f abc",
    "EXISTS {t}nohash",
    "HINCRBYFLOAT {t}h f 1 2",
    "SET {t}e1 v",
    "EXPIRETIME {t}e1",
    "PEXPIRETIME {t}e1",
    "EXPIRETIME {t}nokey",
    "PEXPIRETIME {t}nokey",
    "PEXPIREAT {t}e1 4102444800500",
    "EXPIRETIME {t}e1",
    "PEXPIRETIME {t}e1",
    "PEXPIREAT {t}e1 4102444800499",
    "EXPIRETIME {t}e1",
    "EXPIRETIME {t}e1 x",
];

/// LOLWUT's deterministic forms (7.0's text; Schotter with no row past the
/// second, where `rand()` is not used), MODULE without modules, and the
/// standalone commands a cluster node refuses.
const SERVER: &[&str] = &[
    "LOLWUT",
    "LOLWUT VERSION 7",
    "LOLWUT version x",
    "LOLWUT VERSION 5 66 8 2",
    "LOLWUT VERSION 5 10 3 1",
    "LOLWUT VERSION 5 1 1 1",
    "LOLWUT VERSION 5 3 2 2",
    "LOLWUT VERSION 5 1000 200 2",
    "LOLWUT VERSION 5 -5 -5 -5",
    "LOLWUT VERSION 5 40 x",
    "LOLWUT VERSION 4 40 1 1",
    "LOLWUT VERSION 0",
    "LOLWUT VERSION -1",
    "LOLWUT VERSION 4294967301 20 1 1",
    "LOLWUT VERSION 6 x",
    "LOLWUT VERSION",
    "LOLWUT foo bar",
    "MODULE LIST",
    "MODULE LIST x",
    "MODULE HELP",
    "MODULE LOAD x",
    "MODULE LOADEX x",
    "MODULE UNLOAD x",
    "MODULE",
    "MODULE foo",
    "MODULE LOAD",
    "MOVE {t}k 1",
    "MOVE {t}k",
    "SWAPDB 0 1",
    "SWAPDB x y",
    "FAILOVER",
    "FAILOVER ABORT",
    "REPLICAOF no one",
    "SLAVEOF no one",
    "REPLICAOF a",
];

#[test]
fn bit_hash_ttl_and_server_commands_reply_as_redis_7_0_15() {
    assert_same_replies(&[COUNT_AND_POS, BITOP, BITFIELD, HASH_AND_TTL, SERVER], ' ');
}

/// COMMAND INFO's name, arity, flags, key range and ACL categories (the
/// first seven fields) for each new command.
#[test]
fn command_info_matches_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    let info = |port: u16, name: &str| {
        let mut conn = Raw::connect(port, false);
        let reply = conn.send(&format!("COMMAND INFO {name}"));
        let (value, _) = parse_reply(reply.as_bytes()).unwrap().unwrap();
        let clusterlab_core::resp::Value::Array(outer) = value else {
            panic!("an array for {name}");
        };
        let clusterlab_core::resp::Value::Array(fields) = &outer[0] else {
            panic!("{name} is known: {reply}");
        };
        format!("{:?}", &fields[..7])
    };
    for name in [
        "bitcount",
        "bitpos",
        "bitop",
        "bitfield",
        "bitfield_ro",
        "getbit",
        "setbit",
        "hincrbyfloat",
        "expiretime",
        "pexpiretime",
        "lolwut",
        "quit",
        "module",
        "move",
        "swapdb",
        "failover",
        "replicaof",
        "slaveof",
    ] {
        assert_eq!(info(ours.port, name), info(real.port, name), "{name}");
    }
}

/// `quitCommand`: +OK, then the connection closes and nothing after QUIT
/// runs; QUIT is not queued in MULTI and is allowed while subscribed.
#[test]
fn quit_replies_ok_then_closes() {
    let (ours, real) = pair(2000, &[]);
    let session = |port: u16, bytes: &[u8]| {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        s.write_all(bytes).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).expect("closed by the server");
        String::from_utf8_lossy(&out).into_owned()
    };
    for bytes in [
        &b"PING\r\nQUIT\r\nPING\r\n"[..],
        b"MULTI\r\nSET {q}a 1\r\nQUIT\r\nEXEC\r\n",
        b"SUBSCRIBE c\r\nQUIT\r\nPING\r\n",
        b"QUIT a b c\r\n",
        b"HELLO 3\r\nCLIENT SETNAME x\r\nQUIT\r\n",
    ] {
        let (o, r) = (session(ours.port, bytes), session(real.port, bytes));
        // HELLO's map names the server and its ID: compare what follows.
        let tail = |s: &str| s.rsplit("mode").next().unwrap_or("").to_string();
        assert_eq!(tail(&o), tail(&r), "{}", String::from_utf8_lossy(bytes));
        assert!(o.ends_with("+OK\r\n"), "{o}");
    }
    let mut conn = Raw::connect(ours.port, false);
    assert_eq!(conn.send("EXISTS {q}a"), ":0\r\n", "the transaction died");
}

/// What 7.0.15 streams: SETBIT, BITFIELD and BITOP as sent, and only when
/// `server.dirty` moved (a bit set again, a field written with its own
/// value, a BITOP of nothing into nothing stream nothing; a BITFIELD whose
/// writes all fail made the key but streams nothing); HINCRBYFLOAT as
/// `HSET key field <sum>`.
const STREAMED: &[&str] = &[
    "SETBIT {t}s 7 1",
    "SETBIT {t}s 7 1",
    "SETBIT {t}s 3 0",
    "SETBIT {t}s 20 0",
    "SET {t}mark 1",
    "BITFIELD {t}f SET u8 0 5",
    "BITFIELD {t}f SET u8 0 5",
    "BITFIELD {t}f INCRBY u8 0 0 GET u8 0",
    "BITFIELD {t}f GET u8 0",
    "BITFIELD {t}f OVERFLOW FAIL INCRBY u8 0 1000",
    "BITFIELD {t}g OVERFLOW FAIL INCRBY u8 0 1000",
    "BITFIELD {t}f INCRBY u4 #3 1",
    "SET {t}mark 2",
    "BITOP and {t}d {t}none1 {t}none2",
    "BITOP or {t}d {t}s {t}f",
    "BITOP and {t}d {t}none1",
    "BITOP not {t}d {t}f",
    "SET {t}mark 3",
    "HINCRBYFLOAT {t}h x 10.5",
    "HINCRBYFLOAT {t}h x 0.1",
    "HINCRBYFLOAT {t}h x abc",
    "HINCRBYFLOAT {t}h x 1e4000",
    "SET {t}mark 4",
];

#[test]
fn bit_writes_stream_as_a_real_7_0_master() {
    let Streams {
        ours,
        real_replica,
        real,
        tag,
        mut monitor,
        mut raw,
    } = Streams::start();
    let (mut ours_conn, mut real_conn) = (ours.conn(), real.conn());
    for line in STREAMED {
        let o = run(&mut ours_conn, line, &tag);
        let r = run(&mut real_conn, line, &tag);
        assert_eq!(o, r, "the reply to {line}");
    }
    run(&mut ours_conn, "SET {t}end x", &tag);
    run(&mut real_conn, "SET {t}end x", &tag);
    let end = format!("{tag}end");
    let ours_stream = without_framing(monitor.until(&end));
    let real_stream = without_framing(raw.until(&end));
    assert_eq!(ours_stream, real_stream, "our master's stream vs 7.0.15's");
    assert!(
        ours_stream
            .iter()
            .any(|c| c[0].eq_ignore_ascii_case("hset")),
        "the stream was read: {ours_stream:?}"
    );
    // The replica of ours stored HINCRBYFLOAT's text as the master did.
    let mut replica = real_replica.conn();
    let _: () = redis::cmd("READONLY").query(&mut replica).unwrap();
    let sum = run(&mut replica, "HGET {t}h x", &tag);
    assert_eq!(sum, run(&mut real_conn, "HGET {t}h x", &tag));
}
