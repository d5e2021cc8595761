//! Where output goes: stdout, or `--output-file` written atomically (temporary file + rename) so a
//! reader such as node_exporter never sees half a file.

use std::fs::Permissions;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::{Error, Result};

pub fn emit(
    file: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    match file {
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
            write(&mut out).map_err(Error::output)?;
            out.flush().map_err(Error::output)
        }
        // Readable by a collector running as another user, like any exported metrics file.
        Some(path) => write_atomically(path, 0o644, write),
    }
}

/// Writes `path` whole or not at all: a temporary file in the same folder, synced, given `mode`,
/// then renamed over it.
pub fn write_atomically(
    path: &Path,
    mode: u32,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let shown = path.display();
    let fail = |e: io::Error| Error::output(io::Error::new(e.kind(), format!("{shown}: {e}")));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        // Else the error would name the temporary file, which the user never asked for.
        return Err(Error::output(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "{shown}: the folder {} does not exist (create it first)",
                dir.display()
            ),
        )));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".sessions-")
        .tempfile_in(dir)
        .map_err(fail)?;
    let mut out = BufWriter::new(tmp);
    write(&mut out).map_err(fail)?;
    let tmp = out.into_inner().map_err(|e| fail(e.into_error()))?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.as_file()
        .set_permissions(Permissions::from_mode(mode))
        .map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_whole_file_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.prom");
        emit(Some(&path), |w| w.write_all(b"complete\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "complete\n");

        let err = emit(Some(&path), |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("renderer failed"))
        })
        .unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "complete\n");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "the temporary file was removed");
    }
}
