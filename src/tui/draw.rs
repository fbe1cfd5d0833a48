//! Drawing helpers every pane and popup shares: the bordered block, the
//! centred popup area, ages and counts (cutting and padding by display
//! width is [`super::width`]). They know nothing of `App` or of any pane.

use super::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};

/// A pane's or popup's border with its title; the focused one stands out.
pub fn pane_block(title: Line<'_>, focused: bool, theme: Theme) -> Block<'_> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(title)
}

/// A `width` x `height` area in the middle of `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// `5s`, `3m`, `2h`, `4d`; `-` for never.
pub fn age(now: DateTime<Utc>, then: Option<DateTime<Utc>>) -> String {
    let Some(then) = then else { return "-".into() };
    let seconds = (now - then).num_seconds().max(0);
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m", seconds / 60),
        3600..86_400 => format!("{}h", seconds / 3600),
        _ => format!("{}d", seconds / 86_400),
    }
}

/// A count with thousands separators.
pub fn group64(n: u64) -> String {
    crate::domain::envelope::group(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Clears `area` for a popup, and the wide character (CJK, emoji) whose
/// left half sits just outside it: drawn, its right half would cover the
/// popup's left border.
pub fn clear_popup(buffer: &mut ratatui::buffer::Buffer, area: Rect) {
    ratatui::widgets::Widget::render(ratatui::widgets::Clear, area, buffer);
    if area.x == 0 {
        return;
    }
    for y in area.top()..area.bottom() {
        let cell = &mut buffer[(area.x - 1, y)];
        if super::width::of(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;

    #[test]
    fn a_wide_character_half_under_a_popup_does_not_cover_its_border() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 10, 1));
        buffer.set_string(0, 0, "ab漢字cd", ratatui::style::Style::new());
        // 字 starts at column 4: the popup from column 5 cuts it in half.
        let popup = Rect::new(5, 0, 3, 1);
        clear_popup(&mut buffer, popup);
        buffer.set_string(5, 0, "│", ratatui::style::Style::new());
        assert_eq!(
            buffer[(4, 0)].symbol(),
            " ",
            "no half of 字 left beside the border"
        );
        assert_eq!(buffer[(5, 0)].symbol(), "│");
    }
}
