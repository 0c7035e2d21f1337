//! Shared by the truth tests: a tap that records every frame between a client and a server, and a reader
//! of frames as a renderer's bridge reads them (the envelope's JSON, and a binary message's attachments).

#![allow(dead_code, unreachable_pub)] // each test binary uses its own part

pub mod typescript;

use std::sync::{Arc, Mutex, PoisonError};

use ipc_runtime::{Client, OutboundFrame, Server};
use serde_json::Value;
use tokio::sync::mpsc;

/// Which way a frame went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    ToMain,
    ToRenderer,
}

/// One frame as it crossed: its envelope and the attachments its `{"$bin": i}` placeholders refer to.
#[derive(Debug, Clone)]
pub struct Crossed {
    pub direction: Direction,
    pub envelope: Value,
    /// `None` for a text frame (placeholders are not read there).
    pub attachments: Option<Vec<Vec<u8>>>,
}

/// Every frame that crossed a tapped connection, in order.
#[derive(Debug, Clone, Default)]
pub struct Log(Arc<Mutex<Vec<Crossed>>>);

impl Log {
    fn push(&self, direction: Direction, frame: &OutboundFrame) {
        let (envelope, attachments) = read_frame(frame);
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Crossed {
                direction,
                envelope,
                attachments,
            });
    }

    /// Everything recorded so far; empties the log.
    pub fn take(&self) -> Vec<Crossed> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A client of `server` whose frames, both ways, pass through a recorder unchanged.
pub fn tapped_client(server: &Server, origin: &str) -> (Client, Log) {
    let (to_main, mut from_main) = server.connect_frames(origin, true);
    let (client_out, mut from_client) = mpsc::channel::<OutboundFrame>(64);
    let (to_client, client_in) = mpsc::channel::<OutboundFrame>(64);
    let log = Log::default();
    let up = log.clone();
    tokio::spawn(async move {
        while let Some(frame) = from_client.recv().await {
            up.push(Direction::ToMain, &frame);
            if to_main.send(frame).await.is_err() {
                break;
            }
        }
    });
    let down = log.clone();
    tokio::spawn(async move {
        while let Some(frame) = from_main.recv().await {
            down.push(Direction::ToRenderer, &frame);
            if to_client.send(frame).await.is_err() {
                break;
            }
        }
    });
    (Client::new(client_out, client_in), log)
}

/// The envelope of a frame and, for a binary message, its attachments.
pub fn read_frame(frame: &OutboundFrame) -> (Value, Option<Vec<Vec<u8>>>) {
    match frame {
        OutboundFrame::Text(text) => (
            serde_json::from_str(text).expect("every text frame is JSON"),
            None,
        ),
        OutboundFrame::Binary(message) => {
            let (envelope, attachments) = split_binary(&message.to_bytes());
            (
                serde_json::from_str(&envelope).expect("a binary message's envelope is JSON"),
                Some(attachments),
            )
        }
    }
}

/// Splits a binary message (`[u32 E][envelope][u32 N][N x u32 length][attachments]`, big-endian) the way
/// the bridge's `decodeEnvelope` does, refusing anything it would refuse.
pub fn split_binary(message: &[u8]) -> (String, Vec<Vec<u8>>) {
    let mut at = 0;
    let mut take = |len: usize| {
        let part = message.get(at..at + len).expect("binary message truncated");
        at += len;
        part
    };
    let u32_at = |bytes: &[u8]| u32::from_be_bytes(bytes.try_into().unwrap()) as usize;
    let envelope_len = u32_at(take(4));
    let envelope = String::from_utf8(take(envelope_len).to_vec()).expect("envelope is UTF-8");
    let count = u32_at(take(4));
    let lengths: Vec<usize> = (0..count).map(|_| u32_at(take(4))).collect();
    let attachments = lengths.into_iter().map(|len| take(len).to_vec()).collect();
    assert_eq!(at, message.len(), "trailing bytes after the attachments");
    (envelope, attachments)
}
