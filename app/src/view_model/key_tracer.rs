//! A key's way to its node: its hash tag, CRC16 and slot, and the slot's owner.

use clusterlab_core::slot::{crc16, hash_tag, SLOTS};

use super::cluster_view::Picture;

/// One byte of a key in the tracer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyByte {
    /// The byte as shown: the character, or `\xNN`.
    pub text: String,
    pub hex: String,
    /// Whether this byte is hashed (in the hash tag, or every byte when there is none).
    pub hashed: bool,
    /// A `{` or `}` that delimits the hash tag.
    pub brace: bool,
}

/// A key traced from its bytes to its owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyTrace {
    pub bytes: Vec<KeyByte>,
    /// The bytes that go into CRC16 (the tag, or the whole key).
    pub hashed: String,
    pub tagged: bool,
    pub crc: u16,
    pub slot: u16,
    pub owner: Option<usize>,
}

pub fn key_trace(key: &str, picture: &Picture) -> KeyTrace {
    let bytes = key.as_bytes();
    let tag = hash_tag(bytes);
    let (tag_start, tag_end) = match tag {
        Some(t) => {
            let start = t.as_ptr() as usize - bytes.as_ptr() as usize;
            (start, start + t.len())
        }
        None => (0, bytes.len()),
    };
    let hashed_bytes = tag.unwrap_or(bytes);
    let crc = crc16(hashed_bytes);
    let slot = crc & (SLOTS - 1);
    KeyTrace {
        bytes: bytes
            .iter()
            .enumerate()
            .map(|(i, &b)| KeyByte {
                text: if b.is_ascii_graphic() || b == b' ' {
                    (b as char).to_string()
                } else {
                    format!("\\x{b:02x}")
                },
                hex: format!("{b:02x}"),
                hashed: (tag_start..tag_end).contains(&i),
                brace: tag.is_some() && (i + 1 == tag_start || i == tag_end),
            })
            .collect(),
        hashed: String::from_utf8_lossy(hashed_bytes).into_owned(),
        tagged: tag.is_some(),
        crc,
        slot,
        owner: picture.owner(slot),
    }
}

#[cfg(test)]
mod tests {
    //! A key's slot as Redis computes it: CRC16 of the hash tag (or the whole key) mod 16384.

    use super::*;
    use crate::view_model::cluster_view::picture;
    use crate::view_model::test_support::{cluster, SIX};

    #[test]
    fn key_tracer_highlights_the_hash_tag() {
        let p = picture(&cluster(), SIX);
        let t = key_trace("user:1000", &p);
        assert_eq!(
            (t.slot, t.tagged, t.hashed.as_str()),
            (1649, false, "user:1000")
        );
        assert!(t.bytes.iter().all(|b| b.hashed && !b.brace));
        assert_eq!(t.crc & 16383, 1649);
        assert_eq!(t.owner, Some(0));

        let t = key_trace("{user1000}.following", &p);
        assert_eq!(
            (t.slot, t.tagged, t.hashed.as_str()),
            (3443, true, "user1000")
        );
        let hashed: String = t
            .bytes
            .iter()
            .filter(|b| b.hashed)
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(hashed, "user1000");
        assert!(t.bytes[0].brace && t.bytes[9].brace && !t.bytes[10].brace);

        // An empty tag hashes the whole key; non-printable bytes are shown escaped.
        let t = key_trace("{}user", &p);
        assert!(!t.tagged && t.bytes.iter().all(|b| b.hashed));
        assert_eq!(key_trace("a\u{7}", &p).bytes[1].text, "\\x07");
        assert_eq!(key_trace("", &p).slot, 0);
    }
}
