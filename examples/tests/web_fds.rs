//! File-descriptor exhaustion: the real `web_app` example runs as a child process whose soft
//! `RLIMIT_NOFILE` a shell lowers to 64 (this test binary's own limit is untouched), and 150 silent TCP
//! connections use up its descriptors. An already open WebSocket keeps answering; once the flood closes, a
//! new client is served within 3 s; the host logs the episode once, not once per failed accept.

mod support;

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{demo_fingerprint, invoke, next_json, open, send_json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const FD_LIMIT: u32 = 64;
const FLOOD: usize = 150;
/// How long a new client may wait once the flood has closed.
const RECOVERY: Duration = Duration::from_secs(3);
/// The io error behind a failed accept at the limit, as the host logs it.
const EXHAUSTED: &str = "Too many open files";

fn web_app_path() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile_dir
        .join("examples")
        .join(format!("web_app{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing; build it with `cargo test -p ipc-examples` or \
         `cargo build -p ipc-examples --example web_app`",
        path.display()
    );
    path
}

/// The child, its stderr lines as they come, and the URL it printed.
struct WebApp {
    child: Child,
    stderr: mpsc::Receiver<String>,
    seen: Vec<String>,
    port: u16,
    token: String,
}

impl WebApp {
    fn spawn() -> Self {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -S -n {FD_LIMIT} && exec \"$0\""))
            .arg(web_app_path())
            .env("RUST_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sh starts web_app");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, stderr) = mpsc::channel();
        let err = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in err.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let url = stdout
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("web_app: open ").map(str::to_owned))
            .expect("web_app prints its URL");
        let rest = url.strip_prefix("http://127.0.0.1:").unwrap();
        let (port, token) = rest.split_once("/#token=").unwrap();
        Self {
            child,
            stderr,
            seen: Vec::new(),
            port: port.parse().unwrap(),
            token: token.to_owned(),
        }
    }

    /// Waits for a stderr line containing `text`.
    fn wait_for_log(&mut self, text: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        while !self.seen.iter().any(|l| l.contains(text)) {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.stderr.recv_timeout(left).unwrap_or_else(|error| {
                panic!(
                    "no log line with {text:?} within {limit:?} ({error}): {:?}",
                    self.seen
                )
            });
            self.seen.push(line);
        }
    }

    /// Asks it to quit and returns every stderr line.
    fn finish(mut self) -> Vec<String> {
        let _ = self.child.stdin.take().unwrap().write_all(b"quit\n");
        let status = self.child.wait().unwrap();
        assert!(status.success(), "web_app exited with {status}");
        self.seen.extend(self.stderr.try_iter());
        self.seen
    }
}

async fn http_get(port: u16) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    Ok(answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_file_descriptors_the_host_serves_what_it_has_recovers_and_logs_once() {
    let mut app = WebApp::spawn();
    let port = app.port;
    let origin = format!("http://127.0.0.1:{port}");
    let mut socket = open(&format!("ws://127.0.0.1:{port}/ws"), Some(&origin), None)
        .await
        .expect("upgrade");
    send_json(
        &mut socket,
        &json!({"kind": "hello", "token": app.token, "topFrame": true, "fingerprint": demo_fingerprint()}),
    )
    .await;
    assert_eq!(next_json(&mut socket).await, json!({"kind": "welcome"}));

    let mut flood = Vec::new();
    for _ in 0..FLOOD {
        flood.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
    }
    app.wait_for_log(EXHAUSTED, Duration::from_secs(5));
    // Out of descriptors for 2.5 s: the open socket answers throughout.
    for request in 1..=5 {
        let reply = invoke(&mut socket, request, "demo:whoami", json!([])).await;
        assert_eq!(reply["kind"], "reply", "{reply}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    drop(flood);
    let closed = Instant::now();
    let answer = loop {
        let attempt = tokio::time::timeout(Duration::from_millis(500), http_get(port)).await;
        if let Ok(Ok(answer)) = attempt {
            break answer;
        }
        assert!(
            closed.elapsed() < RECOVERY,
            "no new client served within {RECOVERY:?} of the flood closing"
        );
    };
    let recovered = closed.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    eprintln!("a new client was served {recovered:?} after the flood closed");
    let reply = invoke(&mut socket, 9, "demo:whoami", json!([])).await;
    assert_eq!(reply["kind"], "reply", "{reply}");
    drop(socket);

    let log = app.finish();
    let failures: Vec<&String> = log.iter().filter(|l| l.contains(EXHAUSTED)).collect();
    assert_eq!(failures.len(), 1, "one line for the episode: {failures:#?}");
    for line in log.iter().filter(|l| l.contains("accept")) {
        eprintln!("logged: {line}");
    }
}
