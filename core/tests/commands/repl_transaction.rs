//! A transaction over replication, as Redis 7.0 does it: the master streams
//! the writes of an EXEC'd transaction wrapped in `MULTI` … `EXEC` (one
//! write goes out alone), and the replica queues what follows the streamed
//! `MULTI`, so it applies the transaction whole at `EXEC` or not at all.
//! `native/stream_writes.rs` checks the same streams against a real
//! redis-server 7.0.15 master.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, in_flight_stream, quiet_cluster, run_for};

const CLIENT: ClientId = ClientId(1);
const READER: ClientId = ClientId(2);

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

/// `key` as replica `node` serves it to a READONLY client.
fn get(sim: &mut Sim, node: usize, key: &str) -> Option<Value> {
    sim.command(node, READER, args("READONLY"));
    sim.command(node, READER, args(&format!("GET {key}")))
}

#[test]
fn a_replica_applies_a_streamed_transaction_whole() {
    let mut sim = quiet_cluster();
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let t = (0..)
        .map(|i| format!("{{t{i}}}"))
        .find(|t| sim.command(a, CLIENT, args(&format!("GET {t}"))) == Some(Value::Null))
        .unwrap();
    // The stream's first write is behind us (with its `SELECT 0`).
    sim.command(a, CLIENT, args(&format!("SET {t}warm v")));
    run_for(&mut sim, 200);

    // Several writes: MULTI, the writes, EXEC; the read and the failed
    // INCR are not streamed.
    for line in ["MULTI", "SET {t}a 1", "GET {t}a", "INCR {t}a", "SET {t}b 2"] {
        let reply = sim.command(a, CLIENT, args(&line.replace("{t}", &t)));
        assert_eq!(
            reply,
            Some(Value::Simple(
                if line == "MULTI" { "OK" } else { "QUEUED" }.into()
            ))
        );
    }
    sim.command(a, CLIENT, args("EXEC"));
    let stream: Vec<String> = in_flight_stream(&sim, a)
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    assert_eq!(
        stream,
        [
            "MULTI",
            &format!("SET {t}a 1"),
            &format!("INCR {t}a"),
            &format!("SET {t}b 2"),
            "EXEC"
        ]
    );
    run_for(&mut sim, 200);
    assert_eq!(
        get(&mut sim, a1, &format!("{t}a")),
        Some(Value::Bulk(b"2".to_vec()))
    );
    assert_eq!(
        get(&mut sim, a1, &format!("{t}b")),
        Some(Value::Bulk(b"2".to_vec()))
    );

    // One write: it goes out alone.
    for line in ["MULTI", "GET {t}a", "SET {t}c 3", "EXEC"] {
        sim.command(a, CLIENT, args(&line.replace("{t}", &t)));
    }
    let stream: Vec<String> = in_flight_stream(&sim, a)
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    assert_eq!(stream, [format!("SET {t}c 3")]);
    run_for(&mut sim, 200);
    assert_eq!(
        get(&mut sim, a1, &format!("{t}c")),
        Some(Value::Bulk(b"3".to_vec()))
    );

    // The replica queues what follows MULTI: with the EXEC lost (a link
    // cut mid-transaction), none of the transaction's writes is applied,
    // though they reached the replica.
    for line in ["MULTI", "SET {t}d 4", "SET {t}a 5", "EXEC"] {
        sim.command(a, CLIENT, args(&line.replace("{t}", &t)));
    }
    let stream = in_flight_stream(&sim, a);
    assert_eq!(stream.len(), 4, "{stream:?}");
    assert_eq!(stream[3].1, "EXEC");
    assert!(sim.drop_message(stream[3].0));
    let offset = sim.node(a1).repl_offset();
    run_for(&mut sim, 200);
    assert!(
        sim.node(a1).repl_offset() > offset,
        "MULTI and the writes reached the replica"
    );
    assert_eq!(get(&mut sim, a1, &format!("{t}d")), Some(Value::Null));
    assert_eq!(
        get(&mut sim, a1, &format!("{t}a")),
        Some(Value::Bulk(b"2".to_vec()))
    );
    assert_eq!(
        get(&mut sim, a, &format!("{t}d")),
        Some(Value::Bulk(b"4".to_vec())),
        "the master ran it"
    );
}
