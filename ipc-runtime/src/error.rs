use std::fmt;

use serde::{Deserialize, Serialize};

/// Every way a call can fail, as seen by the caller. `E` is the channel's own error type (the `E` of
/// `Result<T, E>`), carried as data so that it survives the process boundary intact.
///
/// On the wire this is `{"kind": "<snake_case variant>", ...fields in camelCase}`; the TypeScript bridge
/// mirrors it as the `IpcErrorDetail<E>` union.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum IpcError<E> {
    /// The handler returned `Err(error)`.
    Handler { error: E },
    /// The deadline passed before the handler finished; the handler was dropped.
    Timeout { timeout_ms: u32 },
    /// The caller cancelled the call; the handler was dropped.
    Cancelled,
    /// The caller's origin (or frame) is not allowed on this channel. Nothing was decoded.
    Denied { channel: String, origin: String },
    /// The payload did not decode into the channel's argument types. Nothing reached the handler.
    InvalidInput { channel: String, message: String },
    /// No channel of that name (or not of that kind) is declared.
    UnknownChannel { channel: String },
    /// The message exceeded the size limit. Nothing was decoded.
    TooLarge { size: u32, limit: u32 },
    /// The message was not a valid envelope (bad JSON, missing id, duplicate id, ...).
    Protocol { message: String },
    /// The handler panicked or its result could not be encoded. Details are logged on the main side only.
    Internal { message: String },
    /// The connection closed before the reply arrived.
    Disconnected,
    /// The connection was refused: the renderer's bindings were generated from a different version of the
    /// service than the main side serves (`expected` is the main side's fingerprint, `actual` the one the
    /// renderer presented, `None` when it presented none). Rebuild the renderer (or the core) from one source.
    VersionMismatch {
        trait_name: String,
        expected: String,
        actual: Option<String>,
    },
}

impl<E> IpcError<E> {
    /// The wire name of this error's kind, e.g. `"timeout"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Handler { .. } => "handler",
            Self::Timeout { .. } => "timeout",
            Self::Cancelled => "cancelled",
            Self::Denied { .. } => "denied",
            Self::InvalidInput { .. } => "invalid_input",
            Self::UnknownChannel { .. } => "unknown_channel",
            Self::TooLarge { .. } => "too_large",
            Self::Protocol { .. } => "protocol",
            Self::Internal { .. } => "internal",
            Self::Disconnected => "disconnected",
            Self::VersionMismatch { .. } => "version_mismatch",
        }
    }

    /// The handler's own error, if this is one.
    pub fn handler_error(&self) -> Option<&E> {
        match self {
            Self::Handler { error } => Some(error),
            _ => None,
        }
    }

    /// Maps the handler error type, keeping every runtime error as it is.
    pub fn map_handler<F>(self, f: impl FnOnce(E) -> F) -> IpcError<F> {
        match self {
            Self::Handler { error } => IpcError::Handler { error: f(error) },
            Self::Timeout { timeout_ms } => IpcError::Timeout { timeout_ms },
            Self::Cancelled => IpcError::Cancelled,
            Self::Denied { channel, origin } => IpcError::Denied { channel, origin },
            Self::InvalidInput { channel, message } => IpcError::InvalidInput { channel, message },
            Self::UnknownChannel { channel } => IpcError::UnknownChannel { channel },
            Self::TooLarge { size, limit } => IpcError::TooLarge { size, limit },
            Self::Protocol { message } => IpcError::Protocol { message },
            Self::Internal { message } => IpcError::Internal { message },
            Self::Disconnected => IpcError::Disconnected,
            Self::VersionMismatch {
                trait_name,
                expected,
                actual,
            } => IpcError::VersionMismatch {
                trait_name,
                expected,
                actual,
            },
        }
    }
}

impl<E: fmt::Debug> fmt::Display for IpcError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Handler { error } => write!(f, "handler error: {error:?}"),
            Self::Timeout { timeout_ms } => write!(f, "timed out after {timeout_ms} ms"),
            Self::Cancelled => f.write_str("cancelled by the caller"),
            Self::Denied { channel, origin } => {
                write!(f, "origin {origin:?} is not allowed on channel {channel:?}")
            }
            Self::InvalidInput { channel, message } => {
                write!(f, "invalid input for channel {channel:?}: {message}")
            }
            Self::UnknownChannel { channel } => write!(f, "unknown channel {channel:?}"),
            Self::TooLarge { size, limit } => {
                write!(f, "message of {size} bytes exceeds the {limit} byte limit")
            }
            Self::Protocol { message } => write!(f, "protocol error: {message}"),
            Self::Internal { message } => write!(f, "internal error: {message}"),
            Self::Disconnected => f.write_str("disconnected before the reply arrived"),
            Self::VersionMismatch {
                trait_name,
                expected,
                actual,
            } => match actual {
                Some(actual) => write!(
                    f,
                    "version mismatch: the renderer's `{trait_name}` bindings have fingerprint {actual:?}, \
                     the main side serves {expected:?}; rebuild both from the same source"
                ),
                None => write!(
                    f,
                    "version mismatch: the renderer presented no fingerprint for `{trait_name}`, the main \
                     side serves {expected:?}; rebuild it with the current bindings"
                ),
            },
        }
    }
}

impl<E: fmt::Debug> std::error::Error for IpcError<E> {}

/// The error type of an `invoke` channel that cannot fail (one that returns a plain `T`).
/// It has no values, so `IpcError<Never>::Handler` can never occur; TypeScript sees `never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Never {}

impl ts_rs::TS for Never {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &ts_rs::Config) -> String {
        "never".to_owned()
    }

    fn inline(_: &ts_rs::Config) -> String {
        "never".to_owned()
    }
}
