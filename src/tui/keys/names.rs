//! How a key is written: on the screen (`Ctrl-S`, `PgDn`, `↑`) and in the
//! config file, which takes the same labels and plain names (`ctrl-s`,
//! `pgdn`, `up`), so a key is written one way wherever the user meets it.

use super::Key;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// Keys with a name rather than a character: the label first, then the
/// other spellings the config file takes (compared without case).
const NAMED: &[(KeyCode, &[&str])] = &[
    (KeyCode::Up, &["↑", "up"]),
    (KeyCode::Down, &["↓", "down"]),
    (KeyCode::Left, &["←", "left"]),
    (KeyCode::Right, &["→", "right"]),
    (KeyCode::PageUp, &["PgUp", "pageup", "page-up"]),
    (KeyCode::PageDown, &["PgDn", "pagedown", "page-down"]),
    (KeyCode::Home, &["Home"]),
    (KeyCode::End, &["End"]),
    (KeyCode::Enter, &["Enter", "return"]),
    (KeyCode::Esc, &["Esc", "escape"]),
    (KeyCode::Tab, &["Tab"]),
    (KeyCode::BackTab, &["Shift-Tab", "backtab"]),
    (KeyCode::Backspace, &["Backspace"]),
    (KeyCode::Delete, &["Del", "delete"]),
    (KeyCode::Insert, &["Ins", "insert"]),
    (KeyCode::Char(' '), &["Space"]),
];

/// What the config file's refusal lists as the keys it knows.
pub const KNOWN: &str = "a character (q, ?, G), a name (Enter, Esc, Tab, Shift-Tab, Backspace, Space, Up/↑, Down/↓, Left/←, Right/→, PgUp, PgDn, Home, End, Ins, Del, F1-F12), or one of those led by Ctrl- or Alt- (Ctrl-S, Alt-↑)";

/// The key as the screen writes it.
pub fn label(key: Key) -> String {
    let base = match key.code {
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            c.to_uppercase().to_string()
        }
        KeyCode::F(n) => format!("F{n}"),
        code => NAMED.iter().find(|(named, _)| *named == code).map_or_else(
            || match code {
                KeyCode::Char(c) => c.to_string(),
                other => format!("{other:?}"),
            },
            |(_, names)| names[0].to_owned(),
        ),
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else if key.modifiers.contains(KeyModifiers::ALT) {
        format!("Alt-{base}")
    } else {
        // Shift is in the character (`G`) or the name (`Shift-Tab`).
        base
    }
}

/// The keys a config file's key name means: an upper-case letter is
/// reported by terminals with or without Shift, so it is both. `None`
/// for a name that is no key.
pub fn parse(text: &str) -> Option<Vec<Key>> {
    let (modifiers, rest) = modifiers(text);
    let code = code(rest, modifiers)?;
    let key = |modifiers| Key { code, modifiers };
    Some(match code {
        KeyCode::Char(c) if c.is_uppercase() && modifiers.is_empty() => {
            vec![key(KeyModifiers::NONE), key(KeyModifiers::SHIFT)]
        }
        KeyCode::BackTab if modifiers.is_empty() => {
            vec![key(KeyModifiers::NONE), key(KeyModifiers::SHIFT)]
        }
        _ => vec![key(modifiers)],
    })
}

/// A leading `Ctrl-` or `Alt-` (any case), and what follows it.
fn modifiers(text: &str) -> (KeyModifiers, &str) {
    for (prefix, modifier) in [
        ("ctrl-", KeyModifiers::CONTROL),
        ("alt-", KeyModifiers::ALT),
    ] {
        if text.len() > prefix.len()
            && text.is_char_boundary(prefix.len())
            && text[..prefix.len()].eq_ignore_ascii_case(prefix)
        {
            return (modifier, &text[prefix.len()..]);
        }
    }
    (KeyModifiers::NONE, text)
}

fn code(text: &str, modifiers: KeyModifiers) -> Option<KeyCode> {
    if let Some((code, _)) = NAMED
        .iter()
        .find(|(_, names)| names.iter().any(|name| name.eq_ignore_ascii_case(text)))
    {
        return Some(*code);
    }
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_control() {
            return None;
        }
        // Terminals report Ctrl with the lower-case letter.
        return Some(KeyCode::Char(
            if modifiers.contains(KeyModifiers::CONTROL) {
                c.to_ascii_lowercase()
            } else {
                c
            },
        ));
    }
    text.strip_prefix(['F', 'f'])
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| (1..=12).contains(n))
        .map(KeyCode::F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_reads_back_as_its_key() {
        for text in [
            "q",
            "?",
            "G",
            "Ctrl-S",
            "Alt-↑",
            "PgDn",
            "Space",
            "Shift-Tab",
            "F5",
            "Esc",
            "/",
        ] {
            let keys = parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(label(keys[0]), text);
        }
    }

    #[test]
    fn the_config_file_takes_plain_names_in_any_case() {
        assert_eq!(parse("ctrl-p"), parse("Ctrl-P"));
        assert_eq!(parse("CTRL-p"), parse("Ctrl-P"));
        assert_eq!(parse("up"), parse("↑"));
        assert_eq!(parse("pagedown"), parse("PgDn"));
        assert_eq!(parse("alt-up"), parse("Alt-↑"));
        assert_eq!(
            parse("G").map(|k| k.len()),
            Some(2),
            "with or without Shift"
        );
        assert_ne!(parse("g"), parse("G"), "a letter's case is the key");
        for bogus in ["ctrl-", "ctrlp", "F13", "", "pgdown2", "\u{7}"] {
            assert_eq!(parse(bogus), None, "{bogus:?}");
        }
    }
}
