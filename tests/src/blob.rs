//! Binary payloads: `Bytes` in arguments, results, typed errors, nested structs and events.

use ipc_runtime::{Bytes, Caller, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A piece of a larger buffer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Chunk {
    pub index: u32,
    pub data: Bytes,
}

/// Why a blob was refused; carries the start of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum BlobError {
    Empty,
    NotText { head: Bytes },
}

/// Channels that move bytes.
#[channels(allow_origins = ["app://main"])]
pub trait BlobIpc {
    /// Returns the bytes reversed.
    #[invoke]
    async fn reverse(&self, caller: Caller, data: Bytes) -> Bytes;

    /// Splits `data` into chunks of `size` bytes.
    #[invoke]
    async fn chunk(&self, caller: Caller, data: Bytes, size: u32) -> Vec<Chunk>;

    /// Decodes UTF-8, or fails with the first bytes.
    #[invoke]
    async fn text(&self, caller: Caller, data: Bytes) -> Result<String, BlobError>;

    /// Stores the bytes; answered with a `stored` event.
    #[send]
    async fn store(&self, caller: Caller, name: String, data: Bytes);

    /// What `store` received.
    #[event]
    fn stored(name: String, data: Bytes);
}

/// The reference implementation.
#[derive(Debug, Default)]
pub struct Blobs;

impl BlobIpc for Blobs {
    async fn reverse(&self, _caller: Caller, data: Bytes) -> Bytes {
        let mut bytes = data.to_vec();
        bytes.reverse();
        bytes.into()
    }

    async fn chunk(&self, _caller: Caller, data: Bytes, size: u32) -> Vec<Chunk> {
        let size = usize::try_from(size.max(1)).unwrap_or(usize::MAX);
        data.chunks(size)
            .zip(0..)
            .map(|(part, index)| Chunk {
                index,
                data: part.to_vec().into(),
            })
            .collect()
    }

    async fn text(&self, _caller: Caller, data: Bytes) -> Result<String, BlobError> {
        if data.is_empty() {
            return Err(BlobError::Empty);
        }
        String::from_utf8(data.to_vec()).map_err(|_| BlobError::NotText {
            head: data.get(..4).unwrap_or(&data).to_vec().into(),
        })
    }

    async fn store(&self, caller: Caller, name: String, data: Bytes) {
        let _ = BlobIpcEvents::new(caller.emitter()).stored(name, data);
    }
}
