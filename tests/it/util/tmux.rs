//! A real terminal: tmux on a private server socket per test, so tests in
//! the one binary never share a server or a session.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether tmux tests can run; like [`mosquitto_available`], a missing tmux
/// skips with a notice, or fails under `WPCONSOLE_REQUIRE_MOSQUITTO=1` (CI).
pub fn tmux_available(test: &str) -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var("WPCONSOLE_REQUIRE_MOSQUITTO").as_deref() != Ok("1"),
            "{test}: tmux is required in CI but not installed: apt-get install tmux"
        );
        eprintln!("SKIPPED {test}: tmux is not installed (apt-get install tmux)");
    }
    found
}

/// A real terminal: a detached tmux session on a private server socket.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Runs `command` (a shell command line) in a `width`x`height` terminal.
    pub fn start(command: &str, width: u16, height: u16) -> Self {
        let socket = format!(
            "wpconsole-test-{}-{}",
            std::process::id(),
            fastrand::u32(..)
        );
        let tmux = Self { socket };
        let status = tmux
            .cmd()
            .args([
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
            ])
            .arg(command)
            .status()
            .expect("start tmux");
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket]);
        cmd
    }

    /// The screen as text.
    pub fn capture(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "t"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types keys (tmux key names, or literal text).
    pub fn send_keys(&self, keys: &[&str]) {
        let status = self
            .cmd()
            .args(["send-keys", "-t", "t"])
            .args(keys)
            .status()
            .expect("send-keys");
        assert!(status.success());
    }

    /// Types text literally.
    pub fn type_text(&self, text: &str) {
        let status = self
            .cmd()
            .args(["send-keys", "-t", "t", "-l", text])
            .status()
            .expect("send-keys");
        assert!(status.success());
    }

    /// Waits until the screen shows `needle`; returns the last screen.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> Result<String, String> {
        self.wait_until(|screen| screen.contains(needle), timeout)
    }

    /// Waits until `ready` holds for the screen (several things on one
    /// screen at once, say); returns the last screen.
    pub fn wait_until(
        &self,
        ready: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.capture();
            if ready(&screen) {
                return Ok(screen);
            }
            if Instant::now() > deadline {
                return Err(screen);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Resizes the terminal, as dragging its window's corner does.
    pub fn resize(&self, width: u16, height: u16) {
        let status = self
            .cmd()
            .args(["resize-window", "-t", "t", "-x", &width.to_string()])
            .args(["-y", &height.to_string()])
            .status()
            .expect("resize-window");
        assert!(status.success(), "tmux resize-window failed");
    }

    /// A tmux format evaluated for the pane, e.g. `#{alternate_on}`.
    pub fn pane_format(&self, format: &str) -> String {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", "t", format])
            .output()
            .expect("display-message");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Pastes `text` as a terminal would: wrapped in bracketed-paste
    /// markers when the program asked for them (`paste-buffer -p`), with
    /// each newline sent as a carriage return.
    pub fn paste(&self, text: &str) {
        let status = self
            .cmd()
            .args(["set-buffer", "-b", "test-paste", "--", text])
            .status()
            .expect("set-buffer");
        assert!(status.success());
        let status = self
            .cmd()
            .args(["paste-buffer", "-p", "-b", "test-paste", "-t", "t"])
            .status()
            .expect("paste-buffer");
        assert!(status.success());
    }

    /// Closes the terminal as closing its window does: the pty goes away
    /// and the processes in it get SIGHUP.
    pub fn kill_session(&self) {
        let status = self
            .cmd()
            .args(["kill-session", "-t", "t"])
            .status()
            .expect("kill-session");
        assert!(status.success());
    }

    /// The title tmux holds for the pane (what an OSC 0/2 sequence would set).
    pub fn pane_title(&self) -> String {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", "t", "#{pane_title}"])
            .output()
            .expect("display-message");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}
