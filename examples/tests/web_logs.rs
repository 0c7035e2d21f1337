//! The web host's logs under attack, against the real `web_app` binary as a child process: client text is
//! logged escaped, refusals at a bounded rate, and a stderr nobody reads never stops the server.
//!
//! Like `stdio_core.rs`, this runs the example binary that `cargo test -p ipc-examples` builds next to it.

mod support;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use support::{demo_fingerprint, http_refusal, invoke, next_json, open, send_json, send_text};

fn example_path() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile_dir
        .join("examples")
        .join(format!("web_app{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing; build it with `cargo test -p ipc-examples` (which builds examples)",
        path.display()
    );
    path
}

/// Where the child's stderr goes.
enum Stderr {
    /// A file, read by the test.
    Log(PathBuf),
    /// A pipe the test holds open and never reads.
    Unread(#[allow(dead_code)] ChildStderr),
}

struct WebApp {
    child: Child,
    /// `127.0.0.1:PORT`.
    host: String,
    token: String,
    stderr: Stderr,
}

impl WebApp {
    fn spawn(name: &str, unread_stderr: bool) -> Self {
        let log = std::env::temp_dir().join(format!("web_app-{name}-{}.log", std::process::id()));
        let stderr = if unread_stderr {
            Stdio::piped()
        } else {
            Stdio::from(std::fs::File::create(&log).unwrap())
        };
        let mut child = Command::new(example_path())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let stderr = match child.stderr.take() {
            Some(pipe) => Stderr::Unread(pipe),
            None => Stderr::Log(log),
        };
        // Records go to stdout: drain it for the whole run, after the line with the URL.
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let url = loop {
            let mut line = String::new();
            assert_ne!(stdout.read_line(&mut line).unwrap(), 0, "web_app exited");
            if let Some(url) = line.trim().strip_prefix("web_app: open ") {
                break url.to_owned();
            }
        };
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let (base, token) = url.split_once("/#token=").expect("URL with a token");
        Self {
            host: base.trim_start_matches("http://").to_owned(),
            token: token.to_owned(),
            child,
            stderr,
        }
    }

    fn socket_url(&self) -> String {
        format!("ws://{}/ws", self.host)
    }

    fn origin(&self) -> String {
        format!("http://{}", self.host)
    }

    /// One request with a foreign `Host` header on a fresh connection: its status line.
    fn misdirected_request(&self) -> String {
        let mut stream = TcpStream::connect(&self.host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response.lines().next().unwrap_or_default().to_owned()
    }

    /// A connected, welcomed socket.
    async fn connect(&self) -> support::Socket {
        let mut socket = open(&self.socket_url(), Some(&self.origin()), None)
            .await
            .expect("upgrade accepted");
        send_json(
            &mut socket,
            &json!({"kind": "hello", "token": self.token, "topFrame": true, "fingerprint": demo_fingerprint()}),
        )
        .await;
        assert_eq!(next_json(&mut socket).await, json!({"kind": "welcome"}));
        socket
    }

    /// The log so far (stderr in a file).
    fn log(&self) -> String {
        let Stderr::Log(path) = &self.stderr else {
            panic!("stderr is not kept")
        };
        String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
    }

    /// Waits until the log has `n` lines containing `text` (the writer is asynchronous).
    fn wait_for_lines(&self, text: &str, n: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log();
            if log.lines().filter(|l| l.contains(text)).count() >= n || Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for WebApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Stderr::Log(path) = &self.stderr {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The next message that is not an event (the demo pushes peer lists).
async fn next_answer(socket: &mut support::Socket) -> serde_json::Value {
    loop {
        let message = next_json(socket).await;
        if message["kind"] != "event" {
            return message;
        }
    }
}

/// No byte of a terminal escape or a line break other than the line ends, and no line that the client's
/// text started.
fn assert_clean(log: &str) {
    let raw = log
        .bytes()
        .position(|b| (b < 0x20 && b != b'\n') || b == 0x7f);
    assert_eq!(raw, None, "raw control byte in the log: {log}");
    assert!(
        !log.lines().any(|l| l.starts_with("FORGED")),
        "a client forged a line: {log}"
    );
}

#[tokio::test]
async fn client_text_in_refused_messages_is_logged_escaped() {
    let app = WebApp::spawn("forging", false);
    let mut socket = app.connect().await;
    // Each is refused, and serde's error quotes the client's kind, field or channel.
    for text in [
        "{\"kind\":\"\\u001b[31minvoke\\nFORGED WARN kind\",\"id\":1}",
        "{\"kind\":\"invoke\",\"id\":2,\"channel\":\"demo:whoami\",\"payload\":[],\"x\\nFORGED field\\u001b[0m\":1}",
        "{\"kind\":\"invoke\",\"id\":3,\"channel\":\"demo:\\nFORGED channel\\u001b[2J\",\"payload\":[]}",
    ] {
        send_text(&mut socket, text).await;
        let reply = next_answer(&mut socket).await;
        assert_eq!(reply["kind"], "error", "{reply}");
    }
    let reply = invoke(&mut socket, 4, "demo:whoami", json!([])).await;
    assert_eq!(reply["kind"], "reply", "{reply}");
    let log = app.wait_for_lines("message refused", 3);
    assert!(
        log.lines()
            .filter(|l| l.contains("message refused"))
            .count()
            >= 3,
        "{log}"
    );
    assert_clean(&log);
    assert!(log.contains(r"\u{1b}[31minvoke\nFORGED WARN kind"), "{log}");
}

#[tokio::test]
async fn a_refusal_burst_logs_a_bounded_number_of_lines_and_counts_the_rest() {
    const BURST: usize = 1_500;
    let app = WebApp::spawn("burst", false);
    let start = Instant::now();
    for _ in 0..BURST {
        assert!(app.misdirected_request().contains(" 421 "));
    }
    for _ in 0..BURST / 5 {
        let refused = open(&app.socket_url(), Some("http://evil.example"), None)
            .await
            .unwrap_err();
        assert_eq!(http_refusal(refused).0, 403);
    }
    let seconds = usize::try_from(start.elapsed().as_secs()).unwrap() + 1;
    // After an interval, one more refusal of each kind brings the count of the ones not logged.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert!(app.misdirected_request().contains(" 421 "));
    let _ = open(&app.socket_url(), Some("http://evil.example"), None).await;

    for (kind, sent) in [
        ("\"request refused\"", BURST + 1),
        ("\"web socket refused at upgrade\"", BURST / 5 + 1),
    ] {
        let line_text = kind.trim_matches('"');
        let log = app.wait_for_lines(&format!("more {kind} not logged"), 1);
        let logged = log
            .lines()
            .filter(|l| l.contains(&format!(" {line_text}")) && !l.contains(" more "))
            .count();
        let summaries: Vec<usize> = log
            .lines()
            .filter_map(|l| {
                let (_, tail) = l.split_once(" WARN ")?;
                let count = tail.split(&format!(" more {kind} not logged")).next()?;
                count.rsplit(' ').next()?.parse().ok()
            })
            .collect();
        // The default budget: 20 lines per second, plus at most one summary per second.
        let bound = 20 * (seconds + 2);
        assert!(
            logged <= bound,
            "{logged} lines for {kind}, bound {bound}: {log}"
        );
        assert!(summaries.len() <= seconds + 2, "{summaries:?}");
        assert_eq!(
            logged + summaries.iter().sum::<usize>(),
            sent,
            "every refusal logged or counted: {log}"
        );
        println!(
            "{sent} refusals {kind} in {seconds} s or less: {logged} lines, summaries {summaries:?}"
        );
    }
}

#[tokio::test]
async fn a_stderr_nobody_reads_never_stops_the_server() {
    const REFUSALS: usize = 3_000;
    let start = Instant::now();
    let app = WebApp::spawn("unread", true);
    let mut good = app.connect().await;
    // Far more than a pipe's worth of log lines before the fix (398 refusals stopped it).
    let refusals = async {
        for i in 0..REFUSALS {
            if i % 3 == 0 {
                assert!(app.misdirected_request().contains(" 421 "));
            } else {
                send_text(&mut good, "{\"kind\":\"nonsense\"}").await;
                assert_eq!(next_answer(&mut good).await["kind"], "error");
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), refusals)
        .await
        .expect("every refusal answered");
    let reply = tokio::time::timeout(
        Duration::from_secs(10),
        invoke(&mut good, 1, "demo:whoami", json!([])),
    )
    .await
    .expect("the server still answers");
    assert_eq!(reply["kind"], "reply", "{reply}");
    assert!(app.misdirected_request().contains(" 421 "));
    println!(
        "{REFUSALS} refusals with stderr unread, then served, in {:?}",
        start.elapsed()
    );
}
