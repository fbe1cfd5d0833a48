//! Against mosquitto configured like the WebPortal broker: TLS with a
//! required client certificate, a password file, QoS capped at 0. Also a
//! broker killed and restarted under a running `tail`.
//!
//! Skipped with a notice when mosquitto is not installed; CI sets
//! `WPCONSOLE_REQUIRE_MOSQUITTO=1`, which turns the skip into a failure.

mod delivery;
mod doctor;
mod expiry;
mod passwords;
mod tls;
mod watch;

use crate::util::{Mosquitto, Sandbox, UID};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::path::PathBuf;
use std::process::Command;

const PASSWORD: &str = "correct horse battery staple";

/// Certificates made for one test: a CA, the broker's, a client's, and an
/// unrelated CA.
struct Pki {
    ca: PathBuf,
    other_ca: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client_cert: PathBuf,
    client_key: PathBuf,
    ca_key: PathBuf,
    /// A client certificate of the right CA whose validity ended.
    expired_cert: PathBuf,
    expired_key: PathBuf,
    /// A client certificate of the right CA that ends in 11 days (at
    /// midnight UTC: 11 days by the calendar, as said).
    soon_cert: PathBuf,
    soon_key: PathBuf,
}

/// The day a certificate made now for `days` more days ends.
fn days_from_now(days: i64) -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::days(days)).date_naive()
}

fn ca(name: &str) -> (CertificateParams, KeyPair, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let pem = params.self_signed(&key).unwrap().pem();
    (params, key, pem)
}

fn leaf(
    issuer: &Issuer<'_, KeyPair>,
    names: Vec<String>,
    usage: ExtendedKeyUsagePurpose,
) -> (String, String) {
    leaf_with(issuer, names, usage, |_| {})
}

fn leaf_with(
    issuer: &Issuer<'_, KeyPair>,
    names: Vec<String>,
    usage: ExtendedKeyUsagePurpose,
    customize: impl FnOnce(&mut CertificateParams),
) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(names).unwrap();
    customize(&mut params);
    params
        .distinguished_name
        .push(DnType::CommonName, "wpconsole test");
    params.extended_key_usages = vec![usage];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    (
        params.signed_by(&key, issuer).unwrap().pem(),
        key.serialize_pem(),
    )
}

impl Pki {
    fn generate(sandbox: &Sandbox) -> Self {
        let (ca_params, ca_key, ca_pem) = ca("wpconsole test CA");
        let ca_key_pem = ca_key.serialize_pem();
        let (_, _, other_pem) = ca("some other CA");
        let issuer = Issuer::new(ca_params, ca_key);
        let (server_cert, server_key) = leaf(
            &issuer,
            vec!["127.0.0.1".into(), "localhost".into()],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (client_cert, client_key) = leaf(
            &issuer,
            vec![UID.to_lowercase()],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let (expired_cert, expired_key) = leaf_with(
            &issuer,
            vec![UID.to_lowercase()],
            ExtendedKeyUsagePurpose::ClientAuth,
            |params| {
                params.not_before = rcgen::date_time_ymd(2020, 1, 1);
                params.not_after = rcgen::date_time_ymd(2021, 1, 1);
            },
        );
        let (soon_cert, soon_key) = leaf_with(
            &issuer,
            vec![UID.to_lowercase()],
            ExtendedKeyUsagePurpose::ClientAuth,
            |params| {
                use chrono::Datelike as _;
                let end = days_from_now(11);
                params.not_before = rcgen::date_time_ymd(2020, 1, 1);
                params.not_after = rcgen::date_time_ymd(
                    end.year(),
                    u8::try_from(end.month()).unwrap(),
                    u8::try_from(end.day()).unwrap(),
                );
            },
        );
        Self {
            ca_key: sandbox.write("ca.key", ca_key_pem),
            soon_cert: sandbox.write("soon.pem", soon_cert),
            soon_key: sandbox.write("soon.key", soon_key),
            expired_cert: sandbox.write("expired.pem", expired_cert),
            expired_key: sandbox.write("expired.key", expired_key),
            ca: sandbox.write("ca.pem", ca_pem),
            other_ca: sandbox.write("other-ca.pem", other_pem),
            server_cert: sandbox.write("server.pem", server_cert),
            server_key: sandbox.write("server.key", server_key),
            client_cert: sandbox.write("client.pem", client_cert),
            client_key: sandbox.write("client.key", client_key),
        }
    }
}

/// mosquitto as production is: TLS, client certificate required, password
/// file, anonymous refused, QoS 0 only.
fn production_like(sandbox: &Sandbox, pki: &Pki) -> Mosquitto {
    let passwd = sandbox.path("passwd");
    let made = Command::new("mosquitto_passwd")
        .args(["-b", "-c"])
        .arg(&passwd)
        .args([UID, PASSWORD])
        .output()
        .expect("mosquitto_passwd (package mosquitto)");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    Mosquitto::start(
        sandbox.dir.path(),
        &format!(
            "allow_anonymous false\npassword_file {}\ncafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\nmax_qos 0\n",
            passwd.display(),
            pki.ca.display(),
            pki.server_cert.display(),
            pki.server_key.display()
        ),
    )
}

fn tls_command(sandbox: &Sandbox, pki: &Pki, broker: &Mosquitto) -> Command {
    tls_command_with_ca(sandbox, pki, broker, &pki.ca)
}

fn tls_command_with_ca(
    sandbox: &Sandbox,
    pki: &Pki,
    broker: &Mosquitto,
    ca: &std::path::Path,
) -> Command {
    tls_command_with_files(sandbox, broker, ca, (&pki.client_cert, &pki.client_key))
}

/// `tls_command` with another CA or client certificate and key.
fn tls_command_with_files(
    sandbox: &Sandbox,
    broker: &Mosquitto,
    ca: &std::path::Path,
    (cert, key): (&std::path::Path, &std::path::Path),
) -> Command {
    let mut cmd = sandbox.wpconsole();
    cmd.args([
        "--broker",
        &format!("mqtts://127.0.0.1:{}", broker.port),
        "--uid",
        UID,
        "--app-id",
        "APP",
    ])
    .arg("--ca")
    .arg(ca)
    .arg("--cert")
    .arg(cert)
    .arg("--key")
    .arg(key)
    .env("WPCONSOLE_PASSWORD", PASSWORD);
    cmd
}

/// `mosquitto_sub`/`mosquitto_pub` options for the TLS broker.
fn mosquitto_client_tls(cmd: &mut Command, pki: &Pki, broker: &Mosquitto) {
    cmd.args([
        "-h",
        "127.0.0.1",
        "-p",
        &broker.port.to_string(),
        "-u",
        UID,
        "-P",
        PASSWORD,
    ])
    .arg("--cafile")
    .arg(&pki.ca)
    .arg("--cert")
    .arg(&pki.client_cert)
    .arg("--key")
    .arg(&pki.client_key);
}

/// A broker whose certificate is signed by the test CA with `customize`
/// applied (another host name, say).
fn broker_with_server_cert(sandbox: &Sandbox, names: Vec<String>) -> (Pki, Mosquitto) {
    let (ca_params, ca_key, ca_pem) = ca("wpconsole test CA");
    let issuer = Issuer::new(ca_params, ca_key);
    let (server_cert, server_key) = leaf(&issuer, names, ExtendedKeyUsagePurpose::ServerAuth);
    let (client_cert, client_key) = leaf(
        &issuer,
        vec![UID.to_lowercase()],
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    let pki = Pki {
        ca_key: sandbox.path("unused"),
        expired_cert: sandbox.path("unused"),
        expired_key: sandbox.path("unused"),
        soon_cert: sandbox.path("unused"),
        soon_key: sandbox.path("unused"),
        ca: sandbox.write("ca.pem", ca_pem),
        other_ca: sandbox.write("other-ca.pem", ca("other").2),
        server_cert: sandbox.write("server.pem", server_cert),
        server_key: sandbox.write("server.key", server_key),
        client_cert: sandbox.write("client.pem", client_cert),
        client_key: sandbox.write("client.key", client_key),
    };
    let broker = production_like(sandbox, &pki);
    (pki, broker)
}

fn tail_with(
    sandbox: &Sandbox,
    broker: &Mosquitto,
    files: &[(&str, &std::path::Path)],
) -> (Option<i32>, String) {
    let mut cmd = sandbox.wpconsole();
    cmd.args([
        "--broker",
        &format!("mqtts://127.0.0.1:{}", broker.port),
        "--uid",
        UID,
    ])
    .env("WPCONSOLE_PASSWORD", PASSWORD);
    for (flag, path) in files {
        cmd.arg(flag).arg(path);
    }
    let out = cmd.arg("tail").output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
