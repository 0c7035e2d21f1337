// Entry point under the web host: connect with the token from the URL, then run the host-independent app.
// Under Electron the entry would instead be `startApp(window.demoIpc)`, with the preload exposing
// `createDemoIpcApi(transport)`: app.ts is the same.
import { createDemoIpcApi } from "../bindings/DemoIpc.js";
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
        const text = error instanceof WebConnectError ? `refused (${describeClose(error.info)})` : `failed: ${String(error)}`;
        setStatus("refused", text);
    }
    setButtons(false);
}
closeButton?.addEventListener("click", () => disconnect?.());
openButton?.addEventListener("click", () => void connect());
void connect();
