//! The in-memory host: a renderer stand-in in the same process, for tests and benchmarks. It goes through
//! exactly the path a real host does (envelope messages in, envelope messages out).

use tokio::sync::mpsc;

use crate::client::Client;
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
        let (to_renderer, from_main) = mpsc::channel(self.limits().outbound_queue);
        let connection = self.connect(origin, top_frame, to_renderer);
        let (to_main, mut inbound) = mpsc::channel::<OutboundFrame>(INBOUND_QUEUE);
        tokio::spawn(async move {
            while let Some(frame) = inbound.recv().await {
                connection.receive_frame(frame).await;
            }
        });
        (to_main, from_main)
    }
}
