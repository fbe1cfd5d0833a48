//! The mouse: a click focuses the pane under it and selects there, the
//! wheel scrolls the pane under it (the focus stays where it is).

use super::{App, Focus};
use crate::tui::keys::Action;
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

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
    let Some((pane, area)) = pane else {
        return;
    };
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            app.focus = pane;
            let row = usize::from(mouse.row.saturating_sub(area.y + 1));
            match pane {
                Focus::Vehicles => {
                    let height = usize::from(area.height.saturating_sub(2));
                    if let Some(clicked) = app.vehicles.click(row, height, &app.history) {
                        app.choose_vehicle(clicked);
                    }
                }
                Focus::Log => {
                    let rows = app.log_rows_visible();
                    let reaction = app.log.click(row, &app.history, rows);
                    app.react(reaction);
                }
                Focus::Detail | Focus::Editor => {}
            }
        }
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
            let action = if mouse.kind == MouseEventKind::ScrollUp {
                Action::Up
            } else {
                Action::Down
            };
            for _ in 0..3 {
                app.act_on_pane(pane, action);
            }
        }
        _ => {}
    }
}
