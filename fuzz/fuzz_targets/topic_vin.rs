//! Topics and VINs (`domain::topic`, `domain::vin`): any prefix, UID,
//! topic or VIN text is answered without panicking; a VIN that parses is
//! 17 upper-case characters a topic can carry; a scheme's own topics are
//! understood by the same scheme.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpconsole::domain::{InboundTopic, TopicScheme, Vin};

/// The input's lines: prefix, uid, VIN, topic; a fifth line asks for the
/// trailing slash on outbound topics.
struct Input<'a> {
    prefix: &'a str,
    uid: &'a str,
    trailing_slash: bool,
    vin: &'a str,
    topic: &'a str,
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let input = Input {
        prefix: lines.next().unwrap_or_default(),
        uid: lines.next().unwrap_or_default(),
        vin: lines.next().unwrap_or_default(),
        topic: lines.next().unwrap_or_default(),
        trailing_slash: lines.next().is_some(),
    };
    let vin = Vin::parse(input.vin);
    if let Ok(vin) = &vin {
        let text = vin.as_str();
        assert_eq!(text.len(), 17);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        );
        assert!(!text.contains(['I', 'O', 'Q']));
        assert_eq!(text, input.vin.to_ascii_uppercase());
        assert_eq!(Vin::parse(&vin.to_string()).as_ref(), Ok(vin));
    } else if let Err(err) = &vin {
        let _ = err.to_string();
    }
    let scheme = match TopicScheme::new(input.prefix, input.uid, input.trailing_slash) {
        Ok(scheme) => scheme,
        Err(err) => {
            let _ = err.to_string();
            return;
        }
    };
    // Whatever arrives on the topic filter is understood or kept as it is.
    match scheme.parse_inbound(input.topic) {
        InboundTopic::Vehicle { uid, vin } => {
            assert!(!uid.is_empty());
            assert!(
                input.topic.contains(vin.as_str())
                    || input.topic.to_ascii_uppercase().contains(vin.as_str())
            );
        }
        InboundTopic::Unrecognised(raw) => assert_eq!(raw, input.topic),
    }
    let _ = scheme.parse_from_topic(input.topic);
    if let Ok(vin) = vin {
        for topic in [scheme.to_topic(&vin), scheme.from_topic(&vin)] {
            assert!(!topic.contains(['+', '#', '\0']), "wildcard in {topic:?}");
        }
        assert_eq!(
            scheme.parse_inbound(&scheme.to_topic(&vin)),
            InboundTopic::Vehicle {
                uid: scheme.uid.clone(),
                vin: vin.clone()
            },
            "a vehicle's own to-topic is not understood"
        );
        assert_eq!(
            scheme.parse_from_topic(&scheme.from_topic(&vin)),
            Some(vin),
            "a vehicle's own from-topic is not understood"
        );
    }
});
