//! Settings from the environment (`WPCONSOLE_*`): every switch takes
//! 1/0, true/false, yes/no, a bad value names the variable, and a flag beats
//! the environment, which beats the profile, either way.

use super::text;
use crate::util::{Sandbox, VIN};

#[test]
fn every_switch_takes_1_0_true_false_yes_no_from_the_environment_in_any_case() {
    let sandbox = Sandbox::new();
    let envelope = sandbox.write("e.json", r#"{"idApp":"A","popup":false,"content":{}}"#);
    for var in [
        "WPCONSOLE_READ_ONLY",
        "WPCONSOLE_INSECURE",
        "WPCONSOLE_FRESH",
        "WPCONSOLE_NO_JOURNAL",
        "WPCONSOLE_NO_TRACK",
    ] {
        for value in ["1", "0", "true", "FALSE", "Yes", "no", "on", "off"] {
            let output = sandbox
                .wpconsole()
                .env(var, value)
                .arg("validate")
                .arg(&envelope)
                .output()
                .unwrap();
            let (_, stderr) = text(&output);
            assert_eq!(output.status.code(), Some(0), "{var}={value}: {stderr}");
        }
        let output = sandbox
            .wpconsole()
            .env(var, "maybe")
            .arg("validate")
            .arg(&envelope)
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{var}=maybe: {stderr}");
        assert!(stderr.contains("maybe"), "{stderr}");
    }
}

#[test]
fn a_bad_value_in_the_environment_names_the_variable_its_value_and_what_is_accepted() {
    let sandbox = Sandbox::new();
    let envelope = sandbox.write("e.json", r#"{"idApp":"A","popup":false,"content":{}}"#);
    let run = |var: &str, value: &str, flags: &[&str]| {
        let output = sandbox
            .wpconsole()
            .env(var, value)
            .args(flags)
            .arg("validate")
            .arg(&envelope)
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        (output.status.code(), stderr)
    };
    for var in [
        "WPCONSOLE_READ_ONLY",
        "WPCONSOLE_INSECURE",
        "WPCONSOLE_FRESH",
        "WPCONSOLE_NO_JOURNAL",
        "WPCONSOLE_NO_TRACK",
        "WPCONSOLE_TRAILING_SLASH",
    ] {
        let (code, stderr) = run(var, "maybe", &[]);
        assert_eq!(code, Some(2), "{var}=maybe: {stderr}");
        assert!(
            stderr.contains(&format!("{var}=maybe"))
                && stderr.contains("environment")
                && stderr.contains("1/0, true/false, yes/no or on/off"),
            "{stderr}"
        );
        let flag = format!(
            "--{}",
            var["WPCONSOLE_".len()..].to_lowercase().replace('_', "-")
        );
        assert!(
            !stderr.contains(&format!("for '{flag}")),
            "the flag was not given: {stderr}"
        );
    }
    // Numbers too; and the flag, when it is the flag that is wrong.
    let (code, stderr) = run("WPCONSOLE_SIZE_LIMIT", "lots", &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("WPCONSOLE_SIZE_LIMIT=lots") && stderr.contains("environment"),
        "{stderr}"
    );
    let (code, stderr) = run("WPCONSOLE_READ_ONLY", "1", &["--read-only=maybe"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--read-only") && !stderr.contains("WPCONSOLE_READ_ONLY"),
        "{stderr}"
    );
}

#[test]
fn read_only_is_flag_over_environment_over_profile_either_way() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "ro.toml",
        "[profiles.watch]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\nread-only = true\n\n[profiles.open]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\n",
    );
    // Exit 1: refused as read-only; exit 3: it tried the (closed) broker.
    let send = |profile: &str, env: Option<&str>, flags: &[&str]| {
        let mut cmd = sandbox.wpconsole();
        cmd.arg("--config")
            .arg(&config)
            .args(["--profile", profile]);
        if let Some(value) = env {
            cmd.env("WPCONSOLE_READ_ONLY", value);
        }
        let output = cmd
            .args(flags)
            .args(["send", "--vin", VIN, "--content", "{}"])
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        (output.status.code(), stderr)
    };
    for (profile, env, flags, expected) in [
        ("open", Some("1"), &[][..], 1),
        ("open", Some("YES"), &[][..], 1),
        ("open", None, &["--read-only"][..], 1),
        ("open", Some("0"), &["--read-only"][..], 1),
        ("open", None, &["--read-only=true"][..], 1),
        ("watch", Some("false"), &[][..], 3),
        ("watch", Some("no"), &[][..], 3),
        ("watch", None, &["--read-only=0"][..], 3),
        ("watch", Some("1"), &["--read-only=false"][..], 3),
        ("watch", None, &[][..], 1),
    ] {
        let (code, stderr) = send(profile, env, flags);
        assert_eq!(
            code,
            Some(expected),
            "profile {profile}, WPCONSOLE_READ_ONLY={env:?}, {flags:?}: {stderr}"
        );
    }
}

#[test]
fn insecure_and_no_journal_are_flag_over_environment_over_profile() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "p.toml",
        "[profiles.lax]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\ninsecure = true\n\n[profiles.strict]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\n",
    );
    let warned = |profile: &str, env: Option<&str>, flags: &[&str]| {
        let mut cmd = sandbox.wpconsole();
        cmd.arg("--config")
            .arg(&config)
            .args(["--profile", profile]);
        if let Some(value) = env {
            cmd.env("WPCONSOLE_INSECURE", value);
        }
        let output = cmd
            .args(flags)
            .args(["send", "--vin", VIN, "--content", "{}"])
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        stderr.contains("--insecure")
    };
    assert!(warned("strict", Some("1"), &[]));
    assert!(warned("strict", None, &["--insecure"]));
    assert!(warned("lax", None, &[]));
    assert!(!warned("lax", Some("Off"), &[]));
    assert!(!warned("lax", None, &["--insecure=no"]));
    assert!(warned("lax", Some("0"), &["--insecure=1"]));
    assert!(!warned("strict", None, &[]));

    // export without files reads the account's journal, unless there is none.
    let no_journal = |env: Option<&str>, flags: &[&str]| {
        let mut cmd = sandbox.wpconsole();
        cmd.arg("--config")
            .arg(&config)
            .args(["--profile", "strict"]);
        if let Some(value) = env {
            cmd.env("WPCONSOLE_NO_JOURNAL", value);
        }
        let output = cmd.args(flags).arg("export").output().unwrap();
        let (_, stderr) = text(&output);
        stderr.contains("--no-journal")
    };
    assert!(no_journal(Some("1"), &[]));
    assert!(no_journal(None, &["--no-journal"]));
    assert!(!no_journal(Some("no"), &[]));
    assert!(!no_journal(Some("yes"), &["--no-journal=false"]));
}

#[test]
fn text_number_and_value_options_are_flag_over_environment_over_profile() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "layers.toml",
        "[profiles.layers]\nuid = \"PU\"\napp-id = \"PA\"\nprefix = \"profile/p\"\ntrailing-slash = false\nsize-limit = 1000\n",
    );
    let dry_run = |env: &[(&str, &str)], flags: &[&str]| {
        let mut cmd = sandbox.wpconsole();
        cmd.arg("--config")
            .arg(&config)
            .args(["--profile", "layers"])
            .args(flags)
            .args(["send", "--vin", VIN, "--content", "{}", "--dry-run"]);
        for (key, value) in env {
            cmd.env(key, value);
        }
        let output = cmd.output().unwrap();
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(0), "{env:?} {flags:?}: {stderr}");
        stdout
    };
    let env = [
        ("WPCONSOLE_PREFIX", "env/p"),
        ("WPCONSOLE_TRAILING_SLASH", "true"),
        ("WPCONSOLE_SIZE_LIMIT", "2000"),
        ("WPCONSOLE_APP_ID", "EA"),
    ];
    let flags = [
        "--prefix",
        "flag/p",
        "--trailing-slash",
        "false",
        "--size-limit",
        "3000",
        "--app-id",
        "FA",
    ];
    for (env, flags, topic, limit, app) in [
        (
            &[][..],
            &[][..],
            "profile/p/from/uid/PU/opa/{VIN}\n",
            "of 1,000",
            "PA",
        ),
        (
            &env[..],
            &[][..],
            "env/p/from/uid/PU/opa/{VIN}/\n",
            "of 2,000",
            "EA",
        ),
        (
            &env[..],
            &flags[..],
            "flag/p/from/uid/PU/opa/{VIN}\n",
            "of 3,000",
            "FA",
        ),
        (
            &[][..],
            &flags[..],
            "flag/p/from/uid/PU/opa/{VIN}\n",
            "of 3,000",
            "FA",
        ),
    ] {
        let stdout = dry_run(env, flags);
        let topic = topic.replace("{VIN}", VIN);
        assert!(
            stdout.contains(&topic)
                && stdout.contains(limit)
                && stdout.contains(&format!("\"idApp\":\"{app}\"")),
            "{env:?} {flags:?}: wanted {topic:?}, {limit:?}, {app:?} in:\n{stdout}"
        );
    }
}

#[test]
fn an_empty_variable_for_a_text_or_path_is_as_if_unset_and_the_profile_shows_through() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "layers.toml",
        "[profiles.layers]\nuid = \"PU\"\napp-id = \"PA\"\nprefix = \"profile/p\"\n",
    );
    let mut cmd = sandbox.wpconsole();
    cmd.arg("--config")
        .arg(&config)
        .args(["--profile", "layers"])
        .args(["send", "--vin", VIN, "--content", "{}", "--dry-run"]);
    for var in [
        "WPCONSOLE_UID",
        "WPCONSOLE_APP_ID",
        "WPCONSOLE_PREFIX",
        "WPCONSOLE_CATALOG",
        "WPCONSOLE_CA",
    ] {
        cmd.env(var, "");
    }
    let output = cmd.output().unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains(&format!("profile/p/from/uid/PU/opa/{VIN}/"))
            && stdout.contains("\"idApp\":\"PA\""),
        "{stdout}"
    );
    // Without a profile to show through, an empty broker is a missing one.
    let output = sandbox
        .wpconsole()
        .env("WPCONSOLE_BROKER", "")
        .args(["--uid", "U", "tail"])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no broker URL (--broker URL, WPCONSOLE_BROKER"),
        "{stderr}"
    );
}
