//! The channel trait and handler shared by both benches, plus the hand-written serde baseline.

use ipc_runtime::{Bytes, Caller, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub(crate) const ORIGIN: &str = "app://main";

/// A small request/reply payload: a few fields, two heap allocations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub(crate) struct Item {
    pub(crate) id: u32,
    pub(crate) name: String,
    pub(crate) tags: Vec<String>,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Bench {
    /// The small invoke being measured.
    #[invoke]
    async fn echo(&self, caller: Caller, item: Item) -> Item;
    /// The event being measured.
    #[event]
    fn tick(seq: u32);
    /// Large binary payloads: the bytes come back unchanged, both ways as attachments.
    #[invoke]
    async fn echo_bytes(&self, caller: Caller, data: Bytes) -> Bytes;
}

/// The handler both paths call.
pub(crate) fn handle(item: Item) -> Item {
    Item {
        id: item.id.wrapping_add(1),
        name: item.name,
        tags: item.tags,
    }
}

pub(crate) struct Handler;

impl Bench for Handler {
    async fn echo(&self, _caller: Caller, item: Item) -> Item {
        handle(item)
    }

    async fn echo_bytes(&self, _caller: Caller, data: Bytes) -> Bytes {
        data
    }
}

pub(crate) fn sample() -> Item {
    Item {
        id: 7,
        name: "Ada Lovelace".to_owned(),
        tags: vec!["math".to_owned(), "engines".to_owned(), "notes".to_owned()],
    }
}

/// The `args` array the generated client puts on the wire for `echo(sample())`.
pub(crate) fn payload() -> String {
    serde_json::to_string(&(sample(),)).expect("encodes")
}

/// The baseline plus the client's share of serde work: encode the arguments, then decode the reply. Any
/// round trip that serializes does at least this much serde work.
#[allow(dead_code)] // the throughput bench has no use for it
pub(crate) fn baseline_round_trip(item: &Item) -> Item {
    let payload = serde_json::to_string(&(item,)).expect("encodes");
    serde_json::from_str(&baseline(&payload)).expect("decodes")
}

/// The baseline: no runtime, no channels. Decode the argument array, call the handler, encode the reply.
pub(crate) fn baseline(payload: &str) -> String {
    let (item,): (Item,) = serde_json::from_str(payload).expect("decodes");
    serde_json::to_string(&handle(item)).expect("encodes")
}
