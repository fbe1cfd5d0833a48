//! What became of each tracked message (sent, acknowledged, answered, no
//! reply within the timeout) and each vehicle's round trips and
//! unanswered messages.

use super::Acknowledgement;
use crate::domain::{PopupAction, Vin};

/// What became of a tracked message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Not published: why.
    Refused(String),
    /// Published; no reply yet.
    Sent,
    /// A reply carried its id, this long after it was published.
    Acknowledged(std::time::Duration),
    /// A popup's first answer (OK, Cancel, timeout) carried its id, this
    /// long after it was published.
    Answered(PopupAction, std::time::Duration),
    /// No reply within the timeout (a late one still acknowledges it).
    NoReply,
}

impl Delivery {
    /// The state in a sentence, for the detail pane and `send --track`:
    /// `answered: OK (WebPortal.okBtnPopupRequestClicked) in 812 ms`.
    pub fn describe(&self) -> String {
        match self {
            Self::Refused(reason) => format!("refused: {reason}"),
            Self::Sent => "sent, waiting for the vehicle's reply".into(),
            Self::Acknowledged(round_trip) => {
                format!("acknowledged in {} ms", round_trip.as_millis())
            }
            Self::Answered(PopupAction::Other(value), round_trip) => {
                format!("answered: {value} in {} ms", round_trip.as_millis())
            }
            Self::Answered(answer, round_trip) => format!(
                "answered: {} ({}) in {} ms",
                answer.label(),
                answer.wire_value(),
                round_trip.as_millis()
            ),
            Self::NoReply => "no reply within the timeout".into(),
        }
    }
}

/// Round-trip times and unacknowledged messages of one vehicle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VehicleDeliveries {
    /// Round-trip times in milliseconds, the last 100.
    rtts: std::collections::VecDeque<u64>,
    /// Tracked messages sent and still within their timeout (the log
    /// says `sent…`): not yet unacknowledged.
    pub waiting: u32,
    /// Tracked messages with no reply within the timeout (a late reply
    /// still takes one off).
    pub unacknowledged: u32,
    /// The last popup answer and its round trip in milliseconds (kept out
    /// of the round-trip times: a person's reaction is not the network's).
    pub last_answer: Option<(PopupAction, u64)>,
}

impl VehicleDeliveries {
    /// Whether more tracked messages are unanswered (waiting or timed out)
    /// than the vehicle keeps while its app sleeps: some may be lost.
    pub fn flooded(&self) -> bool {
        self.waiting.saturating_add(self.unacknowledged) > BUFFERED_BY_THE_VEHICLE
    }

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
    vin: Vin,
    sent_at: chrono::DateTime<chrono::Utc>,
}

/// The tracked messages of a session: sent, acknowledged or not, by a key
/// of the caller's (the log's sequence number).
#[derive(Debug, Clone)]
pub struct Deliveries {
    pub timeout: std::time::Duration,
    pending: std::collections::HashMap<String, Pending>,
    states: std::collections::HashMap<u64, Delivery>,
    vehicles: std::collections::HashMap<Vin, VehicleDeliveries>,
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
    pub fn sent(&mut self, id: String, key: u64, vin: Vin, at: chrono::DateTime<chrono::Utc>) {
        self.vehicles.entry(vin.clone()).or_default().waiting += 1;
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

    /// `acknowledgement` arrived at `at`: the key it acknowledges and the
    /// round trip, or `None` for an id this session did not send (or one
    /// already acknowledged: only the first answer counts).
    pub fn acknowledge(
        &mut self,
        acknowledgement: &Acknowledgement,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Option<(u64, std::time::Duration)> {
        let pending = self.pending.remove(&acknowledgement.id)?;
        let round_trip = (at - pending.sent_at).to_std().unwrap_or_default();
        let millis = u64::try_from(round_trip.as_millis()).unwrap_or(u64::MAX);
        let vehicle = self.vehicles.entry(pending.vin).or_default();
        if self.states.get(&pending.key) == Some(&Delivery::NoReply) {
            vehicle.unacknowledged = vehicle.unacknowledged.saturating_sub(1);
        } else {
            vehicle.waiting = vehicle.waiting.saturating_sub(1);
        }
        if let Some(answer) = &acknowledgement.answer {
            self.states
                .insert(pending.key, Delivery::Answered(answer.clone(), round_trip));
            vehicle.last_answer = Some((answer.clone(), millis));
        } else {
            self.states
                .insert(pending.key, Delivery::Acknowledged(round_trip));
            vehicle.rtts.push_back(millis);
            if vehicle.rtts.len() > 100 {
                vehicle.rtts.pop_front();
            }
        }
        Some((pending.key, round_trip))
    }

    /// Marks what has waited longer than the timeout; returns their keys.
    pub fn expire(&mut self, now: chrono::DateTime<chrono::Utc>) -> Vec<u64> {
        let mut expired = Vec::new();
        for pending in self.pending.values() {
            let waited = (now - pending.sent_at).to_std().unwrap_or_default();
            if waited > self.timeout && self.states.get(&pending.key) == Some(&Delivery::Sent) {
                expired.push((pending.key, pending.vin.clone()));
            }
        }
        // Only now is a message unacknowledged: before its timeout it is
        // merely on its way.
        for (key, vin) in &expired {
            self.states.insert(*key, Delivery::NoReply);
            let vehicle = self.vehicles.entry(vin.clone()).or_default();
            vehicle.waiting = vehicle.waiting.saturating_sub(1);
            vehicle.unacknowledged += 1;
        }
        expired.into_iter().map(|(key, _)| key).collect()
    }

    /// What became of message `key`, if it was tracked.
    pub fn state(&self, key: u64) -> Option<Delivery> {
        self.states.get(&key).cloned()
    }

    /// Message `key` was refused before publishing, for `reason`.
    pub fn refused(&mut self, key: u64, reason: String) {
        self.states.insert(key, Delivery::Refused(reason));
    }

    pub fn vehicle(&self, vin: &Vin) -> Option<&VehicleDeliveries> {
        self.vehicles.get(vin)
    }
}

#[cfg(test)]
mod tests {
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
        let vehicle = deliveries.vehicle(&vin).unwrap();
        assert_eq!(
            (vehicle.waiting, vehicle.unacknowledged),
            (2, 0),
            "on their way, not unacknowledged before the timeout"
        );
        assert_eq!(
            deliveries.acknowledge(&Acknowledgement::reply("zzz"), at(150)),
            None,
            "not ours"
        );
        assert_eq!(
            deliveries.acknowledge(&Acknowledgement::reply("b"), at(400)),
            Some((2, std::time::Duration::from_millis(300)))
        );
        assert_eq!(deliveries.state(1), Some(Delivery::Sent));
        assert_eq!(
            deliveries.state(2),
            Some(Delivery::Acknowledged(std::time::Duration::from_millis(
                300
            )))
        );
        assert_eq!(
            deliveries.acknowledge(&Acknowledgement::reply("b"), at(500)),
            None,
            "once only"
        );
        assert_eq!(deliveries.expire(at(29_000)), Vec::<u64>::new());
        assert_eq!(deliveries.expire(at(30_001)), vec![1]);
        assert_eq!(deliveries.state(1), Some(Delivery::NoReply));
        let vehicle = deliveries.vehicle(&vin).unwrap();
        assert_eq!(
            (vehicle.waiting, vehicle.unacknowledged, vehicle.last_ms()),
            (0, 1, Some(300))
        );
        assert!(deliveries.awaiting());
        assert_eq!(
            deliveries
                .acknowledge(&Acknowledgement::reply("a"), at(31_000))
                .map(|(key, _)| key),
            Some(1),
            "a late reply still acknowledges"
        );
        let vehicle = deliveries.vehicle(&vin).unwrap();
        assert_eq!((vehicle.waiting, vehicle.unacknowledged), (0, 0));
        assert_eq!(vehicle.p50_ms(), Some(300));
        assert!(!deliveries.awaiting());
    }

    #[test]
    fn a_popup_is_answered_once_with_the_first_answer_and_its_round_trip() {
        let vin = crate::domain::Vin::parse("VF3ABCDEFGH123456").unwrap();
        let mut deliveries = Deliveries::new(std::time::Duration::from_secs(30));
        deliveries.sent("p".into(), 5, vin.clone(), at(0));
        assert_eq!(
            deliveries.acknowledge(&Acknowledgement::popup("p", PopupAction::Ok), at(812)),
            Some((5, std::time::Duration::from_millis(812)))
        );
        assert_eq!(
            deliveries.state(5),
            Some(Delivery::Answered(
                PopupAction::Ok,
                std::time::Duration::from_millis(812)
            ))
        );
        assert_eq!(
            deliveries.acknowledge(
                &Acknowledgement::popup("p", PopupAction::Timeout),
                at(15_000)
            ),
            None,
            "a later answer changes nothing"
        );
        assert_eq!(deliveries.expire(at(60_000)), Vec::<u64>::new());
        let vehicle = deliveries.vehicle(&vin).unwrap();
        assert_eq!(vehicle.unacknowledged, 0);
        assert_eq!(vehicle.last_answer, Some((PopupAction::Ok, 812)));
        assert_eq!(
            vehicle.last_ms(),
            None,
            "a person's reaction is no network round trip"
        );
        assert_eq!(
            deliveries.state(5).unwrap().describe(),
            "answered: OK (WebPortal.okBtnPopupRequestClicked) in 812 ms"
        );
    }
}
