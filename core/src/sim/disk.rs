//! A simulated node's disk: the files its persistence writes under its
//! `dir` ([`DiskJob`]s), kept across a simulated kill and restart so a
//! restarted node loads its last save or its AOF as a real one would.
//! Every operation succeeds and finishes at once, a background job
//! included (a BGSAVE is over in the instant it starts).

use crate::node::{DiskJob, DiskOp, Input};
use std::collections::BTreeMap;

/// File name (relative to `dir`) → content.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disk {
    files: BTreeMap<String, Vec<u8>>,
}

impl Disk {
    /// Performs `job`; returns the answer the node expects, if any.
    pub fn run(&mut self, job: DiskJob) -> Option<Input> {
        if let [DiskOp::Read { name }] = job.ops.as_slice() {
            let result = Ok(self.files.get(name).cloned());
            return Some(Input::DiskRead {
                job: job.id,
                result,
            });
        }
        for op in job.ops {
            match op {
                DiskOp::Write { name, bytes } => {
                    self.files.insert(name, bytes);
                }
                DiskOp::Append { name, bytes, .. } => {
                    self.files
                        .entry(name)
                        .or_default()
                        .extend_from_slice(&bytes);
                }
                DiskOp::Rename { from, to } => {
                    if let Some(bytes) = self.files.remove(&from) {
                        self.files.insert(to, bytes);
                    }
                }
                DiskOp::Remove { name } => {
                    self.files.remove(&name);
                }
                // Directories are name prefixes here; a read alone is
                // answered above.
                DiskOp::MakeDir { .. } | DiskOp::Read { .. } => {}
            }
        }
        done(job.id)
    }

    /// Puts a file there, as a process that ran before left it.
    pub(super) fn put(&mut self, name: String, bytes: Vec<u8>) {
        self.files.insert(name, bytes);
    }

    /// A file's content.
    pub fn read(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(Vec::as_slice)
    }

    /// The file names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// The answer to job `id` on a simulated disk, where nothing fails.
pub fn done(id: u64) -> Option<Input> {
    (id != 0).then_some(Input::DiskDone {
        job: id,
        result: Ok(()),
    })
}
