//! `wpconsole` with no command: the interactive console.

use super::settings::{AccountJournal, Settings};
use super::{CliError, exit};
use crate::domain::Vin;
use crate::mqtt::session::{Backoff, SessionOptions};
use crate::mqtt::{ConnectionSettings, Overflow};
use crate::store::journal::{Journal, JournalConfig};
use crate::tui::editor::StatusLevel;
use crate::tui::editor::{builtin_templates, user_templates};
use crate::tui::keys::KeyTable;
use crate::tui::run::StartingJournal;
use crate::tui::theme::Theme;
use crate::tui::{
    App, AppConfig,
    app::{Header, HistoryOf, JournalState},
};

/// The templates offered, the editor starting from the first: with a
/// catalog its actions come first (the built-in data action is one no
/// catalog knows, a warning on the first screen), then the built-in ones,
/// then the user's.
fn templates(
    catalog: Option<&crate::domain::catalog::Catalog>,
    user_dir: Option<&std::path::Path>,
) -> Vec<crate::tui::editor::Template> {
    let mut templates = catalog.map_or_else(Vec::new, crate::tui::editor::catalog_templates);
    templates.extend(builtin_templates());
    if let Some(dir) = user_dir {
        templates.extend(user_templates(dir));
    }
    templates
}

/// Where user templates are read from.
pub fn templates_dir() -> Option<std::path::PathBuf> {
    dirs::config_dir().map(|d| d.join("wpconsole").join("templates"))
}

/// The console's keys: the defaults with the config file's `[keys]`
/// applied, or the refusal that names what to change and where.
pub fn key_table(settings: &Settings) -> Result<KeyTable, CliError> {
    let Some((path, keys)) = &settings.keys else {
        return Ok(KeyTable::default());
    };
    KeyTable::rebound(keys).map_err(|err| CliError::usage(format!("{}: {err}", path.display())))
}

/// Runs the console with resolved settings; `demo` labels it DEMO.
pub async fn run(
    settings: &Settings,
    connection: ConnectionSettings,
    fleet: Vec<(Vin, Option<String>)>,
    demo: bool,
    global: &super::GlobalArgs,
) -> Result<u8, CliError> {
    let keys = key_table(settings)?;
    let topics = settings.topics()?;
    // A rule that does not parse stops the start, naming the profile,
    // the rule and the column (the one loader `wpconsole watch` uses too).
    let watch = settings.watch_rules()?;
    // One account's history is its own: the journal of this broker and UID.
    let journal = settings.journal()?;
    // One writer per account journal: a second console on the account
    // shows its history and live traffic and writes none of it until the
    // first ends.
    let writer = journal
        .as_ref()
        .map(|journal| Journal::open(JournalConfig::new(journal.dir.clone())))
        .transpose();
    let history_of = match (&journal, &writer) {
        (Some(journal), Ok(_)) => HistoryOf::Journal(journal.account.clone()),
        (Some(journal), Err(kept)) => {
            HistoryOf::KeptElsewhere(journal.account.clone(), kept.clone())
        }
        (None, _) => HistoryOf::NoJournal(settings.account()?),
    };
    let options = connection.mqtt_options().map_err(CliError::usage)?;
    // The demo fleet's app has a catalog of its own.
    let catalog = match settings.catalog()? {
        Some(catalog) => Some(catalog),
        None if demo => Some(crate::domain::catalog::Catalog::demo()),
        None => None,
    };
    let templates = templates(catalog.as_ref(), templates_dir().as_deref());
    let mut app = App::new(AppConfig {
        rules: settings.outbound_rules(catalog)?,
        header: Header {
            profile: settings.profile_name.clone(),
            broker: connection.broker.to_string(),
            demo,
            uid: topics.uid.clone(),
            insecure: settings.tls.insecure,
            history_of,
        },
        fleet,
        slots_in_memory: crate::store::DEFAULT_IN_MEMORY,
        templates,
        offset: *chrono::Local::now().offset(),
        now: chrono::Utc::now(),
        size: (80, 24),
        no_color: !Theme::from_env().color,
    })
    .with_keys(keys)
    .with_cache_bytes(global.options.cache_mb.saturating_mul(1024 * 1024))
    .with_track_timeout(settings.track_timeout)
    .with_certificate(connection.expiry.clone());
    // `W` saves watch rules in the profile the console runs with.
    if let Some(profile) = &settings.profile_name
        && !settings.config_path.as_os_str().is_empty()
    {
        app = app.with_rules_file(settings.config_path.clone(), profile.clone());
    }
    let session = SessionOptions {
        subscriptions: vec![topics.to_filter()],
        // 16,384 messages (about 11 MB at 600 B) absorb a burst; past that the
        // session waits and TCP holds the rest at the broker.
        capacity: 16_384,
        // Below one keep-alive (1 s at the least): pings are never late.
        overflow: Overflow::DropAfter(std::time::Duration::from_millis(250)),
        backoff: Backoff::default(),
        authority: connection.broker.authority(),
        password_source: connection.password_source.clone(),
        uid: connection.uid.clone(),
    };
    // Journals of the old flat layout are no account's history: said once,
    // with where they are.
    if let Some(notice) = journal.as_ref().and_then(AccountJournal::old_layout_notice) {
        crate::tui::update(&mut app, crate::tui::Msg::Notice(StatusLevel::Info, notice));
    }
    let history = match (&journal, global.options.fresh.unwrap_or(false)) {
        (Some(journal), false) => journal.last_days(settings.history_days),
        _ => Vec::new(),
    };
    let journal = match (writer, &journal) {
        (Ok(Some(writer)), _) => StartingJournal::Kept(writer),
        (Ok(None), _) | (Err(_), None) => StartingJournal::None,
        // Taken over when the console that keeps it ends.
        (Err(kept), Some(journal)) => {
            crate::tui::update(
                &mut app,
                crate::tui::Msg::Journal(JournalState::KeptElsewhere(kept)),
            );
            StartingJournal::KeptElsewhere(JournalConfig::new(journal.dir.clone()))
        }
    };
    crate::tui::run::run(
        app,
        crate::tui::run::Source::Broker {
            options: Box::new(options),
            session: Box::new(session),
            popups: settings.popup_ledger(),
            // The last days of the account's journal (the loader merges
            // them in time order), unless asked to start empty.
            history,
            watch: watch.into_boxed_slice(),
        },
        journal,
    )
    .await
    .map_err(|err| CliError::usage(format!("the console stopped: {err}")))?;
    Ok(exit::OK)
}

/// The fleet of the profile, as (VIN, label) pairs.
pub fn configured_fleet(settings: &Settings) -> Vec<(Vin, Option<String>)> {
    settings
        .fleet
        .iter()
        .filter_map(|entry| {
            Vin::parse(&entry.vin)
                .ok()
                .map(|vin| (vin, entry.label.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::templates;
    use crate::domain::catalog::Catalog;
    use crate::domain::outbound::OutboundRules;
    use crate::domain::{TopicScheme, Vin};

    #[cfg(feature = "demo")]
    #[test]
    fn the_demo_editor_starts_from_an_action_its_catalog_knows() {
        use crate::sim::{DEMO_APP_ID, DEMO_UID};
        let catalog = Catalog::demo();
        let first = templates(Some(&catalog), None).remove(0);
        let topics = TopicScheme::new(crate::domain::DEFAULT_PREFIX, DEMO_UID, true).unwrap();
        let rules = OutboundRules {
            app_id: Some(DEMO_APP_ID.into()),
            catalog: Some(std::sync::Arc::new(catalog)),
            ..OutboundRules::new(topics)
        };
        let vin = Vin::parse("VF3ABCDEFGH123456").unwrap();
        let (_, validation) = rules.validate(&first.text, &vin);
        assert!(
            validation.problems.is_empty(),
            "{}: {:?}",
            first.name,
            validation.problems
        );
    }

    #[test]
    fn without_a_catalog_the_editor_starts_from_the_built_in_data_action() {
        assert_eq!(templates(None, None)[0].name, "data action");
    }
}
