//! The command line: global connection options, the headless commands, and
//! the exit codes scripts rely on.

/// A line on standard output. A closed or full output (`| head`,
/// `>/dev/full`) is no reason to fail a command that already did its work:
/// a script that retried a `send` on that would publish twice. A closed
/// pipe ends quietly; any other failure is said once on standard error.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(err) = writeln!(std::io::stdout(), $($arg)*) {
            $crate::cli::output_lost(&err);
        }
    }};
}

/// Says once, on standard error, that standard output could not be written
/// (a reader that went away is not worth a word).
pub(crate) fn output_lost(err: &std::io::Error) {
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if err.kind() != std::io::ErrorKind::BrokenPipe
        && !SAID.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        eprintln!(
            "wpconsole: warning: cannot write to standard output ({err}); what this command did is unchanged"
        );
    }
}

pub mod confirm;
pub mod console;
#[cfg(feature = "demo")]
pub mod demo;
pub mod environment;
pub mod export;
pub mod open;
pub mod replay;
pub mod send;
pub mod settings;
pub mod tail;
pub mod validate;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes, documented in `--help` and the README.
pub mod exit {
    pub const OK: u8 = 0;
    /// The payload was refused (invalid, oversized, popup too soon).
    pub const REFUSED: u8 = 1;
    /// Usage or configuration error.
    pub const USAGE: u8 = 2;
    /// The broker is unreachable or refused the connection.
    pub const BROKER: u8 = 3;
    /// `send --track`: published, but no reply carried the id in time.
    pub const NO_REPLY: u8 = 4;
    /// `send --track` of a popup: the user answered Cancel.
    pub const POPUP_CANCELLED: u8 = 5;
    /// `send --track` of a popup: it closed unanswered (after 15 s).
    pub const POPUP_TIMED_OUT: u8 = 6;
}

const EXIT_CODES: &str = "Exit codes: 0 ok, 1 payload refused (invalid, oversized, popup too soon), \
2 usage or configuration error, 3 broker unreachable or connection refused, \
4 (send --track) published but no reply carried its id in time, \
5 (send --track, a popup) answered Cancel, 6 (send --track, a popup) closed unanswered.";

const ENVIRONMENT: &str = "\
Every connection option can also come from the environment (WPCONSOLE_BROKER, \
WPCONSOLE_UID, WPCONSOLE_APP_ID, ...) or from a profile in the config file. \
Precedence: flag > environment > profile > default. Switches take \
1/0, true/false, yes/no or on/off from the environment (WPCONSOLE_READ_ONLY=1) \
or after '=' on the command line (--read-only=false overrides a profile's \
read-only = true). The password is never a \
flag: it comes from WPCONSOLE_PASSWORD, --password-file, or a prompt.";

/// wpconsole: the application server console for Stellantis WebPortal apps.
#[derive(Debug, Parser)]
#[command(
    name = "wpconsole",
    version,
    about = "Watch what WebPortal vehicle apps send, and compose, validate and publish actions to them over MQTT.",
    after_help = format!("{ENVIRONMENT}\n\n{EXIT_CODES}\n\nWithout a command, wpconsole opens the interactive console on the configured broker.\nThe console logs connection changes and publishes (never payloads or secrets) to\n~/.local/state/wpconsole/wpconsole.log (or $WPCONSOLE_STATE_DIR/wpconsole.log).\n\nExamples:\n  wpconsole demo\n  wpconsole --profile preprod\n  wpconsole demo --headless\n  wpconsole --profile preprod tail --vin VF3ABCDEFGH123456\n  wpconsole validate action.json\n  wpconsole send --vin VF3ABCDEFGH123456 --content '{{\"type\":\"action\",\"action\":\"ping\"}}'"),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options accepted before or after the subcommand.
///
/// Every switch is an `Option<bool>`: `None` when neither the flag nor its
/// environment variable was given, so a profile's setting shows through and
/// an explicit `false` (`--read-only=false`, `WPCONSOLE_READ_ONLY=0`)
/// overrides it. Flag and environment accept 1/0, true/false, yes/no, on/off
/// in any case; `--read-only` alone means true. `require_equals` keeps
/// `--read-only send` from reading `send` as the switch's value.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Connection options (before or after the command)")]
pub struct GlobalArgs {
    /// Config file with named profiles [default: ~/.config/wpconsole/config.toml].
    #[arg(long, global = true, env = "WPCONSOLE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Profile of the config file to use, e.g. --profile preprod.
    #[arg(long, global = true, env = "WPCONSOLE_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Broker URL: mqtts://host:port (TLS), mqtt://, ws:// or wss://.
    /// e.g. --broker mqtts://iot-partners-preprod.mpsa.com:8886
    #[arg(long, global = true, env = "WPCONSOLE_BROKER", value_name = "URL")]
    pub broker: Option<String>,
    /// Partner login (UID): the MQTT username and part of every topic.
    #[arg(long, global = true, env = "WPCONSOLE_UID", value_name = "UID")]
    pub uid: Option<String>,
    /// File holding the MQTT password (first line). Or set WPCONSOLE_PASSWORD;
    /// with neither, TLS connections ask for it when a terminal is attached.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_PASSWORD_FILE",
        value_name = "FILE"
    )]
    pub password_file: Option<PathBuf>,
    /// CA certificates (PEM) that replace the system trust roots.
    #[arg(long, global = true, env = "WPCONSOLE_CA", value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM) issued by Stellantis; needs --key.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_CERT",
        value_name = "FILE",
        requires = "key"
    )]
    pub cert: Option<PathBuf>,
    /// Private key (PEM) of the client certificate.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_KEY",
        value_name = "FILE",
        requires = "cert"
    )]
    pub key: Option<PathBuf>,
    /// Do not verify the broker's certificate. Dangerous: only for test brokers.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_INSECURE",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub insecure: Option<bool>,
    /// MQTT client id [default: wpconsole-<pid>-<random>].
    #[arg(long, global = true, env = "WPCONSOLE_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// Topic prefix [default: psa/OVIPPartners-Dev].
    #[arg(long, global = true, env = "WPCONSOLE_PREFIX", value_name = "PREFIX")]
    pub prefix: Option<String>,
    /// Application id (idApp) issued by Stellantis, used when composing envelopes.
    #[arg(long, global = true, env = "WPCONSOLE_APP_ID", value_name = "ID")]
    pub app_id: Option<String>,
    /// Whether outbound topics end with '/' (the documented form) [default: true].
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_TRAILING_SLASH",
        value_name = "BOOL",
        value_parser = BoolishValueParser::new()
    )]
    pub trailing_slash: Option<bool>,
    /// The broker's maximum payload size in bytes [default: 131072].
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_SIZE_LIMIT",
        value_name = "BYTES"
    )]
    pub size_limit: Option<usize>,
    /// Directory of the console's journal (every message in and out, JSON Lines, a file
    /// per day) [default: ~/.local/share/wpconsole/journal; the demo keeps none unless given].
    #[arg(long, global = true, env = "WPCONSOLE_JOURNAL", value_name = "DIR")]
    pub journal: Option<PathBuf>,
    /// Start the console with an empty log instead of today's journal.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_FRESH",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub fresh: Option<bool>,
    /// Memory for recent payloads, in MiB; older ones are read back from the journal
    /// (or the opened file) when shown.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_CACHE_MB",
        value_name = "MIB",
        default_value_t = 64
    )]
    pub cache_mb: usize,
    /// A directory of action catalogs: content.params is checked against each action's JSON
    /// Schema (assets/catalog/ shows the format; the demo uses its own).
    #[arg(long, global = true, env = "WPCONSOLE_CATALOG", value_name = "DIR")]
    pub catalog: Option<PathBuf>,
    /// Do not stamp a tracking id into published content nor wait for replies (profile:
    /// track = false; in the console's editor Ctrl-G turns it on and off).
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_NO_TRACK",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub no_track: Option<bool>,
    /// Remove publishing: `send` and the console's Ctrl-S refuse (validation still works).
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_READ_ONLY",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub read_only: Option<bool>,
    /// Keep no journal.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_NO_JOURNAL",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub no_journal: Option<bool>,
    /// MQTT keep-alive in seconds: a broker that stops answering is noticed within 2x this
    /// [default: 30].
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_KEEP_ALIVE",
        value_name = "SECONDS"
    )]
    pub keep_alive: Option<u64>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an envelope against the WebPortal rules and the size limit.
    Validate(validate::ValidateArgs),
    /// Validate, size-check and publish one envelope to a vehicle.
    Send(send::SendArgs),
    /// Print what vehicles send, one line per message.
    Tail(tail::TailArgs),
    /// Export messages from journals or captures, filtered, as JSON Lines or CSV.
    Export(export::ExportArgs),
    /// Open journals or captures in the console, with no broker.
    Open(open::OpenArgs),
    /// Publish recorded messages again to one vehicle (recorded spacing or fast; --dry-run).
    Replay(replay::ReplayArgs),
    #[cfg(feature = "demo")]
    Demo(demo::DemoArgs),
}

/// An error that ends a command, with its exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn usage(message: impl fmt::Display) -> Self {
        Self {
            code: exit::USAGE,
            message: message.to_string(),
        }
    }

    pub fn refused(message: impl fmt::Display) -> Self {
        Self {
            code: exit::REFUSED,
            message: message.to_string(),
        }
    }

    pub fn broker(message: impl fmt::Display) -> Self {
        Self {
            code: exit::BROKER,
            message: message.to_string(),
        }
    }
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    end_on_any_panic();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let argv: Vec<_> = std::env::args_os().collect();
            let mut cmd = <Cli as clap::CommandFactory>::command();
            cmd.build();
            if let Some(message) = environment::blame(&err, &cmd, &argv) {
                eprintln!("wpconsole: {message}");
                return ExitCode::from(exit::USAGE);
            }
            err.exit()
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("wpconsole: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // Not eprintln!: when the console's terminal has gone away,
            // standard error is that dead terminal, and eprintln! panics.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "wpconsole: {}", err.message);
            ExitCode::from(err.code)
        }
    }
}

/// A panic anywhere (a Tokio task, the broker's threads) ends the program
/// after the message is printed, instead of leaving a half-working console.
/// The console puts the closing of its journal and the restoring of the
/// terminal in front of this hook (`tui::terminal::ConsoleTerminal`).
fn end_on_any_panic() {
    let print = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        print(info);
        std::process::exit(101);
    }));
}

async fn run(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Some(Command::Validate(args)) => validate::run(&cli.global, &args),
        Some(Command::Send(args)) => send::run(&cli.global, &args).await,
        Some(Command::Tail(args)) => tail::run(&cli.global, &args).await,
        Some(Command::Export(args)) => export::run(&cli.global, &args),
        Some(Command::Replay(args)) => replay::run(&cli.global, &args).await,
        Some(Command::Open(args)) => open::run(&cli.global, &args).await,
        #[cfg(feature = "demo")]
        Some(Command::Demo(args)) => demo::run(&cli.global, &args).await,
        None => {
            no_console_without_a_terminal()?;
            let settings = settings::Settings::resolve(&cli.global)?;
            if settings.broker.is_none() {
                return Err(CliError::usage(
                    "no broker to open the console on: pass --broker URL and --uid UID (or --profile NAME); to try it without an account, run `wpconsole demo`",
                ));
            }
            let connection = settings.connection()?;
            let fleet = console::configured_fleet(&settings);
            console::run(&settings, connection, fleet, false, &cli.global).await
        }
    }
}

/// The console (`wpconsole`, `demo`, `open`) refuses to start without a
/// terminal, with exit code 2, before anything else is started.
fn no_console_without_a_terminal() -> Result<(), CliError> {
    crate::tui::terminal::require_terminal().map_err(CliError::usage)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global(args: &[&str]) -> GlobalArgs {
        let mut line = vec!["wpconsole"];
        line.extend_from_slice(args);
        match Cli::try_parse_from(line) {
            Ok(cli) => cli.global,
            Err(err) => panic!("{args:?}: {err}"),
        }
    }

    #[test]
    fn a_switch_alone_is_true_takes_a_value_after_equals_and_never_eats_the_command() {
        let switches = [
            "--read-only",
            "--insecure",
            "--fresh",
            "--no-journal",
            "--no-track",
        ];
        let pick = |g: &GlobalArgs| [g.read_only, g.insecure, g.fresh, g.no_journal, g.no_track];
        for (i, switch) in switches.into_iter().enumerate() {
            let unset = global(&["validate", "-"]);
            assert_eq!(pick(&unset)[i], None, "{switch}");
            // Before the command: the command is not read as its value.
            let before = Cli::try_parse_from(["wpconsole", switch, "validate", "-"]).unwrap();
            assert!(
                matches!(before.command, Some(Command::Validate(_))),
                "{switch}"
            );
            assert_eq!(pick(&before.global)[i], Some(true), "{switch}");
            for (value, expected) in [("0", false), ("No", false), ("TRUE", true), ("on", true)] {
                let g = global(&["validate", "-", &format!("{switch}={value}")]);
                assert_eq!(pick(&g)[i], Some(expected), "{switch}={value}");
            }
            assert!(Cli::try_parse_from(["wpconsole", &format!("{switch}=maybe")]).is_err());
        }
    }
}
