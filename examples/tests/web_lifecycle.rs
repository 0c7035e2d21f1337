//! Events, the renderer-to-renderer broker, disconnects and reconnects on the web host, over real sockets.

mod support;

use ipc_examples::record::{Audience, Record};
use ipc_runtime::CallerId;
use ipc_runtime::web::close_code;
use serde_json::json;
use support::{closed, invoke, next_json, send_json, start};

fn caller(id: u64) -> CallerId {
    CallerId::from_raw(id)
}

#[tokio::test]
async fn events_reach_one_connection_or_all() {
    let demo = start("events").await;
    let (mut a, id_a) = demo.connect().await;
    let (mut b, id_b) = demo.connect().await;
    // Drain the peers_changed announcements so the next frames are the ones under test.
    assert_eq!(
        invoke(&mut a, 2, "demo:peers", json!([])).await["payload"],
        json!([id_a, id_b])
    );
    assert_eq!(
        invoke(&mut b, 2, "demo:peers", json!([])).await["payload"],
        json!([id_a, id_b])
    );

    assert_eq!(
        demo.web.app.bump_counter(5, Audience::One(caller(id_b))),
        Ok(1)
    );
    assert_eq!(demo.web.app.bump_counter(-1, Audience::All), Ok(2));
    let event =
        |delta: i32| json!({"kind": "event", "channel": "demo:update_counter", "payload": [delta]});
    assert_eq!(next_json(&mut b).await, event(5));
    assert_eq!(next_json(&mut b).await, event(-1));
    // Frames on one socket keep their order: had `a` received the targeted event, it would come first.
    assert_eq!(next_json(&mut a).await, event(-1));

    // The reply of pattern 3 reaches the main side with the sender's id.
    let mark = demo.records.mark();
    send_json(
        &mut b,
        &json!({"kind": "send", "channel": "demo:counter_value", "payload": [4]}),
    )
    .await;
    let record = demo
        .records
        .wait_for(mark, |r| matches!(r, Record::CounterValue { .. }))
        .await;
    assert_eq!(
        record,
        Record::CounterValue {
            caller: caller(id_b),
            value: 4
        }
    );

    // An id that is not connected is refused by the hub, not silently dropped.
    assert!(
        demo.web
            .app
            .bump_counter(1, Audience::One(caller(9_999)))
            .is_err()
    );
}

#[tokio::test]
async fn renderers_message_each_other_only_through_the_main_side() {
    let demo = start("broker").await;
    let (mut a, id_a) = demo.connect().await;
    let (mut b, id_b) = demo.connect().await;

    let sent = invoke(&mut a, 2, "demo:message_peer", json!([id_b, "hi b"])).await;
    assert_eq!(sent, json!({"kind": "reply", "id": 2, "payload": null}));
    loop {
        let frame = next_json(&mut b).await;
        if frame["channel"] == "demo:peer_message" {
            assert_eq!(frame["payload"], json!([id_a, "hi b"]));
            break;
        }
        assert_eq!(frame["channel"], "demo:peers_changed", "{frame}");
    }

    let to_self = invoke(&mut a, 3, "demo:message_peer", json!([id_a, "me"])).await;
    assert_eq!(
        to_self["error"],
        json!({"kind": "handler", "error": {"kind": "toSelf"}})
    );
    let nobody = invoke(&mut a, 4, "demo:message_peer", json!([9_999, "anyone?"])).await;
    assert_eq!(
        nobody["error"],
        json!({"kind": "handler", "error": {"kind": "notConnected", "id": 9_999}})
    );
}

#[tokio::test]
async fn closing_a_socket_cancels_its_calls_and_a_reconnect_gets_a_fresh_id() {
    let demo = start("reconnect").await;
    let (mut watcher, watcher_id) = demo.connect().await;
    let (mut page, old_id) = demo.connect().await;
    assert_eq!(demo.web.host.events().connected(), 2);

    let mark = demo.records.mark();
    send_json(
        &mut page,
        &json!({"kind": "invoke", "id": 2, "channel": "demo:long_job", "payload": ["upload"]}),
    )
    .await;
    demo.records
        .wait_for(mark, |r| matches!(r, Record::JobStarted { .. }))
        .await;
    drop(page);

    // Main side: the handler was dropped (recorded as cancelled), the id unregistered.
    let cancelled = demo
        .records
        .wait_for(mark, |r| matches!(r, Record::JobCancelled { .. }))
        .await;
    assert_eq!(
        cancelled,
        Record::JobCancelled {
            caller: caller(old_id),
            label: "upload".to_owned()
        }
    );
    demo.records
        .wait_for(mark, |r| {
            *r == Record::Disconnected {
                caller: caller(old_id),
            }
        })
        .await;
    assert_eq!(demo.web.host.events().connected(), 1);

    // The reloaded page: a new id, and request ids restart at 1 without clashing with anyone's.
    let (mut page, new_id) = demo.connect().await;
    assert!(
        new_id > old_id,
        "ids are never reused: {new_id} after {old_id}"
    );
    let mine = invoke(&mut page, 1, "demo:whoami", json!([])).await;
    let theirs = invoke(&mut watcher, 1, "demo:whoami", json!([])).await;
    assert_eq!(
        (mine["payload"].as_u64(), theirs["payload"].as_u64()),
        (Some(new_id), Some(watcher_id))
    );
    // The other renderer hears about both changes; its last view has the new id, not the old one.
    let peers = invoke(&mut watcher, 2, "demo:peers", json!([])).await;
    assert_eq!(peers["payload"], json!([watcher_id, new_id]));
}

#[tokio::test]
async fn cancelling_one_call_leaves_the_connection_serving() {
    let demo = start("cancel").await;
    let (mut page, id) = demo.connect().await;
    let mark = demo.records.mark();
    send_json(
        &mut page,
        &json!({"kind": "invoke", "id": 5, "channel": "demo:long_job", "payload": ["report"]}),
    )
    .await;
    demo.records
        .wait_for(mark, |r| matches!(r, Record::JobStarted { .. }))
        .await;
    send_json(&mut page, &json!({"kind": "cancel", "id": 5})).await;
    let reply = loop {
        let frame = next_json(&mut page).await;
        if frame["id"] == json!(5) {
            break frame;
        }
    };
    assert_eq!(
        reply,
        json!({"kind": "error", "id": 5, "error": {"kind": "cancelled"}})
    );
    demo.records
        .wait_for(mark, |r| {
            *r == Record::JobCancelled {
                caller: caller(id),
                label: "report".to_owned(),
            }
        })
        .await;
    assert_eq!(
        invoke(&mut page, 6, "demo:whoami", json!([])).await["payload"],
        json!(id)
    );
}

#[tokio::test]
async fn the_main_side_finishes_long_jobs() {
    let demo = start("finish").await;
    let (mut page, id) = demo.connect().await;
    let mark = demo.records.mark();
    send_json(
        &mut page,
        &json!({"kind": "invoke", "id": 3, "channel": "demo:long_job", "payload": ["build"]}),
    )
    .await;
    demo.records
        .wait_for(mark, |r| matches!(r, Record::JobStarted { .. }))
        .await;
    demo.web.app.finish_jobs();
    let reply = loop {
        let frame = next_json(&mut page).await;
        if frame["id"] == json!(3) {
            break frame;
        }
    };
    assert_eq!(
        reply,
        json!({"kind": "reply", "id": 3, "payload": "build finished"})
    );
    demo.records
        .wait_for(mark, |r| {
            *r == Record::JobFinished {
                caller: caller(id),
                label: "build".to_owned(),
            }
        })
        .await;
}

#[tokio::test]
async fn shutdown_closes_every_socket_with_going_away() {
    let demo = start("shutdown").await;
    let (mut page, _) = demo.connect().await;
    demo.web.host.shutdown().await.unwrap();
    let frame = closed(&mut page).await.expect("a close frame");
    assert_eq!(
        (u16::from(frame.code), frame.reason.as_str()),
        (close_code::GOING_AWAY, "server shutting down")
    );
}
