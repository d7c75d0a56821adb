//! The node's events, logged as readable lines and, with `--trace FILE`,
//! written as the simulator's JSON lines so a real run can be compared
//! with a simulated one. Times are unix ms, so the traces of several
//! processes merge by sorting; nodes are named by their short IDs.

use super::log::log;
use clusterlab_core::event::Event;
use clusterlab_core::id::NodeId;
use clusterlab_core::sim::{Names, TraceEvent};
use clusterlab_core::time::Time;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Where events go.
pub struct Tracer {
    me: NodeId,
    file: Option<BufWriter<File>>,
}

/// A native trace has one node (index 0, myself); others appear by ID.
struct ShortIds(NodeId);

impl Names for ShortIds {
    fn node_name(&self, _idx: usize) -> String {
        self.0.short().to_string()
    }

    fn id_name(&self, id: NodeId) -> String {
        id.short().to_string()
    }
}

impl Tracer {
    pub fn new(me: NodeId, path: Option<&Path>) -> Result<Tracer, String> {
        let file = path
            .map(|p| {
                File::create(p)
                    .map(BufWriter::new)
                    .map_err(|e| format!("cannot create trace file {}: {e}", p.display()))
            })
            .transpose()?;
        Ok(Tracer { me, file })
    }

    /// The file's first line, `{"t_ms":…,"node":"3f2a…","event":"start","port":7000,
    /// "node_timeout":5000}`: what a reader needs to rebuild the cluster's shape (ports order
    /// the nodes as `redis-cli --cluster create` does) and to simulate it with the same timeout.
    pub fn start(&mut self, t: Time, port: u16, node_timeout: u64) {
        if let Some(f) = &mut self.file {
            let line = serde_json::json!({
                "t_ms": t.ms(), "node": self.me.short(), "event": "start",
                "port": port, "node_timeout": node_timeout,
            });
            let _ = writeln!(f, "{line}");
        }
    }

    /// Logs one event to stderr and to the trace file, if any.
    pub fn event(&mut self, t: Time, event: Event) {
        let names = ShortIds(self.me);
        let te = TraceEvent { t, node: 0, event };
        log!("{}", te.to_text(&names).trim_end());
        if let Some(f) = &mut self.file {
            let _ = writeln!(f, "{}", te.to_json(&names));
        }
    }

    /// Pushes buffered lines to the file (after each batch of outputs).
    pub fn flush(&mut self) {
        if let Some(f) = &mut self.file {
            let _ = f.flush();
        }
    }
}
