//! Client commands per second through the whole server path without a
//! network: RESP request bytes → `parse_request` → `Node::handle(Input::Command)`
//! → `poll_output` → `Value::encode`, on one node that owns every slot (so no
//! redirections). The commands are those `scripts/bench-node.sh` times against
//! redis-server (SET, GET, ZADD, ZRANGE, LPUSH, XADD, EVALSHA), on keys of
//! the same shapes, plus MGET of 10 keys sharing a hash tag.
//!
//! `cargo bench --bench commands`; criterion prints the rate as elem/s
//! (one element = one command).

use clusterlab_core::node::{Admin, ClientId, Input, Node, Output};
use clusterlab_core::resp::{parse_request, Limits, Protocol};
use clusterlab_core::{Config, SlotSet, Time};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

/// A node alone with all 16384 slots, with a client connection.
struct Server {
    node: Node,
    now: Time,
    out: Vec<u8>,
}

impl Server {
    fn new() -> Server {
        let addr = "127.0.0.1:7000".parse().expect("address");
        let mut node = Node::new(Config::default(), addr, 17000, 1, Time::ZERO);
        node.handle(
            Time::ZERO,
            Input::Admin(Box::new(Admin::AddSlots(SlotSet::full()))),
        );
        let added = std::iter::from_fn(|| node.poll_output())
            .any(|o| matches!(o, Output::AdminReply(Ok(_))));
        assert!(added, "a fresh node takes every slot");
        let mut now = Time::ZERO;
        while !node.state_ok() {
            now = now + 100;
            node.handle(now, Input::Timeout);
            while node.poll_output().is_some() {}
            assert!(now < Time(10_000), "cluster_state:ok");
        }
        Server {
            node,
            now,
            out: Vec::with_capacity(4096),
        }
    }

    /// One command, bytes in to bytes out; returns the reply's size.
    fn serve(&mut self, request: &[u8]) -> usize {
        let req = parse_request(request, Limits::default())
            .expect("valid request")
            .expect("complete request");
        let client = ClientId(1);
        self.node.handle(
            self.now,
            Input::Command {
                client,
                args: req.args,
            },
        );
        self.out.clear();
        while let Some(output) = self.node.poll_output() {
            if let Output::Reply { value, .. } = output {
                value.encode(Protocol::Resp2, &mut self.out);
            }
        }
        self.out.len()
    }

    fn run(&mut self, words: &[&str]) -> Vec<u8> {
        self.serve(&request(words));
        self.out.clone()
    }
}

fn request(words: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", words.len()).into_bytes();
    for w in words {
        out.extend(format!("${}\r\n{w}\r\n", w.len()).bytes());
    }
    out
}

/// Requests that differ in one number, as redis-benchmark's `__rand_int__`
/// makes them (`-r 100000`): `make(i)` for a spread of `i` below 100 000.
struct Rotation {
    requests: Vec<Vec<u8>>,
    next: usize,
}

impl Rotation {
    fn new(make: impl Fn(u32) -> Vec<u8>) -> Rotation {
        // A multiplicative step visits the key space in a scattered order.
        let requests = (0..4096u32).map(|i| make(i * 7919 % 100_000)).collect();
        Rotation { requests, next: 0 }
    }

    fn next(&mut self) -> &[u8] {
        self.next = (self.next + 1) % self.requests.len();
        &self.requests[self.next]
    }
}

/// Commands that grow one key without bound (LPUSH, XADD) delete it every
/// this many calls, which keeps memory flat; the DEL's cost is spread over
/// the calls.
const REGROW_EVERY: u32 = 10_000;

fn commands(c: &mut Criterion) {
    let mut server = Server::new();
    let keys: Vec<String> = (0..10).map(|i| format!("{{user:1000}}:{i}")).collect();
    for k in &keys {
        server.serve(&request(&["SET", k, "some value of 24 bytes.."]));
    }
    let mut mget_words = vec!["MGET"];
    mget_words.extend(keys.iter().map(String::as_str));
    let mget = request(&mget_words);
    assert!(server.serve(&mget) > 200);

    let script = "return redis.call('SET', KEYS[1], ARGV[1])";
    // The reply is `$40\r\n<sha>\r\n`.
    let loaded = String::from_utf8(server.run(&["SCRIPT", "LOAD", script])).expect("utf-8");
    let sha = loaded.split("\r\n").nth(1).expect("a SHA").to_owned();
    let string = |i: u32| format!("{{b}}:s:{i:012}");
    let mut set = Rotation::new(|i| request(&["SET", &string(i), "xxx"]));
    let mut get = Rotation::new(|i| request(&["GET", &string(i)]));
    let mut zadd =
        Rotation::new(|i| request(&["ZADD", "{b}:z", &i.to_string(), &format!("m:{i}")]));
    let mut evalsha = Rotation::new(|i| request(&["EVALSHA", &sha, "1", &string(i), "xxx"]));
    let zrange = request(&["ZRANGE", "{b}:z", "0", "9"]);
    let lpush = request(&["LPUSH", "{b}:l", "xxx"]);
    let xadd = request(&["XADD", "{b}:x", "*", "f", "xxx"]);
    for _ in 0..4096 {
        server.serve(set.next());
        server.serve(zadd.next());
    }
    assert!(server.serve(get.next()) > 5 && server.serve(&zrange) > 50);
    assert!(server.serve(evalsha.next()) == 5, "EVALSHA answers +OK");

    let mut group = c.benchmark_group("commands");
    group.throughput(Throughput::Elements(1));
    group.bench_function("SET", |b| b.iter(|| server.serve(black_box(set.next()))));
    group.bench_function("GET", |b| b.iter(|| server.serve(black_box(get.next()))));
    group.bench_function("ZADD", |b| b.iter(|| server.serve(black_box(zadd.next()))));
    group.bench_function("ZRANGE 0 9 of 4096", |b| {
        b.iter(|| server.serve(black_box(&zrange)))
    });
    for (name, req, key) in [("LPUSH", &lpush, "{b}:l"), ("XADD", &xadd, "{b}:x")] {
        let del = request(&["DEL", key]);
        let mut calls = 0u32;
        group.bench_function(name, |b| {
            b.iter(|| {
                calls += 1;
                if calls.is_multiple_of(REGROW_EVERY) {
                    server.serve(&del);
                }
                server.serve(black_box(req))
            })
        });
    }
    group.bench_function("EVALSHA", |b| {
        b.iter(|| server.serve(black_box(evalsha.next())))
    });
    group.bench_function("MGET 10 keys", |b| {
        b.iter(|| server.serve(black_box(&mget)))
    });
    group.finish();
}

criterion_group!(benches, commands);
criterion_main!(benches);
