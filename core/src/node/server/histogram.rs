//! The per-command latency histogram INFO's latencystats reads
//! (`latency_histogram`, an HdrHistogram of 1 ns to 1 s with 2
//! significant digits in Redis 7.0), kept sparse: only the buckets a
//! command hit, so a node stays cheap to clone for the simulator.

use std::collections::BTreeMap;

/// `LATENCY_HISTOGRAM_MIN_VALUE` and `_MAX_VALUE` (ns).
const MIN: u64 = 1;
const MAX: u64 = 1_000_000_000;
/// Two significant digits: 256 sub-buckets, half of them per bucket after
/// the first (`sub_bucket_half_count_magnitude` 7).
const SUB_BUCKETS: u64 = 256;
const HALF_MAGNITUDE: u32 = 7;

/// Counts by HdrHistogram index (`counts_index_for`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: BTreeMap<u32, u64>,
    total: u64,
}

/// `get_bucket_index` (unit magnitude 0, as the lowest value is 1).
fn bucket_of(v: u64) -> u32 {
    let pow2ceiling = 64 - (v | (SUB_BUCKETS - 1)).leading_zeros();
    pow2ceiling - (HALF_MAGNITUDE + 1)
}

fn index_of(v: u64) -> u32 {
    let bucket = bucket_of(v);
    let sub = (v >> bucket) as u32;
    ((bucket + 1) << HALF_MAGNITUDE) + sub - (1 << HALF_MAGNITUDE)
}

/// `hdr_value_at_index`: the lowest value an index stands for.
fn value_at(index: u32) -> u64 {
    let mut bucket = (index >> HALF_MAGNITUDE) as i64 - 1;
    let mut sub = u64::from(index & ((1 << HALF_MAGNITUDE) - 1)) + (1 << HALF_MAGNITUDE);
    if bucket < 0 {
        sub -= 1 << HALF_MAGNITUDE;
        bucket = 0;
    }
    sub << bucket
}

/// `highest_equivalent_value`: the top of the range `v` falls in.
fn highest_equivalent(v: u64) -> u64 {
    let bucket = bucket_of(v);
    let sub = v >> bucket;
    let range_bucket = if sub >= SUB_BUCKETS {
        bucket + 1
    } else {
        bucket
    };
    let lowest = sub << bucket;
    lowest + (1u64 << range_bucket) - 1
}

impl Histogram {
    /// `updateCommandLatencyHistogram`: one duration in ns, clamped to
    /// the histogram's range.
    pub fn record(&mut self, ns: u64) {
        *self.counts.entry(index_of(ns.clamp(MIN, MAX))).or_insert(0) += 1;
        self.total += 1;
    }

    /// Whether anything was recorded.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Calls recorded (`total_count`).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// `fillCommandCDF`'s pairs: `hdr_iter_log_init(…, 1024, 2)` reports at
    /// 1024 ns, 2048 ns, … the top of the range each level falls in (in
    /// whole µs) and how many calls took at most that; a level adding no
    /// call is left out, and the walk ends once every call is counted.
    pub fn cdf_usec(&self) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let (mut level, mut previous) = (1024u64, 0u64);
        while previous < self.total {
            let index = index_of(level.min(MAX));
            let cumulative: u64 = self.counts.range(..=index).map(|(_, n)| n).sum();
            let top = if level > MAX {
                // Past the histogram's range: the last index's top.
                highest_equivalent(MAX)
            } else {
                value_at(index + 1) - 1
            };
            if cumulative > previous {
                out.push((top / 1000, cumulative));
            }
            if level > MAX {
                break;
            }
            previous = cumulative;
            level *= 2;
        }
        out
    }

    /// `hdr_value_at_percentile` (ns).
    pub fn at_percentile(&self, p: f64) -> u64 {
        let wanted = (((p.min(100.0) / 100.0) * self.total as f64) + 0.5) as u64;
        let wanted = wanted.max(1);
        let mut seen = 0;
        let mut value = 0;
        for (&index, &n) in &self.counts {
            seen += n;
            if seen >= wanted {
                value = value_at(index);
                break;
            }
        }
        if p == 0.0 {
            return value;
        }
        highest_equivalent(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fillCommandCDF`'s log walk: levels 1024 ns, 2048 ns, … reported
    /// at their range's top (1031 ns = 1 µs, 2063 ns = 2 µs, 4127 ns = 4 µs,
    /// 8255 ns = 8 µs, 16511 ns = 16 µs, 33023 ns = 33 µs), empty levels
    /// skipped, cumulative counts.
    #[test]
    fn cdf_walks_log_levels() {
        let mut h = Histogram::default();
        for ns in [500, 1_000, 3_000, 30_000, 30_000] {
            h.record(ns);
        }
        assert_eq!(h.cdf_usec(), vec![(1, 2), (4, 3), (33, 5)]);
        assert_eq!(Histogram::default().cdf_usec(), vec![]);
    }

    /// A 133 µs call: redis-server 7.0.15 printed p50=133.119 for it.
    #[test]
    fn percentiles_land_where_hdr_histogram_puts_them() {
        let mut h = Histogram::default();
        h.record(133_000);
        assert_eq!(h.at_percentile(50.0), 133_119);
        let mut h = Histogram::default();
        h.record(1);
        h.record(200);
        assert_eq!(h.at_percentile(50.0), 1);
        assert_eq!(h.at_percentile(99.0), 200);
    }
}
