//! `wpconsole man`: the manual page in roff, made from the clap
//! definitions (the same text as `--help`), on standard output or as one
//! page per command in a directory.

use super::{Cli, CliError, exit};
use clap::{Args, CommandFactory as _};
use std::path::PathBuf;

/// Arguments of `wpconsole man`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    wpconsole man | man -l -\n  \
    wpconsole man > ~/.local/share/man/man1/wpconsole.1\n  \
    wpconsole man --dir ~/.local/share/man/man1   # wpconsole.1, wpconsole-send.1, ...")]
pub struct ManArgs {
    /// Write one page per command (wpconsole.1, wpconsole-send.1, ...) into
    /// this directory instead of the main page on standard output.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints the main page, or writes every command's page into `--dir`.
pub fn run(args: &ManArgs) -> Result<u8, CliError> {
    // No `help` page: `wpconsole help send` is `wpconsole send --help`,
    // which its own page already is.
    let command = Cli::command().disable_help_subcommand(true);
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(command, dir))
            .map_err(|err| {
                CliError::usage(format!(
                    "cannot write the manual pages into {}: {err}; pass a directory you can write with --dir DIR",
                    dir.display()
                ))
            })?;
        say!("manual pages written to {}", dir.display());
        return Ok(exit::OK);
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(|err| CliError::usage(format!("cannot render the manual page: {err}")))?;
    super::completions::write_out(&page);
    Ok(exit::OK)
}
