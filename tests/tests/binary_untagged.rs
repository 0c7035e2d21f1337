//! `Bytes` inside an untagged enum, in every variant, over the encoded path: serde tries the variants in turn,
//! and a placeholder read by a variant that failed must still resolve for the one that matches. Arguments,
//! replies, handler errors and events, decoded by the main side and by the Rust client.

use ipc_runtime::{Bytes, Caller, Server, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum Body {
    Named { name: String, data: Bytes },
    Sized { size: u32, data: Bytes },
    Pair(Bytes, Bytes),
    Bare(Bytes),
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Untagged {
    #[invoke]
    async fn echo(&self, caller: Caller, body: Body, also: Vec<Body>) -> Result<Body, Body>;
    #[event]
    fn arrived(body: Body);
}

struct Handler;

impl Untagged for Handler {
    async fn echo(&self, caller: Caller, body: Body, also: Vec<Body>) -> Result<Body, Body> {
        UntaggedEvents::new(caller.emitter())
            .arrived(body.clone())
            .expect("event queued");
        match also.first() {
            Some(first) => Err(first.clone()),
            None => Ok(body),
        }
    }
}

fn bodies() -> Vec<Body> {
    vec![
        Body::Named {
            name: "n".into(),
            data: Bytes::from_static(b"one"),
        },
        Body::Sized {
            size: 2,
            data: Bytes::from_static(b"two"),
        },
        Body::Pair(Bytes::from_static(b"3a"), Bytes::from_static(b"3b")),
        Body::Bare(Bytes::from_static(b"four")),
    ]
}

#[tokio::test]
async fn every_variant_crosses_as_argument_reply_error_and_event() {
    let server = Server::new(UntaggedService::new(Handler));
    for client in [
        UntaggedClient::connect_in_memory(&server, "app://main"),
        UntaggedClient::connect_direct(&server, "app://main"),
    ] {
        let mut events = client.on_arrived();
        for body in bodies() {
            assert_eq!(
                client.echo(body.clone(), Vec::new()).await.unwrap(),
                body,
                "reply"
            );
            assert_eq!(events.next().await.unwrap(), body, "event");
            let error = client
                .echo(body.clone(), vec![body.clone(), body.clone()])
                .await
                .unwrap_err();
            assert_eq!(
                error,
                ipc_runtime::IpcError::Handler {
                    error: body.clone()
                },
                "handler error"
            );
            assert_eq!(events.next().await.unwrap(), body, "event");
        }
    }
}
