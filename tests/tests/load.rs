//! Load without loss: 64 connections pipelining invokes, some cancelled and some past a deadline, over the
//! in-memory host and the real web host. Every reply is checked by content against the call that made it,
//! the outcomes add up to the calls made, and nothing stays in flight afterwards.
//!
//! `IPC_LOAD_CALLS` sets the total per host (default 12,800 in-memory and 6,400 web, for the normal suite);
//! `scripts/load.sh` runs the million-call version in release mode and prints the figures.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ipc_runtime::{CancellationToken, IpcError, Limits, Server};
use ipc_tests::app::{AppIpcClient, AppIpcService};
use ipc_tests::recording::Recorder;
use support::{Rng, alive_tasks, connect_web, peak_rss_kb, settle, start_web};
use tokio::task::JoinSet;

const CONNECTIONS: usize = 64;
/// Calls each connection keeps outstanding at once.
const WINDOW: usize = 32;

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    calls: usize,
    plain: usize,
    replied: usize,
    cancelled: usize,
    timed_out: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.calls += other.calls;
        self.plain += other.plain;
        self.replied += other.replied;
        self.cancelled += other.cancelled;
        self.timed_out += other.timed_out;
    }
}

enum Plan {
    Plain,
    Cancel,
    Deadline,
}

/// One call and the only outcomes it may have; panics on anything else (a reply meant for another call).
async fn one_call(client: AppIpcClient, conn: usize, seq: usize, plan: Plan) -> Tally {
    let mut tally = Tally {
        calls: 1,
        ..Tally::default()
    };
    match plan {
        Plan::Plain => {
            tally.plain = 1;
            let path = format!("/load/{conn}/{seq}");
            let expected = format!("contents of {path}");
            assert_eq!(client.open_file(path).await, Ok(Some(expected)));
            tally.replied = 1;
        }
        Plan::Cancel => {
            let path = format!("/wait/1/{conn}/{seq}");
            let token = CancellationToken::new();
            let call = tokio::spawn(
                client
                    .open_file(path.clone())
                    .cancel_on(token.clone())
                    .into_future(),
            );
            tokio::task::yield_now().await;
            token.cancel();
            match call.await.unwrap() {
                Ok(reply) => {
                    assert_eq!(reply, Some(path));
                    tally.replied = 1;
                }
                Err(IpcError::Cancelled) => tally.cancelled = 1,
                Err(other) => panic!("call {conn}/{seq}: {other:?}"),
            }
        }
        Plan::Deadline => {
            let path = format!("/wait/200/{conn}/{seq}");
            match client
                .open_file(path.clone())
                .timeout(Duration::from_millis(2))
                .await
            {
                Ok(reply) => {
                    assert_eq!(reply, Some(path));
                    tally.replied = 1;
                }
                Err(IpcError::Timeout { timeout_ms: 2 }) => tally.timed_out = 1,
                Err(other) => panic!("call {conn}/{seq}: {other:?}"),
            }
        }
    }
    tally
}

/// Drives `calls` invokes on one connection, `WINDOW` at a time.
async fn drive(client: AppIpcClient, conn: usize, calls: usize) -> Tally {
    let mut rng = Rng::new(conn as u64 + 1);
    let mut running = JoinSet::new();
    let mut tally = Tally::default();
    for seq in 0..calls {
        if running.len() == WINDOW {
            tally.add(running.join_next().await.unwrap().unwrap());
        }
        let plan = match rng.below(100) {
            0..3 => Plan::Cancel,
            3..5 => Plan::Deadline,
            _ => Plan::Plain,
        };
        running.spawn(one_call(client.clone(), conn, seq, plan));
    }
    while let Some(done) = running.join_next().await {
        tally.add(done.unwrap());
    }
    assert_eq!(
        client.raw().in_flight(),
        0,
        "connection {conn}: calls left pending"
    );
    tally
}

fn total_calls(default: usize) -> usize {
    std::env::var("IPC_LOAD_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

async fn run(host: &str, clients: Vec<AppIpcClient>, handler: &Recorder, total: usize) {
    let per_connection = total / CONNECTIONS;
    let started = Instant::now();
    let mut drivers = JoinSet::new();
    for (conn, client) in clients.into_iter().enumerate() {
        drivers.spawn(drive(client, conn, per_connection));
    }
    let mut tally = Tally::default();
    while let Some(done) = drivers.join_next().await {
        tally.add(done.unwrap());
    }
    let elapsed = started.elapsed();
    assert_eq!(tally.calls, per_connection * CONNECTIONS);
    assert_eq!(
        tally.replied + tally.cancelled + tally.timed_out,
        tally.calls,
        "{tally:?}"
    );
    assert!(
        tally.replied >= tally.plain,
        "every plain call got its own reply: {tally:?}"
    );
    // Handlers of cancelled and timed-out calls end too: none stays alive.
    settle(|| handler.live() == 0).await;
    assert!(
        handler.runs() <= tally.calls,
        "more handler runs than calls"
    );
    println!(
        "load {host}: {} connections, {} invokes ({} replied, {} cancelled, {} timed out), {:.1} s, peak RSS {} kB",
        CONNECTIONS,
        tally.calls,
        tally.replied,
        tally.cancelled,
        tally.timed_out,
        elapsed.as_secs_f64(),
        peak_rss_kb().unwrap_or(0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_host_delivers_every_reply_to_its_caller() {
    let baseline = alive_tasks();
    let handler = Arc::new(Recorder::counting());
    let server = Server::new(AppIpcService::from_arc(handler.clone()));
    let clients = (0..CONNECTIONS)
        .map(|_| AppIpcClient::connect_in_memory(&server, "app://main"))
        .collect();
    run("in-memory", clients, &handler, total_calls(12_800)).await;
    // The clients are gone: every connection unregisters.
    settle(|| server.events().connected() == 0).await;
    settle(|| alive_tasks() <= baseline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_calls_deliver_every_reply_to_their_caller() {
    let baseline = alive_tasks();
    let handler = Arc::new(Recorder::counting());
    let server = Server::new(AppIpcService::from_arc(handler.clone()));
    let clients = (0..CONNECTIONS)
        .map(|_| AppIpcClient::connect_direct(&server, "app://main"))
        .collect();
    run("direct", clients, &handler, total_calls(12_800)).await;
    settle(|| server.events().connected() == 0).await;
    settle(|| alive_tasks() <= baseline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_host_delivers_every_reply_to_its_caller() {
    let app = start_web(Recorder::counting(), Limits::default(), CONNECTIONS).await;
    let baseline = alive_tasks();
    let mut clients = Vec::new();
    let mut pumps = Vec::new();
    for _ in 0..CONNECTIONS {
        let web = connect_web(&app).await;
        clients.push(web.client);
        pumps.push(web.pump);
    }
    run("web", clients, &app.handler, total_calls(6_400)).await;
    for pump in pumps {
        pump.abort();
    }
    settle(|| app.open.load(std::sync::atomic::Ordering::SeqCst) == 0).await;
    assert_eq!(app.host.events().connected(), 0);
    // No task per connection is left. The host itself may hold one more than at the start (a task of
    // its own that comes and goes, seen with a single socket too); a leak per connection would be +64.
    settle(|| alive_tasks() <= baseline + 1).await;
}
