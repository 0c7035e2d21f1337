//! What the Electron preload may expose a trait as (`window.<name>`). The list of window globals lives here
//! only: `ipc_runtime` checks names at run time against the same list, through [`crate::__window_globals`].

/// Globals a page already has on `window`: exposing a trait under one of them would shadow it in the page or
/// make `exposeInMainWorld` throw at start-up ("Cannot bind an API on top of an existing property"). The
/// common lower camel case ones (the default names are lower camel case), the non-writable values, and the
/// ECMAScript built-ins. A page has many more (every DOM interface, such as `Element`); Electron refuses those
/// at start-up.
pub(crate) const WINDOW_GLOBALS: &[&str] = &[
    "alert",
    "blur",
    "caches",
    "chrome",
    "close",
    "closed",
    "confirm",
    "console",
    "crypto",
    "customElements",
    "decodeURI",
    "decodeURIComponent",
    "document",
    "electron",
    "encodeURI",
    "encodeURIComponent",
    "escape",
    "eval",
    "event",
    "exports",
    "external",
    "fetch",
    "find",
    "focus",
    "frameElement",
    "frames",
    "global",
    "globalThis",
    "history",
    "indexedDB",
    "ipcRenderer",
    "isFinite",
    "isNaN",
    "length",
    "localStorage",
    "location",
    "locationbar",
    "menubar",
    "module",
    "name",
    "navigation",
    "navigator",
    "open",
    "opener",
    "origin",
    "parent",
    "parseFloat",
    "parseInt",
    "performance",
    "personalbar",
    "postMessage",
    "print",
    "process",
    "prompt",
    "queueMicrotask",
    "require",
    "screen",
    "scheduler",
    "scrollbars",
    "self",
    "sessionStorage",
    "setInterval",
    "setTimeout",
    "speechSynthesis",
    "status",
    "statusbar",
    "stop",
    "structuredClone",
    "toolbar",
    "top",
    "trustedTypes",
    "undefined",
    "unescape",
    "visualViewport",
    "window",
    "AggregateError",
    "Array",
    "ArrayBuffer",
    "Atomics",
    "BigInt",
    "BigInt64Array",
    "BigUint64Array",
    "Boolean",
    "DataView",
    "Date",
    "Error",
    "EvalError",
    "FinalizationRegistry",
    "Float32Array",
    "Float64Array",
    "Function",
    "Infinity",
    "Int8Array",
    "Int16Array",
    "Int32Array",
    "Intl",
    "Iterator",
    "JSON",
    "Map",
    "Math",
    "NaN",
    "Number",
    "Object",
    "Promise",
    "Proxy",
    "RangeError",
    "ReferenceError",
    "Reflect",
    "RegExp",
    "Set",
    "SharedArrayBuffer",
    "String",
    "Symbol",
    "SyntaxError",
    "TypeError",
    "URIError",
    "Uint8Array",
    "Uint8ClampedArray",
    "Uint16Array",
    "Uint32Array",
    "WeakMap",
    "WeakRef",
    "WeakSet",
];

/// Whether `name` can follow `window.` as it is: ASCII letters, digits, `_` and `$`, not starting with a digit.
pub(crate) fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Why `name` cannot be the exposed global, if it cannot.
pub(crate) fn problem(name: &str) -> Option<String> {
    if !is_plain_identifier(name) {
        Some(format!(
            "`expose_as = {name:?}` is not a plain JavaScript identifier (ASCII letters, digits, `_` and `$`, \
             not starting with a digit), so pages could not write `window.<name>`; e.g. \"electronAPI\""
        ))
    } else if WINDOW_GLOBALS.contains(&name) {
        Some(format!(
            "`expose_as = {name:?}` would expose the preload as `window.{name}`, which every page already has \
             (the page would lose it, or Electron refuses to bind it); choose another name, e.g. \"electronAPI\""
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for ok in ["electronAPI", "_x", "$api", "a1", "api_v2"] {
            assert!(problem(ok).is_none(), "{ok}");
        }
        for bad in [
            "",
            "1api",
            "electron-api",
            "electron.api",
            "électron",
            "a b",
        ] {
            assert!(
                problem(bad).is_some_and(|m| m.contains("not a plain JavaScript identifier")),
                "{bad}"
            );
        }
        assert!(problem("location").is_some_and(|m| m.contains("`window.location`")));
        assert!(problem("JSON").is_some_and(|m| m.contains("every page already has")));
    }

    #[test]
    fn the_list_has_no_duplicates() {
        let mut seen = std::collections::BTreeSet::new();
        assert!(WINDOW_GLOBALS.iter().all(|name| seen.insert(*name)));
    }
}
