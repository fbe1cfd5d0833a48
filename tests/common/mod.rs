//! Helpers shared by the integration tests: an isolated environment for the
//! real binary, line readers with timeouts, MQTT observers, and mosquitto.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const UID: &str = "PARTNER1";
pub const PREFIX: &str = "psa/OVIPPartners-Dev";
pub const VIN: &str = "VF3ABCDEFGH123456";

/// A throwaway home for the binary: no user config, its own state dir.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The real binary, with an environment that only the test controls.
    pub fn wpconsole(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wpconsole"));
        for (key, _) in std::env::vars() {
            if key.starts_with("WPCONSOLE_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("WPCONSOLE_STATE_DIR", self.path("state"))
            .stdin(Stdio::null());
        cmd
    }

    /// A shell command line that runs the binary with `args` in a clean
    /// environment (no inherited WPCONSOLE_* or password), for tmux.
    pub fn shell_line(&self, args: &[&str]) -> String {
        self.shell_line_with_env(&[], args)
    }

    /// [`Sandbox::shell_line`] with extra environment variables.
    pub fn shell_line_with_env(&self, vars: &[(&str, &str)], args: &[&str]) -> String {
        let mut env = vec![
            "env".to_owned(),
            "-i".to_owned(),
            format!("HOME={}", self.dir.path().display()),
            format!("PATH={}", std::env::var("PATH").unwrap_or_default()),
            format!("WPCONSOLE_STATE_DIR={}", self.path("state").display()),
            "TERM=xterm-256color".to_owned(),
        ];
        env.extend(vars.iter().map(|(key, value)| format!("{key}={value}")));
        env.push(env!("CARGO_BIN_EXE_wpconsole").to_owned());
        env.iter()
            .map(String::as_str)
            .chain(args.iter().copied())
            .map(shell_quote)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The binary with `args` in a `width`x`height` tmux terminal; when it
    /// ends, the shell prints `EXITED <code>`.
    /// It runs in the sandbox directory (where an export lands).
    pub fn in_terminal(&self, args: &[&str], width: u16, height: u16) -> Tmux {
        self.in_terminal_with_env(&[], args, width, height)
    }

    /// [`Sandbox::in_terminal`] with extra environment variables.
    pub fn in_terminal_with_env(
        &self,
        vars: &[(&str, &str)],
        args: &[&str],
        width: u16,
        height: u16,
    ) -> Tmux {
        let here = shell_quote(&self.dir.path().display().to_string());
        let line = format!(
            "cd {here} && {}; echo EXITED $?; sleep 60",
            self.shell_line_with_env(vars, args)
        );
        Tmux::start(&line, width, height)
    }

    /// `tail` against `broker` (a URL) with `args`, once it is subscribed.
    pub fn tail(&self, broker: &str, args: &[&str]) -> Running {
        let mut cmd = self.wpconsole();
        cmd.args(["--broker", broker, "--uid", UID])
            .arg("tail")
            .args(args);
        let mut tail = Running::spawn(cmd);
        assert!(
            tail.wait_stderr("watching", Duration::from_secs(10)),
            "tail did not subscribe: {}",
            tail.drain_stderr()
        );
        tail
    }

    /// Every record of the sandbox's journal root (`journal/`), in file
    /// order (each account's journal lies in `journal/host_port/UID/`).
    pub fn journal_records(&self) -> Vec<serde_json::Value> {
        self.journal_files()
            .iter()
            .flat_map(|file| {
                wpconsole::store::journal::read(file)
                    .expect("readable journal")
                    .records
            })
            .collect()
    }

    /// Every file under the sandbox's journal root (`journal/`), sorted.
    pub fn journal_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, files);
                } else {
                    files.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(&self.path("journal"), &mut files);
        files.sort();
        files
    }

    /// The journal directory of `uid` on `127.0.0.1:port` under the
    /// sandbox's journal root, created.
    pub fn account_journal(&self, port: u16, uid: &str) -> PathBuf {
        let dir = wpconsole::account::Account::new("127.0.0.1", port, uid)
            .journal_dir(&self.path("journal"));
        std::fs::create_dir_all(&dir).expect("account journal dir");
        dir
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).expect("write test file");
        path
    }
}

/// A running child whose output is read line by line in the background.
pub struct Running {
    pub child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
    pub stderr_seen: Vec<String>,
}

fn pump(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Running {
    pub fn spawn(mut cmd: Command) -> Self {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn wpconsole");
        let stdout = pump(child.stdout.take().expect("stdout"));
        let stderr = pump(child.stderr.take().expect("stderr"));
        Self {
            child,
            stdout,
            stderr,
            stderr_seen: Vec::new(),
        }
    }

    /// Stops reading standard output: the child's next writes meet a closed pipe.
    pub fn close_stdout(&mut self) {
        let (_, closed) = mpsc::channel();
        self.stdout = closed;
    }

    /// The next line on standard output, if one comes in time.
    pub fn next_line(&self, timeout: Duration) -> Option<String> {
        self.stdout.recv_timeout(timeout).ok()
    }

    /// Waits for a standard error line containing `needle`.
    pub fn wait_stderr(&mut self, needle: &str, timeout: Duration) -> bool {
        self.stderr_seen.iter().any(|l| l.contains(needle)) || self.wait_stderr_new(needle, timeout)
    }

    /// Waits for a standard error line containing `needle` among the lines
    /// not yet looked at.
    pub fn wait_stderr_new(&mut self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(needle);
                    self.stderr_seen.push(line);
                    if found {
                        return true;
                    }
                }
                Err(_) => return false,
            }
        }
        false
    }

    /// All standard error so far.
    pub fn drain_stderr(&mut self) -> String {
        while let Ok(line) = self.stderr.try_recv() {
            self.stderr_seen.push(line);
        }
        self.stderr_seen.join("\n")
    }

    /// Waits for the exit code.
    pub fn wait(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A plain MQTT subscriber (rumqttc, not wpconsole) that reports every
/// publish it receives, for checking what really reached the broker.
pub struct Observer {
    pub messages: mpsc::Receiver<(String, Vec<u8>)>,
    _client: rumqttc::Client,
}

impl Observer {
    pub fn subscribe(port: u16, filter: &str) -> Self {
        let mut options =
            rumqttc::MqttOptions::new(format!("observer-{}", fastrand::u32(..)), "127.0.0.1", port);
        options.set_max_packet_size(4 << 20, 4 << 20);
        let (client, mut connection) = rumqttc::Client::new(options, 64);
        client
            .subscribe(filter, rumqttc::QoS::AtMostOnce)
            .expect("subscribe");
        let (tx, messages) = mpsc::channel();
        let (ready_tx, ready) = mpsc::channel();
        std::thread::spawn(move || {
            for event in connection.iter() {
                match event {
                    Ok(rumqttc::Event::Incoming(rumqttc::Packet::SubAck(_))) => {
                        let _ = ready_tx.send(());
                    }
                    Ok(rumqttc::Event::Incoming(rumqttc::Packet::Publish(p))) => {
                        if tx.send((p.topic.clone(), p.payload.to_vec())).is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(_) => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        });
        ready
            .recv_timeout(Duration::from_secs(10))
            .expect("observer subscribed");
        Self {
            messages,
            _client: client,
        }
    }

    /// Publishes with a separate plain client.
    pub fn publish(port: u16, topic: &str, payload: Vec<u8>) {
        let mut options = rumqttc::MqttOptions::new(
            format!("publisher-{}", fastrand::u32(..)),
            "127.0.0.1",
            port,
        );
        options.set_max_packet_size(4 << 20, 4 << 20);
        let (client, mut connection) = rumqttc::Client::new(options, 8);
        client
            .publish(topic, rumqttc::QoS::AtMostOnce, false, payload)
            .expect("queue publish");
        client.disconnect().expect("queue disconnect");
        for event in connection.iter() {
            match event {
                Ok(rumqttc::Event::Outgoing(rumqttc::Outgoing::Disconnect)) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
}

pub fn to_topic(vin: &str) -> String {
    format!("{PREFIX}/to/uid/{UID}/opa/{vin}/")
}

pub fn from_topic(vin: &str) -> String {
    format!("{PREFIX}/from/uid/{UID}/opa/{vin}/")
}

/// An envelope whose minified form is exactly `size` bytes.
pub fn envelope_of_size(size: usize) -> String {
    let head = r#"{"idApp":"APP","popup":false,"content":{"type":"action","action":"fill","params":{"pad":""#;
    let tail = r#""}}}"#;
    format!("{head}{}{tail}", "x".repeat(size - head.len() - tail.len()))
}

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
        let port = free_port();
        let config = dir.join(format!("mosquitto-{port}.conf"));
        let log = dir.join(format!("mosquitto-{port}.log"));
        std::fs::write(
            &config,
            format!(
                "log_dest file {}\nlog_type all\nlistener {port} 127.0.0.1\npersistence false\n{extra}\n",
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
        broker.restart();
        broker
    }

    pub fn restart(&mut self) {
        let child = Command::new("mosquitto")
            .arg("-c")
            .arg(&self.config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosquitto");
        self.child = Some(child);
        assert!(
            wait_for_port(self.port, Duration::from_secs(10)),
            "mosquitto did not listen on {}",
            self.port
        );
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

/// Quotes one word for a POSIX shell command line.
pub fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

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

/// A TCP relay on 127.0.0.1 in front of a broker that counts the
/// connections made through it: how often a client tried to connect,
/// whatever the broker logs (TLS passes through untouched).
pub struct CountingRelay {
    pub port: u16,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl CountingRelay {
    /// Relays every connection to `127.0.0.1:target`.
    pub fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the relay");
        let port = listener.local_addr().expect("relay address").port();
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = connections.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Ok(broker) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                for (mut from, mut to) in [
                    (client.try_clone(), broker.try_clone()),
                    (broker.try_clone(), client.try_clone()),
                ]
                .into_iter()
                .filter_map(|(a, b)| Some((a.ok()?, b.ok()?)))
                {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        Self { port, connections }
    }

    /// Connections made through the relay so far.
    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}
