//! The sidecar's bytes: a 32-byte header, then 40-byte entries, all
//! little-endian; the names file a run of `tag, length, bytes` records.
//! Fixed-size entries let a reader find entry `n` without reading the
//! ones before it, and a torn last entry shows as a length that is not a
//! whole number of entries.

/// The first bytes of an index file.
pub(super) const MAGIC: [u8; 8] = *b"WPCJIDX\0";
/// Bumped whenever the layout changes: an index of another version is
/// rebuilt, never misread.
pub(super) const VERSION: u32 = 1;
pub(super) const HEADER_LEN: usize = 32;
pub(super) const ENTRY_LEN: usize = 40;

/// No name (no vehicle, no action).
pub const NO_NAME: u32 = u32::MAX;

/// The flags of an entry.
pub(super) const OUTBOUND: u8 = 1;
pub(super) const JSON: u8 = 2;
pub(super) const REFUSED: u8 = 4;
/// The line carries a `"reason"` (a refused record in an export): read
/// from the line when loaded, it is too rare to give every entry room.
pub(super) const REASON: u8 = 8;
/// A gap record (messages lost when received): no names, its `size` the
/// number lost.
pub(super) const GAP: u8 = 16;
/// An alert record of a watch rule (`"dir":"alert"`): no names, no size;
/// the line says the rule, the vehicle and the message.
pub(super) const ALERT: u8 = 32;

/// The index file's header: what it is and how much of its journal the
/// entries cover (bytes of the journal, bytes of the names file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Header {
    pub covers: u64,
    pub names_cover: u64,
}

impl Header {
    pub(super) fn encode(self) -> [u8; 32] {
        let mut bytes = [0; 32];
        bytes[..8].copy_from_slice(&MAGIC);
        bytes[8..12].copy_from_slice(&VERSION.to_le_bytes());
        bytes[12..16].copy_from_slice(&u32::try_from(ENTRY_LEN).unwrap_or(u32::MAX).to_le_bytes());
        bytes[16..24].copy_from_slice(&self.covers.to_le_bytes());
        bytes[24..32].copy_from_slice(&self.names_cover.to_le_bytes());
        bytes
    }

    /// The header, if `bytes` start with one of this version.
    pub(super) fn decode(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; 32] = bytes.get(..32)?.try_into().ok()?;
        let word = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let long = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8]));
        (bytes[..8] == MAGIC && word(8) == VERSION && usize::try_from(word(12)) == Ok(ENTRY_LEN))
            .then(|| Self {
                covers: long(16),
                names_cover: long(24),
            })
    }
}

/// One journal line in the index: 40 bytes on disk. Names are ids into
/// the file's own names ([`super::FileNames`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    /// Microseconds since the Unix epoch.
    pub at: i64,
    /// Where the line starts in the journal.
    pub offset: u64,
    /// The line's length with its newline.
    pub line_len: u32,
    /// The payload's size in bytes.
    pub size: u32,
    pub vin: u32,
    pub topic: u32,
    pub action: u32,
    pub kind: u8,
    pub flags: u8,
}

impl IndexEntry {
    /// Where the line ends (the next line starts).
    pub fn end(&self) -> u64 {
        self.offset + u64::from(self.line_len)
    }

    pub(super) fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.at.to_le_bytes());
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.line_len.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.vin.to_le_bytes());
        out.extend_from_slice(&self.topic.to_le_bytes());
        out.extend_from_slice(&self.action.to_le_bytes());
        out.extend_from_slice(&[self.kind, self.flags, 0, 0]);
    }

    /// One entry from its 40 bytes.
    pub(super) fn decode(bytes: &[u8; 40]) -> Self {
        let word = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let long = |at: usize| {
            let mut eight = [0; 8];
            eight.copy_from_slice(&bytes[at..at + 8]);
            eight
        };
        Self {
            at: i64::from_le_bytes(long(0)),
            offset: u64::from_le_bytes(long(8)),
            line_len: word(16),
            size: word(20),
            vin: word(24),
            topic: word(28),
            action: word(32),
            kind: bytes[36],
            flags: bytes[37],
        }
    }
}

/// Which table of the names file a name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    Vin = 0,
    Topic = 1,
    Action = 2,
    Kind = 3,
}

impl Table {
    fn from_tag(tag: u8) -> Option<Self> {
        Some(match tag {
            b'v' => Self::Vin,
            b't' => Self::Topic,
            b'a' => Self::Action,
            b'k' => Self::Kind,
            _ => return None,
        })
    }

    fn tag(self) -> u8 {
        match self {
            Self::Vin => b'v',
            Self::Topic => b't',
            Self::Action => b'a',
            Self::Kind => b'k',
        }
    }
}

/// One name record: its tag, its length (u32) and its UTF-8 bytes.
pub(super) fn encode_name(table: Table, name: &str, out: &mut Vec<u8>) {
    out.push(table.tag());
    out.extend_from_slice(&u32::try_from(name.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(name.as_bytes());
}

/// The name records in `bytes`, in order, and how many bytes they take:
/// a torn or unknown record ends the run (what follows is not trusted).
pub(super) fn decode_names(bytes: &[u8]) -> (Vec<(Table, &str)>, u64) {
    let mut names = Vec::new();
    let mut at = 0;
    while let Some(head) = bytes.get(at..at + 5) {
        let Some(table) = Table::from_tag(head[0]) else {
            break;
        };
        let len = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let Some(name) = bytes
            .get(at + 5..at + 5 + len)
            .and_then(|name| std::str::from_utf8(name).ok())
        else {
            break;
        };
        names.push((table, name));
        at += 5 + len;
    }
    (names, at as u64)
}
