//! The filter language: a jq expression (through the `jaq` crates) asked
//! of one record, the record exactly as `tail --json` prints it plus its
//! `dir` ([`super::record`] is that form's one home). Every front end
//! (`tail`, `export`, `replay`, the console's `|` prompt, watch rules)
//! compiles with [`JqFilter::compile`] and asks [`JqFilter::verdict`].
//!
//! A record matches when the expression's first output is neither `false`
//! nor `null`. No output (`select(false)`, `empty`) is no match; an error
//! is no match too, and the caller counts it ([`Verdict::Error`]).

use super::record::{Record, json_line};
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Ctx, ValT as _, Vars, data};
use jaq_json::Val;

type Data = data::JustLut<Val>;

/// Filters that reach outside the record: `env` (the environment holds
/// WPCONSOLE_PASSWORD), `now` is harmless and stays, `halt` ends the
/// evaluation as an error here (never the process), and `debug`/`stderr`
/// write to the `log` facade, which nothing listens to.
const LEFT_OUT: &[&str] = &["env"];

/// The longest error message kept from one record's evaluation: jaq puts
/// the offending value in it, which may be a whole payload.
const MOST_MESSAGE_CHARS: usize = 160;

/// A compiled jq expression, asked of records.
pub struct JqFilter {
    source: String,
    filter: jaq_core::Filter<Data>,
}

impl std::fmt::Debug for JqFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JqFilter")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Clone for JqFilter {
    fn clone(&self) -> Self {
        // The compiled program has no Clone; its source compiled once
        // compiles again.
        Self::compile(&self.source).expect("a compiled expression compiles again")
    }
}

/// Why an expression does not compile, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the jq expression does not compile: {message} (column {column})")]
pub struct JqError {
    /// 1-based, in characters of the expression.
    pub column: usize,
    pub message: String,
}

impl JqError {
    /// The error under the expression with a caret at its column, for a
    /// terminal:
    /// ```text
    /// the jq expression does not compile: expected term, found end of expression (column 8)
    ///   .speed >
    ///          ^
    /// ```
    pub fn with_caret(&self, source: &str) -> String {
        // One line: a newline in the expression would break the caret's
        // alignment.
        let shown: String = source
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!(
            "{self}\n  {shown}\n  {}^",
            " ".repeat(self.column.saturating_sub(1))
        )
    }
}

/// What an expression says of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Match,
    NoMatch,
    /// The evaluation failed (`.a.b` on a string, `halt`, a line that is not
    /// a record): not a match, counted by the caller.
    Error(String),
}

impl Verdict {
    pub fn is_match(&self) -> bool {
        matches!(self, Self::Match)
    }
}

impl JqFilter {
    /// Parses and compiles `source` with jq's standard library.
    pub fn compile(source: &str) -> Result<Self, JqError> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs())
            .filter(|(name, _, _)| !LEFT_OUT.contains(name));
        let arena = Arena::default();
        let modules = Loader::new(defs)
            .load(
                &arena,
                File {
                    code: source,
                    path: (),
                },
            )
            .map_err(|errors| load_error(source, errors))?;
        let filter = jaq_core::Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| compile_error(source, errors))?;
        Ok(Self {
            source: source.to_owned(),
            filter,
        })
    }

    /// The expression as it was given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The verdict on one record (its `dir` set, as the journal has it).
    pub fn verdict(&self, record: &Record<'_>) -> Verdict {
        self.verdict_line(json_line(record).as_bytes())
    }

    /// The verdict on one JSON Lines record as the journal keeps it (the
    /// `tail --json` line plus `dir`), parsed straight from its bytes. A
    /// line without `dir` (a `tail --json` capture) is inbound, as
    /// `export --dir` reads it: its `dir` is `"in"`.
    pub fn verdict_line(&self, line: &[u8]) -> Verdict {
        match jaq_json::read::parse_single(line) {
            Ok(Val::Obj(mut record)) => {
                let dir = Val::utf8_str("dir");
                if !record.contains_key(&dir) {
                    jaq_json::Rc::make_mut(&mut record).insert(dir, Val::utf8_str("in"));
                }
                self.verdict_value(Val::Obj(record))
            }
            Ok(_) => Verdict::Error("not a wpconsole record: not a JSON object".to_owned()),
            Err(err) => Verdict::Error(format!("not a wpconsole record: {err}")),
        }
    }

    /// The verdict on a record already read into jaq's value.
    pub fn verdict_value(&self, record: Val) -> Verdict {
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        let first = self.filter.id.run((ctx, record)).next();
        match first {
            Some(Ok(value)) if value.as_bool() => Verdict::Match,
            None | Some(Ok(_)) => Verdict::NoMatch,
            Some(Err(exn)) => Verdict::Error(match exn.get_err() {
                Ok(err) => shortened(&err.to_string()),
                Err(_halt) => "halt ends the expression (not a match)".to_owned(),
            }),
        }
    }
}

fn shortened(message: &str) -> String {
    if message.chars().count() <= MOST_MESSAGE_CHARS {
        return message.to_owned();
    }
    let mut short: String = message.chars().take(MOST_MESSAGE_CHARS).collect();
    short.push('…');
    short
}

/// The 1-based column, in characters, where `part` (a slice of `source`,
/// as jaq's errors are) starts; the end of the expression when `part` lies
/// elsewhere (a name from jaq's own definitions).
fn column_of(source: &str, part: &str) -> usize {
    let start = (part.as_ptr() as usize).wrapping_sub(source.as_ptr() as usize);
    let start = if start <= source.len() && source.is_char_boundary(start) {
        start
    } else {
        source.len()
    };
    source[..start].chars().count() + 1
}

fn load_error(source: &str, errors: jaq_core::load::Errors<&str, ()>) -> JqError {
    use jaq_core::load::Error;
    let unknown = || JqError {
        column: 1,
        message: "the expression does not parse".to_owned(),
    };
    let Some((_, error)) = errors.into_iter().next() else {
        return unknown();
    };
    match error {
        Error::Lex(errors) => errors.first().map_or_else(unknown, |(expect, found)| {
            let message = match expect {
                jaq_core::load::lex::Expect::Token => format!(
                    "unexpected character `{}`",
                    found.chars().next().unwrap_or(' ')
                ),
                _ => format!("expected {}", expect.as_str()),
            };
            JqError {
                column: column_of(source, found),
                message,
            }
        }),
        Error::Parse(errors) => errors.first().map_or_else(unknown, |(expect, found)| {
            let shown = if found.is_empty() {
                "the end of the expression".to_owned()
            } else {
                format!("`{found}`")
            };
            JqError {
                column: column_of(source, found),
                message: format!("expected {}, found {shown}", expect.as_str()),
            }
        }),
        Error::Io(errors) => errors.first().map_or_else(unknown, |(path, why)| JqError {
            column: column_of(source, path),
            message: format!("cannot load module {path}: {why}"),
        }),
    }
}

fn compile_error(source: &str, errors: jaq_core::compile::Errors<&str, ()>) -> JqError {
    let first = errors.into_iter().flat_map(|(_, errors)| errors).next();
    match first {
        Some((name, undefined)) => {
            let what = match &undefined {
                jaq_core::compile::Undefined::Filter(arity) => {
                    format!("no filter {name}/{arity}")
                }
                other => format!("no {} {name}", other.as_str()),
            };
            let hint = match &undefined {
                _ if name == "env" || name == "$ENV" => {
                    " (the environment is not readable from a filter)".to_owned()
                }
                // `.kind == popup` for `.kind == "popup"`: the commonest slip.
                jaq_core::compile::Undefined::Filter(0) => {
                    format!(" (a text is written in double quotes: \"{name}\")")
                }
                _ => String::new(),
            };
            JqError {
                column: column_of(source, name),
                message: format!("{what}{hint}"),
            }
        }
        None => JqError {
            column: 1,
            message: "the expression does not compile".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn record<'a>(payload: &'a [u8], kind: &'a str, is_json: bool) -> Record<'a> {
        Record {
            at: chrono::Utc
                .with_ymd_and_hms(2026, 11, 24, 14, 3, 5)
                .unwrap(),
            vin: Some("VF3ABCDEF12345678"),
            topic: "psa/OVIPPartners-Dev/to/uid/U/opa/VF3ABCDEF12345678/",
            payload,
            kind,
            is_json,
            dir: Some("in"),
        }
    }

    fn verdict(expression: &str, payload: &[u8]) -> Verdict {
        let is_json = serde_json::from_slice::<serde_json::Value>(payload).is_ok();
        let kind = if is_json { "content" } else { "text" };
        JqFilter::compile(expression)
            .unwrap()
            .verdict(&record(payload, kind, is_json))
    }

    const FAST: &[u8] =
        br#"{"content":{"type":"action","action":"climateOn","params":{"speed":131.5}}}"#;
    const SLOW: &[u8] = br#"{"content":{"type":"action","action":"lock","params":{"speed":80}}}"#;

    #[test]
    fn a_truthy_first_output_is_a_match() {
        let speed = ".payload.content.params.speed > 120";
        assert_eq!(verdict(speed, FAST), Verdict::Match);
        assert_eq!(verdict(speed, SLOW), Verdict::NoMatch);
        assert_eq!(
            verdict(".payload.content.action | test(\"^climate\")", FAST),
            Verdict::Match
        );
        assert_eq!(
            verdict(".payload.content.action | test(\"^climate\")", SLOW),
            Verdict::NoMatch
        );
        // Any value but false and null is truthy, 0 and "" too (as in jq).
        assert_eq!(verdict("0", SLOW), Verdict::Match);
        assert_eq!(verdict("\"\"", SLOW), Verdict::Match);
        assert_eq!(verdict("null", SLOW), Verdict::NoMatch);
        assert_eq!(verdict(".payload.nothing", SLOW), Verdict::NoMatch);
        // The first output decides; none is no match.
        assert_eq!(verdict("false, true", SLOW), Verdict::NoMatch);
        assert_eq!(verdict("true, false", SLOW), Verdict::Match);
        assert_eq!(verdict("select(.bytes > 100000)", SLOW), Verdict::NoMatch);
        assert_eq!(verdict("empty", SLOW), Verdict::NoMatch);
    }

    #[test]
    fn the_input_is_the_tail_json_record_plus_dir() {
        for expression in [
            ".dir == \"in\"",
            ".vin == \"VF3ABCDEF12345678\"",
            ".kind == \"content\"",
            ".received_at == \"2026-11-24T14:03:05.000Z\"",
            ".topic | endswith(\"/VF3ABCDEF12345678/\")",
            &format!(".bytes == {}", FAST.len()),
            ".payload.content.params.speed == 131.5",
        ] {
            assert_eq!(verdict(expression, FAST), Verdict::Match, "{expression}");
        }
    }

    #[test]
    fn a_payload_that_is_not_json_is_still_a_record() {
        let text = record(b"engine \"on\"", "text", false);
        let filter = JqFilter::compile(".payload | contains(\"on\")").unwrap();
        assert_eq!(filter.verdict(&text), Verdict::Match);
        let binary = record(&[0xff, 0x00], "binary", false);
        let filter = JqFilter::compile(".payload.base64 == \"/wA=\"").unwrap();
        assert_eq!(filter.verdict(&binary), Verdict::Match);
        let kind = JqFilter::compile(".kind == \"binary\"").unwrap();
        assert_eq!(kind.verdict(&binary), Verdict::Match);
    }

    #[test]
    fn an_error_is_no_match_and_says_why() {
        // `.payload.content` of a text payload: a string indexed.
        let text = record(b"plain", "text", false);
        let filter = JqFilter::compile(".payload.content.params.speed > 120").unwrap();
        let Verdict::Error(why) = filter.verdict(&text) else {
            panic!("indexing a string is an error");
        };
        assert!(why.contains("cannot index"), "{why}");
        assert!(!filter.verdict(&text).is_match());
        assert!(matches!(verdict("error(\"no\")", SLOW), Verdict::Error(m) if m.contains("no")));
        assert!(matches!(
            JqFilter::compile(".").unwrap().verdict_line(b"{\"torn"),
            Verdict::Error(m) if m.starts_with("not a wpconsole record")
        ));
    }

    #[test]
    fn a_capture_line_without_dir_is_inbound() {
        let capture = br#"{"received_at":"2026-11-24T14:03:05.042Z","vin":null,"topic":"t","bytes":2,"kind":"content","payload":{}}"#;
        let filter = JqFilter::compile(".dir == \"in\"").unwrap();
        assert_eq!(filter.verdict_line(capture), Verdict::Match);
        let out = br#"{"received_at":"2026-11-24T14:03:05.042Z","dir":"out","payload":{}}"#;
        assert_eq!(filter.verdict_line(out), Verdict::NoMatch);
        assert!(matches!(filter.verdict_line(b"[1]"), Verdict::Error(_)));
    }

    #[test]
    fn halt_is_an_error_not_the_end_of_the_process() {
        assert!(matches!(verdict("halt", SLOW), Verdict::Error(_)));
        assert!(matches!(verdict("halt_error(3)", SLOW), Verdict::Error(_)));
    }

    #[test]
    fn a_long_error_message_is_shortened() {
        let huge = format!("{{\"content\":\"{}\"}}", "x".repeat(10_000));
        let Verdict::Error(why) = verdict(".payload.content.a", huge.as_bytes()) else {
            panic!("an error");
        };
        assert!(why.chars().count() <= MOST_MESSAGE_CHARS + 1, "{why}");
    }

    #[test]
    fn the_environment_is_not_readable() {
        let err = JqFilter::compile("env.WPCONSOLE_PASSWORD").unwrap_err();
        assert_eq!(err.column, 1);
        assert!(err.message.contains("environment"), "{}", err.message);
        assert!(JqFilter::compile("$ENV.HOME").is_err());
    }

    fn error_of(expression: &str) -> JqError {
        JqFilter::compile(expression).unwrap_err()
    }

    #[test]
    fn a_parse_error_names_its_column() {
        let err = error_of(".speed >");
        assert_eq!(err.column, 9, "{err:?}");
        assert!(err.message.contains("end of the expression"), "{err:?}");
        let err = error_of(".a | | .b");
        assert_eq!(err.column, 6, "{err:?}");
        assert!(err.message.contains("`|`"), "{err:?}");
    }

    #[test]
    fn a_lex_error_names_its_column_in_characters() {
        // "é" is two bytes: the column counts characters.
        let err = error_of(".name == \"é\" § 1");
        assert_eq!(err.column, 14, "{err:?}");
        assert_eq!(err.message, "unexpected character `§`");
        let err = error_of(".a == (1");
        // jaq reports where the closing one was looked for: the end.
        assert_eq!(err.column, 9, "the unclosed parenthesis: {err:?}");
        assert!(err.message.contains("closing parenthesis"), "{err:?}");
    }

    #[test]
    fn an_unknown_name_is_refused_at_its_column() {
        let err = error_of(".kind | tset(\"^pop\")");
        assert_eq!(err.column, 9, "{err:?}");
        assert!(err.message.contains("tset/1"), "{err:?}");
        let err = error_of(".kind == popup");
        assert!(err.message.contains("\"popup\""), "{err:?}");
        let err = error_of(". as $x | $y");
        assert_eq!(err.column, 11, "{err:?}");
        assert!(err.message.contains("variable"), "{err:?}");
    }

    #[test]
    fn the_caret_stands_under_the_column() {
        let err = error_of("\"é\" >");
        let shown = err.with_caret("\"é\" >");
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[1], "  \"é\" >");
        assert_eq!(lines[2], "       ^", "{shown}");
    }

    #[test]
    fn a_compiled_filter_goes_to_another_thread() {
        fn send<T: Send>(_: &T) {}
        let filter = JqFilter::compile(".kind == \"content\"").unwrap();
        send(&filter);
        let copy = filter.clone();
        assert_eq!(copy.source(), filter.source());
    }
}
