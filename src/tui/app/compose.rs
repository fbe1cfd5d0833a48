//! Composing: publishing from the editor (and its refusals), what a
//! publish leaves behind, and replying to a message.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn on_published(app: &mut App, outgoing: Outgoing) {
    let now = app.now;
    let cid = outgoing.cid.clone();
    let seq = app.history.push_outbound(
        &outgoing.vin,
        &outgoing.topic,
        &outgoing.payload.bytes,
        outgoing.payload.kind,
        now,
    );
    if outgoing.payload.kind == MessageKind::Popup {
        app.popups.forget_before(unix_ms(now));
        app.popups.record(&outgoing.vin, unix_ms(now));
    }
    app.editor.remember_published(outgoing.text);
    app.editor.set_status(
        StatusLevel::Success,
        format!(
            "published {} bytes to {}",
            envelope::group(outgoing.payload.size.payload),
            outgoing.vin
        ),
    );
    if let Some(cid) = cid {
        app.deliveries.sent(cid, seq, outgoing.vin.clone(), now);
    }
    app.after_push(seq);
}

pub(super) fn reply(app: &mut App) {
    let Some(entry) = app
        .detail
        .seq()
        .or(app.log.selected())
        .and_then(|s| app.history.by_seq(s))
    else {
        return;
    };
    if let Some(reason) = &entry.unavailable {
        app.editor.set_status(
            StatusLevel::Error,
            format!("cannot reply: the payload is unavailable ({reason})"),
        );
        return;
    }
    let content = serde_json::from_slice::<serde_json::Value>(&entry.payload).map_or_else(
        |_| serde_json::Value::String(String::from_utf8_lossy(&entry.payload).into_owned()),
        |value| value.get("content").cloned().unwrap_or(value),
    );
    let envelope = serde_json::json!({
        "idApp": "{idApp}",
        "popup": false,
        "content": content,
    });
    let text = serde_json::to_string_pretty(&envelope).unwrap_or_default();
    // A reply goes to the vehicle that wrote: when that moves the
    // editor's target, the status says so (the title alone is easy to miss).
    let mut said = format!(
        "loaded the message; edit and press {} to publish",
        app.keys.label(Scope::Editor, Action::Publish)
    );
    if let Some(vin) = entry.vin.clone() {
        match app.editor.target() {
            Some(before) if *before != vin => {
                said = format!("{said}; the target is now {vin} (was {before})");
            }
            None => said = format!("{said}; the target is now {vin}"),
            Some(_) => {}
        }
        app.editor.set_target(vin);
        // Marks would send the reply to the fleet instead: a reply is to
        // the one vehicle that wrote.
        let cleared = app.vehicles.take_marks();
        if cleared > 0 {
            said = format!("{said}; {cleared} mark(s) cleared, a reply goes to that vehicle only");
        }
    }
    if app.editor.replace_text(&text) {
        said = format!(
            "{said}; {} brings your draft back",
            app.keys.label(Scope::Editor, Action::Undo)
        );
    }
    app.revalidate();
    app.editor.set_status(StatusLevel::Info, said);
    app.focus = Focus::Editor;
}

pub(super) fn publish(app: &mut App) -> Option<Command> {
    let refuse = |app: &mut App, reason: String| {
        app.editor
            .set_status(StatusLevel::Error, format!("not published: {reason}"));
        None
    };
    if let Some(why) = app.read_only_reason() {
        return refuse(app, format!("{why}; the editor still validates"));
    }
    if !app.vehicles.marked().is_empty() {
        return publish_to_marked(app);
    }
    let Some(vin) = app.editor.target().cloned() else {
        let select = app.keys.label(Scope::Vehicles, Action::Select);
        return refuse(
            app,
            format!("no target vehicle: select one in Vehicles with {select}"),
        );
    };
    let text = app.editor.text();
    let outgoing = match prepare(app, &vin, &text) {
        Ok(outgoing) => outgoing,
        // A `{idApp}` with no app id set: the rules' sentence alone, so the
        // fix is not cut off the end of the status line.
        Err(NotReady::Invalid(problems))
            if problems
                .iter()
                .any(|p| p.message == crate::domain::outbound::NO_APP_ID) =>
        {
            return refuse(app, crate::domain::outbound::NO_APP_ID.to_owned());
        }
        Err(NotReady::Invalid(problems)) => {
            let first = problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            return refuse(
                app,
                format!(
                    "{} error(s), {} jumps to them; first: {first}",
                    problems.len(),
                    app.keys.label(Scope::Editor, Action::JumpToError)
                ),
            );
        }
        Err(other) => return refuse(app, other.to_string()),
    };
    if let Some(reason) = not_connected(app) {
        return refuse(app, reason);
    }
    if app.rules.admit(false).is_err() {
        app.editor.set_status(
            StatusLevel::Info,
            format!(
                "PRODUCTION: publish to {}? {} publishes, any other key cancels",
                outgoing.vin,
                app.keys.label(Scope::Confirm, Action::Confirm)
            ),
        );
        super::modals::confirm_publish(app, outgoing);
        return None;
    }
    app.editor.set_status(
        StatusLevel::Info,
        format!("publishing to {}…", outgoing.vin),
    );
    Some(Command::Publish(outgoing))
}

/// Why nothing can be published right now, if so: nothing is queued
/// behind the user's back.
fn not_connected(app: &App) -> Option<String> {
    match app.connection {
        ConnectionState::Connected => None,
        ConnectionState::Offline => app.read_only_reason(),
        _ => {
            Some("the broker is not connected; try again once the status bar says connected".into())
        }
    }
}

/// Ctrl-S with vehicles marked: the editor's payload to each of them, its
/// placeholders resolved for each, each with its own tracking id and its
/// own popup rule, after a confirmation that lists who receives it.
fn publish_to_marked(app: &mut App) -> Option<Command> {
    let text = app.editor.text();
    let refuse = |app: &mut App, reason: String| {
        app.editor
            .set_status(StatusLevel::Error, format!("not published: {reason}"));
        None
    };
    if !app.editor.validation().is_valid() {
        let jump = app.keys.label(Scope::Editor, Action::JumpToError);
        return refuse(
            app,
            format!("the payload has errors ({jump} jumps to them)"),
        );
    }
    if let Some(reason) = not_connected(app) {
        return refuse(app, reason);
    }
    let mut outgoing = Vec::new();
    let mut refused = Vec::new();
    for vin in app.vehicles.marked().clone() {
        match prepare(app, &vin, &text) {
            Ok(ready) => outgoing.push(ready),
            Err(not_ready) => refused.push((vin, not_ready.to_string())),
        }
    }
    if outgoing.is_empty() {
        // Still a confirmation window, with nothing to confirm: it says why
        // and takes the key meant as the answer, so a habitual `y` does not
        // land in the payload.
        app.editor.set_status(
            StatusLevel::Error,
            format!(
                "not published: every marked vehicle refused it ({} of them); nothing was sent",
                refused.len()
            ),
        );
    }
    super::modals::confirm_fleet(app, outgoing, refused);
    None
}

/// The editor's `text` made ready for `vin` by the rules every entry
/// point shares, at the console's clock now (a popup's wait counts from
/// this moment).
pub(super) fn prepare(app: &App, vin: &Vin, text: &str) -> Result<Outgoing, NotReady> {
    let prepared = app
        .rules
        .prepare(text, vin, &app.popups, unix_ms(app.now))?;
    Ok(Outgoing {
        vin: prepared.vin,
        topic: prepared.topic,
        payload: prepared.payload,
        text: text.to_owned(),
        cid: prepared.cid,
    })
}

/// Ctrl-G: the next publishes carry a tracking id and wait for the reply,
/// or go out exactly as written; the meter follows.
pub(super) fn toggle_tracking(app: &mut App) {
    app.rules.track = !app.rules.track;
    app.revalidate();
    app.editor.set_status(
        StatusLevel::Info,
        if app.rules.track {
            format!(
                "tracking on: each publish carries an id in content.{} and waits for the reply",
                app.rules.tracking.stamp_field
            )
        } else {
            "tracking off: publishes go out exactly as written, untracked".to_owned()
        },
    );
}

/// A publish that was not sent: a refused row in the log (the ✗ and why),
/// with what that vehicle would have got, `payload` of `kind`.
pub(super) fn record_refusal(app: &mut App, vin: &Vin, payload: &str, kind: &str, why: String) {
    let topic = app.rules.topics.from_topic(vin);
    let seq = app
        .history
        .push_refused(vin, &topic, (payload, kind), &why, app.now);
    app.deliveries.refused(seq, why);
    app.after_push(seq);
}

/// The run loop did not send `outgoing` (the account's popup ledger
/// refused it): the log says so, as for a refusal known before.
pub(super) fn on_refused(app: &mut App, outgoing: &Outgoing, reason: &str) {
    record_refusal(
        app,
        &outgoing.vin,
        &outgoing.payload.bytes,
        outgoing.payload.kind.name(),
        reason.to_owned(),
    );
    app.editor.set_status(
        StatusLevel::Error,
        format!("not published to {}: {reason}", outgoing.vin),
    );
}

/// A fleet publish is done: the notice counts who it went to and who
/// refused it (at the answer or in the run loop), with why; only the
/// marks of vehicles sent to are cleared, so the rest can be tried again.
pub(super) fn on_published_to_fleet(app: &mut App, sent: &[Vin], refused: &[(Vin, String)]) {
    let mut not_sent = std::mem::take(&mut app.fleet_refused);
    not_sent.extend(refused.iter().cloned());
    let cleared = sent.iter().filter(|vin| app.vehicles.unmark(vin)).count();
    let mut notice = format!(
        "fleet publish: {} sent, {} refused",
        sent.len(),
        not_sent.len()
    );
    if !not_sent.is_empty() {
        let listed: Vec<String> = not_sent
            .iter()
            .map(|(vin, why)| format!("{vin}: {why}"))
            .collect();
        notice = format!("{notice} ({})", listed.join("; "));
    }
    if cleared > 0 {
        notice = format!("{notice}; {cleared} mark(s) cleared");
    }
    if !not_sent.is_empty() {
        notice.push_str("; the refused stay marked");
    }
    let level = if sent.is_empty() && !not_sent.is_empty() {
        StatusLevel::Error
    } else {
        StatusLevel::Info
    };
    app.notice = Some((level, notice));
    let of = sent.len() + refused.len();
    let level = if sent.len() == of {
        StatusLevel::Success
    } else {
        StatusLevel::Error
    };
    // A filtered log (one vehicle, a kind, a search) may hide the rows
    // just added: say so and how to see them, rather than promise them.
    let where_ = if app.log.filter().is_active() {
        format!(
            "the log is filtered and may hide them: {} in Log clears it",
            app.keys.label(Scope::Log, Action::ClearFilter)
        )
    } else {
        "the log shows each one's delivery".to_owned()
    };
    app.editor.set_status(
        level,
        format!("published to {} of {of} vehicle(s); {where_}", sent.len()),
    );
}
