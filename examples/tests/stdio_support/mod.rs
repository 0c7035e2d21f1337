//! The parent side of the stdio protocol, shared by the tests that spawn the real `stdio_core` example.
//!
//! The child is the example binary, which `cargo test -p ipc-examples` (or `--workspace`) builds next to
//! the tests: `target/<profile>/examples/stdio_core`. An example has no `CARGO_BIN_EXE_*`, so the path is
//! derived from the test binary's own (`target/<profile>/deps/...`).

#![allow(dead_code, unreachable_pub)] // Each test file uses its own subset.

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};

use serde_json::{Value, json};

pub fn example_path() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile_dir
        .join("examples")
        .join(format!("stdio_core{}", std::env::consts::EXE_SUFFIX));
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/stdio_core.rs");
    let built = std::fs::metadata(&path).and_then(|m| m.modified());
    let edited = std::fs::metadata(&source)
        .and_then(|m| m.modified())
        .unwrap();
    match built {
        Ok(built) if built >= edited => path,
        _ => panic!(
            "{} is missing or older than its source; build it with `cargo test -p ipc-examples` \
             (which builds examples) or `cargo build -p ipc-examples --example stdio_core`",
            path.display()
        ),
    }
}

/// The fingerprint the generated Electron glue presents: `CoreIpcFingerprint` in the committed bindings (kept
/// current by `IPC_BINDINGS_CHECK=1 cargo test`). Reading it from there also checks that the constant the TS
/// side carries is the value the core computes at run time.
pub fn core_fingerprint() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/electron/bindings/CoreIpc.ts");
    let ts = std::fs::read_to_string(&path).unwrap();
    let prefix = "export const CoreIpcFingerprint = ";
    let line = ts
        .lines()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` in {}", path.display()));
    serde_json::from_str(line.trim_end_matches(';')).unwrap()
}

/// `[1][caller: u64 BE][envelope]`.
pub fn text_frame(caller: u64, envelope: &str) -> Vec<u8> {
    [&[1u8][..], &caller.to_be_bytes(), envelope.as_bytes()].concat()
}

/// A child frame body as JSON: a text frame becomes `{"op":"message","caller":K,"text":<envelope>}`.
pub fn read_body(body: &[u8]) -> Value {
    if body.first() == Some(&1) {
        let caller = u64::from_be_bytes(body[1..9].try_into().unwrap());
        let text: Value = serde_json::from_slice(&body[9..]).unwrap();
        return json!({"op": "message", "caller": caller, "text": text});
    }
    serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!("stdout carried a frame that is neither text nor JSON ({e}): {body:?}")
    })
}

/// The parent side: the Electron glue's role.
pub struct Parent {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    pub stdout: ChildStdout,
    stderr_log: PathBuf,
    /// Held open and never read, when the child's stderr is such a pipe.
    unread_stderr: Option<ChildStderr>,
}

impl Parent {
    /// A child logging at debug level to a file, read by [`Parent::finish`].
    pub fn spawn(name: &str) -> Self {
        Self::spawn_with(name, false)
    }

    /// A child whose stderr is a pipe that the parent holds open and never reads.
    pub fn spawn_with_unread_stderr(name: &str) -> Self {
        Self::spawn_with(name, true)
    }

    fn spawn_with(name: &str, unread_stderr: bool) -> Self {
        let stderr_log =
            std::env::temp_dir().join(format!("stdio_core-{name}-{}.log", std::process::id()));
        let stderr = if unread_stderr {
            Stdio::piped()
        } else {
            Stdio::from(std::fs::File::create(&stderr_log).unwrap())
        };
        let mut child = Command::new(example_path())
            .env("RUST_LOG", "debug")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        Self {
            stdin: child.stdin.take(),
            stdout: child.stdout.take().unwrap(),
            unread_stderr: child.stderr.take(),
            child,
            stderr_log,
        }
    }

    /// Bytes as they are, unframed.
    pub fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin already closed");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin already closed");
        stdin
            .write_all(&u32::try_from(body.len()).unwrap().to_be_bytes())
            .unwrap();
        stdin.write_all(body).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, frame: &Value) {
        self.send_raw(frame.to_string().as_bytes());
    }

    pub fn open(&mut self, caller: u64, origin: &str) {
        self.send(&json!({
            "op": "open",
            "caller": caller,
            "origin": origin,
            "topFrame": true,
            "fingerprint": core_fingerprint(),
        }));
    }

    /// An invoke in a text frame, as the Electron glue sends it.
    pub fn invoke(&mut self, caller: u64, id: u64, method: &str, arg: &Value) {
        let text = json!({"kind": "invoke", "id": id, "channel": format!("core:{method}"), "payload": [arg]});
        self.send_raw(&text_frame(caller, &text.to_string()));
    }

    /// The next frame; a text frame is read as `{"op":"message","caller":K,"text":<envelope>}`. `None` once
    /// stdout is closed.
    pub fn try_next(&mut self) -> Option<Value> {
        let mut head = [0u8; 4];
        if let Err(e) = self.stdout.read_exact(&mut head) {
            assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof, "{e}");
            return None;
        }
        let mut body = vec![0u8; u32::from_be_bytes(head) as usize];
        self.stdout.read_exact(&mut body).unwrap();
        Some(read_body(&body))
    }

    pub fn next(&mut self) -> Value {
        self.try_next().expect("the child closed its stdout")
    }

    /// Reads `n` frames and groups them by caller key (frames of different callers may interleave).
    pub fn next_by_caller(&mut self, n: usize) -> HashMap<u64, Vec<Value>> {
        let mut by_caller: HashMap<u64, Vec<Value>> = HashMap::new();
        for _ in 0..n {
            let frame = self.next();
            let caller = frame["caller"].as_u64().expect("frame without a caller");
            by_caller.entry(caller).or_default().push(frame);
        }
        by_caller
    }

    /// Closes stdin, drains stdout to EOF and waits for the exit.
    pub fn finish(mut self) -> (Vec<Value>, ExitStatus, String) {
        drop(self.stdin.take());
        let mut rest = Vec::new();
        while let Some(frame) = self.try_next() {
            rest.push(frame);
        }
        let status = self.child.wait().unwrap();
        let log = std::fs::read(&self.stderr_log).unwrap_or_default();
        let log = String::from_utf8_lossy(&log).into_owned();
        let _ = std::fs::remove_file(&self.stderr_log);
        (rest, status, log)
    }
}

impl Drop for Parent {
    fn drop(&mut self) {
        // Only reached with the child still running when a test failed part-way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
