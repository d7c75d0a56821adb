//! Random picks for HRANDFIELD and SRANDMEMBER, from the node's seeded
//! generator (a simulation replays them). The shapes are Redis's: a
//! positive count gives distinct elements, at most all of them; a negative
//! one gives exactly that many, repeats allowed.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The most elements one reply may hold. Redis 7.0 would build a reply of
/// any size for `-count` and run out of memory; the node refuses instead.
pub const MAX_REPEATED: u64 = 1 << 24;

/// One index below `len` (`len` > 0).
pub fn one(rng: &mut ChaCha8Rng, len: usize) -> usize {
    rng.random_range(0..len)
}

/// Indices below `len` for `count`; `None` when a negative count asks for
/// more than [`MAX_REPEATED`].
pub fn indices(rng: &mut ChaCha8Rng, len: usize, count: i64) -> Option<Vec<usize>> {
    if len == 0 || count == 0 {
        return Some(Vec::new());
    }
    if count < 0 {
        if count.unsigned_abs() > MAX_REPEATED {
            return None;
        }
        return Some(
            (0..count.unsigned_abs())
                .map(|_| rng.random_range(0..len))
                .collect(),
        );
    }
    let count = count as u64;
    if count >= len as u64 {
        return Some((0..len).collect());
    }
    // A partial Fisher-Yates shuffle: `count` distinct indices.
    let mut all: Vec<usize> = (0..len).collect();
    for i in 0..count as usize {
        let j = rng.random_range(i..len);
        all.swap(i, j);
    }
    all.truncate(count as usize);
    Some(all)
}

/// The reply to a negative count beyond [`MAX_REPEATED`].
pub fn too_many() -> crate::resp::Value {
    crate::resp::Value::err(format!(
        "ERR count is out of range: clusterlab replies at most {MAX_REPEATED} repeated elements"
    ))
}
