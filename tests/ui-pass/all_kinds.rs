//! Every channel kind and option together, implemented and served.

use ipc_runtime::{Caller, Never, Server, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Serialize, Deserialize, TS)]
pub enum SaveError {
    ReadOnly,
    TooLarge { limit: u32 },
}

#[derive(Debug, Serialize, Deserialize, TS)]
pub struct Document {
    pub title: String,
    pub lines: Vec<String>,
}

/// Every kind, with and without options.
#[channels(allow_origins = ["app://main", "http://127.0.0.1:5173"], namespace = "editor", timeout_ms = 10000)]
pub trait Editor {
    /// One-way.
    #[send]
    async fn set_title(&self, caller: Caller, title: String);

    /// One-way, renamed, from another origin, iframes allowed.
    #[send(name = "editor:log-line", allow_origins = ["app://logs"], allow_subframes)]
    async fn log(&self, caller: Caller, line: String, args: u8);

    /// Two-way with a typed error.
    #[invoke(timeout_ms = 500)]
    async fn save(&self, caller: Caller, document: Document) -> Result<u32, SaveError>;

    /// Two-way, no arguments, a plain value.
    #[invoke]
    async fn current(&self, caller: Caller) -> Option<Document>;

    /// Two-way, nothing to return, cannot fail.
    #[invoke]
    async fn reset(&self, caller: Caller) -> Result<(), Never>;

    /// Arguments named like the generated code's own locals and helpers.
    #[invoke]
    async fn shadowing(
        &self,
        caller: Caller,
        handler: u8,
        payload: u8,
        args: u8,
        encode_args: u8,
        decode_args: u8,
    ) -> u8;

    /// Main -> renderer, several arguments.
    #[event]
    fn saved(revision: u32, title: String);

    /// Event arguments named like the generated code's own locals and helpers.
    #[event]
    fn shadowed(raw: u8, args: u8, encode_args: u8, decode_args: u8);

    /// Main -> renderer, no arguments.
    #[event]
    fn closed();
}

struct EditorImpl;

impl Editor for EditorImpl {
    async fn set_title(&self, _caller: Caller, _title: String) {}

    async fn log(&self, _caller: Caller, _line: String, _args: u8) {}

    async fn save(&self, _caller: Caller, document: Document) -> Result<u32, SaveError> {
        if document.lines.len() > 10 {
            Err(SaveError::TooLarge { limit: 10 })
        } else {
            Ok(1)
        }
    }

    async fn current(&self, _caller: Caller) -> Option<Document> {
        None
    }

    async fn reset(&self, _caller: Caller) -> Result<(), Never> {
        Ok(())
    }

    async fn shadowing(
        &self,
        _caller: Caller,
        handler: u8,
        payload: u8,
        args: u8,
        encode_args: u8,
        decode_args: u8,
    ) -> u8 {
        handler + payload + args + encode_args + decode_args
    }
}

fn assert_send<T: Send>(_: &T) {}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = Server::new(EditorService::new(EditorImpl));
    let client = EditorClient::connect_in_memory(&server, "app://main");
    let document = Document {
        title: "a".to_owned(),
        lines: vec![String::new()],
    };
    assert_eq!(client.save(document).await.ok(), Some(1));
    assert!(client.current().await.unwrap().is_none());
    let sent = client.set_title("title".to_owned());
    assert_send(&sent);
    sent.await.unwrap();
    assert_eq!(client.shadowing(1, 2, 3, 4, 5).await, Ok(15));
    let mut shadowed = client.on_shadowed();
    client.reset().await.unwrap();
    let events = EditorEvents::new(server.events().broadcast());
    assert_eq!(events.shadowed(1, 2, 3, 4), Ok(1));
    assert_eq!(shadowed.next().await, Some((1, 2, 3, 4)));
    let channels = EditorSchema::DESCRIPTOR.channels;
    let timeouts: Vec<_> = channels.iter().map(|c| (c.name, c.timeout_ms)).collect();
    assert_eq!(
        timeouts,
        [
            ("editor:set_title", None),
            ("editor:log-line", None),
            ("editor:save", Some(500)),
            ("editor:current", Some(10000)),
            ("editor:reset", Some(10000)),
            ("editor:shadowing", Some(10000)),
            ("editor:saved", None),
            ("editor:shadowed", None),
            ("editor:closed", None),
        ]
    );
    assert_eq!(channels[1].allow_origins, ["app://logs"]);
    assert!(channels[1].allow_subframes);
}
