//! ACL on a simulated cluster (the path the browser's console takes):
//! users are per node and never propagated (acl.c keeps them in memory,
//! the bus carries none), AUTH switches users, NOPERM comes before
//! routing (`processCommand` checks ACL before `getNodeByQuery`), and
//! the ACL log records the denial. The byte-for-byte comparison with
//! redis-server is `native/acl.rs`.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{quiet_cluster as cluster, text};

fn send(sim: &mut Sim, node: &str, client: u64, line: &str) -> Value {
    let idx = sim.index_of(node).expect("node exists");
    let args = clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line");
    sim.command(idx, ClientId(client), args)
        .expect("immediate reply")
}

fn cmd(sim: &mut Sim, node: &str, client: u64, line: &str) -> String {
    text(&send(sim, node, client, line))
}

#[test]
fn users_are_per_node_and_checked_before_routing() {
    let mut sim = cluster();
    assert_eq!(
        cmd(&mut sim, "A", 1, "ACL SETUSER u on >pw ~a* -@all +get"),
        "OK"
    );
    // ACLDescribeUser's text (the password as its SHA-256).
    assert_eq!(
        send(&mut sim, "A", 1, "ACL LIST"),
        Value::Array(vec![
            Value::bulk("user default on nopass ~* &* +@all"),
            Value::bulk("user u on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~a* resetchannels -@all +get"),
        ])
    );
    // Not propagated: B knows only the default user.
    assert_eq!(
        cmd(&mut sim, "B", 1, "AUTH u pw"),
        "WRONGPASS invalid username-password pair or user is disabled."
    );
    assert_eq!(cmd(&mut sim, "A", 2, "AUTH u pw"), "OK");
    // A subcommand is denied by its full name.
    assert_eq!(
        cmd(&mut sim, "A", 2, "ACL WHOAMI"),
        "NOPERM this user has no permissions to run the 'acl|whoami' command"
    );
    // Any key but a*: NOPERM, wherever its slot is served.
    for key in ["b", "zz", "{x}y"] {
        assert_eq!(
            cmd(&mut sim, "A", 2, &format!("GET {key}")),
            "NOPERM this user has no permissions to access one of the keys used as arguments"
        );
    }
    assert_eq!(
        cmd(&mut sim, "A", 2, "SET a1 v"),
        "NOPERM this user has no permissions to run the 'set' command"
    );
    let log = send(&mut sim, "A", 1, "ACL LOG 1");
    let Value::Array(entries) = log else {
        panic!("{log:?}")
    };
    let Value::Map(fields) = &entries[0] else {
        panic!("{entries:?}")
    };
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| text(f) == k)
            .map(|(_, v)| text(v))
    };
    assert_eq!(get("reason").as_deref(), Some("command"));
    assert_eq!(get("object").as_deref(), Some("set"));
    assert_eq!(get("username").as_deref(), Some("u"));
    assert_eq!(get("context").as_deref(), Some("toplevel"));
    // DRYRUN agrees with what ran.
    assert_eq!(cmd(&mut sim, "A", 1, "ACL DRYRUN u get a1"), "OK");
    assert_eq!(
        cmd(&mut sim, "A", 1, "ACL DRYRUN u get b"),
        "This user has no permissions to access the 'b' key"
    );
    // requirepass is the default user's password, on this node only.
    assert_eq!(cmd(&mut sim, "A", 1, "CONFIG SET requirepass s3"), "OK");
    assert_eq!(
        cmd(&mut sim, "A", 3, "PING"),
        "NOAUTH Authentication required."
    );
    assert_eq!(cmd(&mut sim, "B", 3, "PING"), "PONG");
    assert_eq!(cmd(&mut sim, "A", 3, "AUTH s3"), "OK");
    assert_eq!(cmd(&mut sim, "A", 3, "PING"), "PONG");
}
