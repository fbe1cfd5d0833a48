//! Failures in words: refused logins, unreachable brokers, TLS and
//! certificate failures, and a close before the login with its likely cause.

use super::*;

#[test]
fn a_refused_typed_password_says_it_is_typed_again_only_by_starting_again() {
    // Ctrl-R retries with the password in memory: a wrong one typed at the
    // prompt is refused again, and the fix is to start again.
    let r = describe(
        &ConnectionError::ConnectionRefused(ConnectReturnCode::BadUserNamePassword),
        "h:1",
        Some("U1"),
        &PasswordSource::Prompt,
    );
    assert!(
        r.text.ends_with(
            "a retry uses the password typed at the start: quit and start again to type another"
        ),
        "{}",
        r.text
    );
    let r = describe(
        &ConnectionError::ConnectionRefused(ConnectReturnCode::BadUserNamePassword),
        "h:1",
        Some("U1"),
        &PasswordSource::File("/etc/wp/pw".into()),
    );
    assert!(
        r.text.ends_with("check --uid and the password"),
        "{}",
        r.text
    );
}

#[test]
fn refused_login_names_the_fix_and_never_the_password() {
    let r = describe(
        &ConnectionError::ConnectionRefused(ConnectReturnCode::BadUserNamePassword),
        "h:1",
        Some("U1"),
        &PasswordSource::Environment("WPCONSOLE_PASSWORD".into()),
    );
    assert_eq!(r.kind, FailureKind::BadCredentials);
    assert!(r.kind.waits_for_the_user());
    assert!(
        r.text.starts_with(
            "login refused: bad user name or password (password from WPCONSOLE_PASSWORD)"
        ),
        "{}",
        r.text
    );
    assert!(r.text.contains("\"U1\""), "{}", r.text);
    let r = describe(
        &ConnectionError::ConnectionRefused(ConnectReturnCode::NotAuthorized),
        "h:1",
        Some("U1"),
        &PasswordSource::File("/etc/wp/pw".into()),
    );
    assert!(
        r.text.starts_with(
            "login refused: not authorised (password from --password-file /etc/wp/pw)"
        ),
        "{}",
        r.text
    );
    for (source, said) in [
        (PasswordSource::Prompt, "password typed at the prompt"),
        (PasswordSource::NotGiven, "no password given"),
    ] {
        let r = describe(
            &ConnectionError::ConnectionRefused(ConnectReturnCode::NotAuthorized),
            "h:1",
            None,
            &source,
        );
        assert!(r.text.contains(said), "{}", r.text);
    }
}

#[test]
fn only_a_refused_login_or_certificate_waits_for_the_user() {
    for kind in [FailureKind::BadCredentials, FailureKind::Certificate] {
        assert!(kind.waits_for_the_user(), "{kind:?} fails again");
    }
    for kind in [
        FailureKind::Unreachable,
        FailureKind::Refused,
        FailureKind::Tls,
        FailureKind::Timeout,
        FailureKind::Closed,
    ] {
        assert!(!kind.waits_for_the_user(), "{kind:?} keeps the backoff");
    }
}

#[test]
fn connection_refused_is_unreachable() {
    let err = ConnectionError::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
    let r = describe(&err, "127.0.0.1:1", None, &PasswordSource::NotGiven);
    assert_eq!(r.kind, FailureKind::Unreachable);
    assert!(r.text.contains("127.0.0.1:1"));
}

#[test]
fn tls_errors_inside_io_errors_are_found() {
    let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
    let err = ConnectionError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, tls));
    let r = describe(&err, "h:8886", None, &PasswordSource::NotGiven);
    assert_eq!(r.kind, FailureKind::Certificate);
    assert!(r.kind.waits_for_the_user());
    assert!(r.text.contains("--ca FILE"), "{}", r.text);
    for (tls, kind) in [
        (
            rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName),
            FailureKind::Certificate,
        ),
        (
            rustls::Error::InvalidCertificate(rustls::CertificateError::Expired),
            FailureKind::Certificate,
        ),
        (
            rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired),
            FailureKind::Certificate,
        ),
        (
            rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure),
            FailureKind::Tls,
        ),
    ] {
        let err = ConnectionError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, tls));
        let r = describe(&err, "h:8886", None, &PasswordSource::NotGiven);
        assert_eq!(r.kind, kind, "{}", r.text);
    }
}

#[test]
fn a_close_before_the_login_names_the_scheme_that_does_not_match() {
    let closed = || {
        describe(
            &ConnectionError::Io(std::io::Error::from(std::io::ErrorKind::UnexpectedEof)),
            "h:8883",
            None,
            &PasswordSource::NotGiven,
        )
    };
    let plain = closed().before_login(false, "h:8883", FirstAnswer::Nothing);
    assert!(plain.text.contains("use mqtts://h:8883"), "{}", plain.text);
    let alert = closed().before_login(false, "h:8883", FirstAnswer::of(&[0x15, 3, 3]));
    assert!(alert.text.contains("use mqtts://h:8883"), "{}", alert.text);
    let http = closed().before_login(false, "h:8883", FirstAnswer::of(b"HTTP/1.1 400"));
    assert_eq!(
        http.text,
        "the server at h:8883 did not answer as an MQTT broker (it sent something else): check the port"
    );
    let broker = closed().before_login(false, "h:8883", FirstAnswer::of(&[0x20, 2, 0, 0]));
    assert_eq!(broker, closed(), "a broker after all: no guess");
    let tls = closed().before_login(true, "h:8883", FirstAnswer::Nothing);
    assert!(tls.text.contains("without TLS"), "{}", tls.text);
    assert!(tls.text.contains("use mqtt://h:8883"), "{}", tls.text);
    let refused = describe(
        &ConnectionError::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        "h:1",
        None,
        &PasswordSource::NotGiven,
    );
    assert_eq!(
        refused
            .clone()
            .before_login(false, "h:1", FirstAnswer::Other),
        refused,
        "only a close has this cause"
    );
}

#[test]
fn missed_pings_are_a_timeout() {
    let r = describe(
        &ConnectionError::MqttState(StateError::AwaitPingResp),
        "h:1",
        None,
        &PasswordSource::NotGiven,
    );
    assert_eq!(r.kind, FailureKind::Timeout);
}

#[test]
fn a_connection_the_broker_drops_is_said_without_rumqttc_words() {
    let r = describe(
        &ConnectionError::MqttState(StateError::ConnectionAborted),
        "127.0.0.1:1883",
        Some("U1"),
        &PasswordSource::NotGiven,
    );
    assert_eq!(r.kind, FailureKind::Closed);
    assert!(
        r.text.contains("closed the connection without a word") && !r.text.contains("Mqtt state"),
        "{}",
        r.text
    );
}

#[test]
fn silence_to_the_login_suggests_the_port_may_be_another_service() {
    let r = describe(
        &ConnectionError::NetworkTimeout,
        "127.0.0.1:8000",
        None,
        &PasswordSource::NotGiven,
    )
    .before_login(false, "127.0.0.1:8000", FirstAnswer::Nothing);
    assert_eq!(r.kind, FailureKind::Timeout);
    assert!(r.text.contains("check the port"), "{}", r.text);
}
