//! The stdio host end to end: spawns the real `stdio_core` example as a child process and speaks the
//! framed protocol of `ipc_runtime::stdio` over its stdin and stdout.

mod stdio_support;

use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use stdio_support::{Parent, core_fingerprint, example_path, read_body};
#[test]
fn routes_replies_and_events_to_the_right_caller_and_denies_foreign_origins() {
    let mut parent = Parent::spawn("routing");
    parent.open(1, "app://main");
    parent.open(2, "app://main");
    parent.open(3, "https://evil.example");
    parent.invoke(1, 7, "echo", &json!("one"));
    parent.invoke(2, 7, "echo", &json!("two"));
    parent.invoke(3, 7, "echo", &json!("three"));
    // Callers 1 and 2: an `echoed` event and then the reply each; caller 3: a denial.
    let mut frames = parent.next_by_caller(5);

    let mut ids = Vec::new();
    for (caller, text) in [(1, "one"), (2, "two")] {
        let frames = frames.remove(&caller).unwrap();
        assert_eq!(frames.len(), 2, "{frames:?}");
        assert_eq!(frames[0]["op"], "message");
        assert_eq!(frames[0]["text"]["kind"], "event");
        assert_eq!(frames[0]["text"]["channel"], "core:echoed");
        assert_eq!(frames[0]["text"]["payload"], json!([text]));
        let reply = &frames[1]["text"];
        assert_eq!(reply["kind"], "reply");
        assert_eq!(reply["id"], 7);
        let reply = reply["payload"].as_str().unwrap();
        assert!(reply.starts_with(&format!("{text} (caller ")), "{reply}");
        assert!(reply.ends_with(" from app://main)"), "{reply}");
        let id = reply
            .split("(caller ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        ids.push(id.to_owned());
    }
    assert_ne!(ids[0], ids[1], "each open is its own CallerId");

    let denied = frames.remove(&3).unwrap();
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0]["text"]["kind"], "error");
    assert_eq!(denied[0]["text"]["id"], 7);
    assert_eq!(
        denied[0]["text"]["error"],
        json!({"kind": "denied", "channel": "core:echo", "origin": "https://evil.example"})
    );

    let (rest, status, _) = parent.finish();
    assert!(status.success(), "{status}");
    assert_eq!(rest.len(), 3, "one `closed` per caller: {rest:?}");
    assert!(rest.iter().all(|f| f["op"] == "closed"), "{rest:?}");
}

#[test]
fn malformed_frames_and_unknown_callers_are_refused_and_the_child_keeps_serving() {
    let mut parent = Parent::spawn("refusals");
    parent.send_raw(b"{ not json");
    let error = parent.next();
    assert_eq!(error["op"], "error");
    assert!(error.get("caller").is_none(), "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("malformed"),
        "{error}"
    );

    parent.send(&json!({"op": "open", "caller": 1, "origin": "app://main"}));
    assert_eq!(parent.next()["op"], "error", "topFrame is required");

    parent.invoke(42, 1, "echo", &json!("nobody"));
    let unknown = parent.next();
    assert_eq!(unknown["op"], "error");
    assert_eq!(unknown["caller"], 42);

    parent.open(1, "app://main");
    parent.invoke(1, 1, "echo", &json!("still here"));
    let frames = parent.next_by_caller(2).remove(&1).unwrap();
    assert_eq!(frames[1]["text"]["kind"], "reply");

    let (rest, status, _) = parent.finish();
    assert!(status.success(), "{status}");
    assert_eq!(rest, [json!({"op": "closed", "caller": 1})]);
}

#[test]
fn an_open_with_other_or_no_bindings_fingerprint_is_refused_typed_and_logged_once() {
    let expected = core_fingerprint();
    let mut parent = Parent::spawn("fingerprint");
    parent.open(1, "app://main");
    let stale = "0123456789abcdef";
    let forged = "forged\nWARN a line of its own";
    for (caller, actual) in [(2, Some(stale)), (3, None), (4, Some(forged))] {
        let mut open =
            json!({"op": "open", "caller": caller, "origin": "app://main", "topFrame": true});
        if let Some(actual) = actual {
            open["fingerprint"] = json!(actual);
        }
        parent.send(&open);
        assert_eq!(
            parent.next(),
            json!({"op": "refused", "caller": caller, "error": {
                "kind": "version_mismatch",
                "traitName": "CoreIpc",
                "expected": expected,
                "actual": actual,
            }})
        );
        // Nothing reaches a handler for the refused key and nothing answers it: the next frame is caller
        // 1's reply (its `echoed` event first).
        parent.invoke(caller, 1, "echo", &json!("stale"));
        parent.invoke(1, caller, "echo", &json!("current"));
        let frames = parent.next_by_caller(2);
        assert_eq!(frames.keys().collect::<Vec<_>>(), [&1], "{frames:?}");
        assert_eq!(frames[&1][1]["text"]["id"], caller);
    }

    let (rest, status, log) = parent.finish();
    assert!(status.success(), "{status}");
    assert_eq!(rest, [json!({"op": "closed", "caller": 1})]);
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(" WARN ") && l.contains("stdio caller refused"))
        .collect();
    assert_eq!(warnings.len(), 1, "logged once at warn level: {log}");
    assert!(warnings[0].contains(&expected), "{}", warnings[0]);
    // The parent's text is quoted and escaped: it cannot start a log line of its own.
    assert!(log.contains(r#""forged\nWARN a line of its own""#), "{log}");
    assert!(!log.contains(forged), "{log}");
}

#[test]
fn close_cancels_that_callers_in_flight_invoke_only() {
    let mut parent = Parent::spawn("close");
    parent.open(1, "app://main");
    parent.open(2, "app://main");
    parent.invoke(1, 1, "sleep", &json!(600_000));
    parent.invoke(2, 1, "sleep", &json!(600_000));
    // Replies on the same callers, after the sleeps, show both sleeps were admitted.
    parent.invoke(1, 2, "echo", &json!("a"));
    parent.invoke(2, 2, "echo", &json!("b"));
    let frames = parent.next_by_caller(4);
    for caller in [1, 2] {
        assert_eq!(frames[&caller][1]["text"]["id"], 2);
    }

    parent.send(&json!({"op": "close", "caller": 1}));
    let cancelled = parent.next();
    assert_eq!(cancelled["caller"], 1);
    assert_eq!(cancelled["text"]["id"], 1);
    assert_eq!(cancelled["text"]["error"], json!({"kind": "cancelled"}));
    assert_eq!(parent.next(), json!({"op": "closed", "caller": 1}));

    // Caller 1 is gone; caller 2's sleep is still running and the child still answers it.
    parent.invoke(1, 3, "echo", &json!("late"));
    assert_eq!(parent.next()["caller"], 1);
    parent.invoke(2, 3, "echo", &json!("c"));
    let frames = parent.next_by_caller(2).remove(&2).unwrap();
    assert_eq!(frames[1]["text"]["id"], 3);

    // EOF cancels caller 2's sleep as well.
    let (rest, status, _) = parent.finish();
    assert!(status.success(), "{status}");
    assert_eq!(rest.len(), 2, "{rest:?}");
    assert_eq!(rest[0]["text"]["error"], json!({"kind": "cancelled"}));
    assert_eq!(rest[1], json!({"op": "closed", "caller": 2}));
}

#[test]
fn eof_exits_zero_and_logs_only_to_stderr() {
    let parent = Parent::spawn("eof");
    let (rest, status, log) = parent.finish();
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(status.code(), Some(0));
    assert!(log.contains("stdio_core serving"), "{log}");
    assert!(log.contains("stdin closed; exiting"), "{log}");
}

/// The core killed mid-call (crash, OOM kill): its output ends after whole frames, no reply to the running
/// call ever appears, and a fresh child serves. (What renderers see then is the main glue's job, tested in
/// `tests/electron/main.test.ts`: `disconnected`.)
#[test]
fn a_child_killed_mid_call_leaves_whole_frames_and_a_fresh_child_serves() {
    let mut parent = Parent::spawn("killed");
    parent.open(1, "app://main");
    parent.invoke(1, 1, "sleep", &json!(600_000));
    parent.invoke(1, 2, "echo", &json!("before"));
    while parent.next()["text"]["id"] != 2 {}
    parent.child.kill().unwrap();
    // `try_next` panics on a torn frame; every frame left must be whole and none may answer call 1.
    while let Some(frame) = parent.try_next() {
        assert_ne!(frame["text"]["id"], 1, "{frame}");
    }
    assert!(!parent.child.wait().unwrap().success());

    let mut fresh = Parent::spawn("after-kill");
    fresh.open(1, "app://main");
    fresh.invoke(1, 1, "echo", &json!("after"));
    let reply = loop {
        let frame = fresh.next();
        if frame["text"]["id"] == 1 {
            break frame;
        }
    };
    assert_eq!(reply["text"]["kind"], "reply", "{reply}");
    let (_, status, _) = fresh.finish();
    assert_eq!(status.code(), Some(0));
}

/// Node gives a child's stdio as sockets, not pipes: the host polls those directly too.
#[cfg(unix)]
#[test]
fn serves_over_unix_sockets_as_well_as_pipes() {
    use std::os::fd::OwnedFd;
    use std::os::unix::net::UnixStream;

    let (mut to_child, child_in) = UnixStream::pair().unwrap();
    let (mut from_child, child_out) = UnixStream::pair().unwrap();
    let mut child = Command::new(example_path())
        .stdin(Stdio::from(OwnedFd::from(child_in)))
        .stdout(Stdio::from(OwnedFd::from(child_out)))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let frame = |value: Value| {
        let body = value.to_string().into_bytes();
        let mut framed = u32::try_from(body.len()).unwrap().to_be_bytes().to_vec();
        framed.extend(body);
        framed
    };
    let text = json!({"kind": "invoke", "id": 1, "channel": "core:parse", "payload": ["42"]});
    to_child
        .write_all(&frame(
            json!({"op": "open", "caller": 1, "origin": "app://main", "topFrame": true, "fingerprint": core_fingerprint()}),
        ))
        .unwrap();
    to_child
        .write_all(&frame(
            json!({"op": "message", "caller": 1, "text": text.to_string()}),
        ))
        .unwrap();
    let mut head = [0u8; 4];
    from_child.read_exact(&mut head).unwrap();
    let mut body = vec![0u8; u32::from_be_bytes(head) as usize];
    from_child.read_exact(&mut body).unwrap();
    let reply = read_body(&body);
    assert_eq!(
        reply["text"],
        json!({"kind": "reply", "id": 1, "payload": 42})
    );
    drop(to_child);
    assert!(child.wait().unwrap().success());
}
