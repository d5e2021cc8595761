//! The process table from /proc: which process owns which socket inode, and the command lines
//! of ffmpeg processes (a client's when asked, after the walk). Processes we may not read are
//! counted, not fatal. Several threads can share one walk: with 10,000 connections the
//! `/proc/PID/fd` links are most of a run's time.

use std::borrow::Cow;
use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use foldhash::HashMap;
use rustix::fs::{CWD, Mode, OFlags, RawDir, openat, readlinkat_raw};
use rustix::io::Errno;

/// A process that owns sockets (or runs ffmpeg).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Proc {
    pub pid: u32,
    /// The kernel's short name (`/proc/PID/comm`).
    pub name: String,
}

/// An ffmpeg process and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FfmpegProc {
    pub proc: Proc,
    /// `/proc/PID/cmdline` as read (at most `CMDLINE_LIMIT` bytes): kept as the bytes, which a
    /// list of strings would take 24 times over (a line of 2,000,000 empty arguments).
    pub cmdline: Vec<u8>,
    /// Its socket inodes, to tie its network inputs and outputs to the kernel's counters.
    pub inodes: Vec<u64>,
}

/// What a walk of /proc found.
#[derive(Debug, Default)]
pub(crate) struct ProcTable {
    procs: Vec<Proc>,
    /// Socket inode → index in `procs`.
    by_inode: HashMap<u64, u32>,
    pub ffmpeg: Vec<FfmpegProc>,
    /// Processes whose file descriptors we were not allowed to list (other users').
    pub unreadable: usize,
    /// The /proc the walk read, for the command lines asked for after it.
    root: Option<OwnedFd>,
}

impl ProcTable {
    /// The process that holds this socket, if we could see it.
    pub(crate) fn owner(&self, inode: u64) -> Option<&Proc> {
        let at = *self.by_inode.get(&inode)?;
        self.procs.get(at as usize)
    }

    /// How many sockets have a known owner.
    pub(crate) fn owned(&self) -> usize {
        self.by_inode.len()
    }

    /// Whether this process is one of the ffmpeg processes.
    pub(crate) fn runs_ffmpeg(&self, pid: u32) -> bool {
        self.ffmpeg
            .binary_search_by_key(&pid, |f| f.proc.pid)
            .is_ok()
    }

    /// The command line of a process the walk found, read now: only the few clients whose
    /// connections are sessions need theirs, so the walk does not read every process's.
    pub(crate) fn cmdline(&self, pid: u32) -> Option<Vec<u8>> {
        read_cmdline(self.root.as_ref()?, pid)
    }
}

/// `socket:[12345]` → 12345.
pub(crate) fn parse_socket_link(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

impl FfmpegProc {
    pub(crate) fn args(&self) -> impl Iterator<Item = Cow<'_, str>> {
        cmdline_args(&self.cmdline)
    }
}

/// What is read of a command line: the most the kernel holds (3/4 of the default stack limit,
/// when the stack may be larger still), so a real one is never cut; a file under `--proc-root`
/// may be longer. It is kept as read, as large as the process's own copy of it.
const CMDLINE_LIMIT: usize = 6 * 1024 * 1024;

/// /proc/PID/cmdline: NUL-separated arguments (the last one NUL-terminated).
pub(crate) fn cmdline_args(raw: &[u8]) -> impl Iterator<Item = Cow<'_, str>> {
    let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
    raw.split(|b| *b == 0)
        .filter(move |_| !raw.is_empty())
        .map(String::from_utf8_lossy)
}

/// The first `limit` bytes of a command line read up to `limit + 1`, cut after its last whole
/// argument when it was longer.
fn whole_arguments(mut raw: Vec<u8>, limit: usize) -> Vec<u8> {
    if raw.len() > limit {
        let whole = memchr::memrchr(0, &raw[..limit]).map_or(0, |at| at + 1);
        raw.truncate(whole);
    }
    raw
}

/// Whether a process is ffmpeg: its short name, or the base name of its program.
pub(crate) fn is_ffmpeg(name: &str, program: &str) -> bool {
    name == "ffmpeg" || program.rsplit('/').next() == Some("ffmpeg")
}

/// The command line of a process whose name says it may be ffmpeg, when it is; cut after its
/// last whole argument when it is longer than `CMDLINE_LIMIT`.
fn ffmpeg_cmdline(root: &OwnedFd, pid: u32, name: &str) -> Option<Vec<u8>> {
    if !name.starts_with("ffmpeg") {
        return None;
    }
    let raw = read_cmdline(root, pid)?;
    let program = cmdline_args(&raw).next().unwrap_or_default();
    is_ffmpeg(name, &program).then_some(raw)
}

/// `/proc/PID/cmdline`, cut after its last whole argument when longer than `CMDLINE_LIMIT`.
fn read_cmdline(root: &OwnedFd, pid: u32) -> Option<Vec<u8>> {
    let raw = read_small(root, &format!("{pid}/cmdline"), CMDLINE_LIMIT + 1)?;
    Some(whole_arguments(raw, CMDLINE_LIMIT))
}

/// A process's descriptors are read in slices of this many, so that the threads of a walk can
/// share one process that holds most of the machine's connections.
const SLICE: usize = 1024;

/// Descriptors of one process left for any thread of the walk to read.
struct Slice {
    proc: u32,
    dir: Arc<OwnedFd>,
    fds: Vec<u32>,
}

/// One walk of /proc, shared by the threads that call [`Walk::work`].
pub(crate) struct Walk {
    root: Option<OwnedFd>,
    pids: Vec<u32>,
    next: AtomicUsize,
    slices: Mutex<Vec<Slice>>,
}

/// What one thread of a walk found.
#[derive(Default)]
pub(crate) struct Found {
    owners: Vec<(u64, u32)>,
    /// Index in the walk's pids, name, and the command line of an ffmpeg.
    procs: Vec<(u32, String, Option<Vec<u8>>)>,
    unreadable: usize,
}

impl Walk {
    /// Lists the processes under `proc_root` (every numeric directory is one).
    pub(crate) fn new(proc_root: &Path) -> Walk {
        let root = openat(
            CWD,
            proc_root,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok();
        let mut pids = Vec::new();
        if let Some(root) = &root {
            let mut buf = [MaybeUninit::<u8>::uninit(); 16 * 1024];
            let mut dir = RawDir::new(root, &mut buf);
            while let Some(Ok(entry)) = dir.next() {
                if let Some(pid) = number(entry.file_name()) {
                    pids.push(pid);
                }
            }
        }
        Walk {
            root,
            pids,
            next: AtomicUsize::new(0),
            slices: Mutex::new(Vec::new()),
        }
    }

    /// Reads processes and slices of descriptors until none are left; every thread of the walk
    /// calls this, and [`Walk::finish`] puts together what they found.
    pub(crate) fn work(&self) -> Found {
        let mut found = Found::default();
        let Some(root) = &self.root else {
            return found;
        };
        let mut link = [0u8; 64];
        loop {
            let slice = self
                .slices
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            if let Some(slice) = slice {
                read_links(&slice.dir, &slice.fds, slice.proc, &mut link, &mut found);
                continue;
            }
            let at = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(&pid) = self.pids.get(at) else {
                return found;
            };
            let proc = u32::try_from(at).unwrap_or(u32::MAX);
            self.process(root, pid, proc, &mut link, &mut found);
        }
    }

    /// One process: its name, its descriptors (all but the first slice left to the others),
    /// and an ffmpeg's command line.
    fn process(&self, root: &OwnedFd, pid: u32, proc: u32, link: &mut [u8; 64], found: &mut Found) {
        let name = read_small(root, &format!("{pid}/comm"), COMM_LIMIT)
            .map(|raw| String::from_utf8_lossy(&raw).trim_end().to_owned())
            .unwrap_or_default();
        let cmdline = ffmpeg_cmdline(root, pid, &name);
        found.procs.push((proc, name, cmdline));
        let dir = match openat(
            root,
            format!("{pid}/fd"),
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Ok(dir) => dir,
            Err(e) => {
                // EACCES: another user's process. Anything else: it ended while we looked.
                found.unreadable += usize::from(e == Errno::ACCESS);
                return;
            }
        };
        let mut fds = Vec::new();
        let mut buf = [MaybeUninit::<u8>::uninit(); 32 * 1024];
        let mut entries = RawDir::new(&dir, &mut buf);
        while let Some(Ok(entry)) = entries.next() {
            fds.extend(number(entry.file_name()));
        }
        if fds.len() <= SLICE {
            read_links(&dir, &fds, proc, link, found);
            return;
        }
        let dir = Arc::new(dir);
        let mut rest = fds.split_off(SLICE);
        let mut shared = Vec::new();
        while !rest.is_empty() {
            let tail = rest.split_off(rest.len().saturating_sub(SLICE));
            shared.push(Slice {
                proc,
                dir: Arc::clone(&dir),
                fds: tail,
            });
        }
        self.slices
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(shared);
        read_links(&dir, &fds, proc, link, found);
    }

    /// Puts together what the threads found.
    pub(crate) fn finish(self, mut found: Vec<Found>) -> ProcTable {
        let mut procs: Vec<Proc> = self
            .pids
            .iter()
            .map(|&pid| Proc {
                pid,
                name: String::new(),
            })
            .collect();
        let owned = found.iter().map(|f| f.owners.len()).sum();
        let mut table = ProcTable {
            by_inode: HashMap::with_capacity_and_hasher(owned, Default::default()),
            ..ProcTable::default()
        };
        // An ffmpeg's sockets, by its index in `procs`: few processes, so a short list.
        let mut ffmpeg: Vec<(u32, Vec<u8>, Vec<u64>)> = Vec::new();
        for f in &mut found {
            for (at, name, cmdline) in f.procs.drain(..) {
                if let Some(p) = procs.get_mut(at as usize) {
                    p.name = name;
                    ffmpeg.extend(cmdline.map(|cmdline| (at, cmdline, Vec::new())));
                }
            }
        }
        for f in &found {
            table.unreadable += f.unreadable;
            table.by_inode.extend(f.owners.iter().copied());
            if ffmpeg.is_empty() {
                continue;
            }
            for (inode, at) in &f.owners {
                if let Some((_, _, inodes)) = ffmpeg.iter_mut().find(|(p, _, _)| p == at) {
                    inodes.push(*inode);
                }
            }
        }
        for (at, cmdline, mut inodes) in ffmpeg {
            let Some(proc) = procs.get(at as usize).cloned() else {
                continue;
            };
            inodes.sort_unstable();
            table.ffmpeg.push(FfmpegProc {
                proc,
                cmdline,
                inodes,
            });
        }
        table.ffmpeg.sort_by_key(|f| f.proc.pid);
        table.procs = procs;
        table.root = self.root;
        table
    }
}

/// A directory entry that is a number (a PID, a descriptor).
fn number(name: &CStr) -> Option<u32> {
    let bytes = name.to_bytes();
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

/// The socket inodes among these descriptors of process `proc`.
fn read_links(dir: &OwnedFd, fds: &[u32], proc: u32, link: &mut [u8; 64], found: &mut Found) {
    let mut name = itoa::Buffer::new();
    let mut path = [0u8; 16];
    for &fd in fds {
        let digits = name.format(fd).as_bytes();
        path[..digits.len()].copy_from_slice(digits);
        path[digits.len()] = 0;
        let Ok(path) = CStr::from_bytes_with_nul(&path[..=digits.len()]) else {
            continue;
        };
        // A descriptor closed since the listing is simply gone.
        let Ok(n) = readlinkat_raw(dir.as_fd(), path, &mut link[..]) else {
            continue;
        };
        if let Some(inode) = link
            .get(..n)
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(parse_socket_link)
        {
            found.owners.push((inode, proc));
        }
    }
}

/// What is read of `comm`: the kernel's 16 bytes, and room.
const COMM_LIMIT: usize = 64;

/// A small file under /proc (`comm`, `cmdline`), read whole up to `limit` bytes; `None` once
/// the process is gone.
fn read_small(root: &OwnedFd, path: &str, limit: usize) -> Option<Vec<u8>> {
    let fd = openat(root, path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let room = buf.len().min(limit - out.len());
        if room == 0 {
            return Some(out);
        }
        match rustix::io::read(&fd, &mut buf[..room]) {
            Ok(0) => return Some(out),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(Errno::INTR) => {}
            Err(_) => return (!out.is_empty()).then_some(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    /// Walks `proc_root` on this thread alone.
    fn scan(proc_root: &Path) -> ProcTable {
        let walk = Walk::new(proc_root);
        let found = walk.work();
        walk.finish(vec![found])
    }

    #[test]
    fn socket_links() {
        assert_eq!(parse_socket_link("socket:[31337]"), Some(31337));
        assert_eq!(parse_socket_link("pipe:[1]"), None);
        assert_eq!(parse_socket_link("socket:[x]"), None);
        assert_eq!(parse_socket_link("/dev/null"), None);
    }

    fn parse_cmdline(raw: &[u8]) -> Vec<String> {
        cmdline_args(raw).map(Cow::into_owned).collect()
    }

    #[test]
    fn cmdlines_split_on_nul() {
        assert_eq!(
            parse_cmdline(b"ffmpeg\0-i\0a b.mp4\0"),
            ["ffmpeg", "-i", "a b.mp4"]
        );
        assert_eq!(parse_cmdline(b""), Vec::<String>::new());
        assert_eq!(parse_cmdline(b"\0"), Vec::<String>::new());
        assert_eq!(parse_cmdline(b"x\0\0y"), ["x", "", "y"]);
        assert_eq!(parse_cmdline(b"\xff\0"), ["\u{fffd}"]);
    }

    #[test]
    fn ffmpeg_is_recognised_by_name_or_program() {
        assert!(is_ffmpeg("ffmpeg", ""));
        assert!(is_ffmpeg("ffmpeg-x", "/usr/bin/ffmpeg"));
        assert!(!is_ffmpeg("ffprobe", "ffprobe"));
        assert!(!is_ffmpeg("ffmpeg-x", "/usr/bin/ffmpeg-x"));
    }

    /// A command line longer than the limit is cut after its last whole argument.
    #[test]
    fn a_long_command_line_is_cut_after_a_whole_argument() {
        let cut = |raw: &[u8], limit| whole_arguments(raw.to_vec(), limit);
        assert_eq!(cut(b"ffmpeg\0-i\0in\0", 13), b"ffmpeg\0-i\0in\0");
        assert_eq!(cut(b"ffmpeg\0-i\0in\0o", 13), b"ffmpeg\0-i\0in\0");
        assert_eq!(cut(b"ffmpeg\0-i\0input\0", 13), b"ffmpeg\0-i\0");
        assert_eq!(cut(b"ffmpeg-is-long\0", 13), b"");
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
        assert_eq!(t.owner(777).map(|p| p.pid), Some(42));
        assert_eq!(t.owned(), 1);
        assert_eq!(t.ffmpeg.len(), 1);
        assert_eq!(t.ffmpeg[0].args().nth(2).unwrap(), "rtmp://h/live/a");
        assert_eq!(t.ffmpeg[0].inodes, [777]);
        assert!(t.runs_ffmpeg(42) && !t.runs_ffmpeg(43));
        fs::write(p.join("cmdline"), b"ffplay\0rtmp://h/live/b\0").unwrap();
        assert_eq!(t.cmdline(42).unwrap(), b"ffplay\0rtmp://h/live/b\0");
        assert_eq!(t.cmdline(43), None);
    }

    /// A process with more descriptors than one slice is shared between the threads of a walk,
    /// and every socket still gets its owner once.
    #[test]
    fn threads_share_a_process_with_many_descriptors() {
        let root = tempfile::tempdir().unwrap();
        for (pid, n) in [(7, 3 * SLICE + 5), (8, 2), (9, SLICE)] {
            let p = root.path().join(pid.to_string());
            fs::create_dir_all(p.join("fd")).unwrap();
            fs::write(p.join("comm"), format!("p{pid}\n")).unwrap();
            for fd in 0..n {
                let link = format!("socket:[{}]", pid * 100_000 + fd);
                std::os::unix::fs::symlink(link, p.join("fd").join(fd.to_string())).unwrap();
            }
        }
        let walk = Walk::new(root.path());
        let found = std::thread::scope(|s| {
            let others: Vec<_> = (0..2).map(|_| s.spawn(|| walk.work())).collect();
            let mut found = vec![walk.work()];
            found.extend(others.into_iter().map(|t| t.join().unwrap()));
            found
        });
        let t = walk.finish(found);
        assert_eq!(t.owned(), 3 * SLICE + 5 + 2 + SLICE);
        assert_eq!(t.owner(700_000 + 3 * SLICE as u64 + 4).unwrap().name, "p7");
        assert_eq!(t.owner(800_001).unwrap().pid, 8);
        assert_eq!(t.owner(900_000).unwrap().name, "p9");
        assert!(t.owner(800_002).is_none());
    }
}
