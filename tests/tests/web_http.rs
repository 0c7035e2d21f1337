//! The web host's HTTP side over real loopback TCP, with a hand-written client: slow, silent and idle
//! connections are closed by their deadlines, the connection cap closes new connections while open ones are
//! served, a WebSocket outlives the HTTP timeouts, and the static folder serves no dotfile, follows no link
//! out of itself, never redirects to another host, and answers huge paths with 414.

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use ipc_runtime::web::{DEFAULT_CONTENT_SECURITY_POLICY, WebHost, WebHostBuilder};
use ipc_runtime::{Limits, Server};
use ipc_tests::app::AppIpcService;
use ipc_tests::recording::Recorder;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

async fn start(configure: impl FnOnce(WebHostBuilder) -> WebHostBuilder) -> WebHost {
    let server = Server::builder(AppIpcService::new(Recorder::default()))
        .limits(Limits::default())
        .build();
    configure(WebHost::builder(server).page_origin("app://main"))
        .start()
        .await
        .expect("web host starts")
}

fn request(addr: SocketAddr, target: &str, connection: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: {connection}\r\n\r\n")
}

/// A response read off a connection: status, headers (lower-case names), body.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one response with a `Content-Length` body, leaving the connection open.
async fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut buf = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.expect("read");
        assert!(n > 0, "closed before a response: {buf:?}");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    while buf.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.expect("read body");
        assert!(n > 0, "closed inside the body");
        buf.extend_from_slice(&chunk[..n]);
    }
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&buf[head_end..head_end + length]).into_owned(),
    }
}

async fn get(addr: SocketAddr, target: &str) -> Answer {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(request(addr, target, "close").as_bytes())
        .await
        .unwrap();
    read_answer(&mut stream).await
}

/// Waits up to `limit` for the host to close the connection (EOF or reset); how long it took.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut sink = [0u8; 1024];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => return start.elapsed(),
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
}

#[tokio::test]
async fn slow_and_silent_connections_are_closed_at_the_header_timeout() {
    let host = start(|b| {
        b.header_timeout(Duration::from_millis(500))
            .idle_timeout(Duration::from_secs(60))
    })
    .await;
    let addr = host.local_addr();
    let mut silent = TcpStream::connect(addr).await.unwrap();
    // One byte of a request every 100 ms: never idle, never a whole head.
    let slow = TcpStream::connect(addr).await.unwrap();
    let (mut slow_read, mut slow_write) = slow.into_split();
    let trickle = tokio::spawn(async move {
        for byte in request(addr, "/", "keep-alive").bytes().cycle() {
            if slow_write.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let limit = Duration::from_secs(3);
    let silent_after = closed_within(&mut silent, limit).await;
    let slow_after = tokio::time::timeout(limit, async {
        let mut sink = [0u8; 1024];
        loop {
            match slow_read.read(&mut sink).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    trickle.abort();
    let silent_after = silent_after.expect("the silent connection is closed");
    assert!(
        silent_after >= Duration::from_millis(400),
        "closed too early: {silent_after:?}"
    );
    assert!(slow_after.is_ok(), "the slowloris connection is closed");
    // The host still serves.
    assert_eq!(get(addr, "/").await.status, 404);
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_at_the_idle_timeout() {
    let host = start(|b| {
        b.header_timeout(Duration::from_secs(60))
            .idle_timeout(Duration::from_millis(500))
    })
    .await;
    let addr = host.local_addr();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // Busy for 1.2 s (a request every 200 ms): activity keeps it open past the idle timeout.
    for _ in 0..6 {
        stream
            .write_all(request(addr, "/", "keep-alive").as_bytes())
            .await
            .unwrap();
        assert_eq!(read_answer(&mut stream).await.status, 404);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let after = closed_within(&mut stream, Duration::from_secs(3))
        .await
        .expect("the idle keep-alive connection is closed");
    assert!(
        after >= Duration::from_millis(250),
        "closed too early: {after:?}"
    );
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_web_socket_outlives_the_http_timeouts() {
    let host = start(|b| {
        b.header_timeout(Duration::from_millis(200))
            .idle_timeout(Duration::from_millis(200))
    })
    .await;
    let mut socket = support::open_socket(&host).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    socket
        .send(Message::text(
            r#"{"kind":"invoke","id":1,"channel":"app_ipc:slow","payload":[1]}"#,
        ))
        .await
        .unwrap();
    match socket.next().await {
        Some(Ok(Message::Text(text))) => {
            assert_eq!(text.as_str(), r#"{"kind":"reply","id":1,"payload":1}"#);
        }
        other => panic!("the socket did not answer: {other:?}"),
    }
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn past_the_http_cap_new_connections_are_closed_and_open_ones_served() {
    let host = start(|b| b.max_http_connections(4)).await;
    let addr = host.local_addr();
    let mut open = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(request(addr, "/", "keep-alive").as_bytes())
            .await
            .unwrap();
        assert_eq!(read_answer(&mut stream).await.status, 404);
        open.push(stream);
    }
    for _ in 0..3 {
        let mut extra = TcpStream::connect(addr).await.unwrap();
        let _ = extra
            .write_all(request(addr, "/", "close").as_bytes())
            .await;
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(2), extra.read_to_end(&mut answer))
            .await
            .expect("a connection past the cap is closed");
        assert!(
            read.is_err() || answer.is_empty(),
            "a connection past the cap was served: {}",
            String::from_utf8_lossy(&answer)
        );
    }
    for stream in &mut open {
        stream
            .write_all(request(addr, "/", "keep-alive").as_bytes())
            .await
            .unwrap();
        assert_eq!(read_answer(stream).await.status, 404);
    }
    // A freed place is taken by the next connection.
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(request(addr, "/", "close").as_bytes())
            .await
            .unwrap();
        let mut first = [0u8; 12];
        if stream.read_exact(&mut first).await.is_ok() {
            assert_eq!(&first, b"HTTP/1.1 404");
            break;
        }
        assert!(Instant::now() < deadline, "no place freed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    host.shutdown().await.unwrap();
}

/// A static folder with a dotfile, a hidden folder, links to a file and a folder outside it and a link
/// inside it; and the outside folder holding a secret.
struct Folders {
    base: PathBuf,
}

impl Folders {
    fn new(name: &str) -> Self {
        let base = std::env::temp_dir().join(format!("ipc-web-http-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let root = base.join("public");
        let outside = base.join("outside");
        for dir in [root.join("js"), root.join(".git"), outside.clone()] {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(root.join("index.html"), "<p>index</p>").unwrap();
        std::fs::write(root.join("js/main.js"), "main()").unwrap();
        std::fs::write(root.join(".secret"), "dotfile").unwrap();
        std::fs::write(root.join(".git/config"), "git").unwrap();
        std::fs::write(outside.join("secret.txt"), "outside").unwrap();
        std::fs::write(outside.join("index.html"), "outside index").unwrap();
        link(&outside.join("secret.txt"), &root.join("out-file"));
        link(&outside, &root.join("out-dir"));
        link(&root.join("js/main.js"), &root.join("in-file"));
        Self { base }
    }

    fn root(&self) -> PathBuf {
        self.base.join("public")
    }
}

impl Drop for Folders {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

fn link(target: &Path, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[tokio::test]
async fn static_files_refuse_dotfiles_links_out_and_foreign_redirects() {
    let folders = Folders::new("static");
    let host = start(|b| b.static_dir(folders.root())).await;
    let addr = host.local_addr();

    let index = get(addr, "/").await;
    assert_eq!((index.status, index.body.as_str()), (200, "<p>index</p>"));
    assert_eq!(get(addr, "/js/main.js").await.body, "main()");
    assert_eq!(get(addr, "/in-file").await.body, "main()", "a link inside");

    for target in [
        "/.secret",
        "/%2esecret",
        "/.git/config",
        "/js/..%2F.secret",
        "/out-file",
        "/out-dir/secret.txt",
        "/out-dir/",
        "//js",
        "//js/",
        "/js//main.js",
    ] {
        let answer = get(addr, target).await;
        assert_eq!(answer.status, 404, "{target}: {answer:?}");
        assert!(
            !answer.body.contains("dotfile")
                && !answer.body.contains("git")
                && !answer.body.contains("outside"),
            "{target}: {answer:?}"
        );
    }
    // The folder redirect stays on this host, whatever the request target says.
    for target in ["/js", "http://evil.example/js"] {
        let answer = get(addr, target).await;
        assert_eq!(answer.status, 307, "{target}: {answer:?}");
        assert_eq!(answer.header("location"), Some("/js/"), "{target}");
    }
    let answer = get(addr, "/out-dir").await;
    assert_eq!(answer.status, 404, "{answer:?}");

    let long = format!("/{}", "a".repeat(8000));
    assert_eq!(get(addr, &long).await.status, 414);
    let long_name = format!("/{}", "a".repeat(300));
    assert_eq!(get(addr, &long_name).await.status, 404);
    let deep = "/a".repeat(900);
    assert_eq!(get(addr, &deep).await.status, 404);
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_content_security_policy_is_a_header_that_can_be_replaced_or_left_out() {
    let folders = Folders::new("csp");
    let host = start(|b| b.static_dir(folders.root())).await;
    let index = get(host.local_addr(), "/").await;
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-security-policy"),
        Some(DEFAULT_CONTENT_SECURITY_POLICY)
    );
    host.shutdown().await.unwrap();
    let host = start(|b| b.content_security_policy(Some("default-src 'none'".to_owned()))).await;
    let answer = get(host.local_addr(), "/").await;
    assert_eq!(
        answer.header("content-security-policy"),
        Some("default-src 'none'")
    );
    host.shutdown().await.unwrap();
    let host = start(|b| b.content_security_policy(None)).await;
    let answer = get(host.local_addr(), "/").await;
    assert_eq!(answer.header("content-security-policy"), None);
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_half_sent_request() {
    let host = start(|b| b.header_timeout(Duration::from_secs(60))).await;
    let addr = host.local_addr();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
    // Let the host accept it before shutting down.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), host.shutdown())
        .await
        .expect("shutdown within 5 s")
        .unwrap();
    assert!(
        closed_within(&mut stream, Duration::from_secs(1))
            .await
            .is_some()
    );
    eprintln!("shut down in {:?}", started.elapsed());
}
