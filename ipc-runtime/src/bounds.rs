//! The bounds generated code puts on a channel's payload types, as this crate's own traits, so that a type
//! missing a derive gets a message that names the derive, at the type (rather than serde's or ts-rs's
//! trait with a list of the types that do implement it).
//!
//! Each has one blanket impl marked `#[diagnostic::do_not_recommend]`: without it rustc reports the bound
//! the impl needs (`Serialize`), not the trait the generated code asked for.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::binary::Encoded;
use crate::service::{self, DecodeError, HandlerOutcome, NormalizeError};
use crate::ts::ApiBuilder;

#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent over IPC: it does not implement `serde::Serialize`",
    label = "add `#[derive(serde::Serialize)]` to this type (for a container such as `Vec<T>`, to its elements)",
    note = "every argument, reply, error and event type of a `#[channels]` trait derives `serde::Serialize`, `serde::Deserialize` and `ts_rs::TS`"
)]
pub trait PayloadSerialize: Serialize {}

#[diagnostic::do_not_recommend]
impl<T: Serialize + ?Sized> PayloadSerialize for T {}

#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be received over IPC: it does not implement `serde::Deserialize`",
    label = "add `#[derive(serde::Deserialize)]` to this type (for a container such as `Vec<T>`, to its elements)",
    note = "every argument, reply, error and event type of a `#[channels]` trait derives `serde::Serialize`, `serde::Deserialize` and `ts_rs::TS`; it is decoded into an owned value, so it may not borrow from the message"
)]
pub trait PayloadDeserialize: DeserializeOwned {}

#[diagnostic::do_not_recommend]
impl<T: DeserializeOwned> PayloadDeserialize for T {}

#[diagnostic::on_unimplemented(
    message = "`{Self}` has no TypeScript type: it does not implement `ts_rs::TS`",
    label = "add `#[derive(ts_rs::TS)]` to this type (for a container such as `Vec<T>`, to its elements)",
    note = "every argument, reply, error and event type of a `#[channels]` trait derives `serde::Serialize`, `serde::Deserialize` and `ts_rs::TS`"
)]
pub trait PayloadTs: ts_rs::TS + 'static {}

#[diagnostic::do_not_recommend]
impl<T: ts_rs::TS + 'static + ?Sized> PayloadTs for T {}

/// Encodes a handler's successful value.
#[inline]
pub fn encode_value<T: PayloadSerialize + ?Sized>(value: &T) -> HandlerOutcome {
    service::encode_value(value)
}

/// Encodes a handler's `Err` value.
#[inline]
pub fn encode_handler_error<E: PayloadSerialize + ?Sized>(error: &E) -> HandlerOutcome {
    service::encode_handler_error(error)
}

/// Strictly decodes a JSON argument array into the channel's argument tuple (or a reply, in the client).
#[inline]
pub fn decode_args<T: PayloadDeserialize>(payload: &str) -> Result<T, DecodeError> {
    service::decode_args(payload)
}

/// A validated argument tuple's new encoding (see [`crate::Service::normalize`]), its error as the text logged.
#[inline]
pub fn normalized(encoded: Result<Encoded, serde_json::Error>) -> Result<Encoded, NormalizeError> {
    encoded.map_err(|e| NormalizeError::Encode(e.to_string()))
}

/// Registers `T` with the bindings description and returns its TypeScript name.
pub fn ts_type<T: PayloadTs + ?Sized>(api: &mut ApiBuilder) -> String {
    api.ty::<T>()
}
