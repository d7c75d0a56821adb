//! String values as stored: a short one inside the value itself, as Redis's
//! embstr keeps a short string in its object's own allocation, so that a
//! small string costs no allocation of its own (1 M `SET key:… xxx` used 32
//! bytes a key more than Redis for the value's `Vec` alone: issue 13, item 7).
//! Which of the two forms holds a string is invisible: OBJECT ENCODING and
//! MEMORY USAGE answer from the contents and the raw mark, as before.

use std::fmt;
use std::ops::Deref;

/// Longest string kept inline: what fits beside the niche of a `Vec`'s
/// capacity, so a [`Str`] is no larger than a `Vec<u8>` (24 bytes, 12 on
/// wasm32) and every [`super::Data`] stays the size of its largest kind, a
/// list (32 bytes).
const INLINE: usize = 2 * std::mem::size_of::<usize>() - 1;

/// A string value: its bytes, inline when short.
#[derive(Clone, Default)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    /// Up to [`INLINE`] bytes: the length, then the bytes.
    Inline(u8, [u8; INLINE]),
    /// A longer string, or one a command writes into ([`Str::vec_mut`]).
    Heap(Vec<u8>),
}

/// The empty string, inline.
impl Default for Repr {
    fn default() -> Self {
        Repr::Inline(0, [0; INLINE])
    }
}

impl Str {
    /// A copy of `bytes`, inline when short: storing a command's argument
    /// allocates nothing for a small value.
    pub fn new(bytes: &[u8]) -> Self {
        match inline(bytes) {
            Some(repr) => Str(repr),
            None => Str(Repr::Heap(bytes.to_vec())),
        }
    }

    /// The bytes as a vector to change in place (SETBIT, BITFIELD, PFADD…):
    /// a short string moves to the heap first and stays there, as a
    /// string Redis writes into in place is a raw object of its own.
    pub fn vec_mut(&mut self) -> &mut Vec<u8> {
        if let Repr::Inline(..) = self.0 {
            self.0 = Repr::Heap(self.to_vec());
        }
        match &mut self.0 {
            Repr::Heap(v) => v,
            Repr::Inline(..) => unreachable!("moved to the heap above"),
        }
    }

    /// The bytes as a vector, without a copy when they are on the heap.
    pub fn into_vec(self) -> Vec<u8> {
        match self.0 {
            Repr::Heap(v) => v,
            Repr::Inline(..) => self.to_vec(),
        }
    }
}

/// `bytes` inline, if they fit.
fn inline(bytes: &[u8]) -> Option<Repr> {
    (bytes.len() <= INLINE).then(|| {
        let mut buf = [0; INLINE];
        buf[..bytes.len()].copy_from_slice(bytes);
        Repr::Inline(bytes.len() as u8, buf)
    })
}

impl Deref for Str {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline(len, buf) => &buf[..usize::from(*len)],
            Repr::Heap(v) => v,
        }
    }
}

/// A vector made elsewhere (INCR's digits, a loaded value): kept as it is
/// unless short enough to go inline, which frees it.
impl From<Vec<u8>> for Str {
    fn from(v: Vec<u8>) -> Self {
        Str(inline(&v).unwrap_or(Repr::Heap(v)))
    }
}

/// Same bytes, whichever form holds them (a master's and its replica's
/// copies may differ in form).
impl PartialEq for Str {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

/// As the bytes' own `Debug`, which a `Vec<u8>`'s is too.
impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_str_is_no_larger_than_a_vec() {
        assert_eq!(std::mem::size_of::<Str>(), std::mem::size_of::<Vec<u8>>());
        // The list is the largest value: a string does not make values grow.
        let list = std::mem::size_of::<std::collections::VecDeque<Vec<u8>>>();
        assert_eq!(std::mem::size_of::<super::super::Data>(), list);
    }

    #[test]
    fn short_strings_are_inline_and_long_ones_on_the_heap() {
        let short = Str::new(&[7; INLINE]);
        assert!(matches!(short.0, Repr::Inline(n, _) if usize::from(n) == INLINE));
        assert_eq!(&*short, &[7; INLINE]);
        let long = Str::from(vec![7; INLINE + 1]);
        assert!(matches!(long.0, Repr::Heap(_)));
        assert_eq!(long.into_vec(), vec![7; INLINE + 1]);
        assert!(matches!(Str::from(b"xxx".to_vec()).0, Repr::Inline(3, _)));
    }

    #[test]
    fn writing_in_place_moves_to_the_heap_and_keeps_equality() {
        let mut s = Str::new(b"ab");
        s.vec_mut().push(b'c');
        assert!(matches!(s.0, Repr::Heap(_)));
        assert_eq!(s, Str::new(b"abc"));
        assert_eq!(format!("{s:?}"), format!("{:?}", b"abc".to_vec()));
    }
}
