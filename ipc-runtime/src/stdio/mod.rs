//! The stdio host: the Rust core as a child process of Electron's main process, speaking length-prefixed
//! JSON frames over its stdin and stdout. Enabled by the `stdio` feature.
//!
//! # Framing
//!
//! Every frame, both ways, is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON (one
//! object). Inbound frames longer than `2 × Limits::max_message_bytes + 1 KiB` are skipped and answered
//! with an `error` frame; the factor 2 covers the escaping of an envelope that is at the limit (JSON text
//! embedded as a JSON string grows at most twofold), so the runtime's own size check, which answers the
//! renderer with a typed `too_large` error, is what normally applies.
//!
//! # Protocol
//!
//! The parent (the main-process glue) multiplexes its renderers over the one pipe. Each renderer gets a
//! *caller key*: a `u64` the parent picks and never reuses (a reload is a new key).
//!
//! Parent -> child:
//!
//! - `{"op":"open","caller":K,"origin":"app://main","topFrame":true}`: a renderer appeared. `origin` is the
//!   origin the parent verified from the IPC event's `senderFrame`; `topFrame` is false for iframes. The
//!   child creates one runtime [`Connection`](crate::Connection) (its own `CallerId`) for it.
//! - `{"op":"message","caller":K,"text":"<envelope JSON>"}`: one envelope from that renderer, verbatim.
//! - `{"op":"close","caller":K}`: the renderer went away. Its running handlers are cancelled.
//!
//! Child -> parent:
//!
//! - `{"op":"message","caller":K,"text":"<envelope JSON>"}`: one envelope (reply, error, event) for that
//!   renderer.
//! - `{"op":"closed","caller":K}`: sent after `close` (and for every open caller at shutdown) once all the
//!   handlers that caller started have ended. It is the last frame for `K`; `message` frames between
//!   `close` and `closed` (such as `cancelled` errors of the calls the close ended) may be discarded.
//! - `{"op":"error","caller":K,"message":"..."}`: a frame was refused: `message` or `close` for a key
//!   that is not open, or `open` of a key already used. `{"op":"error","message":"..."}` (no `caller`):
//!   a frame that could not be read (bad JSON, unknown `op`, missing field, over the size limit).
//!
//! Refusals never end the session. EOF on stdin does: every connection is dropped (cancelling its
//! handlers), the remaining frames and `closed` frames are written, and [`serve`] returns `Ok(())`.
//!
//! The parent must read stdout while it writes stdin: when stdout is full the child stops reading, which is
//! the back-pressure that keeps a flooding renderer from growing the child's queues. Logs must never go to
//! stdout; a binary serving this host logs to stderr.

mod codec;
mod fast;
mod frame;
#[doc(hidden)]
pub mod fuzzing;
mod mux;
mod pipes;
mod serve;

pub use serve::{StdioError, StdioHost, serve, serve_io};

#[cfg(test)]
mod tests;
