//! What the `?` help says: the focused pane's keys first, then how to
//! compose and publish from wherever you are, then the keys every pane
//! shares. Every row comes from the key table, and wraps under its
//! description instead of being cut, so it reads whole at 60 columns; the
//! popup scrolls when the terminal is shorter than the help.

use super::app::{App, ConnectionState};
use super::keys::{self, Action, BINDINGS, Binding, Scope};
use super::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The widest the popup gets.
const WIDTH: u16 = 76;
/// The key column: two spaces, the keys, padding.
const KEY_COLUMN: usize = 16;

/// Where the popup goes on a `screen` for `rows` lines of help.
pub fn area(screen: Rect, rows: usize) -> Rect {
    let width = WIDTH.min(screen.width);
    let height = u16::try_from(rows + 2)
        .unwrap_or(u16::MAX)
        .min(screen.height);
    Rect::new(
        screen.x + (screen.width - width) / 2,
        screen.y + (screen.height - height) / 2,
        width,
        height,
    )
}

/// The columns a help line may take on a `screen`.
pub fn text_width(screen: Rect) -> usize {
    usize::from(WIDTH.min(screen.width).saturating_sub(2))
}

/// How far the help can scroll on the app's terminal: the lines that do
/// not fit.
pub fn max_scroll(app: &App) -> usize {
    let screen = Rect::new(0, 0, app.size.0, app.size.1);
    let width = text_width(screen);
    let theme = Theme {
        color: false,
        production: false,
    };
    let lines = lines(app, theme, width).len();
    let shown = usize::from(area(screen, lines).height.saturating_sub(2));
    lines.saturating_sub(shown)
}

/// The help's lines, wrapped to `width` columns.
pub fn lines(app: &App, theme: Theme, width: usize) -> Vec<Line<'static>> {
    let scope = app.focus.scope();
    let offer = app.offer();
    let mut out = Vec::new();
    if matches!(app.connection, ConnectionState::LoginRefused { .. }) {
        heading(&mut out, Scope::LoginRefused.title(), theme);
        for binding in keys::help_rows(Scope::LoginRefused, offer) {
            row(&mut out, binding.keys_label, binding.help, theme, width);
        }
        out.push(Line::raw(""));
    }
    let rows = keys::help_rows(scope, offer);
    heading(&mut out, scope.title(), theme);
    for binding in rows.iter().filter(|b| b.scope == scope) {
        row(&mut out, binding.keys_label, binding.help, theme, width);
    }
    out.push(Line::raw(""));
    if let Some(why) = app.read_only_reason() {
        for text in wrap(
            &format!("Read-only: nothing can be published ({why})"),
            width,
        ) {
            out.push(Line::styled(text, theme.warning()));
        }
        out.push(Line::raw(""));
    } else {
        compose(&mut out, theme, width);
    }
    heading(&mut out, Scope::Global.title(), theme);
    for binding in rows.iter().filter(|b| b.scope != scope) {
        row(&mut out, binding.keys_label, binding.help, theme, width);
    }
    out.push(Line::raw(""));
    let closing = if max_rows_exceeded(&out, app) {
        "Esc or ? closes this help, ↑/↓ and PgUp/PgDn scroll it; Ctrl-C quits from anywhere"
    } else {
        "Esc or ? closes this help; Ctrl-C quits from anywhere"
    };
    for text in wrap(closing, width) {
        out.push(Line::styled(text, theme.dim()));
    }
    out
}

/// Whether the help (with its closing line) is taller than the popup can
/// be, so the closing line says how to scroll.
fn max_rows_exceeded(so_far: &[Line<'_>], app: &App) -> bool {
    so_far.len() + 1 + 2 > usize::from(app.size.1)
}

/// How to get a payload out, whatever pane has the focus: the keys that
/// lead to the editor, the target and the marks, and the one that sends.
fn compose(out: &mut Vec<Line<'static>>, theme: Theme, width: usize) {
    out.push(Line::styled("Compose and publish", theme.title(false)));
    let steps = [
        (Scope::Vehicles, Action::Select),
        (Scope::Vehicles, Action::Mark),
        (Scope::Global, Action::FocusEditor),
        (Scope::Global, Action::Templates),
        (Scope::Log, Action::Reply),
        (Scope::Editor, Action::Publish),
    ];
    for (scope, action) in steps {
        let Some(binding) = binding(scope, action) else {
            continue;
        };
        let text = format!("{}: {}", place(binding), binding.help);
        row(out, binding.keys_label, &text, theme, width);
    }
    out.push(Line::raw(""));
}

/// The row of the key table for `action` in `scope`.
fn binding(scope: Scope, action: Action) -> Option<&'static Binding> {
    BINDINGS
        .iter()
        .find(|b| b.scope == scope && b.action == action)
}

/// Where the key of a compose step works, said from any pane: every
/// scope where the same key does the same.
fn place(step: &Binding) -> String {
    let scopes: Vec<&str> = BINDINGS
        .iter()
        .filter(|b| {
            b.action == step.action && b.keys_label == step.keys_label && b.help == step.help
        })
        .map(|b| match b.scope {
            Scope::Global => "any pane but the editor",
            Scope::Everywhere => "any pane",
            Scope::Vehicles => "vehicles pane",
            Scope::Log => "log",
            Scope::Detail => "detail",
            Scope::Editor => "editor",
            Scope::LoginRefused => "while the login is refused",
        })
        .collect();
    scopes.join(", ")
}

fn heading(out: &mut Vec<Line<'static>>, title: &str, theme: Theme) {
    out.push(Line::styled(format!("{title} keys"), theme.title(false)));
}

/// A key and what it does; the description wraps under itself.
fn row(out: &mut Vec<Line<'static>>, keys: &str, help: &str, theme: Theme, width: usize) {
    let room = width.saturating_sub(KEY_COLUMN).max(10);
    for (index, text) in wrap(help, room).into_iter().enumerate() {
        let lead = if index == 0 {
            Span::styled(format!("  {keys:<14}"), theme.key())
        } else {
            Span::raw(" ".repeat(KEY_COLUMN))
        };
        out.push(Line::from(vec![lead, Span::raw(text)]));
    }
}

/// `text` in lines of at most `width` columns (display width), broken
/// between words; a word longer than a line is broken where it must be.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let mut word = word.to_owned();
        loop {
            let needed = Span::raw(word.as_str()).width();
            let gap = usize::from(!current.is_empty());
            if used + gap + needed <= width {
                if gap == 1 {
                    current.push(' ');
                }
                current.push_str(&word);
                used += gap + needed;
                break;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
                used = 0;
                continue;
            }
            // A word wider than the line: as much of it as fits.
            let mut fits = 0;
            let mut taken = 0;
            for (at, c) in word.char_indices() {
                let w = Span::raw(c.to_string()).width();
                if taken + w > width {
                    break;
                }
                taken += w;
                fits = at + c.len_utf8();
            }
            let fits = fits.max(word.chars().next().map_or(0, char::len_utf8));
            lines.push(word[..fits].to_owned());
            word = word[fits..].to_owned();
            if word.is_empty() {
                break;
            }
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_breaks_between_words_and_counts_display_width() {
        assert_eq!(
            wrap("focus the next pane (in the editor too)", 20),
            ["focus the next pane", "(in the editor too)"]
        );
        assert_eq!(wrap("車両の一覧 ok", 6), ["車両の", "一覧", "ok"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), [""]);
    }
}
