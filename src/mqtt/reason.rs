//! Why a connection ended or failed, in plain words.

use rumqttc::{ConnectReturnCode, ConnectionError, StateError};
use std::fmt::{self, Write as _};

/// The family of a connection failure; decides exit codes and advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Nothing listens there, or the name does not resolve.
    Unreachable,
    /// The broker refused the login.
    BadCredentials,
    /// The broker refused the connection for another reason.
    Refused,
    /// A certificate failed verification: the broker's (not signed by a
    /// trusted CA, another host's, expired, ...) or ours, rejected by the
    /// broker. It fails the same way until the user changes something.
    Certificate,
    /// The TLS handshake failed for another reason.
    Tls,
    /// The broker did not answer in time (connect or keep-alive).
    Timeout,
    /// The connection was closed or broke after it was established.
    Closed,
}

impl FailureKind {
    /// Whether retrying cannot help until the user acts: a broker that
    /// refused the login refuses it again, and brokers lock accounts that
    /// keep trying; a certificate that failed verification fails again.
    /// Every other failure is retried with backoff.
    pub fn waits_for_the_user(self) -> bool {
        matches!(self, Self::BadCredentials | Self::Certificate)
    }
}

/// Where the password of a connection came from: a refused login names it
/// (never the password itself), so the user knows what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// `--password-file FILE` or the profile's `password-file`.
    File(std::path::PathBuf),
    /// An environment variable, by name.
    Environment(String),
    /// Typed at the prompt.
    Prompt,
    /// None was given.
    NotGiven,
}

impl fmt::Display for PasswordSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "password from --password-file {}", path.display()),
            Self::Environment(name) => write!(f, "password from {name}"),
            Self::Prompt => f.write_str("password typed at the prompt"),
            Self::NotGiven => f.write_str(
                "no password given: set WPCONSOLE_PASSWORD or pass --password-file FILE",
            ),
        }
    }
}

/// A failure with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisconnectReason {
    pub kind: FailureKind,
    pub text: String,
}

impl DisconnectReason {
    /// The same reason for a connection that closed before the broker
    /// answered the login: then the port is the usual cause, and "closed"
    /// alone does not say what to fix. A TLS listener drops plain MQTT (or
    /// answers with a TLS alert), a plain one drops a TLS handshake, and a
    /// port of another service answers something else: `answer` is what
    /// the server sent to a CONNECT of its own ([`first_answer`]).
    #[must_use]
    pub fn before_login(mut self, tls: bool, authority: &str, answer: FirstAnswer) -> Self {
        // Silence to a CONNECT: a server of another kind (HTTP waits for a
        // request of its own) as often as a broker too far away.
        if self.kind == FailureKind::Timeout {
            let _ = write!(
                self.text,
                " before answering the login; if it is no MQTT broker (another service on that port), check the port"
            );
            return self;
        }
        if self.kind != FailureKind::Closed {
            return self;
        }
        if tls {
            let _ = write!(
                self.text,
                " before answering the login; likely cause: {authority} speaks MQTT without TLS (often port 1883): use mqtt://{authority}"
            );
            return self;
        }
        match answer {
            FirstAnswer::Mqtt => {}
            FirstAnswer::Other => {
                self.text = format!(
                    "the server at {authority} did not answer as an MQTT broker (it sent something else): check the port"
                );
            }
            FirstAnswer::Tls => {
                self.text = format!(
                    "the server at {authority} answered in TLS, not plain MQTT: use mqtts://{authority}"
                );
            }
            FirstAnswer::Nothing => {
                let _ = write!(
                    self.text,
                    " before answering the login; likely cause: {authority} is a TLS port (often 8883 or 8886): use mqtts://{authority}"
                );
            }
        }
        self
    }
}

/// What a server sends back to a plain MQTT CONNECT, told by its first
/// byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstAnswer {
    /// It closed (or reset) the connection without a byte, or said nothing
    /// in time: a TLS listener does this, and so may others.
    Nothing,
    /// A CONNACK: an MQTT broker.
    Mqtt,
    /// A TLS record: an alert (0x15) or a handshake (0x16).
    Tls,
    /// Anything else: an HTTP server, another protocol.
    Other,
}

impl FirstAnswer {
    /// Tells the answer by its first byte.
    pub fn of(answer: &[u8]) -> Self {
        match answer.first() {
            None => Self::Nothing,
            Some(0x20) => Self::Mqtt,
            Some(0x15 | 0x16) => Self::Tls,
            Some(_) => Self::Other,
        }
    }
}

/// Sends a CONNECT of its own to `authority` over plain TCP and tells what
/// came back within 2 s. Only for a diagnosis: rumqttc's errors do not
/// keep the bytes the server sent.
pub async fn first_answer(authority: &str) -> FirstAnswer {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    // MQTT 3.1.1 CONNECT: clean session, keep-alive 60 s, empty client id.
    const CONNECT: [u8; 14] = [
        0x10, 0x0c, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00,
    ];
    let probe = async {
        let mut stream = tokio::net::TcpStream::connect(authority).await.ok()?;
        stream.write_all(&CONNECT).await.ok()?;
        let mut answer = [0u8; 16];
        let read = stream.read(&mut answer).await.ok()?;
        Some(FirstAnswer::of(&answer[..read]))
    };
    tokio::time::timeout(std::time::Duration::from_secs(2), probe)
        .await
        .ok()
        .flatten()
        .unwrap_or(FirstAnswer::Nothing)
}

/// Why a connection attempt to `authority` failed, in the user's words:
/// [`describe`], and for a connection that closed before the login was
/// answered (`established` false) the likely cause, from what the server
/// answers to a CONNECT of its own (plain MQTT only). The session and
/// `wpconsole doctor` both say it so.
pub async fn explain(
    err: &ConnectionError,
    authority: &str,
    uid: Option<&str>,
    password: &PasswordSource,
    tls: bool,
    established: bool,
) -> DisconnectReason {
    let reason = describe(err, authority, uid, password);
    if established {
        return reason;
    }
    let answer = if tls || reason.kind != FailureKind::Closed {
        FirstAnswer::Nothing
    } else {
        first_answer(authority).await
    };
    reason.before_login(tls, authority, answer)
}

impl fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Explains a rumqttc error for the broker at `authority` and login `uid`,
/// whose password came from `password`.
pub fn describe(
    err: &ConnectionError,
    authority: &str,
    uid: Option<&str>,
    password: &PasswordSource,
) -> DisconnectReason {
    let (kind, text) = match err {
        ConnectionError::ConnectionRefused(code) => refused(*code, uid, password),
        ConnectionError::NetworkTimeout | ConnectionError::FlushTimeout => (
            FailureKind::Timeout,
            format!("timeout: {authority} did not answer in time"),
        ),
        ConnectionError::MqttState(StateError::ConnectionAborted) => (
            FailureKind::Closed,
            format!(
                "the broker at {authority} closed the connection without a word (it restarted, or dropped this client)"
            ),
        ),
        ConnectionError::MqttState(StateError::AwaitPingResp) => (
            FailureKind::Timeout,
            format!("timeout: {authority} stopped answering keep-alive pings"),
        ),
        other => {
            if let Some(tls) = find_rustls(other) {
                (
                    if super::tls::is_certificate_failure(tls) {
                        FailureKind::Certificate
                    } else {
                        FailureKind::Tls
                    },
                    format!(
                        "TLS failure with {authority}: {}",
                        super::tls::describe_rustls(tls)
                    ),
                )
            } else if let Some(io) = find_io(other) {
                io_failure(io, authority)
            } else {
                (
                    FailureKind::Closed,
                    format!("connection to {authority} lost: {other}"),
                )
            }
        }
    };
    DisconnectReason { kind, text }
}

fn refused(
    code: ConnectReturnCode,
    uid: Option<&str>,
    password: &PasswordSource,
) -> (FailureKind, String) {
    let login = uid.map_or_else(|| "no login".to_owned(), |u| format!("login {u:?}"));
    match code {
        ConnectReturnCode::BadUserNamePassword | ConnectReturnCode::NotAuthorized => {
            let why = if code == ConnectReturnCode::NotAuthorized {
                "not authorised"
            } else {
                "bad user name or password"
            };
            // A retry reads a password file again, but a password typed
            // at the prompt stays the one typed.
            let again = if *password == PasswordSource::Prompt {
                "; a retry uses the password typed at the start: quit and start again to type another"
            } else {
                ""
            };
            (
                FailureKind::BadCredentials,
                format!(
                    "login refused: {why} ({password}); the broker refused {login}: check --uid and the password{again}"
                ),
            )
        }
        ConnectReturnCode::BadClientId => (
            FailureKind::Refused,
            "refused: the broker does not accept this client id; set another with --client-id"
                .into(),
        ),
        ConnectReturnCode::ServiceUnavailable => (
            FailureKind::Refused,
            "refused: the broker says the service is unavailable".into(),
        ),
        other => (
            FailureKind::Refused,
            format!("refused by the broker ({other:?})"),
        ),
    }
}

fn io_failure(io: &std::io::Error, authority: &str) -> (FailureKind, String) {
    use std::io::ErrorKind;
    match io.kind() {
        ErrorKind::ConnectionRefused => (
            FailureKind::Unreachable,
            format!(
                "connection refused: nothing accepts connections at {authority} (is the broker running? right port?)"
            ),
        ),
        ErrorKind::TimedOut => (
            FailureKind::Timeout,
            format!("timeout: {authority} did not answer"),
        ),
        ErrorKind::NotFound
        | ErrorKind::AddrNotAvailable
        | ErrorKind::HostUnreachable
        | ErrorKind::NetworkUnreachable => (
            FailureKind::Unreachable,
            format!("cannot reach {authority}: {io}"),
        ),
        ErrorKind::UnexpectedEof
        | ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe => (
            FailureKind::Closed,
            format!("connection to {authority} closed by the broker"),
        ),
        _ if io.to_string().contains("failed to lookup address") => (
            FailureKind::Unreachable,
            format!("cannot resolve the broker's host name in {authority}"),
        ),
        _ => (
            FailureKind::Closed,
            format!("connection to {authority} failed: {io}"),
        ),
    }
}

fn find_rustls<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(tls) = inner.downcast_ref::<rustls::Error>()
        {
            return Some(tls);
        }
        current = e.source();
    }
    None
}

fn find_io<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a std::io::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests;
