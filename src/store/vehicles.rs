//! What the history knows about each vehicle: its label from the fleet,
//! what it sent and was sent, when it was last heard, and the accounts its
//! files were read under.

use super::{Direction, History};
use crate::domain::Vin;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What the console knows about one vehicle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VehicleStats {
    /// From the configured fleet.
    pub label: Option<String>,
    pub rx: u64,
    pub tx: u64,
    pub last_seen: Option<DateTime<Utc>>,
    /// The logins (UIDs) whose topics this vehicle was read under, from
    /// opened files: two accounts' files can name one VIN.
    pub accounts: Vec<Arc<str>>,
}

impl History {
    pub(super) fn count(&mut self, direction: Direction, vin: Option<&Vin>, at: DateTime<Utc>) {
        match (direction, vin) {
            (Direction::Inbound, Some(vin)) => {
                self.rx += 1;
                if !self.vehicles.contains_key(vin) {
                    self.vehicles.insert(vin.clone(), VehicleStats::default());
                }
                let Some(stats) = self.vehicles.get_mut(vin) else {
                    return;
                };
                stats.rx += 1;
                stats.last_seen = Some(stats.last_seen.map_or(at, |seen| seen.max(at)));
            }
            (Direction::Inbound, None) => {
                self.rx += 1;
                self.unrecognised += 1;
            }
            (Direction::Outbound, vin) => {
                self.tx += 1;
                if let Some(vin) = vin {
                    self.vehicles.entry(vin.clone()).or_default().tx += 1;
                }
            }
            (Direction::Refused, _) => {}
        }
    }

    /// Notes the login a stored record's topic names, for the history and
    /// for its vehicle, so files of two accounts are never one list
    /// without a word.
    pub(super) fn note_account(&mut self, vin: Option<&Vin>, topic: &str) {
        let Some(uid) = crate::account::uid_of_topic(topic) else {
            return;
        };
        let known = if let Some(known) = self.accounts.iter().find(|a| ***a == *uid) {
            known.clone()
        } else {
            let new: Arc<str> = Arc::from(uid);
            self.accounts.push(new.clone());
            new
        };
        if let Some(stats) = vin.and_then(|vin| self.vehicles.get_mut(vin))
            && !stats.accounts.contains(&known)
        {
            stats.accounts.push(known);
        }
    }

    /// The label of a vehicle, if the fleet gives one.
    pub fn label(&self, vin: &Vin) -> Option<&str> {
        self.vehicles.get(vin).and_then(|v| v.label.as_deref())
    }
}
