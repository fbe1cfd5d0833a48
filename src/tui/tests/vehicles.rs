//! The vehicle list: what it counts, its cursor by identity, silence,
//! choosing a vehicle, marks, and the order it holds while focused.

use super::*;

#[test]
fn traffic_from_three_vehicles_lists_them_and_counts_it() {
    let mut app = app();
    three_vehicles(&mut app);
    assert_eq!(app.history().rx, 4);
    let rows = app.vehicle_rows();
    assert_eq!(rows.len(), 4, "all + 3 vehicles: {rows:?}");
    assert_eq!(
        rows[1],
        VehicleRow::Vehicle(vin(VIN_B)),
        "most recently seen first"
    );
    key(&mut app, KeyCode::Tab);
    focus_on(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('s'));
    let by_label = app.vehicle_rows();
    assert_eq!(
        by_label[1],
        VehicleRow::Vehicle(vin(VIN_A)),
        "labelled vehicles first when sorted by label"
    );
}

#[test]
fn the_cursor_stays_on_its_vehicle_when_the_list_reorders() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    let chosen = app.vehicles().selected().clone();
    receive(&mut app, &to_topic(VIN_A), b"{}", 80_000);
    assert_eq!(*app.vehicles().selected(), chosen);
}

#[test]
fn vehicles_silent_too_long_are_marked() {
    let mut app = app();
    three_vehicles(&mut app);
    let a = app.history().vehicles[&vin(VIN_A)].last_seen;
    assert!(is_silent(&app, a), "75 s without a word");
    receive(&mut app, &to_topic(VIN_A), b"{}", 74_000);
    assert!(!is_silent(
        &app,
        app.history().vehicles[&vin(VIN_A)].last_seen
    ));
}

#[test]
fn selecting_a_vehicle_filters_the_log_and_targets_the_editor() {
    let mut app = app();
    three_vehicles(&mut app);
    select_vehicle(&mut app, VIN_B);
    assert_eq!(
        app.log().filter().vehicle,
        VehicleFilter::Vehicle(vin(VIN_B))
    );
    assert_eq!(app.log_len(), 2);
    assert_eq!(app.editor().target(), Some(&vin(VIN_B)));
    receive(&mut app, &to_topic(VIN_A), b"{}", 90_000);
    assert_eq!(app.log_len(), 2, "other vehicles stay out");
    receive(&mut app, &to_topic(VIN_B), b"{}", 91_000);
    assert_eq!(app.log_len(), 3);
    cursor_to(&mut app, &VehicleRow::All);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.log_len(), 6, "all vehicles removes the filter");
}

#[test]
fn unrecognised_topics_are_grouped_not_lost() {
    let mut app = app();
    receive(&mut app, "somewhere/else", b"x", 0);
    receive(&mut app, &to_topic("NOT-A-VIN"), b"y", 1);
    assert_eq!(app.history().unrecognised, 2);
    assert_eq!(app.vehicle_rows().last(), Some(&VehicleRow::Unrecognised));
    focus_on(&mut app, Focus::Vehicles);
    cursor_to(&mut app, &VehicleRow::Unrecognised);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.log_len(), 2);
}

#[test]
fn the_vehicle_list_holds_still_while_it_has_the_focus() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('j'));
    let before = app.vehicle_rows();
    let under_cursor = app.vehicles().selected().clone();
    // The vehicle at the bottom talks: by last seen it would go to the top.
    let Some(VehicleRow::Vehicle(last)) = before.last().cloned() else {
        panic!("rows: {before:?}");
    };
    receive(
        &mut app,
        &to_topic(last.as_str()),
        br#"{"content":{}}"#,
        60_000,
    );
    assert_eq!(
        app.vehicle_rows(),
        before,
        "no row slides while the pane is focused"
    );
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        *app.vehicles().selected(),
        before[app.vehicles().cursor(&before)].clone(),
        "j moves to the row that was shown below"
    );
    assert_ne!(*app.vehicles().selected(), under_cursor);
    // Leaving the pane: the sort applies again.
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.vehicle_rows()[1], VehicleRow::Vehicle(last.clone()));
    // A vehicle never seen before, while focused, comes last.
    focus_on(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('k'));
    receive(
        &mut app,
        &to_topic("VR3ABCDEFGH123456"),
        br#"{"content":{}}"#,
        61_000,
    );
    assert_eq!(
        app.vehicle_rows().last(),
        Some(&VehicleRow::Vehicle(vin("VR3ABCDEFGH123456")))
    );
}

#[test]
fn mark_all_and_none_are_keys_of_the_vehicles_pane_shown_in_its_footer() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Vehicles);
    let shown = screen(&app);
    assert!(shown.contains("Space mark  a all  n none"), "{shown}");
    // At 80 columns the footer still ends with the way to the help.
    update(&mut app, Msg::Resize(80, 24));
    let shown = screen(&app);
    assert!(
        shown.lines().last().unwrap_or("").contains("? help"),
        "{shown}"
    );
    update(&mut app, Msg::Resize(160, 45));
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(
        app.vehicles().marked(),
        &[vin(VIN_A), vin(VIN_B), vin(VIN_C)].into_iter().collect()
    );
    key(&mut app, KeyCode::Char('n'));
    assert!(app.vehicles().marked().is_empty());
    // Mark all keeps to the vehicles the filter lists.
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, VIN_C);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.vehicles().marked(), &[vin(VIN_C)].into_iter().collect());
}

#[test]
fn the_vehicle_list_holds_still_after_its_filter_is_cleared() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('/'));
    for c in "VF3".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    assert!(app.vehicles().filter().is_empty());
    let before = app.vehicle_rows();
    let Some(VehicleRow::Vehicle(last)) = before.last().cloned() else {
        panic!("rows: {before:?}");
    };
    receive(
        &mut app,
        &to_topic(last.as_str()),
        br#"{"content":{}}"#,
        60_000,
    );
    assert_eq!(
        app.vehicle_rows(),
        before,
        "the rows the filter had hidden hold still too"
    );
}

#[test]
fn the_vehicle_count_counts_vehicles_not_the_unrecognised_group() {
    let mut app = app();
    receive(&mut app, &to_topic(VIN_B), b"{}", 100);
    receive(
        &mut app,
        "psa/OVIPPartners-Dev/to/uid/PARTNER1/weird/topic",
        b"{}",
        200,
    );
    let screen = screen(&app);
    // VIN_A is in the fleet, VIN_B talked: two vehicles.
    assert!(screen.contains("Vehicles (2)"), "{screen}");
}

#[test]
fn files_read_offline_mark_no_vehicle_silent() {
    // `open` of yesterday's journal: every vehicle's last word is hours
    // old, which says nothing about now.
    let mut app = app();
    update(&mut app, Msg::Offline);
    three_vehicles(&mut app);
    update(&mut app, Msg::Tick(t0() + chrono::Duration::hours(12)));
    let row = vehicle_row(&app, VIN_A);
    assert!(!row.contains('!'), "{row}");
}

#[test]
fn space_on_all_vehicles_says_what_marks() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Vehicles);
    cursor_to(&mut app, &VehicleRow::All);
    key(&mut app, KeyCode::Char(' '));
    assert!(app.vehicles().marked().is_empty());
    let said = screen(&app);
    assert!(said.contains("no mark: Space marks one vehicle"), "{said}");
}
