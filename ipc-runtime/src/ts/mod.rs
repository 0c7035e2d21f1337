//! TypeScript bindings: the macro describes each trait through [`ApiBuilder`]; this module turns that
//! description into `.ts` files (payload types from ts-rs, the typed API, and the shared bridge module) and
//! writes or checks them.

mod describe;
mod electron;
mod export;
mod fingerprint;
#[cfg(test)]
mod hygiene;
mod lies;
mod naming;
mod preload;
mod render;

pub use describe::{ApiBuilder, ApiDescription, ChannelTs, NameClash};
pub use electron::{
    ELECTRON_CALLERS_FILE, ELECTRON_CALLERS_SOURCE, ELECTRON_FRAMES_FILE, ELECTRON_FRAMES_SOURCE,
    ELECTRON_HANDLERS_FILE, ELECTRON_HANDLERS_SOURCE,
};
pub use electron::{
    ELECTRON_CORE_FILE, ELECTRON_CORE_SOURCE, ELECTRON_FILE, ELECTRON_MAIN_FILE,
    ELECTRON_MAIN_SOURCE, ELECTRON_SCHEME_FILE, ELECTRON_SCHEME_SOURCE, ELECTRON_SOURCE,
    ELECTRON_STDIO_FILE, ELECTRON_STDIO_SOURCE, render_main, render_renderer,
};
pub use export::{BINDINGS_CHECK_ENV, BINDINGS_DIR_ENV, ExportReport, export, export_to};
pub use fingerprint::fingerprint;
#[doc(hidden)]
pub use lies::{HasRoundTrip, NoRoundTrip, RoundTripOf};
pub use lies::{RoundTrip, RoundTripError, RoundTrips, round_trip};
pub use preload::{PreloadFlavor, render_preload};
pub use render::{BRIDGE_FILE, render_api};

/// Which hosts' files an export writes: `#[channels(hosts = ["web", "electron"])]`. Both need `<Trait>.ts` and
/// `ipc-bridge.ts`; the web host adds `ipc-web.ts`, Electron its preload, renderer and main-process files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hosts {
    /// `ipc-web.ts`, the browser connector of the web host.
    pub web: bool,
    /// `ipc-electron.ts`, `ipc-electron-main.ts`, `ipc-electron-core.ts`, `ipc-electron-stdio.ts`,
    /// `ipc-electron-scheme.ts`, `ipc-electron-frames.ts`, `ipc-electron-callers.ts`, `ipc-electron-handlers.ts`,
    /// `<Trait>.preload.ts`/`.cjs`, `<Trait>.electron.ts`,
    /// `<Trait>.main.ts`.
    pub electron: bool,
}

impl Hosts {
    /// Every host (the default).
    pub const ALL: Self = Self {
        web: true,
        electron: true,
    };
}

impl Default for Hosts {
    fn default() -> Self {
        Self::ALL
    }
}

/// Implemented by the macro-generated `<Trait>Schema` type.
pub trait Bindings {
    /// The trait's name; the emitted file is `<NAME>.ts`.
    const NAME: &'static str;
    /// The hosts whose files [`export`] writes.
    const HOSTS: Hosts = Hosts::ALL;
    /// Feeds every channel of the trait into `api`.
    fn describe(api: &mut ApiBuilder);
}

/// The TypeScript source of the transport-independent bridge module (`ipc-bridge.ts`).
pub const BRIDGE_SOURCE: &str = include_str!("bridge.ts");

/// File name of the web host's browser module, written next to the bridge.
pub const WEB_FILE: &str = "ipc-web.ts";
/// The TypeScript source of the web host's browser module (`ipc-web.ts`): connects with the token and
/// returns the typed API over the bridge.
pub const WEB_SOURCE: &str = include_str!("web.ts");

/// Why bindings could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum BindingsError {
    #[error("{0}")]
    Unrepresentable(String),
    /// The TypeScript would not say what crosses the wire (or would not compile): where, what, and the fix.
    #[error("the TypeScript of `{trait_name}` would lie: {place}: {problem}. Fix: {fix}")]
    Untruthful {
        trait_name: String,
        place: String,
        problem: String,
        fix: String,
    },
    #[error("TypeScript name clash in `{trait_name}`: {message}")]
    Clash { trait_name: String, message: String },
    #[error("bindings are stale (run `cargo test` without {check_env} to regenerate): {files:?}", check_env = BINDINGS_CHECK_ENV)]
    Stale { files: Vec<std::path::PathBuf> },
    #[error("could not write bindings to {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Describes and renders a trait's API file without touching the file system.
pub fn render<B: Bindings>() -> Result<String, BindingsError> {
    render_api(&describe::<B>())
}

/// The trait's description, as the macro feeds it.
pub fn describe<B: Bindings>() -> ApiDescription {
    let mut api = ApiBuilder::new(B::NAME);
    B::describe(&mut api);
    api.finish()
}
