//! The loop Redis's commands walk their trailing options with
//! (`for (j = start; j < c->argc; j++)`, a name then maybe its value): one
//! walker for CLIENT KILL's filters and CLIENT TRACKING's options.

/// Options from a start position: each [`OptionWalk::next_name`] gives a
/// name, lowercased; [`OptionWalk::value`] then takes the argument after it.
pub struct OptionWalk<'a> {
    args: &'a [Vec<u8>],
    at: usize,
}

impl<'a> OptionWalk<'a> {
    /// Options of `args` from index `start`.
    pub fn new(args: &'a [Vec<u8>], start: usize) -> Self {
        OptionWalk { args, at: start }
    }

    /// The next option's name, lowercased; `None` past the last argument.
    pub fn next_name(&mut self) -> Option<Vec<u8>> {
        let name = self.args.get(self.at)?.to_ascii_lowercase();
        self.at += 1;
        Some(name)
    }

    /// The argument after the current option, taken; `None` when there is
    /// none (Redis's `moreargs` false: the option is a syntax error).
    pub fn value(&mut self) -> Option<&'a Vec<u8>> {
        let v = self.args.get(self.at)?;
        self.at += 1;
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_names_and_values() {
        let args: Vec<Vec<u8>> = ["CLIENT", "KILL", "ID", "7", "SKIPME"]
            .iter()
            .map(|a| a.as_bytes().to_vec())
            .collect();
        let mut w = OptionWalk::new(&args, 2);
        assert_eq!(w.next_name().as_deref(), Some(&b"id"[..]));
        assert_eq!(w.value().map(Vec::as_slice), Some(&b"7"[..]));
        assert_eq!(w.next_name().as_deref(), Some(&b"skipme"[..]));
        assert_eq!(w.value(), None);
        assert_eq!(w.next_name(), None);
    }
}
