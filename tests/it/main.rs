//! The integration tests, one binary: the real `wpconsole` binary against
//! the embedded broker, mosquitto and tmux, and the property tests. One
//! binary links the library and the helpers in `util/` once, instead of
//! once per test file.
//!
//! Run one module with `cargo test --test it cli::` (or any test name).
//! Every test here builds its own sandbox, broker port and tmux server
//! (unique per test), so the modules run in parallel in one process;
//! nothing sets process-wide environment variables or the current
//! directory: a child gets its environment on its `Command`.

mod broker;
mod cli;
mod console;
mod duckdb;
mod faults;
mod hostile_input;
mod jq;
mod layout;
mod mosquitto;
mod properties;
mod publish_rules;
mod util;
