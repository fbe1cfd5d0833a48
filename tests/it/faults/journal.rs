//! A journal that cannot be written (no directory, a full disk): reported
//! in the status bar while the console keeps receiving.

use super::{action, available};
use crate::util::{Mosquitto, Sandbox, UID, VIN, to_topic};
use std::process::Command;
use std::time::Duration;

#[test]
fn an_unwritable_journal_is_reported_and_the_console_keeps_going() {
    if !available("an_unwritable_journal_is_reported_and_the_console_keeps_going") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    std::fs::write(sandbox.path("not-a-dir"), "x").unwrap();
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let journal = sandbox
        .path("not-a-dir")
        .join("journal")
        .display()
        .to_string();
    let terminal = sandbox.in_terminal(
        &["--broker", &url, "--uid", UID, "--journal", &journal],
        160,
        45,
    );
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected");
    for n in 0..4 {
        broker.publish(&to_topic(VIN), action(&format!("n{n}")).as_bytes());
    }
    let screen = terminal
        .wait_for("journal: 4 unwritten", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("unwritten lines are not counted:\n{screen}"));
    assert!(
        screen.contains("rx 4 ") && screen.contains("cannot create the journal directory"),
        "{screen}"
    );
}

/// Unmounts the small disk when the test ends, however it ends.
pub(super) struct Unmount(pub(super) std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A 16 KiB tmpfs in the sandbox (a disk that fills at once), unmounted
/// when the guard goes; `None`, said as skipped, where it cannot be
/// mounted (it needs root).
pub(super) fn small_disk(sandbox: &Sandbox, test: &str) -> Option<(std::path::PathBuf, Unmount)> {
    let mount = sandbox.path("small-disk");
    std::fs::create_dir(&mount).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs"])
        .arg(&mount)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIPPED {test}: cannot mount a small tmpfs here (needs root)");
        return None;
    }
    Some((mount.clone(), Unmount(mount)))
}

#[test]
fn a_full_disk_is_reported_and_the_console_keeps_going() {
    if !available("a_full_disk_is_reported_and_the_console_keeps_going") {
        return;
    }
    let sandbox = Sandbox::new();
    let Some((mount, _unmount)) = small_disk(
        &sandbox,
        "a_full_disk_is_reported_and_the_console_keeps_going",
    ) else {
        return;
    };
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let journal = mount.join("journal").display().to_string();
    let terminal = sandbox.in_terminal(
        &["--broker", &url, "--uid", UID, "--journal", &journal],
        160,
        45,
    );
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected");
    let big = format!(r#"{{"content":{{"pad":"{}"}}}}"#, "x".repeat(4_000));
    for _ in 0..20 {
        broker.publish(&to_topic(VIN), big.as_bytes());
    }
    let screen = terminal
        .wait_for("unwritten", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("a full disk is not reported:\n{screen}"));
    assert!(screen.contains("No space left on device"), "{screen}");
    // The first unwritten line is reported while the rest may still be
    // on their way: the console keeps taking them in.
    terminal
        .wait_for("rx 20 ", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("the console keeps receiving:\n{screen}"));
}
