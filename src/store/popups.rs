//! The popup ledger of one account on disk: the 20 s rule holds across
//! the console, `send`, `replay` and two consoles at once, because every
//! one of them reserves a popup here, under a lock, before publishing it.
//!
//! The file is replaced atomically (written beside, then renamed), so a
//! crash at any point leaves the last whole ledger readable.

use crate::account::Account;
use crate::domain::{PopupLedger, PopupTooSoon, Vin};
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why a popup could not be reserved.
#[derive(Debug, thiserror::Error)]
pub enum ReserveError {
    #[error("{0}")]
    TooSoon(PopupTooSoon),
    #[error(
        "cannot keep the popup ledger {path}: {reason}; the 20 s rule cannot be kept, so the popup was not sent (check that the state directory is writable, or set WPCONSOLE_STATE_DIR)"
    )]
    Ledger { path: PathBuf, reason: String },
}

/// A popup reserved for a vehicle: publish it, or release it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub vin: Vin,
    pub at_ms: u64,
}

/// The ledger file of one account.
#[derive(Debug, Clone)]
pub struct PopupLedgerFile {
    dir: PathBuf,
}

impl PopupLedgerFile {
    /// The ledger of `account` under the state dir.
    pub fn of(account: &Account) -> Self {
        Self::in_dir(account.state_dir(&crate::config::state_dir()))
    }

    /// A ledger in `dir` (tests, or another state dir).
    pub fn in_dir(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join("popups.json")
    }

    /// What the ledger holds now (an empty ledger when there is none yet).
    pub fn read(&self) -> PopupLedger {
        read_ledger(&self.path())
    }

    /// Checks the 20 s rule for `vin` at `now_ms` and, if it holds, writes
    /// the popup down, all under the account's lock: of two processes
    /// asking at once, one gets it.
    pub fn reserve(&self, vin: &Vin, now_ms: u64) -> Result<Reservation, ReserveError> {
        self.locked(|ledger| {
            ledger.check(vin, now_ms).map_err(ReserveError::TooSoon)?;
            ledger.forget_before(now_ms);
            ledger.record(vin, now_ms);
            Ok(Reservation {
                vin: vin.clone(),
                at_ms: now_ms,
            })
        })
    }

    /// Gives a reservation back after its publish failed (if no later
    /// popup took its place).
    pub fn release(&self, reservation: &Reservation) {
        let _ = self.locked(|ledger| {
            ledger.forget(&reservation.vin, reservation.at_ms);
            Ok(())
        });
    }

    fn locked<T>(
        &self,
        change: impl FnOnce(&mut PopupLedger) -> Result<T, ReserveError>,
    ) -> Result<T, ReserveError> {
        let path = self.path();
        let fail = |reason: String| ReserveError::Ledger {
            path: path.clone(),
            reason,
        };
        fs::create_dir_all(&self.dir).map_err(|err| fail(err.to_string()))?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join("popups.lock"))
            .map_err(|err| fail(err.to_string()))?;
        lock.lock().map_err(|err| fail(err.to_string()))?;
        let mut ledger = read_ledger(&path);
        let outcome = change(&mut ledger)?;
        write_atomically(&path, &ledger).map_err(|err| fail(err.to_string()))?;
        // The lock goes with the file handle.
        drop(lock);
        Ok(outcome)
    }
}

fn read_ledger(path: &Path) -> PopupLedger {
    fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn write_atomically(path: &Path, ledger: &PopupLedger) -> std::io::Result<()> {
    let beside = path.with_extension("json.new");
    let mut file = File::create(&beside)?;
    file.write_all(serde_json::to_string(ledger).unwrap_or_default().as_bytes())?;
    file.sync_all()?;
    fs::rename(&beside, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vin() -> Vin {
        Vin::parse("VF3ABCDEFGH123456").unwrap()
    }

    #[test]
    fn a_reservation_holds_for_every_reader_of_the_same_dir() {
        let dir = tempfile::tempdir().unwrap();
        let one = PopupLedgerFile::in_dir(dir.path().join("acct"));
        let other = PopupLedgerFile::in_dir(dir.path().join("acct"));
        one.reserve(&vin(), 100_000).unwrap();
        assert!(matches!(
            other.reserve(&vin(), 100_500),
            Err(ReserveError::TooSoon(too_soon)) if too_soon.seconds_left == 20
        ));
        assert!(other.read().check(&vin(), 110_000).is_err());
        assert!(other.reserve(&vin(), 120_000).is_ok());
    }

    #[test]
    fn a_released_reservation_frees_the_vehicle() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = PopupLedgerFile::in_dir(dir.path().to_owned());
        let reservation = ledger.reserve(&vin(), 1_000).unwrap();
        ledger.release(&reservation);
        assert!(ledger.reserve(&vin(), 1_500).is_ok());
    }

    #[test]
    fn two_threads_asking_at_once_get_one_popup() {
        let dir = tempfile::tempdir().unwrap();
        let granted: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let ledger = PopupLedgerFile::in_dir(dir.path().to_owned());
                    scope.spawn(move || usize::from(ledger.reserve(&vin(), 5_000).is_ok()))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(granted, 1);
    }

    #[test]
    fn a_torn_write_leaves_the_last_whole_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = PopupLedgerFile::in_dir(dir.path().to_owned());
        ledger.reserve(&vin(), 1_000).unwrap();
        // A crash between writing beside and renaming leaves a stray file.
        std::fs::write(ledger.path().with_extension("json.new"), "{\"last_po").unwrap();
        assert!(ledger.read().check(&vin(), 2_000).is_err());
    }

    #[test]
    fn an_unwritable_state_dir_refuses_the_popup() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), "").unwrap();
        let ledger = PopupLedgerFile::in_dir(dir.path().join("file").join("acct"));
        let err = ledger.reserve(&vin(), 1).unwrap_err();
        assert!(err.to_string().contains("the popup was not sent"), "{err}");
    }
}
