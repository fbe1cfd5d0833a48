//! The way to the broker: DNS, TCP connect and the TLS handshake, each
//! on its own, so that a failure names the step it happened in. Failures
//! are worded by `mqtt::reason` and `mqtt::tls`, as every command words
//! them.

use super::{Step, failure};
use crate::mqtt::tls::{self, PresentedChain};
use crate::mqtt::{BrokerUrl, ConnectionSettings};
use rumqttc::ConnectionError;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Step 3: the broker's host name resolves.
pub(super) async fn dns(broker: &BrokerUrl, timeout: Duration) -> (Step, Option<Vec<SocketAddr>>) {
    const STEP: &str = "dns";
    let started = Instant::now();
    let looked_up = tokio::time::timeout(
        timeout,
        tokio::net::lookup_host((broker.host.as_str(), broker.port)),
    )
    .await;
    let took = started.elapsed();
    let found: io::Result<Vec<SocketAddr>> = match looked_up {
        Ok(Ok(addresses)) => Ok(addresses.collect()),
        Ok(Err(err)) => Err(err),
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no answer in {} s", timeout.as_secs()),
        )),
    };
    match found {
        Ok(addresses) if !addresses.is_empty() => {
            let shown: Vec<String> = addresses.iter().map(|a| a.ip().to_string()).collect();
            (
                Step::pass(
                    STEP,
                    format!("{} resolves to {}", broker.host, shown.join(", ")),
                )
                .timed(took),
                Some(addresses),
            )
        }
        Ok(_) => (
            Step::fail(
                STEP,
                format!("{} resolves to no address", broker.host),
                "check the host name in --broker (preprod: iot-partners-preprod.mpsa.com)",
            )
            .timed(took),
            None,
        ),
        Err(err) => (
            Step::fail(
                STEP,
                format!("cannot resolve {}: {err}", broker.host),
                "check the host name in --broker (preprod: iot-partners-preprod.mpsa.com) and this machine's DNS (a VPN or proxy may be needed)",
            )
            .timed(took),
            None,
        ),
    }
}

/// Step 4: a TCP connection to one of the addresses, timed.
pub(super) async fn tcp(
    connection: &ConnectionSettings,
    addresses: &[SocketAddr],
    timeout: Duration,
) -> (Step, Option<SocketAddr>) {
    const STEP: &str = "tcp";
    let mut last = None;
    let started = Instant::now();
    for address in addresses {
        let attempt = Instant::now();
        match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(address)).await {
            Ok(Ok(_)) => {
                return (
                    Step::pass(STEP, format!("connected to {address}")).timed(attempt.elapsed()),
                    Some(*address),
                );
            }
            Ok(Err(err)) => last = Some(err),
            Err(_) => {
                last = Some(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("no answer in {} s", timeout.as_secs()),
                ));
            }
        }
    }
    let err = last.unwrap_or_else(|| io::Error::other("no address to connect to"));
    let reason = crate::mqtt::reason::describe(
        &ConnectionError::Io(err),
        &connection.broker.authority(),
        connection.uid.as_deref(),
        &connection.password_source,
    );
    (
        Step::fail(STEP, reason.text, failure::fix(reason.kind, connection))
            .timed(started.elapsed()),
        None,
    )
}

/// Step 5: the TLS handshake at `address`: the protocol, the chain the
/// broker presents, whether it verifies against the CA and carries the
/// host name; then a moment for the broker to refuse our certificate
/// (TLS 1.3 says so only after the handshake).
pub(super) async fn tls(
    connection: &ConnectionSettings,
    address: SocketAddr,
    timeout: Duration,
) -> (Step, Option<()>) {
    const STEP: &str = "tls";
    if !connection.broker.scheme.is_tls() {
        return (
            Step::skipped(STEP, "not used: the broker URL is plain MQTT (no TLS)"),
            Some(()),
        );
    }
    let presented = PresentedChain::default();
    let config = match tls::client_config_keeping_chain(&connection.tls, presented.clone()) {
        Ok(config) => config,
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
    let name = match rustls::pki_types::ServerName::try_from(connection.broker.host.clone()) {
        Ok(name) => name,
        Err(err) => {
            return (
                Step::fail(
                    STEP,
                    format!(
                        "{:?} cannot be a TLS server name: {err}",
                        connection.broker.host
                    ),
                    "give the broker's host name in --broker",
                ),
                None,
            );
        }
    };
    let started = Instant::now();
    let handshake =
        tokio::task::spawn_blocking(move || handshake(address, config, name, timeout)).await;
    let took = started.elapsed();
    let handshake = handshake.unwrap_or_else(|err| Err(io::Error::other(err.to_string())));
    let mut details = chain_lines(&presented);
    match handshake {
        Ok(agreed) => {
            let verified = if connection.tls.insecure {
                "NOT verified (--insecure)".to_owned()
            } else {
                format!(
                    "the chain verifies against {} and the certificate is valid for {}",
                    connection.tls.ca.as_ref().map_or_else(
                        || "the system's trust roots".to_owned(),
                        |ca| ca.display().to_string()
                    ),
                    connection.broker.host
                )
            };
            details.push(verified);
            (
                Step::pass(STEP, agreed).with_details(details).timed(took),
                Some(()),
            )
        }
        Err(err) => {
            let fix = failure::tls_fix(&err, &connection.broker);
            let reason = crate::mqtt::reason::explain(
                &ConnectionError::Io(err),
                &connection.broker.authority(),
                connection.uid.as_deref(),
                &connection.password_source,
                true,
                false,
            )
            .await;
            let fix = fix.unwrap_or_else(|| failure::fix(reason.kind, connection));
            (
                Step::fail(STEP, reason.text, fix)
                    .with_details(details)
                    .timed(took),
                None,
            )
        }
    }
}

/// The handshake itself, blocking (it runs on a blocking thread); what
/// was agreed, in words.
fn handshake(
    address: SocketAddr,
    config: rustls::ClientConfig,
    name: rustls::pki_types::ServerName<'static>,
    timeout: Duration,
) -> io::Result<String> {
    let mut socket = std::net::TcpStream::connect_timeout(&address, timeout)?;
    socket.set_read_timeout(Some(timeout))?;
    socket.set_write_timeout(Some(timeout))?;
    let mut tls = rustls::ClientConnection::new(Arc::new(config), name)
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))?;
    while tls.is_handshaking() {
        tls.complete_io(&mut socket)?;
    }
    // In TLS 1.3 the broker checks our certificate after our last
    // handshake message: its refusal is an alert that follows. Silence
    // (or a session ticket) for a moment means it was accepted.
    socket.set_read_timeout(Some(Duration::from_millis(700)))?;
    match tls.complete_io(&mut socket) {
        Ok(_) => {}
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) => {}
        Err(err) => return Err(err),
    }
    let version = match tls.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_owned(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_owned(),
        Some(other) => format!("{other:?}"),
        None => "an unknown protocol".to_owned(),
    };
    let suite = tls
        .negotiated_cipher_suite()
        .map(|suite| format!(", {:?}", suite.suite()))
        .unwrap_or_default();
    tls.send_close_notify();
    let _ = tls.complete_io(&mut socket);
    Ok(format!("{version}{suite}"))
}

/// The chain the broker presented, a line per certificate.
fn chain_lines(presented: &PresentedChain) -> Vec<String> {
    let chain = presented
        .lock()
        .map(|chain| chain.clone())
        .unwrap_or_default();
    if chain.is_empty() {
        return Vec::new();
    }
    let count = chain.len();
    chain
        .iter()
        .enumerate()
        .map(|(at, cert)| {
            format!(
                "server certificate {} of {count}: {}",
                at + 1,
                crate::mqtt::certificate::presented(cert.as_ref())
                    .unwrap_or_else(|| format!("{} bytes that do not parse", cert.len()))
            )
        })
        .collect()
}
