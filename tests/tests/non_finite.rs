//! A NaN or an infinity has no JSON form (`serde_json` would write `null`, against a TypeScript `number`):
//! in a reply it is an `internal` error to the caller, in an event an `EmitError` with nothing delivered, in
//! encoded arguments a refused call. Finite values, negative zero included, cross unchanged.

use ipc_runtime::{Caller, EmitError, IpcError, Server, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Sample {
    pub label: String,
    pub values: Vec<f64>,
    pub peak: Option<f32>,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Floats {
    /// Replies with `sample` whose values were replaced by `values` (built on the main side).
    #[invoke]
    async fn reading(&self, caller: Caller, kind: u32) -> Sample;
    #[invoke]
    async fn failing(&self, caller: Caller, kind: u32) -> Result<(), Sample>;
    #[invoke]
    async fn take(&self, caller: Caller, sample: Sample) -> f64;
    #[event]
    fn measured(sample: Sample);
}

fn sample(kind: u32) -> Sample {
    let value = match kind {
        0 => f64::NAN,
        1 => f64::INFINITY,
        2 => f64::NEG_INFINITY,
        _ => -0.0,
    };
    Sample {
        label: format!("kind {kind}"),
        values: vec![1.0, value],
        peak: Some(0.5),
    }
}

struct Handler;

impl Floats for Handler {
    async fn reading(&self, _caller: Caller, kind: u32) -> Sample {
        sample(kind)
    }
    async fn failing(&self, _caller: Caller, kind: u32) -> Result<(), Sample> {
        Err(sample(kind))
    }
    async fn take(&self, _caller: Caller, sample: Sample) -> f64 {
        sample.values.iter().sum()
    }
}

fn is_internal<E>(error: &IpcError<E>) -> bool {
    matches!(error, IpcError::Internal { .. })
}

#[tokio::test]
async fn non_finite_replies_and_errors_are_internal_errors_not_nulls() {
    let server = Server::new(FloatsService::new(Handler));
    let client = FloatsClient::connect_in_memory(&server, "app://main");
    for kind in 0..3 {
        let reply = client.reading(kind).await.unwrap_err();
        assert!(is_internal(&reply), "reply of kind {kind}: {reply:?}");
        let error = client.failing(kind).await.unwrap_err();
        assert!(is_internal(&error), "error of kind {kind}: {error:?}");
    }
    // Negative zero is finite: it crosses, sign and all.
    let zero = client.reading(3).await.unwrap();
    assert!(zero.values[1] == 0.0 && zero.values[1].is_sign_negative());
    assert_eq!(
        client.failing(3).await.unwrap_err(),
        IpcError::Handler { error: sample(3) }
    );
    // The connection keeps serving.
    assert_eq!(client.take(sample(3)).await.unwrap(), 1.0);
}

#[tokio::test]
async fn non_finite_event_payloads_are_emit_errors_and_reach_nobody() {
    let server = Server::new(FloatsService::new(Handler));
    let client = FloatsClient::connect_in_memory(&server, "app://main");
    let mut events = client.on_measured();
    // A round trip, so the connection is registered with the hub before the broadcast.
    client.take(sample(3)).await.unwrap();
    let events_api = FloatsEvents::new(server.events().broadcast());
    for kind in 0..3 {
        let error = events_api.measured(sample(kind)).unwrap_err();
        assert!(matches!(error, EmitError::Encode(_)), "{error:?}");
    }
    assert_eq!(events_api.measured(sample(3)).unwrap(), 1);
    // The first event to arrive is the finite one: nothing was sent for the others.
    assert_eq!(events.next().await.unwrap().label, "kind 3");
}

#[tokio::test]
async fn non_finite_arguments_are_refused_on_the_encoded_path_only() {
    let server = Server::new(FloatsService::new(Handler));
    let encoded = FloatsClient::connect_in_memory(&server, "app://main");
    assert!(encoded.take(sample(0)).await.is_err());
    // Direct calls hand values over without JSON (README: "Direct calls skip JSON").
    let direct = FloatsClient::connect_direct(&server, "app://main");
    assert!(direct.take(sample(0)).await.unwrap().is_nan());
}
