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
