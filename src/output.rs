//! Where output goes: stdout, or `--output-file`. A regular file (or a new one) is replaced
//! atomically (temporary file + rename) so a reader such as node_exporter never sees half a
//! file, keeping the mode and owner of the file it replaces; a character device or FIFO
//! (`/dev/stdout`, a named pipe) is written as it is, never replaced; a directory, block device
//! or socket is refused. A symbolic link is followed: its target is what is replaced or written.
//! SIGINT, SIGTERM or SIGHUP during the write remove the temporary file (docs/robustness.md).

use std::fs::{self, File, Metadata, OpenOptions, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use tempfile::NamedTempFile;

use crate::error::{Error, Result};

pub(crate) fn emit(
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
        Some(path) => write_file(path, Kind::Output, write),
    }
}

/// What a file written by [`write_file`] is for, which decides its mode and what else may stand
/// at its path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// `--output-file`: a character device or FIFO is written in place; a file it replaces keeps
    /// its mode and owner, and a new one is 0644, readable by a collector running as another
    /// user like any exported metrics file.
    Output,
    /// A file of ours that may name secrets (the config file): mode 0600 whatever was there.
    Private,
}

/// What writing to a path means.
#[derive(Debug, PartialEq)]
enum Destination {
    /// Write a new file beside this one and rename it over it (or create it).
    Replace(PathBuf),
    /// Open it and write into it: a character device or FIFO.
    InPlace,
}

/// Writes `path` whole or not at all when it is (or will be) a regular file; into it as it is
/// when it is a character device or FIFO and `kind` allows.
pub(crate) fn write_file(
    path: &Path,
    kind: Kind,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let shown = path.display();
    let fail = |e: io::Error| Error::output(io::Error::new(e.kind(), format!("{shown}: {e}")));
    match destination(path).map_err(fail)? {
        Destination::Replace(real) => write_atomically(&real, kind, write).map_err(fail),
        Destination::InPlace if kind == Kind::Output => {
            let file = OpenOptions::new().write(true).open(path).map_err(fail)?;
            let mut out = BufWriter::new(file);
            write(&mut out).map_err(fail)?;
            out.flush().map_err(fail)
        }
        Destination::InPlace => Err(fail(refused("is not a regular file"))),
    }
}

fn refused(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, why.to_owned())
}

/// Decides from what is at `path` (following a symbolic link) what writing to it means.
fn destination(path: &Path) -> io::Result<Destination> {
    let here = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Destination::Replace(path.to_path_buf()));
        }
        other => other?,
    };
    let link = here.file_type().is_symlink();
    if link {
        refuse_foreign_link(path, &here)?;
    }
    let target = match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(refused(
                "is a symbolic link to nothing; name the file itself",
            ));
        }
        other => other?,
    };
    let kind = target.file_type();
    if kind.is_file() {
        let real = if link {
            fs::canonicalize(path)?
        } else {
            path.to_path_buf()
        };
        return Ok(Destination::Replace(real));
    }
    if kind.is_char_device() || kind.is_fifo() {
        return Ok(Destination::InPlace);
    }
    Err(refused(if kind.is_dir() {
        "is a directory; name a file in it"
    } else {
        "is neither a regular file, a character device nor a FIFO"
    }))
}

/// The kernel's `fs.protected_symlinks` rule, which renaming over a link's target would
/// otherwise bypass: in a world-writable sticky folder (/tmp), a link is followed only when it
/// belongs to us or to the folder's owner, so nobody can point root's output at /etc/passwd.
fn refuse_foreign_link(path: &Path, link: &Metadata) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = fs::metadata(dir)?;
    let sticky_and_open = dir.mode() & 0o1002 == 0o1002;
    let me = rustix::process::geteuid().as_raw();
    if sticky_and_open && link.uid() != me && link.uid() != dir.uid() {
        return Err(refused(
            "is a symbolic link of another user in a world-writable sticky folder; it is not followed (as with fs.protected_symlinks)",
        ));
    }
    Ok(())
}

/// A temporary file in the same folder, synced, given its mode (and owner), then renamed over
/// `path`.
fn write_atomically(
    path: &Path,
    kind: Kind,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        // Else the error would name the temporary file, which the user never asked for.
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "the folder {} does not exist (create it first)",
                dir.display()
            ),
        ));
    }
    let replaced = fs::metadata(path).ok().filter(Metadata::is_file);
    let tmp = temporary_in(dir)?;
    let written = fill(tmp, kind, replaced.as_ref(), write).and_then(|tmp| {
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    });
    // Renamed or removed by now: a signal from here on has nothing to clean up.
    *IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner) = None;
    written
}

/// Writes, syncs and sets the mode (and owner) of the temporary file.
fn fill(
    tmp: NamedTempFile,
    kind: Kind,
    replaced: Option<&Metadata>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<NamedTempFile> {
    let mut out = BufWriter::new(tmp);
    write(&mut out)?;
    let tmp = out.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    let mode = match (kind, replaced) {
        (Kind::Private, _) => 0o600,
        (Kind::Output, None) => 0o644,
        (Kind::Output, Some(old)) => take_owner(tmp.as_file(), old),
    };
    tmp.as_file()
        .set_permissions(Permissions::from_mode(mode))?;
    Ok(tmp)
}

/// Gives `file` the owner and group of the file it replaces where we may (root may; anyone may
/// keep a group they belong to), and returns the mode it should have: the old one without
/// set-id bits, and where the group could not be kept, no more for the new group than for
/// everyone, so that replacing a file never widens who may read it.
fn take_owner(file: &File, old: &Metadata) -> u32 {
    let mode = old.mode() & 0o777;
    let me = rustix::process::geteuid().as_raw();
    let owner = (old.uid() != me).then_some(old.uid());
    if std::os::unix::fs::fchown(file, owner, Some(old.gid())).is_ok() {
        return mode;
    }
    if std::os::unix::fs::fchown(file, None, Some(old.gid())).is_ok() {
        return mode;
    }
    (mode & !0o070) | ((mode & 0o007) << 3)
}

/// The temporary file being written, which the signal thread removes when SIGINT, SIGTERM or
/// SIGHUP would end the process before it is renamed (a SIGKILL cannot be caught).
static IN_FLIGHT: Mutex<Option<PathBuf>> = Mutex::new(None);

/// A new temporary file in `dir`, known to the signal thread before anything is written to it.
fn temporary_in(dir: &Path) -> io::Result<NamedTempFile> {
    watch_signals()?;
    // Held while the file is created, so a signal cannot fall between its creation and its
    // registration.
    let mut slot = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
    let tmp = tempfile::Builder::new()
        .prefix(".sessions-")
        .tempfile_in(dir)?;
    *slot = Some(tmp.path().to_path_buf());
    Ok(tmp)
}

/// Once per process that writes a file: a thread that, on SIGINT, SIGTERM or SIGHUP, removes the
/// temporary file in flight and then ends the process as the signal would have (same exit
/// status), since a caught signal no longer does that by itself.
fn watch_signals() -> io::Result<()> {
    static STARTED: Mutex<bool> = Mutex::new(false);
    let mut started = STARTED.lock().unwrap_or_else(PoisonError::into_inner);
    if *started {
        return Ok(());
    }
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let path = IN_FLIGHT
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                if let Some(path) = path {
                    let _ = fs::remove_file(path);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
            }
        })?;
    *started = true;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

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

    #[test]
    fn a_link_is_followed_and_its_target_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.prom");
        std::fs::write(&target, "old\n").unwrap();
        let link = dir.path().join("link.prom");
        symlink(&target, &link).unwrap();
        emit(Some(&link), |w| w.write_all(b"new\n")).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");

        let dangling = dir.path().join("dangling");
        symlink(dir.path().join("missing"), &dangling).unwrap();
        let err = emit(Some(&dangling), |w| w.write_all(b"x")).unwrap_err();
        assert!(
            err.to_string().contains("is a symbolic link to nothing"),
            "{err}"
        );
    }

    #[test]
    fn devices_and_fifos_are_written_in_place_and_directories_refused() {
        assert_eq!(
            destination(Path::new("/dev/null")).unwrap(),
            Destination::InPlace
        );
        emit(Some(Path::new("/dev/null")), |w| w.write_all(b"x")).unwrap();
        assert!(
            fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        let err = emit(Some(Path::new("/dev/full")), |w| w.write_all(b"x")).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(
            fs::metadata("/dev/full")
                .unwrap()
                .file_type()
                .is_char_device()
        );

        let dir = tempfile::tempdir().unwrap();
        let err = emit(Some(dir.path()), |w| w.write_all(b"x")).unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
        let config = write_file(Path::new("/dev/null"), Kind::Private, |w| w.write_all(b"x"));
        assert!(
            config
                .unwrap_err()
                .to_string()
                .contains("is not a regular file")
        );
    }

    fn mode_and_owner(path: &Path) -> (u32, u32, u32) {
        let m = fs::metadata(path).unwrap();
        (m.mode() & 0o7777, m.uid(), m.gid())
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_and_owner_and_a_new_one_is_0644() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.prom");
        emit(Some(&path), |w| w.write_all(b"new\n")).unwrap();
        assert_eq!(mode_and_owner(&path).0, 0o644);
        fs::set_permissions(&path, Permissions::from_mode(0o600)).unwrap();
        emit(Some(&path), |w| w.write_all(b"again\n")).unwrap();
        assert_eq!(mode_and_owner(&path).0, 0o600);
        assert_eq!(fs::read_to_string(&path).unwrap(), "again\n");
        // Set-id bits are not carried over to what a renderer wrote.
        fs::set_permissions(&path, Permissions::from_mode(0o4750)).unwrap();
        emit(Some(&path), |w| w.write_all(b"x")).unwrap();
        assert_eq!(mode_and_owner(&path).0, 0o750);
        // The config file is 0600 whatever it was.
        fs::set_permissions(&path, Permissions::from_mode(0o644)).unwrap();
        write_file(&path, Kind::Private, |w| w.write_all(b"x")).unwrap();
        assert_eq!(mode_and_owner(&path).0, 0o600);
        if rustix::process::geteuid().is_root() {
            std::os::unix::fs::chown(&path, Some(4321), Some(4322)).unwrap();
            fs::set_permissions(&path, Permissions::from_mode(0o640)).unwrap();
            emit(Some(&path), |w| w.write_all(b"y")).unwrap();
            assert_eq!(mode_and_owner(&path), (0o640, 4321, 4322));
        }
    }
}
