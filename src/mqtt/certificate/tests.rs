use super::*;
use chrono::TimeZone as _;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
};

/// A certificate and its key, made for one test, in a directory of their own.
struct Made {
    dir: tempfile::TempDir,
    cert: PathBuf,
    key: PathBuf,
}

impl Made {
    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

fn make(customize: impl FnOnce(&mut CertificateParams)) -> Made {
    let (ca_params, ca_key) = {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "Stellantis test CA");
        (params, key)
    };
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "u123456");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "Garage");
    params.not_before = rcgen::date_time_ymd(2026, 1, 1);
    params.not_after = rcgen::date_time_ymd(2027, 1, 1);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    customize(&mut params);
    let pem = params.signed_by(&key, &issuer).unwrap().pem();
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("client.pem");
    let key_path = dir.path().join("client.key");
    std::fs::write(&cert, pem).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    Made {
        dir,
        cert,
        key: key_path,
    }
}

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

#[test]
fn the_facts_of_a_certificate_are_read_with_its_key() {
    let made = make(|_| {});
    let cert = ClientCertificate::read(&made.cert, &made.key).unwrap();
    assert_eq!(cert.common_name.as_deref(), Some("u123456"));
    assert!(cert.subject.contains("CN=u123456"), "{}", cert.subject);
    assert!(cert.subject.contains("O=Garage"), "{}", cert.subject);
    assert_eq!(cert.issuer, "CN=Stellantis test CA");
    assert_eq!(cert.not_before, utc(2026, 1, 1));
    assert_eq!(cert.not_after, utc(2027, 1, 1));
    assert_eq!(cert.client_auth, ClientAuth::Listed);
    assert_eq!(cert.chain_length, 1);
    assert_eq!(cert.name(), "CN=u123456");
    assert_eq!(cert.days_left(utc(2026, 12, 20)), 12);
    // To the date shown (2027-01-01), whatever the hour now.
    assert_eq!(
        cert.days_left(utc(2026, 12, 20) + chrono::Duration::hours(23)),
        12
    );
    assert_eq!(
        cert.days_left(utc(2026, 12, 21) - chrono::Duration::seconds(1)),
        12
    );
    assert!(cert.is_valid_yet(utc(2026, 1, 1)));
    assert!(!cert.is_valid_yet(utc(2025, 12, 31)));
}

#[test]
fn the_extended_key_usage_says_whether_the_certificate_may_log_in() {
    let server_only = make(|p| p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth]);
    let cert = ClientCertificate::read_certificate(&server_only.cert).unwrap();
    assert_eq!(cert.client_auth, ClientAuth::Missing);
    assert!(!cert.client_auth.allows_login());

    let unrestricted = make(|p| p.extended_key_usages.clear());
    let cert = ClientCertificate::read_certificate(&unrestricted.cert).unwrap();
    assert_eq!(cert.client_auth, ClientAuth::Unrestricted);
    assert!(cert.client_auth.allows_login());

    let any = make(|p| p.extended_key_usages = vec![ExtendedKeyUsagePurpose::Any]);
    let cert = ClientCertificate::read_certificate(&any.cert).unwrap();
    assert_eq!(cert.client_auth, ClientAuth::AnyPurpose);
}

#[test]
fn the_key_of_another_certificate_is_refused_naming_both_files() {
    let made = make(|_| {});
    let other = make(|_| {});
    let err = ClientCertificate::read(&made.cert, &other.key).unwrap_err();
    assert!(
        matches!(err, CertificateError::KeyOfAnotherCertificate { .. }),
        "{err:?}"
    );
    let said = err.to_string();
    assert!(
        said.contains(&other.key.display().to_string())
            && said.contains(&made.cert.display().to_string())
            && said.contains("--key"),
        "{said}"
    );
}

#[test]
fn an_ed25519_key_matches_its_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let params = CertificateParams::new(vec!["ed".into()]).unwrap();
    let cert = dir.path().join("c.pem");
    let key_path = dir.path().join("c.key");
    std::fs::write(&cert, params.self_signed(&key).unwrap().pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    ClientCertificate::read(&cert, &key_path).unwrap();
}

#[test]
fn each_unreadable_file_says_what_it_holds_and_what_to_do() {
    let made = make(|_| {});
    let cert_pem = std::fs::read_to_string(&made.cert).unwrap();
    let key_pem = std::fs::read_to_string(&made.key).unwrap();

    let missing = made.dir.path().join("nowhere.pem");
    let err = ClientCertificate::read(&missing, &made.key).unwrap_err();
    assert!(
        matches!(err, CertificateError::Unreadable { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("--cert FILE"), "{err}");
    let err = ClientCertificate::read(&made.cert, &missing).unwrap_err();
    assert!(err.to_string().contains("--key FILE"), "{err}");

    let text = made.write("text.pem", "hello");
    let err = ClientCertificate::read(&text, &made.key).unwrap_err();
    assert!(matches!(err, CertificateError::NotPem { .. }), "{err:?}");

    let der = rustls::pki_types::CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap();
    let der = made.write("client.der", der.as_ref());
    let err = ClientCertificate::read(&der, &made.key).unwrap_err();
    assert!(matches!(err, CertificateError::Der { .. }), "{err:?}");
    let said = err.to_string();
    let der_path = der.display();
    assert!(
        said.contains("binary (DER)")
            && said.contains(&format!(
                "`openssl x509 -inform der -in {der_path} -out {der_path}.pem`"
            ))
            && said.contains(&format!("pass {der_path}.pem with --cert")),
        "{said}"
    );

    // A DER key: detected, with the command that converts a key.
    let key_der = rustls::pki_types::PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).unwrap();
    let key_der = made.write("client.key.der", key_der.secret_der());
    let err = ClientCertificate::read(&made.cert, &key_der).unwrap_err();
    let said = err.to_string();
    let key_path = key_der.display();
    assert!(
        said.contains("binary (DER)")
            && said.contains(&format!(
                "`openssl pkey -inform der -in {key_path} -out {key_path}.pem`"
            ))
            && said.contains(&format!("pass {key_path}.pem with --key")),
        "{said}"
    );

    // --cert and --key swapped: each file holds what the other should.
    let err = ClientCertificate::read(&made.key, &made.cert).unwrap_err();
    assert!(
        matches!(err, CertificateError::NoCertificate { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("swapped"), "{err}");
    let err = ClientCertificate::read(&made.cert, &made.cert).unwrap_err();
    assert!(matches!(err, CertificateError::NoKey { .. }), "{err:?}");
    assert!(err.to_string().contains("swapped"), "{err}");

    let damaged = made.write(
        "damaged.pem",
        "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n",
    );
    let err = ClientCertificate::read(&damaged, &made.key).unwrap_err();
    assert!(matches!(err, CertificateError::Malformed { .. }), "{err:?}");

    let encrypted = made.write(
        "encrypted.key",
        key_pem.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY"),
    );
    let err = ClientCertificate::read(&made.cert, &encrypted).unwrap_err();
    assert!(
        matches!(err, CertificateError::EncryptedKey { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("openssl pkey"), "{err}");
}

#[test]
fn a_chain_file_is_read_from_its_first_certificate() {
    let made = make(|_| {});
    let other = make(|p| {
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name
            .push(DnType::CommonName, "intermediate");
    });
    let chain = format!(
        "{}{}",
        std::fs::read_to_string(&made.cert).unwrap(),
        std::fs::read_to_string(&other.cert).unwrap()
    );
    let path = made.write("chain.pem", chain);
    let cert = ClientCertificate::read(&path, &made.key).unwrap();
    assert_eq!(cert.chain_length, 2);
    assert_eq!(cert.common_name.as_deref(), Some("u123456"));
}

fn ends(not_after: DateTime<Utc>) -> ClientCertificate {
    ClientCertificate {
        path: "client.pem".into(),
        subject: "CN=u123456".into(),
        common_name: Some("u123456".into()),
        issuer: "CN=CA".into(),
        not_before: utc(2026, 1, 1),
        not_after,
        client_auth: ClientAuth::Listed,
        chain_length: 1,
        public_key: Vec::new(),
    }
}

#[test]
fn the_warning_window_starts_at_exactly_its_number_of_days() {
    let end = utc(2026, 12, 10);
    let cert = ends(end);
    let date = end.date_naive();
    let day = chrono::Duration::days(1);
    let second = chrono::Duration::seconds(1);
    assert_eq!(Expiry::of(&cert, end - day * 30 - second, 30), Expiry::Fine);
    assert_eq!(
        Expiry::of(&cert, end - day * 30, 30),
        Expiry::Soon { days: 30, date }
    );
    // The window starts with the calendar day (UTC) 30 days before the
    // date shown, not 30 times 24 hours before the last instant.
    assert_eq!(
        Expiry::of(&cert, end - day * 29 - chrono::Duration::hours(23), 30),
        Expiry::Soon { days: 30, date }
    );
    // Days are counted to the date shown: 9 days and 23 hours before an
    // end at midnight is 10 days by the calendar a reader looks at.
    assert_eq!(
        Expiry::of(&cert, end - day * 9 - chrono::Duration::hours(23), 30),
        Expiry::Soon { days: 10, date }
    );
    assert_eq!(
        Expiry::of(&cert, end - day * 11 - second, 30),
        Expiry::Soon { days: 12, date }
    );
    // Another window from the setting.
    assert_eq!(Expiry::of(&cert, end - day * 30, 10), Expiry::Fine);
    assert_eq!(
        Expiry::of(&cert, end - day * 10, 10),
        Expiry::Soon { days: 10, date }
    );
}

#[test]
fn under_seven_days_the_warning_is_urgent() {
    let end = utc(2026, 12, 10);
    let cert = ends(end);
    let date = end.date_naive();
    let day = chrono::Duration::days(1);
    let second = chrono::Duration::seconds(1);
    assert_eq!(
        Expiry::of(&cert, end - day * 7, 30),
        Expiry::Soon { days: 7, date }
    );
    // All of that calendar day is 7 days; the next one is urgent.
    assert_eq!(
        Expiry::of(&cert, end - day * 6 - second, 30),
        Expiry::Soon { days: 7, date }
    );
    assert_eq!(
        Expiry::of(&cert, end - day * 6, 30),
        Expiry::Urgent { days: 6, date }
    );
    assert_eq!(Expiry::of(&cert, end, 30), Expiry::Urgent { days: 0, date });
    // Ending late on its last day: "today" all that day, until it ends.
    let evening = end + chrono::Duration::hours(18);
    assert_eq!(
        Expiry::of(&ends(evening), end + chrono::Duration::hours(1), 30),
        Expiry::Urgent { days: 0, date }
    );
    assert_eq!(
        Expiry::of(&ends(evening), evening + second, 30),
        Expiry::Expired { date }
    );
}

#[test]
fn a_certificate_that_ended_yesterday_is_expired_whatever_the_window() {
    let end = utc(2026, 12, 10);
    let cert = ends(end);
    let date = end.date_naive();
    let yesterday_evening = end + chrono::Duration::hours(20);
    for window in [0, 30, 365] {
        assert_eq!(
            Expiry::of(&cert, yesterday_evening, window),
            Expiry::Expired { date }
        );
    }
    assert_eq!(
        Expiry::of(&cert, end + chrono::Duration::seconds(1), 30),
        Expiry::Expired { date }
    );
    // A window of 0 warns of nothing before the end, not even on its
    // last day.
    assert_eq!(
        Expiry::of(&cert, end - chrono::Duration::hours(1), 0),
        Expiry::Fine
    );
    assert_eq!(
        Expiry::of(
            &ends(end + chrono::Duration::hours(18)),
            end + chrono::Duration::hours(1),
            0
        ),
        Expiry::Fine
    );
}

#[test]
fn the_warning_and_the_refusal_name_the_certificate_the_date_and_what_to_ask_for() {
    let cert = ends(utc(2026, 12, 10));
    let soon = Expiry::of(&cert, utc(2026, 11, 29), 30);
    assert_eq!(
        soon.warning(&cert.name()).unwrap(),
        "warning: the client certificate CN=u123456 expires on 2026-12-10 (11 days): ask Stellantis for a new one before then"
    );
    assert_eq!(soon.refusal(&cert, Some("PARTNER1")), None);
    assert_eq!(Expiry::Fine.warning("CN=u123456"), None);

    let expired = Expiry::of(&cert, utc(2026, 12, 11), 30);
    assert_eq!(expired.warning(&cert.name()), None);
    let refusal = expired.refusal(&cert, Some("PARTNER1")).unwrap();
    assert!(
        refusal.contains("CN=u123456")
            && refusal.contains("client.pem")
            && refusal.contains("expired on 2026-12-10")
            && refusal.contains("renewed client certificate for UID PARTNER1 "),
        "{refusal}"
    );
    // Without a UID (none given yet) it still says what to ask for.
    let refusal = expired.refusal(&cert, None).unwrap();
    assert!(
        refusal.contains("renewed client certificate for this UID"),
        "{refusal}"
    );
}

#[test]
fn days_are_said_in_words() {
    assert_eq!(days_in_words(0), "today");
    assert_eq!(days_in_words(1), "1 day");
    assert_eq!(days_in_words(11), "11 days");
}

#[test]
fn a_presented_certificate_is_said_by_its_name_its_issuer_and_its_end() {
    let made = make(|_| {});
    let chain = read_chain(&made.cert).unwrap();
    assert_eq!(
        presented(chain[0].as_ref()).as_deref(),
        Some("CN=u123456, issued by CN=Stellantis test CA, valid until 2027-01-01")
    );
    assert_eq!(presented(b"not a certificate"), None);
}
