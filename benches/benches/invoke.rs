//! One small invoke at a time: the generated client + in-memory host (encoded, and direct) versus the
//! hand-written serde baseline. Run: `cargo bench -p ipc-benches --bench invoke`

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{
    BenchClient, BenchService, Handler, ORIGIN, baseline, baseline_round_trip, payload, sample,
};
use criterion::{Criterion, criterion_group, criterion_main};
use ipc_runtime::Server;
use tokio::runtime::Runtime;

/// Sequential awaited calls: each iteration is one full round trip. The loop runs as a task on the runtime
/// (not in `block_on`), so on the multi-thread runtime the caller is a worker like the host's tasks.
fn typed(c: &mut Criterion, name: &str, rt: &Runtime, connect: fn(&Server) -> BenchClient) {
    let client = rt.block_on(async {
        let server = Server::new(BenchService::new(Handler));
        connect(&server)
    });
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let client = client.clone();
            rt.block_on(rt.spawn(async move {
                let item = sample();
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(client.echo(black_box(item.clone())).await.expect("echo"));
                }
                start.elapsed()
            }))
            .expect("bench task")
        });
    });
}

fn invoke(c: &mut Criterion) {
    let payload = payload();
    let item = sample();
    c.bench_function("invoke/baseline_serde", |b| {
        b.iter(|| baseline(black_box(&payload)));
    });
    c.bench_function("invoke/baseline_serde_round_trip", |b| {
        b.iter(|| baseline_round_trip(black_box(&item)));
    });
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let encoded = |server: &Server| BenchClient::connect_in_memory(server, ORIGIN);
    let direct = |server: &Server| BenchClient::connect_direct(server, ORIGIN);
    typed(c, "invoke/typed_current_thread", &current, encoded);
    typed(c, "invoke/direct_current_thread", &current, direct);
    let multi = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    typed(c, "invoke/typed_multi_thread", &multi, encoded);
    typed(c, "invoke/direct_multi_thread", &multi, direct);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = invoke
}
criterion_main!(benches);
