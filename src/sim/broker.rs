//! The embedded broker (rumqttd, in-process) that `wpconsole demo` runs on
//! 127.0.0.1, sized like the WebPortal broker.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// A broker listening on loopback.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedBroker {
    /// MQTT over TCP.
    pub addr: SocketAddr,
    /// MQTT over WebSocket, when asked for.
    pub websocket: Option<SocketAddr>,
}

/// Why the embedded broker did not start.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error(
        "port {port} on 127.0.0.1 is not free ({source}); choose another with --port, or --port 0 for any free port"
    )]
    PortBusy { port: u16, source: std::io::Error },
    #[error("the embedded broker did not start listening on {0} within 5 s")]
    NotListening(SocketAddr),
    #[error("cannot start the embedded broker: {0}")]
    Start(String),
}

/// Starts the broker on `127.0.0.1:port` (`0`: any free port) and waits
/// until it accepts connections.
pub fn start(port: u16) -> Result<EmbeddedBroker, BrokerError> {
    start_with_websocket(port, None)
}

/// Claims a loopback port: a busy port is reported here instead of failing
/// inside rumqttd's thread, and port 0 becomes a real port number.
fn free_loopback(port: u16) -> Result<SocketAddr, BrokerError> {
    let probe = TcpListener::bind(("127.0.0.1", port))
        .map_err(|source| BrokerError::PortBusy { port, source })?;
    probe
        .local_addr()
        .map_err(|source| BrokerError::PortBusy { port, source })
}

/// Like [`start`], plus an MQTT-over-WebSocket listener on `websocket_port`.
pub fn start_with_websocket(
    port: u16,
    websocket_port: Option<u16>,
) -> Result<EmbeddedBroker, BrokerError> {
    let addr = free_loopback(port)?;
    let websocket = websocket_port.map(free_loopback).transpose()?;

    let connections = rumqttd::ConnectionSettings {
        connection_timeout_ms: 10_000,
        // The WebPortal limit is on the payload; leave room for topic and header.
        max_payload_size: crate::mqtt::MAX_PACKET_BYTES,
        max_inflight_count: 500,
        auth: None,
        external_auth: None,
        dynamic_filters: true,
    };
    let server = |name: &str, listen: SocketAddr| rumqttd::ServerSettings {
        name: name.into(),
        listen,
        tls: None,
        next_connection_delay_ms: 1,
        connections: connections.clone(),
    };
    let config = rumqttd::Config {
        id: 0,
        router: rumqttd::RouterConfig {
            max_connections: 1000,
            max_outgoing_packet_count: 1000,
            max_segment_size: 16 * 1024 * 1024,
            max_segment_count: 4,
            ..rumqttd::RouterConfig::default()
        },
        v4: Some(HashMap::from([("demo".to_owned(), server("demo", addr))])),
        ws: websocket
            .map(|listen| HashMap::from([("demo-ws".to_owned(), server("demo-ws", listen))])),
        ..rumqttd::Config::default()
    };
    let mut broker = rumqttd::Broker::new(config);
    std::thread::Builder::new()
        .name("demo-broker".into())
        .spawn(move || {
            if let Err(err) = broker.start() {
                eprintln!("wpconsole: the embedded broker stopped: {err}");
            }
        })
        .map_err(|err| BrokerError::Start(err.to_string()))?;

    let deadline = Instant::now() + Duration::from_secs(5);
    for listening in std::iter::once(addr).chain(websocket) {
        while TcpStream::connect_timeout(&listening, Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline {
                return Err(BrokerError::NotListening(listening));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Ok(EmbeddedBroker { addr, websocket })
}
