//! A peer holding the token that floods the web host with pings and never reads: the host's memory stays
//! bounded (it reads no more pings while a pong is unwritten, so the flood waits in the peer's own socket
//! buffers), the peer is closed once its writes stay blocked for the write timeout, and other pages are
//! served throughout. In its own test binary so that nothing else moves this process's RSS.
//!
//! `IPC_PING_FLOOD=1000000` runs the full figure of RELIABILITY.md (default: 300,000 pings).

mod support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures_util::SinkExt as _;
use ipc_runtime::Limits;
use ipc_tests::recording::Recorder;
use support::{connect_web, open_web, settle, start_web_with};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_util::bytes::Bytes;

const DEFAULT_PINGS: usize = 300_000;
/// Most the process's peak RSS may grow during the flood. Without the bound the host kept one 127-byte
/// pong per ping: 300,000 pings grew it by 30 MB.
const RSS_GROWTH_BOUND_KB: u64 = 12 * 1024;
const WRITE_TIMEOUT: Duration = Duration::from_secs(1);

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ping_flood_that_is_never_read_costs_bounded_memory_and_closes_the_peer() {
    let pings = std::env::var("IPC_PING_FLOOD")
        .ok()
        .map_or(DEFAULT_PINGS, |n| {
            n.parse().expect("IPC_PING_FLOOD: a count")
        });
    let app = start_web_with(Recorder::default(), Limits::default(), |builder| {
        builder.write_timeout(WRITE_TIMEOUT)
    })
    .await;
    let healthy = connect_web(&app).await;
    let mut flooder = open_web(&app).await;
    settle(|| app.open.load(Ordering::SeqCst) == 2).await;
    let before = status_kb("VmRSS:");

    // Largest payload a ping may carry, so each unanswered pong costs the most.
    let payload = Bytes::from(vec![0x5a_u8; 125]);
    let started = Instant::now();
    let mut sent = 0;
    let blocked = loop {
        if sent == pings {
            break false;
        }
        // `feed` waits only once the socket's buffers are full, which a host that stops reading makes them.
        match tokio::time::timeout(
            Duration::from_secs(5),
            flooder.feed(Message::Ping(payload.clone())),
        )
        .await
        {
            Ok(Ok(())) => sent += 1,
            Ok(Err(_)) | Err(_) => break true,
        }
    };
    let flood_time = started.elapsed();
    let growth = status_kb("VmHWM:").saturating_sub(before);
    println!(
        "ping flood: {sent} of {pings} pings sent in {flood_time:?} (stopped early, the host no longer reading: {blocked}); peak RSS grew by {growth} kB (bound {RSS_GROWTH_BOUND_KB} kB)"
    );
    assert!(
        growth < RSS_GROWTH_BOUND_KB,
        "RSS grew by {growth} kB during {sent} unread pings"
    );

    // The host closes the peer that stays blocked, and serves the other page meanwhile.
    settle(|| app.open.load(Ordering::SeqCst) == 1).await;
    assert_eq!(
        healthy.client.open_file("/still".to_owned()).await,
        Ok(Some("contents of /still".to_owned()))
    );
    let after = flooder
        .send(Message::Close(Some(
            tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: CloseCode::Normal,
                reason: "done".into(),
            },
        )))
        .await;
    assert!(
        after.is_err(),
        "the host should have dropped the flooding socket"
    );
}
