//! The broker itself: the login (MQTT CONNECT), the subscription to the
//! "to" topics, and, only when asked, a test publish. One connection made
//! as every command makes it (`ConnectionSettings::mqtt_options`), its
//! failures worded by `mqtt::reason`.

use super::{Step, failure};
use crate::domain::TopicScheme;
use crate::domain::outbound::Prepared;
use crate::mqtt::ConnectionSettings;
use crate::store::popups::PopupLedgerFile;
use rumqttc::{
    AsyncClient, ConnectionError, Event, EventLoop, Outgoing, Packet, QoS, SubscribeReasonCode,
};
use std::time::{Duration, Instant};

/// A connection the broker accepted, for the steps after the login.
pub(super) struct Login<'a> {
    client: AsyncClient,
    eventloop: EventLoop,
    connection: &'a ConnectionSettings,
}

/// How a wait for the broker ended.
enum Waited<T> {
    Came(T),
    Failed(ConnectionError),
    TimedOut,
}

/// Polls `eventloop` until `wanted` picks an event, an error, or
/// `timeout`.
async fn wait_for<T>(
    eventloop: &mut EventLoop,
    timeout: Duration,
    mut wanted: impl FnMut(Event) -> Option<T>,
) -> Waited<T> {
    let answer = tokio::time::timeout(timeout, async {
        loop {
            match eventloop.poll().await {
                Ok(event) => {
                    if let Some(found) = wanted(event) {
                        return Waited::Came(found);
                    }
                }
                Err(err) => return Waited::Failed(err),
            }
        }
    })
    .await;
    answer.unwrap_or(Waited::TimedOut)
}

/// Step 6: MQTT CONNECT with the login and password; the broker's answer
/// in words.
pub(super) async fn connect(
    connection: &ConnectionSettings,
    client_id_given: bool,
    timeout: Duration,
) -> (Step, Option<Login<'_>>) {
    const STEP: &str = "connect";
    let options = match connection.mqtt_options() {
        Ok(options) => options,
        Err(err) => {
            return (
                Step::fail(
                    STEP,
                    err.to_string(),
                    "check the CA, certificate and key files",
                ),
                None,
            );
        }
    };
    let tls = connection.broker.scheme.is_tls();
    let (client, mut eventloop) = AsyncClient::new(options, 16);
    let started = Instant::now();
    let answer = wait_for(&mut eventloop, timeout, |event| match event {
        Event::Incoming(Packet::ConnAck(ack)) => Some(ack),
        _ => None,
    })
    .await;
    let took = started.elapsed();
    let login = connection.uid.as_deref().unwrap_or("(none)");
    let err = match answer {
        Waited::Came(ack) => {
            return (
                Step::pass(
                    STEP,
                    format!(
                        "the broker accepted the login {login} (client id {})",
                        connection.client_id
                    ),
                )
                .with_details(
                    std::iter::once(format!(
                        "password {}; session present: {}",
                        super::local::password_origin(&connection.password_source),
                        if ack.session_present { "yes" } else { "no" }
                    ))
                    .chain(client_id_given.then(|| format!(
                        "the client id {} is set in the options: a console connected with it right now was pushed off by this check (a broker keeps one connection per client id) and reconnects",
                        connection.client_id
                    )))
                    .collect(),
                )
                .timed(took),
                Some(Login {
                    client,
                    eventloop,
                    connection,
                }),
            );
        }
        Waited::Failed(err) => err,
        Waited::TimedOut => ConnectionError::NetworkTimeout,
    };
    let reason = crate::mqtt::reason::explain(
        &err,
        &connection.broker.authority(),
        connection.uid.as_deref(),
        &connection.password_source,
        tls,
        false,
    )
    .await;
    (
        Step::fail(STEP, reason.text, failure::fix(reason.kind, connection)).timed(took),
        None,
    )
}

/// Step 7: subscribe to every vehicle's "to" topics; a refused
/// subscription (SUBACK 0x80) is a failure with the fix.
pub(super) async fn subscribe(
    login: &mut Login<'_>,
    topics: &TopicScheme,
    timeout: Duration,
) -> (Step, Option<()>) {
    const STEP: &str = "subscribe";
    let filter = topics.to_filter();
    let started = Instant::now();
    if let Err(err) = login.client.subscribe(&filter, QoS::AtMostOnce).await {
        return (
            Step::fail(
                STEP,
                format!("the subscription could not be sent: {err}"),
                "run doctor again",
            ),
            None,
        );
    }
    let answer = wait_for(&mut login.eventloop, timeout, |event| match event {
        Event::Incoming(Packet::SubAck(ack)) => Some(ack.return_codes),
        _ => None,
    })
    .await;
    let took = started.elapsed();
    match answer {
        Waited::Came(codes) => match codes.first() {
            Some(SubscribeReasonCode::Success(qos)) => (
                Step::pass(
                    STEP,
                    format!("the broker granted {filter} at QoS {}", *qos as u8),
                )
                .timed(took),
                Some(()),
            ),
            _ => (
                Step::fail(
                    STEP,
                    format!("the broker refused the subscription to {filter} (SUBACK 0x80)"),
                    format!(
                        "the login {} may not read these topics: check --uid and --prefix (the topic prefix of this account: {})",
                        login.connection.uid.as_deref().unwrap_or("(none)"),
                        topics.to_filter()
                    ),
                )
                .timed(took),
                None,
            ),
        },
        Waited::Failed(err) => {
            let reason = login.closed(&err).await;
            (
                Step::fail(
                    STEP,
                    format!("subscribing to {filter}: {}", reason.text),
                    format!(
                        "a broker that closes the connection on a subscription refuses it: check --uid and --prefix (the topic prefix of this account); {}",
                        failure::fix(reason.kind, login.connection)
                    ),
                )
                .timed(took),
                None,
            )
        }
        Waited::TimedOut => (
            Step::fail(
                STEP,
                format!(
                    "the broker did not answer the subscription to {filter} in {} s",
                    timeout.as_secs()
                ),
                "run doctor again; if it stays silent, ask Stellantis whether this login may read these topics",
            )
            .timed(took),
            None,
        ),
    }
}

/// Step 8 (`--publish-test`): publish the checked envelope once, then make
/// one more round trip to see the connection outlived it: unsubscribing
/// `subscribed`, the filter step 7 was granted (a broker may leave a
/// filter it never granted unanswered: rumqttd does).
/// At QoS 0 the broker acknowledges nothing: only the vehicle's reply
/// proves that the app got it.
pub(super) async fn publish(
    login: &mut Login<'_>,
    (prepared, popups): &(Prepared, Option<PopupLedgerFile>),
    subscribed: &str,
    timeout: Duration,
) -> (Step, Option<()>) {
    const STEP: &str = "publish";
    // A popup counts against the account's 20 s rule like any other.
    if let Err(err) = crate::cli::send::reserve_popup(popups.as_ref(), prepared) {
        return (
            Step::fail(
                STEP,
                err.message,
                "wait 20 s after the last popup to this vehicle, or publish a data message",
            ),
            None,
        );
    }
    let started = Instant::now();
    let sent = login
        .client
        .publish(
            prepared.topic.clone(),
            QoS::AtMostOnce,
            false,
            prepared.payload.bytes.clone().into_bytes(),
        )
        .await;
    if let Err(err) = sent {
        return (
            Step::fail(
                STEP,
                format!("the publish could not be queued: {err}"),
                "run doctor again",
            ),
            None,
        );
    }
    let written = wait_for(&mut login.eventloop, timeout, |event| {
        matches!(event, Event::Outgoing(Outgoing::Publish(_))).then_some(())
    })
    .await;
    let round_trip = match written {
        Waited::Came(()) => {
            if let Err(err) = login.client.unsubscribe(subscribed).await {
                Waited::Failed(ConnectionError::Io(std::io::Error::other(err.to_string())))
            } else {
                wait_for(&mut login.eventloop, timeout, |event| {
                    matches!(event, Event::Incoming(Packet::UnsubAck(_))).then_some(())
                })
                .await
            }
        }
        other => other,
    };
    let took = started.elapsed();
    match round_trip {
        Waited::Came(()) => (
            Step::pass(
                STEP,
                format!(
                    "{} bytes published to {}; the connection outlived it",
                    prepared.payload.size.payload, prepared.topic
                ),
            )
            .with_details(vec![
                "the broker acknowledges nothing at QoS 0: only the vehicle's reply proves the app got it (`send --track` waits for one)".to_owned(),
            ])
            .timed(took),
            Some(()),
        ),
        Waited::Failed(err) => {
            let reason = login.closed(&err).await;
            (
                Step::fail(
                    STEP,
                    format!("publishing to {}: {}", prepared.topic, reason.text),
                    "a broker that closes the connection on a publish refuses it: check that this login may publish to the vehicle's \"from\" topic (--uid, --prefix)",
                )
                .timed(took),
                None,
            )
        }
        Waited::TimedOut => (
            Step::fail(
                STEP,
                format!(
                    "the broker did not answer within {} s after the publish",
                    timeout.as_secs()
                ),
                "run doctor again; if it stays silent, ask Stellantis whether this login may publish",
            )
            .timed(took),
            None,
        ),
    }
}

impl Login<'_> {
    /// Why an accepted connection ended, in words.
    async fn closed(&self, err: &ConnectionError) -> crate::mqtt::DisconnectReason {
        crate::mqtt::reason::explain(
            err,
            &self.connection.broker.authority(),
            self.connection.uid.as_deref(),
            &self.connection.password_source,
            self.connection.broker.scheme.is_tls(),
            true,
        )
        .await
    }

    /// Says goodbye to the broker (a DISCONNECT), waiting at most a
    /// moment.
    pub(super) async fn end(mut self, timeout: Duration) {
        if self.client.disconnect().await.is_ok() {
            let _ = wait_for(
                &mut self.eventloop,
                timeout.min(Duration::from_secs(1)),
                |event| matches!(event, Event::Outgoing(Outgoing::Disconnect)).then_some(()),
            )
            .await;
        }
    }
}
