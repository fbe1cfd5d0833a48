//! The broker connection: options from the configuration, TLS, and the
//! session task that owns rumqttc's event loop.

pub mod certificate;
pub mod reason;
pub mod session;
pub mod tls;
pub mod url;

pub use reason::{DisconnectReason, FailureKind, PasswordSource};
pub use session::{Drops, InboundPublish, Overflow, PublishError, Session, SessionEvent};
pub use url::{BrokerUrl, Scheme};

use rumqttc::{MqttOptions, TlsConfiguration, Transport};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A password that never shows up in `Debug` output, logs or messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password file gives no password to log in with.
#[derive(Debug, thiserror::Error)]
pub enum PasswordFileError {
    #[error(
        "cannot read the password file {path}: {source}: check the path given with --password-file (or the profile's password-file)",
        path = path.display()
    )]
    Unreadable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// An empty first line would be sent as an empty password: a refused
    /// login the broker counts (accounts are locked after a few), so it
    /// is refused here instead.
    #[error(
        "the password file {path} is empty (its first line is the password): write the MQTT password on its first line, or leave --password-file out",
        path = path.display()
    )]
    Empty { path: std::path::PathBuf },
}

impl Password {
    /// The first line of a password file; an empty one is refused, never
    /// sent. Every reading of a password file comes here.
    pub fn from_file(path: &std::path::Path) -> Result<Self, PasswordFileError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| PasswordFileError::Unreadable {
                path: path.to_owned(),
                source,
            })?;
        match text.lines().next() {
            Some(line) if !line.is_empty() => Ok(Self::new(line.to_owned())),
            _ => Err(PasswordFileError::Empty {
                path: path.to_owned(),
            }),
        }
    }

    pub fn new(text: String) -> Self {
        Self(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Everything needed to connect to a broker.
#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    pub broker: BrokerUrl,
    pub client_id: String,
    /// The login, also used as the MQTT username.
    pub uid: Option<String>,
    pub password: Option<Password>,
    /// Where the password came from, for a refused login to say.
    pub password_source: PasswordSource,
    pub tls: tls::TlsFiles,
    pub keep_alive: Duration,
    /// The largest payload this run may publish (`--size-limit`, profile
    /// `size-limit`): the client's packet limit follows it, so a payload
    /// that passed the size check is never refused by rumqttc itself.
    pub size_limit: usize,
    /// The client certificate's end, when one is used: what the console's
    /// status bar says as it nears (commands warn once before connecting).
    pub expiry: Option<certificate::ExpiryWatch>,
}

/// What a PUBLISH packet carries besides its payload: a topic of at most
/// 65,535 bytes with its 2-byte length, a packet id, and the fixed header
/// (at most 5 bytes).
pub const PACKET_OVERHEAD_BYTES: usize = 65_535 + 2 + 2 + 5;

/// The outgoing packet limit for payloads of up to `size_limit` bytes.
/// rumqttc's own default is 10 KiB and counts the whole packet on the way
/// out, not the payload.
pub fn packet_limit(size_limit: usize) -> usize {
    size_limit.saturating_add(PACKET_OVERHEAD_BYTES)
}

/// Room for the largest message the WebPortal broker carries (128 KiB of
/// payload) plus topic and header, both ways.
pub const MAX_PACKET_BYTES: usize = 131_072 + PACKET_OVERHEAD_BYTES;

/// What the console accepts from the broker. Far above the WebPortal limit
/// on purpose: an oversized message from a misbehaving app is received and
/// shown (truncated, with a note) rather than breaking the connection.
pub const MAX_INCOMING_PACKET_BYTES: usize = 16 * 1024 * 1024;

impl ConnectionSettings {
    /// rumqttc options for these settings.
    pub fn mqtt_options(&self) -> Result<MqttOptions, tls::TlsSetupError> {
        let (host, transport) = match self.broker.scheme {
            Scheme::Mqtt => (self.broker.host.clone(), Transport::Tcp),
            Scheme::Mqtts => (
                self.broker.host.clone(),
                Transport::Tls(self.tls_configuration()?),
            ),
            Scheme::Ws => (self.broker.to_string(), Transport::Ws),
            Scheme::Wss => (
                self.broker.to_string(),
                Transport::Wss(self.tls_configuration()?),
            ),
        };
        let mut options = MqttOptions::new(self.client_id.clone(), host, self.broker.port);
        let outgoing = packet_limit(self.size_limit);
        options
            .set_transport(transport)
            .set_keep_alive(self.keep_alive)
            .set_clean_session(true)
            .set_max_packet_size(MAX_INCOMING_PACKET_BYTES.max(outgoing), outgoing)
            .set_request_channel_capacity(1024);
        match (&self.uid, &self.password) {
            (Some(uid), Some(password)) => {
                options.set_credentials(uid.clone(), password.expose());
            }
            (Some(uid), None) => {
                options.set_credentials(uid.clone(), "");
            }
            _ => {}
        }
        Ok(options)
    }

    fn tls_configuration(&self) -> Result<TlsConfiguration, tls::TlsSetupError> {
        Ok(TlsConfiguration::Rustls(Arc::new(tls::client_config(
            &self.tls,
        )?)))
    }
}

/// A client id that two consoles on one machine do not share.
pub fn default_client_id() -> String {
    format!("wpconsole-{}-{:04x}", std::process::id(), fastrand::u16(..))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_redacted_in_debug_output() {
        let settings = ConnectionSettings {
            broker: BrokerUrl::parse("mqtt://127.0.0.1").unwrap(),
            client_id: "c".into(),
            uid: Some("U".into()),
            password: Some(Password::new("hunter2".into())),
            password_source: PasswordSource::Environment("WPCONSOLE_PASSWORD".into()),
            tls: tls::TlsFiles::default(),
            keep_alive: Duration::from_secs(30),
            size_limit: 131_072,
            expiry: None,
        };
        let debug = format!("{settings:?}");
        assert!(!debug.contains("hunter2"));
        assert!(debug.contains("Password(***)"));
    }
}
