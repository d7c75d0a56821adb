//! DEBUG DIGEST and DEBUG DIGEST-VALUE: 7.0's dataset digest
//! (`computeDatasetDigest`, `xorObjectDigest` in debug.c), so a node and a
//! real redis-server holding the same data print the same 40 hex digits —
//! Redis's test suites compare replicas and masters with it. Ordered
//! things (a key and its value, a list) are *mixed* into a digest,
//! unordered ones (keys, set members, hash fields) *xored*, so the
//! iteration order of either server does not matter.

use crate::keyspace::stream::StreamId;
use crate::keyspace::Data;
use crate::resp::format_double;

/// A SHA-1 (FIPS 180-1): the digest's only primitive. Written here so the
/// core needs no crypto dependency (it builds for wasm32 as is).
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// `xorDigest`: digest ^= SHA1(bytes).
fn xor(digest: &mut [u8; 20], bytes: &[u8]) {
    for (d, h) in digest.iter_mut().zip(sha1(bytes)) {
        *d ^= h;
    }
}

/// `mixDigest`: digest = SHA1(digest ^ SHA1(bytes)).
fn mix(digest: &mut [u8; 20], bytes: &[u8]) {
    xor(digest, bytes);
    *digest = sha1(&digest[..]);
}

/// A (member, score) or (field, value) pair's own digest, xored in.
fn xor_pair(digest: &mut [u8; 20], first: &[u8], second: &[u8]) {
    let mut pair = [0u8; 20];
    mix(&mut pair, first);
    mix(&mut pair, second);
    xor(digest, &pair);
}

/// `xorObjectDigest`: a value's type, contents and whether it expires.
pub fn value_digest(digest: &mut [u8; 20], data: &Data, expires: bool) {
    let kind: u32 = match data {
        Data::Str(_) => 0,
        Data::List(_) => 1,
        Data::Set(_) => 2,
        Data::ZSet(_) => 3,
        Data::Hash(_) => 4,
        Data::Stream(_) => 6,
    };
    mix(digest, &kind.to_be_bytes());
    match data {
        Data::Str(s) => mix(digest, s),
        Data::List(l) => l.iter().for_each(|e| mix(digest, e)),
        Data::Set(s) => s.iter().for_each(|m| xor(digest, m)),
        Data::ZSet(z) => z
            .iter()
            .for_each(|(m, s)| xor_pair(digest, m, format_double(s).as_bytes())),
        Data::Hash(h) => h.iter().for_each(|(f, v)| xor_pair(digest, f, v)),
        // Each entry's `ms.seq` ID, then its fields and values, in order
        // (7.0 does not mix in consumer groups).
        Data::Stream(st) => {
            for e in st.range(StreamId::MIN, StreamId::MAX) {
                mix(digest, format!("{}.{}", e.id.ms, e.id.seq).as_bytes());
                for (f, v) in &e.fields {
                    mix(digest, f);
                    mix(digest, v);
                }
            }
        }
    }
    if expires {
        xor(digest, b"!!expire!!");
    }
}

/// `computeDatasetDigest` over db 0's keys: all zeros when empty.
pub fn dataset_digest<'a>(entries: impl Iterator<Item = (&'a [u8], &'a Data, bool)>) -> [u8; 20] {
    let mut last = [0u8; 20];
    let mut any = false;
    for (key, data, expires) in entries {
        if !any {
            // The database number, once, before its keys.
            mix(&mut last, &0u32.to_be_bytes());
            any = true;
        }
        let mut d = [0u8; 20];
        mix(&mut d, key);
        value_digest(&mut d, data, expires);
        xor(&mut last, &d);
    }
    last
}

/// 40 lowercase hex digits.
pub fn hex(digest: &[u8; 20]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FIPS 180-1's test vectors.
    #[test]
    fn sha1_matches_the_standard_vectors() {
        assert_eq!(
            hex(&sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(&sha1(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }
}
