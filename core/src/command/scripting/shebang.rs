//! Script flags (`scripts_flags_def` in script.c) and EVAL's shebang line
//! (`evalExtractShebangFlags`): `#!lua flags=no-writes,allow-oom`. A script
//! without a shebang runs in compatibility mode, with 6.x's rules.

/// The flag names Redis 7.0 knows, for shebangs and `register_function`.
pub const FLAGS: &[&str] = &[
    "no-writes",
    "allow-oom",
    "allow-stale",
    "no-cluster",
    "allow-cross-slot-keys",
];

/// What a script declared about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptFlags {
    /// No shebang: 6.x compatibility (writes allowed, cross-slot allowed,
    /// flags of the EVAL command itself unchanged).
    pub compat: bool,
    /// `no-writes`: the script may only read.
    pub no_writes: bool,
    /// `allow-oom`: runs even past maxmemory.
    pub allow_oom: bool,
    /// `allow-stale`: runs on a stale replica.
    pub allow_stale: bool,
    /// `no-cluster`: refused on a cluster node.
    pub no_cluster: bool,
    /// `allow-cross-slot-keys`: may touch keys of several slots.
    pub allow_cross_slot: bool,
}

impl ScriptFlags {
    /// Flags from a list of names (function flags); `Err` names the
    /// first unknown one.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut f = ScriptFlags::default();
        for name in names {
            match name {
                "no-writes" => f.no_writes = true,
                "allow-oom" => f.allow_oom = true,
                "allow-stale" => f.allow_stale = true,
                "no-cluster" => f.no_cluster = true,
                "allow-cross-slot-keys" => f.allow_cross_slot = true,
                other => return Err(other.to_string()),
            }
        }
        Ok(f)
    }

    /// The names set, in Redis's order (FUNCTION LIST prints them so).
    pub fn names(&self) -> Vec<&'static str> {
        let set = [
            self.no_writes,
            self.allow_oom,
            self.allow_stale,
            self.no_cluster,
            self.allow_cross_slot,
        ];
        FLAGS
            .iter()
            .zip(set)
            .filter(|(_, on)| *on)
            .map(|(n, _)| *n)
            .collect()
    }
}

/// Reads EVAL's shebang: the flags, and the body Lua compiles, whose
/// shebang line is blanked so line numbers stay those of the script.
/// `Err` is the reply's message without its `ERR `.
pub fn parse(body: &[u8]) -> Result<(ScriptFlags, Vec<u8>), String> {
    if !body.starts_with(b"#!") {
        let flags = ScriptFlags {
            compat: true,
            ..ScriptFlags::default()
        };
        return Ok((flags, body.to_vec()));
    }
    let Some(end) = body.iter().position(|&b| b == b'\n') else {
        return Err("Invalid script shebang".into());
    };
    let line = String::from_utf8_lossy(&body[..end]);
    let parts: Vec<&str> = line.split_ascii_whitespace().collect();
    let Some(engine) = parts.first() else {
        return Err("Invalid engine in script shebang".into());
    };
    if *engine != "#!lua" {
        return Err(format!("Unexpected engine in script shebang: {engine}"));
    }
    let mut flags = ScriptFlags::default();
    for part in &parts[1..] {
        let Some(list) = part.strip_prefix("flags=") else {
            return Err(format!("Unknown lua shebang option: {part}"));
        };
        let names = if list.is_empty() {
            Vec::new()
        } else {
            list.split(',').collect()
        };
        let more = ScriptFlags::from_names(names)
            .map_err(|bad| format!("Unexpected flag in script shebang: {bad}"))?;
        flags.no_writes |= more.no_writes;
        flags.allow_oom |= more.allow_oom;
        flags.allow_stale |= more.allow_stale;
        flags.no_cluster |= more.no_cluster;
        flags.allow_cross_slot |= more.allow_cross_slot;
    }
    Ok((flags, body[end..].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// evalExtractShebangFlags: texts as redis-server 7.0.15 prints them.
    #[test]
    fn shebang_errors_as_redis_words_them() {
        assert_eq!(parse(b"#!lua").unwrap_err(), "Invalid script shebang");
        assert_eq!(
            parse(b"#!foo\nreturn 1").unwrap_err(),
            "Unexpected engine in script shebang: #!foo"
        );
        assert_eq!(
            parse(b"#!lua flags=bogus\nreturn 1").unwrap_err(),
            "Unexpected flag in script shebang: bogus"
        );
        assert_eq!(
            parse(b"#!lua name=x\nreturn 1").unwrap_err(),
            "Unknown lua shebang option: name=x"
        );
        let (f, body) = parse(b"#!lua flags=no-writes,allow-cross-slot-keys\nreturn 1").unwrap();
        assert!(f.no_writes && f.allow_cross_slot && !f.compat);
        assert_eq!(body, b"\nreturn 1");
        assert!(parse(b"return 1").unwrap().0.compat);
    }
}
