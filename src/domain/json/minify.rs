//! The whitespace minifier that produces the exact bytes that are
//! published.

/// Removes the whitespace between JSON tokens and nothing else: key order,
/// number spelling and string escapes stay exactly as written.
///
/// On text that is not JSON it still never touches the inside of a string.
pub fn minify(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        // Outside strings: copy the run up to the next whitespace or quote.
        let start = at;
        while at < bytes.len() && !matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r' | b'"') {
            at += 1;
        }
        out.extend_from_slice(&bytes[start..at]);
        match bytes.get(at) {
            None => break,
            Some(b'"') => {
                // A string, copied whole through its closing quote (or to
                // the end when it is never closed).
                let start = at;
                at += 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', &bytes[at..]) {
                        None => {
                            at = bytes.len();
                            break;
                        }
                        Some(found) if bytes[at + found] == b'\\' => {
                            at = (at + found + 2).min(bytes.len());
                        }
                        Some(found) => {
                            at += found + 1;
                            break;
                        }
                    }
                }
                out.extend_from_slice(&bytes[start..at]);
            }
            Some(_) => at += 1,
        }
    }
    // Only ASCII whitespace bytes were removed, so the bytes stay UTF-8.
    String::from_utf8(out).expect("removing ASCII bytes keeps UTF-8 valid")
}
