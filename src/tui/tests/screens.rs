//! Whole screens at the sizes of a laptop split and a small terminal
//! (80x24, 60x20), each pane focused in turn and with the help open, with
//! wide characters (Japanese, emoji) in labels and payloads.

use super::*;

/// Vehicle B labelled in Japanese with an emoji; traffic of three
/// vehicles, B's last message a Japanese text, then a minute's quiet.
fn wide_traffic(app: &mut super::super::App) {
    receive(app, &to_topic(VIN_A), action("unlock").as_bytes(), 0);
    receive(app, &to_topic(VIN_B), action("climateOn").as_bytes(), 1_000);
    receive(app, &to_topic(VIN_C), "debug: 🔋 82%".as_bytes(), 2_000);
    receive(
        app,
        &to_topic(VIN_B),
        r#"{"content":{"type":"action","action":"表示","params":{"text":"ドアが開いています🚪"}}}"#
            .as_bytes(),
        3_000,
    );
    receive(
        app,
        &to_topic(VIN_B),
        "車両のドアが開いています。確認してください。".as_bytes(),
        4_000,
    );
    app.history_mut()
        .vehicles
        .get_mut(&Vin::parse(VIN_B).unwrap())
        .unwrap()
        .label = Some("ベンチ車両🚗".into());
    update(app, Msg::Tick(t0() + chrono::Duration::seconds(75)));
}

/// The screen at `size` with `focus`, the log's second-to-last message
/// open in the detail pane.
fn shown(size: (u16, u16), focus: Focus) -> super::super::App {
    let mut app = app_with(size.0, size.1, 1_000);
    wide_traffic(&mut app);
    select_vehicle(&mut app, VIN_B);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Enter);
    focus_on(&mut app, focus);
    app
}

#[test]
fn snapshot_every_pane_at_80x24_and_60x20() {
    for size in [(80, 24), (60, 20)] {
        for focus in [Focus::Vehicles, Focus::Log, Focus::Detail, Focus::Editor] {
            let app = shown(size, focus);
            insta::assert_snapshot!(
                format!("{}x{}_{focus:?}", size.0, size.1).to_lowercase(),
                screen(&app)
            );
        }
    }
}

#[test]
fn snapshot_help_over_the_log_at_80x24_and_60x20() {
    for size in [(80, 24), (60, 20)] {
        let mut app = shown(size, Focus::Log);
        key(&mut app, KeyCode::Char('?'));
        insta::assert_snapshot!(format!("{}x{}_help", size.0, size.1), screen(&app));
    }
}

#[test]
fn a_detail_opened_from_the_log_in_a_small_terminal_wraps_to_its_pane() {
    // Below the full layout the detail pane shows only once it has the
    // focus: its lines are wrapped to the width it gets then.
    let app = shown((60, 20), Focus::Detail);
    let inner = usize::from(app.areas().detail.unwrap().width - 2);
    let widest = app
        .detail()
        .lines()
        .iter()
        .map(|line| {
            line.iter()
                .map(|(_, t)| super::super::width::of(t))
                .sum::<usize>()
        })
        .max()
        .unwrap();
    assert!(widest <= inner, "{widest} > {inner}\n{}", screen(&app));
    assert!(screen(&app).contains("│7890ABCD/ "), "{}", screen(&app));
}

#[test]
fn a_narrow_footer_keeps_the_help_key_and_cuts_no_hint() {
    for size in [(80, 24), (60, 20), (40, 12)] {
        for pane in [Focus::Vehicles, Focus::Log, Focus::Detail, Focus::Editor] {
            let app = shown(size, pane);
            let shown = screen(&app);
            let footer = shown.lines().last().unwrap().trim_matches('"').trim_end();
            assert!(
                footer.contains("? help"),
                "{size:?} {pane:?}: no way to the help in {footer:?}"
            );
            let hints = app.keys().hints(pane.scope(), app.offer());
            assert!(
                hints.iter().any(|(_, hint)| footer.ends_with(hint))
                    || footer.ends_with("help (outside the editor)"),
                "{size:?} {pane:?}: a hint is cut: {footer:?}"
            );
        }
    }
}

#[test]
fn a_narrow_editor_meter_shortens_its_words_and_bar_instead_of_cutting_them() {
    let meter = |size| {
        let shown = screen(&shown(size, Focus::Editor));
        shown
            .lines()
            .find(|line| line.contains(" / 131,072 B"))
            .unwrap_or_else(|| panic!("no meter:\n{shown}"))
            .trim_matches('"')
            .trim_end_matches('│')
            .trim_end()
            .to_owned()
    };
    let narrow = meter((60, 20));
    assert!(narrow.ends_with("0.1%  tracked  resolved"), "{narrow}");
    let small = meter((40, 12));
    assert!(small.ends_with("0.1%  tracked"), "{small}");
    let app = shown((160, 45), Focus::Editor);
    assert!(screen(&app).contains("[█···················] 0.1%  tracked  placeholders resolved"));
}
