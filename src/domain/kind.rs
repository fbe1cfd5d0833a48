//! The kinds a message can have, as the log, the journal and `export
//! --kind` name them: one list, whose number is what the history's index
//! keeps for each message.

/// What a message is: the inbound kinds classification finds, then what
/// the console publishes, then anything a file names otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    /// JSON with `content` as an object (the usual case).
    Content,
    /// JSON with `content` as a string.
    ContentString,
    PopupOk,
    PopupCancel,
    PopupTimeout,
    /// A `popupAction` other than the documented three.
    PopupOther,
    /// JSON without `content` (or with `content` of another type).
    NoContent,
    /// Valid UTF-8 that is not JSON.
    Text,
    /// Not UTF-8.
    Binary,
    /// An envelope the console published without a popup.
    Data,
    /// An envelope the console published asking for a popup.
    Popup,
    /// A kind no record should name (a file written by something else).
    Other,
}

impl Kind {
    /// Every kind, by number.
    pub const ALL: [Kind; 12] = [
        Kind::Content,
        Kind::ContentString,
        Kind::PopupOk,
        Kind::PopupCancel,
        Kind::PopupTimeout,
        Kind::PopupOther,
        Kind::NoContent,
        Kind::Text,
        Kind::Binary,
        Kind::Data,
        Kind::Popup,
        Kind::Other,
    ];

    /// The kind's name in the log, the journal and `tail`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Content => "content",
            Kind::ContentString => "content-string",
            Kind::PopupOk => "popup-ok",
            Kind::PopupCancel => "popup-cancel",
            Kind::PopupTimeout => "popup-timeout",
            Kind::PopupOther => "popup-other",
            Kind::NoContent => "no-content",
            Kind::Text => "text",
            Kind::Binary => "binary",
            Kind::Data => "data",
            Kind::Popup => "popup",
            Kind::Other => "other",
        }
    }

    /// The kind named `name`; `None` for a name no record should carry.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.name() == name && *kind != Kind::Other)
    }

    /// The kind numbered `number` (as the index keeps it); `Other` for a
    /// number past the list.
    pub fn from_number(number: u8) -> Kind {
        Kind::ALL
            .get(usize::from(number))
            .copied()
            .unwrap_or(Kind::Other)
    }

    /// The names a record can carry: the list `export --kind` accepts.
    pub fn recorded_names() -> impl Iterator<Item = &'static str> {
        Kind::ALL
            .into_iter()
            .filter(|kind| *kind != Kind::Other)
            .map(Kind::name)
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn each_kind_is_its_number_and_its_name() {
        for (number, kind) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, number, "{kind:?}");
            assert_eq!(Kind::from_number(kind as u8), kind);
            if kind != Kind::Other {
                assert_eq!(Kind::parse(kind.name()), Some(kind));
            }
        }
        assert_eq!(Kind::parse("other"), None, "no record is named so");
        assert_eq!(Kind::from_number(200), Kind::Other);
        assert_eq!(Kind::recorded_names().count(), 11);
    }
}
