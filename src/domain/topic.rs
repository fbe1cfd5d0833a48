//! The WebPortal topic scheme: vehicles publish on "to" topics, the
//! application server publishes on "from" topics.
//!
//! `{prefix}/to/uid/{uid}/opa/{vin}/` and `{prefix}/from/uid/{uid}/opa/{vin}/`.

use super::vin::Vin;

/// The parts every topic of one account shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicScheme {
    /// e.g. `psa/OVIPPartners-Dev`; never ends with `/`.
    pub prefix: String,
    /// The partner login (UID), also the MQTT username.
    pub uid: String,
    /// Whether outbound topics end with `/` (the documented form).
    pub trailing_slash: bool,
}

/// The documentation's prefix, used when none is configured.
pub const DEFAULT_PREFIX: &str = "psa/OVIPPartners-Dev";

/// Why a prefix or UID cannot be used to build topics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    #[error(
        "the {what} {value:?} contains {character:?}; MQTT wildcards and NUL cannot be part of a topic"
    )]
    Wildcard {
        what: &'static str,
        value: String,
        character: char,
    },
    #[error("the {what} is empty; set it with --{what} or in the profile")]
    Empty { what: &'static str },
    #[error("the uid {0:?} contains '/'; a UID is one topic level")]
    SlashInUid(String),
}

/// An inbound topic, understood or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundTopic {
    /// `{prefix}/to/uid/{uid}/opa/{vin}` with or without a trailing slash.
    Vehicle { uid: String, vin: Vin },
    /// Anything else: kept with its raw text, never dropped.
    Unrecognised(String),
}

impl TopicScheme {
    /// A scheme after checking that prefix and UID are safe inside a topic.
    pub fn new(prefix: &str, uid: &str, trailing_slash: bool) -> Result<Self, TopicError> {
        let prefix = prefix.trim_end_matches('/');
        check_level_text("prefix", prefix)?;
        check_level_text("uid", uid)?;
        if uid.contains('/') {
            return Err(TopicError::SlashInUid(uid.to_owned()));
        }
        Ok(Self {
            prefix: prefix.to_owned(),
            uid: uid.to_owned(),
            trailing_slash,
        })
    }

    /// The topic the server publishes on for one vehicle.
    pub fn from_topic(&self, vin: &Vin) -> String {
        let slash = if self.trailing_slash { "/" } else { "" };
        format!("{}/from/uid/{}/opa/{vin}{slash}", self.prefix, self.uid)
    }

    /// The topic a vehicle publishes on (always in the documented form).
    pub fn to_topic(&self, vin: &Vin) -> String {
        format!("{}/to/uid/{}/opa/{vin}/", self.prefix, self.uid)
    }

    /// The subscription that receives every vehicle's messages.
    pub fn to_filter(&self) -> String {
        format!("{}/to/uid/{}/opa/#", self.prefix, self.uid)
    }

    /// The subscription that receives every message sent to vehicles
    /// (what the simulated WebPortal listens to).
    pub fn from_filter(&self) -> String {
        format!("{}/from/uid/{}/opa/#", self.prefix, self.uid)
    }

    /// Understands an inbound topic; anything unexpected stays `Unrecognised`.
    pub fn parse_inbound(&self, topic: &str) -> InboundTopic {
        self.parse_direction(topic, "to").map_or_else(
            || InboundTopic::Unrecognised(topic.to_owned()),
            |(uid, vin)| InboundTopic::Vehicle { uid, vin },
        )
    }

    /// The VIN of a "from" topic of this account, if it is one.
    pub fn parse_from_topic(&self, topic: &str) -> Option<Vin> {
        self.parse_direction(topic, "from").map(|(_, vin)| vin)
    }

    fn parse_direction(&self, topic: &str, direction: &str) -> Option<(String, Vin)> {
        let rest = topic
            .strip_prefix(self.prefix.as_str())?
            .strip_prefix('/')?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let mut levels = rest.split('/');
        let (Some(dir), Some("uid"), Some(uid), Some("opa"), Some(vin), None) = (
            levels.next(),
            levels.next(),
            levels.next(),
            levels.next(),
            levels.next(),
            levels.next(),
        ) else {
            return None;
        };
        if dir != direction || uid.is_empty() {
            return None;
        }
        Some((uid.to_owned(), Vin::parse(vin).ok()?))
    }
}

fn check_level_text(what: &'static str, value: &str) -> Result<(), TopicError> {
    if value.is_empty() {
        return Err(TopicError::Empty { what });
    }
    if let Some(character) = value.chars().find(|c| matches!(c, '+' | '#' | '\0')) {
        return Err(TopicError::Wildcard {
            what,
            value: value.to_owned(),
            character,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scheme(trailing_slash: bool) -> TopicScheme {
        TopicScheme::new(DEFAULT_PREFIX, "PARTNER1", trailing_slash).unwrap()
    }

    fn vin() -> Vin {
        Vin::parse("0123456789ABCDEFG").unwrap()
    }

    #[test]
    fn outbound_topic_has_the_documented_trailing_slash_by_default() {
        assert_eq!(
            scheme(true).from_topic(&vin()),
            "psa/OVIPPartners-Dev/from/uid/PARTNER1/opa/0123456789ABCDEFG/"
        );
        assert_eq!(
            scheme(false).from_topic(&vin()),
            "psa/OVIPPartners-Dev/from/uid/PARTNER1/opa/0123456789ABCDEFG"
        );
    }

    #[test]
    fn inbound_topic_parses_with_and_without_trailing_slash() {
        for topic in [
            "psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/0123456789ABCDEFG/",
            "psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/0123456789ABCDEFG",
        ] {
            assert_eq!(
                scheme(true).parse_inbound(topic),
                InboundTopic::Vehicle {
                    uid: "PARTNER1".into(),
                    vin: vin()
                }
            );
        }
    }

    #[test]
    fn unexpected_topics_are_kept_raw() {
        for topic in [
            "psa/OVIPPartners-Dev/from/uid/PARTNER1/opa/0123456789ABCDEFG/",
            "psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/NOTAVIN/",
            "psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/0123456789ABCDEFG/extra",
            "other/prefix/to/uid/PARTNER1/opa/0123456789ABCDEFG",
            "",
        ] {
            assert_eq!(
                scheme(true).parse_inbound(topic),
                InboundTopic::Unrecognised(topic.into()),
                "{topic}"
            );
        }
    }

    #[test]
    fn wildcards_in_prefix_or_uid_are_refused() {
        assert!(matches!(
            TopicScheme::new("psa/+", "U", true),
            Err(TopicError::Wildcard { what: "prefix", .. })
        ));
        assert!(matches!(
            TopicScheme::new("psa", "U#", true),
            Err(TopicError::Wildcard { what: "uid", .. })
        ));
        assert!(matches!(
            TopicScheme::new("psa", "a/b", true),
            Err(TopicError::SlashInUid(_))
        ));
        assert!(matches!(
            TopicScheme::new("psa", "", true),
            Err(TopicError::Empty { what: "uid" })
        ));
    }

    #[test]
    fn filters_cover_every_vehicle() {
        assert_eq!(
            scheme(true).to_filter(),
            "psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/#"
        );
        assert_eq!(
            scheme(true).parse_from_topic(&scheme(true).from_topic(&vin())),
            Some(vin())
        );
    }

    proptest! {
        #[test]
        fn built_to_topics_parse_back(
            prefix in "[a-zA-Z0-9_-]{1,8}(/[a-zA-Z0-9_-]{1,8}){0,2}",
            uid in "[A-Za-z0-9_.-]{1,12}",
            text in "[A-HJ-NPR-Z0-9]{17}",
        ) {
            let scheme = TopicScheme::new(&prefix, &uid, true).unwrap();
            let vin = Vin::parse(&text).unwrap();
            let topic = scheme.to_topic(&vin);
            prop_assert_eq!(scheme.parse_inbound(&topic), InboundTopic::Vehicle { uid: uid.clone(), vin: vin.clone() });
            prop_assert_eq!(scheme.parse_inbound(topic.trim_end_matches('/')), InboundTopic::Vehicle { uid, vin });
        }

        #[test]
        fn any_topic_is_either_understood_or_kept(topic in "\\PC{0,60}") {
            match scheme(true).parse_inbound(&topic) {
                InboundTopic::Unrecognised(raw) => prop_assert_eq!(raw, topic),
                InboundTopic::Vehicle { vin, .. } => prop_assert!(topic.contains(vin.as_str())),
            }
        }
    }
}
