//! Slow consumers: a renderer that stops reading must not grow main-side memory.
//!
//! Policy (see RELIABILITY.md): each connection has one bounded outbound queue (`Limits::outbound_queue`).
//! Events to a full queue are dropped and counted (`EventHub::dropped_events`); replies and errors are
//! never dropped: their task waits for room, and the connection stops reading that renderer's input until
//! there is room (back-pressure on the one renderer that is not reading). Other connections are unaffected.

mod support;

use ipc_runtime::{Limits, OutboundFrame, Server};
use ipc_tests::app::{AppIpcClient, AppIpcEvents, AppIpcService};
use ipc_tests::recording::Recorder;
use support::{connect_web, open_web, peak_rss_kb, settle, start_web};

const QUEUE: usize = 64;
const EVENTS: usize = 200_000;

fn limits() -> Limits {
    Limits {
        outbound_queue: QUEUE,
        ..Limits::default()
    }
}

#[tokio::test]
async fn events_to_a_renderer_that_stopped_reading_are_dropped_and_counted() {
    let server = Server::builder(AppIpcService::new(Recorder::default()))
        .limits(limits())
        .build();
    // `stalled` never reads; `reader` does.
    let (_stalled_tx, mut stalled) = server.connect_raw("app://main", true);
    let reader = AppIpcClient::connect_in_memory(&server, "app://main");
    let mut counter = reader.on_update_counter();
    let events = AppIpcEvents::new(server.events().broadcast());
    let mut delivered_to_reader = 0;
    for i in 0..EVENTS {
        let value = i32::try_from(i).unwrap();
        events.update_counter(value).unwrap();
        // The reader keeps up: it takes each event before the next is sent.
        assert_eq!(counter.next().await, Some(value));
        delivered_to_reader += 1;
    }
    assert_eq!(
        delivered_to_reader, EVENTS,
        "a reading renderer loses nothing"
    );
    let dropped = usize::try_from(server.events().dropped_events()).unwrap();
    assert_eq!(
        dropped,
        EVENTS - QUEUE,
        "everything past the queue was dropped and counted"
    );
    // What the stalled renderer finds when it reads again: exactly the queue's worth, oldest first.
    let mut queued = Vec::new();
    while let Ok(OutboundFrame::Text(text)) = stalled.try_recv() {
        queued.push(text);
    }
    assert_eq!(queued.len(), QUEUE);
    assert!(queued[0].contains(r#""payload":[0]"#), "{}", queued[0]);
    println!(
        "slow consumer (in-memory): {EVENTS} events, {dropped} dropped for the stalled renderer, peak RSS {} kB",
        peak_rss_kb().unwrap_or(0)
    );
}

#[tokio::test]
async fn replies_to_a_renderer_that_stopped_reading_wait_and_are_not_lost() {
    let server = Server::builder(AppIpcService::new(Recorder::default()))
        .limits(limits())
        .build();
    let (tx, mut rx) = server.connect_raw("app://main", true);
    // Far more invokes than the queue holds, none of the replies read while they are sent.
    let calls = QUEUE * 4;
    let writer = tokio::spawn(async move {
        for id in 0..calls {
            let text = format!(
                r#"{{"kind":"invoke","id":{id},"channel":"app_ipc:open_file","payload":["/{id}"]}}"#
            );
            tx.send(text).await.unwrap();
        }
        tx
    });
    // Only now read: every reply arrives, each with its own payload.
    let mut seen = vec![false; calls];
    for _ in 0..calls {
        let Some(OutboundFrame::Text(text)) = rx.recv().await else {
            panic!("connection ended");
        };
        let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
        let id = usize::try_from(reply["id"].as_u64().unwrap()).unwrap();
        assert_eq!(reply["payload"], format!("contents of /{id}"));
        assert!(!std::mem::replace(&mut seen[id], true), "reply {id} twice");
    }
    assert!(seen.iter().all(|s| *s));
    drop(writer.await.unwrap());
    assert_eq!(
        server.events().dropped_events(),
        0,
        "replies are never dropped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_that_stopped_reading_costs_a_bounded_queue_and_others_are_served() {
    let app = start_web(Recorder::default(), limits(), 4).await;
    // A socket that completed the hello and then is never read again (kept open to the end).
    let _stalled = open_web(&app).await;
    let healthy = connect_web(&app).await;
    let events = AppIpcEvents::new(app.host.events().broadcast());
    let before = peak_rss_kb().unwrap_or(0);
    for i in 0..EVENTS {
        // Return value: how many renderers it was queued for; 0 or 1 once the stalled queue is full.
        let _ = events.update_counter(i32::try_from(i).unwrap());
        if i % 1024 == 0 {
            tokio::task::yield_now().await;
        }
    }
    settle(|| app.host.events().dropped_events() > 0).await;
    assert_eq!(
        healthy.client.open_file("/still".to_owned()).await,
        Ok(Some("contents of /still".to_owned()))
    );
    println!(
        "slow consumer (web): {EVENTS} events to 2 sockets, {} dropped (mostly the stalled one's), peak RSS {before} kB before, {} kB after",
        app.host.events().dropped_events(),
        peak_rss_kb().unwrap_or(0)
    );
}
