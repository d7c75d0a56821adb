//! HyperLogLog against redis-server 7.0.15 (`hyperloglog.c`), byte for
//! byte: the same PFADD sequences (random element sets, sparse and dense,
//! several `hll-sparse-max-bytes`) must leave the same string (GET) and
//! the same DUMP payload (LZF included) on a clusterlab-node and on a real
//! node; PFCOUNT, PFMERGE, PFDEBUG, the error texts for other types and
//! for crafted corrupt values must reply the same bytes in RESP2 and
//! RESP3; what a master streams for them must be what 7.0 streams; and
//! MIGRATE must carry them both ways.

use crate::common::native;

use clusterlab_core::resp::parse_reply;
use native::mixed::{one_master_cluster, replicate, tag_in, wait_state_ok, Member};
use native::stream::Streams;
use native::{require_redis_tools, NodeProc, RealRedis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::{Read, Write};
use std::net::TcpStream;

/// One raw connection: binary-safe commands out, the exact reply bytes back.
struct Raw {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Raw {
    fn connect(port: u16) -> Raw {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        Raw {
            stream,
            buf: Vec::new(),
        }
    }

    fn send(&mut self, args: &[Vec<u8>]) -> Vec<u8> {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.stream.write_all(&out).unwrap();
        loop {
            if let Some((_, n)) = parse_reply(&self.buf).expect("a well-formed reply") {
                return self.buf.drain(..n).collect();
            }
            let mut chunk = [0u8; 65536];
            let n = self.stream.read(&mut chunk).expect("a reply in time");
            assert!(n > 0, "connection closed");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    fn line(&mut self, line: &str) -> Vec<u8> {
        let args: Vec<Vec<u8>> = line.split(' ').map(|w| w.as_bytes().to_vec()).collect();
        self.send(&args)
    }
}

/// Both servers, each owning every slot.
fn servers() -> (NodeProc, RealRedis) {
    require_redis_tools();
    let ours = NodeProc::start(2000);
    let real = RealRedis::start(2000);
    for m in [&ours as &dyn Member, &real] {
        m.run(&["cluster", "addslotsrange", "0", "16383"]);
    }
    wait_state_ok(&[&ours, &real]);
    (ours, real)
}

/// The same command on both; the reply bytes must be equal.
fn same(o: &mut Raw, r: &mut Raw, args: &[Vec<u8>]) -> Vec<u8> {
    let (a, b) = (o.send(args), r.send(args));
    assert_eq!(
        String::from_utf8_lossy(&a),
        String::from_utf8_lossy(&b),
        "{:?} (ours, then redis-server 7.0.15)",
        args.iter()
            .map(|a| String::from_utf8_lossy(&a[..a.len().min(40)]).into_owned())
            .collect::<Vec<_>>()
    );
    a
}

fn words(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|w| w.as_bytes().to_vec()).collect()
}

/// A random element: text, a number, or arbitrary bytes (empty included).
fn element(rng: &mut ChaCha8Rng) -> Vec<u8> {
    match rng.random_range(0..3) {
        0 => format!("user:{}", rng.random::<u32>()).into_bytes(),
        1 => rng.random::<u64>().to_string().into_bytes(),
        _ => {
            let len = rng.random_range(0..24);
            (0..len).map(|_| rng.random()).collect()
        }
    }
}

/// `hllSparseSet`'s splits and merges, the promotion to dense (by size and
/// by a register above 32) and the estimator: random sets of 1 to 20 000
/// elements, added in random batches, under several
/// `hll-sparse-max-bytes`; after every set GET, DUMP (LZF-compressed as
/// `rdbSaveLzfStringObject` does), PFCOUNT (which writes the cache into
/// the header) and GET again are the same bytes. Then PFMERGE of random
/// groups (sparse and dense, missing keys) and PFCOUNT of several keys.
#[test]
fn random_sets_store_redis_bytes() {
    let (ours, real) = servers();
    let (mut o, mut r) = (Raw::connect(ours.port), Raw::connect(real.port));
    let mut rng = ChaCha8Rng::seed_from_u64(0x4859_4c4c);
    let sizes = [1, 3, 10, 50, 200, 600, 1500, 3000, 8000, 20_000];
    let limits = ["3000", "0", "150", "12000", "3000"];
    let mut keys = Vec::new();
    for (round, limit) in limits.iter().enumerate() {
        same(
            &mut o,
            &mut r,
            &words(&format!("CONFIG SET hll-sparse-max-bytes {limit}")),
        );
        for (i, &size) in sizes.iter().enumerate() {
            let key = format!("{{h}}k{round}.{i}").into_bytes();
            let mut left = rng.random_range(size / 2..=size);
            while left > 0 {
                let batch = rng.random_range(1..=left.min(400));
                let mut args = vec![b"PFADD".to_vec(), key.clone()];
                args.extend((0..batch).map(|_| element(&mut rng)));
                same(&mut o, &mut r, &args);
                left -= batch;
            }
            // Elements already seen change nothing (`:0`).
            same(&mut o, &mut r, &[b"PFADD".to_vec(), key.clone()]);
            for cmd in ["GET", "DUMP", "PFCOUNT", "GET", "PFCOUNT", "DUMP"] {
                same(&mut o, &mut r, &[cmd.as_bytes().to_vec(), key.clone()]);
            }
            same(
                &mut o,
                &mut r,
                &[b"PFDEBUG".to_vec(), b"ENCODING".to_vec(), key.clone()],
            );
            keys.push(key);
        }
    }
    same(
        &mut o,
        &mut r,
        &words("CONFIG SET hll-sparse-max-bytes 3000"),
    );
    for m in 0..12 {
        let dest = format!("{{h}}m{m}").into_bytes();
        let mut args = vec![b"PFMERGE".to_vec(), dest.clone()];
        for _ in 0..rng.random_range(0..5) {
            args.push(keys[rng.random_range(0..keys.len())].clone());
        }
        args.push(b"{h}missing".to_vec());
        same(&mut o, &mut r, &args);
        for cmd in ["GET", "DUMP", "PFCOUNT", "GET"] {
            same(&mut o, &mut r, &[cmd.as_bytes().to_vec(), dest.clone()]);
        }
        let mut count = vec![b"PFCOUNT".to_vec()];
        count.extend(args[1..].iter().cloned());
        same(&mut o, &mut r, &count);
    }
}

/// A sparse header (encoding 1, cache marked invalid, so PFCOUNT reads
/// the registers) followed by `body`.
fn sparse_with(body: &[u8]) -> Vec<u8> {
    let mut v = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    v.extend_from_slice(body);
    v
}

/// A dense value (cache marked invalid) whose register bytes are all `fill`.
fn dense_with(fill: u8, len: usize) -> Vec<u8> {
    let mut v = b"HYLL\0\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    v.resize(len, fill);
    v
}

/// Crafted values and the replies `hyperloglog.c` gives them, plus every
/// error text and PFDEBUG subcommand, in RESP2 then RESP3.
#[test]
fn errors_corrupt_values_and_pfdebug_reply_as_redis() {
    let (ours, real) = servers();
    for (tag, resp3) in [("{r2}", false), ("{r3}", true)] {
        let (mut o, mut r) = (Raw::connect(ours.port), Raw::connect(real.port));
        if resp3 {
            o.line("HELLO 3");
            r.line("HELLO 3");
        }
        let k = |name: &str| format!("{tag}{name}").into_bytes();
        let crafted: Vec<(&str, Vec<u8>)> = vec![
            // Opcodes covering 100 registers: too few.
            ("short", sparse_with(&[0x40, 99])),
            // XZERO(16384) then a VAL: one register too many.
            ("long", sparse_with(&[0x7f, 0xff, 0x80])),
            // A ZERO past the end.
            ("zeros", sparse_with(&[0x7f, 0xff, 0x00])),
            // An XZERO cut by the end of the string.
            ("cut", sparse_with(&[0x7f])),
            // Dense registers all 63: the estimate divides by zero.
            ("sat", dense_with(0xff, 16 + 12288)),
            // Dense registers all 0x55 bytes (mixed values).
            ("mixed", dense_with(0x55, 16 + 12288)),
            // Not HLLs: short, wrong length for dense, unknown encoding.
            ("tiny", b"HYLL".to_vec()),
            ("denseshort", dense_with(0, 100)),
            ("enc2", b"HYLL\x02\0\0\0\0\0\0\0\0\0\0\0\x7f\xff".to_vec()),
            ("magic", b"HYLX\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff".to_vec()),
            // A valid cache of 12345 on an empty sparse value, and a valid
            // cache of 0 on a corrupt one: PFCOUNT answers the cache.
            (
                "cached",
                b"HYLL\x01\0\0\0\x39\x30\0\0\0\0\0\0\x7f\xff".to_vec(),
            ),
            (
                "cachedshort",
                b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x40\x63".to_vec(),
            ),
        ];
        for (name, value) in &crafted {
            same(&mut o, &mut r, &[b"SET".to_vec(), k(name), value.clone()]);
        }
        same(
            &mut o,
            &mut r,
            &[b"RPUSH".to_vec(), k("list"), b"x".to_vec()],
        );
        same(
            &mut o,
            &mut r,
            &[b"SET".to_vec(), k("str"), b"12345".to_vec()],
        );
        let mut script: Vec<String> = Vec::new();
        for name in crafted.iter().map(|(n, _)| *n).chain(["list", "str"]) {
            for cmd in [
                "PFCOUNT {k}",
                "GET {k}",
                "PFCOUNT {k} {t}none",
                "PFDEBUG DECODE {k}",
                "PFDEBUG ENCODING {k}",
                "PFMERGE {t}dest-{n} {k}",
                "GET {t}dest-{n}",
                "PFMERGE {k} {t}none",
                "PFADD {k} a b c d e f g h i j",
                "GET {k}",
                "PFADD {k}",
                "PFDEBUG TODENSE {k}",
                "GET {k}",
                "PFCOUNT {k}",
            ] {
                script.push(
                    cmd.replace("{k}", &format!("{tag}{name}"))
                        .replace("{n}", name)
                        .replace("{t}", tag),
                );
            }
        }
        for line in [
            "PFADD {t}e",
            "PFADD {t}e",
            "GET {t}e",
            "PFCOUNT {t}e",
            "PFMERGE {t}only",
            "GET {t}only",
            "PFADD {t}p x y z",
            "PFDEBUG DECODE {t}p",
            "PFDEBUG GETREG {t}p",
            "PFDEBUG ENCODING {t}p",
            "PFDEBUG DECODE {t}p",
            "PFDEBUG TODENSE {t}p",
            "PFDEBUG nope {t}p",
            "PFDEBUG nope {t}missing",
            "PFDEBUG GETREG {t}missing",
            "PFDEBUG GETREG",
            "PFADD",
            "PFCOUNT",
            "PFMERGE",
            "PFSELFTEST x",
            "PFCOUNT {t}p {t}e {t}none",
            "PFCOUNT {a}x {b}y",
            "PFMERGE {a}x {b}y",
            "PFCOUNT {t}p {t}list",
        ] {
            script.push(line.replace("{t}", tag));
        }
        for line in &script {
            same(&mut o, &mut r, &words(line));
        }
        // PFCOUNT is `may_replicate`: read-only scripts may not call it
        // (`scriptVerifyWriteCommandAllow`), others may.
        for (eval, body) in [
            (
                "EVAL",
                "#!lua flags=no-writes\nreturn redis.call('pfcount', KEYS[1])",
            ),
            ("EVAL_RO", "return redis.call('pfcount', KEYS[1])"),
            ("EVAL", "return redis.call('pfcount', KEYS[1])"),
        ] {
            let args = [eval, body, "1"].map(|a| a.as_bytes().to_vec());
            let mut args = args.to_vec();
            args.push(k("p"));
            same(&mut o, &mut r, &args);
        }
    }
}

/// `PFSELFTEST` passes (Redis's 1000 register rounds and 10 million
/// additions; several seconds in a debug build).
#[test]
fn pfselftest_passes() {
    let (ours, real) = servers();
    let (mut o, mut r) = (Raw::connect(ours.port), Raw::connect(real.port));
    same(&mut o, &mut r, &words("PFSELFTEST"));
}

/// What a clusterlab master streams for the HyperLogLog commands, against
/// a real 7.0 master: PFADD only when it changed something, PFCOUNT when
/// it wrote the cache (`server.dirty++`), PFDEBUG GETREG/TODENSE when they
/// converted, PFMERGE always. A real replica of ours ends with the same
/// bytes as the real master.
#[test]
fn hll_writes_stream_as_a_real_7_0_master() {
    let Streams {
        ours,
        real_replica,
        real,
        tag,
        mut monitor,
        mut raw,
    } = Streams::start();
    let (mut o, mut r) = (Raw::connect(ours.port), Raw::connect(real.port));
    let script = [
        "PFADD {t}a x y z",
        "PFADD {t}a x",
        "PFCOUNT {t}a",
        "PFCOUNT {t}a",
        "PFADD {t}a w",
        "PFCOUNT {t}a {t}none",
        "PFCOUNT {t}none",
        "PFDEBUG ENCODING {t}a",
        "PFDEBUG DECODE {t}a",
        "PFADD {t}b 1 2 3",
        "PFMERGE {t}c {t}a {t}b",
        "PFDEBUG TODENSE {t}b",
        "PFDEBUG TODENSE {t}b",
        "PFDEBUG GETREG {t}a",
        "PFCOUNT {t}c",
        "PFMERGE {t}c",
        "PFADD {t}s 1",
        "PFDEBUG GETREG {t}s",
        "SET {t}end x",
    ];
    for line in script {
        same(&mut o, &mut r, &words(&line.replace("{t}", &tag)));
    }
    let end = format!("{tag}end");
    // MONITOR does not show `admin` commands (`call()` skips them), so
    // PFDEBUG is left out of both lists; its conversions show in the
    // replica's values below.
    let skip = |s: Vec<Vec<String>>| {
        s.into_iter()
            .filter(|c| {
                !matches!(
                    c[0].to_ascii_uppercase().as_str(),
                    "SELECT" | "PING" | "PFDEBUG"
                )
            })
            .collect::<Vec<_>>()
    };
    let real_stream = raw.until(&end);
    assert!(real_stream.iter().any(|c| c[0] == "PFDEBUG"));
    assert_eq!(skip(monitor.until(&end)), skip(real_stream));
    let mut replica = Raw::connect(real_replica.port);
    replica.line("READONLY");
    let mut master = Raw::connect(real.port);
    for key in ["a", "b", "c", "s"] {
        let get = format!("GET {tag}{key}");
        assert_eq!(replica.line(&get), master.line(&get), "{get}");
    }
}

/// MIGRATE carries HyperLogLogs both ways (RESTORE-ASKING of each other's
/// DUMP payloads): the moved strings are the bytes the source held.
#[test]
fn migrate_moves_hlls_both_ways() {
    let (ours, real) = servers();
    let (mut o, mut r) = (Raw::connect(ours.port), Raw::connect(real.port));
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    for (name, n) in [("small", 20), ("dense", 5000)] {
        let mut args = vec![b"PFADD".to_vec(), format!("{{m}}{name}").into_bytes()];
        args.extend((0..n).map(|_| element(&mut rng)));
        same(&mut o, &mut r, &args);
    }
    for name in ["small", "dense"] {
        let key = format!("{{m}}{name}");
        let count = same(&mut o, &mut r, &words(&format!("PFCOUNT {key}")));
        let value = same(&mut o, &mut r, &words(&format!("GET {key}")));
        let to_real = format!("MIGRATE 127.0.0.1 {} {key} 0 5000 REPLACE", real.port);
        assert_eq!(o.line(&to_real), b"+OK\r\n");
        assert_eq!(o.line(&format!("EXISTS {key}")), b":0\r\n");
        assert_eq!(r.line(&format!("GET {key}")), value);
        let to_ours = format!("MIGRATE 127.0.0.1 {} {key} 0 5000", ours.port);
        assert_eq!(r.line(&to_ours), b"+OK\r\n");
        assert_eq!(o.line(&format!("GET {key}")), value);
        assert_eq!(o.line(&format!("PFCOUNT {key}")), count);
    }
}

/// A clusterlab replica of a real 7.0 master applies what the master
/// streams for HyperLogLogs (PFADD, PFCOUNT's cache write, PFMERGE,
/// PFDEBUG's conversions) and ends with the master's bytes.
#[test]
fn a_clusterlab_replica_applies_a_real_masters_hll_writes() {
    require_redis_tools();
    let real = RealRedis::start(2000);
    let ours = NodeProc::start(2000);
    one_master_cluster(&real, &ours);
    replicate(&ours, &real);
    let tag = format!("{{{}}}", tag_in(0..=16383));
    let mut master = Raw::connect(real.port);
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    for (key, n) in [("a", 30), ("b", 3000), ("c", 1)] {
        let mut args = vec![b"PFADD".to_vec(), format!("{tag}{key}").into_bytes()];
        args.extend((0..n).map(|_| element(&mut rng)));
        master.send(&args);
    }
    for line in [
        "PFCOUNT {t}a",
        "PFMERGE {t}m {t}a {t}c",
        "PFCOUNT {t}m",
        "PFDEBUG TODENSE {t}c",
        "PFADD {t}a one more",
        "PFMERGE {t}d {t}b {t}a",
        "SET {t}end x",
    ] {
        master.line(&line.replace("{t}", &tag));
    }
    let mut replica = Raw::connect(ours.port);
    replica.line("READONLY");
    native::wait_for(
        std::time::Duration::from_secs(10),
        "the replica to apply the stream",
        || replica.line(&format!("EXISTS {tag}end")) == b":1\r\n",
    );
    for key in ["a", "b", "c", "m", "d"] {
        let get = format!("GET {tag}{key}");
        assert_eq!(replica.line(&get), master.line(&get), "{get}");
    }
}
