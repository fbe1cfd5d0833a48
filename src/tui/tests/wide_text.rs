//! Wide text (CJK, emoji) in labels and payloads: every pane counts
//! terminal cells, not characters, so rows stay in line and nothing runs
//! past a column or a pane's edge.

use super::*;

const WIDE_LABEL: &str = "ベンチ車両🚗";

/// The first column (x) of row `y` where `needle` is drawn, read as the
/// terminal shows it (a wide character hides the cell after it).
fn x_of(buffer: &ratatui::buffer::Buffer, y: u16, needle: &str) -> Option<u16> {
    let area = buffer.area;
    (area.x..area.right()).find(|&x| {
        let mut drawn = String::new();
        let mut at = x;
        while drawn.len() < needle.len() && at < area.right() {
            let symbol = buffer[(at, y)].symbol();
            drawn.push_str(symbol);
            at += u16::try_from(super::super::width::of(symbol).max(1)).unwrap();
        }
        drawn.starts_with(needle)
    })
}

/// The screen row (y) where `needle` is drawn first, at or below `from`.
fn y_of(buffer: &ratatui::buffer::Buffer, from: u16, needle: &str) -> u16 {
    (from..buffer.area.bottom())
        .find(|&y| x_of(buffer, y, needle).is_some())
        .unwrap_or_else(|| panic!("{needle:?} is not on the screen"))
}

/// Vehicle A labelled in ASCII, vehicle B in Japanese with an emoji; each
/// sent one action, B a text in Japanese too.
fn wide_fleet(app: &mut super::super::App) {
    receive(app, &to_topic(VIN_A), action("unlock").as_bytes(), 0);
    receive(app, &to_topic(VIN_B), action("unlock").as_bytes(), 1_000);
    receive(
        app,
        &to_topic(VIN_B),
        "車両のドアが開いています🚪。確認してください。"
            .repeat(4)
            .as_bytes(),
        2_000,
    );
    app.history_mut()
        .vehicles
        .get_mut(&Vin::parse(VIN_B).unwrap())
        .unwrap()
        .label = Some(WIDE_LABEL.into());
}

#[test]
fn a_wide_label_keeps_the_log_columns_in_line() {
    let mut app = app();
    wide_fleet(&mut app);
    let buffer = buffer(&app);
    let log = app.areas().log.unwrap();
    let ascii = y_of(&buffer, log.y, "bench NAC");
    let wide = y_of(&buffer, log.y, "ベ");
    let kind_at = |y| x_of(&buffer, y, "content");
    assert!(kind_at(ascii).is_some(), "{}", screen(&app));
    assert_eq!(kind_at(ascii), kind_at(wide), "{}", screen(&app));
}

#[test]
fn a_wide_label_keeps_the_vehicle_columns_in_line() {
    let mut app = app();
    wide_fleet(&mut app);
    let buffer = buffer(&app);
    let vehicles = app.areas().vehicles.unwrap();
    let ascii = y_of(&buffer, vehicles.y, "VF3ABCDEFGH123456");
    let wide = y_of(&buffer, vehicles.y, "ZFA1234567890ABCD");
    let rx_at = |y| x_of(&buffer, y, "rx ");
    assert!(rx_at(ascii).is_some(), "{}", screen(&app));
    assert_eq!(rx_at(ascii), rx_at(wide), "{}", screen(&app));
    assert!(screen(&app).contains(WIDE_LABEL), "{}", screen(&app));
}

#[test]
fn a_wide_payload_wraps_in_the_detail_pane_without_losing_a_character() {
    let mut app = app();
    wide_fleet(&mut app);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Enter);
    let text = screen(&app);
    let detail = app.areas().detail.unwrap();
    let shown: usize = text
        .lines()
        .skip(usize::from(detail.y))
        .take(usize::from(detail.height))
        .map(|line| line.matches('🚪').count())
        .sum();
    assert_eq!(shown, 4, "{text}");
}

#[test]
fn a_wide_payload_preview_is_cut_at_the_log_edge_with_an_ellipsis() {
    let mut app = app();
    wide_fleet(&mut app);
    let buffer = buffer(&app);
    let log = app.areas().log.unwrap();
    let y = y_of(&buffer, log.y, "車両のドア");
    // The last cell inside the border, or the one before it when a wide
    // character did not fit in the last one.
    let right = log.right() - 2;
    let ends = [buffer[(right, y)].symbol(), buffer[(right - 1, y)].symbol()];
    assert!(ends.contains(&"…"), "{ends:?}\n{}", screen(&app));
}
