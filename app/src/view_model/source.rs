//! Where explained events come from: the live simulation ([`Sim`]) or a trace file read back
//! ([`ImportedRun`], the core's `Recorded`). The log's sentences and the "why?" panel are written
//! once, over this trait, so an imported run reads exactly like the playground's.

use clusterlab_core::id::NodeId;
use clusterlab_core::sim::{Names, Sim, TimedAction, TraceEvent, Why};
use clusterlab_core::sorted;
use std::collections::BTreeMap;

use clusterlab_core::trace_file::{short_names, Recorded, TraceLine};
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
/// are from its start. A native node also names itself by its short node ID: its nodes are
/// shown by the simulator's names instead (`A`, `B1`, as the comparison and the playground
/// say them; the core's `short_names` says how they are chosen), in the event list, the
/// "Why?" text and its cause links alike, since all of them ask [`Names`].
#[derive(Debug)]
pub struct ImportedRun {
    pub recorded: Recorded,
    origin: u64,
    /// The file's node name → the name shown; empty when the file's names are kept.
    shown_names: BTreeMap<String, String>,
}

impl ImportedRun {
    /// Reads `lines` (the core's strict reader); the error names the line it stopped at.
    pub fn read(lines: &[TraceLine]) -> Result<ImportedRun, String> {
        Ok(ImportedRun {
            recorded: Recorded::read(lines)?,
            origin: lines.iter().map(|l| l.t_ms).min().unwrap_or(0),
            shown_names: short_names(lines).unwrap_or_default(),
        })
    }

    /// The name shown for the node the file calls `name`.
    fn shown_name(&self, name: String) -> String {
        self.shown_names.get(&name).cloned().unwrap_or(name)
    }

    /// The nodes renamed, as (shown name, the file's name), in the order of the shown names:
    /// the key from `A` back to the short IDs a native node writes. Empty when the file's
    /// names are kept.
    pub fn renamed(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .shown_names
            .iter()
            .map(|(file, shown)| (shown.clone(), file.clone()))
            .collect();
        sorted::sort_by(&mut pairs, |a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
        pairs
    }
}

impl Names for ImportedRun {
    fn node_name(&self, idx: usize) -> String {
        self.shown_name(self.recorded.node_name(idx))
    }
    fn id_name(&self, id: NodeId) -> String {
        self.shown_name(self.recorded.id_name(id))
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
