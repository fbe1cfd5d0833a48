//! A vehicle's tracking figures beside its label, fitted to the room the
//! row has for both.

use crate::domain::tracking::VehicleDeliveries;
use crate::tui::width::{self, fit, pad_left};

/// A vehicle's round trips and unacknowledged messages, for its row:
/// `120/95ms 2… 3✗ popup OK 812ms` (last/median round trip, tracked
/// messages still within their timeout, those with no reply within it, `!`
/// past the 10 messages a sleeping vehicle keeps; the last popup's answer
/// and how long the user took). `compact`, for a narrow row, drops the
/// median and the word "popup".
fn delivery_summary(deliveries: &VehicleDeliveries, compact: bool) -> String {
    let mut parts = Vec::new();
    match (deliveries.last_ms(), deliveries.p50_ms()) {
        (Some(last), _) if compact => parts.push(format!("{last}ms")),
        (Some(last), Some(p50)) => parts.push(format!("{last}/{p50}ms")),
        _ => {}
    }
    if deliveries.waiting > 0 {
        parts.push(format!("{}…", deliveries.waiting));
    }
    if deliveries.unacknowledged > 0 {
        parts.push(format!("{}✗", deliveries.unacknowledged));
    }
    if deliveries.flooded() {
        parts.push("!".into());
    }
    if let Some((answer, ms)) = &deliveries.last_answer {
        let popup = if compact { "" } else { "popup " };
        parts.push(format!("{popup}{} {ms}ms", answer.label()));
    }
    parts.join(" ").replace(" !", "!")
}

/// A vehicle's label, then its tracking figures at the right, in `width`
/// columns. When both do not fit the figures go compact, then the label
/// shortens (keeping its first 6 columns, it says
/// which vehicle), then the figures are cut.
pub(super) fn label_and_figures(
    label: &str,
    deliveries: Option<&VehicleDeliveries>,
    width: usize,
) -> String {
    let Some(deliveries) = deliveries else {
        return fit(label, width);
    };
    let fits = |figures: &str| width::of(label) + 1 + width::of(figures) <= width;
    let full = delivery_summary(deliveries, false);
    let figures = if fits(&full) {
        full
    } else {
        delivery_summary(deliveries, true)
    };
    if figures.is_empty() {
        return fit(label, width);
    }
    if label.is_empty() {
        return pad_left(&figures, width);
    }
    let label_room = width
        .saturating_sub(width::of(&figures) + 1)
        .max(width::of(label).min(6))
        .min(width);
    let label = fit(label, label_room);
    let room = width.saturating_sub(width::of(&label) + 1);
    if room == 0 {
        return label;
    }
    format!("{label} {}", pad_left(&figures, room))
}
