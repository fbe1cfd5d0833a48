//! The mouse (a click focuses and selects, the wheel scrolls the pane
//! under it) and terminal sizes (compact layout, tiny sizes, no colour).

use super::*;

#[test]
fn a_mouse_click_focuses_and_selects() {
    let mut app = app();
    three_vehicles(&mut app);
    let log = app.areas().log.unwrap();
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: log.x + 5,
            row: log.y + 1,
            modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.focus(), Focus::Log);
    assert_eq!(app.log().selected(), Some(0));
    assert!(!app.log().follows());
    let vehicles = app.areas().vehicles.unwrap();
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: vehicles.x + 3,
            row: vehicles.y + 2,
            modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.focus(), Focus::Vehicles);
    assert_eq!(
        app.log().filter().vehicle,
        VehicleFilter::Vehicle(vin(VIN_B))
    );
}

#[test]
fn tiny_and_odd_terminal_sizes_never_panic() {
    for (w, h) in [(1, 1), (10, 3), (40, 12), (99, 23), (100, 24), (300, 100)] {
        let mut app = app_with(w, h, 100);
        three_vehicles(&mut app);
        for focus in [Focus::Vehicles, Focus::Log, Focus::Detail, Focus::Editor] {
            focus_on(&mut app, focus);
            let _ = screen(&app);
        }
        key(&mut app, KeyCode::Char('?'));
        let _ = screen(&app);
    }
}

#[test]
fn no_color_draws_without_colours_and_colour_is_used_otherwise() {
    use ratatui::style::Color;
    let mut plain = app();
    three_vehicles(&mut plain);
    let coloured_cells = |buffer: &ratatui::buffer::Buffer| {
        buffer
            .content()
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count()
    };
    assert_eq!(
        coloured_cells(&buffer(&plain)),
        0,
        "NO_COLOR: no colour at all"
    );
    let mut coloured = app_configured(160, 45, 100_000, |c| c.no_color = false);
    three_vehicles(&mut coloured);
    assert!(coloured_cells(&buffer(&coloured)) > 0);
}

#[test]
fn the_mouse_wheel_scrolls_the_pane_under_it() {
    let mut app = app();
    for n in 0..20 {
        receive(
            &mut app,
            &to_topic(VIN_A),
            format!("{{\"n\":{n}}}").as_bytes(),
            n,
        );
    }
    let log = app.areas().log.unwrap();
    focus_on(&mut app, Focus::Editor);
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollUp,
            column: log.x + 5,
            row: log.y + 3,
            modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
        }),
    );
    assert_eq!(
        app.log().selected(),
        Some(16),
        "three rows up from the newest"
    );
    assert!(!app.log().follows());
    assert_eq!(
        app.focus(),
        Focus::Editor,
        "scrolling does not take the focus"
    );
}

#[test]
fn a_resize_moves_to_the_compact_layout_and_back() {
    let mut app = app();
    three_vehicles(&mut app);
    update(&mut app, Msg::Resize(40, 12));
    assert!(app.areas().vehicles.is_none() && app.areas().log.is_some());
    let small = screen(&app);
    assert!(small.contains("rx 4"), "{small}");
    update(&mut app, Msg::Resize(160, 45));
    assert!(app.areas().vehicles.is_some() && app.areas().detail.is_some());
    assert!(
        !app.detail().lines().is_empty(),
        "the detail is drawn again for the new width"
    );
}
