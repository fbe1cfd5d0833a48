//! The interactive console: The Elm Architecture. `App` holds the state,
//! `update` applies a `Msg` and may return a `Command`, `view` draws, and
//! `run` is the loop that connects them to the terminal and the broker.

pub mod app;
pub mod columns;
pub mod draw;
pub mod editor;
mod intake;
pub mod keys;
pub mod layout;
pub mod modal;
pub mod panes;
pub mod run;
mod status_bar;
pub mod terminal;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
pub mod theme;
pub mod view;
pub mod width;

pub use app::{App, AppConfig, Command, Msg, update};
pub use view::view;
