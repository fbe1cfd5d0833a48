//! The account a journal and a popup ledger belong to: the broker's host
//! and port plus the login (UID). Preprod and production, or two partners
//! on one broker, never share history or popup rules.

use std::fmt;
use std::path::{Path, PathBuf};

/// One partner login on one broker.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Account {
    pub host: String,
    pub port: u16,
    pub uid: String,
}

impl Account {
    pub fn new(host: impl Into<String>, port: u16, uid: impl Into<String>) -> Self {
        Self {
            host: host.into(),
            port,
            uid: uid.into(),
        }
    }

    /// The account of a broker URL and a login.
    pub fn of(broker: &crate::mqtt::BrokerUrl, uid: &str) -> Self {
        Self::new(broker.host.clone(), broker.port, uid)
    }

    /// A stable, readable relative directory for the account:
    /// `iot-partners-preprod.mpsa.com_8886/PARTNER1`. Characters a path
    /// cannot hold safely are percent-escaped, so two accounts never share
    /// a directory and a UID can never climb out of its parent.
    pub fn dir(&self) -> PathBuf {
        Path::new(&format!("{}_{}", path_part(&self.host), self.port)).join(path_part(&self.uid))
    }

    /// Where the account's journal lives under the journal root.
    pub fn journal_dir(&self, root: &Path) -> PathBuf {
        root.join(self.dir())
    }

    /// Where the account's own state (the popup ledger) lives under the
    /// state dir.
    pub fn state_dir(&self, state_root: &Path) -> PathBuf {
        state_root.join("accounts").join(self.dir())
    }
}

impl fmt::Display for Account {
    /// `PARTNER1@iot-partners-preprod.mpsa.com:8886`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "{}@[{}]:{}", self.uid, self.host, self.port)
        } else {
            write!(f, "{}@{}:{}", self.uid, self.host, self.port)
        }
    }
}

/// `text` as one path component: ASCII letters, digits, `-`, `_` and `.`
/// stay; every other byte becomes `%XX`; `.` and `..` (and an empty name)
/// are escaped whole.
fn path_part(text: &str) -> String {
    use std::fmt::Write as _;
    let whole = text.is_empty() || text == "." || text == "..";
    let mut part = String::with_capacity(text.len());
    for byte in text.bytes() {
        if !whole && (byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.')) {
            part.push(char::from(byte));
        } else {
            let _ = write!(part, "%{byte:02X}");
        }
    }
    if whole {
        part.push('%');
    }
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_is_host_port_then_uid() {
        let account = Account::new("iot-partners-preprod.mpsa.com", 8886, "PARTNER1");
        assert_eq!(
            account.dir(),
            Path::new("iot-partners-preprod.mpsa.com_8886/PARTNER1")
        );
        assert_eq!(
            account.to_string(),
            "PARTNER1@iot-partners-preprod.mpsa.com:8886"
        );
    }

    #[test]
    fn accounts_differ_by_host_port_and_uid() {
        let a = Account::new("h", 1883, "P1");
        for other in [
            Account::new("h", 1884, "P1"),
            Account::new("g", 1883, "P1"),
            Account::new("h", 1883, "P2"),
        ] {
            assert_ne!(a.dir(), other.dir());
        }
    }

    #[test]
    fn a_uid_cannot_leave_its_directory() {
        for uid in ["..", ".", "", "a/../../b", "x\0y", "a\\b"] {
            let dir = Account::new("h", 1, uid).dir();
            let parts: Vec<_> = dir.components().collect();
            assert_eq!(parts.len(), 2, "{uid:?} gave {dir:?}");
            assert!(
                parts
                    .iter()
                    .all(|c| matches!(c, std::path::Component::Normal(_))),
                "{uid:?} gave {dir:?}"
            );
        }
        assert_eq!(
            Account::new("::1", 1883, "U").dir(),
            Path::new("%3A%3A1_1883/U")
        );
    }
}
