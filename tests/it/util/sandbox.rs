//! The sandbox: the real binary in an environment only the test controls
//! (its own home, config and state directories, no inherited `WPCONSOLE_*`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{Running, Tmux, UID};

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

    /// wpconsole's own log: every day's file in the state directory, oldest
    /// first (`wpconsole.log` is a link to the last of them).
    pub fn own_log(&self) -> String {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.path("state"))
            .map(|dir| dir.flatten().map(|entry| entry.path()).collect())
            .unwrap_or_default();
        files.retain(|path| {
            !path.is_symlink()
                && path.extension().is_some_and(|ext| ext == "log")
                && path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("wpconsole."))
        });
        files.sort();
        files
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap_or_default())
            .collect()
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

    /// Every journal file (`*.jsonl`) under the sandbox's journal root
    /// (`journal/`), sorted: not the lock file beside them.
    pub fn journal_files(&self) -> Vec<PathBuf> {
        journal_files_in(&self.path("journal"))
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

/// Every journal file (`*.jsonl`) under `root`, sorted: not the lock
/// file beside them.
pub fn journal_files_in(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(root, &mut files);
    files.sort();
    files
}

/// Quotes one word for a POSIX shell command line.
pub fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}
