//! Colours that read on dark and light backgrounds (the terminal's own
//! palette, no fixed greys), and plain modifiers when `NO_COLOR` is set.

use super::panes::detail::Token;
use ratatui::style::{Color, Modifier, Style};

/// The console's styles.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    /// A production profile: every border wears the warning colour.
    pub production: bool,
}

impl Theme {
    /// `NO_COLOR` (any non-empty value) turns colours off.
    pub fn from_env() -> Self {
        Self {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            production: false,
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn border(self, focused: bool) -> Style {
        if self.production {
            let style = self.fg(Color::Yellow);
            return if focused {
                style.add_modifier(Modifier::BOLD)
            } else {
                style
            };
        }
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        }
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn title(self, demo: bool) -> Style {
        let style = Style::new().add_modifier(Modifier::BOLD);
        if demo {
            style.patch(self.fg(Color::Magenta))
        } else {
            style
        }
    }

    pub fn inbound(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn outbound(self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::BOLD)
    }

    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warning(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn token(self, token: Token) -> Style {
        match token {
            Token::Label => self.fg(Color::Cyan),
            Token::Plain | Token::Punctuation => Style::new(),
            Token::Key => self.fg(Color::Blue).add_modifier(Modifier::BOLD),
            Token::String => self.fg(Color::Green),
            Token::Number | Token::Hex => self.fg(Color::Magenta),
            Token::Literal => self.fg(Color::Yellow),
            Token::Notice => Style::new().add_modifier(Modifier::ITALIC),
        }
    }
}
