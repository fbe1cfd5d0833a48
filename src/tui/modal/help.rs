//! What the `?` help says: the focused pane's keys first, then how to
//! compose and publish from wherever you are, then the keys every pane
//! shares. Every row comes from the key table, and wraps under its
//! description instead of being cut, so it reads whole at 60 columns; the
//! popup scrolls when the terminal is shorter than the help.

use super::{Input, Outcome, block};
use crate::tui::keys::{Action, Binding, KeyTable, Offer, Scope};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The widest the popup gets.
const WIDTH: u16 = 76;
/// The key column: two spaces, the keys, padding.
const KEY_COLUMN: usize = 16;

/// What the help tells: the keys, where the focus is, and what the
/// console can do now.
#[derive(Debug, Clone, Copy)]
pub struct HelpContent<'a> {
    pub keys: &'a KeyTable,
    /// The focused pane's scope.
    pub scope: Scope,
    pub offer: Offer,
    /// The broker refuses the login: its keys come first.
    pub login_refused: bool,
    /// Why nothing can be published, if so.
    pub read_only: Option<&'a str>,
}

/// The `?` help: its lines, wrapped for the terminal, and how far down
/// they are scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpPopup {
    lines: Vec<Line<'static>>,
    scroll: usize,
    screen: Rect,
    /// How the keys that scroll down are written, for the title.
    down_keys: String,
}

impl HelpPopup {
    /// The help for `content` on a `screen`, at its top.
    pub fn new(content: HelpContent<'_>, theme: Theme, screen: Rect) -> Self {
        Self {
            lines: lines(content, theme, text_width(screen), screen.height),
            scroll: 0,
            screen,
            down_keys: format!(
                "{}, {}",
                content.keys.label(Scope::Help, Action::Down),
                content.keys.label(Scope::Help, Action::PageDown)
            ),
        }
    }

    /// The help written again (the terminal, the focus or the connection
    /// changed), scrolled as far as it still can be.
    pub fn refresh(&mut self, content: HelpContent<'_>, theme: Theme, screen: Rect) {
        let scroll = self.scroll;
        *self = Self::new(content, theme, screen);
        self.scroll = scroll.min(self.max_scroll());
    }

    /// Every line of the help, scrolled out of sight or not.
    pub fn lines(&self) -> &[Line<'static>] {
        &self.lines
    }

    /// Where the popup goes on its screen.
    pub fn area(&self) -> Rect {
        area(self.screen, self.lines.len())
    }

    /// How far the help can scroll: the lines that do not fit.
    fn max_scroll(&self) -> usize {
        let shown = usize::from(self.area().height.saturating_sub(2));
        self.lines.len().saturating_sub(shown)
    }

    pub(super) fn handle(&mut self, input: Input) -> Outcome {
        let last = self.max_scroll();
        let page = usize::from(self.screen.height.saturating_sub(4)).max(1);
        let scroll = self.scroll;
        self.scroll = match input {
            Input::Action(Action::Close) => return Outcome::Close,
            Input::Action(Action::Up) => scroll.saturating_sub(1),
            Input::Action(Action::Down) => scroll + 1,
            Input::Action(Action::PageUp) => scroll.saturating_sub(page),
            Input::Action(Action::PageDown) => scroll + page,
            Input::Action(Action::Top) => 0,
            Input::Action(Action::Bottom) => last,
            _ => scroll,
        }
        .min(last);
        Outcome::Keep
    }

    pub(super) fn render(&self, frame: &mut Frame, theme: Theme) {
        let area = self.area();
        let below = self
            .lines
            .len()
            .saturating_sub(self.scroll + usize::from(area.height.saturating_sub(2)));
        // A help taller than the terminal says so where the eye is.
        let title = if below > 0 {
            format!(" Help: {below} more below ({}) ", self.down_keys)
        } else {
            " Help ".to_owned()
        };
        let shown: Vec<Line> = self.lines.iter().skip(self.scroll).cloned().collect();
        crate::tui::draw::clear_popup(frame.buffer_mut(), area);
        frame.render_widget(Paragraph::new(shown).block(block(title, theme)), area);
    }
}

/// Where the popup goes on a `screen` for `rows` lines of help.
fn area(screen: Rect, rows: usize) -> Rect {
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
fn text_width(screen: Rect) -> usize {
    usize::from(WIDTH.min(screen.width).saturating_sub(2))
}

/// The help's lines, wrapped to `width` columns, for a terminal `height`
/// rows high.
fn lines(content: HelpContent<'_>, theme: Theme, width: usize, height: u16) -> Vec<Line<'static>> {
    let HelpContent {
        keys,
        scope,
        offer,
        login_refused,
        read_only,
    } = content;
    let mut out = Vec::new();
    if login_refused {
        heading(&mut out, Scope::LoginRefused.title(), theme);
        for binding in keys.help_rows(Scope::LoginRefused, offer) {
            row(&mut out, &binding.label(), binding.help, theme, width);
        }
        out.push(Line::raw(""));
    }
    let rows = keys.help_rows(scope, offer);
    heading(&mut out, scope.title(), theme);
    for binding in rows.iter().filter(|b| b.scope == scope) {
        row(&mut out, &binding.label(), binding.help, theme, width);
    }
    out.push(Line::raw(""));
    if let Some(why) = read_only {
        for text in wrap(
            &format!("Read-only: nothing can be published ({why})"),
            width,
        ) {
            out.push(Line::styled(text, theme.warning()));
        }
        out.push(Line::raw(""));
    } else {
        compose(&mut out, keys, theme, width);
    }
    // Inside the editor `?` is text: its keys are told from every other
    // pane.
    if scope != Scope::Editor {
        heading(&mut out, Scope::Editor.title(), theme);
        for binding in keys
            .help_rows(Scope::Editor, offer)
            .iter()
            .filter(|b| b.scope == Scope::Editor)
        {
            row(&mut out, &binding.label(), binding.help, theme, width);
        }
        out.push(Line::raw(""));
    }
    heading(&mut out, Scope::Global.title(), theme);
    for binding in rows.iter().filter(|b| b.scope != scope) {
        row(&mut out, &binding.label(), binding.help, theme, width);
    }
    out.push(Line::raw(""));
    // Said from the help's own keys, so a rebinding shows here too.
    let label = |action| keys.label(Scope::Help, action);
    let closing = if out.len() + 2 + 2 > usize::from(height) {
        format!(
            "{} closes this help; {}, {}, {}, {} scroll it, {} and {} go to its end and top; {} quits from anywhere",
            label(Action::Close),
            label(Action::Down),
            label(Action::Up),
            label(Action::PageDown),
            label(Action::PageUp),
            label(Action::Bottom),
            label(Action::Top),
            label(Action::Interrupt)
        )
    } else {
        format!(
            "{} closes this help; {} quits from anywhere",
            label(Action::Close),
            label(Action::Interrupt)
        )
    };
    // First: a help taller than the screen still says at once how to
    // close and scroll it.
    let mut first: Vec<Line<'static>> = wrap(&closing, width)
        .into_iter()
        .map(|text| Line::styled(text, theme.dim()))
        .collect();
    first.push(Line::raw(""));
    out.splice(0..0, first);
    out
}

/// How to get a payload out, whatever pane has the focus: the keys that
/// lead to the editor, the target and the marks, and the one that sends.
fn compose(out: &mut Vec<Line<'static>>, keys: &KeyTable, theme: Theme, width: usize) {
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
        let Some(binding) = keys.binding(scope, action) else {
            continue;
        };
        let text = format!("{}: {}", place(keys, binding), binding.help);
        row(out, &binding.label(), &text, theme, width);
    }
    out.push(Line::raw(""));
}

/// Where the key of a compose step works, said from any pane: every
/// scope where the same key does the same.
fn place(keys: &KeyTable, step: &Binding) -> String {
    let scopes: Vec<&str> = keys
        .bindings()
        .iter()
        .filter(|b| b.action == step.action && b.keys == step.keys && b.help == step.help)
        .map(|b| match b.scope {
            Scope::Global => "any pane but the editor",
            Scope::Always | Scope::Everywhere => "any pane",
            Scope::Vehicles => "vehicles pane",
            Scope::Log => "log",
            Scope::Detail => "detail",
            Scope::Editor => "editor",
            Scope::LoginRefused => "while the login is refused",
            Scope::Help => "help",
            Scope::Templates => "template list",
            Scope::Confirm | Scope::FleetConfirm => "confirmation",
            Scope::FilterPrompt => "filter prompt",
            Scope::TimePrompt => "time prompt",
            Scope::Alerts => "alerts pane",
            Scope::RuleNamePrompt => "rule name prompt",
            Scope::JqPrompt => "jq prompt",
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
    // Keys wider than their column get a line of their own: the help
    // would touch them ("Ctrl-W/Alt-Backspacedelete the word").
    let own_line = Span::raw(keys).width() + 2 >= KEY_COLUMN;
    if own_line {
        out.push(Line::from(Span::styled(format!("  {keys}"), theme.key())));
    }
    for (index, text) in wrap(help, room).into_iter().enumerate() {
        let lead = if index == 0 && !own_line {
            Span::styled(format!("  {keys:<14}"), theme.key())
        } else {
            Span::raw(" ".repeat(KEY_COLUMN))
        };
        out.push(Line::from(vec![lead, Span::raw(text)]));
    }
}

/// `text` in lines of at most `width` columns (display width), broken
/// between words; a word longer than a line is broken where it must be.
fn wrap(text: &str, width: usize) -> Vec<String> {
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
