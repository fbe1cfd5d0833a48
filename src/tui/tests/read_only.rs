//! Consoles that must not publish (read-only, `open`) or must ask first
//! (production): no key publishes, the footer and help say so.

use super::*;

#[test]
fn a_production_profile_asks_before_every_publish() {
    let mut app = app_where(|c| c.rules.production = true);
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    assert_eq!(
        ctrl(&mut app, 's'),
        None,
        "nothing is sent before the answer"
    );
    assert!(matches!(app.modal(), Some(Modal::ConfirmPublish(_))));
    let shown = screen(&app);
    assert!(
        shown.contains("PRODUCTION: every publish asks first"),
        "{shown}"
    );
    assert!(shown.contains("on the PRODUCTION broker"), "{shown}");
    assert_eq!(key(&mut app, KeyCode::Char('n')), None);
    assert_eq!(app.modal(), None);
    assert!(status(&app).contains("cancelled"), "{}", status(&app));
    ctrl(&mut app, 's');
    let Some(Command::Publish(outgoing)) = key(&mut app, KeyCode::Char('y')) else {
        panic!("y publishes");
    };
    assert_eq!(outgoing.vin, vin(VIN_A));
}

#[test]
fn a_read_only_console_cannot_publish_by_any_key() {
    use ratatui::crossterm::event::KeyEvent;
    let mut app = app_where(|c| c.rules.read_only = true);
    select_vehicle(&mut app, VIN_A);
    assert!(screen(&app).contains("READ-ONLY"));
    for focus in [Focus::Vehicles, Focus::Log, Focus::Detail, Focus::Editor] {
        for binding in app.keys().clone().bindings() {
            for k in &binding.keys {
                focus_on(&mut app, focus);
                close_popup(&mut app);
                let command = update(&mut app, Msg::Key(KeyEvent::new(k.code, k.modifiers)));
                assert!(
                    !matches!(command, Some(Command::Publish(_))),
                    "{:?} in {focus:?} published",
                    binding.action
                );
            }
        }
    }
    focus_on(&mut app, Focus::Editor);
    close_popup(&mut app);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(status(&app).contains("read-only"), "{}", status(&app));
    set_editor(&mut app, "{");
    assert!(
        !app.editor().validation().problems.is_empty(),
        "the editor still validates"
    );
}

#[test]
fn a_read_only_console_offers_no_publishing_in_its_footer_or_help() {
    let mut app = app_where(|c| c.rules.read_only = true);
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    let shown = screen(&app);
    let footer = shown
        .lines()
        .nth(usize::from(app.size().1) - 1)
        .unwrap_or("");
    assert!(
        !footer.contains("Ctrl-S"),
        "footer offers publishing:\n{shown}"
    );
    assert!(footer.contains("read-only"), "{footer}");
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    let help = screen(&app);
    assert!(!help.contains("Ctrl-S"), "help offers publishing:\n{help}");
    assert!(help.contains("Read-only"), "{help}");
    key(&mut app, KeyCode::Esc);
    focus_on(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('?'));
    let help = screen(&app);
    assert!(
        !help.contains("Ctrl-S") && !help.contains("mark"),
        "no marking for a fleet publish either:\n{help}"
    );
    // A console that may publish still offers it.
    let mut app = crate::tui::testing::app();
    focus_on(&mut app, Focus::Editor);
    assert!(screen(&app).contains("Ctrl-S"));
}

#[test]
fn a_publish_from_open_says_there_is_no_broker_not_read_only_flag() {
    // What `open` sets up: files, no broker, read-only rules.
    let mut app = app_where(|c| c.rules.read_only = true);
    update(&mut app, Msg::Session(SessionEvent::Connected));
    update(&mut app, Msg::Offline);
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    let said = status(&app);
    assert!(said.contains("no broker"), "{said}");
    assert!(!said.contains("--read-only"), "{said}");
    // Each command line it suggests is one wpconsole accepts (it once said
    // `wpconsole console`, a command that does not exist).
    let why = app.read_only_reason().unwrap();
    let suggested: Vec<&str> = why
        .split('`')
        .filter(|part| part.starts_with("wpconsole "))
        .collect();
    assert!(!suggested.is_empty(), "{why}");
    for line in suggested {
        let parsed = <crate::cli::Cli as clap::Parser>::try_parse_from(line.split(' '));
        assert!(
            parsed.is_ok_and(|cli| cli.command.is_none()),
            "{line:?} opens the console"
        );
    }
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    assert!(screen(&app).contains("no broker"));
}

#[test]
fn a_read_only_production_console_does_not_promise_to_ask_before_publishing() {
    let app = app_where(|c| {
        c.rules.production = true;
        c.rules.read_only = true;
    });
    let shown = screen(&app);
    assert!(shown.contains("PRODUCTION READ-ONLY"), "{shown}");
    assert!(!shown.contains("every publish asks first"), "{shown}");
}

#[test]
fn marking_is_refused_where_nothing_can_be_published_and_the_notice_says_why() {
    let read_only = app_where(|c| c.rules.read_only = true);
    let mut offline = app();
    update(&mut offline, Msg::Offline);
    for (mut app, why) in [(read_only, "read-only"), (offline, "no broker")] {
        three_vehicles(&mut app);
        mark(&mut app, &vin(VIN_A));
        focus_on(&mut app, Focus::Vehicles);
        key(&mut app, KeyCode::Char('a'));
        assert!(
            app.vehicles().marked().is_empty(),
            "marks are for a fleet publish, which this console cannot do"
        );
        let notice = app.notice().map(|(_, t)| t.clone()).unwrap_or_default();
        assert!(
            notice.contains("marks are for a fleet publish") && notice.contains(why),
            "{notice}"
        );
    }
}
