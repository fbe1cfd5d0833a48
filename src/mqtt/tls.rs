//! TLS for `mqtts://` and `wss://`: trust roots, the client certificate
//! Stellantis issues, and the loudly-warned `--insecure` mode.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the TLS material comes from.
#[derive(Debug, Clone, Default)]
pub struct TlsFiles {
    /// PEM file of CA certificates; replaces the system roots when given.
    pub ca: Option<PathBuf>,
    /// PEM client certificate (chain) and its private key.
    pub client: Option<(PathBuf, PathBuf)>,
    /// Accept any server certificate. Only for tests against throwaway brokers.
    pub insecure: bool,
}

impl TlsFiles {
    /// The sentence saying the CA, client certificate and key given are
    /// not used, when `scheme` is plain (`mqtt://`, `ws://`) and any of
    /// them is given: the one wording commands print and doctor shows.
    pub fn unused_with(&self, scheme: super::Scheme) -> Option<String> {
        let given = self.ca.is_some() || self.client.is_some();
        let (plain, tls) = match scheme {
            super::Scheme::Mqtt => ("mqtt://", "mqtts://"),
            super::Scheme::Ws => ("ws://", "wss://"),
            super::Scheme::Mqtts | super::Scheme::Wss => return None,
        };
        given.then(|| {
            format!("--ca/--cert/--key are not used with {plain}: use {tls} to connect with TLS")
        })
    }
}

/// Why TLS cannot be set up; each says which file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot read {what} {path}: {source}")]
    Read {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what} {path} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")]
    NoCertificate { what: &'static str, path: PathBuf },
    #[error("CA file {path}: a certificate cannot be used as a trust root: {reason}")]
    BadCa { path: PathBuf, reason: String },
    /// The client certificate or key file, as [`super::certificate`] reads
    /// it; also a CA file in DER, said in the same words.
    #[error(transparent)]
    Client(#[from] super::certificate::CertificateError),
    #[error("client certificate {cert} and key {key} cannot be used together: {reason}")]
    ClientAuth {
        cert: PathBuf,
        key: PathBuf,
        reason: String,
    },
    #[error("no trust roots found on this system; pass the broker's CA with --ca FILE")]
    NoSystemRoots,
    #[error("TLS setup failed: {0}")]
    Rustls(#[from] rustls::Error),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn read_certificates(
    what: &'static str,
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let bytes = std::fs::read(path).map_err(|source| TlsSetupError::Read {
        what,
        path: path.to_owned(),
        source,
    })?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        if let Some(der) = super::certificate::der_certificate(what, path, &bytes) {
            return Err(der.into());
        }
        return Err(TlsSetupError::NoCertificate {
            what,
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

/// Builds the rustls client configuration.
pub fn client_config(files: &TlsFiles) -> Result<ClientConfig, TlsSetupError> {
    let builder =
        ClientConfig::builder_with_provider(provider()).with_safe_default_protocol_versions()?;
    let builder = if files.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyServer(
                provider().signature_verification_algorithms,
            )))
    } else {
        builder.with_root_certificates(trust_roots(files.ca.as_deref())?)
    };
    let config = match &files.client {
        None => builder.with_no_client_auth(),
        Some((cert_path, key_path)) => {
            // Read where `wpconsole doctor` and the expiry check read them,
            // with the same words for what is wrong.
            let chain = super::certificate::read_chain(cert_path)?;
            let key = super::certificate::read_key(key_path)?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|err| TlsSetupError::ClientAuth {
                    cert: cert_path.clone(),
                    key: key_path.clone(),
                    reason: describe_client_certificate(&err),
                })?
        }
    };
    Ok(config)
}

/// The certificates a server presented in a handshake, kept by a
/// configuration from [`client_config_keeping_chain`].
pub type PresentedChain = Arc<std::sync::Mutex<Vec<CertificateDer<'static>>>>;

/// [`client_config`] that also keeps the chain the server presents in
/// `presented`, before it is verified (the same way): `wpconsole doctor`
/// shows the chain whether or not it verifies.
pub fn client_config_keeping_chain(
    files: &TlsFiles,
    presented: PresentedChain,
) -> Result<ClientConfig, TlsSetupError> {
    let mut config = client_config(files)?;
    let verifier: Arc<dyn ServerCertVerifier> = if files.insecure {
        Arc::new(AcceptAnyServer(
            provider().signature_verification_algorithms,
        ))
    } else {
        rustls::client::WebPkiServerVerifier::builder_with_provider(
            Arc::new(trust_roots(files.ca.as_deref())?),
            provider(),
        )
        .build()
        .map_err(|err| TlsSetupError::Rustls(rustls::Error::General(err.to_string())))?
    };
    config
        .dangerous()
        .set_certificate_verifier(Arc::new(KeepingChain {
            verifier,
            presented,
        }));
    Ok(config)
}

/// Keeps the presented chain, then lets the real verifier decide.
#[derive(Debug)]
struct KeepingChain {
    verifier: Arc<dyn ServerCertVerifier>,
    presented: PresentedChain,
}

impl ServerCertVerifier for KeepingChain {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut presented) = self.presented.lock() {
            *presented = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|cert| cert.clone().into_owned())
                .collect();
        }
        self.verifier
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.verifier.supported_verify_schemes()
    }
}

fn trust_roots(ca: Option<&Path>) -> Result<RootCertStore, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    if let Some(path) = ca {
        for cert in read_certificates("CA file", path)? {
            roots.add(cert).map_err(|err| TlsSetupError::BadCa {
                path: path.to_owned(),
                reason: describe_rustls(&err),
            })?;
        }
    } else {
        let found = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(found.certs);
        if roots.is_empty() {
            return Err(TlsSetupError::NoSystemRoots);
        }
    }
    Ok(roots)
}

/// Why our own client certificate cannot be used, in words.
fn describe_client_certificate(err: &rustls::Error) -> String {
    if format!("{err:?}").contains("UnsupportedCertVersion") {
        return "it is an X.509 version 1 certificate, which rustls does not accept: ask for a version 3 certificate".into();
    }
    match err {
        rustls::Error::InconsistentKeys(_) => {
            "the private key does not belong to the certificate".into()
        }
        rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding) => {
            "the certificate is malformed".into()
        }
        other => other.to_string(),
    }
}

/// Whether `err` is a certificate that failed verification (the broker's,
/// or ours as the broker tells it): trying again fails again.
pub fn is_certificate_failure(err: &rustls::Error) -> bool {
    use rustls::{AlertDescription, Error};
    match err {
        Error::InvalidCertificate(_) | Error::NoCertificatesPresented => true,
        Error::AlertReceived(alert) => matches!(
            alert,
            AlertDescription::CertificateRequired
                | AlertDescription::BadCertificate
                | AlertDescription::UnknownCA
                | AlertDescription::CertificateUnknown
                | AlertDescription::UnsupportedCertificate
                | AlertDescription::CertificateExpired
                | AlertDescription::CertificateRevoked
        ),
        _ => false,
    }
}

/// A rustls error in words a user can act on.
pub fn describe_rustls(err: &rustls::Error) -> String {
    use rustls::{AlertDescription, CertificateError, Error};
    match err {
        Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => "the server's certificate is not signed by a trusted CA: pass the CA that signed it with --ca FILE (or check you reach the right broker)".into(),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "the server's certificate is not valid for this host name: connect with the name in the certificate".into()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => "the server's certificate has expired".into(),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "the server's certificate is not valid yet (check this machine's clock)".into()
            }
            CertificateError::Revoked => "the server's certificate is revoked".into(),
            CertificateError::BadEncoding => "the server's certificate is malformed".into(),
            other if format!("{other:?}").contains("UnsupportedCertVersion") => {
                "the server's certificate is X.509 version 1, which rustls does not accept".into()
            }
            other if format!("{other:?}").contains("CaUsedAsEndEntity") => {
                "the server presents a CA certificate as its own (a self-signed certificate made with CA:TRUE, as `openssl req -x509` makes by default): give the broker a server certificate signed by that CA; --ca cannot make this one acceptable".into()
            }
            other => format!(
                "the server's certificate was rejected ({other:?}): check it with `openssl s_client -connect HOST:PORT -CAfile FILE`"
            ),
        },
        Error::AlertReceived(alert) => match alert {
            AlertDescription::CertificateRequired => {
                "the broker requires a client certificate: pass --cert FILE --key FILE".into()
            }
            AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnsupportedCertificate => format!(
                "the broker rejected our client certificate ({alert:?}): check --cert and --key are the ones Stellantis issued for this environment"
            ),
            AlertDescription::CertificateExpired => "the broker says our client certificate has expired".into(),
            other => format!("the broker ended the TLS handshake ({other:?})"),
        },
        Error::NoCertificatesPresented => "the server presented no certificate".into(),
        Error::InconsistentKeys(_) => "the private key does not belong to the certificate".into(),
        Error::General(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Accepts any server certificate but still checks the handshake
/// signatures, so the session is encrypted, just not authenticated.
#[derive(Debug)]
struct AcceptAnyServer(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_certificate_used_as_the_servers_own_is_said_in_words_with_the_fix() {
        #[derive(Debug)]
        struct CaUsedAsEndEntity;
        impl std::fmt::Display for CaUsedAsEndEntity {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("CA used as end entity")
            }
        }
        impl std::error::Error for CaUsedAsEndEntity {}
        let err = rustls::Error::InvalidCertificate(rustls::CertificateError::Other(
            rustls::OtherError(std::sync::Arc::new(CaUsedAsEndEntity)),
        ));
        let said = describe_rustls(&err);
        assert!(
            said.contains("presents a CA certificate as its own") && !said.contains("OtherError"),
            "{said}"
        );
    }

    #[test]
    fn missing_files_are_named() {
        let err = client_config(&TlsFiles {
            ca: Some("/nonexistent/ca.pem".into()),
            ..TlsFiles::default()
        })
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read CA file /nonexistent/ca.pem"),
            "{err}"
        );
    }

    #[test]
    fn a_der_ca_file_is_said_to_be_der_with_the_command_that_converts_it() {
        let dir = tempfile::tempdir().unwrap();
        let ca = rcgen::generate_simple_self_signed(vec!["ca.test".into()]).unwrap();
        let path = dir.path().join("ca.der");
        std::fs::write(&path, ca.cert.der()).unwrap();
        let err = client_config(&TlsFiles {
            ca: Some(path.clone()),
            ..TlsFiles::default()
        })
        .unwrap_err();
        let path = path.display();
        let said = err.to_string();
        assert!(
            said.contains(&format!("the CA file {path} is not PEM but binary (DER)"))
                && said.contains(&format!(
                    "`openssl x509 -inform der -in {path} -out {path}.pem`"
                ))
                && said.contains(&format!("pass {path}.pem with --ca")),
            "{said}"
        );
    }

    #[test]
    fn a_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "not a certificate").unwrap();
        let err = client_config(&TlsFiles {
            ca: Some(path),
            ..TlsFiles::default()
        })
        .unwrap_err();
        assert!(
            err.to_string().contains("holds no PEM certificate"),
            "{err}"
        );
    }

    #[test]
    fn the_client_files_are_read_as_the_certificate_module_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["c".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let cert_path = dir.path().join("c.pem");
        let key_path = dir.path().join("c.key");
        std::fs::write(&cert_path, cert.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        let swapped = TlsFiles {
            client: Some((key_path, cert_path)),
            insecure: true,
            ..TlsFiles::default()
        };
        let err = client_config(&swapped).unwrap_err();
        assert!(
            matches!(
                err,
                TlsSetupError::Client(
                    super::super::certificate::CertificateError::NoCertificate { .. }
                )
            ) && err.to_string().contains("may be swapped"),
            "{err}"
        );
    }
}
