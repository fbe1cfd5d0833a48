//! `wpconsole demo`: the embedded broker and a simulated fleet.

use super::{CliError, GlobalArgs, exit};
use crate::domain::TopicScheme;
use crate::mqtt::BrokerUrl;
use crate::sim::{self, DEMO_APP_ID, DEMO_PORT, DEMO_UID, fleet::Fleet};
use clap::Args;

/// Run an embedded broker and a simulated fleet: no account needed.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  wpconsole demo --headless\n  wpconsole demo --headless --port 0 --vehicles 40\n\nThe broker listens on 127.0.0.1 only. The fleet sends app messages (heartbeats, telemetry,\nuser actions, a few malformed ones), acknowledges every data message you send (echoing\ncontent.action and a correlation id such as content.cid as content.ref), answers popups,\nand some vehicles sleep and keep only the last 10 messages, as the WebPortal does."
)]
pub struct DemoArgs {
    /// Only the broker and fleet, no console; prints the commands to try.
    #[arg(long)]
    pub headless: bool,
    /// Port on 127.0.0.1 for the embedded broker (0: any free port).
    #[arg(long, default_value_t = DEMO_PORT, value_name = "PORT")]
    pub port: u16,
    /// How many simulated vehicles.
    #[arg(long, default_value_t = 12, value_name = "N")]
    pub vehicles: usize,
    /// Seed of the fleet's randomness, for a repeatable fleet.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

pub async fn run(global: &GlobalArgs, args: &DemoArgs) -> Result<u8, CliError> {
    if !args.headless {
        super::no_console_without_a_terminal()?;
    }
    let prefix = global
        .options
        .prefix
        .clone()
        .unwrap_or_else(|| crate::domain::DEFAULT_PREFIX.to_owned());
    let topics = TopicScheme::new(&prefix, DEMO_UID, true).map_err(CliError::usage)?;
    let broker = sim::broker::start(args.port).map_err(CliError::usage)?;
    let url = BrokerUrl::parse(&format!("mqtt://{}", broker.addr)).map_err(CliError::usage)?;
    let fleet = Fleet::new(
        topics.clone(),
        args.vehicles,
        args.seed.unwrap_or_else(|| fastrand::u64(..)),
    );
    let first_vin = fleet.vehicles.first().map(|v| v.vin.to_string());
    let vehicle_list: Vec<String> = fleet
        .vehicles
        .iter()
        .map(|v| format!("  {}  {}", v.vin, v.label))
        .collect();
    let fleet_list: Vec<(crate::domain::Vin, Option<String>)> = fleet
        .vehicles
        .iter()
        .map(|v| (v.vin.clone(), Some(v.label.clone())))
        .collect();
    let fleet_task = tokio::spawn(sim::run_fleet(url.clone(), topics, fleet));
    if !args.headless {
        let mut console_args = global.clone();
        let options = &mut console_args.options;
        options.broker = Some(url.to_string());
        options.uid = Some(DEMO_UID.to_owned());
        options.app_id = Some(DEMO_APP_ID.to_owned());
        // The demo ignores the user's config: its world is its own, and it
        // keeps a journal only where one is asked for.
        options.no_journal = Some(options.journal.is_none());
        let settings = super::settings::Settings::merge(
            &console_args,
            Some("demo".to_owned()),
            crate::config::Profile::default(),
        );
        let connection = settings.console_connection()?;
        let outcome = super::console::run(&settings, connection, fleet_list, true, global).await;
        fleet_task.abort();
        return outcome;
    }

    let connect = format!("--broker {url} --uid {DEMO_UID}");
    println!(
        "wpconsole demo: embedded broker on {url}, {} simulated vehicles",
        args.vehicles
    );
    println!("uid {DEMO_UID}, app id {DEMO_APP_ID}, prefix {prefix}");
    println!();
    println!("Watch the fleet:");
    println!("  wpconsole {connect} tail");
    if let Some(vin) = first_vin {
        println!("Send an action (the vehicle acknowledges it):");
        println!(
            "  wpconsole {connect} --app-id {DEMO_APP_ID} send --vin {vin} --content '{{\"type\":\"action\",\"action\":\"ping\",\"cid\":\"1\",\"params\":{{}}}}'"
        );
        println!("Ask for a popup:");
        println!(
            "  wpconsole {connect} --app-id {DEMO_APP_ID} send --vin {vin} --content '{{}}' --popup-text 'Hello from the demo' --popup-btn"
        );
    }
    println!();
    println!("Vehicles:");
    for line in vehicle_list {
        println!("{line}");
    }
    println!();
    println!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    fleet_task.abort();
    Ok(exit::OK)
}
