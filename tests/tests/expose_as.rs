//! `#[channels(expose_as = "...")]` chooses the `window` property of the Electron preload, through the macro:
//! both preload flavours expose it, and the renderer module reads and declares it. (Bad names are compile
//! errors: `tests/ui/attributes/expose_as_*.rs`.)

use ipc_runtime::ts::{self, PreloadFlavor};
use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"], expose_as = "electronAPI", export = false)]
pub trait TutorialShaped {
    #[invoke]
    async fn open_file(&self, caller: Caller) -> Option<String>;
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait DefaultShaped {
    #[invoke]
    async fn open_file(&self, caller: Caller) -> Option<String>;
}

#[test]
fn the_preload_exposes_the_chosen_name() {
    let api = ts::describe::<TutorialShapedSchema>();
    assert_eq!(api.expose_as.as_deref(), Some("electronAPI"));
    for flavor in [PreloadFlavor::TypeScript, PreloadFlavor::CommonJs] {
        let preload = ts::render_preload(&api, flavor).unwrap();
        assert!(
            preload.contains("$contextBridge.exposeInMainWorld(\"electronAPI\", {"),
            "{preload}"
        );
        assert!(!preload.contains("tutorialShaped"), "{preload}");
    }
    let renderer = ts::render_renderer(&api).unwrap();
    assert!(
        renderer.contains("readonly electronAPI?: TutorialShapedPreloadApi;"),
        "{renderer}"
    );
    assert!(
        renderer.contains("const $exposed = window.electronAPI;"),
        "{renderer}"
    );
}

#[test]
fn without_it_the_name_is_the_trait_in_lower_camel_case() {
    let api = ts::describe::<DefaultShapedSchema>();
    assert_eq!(api.expose_as, None);
    let preload = ts::render_preload(&api, PreloadFlavor::CommonJs).unwrap();
    assert!(
        preload.contains("$contextBridge.exposeInMainWorld(\"defaultShaped\", {"),
        "{preload}"
    );
}
