//! The process table from /proc: which process owns which socket inode, and the command lines
//! of ffmpeg processes. Processes we may not read are counted, not fatal.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use rustix::fs::{CWD, Dir, Mode, OFlags, openat, readlinkat_raw};
use rustix::io::Errno;

/// A process that owns sockets (or runs ffmpeg).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proc {
    pub pid: u32,
    /// The kernel's short name (`/proc/PID/comm`).
    pub name: String,
}

/// An ffmpeg process and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FfmpegProc {
    pub proc: Proc,
    pub args: Vec<String>,
    /// Its socket inodes, to tie its network inputs and outputs to the kernel's counters.
    pub inodes: Vec<u64>,
}

/// What a walk of /proc found.
#[derive(Debug, Default)]
pub struct ProcTable {
    pub by_inode: HashMap<u64, Proc>,
    pub ffmpeg: Vec<FfmpegProc>,
    /// Processes whose file descriptors we were not allowed to list (other users').
    pub unreadable: usize,
}

/// `socket:[12345]` → 12345.
pub fn parse_socket_link(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// /proc/PID/cmdline: NUL-separated arguments (the last one NUL-terminated).
pub fn parse_cmdline(raw: &[u8]) -> Vec<String> {
    let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
    if raw.is_empty() {
        return Vec::new();
    }
    raw.split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

/// Whether a process is ffmpeg: its short name, or the base name of its program.
pub fn is_ffmpeg(name: &str, args: &[String]) -> bool {
    let program = args
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .unwrap_or("");
    name == "ffmpeg" || program == "ffmpeg"
}

/// The socket inodes among a process's open files. With 10,000 connections this is most of a
/// run's time, so it reads each link relative to the open `fd` directory into a stack buffer.
fn socket_inodes(fd_dir: &Path) -> Result<Vec<u64>, Errno> {
    let dir = openat(
        CWD,
        fd_dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let mut entries = Dir::read_from(&dir)?;
    let mut out = Vec::new();
    let mut buf = [0u8; 64];
    while let Some(entry) = entries.read() {
        let entry = entry?;
        if entry.file_name().to_bytes().starts_with(b".") {
            continue;
        }
        // A descriptor closed since the listing is simply gone.
        let Ok(n) = readlinkat_raw(&dir, entry.file_name(), &mut buf) else {
            continue;
        };
        if let Some(inode) = buf
            .get(..n)
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(parse_socket_link)
        {
            out.push(inode);
        }
    }
    Ok(out)
}

/// Walks `proc_root`: every numeric directory is a process.
pub fn scan(proc_root: &Path) -> ProcTable {
    let mut table = ProcTable::default();
    let Ok(entries) = fs::read_dir(proc_root) else {
        return table;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let dir = entry.path();
        let name = fs::read_to_string(dir.join("comm"))
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_default();
        let inodes = match socket_inodes(&dir.join("fd")) {
            Ok(inodes) => inodes,
            Err(e) if e == Errno::ACCESS => {
                table.unreadable += 1;
                Vec::new()
            }
            // The process ended while we looked: nothing to report.
            Err(_) => Vec::new(),
        };
        let proc = Proc { pid, name };
        for inode in &inodes {
            table.by_inode.insert(*inode, proc.clone());
        }
        if proc.name.starts_with("ffmpeg") {
            let args = fs::read(dir.join("cmdline"))
                .map(|raw| parse_cmdline(&raw))
                .unwrap_or_default();
            if is_ffmpeg(&proc.name, &args) {
                table.ffmpeg.push(FfmpegProc { proc, args, inodes });
            }
        }
    }
    table.ffmpeg.sort_by_key(|f| f.proc.pid);
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_links() {
        assert_eq!(parse_socket_link("socket:[31337]"), Some(31337));
        assert_eq!(parse_socket_link("pipe:[1]"), None);
        assert_eq!(parse_socket_link("socket:[x]"), None);
        assert_eq!(parse_socket_link("/dev/null"), None);
    }

    #[test]
    fn cmdlines_split_on_nul() {
        assert_eq!(
            parse_cmdline(b"ffmpeg\0-i\0a b.mp4\0"),
            ["ffmpeg", "-i", "a b.mp4"]
        );
        assert_eq!(parse_cmdline(b""), Vec::<String>::new());
        assert_eq!(parse_cmdline(b"x\0\0y"), ["x", "", "y"]);
        assert_eq!(parse_cmdline(b"\xff\0"), ["\u{fffd}"]);
    }

    #[test]
    fn ffmpeg_is_recognised_by_name_or_program() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_ffmpeg("ffmpeg", &[]));
        assert!(is_ffmpeg("ffmpeg-x", &args(&["/usr/bin/ffmpeg", "-i"])));
        assert!(!is_ffmpeg("ffprobe", &args(&["ffprobe"])));
    }

    #[test]
    fn scans_a_fake_proc_root() {
        let root = tempfile::tempdir().unwrap();
        let p = root.path().join("42");
        fs::create_dir_all(p.join("fd")).unwrap();
        fs::write(p.join("comm"), "ffmpeg\n").unwrap();
        fs::write(p.join("cmdline"), b"ffmpeg\0-i\0rtmp://h/live/a\0out.flv\0").unwrap();
        std::os::unix::fs::symlink("socket:[777]", p.join("fd/3")).unwrap();
        std::os::unix::fs::symlink("/dev/null", p.join("fd/0")).unwrap();
        fs::create_dir_all(root.path().join("self")).unwrap();
        let t = scan(root.path());
        assert_eq!(t.by_inode[&777].pid, 42);
        assert_eq!(t.ffmpeg.len(), 1);
        assert_eq!(t.ffmpeg[0].args[2], "rtmp://h/live/a");
        assert_eq!(t.ffmpeg[0].inodes, [777]);
    }
}
