//! The command line without a broker: option precedence, profiles,
//! `validate`, `send --dry-run`, and the errors that say what to fix.

mod catalog;
mod days;
mod environment;
mod installed;
mod journals;
mod keys;
mod options;
mod usage;
mod validate;

use crate::util::Sandbox;
use std::process::Output;

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const CONFIG: &str = r#"
default-profile = "bench"

[profiles.bench]
uid = "PROFILE-UID"
app-id = "PROFILE_APP"
prefix = "psa/OVIPPartners-Preprod"
trailing-slash = false

[profiles.other]
uid = "OTHER-UID"
app-id = "OTHER_APP"
"#;

fn dry_run(
    sandbox: &Sandbox,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Option<i32>, String, String) {
    let config = sandbox.write("config.toml", CONFIG);
    let mut cmd = sandbox.wpconsole();
    cmd.arg("--config").arg(config).args(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().unwrap();
    let (stdout, stderr) = text(&output);
    (output.status.code(), stdout, stderr)
}
