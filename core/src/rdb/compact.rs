//! The compact encodings Redis 7.0 writes for small values and long
//! strings: intset (`intset.c`), listpack (`listpack.c`) and LZF
//! (`lzf_d.c`). Only reading: we write the plain encodings.

use super::BadFormat;

/// An intset blob: encoding (2, 4 or 8 bytes per value), count, then the
/// little-endian values. Members come back as their decimal text.
pub fn intset(blob: &[u8]) -> Result<Vec<Vec<u8>>, BadFormat> {
    let header: [u8; 8] = blob
        .get(..8)
        .ok_or(BadFormat)?
        .try_into()
        .map_err(|_| BadFormat)?;
    let width = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
    let count = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
    if ![2, 4, 8].contains(&width) || blob.len() != 8 + width.checked_mul(count).ok_or(BadFormat)? {
        return Err(BadFormat);
    }
    Ok(blob[8..]
        .chunks(width)
        .map(|c| {
            let v = match width {
                2 => i16::from_le_bytes([c[0], c[1]]) as i64,
                4 => i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64,
                _ => i64::from_le_bytes(c.try_into().expect("8 bytes")),
            };
            v.to_string().into_bytes()
        })
        .collect())
}

/// A listpack blob: total bytes (u32 LE), element count (u16 LE), the
/// entries, then 0xFF. Each entry is an encoding byte (with the length or
/// a small integer in it), the data, and a back-length of 1 to 5 bytes.
/// Integers come back as their decimal text, as Redis reads them.
pub fn listpack(blob: &[u8]) -> Result<Vec<Vec<u8>>, BadFormat> {
    if blob.len() < 7 || u32::from_le_bytes(blob[..4].try_into().expect("4")) as usize != blob.len()
    {
        return Err(BadFormat);
    }
    let mut items = Vec::new();
    let mut p = 6;
    loop {
        let b = *blob.get(p).ok_or(BadFormat)?;
        if b == 0xff {
            break;
        }
        let field = |from: usize, n: usize| blob.get(from..from + n).ok_or(BadFormat);
        let int = |from: usize, bits: u32| -> Result<i64, BadFormat> {
            let bytes = field(from, bits as usize / 8)?;
            let mut v = 0u64;
            for (i, byte) in bytes.iter().enumerate() {
                v |= (*byte as u64) << (8 * i);
            }
            Ok(sign_extend(v, bits))
        };
        // (header length, data length, value)
        let (head, data, item): (usize, usize, Vec<u8>) = match b {
            0x00..=0x7f => (1, 0, (b as i64).to_string().into_bytes()),
            0x80..=0xbf => {
                let n = (b & 0x3f) as usize;
                (1, n, field(p + 1, n)?.to_vec())
            }
            0xc0..=0xdf => {
                let v = ((b as u64 & 0x1f) << 8) | *blob.get(p + 1).ok_or(BadFormat)? as u64;
                (2, 0, sign_extend(v, 13).to_string().into_bytes())
            }
            0xe0..=0xef => {
                let n = ((b as usize & 0x0f) << 8) | *blob.get(p + 1).ok_or(BadFormat)? as usize;
                (2, n, field(p + 2, n)?.to_vec())
            }
            0xf0 => {
                let n = u32::from_le_bytes(field(p + 1, 4)?.try_into().expect("4")) as usize;
                (5, n, field(p + 5, n)?.to_vec())
            }
            0xf1 => (1, 2, int(p + 1, 16)?.to_string().into_bytes()),
            0xf2 => (1, 3, int(p + 1, 24)?.to_string().into_bytes()),
            0xf3 => (1, 4, int(p + 1, 32)?.to_string().into_bytes()),
            0xf4 => (1, 8, int(p + 1, 64)?.to_string().into_bytes()),
            _ => return Err(BadFormat),
        };
        let entry = head + data;
        let backlen = match entry {
            0..=127 => 1,
            128..=16_383 => 2,
            16_384..=2_097_151 => 3,
            2_097_152..=268_435_455 => 4,
            _ => 5,
        };
        p += entry + backlen;
        items.push(item);
    }
    if p + 1 != blob.len() {
        return Err(BadFormat);
    }
    let count = u16::from_le_bytes([blob[4], blob[5]]);
    // 65535 means "count unknown, walk it".
    if count != u16::MAX && count as usize != items.len() {
        return Err(BadFormat);
    }
    Ok(items)
}

/// The two's-complement value of the low `bits` bits of `v`.
fn sign_extend(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

/// `lzf_decompress`: literal runs (control < 32) and back references into
/// what was already written. The result must be exactly `len` bytes.
pub fn lzf_decompress(input: &[u8], len: usize) -> Result<Vec<u8>, BadFormat> {
    let mut out: Vec<u8> = Vec::with_capacity(len);
    let mut i = 0;
    while i < input.len() {
        let ctrl = input[i] as usize;
        i += 1;
        if ctrl < 32 {
            let run = input.get(i..i + ctrl + 1).ok_or(BadFormat)?;
            out.extend_from_slice(run);
            i += ctrl + 1;
        } else {
            let mut n = ctrl >> 5;
            if n == 7 {
                n += *input.get(i).ok_or(BadFormat)? as usize;
                i += 1;
            }
            let back = ((ctrl & 0x1f) << 8) + *input.get(i).ok_or(BadFormat)? as usize + 1;
            i += 1;
            let start = out.len().checked_sub(back).ok_or(BadFormat)?;
            for k in 0..n + 2 {
                let byte = out[start + k];
                out.push(byte);
            }
        }
        if out.len() > len {
            return Err(BadFormat);
        }
    }
    if out.len() != len {
        return Err(BadFormat);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<Vec<u8>> {
        items.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    /// 6-bit strings, a 7-bit uint and a 13-bit negative int (real
    /// payloads from Redis are checked in `dump`'s tests).
    #[test]
    fn listpack_strings_and_small_ints() {
        let mut lp = vec![0, 0, 0, 0, 6, 0];
        lp.extend_from_slice(&[0x81, b'f', 2, 0x81, b'v', 2]);
        lp.extend_from_slice(&[0x81, b'n', 2, 12, 1]);
        lp.extend_from_slice(&[0x83, b'b', b'i', b'g', 4]);
        // -2000 in 13 bits: 8192 - 2000 = 6192 = 0x1830.
        lp.extend_from_slice(&[0xc0 | 0x18, 0x30, 2, 0xff]);
        let total = lp.len() as u32;
        lp[..4].copy_from_slice(&total.to_le_bytes());
        assert_eq!(
            listpack(&lp).unwrap(),
            strings(&["f", "v", "n", "12", "big", "-2000"])
        );
        lp[4] = 5;
        assert_eq!(listpack(&lp), Err(BadFormat), "count mismatch");
        assert_eq!(listpack(&lp[..lp.len() - 1]), Err(BadFormat), "truncated");
    }

    #[test]
    fn intset_of_each_width() {
        let mut blob = vec![2, 0, 0, 0, 2, 0, 0, 0];
        blob.extend_from_slice(&(-3i16).to_le_bytes());
        blob.extend_from_slice(&7i16.to_le_bytes());
        assert_eq!(intset(&blob).unwrap(), strings(&["-3", "7"]));
        blob.pop();
        assert_eq!(intset(&blob), Err(BadFormat));
    }

    /// 30 × 'a': a 1-byte literal, then a back reference one byte back
    /// copying 7 + 20 + 2 = 29 bytes (overlapping itself).
    #[test]
    fn lzf_literal_and_back_reference() {
        let compressed = [0x00, b'a', 0xe0, 0x14, 0x00];
        assert_eq!(lzf_decompress(&compressed, 30).unwrap(), vec![b'a'; 30]);
        assert_eq!(lzf_decompress(&compressed, 31), Err(BadFormat));
        assert_eq!(
            lzf_decompress(&[0x20, 0x05], 9),
            Err(BadFormat),
            "reference before the start"
        );
    }
}
