//! The second step, on this machine: the CA, client certificate and key
//! files. A failure here is a local problem (exit 1): nothing was sent
//! anywhere.

use super::Step;
use crate::mqtt::ConnectionSettings;
use crate::mqtt::certificate::{
    CertificateError, ClientAuth, ClientCertificate, Expiry, days_in_words, renewal,
};
use crate::mqtt::tls::{self, TlsSetupError};
use chrono::Utc;
use std::path::Path;

const STEP: &str = "files";

/// Step 2: the CA, client certificate and key files: readable, PEM, the
/// key the certificate's own; the certificate's subject, issuer, dates,
/// days left and extended key usage (`certificate` reads them, as for
/// every command).
pub(super) fn files(connection: &ConnectionSettings, warn_days: u32) -> (Step, Option<()>) {
    if !connection.broker.scheme.is_tls() {
        return (
            Step::pass(
                STEP,
                match connection.tls.unused_with(connection.broker.scheme) {
                    Some(unused) => format!(
                        "not used: the broker URL is plain MQTT (no TLS): {unused}; the WebPortal broker speaks TLS (mqtts:// on port 8886)"
                    ),
                    None => "not used: the broker URL is plain MQTT (no TLS)".to_owned(),
                },
            ),
            Some(()),
        );
    }
    let mut details = Vec::new();
    let mut found = "readable and usable".to_owned();
    if let Some((cert, key)) = &connection.tls.client {
        match client_certificate(
            cert,
            key,
            connection.uid.as_deref(),
            warn_days,
            &mut details,
        ) {
            Ok(Some(warning)) => found = format!("usable; {warning}"),
            Ok(None) => {}
            Err(step) => return (step.with_details(details), None),
        }
    } else {
        details.push(
            "cert        none: a broker that asks for a client certificate (the WebPortal's does) refuses the handshake; give --cert FILE --key FILE".to_owned(),
        );
    }
    if let Err(err) = tls::client_config(&connection.tls) {
        return (
            Step::fail(STEP, err.to_string(), files_fix(&err)).with_details(details),
            None,
        );
    }
    details.insert(
        0,
        match &connection.tls.ca {
            Some(ca) => format!("ca          {}: readable, PEM certificates", ca.display()),
            None => "ca          the system's trust roots".to_owned(),
        },
    );
    (Step::pass(STEP, found).with_details(details), Some(()))
}

/// The client certificate's facts into `details`; the warning when it
/// ends soon, or the failed step (without details).
fn client_certificate(
    cert: &Path,
    key: &Path,
    uid: Option<&str>,
    warn_days: u32,
    details: &mut Vec<String>,
) -> Result<Option<String>, Step> {
    let certificate =
        ClientCertificate::read_certificate(cert).map_err(|err| certificate_failure(&err))?;
    details.push(format!(
        "cert        {}: {}, issued by {}",
        cert.display(),
        certificate.subject,
        certificate.issuer
    ));
    let now = Utc::now();
    let days = certificate.days_left(now);
    details.push(format!(
        "            valid from {} to {} ({}), extended key usage: {}",
        certificate.not_before.date_naive(),
        certificate.not_after.date_naive(),
        if now > certificate.not_after {
            "expired".to_owned()
        } else if days == 0 {
            "ends today".to_owned()
        } else {
            format!("{} left", days_in_words(days))
        },
        match certificate.client_auth {
            ClientAuth::Listed => "TLS client authentication",
            ClientAuth::Unrestricted => "none given (any use)",
            ClientAuth::AnyPurpose => "any purpose",
            ClientAuth::Missing => "without TLS client authentication",
        }
    ));
    certificate
        .check_key(key)
        .map_err(|err| certificate_failure(&err))?;
    details.push(format!(
        "key         {}: PEM, the certificate's own",
        key.display()
    ));
    let expiry = Expiry::of(&certificate, now, warn_days);
    if let Some(refusal) = expiry.refusal(&certificate, uid) {
        return Err(Step::fail(STEP, refusal, renewal(uid)));
    }
    if !certificate.is_valid_yet(now) {
        return Err(Step::fail(
            STEP,
            format!(
                "the client certificate {} is not valid before {}",
                certificate.name(),
                certificate.not_before
            ),
            "check this machine's clock and date; if they are right, the certificate is for later: ask Stellantis",
        ));
    }
    if !certificate.client_auth.allows_login() {
        return Err(Step::fail(
            STEP,
            format!(
                "the client certificate {} may not be used to log in: its extended key usage leaves out TLS client authentication, and the broker refuses it",
                certificate.name()
            ),
            "pass the client certificate Stellantis issued for logging in (--cert), not a server certificate",
        ));
    }
    Ok(expiry.warning(&certificate.name()))
}

/// A client certificate or key that cannot be used: the reader's own
/// sentence ends with the fix (`...: pass ...`), said apart here.
fn certificate_failure(err: &CertificateError) -> Step {
    let said = err.to_string();
    let (found, fix) = split_fix(&said);
    Step::fail(STEP, found, fix)
}

/// `problem: what to do` into its two halves, at the last ": " before
/// a verb that says what to do; the whole sentence twice if there is none.
fn split_fix(said: &str) -> (String, String) {
    const VERBS: [&str; 6] = ["pass ", "convert ", "check ", "write ", "ask ", "give "];
    let at = said
        .match_indices(": ")
        .map(|(at, _)| at)
        .filter(|at| VERBS.iter().any(|verb| said[at + 2..].starts_with(verb)))
        .last();
    match at {
        Some(at) => (said[..at].to_owned(), said[at + 2..].to_owned()),
        None => (said.to_owned(), "see the line above".to_owned()),
    }
}

/// What to do about a file TLS cannot use.
fn files_fix(err: &TlsSetupError) -> String {
    match err {
        TlsSetupError::Read { .. } => {
            "check the path and that this user may read the file".into()
        }
        TlsSetupError::NoCertificate { path, .. } => format!(
            "give the CA certificate(s) that sign the broker's certificate, in PEM, instead of {}",
            path.display()
        ),
        TlsSetupError::BadCa { .. } => {
            "give --ca the CA certificate(s) that sign the broker's certificate".into()
        }
        TlsSetupError::Client(err) => split_fix(&err.to_string()).1,
        TlsSetupError::ClientAuth { .. } => {
            "give --cert and --key as Stellantis issued them together (the key made for this certificate)".into()
        }
        TlsSetupError::NoSystemRoots => "pass the broker's CA with --ca FILE".into(),
        TlsSetupError::Rustls(_) => "check the CA, certificate and key files".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::split_fix;

    #[test]
    fn a_readers_sentence_is_split_into_the_problem_and_the_fix() {
        assert_eq!(
            split_fix(
                "the client key k.pem belongs to another certificate than c.pem: pass the key issued with this certificate (--key)"
            ),
            (
                "the client key k.pem belongs to another certificate than c.pem".to_owned(),
                "pass the key issued with this certificate (--key)".to_owned()
            )
        );
        let (found, fix) = split_fix("something odd: no verb here");
        assert_eq!(found, "something odd: no verb here");
        assert_eq!(fix, "see the line above");
    }
}
