//! Pipelined invokes and events over the in-memory host on a multi-thread tokio runtime, with a hand-written
//! baseline (tokio channels + a task per request + the same serde work) measured in the same run.
//! Run: `cargo bench -p ipc-benches --bench throughput`

mod common;

use std::future::IntoFuture;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{BenchClient, BenchEvents, BenchService, Handler, ORIGIN, baseline, payload, sample};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::future::join_all;
use ipc_runtime::Server;
use tokio::runtime::Runtime;
use tokio::sync::{mpsc, oneshot};

/// Calls in flight at once from one client.
const IN_FLIGHT: usize = 1_000;
/// Clients in the multi-client and fan-out cases.
const CLIENTS: usize = 16;
/// Events emitted per measured iteration.
const EVENTS: usize = 4_096;
/// Events emitted before the subscribers catch up; below the outbound queue (1024), so none is dropped.
const EVENT_BATCH: usize = 512;

/// How a bench client reaches the server: encoded (`connect_in_memory`) or direct.
type Connect = fn(&Server, &str) -> BenchClient;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs `future` as a task on the runtime's workers (not on the `block_on` thread) and returns its result.
fn on_worker(rt: &Runtime, future: impl Future<Output = Duration> + Send + 'static) -> Duration {
    rt.block_on(rt.spawn(future)).expect("bench task")
}

fn elements(n: usize) -> Throughput {
    Throughput::Elements(u64::try_from(n).expect("fits"))
}

async fn burst(client: &BenchClient) {
    let calls = (0..IN_FLIGHT).map(|_| client.echo(sample()).into_future());
    for reply in join_all(calls).await {
        black_box(reply.expect("echo"));
    }
}

/// The same work without the IPC layer: requests over a bounded mpsc to a serving task that spawns one task
/// per request (serde decode, handler, serde encode) and answers through a oneshot.
fn baseline_server() -> mpsc::Sender<(String, oneshot::Sender<String>)> {
    let (tx, mut rx) = mpsc::channel::<(String, oneshot::Sender<String>)>(256);
    tokio::spawn(async move {
        while let Some((request, reply)) = rx.recv().await {
            tokio::spawn(async move {
                let _ = reply.send(baseline(&request));
            });
        }
    });
    tx
}

fn invokes(c: &mut Criterion, rt: &Runtime) {
    let mut group = c.benchmark_group("throughput");
    group.throughput(elements(IN_FLIGHT));

    let requests = rt.block_on(async { baseline_server() });
    group.bench_function("baseline_channels_1_client_1000_in_flight", |b| {
        b.iter_custom(|iters| {
            let requests = requests.clone();
            on_worker(rt, async move {
                let payload = payload();
                let start = Instant::now();
                for _ in 0..iters {
                    let calls = (0..IN_FLIGHT).map(|_| {
                        let requests = requests.clone();
                        let request = payload.clone();
                        async move {
                            let (tx, rx) = oneshot::channel();
                            requests.send((request, tx)).await.expect("server up");
                            rx.await.expect("reply")
                        }
                    });
                    black_box(join_all(calls).await);
                }
                start.elapsed()
            })
        });
    });

    let server = Server::new(BenchService::new(Handler));
    let connections: [(&str, Connect); 2] = [
        (
            "typed_1_client_1000_in_flight",
            BenchClient::connect_in_memory,
        ),
        (
            "direct_1_client_1000_in_flight",
            BenchClient::connect_direct,
        ),
    ];
    for (name, connect) in connections {
        let client = rt.block_on(async { connect(&server, ORIGIN) });
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let client = client.clone();
                on_worker(rt, async move {
                    let start = Instant::now();
                    for _ in 0..iters {
                        burst(&client).await;
                    }
                    start.elapsed()
                })
            });
        });
    }

    group.throughput(elements(IN_FLIGHT * CLIENTS));
    let clients: Vec<_> = rt.block_on(async {
        (0..CLIENTS)
            .map(|_| BenchClient::connect_in_memory(&server, ORIGIN))
            .collect()
    });
    group.bench_function("typed_16_clients_1000_in_flight_each", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let tasks = clients.iter().map(|client| {
                        let client = client.clone();
                        tokio::spawn(async move { burst(&client).await })
                    });
                    for task in join_all(tasks).await {
                        task.expect("burst");
                    }
                }
                start.elapsed()
            })
        });
    });
    group.finish();
}

fn events(c: &mut Criterion, rt: &Runtime, subscribers: usize) {
    let mut group = c.benchmark_group("throughput");
    // Counted per delivery: one emitted event reaching 16 subscribers is 16 elements.
    group.throughput(elements(EVENTS * subscribers));
    let server = Server::new(BenchService::new(Handler));
    let (clients, subscriptions): (Vec<_>, Vec<_>) = rt.block_on(async {
        let mut pairs = Vec::new();
        for _ in 0..subscribers {
            let client = BenchClient::connect_in_memory(&server, ORIGIN);
            let subscription = client.on_tick();
            // One round trip: the connection is registered and its reader running before we emit.
            client.echo(sample()).await.expect("echo");
            pairs.push((client, subscription));
        }
        pairs.into_iter().unzip()
    });
    let subscriptions = Arc::new(tokio::sync::Mutex::new(subscriptions));
    let hub = server.events();
    group.bench_function(format!("events_to_{subscribers}_subscribers"), |b| {
        b.iter_custom(|iters| {
            let subscriptions = subscriptions.clone();
            let emitter = BenchEvents::new(hub.broadcast());
            on_worker(rt, async move {
                let mut subscriptions = subscriptions.lock().await;
                let start = Instant::now();
                for _ in 0..iters {
                    for batch in 0..EVENTS / EVENT_BATCH {
                        for i in 0..EVENT_BATCH {
                            let seq = u32::try_from(batch * EVENT_BATCH + i).expect("fits");
                            assert_eq!(emitter.tick(seq), Ok(subscribers));
                        }
                        for subscription in subscriptions.iter_mut() {
                            for _ in 0..EVENT_BATCH {
                                black_box(subscription.next().await.expect("event"));
                            }
                        }
                    }
                }
                start.elapsed()
            })
        });
    });
    assert_eq!(
        server.events().dropped_events(),
        0,
        "no event may be dropped"
    );
    drop(clients);
    group.finish();
}

fn throughput(c: &mut Criterion) {
    let rt = runtime();
    invokes(c, &rt);
    events(c, &rt, 1);
    events(c, &rt, CLIENTS);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = throughput
}
criterion_main!(benches);
