//! Whether the config file may be obeyed. It runs commands (`password_command`) and decides where
//! passwords are sent (`url`), so, as ssh does with its own config, a file that another user
//! could have written, or put in place, is refused.

use std::fs::{self, Metadata};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::error::{Error, Result};

/// Refuses the file at `path` when someone other than us (or root) could have changed it: it,
/// or a folder above it, belongs to another user or is writable by others (group-writable is
/// fine when the group is ours alone; a world-writable folder with the sticky bit, such as
/// /tmp, protects the names in it).
pub(super) fn check(path: &Path) -> Result<()> {
    let unreadable = |e: std::io::Error| {
        Error::Usage(format!("cannot read config file {}: {e}", path.display()))
    };
    let real = fs::canonicalize(path).map_err(unreadable)?;
    let meta = fs::metadata(&real).map_err(unreadable)?;
    let me = Me::now();
    if let Some(why) = me.could_be_changed_by_others(&meta) {
        return Err(refusal(path, None, why));
    }
    // The link's own folders as well: whoever can write them can point the link elsewhere.
    let literal = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    for dir in real.ancestors().skip(1).chain(literal.ancestors().skip(1)) {
        let Ok(meta) = fs::metadata(dir) else {
            continue;
        };
        if let Some(why) = me.could_be_changed_by_others(&meta) {
            return Err(refusal(path, Some(dir), why));
        }
    }
    Ok(())
}

/// The one-line error: what is wrong with which file or folder, and the command that fixes it.
fn refusal(config: &Path, culprit: Option<&Path>, why: Why) -> Error {
    let (what, fixed) = match culprit {
        None => (format!("config file {}", config.display()), config),
        Some(dir) => (
            format!(
                "the folder {} of config file {}",
                dir.display(),
                config.display()
            ),
            dir,
        ),
    };
    let (how, fix) = match why {
        Why::Writable(mode) => (
            format!("is writable by others (mode {mode:04o})"),
            format!("chmod go-w {}", fixed.display()),
        ),
        Why::Owner(uid) => (
            format!("belongs to another user (uid {uid})"),
            format!(
                "chown it to yourself or root: chown $(id -u) {}",
                fixed.display()
            ),
        ),
    };
    Error::Usage(format!(
        "{what} {how}, so it is not used (it could run commands as you); {fix}"
    ))
}

/// Why a file or folder could have been changed by someone else.
#[derive(Debug, PartialEq)]
enum Why {
    Writable(u32),
    Owner(u32),
}

/// The user we run as, and the group that is ours alone (if we have one).
struct Me {
    uid: u32,
    private_group: Option<u32>,
}

impl Me {
    fn now() -> Me {
        let uid = rustix::process::geteuid().as_raw();
        let gid = rustix::process::getegid().as_raw();
        let read = |path: &str| fs::read_to_string(path).unwrap_or_default();
        let private = is_private_group(uid, gid, &read("/etc/passwd"), &read("/etc/group"));
        Me {
            uid,
            private_group: private.then_some(gid),
        }
    }

    fn could_be_changed_by_others(&self, meta: &Metadata) -> Option<Why> {
        if meta.uid() != self.uid && meta.uid() != 0 {
            return Some(Why::Owner(meta.uid()));
        }
        let mode = meta.mode();
        let sticky_dir = meta.is_dir() && mode & 0o1000 != 0;
        let group_ours = self.private_group == Some(meta.gid());
        let writable = mode & 0o002 != 0 || (mode & 0o020 != 0 && !group_ours);
        (writable && !sticky_dir).then_some(Why::Writable(mode & 0o7777))
    }
}

/// Whether `gid` is a group of one (Debian's user private groups, which ssh accepts too): no
/// other account has it as its primary group, and no one else is listed as a member.
fn is_private_group(uid: u32, gid: u32, passwd: &str, group: &str) -> bool {
    let fields = |line: &str| line.split(':').map(str::to_owned).collect::<Vec<String>>();
    let accounts: Vec<Vec<String>> = passwd.lines().map(fields).collect();
    let number = |v: &[String], i: usize| v.get(i).and_then(|f| f.parse::<u32>().ok());
    let Some(me) = accounts.iter().find(|a| number(a, 2) == Some(uid)) else {
        return false;
    };
    let name = me.first().cloned().unwrap_or_default();
    let others_primary = accounts
        .iter()
        .any(|a| number(a, 3) == Some(gid) && number(a, 2) != Some(uid));
    let members = group
        .lines()
        .map(fields)
        .filter(|g| number(g, 2) == Some(gid))
        .flat_map(|g| {
            let list = g.get(3).cloned().unwrap_or_default();
            list.split(',')
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .any(|member| member != name);
    number(me, 3) == Some(gid) && !others_primary && !members
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\nop:x:1000:1000::/home/op:/bin/sh\nbob:x:1001:100::/home/bob:/bin/sh\neve:x:1002:100::/home/eve:/bin/sh\n";

    #[test]
    fn a_group_of_one_is_private_and_a_shared_one_is_not() {
        let group = "root:x:0:\nop:x:1000:\nusers:x:100:\nstaff:x:50:op,eve\n";
        assert!(is_private_group(1000, 1000, PASSWD, group));
        assert!(is_private_group(0, 0, PASSWD, group));
        assert!(
            !is_private_group(1001, 100, PASSWD, group),
            "bob shares 100 with eve"
        );
        assert!(
            !is_private_group(1000, 50, PASSWD, group),
            "eve is in staff"
        );
        assert!(!is_private_group(1000, 1000, PASSWD, "op:x:1000:op,eve\n"));
        assert!(is_private_group(1000, 1000, PASSWD, "op:x:1000:op\n"));
        assert!(
            !is_private_group(4242, 4242, PASSWD, group),
            "an unknown account"
        );
    }

    #[test]
    fn files_others_can_change_are_named_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "").unwrap();
        let chmod = |p: &Path, mode| fs::set_permissions(p, fs::Permissions::from_mode(mode));
        chmod(&path, 0o644).unwrap();
        check(&path).unwrap();
        chmod(&path, 0o666).unwrap();
        let err = check(&path).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let shown = path.display();
        assert_eq!(
            err.to_string(),
            format!(
                "config file {shown} is writable by others (mode 0666), so it is not used (it could run commands as you); chmod go-w {shown}"
            )
        );
        chmod(&path, 0o600).unwrap();
        chmod(dir.path(), 0o777).unwrap();
        let err = check(&path).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "the folder {} of config file",
                dir.path().display()
            )),
            "{err}"
        );
        assert!(
            err.ends_with(&format!("chmod go-w {}", dir.path().display())),
            "{err}"
        );
        chmod(dir.path(), 0o1777).unwrap();
        check(&path).unwrap();
    }
}
