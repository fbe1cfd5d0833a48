//! How big a payload is, against the broker's limit: the payload's bytes,
//! the MQTT packet carrying it, the headroom, written with thousands
//! separators.

use std::fmt;

/// The broker's maximum message size (128 KiB).
pub const DEFAULT_SIZE_LIMIT: usize = 131_072;

/// Sizes of what would be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeReport {
    /// Bytes of the minified payload: exactly what is published.
    pub payload: usize,
    /// Bytes of the whole MQTT PUBLISH packet (QoS 0) carrying it.
    pub packet: usize,
    pub limit: usize,
}

impl SizeReport {
    /// Measures `payload` published on `topic`.
    pub fn measure(payload: &[u8], topic: &str, limit: usize) -> Self {
        Self::of_length(payload.len(), topic, limit)
    }

    /// The size of a payload of `payload` bytes on `topic`.
    pub fn of_length(payload: usize, topic: &str, limit: usize) -> Self {
        Self {
            payload,
            packet: publish_packet_len(topic.len(), payload),
            limit,
        }
    }

    /// Bytes left under the limit; negative when over.
    pub fn headroom(&self) -> i64 {
        i64::try_from(self.limit).unwrap_or(i64::MAX)
            - i64::try_from(self.payload).unwrap_or(i64::MAX)
    }

    pub fn fits(&self) -> bool {
        self.payload <= self.limit
    }
}

impl fmt::Display for SizeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "payload {} bytes of {} ({} headroom), MQTT packet {} bytes",
            group(self.payload),
            group(self.limit),
            group_signed(self.headroom()),
            group(self.packet)
        )
    }
}

/// Length of an MQTT 3.1.1 PUBLISH packet at QoS 0: fixed header (1 byte +
/// variable-length "remaining length"), topic (2-byte length + bytes),
/// payload. No packet identifier at QoS 0.
pub fn publish_packet_len(topic_len: usize, payload_len: usize) -> usize {
    let remaining = 2 + topic_len + payload_len;
    let length_bytes = match remaining {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    };
    1 + length_bytes + remaining
}

/// Writes 131072 as `131,072`.
pub fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(super) fn group_signed(n: i64) -> String {
    let magnitude = group(usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX));
    if n < 0 {
        format!("-{magnitude}")
    } else {
        magnitude
    }
}
