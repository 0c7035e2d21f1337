//! A fixed number of small invokes (or baseline calls), for instruction counts under callgrind: run it with
//! two counts and divide the difference in instructions by the difference in calls, which cancels the
//! start-up cost. See `scripts/callgrind-invoke.sh` and `BENCHMARKS.md`.
//!
//! `invoke_count <typed|direct|host|baseline|baseline_round_trip> <calls>`:
//! - `typed`: the generated client through the in-memory host (encoded, as on every real host);
//! - `direct`: the same client connected with `connect_direct` (values handed over, nothing encoded);
//! - `host`: the main side alone: one invoke envelope in, its reply frame out (`Connection::receive`);
//! - `baseline`: decode the arguments, call the handler, encode the reply, with `serde_json` directly;
//! - `baseline_round_trip`: the baseline plus the client's encode and decode. It clones the item each call,
//!   as the typed loop must (the generated client takes its arguments by value), so the two differ only by
//!   the IPC layer.

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

use common::{
    BenchClient, BenchService, Handler, ORIGIN, baseline, baseline_round_trip, payload, sample,
};
use ipc_runtime::Server;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "typed".to_owned());
    let calls: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    match mode.as_str() {
        "baseline" => {
            let payload = payload();
            for _ in 0..calls {
                black_box(baseline(black_box(&payload)));
            }
        }
        "baseline_round_trip" => {
            let item = sample();
            for _ in 0..calls {
                black_box(baseline_round_trip(&black_box(item.clone())));
            }
        }
        "typed" | "direct" => {
            let rt = current_thread_runtime();
            // The calling loop runs as a task, as in the criterion bench (not as `block_on`'s own future,
            // which the scheduler checks for wake-ups only between driver polls).
            rt.block_on(async {
                let server = Server::new(BenchService::new(Handler));
                let client = if mode == "direct" {
                    BenchClient::connect_direct(&server, ORIGIN)
                } else {
                    BenchClient::connect_in_memory(&server, ORIGIN)
                };
                tokio::spawn(async move {
                    let item = sample();
                    for _ in 0..calls {
                        black_box(client.echo(black_box(item.clone())).await.expect("echo"));
                    }
                })
                .await
                .expect("calling task");
            });
        }
        "host" => {
            let rt = current_thread_runtime();
            rt.block_on(async {
                let server = Server::new(BenchService::new(Handler));
                let (to_renderer, mut replies) = tokio::sync::mpsc::channel(16);
                let connection = server.connect(ORIGIN, true, to_renderer);
                let channel = &common::BenchSchema::DESCRIPTOR.channels[0];
                // One id for every call: each call ends (and frees it) before the next starts.
                let envelope = format!(
                    r#"{{"kind":"invoke","id":1,"channel":"{}","payload":{}}}"#,
                    channel.name,
                    payload()
                );
                for _ in 0..calls {
                    connection.receive(black_box(&envelope)).await;
                    black_box(replies.recv().await.expect("reply"));
                }
            });
        }
        other => panic!(
            "unknown mode {other:?}: expected typed, direct, host, baseline or baseline_round_trip"
        ),
    }
}

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}
