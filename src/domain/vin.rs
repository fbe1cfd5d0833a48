//! Vehicle Identification Numbers (ISO 3779), as the WebPortal uses them in topics.

use std::fmt;
use std::str::FromStr;

/// A VIN: 17 characters from `A-Z` and `0-9`, never `I`, `O` or `Q`.
///
/// Lower case is accepted and normalised to upper case. The check digit is
/// not verified (it is only mandatory in North America). Because every
/// character is alphanumeric, a `Vin` can never carry `/`, `+`, `#` or NUL
/// into a topic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Vin(String);

/// Why a text is not a VIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VinError {
    #[error("a VIN has 17 characters; {found:?} has {len}")]
    WrongLength { found: String, len: usize },
    #[error(
        "VIN {found:?}: character {position} is {character:?}; a VIN uses only A-Z and 0-9 without I, O and Q{hint}"
    )]
    BadCharacter {
        found: String,
        /// 1-based position of the first bad character.
        position: usize,
        character: char,
        hint: &'static str,
    },
}

/// The length of every VIN.
pub const VIN_LENGTH: usize = 17;

impl Vin {
    /// Parses a VIN, normalising lower case to upper case.
    pub fn parse(text: &str) -> Result<Self, VinError> {
        let len = text.chars().count();
        for (index, character) in text.chars().enumerate() {
            let upper = character.to_ascii_uppercase();
            let allowed = upper.is_ascii_digit()
                || (upper.is_ascii_uppercase() && !matches!(upper, 'I' | 'O' | 'Q'));
            if !allowed {
                let hint = match upper {
                    'I' => " (did you mean 1?)",
                    'O' | 'Q' => " (did you mean 0?)",
                    _ => "",
                };
                return Err(VinError::BadCharacter {
                    found: text.to_owned(),
                    position: index + 1,
                    character,
                    hint,
                });
            }
        }
        if len != VIN_LENGTH {
            return Err(VinError::WrongLength {
                found: text.to_owned(),
                len,
            });
        }
        Ok(Self(text.to_ascii_uppercase()))
    }

    /// The VIN as text, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Vin {
    type Err = VinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Vin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn documentation_sample_is_a_vin() {
        assert_eq!(
            Vin::parse("0123456789ABCDEFG").unwrap().as_str(),
            "0123456789ABCDEFG"
        );
    }

    #[test]
    fn lower_case_is_normalised_to_upper_case() {
        assert_eq!(
            Vin::parse("vf3abcdefgh123456").unwrap().as_str(),
            "VF3ABCDEFGH123456"
        );
    }

    #[test]
    fn wrong_length_is_refused_with_the_length() {
        let err = Vin::parse("VF3ABC").unwrap_err();
        assert_eq!(
            err,
            VinError::WrongLength {
                found: "VF3ABC".into(),
                len: 6
            }
        );
        assert!(err.to_string().contains("has 6"));
    }

    #[test]
    fn i_o_q_are_refused_with_their_position() {
        for (text, position, character) in [
            ("I123456789ABCDEFG", 1, 'I'),
            ("0123456789ABCDEFO", 17, 'O'),
            ("01234567q9ABCDEFG", 9, 'q'),
        ] {
            match Vin::parse(text).unwrap_err() {
                VinError::BadCharacter {
                    position: p,
                    character: c,
                    ..
                } => {
                    assert_eq!((p, c), (position, character), "{text}");
                }
                other @ VinError::WrongLength { .. } => panic!("{text}: {other}"),
            }
        }
    }

    #[test]
    fn topic_characters_are_refused() {
        for bad in [
            "0123456789ABCDEF/",
            "0123456789ABCDEF+",
            "0123456789ABCDEF#",
            "0123456789ABCDEF\0",
        ] {
            let err = Vin::parse(bad).unwrap_err();
            assert!(
                matches!(err, VinError::BadCharacter { position: 17, .. }),
                "{bad}: {err}"
            );
        }
    }

    proptest! {
        #[test]
        fn valid_vins_round_trip(text in "[A-HJ-NPR-Z0-9]{17}") {
            let vin = Vin::parse(&text).unwrap();
            prop_assert_eq!(vin.as_str(), text.as_str());
        }

        #[test]
        fn no_parsed_vin_can_break_a_topic(text in "\\PC{0,20}") {
            if let Ok(vin) = Vin::parse(&text) {
                prop_assert_eq!(vin.as_str().len(), VIN_LENGTH);
                prop_assert!(vin.as_str().bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
                prop_assert!(!vin.as_str().contains(['/', '+', '#', '\0', 'I', 'O', 'Q']));
            }
        }
    }
}
