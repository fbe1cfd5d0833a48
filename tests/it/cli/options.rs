//! Where a setting comes from: the default profile, flags before or after
//! the command, the config file and its mistakes, read-only and tracking
//! fields from a profile.

use super::{CONFIG, dry_run, text};
use crate::util::{Sandbox, VIN};

#[test]
fn the_default_profile_supplies_uid_prefix_app_id_and_slash_form() {
    let sandbox = Sandbox::new();
    let (code, stdout, stderr) = dry_run(
        &sandbox,
        &["send", "--vin", VIN, "--content", "{}", "--dry-run"],
        &[],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains(&format!(
            "psa/OVIPPartners-Preprod/from/uid/PROFILE-UID/opa/{VIN}\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"{"idApp":"PROFILE_APP","popup":false,"content":{}}"#),
        "{stdout}"
    );
}

#[test]
fn environment_beats_profile_and_flag_beats_environment() {
    let sandbox = Sandbox::new();
    let env = [
        ("WPCONSOLE_UID", "ENV-UID"),
        ("WPCONSOLE_APP_ID", "ENV_APP"),
    ];
    let (_, stdout, _) = dry_run(
        &sandbox,
        &["send", "--vin", VIN, "--content", "{}", "--dry-run"],
        &env,
    );
    assert!(
        stdout.contains("/uid/ENV-UID/") && stdout.contains("ENV_APP"),
        "{stdout}"
    );
    let (_, stdout, _) = dry_run(
        &sandbox,
        &[
            "send",
            "--vin",
            VIN,
            "--content",
            "{}",
            "--dry-run",
            "--uid",
            "FLAG-UID",
        ],
        &env,
    );
    assert!(
        stdout.contains("/uid/FLAG-UID/") && stdout.contains("ENV_APP"),
        "{stdout}"
    );
}

#[test]
fn connection_options_work_before_or_after_the_command() {
    let sandbox = Sandbox::new();
    let after = dry_run(
        &sandbox,
        &[
            "send",
            "--vin",
            VIN,
            "--content",
            "{}",
            "--dry-run",
            "--profile",
            "other",
        ],
        &[],
    );
    let before = dry_run(
        &sandbox,
        &[
            "--profile",
            "other",
            "send",
            "--vin",
            VIN,
            "--content",
            "{}",
            "--dry-run",
        ],
        &[],
    );
    assert_eq!(after.0, Some(0), "{}", after.2);
    assert_eq!(after.1, before.1);
    assert!(
        after.1.contains(&format!(
            "psa/OVIPPartners-Dev/from/uid/OTHER-UID/opa/{VIN}/"
        )),
        "{}",
        after.1
    );
}

#[test]
fn configuration_mistakes_are_usage_errors_that_say_where_to_fix_them() {
    let sandbox = Sandbox::new();
    let (code, _, stderr) = dry_run(&sandbox, &["--profile", "nope", "tail"], &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("profile \"nope\"") && stderr.contains("bench, other"),
        "{stderr}"
    );

    let out = sandbox
        .wpconsole()
        .args([
            "--uid",
            "U",
            "send",
            "--vin",
            VIN,
            "--content",
            "{}",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("--app-id") && stderr.contains("WPCONSOLE_APP_ID"),
        "{stderr}"
    );

    let out = sandbox
        .wpconsole()
        .args(["--uid", "U", "tail"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("no broker URL (--broker URL"));

    let config = sandbox.write("secret.toml", "[profiles.p]\npassword = \"hunter2\"\n");
    let out = sandbox
        .wpconsole()
        .arg("--config")
        .arg(config)
        .arg("tail")
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("passwords are never stored") && !stderr.contains("hunter2"),
        "{stderr}"
    );

    let out = sandbox
        .wpconsole()
        .args(["--broker", "localhost:1883", "--uid", "U", "tail"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("mqtts://host:port"));
}

#[test]
fn the_default_config_file_is_read_from_the_platform_config_dir() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("config").join("wpconsole");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), CONFIG).unwrap();
    let out = sandbox
        .wpconsole()
        .args(["send", "--vin", VIN, "--content", "{}", "--dry-run"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("/uid/PROFILE-UID/"),
        "the default profile of the default file: {stdout}"
    );
}

#[test]
fn a_read_only_profile_or_flag_cannot_send_but_can_still_check() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "ro.toml",
        "[profiles.watch]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\nread-only = true\nproduction = true\n\n[profiles.open]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\n",
    );
    let send = |profile: &str, extra: &[&str], after: &[&str]| {
        let output = sandbox
            .wpconsole()
            .arg("--config")
            .arg(&config)
            .args(["--profile", profile])
            .args(extra)
            .args(["send", "--vin", "VF3ABCDEFGH123456", "--content", "{}"])
            .args(after)
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        (output.status.code(), stderr)
    };
    for (profile, extra) in [("watch", &[][..]), ("open", &["--read-only"][..])] {
        let (code, stderr) = send(profile, extra, &[]);
        assert_eq!(code, Some(1), "{profile}: {stderr}");
        assert!(
            stderr.contains("read-only") && stderr.contains("nothing was published"),
            "{stderr}"
        );
        let (code, stderr) = send(profile, extra, &["--dry-run"]);
        assert_eq!(code, Some(0), "a dry run only checks: {stderr}");
    }
    let (code, stderr) = send("open", &[], &[]);
    assert_eq!(
        code,
        Some(3),
        "without read-only it tries the broker: {stderr}"
    );
    // replay is a publishing command too.
    let journal = sandbox.write(
        "out.jsonl",
        r#"{"received_at":"2026-11-24T10:00:00.000Z","vin":"VF3ABCDEFGH123456","topic":"t","bytes":44,"kind":"data","dir":"out","payload":{"idApp":"APP","popup":false,"content":{}}}"#,
    );
    let replay = sandbox
        .wpconsole()
        .arg("--config")
        .arg(&config)
        .args(["--profile", "watch", "replay"])
        .arg(&journal)
        .args(["--to", "VF3ABCDEFGH123456"])
        .output()
        .unwrap();
    let (_, stderr) = text(&replay);
    assert_eq!(replay.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
}

#[test]
fn tracking_field_names_come_from_the_profile_unless_flags_say_otherwise() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "track.toml",
        "[profiles.t]\nuid = \"U\"\napp-id = \"APP\"\ntrack-field = \"requestId\"\nreply-field = \"inReplyTo\"\ntrack-timeout = 45\n",
    );
    let dry = |extra: &[&str]| {
        let output = sandbox
            .wpconsole()
            .arg("--config")
            .arg(&config)
            .args(["--profile", "t", "send", "--vin", "VF3ABCDEFGH123456"])
            .args(["--content", "{}", "--track", "--dry-run"])
            .args(extra)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        stdout
    };
    let from_profile = dry(&[]);
    assert!(
        from_profile.contains("\"requestId\":\"wpc-") && from_profile.contains("content.inReplyTo"),
        "{from_profile}"
    );
    let from_flags = dry(&["--track-field", "cid", "--reply-field", "ref"]);
    assert!(
        from_flags.contains("\"cid\":\"wpc-") && from_flags.contains("content.ref"),
        "{from_flags}"
    );
}

#[test]
fn a_client_certificate_and_its_key_pair_up_across_flag_and_profile_and_one_alone_is_named() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "tls.toml",
        "[profiles.both]\nuid = \"U\"\napp-id = \"A\"\nbroker = \"mqtts://127.0.0.1:1\"\ncert = \"c.pem\"\nkey = \"k.pem\"\n\n[profiles.cert]\nuid = \"U\"\napp-id = \"A\"\nbroker = \"mqtts://127.0.0.1:1\"\ncert = \"c.pem\"\n",
    );
    let run = |profile: &str, flags: &[&str], command: &[&str]| {
        let output = sandbox
            .wpconsole()
            .arg("--config")
            .arg(&config)
            .args(["--profile", profile])
            .args(flags)
            .args(command)
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        (output.status.code(), stderr)
    };
    let send = ["send", "--vin", VIN, "--content", "{}", "--dry-run"];
    // The flag's certificate over the profile's, the profile's key with it:
    // not refused for a --key that the profile gives.
    let (code, stderr) = run("both", &["--cert", "other.pem"], &send);
    assert_eq!(code, Some(0), "{stderr}");
    // A certificate without its key is named, not dropped in silence
    // (the connection went out without the certificate).
    let (code, stderr) = run("cert", &[], &["tail"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--key FILE")
            && stderr.contains("WPCONSOLE_KEY")
            && stderr.contains("key in profile \"cert\""),
        "{stderr}"
    );
    let (code, stderr) = run("cert", &["--key", "k.pem"], &send);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn paths_in_a_profile_are_relative_to_the_config_file_and_flags_to_the_working_directory() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path("conf")).unwrap();
    let config = sandbox.write(
        "conf/config.toml",
        "[profiles.p]\nuid = \"U\"\nbroker = \"mqtt://127.0.0.1:1\"\npassword-file = \"pw\"\n",
    );
    sandbox.write("conf/pw", "secret\n");
    let tail = |flags: &[&str]| {
        let output = sandbox
            .wpconsole()
            .current_dir(sandbox.path("."))
            .arg("--config")
            .arg(&config)
            .args(["--profile", "p"])
            .args(flags)
            .arg("tail")
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        (output.status.code(), stderr)
    };
    // The password file beside the config is read, and the connection
    // tried (exit 3: nothing listens), from another working directory.
    let (code, stderr) = tail(&[]);
    assert_eq!(code, Some(3), "{stderr}");
    // A flag's relative path is the working directory's, as usual.
    let (code, stderr) = tail(&["--password-file", "pw"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot read the password file pw"),
        "{stderr}"
    );
    let (code, stderr) = tail(&["--password-file", "conf/pw"]);
    assert_eq!(code, Some(3), "{stderr}");
}
