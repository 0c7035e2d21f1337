//! What the runtime's own logs do about their clients: text a client chose is written escaped (it cannot
//! start a line of its own or colour a terminal), and refusals, which a client can cause at will, are logged
//! at a bounded rate.

mod escape;
mod limit;

pub use escape::{Escaped, escaped};
#[cfg(feature = "stdio")]
pub(crate) use limit::STDIO_FRAME_REFUSED;
pub use limit::limit_refusal_logs;
#[cfg(feature = "web")]
pub(crate) use limit::{CAP_REFUSED, HELLO_REFUSED, REQUEST_REFUSED, UPGRADE_REFUSED};
pub(crate) use limit::{EVENT_DROPPED, MESSAGE_REFUSED};
