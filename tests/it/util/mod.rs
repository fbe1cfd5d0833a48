//! Helpers shared by the integration tests, one idea a file: the sandbox
//! the real binary runs in, children read line by line, loopback ports, a
//! plain MQTT observer, mosquitto, DuckDB, tmux, signals, and the validation rules
//! shared with the console's unit tests.

mod duckdb;
mod mosquitto;
mod net;
mod observer;
pub mod rules;
mod running;
mod sandbox;
mod signals;
mod tmux;

pub use duckdb::{duckdb_available, duckdb_rows};
pub use mosquitto::{Mosquitto, mosquitto_available};
pub use net::{CountingRelay, free_port};
pub use observer::Observer;
pub use running::Running;
pub use sandbox::{Sandbox, journal_files_in, shell_quote};
pub use signals::{signal, wait_until_gone, wpconsole_pid};
pub use tmux::{Tmux, tmux_available};

pub const UID: &str = "PARTNER1";
pub const PREFIX: &str = "psa/OVIPPartners-Dev";
pub const VIN: &str = "VF3ABCDEFGH123456";

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
