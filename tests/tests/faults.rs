//! Faults: handlers that panic or never finish, a WebSocket dropped mid-call, the stdio peer vanishing
//! mid-call. Callers get typed errors, the runtime keeps serving others, and afterwards no handler future
//! is alive, no call is in flight and no connection is registered.

mod support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::SinkExt as _;
use ipc_runtime::stdio::serve_io;
use ipc_runtime::{IpcError, Limits, Server};
use ipc_tests::app::{AppIpcClient, AppIpcService};
use ipc_tests::recording::Recorder;
use serde_json::json;
use support::{alive_tasks, connect_web, settle, start_web};
use tokio::task::JoinSet;
use tokio_util::bytes::Bytes;
use tokio_util::codec::{FramedWrite, LengthDelimitedCodec};

const FOREVER: u32 = u32::MAX;

fn app() -> (Arc<Recorder>, Server) {
    let handler = Arc::new(Recorder::default());
    let server = Server::new(AppIpcService::from_arc(handler.clone()));
    (handler, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panicking_handlers_become_internal_errors_and_leave_nothing_behind() {
    let (handler, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, "app://main");
    let baseline = alive_tasks();
    let mut calls = JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        calls.spawn(async move { client.explode().await });
    }
    while let Some(result) = calls.join_next().await {
        let result = result.unwrap();
        assert!(
            matches!(&result, Err(IpcError::Internal { .. })),
            "{result:?}"
        );
    }
    assert_eq!(
        client.open_file("/after".to_owned()).await,
        Ok(Some("contents of /after".to_owned()))
    );
    assert_eq!(handler.runs(), 101);
    assert_eq!(handler.live(), 0);
    assert_eq!(client.raw().in_flight(), 0);
    settle(|| alive_tasks() <= baseline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_finishing_handlers_end_at_their_deadline() {
    let (handler, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, "app://main");
    let other = AppIpcClient::connect_in_memory(&server, "app://main");
    let baseline = alive_tasks();
    let mut calls = JoinSet::new();
    for _ in 0..50 {
        let client = client.clone();
        // The channel's declared deadline (50 ms) applies.
        calls.spawn(async move { client.slow(FOREVER).await });
    }
    // Meanwhile another caller is served.
    assert_eq!(
        other.open_file("/x".to_owned()).await,
        Ok(Some("contents of /x".to_owned()))
    );
    while let Some(result) = calls.join_next().await {
        assert_eq!(result.unwrap(), Err(IpcError::Timeout { timeout_ms: 50 }));
    }
    settle(|| handler.live() == 0).await;
    assert_eq!(client.raw().in_flight(), 0);
    settle(|| alive_tasks() <= baseline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_dropped_mid_call_fails_its_calls_and_cancels_their_handlers() {
    let app = start_web(Recorder::default(), Limits::default(), 8).await;
    let doomed = connect_web(&app).await;
    let survivor = connect_web(&app).await;
    let baseline = alive_tasks();
    let mut calls = JoinSet::new();
    for _ in 0..20 {
        let client = doomed.client.clone();
        calls.spawn(async move { client.slow(FOREVER).timeout(Duration::from_secs(600)).await });
    }
    settle(|| app.handler.live() == 20).await;
    // The renderer dies: its TCP connection goes away without a close frame.
    doomed.pump.abort();
    while let Some(result) = calls.join_next().await {
        assert_eq!(result.unwrap(), Err(IpcError::Disconnected));
    }
    settle(|| app.handler.live() == 0 && app.open.load(Ordering::SeqCst) == 1).await;
    assert_eq!(app.host.events().connected(), 1);
    assert_eq!(
        survivor.client.open_file("/still".to_owned()).await,
        Ok(Some("contents of /still".to_owned()))
    );
    assert_eq!(doomed.client.raw().in_flight(), 0);
    // The dropped socket's tasks (pump, host reader/writer) are gone too, not only the handlers.
    settle(|| alive_tasks() < baseline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stdio_peer_vanishing_mid_call_ends_the_session_and_every_handler() {
    let (handler, server) = app();
    let baseline = alive_tasks();
    let (parent, child) = tokio::io::duplex(64 * 1024);
    let (child_read, child_write) = tokio::io::split(child);
    let session = tokio::spawn(serve_io(server.clone(), child_read, child_write));
    let (parent_read, parent_write) = tokio::io::split(parent);
    let mut to_child = FramedWrite::new(parent_write, LengthDelimitedCodec::new());
    for caller in 1..=3u64 {
        let open = json!({"op":"open","caller":caller,"origin":"app://main","topFrame":true,"fingerprint":server.fingerprint()});
        to_child.send(Bytes::from(open.to_string())).await.unwrap();
        for id in 0..10u64 {
            let text = json!({"kind":"invoke","id":id,"channel":"app_ipc:slow","payload":[FOREVER],"timeoutMs":600_000});
            let frame = json!({"op":"message","caller":caller,"text":text.to_string()});
            to_child.send(Bytes::from(frame.to_string())).await.unwrap();
        }
    }
    settle(|| handler.live() == 30).await;
    // The parent process is gone: both pipes close at once.
    drop((to_child, parent_read));
    let result = session.await.unwrap();
    assert!(
        result.is_ok() || matches!(result, Err(ipc_runtime::stdio::StdioError::Write(_))),
        "{result:?}"
    );
    settle(|| handler.live() == 0).await;
    assert_eq!(server.events().connected(), 0);
    settle(|| alive_tasks() <= baseline).await;
}

/// The connection's own in-flight map (what a host holds), after calls that panicked, passed their deadline,
/// were cancelled on the wire, or were refused: every entry is gone, and the connection still serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_flight_entries_return_to_zero_after_every_kind_of_ending() {
    let (handler, server) = app();
    let (outbound, mut answers) = tokio::sync::mpsc::channel(1024);
    let connection = server.connect("app://main", true, outbound);
    let invoke = |id: u64, channel: &str, payload: &str| {
        format!(
            r#"{{"kind":"invoke","id":{id},"channel":"app_ipc:{channel}","payload":{payload}}}"#
        )
    };
    for id in 0..10 {
        connection.receive(&invoke(id, "explode", "[]")).await;
        connection
            .receive(&invoke(100 + id, "slow", &format!("[{FOREVER}]")))
            .await;
        connection
            .receive(&invoke(200 + id, "open_file", "[42]"))
            .await;
    }
    for id in 0..10 {
        let text = format!(
            r#"{{"kind":"invoke","id":{},"channel":"app_ipc:slow","payload":[{FOREVER}],"timeoutMs":600000}}"#,
            300 + id
        );
        connection.receive(&text).await;
        connection
            .receive(&format!(r#"{{"kind":"cancel","id":{}}}"#, 300 + id))
            .await;
    }
    // 10 internal + 10 timeout + 10 invalid_input + 10 cancelled answers.
    for _ in 0..40 {
        answers.recv().await.expect("an answer");
    }
    settle(|| connection.in_flight() == 0 && handler.live() == 0).await;
    connection
        .receive(&invoke(999, "open_file", r#"["/ok"]"#))
        .await;
    let ipc_runtime::OutboundFrame::Text(reply) = answers.recv().await.unwrap() else {
        panic!("a text reply");
    };
    assert_eq!(
        reply,
        r#"{"kind":"reply","id":999,"payload":"contents of /ok"}"#
    );
    assert_eq!(connection.in_flight(), 0);
}
