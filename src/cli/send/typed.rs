//! What was typed in `--content`: a problem found in the envelope composed
//! around it is told in the lines and columns of what the user typed.

use super::super::validate::print_problems;
use crate::domain::envelope;

/// Where `--content` sits in the envelope composed around it, so that a
/// problem found in the composed envelope (a catalog error in params, a
/// warning) is told in the lines and columns of what the user typed.
pub(super) enum TypedContent<'a> {
    /// A whole envelope (`--file`, `-`): its own positions are the user's.
    Envelope,
    Content {
        typed: &'a str,
        /// The minified content's first byte in the composed envelope and
        /// the byte after its last; `None` if it cannot be found there.
        span: Option<(usize, usize)>,
    },
}

impl<'a> TypedContent<'a> {
    pub(super) fn of(content: Option<&'a str>, composed: &str) -> Self {
        let Some(typed) = content else {
            return Self::Envelope;
        };
        // `envelope::compose` puts the minified content last, just before
        // the closing brace.
        let minified = crate::domain::json::minify(typed);
        let end = composed.len().saturating_sub(1);
        let start = end.saturating_sub(minified.len());
        // Composed otherwise, no position is given rather than a wrong one.
        let span = (composed.get(start..end) == Some(minified.as_str())).then_some((start, end));
        Self::Content { typed, span }
    }

    /// Prints every problem, one per line, to standard error.
    pub(super) fn print(&self, problems: &[envelope::Problem]) {
        let Self::Content { typed, span } = self else {
            print_problems(problems);
            return;
        };
        for problem in problems {
            let label = match problem.severity {
                envelope::Severity::Error => "error",
                envelope::Severity::Warning => "warning",
            };
            let offset = problem.location.offset;
            if let Some((start, end)) = *span
                && (start..=end).contains(&offset)
            {
                let at =
                    crate::domain::json::Location::of(typed, typed_offset(typed, offset - start));
                eprintln!(
                    "  {label} in --content at {at} ({}): {}",
                    problem.path, problem.message
                );
            } else {
                eprintln!(
                    "  {label} in the envelope composed around --content ({}): {}",
                    problem.path, problem.message
                );
            }
        }
    }
}

/// The offset in `typed` of byte `at` of `json::minify(typed)`. Minifying
/// removes only the whitespace outside strings, so this walks `typed` the
/// same way and counts the bytes it keeps.
fn typed_offset(typed: &str, at: usize) -> usize {
    let mut kept = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, byte) in typed.bytes().enumerate() {
        let keep = if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            true
        } else {
            in_string = byte == b'"';
            !matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
        };
        if keep {
            if kept == at {
                return offset;
            }
            kept += 1;
        }
    }
    typed.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_kept_by_minifying_maps_back_to_the_same_byte_of_what_was_typed() {
        for typed in [
            "{ \"a\" : [1, 2 ,\n\t3] }",
            "{\"s\": \" spaces \\\" and \\\\\", \"t\":\r\n true}",
            "{\"unclosed\": \"a b",
            "  {}  ",
            "{\"é\": \"ü x\"}",
        ] {
            let minified = crate::domain::json::minify(typed);
            for (at, byte) in minified.bytes().enumerate() {
                assert_eq!(
                    typed.as_bytes()[typed_offset(typed, at)],
                    byte,
                    "{typed:?} at {at}"
                );
            }
            assert_eq!(typed_offset(typed, minified.len()), typed.len());
        }
    }

    #[test]
    fn a_problem_outside_the_content_has_no_position_in_it() {
        let content = "{ \"x\": 1 }";
        let composed = envelope::compose("APP", content, None);
        let TypedContent::Content {
            span: Some((start, end)),
            ..
        } = TypedContent::of(Some(content), &composed)
        else {
            panic!("the content is found in {composed}");
        };
        assert_eq!(&composed[start..end], "{\"x\":1}");
        let elsewhere = TypedContent::of(Some(content), "{\"other\":true}");
        assert!(matches!(
            elsewhere,
            TypedContent::Content { span: None, .. }
        ));
    }
}
