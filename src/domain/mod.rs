//! The WebPortal domain: VINs, topics, envelopes, sizes, popups and inbound
//! classification. No I/O, no async, no terminal: every front end uses it.

pub mod catalog;
pub mod display;
pub mod duration;
pub mod envelope;
pub mod inbound;
pub mod jq;
pub mod json;
pub mod kind;
pub mod moment;
pub mod outbound;
pub mod popup;
pub mod record;
pub mod topic;
pub mod tracking;
pub mod vin;
pub mod watch;

pub use envelope::{
    CheckedPayload, DEFAULT_SIZE_LIMIT, MessageKind, Refusal, SizeReport, Validation,
};
pub use inbound::{Classified, InboundKind, PopupAction, classify};
pub use kind::Kind;
pub use popup::{PopupLedger, PopupTooSoon};
pub use record::InboundMessage;
pub use topic::{DEFAULT_PREFIX, InboundTopic, TopicScheme};
pub use vin::{Vin, VinError};
