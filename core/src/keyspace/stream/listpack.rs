//! Listpack elements as Redis encodes them (`listpack.c`). A stream keeps
//! its entries in listpack nodes; when a node is full (bytes or entries)
//! XADD starts a new one, and `~` trimming only drops whole nodes — so the
//! byte size of each element decides what a trim removes, and the RDB a
//! stream is saved in holds these bytes.

/// `lpStringToInt64`: a string that is the canonical text of an integer is
/// stored as that integer.
fn as_int(s: &[u8]) -> Option<i64> {
    crate::resp::parse_i64(s)
}

/// Bytes of an integer's encoding (`lpEncodeIntegerGetType`).
fn int_encoding_len(v: i64) -> usize {
    match v {
        0..=127 => 1,
        -4096..=4095 => 2,
        -32768..=32767 => 3,
        -8_388_608..=8_388_607 => 4,
        -2_147_483_648..=2_147_483_647 => 5,
        _ => 9,
    }
}

/// Bytes of a string's encoding (`lpEncodeGetType` for text).
fn str_encoding_len(len: usize) -> usize {
    if len < 64 {
        1 + len
    } else if len < 4096 {
        2 + len
    } else {
        5 + len
    }
}

/// Bytes of the back-length that follows an encoding of `l` bytes.
fn backlen_len(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

/// Whole size of an integer element.
pub fn int_size(v: i64) -> usize {
    let l = int_encoding_len(v);
    l + backlen_len(l)
}

/// Whole size of a string element (an integer if it reads as one).
pub fn str_size(s: &[u8]) -> usize {
    let l = match as_int(s) {
        Some(v) => int_encoding_len(v),
        None => str_encoding_len(s.len()),
    };
    l + backlen_len(l)
}

/// A listpack under construction (`lpNew` + `lpAppend*`), for the RDB.
#[derive(Default)]
pub struct Writer {
    body: Vec<u8>,
    count: usize,
}

impl Writer {
    /// Appends an integer element.
    pub fn int(&mut self, v: i64) {
        let start = self.body.len();
        let b = &mut self.body;
        match int_encoding_len(v) {
            1 => b.push(v as u8),
            2 => {
                let u = (v as u64) & 0x1fff;
                b.extend_from_slice(&[0xc0 | (u >> 8) as u8, u as u8]);
            }
            3 => {
                b.push(0xf1);
                b.extend_from_slice(&(v as i16).to_le_bytes());
            }
            4 => {
                b.push(0xf2);
                b.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
            }
            5 => {
                b.push(0xf3);
                b.extend_from_slice(&(v as i32).to_le_bytes());
            }
            _ => {
                b.push(0xf4);
                b.extend_from_slice(&v.to_le_bytes());
            }
        }
        self.finish(start);
    }

    /// Appends a string element (`lpAppend`: integer text becomes an integer).
    pub fn string(&mut self, s: &[u8]) {
        if let Some(v) = as_int(s) {
            return self.int(v);
        }
        let start = self.body.len();
        let b = &mut self.body;
        let len = s.len();
        if len < 64 {
            b.push(0x80 | len as u8);
        } else if len < 4096 {
            b.extend_from_slice(&[0xe0 | (len >> 8) as u8, len as u8]);
        } else {
            b.push(0xf0);
            b.extend_from_slice(&(len as u32).to_le_bytes());
        }
        b.extend_from_slice(s);
        self.finish(start);
    }

    /// `lpEncodeBacklen` after the element that began at `start`.
    fn finish(&mut self, start: usize) {
        let l = self.body.len() - start;
        let n = backlen_len(l);
        for i in (0..n).rev() {
            let group = ((l >> (7 * i)) & 127) as u8;
            self.body.push(if i == n - 1 { group } else { group | 128 });
        }
        self.count += 1;
    }

    /// The listpack's bytes: total size and element count (65535 when
    /// unknown), the elements, the end mark.
    pub fn bytes(self) -> Vec<u8> {
        let total = self.body.len() + 7;
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&(total as u32).to_le_bytes());
        out.extend_from_slice(&(self.count.min(65535) as u16).to_le_bytes());
        out.extend_from_slice(&self.body);
        out.push(0xff);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::compact::listpack;

    /// What the writer encodes, the RDB's listpack reader reads back, and
    /// the sizes the stream counts are the bytes written.
    #[test]
    fn elements_round_trip_and_sizes_match() {
        let items: Vec<Vec<u8>> = [
            "0",
            "127",
            "128",
            "-1",
            "-4096",
            "4095",
            "30000",
            "-30000",
            "8000000",
            "-8388608",
            "2147483647",
            "-2147483648",
            "9223372036854775807",
            "-9223372036854775808",
            "",
            "abc",
            "01",
            "-0",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .chain([vec![b'x'; 70], vec![b'y'; 5000]])
        .collect();
        let mut w = Writer::default();
        let mut size = 7;
        for i in &items {
            w.string(i);
            size += str_size(i);
        }
        let bytes = w.bytes();
        assert_eq!(bytes.len(), size);
        assert_eq!(listpack(&bytes).unwrap(), items);
    }
}
