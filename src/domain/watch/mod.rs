//! Watch rules and their engine, the one home of every rule kind: `when`
//! (a jq expression is truthy on a message), `silent` (a vehicle sent
//! nothing for a while, and came back), `unacknowledged` (a tracked message
//! got no reply in time), each optionally for some vehicles and with a
//! cooldown. The console and `wpconsole watch` read rules here
//! ([`RuleSpec::compile`], [`compile_all`]) and feed an [`Engine`].

mod engine;
mod line;
mod rule;
mod when;

pub use engine::{Alert, AlertKind, Engine};
pub use rule::{Condition, Rule, RuleError, RuleSpec, compile_all};
pub use when::When;
