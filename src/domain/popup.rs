//! The popup rule: a vehicle may be asked for a popup at most once every
//! 20 seconds.

use super::vin::Vin;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The shortest time between two popups to one vehicle.
pub const POPUP_INTERVAL_MS: u64 = 20_000;

/// When each vehicle was last asked for a popup (Unix milliseconds).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopupLedger {
    last_popup_ms: BTreeMap<String, u64>,
}

/// A popup that would come too soon after the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "popup too soon: wait {seconds_left} s (a popup went to this vehicle {elapsed_s} s ago; the WebPortal allows one every 20 s)"
)]
pub struct PopupTooSoon {
    pub elapsed_s: u64,
    /// Whole seconds to wait, rounded up.
    pub seconds_left: u64,
}

impl PopupLedger {
    /// Whether a popup to `vin` at `now_ms` keeps the 20 s rule.
    pub fn check(&self, vin: &Vin, now_ms: u64) -> Result<(), PopupTooSoon> {
        let Some(&last) = self.last_popup_ms.get(vin.as_str()) else {
            return Ok(());
        };
        let elapsed = now_ms.saturating_sub(last);
        if elapsed >= POPUP_INTERVAL_MS {
            return Ok(());
        }
        Err(PopupTooSoon {
            elapsed_s: elapsed / 1000,
            seconds_left: (POPUP_INTERVAL_MS - elapsed).div_ceil(1000),
        })
    }

    /// Remembers a popup sent to `vin` at `now_ms`.
    pub fn record(&mut self, vin: &Vin, now_ms: u64) {
        self.last_popup_ms.insert(vin.as_str().to_owned(), now_ms);
    }

    /// Forgets the popup to `vin` at `at_ms`, if it is still the last one
    /// (a reservation whose publish failed).
    pub fn forget(&mut self, vin: &Vin, at_ms: u64) {
        if self.last_popup_ms.get(vin.as_str()) == Some(&at_ms) {
            self.last_popup_ms.remove(vin.as_str());
        }
    }

    /// Forgets popups older than the interval, so the ledger stays small.
    pub fn forget_before(&mut self, now_ms: u64) {
        self.last_popup_ms
            .retain(|_, &mut last| now_ms.saturating_sub(last) < POPUP_INTERVAL_MS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vin(text: &str) -> Vin {
        Vin::parse(text).unwrap()
    }

    #[test]
    fn first_popup_is_allowed() {
        assert!(
            PopupLedger::default()
                .check(&vin("0123456789ABCDEFG"), 5)
                .is_ok()
        );
    }

    #[test]
    fn second_popup_within_20_s_is_refused_with_seconds_left() {
        let mut ledger = PopupLedger::default();
        ledger.record(&vin("0123456789ABCDEFG"), 100_000);
        let err = ledger
            .check(&vin("0123456789ABCDEFG"), 104_500)
            .unwrap_err();
        assert_eq!(err.seconds_left, 16);
        assert_eq!(err.elapsed_s, 4);
        assert!(err.to_string().contains("wait 16 s"));
        assert_eq!(
            ledger
                .check(&vin("0123456789ABCDEFG"), 119_999)
                .unwrap_err()
                .seconds_left,
            1
        );
        assert!(ledger.check(&vin("0123456789ABCDEFG"), 120_000).is_ok());
    }

    #[test]
    fn the_rule_is_per_vehicle() {
        let mut ledger = PopupLedger::default();
        ledger.record(&vin("0123456789ABCDEFG"), 100_000);
        assert!(ledger.check(&vin("VF3ABCDEFGH123456"), 100_001).is_ok());
    }

    #[test]
    fn old_entries_are_forgotten() {
        let mut ledger = PopupLedger::default();
        ledger.record(&vin("0123456789ABCDEFG"), 0);
        ledger.record(&vin("VF3ABCDEFGH123456"), 15_000);
        ledger.forget_before(25_000);
        assert!(ledger.check(&vin("0123456789ABCDEFG"), 25_000).is_ok());
        assert!(ledger.check(&vin("VF3ABCDEFGH123456"), 25_000).is_err());
        assert_eq!(ledger.last_popup_ms.len(), 1);
    }
}
