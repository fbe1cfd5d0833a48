//! One writer per account journal. Two consoles on one account would each
//! write every message, interleaved: the journal would hold it twice, out
//! of order, and the next start would count it twice. So the console that
//! writes holds an exclusive lock on `journal.lock` in the account's
//! journal directory for as long as it runs; another console on the same
//! account finds it taken and writes none. An OS file lock dies with its
//! process, so a crash leaves no stale lock. Readers (`tail`, `export`,
//! `open`) take no lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write as _;
use std::path::Path;

/// The lock file's name in an account's journal directory.
pub const LOCK_FILE: &str = "journal.lock";

/// The account's journal is written by another process (its pid when the
/// lock file names it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("journal kept by another console{}: this one writes none", pid.map(|pid| format!(", pid {pid}")).unwrap_or_default())]
pub struct KeptElsewhere {
    pub pid: Option<u32>,
}

impl KeptElsewhere {
    /// The short form, for the title bar: `journal kept by pid N`.
    pub fn short(&self) -> String {
        match self.pid {
            Some(pid) => format!("journal kept by pid {pid}"),
            None => "journal kept by another console".to_owned(),
        }
    }
}

/// The held lock: released when dropped (or when the process ends).
#[derive(Debug)]
pub struct JournalLock {
    _file: File,
}

impl JournalLock {
    /// Takes the lock of the journal in `dir`. `Ok(None)` when there is no
    /// lock to take (the directory cannot be created, the file system
    /// knows no locks): the writer then says what is wrong with the
    /// directory itself, and one console must not lose its journal to it.
    pub fn take(dir: &Path) -> Result<Option<Self>, KeptElsewhere> {
        if std::fs::create_dir_all(dir).is_err() {
            return Ok(None);
        }
        let path = dir.join(LOCK_FILE);
        let Ok(mut file) = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
        else {
            return Ok(None);
        };
        match file.try_lock() {
            Ok(()) => {
                // Whoever finds the lock taken can name the holder.
                let _ = file
                    .set_len(0)
                    .and_then(|()| writeln!(file, "{}", std::process::id()));
                Ok(Some(Self { _file: file }))
            }
            Err(TryLockError::WouldBlock) => Err(KeptElsewhere {
                pid: std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|text| text.trim().parse().ok()),
            }),
            Err(TryLockError::Error(_)) => Ok(None),
        }
    }
}
