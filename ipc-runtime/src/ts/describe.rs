//! The description the macro builds at run time (payload types need ts-rs, which only runs at run time).

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use ts_rs::{Config, TS, TypeVisitor};

use super::lies::{RoundTrip, RoundTrips};
use crate::service::ChannelKind;

/// Stands in for ts-rs's `bigint` so that 64-bit integers can be found and refused (JSON cannot carry them).
pub(crate) const LARGE_INT_MARKER: &str = "__ipc_large_int__";

/// One channel as TypeScript sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelTs {
    pub kind: ChannelKind,
    /// Wire name.
    pub channel: &'static str,
    /// Rust method name (snake case).
    pub method: &'static str,
    /// Doc comment lines from the trait.
    pub docs: &'static [&'static str],
    /// Argument names (snake case) and TypeScript types.
    pub args: Vec<(&'static str, String)>,
    /// TypeScript type of the reply (`void` for sends and unit).
    pub output: String,
    /// TypeScript type of the handler error (`never` when the channel cannot fail).
    pub error: String,
    /// Exact origins allowed to use (or, for events, receive) the channel: the Electron main glue checks them.
    pub allow_origins: &'static [&'static str],
    /// Whether callers in sub-frames are accepted.
    pub allow_subframes: bool,
    /// The declared default deadline of an invoke (`ChannelDescriptor::timeout_ms`): the Electron main glue
    /// applies it to channels implemented in main-process TypeScript.
    pub timeout_ms: Option<u32>,
    /// TypeScript type of a stream's items (`None` for other kinds).
    pub item: Option<String>,
}

/// A whole trait, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiDescription {
    pub trait_name: String,
    /// The `window` property the Electron preload exposes (`#[channels(expose_as = "...")]`); `None`: the
    /// trait's name in lower camel case.
    pub expose_as: Option<String>,
    pub channels: Vec<ChannelTs>,
    /// Declarations of every named payload type reachable from the channels, keyed by TypeScript name.
    pub declarations: BTreeMap<String, String>,
    /// How to decode and re-encode each channel type, by its TypeScript: the bindings check samples them.
    pub round_trips: RoundTrips,
    /// Different Rust types that would declare the same TypeScript name differently (the file can hold
    /// only one of them, so a reply could have another shape than its type says): rendering refuses them.
    pub name_clashes: Vec<NameClash>,
}

/// Two Rust types whose TypeScript declarations share a name but not a shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameClash {
    pub ts_name: String,
    pub first: &'static str,
    pub second: &'static str,
}

/// Collects channels and the ts-rs declarations they depend on.
#[derive(Debug)]
pub struct ApiBuilder {
    description: ApiDescription,
    /// The Rust type that first declared each TypeScript name.
    origins: BTreeMap<String, &'static str>,
    seen: HashSet<TypeId>,
}

impl ApiBuilder {
    pub fn new(trait_name: &str) -> Self {
        Self {
            description: ApiDescription {
                trait_name: trait_name.to_owned(),
                expose_as: None,
                channels: Vec::new(),
                declarations: BTreeMap::new(),
                name_clashes: Vec::new(),
                round_trips: RoundTrips::default(),
            },
            origins: BTreeMap::new(),
            seen: HashSet::new(),
        }
    }

    /// The ts-rs configuration every binding is produced with.
    pub fn config() -> Config {
        Config::new().with_large_int(LARGE_INT_MARKER)
    }

    /// Registers `T` (and, transitively, every named type it uses) and returns its TypeScript name.
    pub fn ty<T: TS + 'static + ?Sized>(&mut self) -> String {
        let cfg = Self::config();
        let mut collector = Collector {
            cfg: &cfg,
            seen: &mut self.seen,
            origins: &mut self.origins,
            description: &mut self.description,
        };
        collector.visit::<T>();
        T::name(&cfg)
    }

    /// Registers how to decode and re-encode the channel type whose TypeScript is `ts` (`None` when it is
    /// not `Serialize + DeserializeOwned`: the compiler reports that elsewhere).
    pub fn round_trip(&mut self, ts: &str, round_trip: Option<RoundTrip>) {
        if let Some(round_trip) = round_trip {
            self.description.round_trips.insert(ts, round_trip);
        }
    }

    /// Names the `window` property the Electron preload exposes (checked when the preload is rendered).
    pub fn expose_as(&mut self, name: &str) {
        self.description.expose_as = Some(name.to_owned());
    }

    pub fn channel(&mut self, channel: ChannelTs) {
        self.description.channels.push(channel);
    }

    pub fn finish(self) -> ApiDescription {
        self.description
    }
}

struct Collector<'a> {
    cfg: &'a Config,
    seen: &'a mut HashSet<TypeId>,
    origins: &'a mut BTreeMap<String, &'static str>,
    description: &'a mut ApiDescription,
}

impl TypeVisitor for Collector<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        // Types with an output path are the declarable ones (derived structs and enums); primitives and
        // containers have none, but their type parameters may.
        // Instances of one generic type (`Page<User>`, `Page<Order>`) share a name and a declaration; types
        // that share only the name clash.
        if T::output_path().is_some() {
            let name = T::ident(self.cfg);
            let docs = T::docs().unwrap_or_default();
            let declaration = format!("{docs}export {}", T::decl(self.cfg));
            let rust_name = std::any::type_name::<T>();
            match self.description.declarations.get(&name) {
                None => {
                    self.origins.insert(name.clone(), rust_name);
                    self.description.declarations.insert(name, declaration);
                }
                Some(existing) if *existing != declaration => {
                    self.description.name_clashes.push(NameClash {
                        first: self.origins.get(&name).copied().unwrap_or("?"),
                        second: rust_name,
                        ts_name: name,
                    });
                }
                Some(_) => {}
            }
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}
