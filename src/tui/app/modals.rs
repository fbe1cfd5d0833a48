//! The popups as `App` routes them: a key goes to the open popup as the
//! action the key table gives it in the popup's scope, and what the popup
//! answers (an [`Outcome`]) is carried out here, where the state is.

use super::{
    Action, App, Command, ConnectionState, Focus, KeyEvent, MessageKind, Modal, Outgoing, Rect,
    StatusLevel, Vin,
};
use crate::tui::modal::{
    FilterPrompt, FleetConfirmation, HelpContent, HelpPopup, Input, JqPrompt, Outcome,
    PublishConfirmation, TemplatePicker, TimePrompt,
};
use ratatui::crossterm::event::{MouseEvent, MouseEventKind};

/// A key while a popup is open: the popup's own keys, and the interrupt.
pub(super) fn on_modal_key(app: &mut App, key: KeyEvent) -> Option<Command> {
    let scope = app.modal.as_ref()?.scope();
    let input = match app.keys.action_for(scope, &key) {
        Some(Action::Interrupt) => return Some(Command::Quit),
        Some(action) => Input::Action(action),
        None => Input::Unbound(key),
    };
    let outcome = app.modal.as_mut()?.handle(input);
    carry_out(app, outcome)
}

/// The mouse while a popup is open: the wheel scrolls the popup when it
/// scrolls (the help, the template list, the fleet question's list), and
/// nothing behind it moves; a click does nothing (a question is answered
/// by a key, never by a stray click).
pub(super) fn on_modal_mouse(app: &mut App, mouse: MouseEvent) -> Option<Command> {
    let action = match mouse.kind {
        MouseEventKind::ScrollUp => Action::Up,
        MouseEventKind::ScrollDown => Action::Down,
        _ => return None,
    };
    let scope = app.modal.as_ref()?.scope();
    app.keys.binding(scope, action)?;
    for _ in 0..3 {
        let outcome = app.modal.as_mut()?.handle(Input::Action(action));
        if let Some(command) = carry_out(app, outcome) {
            return Some(command);
        }
    }
    None
}

/// Does what a popup answered.
pub(super) fn carry_out(app: &mut App, outcome: Outcome) -> Option<Command> {
    match outcome {
        Outcome::Keep => {}
        Outcome::Close | Outcome::FilterKept => app.modal = None,
        Outcome::Cancelled => {
            app.modal = None;
            app.editor
                .set_status(StatusLevel::Info, "not published: cancelled");
        }
        Outcome::Publish(outgoing) => {
            app.modal = None;
            return Some(Command::Publish(outgoing));
        }
        Outcome::PublishFleet { outgoing, refused } => {
            app.modal = None;
            return Some(publish_fleet(app, outgoing, &refused));
        }
        Outcome::LoadTemplate(index) => {
            app.modal = None;
            load_template(app, index);
        }
        Outcome::Filter { target, text } => app.set_filter_text(target, &text),
        Outcome::FilterCleared(target) => {
            app.modal = None;
            app.set_filter_text(target, "");
        }
        Outcome::JumpTo(text) => jump_to(app, &text),
        Outcome::SaveRule(name) => return super::save_rule::save(app, &name),
        Outcome::ApplyJq(expression) => {
            app.modal = None;
            let rows = app.log_rows_visible();
            let reaction = app.log.set_jq(expression, &app.history, rows);
            app.react(reaction);
        }
    }
    None
}

/// The `T` prompt, reading times in the zone the log's time column uses.
pub(super) fn open_time_prompt(app: &mut App) {
    let zone = if app.offset.local_minus_utc() == 0 {
        "UTC".to_owned()
    } else {
        format!("UTC{}", app.offset)
    };
    app.modal = Some(Modal::TimePrompt(TimePrompt::new(zone)));
}

/// The time typed in the `T` prompt, read as `--since` reads one but in
/// the log's zone: the log jumps there and the prompt closes, or the
/// prompt says why it cannot read it and stays.
fn jump_to(app: &mut App, text: &str) {
    match crate::domain::moment::parse(text, app.now, &app.offset) {
        Ok(at) => {
            app.modal = None;
            let rows = app.log_rows_visible();
            let reaction = app.log.jump_to(at, app.offset, &app.history, rows);
            app.react(reaction);
        }
        Err(why) => {
            if let Some(Modal::TimePrompt(prompt)) = app.modal.as_mut() {
                prompt.refuse(why.to_string());
            }
        }
    }
}

/// What the help says, from where the console stands now.
fn help_content<'a>(app: &'a App, read_only: Option<&'a str>) -> HelpContent<'a> {
    HelpContent {
        keys: &app.keys,
        scope: if app.alerts.shown() {
            crate::tui::keys::Scope::Alerts
        } else {
            app.focus.scope()
        },
        offer: app.offer(),
        login_refused: matches!(app.connection, ConnectionState::LoginRefused { .. }),
        read_only,
    }
}

fn screen(app: &App) -> Rect {
    Rect::new(0, 0, app.size.0, app.size.1)
}

/// Opens the `?` help for the focused pane.
pub(crate) fn open_help(app: &mut App) {
    let why = app.read_only_reason();
    let help = HelpPopup::new(help_content(app, why.as_deref()), app.theme(), screen(app));
    app.modal = Some(Modal::Help(help));
}

/// The open help written again for the console as it is now (a resize,
/// a refused login), keeping its place.
pub(super) fn refresh_help(app: &mut App) {
    match app.modal.take() {
        Some(Modal::Help(mut help)) => {
            let why = app.read_only_reason();
            help.refresh(help_content(app, why.as_deref()), app.theme(), screen(app));
            app.modal = Some(Modal::Help(help));
        }
        other => app.modal = other,
    }
}

pub(super) fn open_templates(app: &mut App) {
    app.modal = Some(Modal::Templates(TemplatePicker::new(
        &app.templates,
        &app.keys,
    )));
}

/// The `/` prompt for the focused pane's filter, starting from its text.
pub(super) fn open_filter(app: &mut App) {
    let text = match app.focus {
        Focus::Vehicles => app.vehicles.filter().to_owned(),
        _ => app.log.filter().text.clone(),
    };
    app.modal = Some(Modal::FilterPrompt(FilterPrompt::new(app.focus, text)));
}

/// The `|` prompt for the log's jq filter, starting from the one in force.
pub(super) fn open_jq_prompt(app: &mut App) {
    let in_force = app.log.jq().map(|jq| jq.text().to_owned());
    app.modal = Some(Modal::JqPrompt(JqPrompt::new(in_force)));
}

/// The production question before publishing `outgoing`.
pub(super) fn confirm_publish(app: &mut App, outgoing: Outgoing) {
    app.modal = Some(Modal::ConfirmPublish(PublishConfirmation::new(
        outgoing,
        app.header.broker.clone(),
        &app.keys,
    )));
}

/// The fleet question: who receives the payload, who is skipped and why.
pub(super) fn confirm_fleet(app: &mut App, outgoing: Vec<Outgoing>, refused: Vec<(Vin, String)>) {
    let production = app.rules.production.then(|| app.header.broker.clone());
    let question = FleetConfirmation::new(
        outgoing,
        refused,
        |vin| app.history.label(vin).unwrap_or_default().to_owned(),
        production,
        &app.keys,
    );
    app.modal = Some(Modal::ConfirmFleet(question));
}

/// The fleet question answered yes: each vehicle is checked again at
/// this moment (a popup's wait counts from the answer, not from when the
/// question opened), the refused go into the log as refused, and the rest
/// is handed to the run loop; the marks are cleared when it says who got it.
fn publish_fleet(app: &mut App, outgoing: Vec<Outgoing>, refused: &[(Vin, String)]) -> Command {
    let text = app.editor.text();
    let vins: std::collections::BTreeSet<Vin> = outgoing
        .into_iter()
        .map(|ready| ready.vin)
        .chain(refused.iter().map(|(vin, _)| vin.clone()))
        .collect();
    let mut ready = Vec::new();
    let mut not_ready = Vec::new();
    for vin in vins {
        match super::compose::prepare(app, &vin, &text) {
            Ok(one) => ready.push(one),
            Err(why) => not_ready.push((vin, why.to_string())),
        }
    }
    for (vin, why) in &not_ready {
        // What that vehicle would have got: its own values, its kind.
        let (resolved, validation) = app.rules.validate(&text, vin);
        let kind = validation.kind.map_or("data", MessageKind::name);
        let payload = validation.payload.unwrap_or(resolved.text);
        super::compose::record_refusal(app, vin, &payload, kind, why.clone());
    }
    app.editor.set_status(
        StatusLevel::Info,
        format!("publishing to {} vehicle(s)…", ready.len()),
    );
    app.fleet_refused = not_ready;
    Command::PublishMany(ready)
}

/// Loads the template at `index` into the editor, placeholders and all
/// (each recipient gets its own values).
fn load_template(app: &mut App, index: usize) {
    let Some(template) = app.templates.get(index).cloned() else {
        return;
    };
    let kept = app.editor.replace_text(&template.text);
    app.revalidate();
    let kept = if kept {
        format!(
            "; {} brings your draft back",
            app.keys
                .label(crate::tui::keys::Scope::Editor, Action::Undo)
        )
    } else {
        String::new()
    };
    let (level, text) = match &template.broken {
        None => (
            StatusLevel::Info,
            format!("template: {}{kept}", template.name),
        ),
        Some(why) => (
            StatusLevel::Error,
            format!(
                "template {} is broken ({why}): fix its file in the templates directory",
                template.name
            ),
        ),
    };
    app.editor.set_status(level, text);
    app.focus = Focus::Editor;
}
