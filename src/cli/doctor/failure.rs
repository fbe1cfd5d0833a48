//! What to do about a connectivity failure, by its family
//! ([`FailureKind`]): the reason's own sentence says what happened (and
//! often the likely cause), this says where to act.

use crate::mqtt::{BrokerUrl, ConnectionSettings, FailureKind};

/// The fix for a failure of `kind` reaching the broker of `connection`.
pub(super) fn fix(kind: FailureKind, connection: &ConnectionSettings) -> String {
    fix_for(kind, &connection.broker)
}

fn fix_for(kind: FailureKind, broker: &BrokerUrl) -> String {
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
        // Closed before the login: the scheme does not fit the port. The
        // fix says which way, as the reason's likely cause does.
        FailureKind::Closed if broker.scheme.is_tls() => format!(
            "if {0} speaks plain MQTT, use mqtt://{0}; the WebPortal broker itself is mqtts:// on port 8886",
            broker.authority()
        ),
        FailureKind::Closed => format!(
            "if {0} speaks TLS, use mqtts://{0} (the WebPortal broker is mqtts:// on port 8886)",
            broker.authority()
        ),
    }
}

/// The fix for a TLS handshake that failed on a certificate, by what was
/// wrong with it: the family alone would send a host-name mismatch to the
/// CA file. `None` for other failures (the family's fix then).
pub(super) fn tls_fix(err: &std::io::Error, broker: &BrokerUrl) -> Option<String> {
    use rustls::{AlertDescription, CertificateError, Error};
    let tls = err.get_ref()?.downcast_ref::<Error>()?;
    match tls {
        Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => Some(format!(
            "connect with a name the broker's certificate is made out to (its names are in the details below): --broker mqtts://NAME:{}; {} is not one of them",
            broker.port, broker.host
        )),
        Error::InvalidCertificate(CertificateError::UnknownIssuer) => Some(
            "pass with --ca the CA that signs the broker's certificate (the one Stellantis gives with the account), or check that --broker names the right broker".to_owned(),
        ),
        Error::AlertReceived(
            AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnsupportedCertificate,
        ) => Some(
            "use with --cert and --key the client certificate and key Stellantis issued for this environment and UID: the broker does not accept this one".to_owned(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::{AlertDescription, CertificateError, Error};

    fn connection(broker: &str) -> BrokerUrl {
        BrokerUrl::parse(broker).unwrap()
    }

    fn io(err: Error) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, err)
    }

    #[test]
    fn a_certificate_failure_gets_the_fix_of_what_was_wrong_with_it() {
        let tls = connection("mqtts://localhost:8886");
        let name = tls_fix(
            &io(Error::InvalidCertificate(CertificateError::NotValidForName)),
            &tls,
        )
        .unwrap();
        assert!(name.contains("--broker mqtts://NAME:8886"), "{name}");
        assert!(
            !name.contains("--ca"),
            "a name mismatch is not the CA's: {name}"
        );
        let issuer = tls_fix(
            &io(Error::InvalidCertificate(CertificateError::UnknownIssuer)),
            &tls,
        )
        .unwrap();
        assert!(issuer.starts_with("pass with --ca"), "{issuer}");
        let ours = tls_fix(&io(Error::AlertReceived(AlertDescription::UnknownCA)), &tls).unwrap();
        assert!(ours.contains("--cert and --key"), "{ours}");
        assert!(tls_fix(&std::io::Error::other("reset"), &tls).is_none());
    }

    #[test]
    fn a_close_before_the_login_names_the_other_scheme_not_the_same() {
        // mqtts:// to a plain port: the reason says use mqtt://, so does the fix.
        let fix = fix_for(FailureKind::Closed, &connection("mqtts://127.0.0.1:1883"));
        assert!(
            fix.starts_with("if 127.0.0.1:1883 speaks plain MQTT, use mqtt://127.0.0.1:1883"),
            "{fix}"
        );
        let fix = fix_for(FailureKind::Closed, &connection("mqtt://127.0.0.1:8886"));
        assert!(
            fix.starts_with("if 127.0.0.1:8886 speaks TLS, use mqtts://127.0.0.1:8886"),
            "{fix}"
        );
    }
}
