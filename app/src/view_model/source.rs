//! Where explained events come from: the live simulation ([`Sim`]) or a trace file read back
//! ([`ImportedRun`], the core's `Recorded`). The log's sentences and the "why?" panel are written
//! once, over this trait, so an imported run reads exactly like the playground's.

use clusterlab_core::id::NodeId;
use clusterlab_core::sim::{Names, Sim, TimedAction, TraceEvent, Why};
use clusterlab_core::trace_file::{Recorded, TraceLine};
use clusterlab_core::Time;

/// A run's events, faults and explanations, with its nodes' names.
pub trait EventSource: Names {
    /// The node events; a `Cause::Event` and an `EventRef` index them.
    fn trace(&self) -> &[TraceEvent];
    /// The faults; a `Cause::Fault` indexes them.
    fn faults(&self) -> &[TimedAction];
    /// Why event `index` happened (the core's explanation).
    fn why(&self, index: usize) -> Option<Why>;
    /// Time `t` as shown: the simulation's own clock, or a file's time since its first line.
    fn shown(&self, t: Time) -> Time {
        t
    }
}

impl EventSource for Sim {
    fn trace(&self) -> &[TraceEvent] {
        Sim::trace(self)
    }
    fn faults(&self) -> &[TimedAction] {
        Sim::faults(self)
    }
    fn why(&self, index: usize) -> Option<Why> {
        Sim::why(self, index)
    }
}

/// An imported trace file, read back into events. A native node writes wall-clock times
/// (milliseconds since 1970): they are shown from the file's first line, as the simulation's
/// are from its start.
#[derive(Debug)]
pub struct ImportedRun {
    pub recorded: Recorded,
    origin: u64,
}

impl ImportedRun {
    /// Reads `lines` (the core's strict reader); the error names the line it stopped at.
    pub fn read(lines: &[TraceLine]) -> Result<ImportedRun, String> {
        Ok(ImportedRun {
            recorded: Recorded::read(lines)?,
            origin: lines.iter().map(|l| l.t_ms).min().unwrap_or(0),
        })
    }
}

impl Names for ImportedRun {
    fn node_name(&self, idx: usize) -> String {
        self.recorded.node_name(idx)
    }
    fn id_name(&self, id: NodeId) -> String {
        self.recorded.id_name(id)
    }
}

impl EventSource for ImportedRun {
    fn trace(&self) -> &[TraceEvent] {
        &self.recorded.events
    }
    fn faults(&self) -> &[TimedAction] {
        &self.recorded.faults
    }
    fn why(&self, index: usize) -> Option<Why> {
        self.recorded.why(index)
    }
    fn shown(&self, t: Time) -> Time {
        Time(t.ms().saturating_sub(self.origin))
    }
}

#[cfg(test)]
mod tests;
