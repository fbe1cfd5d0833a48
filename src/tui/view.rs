//! Drawing: `view` only reads the state, and reads no file: each pane
//! draws from what `update` resolved for it. Here: the title bar, the
//! status bar, the footer, the popups, and the panes placed.

use super::app::{App, ConnectionState, Focus, HistoryOf};
use super::keys::{Action, Scope};
use super::layout::Areas;
use super::panes::alerts::AlertsView;
use super::panes::detail::DetailView;
use super::panes::editor::EditorView;
use super::panes::log::LogView;
use super::panes::vehicles::VehiclesView;
use super::theme::Theme;
use super::width::{self, fit};
use crate::account::Account;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Draws the whole screen.
pub fn view(frame: &mut Frame, app: &App) {
    let theme = app.theme();
    let areas = app.areas();
    title_bar(frame, app, theme, areas.title);
    panes(frame, app, theme, &areas);
    if app.alerts().shown() {
        alerts(frame, app, theme, &areas);
    }
    super::status_bar::render(frame, app, theme, areas.status);
    footer(frame, app, theme, areas.footer);
    if let Some(modal) = &app.modal() {
        modal.render(frame, theme);
    }
}

/// Each pane shown draws itself from its own state and what `App` lends
/// it: nothing here reads a file.
fn panes(frame: &mut Frame, app: &App, theme: Theme, areas: &Areas) {
    let prompt = |pane: Focus| app.modal().as_ref().and_then(|m| m.filter_text(pane));
    if let Some(area) = areas.vehicles {
        let view = VehiclesView {
            history: app.history(),
            deliveries: app.deliveries(),
            now: app.now(),
            // Files read offline say nothing of now: no vehicle is silent.
            silent_after: if matches!(app.connection(), ConnectionState::Offline) {
                std::time::Duration::MAX
            } else {
                app.silent_after()
            },
            target: app.editor().target(),
            alerts: app.alerts(),
            prompt: prompt(Focus::Vehicles),
            focused: app.focus() == Focus::Vehicles,
            theme,
        };
        app.vehicles().render(frame, area, &view);
    }
    if let Some(area) = areas.log {
        let view = LogView {
            history: app.history(),
            deliveries: app.deliveries(),
            offset: app.offset(),
            now: app.now(),
            prompt: prompt(Focus::Log),
            focused: app.focus() == Focus::Log,
            theme,
            keys: app.keys(),
        };
        app.log().render(frame, area, &view);
    }
    if let Some(area) = areas.detail {
        let view = DetailView {
            delivery: app
                .detail()
                .seq()
                .and_then(|seq| app.deliveries().state(seq)),
            focused: app.focus() == Focus::Detail,
            theme,
        };
        app.detail().render(frame, area, &view);
    }
    if let Some(area) = areas.editor {
        let view = EditorView {
            target_label: app
                .editor()
                .target()
                .and_then(|vin| app.history().label(vin)),
            tracked: app.rules().track,
            marked: app.vehicles().marked().len(),
            popup_wait: app.popup_wait(),
            focused: app.focus() == Focus::Editor,
            theme,
        };
        app.editor().render(frame, area, &view);
    }
}

/// The Alerts pane, up, over the panes' place.
fn alerts(frame: &mut Frame, app: &App, theme: Theme, areas: &Areas) {
    let top = areas.title.bottom();
    let area = Rect::new(
        0,
        top,
        areas.title.width,
        areas.status.y.saturating_sub(top),
    );
    let acknowledge = app.keys().first_label(Scope::Alerts, Action::Acknowledge);
    let view = AlertsView {
        offset: app.offset(),
        acknowledge_key: &acknowledge,
        theme,
    };
    app.alerts().render(frame, area, &view);
}

fn title_bar(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut spans = vec![Span::styled(" wpconsole ", theme.title(app.header().demo))];
    if app.header().demo {
        spans.push(Span::styled("DEMO ", theme.title(true)));
    }
    if app.rules().production && app.rules().read_only {
        spans.push(Span::styled(
            "PRODUCTION ",
            theme
                .warning()
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    } else if app.rules().production {
        spans.push(Span::styled(
            "PRODUCTION: every publish asks first ",
            theme
                .warning()
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    if app.rules().read_only {
        spans.push(Span::styled("READ-ONLY ", theme.warning()));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let room = usize::from(area.width).saturating_sub(used);
    spans.push(Span::raw(title_text(app, room)));
    frame.render_widget(Line::from(spans), area);
}

/// Whose history is on the screen, fitted to `room` columns, then the
/// prefix.
fn title_text(app: &App, room: usize) -> String {
    let whose = match &app.header().history_of {
        HistoryOf::Unnamed => format!("─ uid {}", app.header().uid),
        HistoryOf::Journal(account) => {
            format!("─ journal {}", account.fitted(room.saturating_sub(11)))
        }
        HistoryOf::KeptElsewhere(account, kept) => {
            // The short form: the account comes first; the status bar
            // has the whole sentence.
            let kept = format!(" ({})", kept.short());
            let room = room.saturating_sub(2 + width::of(&kept));
            format!("─ {}{kept}", account.fitted(room))
        }
        HistoryOf::NoJournal(account) => {
            format!("─ {} (no journal)", account.fitted(room.saturating_sub(16)))
        }
        HistoryOf::Files(dirs) => {
            let accounts = file_accounts(dirs, &app.history().accounts);
            match accounts.as_slice() {
                [] => "─ files of an account not known yet".to_owned(),
                [one] => format!("─ files of {one}"),
                many => {
                    let full = format!(
                        "─ files of {} accounts, vehicles labelled by UID: {}",
                        many.len(),
                        many.join(", ")
                    );
                    if width::of(&full) <= room {
                        full
                    } else {
                        // Narrow: every account by its UID before any host.
                        let uids: Vec<&str> = many
                            .iter()
                            .map(|a| a.rsplit_once('@').map_or(a.as_str(), |(uid, _)| uid))
                            .collect();
                        format!("─ files of {} accounts: {}", many.len(), uids.join(", "))
                    }
                }
            }
        }
    };
    // Past the edge the line is cut, visibly: the prefix goes before the
    // account.
    let whose = fit(&whose, room);
    let prefix = format!(" ─ prefix {}", app.rules().topics.prefix);
    let left = room.saturating_sub(width::of(&whose));
    if left > 12 {
        whose + &fit(&prefix, left)
    } else {
        whose
    }
}

/// The accounts of opened files: each UID their records name, with its
/// broker when the file's directory tells it, and accounts whose files
/// have not been read yet.
fn file_accounts(dirs: &[Account], uids: &[std::sync::Arc<str>]) -> Vec<String> {
    let mut shown: Vec<String> = uids
        .iter()
        .map(|uid| {
            dirs.iter()
                .find(|a| *a.uid == **uid)
                .map_or_else(|| uid.to_string(), ToString::to_string)
        })
        .collect();
    for dir in dirs {
        if !uids.iter().any(|uid| **uid == *dir.uid) {
            shown.push(dir.to_string());
        }
    }
    shown.dedup();
    // UIDs come from the files: shown through the display sanitiser.
    shown
        .iter()
        .map(|a| crate::domain::display::one_line(a).into_owned())
        .collect()
}

fn footer(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut items = Vec::new();
    let offer = app.offer();
    let help = app.keys().label(Scope::Global, Action::Help);
    let hint = |keys: String, hint: &str, stays: bool| FooterItem {
        spans: vec![
            Span::styled(format!(" {keys}"), theme.key()),
            Span::raw(format!(" {hint} ")),
        ],
        stays,
    };
    // A popup's own keys while it is open: nothing else works then.
    if let Some(modal) = &app.modal() {
        if modal.filter_text(Focus::Vehicles).is_some() || modal.filter_text(Focus::Log).is_some() {
            items.push(FooterItem {
                spans: vec![Span::styled(" type to filter ", theme.key())],
                stays: true,
            });
        }
        if let Some(note) = modal.footer_note() {
            items.push(FooterItem {
                spans: vec![Span::styled(format!(" {note} "), theme.key())],
                stays: true,
            });
        } else {
            for (keys, text) in app.keys().hints(modal.scope(), offer) {
                items.push(hint(keys, text, false));
            }
        }
        frame.render_widget(Line::from(fit_footer(items, area.width)), area);
        return;
    }
    let scope = if app.alerts().shown() {
        Scope::Alerts
    } else {
        app.focus().scope()
    };
    if matches!(app.connection(), ConnectionState::LoginRefused { .. }) {
        for (keys, text) in app.keys().hints(Scope::LoginRefused, offer) {
            items.push(hint(keys, text, true));
        }
    }
    for (keys, text) in app.keys().hints(scope, offer) {
        // The way to every other key stays, however narrow the screen.
        let stays = keys == help;
        items.push(hint(keys, text, stays));
    }
    if scope == Scope::Editor && offer.read_only {
        items.push(FooterItem {
            spans: vec![Span::styled(
                " read-only: nothing is published ",
                theme.warning(),
            )],
            stays: true,
        });
    }
    if scope == Scope::Editor {
        items.push(FooterItem {
            spans: vec![
                Span::styled(format!(" {help}"), theme.key()),
                Span::raw(" help (outside the editor)"),
            ],
            stays: true,
        });
    }
    frame.render_widget(Line::from(fit_footer(items, area.width)), area);
}

/// A hint of the footer, and whether it stays on a narrow screen.
struct FooterItem {
    spans: Vec<Span<'static>>,
    stays: bool,
}

/// The footer's hints in `width` cells, none cut: those that stay (the
/// help key, warnings) first take their room, the others follow in order
/// until one does not fit.
fn fit_footer(items: Vec<FooterItem>, width: u16) -> Vec<Span<'static>> {
    let cells =
        |item: &FooterItem| -> usize { item.spans.iter().map(|s| width::of(&s.content)).sum() };
    let staying: usize = items.iter().filter(|i| i.stays).map(cells).sum();
    let mut room = usize::from(width).saturating_sub(staying);
    let mut full = false;
    let mut spans = Vec::new();
    for item in items {
        if !item.stays {
            let needed = cells(&item);
            full = full || needed > room;
            if full {
                continue;
            }
            room -= needed;
        }
        spans.extend(item.spans);
    }
    spans
}
