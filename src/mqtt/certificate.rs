//! The client certificate Stellantis issues, read in one place: who it
//! names, who signed it, when it is valid, whether it may be used to log
//! in (extended key usage), and whether the key beside it is its own.
//!
//! The commands read it before connecting to warn about or refuse an
//! expiring certificate (see [`Expiry`]); `wpconsole doctor` shows the same
//! facts step by step. The TLS session itself is still built by
//! [`super::tls`], which fails on its own if the files cannot be used.

use chrono::{DateTime, NaiveDate, Utc};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use x509_parser::prelude::{FromDer as _, X509Certificate, X509Name};

/// The days before expiry from which a certificate is warned about, unless
/// configured (`--cert-warn-days`).
pub const DEFAULT_WARN_DAYS: u32 = 30;

/// Under this many days left, the warning is urgent (red in the console).
pub const URGENT_DAYS: u32 = 7;

/// Why the client certificate or its key cannot be read; each names the
/// file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    #[error("cannot read the {what} {path}: {source}: check the path (--{flag} FILE or the profile's `{flag}`)", flag = flag_of(what))]
    Unreadable {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// A certificate, CA or key file in binary DER where PEM is read: the
    /// one sentence for all three, with the `openssl` command converting
    /// that file (`x509` for certificates, `pkey` for a key).
    #[error(
        "the {what} {path} is not PEM but binary (DER): convert it with `openssl {tool} -inform der -in {path} -out {path}.pem` and pass {path}.pem with --{flag}",
        path = path.display(), flag = flag_of(what),
        tool = if flag_of(what) == "key" { "pkey" } else { "x509" }
    )]
    Der { what: &'static str, path: PathBuf },
    #[error(
        "the {what} {path} is not a PEM file (no -----BEGIN ...----- line): pass the {what} Stellantis issued (--{flag} FILE)", path = path.display(), flag = flag_of(what)
    )]
    NotPem { what: &'static str, path: PathBuf },
    #[error(
        "{path} holds no certificate (it holds: {found}): pass the client certificate with --cert and its private key with --key{swapped}", path = path.display(),
        swapped = if found.contains("PRIVATE KEY") { " (the two may be swapped)" } else { "" }
    )]
    NoCertificate { path: PathBuf, found: String },
    #[error(
        "the client certificate {path} cannot be parsed ({reason}): the file is damaged; ask Stellantis for the certificate again", path = path.display()
    )]
    Malformed { path: PathBuf, reason: String },
    #[error(
        "the client key {path} holds no private key (it holds: {found}): pass the private key issued with the certificate with --key{swapped}", path = path.display(),
        swapped = if found.contains("CERTIFICATE") { " (--cert and --key may be swapped)" } else { "" }
    )]
    NoKey { path: PathBuf, found: String },
    #[error(
        "the client key {path} is protected by a passphrase, which wpconsole cannot ask for: write an unprotected copy with `openssl pkey -in {path} -out client.key`, keep it private (chmod 600) and pass it with --key", path = path.display()
    )]
    EncryptedKey { path: PathBuf },
    #[error(
        "the client key {path} cannot be used ({reason}): pass the RSA, ECDSA or Ed25519 key issued with the certificate", path = path.display()
    )]
    UnusableKey { path: PathBuf, reason: String },
    #[error(
        "the client key {key} belongs to another certificate than {cert}: pass the key issued with this certificate (--key), or the certificate issued with this key (--cert)", key = key.display(), cert = cert.display()
    )]
    KeyOfAnotherCertificate { cert: PathBuf, key: PathBuf },
}

fn flag_of(what: &str) -> &'static str {
    if what.contains("key") {
        "key"
    } else if what.starts_with("CA") {
        "ca"
    } else {
        "cert"
    }
}

/// Whether the certificate may be used to log in to a broker, from its
/// extended key usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// The extension lists TLS client authentication.
    Listed,
    /// No extended key usage: any use is allowed.
    Unrestricted,
    /// The extension lists "any extended key usage".
    AnyPurpose,
    /// The extension is there without client authentication: a broker
    /// that checks it refuses the certificate.
    Missing,
}

impl ClientAuth {
    /// Whether a broker may accept the certificate for logging in.
    pub fn allows_login(self) -> bool {
        !matches!(self, Self::Missing)
    }
}

/// What the client certificate says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertificate {
    /// The file it was read from.
    pub path: PathBuf,
    /// The subject, RFC 4514 style (`CN=..., O=...`).
    pub subject: String,
    /// The subject's common name, when it has one.
    pub common_name: Option<String>,
    /// Who signed it (`CN=..., O=...`).
    pub issuer: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// Whether its extended key usage allows logging in.
    pub client_auth: ClientAuth,
    /// How many certificates the file holds (the client's own first, then
    /// any intermediates).
    pub chain_length: usize,
    /// The DER SubjectPublicKeyInfo, to compare with the key's.
    public_key: Vec<u8>,
}

impl ClientCertificate {
    /// Reads the certificate and its key, and checks the key is the
    /// certificate's own. What every connecting command calls.
    pub fn read(cert_path: &Path, key_path: &Path) -> Result<Self, CertificateError> {
        let certificate = Self::read_certificate(cert_path)?;
        certificate.check_key(key_path)?;
        Ok(certificate)
    }

    /// Reads the certificate alone (the first of the file, the client's
    /// own), for a caller that reports the key separately.
    pub fn read_certificate(path: &Path) -> Result<Self, CertificateError> {
        let chain = read_chain(path)?;
        let first = &chain[0];
        let malformed = |reason: String| CertificateError::Malformed {
            path: path.to_owned(),
            reason,
        };
        let (_, parsed) =
            X509Certificate::from_der(first.as_ref()).map_err(|err| malformed(err.to_string()))?;
        let client_auth = match parsed.extended_key_usage() {
            Ok(None) => ClientAuth::Unrestricted,
            Ok(Some(usage)) if usage.value.client_auth => ClientAuth::Listed,
            Ok(Some(usage)) if usage.value.any => ClientAuth::AnyPurpose,
            Ok(Some(_)) => ClientAuth::Missing,
            Err(err) => return Err(malformed(format!("extended key usage: {err}"))),
        };
        let time = |time: x509_parser::time::ASN1Time| {
            DateTime::from_timestamp(time.timestamp(), 0)
                .ok_or_else(|| malformed(format!("a validity date out of range: {time}")))
        };
        Ok(Self {
            path: path.to_owned(),
            subject: parsed.subject().to_string(),
            common_name: common_name(parsed.subject()),
            issuer: parsed.issuer().to_string(),
            not_before: time(parsed.validity().not_before)?,
            not_after: time(parsed.validity().not_after)?,
            client_auth,
            chain_length: chain.len(),
            public_key: parsed.public_key().raw.to_vec(),
        })
    }

    /// Checks the private key in `key_path` is this certificate's: the
    /// public key derived from it is the one the certificate carries.
    pub fn check_key(&self, key_path: &Path) -> Result<(), CertificateError> {
        let key = read_key(key_path)?;
        let unusable = |reason: String| CertificateError::UnusableKey {
            path: key_path.to_owned(),
            reason,
        };
        let signing = rustls::crypto::ring::sign::any_supported_type(&key)
            .map_err(|err| unusable(err.to_string()))?;
        let derived = signing
            .public_key()
            .ok_or_else(|| unusable("its public key cannot be derived".into()))?;
        if derived.as_ref() == self.public_key.as_slice() {
            Ok(())
        } else {
            Err(CertificateError::KeyOfAnotherCertificate {
                cert: self.path.clone(),
                key: key_path.to_owned(),
            })
        }
    }

    /// How the certificate names its holder in one line: `CN=...` when it
    /// has a common name, else the whole subject.
    pub fn name(&self) -> String {
        match &self.common_name {
            Some(cn) => format!("CN={cn}"),
            None => self.subject.clone(),
        }
    }

    /// Days left at `now`: calendar days (UTC) to the end date shown, so
    /// the number matches the date a reader sees (9 days and 23 hours
    /// before an end at midnight is 10); 0 on the last day, negative after.
    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        calendar_days(now, self.not_after)
    }

    /// Whether the certificate is valid yet at `now` (a wrong clock here,
    /// or a certificate issued for later).
    pub fn is_valid_yet(&self, now: DateTime<Utc>) -> bool {
        now >= self.not_before
    }
}

/// How close the certificate is to its end, the one rule every command and
/// the console follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// More than the warning window left.
    Fine,
    /// Within the warning window, at least [`URGENT_DAYS`] left.
    Soon { days: i64, date: NaiveDate },
    /// Within the warning window, under [`URGENT_DAYS`] left.
    Urgent { days: i64, date: NaiveDate },
    /// Past its end: the broker refuses it.
    Expired { date: NaiveDate },
}

impl Expiry {
    /// The certificate's state at `now`, warned `warn_days` ahead (0 warns
    /// of nothing; an expired certificate is refused whatever the window).
    pub fn of(certificate: &ClientCertificate, now: DateTime<Utc>, warn_days: u32) -> Self {
        ExpiryWatch::of(certificate, warn_days).at(now)
    }

    /// The warning for a command's stderr about the certificate `name`d
    /// (`CN=...`), `None` when there is nothing to warn about (or it is
    /// expired: see [`Expiry::refusal`]).
    pub fn warning(&self, name: &str) -> Option<String> {
        match *self {
            Self::Soon { days, date } | Self::Urgent { days, date } => Some(format!(
                "warning: the client certificate {name} expires on {date} ({}): ask Stellantis for a new one before then",
                days_in_words(days)
            )),
            Self::Fine | Self::Expired { .. } => None,
        }
    }

    /// Why an expired certificate is not used, with what to ask for; the
    /// account's `uid` is named when it is known.
    pub fn refusal(&self, certificate: &ClientCertificate, uid: Option<&str>) -> Option<String> {
        match *self {
            Self::Expired { date } => Some(format!(
                "the client certificate {} ({}) expired on {date}: the broker refuses it; {}",
                certificate.name(),
                certificate.path.display(),
                renewal(uid)
            )),
            _ => None,
        }
    }
}

/// What to do about an expired client certificate: the one sentence the
/// commands' refusal and the doctor's fix share, naming the UID the
/// certificate is for when it is known.
pub fn renewal(uid: Option<&str>) -> String {
    let whose = uid.map_or_else(|| "this UID".to_owned(), |uid| format!("UID {uid}"));
    format!(
        "ask Stellantis for a renewed client certificate for {whose} and pass it with --cert and --key"
    )
}

/// What a long-running console keeps of the certificate to say, at any
/// time, how close its end is (the status bar asks at every draw).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryWatch {
    /// How the certificate names its holder (`CN=...`).
    pub name: String,
    pub not_after: DateTime<Utc>,
    /// The warning window, in days.
    pub warn_days: u32,
}

impl ExpiryWatch {
    pub fn of(certificate: &ClientCertificate, warn_days: u32) -> Self {
        Self {
            name: certificate.name(),
            not_after: certificate.not_after,
            warn_days,
        }
    }

    /// The rule: expired past `not_after` (X.509's last valid instant),
    /// else warned within the window, urgently under [`URGENT_DAYS`]; the
    /// window and the urgency count calendar days to the end date, as the
    /// number said does, so a whole day reads alike all day long.
    pub fn at(&self, now: DateTime<Utc>) -> Expiry {
        let date = self.not_after.date_naive();
        if now > self.not_after {
            return Expiry::Expired { date };
        }
        let days = calendar_days(now, self.not_after);
        if self.warn_days == 0 || days > i64::from(self.warn_days) {
            return Expiry::Fine;
        }
        if days < i64::from(URGENT_DAYS) {
            Expiry::Urgent { days, date }
        } else {
            Expiry::Soon { days, date }
        }
    }
}

/// Calendar days (UTC) from `now`'s date to `end`'s date.
fn calendar_days(now: DateTime<Utc>, end: DateTime<Utc>) -> i64 {
    (end.date_naive() - now.date_naive()).num_days()
}

/// `11 days`, `1 day`, `today` (days counted as [`ExpiryWatch::at`] does).
pub fn days_in_words(days: i64) -> String {
    match days {
        i64::MIN..=0 => "today".into(),
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

/// One line about a certificate someone else presents (the broker's chain,
/// shown by `wpconsole doctor`): whom it names, who signed it and when it
/// ends. `None` when it cannot be parsed.
pub fn presented(der: &[u8]) -> Option<String> {
    let (_, parsed) = X509Certificate::from_der(der).ok()?;
    let name = common_name(parsed.subject())
        .map_or_else(|| parsed.subject().to_string(), |cn| format!("CN={cn}"));
    let until = DateTime::from_timestamp(parsed.validity().not_after.timestamp(), 0)
        .map_or_else(|| "?".to_owned(), |end| end.date_naive().to_string());
    Some(format!(
        "{name}, issued by {}, valid until {until}",
        parsed.issuer()
    ))
}

/// The certificates of a client certificate file, the client's own first:
/// what the TLS session presents, and what [`ClientCertificate`] reads.
/// Never empty.
pub fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, CertificateError> {
    let bytes = read_file("client certificate", path)?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .filter_map(Result::ok)
        .collect();
    if chain.is_empty() {
        return Err(no_certificate(path, &bytes));
    }
    Ok(chain)
}

/// The private key of a client key file (PKCS#8, RSA or EC PEM).
pub fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, CertificateError> {
    let bytes = read_file("client key", path)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|_| {
        let labels = pem_labels(&bytes);
        if labels.iter().any(|label| label.contains("ENCRYPTED")) {
            CertificateError::EncryptedKey {
                path: path.to_owned(),
            }
        } else if labels.is_empty() && PrivateKeyDer::try_from(bytes.as_slice()).is_ok() {
            CertificateError::Der {
                what: "client key",
                path: path.to_owned(),
            }
        } else if labels.is_empty() {
            CertificateError::NotPem {
                what: "client key",
                path: path.to_owned(),
            }
        } else {
            CertificateError::NoKey {
                path: path.to_owned(),
                found: labels.join(", "),
            }
        }
    })
}

fn read_file(what: &'static str, path: &Path) -> Result<Vec<u8>, CertificateError> {
    std::fs::read(path).map_err(|source| CertificateError::Unreadable {
        what,
        path: path.to_owned(),
        source,
    })
}

/// The error for a certificate file without a certificate: binary DER, no
/// PEM at all, or PEM of something else (a key, a request).
fn no_certificate(path: &Path, bytes: &[u8]) -> CertificateError {
    let labels = pem_labels(bytes);
    if !labels.is_empty() {
        return CertificateError::NoCertificate {
            path: path.to_owned(),
            found: labels.join(", "),
        };
    }
    if let Some(der) = der_certificate("client certificate", path, bytes) {
        return der;
    }
    CertificateError::NotPem {
        what: "client certificate",
        path: path.to_owned(),
    }
}

/// The error for a `what` file (`client certificate`, `CA file`) that
/// holds a certificate in binary DER rather than PEM, when it does.
pub fn der_certificate(what: &'static str, path: &Path, bytes: &[u8]) -> Option<CertificateError> {
    // A DER certificate is an ASN.1 SEQUENCE with a long-form length.
    (bytes.first() == Some(&0x30) && X509Certificate::from_der(bytes).is_ok()).then(|| {
        CertificateError::Der {
            what,
            path: path.to_owned(),
        }
    })
}

/// The labels of the PEM sections in a file (`CERTIFICATE`, `PRIVATE KEY`,
/// ...), each once, to say what a file holds instead of what was expected.
fn pem_labels(bytes: &[u8]) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for line in String::from_utf8_lossy(bytes).lines() {
        let Some(rest) = line.trim().strip_prefix("-----BEGIN ") else {
            continue;
        };
        let Some(label) = rest.strip_suffix("-----") else {
            continue;
        };
        if !labels.iter().any(|seen| seen == label) {
            labels.push(label.to_owned());
        }
    }
    labels
}

fn common_name(name: &X509Name<'_>) -> Option<String> {
    name.iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests;
