//! What to do about a connectivity failure, by its family
//! ([`FailureKind`]): the reason's own sentence says what happened (and
//! often the likely cause), this says where to act.

use crate::mqtt::{ConnectionSettings, FailureKind};

/// The fix for a failure of `kind` reaching the broker of `connection`.
pub(super) fn fix(kind: FailureKind, connection: &ConnectionSettings) -> String {
    let broker = &connection.broker;
    match kind {
        FailureKind::Unreachable => format!(
            "check the host and port in --broker ({}; the WebPortal broker listens on 8886) and that this network may reach it (VPN, proxy, firewall)",
            broker.authority()
        ),
        FailureKind::BadCredentials => "check --uid and the password (WPCONSOLE_PASSWORD or --password-file): Stellantis issues them per environment; a password file's first line is the password".to_owned(),
        FailureKind::Refused => "do what the broker's answer above says".to_owned(),
        FailureKind::Certificate => "check --ca (the CA that signs the broker's certificate) and --cert/--key (the client certificate Stellantis issued for this environment, not expired)".to_owned(),
        FailureKind::Tls => format!(
            "check the scheme: mqtts:// for a TLS port (8886), mqtt:// for a plain one; {broker} is what is used now"
        ),
        FailureKind::Timeout => format!(
            "check the port in --broker ({}) and that nothing on the way (firewall, proxy) swallows the traffic",
            broker.authority()
        ),
        FailureKind::Closed => format!(
            "check the scheme and port in --broker ({broker}): the WebPortal broker is mqtts:// on port 8886"
        ),
    }
}
