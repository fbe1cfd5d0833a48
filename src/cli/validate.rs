//! `wpconsole validate`: check an envelope without sending it.

use super::settings::Settings;
use super::{CliError, GlobalArgs, exit};
use crate::domain::envelope::{self, MessageKind};
use crate::domain::outbound::OutboundRules;
use crate::domain::{TopicScheme, Vin};
use clap::Args;
use std::io::Read as _;
use std::path::Path;

/// Check an envelope file (or standard input) against the WebPortal rules.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  wpconsole validate action.json\n  cat action.json | wpconsole validate -\n\nPrints every problem with its JSON path and line:column, then the sizes.\nExit codes: 0 valid, 1 invalid, over the size limit, or starting with a byte order mark,\n2 the file cannot be read."
)]
pub struct ValidateArgs {
    /// Envelope file, or - for standard input.
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub file: String,
    /// The vehicle to check for: placeholders ({vin}, {uid}, {idApp}) are resolved for it,
    /// and the packet measured for its topic [default: a sample VIN].
    #[arg(long, value_name = "VIN")]
    pub vin: Option<String>,
}

/// Reads an envelope from a file or standard input (`-`), for `validate`
/// and `send`.
pub fn read_input(file: &str) -> Result<String, CliError> {
    let text = if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|err| {
            CliError::usage(format!("cannot read standard input as UTF-8 text: {err}"))
        })?;
        text
    } else {
        std::fs::read_to_string(Path::new(file))
            .map_err(|err| CliError::usage(format!("cannot read {file}: {err}")))?
    };
    refuse_a_byte_order_mark(file, &text)?;
    Ok(text)
}

/// Editors on Windows save "UTF-8" with a byte order mark. JSON forbids it,
/// the broker would pass it on to the vehicle, and the JSON reader can only
/// call it an unexpected `'\u{feff}'`: name it and the fix instead. It is
/// refused rather than removed so that what is checked is what was written.
fn refuse_a_byte_order_mark(file: &str, text: &str) -> Result<(), CliError> {
    if !text.starts_with('\u{feff}') {
        return Ok(());
    }
    let what = if file == "-" {
        "standard input".to_owned()
    } else {
        file.to_owned()
    };
    Err(CliError::refused(format!(
        "{what} starts with a UTF-8 byte order mark (BOM): remove it (save as UTF-8 without BOM); nothing was checked or published"
    )))
}

/// The vehicle envelopes are checked for when none is named (every VIN
/// has 17 characters, so sizes hold for any).
const SAMPLE_VIN: &str = "0123456789ABCDEFG";

/// Prints every problem, one per line, to standard error.
pub fn print_problems<'a>(problems: impl IntoIterator<Item = &'a envelope::Problem>) {
    for problem in problems {
        eprintln!("  {problem}");
    }
}

pub fn run(global: &GlobalArgs, args: &ValidateArgs) -> Result<u8, CliError> {
    let settings = Settings::resolve(global)?;
    let vin = Vin::parse(args.vin.as_deref().unwrap_or(SAMPLE_VIN)).map_err(CliError::usage)?;
    let uid = settings.uid.clone().unwrap_or_else(|| "UID".to_owned());
    let text = read_input(&args.file)?;
    // The rules `send` and the console publish by, so `{vin}` and the other
    // placeholders are resolved (for --vin) before anything is checked.
    let rules = OutboundRules {
        app_id: settings.app_id.clone(),
        size_limit: settings.size_limit,
        catalog: settings.catalog()?.map(std::sync::Arc::new),
        tracking: settings.tracking.clone(),
        track: false,
        ..OutboundRules::new(
            TopicScheme::new(&settings.prefix, &uid, settings.trailing_slash)
                .map_err(CliError::usage)?,
        )
    };
    let (resolved, validation) = rules.validate(&text, &vin);
    let size = rules.measure(&validation, &vin);
    if resolved.had_placeholders() {
        say!(
            "placeholders resolved for {vin}{}",
            if args.vin.is_none() {
                " (a sample VIN: --vin to choose)"
            } else {
                ""
            }
        );
    }
    let errors = validation.errors().count();
    let too_large = size.is_some_and(|s| !s.fits());
    if errors == 0 && !too_large {
        let kind = match validation.kind {
            Some(MessageKind::Popup) => "popup message",
            _ => "data message",
        };
        say!("valid {kind}");
    } else {
        let over = size.filter(|_| too_large).map(|size| {
            format!(
                "over the size limit by {} bytes",
                envelope::group(size.payload - size.limit)
            )
        });
        match (errors, over) {
            (0, Some(over)) => say!("invalid: {over}"),
            (errors, Some(over)) => say!("invalid: {errors} error(s), {over}"),
            (errors, None) => say!("invalid: {errors} error(s)"),
        }
    }
    for problem in &validation.problems {
        say!("  {problem}");
    }
    if let Some(size) = size {
        say!("  size: {size}");
        if too_large {
            say!(
                "  error: the payload is {} bytes over the broker's limit; shorten it",
                envelope::group(size.payload - size.limit)
            );
        }
    }
    Ok(if errors == 0 && !too_large {
        exit::OK
    } else {
        exit::REFUSED
    })
}
