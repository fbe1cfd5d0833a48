//! Signals and processes: sending a signal, finding the console's pid,
//! waiting for a process to end.

use std::process::Command;
use std::time::{Duration, Instant};

/// Sends a signal (`-STOP`, `-CONT`, `-TERM`, `-HUP`, ...) to a process.
pub fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .arg(signal)
        .arg(pid.to_string())
        .status()
        .expect("kill");
    assert!(status.success(), "kill {signal} {pid}");
}

/// The pid of the wpconsole process whose command line contains `marker`.
pub fn wpconsole_pid(marker: &str) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .filter_map(Result::ok)
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            (comm.trim() == "wpconsole" && String::from_utf8_lossy(&cmdline).contains(marker))
                .then_some(pid)
        })
}

/// Waits until process `pid` has ended (gone, or a zombie nobody reaped).
pub fn wait_until_gone(pid: u32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        let ended = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
            // The state follows the command name in parentheses.
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z'))
        });
        if ended {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
