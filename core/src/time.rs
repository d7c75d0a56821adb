//! Time is an input: the core never reads a clock.

use std::fmt;
use std::ops::{Add, Sub};

/// Milliseconds on the host's clock: simulated time in the simulator, time since
/// start (or unix time) natively. Redis's cluster code also works in ms
/// (`mstime()`), so every constant keeps its real value.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Time(pub u64);

impl Time {
    /// The start of the run.
    pub const ZERO: Time = Time(0);
    /// Never (a deadline nothing reaches).
    pub const MAX: Time = Time(u64::MAX);

    /// Milliseconds since the start.
    pub fn ms(self) -> u64 {
        self.0
    }

    /// `self - earlier`, or 0 if `earlier` is later (Redis mixes times from
    /// several sources and guards the same way).
    pub fn since(self, earlier: Time) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl Add<u64> for Time {
    type Output = Time;
    fn add(self, ms: u64) -> Time {
        Time(self.0.saturating_add(ms))
    }
}

impl Sub<u64> for Time {
    type Output = Time;
    fn sub(self, ms: u64) -> Time {
        Time(self.0.saturating_sub(ms))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1000, self.0 % 1000)
    }
}

impl fmt::Debug for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}
