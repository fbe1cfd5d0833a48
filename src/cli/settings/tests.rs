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
}
