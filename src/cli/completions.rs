//! `wpconsole completions SHELL`: the shell's completion script, made from
//! the same clap definitions the command line parses with, so a new flag
//! completes as soon as it exists.

use super::{Cli, CliError, exit};
use clap::{Args, CommandFactory as _};
use clap_complete::Shell;
use std::io::Write as _;

/// Arguments of `wpconsole completions`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    wpconsole completions bash > ~/.local/share/bash-completion/completions/wpconsole\n  \
    wpconsole completions zsh > ~/.zfunc/_wpconsole      # with fpath+=~/.zfunc before compinit\n  \
    wpconsole completions fish > ~/.config/fish/completions/wpconsole.fish\n  \
    wpconsole completions powershell >> $PROFILE\n  \
    source <(wpconsole completions bash)                 # this shell only")]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

/// Prints the completion script on standard output.
pub fn run(args: &CompletionsArgs) -> Result<u8, CliError> {
    // Made whole before any byte is written: clap_complete panics on a
    // write error, and `| head` closes the pipe early.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "wpconsole", &mut script);
    write_out(&script);
    Ok(exit::OK)
}

/// `bytes` on standard output; a closed or full output is said as `say!`
/// says it (the script was made; only its reader is gone).
pub(super) fn write_out(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        super::output_lost(&err);
    }
}
