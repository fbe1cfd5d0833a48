//! Carrying out what `update` asks: publishing (the popup ledger
//! reserved first, the log's entry journaled after), copying, exporting,
//! retrying a login. Every outcome goes back to `App` as a `Msg`.

use crate::domain::MessageKind;
use crate::domain::record::json_line;
use crate::mqtt::Session;
use crate::store::Place;
use crate::store::journal::Journal;
use crate::store::popups::PopupLedgerFile;
use crate::tui::app::{App, Command, Msg, Outgoing};
use crate::tui::editor::StatusLevel;
use crate::tui::update;
use base64::Engine as _;
use chrono::Utc;
use std::io::Write as _;
use tokio::sync::mpsc;

/// Where a publish goes and what it leaves behind.
pub(super) struct Outlet<'a> {
    pub session: Option<&'a Session>,
    pub popups: Option<&'a PopupLedgerFile>,
    pub journal: Option<&'a Journal>,
}

pub(super) fn carry_out(
    app: &mut App,
    out: &Outlet<'_>,
    command: Command,
    results: &mpsc::UnboundedSender<Msg>,
) {
    match command {
        Command::Publish(outgoing) => {
            // What became of it is in the app already (a row, a status).
            let _ = publish_one(app, out, outgoing);
        }
        Command::PublishMany(outgoings) => {
            let mut sent = Vec::new();
            let mut refused = Vec::new();
            for outgoing in outgoings {
                let vin = outgoing.vin.clone();
                match publish_one(app, out, outgoing) {
                    Ok(()) => sent.push(vin),
                    Err(why) => refused.push((vin, why)),
                }
            }
            update(app, Msg::PublishedToFleet { sent, refused });
        }
        Command::SaveRule(save) => {
            let said = match crate::config::watch_rule::add_watch_rule(
                &save.path,
                &save.profile,
                &save.rule,
            ) {
                Ok(()) => (
                    StatusLevel::Success,
                    format!(
                        "rule {:?} saved in {} ([[profiles.{}.watch]]): it applies from the next start",
                        save.rule.name,
                        save.path.display(),
                        save.profile
                    ),
                ),
                Err(err) => (StatusLevel::Error, format!("rule not saved: {err}")),
            };
            update(app, Msg::Notice(said.0, said.1));
        }
        Command::Copy(bytes) => {
            // OSC 52: the terminal (even over SSH) puts it on the clipboard.
            let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let mut out = std::io::stdout();
            let _ = write!(out, "\x1b]52;c;{encoded}\x07");
            let _ = out.flush();
            update(
                app,
                Msg::Notice(
                    StatusLevel::Info,
                    format!("copied {} bytes to the clipboard", bytes.len()),
                ),
            );
        }
        Command::Export(work) => {
            let dir = std::env::current_dir().unwrap_or_default();
            let stamp = Utc::now().format("%Y%m%d-%H%M%S").to_string();
            let results = results.clone();
            // Off the UI thread: the worker reads payloads back and writes
            // as the log feeds it.
            tokio::task::spawn_blocking(move || {
                let (path, file) = new_export_file(&dir, &stamp);
                let written = file.and_then(|file| work.run(file));
                let (level, text) = match written {
                    Ok(done) => {
                        let left_out = if done.left_out > 0 {
                            format!(" ({} left out: payload unavailable)", done.left_out)
                        } else {
                            String::new()
                        };
                        (
                            StatusLevel::Success,
                            format!(
                                "exported {} message(s) to {}{left_out}",
                                done.written,
                                path.display()
                            ),
                        )
                    }
                    Err(err) => (
                        StatusLevel::Error,
                        format!("export to {} failed: {err}", path.display()),
                    ),
                };
                let _ = results.send(Msg::Notice(level, text));
            });
        }
        Command::RetryLogin => {
            tracing::info!("retrying the refused login (asked for by the user)");
            if let Some(session) = out.session {
                session.retry_login();
            }
        }
        Command::Quit => {}
    }
}

/// Publishes one message and files what became of it; whether it went,
/// or why not. A popup is first reserved in the account's ledger (the 20 s
/// rule across processes): a refusal there comes back to the app as a
/// refused publish, a row in the log.
fn publish_one(app: &mut App, out: &Outlet<'_>, outgoing: Outgoing) -> Result<(), String> {
    let Some(session) = out.session else {
        let why = "this console is reading files: nothing can be published".to_owned();
        update(app, Msg::PublishFailed(why.clone()));
        return Err(why);
    };
    let reservation = match out.popups {
        Some(popups) if outgoing.payload.kind == MessageKind::Popup => {
            let now_ms = u64::try_from(app.now().timestamp_millis()).unwrap_or(0);
            match popups.reserve(&outgoing.vin, now_ms) {
                Ok(reservation) => Some(reservation),
                Err(err) => {
                    tracing::warn!("popup to {} refused: {err}", outgoing.topic);
                    let reason = err.to_string();
                    update(
                        app,
                        Msg::PublishRefused {
                            outgoing,
                            reason: reason.clone(),
                        },
                    );
                    return Err(reason);
                }
            }
        }
        _ => None,
    };
    match session.publish(&outgoing.topic, &outgoing.payload) {
        Ok(()) => {
            tracing::info!(
                "published {} bytes to {}",
                outgoing.payload.size.payload,
                outgoing.topic
            );
            update(app, Msg::Published(outgoing));
            // Journal the log's own entry: one time, one record.
            if let (Some(journal), Some(entry)) = (out.journal, app.history().last()) {
                let ticket = journal.append(entry.at, json_line(&entry.record()));
                update(
                    app,
                    Msg::Journaled {
                        seq: entry.seq,
                        place: Place::Journal(ticket),
                    },
                );
            }
            Ok(())
        }
        Err(err) => {
            if let (Some(popups), Some(reservation)) = (out.popups, &reservation) {
                popups.release(reservation);
            }
            tracing::warn!("publish to {} refused: {err}", outgoing.topic);
            let why = err.to_string();
            update(app, Msg::PublishFailed(why.clone()));
            Err(why)
        }
    }
}

/// A new export file in `dir` named by its time, never one that exists:
/// two exports in one second get `-1`, `-2`, ... (before: the second
/// replaced the first).
fn new_export_file(
    dir: &std::path::Path,
    stamp: &str,
) -> (std::path::PathBuf, std::io::Result<std::fs::File>) {
    let mut path = dir.join(format!("wpconsole-export-{stamp}.jsonl"));
    for n in 1..1000 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                path = dir.join(format!("wpconsole-export-{stamp}-{n}.jsonl"));
            }
            opened => return (path, opened),
        }
    }
    let opened = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    (path, opened)
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_exports_in_one_second_go_to_two_files() {
        let dir = tempfile::tempdir().unwrap();
        let (first, file) = super::new_export_file(dir.path(), "20261130-022429");
        file.unwrap();
        let (second, file) = super::new_export_file(dir.path(), "20261130-022429");
        file.unwrap();
        assert_ne!(first, second);
        assert!(
            second.ends_with("wpconsole-export-20261130-022429-1.jsonl"),
            "{second:?}"
        );
    }
}
