//! Delivery tracking at the application level: the broker downgrades
//! everything to QoS 0, so the only proof that a vehicle's app got an
//! action is its reply. A correlation id is stamped into `content` (the
//! field `cid` by default) and a reply on the vehicle's "to" topic whose
//! `content.ref` (by default) carries the same id acknowledges it.

use serde_json::Value;

/// Where the id goes and where a reply carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracking {
    /// The field inside `content` the id is stamped into.
    pub stamp_field: String,
    /// The field inside a reply's `content` that echoes the id.
    pub reply_field: String,
}

impl Default for Tracking {
    fn default() -> Self {
        Self {
            stamp_field: "cid".into(),
            reply_field: "ref".into(),
        }
    }
}

/// A new correlation id: `wpc-` and 12 hex digits.
pub fn new_id() -> String {
    format!("wpc-{:012x}", fastrand::u64(..) & 0xffff_ffff_ffff)
}

impl Tracking {
    /// The envelope with `content.<stamp_field>` set to `id`. The envelope
    /// must be JSON with an object `content` (what is not is left to the
    /// validator to explain, so it is returned unchanged as an error).
    pub fn stamp(&self, envelope: &str, id: &str) -> Result<String, String> {
        let mut value: Value = serde_json::from_str(envelope)
            .map_err(|_| "the envelope is not JSON, so no id can be stamped in it".to_owned())?;
        let Some(content) = value.get_mut("content").and_then(Value::as_object_mut) else {
            return Err(format!(
                "tracking stamps content.{} and needs content to be an object",
                self.stamp_field
            ));
        };
        content.insert(self.stamp_field.clone(), Value::String(id.to_owned()));
        serde_json::to_string_pretty(&value).map_err(|err| err.to_string())
    }

    /// The id a reply acknowledges, if it carries one.
    pub fn acknowledged_id(&self, reply: &[u8]) -> Option<String> {
        // Called for every inbound message while anything waits for a
        // reply: most never name the field, and are passed over unparsed.
        memchr::memmem::find(reply, self.reply_field.as_bytes())?;
        let value: Value = serde_json::from_slice(reply).ok()?;
        match value.get("content")?.get(&self.reply_field)? {
            Value::String(id) => Some(id.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_stamped_into_content_and_a_reply_carrying_it_acknowledges() {
        let tracking = Tracking::default();
        let stamped = tracking
            .stamp(
                r#"{"idApp":"A","popup":false,"content":{"action":"unlock"}}"#,
                "wpc-1",
            )
            .unwrap();
        let value: Value = serde_json::from_str(&stamped).unwrap();
        assert_eq!(value["content"]["cid"], "wpc-1");
        assert_eq!(value["content"]["action"], "unlock", "nothing else changes");
        assert_eq!(
            tracking.acknowledged_id(br#"{"content":{"type":"ack","ref":"wpc-1"}}"#),
            Some("wpc-1".into())
        );
        assert_eq!(
            tracking.acknowledged_id(br#"{"content":{"ref":7}}"#),
            Some("7".into())
        );
        assert_eq!(
            tracking.acknowledged_id(br#"{"content":{"cid":"wpc-1"}}"#),
            None
        );
        assert_eq!(tracking.acknowledged_id(b"not json"), None);
    }

    #[test]
    fn other_field_names_can_be_configured() {
        let tracking = Tracking {
            stamp_field: "requestId".into(),
            reply_field: "inReplyTo".into(),
        };
        let stamped = tracking.stamp(r#"{"content":{}}"#, "x").unwrap();
        assert!(stamped.contains("\"requestId\": \"x\""), "{stamped}");
        assert_eq!(
            tracking.acknowledged_id(br#"{"content":{"inReplyTo":"x"}}"#),
            Some("x".into())
        );
    }

    #[test]
    fn content_that_is_not_an_object_cannot_carry_an_id() {
        let err = Tracking::default()
            .stamp(r#"{"content":"text"}"#, "x")
            .unwrap_err();
        assert!(err.contains("content to be an object"), "{err}");
        assert_eq!(new_id().len(), 16);
        assert_ne!(new_id(), new_id());
    }
}

/// What became of a tracked message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Not published: why.
    Refused(String),
    /// Published; no reply yet.
    Sent,
    /// A reply carried its id, this long after it was published.
    Acknowledged(std::time::Duration),
    /// No reply within the timeout (a late one still acknowledges it).
    NoReply,
}

/// Round-trip times and unacknowledged messages of one vehicle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VehicleDeliveries {
    /// Round-trip times in milliseconds, the last 100.
    rtts: std::collections::VecDeque<u64>,
    /// Tracked messages without a reply (sent or timed out).
    pub unacknowledged: u32,
}

impl VehicleDeliveries {
    pub fn last_ms(&self) -> Option<u64> {
        self.rtts.back().copied()
    }

    /// The median round-trip time in milliseconds.
    pub fn p50_ms(&self) -> Option<u64> {
        let mut sorted: Vec<u64> = self.rtts.iter().copied().collect();
        sorted.sort_unstable();
        sorted.get(sorted.len().checked_sub(1)? / 2).copied()
    }
}

/// More unacknowledged data messages than this for one vehicle may be lost:
/// a vehicle's WebPortal keeps only the last 10 while the app sleeps.
pub const BUFFERED_BY_THE_VEHICLE: u32 = 10;

#[derive(Debug, Clone)]
struct Pending {
    key: u64,
    vin: super::Vin,
    sent_at: chrono::DateTime<chrono::Utc>,
}

/// The tracked messages of a session: sent, acknowledged or not, by a key
/// of the caller's (the log's sequence number).
#[derive(Debug, Clone)]
pub struct Deliveries {
    pub timeout: std::time::Duration,
    pending: std::collections::HashMap<String, Pending>,
    states: std::collections::HashMap<u64, Delivery>,
    vehicles: std::collections::HashMap<super::Vin, VehicleDeliveries>,
}

impl Deliveries {
    pub fn new(timeout: std::time::Duration) -> Self {
        Self {
            timeout,
            pending: std::collections::HashMap::new(),
            states: std::collections::HashMap::new(),
            vehicles: std::collections::HashMap::new(),
        }
    }

    /// Whether any message still waits for a reply (replies are looked for
    /// only then).
    pub fn awaiting(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Message `key` to `vin` was published with `id` at `at`.
    pub fn sent(
        &mut self,
        id: String,
        key: u64,
        vin: super::Vin,
        at: chrono::DateTime<chrono::Utc>,
    ) {
        self.vehicles.entry(vin.clone()).or_default().unacknowledged += 1;
        self.states.insert(key, Delivery::Sent);
        self.pending.insert(
            id,
            Pending {
                key,
                vin,
                sent_at: at,
            },
        );
    }

    /// A reply carrying `id` arrived at `at`: the key it acknowledges and
    /// the round trip, or `None` for an id this session did not send.
    pub fn acknowledge(
        &mut self,
        id: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Option<(u64, std::time::Duration)> {
        let pending = self.pending.remove(id)?;
        let round_trip = (at - pending.sent_at).to_std().unwrap_or_default();
        self.states
            .insert(pending.key, Delivery::Acknowledged(round_trip));
        let vehicle = self.vehicles.entry(pending.vin).or_default();
        vehicle.unacknowledged = vehicle.unacknowledged.saturating_sub(1);
        vehicle
            .rtts
            .push_back(u64::try_from(round_trip.as_millis()).unwrap_or(u64::MAX));
        if vehicle.rtts.len() > 100 {
            vehicle.rtts.pop_front();
        }
        Some((pending.key, round_trip))
    }

    /// Marks what has waited longer than the timeout; returns their keys.
    pub fn expire(&mut self, now: chrono::DateTime<chrono::Utc>) -> Vec<u64> {
        let mut expired = Vec::new();
        for pending in self.pending.values() {
            let waited = (now - pending.sent_at).to_std().unwrap_or_default();
            if waited > self.timeout && self.states.get(&pending.key) == Some(&Delivery::Sent) {
                expired.push(pending.key);
            }
        }
        for key in &expired {
            self.states.insert(*key, Delivery::NoReply);
        }
        expired
    }

    /// What became of message `key`, if it was tracked.
    pub fn state(&self, key: u64) -> Option<Delivery> {
        self.states.get(&key).cloned()
    }

    /// Message `key` was refused before publishing, for `reason`.
    pub fn refused(&mut self, key: u64, reason: String) {
        self.states.insert(key, Delivery::Refused(reason));
    }

    pub fn vehicle(&self, vin: &super::Vin) -> Option<&VehicleDeliveries> {
        self.vehicles.get(vin)
    }
}

#[cfg(test)]
mod delivery_tests {
    use super::*;
    use chrono::TimeZone;

    fn at(ms: i64) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
            .unwrap()
            + chrono::Duration::milliseconds(ms)
    }

    #[test]
    fn two_in_flight_to_one_vehicle_are_told_apart_and_unknown_ids_ignored() {
        let vin = crate::domain::Vin::parse("VF3ABCDEFGH123456").unwrap();
        let mut deliveries = Deliveries::new(std::time::Duration::from_secs(30));
        deliveries.sent("a".into(), 1, vin.clone(), at(0));
        deliveries.sent("b".into(), 2, vin.clone(), at(100));
        assert_eq!(deliveries.vehicle(&vin).unwrap().unacknowledged, 2);
        assert_eq!(deliveries.acknowledge("zzz", at(150)), None, "not ours");
        assert_eq!(
            deliveries.acknowledge("b", at(400)),
            Some((2, std::time::Duration::from_millis(300)))
        );
        assert_eq!(deliveries.state(1), Some(Delivery::Sent));
        assert_eq!(
            deliveries.state(2),
            Some(Delivery::Acknowledged(std::time::Duration::from_millis(
                300
            )))
        );
        assert_eq!(deliveries.acknowledge("b", at(500)), None, "once only");
        assert_eq!(deliveries.expire(at(29_000)), Vec::<u64>::new());
        assert_eq!(deliveries.expire(at(30_001)), vec![1]);
        assert_eq!(deliveries.state(1), Some(Delivery::NoReply));
        let vehicle = deliveries.vehicle(&vin).unwrap();
        assert_eq!((vehicle.unacknowledged, vehicle.last_ms()), (1, Some(300)));
        assert!(deliveries.awaiting());
        assert_eq!(
            deliveries.acknowledge("a", at(31_000)).map(|(key, _)| key),
            Some(1),
            "a late reply still acknowledges"
        );
        let vehicle = deliveries.vehicle(&vin).unwrap();
        assert_eq!(vehicle.unacknowledged, 0);
        assert_eq!(vehicle.p50_ms(), Some(300));
        assert!(!deliveries.awaiting());
    }
}
