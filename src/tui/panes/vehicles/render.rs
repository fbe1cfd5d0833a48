//! Drawing the vehicle list: a row per vehicle with its marks, label,
//! tracking figures, counts and age, the cursor kept on screen.

use super::figures::label_and_figures;
use super::{VehicleRow, VehicleSort, VehiclesPane, VehiclesView, is_silent, list_top};
use crate::domain::tracking::VehicleDeliveries;
use crate::store::History;
use crate::tui::draw::{age, pane_block};
use crate::tui::width::pad;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

impl VehiclesPane {
    pub fn render(&self, frame: &mut Frame, area: Rect, view: &VehiclesView<'_>) {
        let VehiclesView { history, theme, .. } = *view;
        let rows = self.rows(history);
        let sort = match self.sort {
            VehicleSort::LastSeen => "by last seen",
            VehicleSort::Vin => "by label",
        };
        // Vehicles only: not the "all" row nor the group of messages
        // whose topic names no vehicle.
        let vehicles = rows
            .iter()
            .filter(|row| matches!(row, VehicleRow::Vehicle(_)))
            .count();
        let mut title = format!(" Vehicles ({vehicles}) {sort} ");
        if !self.marked.is_empty() {
            title = format!("{title}· {} marked ", self.marked.len());
        }
        if let Some(text) = view.prompt {
            title = format!("{title}/{text}█ ");
        } else if !self.filter.is_empty() {
            title = format!("{title}/{} ", self.filter);
        }
        let block = pane_block(Line::from(title), view.focused, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let height = usize::from(inner.height);
        let cursor = self.cursor(&rows);
        let top = list_top(cursor, height);
        // Three marker columns, the VIN and a space, then counts and age
        // (rx takes five digits: the third marker column came from it).
        let label_width = usize::from(inner.width).saturating_sub(3 + 18 + 22).max(4);
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .skip(top)
            .take(height)
            .map(|(index, row)| {
                let (text, silent) = self.row_text(row, view, label_width);
                let mut style = if silent {
                    theme.warning()
                } else {
                    Style::new()
                };
                if index == cursor {
                    style = style.patch(theme.selected());
                }
                Line::styled(text, style)
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// A row's text, and whether it is drawn as a warning (silent, too
    /// many unacknowledged messages, or open alerts).
    fn row_text(
        &self,
        row: &VehicleRow,
        view: &VehiclesView<'_>,
        label_width: usize,
    ) -> (String, bool) {
        let history = view.history;
        match row {
            VehicleRow::All => (
                format!(
                    "   {:<18}{} rx {:<5} tx {:<5}",
                    "all vehicles",
                    pad("", label_width),
                    count(history.rx),
                    count(history.tx)
                ),
                false,
            ),
            VehicleRow::Unrecognised => (
                format!(
                    "   {:<18}{} rx {:<5}",
                    "unrecognised",
                    pad("(other topics)", label_width),
                    count(history.unrecognised)
                ),
                false,
            ),
            VehicleRow::Vehicle(vin) => {
                let Some(stats) = history.vehicles.get(vin) else {
                    return (format!("   {vin}"), false);
                };
                let deliveries = view.deliveries.vehicle(vin);
                let flooded = deliveries.is_some_and(VehicleDeliveries::flooded);
                let alerts = view.alerts.open_for(vin);
                let silent = is_silent(view.now, stats.last_seen, view.silent_after) || flooded;
                // Open alerts: a badge ahead of the label, the row drawn
                // as a warning (the Alerts pane, `A`, says which).
                let badge = if alerts > 0 {
                    format!("●{alerts} ")
                } else {
                    String::new()
                };
                let label_width = label_width.saturating_sub(crate::tui::width::of(&badge));
                // A column each, so none hides another: `!` silent (or
                // too many unacknowledged), `>` the editor's target, `*`
                // marked for a fleet publish.
                let flag = |on: bool, c: char| if on { c } else { ' ' };
                // The row is drawn as a warning when silent or alerted; `!`
                // says silent only (the badge says alerted).
                let warned = silent || alerts > 0;
                let marker = format!(
                    "{}{}{}",
                    flag(silent, '!'),
                    flag(view.target == Some(vin), '>'),
                    flag(self.marked.contains(vin), '*'),
                );
                (
                    format!(
                        "{marker}{vin} {badge}{} rx {:<5} tx {:<5}{:>4}",
                        // The label says which vehicle; tracking's figures
                        // stand beside it.
                        pad(
                            &label_and_figures(
                                &vehicle_label(history, stats),
                                deliveries,
                                label_width
                            ),
                            label_width
                        ),
                        count(stats.rx),
                        count(stats.tx),
                        age(view.now, stats.last_seen),
                    ),
                    warned,
                )
            }
        }
    }
}

/// A vehicle's label; with files of several accounts open, led by the
/// UIDs it was seen under, so two accounts' vehicles are told apart.
fn vehicle_label(history: &History, stats: &crate::store::VehicleStats) -> String {
    let label = stats.label.clone().unwrap_or_default();
    if history.accounts.len() < 2 || stats.accounts.is_empty() {
        return label;
    }
    let uids = stats
        .accounts
        .iter()
        .map(|a| crate::domain::display::one_line(a).into_owned())
        .collect::<Vec<_>>()
        .join("+");
    if label.is_empty() {
        uids
    } else {
        format!("{uids} · {label}")
    }
}

/// A count in at most five cells, so the columns after it keep their
/// place on every row, the totals' too: 99999, then 105k, then 12M.
fn count(n: u64) -> String {
    match n {
        0..=99_999 => n.to_string(),
        100_000..=9_999_999 => format!("{}k", n / 1000),
        _ => format!("{}M", n / 1_000_000),
    }
}

#[cfg(test)]
mod count_tests {
    #[test]
    fn a_count_keeps_to_five_cells() {
        for (n, shown) in [
            (0, "0"),
            (99_999, "99999"),
            (105_947, "105k"),
            (9_999_999, "9999k"),
            (12_345_678, "12M"),
        ] {
            assert_eq!(super::count(n), shown);
        }
    }
}
