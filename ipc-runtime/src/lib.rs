//! Runtime for typed IPC channels declared with [`channels`].
//!
//! A user writes one trait, annotates it with `#[ipc_runtime::channels(...)]`, implements it, and serves it
//! with a [`Server`]. The macro generates the dispatch, a typed event emitter, a typed Rust client and the
//! TypeScript description; this crate supplies everything they run on: the wire envelope, origin checks,
//! deadlines, cancellation, hosts and the writer of the `.ts` files.
//!
//! Rust code in the main process can call the same handlers through [`Server::connect_direct`]: the same
//! checks, deadlines and cancellation, with arguments and results handed over as values, never encoded.
//!
//! Handlers never see a transport object. They get a [`Caller`]: an opaque id, the verified origin, an emitter
//! scoped to that caller, and a cancellation token.

mod binary;
mod bounds;
mod caller;
mod client;
mod connection;
mod emitter;
mod encode;
mod envelope;
mod error;
mod finite;
#[doc(hidden)]
pub mod fuzzing;
mod hash;
mod in_flight;
pub mod logging;
mod memory;
#[cfg_attr(not(any(feature = "web", feature = "stdio")), allow(dead_code))]
mod observer;
mod panic;
mod reply_probe;
mod scan;
mod server;
mod service;
mod sink;
#[cfg(feature = "stdio")]
pub mod stdio;
pub mod ts;
#[cfg(feature = "web")]
pub mod web;

pub use binary::{BinaryMessage, Bytes, Encoded};
pub use caller::{Caller, CallerId};
pub use client::{Call, Client, StreamCall, Subscription};
pub use connection::Connection;
pub use emitter::{EmitError, Emitter, EventHub};
pub use envelope::Limits;
pub use error::{IpcError, Never};
pub use ipc_macros::channels;
pub use observer::ConnectionEvent;
pub use server::{OutboundFrame, Server, ServerBuilder};
pub use service::{
    Attachment, ChannelDescriptor, ChannelKind, DecodeError, DirectFuture, DirectOutcome,
    DirectValue, HandlerFuture, HandlerOutcome, NormalizeError, Service, ServiceDescriptor,
};
pub use sink::{RawSink, Sink, SinkClosed};
pub use tokio_util::sync::CancellationToken;

/// Items used by macro-generated code. Not a public API: names and signatures may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::binary::{Encoded, encode_payload};
    pub use crate::bounds::{
        PayloadDeserialize, PayloadSerialize, PayloadTs, decode_args, encode_handler_error,
        encode_value, normalized, ts_type,
    };
    pub use crate::reply_probe::{PlainProbe, ReplyProbe, ResultProbe, assert_plain_reply};
    pub use crate::service::{direct_value, downcast_args};
    pub use serde;
    pub use serde_json;
    pub use ts_rs;

    /// Compile-time check that a channel's payload type crosses the boundary (points at the user's type).
    pub const fn assert_payload<
        T: serde::Serialize + serde::de::DeserializeOwned + ts_rs::TS + 'static,
    >() {
    }
    /// Compile-time check for error types of `invoke` channels.
    pub const fn assert_error<
        T: serde::Serialize + serde::de::DeserializeOwned + ts_rs::TS + 'static,
    >() {
    }
}
