//! mosquitto, the real broker, started per test with a config it writes.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::net::{free_port, wait_for_port};

/// Whether mosquitto tests can run. Without mosquitto they are skipped
/// with a notice, unless `WPCONSOLE_REQUIRE_MOSQUITTO=1` (CI), where its
/// absence fails the test.
pub fn mosquitto_available(test: &str) -> bool {
    let found = Command::new("mosquitto")
        .arg("-h")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var("WPCONSOLE_REQUIRE_MOSQUITTO").as_deref() != Ok("1"),
            "{test}: mosquitto is required (WPCONSOLE_REQUIRE_MOSQUITTO=1) but not installed: apt-get install mosquitto mosquitto-clients"
        );
        eprintln!(
            "SKIPPED {test}: mosquitto is not installed (apt-get install mosquitto mosquitto-clients)"
        );
    }
    found
}

/// A mosquitto broker on 127.0.0.1 with a config the test writes.
pub struct Mosquitto {
    pub port: u16,
    config: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

impl Mosquitto {
    /// Starts mosquitto with `listener PORT 127.0.0.1` followed by `extra`
    /// (which says at least whether anonymous clients are allowed).
    pub fn start(dir: &Path, extra: &str) -> Self {
        // A free port is free when asked, not reserved: another test's
        // listener or outgoing connection can take it before mosquitto
        // binds, and then mosquitto exits at once. Another port is tried.
        for _ in 0..5 {
            let port = free_port();
            let config = dir.join(format!("mosquitto-{port}.conf"));
            let log = dir.join(format!("mosquitto-{port}.log"));
            // Started as root, mosquitto becomes the user `mosquitto`, who
            // cannot write into the test's private directory: its log stayed
            // empty. `user root` keeps the user it was started as (and means
            // nothing to a mosquitto not started as root).
            std::fs::write(
                &config,
                format!(
                    "user root\nlog_dest file {}\nlog_type all\nlistener {port} 127.0.0.1\npersistence false\n{extra}\n",
                    log.display()
                ),
            )
            .expect("write mosquitto.conf");
            let mut broker = Self {
                port,
                config,
                log,
                child: None,
            };
            if broker.listen() {
                return broker;
            }
        }
        panic!("mosquitto could not listen on any of 5 free ports");
    }

    /// Starts mosquitto again on the same port (after [`Mosquitto::kill`]).
    pub fn restart(&mut self) {
        assert!(
            self.listen(),
            "mosquitto did not listen on {}:\n{}",
            self.port,
            self.log()
        );
    }

    /// Runs mosquitto; whether it listens on its port. One that could not
    /// bind exits at once, and whatever answered on the port was not it.
    fn listen(&mut self) -> bool {
        let mut child = Command::new("mosquitto")
            .arg("-c")
            .arg(&self.config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosquitto");
        let answered = wait_for_port(self.port, Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(50));
        if answered && matches!(child.try_wait(), Ok(None)) {
            self.child = Some(child);
            return true;
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }

    /// Publishes one message with `mosquitto_pub` and waits for it to go.
    pub fn publish(&self, topic: &str, payload: &[u8]) {
        let mut child = self.mosquitto_pub(topic, "-s");
        {
            use std::io::Write as _;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(payload)
                .expect("payload to mosquitto_pub");
        }
        assert!(child.wait().expect("mosquitto_pub").success());
    }

    /// Starts publishing each line of `lines` as a message, as fast as
    /// `mosquitto_pub -l` can; wait on the child for the end of the flood.
    pub fn flood(&self, topic: &str, lines: &str) -> Child {
        let mut child = self.mosquitto_pub(topic, "-l");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(lines.as_bytes())
            .expect("lines to mosquitto_pub");
        child
    }

    fn mosquitto_pub(&self, topic: &str, mode: &str) -> Child {
        Command::new("mosquitto_pub")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-t",
                topic,
                mode,
            ])
            .stdin(Stdio::piped())
            .spawn()
            .expect("mosquitto_pub (package mosquitto-clients)")
    }

    /// The broker's process id (for SIGSTOP/SIGCONT).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("mosquitto is running").id()
    }

    /// What mosquitto logged, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `kill -9`: the broker vanishes without a word.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        self.kill();
    }
}
