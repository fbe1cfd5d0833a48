//! The detail pane: a large message scrolls, an unreadable payload is
//! said, not shown, copied or replied.

use super::*;

#[test]
fn a_128_kib_message_scrolls_in_the_detail_pane() {
    let mut app = app();
    let items: Vec<String> = (0..4_000)
        .map(|n| format!("{{\"i\":{n},\"v\":\"abcdefgh\"}}"))
        .collect();
    let payload = format!("{{\"content\":{{\"items\":[{}]}}}}", items.join(","));
    assert!(
        payload.len() > 100_000 && payload.len() <= 131_072,
        "{}",
        payload.len()
    );
    receive(&mut app, &to_topic(VIN_A), payload.as_bytes(), 0);
    focus_on(&mut app, Focus::Detail);
    assert!(
        app.detail().lines().len() > 16_000,
        "{}",
        app.detail().lines().len()
    );
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageDown);
    let page = usize::from(app.areas().detail.unwrap().height - 2);
    assert_eq!(app.detail().scroll(), 2 * page);
    key(&mut app, KeyCode::End);
    assert!(app.detail().scroll() > 16_000 - page);
    let screen = screen(&app);
    assert!(screen.contains("\"i\": 3999"), "the end is reachable");
}

#[test]
fn a_payload_that_cannot_be_read_back_is_said_not_shown_copied_or_replied() {
    let mut app = app().with_cache_bytes(0);
    receive(&mut app, &to_topic(VIN_A), action("old").as_bytes(), 0);
    // Fills the cache's block on its own: the first payload leaves memory,
    // and with no journal there is nowhere to read it back from.
    let big = format!("{{\"content\":{{\"pad\":\"{}\"}}}}", "x".repeat(1 << 20));
    receive(&mut app, &to_topic(VIN_A), big.as_bytes(), 10);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Enter);
    let shown = screen(&app);
    assert!(shown.contains("payload unavailable"), "{shown}");
    assert!(shown.contains("--no-journal"), "{shown}");
    assert_eq!(key(&mut app, KeyCode::Char('c')), None, "nothing to copy");
    assert!(
        app.notice()
            .as_ref()
            .is_some_and(|(_, t)| t.starts_with("nothing copied")),
        "{:?}",
        app.notice()
    );
    key(&mut app, KeyCode::Char('r'));
    assert!(status(&app).starts_with("cannot reply"), "{}", status(&app));
    focus_on(&mut app, Focus::Log);
    let Some(Command::Export(work)) = key(&mut app, KeyCode::Char('x')) else {
        panic!("x exports what can be read");
    };
    let (lines, done) = finish_export(&mut app, work);
    assert_eq!(lines.len(), 1);
    assert_eq!(
        done.left_out, 1,
        "the payload that cannot be read is counted"
    );
}
