//! The forward truth test: every catalogue sample goes through a real encoded connection, and every frame
//! that crosses (the arguments as the client encoded them, each reply, handler error and event) is written
//! to `tests/ts/truth.captured.ts` as a literal that must `satisfy` its generated type. `tests/ts/check.sh`
//! runs `tsc --strict` over it, so a binding that lies fails CI. With `IPC_BINDINGS_CHECK=1` the file is
//! compared, not written: a catalogue or runtime change without the regenerated file fails too.

mod truth_support;

use std::sync::Arc;

use ipc_runtime::{IpcError, Server};
use ipc_tests::truth::samples::{self, bytes};
use ipc_tests::truth::{
    Adjacent, NonFinite, Received, TruthClient, TruthEvents, TruthImpl, TruthSchema, TruthService,
    Untagged,
};
use truth_support::{Direction, tapped_client};

const MAIN: &str = "app://main";
const CAPTURED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ts/truth.captured.ts");

fn server() -> (Arc<TruthImpl>, Server) {
    let handler = Arc::new(TruthImpl::default());
    (
        handler.clone(),
        Server::new(TruthService::from_arc(handler)),
    )
}

/// Calls an echoing channel and checks that the handler decoded the arguments to what the reply decodes to:
/// `$received` builds the handler's record from the reply.
macro_rules! echo {
    ($handler:expr, $call:expr, |$reply:ident| $received:expr) => {{
        let $reply = $call
            .await
            .unwrap_or_else(|e| panic!("{} failed: {e}", stringify!($call)));
        assert_eq!(
            $handler.take_received(),
            [$received],
            "{}",
            stringify!($call)
        );
    }};
}

#[allow(clippy::too_many_lines)] // one call per sample
#[tokio::test]
async fn every_value_that_crosses_the_wire_satisfies_its_generated_type() {
    let (handler, server) = server();
    let (client, log) = tapped_client(&server, MAIN);
    let truth = TruthClient::new(client);
    let mut published = truth.on_published();
    let mut flagged = truth.on_flagged();
    let mut ticked = truth.on_ticked();

    for value in samples::external() {
        echo!(handler, truth.external(value), |r| Received::External(r));
    }
    for value in samples::internal() {
        echo!(handler, truth.internal(value), |r| Received::Internal(r));
    }
    for value in samples::adjacent() {
        echo!(handler, truth.adjacent(value), |r| Received::Adjacent(r));
    }
    for value in samples::untagged() {
        echo!(handler, truth.untagged(value), |r| Received::Untagged(r));
    }
    for value in samples::flattened() {
        echo!(handler, truth.flattened(value), |r| Received::Flattened(r));
    }
    for (value, kebab, casing) in samples::renamed() {
        echo!(handler, truth.renamed(value, kebab, casing), |r| {
            Received::Renamed(r.0, r.1, r.2)
        });
    }
    for value in samples::optionals() {
        echo!(handler, truth.optionals(value), |r| Received::Optionals(r));
    }
    for value in samples::maps() {
        echo!(handler, truth.maps(value), |r| Received::Maps(r));
    }
    for value in samples::sequences() {
        echo!(handler, truth.sequences(value), |r| Received::Sequences(r));
    }
    for (strings, points, blobs) in samples::pages() {
        echo!(handler, truth.pages(strings, points, blobs), |r| {
            Received::Pages(r.0, r.1, r.2)
        });
    }
    for (tree, expr) in samples::recursive() {
        echo!(handler, truth.recursive(tree, expr), |r| {
            Received::Recursive(r.0, r.1)
        });
    }
    for value in samples::pointers() {
        echo!(handler, truth.pointers(value), |r| Received::Pointers(r));
    }
    for (marker, meters, label, pair, value) in samples::newtypes() {
        let args = (marker.clone(), meters.clone(), label.clone(), pair.clone());
        echo!(
            handler,
            truth.newtypes(marker, meters, label, pair, value),
            |r| Received::Newtypes(args.0, args.1, args.2, args.3, r)
        );
    }
    for value in samples::extras() {
        echo!(handler, truth.extras(value), |r| Received::Extras(r));
    }
    for value in samples::blobs() {
        echo!(handler, truth.blobs(value), |r| Received::Blobs(r));
    }
    for value in samples::numbers() {
        echo!(handler, truth.numbers(value), |r| Received::Numbers(r));
    }
    for value in samples::strings() {
        echo!(handler, truth.strings(value), |r| Received::Strings(r));
    }

    // Handler errors, and the replies of the same channels.
    for reason in samples::rejections() {
        assert_eq!(
            truth.reject(reason.clone()).await,
            Err(IpcError::Handler {
                error: reason.clone()
            })
        );
        assert_eq!(handler.take_received(), [Received::Reject(reason)]);
    }
    for value in samples::untagged() {
        for fail in [false, true] {
            let answer = truth.check(value.clone(), fail).await;
            let expected = if fail {
                Err(IpcError::Handler {
                    error: value.clone(),
                })
            } else {
                Ok(value.clone())
            };
            assert_eq!(answer, expected);
            assert_eq!(
                handler.take_received(),
                [Received::Check(value.clone(), fail)]
            );
        }
    }
    for message in ["", "refused: \"quoted\" \u{1F980}"] {
        let answer = truth.refuse(message.to_owned()).await;
        assert_eq!(answer.is_err(), !message.is_empty(), "{answer:?}");
        assert_eq!(
            handler.take_received(),
            [Received::Refuse(message.to_owned())]
        );
    }

    // A send, answered with an event; events raised by the main side itself.
    let tree = samples::tree();
    let blob_values = samples::blobs().remove(0);
    let external = samples::external().remove(9);
    truth
        .publish(tree.clone(), blob_values.clone(), external.clone())
        .await
        .unwrap();
    assert_eq!(
        published.next().await,
        Some((tree.clone(), blob_values.clone(), external.clone()))
    );
    assert_eq!(
        handler.take_received(),
        [Received::Publish(tree, blob_values, external)]
    );
    let events = TruthEvents::new(server.events().broadcast());
    let optionals = samples::optionals();
    let maps = samples::maps();
    let flags = [
        (
            Untagged::Raw(bytes(1, 2)),
            optionals[0].clone(),
            maps[0].clone(),
            Adjacent::BlobTuple(bytes(3, 1), None),
        ),
        (
            Untagged::Nothing,
            optionals[1].clone(),
            maps[1].clone(),
            Adjacent::Unit,
        ),
    ];
    for flag in flags {
        assert_eq!(
            events.flagged(
                flag.0.clone(),
                flag.1.clone(),
                flag.2.clone(),
                flag.3.clone()
            ),
            Ok(1)
        );
        assert_eq!(flagged.next().await, Some(through_serde(&flag)));
    }
    assert_eq!(events.ticked(), Ok(1));
    assert_eq!(ticked.next().await, Some(()));

    let crossed = log.take();
    for frame in &crossed {
        if frame.direction == Direction::ToRenderer && frame.envelope["kind"] == "error" {
            assert_eq!(
                frame.envelope["error"]["kind"], "handler",
                "only handler errors are expected: {}",
                frame.envelope
            );
        }
    }
    let source =
        truth_support::typescript::render(&ipc_runtime::ts::describe::<TruthSchema>(), &crossed);
    write_or_check(&source);
}

/// What serde makes of `value` on the way through JSON (skipped fields reset, `Some(None)` read as `None`).
fn through_serde<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
    serde_json::from_value(serde_json::to_value(value).unwrap()).unwrap()
}

/// Writes the captured file, or in check mode fails when the committed one differs.
fn write_or_check(source: &str) {
    let check = matches!(
        std::env::var(ipc_runtime::ts::BINDINGS_CHECK_ENV).as_deref(),
        Ok("1" | "true" | "yes")
    );
    let committed = std::fs::read_to_string(CAPTURED).unwrap_or_default();
    if committed == source {
        return;
    }
    assert!(
        !check,
        "{CAPTURED} is stale: run `cargo test -p ipc-tests --test truth` without {} and commit it",
        ipc_runtime::ts::BINDINGS_CHECK_ENV
    );
    std::fs::write(CAPTURED, source).expect("write the captured values");
}

/// A float JSON cannot carry never goes out as `null` against a TypeScript `number`: a reply is an
/// `internal` error to the caller, an event is refused by the emitter and never sent.
#[tokio::test]
async fn non_finite_floats_are_refused_not_sent_as_null() {
    let (_, server) = server();
    let (client, log) = tapped_client(&server, MAIN);
    let truth = TruthClient::new(client);
    for which in [
        NonFinite::Nan,
        NonFinite::Infinity,
        NonFinite::NegativeInfinity,
    ] {
        let answer = truth.non_finite(which).await;
        assert!(
            matches!(answer, Err(IpcError::Internal { .. })),
            "{which:?}: {answer:?}"
        );
        assert_eq!(truth.emit_non_finite(which).await, Ok(true), "{which:?}");
    }
    let events: Vec<_> = log
        .take()
        .into_iter()
        .filter(|frame| frame.envelope["kind"] == "event")
        .map(|frame| frame.envelope)
        .collect();
    assert!(events.is_empty(), "sent: {events:?}");
}
