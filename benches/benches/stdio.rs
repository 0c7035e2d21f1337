//! The stdio (child-process) host: one small invoke round trip from a parent process through the real
//! `ipc_runtime::stdio` host in a child process, against a raw ping-pong of the *same bytes* over the same
//! kind of pipes between the same two kinds of processes (a child that answers each request frame with the
//! recorded reply frame, with no runtime at all).
//! Run: `cargo bench -p ipc-benches --bench stdio`
//!
//! The bench binary is its own child: with `IPC_BENCH_CHILD` set it serves instead of measuring.
//! The parent side is identical in every case (write one request frame, read one reply frame, blocking
//! std I/O), so the ratio isolates what the host adds over the pipe round trip itself.

// Shared with the other benches; this one uses only the service and the sample.
#[allow(dead_code)]
mod common;

use std::hint::black_box;
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use common::{BenchSchema, BenchService, Handler, ORIGIN, handle, sample};
use criterion::Criterion;
use ipc_runtime::Server;

const CHILD_ENV: &str = "IPC_BENCH_CHILD";
/// Set for a child that must run on one CPU (the paired run's "other CPU" placement).
const CHILD_CPU_ENV: &str = "IPC_BENCH_CHILD_CPU";

fn framed(body: &[u8]) -> Vec<u8> {
    let mut frame = u32::try_from(body.len())
        .expect("small frame")
        .to_be_bytes()
        .to_vec();
    frame.extend_from_slice(body);
    frame
}

/// A text frame for caller 1 (`[1][caller: u64 BE][envelope]`), as the Electron glue and the host write them.
fn message(text: &str) -> Vec<u8> {
    let mut body = vec![1];
    body.extend_from_slice(&1_u64.to_be_bytes());
    body.extend_from_slice(text.as_bytes());
    framed(&body)
}

/// The parent -> child frame of `echo(sample())`. The same bytes every time: id 1 is free again as soon as
/// its reply is written.
fn request() -> Vec<u8> {
    let args = serde_json::to_string(&(sample(),)).expect("encodes");
    message(&format!(
        r#"{{"kind":"invoke","id":1,"channel":"bench:echo","payload":{args}}}"#
    ))
}

/// A binary stdio frame for caller 1: `[0][caller: u64][binary message]` around one attachment of `len`
/// bytes, laid out by hand (see `ipc_runtime::Bytes`).
fn binary_frame(envelope: &str, len: usize) -> Vec<u8> {
    let mut body = vec![0];
    body.extend_from_slice(&1_u64.to_be_bytes());
    body.extend_from_slice(&u32::try_from(envelope.len()).expect("small").to_be_bytes());
    body.extend_from_slice(envelope.as_bytes());
    body.extend_from_slice(&1_u32.to_be_bytes());
    body.extend_from_slice(&u32::try_from(len).expect("below 4 GiB").to_be_bytes());
    body.extend((0..len).map(|i| u8::try_from(i % 251).expect("below 251")));
    framed(&body)
}

/// `echo_bytes(len bytes)` and the host's reply to it.
fn bytes_request(len: usize) -> Vec<u8> {
    binary_frame(
        r#"{"kind":"invoke","id":1,"channel":"bench:echo_bytes","payload":[{"$bin":0}]}"#,
        len,
    )
}

fn bytes_reply(len: usize) -> Vec<u8> {
    binary_frame(r#"{"kind":"reply","id":1,"payload":{"$bin":0}}"#, len)
}

/// The child -> parent frame the host answers [`request`] with.
fn reply() -> Vec<u8> {
    let value = serde_json::to_string(&handle(sample())).expect("encodes");
    message(&format!(r#"{{"kind":"reply","id":1,"payload":{value}}}"#))
}

fn read_frame(from: &mut impl Read, buf: &mut Vec<u8>) -> std::io::Result<()> {
    let mut head = [0; 4];
    from.read_exact(&mut head)?;
    buf.resize(u32::from_be_bytes(head) as usize, 0);
    from.read_exact(buf)
}

/// The raw child: answers every request frame with the recorded reply frame (for `len` bytes when set).
fn raw_child(len: Option<usize>) {
    let reply = len.map_or_else(reply, bytes_reply);
    let mut input = std::io::stdin().lock();
    let mut output = std::io::stdout().lock();
    let mut buf = Vec::new();
    while read_frame(&mut input, &mut buf).is_ok() {
        output.write_all(&reply).expect("write");
        output.flush().expect("flush");
    }
}

/// The raw child again, but on tokio's stdin/stdout (what the host reads and writes with): a second
/// baseline that separates the cost of tokio's blocking-pool stdio from the cost of the IPC layer.
fn tokio_raw_child() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let reply = reply();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut input = tokio::io::stdin();
        let mut output = tokio::io::stdout();
        let mut head = [0; 4];
        let mut buf = Vec::new();
        while input.read_exact(&mut head).await.is_ok() {
            buf.resize(u32::from_be_bytes(head) as usize, 0);
            input.read_exact(&mut buf).await.expect("frame body");
            output.write_all(&reply).await.expect("write");
            output.flush().await.expect("flush");
        }
    });
}

/// Fills `frame` with a whole text frame for `caller` (its 8 key bytes), the envelope written by `envelope`.
fn text_frame_into(frame: &mut Vec<u8>, caller: &[u8], envelope: impl FnOnce(&mut Vec<u8>)) {
    frame.clear();
    frame.extend_from_slice(&[0; 4]);
    frame.push(1);
    frame.extend_from_slice(caller);
    envelope(frame);
    let len = u32::try_from(frame.len() - 4).expect("small frame");
    frame[..4].copy_from_slice(&len.to_be_bytes());
}

/// Not a host: an experiment that bounds what a blocking-IO design could reach. The same runtime
/// `Connection` handles each envelope (fast path, checks, handler, encoded reply), but the child reads and
/// writes the pipes with blocking calls on one thread and takes the reply straight off the connection's
/// queue. It cannot serve handlers that wait or events raised later, which is why the real host does not work
/// this way; it shows how much of the host's ratio is the asynchronous IO rather than the IPC layer.
fn blocking_floor_child() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = Server::new(BenchService::new(Handler));
    let (to_parent, mut replies) = tokio::sync::mpsc::channel(16);
    let connection = runtime.block_on(async { server.connect(ORIGIN, true, to_parent) });
    let mut frame = Vec::new();
    answer_text_frames(|caller, envelope, output| {
        let envelope = std::str::from_utf8(envelope).expect("UTF-8 envelope");
        runtime.block_on(connection.receive(envelope));
        while let Ok(reply) = replies.try_recv() {
            let ipc_runtime::OutboundFrame::Text(text) = reply else {
                panic!("the bench's replies are text");
            };
            text_frame_into(&mut frame, caller, |out| {
                out.extend_from_slice(text.as_bytes());
            });
            output.write_all(&frame).expect("write");
        }
    });
}

/// The blocking children's loop: hands each text frame's caller key and envelope (`[1][caller][envelope]`)
/// to `answer`, which writes its reply frames; the `open` control frame is skipped. Flushes after each.
fn answer_text_frames(mut answer: impl FnMut(&[u8], &[u8], &mut std::io::StdoutLock<'static>)) {
    let mut input = std::io::stdin().lock();
    let mut output = std::io::stdout().lock();
    let mut body = Vec::new();
    while read_frame(&mut input, &mut body).is_ok() {
        if body.first() != Some(&1) {
            continue;
        }
        answer(&body[1..9], &body[9..], &mut output);
        output.flush().expect("flush");
    }
}

/// A second reference, not a host: the least any child that speaks JSON envelopes must do. Blocking IO like
/// the raw child, plus reading the envelope and its arguments with `serde_json`, calling the handler and
/// writing the reply envelope with `serde_json`; no checks, no runtime, no concurrency.
fn serde_floor_child() {
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        id: u64,
        #[serde(borrow)]
        payload: &'a serde_json::value::RawValue,
    }
    #[derive(serde::Serialize)]
    struct Reply<T> {
        kind: &'static str,
        id: u64,
        payload: T,
    }
    let mut frame = Vec::new();
    answer_text_frames(|caller, envelope, output| {
        let envelope: Envelope<'_> = serde_json::from_slice(envelope).expect("envelope");
        let (item,): (common::Item,) =
            serde_json::from_str(envelope.payload.get()).expect("arguments");
        let reply = Reply {
            kind: "reply",
            id: envelope.id,
            payload: handle(item),
        };
        text_frame_into(&mut frame, caller, |out| {
            serde_json::to_writer(out, &reply).expect("reply");
        });
        output.write_all(&frame).expect("write");
    });
}

/// The host child: the bench service over the real stdio host.
fn host_child(multi_thread: bool) {
    let runtime = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    }
    .expect("runtime");
    runtime
        .block_on(ipc_runtime::stdio::serve(
            Server::builder(BenchService::new(Handler))
                // Room for the 16 MiB payloads.
                .limits(ipc_runtime::Limits {
                    max_message_bytes: 32 * 1024 * 1024,
                    ..ipc_runtime::Limits::default()
                })
                .build(),
        ))
        .expect("stdio host");
}

struct Peer {
    child: Child,
    input: Option<ChildStdin>,
    output: ChildStdout,
    buf: Vec<u8>,
}

impl Peer {
    /// A child that inherits this thread's CPUs.
    fn spawn(mode: &str) -> Self {
        Self::spawn_on(mode, None)
    }

    /// A child pinned to `cpu` when given.
    fn spawn_on(mode: &str, cpu: Option<usize>) -> Self {
        let mut command = Command::new(std::env::current_exe().expect("own path"));
        if let Some(cpu) = cpu {
            command.env(CHILD_CPU_ENV, cpu.to_string());
        }
        let mut child = command
            .env(CHILD_ENV, mode)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn child");
        let input = child.stdin.take().expect("stdin");
        let output = child.stdout.take().expect("stdout");
        Self {
            child,
            input: Some(input),
            output,
            buf: Vec::new(),
        }
    }

    /// A host child with caller 1 opened.
    fn host(mode: &str) -> Self {
        Self::host_on(mode, None)
    }

    fn host_on(mode: &str, cpu: Option<usize>) -> Self {
        let mut peer = Self::spawn_on(mode, cpu);
        let fingerprint = BenchSchema::fingerprint();
        let open = format!(
            r#"{{"op":"open","caller":1,"origin":"{ORIGIN}","topFrame":true,"fingerprint":"{fingerprint}"}}"#
        );
        peer.write(&framed(open.as_bytes()));
        peer
    }

    fn write(&mut self, bytes: &[u8]) {
        let input = self.input.as_mut().expect("open until dropped");
        input.write_all(bytes).expect("write to the child");
    }

    fn round_trip(&mut self, request: &[u8]) -> &[u8] {
        self.write(request);
        read_frame(&mut self.output, &mut self.buf).expect("read reply");
        &self.buf
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        // EOF on its stdin ends either child.
        self.input.take();
        let _ = self.child.wait();
    }
}

fn bench(c: &mut Criterion, name: &str, mut peer: Peer) {
    let request = request();
    let expected = reply();
    assert_eq!(
        peer.round_trip(&request),
        &expected[4..],
        "{name}: the reply must be the recorded bytes"
    );
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(peer.round_trip(black_box(&request)));
            }
            start.elapsed()
        });
    });
}

/// Round trips of `len` bytes each way: the typed host against the raw ping-pong of the same frames.
fn bench_bytes(c: &mut Criterion, len: usize, label: &str) {
    let mut group = c.benchmark_group(format!("stdio_bytes/{label}"));
    group.throughput(criterion::Throughput::Bytes(2 * len as u64));
    let request = bytes_request(len);
    let expected = bytes_reply(len);
    for (name, mode) in [
        ("raw_pipe_ping_pong", format!("raw_bytes:{len}")),
        ("typed_host", "host".to_owned()),
    ] {
        let mut peer = if mode == "host" {
            Peer::host(&mode)
        } else {
            Peer::spawn(&mode)
        };
        assert!(
            peer.round_trip(&request) == &expected[4..],
            "{name}: the reply must be the recorded bytes"
        );
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(peer.round_trip(black_box(&request)));
                }
                start.elapsed()
            });
        });
    }
    group.finish();
}

fn main() {
    let mode = std::env::var(CHILD_ENV).unwrap_or_default();
    if let Some(cpu) = std::env::var(CHILD_CPU_ENV)
        .ok()
        .and_then(|cpu| cpu.parse().ok())
    {
        // Before any thread starts, so a multi-thread runtime's workers inherit the placement.
        assert!(
            core_affinity::set_for_current(core_affinity::CoreId { id: cpu }),
            "pin the child to CPU {cpu}"
        );
    }
    if let Some(len) = mode.strip_prefix("raw_bytes:") {
        return raw_child(Some(len.parse().expect("a length")));
    }
    match mode.as_str() {
        "raw" => return raw_child(None),
        "tokio_raw" => return tokio_raw_child(),
        "host" => return host_child(true),
        "host_current_thread" => return host_child(false),
        "blocking_floor" => return blocking_floor_child(),
        "serde_floor" => return serde_floor_child(),
        _ => {}
    }
    // `cargo bench -p ipc-benches --bench stdio -- paired`: only the paired ratio, no criterion runs.
    if std::env::args().skip(1).any(|arg| arg == "paired") {
        return paired();
    }
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench(&mut c, "stdio/raw_pipe_ping_pong", Peer::spawn("raw"));
    bench(
        &mut c,
        "stdio/tokio_stdio_ping_pong",
        Peer::spawn("tokio_raw"),
    );
    for (name, mode) in [
        ("stdio/typed_host_multi_thread", "host"),
        ("stdio/typed_host_current_thread", "host_current_thread"),
    ] {
        bench(&mut c, name, Peer::host(mode));
    }
    bench_bytes(&mut c, 1024 * 1024, "1MiB");
    bench_bytes(&mut c, 16 * 1024 * 1024, "16MiB");
    c.final_summary();
    if !c_filtered() {
        paired();
    }
}

/// Whether criterion was asked for a subset (`cargo bench --bench stdio -- raw`): then skip the paired run.
fn c_filtered() -> bool {
    std::env::args().skip(1).any(|arg| !arg.starts_with('-'))
}

/// Where the children run relative to the parent (the process timing the round trips).
#[derive(Clone, Copy)]
enum Placement {
    /// Wherever the OS puts them. Each child may land differently, and on this kind of VM a wake-up on
    /// another CPU costs tens of microseconds, so this ratio mixes placements as much as it compares hosts.
    Os,
    /// Parent and every child on one CPU: every wake-up is local.
    SameCpu(usize),
    /// Parent on one CPU, every child on another: every wake-up crosses CPUs.
    OtherCpu { parent: usize, children: usize },
}

impl Placement {
    /// The CPU each child pins itself to; `None`: the child inherits the parent's.
    fn children_cpu(self) -> Option<usize> {
        match self {
            Self::Os | Self::SameCpu(_) => None,
            Self::OtherCpu { children, .. } => Some(children),
        }
    }
}

impl std::fmt::Display for Placement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Os => write!(f, "placed by the OS"),
            Self::SameCpu(cpu) => write!(f, "parent and children on CPU {cpu}"),
            Self::OtherCpu { parent, children } => {
                write!(f, "parent on CPU {parent}, children on CPU {children}")
            }
        }
    }
}

/// The ratio the issue asks for, measured robustly: single round trips to the raw child, to the serde-floor
/// child and to the host child alternate, each is timed on its own, and the medians (and 90th percentiles)
/// are compared. A pipe round trip costs several times more when the wake-ups cross CPUs, so the run is
/// repeated with the placement fixed: all on one CPU, and the children on another CPU than the parent.
fn paired() {
    let cpus = core_affinity::get_core_ids().unwrap_or_default();
    paired_with(Placement::Os);
    let (Some(parent), Some(other)) = (cpus.last(), cpus.iter().rev().nth(1)) else {
        println!("stdio/paired: one CPU allowed, so no fixed placements to compare");
        return;
    };
    // Pins this thread only: it times every round trip, and children inherit its CPU unless told otherwise.
    assert!(core_affinity::set_for_current(*parent), "pin the parent");
    let fixed = [
        Placement::SameCpu(parent.id),
        Placement::OtherCpu {
            parent: parent.id,
            children: other.id,
        },
    ];
    for placement in fixed {
        paired_with(placement);
    }
    for placement in fixed {
        for len in [1024 * 1024, 16 * 1024 * 1024] {
            paired_bytes(placement, len);
        }
    }
}

/// Large binary round trips (`len` bytes each way), raw and host children alternating, as in [`paired_with`].
fn paired_bytes(placement: Placement, len: usize) {
    const ROUND_TRIPS: u32 = 40;
    let cpu = placement.children_cpu();
    let request = bytes_request(len);
    let expected = bytes_reply(len);
    let mut raw = Peer::spawn_on(&format!("raw_bytes:{len}"), cpu);
    let mut host = Peer::host_on("host", cpu);
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..ROUND_TRIPS {
        for (peer, into) in [&mut raw, &mut host].into_iter().zip(&mut times) {
            let start = Instant::now();
            let reply = peer.round_trip(&request);
            into.push(start.elapsed().as_secs_f64());
            assert!(
                reply == &expected[4..],
                "the reply must be the recorded bytes"
            );
        }
    }
    let [raw, host] = times.map(|mut t| percentiles(&mut t).0);
    // Both directions: `len` bytes out and `len` bytes back per round trip.
    let mib = f64::from(u32::try_from(len >> 20).expect("a few MiB"));
    let gib_per_s = |seconds: f64| 2.0 * mib / 1024.0 / seconds;
    println!(
        "stdio/paired_bytes {} MiB each way, {placement}: host {:.2} ms ({:.2} GiB/s), raw {:.2} ms ({:.2} GiB/s), p50 {:.2}x, {ROUND_TRIPS} alternating round trips each",
        len >> 20,
        host * 1e3,
        gib_per_s(host),
        raw * 1e3,
        gib_per_s(raw),
        host / raw,
    );
}

fn paired_with(placement: Placement) {
    const ROUND_TRIPS: u32 = 20_000;
    let request = request();
    let cpu = placement.children_cpu();
    println!("stdio/paired, {placement}:");
    let mut raw = Peer::spawn_on("raw", cpu);
    let mut serde_floor = Peer::spawn_on("serde_floor", cpu);
    for (name, mode) in [
        ("multi_thread", "host"),
        ("current_thread", "host_current_thread"),
        ("blocking_floor_experiment", "blocking_floor"),
    ] {
        let mut host = Peer::host_on(mode, cpu);
        let mut times = [Vec::new(), Vec::new(), Vec::new()];
        let cpu_before = [&raw, &serde_floor, &host].map(cpu_seconds);
        let time = |peer: &mut Peer, into: &mut Vec<f64>| {
            let start = Instant::now();
            black_box(peer.round_trip(&request));
            into.push(start.elapsed().as_secs_f64() * 1e6);
        };
        for _ in 0..ROUND_TRIPS {
            let [raw_times, serde_times, host_times] = &mut times;
            time(&mut raw, raw_times);
            time(&mut serde_floor, serde_times);
            time(&mut host, host_times);
        }
        let cpu = [&raw, &serde_floor, &host]
            .iter()
            .zip(cpu_before)
            .map(|(peer, before)| {
                let spent = cpu_seconds(peer)? - before?;
                Some(spent / f64::from(ROUND_TRIPS) * 1e6)
            })
            .collect::<Vec<_>>();
        let [raw, serde, host] = times.map(|mut t| percentiles(&mut t));
        println!(
            "  typed_host_{name} / raw_pipe_ping_pong: p50 {:.2}x ({:.1} / {:.1} µs), p90 {:.2}x ({:.1} / {:.1} µs), {ROUND_TRIPS} alternating round trips each",
            host.0 / raw.0,
            host.0,
            raw.0,
            host.1 / raw.1,
            host.1,
            raw.1,
        );
        println!(
            "    against the serde floor (blocking IO plus serde_json decode/encode, no runtime): p50 {:.2}x ({:.1} µs), p90 {:.2}x ({:.1} µs)",
            host.0 / serde.0,
            serde.0,
            host.1 / serde.1,
            serde.1,
        );
        if let [Some(raw), Some(serde), Some(host)] = cpu[..] {
            println!(
                "    child CPU time per round trip (user + system): host {host:.1} µs, serde floor {serde:.1} µs, raw {raw:.1} µs"
            );
        }
    }
}

/// CPU time (user + system) a child has used so far, from `/proc` (Linux; `None` elsewhere). Clock ticks
/// are 10 ms, so this is meaningful over thousands of round trips only.
fn cpu_seconds(peer: &Peer) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", peer.child.id())).ok()?;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The median and the 90th percentile.
fn percentiles(times: &mut [f64]) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[times.len() * 9 / 10])
}
