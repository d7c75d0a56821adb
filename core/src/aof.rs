//! Redis 7.0's multi-part append-only file (`aof.c`), as formats: the
//! manifest that lists a base file and incremental files, the names 7.0
//! gives them, and the command stream an incremental file holds (RESP
//! arrays, exactly what replicas are sent). The rules deciding when these
//! files are written live in the node (`node/server/persist.rs`).

use crate::resp::{parse_request, Limits};

/// `BASE_FILE_SUFFIX`, `INCR_FILE_SUFFIX`, `RDB_FORMAT_SUFFIX`,
/// `AOF_FORMAT_SUFFIX`, `MANIFEST_NAME_SUFFIX`, `TEMP_FILE_NAME_PREFIX`.
const BASE: &str = ".base";
const INCR: &str = ".incr";
const RDB_FORMAT: &str = ".rdb";
const AOF_FORMAT: &str = ".aof";
const MANIFEST: &str = ".manifest";
const TEMP: &str = "temp-";

/// `MANIFEST_MAX_LINE`.
const MANIFEST_MAX_LINE: usize = 1024;

/// What one manifest line says a file is (`aof_file_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    /// `b`: the base, a snapshot (RDB with `aof-use-rdb-preamble yes`).
    Base,
    /// `h`: a file a rewrite made obsolete, to be deleted.
    History,
    /// `i`: commands appended after the base.
    Incr,
}

impl FileType {
    fn letter(self) -> char {
        match self {
            FileType::Base => 'b',
            FileType::History => 'h',
            FileType::Incr => 'i',
        }
    }
}

/// One file of the manifest (`aofInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AofFile {
    /// Its name inside `appenddirname`.
    pub name: String,
    /// Its sequence number.
    pub seq: u64,
    /// Base, history or incremental.
    pub kind: FileType,
}

/// `aofManifest`: the base, the history files, the incremental files in
/// order, and the last sequence numbers given out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The base file, if any.
    pub base: Option<AofFile>,
    /// Files a rewrite made obsolete.
    pub history: Vec<AofFile>,
    /// Incremental files, oldest first.
    pub incr: Vec<AofFile>,
    /// `curr_base_file_seq`.
    pub base_seq: u64,
    /// `curr_incr_file_seq`.
    pub incr_seq: u64,
}

/// `getAofManifestFileName`: `appendonly.aof.manifest`.
pub fn manifest_name(appendfilename: &str) -> String {
    format!("{appendfilename}{MANIFEST}")
}

/// `getTempAofManifestFileName`: `temp-appendonly.aof.manifest`.
pub fn temp_manifest_name(appendfilename: &str) -> String {
    format!("{TEMP}{appendfilename}{MANIFEST}")
}

/// `getTempIncrAofName`: `temp-appendonly.aof.incr`, where writes go while
/// the first rewrite after `appendonly yes` runs.
pub fn temp_incr_name(appendfilename: &str) -> String {
    format!("{TEMP}{appendfilename}{INCR}")
}

impl Manifest {
    /// `getNewBaseFileNameAndMarkPreAsHistory`: a new base named
    /// `appendonly.aof.<seq>.base.rdb` (`.aof` without the RDB preamble);
    /// the old base becomes history.
    pub fn new_base(&mut self, appendfilename: &str, rdb_preamble: bool) -> String {
        if let Some(mut old) = self.base.take() {
            old.kind = FileType::History;
            self.history.insert(0, old);
        }
        self.base_seq += 1;
        let format = if rdb_preamble { RDB_FORMAT } else { AOF_FORMAT };
        let name = format!("{appendfilename}.{}{BASE}{format}", self.base_seq);
        self.base = Some(AofFile {
            name: name.clone(),
            seq: self.base_seq,
            kind: FileType::Base,
        });
        name
    }

    /// `getNewIncrAofName`: `appendonly.aof.<seq>.incr.aof`, appended.
    pub fn new_incr(&mut self, appendfilename: &str) -> String {
        self.incr_seq += 1;
        let name = format!("{appendfilename}.{}{INCR}{AOF_FORMAT}", self.incr_seq);
        self.incr.push(AofFile {
            name: name.clone(),
            seq: self.incr_seq,
            kind: FileType::Incr,
        });
        name
    }

    /// `getLastIncrAofName`: the file writes are appended to, a new one
    /// when there is none.
    pub fn last_incr(&mut self, appendfilename: &str) -> String {
        match self.incr.last() {
            Some(f) => f.name.clone(),
            None => self.new_incr(appendfilename),
        }
    }

    /// `markRewrittenIncrAofAsHistory`: after a rewrite every incremental
    /// file but the last (opened when the rewrite started) is history.
    pub fn mark_rewritten_incr_as_history(&mut self) {
        let keep = self.incr.pop();
        for mut f in self.incr.drain(..) {
            f.kind = FileType::History;
            self.history.push(f);
        }
        self.incr.extend(keep);
    }

    /// `getAofManifestAsString`: base, history, incremental, one line each
    /// (`file <name> seq <n> type <b|h|i>`).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in self.base.iter().chain(&self.history).chain(&self.incr) {
            out.push_str(&format!(
                "file {} seq {} type {}\n",
                f.name,
                f.seq,
                f.kind.letter()
            ));
        }
        out
    }

    /// `aofLoadManifestFromFile`, with its error texts: comment lines are
    /// skipped, every other line needs `file`, `seq` and `type`; one base
    /// at most; incremental sequence numbers only grow.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        const INVALID: &str = "Invalid AOF manifest file format";
        if text.is_empty() {
            return Err("Found an empty AOF manifest".into());
        }
        let mut m = Manifest::default();
        for raw in text.split_inclusive('\n') {
            if raw.starts_with('#') {
                continue;
            }
            if !raw.ends_with('\n') || raw.len() > MANIFEST_MAX_LINE {
                return Err("The AOF manifest file contains too long line".into());
            }
            let words: Vec<&str> = raw.split_ascii_whitespace().collect();
            if words.len() < 6 || !words.len().is_multiple_of(2) {
                return Err(INVALID.into());
            }
            let (mut name, mut seq, mut kind) = (None, 0u64, None);
            for pair in words.chunks(2) {
                match pair[0].to_ascii_lowercase().as_str() {
                    "file" => {
                        if pair[1].contains('/') {
                            return Err("File can't be a path, just a filename".into());
                        }
                        name = Some(pair[1].to_string());
                    }
                    // `atoll`: what does not parse is 0, which is refused below.
                    "seq" => seq = pair[1].parse().unwrap_or(0),
                    "type" => kind = pair[1].chars().next(),
                    _ => {}
                }
            }
            let (Some(name), Some(kind)) = (name, kind) else {
                return Err(INVALID.into());
            };
            if seq == 0 {
                return Err(INVALID.into());
            }
            match kind {
                'b' => {
                    if m.base.is_some() {
                        return Err("Found duplicate base file information".into());
                    }
                    m.base_seq = seq;
                    m.base = Some(AofFile {
                        name,
                        seq,
                        kind: FileType::Base,
                    });
                }
                'h' => m.history.push(AofFile {
                    name,
                    seq,
                    kind: FileType::History,
                }),
                'i' => {
                    if seq <= m.incr_seq {
                        return Err("Found a non-monotonic sequence number".into());
                    }
                    m.incr_seq = seq;
                    m.incr.push(AofFile {
                        name,
                        seq,
                        kind: FileType::Incr,
                    });
                }
                _ => return Err("Unknown AOF file type".into()),
            }
        }
        Ok(m)
    }
}

/// `catAppendOnlyGenericCommand`: a command as a RESP array of bulks.
pub fn command(out: &mut Vec<u8>, args: &[Vec<u8>]) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// The commands of an AOF file (`loadSingleAppendOnlyFile`'s reading
/// loop). A file that ends inside a command is truncated there, as
/// `aof-load-truncated yes` allows for the last file; `truncated` says so.
pub struct Commands {
    /// The complete commands, in order.
    pub commands: Vec<Vec<Vec<u8>>>,
    /// The file ended inside a command.
    pub truncated: bool,
}

/// Reads `bytes` as AOF commands. Anything but RESP arrays of bulks is
/// `Bad file format reading the append only file`.
pub fn commands(bytes: &[u8]) -> Result<Commands, String> {
    let limits = Limits::default();
    let mut at = 0;
    let mut commands = Vec::new();
    while at < bytes.len() {
        if bytes[at] != b'*' {
            return Err(bad_format());
        }
        match parse_request(&bytes[at..], limits) {
            Ok(Some(req)) => {
                at += req.consumed;
                if !req.args.is_empty() {
                    commands.push(req.args);
                }
            }
            Ok(None) => {
                return Ok(Commands {
                    commands,
                    truncated: true,
                })
            }
            Err(_) => return Err(bad_format()),
        }
    }
    Ok(Commands {
        commands,
        truncated: false,
    })
}

fn bad_format() -> String {
    "Bad file format reading the append only file (make a backup of your AOF file, \
     then use ./redis-check-aof --fix <filename.manifest>)"
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names and lines 7.0.15 writes on `appendonly yes` then one
    /// BGREWRITEAOF (`getNewBaseFileNameAndMarkPreAsHistory`,
    /// `getNewIncrAofName`, `markRewrittenIncrAofAsHistory`).
    #[test]
    fn a_rewrite_makes_the_old_files_history() {
        let mut m = Manifest::default();
        assert_eq!(
            m.new_base("appendonly.aof", true),
            "appendonly.aof.1.base.rdb"
        );
        assert_eq!(m.new_incr("appendonly.aof"), "appendonly.aof.1.incr.aof");
        assert_eq!(
            m.to_text(),
            "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
        );
        m.new_incr("appendonly.aof");
        m.new_base("appendonly.aof", true);
        m.mark_rewritten_incr_as_history();
        assert_eq!(
            m.to_text(),
            "file appendonly.aof.2.base.rdb seq 2 type b\n\
             file appendonly.aof.1.base.rdb seq 1 type h\n\
             file appendonly.aof.1.incr.aof seq 1 type h\n\
             file appendonly.aof.2.incr.aof seq 2 type i\n"
        );
        assert_eq!(Manifest::parse(&m.to_text()), Ok(m));
    }

    /// `aofLoadManifestFromFile`'s refusals.
    #[test]
    fn bad_manifests_are_refused_with_redis_words() {
        for (text, err) in [
            ("", "Found an empty AOF manifest"),
            ("file a seq 1\n", "Invalid AOF manifest file format"),
            (
                "file a/b seq 1 type b\n",
                "File can't be a path, just a filename",
            ),
            (
                "file a seq 1 type b\nfile b seq 2 type b\n",
                "Found duplicate base file information",
            ),
            (
                "file a seq 2 type i\nfile b seq 1 type i\n",
                "Found a non-monotonic sequence number",
            ),
            ("file a seq 1 type x\n", "Unknown AOF file type"),
            (
                "file a seq 1 type b",
                "The AOF manifest file contains too long line",
            ),
        ] {
            assert_eq!(Manifest::parse(text).unwrap_err(), err, "{text:?}");
        }
        assert!(Manifest::parse("# comment\nfile a seq 1 type b\n").is_ok());
    }

    #[test]
    fn commands_round_trip_and_a_torn_tail_is_truncated() {
        let mut bytes = Vec::new();
        command(&mut bytes, &[b"SELECT".to_vec(), b"0".to_vec()]);
        command(
            &mut bytes,
            &[b"SET".to_vec(), b"k".to_vec(), b"v\r\n".to_vec()],
        );
        let read = commands(&bytes).unwrap();
        assert_eq!(read.commands.len(), 2);
        assert_eq!(read.commands[1][2], b"v\r\n");
        assert!(!read.truncated);
        let torn = commands(&bytes[..bytes.len() - 3]).unwrap();
        assert_eq!((torn.commands.len(), torn.truncated), (1, true));
        assert!(commands(b"SET k v\r\n").is_err());
    }
}
