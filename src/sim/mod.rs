//! `wpconsole demo`: an embedded broker and a simulated fleet, so the
//! console works on a fresh machine with no account.

pub mod broker;
pub mod fleet;

use crate::domain::TopicScheme;
use crate::mqtt::session::{Backoff, SessionOptions};
use crate::mqtt::{BrokerUrl, ConnectionSettings, Overflow, Session, SessionEvent};
use fleet::Fleet;
use std::time::{Duration, Instant};

/// The demo account.
pub const DEMO_UID: &str = "DEMO-PARTNER";
pub const DEMO_APP_ID: &str = "DEMO_APP";
/// The demo broker's port unless `--port` says otherwise.
pub const DEMO_PORT: u16 = 18830;

/// Runs the fleet against the broker at `broker` until the task is dropped.
///
/// One MQTT connection carries every vehicle, as the WebPortal's own
/// messaging system does for the application server.
pub async fn run_fleet(broker: BrokerUrl, topics: TopicScheme, mut fleet: Fleet) {
    let settings = ConnectionSettings {
        broker: broker.clone(),
        client_id: format!("wpconsole-demo-fleet-{}", std::process::id()),
        uid: None,
        password: None,
        password_source: crate::mqtt::PasswordSource::NotGiven,
        tls: crate::mqtt::tls::TlsFiles::default(),
        keep_alive: Duration::from_secs(30),
        size_limit: crate::domain::DEFAULT_SIZE_LIMIT,
        expiry: None,
    };
    let Ok(options) = settings.mqtt_options() else {
        return;
    };
    let (session, mut events) = Session::start(
        options,
        SessionOptions {
            subscriptions: vec![topics.from_filter()],
            capacity: 1024,
            overflow: Overflow::Wait,
            backoff: Backoff::default(),
            authority: broker.authority(),
            uid: None,
            password_source: crate::mqtt::PasswordSource::NotGiven,
        },
    );
    let start = Instant::now();
    let mut ticks = tokio::time::interval(Duration::from_millis(50));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                if !session.is_connected() {
                    continue;
                }
                for message in fleet.tick(start.elapsed()) {
                    // A full queue loses one simulated message; the fleet goes on.
                    let _ = session.publish_raw(&message.topic, message.payload);
                }
            }
            event = events.recv() => match event {
                Some(SessionEvent::Message(publish)) => {
                    fleet.on_server_message(&publish.topic, &publish.payload, start.elapsed());
                }
                Some(_) => {}
                None => return,
            }
        }
    }
}
