//! wpconsole: a terminal console for the Stellantis WebPortal messaging system.
//!
//! Layers, from the bottom: [`domain`] (no I/O), [`config`] and [`mqtt`]
//! (connection), [`cli`] (headless commands) and [`sim`] (the demo broker and
//! fleet).

pub mod account;
pub mod cli;
pub mod config;
pub mod domain;
pub mod logging;
pub mod mqtt;
#[cfg(feature = "demo")]
pub mod sim;
pub mod store;
pub mod tui;
