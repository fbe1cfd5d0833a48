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
    let outgoing = match prepare(app, vin, &text) {
        Ok(outgoing) => outgoing,
        Err(NotReady::Checked(Refusal::Invalid(problems)))
            if app.app_id.is_none() && problems.iter().any(|p| p.path == "$.idApp") =>
        {
            return refuse(app, "no application id (idApp): start with --app-id ID, set WPCONSOLE_APP_ID, or add app-id to the profile".into());
        }
        Err(NotReady::Checked(Refusal::Invalid(problems))) => {
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
        Err(NotReady::TrackedTooLarge(refusal)) => {
            let field = app.tracking.stamp_field.clone();
            return refuse(
                app,
                format!("with the tracking id content.{field}, {refusal}"),
            );
        }
        Err(other) => return refuse(app, other.to_string()),
    };
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
        match prepare(app, vin.clone(), &text) {
            Ok(ready) => outgoing.push(ready),
            Err(not_ready) => refused.push((vin, not_ready.to_string())),
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

/// Why the editor's payload cannot go to a vehicle.
enum NotReady {
    /// Refused by the rules, the catalog or the size limit.
    Checked(Refusal),
    /// Too large once the tracking id is in.
    TrackedTooLarge(Refusal),
    TooSoon(crate::domain::PopupTooSoon),
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Checked(refusal) | Self::TrackedTooLarge(refusal) => refusal.fmt(f),
            Self::TooSoon(too_soon) => too_soon.fmt(f),
        }
    }
}

/// The editor's `text` made ready for `vin`: a tracking id stamped into
/// an object content (when the text is valid, so problems point into what
/// the user wrote), checked against the rules, the catalog and the limit,
/// and the popup rule.
fn prepare(app: &App, vin: Vin, text: &str) -> Result<Outgoing, NotReady> {
    let topic = app.topics.from_topic(&vin);
    let id = crate::domain::tracking::new_id();
    let (sent_text, cid) = match app.tracking.stamp(text, &id) {
        Ok(stamped) if app.editor.validation.is_valid() => (stamped, Some(id)),
        _ => (text.to_owned(), None),
    };
    let payload = envelope::check_with(
        &sent_text,
        &topic,
        app.size_limit,
        app.editor.catalog.as_deref(),
    )
    .map_err(|refusal| match refusal {
        Refusal::TooLarge(_) if cid.is_some() => NotReady::TrackedTooLarge(refusal),
        refusal => NotReady::Checked(refusal),
    })?;
    if payload.kind == MessageKind::Popup {
        app.popups
            .check(&vin, unix_ms(app.now))
            .map_err(NotReady::TooSoon)?;
    }
    Ok(Outgoing {
        vin,
        topic,
        payload,
        text: text.to_owned(),
        cid,
    })
}
