//! Direct calls (`connect_direct`): values handed over without encoding, under the same checks, deadlines,
//! cancellation and panic handling as the wire. Where both can carry a value, both must answer alike.

use std::sync::Arc;
use std::time::Duration;

use ipc_runtime::{Caller, CancellationToken, IpcError, Limits, Server, channels};
use ipc_tests::app::{AppIpcClient, AppIpcEvents, AppIpcService, OpenError, RecordingApp};
use ipc_tests::blob::{BlobIpcClient, BlobIpcService, Blobs};
use ipc_tests::shapes::{Color, Drawing, Point, Shape, ShapesClient, ShapesImpl, ShapesService};

const MAIN: &str = "app://main";

fn app() -> (Arc<RecordingApp>, Server) {
    let handler = Arc::new(RecordingApp::default());
    let server = Server::new(AppIpcService::from_arc(handler.clone()));
    (handler, server)
}

fn circle(radius: f64) -> Shape {
    Shape::Circle {
        center: Point {
            x_pos: 1.0,
            y_pos: -2.5,
        },
        radius,
    }
}

#[tokio::test]
async fn a_direct_client_says_so_and_an_in_memory_one_does_not() {
    let (_, server) = app();
    assert!(
        AppIpcClient::connect_direct(&server, MAIN)
            .raw()
            .is_direct()
    );
    assert!(
        !AppIpcClient::connect_in_memory(&server, MAIN)
            .raw()
            .is_direct()
    );
}

#[tokio::test]
async fn direct_and_wire_calls_answer_alike() {
    let (_, server) = app();
    let wire = AppIpcClient::connect_in_memory(&server, MAIN);
    let direct = AppIpcClient::connect_direct(&server, MAIN);
    for path in [
        "/notes.txt",
        "",
        "/secret",
        "/missing/a",
        "ünïcödé \"quoted\"",
    ] {
        let expected = wire.open_file(path.to_owned()).await;
        assert_eq!(
            direct.open_file(path.to_owned()).await,
            expected,
            "{path:?}"
        );
    }
    assert_eq!(
        direct.open_file("/secret".to_owned()).await,
        Err(IpcError::Handler {
            error: OpenError::PermissionDenied
        }),
        "the handler's typed error arrives as the value it returned"
    );
    assert_eq!(direct.frame_friendly().await, Ok(true));

    let server = Server::new(ShapesService::new(ShapesImpl));
    let wire = ShapesClient::connect_in_memory(&server, MAIN);
    let direct = ShapesClient::connect_direct(&server, MAIN);
    for (shape, color, scale) in [
        (circle(3.0), Color::Red, Some(0.5)),
        (Shape::Empty, Color::Green, None),
        (Shape::Polygon(vec![]), Color::Red, Some(2.0)),
    ] {
        let expected = wire.place(shape.clone(), color, scale).await;
        assert_eq!(direct.place(shape, color, scale).await, expected);
    }
    let drawing = Drawing {
        shapes: vec![circle(1.0), Shape::Empty],
        labels: [
            ("a".to_owned(), None),
            ("b".to_owned(), Some("bee".to_owned())),
        ]
        .into(),
        palette: [(Color::Green, 3)].into(),
        anchor: (-1, 1),
        z_index: 9,
    };
    let empty = Drawing {
        shapes: vec![],
        ..drawing.clone()
    };
    for drawing in [drawing, empty] {
        let expected = wire.summarise(drawing.clone()).await;
        assert_eq!(direct.summarise(drawing).await, expected);
    }
    assert_eq!(direct.clear().await, Ok(()));

    let server = Server::new(BlobIpcService::new(Blobs));
    let wire = BlobIpcClient::connect_in_memory(&server, MAIN);
    let direct = BlobIpcClient::connect_direct(&server, MAIN);
    for data in [vec![], vec![0xff, 0, 1], (0..=255).collect::<Vec<u8>>()] {
        let expected = wire.reverse(data.clone().into()).await;
        assert_eq!(direct.reverse(data.clone().into()).await, expected);
        let expected = wire.text(data.clone().into()).await;
        assert_eq!(direct.text(data.into()).await, expected);
    }
}

#[tokio::test]
async fn a_send_runs_its_handler_with_the_callers_identity() {
    let (handler, server) = app();
    let direct = AppIpcClient::connect_direct(&server, MAIN);
    direct.set_title("Hello".to_owned()).await.unwrap();
    direct.counter_value(7).await.unwrap();
    // These handlers never wait, so they finished on their first poll, inside the awaited send.
    let titles = handler.titles.lock().unwrap().clone();
    assert_eq!(titles.len(), 1);
    assert_eq!(titles[0].1, "Hello");
    assert!(titles[0].0 >= 1, "caller ids start at 1");
    assert_eq!(*handler.counter_values.lock().unwrap(), vec![7]);
}

/// Sends whose handlers wait, so they finish on a task of their own.
#[channels(allow_origins = ["app://main"], export = false)]
pub trait Notes {
    #[send]
    async fn note(&self, caller: Caller, text: String);
    #[send]
    async fn crash(&self, caller: Caller);
}

struct Notebook(tokio::sync::mpsc::UnboundedSender<String>);

impl Notes for Notebook {
    async fn note(&self, _caller: Caller, text: String) {
        tokio::task::yield_now().await;
        self.0.send(text).unwrap();
    }

    async fn crash(&self, _caller: Caller) {
        tokio::task::yield_now().await;
        panic!("boom");
    }
}

#[tokio::test]
async fn a_send_whose_handler_waits_returns_at_once_and_the_handler_finishes_on_its_own() {
    let (notes, mut written) = tokio::sync::mpsc::unbounded_channel();
    let server = Server::new(NotesService::new(Notebook(notes)));
    let direct = NotesClient::connect_direct(&server, MAIN);
    direct.crash().await.unwrap();
    direct.note("first".to_owned()).await.unwrap();
    // On this single-threaded runtime the handlers' tasks have not run yet.
    assert!(written.try_recv().is_err());
    assert_eq!(written.recv().await.as_deref(), Some("first"));
    direct.note("after the panic".to_owned()).await.unwrap();
    assert_eq!(written.recv().await.as_deref(), Some("after the panic"));
}

#[tokio::test]
async fn the_origin_allowlist_applies_to_direct_callers() {
    let (handler, server) = app();
    let foreign = AppIpcClient::connect_direct(&server, "https://evil.example");
    assert_eq!(
        foreign.open_file("/notes.txt".to_owned()).await,
        Err(IpcError::Denied {
            channel: "app_ipc:open_file".to_owned(),
            origin: "https://evil.example".to_owned(),
        })
    );
    assert!(matches!(
        foreign.set_title("pwned".to_owned()).await,
        Err(IpcError::Denied { .. })
    ));
    assert!(handler.titles.lock().unwrap().is_empty(), "no handler ran");

    let main = AppIpcClient::connect_direct(&server, MAIN);
    assert_eq!(
        main.settings_only().await,
        Err(IpcError::Denied {
            channel: "app_ipc:settings_only".to_owned(),
            origin: MAIN.to_owned(),
        }),
        "a channel's own allowlist is narrower than the trait's"
    );
    let settings = AppIpcClient::connect_direct(&server, "app://settings");
    assert_eq!(
        settings.settings_only().await,
        Ok("app://settings".to_owned())
    );
}

#[tokio::test]
async fn a_client_of_another_trait_reaches_no_handler() {
    let (_, server) = app();
    let stranger = ShapesClient::connect_direct(&server, MAIN);
    assert_eq!(
        stranger.clear().await,
        Err(IpcError::UnknownChannel {
            channel: "draw:clear".to_owned()
        })
    );
}

/// A trait that claims `AppIpc`'s channel names with other types, as a stale client build would.
#[channels(allow_origins = ["app://main"], namespace = "app_ipc", export = false)]
pub trait Imposter {
    #[invoke]
    async fn open_file(&self, caller: Caller, path: u32) -> Option<String>;
    #[invoke]
    async fn settings_only(&self, caller: Caller) -> u32;
}

#[tokio::test]
async fn values_of_other_types_than_the_channels_are_refused_as_on_the_wire() {
    let (_, server) = app();
    let wire = ImposterClient::connect_in_memory(&server, MAIN);
    let direct = ImposterClient::connect_direct(&server, MAIN);
    assert!(matches!(
        wire.open_file(5).await,
        Err(IpcError::InvalidInput { channel, .. }) if channel == "app_ipc:open_file"
    ));
    assert_eq!(
        direct.open_file(5).await,
        Err(IpcError::InvalidInput {
            channel: "app_ipc:open_file".to_owned(),
            message: "the arguments are not of this channel's argument types".to_owned(),
        })
    );
    let settings = ImposterClient::connect_direct(&server, "app://settings");
    assert_eq!(
        settings.settings_only().await,
        Err(IpcError::Protocol {
            message: "the reply of channel \"app_ipc:settings_only\" is not of its declared type"
                .to_owned()
        })
    );
    let settings = ImposterClient::connect_in_memory(&server, "app://settings");
    assert!(matches!(
        settings.settings_only().await,
        Err(IpcError::Protocol { .. })
    ));
}

#[tokio::test]
async fn the_declared_deadline_drops_the_handler() {
    let (handler, server) = app();
    let direct = AppIpcClient::connect_direct(&server, MAIN);
    assert_eq!(
        direct.slow(5_000).await,
        Err(IpcError::Timeout { timeout_ms: 50 })
    );
    assert_eq!(
        *handler.cancelled.lock().unwrap(),
        vec![5_000],
        "the handler future was dropped, its token cancelled first"
    );
    assert_eq!(direct.raw().in_flight(), 0);
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_declared_one() {
    let (_, server) = app();
    let direct = AppIpcClient::connect_direct(&server, MAIN);
    assert_eq!(
        direct.slow(100).timeout(Duration::from_secs(10)).await,
        Ok(100)
    );
    assert_eq!(
        direct.slow(10_000).timeout(Duration::from_millis(20)).await,
        Err(IpcError::Timeout { timeout_ms: 20 })
    );
}

#[tokio::test]
async fn cancelling_drops_the_handler_and_rejects_the_call() {
    let (handler, server) = app();
    let direct = AppIpcClient::connect_direct(&server, MAIN);
    let token = CancellationToken::new();
    let call = tokio::spawn(
        direct
            .slow(10_000)
            .timeout(Duration::from_secs(60))
            .cancel_on(token.clone())
            .into_future(),
    );
    wait_until(|| direct.raw().in_flight() == 1).await;
    token.cancel();
    assert_eq!(call.await.unwrap(), Err(IpcError::Cancelled));
    assert_eq!(*handler.cancelled.lock().unwrap(), vec![10_000]);
    assert_eq!(direct.raw().in_flight(), 0);
}

#[tokio::test]
async fn dropping_the_call_future_cancels_the_handler() {
    let (handler, server) = app();
    let direct = AppIpcClient::connect_direct(&server, MAIN);
    let call = direct.slow(10_000).timeout(Duration::from_secs(60));
    let outcome = tokio::time::timeout(Duration::from_millis(20), call.into_future()).await;
    assert!(outcome.is_err(), "the call cannot finish in 20 ms");
    assert_eq!(*handler.cancelled.lock().unwrap(), vec![10_000]);
    assert_eq!(direct.raw().in_flight(), 0);
}

#[tokio::test]
async fn a_panicking_handler_becomes_an_internal_error_and_serving_continues() {
    let (_, server) = app();
    let direct = AppIpcClient::connect_direct(&server, MAIN);
    assert_eq!(
        direct.explode().await,
        Err(IpcError::Internal {
            message: "the handler panicked".to_owned()
        })
    );
    assert_eq!(direct.open_file(String::new()).await, Ok(None));
}

#[tokio::test]
async fn the_in_flight_limit_counts_direct_calls() {
    let handler = Arc::new(RecordingApp::default());
    let server = Server::builder(AppIpcService::from_arc(handler))
        .limits(Limits {
            max_in_flight: 1,
            ..Limits::default()
        })
        .build();
    let direct = AppIpcClient::connect_direct(&server, MAIN);
    let running = tokio::spawn(direct.slow(30).into_future());
    wait_until(|| direct.raw().in_flight() == 1).await;
    let refused = direct.open_file("/notes.txt".to_owned()).await;
    assert!(
        matches!(&refused, Err(IpcError::Protocol { message }) if message.starts_with("more than 1 calls in flight")),
        "{refused:?}"
    );
    assert_eq!(running.await.unwrap(), Ok(30));
    assert_eq!(
        direct.open_file("/notes.txt".to_owned()).await,
        Ok(Some("contents of /notes.txt".to_owned())),
        "the slot is free again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_direct_calls_each_get_their_own_reply() {
    let (_, server) = app();
    let direct = AppIpcClient::connect_direct(&server, MAIN);
    let calls: Vec<_> = (0..500)
        .map(|i| {
            let direct = direct.clone();
            tokio::spawn(async move { (i, direct.open_file(format!("/file-{i}")).await) })
        })
        .collect();
    for call in calls {
        let (i, reply) = call.await.unwrap();
        assert_eq!(reply, Ok(Some(format!("contents of /file-{i}"))));
    }
    assert_eq!(direct.raw().in_flight(), 0);
}

#[tokio::test]
async fn events_and_raw_messages_still_travel_as_messages() {
    let (_, server) = app();
    let direct = AppIpcClient::connect_direct(&server, MAIN);
    let mut counter = direct.on_update_counter();
    let mut refusals = direct.raw().refusals();
    // A round trip over the wire: the subscription is registered once the main side answered it.
    direct
        .raw()
        .send_raw(r#"{"kind":"send","channel":"app_ipc:nope","payload":[]}"#)
        .await
        .unwrap();
    assert_eq!(
        refusals.recv().await,
        Some(IpcError::UnknownChannel {
            channel: "app_ipc:nope".to_owned()
        })
    );
    let events = AppIpcEvents::new(server.events().broadcast());
    assert_eq!(events.update_counter(41), Ok(1));
    assert_eq!(counter.next().await, Some(41));
}

/// The one difference, and why tests of what a renderer sees use `connect_in_memory`: a value that does not
/// survive JSON (here a NaN, which `serde_json` writes as `null`) is refused on the wire but handed over as is.
#[tokio::test]
async fn a_value_json_cannot_carry_is_refused_on_the_wire_and_handed_over_directly() {
    let server = Server::new(ShapesService::new(ShapesImpl));
    let wire = ShapesClient::connect_in_memory(&server, MAIN);
    let direct = ShapesClient::connect_direct(&server, MAIN);
    assert!(matches!(
        wire.place(circle(f64::NAN), Color::Red, None).await,
        Err(IpcError::InvalidInput { .. })
    ));
    match direct.place(circle(f64::NAN), Color::Red, None).await {
        Ok(Shape::Circle { radius, .. }) => assert!(radius.is_nan()),
        other => panic!("expected the circle back, got {other:?}"),
    }
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
