//! Finds what `wpconsole --version` says beyond the version: the git commit
//! it is built from ("unknown" outside a git checkout or without git) and
//! the cargo features enabled.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-env=WPCONSOLE_COMMIT={}", commit());
    println!("cargo:rustc-env=WPCONSOLE_FEATURES={}", features());
}

/// `git rev-parse --short HEAD`, and the files that change when HEAD
/// moves, so a new commit is a rebuild and never a stale id: HEAD itself
/// (a checkout) and the ref it points to (a commit on the branch), found
/// through git so that worktrees and packed refs are right too.
fn commit() -> String {
    let Some(id) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "unknown".to_owned();
    };
    let mut watched = vec![git(&["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git(&["rev-parse", "--git-path", &branch]));
    }
    watched.push(git(&["rev-parse", "--git-path", "packed-refs"]));
    for path in watched.into_iter().flatten() {
        // A path that does not exist would make cargo run this every build.
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    id
}

/// The output of a git command, trimmed; `None` when git is missing or fails.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}

/// The enabled features, comma-separated ("none" without any); cargo sets
/// CARGO_FEATURE_<NAME> for each. "default" is not one to report.
fn features() -> String {
    let mut names: Vec<String> = std::env::vars()
        .filter_map(|(key, _)| {
            key.strip_prefix("CARGO_FEATURE_")
                .map(|name| name.to_lowercase().replace('_', "-"))
        })
        .filter(|name| name != "default")
        .collect();
    names.sort();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(",")
    }
}
