//! The Electron preload, per trait, in two flavours from one template: `<Trait>.preload.ts` (TypeScript, for
//! apps that bundle or compile their preload) and `<Trait>.preload.cjs` (ready plain `CommonJS`: a sandboxed
//! preload can only `require("electron")`, and needs no build step this way).

use std::fmt::Write as _;

use super::BindingsError;
use super::describe::{ApiDescription, ChannelTs};
use super::electron::{arg_names, cancel_channel, constant_name, exposed_name, header};
use super::naming::{LISTENER, OPTIONS, camel_case};
use super::render::{check_clashes, check_representable, js_string, member_name};
use crate::service::ChannelKind;

/// Which language a preload is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreloadFlavor {
    /// `<Trait>.preload.ts`: ES module syntax with types.
    TypeScript,
    /// `<Trait>.preload.cjs`: the same code with `require` and without types.
    CommonJs,
}

/// The helpers every preload shares. Text between `«` and `»` is TypeScript only (types, the options
/// interface); the `CommonJS` flavour drops it. One template keeps the two flavours from drifting apart.
const HELPERS_TEMPLATE: &str = include_str!("preload-helpers.in");

/// Globals a page already has on `window`: exposing a trait under one of them would shadow it in the page or
/// make `exposeInMainWorld` throw at start-up. The macro checks `expose_as` against the same list.
const WINDOW_GLOBALS: &[&str] = &ipc_macros::__window_globals!();

/// Keeps what is between `«` and `»` (TypeScript) or drops it (`CommonJS`); the markers never reach the output.
fn instantiate(template: &str, flavor: PreloadFlavor) -> String {
    let mut out = String::with_capacity(template.len());
    let mut typed = false;
    for c in template.chars() {
        match c {
            '«' => typed = true,
            '»' => typed = false,
            _ if typed && flavor == PreloadFlavor::CommonJs => {}
            _ => out.push(c),
        }
    }
    out
}

/// Whether `name` can follow `window.` as it is (ASCII letters, digits, `_` and `$`, not starting with a digit).
fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Refuses a `window` property that pages could not write as `window.<name>`, or that would collide with a
/// global the page already has. The macro refuses a bad `expose_as` at compile time; this covers the default
/// name and descriptions built by hand.
fn check_exposed_name(api: &ApiDescription) -> Result<(), BindingsError> {
    let exposed = exposed_name(api);
    let fix = if api.expose_as.is_some() {
        "choose another `expose_as`".to_owned()
    } else {
        format!(
            "rename the trait (for example to `{}Ipc`) or choose the name with `#[channels(expose_as = \"...\")]`",
            api.trait_name
        )
    };
    let problem = if !is_plain_identifier(&exposed) {
        format!(
            "the Electron preload would expose it as `window.{exposed}`, which is not a plain JavaScript identifier"
        )
    } else if WINDOW_GLOBALS.contains(&exposed.as_str()) {
        format!(
            "the Electron preload would expose it as `window.{exposed}`, which pages already have"
        )
    } else {
        return Ok(());
    };
    Err(BindingsError::Clash {
        trait_name: api.trait_name.clone(),
        message: format!("{problem}; {fix}"),
    })
}

/// Refuses two methods whose channel constants would be the same (`open_file` and `OPEN_FILE`).
fn check_constants(api: &ApiDescription) -> Result<(), BindingsError> {
    let mut seen = std::collections::BTreeMap::new();
    for channel in &api.channels {
        if let Some(other) = seen.insert(constant_name(channel), channel.method) {
            return Err(BindingsError::Clash {
                trait_name: api.trait_name.clone(),
                message: format!(
                    "methods `{other}` and `{}` both become the preload's `{}`; rename one",
                    channel.method,
                    constant_name(channel)
                ),
            });
        }
    }
    Ok(())
}

/// The preload: imports only `electron`; exposes one function per channel on `window.<name>` (`expose_as`, else
/// the trait's name in lower camel case).
pub fn render_preload(
    api: &ApiDescription,
    flavor: PreloadFlavor,
) -> Result<String, BindingsError> {
    check_representable(api)?;
    check_clashes(api)?;
    check_exposed_name(api)?;
    check_constants(api)?;
    let ts = flavor == PreloadFlavor::TypeScript;
    let name = &api.trait_name;
    let exposed = exposed_name(api);
    let mut out = String::new();
    let w = &mut out;
    header(w, api, "its Electron preload");
    if ts {
        let _ = writeln!(
            w,
            "// Compile it to CommonJS for `webPreferences.preload` (a sandboxed preload can only `require(\"electron\")`),\n\
             // or use the ready `{name}.preload.cjs` next to it.\n\
             // It exposes `window.{exposed}`: one function per channel, taking and returning plain data only."
        );
        let _ = writeln!(
            w,
            "import {{ contextBridge as $contextBridge, ipcRenderer as $ipcRenderer, type IpcRendererEvent }} from \"electron\";\n"
        );
    } else {
        let _ = writeln!(
            w,
            "// Plain CommonJS: set it as `webPreferences.preload` of a sandboxed, context-isolated window as it is.\n\
             // It exposes `window.{exposed}`: one function per channel, taking and returning plain data only.\n\
             \"use strict\";\n\
             const {{ contextBridge: $contextBridge, ipcRenderer: $ipcRenderer }} = require(\"electron\");\n"
        );
    }
    for channel in &api.channels {
        let _ = writeln!(
            w,
            "const {} = {};",
            constant_name(channel),
            js_string(channel.channel)
        );
    }
    let _ = writeln!(
        w,
        "const CANCEL_CHANNEL = {};\n",
        js_string(&cancel_channel(name))
    );
    let _ = writeln!(
        w,
        "if (process.contextIsolated !== true) {{\n  throw new Error({});\n}}\n",
        js_string(&format!(
            "{name} preload: contextIsolation is off, so nothing is exposed (the page could reach ipcRenderer). \
             Create the window with webPreferences.contextIsolation: true (the default)."
        ))
    );
    w.push_str(&instantiate(HELPERS_TEMPLATE, flavor));
    let _ = writeln!(
        w,
        "$contextBridge.exposeInMainWorld({}, {{",
        js_string(&exposed)
    );
    for channel in &api.channels {
        let _ = writeln!(w, "  {},", exposed_member(name, channel, flavor));
    }
    let _ = writeln!(w, "}});");
    Ok(out)
}

/// One function of the exposed object: forwards plain data to `ipcRenderer`, never the reverse.
fn exposed_member(trait_name: &str, channel: &ChannelTs, flavor: PreloadFlavor) -> String {
    let typed = |annotation: &str| {
        if flavor == PreloadFlavor::TypeScript {
            annotation.to_owned()
        } else {
            String::new()
        }
    };
    let member = member_name(channel);
    let constant = constant_name(channel);
    let names = arg_names(channel);
    let params: Vec<String> = names
        .iter()
        .map(|n| format!("{n}{}", typed(": unknown")))
        .collect();
    match channel.kind {
        ChannelKind::Stream => unreachable!("check_representable refuses stream channels"),
        ChannelKind::Send => format!(
            "{member}: ({}){} => {{\n    $ipcRenderer.send({constant}, [{}]);\n  }}",
            params.join(", "),
            typed(": void"),
            names.join(", ")
        ),
        ChannelKind::Invoke => {
            let mut all = params.clone();
            all.push(format!("{OPTIONS}{}", typed("?: $InvokeOptions")));
            format!(
                "{member}: ({}){} => $invoke({constant}, [{}], {OPTIONS})",
                all.join(", "),
                typed(": Promise<unknown>"),
                names.join(", ")
            )
        }
        ChannelKind::Event => {
            let spread: Vec<String> = (0..channel.args.len())
                .map(|i| format!("args[{i}]"))
                .collect();
            let receiver = if channel.args.is_empty() {
                "()"
            } else {
                "(args)"
            };
            // What the warning about a message in the wrong shape names (see `render_main`'s `<Trait>MainEvents`).
            let mut sender_args = vec!["webContents".to_owned()];
            sender_args.extend(names.iter().cloned());
            let sender = format!(
                "{trait_name}MainEvents.{}({}) from {trait_name}.main.ts",
                camel_case(channel.method),
                sender_args.join(", ")
            );
            format!(
                "{member}: ({LISTENER}{}){} =>\n    $subscribe({constant}, {LISTENER}, {receiver} => {{\n      {LISTENER}({});\n    }}, {})",
                typed(&format!(": ({}) => void", params.join(", "))),
                typed(": (() => void)"),
                spread.join(", "),
                js_string(&sender)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ts::ApiBuilder;

    #[test]
    fn flavours_share_the_template() {
        let template = "let a«: number» = 1;\n«interface X {}\n»done";
        assert_eq!(
            instantiate(template, PreloadFlavor::TypeScript),
            "let a: number = 1;\ninterface X {}\ndone"
        );
        assert_eq!(
            instantiate(template, PreloadFlavor::CommonJs),
            "let a = 1;\ndone"
        );
        let js = instantiate(HELPERS_TEMPLATE, PreloadFlavor::CommonJs);
        assert!(
            !js.contains("interface") && !js.contains(": string"),
            "{js}"
        );
    }

    #[test]
    fn refuses_methods_with_the_same_channel_constant() {
        let mut api = ApiBuilder::new("Shouty");
        for method in ["open_file", "OPEN_FILE"] {
            api.channel(crate::ts::ChannelTs {
                kind: ChannelKind::Send,
                channel: method,
                method,
                docs: &[],
                args: Vec::new(),
                output: "null".to_owned(),
                error: "never".to_owned(),
                allow_origins: &["app://main"],
                allow_subframes: false,
                timeout_ms: None,
                item: None,
            });
        }
        let error = render_preload(&api.finish(), PreloadFlavor::TypeScript)
            .expect_err("two CHANNEL_OPEN_FILE constants would not compile");
        assert!(
            error.to_string().contains(
                "`open_file` and `OPEN_FILE` both become the preload's `CHANNEL_OPEN_FILE`"
            ),
            "{error}"
        );
    }

    #[test]
    fn refuses_names_pages_already_have() {
        let error = render_preload(
            &ApiBuilder::new("Location").finish(),
            PreloadFlavor::CommonJs,
        )
        .expect_err("window.location must not be replaced");
        assert!(error.to_string().contains("`window.location`"), "{error}");
        assert!(
            error
                .to_string()
                .contains("#[channels(expose_as = \"...\")]"),
            "{error}"
        );
        assert!(
            render_preload(
                &ApiBuilder::new("LocationIpc").finish(),
                PreloadFlavor::TypeScript
            )
            .is_ok()
        );
    }

    fn event(method: &'static str) -> ChannelTs {
        ChannelTs {
            kind: ChannelKind::Event,
            channel: "update-counter",
            method,
            docs: &[],
            args: vec![("value", "number".to_owned())],
            output: "null".to_owned(),
            error: "never".to_owned(),
            allow_origins: &["app://main"],
            allow_subframes: false,
            timeout_ms: None,
            item: None,
        }
    }

    #[test]
    fn exposes_the_chosen_name() {
        let mut api = ApiBuilder::new("ElectronAPI");
        api.expose_as("electronAPI");
        let api = api.finish();
        for flavor in [PreloadFlavor::TypeScript, PreloadFlavor::CommonJs] {
            let preload = render_preload(&api, flavor).unwrap();
            assert!(
                preload.contains("$contextBridge.exposeInMainWorld(\"electronAPI\", {"),
                "{preload}"
            );
            assert!(!preload.contains("\"electronApi\""), "{preload}");
        }
    }

    #[test]
    fn refuses_chosen_names_pages_cannot_use() {
        for (name, problem) in [
            ("electron-api", "is not a plain JavaScript identifier"),
            ("1api", "is not a plain JavaScript identifier"),
            ("JSON", "which pages already have"),
        ] {
            let mut api = ApiBuilder::new("ElectronAPI");
            api.expose_as(name);
            let error = render_preload(&api.finish(), PreloadFlavor::TypeScript)
                .expect_err(name)
                .to_string();
            assert!(
                error.contains(&format!("`window.{name}`, which")),
                "{error}"
            );
            assert!(error.contains(problem), "{error}");
            assert!(error.contains("choose another `expose_as`"), "{error}");
        }
    }

    #[test]
    fn the_wrong_shape_warning_names_the_typed_sender() {
        let mut api = ApiBuilder::new("ElectronAPI");
        api.channel(event("update_counter"));
        let preload = render_preload(&api.finish(), PreloadFlavor::CommonJs).unwrap();
        assert!(
            preload.contains(
                "$subscribe(CHANNEL_UPDATE_COUNTER, listener, (args) => {\n      listener(args[0]);\n    }, \
                 \"ElectronAPIMainEvents.updateCounter(webContents, value) from ElectronAPI.main.ts\")"
            ),
            "{preload}"
        );
    }
}
