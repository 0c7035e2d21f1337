// The demo's renderer logic. It knows only the typed API (`DemoIpcApi`), never how it reaches the main side,
// so the same code runs under the web host and under Electron's generated preload (main.ts picks).

import type { DemoIpcApi, FileError, PeerError } from "../bindings/DemoIpc.js";
import { isIpcError } from "../bindings/ipc-bridge.js";

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) {
    throw new Error(`#${id} is missing or not a ${type.name}`);
  }
  return element;
}

/** Shows a failure with its kind in `data-kind`, so people read the text and tests read the kind. */
function showError(element: HTMLElement, kind: string, text: string): void {
  element.dataset["kind"] = kind;
  element.textContent = text;
}

function clearError(element: HTMLElement): void {
  element.dataset["kind"] = "";
  element.textContent = "";
}

function describeFileError(error: FileError): string {
  switch (error.kind) {
    case "notFound":
      return `"${error.name}" is not in the folder`;
    case "outsideFolder":
      return `refused: "${error.name}" is outside the folder the main side allows`;
    case "unreadable":
      return `the main side could not read it (${error.reason})`;
    case "noDialog":
      return "this host has no native file dialog: pick a file from the list";
  }
}

function describePeerError(error: PeerError): string {
  switch (error.kind) {
    case "notConnected":
      return `renderer ${error.id} is not connected`;
    case "toSelf":
      return "that is this renderer";
    case "empty":
      return "nothing to send";
    case "tooLong":
      return `longer than ${error.max} characters`;
  }
}

function describeRuntimeError(kind: string, message: string): string {
  switch (kind) {
    case "cancelled":
      return "cancelled by this page";
    case "disconnected":
      return "the connection closed before the reply arrived";
    default:
      return message;
  }
}

/** Reports a failed call: the handler's typed error through `describe`, any other failure by its kind. */
function reportFailure<E>(element: HTMLElement, error: unknown, describe: (e: E) => string): void {
  if (isIpcError<E>(error)) {
    const detail = error.detail;
    if (detail.kind === "handler") {
      const handlerError = detail.error as E & { readonly kind: string };
      showError(element, handlerError.kind, describe(handlerError));
    } else {
      showError(element, detail.kind, describeRuntimeError(detail.kind, error.message));
    }
  } else {
    showError(element, "unexpected", String(error));
  }
}

// Survives reconnects: the counter belongs to the page, the main side only sends changes.
let counterValue = 0;
let jobNumber = 0;

/** Wires the page to `api`. Returns a function that undoes it (listeners, subscriptions, running job). */
export function startApp(api: DemoIpcApi): () => void {
  const wiring = new AbortController();
  const { signal } = wiring;
  const subscriptions: (() => void)[] = [];

  // Pattern 1: one-way; the main side answers by applying the title.
  const titleInput = byId("title-input", HTMLInputElement);
  const titleApplied = byId("title-applied", HTMLElement);
  byId("title-set", HTMLButtonElement).addEventListener("click", () => api.setTitle(titleInput.value), { signal });
  subscriptions.push(
    api.onWindowTitle((title) => {
      document.title = title;
      titleApplied.textContent = title;
    }),
  );

  // Pattern 2: two-way, with typed errors.
  const fileSelect = byId("file-select", HTMLSelectElement);
  const fileName = byId("file-name", HTMLElement);
  const fileSize = byId("file-size", HTMLElement);
  const filePreview = byId("file-preview", HTMLElement);
  const fileError = byId("file-error", HTMLElement);
  const openFile = async (name: string): Promise<void> => {
    clearError(fileError);
    try {
      const file = await api.openFile(name);
      fileName.textContent = file.name;
      fileSize.textContent = `(${file.bytes} bytes)`;
      filePreview.textContent = file.preview;
    } catch (error) {
      reportFailure<FileError>(fileError, error, describeFileError);
    }
  };
  byId("file-open", HTMLButtonElement).addEventListener("click", () => void openFile(fileSelect.value), { signal });
  byId("file-open-outside", HTMLButtonElement).addEventListener("click", () => void openFile("../Cargo.toml"), { signal });
  // The tutorial's dialog: the main side shows it and answers a name; reading the file stays `openFile`.
  byId("file-choose", HTMLButtonElement).addEventListener("click", () => {
    clearError(fileError);
    api.chooseFile().then(
      (name) => {
        if (name !== null) {
          fileSelect.value = name;
          void openFile(name);
        }
      },
      (error: unknown) => reportFailure<FileError>(fileError, error, describeFileError),
    );
  }, { signal });
  api.listFiles().then(
    (files) => {
      fileSelect.replaceChildren(...files.map((f) => new Option(`${f.name} (${f.bytes} bytes)`, f.name)));
    },
    (error: unknown) => reportFailure<FileError>(fileError, error, describeFileError),
  );

  // Pattern 3: the main side drives the counter; the page replies with the value it now shows.
  const counter = byId("counter", HTMLElement);
  counter.textContent = String(counterValue);
  subscriptions.push(
    api.onUpdateCounter((delta) => {
      counterValue += delta;
      counter.textContent = String(counterValue);
      api.counterValue(counterValue);
    }),
  );

  // Pattern 4: renderers address each other by id; the main side forwards or refuses.
  const myId = byId("my-id", HTMLElement);
  const peerList = byId("peer-list", HTMLElement);
  const peerId = byId("peer-id", HTMLInputElement);
  const peerText = byId("peer-text", HTMLInputElement);
  const peerStatus = byId("peer-status", HTMLElement);
  const inbox = byId("peer-inbox", HTMLUListElement);
  let me: number | undefined;
  let latestPeers: readonly number[] = [];
  const showPeers = (): void => {
    const others = latestPeers.filter((id) => id !== me);
    peerList.textContent = others.length === 0 ? "none" : others.join(", ");
    peerList.dataset["ids"] = others.join(",");
  };
  subscriptions.push(
    api.onPeersChanged((peers) => {
      latestPeers = peers;
      showPeers();
    }),
  );
  subscriptions.push(
    api.onPeerMessage((from, text) => {
      const item = document.createElement("li");
      item.textContent = `from renderer ${from}: ${text}`;
      inbox.append(item);
    }),
  );
  Promise.all([api.whoami(), api.peers()]).then(
    ([id, peers]) => {
      me = id;
      myId.textContent = String(id);
      latestPeers = peers;
      showPeers();
    },
    (error: unknown) => reportFailure<PeerError>(peerStatus, error, describePeerError),
  );
  byId("peer-send", HTMLButtonElement).addEventListener(
    "click",
    () => {
      clearError(peerStatus);
      api.messagePeer(Number(peerId.value), peerText.value).then(
        () => {
          peerStatus.dataset["kind"] = "sent";
          peerStatus.textContent = `sent to renderer ${peerId.value}`;
        },
        (error: unknown) => reportFailure<PeerError>(peerStatus, error, describePeerError),
      );
    },
    { signal },
  );

  // A long call: cancelled by the page, finished by the main side, or cut by a disconnect.
  const jobStart = byId("job-start", HTMLButtonElement);
  const jobCancel = byId("job-cancel", HTMLButtonElement);
  const jobStatus = byId("job-status", HTMLElement);
  let job: AbortController | undefined;
  jobStart.addEventListener(
    "click",
    () => {
      const control = new AbortController();
      job = control;
      jobNumber += 1;
      jobStart.disabled = true;
      jobCancel.disabled = false;
      showError(jobStatus, "running", `job ${jobNumber} running…`);
      api
        .longJob(`job ${jobNumber}`, { signal: control.signal })
        .then(
          (result) => showError(jobStatus, "finished", result),
          (error: unknown) => reportFailure<never>(jobStatus, error, () => "unexpected"),
        )
        .finally(() => {
          if (job === control) {
            job = undefined;
            jobStart.disabled = false;
            jobCancel.disabled = true;
          }
        });
    },
    { signal },
  );
  jobCancel.addEventListener("click", () => job?.abort(), { signal });

  return () => {
    wiring.abort();
    for (const unsubscribe of subscriptions) {
      unsubscribe();
    }
    myId.textContent = "?";
  };
}
