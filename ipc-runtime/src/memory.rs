//! The in-memory host: a renderer stand-in in the same process, for tests and benchmarks. It goes through
//! exactly the path a real host does (envelope messages in, envelope messages out). Its direct variant skips
//! the encoding of calls, and nothing else.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::client::Client;
use crate::connection::Connection;
use crate::emitter::OutboundFrame;
use crate::server::Server;

/// Capacity of the renderer -> main queue of an in-memory connection.
const INBOUND_QUEUE: usize = 256;

impl Server {
    /// Connects an in-memory caller with a verified `origin` (as a top frame) and returns a client for it.
    /// Must be called inside a tokio runtime. Dropping every clone of the client disconnects it.
    pub fn connect_in_memory(&self, origin: &str) -> Client {
        let (to_main, from_main) = self.connect_frames(origin, true);
        Client::new(to_main, from_main)
    }

    /// Connects a caller in this process whose calls hand their arguments, replies and errors over as
    /// values, never encoded: no serde work at all. Each call still goes through every check a message off
    /// the wire does (channel kind, origin allowlist, in-flight limit), under the same deadlines and
    /// cancellation, with panics caught. Events, raw messages and refusals travel as messages, exactly as
    /// with [`Server::connect_in_memory`].
    ///
    /// For Rust code in the main process that calls the service, and for benchmarks of the layer itself.
    /// Tests of what a renderer sees should use [`Server::connect_in_memory`]: only it proves that every
    /// payload survives encoding. A service without [`crate::Service::dispatch_direct`] gets encoded calls.
    pub fn connect_direct(&self, origin: &str) -> Client {
        let (connection, to_main, from_main) = self.connect_served(origin, true);
        let direct = self.takes_direct_calls().then_some(connection);
        Client::with_direct(to_main, from_main, direct)
    }

    /// The raw transport under [`Server::connect_in_memory`], text only: write envelopes, read frames. For
    /// tests that speak the wire protocol directly. `top_frame: false` simulates a caller inside an iframe.
    pub fn connect_raw(
        &self,
        origin: &str,
        top_frame: bool,
    ) -> (mpsc::Sender<String>, mpsc::Receiver<OutboundFrame>) {
        let (to_renderer, from_main) = mpsc::channel(self.limits().outbound_queue);
        let connection = self.connect(origin, top_frame, to_renderer);
        let (to_main, mut inbound) = mpsc::channel::<String>(INBOUND_QUEUE);
        tokio::spawn(async move {
            while let Some(text) = inbound.recv().await {
                connection.receive(&text).await;
            }
        });
        (to_main, from_main)
    }

    /// [`Server::connect_raw`] for text and binary messages alike.
    pub fn connect_frames(
        &self,
        origin: &str,
        top_frame: bool,
    ) -> (mpsc::Sender<OutboundFrame>, mpsc::Receiver<OutboundFrame>) {
        let (_, to_main, from_main) = self.connect_served(origin, top_frame);
        (to_main, from_main)
    }

    /// A connection fed by a task from its own inbound queue, with that queue's sender and the connection's
    /// outbound queue.
    fn connect_served(
        &self,
        origin: &str,
        top_frame: bool,
    ) -> (
        Arc<Connection>,
        mpsc::Sender<OutboundFrame>,
        mpsc::Receiver<OutboundFrame>,
    ) {
        let (to_renderer, from_main) = mpsc::channel(self.limits().outbound_queue);
        let connection = Arc::new(self.connect(origin, top_frame, to_renderer));
        let (to_main, inbound) = mpsc::channel::<OutboundFrame>(INBOUND_QUEUE);
        tokio::spawn(serve_frames(connection.clone(), inbound));
        (connection, to_main, from_main)
    }
}

/// Feeds a connection its caller's messages until the caller drops its sender.
async fn serve_frames(connection: Arc<Connection>, mut inbound: mpsc::Receiver<OutboundFrame>) {
    while let Some(frame) = inbound.recv().await {
        connection.receive_frame(frame).await;
    }
}
