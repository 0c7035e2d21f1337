//! Every channel kind through the full in-memory path: encode -> transport -> origin check -> decode ->
//! handler -> encode -> back, as a renderer would call it.

use std::sync::Arc;
use std::time::Duration;

use ipc_runtime::{CancellationToken, IpcError, Server};
use ipc_tests::app::{AppIpcClient, AppIpcEvents, AppIpcService, OpenError, RecordingApp};
use ipc_tests::shapes::{
    Color, Drawing, Point, Shape, ShapesClient, ShapesEvents, ShapesImpl, ShapesService,
};

const MAIN: &str = "app://main";

fn app() -> (Arc<RecordingApp>, Server) {
    let handler = Arc::new(RecordingApp::default());
    let server = Server::new(AppIpcService::from_arc(handler.clone()));
    (handler, server)
}

/// Waits until the main side has processed what was sent (sends have no reply to await).
async fn settle(client: &AppIpcClient) {
    client.open_file(String::new()).await.expect("round trip");
}

#[tokio::test]
async fn send_reaches_the_handler_with_the_caller() {
    let (handler, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, MAIN);
    client.set_title("Hello".to_owned()).await.unwrap();
    settle(&client).await;
    let titles = handler.titles.lock().unwrap().clone();
    assert_eq!(titles.len(), 1);
    assert_eq!(titles[0].1, "Hello");
    assert!(titles[0].0 >= 1, "caller ids start at 1");
}

#[tokio::test]
async fn invoke_returns_values_and_typed_errors() {
    let (_, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, MAIN);
    assert_eq!(
        client.open_file("/notes.txt".to_owned()).await,
        Ok(Some("contents of /notes.txt".to_owned()))
    );
    assert_eq!(client.open_file(String::new()).await, Ok(None));
    assert_eq!(
        client.open_file("/secret".to_owned()).await,
        Err(IpcError::Handler {
            error: OpenError::PermissionDenied
        })
    );
    assert_eq!(
        client.open_file("/missing/a".to_owned()).await,
        Err(IpcError::Handler {
            error: OpenError::NotFound {
                path: "/missing/a".to_owned()
            }
        })
    );
}

#[tokio::test]
async fn events_reach_subscribers_and_the_renderer_can_reply() {
    let (handler, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, MAIN);
    let mut counter = client.on_update_counter();
    settle(&client).await;
    let events = AppIpcEvents::new(server.events().broadcast());
    assert_eq!(events.update_counter(41), Ok(1));
    let value = counter.next().await.unwrap();
    assert_eq!(value, 41);
    client.counter_value(value + 1).await.unwrap();
    settle(&client).await;
    assert_eq!(*handler.counter_values.lock().unwrap(), vec![42]);
}

#[tokio::test]
async fn events_to_one_caller_skip_the_others() {
    let (handler, server) = app();
    let first = AppIpcClient::connect_in_memory(&server, MAIN);
    let second = AppIpcClient::connect_in_memory(&server, MAIN);
    let mut first_events = first.on_update_counter();
    let mut second_events = second.on_update_counter();
    first.set_title("first".to_owned()).await.unwrap();
    settle(&first).await;
    let first_id = handler.titles.lock().unwrap()[0].0;
    let hub = server.events();
    AppIpcEvents::new(hub.to(ipc_runtime::CallerId::from_raw(first_id)))
        .update_counter(7)
        .unwrap();
    AppIpcEvents::new(hub.broadcast())
        .update_counter(8)
        .unwrap();
    assert_eq!(first_events.next().await, Some(7));
    assert_eq!(first_events.next().await, Some(8));
    assert_eq!(
        second_events.next().await,
        Some(8),
        "the targeted event must not reach the second caller"
    );
}

#[tokio::test]
async fn events_are_not_sent_to_origins_outside_the_allowlist() {
    let (_, server) = app();
    let allowed = AppIpcClient::connect_in_memory(&server, MAIN);
    let _foreign = AppIpcClient::connect_in_memory(&server, "https://evil.example");
    settle(&allowed).await;
    assert_eq!(server.events().connected(), 2);
    assert_eq!(
        AppIpcEvents::new(server.events().broadcast()).update_counter(1),
        Ok(1)
    );
}

#[tokio::test]
async fn emitting_to_a_departed_caller_is_a_typed_error() {
    let (_, server) = app();
    let missing = ipc_runtime::CallerId::from_raw(999);
    let result = AppIpcEvents::new(server.events().to(missing)).update_counter(1);
    assert_eq!(result, Err(ipc_runtime::EmitError::NotConnected(missing)));
}

#[tokio::test]
async fn several_arguments_and_nested_payloads_round_trip() {
    let server = Server::new(ShapesService::new(ShapesImpl));
    let client = ShapesClient::connect_in_memory(&server, MAIN);
    let circle = Shape::Circle {
        center: Point {
            x_pos: 1.0,
            y_pos: 2.0,
        },
        radius: 3.0,
    };
    let placed = client.place(circle, Color::Red, Some(0.5)).await.unwrap();
    assert_eq!(
        placed,
        Shape::Circle {
            center: Point {
                x_pos: 1.0,
                y_pos: 2.0
            },
            radius: 3.0
        }
    );
    let drawing = Drawing {
        shapes: vec![
            Shape::Polygon(vec![Point {
                x_pos: 0.0,
                y_pos: 0.0,
            }]),
            Shape::Empty,
        ],
        labels: [
            ("a".to_owned(), None),
            ("b".to_owned(), Some("bee".to_owned())),
        ]
        .into(),
        palette: [(Color::Green, 3)].into(),
        anchor: (-1, 1),
        z_index: 9,
    };
    let summary = client.summarise(drawing.clone()).await.unwrap();
    assert_eq!(
        summary,
        Drawing {
            z_index: 10,
            ..drawing
        }
    );
    let empty = Drawing {
        shapes: vec![],
        ..summary
    };
    assert_eq!(
        client.summarise(empty).await,
        Err(IpcError::Handler {
            error: ipc_tests::shapes::DrawError::Empty
        })
    );
    client.clear().await.unwrap();
}

#[tokio::test]
async fn events_with_several_or_no_arguments() {
    let server = Server::new(ShapesService::new(ShapesImpl));
    let client = ShapesClient::connect_in_memory(&server, MAIN);
    let mut moved = client.on_moved();
    let mut cleared = client.on_cleared();
    client.clear().await.unwrap();
    let events = ShapesEvents::new(server.events().broadcast());
    events
        .moved(
            Shape::Empty,
            Point {
                x_pos: 5.0,
                y_pos: 6.0,
            },
        )
        .unwrap();
    events.cleared().unwrap();
    assert_eq!(
        moved.next().await,
        Some((
            Shape::Empty,
            Point {
                x_pos: 5.0,
                y_pos: 6.0
            }
        ))
    );
    assert_eq!(cleared.next().await, Some(()));
}

#[tokio::test]
async fn the_declared_deadline_drops_the_handler() {
    let (handler, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, MAIN);
    assert_eq!(
        client.slow(5_000).await,
        Err(IpcError::Timeout { timeout_ms: 50 })
    );
    assert_eq!(
        *handler.cancelled.lock().unwrap(),
        vec![5_000],
        "the handler future was dropped, token cancelled"
    );
    assert_eq!(client.raw().in_flight(), 0);
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_declared_one() {
    let (_, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, MAIN);
    assert_eq!(
        client.slow(100).timeout(Duration::from_secs(10)).await,
        Ok(100)
    );
    assert_eq!(
        client.slow(10_000).timeout(Duration::from_millis(20)).await,
        Err(IpcError::Timeout { timeout_ms: 20 })
    );
}

#[tokio::test]
async fn cancelling_drops_the_handler_and_rejects_the_call() {
    let (handler, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, MAIN);
    let token = CancellationToken::new();
    let call = tokio::spawn(
        client
            .slow(10_000)
            .timeout(Duration::from_secs(60))
            .cancel_on(token.clone())
            .into_future(),
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    token.cancel();
    assert_eq!(call.await.unwrap(), Err(IpcError::Cancelled));
    wait_until(|| !handler.cancelled.lock().unwrap().is_empty()).await;
    assert_eq!(*handler.cancelled.lock().unwrap(), vec![10_000]);
}

#[tokio::test]
async fn dropping_the_call_future_cancels_it_on_the_main_side() {
    let (handler, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, MAIN);
    let call = client.slow(10_000).timeout(Duration::from_secs(60));
    let outcome = tokio::time::timeout(Duration::from_millis(20), call.into_future()).await;
    assert!(outcome.is_err(), "the call cannot finish in 20 ms");
    wait_until(|| !handler.cancelled.lock().unwrap().is_empty()).await;
    assert_eq!(client.raw().in_flight(), 0);
}

#[tokio::test]
async fn a_panicking_handler_becomes_an_internal_error_and_serving_continues() {
    let (_, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, MAIN);
    let error = client.explode().await.unwrap_err();
    assert_eq!(
        error,
        IpcError::Internal {
            message: "the handler panicked".to_owned()
        }
    );
    assert_eq!(client.open_file(String::new()).await, Ok(None));
}

#[tokio::test]
async fn many_concurrent_calls_each_get_their_own_reply() {
    let (_, server) = app();
    let client = AppIpcClient::connect_in_memory(&server, MAIN);
    let calls: Vec<_> = (0..500)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { (i, client.open_file(format!("/file-{i}")).await) })
        })
        .collect();
    for call in calls {
        let (i, reply) = call.await.unwrap();
        assert_eq!(reply, Ok(Some(format!("contents of /file-{i}"))));
    }
    assert_eq!(client.raw().in_flight(), 0);
}

async fn wait_until(condition: impl Fn() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    panic!("condition not reached within 1 s");
}
