//! What the page says about a key. Kept apart from the component so it can be unit-tested
//! natively, without a browser.

use clusterlab_core::slot::{hash_tag, key_slot};

/// A key's hash slot and the part of the key that was hashed to find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub slot: u16,
    /// The hashed bytes as text: the hash tag if the key has one, otherwise the whole key.
    pub hashed: String,
    /// Whether `hashed` is a hash tag (`{…}`) rather than the whole key.
    pub tagged: bool,
}

impl KeyInfo {
    pub fn of(key: &str) -> Self {
        let bytes = key.as_bytes();
        let tag = hash_tag(bytes);
        KeyInfo {
            slot: key_slot(bytes),
            // `{` and `}` are ASCII, so a tag cut out of UTF-8 text is still UTF-8.
            hashed: String::from_utf8_lossy(tag.unwrap_or(bytes)).into_owned(),
            tagged: tag.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_key_hashes_whole_key() {
        let info = KeyInfo::of("user:1000");
        assert_eq!(info.slot, 1649);
        assert_eq!(info.hashed, "user:1000");
        assert!(!info.tagged);
    }

    #[test]
    fn hash_tag_is_what_gets_hashed() {
        let info = KeyInfo::of("{user1000}.following");
        assert_eq!(info.slot, 3443);
        assert_eq!(info.hashed, "user1000");
        assert!(info.tagged);
    }

    #[test]
    fn empty_tag_falls_back_to_whole_key() {
        let info = KeyInfo::of("{}user");
        assert_eq!(info.hashed, "{}user");
        assert!(!info.tagged);
    }
}
