//! The serving side: one [`Service`] plus limits, shared by every connection.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::connection::Connection;
pub use crate::emitter::OutboundFrame;
use crate::emitter::{EventHub, Peer};
use crate::envelope::Limits;
use crate::error::{IpcError, Never};
use crate::hash::FastMap;
use crate::service::{Service, ServiceDescriptor};

pub(crate) struct Shared {
    pub(crate) service: Box<dyn Service>,
    pub(crate) descriptor: &'static ServiceDescriptor,
    pub(crate) channel_index: FastMap<&'static str, usize>,
    pub(crate) limits: Limits,
    /// [`Service::strict_decode`], read once.
    pub(crate) strict_decode: bool,
    pub(crate) default_timeout: Duration,
    pub(crate) hub: EventHub,
}

/// A call's deadline when neither the caller nor the channel sets one (`ServerBuilder::default_timeout`).
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves one generated service to any number of connections. Cheap to clone.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("service", &self.shared.descriptor.name)
            .field("limits", &self.shared.limits)
            .field("connected", &self.shared.hub.connected())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A server with default limits and a fresh [`EventHub`].
    pub fn new(service: impl Service) -> Self {
        Self::builder(service).build()
    }

    pub fn builder(service: impl Service) -> ServerBuilder {
        ServerBuilder {
            service: Box::new(service),
            limits: Limits::default(),
            default_timeout: DEFAULT_TIMEOUT,
            hub: None,
        }
    }

    /// Registers a new caller whose origin the host has verified, and returns the connection the host feeds
    /// inbound messages into. Outbound frames for this caller go to `outbound`.
    ///
    /// `top_frame` is false for callers inside an iframe; such callers are refused unless a channel opts in.
    pub fn connect(
        &self,
        origin: &str,
        top_frame: bool,
        outbound: mpsc::Sender<OutboundFrame>,
    ) -> Connection {
        let origin: Arc<str> = Arc::from(origin);
        let id = self.shared.hub.registry.register(Peer {
            origin: origin.clone(),
            top_frame,
            outbound: outbound.clone(),
        });
        Connection::new(self.shared.clone(), id, origin, top_frame, outbound)
    }

    /// The hub for pushing events to connected callers.
    pub fn events(&self) -> EventHub {
        self.shared.hub.clone()
    }

    pub fn descriptor(&self) -> &'static ServiceDescriptor {
        self.shared.descriptor
    }

    pub fn limits(&self) -> Limits {
        self.shared.limits
    }

    /// The fingerprint of the service's bindings ([`Service::fingerprint`]); `None` for a service without.
    pub fn fingerprint(&self) -> Option<&'static str> {
        self.shared.service.fingerprint()
    }

    /// The check every host makes when a renderer connects: `presented` is the fingerprint its bindings
    /// carry (`None` when it sent none). A different or missing one is a `version_mismatch` (fail closed);
    /// a service without a fingerprint accepts anything. In-process clients are compiled with the service
    /// and need no check.
    pub fn check_fingerprint(&self, presented: Option<&str>) -> Result<(), IpcError<Never>> {
        match self.fingerprint() {
            Some(expected) if presented != Some(expected) => Err(IpcError::VersionMismatch {
                trait_name: self.shared.descriptor.name.to_owned(),
                expected: expected.to_owned(),
                actual: presented.map(str::to_owned),
            }),
            _ => Ok(()),
        }
    }

    /// Whether the service implements direct calls ([`crate::Service::takes_direct_calls`]).
    pub(crate) fn takes_direct_calls(&self) -> bool {
        self.shared.service.takes_direct_calls()
    }
}

/// Configures a [`Server`].
pub struct ServerBuilder {
    service: Box<dyn Service>,
    limits: Limits,
    default_timeout: Duration,
    hub: Option<EventHub>,
}

impl fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Deadline for `invoke` channels that declare none and whose caller asks for none (default 30 s).
    #[must_use]
    pub fn default_timeout(mut self, timeout: Duration) -> Self {
        self.default_timeout = timeout;
        self
    }

    /// Uses a hub created earlier (so handler state can hold it) instead of a fresh one.
    #[must_use]
    pub fn event_hub(mut self, hub: EventHub) -> Self {
        self.hub = Some(hub);
        self
    }

    pub fn build(self) -> Server {
        let descriptor = self.service.descriptor();
        let strict_decode = self.service.strict_decode();
        let channel_index = descriptor
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name, i))
            .collect();
        Server {
            shared: Arc::new(Shared {
                service: self.service,
                descriptor,
                channel_index,
                limits: self.limits,
                strict_decode,
                default_timeout: self.default_timeout,
                hub: self.hub.unwrap_or_default(),
            }),
        }
    }
}
