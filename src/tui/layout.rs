//! Where the panes go. One function, used by the view to draw and by
//! `update` to map mouse clicks, so the two never disagree.

use super::app::Focus;
use ratatui::layout::{Constraint, Layout, Rect};

/// The screen's regions; a pane is `None` when the terminal is too small to
/// show it beside the focused one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    pub vehicles: Option<Rect>,
    pub log: Option<Rect>,
    pub detail: Option<Rect>,
    pub editor: Option<Rect>,
    pub status: Rect,
    pub footer: Rect,
}

/// Below this size only the focused pane is shown.
pub const FULL_LAYOUT_MIN: (u16, u16) = (100, 24);

/// `status_rows`: the status bar's height (two when what it must say does
/// not fit on one row).
pub fn areas(screen: Rect, focus: Focus, status_rows: u16) -> Areas {
    let [title, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(screen);
    let mut areas = Areas {
        title,
        vehicles: None,
        log: None,
        detail: None,
        editor: None,
        status,
        footer,
    };
    if screen.width < FULL_LAYOUT_MIN.0 || screen.height < FULL_LAYOUT_MIN.1 {
        match focus {
            Focus::Vehicles => areas.vehicles = Some(body),
            Focus::Log => areas.log = Some(body),
            Focus::Detail => areas.detail = Some(body),
            Focus::Editor => areas.editor = Some(body),
        }
        return areas;
    }
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    let [vehicles, log] =
        Layout::horizontal([Constraint::Length(60), Constraint::Min(20)]).areas(top);
    let [detail, editor] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    areas.vehicles = Some(vehicles);
    areas.log = Some(log);
    areas.detail = Some(detail);
    areas.editor = Some(editor);
    areas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_terminal_shows_every_pane() {
        let a = areas(Rect::new(0, 0, 160, 45), Focus::Log, 1);
        assert!(
            a.vehicles.is_some() && a.log.is_some() && a.detail.is_some() && a.editor.is_some()
        );
    }

    #[test]
    fn a_small_terminal_shows_the_focused_pane_only() {
        let a = areas(Rect::new(0, 0, 40, 12), Focus::Editor, 1);
        assert!(a.vehicles.is_none() && a.log.is_none() && a.detail.is_none());
        assert_eq!(a.editor, Some(Rect::new(0, 1, 40, 9)));
    }

    #[test]
    fn a_status_bar_of_two_rows_takes_one_from_the_panes() {
        let a = areas(Rect::new(0, 0, 40, 12), Focus::Editor, 2);
        assert_eq!(a.editor, Some(Rect::new(0, 1, 40, 8)));
        assert_eq!(a.status, Rect::new(0, 9, 40, 2));
    }
}
