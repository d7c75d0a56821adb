//! `served(CMD by NODE)` and `multi_key(by NODE)`: what a node answered itself.
//! Redis routing (`getNodeByQuery`): a replica redirects reads with MOVED unless the
//! connection sent READONLY, and a command whose keys span two slots gets CROSSSLOT even
//! when one node owns both; only the replies a node really served count.

use clusterlab_core::lesson::{parse, Predicate, Session};

const HEAD: &str = "---\nid: t\ntitle: T\norder: 1\nseed: 11\n---\n";

fn holds(s: &Session, text: &str) -> bool {
    let p = Predicate::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    p.eval(s).0
}

fn send(s: &mut Session, node: &str, cmd: &str) -> String {
    let args: Vec<String> = cmd.split(' ').map(String::from).collect();
    s.command(node, &args).expect("node is up")
}

#[test]
fn a_replica_serves_reads_only_after_readonly() {
    let lesson = parse("t.md", HEAD).expect("valid");
    let mut s = Session::start(&lesson).expect("builds");
    s.start_objectives();
    // product:9999 is slot 8311, B's; B1 is B's replica.
    assert_eq!(send(&mut s, "B", "SET product:9999 1"), "OK");
    assert!(send(&mut s, "B1", "GET product:9999").starts_with("(error) MOVED 8311"));
    assert!(holds(&s, "served(GET by B1) == 0"));
    assert!(holds(&s, "served(GET) == 0"));
    assert!(
        holds(&s, "served(set by B) == 1"),
        "names compare case-insensitively"
    );
    send(&mut s, "B1", "READONLY");
    s.advance(1000); // replication to B1 is asynchronous
    assert_eq!(send(&mut s, "B1", "GET product:9999"), "\"1\"");
    assert!(holds(&s, "served(GET by B1) == 1"));
    assert!(holds(&s, "served(GET by B) == 0"));
}

#[test]
fn multi_key_counts_commands_on_several_keys_of_one_slot() {
    let lesson = parse("t.md", HEAD).expect("valid");
    let mut s = Session::start(&lesson).expect("builds");
    // Before the learner's turn: not counted.
    send(&mut s, "A", "MSET {u}:a 1 {u}:b 2");
    s.start_objectives();
    assert!(
        holds(&s, "multi_key() == 0"),
        "counts start with the learner's turn"
    );
    // Both slots are A's (1649, 3200), yet CROSSSLOT: not served.
    assert!(send(&mut s, "A", "MSET user:1000 a user:5000 b").starts_with("(error) CROSSSLOT"));
    // One key, or the same key twice: not a multi-key command.
    send(&mut s, "A", "MSET user:1000 a");
    send(&mut s, "A", "MSET user:1000 a user:1000 b");
    assert!(holds(&s, "multi_key() == 0"));
    assert_eq!(
        send(&mut s, "A", "MSET {user:1000}:a 1 {user:1000}:b 2"),
        "OK"
    );
    assert!(holds(&s, "multi_key() == 1"));
    assert!(holds(&s, "multi_key(by A) == 1"));
    assert!(holds(&s, "multi_key(by B) == 0"));
}

#[test]
fn bad_uses_are_parse_errors() {
    assert!(
        Predicate::parse("served() >= 1").is_err(),
        "needs a command name"
    );
    assert!(
        Predicate::parse("multi_key(x) >= 1").is_err(),
        "takes no argument"
    );
}
