//! The mouse: clicks focus and select, the wheel scrolls.

#[allow(clippy::wildcard_imports)]
use super::*;

/// The first visible row of the vehicle list: the cursor stays on screen.
pub fn vehicle_list_top(cursor: usize, height: usize) -> usize {
    cursor.saturating_sub(height.saturating_sub(1))
}

pub(super) fn on_mouse(app: &mut App, mouse: MouseEvent) {
    let at = Position::new(mouse.column, mouse.row);
    let areas = app.areas();
    let pane = [
        (Focus::Vehicles, areas.vehicles),
        (Focus::Log, areas.log),
        (Focus::Detail, areas.detail),
        (Focus::Editor, areas.editor),
    ]
    .into_iter()
    .find_map(|(focus, area)| area.filter(|a| a.contains(at)).map(|a| (focus, a)));
    let Some((focus, area)) = pane else {
        return;
    };
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            app.focus = focus;
            let row = usize::from(mouse.row.saturating_sub(area.y + 1));
            match focus {
                Focus::Vehicles if row < app.vehicle_rows().len() => {
                    let rows = app.vehicle_rows();
                    let top = vehicle_list_top(
                        app.vehicle_cursor(&rows),
                        usize::from(area.height.saturating_sub(2)),
                    );
                    let Some(clicked) = rows.get(top + row) else {
                        return;
                    };
                    app.vehicles.selected = clicked.clone();
                    select(app);
                    app.focus = Focus::Vehicles;
                }
                Focus::Log => {
                    if let Some(seq) = app.log_seq_at(app.log_top() + row) {
                        app.log.selected = Some(seq);
                        app.log.follow = false;
                        refresh_detail(app);
                    }
                }
                _ => {}
            }
        }
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
            let previous = app.focus;
            app.focus = focus;
            let action = if mouse.kind == MouseEventKind::ScrollUp {
                Action::Up
            } else {
                Action::Down
            };
            for _ in 0..3 {
                move_in_pane(app, action);
            }
            app.focus = previous;
        }
        _ => {}
    }
}
