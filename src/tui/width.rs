//! Display width: how many terminal cells a text takes, counted as the
//! screen buffer counts them (grapheme by grapheme, a CJK character or an
//! emoji taking two cells). Every pane measures, cuts and pads its text
//! here, so a wide character can neither push a row's columns out of line
//! nor be cut in half at a column's edge.

use ratatui::buffer::CellWidth as _;
use unicode_segmentation::UnicodeSegmentation as _;

/// Each grapheme of `text`, where it starts and ends, and the cells it
/// takes, as the buffer draws them (control characters are dropped by the
/// buffer too; the display sanitiser has escaped them before text gets
/// here).
fn graphemes(text: &str) -> impl DoubleEndedIterator<Item = (usize, usize, usize)> {
    text.grapheme_indices(true)
        .filter(|(_, g)| !g.contains(char::is_control))
        .map(|(at, g)| (at, at + g.len(), usize::from(g.cell_width())))
}

/// The cells `text` takes on the screen.
pub fn of(text: &str) -> usize {
    graphemes(text).map(|(_, _, cells)| cells).sum()
}

/// The longest start of `text` that fits in `cells`, and the rest; never
/// cuts inside a character.
pub fn split(text: &str, cells: usize) -> (&str, &str) {
    let mut used = 0;
    let mut cut = 0;
    for (_, end, width) in graphemes(text) {
        if used + width > cells {
            break;
        }
        used += width;
        cut = end;
    }
    text.split_at(cut)
}

/// `text` cut to at most `cells`, an ellipsis telling it was cut.
pub fn fit(text: &str, cells: usize) -> String {
    if of(text) <= cells {
        return text.to_owned();
    }
    let (head, _) = split(text, cells.saturating_sub(1));
    // "bench…", not "bench …": a cut between words ends at the word.
    let mut out = head.trim_end().to_owned();
    if cells > 0 {
        out.push('…');
    }
    out
}

/// `text` cut to at most `cells` keeping its end, an ellipsis first
/// telling it was cut.
pub fn fit_end(text: &str, cells: usize) -> String {
    if of(text) <= cells {
        return text.to_owned();
    }
    let room = cells.saturating_sub(1);
    let mut used = 0;
    let mut start = text.len();
    for (at, _, width) in graphemes(text).rev() {
        if used + width > room {
            break;
        }
        used += width;
        start = at;
    }
    if cells == 0 {
        return String::new();
    }
    format!("…{}", &text[start..])
}

/// `text` fitted to `cells` and padded on the right to fill them exactly.
pub fn pad(text: &str, cells: usize) -> String {
    let mut out = fit(text, cells);
    let room = cells.saturating_sub(of(&out));
    out.extend(std::iter::repeat_n(' ', room));
    out
}

/// `text` fitted to `cells` and padded on the left: right-aligned.
pub fn pad_left(text: &str, cells: usize) -> String {
    let fitted = fit(text, cells);
    let room = cells.saturating_sub(of(&fitted));
    let mut out: String = std::iter::repeat_n(' ', room).collect();
    out.push_str(&fitted);
    out
}

/// `text` wrapped at spaces into rows of `room` cells (a word longer than
/// a row is cut).
pub fn wrap(text: &str, room: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let wanted = of(&row) + usize::from(!row.is_empty()) + of(word);
        if !row.is_empty() && wanted > room {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
    }
    if !row.is_empty() {
        rows.push(row);
    }
    rows.into_iter().map(|row| fit(&row, room)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_cells() {
        assert_eq!(of("bench"), 5);
        assert_eq!(of("ベンチ"), 6);
        assert_eq!(of("車🚗"), 4);
        assert_eq!(of("café"), 4);
        // A family emoji is one character on the screen.
        assert_eq!(of("👨‍👩‍👧"), 2);
    }

    #[test]
    fn a_cut_never_splits_a_wide_character() {
        assert_eq!(split("ベンチ", 3), ("ベ", "ンチ"));
        assert_eq!(split("ベンチ", 4), ("ベン", "チ"));
        assert_eq!(split("ab", 0), ("", "ab"));
        assert_eq!(split("e\u{301}x", 1), ("e\u{301}", "x"));
    }

    #[test]
    fn fitting_counts_cells_and_marks_the_cut() {
        assert_eq!(fit("ベンチ車両", 10), "ベンチ車両");
        assert_eq!(fit("ベンチ車両", 9), "ベンチ車…");
        assert_eq!(fit("ベンチ車両", 8), "ベンチ…");
        assert_eq!(fit("bench NAC", 7), "bench…");
        assert_eq!(fit("abc", 0), "");
        for cells in 0..12 {
            assert!(of(&fit("ベンチ🚗 NAC", cells)) <= cells, "{cells}");
        }
    }

    #[test]
    fn fitting_from_the_end_keeps_the_end() {
        assert_eq!(fit_end("VF3ABCDEFGH123456", 17), "VF3ABCDEFGH123456");
        assert_eq!(fit_end("VF3ABCDEFGH123456", 8), "…H123456");
        assert_eq!(fit_end("ベンチ車両", 7), "…チ車両");
        assert_eq!(fit_end("ベンチ車両", 6), "…車両");
        assert_eq!(fit_end("abc", 0), "");
        for cells in 0..12 {
            assert!(of(&fit_end("ベンチ🚗 NAC", cells)) <= cells, "{cells}");
        }
    }

    #[test]
    fn padding_fills_exactly_the_cells_asked() {
        for text in ["", "NAC", "ベンチ車両", "🚗🚗🚗🚗🚗🚗", "a\u{301}bc"] {
            for cells in 0..14 {
                assert_eq!(of(&pad(text, cells)), cells, "{text:?} in {cells}");
                assert_eq!(of(&pad_left(text, cells)), cells, "{text:?} in {cells}");
            }
        }
        assert_eq!(pad_left("64B", 5), "  64B");
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_counts_cells() {
        assert_eq!(
            wrap("give --app-id ID or app-id", 12),
            ["give", "--app-id ID", "or app-id"]
        );
        assert_eq!(wrap("日本語 テキスト", 8), ["日本語", "テキスト"]);
        assert_eq!(wrap("", 8), Vec::<String>::new());
    }
}
