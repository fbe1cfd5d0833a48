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
    /// The host is lower-cased: `LocalHost` and `localhost` are one broker.
    /// (An address and a name for the same broker stay two accounts: the
    /// console does not resolve names to decide that.)
    pub fn new(host: impl Into<String>, port: u16, uid: impl Into<String>) -> Self {
        Self {
            host: host.into().to_ascii_lowercase(),
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

    /// The account a journal file belongs to, from where it lies in the
    /// per-account layout (`root/host_port/UID/YYYY-MM-DD.jsonl`); `None`
    /// for a file elsewhere (a capture, a journal of the old flat layout).
    pub fn of_journal_file(path: &Path) -> Option<Self> {
        let uid_dir = path.parent()?;
        let uid = from_path_part(uid_dir.file_name()?.to_str()?)?;
        let host_port = from_path_part(uid_dir.parent()?.file_name()?.to_str()?)?;
        let (host, port) = host_port.rsplit_once('_')?;
        if host.is_empty() {
            return None;
        }
        Some(Self::new(host, port.parse().ok()?, uid))
    }

    /// `UID@host:port` in at most `width` characters: the host gives way
    /// first (`PARTNER1@iot-part…:8886`), so the login and the port, which
    /// tell two accounts apart, stay readable as long as they can.
    pub fn fitted(&self, width: usize) -> String {
        let full = self.to_string();
        let length = full.chars().count();
        if length <= width {
            return full;
        }
        let host_chars = self.host.chars().count();
        let keep = host_chars.saturating_sub(length - width + 1);
        if keep >= 4 {
            let host: String = self.host.chars().take(keep).collect();
            return format!("{}@{host}…:{}", self.uid, self.port);
        }
        let mut cut: String = full.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
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

/// The login (UID) a WebPortal topic names:
/// `{PREFIX}/to|from/uid/{UID}/opa/{VIN}`, with or without the trailing
/// `/`, whatever the prefix. Records keep the topic but not the broker, so
/// this is all a file says about its account by itself.
pub fn uid_of_topic(topic: &str) -> Option<&str> {
    let topic = topic.strip_suffix('/').unwrap_or(topic);
    let mut levels = topic.rsplit('/');
    let (Some(_vin), Some("opa"), Some(uid), Some("uid"), Some("to" | "from")) = (
        levels.next(),
        levels.next(),
        levels.next(),
        levels.next(),
        levels.next(),
    ) else {
        return None;
    };
    (!uid.is_empty()).then_some(uid)
}

/// The text of a path component that [`path_part`] wrote.
fn from_path_part(part: &str) -> Option<String> {
    let bytes = part.as_bytes();
    let mut text = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            // A lone `%` closes an escaped `.`, `..` or empty name.
            let Some(hex) = bytes.get(index + 1..index + 3) else {
                index += 1;
                continue;
            };
            let byte = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            text.push(byte);
            index += 3;
        } else {
            text.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(text).ok()
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
    fn the_host_is_case_blind_the_uid_is_not() {
        assert_eq!(
            Account::new("LocalHost", 1883, "P1").dir(),
            Account::new("localhost", 1883, "P1").dir()
        );
        assert_ne!(
            Account::new("h", 1883, "p1").dir(),
            Account::new("h", 1883, "P1").dir()
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

    #[test]
    fn a_journal_file_tells_its_account_by_where_it_lies() {
        for account in [
            Account::new("iot-partners-preprod.mpsa.com", 8886, "PARTNER1"),
            Account::new("::1", 1883, "a/b c"),
            Account::new("h", 1, ".."),
            Account::new("h_x", 2, ""),
        ] {
            let file = account
                .journal_dir(Path::new("/root/journal"))
                .join("2026-11-29.jsonl");
            assert_eq!(Account::of_journal_file(&file), Some(account));
        }
        // The old flat layout and a capture name no account.
        assert_eq!(
            Account::of_journal_file(Path::new("/home/u/journal/2026-11-29.jsonl")),
            None
        );
        assert_eq!(Account::of_journal_file(Path::new("capture.jsonl")), None);
    }

    #[test]
    fn the_uid_of_a_topic_is_found_whatever_the_prefix() {
        let vin = "VF3ABCDEFGH123456";
        for (topic, uid) in [
            (
                format!("psa/OVIPPartners-Dev/to/uid/P1/opa/{vin}/"),
                Some("P1"),
            ),
            (format!("a/b/c/from/uid/P2/opa/{vin}"), Some("P2")),
            (format!("x/to/uid//opa/{vin}"), None),
            (format!("x/sideways/uid/P1/opa/{vin}"), None),
            ("psa/OVIPPartners-Dev/status".to_owned(), None),
        ] {
            assert_eq!(uid_of_topic(&topic), uid, "{topic}");
        }
    }

    #[test]
    fn a_long_account_gives_up_its_host_first() {
        let account = Account::new("iot-partners-preprod.mpsa.com", 8886, "PARTNER1");
        assert_eq!(
            account.fitted(80),
            "PARTNER1@iot-partners-preprod.mpsa.com:8886"
        );
        let fitted = account.fitted(24);
        assert_eq!(fitted, "PARTNER1@iot-partn…:8886");
        assert_eq!(fitted.chars().count(), 24);
        let tiny = account.fitted(10);
        assert_eq!(tiny.chars().count(), 10);
        assert!(tiny.starts_with("PARTNER1"), "{tiny}");
    }
}
