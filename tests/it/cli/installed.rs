//! What an installed tool offers besides its commands: shell completions,
//! the manual pages, and a `--version` that names the build.

use super::text;
use crate::util::Sandbox;
use std::process::Command;

/// The commands every completion script and the manual must name.
const COMMANDS: [&str; 9] = [
    "validate",
    "send",
    "tail",
    "watch",
    "export",
    "open",
    "replay",
    "completions",
    "man",
];

fn stdout_of(sandbox: &Sandbox, args: &[&str]) -> String {
    let out = sandbox.wpconsole().args(args).output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    assert!(stderr.is_empty(), "{args:?}: {stderr}");
    stdout
}

#[test]
fn bash_completions_load_and_complete_commands_and_flags() {
    let exe = env!("CARGO_BIN_EXE_wpconsole");
    // Loaded as the README says, then asked what follows `wpconsole se`
    // and `wpconsole send --v`, as bash asks when Tab is pressed.
    let script = format!(
        r#"source <("{exe}" completions bash) || exit 9
complete -p wpconsole || exit 8
COMP_WORDS=(wpconsole se); COMP_CWORD=1; COMP_LINE="wpconsole se"; COMP_POINT=${{#COMP_LINE}}
_wpconsole wpconsole se wpconsole
echo "commands: ${{COMPREPLY[*]}}"
COMP_WORDS=(wpconsole send --v); COMP_CWORD=2; COMP_LINE="wpconsole send --v"; COMP_POINT=${{#COMP_LINE}}
_wpconsole wpconsole --v send
echo "flags: ${{COMPREPLY[*]}}""#
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("-F _wpconsole wpconsole"), "{stdout}");
    assert!(stdout.contains("commands: send"), "{stdout}");
    let flags = stdout.lines().find(|l| l.starts_with("flags:")).unwrap();
    assert!(flags.contains("--vin"), "{flags}");
}

#[test]
fn zsh_fish_and_powershell_completions_name_every_command() {
    let sandbox = Sandbox::new();
    for shell in ["zsh", "fish", "powershell"] {
        let script = stdout_of(&sandbox, &["completions", shell]);
        for command in COMMANDS {
            assert!(script.contains(command), "{shell}: {command}");
        }
        assert!(script.contains("--broker"), "{shell}");
    }
    let out = sandbox
        .wpconsole()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
    assert!(
        text(&out).1.contains("bash"),
        "the shells it knows are listed"
    );
}

#[test]
fn the_manual_is_roff_naming_every_command_and_one_page_per_command_in_a_dir() {
    let sandbox = Sandbox::new();
    let page = stdout_of(&sandbox, &["man"]);
    assert!(page.contains(".TH wpconsole 1"), "{page}");
    assert!(page.contains(".SH SYNOPSIS") && page.contains("WPCONSOLE_BROKER"));
    for command in COMMANDS {
        assert!(
            page.contains(&format!("wpconsole\\-{command}(1)")),
            "{command} in the SUBCOMMANDS section"
        );
    }
    assert!(
        page.contains("Exit codes"),
        "the text after --help is there too"
    );

    let dir = sandbox.path("man/man1");
    let said = stdout_of(&sandbox, &["man", "--dir", dir.to_str().unwrap()]);
    assert!(said.contains("man/man1"), "{said}");
    for command in COMMANDS {
        let page = std::fs::read_to_string(dir.join(format!("wpconsole-{command}.1"))).unwrap();
        assert!(
            page.contains(&format!(".TH wpconsole-{command} 1")),
            "{page}"
        );
    }
    assert!(dir.join("wpconsole.1").exists());
    assert!(!dir.join("wpconsole-help.1").exists());

    let file = sandbox.write("a-file", "");
    let out = sandbox
        .wpconsole()
        .args(["man", "--dir", file.join("x").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("--dir"), "{}", text(&out).1);
}

#[test]
fn version_names_the_commit_and_the_features() {
    let sandbox = Sandbox::new();
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map_or_else(
            || "unknown".to_owned(),
            |out| String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        );
    let features = if cfg!(feature = "demo") {
        "demo"
    } else {
        "none"
    };
    let expected = format!(
        "wpconsole {} (commit {commit}, features: {features})\n",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(stdout_of(&sandbox, &["--version"]), expected);
    assert_eq!(stdout_of(&sandbox, &["-V"]), expected);
}
