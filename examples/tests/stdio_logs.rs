//! The stdio core's input and logs under a hostile parent, against the real `stdio_core` example as a child
//! process: input ending inside a frame is an error exit, client text is logged escaped, refusals at a
//! bounded rate, and a stderr nobody reads never stops the core.

mod stdio_support;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;
use stdio_support::{Parent, text_frame};

#[test]
fn input_ending_right_after_a_length_prefix_exits_non_zero_with_the_reason() {
    let mut parent = Parent::spawn("eof-after-prefix");
    parent.write_raw(&10u32.to_be_bytes());
    let (rest, status, log) = parent.finish();
    assert!(rest.is_empty(), "{rest:?}");
    assert!(!status.success(), "{status}");
    assert!(
        log.contains("the input ended inside a frame (0 of 10 bytes)"),
        "{log}"
    );
}

#[test]
fn input_ending_inside_a_skipped_oversized_frame_exits_non_zero_with_the_reason() {
    let mut parent = Parent::spawn("eof-in-oversized");
    parent.write_raw(&u32::MAX.to_be_bytes());
    parent.write_raw(&[b'x'; 100]);
    let (rest, status, log) = parent.finish();
    assert_eq!(rest.len(), 1, "{rest:?}");
    assert_eq!(
        rest[0]["op"], "error",
        "the oversized frame is refused first"
    );
    assert!(!status.success(), "{status}");
    let short = u64::from(u32::MAX) - 100;
    assert!(
        log.contains(&format!(
            "the input ended inside an oversized frame ({short} bytes short)"
        )),
        "{log}"
    );
}

/// No raw control byte but the line ends, no line the parent's text started.
fn assert_clean(log: &str) {
    let raw = log
        .bytes()
        .position(|b| (b < 0x20 && b != b'\n') || b == 0x7f);
    assert_eq!(raw, None, "raw control byte in the log: {log}");
    assert!(
        !log.lines().any(|l| l.starts_with("FORGED")),
        "the parent forged a line: {log}"
    );
}

#[test]
fn client_text_in_refused_frames_is_logged_escaped() {
    let mut parent = Parent::spawn("forging");
    // Refused by the frame parser, whose errors quote the unknown `op` or field.
    parent.send_raw(b"{\"op\":\"open\\nFORGED op\\u001b[31m\",\"caller\":1}");
    assert_eq!(parent.next()["op"], "error");
    parent.send_raw(b"{\"op\":\"close\",\"caller\":1,\"x\\nFORGED field\\u001b[0m\":1}");
    assert_eq!(parent.next()["op"], "error");
    // Refused by the connection, whose error quotes the unknown `kind`; and an origin with control text.
    parent.open(1, "app://main");
    let envelope = "{\"kind\":\"\\u001b[31minvoke\\nFORGED kind\",\"id\":1}";
    parent.send_raw(&text_frame(1, envelope));
    assert_eq!(parent.next()["text"]["kind"], "error");
    parent.open(2, "app://\nFORGED origin\u{1b}[2J");
    parent.invoke(2, 1, "echo", &json!("x"));
    assert_eq!(parent.next()["text"]["error"]["kind"], "denied");

    let (_, status, log) = parent.finish();
    assert!(status.success(), "{status}");
    assert_clean(&log);
    assert!(log.contains(r"open\nFORGED op\u{1b}[31m"), "{log}");
    assert!(log.contains(r"\u{1b}[31minvoke\nFORGED kind"), "{log}");
    assert!(log.contains(r"app://\nFORGED origin\u{1b}[2J"), "{log}");
}

#[test]
fn a_burst_of_refused_frames_logs_a_bounded_number_of_lines_and_counts_the_rest() {
    const BURST: usize = 2_000;
    let mut parent = Parent::spawn("burst");
    let start = Instant::now();
    for _ in 0..BURST {
        parent.send_raw(b"{ not json");
    }
    for _ in 0..BURST {
        assert_eq!(parent.next()["op"], "error");
    }
    let seconds = usize::try_from(start.elapsed().as_secs()).unwrap() + 1;
    // After an interval, the next refusal brings the count of the ones not logged.
    std::thread::sleep(Duration::from_millis(1_100));
    parent.send_raw(b"{ not json");
    assert_eq!(parent.next()["op"], "error");

    let (_, status, log) = parent.finish();
    assert!(status.success(), "{status}");
    let logged = log
        .lines()
        .filter(|l| l.contains(" stdio frame refused"))
        .count();
    let summaries: Vec<usize> = log
        .lines()
        .filter_map(|l| {
            let (head, _) = l.split_once(" more \"stdio frame refused\" not logged")?;
            head.rsplit(' ').next()?.parse().ok()
        })
        .collect();
    // The default budget: 20 lines per second, plus at most one summary per second.
    let bound = 20 * (seconds + 2);
    assert!(logged <= bound, "{logged} lines, bound {bound}: {log}");
    assert!(
        !summaries.is_empty() && summaries.len() <= seconds + 2,
        "{summaries:?}"
    );
    assert_eq!(
        logged + summaries.iter().sum::<usize>(),
        BURST + 1,
        "every refusal logged or counted: {log}"
    );
    println!(
        "{} refused frames in {seconds} s or less: {logged} lines, summaries {summaries:?}",
        BURST + 1
    );
}

/// Each envelope for a refused caller is a debug line: 20,000 of them are megabytes of log, far more than a
/// pipe holds. Before the log writer was made non-blocking, the core stopped reading after a pipe's worth.
#[test]
fn a_stderr_nobody_reads_never_stops_the_core() {
    const REFUSED: u64 = 20_000;
    let start = Instant::now();
    let mut parent = Parent::spawn_with_unread_stderr("unread");
    let pid = parent.child.id();
    let (done, finished) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        parent.send(&json!({"op": "open", "caller": 1, "origin": "app://main", "topFrame": true}));
        assert_eq!(parent.next()["op"], "refused");
        for id in 0..REFUSED {
            parent.invoke(1, id, "echo", &json!("dropped"));
        }
        parent.open(2, "app://main");
        parent.invoke(2, 1, "echo", &json!("served"));
        let reply = loop {
            let frame = parent.next();
            if frame["text"]["id"] == 1 {
                break frame;
            }
        };
        let _ = done.send(reply);
        parent.finish().1
    });
    let Ok(reply) = finished.recv_timeout(Duration::from_secs(60)) else {
        // Unblock the worker before failing.
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
        panic!("the core stopped answering with its stderr unread");
    };
    assert_eq!(reply["text"]["kind"], "reply", "{reply}");
    assert!(worker.join().unwrap().success());
    println!(
        "{REFUSED} refused envelopes with stderr unread, then served in {:?} in all",
        start.elapsed()
    );
}
