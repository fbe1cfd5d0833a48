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

pub mod completions;
pub mod confirm;
pub mod console;
#[cfg(feature = "demo")]
pub mod demo;
pub mod doctor;
pub mod environment;
pub mod export;
pub mod jq;
pub mod man;
pub mod needed;
pub mod open;
pub mod replay;
pub mod send;
pub mod settings;
pub mod tail;
pub mod validate;
pub mod watch;

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
    /// `watch --timeout`: the time passed with no alert (5 as a popup's
    /// Cancel: each command's own meaning, said in its help).
    pub const NO_ALERT: u8 = 5;
}

const EXIT_CODES: &str = "Exit codes: 0 ok, 1 payload refused (invalid, oversized, popup too soon), \
2 usage or configuration error, 3 broker unreachable or connection refused, \
4 (send --track) published but no reply carried its id in time, \
5 (send --track, a popup) answered Cancel, 6 (send --track, a popup) closed unanswered; \
5 (watch --timeout) the time passed with no alert.";

const ENVIRONMENT: &str = "\
Every connection option can also come from the environment (WPCONSOLE_BROKER, \
WPCONSOLE_UID, WPCONSOLE_APP_ID, ...) or from a profile in the config file. \
Precedence: flag > environment > profile > default. Switches take \
1/0, true/false, yes/no or on/off from the environment (WPCONSOLE_READ_ONLY=1) \
or after '=' on the command line (--read-only=false overrides a profile's \
read-only = true). The password is never a \
flag: it comes from WPCONSOLE_PASSWORD, --password-file, or a prompt.";

/// What `--version` says after the name: the version, the commit it was
/// built from and the cargo features built in (build.rs finds the last two),
/// e.g. `0.1.0 (commit 8f01d93, features: demo)`: a bug report then says
/// exactly which build it is about.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("WPCONSOLE_COMMIT"),
    ", features: ",
    env!("WPCONSOLE_FEATURES"),
    ")"
);

/// wpconsole: the application server console for Stellantis WebPortal apps.
#[derive(Debug, Parser)]
#[command(
    name = "wpconsole",
    version = VERSION,
    about = "Watch what WebPortal vehicle apps send, and compose, validate and publish actions to them over MQTT.",
    after_help = format!("{ENVIRONMENT}\n\n{EXIT_CODES}\n\nWithout a command, wpconsole opens the interactive console on the configured broker.\nThe console and the commands log what they do (never payloads or secrets; --log-level) to\n~/.local/state/wpconsole/wpconsole.log (or $WPCONSOLE_STATE_DIR/wpconsole.log), a file per day.\n\nExamples:\n  wpconsole demo\n  wpconsole --profile preprod\n  wpconsole demo --headless\n  wpconsole --profile preprod tail --vin VF3ABCDEFGH123456\n  wpconsole validate action.json\n  wpconsole send --vin VF3ABCDEFGH123456 --content '{{\"type\":\"action\",\"action\":\"ping\"}}'"),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options accepted before or after the subcommand: which config file
/// and profile, and the [`Options`](crate::config::Options) a profile can
/// also give.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Connection options (before or after the command)")]
pub struct GlobalArgs {
    /// Config file with named profiles [default: ~/.config/wpconsole/config.toml].
    #[arg(long, global = true, env = "WPCONSOLE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Profile of the config file to use, e.g. --profile preprod.
    #[arg(long, global = true, env = "WPCONSOLE_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    #[command(flatten)]
    pub options: crate::config::Options,
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
    /// Print the shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), or write one page per command with --dir.
    Man(man::ManArgs),
    /// Apply watch rules (the profile's, or --when / --silent) to what vehicles send and print
    /// one JSON line per alert; --once and --timeout for scripts and monitoring checks.
    Watch(watch::WatchArgs),
    /// Check the connection step by step (settings, files, DNS, TCP, TLS, login, subscribe),
    /// saying what to fix.
    Doctor(doctor::DoctorArgs),
}

impl Command {
    /// The command's name as typed, for the log.
    fn name(&self) -> &'static str {
        match self {
            Self::Validate(_) => "validate",
            Self::Send(_) => "send",
            Self::Tail(_) => "tail",
            Self::Watch(_) => "watch",
            Self::Export(_) => "export",
            Self::Open(_) => "open",
            Self::Replay(_) => "replay",
            #[cfg(feature = "demo")]
            Self::Demo(_) => "demo",
            Self::Completions(_) => "completions",
            Self::Man(_) => "man",
            Self::Doctor(_) => "doctor",
        }
    }
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
    let command = || environment::empty_is_unset(<Cli as clap::CommandFactory>::command());
    let parsed = command()
        .try_get_matches()
        .and_then(|mut matches| {
            // Read before clap hands the values over: it knows which came
            // from a flag and which from the environment.
            let origins = crate::config::Origins::given(&matches);
            let mut cli = <Cli as clap::FromArgMatches>::from_arg_matches_mut(&mut matches)?;
            cli.global.options.origins = origins;
            Ok(cli)
        })
        .map_err(|err| err.format(&mut command()));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => {
            let argv: Vec<_> = std::env::args_os().collect();
            let mut cmd = command();
            cmd.build();
            if let Some(message) = environment::blame(&err, &cmd, &argv) {
                eprintln!("wpconsole: {message}");
                return ExitCode::from(exit::USAGE);
            }
            err.exit()
        }
    };
    // Before anything happens that is worth a line in it.
    if let Err(err) = crate::logging::start(cli.global.options.log_level) {
        eprintln!("wpconsole: {err}");
        return ExitCode::from(exit::USAGE);
    }
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
    let command = cli.command.as_ref().map_or("console", Command::name);
    tracing::info!("wpconsole {VERSION}: {command} started");
    match runtime.block_on(run(cli)) {
        Ok(code) => {
            tracing::info!("{command} ended with exit code {code}");
            ExitCode::from(code)
        }
        Err(err) => {
            use std::io::Write as _;
            // Not the message: a refusal can quote the payload it refused.
            tracing::warn!("{command} ended with exit code {}", err.code);
            // Not eprintln!: when the console's terminal has gone away,
            // standard error is that dead terminal, and eprintln! panics.
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
        Some(Command::Watch(args)) => watch::run(&cli.global, &args).await,
        Some(Command::Export(args)) => export::run(&cli.global, &args),
        Some(Command::Replay(args)) => replay::run(&cli.global, &args).await,
        Some(Command::Open(args)) => open::run(&cli.global, &args).await,
        Some(Command::Doctor(args)) => doctor::run(&cli.global, &args).await,
        #[cfg(feature = "demo")]
        Some(Command::Demo(args)) => demo::run(&cli.global, &args).await,
        Some(Command::Completions(args)) => completions::run(&args),
        Some(Command::Man(args)) => man::run(&args),
        None => {
            // The config's mistakes come first: they are what to fix
            // whether or not there is a terminal.
            let settings = settings::Settings::resolve(&cli.global)?;
            console::key_table(&settings)?;
            no_console_without_a_terminal()?;
            settings
                .require(
                    &[needed::Needed::Broker, needed::Needed::Uid],
                    "open the console",
                )
                .map_err(|err| {
                    CliError::usage(format!(
                        "{}; to try it without an account, run `wpconsole demo`",
                        err.message
                    ))
                })?;
            let connection = settings.console_connection()?;
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
        let pick = |g: &GlobalArgs| {
            let o = &g.options;
            // `--no-track` is the profile's `track = false`.
            [
                o.read_only,
                o.insecure,
                o.fresh,
                o.no_journal,
                o.track.map(|track| !track),
            ]
        };
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
