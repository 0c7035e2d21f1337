//! Streams over the in-memory host: items in order and exactly once, credit backpressure, the end frame
//! after the items (value, typed error, `internal`, `timeout`), cancel by dropping the client's stream,
//! independence of streams on one connection, and bad credit or reused ids on the raw wire.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use ipc_runtime::web::WebHost;
use ipc_runtime::{Bytes, Caller, Client, IpcError, OutboundFrame, Server, Sink, channels};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::{alive_tasks, settle, stdio_client, web_client};
use tokio::sync::mpsc;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Oops {
    pub after: u32,
}

#[channels(allow_origins = ["app://main"], namespace = "streams", export = false)]
pub trait Streams {
    /// `0..n`, then `n`.
    #[stream(window = 8)]
    async fn count(&self, caller: Caller, n: u32, out: Sink<u32>) -> u32;

    /// Sends up to `n` items as fast as credit allows, counting each one sent.
    #[stream]
    async fn produce(&self, caller: Caller, n: u32, out: Sink<u32>) -> u32;

    /// `0..n`, then the typed error.
    #[stream]
    async fn fail_after(&self, caller: Caller, n: u32, out: Sink<u32>) -> Result<(), Oops>;

    /// One item, then a panic.
    #[stream]
    async fn explode(&self, caller: Caller, out: Sink<u32>);

    /// Never ends; hands its sink to a task of its own that sends until the stream is closed.
    #[stream]
    async fn detached(&self, caller: Caller, out: Sink<u32>);

    /// Never ends, never sends.
    #[stream(timeout_ms = 60000)]
    async fn forever(&self, caller: Caller, out: Sink<u32>);

    /// One `Bytes` item per size, each filled with its index; counts each one sent.
    #[stream]
    async fn chunks(&self, caller: Caller, sizes: Vec<u32>, out: Sink<Bytes>) -> u32;

    /// `1.0`, then `NaN` (which JSON cannot carry), then whether that send failed.
    #[stream]
    async fn not_a_number(&self, caller: Caller, out: Sink<f64>) -> bool;

    #[invoke]
    async fn ping(&self, caller: Caller) -> u32;
}

/// Counts what the handlers did.
#[derive(Default)]
struct Counters {
    sent: AtomicUsize,
    chunks_sent: AtomicUsize,
    /// Handler futures alive (a drop guard in each).
    live: AtomicUsize,
    token_cancelled: AtomicBool,
    send_failed: AtomicBool,
}

struct Live(Arc<Counters>);

impl Live {
    fn new(counters: &Arc<Counters>) -> Self {
        counters.live.fetch_add(1, Ordering::SeqCst);
        Self(counters.clone())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.0.live.fetch_sub(1, Ordering::SeqCst);
    }
}

struct Impl(Arc<Counters>);

impl Streams for Impl {
    async fn count(&self, _caller: Caller, n: u32, mut out: Sink<u32>) -> u32 {
        let _live = Live::new(&self.0);
        for i in 0..n {
            out.send(i).await.expect("the stream is open");
        }
        n
    }

    async fn produce(&self, caller: Caller, n: u32, mut out: Sink<u32>) -> u32 {
        let _live = Live::new(&self.0);
        let token = caller.cancellation().clone();
        let counters = self.0.clone();
        tokio::spawn(async move {
            token.cancelled().await;
            counters.token_cancelled.store(true, Ordering::SeqCst);
        });
        for i in 0..n {
            if out.send(i).await.is_err() {
                self.0.send_failed.store(true, Ordering::SeqCst);
                return i;
            }
            self.0.sent.fetch_add(1, Ordering::SeqCst);
        }
        n
    }

    async fn fail_after(&self, _caller: Caller, n: u32, mut out: Sink<u32>) -> Result<(), Oops> {
        for i in 0..n {
            out.send(i).await.expect("the stream is open");
        }
        Err(Oops { after: n })
    }

    async fn explode(&self, _caller: Caller, mut out: Sink<u32>) {
        out.send(1).await.expect("the stream is open");
        panic!("the handler fails on purpose");
    }

    async fn detached(&self, caller: Caller, mut out: Sink<u32>) {
        let _live = Live::new(&self.0);
        let counters = self.0.clone();
        let token = caller.cancellation().clone();
        tokio::spawn(async move {
            let mut i = 0;
            while out.send(i).await.is_ok() {
                i += 1;
            }
            counters
                .token_cancelled
                .store(token.is_cancelled(), Ordering::SeqCst);
            counters.send_failed.store(true, Ordering::SeqCst);
        });
        std::future::pending::<()>().await;
    }

    async fn forever(&self, _caller: Caller, _out: Sink<u32>) {
        let _live = Live::new(&self.0);
        std::future::pending::<()>().await;
    }

    async fn chunks(&self, _caller: Caller, sizes: Vec<u32>, mut out: Sink<Bytes>) -> u32 {
        for (index, size) in (0u8..).zip(&sizes) {
            let chunk = vec![index; usize::try_from(*size).unwrap()];
            out.send(Bytes::from(chunk))
                .await
                .expect("the stream is open");
            self.0.chunks_sent.fetch_add(1, Ordering::SeqCst);
        }
        u32::try_from(sizes.len()).unwrap()
    }

    async fn not_a_number(&self, _caller: Caller, mut out: Sink<f64>) -> bool {
        out.send(1.0).await.expect("the stream is open");
        out.send(f64::NAN).await.is_err()
    }

    async fn ping(&self, _caller: Caller) -> u32 {
        7
    }
}

const MAIN: &str = "app://main";

fn serve() -> (Arc<Counters>, Server) {
    let counters = Arc::new(Counters::default());
    let server = Server::new(StreamsService::new(Impl(counters.clone())));
    (counters, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_arrive_in_order_each_once_then_the_outcome() {
    let (counters, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    // Many more items than the window: credit is granted as they are consumed.
    let mut stream = client.count(1000);
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    assert_eq!(items, (0..1000).collect::<Vec<u32>>());
    assert_eq!(stream.result().await, Ok(1000));
    // An empty stream has only its outcome.
    assert_eq!(client.count(0).result().await, Ok(0));
    assert_eq!(client.raw().in_flight(), 0);
    settle(|| counters.live.load(Ordering::SeqCst) == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_consumer_holds_the_producer_to_its_window() {
    let (counters, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    let window: usize = 8;
    let mut stream = client
        .produce(10_000)
        .window(u32::try_from(window).unwrap());
    let consumed = 5;
    for expected in 0..consumed {
        assert_eq!(stream.next().await, Some(u32::try_from(expected).unwrap()));
    }
    // Credit: the window, plus one grant of half a window once four were consumed.
    let granted = window + (consumed / (window / 2)) * (window / 2);
    settle(|| counters.sent.load(Ordering::SeqCst) == granted).await;
    // A round trip on the same connection: the connection is served, the producer still held.
    assert_eq!(client.ping().await, Ok(7));
    let sent = counters.sent.load(Ordering::SeqCst);
    assert_eq!(sent, granted);
    assert!(
        sent - consumed <= window,
        "{sent} sent, {consumed} consumed"
    );
    drop(stream);
    settle(|| counters.live.load(Ordering::SeqCst) == 0).await;
    assert_eq!(counters.sent.load(Ordering::SeqCst), granted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_error_comes_after_the_items() {
    let (_, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    let mut stream = client.fail_after(3);
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    assert_eq!(items, [0, 1, 2]);
    assert_eq!(
        stream.result().await,
        Err(IpcError::Handler {
            error: Oops { after: 3 }
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_after_an_item_is_internal() {
    let (_, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    let mut stream = client.explode();
    assert_eq!(stream.next().await, Some(1));
    assert_eq!(stream.next().await, None);
    let result = stream.result().await;
    assert!(
        matches!(result, Err(IpcError::Internal { .. })),
        "{result:?}"
    );
    assert_eq!(client.ping().await, Ok(7));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_stream_cancels_the_handler_and_leaves_nothing_running() {
    let (counters, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    let baseline = alive_tasks();
    let mut stream = client.produce(10_000).window(4);
    assert_eq!(stream.next().await, Some(0));
    settle(|| counters.sent.load(Ordering::SeqCst) >= 4).await;
    drop(stream);
    settle(|| counters.live.load(Ordering::SeqCst) == 0).await;
    settle(|| counters.token_cancelled.load(Ordering::SeqCst)).await;
    settle(|| alive_tasks() <= baseline).await;
    assert_eq!(client.raw().in_flight(), 0);
    assert_eq!(client.ping().await, Ok(7));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sink_kept_past_the_cancel_fails_its_next_send() {
    let (counters, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    let baseline = alive_tasks();
    let mut stream = client.detached().window(2);
    assert_eq!(stream.next().await, Some(0));
    drop(stream);
    settle(|| counters.send_failed.load(Ordering::SeqCst)).await;
    assert!(counters.token_cancelled.load(Ordering::SeqCst));
    settle(|| counters.live.load(Ordering::SeqCst) == 0).await;
    settle(|| alive_tasks() <= baseline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_past_its_deadline_times_out() {
    let (counters, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    let stream = client.forever().timeout(Duration::from_millis(20));
    assert_eq!(
        stream.result().await,
        Err(IpcError::Timeout { timeout_ms: 20 })
    );
    settle(|| counters.live.load(Ordering::SeqCst) == 0).await;
    assert_eq!(client.raw().in_flight(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_stream_delays_no_other_stream_or_invoke() {
    let (counters, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    let mut stalled = client.produce(10_000).window(2);
    assert_eq!(stalled.next().await, Some(0));
    // Its window of 2, and one more granted when the first item was read (half a window).
    settle(|| counters.sent.load(Ordering::SeqCst) == 3).await;
    let mut other = client.count(500);
    let mut items = 0;
    while other.next().await.is_some() {
        items += 1;
    }
    assert_eq!(items, 500);
    assert_eq!(other.result().await, Ok(500));
    assert_eq!(client.ping().await, Ok(7));
    // The stalled one still waits for credit, and continues once it is read.
    assert_eq!(counters.sent.load(Ordering::SeqCst), 3);
    for expected in 1..10 {
        assert_eq!(stalled.next().await, Some(expected));
    }
}

/// A connection driven by raw envelopes.
struct Raw {
    tx: mpsc::Sender<String>,
    rx: mpsc::Receiver<OutboundFrame>,
}

impl Raw {
    fn connect(server: &Server) -> Self {
        let (tx, rx) = server.connect_raw(MAIN, true);
        Self { tx, rx }
    }

    async fn send(&self, text: &str) {
        self.tx.send(text.to_owned()).await.unwrap();
    }

    async fn next(&mut self) -> Value {
        let OutboundFrame::Text(text) = self.rx.recv().await.expect("connection open") else {
            panic!("a text envelope was expected");
        };
        serde_json::from_str(&text).unwrap()
    }

    /// The connection still serves: an invoke gets its reply.
    async fn still_serves(&mut self) {
        self.send(r#"{"kind":"invoke","id":9999,"channel":"streams:ping","payload":[]}"#)
            .await;
        assert_eq!(
            self.next().await,
            json!({"kind": "reply", "id": 9999, "payload": 7})
        );
    }

    /// Starts `produce` as stream `id` with one item of credit and reads that item.
    async fn start(&mut self, id: u64) {
        self.send(&format!(
            r#"{{"kind":"stream","id":{id},"channel":"streams:produce","payload":[100],"credit":{{"items":1,"bytes":0}}}}"#
        ))
        .await;
        assert_eq!(
            self.next().await,
            json!({"kind": "item", "id": id, "payload": 0})
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_on_the_wire_drives_the_items() {
    let (_, server) = serve();
    let mut raw = Raw::connect(&server);
    raw.start(1).await;
    raw.send(r#"{"kind":"credit","id":1,"items":2}"#).await;
    assert_eq!(
        raw.next().await,
        json!({"kind": "item", "id": 1, "payload": 1})
    );
    assert_eq!(
        raw.next().await,
        json!({"kind": "item", "id": 1, "payload": 2})
    );
    raw.send(r#"{"kind":"cancel","id":1}"#).await;
    assert_eq!(
        raw.next().await,
        json!({"kind": "error", "id": 1, "error": {"kind": "cancelled"}})
    );
    raw.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_credit_ends_its_stream_with_protocol_and_the_connection_serves_on() {
    let (_, server) = serve();
    let mut raw = Raw::connect(&server);
    let bad = [
        r#""items":-1"#,
        r#""items":1.5"#,
        r#""bytes":-3"#,
        r#""items":"2""#,
        r#""items":1048577"#,
        r#""bytes":1073741825"#,
    ];
    for (id, amounts) in (10..).zip(bad) {
        raw.start(id).await;
        raw.send(&format!(r#"{{"kind":"credit","id":{id},{amounts}}}"#))
            .await;
        let answer = raw.next().await;
        assert_eq!(answer["kind"], "error", "{amounts}: {answer}");
        assert_eq!(answer["id"], id, "{amounts}: {answer}");
        assert_eq!(answer["error"]["kind"], "protocol", "{amounts}: {answer}");
        raw.still_serves().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_for_unknown_or_finished_streams_is_dropped() {
    let (_, server) = serve();
    let mut raw = Raw::connect(&server);
    // Never started.
    raw.send(r#"{"kind":"credit","id":77,"items":5}"#).await;
    raw.still_serves().await;
    // Finished: `count(0)` ends at once.
    raw.send(
        r#"{"kind":"stream","id":5,"channel":"streams:count","payload":[0],"credit":{"items":1}}"#,
    )
    .await;
    assert_eq!(
        raw.next().await,
        json!({"kind": "reply", "id": 5, "payload": 0})
    );
    raw.send(r#"{"kind":"credit","id":5,"items":5}"#).await;
    raw.send(r#"{"kind":"cancel","id":5}"#).await;
    raw.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_stream_id_reused_is_refused_like_a_duplicate_invoke() {
    let (_, server) = serve();
    let mut raw = Raw::connect(&server);
    raw.start(3).await;
    for reuse in [
        r#"{"kind":"stream","id":3,"channel":"streams:count","payload":[1],"credit":{"items":1}}"#,
        r#"{"kind":"invoke","id":3,"channel":"streams:ping","payload":[]}"#,
    ] {
        raw.send(reuse).await;
        let answer = raw.next().await;
        assert_eq!(answer["kind"], "error", "{answer}");
        assert_eq!(
            answer.get("id"),
            None,
            "the running stream is not settled: {answer}"
        );
        assert_eq!(answer["error"]["kind"], "protocol", "{answer}");
    }
    // The running stream is untouched: more credit, the next item.
    raw.send(r#"{"kind":"credit","id":3,"items":1}"#).await;
    assert_eq!(
        raw.next().await,
        json!({"kind": "item", "id": 3, "payload": 1})
    );
    raw.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_stream_starts_are_refused_with_their_id() {
    let (_, server) = serve();
    let mut raw = Raw::connect(&server);
    for (id, start) in [
        (
            20,
            r#"{"kind":"stream","id":20,"channel":"streams:count","payload":[1]}"#,
        ),
        (
            21,
            r#"{"kind":"stream","id":21,"channel":"streams:count","payload":[1],"credit":{"items":-1}}"#,
        ),
        (
            22,
            r#"{"kind":"stream","id":22,"channel":"streams:count","payload":[1],"credit":{"items":2000000}}"#,
        ),
        (
            23,
            r#"{"kind":"stream","id":23,"channel":"streams:ping","payload":[],"credit":{"items":1}}"#,
        ),
        (
            24,
            r#"{"kind":"invoke","id":24,"channel":"streams:count","payload":[1]}"#,
        ),
    ] {
        raw.send(start).await;
        let answer = raw.next().await;
        assert_eq!(answer["kind"], "error", "{start}: {answer}");
        assert_eq!(answer["id"], id, "{start}: {answer}");
        raw.still_serves().await;
    }
}

/// Reads every chunk of a `chunks` stream, checking each one's size and content.
async fn read_chunks(client: &StreamsClient, sizes: &[u32], bytes_window: u64) {
    let mut stream = client.chunks(sizes.to_vec()).bytes_window(bytes_window);
    for (index, size) in (0u8..).zip(sizes) {
        let chunk = stream.next().await.expect("a chunk");
        assert_eq!(chunk.len(), usize::try_from(*size).unwrap());
        assert!(chunk.to_vec().iter().all(|&b| b == index), "chunk {index}");
    }
    assert_eq!(stream.next().await, None);
    assert_eq!(
        stream.result().await,
        Ok(u32::try_from(sizes.len()).unwrap())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_items_stay_within_the_byte_window_and_one_larger_item_still_goes() {
    let (counters, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    let mut stream = client.chunks(vec![60, 60, 250, 10]).bytes_window(200);
    let first = stream.next().await.expect("a chunk");
    assert_eq!(first.len(), 60);
    // Two chunks fit the 200-byte window; the 250-byte one (larger than the whole window) waits until all
    // of it is granted back.
    settle(|| counters.chunks_sent.load(Ordering::SeqCst) == 2).await;
    assert_eq!(client.ping().await, Ok(7));
    assert_eq!(counters.chunks_sent.load(Ordering::SeqCst), 2);
    assert_eq!(stream.next().await.map(|c| c.len()), Some(60));
    // The rest, the 250-byte chunk (larger than the whole window) included.
    for size in [250, 10] {
        assert_eq!(stream.next().await.map(|c| c.len()), Some(size));
    }
    assert_eq!(stream.result().await, Ok(4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_items_travel_as_binary_messages() {
    let (_, server) = serve();
    let (tx, mut rx) = server.connect_raw(MAIN, true);
    tx.send(r#"{"kind":"stream","id":1,"channel":"streams:chunks","payload":[[3]],"credit":{"items":4,"bytes":100}}"#.to_owned())
        .await
        .unwrap();
    let OutboundFrame::Binary(item) = rx.recv().await.unwrap() else {
        panic!("a binary item was expected");
    };
    let expected = support::binary_message(
        r#"{"kind":"item","id":1,"payload":{"$bin":0}}"#,
        &[&[0, 0, 0]],
    );
    assert_eq!(item.to_bytes().to_vec(), expected);
    let OutboundFrame::Text(end) = rx.recv().await.unwrap() else {
        panic!("a text reply was expected");
    };
    assert_eq!(end, r#"{"kind":"reply","id":1,"payload":1}"#);
}

/// The same scenario on a client of any host: items in order, a typed error after items, `Bytes` items,
/// cancel by drop, and an invoke after each.
async fn every_semantic_on(raw: Client, counters: &Counters) {
    let client = StreamsClient::new(raw);
    let mut stream = client.count(300);
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    assert_eq!(items, (0..300).collect::<Vec<u32>>());
    assert_eq!(stream.result().await, Ok(300));
    let mut failing = client.fail_after(2);
    assert_eq!(failing.next().await, Some(0));
    assert_eq!(failing.next().await, Some(1));
    assert_eq!(
        failing.result().await,
        Err(IpcError::Handler {
            error: Oops { after: 2 }
        })
    );
    read_chunks(&client, &[1, 70_000, 0, 5], 64 * 1024).await;
    let mut cancelled = client.produce(10_000).window(4);
    assert_eq!(cancelled.next().await, Some(0));
    drop(cancelled);
    settle(|| counters.live.load(Ordering::SeqCst) == 0).await;
    settle(|| counters.token_cancelled.load(Ordering::SeqCst)).await;
    assert_eq!(client.ping().await, Ok(7));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_work_alike_on_the_in_memory_stdio_and_web_hosts() {
    let (counters, server) = serve();
    every_semantic_on(server.connect_in_memory(MAIN), &counters).await;

    let (counters, server) = serve();
    let (client, pump) = stdio_client(server).await;
    every_semantic_on(client, &counters).await;
    pump.abort();

    let (counters, server) = serve();
    let host = WebHost::builder(server)
        .page_origin(MAIN)
        .start()
        .await
        .expect("web host starts");
    let (client, pump) = web_client(&host).await;
    every_semantic_on(client, &counters).await;
    pump.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_client_streams_values() {
    let (counters, server) = serve();
    let client = StreamsClient::connect_direct(&server, MAIN);
    let mut stream = client.count(50);
    let mut items = 0;
    while stream.next().await.is_some() {
        items += 1;
    }
    assert_eq!(items, 50);
    assert_eq!(stream.result().await, Ok(50));
    // Items are handed over as values, never encoded: a NaN, which JSON cannot carry, arrives as it is.
    let mut values = client.not_a_number();
    assert_eq!(values.next().await, Some(1.0));
    assert!(values.next().await.is_some_and(f64::is_nan));
    assert_eq!(values.result().await, Ok(false));
    every_semantic_on(server.connect_direct(MAIN), &counters).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_socket_ends_the_handler_and_the_stream_is_disconnected() {
    let (counters, server) = serve();
    let host = WebHost::builder(server)
        .page_origin(MAIN)
        .start()
        .await
        .expect("web host starts");
    let (client, pump) = web_client(&host).await;
    let client = StreamsClient::new(client);
    let mut stream = client.produce(10_000).window(4);
    assert_eq!(stream.next().await, Some(0));
    // The socket goes away without a close frame (a crashed renderer).
    pump.abort();
    settle(|| counters.live.load(Ordering::SeqCst) == 0).await;
    settle(|| counters.token_cancelled.load(Ordering::SeqCst)).await;
    assert_eq!(stream.result().await, Err(IpcError::Disconnected));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_that_cannot_be_encoded_ends_the_stream_with_internal() {
    let (_, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    let mut stream = client.not_a_number();
    assert_eq!(stream.next().await, Some(1.0));
    assert_eq!(stream.next().await, None);
    let result = stream.result().await;
    assert!(
        matches!(result, Err(IpcError::Internal { .. })),
        "{result:?}"
    );
    assert_eq!(client.ping().await, Ok(7));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_streams_at_once_with_cancels_lose_and_duplicate_nothing() {
    let (counters, server) = serve();
    let client = StreamsClient::connect_in_memory(&server, MAIN);
    let baseline = alive_tasks();
    let mut rng = support::Rng::new(16);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..32u32 {
        let client = client.clone();
        let stop_after = rng.below(50);
        tasks.spawn(async move {
            if n % 2 == 0 {
                // Read everything: each item once, in order.
                let len = 500 + n;
                let mut stream = client.count(len).window(1 + n % 7);
                let mut expected = 0;
                while let Some(item) = stream.next().await {
                    assert_eq!(item, expected, "stream {n}");
                    expected += 1;
                }
                assert_eq!(expected, len, "stream {n}");
                assert_eq!(stream.result().await, Ok(len));
            } else {
                // Read a few, then walk away.
                let mut stream = client.produce(100_000).window(1 + n % 5);
                for expected in 0..stop_after {
                    assert_eq!(
                        stream.next().await.map(u64::from),
                        Some(expected),
                        "stream {n}"
                    );
                }
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    settle(|| counters.live.load(Ordering::SeqCst) == 0).await;
    settle(|| alive_tasks() <= baseline).await;
    assert_eq!(client.raw().in_flight(), 0);
    assert_eq!(client.ping().await, Ok(7));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_count_against_the_in_flight_cap_of_invokes() {
    let counters = Arc::new(Counters::default());
    let limits = ipc_runtime::Limits {
        max_in_flight: 2,
        ..ipc_runtime::Limits::default()
    };
    let server = Server::builder(StreamsService::new(Impl(counters.clone())))
        .limits(limits)
        .build();
    let mut raw = Raw::connect(&server);
    for id in [1, 2] {
        raw.send(&format!(
            r#"{{"kind":"stream","id":{id},"channel":"streams:forever","payload":[],"credit":{{"items":1}}}}"#
        ))
        .await;
    }
    settle(|| counters.live.load(Ordering::SeqCst) == 2).await;
    for busy in [
        r#"{"kind":"stream","id":3,"channel":"streams:count","payload":[1],"credit":{"items":1}}"#,
        r#"{"kind":"invoke","id":3,"channel":"streams:ping","payload":[]}"#,
    ] {
        raw.send(busy).await;
        let answer = raw.next().await;
        assert_eq!(answer["id"], 3, "{answer}");
        assert_eq!(answer["error"]["kind"], "protocol", "{answer}");
    }
    raw.send(r#"{"kind":"cancel","id":1}"#).await;
    assert_eq!(
        raw.next().await,
        json!({"kind": "error", "id": 1, "error": {"kind": "cancelled"}})
    );
    // A slot is free again.
    raw.still_serves().await;
}
