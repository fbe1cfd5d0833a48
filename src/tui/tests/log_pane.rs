//! The log pane fills itself: while following it shows the newest rows
//! from its top border to its bottom one, whatever changed its length
//! (a vehicle, a kind, a search) or its height (a resize, a focus change
//! in a small terminal).

use super::*;

/// How many rows of the log pane have a message drawn in them.
fn drawn_log_rows(app: &super::super::App) -> usize {
    let Some(area) = app.areas().log else {
        return 0;
    };
    let buffer = buffer(app);
    (area.y + 1..area.y + area.height - 1)
        .filter(|y| {
            (area.x + 1..area.x + area.width - 1)
                .any(|x| buffer[(x, *y)].symbol() == "←" || buffer[(x, *y)].symbol() == "→")
        })
        .count()
}

fn log_rows(app: &super::super::App) -> usize {
    app.areas().log.map_or(0, |r| usize::from(r.height - 2))
}

/// 300 messages, taking turns between vehicles A and B.
fn busy_pair(app: &mut super::super::App) {
    for i in 0..300 {
        let who = if i % 2 == 0 { VIN_A } else { VIN_B };
        let payload = if i % 3 == 0 {
            action("unlock")
        } else {
            "plain text".to_owned()
        };
        receive(app, &to_topic(who), payload.as_bytes(), i * 10);
    }
}

#[test]
fn choosing_a_vehicle_fills_the_following_log_with_its_newest_rows() {
    let mut app = app();
    busy_pair(&mut app);
    select_vehicle(&mut app, VIN_B);
    assert_eq!(app.log_len(), 150);
    assert!(app.log.follow);
    let rows = log_rows(&app);
    assert_eq!(drawn_log_rows(&app), rows, "{}", screen(&app));
    receive(&mut app, &to_topic(VIN_B), b"one more", 5_000);
    assert_eq!(drawn_log_rows(&app), rows, "{}", screen(&app));
}

#[test]
fn the_kind_filter_and_its_end_fill_the_following_log() {
    let mut app = app();
    busy_pair(&mut app);
    app.focus = Focus::Log;
    let rows = log_rows(&app);
    for _ in 0..=app.history.kinds().len() {
        key(&mut app, KeyCode::Char('K'));
        assert_eq!(
            drawn_log_rows(&app),
            rows.min(app.log_len()),
            "kind {:?}: {}",
            app.log.filter.kind,
            screen(&app)
        );
    }
}

#[test]
fn a_search_fills_the_following_log() {
    let mut app = app();
    busy_pair(&mut app);
    app.focus = Focus::Log;
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "unlock");
    key(&mut app, KeyCode::Enter);
    finish_search(&mut app);
    assert_eq!(app.log_len(), 100);
    assert_eq!(drawn_log_rows(&app), log_rows(&app), "{}", screen(&app));
    key(&mut app, KeyCode::Esc);
    assert_eq!(drawn_log_rows(&app), log_rows(&app), "{}", screen(&app));
}

#[test]
fn shrinking_the_terminal_and_growing_it_back_fills_the_log_again() {
    let mut app = app();
    receive(&mut app, &to_topic(VIN_A), b"first", 0);
    receive(&mut app, &to_topic(VIN_A), b"second", 1_000);
    app.focus = Focus::Log;
    update(&mut app, Msg::Resize(20, 5));
    let _ = screen(&app);
    update(&mut app, Msg::Resize(160, 45));
    assert_eq!(drawn_log_rows(&app), 2, "{}", screen(&app));
    busy_pair(&mut app);
    update(&mut app, Msg::Resize(20, 5));
    update(&mut app, Msg::Resize(160, 45));
    assert_eq!(drawn_log_rows(&app), log_rows(&app), "{}", screen(&app));
}

#[test]
fn the_log_fills_the_pane_it_gets_when_focus_moves_in_a_small_terminal() {
    // Below the full layout only the focused pane shows: the log's height
    // is known only once it has the focus.
    let mut app = app_with(80, 24, 10_000);
    busy_pair(&mut app);
    select_vehicle(&mut app, VIN_A);
    assert_eq!(app.areas().log, None);
    app.focus = Focus::Log;
    assert_eq!(drawn_log_rows(&app), log_rows(&app), "{}", screen(&app));
}

#[test]
fn a_paused_log_keeps_its_selection_and_fills_the_pane() {
    let mut app = app();
    busy_pair(&mut app);
    app.focus = Focus::Log;
    key(&mut app, KeyCode::Up);
    let held = app.log.selected;
    update(&mut app, Msg::Resize(20, 5));
    update(&mut app, Msg::Resize(160, 45));
    assert_eq!(app.log.selected, held);
    assert_eq!(drawn_log_rows(&app), log_rows(&app), "{}", screen(&app));
    assert!(screen(&app).contains("PAUSED"));
}
