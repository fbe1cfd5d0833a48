//! Settings merged from flags, profile and defaults; the account's journal.

use super::*;
use crate::config::Options;

fn given(options: Options) -> GlobalArgs {
    GlobalArgs {
        options,
        ..GlobalArgs::default()
    }
}

fn profile() -> Profile {
    let text = "[profiles.p]\nbroker = \"mqtt://profile:1\"\nuid = \"PROFILE\"\nprefix = \"p/x\"\ntrailing-slash = false\ncert = \"~/c.pem\"\nkey = \"~/k.pem\"\n";
    ConfigFile::parse(text, Path::new("t")).unwrap().profiles["p"].clone()
}

#[test]
fn flags_win_over_the_profile_and_the_profile_over_defaults() {
    let global = given(Options {
        broker: Some("mqtt://flag:1".into()),
        ..Options::default()
    });
    let s = Settings::merge(&global, Some("p".into()), profile());
    assert_eq!(s.broker.as_deref(), Some("mqtt://flag:1"));
    assert_eq!(s.uid.as_deref(), Some("PROFILE"));
    assert_eq!(s.prefix, "p/x");
    assert!(!s.trailing_slash);
    assert_eq!(s.size_limit, DEFAULT_SIZE_LIMIT);
    let home = dirs::home_dir().unwrap();
    assert_eq!(s.tls.client, Some((home.join("c.pem"), home.join("k.pem"))));
}

#[test]
fn defaults_apply_without_a_profile() {
    let s = Settings::merge(&GlobalArgs::default(), None, Profile::default());
    assert_eq!(s.prefix, DEFAULT_PREFIX);
    assert!(s.trailing_slash);
    assert_eq!(s.keep_alive, Duration::from_secs(30));
    assert!(s.topics().unwrap_err().message.contains("--uid"));
    assert!(s.app_id().unwrap_err().message.contains("--app-id"));
    assert!(s.connection().unwrap_err().message.contains("--broker"));
}

#[test]
fn the_journal_is_the_connected_accounts_own_directory() {
    let options = Options {
        broker: Some("mqtts://iot-partners-preprod.mpsa.com:8886".into()),
        uid: Some("PARTNER1".into()),
        journal: Some(PathBuf::from("/j")),
        ..Options::default()
    };
    let global = given(options.clone());
    let journal = Settings::merge(&global, None, Profile::default())
        .journal()
        .unwrap()
        .unwrap();
    assert_eq!(
        journal.dir,
        Path::new("/j/iot-partners-preprod.mpsa.com_8886/PARTNER1")
    );
    assert_eq!(journal.root, Path::new("/j"));
    // Another UID on the same broker, or the same UID elsewhere, is
    // another directory.
    for (broker, uid) in [
        ("mqtts://iot-partners-preprod.mpsa.com:8886", "PARTNER2"),
        ("mqtts://iot-partners-mpsa.com:8886", "PARTNER1"),
    ] {
        let other = given(Options {
            broker: Some(broker.into()),
            uid: Some(uid.into()),
            ..options.clone()
        });
        let dir = Settings::merge(&other, None, Profile::default())
            .journal()
            .unwrap()
            .unwrap()
            .dir;
        assert_ne!(dir, journal.dir);
    }
    let none = given(Options {
        no_journal: Some(true),
        journal: None,
        ..options.clone()
    });
    assert_eq!(
        Settings::merge(&none, None, Profile::default())
            .journal()
            .unwrap(),
        None
    );
    let unknown = given(Options {
        uid: None,
        ..options
    });
    let err = Settings::merge(&unknown, None, Profile::default())
        .journal()
        .unwrap_err();
    assert!(err.message.contains("--uid"), "{}", err.message);
}

#[test]
fn an_explicit_false_switch_overrides_the_profile_and_none_lets_it_show() {
    let text = "[profiles.p]\nread-only = true\ninsecure = true\ntrack = false\n";
    let profile = ConfigFile::parse(text, Path::new("t")).unwrap().profiles["p"].clone();
    let unset = Settings::merge(&GlobalArgs::default(), None, profile.clone());
    assert!(unset.read_only && unset.tls.insecure && !unset.track);
    let off = given(Options {
        read_only: Some(false),
        insecure: Some(false),
        track: Some(true),
        ..Options::default()
    });
    let s = Settings::merge(&off, None, profile);
    assert!(!s.read_only && !s.tls.insecure && s.track);
    let on = given(Options {
        track: Some(false),
        ..Options::default()
    });
    assert!(!Settings::merge(&on, None, Profile::default()).track);
}

#[test]
fn password_file_first_line_is_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pw");
    std::fs::write(&path, "s3cret\n").unwrap();
    assert_eq!(read_password_file(&path).unwrap().expose(), "s3cret");
    let err = read_password_file(&dir.path().join("missing")).unwrap_err();
    assert!(err.message.contains("cannot read the password file"));
    assert!(
        err.message.ends_with(
            "check the path given with --password-file (or the profile's password-file)"
        ),
        "{}",
        err.message
    );
}

#[test]
fn an_empty_password_file_is_refused_naming_it() {
    // Sent, it would be a refused login the broker counts against the
    // account.
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("empty", ""), ("newline", "\n"), ("crlf", "\r\nlater")] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let err = read_password_file(&path).unwrap_err();
        assert_eq!(err.code, crate::cli::exit::USAGE, "{name}");
        assert!(
            err.message.contains(&path.display().to_string()),
            "{name}: {}",
            err.message
        );
        assert!(
            err.message.contains("is empty") && err.message.contains("first line"),
            "{name}"
        );
    }
}

#[test]
fn the_defaults_the_help_names_are_the_defaults_used() {
    use clap::Args as _;
    // The help says each default in words; the merge applies it in code.
    // They are held equal here, option by option.
    let cmd = Options::augment_args(clap::Command::new("t"));
    let said = |id: &str| {
        let arg = cmd.get_arguments().find(|a| a.get_id() == id).unwrap();
        let help = arg.get_help().unwrap().to_string();
        let start = help.find("[default: ").unwrap() + "[default: ".len();
        let end = start + help[start..].find(']').unwrap();
        help[start..end].to_owned()
    };
    let s = Settings::merge(&GlobalArgs::default(), None, Profile::default());
    assert_eq!(said("prefix"), s.prefix);
    assert_eq!(said("trailing_slash"), s.trailing_slash.to_string());
    assert_eq!(said("size_limit"), s.size_limit.to_string());
    assert_eq!(said("keep_alive"), s.keep_alive.as_secs().to_string());
    assert_eq!(said("cert_warn_days"), s.cert_warn_days.to_string());
}

/// A client certificate ending at `not_after`, with its key, in `dir`.
fn client_certificate(dir: &Path, not_after: (i32, u8, u8)) -> (PathBuf, PathBuf) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["u123456".into()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "u123456");
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
    let cert = dir.join("client.pem");
    let key_path = dir.join("client.key");
    std::fs::write(&cert, params.self_signed(&key).unwrap().pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    (cert, key_path)
}

#[test]
fn an_expired_client_certificate_is_refused_before_connecting_with_what_to_ask_for() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = client_certificate(dir.path(), (2021, 1, 1));
    let global = given(Options {
        broker: Some("mqtts://127.0.0.1:1".into()),
        uid: Some("PARTNER1".into()),
        cert: Some(cert.clone()),
        key: Some(key.clone()),
        ..Options::default()
    });
    let s = Settings::merge(&global, None, Profile::default());
    for refused in [s.connection(), s.console_connection()] {
        let err = refused.unwrap_err();
        assert_eq!(err.code, crate::cli::exit::USAGE);
        assert!(
            err.message.contains("expired on 2021-01-01")
                && err.message.contains("CN=u123456")
                && err
                    .message
                    .contains("renewed client certificate for UID PARTNER1 "),
            "{}",
            err.message
        );
    }
    // Over plain MQTT no certificate is used: nothing to refuse.
    let plain = given(Options {
        broker: Some("mqtt://127.0.0.1:1".into()),
        cert: Some(cert),
        key: Some(key),
        ..Options::default()
    });
    let s = Settings::merge(&plain, None, Profile::default());
    assert!(s.connection().unwrap().expiry.is_none());
}

#[test]
fn the_warning_window_comes_from_the_flag_over_the_profile_and_reaches_the_console() {
    use chrono::Datelike as _;
    let dir = tempfile::tempdir().unwrap();
    // A password file: no terminal prompt for it.
    let password = dir.path().join("pw");
    std::fs::write(&password, "pw\n").unwrap();
    let end = chrono::Utc::now() + chrono::Duration::days(400);
    let end = end.date_naive();
    let (cert, key) = client_certificate(
        dir.path(),
        (
            end.year(),
            u8::try_from(end.month()).unwrap(),
            u8::try_from(end.day()).unwrap(),
        ),
    );
    let text = "[profiles.p]\nbroker = \"mqtts://127.0.0.1:1\"\ncert-warn-days = 500\n";
    let profile = ConfigFile::parse(text, Path::new("t")).unwrap().profiles["p"].clone();
    let files = Options {
        cert: Some(cert),
        key: Some(key),
        password_file: Some(password),
        ..Options::default()
    };
    let s = Settings::merge(&given(files.clone()), None, profile.clone());
    assert_eq!(s.cert_warn_days, 500);
    let watch = s.console_connection().unwrap().expiry.unwrap();
    assert_eq!(watch.warn_days, 500);
    assert_eq!(watch.not_after.date_naive(), end);
    assert!(matches!(
        watch.at(chrono::Utc::now()),
        crate::mqtt::certificate::Expiry::Soon { .. }
    ));
    let flag = Options {
        cert_warn_days: Some(7),
        ..files
    };
    let s = Settings::merge(&given(flag), None, profile);
    assert_eq!(s.cert_warn_days, 7);
}

#[test]
fn a_profiles_watch_rules_are_read_and_one_that_does_not_parse_is_refused_naming_the_profile() {
    let text = "[profiles.p]\n[[profiles.p.watch]]\nname = \"quiet\"\nsilent = \"5m\"\n[[profiles.p.watch]]\nname = \"unanswered\"\nunacknowledged = true\n";
    let profile = ConfigFile::parse(text, Path::new("t")).unwrap().profiles["p"].clone();
    let s = Settings::merge(&GlobalArgs::default(), Some("p".into()), profile);
    let rules = s.watch_rules().unwrap();
    assert_eq!(
        rules.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["quiet", "unanswered"]
    );
    let text = "[profiles.p]\n[[profiles.p.watch]]\nname = \"quiet\"\nsilent = \"5 min\"\n";
    let profile = ConfigFile::parse(text, Path::new("t")).unwrap().profiles["p"].clone();
    let mut s = Settings::merge(&GlobalArgs::default(), Some("p".into()), profile);
    s.config_path = PathBuf::from("cfg.toml");
    let err = s.watch_rules().unwrap_err();
    assert_eq!(err.code, crate::cli::exit::USAGE);
    assert!(
        err.message
            .starts_with("cfg.toml: profile \"p\": watch rule \"quiet\": silent: "),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("[[profiles.p.watch]]"),
        "{}",
        err.message
    );
    let err = ConfigFile::parse(
        "[profiles.p]\n[[profiles.p.watch]]\nname = \"q\"\nsilence = \"5m\"\n",
        Path::new("t"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("silence"), "{err}");
    assert!(err.to_string().contains("line 4"), "{err}");
}
