//! `wpconsole open`: the console on journals or `tail --json` captures,
//! with no broker: browse, filter, detail, copy, reply, export.

use super::settings::Settings;
use super::{CliError, GlobalArgs, exit};
use crate::account::Account;
use crate::domain::TopicScheme;
use crate::tui::editor::builtin_templates;
use crate::tui::theme::Theme;
use crate::tui::{
    App, AppConfig,
    app::{Header, HistoryOf},
};
use clap::Args;
use std::path::PathBuf;

/// Open journals or captures in the console, offline.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  wpconsole open journal/iot-partners-preprod.mpsa.com_8886/PARTNER1/2026-11-24.jsonl\n  wpconsole tail --json > capture.jsonl; wpconsole open capture.jsonl\n\nThe title bar names the account of the files: the UID from the records' topics, the broker\nfrom the directory of the per-account layout (host_port/UID/). Files of several accounts\nare said to be so, and each vehicle is labelled with its UID. Files are indexed in the\nbackground with a progress bar in the status bar; payloads stay in the files and are read\nback when shown. Nothing can be published."
)]
pub struct OpenArgs {
    /// Journal files or `tail --json` captures.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

pub async fn run(global: &GlobalArgs, args: &OpenArgs) -> Result<u8, CliError> {
    for file in &args.files {
        std::fs::metadata(file)
            .map_err(|err| CliError::usage(format!("cannot open {}: {err}", file.display())))?;
    }
    // The config's mistakes (a [keys] that cannot work) come first: they
    // are what to fix whether or not there is a terminal.
    let settings = Settings::resolve(global)?;
    let keys = super::console::key_table(&settings)?;
    super::no_console_without_a_terminal()?;
    let uid = settings.uid.clone().unwrap_or_else(|| "offline".to_owned());
    let topics = TopicScheme::new(&settings.prefix, &uid, settings.trailing_slash)
        .map_err(CliError::usage)?;
    let names = file_names(&args.files);
    let app = App::new(AppConfig {
        header: Header {
            profile: settings.profile_name.clone(),
            broker: format!("files: {}", names.join(", ")),
            demo: false,
            uid: topics.uid.clone(),
            insecure: false,
            // The accounts the files' directories name; the UIDs their
            // records name are added as they are read.
            history_of: HistoryOf::Files(file_accounts(&args.files)),
        },
        rules: crate::domain::outbound::OutboundRules {
            app_id: settings.app_id.clone(),
            size_limit: settings.size_limit,
            tracking: settings.tracking.clone(),
            // Files: nothing can be published.
            read_only: true,
            ..crate::domain::outbound::OutboundRules::new(topics)
        },
        fleet: super::console::configured_fleet(&settings),
        slots_in_memory: crate::store::DEFAULT_IN_MEMORY,
        templates: builtin_templates(),
        offset: *chrono::Local::now().offset(),
        now: chrono::Utc::now(),
        size: (80, 24),
        no_color: !Theme::from_env().color,
    })
    .with_keys(keys);
    crate::tui::run::run(
        app,
        crate::tui::run::Source::Files(args.files.clone()),
        crate::tui::run::StartingJournal::None,
    )
    .await
    .map_err(|err| CliError::usage(format!("the console stopped: {err}")))?;
    Ok(exit::OK)
}

/// The files as the status bar names them: by file name, and where two
/// names are equal (two accounts' journals of one day), by account too
/// (`UID/2026-11-29.jsonl`, the UID from the per-account layout, or else
/// the directory the file lies in).
fn file_names(files: &[PathBuf]) -> Vec<String> {
    let name = |file: &PathBuf| {
        file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let names: Vec<String> = files.iter().map(name).collect();
    files
        .iter()
        .zip(&names)
        .map(|(file, short)| {
            if names.iter().filter(|n| *n == short).count() < 2 {
                return short.clone();
            }
            let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
            let whose = Account::of_journal_file(&path)
                .map(|account| account.uid)
                .or_else(|| {
                    path.parent()
                        .and_then(|dir| dir.file_name())
                        .map(|dir| dir.to_string_lossy().into_owned())
                });
            whose.map_or_else(|| short.clone(), |whose| format!("{whose}/{short}"))
        })
        .collect()
}

/// The accounts the files' directories name (`host_port/UID/day.jsonl`),
/// each once.
fn file_accounts(files: &[PathBuf]) -> Vec<Account> {
    let mut accounts = Vec::new();
    for file in files {
        let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
        if let Some(account) = Account::of_journal_file(&path)
            && !accounts.contains(&account)
        {
            accounts.push(account);
        }
    }
    accounts
}

#[cfg(test)]
mod tests {
    use super::file_names;
    use std::path::PathBuf;

    #[test]
    fn equal_file_names_are_told_apart_by_account() {
        let root = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for uid in ["PARTNER1", "PARTNER2"] {
            let dir = root.path().join("127.0.0.1_8886").join(uid);
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join("2026-11-29.jsonl");
            std::fs::write(&file, "").unwrap();
            files.push(file);
        }
        files.push(PathBuf::from("capture.jsonl"));
        assert_eq!(
            file_names(&files),
            [
                "PARTNER1/2026-11-29.jsonl",
                "PARTNER2/2026-11-29.jsonl",
                "capture.jsonl"
            ]
        );
    }
}
