//! The simulated fleet: vehicles whose WebPortal apps talk like real ones.
//!
//! Pure: time goes in as a `Duration` since the start, messages come out,
//! so the behaviour is tested without a broker or a clock.

use crate::domain::{PopupAction, TopicScheme, Vin};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::time::Duration;

/// The WebPortal keeps only this many data messages for an app in the
/// background; older ones are lost.
pub const BACKGROUND_MAILBOX: usize = 10;

/// Something the fleet publishes on a "to" topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VehicleMessage {
    pub topic: String,
    pub payload: Vec<u8>,
}

/// One simulated vehicle.
#[derive(Debug, Clone)]
pub struct Vehicle {
    pub vin: Vin,
    pub label: String,
    /// Whether the app is in the foreground (awake) or the background.
    pub awake: bool,
    /// Whether this vehicle goes to sleep from time to time.
    sleeper: bool,
    /// Data messages kept while in the background.
    mailbox: VecDeque<Value>,
    /// Data messages lost because the mailbox was full.
    pub lost: u64,
    next_heartbeat: Duration,
    next_action: Duration,
    next_telemetry: Duration,
    next_sleep_toggle: Duration,
    soc: f64,
    odometer_km: f64,
}

/// The whole fleet and the replies it has scheduled.
pub struct Fleet {
    pub vehicles: Vec<Vehicle>,
    topics: TopicScheme,
    rng: fastrand::Rng,
    scheduled: Vec<(Duration, VehicleMessage)>,
    /// Share of inbound traffic that is deliberately malformed.
    malformed_share: f64,
    /// How every driver answers a popup; `None`: as people do, at random.
    popup_answer: Option<PopupAction>,
}

const MAKES: [(&str, &str); 8] = [
    ("VF3", "Peugeot 208"),
    ("VR3", "Peugeot 3008"),
    ("VF7", "Citroen C4"),
    ("VR1", "DS 7"),
    ("ZFA", "Fiat 500e"),
    ("ZAR", "Alfa Romeo Tonale"),
    ("W0L", "Opel Corsa"),
    ("1C4", "Jeep Avenger"),
];

const VIN_CHARS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

const USER_ACTIONS: [&str; 6] = [
    "openDoorsRequest",
    "climateOn",
    "navigateTo",
    "mediaPlay",
    "chargeStatusRequest",
    "favouriteStationSelected",
];

fn secs(rng: &mut fastrand::Rng, from: f64, to: f64) -> Duration {
    Duration::from_secs_f64(from + rng.f64() * (to - from))
}

impl Fleet {
    /// `count` vehicles with valid, varied VINs. The same seed gives the same fleet.
    pub fn new(topics: TopicScheme, count: usize, seed: u64) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut vehicles = Vec::with_capacity(count);
        for index in 0..count {
            let (wmi, model) = MAKES[index % MAKES.len()];
            let mut text = wmi.to_owned();
            while text.len() < crate::domain::vin::VIN_LENGTH {
                text.push(char::from(VIN_CHARS[rng.usize(..VIN_CHARS.len())]));
            }
            let vin = Vin::parse(&text).expect("generated from the VIN alphabet");
            vehicles.push(Vehicle {
                vin,
                label: format!("{model} #{}", index / MAKES.len() + 1),
                awake: true,
                sleeper: index % 4 == 3,
                mailbox: VecDeque::new(),
                lost: 0,
                next_heartbeat: secs(&mut rng, 0.2, 3.0),
                next_action: secs(&mut rng, 2.0, 12.0),
                next_telemetry: secs(&mut rng, 1.0, 8.0),
                next_sleep_toggle: secs(&mut rng, 20.0, 60.0),
                soc: 20.0 + rng.f64() * 75.0,
                odometer_km: 1_000.0 + rng.f64() * 60_000.0,
            });
        }
        Self {
            vehicles,
            topics,
            rng,
            scheduled: Vec::new(),
            malformed_share: 0.04,
            popup_answer: None,
        }
    }

    /// Every driver answers every popup with `answer` (after the usual
    /// pause), instead of at random: for tests and demonstrations of one
    /// outcome.
    #[must_use]
    pub fn with_popup_answer(mut self, answer: PopupAction) -> Self {
        self.popup_answer = Some(answer);
        self
    }

    /// Sets the share of malformed inbound messages (0 to 1).
    #[must_use]
    pub fn with_malformed_share(mut self, share: f64) -> Self {
        self.malformed_share = share.clamp(0.0, 1.0);
        self
    }

    /// Everything due at `now`: the apps' own messages and scheduled replies.
    pub fn tick(&mut self, now: Duration) -> Vec<VehicleMessage> {
        let mut out = Vec::new();
        for index in 0..self.vehicles.len() {
            self.vehicle_tick(index, now, &mut out);
        }
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.scheduled)
            .into_iter()
            .partition(|(at, _)| *at <= now);
        self.scheduled = later;
        out.extend(due.into_iter().map(|(_, message)| message));
        out
    }

    fn vehicle_tick(&mut self, index: usize, now: Duration, out: &mut Vec<VehicleMessage>) {
        let rng = &mut self.rng;
        let vehicle = &mut self.vehicles[index];
        if vehicle.sleeper && now >= vehicle.next_sleep_toggle {
            vehicle.awake = !vehicle.awake;
            vehicle.next_sleep_toggle = now
                + if vehicle.awake {
                    secs(rng, 30.0, 90.0)
                } else {
                    secs(rng, 15.0, 45.0)
                };
            if vehicle.awake {
                let resumed = json!({"content": {"type": "event", "action": "appResumed", "params": {"pending": vehicle.mailbox.len(), "lost": vehicle.lost}}});
                out.push(self.message(index, &resumed));
                let kept: Vec<Value> = self.vehicles[index].mailbox.drain(..).collect();
                for envelope in kept {
                    self.schedule_ack(index, &envelope, now);
                }
                return;
            }
        }
        let vehicle = &mut self.vehicles[index];
        if !vehicle.awake {
            return;
        }
        let mut payloads: Vec<Value> = Vec::new();
        if now >= vehicle.next_heartbeat {
            vehicle.next_heartbeat = now + secs(rng, 10.0, 20.0);
            payloads.push(json!({"content": {"type": "event", "action": "heartbeat", "params": {"uptime_s": now.as_secs()}}}));
        }
        if now >= vehicle.next_telemetry {
            vehicle.next_telemetry = now + secs(rng, 6.0, 14.0);
            vehicle.soc = (vehicle.soc - rng.f64() * 0.4).max(5.0);
            vehicle.odometer_km += rng.f64() * 0.8;
            payloads.push(
                json!({"content": {"type": "telemetry", "action": "vehicleStatus", "params": {
                    "soc_pct": (vehicle.soc * 10.0).round() / 10.0,
                    "odometer_km": (vehicle.odometer_km * 10.0).round() / 10.0,
                    "speed_kmh": rng.u32(0..130),
                    "position": {"lat": 48.85 + rng.f64() / 10.0, "lon": 2.29 + rng.f64() / 10.0},
                }}}),
            );
        }
        if now >= vehicle.next_action {
            vehicle.next_action = now + secs(rng, 8.0, 40.0);
            let action = USER_ACTIONS[rng.usize(..USER_ACTIONS.len())];
            payloads.push(json!({"content": {"type": "action", "action": action, "params": {"screen": "home", "button": rng.u8(1..9)}}}));
        }
        for payload in payloads {
            if self.rng.f64() < self.malformed_share {
                out.push(self.malformed(index));
            } else {
                out.push(self.message(index, &payload));
            }
        }
    }

    fn message(&self, index: usize, payload: &Value) -> VehicleMessage {
        VehicleMessage {
            topic: self.topics.to_topic(&self.vehicles[index].vin),
            payload: payload.to_string().into_bytes(),
        }
    }

    /// Traffic a real fleet produces now and then: text, binary, `content`
    /// as a string, JSON without `content`.
    fn malformed(&mut self, index: usize) -> VehicleMessage {
        let payload: Vec<u8> = match self.rng.u8(0..4) {
            0 => b"debug: webview reloaded, state lost".to_vec(),
            1 => vec![0x00, 0x9f, 0xff, 0x10, 0x80, 0x41],
            2 => br#"{"content":"legacy string payload"}"#.to_vec(),
            _ => br#"{"status":"ok","source":"diagnostics"}"#.to_vec(),
        };
        VehicleMessage {
            topic: self.topics.to_topic(&self.vehicles[index].vin),
            payload,
        }
    }

    /// A message the server published on `topic` at `now`.
    pub fn on_server_message(&mut self, topic: &str, payload: &[u8], now: Duration) {
        let Some(vin) = self.topics.parse_from_topic(topic) else {
            return;
        };
        let Some(index) = self.vehicles.iter().position(|v| v.vin == vin) else {
            return;
        };
        let Ok(envelope) = serde_json::from_slice::<Value>(payload) else {
            return;
        };
        if envelope.get("popup").and_then(Value::as_bool) == Some(true) {
            self.schedule_popup_answer(index, &envelope, now);
            return;
        }
        let vehicle = &mut self.vehicles[index];
        if vehicle.awake {
            self.schedule_ack(index, &envelope, now);
        } else {
            if vehicle.mailbox.len() == BACKGROUND_MAILBOX {
                vehicle.mailbox.pop_front();
                vehicle.lost += 1;
            }
            vehicle.mailbox.push_back(envelope);
        }
    }

    fn schedule_ack(&mut self, index: usize, envelope: &Value, now: Duration) {
        let content = envelope.get("content");
        let action = content
            .and_then(|c| c.get("action"))
            .cloned()
            .unwrap_or(Value::Null);
        let mut reply = json!({"type": "ack", "action": action, "params": {"status": "ok"}});
        if let Some(id) = content.and_then(correlation_id) {
            reply["ref"] = id.clone();
        }
        let at = now + secs(&mut self.rng, 0.15, 0.8);
        let message = self.message(index, &json!({ "content": reply }));
        self.scheduled.push((at, message));
    }

    fn schedule_popup_answer(&mut self, index: usize, envelope: &Value, now: Duration) {
        let has_ok = envelope
            .get("popupBtn")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let answer = self.popup_answer.clone().unwrap_or_else(|| {
            let roll = self.rng.f64();
            if has_ok && roll < 0.5 {
                PopupAction::Ok
            } else if roll < 0.75 {
                PopupAction::Cancel
            } else {
                PopupAction::Timeout
            }
        });
        // The WebPortal closes an unanswered popup after 15 s.
        let after = if answer == PopupAction::Timeout {
            Duration::from_secs(15)
        } else {
            secs(&mut self.rng, 2.0, 12.0)
        };
        // The app forwards the answer beside the popup's own content, so
        // the server's id (content.cid) comes back with it.
        let content = envelope
            .get("content")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let message = self.message(
            index,
            &json!({"popupAction": answer.wire_value(), "content": content}),
        );
        self.scheduled.push((now + after, message));
    }
}

/// The correlation id an app would echo: the first of the usual names.
fn correlation_id(content: &Value) -> Option<&Value> {
    ["cid", "correlationId", "correlation_id", "requestId", "id"]
        .iter()
        .find_map(|key| content.get(key).filter(|v| v.is_string() || v.is_number()))
}

#[cfg(test)]
mod tests;
