//! The node's disk jobs on the real file system, under its `dir`: each
//! operation as Redis's syscalls do it (a temp file written and fsynced,
//! then `rename`d; AOF appends with `O_APPEND`).

use clusterlab_core::node::DiskOp;
use std::io::Write;
use std::path::Path;

/// Runs `ops` in order under `dir`, stopping at the first failure.
pub fn run(dir: &Path, ops: &[DiskOp]) -> Result<(), String> {
    for op in ops {
        one(dir, op).map_err(|e| format!("{op:?}: {e}").chars().take(300).collect::<String>())?;
    }
    Ok(())
}

fn one(dir: &Path, op: &DiskOp) -> std::io::Result<()> {
    match op {
        DiskOp::Write { name, bytes } => {
            let mut f = std::fs::File::create(dir.join(name))?;
            f.write_all(bytes)?;
            f.sync_all()
        }
        DiskOp::Append { name, bytes, fsync } => {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.join(name))?;
            f.write_all(bytes)?;
            if *fsync {
                f.sync_data()?;
            }
            Ok(())
        }
        DiskOp::Rename { from, to } => std::fs::rename(dir.join(from), dir.join(to)),
        DiskOp::Remove { name } => match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
        DiskOp::MakeDir { name } => std::fs::create_dir_all(dir.join(name)),
        // Reads come back in `Input::DiskRead` (`read_whole`); within a job
        // of several operations, only whether it can be read is checked.
        DiskOp::Read { name } => std::fs::File::open(dir.join(name)).map(|_| ()),
    }
}

/// A file under `dir`, `None` when it does not exist.
pub fn read(dir: &Path, name: &str) -> Result<Option<Vec<u8>>, String> {
    match std::fs::read(dir.join(name)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{name}: {e}")),
    }
}

/// A file under `dir` read whole, `None` when it does not exist, an error
/// worded as `strerror` (ACL LOAD prints it).
pub fn read_whole(dir: &Path, name: &str) -> Result<Option<Vec<u8>>, String> {
    match std::fs::read(dir.join(name)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => {
            let text = e.to_string();
            Err(match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            })
        }
    }
}
