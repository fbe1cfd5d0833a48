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
    if app.editor.history.last() != Some(&outgoing.text) {
        app.editor.history.push(outgoing.text);
    }
    app.editor.history_pos = None;
    app.editor.status = Some((
        StatusLevel::Success,
        format!(
            "published {} bytes to {}",
            envelope::group(outgoing.payload.size.payload),
            outgoing.vin
        ),
    ));
    if let Some(cid) = cid {
        app.deliveries.sent(cid, seq, outgoing.vin.clone(), now);
    }
    after_push(app, seq);
}

pub(super) fn reply(app: &mut App) {
    let Some(entry) = app
        .detail
        .seq
        .or(app.log.selected)
        .and_then(|s| app.history.by_seq(s))
    else {
        return;
    };
    if let Some(reason) = &entry.unavailable {
        app.editor.status = Some((
            StatusLevel::Error,
            format!("cannot reply: the payload is unavailable ({reason})"),
        ));
        return;
    }
    let content = serde_json::from_slice::<serde_json::Value>(&entry.payload).map_or_else(
        |_| serde_json::Value::String(String::from_utf8_lossy(&entry.payload).into_owned()),
        |value| value.get("content").cloned().unwrap_or(value),
    );
    let envelope = serde_json::json!({
        "idApp": app.app_id.clone().unwrap_or_default(),
        "popup": false,
        "content": content,
    });
    let text = serde_json::to_string_pretty(&envelope).unwrap_or_default();
    if let Some(vin) = entry.vin.clone() {
        app.editor.target = Some(vin);
    }
    app.editor.set_text(&text);
    app.editor.revalidate(&app.topics, app.size_limit);
    app.editor.status = Some((
        StatusLevel::Info,
        "loaded the message; edit and press Ctrl-S to publish".into(),
    ));
    app.focus = Focus::Editor;
}

pub(super) fn publish(app: &mut App) -> Option<Command> {
    let refuse = |app: &mut App, reason: String| {
        app.editor.status = Some((StatusLevel::Error, format!("not published: {reason}")));
        None
    };
    if app.header.read_only {
        return refuse(
            app,
            "this console is read-only (--read-only or read_only = true); the editor still validates".into(),
        );
    }
    if !app.vehicles.marked.is_empty() {
        return publish_to_marked(app);
    }
    let Some(vin) = app.editor.target.clone() else {
        return refuse(
            app,
            "no target vehicle: select one in Vehicles with Enter".into(),
        );
    };
    let text = app.editor.text();
    let topic = app.topics.from_topic(&vin);
    // A correlation id goes into an object content, so the reply that
    // carries it back acknowledges the message; other content goes untracked.
    let cid = crate::domain::tracking::new_id();
    let (sent_text, cid) = match app.tracking.stamp(&text, &cid) {
        Ok(stamped) if envelope::validate(&text).is_valid() => (stamped, Some(cid)),
        _ => (text.clone(), None),
    };
    let payload = match envelope::check_with(
        &sent_text,
        &topic,
        app.size_limit,
        app.editor.catalog.as_deref(),
    ) {
        Ok(payload) => payload,
        Err(Refusal::Invalid(problems))
            if app.app_id.is_none() && problems.iter().any(|p| p.path == "$.idApp") =>
        {
            return refuse(app, "no application id (idApp): start with --app-id ID, set WPCONSOLE_APP_ID, or add app-id to the profile".into());
        }
        Err(Refusal::Invalid(problems)) => {
            let first = problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            return refuse(
                app,
                format!(
                    "{} error(s), Ctrl-E jumps to them; first: {first}",
                    problems.len()
                ),
            );
        }
        Err(refusal @ Refusal::TooLarge(_)) if cid.is_some() => {
            let field = app.tracking.stamp_field.clone();
            return refuse(
                app,
                format!("with the tracking id content.{field}, {refusal}"),
            );
        }
        Err(refusal @ Refusal::TooLarge(_)) => return refuse(app, refusal.to_string()),
    };
    if payload.kind == MessageKind::Popup
        && let Err(too_soon) = app.popups.check(&vin, unix_ms(app.now))
    {
        return refuse(app, too_soon.to_string());
    }
    if app.connection == ConnectionState::Offline {
        return refuse(
            app,
            "this console is reading files; open it on a broker (--broker) to publish".into(),
        );
    }
    if app.connection != ConnectionState::Connected {
        return refuse(
            app,
            "the broker is not connected; try again once the status bar says connected".into(),
        );
    }
    let outgoing = Outgoing {
        vin,
        topic,
        payload,
        text,
        cid,
    };
    if app.header.production {
        app.editor.status = Some((
            StatusLevel::Info,
            format!(
                "PRODUCTION: publish to {}? y publishes, any other key cancels",
                outgoing.vin
            ),
        ));
        app.modal = Some(Modal::ConfirmPublish(outgoing));
        return None;
    }
    app.editor.status = Some((
        StatusLevel::Info,
        format!("publishing to {}…", outgoing.vin),
    ));
    Some(Command::Publish(outgoing))
}

/// Ctrl-S with vehicles marked: the editor's payload to each of them, each
/// with its own tracking id and its own popup rule, after a confirmation
/// that names the count.
fn publish_to_marked(app: &mut App) -> Option<Command> {
    let text = app.editor.text();
    let refuse = |app: &mut App, reason: String| {
        app.editor.status = Some((StatusLevel::Error, format!("not published: {reason}")));
        None
    };
    if !app.editor.validation.is_valid() {
        return refuse(app, "the payload has errors (Ctrl-E jumps to them)".into());
    }
    if app.connection != ConnectionState::Connected {
        return refuse(
            app,
            "the broker is not connected; try again once the status bar says connected".into(),
        );
    }
    let mut outgoing = Vec::new();
    let mut refused = Vec::new();
    for vin in app.vehicles.marked.clone() {
        let topic = app.topics.from_topic(&vin);
        let cid = crate::domain::tracking::new_id();
        let (sent_text, cid) = match app.tracking.stamp(&text, &cid) {
            Ok(stamped) => (stamped, Some(cid)),
            Err(_) => (text.clone(), None),
        };
        match envelope::check_with(
            &sent_text,
            &topic,
            app.size_limit,
            app.editor.catalog.as_deref(),
        ) {
            Ok(payload) => {
                if payload.kind == MessageKind::Popup
                    && let Err(too_soon) = app.popups.check(&vin, unix_ms(app.now))
                {
                    refused.push((vin, too_soon.to_string()));
                    continue;
                }
                outgoing.push(Outgoing {
                    vin,
                    topic,
                    payload,
                    text: text.clone(),
                    cid,
                });
            }
            Err(refusal) => refused.push((vin, refusal.to_string())),
        }
    }
    if outgoing.is_empty() {
        return refuse(
            app,
            format!(
                "every marked vehicle refused it ({} of them)",
                refused.len()
            ),
        );
    }
    app.modal = Some(Modal::ConfirmFleet { outgoing, refused });
    None
}
