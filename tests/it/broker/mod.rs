//! Headless commands against the embedded broker (always available):
//! `send` to a simulated vehicle and its acknowledgement seen by `tail`,
//! the 128 KiB limit both ways, and a broker that is not there.

mod limits;
mod log;
mod messages;
mod tracking;
mod watch;

use crate::util::{self, Running, Sandbox, UID};
use std::time::Duration;
use wpconsole::domain::TopicScheme;
use wpconsole::mqtt::BrokerUrl;
use wpconsole::sim::fleet::Fleet;

fn broker() -> u16 {
    wpconsole::sim::broker::start(0)
        .expect("embedded broker")
        .addr
        .port()
}

fn connect_args(port: u16) -> [String; 6] {
    [
        "--broker".into(),
        format!("mqtt://127.0.0.1:{port}"),
        "--uid".into(),
        UID.into(),
        "--app-id".into(),
        "APP".into(),
    ]
}

fn tail_json(sandbox: &Sandbox, port: u16, extra: &[&str]) -> Running {
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    sandbox.tail(&format!("mqtt://127.0.0.1:{port}"), &args)
}

/// A broker with a simulated fleet of 3 that acknowledges at once.
fn broker_with_fleet() -> (u16, tokio::runtime::Runtime, Vec<String>) {
    let port = broker();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let topics = TopicScheme::new(util::PREFIX, UID, true).unwrap();
    let fleet = Fleet::new(topics.clone(), 3, 11).with_malformed_share(0.0);
    let vins = fleet.vehicles.iter().map(|v| v.vin.to_string()).collect();
    let url = BrokerUrl::parse(&format!("mqtt://127.0.0.1:{port}")).unwrap();
    runtime.spawn(wpconsole::sim::run_fleet(url, topics, fleet));
    std::thread::sleep(Duration::from_millis(500));
    (port, runtime, vins)
}
