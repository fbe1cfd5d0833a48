//! Whose history is on the screen: the title names the account's
//! journal or the files' accounts, and labels vehicles by UID.

use super::*;

#[test]
fn the_title_names_the_accounts_journal_within_80_columns() {
    use crate::account::Account;
    use crate::tui::app::HistoryOf;
    let account = Account::new("iot-partners-preprod.mpsa.com", 8886, "PARTNER1");
    let app = app_configured(80, 24, 1000, |c| {
        c.header.history_of = HistoryOf::Journal(account.clone());
    });
    let shown = title(&app);
    assert!(
        shown.contains("─ journal PARTNER1@iot-partners-preprod.mpsa.com:8886"),
        "{shown}"
    );
    // With the production banner there is no room for all of it: the host
    // gives way, the login and the port stay.
    let app = app_configured(80, 24, 1000, |c| {
        c.header.history_of = HistoryOf::Journal(account.clone());
        c.rules.production = true;
    });
    let shown = title(&app);
    assert!(shown.contains("PRODUCTION"), "{shown}");
    assert!(shown.contains("journal PARTNER1@iot-"), "{shown}");
    assert!(shown.contains("…:8886"), "{shown}");
    let app = app_configured(80, 24, 1000, |c| {
        c.header.history_of = HistoryOf::NoJournal(account);
    });
    let shown = title(&app);
    assert!(
        shown.contains("PARTNER1@iot-partners-preprod.mpsa.com:8886 (no journal)"),
        "{shown}"
    );
}

#[test]
fn files_of_one_account_name_it_with_the_broker_their_directory_tells() {
    use crate::account::Account;
    use crate::tui::app::HistoryOf;
    let mut app = app_where(|c| {
        c.header.history_of = HistoryOf::Files(vec![Account::new("127.0.0.1", 1883, "PARTNER1")]);
    });
    load_lines(
        &mut app,
        &[line_of("PARTNER1", VIN_A), line_of("PARTNER1", VIN_B)],
    );
    let shown = screen(&app);
    assert!(
        shown.contains("─ files of PARTNER1@127.0.0.1:1883 ─ prefix"),
        "{shown}"
    );
    assert!(!shown.contains("accounts"), "{shown}");
    assert!(shown.contains("bench NAC"), "labels as they are:\n{shown}");
}

#[test]
fn files_of_two_accounts_say_so_and_label_each_vehicle_with_its_uid() {
    use crate::tui::app::HistoryOf;
    let mut app = app_where(|c| c.header.history_of = HistoryOf::Files(Vec::new()));
    load_lines(
        &mut app,
        &[
            line_of("PARTNER1", VIN_A),
            line_of("PARTNER2", VIN_B),
            line_of("PARTNER1", VIN_C),
            line_of("PARTNER2", VIN_C),
        ],
    );
    let shown = screen(&app);
    assert!(
        shown.contains("files of 2 accounts, vehicles labelled by UID: PARTNER1, PARTNER2"),
        "{shown}"
    );
    let row = |vin: &str| {
        shown
            .lines()
            .filter_map(|l| l.split("││").next())
            .find(|pane| pane.contains(vin))
            .unwrap_or_default()
            .to_owned()
    };
    // The label column is narrow: the UID leads, the fleet's label follows.
    assert!(row(VIN_A).contains("PARTNER1 · ben"), "{shown}");
    assert!(row(VIN_B).contains("PARTNER2"), "{shown}");
    assert!(!row(VIN_B).contains("PARTNER1"), "{shown}");
    assert!(
        row(VIN_C).contains("PARTNER1+PARTN"),
        "one VIN in both:\n{shown}"
    );
    // The vehicle filter finds an account's vehicles by its UID.
    filter_vehicles(&mut app, "partner2");
    let rows = app.vehicle_rows();
    assert_eq!(
        rows.len(),
        3,
        "all, and the two vehicles of PARTNER2: {rows:?}"
    );
    assert!(!rows.contains(&VehicleRow::Vehicle(vin(VIN_A))), "{rows:?}");
}

#[test]
fn a_narrow_title_names_every_account_of_the_files_and_cuts_with_an_ellipsis() {
    use crate::account::Account;
    use crate::tui::app::HistoryOf;
    let mut app = app_where(|c| {
        c.size = (80, 24);
        c.header.history_of = HistoryOf::Files(vec![
            Account::new("127.0.0.1", 18931, "ALICE"),
            Account::new("127.0.0.1", 18931, "BOB"),
        ]);
    });
    load_lines(&mut app, &[line_of("ALICE", VIN_A), line_of("BOB", VIN_B)]);
    let shown = title(&app);
    assert!(
        shown.contains("ALICE") && shown.contains("BOB"),
        "both accounts, the hosts giving way: {shown}"
    );
    let mut narrow = app_where(|c| c.size = (60, 20));
    update(&mut narrow, Msg::Resize(60, 20));
    let shown = title(&narrow);
    assert!(
        shown.trim_end().ends_with('…') || shown.contains("prefix psa/OVIPPartners-Dev"),
        "the prefix is whole or visibly cut: {shown:?}"
    );
}

#[test]
fn the_title_follows_the_journal_kept_elsewhere_then_taken_over() {
    use crate::account::Account;
    use crate::store::journal::KeptElsewhere;
    use crate::tui::app::{HistoryOf, JournalState};
    let account = Account::new("127.0.0.1", 1883, "PARTNER1");
    let mut app = app_configured(120, 24, 1000, |c| {
        c.header.history_of =
            HistoryOf::KeptElsewhere(account.clone(), KeptElsewhere { pid: Some(11) });
    });
    assert!(
        title(&app).contains("(journal kept by pid 11)"),
        "{}",
        title(&app)
    );
    // A console started since keeps it now.
    update(
        &mut app,
        Msg::Journal(JournalState::KeptElsewhere(KeptElsewhere { pid: Some(22) })),
    );
    assert!(
        title(&app).contains("(journal kept by pid 22)"),
        "{}",
        title(&app)
    );
    // It ended too: this console keeps the journal.
    update(
        &mut app,
        Msg::Journal(JournalState::Writing {
            dir: "journal".into(),
            unwritten: 0,
            error: None,
            writing_again: false,
        }),
    );
    let shown = title(&app);
    assert!(
        shown.contains("─ journal PARTNER1@127.0.0.1:1883") && !shown.contains("kept by"),
        "{shown}"
    );
}
