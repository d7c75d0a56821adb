//! The replication backlog (`server.repl_backlog`): the last
//! `repl-backlog-size` bytes of the stream, so a replica that lost its link
//! (or follows a promoted sibling) can continue from its offset with
//! `+CONTINUE` instead of a full resync (`addReplyReplicationBacklog`).
//!
//! Redis keeps bytes; this keeps the frames that made them, each with the
//! offset its last byte has. A replica always stops between two frames, so
//! every offset it can ask for is a frame boundary.

use crate::node::ReplFrame;
use std::collections::VecDeque;

#[derive(Clone, Debug, Default)]
pub(crate) struct Backlog {
    /// Frames with the stream offset after each, oldest first.
    frames: VecDeque<(u64, ReplFrame)>,
    /// The offset of the first byte held (`repl_backlog->offset`).
    first_byte: u64,
    /// Bytes held (`histlen`).
    histlen: u64,
}

impl Backlog {
    /// A backlog that starts after `offset` (`createReplicationBacklog`:
    /// the first byte it will hold is `offset + 1`).
    pub fn new(offset: u64) -> Self {
        Backlog {
            frames: VecDeque::new(),
            first_byte: offset + 1,
            histlen: 0,
        }
    }

    /// `repl_backlog->offset`.
    pub fn first_byte(&self) -> u64 {
        self.first_byte
    }

    /// `repl_backlog->histlen`.
    pub fn histlen(&self) -> u64 {
        self.histlen
    }

    /// Appends a frame of `len` bytes ending at `end`, then drops the oldest
    /// frames while more than `size` bytes are held (Redis trims whole
    /// buffer blocks the same way, keeping at least `size`).
    pub fn feed(&mut self, end: u64, len: u64, frame: ReplFrame, size: u64) {
        self.frames.push_back((end, frame));
        self.histlen += len;
        while self.histlen > size {
            let Some((first_end, _)) = self.frames.front() else {
                break;
            };
            let first_len = first_end + 1 - self.first_byte;
            if self.histlen - first_len < size {
                break;
            }
            self.histlen -= first_len;
            self.first_byte = first_end + 1;
            self.frames.pop_front();
        }
    }

    /// The frames after offset `from - 1`, for a replica whose PSYNC asked
    /// for `from` (`masterTryPartialResynchronization`'s range check:
    /// `None` when `from` is outside `[first_byte, first_byte + histlen]`
    /// or falls inside a frame).
    pub fn since(&self, from: u64) -> Option<Vec<ReplFrame>> {
        if from < self.first_byte || from > self.first_byte + self.histlen {
            return None;
        }
        let mut start = self.first_byte;
        let mut out = Vec::new();
        for (end, frame) in &self.frames {
            if start >= from {
                out.push(frame.clone());
            } else if end + 1 > from {
                return None;
            }
            start = end + 1;
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ping(offset: u64) -> ReplFrame {
        ReplFrame::Ping { offset }
    }

    /// A replica at offset 14 asks for 15 and gets what followed; outside
    /// the range, or inside a frame, it must resync fully.
    #[test]
    fn continues_from_frame_boundaries_only() {
        let mut b = Backlog::new(0);
        b.feed(14, 14, ping(14), 100);
        b.feed(28, 14, ping(28), 100);
        assert_eq!(b.since(1), Some(vec![ping(14), ping(28)]));
        assert_eq!(b.since(15), Some(vec![ping(28)]));
        assert_eq!(b.since(29), Some(vec![]));
        assert_eq!(b.since(30), None);
        assert_eq!(b.since(10), None);
    }

    /// Trimming keeps at least `size` bytes and moves the first byte on.
    #[test]
    fn trims_to_its_size() {
        let mut b = Backlog::new(100);
        for i in 1..=10 {
            b.feed(100 + 14 * i, 14, ping(100 + 14 * i), 30);
        }
        assert_eq!(b.histlen(), 42);
        assert_eq!(b.first_byte(), 100 + 14 * 7 + 1);
        assert_eq!(b.since(101), None);
    }
}
