// Entry point. Under Electron the generated preload has exposed `window.demoIpc`: use it. In a browser,
// connect to the web host with the token from the URL. Either way app.ts gets the same typed `DemoIpcApi`.
import { createDemoIpcApi } from "../bindings/DemoIpc.js";
import { electronDemoIpcApi } from "../bindings/DemoIpc.electron.js";
import { isIpcError } from "../bindings/ipc-bridge.js";
import { connectWeb, WebConnectError } from "../bindings/ipc-web.js";
import { startApp } from "./app.js";
const status = document.getElementById("conn-status");
const closeButton = document.getElementById("conn-close");
const openButton = document.getElementById("conn-open");
function setStatus(state, text) {
    if (status !== null) {
        status.dataset["state"] = state;
        status.textContent = text;
    }
}
function setButtons(connected) {
    if (closeButton instanceof HTMLButtonElement && openButton instanceof HTMLButtonElement) {
        closeButton.disabled = !connected;
        openButton.disabled = connected;
    }
}
function describeClose(info) {
    return info.reason === "" ? `code ${info.code}` : `${info.code}: ${info.reason}`;
}
/** Why `connectWeb` failed: the host's close code and reason, or the typed `version_mismatch` of a page built
 * from other bindings than the host serves (a stale cached page: reloading fetches the current one). */
function describeRefusal(error) {
    if (error instanceof WebConnectError) {
        return `refused (${describeClose(error.info)})`;
    }
    if (isIpcError(error) && error.detail.kind === "version_mismatch") {
        return `refused (version mismatch: page ${error.detail.actual ?? "none"}, host ${error.detail.expected})`;
    }
    return `failed: ${String(error)}`;
}
let disconnect;
async function connect() {
    setStatus("connecting", "connecting…");
    setButtons(true);
    try {
        const connection = await connectWeb(createDemoIpcApi, {
            onRefusal: (error) => console.warn(`main side refused a message: ${error.message}`),
        });
        const stop = startApp(connection.api);
        disconnect = () => connection.close();
        setStatus("connected", "connected");
        const info = await connection.closed;
        stop();
        disconnect = undefined;
        setStatus("disconnected", `disconnected (${describeClose(info)})`);
    }
    catch (error) {
        setStatus("refused", describeRefusal(error));
    }
    setButtons(false);
}
/** Under Electron there is no socket to manage, and the counter comes from the app menu. */
function startUnderElectron() {
    startApp(electronDemoIpcApi());
    setStatus("connected", "connected (Electron preload)");
    for (const button of [closeButton, openButton]) {
        if (button !== null) {
            button.hidden = true;
        }
    }
    const texts = [
        ["title", "Typed IPC: the four Electron patterns, in Electron"],
        ["counter-hint", "Use the app menu: Counter → Increment / Decrement. The page replies with the new value."],
        ["peer-hint", "The app opened a second window."],
    ];
    for (const [id, text] of texts) {
        const element = document.getElementById(id);
        if (element !== null) {
            element.textContent = text;
        }
    }
}
if (window.demoIpc !== undefined) {
    startUnderElectron();
}
else {
    closeButton?.addEventListener("click", () => disconnect?.());
    openButton?.addEventListener("click", () => void connect());
    void connect();
}
