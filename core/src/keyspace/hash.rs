//! A hash's storage in Redis's two encodings (`t_hash.c`): small hashes
//! packed in one buffer in the order their fields were first set (a
//! listpack: HGETALL, HKEYS, HVALS and HSCAN answer in that order, HDEL
//! closes the gap), converted for good to a map once a field or value is
//! longer than `hash-max-listpack-value` or there are more fields than
//! `hash-max-listpack-entries` (`hashTypeSet`, `hashTypeConvert`).

use super::packed::{PackLimits, Pairs};
use std::collections::{btree_map, BTreeMap};

/// Fields and their values.
#[derive(Clone, Debug)]
pub struct Hash(Form);

#[derive(Clone, Debug)]
enum Form {
    /// Redis's `OBJ_ENCODING_LISTPACK`.
    Packed(Pairs),
    /// Redis's `OBJ_ENCODING_HT` (here ordered by field), boxed so that a
    /// hash, so every [`super::Data`], stays 32 bytes (the box is the
    /// point, hence the lint allowed).
    #[allow(clippy::box_collection)]
    Table(Box<BTreeMap<Vec<u8>, Vec<u8>>>),
}

impl Default for Hash {
    /// An empty listpack, as `createHashObject` makes.
    fn default() -> Self {
        Hash(Form::Packed(Pairs::default()))
    }
}

/// Same fields with the same values, whatever the encoding or order.
impl PartialEq for Hash {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(f, v)| other.get(f) == Some(v))
    }
}

impl Hash {
    /// A hash loaded from an RDB or a RESTORE payload (`rdbLoadObject`):
    /// packed when the pairs fit `limits`, as it picks; a repeated field
    /// keeps its last value.
    pub fn loaded<I>(pairs: I, limits: PackLimits) -> Hash
    where
        I: IntoIterator<Item = (Vec<u8>, Vec<u8>)>,
        I::IntoIter: ExactSizeIterator,
    {
        let pairs = pairs.into_iter();
        let mut h = if limits.few(pairs.len()) {
            Hash::default()
        } else {
            Hash(Form::Table(Box::default()))
        };
        for (f, v) in pairs {
            h.insert(&f, &v, limits);
        }
        h
    }

    /// Whether the hash is a listpack (OBJECT ENCODING, and HSCAN, which
    /// returns a listpack whole).
    pub fn is_packed(&self) -> bool {
        matches!(self.0, Form::Packed(_))
    }

    /// The number of fields (HLEN).
    pub fn len(&self) -> usize {
        match &self.0 {
            Form::Packed(p) => p.len(),
            Form::Table(t) => t.len(),
        }
    }

    /// No field left (the key is then deleted).
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Form::Packed(p) => p.is_empty(),
            Form::Table(t) => t.is_empty(),
        }
    }

    /// `field`'s value.
    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.0 {
            Form::Packed(p) => p.find(field).ok().map(|slot| p.second(slot)),
            Form::Table(t) => t.get(field).map(Vec::as_slice),
        }
    }

    /// Whether `field` is set (HEXISTS).
    pub fn contains_key(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Sets `field` to `value`, true if the field is new (`hashTypeSet`):
    /// a long field or value converts a listpack first, a field past
    /// `limits.entries` after.
    pub fn insert(&mut self, field: &[u8], value: &[u8], limits: PackLimits) -> bool {
        if self.is_packed() && !(limits.short(field.len()) && limits.short(value.len())) {
            self.convert();
        }
        match &mut self.0 {
            Form::Packed(p) => match p.find(field) {
                Ok(slot) => {
                    p.set_second(slot, value);
                    false
                }
                Err(n) => {
                    p.push(field, value);
                    if !limits.few(n + 1) {
                        self.convert();
                    }
                    true
                }
            },
            Form::Table(t) => t.insert(field.to_vec(), value.to_vec()).is_none(),
        }
    }

    /// Removes `field`; true if it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match &mut self.0 {
            Form::Packed(p) => p.find(field).map(|slot| p.remove(slot)).is_ok(),
            Form::Table(t) => t.remove(field).is_some(),
        }
    }

    /// The fields and values: a listpack's in insertion order, a table's
    /// by field.
    pub fn iter(&self) -> Iter<'_> {
        match &self.0 {
            Form::Packed(p) => Iter::Packed(p.iter()),
            Form::Table(t) => Iter::Table(t.iter()),
        }
    }

    /// `hashTypeConvert` to a hash table.
    fn convert(&mut self) {
        let table = crate::sorted::map(self.iter().map(|(f, v)| (f.to_vec(), v.to_vec())));
        self.0 = Form::Table(Box::new(table));
    }
}

/// [`Hash::iter`].
pub enum Iter<'a> {
    Packed(super::packed::Iter<'a>),
    Table(btree_map::Iter<'a, Vec<u8>, Vec<u8>>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Packed(p) => p.next(),
            Iter::Table(t) => t.next().map(|(f, v)| (f.as_slice(), v.as_slice())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: PackLimits = PackLimits {
        entries: 2,
        value: 3,
    };

    fn fields(h: &Hash) -> Vec<&[u8]> {
        h.iter().map(|(f, _)| f).collect()
    }

    /// `hashTypeSet`: a listpack keeps insertion order and converts past
    /// either limit; it never converts back (`hashTypeConvert` is one-way).
    #[test]
    fn packed_until_a_limit_then_a_table_for_good() {
        let mut h = Hash::default();
        assert!(h.insert(b"z", b"1", TINY));
        assert!(h.insert(b"a", b"2", TINY));
        assert!(!h.insert(b"z", b"333", TINY));
        assert!(h.is_packed());
        assert_eq!(fields(&h), [&b"z"[..], b"a"]);
        assert_eq!(h.get(b"z"), Some(&b"333"[..]));
        assert!(h.insert(b"m", b"3", TINY));
        assert!(!h.is_packed());
        assert_eq!(fields(&h), [&b"a"[..], b"m", b"z"]);
        h.remove(b"m");
        h.remove(b"a");
        assert!(!h.is_packed());

        let mut long = Hash::default();
        long.insert(b"f", b"v", TINY);
        long.insert(b"f", b"long", TINY);
        assert!(!long.is_packed());
        assert_eq!(long.get(b"f"), Some(&b"long"[..]));
    }

    #[test]
    fn loading_picks_the_encoding_from_the_contents() {
        let pair = |f: &str, v: &str| (f.as_bytes().to_vec(), v.as_bytes().to_vec());
        let small = Hash::loaded([pair("b", "1"), pair("a", "2")], TINY);
        assert!(small.is_packed());
        assert_eq!(fields(&small), [&b"b"[..], b"a"]);
        assert!(!Hash::loaded([pair("a", "1"), pair("b", "2"), pair("c", "3")], TINY).is_packed());
        assert!(!Hash::loaded([pair("a", "long")], TINY).is_packed());
        assert_eq!(
            small,
            Hash::loaded([pair("a", "2"), pair("b", "1")], PackLimits::HASH)
        );
    }
}
