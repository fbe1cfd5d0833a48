//! `wpconsole validate`: check an envelope without sending it.

use super::settings::Settings;
use super::{CliError, GlobalArgs, exit};
use crate::domain::envelope::{self, MessageKind, SizeReport};
use crate::domain::{TopicScheme, Vin};
use clap::Args;
use std::io::Read as _;
use std::path::Path;

/// Check an envelope file (or standard input) against the WebPortal rules.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  wpconsole validate action.json\n  cat action.json | wpconsole validate -\n\nPrints every problem with its JSON path and line:column, then the sizes.\nExit codes: 0 valid, 1 invalid or over the size limit, 2 the file cannot be read."
)]
pub struct ValidateArgs {
    /// Envelope file, or - for standard input.
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub file: String,
    /// Measure the MQTT packet for this vehicle's topic (all VINs have the same length).
    #[arg(long, value_name = "VIN")]
    pub vin: Option<String>,
}

/// Reads a file or standard input (`-`).
pub fn read_input(file: &str) -> Result<String, CliError> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|err| {
            CliError::usage(format!("cannot read standard input as UTF-8 text: {err}"))
        })?;
        Ok(text)
    } else {
        std::fs::read_to_string(Path::new(file))
            .map_err(|err| CliError::usage(format!("cannot read {file}: {err}")))
    }
}

/// The topic used to measure the packet when no vehicle is named.
pub fn measuring_topic(settings: &Settings, vin: Option<&str>) -> Result<String, CliError> {
    let vin = Vin::parse(vin.unwrap_or("0123456789ABCDEFG")).map_err(CliError::usage)?;
    let uid = settings.uid.clone().unwrap_or_else(|| "UID".to_owned());
    let scheme = TopicScheme::new(&settings.prefix, &uid, settings.trailing_slash)
        .map_err(CliError::usage)?;
    Ok(scheme.from_topic(&vin))
}

/// Prints every problem, one per line, to standard error.
pub fn print_problems<'a>(problems: impl IntoIterator<Item = &'a envelope::Problem>) {
    for problem in problems {
        eprintln!("  {problem}");
    }
}

pub fn run(global: &GlobalArgs, args: &ValidateArgs) -> Result<u8, CliError> {
    let settings = Settings::resolve(global)?;
    let topic = measuring_topic(&settings, args.vin.as_deref())?;
    let text = read_input(&args.file)?;
    let catalog = settings.catalog()?;
    let validation = envelope::validate_with(&text, catalog.as_ref());
    let size = validation
        .payload
        .as_ref()
        .map(|payload| SizeReport::measure(payload.as_bytes(), &topic, settings.size_limit));
    let errors = validation.errors().count();
    let too_large = size.is_some_and(|s| !s.fits());
    if errors == 0 && !too_large {
        let kind = match validation.kind {
            Some(MessageKind::Popup) => "popup message",
            _ => "data message",
        };
        println!("valid {kind}");
    } else {
        println!(
            "invalid: {errors} error(s){}",
            if too_large {
                ", over the size limit"
            } else {
                ""
            }
        );
    }
    for problem in &validation.problems {
        println!("  {problem}");
    }
    if let Some(size) = size {
        println!("  size: {size}");
        if too_large {
            println!(
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
