//! Writes the bindings to disk (or, in check mode, verifies the files on disk are current).

use std::path::{Path, PathBuf};

use super::render::BRIDGE_FILE;
use super::{
    BRIDGE_SOURCE, Bindings, BindingsError, ELECTRON_CORE_FILE, ELECTRON_CORE_SOURCE,
    ELECTRON_FILE, ELECTRON_MAIN_FILE, ELECTRON_MAIN_SOURCE, ELECTRON_SCHEME_FILE,
    ELECTRON_SCHEME_SOURCE, ELECTRON_SOURCE, ELECTRON_STDIO_FILE, ELECTRON_STDIO_SOURCE,
    PreloadFlavor, WEB_FILE, WEB_SOURCE, describe, render_api, render_main, render_preload,
    render_renderer,
};
use super::{
    ELECTRON_CALLERS_FILE, ELECTRON_CALLERS_SOURCE, ELECTRON_FRAMES_FILE, ELECTRON_FRAMES_SOURCE,
    ELECTRON_HANDLERS_FILE, ELECTRON_HANDLERS_SOURCE,
};

/// Overrides the output directory (absolute, or relative to the crate's manifest directory).
pub const BINDINGS_DIR_ENV: &str = "IPC_BINDINGS_DIR";
/// When set to `1`/`true`, nothing is written; stale or missing files make the export fail. For CI.
pub const BINDINGS_CHECK_ENV: &str = "IPC_BINDINGS_CHECK";

/// What an export did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportReport {
    pub directory: PathBuf,
    /// Files whose content changed (written, or found stale in check mode).
    pub changed: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
}

/// The generated `#[test]` calls this: exports `B` into `$IPC_BINDINGS_DIR`, else `default_dir`, resolved
/// against `manifest_dir`; honours check mode.
pub fn export<B: Bindings>(
    manifest_dir: &str,
    default_dir: &str,
) -> Result<ExportReport, BindingsError> {
    let dir = std::env::var(BINDINGS_DIR_ENV).unwrap_or_else(|_| default_dir.to_owned());
    let check = matches!(
        std::env::var(BINDINGS_CHECK_ENV).as_deref(),
        Ok("1" | "true" | "yes")
    );
    export_to::<B>(&Path::new(manifest_dir).join(dir), check)
}

/// Writes (or, with `check`, compares) `<dir>/ipc-bridge.ts` and `<dir>/<Trait>.ts`, plus the files of the
/// hosts in `B::HOSTS`: the web host's `ipc-web.ts`; the Electron host's `ipc-electron.ts`,
/// `ipc-electron-main.ts` (with `ipc-electron-core.ts`, `ipc-electron-stdio.ts`, `ipc-electron-scheme.ts`,
/// `ipc-electron-frames.ts`, `ipc-electron-callers.ts` and `ipc-electron-handlers.ts`), `<Trait>.preload.ts` (and its ready `CommonJS` twin `<Trait>.preload.cjs`),
/// `<Trait>.electron.ts` and `<Trait>.main.ts`. Files of other hosts are neither written nor checked.
pub fn export_to<B: Bindings>(dir: &Path, check: bool) -> Result<ExportReport, BindingsError> {
    let description = describe::<B>();
    let name = B::NAME;
    let mut files = vec![
        (dir.join(BRIDGE_FILE), BRIDGE_SOURCE.to_owned()),
        (dir.join(format!("{name}.ts")), render_api(&description)?),
    ];
    if B::HOSTS.web {
        files.push((dir.join(WEB_FILE), WEB_SOURCE.to_owned()));
    }
    if B::HOSTS.electron {
        files.extend([
            (dir.join(ELECTRON_FILE), ELECTRON_SOURCE.to_owned()),
            (
                dir.join(ELECTRON_MAIN_FILE),
                ELECTRON_MAIN_SOURCE.to_owned(),
            ),
            (
                dir.join(ELECTRON_CORE_FILE),
                ELECTRON_CORE_SOURCE.to_owned(),
            ),
            (
                dir.join(ELECTRON_STDIO_FILE),
                ELECTRON_STDIO_SOURCE.to_owned(),
            ),
            (
                dir.join(ELECTRON_SCHEME_FILE),
                ELECTRON_SCHEME_SOURCE.to_owned(),
            ),
            (
                dir.join(ELECTRON_FRAMES_FILE),
                ELECTRON_FRAMES_SOURCE.to_owned(),
            ),
            (
                dir.join(ELECTRON_CALLERS_FILE),
                ELECTRON_CALLERS_SOURCE.to_owned(),
            ),
            (
                dir.join(ELECTRON_HANDLERS_FILE),
                ELECTRON_HANDLERS_SOURCE.to_owned(),
            ),
            (
                dir.join(format!("{name}.preload.ts")),
                render_preload(&description, PreloadFlavor::TypeScript)?,
            ),
            (
                dir.join(format!("{name}.preload.cjs")),
                render_preload(&description, PreloadFlavor::CommonJs)?,
            ),
            (
                dir.join(format!("{name}.electron.ts")),
                render_renderer(&description)?,
            ),
            (
                dir.join(format!("{name}.main.ts")),
                render_main(&description)?,
            ),
        ]);
    }
    let mut report = ExportReport {
        directory: dir.to_owned(),
        changed: Vec::new(),
        unchanged: Vec::new(),
    };
    for (path, content) in files {
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(content.as_str()) {
            report.unchanged.push(path);
            continue;
        }
        if !check {
            write_atomically(&path, &content)?;
        }
        report.changed.push(path);
    }
    if check && !report.changed.is_empty() {
        return Err(BindingsError::Stale {
            files: report.changed,
        });
    }
    Ok(report)
}

/// Several test binaries may export the shared bridge file at once: write a temporary file and rename it, so
/// no reader ever sees a half-written file.
fn write_atomically(path: &Path, content: &str) -> Result<(), BindingsError> {
    let io = |source| BindingsError::Io {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let unique = format!(
        ".{}.{}.tmp",
        std::process::id(),
        std::thread::current()
            .name()
            .unwrap_or("t")
            .replace(':', "_")
    );
    let tmp = path.with_extension(unique);
    std::fs::write(&tmp, content).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
