//! The geohash arithmetic of Redis 7.0 (`geohash.c`, `geohash_helper.c`):
//! 52-bit interleaved scores, their decoding to the centre of their cell,
//! the nine cells a radius or box search walks, and the haversine
//! distance, each computed in the same order of floating-point operations
//! as the C code so scores, distances and coordinates agree to the bit.

use std::f64::consts::PI;

/// `GEO_STEP_MAX`: 26 bits per coordinate, 52 in a score.
pub const STEP_MAX: u8 = 26;
/// `GEO_LAT_MIN`/`GEO_LAT_MAX` (EPSG:900913's limits).
pub const LAT_MIN: f64 = -85.05112878;
pub const LAT_MAX: f64 = 85.05112878;
/// `GEO_LONG_MIN`/`GEO_LONG_MAX`.
pub const LONG_MIN: f64 = -180.0;
pub const LONG_MAX: f64 = 180.0;

/// `D_R`: degrees to radians.
const D_R: f64 = PI / 180.0;
/// `EARTH_RADIUS_IN_METERS`: WGS-84's quadratic mean radius.
const EARTH_RADIUS_IN_METERS: f64 = 6372797.560856;
/// `MERCATOR_MAX`.
const MERCATOR_MAX: f64 = 20037726.37;

/// `GeoHashBits`: a cell, `step` bits per coordinate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hash {
    pub bits: u64,
    pub step: u8,
}

impl Hash {
    /// `GZERO`, which `HASHISZERO` recognises: a neighbour left out.
    const ZERO: Hash = Hash { bits: 0, step: 0 };

    fn is_zero(self) -> bool {
        self == Hash::ZERO
    }

    /// `geohashAlign52Bits`: the cell's first score.
    pub fn align52(self) -> u64 {
        self.bits << (52 - self.step as u32 * 2)
    }
}

/// `GeoHashRange`.
#[derive(Clone, Copy)]
struct Range {
    min: f64,
    max: f64,
}

/// `geohashGetCoordRange`: the ranges scores are encoded in.
const LONG_RANGE: Range = Range {
    min: LONG_MIN,
    max: LONG_MAX,
};
const LAT_RANGE: Range = Range {
    min: LAT_MIN,
    max: LAT_MAX,
};

/// `GeoHashArea`: a cell's extent.
#[derive(Clone, Copy)]
struct Area {
    lon: Range,
    lat: Range,
}

fn interleave64(xlo: u32, ylo: u32) -> u64 {
    const B: [u64; 5] = [
        0x5555555555555555,
        0x3333333333333333,
        0x0F0F0F0F0F0F0F0F,
        0x00FF00FF00FF00FF,
        0x0000FFFF0000FFFF,
    ];
    const S: [u32; 5] = [1, 2, 4, 8, 16];
    let (mut x, mut y) = (xlo as u64, ylo as u64);
    for i in (0..5).rev() {
        x = (x | (x << S[i])) & B[i];
        y = (y | (y << S[i])) & B[i];
    }
    x | (y << 1)
}

fn deinterleave64(interleaved: u64) -> u64 {
    const B: [u64; 6] = [
        0x5555555555555555,
        0x3333333333333333,
        0x0F0F0F0F0F0F0F0F,
        0x00FF00FF00FF00FF,
        0x0000FFFF0000FFFF,
        0x00000000FFFFFFFF,
    ];
    const S: [u32; 6] = [0, 1, 2, 4, 8, 16];
    let (mut x, mut y) = (interleaved, interleaved >> 1);
    for i in 0..6 {
        x = (x | (x >> S[i])) & B[i];
        y = (y | (y >> S[i])) & B[i];
    }
    x | (y << 32)
}

/// `geohashEncode`: `None` outside the Web Mercator limits or the ranges.
fn encode(lon_r: Range, lat_r: Range, lon: f64, lat: f64, step: u8) -> Option<Hash> {
    let inside = valid(lon, lat)
        && (lat_r.min..=lat_r.max).contains(&lat)
        && (lon_r.min..=lon_r.max).contains(&lon);
    inside.then(|| encode_unchecked(lon_r, lat_r, lon, lat, step))
}

/// `geohashEncode`'s arithmetic, for a pair already checked.
fn encode_unchecked(lon_r: Range, lat_r: Range, lon: f64, lat: f64, step: u8) -> Hash {
    let lat_offset = (lat - lat_r.min) / (lat_r.max - lat_r.min);
    let lon_offset = (lon - lon_r.min) / (lon_r.max - lon_r.min);
    let scale = (1u64 << step) as f64;
    // C converts the doubles to `uint32_t` by truncation.
    let bits = interleave64((lat_offset * scale) as u32, (lon_offset * scale) as u32);
    Hash { bits, step }
}

/// Whether a longitude/latitude pair can be indexed
/// (`extractLongLatOrReply`'s test).
pub fn valid(lon: f64, lat: f64) -> bool {
    (LONG_MIN..=LONG_MAX).contains(&lon) && (LAT_MIN..=LAT_MAX).contains(&lat)
}

/// The score GEOADD stores for a [`valid`] pair (`geohashEncodeWGS84`
/// at step 26, aligned to 52 bits).
pub fn score_of(lon: f64, lat: f64) -> u64 {
    encode_unchecked(LONG_RANGE, LAT_RANGE, lon, lat, STEP_MAX).align52()
}

/// `geohashDecode`: the cell's extent (`None` for a zeroed hash).
fn decode(lon_r: Range, lat_r: Range, hash: Hash) -> Option<Area> {
    if hash.is_zero() {
        return None;
    }
    let sep = deinterleave64(hash.bits);
    let lat_scale = lat_r.max - lat_r.min;
    let lon_scale = lon_r.max - lon_r.min;
    let ilato = sep as u32;
    let ilono = (sep >> 32) as u32;
    let div = (1u64 << hash.step) as f64;
    // `(ilato + 1)` is `uint32_t` arithmetic in C: it wraps.
    let at = |i: u32, r: Range, scale: f64| Range {
        min: r.min + (i as f64 * 1.0 / div) * scale,
        max: r.min + (i.wrapping_add(1) as f64 * 1.0 / div) * scale,
    };
    Some(Area {
        lat: at(ilato, lat_r, lat_scale),
        lon: at(ilono, lon_r, lon_scale),
    })
}

/// C's `(uint64_t)score` on x86-64 (`cvttsd2si`, with gcc's offset for
/// values past 2^63): a score that is not a geohash still decodes to
/// something, as it does in Redis.
fn score_bits(score: f64) -> u64 {
    const TWO63: f64 = 9223372036854775808.0;
    let cvtt = |d: f64| -> u64 {
        if d.is_nan() || !(-TWO63..TWO63).contains(&d) {
            1 << 63
        } else {
            d as i64 as u64
        }
    };
    if score < TWO63 {
        cvtt(score)
    } else {
        cvtt(score - TWO63) ^ (1 << 63)
    }
}

/// `decodeGeohash`: a score's longitude and latitude (its cell's centre,
/// clamped to the limits).
pub fn decode_score(score: f64) -> [f64; 2] {
    let hash = Hash {
        bits: score_bits(score),
        step: STEP_MAX,
    };
    let area = decode(LONG_RANGE, LAT_RANGE, hash).expect("step is never 0");
    let lon = ((area.lon.min + area.lon.max) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let lat = ((area.lat.min + area.lat.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    [lon, lat]
}

/// `addReplyLongLong(c, gp->score)`: C's `(long long)score` on x86-64.
pub fn score_as_integer(score: f64) -> i64 {
    if score.is_nan() || !(-9223372036854775808.0..9223372036854775808.0).contains(&score) {
        i64::MIN
    } else {
        score as i64
    }
}

/// GEOHASH's 11 characters: the position re-encoded over the standard
/// ranges (-180..180, -90..90), 52 bits in 5-bit letters, the last 0.
pub fn standard_geohash(xy: [f64; 2]) -> [u8; 11] {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let lon_r = Range {
        min: -180.0,
        max: 180.0,
    };
    let lat_r = Range {
        min: -90.0,
        max: 90.0,
    };
    let bits = encode(lon_r, lat_r, xy[0], xy[1], STEP_MAX).map_or(0, |h| h.bits);
    let mut out = [b'0'; 11];
    for (i, c) in out.iter_mut().enumerate().take(10) {
        *c = ALPHABET[((bits >> (52 - (i + 1) * 5)) & 0x1f) as usize];
    }
    out
}

/// `geohash_move_x`/`geohash_move_y`: one cell east/west (`x`) or
/// north/south (`y`), wrapping.
fn moved(hash: Hash, dx: i8, dy: i8) -> Hash {
    let shift = 64 - hash.step as u32 * 2;
    let mut bits = hash.bits;
    for (d, own, other) in [
        (dx, 0xaaaaaaaaaaaaaaaau64, 0x5555555555555555u64),
        (dy, 0x5555555555555555u64, 0xaaaaaaaaaaaaaaaau64),
    ] {
        if d == 0 {
            continue;
        }
        let mut x = bits & own;
        let y = bits & other;
        let zz = other >> shift;
        if d > 0 {
            x = x.wrapping_add(zz + 1);
        } else {
            x |= zz;
            x = x.wrapping_sub(zz + 1);
        }
        x &= own >> shift;
        bits = x | y;
    }
    Hash {
        bits,
        step: hash.step,
    }
}

/// `geohashEstimateStepsByRadius`.
fn estimate_steps(mut range_meters: f64, lat: f64) -> u8 {
    if range_meters == 0.0 {
        return 26;
    }
    let mut step: i32 = 1;
    while range_meters < MERCATOR_MAX {
        range_meters *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u8
}

/// What a search covers (`GeoShape`): a circle or an axis-aligned box
/// around a centre, sizes in the unit `conversion` turns into meters.
#[derive(Clone, Copy, Debug)]
pub enum Extent {
    Radius(f64),
    Box { width: f64, height: f64 },
}

/// A search area (`GeoShape`).
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Longitude, latitude.
    pub xy: [f64; 2],
    /// Meters per unit.
    pub conversion: f64,
    pub extent: Extent,
}

fn deg_rad(ang: f64) -> f64 {
    ang * D_R
}

fn rad_deg(ang: f64) -> f64 {
    ang / D_R
}

impl Shape {
    /// `geohashBoundingBox`: min lon, min lat, max lon, max lat.
    fn bounding_box(&self) -> [f64; 4] {
        let [longitude, latitude] = self.xy;
        let (height, width) = match self.extent {
            Extent::Radius(r) => (self.conversion * r, self.conversion * r),
            Extent::Box { width, height } => (
                self.conversion * (height / 2.0),
                self.conversion * (width / 2.0),
            ),
        };
        let lat_delta = rad_deg(height / EARTH_RADIUS_IN_METERS);
        let long_delta_top =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude + lat_delta).cos());
        let long_delta_bottom =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude - lat_delta).cos());
        let delta = if latitude < 0.0 {
            long_delta_bottom
        } else {
            long_delta_top
        };
        [
            longitude - delta,
            latitude - lat_delta,
            longitude + delta,
            latitude + lat_delta,
        ]
    }

    /// `geohashCalculateAreasByShapeWGS84` then `membersOfAllNeighbors`'
    /// order: the centre cell, then north, south, east, west, north-east,
    /// north-west, south-east, south-west; a neighbour the search cannot
    /// reach is zeroed.
    pub fn cells(&self) -> [Hash; 9] {
        let [min_lon, min_lat, max_lon, max_lat] = self.bounding_box();
        let [longitude, latitude] = self.xy;
        let radius_meters = match self.extent {
            Extent::Radius(r) => r,
            Extent::Box { width, height } => {
                ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
            }
        } * self.conversion;
        let mut steps = estimate_steps(radius_meters, latitude);
        let around = |steps: u8| {
            let hash = encode_unchecked(LONG_RANGE, LAT_RANGE, longitude, latitude, steps);
            // north, south, east, west, NE, NW, SE, SW
            let n = [
                moved(hash, 0, 1),
                moved(hash, 0, -1),
                moved(hash, 1, 0),
                moved(hash, -1, 0),
                moved(hash, 1, 1),
                moved(hash, -1, 1),
                moved(hash, 1, -1),
                moved(hash, -1, -1),
            ];
            (hash, n)
        };
        let (mut hash, mut n) = around(steps);
        let area_of = |h: Hash| decode(LONG_RANGE, LAT_RANGE, h);
        let reaches = |n: &[Hash; 8]| -> bool {
            let (Some(north), Some(south), Some(east), Some(west)) =
                (area_of(n[0]), area_of(n[1]), area_of(n[2]), area_of(n[3]))
            else {
                return false;
            };
            north.lat.max < max_lat
                || south.lat.min > min_lat
                || east.lon.max < max_lon
                || west.lon.min > min_lon
        };
        if steps > 1 && reaches(&n) {
            steps -= 1;
            (hash, n) = around(steps);
        }
        if steps >= 2 {
            if let Some(area) = area_of(hash) {
                let mut zero = |idx: &[usize]| idx.iter().for_each(|&i| n[i] = Hash::ZERO);
                if area.lat.min < min_lat {
                    zero(&[1, 7, 6]);
                }
                if area.lat.max > max_lat {
                    zero(&[0, 4, 5]);
                }
                if area.lon.min < min_lon {
                    zero(&[3, 7, 5]);
                }
                if area.lon.max > max_lon {
                    zero(&[2, 6, 4]);
                }
            }
        }
        [hash, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]]
    }

    /// `geoWithinShape` for a decoded point: its distance from the
    /// centre, in meters, when it is inside.
    pub fn contains(&self, xy: [f64; 2]) -> Option<f64> {
        let [x1, y1] = self.xy;
        let [x2, y2] = xy;
        match self.extent {
            Extent::Radius(r) => {
                let d = distance(x1, y1, x2, y2);
                (d <= r * self.conversion).then_some(d)
            }
            Extent::Box { width, height } => {
                let (width_m, height_m) = (width * self.conversion, height * self.conversion);
                if lat_distance(y2, y1) > height_m / 2.0 {
                    return None;
                }
                if distance(x2, y2, x1, y2) > width_m / 2.0 {
                    return None;
                }
                Some(distance(x1, y1, x2, y2))
            }
        }
    }
}

/// `geohashGetLatDistance`.
fn lat_distance(lat1d: f64, lat2d: f64) -> f64 {
    EARTH_RADIUS_IN_METERS * (deg_rad(lat2d) - deg_rad(lat1d)).abs()
}

/// `geohashGetDistance`: haversine, in meters.
pub fn distance(lon1d: f64, lat1d: f64, lon2d: f64, lat2d: f64) -> f64 {
    let lon1r = deg_rad(lon1d);
    let lon2r = deg_rad(lon2d);
    let v = ((lon2r - lon1r) / 2.0).sin();
    if v == 0.0 {
        return lat_distance(lat1d, lat2d);
    }
    let lat1r = deg_rad(lat1d);
    let lat2r = deg_rad(lat2d);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_IN_METERS * a.sqrt().asin()
}

/// `fixedpoint_d2string(…, 4)`, as `addReplyDoubleDistance` prints a
/// distance: `llrint(d * 10000)` written with four decimals.
pub fn distance_text(d: f64) -> String {
    if d == 0.0 {
        return "0.0000".into();
    }
    let scaled = (d * 10000.0).round_ties_even();
    // llrint of a value out of range is LLONG_MIN on x86-64.
    let v = if scaled.is_nan() || !(-9223372036854775808.0..9223372036854775808.0).contains(&scaled)
    {
        i64::MIN
    } else {
        scaled as i64
    };
    let neg = v < 0;
    let digits = format!("{:05}", v.unsigned_abs());
    let (int, frac) = digits.split_at(digits.len() - 4);
    format!("{}{int}.{frac}", if neg { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scores and cells of Redis's own documentation example
    /// (`GEOADD Sicily 13.361389 38.115556 "Palermo"`).
    #[test]
    fn palermo_encodes_and_decodes_as_redis() {
        assert_eq!(score_of(13.361389, 38.115556), 3479099956230698);
        assert_eq!(score_of(15.087269, 37.502669), 3479447370796909);
        let xy = decode_score(3479099956230698.0);
        assert_eq!(
            (xy[0].to_bits(), xy[1].to_bits()),
            (
                13.361389338970184f64.to_bits(),
                38.1155563954963f64.to_bits()
            )
        );
        assert_eq!(&standard_geohash(xy), b"sqc8b49rny0");
        assert!(!valid(181.0, 0.0) && !valid(0.0, 85.06) && valid(-180.0, LAT_MIN));
    }

    /// `fixedpoint_d2string`'s cases from util.c's own tests.
    #[test]
    fn distances_have_four_decimals() {
        assert_eq!(distance_text(0.0), "0.0000");
        assert_eq!(distance_text(0.0001), "0.0001");
        assert_eq!(distance_text(6.064_295_159_839_17e-5), "0.0001");
        assert_eq!(distance_text(0.01), "0.0100");
        assert_eq!(distance_text(1.0), "1.0000");
        assert_eq!(distance_text(-1.5), "-1.5000");
        assert_eq!(distance_text(166274.1516), "166274.1516");
    }

    /// Moving a cell and back returns it; a move wraps around the grid.
    #[test]
    fn neighbours_wrap() {
        let h = Hash { bits: 0, step: 2 };
        assert_eq!(moved(moved(h, 1, 1), -1, -1), h);
        assert_eq!(
            moved(h, -1, 0),
            Hash {
                bits: 0b1010,
                step: 2
            }
        );
        assert_eq!(
            deinterleave64(interleave64(12345, 678)),
            12345 | (678 << 32)
        );
    }
}
