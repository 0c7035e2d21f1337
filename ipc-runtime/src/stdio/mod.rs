//! The stdio host: the Rust core as a child process of Electron's main process, speaking length-prefixed
//! frames over its stdin and stdout. Enabled by the `stdio` feature.
//!
//! # Framing
//!
//! Every frame, both ways, is a 4-byte big-endian length followed by that many bytes of body. A body is one
//! of three things, told apart by its first byte:
//!
//! - **text**, `[1][caller key: u64 BE][envelope]`: one envelope's JSON text as it is, UTF-8, not escaped;
//! - **binary**, `[0][caller key: u64 BE][binary message]`: one envelope with binary attachments (the layout
//!   of [`Bytes`](crate::Bytes) messages);
//! - **JSON control frame** (starts with `{`): one UTF-8 JSON object, as listed below.
//!
//! Inbound frames longer than `2 × Limits::max_message_bytes + 1 KiB` are skipped: only their first 128
//! bytes are kept, to read the caller key and the call's id from (the factor 2 covers an envelope at the
//! limit sent in the escaped JSON `message` form, so the runtime's own size check normally applies first).
//! Such a frame for an open caller is answered like any envelope over the limit, with a `too_large` error
//! envelope to that caller (`size` is the envelope's, `limit` is `max_message_bytes`), carrying the id of
//! the invoke, stream or validate when the envelope starts the way the bridges write it
//! (`{"kind":"invoke","id":N,`, `{"kind":"stream","id":N,` or `{"kind":"validate","id":N,`; also escaped in
//! a `message` frame). For a key
//! that is not open, or a frame that names no key, it is an `error` frame.
//!
//! # Protocol
//!
//! The parent (the main-process glue) multiplexes its renderers over the one pipe. Each renderer gets a
//! *caller key*: a `u64` the parent picks and never reuses (a reload is a new key).
//!
//! Parent -> child:
//!
//! - `{"op":"open","caller":K,"origin":"app://main","topFrame":true,"fingerprint":"…"}`: a renderer
//!   appeared. `origin` is the origin the parent verified from the IPC event's `senderFrame`; `topFrame` is
//!   false for iframes; `fingerprint` is the one of the bindings the parent's glue was generated with
//!   (`<Trait>MainSpec.fingerprint`). The child creates one runtime [`Connection`](crate::Connection) (its
//!   own `CallerId`) for it, unless the fingerprint is missing or not the service's (see `refused`).
//! - a text or binary frame for `K`: one envelope from that renderer, verbatim. A text frame whose envelope
//!   is not UTF-8 is refused. `{"op":"message","caller":K,"text":"<envelope JSON>"}` is accepted as well (the
//!   same envelope, escaped into a JSON string: easier to write by hand, slower to read). Envelopes are the
//!   runtime's (see `crate::envelope`): `send`, `invoke`, `cancel` and `validate`.
//! - `{"op":"close","caller":K}`: the renderer went away. Its running handlers are cancelled.
//!
//! Child -> parent:
//!
//! - a text or binary frame for `K`: one envelope (reply, error, event) for that renderer.
//! - `{"op":"closed","caller":K}`: sent after `close` (and for every open caller at shutdown) once all the
//!   handlers that caller started have ended. It is the last frame for `K`; envelope frames between `close`
//!   and `closed` (such as `cancelled` errors of the calls the close ended) may be discarded.
//! - `{"op":"refused","caller":K,"error":{"kind":"version_mismatch","traitName":…,"expected":…,"actual":…}}`:
//!   `open` was refused because the parent's bindings are not the service's (`expected` is the child's
//!   fingerprint, `actual` the one presented, `null` when none was). `K` never becomes a caller: its
//!   envelopes are dropped unanswered and its `close` is accepted quietly. The mismatch is logged at warn
//!   level once per session.
//! - `{"op":"error","caller":K,"id":N,"message":"...","error":{"kind":...}}`: a frame was refused that no
//!   open caller's connection could answer: an envelope or `close` for a key that is not open, or `open` of
//!   a key already used. `caller` is there when the frame named a key, `id` when it carried an invoke or
//!   validate whose id could be read (from the envelope, or for an oversized frame from its first bytes);
//!   `error` is the typed refusal to settle that call with (`protocol`, or `too_large` for an oversized
//!   frame) and `message` says the same for logs. Without `caller`: a frame that could not be read (bad
//!   JSON, unknown `op`, missing field, a truncated envelope frame, an oversized frame naming no key).
//!   An envelope for an open caller is always answered on that caller instead, as an `error` envelope, even
//!   when the host refuses it itself (a text frame that is not UTF-8, an oversized frame).
//!
//! Refusals never end the session. EOF on stdin does: every connection is dropped (cancelling its
//! handlers), the remaining frames and `closed` frames are written, and [`serve`] returns `Ok(())`. Input
//! that ends inside a frame (a partial length prefix, a missing body, an oversized body being skipped) is a
//! read error instead: the same shutdown, then [`StdioError::Read`] ("the input ended inside a frame (2 of 5
//! bytes)"), so the process can exit non-zero.
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
mod refused;
mod serve;
mod writer;

pub use serve::{StdioError, StdioHost, serve, serve_io};

#[cfg(test)]
mod tests;
