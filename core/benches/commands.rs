//! Client commands per second through the whole server path without a
//! network: RESP request bytes → `parse_request` → `Node::handle(Input::Command)`
//! → `poll_output` → `Value::encode`, on one node that owns every slot (so no
//! redirections), for GET, SET, and MGET of 10 keys sharing a hash tag.
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
}

fn request(words: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", words.len()).into_bytes();
    for w in words {
        out.extend(format!("${}\r\n{w}\r\n", w.len()).bytes());
    }
    out
}

fn commands(c: &mut Criterion) {
    let mut server = Server::new();
    let keys: Vec<String> = (0..10).map(|i| format!("{{user:1000}}:{i}")).collect();
    for k in &keys {
        server.serve(&request(&["SET", k, "some value of 24 bytes.."]));
    }
    let get = request(&["GET", &keys[0]]);
    let set = request(&["SET", &keys[1], "another value, 24 bytes"]);
    let mut mget_words = vec!["MGET"];
    mget_words.extend(keys.iter().map(String::as_str));
    let mget = request(&mget_words);
    assert!(server.serve(&get) > 20 && server.serve(&mget) > 200);

    let mut group = c.benchmark_group("commands");
    group.throughput(Throughput::Elements(1));
    group.bench_function("GET", |b| b.iter(|| server.serve(black_box(&get))));
    group.bench_function("SET", |b| b.iter(|| server.serve(black_box(&set))));
    group.bench_function("MGET 10 keys", |b| {
        b.iter(|| server.serve(black_box(&mget)))
    });
    group.finish();
}

criterion_group!(benches, commands);
criterion_main!(benches);
